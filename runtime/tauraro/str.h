/* tauraro/str.h - immutable UTF-8 str objects and their operations.
 *
 * A str is ONE allocation: the 8-byte object header, the length fields and a
 * data pointer, followed by the bytes (NUL-terminated). Literals are static
 * objects whose data points at a C string literal:
 *
 *     static tauraro_str_t tr_s1 = TAURARO_STR_LIT("h\303\251llo", 6, 5);
 *
 * Length, indexing and slicing count code points; when nchars == len (ASCII)
 * they are plain byte operations. Every function borrows its arguments and
 * returns an owned result (which may be a shared static object: counting is a
 * no-op on those). Raising functions set the pending exception and return
 * NULL / 0.
 */
#ifndef TAURARO_STR_H
#define TAURARO_STR_H

#include <inttypes.h>
#include "mem.h"

/* ---- types, data and declarations ------------------------------------------- */

typedef struct tauraro_str tauraro_str_t;
struct tauraro_str {
    tauraro_obj_t hdr;
    int64_t len;      /* bytes */
    int64_t nchars;   /* code points */
    const char *data; /* UTF-8, NUL-terminated; heap strings: just after the struct */
};

/* A static literal: bytes, byte length, code points. */
#define TAURARO_STR_LIT(bytes, nbytes, nchars) \
    { TAURARO_STATIC_HDR(TAURARO_TAG_STR), (nbytes), (nchars), (bytes) }

/* An omitted slice bound. */
#define TAURARO_NOIDX INT64_MIN

TAURARO_DATA tauraro_str_t tauraro_str_empty = TAURARO_STR_LIT("", 0, 0);
TAURARO_DATA tauraro_str_t tauraro_str_true = TAURARO_STR_LIT("True", 4, 4);
TAURARO_DATA tauraro_str_t tauraro_str_false = TAURARO_STR_LIT("False", 5, 5);
TAURARO_DATA tauraro_str_t tauraro_str_none_lit = TAURARO_STR_LIT("None", 4, 4);

/* The 128 one-character ASCII strings, shared (iteration, indexing). */
#define TAURARO_REP4_(M, i) M(i), M((i) + 1), M((i) + 2), M((i) + 3)
#define TAURARO_REP16_(M, i) \
    TAURARO_REP4_(M, i), TAURARO_REP4_(M, (i) + 4), TAURARO_REP4_(M, (i) + 8), TAURARO_REP4_(M, (i) + 12)
#define TAURARO_REP128_(M) \
    TAURARO_REP16_(M, 0), TAURARO_REP16_(M, 16), TAURARO_REP16_(M, 32), TAURARO_REP16_(M, 48), \
    TAURARO_REP16_(M, 64), TAURARO_REP16_(M, 80), TAURARO_REP16_(M, 96), TAURARO_REP16_(M, 112)
#define TAURARO_ASCII_BYTE_(i) (char)(i), '\0'
#define TAURARO_ASCII_STR_(i) TAURARO_STR_LIT(&tauraro_ascii_bytes[2 * (i)], 1, 1)
TAURARO_DATA const char tauraro_ascii_bytes[256] = { TAURARO_REP128_(TAURARO_ASCII_BYTE_) };
TAURARO_DATA tauraro_str_t tauraro_ascii_strs[128] = { TAURARO_REP128_(TAURARO_ASCII_STR_) };

/* Strings have no owned parts, so no destructor. */
TAURARO_INLINE void tauraro_str_incref(tauraro_str_t *s)
{
    tauraro_incref(s);
}

TAURARO_INLINE void tauraro_str_decref(tauraro_str_t *s)
{
    tauraro_decref(s, NULL);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_alloc(int64_t len);
TAURARO_INLINE tauraro_str_t *tauraro_str_new(const char *bytes, int64_t len);
TAURARO_INLINE tauraro_str_t *tauraro_str_new_rc(const char *bytes, int64_t len);
TAURARO_FUNC tauraro_str_t *tauraro_str_from_cstr(const char *s);
TAURARO_FUNC tauraro_str_t *tauraro_str_concat(tauraro_str_t *a, tauraro_str_t *b);
TAURARO_FUNC tauraro_str_t *tauraro_str_repeat(tauraro_str_t *s, int64_t n);
TAURARO_FUNC tauraro_str_t *tauraro_str_join_n(int n, tauraro_str_t *const *parts);
TAURARO_INLINE int64_t tauraro_str_len(const tauraro_str_t *s);
TAURARO_FUNC tauraro_str_t *tauraro_str_index(tauraro_str_t *s, int64_t i);
TAURARO_FUNC int64_t tauraro_slice_indices(int64_t length, int64_t *start, int64_t *stop, int64_t *step);
TAURARO_FUNC tauraro_str_t *tauraro_str_slice(tauraro_str_t *s, int64_t lo, int64_t hi, int64_t step);
TAURARO_INLINE bool tauraro_str_eq(const tauraro_str_t *a, const tauraro_str_t *b);
TAURARO_INLINE int tauraro_str_cmp(const tauraro_str_t *a, const tauraro_str_t *b);
TAURARO_FUNC bool tauraro_str_contains(const tauraro_str_t *hay, const tauraro_str_t *needle);
TAURARO_FUNC int64_t tauraro_str_find(const tauraro_str_t *hay, const tauraro_str_t *needle);
TAURARO_FUNC tauraro_str_t *tauraro_str_next_char(tauraro_str_t *s, int64_t *byte_pos);
TAURARO_FUNC tauraro_str_t *tauraro_str_from_int(int64_t v);
TAURARO_FUNC tauraro_str_t *tauraro_str_from_float(double v);
TAURARO_INLINE tauraro_str_t *tauraro_str_from_bool(bool v);
TAURARO_INLINE tauraro_str_t *tauraro_str_none(void);
TAURARO_FUNC tauraro_str_t *tauraro_str_repr(tauraro_str_t *s);
TAURARO_FUNC int64_t tauraro_str_to_int(tauraro_str_t *s);
TAURARO_FUNC double tauraro_str_to_float(tauraro_str_t *s);
TAURARO_FUNC tauraro_str_t *tauraro_str_chr(int64_t cp);
TAURARO_FUNC int64_t tauraro_str_ord(const tauraro_str_t *s);
TAURARO_FUNC uint64_t tauraro_str_hash(const tauraro_str_t *s);

TAURARO_FUNC int64_t tauraro_str_offset(const tauraro_str_t *s, int64_t ci);
TAURARO_FUNC bool tauraro_unicode_isprintable(uint32_t c);
TAURARO_FUNC int tauraro_unicode_digit(uint32_t c);
struct tauraro_sb;
TAURARO_FUNC void tauraro_str_repr_to(struct tauraro_sb *sb, const tauraro_str_t *s, int64_t max_chars);

/* ---- UTF-8 and Unicode properties ------------------------------------------------ */

/* Length of the UTF-8 sequence that starts with byte b. */
TAURARO_INLINE int tauraro_utf8_seqlen(unsigned char b)
{
    return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* Decode the code point at p (p < end); *n receives its byte length. */
TAURARO_INLINE uint32_t tauraro_utf8_decode(const char *p, const char *end, int *n)
{
    const unsigned char *u = (const unsigned char *)p;
    int len = tauraro_utf8_seqlen(u[0]);
    if (len > end - p)
        len = 1;  /* truncated sequence: take the byte alone */
    *n = len;
    switch (len) {
    case 1: return u[0];
    case 2: return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    case 3: return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    default:
        return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
               ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
    }
}

/* Encode cp (<= 0x10FFFF) into out; returns the byte count (1..4). */
TAURARO_INLINE int tauraro_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Code points in n bytes of UTF-8. */
TAURARO_INLINE int64_t tauraro_utf8_count(const char *p, int64_t n)
{
    int64_t count = 0;
    for (int64_t i = 0; i < n; i++)
        count += ((unsigned char)p[i] & 0xC0) != 0x80;
    return count;
}

/* str.isspace() of one code point (Python's Py_UNICODE_ISSPACE). */
TAURARO_INLINE bool tauraro_unicode_isspace(uint32_t c)
{
    if (c < 0x80)
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

#include "exc.h"
#include "format.h"

/* ---- Unicode tables ----------------------------------------------------------------- */


/* Non-printable code points >= 0x80 (categories Cc Cf Cs Co Cn Zl Zp Zs),
 * as str.isprintable() of Python 3.11 (Unicode 14.0.0): 700 ranges. */
TAURARO_DATA const uint32_t tauraro_unicode_nonprintable[][2] = {
    {0x80, 0xA0}, {0xAD, 0xAD}, {0x378, 0x379}, {0x380, 0x383}, {0x38B, 0x38B}, {0x38D, 0x38D},
    {0x3A2, 0x3A2}, {0x530, 0x530}, {0x557, 0x558}, {0x58B, 0x58C}, {0x590, 0x590},
    {0x5C8, 0x5CF}, {0x5EB, 0x5EE}, {0x5F5, 0x605}, {0x61C, 0x61C}, {0x6DD, 0x6DD},
    {0x70E, 0x70F}, {0x74B, 0x74C}, {0x7B2, 0x7BF}, {0x7FB, 0x7FC}, {0x82E, 0x82F},
    {0x83F, 0x83F}, {0x85C, 0x85D}, {0x85F, 0x85F}, {0x86B, 0x86F}, {0x88F, 0x897},
    {0x8E2, 0x8E2}, {0x984, 0x984}, {0x98D, 0x98E}, {0x991, 0x992}, {0x9A9, 0x9A9},
    {0x9B1, 0x9B1}, {0x9B3, 0x9B5}, {0x9BA, 0x9BB}, {0x9C5, 0x9C6}, {0x9C9, 0x9CA},
    {0x9CF, 0x9D6}, {0x9D8, 0x9DB}, {0x9DE, 0x9DE}, {0x9E4, 0x9E5}, {0x9FF, 0xA00},
    {0xA04, 0xA04}, {0xA0B, 0xA0E}, {0xA11, 0xA12}, {0xA29, 0xA29}, {0xA31, 0xA31},
    {0xA34, 0xA34}, {0xA37, 0xA37}, {0xA3A, 0xA3B}, {0xA3D, 0xA3D}, {0xA43, 0xA46},
    {0xA49, 0xA4A}, {0xA4E, 0xA50}, {0xA52, 0xA58}, {0xA5D, 0xA5D}, {0xA5F, 0xA65},
    {0xA77, 0xA80}, {0xA84, 0xA84}, {0xA8E, 0xA8E}, {0xA92, 0xA92}, {0xAA9, 0xAA9},
    {0xAB1, 0xAB1}, {0xAB4, 0xAB4}, {0xABA, 0xABB}, {0xAC6, 0xAC6}, {0xACA, 0xACA},
    {0xACE, 0xACF}, {0xAD1, 0xADF}, {0xAE4, 0xAE5}, {0xAF2, 0xAF8}, {0xB00, 0xB00},
    {0xB04, 0xB04}, {0xB0D, 0xB0E}, {0xB11, 0xB12}, {0xB29, 0xB29}, {0xB31, 0xB31},
    {0xB34, 0xB34}, {0xB3A, 0xB3B}, {0xB45, 0xB46}, {0xB49, 0xB4A}, {0xB4E, 0xB54},
    {0xB58, 0xB5B}, {0xB5E, 0xB5E}, {0xB64, 0xB65}, {0xB78, 0xB81}, {0xB84, 0xB84},
    {0xB8B, 0xB8D}, {0xB91, 0xB91}, {0xB96, 0xB98}, {0xB9B, 0xB9B}, {0xB9D, 0xB9D},
    {0xBA0, 0xBA2}, {0xBA5, 0xBA7}, {0xBAB, 0xBAD}, {0xBBA, 0xBBD}, {0xBC3, 0xBC5},
    {0xBC9, 0xBC9}, {0xBCE, 0xBCF}, {0xBD1, 0xBD6}, {0xBD8, 0xBE5}, {0xBFB, 0xBFF},
    {0xC0D, 0xC0D}, {0xC11, 0xC11}, {0xC29, 0xC29}, {0xC3A, 0xC3B}, {0xC45, 0xC45},
    {0xC49, 0xC49}, {0xC4E, 0xC54}, {0xC57, 0xC57}, {0xC5B, 0xC5C}, {0xC5E, 0xC5F},
    {0xC64, 0xC65}, {0xC70, 0xC76}, {0xC8D, 0xC8D}, {0xC91, 0xC91}, {0xCA9, 0xCA9},
    {0xCB4, 0xCB4}, {0xCBA, 0xCBB}, {0xCC5, 0xCC5}, {0xCC9, 0xCC9}, {0xCCE, 0xCD4},
    {0xCD7, 0xCDC}, {0xCDF, 0xCDF}, {0xCE4, 0xCE5}, {0xCF0, 0xCF0}, {0xCF3, 0xCFF},
    {0xD0D, 0xD0D}, {0xD11, 0xD11}, {0xD45, 0xD45}, {0xD49, 0xD49}, {0xD50, 0xD53},
    {0xD64, 0xD65}, {0xD80, 0xD80}, {0xD84, 0xD84}, {0xD97, 0xD99}, {0xDB2, 0xDB2},
    {0xDBC, 0xDBC}, {0xDBE, 0xDBF}, {0xDC7, 0xDC9}, {0xDCB, 0xDCE}, {0xDD5, 0xDD5},
    {0xDD7, 0xDD7}, {0xDE0, 0xDE5}, {0xDF0, 0xDF1}, {0xDF5, 0xE00}, {0xE3B, 0xE3E},
    {0xE5C, 0xE80}, {0xE83, 0xE83}, {0xE85, 0xE85}, {0xE8B, 0xE8B}, {0xEA4, 0xEA4},
    {0xEA6, 0xEA6}, {0xEBE, 0xEBF}, {0xEC5, 0xEC5}, {0xEC7, 0xEC7}, {0xECE, 0xECF},
    {0xEDA, 0xEDB}, {0xEE0, 0xEFF}, {0xF48, 0xF48}, {0xF6D, 0xF70}, {0xF98, 0xF98},
    {0xFBD, 0xFBD}, {0xFCD, 0xFCD}, {0xFDB, 0xFFF}, {0x10C6, 0x10C6}, {0x10C8, 0x10CC},
    {0x10CE, 0x10CF}, {0x1249, 0x1249}, {0x124E, 0x124F}, {0x1257, 0x1257}, {0x1259, 0x1259},
    {0x125E, 0x125F}, {0x1289, 0x1289}, {0x128E, 0x128F}, {0x12B1, 0x12B1}, {0x12B6, 0x12B7},
    {0x12BF, 0x12BF}, {0x12C1, 0x12C1}, {0x12C6, 0x12C7}, {0x12D7, 0x12D7}, {0x1311, 0x1311},
    {0x1316, 0x1317}, {0x135B, 0x135C}, {0x137D, 0x137F}, {0x139A, 0x139F}, {0x13F6, 0x13F7},
    {0x13FE, 0x13FF}, {0x1680, 0x1680}, {0x169D, 0x169F}, {0x16F9, 0x16FF}, {0x1716, 0x171E},
    {0x1737, 0x173F}, {0x1754, 0x175F}, {0x176D, 0x176D}, {0x1771, 0x1771}, {0x1774, 0x177F},
    {0x17DE, 0x17DF}, {0x17EA, 0x17EF}, {0x17FA, 0x17FF}, {0x180E, 0x180E}, {0x181A, 0x181F},
    {0x1879, 0x187F}, {0x18AB, 0x18AF}, {0x18F6, 0x18FF}, {0x191F, 0x191F}, {0x192C, 0x192F},
    {0x193C, 0x193F}, {0x1941, 0x1943}, {0x196E, 0x196F}, {0x1975, 0x197F}, {0x19AC, 0x19AF},
    {0x19CA, 0x19CF}, {0x19DB, 0x19DD}, {0x1A1C, 0x1A1D}, {0x1A5F, 0x1A5F}, {0x1A7D, 0x1A7E},
    {0x1A8A, 0x1A8F}, {0x1A9A, 0x1A9F}, {0x1AAE, 0x1AAF}, {0x1ACF, 0x1AFF}, {0x1B4D, 0x1B4F},
    {0x1B7F, 0x1B7F}, {0x1BF4, 0x1BFB}, {0x1C38, 0x1C3A}, {0x1C4A, 0x1C4C}, {0x1C89, 0x1C8F},
    {0x1CBB, 0x1CBC}, {0x1CC8, 0x1CCF}, {0x1CFB, 0x1CFF}, {0x1F16, 0x1F17}, {0x1F1E, 0x1F1F},
    {0x1F46, 0x1F47}, {0x1F4E, 0x1F4F}, {0x1F58, 0x1F58}, {0x1F5A, 0x1F5A}, {0x1F5C, 0x1F5C},
    {0x1F5E, 0x1F5E}, {0x1F7E, 0x1F7F}, {0x1FB5, 0x1FB5}, {0x1FC5, 0x1FC5}, {0x1FD4, 0x1FD5},
    {0x1FDC, 0x1FDC}, {0x1FF0, 0x1FF1}, {0x1FF5, 0x1FF5}, {0x1FFF, 0x200F}, {0x2028, 0x202F},
    {0x205F, 0x206F}, {0x2072, 0x2073}, {0x208F, 0x208F}, {0x209D, 0x209F}, {0x20C1, 0x20CF},
    {0x20F1, 0x20FF}, {0x218C, 0x218F}, {0x2427, 0x243F}, {0x244B, 0x245F}, {0x2B74, 0x2B75},
    {0x2B96, 0x2B96}, {0x2CF4, 0x2CF8}, {0x2D26, 0x2D26}, {0x2D28, 0x2D2C}, {0x2D2E, 0x2D2F},
    {0x2D68, 0x2D6E}, {0x2D71, 0x2D7E}, {0x2D97, 0x2D9F}, {0x2DA7, 0x2DA7}, {0x2DAF, 0x2DAF},
    {0x2DB7, 0x2DB7}, {0x2DBF, 0x2DBF}, {0x2DC7, 0x2DC7}, {0x2DCF, 0x2DCF}, {0x2DD7, 0x2DD7},
    {0x2DDF, 0x2DDF}, {0x2E5E, 0x2E7F}, {0x2E9A, 0x2E9A}, {0x2EF4, 0x2EFF}, {0x2FD6, 0x2FEF},
    {0x2FFC, 0x3000}, {0x3040, 0x3040}, {0x3097, 0x3098}, {0x3100, 0x3104}, {0x3130, 0x3130},
    {0x318F, 0x318F}, {0x31E4, 0x31EF}, {0x321F, 0x321F}, {0xA48D, 0xA48F}, {0xA4C7, 0xA4CF},
    {0xA62C, 0xA63F}, {0xA6F8, 0xA6FF}, {0xA7CB, 0xA7CF}, {0xA7D2, 0xA7D2}, {0xA7D4, 0xA7D4},
    {0xA7DA, 0xA7F1}, {0xA82D, 0xA82F}, {0xA83A, 0xA83F}, {0xA878, 0xA87F}, {0xA8C6, 0xA8CD},
    {0xA8DA, 0xA8DF}, {0xA954, 0xA95E}, {0xA97D, 0xA97F}, {0xA9CE, 0xA9CE}, {0xA9DA, 0xA9DD},
    {0xA9FF, 0xA9FF}, {0xAA37, 0xAA3F}, {0xAA4E, 0xAA4F}, {0xAA5A, 0xAA5B}, {0xAAC3, 0xAADA},
    {0xAAF7, 0xAB00}, {0xAB07, 0xAB08}, {0xAB0F, 0xAB10}, {0xAB17, 0xAB1F}, {0xAB27, 0xAB27},
    {0xAB2F, 0xAB2F}, {0xAB6C, 0xAB6F}, {0xABEE, 0xABEF}, {0xABFA, 0xABFF}, {0xD7A4, 0xD7AF},
    {0xD7C7, 0xD7CA}, {0xD7FC, 0xF8FF}, {0xFA6E, 0xFA6F}, {0xFADA, 0xFAFF}, {0xFB07, 0xFB12},
    {0xFB18, 0xFB1C}, {0xFB37, 0xFB37}, {0xFB3D, 0xFB3D}, {0xFB3F, 0xFB3F}, {0xFB42, 0xFB42},
    {0xFB45, 0xFB45}, {0xFBC3, 0xFBD2}, {0xFD90, 0xFD91}, {0xFDC8, 0xFDCE}, {0xFDD0, 0xFDEF},
    {0xFE1A, 0xFE1F}, {0xFE53, 0xFE53}, {0xFE67, 0xFE67}, {0xFE6C, 0xFE6F}, {0xFE75, 0xFE75},
    {0xFEFD, 0xFF00}, {0xFFBF, 0xFFC1}, {0xFFC8, 0xFFC9}, {0xFFD0, 0xFFD1}, {0xFFD8, 0xFFD9},
    {0xFFDD, 0xFFDF}, {0xFFE7, 0xFFE7}, {0xFFEF, 0xFFFB}, {0xFFFE, 0xFFFF}, {0x1000C, 0x1000C},
    {0x10027, 0x10027}, {0x1003B, 0x1003B}, {0x1003E, 0x1003E}, {0x1004E, 0x1004F},
    {0x1005E, 0x1007F}, {0x100FB, 0x100FF}, {0x10103, 0x10106}, {0x10134, 0x10136},
    {0x1018F, 0x1018F}, {0x1019D, 0x1019F}, {0x101A1, 0x101CF}, {0x101FE, 0x1027F},
    {0x1029D, 0x1029F}, {0x102D1, 0x102DF}, {0x102FC, 0x102FF}, {0x10324, 0x1032C},
    {0x1034B, 0x1034F}, {0x1037B, 0x1037F}, {0x1039E, 0x1039E}, {0x103C4, 0x103C7},
    {0x103D6, 0x103FF}, {0x1049E, 0x1049F}, {0x104AA, 0x104AF}, {0x104D4, 0x104D7},
    {0x104FC, 0x104FF}, {0x10528, 0x1052F}, {0x10564, 0x1056E}, {0x1057B, 0x1057B},
    {0x1058B, 0x1058B}, {0x10593, 0x10593}, {0x10596, 0x10596}, {0x105A2, 0x105A2},
    {0x105B2, 0x105B2}, {0x105BA, 0x105BA}, {0x105BD, 0x105FF}, {0x10737, 0x1073F},
    {0x10756, 0x1075F}, {0x10768, 0x1077F}, {0x10786, 0x10786}, {0x107B1, 0x107B1},
    {0x107BB, 0x107FF}, {0x10806, 0x10807}, {0x10809, 0x10809}, {0x10836, 0x10836},
    {0x10839, 0x1083B}, {0x1083D, 0x1083E}, {0x10856, 0x10856}, {0x1089F, 0x108A6},
    {0x108B0, 0x108DF}, {0x108F3, 0x108F3}, {0x108F6, 0x108FA}, {0x1091C, 0x1091E},
    {0x1093A, 0x1093E}, {0x10940, 0x1097F}, {0x109B8, 0x109BB}, {0x109D0, 0x109D1},
    {0x10A04, 0x10A04}, {0x10A07, 0x10A0B}, {0x10A14, 0x10A14}, {0x10A18, 0x10A18},
    {0x10A36, 0x10A37}, {0x10A3B, 0x10A3E}, {0x10A49, 0x10A4F}, {0x10A59, 0x10A5F},
    {0x10AA0, 0x10ABF}, {0x10AE7, 0x10AEA}, {0x10AF7, 0x10AFF}, {0x10B36, 0x10B38},
    {0x10B56, 0x10B57}, {0x10B73, 0x10B77}, {0x10B92, 0x10B98}, {0x10B9D, 0x10BA8},
    {0x10BB0, 0x10BFF}, {0x10C49, 0x10C7F}, {0x10CB3, 0x10CBF}, {0x10CF3, 0x10CF9},
    {0x10D28, 0x10D2F}, {0x10D3A, 0x10E5F}, {0x10E7F, 0x10E7F}, {0x10EAA, 0x10EAA},
    {0x10EAE, 0x10EAF}, {0x10EB2, 0x10EFF}, {0x10F28, 0x10F2F}, {0x10F5A, 0x10F6F},
    {0x10F8A, 0x10FAF}, {0x10FCC, 0x10FDF}, {0x10FF7, 0x10FFF}, {0x1104E, 0x11051},
    {0x11076, 0x1107E}, {0x110BD, 0x110BD}, {0x110C3, 0x110CF}, {0x110E9, 0x110EF},
    {0x110FA, 0x110FF}, {0x11135, 0x11135}, {0x11148, 0x1114F}, {0x11177, 0x1117F},
    {0x111E0, 0x111E0}, {0x111F5, 0x111FF}, {0x11212, 0x11212}, {0x1123F, 0x1127F},
    {0x11287, 0x11287}, {0x11289, 0x11289}, {0x1128E, 0x1128E}, {0x1129E, 0x1129E},
    {0x112AA, 0x112AF}, {0x112EB, 0x112EF}, {0x112FA, 0x112FF}, {0x11304, 0x11304},
    {0x1130D, 0x1130E}, {0x11311, 0x11312}, {0x11329, 0x11329}, {0x11331, 0x11331},
    {0x11334, 0x11334}, {0x1133A, 0x1133A}, {0x11345, 0x11346}, {0x11349, 0x1134A},
    {0x1134E, 0x1134F}, {0x11351, 0x11356}, {0x11358, 0x1135C}, {0x11364, 0x11365},
    {0x1136D, 0x1136F}, {0x11375, 0x113FF}, {0x1145C, 0x1145C}, {0x11462, 0x1147F},
    {0x114C8, 0x114CF}, {0x114DA, 0x1157F}, {0x115B6, 0x115B7}, {0x115DE, 0x115FF},
    {0x11645, 0x1164F}, {0x1165A, 0x1165F}, {0x1166D, 0x1167F}, {0x116BA, 0x116BF},
    {0x116CA, 0x116FF}, {0x1171B, 0x1171C}, {0x1172C, 0x1172F}, {0x11747, 0x117FF},
    {0x1183C, 0x1189F}, {0x118F3, 0x118FE}, {0x11907, 0x11908}, {0x1190A, 0x1190B},
    {0x11914, 0x11914}, {0x11917, 0x11917}, {0x11936, 0x11936}, {0x11939, 0x1193A},
    {0x11947, 0x1194F}, {0x1195A, 0x1199F}, {0x119A8, 0x119A9}, {0x119D8, 0x119D9},
    {0x119E5, 0x119FF}, {0x11A48, 0x11A4F}, {0x11AA3, 0x11AAF}, {0x11AF9, 0x11BFF},
    {0x11C09, 0x11C09}, {0x11C37, 0x11C37}, {0x11C46, 0x11C4F}, {0x11C6D, 0x11C6F},
    {0x11C90, 0x11C91}, {0x11CA8, 0x11CA8}, {0x11CB7, 0x11CFF}, {0x11D07, 0x11D07},
    {0x11D0A, 0x11D0A}, {0x11D37, 0x11D39}, {0x11D3B, 0x11D3B}, {0x11D3E, 0x11D3E},
    {0x11D48, 0x11D4F}, {0x11D5A, 0x11D5F}, {0x11D66, 0x11D66}, {0x11D69, 0x11D69},
    {0x11D8F, 0x11D8F}, {0x11D92, 0x11D92}, {0x11D99, 0x11D9F}, {0x11DAA, 0x11EDF},
    {0x11EF9, 0x11FAF}, {0x11FB1, 0x11FBF}, {0x11FF2, 0x11FFE}, {0x1239A, 0x123FF},
    {0x1246F, 0x1246F}, {0x12475, 0x1247F}, {0x12544, 0x12F8F}, {0x12FF3, 0x12FFF},
    {0x1342F, 0x143FF}, {0x14647, 0x167FF}, {0x16A39, 0x16A3F}, {0x16A5F, 0x16A5F},
    {0x16A6A, 0x16A6D}, {0x16ABF, 0x16ABF}, {0x16ACA, 0x16ACF}, {0x16AEE, 0x16AEF},
    {0x16AF6, 0x16AFF}, {0x16B46, 0x16B4F}, {0x16B5A, 0x16B5A}, {0x16B62, 0x16B62},
    {0x16B78, 0x16B7C}, {0x16B90, 0x16E3F}, {0x16E9B, 0x16EFF}, {0x16F4B, 0x16F4E},
    {0x16F88, 0x16F8E}, {0x16FA0, 0x16FDF}, {0x16FE5, 0x16FEF}, {0x16FF2, 0x16FFF},
    {0x187F8, 0x187FF}, {0x18CD6, 0x18CFF}, {0x18D09, 0x1AFEF}, {0x1AFF4, 0x1AFF4},
    {0x1AFFC, 0x1AFFC}, {0x1AFFF, 0x1AFFF}, {0x1B123, 0x1B14F}, {0x1B153, 0x1B163},
    {0x1B168, 0x1B16F}, {0x1B2FC, 0x1BBFF}, {0x1BC6B, 0x1BC6F}, {0x1BC7D, 0x1BC7F},
    {0x1BC89, 0x1BC8F}, {0x1BC9A, 0x1BC9B}, {0x1BCA0, 0x1CEFF}, {0x1CF2E, 0x1CF2F},
    {0x1CF47, 0x1CF4F}, {0x1CFC4, 0x1CFFF}, {0x1D0F6, 0x1D0FF}, {0x1D127, 0x1D128},
    {0x1D173, 0x1D17A}, {0x1D1EB, 0x1D1FF}, {0x1D246, 0x1D2DF}, {0x1D2F4, 0x1D2FF},
    {0x1D357, 0x1D35F}, {0x1D379, 0x1D3FF}, {0x1D455, 0x1D455}, {0x1D49D, 0x1D49D},
    {0x1D4A0, 0x1D4A1}, {0x1D4A3, 0x1D4A4}, {0x1D4A7, 0x1D4A8}, {0x1D4AD, 0x1D4AD},
    {0x1D4BA, 0x1D4BA}, {0x1D4BC, 0x1D4BC}, {0x1D4C4, 0x1D4C4}, {0x1D506, 0x1D506},
    {0x1D50B, 0x1D50C}, {0x1D515, 0x1D515}, {0x1D51D, 0x1D51D}, {0x1D53A, 0x1D53A},
    {0x1D53F, 0x1D53F}, {0x1D545, 0x1D545}, {0x1D547, 0x1D549}, {0x1D551, 0x1D551},
    {0x1D6A6, 0x1D6A7}, {0x1D7CC, 0x1D7CD}, {0x1DA8C, 0x1DA9A}, {0x1DAA0, 0x1DAA0},
    {0x1DAB0, 0x1DEFF}, {0x1DF1F, 0x1DFFF}, {0x1E007, 0x1E007}, {0x1E019, 0x1E01A},
    {0x1E022, 0x1E022}, {0x1E025, 0x1E025}, {0x1E02B, 0x1E0FF}, {0x1E12D, 0x1E12F},
    {0x1E13E, 0x1E13F}, {0x1E14A, 0x1E14D}, {0x1E150, 0x1E28F}, {0x1E2AF, 0x1E2BF},
    {0x1E2FA, 0x1E2FE}, {0x1E300, 0x1E7DF}, {0x1E7E7, 0x1E7E7}, {0x1E7EC, 0x1E7EC},
    {0x1E7EF, 0x1E7EF}, {0x1E7FF, 0x1E7FF}, {0x1E8C5, 0x1E8C6}, {0x1E8D7, 0x1E8FF},
    {0x1E94C, 0x1E94F}, {0x1E95A, 0x1E95D}, {0x1E960, 0x1EC70}, {0x1ECB5, 0x1ED00},
    {0x1ED3E, 0x1EDFF}, {0x1EE04, 0x1EE04}, {0x1EE20, 0x1EE20}, {0x1EE23, 0x1EE23},
    {0x1EE25, 0x1EE26}, {0x1EE28, 0x1EE28}, {0x1EE33, 0x1EE33}, {0x1EE38, 0x1EE38},
    {0x1EE3A, 0x1EE3A}, {0x1EE3C, 0x1EE41}, {0x1EE43, 0x1EE46}, {0x1EE48, 0x1EE48},
    {0x1EE4A, 0x1EE4A}, {0x1EE4C, 0x1EE4C}, {0x1EE50, 0x1EE50}, {0x1EE53, 0x1EE53},
    {0x1EE55, 0x1EE56}, {0x1EE58, 0x1EE58}, {0x1EE5A, 0x1EE5A}, {0x1EE5C, 0x1EE5C},
    {0x1EE5E, 0x1EE5E}, {0x1EE60, 0x1EE60}, {0x1EE63, 0x1EE63}, {0x1EE65, 0x1EE66},
    {0x1EE6B, 0x1EE6B}, {0x1EE73, 0x1EE73}, {0x1EE78, 0x1EE78}, {0x1EE7D, 0x1EE7D},
    {0x1EE7F, 0x1EE7F}, {0x1EE8A, 0x1EE8A}, {0x1EE9C, 0x1EEA0}, {0x1EEA4, 0x1EEA4},
    {0x1EEAA, 0x1EEAA}, {0x1EEBC, 0x1EEEF}, {0x1EEF2, 0x1EFFF}, {0x1F02C, 0x1F02F},
    {0x1F094, 0x1F09F}, {0x1F0AF, 0x1F0B0}, {0x1F0C0, 0x1F0C0}, {0x1F0D0, 0x1F0D0},
    {0x1F0F6, 0x1F0FF}, {0x1F1AE, 0x1F1E5}, {0x1F203, 0x1F20F}, {0x1F23C, 0x1F23F},
    {0x1F249, 0x1F24F}, {0x1F252, 0x1F25F}, {0x1F266, 0x1F2FF}, {0x1F6D8, 0x1F6DC},
    {0x1F6ED, 0x1F6EF}, {0x1F6FD, 0x1F6FF}, {0x1F774, 0x1F77F}, {0x1F7D9, 0x1F7DF},
    {0x1F7EC, 0x1F7EF}, {0x1F7F1, 0x1F7FF}, {0x1F80C, 0x1F80F}, {0x1F848, 0x1F84F},
    {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8AF}, {0x1F8B2, 0x1F8FF},
    {0x1FA54, 0x1FA5F}, {0x1FA6E, 0x1FA6F}, {0x1FA75, 0x1FA77}, {0x1FA7D, 0x1FA7F},
    {0x1FA87, 0x1FA8F}, {0x1FAAD, 0x1FAAF}, {0x1FABB, 0x1FABF}, {0x1FAC6, 0x1FACF},
    {0x1FADA, 0x1FADF}, {0x1FAE8, 0x1FAEF}, {0x1FAF7, 0x1FAFF}, {0x1FB93, 0x1FB93},
    {0x1FBCB, 0x1FBEF}, {0x1FBFA, 0x1FFFF}, {0x2A6E0, 0x2A6FF}, {0x2B739, 0x2B73F},
    {0x2B81E, 0x2B81F}, {0x2CEA2, 0x2CEAF}, {0x2EBE1, 0x2F7FF}, {0x2FA1E, 0x2FFFF},
    {0x3134B, 0xE00FF}, {0xE01F0, 0x10FFFF},
};
/* Code points of the decimal digit zeros (runs of ten digits), for int()
 * and float() of non-ASCII digits: 66 runs. */
TAURARO_DATA const uint32_t tauraro_unicode_digit_zeros[] = {
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
};

/* str.isprintable() of one code point. */
TAURARO_FUNC bool tauraro_unicode_isprintable(uint32_t c)
{
    if (c < 0x80)
        return c >= 0x20 && c < 0x7F;
    size_t lo = 0, hi = sizeof tauraro_unicode_nonprintable / sizeof tauraro_unicode_nonprintable[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < tauraro_unicode_nonprintable[mid][0])
            hi = mid;
        else if (c > tauraro_unicode_nonprintable[mid][1])
            lo = mid + 1;
        else
            return false;
    }
    return true;
}

/* Decimal value of a digit code point (any script), or -1. */
TAURARO_FUNC int tauraro_unicode_digit(uint32_t c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9' ? (int)(c - '0') : -1;
    size_t lo = 0, hi = sizeof tauraro_unicode_digit_zeros / sizeof tauraro_unicode_digit_zeros[0];
    while (lo < hi) {  /* the last zero <= c */
        size_t mid = (lo + hi) / 2;
        if (tauraro_unicode_digit_zeros[mid] <= c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -1;
    uint32_t d = c - tauraro_unicode_digit_zeros[lo - 1];
    return d <= 9 ? (int)d : -1;
}

/* ---- construction ------------------------------------------------------------------- */

/* Writable bytes of a str made by tauraro_str_alloc. */
TAURARO_INLINE char *tauraro_str_wdata(tauraro_str_t *s)
{
    return (char *)(s + 1);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_alloc_in_(int64_t len, bool heap)
{
    if (len < 0 || (uint64_t)len > (uint64_t)(SIZE_MAX / 2))
        tauraro_out_of_memory();
    size_t size = sizeof(tauraro_str_t) + (size_t)len + 1;
    tauraro_str_t *s = (tauraro_str_t *)(heap ? tauraro_alloc_rc(size, TAURARO_TAG_STR)
                                              : tauraro_obj_new(size, TAURARO_TAG_STR));
    char *d = tauraro_str_wdata(s);
    d[len] = '\0';
    s->len = len;
    s->nchars = len;
    s->data = d;
    return s;
}

/* An uninitialised str of len bytes, from the current arena when one is
 * active: the caller fills tauraro_str_wdata(s) and sets nchars unless the
 * text is ASCII (nchars starts equal to len). */
TAURARO_FUNC tauraro_str_t *tauraro_str_alloc(int64_t len)
{
    return tauraro_str_alloc_in_(len, false);
}

/* A copy of len bytes of UTF-8 (code points are counted): from the current
 * arena when one is active, or (heap) always a counted heap object. */
TAURARO_FUNC tauraro_str_t *tauraro_str_copy_in_(const char *bytes, int64_t len, bool heap)
{
    if (len <= 0)
        return &tauraro_str_empty;
    tauraro_str_t *s = tauraro_str_alloc_in_(len, heap);
    memcpy(tauraro_str_wdata(s), bytes, (size_t)len);
    s->nchars = tauraro_utf8_count(bytes, len);
    return s;
}

/* Owned copy of len bytes of UTF-8. */
TAURARO_INLINE tauraro_str_t *tauraro_str_new(const char *bytes, int64_t len)
{
    return tauraro_str_copy_in_(bytes, len, false);
}

/* Like tauraro_str_new, but always a counted heap object, never from the
 * current arena (exception messages outlive arenas). */
TAURARO_INLINE tauraro_str_t *tauraro_str_new_rc(const char *bytes, int64_t len)
{
    return tauraro_str_copy_in_(bytes, len, true);
}

TAURARO_FUNC tauraro_str_t *tauraro_str_from_cstr(const char *s)
{
    return tauraro_str_new(s, (int64_t)strlen(s));
}

/* ---- operations ------------------------------------------------------------------------ */

TAURARO_FUNC tauraro_str_t *tauraro_str_concat(tauraro_str_t *a, tauraro_str_t *b)
{
    int64_t len;
    if (__builtin_add_overflow(a->len, b->len, &len))
        tauraro_out_of_memory();
    if (len == 0)
        return &tauraro_str_empty;
    tauraro_str_t *s = tauraro_str_alloc(len);
    char *d = tauraro_str_wdata(s);
    memcpy(d, a->data, (size_t)a->len);
    memcpy(d + a->len, b->data, (size_t)b->len);
    s->nchars = a->nchars + b->nchars;
    return s;
}

/* s * n; n <= 0 gives "". */
TAURARO_FUNC tauraro_str_t *tauraro_str_repeat(tauraro_str_t *s, int64_t n)
{
    if (n <= 0 || s->len == 0)
        return &tauraro_str_empty;
    int64_t len;
    if (__builtin_mul_overflow(s->len, n, &len)) {
        tauraro_raise_msg(&tauraro_cls_OverflowError, "repeated string is too long");
        return NULL;
    }
    tauraro_str_t *r = tauraro_str_alloc(len);
    char *d = tauraro_str_wdata(r);
    memcpy(d, s->data, (size_t)s->len);
    int64_t done = s->len;
    while (done < len) {  /* doubling copies */
        int64_t chunk = done <= len - done ? done : len - done;
        memcpy(d + done, d, (size_t)chunk);
        done += chunk;
    }
    r->nchars = s->nchars * n;
    return r;
}

/* Concatenation of n parts (f-strings, str.join). */
TAURARO_FUNC tauraro_str_t *tauraro_str_join_n(int n, tauraro_str_t *const *parts)
{
    int64_t len = 0, nchars = 0;
    for (int i = 0; i < n; i++) {
        if (__builtin_add_overflow(len, parts[i]->len, &len))
            tauraro_out_of_memory();
        nchars += parts[i]->nchars;
    }
    if (len == 0)
        return &tauraro_str_empty;
    tauraro_str_t *s = tauraro_str_alloc(len);
    char *d = tauraro_str_wdata(s);
    for (int i = 0; i < n; i++) {
        memcpy(d, parts[i]->data, (size_t)parts[i]->len);
        d += parts[i]->len;
    }
    s->nchars = nchars;
    return s;
}

/* len(s): code points. */
TAURARO_INLINE int64_t tauraro_str_len(const tauraro_str_t *s)
{
    return s->nchars;
}

TAURARO_INLINE bool tauraro_str_is_ascii(const tauraro_str_t *s)
{
    return s->nchars == s->len;
}

/* Byte offset of code point ci (0 <= ci <= nchars). */
TAURARO_FUNC int64_t tauraro_str_offset(const tauraro_str_t *s, int64_t ci)
{
    if (tauraro_str_is_ascii(s))
        return ci;
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t off;
    if (ci <= s->nchars / 2) {
        off = 0;
        for (; ci > 0; ci--)
            off += tauraro_utf8_seqlen(p[off]);
    } else {  /* nearer the end: walk backwards over continuation bytes */
        off = s->len;
        for (int64_t k = s->nchars - ci; k > 0; k--) {
            off--;
            while (off > 0 && (p[off] & 0xC0) == 0x80)
                off--;
        }
    }
    return off;
}

/* One code point at byte offset off, as a str (shared for ASCII). */
TAURARO_INLINE tauraro_str_t *tauraro_str_char_at_(const tauraro_str_t *s, int64_t off, int *n)
{
    unsigned char c = (unsigned char)s->data[off];
    if (c < 0x80) {
        *n = 1;
        return &tauraro_ascii_strs[c];
    }
    int len = tauraro_utf8_seqlen(c);
    if (len > s->len - off)
        len = (int)(s->len - off);
    *n = len;
    return tauraro_str_new(s->data + off, len);
}

/* s[i]; negative i counts from the end. */
TAURARO_FUNC tauraro_str_t *tauraro_str_index(tauraro_str_t *s, int64_t i)
{
    if (i < 0)
        i += s->nchars;
    if (i < 0 || i >= s->nchars) {
        tauraro_raise_msg(&tauraro_cls_IndexError, "string index out of range");
        return NULL;
    }
    int n;
    return tauraro_str_char_at_(s, tauraro_str_offset(s, i), &n);
}

/* Python's slice.indices(): resolves omitted (TAURARO_NOIDX) and negative
 * bounds, clamps them, and returns the number of items; step == 0 raises
 * ValueError and returns -1. An omitted step is 1. */
TAURARO_FUNC int64_t tauraro_slice_indices(int64_t length, int64_t *start, int64_t *stop, int64_t *step)
{
    if (*step == TAURARO_NOIDX)
        *step = 1;
    if (*step == 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "slice step cannot be zero");
        return -1;
    }
    int64_t st = *step;
    if (*start == TAURARO_NOIDX)
        *start = st < 0 ? INT64_MAX : 0;
    if (*stop == TAURARO_NOIDX)
        *stop = st < 0 ? INT64_MIN : INT64_MAX;
    int64_t *bounds[2] = { start, stop };
    for (int k = 0; k < 2; k++) {
        int64_t *b = bounds[k];
        if (*b < 0) {
            *b += length;
            if (*b < 0)
                *b = st < 0 ? -1 : 0;
        } else if (*b >= length) {
            *b = st < 0 ? length - 1 : length;
        }
    }
    if (st < 0)
        return *stop < *start ? (*start - *stop - 1) / (-st) + 1 : 0;
    return *start < *stop ? (*stop - *start - 1) / st + 1 : 0;
}

/* s[lo:hi:step] */
TAURARO_FUNC tauraro_str_t *tauraro_str_slice(tauraro_str_t *s, int64_t lo, int64_t hi, int64_t step)
{
    int64_t n = tauraro_slice_indices(s->nchars, &lo, &hi, &step);
    if (n < 0)
        return NULL;
    if (n == 0)
        return &tauraro_str_empty;
    if (tauraro_str_is_ascii(s)) {
        if (step == 1)
            return tauraro_str_new(s->data + lo, n);
        tauraro_str_t *r = tauraro_str_alloc(n);
        char *d = tauraro_str_wdata(r);
        for (int64_t k = 0; k < n; k++)
            d[k] = s->data[lo + k * step];
        return r;
    }
    if (step == 1) {
        int64_t b0 = tauraro_str_offset(s, lo);
        int64_t b1 = b0;
        const unsigned char *p = (const unsigned char *)s->data;
        for (int64_t k = 0; k < n; k++)
            b1 += tauraro_utf8_seqlen(p[b1]);
        if (b1 > s->len)
            b1 = s->len;
        return tauraro_str_new(s->data + b0, b1 - b0);
    }
    /* general step on non-ASCII text: offsets of every code point */
    int64_t *offs = (int64_t *)tauraro_alloc(tauraro_size_mul((size_t)s->nchars + 1, sizeof(int64_t)));
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t off = 0;
    for (int64_t c = 0; c < s->nchars; c++) {
        offs[c] = off;
        off += tauraro_utf8_seqlen(p[off]);
        if (off > s->len)
            off = s->len;
    }
    offs[s->nchars] = s->len;
    int64_t bytes = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t c = lo + k * step;
        bytes += offs[c + 1] - offs[c];
    }
    tauraro_str_t *r = tauraro_str_alloc(bytes);
    char *d = tauraro_str_wdata(r);
    for (int64_t k = 0; k < n; k++) {
        int64_t c = lo + k * step;
        memcpy(d, s->data + offs[c], (size_t)(offs[c + 1] - offs[c]));
        d += offs[c + 1] - offs[c];
    }
    r->nchars = n;
    free(offs);
    return r;
}

TAURARO_INLINE bool tauraro_str_eq(const tauraro_str_t *a, const tauraro_str_t *b)
{
    TAURARO_DBG_USE(a); /* --memory-debug: also what containers compare */
    TAURARO_DBG_USE(b);
    return a == b || (a->len == b->len && memcmp(a->data, b->data, (size_t)a->len) == 0);
}

/* <0, 0, >0 by code point (UTF-8 byte order is code point order). */
TAURARO_INLINE int tauraro_str_cmp(const tauraro_str_t *a, const tauraro_str_t *b)
{
    int64_t n = a->len < b->len ? a->len : b->len;
    int c = n > 0 ? memcmp(a->data, b->data, (size_t)n) : 0;
    if (c != 0)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* Byte offset of the first occurrence of needle in hay at or after byte
 * `from`, or -1. */
TAURARO_FUNC int64_t tauraro_str_find_bytes(const tauraro_str_t *hay, const tauraro_str_t *needle, int64_t from)
{
    int64_t n = needle->len;
    if (n == 0)
        return from <= hay->len ? from : -1;
    const char *h = hay->data;
    int64_t last = hay->len - n;
    char first = needle->data[0];
    for (int64_t i = from; i <= last;) {
        const char *hit = (const char *)memchr(h + i, first, (size_t)(last - i + 1));
        if (hit == NULL)
            return -1;
        i = hit - h;
        if (memcmp(hit, needle->data, (size_t)n) == 0)
            return i;
        i++;
    }
    return -1;
}

/* needle in hay */
TAURARO_FUNC bool tauraro_str_contains(const tauraro_str_t *hay, const tauraro_str_t *needle)
{
    return tauraro_str_find_bytes(hay, needle, 0) >= 0;
}

/* hay.find(needle): code point index or -1. */
TAURARO_FUNC int64_t tauraro_str_find(const tauraro_str_t *hay, const tauraro_str_t *needle)
{
    int64_t b = tauraro_str_find_bytes(hay, needle, 0);
    if (b <= 0 || tauraro_str_is_ascii(hay))
        return b;
    return tauraro_utf8_count(hay->data, b);
}

/* `for ch in s`: the code point at *byte_pos as a str, advancing *byte_pos;
 * NULL at the end. */
TAURARO_FUNC tauraro_str_t *tauraro_str_next_char(tauraro_str_t *s, int64_t *byte_pos)
{
    int64_t off = *byte_pos;
    if (off >= s->len)
        return NULL;
    int n;
    tauraro_str_t *c = tauraro_str_char_at_(s, off, &n);
    *byte_pos = off + n;
    return c;
}

/* chr(cp) */
TAURARO_FUNC tauraro_str_t *tauraro_str_chr(int64_t cp)
{
    if (cp < 0 || cp > 0x10FFFF) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "chr() arg not in range(0x110000)");
        return NULL;
    }
    if (cp < 0x80)
        return &tauraro_ascii_strs[cp];
    char buf[4];
    int n = tauraro_utf8_encode((uint32_t)cp, buf);
    return tauraro_str_new(buf, n);
}

/* ord(s) */
TAURARO_FUNC int64_t tauraro_str_ord(const tauraro_str_t *s)
{
    if (s->nchars != 1) {
        tauraro_raise_msg(&tauraro_cls_TypeError,
                          "ord() expected a character, but string of length %" PRId64 " found",
                          s->nchars);
        return 0;
    }
    int n;
    return tauraro_utf8_decode(s->data, s->data + s->len, &n);
}

/* 64-bit FNV-1a of the bytes (dict keys). */
TAURARO_FUNC uint64_t tauraro_str_hash(const tauraro_str_t *s)
{
    TAURARO_DBG_USE(s);
    uint64_t h = 0xcbf29ce484222325u;
    for (int64_t i = 0; i < s->len; i++) {
        h ^= (unsigned char)s->data[i];
        h *= 0x100000001b3u;
    }
    return h;
}

/* ---- conversions ------------------------------------------------------------------------------- */

TAURARO_FUNC tauraro_str_t *tauraro_str_from_int(int64_t v)
{
    if (v >= 0 && v <= 9)
        return &tauraro_ascii_strs['0' + v];
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%" PRId64, v);
    return tauraro_str_new(buf, n);
}

/* repr(v) == str(v) */
TAURARO_FUNC tauraro_str_t *tauraro_str_from_float(double v)
{
    char buf[TAURARO_FLOAT_REPR_MAX];
    int n = tauraro_float_repr_buf(v, buf);
    tauraro_str_t *s = tauraro_str_alloc(n);
    memcpy(tauraro_str_wdata(s), buf, (size_t)n);
    return s;
}

TAURARO_INLINE tauraro_str_t *tauraro_str_from_bool(bool v)
{
    return v ? &tauraro_str_true : &tauraro_str_false;
}

TAURARO_INLINE tauraro_str_t *tauraro_str_none(void)
{
    return &tauraro_str_none_lit;
}

/* Append repr(s) to sb, stopping after max_chars code points of the repr
 * when max_chars >= 0 (CPython's "%.200R"). */
TAURARO_FUNC void tauraro_str_repr_to(struct tauraro_sb *sb, const tauraro_str_t *s, int64_t max_chars)
{
    TAURARO_DBG_USE(s);
    static const char hex[] = "0123456789abcdef";
    bool has_sq = memchr(s->data, '\'', (size_t)s->len) != NULL;
    bool has_dq = memchr(s->data, '"', (size_t)s->len) != NULL;
    char quote = has_sq && !has_dq ? '"' : '\'';
    int64_t budget = max_chars >= 0 ? max_chars : INT64_MAX;
    char esc[10];
    const char *p = s->data, *end = s->data + s->len;
    tauraro_sb_reserve(sb, (size_t)s->len + 2);
    for (int64_t i = -1; i <= s->nchars && budget > 0; i++) {
        const char *out = esc;
        int n = 0;
        if (i < 0 || i == s->nchars) {  /* opening and closing quote */
            esc[n++] = quote;
        } else {
            int len;
            uint32_t c = tauraro_utf8_decode(p, end, &len);
            if (c == (uint32_t)quote || c == '\\') {
                esc[n++] = '\\';
                esc[n++] = (char)c;
            } else if (c == '\t' || c == '\n' || c == '\r') {
                esc[n++] = '\\';
                esc[n++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
            } else if (c >= 0x20 && c < 0x7F) {
                esc[n++] = (char)c;
            } else if (c >= 0x80 && tauraro_unicode_isprintable(c)) {
                out = p;
                n = len;
            } else {
                int digits = c <= 0xFF ? 2 : c <= 0xFFFF ? 4 : 8;
                esc[n++] = '\\';
                esc[n++] = digits == 2 ? 'x' : digits == 4 ? 'u' : 'U';
                for (int k = digits - 1; k >= 0; k--)
                    esc[n++] = hex[(c >> (4 * k)) & 0xF];
            }
            p += len;
        }
        /* each output code point counts against the budget */
        for (int k = 0; k < n && budget > 0; k++) {
            tauraro_sb_putc(sb, out[k]);
            if (k + 1 >= n || ((unsigned char)out[k + 1] & 0xC0) != 0x80)
                budget--;
        }
    }
}

/* repr(s): quotes chosen like CPython, escapes for control characters and
 * non-printable code points, printable non-ASCII kept. */
TAURARO_FUNC tauraro_str_t *tauraro_str_repr(tauraro_str_t *s)
{
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_str_repr_to(&sb, s, -1);
    return tauraro_sb_to_str(&sb);
}

/* Raise cls with message prefix + repr(s) (repr cut at max_chars). */
TAURARO_FUNC void tauraro_raise_with_repr_(const tauraro_class_t *cls, const char *prefix,
                                           const tauraro_str_t *s, int64_t max_chars)
{
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_sb_append_cstr(&sb, prefix);
    tauraro_str_repr_to(&sb, s, max_chars);
    tauraro_raise_bytes(cls, sb.data, (int64_t)sb.len);
    tauraro_sb_free(&sb);
}

/* [start, end) of s without leading and trailing Unicode whitespace. */
TAURARO_FUNC void tauraro_str_strip_bounds_(const tauraro_str_t *s, const char **start, const char **stop)
{
    const char *p = s->data, *end = s->data + s->len;
    int n;
    while (p < end && tauraro_unicode_isspace(tauraro_utf8_decode(p, end, &n)))
        p += n;
    const char *last = p;
    for (const char *q = p; q < end; q += n)
        if (!tauraro_unicode_isspace(tauraro_utf8_decode(q, end, &n)))
            last = q + n;
    *start = p;
    *stop = last;
}

/* int(s): surrounding whitespace, a sign, digits (any script) with single
 * underscores between them. */
TAURARO_FUNC int64_t tauraro_str_to_int(tauraro_str_t *s)
{
    const char *p, *end;
    tauraro_str_strip_bounds_(s, &p, &end);
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
    }
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t acc = 0;
    bool overflow = false, prev_digit = false, any = false;
    while (p < end) {
        int n;
        uint32_t c = tauraro_utf8_decode(p, end, &n);
        int d = tauraro_unicode_digit(c);
        if (d >= 0) {
            if (acc > (limit - (uint64_t)d) / 10)
                overflow = true;
            else
                acc = acc * 10 + (uint64_t)d;
            prev_digit = any = true;
        } else if (c == '_' && prev_digit) {
            prev_digit = false;
        } else {
            any = false;
            break;
        }
        p += n;
    }
    if (!any || !prev_digit) {
        tauraro_raise_with_repr_(&tauraro_cls_ValueError, "invalid literal for int() with base 10: ", s, 200);
        return 0;
    }
    if (overflow) {
        tauraro_raise_msg(&tauraro_cls_OverflowError, "integer overflow");
        return 0;
    }
    if (neg)
        return acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
    return (int64_t)acc;
}

/* The grammar float() accepts after whitespace and underscores are gone:
 * [sign] (inf | infinity | nan | digits [. [digits]] [exp] | . digits [exp]),
 * case-insensitive. */
TAURARO_FUNC bool tauraro_float_syntax_ok_(const char *p, const char *end)
{
    if (p < end && (*p == '+' || *p == '-'))
        p++;
    size_t n = (size_t)(end - p);
    char low[9] = { 0 };
    if (n == 3 || n == 8) {
        for (size_t i = 0; i < n; i++)
            low[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
        if (strcmp(low, "inf") == 0 || strcmp(low, "nan") == 0 || strcmp(low, "infinity") == 0)
            return true;
    }
    size_t digits = 0;
    while (p < end && *p >= '0' && *p <= '9')
        p++, digits++;
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (digits == 0)
        return false;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !(*p >= '0' && *p <= '9'))
            return false;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    return p == end;
}

/* float(s): whitespace, sign, inf/nan/infinity in any case, exponents, digits
 * of any script, underscores between digits. */
TAURARO_FUNC double tauraro_str_to_float(tauraro_str_t *s)
{
    const char *p, *end;
    tauraro_str_strip_bounds_(s, &p, &end);
    /* ASCII copy without the underscores (each must sit between digits) */
    char small[64];
    size_t cap = (size_t)(end - p) + 1;
    char *buf = cap <= sizeof small ? small : (char *)tauraro_alloc(cap);
    size_t n = 0;
    bool ok = true;
    char prev = '\0';
    while (p < end && ok) {
        int len;
        uint32_t c = tauraro_utf8_decode(p, end, &len);
        int d = tauraro_unicode_digit(c);
        char ch = d >= 0 ? (char)('0' + d) : c < 0x80 ? (char)c : '?';
        if (ch == '_') {
            ok = prev >= '0' && prev <= '9';
        } else {
            ok = ch != '?' && !(prev == '_' && !(ch >= '0' && ch <= '9'));
            buf[n++] = ch;
        }
        prev = ch;
        p += len;
    }
    ok = ok && prev != '_' && tauraro_float_syntax_ok_(buf, buf + n);
    double v = 0.0;
    if (ok) {
        buf[n] = '\0';
        v = strtod(buf, NULL);
    }
    if (buf != small)
        free(buf);
    if (!ok)
        tauraro_raise_with_repr_(&tauraro_cls_ValueError, "could not convert string to float: ", s, -1);
    return v;
}

#endif /* TAURARO_STR_H */
