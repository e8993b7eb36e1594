/* Unit tests of the memory strategies at run time: the object header,
 * allocation mode and arena ids (mem.h), moving values between strategies
 * (move.h: copies out of an arena, adopting manual objects, the memo, the
 * deferred fills of deep structures, tauraro_obj_make_manual) and arena
 * calls, escapes, Arena handles, Buffers and memory_stats() (memory.h).
 *
 * Every test checks that the counted and manual objects, their bytes and the
 * live arenas are back to where they started; run under valgrind
 * --leak-check=full: it must be clean. */
#include "tauraro/runtime.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "runtime_check.h"

/* The str s holds the bytes of expect. */
#define assert_str_is(s, expect)                                                        \
    do {                                                                                \
        assert_int_equal((s)->len, (int64_t)strlen(expect));                            \
        assert_memory_equal((s)->data, (expect), strlen(expect));                       \
    } while (0)

/* Objects, bytes and arenas at the start of a test; equal at its end, with
 * no arena call in progress and the allocation mode back to AUTO. */
static tauraro_stats_t stats0;
static int setup(void **state)
{
    (void)state;
    stats0 = tauraro_stats;
    return 0;
}
static int teardown(void **state)
{
    (void)state;
    assert_null(tauraro_cur_exc);
    assert_int_equal(tauraro_mode, TAURARO_AUTO);
    assert_null(tauraro_cur_arena);
    assert_int_equal(tauraro_arena_depth, 0);
    assert_null(tauraro_arena_kept);
    assert_int_equal(tauraro_named_arenas.len, 0);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects);
    assert_int_equal(tauraro_stats.auto_bytes, stats0.auto_bytes);
    assert_int_equal(tauraro_stats.manual_objects, stats0.manual_objects);
    assert_int_equal(tauraro_stats.manual_bytes, stats0.manual_bytes);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
    assert_int_equal(tauraro_stats.arena_bytes, stats0.arena_bytes);
    return 0;
}

/* ---- element kinds the compiler would generate ------------------------------------------------ */

TAURARO_LIST_DEFINE(list_int, tauraro_list_int_t *);

/* A list whose elements are lists of its own type (a Python list of lists of
 * any depth): deep chains and cycles. Its element operations are the list's
 * own, declared before the list type exists. */
struct tauraro_list_node;
static inline void tauraro_node_incref(struct tauraro_list_node *v);
static inline void tauraro_node_decref(struct tauraro_list_node *v);
static inline bool tauraro_node_eq(struct tauraro_list_node *a, struct tauraro_list_node *b);
static inline bool tauraro_node_lt(struct tauraro_list_node *a, struct tauraro_list_node *b);
static inline void tauraro_node_repr_sb(tauraro_sb_t *sb, struct tauraro_list_node *v);
static inline void tauraro_node_held(const tauraro_obj_t *o, struct tauraro_list_node *v);
static inline struct tauraro_list_node *tauraro_node_move(struct tauraro_list_node *v, tauraro_move_t *m);
TAURARO_LIST_DEFINE(node, struct tauraro_list_node *);
static inline void tauraro_node_incref(struct tauraro_list_node *v) { tauraro_list_node_incref(v); }
static inline void tauraro_node_decref(struct tauraro_list_node *v) { tauraro_list_node_decref(v); }
static inline bool tauraro_node_eq(struct tauraro_list_node *a, struct tauraro_list_node *b) { return a == b; }
static inline bool tauraro_node_lt(struct tauraro_list_node *a, struct tauraro_list_node *b)
{
    return a->len < b->len;
}
static inline void tauraro_node_repr_sb(tauraro_sb_t *sb, struct tauraro_list_node *v)
{
    tauraro_list_node_repr_sb(sb, v);
}
static inline void tauraro_node_held(const tauraro_obj_t *o, struct tauraro_list_node *v)
{
    tauraro_list_node_held(o, v);
}
static inline struct tauraro_list_node *tauraro_node_move(struct tauraro_list_node *v, tauraro_move_t *m)
{
    return tauraro_list_node_move(v, m);
}

/* ---- 1. arena calls: levels, joins, allocation mode -------------------------------------------- */

static void test_arena_call_levels(void **state)
{
    (void)state;
    /* a frame that was never begun: nothing to leave or finish */
    tauraro_arena_frame_t none = {0};
    assert_false(tauraro_arena_leave(&none));
    tauraro_arena_finish(&none);
    assert_int_equal(tauraro_mode, TAURARO_AUTO);

    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    assert_true(f.begun);
    assert_true(f.pushed);
    assert_non_null(f.arena);
    assert_int_equal(f.prev_mode, TAURARO_AUTO);
    assert_null(f.prev_arena);
    assert_int_equal(tauraro_mode, TAURARO_ARENA);
    assert_ptr_equal(tauraro_cur_arena, f.arena);
    assert_int_equal(f.level, 1);
    assert_int_equal(f.arena->level, 1);
    assert_int_equal(tauraro_arena_depth, 1);
    assert_ptr_equal(tauraro_arena_stack[1], f.arena);
    assert_true(f.arena->strict);  /* an explicit arena call: escapes are errors */
    assert_false(f.arena->given);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);

    /* every constructor allocates from the call's arena */
    tauraro_obj_t *o = tauraro_obj_new(sizeof *o + 16, TAURARO_TAG_INSTANCE);
    assert_int_equal(o->strategy, TAURARO_ARENA);
    assert_int_equal(o->tag, TAURARO_TAG_INSTANCE);
    assert_int_equal(o->rc, f.arena->id);  /* an arena object's rc names its arena */
    assert_ptr_equal(tauraro_arena_of(o), f.arena);
    tauraro_list_str_t *l = tauraro_list_str_new(4);
    assert_int_equal(l->hdr.strategy, TAURARO_ARENA);
    assert_int_equal(l->hdr.tag, TAURARO_TAG_LIST);
    assert_ptr_equal(tauraro_arena_of(l), f.arena);
    assert_true((char *)l->items >= tauraro_arena_first_data(f.arena) && (char *)l->items < f.arena->end);
    tauraro_str_t *s = tauraro_str_new("arena", 5);
    assert_int_equal(s->hdr.strategy, TAURARO_ARENA);
    assert_ptr_equal(tauraro_arena_of(s), f.arena);
    assert_int_equal(tauraro_arena_of(s)->level, 1);
    tauraro_list_str_append(l, s);
    tauraro_incref(s);                        /* counting is a no-op on arena objects */
    tauraro_str_decref(s);
    tauraro_str_decref(s);
    assert_int_equal(s->hdr.rc, f.arena->id);
    assert_int_equal(s->hdr.strategy, TAURARO_ARENA);
    /* the counted-heap constructor ignores the mode */
    tauraro_str_t *h = tauraro_str_new_rc("heap", 4);
    assert_int_equal(h->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects + 1);
    assert_true(tauraro_arena_bytes_used(f.arena) >= sizeof *o + 16 + sizeof *l + sizeof *s + 5);

    /* a nested explicit arena call: a new arena at level 2 */
    tauraro_arena_frame_t g = {0};
    tauraro_arena_begin(&g, NULL, false);
    assert_non_null(g.arena);
    assert_ptr_not_equal(g.arena, f.arena);
    assert_int_equal(g.level, 2);
    assert_int_equal(g.arena->level, 2);
    assert_int_equal(tauraro_arena_depth, 2);
    assert_ptr_equal(tauraro_arena_stack[2], g.arena);
    assert_ptr_equal(g.prev_arena, f.arena);
    assert_int_equal(g.prev_mode, TAURARO_ARENA);
    assert_ptr_equal(tauraro_cur_arena, g.arena);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 2);
    tauraro_str_t *s2 = tauraro_str_new("inner", 5);
    assert_ptr_equal(tauraro_arena_of(s2), g.arena);
    assert_int_equal(tauraro_arena_of(s2)->level, 2);
    assert_int_not_equal(s2->hdr.rc, s->hdr.rc);

    /* a default-strategy call inside an arena call joins the caller's arena */
    tauraro_arena_frame_t j = {0};
    tauraro_arena_begin(&j, NULL, true);
    assert_true(j.begun);
    assert_null(j.arena);
    assert_false(j.pushed);
    assert_int_equal(j.level, 0);
    assert_ptr_equal(tauraro_cur_arena, g.arena);
    assert_int_equal(tauraro_mode, TAURARO_ARENA);
    assert_int_equal(tauraro_arena_depth, 2);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 2);
    tauraro_str_t *s3 = tauraro_str_new("joined", 6);
    assert_ptr_equal(tauraro_arena_of(s3), g.arena);
    assert_false(tauraro_arena_leave(&j));  /* same arena: the result need not move */
    assert_ptr_equal(tauraro_cur_arena, g.arena);
    assert_int_equal(tauraro_mode, TAURARO_ARENA);
    tauraro_arena_finish(&j);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 2);
    assert_int_equal(tauraro_arena_depth, 2);
    assert_str_is(s3, "joined");

    assert_true(tauraro_arena_leave(&g));   /* back to the caller's arena */
    assert_ptr_equal(tauraro_cur_arena, f.arena);
    assert_int_equal(tauraro_mode, TAURARO_ARENA);
    tauraro_arena_finish(&g);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);
    assert_int_equal(tauraro_arena_depth, 1);
    assert_null(tauraro_arena_stack[2]);
    /* the outer arena is untouched */
    assert_str_is(s, "arena");
    assert_int_equal(l->len, 1);
    assert_ptr_equal(l->items[0], s);
    assert_ptr_equal(tauraro_arena_of(l), f.arena);

    assert_true(tauraro_arena_leave(&f));
    assert_int_equal(tauraro_mode, TAURARO_AUTO);
    assert_null(tauraro_cur_arena);
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
    assert_int_equal(tauraro_arena_depth, 0);
    assert_null(tauraro_arena_stack[1]);

    /* counted objects again */
    tauraro_str_t *a = tauraro_str_new("auto", 4);
    assert_int_equal(a->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(a->hdr.rc, 1);
    tauraro_str_decref(a);
    assert_str_is(h, "heap");
    tauraro_str_decref(h);

    /* a default call from manual code opens its own (non-strict) arena, and
     * leaving goes back to MANUAL */
    tauraro_mode = TAURARO_MANUAL;
    tauraro_arena_frame_t d = {0};
    tauraro_arena_begin(&d, NULL, true);
    assert_non_null(d.arena);
    assert_false(d.arena->strict);
    assert_int_equal(d.level, 1);
    assert_int_equal(tauraro_mode, TAURARO_ARENA);
    assert_int_equal(tauraro_str_new("x1", 2)->hdr.strategy, TAURARO_ARENA);
    assert_true(tauraro_arena_leave(&d));
    assert_int_equal(tauraro_mode, TAURARO_MANUAL);
    assert_null(tauraro_cur_arena);
    tauraro_arena_finish(&d);
    tauraro_str_t *m = tauraro_str_new("manual", 6);
    assert_int_equal(m->hdr.strategy, TAURARO_MANUAL);
    tauraro_mode = TAURARO_AUTO;
    tauraro_obj_free(m, NULL);
}

/* The arena of a call starts with a small block and doubles its regular
 * blocks up to TAURARO_ARENA_GROW_MAX; a given arena keeps its size. */
static void test_call_arena_blocks(void **state)
{
    (void)state;
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_arena_t *a = f.arena;
    assert_true(a->grow);
    assert_int_equal(tauraro_arena_bytes_reserved(a), TAURARO_ARENA_CALL_BLOCK);
    assert_int_equal(tauraro_stats.arena_bytes, stats0.arena_bytes + (int64_t)TAURARO_ARENA_CALL_BLOCK);
    size_t prev_block = a->block_size;
    for (int i = 0; i < 20000; i++) {
        tauraro_str_t *s = tauraro_str_from_int(i);
        assert_ptr_equal(tauraro_arena_of(s), a);
        assert_true(a->block_size >= prev_block);
        assert_true(a->block_size <= TAURARO_ARENA_GROW_MAX);
        prev_block = a->block_size;
    }
    assert_int_equal(a->block_size, TAURARO_ARENA_GROW_MAX);
    assert_true(tauraro_arena_block_count(a) < 20);  /* doubling: few blocks */
    assert_int_equal(tauraro_stats.arena_bytes, stats0.arena_bytes + (int64_t)tauraro_arena_bytes_reserved(a));
    assert_true(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_bytes, stats0.arena_bytes);

    /* a given arena does not grow; a reset one starts small again */
    tauraro_arena_ref_t *ref = tauraro_create_arena(256);
    assert_false(ref->arena->grow);
    tauraro_arena_begin(&f, ref->arena, false);
    for (int i = 0; i < 200; i++)
        tauraro_str_from_int(i);
    assert_int_equal(ref->arena->block_size, 256);
    assert_true(tauraro_arena_block_count(ref->arena) > 2);
    tauraro_reset_arena(ref);
    tauraro_arena_leave(&f);
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_arena_block_count(ref->arena), 1);
    assert_int_equal(tauraro_arena_bytes_reserved(ref->arena), 256);
    tauraro_arenaref_decref(ref);              /* the last reference: the arena goes */
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);

    /* destroying the current arena returns to counted allocation */
    tauraro_arena_t *cur = tauraro_arena_create(0);
    tauraro_arena_enter(cur);
    assert_int_equal(tauraro_mode, TAURARO_ARENA);
    tauraro_arena_destroy(cur);
    assert_null(tauraro_cur_arena);
    assert_int_equal(tauraro_mode, TAURARO_AUTO);
    tauraro_str_t *h = tauraro_str_new("heap", 4);
    assert_int_equal(h->hdr.strategy, TAURARO_AUTO);
    tauraro_str_decref(h);
}

/* ---- 2. moving results out of an arena ---------------------------------------------------------- */

static void test_move_out_of_arena(void **state)
{
    (void)state;
    tauraro_str_t *pre = S("before");
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    tauraro_str_t *s = tauraro_str_new("shared", 6);
    tauraro_list_str_append(l, s);
    tauraro_list_str_append(l, s);
    tauraro_list_str_append(l, pre);
    assert_int_equal(pre->hdr.rc, 2);         /* the arena list's reference... */
    assert_int_equal(f.arena->nheld, 1);      /* ...kept by its arena */
    assert_int_equal(l->hdr.strategy, TAURARO_ARENA);

    assert_true(tauraro_arena_leave(&f));
    assert_int_equal(tauraro_mode, TAURARO_AUTO);
    int64_t auto0 = tauraro_stats.auto_objects;
    tauraro_move_t m;
    tauraro_move_init(&m, f.level, false);
    assert_int_equal(m.level, 1);
    assert_false(m.adopt);
    assert_true(tauraro_move_wanted(&m, l));
    assert_true(tauraro_move_wanted(&m, s));
    assert_false(tauraro_move_wanted(&m, pre));
    assert_false(tauraro_move_wanted(&m, NULL));
    assert_false(tauraro_move_wanted(&m, &tauraro_str_empty));
    tauraro_list_str_t *c = tauraro_list_str_move(l, &m);
    assert_int_equal(m.len, 2);               /* memo: the list and the shared str */
    tauraro_move_done(&m);
    assert_null(m.keys);
    assert_null(m.vals);
    assert_null(m.pend);
    assert_int_equal(m.len, 0);
    assert_int_equal(m.depth, 0);

    assert_ptr_not_equal(c, l);
    assert_int_equal(c->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(c->hdr.rc, 1);
    assert_int_equal(c->len, 3);
    assert_ptr_not_equal(c->items[0], s);
    assert_int_equal(c->items[0]->hdr.strategy, TAURARO_AUTO);
    assert_ptr_equal(c->items[1], c->items[0]);  /* still shared */
    assert_int_equal(c->items[0]->hdr.rc, 2);
    assert_str_is(c->items[0], "shared");
    assert_ptr_equal(c->items[2], pre);          /* counted: not copied */
    assert_int_equal(pre->hdr.rc, 3);
    assert_int_equal(tauraro_stats.auto_objects, auto0 + 2);

    /* a value that is not in an arena of that level: a new reference to it */
    tauraro_move_init(&m, f.level, false);
    tauraro_list_str_t *k = tauraro_list_str_move(c, &m);
    tauraro_move_done(&m);
    assert_ptr_equal(k, c);
    assert_int_equal(c->hdr.rc, 2);
    tauraro_list_str_decref(k);
    tauraro_move_init(&m, f.level, false);
    assert_ptr_equal(tauraro_str_move(&tauraro_str_empty, &m), &tauraro_str_empty);
    assert_int_equal(tauraro_int_move(42, &m), 42);
    tauraro_move_done(&m);

    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
    assert_int_equal(pre->hdr.rc, 2);             /* the arena's reference is gone */
    check_repr(list_str, c, "['shared', 'shared', 'before']");
    tauraro_list_str_decref(c);
    assert_int_equal(pre->hdr.rc, 1);
    tauraro_str_decref(pre);
}

/* A result of a nested call moves into its caller's arena; objects of the
 * caller's arena (a lower level) stay where they are. */
static void test_move_between_levels(void **state)
{
    (void)state;
    tauraro_arena_frame_t f = {0}, g = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_str_t *outer = tauraro_str_new("outer", 5);
    tauraro_arena_begin(&g, NULL, false);
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    tauraro_list_str_append(l, outer);
    tauraro_list_str_append_move(l, tauraro_str_new("inner", 5));
    assert_ptr_equal(tauraro_arena_of(l), g.arena);

    assert_true(tauraro_arena_leave(&g));
    tauraro_move_t m;
    tauraro_move_init(&m, g.level, false);
    assert_false(tauraro_move_wanted(&m, outer));
    tauraro_list_str_t *c = tauraro_list_str_move(l, &m);
    tauraro_move_done(&m);
    tauraro_arena_finish(&g);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);

    assert_int_equal(c->hdr.strategy, TAURARO_ARENA);
    assert_ptr_equal(tauraro_arena_of(c), f.arena);
    assert_int_equal(c->len, 2);
    assert_ptr_equal(c->items[0], outer);
    assert_ptr_equal(tauraro_arena_of(c->items[1]), f.arena);
    assert_str_is(c->items[1], "inner");       /* readable after the inner arena went */
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects);

    assert_true(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
}

/* Detaching (what an exception keeps): a value copied out of every arena
 * into counted objects, whatever the current mode. */
static void test_detach(void **state)
{
    (void)state;
    tauraro_str_t *counted = S("counted");
    tauraro_arena_frame_t f = {0}, g = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_str_t *outer = tauraro_str_new("outer", 5);
    tauraro_arena_begin(&g, NULL, false);
    tauraro_list_str_t *l = tauraro_list_str_from(3, (tauraro_str_t *[]){ outer, tauraro_str_new("inner", 5), counted });
    tauraro_move_t m;
    uint8_t mode = tauraro_detach_begin(&m);
    assert_int_equal(mode, TAURARO_ARENA);
    assert_int_equal(tauraro_mode, TAURARO_AUTO);
    tauraro_list_str_t *c = tauraro_list_str_move(l, &m);
    tauraro_detach_end(&m, mode);
    assert_int_equal(tauraro_mode, TAURARO_ARENA);
    assert_ptr_equal(tauraro_cur_arena, g.arena);
    assert_int_equal(c->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(c->items[0]->hdr.strategy, TAURARO_AUTO);  /* level 1 copied too */
    assert_ptr_not_equal(c->items[0], outer);
    assert_int_equal(c->items[1]->hdr.strategy, TAURARO_AUTO);
    assert_ptr_equal(c->items[2], counted);
    assert_true(tauraro_arena_leave(&g));
    tauraro_arena_finish(&g);
    assert_true(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
    check_repr(list_str, c, "['outer', 'inner', 'counted']");
    assert_int_equal(counted->hdr.rc, 2);
    tauraro_list_str_decref(c);
    tauraro_str_decref(counted);
}

/* ---- 3. deep structures: deferred fills ---------------------------------------------------------- */

#define CHAIN_DEPTH 200

static void test_move_deep_structure(void **state)
{
    (void)state;
    tauraro_list_node_t *ext = tauraro_list_node_new(0);  /* counted, from before the call */
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    /* root -> [n1, leaf] -> [n2, leaf] -> ... -> [leaf, ext], CHAIN_DEPTH links */
    tauraro_list_node_t *leaf = tauraro_list_node_new(0);
    tauraro_list_node_t *root = tauraro_list_node_new(0), *cur = root;
    for (int i = 0; i < CHAIN_DEPTH; i++) {
        tauraro_list_node_t *child = tauraro_list_node_new(2);
        tauraro_list_node_append(cur, child);
        tauraro_list_node_append(cur, leaf);
        cur = child;
    }
    tauraro_list_node_append(cur, leaf);
    tauraro_list_node_append(cur, ext);
    assert_int_equal(ext->hdr.rc, 2);

    assert_true(tauraro_arena_leave(&f));
    tauraro_move_t m;
    tauraro_move_init(&m, f.level, false);
    tauraro_list_node_t *c = tauraro_list_node_move(root, &m);
    /* past TAURARO_MOVE_DEPTH nested fills, the rest waits */
    assert_true(m.npend > 0);
    assert_int_equal(m.depth, 0);
    tauraro_move_done(&m);
    assert_int_equal(m.npend, 0);
    assert_null(m.pend);
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);

    /* a complete copy, checked after its arena is gone */
    tauraro_list_node_t *leafc = c->items[1];
    assert_ptr_not_equal(leafc, leaf);
    assert_int_equal(leafc->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(leafc->len, 0);
    assert_int_equal(leafc->hdr.rc, CHAIN_DEPTH + 1);  /* one copy, shared by every level */
    int depth = 0;
    for (cur = c; cur->len == 2 && cur->items[1] == leafc; cur = cur->items[0]) {
        assert_int_equal(cur->hdr.strategy, TAURARO_AUTO);
        assert_int_equal(cur->hdr.rc, 1);
        depth++;
    }
    assert_int_equal(depth, CHAIN_DEPTH);
    assert_int_equal(cur->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(cur->len, 2);
    assert_ptr_equal(cur->items[0], leafc);
    assert_ptr_equal(cur->items[1], ext);
    assert_int_equal(ext->hdr.rc, 2);   /* the copy's reference; the arena's went */
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects + 1 + CHAIN_DEPTH + 2);

    tauraro_list_node_decref(c);
    assert_int_equal(ext->hdr.rc, 1);
    tauraro_list_node_decref(ext);
}

/* A long list[list[int]]: every inner list copied with its ints. */
static void test_move_long_list_of_lists(void **state)
{
    (void)state;
    enum { N = 3000 };
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_list_list_int_t *l = tauraro_list_list_int_new(0);
    for (int64_t i = 0; i < N; i++)
        tauraro_list_list_int_append_move(l, tauraro_list_int_from(2, (int64_t[]){ i, 2 * i }));
    assert_true(tauraro_arena_leave(&f));
    tauraro_move_t m;
    tauraro_move_init(&m, f.level, false);
    tauraro_list_list_int_t *c = tauraro_list_list_int_move(l, &m);
    assert_int_equal(m.npend, 0);  /* shallow: no fill waits */
    tauraro_move_done(&m);
    tauraro_arena_finish(&f);
    assert_int_equal(c->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(c->len, N);
    for (int64_t i = 0; i < N; i++) {
        tauraro_list_int_t *x = c->items[i];
        assert_int_equal(x->hdr.strategy, TAURARO_AUTO);
        assert_int_equal(x->hdr.rc, 1);
        assert_int_equal(x->len, 2);
        assert_int_equal(x->items[0], i);
        assert_int_equal(x->items[1], 2 * i);
    }
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects + 1 + N);
    tauraro_list_list_int_decref(c);
}

/* Cycles: the memo maps every object to one copy, so the copy has the same
 * shape and the move terminates. */
static void test_move_cycle(void **state)
{
    (void)state;
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_list_node_t *a = tauraro_list_node_new(0), *b = tauraro_list_node_new(0);
    tauraro_list_node_append(a, a);   /* a = [a, b], b = [a] */
    tauraro_list_node_append(a, b);
    tauraro_list_node_append(b, a);
    assert_true(tauraro_arena_leave(&f));
    tauraro_move_t m;
    tauraro_move_init(&m, f.level, false);
    tauraro_list_node_t *c = tauraro_list_node_move(a, &m);
    tauraro_move_done(&m);
    tauraro_arena_finish(&f);

    assert_int_equal(c->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(c->len, 2);
    assert_ptr_equal(c->items[0], c);
    tauraro_list_node_t *bc = c->items[1];
    assert_int_equal(bc->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(bc->len, 1);
    assert_ptr_equal(bc->items[0], c);
    assert_int_equal(c->hdr.rc, 3);   /* the result, c[0], b[0] */
    assert_int_equal(bc->hdr.rc, 1);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects + 2);
    /* break the cycle, then everything goes */
    tauraro_list_node_clear(bc);
    tauraro_list_node_clear(c);
    assert_int_equal(c->hdr.rc, 1);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects + 1);
    tauraro_list_node_decref(c);
}

/* ---- 4. adopting manual objects ------------------------------------------------------------------- */

static void test_adopt_manual(void **state)
{
    (void)state;
    tauraro_mode = TAURARO_MANUAL;
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    tauraro_str_t *s = tauraro_str_new("manual", 6);
    tauraro_str_t *a = S("counted");
    tauraro_list_str_append(l, s);
    tauraro_list_str_append(l, s);
    tauraro_list_str_append(l, a);   /* a manual container counts its elements */
    tauraro_mode = TAURARO_AUTO;
    tauraro_str_decref(a);
    assert_int_equal(a->hdr.rc, 1);
    assert_int_equal(l->hdr.strategy, TAURARO_MANUAL);
    assert_int_equal(s->hdr.strategy, TAURARO_MANUAL);
    /* a manual object keeps an exact count, but its count never frees it */
    assert_int_equal(s->hdr.rc, 3);  /* the variable and two slots */
    tauraro_str_decref(s);           /* the function's variable lets go */
    assert_int_equal(s->hdr.rc, 2);
    assert_int_equal(s->hdr.strategy, TAURARO_MANUAL);
    tauraro_list_str_incref(l);
    assert_int_equal(l->hdr.rc, 2);
    tauraro_list_str_decref(l);
    assert_int_equal(l->hdr.rc, 1);
    assert_int_equal(tauraro_stats.manual_objects, stats0.manual_objects + 2);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects + 1);
    int64_t manual_bytes = tauraro_stats.manual_bytes - stats0.manual_bytes;
    int64_t all_bytes = tauraro_stats.auto_bytes + tauraro_stats.manual_bytes;
    assert_true(manual_bytes >= (int64_t)(sizeof *l + sizeof *s + 6 + 3 * sizeof(void *)));

    tauraro_move_t m;
    tauraro_move_init(&m, 0, true);
    assert_true(tauraro_move_wanted(&m, l));
    assert_false(tauraro_move_wanted(&m, a));
    tauraro_list_str_t *r = tauraro_list_str_move(l, &m);
    tauraro_move_done(&m);
    assert_ptr_equal(r, l);                  /* adopted in place */
    assert_int_equal(l->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(l->hdr.rc, 1);
    assert_ptr_equal(l->items[0], s);
    assert_ptr_equal(l->items[1], s);
    assert_int_equal(s->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(s->hdr.rc, 2);          /* its exact count: one per slot */
    assert_ptr_equal(l->items[2], a);
    assert_int_equal(a->hdr.rc, 1);          /* counted already: no reference added */
    assert_int_equal(tauraro_stats.manual_objects, stats0.manual_objects);
    assert_int_equal(tauraro_stats.manual_bytes, stats0.manual_bytes);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects + 3);
    assert_int_equal(tauraro_stats.auto_bytes + tauraro_stats.manual_bytes, all_bytes);
    check_repr(list_str, l, "['manual', 'manual', 'counted']");
    tauraro_list_str_decref(r);              /* frees the list and both strs */

    /* a manual aligned buffer: its data block becomes counted too */
    tauraro_mode = TAURARO_MANUAL;
    tauraro_buffer_t *b = tauraro_allocate_aligned(256, 128);
    tauraro_mode = TAURARO_AUTO;
    assert_int_equal(b->hdr.strategy, TAURARO_MANUAL);
    assert_true(tauraro_stats.manual_bytes - stats0.manual_bytes >= 256 + (int64_t)sizeof *b);
    tauraro_move_init(&m, 0, true);
    assert_ptr_equal(tauraro_buffer_move(b, &m), b);
    tauraro_move_done(&m);
    assert_int_equal(b->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(b->hdr.rc, 1);
    assert_int_equal(tauraro_stats.manual_bytes, stats0.manual_bytes);
    assert_int_equal(tauraro_stats.manual_objects, stats0.manual_objects);
    tauraro_buffer_decref(b);
}

/* ---- 5. tauraro_obj_make_manual ---------------------------------------------------------------- */

static void test_make_manual(void **state)
{
    (void)state;
    tauraro_list_int_t *l = tauraro_list_int_new(0);
    for (int64_t i = 0; i < 100; i++)
        tauraro_list_int_append(l, i);
    tauraro_stats_t b = tauraro_stats;
    int64_t obj_bytes = (int64_t)tauraro_heap_size(l), buf_bytes = (int64_t)tauraro_heap_size(l->items);
    tauraro_obj_make_manual(l);
    assert_int_equal(l->hdr.strategy, TAURARO_MANUAL);
    assert_int_equal(tauraro_stats.auto_objects, b.auto_objects - 1);
    assert_int_equal(tauraro_stats.manual_objects, b.manual_objects + 1);
    assert_int_equal(tauraro_stats.auto_bytes, b.auto_bytes - obj_bytes - buf_bytes);
    assert_int_equal(tauraro_stats.manual_bytes, b.manual_bytes + obj_bytes + buf_bytes);
    assert_int_equal(l->hdr.rc, 1);
    tauraro_list_int_incref(l);              /* counted exactly, never freed by the count */
    tauraro_list_int_decref(l);
    assert_int_equal(l->hdr.rc, 1);
    assert_int_equal(l->hdr.strategy, TAURARO_MANUAL);
    assert_int_equal(tauraro_list_int_sum(l), 99 * 100 / 2);
    int64_t manual_before = tauraro_stats.manual_bytes;
    for (int64_t i = 0; i < 100; i++)        /* growing a manual list: manual bytes */
        tauraro_list_int_append(l, i);
    assert_int_equal(tauraro_stats.auto_bytes, b.auto_bytes - obj_bytes - buf_bytes);
    assert_true(tauraro_stats.manual_bytes > manual_before);
    tauraro_obj_free(l, tauraro_list_int_dtor);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects);
    assert_int_equal(tauraro_stats.manual_objects, stats0.manual_objects);
    assert_int_equal(tauraro_stats.manual_bytes, stats0.manual_bytes);

    /* something else refers to it: stays counted */
    tauraro_list_str_t *shared = tauraro_list_str_new(4);
    tauraro_list_str_incref(shared);
    b = tauraro_stats;
    tauraro_obj_make_manual(shared);
    assert_int_equal(shared->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(shared->hdr.rc, 2);
    assert_memory_equal(&tauraro_stats, &b, sizeof b);
    tauraro_list_str_decref(shared);
    tauraro_list_str_decref(shared);

    /* not counted: untouched */
    tauraro_obj_make_manual(NULL);
    tauraro_obj_make_manual(&tauraro_str_empty);
    assert_int_equal(tauraro_str_empty.hdr.strategy, TAURARO_STATIC);
    tauraro_arena_t *a = tauraro_arena_create(0);
    tauraro_arena_enter(a);
    tauraro_str_t *as = tauraro_str_new("arena", 5);
    tauraro_arena_enter(NULL);
    tauraro_obj_make_manual(as);
    assert_int_equal(as->hdr.strategy, TAURARO_ARENA);
    tauraro_arena_destroy(a);

    /* a dict: entries and index become manual bytes */
    tauraro_dict_str_int_t *d = tauraro_dict_str_int_new();
    for (int i = 0; i < 20; i++) {
        tauraro_str_t *k = tauraro_str_from_int(i);
        tauraro_dict_str_int_set(d, k, i);
        tauraro_str_decref(k);
    }
    b = tauraro_stats;
    int64_t dict_bytes = (int64_t)(tauraro_heap_size(d) + tauraro_heap_size(d->entries) + tauraro_heap_size(d->index));
    tauraro_obj_make_manual(d);
    assert_int_equal(d->hdr.strategy, TAURARO_MANUAL);
    assert_int_equal(tauraro_stats.manual_bytes, b.manual_bytes + dict_bytes);
    assert_int_equal(tauraro_stats.auto_bytes, b.auto_bytes - dict_bytes);
    tauraro_obj_free(d, tauraro_dict_str_int_dtor);  /* its keys (counted) go too */

    /* a str */
    tauraro_str_t *s = S("mine");
    tauraro_obj_make_manual(s);
    assert_int_equal(s->hdr.strategy, TAURARO_MANUAL);
    tauraro_obj_free(s, NULL);

    /* an aligned buffer: its data block is a separate allocation that the
     * buffer's destructor accounts to the buffer's strategy */
    tauraro_buffer_t *buf = tauraro_allocate_aligned(1000, 64);
    b = tauraro_stats;
    int64_t data_bytes = (int64_t)tauraro_heap_size(buf->data);
    int64_t hdr_bytes = (int64_t)tauraro_heap_size(buf);
    tauraro_obj_make_manual(buf);
    assert_int_equal(buf->hdr.strategy, TAURARO_MANUAL);
    /* the aligned data block moves to the manual figures with the object */
    assert_int_equal(tauraro_stats.auto_bytes, b.auto_bytes - hdr_bytes - data_bytes);
    assert_int_equal(tauraro_stats.manual_bytes, b.manual_bytes + hdr_bytes + data_bytes);
    tauraro_obj_free(buf, tauraro_buffer_dtor);
}

/* ---- 6. holds: references from arena objects to counted ones --------------------------------- */

static void test_arena_holds(void **state)
{
    (void)state;
    tauraro_str_t *pre = S("pre"), *q = S("q");
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    tauraro_list_str_append(l, pre);
    assert_int_equal(pre->hdr.rc, 2);            /* once */
    assert_int_equal(f.arena->nheld, 1);
    assert_ptr_equal(f.arena->held[0].obj, pre);
    tauraro_list_str_append(l, pre);
    assert_int_equal(pre->hdr.rc, 3);
    assert_int_equal(f.arena->nheld, 2);

    /* overwriting: the old element is not released before the arena goes */
    tauraro_list_str_set(l, 0, q);
    assert_int_equal(q->hdr.rc, 2);
    assert_int_equal(pre->hdr.rc, 3);
    assert_int_equal(f.arena->nheld, 3);
    tauraro_list_str_set_move(l, 1, tauraro_str_new("arena", 5));  /* arena values: nothing to hold */
    assert_int_equal(pre->hdr.rc, 3);
    assert_int_equal(f.arena->nheld, 3);
    check_repr(list_str, l, "['q', 'arena']");
    tauraro_list_str_clear(l);
    assert_int_equal(q->hdr.rc, 2);
    assert_int_equal(pre->hdr.rc, 3);

    /* holding what is not counted is ignored */
    tauraro_arena_hold(&l->hdr, NULL, tauraro_str_release_);
    tauraro_arena_hold(&l->hdr, &tauraro_str_empty, tauraro_str_release_);
    tauraro_arena_hold(&l->hdr, tauraro_str_new("a2", 2), tauraro_str_release_);
    assert_int_equal(f.arena->nheld, 3);

    assert_true(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
    assert_int_equal(pre->hdr.rc, 1);
    assert_int_equal(q->hdr.rc, 1);

    /* the macros: a counted owner counts, an arena owner's arena keeps */
    tauraro_list_str_t *owner = tauraro_list_str_new(0);
    TAURARO_HOLD_(&owner->hdr, tauraro_str_incref, tauraro_str_held, pre);
    assert_int_equal(pre->hdr.rc, 2);
    TAURARO_HOLD_MOVE_(&owner->hdr, tauraro_str_held, pre);
    assert_int_equal(pre->hdr.rc, 2);
    TAURARO_UNHOLD_(&owner->hdr, tauraro_str_decref, pre);
    assert_int_equal(pre->hdr.rc, 1);
    tauraro_list_str_decref(owner);

    tauraro_arena_t *a = tauraro_arena_create(0);
    tauraro_arena_enter(a);
    tauraro_list_str_t *aowner = tauraro_list_str_new(0);
    tauraro_arena_enter(NULL);
    TAURARO_HOLD_(&aowner->hdr, tauraro_str_incref, tauraro_str_held, pre);
    assert_int_equal(pre->hdr.rc, 2);
    assert_int_equal(a->nheld, 1);
    tauraro_str_incref(q);                        /* a reference the arena takes over */
    TAURARO_HOLD_MOVE_(&aowner->hdr, tauraro_str_held, q);
    assert_int_equal(q->hdr.rc, 2);
    assert_int_equal(a->nheld, 2);
    TAURARO_UNHOLD_(&aowner->hdr, tauraro_str_decref, pre);  /* left to the arena */
    assert_int_equal(pre->hdr.rc, 2);
    tauraro_arena_reset(a);                       /* releases what it held */
    assert_int_equal(a->nheld, 0);
    assert_int_equal(pre->hdr.rc, 1);
    assert_int_equal(q->hdr.rc, 1);
    tauraro_arena_destroy(a);

    tauraro_str_decref(pre);
    tauraro_str_decref(q);
}

/* ---- 7. escapes ---------------------------------------------------------------------------------- */

static void test_escape_default_arena_is_kept(void **state)
{
    (void)state;
    tauraro_str_t *counted = S("counted");
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, true);   /* default strategy, from counted code */
    assert_non_null(f.arena);
    assert_false(f.arena->strict);
    assert_int_equal(f.level, 1);
    tauraro_arena_t *a = f.arena;
    tauraro_str_t *s = tauraro_str_new("escaped", 7);
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    /* not escapes: counted values, NULL, a holder of the same arena */
    assert_false(tauraro_escapes(NULL, counted, "x"));
    assert_false(tauraro_escapes(NULL, NULL, "x"));
    assert_false(tauraro_escapes(l, s, "a list"));
    assert_int_equal(a->escape_to, INT32_MAX);
    /* into a global (holder NULL) or a counted object: kept, no error */
    assert_false(tauraro_escapes(NULL, s, "x"));
    check_no_exc();
    assert_int_equal(a->escape_to, 0);
    assert_false(tauraro_escapes(counted, l, "counted"));
    check_no_exc();

    assert_false(tauraro_arena_leave(&f));   /* the result stays where it is */
    assert_int_equal(tauraro_mode, TAURARO_AUTO);
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);
    assert_ptr_equal(tauraro_arena_kept, a);
    assert_int_equal(a->level, 0);
    assert_int_equal(a->escape_to, INT32_MAX);
    assert_int_equal(tauraro_arena_depth, 0);
    assert_str_is(s, "escaped");              /* still valid */
    assert_ptr_equal(tauraro_arena_of(s), a);

    tauraro_memory_shutdown();
    assert_null(tauraro_arena_kept);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
    tauraro_str_decref(counted);
}

static void test_escape_strict_arena_raises(void **state)
{
    (void)state;
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_str_t *s = tauraro_str_new("local", 5);
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    assert_false(tauraro_escapes(l, s, "a list"));
    check_no_exc();
    assert_true(tauraro_escapes(NULL, s, "x"));
    check_exc(RuntimeError, "a value allocated in an arena cannot be stored in x: it would outlive its arena");
    assert_int_equal(f.arena->escape_to, INT32_MAX);

    /* a level-2 value into a level-1 holder escapes; the other way is fine */
    tauraro_arena_frame_t g = {0};
    tauraro_arena_begin(&g, NULL, false);
    tauraro_str_t *inner = tauraro_str_new("inner", 5);
    tauraro_list_str_t *inner_list = tauraro_list_str_new(0);
    assert_false(tauraro_escapes(inner_list, s, "an inner list"));
    check_no_exc();
    assert_true(tauraro_escapes(l, inner, "attribute 'x'"));
    tauraro_exc_t *e = tauraro_exc_fetch();
    assert_non_null(e);
    assert_ptr_equal(e->cls, &tauraro_cls_RuntimeError);
    assert_non_null(strstr(e->msg->data, "cannot be stored in attribute 'x'"));
    assert_int_equal(e->hdr.strategy, TAURARO_AUTO);   /* exceptions outlive arenas */
    assert_int_equal(e->msg->hdr.strategy, TAURARO_AUTO);
    tauraro_exc_decref(e);
    assert_true(tauraro_arena_leave(&g));
    tauraro_arena_finish(&g);
    assert_true(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
}

/* A non-strict arena at level 2 (a default call made from manual code inside
 * an arena call) whose object escapes into a level-1 object: kept alive as
 * long as the level-1 arena. */
static void test_escape_to_caller_level(void **state)
{
    (void)state;
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_list_str_t *holder = tauraro_list_str_new(0);
    tauraro_mode = TAURARO_MANUAL;            /* a manual function's code */
    tauraro_arena_frame_t g = {0};
    tauraro_arena_begin(&g, NULL, true);
    assert_non_null(g.arena);
    assert_false(g.arena->strict);
    assert_int_equal(g.level, 2);
    tauraro_arena_t *ga = g.arena;
    tauraro_str_t *s = tauraro_str_new("kept", 4);
    assert_false(tauraro_escapes(holder, s, "a list"));
    check_no_exc();
    tauraro_list_str_append(holder, s);
    assert_int_equal(ga->escape_to, 1);
    assert_int_equal(f.arena->escape_to, INT32_MAX);  /* the holder's arena is not affected */
    assert_false(tauraro_arena_leave(&g));
    assert_int_equal(tauraro_mode, TAURARO_MANUAL);
    tauraro_arena_finish(&g);
    tauraro_mode = TAURARO_ARENA;             /* back in the arena function */
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 2);
    assert_ptr_equal(f.arena->kids, ga);
    assert_int_equal(ga->level, 1);
    assert_int_equal(tauraro_arena_depth, 1);
    assert_null(tauraro_arena_kept);
    assert_str_is(holder->items[0], "kept");

    /* moving the level-1 result copies what the kept arena holds too */
    assert_true(tauraro_arena_leave(&f));
    tauraro_move_t m;
    tauraro_move_init(&m, f.level, false);
    tauraro_list_str_t *c = tauraro_list_str_move(holder, &m);
    tauraro_move_done(&m);
    tauraro_arena_finish(&f);                 /* destroys the kid with it */
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
    assert_int_equal(c->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(c->items[0]->hdr.strategy, TAURARO_AUTO);
    check_repr(list_str, c, "['kept']");
    tauraro_list_str_decref(c);
}

/* A non-strict level-2 arena whose object escapes to a global keeps every
 * arena in use above level 0 alive (its objects may refer to them). */
static void test_escape_to_global_keeps_callers(void **state)
{
    (void)state;
    tauraro_arena_frame_t f = {0}, g = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_str_t *outer = tauraro_str_new("outer", 5);
    tauraro_mode = TAURARO_MANUAL;
    tauraro_arena_begin(&g, NULL, true);
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    tauraro_list_str_append(l, outer);
    assert_false(tauraro_escapes(NULL, l, "x"));
    check_no_exc();
    assert_int_equal(g.arena->escape_to, 0);
    assert_int_equal(f.arena->escape_to, 0);
    assert_false(tauraro_arena_leave(&g));
    tauraro_arena_finish(&g);
    tauraro_mode = TAURARO_ARENA;
    assert_false(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 2);
    assert_non_null(tauraro_arena_kept);
    assert_non_null(tauraro_arena_kept->next_kid);
    check_repr(list_str, l, "['outer']");
    tauraro_memory_shutdown();
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
}

/* ---- 8. Arena handles ------------------------------------------------------------------------------ */

static void test_arena_handles(void **state)
{
    (void)state;
    assert_null(tauraro_create_arena(0));
    check_exc(ValueError, "arena size must be positive");
    assert_null(tauraro_create_arena(-5));
    check_exc(ValueError, "arena size must be positive");

    tauraro_arena_ref_t *ref = tauraro_create_arena(1024);
    assert_non_null(ref);
    assert_int_equal(ref->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(ref->hdr.rc, 1);
    tauraro_arena_t *a = tauraro_arena_ref_get(ref);
    assert_ptr_equal(a, ref->arena);
    assert_true(a->given);
    assert_true(a->strict);
    assert_int_equal(a->level, 0);
    assert_int_equal(tauraro_arena_bytes_reserved(a), 1024);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);
    check_repr(arenaref, ref, "<Arena>");

    /* a call in the given arena */
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, a, false);
    assert_ptr_equal(f.arena, a);
    assert_true(f.pushed);
    assert_int_equal(f.level, 1);
    assert_ptr_equal(tauraro_cur_arena, a);
    tauraro_str_t *s = tauraro_str_new("given", 5);
    assert_ptr_equal(tauraro_arena_of(s), a);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);  /* no new arena */
    assert_true(tauraro_escapes(NULL, s, "y"));  /* a given arena is strict */
    check_exc(RuntimeError, "a value allocated in an arena cannot be stored in y: it would outlive its arena");
    /* a recursive call with the same arena stays at its level */
    tauraro_arena_frame_t r = {0};
    tauraro_arena_begin(&r, a, false);
    assert_false(r.pushed);
    assert_int_equal(r.level, 1);
    assert_int_equal(tauraro_arena_depth, 1);
    assert_false(tauraro_arena_leave(&r));
    tauraro_arena_finish(&r);
    assert_int_equal(a->level, 1);
    /* reset while the call uses it: deferred */
    tauraro_reset_arena(ref);
    check_no_exc();
    assert_true(a->pending_reset);
    assert_str_is(s, "given");
    assert_true(tauraro_arena_bytes_used(a) > 0);
    assert_true(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
    assert_ptr_equal(ref->arena, a);           /* the handle's arena lives on... */
    assert_int_equal(a->level, 0);
    assert_false(a->pending_reset);
    assert_int_equal(tauraro_arena_bytes_used(a), 0);  /* ...reset at the end of the call */
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);

    /* reset outside a call: at once */
    tauraro_arena_enter(a);
    tauraro_str_new("again", 5);
    tauraro_arena_enter(NULL);
    assert_true(tauraro_arena_bytes_used(a) > 0);
    tauraro_reset_arena(ref);
    assert_int_equal(tauraro_arena_bytes_used(a), 0);

    /* destroy; a dead handle raises */
    tauraro_destroy_arena(ref);
    check_no_exc();
    assert_null(ref->arena);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
    tauraro_destroy_arena(ref);
    check_exc(RuntimeError, "the arena has been destroyed");
    tauraro_reset_arena(ref);
    check_exc(RuntimeError, "the arena has been destroyed");
    assert_null(tauraro_arena_ref_get(ref));
    check_exc(RuntimeError, "the arena has been destroyed");
    tauraro_arenaref_decref(ref);

    /* destroy while a call uses it: deferred to the end of the call */
    ref = tauraro_create_arena(512);
    a = ref->arena;
    tauraro_arena_begin(&f, a, false);
    s = tauraro_str_new("still here", 10);
    tauraro_destroy_arena(ref);
    check_no_exc();
    assert_null(ref->arena);
    assert_true(a->pending_destroy);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);
    assert_str_is(s, "still here");
    tauraro_destroy_arena(ref);
    check_exc(RuntimeError, "the arena has been destroyed");
    assert_true(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
    tauraro_arenaref_decref(ref);

    /* the last reference to the handle goes while a call uses its arena */
    ref = tauraro_create_arena(256);
    a = ref->arena;
    tauraro_arena_begin(&f, a, false);
    tauraro_arenaref_decref(ref);              /* handle freed, arena deferred */
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects);
    assert_true(a->pending_destroy);
    s = tauraro_str_new("orphan", 6);
    assert_str_is(s, "orphan");
    assert_true(tauraro_arena_leave(&f));
    tauraro_arena_finish(&f);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
}

static void test_named_arenas(void **state)
{
    (void)state;
    tauraro_arena_ref_t *r1 = tauraro_create_arena_named(L("pool"));
    tauraro_str_t *name = S("pool");
    tauraro_arena_ref_t *r2 = tauraro_create_arena_named(name);
    assert_ptr_equal(r1, r2);
    assert_int_equal(r1->hdr.rc, 3);          /* the registry's and ours */
    assert_int_equal(tauraro_named_arenas.len, 1);
    assert_int_equal(tauraro_arena_bytes_reserved(r1->arena), TAURARO_ARENA_DEFAULT_BLOCK);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 1);
    tauraro_arena_ref_t *other = tauraro_create_arena_named(L("other"));
    assert_ptr_not_equal(other, r1);
    assert_ptr_not_equal(other->arena, r1->arena);
    assert_int_equal(tauraro_named_arenas.len, 2);

    /* looked up and made while an arena is current: the registry's name
     * and the handle are counted objects that outlive the arena */
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_arena_ref_t *r3 = tauraro_create_arena_named(tauraro_str_new("pool", 4));
    assert_ptr_equal(r3, r1);
    assert_int_equal(r1->hdr.rc, 4);
    tauraro_arena_ref_t *scratch = tauraro_create_arena_named(tauraro_str_new("scratch", 7));
    assert_int_equal(scratch->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(tauraro_named_arenas.len, 3);
    assert_int_equal(tauraro_named_arenas.items[2].name->hdr.strategy, TAURARO_AUTO);
    assert_false(scratch->arena == f.arena);
    tauraro_arena_leave(&f);
    tauraro_arena_finish(&f);
    assert_str_is(tauraro_named_arenas.items[2].name, "scratch");
    tauraro_arenaref_decref(r3);
    tauraro_arenaref_decref(scratch);           /* the registry keeps it */
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 3);

    /* reset by name */
    tauraro_arena_t *a = r1->arena;
    tauraro_arena_enter(a);
    tauraro_str_new("data", 4);
    tauraro_arena_enter(NULL);
    assert_true(tauraro_arena_bytes_used(a) > 0);
    tauraro_reset_arena_named(L("pool"));
    check_no_exc();
    assert_int_equal(tauraro_arena_bytes_used(a), 0);

    /* unknown names */
    tauraro_reset_arena_named(L("nope"));
    check_exc(ValueError, "no arena named 'nope'");
    tauraro_destroy_arena_named(L("nope"));
    check_exc(ValueError, "no arena named 'nope'");

    /* destroy by name: the handles die, the name is free again */
    tauraro_destroy_arena_named(name);
    check_no_exc();
    assert_null(r1->arena);
    assert_int_equal(r1->hdr.rc, 2);
    assert_int_equal(tauraro_named_arenas.len, 2);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count + 2);
    tauraro_destroy_arena_named(L("pool"));
    check_exc(ValueError, "no arena named 'pool'");
    tauraro_arena_ref_t *fresh = tauraro_create_arena_named(L("pool"));
    assert_ptr_not_equal(fresh, r1);
    assert_non_null(fresh->arena);
    assert_int_equal(tauraro_named_arenas.len, 3);
    tauraro_arenaref_decref(r1);
    tauraro_arenaref_decref(r2);
    tauraro_str_decref(name);

    /* destroyed through a handle, then asked for by name again */
    tauraro_destroy_arena(fresh);
    check_no_exc();
    tauraro_arena_ref_t *again = tauraro_create_arena_named(L("pool"));
    /* destroying a named arena through its handle frees the name too */
    assert_non_null(again->arena);
    assert_ptr_not_equal(again, fresh);
    tauraro_arenaref_decref(again);
    tauraro_arenaref_decref(fresh);
    tauraro_arenaref_decref(other);

    /* at exit the registry's references go, and with them the arenas */
    assert_true(tauraro_stats.arena_count > stats0.arena_count);
    tauraro_memory_shutdown();
    assert_int_equal(tauraro_named_arenas.len, 0);
    assert_null(tauraro_named_arenas.items);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
}

/* ---- 9. Buffer ------------------------------------------------------------------------------------ */

static void test_buffer(void **state)
{
    (void)state;
    tauraro_buffer_t *b = tauraro_allocate(8);
    assert_non_null(b);
    assert_int_equal(b->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(b->hdr.tag, TAURARO_TAG_BUFFER);
    assert_int_equal(tauraro_buffer_len(b), 8);
    for (int64_t i = 0; i < 8; i++)
        assert_int_equal(tauraro_buffer_get(b, i), 0);
    tauraro_buffer_set(b, 0, 97);
    tauraro_buffer_set(b, -1, 255);
    tauraro_buffer_set(b, 3, 0);
    check_no_exc();
    assert_int_equal(tauraro_buffer_get(b, 0), 97);
    assert_int_equal(tauraro_buffer_get(b, 7), 255);
    assert_int_equal(tauraro_buffer_get(b, -8), 97);
    assert_int_equal(tauraro_buffer_get(b, -1), 255);
    check_no_exc();

    assert_int_equal(tauraro_buffer_get(b, 8), 0);
    check_exc(IndexError, "buffer index out of range");
    assert_int_equal(tauraro_buffer_get(b, -9), 0);
    check_exc(IndexError, "buffer index out of range");
    tauraro_buffer_set(b, 8, 1);
    check_exc(IndexError, "buffer index out of range");
    tauraro_buffer_set(b, -9, 1);
    check_exc(IndexError, "buffer index out of range");
    tauraro_buffer_set(b, 0, 256);
    check_exc(ValueError, "byte must be in range(0, 256)");
    tauraro_buffer_set(b, 0, -1);
    check_exc(ValueError, "byte must be in range(0, 256)");
    assert_int_equal(tauraro_buffer_get(b, 0), 97);  /* unchanged */

    assert_null(tauraro_allocate(-1));
    check_exc(ValueError, "negative buffer size");
    tauraro_buffer_t *empty = tauraro_allocate(0);
    assert_int_equal(tauraro_buffer_len(empty), 0);
    tauraro_buffer_get(empty, 0);
    check_exc(IndexError, "buffer index out of range");
    check_repr(buffer, empty, "Buffer(b'')");

    /* aligned */
    tauraro_stats_t before = tauraro_stats;
    tauraro_buffer_t *al = tauraro_allocate_aligned(100, 64);
    assert_non_null(al);
    assert_int_equal((uintptr_t)al->data % 64, 0);
    assert_int_equal(al->align, 64);
    assert_int_equal(tauraro_buffer_len(al), 100);
    for (int64_t i = 0; i < 100; i++)
        assert_int_equal(tauraro_buffer_get(al, i), 0);
    assert_true(tauraro_stats.auto_bytes - before.auto_bytes >= 100 + (int64_t)sizeof *al);
    tauraro_buffer_t *big = tauraro_allocate_aligned(10, 4096);
    assert_int_equal((uintptr_t)big->data % 4096, 0);
    tauraro_buffer_decref(big);
    int64_t bad_aligns[] = { 3, 0, -4, 48, 131072 };
    for (size_t i = 0; i < sizeof bad_aligns / sizeof bad_aligns[0]; i++) {
        assert_null(tauraro_allocate_aligned(16, bad_aligns[i]));
        check_exc(ValueError, "alignment must be a power of two up to 65536");
    }
    assert_null(tauraro_allocate_aligned(-1, 8));
    check_exc(ValueError, "negative buffer size");

    /* eq, lt */
    tauraro_buffer_t *x = tauraro_allocate(3), *y = tauraro_allocate(3), *z = tauraro_allocate(2);
    assert_true(tauraro_buffer_eq(x, y));
    tauraro_buffer_set(x, 1, 'a');
    assert_false(tauraro_buffer_eq(x, y));
    assert_true(tauraro_buffer_lt(y, x));
    assert_false(tauraro_buffer_lt(x, y));
    tauraro_buffer_set(y, 1, 'a');
    assert_true(tauraro_buffer_eq(x, y));
    assert_false(tauraro_buffer_lt(x, y));
    tauraro_buffer_set(z, 1, 'a');
    assert_false(tauraro_buffer_eq(x, z));  /* lengths differ */
    assert_true(tauraro_buffer_lt(z, x));   /* a prefix is smaller */
    assert_false(tauraro_buffer_lt(x, z));

    /* repr */
    tauraro_buffer_set(x, 2, 255);
    check_repr(buffer, x, "Buffer(b'\\x00a\\xff')");
    tauraro_buffer_t *w = tauraro_allocate(6);
    const int64_t bytes[] = { '\\', '\t', '\n', '\r', 127, '"' };
    for (int64_t i = 0; i < 6; i++)
        tauraro_buffer_set(w, i, bytes[i]);
    check_repr(buffer, w, "Buffer(b'\\\\\\t\\n\\r\\x7f\"')");  /* CPython 3.11 */
    tauraro_buffer_t *qb = tauraro_allocate(2);
    tauraro_buffer_set(qb, 0, '\'');
    tauraro_buffer_set(qb, 1, 'x');
    /* as CPython: double quotes when the bytes hold ' and no " (and the '
     * is still escaped) */
    check_repr(buffer, qb, "Buffer(b\"\\'x\")");
    tauraro_buffer_decref(qb);
    check_str(tauraro_buffer_str(x), "Buffer(b'\\x00a\\xff')");

    tauraro_buffer_decref(w);
    tauraro_buffer_decref(x);
    tauraro_buffer_decref(y);
    tauraro_buffer_decref(z);
    tauraro_buffer_decref(al);
    tauraro_buffer_decref(empty);
    tauraro_buffer_decref(b);
}

/* Buffers in an arena (data from the arena, aligned) and manual ones. */
static void test_buffer_strategies(void **state)
{
    (void)state;
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_buffer_t *b = tauraro_allocate_aligned(40, 256);
    assert_int_equal(b->hdr.strategy, TAURARO_ARENA);
    assert_int_equal((uintptr_t)b->data % 256, 0);
    tauraro_buffer_set(b, 39, 7);
    tauraro_buffer_t *p = tauraro_allocate(5);
    assert_int_equal(p->hdr.strategy, TAURARO_ARENA);
    assert_ptr_equal(p->data, (uint8_t *)(p + 1));
    tauraro_buffer_set(p, 0, 1);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects);
    assert_true(tauraro_arena_leave(&f));
    tauraro_move_t m;
    tauraro_move_init(&m, f.level, false);
    tauraro_buffer_t *bc = tauraro_buffer_move(b, &m);
    tauraro_buffer_t *pc = tauraro_buffer_move(p, &m);
    tauraro_move_done(&m);
    tauraro_arena_finish(&f);
    assert_int_equal(bc->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(bc->align, 256);
    assert_int_equal((uintptr_t)bc->data % 256, 0);
    assert_int_equal(tauraro_buffer_len(bc), 40);
    assert_int_equal(tauraro_buffer_get(bc, 39), 7);
    assert_int_equal(pc->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(tauraro_buffer_get(pc, 0), 1);
    tauraro_buffer_decref(bc);
    tauraro_buffer_decref(pc);

    /* manual: the program frees it */
    tauraro_mode = TAURARO_MANUAL;
    tauraro_buffer_t *mb = tauraro_allocate_aligned(64, 32);
    tauraro_mode = TAURARO_AUTO;
    assert_int_equal(mb->hdr.strategy, TAURARO_MANUAL);
    assert_true(tauraro_stats.manual_bytes - stats0.manual_bytes >= 64 + (int64_t)sizeof *mb);
    assert_int_equal(tauraro_stats.auto_bytes, stats0.auto_bytes);
    tauraro_buffer_incref(mb);
    tauraro_buffer_decref(mb);
    tauraro_buffer_decref(mb);                /* count 0: still the program's to free */
    assert_int_equal(mb->hdr.rc, 0);
    assert_int_equal(tauraro_stats.manual_objects, stats0.manual_objects + 1);
    tauraro_obj_free(mb, tauraro_buffer_dtor);
}

/* ---- 10. memory_stats() ---------------------------------------------------------------------------- */

static int64_t stat_of(tauraro_dict_str_int_t *d, const char *key)
{
    tauraro_str_t *k = S(key);
    assert_true(tauraro_dict_str_int_contains(d, k));
    int64_t v = tauraro_dict_str_int_get(d, k);
    tauraro_str_decref(k);
    return v;
}

static void test_memory_stats(void **state)
{
    (void)state;
    tauraro_stats_t s = tauraro_stats;
    tauraro_dict_str_int_t *d = tauraro_memory_stats();
    assert_int_equal(d->len, 7);
    tauraro_list_str_t *keys = tauraro_dict_str_int_keys(d);
    check_repr(list_str, keys, "['auto_objects', 'auto_bytes', 'manual_objects', "
               "'manual_bytes', 'arenas', 'arena_bytes', 'total_bytes']");
    tauraro_list_str_decref(keys);
    assert_int_equal(stat_of(d, "auto_objects"), s.auto_objects);
    assert_int_equal(stat_of(d, "auto_bytes"), s.auto_bytes);
    assert_int_equal(stat_of(d, "manual_objects"), s.manual_objects);
    assert_int_equal(stat_of(d, "manual_bytes"), s.manual_bytes);
    assert_int_equal(stat_of(d, "arenas"), s.arena_count);
    assert_int_equal(stat_of(d, "arena_bytes"), s.arena_bytes);
    assert_int_equal(stat_of(d, "total_bytes"), s.auto_bytes + s.manual_bytes + s.arena_bytes);
    tauraro_dict_str_int_decref(d);

    /* live arenas and manual objects show */
    tauraro_arena_ref_t *r = tauraro_create_arena(2048);
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, NULL, false);
    tauraro_mode = TAURARO_MANUAL;
    tauraro_list_int_t *ml = tauraro_list_int_new(10);
    tauraro_mode = TAURARO_ARENA;
    d = tauraro_memory_stats();               /* made in the arena */
    assert_int_equal(d->hdr.strategy, TAURARO_ARENA);
    assert_int_equal(stat_of(d, "arenas"), s.arena_count + 2);
    assert_true(stat_of(d, "arena_bytes") >= s.arena_bytes + 2048 + (int64_t)TAURARO_ARENA_CALL_BLOCK);
    assert_int_equal(stat_of(d, "manual_objects"), s.manual_objects + 1);
    assert_true(stat_of(d, "manual_bytes") >= s.manual_bytes + (int64_t)sizeof *ml + 10 * 8);
    assert_int_equal(stat_of(d, "auto_objects"), s.auto_objects + 1);  /* the handle */
    assert_int_equal(stat_of(d, "total_bytes"),
                     stat_of(d, "auto_bytes") + stat_of(d, "manual_bytes") + stat_of(d, "arena_bytes"));
    tauraro_arena_leave(&f);
    tauraro_arena_finish(&f);
    tauraro_obj_free(ml, tauraro_list_int_dtor);
    tauraro_destroy_arena(r);
    tauraro_arenaref_decref(r);
    d = tauraro_memory_stats();
    assert_int_equal(stat_of(d, "arenas"), s.arena_count);
    assert_int_equal(stat_of(d, "manual_objects"), s.manual_objects);
    tauraro_dict_str_int_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_arena_call_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_call_arena_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_out_of_arena, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_between_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_deep_structure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_long_list_of_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adopt_manual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_make_manual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arena_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_default_arena_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_strict_arena_raises, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_to_caller_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_to_global_keeps_callers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arena_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_named_arenas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffer_strategies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_stats, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
