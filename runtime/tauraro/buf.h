/* tauraro/buf.h - the growable buffers that containers own (list items, dict
 * entries and index), allocated the way their owner object is.
 *
 *   owner AUTO / MANUAL / STATIC:  malloc / realloc / free; AUTO and MANUAL
 *                                  buffers count in tauraro_stats (auto_bytes,
 *                                  manual_bytes), like the objects themselves.
 *   owner ARENA:                   from the owner's own arena (its header names
 *                                  it), whichever arena is current. Growing
 *                                  allocates a new block and copies (the old one
 *                                  is abandoned to the arena); free is a no-op.
 */
#ifndef TAURARO_BUF_H
#define TAURARO_BUF_H

#include "mem.h"

/* A new buffer of `bytes` bytes (uninitialised) for `owner`. */
TAURARO_FUNC void *tauraro_buf_alloc(tauraro_obj_t *owner, size_t bytes)
{
    if (owner->strategy == TAURARO_ARENA)
        return tauraro_arena_alloc(tauraro_arena_of(owner), bytes ? bytes : 1);
    void *p = tauraro_alloc(bytes);
    if (owner->strategy == TAURARO_AUTO)
        tauraro_stats.auto_bytes += (int64_t)tauraro_heap_size(p);
    else if (owner->strategy == TAURARO_MANUAL)
        tauraro_stats.manual_bytes += (int64_t)tauraro_heap_size(p);
    return p;
}

/* Resize p (old_bytes long; NULL allowed) to new_bytes, keeping the first
 * min(old_bytes, new_bytes) bytes. */
TAURARO_FUNC __attribute__((noinline)) void *tauraro_buf_realloc(tauraro_obj_t *owner, void *p,
                                                                 size_t old_bytes, size_t new_bytes)
{
    if (p == NULL)
        return tauraro_buf_alloc(owner, new_bytes);
    if (owner->strategy == TAURARO_ARENA) {
        void *q = tauraro_buf_alloc(owner, new_bytes);
        memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
        return q;
    }
    int64_t *stat = owner->strategy == TAURARO_AUTO     ? &tauraro_stats.auto_bytes
                    : owner->strategy == TAURARO_MANUAL ? &tauraro_stats.manual_bytes
                                                        : NULL;
    if (stat)
        *stat -= (int64_t)tauraro_heap_size(p);
    void *q = tauraro_realloc(p, new_bytes);
    if (stat)
        *stat += (int64_t)tauraro_heap_size(q);
    return q;
}

/* Release a buffer of owner (NULL ok; no-op for arena owners). */
TAURARO_FUNC __attribute__((noinline)) void tauraro_buf_free(tauraro_obj_t *owner, void *p)
{
    if (p == NULL || owner->strategy == TAURARO_ARENA)
        return;
    if (owner->strategy == TAURARO_AUTO)
        tauraro_stats.auto_bytes -= (int64_t)tauraro_heap_size(p);
    else if (owner->strategy == TAURARO_MANUAL)
        tauraro_stats.manual_bytes -= (int64_t)tauraro_heap_size(p);
    free(p);
}

#endif /* TAURARO_BUF_H */
