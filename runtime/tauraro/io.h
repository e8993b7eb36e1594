/* tauraro/io.h - print support: text to stdout through stdio's buffer.
 *
 * print(a, b, sep=..., end=...) becomes a sequence of these calls; the
 * program's stdout buffer is sized by tauraro_main_init (runtime.h) and
 * flushed by tauraro_main_exit.
 */
#ifndef TAURARO_IO_H
#define TAURARO_IO_H

#include <inttypes.h>
#include "mem.h"
#include "str.h"
#include "format.h"

TAURARO_INLINE void tauraro_write(const char *bytes, size_t n)
{
    fwrite(bytes, 1, n, stdout);
}

TAURARO_INLINE void tauraro_write_cstr(const char *s)
{
    fputs(s, stdout);
}

TAURARO_INLINE void tauraro_write_str(const tauraro_str_t *s)
{
    fwrite(s->data, 1, (size_t)s->len, stdout);
}

/* repr(s), for containers' elements */
TAURARO_FUNC void tauraro_write_str_repr(const tauraro_str_t *s)
{
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_str_repr_to(&sb, s, -1);
    fwrite(sb.data, 1, sb.len, stdout);
    tauraro_sb_free(&sb);
}

TAURARO_FUNC void tauraro_write_int(int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%" PRId64, v);
    fwrite(buf, 1, (size_t)n, stdout);
}

/* repr(v): the shortest text that reads back as v */
TAURARO_FUNC void tauraro_write_float(double v)
{
    char buf[TAURARO_FLOAT_REPR_MAX];
    int n = tauraro_float_repr_buf(v, buf);
    fwrite(buf, 1, (size_t)n, stdout);
}

TAURARO_INLINE void tauraro_write_bool(bool v)
{
    fputs(v ? "True" : "False", stdout);
}

TAURARO_INLINE void tauraro_write_none(void)
{
    fputs("None", stdout);
}

TAURARO_INLINE void tauraro_write_char(char c)
{
    putc(c, stdout);
}

TAURARO_INLINE void tauraro_flush(void)
{
    fflush(stdout);
}

#endif /* TAURARO_IO_H */
