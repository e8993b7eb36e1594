/* tauraro/format.h - text of numbers: float repr, the format mini-language,
 * and a string builder.
 *
 *     char buf[TAURARO_FLOAT_REPR_MAX];
 *     tauraro_float_repr_buf(0.1, buf);                 // "0.1"
 *     tauraro_str_t *s = tauraro_format_float(1234.5, &spec);   // spec ",.2f" -> "1,234.50"
 *
 * Output matches CPython 3.11 exactly. Decimal digits come from the C
 * library's printf, which (glibc) prints the exact binary value correctly
 * rounded, half-to-even on ties — the same digits as CPython's dtoa:
 *   repr:   shortest digit string that round-trips (15, 16, then 17 significant
 *           digits, each checked with strtod; a decimal of at most 15 digits
 *           always survives the round trip, so a 15-digit success stripped of
 *           trailing zeros is the shortest);
 *   'e'/'g': "%.*e" (significant digits), 'f': "%.*f" (digits after the point).
 * The layout (exponent choice, '.0', '#', grouping, padding) follows CPython's
 * format_float_short and calc_number_widths.
 */
#ifndef TAURARO_FORMAT_H
#define TAURARO_FORMAT_H

#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include "mem.h"

/* ---- types and declarations --------------------------------------------------------- */

/* A growable byte buffer; data is NUL-terminated whenever cap > 0. */
typedef struct tauraro_sb {
    char *data;
    size_t len, cap;
} tauraro_sb_t;

#define TAURARO_SB_INIT { NULL, 0, 0 }

/* Big enough for any float repr ("-1.7976931348623157e+308"). */
#define TAURARO_FLOAT_REPR_MAX 32

typedef struct tauraro_str tauraro_str_t;

/* A parsed format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type] */
typedef struct tauraro_fmt_spec {
    uint32_t fill;       /* code point */
    char align;          /* '<' '>' '^' '=' */
    char sign;           /* 0 '+' '-' ' ' */
    bool no_neg_0;       /* 'z' */
    bool alt;            /* '#' */
    int64_t width;       /* -1: none */
    char sep;            /* 0 ',' '_' */
    int group;           /* digits per group: 3, 4 (b/o/x with '_'), 0 none */
    int64_t precision;   /* -1: none */
    uint32_t type;       /* 0: none */
} tauraro_fmt_spec_t;

TAURARO_FUNC void tauraro_sb_reserve(tauraro_sb_t *sb, size_t extra);
TAURARO_INLINE void tauraro_sb_append(tauraro_sb_t *sb, const char *bytes, size_t n);
TAURARO_INLINE void tauraro_sb_putc(tauraro_sb_t *sb, char c);
TAURARO_INLINE void tauraro_sb_append_cstr(tauraro_sb_t *sb, const char *s);
TAURARO_INLINE void tauraro_sb_append_str(tauraro_sb_t *sb, const tauraro_str_t *s);
TAURARO_FUNC void tauraro_sb_append_cp(tauraro_sb_t *sb, uint32_t cp);
TAURARO_FUNC void tauraro_sb_fill(tauraro_sb_t *sb, uint32_t cp, int64_t count);
TAURARO_FUNC void tauraro_sb_append_int(tauraro_sb_t *sb, int64_t v);
TAURARO_FUNC void tauraro_sb_append_float(tauraro_sb_t *sb, double v);
TAURARO_FUNC tauraro_str_t *tauraro_sb_to_str(tauraro_sb_t *sb);
TAURARO_INLINE void tauraro_sb_free(tauraro_sb_t *sb);

TAURARO_FUNC int tauraro_float_repr_buf(double v, char *buf);
TAURARO_FUNC tauraro_str_t *tauraro_format_int(int64_t v, tauraro_str_t *spec);
TAURARO_FUNC tauraro_str_t *tauraro_format_float(double v, tauraro_str_t *spec);
TAURARO_FUNC tauraro_str_t *tauraro_format_str(tauraro_str_t *s, tauraro_str_t *spec);
TAURARO_FUNC tauraro_str_t *tauraro_format_bool(bool v, tauraro_str_t *spec);

#include "exc.h"
#include "str.h"

/* ---- string builder -------------------------------------------------------------------- */

TAURARO_FUNC void tauraro_sb_reserve(tauraro_sb_t *sb, size_t extra)
{
    if (extra > SIZE_MAX / 4 - sb->len)
        tauraro_out_of_memory();
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    sb->data = (char *)tauraro_realloc(sb->data, cap);
    sb->cap = cap;
}

TAURARO_INLINE void tauraro_sb_append(tauraro_sb_t *sb, const char *bytes, size_t n)
{
    tauraro_sb_reserve(sb, n);
    if (n)
        memcpy(sb->data + sb->len, bytes, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

TAURARO_INLINE void tauraro_sb_putc(tauraro_sb_t *sb, char c)
{
    if (sb->len + 1 >= sb->cap)
        tauraro_sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
}

TAURARO_INLINE void tauraro_sb_append_cstr(tauraro_sb_t *sb, const char *s)
{
    tauraro_sb_append(sb, s, strlen(s));
}

TAURARO_INLINE void tauraro_sb_append_str(tauraro_sb_t *sb, const tauraro_str_t *s)
{
    tauraro_sb_append(sb, s->data, (size_t)s->len);
}

/* One code point, UTF-8 encoded. */
TAURARO_FUNC void tauraro_sb_append_cp(tauraro_sb_t *sb, uint32_t cp)
{
    char buf[4];
    tauraro_sb_append(sb, buf, (size_t)tauraro_utf8_encode(cp, buf));
}

/* count copies of code point cp (count <= 0: nothing). */
TAURARO_FUNC void tauraro_sb_fill(tauraro_sb_t *sb, uint32_t cp, int64_t count)
{
    if (count <= 0)
        return;
    char buf[4];
    int n = tauraro_utf8_encode(cp, buf);
    tauraro_sb_reserve(sb, tauraro_size_mul((size_t)count, (size_t)n));
    char *d = sb->data + sb->len;
    if (n == 1) {
        memset(d, buf[0], (size_t)count);
    } else {
        for (int64_t i = 0; i < count; i++, d += n)
            memcpy(d, buf, (size_t)n);
    }
    sb->len += (size_t)count * (size_t)n;
    sb->data[sb->len] = '\0';
}

TAURARO_FUNC void tauraro_sb_append_int(tauraro_sb_t *sb, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%" PRId64, v);
    tauraro_sb_append(sb, buf, (size_t)n);
}

/* repr(v) */
TAURARO_FUNC void tauraro_sb_append_float(tauraro_sb_t *sb, double v)
{
    char buf[TAURARO_FLOAT_REPR_MAX];
    int n = tauraro_float_repr_buf(v, buf);
    tauraro_sb_append(sb, buf, (size_t)n);
}

TAURARO_INLINE void tauraro_sb_free(tauraro_sb_t *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

/* The built text as an owned str (from the current arena when one is
 * active); the builder is freed. */
TAURARO_FUNC tauraro_str_t *tauraro_sb_to_str(tauraro_sb_t *sb)
{
    tauraro_str_t *s = tauraro_str_new(sb->data, (int64_t)sb->len);
    tauraro_sb_free(sb);
    return s;
}

/* ---- decimal digits of a double ------------------------------------------------------------ */

/* Parse printf's "%e" output (d[.ddd]e±X) into digits (trailing zeros
 * removed) and the decimal point position; returns the digit count. */
TAURARO_FUNC int64_t tauraro_parse_e_(const char *s, char *digits, int64_t *decpt)
{
    int64_t n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            digits[n++] = *s;
    long exp = *s == 'e' ? strtol(s + 1, NULL, 10) : 0;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *decpt = exp + 1;
    return n;
}

/* Shortest digits of v (finite, > 0) that read back as v: Python's repr
 * digits. Returns the digit count (1..17); digits gets them NUL-terminated.
 * Any decimal of at most 15 digits survives decimal -> double -> 15 digits,
 * so when 15 digits round-trip, they hold the shortest string (padded with
 * zeros); else 16 or 17 digits are needed. */
TAURARO_FUNC int tauraro_float_shortest_(double v, char *digits, int64_t *decpt)
{
    char buf[40];
    /* subnormals have fewer significant bits, so the 15-digit argument does
     * not hold for them: search from one digit */
    for (int prec = v < DBL_MIN ? 0 : 14; prec <= 15; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec, v);
        if (strtod(buf, NULL) == v)
            return (int)tauraro_parse_e_(buf, digits, decpt);
    }
    /* A power of two has a rounding interval twice as wide above it as
     * below: the 16-digit decimal nearest to v may miss it on the narrow side
     * while the next one up reads back as v (and is what dtoa returns). */
    int e2;
    if (frexp(v, &e2) == 0.5 && v >= DBL_MIN && strtod(buf, NULL) < v) {
        int n = (int)tauraro_parse_e_(buf, digits, decpt);
        while (n < 16)
            digits[n++] = '0';
        int i = n;
        while (i > 0 && digits[i - 1] == '9')
            digits[--i] = '0';
        if (i == 0) {  /* 9.99..9 + 1 unit = 10.00..0 */
            digits[0] = '1';
            (*decpt)++;
        } else {
            digits[i - 1]++;
        }
        snprintf(buf, sizeof buf, "%c.%.15se%+d", digits[0], digits + 1, (int)(*decpt - 1));
        if (strtod(buf, NULL) == v)
            return (int)tauraro_parse_e_(buf, digits, decpt);
    }
    snprintf(buf, sizeof buf, "%.16e", v);
    return (int)tauraro_parse_e_(buf, digits, decpt);
}

/* Digits of |v| (finite) as David Gay's dtoa returns them, into out:
 * mode 0 shortest round-trip, mode 2 `nd` significant digits, mode 3 `nd`
 * digits after the point. No leading or trailing zeros; zero is "0" with
 * decpt 1; a value that rounds to nothing in mode 3 is "" with decpt -nd. */
TAURARO_FUNC void tauraro_dtoa_(double v, int mode, int64_t nd, tauraro_sb_t *out, int64_t *decpt)
{
    v = fabs(v);
    out->len = 0;
    if (v == 0.0) {
        tauraro_sb_putc(out, '0');
        *decpt = 1;
        return;
    }
    if (mode == 0) {
        char digits[24];
        int n = tauraro_float_shortest_(v, digits, decpt);
        tauraro_sb_append(out, digits, (size_t)n);
        return;
    }
    if (mode == 2) {
        if (nd < 1)
            nd = 1;
        size_t cap = (size_t)nd + 16;
        tauraro_sb_reserve(out, cap);
        snprintf(out->data, cap, "%.*e", (int)(nd - 1), v);
        out->len = (size_t)tauraro_parse_e_(out->data, out->data, decpt);
        return;
    }
    /* mode 3: "%.*f" has every integer digit, then nd fraction digits */
    size_t cap = (size_t)nd + DBL_MAX_10_EXP + 8;
    tauraro_sb_reserve(out, cap);
    int len = snprintf(out->data, cap, "%.*f", (int)nd, v);
    char *d = out->data;
    int64_t n = 0, intdigits = -1;
    for (int i = 0; i < len; i++) {
        if (d[i] == '.')
            intdigits = n;
        else
            d[n++] = d[i];
    }
    if (intdigits < 0)
        intdigits = n;
    int64_t lead = 0;
    while (lead < n && d[lead] == '0')
        lead++;
    if (lead == n) {  /* rounded to zero */
        out->len = 0;
        d[0] = '\0';
        *decpt = -nd;
        return;
    }
    memmove(d, d + lead, (size_t)(n - lead));
    n -= lead;
    while (n > 1 && d[n - 1] == '0')
        n--;
    d[n] = '\0';
    out->len = (size_t)n;
    *decpt = intdigits - lead;
}

/* repr(v): shortest round-trip digits; scientific when the exponent is < -4
 * or >= 16, else fixed with at least one digit after the point. Writes a
 * NUL-terminated string, returns its length. */
TAURARO_FUNC int tauraro_float_repr_buf(double v, char *buf)
{
    char *p = buf;
    if (isnan(v)) {
        strcpy(buf, "nan");
        return 3;
    }
    if (signbit(v))
        *p++ = '-';
    if (isinf(v)) {
        strcpy(p, "inf");
        return (int)(p - buf) + 3;
    }
    if (v == 0.0) {
        strcpy(p, "0.0");
        return (int)(p - buf) + 3;
    }
    char digits[24];
    int64_t decpt;
    int n = tauraro_float_shortest_(fabs(v), digits, &decpt);
    if (decpt <= -4 || decpt > 16) {
        *p++ = digits[0];
        if (n > 1) {
            *p++ = '.';
            memcpy(p, digits + 1, (size_t)n - 1);
            p += n - 1;
        }
        p += sprintf(p, "e%+03d", (int)(decpt - 1));
    } else if (decpt <= 0) {
        *p++ = '0';
        *p++ = '.';
        for (int64_t i = 0; i < -decpt; i++)
            *p++ = '0';
        memcpy(p, digits, (size_t)n);
        p += n;
    } else if (decpt < n) {
        memcpy(p, digits, (size_t)decpt);
        p += decpt;
        *p++ = '.';
        memcpy(p, digits + decpt, (size_t)(n - decpt));
        p += n - decpt;
    } else {
        memcpy(p, digits, (size_t)n);
        p += n;
        for (int64_t i = n; i < decpt; i++)
            *p++ = '0';
        *p++ = '.';
        *p++ = '0';
    }
    *p = '\0';
    return (int)(p - buf);
}

/* CPython's PyOS_double_to_string: code 'e', 'f', 'g' or 'r' (repr), upper
 * for E/F/G; precision as given by the format spec. Appends to out. */
TAURARO_FUNC void tauraro_float_to_text_(tauraro_sb_t *out, double v, char code, int64_t precision,
                                         bool upper, bool add_dot_0, bool alt, bool no_neg_0)
{
    if (isnan(v)) {
        tauraro_sb_append_cstr(out, upper ? "NAN" : "nan");
        return;
    }
    if (isinf(v)) {
        if (v < 0)
            tauraro_sb_putc(out, '-');
        tauraro_sb_append_cstr(out, upper ? "INF" : "inf");
        return;
    }
    int mode = 0;
    int64_t nd = 0;
    switch (code) {
    case 'e': mode = 2; nd = ++precision; break;
    case 'f': mode = 3; nd = precision; break;
    case 'g': mode = 2; if (precision == 0) precision = 1; nd = precision; break;
    default: break;  /* 'r' */
    }
    tauraro_sb_t dig = TAURARO_SB_INIT;
    int64_t decpt;
    tauraro_dtoa_(v, mode, nd, &dig, &decpt);
    int64_t ndig = (int64_t)dig.len;
    bool neg = signbit(v) != 0;
    if (no_neg_0 && neg && (ndig == 0 || (ndig == 1 && dig.data[0] == '0')))
        neg = false;

    bool use_exp = false;
    int64_t exp = 0, vend = ndig;
    switch (code) {
    case 'e': use_exp = true; vend = precision; break;
    case 'f': vend = decpt + precision; break;
    case 'g':
        if (decpt <= -4 || decpt > (add_dot_0 ? precision - 1 : precision))
            use_exp = true;
        if (alt)
            vend = precision;
        break;
    default:
        if (decpt <= -4 || decpt > 16)
            use_exp = true;
        break;
    }
    if (use_exp) {
        exp = decpt - 1;
        decpt = 1;
    }
    /* the output is the slice [vstart, vend) of digits padded with zeros on
     * both sides, with the point at decpt */
    int64_t vstart = decpt <= 0 ? decpt - 1 : 0;
    int64_t minend = !use_exp && add_dot_0 ? decpt + 1 : decpt;
    if (vend < minend)
        vend = minend;

    if (neg)
        tauraro_sb_putc(out, '-');
    if (decpt <= 0) {
        tauraro_sb_fill(out, '0', decpt - vstart);
        tauraro_sb_putc(out, '.');
        tauraro_sb_fill(out, '0', -decpt);
    } else {
        tauraro_sb_fill(out, '0', -vstart);
    }
    if (decpt > 0 && decpt <= ndig) {
        tauraro_sb_append(out, dig.data, (size_t)decpt);
        tauraro_sb_putc(out, '.');
        tauraro_sb_append(out, dig.data + decpt, (size_t)(ndig - decpt));
    } else {
        tauraro_sb_append(out, dig.data, (size_t)ndig);
    }
    if (ndig < decpt) {
        tauraro_sb_fill(out, '0', decpt - ndig);
        tauraro_sb_putc(out, '.');
        tauraro_sb_fill(out, '0', vend - decpt);
    } else {
        tauraro_sb_fill(out, '0', vend - ndig);
    }
    if (out->len > 0 && out->data[out->len - 1] == '.' && !alt)
        out->data[--out->len] = '\0';
    if (use_exp) {
        char e[16];
        int n = snprintf(e, sizeof e, "%c%+03d", upper ? 'E' : 'e', (int)exp);
        tauraro_sb_append(out, e, (size_t)n);
    }
    tauraro_sb_free(&dig);
}

/* ---- the format mini-language ------------------------------------------------------------------ */

/* "'c'" or "'\x1'" the way CPython names a format character in messages. */
TAURARO_FUNC void tauraro_fmt_char_name_(char *buf, size_t n, uint32_t c)
{
    if (c > 32 && c < 128)
        snprintf(buf, n, "'%c'", (char)c);
    else
        snprintf(buf, n, "'\\x%x'", (unsigned)c);
}

TAURARO_FUNC void tauraro_fmt_unknown_code_(uint32_t type, const char *type_name)
{
    char c[16];
    tauraro_fmt_char_name_(c, sizeof c, type);
    tauraro_raise_msg(&tauraro_cls_ValueError, "Unknown format code %s for object of type '%s'", c, type_name);
}

/* A decimal integer at cp[*i..n) (digits of any script): -1 on overflow
 * (ValueError raised), else the number of digits consumed. */
TAURARO_FUNC int64_t tauraro_fmt_integer_(const uint32_t *cp, int64_t n, int64_t *i, int64_t *out)
{
    int64_t acc = 0, used = 0;
    for (; *i < n; (*i)++, used++) {
        int d = tauraro_unicode_digit(cp[*i]);
        if (d < 0)
            break;
        if (acc > (INT64_MAX - d) / 10) {
            tauraro_raise_msg(&tauraro_cls_ValueError, "Too many decimal digits in format string");
            return -1;
        }
        acc = acc * 10 + d;
    }
    *out = acc;
    return used;
}

/* Parse spec (CPython's parse_internal_render_format_spec); false with the
 * exception pending on error. */
TAURARO_FUNC bool tauraro_fmt_parse(const tauraro_str_t *spec, char default_type, char default_align,
                                    const char *type_name, tauraro_fmt_spec_t *f)
{
    uint32_t small[32];
    uint32_t *cp = spec->nchars <= 32 ? small
                                      : (uint32_t *)tauraro_alloc(tauraro_size_mul((size_t)spec->nchars, 4));
    int64_t n = 0;
    for (const char *p = spec->data, *end = p + spec->len; p < end;) {
        int len;
        cp[n++] = tauraro_utf8_decode(p, end, &len);
        p += len;
    }
    bool ok = false;
    int64_t i = 0;
    bool fill_given = false, align_given = false;
#define TAURARO_IS_ALIGN_(c) ((c) == '<' || (c) == '>' || (c) == '^' || (c) == '=')
    f->fill = ' ';
    f->align = default_align;
    f->sign = 0;
    f->no_neg_0 = false;
    f->alt = false;
    f->width = -1;
    f->sep = 0;
    f->group = 0;
    f->precision = -1;
    f->type = (uint32_t)default_type;

    if (n - i >= 2 && TAURARO_IS_ALIGN_(cp[i + 1])) {
        f->align = (char)cp[i + 1];
        f->fill = cp[i];
        fill_given = align_given = true;
        i += 2;
    } else if (n - i >= 1 && TAURARO_IS_ALIGN_(cp[i])) {
        f->align = (char)cp[i];
        align_given = true;
        i++;
    }
#undef TAURARO_IS_ALIGN_
    if (i < n && (cp[i] == '+' || cp[i] == '-' || cp[i] == ' '))
        f->sign = (char)cp[i++];
    if (i < n && cp[i] == 'z') {
        f->no_neg_0 = true;
        i++;
    }
    if (i < n && cp[i] == '#') {
        f->alt = true;
        i++;
    }
    if (!fill_given && i < n && cp[i] == '0') {
        f->fill = '0';
        if (!align_given && default_align == '>')
            f->align = '=';
        i++;
    }
    int64_t used = tauraro_fmt_integer_(cp, n, &i, &f->width);
    if (used < 0)
        goto done;
    if (used == 0)
        f->width = -1;
    if (i < n && cp[i] == ',') {
        f->sep = ',';
        i++;
    }
    if (i < n && cp[i] == '_') {
        if (f->sep != 0) {
            tauraro_raise_msg(&tauraro_cls_ValueError, "Cannot specify both ',' and '_'.");
            goto done;
        }
        f->sep = '_';
        i++;
    }
    if (i < n && cp[i] == ',') {
        tauraro_raise_msg(&tauraro_cls_ValueError, "Cannot specify both ',' and '_'.");
        goto done;
    }
    if (i < n && cp[i] == '.') {
        i++;
        used = tauraro_fmt_integer_(cp, n, &i, &f->precision);
        if (used < 0)
            goto done;
        if (used == 0) {
            tauraro_raise_msg(&tauraro_cls_ValueError, "Format specifier missing precision");
            goto done;
        }
    }
    if (n - i > 1) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "Invalid format specifier '%s' for object of type '%s'",
                          spec->data, type_name);
        goto done;
    }
    if (n - i == 1)
        f->type = cp[i];
    if (f->sep != 0) {
        f->group = 3;
        switch (f->type) {
        case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
            break;
        case 'b': case 'o': case 'x': case 'X':
            if (f->sep == '_') {
                f->group = 4;
                break;
            }
            /* fall through */
        default: {
            char c[16];
            tauraro_fmt_char_name_(c, sizeof c, f->type);
            tauraro_raise_msg(&tauraro_cls_ValueError, "Cannot specify '%c' with %s.", f->sep, c);
            goto done;
        }
        }
    }
    ok = true;
done:
    if (cp != small)
        free(cp);
    return ok;
}

/* digits[0..n) with separators every `group` digits and, for '0' fill with
 * '=' alignment, zero-padded to min_width (CPython's
 * _PyUnicode_InsertThousandsGrouping). Appends to out. */
TAURARO_FUNC void tauraro_fmt_group_(tauraro_sb_t *out, const char *digits, int64_t n, int64_t min_width,
                                     char sep, int group)
{
    tauraro_sb_t rev = TAURARO_SB_INIT;  /* built right to left */
    int64_t remaining = n, pos = n;
    bool use_sep = false;
    if (min_width < 0)
        min_width = 0;
    for (;;) {
        int64_t len = remaining > min_width ? remaining : min_width;
        if (len < 1)
            len = 1;
        if (group > 0 && len > group)
            len = group;
        int64_t nzeros = len > remaining ? len - remaining : 0;
        int64_t nchars = remaining < len ? remaining : len;
        if (use_sep)
            tauraro_sb_putc(&rev, sep);
        for (int64_t k = 0; k < nchars; k++)
            tauraro_sb_putc(&rev, digits[--pos]);
        tauraro_sb_fill(&rev, '0', nzeros);
        if (group <= 0)
            break;
        use_sep = true;
        remaining -= nchars;
        min_width -= len;
        if (remaining <= 0 && min_width <= 0)
            break;
        min_width -= 1;
    }
    tauraro_sb_reserve(out, rev.len);
    for (size_t k = rev.len; k-- > 0;)
        out->data[out->len++] = rev.data[k];
    out->data[out->len] = '\0';
    tauraro_sb_free(&rev);
}

/* Lay a number out per the spec (CPython's calc_number_widths and
 * fill_number): [lpad][sign][prefix][spad][grouped digits][.][remainder][rpad].
 * rem is text after the digits and the point (exponent, fraction, "inf",
 * a 'c' character); rem_chars its length in code points. */
TAURARO_FUNC void tauraro_fmt_number_(tauraro_sb_t *out, const tauraro_fmt_spec_t *f, bool negative,
                                      const char *prefix, const char *digits, int64_t ndigits,
                                      bool has_decimal, const char *rem, int64_t rem_bytes,
                                      int64_t rem_chars, bool upper)
{
    char sign = 0;
    if (f->sign == '+')
        sign = negative ? '-' : '+';
    else if (f->sign == ' ')
        sign = negative ? '-' : ' ';
    else if (negative)
        sign = '-';
    int64_t nprefix = (int64_t)strlen(prefix);
    int64_t fixed = (sign != 0) + nprefix + has_decimal + rem_chars;
    int64_t min_width = f->fill == '0' && f->align == '=' ? f->width - fixed : 0;

    tauraro_sb_t grouped = TAURARO_SB_INIT;
    if (ndigits > 0)
        tauraro_fmt_group_(&grouped, digits, ndigits, min_width, f->sep, f->sep ? f->group : 0);
    int64_t pad = f->width - (fixed + (int64_t)grouped.len);
    int64_t lpad = 0, spad = 0, rpad = 0;
    if (pad > 0) {
        switch (f->align) {
        case '<': rpad = pad; break;
        case '^': lpad = pad / 2; rpad = pad - lpad; break;
        case '=': spad = pad; break;
        default: lpad = pad; break;
        }
    }
    tauraro_sb_fill(out, f->fill, lpad);
    if (sign)
        tauraro_sb_putc(out, sign);
    for (int64_t k = 0; k < nprefix; k++)
        tauraro_sb_putc(out, upper && prefix[k] >= 'a' && prefix[k] <= 'z' ? (char)(prefix[k] - 32) : prefix[k]);
    tauraro_sb_fill(out, f->fill, spad);
    for (size_t k = 0; k < grouped.len; k++) {
        char c = grouped.data[k];
        tauraro_sb_putc(out, upper && c >= 'a' && c <= 'z' ? (char)(c - 32) : c);
    }
    if (has_decimal)
        tauraro_sb_putc(out, '.');
    tauraro_sb_append(out, rem, (size_t)rem_bytes);
    tauraro_sb_fill(out, f->fill, rpad);
    tauraro_sb_free(&grouped);
}

/* CPython's format_float_internal. */
TAURARO_FUNC bool tauraro_fmt_float_(tauraro_sb_t *out, double v, const tauraro_fmt_spec_t *f)
{
    uint32_t type = f->type;
    int64_t precision = f->precision, default_precision = 6;
    bool add_dot_0 = false, add_pct = false;
    if (precision > INT_MAX) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "precision too big");
        return false;
    }
    if (type == 0) {  /* like repr, or 'g' with at least one digit after the point */
        add_dot_0 = true;
        type = 'r';
        default_precision = 0;
    }
    if (type == 'n')
        type = 'g';
    if (type == '%') {
        type = 'f';
        v *= 100;
        add_pct = true;
    }
    if (precision < 0)
        precision = default_precision;
    else if (type == 'r')
        type = 'g';
    bool upper = type == 'E' || type == 'F' || type == 'G';
    char code = (char)(upper ? type + 32 : type);

    tauraro_sb_t num = TAURARO_SB_INIT;
    tauraro_float_to_text_(&num, v, code, precision, upper, add_dot_0, f->alt, f->no_neg_0);
    if (add_pct)
        tauraro_sb_putc(&num, '%');
    const char *s = num.data;
    bool negative = s[0] == '-';
    if (negative)
        s++;
    int64_t total = (int64_t)(num.data + num.len - s);
    int64_t ndigits = 0;
    while (ndigits < total && s[ndigits] >= '0' && s[ndigits] <= '9')
        ndigits++;
    bool has_decimal = ndigits < total && s[ndigits] == '.';
    const char *rem = s + ndigits + has_decimal;
    int64_t nrem = total - ndigits - has_decimal;
    tauraro_fmt_number_(out, f, negative, "", s, ndigits, has_decimal, rem, nrem, nrem, false);
    tauraro_sb_free(&num);
    return true;
}

/* CPython's format_long_internal, plus the switch to float types. */
TAURARO_FUNC tauraro_str_t *tauraro_format_int_as_(int64_t v, tauraro_str_t *spec, const char *type_name)
{
    tauraro_fmt_spec_t f;
    if (!tauraro_fmt_parse(spec, 'd', '>', type_name, &f))
        return NULL;
    tauraro_sb_t out = TAURARO_SB_INIT;
    switch (f.type) {
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
        if (!tauraro_fmt_float_(&out, (double)v, &f))
            goto fail;
        return tauraro_sb_to_str(&out);
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
        break;
    default:
        tauraro_fmt_unknown_code_(f.type, type_name);
        return NULL;
    }
    if (f.precision != -1) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "Precision not allowed in integer format specifier");
        goto fail;
    }
    if (f.no_neg_0) {
        tauraro_raise_msg(&tauraro_cls_ValueError,
                          "Negative zero coercion (z) not allowed in integer format specifier");
        goto fail;
    }
    if (f.type == 'c') {
        if (f.sign != 0) {
            tauraro_raise_msg(&tauraro_cls_ValueError, "Sign not allowed with integer format specifier 'c'");
            goto fail;
        }
        if (f.alt) {
            tauraro_raise_msg(&tauraro_cls_ValueError,
                              "Alternate form (#) not allowed with integer format specifier 'c'");
            goto fail;
        }
        if (v < 0 || v > 0x10FFFF) {
            tauraro_raise_msg(&tauraro_cls_OverflowError, "%%c arg not in range(0x110000)");
            goto fail;
        }
        char ch[4];
        int n = tauraro_utf8_encode((uint32_t)v, ch);
        tauraro_fmt_number_(&out, &f, false, "", "", 0, false, ch, n, 1, false);
        return tauraro_sb_to_str(&out);
    }
    unsigned base = 10;
    const char *prefix = "";
    switch (f.type) {
    case 'b': base = 2; prefix = "0b"; break;
    case 'o': base = 8; prefix = "0o"; break;
    case 'x': case 'X': base = 16; prefix = "0x"; break;
    default: break;
    }
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char digits[72];
    int n = 0;
    do {
        digits[sizeof digits - 1 - n++] = "0123456789abcdef"[mag % base];
        mag /= base;
    } while (mag != 0);
    tauraro_fmt_number_(&out, &f, v < 0, f.alt ? prefix : "", digits + sizeof digits - n, n, false, "", 0, 0,
                        f.type == 'X');
    return tauraro_sb_to_str(&out);
fail:
    tauraro_sb_free(&out);
    return NULL;
}

/* format(v, spec) for an int. */
TAURARO_FUNC tauraro_str_t *tauraro_format_int(int64_t v, tauraro_str_t *spec)
{
    if (spec->len == 0)
        return tauraro_str_from_int(v);
    return tauraro_format_int_as_(v, spec, "int");
}

/* format(v, spec) for a bool: "True"/"False" for an empty spec, else as the
 * int 0/1 (errors name 'bool'). */
TAURARO_FUNC tauraro_str_t *tauraro_format_bool(bool v, tauraro_str_t *spec)
{
    if (spec->len == 0)
        return tauraro_str_from_bool(v);
    return tauraro_format_int_as_(v ? 1 : 0, spec, "bool");
}

/* format(v, spec) for a float. */
TAURARO_FUNC tauraro_str_t *tauraro_format_float(double v, tauraro_str_t *spec)
{
    if (spec->len == 0)
        return tauraro_str_from_float(v);
    tauraro_fmt_spec_t f;
    if (!tauraro_fmt_parse(spec, 0, '>', "float", &f))
        return NULL;
    switch (f.type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
        break;
    default:
        tauraro_fmt_unknown_code_(f.type, "float");
        return NULL;
    }
    tauraro_sb_t out = TAURARO_SB_INIT;
    if (!tauraro_fmt_float_(&out, v, &f)) {
        tauraro_sb_free(&out);
        return NULL;
    }
    return tauraro_sb_to_str(&out);
}

/* format(s, spec) for a str: fill, alignment, width and precision (which
 * truncates), counted in code points. */
TAURARO_FUNC tauraro_str_t *tauraro_format_str(tauraro_str_t *s, tauraro_str_t *spec)
{
    if (spec->len == 0)
        return tauraro_str_new(s->data, s->len);
    tauraro_fmt_spec_t f;
    if (!tauraro_fmt_parse(spec, 's', '<', "str", &f))
        return NULL;
    if (f.type != 's') {
        tauraro_fmt_unknown_code_(f.type, "str");
        return NULL;
    }
    const char *err = NULL;
    if (f.sign == ' ')
        err = "Space not allowed in string format specifier";
    else if (f.sign != 0)
        err = "Sign not allowed in string format specifier";
    else if (f.no_neg_0)
        err = "Negative zero coercion (z) not allowed in string format specifier";
    else if (f.alt)
        err = "Alternate form (#) not allowed in string format specifier";
    else if (f.align == '=')
        err = "'=' alignment not allowed in string format specifier";
    if (err != NULL) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "%s", err);
        return NULL;
    }
    int64_t nchars = s->nchars;
    if (f.precision >= 0 && nchars > f.precision)
        nchars = f.precision;
    int64_t total = f.width > nchars ? f.width : nchars;
    int64_t lpad = f.align == '>' ? total - nchars : f.align == '^' ? (total - nchars) / 2 : 0;
    int64_t rpad = total - nchars - lpad;
    tauraro_sb_t out = TAURARO_SB_INIT;
    tauraro_sb_fill(&out, f.fill, lpad);
    tauraro_sb_append(&out, s->data, (size_t)tauraro_str_offset(s, nchars));
    tauraro_sb_fill(&out, f.fill, rpad);
    return tauraro_sb_to_str(&out);
}

#endif /* TAURARO_FORMAT_H */
