/* types.c - interned types: equal types are the same pointer, so the
 * checker compares types with ==. */
#include <string.h>

#include "compiler.h"

struct Types {
    Type *prim[T_EXC + 1];
    PtrVec all; /* Type*: constructed types, searched linearly (programs have few) */
    int next_id;
};

void types_init(Compiler *c)
{
    c->types = arena_alloc(&c->arena, sizeof(Types));
}

static Type *new_type(Compiler *c, TypeKind k)
{
    Type *t = arena_alloc(&c->arena, sizeof *t);
    t->kind = k;
    t->id = ++c->types->next_id;
    return t;
}

Type *type_prim(Compiler *c, TypeKind k)
{
    Types *ts = c->types;
    if (!ts->prim[k])
        ts->prim[k] = new_type(c, k);
    return ts->prim[k];
}

/* Find a constructed type with these components, or make it. */
static Type *intern(Compiler *c, TypeKind k, Type *elem, Type *key, Type **items, int n,
                    ClassInfo *cls)
{
    Types *ts = c->types;
    for (int i = 0; i < ts->all.n; i++) {
        Type *t = ts->all.items[i];
        if (t->kind == k && t->elem == elem && t->key == key && t->nitems == n &&
            t->cls == cls &&
            (n == 0 || memcmp(t->items, items, sizeof(Type *) * (size_t)n) == 0))
            return t;
    }
    Type *t = new_type(c, k);
    t->elem = elem;
    t->key = key;
    t->cls = cls;
    t->nitems = n;
    if (n) {
        t->items = arena_alloc(&c->arena, sizeof(Type *) * (size_t)n);
        memcpy(t->items, items, sizeof(Type *) * (size_t)n);
    }
    vec_push(&c->arena, &ts->all, t);
    return t;
}

Type *type_list(Compiler *c, Type *elem) { return intern(c, T_LIST, elem, NULL, NULL, 0, NULL); }
Type *type_dict(Compiler *c, Type *key, Type *val) { return intern(c, T_DICT, val, key, NULL, 0, NULL); }
Type *type_tuple(Compiler *c, Type **items, int n) { return intern(c, T_TUPLE, NULL, NULL, items, n, NULL); }
Type *type_class(Compiler *c, ClassInfo *cls) { return intern(c, T_CLASS, NULL, NULL, NULL, 0, cls); }

Type *type_optional(Compiler *c, Type *elem)
{
    if (elem->kind == T_OPTIONAL || elem->kind == T_NONE || elem->kind == T_ERROR)
        return elem;
    return intern(c, T_OPTIONAL, elem, NULL, NULL, 0, NULL);
}

static void name_into(StrBuf *b, Type *t)
{
    static const char *prim[] = {
        [T_ERROR] = "<error>", [T_NONE] = "None", [T_INT] = "int", [T_FLOAT] = "float",
        [T_BOOL] = "bool", [T_STR] = "str", [T_BUFFER] = "Buffer", [T_ARENA] = "Arena",
        [T_RANGE] = "range", [T_FUNC] = "function", [T_EXC] = "type",
    };
    switch (t->kind) {
    case T_LIST:
        sb_puts(b, "list[");
        name_into(b, t->elem);
        sb_putc(b, ']');
        break;
    case T_DICT:
        sb_puts(b, "dict[");
        name_into(b, t->key);
        sb_puts(b, ", ");
        name_into(b, t->elem);
        sb_putc(b, ']');
        break;
    case T_TUPLE:
        sb_puts(b, "tuple[");
        for (int i = 0; i < t->nitems; i++) {
            if (i)
                sb_puts(b, ", ");
            name_into(b, t->items[i]);
        }
        sb_putc(b, ']');
        break;
    case T_OPTIONAL:
        name_into(b, t->elem);
        sb_puts(b, " | None");
        break;
    case T_CLASS:
        sb_puts(b, t->cls->name);
        break;
    default:
        sb_puts(b, prim[t->kind]);
    }
}

const char *type_name(Compiler *c, Type *t)
{
    StrBuf b = {0};
    name_into(&b, t);
    char *s = arena_strdup(&c->arena, b.data);
    sb_free(&b);
    return s;
}

bool type_is_ref(Type *t)
{
    switch (t->kind) {
    case T_STR: case T_LIST: case T_DICT: case T_TUPLE: case T_CLASS: case T_BUFFER:
    case T_ARENA: case T_OPTIONAL:
        return true;
    default:
        return false;
    }
}

bool type_is_num(Type *t)
{
    return t->kind == T_INT || t->kind == T_FLOAT || t->kind == T_BOOL;
}

/* Python's numeric tower on native types: int op int stays int (bool
 * counts as int), any float makes a float, / always makes a float. */
Type *type_arith(Compiler *c, OpKind op, Type *a, Type *b)
{
    TypeKind ka = a->kind, kb = b->kind;
    bool ia = ka == T_INT || ka == T_BOOL, ib = kb == T_INT || kb == T_BOOL;
    bool na = ia || ka == T_FLOAT, nb = ib || kb == T_FLOAT;
    switch (op) {
    case OP_ADD:
        if (ka == T_STR && kb == T_STR)
            return a;
        /* fall through */
    case OP_SUB: case OP_MUL: case OP_FLOORDIV: case OP_MOD: case OP_POW:
        if (op == OP_MUL && ((ka == T_STR && ib) || (ia && kb == T_STR)))
            return type_prim(c, T_STR);
        if (ia && ib)
            return type_prim(c, T_INT);
        if (na && nb)
            return type_prim(c, T_FLOAT);
        return NULL;
    case OP_DIV:
        return na && nb ? type_prim(c, T_FLOAT) : NULL;
    case OP_LSHIFT: case OP_RSHIFT:
        return ia && ib ? type_prim(c, T_INT) : NULL;
    case OP_BITAND: case OP_BITOR: case OP_BITXOR:
        if (ka == T_BOOL && kb == T_BOOL)
            return a;
        return ia && ib ? type_prim(c, T_INT) : NULL;
    default:
        return NULL;
    }
}

