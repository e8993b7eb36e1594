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
    bool borrowed; /* holds a reference it does not own: never released */
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
    SrcPos cur_pos;   /* the statement being emitted */
    const char *handler; /* where a pending exception goes: tr_end or an except/finally */
    const char *cur_exc; /* the exception the innermost except clause caught */
    PtrVec fins;      /* Fin*: enclosing try/finally statements, innermost last */
    int loops;        /* loop nesting depth */
    PtrVec types;     /* Type*: every type the program's C code names */
    bool has_del;     /* some class defines __del__: destruction order is visible */
} Emit;

/* An enclosing `finally`: return/break/continue run it on their way out. */
typedef struct Fin {
    int id;
    int loops; /* loop depth where the try statement is */
} Fin;

static CVal emit_expr(Emit *E, Expr *e);
static const char *emit_cond(Emit *E, Expr *e);
static void escape_check(Emit *E, const char *holder, const char *v, Type *t, const char *what,
                         SrcPos pos);
static void emit_block(Emit *E, PtrVec *body);

static Type *prim(Emit *E, TypeKind k) { return type_prim(E->c, k); }
static const char *fmt(Emit *E, const char *f, ...) __attribute__((format(printf, 2, 3)));

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

static void need_type(Emit *E, Type *t)
{
    for (int i = 0; i < E->types.n; i++)
        if (E->types.items[i] == t)
            return;
    vec_push(&E->c->arena, &E->types, t);
}

/* The name element operations of a type use: tauraro_<prefix>_incref ... */
static const char *tprefix(Emit *E, Type *t)
{
    switch (t->kind) {
    case T_INT: return "int";
    case T_FLOAT: return "float";
    case T_BOOL: return "bool";
    case T_STR: return "str";
    case T_NONE: return "none";
    case T_OPTIONAL:
        return fmt(E, "opt_%s", tprefix(E, t->elem));
    case T_LIST: return fmt(E, "list_%s", tprefix(E, t->elem));
    case T_DICT: return fmt(E, "dict_%s_%s", tprefix(E, t->key), tprefix(E, t->elem));
    case T_TUPLE: return fmt(E, "tup%d", t->id);
    case T_CLASS: return t->cls->builtin ? "exc" : t->cls->cname;
    case T_BUFFER: return "buffer";
    case T_ARENA: return "arenaref";
    default: return "int";
    }
}

/* The C type of a Tauraro type. */
static const char *ctype(Emit *E, Type *t)
{
    switch (t->kind) {
    case T_INT: return "int64_t";
    case T_FLOAT: return "double";
    case T_BOOL: return "bool";
    case T_STR: return "tauraro_str_t *";
    case T_NONE: return "void *";
    case T_OPTIONAL:
        if (type_is_ref(t->elem))
            return ctype(E, t->elem);
        if (t->elem->kind == T_INT || t->elem->kind == T_FLOAT || t->elem->kind == T_BOOL)
            return fmt(E, "tauraro_opt_%s_t", tprefix(E, t->elem));
        break;
    case T_LIST: case T_DICT:
        need_type(E, t);
        return fmt(E, "tauraro_%s_t *", tprefix(E, t));
    case T_TUPLE:
        need_type(E, t);
        return fmt(E, "tr_%s_t", tprefix(E, t));
    case T_CLASS:
        return t->cls->builtin ? "tauraro_exc_t *" : fmt(E, "%s *", t->cls->cname);
    case T_BUFFER:
        return "tauraro_buffer_t *";
    case T_ARENA:
        return "tauraro_arena_ref_t *";
    default:
        break;
    }
    SrcPos pos = {1, 1};
    if (E->fn && E->fn->def)
        pos = E->fn->def->pos;
    diag_error(E->c, pos, "type '%s' is not supported by the C backend yet", type_name(E->c, t));
    return "int64_t";
}

/* Does a value of this type hold references the code must count? */
static bool managed(Type *t)
{
    if (t->kind == T_OPTIONAL)
        return type_is_ref(t->elem);
    if (t->kind == T_TUPLE) {
        for (int i = 0; i < t->nitems; i++)
            if (managed(t->items[i]))
                return true;
        return false;
    }
    return type_is_ref(t);
}

static bool is_ref(Type *t) { return managed(t); }

/* Optional[int], Optional[float], Optional[bool]: a {some, v} struct. */
static bool opt_scalar(Type *t)
{
    return t->kind == T_OPTIONAL && !type_is_ref(t->elem);
}

static const char *op_fn(Emit *E, Type *t, const char *op)
{
    if (t->kind == T_LIST || t->kind == T_DICT || t->kind == T_TUPLE ||
        (t->kind == T_OPTIONAL && type_is_ref(t->elem)))
        need_type(E, t);
    return fmt(E, "tauraro_%s_%s", tprefix(E, t), op);
}

static bool hashable_type(Type *t)
{
    switch (t->kind) {
    case T_INT: case T_FLOAT: case T_BOOL: case T_STR: case T_NONE: case T_CLASS:
        return true;
    case T_OPTIONAL:
        return hashable_type(t->elem);
    case T_TUPLE:
        for (int i = 0; i < t->nitems; i++)
            if (!hashable_type(t->items[i]))
                return false;
        return true;
    default:
        return false;
    }
}

static const char *decref_fn(Emit *E, Type *t) { return op_fn(E, t, "decref"); }
static const char *incref_fn(Emit *E, Type *t) { return op_fn(E, t, "incref"); }

static const char *zero_of(Emit *E, Type *t)
{
    switch (t->kind) {
    case T_FLOAT: return "0.0";
    case T_BOOL: return "false";
    case T_INT: return "0";
    case T_TUPLE: return fmt(E, "(%s){0}", ctype(E, t));
    case T_OPTIONAL:
        if (!type_is_ref(t->elem))
            return fmt(E, "(%s){0}", ctype(E, t));
        return "NULL";
    default: return "NULL";
    }
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
    /* a temporary left holding a reference by an exception caught in this
     * function is released before it is reused */
    if (is_ref(t) && owned && E->handler && strcmp(E->handler, "tr_end") != 0)
        line(E, "%s(%s);", decref_fn(E, t), tmp->name);
    line(E, "%s = %s;", tmp->name, code);
    if (is_ref(t) && owned)
        vec_push(&E->c->arena, &E->owned, tmp);
    tmp->borrowed = !owned;
    return (CVal){tmp->name, owned && is_ref(t)};
}

static void check(Emit *E, SrcPos pos)
{
    line(E, "TR_CHECK(\"%s\", %d, %s);", E->fn->name, pos.line, E->handler);
    if (strcmp(E->handler, "tr_end") == 0)
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
        line(E, "%s(%s);", decref_fn(E, t->type), t->name);
        line(E, "%s = %s;", t->name, zero_of(E, t->type));
    }
    E->owned.n = from;
}

static const char *uncast(Emit *E, const char *code);

/* Release an owned temporary now, as CPython drops a temporary as soon
 * as the operation that used it is done (visible through __del__). */
static void release_now(Emit *E, CVal v)
{
    if (!v.owned)
        return;
    const char *name = uncast(E, v.code);
    for (int i = 0; i < E->owned.n; i++) {
        Temp *t = E->owned.items[i];
        if (strcmp(t->name, name) == 0) {
            line(E, "%s(%s);", decref_fn(E, t->type), t->name);
            line(E, "%s = %s;", t->name, zero_of(E, t->type));
            E->owned.items[i] = E->owned.items[--E->owned.n];
            return;
        }
    }
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
        const char *tmpname = uncast(E, v.code);
        Type *tt = t;
        for (int i = 0; i < E->owned.n; i++) {
            Temp *tmp = E->owned.items[i];
            if (strcmp(tmp->name, tmpname) == 0) {
                tt = tmp->type;
                E->owned.items[i] = E->owned.items[--E->owned.n];
                break;
            }
        }
        if (release_old)
            line(E, "%s(%s);", decref_fn(E, t), dst);
        line(E, "%s = %s;", dst, v.code);
        line(E, "%s = %s;", tmpname, zero_of(E, tt));
        return;
    }
    if (strcmp(v.code, "NULL") != 0)
        line(E, "%s(%s);", incref_fn(E, t), v.code);
    if (release_old)
        line(E, "%s(%s);", decref_fn(E, t), dst);
    line(E, "%s = %s;", dst, v.code);
}

/* Make v safe against later side effects in the same expression: a value
 * read from a variable is copied (with a reference) into a temporary. */
/* Is code exactly the name of a temporary ("tr_t12")? */
static bool is_temp_name(const char *code)
{
    if (strncmp(code, "tr_t", 4) != 0 || !code[4])
        return false;
    for (const char *p = code + 4; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

static CVal stabilize(Emit *E, CVal v, Type *t)
{
    if (v.owned || is_temp_name(v.code) || strncmp(v.code, "(&tr_str", 8) == 0 ||
        !strcmp(v.code, "NULL") || !strcmp(v.code, "true") || !strcmp(v.code, "false") ||
        t->kind == T_NONE)
        return v;
    /* constants cannot change */
    const char *c = v.code[0] == '-' ? v.code + 1 : v.code;
    if ((c[0] >= '0' && c[0] <= '9') || !strncmp(c, "INT64_C(", 8))
        return v;
    if (is_ref(t)) {
        Temp *tmp = new_temp(E, t);
        if (E->handler && strcmp(E->handler, "tr_end") != 0)
            line(E, "%s(%s);", decref_fn(E, t), tmp->name);
        line(E, "%s = %s;", tmp->name, v.code);
        line(E, "%s(%s);", incref_fn(E, t), tmp->name);
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
    if (e->kind == E_CALL && (e->call == CALL_FUNC || e->call == CALL_METHOD ||
                              e->call == CALL_CTOR || e->call == CALL_SUPER))
        return true;
    if (e->fn) /* an operator method of a user class */
        return true;
    if (e->kind == E_COMPARE)
        for (int i = 0; i < e->values.n; i++)
            if (e->values.items[i])
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
    if (e->kind == E_DICT)
        for (int i = 0; i < e->values.n; i++)
            if (has_call(e->values.items[i]))
                return true;
    if (e->kind == E_CALL)
        for (int i = 0; i < e->args.n; i++)
            if (has_call(((Arg *)e->args.items[i])->value))
                return true;
    for (int i = 0; i < e->comps.n; i++) {
        Comprehension *c = e->comps.items[i];
        if (has_call(c->iter) || has_call(c->target))
            return true;
        for (int j = 0; j < c->conds.n; j++)
            if (has_call(c->conds.items[j]))
                return true;
    }
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
    case T_OPTIONAL:
        if (opt_scalar(t))
            return fmt(E, "(%s.some && %s.v)", v.code, v.code);
        if (t->elem->kind == T_STR)
            return fmt(E, "(%s != NULL && %s->len != 0)", v.code, v.code);
        return fmt(E, "(%s != NULL)", v.code);
    case T_NONE: return "false";
    case T_LIST: case T_DICT: return fmt(E, "(%s->len != 0)", v.code);
    case T_TUPLE: return t->nitems ? "true" : "false";
    case T_CLASS: return fmt(E, "(%s != NULL)", v.code);
    default: return fmt(E, "(%s != 0)", v.code);
    }
}

/* str(v) (or repr(v)) as a str value: owned, or static/borrowed. */
static CVal to_str(Emit *E, CVal v, Type *t, bool repr)
{
    switch (t->kind) {
    case T_STR:
        return repr ? to_temp(E, t, fmt(E, "tauraro_str_repr(%s)", v.code), true) : v;
    case T_INT: return to_temp(E, prim(E, T_STR), fmt(E, "tauraro_str_from_int(%s)", v.code), true);
    case T_FLOAT: return to_temp(E, prim(E, T_STR), fmt(E, "tauraro_str_from_float(%s)", v.code), true);
    case T_BOOL: return borrowed(fmt(E, "tauraro_str_from_bool(%s)", v.code));
    case T_NONE: return borrowed("tauraro_str_none()");
    case T_LIST: case T_DICT: case T_TUPLE: case T_BUFFER:
        return to_temp(E, prim(E, T_STR), fmt(E, "%s(%s)", op_fn(E, t, "str"), v.code), true);
    case T_CLASS: {
        /* __str__ / __repr__ are user code: they may raise */
        CVal r = to_temp(E, prim(E, T_STR),
                         fmt(E, "tauraro_inst_%s(%s)", repr ? "repr" : "str", v.code), true);
        check(E, E->cur_pos);
        return r;
    }
    case T_OPTIONAL: {
        if (opt_scalar(t))
            return to_temp(E, prim(E, T_STR), fmt(E, "%s(%s)", op_fn(E, t, "str"), v.code), true);
        if (t->elem->kind == T_STR && !repr)
            return borrowed(fmt(E, "(%s != NULL ? %s : tauraro_str_none())", v.code, v.code));
        Temp *r = new_temp(E, prim(E, T_STR));
        line(E, "if (%s == NULL) {", v.code);
        line(E, "    %s = tauraro_str_none();", r->name);
        line(E, "} else {");
        E->indent++;
        int mark = E->owned.n;
        CVal inner = to_str(E, borrowed(v.code), t->elem, repr);
        put_ref(E, r->name, inner, prim(E, T_STR), false);
        release_owned(E, mark);
        E->indent--;
        line(E, "}");
        vec_push(&E->c->arena, &E->owned, r);
        return (CVal){r->name, true};
    }
    default:
        return borrowed("tauraro_str_none()");
    }
}


static bool is_err_type(Type *t) { return t->kind == T_ERROR; }
static const char *var_code(Symbol *sym) { return sym->cname; }
static void emit_bound_check(Emit *E, Expr *e);
static Func *find_method_e(ClassInfo *ci, const char *name);
static bool owned_param(Emit *E, Func *fn, int i);
static CVal pass_owned(Emit *E, CVal v);
static void release_args(Emit *E, CVal *cv, int n);
struct ForEach;
static CVal foreach_elem(Emit *E, struct ForEach *fe, Type *t);


/* ------------------------------------------------------------------ */
/* Expressions                                                          */

/* The value v of type `from` where `to` is expected: an Optional checked
 * not to be None, a subclass instance seen as its base class. */
static CVal coerce(Emit *E, CVal v, Type *from, Type *to)
{
    if (!from || !to || from == to || is_err_type(from) || is_err_type(to))
        return v;
    if (opt_scalar(to)) {
        if (from->kind == T_NONE)
            return borrowed(zero_of(E, to));
        if (!opt_scalar(from))
            return borrowed(fmt(E, "((%s){true, %s})", ctype(E, to), v.code));
        return v;
    }
    if (opt_scalar(from)) {
        line(E, "if (!(%s).some)", v.code);
        line(E, "    tauraro_raise_msg(&tauraro_cls_TypeError, \"a %s value is None\");",
             type_name(E->c, to));
        check(E, E->cur_pos);
        return borrowed(fmt(E, "(%s).v", v.code));
    }
    if (from->kind == T_OPTIONAL && to->kind != T_OPTIONAL && from->elem->kind != T_NONE) {
        line(E, "tauraro_check_not_none(%s, \"a %s value\");", v.code,
             type_name(E->c, to));
        check(E, E->cur_pos);
        from = from->elem;
    }
    Type *fc = from->kind == T_OPTIONAL ? from->elem : from;
    Type *tc = to->kind == T_OPTIONAL ? to->elem : to;
    if (fc->kind == T_CLASS && tc->kind == T_CLASS && fc->cls != tc->cls)
        return (CVal){fmt(E, "((%s)%s)", ctype(E, tc), v.code), v.owned ? true : false};
    if (from->kind == T_NONE && managed(to))
        return borrowed(zero_of(E, to));
    return v;
}

/* The temporary inside a cast "((T)tr_t5)", or the code itself. */
static const char *uncast(Emit *E, const char *code)
{
    const char *p = strstr(code, ")tr_t");
    if (!p || code[0] != '(')
        return code;
    p++;
    size_t n = 0;
    while (p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9'))
        n++;
    return arena_strndup(&E->c->arena, p, n);
}

/* The class whose C struct a method's self parameter has: the topmost
 * ancestor defining a method of that name. */
static ClassInfo *root_class(ClassInfo *c, const char *name)
{
    ClassInfo *root = c;
    for (ClassInfo *a = c; a && !a->builtin; a = a->base)
        for (int i = 0; i < a->methods.n; i++)
            if (!strcmp(((Func *)a->methods.items[i])->name, name))
                root = a;
    return root;
}

/* Does some subclass of c (at any depth) define `name` itself? */
static bool overridden_below(ClassInfo *c, const char *name)
{
    for (int i = 0; i < c->subclasses.n; i++) {
        ClassInfo *sub = c->subclasses.items[i];
        for (int j = 0; j < sub->methods.n; j++)
            if (!strcmp(((Func *)sub->methods.items[j])->name, name))
                return true;
        if (overridden_below(sub, name))
            return true;
    }
    return false;
}

/* C code calling method m on receiver code `recv` of static class c. */
static const char *method_call_code(Emit *E, ClassInfo *c, Func *m, const char *recv,
                                    const char *args, bool virtual_ok)
{
    ClassInfo *root = root_class(m->cls, m->name);
    const char *self = fmt(E, "(%s *)%s", root->cname, recv);
    if (virtual_ok && overridden_below(c, m->name))
        return fmt(E, "((const struct vt_%s *)((tauraro_inst_t *)%s)->cls)->m_%s(%s%s%s)", c->name,
                   recv, m->name, self, *args ? ", " : "", args);
    return fmt(E, "%s(%s%s%s)", m->cname, self, *args ? ", " : "", args);
}

static CVal emit_binary_values(Emit *E, Expr *e, OpKind op, CVal a, Type *ta, CVal b, Type *tb)
{
    Type *t = e->type;
    SrcPos pos = e->pos;
    if (e->fn) { /* a user class's operator method */
        Func *m = e->fn;
        CVal bb = coerce(E, b, tb, m->params[1]->type);
        if (owned_param(E, m, 1))
            bb = pass_owned(E, bb);
        const char *code = method_call_code(E, ta->cls, m, a.code, bb.code, true);
        CVal r = raising(E, m->ret, code, managed(m->ret), pos);
        release_args(E, &bb, 1);
        return r;
    }
    if (ta->kind == T_LIST && (op == OP_ADD || op == OP_MUL)) {
        if (op == OP_ADD)
            return to_temp(E, t, fmt(E, "%s(%s, %s)", op_fn(E, ta, "concat"), a.code, b.code), true);
        return to_temp(E, t, fmt(E, "%s(%s, %s)", op_fn(E, ta, "repeat"), a.code, b.code), true);
    }
    if (tb->kind == T_LIST && op == OP_MUL)
        return to_temp(E, t, fmt(E, "%s(%s, %s)", op_fn(E, tb, "repeat"), b.code, a.code), true);
    if (ta->kind == T_TUPLE && tb->kind == T_TUPLE) { /* tuple concatenation */
        StrBuf args = {0};
        for (int i = 0; i < ta->nitems; i++)
            sb_printf(&args, "%s%s.f%d", i ? ", " : "", a.code, i);
        for (int i = 0; i < tb->nitems; i++)
            sb_printf(&args, "%s%s.f%d", ta->nitems + i ? ", " : "", b.code, i);
        const char *code = fmt(E, "%s(%s)", op_fn(E, t, "make"), args.data ? args.data : "");
        sb_free(&args);
        return managed(t) ? to_temp(E, t, code, true) : borrowed(code);
    }
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
        if (e->fn)
            return raising(E, e->type, method_call_code(E, t->cls, e->fn, a.code, "", true),
                           managed(e->type), e->pos);
        if (t->kind == T_FLOAT)
            return borrowed(fmt(E, "(-%s)", a.code));
        return raising(E, e->type, fmt(E, "tauraro_int_neg(%s)", a.code), false, e->pos);
    case OP_POS:
        return t->kind == T_BOOL ? borrowed(fmt(E, "(int64_t)%s", a.code)) : a;
    default: /* OP_INVERT */
        return borrowed(fmt(E, "(~(int64_t)%s)", a.code));
    }
}

static const char *cops[] = {[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<",
                             [OP_LE] = "<=", [OP_GT] = ">",  [OP_GE] = ">="};

/* `a op b` for containers compared with their element operations. */
static const char *container_compare(Emit *E, OpKind op, CVal a, CVal b, Type *t)
{
    const char *eq = op_fn(E, t, "eq"), *lt = op_fn(E, t, "lt");
    switch (op) {
    case OP_EQ: return fmt(E, "%s(%s, %s)", eq, a.code, b.code);
    case OP_NE: return fmt(E, "!%s(%s, %s)", eq, a.code, b.code);
    case OP_LT: return fmt(E, "%s(%s, %s)", lt, a.code, b.code);
    case OP_GT: return fmt(E, "%s(%s, %s)", lt, b.code, a.code);
    case OP_LE: return fmt(E, "!%s(%s, %s)", lt, b.code, a.code);
    default: return fmt(E, "!%s(%s, %s)", lt, a.code, b.code); /* OP_GE */
    }
}

/* C code comparing a and b with op (both already evaluated). */
static const char *compare_code(Emit *E, Expr *e, int i, OpKind op, CVal a, Type *ta, CVal b,
                                Type *tb)
{
    Func *m = e && i < e->values.n ? e->values.items[i] : NULL;
    if (m) { /* __eq__, __lt__ ... of a user class */
        bool reflected = (intptr_t)e->args.items[i] != 0;
        CVal x = reflected ? b : a, y = reflected ? a : b;
        Type *tx = reflected ? tb : ta, *ty = reflected ? ta : tb;
        Type *cx = tx->kind == T_OPTIONAL ? tx->elem : tx;
        y = coerce(E, y, ty, m->params[1]->type);
        if (owned_param(E, m, 1))
            y = pass_owned(E, y);
        const char *call = method_call_code(E, cx->cls, m, x.code, y.code, true);
        CVal r = raising(E, prim(E, T_BOOL), call, false, e->pos);
        release_args(E, &y, 1);
        bool negate = op == OP_NE && strcmp(m->name, "__ne__") != 0;
        return negate ? fmt(E, "!%s", r.code) : r.code;
    }
    Type *ca = ta->kind == T_OPTIONAL ? ta->elem : ta;
    Type *cb = tb->kind == T_OPTIONAL ? tb->elem : tb;
    switch (op) {
    case OP_IS:
    case OP_IS_NOT:
        if (opt_scalar(ta) || opt_scalar(tb))
            return fmt(E, "%s(%s).some", op == OP_IS ? "!" : "", opt_scalar(ta) ? a.code : b.code);
        return fmt(E, "((const void *)%s %s (const void *)%s)", ta->kind == T_NONE ? "NULL" : a.code,
                   op == OP_IS ? "==" : "!=", tb->kind == T_NONE ? "NULL" : b.code);
    case OP_IN:
    case OP_NOT_IN: {
        const char *neg = op == OP_NOT_IN ? "!" : "";
        if (tb->kind == T_STR)
            return fmt(E, "%stauraro_str_contains(%s, %s)", neg, b.code, a.code);
        Type *want = tb->kind == T_LIST ? tb->elem : tb->key;
        CVal av = coerce(E, a, ta, want);
        return fmt(E, "%s%s(%s, %s)", neg, op_fn(E, tb, "contains"), b.code, av.code);
    }
    default:
        break;
    }
    if (opt_scalar(ta) || opt_scalar(tb)) { /* == and != */
        Type *ot = opt_scalar(ta) ? ta : tb;
        CVal x = coerce(E, a, ta, ot), y = coerce(E, b, tb, ot);
        return fmt(E, "%s%s(%s, %s)", op == OP_NE ? "!" : "", op_fn(E, ot, "eq"), x.code, y.code);
    }
    if (ta->kind == T_NONE || tb->kind == T_NONE) {
        if (ta->kind == T_NONE && tb->kind == T_NONE)
            return op == OP_EQ ? "true" : "false";
        const char *x = ta->kind == T_NONE ? "NULL" : a.code;
        const char *y = tb->kind == T_NONE ? "NULL" : b.code;
        return fmt(E, "((const void *)%s %s (const void *)%s)", x, cops[op], y);
    }
    if (ca->kind == T_CLASS) /* identity */
        return fmt(E, "((const void *)%s %s (const void *)%s)", a.code, cops[op], b.code);
    if (ca->kind == T_STR) {
        if (op == OP_EQ || op == OP_NE) {
            const char *eq = ta->kind == T_OPTIONAL || tb->kind == T_OPTIONAL
                                 ? fmt(E, "(%s == %s || (%s != NULL && %s != NULL && tauraro_str_eq(%s, %s)))",
                                       a.code, b.code, a.code, b.code, a.code, b.code)
                                 : fmt(E, "tauraro_str_eq(%s, %s)", a.code, b.code);
            return op == OP_EQ ? eq : fmt(E, "!%s", eq);
        }
        return fmt(E, "(tauraro_str_cmp(%s, %s) %s 0)", a.code, b.code, cops[op]);
    }
    if (ca->kind == T_LIST || ca->kind == T_DICT || ca->kind == T_TUPLE) {
        (void)cb;
        return container_compare(E, op, a, b, ca);
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
        CVal r = borrowed(compare_code(E, e, 0, (OpKind)(intptr_t)e->ops.items[0], a, x->type, b,
                                       y->type));
        if (a.owned || b.owned) { /* temporaries die once compared */
            r = stabilize(E, r, prim(E, T_BOOL));
            release_now(E, a);
            release_now(E, b);
        }
        return r;
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
             compare_code(E, e, i, (OpKind)(intptr_t)e->ops.items[i], a, x->type, b, y->type));
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
static void assign_temp(Emit *E, Temp *t, Expr *e, bool fresh)
{
    CVal v = coerce(E, emit_expr(E, e), e->type, t->type);
    put_ref(E, t->name, v, t->type, fresh && strcmp(E->handler, "tr_end") != 0);
}
/* A temporary holding an expression's result: owned when it counts. */
static CVal result_temp(Emit *E, Temp *r)
{
    if (is_ref(r->type)) {
        vec_push(&E->c->arena, &E->owned, r);
        return (CVal){r->name, true};
    }
    return borrowed(r->name);
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
    assign_temp(E, r, e->lhs, true);
    line(E, "if (%s%s) {", e->op == OP_AND ? "" : "!", truthy_code(E, borrowed(r->name), t));
    E->indent++;
    if (is_ref(t))
        line(E, "%s(%s);", decref_fn(E, t), r->name);
    int mark = E->owned.n;
    assign_temp(E, r, e->rhs, false);
    release_owned(E, mark);
    E->indent--;
    line(E, "}");
    return result_temp(E, r);
}

static CVal emit_ifexp(Emit *E, Expr *e)
{
    Type *t = e->type;
    const char *cc = emit_cond(E, e->cond);
    Temp *r = new_temp(E, t);
    line(E, "if (%s) {", cc);
    E->indent++;
    int mark = E->owned.n;
    assign_temp(E, r, e->lhs, true);
    release_owned(E, mark);
    E->indent--;
    line(E, "} else {");
    E->indent++;
    assign_temp(E, r, e->rhs, true);
    release_owned(E, mark);
    E->indent--;
    line(E, "}");
    return result_temp(E, r);
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
 * stabilized when a later one calls user code. want[i] (may be NULL) is
 * the parameter type each value is converted to. */
static void emit_args(Emit *E, Expr **args, int n, CVal *out, Type **want, bool user_call)
{
    for (int i = 0; i < n; i++) {
        if (!args[i])
            continue;
        out[i] = emit_expr(E, args[i]);
        bool later_call = false;
        for (int j = i + 1; j < n && !later_call; j++)
            later_call = has_call(args[j]);
        /* a global may be replaced by the callee while it holds it */
        bool global_ref = user_call && args[i]->kind == E_NAME && args[i]->sym &&
                          args[i]->sym->global && is_ref(args[i]->type);
        if (later_call || global_ref)
            out[i] = stabilize(E, out[i], args[i]->type);
        if (want && want[i])
            out[i] = coerce(E, out[i], args[i]->type, want[i]);
    }
}

static const char *join_codes(Emit *E, CVal *v, int n, const char *first)
{
    StrBuf b = {0};
    if (first)
        sb_puts(&b, first);
    for (int i = 0; i < n; i++)
        sb_printf(&b, "%s%s", (i || first) ? ", " : "", v[i].code);
    const char *s = arena_strdup(&E->c->arena, b.data ? b.data : "");
    sb_free(&b);
    return s;
}

/* Does parameter i of fn own its argument? Only where destruction order
 * can be seen (some class has __del__): an object parameter then belongs
 * to the callee's frame, which releases it first on return, as CPython. */
static bool owned_param(Emit *E, Func *fn, int i)
{
    if (fn->params[i]->own == OWN_OWNED)
        return true;
    if (!E->has_del || (fn->cls && i == 0))
        return false;
    Type *t = fn->params[i]->type;
    if (t->kind == T_OPTIONAL)
        t = t->elem;
    return t->kind == T_CLASS && !t->cls->builtin;
}

/* An argument for an owning parameter: a temporary moves into the call,
 * anything else gets a new reference. */
static CVal pass_owned(Emit *E, CVal v)
{
    if (v.owned) {
        /* hand the reference over before the call: if the call raises, the
         * callee has already released it */
        const char *name = uncast(E, v.code);
        for (int j = 0; j < E->owned.n; j++) {
            Temp *t = E->owned.items[j];
            if (!strcmp(t->name, name)) {
                E->owned.items[j] = E->owned.items[--E->owned.n];
                Temp *m = new_temp(E, t->type);
                m->borrowed = true;
                line(E, "%s = %s;", m->name, t->name);
                line(E, "%s = %s;", t->name, zero_of(E, t->type));
                return borrowed(strcmp(v.code, name) == 0 ? m->name : fmt(E, "((%s)%s)", ctype(E, t->type), m->name));
            }
        }
        return v;
    }
    if (strcmp(v.code, "NULL") != 0)
        line(E, "tauraro_incref(%s);", v.code);
    return v;
}

/* The argument values of a call bound to fn's parameters from `first`;
 * *vals_out (if not NULL) receives them, to release temporaries after. */
static const char *bound_args_v(Emit *E, Expr *e, Func *fn, int first, CVal **vals_out, int *n_out);

static const char *bound_args(Emit *E, Expr *e, Func *fn, int first)
{
    return bound_args_v(E, e, fn, first, NULL, NULL);
}

static const char *bound_args_v(Emit *E, Expr *e, Func *fn, int first, CVal **vals_out, int *n_out)
{
    int n = e->nbound;
    Expr **vals = arena_alloc(&E->c->arena, sizeof(Expr *) * (size_t)(n + 1));
    Type **want = arena_alloc(&E->c->arena, sizeof(Type *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        Param *p = fn->def->params.items[first + i];
        vals[i] = e->bound[i] ? e->bound[i]->value : p->def;
        want[i] = fn->params[first + i]->type;
    }
    CVal *cv = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)(n + 1));
    emit_args(E, vals, n, cv, want, true);
    for (int i = 0; i < n; i++) {
        Symbol *v = vals[i] && vals[i]->kind == E_NAME ? vals[i]->sym : NULL;
        if (fn->params[first + i]->own == OWN_OWNED && v &&
            (v->kind == SYM_VAR || v->kind == SYM_PARAM) && managed(v->type)) {
            /* owned(T): a manual object moves into the call (the variable
             * lets go of it); any other gets a new reference */
            bool counted = cv[i].owned; /* the variable's value, already counted */
            if (counted) {
                cv[i] = pass_owned(E, cv[i]);
            } else {
                Temp *m = new_temp(E, want[i]);
                m->borrowed = true;
                line(E, "%s = %s;", m->name, cv[i].code);
                cv[i] = borrowed(m->name);
            }
            line(E, "if (%s != NULL && ((tauraro_obj_t *)%s)->strategy == TAURARO_MANUAL)",
                 cv[i].code, cv[i].code);
            line(E, "    %s = NULL;", var_code(v));
            if (!counted) {
                line(E, "else");
                line(E, "    %s(%s);", incref_fn(E, want[i]), cv[i].code);
            }
        } else if (owned_param(E, fn, first + i)) {
            cv[i] = pass_owned(E, cv[i]);
        }
    }
    if (vals_out) {
        *vals_out = cv;
        *n_out = n;
    }
    return join_codes(E, cv, n, NULL);
}

/* After a call: its temporary arguments die; those moved into the callee
 * are forgotten. */
static void release_args(Emit *E, CVal *cv, int n)
{
    for (int i = 0; i < n; i++) {
        if (!cv[i].code || !cv[i].owned)
            continue;
        const char *name = uncast(E, cv[i].code);
        bool held = false;
        for (int j = 0; j < E->owned.n && !held; j++)
            held = !strcmp(((Temp *)E->owned.items[j])->name, name);
        if (held)
            release_now(E, cv[i]);
        else
            line(E, "%s = NULL;", name);
    }
}

/* A call returning fn's type: into a temporary, or discarded. */
static CVal call_result(Emit *E, Type *rt, const char *code, bool discard, SrcPos pos)
{
    if (rt->kind == T_NONE || discard) {
        if (discard && managed(rt))
            line(E, "%s(%s);", decref_fn(E, rt), code);
        else
            line(E, "%s;", code);
        check(E, pos);
        return borrowed(rt->kind == T_NONE ? "NULL" : zero_of(E, rt));
    }
    return raising(E, rt, code, managed(rt), pos);
}

static CVal emit_user_call(Emit *E, Expr *e, bool discard)
{
    CVal *cv;
    int n;
    const char *args = bound_args_v(E, e, e->fn, 0, &cv, &n);
    CVal r = call_result(E, e->fn->ret, fmt(E, "%s(%s)", e->fn->cname, args), discard, e->pos);
    release_args(E, cv, n);
    return r;
}

/* obj.method(...) on a user class instance. */
static CVal emit_method_call(Emit *E, Expr *e, bool discard)
{
    Expr *f = e->lhs;
    CVal recv = emit_expr(E, f->lhs);
    Type *rt = f->lhs->type;
    if (rt->kind == T_OPTIONAL) {
        line(E, "tauraro_check_attr_of_none(%s, \"%s\");", recv.code, f->v.name);
        check(E, e->pos);
        rt = rt->elem;
    }
    if (e->args.n)
        recv = stabilize(E, recv, f->lhs->type);
    CVal *cv;
    int n;
    const char *args = bound_args_v(E, e, e->fn, 1, &cv, &n);
    const char *code = method_call_code(E, rt->cls, e->fn, recv.code, args, true);
    CVal r = call_result(E, e->fn->ret, code, discard, e->pos);
    release_args(E, cv, n);
    release_now(E, recv);
    return r;
}

/* super().method(...): the base class's method, called directly. */
static CVal emit_super_call(Emit *E, Expr *e, bool discard)
{
    Symbol *self = E->fn->params[0];
    self->used = true;
    if (e->fn) {
        const char *args = bound_args(E, e, e->fn, 1);
        const char *code = method_call_code(E, e->fn->cls, e->fn, self->cname, args, false);
        return call_result(E, e->fn->ret, code, discard, e->pos);
    }
    /* Exception.__init__(self, message) / object.__init__(self) */
    if (E->fn->cls->is_exception) {
        if (e->args.n) {
            Expr *m = ((Arg *)e->args.items[0])->value;
            CVal s = to_str(E, emit_expr(E, m), m->type, false);
            line(E, "tauraro_exc_set_msg(%s, %s);", self->cname, s.code);
        } else {
            line(E, "tauraro_exc_set_msg(%s, &tauraro_str_empty);", self->cname);
        }
    }
    return borrowed("NULL");
}

/* X(...) */
static CVal emit_ctor(Emit *E, Expr *e)
{
    ClassInfo *ci = e->cls;
    if (ci->builtin) {
        const char *msg = "NULL";
        if (e->args.n) {
            /* str(KeyError(k)) is repr(k) */
            Expr *m = ((Arg *)e->args.items[0])->value;
            msg = to_str(E, emit_expr(E, m), m->type, !strcmp(ci->name, "KeyError")).code;
        }
        return to_temp(E, e->type, fmt(E, "tauraro_exc_new(%s, %s)", ci->cdesc, msg), true);
    }
    const char *args;
    CVal *cv = NULL;
    int ncv = 0;
    if (e->fn) {
        args = bound_args_v(E, e, e->fn, 1, &cv, &ncv);
    } else if (ci->is_exception) {
        /* the message of an exception class without __init__ */
        args = "NULL";
        if (e->args.n) {
            Expr *m = ((Arg *)e->args.items[0])->value;
            args = to_str(E, emit_expr(E, m), m->type, false).code;
        }
    } else {
        args = "";
    }
    CVal r = raising(E, e->type, fmt(E, "new_%s(%s)", ci->name, args), true, e->pos);
    release_args(E, cv, ncv);
    return r;
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
        if (t->elem->kind == T_STR) {
            line(E, "if (%s == NULL) tauraro_write_none(); else tauraro_write_str(%s);", v.code,
                 v.code);
            break;
        }
        /* fall through */
    default:
        line(E, "tauraro_write_str(%s);", to_str(E, v, t, false).code);
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

static CVal *emit_all_args(Emit *E, Expr *e, Expr ***vals_out)
{
    int n = e->args.n;
    Expr **vals = arena_alloc(&E->c->arena, sizeof(Expr *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        vals[i] = arg(e, i)->value;
    CVal *cv = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)(n + 1));
    emit_args(E, vals, n, cv, NULL, false);
    if (vals_out)
        *vals_out = vals;
    return cv;
}

static CVal emit_print(Emit *E, Expr *e)
{
    int n = e->args.n;
    Expr **vals;
    CVal *cv = emit_all_args(E, e, &vals);
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

/* The key of one item for sorted()/min()/max(key=...). */
static CVal key_value(Emit *E, Symbol *key, CVal item, Type *el, Type *kt, SrcPos pos)
{
    if (key->kind == SYM_FUNC) {
        key->used = true;
        CVal a = coerce(E, item, el, key->fn->params[0]->type);
        if (owned_param(E, key->fn, 0))
            a = pass_owned(E, a);
        return raising(E, kt, fmt(E, "%s(%s)", key->fn->cname, a.code), managed(kt), pos);
    }
    if (key->builtin == BI_LEN)
        return borrowed(el->kind == T_STR ? fmt(E, "tauraro_str_len(%s)", item.code)
                        : el->kind == T_TUPLE ? fmt(E, "%d", el->nitems)
                                              : fmt(E, "%s->len", item.code));
    if (key->builtin == BI_ABS)
        return el->kind == T_FLOAT ? borrowed(fmt(E, "fabs(%s)", item.code))
                                   : raising(E, kt, fmt(E, "tauraro_int_abs(%s)", item.code), false, pos);
    return to_str(E, item, el, false);
}

static Type *key_type(Emit *E, Symbol *key, Type *el)
{
    return key->kind == SYM_FUNC ? key->fn->ret
           : key->builtin == BI_STR ? prim(E, T_STR)
           : key->builtin == BI_ABS ? el : prim(E, T_INT);
}

/* min(items, key=f) / max(items, key=f): the first item whose key is
 * smallest (largest); ValueError on an empty list, as CPython. */
static CVal emit_minmax_key(Emit *E, Expr *e, bool is_min)
{
    Expr *lx = arg(e, 0)->value;
    Symbol *key = arg(e, 1)->value->sym;
    Type *el = e->type, *kt = key_type(E, key, el);
    CVal l = stabilize(E, emit_expr(E, lx), lx->type);
    line(E, "if (%s->len == 0)", l.code);
    line(E, "    tauraro_raise_msg(&tauraro_cls_ValueError, \"%s() arg is an empty sequence\");",
         is_min ? "min" : "max");
    check(E, e->pos);
    Temp *best = new_temp(E, prim(E, T_INT)), *i = new_temp(E, prim(E, T_INT));
    Temp *bk = new_temp(E, kt);
    line(E, "%s = 0;", best->name);
    line(E, "for (%s = 0; %s < %s->len; %s++) {", i->name, i->name, l.code, i->name);
    E->indent++;
    int mark = E->owned.n;
    CVal k = key_value(E, key, borrowed(fmt(E, "%s->items[%s]", l.code, i->name)), el, kt, e->pos);
    const char *lt = op_fn(E, kt, "lt");
    line(E, "if (%s == 0 || %s(%s, %s)) {", i->name, lt, is_min ? k.code : bk->name,
         is_min ? bk->name : k.code);
    E->indent++;
    line(E, "%s = %s;", best->name, i->name);
    put_ref(E, bk->name, borrowed(k.code), kt, true); /* k itself is released below */
    E->indent--;
    line(E, "}");
    release_owned(E, mark);
    E->indent--;
    line(E, "}");
    line(E, "%s(%s);", decref_fn(E, kt), bk->name);
    line(E, "%s = %s;", bk->name, zero_of(E, kt));
    return stabilize(E, borrowed(fmt(E, "%s->items[%s]", l.code, best->name)), el);
}

static CVal emit_minmax(Emit *E, Expr *e, bool is_min)
{
    int n = e->args.n;
    if (n == 2 && arg(e, 1)->name)
        return emit_minmax_key(E, e, is_min);
    CVal *cv = emit_all_args(E, e, NULL);
    Type *t = e->type;
    Type *t0 = arg(e, 0)->value->type;
    if (n == 1 && t0->kind == T_STR) /* min(s): its smallest character */
        return raising(E, t, fmt(E, "tauraro_str_%s_char(%s)", is_min ? "min" : "max", cv[0].code),
                       true, e->pos);
    if (n == 1) /* min(list): borrowed from the list */
        return raising(E, t, fmt(E, "%s(%s)", op_fn(E, t0, is_min ? "min" : "max"), cv[0].code),
                       false, e->pos);
    const char *acc = cv[0].code;
    if (t->kind == T_TUPLE || t->kind == T_LIST) {
        /* the first of equal values wins, as in CPython */
        const char *lt = op_fn(E, t, "lt");
        for (int i = 1; i < n; i++) {
            CVal a = stabilize(E, borrowed(acc), t);
            acc = is_min ? fmt(E, "(%s(%s, %s) ? %s : %s)", lt, cv[i].code, a.code, cv[i].code, a.code)
                         : fmt(E, "(%s(%s, %s) ? %s : %s)", lt, a.code, cv[i].code, cv[i].code, a.code);
        }
        return stabilize(E, borrowed(acc), t);
    }
    const char *kind = t->kind == T_FLOAT ? "float" : t->kind == T_STR ? "str" : "int";
    for (int i = 1; i < n; i++)
        acc = fmt(E, "tauraro_%s_%s(%s, %s)", kind, is_min ? "min" : "max", acc, cv[i].code);
    if (t->kind == T_BOOL)
        acc = fmt(E, "(bool)%s", acc);
    return borrowed(acc); /* a str result borrows one of the arguments */
}

/* A value of list type from an iterable expression that is not a list:
 * range(...), a str (its characters) or a dict (its keys). */
static CVal materialize(Emit *E, Expr *x, CVal v, Type *lt);

static CVal emit_builtin_value(Emit *E, Expr *e, CVal a, Type *ta, CVal b);
static CVal emit_anyall(Emit *E, Expr *e, bool is_any);
static CVal sort_by_key(Emit *E, CVal l, Type *lt, Symbol *key, const char *rev, SrcPos pos);

/* The function releasing what an object of type t owns (NULL: nothing). */
static const char *dtor_of(Emit *E, Type *t)
{
    if (t->kind == T_OPTIONAL)
        t = t->elem;
    switch (t->kind) {
    case T_LIST: case T_DICT: return op_fn(E, t, "dtor");
    case T_BUFFER: return "tauraro_buffer_dtor";
    case T_CLASS: return "tauraro_inst_run_dtor";
    default: return "NULL";
    }
}

/* free(x): a manual object is destroyed, a counted one loses the reference
 * x holds, arena and static objects are left to their owner; x is cleared
 * either way. */
static CVal emit_free(Emit *E, Expr *e)
{
    Expr *x = arg(e, 0)->value;
    Type *t = x->type;
    const char *v = var_code(x->sym);
    x->sym->used = true;
    line(E, "if (%s != NULL && ((tauraro_obj_t *)%s)->strategy == TAURARO_MANUAL)", v, v);
    line(E, "    tauraro_obj_free(%s, %s);", v, dtor_of(E, t));
    line(E, "else");
    line(E, "    %s(%s);", decref_fn(E, t), v);
    line(E, "%s = NULL;", v);
    return borrowed("NULL");
}

static CVal emit_builtin(Emit *E, Expr *e)
{
    switch ((BuiltinId)e->builtin) {
    case BI_PRINT: return emit_print(E, e);
    case BI_MIN: return emit_minmax(E, e, true);
    case BI_MAX: return emit_minmax(E, e, false);
    case BI_ISINSTANCE: {
        CVal o = emit_expr(E, arg(e, 0)->value);
        StrBuf b = {0};
        for (int i = 0; i < e->values.n; i++)
            sb_printf(&b, "%stauraro_class_is_sub(((tauraro_inst_t *)%s)->cls, %s)", i ? " || " : "",
                      o.code, ((ClassInfo *)e->values.items[i])->cdesc);
        const char *code = fmt(E, "(%s != NULL && (%s))", o.code, b.data);
        sb_free(&b);
        return borrowed(code);
    }
    case BI_RANGE: {
        CVal *cv = emit_all_args(E, e, NULL);
        int n = e->args.n;
        const char *lo = n > 1 ? cv[0].code : "0", *hi = n > 1 ? cv[1].code : cv[0].code;
        const char *st = n > 2 ? cv[2].code : "1";
        return raising(E, e->type, fmt(E, "tauraro_list_int_range(%s, %s, %s)", lo, hi, st), true,
                       e->pos);
    }
    case BI_SORTED: case BI_LIST: case BI_ENUMERATE: case BI_ZIP:
        return materialize(E, e, borrowed("NULL"), e->type);
    case BI_ANY: case BI_ALL:
        return emit_anyall(E, e, e->builtin == BI_ANY);
    case BI_FREE:
        return emit_free(E, e);
    case BI_REVERSED: {
        CVal l = emit_expr(E, arg(e, 0)->value);
        CVal r = to_temp(E, e->type, fmt(E, "%s(%s)", op_fn(E, e->type, "copy"), l.code), true);
        line(E, "%s(%s);", op_fn(E, e->type, "reverse"), r.code);
        return r;
    }
    case BI_DIVMOD: {
        CVal *cv = emit_all_args(E, e, NULL);
        Type *t = e->type->items[0];
        Type *ta = arg(e, 0)->value->type, *tb = arg(e, 1)->value->type;
        Expr fake = *e;
        fake.type = t;
        fake.fn = NULL;
        CVal q = emit_binary_values(E, &fake, OP_FLOORDIV, cv[0], ta, cv[1], tb);
        CVal m = emit_binary_values(E, &fake, OP_MOD, cv[0], ta, cv[1], tb);
        return borrowed(fmt(E, "%s(%s, %s)", op_fn(E, e->type, "make"), q.code, m.code));
    }
    default:
        break;
    }
    int n = e->args.n;
    CVal a = n > 0 ? emit_expr(E, arg(e, 0)->value) : borrowed("0");
    Type *ta = n > 0 ? arg(e, 0)->value->type : NULL;
    CVal b = borrowed("0");
    if (n > 1) {
        if (has_call(arg(e, 1)->value))
            a = stabilize(E, a, ta);
        b = emit_expr(E, arg(e, 1)->value);
    }
    CVal r = emit_builtin_value(E, e, a, ta, b);
    if (a.owned && type_is_num(e->type)) {
        /* a temporary argument dies as soon as the builtin returns */
        r = stabilize(E, r, e->type);
        release_now(E, a);
    }
    return r;
}

static CVal emit_builtin_value(Emit *E, Expr *e, CVal a, Type *ta, CVal b)
{
    int n = e->args.n;
    SrcPos pos = e->pos;
    Type *t = e->type;
    switch ((BuiltinId)e->builtin) {
    case BI_LEN:
        if (ta->kind == T_STR)
            return borrowed(fmt(E, "tauraro_str_len(%s)", a.code));
        if (ta->kind == T_TUPLE)
            return borrowed(fmt(E, "%d", ta->nitems));
        if (ta->kind == T_CLASS)
            return raising(E, t, method_call_code(E, ta->cls, e->fn, a.code, "", true), false, pos);
        return borrowed(fmt(E, "%s->len", a.code));
    case BI_SUM:
        if (ta->elem->kind == T_FLOAT)
            return borrowed(fmt(E, "tauraro_list_float_sum(%s)", a.code));
        if (ta->elem->kind == T_BOOL)
            return borrowed(fmt(E, "tauraro_list_bool_count(%s, true)", a.code));
        return raising(E, t, fmt(E, "tauraro_list_int_sum(%s)", a.code), false, pos);
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
    case BI_ALLOCATE:
        return raising(E, t, fmt(E, "tauraro_allocate(%s)", a.code), true, pos);
    case BI_ALLOCATE_ALIGNED:
        return raising(E, t, fmt(E, "tauraro_allocate_aligned(%s, %s)", a.code, n > 1 ? b.code : "16"),
                       true, pos);
    case BI_CREATE_ARENA:
        if (n == 0)
            return to_temp(E, t, "tauraro_create_arena(4096)", true);
        if (ta->kind == T_STR)
            return to_temp(E, t, fmt(E, "tauraro_create_arena_named(%s)", a.code), true);
        return raising(E, t, fmt(E, "tauraro_create_arena(%s)", a.code), true, pos);
    case BI_RESET_ARENA:
    case BI_DESTROY_ARENA:
        line(E, "tauraro_%s_arena%s(%s);", e->builtin == BI_RESET_ARENA ? "reset" : "destroy",
             ta->kind == T_STR ? "_named" : "", a.code);
        check(E, pos);
        return borrowed("NULL");
    case BI_MEMORY_STATS:
        return to_temp(E, t, "tauraro_memory_stats()", true);
    default:
        diag_error(E->c, e->pos, "this builtin is not supported by the C backend yet");
        return borrowed("0");
    }
}
/* ---- iteration: for statements, comprehensions, list(...) ---- */

typedef struct ForEach {
    int nparts;             /* > 0: the element is a tuple given by its parts */
    const char *parts[8];
    Type *ptypes[8];
    CVal elem;              /* nparts == 0 */
    Type *etype;
    Temp *held[8];          /* references the loop holds, released after it */
    int nheld;
    int close;              /* C blocks to close */
} ForEach;

static Temp *hold(Emit *E, ForEach *fe, CVal v, Type *t)
{
    Temp *h = new_temp(E, t);
    put_ref(E, h->name, v, t, strcmp(E->handler, "tr_end") != 0);
    fe->held[fe->nheld++] = h;
    return h;
}

static void foreach_begin(Emit *E, Expr *it, ForEach *fe);

/* The loop over a value of type t (str, list or dict) in code v. */
static void foreach_value(Emit *E, CVal v, Type *t, ForEach *fe)
{
    Type *it = prim(E, T_INT);
    if (t->kind == T_STR) {
        Temp *h = hold(E, fe, v, t);
        Temp *pos = new_temp(E, it);
        line(E, "for (%s = 0; %s < %s->len;) {", pos->name, pos->name, h->name);
        E->indent++;
        fe->elem = to_temp(E, t, fmt(E, "tauraro_str_next_char(%s, &%s)", h->name, pos->name), true);
        fe->etype = t;
    } else if (t->kind == T_LIST) {
        Temp *h = hold(E, fe, v, t);
        Temp *i = new_temp(E, it);
        if (E->c->opts.memory_debug) /* the list must stay alive while the loop runs */
            line(E, "for (%s = 0; tauraro_dbg_alive(%s, %d) && %s < %s->len; %s++) {", i->name, h->name,
                 E->cur_pos.line, i->name, h->name, i->name);
        else
            line(E, "for (%s = 0; %s < %s->len; %s++) {", i->name, i->name, h->name, i->name);
        E->indent++;
        fe->elem = borrowed(fmt(E, "%s->items[%s]", h->name, i->name));
        fe->etype = t->elem;
    } else { /* dict: its keys */
        Temp *h = hold(E, fe, v, t);
        Temp *pos = new_temp(E, it), *ix = new_temp(E, it), *ver = new_temp(E, it);
        line(E, "%s = 0;", pos->name);
        line(E, "%s = %s->version;", ver->name, h->name);
        line(E, "while ((%s = %s(%s, &%s)) >= 0) {", ix->name, op_fn(E, t, "next"), h->name,
             pos->name);
        E->indent++;
        /* Python's check: the dict must not change size while it is walked */
        line(E, "if (%s->version != %s)", h->name, ver->name);
        line(E, "    tauraro_raise_msg(&tauraro_cls_RuntimeError, \"dictionary changed size during iteration\");");
        check(E, E->cur_pos);
        fe->elem = borrowed(fmt(E, "%s->entries[%s].key", h->name, ix->name));
        fe->etype = t->key;
        fe->parts[0] = fe->elem.code;
        fe->parts[1] = fmt(E, "%s->entries[%s].value", h->name, ix->name);
        fe->ptypes[0] = t->key;
        fe->ptypes[1] = t->elem;
    }
    fe->close++;
}

static void foreach_begin(Emit *E, Expr *it, ForEach *fe)
{
    memset(fe, 0, sizeof *fe);
    Type *int_t = prim(E, T_INT);
    if (it->kind == E_CALL && it->call == CALL_BUILTIN && it->builtin == BI_RANGE &&
        it->type->kind == T_RANGE) {
        int n = it->args.n;
        Expr *a0 = arg(it, 0)->value;
        const char *start = "0";
        if (n > 1)
            start = to_temp(E, int_t, emit_expr(E, a0).code, false).code;
        const char *stop = to_temp(E, int_t, emit_expr(E, n > 1 ? arg(it, 1)->value : a0).code,
                                   false).code;
        int64_t step = 1;
        bool const_step = n < 3 || ast_int_constant(arg(it, 2)->value, &step);
        const char *stepc = n < 3 ? "1" : const_step ? int_literal(E, step)
                            : to_temp(E, int_t, emit_expr(E, arg(it, 2)->value).code, false).code;
        Temp *i = new_temp(E, int_t);
        if (const_step && (step == 1 || step == -1)) {
            /* i < stop (or i > stop) before the step keeps i + step in range */
            line(E, "for (%s = %s; %s %s %s; %s%s) {", i->name, start, i->name,
                 step > 0 ? "<" : ">", stop, i->name, step > 0 ? "++" : "--");
        } else if (const_step && step != 0) {
            line(E, "for (%s = %s; %s %s %s; %s = tauraro_range_next(%s, %s, %s)) {", i->name,
                 start, i->name, step > 0 ? "<" : ">", stop, i->name, i->name, stepc, stop);
        } else {
            if (const_step)
                line(E, "tauraro_raise_msg(&tauraro_cls_ValueError, \"range() arg 3 must not be zero\");");
            else {
                line(E, "if (%s == 0)", stepc);
                line(E, "    tauraro_raise_msg(&tauraro_cls_ValueError, \"range() arg 3 must not be zero\");");
            }
            check(E, it->pos);
            line(E, "for (%s = %s; %s > 0 ? %s < %s : %s > %s;", i->name, start, stepc, i->name,
                 stop, i->name, stop);
            line(E, "     %s = tauraro_range_next(%s, %s, %s)) {", i->name, i->name, stepc, stop);
        }
        E->indent++;
        fe->close = 1;
        fe->elem = borrowed(i->name);
        fe->etype = int_t;
        return;
    }
    if (it->kind == E_CALL && it->call == CALL_BMETHOD &&
        (it->builtin == BM_ITEMS || it->builtin == BM_KEYS || it->builtin == BM_VALUES)) {
        Expr *d = it->lhs->lhs;
        CVal dv = emit_expr(E, d);
        foreach_value(E, dv, d->type, fe);
        if (it->builtin == BM_ITEMS) {
            fe->nparts = 2;
        } else if (it->builtin == BM_VALUES) {
            fe->elem = borrowed(fe->parts[1]);
            fe->etype = fe->ptypes[1];
        }
        return;
    }
    if (it->kind == E_CALL && it->call == CALL_BUILTIN && it->builtin == BI_ENUMERATE) {
        Temp *cnt = new_temp(E, int_t);
        const char *start = it->args.n > 1 ? emit_expr(E, arg(it, 1)->value).code : "0";
        line(E, "%s = %s;", cnt->name, start);
        ForEach inner;
        foreach_begin(E, arg(it, 0)->value, &inner);
        Type *xt = it->type->elem->items[1];
        CVal x = inner.nparts ? foreach_elem(E, &inner, xt) : inner.elem;
        *fe = inner;
        Temp *k = new_temp(E, int_t);
        line(E, "%s = %s++;", k->name, cnt->name);
        fe->nparts = 2;
        fe->parts[0] = k->name;
        fe->ptypes[0] = int_t;
        fe->elem = x;
        fe->parts[1] = x.owned ? NULL : x.code; /* an owned element moves into its target */
        fe->ptypes[1] = xt;
        return;
    }
    if (it->kind == E_CALL && it->call == CALL_BUILTIN && it->builtin == BI_ZIP) {
        int n = it->args.n;
        Temp *lists[8];
        for (int j = 0; j < n; j++) {
            Expr *x = arg(it, j)->value;
            Type *lt = type_list(E->c, x->type->kind == T_LIST ? x->type->elem
                                       : x->type->kind == T_DICT ? x->type->key : x->type);
            CVal v = materialize(E, x, emit_expr(E, x), lt);
            Temp *h = hold(E, fe, v, lt);
            lists[j] = h;
        }
        Temp *i = new_temp(E, int_t);
        StrBuf cond = {0};
        for (int j = 0; j < n; j++)
            sb_printf(&cond, "%s%s < %s->len", j ? " && " : "", i->name, lists[j]->name);
        line(E, "for (%s = 0; %s; %s++) {", i->name, cond.data ? cond.data : "false", i->name);
        sb_free(&cond);
        E->indent++;
        fe->close = 1;
        fe->nparts = n;
        for (int j = 0; j < n; j++) {
            fe->parts[j] = fmt(E, "%s->items[%s]", lists[j]->name, i->name);
            fe->ptypes[j] = lists[j]->type->elem;
        }
        return;
    }
    CVal v = emit_expr(E, it);
    Type *t = it->type;
    foreach_value(E, v, t, fe);
}

static void foreach_end(Emit *E, ForEach *fe)
{
    while (fe->close--) {
        E->indent--;
        line(E, "}");
    }
}

/* After the loop: release what it held. */
static void foreach_release(Emit *E, ForEach *fe)
{
    for (int i = 0; i < fe->nheld; i++) {
        Temp *h = fe->held[i];
        line(E, "%s(%s);", decref_fn(E, h->type), h->name);
        line(E, "%s = %s;", h->name, zero_of(E, h->type));
    }
}

/* The element of the current iteration as one value (a tuple when the
 * loop gives parts). */
static CVal foreach_elem(Emit *E, struct ForEach *fe, Type *t)
{
    if (!fe->nparts)
        return fe->elem;
    const char *parts[8];
    for (int i = 0; i < fe->nparts; i++)
        parts[i] = fe->parts[i] ? fe->parts[i] : fe->elem.code;
    CVal pv[8];
    for (int i = 0; i < fe->nparts; i++)
        pv[i] = coerce(E, borrowed(parts[i]), fe->ptypes[i], t->items[i]);
    const char *code = fmt(E, "%s(%s)", op_fn(E, t, "make"), join_codes(E, pv, fe->nparts, NULL));
    return managed(t) ? to_temp(E, t, code, true) : borrowed(code);
}

static void bind_value(Emit *E, Expr *target, CVal v, Type *vt);

/* Bind the loop's element to a target (unpacking parts directly). */
static void foreach_bind(Emit *E, ForEach *fe, Expr *target)
{
    if (fe->nparts && (target->kind == E_TUPLE || target->kind == E_LIST) &&
        target->items.n == fe->nparts) {
        for (int i = 0; i < fe->nparts; i++) {
            const char *p = fe->parts[i] ? fe->parts[i] : fe->elem.code;
            bool own = !fe->parts[i] && fe->elem.owned;
            bind_value(E, target->items.items[i], (CVal){p, own}, fe->ptypes[i]);
        }
        return;
    }
    bind_value(E, target, foreach_elem(E, fe, target->type), fe->nparts ? target->type : fe->etype);
}

/* sorted(l, key=f, reverse=r): sort (f(item), position) pairs, stable as
 * CPython's sort (for reverse, the position is negated so equal keys keep
 * their order), then take the items in that order. l is an owned copy. */
static CVal sort_by_key(Emit *E, CVal l, Type *lt, Symbol *key, const char *rev, SrcPos pos)
{
    Type *el = lt->elem;
    Type *kt = key_type(E, key, el);
    Type *pair_items[2] = {kt, prim(E, T_INT)};
    Type *pt = type_tuple(E->c, pair_items, 2);
    Type *plt = type_list(E->c, pt);
    Temp *pairs = new_temp(E, plt);
    line(E, "%s(%s);", decref_fn(E, plt), pairs->name);
    line(E, "%s = %s(%s->len);", pairs->name, op_fn(E, plt, "new"), l.code);
    vec_push(&E->c->arena, &E->owned, pairs);
    Temp *i = new_temp(E, prim(E, T_INT));
    line(E, "for (%s = 0; %s < %s->len; %s++) {", i->name, i->name, l.code, i->name);
    E->indent++;
    int mark = E->owned.n;
    CVal item = borrowed(fmt(E, "%s->items[%s]", l.code, i->name));
    CVal k = key_value(E, key, item, el, kt, pos);
    line(E, "%s(%s, %s(%s, %s ? -%s : %s));", op_fn(E, plt, "append_move"), pairs->name,
         op_fn(E, pt, "make"), k.code, rev, i->name, i->name);
    release_owned(E, mark);
    E->indent--;
    line(E, "}");
    line(E, "%s(%s, %s);", op_fn(E, plt, "sort"), pairs->name, rev);
    check(E, pos);
    Temp *r = new_temp(E, lt);
    line(E, "%s(%s);", decref_fn(E, lt), r->name);
    line(E, "%s = %s(%s->len);", r->name, op_fn(E, lt, "new"), l.code);
    line(E, "for (%s = 0; %s < %s->len; %s++)", i->name, i->name, pairs->name, i->name);
    line(E, "    %s(%s, %s->items[%s ? -%s->items[%s].f1 : %s->items[%s].f1]);", op_fn(E, lt, "append"),
         r->name, l.code, rev, pairs->name, i->name, pairs->name, i->name);
    return result_temp(E, r);
}

/* A list of type lt built from an iterable (the target of list(), sorted(),
 * enumerate() and zip() used as values, and of zip's arguments). */
static CVal materialize(Emit *E, Expr *x, CVal v, Type *lt)
{
    if (x->kind == E_CALL && x->call == CALL_BUILTIN &&
        (x->builtin == BI_LIST || x->builtin == BI_SORTED)) {
        Expr *src = arg(x, 0)->value;
        CVal l = src->type->kind == T_LIST
                     ? to_temp(E, lt, fmt(E, "%s(%s)", op_fn(E, lt, "copy"), emit_expr(E, src).code), true)
                     : materialize(E, src, emit_expr(E, src), lt);
        if (x->builtin == BI_SORTED) {
            const char *rev = "false";
            Symbol *key = NULL;
            for (int i = 1; i < x->args.n; i++) {
                if (arg(x, i)->name && !strcmp(arg(x, i)->name, "key"))
                    key = arg(x, i)->value->sym;
                else
                    rev = stabilize(E, emit_expr(E, arg(x, i)->value), prim(E, T_BOOL)).code;
            }
            if (key)
                return sort_by_key(E, l, lt, key, rev, x->pos);
            line(E, "%s(%s, %s);", op_fn(E, lt, "sort"), l.code, rev);
            check(E, x->pos);
        }
        return l;
    }
    bool iterable_call = x->kind == E_CALL && x->call == CALL_BUILTIN &&
                         (x->builtin == BI_ENUMERATE || x->builtin == BI_ZIP);
    if (!iterable_call && x->type->kind == T_LIST)
        return v;
    if (!iterable_call && x->type->kind == T_DICT)
        return to_temp(E, lt, fmt(E, "%s(%s)", op_fn(E, x->type, "keys"), v.code), true);
    /* str characters, enumerate(), zip(): a loop appending each element */
    Temp *r = new_temp(E, lt);
    line(E, "%s = %s(0);", r->name, op_fn(E, lt, "new"));
    ForEach fe;
    if (iterable_call) {
        foreach_begin(E, x, &fe);
    } else {
        memset(&fe, 0, sizeof fe);
        foreach_value(E, v, x->type, &fe);
    }
    int mark = E->owned.n;
    CVal el = foreach_elem(E, &fe, lt->elem);
    if (el.owned) {
        line(E, "%s(%s, %s);", op_fn(E, lt, "append_move"), r->name, el.code);
        line(E, "%s = %s;", el.code, zero_of(E, lt->elem));
    } else {
        line(E, "%s(%s, %s);", op_fn(E, lt, "append"), r->name, el.code);
    }
    release_owned(E, mark);
    foreach_end(E, &fe);
    foreach_release(E, &fe);
    vec_push(&E->c->arena, &E->owned, r);
    return (CVal){r->name, true};
}

/* [elt for t in it if c ...] and {k: v for ...}: loops appending/setting. */
static void emit_comp_level(Emit *E, Expr *e, int level, Temp *r)
{
    if (level == e->comps.n) {
        int mark = E->owned.n;
        if (e->kind == E_LISTCOMP) {
            Type *et = e->type->elem;
            CVal v = coerce(E, emit_expr(E, e->lhs), e->lhs->type, et);
            if (v.owned && is_temp_name(v.code)) {
                line(E, "%s(%s, %s);", op_fn(E, e->type, "append_move"), r->name, v.code);
                for (int i = mark; i < E->owned.n; i++)
                    if (!strcmp(((Temp *)E->owned.items[i])->name, v.code))
                        E->owned.items[i] = E->owned.items[--E->owned.n];
                line(E, "%s = %s;", v.code, zero_of(E, et));
            } else {
                line(E, "%s(%s, %s);", op_fn(E, e->type, "append"), r->name, v.code);
            }
        } else {
            CVal k, v;
            emit_pair(E, e->lhs, e->rhs, &k, &v);
            k = coerce(E, k, e->lhs->type, e->type->key);
            v = coerce(E, v, e->rhs->type, e->type->elem);
            line(E, "%s(%s, %s, %s);", op_fn(E, e->type, "set"), r->name, k.code, v.code);
        }
        check(E, e->pos);
        release_owned(E, mark);
        return;
    }
    Comprehension *c = e->comps.items[level];
    ForEach fe;
    foreach_begin(E, c->iter, &fe);
    int mark = E->owned.n;
    foreach_bind(E, &fe, c->target);
    release_owned(E, mark); /* the targets hold their own references */
    int opened = 0;
    for (int i = 0; i < c->conds.n; i++) {
        line(E, "if (%s) {", emit_cond(E, c->conds.items[i]));
        E->indent++;
        opened++;
    }
    emit_comp_level(E, e, level + 1, r);
    while (opened--) {
        E->indent--;
        line(E, "}");
    }
    foreach_end(E, &fe);
    foreach_release(E, &fe);
}

/* any()/all() of a generator expression: the loops stop at the first
 * element that decides, as CPython's do. */
static void emit_anyall_level(Emit *E, Expr *x, int level, Temp *r, bool is_any, const char *done,
                              PtrVec *loops)
{
    if (level == x->comps.n) {
        int mark = E->owned.n;
        CVal v = emit_expr(E, x->lhs);
        const char *t = truthy_code(E, v, x->lhs->type);
        line(E, "if (%s%s) {", is_any ? "" : "!", t);
        line(E, "    %s = %s;", r->name, is_any ? "true" : "false");
        release_owned(E, mark);
        line(E, "    goto %s;", done);
        line(E, "}");
        release_owned(E, mark);
        return;
    }
    Comprehension *c = x->comps.items[level];
    ForEach *fe = arena_alloc(&E->c->arena, sizeof *fe);
    vec_push(&E->c->arena, loops, fe);
    foreach_begin(E, c->iter, fe);
    int mark = E->owned.n;
    foreach_bind(E, fe, c->target);
    release_owned(E, mark);
    int opened = 0;
    for (int i = 0; i < c->conds.n; i++) {
        line(E, "if (%s) {", emit_cond(E, c->conds.items[i]));
        E->indent++;
        opened++;
    }
    emit_anyall_level(E, x, level + 1, r, is_any, done, loops);
    while (opened--) {
        E->indent--;
        line(E, "}");
    }
    foreach_end(E, fe);
}

static void release_target(Emit *E, Expr *t);

static CVal emit_anyall(Emit *E, Expr *e, bool is_any)
{
    Expr *x = arg(e, 0)->value;
    Temp *r = new_temp(E, prim(E, T_BOOL));
    line(E, "%s = %s;", r->name, is_any ? "false" : "true");
    if (x->kind == E_LISTCOMP && x->lazy) {
        const char *done = fmt(E, "tr_decided%d", ++E->nlabels);
        PtrVec loops = {0};
        emit_anyall_level(E, x, 0, r, is_any, done, &loops);
        line(E, "%s:;", done);
        for (int i = 0; i < loops.n; i++)
            foreach_release(E, loops.items[i]);
        for (int i = 0; i < x->comps.n; i++)
            release_target(E, ((Comprehension *)x->comps.items[i])->target);
        return borrowed(r->name);
    }
    ForEach fe;
    foreach_begin(E, x, &fe);
    int mark = E->owned.n;
    CVal v = fe.nparts ? foreach_elem(E, &fe, x->type->elem) : fe.elem;
    Temp *b = new_temp(E, prim(E, T_BOOL));
    line(E, "%s = %s;", b->name, truthy_code(E, v, fe.nparts ? x->type->elem : fe.etype));
    release_now(E, v); /* a str character of this iteration */
    release_owned(E, mark);
    line(E, "if (%s%s) {", is_any ? "" : "!", b->name);
    line(E, "    %s = %s;", r->name, is_any ? "true" : "false");
    line(E, "    break;");
    line(E, "}");
    foreach_end(E, &fe);
    foreach_release(E, &fe);
    return borrowed(r->name);
}

/* A comprehension's variables end with it (Python 3 scoping). */
static void release_target(Emit *E, Expr *t)
{
    if (t->kind == E_NAME && t->sym && managed(t->sym->type)) {
        line(E, "%s(%s);", decref_fn(E, t->sym->type), var_code(t->sym));
        line(E, "%s = %s;", var_code(t->sym), zero_of(E, t->sym->type));
    }
    for (int i = 0; i < t->items.n; i++)
        release_target(E, t->items.items[i]);
}

static CVal emit_comprehension(Emit *E, Expr *e)
{
    Temp *r = new_temp(E, e->type);
    line(E, "%s = %s(%s);", r->name, op_fn(E, e->type, "new"), e->kind == E_LISTCOMP ? "0" : "");
    emit_comp_level(E, e, 0, r);
    for (int i = 0; i < e->comps.n; i++)
        release_target(E, ((Comprehension *)e->comps.items[i])->target);
    vec_push(&E->c->arena, &E->owned, r);
    return (CVal){r->name, true};
}
/* ---- subscripts, attributes, displays ---- */

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
    Type *ct = e->lhs->type;
    Expr *ix = e->rhs;
    if (ix->kind == E_SLICE) {
        if (has_call(ix->lo) || has_call(ix->hi) || has_call(ix->step))
            s = stabilize(E, s, ct);
        const char *lo = slice_bound(E, ix->lo);
        const char *hi = slice_bound(E, ix->hi);
        const char *st = ix->step ? slice_bound(E, ix->step) : "1";
        const char *fn = ct->kind == T_STR ? "tauraro_str_slice" : op_fn(E, ct, "slice");
        return raising(E, e->type, fmt(E, "%s(%s, %s, %s, %s)", fn, s.code, lo, hi, st), true,
                       e->pos);
    }
    if (ct->kind == T_TUPLE) {
        int64_t i = 0;
        ast_int_constant(ix, &i);
        if (i < 0)
            i += ct->nitems;
        return borrowed(fmt(E, "%s.f%d", s.code, (int)i));
    }
    if (has_call(ix))
        s = stabilize(E, s, ct);
    CVal i = emit_expr(E, ix);
    if (ct->kind == T_STR)
        return raising(E, e->type, fmt(E, "tauraro_str_index(%s, %s)", s.code, i.code), true,
                       e->pos);
    if (ct->kind == T_DICT)
        i = coerce(E, i, ix->type, ct->key);
    /* list or dict: the element is borrowed from the container */
    return raising(E, e->type, fmt(E, "%s(%s, %s)", op_fn(E, ct, "get"), s.code, i.code), false,
                   e->pos);
}

/* obj.field */
static CVal emit_attr(Emit *E, Expr *e)
{
    if (e->sym->global) { /* a class variable, through the class or an instance */
        e->sym->used = true;
        if (!(e->lhs->kind == E_NAME && e->lhs->sym && e->lhs->sym->kind == SYM_CLASS))
            release_now(E, emit_expr(E, e->lhs));
        return borrowed(var_code(e->sym));
    }
    CVal o = emit_expr(E, e->lhs);
    if (e->check_none) {
        line(E, "tauraro_check_attr_of_none(%s, \"%s\");", o.code, e->v.name);
        check(E, e->pos);
    }
    CVal f = borrowed(fmt(E, "%s->%s", o.code, e->sym->cname));
    if (o.owned) { /* the temporary dies once the field is read */
        f = stabilize(E, f, e->type);
        release_now(E, o);
    }
    return f;
}

static CVal emit_list_display(Emit *E, Expr *e)
{
    Type *t = e->type;
    int n = e->items.n;
    if (n == 0)
        return to_temp(E, t, fmt(E, "%s(0)", op_fn(E, t, "new")), true);
    Type **want = arena_alloc(&E->c->arena, sizeof(Type *) * (size_t)n);
    for (int i = 0; i < n; i++)
        want[i] = t->elem;
    CVal *cv = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)n);
    emit_args(E, (Expr **)e->items.items, n, cv, want, false);
    const char *code = fmt(E, "%s(%d, (%s[]){%s})", op_fn(E, t, "from"), n,
                           ctype(E, t->elem), join_codes(E, cv, n, NULL));
    return to_temp(E, t, code, true);
}

static CVal emit_dict_display(Emit *E, Expr *e)
{
    Type *t = e->type;
    Temp *r = new_temp(E, t);
    line(E, "%s = %s();", r->name, op_fn(E, t, "new"));
    vec_push(&E->c->arena, &E->owned, r);
    for (int i = 0; i < e->items.n; i++) {
        CVal k, v;
        emit_pair(E, e->items.items[i], e->values.items[i], &k, &v);
        k = coerce(E, k, ((Expr *)e->items.items[i])->type, t->key);
        v = coerce(E, v, ((Expr *)e->values.items[i])->type, t->elem);
        line(E, "%s(%s, %s, %s);", op_fn(E, t, "set"), r->name, k.code, v.code);
    }
    return (CVal){r->name, true};
}

static CVal emit_tuple_display(Emit *E, Expr *e)
{
    Type *t = e->type;
    int n = e->items.n;
    CVal *cv = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)(n + 1));
    emit_args(E, (Expr **)e->items.items, n, cv, t->items, false);
    const char *code = fmt(E, "%s(%s)", op_fn(E, t, "make"), join_codes(E, cv, n, NULL));
    return managed(t) ? to_temp(E, t, code, true) : borrowed(code);
}

/* s.method(...), xs.method(...), d.method(...) */
static CVal emit_bmethod_value(Emit *E, Expr *e, CVal *a, int n, CVal r);

/* "...".format(args): every argument evaluated once, in order, then the
 * parsed fields (e->items, made by the checker) joined like an f-string. */
static CVal emit_str_format(Emit *E, Expr *e)
{
    Expr **vals;
    CVal *cv = emit_all_args(E, e, &vals);
    int n = e->items.n;
    const char **parts = arena_alloc(&E->c->arena, sizeof(char *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        FStrItem *it = e->items.items[i];
        if (!it->expr) {
            parts[i] = str_literal(E, it->text, it->len);
            continue;
        }
        int j = 0;
        while (j < e->args.n && vals[j] != it->expr)
            j++;
        CVal v = cv[j];
        Type *t = it->expr->type;
        if (it->spec.n) {
            FStrItem *sp = it->spec.items[0];
            v = format_value(E, v, t, it->conv, borrowed(str_literal(E, sp->text, sp->len)), e->pos);
        } else {
            v = to_str(E, v, t, it->conv == 'r' || it->conv == 'a');
        }
        parts[i] = v.code;
    }
    if (n == 0)
        return borrowed(str_literal(E, "", 0));
    StrBuf call = {0};
    sb_printf(&call, "tauraro_str_join_n(%d, (tauraro_str_t *[]){", n);
    for (int i = 0; i < n; i++)
        sb_printf(&call, "%s%s", i ? ", " : "", parts[i]);
    sb_puts(&call, "})");
    CVal r = to_temp(E, prim(E, T_STR), arena_strdup(&E->c->arena, call.data), true);
    sb_free(&call);
    return r;
}

static CVal emit_bmethod(Emit *E, Expr *e)
{
    if (e->builtin == BM_FORMAT)
        return emit_str_format(E, e);
    Expr *f = e->lhs;
    Type *rt = f->lhs->type;
    CVal r = emit_expr(E, f->lhs);
    int n = e->nbound;
    Expr **vals = arena_alloc(&E->c->arena, sizeof(Expr *) * (size_t)(n + 1));
    bool any_call = false;
    for (int i = 0; i < n; i++) {
        vals[i] = e->bound[i] ? e->bound[i]->value : NULL;
        any_call |= vals[i] && has_call(vals[i]);
    }
    if (any_call)
        r = stabilize(E, r, rt);
    Type **want = arena_alloc(&E->c->arena, sizeof(Type *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        want[i] = NULL;
    if (rt->kind == T_LIST && n >= 1)
        want[n - 1] = e->builtin == BM_EXTEND ? rt : rt->elem;
    if (rt->kind == T_DICT) {
        want[0] = e->builtin == BM_UPDATE ? rt : rt->key;
        if (n > 1)
            want[1] = rt->elem;
    }
    if (e->builtin == BM_INSERT)
        want[0] = NULL;
    CVal *a = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)(n + 1));
    emit_args(E, vals, n, a, want, false);
    for (int i = 0; i < n; i++)
        if (!vals[i])
            a[i] = borrowed(NULL);
    MethodId mid = (MethodId)e->builtin;
    if (mid == BM_APPEND || mid == BM_INSERT || mid == BM_EXTEND || mid == BM_SETDEFAULT ||
        mid == BM_UPDATE)
        for (int i = 0; i < n; i++)
            if (a[i].code && want[i])
                escape_check(E, r.code, a[i].code, want[i], rt->kind == T_LIST ? "a list" : "a dict",
                             e->pos);
    CVal res = emit_bmethod_value(E, e, a, n, r);
    /* temporaries die once the method returns, unless the result is
     * borrowed from one of them (dict.get's default, list.get) */
    if (e->builtin != BM_GET && e->builtin != BM_SETDEFAULT && (res.owned || !managed(e->type))) {
        if (!res.owned && strcmp(res.code, "NULL") != 0)
            res = stabilize(E, res, e->type);
        for (int i = 0; i < n; i++)
            if (a[i].code)
                release_now(E, a[i]);
        release_now(E, r);
    }
    return res;
}

static CVal emit_bmethod_value(Emit *E, Expr *e, CVal *a, int n, CVal r)
{
    (void)n;
    Type *rt = e->lhs->lhs->type;
    const char *x = r.code;
    Type *t = e->type;
    SrcPos pos = e->pos;
#define A(i) (a[i].code)
#define OPT(i, d) (a[i].code ? a[i].code : (d))
    switch ((MethodId)e->builtin) {
    /* list */
    case BM_APPEND: line(E, "%s(%s, %s);", op_fn(E, rt, "append"), x, A(0)); return borrowed("NULL");
    case BM_POP:
        return raising(E, t, fmt(E, "%s(%s, %s)", op_fn(E, rt, "pop"), x, OPT(0, "-1")),
                       managed(t), pos);
    case BM_INSERT: line(E, "%s(%s, %s, %s);", op_fn(E, rt, "insert"), x, A(0), A(1)); return borrowed("NULL");
    case BM_EXTEND: line(E, "%s(%s, %s);", op_fn(E, rt, "extend"), x, A(0)); return borrowed("NULL");
    case BM_REMOVE:
        line(E, "%s(%s, %s);", op_fn(E, rt, "remove"), x, A(0));
        check(E, pos);
        return borrowed("NULL");
    case BM_INDEX: return raising(E, t, fmt(E, "%s(%s, %s)", op_fn(E, rt, "index"), x, A(0)), false, pos);
    case BM_COUNT: return borrowed(fmt(E, "%s(%s, %s)", op_fn(E, rt, "count"), x, A(0)));
    case BM_SORT: {
        Symbol *key = NULL;
        for (int i = 0; i < e->args.n; i++)
            if (arg(e, i)->name && !strcmp(arg(e, i)->name, "key"))
                key = arg(e, i)->value->sym;
        if (key) { /* sorted by key into a new list, then back in place */
            CVal sorted = sort_by_key(E, borrowed(x), rt, key, OPT(0, "false"), pos);
            line(E, "%s(%s);", op_fn(E, rt, "clear"), x);
            line(E, "%s(%s, %s);", op_fn(E, rt, "extend"), x, sorted.code);
            return borrowed("NULL");
        }
        line(E, "%s(%s, %s);", op_fn(E, rt, "sort"), x, OPT(0, "false"));
        check(E, pos);
        return borrowed("NULL");
    }
    case BM_REVERSE: line(E, "%s(%s);", op_fn(E, rt, "reverse"), x); return borrowed("NULL");
    case BM_COPY: return to_temp(E, t, fmt(E, "%s(%s)", op_fn(E, rt, "copy"), x), true);
    case BM_CLEAR: line(E, "%s(%s);", op_fn(E, rt, "clear"), x); return borrowed("NULL");
    /* dict */
    case BM_GET:
        if (!a[1].code) { /* None when missing */
            Temp *tmp = new_temp(E, t);
            tmp->borrowed = true;
            if (opt_scalar(t)) {
                line(E, "%s.some = %s(%s, %s, &%s.v);", tmp->name, op_fn(E, rt, "find"), x, A(0),
                     tmp->name);
            } else {
                line(E, "if (!%s(%s, %s, &%s))", op_fn(E, rt, "find"), x, A(0), tmp->name);
                line(E, "    %s = NULL;", tmp->name);
            }
            return borrowed(tmp->name);
        }
        return borrowed(fmt(E, "%s(%s, %s, %s)", op_fn(E, rt, "get_default"), x, A(0), A(1)));
    case BM_DPOP:
        if (a[1].code)
            return to_temp(E, t, fmt(E, "%s(%s, %s, %s)", op_fn(E, rt, "pop_default"), x, A(0), A(1)),
                           managed(t));
        return raising(E, t, fmt(E, "%s(%s, %s)", op_fn(E, rt, "pop"), x, A(0)), managed(t), pos);
    case BM_KEYS: return to_temp(E, t, fmt(E, "%s(%s)", op_fn(E, rt, "keys"), x), true);
    case BM_VALUES: return to_temp(E, t, fmt(E, "%s(%s)", op_fn(E, rt, "values"), x), true);
    case BM_ITEMS: {
        Temp *l = new_temp(E, t);
        line(E, "%s = %s(%s->len);", l->name, op_fn(E, t, "new"), x);
        vec_push(&E->c->arena, &E->owned, l);
        ForEach fe;
        memset(&fe, 0, sizeof fe);
        foreach_value(E, borrowed(x), rt, &fe);
        fe.nparts = 2;
        int mark = E->owned.n;
        CVal el = foreach_elem(E, &fe, t->elem);
        line(E, "%s(%s, %s);", op_fn(E, t, el.owned ? "append_move" : "append"), l->name, el.code);
        if (el.owned)
            line(E, "%s = %s;", el.code, zero_of(E, t->elem));
        release_owned(E, mark);
        foreach_end(E, &fe);
        foreach_release(E, &fe);
        return (CVal){l->name, true};
    }
    case BM_DCOPY: return to_temp(E, t, fmt(E, "%s(%s)", op_fn(E, rt, "copy"), x), true);
    case BM_SETDEFAULT:
        return borrowed(fmt(E, "%s(%s, %s, %s)", op_fn(E, rt, "setdefault"), x, A(0), A(1)));
    case BM_UPDATE: line(E, "%s(%s, %s);", op_fn(E, rt, "update"), x, A(0)); return borrowed("NULL");
    case BM_DCLEAR: line(E, "%s(%s);", op_fn(E, rt, "clear"), x); return borrowed("NULL");
    /* str */
    case BM_SPLIT: case BM_RSPLIT:
        return raising(E, t, fmt(E, "tauraro_str_%s(%s, %s, %s)", e->builtin == BM_SPLIT ? "split" : "rsplit",
                                 x, OPT(0, "NULL"), OPT(1, "-1")), true, pos);
    case BM_SPLITLINES: return to_temp(E, t, fmt(E, "tauraro_str_splitlines(%s)", x), true);
    case BM_JOIN: return to_temp(E, t, fmt(E, "tauraro_str_join(%s, %s)", x, A(0)), true);
    case BM_STRIP: case BM_LSTRIP: case BM_RSTRIP: {
        const char *nm = e->builtin == BM_STRIP ? "strip" : e->builtin == BM_LSTRIP ? "lstrip" : "rstrip";
        return to_temp(E, t, fmt(E, "tauraro_str_%s(%s, %s)", nm, x, OPT(0, "NULL")), true);
    }
    case BM_UPPER: return to_temp(E, t, fmt(E, "tauraro_str_upper(%s)", x), true);
    case BM_LOWER: return to_temp(E, t, fmt(E, "tauraro_str_lower(%s)", x), true);
    case BM_TITLE: return to_temp(E, t, fmt(E, "tauraro_str_title(%s)", x), true);
    case BM_CAPITALIZE: return to_temp(E, t, fmt(E, "tauraro_str_capitalize(%s)", x), true);
    case BM_SWAPCASE: return to_temp(E, t, fmt(E, "tauraro_str_swapcase(%s)", x), true);
    case BM_REPLACE:
        return to_temp(E, t, fmt(E, "tauraro_str_replace(%s, %s, %s, %s)", x, A(0), A(1), OPT(2, "-1")), true);
    case BM_FIND: case BM_RFIND: case BM_SINDEX: case BM_RINDEX: {
        const char *nm = e->builtin == BM_FIND ? "find_range" : e->builtin == BM_RFIND ? "rfind"
                         : e->builtin == BM_SINDEX ? "index_range" : "rindex";
        const char *code = fmt(E, "tauraro_str_%s(%s, %s, %s, %s)", nm, x, A(0),
                               OPT(1, "TAURARO_NOIDX"), OPT(2, "TAURARO_NOIDX"));
        if (e->builtin == BM_FIND || e->builtin == BM_RFIND)
            return borrowed(code);
        return raising(E, t, code, false, pos);
    }
    case BM_SCOUNT: return borrowed(fmt(E, "tauraro_str_count(%s, %s)", x, A(0)));
    case BM_STARTSWITH: case BM_ENDSWITH:
        if (!a[1].code)
            return borrowed(fmt(E, "tauraro_str_%s(%s, %s)",
                                e->builtin == BM_STARTSWITH ? "startswith" : "endswith", x, A(0)));
        return borrowed(fmt(E, "tauraro_str_%s_range(%s, %s, %s, %s)",
                            e->builtin == BM_STARTSWITH ? "startswith" : "endswith", x, A(0),
                            A(1), OPT(2, "TAURARO_NOIDX")));
    case BM_ISDIGIT: return borrowed(fmt(E, "tauraro_str_isdigit(%s)", x));
    case BM_ISALPHA: return borrowed(fmt(E, "tauraro_str_isalpha(%s)", x));
    case BM_ISALNUM: return borrowed(fmt(E, "tauraro_str_isalnum(%s)", x));
    case BM_ISSPACE: return borrowed(fmt(E, "tauraro_str_isspace(%s)", x));
    case BM_ISLOWER: return borrowed(fmt(E, "tauraro_str_islower(%s)", x));
    case BM_ISUPPER: return borrowed(fmt(E, "tauraro_str_isupper(%s)", x));
    case BM_CENTER: case BM_LJUST: case BM_RJUST: {
        const char *nm = e->builtin == BM_CENTER ? "center" : e->builtin == BM_LJUST ? "ljust" : "rjust";
        return raising(E, t, fmt(E, "tauraro_str_%s(%s, %s, %s)", nm, x, A(0), OPT(1, "NULL")), true, pos);
    }
    case BM_ZFILL: return to_temp(E, t, fmt(E, "tauraro_str_zfill(%s, %s)", x, A(0)), true);
    default:
        break;
    }
#undef A
#undef OPT
    diag_error(E->c, e->pos, "this method is not supported by the C backend yet");
    return borrowed("0");
}

static CVal emit_call(Emit *E, Expr *e, bool discard)
{
    switch (e->call) {
    case CALL_FUNC: return emit_user_call(E, e, discard);
    case CALL_METHOD: return emit_method_call(E, e, discard);
    case CALL_SUPER: return emit_super_call(E, e, discard);
    case CALL_CTOR: return emit_ctor(E, e);
    case CALL_BMETHOD: return emit_bmethod(E, e);
    case CALL_BUILTIN: return emit_builtin(E, e);
    default:
        diag_error(E->c, e->pos, "this call is not supported by the C backend yet");
        return borrowed("0");
    }
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

static CVal emit_expr_(Emit *E, Expr *e);

/* A new object that a manual function names is the program's to free: it
 * leaves reference counting (when nothing else refers to it yet). */
static CVal emit_expr(Emit *E, Expr *e)
{
    CVal v = emit_expr_(E, e);
    if (e->alloc == MEM_MANUAL && v.owned)
        line(E, "tauraro_obj_make_manual(%s);", v.code);
    /* --memory-debug: an object read out of another one must be alive */
    if (E->c->opts.memory_debug && (e->kind == E_INDEX || e->kind == E_ATTR) && e->type &&
        is_ref(e->type) && e->type->kind != T_TUPLE && strcmp(v.code, "NULL") != 0)
        line(E, "TAURARO_DBG_USE(%s);", v.code);
    return v;
}

static CVal emit_expr_(Emit *E, Expr *e)
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
        if (e->check_bound && is_ref(e->type) && e->type->kind != T_TUPLE)
            emit_bound_check(E, e);
        if (E->c->opts.memory_debug && is_ref(e->type) && e->type->kind != T_TUPLE &&
            e->sym->kind != SYM_FUNC && e->sym->kind != SYM_CLASS)
            line(E, "TAURARO_DBG_USE(%s);", var_code(e->sym));
        return borrowed(var_code(e->sym));
    case E_UNARY: return emit_unary(E, e);
    case E_BINARY: return emit_binary(E, e);
    case E_BOOLOP: return emit_boolop(E, e);
    case E_COMPARE: return emit_compare(E, e);
    case E_IFEXP: return emit_ifexp(E, e);
    case E_CALL: return emit_call(E, e, false);
    case E_INDEX: return emit_index(E, e);
    case E_ATTR: return emit_attr(E, e);
    case E_LIST: return emit_list_display(E, e);
    case E_DICT: return emit_dict_display(E, e);
    case E_TUPLE: return emit_tuple_display(E, e);
    case E_LISTCOMP: case E_DICTCOMP: return emit_comprehension(E, e);
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

/* Storing the value `v` (of type t) into `holder` (NULL: a global) must
 * not let an arena object outlive its arena: checked at run time in
 * programs that have arena functions (module-level code holds no arena
 * object, so its stores need no check). */
static void escape_check(Emit *E, const char *holder, const char *v, Type *t, const char *what,
                         SrcPos pos)
{
    if (!E->p->has_arena || E->fn == E->p->main || !managed(t) || t->kind == T_NONE)
        return;
    if (t->kind == T_TUPLE) {
        for (int i = 0; i < t->nitems; i++)
            escape_check(E, holder, fmt(E, "(%s).f%d", v, i), t->items[i], what, pos);
        return;
    }
    if (t->kind == T_ARENA)
        return;
    line(E, "tauraro_escapes(%s, %s, \"%s\");", holder ? holder : "NULL", v, what);
    check(E, pos);
}

/* Store v into a place of type t (a variable, field or C lvalue),
 * releasing what it held before. */
static void store_to(Emit *E, const char *dst, Type *t, CVal v, Type *vt)
{
    v = coerce(E, v, vt, t);
    if (!managed(t)) {
        if (t->kind == T_FLOAT && vt->kind != T_FLOAT)
            line(E, "%s = (double)%s;", dst, v.code);
        else
            line(E, "%s = %s;", dst, v.code);
        return;
    }
    if (vt->kind == T_NONE) {
        line(E, "%s(%s);", decref_fn(E, t), dst);
        line(E, "%s = %s;", dst, zero_of(E, t));
        return;
    }
    /* c = c.next: the value may live inside what dst releases */
    if (!v.owned && strpbrk(v.code, "-[(."))
        v = stabilize(E, v, t);
    put_ref(E, dst, v, t, true);
}

/* obj.field = v. An arena object does not count what its fields refer
 * to: its arena keeps the counted objects alive (TAURARO_HOLD_ in mem.h). */
static void store_field(Emit *E, const char *obj, Symbol *field, CVal v, Type *vt)
{
    const char *dst = fmt(E, "%s->%s", obj, field->cname);
    Type *t = field->type;
    if (E->p->has_arena && field->owner && field->owner->is_exception && managed(t) &&
        vt->kind != T_NONE) {
        /* an exception outlives the arena it is raised in: what it keeps is
         * copied out of any arena */
        v = coerce(E, v, vt, t);
        Temp *mv = new_temp(E, t);
        line(E, "{");
        line(E, "    tauraro_move_t tr_dm;");
        line(E, "    uint8_t tr_dmode = tauraro_detach_begin(&tr_dm);");
        line(E, "    %s = %s(%s, &tr_dm);", mv->name, op_fn(E, t, "move"), v.code);
        line(E, "    tauraro_detach_end(&tr_dm, tr_dmode);");
        line(E, "}");
        store_to(E, dst, t, (CVal){mv->name, true}, t);
        return;
    }
    if (vt->kind != T_NONE)
        escape_check(E, obj, v.code, vt, fmt(E, "the attribute '%s'", field->name), E->cur_pos);
    if (!E->p->has_arena || !managed(t)) {
        store_to(E, dst, t, v, vt);
        return;
    }
    v = coerce(E, v, vt, t);
    if (!v.owned && strpbrk(v.code, "-[(."))
        v = stabilize(E, v, t);
    Temp *old = new_temp(E, t);
    old->borrowed = true;
    line(E, "%s = %s;", old->name, dst);
    if (vt->kind == T_NONE)
        line(E, "%s = %s;", dst, zero_of(E, t));
    else
        put_ref(E, dst, v, t, false);
    line(E, "if (((tauraro_obj_t *)%s)->strategy == TAURARO_ARENA)", obj);
    line(E, "    %s((tauraro_obj_t *)%s, %s);", op_fn(E, t, "held"), obj, dst);
    line(E, "else");
    line(E, "    %s(%s);", decref_fn(E, t), old->name);
}

static void store(Emit *E, Symbol *sym, CVal v, Type *vt)
{
    if (sym->global && vt->kind != T_NONE)
        escape_check(E, NULL, v.code, vt, fmt(E, "the global '%s'", sym->name), E->cur_pos);
    store_to(E, var_code(sym), sym->type, v, vt);
}

/* target = v, for every kind of target. */
static void bind_value(Emit *E, Expr *target, CVal v, Type *vt)
{
    switch (target->kind) {
    case E_NAME:
        store(E, target->sym, v, vt);
        break;
    case E_ATTR: {
        if (target->sym->global) { /* Class.variable = v */
            store(E, target->sym, v, vt);
            break;
        }
        CVal o = emit_expr(E, target->lhs);
        if (target->check_none) {
            line(E, "tauraro_check_attr_of_none(%s, \"%s\");", o.code, target->v.name);
            check(E, target->pos);
        }
        store_field(E, o.code, target->sym, v, vt);
        break;
    }
    case E_INDEX: {
        Type *ct = target->lhs->type;
        CVal c = emit_expr(E, target->lhs);
        CVal k = emit_expr(E, target->rhs);
        if (ct->kind == T_DICT)
            k = coerce(E, k, target->rhs->type, ct->key);
        Type *et = ct->elem;
        v = coerce(E, v, vt, et);
        if (ct->kind == T_DICT)
            escape_check(E, c.code, k.code, ct->key, "a dict", target->pos);
        if (ct->kind != T_BUFFER)
            escape_check(E, c.code, v.code, et, ct->kind == T_DICT ? "a dict" : "a list", target->pos);
        line(E, "%s(%s, %s, %s);", op_fn(E, ct, "set"), c.code, k.code, v.code);
        check(E, target->pos);
        break;
    }
    case E_TUPLE:
    case E_LIST: {
        int n = target->items.n;
        if (vt->kind == T_TUPLE) {
            CVal hv = stabilize(E, v, vt);
            for (int i = 0; i < n; i++)
                bind_value(E, target->items.items[i], borrowed(fmt(E, "%s.f%d", hv.code, i)),
                           vt->items[i]);
            break;
        }
        /* a list: exactly n items */
        CVal lv = stabilize(E, v, vt);
        line(E, "if (%s->len != %d)", lv.code, n);
        line(E, "    tauraro_raise_msg(&tauraro_cls_ValueError, %s->len > %d ? \"too many values to unpack (expected %d)\" : \"not enough values to unpack (expected %d, got %%lld)\", (long long)%s->len);",
             lv.code, n, n, n, lv.code);
        check(E, target->pos);
        for (int i = 0; i < n; i++)
            bind_value(E, target->items.items[i], borrowed(fmt(E, "%s->items[%d]", lv.code, i)),
                       vt->elem);
        break;
    }
    default:
        break;
    }
}

static void emit_assign(Emit *E, Stmt *st)
{
    Expr *v = st->expr;
    Expr *t0 = st->targets.items[0];
    if (st->targets.n == 1 && (t0->kind == E_TUPLE || t0->kind == E_LIST) && v->kind == E_TUPLE &&
        v->type->kind == T_NONE) {
        /* parallel assignment: every value first, then every store */
        int n = v->items.n;
        CVal *vals = arena_alloc(&E->c->arena, sizeof(CVal) * (size_t)n);
        for (int i = 0; i < n; i++) {
            Expr *vi = v->items.items[i];
            vals[i] = stabilize(E, emit_expr(E, vi), vi->type);
        }
        for (int i = 0; i < n; i++)
            bind_value(E, t0->items.items[i], vals[i], ((Expr *)v->items.items[i])->type);
        return;
    }
    CVal val = emit_expr(E, v);
    if (st->targets.n > 1 || t0->kind != E_NAME)
        val = stabilize(E, val, v->type);
    for (int i = 0; i < st->targets.n; i++) {
        /* every target but the last needs its own reference */
        CVal one = i + 1 < st->targets.n ? (CVal){val.code, false} : val;
        bind_value(E, st->targets.items[i], one, v->type);
    }
}

/* x op= v: the target's place is evaluated once. */
static void emit_augassign(Emit *E, Stmt *st)
{
    Expr *t = st->target;
    Type *tt = t->type;
    Expr fake = *t;
    fake.pos = st->pos;
    fake.type = t->fn ? t->fn->ret : type_arith(E->c, st->op, tt, st->expr->type);
    if (!fake.type) /* list += list / list *= int */
        fake.type = tt;
    if (t->kind == E_NAME || (t->kind == E_ATTR && t->sym->global)) {
        t->sym->used = true;
        if (t->kind == E_NAME && t->check_bound && managed(tt))
            emit_bound_check(E, t);
        /* grows in place when unshared (a global that an arena function
         * changes goes the general way: the new value is checked first) */
        if (tt->kind == T_STR && st->op == OP_ADD &&
            !(t->sym->global && E->p->has_arena && E->fn != E->p->main)) {
            CVal b = emit_expr(E, st->expr);
            line(E, "tauraro_str_iadd(&%s, %s);", var_code(t->sym), b.code);
            return;
        }
        CVal a = borrowed(var_code(t->sym));
        if (has_call(st->expr))
            a = stabilize(E, a, tt);
        CVal b = emit_expr(E, st->expr);
        if (tt->kind == T_LIST && st->op == OP_ADD) { /* in place, as Python's list += */
            escape_check(E, a.code, b.code, tt, "a list", st->pos);
            line(E, "%s(%s, %s);", op_fn(E, tt, "extend"), a.code, b.code);
            return;
        }
        CVal r = emit_binary_values(E, &fake, st->op, a, tt, b, st->expr->type);
        store(E, t->sym, r, fake.type);
        return;
    }
    if (t->kind == E_ATTR) {
        CVal o = stabilize(E, emit_expr(E, t->lhs), t->lhs->type);
        if (t->check_none) {
            line(E, "tauraro_check_attr_of_none(%s, \"%s\");", o.code, t->v.name);
            check(E, t->pos);
        }
        const char *place = fmt(E, "%s->%s", o.code, t->sym->cname);
        CVal a = stabilize(E, borrowed(place), tt);
        CVal b = emit_expr(E, st->expr);
        if (tt->kind == T_LIST && st->op == OP_ADD) {
            escape_check(E, a.code, b.code, tt, "a list", st->pos);
            line(E, "%s(%s, %s);", op_fn(E, tt, "extend"), a.code, b.code);
            return;
        }
        CVal r = emit_binary_values(E, &fake, st->op, a, tt, b, st->expr->type);
        store_field(E, o.code, t->sym, r, fake.type);
        return;
    }
    /* c[k] op= v */
    Type *ct = t->lhs->type;
    CVal c = stabilize(E, emit_expr(E, t->lhs), ct);
    CVal k = stabilize(E, emit_expr(E, t->rhs), t->rhs->type);
    CVal a = raising(E, tt, fmt(E, "%s(%s, %s)", op_fn(E, ct, "get"), c.code, k.code), false, t->pos);
    a = stabilize(E, a, tt);
    CVal b = emit_expr(E, st->expr);
    if (tt->kind == T_LIST && st->op == OP_ADD) {
        line(E, "%s(%s, %s);", op_fn(E, tt, "extend"), a.code, b.code);
        return;
    }
    CVal r = emit_binary_values(E, &fake, st->op, a, tt, b, st->expr->type);
    r = coerce(E, r, fake.type, tt);
    if (tt->kind == T_FLOAT && fake.type->kind != T_FLOAT)
        r = borrowed(fmt(E, "(double)%s", r.code));
    line(E, "%s(%s, %s, %s);", op_fn(E, ct, "set"), c.code, k.code, r.code);
    check(E, t->pos);
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
    E->loops++;
    E->indent++;
    emit_block(E, body);
    E->indent--;
    E->loops--;
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
    if (*pre || E->c->opts.memory_debug) {
        /* the condition needs statements: evaluate it at the top */
        line(E, "for (;;) {");
        if (E->c->opts.memory_debug) /* reports name the condition's line */
            line(E, "    tauraro_dbg_line = %d;", st->pos.line);
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

static void emit_for(Emit *E, Stmt *st)
{
    const char *brk = else_label(E, st);
    ForEach fe;
    foreach_begin(E, st->expr, &fe);
    int mark = E->owned.n;
    foreach_bind(E, &fe, st->target);
    release_owned(E, mark); /* the targets hold their own references */
    E->indent--;
    bool used = emit_loop_body(E, &st->body, brk);
    E->indent++;
    foreach_end(E, &fe);
    emit_loop_else(E, st, brk, used);
    foreach_release(E, &fe);
}

/* ---- leaving through finally blocks ---- */

static Fin *innermost_fin(Emit *E)
{
    return E->fins.n ? E->fins.items[E->fins.n - 1] : NULL;
}

/* Jump to where `return` goes from here: the innermost finally, else the
 * function's exit. */
static void goto_return(Emit *E)
{
    Fin *f = innermost_fin(E);
    if (f) {
        line(E, "tr_fs%d = 2;", f->id);
        line(E, "goto tr_fin%d;", f->id);
    } else {
        line(E, "goto tr_end;");
        E->uses_end = true;
    }
}

/* break (kind 3) or continue (kind 4), through a finally of this loop. */
static void emit_jump(Emit *E, int kind)
{
    Fin *f = innermost_fin(E);
    if (f && f->loops == E->loops) {
        line(E, "tr_fs%d = %d;", f->id, kind);
        line(E, "goto tr_fin%d;", f->id);
        return;
    }
    if (kind == 4) {
        line(E, "continue;");
    } else if (E->brk) {
        line(E, "goto %s;", E->brk);
        E->brk_used = true;
    } else {
        line(E, "break;");
    }
}

static void emit_return(Emit *E, Stmt *st)
{
    Func *fn = E->fn;
    if (st->expr && fn->ret->kind != T_NONE) {
        CVal v = emit_expr(E, st->expr);
        Type *vt = st->expr->type;
        if (vt->kind == T_NONE)
            line(E, "tr_ret = %s;", zero_of(E, fn->ret));
        else if (fn->ret->kind == T_FLOAT && vt->kind != T_FLOAT)
            line(E, "tr_ret = (double)%s;", v.code);
        else {
            v = coerce(E, v, vt, fn->ret);
            /* a return in a finally block replaces one already made */
            put_ref(E, "tr_ret", v, fn->ret, E->fins.n > 0);
        }
    } else if (st->expr) {
        CVal v = emit_expr(E, st->expr);
        (void)v;
    }
    release_owned(E, 0);
    goto_return(E);
}

/* ---- exceptions ---- */

static void emit_raise(Emit *E, Stmt *st)
{
    Expr *x = st->expr;
    if (!x) { /* bare raise: the exception being handled, traceback kept */
        line(E, "tauraro_incref(%s);", E->cur_exc);
        line(E, "tauraro_reraise(%s);", E->cur_exc);
        release_owned(E, 0);
        line(E, "goto %s;", E->handler);
        if (!strcmp(E->handler, "tr_end"))
            E->uses_end = true;
        return;
    }
    CVal v;
    if (x->kind == E_NAME && x->cls) { /* raise E */
        v = x->cls->builtin
                ? to_temp(E, x->type, fmt(E, "tauraro_exc_new(%s, NULL)", x->cls->cdesc), true)
                : raising(E, x->type, fmt(E, "new_%s(%s)", x->cls->name,
                                          x->cls->is_exception && !find_method_e(x->cls, "__init__") ? "NULL" : ""),
                          true, x->pos);
    } else {
        v = emit_expr(E, x);
    }
    if (!v.owned) {
        line(E, "tauraro_incref(%s);", v.code);
        line(E, "tauraro_raise((tauraro_exc_t *)%s);", v.code);
    } else {
        line(E, "tauraro_raise((tauraro_exc_t *)%s);", v.code);
        line(E, "%s = NULL;", uncast(E, v.code));
        for (int i = 0; i < E->owned.n; i++)
            if (!strcmp(((Temp *)E->owned.items[i])->name, uncast(E, v.code)))
                E->owned.items[i] = E->owned.items[--E->owned.n];
    }
    release_owned(E, 0);
    check(E, st->pos);
}

static void emit_assert(Emit *E, Stmt *st)
{
    const char *c = emit_cond(E, st->expr);
    line(E, "if (!(%s)) {", c);
    E->indent++;
    if (st->target) {
        CVal m = to_str(E, emit_expr(E, st->target), st->target->type, false);
        line(E, "tauraro_raise_str(&tauraro_cls_AssertionError, %s);", m.code);
    } else {
        line(E, "tauraro_raise_str(&tauraro_cls_AssertionError, NULL);");
    }
    release_owned(E, 0);
    check(E, st->pos);
    E->indent--;
    line(E, "}");
}

static void emit_del(Emit *E, Stmt *st)
{
    for (int i = 0; i < st->targets.n; i++) {
        Expr *t = st->targets.items[i];
        if (t->kind == E_NAME) {
            if (managed(t->sym->type)) {
                line(E, "%s(%s);", decref_fn(E, t->sym->type), var_code(t->sym));
                line(E, "%s = %s;", var_code(t->sym), zero_of(E, t->sym->type));
            }
            continue;
        }
        Type *ct = t->lhs->type;
        CVal c, k;
        emit_pair(E, t->lhs, t->rhs, &c, &k);
        if (ct->kind == T_DICT)
            k = coerce(E, k, t->rhs->type, ct->key);
        line(E, "%s(%s, %s);", op_fn(E, ct, "del"), c.code, k.code);
        check(E, t->pos);
    }
}

/* try/except/else/finally. A pending exception in the body jumps to
 * tr_exc<N>, which runs the first matching handler; return, break and
 * continue leave through the finally block, which then resumes them. */
static void emit_try(Emit *E, Stmt *st)
{
    int id = new_label(E);
    bool has_fin = st->finalbody.n > 0;
    const char *outer_handler = E->handler;
    const char *outer_exc = E->cur_exc;
    Temp *fs = NULL, *fexc = NULL;
    Fin *fin = NULL;
    if (has_fin) {
        fs = new_temp(E, prim(E, T_INT));
        fs->name = fmt(E, "tr_fs%d", id);
        line(E, "%s = 0;", fs->name);
        fin = arena_alloc(&E->c->arena, sizeof *fin);
        fin->id = id;
        fin->loops = E->loops;
        vec_push(&E->c->arena, &E->fins, fin);
    }
    const char *exc_label = fmt(E, "tr_exc%d", id);
    const char *fin_exc_label = fmt(E, "tr_finexc%d", id);
    bool has_handlers = st->handlers.n > 0;
    E->handler = has_handlers ? exc_label : fin_exc_label;
    line(E, "/* try */");
    emit_block(E, &st->body);
    /* else runs outside the handlers' protection, inside the finally's */
    E->handler = has_fin ? fin_exc_label : outer_handler;
    emit_block(E, &st->orelse);
    const char *end_label = fmt(E, "tr_tryend%d", id);
    line(E, "goto %s;", has_fin ? fmt(E, "tr_fin%d", id) : end_label);
    if (has_handlers) {
        Temp *caught = new_temp(E, prim(E, T_NONE));
        caught->name = fmt(E, "tr_caught%d", id);
        caught->type = NULL; /* declared specially: a tauraro_exc_t * */
        line(E, "%s: __attribute__((unused));", exc_label);
        E->indent++;
        line(E, "tauraro_exc_decref(%s);", caught->name);
        line(E, "%s = tauraro_exc_fetch();", caught->name);
        E->handler = has_fin ? fin_exc_label : outer_handler;
        for (int i = 0; i < st->handlers.n; i++) {
            ExceptClause *h = st->handlers.items[i];
            if (h->classes.n == 0) {
                line(E, "%s{", i ? "} else " : "");
            } else {
                StrBuf c = {0};
                for (int j = 0; j < h->classes.n; j++)
                    sb_printf(&c, "%stauraro_exc_isinstance(%s, %s)", j ? " || " : "",
                              caught->name, ((ClassInfo *)h->classes.items[j])->cdesc);
                line(E, "%sif (%s) {", i ? "} else " : "", c.data);
                sb_free(&c);
            }
            E->indent++;
            E->cur_exc = caught->name;
            if (h->sym) {
                const char *ct = ctype(E, h->sym->type);
                line(E, "%s(%s);", decref_fn(E, h->sym->type), var_code(h->sym));
                line(E, "%s = (%s)%s;", var_code(h->sym), ct, caught->name);
                line(E, "tauraro_incref(%s);", var_code(h->sym));
            }
            emit_block(E, &h->body);
            if (h->sym) {
                line(E, "%s(%s);", decref_fn(E, h->sym->type), var_code(h->sym));
                line(E, "%s = NULL;", var_code(h->sym));
            }
            line(E, "tauraro_exc_decref(%s);", caught->name);
            line(E, "%s = NULL;", caught->name);
            line(E, "goto %s;", has_fin ? fmt(E, "tr_fin%d", id) : end_label);
            E->indent--;
            if (h->classes.n == 0) {
                line(E, "}");
                break; /* a bare except catches everything */
            }
            if (i + 1 == st->handlers.n)
                line(E, "}");
        }
        /* no handler matched: the exception goes on */
        line(E, "tauraro_reraise(%s);", caught->name);
        line(E, "%s = NULL;", caught->name);
        line(E, "goto %s;", has_fin ? fin_exc_label : outer_handler);
        if (!has_fin && !strcmp(outer_handler, "tr_end"))
            E->uses_end = true;
        E->indent--;
    }
    E->handler = outer_handler;
    E->cur_exc = outer_exc;
    if (has_fin) {
        E->fins.n--;
        fexc = new_temp(E, prim(E, T_NONE));
        fexc->name = fmt(E, "tr_finpending%d", id);
        fexc->type = NULL;
        line(E, "%s: __attribute__((unused));", fin_exc_label);
        line(E, "    tauraro_exc_decref(%s);", fexc->name);
        line(E, "    %s = tauraro_exc_fetch();", fexc->name);
        line(E, "    %s = 1;", fs->name);
        line(E, "tr_fin%d: __attribute__((unused));", id);
        line(E, "/* finally */");
        emit_block(E, &st->finalbody);
        line(E, "if (%s == 1) {", fs->name);
        line(E, "    tauraro_reraise(%s);", fexc->name);
        line(E, "    %s = NULL;", fexc->name);
        line(E, "    goto %s;", outer_handler);
        line(E, "}");
        if (!strcmp(outer_handler, "tr_end"))
            E->uses_end = true;
        line(E, "if (%s == 2) {", fs->name);
        E->indent++;
        goto_return(E);
        E->indent--;
        line(E, "}");
        if (fin->loops > 0) {
            line(E, "if (%s == 3) {", fs->name);
            E->indent++;
            emit_jump(E, 3);
            E->indent--;
            line(E, "}");
            line(E, "if (%s == 4) {", fs->name);
            E->indent++;
            emit_jump(E, 4);
            E->indent--;
            line(E, "}");
        }
    } else {
        line(E, "%s: __attribute__((unused));", end_label);
    }
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
    if (E->c->opts.memory_debug) /* allocations and reports name this line */
        line(E, "tauraro_dbg_line = %d;", pos.line);
}

static void emit_stmt(Emit *E, Stmt *st)
{
    E->cur_pos = st->pos;
    if (st->kind != S_PASS && st->kind != S_GLOBAL && st->kind != S_DEF &&
        st->kind != S_IMPORT && st->kind != S_CLASS)
        source_comment(E, st->pos);
    switch (st->kind) {
    case S_EXPR:
        if (st->expr->kind == E_CALL) {
            CVal v = emit_call(E, st->expr, true);
            if (!v.owned && is_temp_name(v.code))
                line(E, "(void)%s;", v.code);
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
            bind_value(E, st->target, emit_expr(E, st->expr), st->expr->type);
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
        emit_jump(E, 3);
        break;
    case S_CONTINUE:
        emit_jump(E, 4);
        break;
    case S_RETURN:
        emit_return(E, st);
        break;
    case S_TRY:
        emit_try(E, st);
        break;
    case S_RAISE:
        emit_raise(E, st);
        break;
    case S_ASSERT:
        emit_assert(E, st);
        break;
    case S_DEL:
        emit_del(E, st);
        break;
    case S_PASS: case S_GLOBAL: case S_DEF: case S_IMPORT: case S_CLASS:
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

static void decl(StrBuf *b, const char *type, const char *name, const char *init)
{
    size_t n = strlen(type);
    sb_printf(b, "    %s%s%s = %s;\n", type, type[n - 1] == '*' ? "" : " ", name, init);
}

/* "T name" with the pointer star next to the name. */
static const char *typed(Emit *E, const char *type, const char *name)
{
    size_t n = strlen(type);
    return fmt(E, "%s%s%s", type, type[n - 1] == '*' ? "" : " ", name);
}

/* A method's C self parameter has the type of the class that first
 * declared the method, so overrides share one function pointer type. */
static ClassInfo *self_class(Func *fn)
{
    return fn->cls ? root_class(fn->cls, fn->name) : NULL;
}

static void signature(Emit *E, StrBuf *b, Func *fn, bool proto)
{
    const char *rt = fn->ret->kind == T_NONE ? "void" : ctype(E, fn->ret);
    sb_printf(b, "static %s(", typed(E, rt, fn->cname));
    if (fn->nparams == 0)
        sb_puts(b, "void");
    for (int i = 0; i < fn->nparams; i++) {
        const char *pt = ctype(E, fn->params[i]->type);
        const char *name = fn->params[i]->cname;
        if (i == 0 && fn->cls && self_class(fn) != fn->cls) {
            pt = fmt(E, "%s *", self_class(fn)->cname);
            name = "tr_self";
        }
        sb_printf(b, "%s%s", i ? ", " : "", typed(E, pt, name));
    }
    sb_putc(b, ')');
    if (proto)
        sb_puts(b, " __attribute__((unused))");
}

/* A frame variable at the function's exit: released, or kept alive by the
 * pending exception. */
static void release_frame_var(Emit *E, const char *name, Type *t, bool keep)
{
    if (keep && t->kind != T_TUPLE)
        line(E, "tauraro_exc_keep(%s, (void (*)(void *))(void (*)(void))%s);", name, decref_fn(E, t));
    else
        line(E, "%s(%s);", decref_fn(E, t), name);
}

static void release_decl(Emit *E, const char *name, Type *t)
{
    if (!t)
        line(E, "tauraro_exc_decref(%s);", name);
    else if (managed(t))
        line(E, "%s(%s);", decref_fn(E, t), name);
}

/* An arena function's prologue: its own arena, the one it is given
 * (@arena_memory(expr)), or its caller's (no decorator: it joins). */
static void emit_arena_begin(Emit *E, Func *fn)
{
    if (!fn->arena_expr) {
        line(E, "tauraro_arena_begin(&tr_af, NULL, %s);", fn->arena_join ? "true" : "false");
        return;
    }
    E->cur_pos = fn->arena_expr->pos;
    line(E, "/* %d: @arena_memory(...) */", fn->arena_expr->pos.line);
    int mark = E->owned.n;
    CVal a = emit_expr(E, fn->arena_expr);
    line(E, "{");
    line(E, "    tauraro_arena_t *tr_given = tauraro_arena_ref_get(%s);", a.code);
    line(E, "    if (tr_given != NULL)");
    line(E, "        tauraro_arena_begin(&tr_af, tr_given, false);");
    line(E, "}");
    release_owned(E, mark);
    check(E, fn->arena_expr->pos);
}

/* The epilogue of a function whose strategy is not automatic: the result
 * moves into the caller's strategy (copied out of the arena, or adopted by
 * counting when a manual function returns what it allocated), then the
 * arena goes (tauraro_arena_leave gives the caller's allocation mode back
 * first, so the copy is made in the caller's strategy). */
static void emit_strategy_end(Emit *E, Func *fn, bool arena_fn)
{
    bool moves = managed(fn->ret);
    bool adopt = fn->strategy == MEM_MANUAL && fn->ret_own != OWN_OWNED && moves;
    if (arena_fn && moves) {
        line(E, "if (tauraro_arena_leave(&tr_af)) { /* the result leaves the arena */");
        E->indent++;
    } else if (arena_fn) {
        line(E, "tauraro_arena_leave(&tr_af);");
    }
    if ((arena_fn && moves) || adopt) {
        line(E, "tauraro_move_t tr_mv;");
        line(E, "tauraro_move_init(&tr_mv, %s, %s);", arena_fn ? "tr_af.level" : "0",
             arena_fn ? "false" : "true");
        if (arena_fn) {
            line(E, "%s = %s(tr_ret, &tr_mv);", typed(E, ctype(E, fn->ret), "tr_moved"),
                 op_fn(E, fn->ret, "move"));
            line(E, "%s(tr_ret);", decref_fn(E, fn->ret));
            line(E, "tr_ret = tr_moved;");
        } else { /* manual objects it returns become counted */
            line(E, "tr_ret = %s(tr_ret, &tr_mv);", op_fn(E, fn->ret, "move"));
        }
        line(E, "tauraro_move_done(&tr_mv);");
    }
    if (arena_fn && moves) {
        E->indent--;
        line(E, "}");
    }
    if (arena_fn)
        line(E, "tauraro_arena_finish(&tr_af);");
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
    E->handler = "tr_end";
    E->cur_exc = NULL;
    E->fins.n = 0;
    E->loops = 0;
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
        if (p->assigned && is_ref(p->type) && !owned_param(E, fn, i))
            line(E, "%s(%s);", incref_fn(E, p->type), p->cname);
    }
    bool arena_fn = !is_main && fn->strategy == MEM_ARENA;
    if (!is_main) {
        /* CPython's recursion limit, before the C stack runs out */
        line(E, "if (TAURARO_UNLIKELY(++tauraro_depth > TAURARO_MAX_DEPTH)) {");
        line(E, "    tauraro_raise_msg(&tauraro_cls_RecursionError, \"maximum recursion depth exceeded\");");
        line(E, "    goto tr_end;");
        line(E, "}");
        E->uses_end = true;
    }
    if (arena_fn)
        emit_arena_begin(E, fn);
    emit_block(E, is_main ? &E->p->module->body : &fn->def->body);

    if (is_main) {
        sb_puts(out, "int main(int argc, char **argv)\n{\n");
    } else {
        signature(E, out, fn, false);
        sb_puts(out, "\n{\n");
        if (fn->cls && self_class(fn) != fn->cls)
            sb_printf(out, "    %s *self = (%s *)tr_self;\n", fn->cls->cname, fn->cls->cname);
        if (fn->ret->kind != T_NONE)
            decl(out, ctype(E, fn->ret), "tr_ret", zero_of(E, fn->ret));
        if (arena_fn)
            decl(out, "tauraro_arena_frame_t", "tr_af", "{0}");
        if (E->c->opts.memory_debug) /* the caller's line comes back on return */
            decl(out, "int", "tr_dbg_line", "tauraro_dbg_line");
    }
    for (int i = 0; i < fn->locals.n; i++) {
        Symbol *s = fn->locals.items[i];
        if (s->kind == SYM_VAR && s->type && s->type->kind != T_ERROR)
            decl(out, ctype(E, s->type), s->cname, zero_of(E, s->type));
    }
    for (int i = 0; i < E->temps.n; i++) {
        Temp *t = E->temps.items[i];
        if (!t->type)
            decl(out, "tauraro_exc_t *", t->name, "NULL");
        else
            decl(out, ctype(E, t->type), t->name, zero_of(E, t->type));
    }
    /* C must not warn about what the program never reads */
    for (int i = 0; i < fn->nparams; i++)
        if (!fn->params[i]->used && !(fn->params[i]->assigned && is_ref(fn->params[i]->type)) &&
            !owned_param(E, fn, i))
            sb_printf(out, "    (void)%s;\n", fn->params[i]->cname);
    for (int i = 0; i < fn->locals.n; i++) {
        Symbol *s = fn->locals.items[i];
        if (s->kind == SYM_VAR && s->type && !s->used && !is_ref(s->type))
            sb_printf(out, "    (void)%s;\n", s->cname);
    }
    sb_putc(out, '\n');
    sb_putn(out, body.data ? body.data : "", body.len);
    sb_free(&body);
    if (E->uses_end)
        sb_puts(out, "tr_end:;\n");
    E->body = out;
    /* CPython's frame order: parameters, then locals. Where destruction is
     * visible, a frame left by an exception hands its variables to the
     * exception, which releases them when it goes (as CPython's traceback
     * keeps the frame alive). */
    bool keep = E->has_del && !is_main && E->uses_end;
    for (int pass = keep ? 0 : 1; pass < 2; pass++) {
        if (keep)
            line(E, pass == 0 ? "if (TAURARO_EXC_PENDING()) {" : "} else {");
        E->indent += keep;
        for (int i = 0; i < fn->nparams; i++) {
            Symbol *p = fn->params[i];
            if ((p->assigned && is_ref(p->type)) || owned_param(E, fn, i))
                release_frame_var(E, p->cname, p->type, pass == 0);
        }
        for (int i = 0; i < fn->locals.n; i++) {
            Symbol *s = fn->locals.items[i];
            if (s->kind == SYM_VAR && s->type && s->type->kind != T_ERROR && managed(s->type))
                release_frame_var(E, s->cname, s->type, pass == 0);
        }
        E->indent -= keep;
    }
    if (keep)
        line(E, "}");
    for (int i = 0; i < E->temps.n; i++) {
        Temp *t = E->temps.items[i];
        if (!t->borrowed)
            release_decl(E, t->name, t->type);
    }
    if (is_main) {
        for (int i = 0; i < E->p->classes.n; i++) {
            ClassInfo *ci = E->p->classes.items[i];
            for (int j = 0; j < ci->classvars.n; j++) {
                Symbol *cv = ci->classvars.items[j];
                if (managed(cv->type))
                    line(E, "%s(%s);", decref_fn(E, cv->type), cv->cname);
            }
        }
        for (int i = 0; i < E->p->globals.n; i++) {
            Symbol *g = E->p->globals.items[i];
            if (g->kind == SYM_VAR && g->type && is_ref(g->type)) {
                line(E, "%s(%s);", decref_fn(E, g->type), g->cname);
                line(E, "%s = %s;", g->cname, zero_of(E, g->type));
            }
        }
        line(E, "return tauraro_main_exit();");
    } else {
        emit_strategy_end(E, fn, arena_fn);
        if (E->c->opts.memory_debug)
            line(E, "tauraro_dbg_line = tr_dbg_line;");
        line(E, "tauraro_depth--;");
        if (fn->ret->kind != T_NONE)
            line(E, "return tr_ret;");
    }
    sb_puts(out, "}\n\n");
}

/* C code of a constant default (a field's or a class variable's). */
static const char *const_code(Emit *E, Expr *d)
{
    switch (d->kind) {
    case E_STR: return str_literal(E, d->v.str.s, d->v.str.len);
    case E_NONE: return "NULL";
    case E_BOOL: return d->v.bval ? "true" : "false";
    case E_INT: return int_literal(E, d->v.ival);
    case E_FLOAT: return float_literal(E, d->v.fval);
    case E_UNARY:
        if (d->lhs->kind == E_INT)
            return int_literal(E, -d->lhs->v.ival);
        if (d->lhs->kind == E_FLOAT)
            return float_literal(E, -d->lhs->v.fval);
        break;
    default:
        break;
    }
    return "0";
}

/* ------------------------------------------------------------------ */
/* Classes                                                              */

static Func *find_method_e(ClassInfo *ci, const char *name)
{
    for (; ci && !ci->builtin; ci = ci->base)
        for (int i = 0; i < ci->methods.n; i++)
            if (!strcmp(((Func *)ci->methods.items[i])->name, name))
                return ci->methods.items[i];
    return NULL;
}

/* The vtable slots of c: method names, the ancestors' first. */
static void vt_slots(ClassInfo *c, PtrVec *names, Arena *a)
{
    if (c->base && !c->base->builtin)
        vt_slots(c->base, names, a);
    for (int i = 0; i < c->methods.n; i++) {
        Func *m = c->methods.items[i];
        if (!strcmp(m->name, "__init__") || !strcmp(m->name, "__del__"))
            continue;
        bool have = false;
        for (int j = 0; j < names->n && !have; j++)
            have = !strcmp(names->items[j], m->name);
        if (!have)
            vec_push(a, names, (void *)m->name);
    }
}

/* struct, vtable type and element-operation prototypes of a class. */
static void class_decls(Emit *E, ClassInfo *c, StrBuf *structs, StrBuf *protos)
{
    sb_printf(structs, "struct %s {\n    tauraro_obj_t hdr;\n    const tauraro_class_t *cls;\n",
              c->cname);
    if (c->is_exception)
        sb_puts(structs, "    tauraro_str_t *msg;\n    tauraro_keepalive_t *keep;\n");
    for (int i = 0; i < c->fields.n; i++) {
        Symbol *f = c->fields.items[i];
        sb_printf(structs, "    %s;\n", typed(E, ctype(E, f->type), f->cname));
    }
    sb_puts(structs, "};\n\n");
    PtrVec slots = {0};
    vt_slots(c, &slots, &E->c->arena);
    sb_printf(structs, "struct vt_%s {\n    tauraro_class_t info;\n", c->name);
    for (int i = 0; i < slots.n; i++) {
        Func *m = find_method_e(c, slots.items[i]);
        StrBuf sig = {0};
        sb_printf(&sig, "(*m_%s)(%s *", m->name, self_class(m)->cname);
        for (int j = 1; j < m->nparams; j++)
            sb_printf(&sig, ", %s", ctype(E, m->params[j]->type));
        sb_putc(&sig, ')');
        sb_printf(structs, "    %s;\n",
                  typed(E, m->ret->kind == T_NONE ? "void" : ctype(E, m->ret), sig.data));
        sb_free(&sig);
    }
    sb_printf(structs, "};\nstatic const struct vt_%s vt_%s;\n\n", c->name, c->name);
    /* the constructor */
    Func *init = find_method_e(c, "__init__");
    sb_printf(protos, "static %s *new_%s(", c->cname, c->name);
    if (init && init->nparams > 1) {
        for (int j = 1; j < init->nparams; j++)
            sb_printf(protos, "%s%s", j > 1 ? ", " : "",
                      typed(E, ctype(E, init->params[j]->type), init->params[j]->cname));
    } else if (c->is_exception) {
        sb_puts(protos, "tauraro_str_t *msg");
    } else {
        sb_puts(protos, "void");
    }
    sb_puts(protos, ") __attribute__((unused));\n");
}

static void class_element_protos(Emit *E, ClassInfo *c, StrBuf *out)
{
    const char *P = c->cname, *T = fmt(E, "%s *", c->cname);
    sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_incref(%s);\n", P, typed(E, T, "o"));
    sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_decref(%s);\n", P, typed(E, T, "o"));
    sb_printf(out, "TAURARO_INLINE_U bool tauraro_%s_eq(%s, %s);\n", P, typed(E, T, "a"), typed(E, T, "b"));
    sb_printf(out, "TAURARO_INLINE_U bool tauraro_%s_lt(%s, %s);\n", P, typed(E, T, "a"), typed(E, T, "b"));
    sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_repr_sb(tauraro_sb_t *sb, %s);\n", P, typed(E, T, "o"));
    sb_printf(out, "TAURARO_INLINE_U uint64_t tauraro_%s_hash(%s);\n", P, typed(E, T, "o"));
    sb_printf(out, "TAURARO_INLINE_U %s tauraro_%s_move(%s, tauraro_move_t *m);\n", T, P, typed(E, T, "o"));
    sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_held(const tauraro_obj_t *w, %s);\n", P, typed(E, T, "o"));
}

/* The C expression calling method m of class c on `self` (of C type
 * c) with argument code `args`. */
static const char *call_on(Emit *E, ClassInfo *c, Func *m, const char *self, const char *args)
{
    return method_call_code(E, c, m, self, args, true);
}

static void class_defs(Emit *E, ClassInfo *c, StrBuf *out)
{
    const char *P = c->cname, *T = fmt(E, "%s *", c->cname);
    /* element operations */
    sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_incref(%s) { tauraro_incref(o); }\n", P,
              typed(E, T, "o"));
    if (c->is_exception)
        sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_decref(%s) { tauraro_exc_decref((tauraro_exc_t *)o); }\n",
                  P, typed(E, T, "o"));
    else
        sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_decref(%s) { tauraro_inst_decref(o); }\n",
                  P, typed(E, T, "o"));
    const char *fallback[2] = {
        "return a == b;", /* identity, as object.__eq__ */
        fmt(E, "(void)a;\n    (void)b;\n    tauraro_raise_msg(&tauraro_cls_TypeError, \"'<' not "
               "supported between instances of '%s' and '%s'\");\n    return false;",
            c->name, c->name),
    };
    for (int k = 0; k < 2; k++) {
        Func *m = find_method_e(c, k ? "__lt__" : "__eq__");
        sb_printf(out, "TAURARO_INLINE_U bool tauraro_%s_%s(%s, %s)\n{\n    ", P, k ? "lt" : "eq",
                  typed(E, T, "a"), typed(E, T, "b"));
        if (E->c->opts.memory_debug) /* what containers compare must be alive */
            sb_puts(out, "TAURARO_DBG_USE(a);\n    TAURARO_DBG_USE(b);\n    ");
        if (m && m->nparams == 2) {
            if (owned_param(E, m, 1)) /* the method's parameter takes a reference */
                sb_puts(out, "tauraro_incref(b);\n    ");
            sb_printf(out, "return %s;",
                      call_on(E, c, m, "a", fmt(E, "(%s)b", ctype(E, m->params[1]->type))));
        } else {
            sb_puts(out, fallback[k]);
        }
        sb_puts(out, "\n}\n");
    }
    sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_repr_sb(tauraro_sb_t *sb, %s) { tauraro_inst_repr_sb(sb, o); }\n",
              P, typed(E, T, "o"));
    sb_printf(out, "TAURARO_INLINE_U uint64_t tauraro_%s_hash(%s) { return tauraro_inst_hash(o); }\n",
              P, typed(E, T, "o"));
    sb_printf(out, "TAURARO_INLINE_U %s tauraro_%s_move(%s, tauraro_move_t *m) { return (%s)tauraro_inst_move(o, m); }\n",
              T, P, typed(E, T, "o"), T);
    if (c->is_exception)
        sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_held(const tauraro_obj_t *w, %s) { tauraro_exc_held(w, (tauraro_exc_t *)o); }\n\n",
                  P, typed(E, T, "o"));
    else
        sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_held(const tauraro_obj_t *w, %s) { tauraro_inst_held(w, o); }\n\n",
                  P, typed(E, T, "o"));

    /* __str__ / __repr__ for the class descriptor */
    const char *names[2] = {"__str__", "__repr__"};
    const char *slot[2] = {"NULL", "NULL"};
    for (int k = 0; k < 2; k++) {
        Func *m = find_method_e(c, names[k]);
        if (!m || m->ret->kind != T_STR)
            continue;
        slot[k] = fmt(E, "vt%s_%s", k ? "repr" : "str", c->name);
        sb_printf(out, "static tauraro_str_t *%s(void *o)\n{\n    return %s((%s *)o);\n}\n\n",
                  slot[k], m->cname, self_class(m)->cname);
    }
    /* the destructor: __del__, then the fields */
    Func *del = find_method_e(c, "__del__");
    bool any_field = false;
    for (int i = 0; i < c->fields.n; i++)
        any_field |= managed(((Symbol *)c->fields.items[i])->type);
    const char *dtor = "NULL";
    if (del || any_field) {
        dtor = fmt(E, "dtor_%s", c->name);
        sb_printf(out, "static void %s(void *obj)\n{\n    %s *self = obj;\n", dtor, c->cname);
        if (del) {
            sb_puts(out, "    /* __del__ runs with no exception pending; one it raises is ignored */\n");
            sb_puts(out, "    tauraro_exc_t *pending = tauraro_exc_fetch();\n");
            sb_printf(out, "    %s((%s *)self);\n", del->cname, self_class(del)->cname);
            sb_puts(out, "    tauraro_exc_decref(tauraro_exc_fetch());\n");
            sb_puts(out, "    tauraro_cur_exc = pending;\n");
        }
        for (int i = 0; i < c->fields.n; i++) {
            Symbol *f = c->fields.items[i];
            if (managed(f->type))
                sb_printf(out, "    %s(self->%s);\n", decref_fn(E, f->type), f->cname);
        }
        sb_puts(out, "}\n\n");
    }
    /* moving an instance out of its arena, or adopting a manual one: the
     * copy (or the object itself) gets its fields moved too. Exceptions are
     * always counted objects: they never move. */
    const char *move = "NULL";
    if (!c->is_exception) {
        move = fmt(E, "move_%s", c->name);
        sb_printf(out, "static void fill_%s(void *old, void *new_, tauraro_move_t *m)\n{\n"
                       "    %s *o = old, *n = new_;\n    (void)o;\n    (void)n;\n    (void)m;\n",
                  c->name, c->cname);
        for (int i = 0; i < c->fields.n; i++) {
            Symbol *f = c->fields.items[i];
            if (managed(f->type)) {
                sb_printf(out, "    n->%s = %s(o->%s, m);\n", f->cname, op_fn(E, f->type, "move"),
                          f->cname);
                sb_printf(out, "    TAURARO_HOLD_MOVE_((tauraro_obj_t *)n, %s, n->%s);\n",
                          op_fn(E, f->type, "held"), f->cname);
            }
        }
        sb_puts(out, "}\n\n");
        sb_printf(out, "static void *%s(void *obj, tauraro_move_t *m)\n{\n    %s *o = obj, *n;\n", move,
                  c->cname);
        sb_puts(out, "    if (m->adopt) {\n        n = tauraro_move_adopt(m, o);\n    } else {\n");
        sb_printf(out, "        n = tauraro_move_put(m, o, tauraro_obj_new(sizeof(%s), TAURARO_TAG_INSTANCE));\n",
                  c->cname);
        sb_puts(out, "        memcpy((char *)n + sizeof(tauraro_obj_t), (char *)o + sizeof(tauraro_obj_t),\n"
                     "               sizeof *n - sizeof(tauraro_obj_t));\n    }\n");
        sb_printf(out, "    return tauraro_move_fill(m, fill_%s, o, n);\n}\n\n", c->name);
    }
    /* the class descriptor and vtable */
    PtrVec slots = {0};
    vt_slots(c, &slots, &E->c->arena);
    const char *base = !c->base ? "NULL" : c->base->cdesc;
    sb_printf(out, "static const struct vt_%s vt_%s = {\n    {\"%s\", %s, %s, %s, %s, %s},\n", c->name,
              c->name, c->name, base, dtor, slot[0], slot[1], move);
    for (int i = 0; i < slots.n; i++) {
        Func *m = find_method_e(c, slots.items[i]);
        sb_printf(out, "    %s,\n", m->cname);
    }
    sb_puts(out, "};\n\n");
    /* the constructor */
    Func *init = find_method_e(c, "__init__");
    sb_printf(out, "static %s *new_%s(", c->cname, c->name);
    StrBuf args = {0};
    if (init && init->nparams > 1) {
        for (int j = 1; j < init->nparams; j++) {
            sb_printf(out, "%s%s", j > 1 ? ", " : "",
                      typed(E, ctype(E, init->params[j]->type), init->params[j]->cname));
            sb_printf(&args, ", %s", init->params[j]->cname);
        }
    } else if (c->is_exception) {
        sb_puts(out, "tauraro_str_t *msg");
    } else {
        sb_puts(out, "void");
    }
    /* exceptions outlive the arena they are raised in: always counted */
    sb_printf(out, ")\n{\n    %s *self = (%s *)%s(sizeof(%s), TAURARO_TAG_INSTANCE);\n",
              c->cname, c->cname, c->is_exception ? "tauraro_alloc_rc" : "tauraro_obj_new", c->cname);
    sb_puts(out, "    memset((char *)self + sizeof(tauraro_obj_t), 0, sizeof *self - sizeof(tauraro_obj_t));\n");
    sb_printf(out, "    self->cls = &vt_%s.info;\n", c->name);
    if (c->is_exception) {
        if (init && init->nparams > 1) {
            /* Python keeps the constructor's arguments: str(e) is the one argument,
             * until Exception.__init__ sets a message */
            sb_puts(out, "    tauraro_sb_t sb = TAURARO_SB_INIT;\n");
            int n = init->nparams - 1;
            if (n > 1)
                sb_puts(out, "    tauraro_sb_putc(&sb, '(');\n");
            for (int j = 1; j <= n; j++) {
                Type *pt = init->params[j]->type;
                const char *nm = init->params[j]->cname;
                if (j > 1)
                    sb_puts(out, "    tauraro_sb_append_cstr(&sb, \", \");\n");
                if (n == 1 && pt->kind == T_STR)
                    sb_printf(out, "    tauraro_sb_append_str(&sb, %s);\n", nm);
                else if (n == 1 && pt->kind == T_CLASS)
                    sb_printf(out, "    { tauraro_str_t *s = tauraro_inst_str(%s); if (s) tauraro_sb_append_str(&sb, s); tauraro_str_decref(s); }\n", nm);
                else
                    sb_printf(out, "    %s(&sb, %s);\n", op_fn(E, pt, "repr_sb"), nm);
            }
            if (n > 1)
                sb_puts(out, "    tauraro_sb_putc(&sb, ')');\n");
            /* the message outlives any arena: tauraro_exc_set_msg copies it out */
            sb_puts(out, "    tauraro_str_t *tr_msg = tauraro_sb_to_str(&sb);\n");
            sb_puts(out, "    self->msg = &tauraro_str_empty;\n");
            sb_puts(out, "    tauraro_exc_set_msg(self, tr_msg);\n");
            sb_puts(out, "    tauraro_str_decref(tr_msg);\n");
        } else if (!init) {
            sb_puts(out, "    self->msg = &tauraro_str_empty;\n");
            sb_puts(out, "    if (msg != NULL)\n        tauraro_exc_set_msg(self, msg);\n");
        } else {
            sb_puts(out, "    self->msg = &tauraro_str_empty;\n");
        }
    }
    for (int i = 0; i < c->fields.n; i++) {
        Symbol *f = c->fields.items[i];
        if (!f->defval)
            continue;
        sb_printf(out, "    self->%s = %s;\n", f->cname, const_code(E, f->defval));
    }
    if (init) {
        sb_printf(out, "    %s((%s *)self%s);\n", init->cname, self_class(init)->cname,
                  args.data ? args.data : "");
        sb_puts(out, "    if (TAURARO_EXC_PENDING()) {\n");
        if (E->has_del) /* __init__'s frame, with self, lives on in the exception */
            sb_printf(out, "        tauraro_exc_keep(self, (void (*)(void *))(void (*)(void))tauraro_%s_decref);\n", P);
        else
            sb_printf(out, "        tauraro_%s_decref(self);\n", P);
        sb_puts(out, "        return NULL;\n    }\n");
    }
    sb_free(&args);
    sb_puts(out, "    return self;\n}\n\n");
}

/* ------------------------------------------------------------------ */
/* Types: tuples and containers, instantiated in dependency order       */

static bool preinstantiated(Emit *E, Type *t)
{
    static const char *lists[] = {"int", "float", "bool", "str"};
    if (t->kind == T_LIST) {
        const char *p = tprefix(E, t->elem);
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
            if (!strcmp(p, lists[i]))
                return true;
        return false;
    }
    if (t->kind == T_DICT) {
        const char *k = tprefix(E, t->key), *v = tprefix(E, t->elem);
        return (!strcmp(k, "str") || !strcmp(k, "int")) &&
               (!strcmp(v, "int") || !strcmp(v, "str") || !strcmp(v, "float") || !strcmp(v, "bool"));
    }
    return false;
}

static void emit_tuple_type(Emit *E, Type *t, StrBuf *out)
{
    const char *P = tprefix(E, t), *T = ctype(E, t);
    int n = t->nitems;
    sb_printf(out, "typedef struct tr_%s {\n", P);
    for (int i = 0; i < n; i++)
        sb_printf(out, "    %s;\n", typed(E, ctype(E, t->items[i]), fmt(E, "f%d", i)));
    if (n == 0)
        sb_puts(out, "    char empty;\n");
    sb_printf(out, "} %s;\n", T);
    /* make: from borrowed parts */
    sb_printf(out, "TAURARO_INLINE_U %s tauraro_%s_make(", T, P);
    for (int i = 0; i < n; i++)
        sb_printf(out, "%s%s", i ? ", " : "", typed(E, ctype(E, t->items[i]), fmt(E, "f%d", i)));
    sb_printf(out, "%s)\n{\n", n ? "" : "void");
    for (int i = 0; i < n; i++)
        if (managed(t->items[i]))
            sb_printf(out, "    %s(f%d);\n", incref_fn(E, t->items[i]), i);
    sb_printf(out, "    return (%s){", T);
    for (int i = 0; i < n; i++)
        sb_printf(out, "%sf%d", i ? ", " : "", i);
    sb_puts(out, n ? "};\n}\n" : "0};\n}\n");
    const char *ops[2] = {"incref", "decref"};
    for (int k = 0; k < 2; k++) {
        sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_%s(%s t)\n{\n    (void)t;\n", P, ops[k], T);
        /* items are released last to first, as CPython does */
        for (int j = 0; j < n; j++) {
            int i = k ? n - 1 - j : j;
            if (managed(t->items[i]))
                sb_printf(out, "    %s(t.f%d);\n", op_fn(E, t->items[i], ops[k]), i);
        }
        sb_puts(out, "}\n");
    }
    sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_held(const tauraro_obj_t *w, %s t)\n{\n    (void)w;\n    (void)t;\n", P, T);
    for (int i = 0; i < n; i++)
        if (managed(t->items[i]))
            sb_printf(out, "    %s(w, t.f%d);\n", op_fn(E, t->items[i], "held"), i);
    sb_puts(out, "}\n");
    sb_printf(out, "TAURARO_INLINE_U %s tauraro_%s_move(%s t, tauraro_move_t *m)\n{\n    (void)m;\n", T, P, T);
    for (int i = 0; i < n; i++)
        if (managed(t->items[i]))
            sb_printf(out, "    t.f%d = %s(t.f%d, m);\n", i, op_fn(E, t->items[i], "move"), i);
    sb_puts(out, "    return t;\n}\n");
    sb_printf(out, "TAURARO_INLINE_U bool tauraro_%s_eq(%s a, %s b)\n{\n    (void)a;\n    (void)b;\n    return true", P, T, T);
    for (int i = 0; i < n; i++)
        sb_printf(out, " && %s(a.f%d, b.f%d)", op_fn(E, t->items[i], "eq"), i, i);
    sb_puts(out, ";\n}\n");
    sb_printf(out, "TAURARO_INLINE_U bool tauraro_%s_lt(%s a, %s b)\n{\n    (void)a;\n    (void)b;\n", P, T, T);
    for (int i = 0; i < n; i++)
        sb_printf(out, "    if (!%s(a.f%d, b.f%d))\n        return %s(a.f%d, b.f%d);\n",
                  op_fn(E, t->items[i], "eq"), i, i, op_fn(E, t->items[i], "lt"), i, i);
    sb_puts(out, "    return false;\n}\n");
    sb_printf(out, "TAURARO_INLINE_U void tauraro_%s_repr_sb(tauraro_sb_t *sb, %s t)\n{\n    (void)t;\n    tauraro_sb_putc(sb, '(');\n", P, T);
    for (int i = 0; i < n; i++) {
        if (i)
            sb_puts(out, "    tauraro_sb_append_cstr(sb, \", \");\n");
        sb_printf(out, "    %s(sb, t.f%d);\n", op_fn(E, t->items[i], "repr_sb"), i);
    }
    sb_printf(out, "    tauraro_sb_append_cstr(sb, \"%s\");\n}\n", n == 1 ? ",)" : ")");
    if (hashable_type(t)) {
        sb_printf(out, "TAURARO_INLINE_U uint64_t tauraro_%s_hash(%s t)\n{\n    uint64_t h = 0x345678u;\n    (void)t;\n", P, T);
        for (int i = 0; i < n; i++)
            sb_printf(out, "    h = (h ^ %s(t.f%d)) * 1000003u;\n", op_fn(E, t->items[i], "hash"), i);
        sb_puts(out, "    return h;\n}\n");
    }
    sb_printf(out, "TAURARO_INLINE_U tauraro_str_t *tauraro_%s_str(%s t)\n{\n    tauraro_sb_t sb = TAURARO_SB_INIT;\n    tauraro_%s_repr_sb(&sb, t);\n    return tauraro_sb_to_str(&sb);\n}\n\n", P, T, P);
}

static void emit_type_def(Emit *E, Type *t, PtrVec *done, StrBuf *out)
{
    for (int i = 0; i < done->n; i++)
        if (done->items[i] == t)
            return;
    vec_push(&E->c->arena, done, t);
    switch (t->kind) {
    case T_LIST:
        emit_type_def(E, t->elem, done, out);
        if (!preinstantiated(E, t))
            sb_printf(out, "TAURARO_LIST_DEFINE(%s, %s);\n", tprefix(E, t->elem), ctype(E, t->elem));
        break;
    case T_DICT:
        emit_type_def(E, t->key, done, out);
        emit_type_def(E, t->elem, done, out);
        emit_type_def(E, type_list(E->c, t->key), done, out);
        emit_type_def(E, type_list(E->c, t->elem), done, out);
        if (!preinstantiated(E, t))
            sb_printf(out, "TAURARO_DICT_DEFINE(%s, %s, %s, %s);\n", tprefix(E, t->key),
                      ctype(E, t->key), tprefix(E, t->elem), ctype(E, t->elem));
        break;
    case T_TUPLE:
        for (int i = 0; i < t->nitems; i++)
            emit_type_def(E, t->items[i], done, out);
        emit_tuple_type(E, t, out);
        break;
    case T_OPTIONAL:
        emit_type_def(E, t->elem, done, out);
        if (type_is_ref(t->elem)) {
            sb_printf(out, "TAURARO_OPTREF_DEFINE(%s, %s);\n", tprefix(E, t->elem), ctype(E, t->elem));
            if (hashable_type(t->elem))
                sb_printf(out, "TAURARO_OPTREF_HASH_DEFINE(%s, %s);\n", tprefix(E, t->elem),
                          ctype(E, t->elem));
        }
        break;
    default:
        break;
    }
}

void emit_program(Compiler *c, Program *p, StrBuf *out)
{
    Emit E = {0};
    E.c = c;
    E.p = p;
    E.handler = "tr_end";
    for (int i = 0; i < p->classes.n; i++)
        if (find_method_e(p->classes.items[i], "__del__"))
            E.has_del = true;
    StrBuf funcs = {0}, protos = {0}, structs = {0}, classdefs = {0}, elemprotos = {0};
    for (int i = 0; i < p->funcs.n; i++)
        emit_function(&E, p->funcs.items[i], &funcs);
    emit_function(&E, p->main, &funcs);
    for (int i = 0; i < p->classes.n; i++) {
        ClassInfo *ci = p->classes.items[i];
        class_element_protos(&E, ci, &elemprotos);
        class_decls(&E, ci, &structs, &protos);
        class_defs(&E, ci, &classdefs);
    }
    for (int i = 0; i < p->funcs.n; i++) {
        signature(&E, &protos, p->funcs.items[i], true);
        sb_puts(&protos, ";\n");
    }
    StrBuf globals = {0};
    for (int i = 0; i < p->classes.n; i++) {
        ClassInfo *ci = p->classes.items[i];
        for (int j = 0; j < ci->classvars.n; j++) {
            Symbol *cv = ci->classvars.items[j];
            sb_printf(&globals, "static %s = %s;\n", typed(&E, ctype(&E, cv->type), cv->cname),
                      const_code(&E, cv->defval));
        }
    }
    for (int i = 0; i < p->globals.n; i++) {
        Symbol *g = p->globals.items[i];
        if (g->kind != SYM_VAR || !g->type)
            continue;
        sb_printf(&globals, "static %s;\n", typed(&E, ctype(&E, g->type), g->cname));
    }
    /* every type named so far, with what it is made of first */
    StrBuf types = {0};
    PtrVec done = {0};
    for (int i = 0; i < E.types.n; i++)
        emit_type_def(&E, E.types.items[i], &done, &types);

    sb_printf(out, "/* Generated by tauraro %s from %s. */\n", TAURARO_VERSION, c->filename);
    if (c->opts.memory_debug) /* --memory-debug: the runtime records and checks */
        sb_puts(out, "#define TAURARO_MEMORY_DEBUG 1\n");
    sb_puts(out, "#include \"tauraro/runtime.h\"\n\n");
    sb_puts(out, "/* On a pending exception: record this frame, unwind to its handler. */\n"
                 "#define TR_CHECK(func, line, label) \\\n"
                 "    do { \\\n"
                 "        if (TAURARO_EXC_PENDING()) { \\\n"
                 "            tauraro_tb_add((func), (line)); \\\n"
                 "            goto label; \\\n"
                 "        } \\\n"
                 "    } while (0)\n\n");
    for (int i = 0; i < p->classes.n; i++) {
        ClassInfo *ci = p->classes.items[i];
        sb_printf(out, "typedef struct %s %s;\n", ci->cname, ci->cname);
    }
    StrBuf *parts[] = {&elemprotos, &types, &structs, &E.strings, &globals, &protos, &classdefs, &funcs};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i]->len) {
            sb_putc(out, '\n');
            sb_putn(out, parts[i]->data, parts[i]->len);
        }
        sb_free(parts[i]);
    }
}
