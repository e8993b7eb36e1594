/* tauraro/builtins.h - Python builtins the generated code calls that are
 * not an operation of one object kind: range stepping, min/max of
 * strings. */
#ifndef TAURARO_BUILTINS_H
#define TAURARO_BUILTINS_H

#include <stdint.h>
#include <string.h>

#include "tauraro/exc.h"
#include "tauraro/format.h"
#include "tauraro/list.h"
#include "tauraro/move.h"
#include "tauraro/str.h"
#include "tauraro/strmeth.h"

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

/* s.startswith(prefix, start, end) / s.endswith(suffix, start, end): the
 * test applies to s[start:end]. */
TAURARO_FUNC bool tauraro_str_affix_range_(tauraro_str_t *s, tauraro_str_t *affix, int64_t start,
                                          int64_t end, bool prefix)
{
    tauraro_str_t *part = tauraro_str_slice(s, start, end, 1);
    bool r = part != NULL && (prefix ? tauraro_str_startswith(part, affix)
                                     : tauraro_str_endswith(part, affix));
    tauraro_str_decref(part);
    return r;
}

TAURARO_INLINE bool tauraro_str_startswith_range(tauraro_str_t *s, tauraro_str_t *prefix,
                                                 int64_t start, int64_t end)
{
    return tauraro_str_affix_range_(s, prefix, start, end, true);
}

TAURARO_INLINE bool tauraro_str_endswith_range(tauraro_str_t *s, tauraro_str_t *suffix,
                                               int64_t start, int64_t end)
{
    return tauraro_str_affix_range_(s, suffix, start, end, false);
}

/* s += t. When the variable holds the only reference to s, s grows in
 * place (amortised, like CPython's in-place concatenation), so building a
 * string piece by piece stays linear; otherwise a new str replaces it.
 * *ps holds an owned reference. */
TAURARO_FUNC void tauraro_str_iadd(tauraro_str_t **ps, tauraro_str_t *t)
{
    tauraro_str_t *s = *ps;
    if (t->len == 0)
        return;
    if (s != t && s->hdr.strategy == TAURARO_AUTO && s->hdr.rc == 1 &&
        s->data == tauraro_str_wdata(s) && s->len <= INT64_MAX / 4 - t->len) {
        int64_t len = s->len + t->len;
        size_t need = sizeof(tauraro_str_t) + (size_t)len + 1;
        size_t have = tauraro_heap_size(s);
        if (have < need) {
            size_t want = need + need / 2; /* room for the next appends */
            tauraro_stats.auto_bytes -= (int64_t)have;
#ifdef TAURARO_MEMORY_DEBUG
            void *old = s;
#endif
            s = (tauraro_str_t *)tauraro_realloc(s, want);
            tauraro_stats.auto_bytes += (int64_t)tauraro_heap_size(s);
#ifdef TAURARO_MEMORY_DEBUG
            tauraro_dbg_moved(old, s, want); /* the record follows the string */
#endif
        }
        char *d = tauraro_str_wdata(s);
        memcpy(d + s->len, t->data, (size_t)t->len);
        d[len] = '\0';
        s->data = d;
        s->len = len;
        s->nchars += t->nchars;
        *ps = s;
        return;
    }
    tauraro_str_t *r = tauraro_str_concat(s, t);
    if (r == NULL)
        return;
    tauraro_str_decref(s);
    *ps = r;
}

/* hash of a float (tuple keys holding floats): equal to the int's for
 * integral values, as in Python */
TAURARO_INLINE uint64_t tauraro_float_hash(double v)
{
    if (v == (double)(int64_t)v && v > -9.2e18 && v < 9.2e18)
        return tauraro_int_hash((int64_t)v);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return tauraro_hash_mix(bits);
}

/* list(range(start, stop, step)) */
TAURARO_FUNC tauraro_list_int_t *tauraro_list_int_range(int64_t start, int64_t stop, int64_t step)
{
    if (step == 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "range() arg 3 must not be zero");
        return NULL;
    }
    tauraro_list_int_t *l = tauraro_list_int_new(0);
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i = tauraro_range_next(i, step, stop))
        tauraro_list_int_append(l, i);
    return l;
}

/* ---- Optional[int], Optional[float], Optional[bool]: a value or None --------------------- */

#define TAURARO_OPT_DEFINE(P, T)                                                                     \
    typedef struct tauraro_opt_##P {                                                                 \
        bool some;                                                                                   \
        T v;                                                                                         \
    } tauraro_opt_##P##_t;                                                                           \
    TAURARO_INLINE_U void tauraro_opt_##P##_incref(tauraro_opt_##P##_t o) { (void)o; }              \
    TAURARO_INLINE_U void tauraro_opt_##P##_decref(tauraro_opt_##P##_t o) { (void)o; }              \
    TAURARO_INLINE_U void tauraro_opt_##P##_held(const tauraro_obj_t *w, tauraro_opt_##P##_t o)     \
    {                                                                                                \
        (void)w;                                                                                     \
        (void)o;                                                                                     \
    }                                                                                                \
    TAURARO_INLINE_U tauraro_opt_##P##_t tauraro_opt_##P##_move(tauraro_opt_##P##_t o,              \
                                                                tauraro_move_t *m)                   \
    {                                                                                                \
        (void)m;                                                                                     \
        return o;                                                                                    \
    }                                                                                                \
    TAURARO_INLINE_U bool tauraro_opt_##P##_eq(tauraro_opt_##P##_t a, tauraro_opt_##P##_t b)        \
    {                                                                                                \
        return a.some == b.some && (!a.some || tauraro_##P##_eq(a.v, b.v));                         \
    }                                                                                                \
    TAURARO_INLINE_U bool tauraro_opt_##P##_lt(tauraro_opt_##P##_t a, tauraro_opt_##P##_t b)        \
    {                                                                                                \
        if (!a.some || !b.some) {                                                                    \
            tauraro_raise_msg(&tauraro_cls_TypeError, "'<' not supported with None");               \
            return false;                                                                            \
        }                                                                                            \
        return tauraro_##P##_lt(a.v, b.v);                                                           \
    }                                                                                                \
    TAURARO_INLINE_U void tauraro_opt_##P##_repr_sb(tauraro_sb_t *sb, tauraro_opt_##P##_t o)        \
    {                                                                                                \
        if (o.some)                                                                                  \
            tauraro_##P##_repr_sb(sb, o.v);                                                          \
        else                                                                                         \
            tauraro_sb_append_cstr(sb, "None");                                                      \
    }                                                                                                \
    TAURARO_INLINE_U uint64_t tauraro_opt_##P##_hash(tauraro_opt_##P##_t o)                         \
    {                                                                                                \
        return o.some ? tauraro_##P##_hash(o.v) : tauraro_none_hash(NULL);                          \
    }                                                                                                \
    TAURARO_INLINE_U tauraro_str_t *tauraro_opt_##P##_str(tauraro_opt_##P##_t o)                    \
    {                                                                                                \
        tauraro_sb_t sb = TAURARO_SB_INIT;                                                           \
        tauraro_opt_##P##_repr_sb(&sb, o);                                                           \
        return tauraro_sb_to_str(&sb);                                                               \
    }                                                                                                \
    typedef int tauraro_opt_##P##_defined_

/* ---- instances of user classes ------------------------------------------------------ */

/* Every instance starts like this (exception classes continue with the
 * message, as tauraro_exc_t). */
typedef struct tauraro_inst {
    tauraro_obj_t hdr;
    const tauraro_class_t *cls;
} tauraro_inst_t;

/* Destroying an object releases its fields, which may destroy more: a
 * long chain would recurse as deep as it is long. Past a small depth the
 * objects wait on a list that the outermost destruction empties (CPython's
 * "trashcan"), so the order stays the same and the stack stays flat. */
TAURARO_DATA struct {
    int depth;
    void **items;
    size_t len, cap;
} tauraro_trash;

#define TAURARO_TRASH_DEPTH 50

TAURARO_FUNC void tauraro_inst_finish_(void *obj)
{
    tauraro_inst_t *o = (tauraro_inst_t *)obj;
    for (const tauraro_class_t *c = o->cls; c != NULL; c = c->base)
        if (c->dtor != NULL) {
            o->hdr.rc = 1; /* __del__ may take and drop references to self */
            c->dtor(o);
            break;
        }
    tauraro_obj_release(o);
}

TAURARO_FUNC __attribute__((noinline)) void tauraro_inst_destroy(void *obj)
{
    if (tauraro_trash.depth >= TAURARO_TRASH_DEPTH) {
        tauraro_trash.items = (void **)tauraro_grow(tauraro_trash.items, &tauraro_trash.cap, tauraro_trash.len,
                                                    sizeof(void *), 64);
        tauraro_trash.items[tauraro_trash.len++] = obj;
        return;
    }
    tauraro_trash.depth++;
    tauraro_inst_finish_(obj);
    tauraro_trash.depth--;
    if (tauraro_trash.depth == 0) {
        /* first in, first out: the order CPython destroys a chain in */
        for (size_t i = 0; i < tauraro_trash.len; i++) {
            tauraro_trash.depth++;
            tauraro_inst_finish_(tauraro_trash.items[i]);
            tauraro_trash.depth--;
        }
        free(tauraro_trash.items);
        tauraro_trash.items = NULL;
        tauraro_trash.len = tauraro_trash.cap = 0;
    }
}

/* What free() runs on a manual instance: its class's destructor (__del__,
 * then the fields). */
TAURARO_FUNC void tauraro_inst_run_dtor(void *obj)
{
    tauraro_inst_t *o = (tauraro_inst_t *)obj;
    for (const tauraro_class_t *c = o->cls; c != NULL; c = c->base)
        if (c->dtor != NULL) {
            c->dtor(o);
            break;
        }
}

/* An instance moved out of its arena or adopted (move.h): the class's
 * generated move function copies or converts it field by field. */
TAURARO_FUNC void *tauraro_inst_move(void *obj, tauraro_move_t *m)
{
    void *r;
    if (tauraro_move_settled(m, obj, &r))
        return r;
    tauraro_inst_t *o = (tauraro_inst_t *)obj;
    for (const tauraro_class_t *c = o->cls; c != NULL; c = c->base)
        if (c->move != NULL)
            return c->move(obj, m);
    return tauraro_move_keep(m, obj);
}

TAURARO_INLINE void tauraro_inst_incref(void *obj)
{
    tauraro_incref(obj);
}

TAURARO_INLINE void tauraro_inst_decref(void *obj)
{
    tauraro_inst_t *o = (tauraro_inst_t *)obj;
    if (o != NULL && o->hdr.strategy <= TAURARO_MANUAL && --o->hdr.rc == 0 &&
        o->hdr.strategy == TAURARO_AUTO)
        tauraro_inst_destroy(o);
}

TAURARO_INLINE bool tauraro_class_is_exception(const tauraro_class_t *c)
{
    return tauraro_class_is_sub(c, &tauraro_cls_Exception);
}

/* repr(obj): __repr__, else Python's defaults */
TAURARO_FUNC tauraro_str_t *tauraro_inst_repr(void *obj)
{
    TAURARO_DBG_USE(obj);
    tauraro_inst_t *o = (tauraro_inst_t *)obj;
    for (const tauraro_class_t *c = o->cls; c != NULL; c = c->base)
        if (c->repr != NULL)
            return c->repr(obj);
    tauraro_sb_t sb = TAURARO_SB_INIT;
    if (tauraro_class_is_exception(o->cls)) {
        tauraro_str_t *msg = ((tauraro_exc_t *)obj)->msg;
        tauraro_sb_append_cstr(&sb, o->cls->name);
        tauraro_sb_putc(&sb, '(');
        if (msg->len > 0) {
            tauraro_str_t *r = tauraro_str_repr(msg);
            tauraro_sb_append_str(&sb, r);
            tauraro_str_decref(r);
        }
        tauraro_sb_putc(&sb, ')');
    } else {
        char buf[64];
        snprintf(buf, sizeof buf, " object at %p>", obj);
        tauraro_sb_append_cstr(&sb, "<__main__.");
        tauraro_sb_append_cstr(&sb, o->cls->name);
        tauraro_sb_append_cstr(&sb, buf);
    }
    return tauraro_sb_to_str(&sb);
}

/* str(obj): __str__, else an exception's message, else repr(obj) */
TAURARO_FUNC tauraro_str_t *tauraro_inst_str(void *obj)
{
    tauraro_inst_t *o = (tauraro_inst_t *)obj;
    for (const tauraro_class_t *c = o->cls; c != NULL; c = c->base) {
        if (c->str != NULL)
            return c->str(obj);
        if (c->repr != NULL)
            break;
    }
    if (tauraro_class_is_exception(o->cls)) {
        tauraro_str_t *msg = ((tauraro_exc_t *)obj)->msg;
        tauraro_str_incref(msg);
        return msg;
    }
    return tauraro_inst_repr(obj);
}

/* the element operations of instances without __eq__/__lt__/__hash__ */
TAURARO_INLINE void tauraro_inst_repr_sb(tauraro_sb_t *sb, void *obj)
{
    tauraro_str_t *r = tauraro_inst_repr(obj);
    if (r != NULL) {
        tauraro_sb_append_str(sb, r);
        tauraro_str_decref(r);
    }
}

TAURARO_INLINE uint64_t tauraro_inst_hash(void *obj)
{
    TAURARO_DBG_USE(obj);
    return (uint64_t)(uintptr_t)obj >> 4;
}

/* Exception.__init__(self, message) */
TAURARO_INLINE void tauraro_exc_set_msg(void *obj, tauraro_str_t *msg)
{
    tauraro_exc_t *e = (tauraro_exc_t *)obj;
    tauraro_str_t *old = e->msg;
    if (msg->hdr.strategy == TAURARO_AUTO || msg->hdr.strategy == TAURARO_STATIC) {
        tauraro_str_incref(msg);
        e->msg = msg;
    } else {
        e->msg = tauraro_str_new_rc(msg->data, msg->len);
    }
    tauraro_str_decref(old);
}

/* ---- element operations of built-in exceptions and of None ---------------------------- */

TAURARO_INLINE void tauraro_exc_incref(tauraro_exc_t *e) { tauraro_incref(e); }
TAURARO_FUNC void tauraro_exc_release_(void *e) { tauraro_exc_decref((tauraro_exc_t *)e); }
TAURARO_INLINE void tauraro_exc_held(const tauraro_obj_t *o, tauraro_exc_t *e)
{
    tauraro_arena_hold(o, e, tauraro_exc_release_);
}
TAURARO_INLINE void tauraro_inst_held(const tauraro_obj_t *o, void *obj)
{
    tauraro_arena_hold(o, obj, tauraro_inst_decref);
}
TAURARO_INLINE bool tauraro_exc_eq(tauraro_exc_t *a, tauraro_exc_t *b) { return a == b; }
TAURARO_INLINE bool tauraro_exc_lt(tauraro_exc_t *a, tauraro_exc_t *b)
{
    (void)a;
    (void)b;
    tauraro_raise_msg(&tauraro_cls_TypeError, "'<' not supported between exceptions");
    return false;
}
TAURARO_INLINE void tauraro_exc_repr_sb(tauraro_sb_t *sb, tauraro_exc_t *e) { tauraro_inst_repr_sb(sb, e); }
TAURARO_INLINE tauraro_str_t *tauraro_exc_str(tauraro_exc_t *e) { return tauraro_inst_str(e); }

TAURARO_INLINE void tauraro_none_incref(void *v) { (void)v; }
TAURARO_INLINE void tauraro_none_decref(void *v) { (void)v; }
TAURARO_INLINE void *tauraro_none_move(void *v, tauraro_move_t *m) { (void)m; return v; }
TAURARO_INLINE void tauraro_none_held(const tauraro_obj_t *o, void *v) { (void)o; (void)v; }
TAURARO_INLINE bool tauraro_none_eq(void *a, void *b) { (void)a; (void)b; return true; }
TAURARO_INLINE bool tauraro_none_lt(void *a, void *b)
{
    (void)a;
    (void)b;
    tauraro_raise_msg(&tauraro_cls_TypeError,
                      "'<' not supported between instances of 'NoneType' and 'NoneType'");
    return false;
}
TAURARO_INLINE void tauraro_none_repr_sb(tauraro_sb_t *sb, void *v)
{
    (void)v;
    tauraro_sb_append_cstr(sb, "None");
}
TAURARO_INLINE uint64_t tauraro_none_hash(void *v) { (void)v; return 0x2545F4914F6CDD1Du; }

/* Optional[X] for an object kind X: a pointer that may be NULL (None). */
#define TAURARO_OPTREF_DEFINE(P, T)                                                                  \
    TAURARO_INLINE_U void tauraro_opt_##P##_incref(T o)                                              \
    {                                                                                                \
        if (o != NULL)                                                                               \
            tauraro_##P##_incref(o);                                                                 \
    }                                                                                                \
    TAURARO_INLINE_U void tauraro_opt_##P##_decref(T o)                                              \
    {                                                                                                \
        if (o != NULL)                                                                               \
            tauraro_##P##_decref(o);                                                                 \
    }                                                                                                \
    TAURARO_INLINE_U void tauraro_opt_##P##_held(const tauraro_obj_t *w, T o)                        \
    {                                                                                                \
        if (o != NULL)                                                                               \
            tauraro_##P##_held(w, o);                                                                \
    }                                                                                                \
    TAURARO_INLINE_U T tauraro_opt_##P##_move(T o, tauraro_move_t *m)                                \
    {                                                                                                \
        return o != NULL ? tauraro_##P##_move(o, m) : NULL;                                          \
    }                                                                                                \
    TAURARO_INLINE_U bool tauraro_opt_##P##_eq(T a, T b)                                             \
    {                                                                                                \
        return a == b || (a != NULL && b != NULL && tauraro_##P##_eq(a, b));                        \
    }                                                                                                \
    TAURARO_INLINE_U bool tauraro_opt_##P##_lt(T a, T b)                                             \
    {                                                                                                \
        if (a == NULL || b == NULL) {                                                                \
            tauraro_raise_msg(&tauraro_cls_TypeError, "'<' not supported with None");               \
            return false;                                                                            \
        }                                                                                            \
        return tauraro_##P##_lt(a, b);                                                               \
    }                                                                                                \
    TAURARO_INLINE_U void tauraro_opt_##P##_repr_sb(tauraro_sb_t *sb, T o)                           \
    {                                                                                                \
        if (o != NULL)                                                                               \
            tauraro_##P##_repr_sb(sb, o);                                                            \
        else                                                                                         \
            tauraro_sb_append_cstr(sb, "None");                                                      \
    }                                                                                                \
    typedef int tauraro_opt_##P##_defined_

/* ... and its hash, for kinds that have one (dict keys, tuples in keys) */
#define TAURARO_OPTREF_HASH_DEFINE(P, T)                                                             \
    TAURARO_INLINE_U uint64_t tauraro_opt_##P##_hash(T o)                                            \
    {                                                                                                \
        return o != NULL ? tauraro_##P##_hash(o) : tauraro_none_hash(NULL);                          \
    }                                                                                                \
    typedef int tauraro_opt_##P##_hash_defined_

TAURARO_OPT_DEFINE(int, int64_t);
TAURARO_OPT_DEFINE(float, double);
TAURARO_OPT_DEFINE(bool, bool);

/* A value of the expected class is None where Python code assumed it
 * was not (an Optional used as a plain value). */
TAURARO_INLINE bool tauraro_check_not_none(const void *v, const char *what)
{
    if (v == NULL) {
        tauraro_raise_msg(&tauraro_cls_TypeError, "%s is None", what);
        return false;
    }
    return true;
}

TAURARO_INLINE bool tauraro_check_attr_of_none(const void *v, const char *attr)
{
    if (v == NULL) {
        tauraro_raise_msg(&tauraro_cls_AttributeError, "'NoneType' object has no attribute '%s'", attr);
        return false;
    }
    return true;
}

#endif
