/* test_sema.c - the type checker: inferred types and located errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "compiler.h"

typedef struct Checked {
    Compiler c;
    Program *p;
} Checked;

static Checked *check_src(const char *src)
{
    Checked *k = test_malloc(sizeof *k);
    TauraroOptions o = {0};
    compiler_init(&k->c, "t.tr", src, strlen(src), &o);
    Module *m = parse_module(&k->c);
    assert_non_null(m);
    k->p = sema_check(&k->c, m);
    return k;
}

static void done(Checked *k)
{
    compiler_free(&k->c);
    test_free(k);
}

/* The program checks, and global `name` has type `type`. */
static void expect_global(const char *src, const char *name, const char *type)
{
    Checked *k = check_src(src);
    if (k->c.nerrors)
        fail_msg("unexpected error: %d:%d: %s", k->c.diags->pos.line, k->c.diags->pos.col,
                 k->c.diags->msg);
    assert_non_null(k->p);
    Symbol *found = NULL;
    for (int i = 0; i < k->p->globals.n; i++) {
        Symbol *s = k->p->globals.items[i];
        if (!strcmp(s->name, name))
            found = s;
    }
    assert_non_null(found);
    assert_string_equal(type_name(&k->c, found->type), type);
    done(k);
}

/* The first diagnostic is this error at line:col. */
static void expect_error(const char *src, int line, int col, const char *msg)
{
    Checked *k = check_src(src);
    assert_null(k->p);
    assert_non_null(k->c.diags);
    assert_string_equal(k->c.diags->msg, msg);
    assert_int_equal(k->c.diags->pos.line, line);
    assert_int_equal(k->c.diags->pos.col, col);
    done(k);
}

static void test_inference(void **state)
{
    (void)state;
    expect_global("x = 1 + 2\n", "x", "int");
    expect_global("x = 1 + 2.0\n", "x", "float");
    expect_global("x = 7 / 2\n", "x", "float");
    expect_global("x = 7 // 2\n", "x", "int");
    expect_global("x = True + 1\n", "x", "int");
    expect_global("x = True & False\n", "x", "bool");
    expect_global("x = 'a' * 3\n", "x", "str");
    expect_global("x = 1 < 2 < 3\n", "x", "bool");
    expect_global("x = 'a' or 'b'\n", "x", "str");
    expect_global("x = 1 if True else 2\n", "x", "int");
    expect_global("x = f'{1:>3}'\n", "x", "str");
    expect_global("x = int('3') + len('abc')\n", "x", "int");
    expect_global("x = round(2.5)\n", "x", "int");
    expect_global("x = round(2.5, 1)\n", "x", "float");
    expect_global("x = abs(-2.0)\n", "x", "float");
    expect_global("x = max(1, 2, 3)\n", "x", "int");
    expect_global("x = 'abc'[1:]\n", "x", "str");
    expect_global("x = range(3)\n", "x", "list[int]");
    expect_global("x: \"list[int] | None\" = None\n", "x", "list[int] | None");
    expect_global("x = [1, 2, 3]\n", "x", "list[int]");
    expect_global("x = [[1], []]\n", "x", "list[list[int]]");
    expect_global("x = {'a': [1.5]}\n", "x", "dict[str, list[float]]");
    expect_global("x = (1, 'a', 2.5)\n", "x", "tuple[int, str, float]");
    expect_global("x = [n * 2 for n in range(4) if n > 1]\n", "x", "list[int]");
    expect_global("x = {k: len(k) for k in ['a', 'bb']}\n", "x", "dict[str, int]");
    expect_global("x = 'a b'.split()\n", "x", "list[str]");
    expect_global("d = {'a': 1}\nx = d.items()\n", "x", "list[tuple[str, int]]");
    expect_global("x = list(enumerate('ab'))\n", "x", "list[tuple[int, str]]");
    expect_global("x = sorted({3: 'c'}, reverse=True)\n", "x", "list[int]");
}

static void test_function_types(void **state)
{
    (void)state;
    expect_global("def f(n: int) -> int:\n    return n * 2\nx = f(3)\n", "x", "int");
    /* inferred return type, recursion sees the first return */
    expect_global("def fib(n: int):\n    if n < 2:\n        return n\n"
                  "    return fib(n - 1) + fib(n - 2)\nx = fib(10)\n", "x", "int");
    expect_global("def g(s: str = 'a', n: int = 2):\n    return s * n\nx = g(n=3)\n", "x", "str");
    /* mutual recursion with annotations, called before the second def */
    expect_global("def even(n: int) -> bool:\n    return True if n == 0 else odd(n - 1)\n"
                  "def odd(n: int) -> bool:\n    return False if n == 0 else even(n - 1)\n"
                  "x = even(10)\n", "x", "bool");
    /* global declared in a function, assigned at module level */
    expect_global("count = 0\ndef inc() -> None:\n    global count\n    count += 1\ninc()\n",
                  "count", "int");
}

static void test_name_errors(void **state)
{
    (void)state;
    expect_error("print(y)\n", 1, 7, "name 'y' is not defined");
    expect_error("def f(x) -> int:\n    return 1\n", 1, 7,
                 "parameter 'x' of 'f' needs a type annotation");
    expect_error("return 1\n", 1, 1, "'return' outside function");
    expect_error("break\n", 1, 1, "'break' outside loop");
    expect_error("continue\n", 1, 1, "'continue' not properly in loop");
    expect_error("def f() -> None:\n    x = 1\n    def g() -> int:\n        return x\n", 4, 16,
                 "closures that capture variables are not supported ('x' of 'f')");
}

static void test_call_errors(void **state)
{
    (void)state;
    const char *f = "def f(a: int, b: int = 1) -> int:\n    return a + b\n";
    char buf[256];
    snprintf(buf, sizeof buf, "%sf(1, 2, 3)\n", f);
    expect_error(buf, 3, 1, "'f' takes 2 arguments but 3 were given");
    snprintf(buf, sizeof buf, "%sf(b=2)\n", f);
    expect_error(buf, 3, 1, "'f' missing required argument 'a'");
    snprintf(buf, sizeof buf, "%sf(1, c=2)\n", f);
    expect_error(buf, 3, 6, "'f' got an unexpected keyword argument 'c'");
    snprintf(buf, sizeof buf, "%sf(1, a=2)\n", f);
    expect_error(buf, 3, 6, "'f' got multiple values for argument 'a'");
    snprintf(buf, sizeof buf, "%sf('x')\n", f);
    expect_error(buf, 3, 3, "argument 'a' of 'f' must be int, not str");
    snprintf(buf, sizeof buf, "%sf(1.5)\n", f);
    expect_error(buf, 3, 3, "argument 'a' of 'f' must be int, not float");
    expect_error("x = 1\nx()\n", 2, 1, "cannot call int");
    expect_error("len(1, 2)\n", 1, 1, "len() takes exactly 1 argument (2 given)");
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_error("x = 1 + 'a'\n", 1, 5, "unsupported operand type(s) for +: 'int' and 'str'");
    expect_error("x = -'a'\n", 1, 5, "bad operand type for unary -: 'str'");
    expect_error("x = 1 < 'a'\n", 1, 5, "'<' not supported between instances of 'int' and 'str'");
    expect_error("x = 1\nx = 'a'\n", 2, 1, "cannot assign str to 'x' of type int");
    /* no implicit numeric conversion: CPython would keep the int an int */
    expect_error("x = 1.5\nx = 2\n", 2, 1, "cannot assign int to 'x' of type float");
    expect_error("x = 1 or 'a'\n", 1, 5, "operands of 'or' have different types ('int' and 'str')");
    expect_error("def f(n: int) -> int:\n    return 'a'\n", 2, 12,
                 "function 'f' must return int, not str");
    expect_error("def f(n: int):\n    if n:\n        return 1\n    return 'a'\n", 4, 12,
                 "'f' returns str here but int elsewhere");
    expect_error("def f(n: int) -> int:\n    if n:\n        return 1\n", 1, 5,
                 "'f' can reach the end of its body without a return (it would return None, not int)");
    expect_error("x = None\n", 1, 5,
                 "cannot infer the type of 'x' from None (annotate it, e.g. 'x: Optional[int] = None')");
    expect_error("x = 'abc'['a']\n", 1, 11, "string indices must be integers, not 'str'");
    expect_error("x = 5\ny = x.foo\n", 2, 5, "'int' object has no attribute 'foo'");
}

static void test_class_errors(void **state)
{
    (void)state;
    const char *pt = "class P:\n    def __init__(self, x: int) -> None:\n        self.x = x\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%sp = P(1)\nprint(p.z)\n", pt);
    expect_error(buf, 5, 7, "'P' object has no attribute 'z'");
    snprintf(buf, sizeof buf, "%sp = P(1)\np.scale(2)\n", pt);
    expect_error(buf, 5, 1, "'P' object has no attribute 'scale'");
    snprintf(buf, sizeof buf, "%sp = P('a')\n", pt);
    expect_error(buf, 4, 7, "argument 'x' of '__init__' must be int, not str");
    snprintf(buf, sizeof buf, "%sp = P(1)\np.x = 'a'\n", pt);
    expect_error(buf, 5, 1, "cannot assign str to field 'x' of type int");
    expect_error("class A:\n    pass\nclass B:\n    pass\nclass C(A, B):\n    pass\n", 5, 12,
                 "multiple inheritance is not supported");
    expect_error("class A:\n    def f(self) -> int:\n        return 1\n"
                 "class B(A):\n    def f(self) -> str:\n        return 'b'\n", 5, 9,
                 "method 'f' of 'B' must take and return the same types as in 'A'");
    expect_error("class E(Exception):\n    pass\nraise 5\n", 3, 7,
                 "exceptions must derive from Exception, not 'int'");
    expect_error("raise\n", 1, 1, "a bare 'raise' is only supported inside an except clause");
    expect_error("try:\n    pass\nexcept int:\n    pass\n", 3, 8,
                 "except needs an exception class, not 'int'");
    expect_error("x = [1, 'a']\n", 1, 9, "list items must have one type (int and str)");
    expect_error("x = []\n", 1, 5,
                 "cannot infer the element type of an empty list (annotate the variable, e.g. "
                 "'xs: list[int] = []')");
    expect_error("d = {1.5: 'a'}\n", 1, 5,
                 "dict keys must be int, str, bool or tuples of them, not 'float'");
    expect_error("t = (1, 2)\nt[0] = 3\n", 2, 1, "'tuple' object does not support item assignment");
    expect_error("xs = [1]\nxs.sort(key=len)\n", 2, 1, "key=len needs items with a length, not int");
    expect_error("class W:\n    n = 0\n    def __init__(self) -> None:\n        self.n = 5\n", 4, 9,
                 "assigning self.n would hide the class variable 'n' (assign W.n)");
    expect_error("class W:\n    n = 0\nclass V(W):\n    pass\nV.n = 3\n", 5, 1,
                 "assign the class variable 'n' through 'W', the class that defines it");
    expect_error("class W:\n    n = 0\nprint(W.m)\n", 3, 7, "type object 'W' has no attribute 'm'");
    expect_error("print('{} {}'.format(1))\n", 1, 7,
                 "format(): the field '{}' has no matching argument");
    expect_error("f = 'x{}'\nprint(f.format(1))\n", 2, 7,
                 "format() is only supported on a string literal (use an f-string)");
    expect_error("xs = [1]\ny = sorted(xs, key=lambda v: -v)\n", 2, 20,
                 "lambda expressions are not supported (define a function and pass its name as key=)");
}

static void test_memory_builtins(void **state)
{
    (void)state;
    expect_global("b = allocate(16)\n", "b", "Buffer");
    expect_global("b = allocate_aligned(64, 32)\n", "b", "Buffer");
    expect_global("b = allocate(4)\nv = b[0] + len(b)\n", "v", "int");
    expect_global("a = create_arena(4096)\n", "a", "Arena");
    expect_global("a = create_arena('frame')\n", "a", "Arena");
    expect_global("s = memory_stats()\n", "s", "dict[str, int]");
    expect_global("b = allocate(4)\nfree(b)\nreset_arena('x')\ndestroy_arena('x')\nk = 1\n", "k", "int");
    expect_error("b = allocate(4)\nb['x'] = 1\n", 2, 3, "buffer indices must be integers, not 'str'");
    expect_error("b = [allocate(4)]\nfree(b[0])\n", 2, 6, "free() takes a variable (the reference it clears)");
    expect_error("def f(n: owned(int)) -> None:\n    pass\n", 1, 10, "owned() applies to objects, not to 'int'");
}

static void test_unsupported(void **state)
{
    (void)state;
    expect_error("f = lambda x: x\n", 1, 5, "lambda expressions are not supported");
    expect_error("def f(*args: int) -> None:\n    pass\n", 1, 7, "*args parameters are not supported");
    expect_error("import os\n", 1, 1, "import of module 'os' is not supported (only 'typing')");
    expect_error("def f(b: Buffer) -> None:\n    free(b)\n", 2, 10,
                 "cannot free 'b': parameters are borrowed unless annotated owned(T)");
    expect_error("x = 1\n@arena_memory(x)\ndef f() -> None:\n    pass\n", 2, 15,
                 "@arena_memory needs an Arena, not 'int'");
    expect_error("@cache\ndef f() -> None:\n    pass\n", 1, 2,
                 "decorator 'cache' is not supported (only @auto_memory, @manual_memory, @arena_memory)");
    expect_error("def f() -> None:\n    nonlocal x\n", 2, 5, "nonlocal is not supported");
    expect_error("def f(n: int = len('a')) -> None:\n    pass\n", 1, 16,
                 "default value of 'n' must be a constant");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inference),
        cmocka_unit_test(test_function_types),
        cmocka_unit_test(test_name_errors),
        cmocka_unit_test(test_call_errors),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_class_errors),
        cmocka_unit_test(test_memory_builtins),
        cmocka_unit_test(test_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
