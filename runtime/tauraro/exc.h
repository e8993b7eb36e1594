/* tauraro/exc.h - exceptions: classes, objects, the pending exception and the
 * traceback.
 *
 * Protocol (no setjmp/longjmp): a function that raises sets the pending
 * exception `tauraro_cur_exc` and returns 0/NULL. Generated code tests
 * TAURARO_EXC_PENDING() after every call that can raise, records its frame
 * with tauraro_tb_add(func, line) and jumps to its cleanup label; an `except`
 * clause takes the exception with tauraro_exc_fetch(). At exit,
 * tauraro_exc_print() (called by tauraro_main_exit) shows CPython's layout:
 *
 *     Traceback (most recent call last):
 *       File "prog.tr", line 9, in <module>
 *         print(f(0))
 *       File "prog.tr", line 3, in f
 *         return 10 // x
 *     ZeroDivisionError: integer division or modulo by zero
 */
#ifndef TAURARO_EXC_H
#define TAURARO_EXC_H

#include <stdarg.h>
#include "mem.h"

/* ---- types, data and declarations ------------------------------------------- */

struct tauraro_str;

/* A class: built-in exception classes are these; a user class's vtable
 * starts with one. */
struct tauraro_move;

typedef struct tauraro_class {
    const char *name;                 /* user-visible name, e.g. "ValueError" */
    const struct tauraro_class *base; /* NULL for Exception and for root classes */
    void (*dtor)(void *obj);          /* runs __del__, releases the fields; NULL: none */
    struct tauraro_str *(*str)(void *obj);  /* __str__ (owned result); NULL: default */
    struct tauraro_str *(*repr)(void *obj); /* __repr__ (owned result); NULL: default */
    void *(*move)(void *obj, struct tauraro_move *m); /* memory.h; NULL: never moves */
} tauraro_class_t;

TAURARO_DATA const tauraro_class_t tauraro_cls_Exception = { "Exception", NULL, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_ArithmeticError = { "ArithmeticError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_LookupError = { "LookupError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_ValueError = { "ValueError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_TypeError = { "TypeError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_IndexError = { "IndexError", &tauraro_cls_LookupError, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_KeyError = { "KeyError", &tauraro_cls_LookupError, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_ZeroDivisionError = { "ZeroDivisionError", &tauraro_cls_ArithmeticError, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_OverflowError = { "OverflowError", &tauraro_cls_ArithmeticError, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_RuntimeError = { "RuntimeError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_RecursionError = { "RecursionError", &tauraro_cls_RuntimeError, NULL, NULL, NULL, NULL };

/* Calls in progress. CPython's default recursion limit is 1000 frames, the
 * module's included: a program may nest 999 calls, and the next one raises
 * RecursionError (instead of overflowing the C stack). */
TAURARO_DATA int tauraro_depth;
#define TAURARO_MAX_DEPTH 999
TAURARO_DATA const tauraro_class_t tauraro_cls_AssertionError = { "AssertionError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_MemoryError = { "MemoryError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_NameError = { "NameError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_UnboundLocalError = { "UnboundLocalError", &tauraro_cls_NameError, NULL, NULL, NULL, NULL };
TAURARO_DATA const tauraro_class_t tauraro_cls_AttributeError = { "AttributeError", &tauraro_cls_Exception, NULL, NULL, NULL, NULL };

typedef struct tauraro_str tauraro_str_t;

/* Objects an exception keeps alive: the variables of the frames it went
 * through, released when the exception itself goes (as CPython's traceback
 * holds those frames). */
typedef struct tauraro_keepalive {
    size_t len, cap;
    struct tauraro_kept {
        void *obj;
        void (*release)(void *);
    } *items;
} tauraro_keepalive_t;

typedef struct tauraro_exc {          /* user exception classes embed this first */
    tauraro_obj_t hdr;
    const tauraro_class_t *cls;
    struct tauraro_str *msg;          /* str(e); never NULL (empty str when no message) */
    tauraro_keepalive_t *keep;        /* frame variables kept alive; NULL: none */
} tauraro_exc_t;

/* The pending exception, NULL if none. */
TAURARO_DATA tauraro_exc_t *tauraro_cur_exc;

#define TAURARO_EXC_PENDING() TAURARO_UNLIKELY(tauraro_cur_exc != NULL)

/* One traceback entry; the names are string literals of the generated code. */
typedef struct tauraro_tb_entry {
    const char *func;
    int line;
} tauraro_tb_entry_t;

/* Frames the pending exception went through, innermost first. */
TAURARO_DATA struct {
    tauraro_tb_entry_t *items;
    size_t len, cap;
} tauraro_tb;

/* CPython's rules for printing a traceback */
#define TAURARO_TB_LIMIT 1000          /* sys.tracebacklimit default */
#define TAURARO_TB_RECURSIVE_CUTOFF 3  /* identical lines shown before folding */

TAURARO_FUNC tauraro_exc_t *tauraro_exc_new(const tauraro_class_t *cls, tauraro_str_t *msg);
TAURARO_FUNC void tauraro_raise_msg(const tauraro_class_t *cls, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
TAURARO_FUNC void tauraro_raise_str(const tauraro_class_t *cls, tauraro_str_t *msg);
TAURARO_FUNC void tauraro_raise_bytes(const tauraro_class_t *cls, const char *bytes, int64_t len);
TAURARO_FUNC void tauraro_raise(tauraro_exc_t *e);
TAURARO_FUNC void tauraro_reraise(tauraro_exc_t *e);
TAURARO_INLINE bool tauraro_exc_isinstance(const tauraro_exc_t *e, const tauraro_class_t *cls);
TAURARO_INLINE bool tauraro_exc_pending_is(const tauraro_class_t *cls);
TAURARO_INLINE tauraro_exc_t *tauraro_exc_fetch(void);
TAURARO_FUNC void tauraro_exc_decref(tauraro_exc_t *e);
TAURARO_FUNC void tauraro_tb_add(const char *func, int line);
TAURARO_INLINE void tauraro_tb_clear(void);
TAURARO_FUNC void tauraro_tb_free(void);
TAURARO_FUNC void tauraro_exc_print(FILE *out, const tauraro_exc_t *e, const char *src_path);

#include "str.h"

/* ---- definitions ----------------------------------------------------------------- */

TAURARO_INLINE bool tauraro_class_is_sub(const tauraro_class_t *c, const tauraro_class_t *cls)
{
    for (; c != NULL; c = c->base)
        if (c == cls)
            return true;
    return false;
}

/* Walks the base chain of e's class. */
TAURARO_INLINE bool tauraro_exc_isinstance(const tauraro_exc_t *e, const tauraro_class_t *cls)
{
    return e != NULL && tauraro_class_is_sub(e->cls, cls);
}

/* except E: does the pending exception match E? */
TAURARO_INLINE bool tauraro_exc_pending_is(const tauraro_class_t *cls)
{
    return tauraro_exc_isinstance(tauraro_cur_exc, cls);
}

/* A new exception object (heap, rc = 1). msg is borrowed; NULL means no
 * message. Exceptions outlive the arena they were raised in, so an arena or
 * manual message is copied to the heap. */
TAURARO_FUNC tauraro_exc_t *tauraro_exc_new(const tauraro_class_t *cls, tauraro_str_t *msg)
{
    tauraro_exc_t *e = (tauraro_exc_t *)tauraro_alloc_rc(sizeof *e, TAURARO_TAG_EXC);
    e->cls = cls;
    e->keep = NULL;
    if (msg == NULL) {
        e->msg = &tauraro_str_empty;
    } else if (msg->hdr.strategy == TAURARO_AUTO || msg->hdr.strategy == TAURARO_STATIC) {
        tauraro_str_incref(msg);
        e->msg = msg;
    } else {
        e->msg = tauraro_str_new_rc(msg->data, msg->len);
    }
    return e;
}

/* Make e pending (steals the reference). A fresh raise starts a fresh
 * traceback. While another exception is pending the new one is dropped. */
TAURARO_FUNC void tauraro_raise(tauraro_exc_t *e)
{
    if (tauraro_cur_exc != NULL) {
        tauraro_exc_decref(e);
        return;
    }
    tauraro_tb_clear();
    tauraro_cur_exc = e;
}

/* Bare `raise` in an except clause: like tauraro_raise, but keeps the
 * traceback recorded so far. */
TAURARO_FUNC void tauraro_reraise(tauraro_exc_t *e)
{
    if (tauraro_cur_exc != NULL) {
        tauraro_exc_decref(e);
        return;
    }
    tauraro_cur_exc = e;
}

/* Raise cls with a printf-style message. */
TAURARO_FUNC void tauraro_raise_msg(const tauraro_class_t *cls, const char *fmt, ...)
{
    if (tauraro_cur_exc != NULL)
        return;
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof small) {
        tauraro_raise_bytes(cls, small, n);
    } else {
        char *big = (char *)tauraro_alloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        tauraro_raise_bytes(cls, big, n);
        free(big);
    }
}

/* Raise cls with message msg (borrowed). */
TAURARO_FUNC void tauraro_raise_str(const tauraro_class_t *cls, tauraro_str_t *msg)
{
    if (tauraro_cur_exc != NULL)
        return;
    tauraro_raise(tauraro_exc_new(cls, msg));
}

/* Raise cls with a message of len bytes of UTF-8. */
TAURARO_FUNC void tauraro_raise_bytes(const tauraro_class_t *cls, const char *bytes, int64_t len)
{
    if (tauraro_cur_exc != NULL)
        return;
    tauraro_exc_t *e = tauraro_exc_new(cls, NULL);
    e->msg = tauraro_str_new_rc(bytes, len);
    tauraro_raise(e);
}

/* Take the pending exception (owned by the caller) and clear it. */
TAURARO_INLINE tauraro_exc_t *tauraro_exc_fetch(void)
{
    tauraro_exc_t *e = tauraro_cur_exc;
    tauraro_cur_exc = NULL;
    return e;
}

TAURARO_FUNC void tauraro_exc_decref(tauraro_exc_t *e)
{
    if (e == NULL || e->hdr.strategy != TAURARO_AUTO || --e->hdr.rc != 0)
        return;
    /* the class's destructor releases the fields of a user exception class */
    for (const tauraro_class_t *c = e->cls; c != NULL; c = c->base)
        if (c->dtor != NULL) {
            e->hdr.rc = 1; /* __del__ may take and drop references to it */
            c->dtor(e);
            break;
        }
    tauraro_str_decref(e->msg);
    tauraro_keepalive_t *k = e->keep;
    tauraro_obj_release(e);
    if (k != NULL) { /* the frames' variables, innermost frame first */
        for (size_t i = 0; i < k->len; i++)
            k->items[i].release(k->items[i].obj);
        free(k->items);
        free(k);
    }
}

/* A frame that the pending exception leaves hands its variable obj over:
 * it is released with the exception (now if nothing is pending). */
TAURARO_FUNC void tauraro_exc_keep(void *obj, void (*release)(void *))
{
    tauraro_exc_t *e = tauraro_cur_exc;
    if (obj == NULL || ((tauraro_obj_t *)obj)->strategy == TAURARO_ARENA)
        return; /* arena objects go with their arena */
    if (e == NULL) {
        release(obj);
        return;
    }
    tauraro_keepalive_t *k = e->keep;
    if (k == NULL) {
        k = (tauraro_keepalive_t *)tauraro_alloc(sizeof *k);
        k->len = k->cap = 0;
        k->items = NULL;
        e->keep = k;
    }
    k->items = (struct tauraro_kept *)tauraro_grow(k->items, &k->cap, k->len, sizeof *k->items, 8);
    k->items[k->len].obj = obj;
    k->items[k->len].release = release;
    k->len++;
}

/* Record the frame the pending exception is leaving (func: "<module>" for
 * top-level code). */
TAURARO_FUNC void tauraro_tb_add(const char *func, int line)
{
    tauraro_tb.items = (tauraro_tb_entry_t *)tauraro_grow(tauraro_tb.items, &tauraro_tb.cap, tauraro_tb.len,
                                                          sizeof(tauraro_tb_entry_t), 16);
    tauraro_tb.items[tauraro_tb.len].func = func;
    tauraro_tb.items[tauraro_tb.len].line = line;
    tauraro_tb.len++;
}

TAURARO_INLINE void tauraro_tb_clear(void)
{
    tauraro_tb.len = 0;
}

/* Release the traceback storage (program exit). */
TAURARO_FUNC void tauraro_tb_free(void)
{
    free(tauraro_tb.items);
    tauraro_tb.items = NULL;
    tauraro_tb.len = tauraro_tb.cap = 0;
}

/* The whole source file, or NULL. */
TAURARO_FUNC char *tauraro_read_file(const char *path, size_t *len)
{
    if (path == NULL)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = (char *)tauraro_alloc(cap);
    for (;;) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        cap *= 2;
        buf = (char *)tauraro_realloc(buf, cap);
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Line `line` (1-based) of src without indentation and line end, as CPython
 * shows it; false if there is no such line. */
TAURARO_FUNC bool tauraro_source_line(const char *src, size_t len, int line,
                                      const char **start, size_t *n)
{
    size_t i = 0;
    for (int l = 1; l < line; l++) {
        const char *nl = (const char *)memchr(src + i, '\n', len - i);
        if (nl == NULL)
            return false;
        i = (size_t)(nl - src) + 1;
    }
    if (line < 1 || i >= len)
        return false;
    while (i < len && (src[i] == ' ' || src[i] == '\t' || src[i] == '\f'))
        i++;
    size_t j = i;
    while (j < len && src[j] != '\n')
        j++;
    if (j > i && src[j - 1] == '\r')
        j--;
    *start = src + i;
    *n = j - i;
    return true;
}

/* Print the traceback of e (entries recorded since it was raised) and its
 * last line "Name: message" ("Name" alone when the message is empty). */
TAURARO_FUNC void tauraro_exc_print(FILE *out, const tauraro_exc_t *e, const char *src_path)
{
    size_t n = tauraro_tb.len;
    if (n > 0) {
        size_t srclen = 0;
        char *src = tauraro_read_file(src_path, &srclen);
        const char *file = src_path ? src_path : "<unknown>";
        fputs("Traceback (most recent call last):\n", out);
        /* entries are innermost first; print the outermost of the last
         * TAURARO_TB_LIMIT first, folding runs of identical lines */
        size_t first = n > TAURARO_TB_LIMIT ? TAURARO_TB_LIMIT : n;
        const tauraro_tb_entry_t *last = NULL;
        long cnt = 0;
        for (size_t k = first; k-- > 0;) {
            const tauraro_tb_entry_t *t = &tauraro_tb.items[k];
            if (last == NULL || t->line != last->line || strcmp(t->func, last->func) != 0) {
                if (cnt > TAURARO_TB_RECURSIVE_CUTOFF) {
                    long more = cnt - TAURARO_TB_RECURSIVE_CUTOFF;
                    fprintf(out, "  [Previous line repeated %ld more time%s]\n", more, more > 1 ? "s" : "");
                }
                last = t;
                cnt = 0;
            }
            cnt++;
            if (cnt > TAURARO_TB_RECURSIVE_CUTOFF)
                continue;
            fprintf(out, "  File \"%s\", line %d, in %s\n", file, t->line, t->func);
            const char *ls;
            size_t ln;
            if (src != NULL && tauraro_source_line(src, srclen, t->line, &ls, &ln) && ln > 0) {
                fputs("    ", out);
                fwrite(ls, 1, ln, out);
                fputc('\n', out);
            }
        }
        if (cnt > TAURARO_TB_RECURSIVE_CUTOFF) {
            long more = cnt - TAURARO_TB_RECURSIVE_CUTOFF;
            fprintf(out, "  [Previous line repeated %ld more time%s]\n", more, more > 1 ? "s" : "");
        }
        free(src);
    }
    fputs(e->cls->name, out);
    if (e->msg != NULL && e->msg->len > 0) {
        fputs(": ", out);
        fwrite(e->msg->data, 1, (size_t)e->msg->len, out);
    }
    fputc('\n', out);
}

#endif /* TAURARO_EXC_H */
