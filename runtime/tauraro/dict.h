/* tauraro/dict.h - Python dicts specialised per key and value type.
 *
 *     TAURARO_DICT_DEFINE(KP, KT, VP, VT)
 *
 * defines tauraro_dict_KP_VP_t and the functions tauraro_dict_KP_VP_*, for
 * keys of C type KT with operations tauraro_KP_incref/decref/eq/hash/repr_sb
 * and values of C type VT with tauraro_VP_incref/decref/eq/repr_sb (elem.h).
 * keys() and values() return tauraro_list_KP_t / tauraro_list_VP_t, so
 * TAURARO_LIST_DEFINE(KP, KT) and TAURARO_LIST_DEFINE(VP, VT) must come
 * before the dict instantiation. The dict type is itself an element kind with
 * prefix dict_KP_VP (incref, decref, eq, lt, repr_sb; no hash).
 *
 * Layout, as CPython's compact dict: a dense array of entries in insertion
 * order {hash, key, value, live} and an open-addressing index (power-of-two
 * size, CPython's perturbed probing) of int32 entry numbers, -1 empty and
 * -2 deleted. Deleting marks the entry dead; the entries are compacted when
 * the array is full. At most 2/3 of the index slots are used.
 *
 * Iteration in insertion order:
 *
 *     int64_t pos = 0, i;
 *     while ((i = tauraro_dict_KP_VP_next(d, &pos)) >= 0)
 *         use d->entries[i].key, d->entries[i].value
 *
 * d->version changes whenever a key is added or removed (not when a value is
 * replaced): a loop that sees it change raises RuntimeError("dictionary
 * changed size during iteration"), as the entries may have moved.
 *
 * Arguments are borrowed; get/get_default/setdefault return borrowed values,
 * pop/pop_default owned ones. A missing key raises KeyError(repr(key)).
 */
#ifndef TAURARO_DICT_H
#define TAURARO_DICT_H

#include "mem.h"
#include "exc.h"
#include "str.h"
#include "format.h"
#include "buf.h"
#include "elem.h"
#include "list.h"

#define TAURARO_DICT_EMPTY (-1)
#define TAURARO_DICT_DUMMY (-2)
#define TAURARO_DICT_MINSIZE 8
/* entries an index of n slots holds (CPython's USABLE_FRACTION) */
#define TAURARO_DICT_USABLE(n) (((n) << 1) / 3)

#define TAURARO_DICT_DEFINE(KP, KT, VP, VT)                                                         \
    typedef struct tauraro_dict_##KP##_##VP##_entry {                                               \
        uint64_t hash;                                                                              \
        KT key;                                                                                     \
        VT value;                                                                                   \
        bool live;                                                                                  \
    } tauraro_dict_##KP##_##VP##_entry_t;                                                           \
                                                                                                    \
    typedef struct tauraro_dict_##KP##_##VP {                                                       \
        tauraro_obj_t hdr;                                                                          \
        int64_t len;     /* live entries */                                                         \
        int64_t used;    /* entries[0..used) are live or dead */                                    \
        int64_t cap;     /* room in entries */                                                      \
        int64_t version; /* bumped when a key is added or removed */                                \
        tauraro_dict_##KP##_##VP##_entry_t *entries;                                                \
        int32_t *index;  /* mask + 1 slots; NULL while nothing was inserted */                      \
        uint64_t mask;                                                                              \
    } tauraro_dict_##KP##_##VP##_t;                                                                 \
                                                                                                    \
    TAURARO_INLINE_U VT tauraro_dict_##KP##_##VP##_zero_(void)                                      \
    {                                                                                               \
        VT z;                                                                                       \
        memset(&z, 0, sizeof z);                                                                    \
        return z;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* releases what the dict owns (keys, values, buffers), not the dict */                         \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_dtor(void *obj)                                    \
    {                                                                                               \
        tauraro_dict_##KP##_##VP##_t *d = (tauraro_dict_##KP##_##VP##_t *)obj;                      \
        tauraro_dict_##KP##_##VP##_entry_t *e = d->entries;                                         \
        int64_t used = d->used;                                                                     \
        for (int64_t i = 0; i < used; i++) {                                                        \
            if (e[i].live) {                                                                        \
                TAURARO_UNHOLD_(&d->hdr, tauraro_##KP##_decref, e[i].key);                          \
                TAURARO_UNHOLD_(&d->hdr, tauraro_##VP##_decref, e[i].value);                        \
            }                                                                                       \
        }                                                                                           \
        tauraro_buf_free(&d->hdr, d->entries);                                                      \
        tauraro_buf_free(&d->hdr, d->index);                                                        \
        d->entries = NULL;                                                                          \
        d->index = NULL;                                                                            \
        d->len = d->used = d->cap = 0;                                                              \
        d->mask = 0;                                                                                \
    }                                                                                               \
                                                                                                    \
    TAURARO_INLINE_U void tauraro_dict_##KP##_##VP##_incref(tauraro_dict_##KP##_##VP##_t *d)        \
    {                                                                                               \
        tauraro_incref(d);                                                                          \
    }                                                                                               \
                                                                                                    \
    TAURARO_INLINE_U void tauraro_dict_##KP##_##VP##_decref(tauraro_dict_##KP##_##VP##_t *d)        \
    {                                                                                               \
        tauraro_decref(d, tauraro_dict_##KP##_##VP##_dtor);                                         \
    }                                                                                               \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_release_(void *d)                                  \
    {                                                                                               \
        tauraro_decref(d, tauraro_dict_##KP##_##VP##_dtor);                                         \
    }                                                                                               \
    TAURARO_INLINE_U void tauraro_dict_##KP##_##VP##_held(const tauraro_obj_t *owner,               \
                                                          tauraro_dict_##KP##_##VP##_t *d)          \
    {                                                                                               \
        tauraro_arena_hold(owner, d, tauraro_dict_##KP##_##VP##_release_);                          \
    }                                                                                               \
                                                                                                    \
    /* an empty dict in fresh object memory */                                                      \
    TAURARO_INLINE_U tauraro_dict_##KP##_##VP##_t *tauraro_dict_##KP##_##VP##_init_(void *mem)      \
    {                                                                                               \
        tauraro_dict_##KP##_##VP##_t *d = (tauraro_dict_##KP##_##VP##_t *)mem;                      \
        d->len = d->used = d->cap = d->version = 0;                                                 \
        d->entries = NULL;                                                                          \
        d->index = NULL;                                                                            \
        d->mask = 0;                                                                                \
        return d;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* {}; owned */                                                                                 \
    TAURARO_FUNC tauraro_dict_##KP##_##VP##_t *tauraro_dict_##KP##_##VP##_new(void)                 \
    {                                                                                               \
        return tauraro_dict_##KP##_##VP##_init_(                                                    \
            tauraro_obj_new(sizeof(tauraro_dict_##KP##_##VP##_t), TAURARO_TAG_DICT));               \
    }                                                                                               \
                                                                                                    \
    /* {} owned by the program (manual strategy): released with                                     \
     * tauraro_obj_free(d, tauraro_dict_KP_VP_dtor) */                                              \
    TAURARO_FUNC tauraro_dict_##KP##_##VP##_t *tauraro_dict_##KP##_##VP##_new_manual(void)          \
    {                                                                                               \
        return tauraro_dict_##KP##_##VP##_init_(                                                    \
            tauraro_alloc_manual(sizeof(tauraro_dict_##KP##_##VP##_t), TAURARO_TAG_DICT));          \
    }                                                                                               \
                                                                                                    \
    /* entry number of key k (hash h), or -1; *slot receives its index slot */                      \
    TAURARO_INLINE_U int64_t tauraro_dict_##KP##_##VP##_lookup_(tauraro_dict_##KP##_##VP##_t *d,    \
                                                                KT k, uint64_t h, uint64_t *slot)  \
    {                                                                                               \
        if (d->index == NULL)                                                                       \
            return -1;                                                                              \
        uint64_t mask = d->mask, i = h & mask, perturb = h;                                         \
        for (;;) {                                                                                  \
            int32_t ix = d->index[i];                                                               \
            if (ix == TAURARO_DICT_EMPTY)                                                           \
                return -1;                                                                          \
            if (ix >= 0) {                                                                          \
                tauraro_dict_##KP##_##VP##_entry_t *e = &d->entries[ix];                            \
                if (e->hash == h && tauraro_##KP##_eq(e->key, k)) {                                 \
                    *slot = i;                                                                      \
                    return ix;                                                                      \
                }                                                                                   \
            }                                                                                       \
            perturb >>= 5;                                                                          \
            i = (i * 5 + perturb + 1) & mask;                                                       \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    /* the first empty or deleted slot of h's probe sequence */                                     \
    TAURARO_INLINE_U uint64_t tauraro_dict_##KP##_##VP##_free_slot_(int32_t *index, uint64_t mask,  \
                                                                    uint64_t h)                    \
    {                                                                                               \
        uint64_t i = h & mask, perturb = h;                                                         \
        while (index[i] >= 0) {                                                                     \
            perturb >>= 5;                                                                          \
            i = (i * 5 + perturb + 1) & mask;                                                       \
        }                                                                                           \
        return i;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* new table sized for the live entries (3x, as CPython), compacted */                          \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_resize_(tauraro_dict_##KP##_##VP##_t *d,           \
                                                         int64_t minsize)                          \
    {                                                                                               \
        uint64_t size = TAURARO_DICT_MINSIZE;                                                       \
        while (size < (uint64_t)minsize) {                                                          \
            if (size > (uint64_t)INT32_MAX)                                                         \
                tauraro_out_of_memory();                                                            \
            size <<= 1;                                                                             \
        }                                                                                           \
        int64_t cap = (int64_t)TAURARO_DICT_USABLE(size);                                           \
        int32_t *index = (int32_t *)tauraro_buf_alloc(                                              \
            &d->hdr, tauraro_size_mul((size_t)size, sizeof(int32_t)));                              \
        memset(index, 0xff, (size_t)size * sizeof(int32_t)); /* all EMPTY (-1) */                   \
        tauraro_dict_##KP##_##VP##_entry_t *entries = (tauraro_dict_##KP##_##VP##_entry_t *)        \
            tauraro_buf_alloc(&d->hdr,                                                              \
                              tauraro_size_mul((size_t)cap, sizeof(tauraro_dict_##KP##_##VP##_entry_t))); \
        int64_t n = 0;                                                                              \
        for (int64_t i = 0; i < d->used; i++) {                                                     \
            if (!d->entries[i].live)                                                                \
                continue;                                                                           \
            entries[n] = d->entries[i];                                                             \
            index[tauraro_dict_##KP##_##VP##_free_slot_(index, size - 1, entries[n].hash)] =        \
                (int32_t)n;                                                                         \
            n++;                                                                                    \
        }                                                                                           \
        tauraro_buf_free(&d->hdr, d->entries);                                                      \
        tauraro_buf_free(&d->hdr, d->index);                                                        \
        d->entries = entries;                                                                       \
        d->index = index;                                                                           \
        d->mask = size - 1;                                                                         \
        d->cap = cap;                                                                               \
        d->used = n;                                                                                \
    }                                                                                               \
                                                                                                    \
    /* append a key known to be absent; k and v stolen */                                           \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_insert_new_(tauraro_dict_##KP##_##VP##_t *d,       \
                                                             uint64_t h, KT k, VT v)               \
    {                                                                                               \
        if (d->used == d->cap)                                                                      \
            tauraro_dict_##KP##_##VP##_resize_(d, d->len * 3);                                      \
        int64_t n = d->used++;                                                                      \
        tauraro_dict_##KP##_##VP##_entry_t *e = &d->entries[n];                                     \
        TAURARO_HOLD_MOVE_(&d->hdr, tauraro_##KP##_held, k);                                        \
        TAURARO_HOLD_MOVE_(&d->hdr, tauraro_##VP##_held, v);                                        \
        e->hash = h;                                                                                \
        e->key = k;                                                                                 \
        e->value = v;                                                                               \
        e->live = true;                                                                             \
        d->index[tauraro_dict_##KP##_##VP##_free_slot_(d->index, d->mask, h)] = (int32_t)n;         \
        d->len++;                                                                                   \
        d->version++;                                                                               \
    }                                                                                               \
                                                                                                    \
    /* d[k] = v; k and v stolen (an equal key already present is kept and k                         \
     * released; the old value is released) */                                                      \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_set_move(tauraro_dict_##KP##_##VP##_t *d, KT k,    \
                                                          VT v)                                    \
    {                                                                                               \
        uint64_t h = tauraro_##KP##_hash(k), slot;                                                  \
        int64_t ix = tauraro_dict_##KP##_##VP##_lookup_(d, k, h, &slot);                            \
        if (ix >= 0) {                                                                              \
            VT old = d->entries[ix].value;                                                          \
            TAURARO_HOLD_MOVE_(&d->hdr, tauraro_##VP##_held, v);                                    \
            d->entries[ix].value = v;                                                               \
            TAURARO_UNHOLD_(&d->hdr, tauraro_##VP##_decref, old);                                   \
            tauraro_##KP##_decref(k);                                                               \
            return;                                                                                 \
        }                                                                                           \
        tauraro_dict_##KP##_##VP##_insert_new_(d, h, k, v);                                         \
    }                                                                                               \
                                                                                                    \
    /* moving (move.h): the entries of a dict and of its replacement */                            \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_fill_(void *old, void *new_, tauraro_move_t *m)    \
    {                                                                                               \
        tauraro_dict_##KP##_##VP##_t *d = (tauraro_dict_##KP##_##VP##_t *)old;                      \
        tauraro_dict_##KP##_##VP##_t *n = (tauraro_dict_##KP##_##VP##_t *)new_;                    \
        for (int64_t i = 0; i < d->used; i++) {                                                     \
            if (!d->entries[i].live)                                                                \
                continue;                                                                           \
            if (m->adopt) {                                                                         \
                d->entries[i].key = tauraro_##KP##_move(d->entries[i].key, m);                     \
                d->entries[i].value = tauraro_##VP##_move(d->entries[i].value, m);                 \
            } else {                                                                                \
                KT k = tauraro_##KP##_move(d->entries[i].key, m);                                   \
                tauraro_dict_##KP##_##VP##_set_move(n, k, tauraro_##VP##_move(d->entries[i].value, m)); \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    /* moved out of its arena or adopted (move.h); a new reference */                               \
    TAURARO_FUNC tauraro_dict_##KP##_##VP##_t *tauraro_dict_##KP##_##VP##_move(                     \
        tauraro_dict_##KP##_##VP##_t *d, tauraro_move_t *m)                                         \
    {                                                                                               \
        void *r_;                                                                                   \
        if (tauraro_move_settled(m, d, &r_))                                                        \
            return (tauraro_dict_##KP##_##VP##_t *)r_;                                              \
        tauraro_dict_##KP##_##VP##_t *n = (tauraro_dict_##KP##_##VP##_t *)(                        \
            m->adopt ? tauraro_move_adopt(m, d) : tauraro_move_put(m, d, tauraro_dict_##KP##_##VP##_new())); \
        return (tauraro_dict_##KP##_##VP##_t *)tauraro_move_fill(m, tauraro_dict_##KP##_##VP##_fill_, d, n); \
    }                                                                                               \
                                                                                                    \
    /* d[k] = v; borrowed */                                                                        \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_set(tauraro_dict_##KP##_##VP##_t *d, KT k, VT v)   \
    {                                                                                               \
        uint64_t h = tauraro_##KP##_hash(k), slot;                                                  \
        int64_t ix = tauraro_dict_##KP##_##VP##_lookup_(d, k, h, &slot);                            \
        tauraro_##VP##_incref(v);                                                                   \
        if (ix >= 0) {                                                                              \
            VT old = d->entries[ix].value;                                                          \
            TAURARO_HOLD_MOVE_(&d->hdr, tauraro_##VP##_held, v);                                    \
            d->entries[ix].value = v;                                                               \
            TAURARO_UNHOLD_(&d->hdr, tauraro_##VP##_decref, old);                                   \
            return;                                                                                 \
        }                                                                                           \
        tauraro_##KP##_incref(k);                                                                   \
        tauraro_dict_##KP##_##VP##_insert_new_(d, h, k, v);                                         \
    }                                                                                               \
                                                                                                    \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_key_error_(KT k)                                   \
    {                                                                                               \
        tauraro_sb_t sb = TAURARO_SB_INIT;                                                          \
        tauraro_##KP##_repr_sb(&sb, k);                                                             \
        tauraro_raise_bytes(&tauraro_cls_KeyError, sb.data, (int64_t)sb.len);                       \
        tauraro_sb_free(&sb);                                                                       \
    }                                                                                               \
                                                                                                    \
    /* d.get(k) without exception: true and *out (borrowed) when present */                         \
    TAURARO_INLINE_U bool tauraro_dict_##KP##_##VP##_find(tauraro_dict_##KP##_##VP##_t *d, KT k,    \
                                                          VT *out)                                 \
    {                                                                                               \
        uint64_t slot;                                                                              \
        int64_t ix = tauraro_dict_##KP##_##VP##_lookup_(d, k, tauraro_##KP##_hash(k), &slot);       \
        if (ix < 0)                                                                                 \
            return false;                                                                           \
        *out = d->entries[ix].value;                                                                \
        return true;                                                                                \
    }                                                                                               \
                                                                                                    \
    /* d[k], borrowed; KeyError(repr(k)) */                                                         \
    TAURARO_FUNC VT tauraro_dict_##KP##_##VP##_get(tauraro_dict_##KP##_##VP##_t *d, KT k)           \
    {                                                                                               \
        VT v;                                                                                       \
        if (tauraro_dict_##KP##_##VP##_find(d, k, &v))                                              \
            return v;                                                                               \
        tauraro_dict_##KP##_##VP##_key_error_(k);                                                   \
        return tauraro_dict_##KP##_##VP##_zero_();                                                  \
    }                                                                                               \
                                                                                                    \
    /* d.get(k, dflt), borrowed (dflt returned as is) */                                            \
    TAURARO_FUNC VT tauraro_dict_##KP##_##VP##_get_default(tauraro_dict_##KP##_##VP##_t *d, KT k,   \
                                                           VT dflt)                                \
    {                                                                                               \
        VT v;                                                                                       \
        return tauraro_dict_##KP##_##VP##_find(d, k, &v) ? v : dflt;                                \
    }                                                                                               \
                                                                                                    \
    /* k in d */                                                                                    \
    TAURARO_FUNC bool tauraro_dict_##KP##_##VP##_contains(tauraro_dict_##KP##_##VP##_t *d, KT k)    \
    {                                                                                               \
        uint64_t slot;                                                                              \
        return tauraro_dict_##KP##_##VP##_lookup_(d, k, tauraro_##KP##_hash(k), &slot) >= 0;        \
    }                                                                                               \
                                                                                                    \
    /* removes entry ix (index slot `slot`), releasing the key; returns the                         \
     * value (owned) */                                                                             \
    TAURARO_FUNC VT tauraro_dict_##KP##_##VP##_take_(tauraro_dict_##KP##_##VP##_t *d, int64_t ix,   \
                                                     uint64_t slot)                                \
    {                                                                                               \
        tauraro_dict_##KP##_##VP##_entry_t *e = &d->entries[ix];                                    \
        KT k = e->key;                                                                              \
        VT v = e->value;                                                                            \
        e->live = false;                                                                            \
        memset(&e->key, 0, sizeof e->key);                                                          \
        memset(&e->value, 0, sizeof e->value);                                                      \
        d->index[slot] = TAURARO_DICT_DUMMY;                                                        \
        d->len--;                                                                                   \
        d->version++;                                                                               \
        TAURARO_UNHOLD_(&d->hdr, tauraro_##KP##_decref, k);                                         \
        if (d->hdr.strategy == TAURARO_ARENA) /* the arena keeps its reference */                  \
            tauraro_##VP##_incref(v);                                                               \
        return v;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* d.pop(k), owned; KeyError(repr(k)) */                                                        \
    TAURARO_FUNC VT tauraro_dict_##KP##_##VP##_pop(tauraro_dict_##KP##_##VP##_t *d, KT k)           \
    {                                                                                               \
        uint64_t slot;                                                                              \
        int64_t ix = tauraro_dict_##KP##_##VP##_lookup_(d, k, tauraro_##KP##_hash(k), &slot);       \
        if (ix < 0) {                                                                               \
            tauraro_dict_##KP##_##VP##_key_error_(k);                                               \
            return tauraro_dict_##KP##_##VP##_zero_();                                              \
        }                                                                                           \
        return tauraro_dict_##KP##_##VP##_take_(d, ix, slot);                                       \
    }                                                                                               \
                                                                                                    \
    /* d.pop(k, dflt), owned (dflt is incref'd when k is missing) */                                \
    TAURARO_FUNC VT tauraro_dict_##KP##_##VP##_pop_default(tauraro_dict_##KP##_##VP##_t *d, KT k,   \
                                                           VT dflt)                                \
    {                                                                                               \
        uint64_t slot;                                                                              \
        int64_t ix = tauraro_dict_##KP##_##VP##_lookup_(d, k, tauraro_##KP##_hash(k), &slot);       \
        if (ix < 0) {                                                                               \
            tauraro_##VP##_incref(dflt);                                                            \
            return dflt;                                                                            \
        }                                                                                           \
        return tauraro_dict_##KP##_##VP##_take_(d, ix, slot);                                       \
    }                                                                                               \
                                                                                                    \
    /* del d[k]; KeyError(repr(k)) */                                                               \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_del(tauraro_dict_##KP##_##VP##_t *d, KT k)         \
    {                                                                                               \
        uint64_t slot;                                                                              \
        int64_t ix = tauraro_dict_##KP##_##VP##_lookup_(d, k, tauraro_##KP##_hash(k), &slot);       \
        if (ix < 0) {                                                                               \
            tauraro_dict_##KP##_##VP##_key_error_(k);                                               \
            return;                                                                                 \
        }                                                                                           \
        tauraro_##VP##_decref(tauraro_dict_##KP##_##VP##_take_(d, ix, slot));                       \
    }                                                                                               \
                                                                                                    \
    /* d.setdefault(k, dflt): the value of k, inserting dflt first when k is                        \
     * missing; borrowed */                                                                         \
    TAURARO_FUNC VT tauraro_dict_##KP##_##VP##_setdefault(tauraro_dict_##KP##_##VP##_t *d, KT k,    \
                                                          VT dflt)                                 \
    {                                                                                               \
        uint64_t h = tauraro_##KP##_hash(k), slot;                                                  \
        int64_t ix = tauraro_dict_##KP##_##VP##_lookup_(d, k, h, &slot);                            \
        if (ix >= 0)                                                                                \
            return d->entries[ix].value;                                                            \
        tauraro_##KP##_incref(k);                                                                   \
        tauraro_##VP##_incref(dflt);                                                                \
        tauraro_dict_##KP##_##VP##_insert_new_(d, h, k, dflt);                                      \
        return dflt;                                                                                \
    }                                                                                               \
                                                                                                    \
    /* iteration: the entry number of the next live entry at or after *pos                         \
     * (advancing *pos past it), or -1 at the end */                                                \
    TAURARO_INLINE_U int64_t tauraro_dict_##KP##_##VP##_next(tauraro_dict_##KP##_##VP##_t *d,       \
                                                             int64_t *pos)                         \
    {                                                                                               \
        int64_t i = *pos;                                                                           \
        while (i < d->used && !d->entries[i].live)                                                  \
            i++;                                                                                    \
        if (i >= d->used) {                                                                         \
            *pos = i;                                                                               \
            return -1;                                                                              \
        }                                                                                           \
        *pos = i + 1;                                                                               \
        return i;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* d.update(other) */                                                                           \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_update(tauraro_dict_##KP##_##VP##_t *d,            \
                                                        tauraro_dict_##KP##_##VP##_t *other)       \
    {                                                                                               \
        if (d == other)                                                                             \
            return;                                                                                 \
        for (int64_t i = 0; i < other->used; i++)                                                   \
            if (other->entries[i].live)                                                             \
                tauraro_dict_##KP##_##VP##_set(d, other->entries[i].key, other->entries[i].value);  \
    }                                                                                               \
                                                                                                    \
    /* list(d) / d.keys(), in insertion order; owned */                                             \
    TAURARO_FUNC tauraro_list_##KP##_t *tauraro_dict_##KP##_##VP##_keys(tauraro_dict_##KP##_##VP##_t *d) \
    {                                                                                               \
        tauraro_list_##KP##_t *l = tauraro_list_##KP##_new(d->len);                                 \
        for (int64_t i = 0; i < d->used; i++)                                                       \
            if (d->entries[i].live)                                                                 \
                tauraro_list_##KP##_append(l, d->entries[i].key);                                   \
        return l;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* list(d.values()); owned */                                                                   \
    TAURARO_FUNC tauraro_list_##VP##_t *tauraro_dict_##KP##_##VP##_values(                          \
        tauraro_dict_##KP##_##VP##_t *d)                                                            \
    {                                                                                               \
        tauraro_list_##VP##_t *l = tauraro_list_##VP##_new(d->len);                                 \
        for (int64_t i = 0; i < d->used; i++)                                                       \
            if (d->entries[i].live)                                                                 \
                tauraro_list_##VP##_append(l, d->entries[i].value);                                 \
        return l;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* d.copy(); owned, compact */                                                                  \
    TAURARO_FUNC tauraro_dict_##KP##_##VP##_t *tauraro_dict_##KP##_##VP##_copy(                     \
        tauraro_dict_##KP##_##VP##_t *d)                                                            \
    {                                                                                               \
        tauraro_dict_##KP##_##VP##_t *r = tauraro_dict_##KP##_##VP##_new();                         \
        if (d->len == 0)                                                                            \
            return r;                                                                               \
        tauraro_dict_##KP##_##VP##_resize_(r, (d->len * 3 + 1) / 2);                                \
        for (int64_t i = 0; i < d->used; i++) {                                                     \
            tauraro_dict_##KP##_##VP##_entry_t *e = &d->entries[i];                                 \
            if (!e->live)                                                                           \
                continue;                                                                           \
            tauraro_##KP##_incref(e->key);                                                          \
            tauraro_##VP##_incref(e->value);                                                        \
            tauraro_dict_##KP##_##VP##_insert_new_(r, e->hash, e->key, e->value);                   \
        }                                                                                           \
        r->version = 0;                                                                             \
        return r;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* d.clear() */                                                                                 \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_clear(tauraro_dict_##KP##_##VP##_t *d)             \
    {                                                                                               \
        int64_t version = d->version;                                                               \
        tauraro_dict_##KP##_##VP##_dtor(d);                                                         \
        d->version = version + 1;                                                                   \
    }                                                                                               \
                                                                                                    \
    /* a == b: same keys, equal values, in any order */                                             \
    TAURARO_FUNC bool tauraro_dict_##KP##_##VP##_eq(tauraro_dict_##KP##_##VP##_t *a,                \
                                                    tauraro_dict_##KP##_##VP##_t *b)               \
    {                                                                                               \
        if (a == b)                                                                                 \
            return true;                                                                            \
        if (a->len != b->len)                                                                       \
            return false;                                                                           \
        for (int64_t i = 0; i < a->used; i++) {                                                     \
            tauraro_dict_##KP##_##VP##_entry_t *e = &a->entries[i];                                 \
            if (!e->live)                                                                           \
                continue;                                                                           \
            uint64_t slot;                                                                          \
            int64_t ix = tauraro_dict_##KP##_##VP##_lookup_(b, e->key, e->hash, &slot);             \
            if (ix < 0 || !tauraro_##VP##_eq(e->value, b->entries[ix].value))                       \
                return false;                                                                       \
        }                                                                                           \
        return true;                                                                                \
    }                                                                                               \
                                                                                                    \
    /* dicts have no order: TypeError, as Python */                                                 \
    TAURARO_FUNC bool tauraro_dict_##KP##_##VP##_lt(tauraro_dict_##KP##_##VP##_t *a,                \
                                                    tauraro_dict_##KP##_##VP##_t *b)               \
    {                                                                                               \
        (void)a;                                                                                    \
        (void)b;                                                                                    \
        tauraro_raise_msg(&tauraro_cls_TypeError,                                                   \
                          "'<' not supported between instances of 'dict' and 'dict'");             \
        return false;                                                                               \
    }                                                                                               \
                                                                                                    \
    /* append repr(d): "{'a': 1, 'b': 2}", "{}" */                                                  \
    TAURARO_FUNC void tauraro_dict_##KP##_##VP##_repr_sb(tauraro_sb_t *sb,                          \
                                                         tauraro_dict_##KP##_##VP##_t *d)          \
    {                                                                                               \
        tauraro_sb_putc(sb, '{');                                                                   \
        bool first = true;                                                                          \
        for (int64_t i = 0; i < d->used; i++) {                                                     \
            tauraro_dict_##KP##_##VP##_entry_t *e = &d->entries[i];                                 \
            if (!e->live)                                                                           \
                continue;                                                                           \
            if (!first)                                                                             \
                tauraro_sb_append(sb, ", ", 2);                                                     \
            first = false;                                                                          \
            tauraro_##KP##_repr_sb(sb, e->key);                                                     \
            tauraro_sb_append(sb, ": ", 2);                                                         \
            tauraro_##VP##_repr_sb(sb, e->value);                                                   \
        }                                                                                           \
        tauraro_sb_putc(sb, '}');                                                                   \
    }                                                                                               \
                                                                                                    \
    /* str(d) == repr(d); owned */                                                                  \
    TAURARO_FUNC tauraro_str_t *tauraro_dict_##KP##_##VP##_str(tauraro_dict_##KP##_##VP##_t *d)     \
    {                                                                                               \
        tauraro_sb_t sb = TAURARO_SB_INIT;                                                          \
        tauraro_dict_##KP##_##VP##_repr_sb(&sb, d);                                                 \
        return tauraro_sb_to_str(&sb);                                                              \
    }                                                                                               \
    typedef int tauraro_dict_##KP##_##VP##_defined_ /* swallows the semicolon after the macro */

/* ---- pre-instantiated dicts (their key and value lists are in list.h) ------------------- */

TAURARO_DICT_DEFINE(str, tauraro_str_t *, int, int64_t);
TAURARO_DICT_DEFINE(str, tauraro_str_t *, str, tauraro_str_t *);
TAURARO_DICT_DEFINE(str, tauraro_str_t *, float, double);
TAURARO_DICT_DEFINE(str, tauraro_str_t *, bool, bool);
TAURARO_DICT_DEFINE(int, int64_t, int, int64_t);
TAURARO_DICT_DEFINE(int, int64_t, str, tauraro_str_t *);
TAURARO_DICT_DEFINE(int, int64_t, float, double);
TAURARO_DICT_DEFINE(int, int64_t, bool, bool);

#endif /* TAURARO_DICT_H */
