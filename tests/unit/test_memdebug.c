/* Unit tests of the --memory-debug runtime (TAURARO_MEMORY_DEBUG): what it
 * records for each allocation, how it marks freed objects and the objects of
 * a reset or destroyed arena, the guard bytes of buffers, the statistics it
 * adds and its leak report. (The reports that stop a program exit the
 * process; the end-to-end tests in tests/memdebug check those.) */
#define TAURARO_MEMORY_DEBUG 1
#include "tauraro/runtime.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static tauraro_dbg_rec_t *rec(const void *p)
{
    tauraro_dbg_rec_t *r = tauraro_dbg_find(p);
    assert_non_null(r);
    return r;
}

static void test_records_lines_and_strategies(void **state)
{
    (void)state;
    tauraro_dbg_line = 12;
    tauraro_str_t *s = tauraro_str_new("hello", 5);
    tauraro_dbg_line = 13;
    tauraro_mode = TAURARO_MANUAL;
    tauraro_list_int_t *l = tauraro_list_int_new(4);
    tauraro_mode = TAURARO_AUTO;
    assert_int_equal(rec(s)->line, 12);
    assert_int_equal(rec(s)->strategy, TAURARO_AUTO);
    assert_int_equal(rec(s)->tag, TAURARO_TAG_STR);
    assert_int_equal(rec(l)->line, 13);
    assert_int_equal(rec(l)->strategy, TAURARO_MANUAL);
    /* a counted object a manual function names becomes manual in the record too */
    tauraro_dbg_line = 14;
    tauraro_list_int_t *named = tauraro_list_int_new(0);
    tauraro_obj_make_manual(named);
    assert_int_equal(rec(named)->strategy, TAURARO_MANUAL);
    assert_int_equal(rec(named)->line, 14);

    /* released objects keep their header, marked dead, with the line */
    tauraro_dbg_line = 20;
    tauraro_str_decref(s);
    assert_int_equal(rec(s)->state, TAURARO_DBG_FREED);
    assert_int_equal(rec(s)->end_line, 20);
    assert_true(s->hdr.flags & TAURARO_DBG_DEAD);
    tauraro_dbg_line = 21;
    tauraro_obj_free(l, tauraro_list_int_dtor);
    assert_int_equal(rec(l)->state, TAURARO_DBG_FREED);
    assert_int_equal(rec(l)->end_line, 21);
    assert_true(l->hdr.flags & TAURARO_DBG_DEAD);
    tauraro_obj_free(named, tauraro_list_int_dtor);
    assert_false(tauraro_dbg_exit()); /* nothing leaked */
}

static void test_arena_objects_die_with_their_arena(void **state)
{
    (void)state;
    tauraro_arena_ref_t *h = tauraro_create_arena(1024);
    tauraro_arena_frame_t f = {0};
    tauraro_arena_begin(&f, h->arena, false);
    tauraro_dbg_line = 30;
    tauraro_str_t *s = tauraro_str_new("in the arena", 12);
    tauraro_list_str_t *l = tauraro_list_str_new(2);
    tauraro_list_str_append(l, s);
    tauraro_arena_leave(&f);
    tauraro_arena_finish(&f);
    assert_int_equal(s->hdr.strategy, TAURARO_ARENA);
    assert_int_equal(rec(s)->strategy, TAURARO_ARENA);
    assert_int_equal(rec(l)->line, 30);
    assert_int_equal(rec(l)->state, TAURARO_DBG_LIVE);
    /* the objects of a reset arena are dead, and their memory is not reused */
    tauraro_dbg_line = 31;
    tauraro_reset_arena(h);
    assert_int_equal(rec(s)->state, TAURARO_DBG_RESET);
    assert_int_equal(rec(s)->end_line, 31);
    assert_true(s->hdr.flags & TAURARO_DBG_DEAD);
    assert_true(l->hdr.flags & TAURARO_DBG_DEAD);
    tauraro_arena_begin(&f, h->arena, false);
    tauraro_str_t *t = tauraro_str_new("again", 5);
    tauraro_arena_leave(&f);
    tauraro_arena_finish(&f);
    assert_ptr_not_equal(t, s);
    tauraro_dbg_line = 32;
    tauraro_destroy_arena(h);
    assert_int_equal(rec(t)->state, TAURARO_DBG_DESTROYED);
    assert_int_equal(rec(t)->end_line, 32);
    tauraro_arenaref_decref(h);
    assert_false(tauraro_dbg_exit());
}

static void test_buffer_guard_bytes(void **state)
{
    (void)state;
    tauraro_buffer_t *b = tauraro_allocate(8);
    tauraro_buffer_t *a = tauraro_allocate_aligned(100, 64);
    assert_true(tauraro_buffer_guard_ok(b));
    assert_true(tauraro_buffer_guard_ok(a));
    tauraro_buffer_set(b, 7, 255); /* the last byte is fine */
    assert_true(tauraro_buffer_guard_ok(b));
    b->data[8] = 0; /* a write past the end through another path */
    assert_false(tauraro_buffer_guard_ok(b));
    b->data[8] = 0xAB;
    tauraro_buffer_decref(b);
    tauraro_buffer_decref(a);
    assert_false(tauraro_dbg_exit());
}

static void test_stats_and_leak_report(void **state)
{
    (void)state;
    tauraro_dbg_line = 40;
    tauraro_str_t *s = tauraro_str_new("abc", 3);
    tauraro_dict_str_int_t *st = tauraro_memory_stats();
    int64_t peak = 0, autos = 0;
    tauraro_str_t *k = tauraro_str_from_cstr("peak_bytes");
    assert_true(tauraro_dict_str_int_find(st, k, &peak));
    tauraro_str_decref(k);
    k = tauraro_str_from_cstr("auto_allocs");
    assert_true(tauraro_dict_str_int_find(st, k, &autos));
    tauraro_str_decref(k);
    assert_true(peak >= (int64_t)(sizeof(tauraro_str_t) + 3));
    assert_true(autos >= 1);
    tauraro_dict_str_int_decref(st);
    (void)s; /* never released: the report names line 40 */
    assert_true(tauraro_dbg_exit());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_lines_and_strategies),
        cmocka_unit_test(test_arena_objects_die_with_their_arena),
        cmocka_unit_test(test_buffer_guard_bytes),
        cmocka_unit_test(test_stats_and_leak_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
