/* memplan.c - the memory-strategy pass. It reads the typed AST and decides:
 *
 *  - the strategy of each function: its decorator, else --memory-strategy
 *    (module-level code is always automatic: it has no call to bound an
 *    arena by); an arena function without a decorator joins the arena of
 *    its caller when there is one (Func.arena_join);
 *  - the allocation sites of manual functions that make manual objects
 *    (Expr.alloc = MEM_MANUAL): a new object assigned to a local variable
 *    (what the program names, the program frees), and the value returned by
 *    a function declared `-> owned(T)`. Every other allocation of a manual
 *    function is a temporary and stays counted;
 *  - escapes visible at compile time: in a function with an explicit
 *    @arena_memory, a new object stored into a global, or into an object or
 *    container reached from a parameter (which outlives the arena), is an
 *    error;
 *  - Program.has_arena: whether the emitted code needs the run-time escape
 *    checks at all (and has_manual, whether any function is manual);
 *  - in manual functions, the misuse of what the program names that is
 *    certain at compile time (a variable freed twice or used after free on
 *    every path: errors) and manual objects that are never freed on some
 *    path (warnings). See "Lifetimes of manual objects" below.
 */
#include "compiler.h"

#include <string.h>

typedef struct Plan {
    Compiler *c;
    Program *p;
    Func *fn;
} Plan;

static void plan_block(Plan *P, PtrVec *body);

/* Does evaluating e make a new object in this function's body (as opposed to
 * reading an existing one, or calling a user function, whose body decides)? */
bool mem_is_allocation(const Expr *e)
{
    if (!e->type || !type_is_ref(e->type) || e->type->kind == T_TUPLE || e->type->kind == T_ARENA)
        return false;
    switch (e->kind) {
    case E_LIST: case E_DICT: case E_LISTCOMP: case E_DICTCOMP: case E_FSTR: case E_BINARY:
        return true;
    case E_CALL:
        switch (e->call) {
        case CALL_CTOR:
            return !(e->cls && e->cls->is_exception);
        case CALL_BMETHOD:
            return true;
        case CALL_BUILTIN:
            return e->builtin != BI_MIN && e->builtin != BI_MAX;
        default:
            return false;
        }
    default:
        return false;
    }
}

/* The variable or parameter at the root of an access path (x, x.a.b, x[i]). */
static Symbol *root_symbol(Expr *e)
{
    while (e && (e->kind == E_ATTR || e->kind == E_INDEX))
        e = e->lhs;
    return e && e->kind == E_NAME ? e->sym : NULL;
}

static bool is_global_sym(Symbol *s)
{
    return s && s->kind == SYM_VAR && s->global;
}

/* Where an object stored through target t ends up, if that outlives the
 * arena of the function being planned: a description, else NULL. */
static const char *outliving_holder(Plan *P, Expr *t, bool whole)
{
    Symbol *s = root_symbol(t);
    if (!s)
        return NULL;
    if (whole && t->kind == E_NAME)
        return is_global_sym(s) ? arena_printf(&P->c->arena, "the global '%s'", s->name) : NULL;
    if (is_global_sym(s))
        return arena_printf(&P->c->arena, "an object reached from the global '%s'", s->name);
    if (s->kind == SYM_PARAM)
        return arena_printf(&P->c->arena, "an object reached from the parameter '%s'", s->name);
    return NULL;
}

static void escape_error(Plan *P, Expr *v, const char *where)
{
    diag_error(P->c, v->pos,
               "this value is allocated in the arena of '%s' but stored in %s, which outlives "
               "the arena (return it instead, or allocate it outside the arena function)",
               P->fn->name, where);
}

/* A store of v through target t (whole: t itself is rebound). */
static void check_store(Plan *P, Expr *t, Expr *v, bool whole)
{
    if (P->fn->strategy != MEM_ARENA || P->fn->decorated != MEM_ARENA || !v)
        return;
    if (!mem_is_allocation(v))
        return;
    const char *where = outliving_holder(P, t, whole);
    if (where)
        escape_error(P, v, where);
}

static void plan_expr(Plan *P, Expr *e)
{
    if (!e)
        return;
    switch (e->kind) {
    case E_CALL:
        plan_expr(P, e->lhs);
        for (int i = 0; i < e->args.n; i++)
            plan_expr(P, ((Arg *)e->args.items[i])->value);
        /* container mutation: xs.append(new), d.setdefault(k, new), ... */
        if (e->call == CALL_BMETHOD && e->lhs->kind == E_ATTR) {
            const char *m = e->lhs->v.name;
            if (!strcmp(m, "append") || !strcmp(m, "insert") || !strcmp(m, "extend") ||
                !strcmp(m, "setdefault") || !strcmp(m, "update"))
                for (int i = 0; i < e->args.n; i++)
                    check_store(P, e->lhs->lhs, ((Arg *)e->args.items[i])->value, false);
        }
        break;
    case E_FSTR:
        for (int i = 0; i < e->items.n; i++) {
            FStrItem *it = e->items.items[i];
            plan_expr(P, it->expr);
            for (int j = 0; j < it->spec.n; j++)
                plan_expr(P, ((FStrItem *)it->spec.items[j])->expr);
        }
        break;
    case E_LISTCOMP: case E_DICTCOMP:
        plan_expr(P, e->lhs);
        plan_expr(P, e->rhs);
        for (int i = 0; i < e->comps.n; i++) {
            Comprehension *cp = e->comps.items[i];
            plan_expr(P, cp->iter);
            for (int j = 0; j < cp->conds.n; j++)
                plan_expr(P, cp->conds.items[j]);
        }
        break;
    default:
        plan_expr(P, e->lhs);
        plan_expr(P, e->rhs);
        plan_expr(P, e->cond);
        plan_expr(P, e->lo);
        plan_expr(P, e->hi);
        plan_expr(P, e->step);
        for (int i = 0; i < e->items.n; i++)
            plan_expr(P, e->items.items[i]);
        for (int i = 0; i < e->values.n; i++)
            plan_expr(P, e->values.items[i]);
        break;
    }
}

/* A new object bound to a local name in a manual function is manual. */
static void plan_binding(Plan *P, Expr *t, Expr *v)
{
    if (P->fn->strategy != MEM_MANUAL || P->fn == P->p->main)
        return;
    if (t->kind == E_NAME && t->sym && t->sym->kind == SYM_VAR && !t->sym->global &&
        mem_is_allocation(v))
        v->alloc = MEM_MANUAL;
}

static void plan_stmt(Plan *P, Stmt *s)
{
    switch (s->kind) {
    case S_ASSIGN:
        plan_expr(P, s->expr);
        for (int i = 0; i < s->targets.n; i++) {
            Expr *t = s->targets.items[i];
            plan_expr(P, t->kind == E_NAME ? NULL : t);
            check_store(P, t, s->expr, true);
            if (s->targets.n == 1)
                plan_binding(P, t, s->expr);
        }
        break;
    case S_ANNASSIGN:
        plan_expr(P, s->expr);
        if (s->expr) {
            check_store(P, s->target, s->expr, true);
            plan_binding(P, s->target, s->expr);
        }
        break;
    case S_RETURN:
        plan_expr(P, s->expr);
        if (s->expr && P->fn->strategy == MEM_MANUAL && P->fn->ret_own == OWN_OWNED &&
            mem_is_allocation(s->expr))
            s->expr->alloc = MEM_MANUAL;
        break;
    case S_EXPR: case S_RAISE: case S_WHILE: case S_IF: case S_FOR: case S_AUGASSIGN:
    case S_ASSERT:
        plan_expr(P, s->expr);
        plan_expr(P, s->target);
        break;
    case S_DEL:
        for (int i = 0; i < s->targets.n; i++)
            plan_expr(P, s->targets.items[i]);
        break;
    default:
        break;
    }
    plan_block(P, &s->body);
    plan_block(P, &s->orelse);
    plan_block(P, &s->finalbody);
    for (int i = 0; i < s->handlers.n; i++)
        plan_block(P, &((ExceptClause *)s->handlers.items[i])->body);
}

static void plan_block(Plan *P, PtrVec *body)
{
    for (int i = 0; i < body->n; i++) {
        Stmt *s = body->items[i];
        if (s->kind == S_DEF || s->kind == S_CLASS)
            continue; /* planned as functions of their own */
        plan_stmt(P, s);
    }
}


/* ------------------------------------------------------------------ */
/* Lifetimes of manual objects                                          */

/* A forward walk over the body of a manual function, following each local
 * variable that holds a manual object the function made (a manual
 * allocation site). The state of such a variable on the current path: */
typedef enum { VS_UNKNOWN, VS_ALLOC, VS_FREED, VS_MAYBE } VarState;

#define FLOW_VARS 32

typedef struct Flow {
    int n;
    struct FlowVar {
        Symbol *sym;
        VarState st;
        int line;      /* where the object was made */
        int freed;     /* where it was freed */
        SrcPos at;     /* the allocation, for the warnings */
    } v[FLOW_VARS];
    bool dead;         /* the path ended (return, raise, break, continue) */
} Flow;

typedef struct Life {
    Plan *P;
    Flow *brk;         /* the innermost loop's state at its breaks */
    PtrVec reported;   /* Symbol*: warned about already */
    PtrVec freed;      /* Symbol*: variables some free() in the body names */
    bool again;        /* a loop body's second time round: warnings only */
} Life;

static bool in_vec(PtrVec *v, void *x)
{
    for (int i = 0; i < v->n; i++)
        if (v->items[i] == x)
            return true;
    return false;
}

static struct FlowVar *flow_var(Flow *f, Symbol *s)
{
    for (int i = 0; i < f->n; i++)
        if (f->v[i].sym == s)
            return &f->v[i];
    return NULL;
}

static void flow_merge(Flow *into, const Flow *other)
{
    if (other->dead)
        return;
    if (into->dead) {
        *into = *other;
        return;
    }
    for (int i = 0; i < into->n; i++) {
        struct FlowVar *a = &into->v[i];
        const struct FlowVar *b = NULL;
        for (int j = 0; j < other->n; j++)
            if (other->v[j].sym == a->sym)
                b = &other->v[j];
        if (!b || b->st == VS_UNKNOWN || a->st == VS_UNKNOWN) {
            a->st = VS_UNKNOWN;
        } else if (a->st != b->st || a->line != b->line) {
            if (a->st == VS_FREED && b->st == VS_FREED)
                a->st = VS_FREED; /* freed on both paths (lines may differ) */
            else
                a->st = VS_MAYBE;
        }
    }
}

/* Forget v: the program handed it on (returned, stored, moved, aliased). */
static void flow_forget(Flow *f, Symbol *s)
{
    struct FlowVar *v = flow_var(f, s);
    if (v)
        v->st = VS_UNKNOWN;
}

static bool reported(Life *L, Symbol *s)
{
    for (int i = 0; i < L->reported.n; i++)
        if (L->reported.items[i] == s)
            return true;
    vec_push(&L->P->c->arena, &L->reported, s);
    return false;
}

/* The path ends: what it still holds is never freed. */
static void flow_end(Life *L, Flow *f)
{
    if (f->dead)
        return;
    for (int i = 0; i < f->n; i++) {
        struct FlowVar *v = &f->v[i];
        /* a path that leaves without freeing what another path frees */
        bool some = v->st == VS_MAYBE || in_vec(&L->freed, v->sym);
        if ((v->st == VS_ALLOC || v->st == VS_MAYBE) && !reported(L, v->sym))
            diag_warning(L->P->c, v->at,
                         some ? "the manual object assigned to '%s' at line %d is not freed on every path"
                              : "the manual object assigned to '%s' at line %d is never freed",
                         v->sym->name, v->line);
    }
    f->dead = true;
}

static bool is_call_to(Expr *e, int builtin)
{
    return e && e->kind == E_CALL && e->call == CALL_BUILTIN && e->builtin == builtin;
}

/* Reads in e: a variable freed on every path is an error. A tracked
 * variable that e hands on (an argument stored by a method, moved into an
 * owned() parameter, or anything but a plain read) is forgotten. */
static void flow_uses(Life *L, Flow *f, Expr *e, bool hand_on)
{
    if (!e || f->dead)
        return;
    switch (e->kind) {
    case E_NAME: {
        struct FlowVar *v = e->sym ? flow_var(f, e->sym) : NULL;
        if (!v)
            return;
        if (v->st == VS_FREED) {
            if (!L->again)
                diag_error(L->P->c, e->pos, "'%s' is used after it was freed at line %d", e->v.name,
                           v->freed);
            v->st = VS_UNKNOWN; /* one report per free */
        } else if (hand_on) {
            v->st = VS_UNKNOWN;
        }
        return;
    }
    case E_CALL: {
        flow_uses(L, f, e->lhs, false);
        for (int i = 0; i < e->args.n; i++) {
            Expr *a = ((Arg *)e->args.items[i])->value;
            /* user functions borrow their arguments, except owned() ones;
             * builtin methods may keep them (append, ...) */
            bool keeps = e->call == CALL_BMETHOD || e->call == CALL_CTOR;
            if ((e->call == CALL_FUNC || e->call == CALL_METHOD || e->call == CALL_SUPER) && e->fn &&
                e->bound) {
                for (int j = 0; j < e->nbound; j++)
                    if (e->bound[j] && e->bound[j]->value == a) {
                        int k = j + (e->call == CALL_FUNC ? 0 : 1);
                        keeps = k < e->fn->nparams && e->fn->params[k]->own == OWN_OWNED;
                    }
            }
            flow_uses(L, f, a, keeps);
        }
        return;
    }
    case E_FSTR:
        for (int i = 0; i < e->items.n; i++)
            flow_uses(L, f, ((FStrItem *)e->items.items[i])->expr, false);
        return;
    case E_LIST: case E_TUPLE: case E_DICT:
        for (int i = 0; i < e->items.n; i++)
            flow_uses(L, f, e->items.items[i], true);
        for (int i = 0; i < e->values.n; i++)
            flow_uses(L, f, e->values.items[i], true);
        return;
    case E_LISTCOMP: case E_DICTCOMP:
        flow_uses(L, f, e->lhs, true);
        flow_uses(L, f, e->rhs, true);
        for (int i = 0; i < e->comps.n; i++) {
            Comprehension *cp = e->comps.items[i];
            flow_uses(L, f, cp->iter, false);
            for (int j = 0; j < cp->conds.n; j++)
                flow_uses(L, f, cp->conds.items[j], false);
        }
        return;
    case E_IFEXP:
        flow_uses(L, f, e->cond, false);
        flow_uses(L, f, e->lhs, hand_on);
        flow_uses(L, f, e->rhs, hand_on);
        return;
    default:
        flow_uses(L, f, e->lhs, false);
        flow_uses(L, f, e->rhs, false);
        flow_uses(L, f, e->cond, false);
        flow_uses(L, f, e->lo, false);
        flow_uses(L, f, e->hi, false);
        flow_uses(L, f, e->step, false);
        for (int i = 0; i < e->items.n; i++)
            flow_uses(L, f, e->items.items[i], false);
        return;
    }
}

static void flow_block(Life *L, Flow *f, PtrVec *body);

static void flow_stmt(Life *L, Flow *f, Stmt *s)
{
    if (f->dead)
        return;
    switch (s->kind) {
    case S_EXPR:
        if (is_call_to(s->expr, BI_FREE)) {
            Expr *x = ((Arg *)s->expr->args.items[0])->value;
            struct FlowVar *v = x->sym ? flow_var(f, x->sym) : NULL;
            if (v && v->st == VS_FREED && !L->again)
                diag_error(L->P->c, x->pos, "'%s' is freed twice: it was already freed at line %d",
                           x->v.name, v->freed);
            if (v) {
                v->st = VS_FREED;
                v->freed = s->pos.line;
            }
            return;
        }
        flow_uses(L, f, s->expr, false);
        return;
    case S_ASSIGN:
    case S_ANNASSIGN: {
        Expr *value = s->expr;
        Expr *t = s->kind == S_ASSIGN ? (s->targets.n == 1 ? s->targets.items[0] : NULL) : s->target;
        if (!value)
            return;
        /* a value stored anywhere but a plain local is handed on */
        bool plain = t && t->kind == E_NAME;
        flow_uses(L, f, value, !plain || value->kind == E_NAME);
        if (s->kind == S_ASSIGN)
            for (int i = 0; i < s->targets.n; i++) {
                Expr *ti = s->targets.items[i];
                if (ti->kind != E_NAME)
                    flow_uses(L, f, ti, false);
            }
        if (!t || t->kind != E_NAME || !t->sym)
            return;
        struct FlowVar *v = flow_var(f, t->sym);
        /* what the function names; or an owned(T) result it must free or pass on */
        bool owned_result = value->kind == E_CALL && value->fn &&
                            (value->call == CALL_FUNC || value->call == CALL_METHOD) &&
                            value->fn->ret_own == OWN_OWNED;
        if (value->alloc == MEM_MANUAL || owned_result) {
            if (v && v->st == VS_ALLOC && !reported(L, t->sym))
                diag_warning(L->P->c, v->at, "the manual object assigned to '%s' at line %d is never freed",
                             t->sym->name, v->line);
            if (!v && f->n < FLOW_VARS)
                v = &f->v[f->n++];
            if (v)
                *v = (struct FlowVar){t->sym, VS_ALLOC, s->pos.line, 0, value->pos};
        } else if (v) {
            v->st = VS_UNKNOWN;
        }
        return;
    }
    case S_AUGASSIGN:
        flow_uses(L, f, s->expr, false);
        flow_uses(L, f, s->target, false);
        if (s->target->kind == E_NAME && s->target->sym)
            flow_forget(f, s->target->sym);
        return;
    case S_RETURN:
        flow_uses(L, f, s->expr, true);
        flow_end(L, f);
        return;
    case S_RAISE:
        flow_uses(L, f, s->expr, true);
        f->dead = true; /* what an exception leaves behind is not followed */
        return;
    case S_BREAK:
        if (L->brk)
            flow_merge(L->brk, f);
        f->dead = true;
        return;
    case S_CONTINUE:
        f->dead = true;
        return;
    case S_IF: {
        flow_uses(L, f, s->expr, false);
        Flow other = *f;
        flow_block(L, f, &s->body);
        flow_block(L, &other, &s->orelse);
        flow_merge(f, &other);
        return;
    }
    case S_WHILE:
    case S_FOR: {
        flow_uses(L, f, s->expr, false);
        if (s->kind == S_FOR && s->target && s->target->kind == E_NAME && s->target->sym)
            flow_forget(f, s->target->sym);
        Flow entry = *f, body = *f, brk = {0};
        brk.dead = true;
        Flow *saved = L->brk;
        L->brk = &brk;
        flow_block(L, &body, &s->body);
        if (!body.dead && !L->again) {
            /* the second time round, from where the first left off: an
             * object the body allocates again before freeing the last one
             * is lost (warnings only: the loop may run once) */
            Flow round2 = body, brk2 = {0};
            brk2.dead = true;
            L->brk = &brk2;
            L->again = true;
            flow_block(L, &round2, &s->body);
            L->again = false;
        }
        L->brk = saved;
        /* the body may run any number of times: what it changed is only
         * "maybe" after the loop */
        flow_merge(&entry, &body);
        flow_block(L, &entry, &s->orelse);
        flow_merge(&entry, &brk);
        *f = entry;
        return;
    }
    case S_TRY:
        /* exceptions make the paths hard to follow: stop following */
        for (int i = 0; i < f->n; i++)
            f->v[i].st = VS_UNKNOWN;
        return;
    case S_DEL:
        for (int i = 0; i < s->targets.n; i++) {
            Expr *t = s->targets.items[i];
            if (t->kind == E_NAME && t->sym)
                flow_forget(f, t->sym);
            else
                flow_uses(L, f, t, false);
        }
        return;
    case S_ASSERT:
        flow_uses(L, f, s->expr, false);
        flow_uses(L, f, s->target, false);
        return;
    default:
        return;
    }
}

static void flow_block(Life *L, Flow *f, PtrVec *body)
{
    for (int i = 0; i < body->n && !f->dead; i++) {
        Stmt *s = body->items[i];
        if (s->kind != S_DEF && s->kind != S_CLASS)
            flow_stmt(L, f, s);
    }
}

/* The variables that some free() of the body names. */
static void collect_frees(Plan *P, PtrVec *out, PtrVec *body)
{
    for (int i = 0; i < body->n; i++) {
        Stmt *s = body->items[i];
        if (s->kind == S_DEF || s->kind == S_CLASS)
            continue;
        if (s->kind == S_EXPR && is_call_to(s->expr, BI_FREE)) {
            Expr *x = ((Arg *)s->expr->args.items[0])->value;
            if (x->sym && !in_vec(out, x->sym))
                vec_push(&P->c->arena, out, x->sym);
        }
        collect_frees(P, out, &s->body);
        collect_frees(P, out, &s->orelse);
        collect_frees(P, out, &s->finalbody);
        for (int j = 0; j < s->handlers.n; j++)
            collect_frees(P, out, &((ExceptClause *)s->handlers.items[j])->body);
    }
}

static void check_lifetimes(Plan *P, Func *fn)
{
    Life L = {P, NULL, {0}, {0}, false};
    collect_frees(P, &L.freed, &fn->def->body);
    Flow f = {0};
    flow_block(&L, &f, &fn->def->body);
    flow_end(&L, &f);
}

void mem_plan(Compiler *c, Program *p)
{
    MemStrategy def = (MemStrategy)c->opts.memory_strategy;
    Plan P = {c, p, NULL};
    p->main->strategy = MEM_AUTO;
    p->has_manual = p->has_arena = false;
    for (int i = 0; i < p->funcs.n; i++) {
        Func *fn = p->funcs.items[i];
        fn->strategy = fn->decorated == MEM_DEFAULT ? def : fn->decorated;
        fn->arena_join = fn->strategy == MEM_ARENA && fn->decorated == MEM_DEFAULT;
        p->has_manual |= fn->strategy == MEM_MANUAL;
        p->has_arena |= fn->strategy == MEM_ARENA;
    }
    for (int i = 0; i < p->funcs.n; i++) {
        P.fn = p->funcs.items[i];
        if (P.fn->def)
            plan_block(&P, &P.fn->def->body);
        if (P.fn->def)
            check_lifetimes(&P, P.fn);
    }
}
