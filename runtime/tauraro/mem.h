/* tauraro/mem.h - object header and allocators of the Tauraro runtime.
 *
 * Header-only; every function is `static` (unused ones cost nothing). Usable
 * on its own:
 *
 *     #include "tauraro/mem.h"
 *     typedef struct { tauraro_obj_t hdr; double x, y; } point_t;
 *     point_t *p = tauraro_obj_new(sizeof *p, TAURARO_TAG_INSTANCE);
 *     tauraro_incref(p);
 *     tauraro_decref(p, NULL);
 *     tauraro_decref(p, NULL);      // count reaches 0: freed
 *
 * Every heap object starts with an 8-byte tauraro_obj_t: the reference count,
 * the strategy that owns the memory (AUTO, MANUAL, ARENA, STATIC) and a kind
 * tag. The header lives in the same allocation as the object (one malloc per
 * object). Only a count reaching 0 on an AUTO object frees it; arena and
 * static objects are not counted at all, so they can be stored anywhere.
 *
 * The bump arena allocates from its current block; a request that does not
 * fit opens a new block (or, when large, gets a dedicated block of its own
 * while the current block stays current). See docs/runtime.md.
 */
#ifndef TAURARO_MEM_H
#define TAURARO_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* ---- conventions shared by all runtime headers ---------------------------- */

/* Small hot functions. */
#define TAURARO_INLINE static inline
/* Everything else: one copy per program, no warning when a program does not
 * use it. */
#define TAURARO_FUNC static __attribute__((unused))
/* Runtime globals (one translation unit per program). */
#define TAURARO_DATA static __attribute__((unused))

#ifndef TAURARO_LIKELY
#define TAURARO_LIKELY(x) __builtin_expect(!!(x), 1)
#endif
#ifndef TAURARO_UNLIKELY
#define TAURARO_UNLIKELY(x) __builtin_expect(!!(x), 0)
#endif

/* ---- the object header ---------------------------------------------------- */

typedef struct tauraro_obj {      /* 8 bytes, first member of every heap object */
    uint32_t rc;                  /* AUTO: reference count; ARENA: the arena's id */
    uint8_t strategy;             /* TAURARO_AUTO, _MANUAL, _ARENA, _STATIC */
    uint8_t flags;                /* reserved (debug: freed/poisoned) */
    uint16_t tag;                 /* object kind, for stats/debug */
} tauraro_obj_t;

enum { TAURARO_AUTO = 0, TAURARO_MANUAL = 1, TAURARO_ARENA = 2, TAURARO_STATIC = 3 };
enum {
    TAURARO_TAG_RAW = 0, TAURARO_TAG_STR, TAURARO_TAG_EXC, TAURARO_TAG_LIST,
    TAURARO_TAG_DICT, TAURARO_TAG_TUPLE, TAURARO_TAG_INSTANCE, TAURARO_TAG_BUFFER, TAURARO_TAG_ARENA
};

/* Initializer of the header of a statically allocated object. */
#define TAURARO_STATIC_HDR(tag) { 1, TAURARO_STATIC, 0, (tag) }

/* Live-object statistics, read by the memory_stats() builtin. AUTO and MANUAL
 * bytes are the sizes of the malloc blocks (malloc_usable_size on glibc, so the
 * figure is what the heap really holds; 0 where the C library cannot tell);
 * arena bytes are the sizes of the blocks of the live arenas. */
typedef struct tauraro_stats {
    int64_t auto_objects, auto_bytes;
    int64_t manual_objects, manual_bytes;
    int64_t arena_count, arena_bytes;
} tauraro_stats_t;

TAURARO_DATA tauraro_stats_t tauraro_stats;

/* ---- raw memory ------------------------------------------------------------- */

/* Out of memory is fatal: flush what the program printed, report, exit(1). */
TAURARO_FUNC void tauraro_out_of_memory(void) __attribute__((noreturn));
TAURARO_FUNC void tauraro_out_of_memory(void)
{
    fflush(stdout);
    fputs("MemoryError\n", stderr);
    exit(1);
}

/* malloc that never returns NULL (0 bytes is a valid request). */
TAURARO_INLINE void *tauraro_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (TAURARO_UNLIKELY(p == NULL))
        tauraro_out_of_memory();
    return p;
}

/* Zero-filled tauraro_alloc (Buffer contents). */
TAURARO_INLINE void *tauraro_alloc_zeroed(size_t n)
{
    void *p = calloc(n ? n : 1, 1);
    if (TAURARO_UNLIKELY(p == NULL))
        tauraro_out_of_memory();
    return p;
}

/* realloc that never returns NULL; p may be NULL. */
TAURARO_INLINE void *tauraro_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (TAURARO_UNLIKELY(q == NULL))
        tauraro_out_of_memory();
    return q;
}

/* n * size with overflow check (array allocations): MemoryError on overflow. */
TAURARO_INLINE size_t tauraro_size_mul(size_t n, size_t size)
{
    size_t r;
    if (TAURARO_UNLIKELY(__builtin_mul_overflow(n, size, &r)))
        tauraro_out_of_memory();
    return r;
}

/* A growable array `items` of `len` items of `size` bytes, room for *cap:
 * with room for one more (doubling, from `first`). Returns the array. */
TAURARO_FUNC void *tauraro_grow(void *items, size_t *cap, size_t len, size_t size, size_t first)
{
    if (len < *cap)
        return items;
    size_t c = *cap ? *cap * 2 : first;
    items = tauraro_realloc(items, tauraro_size_mul(c, size));
    *cap = c;
    return items;
}

/* Aligned raw memory (allocate_aligned); align is a power of two. Free it
 * with tauraro_free. */
TAURARO_FUNC void *tauraro_alloc_aligned(size_t n, size_t align)
{
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (TAURARO_UNLIKELY((align & (align - 1)) != 0 || n > SIZE_MAX - align))
        tauraro_out_of_memory();
    /* C11 wants the size to be a multiple of the alignment */
    size_t rounded = (n + align - 1) & ~(align - 1);
    void *p = aligned_alloc(align, rounded ? rounded : align);
    if (TAURARO_UNLIKELY(p == NULL))
        tauraro_out_of_memory();
    return p;
}

TAURARO_INLINE void tauraro_free(void *p)
{
    free(p);
}

/* Bytes the heap holds for a block returned by malloc. */
TAURARO_INLINE size_t tauraro_heap_size(void *p)
{
#if defined(__GLIBC__)
    return malloc_usable_size(p);
#else
    (void)p;
    return 0;
#endif
}

/* ---- --memory-debug (TAURARO_MEMORY_DEBUG) ---------------------------------------- */

/* With TAURARO_MEMORY_DEBUG defined (tauraro compile --memory-debug), every
 * object allocation is recorded with the .tr line that made it; freed
 * objects keep their header, marked dead, and their memory is poisoned and
 * kept until exit (so a stale reference cannot see a new object); arena memory
 * is allocated object by object and treated the same way on reset and
 * destroy. The generated code sets tauraro_dbg_line before each statement and
 * checks the objects it reads (TAURARO_DBG_USE). Any misuse stops the program
 * with a report naming the lines involved and exit status 3; objects still
 * alive at exit are reported as leaks, grouped by line, and give status 3 too.
 * Without the macro none of this exists. */
#ifdef TAURARO_MEMORY_DEBUG

#define TAURARO_DBG_DEAD 0x01 /* header flag: freed, or its arena was reset/destroyed */
#define TAURARO_DBG_STATUS 3  /* exit status of a memory error or a leak */

enum { TAURARO_DBG_LIVE, TAURARO_DBG_FREED, TAURARO_DBG_RESET, TAURARO_DBG_DESTROYED };

typedef struct tauraro_dbg_rec {
    void *obj;             /* the object, or a raw arena block (raw) */
    size_t size;
    int line, end_line;    /* allocated at; freed / reset / destroyed at */
    uint32_t arena;        /* arena id for arena memory, else 0 */
    uint8_t strategy, state;
    uint16_t tag;
    bool raw;
    bool gone;             /* its memory went back to the C library */
} tauraro_dbg_rec_t;

/* Freed memory stays poisoned in quarantine up to this many bytes; past
 * that, the oldest goes back to the C library (a use of it can no longer be
 * caught). */
#define TAURARO_DBG_QUARANTINE ((size_t)64 << 20)

TAURARO_DATA int tauraro_dbg_line;
TAURARO_DATA const char *tauraro_dbg_file = "?";
TAURARO_DATA struct {
    tauraro_dbg_rec_t *recs;
    size_t len, cap;
    size_t *index;          /* open addressing: record number + 1, 0 empty */
    size_t icap;
    int64_t cur, peak;      /* bytes of live objects and arena memory */
    int64_t allocs[3];      /* allocations by strategy: AUTO, MANUAL, ARENA */
    size_t *quarantine;     /* record numbers of dead memory, oldest first (a ring) */
    size_t qhead, qlen, qcap, qbytes;
} tauraro_dbg;

TAURARO_INLINE size_t tauraro_dbg_slot_(const void *p, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

TAURARO_FUNC tauraro_dbg_rec_t *tauraro_dbg_find(const void *p)
{
    if (tauraro_dbg.icap == 0)
        return NULL;
    for (size_t i = tauraro_dbg_slot_(p, tauraro_dbg.icap);; i = (i + 1) & (tauraro_dbg.icap - 1)) {
        size_t k = tauraro_dbg.index[i];
        if (k == 0)
            return NULL;
        if (tauraro_dbg.recs[k - 1].obj == p && !tauraro_dbg.recs[k - 1].gone)
            return &tauraro_dbg.recs[k - 1]; /* (a gone record's address may be reused) */
    }
}

TAURARO_FUNC tauraro_dbg_rec_t *tauraro_dbg_add(void *p, size_t size, uint8_t strategy, uint16_t tag,
                                                bool raw, uint32_t arena)
{
    tauraro_dbg.recs = (tauraro_dbg_rec_t *)tauraro_grow(tauraro_dbg.recs, &tauraro_dbg.cap, tauraro_dbg.len,
                                                         sizeof *tauraro_dbg.recs, 256);
    if ((tauraro_dbg.len + 1) * 2 > tauraro_dbg.icap) {
        size_t cap = tauraro_dbg.icap ? tauraro_dbg.icap * 2 : 512;
        size_t *index = (size_t *)calloc(cap, sizeof(size_t));
        if (index == NULL)
            tauraro_out_of_memory();
        for (size_t k = 0; k < tauraro_dbg.len; k++) {
            size_t i = tauraro_dbg_slot_(tauraro_dbg.recs[k].obj, cap);
            while (index[i] != 0)
                i = (i + 1) & (cap - 1);
            index[i] = k + 1;
        }
        free(tauraro_dbg.index);
        tauraro_dbg.index = index;
        tauraro_dbg.icap = cap;
    }
    tauraro_dbg_rec_t *r = &tauraro_dbg.recs[tauraro_dbg.len];
    r->obj = p;
    r->size = size;
    r->line = tauraro_dbg_line;
    r->end_line = 0;
    r->arena = arena;
    r->strategy = strategy;
    r->state = TAURARO_DBG_LIVE;
    r->tag = tag;
    r->raw = raw;
    r->gone = false;
    size_t i = tauraro_dbg_slot_(p, tauraro_dbg.icap);
    while (tauraro_dbg.index[i] != 0)
        i = (i + 1) & (tauraro_dbg.icap - 1);
    tauraro_dbg.index[i] = ++tauraro_dbg.len;
    if (!raw && strategy <= TAURARO_ARENA)
        tauraro_dbg.allocs[strategy]++;
    tauraro_dbg.cur += (int64_t)size;
    if (tauraro_dbg.cur > tauraro_dbg.peak)
        tauraro_dbg.peak = tauraro_dbg.cur;
    return r;
}

/* "manual list", "counted str", "arena Node object": what a record is. */
TAURARO_FUNC void tauraro_dbg_describe_(char *buf, size_t n, const tauraro_dbg_rec_t *r)
{
    static const char *const strategies[] = {"counted", "manual", "arena", "static"};
    static const char *const kinds[] = {"block", "str", "exception", "list", "dict", "tuple", "object", "Buffer",
                                        "Arena"};
    const char *kind = r->tag < sizeof kinds / sizeof kinds[0] ? kinds[r->tag] : "object";
    if ((r->tag == TAURARO_TAG_INSTANCE || r->tag == TAURARO_TAG_EXC) && !r->raw) {
        /* instances start with the header, then their class, whose first
         * member is the class name (exc.h) */
        const char *const *cls = *(const char *const *const *)((const char *)r->obj + sizeof(tauraro_obj_t));
        snprintf(buf, n, "%s %s object", strategies[r->strategy & 3], cls[0]);
        return;
    }
    snprintf(buf, n, "%s %s", strategies[r->strategy & 3], r->raw ? "arena block" : kind);
}

TAURARO_FUNC void tauraro_dbg_fail_(const char *what, const tauraro_dbg_rec_t *r) __attribute__((noreturn));
TAURARO_FUNC void tauraro_dbg_fail_(const char *what, const tauraro_dbg_rec_t *r)
{
    static const char *const ends[] = {"", "freed", "reset (its arena)", "destroyed (its arena)"};
    char desc[160];
    fflush(stdout);
    fprintf(stderr, "tauraro: memory-debug: %s at %s:%d\n", what, tauraro_dbg_file, tauraro_dbg_line);
    if (r != NULL) {
        tauraro_dbg_describe_(desc, sizeof desc, r);
        fprintf(stderr, "  the %s (%zu bytes) was allocated at %s:%d", desc, r->size, tauraro_dbg_file,
                r->line);
        if (r->state != TAURARO_DBG_LIVE)
            fprintf(stderr, " and %s at %s:%d", ends[r->state], tauraro_dbg_file, r->end_line);
        fputc('\n', stderr);
    }
    fflush(stderr);
    exit(TAURARO_DBG_STATUS);
}

/* An object is recorded as it is made. */
TAURARO_INLINE void tauraro_dbg_alloc(void *obj, size_t size, uint8_t strategy, uint16_t tag)
{
    tauraro_dbg_add(obj, size, strategy, tag, false, 0);
}

/* The object dies (freed by its count or by free()): it keeps its header,
 * marked dead, its body is poisoned, its memory is kept until exit. */
/* Dead memory joins the quarantine; the oldest leaves it past the budget. */
TAURARO_FUNC void tauraro_dbg_quarantine_(tauraro_dbg_rec_t *r)
{
    if (tauraro_dbg.qlen == tauraro_dbg.qcap) {
        size_t cap = tauraro_dbg.qcap ? tauraro_dbg.qcap * 2 : 1024;
        size_t *q = (size_t *)malloc(cap * sizeof(size_t));
        if (q == NULL)
            tauraro_out_of_memory();
        for (size_t i = 0; i < tauraro_dbg.qlen; i++)
            q[i] = tauraro_dbg.quarantine[(tauraro_dbg.qhead + i) % tauraro_dbg.qcap];
        free(tauraro_dbg.quarantine);
        tauraro_dbg.quarantine = q;
        tauraro_dbg.qcap = cap;
        tauraro_dbg.qhead = 0;
    }
    tauraro_dbg.quarantine[(tauraro_dbg.qhead + tauraro_dbg.qlen++) % tauraro_dbg.qcap] =
        (size_t)(r - tauraro_dbg.recs);
    tauraro_dbg.qbytes += r->size;
    while (tauraro_dbg.qbytes > TAURARO_DBG_QUARANTINE && tauraro_dbg.qlen > 1) {
        tauraro_dbg_rec_t *old = &tauraro_dbg.recs[tauraro_dbg.quarantine[tauraro_dbg.qhead]];
        tauraro_dbg.qhead = (tauraro_dbg.qhead + 1) % tauraro_dbg.qcap;
        tauraro_dbg.qlen--;
        tauraro_dbg.qbytes -= old->size;
        if (!old->gone) {
            free(old->obj);
            old->gone = true;
        }
    }
}

TAURARO_FUNC void tauraro_dbg_kill_(tauraro_dbg_rec_t *r, uint8_t state)
{
    r->state = state;
    r->end_line = tauraro_dbg_line;
    tauraro_dbg.cur -= (int64_t)r->size;
    tauraro_dbg_quarantine_(r);
    if (r->raw) {
        memset(r->obj, 0xDB, r->size);
        return;
    }
    tauraro_obj_t *h = (tauraro_obj_t *)r->obj;
    h->flags |= TAURARO_DBG_DEAD;
    size_t keep = sizeof(tauraro_obj_t);
    if (r->tag == TAURARO_TAG_INSTANCE || r->tag == TAURARO_TAG_EXC)
        keep += sizeof(void *); /* the class, for the reports */
    if (r->size > keep)
        memset((char *)r->obj + keep, 0xDB, r->size - keep);
}

/* Reading an object that is dead: stop with the report. */
TAURARO_FUNC __attribute__((noinline)) void tauraro_dbg_dead_use(const void *obj)
{
    tauraro_dbg_rec_t *r = tauraro_dbg_find(obj);
    const char *what = r == NULL || r->state == TAURARO_DBG_FREED ? "use after free"
                       : r->state == TAURARO_DBG_RESET           ? "use after arena reset"
                                                                 : "use after arena destroy";
    tauraro_dbg_fail_(what, r);
}

/* TAURARO_DBG_USE as an expression, at .tr line `line` (a loop taking its
 * next element): true, or the report. */
TAURARO_INLINE bool tauraro_dbg_alive(const void *p, int line)
{
    const tauraro_obj_t *h = (const tauraro_obj_t *)p;
    tauraro_dbg_line = line;
    if (h != NULL && (h->flags & TAURARO_DBG_DEAD))
        tauraro_dbg_dead_use(h);
    return true;
}

#define TAURARO_DBG_USE(p)                                                                          \
    do {                                                                                            \
        const tauraro_obj_t *tauraro_dbg_h_ = (const tauraro_obj_t *)(p);                          \
        if (tauraro_dbg_h_ != NULL && (tauraro_dbg_h_->flags & TAURARO_DBG_DEAD))                   \
            tauraro_dbg_dead_use(tauraro_dbg_h_);                                                   \
    } while (0)

/* Arena memory in debug mode: one block per request, recorded with the
 * arena's id, so a reset or destroy can mark it dead without reusing it. */
TAURARO_FUNC void *tauraro_dbg_arena_block(uint32_t arena, size_t size, size_t align)
{
    if (align < 16)
        align = 16;
    size_t rounded = (size + align - 1) & ~(align - 1);
    void *p = aligned_alloc(align, rounded ? rounded : align);
    if (p == NULL)
        tauraro_out_of_memory();
    tauraro_dbg_add(p, size, TAURARO_ARENA, TAURARO_TAG_RAW, true, arena);
    return p;
}

/* realloc moved a live object (a str growing in place): the record
 * follows it. */
TAURARO_FUNC void tauraro_dbg_moved(void *old, void *obj, size_t size)
{
    tauraro_dbg_rec_t *r = tauraro_dbg_find(old);
    if (r == NULL)
        return;
    if (old == obj) {
        tauraro_dbg.cur += (int64_t)size - (int64_t)r->size;
        r->size = size;
        return;
    }
    tauraro_dbg_rec_t copy = *r;
    r->gone = true; /* the old block is realloc's now; the record is kept dead */
    r->state = TAURARO_DBG_FREED;
    r->end_line = tauraro_dbg_line;
    r->line = -1;   /* never reported: a move, not a free */
    tauraro_dbg.cur -= (int64_t)copy.size;
    tauraro_dbg_rec_t *n = tauraro_dbg_add(obj, size, copy.strategy, copy.tag, false, 0);
    n->line = copy.line;
    tauraro_dbg.allocs[copy.strategy]--; /* not a new allocation */
}

/* A counted object became manual (a manual function named it) or back. */
TAURARO_FUNC void tauraro_dbg_set_strategy(void *obj, uint8_t strategy)
{
    tauraro_dbg_rec_t *r = tauraro_dbg_find(obj);
    if (r != NULL && r->strategy != strategy) {
        tauraro_dbg.allocs[r->strategy]--;
        tauraro_dbg.allocs[strategy]++;
        r->strategy = strategy;
    }
}

/* An object was made in arena memory (tauraro_obj_new). */
TAURARO_FUNC void tauraro_dbg_arena_object(void *obj, uint16_t tag)
{
    tauraro_dbg_rec_t *r = tauraro_dbg_find(obj);
    if (r != NULL) {
        r->raw = false;
        r->tag = tag;
        tauraro_dbg.allocs[TAURARO_ARENA]++;
    }
}

/* Everything allocated in the arena dies (reset or destroy). */
TAURARO_FUNC void tauraro_dbg_arena_end(uint32_t arena, uint8_t state)
{
    for (size_t i = 0; i < tauraro_dbg.len; i++) {
        tauraro_dbg_rec_t *r = &tauraro_dbg.recs[i];
        if (r->arena == arena && r->state == TAURARO_DBG_LIVE)
            tauraro_dbg_kill_(r, state);
    }
}

/* The object is released (count or free()): a second release is a double free. */
TAURARO_FUNC void tauraro_dbg_release(void *obj)
{
    tauraro_dbg_rec_t *r = tauraro_dbg_find(obj);
    if (r == NULL)
        return;
    if (r->state != TAURARO_DBG_LIVE)
        tauraro_dbg_fail_("double free", r);
    tauraro_dbg_kill_(r, TAURARO_DBG_FREED);
}

/* At exit: the objects still alive are leaks, reported by allocation line
 * (and strategy); then the kept memory goes. Returns true if anything leaked. */
TAURARO_FUNC bool tauraro_dbg_exit(void)
{
    size_t nleaks = 0;
    int64_t leaked_bytes = 0;
    bool *done = (bool *)calloc(tauraro_dbg.len + 1, sizeof(bool));
    for (size_t i = 0; i < tauraro_dbg.len; i++) {
        tauraro_dbg_rec_t *r = &tauraro_dbg.recs[i];
        if (done[i] || r->raw || r->state != TAURARO_DBG_LIVE || r->strategy == TAURARO_STATIC)
            continue;
        size_t count = 0, bytes = 0;
        char desc[160];
        tauraro_dbg_describe_(desc, sizeof desc, r);
        for (size_t j = i; j < tauraro_dbg.len; j++) {
            tauraro_dbg_rec_t *q = &tauraro_dbg.recs[j];
            if (done[j] || q->raw || q->state != TAURARO_DBG_LIVE || q->line != r->line ||
                q->strategy != r->strategy || q->tag != r->tag)
                continue;
            char d2[160];
            tauraro_dbg_describe_(d2, sizeof d2, q);
            if (strcmp(d2, desc) != 0)
                continue;
            done[j] = true;
            count++;
            bytes += q->size;
        }
        if (nleaks == 0) {
            fflush(stdout);
            fprintf(stderr, "tauraro: memory-debug: leaks at exit:\n");
        }
        fprintf(stderr, "  %zu %s%s (%zu bytes) allocated at %s:%d\n", count, desc, count == 1 ? "" : "s",
                bytes, tauraro_dbg_file, r->line);
        nleaks += count;
        leaked_bytes += (int64_t)bytes;
    }
    if (nleaks > 0)
        fprintf(stderr, "tauraro: memory-debug: %zu object%s leaked (%lld bytes)\n", nleaks,
                nleaks == 1 ? "" : "s", (long long)leaked_bytes);
    free(done);
    for (size_t i = 0; i < tauraro_dbg.len; i++) /* every record is its own block */
        if (!tauraro_dbg.recs[i].gone)
            free(tauraro_dbg.recs[i].obj);
    free(tauraro_dbg.recs);
    free(tauraro_dbg.index);
    free(tauraro_dbg.quarantine);
    memset(&tauraro_dbg, 0, sizeof tauraro_dbg);
    return nleaks > 0;
}

#else
#define TAURARO_DBG_USE(p) ((void)0)
#endif

/* ---- counted (AUTO) and manual objects ---------------------------------------- */

TAURARO_INLINE void tauraro_obj_init(void *obj, uint8_t strategy, uint16_t tag)
{
    tauraro_obj_t *h = (tauraro_obj_t *)obj;
    h->rc = 1;
    h->strategy = strategy;
    h->flags = 0;
    h->tag = tag;
}

/* A malloc'd object of `size` bytes (header included), rc = 1, strategy
 * AUTO or MANUAL, counted in that strategy's statistics. The rest of the
 * object is not initialised. */
TAURARO_INLINE void *tauraro_alloc_heap_obj_(size_t size, uint8_t strategy, uint16_t tag)
{
    void *p = tauraro_alloc(size < sizeof(tauraro_obj_t) ? sizeof(tauraro_obj_t) : size);
    tauraro_obj_init(p, strategy, tag);
    int64_t bytes = (int64_t)tauraro_heap_size(p);
    if (strategy == TAURARO_AUTO) {
        tauraro_stats.auto_objects++;
        tauraro_stats.auto_bytes += bytes;
    } else {
        tauraro_stats.manual_objects++;
        tauraro_stats.manual_bytes += bytes;
    }
#ifdef TAURARO_MEMORY_DEBUG
    tauraro_dbg_alloc(p, size, strategy, tag);
#endif
    return p;
}

/* A reference-counted object (strategy AUTO). */
TAURARO_INLINE void *tauraro_alloc_rc(size_t size, uint16_t tag)
{
    return tauraro_alloc_heap_obj_(size, TAURARO_AUTO, tag);
}

/* An object owned by the program (manual strategy): its count never frees
 * it, tauraro_obj_free releases it. */
TAURARO_INLINE void *tauraro_alloc_manual(size_t size, uint16_t tag)
{
    return tauraro_alloc_heap_obj_(size, TAURARO_MANUAL, tag);
}

/* Give the memory of a heap object back (no destructor call): AUTO and MANUAL
 * objects are freed and leave the statistics; arena and static objects are
 * left alone (an arena frees its memory in bulk). Out of line, like every
 * path that ends in free(): inlined into code that also handles arena or
 * static objects, it makes gcc warn about freeing them (it cannot see that
 * the strategy test excludes that). */
TAURARO_FUNC __attribute__((noinline)) void tauraro_obj_release(void *obj)
{
    tauraro_obj_t *h = (tauraro_obj_t *)obj;
    if (h == NULL)
        return;
    if (h->strategy == TAURARO_AUTO) {
        tauraro_stats.auto_objects--;
        tauraro_stats.auto_bytes -= (int64_t)tauraro_heap_size(h);
    } else if (h->strategy == TAURARO_MANUAL) {
        tauraro_stats.manual_objects--;
        tauraro_stats.manual_bytes -= (int64_t)tauraro_heap_size(h);
    } else {
        return;
    }
#ifdef TAURARO_MEMORY_DEBUG
    tauraro_dbg_release(h); /* kept (poisoned) until exit */
#else
    free(h);
#endif
}

/* Explicit free of an object (the `free(x)` builtin, manual strategy): runs
 * dtor (if not NULL) and releases the memory. No-op for NULL, arena and static
 * objects. */
TAURARO_FUNC __attribute__((noinline)) void tauraro_obj_free(void *obj, void (*dtor)(void *))
{
    tauraro_obj_t *h = (tauraro_obj_t *)obj;
    if (h == NULL || h->strategy == TAURARO_ARENA || h->strategy == TAURARO_STATIC)
        return;
#ifdef TAURARO_MEMORY_DEBUG
    if (h->flags & TAURARO_DBG_DEAD)
        tauraro_dbg_fail_("double free", tauraro_dbg_find(h));
#endif
    if (dtor)
        dtor(obj);
    tauraro_obj_release(obj);
}

/* NULL-safe. AUTO and MANUAL objects count (a manual object is never freed
 * by its count, but the count keeps it safe to hand over to counting code);
 * arena and static objects do not. */
TAURARO_INLINE void tauraro_incref(void *obj)
{
    tauraro_obj_t *h = (tauraro_obj_t *)obj;
    if (h != NULL && h->strategy <= TAURARO_MANUAL)
        h->rc++;
}

/* The cold end of tauraro_decref. Kept out of line: the inline fast path
 * stays small, and compilers do not see a free() in every function that
 * drops a reference (gcc's -Wuse-after-free would flag uses of a pointer
 * that is still borrowed elsewhere). */
TAURARO_FUNC __attribute__((noinline)) void tauraro_obj_dealloc(void *obj, void (*dtor)(void *))
{
    if (dtor)
        dtor(obj);
    tauraro_obj_release(obj);
}

/* NULL-safe; when an AUTO object's count reaches 0: dtor(obj) (if dtor is not
 * NULL) releases what the object owns, then the object itself is freed. A
 * manual object waits for free(). */
TAURARO_INLINE void tauraro_decref(void *obj, void (*dtor)(void *))
{
    tauraro_obj_t *h = (tauraro_obj_t *)obj;
    if (h != NULL && h->strategy <= TAURARO_MANUAL && --h->rc == 0 && h->strategy == TAURARO_AUTO)
        tauraro_obj_dealloc(obj, dtor);
}

/* ---- bump arena -------------------------------------------------------------- */

typedef struct tauraro_arena_block {
    struct tauraro_arena_block *next;
    size_t size;                      /* usable bytes after the block header */
} tauraro_arena_block_t;

typedef struct tauraro_arena {
    char *cur;                        /* next free byte of the current block */
    char *end;                        /* end of the current block */
    tauraro_arena_block_t *blocks;    /* blocks after the first, newest first */
    size_t block_size;                /* size of a regular block */
    size_t first_size;                /* size of the first block (kept by reset) */
    bool grow;                        /* each new regular block doubles, up to 64 KiB */
    size_t used;                      /* bytes handed out (requested sizes) */
    size_t reserved;                  /* sum of the block sizes */
    size_t nblocks;                   /* blocks held, the first one included */
    uint32_t id;                      /* objects' header rc field names their arena */
    int level;                        /* nesting level while in use by a call, else 0 */
    int escape_to;                    /* lowest level an object of it escaped to */
    bool strict;                      /* an escape is an error (explicit/given arenas) */
    bool pending_destroy_now;         /* being destroyed (debug reports say so) */
    bool given;                       /* owned by an Arena handle, not by a call */
    bool pending_reset, pending_destroy; /* asked for while a call uses it */
    struct tauraro_arena *kids;       /* arenas kept alive as long as this one */
    struct tauraro_arena *next_kid;
    size_t nheld, heldcap;            /* counted objects its objects refer to */
    struct tauraro_held {
        void *obj;
        void (*release)(void *);
    } *held;
} tauraro_arena_t;

/* Every block's data starts 16-byte aligned after its header (malloc gives 16
 * on the 64-bit targets we support); the bump pointer stays 8-byte aligned. */
#define TAURARO_ARENA_ALIGN ((size_t)16)
#define TAURARO_ARENA_ROUND(n) (((n) + TAURARO_ARENA_ALIGN - 1) & ~(TAURARO_ARENA_ALIGN - 1))
#define TAURARO_ARENA_HDR TAURARO_ARENA_ROUND(sizeof(tauraro_arena_t))
#define TAURARO_ARENA_BLOCK_HDR TAURARO_ARENA_ROUND(sizeof(tauraro_arena_block_t))
#define TAURARO_ARENA_DEFAULT_BLOCK ((size_t)4096)
/* The arena of a call starts small and doubles its blocks up to this: most
 * calls allocate little, and an arena kept alive by an escape stays small. */
#define TAURARO_ARENA_CALL_BLOCK ((size_t)512)
#define TAURARO_ARENA_GROW_MAX ((size_t)65536)

/* The allocation mode: what tauraro_obj_new gives. AUTO: counted heap
 * objects; MANUAL: heap objects the program frees (the named allocations of
 * @manual_memory functions); ARENA: from tauraro_cur_arena. */
TAURARO_DATA uint8_t tauraro_mode;

/* The arena that object constructors allocate from in ARENA mode. */
TAURARO_DATA tauraro_arena_t *tauraro_cur_arena;

/* Arenas by id (an arena object's header names its arena by id, so the
 * 8-byte header is enough). Ids of destroyed arenas are reused. */
TAURARO_DATA struct {
    tauraro_arena_t **items;
    size_t cap, len;
    uint32_t *free_ids;
    size_t nfree, free_cap;
} tauraro_arena_ids;

TAURARO_FUNC uint32_t tauraro_arena_id_new(tauraro_arena_t *a)
{
    uint32_t id;
    if (tauraro_arena_ids.nfree > 0) {
        id = tauraro_arena_ids.free_ids[--tauraro_arena_ids.nfree];
    } else {
        tauraro_arena_ids.items = (tauraro_arena_t **)tauraro_grow(
            tauraro_arena_ids.items, &tauraro_arena_ids.cap, tauraro_arena_ids.len, sizeof(tauraro_arena_t *), 16);
        if (tauraro_arena_ids.len == 0)
            tauraro_arena_ids.items[tauraro_arena_ids.len++] = NULL; /* id 0: none (room for 16) */
        id = (uint32_t)tauraro_arena_ids.len++;
    }
    tauraro_arena_ids.items[id] = a;
    return id;
}

TAURARO_FUNC void tauraro_arena_id_release(uint32_t id)
{
    tauraro_arena_ids.items[id] = NULL;
    tauraro_arena_ids.free_ids = (uint32_t *)tauraro_grow(tauraro_arena_ids.free_ids, &tauraro_arena_ids.free_cap,
                                                          tauraro_arena_ids.nfree, sizeof(uint32_t), 16);
    tauraro_arena_ids.free_ids[tauraro_arena_ids.nfree++] = id;
    if (tauraro_arena_ids.nfree == tauraro_arena_ids.len - 1) { /* none left: give it all back */
        free(tauraro_arena_ids.items);
        free(tauraro_arena_ids.free_ids);
        memset(&tauraro_arena_ids, 0, sizeof tauraro_arena_ids);
    }
}

/* The arena an ARENA object lives in. */
TAURARO_INLINE tauraro_arena_t *tauraro_arena_of(const void *obj)
{
    return tauraro_arena_ids.items[((const tauraro_obj_t *)obj)->rc];
}

/* The first block lives in the same allocation as the arena itself, so an
 * arena that never outgrows its first block costs one malloc. */
TAURARO_INLINE char *tauraro_arena_first_data(tauraro_arena_t *a)
{
    return (char *)a + TAURARO_ARENA_HDR;
}

TAURARO_FUNC tauraro_arena_t *tauraro_arena_create(size_t block_size)
{
    if (block_size == 0)
        block_size = TAURARO_ARENA_DEFAULT_BLOCK;
    if (block_size > SIZE_MAX / 2)
        tauraro_out_of_memory();
    block_size = TAURARO_ARENA_ROUND(block_size);
    tauraro_arena_t *a = (tauraro_arena_t *)tauraro_alloc(TAURARO_ARENA_HDR + block_size);
    a->cur = tauraro_arena_first_data(a);
    a->end = a->cur + block_size;
    a->blocks = NULL;
    a->block_size = block_size;
    a->first_size = block_size;
    a->grow = false;
    a->used = 0;
    a->reserved = block_size;
    a->nblocks = 1;
    a->level = 0;
    a->escape_to = INT32_MAX;
    a->strict = a->given = a->pending_reset = a->pending_destroy = a->pending_destroy_now = false;
    a->kids = a->next_kid = NULL;
    a->nheld = a->heldcap = 0;
    a->held = NULL;
    a->id = tauraro_arena_id_new(a);
    tauraro_stats.arena_count++;
    tauraro_stats.arena_bytes += (int64_t)block_size;
    return a;
}

/* Slow path of the arena allocators: the request does not fit the current
 * block. A large request (more than a quarter of a block) gets a block of its
 * own and the current block stays current, so the free space left in it is
 * not wasted; a small one opens a new regular block that becomes current. */
TAURARO_FUNC void *tauraro_arena_alloc_slow(tauraro_arena_t *a, size_t size, size_t align)
{
    size_t slack = align > TAURARO_ARENA_ALIGN ? align - 1 : 0;
    if (size > SIZE_MAX / 2 - slack - TAURARO_ARENA_BLOCK_HDR)
        tauraro_out_of_memory();
    size_t need = TAURARO_ARENA_ROUND(size + slack);
    if (a->grow && a->block_size < TAURARO_ARENA_GROW_MAX && need <= a->block_size / 4)
        a->block_size *= 2;
    bool dedicated = need > a->block_size / 4;
    size_t bsize = dedicated ? need : a->block_size;
    tauraro_arena_block_t *b =
        (tauraro_arena_block_t *)tauraro_alloc(TAURARO_ARENA_BLOCK_HDR + bsize);
    b->size = bsize;
    b->next = a->blocks;
    a->blocks = b;
    a->nblocks++;
    a->reserved += bsize;
    tauraro_stats.arena_bytes += (int64_t)bsize;

    char *data = (char *)b + TAURARO_ARENA_BLOCK_HDR;
    uintptr_t mask = (uintptr_t)align - 1;
    char *p = data + ((align - ((uintptr_t)data & mask)) & mask);
    if (!dedicated) {
        a->cur = p + ((size + 7) & ~(size_t)7);
        a->end = data + bsize;
    }
    a->used += size;
    return p;
}

/* Fast path: a pointer bump, 8-byte aligned. */
TAURARO_INLINE void *tauraro_arena_alloc(tauraro_arena_t *a, size_t size)
{
#ifdef TAURARO_MEMORY_DEBUG
    return tauraro_dbg_arena_block(a->id, size, 8);
#endif
    /* cur and end are multiples of 8, so size <= avail implies that the
     * rounded size fits too (and cannot overflow) */
    if (TAURARO_LIKELY(size <= (size_t)(a->end - a->cur))) {
        char *p = a->cur;
        a->cur += (size + 7) & ~(size_t)7;
        a->used += size;
        return p;
    }
    return tauraro_arena_alloc_slow(a, size, 8);
}

/* align: a power of two (values below 8 mean 8). */
TAURARO_FUNC void *tauraro_arena_alloc_aligned(tauraro_arena_t *a, size_t size, size_t align)
{
#ifdef TAURARO_MEMORY_DEBUG
    if ((align & (align - 1)) == 0)
        return tauraro_dbg_arena_block(a->id, size, align);
#endif
    if (align < 8)
        align = 8;
    if ((align & (align - 1)) != 0)
        tauraro_out_of_memory();  /* not a power of two: a compiler bug */
    uintptr_t mask = (uintptr_t)align - 1;
    size_t pad = (size_t)((align - ((uintptr_t)a->cur & mask)) & mask);
    size_t avail = (size_t)(a->end - a->cur);
    if (pad <= avail && size <= avail - pad) {
        char *p = a->cur + pad;
        a->cur = p + ((size + 7) & ~(size_t)7);
        a->used += size;
        return p;
    }
    return tauraro_arena_alloc_slow(a, size, align);
}

TAURARO_FUNC void tauraro_arena_destroy(tauraro_arena_t *a);

/* Forget every allocation; keeps the first block for reuse, frees the rest
 * (and the arenas kept alive with it). */
TAURARO_FUNC void tauraro_arena_reset(tauraro_arena_t *a)
{
#ifdef TAURARO_MEMORY_DEBUG
    tauraro_dbg_arena_end(a->id, a->pending_destroy_now ? TAURARO_DBG_DESTROYED : TAURARO_DBG_RESET);
#endif
    while (a->kids != NULL) {
        tauraro_arena_t *k = a->kids;
        a->kids = k->next_kid;
        tauraro_arena_destroy(k);
    }
    /* the references its objects held to counted objects go, newest first */
    while (a->nheld > 0) {
        struct tauraro_held h = a->held[--a->nheld];
        h.release(h.obj);
    }
    free(a->held);
    a->held = NULL;
    a->heldcap = 0;
    a->escape_to = INT32_MAX;
    tauraro_arena_block_t *b = a->blocks;
    while (b) {
        tauraro_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    tauraro_stats.arena_bytes -= (int64_t)(a->reserved - a->first_size);
    a->block_size = a->first_size;
    a->blocks = NULL;
    a->cur = tauraro_arena_first_data(a);
    a->end = a->cur + a->first_size;
    a->used = 0;
    a->reserved = a->first_size;
    a->nblocks = 1;
}

/* NULL ok. */
TAURARO_FUNC void tauraro_arena_destroy(tauraro_arena_t *a)
{
    if (a == NULL)
        return;
    a->pending_destroy_now = true;
    tauraro_arena_reset(a);
    tauraro_stats.arena_count--;
    tauraro_stats.arena_bytes -= (int64_t)a->first_size;
    if (tauraro_cur_arena == a) { /* back to counted objects */
        tauraro_cur_arena = NULL;
        tauraro_mode = TAURARO_AUTO;
    }
    tauraro_arena_id_release(a->id);
    free(a);
}

TAURARO_INLINE size_t tauraro_arena_bytes_used(const tauraro_arena_t *a)
{
    return a->used;
}

TAURARO_INLINE size_t tauraro_arena_bytes_reserved(const tauraro_arena_t *a)
{
    return a->reserved;
}

TAURARO_INLINE size_t tauraro_arena_block_count(const tauraro_arena_t *a)
{
    return a->nblocks;
}

/* An arena object (owner) now refers to obj: when obj is a counted object,
 * the reference it took is given back when the arena is reset or destroyed
 * (arena objects are never destroyed one by one, so they cannot release what
 * they refer to themselves). release: obj's decref. */
TAURARO_FUNC void tauraro_arena_hold(const tauraro_obj_t *owner, void *obj, void (*release)(void *))
{
    if (obj == NULL || ((tauraro_obj_t *)obj)->strategy != TAURARO_AUTO)
        return;
    tauraro_arena_t *a = tauraro_arena_of(owner);
    a->held = (struct tauraro_held *)tauraro_grow(a->held, &a->heldcap, a->nheld, sizeof *a->held, 16);
    a->held[a->nheld].obj = obj;
    a->held[a->nheld].release = release;
    a->nheld++;
}

/* Containers store elements through these (the element kind's operations
 * are passed by name, e.g. tauraro_str_incref, tauraro_str_held). A counted
 * or manual container counts its elements; an arena container's references
 * to counted objects are kept by its arena instead (tauraro_P_held), and
 * releasing an element of an arena container is left to the arena. */
#define TAURARO_HOLD_(owner, incref, held, v)                                                       \
    do {                                                                                            \
        incref(v);                                                                                  \
        if (TAURARO_UNLIKELY((owner)->strategy == TAURARO_ARENA))                                   \
            held((owner), (v));                                                                     \
    } while (0)
#define TAURARO_HOLD_MOVE_(owner, held, v)                                                          \
    do {                                                                                            \
        if (TAURARO_UNLIKELY((owner)->strategy == TAURARO_ARENA))                                   \
            held((owner), (v));                                                                     \
    } while (0)
#define TAURARO_UNHOLD_(owner, decref, v)                                                           \
    do {                                                                                            \
        if (TAURARO_LIKELY((owner)->strategy != TAURARO_ARENA))                                     \
            decref(v);                                                                              \
    } while (0)

/* ---- the allocation every object constructor uses ------------------------------- */

/* From the current arena when one is active (strategy ARENA), else a counted
 * heap object. rc = 1 either way; the body is not zero-filled. */
/* What the allocation mode says: a counted object (AUTO), a manual one, or
 * one from the current arena (a pointer bump; the header names the arena).
 * rc = 1 for counted and manual objects; the body is not zero-filled. */
TAURARO_INLINE void *tauraro_obj_new(size_t size, uint16_t tag)
{
    if (TAURARO_LIKELY(tauraro_mode == TAURARO_AUTO))
        return tauraro_alloc_rc(size, tag);
    if (tauraro_mode == TAURARO_MANUAL)
        return tauraro_alloc_manual(size, tag);
    tauraro_arena_t *a = tauraro_cur_arena;
    tauraro_obj_t *h = (tauraro_obj_t *)tauraro_arena_alloc(a, size < sizeof(tauraro_obj_t) ? sizeof(tauraro_obj_t) : size);
    h->rc = a->id;
    h->strategy = TAURARO_ARENA;
    h->flags = 0;
    h->tag = tag;
#ifdef TAURARO_MEMORY_DEBUG
    tauraro_dbg_arena_object(h, tag);
#endif
    return h;
}

/* Switch the allocation target to arena a (NULL: back to counted objects);
 * returns the previous one so the caller can restore it on every exit path. */
TAURARO_INLINE tauraro_arena_t *tauraro_arena_enter(tauraro_arena_t *a)
{
    tauraro_arena_t *prev = tauraro_cur_arena;
    tauraro_cur_arena = a;
    tauraro_mode = a != NULL ? TAURARO_ARENA : TAURARO_AUTO;
    return prev;
}

/* Explicit free of any object (the `free(x)` builtin): a counted object loses
 * the reference the program gives up, a manual one is destroyed (dtor, then
 * its memory), arena and static objects are left to their owner. */
TAURARO_FUNC __attribute__((noinline)) void tauraro_obj_free_any(void *obj, void (*decref)(void *),
                                                                 void (*dtor)(void *))
{
    tauraro_obj_t *h = (tauraro_obj_t *)obj;
    if (h == NULL)
        return;
    if (h->strategy == TAURARO_AUTO)
        decref(obj);
    else if (h->strategy == TAURARO_MANUAL)
        tauraro_obj_free(obj, dtor);
}

#endif /* TAURARO_MEM_H */
