/* diag.c - diagnostics: every error is a value with a location, printed
 * gcc-style with the source line and a caret. */
#include <string.h>

#include "compiler.h"

void compiler_init(Compiler *c, const char *filename, const char *src, size_t len,
                   const TauraroOptions *opts)
{
    memset(c, 0, sizeof *c);
    c->filename = filename;
    c->src = src;
    c->src_len = len;
    if (opts)
        c->opts = *opts;
    types_init(c);
}

void compiler_free(Compiler *c)
{
    arena_free_all(&c->arena);
}

/* Print line `line` of the source and a caret under column `col`. */
static void print_source_line(Compiler *c, FILE *out, SrcPos pos)
{
    const char *p = c->src, *end = c->src + c->src_len;
    for (int l = 1; l < pos.line && p < end; p++)
        if (*p == '\n')
            l++;
    if (p >= end && pos.line > 1)
        return;
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    if (eol > p && eol[-1] == '\r')
        eol--;
    fprintf(out, " %5d | %.*s\n       | ", pos.line, (int)(eol - p), p);
    /* keep tabs so the caret lines up with the source line */
    for (int i = 1; i < pos.col && p + i - 1 < eol; i++)
        fputc(p[i - 1] == '\t' ? '\t' : ' ', out);
    fputs("^\n", out);
}

static const char *level_name[] = {"error", "warning", "note"};

void diag_vreport(Compiler *c, DiagLevel level, SrcPos pos, const char *fmt, va_list ap)
{
    Diag *d = arena_alloc(&c->arena, sizeof *d);
    d->level = level;
    d->pos = pos;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    d->msg = arena_alloc(&c->arena, (size_t)n + 1);
    vsnprintf(d->msg, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    if (c->diags_tail)
        c->diags_tail->next = d;
    else
        c->diags = d;
    c->diags_tail = d;
    if (level == DIAG_ERROR)
        c->nerrors++;
    else if (level == DIAG_WARNING)
        c->nwarnings++;
    if (c->diag_out) {
        fprintf(c->diag_out, "%s:%d:%d: %s: %s\n", c->filename, pos.line, pos.col,
                level_name[level], d->msg);
        if (pos.line > 0)
            print_source_line(c, c->diag_out, pos);
    }
}

void diag_report(Compiler *c, DiagLevel level, SrcPos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(c, level, pos, fmt, ap);
    va_end(ap);
}
