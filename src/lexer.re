/* lexer.re - source text -> tokens (re2c 3.0).
 *
 * One Lexer struct holds the whole scanner state. Two re2c blocks do the
 * recognising: lex_scan() for code and lex_segment() for the body of a
 * string literal (the "start condition" for strings). Around them sit a few
 * small hand-written pieces that a regular grammar cannot express:
 *   - lex_indent(): INDENT/DEDENT from a stack of indentation widths;
 *   - a bracket stack, so newlines inside (), [], {} are plain whitespace;
 *   - lex_fstr_*(): the replacement fields of f-strings, which nest.
 *
 * The input is [src, src+len) and need not be NUL-terminated (f-string
 * expressions are lexed in place inside the file), so re2c reads through
 * YYPEEK(), which yields a fake sentinel 0 at the limit, and the `$` rule
 * checks the bounds: a real NUL byte in the middle is an ordinary
 * character that gets its own error.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "parser.h"

enum {
    LEX_MAX_INDENT = 100,   /* Python's limit too */
    LEX_MAX_BRACKETS = 200, /* Python's limit too */
    LEX_MAX_FIELD_DEPTH = 2 /* f"{x:{w}}" nests once; Python allows no more */
};

typedef struct Lexer {
    Compiler *c;
    TokenVec *out;
    bool expr_mode;
    const char *cur, *lim; /* re2c cursor and end of input */
    const char *mrk;       /* re2c backtracking marker */
    const char *tok;       /* start of the token being scanned */
    SrcPos tok_pos;        /* its position (strings may span lines) */
    const char *bol;       /* first byte of the current line */
    int line, bol_col;     /* current line and the column of *bol */
    bool at_bol;           /* a logical line starts: indentation pending */
    int indent[LEX_MAX_INDENT];     /* widths, tabs to multiples of 8 */
    int alt_indent[LEX_MAX_INDENT]; /* same with tabs counted as 1 */
    int nindent;
    char brk[LEX_MAX_BRACKETS]; /* open brackets, innermost last */
    SrcPos brk_pos[LEX_MAX_BRACKETS];
    int nbrk; /* may exceed LEX_MAX_BRACKETS after an error */
    StrBuf buf; /* scratch: decoded string bytes, float digits */
} Lexer;

/* The string literal being scanned. */
typedef struct LexStr {
    char quote;
    bool triple, raw, fstr;
    SrcPos pos;     /* of the token (prefix included), for errors */
    bool closed;    /* the closing quote has been consumed */
    bool dead;      /* unterminated: reported, cursor at the line end / EOF */
    bool bad_utf8;  /* reported once per literal */
} LexStr;

/* Why lex_segment() stopped. */
typedef enum { SEG_END, SEG_FIELD, SEG_SPEC_END, SEG_ERROR } LexStop;

/* A growable array of f-string parts in the arena. */
typedef struct LexParts {
    FStrPart *v;
    int n, cap;
} LexParts;

#define YYPEEK() (L->cur < L->lim ? (unsigned char)*L->cur : 0)
#define YYSKIP() (++L->cur)
#define YYBACKUP() (L->mrk = L->cur)
#define YYRESTORE() (L->cur = L->mrk)
#define YYLESSTHAN(n) (L->lim - L->cur < (n))

/*!re2c
    re2c:api = custom;
    re2c:api:style = functions;
    re2c:define:YYCTYPE = "unsigned char";
    re2c:yyfill:enable = 0;
    re2c:eof = 0;

    eol = "\r\n" | "\n" | "\r";
    utf8 = [\xc2-\xdf] [\x80-\xbf]
         | "\xe0" [\xa0-\xbf] [\x80-\xbf]
         | [\xe1-\xec\xee\xef] [\x80-\xbf]{2}
         | "\xed" [\x80-\x9f] [\x80-\xbf]
         | "\xf0" [\x90-\xbf] [\x80-\xbf]{2}
         | [\xf1-\xf3] [\x80-\xbf]{3}
         | "\xf4" [\x80-\x8f] [\x80-\xbf]{2};
    hex = [0-9a-fA-F];

    dig = [0-9];
    digpart = dig ("_"? dig)*;
    decint = [1-9] ("_"? dig)*;
    zeroint = "0" ("_"? "0")*;
    leadzero = "0" ("_"? dig)+;
    hexint = "0" [xX] ("_"? hex)+;
    octint = "0" [oO] ("_"? [0-7])+;
    binint = "0" [bB] ("_"? [01])+;
    exponent = [eE] [+-]? digpart;
    pointfloat = digpart? "." digpart | digpart ".";
    float = pointfloat exponent? | digpart exponent;
    imag = (float | digpart) [jJ];

    strprefix = [uUrRfFbB] | [fF][rR] | [rR][fF] | [bB][rR] | [rR][bB];
*/

/* ------------------------------------------------------------------ */
/* Positions and the token vector                                     */

static SrcPos lex_pos(const Lexer *L, const char *p)
{
    return (SrcPos){L->line, (int)(p - L->bol) + L->bol_col};
}

/* Call after consuming a line end; `next` is the first byte of the new line. */
static void lex_newline(Lexer *L, const char *next)
{
    L->line++;
    L->bol = next;
    L->bol_col = 1;
}

/* Length of the line end at p (0 if none): "\r\n", "\n" or a lone "\r". */
static int lex_eol_len(const Lexer *L, const char *p)
{
    if (p >= L->lim)
        return 0;
    if (*p == '\n')
        return 1;
    if (*p == '\r')
        return p + 1 < L->lim && p[1] == '\n' ? 2 : 1;
    return 0;
}

static Token *lex_push(Lexer *L, int kind, SrcPos pos, const char *start, const char *end)
{
    TokenVec *v = L->out;
    if (v->n == v->cap) {
        /* arena-grown: compiler_free releases every generation at once */
        int cap = v->cap ? v->cap * 2 : 256;
        Token *t = arena_alloc(&L->c->arena, sizeof *t * (size_t)cap);
        if (v->n)
            memcpy(t, v->toks, sizeof *t * (size_t)v->n);
        v->toks = t;
        v->cap = cap;
    }
    Token *t = &v->toks[v->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->pos = pos;
    t->start = start;
    t->len = (int)(end - start);
    return t;
}

/* The token scanned since L->tok. */
static Token *lex_emit(Lexer *L, int kind)
{
    return lex_push(L, kind, L->tok_pos, L->tok, L->cur);
}

/* ------------------------------------------------------------------ */
/* Layout: indentation and brackets                                   */

/* At the start of a logical line: measure the indentation and emit
 * INDENT/DEDENTs at the line's first token. Blank and comment-only lines
 * leave at_bol set: they do not count as lines. Like Python, widths are
 * measured twice (tab to the next multiple of 8, and tab as 1); an
 * indentation whose order against the stack differs between the two is
 * ambiguous. */
static void lex_indent(Lexer *L)
{
    int col = 0, alt = 0;
    const char *p = L->cur;
    for (; p < L->lim; p++) {
        if (*p == ' ')
            col++, alt++;
        else if (*p == '\t')
            col = (col / 8 + 1) * 8, alt++;
        else if (*p == '\f')
            col = alt = 0;
        else
            break;
    }
    L->cur = p;
    if (p >= L->lim || *p == '#' || *p == '\n' || *p == '\r')
        return;
    L->at_bol = false;

    SrcPos pos = lex_pos(L, p), col1 = {pos.line, 1};
    int top = L->nindent - 1;
    bool ambiguous;
    if (col > L->indent[top]) {
        ambiguous = alt <= L->alt_indent[top];
        if (L->nindent == LEX_MAX_INDENT) {
            diag_error(L->c, col1, "too many levels of indentation");
        } else {
            L->indent[L->nindent] = col;
            L->alt_indent[L->nindent++] = alt;
            lex_push(L, TK_INDENT, pos, p, p);
        }
    } else {
        while (L->nindent > 1 && col < L->indent[L->nindent - 1]) {
            L->nindent--;
            lex_push(L, TK_DEDENT, pos, p, p);
        }
        top = L->nindent - 1;
        if (col != L->indent[top]) {
            diag_error(L->c, col1, "unindent does not match any outer indentation level");
            return;
        }
        ambiguous = alt != L->alt_indent[top];
    }
    if (ambiguous)
        diag_error(L->c, col1, "inconsistent use of tabs and spaces in indentation");
}

static void lex_open(Lexer *L, char ch)
{
    if (L->nbrk < LEX_MAX_BRACKETS) {
        L->brk[L->nbrk] = ch;
        L->brk_pos[L->nbrk] = L->tok_pos;
    } else if (L->nbrk == LEX_MAX_BRACKETS) {
        diag_error(L->c, L->tok_pos, "too many nested parentheses");
    }
    L->nbrk++;
}

/* A closing bracket; false if nothing is open (the token is then dropped). */
static bool lex_close(Lexer *L, char ch)
{
    if (L->nbrk == 0) {
        diag_error(L->c, L->tok_pos, "unmatched '%c'", ch);
        return false;
    }
    L->nbrk--;
    if (L->nbrk < LEX_MAX_BRACKETS) {
        char open = L->brk[L->nbrk];
        char want = open == '(' ? ')' : open == '[' ? ']' : '}';
        if (ch != want)
            diag_error(L->c, L->tok_pos,
                       "closing parenthesis '%c' does not match opening parenthesis '%c'", ch,
                       open);
    }
    return true;
}

/* A line end in code: ends the logical line unless inside brackets. */
static void lex_eol(Lexer *L)
{
    if (!L->expr_mode && L->nbrk == 0 && !L->at_bol) {
        lex_emit(L, TK_NEWLINE);
        L->at_bol = true;
    }
    lex_newline(L, L->cur);
}

/* End of input: close the last line, every indentation level, and the stream. */
static void lex_finish(Lexer *L)
{
    SrcPos pos = lex_pos(L, L->cur);
    if (L->nbrk > 0) {
        int i = L->nbrk <= LEX_MAX_BRACKETS ? L->nbrk - 1 : LEX_MAX_BRACKETS - 1;
        diag_error(L->c, L->brk_pos[i], "unexpected end of file in multi-line statement");
    }
    if (!L->expr_mode) {
        if (!L->at_bol)
            lex_push(L, TK_NEWLINE, pos, L->cur, L->cur);
        for (; L->nindent > 1; L->nindent--)
            lex_push(L, TK_DEDENT, pos, L->cur, L->cur);
    }
    lex_push(L, TK_EOF, pos, L->cur, L->cur);
}

/* ------------------------------------------------------------------ */
/* Characters                                                         */

static bool lex_is_idchar(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

static bool lex_is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\f' || ch == '\r' || ch == '\n';
}

/* The code point of a UTF-8 sequence re2c has already validated. */
static uint32_t lex_utf8_decode(const unsigned char *p, int n)
{
    static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    uint32_t cp = p[0] & lead_mask[n];
    for (int i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3f);
    return cp;
}

static void lex_put_utf8(StrBuf *b, uint32_t cp)
{
    char s[4];
    int n;
    if (cp < 0x80) {
        s[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xc0 | cp >> 6), n = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xe0 | cp >> 12), n = 3;
    } else {
        s[0] = (char)(0xf0 | cp >> 18), n = 4;
    }
    for (int i = 1; i < n; i++)
        s[i] = (char)(0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3f));
    sb_putn(b, s, (size_t)n);
}

/* Characters Python calls non-printable (controls, Unicode spaces and
 * format characters): printing them inside quotes would show nothing. */
static bool lex_is_nonprintable(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad ||
           (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
           (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff;
}

/* A character that cannot start a token: the lexeme [L->tok, L->cur). */
static void lex_bad_char(Lexer *L)
{
    int n = (int)(L->cur - L->tok);
    uint32_t cp = lex_utf8_decode((const unsigned char *)L->tok, n);
    if (lex_is_nonprintable(cp))
        diag_error(L->c, L->tok_pos, "invalid non-printable character U+%04X", (unsigned)cp);
    else
        diag_error(L->c, L->tok_pos, "invalid character '%.*s' (U+%04X)", n, L->tok,
                   (unsigned)cp);
}

static void lex_bad_byte(Lexer *L, SrcPos pos, const char *p)
{
    diag_error(L->c, pos, "invalid UTF-8 byte 0x%02x", (unsigned)(unsigned char)*p);
}

static void lex_null_byte(Lexer *L, SrcPos pos)
{
    diag_error(L->c, pos, "source code cannot contain null bytes");
}

/* ------------------------------------------------------------------ */
/* Numbers                                                            */

/* Python rejects a letter or digit glued to a number ("1abc", "0x1g", "1_")
 * but lets a keyword follow ("1if x else 2"). On error the glued characters
 * are consumed with the number, so one mistake gives one message. */
static bool lex_number_end(Lexer *L, const char *kind)
{
    static const char *const glue[] = {"and", "else", "for", "if", "in", "is", "not", "or"};
    const char *e = L->cur;
    while (e < L->lim && lex_is_idchar(*e))
        e++;
    if (e == L->cur)
        return true;
    size_t n = (size_t)(e - L->cur);
    for (size_t i = 0; i < sizeof glue / sizeof *glue; i++)
        if (strlen(glue[i]) == n && memcmp(glue[i], L->cur, n) == 0)
            return true;
    L->cur = e;
    diag_error(L->c, L->tok_pos, "invalid %s literal", kind);
    return false;
}

/* A malformed number (its error is reported): still a token, so the parser
 * does not trip over the hole. */
static void lex_bad_number(Lexer *L, const char *msg)
{
    diag_error(L->c, L->tok_pos, "%s", msg);
    while (L->cur < L->lim && lex_is_idchar(*L->cur))
        L->cur++;
    lex_emit(L, TK_INT);
}

static int lex_digit_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    return (ch | 0x20) - 'a' + 10;
}

/* An integer in `base`; the lexeme's digits start `skip` bytes in. */
static void lex_int(Lexer *L, int base, int skip, const char *kind)
{
    if (!lex_number_end(L, kind)) {
        lex_emit(L, TK_INT);
        return;
    }
    uint64_t v = 0;
    bool big = false;
    for (const char *p = L->tok + skip; p < L->cur; p++) {
        if (*p == '_')
            continue;
        uint64_t d = (uint64_t)lex_digit_value(*p);
        if (v > ((uint64_t)INT64_MAX - d) / (uint64_t)base)
            big = true;
        else
            v = v * (uint64_t)base + d;
    }
    if (big)
        diag_error(L->c, L->tok_pos, "integer literal too large");
    lex_emit(L, TK_INT)->v.ival = big ? 0 : (int64_t)v;
}

static void lex_float(Lexer *L)
{
    if (!lex_number_end(L, "decimal")) {
        lex_emit(L, TK_FLOAT);
        return;
    }
    L->buf.len = 0;
    for (const char *p = L->tok; p < L->cur; p++)
        if (*p != '_')
            sb_putc(&L->buf, *p);
    /* the lexeme is a valid C float literal once the underscores are gone */
    lex_emit(L, TK_FLOAT)->v.fval = strtod(L->buf.data, NULL);
}

static void lex_imag(Lexer *L)
{
    if (lex_number_end(L, "decimal"))
        diag_error(L->c, L->tok_pos, "complex numbers are not supported");
    lex_emit(L, TK_FLOAT);
}

/* ------------------------------------------------------------------ */
/* String literals                                                    */

static void lex_unterminated(Lexer *L, LexStr *s)
{
    diag_error(L->c, s->pos, s->triple ? "unterminated triple-quoted string literal"
                                       : "unterminated string literal");
    s->dead = true;
}

/* Does quote q (three of them if triple) start at p? */
static bool lex_quotes_at(const Lexer *L, const char *p, char q, bool triple)
{
    if (p >= L->lim || *p != q)
        return false;
    return !triple || (L->lim - p >= 3 && p[1] == q && p[2] == q);
}

/* Does the closing quote of s start at p? */
static bool lex_at_close(const Lexer *L, const LexStr *s, const char *p)
{
    return lex_quotes_at(L, p, s->quote, s->triple);
}

/* \x, \u, \U with exactly n hex digits after the 2-byte introducer at p. */
static uint32_t lex_hex_value(const char *p, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 4 | (uint32_t)lex_digit_value(p[2 + i]);
    return v;
}

/* A code point from a \x, \u, \U or octal escape at t (Python: a str
 * escape always names a code point, so "\xff" is U+00FF, two bytes). */
static void lex_put_escape_cp(Lexer *L, const char *t, uint32_t cp)
{
    if (cp > 0x10ffff)
        diag_error(L->c, lex_pos(L, t), "illegal Unicode character");
    else if (cp >= 0xd800 && cp <= 0xdfff)
        diag_error(L->c, lex_pos(L, t), "surrogate code points are not supported");
    else
        lex_put_utf8(&L->buf, cp);
}

/* The character a one-letter escape such as "\n" stands for. */
static char lex_simple_escape(char ch)
{
    switch (ch) {
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    default: return ch; /* \\ \' \" */
    }
}

/* A backslash that starts no escape: kept, like Python, with its warning. */
static void lex_put_unknown_escape(Lexer *L, LexStr *s, const char *t, const char *end)
{
    if (!s->raw)
        diag_warning(L->c, lex_pos(L, t), "invalid escape sequence '%.*s'", (int)(end - t), t);
    sb_putn(&L->buf, t, (size_t)(end - t));
}

/* Decode literal text of s into L->buf up to the closing quote, or in an
 * f-string up to a field's '{' (spec: also up to the '}' ending a format
 * spec). "{{" and "}}" are literal braces outside specs. */
static LexStop lex_segment(Lexer *L, LexStr *s, bool spec)
{
    for (;;) {
        const char *t = L->cur;
        /*!re2c
        $ {
            lex_unterminated(L, s);
            return SEG_ERROR;
        }
        eol {
            if (!s->triple) {
                L->cur = t; /* the NEWLINE token still follows */
                lex_unterminated(L, s);
                return SEG_ERROR;
            }
            sb_putc(&L->buf, '\n'); /* Python reads "\r\n" as "\n" */
            lex_newline(L, L->cur);
            continue;
        }
        ["'] {
            if (!lex_at_close(L, s, t)) {
                sb_putc(&L->buf, *t);
                continue;
            }
            L->cur = t + (s->triple ? 3 : 1);
            s->closed = true;
            if (!spec)
                return SEG_END;
            diag_error(L->c, lex_pos(L, t), "f-string: expecting '}'");
            return SEG_ERROR;
        }
        [^\\'"{}\r\n\x00\x80-\xff]+ {
            sb_putn(&L->buf, t, (size_t)(L->cur - t));
            continue;
        }
        utf8 {
            sb_putn(&L->buf, t, (size_t)(L->cur - t));
            continue;
        }
        [\x80-\xff] {
            if (!s->bad_utf8)
                lex_bad_byte(L, lex_pos(L, t), t);
            s->bad_utf8 = true;
            continue;
        }
        "\x00" {
            lex_null_byte(L, lex_pos(L, t));
            continue;
        }

        "{" {
            if (!s->fstr) {
                sb_putc(&L->buf, '{');
            } else if (!spec && L->cur < L->lim && *L->cur == '{') {
                sb_putc(&L->buf, '{');
                L->cur++;
            } else {
                return SEG_FIELD;
            }
            continue;
        }
        "}" {
            if (!s->fstr) {
                sb_putc(&L->buf, '}');
            } else if (spec) {
                return SEG_SPEC_END;
            } else if (L->cur < L->lim && *L->cur == '}') {
                sb_putc(&L->buf, '}');
                L->cur++;
            } else {
                diag_error(L->c, lex_pos(L, t), "f-string: single '}' is not allowed");
            }
            continue;
        }

        "\\" eol {
            if (s->raw) {
                sb_putc(&L->buf, '\\');
                sb_putc(&L->buf, '\n');
            }
            lex_newline(L, L->cur);
            continue;
        }
        "\\" [\\'"abfnrtv] {
            if (s->raw)
                sb_putn(&L->buf, t, 2);
            else
                sb_putc(&L->buf, lex_simple_escape(t[1]));
            continue;
        }
        "\\" [0-7]{1,3} {
            uint32_t v = 0;
            for (const char *p = t + 1; p < L->cur; p++)
                v = v * 8 + (uint32_t)(*p - '0');
            if (s->raw)
                sb_putn(&L->buf, t, (size_t)(L->cur - t));
            else
                lex_put_escape_cp(L, t, v);
            continue;
        }
        "\\x" hex{2} | "\\u" hex{4} | "\\U" hex{8} {
            if (s->raw)
                sb_putn(&L->buf, t, (size_t)(L->cur - t));
            else
                lex_put_escape_cp(L, t, lex_hex_value(t, (int)(L->cur - t) - 2));
            continue;
        }
        "\\" [xuU] {
            if (s->raw) {
                sb_putn(&L->buf, t, 2);
            } else {
                static const char *const form[] = {"\\xXX", "\\uXXXX", "\\UXXXXXXXX"};
                int i = t[1] == 'x' ? 0 : t[1] == 'u' ? 1 : 2;
                diag_error(L->c, lex_pos(L, t), "truncated %s escape", form[i]);
            }
            continue;
        }
        "\\N" {
            if (s->raw) {
                sb_putn(&L->buf, t, 2);
                continue;
            }
            diag_error(L->c, lex_pos(L, t), "\\N{...} escapes are not supported");
            /* skip the name, so its '{' does not open an f-string field */
            if (L->cur < L->lim && *L->cur == '{') {
                const char *p = L->cur;
                while (p < L->lim && *p != '}' && *p != '\n' && *p != '\r' && *p != s->quote)
                    p++;
                if (p < L->lim && *p == '}')
                    L->cur = p + 1;
            }
            continue;
        }
        "\\" [{}] {
            if (!s->fstr) {
                lex_put_unknown_escape(L, s, t, L->cur);
            } else {
                /* the backslash stays; the brace keeps its f-string meaning */
                L->cur = t + 1;
                lex_put_unknown_escape(L, s, t, t + 1);
            }
            continue;
        }
        "\\" (utf8 | [^]) {
            lex_put_unknown_escape(L, s, t, L->cur);
            continue;
        }
        * {
            sb_putc(&L->buf, *t);
            continue;
        }
        */
    }
}

/* After an error inside a literal: skip to its closing quote (or, for a
 * one-line literal, to the end of the line) so scanning resumes after it. */
static void lex_str_recover(Lexer *L, LexStr *s)
{
    while (L->cur < L->lim) {
        int n = lex_eol_len(L, L->cur);
        if (n) {
            if (!s->triple)
                return;
            L->cur += n;
            lex_newline(L, L->cur);
        } else if (lex_at_close(L, s, L->cur)) {
            L->cur += s->triple ? 3 : 1;
            return;
        } else {
            /* a backslash protects the next character, but not a line end */
            L->cur += *L->cur == '\\' && !lex_eol_len(L, L->cur + 1) && L->cur + 1 < L->lim ? 2 : 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* f-strings                                                          */

static void lex_parts_add(Lexer *L, LexParts *ps, const FStrPart *part)
{
    if (ps->n == ps->cap) {
        int cap = ps->cap ? ps->cap * 2 : 4;
        FStrPart *v = arena_alloc(&L->c->arena, sizeof *v * (size_t)cap);
        if (ps->n)
            memcpy(v, ps->v, sizeof *v * (size_t)ps->n);
        ps->v = v;
        ps->cap = cap;
    }
    ps->v[ps->n++] = *part;
}

/* Inside a replacement field of s: step over a line end if the text may
 * span lines there; the end of input, or a line end it may not cross,
 * leaves s unterminated (reported). Returns 1 stepped, 0 not at a line
 * end, -1 reported. */
static int lex_field_newline(Lexer *L, LexStr *s, bool multiline)
{
    int n = lex_eol_len(L, L->cur);
    if (L->cur < L->lim && !n)
        return 0;
    if (!n || !multiline) {
        lex_unterminated(L, s);
        return -1;
    }
    L->cur += n;
    lex_newline(L, L->cur);
    return 1;
}

/* Skip whitespace inside a replacement field. */
static bool lex_field_space(Lexer *L, LexStr *s)
{
    for (;;) {
        int r = lex_field_newline(L, s, s->triple);
        if (r < 0)
            return false;
        if (r > 0)
            continue;
        if (*L->cur != ' ' && *L->cur != '\t' && *L->cur != '\f')
            return true;
        L->cur++;
    }
}

/* Skip a string literal nested in a field expression (f"{d['k']}"). As in
 * Python 3.11, the f-string's own closing quote ends everything. */
static bool lex_field_string(Lexer *L, LexStr *s)
{
    char q = *L->cur;
    bool triple = lex_quotes_at(L, L->cur, q, true);
    L->cur += triple ? 3 : 1;
    for (;;) {
        int r = lex_field_newline(L, s, triple && s->triple);
        if (r < 0)
            return false;
        if (r > 0)
            continue;
        if (lex_at_close(L, s, L->cur)) {
            diag_error(L->c, lex_pos(L, L->cur), "f-string: expecting '}'");
            return false;
        }
        if (lex_quotes_at(L, L->cur, q, triple)) {
            L->cur += triple ? 3 : 1;
            return true;
        }
        if (*L->cur == '\\' && L->cur + 1 < L->lim && !lex_eol_len(L, L->cur + 1))
            L->cur++;
        L->cur++;
    }
}

/* Find the end of a field's expression: the first '=', '!', ':' or '}'
 * outside brackets and nested strings ("!=", "==", "<=", ">=" are
 * operators). The cursor is left on that character. */
static bool lex_field_expr(Lexer *L, LexStr *s)
{
    int depth = 0;
    for (;;) {
        int r = lex_field_newline(L, s, s->triple);
        if (r < 0)
            return false;
        if (r > 0)
            continue;
        char ch = *L->cur;
        if (lex_at_close(L, s, L->cur)) {
            diag_error(L->c, lex_pos(L, L->cur), "f-string: expecting '}'");
            return false;
        }
        switch (ch) {
        case '\'':
        case '"':
            if (!lex_field_string(L, s))
                return false;
            continue;
        case '#':
            diag_error(L->c, lex_pos(L, L->cur), "f-string expression part cannot include '#'");
            return false;
        case '(':
        case '[':
        case '{':
            depth++;
            break;
        case ')':
        case ']':
            if (depth)
                depth--;
            break;
        case '}':
            if (!depth)
                return true;
            depth--;
            break;
        case ':':
            if (!depth)
                return true;
            break;
        case '=':
        case '!':
        case '<':
        case '>':
            if (L->cur + 1 < L->lim && L->cur[1] == '=') {
                L->cur += 2;
                continue;
            }
            if (!depth && (ch == '=' || ch == '!'))
                return true;
            break;
        }
        L->cur++;
    }
}

static bool lex_fstr_body(Lexer *L, LexStr *s, int depth, LexParts *ps);

/* One replacement field, after its '{': expression ['='] ['!' conv]
 * [':' spec] '}'. The expression's text stays raw source (the parser
 * lexes it again in expr_mode from part.pos). */
static bool lex_fstr_field(Lexer *L, LexStr *s, int depth, LexParts *ps)
{
    SrcPos brace = lex_pos(L, L->cur - 1);
    if (depth >= LEX_MAX_FIELD_DEPTH) {
        diag_error(L->c, brace, "f-string: expressions nested too deeply");
        return false;
    }
    if (!lex_field_space(L, s))
        return false;
    FStrPart part = {.is_expr = true, .text = L->cur, .pos = lex_pos(L, L->cur)};
    if (!lex_field_expr(L, s))
        return false;
    const char *end = L->cur;
    while (end > part.text && lex_is_space(end[-1]))
        end--;
    part.len = (int)(end - part.text);
    if (part.len == 0)
        diag_error(L->c, brace, "f-string: empty expression not allowed");

    if (*L->cur == '=') {
        part.self_doc = true;
        L->cur++;
        if (!lex_field_space(L, s))
            return false;
    }
    if (L->cur < L->lim && *L->cur == '!') {
        char conv = L->cur + 1 < L->lim ? L->cur[1] : 0;
        if (conv != 'r' && conv != 's' && conv != 'a') {
            diag_error(L->c, lex_pos(L, L->cur + 1),
                       "f-string: invalid conversion character: expected 's', 'r', or 'a'");
            return false;
        }
        part.conv = conv;
        L->cur += 2;
    }
    if (L->cur < L->lim && *L->cur == ':') {
        L->cur++;
        LexParts spec = {0};
        if (!lex_fstr_body(L, s, depth + 1, &spec))
            return false;
        part.spec = spec.v;
        part.nspec = spec.n;
    } else if (L->cur < L->lim && *L->cur == '}') {
        L->cur++;
    } else {
        diag_error(L->c, lex_pos(L, L->cur), "f-string: expecting '}'");
        return false;
    }
    if (part.len > 0)
        lex_parts_add(L, ps, &part);
    return true;
}

/* The parts of an f-string up to its closing quote (depth 0) or of a
 * format spec up to its closing '}' (depth > 0). */
static bool lex_fstr_body(Lexer *L, LexStr *s, int depth, LexParts *ps)
{
    for (;;) {
        L->buf.len = 0;
        SrcPos pos = lex_pos(L, L->cur);
        LexStop stop = lex_segment(L, s, depth > 0);
        if (L->buf.len > 0) {
            FStrPart lit = {.text = arena_strndup(&L->c->arena, L->buf.data, L->buf.len),
                            .len = (int)L->buf.len,
                            .pos = pos};
            lex_parts_add(L, ps, &lit);
        }
        if (stop != SEG_FIELD)
            return stop != SEG_ERROR;
        if (!lex_fstr_field(L, s, depth, ps))
            return false;
    }
}

/* A string literal whose prefix and opening quote(s) are [L->tok, L->cur). */
static void lex_string(Lexer *L, bool triple)
{
    LexStr s = {.quote = L->cur[-1], .triple = triple, .pos = L->tok_pos};
    bool bytes = false;
    for (const char *p = L->tok; p < L->cur - (triple ? 3 : 1); p++) {
        char ch = (char)(*p | 0x20);
        s.raw |= ch == 'r';
        s.fstr |= ch == 'f';
        bytes |= ch == 'b';
    }
    if (bytes)
        diag_error(L->c, L->tok_pos, "bytes literals are not supported");

    L->buf.len = 0;
    LexParts parts = {0};
    if (s.fstr)
        lex_fstr_body(L, &s, 0, &parts);
    else
        lex_segment(L, &s, false);
    if (!s.closed && !s.dead)
        lex_str_recover(L, &s);

    Token *t = lex_emit(L, s.fstr ? TK_FSTRING : TK_STRING);
    if (s.fstr) {
        t->v.fstr.parts = parts.v;
        t->v.fstr.nparts = parts.n;
    } else {
        t->v.str.s = arena_strndup(&L->c->arena, L->buf.data ? L->buf.data : "", L->buf.len);
        t->v.str.len = (int)L->buf.len;
    }
}

/* ------------------------------------------------------------------ */
/* The code scanner                                                   */

static void lex_scan(Lexer *L)
{
    for (;;) {
        if (L->at_bol)
            lex_indent(L);
        L->tok = L->cur;
        L->tok_pos = lex_pos(L, L->cur);
        /*!re2c
        $ { lex_finish(L); return; }
        eol { lex_eol(L); continue; }
        [ \t\f]+ { continue; }
        "#" [^\r\n]* { continue; }
        "\\" eol { lex_newline(L, L->cur); continue; }
        "\\" {
            diag_error(L->c, L->tok_pos, L->cur < L->lim
                       ? "unexpected character after line continuation character"
                       : "unexpected end of file after line continuation character");
            continue;
        }

        "False"    { lex_emit(L, TK_FALSE); continue; }
        "None"     { lex_emit(L, TK_NONE); continue; }
        "True"     { lex_emit(L, TK_TRUE); continue; }
        "and"      { lex_emit(L, TK_AND); continue; }
        "as"       { lex_emit(L, TK_AS); continue; }
        "assert"   { lex_emit(L, TK_ASSERT); continue; }
        "async"    { lex_emit(L, TK_ASYNC); continue; }
        "await"    { lex_emit(L, TK_AWAIT); continue; }
        "break"    { lex_emit(L, TK_BREAK); continue; }
        "class"    { lex_emit(L, TK_CLASS); continue; }
        "continue" { lex_emit(L, TK_CONTINUE); continue; }
        "def"      { lex_emit(L, TK_DEF); continue; }
        "del"      { lex_emit(L, TK_DEL); continue; }
        "elif"     { lex_emit(L, TK_ELIF); continue; }
        "else"     { lex_emit(L, TK_ELSE); continue; }
        "except"   { lex_emit(L, TK_EXCEPT); continue; }
        "finally"  { lex_emit(L, TK_FINALLY); continue; }
        "for"      { lex_emit(L, TK_FOR); continue; }
        "from"     { lex_emit(L, TK_FROM); continue; }
        "global"   { lex_emit(L, TK_GLOBAL); continue; }
        "if"       { lex_emit(L, TK_IF); continue; }
        "import"   { lex_emit(L, TK_IMPORT); continue; }
        "in"       { lex_emit(L, TK_IN); continue; }
        "is"       { lex_emit(L, TK_IS); continue; }
        "lambda"   { lex_emit(L, TK_LAMBDA); continue; }
        "nonlocal" { lex_emit(L, TK_NONLOCAL); continue; }
        "not"      { lex_emit(L, TK_NOT); continue; }
        "or"       { lex_emit(L, TK_OR); continue; }
        "pass"     { lex_emit(L, TK_PASS); continue; }
        "raise"    { lex_emit(L, TK_RAISE); continue; }
        "return"   { lex_emit(L, TK_RETURN); continue; }
        "try"      { lex_emit(L, TK_TRY); continue; }
        "while"    { lex_emit(L, TK_WHILE); continue; }
        "with"     { lex_emit(L, TK_WITH); continue; }
        "yield"    { lex_emit(L, TK_YIELD); continue; }
        [a-zA-Z_][a-zA-Z0-9_]* { lex_emit(L, TK_NAME); continue; }

        decint | zeroint { lex_int(L, 10, 0, "decimal"); continue; }
        leadzero {
            lex_bad_number(L, "leading zeros in decimal integer literals are not permitted; "
                              "use an 0o prefix for octal integers");
            continue;
        }
        hexint   { lex_int(L, 16, 2, "hexadecimal"); continue; }
        octint   { lex_int(L, 8, 2, "octal"); continue; }
        binint   { lex_int(L, 2, 2, "binary"); continue; }
        "0" [xX] { lex_bad_number(L, "invalid hexadecimal literal"); continue; }
        "0" [oO] { lex_bad_number(L, "invalid octal literal"); continue; }
        "0" [bB] { lex_bad_number(L, "invalid binary literal"); continue; }
        float    { lex_float(L); continue; }
        imag     { lex_imag(L); continue; }

        strprefix? ["']             { lex_string(L, false); continue; }
        strprefix? ('"""' | "'''")  { lex_string(L, true); continue; }

        "+"   { lex_emit(L, TK_PLUS); continue; }
        "-"   { lex_emit(L, TK_MINUS); continue; }
        "*"   { lex_emit(L, TK_STAR); continue; }
        "/"   { lex_emit(L, TK_SLASH); continue; }
        "//"  { lex_emit(L, TK_DSLASH); continue; }
        "%"   { lex_emit(L, TK_PERCENT); continue; }
        "**"  { lex_emit(L, TK_DSTAR); continue; }
        "@"   { lex_emit(L, TK_AT); continue; }
        "~"   { lex_emit(L, TK_TILDE); continue; }
        "&"   { lex_emit(L, TK_AMP); continue; }
        "|"   { lex_emit(L, TK_PIPE); continue; }
        "^"   { lex_emit(L, TK_CARET); continue; }
        "<<"  { lex_emit(L, TK_LSHIFT); continue; }
        ">>"  { lex_emit(L, TK_RSHIFT); continue; }
        "<"   { lex_emit(L, TK_LT); continue; }
        ">"   { lex_emit(L, TK_GT); continue; }
        "<="  { lex_emit(L, TK_LE); continue; }
        ">="  { lex_emit(L, TK_GE); continue; }
        "=="  { lex_emit(L, TK_EQ); continue; }
        "!="  { lex_emit(L, TK_NE); continue; }
        "="   { lex_emit(L, TK_ASSIGN); continue; }
        "+="  { lex_emit(L, TK_PLUSEQ); continue; }
        "-="  { lex_emit(L, TK_MINUSEQ); continue; }
        "*="  { lex_emit(L, TK_STAREQ); continue; }
        "/="  { lex_emit(L, TK_SLASHEQ); continue; }
        "//=" { lex_emit(L, TK_DSLASHEQ); continue; }
        "%="  { lex_emit(L, TK_PERCENTEQ); continue; }
        "**=" { lex_emit(L, TK_DSTAREQ); continue; }
        "&="  { lex_emit(L, TK_AMPEQ); continue; }
        "|="  { lex_emit(L, TK_PIPEEQ); continue; }
        "^="  { lex_emit(L, TK_CARETEQ); continue; }
        "<<=" { lex_emit(L, TK_LSHIFTEQ); continue; }
        ">>=" { lex_emit(L, TK_RSHIFTEQ); continue; }
        "@="  { lex_emit(L, TK_ATEQ); continue; }
        "->"  { lex_emit(L, TK_ARROW); continue; }
        ":"   { lex_emit(L, TK_COLON); continue; }
        ","   { lex_emit(L, TK_COMMA); continue; }
        "."   { lex_emit(L, TK_DOT); continue; }
        ";"   { lex_emit(L, TK_SEMI); continue; }
        ":="  { lex_emit(L, TK_WALRUS); continue; }
        "..." { lex_emit(L, TK_ELLIPSIS); continue; }
        "("   { lex_open(L, '('); lex_emit(L, TK_LPAREN); continue; }
        "["   { lex_open(L, '['); lex_emit(L, TK_LBRACK); continue; }
        "{"   { lex_open(L, '{'); lex_emit(L, TK_LBRACE); continue; }
        ")"   { if (lex_close(L, ')')) lex_emit(L, TK_RPAREN); continue; }
        "]"   { if (lex_close(L, ']')) lex_emit(L, TK_RBRACK); continue; }
        "}"   { if (lex_close(L, '}')) lex_emit(L, TK_RBRACE); continue; }

        "\x00"      { lex_null_byte(L, L->tok_pos); continue; }
        utf8        { lex_bad_char(L); continue; }
        [\x80-\xff] { lex_bad_byte(L, L->tok_pos, L->tok); continue; }
        *           { lex_bad_char(L); continue; }
        */
    }
}

bool lex_tokens(Compiler *c, const char *src, size_t len, SrcPos start, bool expr_mode,
                TokenVec *out)
{
    Lexer *L = calloc(1, sizeof *L); /* ~2 KB of stacks: keep it off the C stack */
    if (!L) {
        fputs("tauraro: out of memory\n", stderr);
        exit(1);
    }
    int nerrors = c->nerrors;
    L->c = c;
    L->out = out;
    L->expr_mode = expr_mode;
    L->cur = L->bol = src;
    L->lim = src + len;
    L->line = start.line;
    L->bol_col = start.col;
    L->at_bol = !expr_mode;
    L->nindent = 1; /* indent[0] = 0: the module level */
    if (!expr_mode && len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
        L->cur = L->bol = src + 3; /* a UTF-8 byte order mark is not text */
    lex_scan(L);
    sb_free(&L->buf);
    free(L);
    return c->nerrors == nerrors;
}

const char *lex_token_name(int kind)
{
    static const char *const names[] = {
        [TK_EOF] = "end of file",
        [TK_NEWLINE] = "newline",
        [TK_INDENT] = "indent",
        [TK_DEDENT] = "dedent",
        [TK_NAME] = "name",
        [TK_INT] = "integer literal",
        [TK_FLOAT] = "float literal",
        [TK_STRING] = "string literal",
        [TK_FSTRING] = "f-string",
        [TK_EXPRMODE] = "expression",
        [TK_FALSE] = "'False'",
        [TK_NONE] = "'None'",
        [TK_TRUE] = "'True'",
        [TK_AND] = "'and'",
        [TK_AS] = "'as'",
        [TK_ASSERT] = "'assert'",
        [TK_ASYNC] = "'async'",
        [TK_AWAIT] = "'await'",
        [TK_BREAK] = "'break'",
        [TK_CLASS] = "'class'",
        [TK_CONTINUE] = "'continue'",
        [TK_DEF] = "'def'",
        [TK_DEL] = "'del'",
        [TK_ELIF] = "'elif'",
        [TK_ELSE] = "'else'",
        [TK_EXCEPT] = "'except'",
        [TK_FINALLY] = "'finally'",
        [TK_FOR] = "'for'",
        [TK_FROM] = "'from'",
        [TK_GLOBAL] = "'global'",
        [TK_IF] = "'if'",
        [TK_IMPORT] = "'import'",
        [TK_IN] = "'in'",
        [TK_IS] = "'is'",
        [TK_LAMBDA] = "'lambda'",
        [TK_NONLOCAL] = "'nonlocal'",
        [TK_NOT] = "'not'",
        [TK_OR] = "'or'",
        [TK_PASS] = "'pass'",
        [TK_RAISE] = "'raise'",
        [TK_RETURN] = "'return'",
        [TK_TRY] = "'try'",
        [TK_WHILE] = "'while'",
        [TK_WITH] = "'with'",
        [TK_YIELD] = "'yield'",
        [TK_PLUS] = "'+'",
        [TK_MINUS] = "'-'",
        [TK_STAR] = "'*'",
        [TK_SLASH] = "'/'",
        [TK_DSLASH] = "'//'",
        [TK_PERCENT] = "'%'",
        [TK_DSTAR] = "'**'",
        [TK_AT] = "'@'",
        [TK_TILDE] = "'~'",
        [TK_AMP] = "'&'",
        [TK_PIPE] = "'|'",
        [TK_CARET] = "'^'",
        [TK_LSHIFT] = "'<<'",
        [TK_RSHIFT] = "'>>'",
        [TK_LT] = "'<'",
        [TK_GT] = "'>'",
        [TK_LE] = "'<='",
        [TK_GE] = "'>='",
        [TK_EQ] = "'=='",
        [TK_NE] = "'!='",
        [TK_ASSIGN] = "'='",
        [TK_PLUSEQ] = "'+='",
        [TK_MINUSEQ] = "'-='",
        [TK_STAREQ] = "'*='",
        [TK_SLASHEQ] = "'/='",
        [TK_DSLASHEQ] = "'//='",
        [TK_PERCENTEQ] = "'%='",
        [TK_DSTAREQ] = "'**='",
        [TK_AMPEQ] = "'&='",
        [TK_PIPEEQ] = "'|='",
        [TK_CARETEQ] = "'^='",
        [TK_LSHIFTEQ] = "'<<='",
        [TK_RSHIFTEQ] = "'>>='",
        [TK_ATEQ] = "'@='",
        [TK_ARROW] = "'->'",
        [TK_COLON] = "':'",
        [TK_COMMA] = "','",
        [TK_DOT] = "'.'",
        [TK_SEMI] = "';'",
        [TK_LPAREN] = "'('",
        [TK_RPAREN] = "')'",
        [TK_LBRACK] = "'['",
        [TK_RBRACK] = "']'",
        [TK_LBRACE] = "'{'",
        [TK_RBRACE] = "'}'",
        [TK_WALRUS] = "':='",
        [TK_ELLIPSIS] = "'...'",
    };
    if (kind < 0 || kind >= (int)(sizeof names / sizeof *names) || !names[kind])
        return "token";
    return names[kind];
}
