/* compiler.h - the data every stage of the Tauraro compiler shares.
 *
 * Pipeline (one stage per file, data flows one way):
 *   lexer.re   source      -> Token array (with INDENT/DEDENT/NEWLINE)
 *   parser.y   Token array -> AST (Module)
 *   sema.c     AST         -> typed AST (Expr.type, Expr.sym, Func, Symbol)
 *   memplan.c  typed AST   -> memory plan (Func.strategy, Expr.alloc)
 *   emit.c     typed AST + memory plan -> C source text
 *   driver.c   runs the stages, writes files, calls the C compiler
 *
 * Everything here lives in one compiler arena (Arena) that is freed as a
 * whole when the compilation ends.
 */
#ifndef TAURARO_COMPILER_H
#define TAURARO_COMPILER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tauraro/tauraro.h"

/* ------------------------------------------------------------------ */
/* Arena (util.c): the compiler eats its own cooking.                  */

typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;
} Arena;

void *arena_alloc(Arena *a, size_t size);            /* zero-filled */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arena_free_all(Arena *a);

/* Growable array of pointers, allocated from an arena. */
typedef struct PtrVec {
    void **items;
    int n, cap;
} PtrVec;
void vec_push(Arena *a, PtrVec *v, void *item);

/* Growable byte buffer (heap, not arena): used for emitted text. */
typedef struct StrBuf {
    char *data;
    size_t len, cap;
} StrBuf;
void sb_putc(StrBuf *b, char c);
void sb_puts(StrBuf *b, const char *s);
void sb_putn(StrBuf *b, const char *s, size_t n);
void sb_printf(StrBuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_vprintf(StrBuf *b, const char *fmt, va_list ap);
void sb_free(StrBuf *b);

/* ------------------------------------------------------------------ */
/* Source positions and diagnostics (diag.c).                          */

typedef struct SrcPos {
    int line; /* 1-based */
    int col;  /* 1-based, in bytes, like gcc */
} SrcPos;

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct Diag {
    DiagLevel level;
    SrcPos pos;
    char *msg;
    struct Diag *next;
} Diag;

/* The compilation context: one per compiled file. */
typedef struct Compiler {
    Arena arena;
    const char *filename; /* as given on the command line */
    const char *src;      /* whole source, NUL-terminated */
    size_t src_len;
    TauraroOptions opts;
    Diag *diags, *diags_tail; /* all diagnostics, in order */
    int nerrors, nwarnings;
    FILE *diag_out; /* where diagnostics are printed as they come; NULL = silent */
    struct Types *types; /* interned types (types.c) */
} Compiler;

void compiler_init(Compiler *c, const char *filename, const char *src, size_t len,
                   const TauraroOptions *opts);
void compiler_free(Compiler *c);

void diag_report(Compiler *c, DiagLevel level, SrcPos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_vreport(Compiler *c, DiagLevel level, SrcPos pos, const char *fmt, va_list ap);
#define diag_error(c, pos, ...) diag_report((c), DIAG_ERROR, (pos), __VA_ARGS__)
#define diag_warning(c, pos, ...) diag_report((c), DIAG_WARNING, (pos), __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Tokens (lexer.re). Token kinds are the TK_* codes lemon writes to   */
/* parser.h; TK_EOF (0) ends the stream.                               */

#define TK_EOF 0

/* One piece of an f-string: literal text or a replacement field. */
typedef struct FStrPart {
    bool is_expr;
    const char *text; /* literal: decoded UTF-8 bytes; expr: source text */
    int len;
    SrcPos pos;       /* of the text (expr: first char of the expression) */
    char conv;        /* 0, 'r', 's' or 'a' */
    bool self_doc;    /* f"{x=}": text is "x", printed as "x=" + repr */
    struct FStrPart *spec; /* format spec, itself a list of parts (may be empty) */
    int nspec;
} FStrPart;

typedef struct Token {
    int kind;          /* TK_* */
    SrcPos pos;
    const char *start; /* span in the source */
    int len;
    union {
        int64_t ival;    /* TK_INT */
        double fval;     /* TK_FLOAT */
        struct {         /* TK_STRING: decoded bytes (UTF-8) */
            const char *s;
            int len;
        } str;
        struct {         /* TK_FSTRING */
            FStrPart *parts;
            int nparts;
        } fstr;
    } v;
} Token;

typedef struct TokenVec {
    Token *toks;
    int n, cap;
} TokenVec;

/* Tokenize src (len bytes) starting at position `start`.
 * expr_mode: the text is a lone expression (f-string field): no
 *   NEWLINE/INDENT/DEDENT are produced.
 * Always ends the vector with a TK_EOF token; in file mode a NEWLINE
 * precedes it when needed and all open INDENTs are closed with DEDENTs.
 * Errors go to diag_error; returns false if any were reported. */
bool lex_tokens(Compiler *c, const char *src, size_t len, SrcPos start, bool expr_mode,
                TokenVec *out);
const char *lex_token_name(int kind); /* "'+'", "name", "indent", ... */

/* ------------------------------------------------------------------ */
/* Types (types.c). Interned: two equal types are the same pointer.    */

typedef enum {
    T_ERROR,   /* after a reported error; compatible with everything */
    T_NONE,    /* None / no return value */
    T_INT,
    T_FLOAT,
    T_BOOL,
    T_STR,
    T_LIST,     /* elem */
    T_DICT,     /* key, elem (the value) */
    T_TUPLE,    /* items[nitems] */
    T_OPTIONAL, /* elem or None */
    T_CLASS,    /* cls */
    T_BUFFER,
    T_ARENA,
    T_RANGE,    /* the value of range(...) (only iterated) */
    T_FUNC,     /* a function used as a value (only called) */
    T_EXC,      /* an exception class used as a value */
} TypeKind;

typedef struct ClassInfo ClassInfo;

typedef struct Type {
    TypeKind kind;
    struct Type *elem, *key;
    struct Type **items;
    int nitems;
    ClassInfo *cls;
    int id; /* unique per interned type; used in emitted names */
} Type;

typedef struct Types Types;
void types_init(Compiler *c);
Type *type_prim(Compiler *c, TypeKind k); /* T_ERROR..T_STR, T_BUFFER, T_ARENA, T_RANGE */
Type *type_list(Compiler *c, Type *elem);
Type *type_dict(Compiler *c, Type *key, Type *val);
Type *type_tuple(Compiler *c, Type **items, int n);
Type *type_optional(Compiler *c, Type *elem);
Type *type_class(Compiler *c, ClassInfo *cls);
const char *type_name(Compiler *c, Type *t); /* Python spelling: "list[int]" */
bool type_is_ref(Type *t);   /* heap object handled by pointer (str, list, ...) */
bool type_is_num(Type *t);   /* int, float or bool */
typedef enum OpKind OpKind;
/* Result of `a op b` for an arithmetic/bitwise operator, NULL if invalid. */
Type *type_arith(Compiler *c, OpKind op, Type *a, Type *b);

/* ------------------------------------------------------------------ */
/* AST (ast.c has the constructors the parser calls).                   */

typedef struct Expr Expr;
typedef struct Stmt Stmt;
typedef struct Symbol Symbol;
typedef struct Func Func;

enum OpKind {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_MATMUL,
    OP_LSHIFT, OP_RSHIFT, OP_BITAND, OP_BITOR, OP_BITXOR,
    /* unary */
    OP_NEG, OP_POS, OP_INVERT, OP_NOT,
    /* boolean */
    OP_AND, OP_OR,
    /* comparison */
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOT_IN, OP_IS, OP_IS_NOT,
};
const char *op_text(OpKind op); /* "+", "not in", ... */

typedef enum {
    E_INT, E_FLOAT, E_STR, E_FSTR, E_BOOL, E_NONE,
    E_NAME,
    E_UNARY,    /* op, lhs */
    E_BINARY,   /* op, lhs, rhs */
    E_BOOLOP,   /* op (OP_AND/OP_OR), lhs, rhs */
    E_COMPARE,  /* chain: items[0] ops[0] items[1] ops[1] items[2] ... */
    E_IFEXP,    /* cond, lhs (then), rhs (else) */
    E_CALL,     /* lhs (callee), args */
    E_ATTR,     /* lhs, name */
    E_INDEX,    /* lhs, rhs (index; may be an E_SLICE) */
    E_SLICE,    /* slice parts: lo, hi, step (each may be NULL) */
    E_LIST, E_TUPLE, E_SET, /* items */
    E_DICT,     /* keys in items, values in values */
    E_LISTCOMP, /* lhs (element), comps */
    E_DICTCOMP, /* lhs (key), rhs (value), comps */
    E_LAMBDA, E_YIELD, E_STARRED, E_AWAIT, E_GENEXP, E_SETCOMP, E_WALRUS, /* rejected by sema */
} ExprKind;

typedef struct Arg {
    const char *name; /* keyword argument name, or NULL */
    Expr *value;
    SrcPos pos;
} Arg;

/* `for target in iter if cond...` inside a comprehension. */
typedef struct Comprehension {
    Expr *target, *iter;
    PtrVec conds; /* Expr* */
} Comprehension;

/* How a call was resolved by sema. */
typedef enum {
    CALL_UNRESOLVED,
    CALL_FUNC,    /* fn: a plain function */
    CALL_BUILTIN, /* builtin: a BI_* function */
    CALL_METHOD,  /* fn: a method of a user class; receiver is lhs->lhs */
    CALL_SUPER,   /* fn: super().m(...): the base class's method, called directly */
    CALL_CTOR,    /* cls: X(...); fn: its __init__ (or NULL) */
    CALL_BMETHOD, /* builtin: a BM_* method of str/list/dict; receiver is lhs->lhs */
} CallKind;

struct Expr {
    ExprKind kind;
    SrcPos pos;
    Type *type; /* set by sema */
    OpKind op;
    Expr *lhs, *rhs, *cond;
    Expr *lo, *hi, *step; /* E_SLICE */
    union {
        int64_t ival;
        double fval;
        bool bval;
        struct { const char *s; int len; } str; /* E_STR: decoded bytes */
        const char *name;                        /* E_NAME, E_ATTR */
    } v;
    PtrVec items;  /* E_LIST/E_TUPLE/E_DICT keys/E_COMPARE operands: Expr*; E_FSTR: parts */
    PtrVec values; /* E_DICT values: Expr* */
    PtrVec ops;    /* E_COMPARE: OpKind stored as (intptr_t) */
    PtrVec args;   /* E_CALL: Arg* */
    PtrVec comps;  /* E_LISTCOMP/E_DICTCOMP: Comprehension* */
    bool parens;   /* written in parentheses (a parenthesized tuple, etc.) */
    bool lazy;     /* E_LISTCOMP written as a generator expression */

    /* filled by sema */
    Symbol *sym;      /* E_NAME: the variable or function */
    bool check_bound; /* E_NAME: may be read before any assignment */
    bool check_none;  /* E_ATTR: the object may be None */
    ClassInfo *cls;   /* CALL_CTOR / isinstance: the class */
    CallKind call;    /* E_CALL */
    int builtin;      /* E_CALL with CALL_BUILTIN / E_ATTR methods: a BI_* code */
    Func *fn;         /* E_CALL with CALL_FUNC/CALL_METHOD */
    Arg **bound;      /* E_CALL: arguments bound to parameters in order (defaults: NULL) */
    int nbound;

    /* filled by the memory pass */
    int alloc; /* MemStrategy used by the allocation this expression makes */
};

/* An f-string part after parsing (E_FSTR items). */
typedef struct FStrItem {
    const char *text; int len; /* literal text, when expr == NULL */
    Expr *expr;
    char conv;                 /* 0, 'r', 's', 'a' */
    PtrVec spec;               /* FStrItem*: the format spec (empty: none) */
    SrcPos pos;
} FStrItem;

typedef enum {
    S_EXPR, S_ASSIGN, S_AUGASSIGN, S_ANNASSIGN,
    S_IF, S_WHILE, S_FOR, S_BREAK, S_CONTINUE, S_PASS, S_RETURN,
    S_GLOBAL, S_NONLOCAL, S_DEL, S_DEF, S_CLASS,
    S_TRY, S_RAISE, S_ASSERT, S_IMPORT, S_WITH,
} StmtKind;

typedef struct Param {
    const char *name;
    Expr *annotation; /* may be NULL (an error unless `self`) */
    Expr *def;        /* default value or NULL */
    SrcPos pos;
    int star;         /* 1 for *args, 2 for **kwargs (rejected by sema) */
    Symbol *sym;      /* sema */
} Param;

typedef struct FuncDef {
    const char *name;
    SrcPos pos;
    PtrVec params;     /* Param* */
    Expr *returns;     /* annotation or NULL */
    PtrVec body;       /* Stmt* */
    PtrVec decorators; /* Expr* */
    bool is_async;
    Func *fn;          /* sema */
} FuncDef;

typedef struct ClassDef {
    const char *name;
    SrcPos pos;
    PtrVec bases;      /* Expr* */
    PtrVec body;       /* Stmt* */
    PtrVec decorators; /* Expr* */
    ClassInfo *cls;    /* sema */
} ClassDef;

typedef struct ExceptClause {
    Expr *type;       /* NULL: bare except */
    const char *name; /* `as name` or NULL */
    PtrVec body;
    SrcPos pos;
    Symbol *sym;      /* sema: the `as` variable */
    PtrVec classes;   /* sema: ClassInfo* caught (empty: bare except) */
} ExceptClause;

struct Stmt {
    StmtKind kind;
    SrcPos pos;
    Expr *expr;       /* S_EXPR value, S_RETURN value, S_IF/S_WHILE cond, S_RAISE exc,
                         S_ASSERT test, S_ASSIGN/S_AUGASSIGN/S_ANNASSIGN value, S_FOR iter */
    Expr *target;     /* S_AUGASSIGN/S_ANNASSIGN/S_FOR target; S_ASSERT message */
    Expr *annotation; /* S_ANNASSIGN */
    PtrVec targets;   /* S_ASSIGN (a = b = v: several), S_DEL: Expr* */
    OpKind op;        /* S_AUGASSIGN */
    PtrVec body;      /* Stmt*: if/while/for/try body */
    PtrVec orelse;    /* Stmt*: else branch (elif is a nested S_IF) */
    PtrVec finalbody; /* S_TRY finally */
    PtrVec handlers;  /* S_TRY: ExceptClause* */
    PtrVec names;     /* S_GLOBAL/S_NONLOCAL/S_IMPORT: const char* */
    const char *module; /* S_IMPORT: `from module import names` (or NULL for `import module`) */
    FuncDef *def;     /* S_DEF */
    ClassDef *cls;    /* S_CLASS */
};

typedef struct Module {
    PtrVec body; /* Stmt* */
} Module;

/* AST constructors (ast.c). Positions come from tokens. */
Expr *ast_expr(Compiler *c, ExprKind kind, SrcPos pos);
Expr *ast_binary(Compiler *c, OpKind op, Expr *l, Expr *r, SrcPos pos);
Expr *ast_unary(Compiler *c, OpKind op, Expr *e, SrcPos pos);
Stmt *ast_stmt(Compiler *c, StmtKind kind, SrcPos pos);
/* Is e an integer constant (`3`, `-1`)? Its value goes to *v. */
bool ast_int_constant(Expr *e, int64_t *v);

/* Parse a whole file into a Module. Returns NULL after reporting errors. */
Module *parse_module(Compiler *c);
/* Parse one expression (an f-string field) whose text starts at pos. */
Expr *parse_expr_text(Compiler *c, const char *text, int len, SrcPos pos);

/* Dump an AST in a compact S-expression form (tests, --dump-ast). */
void ast_dump_expr(StrBuf *b, Expr *e);
void ast_dump_module(StrBuf *b, Module *m);

/* ------------------------------------------------------------------ */
/* Semantic analysis (sema.c).                                          */

/* Builtin functions and methods (Expr.builtin). */
typedef enum {
    BI_NONE,
    BI_PRINT, BI_LEN, BI_STR, BI_INT, BI_FLOAT, BI_BOOL, BI_ABS, BI_MIN, BI_MAX,
    BI_ROUND, BI_RANGE, BI_REPR, BI_ORD, BI_CHR, BI_ISINSTANCE, BI_SUM, BI_SORTED,
    BI_ENUMERATE, BI_ZIP, BI_LIST, BI_ANY, BI_ALL, BI_REVERSED, BI_DIVMOD,
    BI_ALLOCATE, BI_ALLOCATE_ALIGNED, BI_FREE, BI_CREATE_ARENA, BI_RESET_ARENA,
    BI_DESTROY_ARENA, BI_MEMORY_STATS,
    BI_COUNT_
} BuiltinId;

/* Methods of the built-in types (Expr.builtin with CALL_BMETHOD). */
typedef enum {
    BM_NONE,
    /* list */
    BM_APPEND, BM_POP, BM_INSERT, BM_EXTEND, BM_REMOVE, BM_INDEX, BM_COUNT, BM_SORT,
    BM_REVERSE, BM_COPY, BM_CLEAR,
    /* dict */
    BM_GET, BM_DPOP, BM_KEYS, BM_VALUES, BM_ITEMS, BM_DCOPY, BM_DCLEAR, BM_SETDEFAULT, BM_UPDATE,
    /* str */
    BM_SPLIT, BM_RSPLIT, BM_SPLITLINES, BM_JOIN, BM_STRIP, BM_LSTRIP, BM_RSTRIP, BM_UPPER,
    BM_LOWER, BM_TITLE, BM_CAPITALIZE, BM_SWAPCASE, BM_REPLACE, BM_FIND, BM_RFIND,
    BM_SINDEX, BM_RINDEX, BM_SCOUNT, BM_STARTSWITH, BM_ENDSWITH, BM_ISDIGIT, BM_ISALPHA,
    BM_ISALNUM, BM_ISSPACE, BM_ISLOWER, BM_ISUPPER, BM_CENTER, BM_LJUST, BM_RJUST, BM_ZFILL,
    BM_FORMAT,
    BM_COUNT_
} MethodId;

typedef enum {
    MEM_DEFAULT = -1, /* no decorator: follows --memory-strategy */
    MEM_AUTO = 0,
    MEM_MANUAL = 1,
    MEM_ARENA = 2,
} MemStrategy;

typedef enum { SYM_VAR, SYM_PARAM, SYM_FUNC, SYM_CLASS, SYM_EXC, SYM_BUILTIN, SYM_TYPE } SymKind;

typedef enum { OWN_NONE, OWN_OWNED, OWN_BORROWED } Ownership;

struct Symbol {
    SymKind kind;
    const char *name;
    const char *cname; /* name in the emitted C */
    Type *type;
    SrcPos pos;        /* where defined */
    bool global;       /* module-level variable */
    bool assigned;     /* a parameter that the body assigns to */
    Func *fn;          /* SYM_FUNC */
    ClassInfo *cls;    /* SYM_CLASS */
    int builtin;       /* SYM_BUILTIN / SYM_EXC: code */
    bool used;         /* emitter: the value is read somewhere */
    bool scoped;       /* lives in a nested scope (except-as, comprehension) */
    Expr *defval;      /* class-level field default (`x: int = 0`) */
    ClassInfo *owner;  /* a field: the class that declares it */
    Ownership own;     /* a parameter annotated owned(T) / borrowed(T) */
};

struct Func {
    const char *name;
    const char *cname;
    FuncDef *def;          /* NULL for the module body */
    ClassInfo *cls;        /* method of this class, or NULL */
    Symbol **params;
    int nparams;
    Type *ret;             /* T_NONE when nothing is returned */
    PtrVec locals;         /* Symbol*: every local (params excluded) */
    MemStrategy decorated; /* from a decorator, or MEM_DEFAULT */
    Expr *arena_expr;      /* @arena_memory(expr) */
    Ownership ret_own;     /* -> owned(T) */
    MemStrategy strategy;  /* memory pass: the strategy that applies */
    bool arena_join;       /* memory pass: undecorated arena function (joins the caller's arena) */
    bool can_raise;
    int check_state;       /* sema: 0 unchecked, 1 in progress, 2 done */
    bool ret_known;        /* sema: ret is final (annotated or inferred) */
    Func *outer;           /* nested function: the enclosing one */
    PtrVec global_names;   /* const char*: names declared `global` in the body */
    PtrVec nested;         /* Func*: functions defined in the body */
};

struct ClassInfo {
    const char *name;
    const char *cname;   /* C struct name: cls_NAME */
    const char *cdesc;   /* C expression of its tauraro_class_t descriptor */
    ClassInfo *base;
    ClassDef *def;       /* NULL for built-in exception classes */
    PtrVec fields;       /* Symbol* (kind SYM_VAR) in layout order, base fields first */
    PtrVec methods;      /* Func*: this class's own methods */
    PtrVec subclasses;   /* ClassInfo*: direct subclasses */
    PtrVec classvars;    /* Symbol*: class variables (`count = 0` in the body) */
    Type *type;
    bool is_exception;   /* derives from Exception */
    bool builtin;        /* a built-in exception class */
    int fields_state;    /* sema: 0 unknown, 1 collecting (__init__ being checked), 2 done */
};

typedef struct Program {
    Module *module;
    Func *main;       /* the module body */
    PtrVec funcs;     /* Func*: every function and method, in source order */
    PtrVec classes;   /* ClassInfo* */
    PtrVec globals;   /* Symbol*: module-level variables */
    bool has_manual;  /* memory pass: some function is manual */
    bool has_arena;   /* memory pass: some function is an arena function */
} Program;

Program *sema_check(Compiler *c, Module *m); /* NULL after reporting errors */

/* ------------------------------------------------------------------ */
/* Memory plan (memplan.c) and emitter (emit.c).                        */

void mem_plan(Compiler *c, Program *p);
/* Does evaluating e make a new object (not a read, not a user call)? */
bool mem_is_allocation(const Expr *e);
/* Writes the whole C translation unit. */
void emit_program(Compiler *c, Program *p, StrBuf *out);

#endif
