/* tauraro/elem.h - element operations of the scalar kinds and str.
 *
 * Containers are specialised per element type by macros (list.h, dict.h).
 * An element kind has a C type T and a prefix P; the container macros call
 *
 *     void     tauraro_P_incref(T v)            take a reference (no-op for scalars)
 *     void     tauraro_P_decref(T v)            drop a reference
 *     bool     tauraro_P_eq(T a, T b)           a == b
 *     bool     tauraro_P_lt(T a, T b)           a < b (may raise: set the pending exception)
 *     void     tauraro_P_repr_sb(tauraro_sb_t *sb, T v)   append repr(v)
 *     void     tauraro_P_held(const tauraro_obj_t *owner, T v)   an arena container keeps v (mem.h)
 *     T        tauraro_P_move(T v, tauraro_move_t *m)   v moved between strategies (move.h)
 *     uint64_t tauraro_P_hash(T v)              only for dict keys
 *
 * (The repr operation is `repr_sb`, not `repr`: tauraro_str_repr(s) already
 * exists in str.h and returns a new str.)
 *
 * This header provides them for
 *     int   int64_t           tauraro_int_*
 *     float double            tauraro_float_*   (no hash: float keys are not supported)
 *     bool  bool              tauraro_bool_*
 *     str   tauraro_str_t *   tauraro_str_*     (incref/decref/eq/hash are str.h's)
 * and list.h / dict.h define them for every container they instantiate, so a
 * container type is itself an element kind (list[list[int]]). The compiler
 * emits the same six operations for its tuples and class instances.
 */
#ifndef TAURARO_ELEM_H
#define TAURARO_ELEM_H

#include "mem.h"
#include "exc.h"
#include "str.h"
#include "format.h"

/* Functions defined inside the container macros: inline, and silent when a
 * program instantiates a container without using every operation (clang
 * warns about unused static inline functions of the main file). */
#define TAURARO_INLINE_U static inline __attribute__((unused))

/* A hash that spreads int keys over the low bits the index table uses
 * (splitmix64's finaliser). int and bool keys hash alike, as in Python
 * (True == 1). */
TAURARO_INLINE uint64_t tauraro_hash_mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    return x;
}

/* ---- int ------------------------------------------------------------------------------ */

TAURARO_INLINE void tauraro_int_incref(int64_t v) { (void)v; }
TAURARO_INLINE void tauraro_int_decref(int64_t v) { (void)v; }
TAURARO_INLINE void tauraro_int_held(const tauraro_obj_t *o, int64_t v) { (void)o; (void)v; }
TAURARO_INLINE bool tauraro_int_eq(int64_t a, int64_t b) { return a == b; }
TAURARO_INLINE bool tauraro_int_lt(int64_t a, int64_t b) { return a < b; }
TAURARO_INLINE uint64_t tauraro_int_hash(int64_t v) { return tauraro_hash_mix((uint64_t)v); }

TAURARO_INLINE void tauraro_int_repr_sb(tauraro_sb_t *sb, int64_t v)
{
    tauraro_sb_append_int(sb, v);
}

/* ---- float ---------------------------------------------------------------------------- */

TAURARO_INLINE void tauraro_float_incref(double v) { (void)v; }
TAURARO_INLINE void tauraro_float_decref(double v) { (void)v; }
TAURARO_INLINE void tauraro_float_held(const tauraro_obj_t *o, double v) { (void)o; (void)v; }
/* IEEE comparisons: nan != nan (CPython's identity shortcut for the same
 * float object cannot be reproduced on unboxed values). */
TAURARO_INLINE bool tauraro_float_eq(double a, double b) { return a == b; }
TAURARO_INLINE bool tauraro_float_lt(double a, double b) { return a < b; }

TAURARO_INLINE void tauraro_float_repr_sb(tauraro_sb_t *sb, double v)
{
    tauraro_sb_append_float(sb, v);
}

/* ---- bool ----------------------------------------------------------------------------- */

TAURARO_INLINE void tauraro_bool_incref(bool v) { (void)v; }
TAURARO_INLINE void tauraro_bool_decref(bool v) { (void)v; }
TAURARO_INLINE void tauraro_bool_held(const tauraro_obj_t *o, bool v) { (void)o; (void)v; }
TAURARO_INLINE bool tauraro_bool_eq(bool a, bool b) { return a == b; }
TAURARO_INLINE bool tauraro_bool_lt(bool a, bool b) { return !a && b; }
TAURARO_INLINE uint64_t tauraro_bool_hash(bool v) { return tauraro_int_hash(v ? 1 : 0); }

TAURARO_INLINE void tauraro_bool_repr_sb(tauraro_sb_t *sb, bool v)
{
    if (v)
        tauraro_sb_append(sb, "True", 4);
    else
        tauraro_sb_append(sb, "False", 5);
}

/* ---- str (incref, decref, eq and hash come from str.h) --------------------------------- */

TAURARO_FUNC void tauraro_str_release_(void *s) { tauraro_str_decref((tauraro_str_t *)s); }
TAURARO_INLINE void tauraro_str_held(const tauraro_obj_t *o, tauraro_str_t *s)
{
    tauraro_arena_hold(o, s, tauraro_str_release_);
}

TAURARO_INLINE bool tauraro_str_lt(const tauraro_str_t *a, const tauraro_str_t *b)
{
    TAURARO_DBG_USE(a);
    TAURARO_DBG_USE(b);
    return tauraro_str_cmp(a, b) < 0;
}

/* repr(s), quotes included */
TAURARO_INLINE void tauraro_str_repr_sb(tauraro_sb_t *sb, const tauraro_str_t *s)
{
    tauraro_str_repr_to(sb, s, -1);
}

#endif /* TAURARO_ELEM_H */
