/* tauraro/list.h - Python lists specialised per element type.
 *
 *     TAURARO_LIST_DEFINE(P, T)
 *
 * defines tauraro_list_P_t (a counted object: header, len, cap, items) and the
 * functions tauraro_list_P_*, for elements of C type T whose operations are
 * tauraro_P_incref/decref/eq/lt/repr_sb (see elem.h). It also defines those
 * operations for the list type itself, so the list is an element kind with
 * prefix list_P:
 *
 *     TAURARO_LIST_DEFINE(int, int64_t)                        // list[int]
 *     TAURARO_LIST_DEFINE(list_int, tauraro_list_int_t *)      // list[list[int]]
 *
 * list[int], list[float], list[bool] and list[str] are instantiated below; the
 * compiler instantiates composite element types itself (after the element
 * kind's operations are declared).
 *
 * Conventions: arguments are borrowed; "owned" results belong to the caller;
 * get/min/max return borrowed elements. Raising functions set the pending
 * exception and return a zero value (NULL for lists). The items buffer is
 * allocated like its list (buf.h): heap for counted and manual lists, the
 * current arena for arena lists.
 */
#ifndef TAURARO_LIST_H
#define TAURARO_LIST_H

#include "mem.h"
#include "exc.h"
#include "str.h"
#include "format.h"
#include "num.h"
#include "buf.h"
#include "elem.h"
#include "move.h"

/* Runs sorted by insertion before merging. */
#define TAURARO_LIST_SORT_RUN 16

#define TAURARO_LIST_DEFINE(P, T)                                                                   \
    typedef struct tauraro_list_##P {                                                               \
        tauraro_obj_t hdr;                                                                          \
        int64_t len, cap;                                                                           \
        T *items;                                                                                   \
    } tauraro_list_##P##_t;                                                                         \
                                                                                                    \
    /* the value raising functions return */                                                        \
    TAURARO_INLINE_U T tauraro_list_##P##_zero_(void)                                               \
    {                                                                                               \
        T z;                                                                                        \
        memset(&z, 0, sizeof z);                                                                    \
        return z;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* releases what the list owns (its elements and buffer), not the list */                       \
    TAURARO_FUNC void tauraro_list_##P##_dtor(void *obj)                                            \
    {                                                                                               \
        tauraro_list_##P##_t *l = (tauraro_list_##P##_t *)obj;                                      \
        for (int64_t i = l->len - 1; i >= 0; i--)                                                   \
            TAURARO_UNHOLD_(&l->hdr, tauraro_##P##_decref, l->items[i]);                            \
        tauraro_buf_free(&l->hdr, l->items);                                                        \
        l->items = NULL;                                                                            \
        l->len = l->cap = 0;                                                                        \
    }                                                                                               \
                                                                                                    \
    TAURARO_INLINE_U void tauraro_list_##P##_incref(tauraro_list_##P##_t *l)                        \
    {                                                                                               \
        tauraro_incref(l);                                                                          \
    }                                                                                               \
                                                                                                    \
    TAURARO_INLINE_U void tauraro_list_##P##_decref(tauraro_list_##P##_t *l)                        \
    {                                                                                               \
        tauraro_decref(l, tauraro_list_##P##_dtor);                                                 \
    }                                                                                               \
    TAURARO_FUNC void tauraro_list_##P##_release_(void *l)                                          \
    {                                                                                               \
        tauraro_decref(l, tauraro_list_##P##_dtor);                                                 \
    }                                                                                               \
    /* an arena container (owner) keeps l: see TAURARO_HOLD_ */                                    \
    TAURARO_INLINE_U void tauraro_list_##P##_held(const tauraro_obj_t *owner,                       \
                                                  tauraro_list_##P##_t *l)                          \
    {                                                                                               \
        tauraro_arena_hold(owner, l, tauraro_list_##P##_release_);                                  \
    }                                                                                               \
                                                                                                    \
    /* room for at least `need` items (grows by 1.5x, at least 4) */                                \
    TAURARO_FUNC void tauraro_list_##P##_reserve(tauraro_list_##P##_t *l, int64_t need)             \
    {                                                                                               \
        if (need <= l->cap)                                                                         \
            return;                                                                                 \
        int64_t cap = l->cap < 4 ? 4 : l->cap + l->cap / 2;                                         \
        if (cap < need)                                                                             \
            cap = need;                                                                             \
        size_t bytes = tauraro_size_mul((size_t)cap, sizeof(T));                                    \
        l->items = (T *)tauraro_buf_realloc(&l->hdr, l->items, (size_t)l->len * sizeof(T), bytes);  \
        l->cap = cap;                                                                               \
    }                                                                                               \
                                                                                                    \
    /* an empty list in fresh object memory, room for cap items */                                  \
    TAURARO_INLINE_U tauraro_list_##P##_t *tauraro_list_##P##_init_(void *mem, int64_t cap)         \
    {                                                                                               \
        tauraro_list_##P##_t *l = (tauraro_list_##P##_t *)mem;                                      \
        l->len = 0;                                                                                 \
        l->cap = 0;                                                                                 \
        l->items = NULL;                                                                            \
        if (cap > 0)                                                                                \
            tauraro_list_##P##_reserve(l, cap);                                                     \
        return l;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* [] with room for cap items; owned */                                                         \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_new(int64_t cap)                          \
    {                                                                                               \
        return tauraro_list_##P##_init_(                                                            \
            tauraro_obj_new(sizeof(tauraro_list_##P##_t), TAURARO_TAG_LIST), cap);                  \
    }                                                                                               \
                                                                                                    \
    /* [] owned by the program (manual strategy): released with                                     \
     * tauraro_obj_free(l, tauraro_list_P_dtor); counting is a no-op on it */                       \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_new_manual(int64_t cap)                   \
    {                                                                                               \
        return tauraro_list_##P##_init_(                                                            \
            tauraro_alloc_manual(sizeof(tauraro_list_##P##_t), TAURARO_TAG_LIST), cap);             \
    }                                                                                               \
                                                                                                    \
    /* [items[0], ..., items[n-1]]: items borrowed; owned */                                        \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_from(int64_t n, T const *items)           \
    {                                                                                               \
        tauraro_list_##P##_t *l = tauraro_list_##P##_new(n);                                        \
        for (int64_t i = 0; i < n; i++) {                                                           \
            TAURARO_HOLD_(&l->hdr, tauraro_##P##_incref, tauraro_##P##_held, items[i]);             \
            l->items[i] = items[i];                                                                 \
        }                                                                                           \
        l->len = n > 0 ? n : 0;                                                                     \
        return l;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* like from, but the references to items are stolen */                                         \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_from_move(int64_t n, T const *items)      \
    {                                                                                               \
        tauraro_list_##P##_t *l = tauraro_list_##P##_new(n);                                        \
        for (int64_t i = 0; i < n; i++) {                                                           \
            TAURARO_HOLD_MOVE_(&l->hdr, tauraro_##P##_held, items[i]);                              \
            l->items[i] = items[i];                                                                 \
        }                                                                                           \
        l->len = n > 0 ? n : 0;                                                                     \
        return l;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* l.append(v), v stolen */                                                                     \
    TAURARO_INLINE_U void tauraro_list_##P##_append_move(tauraro_list_##P##_t *l, T v)              \
    {                                                                                               \
        if (TAURARO_UNLIKELY(l->len == l->cap))                                                     \
            tauraro_list_##P##_reserve(l, l->len + 1);                                              \
        TAURARO_HOLD_MOVE_(&l->hdr, tauraro_##P##_held, v);                                         \
        l->items[l->len++] = v;                                                                     \
    }                                                                                               \
                                                                                                    \
    /* l.append(v), v borrowed */                                                                   \
    TAURARO_INLINE_U void tauraro_list_##P##_append(tauraro_list_##P##_t *l, T v)                   \
    {                                                                                               \
        tauraro_##P##_incref(v);                                                                    \
        tauraro_list_##P##_append_move(l, v);                                                       \
    }                                                                                               \
                                                                                                    \
    /* l[i], borrowed */                                                                            \
    TAURARO_INLINE_U T tauraro_list_##P##_get(tauraro_list_##P##_t *l, int64_t i)                   \
    {                                                                                               \
        if (i < 0)                                                                                  \
            i += l->len;                                                                            \
        if (TAURARO_UNLIKELY(i < 0 || i >= l->len)) {                                               \
            tauraro_raise_msg(&tauraro_cls_IndexError, "list index out of range");                 \
            return tauraro_list_##P##_zero_();                                                      \
        }                                                                                           \
        return l->items[i];                                                                         \
    }                                                                                               \
                                                                                                    \
    /* l[i] = v, v stolen (released when the index is bad) */                                      \
    TAURARO_INLINE_U void tauraro_list_##P##_set_move(tauraro_list_##P##_t *l, int64_t i, T v)      \
    {                                                                                               \
        if (i < 0)                                                                                  \
            i += l->len;                                                                            \
        if (TAURARO_UNLIKELY(i < 0 || i >= l->len)) {                                               \
            tauraro_##P##_decref(v);                                                                \
            tauraro_raise_msg(&tauraro_cls_IndexError, "list assignment index out of range");      \
            return;                                                                                 \
        }                                                                                           \
        T old = l->items[i];                                                                        \
        TAURARO_HOLD_MOVE_(&l->hdr, tauraro_##P##_held, v);                                         \
        l->items[i] = v;                                                                            \
        TAURARO_UNHOLD_(&l->hdr, tauraro_##P##_decref, old);                                        \
    }                                                                                               \
                                                                                                    \
    /* l[i] = v, v borrowed */                                                                      \
    TAURARO_INLINE_U void tauraro_list_##P##_set(tauraro_list_##P##_t *l, int64_t i, T v)           \
    {                                                                                               \
        tauraro_##P##_incref(v);                                                                    \
        tauraro_list_##P##_set_move(l, i, v);                                                       \
    }                                                                                               \
                                                                                                    \
    /* l.pop(i) (the compiler passes -1 for pop()); owned */                                        \
    TAURARO_FUNC T tauraro_list_##P##_pop(tauraro_list_##P##_t *l, int64_t i)                       \
    {                                                                                               \
        if (l->len == 0) {                                                                          \
            tauraro_raise_msg(&tauraro_cls_IndexError, "pop from empty list");                      \
            return tauraro_list_##P##_zero_();                                                      \
        }                                                                                           \
        if (i < 0)                                                                                  \
            i += l->len;                                                                            \
        if (i < 0 || i >= l->len) {                                                                 \
            tauraro_raise_msg(&tauraro_cls_IndexError, "pop index out of range");                   \
            return tauraro_list_##P##_zero_();                                                      \
        }                                                                                           \
        T v = l->items[i];                                                                          \
        memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(T));             \
        l->len--;                                                                                   \
        if (l->hdr.strategy == TAURARO_ARENA) /* the arena keeps its reference */                  \
            tauraro_##P##_incref(v);                                                                \
        return v;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* l.insert(i, v), v borrowed; i clamped like Python */                                         \
    TAURARO_FUNC void tauraro_list_##P##_insert(tauraro_list_##P##_t *l, int64_t i, T v)            \
    {                                                                                               \
        if (i < 0) {                                                                                \
            i += l->len;                                                                            \
            if (i < 0)                                                                              \
                i = 0;                                                                              \
        } else if (i > l->len) {                                                                    \
            i = l->len;                                                                             \
        }                                                                                           \
        tauraro_list_##P##_reserve(l, l->len + 1);                                                  \
        memmove(l->items + i + 1, l->items + i, (size_t)(l->len - i) * sizeof(T));                  \
        TAURARO_HOLD_(&l->hdr, tauraro_##P##_incref, tauraro_##P##_held, v);                        \
        l->items[i] = v;                                                                            \
        l->len++;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* l.extend(other) / l += other; other may be l */                                              \
    TAURARO_FUNC void tauraro_list_##P##_extend(tauraro_list_##P##_t *l, tauraro_list_##P##_t *other) \
    {                                                                                               \
        int64_t n = other->len;                                                                     \
        if (n == 0)                                                                                 \
            return;                                                                                 \
        tauraro_list_##P##_reserve(l, l->len + n);                                                  \
        T *src = other->items; /* read after reserve: other may be l */                             \
        for (int64_t k = 0; k < n; k++) {                                                           \
            TAURARO_HOLD_(&l->hdr, tauraro_##P##_incref, tauraro_##P##_held, src[k]);               \
            l->items[l->len + k] = src[k];                                                          \
        }                                                                                           \
        l->len += n;                                                                                \
    }                                                                                               \
                                                                                                    \
    /* index of the first element equal to v, or -1 */                                              \
    TAURARO_FUNC int64_t tauraro_list_##P##_find_(tauraro_list_##P##_t *l, T v)                     \
    {                                                                                               \
        for (int64_t i = 0; i < l->len; i++)                                                        \
            if (tauraro_##P##_eq(l->items[i], v))                                                   \
                return i;                                                                           \
        return -1;                                                                                  \
    }                                                                                               \
                                                                                                    \
    /* v in l */                                                                                    \
    TAURARO_FUNC bool tauraro_list_##P##_contains(tauraro_list_##P##_t *l, T v)                     \
    {                                                                                               \
        return tauraro_list_##P##_find_(l, v) >= 0;                                                 \
    }                                                                                               \
                                                                                                    \
    /* del l[i] */                                                                                  \
    TAURARO_FUNC void tauraro_list_##P##_del(tauraro_list_##P##_t *l, int64_t i)                    \
    {                                                                                               \
        if (i < 0)                                                                                  \
            i += l->len;                                                                            \
        if (i < 0 || i >= l->len) {                                                                 \
            tauraro_raise_msg(&tauraro_cls_IndexError, "list assignment index out of range");      \
            return;                                                                                 \
        }                                                                                           \
        T v = l->items[i];                                                                          \
        memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(T));             \
        l->len--;                                                                                   \
        TAURARO_UNHOLD_(&l->hdr, tauraro_##P##_decref, v);                                          \
    }                                                                                               \
                                                                                                    \
    /* l.remove(v) */                                                                               \
    TAURARO_FUNC void tauraro_list_##P##_remove(tauraro_list_##P##_t *l, T v)                       \
    {                                                                                               \
        int64_t i = tauraro_list_##P##_find_(l, v);                                                 \
        if (i < 0) {                                                                                \
            tauraro_raise_msg(&tauraro_cls_ValueError, "list.remove(x): x not in list");            \
            return;                                                                                 \
        }                                                                                           \
        tauraro_list_##P##_del(l, i);                                                               \
    }                                                                                               \
                                                                                                    \
    /* l.index(v) */                                                                                \
    TAURARO_FUNC int64_t tauraro_list_##P##_index(tauraro_list_##P##_t *l, T v)                     \
    {                                                                                               \
        int64_t i = tauraro_list_##P##_find_(l, v);                                                 \
        if (i < 0) {                                                                                \
            tauraro_sb_t sb = TAURARO_SB_INIT;                                                      \
            tauraro_##P##_repr_sb(&sb, v);                                                          \
            tauraro_sb_append_cstr(&sb, " is not in list");                                         \
            tauraro_raise_bytes(&tauraro_cls_ValueError, sb.data, (int64_t)sb.len);                 \
            tauraro_sb_free(&sb);                                                                   \
            return 0;                                                                               \
        }                                                                                           \
        return i;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* l.count(v) */                                                                                \
    TAURARO_FUNC int64_t tauraro_list_##P##_count(tauraro_list_##P##_t *l, T v)                     \
    {                                                                                               \
        int64_t n = 0;                                                                              \
        for (int64_t i = 0; i < l->len; i++)                                                        \
            n += tauraro_##P##_eq(l->items[i], v);                                                  \
        return n;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* l.reverse() */                                                                               \
    TAURARO_FUNC void tauraro_list_##P##_reverse(tauraro_list_##P##_t *l)                           \
    {                                                                                               \
        for (int64_t i = 0, j = l->len - 1; i < j; i++, j--) {                                      \
            T t = l->items[i];                                                                      \
            l->items[i] = l->items[j];                                                              \
            l->items[j] = t;                                                                        \
        }                                                                                           \
    }                                                                                               \
                                                                                                    \
    /* stable merge sort of a[0..n) with tmp[0..n) as scratch: insertion-sorted                     \
     * runs, then bottom-up merges; stops after the current pass when a                             \
     * comparison raised (a stays a permutation of its elements, as in Python) */                   \
    TAURARO_FUNC void tauraro_list_##P##_msort_(T *a, T *tmp, int64_t n)                            \
    {                                                                                               \
        for (int64_t lo = 0; lo < n; lo += TAURARO_LIST_SORT_RUN) {                                 \
            int64_t hi = lo + TAURARO_LIST_SORT_RUN < n ? lo + TAURARO_LIST_SORT_RUN : n;           \
            for (int64_t i = lo + 1; i < hi; i++) {                                                 \
                T x = a[i];                                                                         \
                int64_t j = i;                                                                      \
                while (j > lo && tauraro_##P##_lt(x, a[j - 1])) {                                   \
                    a[j] = a[j - 1];                                                                \
                    j--;                                                                            \
                }                                                                                   \
                a[j] = x;                                                                           \
            }                                                                                       \
            if (TAURARO_EXC_PENDING())                                                              \
                return;                                                                             \
        }                                                                                           \
        T *src = a;  T *dst = tmp;                                                                   \
        for (int64_t w = TAURARO_LIST_SORT_RUN; w < n; w *= 2) {                                    \
            for (int64_t lo = 0; lo < n; lo += 2 * w) {                                             \
                int64_t mid = lo + w < n ? lo + w : n;                                              \
                int64_t hi = mid + w < n ? mid + w : n;                                             \
                if (mid >= hi || !tauraro_##P##_lt(src[mid], src[mid - 1])) {                       \
                    memcpy(dst + lo, src + lo, (size_t)(hi - lo) * sizeof(T));                      \
                    continue;                                                                       \
                }                                                                                   \
                int64_t i = lo, j = mid, k = lo;                                                    \
                while (i < mid && j < hi)                                                           \
                    dst[k++] = tauraro_##P##_lt(src[j], src[i]) ? src[j++] : src[i++];              \
                while (i < mid)                                                                     \
                    dst[k++] = src[i++];                                                            \
                while (j < hi)                                                                      \
                    dst[k++] = src[j++];                                                            \
            }                                                                                       \
            T *t = src;                                                                             \
            src = dst;                                                                              \
            dst = t;                                                                                \
            if (TAURARO_EXC_PENDING())                                                              \
                break;                                                                              \
        }                                                                                           \
        if (src != a)                                                                               \
            memcpy(a, src, (size_t)n * sizeof(T));                                                  \
    }                                                                                               \
                                                                                                    \
    /* l.sort(reverse=...): stable; reverse keeps equal elements in their                           \
     * original order, as CPython (reverse, stable sort, reverse) */                                \
    TAURARO_FUNC void tauraro_list_##P##_sort(tauraro_list_##P##_t *l, bool reverse)                \
    {                                                                                               \
        int64_t n = l->len;                                                                         \
        if (n < 2)                                                                                  \
            return;                                                                                 \
        if (reverse)                                                                                \
            tauraro_list_##P##_reverse(l);                                                          \
        T *tmp = n > TAURARO_LIST_SORT_RUN                                                          \
                     ? (T *)tauraro_alloc(tauraro_size_mul((size_t)n, sizeof(T)))                   \
                     : NULL;                                                                        \
        tauraro_list_##P##_msort_(l->items, tmp, n);                                                \
        free(tmp);                                                                                  \
        if (reverse)                                                                                \
            tauraro_list_##P##_reverse(l);                                                          \
    }                                                                                               \
                                                                                                    \
    /* l.copy() / l[:]; owned */                                                                    \
    /* moving (move.h): the items of a list and of its replacement */                              \
    TAURARO_FUNC void tauraro_list_##P##_fill_(void *old, void *new_, tauraro_move_t *m)            \
    {                                                                                               \
        tauraro_list_##P##_t *l = (tauraro_list_##P##_t *)old, *n = (tauraro_list_##P##_t *)new_;  \
        for (int64_t i = 0; i < l->len; i++) {                                                      \
            n->items[i] = tauraro_##P##_move(l->items[i], m);                                       \
            TAURARO_HOLD_MOVE_(&n->hdr, tauraro_##P##_held, n->items[i]);                           \
        }                                                                                           \
        n->len = l->len;                                                                            \
    }                                                                                               \
                                                                                                    \
    /* moved out of its arena or adopted (move.h); a new reference */                               \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_move(tauraro_list_##P##_t *l,               \
                                                               tauraro_move_t *m)                   \
    {                                                                                               \
        void *r_;                                                                                   \
        if (tauraro_move_settled(m, l, &r_))                                                        \
            return (tauraro_list_##P##_t *)r_;                                                      \
        tauraro_list_##P##_t *n =                                                                   \
            (tauraro_list_##P##_t *)(m->adopt ? tauraro_move_adopt(m, l)                            \
                                               : tauraro_move_put(m, l, tauraro_list_##P##_new(l->len))); \
        return (tauraro_list_##P##_t *)tauraro_move_fill(m, tauraro_list_##P##_fill_, l, n);       \
    }                                                                                               \
                                                                                                    \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_copy(tauraro_list_##P##_t *l)             \
    {                                                                                               \
        return tauraro_list_##P##_from(l->len, l->items);                                           \
    }                                                                                               \
                                                                                                    \
    /* l.clear() */                                                                                 \
    TAURARO_FUNC void tauraro_list_##P##_clear(tauraro_list_##P##_t *l)                             \
    {                                                                                               \
        T *items = l->items;                                                                        \
        int64_t n = l->len;                                                                         \
        l->items = NULL;                                                                            \
        l->len = l->cap = 0;                                                                        \
        for (int64_t i = n - 1; i >= 0; i--) /* last to first, as CPython */                        \
            TAURARO_UNHOLD_(&l->hdr, tauraro_##P##_decref, items[i]);                               \
        tauraro_buf_free(&l->hdr, items);                                                           \
    }                                                                                               \
                                                                                                    \
    /* a + b; owned */                                                                              \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_concat(tauraro_list_##P##_t *a,          \
                                                                 tauraro_list_##P##_t *b)          \
    {                                                                                               \
        tauraro_list_##P##_t *r = tauraro_list_##P##_new(a->len + b->len);                          \
        tauraro_list_##P##_extend(r, a);                                                            \
        tauraro_list_##P##_extend(r, b);                                                            \
        return r;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* l * n (n <= 0: []); owned */                                                                 \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_repeat(tauraro_list_##P##_t *l, int64_t n) \
    {                                                                                               \
        if (n <= 0 || l->len == 0)                                                                  \
            return tauraro_list_##P##_new(0);                                                       \
        size_t total = tauraro_size_mul((size_t)l->len, (size_t)n);                                 \
        if (total > (size_t)INT64_MAX / sizeof(T))                                                  \
            tauraro_out_of_memory();                                                                \
        tauraro_list_##P##_t *r = tauraro_list_##P##_new((int64_t)total);                           \
        for (int64_t k = 0; k < n; k++)                                                             \
            tauraro_list_##P##_extend(r, l);                                                        \
        return r;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* a == b */                                                                                    \
    TAURARO_FUNC bool tauraro_list_##P##_eq(tauraro_list_##P##_t *a, tauraro_list_##P##_t *b)       \
    {                                                                                               \
        if (a == b)                                                                                 \
            return true;                                                                            \
        if (a->len != b->len)                                                                       \
            return false;                                                                           \
        for (int64_t i = 0; i < a->len; i++)                                                        \
            if (!tauraro_##P##_eq(a->items[i], b->items[i]))                                        \
                return false;                                                                       \
        return true;                                                                                \
    }                                                                                               \
                                                                                                    \
    /* a < b: lexicographic, like Python */                                                         \
    TAURARO_FUNC bool tauraro_list_##P##_lt(tauraro_list_##P##_t *a, tauraro_list_##P##_t *b)       \
    {                                                                                               \
        int64_t n = a->len < b->len ? a->len : b->len;                                              \
        for (int64_t i = 0; i < n; i++)                                                             \
            if (!tauraro_##P##_eq(a->items[i], b->items[i]))                                        \
                return tauraro_##P##_lt(a->items[i], b->items[i]);                                  \
        return a->len < b->len;                                                                     \
    }                                                                                               \
                                                                                                    \
    /* l[lo:hi:step], TAURARO_NOIDX for omitted parts; owned (NULL: step 0) */                      \
    TAURARO_FUNC tauraro_list_##P##_t *tauraro_list_##P##_slice(tauraro_list_##P##_t *l, int64_t lo, \
                                                                int64_t hi, int64_t step)          \
    {                                                                                               \
        int64_t n = tauraro_slice_indices(l->len, &lo, &hi, &step);                                 \
        if (n < 0)                                                                                  \
            return NULL;                                                                            \
        tauraro_list_##P##_t *r = tauraro_list_##P##_new(n);                                        \
        for (int64_t k = 0; k < n; k++) {                                                           \
            T v = l->items[lo + k * step];                                                          \
            TAURARO_HOLD_(&r->hdr, tauraro_##P##_incref, tauraro_##P##_held, v);                    \
            r->items[k] = v;                                                                        \
        }                                                                                           \
        r->len = n;                                                                                 \
        return r;                                                                                   \
    }                                                                                               \
                                                                                                    \
    /* min(l) / max(l): borrowed; the first of equal elements wins */                               \
    TAURARO_FUNC T tauraro_list_##P##_extreme_(tauraro_list_##P##_t *l, bool max)                   \
    {                                                                                               \
        if (l->len == 0) {                                                                          \
            tauraro_raise_msg(&tauraro_cls_ValueError, "%s() arg is an empty sequence",             \
                              max ? "max" : "min");                                                 \
            return tauraro_list_##P##_zero_();                                                      \
        }                                                                                           \
        T best = l->items[0];                                                                       \
        for (int64_t i = 1; i < l->len; i++)                                                        \
            if (max ? tauraro_##P##_lt(best, l->items[i]) : tauraro_##P##_lt(l->items[i], best))    \
                best = l->items[i];                                                                 \
        return best;                                                                                \
    }                                                                                               \
                                                                                                    \
    TAURARO_INLINE_U T tauraro_list_##P##_min(tauraro_list_##P##_t *l)                              \
    {                                                                                               \
        return tauraro_list_##P##_extreme_(l, false);                                               \
    }                                                                                               \
                                                                                                    \
    TAURARO_INLINE_U T tauraro_list_##P##_max(tauraro_list_##P##_t *l)                              \
    {                                                                                               \
        return tauraro_list_##P##_extreme_(l, true);                                                \
    }                                                                                               \
                                                                                                    \
    /* append repr(l): "[1, 2]", "['a']", "[]" */                                                   \
    TAURARO_FUNC void tauraro_list_##P##_repr_sb(tauraro_sb_t *sb, tauraro_list_##P##_t *l)         \
    {                                                                                               \
        tauraro_sb_putc(sb, '[');                                                                   \
        for (int64_t i = 0; i < l->len; i++) {                                                      \
            if (i > 0)                                                                              \
                tauraro_sb_append(sb, ", ", 2);                                                     \
            tauraro_##P##_repr_sb(sb, l->items[i]);                                                 \
        }                                                                                           \
        tauraro_sb_putc(sb, ']');                                                                   \
    }                                                                                               \
                                                                                                    \
    /* str(l) == repr(l); owned */                                                                  \
    TAURARO_FUNC tauraro_str_t *tauraro_list_##P##_str(tauraro_list_##P##_t *l)                     \
    {                                                                                               \
        tauraro_sb_t sb = TAURARO_SB_INIT;                                                          \
        tauraro_list_##P##_repr_sb(&sb, l);                                                         \
        return tauraro_sb_to_str(&sb);                                                              \
    }                                                                                               \
    typedef int tauraro_list_##P##_defined_ /* swallows the semicolon after the macro */

/* ---- the scalar and str lists ---------------------------------------------------------- */

TAURARO_LIST_DEFINE(int, int64_t);
TAURARO_LIST_DEFINE(float, double);
TAURARO_LIST_DEFINE(bool, bool);
TAURARO_LIST_DEFINE(str, tauraro_str_t *);

/* sum(l) of a list[int]: OverflowError("integer overflow") past int64. */
TAURARO_FUNC int64_t tauraro_list_int_sum(tauraro_list_int_t *l)
{
    int64_t s = 0;
    for (int64_t i = 0; i < l->len; i++) {
        if (TAURARO_UNLIKELY(__builtin_add_overflow(s, l->items[i], &s))) {
            tauraro_int_overflow();
            return 0;
        }
    }
    return s;
}

/* sum(l) of a list[float]: left-to-right additions from 0, as CPython 3.11. */
TAURARO_FUNC double tauraro_list_float_sum(tauraro_list_float_t *l)
{
    double s = 0.0;
    for (int64_t i = 0; i < l->len; i++)
        s += l->items[i];
    return s;
}

/* sep.join(l); owned */
TAURARO_FUNC tauraro_str_t *tauraro_list_str_join(tauraro_str_t *sep, tauraro_list_str_t *l)
{
    int64_t n = l->len;
    if (n == 0)
        return &tauraro_str_empty;
    int64_t len = 0, nchars = 0;
    for (int64_t i = 0; i < n; i++) {
        TAURARO_DBG_USE(l->items[i]);
        if (__builtin_add_overflow(len, l->items[i]->len, &len))
            tauraro_out_of_memory();
        nchars += l->items[i]->nchars;
    }
    int64_t seps;
    if (__builtin_mul_overflow(sep->len, n - 1, &seps) || __builtin_add_overflow(len, seps, &len))
        tauraro_out_of_memory();
    nchars += sep->nchars * (n - 1);
    if (len == 0)
        return &tauraro_str_empty;
    tauraro_str_t *r = tauraro_str_alloc(len);
    char *d = tauraro_str_wdata(r);
    for (int64_t i = 0; i < n; i++) {
        if (i > 0 && sep->len > 0) {
            memcpy(d, sep->data, (size_t)sep->len);
            d += sep->len;
        }
        memcpy(d, l->items[i]->data, (size_t)l->items[i]->len);
        d += l->items[i]->len;
    }
    r->nchars = nchars;
    return r;
}

#endif /* TAURARO_LIST_H */
