/* tauraro/strmeth.h - the methods of str (split, join, strip, case mapping,
 * find, replace, the is* predicates, padding).
 *
 * Python 3.11's semantics, code point by code point for non-ASCII text: the
 * Unicode tables (unicase.h, generated from CPython 3.11 / Unicode 14 by
 * runtime/tools/gen_unicase.py) give the full case mappings (ß.upper() == "SS"), the
 * final-sigma rule of lower(), and isalpha/isdecimal/isdigit/isnumeric/
 * islower/isupper for all of Unicode. ASCII strings take byte-wise paths.
 *
 * Arguments are borrowed; str and list results are owned and always new
 * objects (or shared statics), never an argument handed back. Raising
 * functions set the pending exception and return NULL / 0.
 *
 * Index arguments (start, end) are code point indices with Python's slice
 * rules; TAURARO_NOIDX stands for an omitted one.
 */
#ifndef TAURARO_STRMETH_H
#define TAURARO_STRMETH_H

#include "mem.h"
#include "exc.h"
#include "str.h"
#include "format.h"
#include "list.h"
#include "unicase.h"

/* ---- per code point ------------------------------------------------------------------ */

/* c in a table of ranges (unicase.h) */
TAURARO_FUNC bool tauraro_uc_in_(const tauraro_ucrange_t *t, size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {  /* the last range with t.lo <= c */
        size_t mid = (lo + hi) / 2;
        if (t[mid].lo <= c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return false;
    const tauraro_ucrange_t *r = &t[lo - 1];
    return c <= r->hi && (c - r->lo) % r->step == 0;
}

#define TAURARO_UC_IN_(table, c) tauraro_uc_in_((table), sizeof(table) / sizeof((table)[0]), (c))

/* Full case mapping of c into out (1 to 3 code points); returns the count. */
TAURARO_FUNC int tauraro_uc_map_(const tauraro_ucmap_t *m, size_t nm, const tauraro_ucspecial_t *sp,
                                 size_t ns, uint32_t c, uint32_t out[3])
{
    size_t lo = 0, hi = nm;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m[mid].lo <= c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0) {
        const tauraro_ucmap_t *r = &m[lo - 1];
        if (c <= r->hi && (c - r->lo) % r->step == 0) {
            out[0] = (uint32_t)((int32_t)c + r->delta);
            return 1;
        }
    }
    lo = 0;
    hi = ns;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sp[mid].cp < c) {
            lo = mid + 1;
        } else if (sp[mid].cp > c) {
            hi = mid;
        } else {
            int n = 0;
            while (n < 3 && sp[mid].to[n] != 0) {
                out[n] = sp[mid].to[n];
                n++;
            }
            return n;
        }
    }
    out[0] = c;
    return 1;
}

#define TAURARO_UC_MAP_(name, c, out)                                                   \
    tauraro_uc_map_(tauraro_uc_##name##_map, sizeof tauraro_uc_##name##_map / sizeof(tauraro_ucmap_t), \
                    tauraro_uc_##name##_special,                                        \
                    sizeof tauraro_uc_##name##_special / sizeof(tauraro_ucspecial_t), (c), (out))

TAURARO_FUNC int tauraro_unicode_tolower_full(uint32_t c, uint32_t out[3]) { return TAURARO_UC_MAP_(lower, c, out); }
TAURARO_FUNC int tauraro_unicode_toupper_full(uint32_t c, uint32_t out[3]) { return TAURARO_UC_MAP_(upper, c, out); }
TAURARO_FUNC int tauraro_unicode_totitle_full(uint32_t c, uint32_t out[3]) { return TAURARO_UC_MAP_(title, c, out); }

/* Unicode properties Lowercase, Uppercase; category Lt; Cased; Case_Ignorable */
TAURARO_FUNC bool tauraro_unicode_islower(uint32_t c)
{
    return c < 0x80 ? c >= 'a' && c <= 'z' : TAURARO_UC_IN_(tauraro_uc_lowercase, c);
}

TAURARO_FUNC bool tauraro_unicode_isupper(uint32_t c)
{
    return c < 0x80 ? c >= 'A' && c <= 'Z' : TAURARO_UC_IN_(tauraro_uc_uppercase, c);
}

TAURARO_FUNC bool tauraro_unicode_istitle(uint32_t c)
{
    return c >= 0x80 && TAURARO_UC_IN_(tauraro_uc_titlecase, c);
}

TAURARO_FUNC bool tauraro_unicode_iscased(uint32_t c)
{
    return tauraro_unicode_islower(c) || tauraro_unicode_isupper(c) || tauraro_unicode_istitle(c);
}

TAURARO_FUNC bool tauraro_unicode_iscaseignorable(uint32_t c)
{
    return TAURARO_UC_IN_(tauraro_uc_case_ignorable, c);
}

/* str.isalpha() etc. of one code point */
TAURARO_FUNC bool tauraro_unicode_isalpha(uint32_t c)
{
    if (c < 0x80)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return TAURARO_UC_IN_(tauraro_uc_alpha, c);
}

TAURARO_FUNC bool tauraro_unicode_isdecimal(uint32_t c)
{
    return c < 0x80 ? c >= '0' && c <= '9' : TAURARO_UC_IN_(tauraro_uc_decimal, c);
}

TAURARO_FUNC bool tauraro_unicode_isdigit(uint32_t c)
{
    return c < 0x80 ? c >= '0' && c <= '9' : TAURARO_UC_IN_(tauraro_uc_digit, c);
}

TAURARO_FUNC bool tauraro_unicode_isnumeric(uint32_t c)
{
    return c < 0x80 ? c >= '0' && c <= '9' : TAURARO_UC_IN_(tauraro_uc_numeric, c);
}

TAURARO_FUNC bool tauraro_unicode_isalnum(uint32_t c)
{
    return tauraro_unicode_isalpha(c) || tauraro_unicode_isnumeric(c);
}

/* str.splitlines() line boundaries */
TAURARO_INLINE bool tauraro_unicode_islinebreak(uint32_t c)
{
    return (c >= 0x0A && c <= 0x0D) || (c >= 0x1C && c <= 0x1E) || c == 0x85 || c == 0x2028 ||
           c == 0x2029;
}

/* ---- helpers ----------------------------------------------------------------------------- */

/* Start of the code point that ends just before p (p > begin). */
TAURARO_INLINE const char *tauraro_utf8_prev_(const char *begin, const char *p)
{
    p--;
    while (p > begin && ((unsigned char)*p & 0xC0) == 0x80)
        p--;
    return p;
}

/* Last byte offset <= from where needle (n bytes) occurs in h, or -1. */
TAURARO_FUNC int64_t tauraro_bytes_rfind_(const char *h, int64_t from, const char *needle, int64_t n)
{
    for (int64_t i = from; i >= 0; i--)
        if (memcmp(h + i, needle, (size_t)n) == 0)
            return i;
    return -1;
}

/* First byte offset of needle in h[from..hlen), or -1 (n > 0). */
TAURARO_FUNC int64_t tauraro_bytes_find_(const char *h, int64_t hlen, int64_t from, const char *needle,
                                         int64_t n)
{
    int64_t last = hlen - n;
    for (int64_t i = from; i <= last;) {
        const char *hit = (const char *)memchr(h + i, needle[0], (size_t)(last - i + 1));
        if (hit == NULL)
            return -1;
        i = hit - h;
        if (memcmp(hit, needle, (size_t)n) == 0)
            return i;
        i++;
    }
    return -1;
}

/* The code points of s (malloc'd; *n receives the count). */
TAURARO_FUNC uint32_t *tauraro_str_decode_(const tauraro_str_t *s, int64_t *n)
{
    uint32_t *cps = (uint32_t *)tauraro_alloc(tauraro_size_mul((size_t)s->nchars + 1, sizeof(uint32_t)));
    const char *p = s->data, *end = s->data + s->len;
    int64_t k = 0;
    while (p < end) {
        int len;
        cps[k++] = tauraro_utf8_decode(p, end, &len);
        p += len;
    }
    *n = k;
    return cps;
}

/* Append the str made of bytes [b, e) of s to l (an owned new str). */
TAURARO_INLINE void tauraro_list_str_add_bytes_(tauraro_list_str_t *l, const char *b, const char *e)
{
    tauraro_list_str_append_move(l, tauraro_str_new(b, (int64_t)(e - b)));
}

/* ---- split, rsplit, splitlines, join -------------------------------------------------------- */

/* Code point at p is whitespace; *n receives its byte length. */
TAURARO_INLINE bool tauraro_str_space_at_(const char *p, const char *end, int *n)
{
    unsigned char b = (unsigned char)*p;
    if (b < 0x80) {
        *n = 1;
        return b == ' ' || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F);
    }
    return tauraro_unicode_isspace(tauraro_utf8_decode(p, end, n));
}

/* s.split(sep, maxsplit): sep NULL splits on runs of whitespace;
 * maxsplit < 0: no limit. ValueError("empty separator"). */
TAURARO_FUNC tauraro_list_str_t *tauraro_str_split(tauraro_str_t *s, tauraro_str_t *sep, int64_t maxsplit)
{
    if (maxsplit < 0)
        maxsplit = INT64_MAX;
    const char *begin = s->data, *end = s->data + s->len;
    if (sep == NULL) {
        tauraro_list_str_t *l = tauraro_list_str_new(0);
        const char *p = begin;
        int n = 0;
        while (maxsplit-- > 0) {
            while (p < end && tauraro_str_space_at_(p, end, &n))
                p += n;
            if (p == end)
                break;
            const char *w = p;
            while (p < end && !tauraro_str_space_at_(p, end, &n))
                p += n;
            tauraro_list_str_add_bytes_(l, w, p);
        }
        if (p < end) {  /* maxsplit reached: the rest, without leading whitespace */
            while (p < end && tauraro_str_space_at_(p, end, &n))
                p += n;
            if (p < end)
                tauraro_list_str_add_bytes_(l, p, end);
        }
        return l;
    }
    if (sep->len == 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "empty separator");
        return NULL;
    }
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    int64_t i = 0;
    while (maxsplit-- > 0) {
        int64_t j = tauraro_bytes_find_(begin, s->len, i, sep->data, sep->len);
        if (j < 0)
            break;
        tauraro_list_str_add_bytes_(l, begin + i, begin + j);
        i = j + sep->len;
    }
    tauraro_list_str_add_bytes_(l, begin + i, end);
    return l;
}

/* s.rsplit(sep, maxsplit): like split, splitting from the right. */
TAURARO_FUNC tauraro_list_str_t *tauraro_str_rsplit(tauraro_str_t *s, tauraro_str_t *sep, int64_t maxsplit)
{
    if (maxsplit < 0)
        maxsplit = INT64_MAX;
    const char *begin = s->data, *end = s->data + s->len;
    tauraro_list_str_t *l;
    if (sep == NULL) {
        l = tauraro_list_str_new(0);
        const char *p = end; /* the text before p is unprocessed */
        int n = 0;
        while (maxsplit-- > 0) {
            while (p > begin) {
                const char *q = tauraro_utf8_prev_(begin, p);
                if (!tauraro_str_space_at_(q, end, &n))
                    break;
                p = q;
            }
            if (p == begin)
                break;
            const char *w = p;
            while (p > begin) {
                const char *q = tauraro_utf8_prev_(begin, p);
                if (tauraro_str_space_at_(q, end, &n))
                    break;
                p = q;
            }
            tauraro_list_str_add_bytes_(l, p, w);
        }
        if (p > begin) {
            while (p > begin) {
                const char *q = tauraro_utf8_prev_(begin, p);
                if (!tauraro_str_space_at_(q, end, &n))
                    break;
                p = q;
            }
            if (p > begin)
                tauraro_list_str_add_bytes_(l, begin, p);
        }
    } else {
        if (sep->len == 0) {
            tauraro_raise_msg(&tauraro_cls_ValueError, "empty separator");
            return NULL;
        }
        l = tauraro_list_str_new(0);
        int64_t j = s->len; /* bytes [0, j) are unprocessed */
        while (maxsplit-- > 0) {
            int64_t i = j - sep->len < 0 ? -1 : tauraro_bytes_rfind_(begin, j - sep->len, sep->data, sep->len);
            if (i < 0)
                break;
            tauraro_list_str_add_bytes_(l, begin + i + sep->len, begin + j);
            j = i;
        }
        tauraro_list_str_add_bytes_(l, begin, begin + j);
    }
    tauraro_list_str_reverse(l);
    return l;
}

/* s.splitlines(keepends): lines end at \n \r \r\n \v \f \x1c \x1d \x1e \x85
 * \u2028 \u2029. */
TAURARO_FUNC tauraro_list_str_t *tauraro_str_splitlines_keepends(tauraro_str_t *s, bool keepends)
{
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    const char *p = s->data, *end = s->data + s->len;
    while (p < end) {
        const char *line = p, *eol;
        int n = 1;
        while (p < end) {
            uint32_t c = tauraro_utf8_decode(p, end, &n);
            if (tauraro_unicode_islinebreak(c))
                break;
            p += n;
        }
        eol = p;
        if (p < end) {
            if (*p == '\r' && p + 1 < end && p[1] == '\n')
                p += 2;
            else
                p += n;
            if (keepends)
                eol = p;
        }
        tauraro_list_str_add_bytes_(l, line, eol);
    }
    return l;
}

/* s.splitlines() */
TAURARO_FUNC tauraro_list_str_t *tauraro_str_splitlines(tauraro_str_t *s)
{
    return tauraro_str_splitlines_keepends(s, false);
}

/* sep.join(l) */
TAURARO_FUNC tauraro_str_t *tauraro_str_join(tauraro_str_t *sep, tauraro_list_str_t *l)
{
    return tauraro_list_str_join(sep, l);
}

/* ---- strip ---------------------------------------------------------------------------------- */

/* The code point of bytes [p, p+n) is stripped: whitespace when chars is
 * NULL, else one of the code points of chars. */
TAURARO_INLINE bool tauraro_str_strip_in_(const char *p, int n, const char *end, const tauraro_str_t *chars)
{
    if (chars == NULL) {
        int m;
        return tauraro_str_space_at_(p, end, &m);
    }
    if (n == 1)
        return chars->len > 0 && memchr(chars->data, *p, (size_t)chars->len) != NULL;
    /* UTF-8 is self-synchronising: an encoded code point only matches whole */
    return tauraro_bytes_find_(chars->data, chars->len, 0, p, n) >= 0;
}

/* which: 1 left, 2 right, 3 both */
TAURARO_FUNC tauraro_str_t *tauraro_str_strip_(tauraro_str_t *s, tauraro_str_t *chars, int which)
{
    const char *begin = s->data, *end = s->data + s->len;
    const char *p = begin, *q = end;
    if (which & 1) {
        while (p < q) {
            int n = tauraro_utf8_seqlen((unsigned char)*p);
            if (n > q - p)
                n = (int)(q - p);
            if (!tauraro_str_strip_in_(p, n, end, chars))
                break;
            p += n;
        }
    }
    if (which & 2) {
        while (q > p) {
            const char *c = tauraro_utf8_prev_(p, q);
            if (!tauraro_str_strip_in_(c, (int)(q - c), end, chars))
                break;
            q = c;
        }
    }
    return tauraro_str_new(p, (int64_t)(q - p));
}

/* s.strip(chars) / lstrip / rstrip; chars NULL: whitespace */
TAURARO_FUNC tauraro_str_t *tauraro_str_strip(tauraro_str_t *s, tauraro_str_t *chars)
{
    return tauraro_str_strip_(s, chars, 3);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_lstrip(tauraro_str_t *s, tauraro_str_t *chars)
{
    return tauraro_str_strip_(s, chars, 1);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_rstrip(tauraro_str_t *s, tauraro_str_t *chars)
{
    return tauraro_str_strip_(s, chars, 2);
}

/* ---- case mapping ---------------------------------------------------------------------------- */

enum { TAURARO_CASE_LOWER, TAURARO_CASE_UPPER, TAURARO_CASE_TITLE, TAURARO_CASE_CAPITALIZE, TAURARO_CASE_SWAPCASE };

/* lower() of cps[i] in its context: U+03A3 becomes final sigma when it ends a
 * word (CPython's handle_capital_sigma) */
TAURARO_FUNC int tauraro_str_lower_at_(const uint32_t *cps, int64_t n, int64_t i, uint32_t out[3])
{
    if (cps[i] != 0x3A3)
        return tauraro_unicode_tolower_full(cps[i], out);
    int64_t j = i - 1;
    while (j >= 0 && tauraro_unicode_iscaseignorable(cps[j]))
        j--;
    bool final_sigma = j >= 0 && tauraro_unicode_iscased(cps[j]);
    if (final_sigma && i + 1 < n) {
        j = i + 1;
        while (j < n && tauraro_unicode_iscaseignorable(cps[j]))
            j++;
        final_sigma = j == n || !tauraro_unicode_iscased(cps[j]);
    }
    out[0] = final_sigma ? 0x3C2 : 0x3C3;
    return 1;
}

TAURARO_INLINE char tauraro_ascii_lower_(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

TAURARO_INLINE char tauraro_ascii_upper_(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

TAURARO_FUNC tauraro_str_t *tauraro_str_case_(tauraro_str_t *s, int mode)
{
    if (s->len == 0)
        return &tauraro_str_empty;
    if (tauraro_str_is_ascii(s)) {
        tauraro_str_t *r = tauraro_str_alloc(s->len);
        char *d = tauraro_str_wdata(r);
        bool prev_cased = false;
        for (int64_t i = 0; i < s->len; i++) {
            char c = s->data[i];
            bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';
            switch (mode) {
            case TAURARO_CASE_LOWER: c = tauraro_ascii_lower_(c); break;
            case TAURARO_CASE_UPPER: c = tauraro_ascii_upper_(c); break;
            case TAURARO_CASE_TITLE:
                c = prev_cased ? tauraro_ascii_lower_(c) : tauraro_ascii_upper_(c);
                prev_cased = lower || upper;
                break;
            case TAURARO_CASE_CAPITALIZE:
                c = i == 0 ? tauraro_ascii_upper_(c) : tauraro_ascii_lower_(c);
                break;
            default: c = lower ? (char)(c - 32) : upper ? (char)(c + 32) : c; break;
            }
            d[i] = c;
        }
        return r;
    }
    int64_t n;
    uint32_t *cps = tauraro_str_decode_(s, &n);
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_sb_reserve(&sb, (size_t)s->len);
    bool prev_cased = false;
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = cps[i], out[3];
        int k;
        switch (mode) {
        case TAURARO_CASE_LOWER: k = tauraro_str_lower_at_(cps, n, i, out); break;
        case TAURARO_CASE_UPPER: k = tauraro_unicode_toupper_full(c, out); break;
        case TAURARO_CASE_TITLE:
            k = prev_cased ? tauraro_str_lower_at_(cps, n, i, out) : tauraro_unicode_totitle_full(c, out);
            prev_cased = tauraro_unicode_iscased(c);
            break;
        case TAURARO_CASE_CAPITALIZE:
            k = i == 0 ? tauraro_unicode_totitle_full(c, out) : tauraro_str_lower_at_(cps, n, i, out);
            break;
        default:
            if (tauraro_unicode_isupper(c)) {
                k = tauraro_str_lower_at_(cps, n, i, out);
            } else if (tauraro_unicode_islower(c)) {
                k = tauraro_unicode_toupper_full(c, out);
            } else {
                out[0] = c;
                k = 1;
            }
            break;
        }
        for (int m = 0; m < k; m++)
            tauraro_sb_append_cp(&sb, out[m]);
    }
    free(cps);
    return tauraro_sb_to_str(&sb);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_lower(tauraro_str_t *s) { return tauraro_str_case_(s, TAURARO_CASE_LOWER); }
TAURARO_FUNC tauraro_str_t *tauraro_str_upper(tauraro_str_t *s) { return tauraro_str_case_(s, TAURARO_CASE_UPPER); }
TAURARO_FUNC tauraro_str_t *tauraro_str_title(tauraro_str_t *s) { return tauraro_str_case_(s, TAURARO_CASE_TITLE); }
TAURARO_FUNC tauraro_str_t *tauraro_str_capitalize(tauraro_str_t *s) { return tauraro_str_case_(s, TAURARO_CASE_CAPITALIZE); }
TAURARO_FUNC tauraro_str_t *tauraro_str_swapcase(tauraro_str_t *s) { return tauraro_str_case_(s, TAURARO_CASE_SWAPCASE); }

/* ---- predicates ---------------------------------------------------------------------------- */

/* Every code point of s (at least one) satisfies pred. */
TAURARO_FUNC bool tauraro_str_all_(const tauraro_str_t *s, bool (*pred)(uint32_t))
{
    if (s->len == 0)
        return false;
    const char *p = s->data, *end = s->data + s->len;
    while (p < end) {
        int n;
        if (!pred(tauraro_utf8_decode(p, end, &n)))
            return false;
        p += n;
    }
    return true;
}

TAURARO_FUNC bool tauraro_str_isspace(const tauraro_str_t *s) { return tauraro_str_all_(s, tauraro_unicode_isspace); }
TAURARO_FUNC bool tauraro_str_isalpha(const tauraro_str_t *s) { return tauraro_str_all_(s, tauraro_unicode_isalpha); }
TAURARO_FUNC bool tauraro_str_isalnum(const tauraro_str_t *s) { return tauraro_str_all_(s, tauraro_unicode_isalnum); }
TAURARO_FUNC bool tauraro_str_isdecimal(const tauraro_str_t *s) { return tauraro_str_all_(s, tauraro_unicode_isdecimal); }
TAURARO_FUNC bool tauraro_str_isdigit(const tauraro_str_t *s) { return tauraro_str_all_(s, tauraro_unicode_isdigit); }
TAURARO_FUNC bool tauraro_str_isnumeric(const tauraro_str_t *s) { return tauraro_str_all_(s, tauraro_unicode_isnumeric); }

/* s.isascii() (true for "") */
TAURARO_FUNC bool tauraro_str_isascii(const tauraro_str_t *s)
{
    return tauraro_str_is_ascii(s);
}

/* s.islower(): no uppercase or titlecase code point, at least one lowercase */
TAURARO_FUNC bool tauraro_str_islower(const tauraro_str_t *s)
{
    bool cased = false;
    const char *p = s->data, *end = s->data + s->len;
    while (p < end) {
        int n;
        uint32_t c = tauraro_utf8_decode(p, end, &n);
        if (tauraro_unicode_isupper(c) || tauraro_unicode_istitle(c))
            return false;
        if (!cased && tauraro_unicode_islower(c))
            cased = true;
        p += n;
    }
    return cased;
}

/* s.isupper() */
TAURARO_FUNC bool tauraro_str_isupper(const tauraro_str_t *s)
{
    bool cased = false;
    const char *p = s->data, *end = s->data + s->len;
    while (p < end) {
        int n;
        uint32_t c = tauraro_utf8_decode(p, end, &n);
        if (tauraro_unicode_islower(c) || tauraro_unicode_istitle(c))
            return false;
        if (!cased && tauraro_unicode_isupper(c))
            cased = true;
        p += n;
    }
    return cased;
}

/* s.istitle() */
TAURARO_FUNC bool tauraro_str_istitle(const tauraro_str_t *s)
{
    bool cased = false, prev_cased = false;
    const char *p = s->data, *end = s->data + s->len;
    while (p < end) {
        int n;
        uint32_t c = tauraro_utf8_decode(p, end, &n);
        if (tauraro_unicode_isupper(c) || tauraro_unicode_istitle(c)) {
            if (prev_cased)
                return false;
            prev_cased = cased = true;
        } else if (tauraro_unicode_islower(c)) {
            if (!prev_cased)
                return false;
            prev_cased = cased = true;
        } else {
            prev_cased = false;
        }
        p += n;
    }
    return cased;
}

/* ---- searching ---------------------------------------------------------------------------- */

/* Resolve start/end (code points, TAURARO_NOIDX = omitted) like CPython's
 * ADJUST_INDICES. */
TAURARO_INLINE void tauraro_str_adjust_(int64_t len, int64_t *start, int64_t *end)
{
    if (*start == TAURARO_NOIDX)
        *start = 0;
    if (*end == TAURARO_NOIDX || *end > len) {
        *end = len;
    } else if (*end < 0) {
        *end += len;
        if (*end < 0)
            *end = 0;
    }
    if (*start < 0) {
        *start += len;
        if (*start < 0)
            *start = 0;
    }
}

/* s.find(sub, start, end) (rev: rfind): code point index or -1 */
TAURARO_FUNC int64_t tauraro_str_find_(const tauraro_str_t *s, const tauraro_str_t *sub, int64_t start,
                                       int64_t end, bool rev)
{
    tauraro_str_adjust_(s->nchars, &start, &end);
    if (end - start < sub->nchars)
        return -1;
    if (sub->len == 0)
        return rev ? end : start;
    int64_t b0 = tauraro_str_offset(s, start), b1 = tauraro_str_offset(s, end);
    int64_t at = rev ? tauraro_bytes_rfind_(s->data + b0, b1 - b0 - sub->len, sub->data, sub->len)
                     : tauraro_bytes_find_(s->data + b0, b1 - b0, 0, sub->data, sub->len);
    if (at < 0)
        return -1;
    return start + (tauraro_str_is_ascii(s) ? at : tauraro_utf8_count(s->data + b0, at));
}

/* s.find(sub, start, end) (str.h's tauraro_str_find(s, sub) is the
 * two-argument form) */
TAURARO_FUNC int64_t tauraro_str_find_range(const tauraro_str_t *s, const tauraro_str_t *sub, int64_t start,
                                            int64_t end)
{
    return tauraro_str_find_(s, sub, start, end, false);
}

/* s.rfind(sub, start, end) */
TAURARO_FUNC int64_t tauraro_str_rfind(const tauraro_str_t *s, const tauraro_str_t *sub, int64_t start,
                                       int64_t end)
{
    return tauraro_str_find_(s, sub, start, end, true);
}

/* s.index(sub, start, end) (tauraro_str_index is s[i]);
 * ValueError("substring not found") */
TAURARO_FUNC int64_t tauraro_str_index_range(const tauraro_str_t *s, const tauraro_str_t *sub,
                                             int64_t start, int64_t end)
{
    int64_t i = tauraro_str_find_(s, sub, start, end, false);
    if (i < 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "substring not found");
        return 0;
    }
    return i;
}

/* s.rindex(sub, start, end) */
TAURARO_FUNC int64_t tauraro_str_rindex(const tauraro_str_t *s, const tauraro_str_t *sub, int64_t start,
                                        int64_t end)
{
    int64_t i = tauraro_str_find_(s, sub, start, end, true);
    if (i < 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "substring not found");
        return 0;
    }
    return i;
}

/* s.count(sub): non-overlapping occurrences ("" occurs len(s) + 1 times) */
TAURARO_FUNC int64_t tauraro_str_count(const tauraro_str_t *s, const tauraro_str_t *sub)
{
    if (sub->len == 0)
        return s->nchars + 1;
    int64_t n = 0, i = 0;
    while ((i = tauraro_bytes_find_(s->data, s->len, i, sub->data, sub->len)) >= 0) {
        n++;
        i += sub->len;
    }
    return n;
}

TAURARO_FUNC bool tauraro_str_startswith(const tauraro_str_t *s, const tauraro_str_t *prefix)
{
    return prefix->len <= s->len && memcmp(s->data, prefix->data, (size_t)prefix->len) == 0;
}

TAURARO_FUNC bool tauraro_str_endswith(const tauraro_str_t *s, const tauraro_str_t *suffix)
{
    return suffix->len <= s->len &&
           memcmp(s->data + s->len - suffix->len, suffix->data, (size_t)suffix->len) == 0;
}

/* s.removeprefix(prefix) / s.removesuffix(suffix) */
TAURARO_FUNC tauraro_str_t *tauraro_str_removeprefix(tauraro_str_t *s, tauraro_str_t *prefix)
{
    int64_t k = tauraro_str_startswith(s, prefix) ? prefix->len : 0;
    return tauraro_str_new(s->data + k, s->len - k);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_removesuffix(tauraro_str_t *s, tauraro_str_t *suffix)
{
    int64_t k = tauraro_str_endswith(s, suffix) ? suffix->len : 0;
    return tauraro_str_new(s->data, s->len - k);
}

/* s.replace(old, new, count); count < 0: all. An empty old inserts new
 * before every code point and at the end (at most count times). */
TAURARO_FUNC tauraro_str_t *tauraro_str_replace(tauraro_str_t *s, tauraro_str_t *old, tauraro_str_t *new_,
                                                int64_t count)
{
    if (count < 0)
        count = INT64_MAX;
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_sb_reserve(&sb, (size_t)s->len);
    const char *p = s->data, *end = s->data + s->len;
    if (old->len == 0) {
        while (count > 0) {
            tauraro_sb_append_str(&sb, new_);
            count--;
            if (p == end)
                break;
            int n = tauraro_utf8_seqlen((unsigned char)*p);
            if (n > end - p)
                n = (int)(end - p);
            tauraro_sb_append(&sb, p, (size_t)n);
            p += n;
        }
    } else {
        int64_t i = 0;
        while (count > 0) {
            int64_t j = tauraro_bytes_find_(s->data, s->len, i, old->data, old->len);
            if (j < 0)
                break;
            tauraro_sb_append(&sb, s->data + i, (size_t)(j - i));
            tauraro_sb_append_str(&sb, new_);
            i = j + old->len;
            count--;
        }
        p = s->data + i;
    }
    tauraro_sb_append(&sb, p, (size_t)(end - p));
    return tauraro_sb_to_str(&sb);
}

/* ---- padding ------------------------------------------------------------------------------ */

/* The fill code point, or false after raising TypeError. */
TAURARO_FUNC bool tauraro_str_fillchar_(const tauraro_str_t *fill, uint32_t *cp)
{
    if (fill == NULL) {
        *cp = ' ';
        return true;
    }
    if (fill->nchars != 1) {
        tauraro_raise_msg(&tauraro_cls_TypeError, "The fill character must be exactly one character long");
        return false;
    }
    int n;
    *cp = tauraro_utf8_decode(fill->data, fill->data + fill->len, &n);
    return true;
}

/* s padded with left and right copies of fill */
TAURARO_FUNC tauraro_str_t *tauraro_str_pad_(tauraro_str_t *s, int64_t left, int64_t right, uint32_t fill)
{
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_sb_fill(&sb, fill, left);
    tauraro_sb_append_str(&sb, s);
    tauraro_sb_fill(&sb, fill, right);
    if (sb.data == NULL)
        return &tauraro_str_empty;
    return tauraro_sb_to_str(&sb);
}

/* s.center(width, fillchar); fillchar NULL: ' ' */
TAURARO_FUNC tauraro_str_t *tauraro_str_center(tauraro_str_t *s, int64_t width, tauraro_str_t *fillchar)
{
    uint32_t fill;
    if (!tauraro_str_fillchar_(fillchar, &fill))
        return NULL;
    if (width <= s->nchars)
        return tauraro_str_new(s->data, s->len);
    int64_t marg = width - s->nchars;
    int64_t left = marg / 2 + (marg & width & 1);
    return tauraro_str_pad_(s, left, marg - left, fill);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_ljust(tauraro_str_t *s, int64_t width, tauraro_str_t *fillchar)
{
    uint32_t fill;
    if (!tauraro_str_fillchar_(fillchar, &fill))
        return NULL;
    if (width <= s->nchars)
        return tauraro_str_new(s->data, s->len);
    return tauraro_str_pad_(s, 0, width - s->nchars, fill);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_rjust(tauraro_str_t *s, int64_t width, tauraro_str_t *fillchar)
{
    uint32_t fill;
    if (!tauraro_str_fillchar_(fillchar, &fill))
        return NULL;
    if (width <= s->nchars)
        return tauraro_str_new(s->data, s->len);
    return tauraro_str_pad_(s, width - s->nchars, 0, fill);
}

/* s.zfill(width): zeros on the left, after a leading sign */
TAURARO_FUNC tauraro_str_t *tauraro_str_zfill(tauraro_str_t *s, int64_t width)
{
    if (width <= s->nchars)
        return tauraro_str_new(s->data, s->len);
    int64_t fill = width - s->nchars;
    tauraro_str_t *r = tauraro_str_alloc(s->len + fill);
    char *d = tauraro_str_wdata(r);
    memset(d, '0', (size_t)fill);
    memcpy(d + fill, s->data, (size_t)s->len);
    if (s->len > 0 && (s->data[0] == '+' || s->data[0] == '-')) {
        d[0] = s->data[0];
        d[fill] = '0';
    }
    r->nchars = s->nchars + fill;
    return r;
}

#endif /* TAURARO_STRMETH_H */
