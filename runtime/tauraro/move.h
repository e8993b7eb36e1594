/* tauraro/move.h - moving values between strategies: a result copied out of
 * the arena of the call that made it, or a manual function's result adopted
 * by reference counting.
 *
 * tauraro_P_move(v, m) (one per element kind, like incref/decref; the
 * container macros define theirs) returns a new reference to v, or to a copy
 * of v when v lives in an arena at level m->level or deeper. With m->adopt,
 * the manual objects reachable from v become counted in place instead (no
 * reference is added: manual objects keep an exact count). A memo keeps shared objects shared and
 * cycles finite.
 */
#ifndef TAURARO_MOVE_H
#define TAURARO_MOVE_H

#include "mem.h"
#include "exc.h"
#include "str.h"
#include "elem.h"

/* ---- moving values between strategies --------------------------------------------- */

typedef struct tauraro_move tauraro_move_t;

/* Moves the contents of old into its replacement new (new == old when
 * adopting). */
typedef void (*tauraro_move_fill_t)(void *old, void *new_, tauraro_move_t *m);

struct tauraro_move {
    int level;             /* copy: objects of arenas at this level or deeper */
    bool adopt;            /* adopt: manual objects become counted in place */
    size_t len, cap;       /* memo: old object -> its replacement */
    void **keys, **vals;
    int depth;             /* nesting of fills in progress */
    size_t npend, pendcap; /* fills waiting (a deep structure is moved iteratively) */
    struct tauraro_move_pending {
        tauraro_move_fill_t fill;
        void *old, *new_;
    } *pend;
};

/* Past this nesting, a fill waits on a list instead of recursing: a long
 * chain is moved with a flat stack. */
#define TAURARO_MOVE_DEPTH 64

TAURARO_INLINE void tauraro_move_init(tauraro_move_t *m, int level, bool adopt)
{
    memset(m, 0, sizeof *m);
    m->level = level;
    m->adopt = adopt;
}

/* Fill new from old now, or later when the nesting is deep; returns new. */
TAURARO_FUNC void *tauraro_move_fill(tauraro_move_t *m, tauraro_move_fill_t fill, void *old, void *new_)
{
    if (m->depth >= TAURARO_MOVE_DEPTH) {
        m->pend = (struct tauraro_move_pending *)tauraro_grow(m->pend, &m->pendcap, m->npend, sizeof *m->pend, 64);
        m->pend[m->npend].fill = fill;
        m->pend[m->npend].old = old;
        m->pend[m->npend].new_ = new_;
        m->npend++;
        return new_;
    }
    m->depth++;
    fill(old, new_, m);
    m->depth--;
    return new_;
}

/* Finish the move: the waiting fills run, then the memo goes. */
TAURARO_FUNC void tauraro_move_done(tauraro_move_t *m)
{
    while (m->npend > 0) {
        struct tauraro_move_pending p = m->pend[--m->npend];
        m->depth = 1;
        p.fill(p.old, p.new_, m);
    }
    m->depth = 0;
    free(m->pend);
    m->pend = NULL;
    m->pendcap = 0;
    free(m->keys);
    free(m->vals);
    m->keys = m->vals = NULL;
    m->len = m->cap = 0;
}

/* Does v move (copied out of its arena, or adopted)? */
TAURARO_INLINE bool tauraro_move_wanted(const tauraro_move_t *m, const void *v)
{
    const tauraro_obj_t *h = (const tauraro_obj_t *)v;
    if (h == NULL)
        return false;
    TAURARO_DBG_USE(h); /* --memory-debug: a result reaching a freed object */
    if (m->adopt)
        return h->strategy == TAURARO_MANUAL;
    return h->strategy == TAURARO_ARENA && tauraro_arena_of(h)->level >= m->level;
}

/* v stays where it is: a new reference (copy) or the same one (adopt). */
TAURARO_INLINE void *tauraro_move_keep(const tauraro_move_t *m, void *v)
{
    if (!m->adopt)
        tauraro_incref(v);
    return v;
}

TAURARO_INLINE size_t tauraro_move_slot_(const void *p, size_t cap)
{
    return (size_t)(tauraro_hash_mix((uint64_t)(uintptr_t)p) & (cap - 1));
}

/* What v already moved to (a new reference), or NULL. */
TAURARO_FUNC void *tauraro_move_lookup(tauraro_move_t *m, const void *v)
{
    if (m->cap == 0)
        return NULL;
    for (size_t i = tauraro_move_slot_(v, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == NULL)
            return NULL;
        if (m->keys[i] == v) {
            if (!m->adopt) /* adopting: the reference is counted already */
                tauraro_incref(m->vals[i]);
            return m->vals[i];
        }
    }
}

/* Record that old moved to new (before moving old's contents, for cycles). */
TAURARO_FUNC void *tauraro_move_put(tauraro_move_t *m, void *old, void *new_)
{
    if ((m->len + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        void **keys = (void **)calloc(cap, sizeof(void *));
        void **vals = (void **)calloc(cap, sizeof(void *));
        if (keys == NULL || vals == NULL)
            tauraro_out_of_memory();
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i] != NULL) {
                size_t j = tauraro_move_slot_(m->keys[i], cap);
                while (keys[j] != NULL)
                    j = (j + 1) & (cap - 1);
                keys[j] = m->keys[i];
                vals[j] = m->vals[i];
            }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t i = tauraro_move_slot_(old, m->cap);
    while (m->keys[i] != NULL)
        i = (i + 1) & (m->cap - 1);
    m->keys[i] = old;
    m->vals[i] = new_;
    m->len++;
    return new_;
}

/* Common prefixes of the list, dict and Buffer layouts (list.h, dict.h,
 * memory.h): where the buffers they own are, whatever the element types. */
typedef struct { tauraro_obj_t hdr; int64_t len, cap; void *items; } tauraro_list_layout_t;
typedef struct { tauraro_obj_t hdr; int64_t len, used, cap, version; void *entries; void *index; } tauraro_dict_layout_t;
typedef struct { tauraro_obj_t hdr; int64_t len; void *data; int64_t align; } tauraro_buffer_layout_t;

/* `objects` objects and the heap block p (NULL: none) leave the statistics
 * of one heap strategy for the other's (`to`: AUTO or MANUAL). */
TAURARO_FUNC void tauraro_stats_shift_(int64_t objects, const void *p, uint8_t to)
{
    int64_t bytes = p != NULL ? (int64_t)tauraro_heap_size((void *)p) : 0;
    int64_t sign = to == TAURARO_AUTO ? 1 : -1;
    tauraro_stats.auto_objects += sign * objects;
    tauraro_stats.auto_bytes += sign * bytes;
    tauraro_stats.manual_objects -= sign * objects;
    tauraro_stats.manual_bytes -= sign * bytes;
}

/* A heap object, with the buffers it owns, changes hands between counting
 * (AUTO) and the program (MANUAL): a manual result adopted by counting code,
 * or a new object a manual function names. */
TAURARO_FUNC void tauraro_obj_restrategy(void *obj, uint8_t to)
{
    tauraro_obj_t *h = (tauraro_obj_t *)obj;
    h->strategy = to;
#ifdef TAURARO_MEMORY_DEBUG
    tauraro_dbg_set_strategy(h, to);
#endif
    tauraro_stats_shift_(1, h, to);
    if (h->tag == TAURARO_TAG_LIST) {
        tauraro_stats_shift_(0, ((tauraro_list_layout_t *)obj)->items, to);
    } else if (h->tag == TAURARO_TAG_DICT) {
        tauraro_stats_shift_(0, ((tauraro_dict_layout_t *)obj)->entries, to);
        tauraro_stats_shift_(0, ((tauraro_dict_layout_t *)obj)->index, to);
    } else if (h->tag == TAURARO_TAG_BUFFER && ((tauraro_buffer_layout_t *)obj)->align != 0) {
        tauraro_stats_shift_(0, ((tauraro_buffer_layout_t *)obj)->data, to);
    }
}

/* Adopt mode: the manual object v becomes a counted one in place (manual
 * objects keep an exact count, so its references are all accounted for). */
TAURARO_FUNC void *tauraro_move_adopt(tauraro_move_t *m, void *v)
{
    tauraro_obj_restrategy(v, TAURARO_AUTO);
    return tauraro_move_put(m, v, v);
}

/* The first step of every move: v stays where it is, or has been moved
 * already (the memo); *out is then the result. False: v is to move now. */
TAURARO_FUNC bool tauraro_move_settled(tauraro_move_t *m, void *v, void **out)
{
    if (!tauraro_move_wanted(m, v)) {
        *out = tauraro_move_keep(m, v);
        return true;
    }
    *out = tauraro_move_lookup(m, v);
    return *out != NULL;
}

/* The element kinds of elem.h. */
TAURARO_INLINE int64_t tauraro_int_move(int64_t v, tauraro_move_t *m) { (void)m; return v; }
TAURARO_INLINE double tauraro_float_move(double v, tauraro_move_t *m) { (void)m; return v; }
TAURARO_INLINE bool tauraro_bool_move(bool v, tauraro_move_t *m) { (void)m; return v; }

TAURARO_FUNC tauraro_str_t *tauraro_str_move(tauraro_str_t *s, tauraro_move_t *m)
{
    void *r;
    if (tauraro_move_settled(m, s, &r))
        return (tauraro_str_t *)r;
    if (m->adopt)
        return (tauraro_str_t *)tauraro_move_adopt(m, s);
    tauraro_str_t *c = tauraro_str_new(s->data, s->len);
    return (tauraro_str_t *)tauraro_move_put(m, s, c);
}

/* Exceptions are always counted objects: they never move. */
TAURARO_INLINE tauraro_exc_t *tauraro_exc_move(tauraro_exc_t *e, tauraro_move_t *m)
{
    return (tauraro_exc_t *)tauraro_move_keep(m, e);
}

/* ---- named manual allocations -------------------------------------------------------- */

/* A new counted object that a manual function names becomes the program's
 * to free (strategy MANUAL), unless something else already refers to it. */
TAURARO_FUNC void tauraro_obj_make_manual(void *obj)
{
    tauraro_obj_t *h = (tauraro_obj_t *)obj;
    if (h != NULL && h->strategy == TAURARO_AUTO && h->rc == 1)
        tauraro_obj_restrategy(obj, TAURARO_MANUAL);
}

#endif /* TAURARO_MOVE_H */
