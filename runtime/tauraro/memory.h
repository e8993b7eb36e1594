/* tauraro/memory.h - the memory strategies at run time: arena calls, escapes,
 * moving results out of arenas, adopting manual results, Arena handles,
 * Buffers and memory_stats().
 *
 * Arena calls. A function under the arena strategy brackets its body with
 *
 *     tauraro_arena_frame_t f = {0};
 *     tauraro_arena_begin(&f, given_or_NULL, join);
 *     ...body...
 *     if (tauraro_arena_leave(&f))        // back to the caller's mode
 *         result = move result out (tauraro_move_t with level f.level)
 *     tauraro_arena_finish(&f);           // destroy (or keep) the arena
 *
 * Every arena in use by a call has a level (1 for the outermost); objects
 * name their arena by id in their header, so the level of any arena object
 * is one lookup away. Storing an arena object into an object of a lower level
 * (or into a global: level 0) is an escape: tauraro_escapes() checks it. The
 * arena of an explicit @arena_memory call (or a given arena) is strict: the
 * escape raises RuntimeError. An arena opened by the --memory-strategy arena
 * default is not: it, and every arena in use above the target level, is kept
 * alive as long as the target (the objects that escaped stay valid, the
 * memory is freed later).
 *
 * Moving. tauraro_P_move(v, m) (one per element kind, like incref/decref)
 * returns a new reference to v, or to a copy of v when v lives in an arena
 * at level m->level or deeper (a result leaving its arena). With m->adopt,
 * manual objects become counted in place instead (a manual function's
 * result handed to counting code), and references are transferred rather
 * than added. A memo keeps shared objects shared and cycles finite.
 */
#ifndef TAURARO_MEMORY_H
#define TAURARO_MEMORY_H

#include "mem.h"
#include "exc.h"
#include "str.h"
#include "format.h"
#include "elem.h"
#include "list.h"
#include "dict.h"
#include "move.h"

/* Copying a value out of every arena into counted objects (what an exception
 * keeps): between begin and end, tauraro_P_move(v, m) gives the copy. */
TAURARO_INLINE uint8_t tauraro_detach_begin(tauraro_move_t *m)
{
    uint8_t mode = tauraro_mode;
    tauraro_mode = TAURARO_AUTO;
    tauraro_move_init(m, 1, false);
    return mode;
}

TAURARO_INLINE void tauraro_detach_end(tauraro_move_t *m, uint8_t mode)
{
    tauraro_move_done(m);
    tauraro_mode = mode;
}

/* ---- arena calls ------------------------------------------------------------------- */

/* The arenas in use by calls, by level (index 0 unused). */
TAURARO_DATA tauraro_arena_t *tauraro_arena_stack[TAURARO_MAX_DEPTH + 2];
TAURARO_DATA int tauraro_arena_depth;
/* Arenas kept alive until the program ends (their objects escaped to a
 * global or a counted object). */
TAURARO_DATA tauraro_arena_t *tauraro_arena_kept;

typedef struct tauraro_arena_frame {
    tauraro_arena_t *arena;       /* the arena of this call; NULL: joined the caller's */
    tauraro_arena_t *prev_arena;
    int level;
    uint8_t prev_mode;
    bool begun, pushed;
} tauraro_arena_frame_t;

/* Start an arena call. given: an arena owned by an Arena handle (not
 * destroyed at the end), or NULL for a fresh one. join: a default-strategy
 * call that runs in the caller's arena when there is one. */
TAURARO_FUNC void tauraro_arena_begin(tauraro_arena_frame_t *f, tauraro_arena_t *given, bool join)
{
    f->begun = true;
    f->prev_mode = tauraro_mode;
    f->prev_arena = tauraro_cur_arena;
    f->arena = NULL;
    f->pushed = false;
    f->level = 0;
    if (join && given == NULL && tauraro_mode == TAURARO_ARENA)
        return;
    tauraro_arena_t *a = given;
    if (a == NULL) {
        a = tauraro_arena_create(TAURARO_ARENA_CALL_BLOCK);
        a->grow = true;
        a->strict = !join;
    }
    f->arena = a;
    if (a->level == 0) {
        a->level = ++tauraro_arena_depth;
        tauraro_arena_stack[a->level] = a;
        f->pushed = true;
    }
    f->level = a->level;
    tauraro_mode = TAURARO_ARENA;
    tauraro_cur_arena = a;
}

/* Back to the caller's allocation mode. True when the call's result must be
 * moved out of the arena (tauraro_move_t of level f->level). */
TAURARO_FUNC bool tauraro_arena_leave(tauraro_arena_frame_t *f)
{
    if (!f->begun)
        return false;
    tauraro_mode = f->prev_mode;
    tauraro_cur_arena = f->prev_arena;
    return f->pushed && f->arena->escape_to >= f->level;
}

/* Release the call's arena: destroyed, or kept alive as long as the level
 * its objects escaped to; a given arena is only reset or destroyed if that
 * was asked for during the call. */
TAURARO_FUNC void tauraro_arena_finish(tauraro_arena_frame_t *f)
{
    tauraro_arena_t *a = f->arena;
    if (!f->begun || a == NULL || !f->pushed)
        return;
    tauraro_arena_stack[a->level] = NULL;
    tauraro_arena_depth--;
    if (a->given) {
        a->level = 0;
        a->escape_to = INT32_MAX;
        if (a->pending_destroy) {
            tauraro_arena_destroy(a);
        } else if (a->pending_reset) {
            a->pending_reset = false;
            tauraro_arena_reset(a);
        }
    } else if (a->escape_to < a->level) {
        int to = a->escape_to;
        a->level = to;
        a->escape_to = INT32_MAX;
        tauraro_arena_t **owner = to > 0 ? &tauraro_arena_stack[to]->kids : &tauraro_arena_kept;
        a->next_kid = *owner;
        *owner = a;
    } else {
        tauraro_arena_destroy(a);
    }
}

/* Slow path of tauraro_escapes: v is an arena object. */
TAURARO_FUNC __attribute__((noinline)) bool tauraro_escapes_slow(const void *holder, const void *v,
                                                                 const char *what)
{
    tauraro_arena_t *a = tauraro_arena_of(v);
    const tauraro_obj_t *h = (const tauraro_obj_t *)holder;
    int to = h != NULL && h->strategy == TAURARO_ARENA ? tauraro_arena_of(h)->level : 0;
    if (a->level <= to)
        return false;
    if (a->strict || a->given) {
        tauraro_raise_msg(&tauraro_cls_RuntimeError,
                          "a value allocated in an arena cannot be stored in %s: "
                          "it would outlive its arena",
                          what);
        return true;
    }
    for (int l = to + 1; l <= tauraro_arena_depth; l++)
        if (tauraro_arena_stack[l] != NULL && tauraro_arena_stack[l]->escape_to > to)
            tauraro_arena_stack[l]->escape_to = to;
    return false;
}

/* Storing v into holder (NULL: a global) escapes v's arena? Strict arenas
 * raise RuntimeError (true: the store must not happen); others are kept
 * alive as long as holder. */
TAURARO_INLINE bool tauraro_escapes(const void *holder, const void *v, const char *what)
{
    const tauraro_obj_t *h = (const tauraro_obj_t *)v, *o = (const tauraro_obj_t *)holder;
    if (TAURARO_LIKELY(h == NULL || h->strategy != TAURARO_ARENA))
        return false;
    if (o != NULL && o->strategy == TAURARO_ARENA && o->rc == h->rc)
        return false; /* the same arena */
    return tauraro_escapes_slow(holder, v, what);
}

/* ---- Arena handles ------------------------------------------------------------------ */

typedef struct tauraro_arena_ref {
    tauraro_obj_t hdr;
    tauraro_arena_t *arena;   /* NULL once destroyed */
} tauraro_arena_ref_t;

/* Named arenas (create_arena("name")): the registry holds a reference. */
TAURARO_DATA struct {
    size_t len, cap;
    struct tauraro_named_arena {
        tauraro_str_t *name;
        tauraro_arena_ref_t *ref;
    } *items;
} tauraro_named_arenas;

TAURARO_FUNC void tauraro_arena_ref_kill_(tauraro_arena_ref_t *r)
{
    tauraro_arena_t *a = r->arena;
    r->arena = NULL;
    if (a == NULL)
        return;
    if (a->level > 0)
        a->pending_destroy = true; /* a call uses it: destroyed when that call ends */
    else
        tauraro_arena_destroy(a);
}

TAURARO_FUNC void tauraro_arenaref_dtor(void *obj)
{
    tauraro_arena_ref_kill_((tauraro_arena_ref_t *)obj);
}

TAURARO_INLINE void tauraro_arenaref_incref(tauraro_arena_ref_t *r) { tauraro_incref(r); }
TAURARO_INLINE void tauraro_arenaref_decref(tauraro_arena_ref_t *r)
{
    tauraro_decref(r, tauraro_arenaref_dtor);
}
TAURARO_INLINE bool tauraro_arenaref_eq(tauraro_arena_ref_t *a, tauraro_arena_ref_t *b) { return a == b; }
TAURARO_INLINE bool tauraro_arenaref_lt(tauraro_arena_ref_t *a, tauraro_arena_ref_t *b)
{
    (void)a;
    (void)b;
    tauraro_raise_msg(&tauraro_cls_TypeError, "'<' not supported between instances of 'Arena' and 'Arena'");
    return false;
}
TAURARO_INLINE uint64_t tauraro_arenaref_hash(tauraro_arena_ref_t *r)
{
    return tauraro_hash_mix((uint64_t)(uintptr_t)r);
}
TAURARO_INLINE void tauraro_arenaref_repr_sb(tauraro_sb_t *sb, tauraro_arena_ref_t *r)
{
    (void)r;
    tauraro_sb_append(sb, "<Arena>", 7);
}
TAURARO_FUNC tauraro_str_t *tauraro_arenaref_str(tauraro_arena_ref_t *r)
{
    (void)r;
    return tauraro_str_from_cstr("<Arena>");
}
TAURARO_FUNC void tauraro_arenaref_release_(void *r) { tauraro_arenaref_decref((tauraro_arena_ref_t *)r); }
TAURARO_INLINE void tauraro_arenaref_held(const tauraro_obj_t *o, tauraro_arena_ref_t *r)
{
    tauraro_arena_hold(o, r, tauraro_arenaref_release_);
}
TAURARO_INLINE tauraro_arena_ref_t *tauraro_arenaref_move(tauraro_arena_ref_t *r, tauraro_move_t *m)
{
    return (tauraro_arena_ref_t *)tauraro_move_keep(m, r); /* handles are always counted */
}

/* create_arena(size): a handle (always a counted object) owning a new arena. */
TAURARO_FUNC tauraro_arena_ref_t *tauraro_create_arena(int64_t size)
{
    if (size <= 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "arena size must be positive");
        return NULL;
    }
    tauraro_arena_ref_t *r = (tauraro_arena_ref_t *)tauraro_alloc_rc(sizeof *r, TAURARO_TAG_ARENA);
    r->arena = tauraro_arena_create((size_t)size);
    r->arena->given = true;
    r->arena->strict = true;
    return r;
}

TAURARO_FUNC tauraro_arena_ref_t *tauraro_named_arena_find_(tauraro_str_t *name)
{
    for (size_t i = 0; i < tauraro_named_arenas.len; i++)
        if (tauraro_str_eq(tauraro_named_arenas.items[i].name, name))
            return tauraro_named_arenas.items[i].ref;
    return NULL;
}

/* create_arena(name): the arena of that name, created on first use. */
TAURARO_FUNC tauraro_arena_ref_t *tauraro_create_arena_named(tauraro_str_t *name)
{
    tauraro_arena_ref_t *r = tauraro_named_arena_find_(name);
    if (r != NULL) {
        tauraro_incref(r);
        return r;
    }
    r = tauraro_create_arena(TAURARO_ARENA_DEFAULT_BLOCK);
    tauraro_named_arenas.items = (struct tauraro_named_arena *)tauraro_grow(
        tauraro_named_arenas.items, &tauraro_named_arenas.cap, tauraro_named_arenas.len,
        sizeof *tauraro_named_arenas.items, 4);
    tauraro_named_arenas.items[tauraro_named_arenas.len].name = tauraro_str_new_rc(name->data, name->len);
    tauraro_named_arenas.items[tauraro_named_arenas.len].ref = r;
    tauraro_named_arenas.len++;
    tauraro_incref(r);
    return r;
}

TAURARO_FUNC tauraro_arena_ref_t *tauraro_named_arena_get_(tauraro_str_t *name)
{
    tauraro_arena_ref_t *r = tauraro_named_arena_find_(name);
    if (r == NULL) {
        tauraro_str_t *rep = tauraro_str_repr(name);
        tauraro_raise_msg(&tauraro_cls_ValueError, "no arena named %s", rep->data);
        tauraro_str_decref(rep);
    }
    return r;
}

/* The arena of a live handle (RuntimeError for a destroyed one). */
TAURARO_FUNC tauraro_arena_t *tauraro_arena_ref_get(tauraro_arena_ref_t *r)
{
    if (r->arena == NULL) {
        tauraro_raise_msg(&tauraro_cls_RuntimeError, "the arena has been destroyed");
        return NULL;
    }
    return r->arena;
}

/* reset_arena(a): every object of the arena is forgotten (at the end of the
 * call that uses it, when one does). */
TAURARO_FUNC void tauraro_reset_arena(tauraro_arena_ref_t *r)
{
    tauraro_arena_t *a = tauraro_arena_ref_get(r);
    if (a == NULL)
        return;
    if (a->level > 0)
        a->pending_reset = true;
    else
        tauraro_arena_reset(a);
}

/* destroy_arena(a): the arena and its objects are freed (at the end of the
 * call that uses it, when one does); the handle is dead afterwards. */
TAURARO_FUNC void tauraro_destroy_arena(tauraro_arena_ref_t *r)
{
    if (tauraro_arena_ref_get(r) == NULL)
        return;
    tauraro_arena_ref_kill_(r);
    for (size_t i = 0; i < tauraro_named_arenas.len; i++) /* its name is free again */
        if (tauraro_named_arenas.items[i].ref == r) {
            tauraro_str_decref(tauraro_named_arenas.items[i].name);
            tauraro_named_arenas.items[i] = tauraro_named_arenas.items[--tauraro_named_arenas.len];
            tauraro_arenaref_decref(r);
            break;
        }
}

TAURARO_FUNC void tauraro_reset_arena_named(tauraro_str_t *name)
{
    tauraro_arena_ref_t *r = tauraro_named_arena_get_(name);
    if (r != NULL)
        tauraro_reset_arena(r);
}

TAURARO_FUNC void tauraro_destroy_arena_named(tauraro_str_t *name)
{
    tauraro_arena_ref_t *r = tauraro_named_arena_get_(name);
    if (r == NULL)
        return;
    tauraro_destroy_arena(r);
}

/* At exit: named arenas and arenas kept alive by escapes are freed. */
TAURARO_FUNC void tauraro_memory_shutdown(void)
{
    for (size_t i = 0; i < tauraro_named_arenas.len; i++) {
        tauraro_str_decref(tauraro_named_arenas.items[i].name);
        tauraro_arenaref_decref(tauraro_named_arenas.items[i].ref);
    }
    free(tauraro_named_arenas.items);
    memset(&tauraro_named_arenas, 0, sizeof tauraro_named_arenas);
    while (tauraro_arena_kept != NULL) {
        tauraro_arena_t *a = tauraro_arena_kept;
        tauraro_arena_kept = a->next_kid;
        tauraro_arena_destroy(a);
    }
}

/* ---- Buffer ----------------------------------------------------------------------- */

typedef struct tauraro_buffer {
    tauraro_obj_t hdr;
    int64_t len;
    uint8_t *data;
    int64_t align;            /* allocate_aligned's alignment; 0: data follows the header */
} tauraro_buffer_t;

/* --memory-debug: guard bytes after a Buffer's data catch writes past its
 * end that did not go through b[i] (which is always checked). */
#ifdef TAURARO_MEMORY_DEBUG
#define TAURARO_BUFFER_GUARD ((size_t)16)
#else
#define TAURARO_BUFFER_GUARD ((size_t)0)
#endif

TAURARO_INLINE void tauraro_buffer_guard_set_(tauraro_buffer_t *b)
{
#ifdef TAURARO_MEMORY_DEBUG
    memset(b->data + b->len, 0xAB, TAURARO_BUFFER_GUARD);
#else
    (void)b;
#endif
}

/* The guard bytes are intact (always true without --memory-debug). */
TAURARO_FUNC bool tauraro_buffer_guard_ok(const tauraro_buffer_t *b)
{
#ifdef TAURARO_MEMORY_DEBUG
    for (size_t i = 0; i < TAURARO_BUFFER_GUARD; i++)
        if (b->data[b->len + (int64_t)i] != 0xAB)
            return false;
#else
    (void)b;
#endif
    return true;
}

TAURARO_FUNC void tauraro_buffer_dtor(void *obj)
{
    tauraro_buffer_t *b = (tauraro_buffer_t *)obj;
#ifdef TAURARO_MEMORY_DEBUG
    if (!tauraro_buffer_guard_ok(b))
        tauraro_dbg_fail_("buffer overrun (the bytes after its end were overwritten) found when releasing it",
                          tauraro_dbg_find(b));
#endif
    if (b->align != 0 && b->hdr.strategy != TAURARO_ARENA) {
        if (b->hdr.strategy == TAURARO_AUTO)
            tauraro_stats.auto_bytes -= (int64_t)tauraro_heap_size(b->data);
        else if (b->hdr.strategy == TAURARO_MANUAL)
            tauraro_stats.manual_bytes -= (int64_t)tauraro_heap_size(b->data);
        free(b->data);
    }
    b->data = NULL;
}

/* allocate(n): n zero bytes. */
TAURARO_FUNC tauraro_buffer_t *tauraro_allocate(int64_t n)
{
    if (n < 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "negative buffer size");
        return NULL;
    }
    if ((uint64_t)n > (uint64_t)(SIZE_MAX / 2))
        tauraro_out_of_memory();
    tauraro_buffer_t *b = (tauraro_buffer_t *)tauraro_obj_new(
        sizeof(tauraro_buffer_t) + (size_t)n + TAURARO_BUFFER_GUARD, TAURARO_TAG_BUFFER);
    b->len = n;
    b->data = (uint8_t *)(b + 1);
    b->align = 0;
    memset(b->data, 0, (size_t)n);
    tauraro_buffer_guard_set_(b);
    return b;
}

/* allocate_aligned(n, align): n zero bytes at an address that is a multiple
 * of align (a power of two). */
TAURARO_FUNC tauraro_buffer_t *tauraro_allocate_aligned(int64_t n, int64_t align)
{
    if (n < 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "negative buffer size");
        return NULL;
    }
    if (align <= 0 || (align & (align - 1)) != 0 || align > 65536) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "alignment must be a power of two up to 65536");
        return NULL;
    }
    if ((uint64_t)n > (uint64_t)(SIZE_MAX / 2))
        tauraro_out_of_memory();
    tauraro_buffer_t *b = (tauraro_buffer_t *)tauraro_obj_new(sizeof(tauraro_buffer_t), TAURARO_TAG_BUFFER);
    b->len = n;
    b->align = align;
    size_t bytes = (size_t)n + TAURARO_BUFFER_GUARD;
    if (b->hdr.strategy == TAURARO_ARENA) {
        b->data = (uint8_t *)tauraro_arena_alloc_aligned(tauraro_arena_of(b), bytes ? bytes : 1,
                                                         (size_t)align);
    } else {
        b->data = (uint8_t *)tauraro_alloc_aligned(bytes, (size_t)align);
        int64_t bytes = (int64_t)tauraro_heap_size(b->data);
        if (b->hdr.strategy == TAURARO_AUTO)
            tauraro_stats.auto_bytes += bytes;
        else
            tauraro_stats.manual_bytes += bytes;
    }
    memset(b->data, 0, (size_t)n);
    tauraro_buffer_guard_set_(b);
    return b;
}

TAURARO_INLINE int64_t tauraro_buffer_len(const tauraro_buffer_t *b) { return b->len; }

/* b[i] (negative i counts from the end); IndexError when out of range. */
TAURARO_INLINE int64_t tauraro_buffer_get(const tauraro_buffer_t *b, int64_t i)
{
    if (i < 0)
        i += b->len;
    if (TAURARO_UNLIKELY(i < 0 || i >= b->len)) {
        tauraro_raise_msg(&tauraro_cls_IndexError, "buffer index out of range");
        return 0;
    }
    return b->data[i];
}

/* b[i] = v; IndexError when out of range, ValueError unless 0 <= v < 256. */
TAURARO_INLINE void tauraro_buffer_set(tauraro_buffer_t *b, int64_t i, int64_t v)
{
    if (i < 0)
        i += b->len;
    if (TAURARO_UNLIKELY(i < 0 || i >= b->len)) {
        tauraro_raise_msg(&tauraro_cls_IndexError, "buffer index out of range");
        return;
    }
    if (TAURARO_UNLIKELY(v < 0 || v > 255)) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "byte must be in range(0, 256)");
        return;
    }
    b->data[i] = (uint8_t)v;
}

TAURARO_INLINE void tauraro_buffer_incref(tauraro_buffer_t *b) { tauraro_incref(b); }
TAURARO_INLINE void tauraro_buffer_decref(tauraro_buffer_t *b) { tauraro_decref(b, tauraro_buffer_dtor); }
TAURARO_FUNC void tauraro_buffer_release_(void *b) { tauraro_buffer_decref((tauraro_buffer_t *)b); }
TAURARO_INLINE void tauraro_buffer_held(const tauraro_obj_t *o, tauraro_buffer_t *b)
{
    tauraro_arena_hold(o, b, tauraro_buffer_release_);
}
TAURARO_INLINE bool tauraro_buffer_eq(tauraro_buffer_t *a, tauraro_buffer_t *b)
{
    return a->len == b->len && memcmp(a->data, b->data, (size_t)a->len) == 0;
}
TAURARO_INLINE bool tauraro_buffer_lt(tauraro_buffer_t *a, tauraro_buffer_t *b)
{
    int64_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, (size_t)n);
    return c < 0 || (c == 0 && a->len < b->len);
}

/* repr: like a bytearray subclass named Buffer, e.g. Buffer(b'\x00\x01a') */
TAURARO_FUNC void tauraro_buffer_repr_sb(tauraro_sb_t *sb, tauraro_buffer_t *b)
{
    static const char hex[] = "0123456789abcdef";
    /* Python's choice: single quotes, unless the bytes hold ' and no " */
    char q = '\'';
    if (memchr(b->data, '\'', (size_t)b->len) != NULL && memchr(b->data, '"', (size_t)b->len) == NULL)
        q = '"';
    tauraro_sb_append(sb, "Buffer(b", 8);
    tauraro_sb_append(sb, &q, 1);
    for (int64_t i = 0; i < b->len; i++) {
        uint8_t c = b->data[i];
        char esc[4] = {'\\', 0, 0, 0};
        if (c == '\\' || c == '\'' || c == (uint8_t)q) { /* bytearray escapes ' even in "..." */
            esc[1] = (char)c;
            tauraro_sb_append(sb, esc, 2);
        } else if (c == '\t' || c == '\n' || c == '\r') {
            esc[1] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
            tauraro_sb_append(sb, esc, 2);
        } else if (c < 32 || c >= 127) {
            esc[1] = 'x';
            esc[2] = hex[c >> 4];
            esc[3] = hex[c & 15];
            tauraro_sb_append(sb, esc, 4);
        } else {
            char ch = (char)c;
            tauraro_sb_append(sb, &ch, 1);
        }
    }
    tauraro_sb_append(sb, &q, 1);
    tauraro_sb_append(sb, ")", 1);
}

TAURARO_FUNC tauraro_str_t *tauraro_buffer_str(tauraro_buffer_t *b)
{
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_buffer_repr_sb(&sb, b);
    return tauraro_sb_to_str(&sb);
}

TAURARO_FUNC tauraro_buffer_t *tauraro_buffer_move(tauraro_buffer_t *b, tauraro_move_t *m)
{
    void *r;
    if (tauraro_move_settled(m, b, &r))
        return (tauraro_buffer_t *)r;
    if (m->adopt)
        return (tauraro_buffer_t *)tauraro_move_adopt(m, b);
    tauraro_buffer_t *c = b->align ? tauraro_allocate_aligned(b->len, b->align) : tauraro_allocate(b->len);
    memcpy(c->data, b->data, (size_t)b->len);
    return (tauraro_buffer_t *)tauraro_move_put(m, b, c);
}

/* ---- memory_stats() ----------------------------------------------------------------- */

TAURARO_FUNC tauraro_dict_str_int_t *tauraro_memory_stats(void)
{
    static const char *const keys[] = {"auto_objects", "auto_bytes",  "manual_objects", "manual_bytes",
                                       "arenas",       "arena_bytes", "total_bytes"};
    tauraro_stats_t s = tauraro_stats;
    int64_t vals[] = {s.auto_objects, s.auto_bytes,  s.manual_objects,
                      s.manual_bytes, s.arena_count, s.arena_bytes,
                      s.auto_bytes + s.manual_bytes + s.arena_bytes};
    tauraro_dict_str_int_t *d = tauraro_dict_str_int_new();
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        tauraro_str_t *k = tauraro_str_from_cstr(keys[i]);
        tauraro_dict_str_int_set(d, k, vals[i]);
        tauraro_str_decref(k);
    }
#ifdef TAURARO_MEMORY_DEBUG
    /* --memory-debug also counts allocations and the peak of live bytes */
    static const char *const dkeys[] = {"peak_bytes", "auto_allocs", "manual_allocs", "arena_allocs"};
    int64_t dvals[] = {tauraro_dbg.peak, tauraro_dbg.allocs[TAURARO_AUTO], tauraro_dbg.allocs[TAURARO_MANUAL],
                       tauraro_dbg.allocs[TAURARO_ARENA]};
    for (size_t i = 0; i < sizeof dvals / sizeof dvals[0]; i++) {
        tauraro_str_t *k = tauraro_str_from_cstr(dkeys[i]);
        tauraro_dict_str_int_set(d, k, dvals[i]);
        tauraro_str_decref(k);
    }
#endif
    return d;
}

#endif /* TAURARO_MEMORY_H */
