/* parser.y - the Tauraro grammar (lemon): Token array -> AST (Module).
 *
 * The grammar follows CPython's statement and expression grammar, restricted
 * to what compiler.h can represent. Every action is a call into a small
 * helper (below) or an AST constructor from ast.c; all nodes live in the
 * compiler arena, so a syntax error needs no %destructor: the parser stops at
 * the first error and the arena is freed with the compilation.
 *
 * Positions: an expression's pos is that of its first token (`a + b`: `a`;
 * `f(x)`, `a.b`, `a[i]`: the primary's start; a parenthesized expression:
 * the `(`); a statement's pos is its first token, except decorated
 * definitions, which take the `def`/`async`/`class` keyword.
 */
%token_prefix TK_
%name ParseTr
%include {
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "parser.h" /* TK_* codes: the %include block comes before lemon defines them */

/* The parse context (%extra_argument): one per parse_module/parse_expr_text. */
typedef struct ParseCtx {
    Compiler *c;
    Module *module;     /* file mode result */
    Expr *expr;         /* expression mode result */
    bool error;         /* an error was reported: stop feeding tokens */
    Token *toks;        /* the token array being parsed */
    Token *cur;         /* the token being fed (for %stack_overflow) */
    int icur;           /* its index in toks (-1: the EXPRMODE token) */
} ParseCtx;

/* An if/elif chain while it is built: elif clauses hang off `last`. */
typedef struct IfChain {
    Stmt *first, *last;
} IfChain;

/* Consecutive string tokens (implicit concatenation). */
typedef struct StrRun {
    Token *first;
    int n;
} StrRun;

static void parse_error(ParseCtx *ctx, SrcPos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report the first error only: later ones are usually consequences. */
static void parse_error(ParseCtx *ctx, SrcPos pos, const char *fmt, ...)
{
    if (ctx->error)
        return;
    ctx->error = true;
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(ctx->c, DIAG_ERROR, pos, fmt, ap);
    va_end(ap);
}

static void syntax_error(ParseCtx *ctx, Token *t)
{
    /* `if x:` NEWLINE, then anything but INDENT */
    int i = ctx->icur;
    if (i >= 2 && ctx->toks[i - 1].kind == TK_NEWLINE && ctx->toks[i - 2].kind == TK_COLON) {
        parse_error(ctx, t->pos, "expected an indented block");
        return;
    }
    switch (t->kind) {
    case TK_EOF:
        parse_error(ctx, t->pos, "unexpected end of %s",
                    ctx->module ? "file" : "f-string expression");
        return;
    case TK_NEWLINE: parse_error(ctx, t->pos, "unexpected newline"); return;
    case TK_INDENT: parse_error(ctx, t->pos, "unexpected indent"); return;
    case TK_DEDENT: parse_error(ctx, t->pos, "unexpected dedent"); return;
    }
    int len = t->len;
    const char *nl = t->start ? memchr(t->start, '\n', (size_t)len) : NULL;
    if (nl)
        len = (int)(nl - t->start);
    parse_error(ctx, t->pos, "invalid syntax: unexpected '%.*s'", len, t->start ? t->start : "");
}

static PtrVec *vec_new(ParseCtx *ctx)
{
    return arena_alloc(&ctx->c->arena, sizeof(PtrVec));
}

static PtrVec *vec1(ParseCtx *ctx, void *item)
{
    PtrVec *v = vec_new(ctx);
    vec_push(&ctx->c->arena, v, item);
    return v;
}

static void vec_append(ParseCtx *ctx, PtrVec *dst, PtrVec *src)
{
    for (int i = 0; i < src->n; i++)
        vec_push(&ctx->c->arena, dst, src->items[i]);
}

static const char *tok_name(ParseCtx *ctx, Token *t)
{
    return arena_strndup(&ctx->c->arena, t->start, (size_t)t->len);
}

static Expr *mk_name(ParseCtx *ctx, Token *t)
{
    Expr *e = ast_expr(ctx->c, E_NAME, t->pos);
    e->v.name = tok_name(ctx, t);
    return e;
}

/* A new comma list (an E_TUPLE being built) holding `first`. */
static Expr *seq_new(ParseCtx *ctx, Expr *first)
{
    Expr *e = ast_expr(ctx->c, E_TUPLE, first->pos);
    vec_push(&ctx->c->arena, &e->items, first);
    return e;
}

static Expr *seq_add(ParseCtx *ctx, Expr *seq, Expr *item)
{
    vec_push(&ctx->c->arena, &seq->items, item);
    return seq;
}

/* A comma list without a trailing comma: one item is just that item. */
static Expr *seq_end(Expr *seq)
{
    return seq->items.n == 1 ? seq->items.items[0] : seq;
}

/* `( ... )`: mark it parenthesized and start it at the `(`. */
static Expr *parens(Expr *e, Token *lparen)
{
    e->parens = true;
    e->pos = lparen->pos;
    return e;
}

static Expr *mk_compare(ParseCtx *ctx, Expr *l, int op, Expr *r)
{
    Expr *e = l;
    if (l->kind != E_COMPARE || l->parens) {
        e = ast_expr(ctx->c, E_COMPARE, l->pos);
        vec_push(&ctx->c->arena, &e->items, l);
    }
    vec_push(&ctx->c->arena, &e->ops, (void *)(intptr_t)op);
    vec_push(&ctx->c->arena, &e->items, r);
    return e;
}

static Expr *mk_comp(ParseCtx *ctx, ExprKind kind, SrcPos pos, Expr *elt, Expr *val,
                     PtrVec *comps)
{
    Expr *e = ast_expr(ctx->c, kind, pos);
    e->lhs = elt;
    e->rhs = val;
    e->comps = *comps;
    return e;
}

static Expr *mk_call(ParseCtx *ctx, Expr *callee, PtrVec *args)
{
    Expr *e = ast_expr(ctx->c, E_CALL, callee->pos);
    e->lhs = callee;
    if (args)
        e->args = *args;
    return e;
}

static Arg *mk_arg(ParseCtx *ctx, const char *name, Expr *value, SrcPos pos)
{
    Arg *a = arena_alloc(&ctx->c->arena, sizeof *a);
    a->name = name;
    a->value = value;
    a->pos = pos;
    return a;
}

static Expr *mk_starred(ParseCtx *ctx, Token *star, Expr *e, int stars)
{
    Expr *s = ast_expr(ctx->c, E_STARRED, star->pos);
    s->lhs = e;
    s->v.ival = stars;
    return s;
}

static Expr *mk_slice(ParseCtx *ctx, Token *colon, Expr *lo, Expr *hi, Expr *step)
{
    Expr *e = ast_expr(ctx->c, E_SLICE, lo ? lo->pos : colon->pos);
    e->lo = lo;
    e->hi = hi;
    e->step = step;
    return e;
}

static Param *mk_param(ParseCtx *ctx, Token *name, Expr *ann, Expr *def, int star, SrcPos pos)
{
    Param *p = arena_alloc(&ctx->c->arena, sizeof *p);
    p->name = tok_name(ctx, name);
    p->annotation = ann;
    p->def = def;
    p->star = star;
    p->pos = pos;
    return p;
}

/* How CPython names an expression that cannot be assigned to. */
static const char *expr_desc(Expr *e)
{
    switch (e->kind) {
    case E_CALL: return "function call";
    case E_INT: case E_FLOAT: case E_STR: return "literal";
    case E_FSTR: return "f-string expression";
    case E_BOOL: return e->v.bval ? "True" : "False";
    case E_NONE: return "None";
    case E_COMPARE: return "comparison";
    case E_IFEXP: return "conditional expression";
    case E_LAMBDA: return "lambda";
    case E_DICT: return "dict literal";
    case E_SET: return "set display";
    case E_LISTCOMP: return "list comprehension";
    case E_DICTCOMP: return "dict comprehension";
    case E_SETCOMP: return "set comprehension";
    case E_GENEXP: return "generator expression";
    case E_YIELD: return "yield expression";
    case E_AWAIT: return "await expression";
    case E_WALRUS: return "named expression";
    case E_TUPLE: return "tuple";
    case E_LIST: return "list";
    case E_STARRED: return "starred";
    case E_ATTR: return "attribute";
    case E_INDEX: return "subscript";
    default: return "expression";
    }
}

typedef enum { TGT_ASSIGN, TGT_DEL, TGT_AUG, TGT_ANN } TargetUse;

/* Reject what cannot be stored to (CPython's messages). */
static void check_target(ParseCtx *ctx, Expr *e, TargetUse use)
{
    switch (e->kind) {
    case E_NAME: case E_ATTR: case E_INDEX:
        return;
    case E_TUPLE: case E_LIST:
        if (use == TGT_AUG)
            break;
        if (use == TGT_ANN) {
            parse_error(ctx, e->pos, "only single target (not %s) can be annotated",
                        expr_desc(e));
            return;
        }
        for (int i = 0; i < e->items.n; i++)
            check_target(ctx, e->items.items[i], use);
        return;
    case E_STARRED:
        if (use == TGT_ASSIGN && e->v.ival == 1) {
            check_target(ctx, e->lhs, use);
            return;
        }
        break;
    default:
        break;
    }
    if (use == TGT_AUG)
        parse_error(ctx, e->pos, "'%s' is an illegal expression for augmented assignment",
                    expr_desc(e));
    else if (use == TGT_ANN)
        parse_error(ctx, e->pos, "illegal target for annotation");
    else
        parse_error(ctx, e->pos, "cannot %s %s", use == TGT_DEL ? "delete" : "assign to",
                    expr_desc(e));
}

static Stmt *mk_cond_stmt(ParseCtx *ctx, StmtKind kind, Token *kw, Expr *cond, PtrVec *body)
{
    Stmt *s = ast_stmt(ctx->c, kind, kw->pos);
    s->expr = cond;
    s->body = *body;
    return s;
}

static Stmt *mk_aug(ParseCtx *ctx, Expr *target, int op, Expr *value)
{
    check_target(ctx, target, TGT_AUG);
    Stmt *s = ast_stmt(ctx->c, S_AUGASSIGN, target->pos);
    s->target = target;
    s->op = (OpKind)op;
    s->expr = value;
    return s;
}

static Stmt *mk_ann(ParseCtx *ctx, Expr *target, Expr *ann, Expr *value)
{
    check_target(ctx, target, TGT_ANN);
    Stmt *s = ast_stmt(ctx->c, S_ANNASSIGN, target->pos);
    s->target = target;
    s->annotation = ann;
    s->expr = value;
    return s;
}

/* `del a, b` deletes two targets; `del (a, b)` one tuple. */
static Stmt *mk_del(ParseCtx *ctx, Token *kw, Expr *targets)
{
    Stmt *s = ast_stmt(ctx->c, S_DEL, kw->pos);
    if (targets->kind == E_TUPLE && !targets->parens)
        s->targets = targets->items;
    else
        vec_push(&ctx->c->arena, &s->targets, targets);
    for (int i = 0; i < s->targets.n; i++)
        check_target(ctx, s->targets.items[i], TGT_DEL);
    return s;
}

static Stmt *mk_def(ParseCtx *ctx, Token *kw, Token *name, PtrVec *params, Expr *ret,
                    PtrVec *body)
{
    Stmt *s = ast_stmt(ctx->c, S_DEF, kw->pos);
    FuncDef *d = arena_alloc(&ctx->c->arena, sizeof *d);
    d->name = tok_name(ctx, name);
    d->pos = name->pos;
    d->params = *params;
    d->returns = ret;
    d->body = *body;
    s->def = d;
    return s;
}

static Stmt *mk_class(ParseCtx *ctx, Token *kw, Token *name, PtrVec *bases, PtrVec *body)
{
    Stmt *s = ast_stmt(ctx->c, S_CLASS, kw->pos);
    ClassDef *d = arena_alloc(&ctx->c->arena, sizeof *d);
    d->name = tok_name(ctx, name);
    d->pos = name->pos;
    if (bases)
        d->bases = *bases;
    d->body = *body;
    s->cls = d;
    return s;
}

static Stmt *mk_async_def(ParseCtx *ctx, Token *kw, Stmt *def)
{
    def->pos = kw->pos;
    def->def->is_async = true;
    return def;
}

static Stmt *mk_decorated(PtrVec *decorators, Stmt *s)
{
    if (s->kind == S_DEF)
        s->def->decorators = *decorators;
    else
        s->cls->decorators = *decorators;
    return s;
}

static ExceptClause *mk_handler(ParseCtx *ctx, Token *kw, Expr *type, Token *name,
                                PtrVec *body)
{
    ExceptClause *h = arena_alloc(&ctx->c->arena, sizeof *h);
    h->type = type;
    h->name = name ? tok_name(ctx, name) : NULL;
    h->body = *body;
    h->pos = kw->pos;
    return h;
}

static Stmt *mk_try(ParseCtx *ctx, Token *kw, PtrVec *body, PtrVec *handlers,
                    PtrVec *orelse, PtrVec *finalbody)
{
    Stmt *s = ast_stmt(ctx->c, S_TRY, kw->pos);
    s->body = *body;
    if (handlers) {
        s->handlers = *handlers;
        for (int i = 0; i + 1 < handlers->n; i++) {
            ExceptClause *h = handlers->items[i];
            if (!h->type)
                parse_error(ctx, h->pos, "default 'except:' must be last");
        }
    }
    if (orelse)
        s->orelse = *orelse;
    if (finalbody)
        s->finalbody = *finalbody;
    return s;
}

/* ---- strings and f-strings ---- */

/* Append literal text to an f-string item list, merging with a literal
 * just before it. */
static void fstr_lit(ParseCtx *ctx, PtrVec *items, const char *text, int len, SrcPos pos)
{
    if (len == 0)
        return;
    FStrItem *last = items->n ? items->items[items->n - 1] : NULL;
    if (last && !last->expr) {
        char *s = arena_alloc(&ctx->c->arena, (size_t)(last->len + len) + 1);
        memcpy(s, last->text, (size_t)last->len);
        memcpy(s + last->len, text, (size_t)len);
        last->text = s;
        last->len += len;
        return;
    }
    FStrItem *it = arena_alloc(&ctx->c->arena, sizeof *it);
    it->text = arena_strndup(&ctx->c->arena, text, (size_t)len);
    it->len = len;
    it->pos = pos;
    vec_push(&ctx->c->arena, items, it);
}

/* f"{x = }" prints its source text "x = " (with the spaces around the
 * expression, which the part's text leaves out) before the value. */
static void fstr_self_doc(ParseCtx *ctx, PtrVec *items, const FStrPart *p)
{
    /* the text is raw source inside the f-string: its '{' comes before it
     * and '=' after it, so these scans stay within the literal */
    const char *start = p->text, *end = p->text + p->len;
    SrcPos pos = p->pos;
    while (start[-1] == ' ' || start[-1] == '\t') {
        start--;
        pos.col--;
    }
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end == '=') {
        end++;
        while (*end == ' ' || *end == '\t')
            end++;
        fstr_lit(ctx, items, start, (int)(end - start), pos);
    } else {
        char *s = arena_printf(&ctx->c->arena, "%.*s=", p->len, p->text);
        fstr_lit(ctx, items, s, p->len + 1, p->pos);
    }
}

/* Turn the lexer's f-string parts into FStrItems, parsing each field. */
static void fstr_parts(ParseCtx *ctx, PtrVec *items, const FStrPart *parts, int n)
{
    for (int i = 0; i < n; i++) {
        const FStrPart *p = &parts[i];
        if (!p->is_expr) {
            fstr_lit(ctx, items, p->text, p->len, p->pos);
            continue;
        }
        if (p->self_doc)
            fstr_self_doc(ctx, items, p);
        FStrItem *it = arena_alloc(&ctx->c->arena, sizeof *it);
        it->pos = p->pos;
        it->expr = parse_expr_text(ctx->c, p->text, p->len, p->pos);
        if (!it->expr) {
            ctx->error = true;
            it->expr = ast_expr(ctx->c, E_NONE, p->pos);
        }
        it->conv = p->conv;
        if (p->self_doc && !p->conv && p->nspec == 0)
            it->conv = 'r';
        fstr_parts(ctx, &it->spec, p->spec, p->nspec);
        vec_push(&ctx->c->arena, items, it);
    }
}

/* Adjacent string literals: one E_STR, or one E_FSTR if any is an f-string. */
static Expr *mk_strings(ParseCtx *ctx, StrRun run)
{
    bool any_f = false;
    size_t total = 0;
    for (int i = 0; i < run.n; i++) {
        if (run.first[i].kind == TK_FSTRING)
            any_f = true;
        else
            total += (size_t)run.first[i].v.str.len;
    }
    if (!any_f) {
        Expr *e = ast_expr(ctx->c, E_STR, run.first->pos);
        char *s = arena_alloc(&ctx->c->arena, total + 1);
        size_t at = 0;
        for (int i = 0; i < run.n; i++) {
            Token *t = &run.first[i];
            if (t->v.str.len)
                memcpy(s + at, t->v.str.s, (size_t)t->v.str.len);
            at += (size_t)t->v.str.len;
        }
        e->v.str.s = s;
        e->v.str.len = (int)total;
        return e;
    }
    Expr *e = ast_expr(ctx->c, E_FSTR, run.first->pos);
    for (int i = 0; i < run.n; i++) {
        Token *t = &run.first[i];
        if (t->kind == TK_FSTRING)
            fstr_parts(ctx, &e->items, t->v.fstr.parts, t->v.fstr.nparts);
        else
            fstr_lit(ctx, &e->items, t->v.str.s, t->v.str.len, t->pos);
    }
    return e;
}
} /* end %include */

%token_type {Token *}
%default_type {Expr *}
%extra_argument {ParseCtx *ctx}

%syntax_error {
    (void)yymajor;
    syntax_error(ctx, TOKEN);
}
%stack_overflow {
    parse_error(ctx, ctx->cur->pos, "too many nested parentheses");
}
/* Deep enough for any sensible program; bounded so later recursive passes
 * over the tree stay within the C stack. */
%stack_size 5000

/* The token list fixes the TK_* numbering that lexer.re uses. */
%token NEWLINE INDENT DEDENT NAME INT FLOAT STRING FSTRING EXPRMODE.
%token FALSE NONE TRUE AND AS ASSERT ASYNC AWAIT BREAK CLASS CONTINUE DEF DEL
       ELIF ELSE EXCEPT FINALLY FOR FROM GLOBAL IF IMPORT IN IS LAMBDA NONLOCAL
       NOT OR PASS RAISE RETURN TRY WHILE WITH YIELD.
%token PLUS MINUS STAR SLASH DSLASH PERCENT DSTAR AT TILDE AMP PIPE CARET
       LSHIFT RSHIFT LT GT LE GE EQ NE ASSIGN
       PLUSEQ MINUSEQ STAREQ SLASHEQ DSLASHEQ PERCENTEQ DSTAREQ AMPEQ PIPEEQ
       CARETEQ LSHIFTEQ RSHIFTEQ ATEQ
       ARROW COLON COMMA DOT SEMI LPAREN RPAREN LBRACK RBRACK LBRACE RBRACE
       WALRUS ELLIPSIS.

%start_symbol input

/* ================================================================== */
/* Entry points                                                        */

/* input: file_input | EXPRMODE testlist (an f-string field) */
input ::= file_items(B).                          { ctx->module->body = *B; }
input ::= EXPRMODE testlist_star_expr(E).         { ctx->expr = E; }

/* file_input: (NEWLINE | stmt)* */
%type file_items {PtrVec *}
file_items(A) ::= .                               { A = vec_new(ctx); }
file_items(A) ::= file_items(A) NEWLINE.
file_items(A) ::= file_items(A) simple_stmt(B).   { vec_append(ctx, A, B); }
file_items(A) ::= file_items(A) compound_stmt(B). { vec_push(&ctx->c->arena, A, B); }

/* ================================================================== */
/* Statements                                                          */

/* stmts: stmt+ (a block's body) */
%type stmts {PtrVec *}
stmts(A) ::= simple_stmt(A).
stmts(A) ::= compound_stmt(B).                    { A = vec1(ctx, B); }
stmts(A) ::= stmts(A) simple_stmt(B).             { vec_append(ctx, A, B); }
stmts(A) ::= stmts(A) compound_stmt(B).           { vec_push(&ctx->c->arena, A, B); }

/* suite: simple_stmt | NEWLINE INDENT stmt+ DEDENT */
%type suite {PtrVec *}
suite(A) ::= simple_stmt(A).
suite(A) ::= NEWLINE INDENT stmts(B) DEDENT.          { A = B; }

/* simple_stmt: small_stmt (';' small_stmt)* [';'] NEWLINE */
%type simple_stmt {PtrVec *}
simple_stmt(A) ::= small_stmts(A) NEWLINE.
simple_stmt(A) ::= small_stmts(A) SEMI NEWLINE.
%type small_stmts {PtrVec *}
small_stmts(A) ::= small_stmt(B).                         { A = vec1(ctx, B); }
small_stmts(A) ::= small_stmts(A) SEMI small_stmt(B).     { vec_push(&ctx->c->arena, A, B); }

%type small_stmt {Stmt *}
small_stmt(A) ::= expr_stmt(A).
small_stmt(A) ::= PASS(T).                 { A = ast_stmt(ctx->c, S_PASS, T->pos); }
small_stmt(A) ::= BREAK(T).                { A = ast_stmt(ctx->c, S_BREAK, T->pos); }
small_stmt(A) ::= CONTINUE(T).             { A = ast_stmt(ctx->c, S_CONTINUE, T->pos); }
small_stmt(A) ::= RETURN(T).               { A = ast_stmt(ctx->c, S_RETURN, T->pos); }
small_stmt(A) ::= RETURN(T) testlist_star_expr(E).
    { A = ast_stmt(ctx->c, S_RETURN, T->pos); A->expr = E; }
small_stmt(A) ::= GLOBAL(T) names(N).      { A = ast_stmt(ctx->c, S_GLOBAL, T->pos); A->names = *N; }
small_stmt(A) ::= NONLOCAL(T) names(N).    { A = ast_stmt(ctx->c, S_NONLOCAL, T->pos); A->names = *N; }
small_stmt(A) ::= DEL(T) exprlist(E).      { A = mk_del(ctx, T, E); }
small_stmt(A) ::= RAISE(T).                { A = ast_stmt(ctx->c, S_RAISE, T->pos); }
small_stmt(A) ::= RAISE(T) test(E).        { A = ast_stmt(ctx->c, S_RAISE, T->pos); A->expr = E; }
/* `raise E from C`: the cause goes to Stmt.target (sema may ignore it) */
small_stmt(A) ::= RAISE(T) test(E) FROM test(C).
    { A = ast_stmt(ctx->c, S_RAISE, T->pos); A->expr = E; A->target = C; }
small_stmt(A) ::= ASSERT(T) test(E).       { A = ast_stmt(ctx->c, S_ASSERT, T->pos); A->expr = E; }
small_stmt(A) ::= ASSERT(T) test(E) COMMA test(M).
    { A = ast_stmt(ctx->c, S_ASSERT, T->pos); A->expr = E; A->target = M; }
small_stmt(A) ::= IMPORT(T) dotted_names(N).
    { A = ast_stmt(ctx->c, S_IMPORT, T->pos); A->names = *N; }
small_stmt(A) ::= FROM(T) dotted_name(M) IMPORT import_names(N).
    { A = ast_stmt(ctx->c, S_IMPORT, T->pos); A->module = M; A->names = *N; }

/* names: NAME (',' NAME)* */
%type names {PtrVec *}
names(A) ::= NAME(N).                      { A = vec1(ctx, (void *)tok_name(ctx, N)); }
names(A) ::= names(A) COMMA NAME(N).       { vec_push(&ctx->c->arena, A, (void *)tok_name(ctx, N)); }

/* dotted_name: NAME ('.' NAME)* */
%type dotted_name {const char *}
dotted_name(A) ::= NAME(N).                { A = tok_name(ctx, N); }
dotted_name(A) ::= dotted_name(B) DOT NAME(N).
    { A = arena_printf(&ctx->c->arena, "%s.%.*s", B, N->len, N->start); }
%type dotted_names {PtrVec *}
dotted_names(A) ::= dotted_name(B).                    { A = vec1(ctx, (void *)B); }
dotted_names(A) ::= dotted_names(A) COMMA dotted_name(B). { vec_push(&ctx->c->arena, A, (void *)B); }

/* import_names: '*' | '(' names [','] ')' | names */
%type import_names {PtrVec *}
import_names(A) ::= STAR.                  { A = vec1(ctx, (void *)"*"); }
import_names(A) ::= names(A).
import_names(A) ::= LPAREN names(B) RPAREN.       { A = B; }
import_names(A) ::= LPAREN names(B) COMMA RPAREN. { A = B; }

/* expr_stmt: testlist (augassign rhs | ':' test ['=' rhs] | ('=' testlist)* '=' rhs)? */
%type expr_stmt {Stmt *}
expr_stmt(A) ::= testlist_star_expr(E).    { A = ast_stmt(ctx->c, S_EXPR, E->pos); A->expr = E; }
expr_stmt(A) ::= yield_expr(E).            { A = ast_stmt(ctx->c, S_EXPR, E->pos); A->expr = E; }
expr_stmt(A) ::= testlist_star_expr(T) augassign(O) rhs(V).  { A = mk_aug(ctx, T, O, V); }
expr_stmt(A) ::= testlist_star_expr(T) COLON test(N).        { A = mk_ann(ctx, T, N, NULL); }
expr_stmt(A) ::= testlist_star_expr(T) COLON test(N) ASSIGN rhs(V). { A = mk_ann(ctx, T, N, V); }
expr_stmt(A) ::= assign_targets(A) rhs(V). { A->expr = V; }

/* a = b = ...: every target before the last '=' */
%type assign_targets {Stmt *}
assign_targets(A) ::= testlist_star_expr(T) ASSIGN.
    { A = ast_stmt(ctx->c, S_ASSIGN, T->pos); check_target(ctx, T, TGT_ASSIGN);
      vec_push(&ctx->c->arena, &A->targets, T); }
assign_targets(A) ::= assign_targets(A) testlist_star_expr(T) ASSIGN.
    { check_target(ctx, T, TGT_ASSIGN); vec_push(&ctx->c->arena, &A->targets, T); }

rhs(A) ::= testlist_star_expr(A).
rhs(A) ::= yield_expr(A).

%type augassign {int}
augassign(A) ::= PLUSEQ.                   { A = OP_ADD; }
augassign(A) ::= MINUSEQ.                  { A = OP_SUB; }
augassign(A) ::= STAREQ.                   { A = OP_MUL; }
augassign(A) ::= SLASHEQ.                  { A = OP_DIV; }
augassign(A) ::= DSLASHEQ.                 { A = OP_FLOORDIV; }
augassign(A) ::= PERCENTEQ.                { A = OP_MOD; }
augassign(A) ::= DSTAREQ.                  { A = OP_POW; }
augassign(A) ::= ATEQ.                     { A = OP_MATMUL; }
augassign(A) ::= AMPEQ.                    { A = OP_BITAND; }
augassign(A) ::= PIPEEQ.                   { A = OP_BITOR; }
augassign(A) ::= CARETEQ.                  { A = OP_BITXOR; }
augassign(A) ::= LSHIFTEQ.                 { A = OP_LSHIFT; }
augassign(A) ::= RSHIFTEQ.                 { A = OP_RSHIFT; }

/* ---- compound statements ---- */

%type compound_stmt {Stmt *}
compound_stmt(A) ::= if_stmt(A).
compound_stmt(A) ::= WHILE(T) namedexpr_test(C) COLON suite(B) else_opt(E).
    { A = mk_cond_stmt(ctx, S_WHILE, T, C, B); if (E) A->orelse = *E; }
compound_stmt(A) ::= FOR(T) exprlist(X) IN testlist_star_expr(I) COLON suite(B) else_opt(E).
    { A = mk_cond_stmt(ctx, S_FOR, T, I, B); A->target = X; check_target(ctx, X, TGT_ASSIGN);
      if (E) A->orelse = *E; }
compound_stmt(A) ::= TRY(T) COLON suite(B) handlers(H) else_opt(E) finally_opt(F).
    { A = mk_try(ctx, T, B, H, E, F); }
compound_stmt(A) ::= TRY(T) COLON suite(B) FINALLY COLON suite(F).
    { A = mk_try(ctx, T, B, NULL, NULL, F); }
/* with: the first item's expression and `as` target; sema rejects it */
compound_stmt(A) ::= WITH(T) with_items(I) COLON suite(B).
    { A = mk_cond_stmt(ctx, S_WITH, T, I->lhs, B); A->target = I->rhs; }
compound_stmt(A) ::= funcdef(A).
compound_stmt(A) ::= ASYNC(T) funcdef(F).             { A = mk_async_def(ctx, T, F); }
compound_stmt(A) ::= classdef(A).
compound_stmt(A) ::= decorators(D) funcdef(F).        { A = mk_decorated(D, F); }
compound_stmt(A) ::= decorators(D) ASYNC(T) funcdef(F). { A = mk_decorated(D, mk_async_def(ctx, T, F)); }
compound_stmt(A) ::= decorators(D) classdef(F).       { A = mk_decorated(D, F); }

/* if_stmt: 'if' test ':' suite ('elif' test ':' suite)* ['else' ':' suite]
 * Each elif is an S_IF that is the whole orelse of the previous one. */
%type if_stmt {Stmt *}
if_stmt(A) ::= if_chain(B).                           { A = B.first; }
if_stmt(A) ::= if_chain(B) ELSE COLON suite(E).       { B.last->orelse = *E; A = B.first; }
%type if_chain {IfChain}
if_chain(A) ::= IF(T) namedexpr_test(C) COLON suite(B).
    { A.first = A.last = mk_cond_stmt(ctx, S_IF, T, C, B); }
if_chain(A) ::= if_chain(A) ELIF(T) namedexpr_test(C) COLON suite(B).
    { Stmt *s = mk_cond_stmt(ctx, S_IF, T, C, B);
      vec_push(&ctx->c->arena, &A.last->orelse, s); A.last = s; }

%type else_opt {PtrVec *}
else_opt(A) ::= .                                     { A = NULL; }
else_opt(A) ::= ELSE COLON suite(B).                 { A = B; }
%type finally_opt {PtrVec *}
finally_opt(A) ::= .                                  { A = NULL; }
finally_opt(A) ::= FINALLY COLON suite(B).           { A = B; }

/* except_clause: 'except' [test ['as' NAME]] ':' suite */
%type handlers {PtrVec *}
handlers(A) ::= handler(B).                           { A = vec1(ctx, B); }
handlers(A) ::= handlers(A) handler(B).               { vec_push(&ctx->c->arena, A, B); }
%type handler {ExceptClause *}
handler(A) ::= EXCEPT(T) COLON suite(B).              { A = mk_handler(ctx, T, NULL, NULL, B); }
handler(A) ::= EXCEPT(T) test(E) COLON suite(B).      { A = mk_handler(ctx, T, E, NULL, B); }
handler(A) ::= EXCEPT(T) test(E) AS NAME(N) COLON suite(B). { A = mk_handler(ctx, T, E, N, B); }

/* with_item (',' with_item)*: an E_TUPLE-free pair, lhs = expr, rhs = target */
with_items(A) ::= with_item(A).
with_items(A) ::= with_items(A) COMMA with_item.
with_item(A) ::= test(E).                             { A = ast_expr(ctx->c, E_TUPLE, E->pos); A->lhs = E; }
with_item(A) ::= test(E) AS expr(T).
    { A = ast_expr(ctx->c, E_TUPLE, E->pos); A->lhs = E; A->rhs = T; check_target(ctx, T, TGT_ASSIGN); }

/* decorator: '@' namedexpr_test NEWLINE */
%type decorators {PtrVec *}
decorators(A) ::= AT namedexpr_test(E) NEWLINE.                { A = vec1(ctx, E); }
decorators(A) ::= decorators(A) AT namedexpr_test(E) NEWLINE.  { vec_push(&ctx->c->arena, A, E); }

/* funcdef: 'def' NAME '(' [params] ')' ['->' test] ':' suite */
%type funcdef {Stmt *}
funcdef(A) ::= DEF(T) NAME(N) LPAREN params(P) RPAREN ret_annot(R) COLON suite(B).
    { A = mk_def(ctx, T, N, P, R, B); }
ret_annot(A) ::= .                                    { A = NULL; }
ret_annot(A) ::= ARROW test(B).                       { A = B; }

%type params {PtrVec *}
params(A) ::= .                                       { A = vec_new(ctx); }
params(A) ::= param_list(A).
params(A) ::= param_list(A) COMMA.
%type param_list {PtrVec *}
param_list(A) ::= param(B).                           { A = vec1(ctx, B); }
param_list(A) ::= param_list(A) COMMA param(B).       { vec_push(&ctx->c->arena, A, B); }
/* NAME [':' test] ['=' test] | '*' NAME [':' test] | '**' NAME [':' test] */
%type param {Param *}
param(A) ::= NAME(N) opt_annot(T).                    { A = mk_param(ctx, N, T, NULL, 0, N->pos); }
param(A) ::= NAME(N) opt_annot(T) ASSIGN test(D).     { A = mk_param(ctx, N, T, D, 0, N->pos); }
param(A) ::= STAR(S) NAME(N) opt_annot(T).            { A = mk_param(ctx, N, T, NULL, 1, S->pos); }
param(A) ::= DSTAR(S) NAME(N) opt_annot(T).           { A = mk_param(ctx, N, T, NULL, 2, S->pos); }
opt_annot(A) ::= .                                    { A = NULL; }
opt_annot(A) ::= COLON test(B).                       { A = B; }

/* classdef: 'class' NAME ['(' [test (',' test)* [',']] ')'] ':' suite */
%type classdef {Stmt *}
classdef(A) ::= CLASS(T) NAME(N) COLON suite(B).      { A = mk_class(ctx, T, N, NULL, B); }
classdef(A) ::= CLASS(T) NAME(N) LPAREN RPAREN COLON suite(B). { A = mk_class(ctx, T, N, NULL, B); }
classdef(A) ::= CLASS(T) NAME(N) LPAREN tests(L) RPAREN COLON suite(B).
    { A = mk_class(ctx, T, N, L, B); }
classdef(A) ::= CLASS(T) NAME(N) LPAREN tests(L) COMMA RPAREN COLON suite(B).
    { A = mk_class(ctx, T, N, L, B); }
%type tests {PtrVec *}
tests(A) ::= test(E).                                 { A = vec1(ctx, E); }
tests(A) ::= tests(A) COMMA test(E).                  { vec_push(&ctx->c->arena, A, E); }

/* ================================================================== */
/* Expression lists                                                    */

/* testlist_star_expr: (test|star_expr) (',' (test|star_expr))* [','] */
testlist_star_expr(A) ::= tseq(B).                    { A = seq_end(B); }
testlist_star_expr(A) ::= tseq(A) COMMA.
tseq(A) ::= test(E).                                  { A = seq_new(ctx, E); }
tseq(A) ::= star_expr(E).                             { A = seq_new(ctx, E); }
tseq(A) ::= tseq(A) COMMA test(E).                    { seq_add(ctx, A, E); }
tseq(A) ::= tseq(A) COMMA star_expr(E).               { seq_add(ctx, A, E); }

/* exprlist: (expr|star_expr) (',' (expr|star_expr))* [',']  (for/del targets) */
exprlist(A) ::= xseq(B).                              { A = seq_end(B); }
exprlist(A) ::= xseq(A) COMMA.
xseq(A) ::= expr(E).                                  { A = seq_new(ctx, E); }
xseq(A) ::= star_expr(E).                             { A = seq_new(ctx, E); }
xseq(A) ::= xseq(A) COMMA expr(E).                    { seq_add(ctx, A, E); }
xseq(A) ::= xseq(A) COMMA star_expr(E).               { seq_add(ctx, A, E); }

/* inside () and []: (namedexpr_test|star_expr) (',' ...)* */
pseq(A) ::= namedexpr_test(E).                        { A = seq_new(ctx, E); }
pseq(A) ::= star_expr(E).                             { A = seq_new(ctx, E); }
pseq(A) ::= pseq(A) COMMA namedexpr_test(E).          { seq_add(ctx, A, E); }
pseq(A) ::= pseq(A) COMMA star_expr(E).               { seq_add(ctx, A, E); }

star_expr(A) ::= STAR(T) expr(E).                     { A = mk_starred(ctx, T, E, 1); }

/* yield_expr: 'yield' [testlist_star_expr] */
yield_expr(A) ::= YIELD(T).                           { A = ast_expr(ctx->c, E_YIELD, T->pos); }
yield_expr(A) ::= YIELD(T) testlist_star_expr(E).     { A = ast_expr(ctx->c, E_YIELD, T->pos); A->lhs = E; }

/* comp_for: ('for' exprlist 'in' or_test ('if' or_test)*)+ */
%type comps {PtrVec *}
comps(A) ::= comp_for(B).                             { A = vec1(ctx, B); }
comps(A) ::= comps(A) comp_for(B).                    { vec_push(&ctx->c->arena, A, B); }
comps(A) ::= comps(A) IF or_test(C).
    { Comprehension *cp = A->items[A->n - 1]; vec_push(&ctx->c->arena, &cp->conds, C); }
%type comp_for {Comprehension *}
comp_for(A) ::= FOR exprlist(T) IN or_test(I).
    { A = arena_alloc(&ctx->c->arena, sizeof *A); A->target = T; A->iter = I;
      check_target(ctx, T, TGT_ASSIGN); }

/* ================================================================== */
/* Expressions, loosest binding first                                  */

/* namedexpr_test: test [':=' test] */
namedexpr_test(A) ::= test(A).
namedexpr_test(A) ::= test(L) WALRUS test(R).
    { if (L->kind != E_NAME) parse_error(ctx, L->pos, "cannot use assignment expressions with %s", expr_desc(L));
      A = ast_expr(ctx->c, E_WALRUS, L->pos); A->lhs = L; A->rhs = R; }

/* test: or_test ['if' or_test 'else' test] | lambdef */
test(A) ::= or_test(A).
test(A) ::= or_test(T) IF or_test(C) ELSE test(E).
    { A = ast_expr(ctx->c, E_IFEXP, T->pos); A->cond = C; A->lhs = T; A->rhs = E; }
test(A) ::= LAMBDA(T) lambda_params(P) COLON test(B).
    { A = ast_expr(ctx->c, E_LAMBDA, T->pos); A->items = *P; A->lhs = B; }

/* lambda parameters: names only (defaults are parsed and dropped: sema
 * rejects lambdas anyway) */
%type lambda_params {PtrVec *}
lambda_params(A) ::= .                                { A = vec_new(ctx); }
lambda_params(A) ::= lparam_list(A).
lambda_params(A) ::= lparam_list(A) COMMA.
%type lparam_list {PtrVec *}
lparam_list(A) ::= lparam(B).                         { A = vec1(ctx, B); }
lparam_list(A) ::= lparam_list(A) COMMA lparam(B).    { vec_push(&ctx->c->arena, A, B); }
lparam(A) ::= NAME(N).                                { A = mk_name(ctx, N); }
lparam(A) ::= NAME(N) ASSIGN test.                    { A = mk_name(ctx, N); }
lparam(A) ::= STAR NAME(N).                           { A = mk_name(ctx, N); }
lparam(A) ::= DSTAR NAME(N).                          { A = mk_name(ctx, N); }

or_test(A) ::= and_test(A).
or_test(A) ::= or_test(L) OR and_test(R).             { A = ast_binary(ctx->c, OP_OR, L, R, L->pos); }
and_test(A) ::= not_test(A).
and_test(A) ::= and_test(L) AND not_test(R).          { A = ast_binary(ctx->c, OP_AND, L, R, L->pos); }
not_test(A) ::= NOT(T) not_test(E).                   { A = ast_unary(ctx->c, OP_NOT, E, T->pos); }
not_test(A) ::= comparison(A).

/* comparison: expr (comp_op expr)*  -- one E_COMPARE for the chain */
comparison(A) ::= expr(A).
comparison(A) ::= comparison(L) comp_op(O) expr(R).   { A = mk_compare(ctx, L, O, R); }
%type comp_op {int}
comp_op(A) ::= LT.                                    { A = OP_LT; }
comp_op(A) ::= GT.                                    { A = OP_GT; }
comp_op(A) ::= EQ.                                    { A = OP_EQ; }
comp_op(A) ::= GE.                                    { A = OP_GE; }
comp_op(A) ::= LE.                                    { A = OP_LE; }
comp_op(A) ::= NE.                                    { A = OP_NE; }
comp_op(A) ::= IN.                                    { A = OP_IN; }
comp_op(A) ::= NOT IN.                                { A = OP_NOT_IN; }
comp_op(A) ::= IS.                                    { A = OP_IS; }
comp_op(A) ::= IS NOT.                                { A = OP_IS_NOT; }

expr(A) ::= xor_expr(A).
expr(A) ::= expr(L) PIPE xor_expr(R).                 { A = ast_binary(ctx->c, OP_BITOR, L, R, L->pos); }
xor_expr(A) ::= and_expr(A).
xor_expr(A) ::= xor_expr(L) CARET and_expr(R).        { A = ast_binary(ctx->c, OP_BITXOR, L, R, L->pos); }
and_expr(A) ::= shift_expr(A).
and_expr(A) ::= and_expr(L) AMP shift_expr(R).        { A = ast_binary(ctx->c, OP_BITAND, L, R, L->pos); }
shift_expr(A) ::= arith_expr(A).
shift_expr(A) ::= shift_expr(L) LSHIFT arith_expr(R). { A = ast_binary(ctx->c, OP_LSHIFT, L, R, L->pos); }
shift_expr(A) ::= shift_expr(L) RSHIFT arith_expr(R). { A = ast_binary(ctx->c, OP_RSHIFT, L, R, L->pos); }
arith_expr(A) ::= term(A).
arith_expr(A) ::= arith_expr(L) PLUS term(R).         { A = ast_binary(ctx->c, OP_ADD, L, R, L->pos); }
arith_expr(A) ::= arith_expr(L) MINUS term(R).        { A = ast_binary(ctx->c, OP_SUB, L, R, L->pos); }
term(A) ::= factor(A).
term(A) ::= term(L) STAR factor(R).                   { A = ast_binary(ctx->c, OP_MUL, L, R, L->pos); }
term(A) ::= term(L) SLASH factor(R).                  { A = ast_binary(ctx->c, OP_DIV, L, R, L->pos); }
term(A) ::= term(L) DSLASH factor(R).                 { A = ast_binary(ctx->c, OP_FLOORDIV, L, R, L->pos); }
term(A) ::= term(L) PERCENT factor(R).                { A = ast_binary(ctx->c, OP_MOD, L, R, L->pos); }
term(A) ::= term(L) AT factor(R).                     { A = ast_binary(ctx->c, OP_MATMUL, L, R, L->pos); }
/* factor: ('+'|'-'|'~') factor | power */
factor(A) ::= PLUS(T) factor(E).                      { A = ast_unary(ctx->c, OP_POS, E, T->pos); }
factor(A) ::= MINUS(T) factor(E).                     { A = ast_unary(ctx->c, OP_NEG, E, T->pos); }
factor(A) ::= TILDE(T) factor(E).                     { A = ast_unary(ctx->c, OP_INVERT, E, T->pos); }
factor(A) ::= power(A).
/* power: await_primary ['**' factor]  -- right-assoc, -2**2 == -(2**2) */
power(A) ::= await_primary(A).
power(A) ::= await_primary(L) DSTAR factor(R).        { A = ast_binary(ctx->c, OP_POW, L, R, L->pos); }
await_primary(A) ::= primary(A).
await_primary(A) ::= AWAIT(T) primary(E).             { A = ast_expr(ctx->c, E_AWAIT, T->pos); A->lhs = E; }

/* primary: atom trailer* */
primary(A) ::= atom(A).
primary(A) ::= primary(F) LPAREN RPAREN.              { A = mk_call(ctx, F, NULL); }
primary(A) ::= primary(F) LPAREN arglist(L) RPAREN.   { A = mk_call(ctx, F, L); }
primary(A) ::= primary(F) LPAREN arglist(L) COMMA RPAREN. { A = mk_call(ctx, F, L); }
primary(A) ::= primary(F) LPAREN test(E) comps(C) RPAREN.
    { Expr *g = mk_comp(ctx, E_GENEXP, E->pos, E, NULL, C);
      A = mk_call(ctx, F, vec1(ctx, mk_arg(ctx, NULL, g, g->pos))); }
primary(A) ::= primary(B) DOT NAME(N).
    { A = ast_expr(ctx->c, E_ATTR, B->pos); A->lhs = B; A->v.name = tok_name(ctx, N); }
primary(A) ::= primary(B) LBRACK subscriptlist(I) RBRACK.
    { A = ast_expr(ctx->c, E_INDEX, B->pos); A->lhs = B; A->rhs = I; }

/* arglist: argument (',' argument)* */
%type arglist {PtrVec *}
arglist(A) ::= arg(B).                                { A = vec1(ctx, B); }
arglist(A) ::= arglist(A) COMMA arg(B).               { vec_push(&ctx->c->arena, A, B); }
%type arg {Arg *}
arg(A) ::= namedexpr_test(E).                         { A = mk_arg(ctx, NULL, E, E->pos); }
arg(A) ::= NAME(N) ASSIGN test(E).                    { A = mk_arg(ctx, tok_name(ctx, N), E, N->pos); }
arg(A) ::= STAR(T) test(E).                           { Expr *s = mk_starred(ctx, T, E, 1); A = mk_arg(ctx, NULL, s, s->pos); }
arg(A) ::= DSTAR(T) test(E).                          { Expr *s = mk_starred(ctx, T, E, 2); A = mk_arg(ctx, NULL, s, s->pos); }

/* subscriptlist: subscript (',' subscript)* [',']  -- several: an E_TUPLE */
subscriptlist(A) ::= sseq(B).                         { A = seq_end(B); }
subscriptlist(A) ::= sseq(A) COMMA.
sseq(A) ::= subscript(E).                             { A = seq_new(ctx, E); }
sseq(A) ::= sseq(A) COMMA subscript(E).               { seq_add(ctx, A, E); }
/* subscript: test | [test] ':' [test] [':' [test]] */
subscript(A) ::= test(A).
subscript(A) ::= opt_test(L) COLON(T) opt_test(H).    { A = mk_slice(ctx, T, L, H, NULL); }
subscript(A) ::= opt_test(L) COLON(T) opt_test(H) COLON opt_test(S). { A = mk_slice(ctx, T, L, H, S); }
opt_test(A) ::= .                                     { A = NULL; }
opt_test(A) ::= test(A).

/* ---- atoms ---- */
atom(A) ::= NAME(T).                                  { A = mk_name(ctx, T); }
atom(A) ::= INT(T).                                   { A = ast_expr(ctx->c, E_INT, T->pos); A->v.ival = T->v.ival; }
atom(A) ::= FLOAT(T).                                 { A = ast_expr(ctx->c, E_FLOAT, T->pos); A->v.fval = T->v.fval; }
atom(A) ::= strings(S).                               { A = mk_strings(ctx, S); }
atom(A) ::= TRUE(T).                                  { A = ast_expr(ctx->c, E_BOOL, T->pos); A->v.bval = true; }
atom(A) ::= FALSE(T).                                 { A = ast_expr(ctx->c, E_BOOL, T->pos); A->v.bval = false; }
atom(A) ::= NONE(T).                                  { A = ast_expr(ctx->c, E_NONE, T->pos); }
/* `...` (a placeholder body, like pass) */
atom(A) ::= ELLIPSIS(T).                              { A = ast_expr(ctx->c, E_NONE, T->pos); }
/* '(' ')' | '(' yield_expr ')' | '(' testlist_comp ')' | '(' test comp_for ')' */
atom(A) ::= LPAREN(L) RPAREN.                         { A = parens(ast_expr(ctx->c, E_TUPLE, L->pos), L); }
atom(A) ::= LPAREN(L) yield_expr(E) RPAREN.           { A = parens(E, L); }
atom(A) ::= LPAREN(L) pseq(E) RPAREN.                 { A = parens(seq_end(E), L); }
atom(A) ::= LPAREN(L) pseq(E) COMMA RPAREN.           { A = parens(E, L); }
atom(A) ::= LPAREN(L) namedexpr_test(E) comps(C) RPAREN.
    { A = parens(mk_comp(ctx, E_GENEXP, E->pos, E, NULL, C), L); }
/* '[' [testlist_comp] ']' */
atom(A) ::= LBRACK(L) RBRACK.                         { A = ast_expr(ctx->c, E_LIST, L->pos); }
atom(A) ::= LBRACK(L) pseq(B) RBRACK.                 { A = B; A->kind = E_LIST; A->pos = L->pos; }
atom(A) ::= LBRACK(L) pseq(B) COMMA RBRACK.           { A = B; A->kind = E_LIST; A->pos = L->pos; }
atom(A) ::= LBRACK(L) namedexpr_test(E) comps(C) RBRACK.
    { A = mk_comp(ctx, E_LISTCOMP, L->pos, E, NULL, C); }
/* '{' [dictorsetmaker] '}' */
atom(A) ::= LBRACE(L) RBRACE.                         { A = ast_expr(ctx->c, E_DICT, L->pos); }
atom(A) ::= LBRACE(L) dseq(B) RBRACE.                 { A = B; A->pos = L->pos; }
atom(A) ::= LBRACE(L) dseq(B) COMMA RBRACE.           { A = B; A->pos = L->pos; }
atom(A) ::= LBRACE(L) test(K) COLON test(V) comps(C) RBRACE.
    { A = mk_comp(ctx, E_DICTCOMP, L->pos, K, V, C); }
atom(A) ::= LBRACE(L) pseq(B) RBRACE.                 { A = B; A->kind = E_SET; A->pos = L->pos; }
atom(A) ::= LBRACE(L) pseq(B) COMMA RBRACE.           { A = B; A->kind = E_SET; A->pos = L->pos; }
atom(A) ::= LBRACE(L) namedexpr_test(E) comps(C) RBRACE.
    { A = mk_comp(ctx, E_SETCOMP, L->pos, E, NULL, C); }

/* dict entries: test ':' test (',' test ':' test)* */
dseq(A) ::= test(K) COLON test(V).
    { A = ast_expr(ctx->c, E_DICT, K->pos); vec_push(&ctx->c->arena, &A->items, K);
      vec_push(&ctx->c->arena, &A->values, V); }
dseq(A) ::= dseq(A) COMMA test(K) COLON test(V).
    { vec_push(&ctx->c->arena, &A->items, K); vec_push(&ctx->c->arena, &A->values, V); }

/* adjacent string literals */
%type strings {StrRun}
strings(A) ::= STRING(T).                             { A.first = T; A.n = 1; }
strings(A) ::= FSTRING(T).                            { A.first = T; A.n = 1; }
strings(A) ::= strings(A) STRING.                     { A.n++; }
strings(A) ::= strings(A) FSTRING.                    { A.n++; }

%code {
/* ------------------------------------------------------------------ */
/* Driver                                                              */

/* Feed tokens (ending with TK_EOF) to a fresh parser; an optional
 * `first` token goes in front (TK_EXPRMODE). Stops at the first error. */
static void parse_tokens(ParseCtx *ctx, Token *first, Token *toks, int n)
{
    void *p = ParseTrAlloc(malloc);
    if (!p) {
        parse_error(ctx, n ? toks[0].pos : (SrcPos){1, 1}, "out of memory");
        return;
    }
    ctx->toks = toks;
    ctx->icur = -1;
    if (first) {
        ctx->cur = first;
        ParseTr(p, first->kind, first, ctx);
    }
    bool ended = false;
    for (int i = 0; i < n && !ctx->error && !ended; i++) {
        ctx->cur = &toks[i];
        ctx->icur = i;
        ParseTr(p, toks[i].kind, &toks[i], ctx);
        ended = toks[i].kind == TK_EOF;
    }
    if (!ended && !ctx->error) {
        /* the lexer always ends with TK_EOF; be safe if it did not */
        Token eof = {.kind = TK_EOF, .pos = n ? toks[n - 1].pos : (SrcPos){1, 1}};
        ctx->cur = &eof;
        ctx->icur = -1;
        ParseTr(p, TK_EOF, &eof, ctx);
    }
    ParseTrFree(p, free);
}

Module *parse_module(Compiler *c)
{
    TokenVec tv = {0};
    SrcPos start = {1, 1};
    if (!lex_tokens(c, c->src, c->src_len, start, false, &tv))
        return NULL;
    ParseCtx ctx = {.c = c};
    ctx.module = arena_alloc(&c->arena, sizeof *ctx.module);
    parse_tokens(&ctx, NULL, tv.toks, tv.n);
    return ctx.error ? NULL : ctx.module;
}

Expr *parse_expr_text(Compiler *c, const char *text, int len, SrcPos pos)
{
    TokenVec tv = {0};
    if (!lex_tokens(c, text, (size_t)len, pos, true, &tv))
        return NULL;
    ParseCtx ctx = {.c = c};
    Token mode = {.kind = TK_EXPRMODE, .pos = pos, .start = text, .len = 0};
    parse_tokens(&ctx, &mode, tv.toks, tv.n);
    return ctx.error ? NULL : ctx.expr;
}
}
