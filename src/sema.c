/* sema.c - name resolution and type checking.
 *
 * Reads the AST and fills in Expr.type, Expr.sym, the call bindings and
 * the Func/Symbol tables the emitter works from. Every value gets one
 * native type; a program that would behave differently from CPython under
 * those types is rejected here with a located error.
 *
 * Functions are checked lazily: a call to a function whose return type is
 * not annotated checks that function's body first (recursion sees the
 * type set by the first `return`). Whatever is never called is checked at
 * the end, when every module-level variable has its type.
 */
#include <string.h>

#include "compiler.h"

typedef struct Sema {
    Compiler *c;
    Program *p;
    Func *fn;  /* the function being checked (p->main for module code) */
    int loops; /* nesting depth of loops in fn */
    Symbol *builtins[BI_COUNT_];
    Expr *for_iter; /* the iterable of the for loop being checked */
    PtrVec bound;   /* Symbol*: variables definitely assigned at this point */
} Sema;

#define ERR(s, pos, ...) diag_error((s)->c, (pos), __VA_ARGS__)

static Type *prim(Sema *s, TypeKind k) { return type_prim(s->c, k); }
static const char *tname(Sema *s, Type *t) { return type_name(s->c, t); }

static Type *check_expr(Sema *s, Expr *e, Type *expect);
static void check_block(Sema *s, PtrVec *body);
static void check_func(Sema *s, Func *fn);
static void check_loop_body(Sema *s, Stmt *st);

/* ------------------------------------------------------------------ */
/* Builtins                                                             */

static const struct {
    const char *name;
    BuiltinId id;
} builtin_funcs[] = {
    {"print", BI_PRINT}, {"len", BI_LEN},     {"str", BI_STR},     {"int", BI_INT},
    {"float", BI_FLOAT}, {"bool", BI_BOOL},   {"abs", BI_ABS},     {"min", BI_MIN},
    {"max", BI_MAX},     {"round", BI_ROUND}, {"range", BI_RANGE}, {"repr", BI_REPR},
    {"ord", BI_ORD},     {"chr", BI_CHR},     {"isinstance", BI_ISINSTANCE},
    {"sum", BI_SUM},     {"sorted", BI_SORTED}, {"enumerate", BI_ENUMERATE}, {"zip", BI_ZIP},
};

static BuiltinId builtin_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof builtin_funcs / sizeof builtin_funcs[0]; i++)
        if (strcmp(builtin_funcs[i].name, name) == 0)
            return builtin_funcs[i].id;
    return BI_NONE;
}

/* C keywords and names the emitted code reserves; a source name that
 * collides gets a `v_` prefix. */
static bool reserved_c_name(const char *n)
{
    static const char *const kw[] = {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
        "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
        "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
        "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool",
        "bool", "true", "false", "NULL", "main", "argc", "argv", "errno", "stdin",
        "stdout", "stderr", "assert", "offsetof", "INFINITY", "NAN", "EOF",
    };
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strcmp(kw[i], n) == 0)
            return true;
    return n[0] == '_' || strncmp(n, "tauraro", 7) == 0 || strncmp(n, "TAURARO", 7) == 0 ||
           strncmp(n, "tr_", 3) == 0 || strncmp(n, "fn_", 3) == 0 ||
           strncmp(n, "g_", 2) == 0 || strncmp(n, "v_", 2) == 0;
}

static const char *local_cname(Sema *s, const char *name)
{
    return reserved_c_name(name) ? arena_printf(&s->c->arena, "v_%s", name) : name;
}

/* ------------------------------------------------------------------ */
/* Symbols                                                              */

static Symbol *new_symbol(Sema *s, SymKind kind, const char *name, SrcPos pos)
{
    Symbol *sym = arena_alloc(&s->c->arena, sizeof *sym);
    sym->kind = kind;
    sym->name = name;
    sym->pos = pos;
    return sym;
}

static Symbol *find_in(PtrVec *v, const char *name)
{
    for (int i = 0; i < v->n; i++) {
        Symbol *sym = v->items[i];
        if (strcmp(sym->name, name) == 0)
            return sym;
    }
    return NULL;
}

/* Definite assignment: the set of variables assigned on every path to
 * the current point. A read outside it is checked at run time (Python's
 * NameError / UnboundLocalError) instead of reading garbage. */
static bool is_bound(Sema *s, Symbol *sym)
{
    for (int i = 0; i < s->bound.n; i++)
        if (s->bound.items[i] == sym)
            return true;
    return false;
}

static void mark_bound(Sema *s, Symbol *sym)
{
    if (!is_bound(s, sym))
        vec_push(&s->c->arena, &s->bound, sym);
}

static PtrVec bound_copy(Sema *s, PtrVec *v)
{
    PtrVec copy = {0};
    for (int i = 0; i < v->n; i++)
        vec_push(&s->c->arena, &copy, v->items[i]);
    return copy;
}

static PtrVec bound_save(Sema *s)
{
    return bound_copy(s, &s->bound);
}

/* Keep only what is also bound in `other`. */
static void bound_intersect(Sema *s, PtrVec *other)
{
    int k = 0;
    for (int i = 0; i < s->bound.n; i++) {
        bool both = false;
        for (int j = 0; j < other->n && !both; j++)
            both = other->items[j] == s->bound.items[i];
        if (both)
            s->bound.items[k++] = s->bound.items[i];
    }
    s->bound.n = k;
}

static bool declared_global(Func *fn, const char *name)
{
    for (int i = 0; i < fn->global_names.n; i++)
        if (strcmp(fn->global_names.items[i], name) == 0)
            return true;
    return false;
}

static Symbol *find_local(Func *fn, const char *name)
{
    for (int i = 0; i < fn->nparams; i++)
        if (strcmp(fn->params[i]->name, name) == 0)
            return fn->params[i];
    return find_in(&fn->locals, name);
}

static Symbol *global_symbol(Sema *s, const char *name)
{
    return find_in(&s->p->globals, name);
}

/* A module-level variable, made on first sight (also from `global x`
 * followed by an assignment inside a function). */
static Symbol *global_var(Sema *s, const char *name, SrcPos pos)
{
    Symbol *sym = global_symbol(s, name);
    if (!sym) {
        sym = new_symbol(s, SYM_VAR, name, pos);
        sym->global = true;
        sym->cname = arena_printf(&s->c->arena, "g_%s", name);
        vec_push(&s->c->arena, &s->p->globals, sym);
    }
    return sym;
}

static Symbol *builtin_symbol(Sema *s, const char *name)
{
    Symbol **cache = s->builtins;
    BuiltinId id = builtin_lookup(name);
    if (id == BI_NONE)
        return NULL;
    if (!cache[id]) {
        cache[id] = new_symbol(s, SYM_BUILTIN, name, (SrcPos){0, 0});
        cache[id]->builtin = id;
    }
    return cache[id];
}

/* Resolve a name read in the current function, Python's LEGB without the E
 * (closures that capture are not supported). */
static Symbol *lookup(Sema *s, const char *name, SrcPos pos)
{
    Func *fn = s->fn;
    if (fn != s->p->main) {
        if (declared_global(fn, name))
            return global_symbol(s, name);
        Symbol *sym = find_local(fn, name);
        if (sym)
            return sym;
        for (Func *o = fn->outer; o; o = o->outer) {
            Symbol *osym = find_local(o, name);
            if (osym && osym->kind == SYM_FUNC)
                return osym;
            if (osym) {
                ERR(s, pos, "closures that capture variables are not supported ('%s' of '%s')",
                    name, o->name);
                return osym;
            }
        }
    }
    Symbol *sym = global_symbol(s, name);
    if (sym)
        return sym;
    return builtin_symbol(s, name);
}

/* ------------------------------------------------------------------ */
/* Type annotations                                                     */

static Type *resolve_type(Sema *s, Expr *e);

static Type *resolve_named(Sema *s, const char *n, Expr *e)
{
    static const struct {
        const char *name;
        TypeKind kind;
    } prims[] = {
        {"int", T_INT},       {"float", T_FLOAT},   {"bool", T_BOOL}, {"str", T_STR},
        {"None", T_NONE},     {"Buffer", T_BUFFER}, {"Arena", T_ARENA},
    };
    for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
        if (strcmp(prims[i].name, n) == 0)
            return prim(s, prims[i].kind);
    Symbol *sym = global_symbol(s, n);
    if (sym && sym->kind == SYM_CLASS)
        return sym->cls->type;
    ERR(s, e->pos, "unknown type '%s'", n);
    return prim(s, T_ERROR);
}

/* The arguments of a subscripted annotation: X[a, b] -> {a, b}. */
static int type_args(Expr *index, Expr ***out)
{
    if (index->kind == E_TUPLE && !index->parens) {
        *out = (Expr **)index->items.items;
        return index->items.n;
    }
    static Expr *one[1];
    one[0] = index;
    *out = one;
    return 1;
}

static Type *resolve_subscript(Sema *s, Expr *e)
{
    const char *n = e->lhs->kind == E_NAME ? e->lhs->v.name : "";
    Expr **args;
    int nargs = type_args(e->rhs, &args);
    Type *targs[16];
    if (nargs > 16) {
        ERR(s, e->pos, "too many type arguments");
        return prim(s, T_ERROR);
    }
    for (int i = 0; i < nargs; i++)
        targs[i] = resolve_type(s, args[i]);
    if (!strcmp(n, "list") || !strcmp(n, "List")) {
        if (nargs == 1)
            return type_list(s->c, targs[0]);
    } else if (!strcmp(n, "dict") || !strcmp(n, "Dict")) {
        if (nargs == 2)
            return type_dict(s->c, targs[0], targs[1]);
    } else if (!strcmp(n, "tuple") || !strcmp(n, "Tuple")) {
        return type_tuple(s->c, targs, nargs);
    } else if (!strcmp(n, "Optional")) {
        if (nargs == 1)
            return type_optional(s->c, targs[0]);
    } else {
        ERR(s, e->pos, "unknown generic type '%s'", n);
        return prim(s, T_ERROR);
    }
    ERR(s, e->pos, "wrong number of type arguments for '%s'", n);
    return prim(s, T_ERROR);
}

static Type *resolve_type(Sema *s, Expr *e)
{
    switch (e->kind) {
    case E_NAME:
        return resolve_named(s, e->v.name, e);
    case E_NONE:
        return prim(s, T_NONE);
    case E_STR: /* forward reference "Node" */
        return resolve_named(s, arena_strndup(&s->c->arena, e->v.str.s, (size_t)e->v.str.len), e);
    case E_INDEX:
        return resolve_subscript(s, e);
    case E_BINARY:
        if (e->op == OP_BITOR) {
            Type *a = resolve_type(s, e->lhs), *b = resolve_type(s, e->rhs);
            if (b->kind == T_NONE)
                return type_optional(s->c, a);
            if (a->kind == T_NONE)
                return type_optional(s->c, b);
            ERR(s, e->pos, "union types other than 'T | None' are not supported");
            return prim(s, T_ERROR);
        }
        break;
    case E_CALL:
        /* owned(T) / borrowed(T): ownership notes on a type */
        if (e->lhs->kind == E_NAME && e->args.n == 1 &&
            (!strcmp(e->lhs->v.name, "owned") || !strcmp(e->lhs->v.name, "borrowed")))
            return resolve_type(s, ((Arg *)e->args.items[0])->value);
        break;
    default:
        break;
    }
    ERR(s, e->pos, "invalid type annotation");
    return prim(s, T_ERROR);
}

/* ------------------------------------------------------------------ */
/* Type relations                                                       */

static bool is_err(Type *t) { return t->kind == T_ERROR; }

/* May a value of type `from` be stored where `to` is expected? No implicit
 * numeric conversions: CPython keeps an int an int, and so must we. */
static bool assignable(Type *to, Type *from)
{
    if (to == from || is_err(to) || is_err(from))
        return true;
    if (to->kind == T_OPTIONAL)
        return from->kind == T_NONE || assignable(to->elem, from);
    if (to->kind == T_CLASS && from->kind == T_CLASS) {
        for (ClassInfo *ci = from->cls; ci; ci = ci->base)
            if (ci == to->cls)
                return true;
    }
    return false;
}

static bool printable(Type *t)
{
    switch (t->kind) {
    case T_INT: case T_FLOAT: case T_BOOL: case T_STR: case T_NONE: case T_ERROR:
        return true;
    case T_OPTIONAL:
        return printable(t->elem);
    default:
        return false;
    }
}

/* ------------------------------------------------------------------ */
/* Expressions                                                          */

static Type *set_type(Expr *e, Type *t)
{
    e->type = t;
    return t;
}

static Type *check_name(Sema *s, Expr *e)
{
    Symbol *sym = lookup(s, e->v.name, e->pos);
    if (!sym) {
        ERR(s, e->pos, "name '%s' is not defined", e->v.name);
        return set_type(e, prim(s, T_ERROR));
    }
    e->sym = sym;
    switch (sym->kind) {
    case SYM_VAR:
    case SYM_PARAM:
        if (!sym->type) {
            ERR(s, e->pos, "name '%s' is used before it is assigned", e->v.name);
            sym->type = prim(s, T_ERROR);
        }
        if (sym->kind == SYM_VAR && (sym->global ? s->fn != s->p->main || !is_bound(s, sym)
                                                  : !is_bound(s, sym)))
            e->check_bound = true;
        return set_type(e, sym->type);
    case SYM_FUNC:
        return set_type(e, prim(s, T_FUNC));
    default:
        return set_type(e, prim(s, T_FUNC));
    }
}

static const char *unsupported_what(ExprKind k)
{
    switch (k) {
    case E_LAMBDA: return "lambda expressions are not supported";
    case E_YIELD: return "generators are not supported (yield)";
    case E_AWAIT: return "async functions are not supported";
    case E_STARRED: return "*args arguments are not supported";
    case E_GENEXP: return "generator expressions are not supported (use a list comprehension)";
    case E_SETCOMP: case E_SET: return "sets are not supported";
    case E_WALRUS: return "assignment expressions (:=) are not supported";
    default: return "this expression is not supported";
    }
}

static Type *check_binary(Sema *s, Expr *e)
{
    Type *a = check_expr(s, e->lhs, NULL), *b = check_expr(s, e->rhs, NULL);
    if (is_err(a) || is_err(b))
        return set_type(e, prim(s, T_ERROR));
    if (e->op == OP_MOD && a->kind == T_STR) {
        ERR(s, e->pos, "'%%' string formatting is not supported (use an f-string)");
        return set_type(e, prim(s, T_ERROR));
    }
    Type *t = type_arith(s->c, e->op, a, b);
    if (!t) {
        ERR(s, e->pos, "unsupported operand type(s) for %s: '%s' and '%s'", op_text(e->op),
            tname(s, a), tname(s, b));
        return set_type(e, prim(s, T_ERROR));
    }
    return set_type(e, t);
}

static Type *check_unary(Sema *s, Expr *e)
{
    Type *a = check_expr(s, e->lhs, NULL);
    if (is_err(a))
        return set_type(e, a);
    if (e->op == OP_NOT)
        return set_type(e, prim(s, T_BOOL));
    if (a->kind == T_INT || a->kind == T_BOOL)
        return set_type(e, prim(s, T_INT));
    if (a->kind == T_FLOAT && e->op != OP_INVERT)
        return set_type(e, a);
    ERR(s, e->pos, "bad operand type for unary %s: '%s'", op_text(e->op), tname(s, a));
    return set_type(e, prim(s, T_ERROR));
}

static bool comparable(OpKind op, Type *a, Type *b)
{
    if (is_err(a) || is_err(b))
        return true;
    switch (op) {
    case OP_IS: case OP_IS_NOT:
        return a->kind == T_NONE || b->kind == T_NONE || a == b;
    case OP_IN: case OP_NOT_IN:
        if (b->kind == T_STR)
            return a->kind == T_STR;
        if (b->kind == T_LIST)
            return assignable(b->elem, a);
        if (b->kind == T_DICT)
            return assignable(b->key, a);
        return false;
    case OP_EQ: case OP_NE:
        if (type_is_num(a) && type_is_num(b))
            return true;
        if (a->kind == T_OPTIONAL || b->kind == T_OPTIONAL)
            return assignable(a, b) || assignable(b, a);
        return a == b;
    default: /* ordering */
        if (type_is_num(a) && type_is_num(b))
            return true;
        return a == b && (a->kind == T_STR || a->kind == T_LIST || a->kind == T_TUPLE);
    }
}

static Type *check_compare(Sema *s, Expr *e)
{
    Type *prev = check_expr(s, e->items.items[0], NULL);
    for (int i = 0; i < e->ops.n; i++) {
        OpKind op = (OpKind)(intptr_t)e->ops.items[i];
        Expr *rhs = e->items.items[i + 1];
        Type *t = check_expr(s, rhs, NULL);
        if (!comparable(op, prev, t)) {
            if (op == OP_IN || op == OP_NOT_IN)
                ERR(s, e->pos, "'%s' is not supported between '%s' and '%s'", op_text(op),
                    tname(s, prev), tname(s, t));
            else
                ERR(s, e->pos, "'%s' not supported between instances of '%s' and '%s'",
                    op_text(op), tname(s, prev), tname(s, t));
        }
        prev = t;
    }
    return set_type(e, prim(s, T_BOOL));
}

/* `a and b` / `a or b` return an operand, so both must have one type;
 * in a condition only truthiness matters and any operands do. */
static Type *check_boolop(Sema *s, Expr *e, bool cond)
{
    Type *a = check_expr(s, e->lhs, NULL), *b = check_expr(s, e->rhs, NULL);
    if (is_err(a) || is_err(b))
        return set_type(e, prim(s, T_ERROR));
    if (a == b)
        return set_type(e, a);
    if (cond)
        return set_type(e, prim(s, T_BOOL));
    ERR(s, e->pos, "operands of '%s' have different types ('%s' and '%s')", op_text(e->op),
        tname(s, a), tname(s, b));
    return set_type(e, prim(s, T_ERROR));
}

static Type *check_cond(Sema *s, Expr *e)
{
    if (e->kind == E_BOOLOP) {
        if (e->lhs->kind == E_BOOLOP)
            check_cond(s, e->lhs);
        return check_boolop(s, e, true);
    }
    if (e->kind == E_UNARY && e->op == OP_NOT) {
        check_cond(s, e->lhs);
        return set_type(e, prim(s, T_BOOL));
    }
    return check_expr(s, e, NULL);
}

static Type *check_ifexp(Sema *s, Expr *e)
{
    check_cond(s, e->cond);
    Type *a = check_expr(s, e->lhs, NULL), *b = check_expr(s, e->rhs, NULL);
    if (is_err(a) || is_err(b))
        return set_type(e, prim(s, T_ERROR));
    if (a == b)
        return set_type(e, a);
    if (a->kind == T_NONE && type_is_ref(b))
        return set_type(e, type_optional(s->c, b));
    if (b->kind == T_NONE && type_is_ref(a))
        return set_type(e, type_optional(s->c, a));
    ERR(s, e->pos, "the branches of a conditional expression have different types ('%s' and '%s')",
        tname(s, a), tname(s, b));
    return set_type(e, prim(s, T_ERROR));
}

static void check_fstr_items(Sema *s, PtrVec *items)
{
    for (int i = 0; i < items->n; i++) {
        FStrItem *it = items->items[i];
        if (!it->expr)
            continue;
        Type *t = check_expr(s, it->expr, NULL);
        if (!printable(t))
            ERR(s, it->expr->pos, "cannot format a value of type '%s'", tname(s, t));
        else if (it->spec.n && !it->conv &&
                 (t->kind == T_NONE || t->kind == T_OPTIONAL))
            ERR(s, it->expr->pos, "a format spec cannot be applied to '%s'", tname(s, t));
        check_fstr_items(s, &it->spec);
    }
}

/* ---- calls ---- */

static Arg *arg_at(Expr *call, int i) { return call->args.items[i]; }

static void check_args_only(Sema *s, Expr *call)
{
    for (int i = 0; i < call->args.n; i++)
        check_expr(s, arg_at(call, i)->value, NULL);
}

/* Bind call arguments to fn's parameters (positional, then keywords, then
 * defaults) and check their types. */
static void bind_args(Sema *s, Expr *call, Func *fn, int first_param)
{
    int np = fn->nparams - first_param;
    Arg **bound = arena_alloc(&s->c->arena, sizeof(Arg *) * (size_t)(np > 0 ? np : 1));
    int npos = 0;
    bool seen_kw = false;
    for (int i = 0; i < call->args.n; i++) {
        Arg *a = arg_at(call, i);
        if (a->name) {
            seen_kw = true;
            int j;
            for (j = 0; j < np; j++)
                if (strcmp(fn->params[first_param + j]->name, a->name) == 0)
                    break;
            if (j == np) {
                ERR(s, a->pos, "'%s' got an unexpected keyword argument '%s'", fn->name, a->name);
                continue;
            }
            if (bound[j]) {
                ERR(s, a->pos, "'%s' got multiple values for argument '%s'", fn->name, a->name);
                continue;
            }
            bound[j] = a;
        } else {
            if (seen_kw) {
                ERR(s, a->pos, "positional argument follows keyword argument");
                continue;
            }
            if (npos < np)
                bound[npos] = a;
            npos++;
        }
    }
    if (npos > np) {
        ERR(s, call->pos, "'%s' takes %d argument%s but %d were given", fn->name, np,
            np == 1 ? "" : "s", npos);
        return;
    }
    for (int j = 0; j < np; j++) {
        Symbol *p = fn->params[first_param + j];
        Param *pd = fn->def->params.items[first_param + j];
        if (!bound[j]) {
            if (!pd->def)
                ERR(s, call->pos, "'%s' missing required argument '%s'", fn->name, p->name);
            continue;
        }
        Type *t = bound[j]->value->type;
        if (t && !assignable(p->type, t))
            ERR(s, bound[j]->value->pos, "argument '%s' of '%s' must be %s, not %s", p->name,
                fn->name, tname(s, p->type), tname(s, t));
    }
    call->bound = bound;
    call->nbound = np;
}

/* The return type of fn, checking its body first when it is inferred. */
static Type *func_ret(Sema *s, Func *fn, SrcPos pos)
{
    if (!fn->ret_known && fn->check_state == 0)
        check_func(s, fn);
    if (!fn->ret_known) {
        ERR(s, pos, "cannot infer the return type of '%s' here (it is still being checked); "
                    "annotate it with '-> type'", fn->name);
        fn->ret = prim(s, T_ERROR);
        fn->ret_known = true;
    }
    return fn->ret;
}

static Type *check_builtin_call(Sema *s, Expr *e, BuiltinId id);

static Type *check_call(Sema *s, Expr *e)
{
    Expr *f = e->lhs;
    check_args_only(s, e);
    if (f->kind == E_NAME) {
        Symbol *sym = lookup(s, f->v.name, f->pos);
        if (!sym) {
            ERR(s, f->pos, "name '%s' is not defined", f->v.name);
            return set_type(e, prim(s, T_ERROR));
        }
        f->sym = sym;
        if (sym->kind == SYM_FUNC) {
            e->call = CALL_FUNC;
            e->fn = sym->fn;
            bind_args(s, e, sym->fn, 0);
            return set_type(e, func_ret(s, sym->fn, e->pos));
        }
        if (sym->kind == SYM_BUILTIN) {
            e->call = CALL_BUILTIN;
            e->builtin = sym->builtin;
            return set_type(e, check_builtin_call(s, e, sym->builtin));
        }
        if (sym->type && !is_err(sym->type))
            ERR(s, f->pos, "cannot call %s", tname(s, sym->type));
        return set_type(e, prim(s, T_ERROR));
    }
    if (f->kind == E_ATTR) {
        Type *t = check_expr(s, f->lhs, NULL);
        if (!is_err(t))
            ERR(s, f->pos, "'%s' object has no attribute '%s'", tname(s, t), f->v.name);
        return set_type(e, prim(s, T_ERROR));
    }
    Type *t = check_expr(s, f, NULL);
    if (!is_err(t))
        ERR(s, f->pos, "cannot call %s", tname(s, t));
    return set_type(e, prim(s, T_ERROR));
}

static bool arity(Sema *s, Expr *e, const char *name, int lo, int hi)
{
    int n = e->args.n;
    for (int i = 0; i < e->args.n; i++) {
        Arg *a = arg_at(e, i);
        if (a->name) {
            ERR(s, a->pos, "%s() takes no keyword arguments", name);
            return false;
        }
    }
    if (n < lo || n > hi) {
        if (lo == hi)
            ERR(s, e->pos, "%s() takes exactly %d argument%s (%d given)", name, lo,
                lo == 1 ? "" : "s", n);
        else if (n < lo)
            ERR(s, e->pos, "%s() takes at least %d argument%s (%d given)", name, lo,
                lo == 1 ? "" : "s", n);
        else
            ERR(s, e->pos, "%s() takes at most %d arguments (%d given)", name, hi, n);
        return false;
    }
    return true;
}

static Type *arg_type(Expr *e, int i) { return arg_at(e, i)->value->type; }

static Type *bad_arg(Sema *s, Expr *e, int i, const char *fname)
{
    Type *t = arg_type(e, i);
    if (!is_err(t))
        ERR(s, arg_at(e, i)->value->pos, "%s() does not accept an argument of type '%s'",
            fname, tname(s, t));
    return prim(s, T_ERROR);
}

static Type *check_print(Sema *s, Expr *e)
{
    for (int i = 0; i < e->args.n; i++) {
        Arg *a = arg_at(e, i);
        Type *t = a->value->type;
        if (a->name) {
            if (strcmp(a->name, "sep") && strcmp(a->name, "end")) {
                ERR(s, a->pos, "print() got an unexpected keyword argument '%s'", a->name);
            } else if (t->kind != T_STR && t->kind != T_NONE && !is_err(t)) {
                ERR(s, a->value->pos, "%s must be None or a string, not %s", a->name,
                    tname(s, t));
            }
        } else if (!printable(t)) {
            ERR(s, a->value->pos, "cannot print a value of type '%s'", tname(s, t));
        }
    }
    return prim(s, T_NONE);
}

static Type *check_minmax(Sema *s, Expr *e, const char *name)
{
    if (!arity(s, e, name, 1, 64))
        return prim(s, T_ERROR);
    if (e->args.n == 1) {
        Type *t = arg_type(e, 0);
        if (t->kind == T_LIST)
            return t->elem;
        if (t->kind == T_STR)
            return t;
        return bad_arg(s, e, 0, name);
    }
    Type *t = arg_type(e, 0);
    for (int i = 0; i < e->args.n; i++) {
        Type *ti = arg_type(e, i);
        if (is_err(ti))
            return ti;
        if (ti != t) {
            ERR(s, arg_at(e, i)->value->pos,
                "%s() arguments must have one type ('%s' and '%s')", name, tname(s, t),
                tname(s, ti));
            return prim(s, T_ERROR);
        }
    }
    if (t->kind != T_INT && t->kind != T_FLOAT && t->kind != T_STR && t->kind != T_BOOL)
        return bad_arg(s, e, 0, name);
    return t;
}

static Type *check_builtin_call(Sema *s, Expr *e, BuiltinId id)
{
    const char *name = builtin_funcs[0].name;
    for (size_t i = 0; i < sizeof builtin_funcs / sizeof builtin_funcs[0]; i++)
        if (builtin_funcs[i].id == id)
            name = builtin_funcs[i].name;
    for (int i = 0; i < e->args.n; i++)
        if (is_err(arg_type(e, i)))
            return prim(s, T_ERROR);
    Type *t0 = e->args.n ? arg_type(e, 0) : NULL;
    switch (id) {
    case BI_PRINT:
        return check_print(s, e);
    case BI_LEN:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        if (t0->kind == T_STR || t0->kind == T_LIST || t0->kind == T_DICT ||
            t0->kind == T_TUPLE || t0->kind == T_BUFFER)
            return prim(s, T_INT);
        return bad_arg(s, e, 0, name);
    case BI_STR:
    case BI_REPR:
        if (!arity(s, e, name, id == BI_STR ? 0 : 1, 1))
            return prim(s, T_ERROR);
        if (t0 && !printable(t0))
            return bad_arg(s, e, 0, name);
        return prim(s, T_STR);
    case BI_INT:
        if (!arity(s, e, name, 0, 1))
            return prim(s, T_ERROR);
        if (t0 && !type_is_num(t0) && t0->kind != T_STR)
            return bad_arg(s, e, 0, name);
        return prim(s, T_INT);
    case BI_FLOAT:
        if (!arity(s, e, name, 0, 1))
            return prim(s, T_ERROR);
        if (t0 && !type_is_num(t0) && t0->kind != T_STR)
            return bad_arg(s, e, 0, name);
        return prim(s, T_FLOAT);
    case BI_BOOL:
        if (!arity(s, e, name, 0, 1))
            return prim(s, T_ERROR);
        return prim(s, T_BOOL);
    case BI_ABS:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        if (t0->kind == T_INT || t0->kind == T_BOOL)
            return prim(s, T_INT);
        if (t0->kind == T_FLOAT)
            return t0;
        return bad_arg(s, e, 0, name);
    case BI_MIN:
    case BI_MAX:
        return check_minmax(s, e, name);
    case BI_ROUND:
        if (!arity(s, e, name, 1, 2))
            return prim(s, T_ERROR);
        if (e->args.n == 2 && arg_type(e, 1)->kind != T_INT)
            return bad_arg(s, e, 1, name);
        if (t0->kind == T_INT || t0->kind == T_BOOL)
            return prim(s, T_INT);
        if (t0->kind == T_FLOAT)
            return e->args.n == 2 ? t0 : prim(s, T_INT);
        return bad_arg(s, e, 0, name);
    case BI_RANGE:
        if (!arity(s, e, name, 1, 3))
            return prim(s, T_ERROR);
        for (int i = 0; i < e->args.n; i++)
            if (arg_type(e, i)->kind != T_INT && arg_type(e, i)->kind != T_BOOL)
                return bad_arg(s, e, i, name);
        if (s->for_iter != e) {
            ERR(s, e->pos, "range() is only supported as the iterable of a for loop");
            return prim(s, T_ERROR);
        }
        return prim(s, T_RANGE);
    case BI_ORD:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        return t0->kind == T_STR ? prim(s, T_INT) : bad_arg(s, e, 0, name);
    case BI_CHR:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        return t0->kind == T_INT ? prim(s, T_STR) : bad_arg(s, e, 0, name);
    default:
        ERR(s, e->pos, "%s() is not supported yet", name);
        return prim(s, T_ERROR);
    }
}

static Type *check_index(Sema *s, Expr *e)
{
    Type *t = check_expr(s, e->lhs, NULL);
    Expr *ix = e->rhs;
    if (ix->kind == E_SLICE) {
        Expr *parts[3] = {ix->lo, ix->hi, ix->step};
        for (int i = 0; i < 3; i++) {
            if (!parts[i])
                continue;
            Type *pt = check_expr(s, parts[i], NULL);
            if (pt->kind != T_INT && pt->kind != T_BOOL && !is_err(pt))
                ERR(s, parts[i]->pos, "slice indices must be integers, not '%s'", tname(s, pt));
        }
        ix->type = prim(s, T_NONE);
        if (is_err(t) || t->kind == T_STR || t->kind == T_LIST)
            return set_type(e, t);
        ERR(s, e->pos, "'%s' object is not subscriptable", tname(s, t));
        return set_type(e, prim(s, T_ERROR));
    }
    Type *it = check_expr(s, ix, NULL);
    if (is_err(t) || is_err(it))
        return set_type(e, prim(s, T_ERROR));
    if (t->kind == T_STR) {
        if (it->kind != T_INT && it->kind != T_BOOL) {
            ERR(s, ix->pos, "string indices must be integers, not '%s'", tname(s, it));
            return set_type(e, prim(s, T_ERROR));
        }
        return set_type(e, t);
    }
    ERR(s, e->pos, "'%s' object is not subscriptable", tname(s, t));
    return set_type(e, prim(s, T_ERROR));
}

static Type *check_expr(Sema *s, Expr *e, Type *expect)
{
    (void)expect;
    switch (e->kind) {
    case E_INT: return set_type(e, prim(s, T_INT));
    case E_FLOAT: return set_type(e, prim(s, T_FLOAT));
    case E_STR: return set_type(e, prim(s, T_STR));
    case E_BOOL: return set_type(e, prim(s, T_BOOL));
    case E_NONE: return set_type(e, prim(s, T_NONE));
    case E_FSTR:
        check_fstr_items(s, &e->items);
        return set_type(e, prim(s, T_STR));
    case E_NAME: {
        Type *t = check_name(s, e);
        if (e->sym && e->sym->kind != SYM_VAR && e->sym->kind != SYM_PARAM) {
            ERR(s, e->pos, "'%s' cannot be used as a value here", e->v.name);
            return set_type(e, prim(s, T_ERROR));
        }
        return t;
    }
    case E_UNARY: return check_unary(s, e);
    case E_BINARY: return check_binary(s, e);
    case E_BOOLOP: return check_boolop(s, e, false);
    case E_COMPARE: return check_compare(s, e);
    case E_IFEXP: return check_ifexp(s, e);
    case E_CALL: return check_call(s, e);
    case E_INDEX: return check_index(s, e);
    case E_ATTR: {
        Type *t = check_expr(s, e->lhs, NULL);
        if (!is_err(t))
            ERR(s, e->pos, "'%s' object has no attribute '%s'", tname(s, t), e->v.name);
        return set_type(e, prim(s, T_ERROR));
    }
    case E_TUPLE:
        ERR(s, e->pos, "tuples are not supported here yet");
        return set_type(e, prim(s, T_ERROR));
    case E_LIST: case E_LISTCOMP:
        ERR(s, e->pos, "lists are not supported yet");
        return set_type(e, prim(s, T_ERROR));
    case E_DICT: case E_DICTCOMP:
        ERR(s, e->pos, "dicts are not supported yet");
        return set_type(e, prim(s, T_ERROR));
    case E_SLICE:
        ERR(s, e->pos, "a slice is only allowed inside []");
        return set_type(e, prim(s, T_ERROR));
    default:
        ERR(s, e->pos, "%s", unsupported_what(e->kind));
        return set_type(e, prim(s, T_ERROR));
    }
}

/* ------------------------------------------------------------------ */
/* Statements                                                           */

/* The variable a name target binds in the current function. */
static Symbol *target_symbol(Sema *s, Expr *t)
{
    Func *fn = s->fn;
    if (fn == s->p->main || declared_global(fn, t->v.name))
        return global_var(s, t->v.name, t->pos);
    Symbol *sym = find_local(fn, t->v.name);
    return sym; /* made by the function's pre-pass */
}

/* Bind a value of type vt to a name; the first binding fixes the type. */
static void assign_name(Sema *s, Expr *target, Type *vt, SrcPos vpos)
{
    Symbol *sym = target_symbol(s, target);
    if (!sym) {
        ERR(s, target->pos, "cannot assign to '%s'", target->v.name);
        return;
    }
    if (sym->kind != SYM_VAR && sym->kind != SYM_PARAM) {
        ERR(s, target->pos, "cannot assign to '%s'", target->v.name);
        return;
    }
    target->sym = sym;
    mark_bound(s, sym);
    if (sym->kind == SYM_PARAM)
        sym->assigned = true;
    if (!sym->type) {
        if (vt->kind == T_NONE) {
            ERR(s, vpos, "cannot infer the type of '%s' from None (annotate it, e.g. "
                         "'%s: Optional[int] = None')", target->v.name, target->v.name);
            vt = prim(s, T_ERROR);
        }
        sym->type = vt;
    } else if (!assignable(sym->type, vt)) {
        ERR(s, target->pos, "cannot assign %s to '%s' of type %s", tname(s, vt),
            target->v.name, tname(s, sym->type));
    }
    target->type = sym->type;
}

static void check_assign_target(Sema *s, Expr *target, Expr *value, Type *vt)
{
    switch (target->kind) {
    case E_NAME:
        assign_name(s, target, vt, value->pos);
        break;
    case E_TUPLE:
    case E_LIST:
        ERR(s, target->pos, "unpacking assignment needs a tuple of the same length on the right");
        break;
    default:
        ERR(s, target->pos, "cannot assign to this expression");
    }
}

static void check_assign(Sema *s, Stmt *st)
{
    Expr *v = st->expr;
    /* a, b = x, y: parallel assignment, element by element */
    if (st->targets.n == 1) {
        Expr *t = st->targets.items[0];
        if ((t->kind == E_TUPLE || t->kind == E_LIST) && v->kind == E_TUPLE &&
            t->items.n == v->items.n) {
            for (int i = 0; i < v->items.n; i++)
                check_expr(s, v->items.items[i], NULL);
            for (int i = 0; i < t->items.n; i++) {
                Expr *ti = t->items.items[i], *vi = v->items.items[i];
                if (ti->kind != E_NAME)
                    ERR(s, ti->pos, "cannot assign to this expression");
                else
                    assign_name(s, ti, vi->type, vi->pos);
            }
            v->type = prim(s, T_NONE);
            return;
        }
    }
    Type *vt = check_expr(s, v, NULL);
    for (int i = 0; i < st->targets.n; i++)
        check_assign_target(s, st->targets.items[i], v, vt);
}

static void check_augassign(Sema *s, Stmt *st)
{
    Expr *t = st->target;
    if (t->kind != E_NAME) {
        check_expr(s, t, NULL);
        check_expr(s, st->expr, NULL);
        ERR(s, t->pos, "augmented assignment to this expression is not supported yet");
        return;
    }
    Type *tt = check_expr(s, t, NULL);
    Type *vt = check_expr(s, st->expr, NULL);
    if (is_err(tt) || is_err(vt))
        return;
    Type *r = type_arith(s->c, st->op, tt, vt);
    if (!r) {
        ERR(s, st->pos, "unsupported operand type(s) for %s=: '%s' and '%s'", op_text(st->op),
            tname(s, tt), tname(s, vt));
        return;
    }
    if (!assignable(tt, r))
        ERR(s, t->pos, "cannot assign %s to '%s' of type %s", tname(s, r), t->v.name,
            tname(s, tt));
    Symbol *sym = target_symbol(s, t);
    if (sym && sym->kind == SYM_PARAM)
        sym->assigned = true;
}

static void check_annassign(Sema *s, Stmt *st)
{
    Type *t = resolve_type(s, st->annotation);
    Expr *target = st->target;
    if (target->kind != E_NAME) {
        ERR(s, target->pos, "only a name can be annotated here");
        return;
    }
    Symbol *sym = target_symbol(s, target);
    if (!sym)
        return;
    if (sym->type && sym->type != t && !is_err(sym->type))
        ERR(s, target->pos, "'%s' was already given type %s", target->v.name,
            tname(s, sym->type));
    else
        sym->type = t;
    target->sym = sym;
    target->type = t;
    if (st->expr) {
        Type *vt = check_expr(s, st->expr, t);
        if (!assignable(t, vt))
            ERR(s, target->pos, "cannot assign %s to '%s' of type %s", tname(s, vt),
                target->v.name, tname(s, t));
        mark_bound(s, sym);
    }
    if (sym->kind == SYM_PARAM)
        sym->assigned = true;
}

static void check_for(Sema *s, Stmt *st)
{
    s->for_iter = st->expr;
    Type *it = check_expr(s, st->expr, NULL);
    s->for_iter = NULL;
    Type *elem = NULL;
    if (it->kind == T_RANGE)
        elem = prim(s, T_INT);
    else if (it->kind == T_STR)
        elem = it;
    else if (!is_err(it))
        ERR(s, st->expr->pos, "cannot iterate over a value of type '%s'", tname(s, it));
    if (!elem)
        elem = prim(s, T_ERROR);
    PtrVec before = bound_save(s);
    if (st->target->kind == E_NAME)
        assign_name(s, st->target, elem, st->target->pos);
    else
        ERR(s, st->target->pos, "this loop target is not supported yet");
    s->bound = bound_copy(s, &before);
    /* the target is bound inside the body */
    if (st->target->sym)
        mark_bound(s, st->target->sym);
    check_loop_body(s, st);
    bound_intersect(s, &before);
}

static void check_return(Sema *s, Stmt *st)
{
    Func *fn = s->fn;
    if (fn == s->p->main) {
        ERR(s, st->pos, "'return' outside function");
        return;
    }
    Type *t = st->expr ? check_expr(s, st->expr, fn->ret_known ? fn->ret : NULL)
                       : prim(s, T_NONE);
    if (is_err(t))
        return;
    if (fn->def->returns) {
        if (!assignable(fn->ret, t))
            ERR(s, st->expr ? st->expr->pos : st->pos, "function '%s' must return %s, not %s",
                fn->name, tname(s, fn->ret), tname(s, t));
        return;
    }
    if (!fn->ret_known) {
        fn->ret = t;
        fn->ret_known = true;
    } else if (!assignable(fn->ret, t)) {
        if (fn->ret->kind == T_NONE && type_is_ref(t))
            fn->ret = type_optional(s->c, t);
        else if (t->kind == T_NONE && type_is_ref(fn->ret))
            fn->ret = type_optional(s->c, fn->ret);
        else
            ERR(s, st->expr ? st->expr->pos : st->pos, "'%s' returns %s here but %s elsewhere",
                fn->name, tname(s, t), tname(s, fn->ret));
    }
}

static void check_stmt(Sema *s, Stmt *st);
static bool block_returns(PtrVec *body);

/* Control never reaches the statement after this block. */
static bool block_leaves(PtrVec *body)
{
    if (body->n == 0)
        return false;
    Stmt *last = body->items[body->n - 1];
    return last->kind == S_BREAK || last->kind == S_CONTINUE || block_returns(body);
}

/* A loop body may run zero times: what it assigns is not bound after. */
static void check_loop_body(Sema *s, Stmt *st)
{
    PtrVec before = bound_save(s);
    s->loops++;
    check_block(s, &st->body);
    s->loops--;
    s->bound = bound_copy(s, &before);
    check_block(s, &st->orelse);
    bound_intersect(s, &before);
}

static void check_if(Sema *s, Stmt *st)
{
    check_cond(s, st->expr);
    PtrVec before = bound_save(s);
    check_block(s, &st->body);
    PtrVec after_body = s->bound;
    s->bound = bound_copy(s, &before);
    check_block(s, &st->orelse);
    if (block_leaves(&st->body))
        return; /* only the else branch continues */
    if (block_leaves(&st->orelse))
        s->bound = after_body;
    else
        bound_intersect(s, &after_body);
}

static void check_block(Sema *s, PtrVec *body)
{
    for (int i = 0; i < body->n; i++)
        check_stmt(s, body->items[i]);
}

static void check_stmt(Sema *s, Stmt *st)
{
    switch (st->kind) {
    case S_EXPR:
        check_expr(s, st->expr, NULL);
        break;
    case S_ASSIGN:
        check_assign(s, st);
        break;
    case S_AUGASSIGN:
        check_augassign(s, st);
        break;
    case S_ANNASSIGN:
        check_annassign(s, st);
        break;
    case S_IF:
        check_if(s, st);
        break;
    case S_WHILE:
        check_cond(s, st->expr);
        check_loop_body(s, st);
        break;
    case S_FOR:
        check_for(s, st);
        break;
    case S_BREAK:
        if (!s->loops)
            ERR(s, st->pos, "'break' outside loop");
        break;
    case S_CONTINUE:
        if (!s->loops)
            ERR(s, st->pos, "'continue' not properly in loop");
        break;
    case S_PASS:
    case S_GLOBAL: /* handled by the pre-pass */
    case S_DEF:    /* checked on its own */
        break;
    case S_RETURN:
        check_return(s, st);
        break;
    case S_IMPORT:
        if (!st->module || strcmp(st->module, "typing") != 0)
            ERR(s, st->pos, "import of module '%s' is not supported (only 'typing')",
                st->module ? st->module : (const char *)st->names.items[0]);
        break;
    case S_NONLOCAL:
        ERR(s, st->pos, "nonlocal is not supported");
        break;
    case S_WITH:
        ERR(s, st->pos, "with statements are not supported");
        break;
    case S_CLASS:
        ERR(s, st->pos, "classes are not supported yet");
        break;
    case S_TRY:
        ERR(s, st->pos, "try statements are not supported yet");
        break;
    case S_RAISE:
        ERR(s, st->pos, "raise is not supported yet");
        break;
    case S_ASSERT:
        ERR(s, st->pos, "assert is not supported yet");
        break;
    case S_DEL:
        ERR(s, st->pos, "del is not supported yet");
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Functions                                                            */

static MemStrategy decorator_strategy(Sema *s, Func *fn, Expr *d)
{
    Expr *callee = d->kind == E_CALL ? d->lhs : d;
    const char *n = callee->kind == E_NAME ? callee->v.name : NULL;
    if (n && !strcmp(n, "auto_memory") && d->kind != E_CALL)
        return MEM_AUTO;
    if (n && !strcmp(n, "manual_memory") && d->kind != E_CALL)
        return MEM_MANUAL;
    if (n && !strcmp(n, "arena_memory")) {
        if (d->kind == E_CALL) {
            if (d->args.n != 1 || arg_at(d, 0)->name) {
                ERR(s, d->pos, "@arena_memory takes one argument: the arena to use");
                return MEM_ARENA;
            }
            fn->arena_expr = arg_at(d, 0)->value;
        }
        return MEM_ARENA;
    }
    ERR(s, d->pos, "decorator '%s' is not supported (only @auto_memory, @manual_memory, "
                   "@arena_memory)", n ? n : "?");
    return MEM_DEFAULT;
}

/* A default value is evaluated at each call, so it must be a constant:
 * then that is indistinguishable from Python's evaluation at def time. */
static bool constant_expr(Expr *e)
{
    switch (e->kind) {
    case E_INT: case E_FLOAT: case E_STR: case E_BOOL: case E_NONE:
        return true;
    case E_UNARY:
        return constant_expr(e->lhs);
    case E_BINARY:
        return constant_expr(e->lhs) && constant_expr(e->rhs);
    default:
        return false;
    }
}

/* Make the Func for a def: its parameters' types come from annotations. */
static Func *declare_func(Sema *s, Stmt *st, Func *outer)
{
    FuncDef *d = st->def;
    Func *fn = arena_alloc(&s->c->arena, sizeof *fn);
    fn->name = d->name;
    fn->def = d;
    fn->outer = outer;
    fn->decorated = MEM_DEFAULT;
    fn->cname = outer ? arena_printf(&s->c->arena, "%s_%s", outer->cname, d->name)
                      : arena_printf(&s->c->arena, "fn_%s", d->name);
    d->fn = fn;
    if (d->is_async)
        ERR(s, st->pos, "async functions are not supported");
    for (int i = 0; i < d->decorators.n; i++) {
        MemStrategy m = decorator_strategy(s, fn, d->decorators.items[i]);
        if (m != MEM_DEFAULT)
            fn->decorated = m;
    }
    fn->nparams = d->params.n;
    fn->params = arena_alloc(&s->c->arena, sizeof(Symbol *) * (size_t)(d->params.n + 1));
    for (int i = 0; i < d->params.n; i++) {
        Param *p = d->params.items[i];
        Symbol *sym = new_symbol(s, SYM_PARAM, p->name, p->pos);
        sym->cname = local_cname(s, p->name);
        p->sym = sym;
        fn->params[i] = sym;
        if (p->star == 1)
            ERR(s, p->pos, "*args parameters are not supported");
        else if (p->star == 2)
            ERR(s, p->pos, "**kwargs parameters are not supported");
        if (!p->annotation) {
            if (!p->star)
                ERR(s, p->pos, "parameter '%s' of '%s' needs a type annotation", p->name,
                    d->name);
            sym->type = prim(s, T_ERROR);
        } else {
            sym->type = resolve_type(s, p->annotation);
        }
        for (int j = 0; j < i; j++)
            if (strcmp(fn->params[j]->name, p->name) == 0)
                ERR(s, p->pos, "duplicate argument '%s' in function definition", p->name);
        if (p->def) {
            if (!constant_expr(p->def)) {
                ERR(s, p->def->pos, "default value of '%s' must be a constant", p->name);
            } else {
                Type *dt = check_expr(s, p->def, sym->type);
                if (!assignable(sym->type, dt))
                    ERR(s, p->def->pos, "default value of '%s' must be %s, not %s", p->name,
                        tname(s, sym->type), tname(s, dt));
            }
        }
    }
    if (d->returns) {
        fn->ret = resolve_type(s, d->returns);
        fn->ret_known = true;
    }
    vec_push(&s->c->arena, &s->p->funcs, fn);
    return fn;
}

/* Pre-pass over a body: the names it binds become its locals (Python's
 * rule: assigned anywhere in the function means local everywhere). */
static void collect_target(Sema *s, Func *fn, Expr *t);

static void add_local(Sema *s, Func *fn, const char *name, SrcPos pos)
{
    if (fn == s->p->main || declared_global(fn, name) || find_local(fn, name))
        return;
    Symbol *sym = new_symbol(s, SYM_VAR, name, pos);
    sym->cname = local_cname(s, name);
    vec_push(&s->c->arena, &fn->locals, sym);
}

static void collect_target(Sema *s, Func *fn, Expr *t)
{
    if (t->kind == E_NAME) {
        add_local(s, fn, t->v.name, t->pos);
    } else if (t->kind == E_TUPLE || t->kind == E_LIST) {
        for (int i = 0; i < t->items.n; i++)
            collect_target(s, fn, t->items.items[i]);
    }
}

static void collect_block(Sema *s, Func *fn, PtrVec *body)
{
    for (int i = 0; i < body->n; i++) {
        Stmt *st = body->items[i];
        switch (st->kind) {
        case S_ASSIGN:
            for (int j = 0; j < st->targets.n; j++)
                collect_target(s, fn, st->targets.items[j]);
            break;
        case S_AUGASSIGN:
        case S_ANNASSIGN:
        case S_FOR:
            collect_target(s, fn, st->target);
            break;
        case S_GLOBAL:
            for (int j = 0; j < st->names.n; j++) {
                const char *n = st->names.items[j];
                if (fn == s->p->main)
                    continue;
                if (find_local(fn, n))
                    ERR(s, st->pos, "name '%s' is used prior to global declaration", n);
                else
                    vec_push(&s->c->arena, &fn->global_names, (void *)n);
            }
            break;
        case S_DEF:
            if (fn == s->p->main)
                break; /* declared by check_module */
            {
                Func *nested = declare_func(s, st, fn);
                Symbol *sym = new_symbol(s, SYM_FUNC, st->def->name, st->pos);
                sym->fn = nested;
                sym->type = prim(s, T_FUNC);
                vec_push(&s->c->arena, &fn->locals, sym);
                vec_push(&s->c->arena, &fn->nested, nested);
            }
            break;
        default:
            break;
        }
        for (int j = 0; j < st->handlers.n; j++) {
            ExceptClause *h = st->handlers.items[j];
            if (h->name)
                add_local(s, fn, h->name, h->pos);
            collect_block(s, fn, &h->body);
        }
        if (st->kind != S_DEF && st->kind != S_CLASS) {
            collect_block(s, fn, &st->body);
            collect_block(s, fn, &st->orelse);
            collect_block(s, fn, &st->finalbody);
        }
    }
}

/* Does control always leave this block by return/raise (never falls off)? */
static bool block_returns(PtrVec *body)
{
    for (int i = 0; i < body->n; i++) {
        Stmt *st = body->items[i];
        if (st->kind == S_RETURN || st->kind == S_RAISE)
            return true;
        if (st->kind == S_IF && st->orelse.n && block_returns(&st->body) &&
            block_returns(&st->orelse))
            return true;
        if (st->kind == S_WHILE && st->expr->kind == E_BOOL && st->expr->v.bval) {
            /* while True without a break only leaves by return */
            bool has_break = false;
            for (int j = 0; j < st->body.n && !has_break; j++)
                has_break = ((Stmt *)st->body.items[j])->kind == S_BREAK;
            if (!has_break)
                return true;
        }
    }
    return false;
}

static void check_func(Sema *s, Func *fn)
{
    if (fn->check_state)
        return;
    fn->check_state = 1;
    Func *saved_fn = s->fn;
    int saved_loops = s->loops;
    PtrVec saved_bound = s->bound;
    s->fn = fn;
    s->loops = 0;
    s->bound = (PtrVec){0};
    collect_block(s, fn, &fn->def->body);
    check_block(s, &fn->def->body);
    if (!fn->ret_known) {
        fn->ret = prim(s, T_NONE);
        fn->ret_known = true;
    } else if (fn->ret->kind != T_NONE && fn->ret->kind != T_OPTIONAL && !is_err(fn->ret) &&
               !block_returns(&fn->def->body)) {
        ERR(s, fn->def->pos, "'%s' can reach the end of its body without a return "
                             "(it would return None, not %s)", fn->name, tname(s, fn->ret));
    }
    for (int i = 0; i < fn->nested.n; i++)
        check_func(s, fn->nested.items[i]);
    fn->check_state = 2;
    s->fn = saved_fn;
    s->loops = saved_loops;
    s->bound = saved_bound;
}

static void check_module(Sema *s, Module *m)
{
    Program *p = s->p;
    Func *main = arena_alloc(&s->c->arena, sizeof *main);
    main->name = "<module>";
    main->cname = "main";
    main->ret = prim(s, T_NONE);
    main->ret_known = true;
    main->decorated = MEM_DEFAULT;
    p->main = main;
    s->fn = main;
    /* functions first: module code may call any of them */
    for (int i = 0; i < m->body.n; i++) {
        Stmt *st = m->body.items[i];
        if (st->kind != S_DEF)
            continue;
        if (global_symbol(s, st->def->name)) {
            ERR(s, st->pos, "'%s' is defined twice", st->def->name);
            continue;
        }
        Symbol *sym = new_symbol(s, SYM_FUNC, st->def->name, st->pos);
        sym->type = prim(s, T_FUNC);
        vec_push(&s->c->arena, &p->globals, sym);
        sym->fn = declare_func(s, st, NULL);
        sym->cname = sym->fn->cname;
    }
    collect_block(s, main, &m->body);
    check_block(s, &m->body);
    main->check_state = 2;
    for (int i = 0; i < p->funcs.n; i++)
        check_func(s, p->funcs.items[i]);
}

Program *sema_check(Compiler *c, Module *m)
{
    Sema s = {0};
    s.c = c;
    s.p = arena_alloc(&c->arena, sizeof(Program));
    s.p->module = m;
    check_module(&s, m);
    return c->nerrors ? NULL : s.p;
}
