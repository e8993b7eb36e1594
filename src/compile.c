/* compile.c - the public entry point: runs the stages in order. */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

char *tauraro_compile_to_c(const char *filename, const char *src, size_t len,
                           const TauraroOptions *opts, FILE *diag_out, int *nerrors)
{
    Compiler c;
    compiler_init(&c, filename, src, len, opts);
    c.diag_out = diag_out;
    char *result = NULL;
    Module *m = parse_module(&c);
    Program *p = m && c.nerrors == 0 ? sema_check(&c, m) : NULL;
    if (p && c.nerrors == 0) {
        mem_plan(&c, p);
        if (c.nerrors == 0) {
            StrBuf out = {0};
            emit_program(&c, p, &out);
            result = out.data; /* ownership moves to the caller */
        }
    }
    if (nerrors)
        *nerrors = c.nerrors;
    compiler_free(&c);
    return result;
}
