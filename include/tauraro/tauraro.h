/* tauraro.h - the public C API of the Tauraro compiler.
 *
 * The command-line tool is a thin layer over these functions; other
 * programs (and the unit tests) can embed the compiler through them.
 */
#ifndef TAURARO_TAURARO_H
#define TAURARO_TAURARO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TAURARO_VERSION "0.1.0"

typedef enum {
    TAURARO_MEM_AUTO = 0,
    TAURARO_MEM_MANUAL = 1,
    TAURARO_MEM_ARENA = 2,
} TauraroMemStrategy;

typedef struct TauraroOptions {
    TauraroMemStrategy memory_strategy; /* default for undecorated functions */
    bool memory_debug;                  /* --memory-debug */
} TauraroOptions;

/* Translate a Tauraro program to C.
 * filename is used in diagnostics and in the program's tracebacks.
 * Diagnostics are printed to diag_out (may be NULL) in gcc style.
 * On success returns a malloc'd NUL-terminated C translation unit;
 * on error returns NULL. *nerrors (if not NULL) receives the error count. */
char *tauraro_compile_to_c(const char *filename, const char *src, size_t len,
                           const TauraroOptions *opts, FILE *diag_out, int *nerrors);

#endif
