/* tauraro/builtins.h - Python builtins the generated code calls that are
 * not an operation of one object kind: range stepping, min/max of
 * strings. */
#ifndef TAURARO_BUILTINS_H
#define TAURARO_BUILTINS_H

#include <stdint.h>
#include <string.h>

#include "tauraro/exc.h"
#include "tauraro/str.h"

/* The next value of a range loop, or `stop` when i + step would overflow
 * (the loop then ends, as the range has no further element). */
static inline int64_t tauraro_range_next(int64_t i, int64_t step, int64_t stop)
{
    int64_t next;
    if (__builtin_add_overflow(i, step, &next))
        return stop;
    return next;
}

/* min(a, b) / max(a, b) of strings: Python keeps the first of equals.
 * The result borrows one of the arguments. */
static inline tauraro_str_t *tauraro_str_min(tauraro_str_t *a, tauraro_str_t *b)
{
    return tauraro_str_cmp(b, a) < 0 ? b : a;
}

static inline tauraro_str_t *tauraro_str_max(tauraro_str_t *a, tauraro_str_t *b)
{
    return tauraro_str_cmp(b, a) > 0 ? b : a;
}

/* min(s) / max(s): the smallest / largest character of a string. */
static inline tauraro_str_t *tauraro_str_extreme_char(tauraro_str_t *s, int sign, const char *fn)
{
    if (s->len == 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "%s() arg is an empty sequence", fn);
        return NULL;
    }
    int64_t pos = 0, best_at = 0, best_len = 0;
    while (pos < s->len) {
        int64_t at = pos;
        unsigned char c = (unsigned char)s->data[pos];
        int64_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        pos += n;
        /* UTF-8 byte order is code point order */
        int cmp = best_len == 0 ? sign
                                : memcmp(s->data + at, s->data + best_at,
                                         (size_t)(n < best_len ? n : best_len));
        if (cmp == 0)
            cmp = (int)(n - best_len);
        if ((sign < 0 && cmp < 0) || (sign > 0 && cmp > 0) || best_len == 0) {
            best_at = at;
            best_len = n;
        }
    }
    return tauraro_str_new(s->data + best_at, best_len);
}

static inline tauraro_str_t *tauraro_str_min_char(tauraro_str_t *s)
{
    return tauraro_str_extreme_char(s, -1, "min");
}

static inline tauraro_str_t *tauraro_str_max_char(tauraro_str_t *s)
{
    return tauraro_str_extreme_char(s, 1, "max");
}

#endif
