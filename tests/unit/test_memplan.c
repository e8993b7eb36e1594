/* test_memplan.c - the memory-strategy pass: which strategy each function
 * gets, which allocation sites make manual objects, and the escapes it
 * rejects at compile time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "compiler.h"

typedef struct Planned {
    Compiler c;
    Program *p;
} Planned;

static Planned *plan_src(const char *src, TauraroMemStrategy def)
{
    Planned *k = test_malloc(sizeof *k);
    TauraroOptions o = {0};
    o.memory_strategy = def;
    compiler_init(&k->c, "t.tr", src, strlen(src), &o);
    Module *m = parse_module(&k->c);
    assert_non_null(m);
    k->p = sema_check(&k->c, m);
    assert_non_null(k->p);
    mem_plan(&k->c, k->p);
    return k;
}

static void done(Planned *k)
{
    compiler_free(&k->c);
    test_free(k);
}

static Func *func(Planned *k, const char *name)
{
    for (int i = 0; i < k->p->funcs.n; i++) {
        Func *f = k->p->funcs.items[i];
        if (!strcmp(f->name, name))
            return f;
    }
    fail_msg("no function '%s'", name);
    return NULL;
}

/* The value of statement i of function name (an assignment or a return). */
static Expr *value_of(Planned *k, const char *name, int i)
{
    Func *f = func(k, name);
    assert_true(i < f->def->body.n);
    Stmt *s = f->def->body.items[i];
    assert_non_null(s->expr);
    return s->expr;
}

static void test_strategies(void **state)
{
    (void)state;
    const char *src = "@manual_memory\ndef m() -> None:\n    pass\n"
                      "@arena_memory\ndef a() -> None:\n    pass\n"
                      "@auto_memory\ndef u() -> None:\n    pass\n"
                      "def d() -> None:\n    pass\n";
    Planned *k = plan_src(src, TAURARO_MEM_AUTO);
    assert_int_equal(func(k, "m")->strategy, MEM_MANUAL);
    assert_int_equal(func(k, "a")->strategy, MEM_ARENA);
    assert_false(func(k, "a")->arena_join); /* an explicit arena is its own */
    assert_int_equal(func(k, "u")->strategy, MEM_AUTO);
    assert_int_equal(func(k, "d")->strategy, MEM_AUTO);
    assert_true(k->p->has_manual);
    assert_true(k->p->has_arena);
    assert_int_equal(k->p->main->strategy, MEM_AUTO);
    done(k);

    /* the default applies to undecorated functions only */
    k = plan_src(src, TAURARO_MEM_ARENA);
    assert_int_equal(func(k, "d")->strategy, MEM_ARENA);
    assert_true(func(k, "d")->arena_join); /* joins its caller's arena */
    assert_int_equal(func(k, "u")->strategy, MEM_AUTO);
    assert_int_equal(func(k, "m")->strategy, MEM_MANUAL);
    assert_int_equal(k->p->main->strategy, MEM_AUTO); /* module code is counted */
    done(k);

    k = plan_src("def d() -> None:\n    pass\n", TAURARO_MEM_AUTO);
    assert_false(k->p->has_manual);
    assert_false(k->p->has_arena); /* no switches, no escape checks emitted */
    done(k);
}

static void test_manual_sites(void **state)
{
    (void)state;
    const char *src = "class P:\n    def __init__(self) -> None:\n        self.x = 1\n"
                      "def mk() -> list[int]:\n    return [1]\n"
                      "@manual_memory\ndef m(s: str) -> list[int]:\n"
                      "    xs = [1, 2]\n"        /* 0: named literal: manual */
                      "    p = P()\n"            /* 1: named constructor call: manual */
                      "    t = s.upper()\n"      /* 2: named new str: manual */
                      "    ys = mk()\n"          /* 3: a user call: its body decides */
                      "    n = len(xs)\n"        /* 4: not an object */
                      "    print([n])\n"         /* 5: a temporary: counted */
                      "    return [n]\n"         /* 6: result of a non-owned function: counted */
                      "@manual_memory\ndef o(n: int) -> owned(Buffer):\n"
                      "    return allocate(n)\n"; /* the owned result is the caller's to free */
    Planned *k = plan_src(src, TAURARO_MEM_AUTO);
    assert_int_equal(value_of(k, "m", 0)->alloc, MEM_MANUAL);
    assert_int_equal(value_of(k, "m", 1)->alloc, MEM_MANUAL);
    assert_int_equal(value_of(k, "m", 2)->alloc, MEM_MANUAL);
    assert_int_not_equal(value_of(k, "m", 3)->alloc, MEM_MANUAL);
    assert_int_not_equal(value_of(k, "m", 4)->alloc, MEM_MANUAL);
    Expr *printed = ((Arg *)value_of(k, "m", 5)->args.items[0])->value;
    assert_int_not_equal(printed->alloc, MEM_MANUAL);
    assert_int_not_equal(value_of(k, "m", 6)->alloc, MEM_MANUAL);
    assert_int_equal(value_of(k, "o", 0)->alloc, MEM_MANUAL);
    assert_int_equal(func(k, "o")->ret_own, OWN_OWNED);
    done(k);

    /* the same body under automatic memory makes no manual object */
    k = plan_src("def m() -> None:\n    xs = [1, 2]\n    print(xs)\n", TAURARO_MEM_AUTO);
    assert_int_not_equal(value_of(k, "m", 0)->alloc, MEM_MANUAL);
    done(k);
    /* ... and under --memory-strategy manual it does */
    k = plan_src("def m() -> None:\n    xs = [1, 2]\n    print(xs)\n", TAURARO_MEM_MANUAL);
    assert_int_equal(value_of(k, "m", 0)->alloc, MEM_MANUAL);
    done(k);
}

static void test_allocation_sites(void **state)
{
    (void)state;
    Planned *k = plan_src("def f(xs: list[int], s: str) -> None:\n"
                          "    a = [1]\n"          /* 0 */
                          "    b = s + s\n"        /* 1 */
                          "    c = xs\n"           /* 2: a read */
                          "    d = max(xs)\n"      /* 3: an element, not a new object */
                          "    e = sorted(xs)\n"   /* 4 */
                          "    g = f'{s}!'\n"      /* 5 */
                          "    h = (1, s)\n",      /* 6: tuples are values */
                          TAURARO_MEM_AUTO);
    bool want[] = {true, true, false, false, true, true, false};
    for (int i = 0; i < 7; i++)
        if (mem_is_allocation(value_of(k, "f", i)) != want[i])
            fail_msg("statement %d: allocation should be %d", i, want[i]);
    done(k);
}

/* Escapes: the first diagnostic of planning src. */
static void expect_escape(const char *src, int line, int col, const char *where)
{
    Planned *k = plan_src(src, TAURARO_MEM_AUTO);
    assert_int_equal(k->c.nerrors, 1);
    assert_int_equal(k->c.diags->pos.line, line);
    assert_int_equal(k->c.diags->pos.col, col);
    assert_non_null(strstr(k->c.diags->msg, where));
    done(k);
}

static void expect_no_escape(const char *src, TauraroMemStrategy def)
{
    Planned *k = plan_src(src, def);
    if (k->c.nerrors)
        fail_msg("unexpected error: %s", k->c.diags->msg);
    done(k);
}

static void test_escapes(void **state)
{
    (void)state;
    expect_escape("g: list[int] = []\n@arena_memory\ndef f() -> None:\n    global g\n    g = [1]\n",
                  5, 9, "stored in the global 'g'");
    expect_escape("g: list[str] = []\n@arena_memory\ndef f(n: int) -> None:\n    g.append(str(n))\n",
                  4, 14, "an object reached from the global 'g'");
    expect_escape("class C:\n    def __init__(self) -> None:\n        self.xs: list[int] = []\n"
                  "@arena_memory\ndef f(c: C) -> None:\n    c.xs = [2]\n",
                  6, 12, "an object reached from the parameter 'c'");
    expect_escape("@arena_memory\ndef f(d: dict[str, list[int]]) -> None:\n    d.setdefault('k', [1])\n",
                  3, 23, "the parameter 'd'");
    /* local objects and results do not escape */
    expect_no_escape("@arena_memory\ndef f(n: int) -> list[str]:\n    out: list[str] = []\n"
                     "    out.append(str(n))\n    return out\n", TAURARO_MEM_AUTO);
    /* values that existed before the call are not the arena's */
    expect_no_escape("g: list[str] = []\n@arena_memory\ndef f(s: str) -> None:\n    g.append(s)\n",
                     TAURARO_MEM_AUTO);
    /* the --memory-strategy default keeps escaping arenas alive instead */
    expect_no_escape("g: list[int] = []\ndef f() -> None:\n    global g\n    g = [1]\n",
                     TAURARO_MEM_ARENA);
}

/* The diagnostics of planning src, as "line:col: level: message" lines. */
static void expect_diags(const char *src, const char *want)
{
    Planned *k = plan_src(src, TAURARO_MEM_AUTO);
    char got[2048] = "";
    static const char *const levels[] = {"error", "warning", "note"};
    for (Diag *d = k->c.diags; d != NULL; d = d->next) {
        size_t n = strlen(got);
        snprintf(got + n, sizeof got - n, "%d:%d: %s: %s\n", d->pos.line, d->pos.col, levels[d->level],
                 d->msg);
    }
    assert_string_equal(got, want);
    done(k);
}

static void test_lifetimes(void **state)
{
    (void)state;
    const char *head = "@manual_memory\ndef f(n: int) -> int:\n";
    char src[1024];
    /* freed twice, used after free: certain on every path, errors */
    snprintf(src, sizeof src, "%s    b = allocate(n)\n    free(b)\n    free(b)\n    return n\n", head);
    expect_diags(src, "5:10: error: 'b' is freed twice: it was already freed at line 4\n");
    snprintf(src, sizeof src, "%s    xs = [n]\n    free(xs)\n    return len(xs)\n", head);
    expect_diags(src, "5:16: error: 'xs' is used after it was freed at line 4\n");
    /* never freed; freed on one branch only: warnings */
    snprintf(src, sizeof src, "%s    xs = [n]\n    return n\n", head);
    expect_diags(src, "3:10: warning: the manual object assigned to 'xs' at line 3 is never freed\n");
    snprintf(src, sizeof src, "%s    xs = [n]\n    if n > 1:\n        free(xs)\n    return n\n", head);
    expect_diags(src, "3:10: warning: the manual object assigned to 'xs' at line 3 is not freed on every "
                      "path\n");
    /* freed on both branches, returned, stored, moved on: nothing to say */
    snprintf(src, sizeof src,
             "%s    xs = [n]\n    if n > 1:\n        free(xs)\n    else:\n        free(xs)\n    return n\n",
             head);
    expect_diags(src, "");
    snprintf(src, sizeof src, "@manual_memory\ndef f(n: int) -> list[int]:\n    xs = [n]\n    return xs\n");
    expect_diags(src, "");
    snprintf(src, sizeof src, "%s    keep: list[list[int]] = []\n    xs = [n]\n    keep.append(xs)\n"
                              "    free(keep)\n    return n\n", head);
    expect_diags(src, "");
    snprintf(src, sizeof src, "def take(b: owned(Buffer)) -> None:\n    free(b)\n"
                              "%s    b = allocate(n)\n    take(b)\n    return n\n", head);
    expect_diags(src, "");
    /* an owned(T) result must be freed or passed on by the caller, whatever its strategy */
    snprintf(src, sizeof src, "@manual_memory\ndef mk(n: int) -> owned(Buffer):\n    return allocate(n)\n"
                              "def user(n: int) -> int:\n    b = mk(n)\n    return len(b)\n");
    expect_diags(src, "5:9: warning: the manual object assigned to 'b' at line 5 is never freed\n");
    /* a loop that allocates again before freeing loses the last object */
    snprintf(src, sizeof src, "%s    i = 0\n    while i < n:\n        row = [i]\n        i += len(row)\n"
                              "    return i\n", head);
    expect_diags(src, "5:15: warning: the manual object assigned to 'row' at line 5 is never freed\n");
    snprintf(src, sizeof src, "%s    i = 0\n    while i < n:\n        row = [i]\n        i += len(row)\n"
                              "        free(row)\n    return i\n", head);
    expect_diags(src, "");
    /* a loop may not run: a free inside it is not certain */
    snprintf(src, sizeof src, "%s    b = allocate(n)\n    for i in range(n):\n        free(b)\n"
                              "        break\n    return n\n", head);
    expect_diags(src, "3:9: warning: the manual object assigned to 'b' at line 3 is not freed on every "
                      "path\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strategies),
        cmocka_unit_test(test_manual_sites),
        cmocka_unit_test(test_allocation_sites),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_lifetimes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
