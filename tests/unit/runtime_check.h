/* runtime_check.h - what the runtime unit tests share: str inputs, str
 * results, reprs and pending exceptions. Include after cmocka.h and
 * tauraro/runtime.h. */
#ifndef TAURARO_TEST_RUNTIME_CHECK_H
#define TAURARO_TEST_RUNTIME_CHECK_H

#include <string.h>

/* A static str literal for inputs (counting is a no-op on it). */
#define L(s) (&(tauraro_str_t)TAURARO_STR_LIT((s), (int64_t)sizeof(s) - 1, tauraro_utf8_count((s), (int64_t)sizeof(s) - 1)))

/* A counted heap copy of a C string, whatever the allocation mode (to
 * exercise reference counting). */
static __attribute__((unused)) tauraro_str_t *S(const char *s)
{
    return tauraro_str_new_rc(s, (int64_t)strlen(s));
}

/* repr(x) of element kind P equals expect */
#define check_repr(P, x, expect)                                                        \
    do {                                                                                \
        tauraro_sb_t sb_ = TAURARO_SB_INIT;                                             \
        tauraro_##P##_repr_sb(&sb_, (x));                                               \
        if (strcmp(sb_.data, (expect)) != 0)                                            \
            fail_msg("%s:%d: expected %s, got %s", __FILE__, __LINE__, (expect), sb_.data); \
        tauraro_sb_free(&sb_);                                                          \
    } while (0)

/* Assert an owned str result and release it. */
static void check_str_(tauraro_str_t *r, const char *expect, const char *file, int line)
{
    if (r == NULL) {
        tauraro_exc_t *e = tauraro_exc_fetch();
        fail_msg("%s:%d: expected \"%s\", got %s: %s", file, line, expect, e ? e->cls->name : "NULL",
                 e ? e->msg->data : "");
    }
    if ((size_t)r->len != strlen(expect) || memcmp(r->data, expect, strlen(expect)) != 0)
        fail_msg("%s:%d: expected \"%s\", got \"%s\"", file, line, expect, r->data);
    assert_int_equal(r->nchars, tauraro_utf8_count(r->data, r->len));
    assert_int_equal(r->data[r->len], '\0');
    tauraro_str_decref(r);
}
#define check_str(r, expect) check_str_((r), (expect), __FILE__, __LINE__)

/* Assert that cls(msg) is pending; take and release it. */
static void check_exc_(const tauraro_class_t *cls, const char *msg, const char *file, int line)
{
    tauraro_exc_t *e = tauraro_exc_fetch();
    if (e == NULL)
        fail_msg("%s:%d: expected %s: %s, nothing raised", file, line, cls->name, msg);
    if (e->cls != cls || strcmp(e->msg->data, msg) != 0)
        fail_msg("%s:%d: expected %s: %s, got %s: %s", file, line, cls->name, msg, e->cls->name, e->msg->data);
    tauraro_exc_decref(e);
}
#define check_exc(cls, msg) check_exc_(&tauraro_cls_##cls, (msg), __FILE__, __LINE__)
#define check_no_exc() assert_null(tauraro_cur_exc)

#endif
