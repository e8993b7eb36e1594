/* ast.c - AST constructors (called by the parser's actions), operator
 * spellings, and a compact S-expression dump of the tree.
 *
 * Dump format (deterministic, one line, used by tests and --dump-ast).
 * `[x]` is optional, `X...` repeats, `_` stands for a missing part:
 *
 *   module       (module STMT...)
 *   statements   (expr E)
 *                (assign TARGET... VALUE)          a = b = v: (assign a b v)
 *                (augassign OP= TARGET VALUE)      (augassign += (name x) (int 1))
 *                (annassign TARGET ANN [VALUE])
 *                (if COND (body S...) [(else S...)])   elif: (else (if ...))
 *                (while COND (body S...) [(else S...)])
 *                (for TARGET ITER (body S...) [(else S...)])
 *                (break) (continue) (pass) (return [E])
 *                (global NAME...) (nonlocal NAME...) (del TARGET...)
 *                (def NAME [async] [(decorators E...)] (params P...) [(returns E)] (body S...))
 *                    P = (param [*|**]NAME [ANN|_] [DEFAULT])
 *                (class NAME [(decorators E...)] [(bases E...)] (body S...))
 *                (try (body S...) HANDLER... [(else S...)] [(finally S...)])
 *                    HANDLER = (except [TYPE [as NAME]] (body S...))
 *                (raise [E [(from E)]]) (assert TEST [MSG])
 *                (import NAME...)                  `import a.b, c`
 *                (from MODULE NAME...)             `from typing import List`
 *                (with E [(as TARGET)] (body S...))
 *   expressions  (int 1) (float 2.5) (str "text") (bool True) (none) (name x)
 *                (fstr ITEM...)  ITEM = (lit "text") | (field E [!c] [(spec ITEM...)])
 *                (unop OP E)  OP is - + ~ not
 *                (binop OP L R) (boolop and|or L R)
 *                (compare A OP B [OP C]...)        a < b <= c: one node
 *                (ifexp COND THEN ELSE)            `THEN if COND else ELSE`
 *                (call F ARG...)  ARG = E | (kw NAME E)
 *                (attr E NAME) (index E I)
 *                (slice LO|_ HI|_ STEP|_)
 *                (list E...) (tuple E...) (set E...) (dict (kv K V)...)
 *                (listcomp E COMP...) (setcomp E COMP...) (genexp E COMP...)
 *                (dictcomp K V COMP...)   COMP = (for TARGET ITER (if C)...)
 *                (lambda (NAME...) BODY) (yield [E]) (await E) (walrus NAME E)
 *                (starred E) for *e, (dstarred E) for **e
 * Floats print in the shortest form that reads back exactly; strings print
 * with C-style escapes for '"', '\\' and non-printable bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

Expr *ast_expr(Compiler *c, ExprKind kind, SrcPos pos)
{
    Expr *e = arena_alloc(&c->arena, sizeof *e);
    e->kind = kind;
    e->pos = pos;
    return e;
}

/* `and`/`or` share the binary shape but are E_BOOLOP. */
Expr *ast_binary(Compiler *c, OpKind op, Expr *l, Expr *r, SrcPos pos)
{
    Expr *e = ast_expr(c, op == OP_AND || op == OP_OR ? E_BOOLOP : E_BINARY, pos);
    e->op = op;
    e->lhs = l;
    e->rhs = r;
    return e;
}

Expr *ast_unary(Compiler *c, OpKind op, Expr *operand, SrcPos pos)
{
    Expr *e = ast_expr(c, E_UNARY, pos);
    e->op = op;
    e->lhs = operand;
    return e;
}

Stmt *ast_stmt(Compiler *c, StmtKind kind, SrcPos pos)
{
    Stmt *s = arena_alloc(&c->arena, sizeof *s);
    s->kind = kind;
    s->pos = pos;
    return s;
}

const char *op_text(OpKind op)
{
    static const char *const text[] = {
        [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/",
        [OP_FLOORDIV] = "//", [OP_MOD] = "%", [OP_POW] = "**", [OP_MATMUL] = "@",
        [OP_LSHIFT] = "<<", [OP_RSHIFT] = ">>", [OP_BITAND] = "&", [OP_BITOR] = "|",
        [OP_BITXOR] = "^",
        [OP_NEG] = "-", [OP_POS] = "+", [OP_INVERT] = "~", [OP_NOT] = "not",
        [OP_AND] = "and", [OP_OR] = "or",
        [OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">",
        [OP_GE] = ">=", [OP_IN] = "in", [OP_NOT_IN] = "not in", [OP_IS] = "is",
        [OP_IS_NOT] = "is not",
    };
    if ((unsigned)op < sizeof text / sizeof text[0] && text[op])
        return text[op];
    return "?";
}

/* ------------------------------------------------------------------ */
/* Dump                                                                */

static void dump_stmts(StrBuf *b, const char *tag, PtrVec *v);

static void dump_str(StrBuf *b, const char *s, int len)
{
    sb_putc(b, '"');
    for (int i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': sb_puts(b, "\\\""); break;
        case '\\': sb_puts(b, "\\\\"); break;
        case '\n': sb_puts(b, "\\n"); break;
        case '\t': sb_puts(b, "\\t"); break;
        case '\r': sb_puts(b, "\\r"); break;
        default:
            if (ch < 0x20 || ch == 0x7f)
                sb_printf(b, "\\x%02x", ch);
            else
                sb_putc(b, (char)ch);
        }
    }
    sb_putc(b, '"');
}

/* The shortest text that reads back to the same double: fixed notation
 * in Python's range for it (1e-4 <= |d| < 1e16), else %g. */
static void dump_float(StrBuf *b, double d)
{
    char buf[64];
    double mag = d < 0 ? -d : d;
    if (mag >= 1e-4 && mag < 1e16) {
        for (int prec = 0; prec <= 20; prec++) {
            snprintf(buf, sizeof buf, "%.*f", prec, d);
            if (strtod(buf, NULL) == d) {
                sb_puts(b, buf);
                return;
            }
        }
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    sb_puts(b, buf);
}

/* A child expression, or `_` when it is absent. */
static void dump_opt(StrBuf *b, Expr *e)
{
    sb_putc(b, ' ');
    if (e)
        ast_dump_expr(b, e);
    else
        sb_putc(b, '_');
}

static void dump_exprs(StrBuf *b, PtrVec *v)
{
    for (int i = 0; i < v->n; i++)
        dump_opt(b, v->items[i]);
}

static void dump_fstr_items(StrBuf *b, PtrVec *items)
{
    for (int i = 0; i < items->n; i++) {
        FStrItem *it = items->items[i];
        sb_putc(b, ' ');
        if (!it->expr) {
            sb_puts(b, "(lit ");
            dump_str(b, it->text, it->len);
            sb_putc(b, ')');
            continue;
        }
        sb_puts(b, "(field");
        dump_opt(b, it->expr);
        if (it->conv)
            sb_printf(b, " !%c", it->conv);
        if (it->spec.n) {
            sb_puts(b, " (spec");
            dump_fstr_items(b, &it->spec);
            sb_putc(b, ')');
        }
        sb_putc(b, ')');
    }
}

static void dump_comps(StrBuf *b, PtrVec *comps)
{
    for (int i = 0; i < comps->n; i++) {
        Comprehension *cp = comps->items[i];
        sb_puts(b, " (for");
        dump_opt(b, cp->target);
        dump_opt(b, cp->iter);
        for (int j = 0; j < cp->conds.n; j++) {
            sb_puts(b, " (if");
            dump_opt(b, cp->conds.items[j]);
            sb_putc(b, ')');
        }
        sb_putc(b, ')');
    }
}

void ast_dump_expr(StrBuf *b, Expr *e)
{
    if (!e) {
        sb_putc(b, '_');
        return;
    }
    switch (e->kind) {
    case E_INT: sb_printf(b, "(int %lld)", (long long)e->v.ival); return;
    case E_FLOAT:
        sb_puts(b, "(float ");
        dump_float(b, e->v.fval);
        sb_putc(b, ')');
        return;
    case E_STR:
        sb_puts(b, "(str ");
        dump_str(b, e->v.str.s, e->v.str.len);
        sb_putc(b, ')');
        return;
    case E_FSTR:
        sb_puts(b, "(fstr");
        dump_fstr_items(b, &e->items);
        break;
    case E_BOOL: sb_puts(b, e->v.bval ? "(bool True)" : "(bool False)"); return;
    case E_NONE: sb_puts(b, "(none)"); return;
    case E_NAME: sb_printf(b, "(name %s)", e->v.name); return;
    case E_UNARY:
        sb_printf(b, "(unop %s", op_text(e->op));
        dump_opt(b, e->lhs);
        break;
    case E_BINARY:
    case E_BOOLOP:
        sb_printf(b, "(%s %s", e->kind == E_BINARY ? "binop" : "boolop", op_text(e->op));
        dump_opt(b, e->lhs);
        dump_opt(b, e->rhs);
        break;
    case E_COMPARE:
        sb_puts(b, "(compare");
        for (int i = 0; i < e->items.n; i++) {
            if (i > 0)
                sb_printf(b, " %s", op_text((OpKind)(intptr_t)e->ops.items[i - 1]));
            dump_opt(b, e->items.items[i]);
        }
        break;
    case E_IFEXP:
        sb_puts(b, "(ifexp");
        dump_opt(b, e->cond);
        dump_opt(b, e->lhs);
        dump_opt(b, e->rhs);
        break;
    case E_CALL:
        sb_puts(b, "(call");
        dump_opt(b, e->lhs);
        for (int i = 0; i < e->args.n; i++) {
            Arg *a = e->args.items[i];
            if (a->name) {
                sb_printf(b, " (kw %s", a->name);
                dump_opt(b, a->value);
                sb_putc(b, ')');
            } else {
                dump_opt(b, a->value);
            }
        }
        break;
    case E_ATTR:
        sb_puts(b, "(attr");
        dump_opt(b, e->lhs);
        sb_printf(b, " %s", e->v.name);
        break;
    case E_INDEX:
        sb_puts(b, "(index");
        dump_opt(b, e->lhs);
        dump_opt(b, e->rhs);
        break;
    case E_SLICE:
        sb_puts(b, "(slice");
        dump_opt(b, e->lo);
        dump_opt(b, e->hi);
        dump_opt(b, e->step);
        break;
    case E_LIST: sb_puts(b, "(list"); dump_exprs(b, &e->items); break;
    case E_TUPLE: sb_puts(b, "(tuple"); dump_exprs(b, &e->items); break;
    case E_SET: sb_puts(b, "(set"); dump_exprs(b, &e->items); break;
    case E_DICT:
        sb_puts(b, "(dict");
        for (int i = 0; i < e->items.n; i++) {
            sb_puts(b, " (kv");
            dump_opt(b, e->items.items[i]);
            dump_opt(b, i < e->values.n ? e->values.items[i] : NULL);
            sb_putc(b, ')');
        }
        break;
    case E_LISTCOMP:
    case E_SETCOMP:
    case E_GENEXP:
        sb_puts(b, e->kind == E_LISTCOMP ? "(listcomp" : e->kind == E_SETCOMP ? "(setcomp"
                                                                           : "(genexp");
        dump_opt(b, e->lhs);
        dump_comps(b, &e->comps);
        break;
    case E_DICTCOMP:
        sb_puts(b, "(dictcomp");
        dump_opt(b, e->lhs);
        dump_opt(b, e->rhs);
        dump_comps(b, &e->comps);
        break;
    case E_LAMBDA:
        sb_puts(b, "(lambda (");
        for (int i = 0; i < e->items.n; i++) {
            Expr *p = e->items.items[i];
            sb_printf(b, "%s%s", i ? " " : "", p->v.name);
        }
        sb_putc(b, ')');
        dump_opt(b, e->lhs);
        break;
    case E_YIELD:
        sb_puts(b, "(yield");
        if (e->lhs)
            dump_opt(b, e->lhs);
        break;
    case E_STARRED:
        sb_puts(b, e->v.ival == 2 ? "(dstarred" : "(starred");
        dump_opt(b, e->lhs);
        break;
    case E_AWAIT: sb_puts(b, "(await"); dump_opt(b, e->lhs); break;
    case E_WALRUS:
        sb_puts(b, "(walrus");
        dump_opt(b, e->lhs);
        dump_opt(b, e->rhs);
        break;
    }
    sb_putc(b, ')');
}

static void dump_names(StrBuf *b, PtrVec *v)
{
    for (int i = 0; i < v->n; i++)
        sb_printf(b, " %s", (const char *)v->items[i]);
}

static void dump_decorators(StrBuf *b, PtrVec *v)
{
    if (v->n) {
        sb_puts(b, " (decorators");
        dump_exprs(b, v);
        sb_putc(b, ')');
    }
}

static void dump_param(StrBuf *b, Param *p)
{
    sb_printf(b, " (param %s%s", p->star == 2 ? "**" : p->star == 1 ? "*" : "", p->name);
    if (p->annotation || p->def)
        dump_opt(b, p->annotation);
    if (p->def)
        dump_opt(b, p->def);
    sb_putc(b, ')');
}

static void dump_stmt(StrBuf *b, Stmt *s)
{
    sb_putc(b, ' ');
    switch (s->kind) {
    case S_EXPR: sb_puts(b, "(expr"); dump_opt(b, s->expr); break;
    case S_ASSIGN:
        sb_puts(b, "(assign");
        dump_exprs(b, &s->targets);
        dump_opt(b, s->expr);
        break;
    case S_AUGASSIGN:
        sb_printf(b, "(augassign %s=", op_text(s->op));
        dump_opt(b, s->target);
        dump_opt(b, s->expr);
        break;
    case S_ANNASSIGN:
        sb_puts(b, "(annassign");
        dump_opt(b, s->target);
        dump_opt(b, s->annotation);
        if (s->expr)
            dump_opt(b, s->expr);
        break;
    case S_IF:
    case S_WHILE:
    case S_FOR:
        sb_puts(b, s->kind == S_IF ? "(if" : s->kind == S_WHILE ? "(while" : "(for");
        if (s->kind == S_FOR)
            dump_opt(b, s->target);
        dump_opt(b, s->expr);
        dump_stmts(b, "body", &s->body);
        if (s->orelse.n)
            dump_stmts(b, "else", &s->orelse);
        break;
    case S_BREAK: sb_puts(b, "(break"); break;
    case S_CONTINUE: sb_puts(b, "(continue"); break;
    case S_PASS: sb_puts(b, "(pass"); break;
    case S_RETURN:
        sb_puts(b, "(return");
        if (s->expr)
            dump_opt(b, s->expr);
        break;
    case S_GLOBAL: sb_puts(b, "(global"); dump_names(b, &s->names); break;
    case S_NONLOCAL: sb_puts(b, "(nonlocal"); dump_names(b, &s->names); break;
    case S_DEL: sb_puts(b, "(del"); dump_exprs(b, &s->targets); break;
    case S_DEF: {
        FuncDef *d = s->def;
        sb_printf(b, "(def %s", d->name);
        if (d->is_async)
            sb_puts(b, " async");
        dump_decorators(b, &d->decorators);
        sb_puts(b, " (params");
        for (int i = 0; i < d->params.n; i++)
            dump_param(b, d->params.items[i]);
        sb_putc(b, ')');
        if (d->returns) {
            sb_puts(b, " (returns");
            dump_opt(b, d->returns);
            sb_putc(b, ')');
        }
        dump_stmts(b, "body", &d->body);
        break;
    }
    case S_CLASS: {
        ClassDef *d = s->cls;
        sb_printf(b, "(class %s", d->name);
        dump_decorators(b, &d->decorators);
        if (d->bases.n) {
            sb_puts(b, " (bases");
            dump_exprs(b, &d->bases);
            sb_putc(b, ')');
        }
        dump_stmts(b, "body", &d->body);
        break;
    }
    case S_TRY:
        sb_puts(b, "(try");
        dump_stmts(b, "body", &s->body);
        for (int i = 0; i < s->handlers.n; i++) {
            ExceptClause *h = s->handlers.items[i];
            sb_puts(b, " (except");
            if (h->type)
                dump_opt(b, h->type);
            if (h->name)
                sb_printf(b, " as %s", h->name);
            dump_stmts(b, "body", &h->body);
            sb_putc(b, ')');
        }
        if (s->orelse.n)
            dump_stmts(b, "else", &s->orelse);
        if (s->finalbody.n)
            dump_stmts(b, "finally", &s->finalbody);
        break;
    case S_RAISE:
        sb_puts(b, "(raise");
        if (s->expr)
            dump_opt(b, s->expr);
        if (s->target) {
            sb_puts(b, " (from");
            dump_opt(b, s->target);
            sb_putc(b, ')');
        }
        break;
    case S_ASSERT:
        sb_puts(b, "(assert");
        dump_opt(b, s->expr);
        if (s->target)
            dump_opt(b, s->target);
        break;
    case S_IMPORT:
        if (s->module)
            sb_printf(b, "(from %s", s->module);
        else
            sb_puts(b, "(import");
        dump_names(b, &s->names);
        break;
    case S_WITH:
        sb_puts(b, "(with");
        dump_opt(b, s->expr);
        if (s->target) {
            sb_puts(b, " (as");
            dump_opt(b, s->target);
            sb_putc(b, ')');
        }
        dump_stmts(b, "body", &s->body);
        break;
    }
    sb_putc(b, ')');
}

static void dump_stmts(StrBuf *b, const char *tag, PtrVec *v)
{
    sb_printf(b, " (%s", tag);
    for (int i = 0; i < v->n; i++)
        dump_stmt(b, v->items[i]);
    sb_putc(b, ')');
}

void ast_dump_module(StrBuf *b, Module *m)
{
    sb_puts(b, "(module");
    for (int i = 0; i < m->body.n; i++)
        dump_stmt(b, m->body.items[i]);
    sb_putc(b, ')');
}

bool ast_int_constant(Expr *e, int64_t *v)
{
    if (e->kind == E_INT) {
        *v = e->v.ival;
        return true;
    }
    if (e->kind == E_UNARY && e->op == OP_NEG && e->lhs->kind == E_INT) {
        *v = -e->lhs->v.ival;
        return true;
    }
    return false;
}
