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
    PtrVec scope;   /* Symbol*: names of nested scopes (except-as, comprehensions) */
    int handlers;   /* nesting depth of except clauses in fn */
    int nscoped;    /* counter for the C names of scoped variables */
    ClassInfo *excs[20]; /* built-in exception classes, made on first use */
} Sema;

#define ERR(s, pos, ...) diag_error((s)->c, (pos), __VA_ARGS__)

static Type *prim(Sema *s, TypeKind k) { return type_prim(s->c, k); }
static const char *tname(Sema *s, Type *t) { return type_name(s->c, t); }

static Type *check_expr(Sema *s, Expr *e, Type *expect);
static void check_block(Sema *s, PtrVec *body);
static void check_func(Sema *s, Func *fn);
static void check_loop_body(Sema *s, Stmt *st);
static bool constant_expr(Expr *e);
static Type *func_ret(Sema *s, Func *fn, SrcPos pos);
static Type *iter_elem(Sema *s, Type *it);
static bool int_like(Type *t);
static Type *check_bmethod(Sema *s, Expr *e, Type *recv);

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
    {"list", BI_LIST},   {"any", BI_ANY},     {"all", BI_ALL},
    {"reversed", BI_REVERSED}, {"divmod", BI_DIVMOD},
    {"allocate", BI_ALLOCATE}, {"allocate_aligned", BI_ALLOCATE_ALIGNED}, {"free", BI_FREE},
    {"create_arena", BI_CREATE_ARENA}, {"reset_arena", BI_RESET_ARENA},
    {"destroy_arena", BI_DESTROY_ARENA}, {"memory_stats", BI_MEMORY_STATS},
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
    for (int i = 0; i < fn->locals.n; i++) {
        Symbol *sym = fn->locals.items[i];
        if (!sym->scoped && strcmp(sym->name, name) == 0)
            return sym;
    }
    return NULL;
}

/* A variable of a nested scope: visible by its name only inside that scope
 * (pushed on s->scope), declared in the C function under a unique name. */
static Symbol *scoped_var(Sema *s, const char *name, SrcPos pos, Type *t)
{
    Symbol *sym = arena_alloc(&s->c->arena, sizeof *sym);
    sym->kind = SYM_VAR;
    sym->name = name;
    sym->pos = pos;
    sym->type = t;
    sym->scoped = true;
    sym->cname = arena_printf(&s->c->arena, "%s_%d", name, ++s->nscoped);
    if (reserved_c_name(sym->cname))
        sym->cname = arena_printf(&s->c->arena, "v_%s", sym->cname);
    vec_push(&s->c->arena, &s->fn->locals, sym);
    return sym;
}

/* ---- built-in exception classes ---- */

static const struct {
    const char *name, *base;
} builtin_excs[] = {
    {"Exception", NULL},           {"ArithmeticError", "Exception"},
    {"LookupError", "Exception"},  {"ValueError", "Exception"},
    {"TypeError", "Exception"},    {"IndexError", "LookupError"},
    {"KeyError", "LookupError"},   {"ZeroDivisionError", "ArithmeticError"},
    {"OverflowError", "ArithmeticError"}, {"RuntimeError", "Exception"},
    {"AssertionError", "Exception"}, {"MemoryError", "Exception"},
    {"NameError", "Exception"},    {"UnboundLocalError", "NameError"},
    {"AttributeError", "Exception"},
    {"RecursionError", "RuntimeError"},
};

static ClassInfo *builtin_exc(Sema *s, const char *name)
{
    for (size_t i = 0; i < sizeof builtin_excs / sizeof builtin_excs[0]; i++) {
        if (strcmp(builtin_excs[i].name, name) != 0)
            continue;
        if (!s->excs[i]) {
            ClassInfo *ci = arena_alloc(&s->c->arena, sizeof *ci);
            ci->name = builtin_excs[i].name;
            ci->cdesc = arena_printf(&s->c->arena, "&tauraro_cls_%s", ci->name);
            ci->builtin = true;
            ci->is_exception = true;
            ci->fields_state = 2;
            s->excs[i] = ci;
            ci->type = type_class(s->c, ci);
            if (builtin_excs[i].base) {
                ci->base = builtin_exc(s, builtin_excs[i].base);
                vec_push(&s->c->arena, &ci->base->subclasses, ci);
            }
        }
        return s->excs[i];
    }
    return NULL;
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
    for (int i = s->scope.n - 1; i >= 0; i--) {
        Symbol *sym = s->scope.items[i];
        if (strcmp(sym->name, name) == 0)
            return sym;
    }
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
    sym = builtin_symbol(s, name);
    if (sym)
        return sym;
    ClassInfo *exc = builtin_exc(s, name);
    if (exc) {
        sym = new_symbol(s, SYM_CLASS, name, (SrcPos){0, 0});
        sym->cls = exc;
        sym->type = prim(s, T_EXC);
    }
    return sym;
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
    ClassInfo *exc = builtin_exc(s, n);
    if (exc)
        return exc->type;
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
    case E_STR: { /* forward reference: "Node", "Node | None", "list[Node]" */
        Expr *x = parse_expr_text(s->c, e->v.str.s, e->v.str.len, e->pos);
        if (!x)
            return prim(s, T_ERROR);
        if (x->kind == E_STR) {
            ERR(s, e->pos, "invalid type annotation");
            return prim(s, T_ERROR);
        }
        return resolve_type(s, x);
    }
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

static Type *set_type(Expr *e, Type *t)
{
    e->type = t;
    return t;
}

/* May a value of type `from` be stored where `to` is expected? No implicit
 * numeric conversions: CPython keeps an int an int, and so must we. */
static bool assignable(Type *to, Type *from)
{
    if (to == from || is_err(to) || is_err(from))
        return true;
    /* an Optional value where a plain one is expected: checked at run time
     * (Python code narrows with `is not None` first) */
    if (from->kind == T_OPTIONAL && to->kind != T_OPTIONAL && to->kind != T_NONE)
        return assignable(to, from->elem);
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
    case T_CLASS: case T_BUFFER:
        return true;
    case T_LIST:
        return printable(t->elem);
    case T_DICT:
        return printable(t->key) && printable(t->elem);
    case T_TUPLE:
        for (int i = 0; i < t->nitems; i++)
            if (!printable(t->items[i]))
                return false;
        return true;
    case T_OPTIONAL:
        return printable(t->elem);
    default:
        return false;
    }
}

/* ------------------------------------------------------------------ */
/* Classes                                                              */

static Func *own_method(ClassInfo *ci, const char *name)
{
    for (int i = 0; i < ci->methods.n; i++) {
        Func *m = ci->methods.items[i];
        if (strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

/* The method `name` of ci or of its nearest base that has one. */
static Func *find_method(ClassInfo *ci, const char *name)
{
    for (; ci; ci = ci->base) {
        Func *m = own_method(ci, name);
        if (m)
            return m;
    }
    return NULL;
}

static Symbol *find_field(ClassInfo *ci, const char *name)
{
    return find_in(&ci->fields, name);
}

static Symbol *add_field(Sema *s, ClassInfo *ci, const char *name, Type *t, SrcPos pos)
{
    Symbol *f = new_symbol(s, SYM_VAR, name, pos);
    f->type = t;
    f->owner = ci;
    f->cname = local_cname(s, name);
    vec_push(&s->c->arena, &ci->fields, f);
    return f;
}

/* Is the current function ci's __init__, with `obj` its self? */
static bool in_init_self(Sema *s, ClassInfo *ci, Expr *obj)
{
    Func *fn = s->fn;
    return fn->cls == ci && strcmp(fn->name, "__init__") == 0 && obj->kind == E_NAME &&
           fn->nparams > 0 && obj->sym == fn->params[0];
}

/* Fields come from the base class, the annotations of the class body and
 * the `self.x = ...` assignments of __init__, which is checked first. */
static void ensure_fields(Sema *s, ClassInfo *ci)
{
    if (ci->fields_state)
        return;
    ci->fields_state = 1;
    if (ci->base) {
        ensure_fields(s, ci->base);
        for (int i = 0; i < ci->base->fields.n; i++)
            vec_push(&s->c->arena, &ci->fields, ci->base->fields.items[i]);
    }
    for (int i = 0; i < ci->def->body.n; i++) {
        Stmt *st = ci->def->body.items[i];
        if (st->kind != S_ANNASSIGN || st->target->kind != E_NAME)
            continue;
        const char *n = st->target->v.name;
        if (find_field(ci, n)) {
            ERR(s, st->target->pos, "field '%s' is declared twice", n);
            continue;
        }
        Symbol *f = add_field(s, ci, n, resolve_type(s, st->annotation), st->target->pos);
        if (st->expr) {
            Func *saved = s->fn;
            s->fn = s->p->main;
            Type *vt = check_expr(s, st->expr, f->type);
            s->fn = saved;
            if (!constant_expr(st->expr))
                ERR(s, st->expr->pos, "the default of field '%s' must be a constant", n);
            else if (!assignable(f->type, vt))
                ERR(s, st->expr->pos, "cannot assign %s to field '%s' of type %s",
                    tname(s, vt), n, tname(s, f->type));
            f->defval = st->expr;
        }
    }
    Func *init = own_method(ci, "__init__");
    if (init)
        check_func(s, init);
    ci->fields_state = 2;
}

static void declare_class(Sema *s, Stmt *st)
{
    ClassDef *d = st->cls;
    if (global_symbol(s, d->name)) {
        ERR(s, d->pos, "'%s' is defined twice", d->name);
        return;
    }
    ClassInfo *ci = arena_alloc(&s->c->arena, sizeof *ci);
    ci->name = d->name;
    ci->cname = arena_printf(&s->c->arena, "cls_%s", d->name);
    ci->cdesc = arena_printf(&s->c->arena, "&vt_%s.info", d->name);
    ci->def = d;
    ci->type = type_class(s->c, ci);
    d->cls = ci;
    Symbol *sym = new_symbol(s, SYM_CLASS, d->name, d->pos);
    sym->cls = ci;
    sym->type = prim(s, T_EXC);
    vec_push(&s->c->arena, &s->p->globals, sym);
    vec_push(&s->c->arena, &s->p->classes, ci);
    if (d->decorators.n)
        ERR(s, ((Expr *)d->decorators.items[0])->pos, "class decorators are not supported");
}

static Func *declare_func(Sema *s, Stmt *st, Func *outer, ClassInfo *cls);

/* Bases and methods, once every class name is known. */
static void resolve_class(Sema *s, ClassInfo *ci)
{
    ClassDef *d = ci->def;
    if (d->bases.n > 1)
        ERR(s, ((Expr *)d->bases.items[1])->pos, "multiple inheritance is not supported");
    if (d->bases.n >= 1) {
        Expr *b = d->bases.items[0];
        Symbol *bs = b->kind == E_NAME ? lookup(s, b->v.name, b->pos) : NULL;
        if (!bs || bs->kind != SYM_CLASS) {
            ERR(s, b->pos, "base class must be a class defined before this one");
        } else {
            for (ClassInfo *a = bs->cls; a; a = a->base)
                if (a == ci) {
                    ERR(s, b->pos, "class '%s' cannot derive from itself", ci->name);
                    a = NULL;
                    bs = NULL;
                    break;
                }
            if (bs) {
                ci->base = bs->cls;
                ci->is_exception = bs->cls->is_exception;
                vec_push(&s->c->arena, &bs->cls->subclasses, ci);
            }
        }
    }
    for (int i = 0; i < d->body.n; i++) {
        Stmt *st = d->body.items[i];
        switch (st->kind) {
        case S_DEF:
            if (own_method(ci, st->def->name))
                ERR(s, st->def->pos, "method '%s' is defined twice", st->def->name);
            else
                vec_push(&s->c->arena, &ci->methods, declare_func(s, st, NULL, ci));
            break;
        case S_ANNASSIGN:
            if (st->target->kind != E_NAME)
                ERR(s, st->pos, "only methods and annotated fields are supported in a class body");
            break;
        case S_PASS:
            break;
        case S_ASSIGN: {
            /* `count = 0`: a class variable, shared by all instances */
            Expr *t = st->targets.items[0];
            if (st->targets.n != 1 || t->kind != E_NAME || !constant_expr(st->expr)) {
                ERR(s, st->pos, "a class variable needs a name and a constant value");
                break;
            }
            Func *saved = s->fn;
            s->fn = s->p->main;
            Type *vt = check_expr(s, st->expr, NULL);
            s->fn = saved;
            if (vt->kind == T_NONE) {
                ERR(s, st->expr->pos, "cannot infer the type of class variable '%s' from None",
                    t->v.name);
                break;
            }
            Symbol *cv = new_symbol(s, SYM_VAR, t->v.name, t->pos);
            cv->type = vt;
            cv->global = true;
            cv->owner = ci;
            cv->defval = st->expr;
            cv->cname = arena_printf(&s->c->arena, "cv_%s_%s", ci->name, t->v.name);
            vec_push(&s->c->arena, &ci->classvars, cv);
            t->sym = cv;
            break;
        }
        case S_EXPR:
            if (st->expr->kind == E_STR || st->expr->kind == E_NONE)
                break; /* docstring or ... */
            /* fall through */
        default:
            ERR(s, st->pos, "only methods, annotated fields and class variables are supported "
                            "in a class body");
        }
    }
}

/* The class variable `name` of c or of a base class. */
static Symbol *find_classvar(ClassInfo *c, const char *name)
{
    for (; c && !c->builtin; c = c->base) {
        Symbol *cv = find_in(&c->classvars, name);
        if (cv)
            return cv;
    }
    return NULL;
}

/* `Class.name` for a class variable, or NULL when e is not that. */
static Symbol *class_attr(Sema *s, Expr *e)
{
    if (e->lhs->kind != E_NAME)
        return NULL;
    Symbol *cs = lookup(s, e->lhs->v.name, e->lhs->pos);
    if (!cs || cs->kind != SYM_CLASS)
        return NULL;
    set_type(e->lhs, prim(s, T_EXC));
    e->lhs->sym = cs;
    Symbol *cv = find_classvar(cs->cls, e->v.name);
    if (!cv)
        ERR(s, e->pos, "type object '%s' has no attribute '%s'", cs->cls->name, e->v.name);
    return cv;
}

/* `obj.name` where obj has class type: the field. */
static Type *check_attr(Sema *s, Expr *e)
{
    if (e->lhs->kind == E_NAME) {
        Symbol *cs = lookup(s, e->lhs->v.name, e->lhs->pos);
        if (cs && cs->kind == SYM_CLASS) {
            Symbol *cv = class_attr(s, e);
            if (!cv)
                return set_type(e, prim(s, T_ERROR));
            e->sym = cv;
            return set_type(e, cv->type);
        }
    }
    Type *t = check_expr(s, e->lhs, NULL);
    if (is_err(t))
        return set_type(e, t);
    Type *ct = t;
    if (t->kind == T_OPTIONAL && t->elem->kind == T_CLASS) {
        ct = t->elem;
        e->check_none = true;
    }
    if (ct->kind == T_CLASS && !ct->cls->builtin) {
        ClassInfo *ci = ct->cls;
        ensure_fields(s, ci);
        Symbol *f = find_field(ci, e->v.name);
        if (f) {
            e->sym = f;
            return set_type(e, f->type);
        }
        Symbol *cv = find_classvar(ci, e->v.name);
        if (cv) { /* self.count reads the class variable */
            e->sym = cv;
            return set_type(e, cv->type);
        }
        if (find_method(ci, e->v.name)) {
            ERR(s, e->pos, "methods can only be called, not used as values ('%s.%s')",
                ci->name, e->v.name);
            return set_type(e, prim(s, T_ERROR));
        }
    }
    ERR(s, e->pos, "'%s' object has no attribute '%s'", tname(s, ct), e->v.name);
    return set_type(e, prim(s, T_ERROR));
}

/* ------------------------------------------------------------------ */
/* Expressions                                                          */


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

static const char *dunder_of(OpKind op)
{
    switch (op) {
    case OP_ADD: return "__add__";
    case OP_SUB: return "__sub__";
    case OP_MUL: return "__mul__";
    case OP_DIV: return "__truediv__";
    case OP_FLOORDIV: return "__floordiv__";
    case OP_MOD: return "__mod__";
    case OP_POW: return "__pow__";
    case OP_MATMUL: return "__matmul__";
    case OP_LSHIFT: return "__lshift__";
    case OP_RSHIFT: return "__rshift__";
    case OP_BITAND: return "__and__";
    case OP_BITOR: return "__or__";
    case OP_BITXOR: return "__xor__";
    case OP_NEG: return "__neg__";
    case OP_EQ: return "__eq__";
    case OP_NE: return "__ne__";
    case OP_LT: return "__lt__";
    case OP_LE: return "__le__";
    case OP_GT: return "__gt__";
    case OP_GE: return "__ge__";
    default: return NULL;
    }
}

/* A user class's operator method taking (self, other) where other accepts b. */
static Func *operator_method(Sema *s, Type *a, const char *name, Type *b)
{
    if (a->kind != T_CLASS || a->cls->builtin || !name)
        return NULL;
    Func *m = find_method(a->cls, name);
    if (!m || m->nparams != 2 || !assignable(m->params[1]->type, b))
        return NULL;
    (void)s;
    return m;
}

/* The type of `a op b`, or NULL. A user class's operator method is
 * recorded in e->fn. */
static Type *binary_result(Sema *s, Expr *e, OpKind op, Type *a, Type *b)
{
    Type *t = type_arith(s->c, op, a, b);
    if (t)
        return t;
    Func *m = operator_method(s, a, dunder_of(op), b);
    if (m) {
        e->fn = m;
        return func_ret(s, m, e->pos);
    }
    if (op == OP_ADD && a == b && a->kind == T_LIST)
        return a;
    if (op == OP_ADD && a->kind == T_TUPLE && b->kind == T_TUPLE) {
        Type *items[64];
        if (a->nitems + b->nitems > 64)
            return NULL;
        for (int i = 0; i < a->nitems; i++)
            items[i] = a->items[i];
        for (int i = 0; i < b->nitems; i++)
            items[a->nitems + i] = b->items[i];
        return type_tuple(s->c, items, a->nitems + b->nitems);
    }
    if (op == OP_MUL && a->kind == T_LIST && (b->kind == T_INT || b->kind == T_BOOL))
        return a;
    if (op == OP_MUL && b->kind == T_LIST && (a->kind == T_INT || a->kind == T_BOOL))
        return b;
    return NULL;
}

static Type *check_binary(Sema *s, Expr *e)
{
    Type *a = check_expr(s, e->lhs, NULL), *b = check_expr(s, e->rhs, a->kind == T_LIST ? a : NULL);
    if (is_err(a) || is_err(b))
        return set_type(e, prim(s, T_ERROR));
    if (e->op == OP_MOD && a->kind == T_STR) {
        ERR(s, e->pos, "'%%' string formatting is not supported (use an f-string)");
        return set_type(e, prim(s, T_ERROR));
    }
    Type *t = binary_result(s, e, e->op, a, b);
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
    if (e->op == OP_NEG && a->kind == T_CLASS && !a->cls->builtin) {
        Func *m = find_method(a->cls, "__neg__");
        if (m && m->nparams == 1) {
            e->fn = m;
            return set_type(e, func_ret(s, m, e->pos));
        }
    }
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

static OpKind swapped(OpKind op)
{
    switch (op) {
    case OP_LT: return OP_GT;
    case OP_GT: return OP_LT;
    case OP_LE: return OP_GE;
    case OP_GE: return OP_LE;
    default: return op;
    }
}

/* A comparison between user class instances: its method (or NULL for
 * identity), reflected when only the right operand defines it. */
static bool class_compare(Sema *s, Expr *e, int i, OpKind op, Type *a, Type *b)
{
    Func *m = operator_method(s, a, dunder_of(op), b);
    bool reflected = false;
    if (!m && op == OP_NE)
        m = operator_method(s, a, "__eq__", b); /* != is not == */
    if (!m && op != OP_EQ && op != OP_NE) {
        m = operator_method(s, b, dunder_of(swapped(op)), a);
        reflected = m != NULL;
    }
    e->values.items[i] = m;
    e->args.items[i] = (void *)(intptr_t)reflected;
    if (m)
        func_ret(s, m, e->pos);
    return m || op == OP_EQ || op == OP_NE;
}

static Type *check_compare(Sema *s, Expr *e)
{
    Type *prev = check_expr(s, e->items.items[0], NULL);
    for (int i = 0; i < e->ops.n; i++) {
        vec_push(&s->c->arena, &e->values, NULL);
        vec_push(&s->c->arena, &e->args, NULL);
    }
    for (int i = 0; i < e->ops.n; i++) {
        OpKind op = (OpKind)(intptr_t)e->ops.items[i];
        Expr *rhs = e->items.items[i + 1];
        Type *t = check_expr(s, rhs, NULL);
        bool ok;
        Type *pa = prev->kind == T_OPTIONAL ? prev->elem : prev;
        Type *pb = t->kind == T_OPTIONAL ? t->elem : t;
        if (op != OP_IS && op != OP_IS_NOT && op != OP_IN && op != OP_NOT_IN &&
            ((pa->kind == T_CLASS && !pa->cls->builtin) || (pb->kind == T_CLASS && !pb->cls->builtin)))
            ok = class_compare(s, e, i, op, prev, t) &&
                 (op != OP_EQ && op != OP_NE ? true : assignable(prev, t) || assignable(t, prev));
        else
            ok = comparable(op, prev, t);
        if (!ok) {
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
    if (a->kind == T_NONE && b->kind != T_NONE)
        return set_type(e, type_optional(s->c, b));
    if (b->kind == T_NONE && a->kind != T_NONE)
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

/* A generator expression that is the whole argument of a call that
 * consumes it at once (sum, min, max, list, sorted, str.join) gives the
 * same result as a list comprehension, and is compiled as one. */
static void consume_genexp(Expr *call)
{
    if (call->args.n < 1)
        return;
    Arg *a = call->args.items[0];
    if (a->value->kind != E_GENEXP)
        return;
    Expr *f = call->lhs;
    bool consumer = false;
    if (f->kind == E_NAME) {
        static const char *const names[] = {"sum", "min", "max", "list", "sorted", "any", "all"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            consumer |= !strcmp(f->v.name, names[i]);
    } else if (f->kind == E_ATTR) {
        consumer = !strcmp(f->v.name, "join");
    }
    if (consumer) {
        a->value->kind = E_LISTCOMP;
        a->value->lazy = true;
    }
}

/* Can key= function `key` take the items (of type el) being sorted? */
static bool key_fits(Sema *s, Expr *e, Symbol *key, Type *el)
{
    if (key->kind == SYM_FUNC && !assignable(key->fn->params[0]->type, el)) {
        ERR(s, e->pos, "the key function '%s' takes %s, not %s", key->name,
            tname(s, key->fn->params[0]->type), tname(s, el));
        return false;
    }
    if (key->kind == SYM_BUILTIN && key->builtin == BI_LEN && el->kind != T_STR &&
        el->kind != T_LIST && el->kind != T_DICT && el->kind != T_TUPLE) {
        ERR(s, e->pos, "key=len needs items with a length, not %s", tname(s, el));
        return false;
    }
    if (key->kind == SYM_BUILTIN && key->builtin == BI_ABS && el->kind != T_INT &&
        el->kind != T_FLOAT) {
        ERR(s, e->pos, "key=abs needs numbers, not %s", tname(s, el));
        return false;
    }
    return true;
}

static void check_args_only(Sema *s, Expr *call)
{
    for (int i = 0; i < call->args.n; i++)
        if (!arg_at(call, i)->value->type) /* a key= function is checked already */
            check_expr(s, arg_at(call, i)->value, NULL);
}

/* sorted(xs, key=f): f names a function of one parameter (or len/abs/str).
 * Returns false after an error. */
static bool check_key_arg(Sema *s, Expr *call)
{
    for (int i = 0; i < call->args.n; i++) {
        Arg *a = call->args.items[i];
        if (!a->name || strcmp(a->name, "key") != 0)
            continue;
        Expr *f = a->value;
        Symbol *sym = f->kind == E_NAME ? lookup(s, f->v.name, f->pos) : NULL;
        bool ok = sym && ((sym->kind == SYM_FUNC && sym->fn->nparams == 1) ||
                          (sym->kind == SYM_BUILTIN &&
                           (sym->builtin == BI_LEN || sym->builtin == BI_ABS ||
                            sym->builtin == BI_STR)));
        set_type(f, prim(s, T_FUNC));
        if (!ok) {
            ERR(s, f->pos, f->kind == E_LAMBDA
                               ? "lambda expressions are not supported (define a function and "
                                 "pass its name as key=)"
                               : "key= must name a function of one argument (or len, abs, str)");
            return false;
        }
        f->sym = sym;
        if (sym->kind == SYM_FUNC)
            func_ret(s, sym->fn, f->pos);
    }
    return true;
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
    /* values in source order, each expecting its parameter's type */
    for (int i = 0; i < call->args.n; i++) {
        Arg *a = arg_at(call, i);
        Type *expect = NULL;
        for (int j = 0; j < np; j++)
            if (bound[j] == a)
                expect = fn->params[first_param + j]->type;
        check_expr(s, a->value, expect);
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

/* Arguments of Exception(...) and friends: at most one message. */
static void check_exc_args(Sema *s, Expr *e, const char *name)
{
    check_args_only(s, e);
    if (e->args.n > 1 || (e->args.n == 1 && arg_at(e, 0)->name))
        ERR(s, e->pos, "%s() takes at most one positional argument (the message)", name);
    else if (e->args.n == 1 && !printable(arg_at(e, 0)->value->type))
        ERR(s, arg_at(e, 0)->pos, "cannot use a value of type '%s' as a message",
            tname(s, arg_at(e, 0)->value->type));
}

/* X(...): a new instance, initialized by the nearest __init__. */
static Type *check_ctor(Sema *s, Expr *e, ClassInfo *ci)
{
    e->call = CALL_CTOR;
    e->cls = ci;
    Func *init = ci->builtin ? NULL : find_method(ci, "__init__");
    if (init) {
        e->fn = init;
        bind_args(s, e, init, 1);
    } else if (ci->is_exception) {
        check_exc_args(s, e, ci->name);
    } else {
        check_args_only(s, e);
        if (e->args.n)
            ERR(s, e->pos, "%s() takes no arguments", ci->name);
    }
    if (!ci->builtin)
        ensure_fields(s, ci);
    return set_type(e, ci->type);
}

/* super().name(...) inside a method: the base class's version. */
static Type *check_super(Sema *s, Expr *e)
{
    Expr *f = e->lhs;
    set_type(f->lhs, prim(s, T_NONE));
    ClassInfo *ci = s->fn->cls;
    if (!ci) {
        check_args_only(s, e);
        ERR(s, f->lhs->pos, "super() is only supported inside methods");
        return set_type(e, prim(s, T_ERROR));
    }
    if (!ci->base) {
        check_args_only(s, e);
        ERR(s, f->lhs->pos, "'%s' has no base class", ci->name);
        return set_type(e, prim(s, T_ERROR));
    }
    e->call = CALL_SUPER;
    Func *m = find_method(ci->base, f->v.name);
    if (m && !(m->cls && m->cls->builtin)) {
        e->fn = m;
        bind_args(s, e, m, 1);
        return set_type(e, func_ret(s, m, e->pos));
    }
    if (strcmp(f->v.name, "__init__") == 0) {
        /* object.__init__ / Exception.__init__(message) */
        e->cls = ci->base;
        if (ci->is_exception)
            check_exc_args(s, e, "Exception.__init__");
        else {
            check_args_only(s, e);
            if (e->args.n)
                ERR(s, e->pos, "object.__init__() takes no arguments");
        }
        return set_type(e, prim(s, T_NONE));
    }
    check_args_only(s, e);
    ERR(s, f->pos, "'%s' has no method '%s'", ci->base->name, f->v.name);
    return set_type(e, prim(s, T_ERROR));
}

static bool is_super_call(Expr *f)
{
    return f->kind == E_ATTR && f->lhs->kind == E_CALL && f->lhs->lhs->kind == E_NAME &&
           strcmp(f->lhs->lhs->v.name, "super") == 0 && f->lhs->args.n == 0;
}

/* obj.name(...) */
static Type *check_method_call(Sema *s, Expr *e)
{
    Expr *f = e->lhs;
    if (is_super_call(f))
        return check_super(s, e);
    Type *t = check_expr(s, f->lhs, NULL);
    if (is_err(t)) {
        check_args_only(s, e);
        return set_type(e, t);
    }
    Type *ct = t;
    if (t->kind == T_OPTIONAL && t->elem->kind == T_CLASS) {
        ct = t->elem;
        f->check_none = true;
    }
    if (ct->kind == T_CLASS) {
        Func *m = ct->cls->builtin ? NULL : find_method(ct->cls, f->v.name);
        if (m) {
            e->call = CALL_METHOD;
            e->fn = m;
            bind_args(s, e, m, 1);
            return set_type(e, func_ret(s, m, e->pos));
        }
        check_args_only(s, e);
        ERR(s, f->pos, "'%s' object has no attribute '%s'", ct->cls->name, f->v.name);
        return set_type(e, prim(s, T_ERROR));
    }
    return set_type(e, check_bmethod(s, e, t));
}

/* isinstance(obj, Class) */
static Type *check_isinstance(Sema *s, Expr *e)
{
    e->call = CALL_BUILTIN;
    e->builtin = BI_ISINSTANCE;
    if (e->args.n != 2 || arg_at(e, 0)->name || arg_at(e, 1)->name) {
        check_args_only(s, e);
        ERR(s, e->pos, "isinstance() takes 2 positional arguments");
        return set_type(e, prim(s, T_ERROR));
    }
    Expr *obj = arg_at(e, 0)->value, *cls = arg_at(e, 1)->value;
    Type *t = check_expr(s, obj, NULL);
    /* a class name, or a tuple of class names: e->values gets them all */
    Expr *one[1] = {cls};
    Expr **names = one;
    int n = 1;
    if (cls->kind == E_TUPLE && cls->items.n > 0) {
        names = (Expr **)cls->items.items;
        n = cls->items.n;
    }
    set_type(cls, prim(s, T_EXC));
    for (int i = 0; i < n; i++) {
        Expr *x = names[i];
        Symbol *cs = x->kind == E_NAME ? lookup(s, x->v.name, x->pos) : NULL;
        set_type(x, prim(s, T_EXC));
        if (!cs || cs->kind != SYM_CLASS) {
            ERR(s, x->pos, "the second argument of isinstance() must be a class name or a "
                           "tuple of class names");
            return set_type(e, prim(s, T_ERROR));
        }
        vec_push(&s->c->arena, &e->values, cs->cls);
    }
    Type *ot = t->kind == T_OPTIONAL ? t->elem : t;
    if (ot->kind != T_CLASS && !is_err(ot)) {
        ERR(s, obj->pos, "isinstance() is only supported on class instances, not '%s'",
            tname(s, t));
        return set_type(e, prim(s, T_ERROR));
    }
    e->cls = e->values.items[0];
    return set_type(e, prim(s, T_BOOL));
}

static Type *check_call(Sema *s, Expr *e)
{
    Expr *f = e->lhs;
    consume_genexp(e);
    if (f->kind == E_ATTR)
        return check_method_call(s, e);
    if (f->kind == E_NAME) {
        Symbol *sym = lookup(s, f->v.name, f->pos);
        if (!sym) {
            check_args_only(s, e);
            ERR(s, f->pos, "name '%s' is not defined", f->v.name);
            return set_type(e, prim(s, T_ERROR));
        }
        f->sym = sym;
        set_type(f, prim(s, T_FUNC));
        if (sym->kind == SYM_FUNC) {
            e->call = CALL_FUNC;
            e->fn = sym->fn;
            bind_args(s, e, sym->fn, 0);
            return set_type(e, func_ret(s, sym->fn, e->pos));
        }
        if (sym->kind == SYM_CLASS)
            return check_ctor(s, e, sym->cls);
        if (sym->kind == SYM_BUILTIN && sym->builtin == BI_ISINSTANCE)
            return check_isinstance(s, e);
        if (sym->kind == SYM_BUILTIN &&
            (sym->builtin == BI_SORTED || sym->builtin == BI_MIN || sym->builtin == BI_MAX) &&
            !check_key_arg(s, e)) {
            check_args_only(s, e);
            return set_type(e, prim(s, T_ERROR));
        }
        check_args_only(s, e);
        if (sym->kind == SYM_BUILTIN) {
            e->call = CALL_BUILTIN;
            e->builtin = sym->builtin;
            return set_type(e, check_builtin_call(s, e, sym->builtin));
        }
        if (sym->type && !is_err(sym->type))
            ERR(s, f->pos, "cannot call %s", tname(s, sym->type));
        return set_type(e, prim(s, T_ERROR));
    }
    check_args_only(s, e);
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
    Arg *last = e->args.n ? arg_at(e, e->args.n - 1) : NULL;
    if (last && last->name && !strcmp(last->name, "key")) {
        /* min(items, key=f): the item with the smallest f(item) */
        if (e->args.n != 2 || arg_at(e, 0)->name) {
            ERR(s, e->pos, "%s() with key= takes one list", name);
            return prim(s, T_ERROR);
        }
        Type *t = arg_type(e, 0);
        if (t->kind != T_LIST)
            return bad_arg(s, e, 0, name);
        return key_fits(s, e, last->value->sym, t->elem) ? t->elem : prim(s, T_ERROR);
    }
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
    if (t->kind != T_INT && t->kind != T_FLOAT && t->kind != T_STR && t->kind != T_BOOL &&
        t->kind != T_TUPLE && t->kind != T_LIST)
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
        if (t0->kind == T_CLASS && !t0->cls->builtin) {
            Func *m = find_method(t0->cls, "__len__");
            if (m && m->nparams == 1) {
                e->fn = m;
                func_ret(s, m, e->pos);
                return prim(s, T_INT);
            }
        }
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
        /* iterated directly it is a counter; anywhere else a list of ints */
        return s->for_iter == e ? prim(s, T_RANGE) : type_list(s->c, prim(s, T_INT));
    case BI_ORD:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        return t0->kind == T_STR ? prim(s, T_INT) : bad_arg(s, e, 0, name);
    case BI_CHR:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        return t0->kind == T_INT ? prim(s, T_STR) : bad_arg(s, e, 0, name);
    case BI_SUM:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        if (t0->kind == T_LIST && (t0->elem->kind == T_INT || t0->elem->kind == T_FLOAT))
            return t0->elem;
        if (t0->kind == T_LIST && t0->elem->kind == T_BOOL)
            return prim(s, T_INT);
        return bad_arg(s, e, 0, name);
    case BI_LIST: {
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        Type *el = iter_elem(s, t0);
        if (!el || t0->kind == T_RANGE)
            return bad_arg(s, e, 0, name);
        return type_list(s->c, el);
    }
    case BI_ANY:
    case BI_ALL: {
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        Type *el = iter_elem(s, t0);
        if (!el)
            return bad_arg(s, e, 0, name);
        return prim(s, T_BOOL);
    }
    case BI_REVERSED:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        if (t0->kind != T_LIST)
            return bad_arg(s, e, 0, name);
        return t0;
    case BI_ALLOCATE:
    case BI_ALLOCATE_ALIGNED:
        if (!arity(s, e, name, 1, id == BI_ALLOCATE ? 1 : 2))
            return prim(s, T_ERROR);
        for (int i = 0; i < e->args.n; i++)
            if (!int_like(arg_type(e, i)))
                return bad_arg(s, e, i, name);
        return prim(s, T_BUFFER);
    case BI_FREE: {
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        Expr *x = arg_at(e, 0)->value;
        if (!type_is_ref(t0) || t0->kind == T_TUPLE || t0->kind == T_ARENA)
            return bad_arg(s, e, 0, name);
        if (x->kind != E_NAME || !x->sym || (x->sym->kind != SYM_VAR && x->sym->kind != SYM_PARAM)) {
            ERR(s, x->pos, "free() takes a variable (the reference it clears)");
            return prim(s, T_ERROR);
        }
        if (x->kind == E_NAME && x->sym && x->sym->kind == SYM_PARAM && x->sym->own != OWN_OWNED) {
            if (x->sym->own == OWN_BORROWED)
                ERR(s, x->pos, "cannot free '%s': it is a borrowed parameter (the caller owns it)",
                    x->v.name);
            else
                ERR(s, x->pos, "cannot free '%s': parameters are borrowed unless annotated owned(T)",
                    x->v.name);
            return prim(s, T_ERROR);
        }
        return prim(s, T_NONE);
    }
    case BI_CREATE_ARENA:
        if (!arity(s, e, name, 0, 1))
            return prim(s, T_ERROR);
        if (t0 && !int_like(t0) && t0->kind != T_STR)
            return bad_arg(s, e, 0, name);
        return prim(s, T_ARENA);
    case BI_RESET_ARENA:
    case BI_DESTROY_ARENA:
        if (!arity(s, e, name, 1, 1))
            return prim(s, T_ERROR);
        if (t0->kind != T_ARENA && t0->kind != T_STR)
            return bad_arg(s, e, 0, name);
        return prim(s, T_NONE);
    case BI_MEMORY_STATS:
        if (!arity(s, e, name, 0, 0))
            return prim(s, T_ERROR);
        return type_dict(s->c, prim(s, T_STR), prim(s, T_INT));
    case BI_DIVMOD: {
        if (!arity(s, e, name, 2, 2))
            return prim(s, T_ERROR);
        Type *t1 = arg_type(e, 1);
        Type *r = type_arith(s->c, OP_FLOORDIV, t0, t1);
        if (!r || (r->kind != T_INT && r->kind != T_FLOAT))
            return bad_arg(s, e, 0, name);
        Type *pair[2] = {r, r};
        return type_tuple(s->c, pair, 2);
    }
    case BI_SORTED: {
        Type *el = NULL;
        Symbol *key = NULL;
        for (int i = 0; i < e->args.n; i++) {
            Arg *a = arg_at(e, i);
            if (a->name && strcmp(a->name, "reverse") == 0) {
                if (a->value->type->kind != T_BOOL)
                    ERR(s, a->value->pos, "reverse must be a bool");
            } else if (a->name && strcmp(a->name, "key") == 0) {
                key = a->value->sym;
            } else if (a->name) {
                ERR(s, a->pos, "sorted() got an unexpected keyword argument '%s'", a->name);
                return prim(s, T_ERROR);
            } else if (i == 0) {
                el = iter_elem(s, a->value->type);
            } else {
                ERR(s, a->pos, "sorted() takes one positional argument");
                return prim(s, T_ERROR);
            }
        }
        if (!el || t0->kind == T_RANGE)
            return e->args.n ? bad_arg(s, e, 0, name) : prim(s, T_ERROR);
        if (key && !key_fits(s, e, key, el))
            return prim(s, T_ERROR);
        return type_list(s->c, el);
    }
    case BI_ENUMERATE: {
        if (e->args.n < 1 || e->args.n > 2 || arg_at(e, 0)->name ||
            (e->args.n == 2 && arg_at(e, 1)->name && strcmp(arg_at(e, 1)->name, "start"))) {
            ERR(s, e->pos, "enumerate() takes an iterable and an optional start");
            return prim(s, T_ERROR);
        }
        if (e->args.n == 2 && !int_like(arg_type(e, 1)))
            return bad_arg(s, e, 1, name);
        Type *el = iter_elem(s, t0);
        if (!el || t0->kind == T_RANGE)
            return bad_arg(s, e, 0, name);
        Type *pair[2] = {prim(s, T_INT), el};
        return type_list(s->c, type_tuple(s->c, pair, 2));
    }
    case BI_ZIP: {
        if (!arity(s, e, name, 2, 8))
            return prim(s, T_ERROR);
        Type *items[8];
        for (int i = 0; i < e->args.n; i++) {
            items[i] = iter_elem(s, arg_type(e, i));
            if (!items[i] || arg_type(e, i)->kind == T_RANGE)
                return bad_arg(s, e, i, name);
        }
        return type_list(s->c, type_tuple(s->c, items, e->args.n));
    }
    default:
        ERR(s, e->pos, "%s() is not supported yet", name);
        return prim(s, T_ERROR);
    }
}

/* ------------------------------------------------------------------ */
/* Containers                                                           */

/* What `for x in it` gives, NULL when it is not iterable. */
static Type *iter_elem(Sema *s, Type *it)
{
    switch (it->kind) {
    case T_RANGE: return prim(s, T_INT);
    case T_STR: return it;
    case T_LIST: return it->elem;
    case T_DICT: return it->key;
    default: return NULL;
    }
}

static bool hashable(Type *t)
{
    switch (t->kind) {
    case T_INT: case T_STR: case T_BOOL: case T_ERROR:
        return true;
    case T_TUPLE:
        for (int i = 0; i < t->nitems; i++)
            if (!hashable(t->items[i]))
                return false;
        return true;
    default:
        return false;
    }
}

/* Items of a display must share one type (the expected one if known). */
static Type *unify_item(Sema *s, Type *have, Expr *item, const char *what)
{
    Type *t = item->type;
    if (is_err(t))
        return have;
    if (!have)
        return t;
    if (assignable(have, t))
        return have;
    if (t->kind == T_OPTIONAL && assignable(t, have))
        return t;
    if (have->kind == T_NONE && t->kind != T_NONE)
        return type_optional(s->c, t);
    if (t->kind == T_NONE && have->kind != T_NONE)
        return type_optional(s->c, have);
    ERR(s, item->pos, "%s must have one type (%s and %s)", what, tname(s, have), tname(s, t));
    return have;
}

static Type *check_list(Sema *s, Expr *e, Type *expect)
{
    Type *want = expect && expect->kind == T_LIST ? expect->elem : NULL;
    Type *elem = want;
    for (int i = 0; i < e->items.n; i++) {
        Expr *it = e->items.items[i];
        check_expr(s, it, elem);
        elem = unify_item(s, elem, it, "list items");
    }
    if (!elem) {
        ERR(s, e->pos, "cannot infer the element type of an empty list (annotate the "
                       "variable, e.g. 'xs: list[int] = []')");
        return set_type(e, prim(s, T_ERROR));
    }
    return set_type(e, type_list(s->c, elem));
}

static Type *dict_type(Sema *s, Expr *e, Type *k, Type *v)
{
    if (!hashable(k)) {
        ERR(s, e->pos, "dict keys must be int, str, bool or tuples of them, not '%s'",
            tname(s, k));
        return prim(s, T_ERROR);
    }
    return type_dict(s->c, k, v);
}

static Type *check_dict(Sema *s, Expr *e, Type *expect)
{
    Type *wk = expect && expect->kind == T_DICT ? expect->key : NULL;
    Type *wv = expect && expect->kind == T_DICT ? expect->elem : NULL;
    Type *k = wk, *v = wv;
    for (int i = 0; i < e->items.n; i++) {
        Expr *ki = e->items.items[i], *vi = e->values.items[i];
        check_expr(s, ki, k);
        k = unify_item(s, k, ki, "dict keys");
        check_expr(s, vi, v);
        v = unify_item(s, v, vi, "dict values");
    }
    if (!k || !v) {
        ERR(s, e->pos, "cannot infer the key and value types of an empty dict (annotate the "
                       "variable, e.g. 'd: dict[str, int] = {}')");
        return set_type(e, prim(s, T_ERROR));
    }
    return set_type(e, dict_type(s, e, k, v));
}

static Type *check_tuple(Sema *s, Expr *e, Type *expect)
{
    int n = e->items.n;
    Type **items = arena_alloc(&s->c->arena, sizeof(Type *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        Type *want = expect && expect->kind == T_TUPLE && expect->nitems == n ? expect->items[i]
                                                                              : NULL;
        items[i] = check_expr(s, e->items.items[i], want);
        if (is_err(items[i]))
            return set_type(e, items[i]);
        if (items[i]->kind == T_NONE && want)
            items[i] = want;
    }
    return set_type(e, type_tuple(s->c, items, n));
}

/* A comprehension target names fresh variables of the comprehension. */
static void comp_target(Sema *s, Expr *t, Type *elem)
{
    t->type = elem;
    if (t->kind == E_NAME) {
        Symbol *sym = scoped_var(s, t->v.name, t->pos, elem);
        t->sym = sym;
        vec_push(&s->c->arena, &s->scope, sym);
        mark_bound(s, sym);
        return;
    }
    if ((t->kind == E_TUPLE || t->kind == E_LIST) && elem->kind == T_TUPLE &&
        elem->nitems == t->items.n) {
        for (int i = 0; i < t->items.n; i++)
            comp_target(s, t->items.items[i], elem->items[i]);
        return;
    }
    if (!is_err(elem))
        ERR(s, t->pos, "cannot unpack a value of type '%s' here", tname(s, elem));
    for (int i = 0; i < t->items.n; i++) /* keep the names defined */
        comp_target(s, t->items.items[i], prim(s, T_ERROR));
}

static void check_comps(Sema *s, Expr *e)
{
    for (int i = 0; i < e->comps.n; i++) {
        Comprehension *c = e->comps.items[i];
        s->for_iter = c->iter;
        Type *it = check_expr(s, c->iter, NULL);
        s->for_iter = NULL;
        Type *elem = iter_elem(s, it);
        if (!elem) {
            if (!is_err(it))
                ERR(s, c->iter->pos, "cannot iterate over a value of type '%s'", tname(s, it));
            elem = prim(s, T_ERROR);
        }
        comp_target(s, c->target, elem);
        for (int j = 0; j < c->conds.n; j++)
            check_cond(s, c->conds.items[j]);
    }
}

static Type *check_listcomp(Sema *s, Expr *e, Type *expect)
{
    int mark = s->scope.n;
    check_comps(s, e);
    Type *want = expect && expect->kind == T_LIST ? expect->elem : NULL;
    Type *t = check_expr(s, e->lhs, want);
    s->scope.n = mark;
    if (is_err(t))
        return set_type(e, t);
    if (want && assignable(want, t))
        t = want;
    return set_type(e, type_list(s->c, t));
}

static Type *check_dictcomp(Sema *s, Expr *e, Type *expect)
{
    int mark = s->scope.n;
    check_comps(s, e);
    Type *k = check_expr(s, e->lhs, expect && expect->kind == T_DICT ? expect->key : NULL);
    Type *v = check_expr(s, e->rhs, expect && expect->kind == T_DICT ? expect->elem : NULL);
    s->scope.n = mark;
    if (is_err(k) || is_err(v))
        return set_type(e, prim(s, T_ERROR));
    return set_type(e, dict_type(s, e, k, v));
}


static bool int_like(Type *t) { return t->kind == T_INT || t->kind == T_BOOL; }

/* c[i] as a value or an assignment target (lhs and index already checked). */
static Type *subscript_type(Sema *s, Expr *e, bool store)
{
    Type *t = e->lhs->type, *it = e->rhs->type;
    if (is_err(t) || is_err(it))
        return prim(s, T_ERROR);
    switch (t->kind) {
    case T_STR:
        if (store) {
            ERR(s, e->pos, "'str' object does not support item assignment");
            return prim(s, T_ERROR);
        }
        if (!int_like(it)) {
            ERR(s, e->rhs->pos, "string indices must be integers, not '%s'", tname(s, it));
            return prim(s, T_ERROR);
        }
        return t;
    case T_LIST:
        if (!int_like(it)) {
            ERR(s, e->rhs->pos, "list indices must be integers, not '%s'", tname(s, it));
            return prim(s, T_ERROR);
        }
        return t->elem;
    case T_BUFFER:
        if (!int_like(it)) {
            ERR(s, e->rhs->pos, "buffer indices must be integers, not '%s'", tname(s, it));
            return prim(s, T_ERROR);
        }
        return prim(s, T_INT);
    case T_DICT:
        if (!assignable(t->key, it)) {
            ERR(s, e->rhs->pos, "dict key must be %s, not %s", tname(s, t->key), tname(s, it));
            return prim(s, T_ERROR);
        }
        return t->elem;
    case T_TUPLE: {
        int64_t i;
        if (store) {
            ERR(s, e->pos, "'tuple' object does not support item assignment");
            return prim(s, T_ERROR);
        }
        if (!ast_int_constant(e->rhs, &i)) {
            ERR(s, e->rhs->pos, "tuple indices must be integer constants");
            return prim(s, T_ERROR);
        }
        if (i < 0)
            i += t->nitems;
        if (i < 0 || i >= t->nitems) {
            ERR(s, e->rhs->pos, "tuple index out of range");
            return prim(s, T_ERROR);
        }
        return t->items[i];
    }
    default:
        ERR(s, e->pos, "'%s' object is not subscriptable", tname(s, t));
        return prim(s, T_ERROR);
    }
}

static Type *check_subscript_target(Sema *s, Expr *t)
{
    Type *ct = check_expr(s, t->lhs, NULL);
    if (t->rhs->kind == E_SLICE) {
        ERR(s, t->rhs->pos, "assignment to a slice is not supported");
        return set_type(t, prim(s, T_ERROR));
    }
    check_expr(s, t->rhs, ct->kind == T_DICT ? ct->key : NULL);
    return set_type(t, subscript_type(s, t, true));
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
            if (!int_like(pt) && !is_err(pt))
                ERR(s, parts[i]->pos, "slice indices must be integers, not '%s'", tname(s, pt));
        }
        ix->type = prim(s, T_NONE);
        if (is_err(t) || t->kind == T_STR || t->kind == T_LIST)
            return set_type(e, t);
        ERR(s, e->pos, "slicing a '%s' is not supported", tname(s, t));
        return set_type(e, prim(s, T_ERROR));
    }
    check_expr(s, ix, t->kind == T_DICT ? t->key : NULL);
    return set_type(e, subscript_type(s, e, false));
}

/* ---- methods of str, list and dict ---- */

typedef struct MethodSig {
    TypeKind recv;
    const char *name;
    MethodId id;
    const char *params; /* one code per parameter, see arg_expect */
    const char *names;  /* parameter names for keywords, comma separated */
    int required;
    char result;
} MethodSig;

static const MethodSig method_sigs[] = {
    {T_LIST, "append", BM_APPEND, "T", "x", 1, 'n'},
    {T_LIST, "pop", BM_POP, "i", "index", 0, 'T'},
    {T_LIST, "insert", BM_INSERT, "iT", "index,x", 2, 'n'},
    {T_LIST, "extend", BM_EXTEND, "L", "iterable", 1, 'n'},
    {T_LIST, "remove", BM_REMOVE, "T", "x", 1, 'n'},
    {T_LIST, "index", BM_INDEX, "T", "x", 1, 'i'},
    {T_LIST, "count", BM_COUNT, "T", "x", 1, 'i'},
    {T_LIST, "sort", BM_SORT, "b", "reverse", 0, 'n'},
    {T_LIST, "reverse", BM_REVERSE, "", "", 0, 'n'},
    {T_LIST, "copy", BM_COPY, "", "", 0, 'L'},
    {T_LIST, "clear", BM_CLEAR, "", "", 0, 'n'},
    {T_DICT, "get", BM_GET, "KV", "key,default", 1, 'V'},
    {T_DICT, "pop", BM_DPOP, "KV", "key,default", 1, 'V'},
    {T_DICT, "keys", BM_KEYS, "", "", 0, 'k'},
    {T_DICT, "values", BM_VALUES, "", "", 0, 'v'},
    {T_DICT, "items", BM_ITEMS, "", "", 0, 'I'},
    {T_DICT, "copy", BM_DCOPY, "", "", 0, 'D'},
    {T_DICT, "clear", BM_DCLEAR, "", "", 0, 'n'},
    {T_DICT, "setdefault", BM_SETDEFAULT, "KV", "key,default", 2, 'V'},
    {T_DICT, "update", BM_UPDATE, "D", "other", 1, 'n'},
    {T_STR, "split", BM_SPLIT, "Si", "sep,maxsplit", 0, 'l'},
    {T_STR, "rsplit", BM_RSPLIT, "Si", "sep,maxsplit", 0, 'l'},
    {T_STR, "splitlines", BM_SPLITLINES, "", "", 0, 'l'},
    {T_STR, "join", BM_JOIN, "l", "iterable", 1, 's'},
    {T_STR, "strip", BM_STRIP, "S", "chars", 0, 's'},
    {T_STR, "lstrip", BM_LSTRIP, "S", "chars", 0, 's'},
    {T_STR, "rstrip", BM_RSTRIP, "S", "chars", 0, 's'},
    {T_STR, "upper", BM_UPPER, "", "", 0, 's'},
    {T_STR, "lower", BM_LOWER, "", "", 0, 's'},
    {T_STR, "title", BM_TITLE, "", "", 0, 's'},
    {T_STR, "capitalize", BM_CAPITALIZE, "", "", 0, 's'},
    {T_STR, "swapcase", BM_SWAPCASE, "", "", 0, 's'},
    {T_STR, "replace", BM_REPLACE, "ssi", "old,new,count", 2, 's'},
    {T_STR, "find", BM_FIND, "sii", "sub,start,end", 1, 'i'},
    {T_STR, "rfind", BM_RFIND, "sii", "sub,start,end", 1, 'i'},
    {T_STR, "index", BM_SINDEX, "sii", "sub,start,end", 1, 'i'},
    {T_STR, "rindex", BM_RINDEX, "sii", "sub,start,end", 1, 'i'},
    {T_STR, "count", BM_SCOUNT, "s", "sub", 1, 'i'},
    {T_STR, "startswith", BM_STARTSWITH, "sii", "prefix,start,end", 1, 'b'},
    {T_STR, "endswith", BM_ENDSWITH, "sii", "suffix,start,end", 1, 'b'},
    {T_STR, "isdigit", BM_ISDIGIT, "", "", 0, 'b'},
    {T_STR, "isalpha", BM_ISALPHA, "", "", 0, 'b'},
    {T_STR, "isalnum", BM_ISALNUM, "", "", 0, 'b'},
    {T_STR, "isspace", BM_ISSPACE, "", "", 0, 'b'},
    {T_STR, "islower", BM_ISLOWER, "", "", 0, 'b'},
    {T_STR, "isupper", BM_ISUPPER, "", "", 0, 'b'},
    {T_STR, "center", BM_CENTER, "is", "width,fillchar", 1, 's'},
    {T_STR, "ljust", BM_LJUST, "is", "width,fillchar", 1, 's'},
    {T_STR, "rjust", BM_RJUST, "is", "width,fillchar", 1, 's'},
    {T_STR, "zfill", BM_ZFILL, "i", "width", 1, 's'},
};

static Type *sig_type(Sema *s, char code, Type *recv)
{
    Type *str = prim(s, T_STR);
    switch (code) {
    case 'T': return recv->elem;
    case 'K': return recv->key;
    case 'V': return recv->elem;
    case 'L': case 'D': return recv;
    case 'i': return prim(s, T_INT);
    case 'b': return prim(s, T_BOOL);
    case 's': return str;
    case 'S': return type_optional(s->c, str);
    case 'l': return type_list(s->c, str);
    case 'n': return prim(s, T_NONE);
    case 'k': return type_list(s->c, recv->key);
    case 'v': return type_list(s->c, recv->elem);
    case 'I': {
        Type *kv[2] = {recv->key, recv->elem};
        return type_list(s->c, type_tuple(s->c, kv, 2));
    }
    default: return prim(s, T_ERROR);
    }
}

/* The n-th name of a comma-separated list. */
static bool nth_name(const char *names, int n, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; *names; i++) {
        const char *end = strchr(names, ',');
        size_t l = end ? (size_t)(end - names) : strlen(names);
        if (i == n)
            return l == len && strncmp(names, name, len) == 0;
        if (!end)
            break;
        names = end + 1;
    }
    return false;
}

static FStrItem *format_literal(Sema *s, const char *text, int len, SrcPos pos)
{
    FStrItem *it = arena_alloc(&s->c->arena, sizeof *it);
    it->text = arena_strndup(&s->c->arena, text, (size_t)len);
    it->len = len;
    it->pos = pos;
    return it;
}

/* "...{0}...{name!r:>8}...".format(args): the literal is parsed here into
 * f-string items whose expressions are the call's arguments (e->items); the
 * emitter evaluates every argument once, in order, as Python does. */
static Type *check_str_format(Sema *s, Expr *e)
{
    Expr *recv = e->lhs->lhs;
    check_args_only(s, e);
    e->call = CALL_BMETHOD;
    e->builtin = BM_FORMAT;
    if (recv->kind != E_STR) {
        check_expr(s, recv, NULL);
        ERR(s, e->lhs->pos, "format() is only supported on a string literal (use an f-string)");
        return prim(s, T_ERROR);
    }
    set_type(recv, prim(s, T_STR));
    for (int i = 0; i < e->args.n; i++)
        if (!printable(arg_at(e, i)->value->type)) {
            ERR(s, arg_at(e, i)->value->pos, "cannot format a value of type '%s'",
                tname(s, arg_at(e, i)->value->type));
            return prim(s, T_ERROR);
        }
    const char *p = recv->v.str.s, *end = p + recv->v.str.len;
    StrBuf lit = {0};
    int next_auto = 0;
    bool manual = false, automatic = false;
    while (p < end) {
        if ((*p == '{' && p + 1 < end && p[1] == '{') || (*p == '}' && p + 1 < end && p[1] == '}')) {
            sb_putc(&lit, *p);
            p += 2;
            continue;
        }
        if (*p == '}') {
            ERR(s, recv->pos, "format(): single '}' encountered in format string");
            sb_free(&lit);
            return prim(s, T_ERROR);
        }
        if (*p != '{') {
            sb_putc(&lit, *p++);
            continue;
        }
        if (lit.len)
            vec_push(&s->c->arena, &e->items, format_literal(s, lit.data, (int)lit.len, recv->pos));
        lit.len = 0;
        const char *q = ++p;
        while (q < end && *q != '}' && *q != '!' && *q != ':' && *q != '{')
            q++;
        FStrItem *it = arena_alloc(&s->c->arena, sizeof *it);
        it->pos = recv->pos;
        Expr *arg = NULL;
        if (q == p) {
            automatic = true;
            if (next_auto < e->args.n && !arg_at(e, next_auto)->name)
                arg = arg_at(e, next_auto)->value;
            next_auto++;
        } else if (*p >= '0' && *p <= '9') {
            manual = true;
            int idx = 0;
            for (const char *d = p; d < q; d++)
                idx = *d >= '0' && *d <= '9' && idx < 1000 ? idx * 10 + (*d - '0') : 100000;
            if (idx < e->args.n && !arg_at(e, idx)->name)
                arg = arg_at(e, idx)->value;
        } else {
            for (int i = 0; i < e->args.n; i++) {
                Arg *a = arg_at(e, i);
                if (a->name && (int)strlen(a->name) == q - p && !strncmp(a->name, p, (size_t)(q - p)))
                    arg = a->value;
            }
        }
        if (manual && automatic) {
            ERR(s, recv->pos, "cannot switch from automatic field numbering to manual field specification");
            sb_free(&lit);
            return prim(s, T_ERROR);
        }
        if (!arg) {
            ERR(s, recv->pos, "format(): the field '{%.*s}' has no matching argument", (int)(q - p), p);
            sb_free(&lit);
            return prim(s, T_ERROR);
        }
        it->expr = arg;
        if (q < end && *q == '!') {
            it->conv = q + 1 < end ? q[1] : 0;
            if (it->conv != 'r' && it->conv != 's' && it->conv != 'a') {
                ERR(s, recv->pos, "format(): unknown conversion specifier");
                sb_free(&lit);
                return prim(s, T_ERROR);
            }
            q += 2;
        }
        if (q < end && *q == ':') {
            const char *sp = ++q;
            while (q < end && *q != '}' && *q != '{')
                q++;
            if (q > sp)
                vec_push(&s->c->arena, &it->spec, format_literal(s, sp, (int)(q - sp), recv->pos));
        }
        if (q >= end || *q != '}') {
            ERR(s, recv->pos, "format(): expected '}' (nested fields in a format spec are not supported)");
            sb_free(&lit);
            return prim(s, T_ERROR);
        }
        if (it->spec.n && (arg->type->kind == T_NONE || arg->type->kind == T_OPTIONAL ||
                           arg->type->kind == T_LIST || arg->type->kind == T_DICT ||
                           arg->type->kind == T_TUPLE || arg->type->kind == T_CLASS) && !it->conv) {
            ERR(s, arg->pos, "a format spec cannot be applied to '%s'", tname(s, arg->type));
            sb_free(&lit);
            return prim(s, T_ERROR);
        }
        vec_push(&s->c->arena, &e->items, it);
        p = q + 1;
    }
    if (lit.len)
        vec_push(&s->c->arena, &e->items, format_literal(s, lit.data, (int)lit.len, recv->pos));
    sb_free(&lit);
    return prim(s, T_STR);
}

static Type *check_bmethod(Sema *s, Expr *e, Type *recv)
{
    Expr *f = e->lhs;
    if (recv->kind == T_STR && !strcmp(f->v.name, "format"))
        return check_str_format(s, e);
    const MethodSig *sig = NULL;
    for (size_t i = 0; i < sizeof method_sigs / sizeof method_sigs[0] && !sig; i++)
        if (method_sigs[i].recv == recv->kind && strcmp(method_sigs[i].name, f->v.name) == 0)
            sig = &method_sigs[i];
    if (!sig) {
        check_args_only(s, e);
        ERR(s, f->pos, "'%s' object has no attribute '%s'", tname(s, recv), f->v.name);
        return prim(s, T_ERROR);
    }
    e->call = CALL_BMETHOD;
    e->builtin = sig->id;
    int np = (int)strlen(sig->params);
    Arg **bound = arena_alloc(&s->c->arena, sizeof(Arg *) * (size_t)(np + 1));
    int npos = 0;
    for (int i = 0; i < e->args.n; i++) {
        Arg *a = arg_at(e, i);
        int j = npos;
        if (a->name) {
            for (j = 0; j < np && !nth_name(sig->names, j, a->name); j++)
                ;
            if (sig->id == BM_SORT && !strcmp(a->name, "key")) {
                if (!check_key_arg(s, e))
                    return prim(s, T_ERROR);
                if (!key_fits(s, e, a->value->sym, recv->elem))
                    return prim(s, T_ERROR);
                continue;
            }
            if (j == np || (sig->id == BM_SORT ? false : j < sig->required)) {
                if (!strcmp(a->name, "key")) {
                    ERR(s, a->pos, "key= arguments are not supported (sort a list of tuples "
                                   "instead)");
                } else {
                    check_expr(s, a->value, NULL);
                    ERR(s, a->pos, "%s() got an unexpected keyword argument '%s'", f->v.name,
                        a->name);
                }
                continue;
            }
        } else if (sig->id == BM_SORT) {
            j = np; /* sort takes keywords only */
        } else {
            npos++;
        }
        if (j >= np) {
            check_expr(s, a->value, NULL);
            ERR(s, e->pos, "%s() takes at most %d argument%s (%d given)", f->v.name, np,
                np == 1 ? "" : "s", e->args.n);
            return prim(s, T_ERROR);
        }
        Type *want = sig_type(s, sig->params[j], recv);
        Type *t = check_expr(s, a->value, want);
        if (!assignable(want, t) && !is_err(t))
            ERR(s, a->value->pos, "argument %d of %s() must be %s, not %s", j + 1, f->v.name,
                tname(s, want), tname(s, t));
        bound[j] = a;
    }
    for (int j = 0; j < sig->required; j++)
        if (!bound[j]) {
            ERR(s, e->pos, "%s() missing required argument '%s'", f->v.name,
                j == 0 ? sig->names : strchr(sig->names, ',') + 1);
            return prim(s, T_ERROR);
        }
    e->bound = bound;
    e->nbound = np;
    if (sig->id == BM_GET && !bound[1] && !type_is_ref(recv->elem) &&
        recv->elem->kind != T_INT && recv->elem->kind != T_FLOAT && recv->elem->kind != T_BOOL) {
        ERR(s, e->pos, "get() without a default needs values that can be None; pass a "
                       "default (d.get(key, default))");
        return prim(s, T_ERROR);
    }
    if (sig->id == BM_GET && !bound[1])
        return type_optional(s->c, recv->elem);
    return sig_type(s, sig->result, recv);
}

static Type *check_expr(Sema *s, Expr *e, Type *expect)
{
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
    case E_ATTR:
        return check_attr(s, e);
    case E_TUPLE: return check_tuple(s, e, expect);
    case E_LIST: return check_list(s, e, expect);
    case E_LISTCOMP: return check_listcomp(s, e, expect);
    case E_DICT: return check_dict(s, e, expect);
    case E_DICTCOMP: return check_dictcomp(s, e, expect);
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

static Type *check_subscript_target(Sema *s, Expr *t);

/* Check what a target reads before the value is evaluated; returns the
 * type the target already has (NULL: a new variable or field). */
static Type *prepare_target(Sema *s, Expr *t)
{
    switch (t->kind) {
    case E_NAME: {
        Symbol *sym = t->kind == E_NAME && s->fn != s->p->main && !declared_global(s->fn, t->v.name)
                          ? find_local(s->fn, t->v.name)
                          : global_symbol(s, t->v.name);
        for (int i = s->scope.n - 1; i >= 0; i--)
            if (strcmp(((Symbol *)s->scope.items[i])->name, t->v.name) == 0)
                sym = s->scope.items[i];
        return sym && (sym->kind == SYM_VAR || sym->kind == SYM_PARAM) ? sym->type : NULL;
    }
    case E_ATTR: {
        if (t->lhs->kind == E_NAME) {
            Symbol *cs = lookup(s, t->lhs->v.name, t->lhs->pos);
            if (cs && cs->kind == SYM_CLASS) {
                Symbol *cv = class_attr(s, t);
                if (!cv)
                    return prim(s, T_ERROR);
                if (cv->owner != cs->cls) {
                    ERR(s, t->pos, "assign the class variable '%s' through '%s', the class that "
                                   "defines it", t->v.name, cv->owner->name);
                    return prim(s, T_ERROR);
                }
                t->sym = cv;
                return cv->type;
            }
        }
        Type *ot = check_expr(s, t->lhs, NULL);
        if (ot->kind == T_OPTIONAL && ot->elem->kind == T_CLASS) {
            ot = ot->elem;
            t->check_none = true;
        }
        if (ot->kind != T_CLASS || ot->cls->builtin) {
            if (!is_err(ot))
                ERR(s, t->pos, "'%s' object has no attribute '%s'", tname(s, ot), t->v.name);
            return prim(s, T_ERROR);
        }
        if (!in_init_self(s, ot->cls, t->lhs))
            ensure_fields(s, ot->cls);
        Symbol *f = find_field(ot->cls, t->v.name);
        if (f) {
            t->sym = f;
            return f->type;
        }
        if (find_classvar(ot->cls, t->v.name)) {
            ERR(s, t->pos, "assigning self.%s would hide the class variable '%s' (assign %s.%s)",
                t->v.name, t->v.name, find_classvar(ot->cls, t->v.name)->owner->name, t->v.name);
            return prim(s, T_ERROR);
        }
        if (!in_init_self(s, ot->cls, t->lhs)) {
            ERR(s, t->pos, "'%s' object has no attribute '%s'", ot->cls->name, t->v.name);
            return prim(s, T_ERROR);
        }
        return NULL; /* a new field of self in __init__ */
    }
    case E_INDEX:
        return check_subscript_target(s, t);
    case E_TUPLE:
    case E_LIST:
        for (int i = 0; i < t->items.n; i++)
            prepare_target(s, t->items.items[i]);
        return NULL;
    default:
        ERR(s, t->pos, "cannot assign to this expression");
        return prim(s, T_ERROR);
    }
}

static void bind_target(Sema *s, Expr *t, Type *vt, SrcPos vpos);

/* a, b = value: the value's items go to the targets. */
static void bind_unpack(Sema *s, Expr *t, Type *vt, SrcPos vpos)
{
    int n = t->items.n;
    t->type = vt;
    if (vt->kind == T_TUPLE) {
        if (vt->nitems != n) {
            ERR(s, t->pos, "cannot unpack a tuple of %d items into %d targets", vt->nitems, n);
            return;
        }
        for (int i = 0; i < n; i++)
            bind_target(s, t->items.items[i], vt->items[i], vpos);
    } else if (vt->kind == T_LIST) {
        for (int i = 0; i < n; i++)
            bind_target(s, t->items.items[i], vt->elem, vpos);
    } else if (!is_err(vt)) {
        ERR(s, vpos, "cannot unpack a value of type '%s'", tname(s, vt));
    }
}

static void bind_target(Sema *s, Expr *t, Type *vt, SrcPos vpos)
{
    switch (t->kind) {
    case E_NAME:
        assign_name(s, t, vt, vpos);
        break;
    case E_ATTR:
        if (t->sym) {
            if (!assignable(t->sym->type, vt))
                ERR(s, t->pos, "cannot assign %s to field '%s' of type %s", tname(s, vt),
                    t->v.name, tname(s, t->sym->type));
            t->type = t->sym->type;
        } else if (t->lhs->type && t->lhs->type->kind == T_CLASS) {
            if (vt->kind == T_NONE) {
                ERR(s, vpos, "cannot infer the type of field '%s' from None (declare it in the "
                             "class body, e.g. '%s: Optional[%s] = None')", t->v.name,
                    t->v.name, t->lhs->type->cls->name);
                vt = prim(s, T_ERROR);
            }
            t->sym = add_field(s, t->lhs->type->cls, t->v.name, vt, t->pos);
            t->type = vt;
        }
        break;
    case E_INDEX:
        if (t->type && !assignable(t->type, vt))
            ERR(s, vpos, "cannot assign %s to an item of type %s", tname(s, vt),
                tname(s, t->type));
        break;
    case E_TUPLE:
    case E_LIST:
        bind_unpack(s, t, vt, vpos);
        break;
    default:
        break;
    }
}

static void check_assign(Sema *s, Stmt *st)
{
    Expr *v = st->expr;
    Expr *t0 = st->targets.items[0];
    /* a, b = x, y: parallel assignment, element by element */
    if (st->targets.n == 1 && (t0->kind == E_TUPLE || t0->kind == E_LIST) &&
        v->kind == E_TUPLE && t0->items.n == v->items.n) {
        Type **expect = arena_alloc(&s->c->arena, sizeof(Type *) * (size_t)v->items.n);
        for (int i = 0; i < t0->items.n; i++)
            expect[i] = prepare_target(s, t0->items.items[i]);
        for (int i = 0; i < v->items.n; i++)
            check_expr(s, v->items.items[i], expect[i]);
        for (int i = 0; i < t0->items.n; i++) {
            Expr *vi = v->items.items[i];
            bind_target(s, t0->items.items[i], vi->type, vi->pos);
        }
        v->type = prim(s, T_NONE); /* never materialized */
        return;
    }
    Type *expect = NULL;
    for (int i = 0; i < st->targets.n; i++) {
        Type *tt = prepare_target(s, st->targets.items[i]);
        if (i == 0)
            expect = tt;
    }
    Type *vt = check_expr(s, v, expect);
    for (int i = 0; i < st->targets.n; i++)
        bind_target(s, st->targets.items[i], vt, v->pos);
}

static Type *binary_result(Sema *s, Expr *e, OpKind op, Type *a, Type *b);

static void check_augassign(Sema *s, Stmt *st)
{
    Expr *t = st->target;
    if (t->kind != E_NAME && t->kind != E_ATTR && t->kind != E_INDEX) {
        ERR(s, t->pos, "'%s' is an illegal expression for augmented assignment",
            t->kind == E_TUPLE ? "tuple" : "this");
        return;
    }
    Type *tt = t->kind == E_NAME ? check_expr(s, t, NULL) : prepare_target(s, t);
    if (t->kind == E_ATTR && !t->sym)
        return;
    if (!tt)
        tt = prim(s, T_ERROR);
    t->type = tt;
    Type *vt = check_expr(s, st->expr, tt);
    if (is_err(tt) || is_err(vt))
        return;
    /* the statement's own expression records the operator's resolution */
    Type *r = binary_result(s, t, st->op, tt, vt);
    if (!r) {
        ERR(s, st->pos, "unsupported operand type(s) for %s=: '%s' and '%s'", op_text(st->op),
            tname(s, tt), tname(s, vt));
        return;
    }
    if (!assignable(tt, r)) {
        const char *what = t->kind == E_NAME ? t->v.name : "the target";
        ERR(s, t->pos, "cannot assign %s to '%s' of type %s", tname(s, r), what, tname(s, tt));
    }
    if (t->kind == E_NAME) {
        Symbol *sym = target_symbol(s, t);
        if (sym && sym->kind == SYM_PARAM)
            sym->assigned = true;
    }
}

static void check_annassign(Sema *s, Stmt *st)
{
    Type *t = resolve_type(s, st->annotation);
    Expr *target = st->target;
    if (target->kind == E_ATTR) {
        /* self.x: T = v in __init__ declares a field */
        Type *old = prepare_target(s, target);
        if (old && !is_err(old) && old != t)
            ERR(s, target->pos, "field '%s' was already given type %s", target->v.name,
                tname(s, old));
        Type *vt = st->expr ? check_expr(s, st->expr, t) : t;
        if (!assignable(t, vt))
            ERR(s, target->pos, "cannot assign %s to '%s' of type %s", tname(s, vt),
                target->v.name, tname(s, t));
        if (!target->sym && target->lhs->type && target->lhs->type->kind == T_CLASS)
            target->sym = add_field(s, target->lhs->type->cls, target->v.name, t, target->pos);
        target->type = t;
        if (!st->expr)
            ERR(s, target->pos, "an annotated field assignment needs a value");
        return;
    }
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
    Type *elem = iter_elem(s, it);
    if (!elem && !is_err(it))
        ERR(s, st->expr->pos, "cannot iterate over a value of type '%s'", tname(s, it));
    if (!elem)
        elem = prim(s, T_ERROR);
    PtrVec before = bound_save(s);
    prepare_target(s, st->target);
    bind_target(s, st->target, elem, st->target->pos);
    PtrVec in_body = bound_save(s);
    s->bound = in_body; /* the targets are bound inside the body */
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
        if (fn->ret->kind == T_NONE && t->kind != T_NONE)
            fn->ret = type_optional(s->c, t);
        else if (t->kind == T_NONE && fn->ret->kind != T_NONE)
            fn->ret = type_optional(s->c, fn->ret);
        else
            ERR(s, st->expr ? st->expr->pos : st->pos, "'%s' returns %s here but %s elsewhere",
                fn->name, tname(s, t), tname(s, fn->ret));
    }
}

/* ---- exceptions ---- */

/* The classes an except clause names (a name or a tuple of names). */
static void handler_classes(Sema *s, ExceptClause *h)
{
    Expr *t = h->type;
    if (!t)
        return;
    Expr *one[1] = {t};
    Expr **names = one;
    int n = 1;
    if (t->kind == E_TUPLE) {
        names = (Expr **)t->items.items;
        n = t->items.n;
    }
    set_type(t, prim(s, T_EXC));
    for (int i = 0; i < n; i++) {
        Expr *x = names[i];
        Symbol *sym = x->kind == E_NAME ? lookup(s, x->v.name, x->pos) : NULL;
        set_type(x, prim(s, T_EXC));
        if (!sym || sym->kind != SYM_CLASS || !sym->cls->is_exception) {
            ERR(s, x->pos, "except needs an exception class, not '%s'",
                x->kind == E_NAME ? x->v.name : "this expression");
            continue;
        }
        vec_push(&s->c->arena, &h->classes, sym->cls);
    }
}

/* The nearest common base of the classes a handler catches. */
static ClassInfo *common_base(Sema *s, PtrVec *classes)
{
    if (classes->n == 0)
        return builtin_exc(s, "Exception");
    ClassInfo *c = classes->items[0];
    for (int i = 1; i < classes->n; i++) {
        ClassInfo *o = classes->items[i];
        for (; c; c = c->base) {
            ClassInfo *x = o;
            while (x && x != c)
                x = x->base;
            if (x)
                break;
        }
    }
    return c ? c : builtin_exc(s, "Exception");
}

static void check_try(Sema *s, Stmt *st)
{
    PtrVec before = bound_save(s);
    check_block(s, &st->body);
    check_block(s, &st->orelse);
    for (int i = 0; i < st->handlers.n; i++) {
        ExceptClause *h = st->handlers.items[i];
        s->bound = bound_copy(s, &before);
        handler_classes(s, h);
        int mark = s->scope.n;
        if (h->name) {
            h->sym = scoped_var(s, h->name, h->pos, common_base(s, &h->classes)->type);
            vec_push(&s->c->arena, &s->scope, h->sym);
            mark_bound(s, h->sym);
        }
        s->handlers++;
        check_block(s, &h->body);
        s->handlers--;
        s->scope.n = mark;
    }
    /* only what was bound before is sure after a try */
    s->bound = bound_copy(s, &before);
    check_block(s, &st->finalbody);
}

static void check_raise(Sema *s, Stmt *st)
{
    if (st->target) {
        ERR(s, st->target->pos, "'raise ... from ...' is not supported");
        return;
    }
    Expr *e = st->expr;
    if (!e) {
        if (!s->handlers)
            ERR(s, st->pos, "a bare 'raise' is only supported inside an except clause");
        return;
    }
    if (e->kind == E_NAME) {
        Symbol *sym = lookup(s, e->v.name, e->pos);
        if (sym && sym->kind == SYM_CLASS) {
            /* raise E: an instance made with no arguments */
            e->sym = sym;
            e->cls = sym->cls;
            set_type(e, sym->cls->type);
            if (!sym->cls->is_exception)
                ERR(s, e->pos, "exceptions must derive from Exception");
            else if (!sym->cls->builtin && find_method(sym->cls, "__init__") &&
                     find_method(sym->cls, "__init__")->nparams > 1)
                ERR(s, e->pos, "'%s' needs arguments: raise %s(...)", sym->cls->name,
                    sym->cls->name);
            return;
        }
    }
    Type *t = check_expr(s, e, NULL);
    if (!is_err(t) && (t->kind != T_CLASS || !t->cls->is_exception))
        ERR(s, e->pos, "exceptions must derive from Exception, not '%s'", tname(s, t));
}

static void check_del(Sema *s, Stmt *st)
{
    for (int i = 0; i < st->targets.n; i++) {
        Expr *t = st->targets.items[i];
        if (t->kind == E_NAME) {
            check_expr(s, t, NULL);
            /* reads after a del are checked at run time */
            for (int j = 0; j < s->bound.n; j++)
                if (s->bound.items[j] == t->sym) {
                    s->bound.items[j] = s->bound.items[--s->bound.n];
                    break;
                }
        } else if (t->kind == E_INDEX) {
            Type *ct = check_expr(s, t->lhs, NULL);
            Type *kt = check_expr(s, t->rhs, NULL);
            if (is_err(ct) || is_err(kt))
                continue;
            if (ct->kind == T_LIST && (kt->kind == T_INT || kt->kind == T_BOOL))
                continue;
            if (ct->kind == T_DICT && assignable(ct->key, kt))
                continue;
            ERR(s, t->pos, "cannot delete an item of '%s' with a '%s' index", tname(s, ct),
                tname(s, kt));
        } else {
            ERR(s, t->pos, "del is only supported for variables, list items and dict keys");
        }
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
        if (s->fn != s->p->main)
            ERR(s, st->pos, "classes must be defined at module level");
        break;
    case S_TRY:
        check_try(s, st);
        break;
    case S_RAISE:
        check_raise(s, st);
        break;
    case S_ASSERT:
        check_cond(s, st->expr);
        if (st->target) {
            Type *t = check_expr(s, st->target, NULL);
            if (!printable(t))
                ERR(s, st->target->pos, "cannot use a value of type '%s' as a message",
                    tname(s, t));
        }
        break;
    case S_DEL:
        check_del(s, st);
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

/* owned(T) / borrowed(T) around an annotation. */
static Ownership ownership_note(Expr *a)
{
    if (a->kind == E_CALL && a->lhs->kind == E_NAME && a->args.n == 1) {
        if (!strcmp(a->lhs->v.name, "owned"))
            return OWN_OWNED;
        if (!strcmp(a->lhs->v.name, "borrowed"))
            return OWN_BORROWED;
    }
    return OWN_NONE;
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
static Func *declare_func(Sema *s, Stmt *st, Func *outer, ClassInfo *cls)
{
    FuncDef *d = st->def;
    Func *fn = arena_alloc(&s->c->arena, sizeof *fn);
    fn->name = d->name;
    fn->def = d;
    fn->outer = outer;
    fn->decorated = MEM_DEFAULT;
    fn->cls = cls;
    fn->cname = cls     ? arena_printf(&s->c->arena, "m_%s_%s", cls->name, d->name)
                : outer ? arena_printf(&s->c->arena, "%s_%s", outer->cname, d->name)
                        : arena_printf(&s->c->arena, "fn_%s", d->name);
    if (cls && d->params.n == 0)
        ERR(s, d->pos, "method '%s' of '%s' needs a 'self' parameter", d->name, cls->name);
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
        if (!p->annotation && cls && i == 0) {
            sym->type = cls->type; /* self */
        } else if (!p->annotation) {
            if (!p->star)
                ERR(s, p->pos, "parameter '%s' of '%s' needs a type annotation", p->name,
                    d->name);
            sym->type = prim(s, T_ERROR);
        } else {
            sym->type = resolve_type(s, p->annotation);
            sym->own = ownership_note(p->annotation);
            if (sym->own && !type_is_ref(sym->type) && !is_err(sym->type))
                ERR(s, p->annotation->pos, "%s() applies to objects, not to '%s'",
                    sym->own == OWN_OWNED ? "owned" : "borrowed", tname(s, sym->type));
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
        fn->ret_own = ownership_note(d->returns);
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
                Func *nested = declare_func(s, st, fn, NULL);
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
        if (st->kind == S_TRY) {
            if (block_returns(&st->finalbody))
                return true;
            bool all = block_returns(&st->body) || block_returns(&st->orelse);
            for (int j = 0; j < st->handlers.n && all; j++)
                all = block_returns(&((ExceptClause *)st->handlers.items[j])->body);
            if (all)
                return true;
        }
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
    if (fn->cls && fn->cls->fields_state == 0)
        ensure_fields(s, fn->cls); /* checks __init__ first */
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
    if (fn->arena_expr) {
        Type *at = check_expr(s, fn->arena_expr, NULL);
        if (!is_err(at) && at->kind != T_ARENA)
            ERR(s, fn->arena_expr->pos, "@arena_memory needs an Arena, not '%s'", tname(s, at));
    }
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

/* An override is called through the base class's function pointer: it
 * must take and return the same types. */
static void check_overrides(Sema *s, ClassInfo *ci)
{
    if (!ci->base || ci->base->builtin)
        return;
    for (int i = 0; i < ci->methods.n; i++) {
        Func *m = ci->methods.items[i];
        if (!strcmp(m->name, "__init__") || !strcmp(m->name, "__del__"))
            continue;
        Func *bm = find_method(ci->base, m->name);
        if (!bm)
            continue;
        bool same = m->nparams == bm->nparams && m->ret == bm->ret;
        for (int j = 1; same && j < m->nparams; j++)
            same = m->params[j]->type == bm->params[j]->type;
        if (!same)
            ERR(s, m->def->pos, "method '%s' of '%s' must take and return the same types as "
                                "in '%s'", m->name, ci->name, bm->cls->name);
    }
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
    /* classes and functions first: module code may use any of them */
    for (int i = 0; i < m->body.n; i++) {
        Stmt *st = m->body.items[i];
        if (st->kind == S_CLASS)
            declare_class(s, st);
    }
    for (int i = 0; i < p->classes.n; i++)
        resolve_class(s, p->classes.items[i]);
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
        sym->fn = declare_func(s, st, NULL, NULL);
        sym->cname = sym->fn->cname;
    }
    collect_block(s, main, &m->body);
    check_block(s, &m->body);
    main->check_state = 2;
    for (int i = 0; i < p->funcs.n; i++)
        check_func(s, p->funcs.items[i]);
    for (int i = 0; i < p->classes.n; i++)
        check_overrides(s, p->classes.items[i]);
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
