/* test_lexer.c - tokens, layout (INDENT/DEDENT/NEWLINE), literals,
 * f-string parts and every lexer diagnostic of src/lexer.re. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compiler.h"
#include "parser.h"

/* ------------------------------------------------------------------ */
/* Fixture: one compiler per test, freed by the teardown.             */

static Compiler C;
static bool C_live;
static TokenVec V;
static bool OK;

static int teardown(void **state)
{
    (void)state;
    if (C_live)
        compiler_free(&C);
    C_live = false;
    return 0;
}

static void lex_at(const char *src, size_t len, SrcPos start, bool expr_mode)
{
    teardown(NULL);
    TauraroOptions o = {0};
    compiler_init(&C, "t.tr", src, len, &o);
    C_live = true;
    memset(&V, 0, sizeof V);
    OK = lex_tokens(&C, C.src, C.src_len, start, expr_mode, &V);
}

static void lx(const char *src)
{
    lex_at(src, strlen(src), (SrcPos){1, 1}, false);
}

/* The token kinds as one readable string: "name '=' integer literal ...". */
static char *kinds_of(const int *kinds, int n)
{
    static char buf[4096];
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, lex_token_name(kinds[i]));
    }
    return buf;
}

static void check_kinds(const int *want, int nwant)
{
    int got[512];
    int n = V.n < 512 ? V.n : 512;
    for (int i = 0; i < n; i++)
        got[i] = V.toks[i].kind;
    char expected[4096];
    strcpy(expected, kinds_of(want, nwant));
    assert_string_equal(kinds_of(got, n), expected);
}
#define KINDS(...)                                                   \
    do {                                                             \
        static const int want_[] = {__VA_ARGS__};                    \
        check_kinds(want_, (int)(sizeof want_ / sizeof *want_));     \
    } while (0)

static void check_pos(int i, int line, int col)
{
    assert_true(i < V.n);
    assert_int_equal(V.toks[i].pos.line, line);
    assert_int_equal(V.toks[i].pos.col, col);
}

static int ndiags(void)
{
    int n = 0;
    for (Diag *d = C.diags; d; d = d->next)
        n++;
    return n;
}

static void check_diag(int idx, DiagLevel level, int line, int col, const char *msg)
{
    Diag *d = C.diags;
    for (int i = 0; i < idx && d; i++)
        d = d->next;
    assert_non_null(d);
    assert_string_equal(d->msg, msg);
    assert_int_equal(d->level, level);
    assert_int_equal(d->pos.line, line);
    assert_int_equal(d->pos.col, col);
}

/* The only diagnostic of a failed lex. */
static void check_error(const char *src, int line, int col, const char *msg)
{
    lx(src);
    assert_false(OK);
    assert_int_equal(ndiags(), 1);
    check_diag(0, DIAG_ERROR, line, col, msg);
    assert_int_equal(V.toks[V.n - 1].kind, TK_EOF);
}

static void check_str(int i, const char *bytes, int len)
{
    assert_true(i < V.n);
    assert_int_equal(V.toks[i].kind, TK_STRING);
    assert_int_equal(V.toks[i].v.str.len, len);
    assert_memory_equal(V.toks[i].v.str.s, bytes, (size_t)len);
}

static void check_lit(const FStrPart *p, const char *text, int line, int col)
{
    assert_false(p->is_expr);
    assert_int_equal(p->len, (int)strlen(text));
    assert_memory_equal(p->text, text, strlen(text));
    assert_int_equal(p->pos.line, line);
    assert_int_equal(p->pos.col, col);
}

static void check_expr(const FStrPart *p, const char *text, int line, int col)
{
    assert_true(p->is_expr);
    assert_int_equal(p->len, (int)strlen(text));
    assert_memory_equal(p->text, text, strlen(text));
    assert_int_equal(p->pos.line, line);
    assert_int_equal(p->pos.col, col);
}

/* The f-string token i, checked to have n parts. */
static FStrPart *fstr(int i, int n)
{
    assert_true(i < V.n);
    assert_int_equal(V.toks[i].kind, TK_FSTRING);
    assert_int_equal(V.toks[i].v.fstr.nparts, n);
    return V.toks[i].v.fstr.parts;
}

/* ------------------------------------------------------------------ */
/* Operators, keywords, names                                         */

static void test_operators(void **state)
{
    (void)state;
    lx("+ - * / // % ** @ ~ & | ^ << >> < > <= >= == != = += -= *= /= //= %= **= &= |= ^= "
       "<<= >>= @= -> : , . ; ( ) [ ] { } := ...");
    assert_true(OK);
    KINDS(TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_DSLASH, TK_PERCENT, TK_DSTAR, TK_AT,
          TK_TILDE, TK_AMP, TK_PIPE, TK_CARET, TK_LSHIFT, TK_RSHIFT, TK_LT, TK_GT, TK_LE,
          TK_GE, TK_EQ, TK_NE, TK_ASSIGN, TK_PLUSEQ, TK_MINUSEQ, TK_STAREQ, TK_SLASHEQ,
          TK_DSLASHEQ, TK_PERCENTEQ, TK_DSTAREQ, TK_AMPEQ, TK_PIPEEQ, TK_CARETEQ, TK_LSHIFTEQ,
          TK_RSHIFTEQ, TK_ATEQ, TK_ARROW, TK_COLON, TK_COMMA, TK_DOT, TK_SEMI, TK_LPAREN,
          TK_RPAREN, TK_LBRACK, TK_RBRACK, TK_LBRACE, TK_RBRACE, TK_WALRUS, TK_ELLIPSIS,
          TK_NEWLINE, TK_EOF);
}

static void test_operators_glued(void **state)
{
    (void)state;
    /* longest match: '**=' not '**' '=', '->' not '-' '>', '...' not '.' '..' */
    lx("a**=b//c<<=d>>e->f:=g...h.i!=j==k<=-l");
    assert_true(OK);
    KINDS(TK_NAME, TK_DSTAREQ, TK_NAME, TK_DSLASH, TK_NAME, TK_LSHIFTEQ, TK_NAME, TK_RSHIFT,
          TK_NAME, TK_ARROW, TK_NAME, TK_WALRUS, TK_NAME, TK_ELLIPSIS, TK_NAME, TK_DOT,
          TK_NAME, TK_NE, TK_NAME, TK_EQ, TK_NAME, TK_LE, TK_MINUS, TK_NAME, TK_NEWLINE,
          TK_EOF);
    /* spans and positions */
    assert_int_equal(V.toks[1].len, 3);
    assert_memory_equal(V.toks[1].start, "**=", 3);
    check_pos(1, 1, 2);
    check_pos(13, 1, 22); /* '...' */
}

static void test_keywords_and_names(void **state)
{
    (void)state;
    lx("False None True and as assert async await break class continue def del elif else "
       "except finally for from global if import in is lambda nonlocal not or pass raise "
       "return try while with yield");
    assert_true(OK);
    KINDS(TK_FALSE, TK_NONE, TK_TRUE, TK_AND, TK_AS, TK_ASSERT, TK_ASYNC, TK_AWAIT, TK_BREAK,
          TK_CLASS, TK_CONTINUE, TK_DEF, TK_DEL, TK_ELIF, TK_ELSE, TK_EXCEPT, TK_FINALLY,
          TK_FOR, TK_FROM, TK_GLOBAL, TK_IF, TK_IMPORT, TK_IN, TK_IS, TK_LAMBDA, TK_NONLOCAL,
          TK_NOT, TK_OR, TK_PASS, TK_RAISE, TK_RETURN, TK_TRY, TK_WHILE, TK_WITH, TK_YIELD,
          TK_NEWLINE, TK_EOF);

    lx("iff None_ _x True1 el classy r f b rb fr u false _ __init__ x9");
    assert_true(OK);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(V.toks[i].kind, TK_NAME);
    }
    assert_int_equal(V.toks[3].len, 5);
    assert_memory_equal(V.toks[3].start, "True1", 5);
    check_pos(15, 1, 61);
    KINDS(TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NAME,
          TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NAME, TK_NEWLINE, TK_EOF);
}

static void test_token_names(void **state)
{
    (void)state;
    assert_string_equal(lex_token_name(TK_PLUS), "'+'");
    assert_string_equal(lex_token_name(TK_ELSE), "'else'");
    assert_string_equal(lex_token_name(TK_DSTAREQ), "'**='");
    assert_string_equal(lex_token_name(TK_ELLIPSIS), "'...'");
    assert_string_equal(lex_token_name(TK_NAME), "name");
    assert_string_equal(lex_token_name(TK_INT), "integer literal");
    assert_string_equal(lex_token_name(TK_FLOAT), "float literal");
    assert_string_equal(lex_token_name(TK_STRING), "string literal");
    assert_string_equal(lex_token_name(TK_FSTRING), "f-string");
    assert_string_equal(lex_token_name(TK_NEWLINE), "newline");
    assert_string_equal(lex_token_name(TK_INDENT), "indent");
    assert_string_equal(lex_token_name(TK_DEDENT), "dedent");
    assert_string_equal(lex_token_name(TK_EOF), "end of file");
    assert_string_equal(lex_token_name(-1), "token");
    assert_string_equal(lex_token_name(10000), "token");
}

/* ------------------------------------------------------------------ */
/* Layout                                                             */

static void test_indent_dedent(void **state)
{
    (void)state;
    lx("if x:\n    y = 1\nz\n");
    assert_true(OK);
    KINDS(TK_IF, TK_NAME, TK_COLON, TK_NEWLINE, TK_INDENT, TK_NAME, TK_ASSIGN, TK_INT,
          TK_NEWLINE, TK_DEDENT, TK_NAME, TK_NEWLINE, TK_EOF);
    check_pos(3, 1, 6);  /* NEWLINE: at the end of its line */
    check_pos(4, 2, 5);  /* INDENT: at the line's first token */
    check_pos(8, 2, 10);
    check_pos(9, 3, 1);  /* DEDENT */
    check_pos(12, 4, 1); /* EOF */
    assert_int_equal(V.toks[3].len, 1);
    assert_int_equal(V.toks[4].len, 0);
}

static void test_nested_blocks_multi_dedent(void **state)
{
    (void)state;
    lx("def f():\n  while a:\n    if b:\n        c\n  d\ne\n");
    assert_true(OK);
    KINDS(TK_DEF, TK_NAME, TK_LPAREN, TK_RPAREN, TK_COLON, TK_NEWLINE,
          TK_INDENT, TK_WHILE, TK_NAME, TK_COLON, TK_NEWLINE,
          TK_INDENT, TK_IF, TK_NAME, TK_COLON, TK_NEWLINE,
          TK_INDENT, TK_NAME, TK_NEWLINE,
          TK_DEDENT, TK_DEDENT, TK_NAME, TK_NEWLINE,
          TK_DEDENT, TK_NAME, TK_NEWLINE, TK_EOF);
    check_pos(19, 5, 3);
    check_pos(20, 5, 3);
    check_pos(23, 6, 1);
}

static void test_eof_closes_everything(void **state)
{
    (void)state;
    /* no final newline: NEWLINE, then a DEDENT per open level, then EOF */
    lx("a:\n  b:\n    c");
    assert_true(OK);
    KINDS(TK_NAME, TK_COLON, TK_NEWLINE, TK_INDENT, TK_NAME, TK_COLON, TK_NEWLINE, TK_INDENT,
          TK_NAME, TK_NEWLINE, TK_DEDENT, TK_DEDENT, TK_EOF);
    check_pos(9, 3, 6);
    check_pos(10, 3, 6);
    check_pos(12, 3, 6);
    assert_int_equal(V.toks[9].len, 0);

    lx("x");
    KINDS(TK_NAME, TK_NEWLINE, TK_EOF);
    check_pos(1, 1, 2);

    lx("");
    KINDS(TK_EOF);
    check_pos(0, 1, 1);
    lx("\n\n   \n# only a comment");
    assert_true(OK);
    KINDS(TK_EOF);
}

static void test_blank_and_comment_lines(void **state)
{
    (void)state;
    lx("x  # trailing\n\n      # deeper comment\n\t\n  \n# c\ny\n");
    assert_true(OK);
    KINDS(TK_NAME, TK_NEWLINE, TK_NAME, TK_NEWLINE, TK_EOF);
    check_pos(1, 1, 14); /* after the comment */
    check_pos(2, 7, 1);

    /* blank lines inside a block do not dedent */
    lx("if a:\n    b\n\n# x\n    c\n");
    KINDS(TK_IF, TK_NAME, TK_COLON, TK_NEWLINE, TK_INDENT, TK_NAME, TK_NEWLINE, TK_NAME,
          TK_NEWLINE, TK_DEDENT, TK_EOF);
}

static void test_brackets_join_lines(void **state)
{
    (void)state;
    lx("f(a,\n      b)\nx = [1,\n2,\n   {3:\n4}]\ny\n");
    assert_true(OK);
    KINDS(TK_NAME, TK_LPAREN, TK_NAME, TK_COMMA, TK_NAME, TK_RPAREN, TK_NEWLINE,
          TK_NAME, TK_ASSIGN, TK_LBRACK, TK_INT, TK_COMMA, TK_INT, TK_COMMA, TK_LBRACE,
          TK_INT, TK_COLON, TK_INT, TK_RBRACE, TK_RBRACK, TK_NEWLINE, TK_NAME, TK_NEWLINE,
          TK_EOF);
    check_pos(4, 2, 7);
    check_pos(12, 4, 1);
    check_pos(15, 5, 5);
    check_pos(17, 6, 1);
}

static void test_backslash_continuation(void **state)
{
    (void)state;
    lx("x = 1 + \\\n    2\nif a and \\\r\n  b:\n  pass\n");
    assert_true(OK);
    KINDS(TK_NAME, TK_ASSIGN, TK_INT, TK_PLUS, TK_INT, TK_NEWLINE, TK_IF, TK_NAME, TK_AND,
          TK_NAME, TK_COLON, TK_NEWLINE, TK_INDENT, TK_PASS, TK_NEWLINE, TK_DEDENT, TK_EOF);
    check_pos(4, 2, 5);
    check_pos(9, 4, 3);
    check_pos(13, 5, 3);

    check_error("x = 1 \\ 2\n", 1, 7, "unexpected character after line continuation character");
}

static void test_crlf_and_cr(void **state)
{
    (void)state;
    lx("if x:\r\n    y\r\nz\r\n");
    assert_true(OK);
    KINDS(TK_IF, TK_NAME, TK_COLON, TK_NEWLINE, TK_INDENT, TK_NAME, TK_NEWLINE, TK_DEDENT,
          TK_NAME, TK_NEWLINE, TK_EOF);
    assert_int_equal(V.toks[3].len, 2);
    check_pos(5, 2, 5);
    check_pos(8, 3, 1);

    lx("a\rb\r");
    KINDS(TK_NAME, TK_NEWLINE, TK_NAME, TK_NEWLINE, TK_EOF);
    check_pos(2, 2, 1);
}

static void test_tabs(void **state)
{
    (void)state;
    /* a tab is 8 columns: "\t" and 8 spaces are the same level... */
    lx("if x:\n\ty\n\tz\n");
    assert_true(OK);
    KINDS(TK_IF, TK_NAME, TK_COLON, TK_NEWLINE, TK_INDENT, TK_NAME, TK_NEWLINE, TK_NAME,
          TK_NEWLINE, TK_DEDENT, TK_EOF);
    check_pos(4, 2, 2);
    lx("if x:\n  \ty\n  \tz\n");
    assert_true(OK);
    check_pos(4, 2, 4);
    /* ...but mixing them is ambiguous */
    check_error("if x:\n\ty\n        z\n", 3, 1,
                "inconsistent use of tabs and spaces in indentation");
    check_error("if x:\n        y\n\tz\n", 3, 1,
                "inconsistent use of tabs and spaces in indentation");
}

static void test_unindent_mismatch(void **state)
{
    (void)state;
    check_error("if x:\n    y\n  z\n", 3, 1,
                "unindent does not match any outer indentation level");
    check_error("if a:\n  if b:\n      c\n    d\n", 4, 1,
                "unindent does not match any outer indentation level");
}

static void test_form_feed_and_bom(void **state)
{
    (void)state;
    lx("\xef\xbb\xbfx = 1\n\fy\n");
    assert_true(OK);
    KINDS(TK_NAME, TK_ASSIGN, TK_INT, TK_NEWLINE, TK_NAME, TK_NEWLINE, TK_EOF);
    check_pos(0, 1, 1);
    check_pos(4, 2, 2);
}

/* ------------------------------------------------------------------ */
/* Numbers                                                            */

static void test_ints(void **state)
{
    (void)state;
    lx("0 00 7 1_000 0x1F 0XfF 0o17 0O7 0b101 0B1 9223372036854775807 0x_1 0_0 "
       "0x7fffffffffffffff 1if");
    assert_true(OK);
    static const int64_t want[] = {0, 0, 7, 1000, 31, 255, 15, 7, 5, 1, INT64_MAX, 1, 0,
                                   INT64_MAX, 1};
    for (int i = 0; i < 15; i++) {
        assert_int_equal(V.toks[i].kind, TK_INT);
        assert_true(V.toks[i].v.ival == want[i]);
    }
    assert_int_equal(V.toks[15].kind, TK_IF); /* "1if": a keyword may follow */
    assert_int_equal(V.toks[3].len, 5);
    check_pos(4, 1, 14);
}

static void test_int_errors(void **state)
{
    (void)state;
    check_error("x = 012\n", 1, 5,
                "leading zeros in decimal integer literals are not permitted; "
                "use an 0o prefix for octal integers");
    check_error("9223372036854775808", 1, 1, "integer literal too large");
    check_error("-9223372036854775808", 1, 2, "integer literal too large");
    check_error("0x10000000000000000", 1, 1, "integer literal too large");
    check_error("0x", 1, 1, "invalid hexadecimal literal");
    check_error("0xg1", 1, 1, "invalid hexadecimal literal");
    check_error("0x1j", 1, 1, "invalid hexadecimal literal");
    check_error("a = 0o8", 1, 5, "invalid octal literal");
    check_error("0o17_", 1, 1, "invalid octal literal");
    check_error("0b2", 1, 1, "invalid binary literal");
    check_error("0b12", 1, 1, "invalid binary literal");
    check_error("1abc", 1, 1, "invalid decimal literal");
    check_error("1_", 1, 1, "invalid decimal literal");
    check_error("1__0", 1, 1, "invalid decimal literal");
    check_error("1e", 1, 1, "invalid decimal literal");
    /* the glued characters go with the bad number: one token, one error */
    lx("1abc + 2");
    KINDS(TK_INT, TK_PLUS, TK_INT, TK_NEWLINE, TK_EOF);
}

static void test_floats(void **state)
{
    (void)state;
    lx("1.5 .5 5. 1e10 1E-5 1_000.5 0.0 1.5e+3 012.5 1e1_0 3.14_15 00.5e-2");
    assert_true(OK);
    static const double want[] = {1.5, .5, 5., 1e10, 1E-5, 1000.5, 0.0, 1.5e+3, 12.5,
                                  1e10, 3.1415, 0.005};
    for (int i = 0; i < 12; i++) {
        assert_int_equal(V.toks[i].kind, TK_FLOAT);
        assert_true(V.toks[i].v.fval == want[i]);
    }
    assert_int_equal(V.toks[5].len, 7);
    /* '.' and '...' next to numbers */
    lx("x.y 1. .5 ...");
    KINDS(TK_NAME, TK_DOT, TK_NAME, TK_FLOAT, TK_FLOAT, TK_ELLIPSIS, TK_NEWLINE, TK_EOF);

    check_error("1j", 1, 1, "complex numbers are not supported");
    check_error("x = 1.5J", 1, 5, "complex numbers are not supported");
    check_error("1.5x", 1, 1, "invalid decimal literal");
}

/* ------------------------------------------------------------------ */
/* Strings                                                            */

static void test_simple_escapes(void **state)
{
    (void)state;
    lx("'\\\\ \\' \\\" \\a \\b \\f \\n \\r \\t \\v'");
    assert_true(OK);
    check_str(0, "\\ ' \" \a \b \f \n \r \t \v", 19);
    assert_int_equal(V.toks[0].len, 31);
    assert_int_equal(ndiags(), 0);
}

static void test_numeric_escapes(void **state)
{
    (void)state;
    lx("\"\\0\\7\\101\\1234\\777\"");
    assert_true(OK);
    /* \777 is U+01FF, as in Python; \1234 is \123 then '4' */
    check_str(0, "\0\a" "AS4\xc7\xbf", 7);

    lx("'\\x41\\xff\\u00e9\\u20AC\\U0001F600\\x7f'");
    assert_true(OK);
    check_str(0, "A\xc3\xbf\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f", 13);

    check_error("'\\x4'", 1, 2, "truncated \\xXX escape");
    check_error("'ab\\u12'", 1, 4, "truncated \\uXXXX escape");
    check_error("'\\U0000001'", 1, 2, "truncated \\UXXXXXXXX escape");
    check_error("'\\U00110000'", 1, 2, "illegal Unicode character");
    check_error("x = '\\N{DASH}'", 1, 6, "\\N{...} escapes are not supported");
}

static void test_backslash_newline_in_string(void **state)
{
    (void)state;
    lx("s = 'ab\\\ncd' + x\ny");
    assert_true(OK);
    check_str(2, "abcd", 4);
    KINDS(TK_NAME, TK_ASSIGN, TK_STRING, TK_PLUS, TK_NAME, TK_NEWLINE, TK_NAME, TK_NEWLINE,
          TK_EOF);
    check_pos(3, 2, 5);
    check_pos(6, 3, 1);
}

static void test_invalid_escape_warns(void **state)
{
    (void)state;
    lx("s = '\\q\\d'");
    assert_true(OK); /* warnings do not fail */
    check_str(2, "\\q\\d", 4);
    assert_int_equal(ndiags(), 2);
    check_diag(0, DIAG_WARNING, 1, 6, "invalid escape sequence '\\q'");
    check_diag(1, DIAG_WARNING, 1, 8, "invalid escape sequence '\\d'");
    assert_int_equal(C.nwarnings, 2);
    assert_int_equal(C.nerrors, 0);
}

static void test_raw_strings(void **state)
{
    (void)state;
    lx("r'\\n' R\"\\\"\" r'\\'' rF'\\\\' r'\\\nx' 'a\"b' \"a'b\" u'u'");
    assert_true(OK);
    check_str(0, "\\n", 2);
    check_str(1, "\\\"", 2); /* a backslash still protects the quote */
    check_str(2, "\\'", 2);
    assert_int_equal(V.toks[3].kind, TK_FSTRING);
    check_lit(&V.toks[3].v.fstr.parts[0], "\\\\", 1, 22);
    check_str(4, "\\\nx", 3);
    check_pos(5, 2, 4);
    check_str(5, "a\"b", 3);
    check_str(6, "a'b", 3);
    check_str(7, "u", 1);
    assert_int_equal(ndiags(), 0);
}

static void test_bytes_rejected(void **state)
{
    (void)state;
    check_error("x = b'abc'", 1, 5, "bytes literals are not supported");
    check_error("x = Rb'abc'", 1, 5, "bytes literals are not supported");
}

static void test_triple_quoted(void **state)
{
    (void)state;
    lx("x = \"\"\"a\nb \"quoted\" ''\n\"\"\"  y\nz '''\r\nq'''");
    assert_true(OK);
    KINDS(TK_NAME, TK_ASSIGN, TK_STRING, TK_NAME, TK_NEWLINE, TK_NAME, TK_STRING, TK_NEWLINE,
          TK_EOF);
    check_str(2, "a\nb \"quoted\" ''\n", 16);
    check_pos(2, 1, 5);
    check_pos(3, 3, 6); /* the token after a multi-line string */
    check_pos(5, 4, 1);
    check_str(6, "\nq", 2); /* "\r\n" in the source reads as "\n" */
    check_pos(7, 5, 5);

    lx("'''a''''b'");
    check_str(0, "a", 1);
    check_str(1, "b", 1);
    lx("\"\"\"\"\"\"");
    check_str(0, "", 0);
    KINDS(TK_STRING, TK_NEWLINE, TK_EOF);
}

static void test_unterminated_strings(void **state)
{
    (void)state;
    check_error("x = 'abc\ny", 1, 5, "unterminated string literal");
    /* scanning goes on with the next line */
    KINDS(TK_NAME, TK_ASSIGN, TK_STRING, TK_NEWLINE, TK_NAME, TK_NEWLINE, TK_EOF);
    check_pos(4, 2, 1);
    check_error("x = f\"abc", 1, 5, "unterminated string literal");
    check_error("x = '''abc\n\ndef\n", 1, 5, "unterminated triple-quoted string literal");
    check_error("x = 'abc\\", 1, 5, "unterminated string literal");
    check_error("'\\\n", 1, 1, "unterminated string literal");
}

/* ------------------------------------------------------------------ */
/* f-strings                                                          */

static void test_fstring_literal_and_expr(void **state)
{
    (void)state;
    lx("s = f\"a{x}b\\n{ y.z }\"");
    assert_true(OK);
    KINDS(TK_NAME, TK_ASSIGN, TK_FSTRING, TK_NEWLINE, TK_EOF);
    FStrPart *p = fstr(2, 4);
    check_lit(&p[0], "a", 1, 7);
    check_expr(&p[1], "x", 1, 9);
    assert_int_equal(p[1].conv, 0);
    assert_false(p[1].self_doc);
    assert_int_equal(p[1].nspec, 0);
    check_lit(&p[2], "b\n", 1, 11);
    check_expr(&p[3], "y.z", 1, 16);
    assert_int_equal(V.toks[2].len, 17);

    lx("f''");
    fstr(0, 0);
    lx("F'{{a}} }} {{'");
    FStrPart *q = fstr(0, 1);
    check_lit(&q[0], "{a} } {", 1, 3);
}

static void test_fstring_conv_and_spec(void **state)
{
    (void)state;
    lx("f\"{x!r:>10}{y!s}{z!a}{n:,}\"");
    assert_true(OK);
    FStrPart *p = fstr(0, 4);
    check_expr(&p[0], "x", 1, 4);
    assert_int_equal(p[0].conv, 'r');
    assert_int_equal(p[0].nspec, 1);
    check_lit(&p[0].spec[0], ">10", 1, 8);
    assert_int_equal(p[1].conv, 's');
    assert_int_equal(p[1].nspec, 0);
    assert_int_equal(p[2].conv, 'a');
    check_expr(&p[3], "n", 1, 23);
    check_lit(&p[3].spec[0], ",", 1, 25);
}

static void test_fstring_nested_spec(void **state)
{
    (void)state;
    lx("f'{x:{w}.{p}f} {v:{\">\"}{w}}'");
    assert_true(OK);
    FStrPart *p = fstr(0, 3);
    check_expr(&p[0], "x", 1, 4);
    assert_int_equal(p[0].nspec, 4);
    check_expr(&p[0].spec[0], "w", 1, 7);
    check_lit(&p[0].spec[1], ".", 1, 9);
    check_expr(&p[0].spec[2], "p", 1, 11);
    check_lit(&p[0].spec[3], "f", 1, 13);
    check_lit(&p[1], " ", 1, 15);
    assert_int_equal(p[2].nspec, 2);
    check_expr(&p[2].spec[0], "\">\"", 1, 20);
    check_expr(&p[2].spec[1], "w", 1, 25);
}

static void test_fstring_self_doc(void **state)
{
    (void)state;
    lx("f'{x=}{ total = !r}{a==b}{y=:>5}'");
    assert_true(OK);
    FStrPart *p = fstr(0, 4);
    check_expr(&p[0], "x", 1, 4);
    assert_true(p[0].self_doc);
    check_expr(&p[1], "total", 1, 9);
    assert_true(p[1].self_doc);
    assert_int_equal(p[1].conv, 'r');
    check_expr(&p[2], "a==b", 1, 21);
    assert_false(p[2].self_doc);
    assert_true(p[3].self_doc);
    check_lit(&p[3].spec[0], ">5", 1, 30);
}

static void test_fstring_nested_strings_and_brackets(void **state)
{
    (void)state;
    lx("f\"{d['k']}|{'a' if x else 'b'}|{a != b}|{f(a=1, b=[1, 2])}|{ {'}': 1}['}'] }"
       "|{x[1:2]}|{'''s'''}\"");
    assert_true(OK);
    FStrPart *p = fstr(0, 13);
    check_expr(&p[0], "d['k']", 1, 4);
    check_expr(&p[2], "'a' if x else 'b'", 1, 13);
    check_expr(&p[4], "a != b", 1, 33);
    assert_int_equal(p[4].conv, 0);
    check_expr(&p[6], "f(a=1, b=[1, 2])", 1, 42);
    assert_false(p[6].self_doc);
    check_expr(&p[8], "{'}': 1}['}']", 1, 62);
    check_expr(&p[10], "x[1:2]", 1, 79);
    assert_int_equal(p[10].nspec, 0);
    check_expr(&p[12], "'''s'''", 1, 88);
    check_lit(&p[11], "|", 1, 86);
}

static void test_fstring_multiline_positions(void **state)
{
    (void)state;
    lx("x = f'''a\n  {y +\n z}\nb{w}'''\nq");
    assert_true(OK);
    FStrPart *p = fstr(2, 4);
    check_lit(&p[0], "a\n  ", 1, 9);
    check_expr(&p[1], "y +\n z", 2, 4);
    check_lit(&p[2], "\nb", 3, 4);
    check_expr(&p[3], "w", 4, 3);
    check_pos(4, 5, 1);

    /* raw f-strings keep backslashes; braces still open fields */
    lx("rf'\\d{x}\\{y}'");
    assert_true(OK);
    p = fstr(0, 4);
    check_lit(&p[0], "\\d", 1, 4);
    check_expr(&p[1], "x", 1, 7);
    check_lit(&p[2], "\\", 1, 9);
    check_expr(&p[3], "y", 1, 11);
}

static void test_fstring_errors(void **state)
{
    (void)state;
    check_error("f\"{x\"", 1, 5, "f-string: expecting '}'");
    check_error("f\"{x!r \"", 1, 7, "f-string: expecting '}'");
    check_error("f\"{x:>3\"", 1, 8, "f-string: expecting '}'");
    check_error("s = f\"a}b\"", 1, 8, "f-string: single '}' is not allowed");
    check_error("f\"{}\"", 1, 3, "f-string: empty expression not allowed");
    check_error("f\"{  !r}\"", 1, 3, "f-string: empty expression not allowed");
    check_error("f\"{x!z}\"", 1, 6,
                "f-string: invalid conversion character: expected 's', 'r', or 'a'");
    check_error("f\"{x#}\"", 1, 5, "f-string expression part cannot include '#'");
    check_error("f\"{x:{y:{z}}}\"", 1, 9, "f-string: expressions nested too deeply");
    check_error("f\"{x\ny", 1, 1, "unterminated string literal");
    check_error("f'''{x", 1, 1, "unterminated triple-quoted string literal");
    check_error("f\"{d[\"", 1, 6, "f-string: expecting '}'");
    check_error("f\"{'a\"", 1, 6, "f-string: expecting '}'");
    /* after an error the literal is skipped and scanning goes on */
    lx("a = f\"{x!z} {y}\" + b\nc");
    assert_false(OK);
    assert_int_equal(ndiags(), 1);
    KINDS(TK_NAME, TK_ASSIGN, TK_FSTRING, TK_PLUS, TK_NAME, TK_NEWLINE, TK_NAME, TK_NEWLINE,
          TK_EOF);
}

/* The parser re-lexes each field's text in expr_mode at the part's position. */
static void test_expr_mode(void **state)
{
    (void)state;
    const char *text = "a +\n  b(c)";
    lex_at(text, strlen(text), (SrcPos){3, 10}, true);
    assert_true(OK);
    KINDS(TK_NAME, TK_PLUS, TK_NAME, TK_LPAREN, TK_NAME, TK_RPAREN, TK_EOF);
    check_pos(0, 3, 10);
    check_pos(1, 3, 12);
    check_pos(2, 4, 3);
    check_pos(6, 4, 7);

    /* a field's text, not NUL-terminated: lexing stops at len */
    lx("x = f'{foo(1)!r} and {bar}'");
    FStrPart *p = fstr(2, 3);
    TokenVec tv = {0};
    assert_true(lex_tokens(&C, p[0].text, (size_t)p[0].len, p[0].pos, true, &tv));
    assert_int_equal(tv.n, 5);
    assert_int_equal(tv.toks[0].kind, TK_NAME);
    assert_int_equal(tv.toks[0].pos.col, 8);
    assert_int_equal(tv.toks[2].kind, TK_INT);
    assert_int_equal(tv.toks[2].pos.col, 12);
    assert_int_equal(tv.toks[3].kind, TK_RPAREN);
    assert_int_equal(tv.toks[4].kind, TK_EOF);
    assert_int_equal(tv.toks[4].pos.col, 14);

    /* unbalanced brackets are still reported */
    lex_at("(a", 2, (SrcPos){2, 5}, true);
    assert_false(OK);
    check_diag(0, DIAG_ERROR, 2, 5, "unexpected end of file in multi-line statement");
}

/* ------------------------------------------------------------------ */
/* Other errors and robustness                                        */

static void test_invalid_characters(void **state)
{
    (void)state;
    check_error("x = $", 1, 5, "invalid character '$' (U+0024)");
    check_error("x = a ? b", 1, 7, "invalid character '?' (U+003F)");
    check_error("caf\xc3\xa9 = 1", 1, 4, "invalid character '\xc3\xa9' (U+00E9)");
    check_error("x = \xf0\x9f\x98\x80", 1, 5, "invalid character '\xf0\x9f\x98\x80' (U+1F600)");
    check_error("x\xc2\xa0= 1", 1, 2, "invalid non-printable character U+00A0");
    check_error("x = \x01", 1, 5, "invalid non-printable character U+0001");
    check_error("x = \xff", 1, 5, "invalid UTF-8 byte 0xff");
    check_error("'a\xc3'", 1, 3, "invalid UTF-8 byte 0xc3");
    check_error("x = !y", 1, 5, "invalid character '!' (U+0021)");
}

static void test_null_bytes(void **state)
{
    (void)state;
    static const char src[] = "a\0b '\0'";
    lex_at(src, sizeof src - 1, (SrcPos){1, 1}, false);
    assert_false(OK);
    KINDS(TK_NAME, TK_NAME, TK_STRING, TK_NEWLINE, TK_EOF);
    assert_int_equal(ndiags(), 2);
    check_diag(0, DIAG_ERROR, 1, 2, "source code cannot contain null bytes");
    check_diag(1, DIAG_ERROR, 1, 6, "source code cannot contain null bytes");
    check_pos(1, 1, 3);
}

static void test_bracket_errors(void **state)
{
    (void)state;
    check_error("x = (1]", 1, 7,
                "closing parenthesis ']' does not match opening parenthesis '('");
    check_error("x = [1, {2)]", 1, 11,
                "closing parenthesis ')' does not match opening parenthesis '{'");
    check_error("x = 1)\n", 1, 6, "unmatched ')'");
    check_error("}", 1, 1, "unmatched '}'");
    check_error("foo(1,\n  [2,\n3", 2, 3, "unexpected end of file in multi-line statement");
}

static void test_several_errors(void **state)
{
    (void)state;
    lx("a = $\nb = 012\nc = 'x\nd = `\n");
    assert_false(OK);
    assert_int_equal(ndiags(), 4);
    check_diag(0, DIAG_ERROR, 1, 5, "invalid character '$' (U+0024)");
    check_diag(1, DIAG_ERROR, 2, 5,
               "leading zeros in decimal integer literals are not permitted; "
               "use an 0o prefix for octal integers");
    check_diag(2, DIAG_ERROR, 3, 5, "unterminated string literal");
    check_diag(3, DIAG_ERROR, 4, 5, "invalid character '`' (U+0060)");
    assert_int_equal(V.toks[V.n - 1].kind, TK_EOF);
}

/* Every prefix of a tricky program, in a buffer of exactly that size (no
 * NUL after it, so valgrind sees any read past the end): the lexer must
 * always stop with TK_EOF and never read out of bounds. */
static void test_every_prefix(void **state)
{
    (void)state;
    static const char prog[] =
        "def f(a: int) -> str:\n"
        "\tif a >= 0x1F and b'' or 1_0.5e-3j:\n"
        "        return f\"{a!r:>{w}.{p}f} {{x}} {d['k']=} \\N{X} \\q\"\n"
        "    x = '''tri\r\nple''' + r'\\' + \"\\x4\" \\\n"
        "  ; y = (1, [2, {3: 4}]) # c\n"
        "\xc3\xa9\xff\x01 $ 012 9999999999999999999 f'{' f'}' f'{x:{y:{z}}}' rf\"\\{a}\"\n"
        "  f'{x\n"
        "f\"{'''\n";
    for (size_t n = 0; n <= sizeof prog - 1; n++) {
        char *buf = malloc(n ? n : 1);
        memcpy(buf, prog, n);
        TauraroOptions o = {0};
        Compiler c;
        compiler_init(&c, "t.tr", buf, n, &o);
        TokenVec tv = {0};
        lex_tokens(&c, buf, n, (SrcPos){1, 1}, n % 2 == 1, &tv);
        assert_true(tv.n >= 1);
        assert_int_equal(tv.toks[tv.n - 1].kind, TK_EOF);
        for (int i = 0; i < tv.n; i++) {
            assert_true(tv.toks[i].start >= buf && tv.toks[i].start + tv.toks[i].len <= buf + n);
            assert_true(tv.toks[i].pos.line >= 1 && tv.toks[i].pos.col >= 1);
        }
        compiler_free(&c);
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_operators, teardown),
        cmocka_unit_test_teardown(test_operators_glued, teardown),
        cmocka_unit_test_teardown(test_keywords_and_names, teardown),
        cmocka_unit_test_teardown(test_token_names, teardown),
        cmocka_unit_test_teardown(test_indent_dedent, teardown),
        cmocka_unit_test_teardown(test_nested_blocks_multi_dedent, teardown),
        cmocka_unit_test_teardown(test_eof_closes_everything, teardown),
        cmocka_unit_test_teardown(test_blank_and_comment_lines, teardown),
        cmocka_unit_test_teardown(test_brackets_join_lines, teardown),
        cmocka_unit_test_teardown(test_backslash_continuation, teardown),
        cmocka_unit_test_teardown(test_crlf_and_cr, teardown),
        cmocka_unit_test_teardown(test_tabs, teardown),
        cmocka_unit_test_teardown(test_unindent_mismatch, teardown),
        cmocka_unit_test_teardown(test_form_feed_and_bom, teardown),
        cmocka_unit_test_teardown(test_ints, teardown),
        cmocka_unit_test_teardown(test_int_errors, teardown),
        cmocka_unit_test_teardown(test_floats, teardown),
        cmocka_unit_test_teardown(test_simple_escapes, teardown),
        cmocka_unit_test_teardown(test_numeric_escapes, teardown),
        cmocka_unit_test_teardown(test_backslash_newline_in_string, teardown),
        cmocka_unit_test_teardown(test_invalid_escape_warns, teardown),
        cmocka_unit_test_teardown(test_raw_strings, teardown),
        cmocka_unit_test_teardown(test_bytes_rejected, teardown),
        cmocka_unit_test_teardown(test_triple_quoted, teardown),
        cmocka_unit_test_teardown(test_unterminated_strings, teardown),
        cmocka_unit_test_teardown(test_fstring_literal_and_expr, teardown),
        cmocka_unit_test_teardown(test_fstring_conv_and_spec, teardown),
        cmocka_unit_test_teardown(test_fstring_nested_spec, teardown),
        cmocka_unit_test_teardown(test_fstring_self_doc, teardown),
        cmocka_unit_test_teardown(test_fstring_nested_strings_and_brackets, teardown),
        cmocka_unit_test_teardown(test_fstring_multiline_positions, teardown),
        cmocka_unit_test_teardown(test_fstring_errors, teardown),
        cmocka_unit_test_teardown(test_expr_mode, teardown),
        cmocka_unit_test_teardown(test_invalid_characters, teardown),
        cmocka_unit_test_teardown(test_null_bytes, teardown),
        cmocka_unit_test_teardown(test_bracket_errors, teardown),
        cmocka_unit_test_teardown(test_several_errors, teardown),
        cmocka_unit_test_teardown(test_every_prefix, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
