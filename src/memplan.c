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
 *  - Program.has_manual / has_arena: whether the emitted code needs the
 *    allocation-mode switches and the run-time escape checks at all.
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

static bool is_global_sym(Plan *P, Symbol *s)
{
    if (!s || s->kind != SYM_VAR)
        return false;
    if (s->global)
        return true;
    (void)P;
    return false;
}

/* Where an object stored through target t ends up, if that outlives the
 * arena of the function being planned: a description, else NULL. */
static const char *outliving_holder(Plan *P, Expr *t, bool whole)
{
    Symbol *s = root_symbol(t);
    if (!s)
        return NULL;
    if (whole && t->kind == E_NAME)
        return is_global_sym(P, s) ? arena_printf(&P->c->arena, "the global '%s'", s->name) : NULL;
    if (is_global_sym(P, s))
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
    case S_AUGASSIGN:
        plan_expr(P, s->expr);
        plan_expr(P, s->target);
        break;
    case S_RETURN:
        plan_expr(P, s->expr);
        if (s->expr && P->fn->strategy == MEM_MANUAL && P->fn->ret_own == OWN_OWNED &&
            mem_is_allocation(s->expr))
            s->expr->alloc = MEM_MANUAL;
        break;
    case S_EXPR: case S_RAISE: case S_WHILE: case S_IF: case S_FOR:
        plan_expr(P, s->expr);
        plan_expr(P, s->target);
        break;
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
    }
}
