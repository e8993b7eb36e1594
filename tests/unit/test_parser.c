/* test_parser.c - parser shapes (via the S-expression dump in ast.c),
 * node positions, f-strings, and syntax error texts with their positions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compiler.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

typedef struct Parsed {
    Compiler c;
    Module *m;
} Parsed;

static void parse(Parsed *p, const char *src)
{
    TauraroOptions opts = {0};
    compiler_init(&p->c, "t.tr", src, strlen(src), &opts);
    p->m = parse_module(&p->c);
}

/* Parse src and compare the module dump with `expected`. */
static void check(const char *src, const char *expected)
{
    Parsed p;
    parse(&p, src);
    if (!p.m) {
        for (Diag *d = p.c.diags; d; d = d->next)
            print_error("%s: %d:%d: %s\n", src, d->pos.line, d->pos.col, d->msg);
        compiler_free(&p.c);
        fail_msg("parse failed");
    }
    assert_int_equal(p.c.nerrors, 0);
    StrBuf b = {0};
    ast_dump_module(&b, p.m);
    sb_putc(&b, '\0');
    compiler_free(&p.c);
    if (strcmp(b.data, expected) != 0)
        print_error("source:   %s\nexpected: %s\nactual:   %s\n", src, expected, b.data);
    int same = strcmp(b.data, expected) == 0;
    sb_free(&b);
    assert_true(same);
}

/* Parse src, which has one statement, and compare that statement's dump
 * without the `(module ` wrapper: check_stmt("x = 1\n", "(assign (name x) (int 1))"). */
static void check_stmt(const char *src, const char *stmt)
{
    size_t n = strlen(stmt) + 16;
    char *expected = malloc(n);
    snprintf(expected, n, "(module %s)", stmt);
    check(src, expected);
    free(expected);
}

/* The expression statement `src` (one line, no newline needed). */
static void check_expr(const char *src, const char *expr)
{
    size_t n = strlen(src) + 2, m = strlen(expr) + 16;
    char *line = malloc(n), *expected = malloc(m);
    snprintf(line, n, "%s\n", src);
    snprintf(expected, m, "(expr %s)", expr);
    check_stmt(line, expected);
    free(line);
    free(expected);
}

/* Parsing src fails, and the first diagnostic is `msg` at line:col. */
static void check_error(const char *src, int line, int col, const char *msg)
{
    Parsed p;
    parse(&p, src);
    assert_null(p.m);
    assert_non_null(p.c.diags);
    Diag *d = p.c.diags;
    if (strcmp(d->msg, msg) != 0 || d->pos.line != line || d->pos.col != col)
        print_error("source: %s\nexpected: %d:%d: %s\nactual:   %d:%d: %s\n", src, line, col,
                    msg, d->pos.line, d->pos.col, d->msg);
    assert_int_equal(d->level, DIAG_ERROR);
    assert_string_equal(d->msg, msg);
    assert_int_equal(d->pos.line, line);
    assert_int_equal(d->pos.col, col);
    compiler_free(&p.c);
}

static void assert_pos(SrcPos pos, int line, int col)
{
    if (pos.line != line || pos.col != col)
        print_error("position %d:%d, expected %d:%d\n", pos.line, pos.col, line, col);
    assert_int_equal(pos.line, line);
    assert_int_equal(pos.col, col);
}

static Stmt *stmt_at(Module *m, int i)
{
    assert_true(i < m->body.n);
    return m->body.items[i];
}

/* ------------------------------------------------------------------ */
/* Expressions                                                         */

static void test_atoms(void **state)
{
    (void)state;
    check_expr("x", "(name x)");
    check_expr("42", "(int 42)");
    check_expr("2.5", "(float 2.5)");
    check_expr("1e3", "(float 1000)");
    check_expr("'a\\n\"b'", "(str \"a\\n\\\"b\")");
    check_expr("True", "(bool True)");
    check_expr("False", "(bool False)");
    check_expr("None", "(none)");
    check_expr("...", "(none)");
    check_expr("(x)", "(name x)");
    check_expr("()", "(tuple)");
    check_expr("(1,)", "(tuple (int 1))");
    check_expr("(1, 2)", "(tuple (int 1) (int 2))");
    check_expr("[]", "(list)");
    check_expr("[1, 2,]", "(list (int 1) (int 2))");
    check_expr("{}", "(dict)");
    check_expr("{'a': 1, 'b': 2,}", "(dict (kv (str \"a\") (int 1)) (kv (str \"b\") (int 2)))");
    check_expr("{1, 2}", "(set (int 1) (int 2))");
    check_expr("{1}", "(set (int 1))");
}

static void test_precedence_arith(void **state)
{
    (void)state;
    check_expr("1 + 2 * 3", "(binop + (int 1) (binop * (int 2) (int 3)))");
    check_expr("(1 + 2) * 3", "(binop * (binop + (int 1) (int 2)) (int 3))");
    check_expr("1 - 2 - 3", "(binop - (binop - (int 1) (int 2)) (int 3))");
    check_expr("a / b // c % d @ e",
               "(binop @ (binop % (binop // (binop / (name a) (name b)) (name c)) (name d)) (name e))");
    /* ** is right-associative and binds tighter than unary minus on its left */
    check_expr("2 ** 3 ** 2", "(binop ** (int 2) (binop ** (int 3) (int 2)))");
    check_expr("-2 ** 2", "(unop - (binop ** (int 2) (int 2)))");
    check_expr("2 ** -1", "(binop ** (int 2) (unop - (int 1)))");
    check_expr("-x * y", "(binop * (unop - (name x)) (name y))");
    check_expr("- + ~x", "(unop - (unop + (unop ~ (name x))))");
    check_expr("-a.b ** 2", "(unop - (binop ** (attr (name a) b) (int 2)))");
}

static void test_precedence_bitwise(void **state)
{
    (void)state;
    check_expr("a | b ^ c & d", "(binop | (name a) (binop ^ (name b) (binop & (name c) (name d))))");
    check_expr("a & b << 1 + 2",
               "(binop & (name a) (binop << (name b) (binop + (int 1) (int 2))))");
    check_expr("a >> 1 << 2", "(binop << (binop >> (name a) (int 1)) (int 2))");
    check_expr("a | b == c", "(compare (binop | (name a) (name b)) == (name c))");
}

static void test_precedence_bool(void **state)
{
    (void)state;
    check_expr("a or b and c", "(boolop or (name a) (boolop and (name b) (name c)))");
    check_expr("a and b or c", "(boolop or (boolop and (name a) (name b)) (name c))");
    check_expr("not a and b", "(boolop and (unop not (name a)) (name b))");
    check_expr("not a == b", "(unop not (compare (name a) == (name b)))");
    check_expr("not not a", "(unop not (unop not (name a)))");
    check_expr("a or b or c", "(boolop or (boolop or (name a) (name b)) (name c))");
    check_expr("a if b else c", "(ifexp (name b) (name a) (name c))");
    check_expr("a if b else c if d else e",
               "(ifexp (name b) (name a) (ifexp (name d) (name c) (name e)))");
    check_expr("a or b if c and d else e",
               "(ifexp (boolop and (name c) (name d)) (boolop or (name a) (name b)) (name e))");
}

static void test_comparisons(void **state)
{
    (void)state;
    check_expr("a < b", "(compare (name a) < (name b))");
    check_expr("1 < x <= 10", "(compare (int 1) < (name x) <= (int 10))");
    check_expr("a == b != c > d >= e",
               "(compare (name a) == (name b) != (name c) > (name d) >= (name e))");
    check_expr("a in b not in c", "(compare (name a) in (name b) not in (name c))");
    check_expr("a is None", "(compare (name a) is (none))");
    check_expr("a is not None", "(compare (name a) is not (none))");
    /* a parenthesized comparison is an operand, not part of the chain */
    check_expr("(a < b) < c", "(compare (compare (name a) < (name b)) < (name c))");
    check_expr("a + 1 < b * 2", "(compare (binop + (name a) (int 1)) < (binop * (name b) (int 2)))");

    /* the ops vector holds OpKind values */
    Parsed p;
    parse(&p, "a < b is not c\n");
    assert_non_null(p.m);
    Expr *e = stmt_at(p.m, 0)->expr;
    assert_int_equal(e->kind, E_COMPARE);
    assert_int_equal(e->items.n, 3);
    assert_int_equal(e->ops.n, 2);
    assert_int_equal((intptr_t)e->ops.items[0], OP_LT);
    assert_int_equal((intptr_t)e->ops.items[1], OP_IS_NOT);
    compiler_free(&p.c);
}

static void test_trailers(void **state)
{
    (void)state;
    check_expr("f()", "(call (name f))");
    check_expr("f(a, b=1)", "(call (name f) (name a) (kw b (int 1)))");
    check_expr("f(a, b=1,)", "(call (name f) (name a) (kw b (int 1)))");
    check_expr("print(x, sep=', ', end='')",
               "(call (name print) (name x) (kw sep (str \", \")) (kw end (str \"\")))");
    check_expr("f(*xs, **kw)", "(call (name f) (starred (name xs)) (dstarred (name kw)))");
    check_expr("sum(x * x for x in xs)",
               "(call (name sum) (genexp (binop * (name x) (name x)) (for (name x) (name xs))))");
    check_expr("a.b.c", "(attr (attr (name a) b) c)");
    check_expr("a.b(1).c[2]", "(index (attr (call (attr (name a) b) (int 1)) c) (int 2))");
    check_expr("f(x)(y)", "(call (call (name f) (name x)) (name y))");
    check_expr("'-'.join(xs)", "(call (attr (str \"-\") join) (name xs))");
}

static void test_subscripts_and_slices(void **state)
{
    (void)state;
    check_expr("a[i]", "(index (name a) (name i))");
    check_expr("a[1:2]", "(index (name a) (slice (int 1) (int 2) _))");
    check_expr("a[1:2:3]", "(index (name a) (slice (int 1) (int 2) (int 3)))");
    check_expr("a[::2]", "(index (name a) (slice _ _ (int 2)))");
    check_expr("a[:]", "(index (name a) (slice _ _ _))");
    check_expr("a[::]", "(index (name a) (slice _ _ _))");
    check_expr("a[1:]", "(index (name a) (slice (int 1) _ _))");
    check_expr("a[:-1]", "(index (name a) (slice _ (unop - (int 1)) _))");
    check_expr("a[::-1]", "(index (name a) (slice _ _ (unop - (int 1))))");
    check_expr("dict[str, int]", "(index (name dict) (tuple (name str) (name int)))");
    check_expr("a[1:2, 3]", "(index (name a) (tuple (slice (int 1) (int 2) _) (int 3)))");
    check_expr("a[i,]", "(index (name a) (tuple (name i)))");
    check_expr("list[list[int]]", "(index (name list) (index (name list) (name int)))");
}

static void test_comprehensions(void **state)
{
    (void)state;
    check_expr("[x * 2 for x in xs if x > 0 for y in ys]",
               "(listcomp (binop * (name x) (int 2)) (for (name x) (name xs) "
               "(if (compare (name x) > (int 0)))) (for (name y) (name ys)))");
    check_expr("[x for x in xs if a if b]",
               "(listcomp (name x) (for (name x) (name xs) (if (name a)) (if (name b))))");
    check_expr("[a if c else b for a, b in ps]",
               "(listcomp (ifexp (name c) (name a) (name b)) (for (tuple (name a) (name b)) (name ps)))");
    check_expr("{k: v for k, v in d.items()}",
               "(dictcomp (name k) (name v) (for (tuple (name k) (name v)) (call (attr (name d) items))))");
    check_expr("{x for x in xs}", "(setcomp (name x) (for (name x) (name xs)))");
    check_expr("(x for x in xs)", "(genexp (name x) (for (name x) (name xs)))");
    check_expr("[[y for y in x] for x in m]",
               "(listcomp (listcomp (name y) (for (name y) (name x))) (for (name x) (name m)))");
}

static void test_other_expressions(void **state)
{
    (void)state;
    check_expr("lambda: 0", "(lambda () (int 0))");
    check_expr("lambda x, y=1: x + y", "(lambda (x y) (binop + (name x) (name y)))");
    check_expr("(n := 10)", "(walrus (name n) (int 10))");
    check_expr("await f()", "(await (call (name f)))");
    check_expr("[*a, b]", "(list (starred (name a)) (name b))");
    check_stmt("def g():\n    yield\n    yield x\n    y = yield x, 1\n",
               "(def g (params) (body (expr (yield)) (expr (yield (name x))) "
               "(assign (name y) (yield (tuple (name x) (int 1))))))");
    check_expr("(yield)", "(yield)");
}

static void test_strings(void **state)
{
    (void)state;
    check_expr("'a' 'b' \"c\"", "(str \"abc\")");
    check_expr("'tab\\there'", "(str \"tab\\there\")");
    check_expr("''", "(str \"\")");
    /* an f-string among the pieces makes the whole an f-string */
    check_expr("'a' f'{x}' 'b'", "(fstr (lit \"a\") (field (name x)) (lit \"b\"))");
    check_expr("f'x' 'y'", "(fstr (lit \"xy\"))");
    check_expr("f''", "(fstr)");

    Parsed p;
    parse(&p, "s = 'ab' 'cd'\n");
    assert_non_null(p.m);
    Expr *e = stmt_at(p.m, 0)->expr;
    assert_int_equal(e->kind, E_STR);
    assert_int_equal(e->v.str.len, 4);
    assert_memory_equal(e->v.str.s, "abcd", 4);
    assert_pos(e->pos, 1, 5);
    compiler_free(&p.c);
}

static void test_fstrings(void **state)
{
    (void)state;
    check_expr("f'a{x}b'", "(fstr (lit \"a\") (field (name x)) (lit \"b\"))");
    check_expr("f'{x!r}'", "(fstr (field (name x) !r))");
    check_expr("f'{x:>8.3f}'", "(fstr (field (name x) (spec (lit \">8.3f\"))))");
    check_expr("f'{n:,}'", "(fstr (field (name n) (spec (lit \",\"))))");
    check_expr("f'{x:{w}.{p}}'",
               "(fstr (field (name x) (spec (field (name w)) (lit \".\") (field (name p)))))");
    check_expr("f'{a + b * 2}'", "(fstr (field (binop + (name a) (binop * (name b) (int 2)))))");
    check_expr("f'{a, b}'", "(fstr (field (tuple (name a) (name b))))");
    check_expr("f'{d[\"k\"]}'", "(fstr (field (index (name d) (str \"k\"))))");
    check_expr("f'{x!s:>4}'", "(fstr (field (name x) !s (spec (lit \">4\"))))");
    /* self-documenting: the source text and '=', then repr unless told otherwise */
    check_expr("f'{x=}'", "(fstr (lit \"x=\") (field (name x) !r))");
    check_expr("f'{x = }'", "(fstr (lit \"x = \") (field (name x) !r))");
    check_expr("f'{x=!s}'", "(fstr (lit \"x=\") (field (name x) !s))");
    check_expr("f'{x=:>4}'", "(fstr (lit \"x=\") (field (name x) (spec (lit \">4\"))))");
    check_expr("f'v: {a.b=}'", "(fstr (lit \"v: a.b=\") (field (attr (name a) b) !r))");
}

static void test_fstring_structure_and_positions(void **state)
{
    (void)state;
    Parsed p;
    /*        123456789012345678 */
    parse(&p, "x = 1\ns = f'ab{x + 1:>{w}}'\n");
    assert_non_null(p.m);
    Expr *e = stmt_at(p.m, 1)->expr;
    assert_int_equal(e->kind, E_FSTR);
    assert_pos(e->pos, 2, 5);
    assert_int_equal(e->items.n, 2);

    FStrItem *lit = e->items.items[0];
    assert_null(lit->expr);
    assert_int_equal(lit->len, 2);
    assert_memory_equal(lit->text, "ab", 2);

    FStrItem *field = e->items.items[1];
    assert_non_null(field->expr);
    assert_int_equal(field->expr->kind, E_BINARY);
    assert_pos(field->pos, 2, 10);
    assert_pos(field->expr->pos, 2, 10);
    assert_pos(field->expr->lhs->pos, 2, 10);
    assert_pos(field->expr->rhs->pos, 2, 14);
    assert_int_equal(field->conv, 0);

    assert_int_equal(field->spec.n, 2);
    FStrItem *s0 = field->spec.items[0], *s1 = field->spec.items[1];
    assert_null(s0->expr);
    assert_int_equal(s0->len, 1);
    assert_memory_equal(s0->text, ">", 1);
    assert_non_null(s1->expr);
    assert_int_equal(s1->expr->kind, E_NAME);
    assert_string_equal(s1->expr->v.name, "w");
    assert_pos(s1->expr->pos, 2, 18);
    compiler_free(&p.c);
}

static void test_parse_expr_text(void **state)
{
    (void)state;
    Compiler c;
    TauraroOptions opts = {0};
    const char *src = "a.b + c[1]";
    compiler_init(&c, "t.tr", src, strlen(src), &opts);
    SrcPos at = {3, 7};
    Expr *e = parse_expr_text(&c, src, (int)strlen(src), at);
    assert_non_null(e);
    StrBuf b = {0};
    ast_dump_expr(&b, e);
    sb_putc(&b, '\0');
    assert_string_equal(b.data, "(binop + (attr (name a) b) (index (name c) (int 1)))");
    sb_free(&b);
    assert_pos(e->pos, 3, 7);
    assert_pos(e->rhs->pos, 3, 13);

    assert_null(parse_expr_text(&c, "a +", 3, at));
    assert_int_equal(c.nerrors, 1);
    assert_string_equal(c.diags->msg, "unexpected end of f-string expression");
    compiler_free(&c);
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */

static void test_assignments(void **state)
{
    (void)state;
    check_stmt("x = 1 + 2 * 3\n",
               "(assign (name x) (binop + (int 1) (binop * (int 2) (int 3))))");
    check_stmt("a = b = c\n", "(assign (name a) (name b) (name c))");
    check_stmt("a, b = b, a % b\n",
               "(assign (tuple (name a) (name b)) (tuple (name b) (binop % (name a) (name b))))");
    check_stmt("(a, b) = [c, d] = t\n",
               "(assign (tuple (name a) (name b)) (list (name c) (name d)) (name t))");
    check_stmt("x = 1, 2\n", "(assign (name x) (tuple (int 1) (int 2)))");
    check_stmt("x = 1,\n", "(assign (name x) (tuple (int 1)))");
    check_stmt("a, *b = xs\n", "(assign (tuple (name a) (starred (name b))) (name xs))");
    check_stmt("self.x[i] = v\n", "(assign (index (attr (name self) x) (name i)) (name v))");
    check_stmt("x += 1\n", "(augassign += (name x) (int 1))");
    check_stmt("x -= 1\n", "(augassign -= (name x) (int 1))");
    check_stmt("x *= 1\n", "(augassign *= (name x) (int 1))");
    check_stmt("x /= 1\n", "(augassign /= (name x) (int 1))");
    check_stmt("x //= 1\n", "(augassign //= (name x) (int 1))");
    check_stmt("x %= 1\n", "(augassign %= (name x) (int 1))");
    check_stmt("x **= 1\n", "(augassign **= (name x) (int 1))");
    check_stmt("x @= 1\n", "(augassign @= (name x) (int 1))");
    check_stmt("x &= 1\n", "(augassign &= (name x) (int 1))");
    check_stmt("x |= 1\n", "(augassign |= (name x) (int 1))");
    check_stmt("x ^= 1\n", "(augassign ^= (name x) (int 1))");
    check_stmt("x <<= 1\n", "(augassign <<= (name x) (int 1))");
    check_stmt("x >>= 1\n", "(augassign >>= (name x) (int 1))");
    check_stmt("a.b[0] += 1\n", "(augassign += (index (attr (name a) b) (int 0)) (int 1))");
    check_stmt("x: int = 5\n", "(annassign (name x) (name int) (int 5))");
    check_stmt("x: list[int]\n", "(annassign (name x) (index (name list) (name int)))");
    check_stmt("self.n: int = 0\n", "(annassign (attr (name self) n) (name int) (int 0))");

    Parsed p;
    parse(&p, "a = b = 1\n");
    Stmt *s = stmt_at(p.m, 0);
    assert_int_equal(s->kind, S_ASSIGN);
    assert_int_equal(s->targets.n, 2);
    assert_int_equal(s->expr->kind, E_INT);
    compiler_free(&p.c);
}

static void test_simple_statements(void **state)
{
    (void)state;
    check_stmt("pass\n", "(pass)");
    check_stmt("while x:\n    break\n    continue\n",
               "(while (name x) (body (break) (continue)))");
    check_stmt("def f():\n    return\n", "(def f (params) (body (return)))");
    check_stmt("def f():\n    return a, b\n",
               "(def f (params) (body (return (tuple (name a) (name b)))))");
    check_stmt("global a, b\n", "(global a b)");
    check_stmt("nonlocal a\n", "(nonlocal a)");
    check_stmt("del a, b[0]\n", "(del (name a) (index (name b) (int 0)))");
    check_stmt("del (a, b)\n", "(del (tuple (name a) (name b)))");
    check_stmt("raise\n", "(raise)");
    check_stmt("raise ValueError('x')\n", "(raise (call (name ValueError) (str \"x\")))");
    check_stmt("raise E from e\n", "(raise (name E) (from (name e)))");
    check_stmt("assert x\n", "(assert (name x))");
    check_stmt("assert x > 0, 'neg'\n", "(assert (compare (name x) > (int 0)) (str \"neg\"))");
    check_stmt("import typing\n", "(import typing)");
    check_stmt("import os.path, sys\n", "(import os.path sys)");
    check_stmt("from typing import List, Dict\n", "(from typing List Dict)");
    check_stmt("from typing import (List,\n    Dict,)\n", "(from typing List Dict)");
    check_stmt("from a.b import *\n", "(from a.b *)");
    check_stmt("f(x)\n", "(expr (call (name f) (name x)))");
    check("a = 1; b = 2;\nc = 3\n",
          "(module (assign (name a) (int 1)) (assign (name b) (int 2)) (assign (name c) (int 3)))");
    check("", "(module)");
    check("# only a comment\n\n", "(module)");
}

static void test_if_while_for(void **state)
{
    (void)state;
    check_stmt("if a:\n    x = 1\n", "(if (name a) (body (assign (name x) (int 1))))");
    check_stmt("if a: x = 1\n", "(if (name a) (body (assign (name x) (int 1))))");
    check_stmt("if a:\n    pass\nelse:\n    pass\n",
               "(if (name a) (body (pass)) (else (pass)))");
    /* elif: a nested S_IF that is the whole else branch */
    check_stmt("if a:\n    x\nelif b:\n    y\nelif c:\n    z\nelse:\n    w\n",
               "(if (name a) (body (expr (name x))) (else (if (name b) (body (expr (name y))) "
               "(else (if (name c) (body (expr (name z))) (else (expr (name w))))))))");
    check_stmt("if a:\n    if b:\n        x\n    else:\n        y\n",
               "(if (name a) (body (if (name b) (body (expr (name x))) (else (expr (name y))))))");
    check_stmt("if (n := f()) > 1: pass\n",
               "(if (compare (walrus (name n) (call (name f))) > (int 1)) (body (pass)))");
    check_stmt("while i < n:\n    i += 1\nelse:\n    pass\n",
               "(while (compare (name i) < (name n)) (body (augassign += (name i) (int 1))) "
               "(else (pass)))");
    check_stmt("for i in range(10):\n    print(i)\n",
               "(for (name i) (call (name range) (int 10)) (body (expr (call (name print) (name i)))))");
    check_stmt("for k, v in d.items():\n    pass\nelse:\n    pass\n",
               "(for (tuple (name k) (name v)) (call (attr (name d) items)) (body (pass)) (else (pass)))");
    check_stmt("for (i, x) in enumerate(xs): pass\n",
               "(for (tuple (name i) (name x)) (call (name enumerate) (name xs)) (body (pass)))");
    check_stmt("for x in 1, 2: pass\n", "(for (name x) (tuple (int 1) (int 2)) (body (pass)))");

    Parsed p;
    parse(&p, "if a:\n    pass\nelif b:\n    pass\n");
    Stmt *s = stmt_at(p.m, 0);
    assert_int_equal(s->orelse.n, 1);
    Stmt *elif = s->orelse.items[0];
    assert_int_equal(elif->kind, S_IF);
    assert_pos(elif->pos, 3, 1);
    assert_int_equal(elif->orelse.n, 0);
    compiler_free(&p.c);
}

static void test_many_elifs(void **state)
{
    (void)state;
    /* a long elif chain must not grow the parser stack */
    StrBuf b = {0};
    sb_puts(&b, "if x == 0:\n    pass\n");
    for (int i = 1; i < 3000; i++)
        sb_printf(&b, "elif x == %d:\n    pass\n", i);
    sb_putc(&b, '\0');
    Parsed p;
    parse(&p, b.data);
    assert_non_null(p.m);
    int depth = 0;
    for (Stmt *s = stmt_at(p.m, 0); s; s = s->orelse.n ? s->orelse.items[0] : NULL)
        depth++;
    assert_int_equal(depth, 3000);
    compiler_free(&p.c);
    sb_free(&b);
}

static void test_defs(void **state)
{
    (void)state;
    check_stmt("def f(a: int, b: str = 'x') -> bool:\n    return True\n",
               "(def f (params (param a (name int)) (param b (name str) (str \"x\"))) "
               "(returns (name bool)) (body (return (bool True))))");
    check_stmt("def f(self, n=0,):\n    pass\n",
               "(def f (params (param self) (param n _ (int 0))) (body (pass)))");
    check_stmt("def f(*args: int, **kw: int): pass\n",
               "(def f (params (param *args (name int)) (param **kw (name int))) (body (pass)))");
    check_stmt("def f() -> list[int]: ...\n",
               "(def f (params) (returns (index (name list) (name int))) (body (expr (none))))");
    check_stmt("@auto_memory\ndef f():\n    pass\n",
               "(def f (decorators (name auto_memory)) (params) (body (pass)))");
    check_stmt("@arena_memory(self.frame_arena)\n@manual_memory\ndef f(): pass\n",
               "(def f (decorators (call (name arena_memory) (attr (name self) frame_arena)) "
               "(name manual_memory)) (params) (body (pass)))");
    check_stmt("@a.b\ndef f(): pass\n", "(def f (decorators (attr (name a) b)) (params) (body (pass)))");
    check_stmt("async def f():\n    await g()\n",
               "(def f async (params) (body (expr (await (call (name g))))))");
    check_stmt("@d\nasync def f(): pass\n",
               "(def f async (decorators (name d)) (params) (body (pass)))");
    check_stmt("def outer():\n    def inner(x: int) -> int:\n        return x\n    return inner(1)\n",
               "(def outer (params) (body (def inner (params (param x (name int))) (returns (name int)) "
               "(body (return (name x)))) (return (call (name inner) (int 1)))))");

    Parsed p;
    /*         1234567890123456789 */
    parse(&p, "@dec\ndef f(a: int, *rest): pass\nasync def g(): pass\n");
    Stmt *s = stmt_at(p.m, 0);
    assert_int_equal(s->kind, S_DEF);
    assert_pos(s->pos, 2, 1);
    assert_pos(s->def->pos, 2, 5);
    assert_string_equal(s->def->name, "f");
    Param *a = s->def->params.items[0], *rest = s->def->params.items[1];
    assert_pos(a->pos, 2, 7);
    assert_int_equal(a->star, 0);
    assert_int_equal(rest->star, 1);
    assert_string_equal(rest->name, "rest");
    assert_pos(rest->pos, 2, 15);
    Expr *dec = s->def->decorators.items[0];
    assert_pos(dec->pos, 1, 2);
    assert_false(s->def->is_async);
    Stmt *g = stmt_at(p.m, 1);
    assert_true(g->def->is_async);
    assert_pos(g->pos, 3, 1);
    compiler_free(&p.c);
}

static void test_classes(void **state)
{
    (void)state;
    check_stmt("class A:\n    x: int\n    def m(self) -> int:\n        return self.x\n",
               "(class A (body (annassign (name x) (name int)) (def m (params (param self)) "
               "(returns (name int)) (body (return (attr (name self) x))))))");
    check_stmt("class E(Exception):\n    pass\n",
               "(class E (bases (name Exception)) (body (pass)))");
    check_stmt("class A(): pass\n", "(class A (body (pass)))");
    check_stmt("class A(B, C,): pass\n", "(class A (bases (name B) (name C)) (body (pass)))");
    check_stmt("@dataclass\nclass P:\n    x: int = 0\n",
               "(class P (decorators (name dataclass)) (body (annassign (name x) (name int) (int 0))))");

    Parsed p;
    parse(&p, "\nclass Point(Base):\n    pass\n");
    Stmt *s = stmt_at(p.m, 0);
    assert_int_equal(s->kind, S_CLASS);
    assert_pos(s->pos, 2, 1);
    assert_pos(s->cls->pos, 2, 7);
    assert_string_equal(s->cls->name, "Point");
    compiler_free(&p.c);
}

static void test_try(void **state)
{
    (void)state;
    check_stmt("try:\n    f()\nexcept ValueError as e:\n    print(e)\nexcept (A, B):\n    pass\n"
               "except:\n    raise\nelse:\n    x = 1\nfinally:\n    done()\n",
               "(try (body (expr (call (name f)))) "
               "(except (name ValueError) as e (body (expr (call (name print) (name e))))) "
               "(except (tuple (name A) (name B)) (body (pass))) "
               "(except (body (raise))) "
               "(else (assign (name x) (int 1))) "
               "(finally (expr (call (name done)))))");
    check_stmt("try:\n    pass\nfinally:\n    pass\n", "(try (body (pass)) (finally (pass)))");
    check_stmt("try: pass\nexcept E: pass\n", "(try (body (pass)) (except (name E) (body (pass))))");

    Parsed p;
    parse(&p, "try:\n    pass\nexcept KeyError as k:\n    pass\n");
    Stmt *s = stmt_at(p.m, 0);
    assert_int_equal(s->handlers.n, 1);
    ExceptClause *h = s->handlers.items[0];
    assert_string_equal(h->name, "k");
    assert_pos(h->pos, 3, 1);
    assert_pos(h->type->pos, 3, 8);
    compiler_free(&p.c);
}

static void test_with(void **state)
{
    (void)state;
    check_stmt("with open(p) as f:\n    pass\n",
               "(with (call (name open) (name p)) (as (name f)) (body (pass)))");
    check_stmt("with lock: pass\n", "(with (name lock) (body (pass)))");
}

/* ------------------------------------------------------------------ */
/* Positions                                                           */

static void test_positions(void **state)
{
    (void)state;
    Parsed p;
    parse(&p,
          /* 1234567890123456789012345 */
          "x = a + b * c\n"
          "if  y:\n"
          "    z = f(a, k=1).g[2]\n"
          "w = (a + b) * -c\n");
    assert_non_null(p.m);
    Stmt *s = stmt_at(p.m, 0);
    assert_pos(s->pos, 1, 1);
    Expr *t = s->targets.items[0];
    assert_pos(t->pos, 1, 1);
    assert_pos(s->expr->pos, 1, 5);           /* a + b * c: at a */
    assert_pos(s->expr->rhs->pos, 1, 9);      /* b * c: at b */
    assert_pos(s->expr->rhs->rhs->pos, 1, 13);

    Stmt *i = stmt_at(p.m, 1);
    assert_pos(i->pos, 2, 1);
    assert_pos(i->expr->pos, 2, 5);
    Stmt *z = i->body.items[0];
    assert_pos(z->pos, 3, 5);
    Expr *idx = z->expr;                      /* f(a, k=1).g[2] */
    assert_int_equal(idx->kind, E_INDEX);
    assert_pos(idx->pos, 3, 9);
    assert_pos(idx->rhs->pos, 3, 21);
    Expr *call = idx->lhs->lhs;
    assert_int_equal(call->kind, E_CALL);
    assert_pos(call->pos, 3, 9);
    Arg *a0 = call->args.items[0], *a1 = call->args.items[1];
    assert_null(a0->name);
    assert_pos(a0->pos, 3, 11);
    assert_string_equal(a1->name, "k");
    assert_pos(a1->pos, 3, 14);
    assert_pos(a1->value->pos, 3, 16);

    Stmt *w = stmt_at(p.m, 2);
    Expr *mul = w->expr;
    assert_pos(mul->pos, 4, 5);               /* starts at the '(' */
    assert_true(mul->lhs->parens);
    assert_pos(mul->lhs->pos, 4, 5);
    assert_pos(mul->lhs->rhs->pos, 4, 10);
    assert_pos(mul->rhs->pos, 4, 15);         /* -c: at the '-' */
    assert_false(mul->rhs->parens);
    compiler_free(&p.c);
}

static void test_parens_flag(void **state)
{
    (void)state;
    Parsed p;
    parse(&p, "x = (1, 2)\ny = 1, 2\nz = ()\n");
    Expr *x = stmt_at(p.m, 0)->expr, *y = stmt_at(p.m, 1)->expr, *z = stmt_at(p.m, 2)->expr;
    assert_int_equal(x->kind, E_TUPLE);
    assert_true(x->parens);
    assert_int_equal(y->kind, E_TUPLE);
    assert_false(y->parens);
    assert_pos(y->pos, 2, 5);
    assert_int_equal(z->kind, E_TUPLE);
    assert_int_equal(z->items.n, 0);
    compiler_free(&p.c);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static void test_syntax_errors(void **state)
{
    (void)state;
    check_error("x = (1 +)\n", 1, 9, "invalid syntax: unexpected ')'");
    check_error("f(a, *)\n", 1, 7, "invalid syntax: unexpected ')'");
    check_error("f(a b)\n", 1, 5, "invalid syntax: unexpected 'b'");
    check_error("x = 1 foo\n", 1, 7, "invalid syntax: unexpected 'foo'");
    check_error("x = 1 2\n", 1, 7, "invalid syntax: unexpected '2'");
    check_error("x = 'a' 1.5\n", 1, 9, "invalid syntax: unexpected '1.5'");
    check_error("x = 1 'abc'\n", 1, 7, "invalid syntax: unexpected ''abc''");
    check_error("else:\n    pass\n", 1, 1, "invalid syntax: unexpected 'else'");
    check_error("if x:\n    pass\nx = 1\nelse:\n    pass\n", 4, 1,
                "invalid syntax: unexpected 'else'");
    check_error("x = 1 +\n", 1, 8, "unexpected newline");
    check_error("x = 1\n    y = 2\n", 2, 5, "unexpected indent");
    check_error("class A:\n    @dec\nx = 1\n", 3, 1, "unexpected dedent");
    check_error("try:\n    pass\n", 3, 1, "unexpected end of file");
    check_error("def f(a, *, b): pass\n", 1, 11, "invalid syntax: unexpected ','");
    check_error("import a as b\n", 1, 10, "invalid syntax: unexpected 'as'");
    check_error("x = y = \n", 1, 9, "unexpected newline");
    check_error("f(x for x in xs, 1)\n", 1, 16, "invalid syntax: unexpected ','");
    /* only the first error is reported */
    Parsed p;
    parse(&p, "x = (1 +)\ny = (1 +)\n");
    assert_null(p.m);
    assert_int_equal(p.c.nerrors, 1);
    compiler_free(&p.c);
}

static void test_unexpected_indent_position(void **state)
{
    (void)state;
    Parsed p;
    parse(&p, "x = 1\n    y = 2\n");
    assert_null(p.m);
    assert_int_equal(p.c.nerrors, 1);
    assert_int_equal(p.c.diags->pos.line, 2);
    compiler_free(&p.c);
}

static void test_expected_indented_block(void **state)
{
    (void)state;
    check_error("if x:\ny = 1\n", 2, 1, "expected an indented block");
    check_error("def f():\nreturn 1\n", 2, 1, "expected an indented block");
    check_error("for i in x:\n", 2, 1, "expected an indented block");
    check_error("def f():\n    if x:\n    y = 1\n", 3, 5, "expected an indented block");
    check_error("class A:\n    def m(self):\n\nx = 1\n", 4, 1, "expected an indented block");
    check_error("while x:\n# comment\npass\n", 3, 1, "expected an indented block");
}

static void test_target_errors(void **state)
{
    (void)state;
    check_error("f() = 1\n", 1, 1, "cannot assign to function call");
    check_error("x = 1 = y\n", 1, 5, "cannot assign to literal");
    check_error("a + b = 1\n", 1, 1, "cannot assign to expression");
    check_error("a, f() = 1, 2\n", 1, 4, "cannot assign to function call");
    check_error("None = 1\n", 1, 1, "cannot assign to None");
    check_error("for f() in xs: pass\n", 1, 5, "cannot assign to function call");
    check_error("del f()\n", 1, 5, "cannot delete function call");
    check_error("a, b += 1\n", 1, 1, "'tuple' is an illegal expression for augmented assignment");
    check_error("f() += 1\n", 1, 1, "'function call' is an illegal expression for augmented assignment");
    check_error("a, b: int = 1, 2\n", 1, 1, "only single target (not tuple) can be annotated");
    check_error("f(): int\n", 1, 1, "illegal target for annotation");
    check_error("(a.b := 1)\n", 1, 2, "cannot use assignment expressions with attribute");
    check_error("[x for f() in xs]\n", 1, 8, "cannot assign to function call");
    check_error("try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n", 3, 1,
                "default 'except:' must be last");
}

static void test_fstring_errors(void **state)
{
    (void)state;
    check_error("x = f'{a +}'\n", 1, 11, "unexpected end of f-string expression");
    check_error("x = f'{a b}'\n", 1, 10, "invalid syntax: unexpected 'b'");
    check_error("x = f'{x:{a b}}'\n", 1, 13, "invalid syntax: unexpected 'b'");
}

static void test_lexer_error_stops_parse(void **state)
{
    (void)state;
    Parsed p;
    parse(&p, "x = $\n");
    assert_null(p.m);
    assert_true(p.c.nerrors >= 1);
    compiler_free(&p.c);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    /* a long chain of unary operators overflows the bounded parser stack:
     * an error, not a crash */
    StrBuf b = {0};
    sb_puts(&b, "x = ");
    for (int i = 0; i < 20000; i++)
        sb_putc(&b, '-');
    sb_puts(&b, "1\n");
    sb_putc(&b, '\0');
    Parsed p;
    parse(&p, b.data);
    assert_null(p.m);
    assert_int_equal(p.c.nerrors, 1);
    assert_string_equal(p.c.diags->msg, "too many nested parentheses");
    compiler_free(&p.c);
    sb_free(&b);

    /* what Python accepts still parses: 180 nested brackets */
    StrBuf n = {0};
    sb_puts(&n, "x = ");
    for (int i = 0; i < 90; i++)
        sb_puts(&n, "[(a + ");
    sb_putc(&n, '1');
    for (int i = 0; i < 90; i++)
        sb_puts(&n, ")]");
    sb_puts(&n, "\n");
    sb_putc(&n, '\0');
    parse(&p, n.data);
    assert_non_null(p.m);
    compiler_free(&p.c);
    sb_free(&n);
}

/* A whole program in the supported subset. */
static void test_program(void **state)
{
    (void)state;
    check("from typing import List\n"
          "\n"
          "class Shape:\n"
          "    def __init__(self, name: str):\n"
          "        self.name = name\n"
          "\n"
          "    def area(self) -> float:\n"
          "        return 0.0\n"
          "\n"
          "def total(shapes: List[Shape]) -> float:\n"
          "    t = 0.0\n"
          "    for s in shapes:\n"
          "        t += s.area()\n"
          "    return t\n"
          "\n"
          "print(f\"{total([]):.2f}\")\n",
          "(module (from typing List) "
          "(class Shape (body "
          "(def __init__ (params (param self) (param name (name str))) "
          "(body (assign (attr (name self) name) (name name)))) "
          "(def area (params (param self)) (returns (name float)) (body (return (float 0)))))) "
          "(def total (params (param shapes (index (name List) (name Shape)))) (returns (name float)) "
          "(body (assign (name t) (float 0)) "
          "(for (name s) (name shapes) (body (augassign += (name t) (call (attr (name s) area))))) "
          "(return (name t)))) "
          "(expr (call (name print) (fstr (field (call (name total) (list)) (spec (lit \".2f\")))))))");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atoms),
        cmocka_unit_test(test_precedence_arith),
        cmocka_unit_test(test_precedence_bitwise),
        cmocka_unit_test(test_precedence_bool),
        cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_trailers),
        cmocka_unit_test(test_subscripts_and_slices),
        cmocka_unit_test(test_comprehensions),
        cmocka_unit_test(test_other_expressions),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_fstrings),
        cmocka_unit_test(test_fstring_structure_and_positions),
        cmocka_unit_test(test_parse_expr_text),
        cmocka_unit_test(test_assignments),
        cmocka_unit_test(test_simple_statements),
        cmocka_unit_test(test_if_while_for),
        cmocka_unit_test(test_many_elifs),
        cmocka_unit_test(test_defs),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_try),
        cmocka_unit_test(test_with),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_parens_flag),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_unexpected_indent_position),
        cmocka_unit_test(test_expected_indented_block),
        cmocka_unit_test(test_target_errors),
        cmocka_unit_test(test_fstring_errors),
        cmocka_unit_test(test_lexer_error_stops_parse),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
