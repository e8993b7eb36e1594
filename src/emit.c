/* emit.c - the C emitter: typed AST + memory plan -> one C translation unit.
 *
 * Each Tauraro function becomes one C function named after it (fn_NAME;
 * module code is main). Expressions are emitted as C expressions where
 * evaluation cannot fail; anything that can raise is evaluated into a
 * temporary followed by a check that unwinds to the function's exit
 * (tr_end), recording the .tr line for the traceback.
 *
 * Reference counting: a value is either borrowed (a variable, a literal)
 * or owned (a new reference in a temporary). Owned temporaries are
 * released at the end of their statement and, on any exit, at tr_end,
 * where every local and temporary is released; all of them start NULL.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

/* A C value: its code and whether it is an owned reference held in a
 * temporary (released at the end of the statement). */
typedef struct CVal {
    const char *code;
    bool owned;
} CVal;

typedef struct Temp {
    const char *name;
    Type *type;
} Temp;

typedef struct Emit {
    Compiler *c;
    Program *p;
    StrBuf *body;     /* where statements of the current function go */
    StrBuf strings;   /* static string literals */
    PtrVec strlits;   /* Expr-independent literal table: const char* names */
    PtrVec strvals;   /* matching byte strings (as StrBuf-free arena copies) */
    PtrVec strlens;   /* matching lengths (intptr_t) */
    Func *fn;
    int indent;
    PtrVec temps;     /* Temp*: every temporary of the current function */
    PtrVec owned;     /* Temp*: owned temporaries of the current statement */
    int ntemps, nlabels;
    bool uses_end;    /* some goto tr_end was emitted */
    const char *brk;  /* label a `break` jumps to, or NULL for a C break */
    bool brk_used;    /* a goto brk was emitted */
} Emit;

static CVal emit_expr(Emit *E, Expr *e);
static const char *emit_cond(Emit *E, Expr *e);
static void emit_block(Emit *E, PtrVec *body);

static Type *prim(Emit *E, TypeKind k) { return type_prim(E->c, k); }

/* ------------------------------------------------------------------ */
/* Output helpers                                                       */

static void line(Emit *E, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(Emit *E, const char *fmt, ...)
{
    for (int i = 0; i < E->indent; i++)
        sb_puts(E->body, "    ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(E->body, fmt, ap);
    va_end(ap);
    sb_putc(E->body, '\n');
}

static const char *fmt(Emit *E, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(Emit *E, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    StrBuf b = {0};
    sb_vprintf(&b, f, ap);
    va_end(ap);
    const char *s = arena_strdup(&E->c->arena, b.data);
    sb_free(&b);
    return s;
}

static CVal borrowed(const char *code) { return (CVal){code, false}; }

/* The C type of a Tauraro type. */
static const char *ctype(Emit *E, Type *t)
{
    switch (t->kind) {
    case T_INT: return "int64_t";
    case T_FLOAT: return "double";
    case T_BOOL: return "bool";
    case T_STR: return "tauraro_str_t *";
    case T_NONE: return "void";
    case T_OPTIONAL:
        if (t->elem->kind == T_STR)
            return "tauraro_str_t *";
        break;
    default:
        break;
    }
    SrcPos pos = {1, 1};
    if (E->fn && E->fn->def)
        pos = E->fn->def->pos;
    diag_error(E->c, pos, "type '%s' is not supported by the C backend yet", type_name(E->c, t));
    return "int64_t";
}

static bool is_ref(Type *t) { return type_is_ref(t); }

/* The function that releases a reference of type t. */
static const char *decref_fn(Type *t)
{
    (void)t;
    return "tauraro_str_decref";
}
static const char *incref_fn(Type *t)
{
    (void)t;
    return "tauraro_str_incref";
}

/* ------------------------------------------------------------------ */
/* Temporaries and checks                                               */

static Temp *new_temp(Emit *E, Type *t)
{
    Temp *tmp = arena_alloc(&E->c->arena, sizeof *tmp);
    tmp->name = fmt(E, "tr_t%d", ++E->ntemps);
    tmp->type = t;
    vec_push(&E->c->arena, &E->temps, tmp);
    return tmp;
}

/* Evaluate code into a fresh temporary. An owned reference is registered
 * for release at the end of the statement. */
static CVal to_temp(Emit *E, Type *t, const char *code, bool owned)
{
    Temp *tmp = new_temp(E, t);
    line(E, "%s = %s;", tmp->name, code);
    if (is_ref(t) && owned)
        vec_push(&E->c->arena, &E->owned, tmp);
    return (CVal){tmp->name, owned && is_ref(t)};
}

static void check(Emit *E, SrcPos pos)
{
    line(E, "TR_CHECK(\"%s\", %d, tr_end);", E->fn->name, pos.line);
    E->uses_end = true;
}

/* Code that may raise: evaluate into a temporary, then check. */
static CVal raising(Emit *E, Type *t, const char *code, bool owned, SrcPos pos)
{
    CVal v = to_temp(E, t, code, owned);
    check(E, pos);
    return v;
}

/* Release the current statement's owned temporaries. */
static void release_owned(Emit *E, int from)
{
    for (int i = from; i < E->owned.n; i++) {
        Temp *t = E->owned.items[i];
        line(E, "%s(%s);", decref_fn(t->type), t->name);
        line(E, "%s = NULL;", t->name);
    }
    E->owned.n = from;
}

/* Store v into dst as a new reference: an owned temporary moves (and is
 * cleared so no cleanup releases it twice), a borrowed value gets a new
 * reference. release_old: dst held a reference to drop first. */
static void put_ref(Emit *E, const char *dst, CVal v, Type *t, bool release_old)
{
    if (!is_ref(t)) {
        line(E, "%s = %s;", dst, v.code);
        return;
    }
    if (v.owned) {
        for (int i = 0; i < E->owned.n; i++) {
            Temp *tmp = E->owned.items[i];
            if (strcmp(tmp->name, v.code) == 0) {
                E->owned.items[i] = E->owned.items[--E->owned.n];
                break;
            }
        }
        if (release_old)
            line(E, "%s(%s);", decref_fn(t), dst);
        line(E, "%s = %s;", dst, v.code);
        line(E, "%s = NULL;", v.code);
        return;
    }
    if (strcmp(v.code, "NULL") != 0)
        line(E, "%s(%s);", incref_fn(t), v.code);
    if (release_old)
        line(E, "%s(%s);", decref_fn(t), dst);
    line(E, "%s = %s;", dst, v.code);
}

/* Make v safe against later side effects in the same expression: a value
 * read from a variable is copied (with a reference) into a temporary. */
static CVal stabilize(Emit *E, CVal v, Type *t)
{
    if (v.owned || strncmp(v.code, "tr_t", 4) == 0 || strncmp(v.code, "(&tr_str", 8) == 0)
        return v;
    if (is_ref(t)) {
        Temp *tmp = new_temp(E, t);
        line(E, "%s = %s;", tmp->name, v.code);
        line(E, "%s(%s);", incref_fn(t), tmp->name);
        vec_push(&E->c->arena, &E->owned, tmp);
        return (CVal){tmp->name, true};
    }
    return to_temp(E, t, v.code, false);
}

/* Does evaluating e call user code (which may change variables)? */
static bool has_call(Expr *e)
{
    if (!e)
        return false;
    if (e->kind == E_CALL && e->call == CALL_FUNC)
        return true;
    if (has_call(e->lhs) || has_call(e->rhs) || has_call(e->cond) || has_call(e->lo) ||
        has_call(e->hi) || has_call(e->step))
        return true;
    if (e->kind == E_FSTR) {
        for (int i = 0; i < e->items.n; i++) {
            FStrItem *it = e->items.items[i];
            if (has_call(it->expr))
                return true;
        }
        return false;
    }
    for (int i = 0; i < e->items.n; i++)
        if (has_call(e->items.items[i]))
            return true;
    for (int i = 0; i < e->args.n; i++)
        if (has_call(((Arg *)e->args.items[i])->value))
            return true;
    return false;
}

/* Emit into a separate buffer (to see whether anything was written). */
typedef struct Capture {
    StrBuf *saved;
    StrBuf buf;
} Capture;

static void capture_begin(Emit *E, Capture *cap)
{
    cap->saved = E->body;
    cap->buf = (StrBuf){0};
    E->body = &cap->buf;
}

static const char *capture_end(Emit *E, Capture *cap)
{
    E->body = cap->saved;
    const char *s = cap->buf.data ? arena_strdup(&E->c->arena, cap->buf.data) : "";
    sb_free(&cap->buf);
    return s;
}

/* ------------------------------------------------------------------ */
/* Literals                                                             */

static int64_t count_chars(const char *s, int len)
{
    int64_t n = 0;
    for (int i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static void c_string_literal(StrBuf *b, const char *s, int len)
{
    sb_putc(b, '"');
    for (int i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            sb_printf(b, "\\%c", ch);
        else if (ch == '\n')
            sb_puts(b, "\\n");
        else if (ch == '\t')
            sb_puts(b, "\\t");
        else if (ch == '?' && i > 0 && s[i - 1] == '?')
            sb_puts(b, "\\?"); /* no trigraphs */
        else if (ch < 0x20 || ch >= 0x7f)
            sb_printf(b, "\\%03o", ch);
        else
            sb_putc(b, (char)ch);
    }
    sb_putc(b, '"');
}

/* A static str object for these bytes (shared by equal literals). */
static const char *str_literal(Emit *E, const char *s, int len)
{
    for (int i = 0; i < E->strlits.n; i++)
        if ((intptr_t)E->strlens.items[i] == len && memcmp(E->strvals.items[i], s, (size_t)len) == 0)
            return E->strlits.items[i];
    const char *name = fmt(E, "(&tr_str%d)", E->strlits.n + 1);
    vec_push(&E->c->arena, &E->strlits, (void *)name);
    vec_push(&E->c->arena, &E->strvals, arena_strndup(&E->c->arena, s, (size_t)len));
    vec_push(&E->c->arena, &E->strlens, (void *)(intptr_t)len);
    sb_printf(&E->strings, "static tauraro_str_t tr_str%d = TAURARO_STR_LIT(", E->strlits.n);
    c_string_literal(&E->strings, s, len);
    sb_printf(&E->strings, ", %d, %" PRId64 ");\n", len, count_chars(s, len));
    return name;
}

static const char *int_literal(Emit *E, int64_t v)
{
    if (v >= INT32_MIN && v <= INT32_MAX)
        return fmt(E, "%" PRId64, v);
    return fmt(E, "INT64_C(%" PRId64 ")", v);
}

static const char *float_literal(Emit *E, double v)
{
    if (isinf(v))
        return v > 0 ? "INFINITY" : "(-INFINITY)";
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    if (!strpbrk(buf, ".en"))
        strcat(buf, ".0");
    return fmt(E, "%s", buf);
}

/* ------------------------------------------------------------------ */
/* Conversions                                                          */

static const char *as_float(Emit *E, CVal v, Type *t)
{
    return t->kind == T_FLOAT ? v.code : fmt(E, "(double)%s", v.code);
}

static const char *truthy_code(Emit *E, CVal v, Type *t)
{
    switch (t->kind) {
    case T_BOOL: return v.code;
    case T_INT: return fmt(E, "(%s != 0)", v.code);
    case T_FLOAT: return fmt(E, "(%s != 0.0)", v.code);
    case T_STR: return fmt(E, "(%s->len != 0)", v.code);
    case T_OPTIONAL: return fmt(E, "(%s != NULL && %s->len != 0)", v.code, v.code);
    case T_NONE: return "false";
    default: return fmt(E, "(%s != 0)", v.code);
    }
}

/* str(v) as an owned-or-static str value. */
static CVal to_str(Emit *E, CVal v, Type *t, bool repr)
{
    switch (t->kind) {
    case T_STR:
        return repr ? to_temp(E, t, fmt(E, "tauraro_str_repr(%s)", v.code), true) : v;
    case T_INT: return to_temp(E, prim(E, T_STR), fmt(E, "tauraro_str_from_int(%s)", v.code), true);
    case T_FLOAT: return to_temp(E, prim(E, T_STR), fmt(E, "tauraro_str_from_float(%s)", v.code), true);
    case T_BOOL: return borrowed(fmt(E, "tauraro_str_from_bool(%s)", v.code));
    case T_NONE: return borrowed("tauraro_str_none()");
    case T_OPTIONAL: {
        CVal inner = to_str(E, borrowed(v.code), t->elem, repr);
        const char *code = fmt(E, "(%s != NULL ? %s : tauraro_str_none())", v.code, inner.code);
        return borrowed(code);
    }
    default:
        return borrowed("tauraro_str_none()");
    }
}

/* ------------------------------------------------------------------ */
/* Expressions                                                          */

static CVal emit_binary_values(Emit *E, Expr *e, OpKind op, CVal a, Type *ta, CVal b, Type *tb)
{
    Type *t = e->type;
    SrcPos pos = e->pos;
    if (t->kind == T_STR) {
        if (op == OP_ADD)
            return to_temp(E, t, fmt(E, "tauraro_str_concat(%s, %s)", a.code, b.code), true);
        if (ta->kind == T_STR)
            return to_temp(E, t, fmt(E, "tauraro_str_repeat(%s, %s)", a.code, b.code), true);
        return to_temp(E, t, fmt(E, "tauraro_str_repeat(%s, %s)", b.code, a.code), true);
    }
    if (t->kind == T_BOOL) /* & | ^ on two bools */
        return borrowed(fmt(E, "(bool)(%s %s %s)", a.code, op_text(op), b.code));
    if (t->kind == T_INT) {
        static const char *fns[] = {
            [OP_ADD] = "tauraro_int_add", [OP_SUB] = "tauraro_int_sub",
            [OP_MUL] = "tauraro_int_mul", [OP_FLOORDIV] = "tauraro_int_floordiv",
            [OP_MOD] = "tauraro_int_mod", [OP_POW] = "tauraro_int_pow",
            [OP_LSHIFT] = "tauraro_int_lshift", [OP_RSHIFT] = "tauraro_int_rshift",
        };
        const char *ac = ta->kind == T_BOOL ? fmt(E, "(int64_t)%s", a.code) : a.code;
        const char *bc = tb->kind == T_BOOL ? fmt(E, "(int64_t)%s", b.code) : b.code;
        if (op == OP_BITAND || op == OP_BITOR || op == OP_BITXOR)
            return borrowed(fmt(E, "(%s %s %s)", ac, op_text(op), bc));
        return raising(E, t, fmt(E, "%s(%s, %s)", fns[op], ac, bc), false, pos);
    }
    /* float result */
    if (op == OP_DIV && ta->kind != T_FLOAT && tb->kind != T_FLOAT)
        return raising(E, t, fmt(E, "tauraro_int_truediv(%s, %s)", a.code, b.code), false, pos);
    const char *af = as_float(E, a, ta), *bf = as_float(E, b, tb);
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL:
        return borrowed(fmt(E, "(%s %s %s)", af, op_text(op), bf));
    case OP_DIV:
        return raising(E, t, fmt(E, "tauraro_float_div(%s, %s)", af, bf), false, pos);
    case OP_FLOORDIV:
        return raising(E, t, fmt(E, "tauraro_float_floordiv(%s, %s)", af, bf), false, pos);
    case OP_MOD:
        return raising(E, t, fmt(E, "tauraro_float_mod(%s, %s)", af, bf), false, pos);
    default: /* OP_POW */
        return raising(E, t, fmt(E, "tauraro_float_pow(%s, %s)", af, bf), false, pos);
    }
}

/* Evaluate a then b, keeping Python's left-to-right order even when b
 * calls code that changes what a read. */
static void emit_pair(Emit *E, Expr *x, Expr *y, CVal *a, CVal *b)
{
    *a = emit_expr(E, x);
    if (has_call(y))
        *a = stabilize(E, *a, x->type);
    *b = emit_expr(E, y);
}

static CVal emit_binary(Emit *E, Expr *e)
{
    CVal a, b;
    emit_pair(E, e->lhs, e->rhs, &a, &b);
    return emit_binary_values(E, e, e->op, a, e->lhs->type, b, e->rhs->type);
}

static CVal emit_unary(Emit *E, Expr *e)
{
    CVal a = emit_expr(E, e->lhs);
    Type *t = e->lhs->type;
    switch (e->op) {
    case OP_NOT:
        return borrowed(fmt(E, "!%s", truthy_code(E, a, t)));
    case OP_NEG:
        if (t->kind == T_FLOAT)
            return borrowed(fmt(E, "(-%s)", a.code));
        return raising(E, e->type, fmt(E, "tauraro_int_neg(%s)", a.code), false, e->pos);
    case OP_POS:
        return t->kind == T_BOOL ? borrowed(fmt(E, "(int64_t)%s", a.code)) : a;
    default: /* OP_INVERT */
        return borrowed(fmt(E, "(~(int64_t)%s)", a.code));
    }
}

/* C code comparing a and b with op (both already evaluated). */
static const char *compare_code(Emit *E, OpKind op, CVal a, Type *ta, CVal b, Type *tb)
{
    static const char *cops[] = {[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<",
                                 [OP_LE] = "<=", [OP_GT] = ">",  [OP_GE] = ">="};
    switch (op) {
    case OP_IS:
        return fmt(E, "(%s == %s)", ta->kind == T_NONE ? "NULL" : a.code,
                   tb->kind == T_NONE ? "NULL" : b.code);
    case OP_IS_NOT:
        return fmt(E, "(%s != %s)", ta->kind == T_NONE ? "NULL" : a.code,
                   tb->kind == T_NONE ? "NULL" : b.code);
    case OP_IN:
        return fmt(E, "tauraro_str_contains(%s, %s)", b.code, a.code);
    case OP_NOT_IN:
        return fmt(E, "!tauraro_str_contains(%s, %s)", b.code, a.code);
    default:
        break;
    }
    if (ta->kind == T_NONE || tb->kind == T_NONE) {
        const char *x = ta->kind == T_NONE ? "NULL" : a.code;
        const char *y = tb->kind == T_NONE ? "NULL" : b.code;
        if (ta->kind == T_NONE && tb->kind == T_NONE)
            return op == OP_EQ ? "true" : "false";
        return fmt(E, "(%s %s %s)", x, cops[op], y);
    }
    if (ta->kind == T_STR || ta->kind == T_OPTIONAL) {
        if (op == OP_EQ || op == OP_NE) {
            const char *eq = ta->kind == T_OPTIONAL || tb->kind == T_OPTIONAL
                                 ? fmt(E, "(%s == %s || (%s != NULL && %s != NULL && tauraro_str_eq(%s, %s)))",
                                       a.code, b.code, a.code, b.code, a.code, b.code)
                                 : fmt(E, "tauraro_str_eq(%s, %s)", a.code, b.code);
            return op == OP_EQ ? eq : fmt(E, "!%s", eq);
        }
        return fmt(E, "(tauraro_str_cmp(%s, %s) %s 0)", a.code, b.code, cops[op]);
    }
    if (ta->kind == T_FLOAT || tb->kind == T_FLOAT)
        return fmt(E, "(%s %s %s)", as_float(E, a, ta), cops[op], as_float(E, b, tb));
    return fmt(E, "(%s %s %s)", a.code, cops[op], b.code);
}

static CVal emit_compare(Emit *E, Expr *e)
{
    int n = e->ops.n;
    Expr *x = e->items.items[0];
    CVal a = emit_expr(E, x);
    if (n == 1) {
        Expr *y = e->items.items[1];
        if (has_call(y))
            a = stabilize(E, a, x->type);
        CVal b = emit_expr(E, y);
        return borrowed(compare_code(E, (OpKind)(intptr_t)e->ops.items[0], a, x->type, b, y->type));
    }
    /* a < b < c: each operand evaluated once, stop at the first false */
    Temp *r = new_temp(E, prim(E, T_BOOL));
    line(E, "%s = true;", r->name);
    int opened = 0;
    for (int i = 0; i < n; i++) {
        Expr *y = e->items.items[i + 1];
        a = stabilize(E, a, x->type);
        CVal b = stabilize(E, emit_expr(E, y), y->type);
        line(E, "%s = %s;", r->name,
             compare_code(E, (OpKind)(intptr_t)e->ops.items[i], a, x->type, b, y->type));
        if (i + 1 < n) {
            line(E, "if (%s) {", r->name);
            E->indent++;
            opened++;
        }
        a = b;
        x = y;
    }
    while (opened--) {
        E->indent--;
        line(E, "}");
    }
    return borrowed(r->name);
}

/* Evaluate e into an existing temporary (owned if a reference). */
static void assign_temp(Emit *E, Temp *t, Expr *e)
{
    put_ref(E, t->name, emit_expr(E, e), t->type, false);
}

/* `a and b` / `a or b` returning an operand. */
static CVal emit_boolop(Emit *E, Expr *e)
{
    Type *t = e->type;
    bool cond_only = e->lhs->type != e->rhs->type; /* typed bool by the checker */
    if (cond_only || t->kind == T_BOOL) {
        CVal a = emit_expr(E, e->lhs);
        const char *ca = truthy_code(E, a, e->lhs->type);
        Capture cap;
        E->indent++;
        capture_begin(E, &cap);
        int mark = E->owned.n;
        CVal b = emit_expr(E, e->rhs);
        const char *cb = truthy_code(E, b, e->rhs->type);
        bool simple = cap.buf.len == 0 && E->owned.n == mark;
        const char *pre = capture_end(E, &cap);
        E->indent--;
        if (simple)
            return borrowed(fmt(E, "(%s %s %s)", ca, e->op == OP_AND ? "&&" : "||", cb));
        Temp *r = new_temp(E, prim(E, T_BOOL));
        line(E, "%s = %s;", r->name, ca);
        line(E, "if (%s%s) {", e->op == OP_AND ? "" : "!", r->name);
        sb_puts(E->body, pre);
        E->indent++;
        line(E, "%s = %s;", r->name, cb);
        release_owned(E, mark);
        E->indent--;
        line(E, "}");
        return borrowed(r->name);
    }
    Temp *r = new_temp(E, t);
    assign_temp(E, r, e->lhs);
    line(E, "if (%s%s) {", e->op == OP_AND ? "" : "!", truthy_code(E, borrowed(r->name), t));
    E->indent++;
    if (is_ref(t))
        line(E, "%s(%s);", decref_fn(t), r->name);
    int mark = E->owned.n;
    assign_temp(E, r, e->rhs);
    release_owned(E, mark);
    E->indent--;
    line(E, "}");
    if (is_ref(t)) {
        vec_push(&E->c->arena, &E->owned, r);
        return (CVal){r->name, true};
    }
    return borrowed(r->name);
}

static CVal emit_ifexp(Emit *E, Expr *e)
{
    Type *t = e->type;
    const char *cc = emit_cond(E, e->cond);
    Temp *r = new_temp(E, t);
    line(E, "if (%s) {", cc);
    E->indent++;
    int mark = E->owned.n;
    assign_temp(E, r, e->lhs);
    release_owned(E, mark);
    E->indent--;
    line(E, "} else {");
    E->indent++;
    assign_temp(E, r, e->rhs);
    release_owned(E, mark);
    E->indent--;
    line(E, "}");
    if (is_ref(t)) {
        vec_push(&E->c->arena, &E->owned, r);
        return (CVal){r->name, true};
    }
    return borrowed(r->name);
}

/* format(v, spec) for an f-string field. */
static CVal format_value(Emit *E, CVal v, Type *t, char conv, CVal spec, SrcPos pos)
{
    if (conv == 'r' || conv == 'a' || conv == 's' || t->kind == T_NONE || t->kind == T_OPTIONAL) {
        v = to_str(E, v, t, conv == 'r' || conv == 'a');
        t = prim(E, T_STR);
    }
    const char *fn = t->kind == T_INT ? "tauraro_format_int"
                     : t->kind == T_FLOAT ? "tauraro_format_float"
                     : t->kind == T_BOOL ? "tauraro_format_bool" : "tauraro_format_str";
    return raising(E, prim(E, T_STR), fmt(E, "%s(%s, %s)", fn, v.code, spec.code), true, pos);
}

/* The parts of an f-string (or of a format spec) joined into one str. */
static CVal emit_fstr_items(Emit *E, PtrVec *items)
{
    bool all_literal = true;
    StrBuf lit = {0};
    for (int i = 0; i < items->n; i++) {
        FStrItem *it = items->items[i];
        if (it->expr)
            all_literal = false;
        else
            sb_putn(&lit, it->text, (size_t)it->len);
    }
    if (all_literal) {
        CVal v = borrowed(str_literal(E, lit.data ? lit.data : "", (int)lit.len));
        sb_free(&lit);
        return v;
    }
    sb_free(&lit);
    const char **parts = arena_alloc(&E->c->arena, sizeof(char *) * (size_t)items->n);
    for (int i = 0; i < items->n; i++) {
        FStrItem *it = items->items[i];
        if (!it->expr) {
            parts[i] = str_literal(E, it->text, it->len);
            continue;
        }
        CVal v = emit_expr(E, it->expr);
        Type *t = it->expr->type;
        bool later_call = false;
        for (int j = i + 1; j < items->n && !later_call; j++) {
            FStrItem *nx = items->items[j];
            later_call = has_call(nx->expr);
        }
        if (it->spec.n) {
            CVal spec = emit_fstr_items(E, &it->spec);
            v = format_value(E, v, t, it->conv, spec, it->expr->pos);
        } else {
            v = to_str(E, v, t, it->conv == 'r' || it->conv == 'a');
            if (later_call)
                v = stabilize(E, v, prim(E, T_STR));
        }
        parts[i] = v.code;
    }
    StrBuf call = {0};
    sb_printf(&call, "tauraro_str_join_n(%d, (tauraro_str_t *[]){", items->n);
    for (int i = 0; i < items->n; i++)
        sb_printf(&call, "%s%s", i ? ", " : "", parts[i]);
    sb_puts(&call, "})");
    CVal r = to_temp(E, prim(E, T_STR), arena_strdup(&E->c->arena, call.data), true);
    sb_free(&call);
    return r;
}

/* Arguments of a call evaluated left to right; earlier ones are
 * stabilized when a later one calls user code. */
static void emit_args(Emit *E, Expr **args, int n, CVal *out, bool user_call)
{
    for (int i = 0; i < n; i++) {
        if (!args[i])
            continue;
        out[i] = emit_expr(E, args[i]);
        bool later_call = false;
        for (int j = i + 1; j < n && !later_call; j++)
            later_call = has_call(args[j]);
        /* a global may be replaced by the callee while it holds it */
        bool global_ref = user_call && args[i]->kind == E_NAME && args[i]->sym && args[i]->sym->global &&
                          is_ref(args[i]->type);
        if (later_call || global_ref)
            out[i] = stabilize(E, out[i], args[i]->type);
    }
}

static CVal emit_user_call(Emit *E, Expr *e, bool discard)
{
    Func *fn = e->fn;
    int n = e->nbound;
    Expr **vals = arena_alloc(&E->c->arena, sizeof(Expr *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        Param *p = fn->def->params.items[i];
        vals[i] = e->bound[i] ? e->bound[i]->value : p->def;
    }
    CVal *cv = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)(n + 1));
    emit_args(E, vals, n, cv, true);
    StrBuf call = {0};
    sb_printf(&call, "%s(", fn->cname);
    for (int i = 0; i < n; i++)
        sb_printf(&call, "%s%s", i ? ", " : "", cv[i].code);
    sb_putc(&call, ')');
    const char *code = arena_strdup(&E->c->arena, call.data);
    sb_free(&call);
    Type *rt = fn->ret;
    if (rt->kind == T_NONE || discard) {
        if (discard && is_ref(rt))
            line(E, "%s(%s);", decref_fn(rt), code);
        else
            line(E, "%s;", code);
        check(E, e->pos);
        return borrowed(rt->kind == T_NONE ? "NULL" : "0");
    }
    return raising(E, rt, code, is_ref(rt), e->pos);
}

static Arg *arg(Expr *e, int i) { return e->args.items[i]; }

/* print(*args, sep=' ', end='\n'): every argument is evaluated before
 * anything is written, as in Python. */
static void emit_write(Emit *E, CVal v, Type *t)
{
    switch (t->kind) {
    case T_INT: line(E, "tauraro_write_int(%s);", v.code); break;
    case T_FLOAT: line(E, "tauraro_write_float(%s);", v.code); break;
    case T_BOOL: line(E, "tauraro_write_bool(%s);", v.code); break;
    case T_STR: line(E, "tauraro_write_str(%s);", v.code); break;
    case T_NONE: line(E, "tauraro_write_none();"); break;
    case T_OPTIONAL:
        line(E, "if (%s == NULL) tauraro_write_none(); else tauraro_write_str(%s);", v.code, v.code);
        break;
    default:
        break;
    }
}

static void emit_write_sep(Emit *E, CVal *v, Type *t, const char *dflt)
{
    if (!v || t->kind == T_NONE) {
        line(E, "tauraro_write(\"%s\", 1);", dflt);
    } else if (t->kind == T_OPTIONAL) {
        line(E, "if (%s == NULL) tauraro_write(\"%s\", 1); else tauraro_write_str(%s);", v->code,
             dflt, v->code);
    } else {
        line(E, "tauraro_write_str(%s);", v->code);
    }
}

static CVal emit_print(Emit *E, Expr *e)
{
    int n = e->args.n;
    Expr **vals = arena_alloc(&E->c->arena, sizeof(Expr *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        vals[i] = arg(e, i)->value;
    CVal *cv = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)(n + 1));
    emit_args(E, vals, n, cv, false);
    CVal *sep = NULL, *end = NULL;
    Type *sept = NULL, *endt = NULL;
    for (int i = 0; i < n; i++) {
        Arg *a = arg(e, i);
        if (a->name && !strcmp(a->name, "sep"))
            sep = &cv[i], sept = a->value->type;
        else if (a->name)
            end = &cv[i], endt = a->value->type;
    }
    bool first = true;
    for (int i = 0; i < n; i++) {
        if (arg(e, i)->name)
            continue;
        if (!first)
            emit_write_sep(E, sep, sept, " ");
        first = false;
        emit_write(E, cv[i], vals[i]->type);
    }
    emit_write_sep(E, end, endt, "\\n");
    return borrowed("NULL");
}

static CVal emit_minmax(Emit *E, Expr *e, bool is_min)
{
    int n = e->args.n;
    Expr **vals = arena_alloc(&E->c->arena, sizeof(Expr *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        vals[i] = arg(e, i)->value;
    CVal *cv = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)(n + 1));
    emit_args(E, vals, n, cv, false);
    Type *t = e->type;
    if (n == 1) /* min(s) of a str: its smallest character */
        return to_temp(E, t, fmt(E, "tauraro_str_%s_char(%s)", is_min ? "min" : "max", cv[0].code), true);
    const char *kind = t->kind == T_FLOAT ? "float" : t->kind == T_STR ? "str" : "int";
    const char *acc = cv[0].code;
    for (int i = 1; i < n; i++)
        acc = fmt(E, "tauraro_%s_%s(%s, %s)", kind, is_min ? "min" : "max", acc, cv[i].code);
    if (t->kind == T_BOOL)
        acc = fmt(E, "(bool)%s", acc);
    return borrowed(acc); /* a str result borrows one of the arguments */
}

static CVal emit_builtin(Emit *E, Expr *e)
{
    if (e->builtin == BI_PRINT)
        return emit_print(E, e);
    if (e->builtin == BI_MIN || e->builtin == BI_MAX)
        return emit_minmax(E, e, e->builtin == BI_MIN);
    int n = e->args.n;
    CVal a = n > 0 ? emit_expr(E, arg(e, 0)->value) : borrowed("0");
    Type *ta = n > 0 ? arg(e, 0)->value->type : NULL;
    CVal b = borrowed("0");
    if (n > 1) {
        if (has_call(arg(e, 1)->value))
            a = stabilize(E, a, ta);
        b = emit_expr(E, arg(e, 1)->value);
    }
    SrcPos pos = e->pos;
    Type *t = e->type;
    switch ((BuiltinId)e->builtin) {
    case BI_LEN:
        return borrowed(fmt(E, "tauraro_str_len(%s)", a.code));
    case BI_STR:
        if (n == 0)
            return borrowed(str_literal(E, "", 0));
        return to_str(E, a, ta, false);
    case BI_REPR:
        return to_str(E, a, ta, true);
    case BI_INT:
        if (n == 0)
            return borrowed("0");
        if (ta->kind == T_STR)
            return raising(E, t, fmt(E, "tauraro_str_to_int(%s)", a.code), false, pos);
        if (ta->kind == T_FLOAT)
            return raising(E, t, fmt(E, "tauraro_float_to_int(%s)", a.code), false, pos);
        return borrowed(fmt(E, "(int64_t)%s", a.code));
    case BI_FLOAT:
        if (n == 0)
            return borrowed("0.0");
        if (ta->kind == T_STR)
            return raising(E, t, fmt(E, "tauraro_str_to_float(%s)", a.code), false, pos);
        return borrowed(as_float(E, a, ta));
    case BI_BOOL:
        return borrowed(n == 0 ? "false" : truthy_code(E, a, ta));
    case BI_ABS:
        if (ta->kind == T_FLOAT)
            return borrowed(fmt(E, "fabs(%s)", a.code));
        return raising(E, t, fmt(E, "tauraro_int_abs(%s)", a.code), false, pos);
    case BI_ROUND:
        if (ta->kind == T_FLOAT)
            return n == 1 ? raising(E, t, fmt(E, "tauraro_float_round(%s)", a.code), false, pos)
                          : borrowed(fmt(E, "tauraro_float_round_n(%s, %s)", a.code, b.code));
        if (n == 1)
            return borrowed(fmt(E, "(int64_t)%s", a.code));
        return raising(E, t, fmt(E, "tauraro_int_round_n(%s, %s)", a.code, b.code), false, pos);
    case BI_ORD:
        return raising(E, t, fmt(E, "tauraro_str_ord(%s)", a.code), false, pos);
    case BI_CHR:
        return raising(E, t, fmt(E, "tauraro_str_chr(%s)", a.code), true, pos);
    default:
        diag_error(E->c, e->pos, "this builtin is not supported by the C backend yet");
        return borrowed("0");
    }
}

static CVal emit_call(Emit *E, Expr *e, bool discard)
{
    if (e->call == CALL_FUNC)
        return emit_user_call(E, e, discard);
    if (e->call == CALL_BUILTIN)
        return emit_builtin(E, e);
    diag_error(E->c, e->pos, "this call is not supported by the C backend yet");
    return borrowed("0");
}

static const char *slice_bound(Emit *E, Expr *x)
{
    if (!x)
        return "TAURARO_NOIDX";
    CVal v = emit_expr(E, x);
    return v.code;
}

static CVal emit_index(Emit *E, Expr *e)
{
    CVal s = emit_expr(E, e->lhs);
    Expr *ix = e->rhs;
    if (ix->kind == E_SLICE) {
        if (has_call(ix->lo) || has_call(ix->hi) || has_call(ix->step))
            s = stabilize(E, s, e->lhs->type);
        const char *lo = slice_bound(E, ix->lo);
        const char *hi = slice_bound(E, ix->hi);
        const char *st = ix->step ? slice_bound(E, ix->step) : "1";
        return raising(E, e->type, fmt(E, "tauraro_str_slice(%s, %s, %s, %s)", s.code, lo, hi, st),
                       true, e->pos);
    }
    if (has_call(ix))
        s = stabilize(E, s, e->lhs->type);
    CVal i = emit_expr(E, ix);
    return raising(E, e->type, fmt(E, "tauraro_str_index(%s, %s)", s.code, i.code), true, e->pos);
}

static const char *var_code(Symbol *sym)
{
    return sym->cname;
}

/* A variable that may be read before any assignment: raise what Python
 * raises instead of reading NULL. */
static void emit_bound_check(Emit *E, Expr *e)
{
    Symbol *sym = e->sym;
    line(E, "if (%s == NULL)", var_code(sym));
    if (sym->global)
        line(E, "    tauraro_raise_msg(&tauraro_cls_NameError, \"name '%s' is not defined\");",
             sym->name);
    else
        line(E, "    tauraro_raise_msg(&tauraro_cls_UnboundLocalError, \"cannot access local "
                "variable '%s' where it is not associated with a value\");", sym->name);
    check(E, e->pos);
}

static CVal emit_expr(Emit *E, Expr *e)
{
    switch (e->kind) {
    case E_INT: return borrowed(int_literal(E, e->v.ival));
    case E_FLOAT: return borrowed(float_literal(E, e->v.fval));
    case E_BOOL: return borrowed(e->v.bval ? "true" : "false");
    case E_NONE: return borrowed("NULL");
    case E_STR: return borrowed(str_literal(E, e->v.str.s, e->v.str.len));
    case E_FSTR: return emit_fstr_items(E, &e->items);
    case E_NAME:
        e->sym->used = true;
        if (e->check_bound && is_ref(e->type))
            emit_bound_check(E, e);
        return borrowed(var_code(e->sym));
    case E_UNARY: return emit_unary(E, e);
    case E_BINARY: return emit_binary(E, e);
    case E_BOOLOP: return emit_boolop(E, e);
    case E_COMPARE: return emit_compare(E, e);
    case E_IFEXP: return emit_ifexp(E, e);
    case E_CALL: return emit_call(E, e, false);
    case E_INDEX: return emit_index(E, e);
    default:
        diag_error(E->c, e->pos, "this expression is not supported by the C backend yet");
        return borrowed("0");
    }
}

/* "(x == y)" -> "x == y": `if ((x == y))` draws a warning from clang. */
static const char *strip_parens(Emit *E, const char *code)
{
    size_t n = strlen(code);
    if (n < 2 || code[0] != '(' || code[n - 1] != ')')
        return code;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        depth += code[i] == '(' ? 1 : code[i] == ')' ? -1 : 0;
        if (depth == 0 && i + 1 < n)
            return code; /* "(a) && (b)": the first paren closes early */
    }
    return arena_strndup(&E->c->arena, code + 1, n - 2);
}

/* A condition as C code (truthiness), with any temporaries it made
 * released before the branch it guards. */
static const char *emit_cond(Emit *E, Expr *e)
{
    int mark = E->owned.n;
    CVal v = emit_expr(E, e);
    const char *code = strip_parens(E, truthy_code(E, v, e->type));
    if (E->owned.n > mark) {
        Temp *b = new_temp(E, prim(E, T_BOOL));
        line(E, "%s = %s;", b->name, code);
        release_owned(E, mark);
        return b->name;
    }
    return code;
}

/* ------------------------------------------------------------------ */
/* Statements                                                           */

/* Store v into a variable, releasing what it held before. */
static void store(Emit *E, Symbol *sym, CVal v, Type *vt)
{
    const char *dst = var_code(sym);
    Type *t = sym->type;
    if (!is_ref(t)) {
        if (t->kind == T_FLOAT && vt->kind != T_FLOAT)
            line(E, "%s = (double)%s;", dst, v.code);
        else
            line(E, "%s = %s;", dst, v.code);
        return;
    }
    if (vt->kind == T_NONE) {
        line(E, "%s(%s);", decref_fn(t), dst);
        line(E, "%s = NULL;", dst);
        return;
    }
    put_ref(E, dst, v, t, true);
}

static void emit_assign(Emit *E, Stmt *st)
{
    Expr *v = st->expr;
    Expr *t0 = st->targets.items[0];
    if ((t0->kind == E_TUPLE || t0->kind == E_LIST) && v->kind == E_TUPLE) {
        /* parallel assignment: every value first, then every store */
        int n = v->items.n;
        CVal *vals = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)n);
        for (int i = 0; i < n; i++) {
            Expr *vi = v->items.items[i];
            vals[i] = stabilize(E, emit_expr(E, vi), vi->type);
        }
        for (int i = 0; i < n; i++) {
            Expr *ti = t0->items.items[i];
            store(E, ti->sym, vals[i], ((Expr *)v->items.items[i])->type);
        }
        return;
    }
    CVal val = emit_expr(E, v);
    for (int i = 0; i < st->targets.n; i++) {
        Expr *t = st->targets.items[i];
        /* every target but the last needs its own reference */
        store(E, t->sym, i + 1 < st->targets.n ? (CVal){val.code, false} : val, v->type);
    }
}

static void emit_augassign(Emit *E, Stmt *st)
{
    Expr fake = *st->target;
    Expr *t = st->target;
    CVal a, b;
    emit_pair(E, t, st->expr, &a, &b);
    fake.type = type_arith(E->c, st->op, t->type, st->expr->type);
    fake.pos = st->pos;
    CVal r = emit_binary_values(E, &fake, st->op, a, t->type, b, st->expr->type);
    store(E, t->sym, r, fake.type);
}

static int new_label(Emit *E) { return ++E->nlabels; }

static void emit_if(Emit *E, Stmt *st)
{
    const char *c = emit_cond(E, st->expr);
    line(E, "if (%s) {", c);
    E->indent++;
    emit_block(E, &st->body);
    E->indent--;
    if (st->orelse.n == 0) {
        line(E, "}");
        return;
    }
    line(E, "} else {");
    E->indent++;
    emit_block(E, &st->orelse);
    E->indent--;
    line(E, "}");
}

/* The loop body with `break` targeting brk (NULL: a plain C break). */
static bool emit_loop_body(Emit *E, PtrVec *body, const char *brk)
{
    const char *saved = E->brk;
    bool saved_used = E->brk_used;
    E->brk = brk;
    E->brk_used = false;
    E->indent++;
    emit_block(E, body);
    E->indent--;
    bool used = E->brk_used;
    E->brk = saved;
    E->brk_used = saved_used;
    return used;
}

static const char *else_label(Emit *E, Stmt *st)
{
    return st->orelse.n ? fmt(E, "tr_break%d", new_label(E)) : NULL;
}

static void emit_loop_else(Emit *E, Stmt *st, const char *brk, bool brk_used)
{
    if (!brk)
        return;
    emit_block(E, &st->orelse);
    if (brk_used)
        line(E, "%s:;", brk);
}

static void emit_while(Emit *E, Stmt *st)
{
    const char *brk = else_label(E, st);
    Capture cap;
    E->indent++;
    capture_begin(E, &cap);
    const char *c = emit_cond(E, st->expr);
    const char *pre = capture_end(E, &cap);
    E->indent--;
    if (*pre) {
        /* the condition needs statements: evaluate it at the top */
        line(E, "for (;;) {");
        sb_puts(E->body, pre);
        line(E, "    if (!(%s))", c);
        line(E, "        break;");
    } else {
        line(E, "while (%s) {", c);
    }
    bool used = emit_loop_body(E, &st->body, brk);
    line(E, "}");
    emit_loop_else(E, st, brk, used);
}

static bool small_int_literal(Expr *e, int64_t *v)
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

static void emit_for_range(Emit *E, Stmt *st, Expr *call)
{
    int n = call->args.n;
    Expr *a0 = arg(call, 0)->value;
    Expr *start_e = n > 1 ? a0 : NULL;
    Expr *stop_e = n > 1 ? arg(call, 1)->value : a0;
    Expr *step_e = n > 2 ? arg(call, 2)->value : NULL;
    Type *it = prim(E, T_INT);
    const char *start = "0";
    if (start_e)
        start = to_temp(E, it, emit_expr(E, start_e).code, false).code;
    const char *stop = to_temp(E, it, emit_expr(E, stop_e).code, false).code;
    int64_t step = 1;
    bool const_step = !step_e || small_int_literal(step_e, &step);
    const char *stepc = !step_e ? "1"
                        : const_step ? int_literal(E, step)
                                     : to_temp(E, it, emit_expr(E, step_e).code, false).code;
    Temp *i = new_temp(E, it);
    const char *brk = else_label(E, st);
    const char *var = var_code(st->target->sym);
    if (const_step && (step == 1 || step == -1)) {
        /* i < stop (or i > stop) before the step keeps i + step in range */
        line(E, "for (%s = %s; %s %s %s; %s%s) {", i->name, start, i->name,
             step > 0 ? "<" : ">", stop, i->name, step > 0 ? "++" : "--");
    } else if (const_step && step != 0) {
        line(E, "for (%s = %s; %s %s %s; %s = tauraro_range_next(%s, %s, %s)) {", i->name,
             start, i->name, step > 0 ? "<" : ">", stop, i->name, i->name, stepc, stop);
    } else {
        if (!const_step) {
            line(E, "if (%s == 0)", stepc);
            line(E, "    tauraro_raise_msg(&tauraro_cls_ValueError, \"range() arg 3 must not be zero\");");
        } else {
            line(E, "tauraro_raise_msg(&tauraro_cls_ValueError, \"range() arg 3 must not be zero\");");
        }
        check(E, st->expr->pos);
        line(E, "for (%s = %s; %s > 0 ? %s < %s : %s > %s;", i->name, start, stepc, i->name,
             stop, i->name, stop);
        line(E, "     %s = tauraro_range_next(%s, %s, %s)) {", i->name, i->name, stepc, stop);
    }
    E->indent++;
    line(E, "%s = %s;", var, i->name);
    E->indent--;
    bool used = emit_loop_body(E, &st->body, brk);
    line(E, "}");
    emit_loop_else(E, st, brk, used);
}

static void emit_for_str(Emit *E, Stmt *st)
{
    Type *t = st->expr->type;
    CVal s = emit_expr(E, st->expr);
    /* the loop holds the string it walks, whatever the body assigns */
    Temp *held = new_temp(E, t);
    put_ref(E, held->name, s, t, false);
    release_owned(E, 0);
    Temp *pos = new_temp(E, prim(E, T_INT));
    const char *brk = fmt(E, "tr_break%d", new_label(E));
    line(E, "for (%s = 0; %s < %s->len;) {", pos->name, pos->name, held->name);
    E->indent++;
    CVal ch = to_temp(E, t, fmt(E, "tauraro_str_next_char(%s, &%s)", held->name, pos->name), true);
    store(E, st->target->sym, ch, t);
    E->indent--;
    bool used = emit_loop_body(E, &st->body, st->orelse.n ? brk : NULL);
    line(E, "}");
    if (st->orelse.n)
        emit_loop_else(E, st, brk, used);
    line(E, "%s(%s);", decref_fn(t), held->name);
    line(E, "%s = NULL;", held->name);
}

static void emit_for(Emit *E, Stmt *st)
{
    Expr *it = st->expr;
    if (it->kind == E_CALL && it->builtin == BI_RANGE && it->call == CALL_BUILTIN)
        emit_for_range(E, st, it);
    else
        emit_for_str(E, st);
}

static void emit_return(Emit *E, Stmt *st)
{
    Func *fn = E->fn;
    if (st->expr && fn->ret->kind != T_NONE) {
        CVal v = emit_expr(E, st->expr);
        Type *vt = st->expr->type;
        if (vt->kind == T_NONE)
            line(E, "tr_ret = NULL;");
        else if (fn->ret->kind == T_FLOAT && vt->kind != T_FLOAT)
            line(E, "tr_ret = (double)%s;", v.code);
        else
            put_ref(E, "tr_ret", v, fn->ret, false);
    } else if (st->expr) {
        CVal v = emit_expr(E, st->expr);
        (void)v;
    }
    release_owned(E, 0);
    line(E, "goto tr_end;");
    E->uses_end = true;
}

/* The source line of a statement, as a comment above its C code. */
static void source_comment(Emit *E, SrcPos pos)
{
    const char *p = E->c->src;
    for (int l = 1; l < pos.line && *p; p++)
        if (*p == '\n')
            l++;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *eol = p;
    while (*eol && *eol != '\n' && *eol != '\r')
        eol++;
    StrBuf b = {0};
    for (const char *q = p; q < eol; q++) {
        if (q[0] == '*' && q[1] == '/')
            sb_puts(&b, "* ");
        else if (q[0] == '/' && q[1] == '*')
            sb_puts(&b, "/ ");
        else if ((unsigned char)*q >= 0x20 && *q != '\\')
            sb_putc(&b, *q);
        else
            sb_putc(&b, ' ');
    }
    line(E, "/* %d: %s */", pos.line, b.data ? b.data : "");
    sb_free(&b);
}

static void emit_stmt(Emit *E, Stmt *st)
{
    if (st->kind != S_PASS && st->kind != S_GLOBAL && st->kind != S_DEF &&
        st->kind != S_IMPORT)
        source_comment(E, st->pos);
    switch (st->kind) {
    case S_EXPR:
        if (st->expr->kind == E_CALL) {
            emit_call(E, st->expr, true);
        } else {
            CVal v = emit_expr(E, st->expr);
            if (!v.owned && strcmp(v.code, "NULL") != 0)
                line(E, "(void)%s;", v.code);
        }
        break;
    case S_ASSIGN:
        emit_assign(E, st);
        break;
    case S_AUGASSIGN:
        emit_augassign(E, st);
        break;
    case S_ANNASSIGN:
        if (st->expr)
            store(E, st->target->sym, emit_expr(E, st->expr), st->expr->type);
        break;
    case S_IF:
        emit_if(E, st);
        break;
    case S_WHILE:
        emit_while(E, st);
        break;
    case S_FOR:
        emit_for(E, st);
        break;
    case S_BREAK:
        if (E->brk) {
            line(E, "goto %s;", E->brk);
            E->brk_used = true;
        }
        else
            line(E, "break;");
        break;
    case S_CONTINUE:
        line(E, "continue;");
        break;
    case S_RETURN:
        emit_return(E, st);
        break;
    case S_PASS: case S_GLOBAL: case S_DEF: case S_IMPORT:
        break;
    default:
        diag_error(E->c, st->pos, "this statement is not supported by the C backend yet");
        break;
    }
    release_owned(E, 0);
}

static void emit_block(Emit *E, PtrVec *body)
{
    for (int i = 0; i < body->n; i++)
        emit_stmt(E, body->items[i]);
}

/* ------------------------------------------------------------------ */
/* Functions                                                            */

static const char *zero_of(Type *t)
{
    switch (t->kind) {
    case T_FLOAT: return "0.0";
    case T_BOOL: return "false";
    case T_INT: return "0";
    default: return "NULL";
    }
}

static void decl(StrBuf *b, const char *type, const char *name, const char *init)
{
    size_t n = strlen(type);
    sb_printf(b, "    %s%s%s = %s;\n", type, type[n - 1] == '*' ? "" : " ", name, init);
}

static void signature(Emit *E, StrBuf *b, Func *fn)
{
    const char *rt = ctype(E, fn->ret);
    size_t n = strlen(rt);
    sb_printf(b, "static %s%s%s(", rt, rt[n - 1] == '*' ? "" : " ", fn->cname);
    if (fn->nparams == 0)
        sb_puts(b, "void");
    for (int i = 0; i < fn->nparams; i++) {
        const char *pt = ctype(E, fn->params[i]->type);
        size_t m = strlen(pt);
        sb_printf(b, "%s%s%s%s", i ? ", " : "", pt, pt[m - 1] == '*' ? "" : " ",
                  fn->params[i]->cname);
    }
    sb_putc(b, ')');
}

/* Body, locals and epilogue of one function (or of main). */
static void emit_function(Emit *E, Func *fn, StrBuf *out)
{
    StrBuf body = {0};
    E->fn = fn;
    E->body = &body;
    E->indent = 1;
    E->temps.n = 0;
    E->owned.n = 0;
    E->uses_end = false;
    E->brk = NULL;
    bool is_main = fn == E->p->main;
    if (is_main) {
        line(E, "tauraro_main_init(argc, argv, ");
        body.len--; /* continue the line */
        c_string_literal(&body, E->c->filename, (int)strlen(E->c->filename));
        sb_puts(&body, ");\n");
    }
    /* a parameter the body assigns to owns its value from the start */
    for (int i = 0; i < fn->nparams; i++) {
        Symbol *p = fn->params[i];
        if (p->assigned && is_ref(p->type))
            line(E, "%s(%s);", incref_fn(p->type), p->cname);
    }
    emit_block(E, is_main ? &E->p->module->body : &fn->def->body);

    if (is_main) {
        sb_puts(out, "int main(int argc, char **argv)\n{\n");
    } else {
        signature(E, out, fn);
        sb_puts(out, "\n{\n");
        if (fn->ret->kind != T_NONE)
            decl(out, ctype(E, fn->ret), "tr_ret", zero_of(fn->ret));
    }
    for (int i = 0; i < fn->locals.n; i++) {
        Symbol *s = fn->locals.items[i];
        if (s->kind == SYM_VAR && s->type && s->type->kind != T_ERROR)
            decl(out, ctype(E, s->type), s->cname, zero_of(s->type));
    }
    for (int i = 0; i < E->temps.n; i++) {
        Temp *t = E->temps.items[i];
        decl(out, ctype(E, t->type), t->name, zero_of(t->type));
    }
    /* C must not warn about what the program never reads */
    for (int i = 0; i < fn->nparams; i++)
        if (!fn->params[i]->used && !(fn->params[i]->assigned && is_ref(fn->params[i]->type)))
            sb_printf(out, "    (void)%s;\n", fn->params[i]->cname);
    for (int i = 0; i < fn->locals.n; i++) {
        Symbol *s = fn->locals.items[i];
        if (s->kind == SYM_VAR && s->type && !s->used && !is_ref(s->type))
            sb_printf(out, "    (void)%s;\n", s->cname);
    }
    if (fn->locals.n || E->temps.n || fn->nparams || (!is_main && fn->ret->kind != T_NONE))
        sb_putc(out, '\n');
    sb_putn(out, body.data ? body.data : "", body.len);
    sb_free(&body);
    if (E->uses_end)
        sb_puts(out, "tr_end:;\n");
    E->body = out;
    for (int i = 0; i < fn->locals.n; i++) {
        Symbol *s = fn->locals.items[i];
        if (s->kind == SYM_VAR && s->type && is_ref(s->type))
            line(E, "%s(%s);", decref_fn(s->type), s->cname);
    }
    for (int i = 0; i < fn->nparams; i++) {
        Symbol *p = fn->params[i];
        if (p->assigned && is_ref(p->type))
            line(E, "%s(%s);", decref_fn(p->type), p->cname);
    }
    for (int i = 0; i < E->temps.n; i++) {
        Temp *t = E->temps.items[i];
        if (is_ref(t->type))
            line(E, "%s(%s);", decref_fn(t->type), t->name);
    }
    if (is_main) {
        for (int i = 0; i < E->p->globals.n; i++) {
            Symbol *g = E->p->globals.items[i];
            if (g->kind == SYM_VAR && g->type && is_ref(g->type))
                line(E, "%s(%s);", decref_fn(g->type), g->cname);
        }
        line(E, "return tauraro_main_exit();");
    } else if (fn->ret->kind != T_NONE) {
        line(E, "return tr_ret;");
    }
    sb_puts(out, "}\n\n");
}

void emit_program(Compiler *c, Program *p, StrBuf *out)
{
    Emit E = {0};
    E.c = c;
    E.p = p;
    StrBuf funcs = {0};
    for (int i = 0; i < p->funcs.n; i++)
        emit_function(&E, p->funcs.items[i], &funcs);
    emit_function(&E, p->main, &funcs);

    sb_printf(out, "/* Generated by tauraro %s from %s. */\n", TAURARO_VERSION, c->filename);
    sb_puts(out, "#include \"tauraro/runtime.h\"\n\n");
    sb_puts(out, "/* On a pending exception: record this frame, unwind to its exit. */\n"
                 "#define TR_CHECK(func, line, label) \\\n"
                 "    do { \\\n"
                 "        if (TAURARO_EXC_PENDING()) { \\\n"
                 "            tauraro_tb_add((func), (line)); \\\n"
                 "            goto label; \\\n"
                 "        } \\\n"
                 "    } while (0)\n\n");
    if (E.strings.len) {
        sb_putn(out, E.strings.data, E.strings.len);
        sb_putc(out, '\n');
    }
    bool any = false;
    for (int i = 0; i < p->globals.n; i++) {
        Symbol *g = p->globals.items[i];
        if (g->kind != SYM_VAR || !g->type)
            continue;
        const char *t = ctype(&E, g->type);
        size_t n = strlen(t);
        sb_printf(out, "static %s%s%s;\n", t, t[n - 1] == '*' ? "" : " ", g->cname);
        any = true;
    }
    if (any)
        sb_putc(out, '\n');
    for (int i = 0; i < p->funcs.n; i++) {
        signature(&E, out, p->funcs.items[i]);
        sb_puts(out, ";\n");
    }
    if (p->funcs.n)
        sb_putc(out, '\n');
    sb_putn(out, funcs.data ? funcs.data : "", funcs.len);
    sb_free(&funcs);
    sb_free(&E.strings);
}
