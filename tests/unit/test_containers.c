/* Unit tests of the containers (list.h, dict.h), their element operations
 * (elem.h, buf.h) and the str methods (strmeth.h).
 *
 * Expected strings (reprs, str method results) were produced by CPython 3.11.
 * Every test checks that the counted objects and their bytes are back to
 * where they started; run under valgrind --leak-check=full: it must be clean. */
#include "tauraro/runtime.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "runtime_check.h"

/* Counted objects and bytes at the start of a test; equal at its end. */
static tauraro_stats_t stats0;
static int setup(void **state)
{
    (void)state;
    stats0 = tauraro_stats;
    return 0;
}
static int teardown(void **state)
{
    (void)state;
    assert_null(tauraro_cur_exc);
    assert_int_equal(tauraro_stats.auto_objects, stats0.auto_objects);
    assert_int_equal(tauraro_stats.auto_bytes, stats0.auto_bytes);
    assert_int_equal(tauraro_stats.manual_objects, stats0.manual_objects);
    assert_int_equal(tauraro_stats.manual_bytes, stats0.manual_bytes);
    assert_int_equal(tauraro_stats.arena_count, stats0.arena_count);
    return 0;
}

/* ---- element kinds the compiler would generate ------------------------------------------------ */

/* A tuple-like value type ordered by key only, to observe sort stability. */
typedef struct { int64_t key, tag; } pair_t;
static inline void tauraro_pair_incref(pair_t v) { (void)v; }
static inline void tauraro_pair_decref(pair_t v) { (void)v; }
static inline pair_t tauraro_pair_move(pair_t v, tauraro_move_t *m) { (void)m; return v; }
static inline void tauraro_pair_held(const tauraro_obj_t *o, pair_t v) { (void)o; (void)v; }
static inline bool tauraro_pair_eq(pair_t a, pair_t b) { return a.key == b.key; }
static inline bool tauraro_pair_lt(pair_t a, pair_t b) { return a.key < b.key; }
static inline void tauraro_pair_repr_sb(tauraro_sb_t *sb, pair_t v)
{
    tauraro_sb_putc(sb, '(');
    tauraro_sb_append_int(sb, v.key);
    tauraro_sb_append(sb, ", ", 2);
    tauraro_sb_append_int(sb, v.tag);
    tauraro_sb_putc(sb, ')');
}
TAURARO_LIST_DEFINE(pair, pair_t);

TAURARO_LIST_DEFINE(list_int, tauraro_list_int_t *);
TAURARO_LIST_DEFINE(list_list_int, tauraro_list_list_int_t *);
TAURARO_LIST_DEFINE(list_str, tauraro_list_str_t *);
TAURARO_DICT_DEFINE(str, tauraro_str_t *, list_int, tauraro_list_int_t *);
TAURARO_LIST_DEFINE(dict_str_int, tauraro_dict_str_int_t *);
TAURARO_DICT_DEFINE(str, tauraro_str_t *, dict_str_int, tauraro_dict_str_int_t *);

/* Instantiated and never used: must not warn. */
TAURARO_LIST_DEFINE(dict_int_str, tauraro_dict_int_str_t *);

/* ---- expected values (generated with python3 3.11) ---------------------------------------- */
static const struct { const char *s, *sep; int64_t maxsplit; const char *split, *rsplit; } split_cases[] = {
    { "a b  c", NULL, -1, "['a', 'b', 'c']", "['a', 'b', 'c']" },
    { "  a b  c  ", NULL, 1, "['a', 'b  c  ']", "['  a b', 'c']" },
    { "  a b  c  ", NULL, 0, "['a b  c  ']", "['  a b  c']" },
    { "  a b  c  ", NULL, 2, "['a', 'b', 'c  ']", "['  a', 'b', 'c']" },
    { "", NULL, -1, "[]", "[]" },
    { "   ", NULL, -1, "[]", "[]" },
    { "   ", NULL, 0, "[]", "[]" },
    { "a,b,,c", ",", -1, "['a', 'b', '', 'c']", "['a', 'b', '', 'c']" },
    { "a,b,,c", ",", 2, "['a', 'b', ',c']", "['a,b', '', 'c']" },
    { ",", ",", -1, "['', '']", "['', '']" },
    { "", ",", -1, "['']", "['']" },
    { "aaa", "aa", -1, "['', 'a']", "['a', '']" },
    { "aaa", "aa", 1, "['', 'a']", "['a', '']" },
    { "h\303\251llo w\303\266rld", NULL, -1, "['h\303\251llo', 'w\303\266rld']", "['h\303\251llo', 'w\303\266rld']" },
    { "a\343\200\200b\302\205c\342\200\250 d", NULL, -1, "['a', 'b', 'c', 'd']", "['a', 'b', 'c', 'd']" },
    { "x--y--z", "--", 1, "['x', 'y--z']", "['x--y', 'z']" },
    { "abc", "abc", -1, "['', '']", "['', '']" },
    { "p\303\251q\303\251r", "\303\251", -1, "['p', 'q', 'r']", "['p', 'q', 'r']" },
    { "p\303\251q\303\251r", "\303\251", 1, "['p', 'q\303\251r']", "['p\303\251q', 'r']" },
    { "one two three four", NULL, 2, "['one', 'two', 'three four']", "['one two', 'three', 'four']" },
    { "a\011b\012c\037d\034e", NULL, -1, "['a', 'b', 'c', 'd', 'e']", "['a', 'b', 'c', 'd', 'e']" },
    { "abc", "x", -1, "['abc']", "['abc']" },
    { "  lead", NULL, 1, "['lead']", "['lead']" },
    { "trail  ", NULL, 1, "['trail']", "['trail']" },
    { "\344\270\200 \344\272\214", NULL, -1, "['\344\270\200', '\344\272\214']", "['\344\270\200', '\344\272\214']" },
};
static const struct { const char *s, *lines, *keep; } splitlines_cases[] = {
    { "a\012b\015\012c\015d\013e\014f\034g\035h\036i\302\205j\342\200\250k\342\200\251l", "['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']", "['a\\n', 'b\\r\\n', 'c\\r', 'd\\x0b', 'e\\x0c', 'f\\x1c', 'g\\x1d', 'h\\x1e', 'i\\x85', 'j\\u2028', 'k\\u2029', 'l']" },
    { "a\012", "['a']", "['a\\n']" },
    { "\012\012", "['', '']", "['\\n', '\\n']" },
    { "", "[]", "[]" },
    { "abc", "['abc']", "['abc']" },
    { "a\015", "['a']", "['a\\r']" },
    { "\015\012\015\012", "['', '']", "['\\r\\n', '\\r\\n']" },
    { "x\012\012y", "['x', '', 'y']", "['x\\n', '\\n', 'y']" },
    { "\303\251\012\303\250", "['\303\251', '\303\250']", "['\303\251\\n', '\303\250']" },
};
static const struct { const char *s, *chars, *strip, *lstrip, *rstrip; } strip_cases[] = {
    { "  hi  ", NULL, "hi", "hi  ", "  hi" },
    { "\011\012 hi \343\200\200", NULL, "hi", "hi \343\200\200", "\011\012 hi" },
    { "xxhixx", "x", "hi", "hixx", "xxhi" },
    { "h\303\251\303\251", "\303\251", "h", "h\303\251\303\251", "h" },
    { "\303\251ab\303\251", "\303\251a", "b", "b\303\251", "\303\251ab" },
    { "abcba", "ab", "c", "cba", "abc" },
    { "", NULL, "", "", "" },
    { "   ", NULL, "", "", "" },
    { "abc", "", "abc", "abc", "abc" },
    { "\302\205a\302\240", NULL, "a", "a\302\240", "\302\205a" },
    { "aaa", "a", "", "", "" },
    { "\344\270\200x\344\270\200", "\344\270\200", "x", "x\344\270\200", "\344\270\200x" },
};
static const struct { const char *s, *lower, *upper, *title, *capitalize, *swapcase; } case_cases[] = {
    { "hello World", "hello world", "HELLO WORLD", "Hello World", "Hello world", "HELLO wORLD" },
    { "\303\237", "\303\237", "SS", "Ss", "Ss", "SS" },
    { "\305\211", "\305\211", "\312\274N", "\312\274N", "\312\274N", "\312\274N" },
    { "\316\221\316\243", "\316\261\317\202", "\316\221\316\243", "\316\221\317\202", "\316\221\317\202", "\316\261\317\202" },
    { "\316\221\316\243 \316\222", "\316\261\317\202 \316\262", "\316\221\316\243 \316\222", "\316\221\317\202 \316\222", "\316\221\317\202 \316\262", "\316\261\317\202 \316\262" },
    { "\316\243", "\317\203", "\316\243", "\316\243", "\316\243", "\317\203" },
    { "\316\221\316\243'", "\316\261\317\202'", "\316\221\316\243'", "\316\221\317\202'", "\316\221\317\202'", "\316\261\317\202'" },
    { "\316\221'\316\243", "\316\261'\317\202", "\316\221'\316\243", "\316\221'\316\243", "\316\221'\317\202", "\316\261'\317\202" },
    { "\316\221\316\243\316\221", "\316\261\317\203\316\261", "\316\221\316\243\316\221", "\316\221\317\203\316\261", "\316\221\317\203\316\261", "\316\261\317\203\316\261" },
    { "\304\260stanbul", "i\314\207stanbul", "\304\260STANBUL", "\304\260stanbul", "\304\260stanbul", "i\314\207STANBUL" },
    { "\307\206emal", "\307\206emal", "\307\204EMAL", "\307\205emal", "\307\205emal", "\307\204EMAL" },
    { "\357\254\201ne", "\357\254\201ne", "FINE", "Fine", "Fine", "FINE" },
    { "hello wORLD 123", "hello world 123", "HELLO WORLD 123", "Hello World 123", "Hello world 123", "HELLO World 123" },
    { "a1b2", "a1b2", "A1B2", "A1B2", "A1b2", "A1B2" },
    { "they're bill's", "they're bill's", "THEY'RE BILL'S", "They'Re Bill'S", "They're bill's", "THEY'RE BILL'S" },
    { "\303\277", "\303\277", "\305\270", "\305\270", "\305\270", "\305\270" },
    { "\302\265", "\302\265", "\316\234", "\316\234", "\316\234", "\316\234" },
    { "\316\251mega", "\317\211mega", "\316\251MEGA", "\316\251mega", "\316\251mega", "\317\211MEGA" },
    { "\320\237\321\200\320\270\320\262\320\265\321\202 \320\234\320\230\320\240", "\320\277\321\200\320\270\320\262\320\265\321\202 \320\274\320\270\321\200", "\320\237\320\240\320\230\320\222\320\225\320\242 \320\234\320\230\320\240", "\320\237\321\200\320\270\320\262\320\265\321\202 \320\234\320\270\321\200", "\320\237\321\200\320\270\320\262\320\265\321\202 \320\274\320\270\321\200", "\320\277\320\240\320\230\320\222\320\225\320\242 \320\274\320\270\321\200" },
    { "\303\237\303\237", "\303\237\303\237", "SSSS", "Ss\303\237", "Ss\303\237", "SSSS" },
    { "aBc \316\224\316\225\316\226", "abc \316\264\316\265\316\266", "ABC \316\224\316\225\316\226", "Abc \316\224\316\265\316\266", "Abc \316\264\316\265\316\266", "AbC \316\264\316\265\316\266" },
    { "", "", "", "", "", "" },
    { "123", "123", "123", "123", "123", "123" },
    { "\307\205", "\307\206", "\307\204", "\307\205", "\307\205", "\307\205" },
    { "\341\276\200", "\341\276\200", "\341\274\210\316\231", "\341\276\210", "\341\276\210", "\341\274\210\316\231" },
    { "\316\220", "\316\220", "\316\231\314\210\314\201", "\316\231\314\210\314\201", "\316\231\314\210\314\201", "\316\231\314\210\314\201" },
    { "o\314\201\316\243", "o\314\201\317\202", "O\314\201\316\243", "O\314\201\316\243", "O\314\201\317\202", "O\314\201\317\202" },
    { "\316\243\316\221\316\243 \316\243", "\317\203\316\261\317\202 \317\203", "\316\243\316\221\316\243 \316\243", "\316\243\316\261\317\202 \316\243", "\316\243\316\261\317\202 \317\203", "\317\203\316\261\317\202 \317\203" },
    { "\303\251T\303\211", "\303\251t\303\251", "\303\211T\303\211", "\303\211t\303\251", "\303\211t\303\251", "\303\211t\303\251" },
    { "ABC", "abc", "ABC", "Abc", "Abc", "abc" },
    { "abc def", "abc def", "ABC DEF", "Abc Def", "Abc def", "ABC DEF" },
    { "\342\205\240\342\205\260", "\342\205\260\342\205\260", "\342\205\240\342\205\240", "\342\205\240\342\205\260", "\342\205\240\342\205\260", "\342\205\260\342\205\240" },
    { "\342\222\266\342\223\220", "\342\223\220\342\223\220", "\342\222\266\342\222\266", "\342\222\266\342\223\220", "\342\222\266\342\223\220", "\342\223\220\342\222\266" },
};
static const struct { const char *s, *sub; int64_t start, end, find, rfind; } find_cases[] = {
    { "hello", "l", TAURARO_NOIDX, TAURARO_NOIDX, 2, 3 },
    { "hello", "l", 3, TAURARO_NOIDX, 3, 3 },
    { "hello", "l", -2, TAURARO_NOIDX, 3, 3 },
    { "h\303\251llo", "l", TAURARO_NOIDX, TAURARO_NOIDX, 2, 3 },
    { "h\303\251llo", "lo", 0, 4, -1, -1 },
    { "h\303\251llo", "lo", 0, 5, 3, 3 },
    { "abc", "", 3, TAURARO_NOIDX, 3, 3 },
    { "abc", "", 4, TAURARO_NOIDX, -1, -1 },
    { "abc", "", TAURARO_NOIDX, TAURARO_NOIDX, 0, 3 },
    { "abc", "", -1, TAURARO_NOIDX, 2, 3 },
    { "aaa", "a", 1, 2, 1, 1 },
    { "aaa", "aa", TAURARO_NOIDX, TAURARO_NOIDX, 0, 1 },
    { "abc", "d", TAURARO_NOIDX, TAURARO_NOIDX, -1, -1 },
    { "abc", "c", -100, 100, 2, 2 },
    { "abc", "a", 1, TAURARO_NOIDX, -1, -1 },
    { "abcabc", "bc", TAURARO_NOIDX, -1, 1, 1 },
    { "abcabc", "bc", -5, -2, 1, 1 },
    { "\303\251a\303\251a", "\303\251", 1, TAURARO_NOIDX, 2, 2 },
    { "\303\251a\303\251a", "a\303\251", TAURARO_NOIDX, TAURARO_NOIDX, 1, 1 },
    { "", "", TAURARO_NOIDX, TAURARO_NOIDX, 0, 0 },
    { "", "", 1, TAURARO_NOIDX, -1, -1 },
    { "abc", "abcd", TAURARO_NOIDX, TAURARO_NOIDX, -1, -1 },
    { "abc", "", 2, 1, -1, -1 },
    { "\344\270\200\344\272\214\344\270\211\344\272\214", "\344\272\214", TAURARO_NOIDX, TAURARO_NOIDX, 1, 3 },
};
static const struct { const char *s, *sub; int64_t n; } count_cases[] = {
    { "aaaa", "aa", 2 },
    { "abc", "", 4 },
    { "h\303\251\303\251", "\303\251", 2 },
    { "", "", 1 },
    { "abcabc", "bc", 2 },
    { "abc", "x", 0 },
    { "\303\251\303\251", "", 3 },
};
static const struct { const char *s; bool r[10]; } pred_cases[] = {
    { "", { false, false, false, false, false, false, false, false, false, true } },
    { "abc", { false, true, true, false, false, false, true, false, false, true } },
    { "ABC", { false, true, true, false, false, false, false, true, false, true } },
    { "Abc", { false, true, true, false, false, false, false, false, true, true } },
    { "123", { false, false, true, true, true, true, false, false, false, true } },
    { "\302\275", { false, false, true, false, false, true, false, false, false, false } },
    { "\302\262", { false, false, true, false, true, true, false, false, false, false } },
    { "\331\243", { false, false, true, true, true, true, false, false, false, false } },
    { "abc123", { false, false, true, false, false, false, true, false, false, true } },
    { " \011", { true, false, false, false, false, false, false, false, false, true } },
    { "\343\200\200", { true, false, false, false, false, false, false, false, false, false } },
    { "\303\251", { false, true, true, false, false, false, true, false, false, false } },
    { "\307\205", { false, true, true, false, false, false, false, false, true, false } },
    { "Hello World", { false, false, false, false, false, false, false, false, true, true } },
    { "hello world", { false, false, false, false, false, false, true, false, false, true } },
    { "HELLO 1", { false, false, false, false, false, false, false, true, false, true } },
    { "\303\237", { false, true, true, false, false, false, true, false, false, false } },
    { "\316\243\316\221", { false, true, true, false, false, false, false, true, false, false } },
    { "\342\205\267", { false, false, true, false, false, true, true, false, false, false } },
    { "\344\270\200", { false, true, true, false, false, true, false, false, false, false } },
    { "a b", { false, false, false, false, false, false, true, false, false, true } },
    { "Hello world", { false, false, false, false, false, false, false, false, false, true } },
    { "\307\205a", { false, true, true, false, false, false, false, false, true, false } },
    { "A1", { false, false, true, false, false, false, false, true, true, true } },
    { "1a", { false, false, true, false, false, false, true, false, false, true } },
    { "\037", { true, false, false, false, false, false, false, false, false, true } },
    { "\331\240\331\241", { false, false, true, true, true, true, false, false, false, false } },
    { "\342\221\240", { false, false, true, false, true, true, false, false, false, false } },
    { "\360\235\237\216", { false, false, true, true, true, true, false, false, false, false } },
    { "\312\260", { false, true, true, false, false, false, true, false, false, false } },
    { "Ab Cd", { false, false, false, false, false, false, false, false, true, true } },
    { "AB", { false, true, true, false, false, false, false, true, false, true } },
    { "\341\276\210", { false, true, true, false, false, false, false, false, true, false } },
    { "abc\314\200", { false, false, false, false, false, false, true, false, false, false } },
};
static const struct { const char *s, *old, *new_; int64_t count; const char *r; } replace_cases[] = {
    { "aaa", "a", "b", -1, "bbb" },
    { "aaa", "a", "b", 2, "bba" },
    { "abc", "", "-", -1, "-a-b-c-" },
    { "abc", "", "-", 2, "-a-bc" },
    { "", "", "x", -1, "x" },
    { "", "", "x", 0, "" },
    { "h\303\251llo", "l", "L", -1, "h\303\251LLo" },
    { "abc", "x", "y", -1, "abc" },
    { "aaaa", "aa", "b", -1, "bb" },
    { "\303\251\303\251", "", "|", -1, "|\303\251|\303\251|" },
    { "abc", "b", "", -1, "ac" },
    { "abcabc", "abc", "\344\270\200", 1, "\344\270\200abc" },
    { "abc", "abc", "", -1, "" },
    { "abc", "a", "b", 0, "abc" },
};
static const struct { const char *s; int64_t width; const char *fill, *center, *ljust, *rjust; } pad_cases[] = {
    { "abc", 7, NULL, "  abc  ", "abc    ", "    abc" },
    { "abc", 6, NULL, " abc  ", "abc   ", "   abc" },
    { "ab", 7, "*", "***ab**", "ab*****", "*****ab" },
    { "h\303\251llo", 9, "\303\251", "\303\251\303\251h\303\251llo\303\251\303\251", "h\303\251llo\303\251\303\251\303\251\303\251", "\303\251\303\251\303\251\303\251h\303\251llo" },
    { "abc", 2, NULL, "abc", "abc", "abc" },
    { "a", 4, NULL, " a  ", "a   ", "   a" },
    { "", 3, "-", "---", "---", "---" },
    { "ab", 5, "\344\270\200", "\344\270\200\344\270\200ab\344\270\200", "ab\344\270\200\344\270\200\344\270\200", "\344\270\200\344\270\200\344\270\200ab" },
    { "abcd", 9, NULL, "   abcd  ", "abcd     ", "     abcd" },
    { "abc", -1, NULL, "abc", "abc", "abc" },
    { "ab", 4, "x", "xabx", "abxx", "xxab" },
};
static const struct { const char *s; int64_t width; const char *r; } zfill_cases[] = {
    { "42", 5, "00042" },
    { "-42", 5, "-0042" },
    { "+42", 5, "+0042" },
    { "abc", 2, "abc" },
    { "", 3, "000" },
    { "-", 3, "-00" },
    { "\303\251", 3, "00\303\251" },
    { "-\303\251", 4, "-00\303\251" },
    { "0", 1, "0" },
    { "--1", 5, "-00-1" },
};

/* ---- elem.h ------------------------------------------------------------------------------- */

static void test_elem_ops(void **state)
{
    (void)state;
    assert_true(tauraro_int_eq(3, 3));
    assert_true(tauraro_int_lt(-1, 0));
    assert_false(tauraro_int_lt(0, 0));
    assert_true(tauraro_int_hash(1) == tauraro_bool_hash(true));
    assert_true(tauraro_int_hash(0) == tauraro_bool_hash(false));
    assert_true(tauraro_int_hash(1) != tauraro_int_hash(2));
    tauraro_int_incref(1);
    tauraro_int_decref(1);
    assert_true(tauraro_float_eq(0.0, -0.0));
    assert_false(tauraro_float_eq(NAN, NAN));
    assert_true(tauraro_float_lt(-INFINITY, 1e300));
    tauraro_float_incref(1.0);
    tauraro_float_decref(1.0);
    assert_true(tauraro_bool_lt(false, true));
    assert_false(tauraro_bool_lt(true, false));
    assert_true(tauraro_bool_eq(true, true));
    tauraro_bool_incref(true);
    tauraro_bool_decref(true);
    assert_true(tauraro_str_lt(L("a"), L("b")));
    assert_true(tauraro_str_lt(L("a"), L("ab")));
    assert_false(tauraro_str_lt(L("\xc3\xa9"), L("z")));
    check_repr(int, -42, "-42");
    check_repr(int, INT64_MIN, "-9223372036854775808");
    check_repr(float, 0.1, "0.1");
    check_repr(float, 1e16, "1e+16");
    check_repr(float, -0.0, "-0.0");
    check_repr(float, 2.0, "2.0");
    check_repr(float, INFINITY, "inf");
    check_repr(bool, true, "True");
    check_repr(bool, false, "False");
    check_repr(str, L("it's"), "\"it's\"");
    check_repr(str, L("a\nb"), "'a\\nb'");
    check_repr(str, L("h\xc3\xa9"), "'h\xc3\xa9'");
}

/* ---- list basics -------------------------------------------------------------------------- */

static void test_list_basics(void **state)
{
    (void)state;
    tauraro_list_int_t *l = tauraro_list_int_new(0);
    assert_int_equal(l->hdr.tag, TAURARO_TAG_LIST);
    assert_int_equal(l->len, 0);
    check_repr(list_int, l, "[]");
    for (int64_t i = 0; i < 10; i++)
        tauraro_list_int_append(l, i * i);
    assert_int_equal(l->len, 10);
    assert_true(l->cap >= 10);
    assert_int_equal(tauraro_list_int_get(l, 3), 9);
    assert_int_equal(tauraro_list_int_get(l, -1), 81);
    assert_int_equal(tauraro_list_int_get(l, -10), 0);
    assert_int_equal(tauraro_list_int_get(l, 10), 0);
    check_exc(IndexError, "list index out of range");
    assert_int_equal(tauraro_list_int_get(l, -11), 0);
    check_exc(IndexError, "list index out of range");
    tauraro_list_int_set(l, -2, 7);
    assert_int_equal(l->items[8], 7);
    tauraro_list_int_set(l, 10, 1);
    check_exc(IndexError, "list assignment index out of range");
    tauraro_list_int_set(l, -11, 1);
    check_exc(IndexError, "list assignment index out of range");
    check_repr(list_int, l, "[0, 1, 4, 9, 16, 25, 36, 49, 7, 81]");

    /* pop */
    assert_int_equal(tauraro_list_int_pop(l, -1), 81);
    assert_int_equal(tauraro_list_int_pop(l, 0), 0);
    assert_int_equal(tauraro_list_int_pop(l, 2), 9);
    check_repr(list_int, l, "[1, 4, 16, 25, 36, 49, 7]");
    tauraro_list_int_pop(l, 7);
    check_exc(IndexError, "pop index out of range");
    tauraro_list_int_pop(l, -8);
    check_exc(IndexError, "pop index out of range");
    tauraro_list_int_t *e = tauraro_list_int_new(4);
    assert_int_equal(e->cap, 4);
    tauraro_list_int_pop(e, -1);
    check_exc(IndexError, "pop from empty list");

    /* insert clamps like Python */
    tauraro_list_int_insert(l, 0, 100);
    tauraro_list_int_insert(l, -1, 200);
    tauraro_list_int_insert(l, 100, 300);
    tauraro_list_int_insert(l, -100, 400);
    tauraro_list_int_insert(e, 5, 1);
    tauraro_list_int_insert(e, -5, 2);
    check_repr(list_int, l, "[400, 100, 1, 4, 16, 25, 36, 49, 200, 7, 300]");
    check_repr(list_int, e, "[2, 1]");

    /* del, remove, index, count, contains */
    tauraro_list_int_del(l, 0);
    tauraro_list_int_del(l, -1);
    tauraro_list_int_del(l, 9);
    check_exc(IndexError, "list assignment index out of range");
    tauraro_list_int_del(l, -10);
    check_exc(IndexError, "list assignment index out of range");
    tauraro_list_int_remove(l, 200);
    tauraro_list_int_remove(l, 200);
    check_exc(ValueError, "list.remove(x): x not in list");
    check_repr(list_int, l, "[100, 1, 4, 16, 25, 36, 49, 7]");
    assert_int_equal(tauraro_list_int_index(l, 16), 3);
    tauraro_list_int_index(l, 5);
    check_exc(ValueError, "5 is not in list");
    tauraro_list_int_index(l, -5);
    check_exc(ValueError, "-5 is not in list");
    tauraro_list_int_append(l, 4);
    assert_int_equal(tauraro_list_int_count(l, 4), 2);
    assert_int_equal(tauraro_list_int_count(l, 5), 0);
    assert_int_equal(tauraro_list_int_index(l, 4), 2);
    assert_true(tauraro_list_int_contains(l, 49));
    assert_false(tauraro_list_int_contains(l, 50));

    /* extend (also by itself), reverse, copy, clear */
    tauraro_list_int_extend(e, e);
    check_repr(list_int, e, "[2, 1, 2, 1]");
    tauraro_list_int_extend(e, l);
    tauraro_list_int_t *nothing = tauraro_list_int_new(0);
    tauraro_list_int_extend(e, nothing);
    tauraro_list_int_extend(nothing, nothing);
    tauraro_list_int_decref(nothing);
    tauraro_list_int_reverse(e);
    check_repr(list_int, e, "[4, 7, 49, 36, 25, 16, 4, 1, 100, 1, 2, 1, 2]");
    tauraro_list_int_t *c = tauraro_list_int_copy(e);
    assert_true(tauraro_list_int_eq(c, e));
    tauraro_list_int_clear(e);
    assert_int_equal(e->len, 0);
    check_repr(list_int, e, "[]");
    tauraro_list_int_append(e, 5);
    check_repr(list_int, e, "[5]");
    assert_int_equal(c->len, 13);

    tauraro_list_int_decref(c);
    tauraro_list_int_decref(e);
    tauraro_list_int_decref(l);
}

static void test_list_literals_and_ops(void **state)
{
    (void)state;
    int64_t v[] = { 3, 1, 2 };
    tauraro_list_int_t *a = tauraro_list_int_from(3, v);
    tauraro_list_int_t *b = tauraro_list_int_from(2, (int64_t[]){ 3, 1 });
    tauraro_list_int_t *none = tauraro_list_int_from(0, NULL);
    check_repr(list_int, none, "[]");

    /* concat, repeat */
    tauraro_list_int_t *ab = tauraro_list_int_concat(a, b);
    check_repr(list_int, ab, "[3, 1, 2, 3, 1]");
    tauraro_list_int_t *aa = tauraro_list_int_concat(a, a);
    check_repr(list_int, aa, "[3, 1, 2, 3, 1, 2]");
    tauraro_list_int_t *r3 = tauraro_list_int_repeat(b, 3);
    check_repr(list_int, r3, "[3, 1, 3, 1, 3, 1]");
    tauraro_list_int_t *r0 = tauraro_list_int_repeat(b, 0);
    tauraro_list_int_t *rn = tauraro_list_int_repeat(b, -2);
    check_repr(list_int, r0, "[]");
    check_repr(list_int, rn, "[]");

    /* comparisons: lexicographic */
    assert_true(tauraro_list_int_eq(a, a));
    assert_false(tauraro_list_int_eq(a, b));
    assert_true(tauraro_list_int_eq(r0, none));
    assert_true(tauraro_list_int_lt(b, a));    /* [3, 1] < [3, 1, 2] */
    assert_false(tauraro_list_int_lt(a, b));
    assert_false(tauraro_list_int_lt(a, a));
    assert_true(tauraro_list_int_lt(none, b));
    assert_true(tauraro_list_int_lt(a, r3));   /* [3, 1, 2] < [3, 1, 3, ...] */

    /* slices */
    tauraro_list_int_t *s;
    s = tauraro_list_int_slice(ab, 1, 3, TAURARO_NOIDX);
    check_repr(list_int, s, "[1, 2]");
    tauraro_list_int_decref(s);
    s = tauraro_list_int_slice(ab, TAURARO_NOIDX, TAURARO_NOIDX, -1);
    check_repr(list_int, s, "[1, 3, 2, 1, 3]");
    tauraro_list_int_decref(s);
    s = tauraro_list_int_slice(ab, TAURARO_NOIDX, TAURARO_NOIDX, 2);
    check_repr(list_int, s, "[3, 2, 1]");
    tauraro_list_int_decref(s);
    s = tauraro_list_int_slice(ab, -2, TAURARO_NOIDX, TAURARO_NOIDX);
    check_repr(list_int, s, "[3, 1]");
    tauraro_list_int_decref(s);
    s = tauraro_list_int_slice(ab, 4, 0, -2);
    check_repr(list_int, s, "[1, 2]");
    tauraro_list_int_decref(s);
    s = tauraro_list_int_slice(ab, 10, 20, 1);
    check_repr(list_int, s, "[]");
    tauraro_list_int_decref(s);
    s = tauraro_list_int_slice(ab, -100, 100, 3);
    check_repr(list_int, s, "[3, 3]");
    tauraro_list_int_decref(s);
    assert_null(tauraro_list_int_slice(ab, 0, 1, 0));
    check_exc(ValueError, "slice step cannot be zero");

    /* min, max, sum */
    assert_int_equal(tauraro_list_int_min(ab), 1);
    assert_int_equal(tauraro_list_int_max(ab), 3);
    tauraro_list_int_min(none);
    check_exc(ValueError, "min() arg is an empty sequence");
    tauraro_list_int_max(none);
    check_exc(ValueError, "max() arg is an empty sequence");
    assert_int_equal(tauraro_list_int_sum(ab), 10);
    assert_int_equal(tauraro_list_int_sum(none), 0);
    tauraro_list_int_t *big = tauraro_list_int_from(3, (int64_t[]){ INT64_MAX, 1, -5 });
    assert_int_equal(tauraro_list_int_sum(big), 0);
    check_exc(OverflowError, "integer overflow");
    tauraro_list_int_decref(big);
    big = tauraro_list_int_from(2, (int64_t[]){ INT64_MIN, -1 });
    tauraro_list_int_sum(big);
    check_exc(OverflowError, "integer overflow");
    tauraro_list_int_decref(big);

    /* str(l) */
    check_str(tauraro_list_int_str(ab), "[3, 1, 2, 3, 1]");

    tauraro_list_int_t *all[] = { a, b, none, ab, aa, r3, r0, rn };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        tauraro_list_int_decref(all[i]);
}

static void test_list_float_bool(void **state)
{
    (void)state;
    tauraro_list_float_t *f = tauraro_list_float_new(0);
    for (int i = 0; i < 10; i++)
        tauraro_list_float_append(f, 0.1);
    check_repr(list_float, f, "[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]");
    assert_true(tauraro_list_float_sum(f) == 0.9999999999999999);
    tauraro_list_float_clear(f);
    tauraro_list_float_append(f, 1e100);
    tauraro_list_float_append(f, 1.0);
    tauraro_list_float_append(f, -1e100);
    assert_true(tauraro_list_float_sum(f) == 0.0);  /* CPython 3.11: plain additions */
    tauraro_list_float_clear(f);
    tauraro_list_float_append(f, -0.0);
    assert_false(signbit(tauraro_list_float_sum(f)));  /* 0 + -0.0 */
    tauraro_list_float_append(f, 2.5);
    tauraro_list_float_append(f, -1.5);
    tauraro_list_float_append(f, 1e16);
    check_repr(list_float, f, "[-0.0, 2.5, -1.5, 1e+16]");
    assert_true(tauraro_list_float_min(f) == -1.5);
    assert_true(tauraro_list_float_max(f) == 1e16);
    tauraro_list_float_sort(f, false);
    check_repr(list_float, f, "[-1.5, -0.0, 2.5, 1e+16]");
    tauraro_list_float_index(f, 0.5);
    check_exc(ValueError, "0.5 is not in list");
    assert_int_equal(tauraro_list_float_index(f, 0.0), 1);  /* 0.0 == -0.0 */
    tauraro_list_float_decref(f);

    tauraro_list_bool_t *b = tauraro_list_bool_from(4, (bool[]){ true, false, true, false });
    check_repr(list_bool, b, "[True, False, True, False]");
    tauraro_list_bool_sort(b, false);
    check_repr(list_bool, b, "[False, False, True, True]");
    assert_int_equal(tauraro_list_bool_count(b, true), 2);
    tauraro_list_bool_index(b, true);
    tauraro_list_bool_t *b2 = tauraro_list_bool_from(1, (bool[]){ false });
    tauraro_list_bool_index(b2, true);
    check_exc(ValueError, "True is not in list");
    tauraro_list_bool_decref(b2);
    tauraro_list_bool_decref(b);
}

static void test_list_str(void **state)
{
    (void)state;
    tauraro_str_t *x = S("x"), *y = S("it's"), *z = S("h\xc3\xa9");
    tauraro_list_str_t *l = tauraro_list_str_from(3, (tauraro_str_t *[]){ x, y, z });
    assert_int_equal(x->hdr.rc, 2);
    check_repr(list_str, l, "['x', \"it's\", 'h\xc3\xa9']");
    tauraro_list_str_append(l, x);
    assert_int_equal(x->hdr.rc, 3);
    tauraro_list_str_set(l, 3, y);
    assert_int_equal(x->hdr.rc, 2);
    assert_int_equal(y->hdr.rc, 3);
    tauraro_list_str_set(l, 3, y);  /* same value again */
    assert_int_equal(y->hdr.rc, 3);
    tauraro_str_t *p = tauraro_list_str_pop(l, -1);
    assert_ptr_equal(p, y);
    tauraro_str_decref(p);
    assert_int_equal(y->hdr.rc, 2);
    tauraro_list_str_index(l, L("w"));
    check_exc(ValueError, "'w' is not in list");
    assert_int_equal(tauraro_list_str_index(l, L("h\xc3\xa9")), 2);
    tauraro_list_str_remove(l, L("x"));
    assert_int_equal(x->hdr.rc, 1);
    tauraro_list_str_append_move(l, S("a"));
    tauraro_list_str_insert(l, 0, L("literal"));
    check_repr(list_str, l, "['literal', \"it's\", 'h\xc3\xa9', 'a']");
    assert_ptr_equal(tauraro_list_str_min(l), l->items[3]);
    assert_ptr_equal(tauraro_list_str_max(l), l->items[0]);
    check_str(tauraro_list_str_join(L(", "), l), "literal, it's, h\xc3\xa9, a");
    check_str(tauraro_str_join(L("\xc3\xa9"), l), "literal\xc3\xa9it's\xc3\xa9h\xc3\xa9\xc3\xa9" "a");
    check_str(tauraro_list_str_join(L(""), l), "literalit'sh\xc3\xa9" "a");
    tauraro_list_str_t *single = tauraro_list_str_from(1, &x);
    tauraro_str_t *j = tauraro_list_str_join(L("-"), single);
    assert_ptr_not_equal(j, x);  /* a new object, never the argument */
    check_str(j, "x");
    tauraro_list_str_t *empty = tauraro_list_str_new(0);
    check_str(tauraro_list_str_join(L("-"), empty), "");
    tauraro_list_str_t *blanks = tauraro_list_str_from(3, (tauraro_str_t *[]){ L(""), L(""), L("") });
    check_str(tauraro_list_str_join(L(""), blanks), "");
    check_str(tauraro_list_str_join(L("ab"), blanks), "abab");

    /* first of equal elements wins in min/max */
    tauraro_str_t *m1 = S("m"), *m2 = S("m");
    tauraro_list_str_t *ms = tauraro_list_str_from(2, (tauraro_str_t *[]){ m1, m2 });
    assert_ptr_equal(tauraro_list_str_min(ms), m1);
    assert_ptr_equal(tauraro_list_str_max(ms), m1);
    tauraro_str_decref(m1);
    tauraro_str_decref(m2);

    /* set_move with a bad index releases the value */
    tauraro_list_str_set_move(ms, 5, S("lost"));
    check_exc(IndexError, "list assignment index out of range");

    tauraro_list_str_decref(ms);
    tauraro_list_str_decref(blanks);
    tauraro_list_str_decref(empty);
    tauraro_list_str_decref(single);
    tauraro_list_str_decref(l);
    assert_int_equal(z->hdr.rc, 1);
    tauraro_str_decref(x);
    tauraro_str_decref(y);
    tauraro_str_decref(z);
}

/* ---- sorting -------------------------------------------------------------------------------- */

static void test_list_sort_stable(void **state)
{
    (void)state;
    /* CPython: sorted(range(6), key=k.__getitem__) with k = [3, 1, 3, 2, 1, 3] */
    int64_t keys[] = { 3, 1, 3, 2, 1, 3 };
    tauraro_list_pair_t *p = tauraro_list_pair_new(0);
    for (int64_t i = 0; i < 6; i++)
        tauraro_list_pair_append(p, (pair_t){ keys[i], i });
    tauraro_list_pair_sort(p, false);
    check_repr(list_pair, p, "[(1, 1), (1, 4), (2, 3), (3, 0), (3, 2), (3, 5)]");
    tauraro_list_pair_clear(p);
    for (int64_t i = 0; i < 6; i++)
        tauraro_list_pair_append(p, (pair_t){ keys[i], i });
    tauraro_list_pair_sort(p, true);  /* CPython: [0, 2, 5, 3, 1, 4] */
    check_repr(list_pair, p, "[(3, 0), (3, 2), (3, 5), (2, 3), (1, 1), (1, 4)]");
    tauraro_list_pair_decref(p);

    /* big random inputs: ordered, and equal keys keep their original order */
    srand(12345);
    for (int round = 0; round < 6; round++) {
        int64_t n = round == 0 ? 17 : round == 1 ? 33 : round == 2 ? 1000 : 20011;
        int64_t range = round % 2 ? 7 : 100000;
        bool rev = round >= 4;
        tauraro_list_pair_t *l = tauraro_list_pair_new(0);
        for (int64_t i = 0; i < n; i++)
            tauraro_list_pair_append(l, (pair_t){ rand() % range, i });
        tauraro_list_pair_sort(l, rev);
        assert_int_equal(l->len, n);
        for (int64_t i = 1; i < n; i++) {
            pair_t a = l->items[i - 1], b = l->items[i];
            if (a.key == b.key)
                assert_true(a.tag < b.tag);
            else
                assert_true(rev ? a.key > b.key : a.key < b.key);
        }
        tauraro_list_pair_decref(l);
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void test_list_sort_ints_strs(void **state)
{
    (void)state;
    int64_t n = 100000;
    int64_t *ref = malloc((size_t)n * sizeof *ref);
    tauraro_list_int_t *l = tauraro_list_int_new(0);
    srand(7);
    for (int64_t i = 0; i < n; i++) {
        ref[i] = ((int64_t)rand() << 16) ^ rand();
        if (i % 3 == 0)
            ref[i] = -ref[i];
        tauraro_list_int_append(l, ref[i]);
    }
    qsort(ref, (size_t)n, sizeof *ref, cmp_i64);
    tauraro_list_int_sort(l, false);
    assert_memory_equal(l->items, ref, (size_t)n * sizeof *ref);
    tauraro_list_int_sort(l, false);  /* already sorted */
    assert_memory_equal(l->items, ref, (size_t)n * sizeof *ref);
    tauraro_list_int_sort(l, true);
    for (int64_t i = 0; i < n; i++)
        assert_true(l->items[i] == ref[n - 1 - i]);
    tauraro_list_int_decref(l);
    free(ref);

    tauraro_list_str_t *s = tauraro_list_str_new(0);
    const char *words[] = { "pear", "Apple", "\303\251clair", "apple", "", "banana", "app", "zebra", "Zebra" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        tauraro_list_str_append_move(s, S(words[i]));
    tauraro_list_str_sort(s, false);
    check_repr(list_str, s, "['', 'Apple', 'Zebra', 'app', 'apple', 'banana', 'pear', 'zebra', '\xc3\xa9\x63lair']");
    tauraro_list_str_sort(s, true);
    check_repr(list_str, s, "['\xc3\xa9\x63lair', 'zebra', 'pear', 'banana', 'apple', 'app', 'Zebra', 'Apple', '']");
    tauraro_list_str_decref(s);
}

/* A comparison that raises (dicts have no order): the sort stops, the
 * elements are all still there. */
static void test_list_sort_raises(void **state)
{
    (void)state;
    tauraro_list_dict_str_int_t *l = tauraro_list_dict_str_int_new(0);
    tauraro_str_t *key = S("k");  /* (an L() literal would die with the loop body) */
    for (int i = 0; i < 3; i++) {
        tauraro_dict_str_int_t *d = tauraro_dict_str_int_new();
        tauraro_dict_str_int_set(d, key, i);
        tauraro_list_dict_str_int_append_move(l, d);
    }
    check_repr(list_dict_str_int, l, "[{'k': 0}, {'k': 1}, {'k': 2}]");
    tauraro_list_dict_str_int_sort(l, false);
    check_exc(TypeError, "'<' not supported between instances of 'dict' and 'dict'");
    assert_int_equal(l->len, 3);
    int64_t seen = 0;
    for (int64_t i = 0; i < 3; i++)
        seen |= (int64_t)1 << tauraro_dict_str_int_get(l->items[i], L("k"));
    assert_int_equal(seen, 7);
    tauraro_list_dict_str_int_max(l);
    check_exc(TypeError, "'<' not supported between instances of 'dict' and 'dict'");
    assert_true(tauraro_list_dict_str_int_contains(l, l->items[1]));
    tauraro_list_dict_str_int_decref(l);
    assert_int_equal(key->hdr.rc, 1);
    tauraro_str_decref(key);
}

/* ---- nested lists ------------------------------------------------------------------------- */

static void test_list_nested(void **state)
{
    (void)state;
    tauraro_list_list_int_t *ll = tauraro_list_list_int_new(0);
    tauraro_list_int_t *a = tauraro_list_int_from(2, (int64_t[]){ 1, 2 });
    tauraro_list_list_int_append(ll, a);
    tauraro_list_list_int_append_move(ll, tauraro_list_int_new(0));
    tauraro_list_list_int_append_move(ll, tauraro_list_int_from(1, (int64_t[]){ 3 }));
    assert_int_equal(a->hdr.rc, 2);
    check_repr(list_list_int, ll, "[[1, 2], [], [3]]");
    tauraro_list_int_append(tauraro_list_list_int_get(ll, 0), 9);  /* shared: a changes too */
    check_repr(list_int, a, "[1, 2, 9]");
    tauraro_list_list_int_sort(ll, false);
    check_repr(list_list_int, ll, "[[], [1, 2, 9], [3]]");
    tauraro_list_list_int_t *cp = tauraro_list_list_int_copy(ll);  /* shallow */
    assert_int_equal(a->hdr.rc, 3);
    assert_true(tauraro_list_list_int_eq(cp, ll));
    assert_true(tauraro_list_list_int_contains(ll, a));
    assert_int_equal(tauraro_list_list_int_index(ll, tauraro_list_list_int_get(ll, 2)), 2);
    tauraro_list_int_t *missing = tauraro_list_int_from(1, (int64_t[]){ 4 });
    tauraro_list_list_int_index(ll, missing);
    check_exc(ValueError, "[4] is not in list");
    tauraro_list_list_int_t *lo = tauraro_list_list_int_from(1, (tauraro_list_int_t *[]){ missing });
    assert_true(tauraro_list_list_int_lt(ll, lo));  /* [] < [4] */
    assert_false(tauraro_list_list_int_lt(lo, ll));
    tauraro_list_list_int_t *rep = tauraro_list_list_int_repeat(lo, 2);
    check_repr(list_list_int, rep, "[[4], [4]]");
    assert_int_equal(missing->hdr.rc, 4);

    /* three levels */
    tauraro_list_list_list_int_t *lll = tauraro_list_list_list_int_from(2, (tauraro_list_list_int_t *[]){ ll, lo });
    check_repr(list_list_list_int, lll, "[[[], [1, 2, 9], [3]], [[4]]]");
    check_str(tauraro_list_list_list_int_str(lll), "[[[], [1, 2, 9], [3]], [[4]]]");

    tauraro_list_list_list_int_decref(lll);
    tauraro_list_list_int_decref(rep);
    tauraro_list_list_int_decref(lo);
    tauraro_list_int_decref(missing);
    tauraro_list_list_int_decref(cp);
    tauraro_list_list_int_decref(ll);
    assert_int_equal(a->hdr.rc, 1);
    tauraro_list_int_decref(a);
}

static void test_list_growth(void **state)
{
    (void)state;
    tauraro_list_str_t *l = tauraro_list_str_new(0);
    int64_t prev_cap = 0, grows = 0;
    for (int64_t i = 0; i < 100000; i++) {
        tauraro_list_str_append_move(l, tauraro_str_from_int(i));
        if (l->cap != prev_cap) {
            assert_true(prev_cap == 0 ? l->cap == 4 : l->cap == prev_cap + prev_cap / 2);
            prev_cap = l->cap;
            grows++;
        }
    }
    assert_true(grows > 20);
    check_str(tauraro_str_concat(l->items[99999], L("")), "99999");
    while (l->len > 10)
        tauraro_str_decref(tauraro_list_str_pop(l, l->len % 1000 == 0 ? 10 : -1));
    check_repr(list_str, l, "['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']");
    tauraro_list_str_decref(l);
}

/* Lists in an arena: object and items from the arena current when they grow. */
static void test_list_arena_and_manual(void **state)
{
    (void)state;
    tauraro_arena_t *a = tauraro_arena_create(1024);
    tauraro_arena_t *prev = tauraro_arena_enter(a);
    tauraro_list_int_t *l = tauraro_list_int_new(0);
    assert_int_equal(l->hdr.strategy, TAURARO_ARENA);
    for (int64_t i = 0; i < 5000; i++)
        tauraro_list_int_append(l, i);
    tauraro_list_str_t *s = tauraro_str_split(L("a b c"), NULL, -1);
    assert_int_equal(s->hdr.strategy, TAURARO_ARENA);
    tauraro_list_str_extend(s, s);
    check_repr(list_str, s, "['a', 'b', 'c', 'a', 'b', 'c']");
    tauraro_list_str_clear(s);
    tauraro_list_int_decref(l);  /* no-op */
    tauraro_arena_enter(prev);
    assert_int_equal(tauraro_list_int_sum(l), 4999 * 5000 / 2);
    assert_true(tauraro_arena_bytes_used(a) > 5000 * sizeof(int64_t));
    tauraro_arena_destroy(a);

    /* manual: freed by the program */
    int64_t manual0 = tauraro_stats.manual_objects;
    tauraro_list_str_t *m = tauraro_list_str_new_manual(0);
    assert_int_equal(m->hdr.strategy, TAURARO_MANUAL);
    for (int i = 0; i < 100; i++)
        tauraro_list_str_append_move(m, tauraro_str_from_int(i * 1000));
    assert_true(tauraro_stats.manual_bytes > stats0.manual_bytes + 100 * 8);
    tauraro_list_str_decref(m);  /* no-op */
    assert_int_equal(tauraro_stats.manual_objects, manual0 + 1);
    tauraro_obj_free(m, tauraro_list_str_dtor);
    assert_int_equal(tauraro_stats.manual_objects, manual0);
}

/* ---- dicts --------------------------------------------------------------------------------- */

/* keys in iteration order, as repr of a list */
static void check_dict_order_(tauraro_dict_str_int_t *d, const char *expect, const char *file, int line)
{
    tauraro_list_str_t *k = tauraro_list_str_new(0);
    int64_t pos = 0, i;
    while ((i = tauraro_dict_str_int_next(d, &pos)) >= 0)
        tauraro_list_str_append(k, d->entries[i].key);
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_list_str_repr_sb(&sb, k);
    if (strcmp(sb.data, expect) != 0)
        fail_msg("%s:%d: expected %s, got %s", file, line, expect, sb.data);
    tauraro_sb_free(&sb);
    assert_int_equal(k->len, d->len);
    tauraro_list_str_decref(k);
}
#define check_dict_order(d, expect) check_dict_order_((d), (expect), __FILE__, __LINE__)

static void test_dict_basics(void **state)
{
    (void)state;
    tauraro_dict_str_int_t *d = tauraro_dict_str_int_new();
    assert_int_equal(d->hdr.tag, TAURARO_TAG_DICT);
    check_repr(dict_str_int, d, "{}");
    check_dict_order(d, "[]");
    tauraro_str_t *ka = S("a");
    tauraro_dict_str_int_set(d, ka, 1);
    assert_int_equal(ka->hdr.rc, 2);
    tauraro_dict_str_int_set(d, L("b"), 2);
    tauraro_dict_str_int_set(d, L("c"), 3);
    assert_int_equal(d->len, 3);
    check_repr(dict_str_int, d, "{'a': 1, 'b': 2, 'c': 3}");
    int64_t v0 = d->version;

    /* replacing a value keeps the order, the key object and the version */
    tauraro_str_t *ka2 = S("a");
    tauraro_dict_str_int_set(d, ka2, 10);
    assert_int_equal(ka2->hdr.rc, 1);
    assert_int_equal(ka->hdr.rc, 2);
    assert_int_equal(d->version, v0);
    check_repr(dict_str_int, d, "{'a': 10, 'b': 2, 'c': 3}");

    /* lookups */
    assert_int_equal(tauraro_dict_str_int_get(d, ka2), 10);
    assert_int_equal(tauraro_dict_str_int_get(d, L("missing")), 0);
    check_exc(KeyError, "'missing'");
    tauraro_dict_str_int_get(d, L("it's"));
    check_exc(KeyError, "\"it's\"");
    int64_t out = -1;
    assert_true(tauraro_dict_str_int_find(d, L("c"), &out));
    assert_int_equal(out, 3);
    assert_false(tauraro_dict_str_int_find(d, L("z"), &out));
    assert_int_equal(out, 3);
    check_no_exc();
    assert_int_equal(tauraro_dict_str_int_get_default(d, L("z"), -7), -7);
    assert_int_equal(tauraro_dict_str_int_get_default(d, L("b"), -7), 2);
    assert_true(tauraro_dict_str_int_contains(d, L("b")));
    assert_false(tauraro_dict_str_int_contains(d, L("B")));

    /* delete, re-insert: the key goes to the end */
    tauraro_dict_str_int_del(d, L("b"));
    assert_true(d->version > v0);
    check_repr(dict_str_int, d, "{'a': 10, 'c': 3}");
    tauraro_dict_str_int_del(d, L("b"));
    check_exc(KeyError, "'b'");
    tauraro_dict_str_int_set(d, L("b"), 5);
    check_repr(dict_str_int, d, "{'a': 10, 'c': 3, 'b': 5}");
    tauraro_dict_str_int_set(d, ka, 11);
    check_dict_order(d, "['a', 'c', 'b']");

    /* pop */
    int64_t v1 = d->version;
    assert_int_equal(tauraro_dict_str_int_pop(d, L("a")), 11);
    assert_int_equal(ka->hdr.rc, 1);
    assert_true(d->version > v1);
    tauraro_dict_str_int_pop(d, L("a"));
    check_exc(KeyError, "'a'");
    assert_int_equal(tauraro_dict_str_int_pop_default(d, L("a"), 99), 99);
    assert_int_equal(tauraro_dict_str_int_pop_default(d, L("c"), 99), 3);
    check_repr(dict_str_int, d, "{'b': 5}");

    /* setdefault, set_move, update */
    assert_int_equal(tauraro_dict_str_int_setdefault(d, L("b"), 0), 5);
    assert_int_equal(tauraro_dict_str_int_setdefault(d, L("n"), 8), 8);
    tauraro_dict_str_int_set_move(d, S("m"), 1);
    tauraro_dict_str_int_set_move(d, S("m"), 2);  /* key already there: the new one is released */
    check_repr(dict_str_int, d, "{'b': 5, 'n': 8, 'm': 2}");
    tauraro_dict_str_int_t *o = tauraro_dict_str_int_new();
    tauraro_dict_str_int_set(o, L("m"), 20);
    tauraro_dict_str_int_set(o, L("x"), 30);
    tauraro_dict_str_int_update(d, o);
    tauraro_dict_str_int_update(d, d);
    check_repr(dict_str_int, d, "{'b': 5, 'n': 8, 'm': 20, 'x': 30}");

    /* keys, values, copy, eq */
    tauraro_list_str_t *keys = tauraro_dict_str_int_keys(d);
    tauraro_list_int_t *vals = tauraro_dict_str_int_values(d);
    check_repr(list_str, keys, "['b', 'n', 'm', 'x']");
    check_repr(list_int, vals, "[5, 8, 20, 30]");
    tauraro_dict_str_int_t *c = tauraro_dict_str_int_copy(d);
    check_repr(dict_str_int, c, "{'b': 5, 'n': 8, 'm': 20, 'x': 30}");
    assert_true(tauraro_dict_str_int_eq(c, d));
    assert_false(tauraro_dict_str_int_eq(c, o));
    tauraro_dict_str_int_t *r = tauraro_dict_str_int_new();  /* same items, other order */
    for (int64_t k = keys->len - 1; k >= 0; k--)
        tauraro_dict_str_int_set(r, keys->items[k], vals->items[k]);
    check_repr(dict_str_int, r, "{'x': 30, 'm': 20, 'n': 8, 'b': 5}");
    assert_true(tauraro_dict_str_int_eq(r, d));
    tauraro_dict_str_int_set(r, L("x"), 31);
    assert_false(tauraro_dict_str_int_eq(r, d));
    tauraro_dict_str_int_lt(r, d);
    check_exc(TypeError, "'<' not supported between instances of 'dict' and 'dict'");
    check_str(tauraro_dict_str_int_str(r), "{'x': 31, 'm': 20, 'n': 8, 'b': 5}");

    /* clear */
    int64_t v2 = c->version;
    tauraro_dict_str_int_clear(c);
    assert_true(c->version != v2);
    assert_int_equal(c->len, 0);
    check_repr(dict_str_int, c, "{}");
    assert_false(tauraro_dict_str_int_contains(c, L("b")));
    tauraro_dict_str_int_set(c, L("again"), 1);
    check_repr(dict_str_int, c, "{'again': 1}");
    tauraro_dict_str_int_t *empty = tauraro_dict_str_int_new();
    tauraro_dict_str_int_t *ec = tauraro_dict_str_int_copy(empty);
    assert_true(tauraro_dict_str_int_eq(empty, ec));
    check_dict_order(ec, "[]");

    tauraro_dict_str_int_decref(ec);
    tauraro_dict_str_int_decref(empty);
    tauraro_dict_str_int_decref(r);
    tauraro_dict_str_int_decref(c);
    tauraro_list_str_decref(keys);
    tauraro_list_int_decref(vals);
    tauraro_dict_str_int_decref(o);
    tauraro_dict_str_int_decref(d);
    tauraro_str_decref(ka);
    tauraro_str_decref(ka2);
}

static void test_dict_kinds_repr(void **state)
{
    (void)state;
    tauraro_dict_str_str_t *ss = tauraro_dict_str_str_new();
    tauraro_dict_str_str_set(ss, L("it's"), L("a\"b"));
    tauraro_dict_str_str_set(ss, L("h\xc3\xa9"), L("\t"));
    check_repr(dict_str_str, ss, "{\"it's\": 'a\"b', 'h\xc3\xa9': '\\t'}");
    tauraro_str_t *v = S("value");
    tauraro_dict_str_str_set(ss, L("k"), v);
    assert_int_equal(v->hdr.rc, 2);
    tauraro_str_t *p = tauraro_dict_str_str_pop_default(ss, L("nope"), v);
    assert_ptr_equal(p, v);
    assert_int_equal(v->hdr.rc, 3);
    tauraro_str_decref(p);
    p = tauraro_dict_str_str_pop(ss, L("k"));
    assert_ptr_equal(p, v);
    tauraro_str_decref(p);
    assert_int_equal(v->hdr.rc, 1);
    tauraro_str_decref(v);
    tauraro_dict_str_str_decref(ss);

    tauraro_dict_str_float_t *sf = tauraro_dict_str_float_new();
    tauraro_dict_str_float_set(sf, L("a"), 1.5);
    tauraro_dict_str_float_set(sf, L("b"), 0.1);
    tauraro_dict_str_float_set(sf, L("c"), -0.0);
    check_repr(dict_str_float, sf, "{'a': 1.5, 'b': 0.1, 'c': -0.0}");
    tauraro_list_float_t *fv = tauraro_dict_str_float_values(sf);
    check_repr(list_float, fv, "[1.5, 0.1, -0.0]");
    tauraro_list_float_decref(fv);
    tauraro_dict_str_float_decref(sf);

    tauraro_dict_str_bool_t *sb = tauraro_dict_str_bool_new();
    tauraro_dict_str_bool_set(sb, L("yes"), true);
    tauraro_dict_str_bool_set(sb, L("no"), false);
    check_repr(dict_str_bool, sb, "{'yes': True, 'no': False}");
    tauraro_dict_str_bool_decref(sb);

    tauraro_dict_int_int_t *ii = tauraro_dict_int_int_new();
    tauraro_dict_int_int_set(ii, -1, 1);
    tauraro_dict_int_int_set(ii, 0, 0);
    tauraro_dict_int_int_set(ii, INT64_MIN, 2);
    check_repr(dict_int_int, ii, "{-1: 1, 0: 0, -9223372036854775808: 2}");
    tauraro_dict_int_int_get(ii, 5);
    check_exc(KeyError, "5");
    tauraro_dict_int_int_del(ii, -5);
    check_exc(KeyError, "-5");
    tauraro_list_int_t *ik = tauraro_dict_int_int_keys(ii);
    check_repr(list_int, ik, "[-1, 0, -9223372036854775808]");
    tauraro_list_int_decref(ik);
    tauraro_dict_int_int_decref(ii);

    tauraro_dict_int_str_t *is = tauraro_dict_int_str_new();
    tauraro_dict_int_str_set(is, 1, L("one"));
    tauraro_dict_int_str_set_move(is, 2, S("two"));
    check_repr(dict_int_str, is, "{1: 'one', 2: 'two'}");
    tauraro_list_dict_int_str_t *lis = tauraro_list_dict_int_str_from(2, (tauraro_dict_int_str_t *[]){ is, is });
    check_repr(list_dict_int_str, lis, "[{1: 'one', 2: 'two'}, {1: 'one', 2: 'two'}]");
    tauraro_list_dict_int_str_decref(lis);
    tauraro_dict_int_str_decref(is);

    tauraro_dict_int_float_t *iff = tauraro_dict_int_float_new();
    tauraro_dict_int_float_set(iff, 3, 1e100);
    check_repr(dict_int_float, iff, "{3: 1e+100}");
    tauraro_dict_int_float_decref(iff);

    tauraro_dict_int_bool_t *ib = tauraro_dict_int_bool_new();
    tauraro_dict_int_bool_set(ib, 1, true);
    tauraro_dict_int_bool_set(ib, 1, false);
    check_repr(dict_int_bool, ib, "{1: False}");
    tauraro_dict_int_bool_decref(ib);
}

/* 100k inserts and deletes: many resizes, compaction, order kept. */
static void test_dict_growth(void **state)
{
    (void)state;
    const int64_t n = 100000;
    tauraro_dict_int_int_t *d = tauraro_dict_int_int_new();
    for (int64_t i = 0; i < n; i++)
        tauraro_dict_int_int_set(d, i * 7, i);
    assert_int_equal(d->len, n);
    for (int64_t i = 0; i < n; i++)
        assert_int_equal(tauraro_dict_int_int_get(d, i * 7), i);
    assert_false(tauraro_dict_int_int_contains(d, 3));
    for (int64_t i = 0; i < n; i += 2)
        tauraro_dict_int_int_del(d, i * 7);
    assert_int_equal(d->len, n / 2);
    for (int64_t i = 0; i < n; i += 2)
        tauraro_dict_int_int_set(d, i * 7, -i);  /* re-inserted at the end */
    assert_int_equal(d->len, n);
    int64_t pos = 0, e, k = 0;
    while ((e = tauraro_dict_int_int_next(d, &pos)) >= 0) {
        int64_t expect = k < n / 2 ? 2 * k + 1 : 2 * (k - n / 2);
        assert_int_equal(d->entries[e].key, expect * 7);
        k++;
    }
    assert_int_equal(k, n);
    for (int64_t i = 0; i < n; i++)
        tauraro_dict_int_int_del(d, i * 7);
    assert_int_equal(d->len, 0);
    check_repr(dict_int_int, d, "{}");
    /* interleaved insert/delete keeps the table small */
    for (int64_t i = 0; i < n; i++) {
        tauraro_dict_int_int_set(d, i, i);
        if (i >= 3)
            tauraro_dict_int_int_del(d, i - 3);
    }
    check_repr(dict_int_int, d, "{99997: 99997, 99998: 99998, 99999: 99999}");
    assert_true(d->mask < 64);
    tauraro_dict_int_int_decref(d);

    /* str keys (counted) */
    tauraro_dict_str_int_t *s = tauraro_dict_str_int_new();
    for (int64_t i = 0; i < n; i++) {
        tauraro_str_t *key = tauraro_str_from_int(i);
        tauraro_dict_str_int_set(s, key, i);
        tauraro_str_decref(key);
    }
    for (int64_t i = 0; i < n; i += 3) {
        tauraro_str_t *key = tauraro_str_from_int(i);
        assert_int_equal(tauraro_dict_str_int_pop(s, key), i);
        tauraro_str_decref(key);
    }
    assert_int_equal(s->len, n - (n + 2) / 3);
    tauraro_str_t *key = tauraro_str_from_int(99998);
    assert_int_equal(tauraro_dict_str_int_get(s, key), 99998);
    tauraro_str_decref(key);
    tauraro_dict_str_int_t *sc = tauraro_dict_str_int_copy(s);
    assert_true(tauraro_dict_str_int_eq(s, sc));
    tauraro_dict_str_int_decref(sc);
    tauraro_dict_str_int_decref(s);
}

/* dict[str, list[int]] and dict[str, dict[str, int]] through the macros */
static void test_dict_nested(void **state)
{
    (void)state;
    tauraro_dict_str_list_int_t *d = tauraro_dict_str_list_int_new();
    tauraro_dict_str_list_int_set_move(d, S("x"), tauraro_list_int_from(2, (int64_t[]){ 1, 2 }));
    tauraro_list_int_append(tauraro_dict_str_list_int_get(d, L("x")), 3);
    tauraro_list_int_t *dflt = tauraro_list_int_new(0);
    tauraro_list_int_t *y = tauraro_dict_str_list_int_setdefault(d, L("y"), dflt);
    assert_ptr_equal(y, dflt);
    assert_int_equal(dflt->hdr.rc, 2);
    tauraro_list_int_append(y, 7);
    check_repr(dict_str_list_int, d, "{'x': [1, 2, 3], 'y': [7]}");
    tauraro_list_list_int_t *vals = tauraro_dict_str_list_int_values(d);
    check_repr(list_list_int, vals, "[[1, 2, 3], [7]]");
    tauraro_dict_str_list_int_t *c = tauraro_dict_str_list_int_copy(d);
    assert_true(tauraro_dict_str_list_int_eq(c, d));
    tauraro_list_int_append(tauraro_dict_str_list_int_get(c, L("y")), 8);  /* shallow copy: shared */
    check_repr(dict_str_list_int, d, "{'x': [1, 2, 3], 'y': [7, 8]}");
    tauraro_dict_str_list_int_set_move(c, S("y"), tauraro_list_int_new(0));
    assert_false(tauraro_dict_str_list_int_eq(c, d));
    assert_null(tauraro_dict_str_list_int_get(c, L("zz")));
    check_exc(KeyError, "'zz'");
    tauraro_dict_str_list_int_decref(c);
    tauraro_list_list_int_decref(vals);
    tauraro_list_int_decref(dflt);

    tauraro_dict_str_dict_str_int_t *dd = tauraro_dict_str_dict_str_int_new();
    tauraro_dict_str_int_t *inner = tauraro_dict_str_int_new();
    tauraro_dict_str_int_set(inner, L("n"), 1);
    tauraro_dict_str_dict_str_int_set(dd, L("a"), inner);
    tauraro_dict_str_dict_str_int_set(dd, L("b"), inner);
    check_repr(dict_str_dict_str_int, dd, "{'a': {'n': 1}, 'b': {'n': 1}}");
    tauraro_dict_str_int_decref(inner);
    tauraro_dict_str_dict_str_int_decref(dd);
    tauraro_dict_str_list_int_decref(d);
}

/* Dicts in an arena and manual dicts. */
static void test_dict_arena_and_manual(void **state)
{
    (void)state;
    tauraro_arena_t *a = tauraro_arena_create(0);
    tauraro_arena_t *prev = tauraro_arena_enter(a);
    tauraro_dict_str_int_t *d = tauraro_dict_str_int_new();
    assert_int_equal(d->hdr.strategy, TAURARO_ARENA);
    for (int64_t i = 0; i < 2000; i++) {
        tauraro_str_t *k = tauraro_str_from_int(i);
        tauraro_dict_str_int_set(d, k, i);
        if (i % 2)
            tauraro_dict_str_int_del(d, k);
    }
    assert_int_equal(d->len, 1000);
    tauraro_list_str_t *keys = tauraro_dict_str_int_keys(d);
    assert_int_equal(keys->hdr.strategy, TAURARO_ARENA);
    assert_int_equal(keys->len, 1000);
    tauraro_dict_str_int_clear(d);
    tauraro_arena_enter(prev);
    tauraro_arena_destroy(a);

    int64_t manual0 = tauraro_stats.manual_objects;
    tauraro_dict_int_str_t *m = tauraro_dict_int_str_new_manual();
    assert_int_equal(m->hdr.strategy, TAURARO_MANUAL);
    for (int64_t i = 0; i < 100; i++)
        tauraro_dict_int_str_set_move(m, i, tauraro_str_from_int(i * 1000));
    assert_true(tauraro_stats.manual_bytes > stats0.manual_bytes + 100 * 8);
    tauraro_obj_free(m, tauraro_dict_int_str_dtor);
    assert_int_equal(tauraro_stats.manual_objects, manual0);
}

/* ---- str methods ---------------------------------------------------------------------------- */

/* A counted str of a C string (the method input). */
#define IN(s) tauraro_str_new_rc((s), (int64_t)strlen(s))

static void check_list_str_(tauraro_list_str_t *l, const char *expect, const char *file, int line)
{
    if (l == NULL)
        fail_msg("%s:%d: NULL list", file, line);
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_list_str_repr_sb(&sb, l);
    if (strcmp(sb.data, expect) != 0)
        fail_msg("%s:%d: expected %s, got %s", file, line, expect, sb.data);
    tauraro_sb_free(&sb);
    for (int64_t i = 0; i < l->len; i++)
        assert_int_equal(l->items[i]->nchars, tauraro_utf8_count(l->items[i]->data, l->items[i]->len));
    tauraro_list_str_decref(l);
}
#define check_list_str(l, expect) check_list_str_((l), (expect), __FILE__, __LINE__)

static void test_str_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof split_cases / sizeof split_cases[0]; i++) {
        tauraro_str_t *s = IN(split_cases[i].s);
        tauraro_str_t *sep = split_cases[i].sep ? IN(split_cases[i].sep) : NULL;
        check_list_str(tauraro_str_split(s, sep, split_cases[i].maxsplit), split_cases[i].split);
        check_list_str(tauraro_str_rsplit(s, sep, split_cases[i].maxsplit), split_cases[i].rsplit);
        if (split_cases[i].maxsplit == -1) {  /* any negative count means all */
            check_list_str(tauraro_str_split(s, sep, -5), split_cases[i].split);
            check_list_str(tauraro_str_rsplit(s, sep, -5), split_cases[i].rsplit);
        }
        tauraro_str_decref(s);
        tauraro_str_decref(sep);
    }
    assert_null(tauraro_str_split(L("abc"), L(""), -1));
    check_exc(ValueError, "empty separator");
    assert_null(tauraro_str_rsplit(L("abc"), L(""), 1));
    check_exc(ValueError, "empty separator");

    for (size_t i = 0; i < sizeof splitlines_cases / sizeof splitlines_cases[0]; i++) {
        tauraro_str_t *s = IN(splitlines_cases[i].s);
        check_list_str(tauraro_str_splitlines(s), splitlines_cases[i].lines);
        check_list_str(tauraro_str_splitlines_keepends(s, true), splitlines_cases[i].keep);
        tauraro_str_decref(s);
    }
}

static void test_str_strip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof strip_cases / sizeof strip_cases[0]; i++) {
        tauraro_str_t *s = IN(strip_cases[i].s);
        tauraro_str_t *chars = strip_cases[i].chars ? IN(strip_cases[i].chars) : NULL;
        tauraro_str_t *r = tauraro_str_strip(s, chars);
        if (s->len > 0)
            assert_ptr_not_equal(r, s);
        check_str(r, strip_cases[i].strip);
        check_str(tauraro_str_lstrip(s, chars), strip_cases[i].lstrip);
        check_str(tauraro_str_rstrip(s, chars), strip_cases[i].rstrip);
        tauraro_str_decref(s);
        tauraro_str_decref(chars);
    }
}

static void test_str_case(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof case_cases / sizeof case_cases[0]; i++) {
        tauraro_str_t *s = IN(case_cases[i].s);
        check_str(tauraro_str_lower(s), case_cases[i].lower);
        check_str(tauraro_str_upper(s), case_cases[i].upper);
        check_str(tauraro_str_title(s), case_cases[i].title);
        check_str(tauraro_str_capitalize(s), case_cases[i].capitalize);
        check_str(tauraro_str_swapcase(s), case_cases[i].swapcase);
        tauraro_str_decref(s);
    }
}

static void test_str_predicates(void **state)
{
    (void)state;
    bool (*const fns[])(const tauraro_str_t *) = {
        tauraro_str_isspace, tauraro_str_isalpha, tauraro_str_isalnum, tauraro_str_isdecimal,
        tauraro_str_isdigit, tauraro_str_isnumeric, tauraro_str_islower, tauraro_str_isupper,
        tauraro_str_istitle, tauraro_str_isascii,
    };
    const char *names[] = { "isspace", "isalpha", "isalnum", "isdecimal", "isdigit",
                            "isnumeric", "islower", "isupper", "istitle", "isascii" };
    for (size_t i = 0; i < sizeof pred_cases / sizeof pred_cases[0]; i++) {
        tauraro_str_t *s = IN(pred_cases[i].s);
        for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++)
            if (fns[k](s) != pred_cases[i].r[k])
                fail_msg("'%s'.%s(): expected %d", pred_cases[i].s, names[k], pred_cases[i].r[k]);
        tauraro_str_decref(s);
    }
}

static void test_str_find_count(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof find_cases / sizeof find_cases[0]; i++) {
        tauraro_str_t *s = IN(find_cases[i].s), *sub = IN(find_cases[i].sub);
        int64_t st = find_cases[i].start, en = find_cases[i].end;
        int64_t f = tauraro_str_find_range(s, sub, st, en), r = tauraro_str_rfind(s, sub, st, en);
        if (f != find_cases[i].find || r != find_cases[i].rfind)
            fail_msg("case %zu '%s'.find('%s'): %" PRId64 " %" PRId64 ", expected %" PRId64 " %" PRId64, i,
                     find_cases[i].s, find_cases[i].sub, f, r, find_cases[i].find, find_cases[i].rfind);
        if (f >= 0) {
            assert_int_equal(tauraro_str_index_range(s, sub, st, en), f);
            assert_int_equal(tauraro_str_rindex(s, sub, st, en), r);
            check_no_exc();
        } else {
            assert_int_equal(tauraro_str_index_range(s, sub, st, en), 0);
            check_exc(ValueError, "substring not found");
            assert_int_equal(tauraro_str_rindex(s, sub, st, en), 0);
            check_exc(ValueError, "substring not found");
        }
        if (st == TAURARO_NOIDX && en == TAURARO_NOIDX)
            assert_int_equal(tauraro_str_find(s, sub), f);  /* str.h's two-argument form */
        tauraro_str_decref(s);
        tauraro_str_decref(sub);
    }
    for (size_t i = 0; i < sizeof count_cases / sizeof count_cases[0]; i++) {
        tauraro_str_t *s = IN(count_cases[i].s), *sub = IN(count_cases[i].sub);
        assert_int_equal(tauraro_str_count(s, sub), count_cases[i].n);
        tauraro_str_decref(s);
        tauraro_str_decref(sub);
    }
    assert_true(tauraro_str_startswith(L("hello"), L("he")));
    assert_true(tauraro_str_startswith(L("hello"), L("")));
    assert_true(tauraro_str_startswith(L(""), L("")));
    assert_false(tauraro_str_startswith(L("he"), L("hello")));
    assert_false(tauraro_str_startswith(L("hello"), L("el")));
    assert_true(tauraro_str_endswith(L("h\xc3\xa9llo"), L("llo")));
    assert_true(tauraro_str_endswith(L("h\xc3\xa9"), L("\xc3\xa9")));
    assert_false(tauraro_str_endswith(L("lo"), L("hello")));
    assert_false(tauraro_str_endswith(L("hello"), L("hell")));
    check_str(tauraro_str_removeprefix(L("unhappy"), L("un")), "happy");
    check_str(tauraro_str_removeprefix(L("unhappy"), L("x")), "unhappy");
    check_str(tauraro_str_removesuffix(L("file.py"), L(".py")), "file");
    check_str(tauraro_str_removesuffix(L("py"), L("py")), "");
}

static void test_str_replace_pad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof replace_cases / sizeof replace_cases[0]; i++) {
        tauraro_str_t *s = IN(replace_cases[i].s), *o = IN(replace_cases[i].old), *n = IN(replace_cases[i].new_);
        check_str(tauraro_str_replace(s, o, n, replace_cases[i].count), replace_cases[i].r);
        tauraro_str_decref(s);
        tauraro_str_decref(o);
        tauraro_str_decref(n);
    }
    for (size_t i = 0; i < sizeof pad_cases / sizeof pad_cases[0]; i++) {
        tauraro_str_t *s = IN(pad_cases[i].s);
        tauraro_str_t *f = pad_cases[i].fill ? IN(pad_cases[i].fill) : NULL;
        check_str(tauraro_str_center(s, pad_cases[i].width, f), pad_cases[i].center);
        check_str(tauraro_str_ljust(s, pad_cases[i].width, f), pad_cases[i].ljust);
        check_str(tauraro_str_rjust(s, pad_cases[i].width, f), pad_cases[i].rjust);
        tauraro_str_decref(s);
        tauraro_str_decref(f);
    }
    const char *msg = "The fill character must be exactly one character long";
    assert_null(tauraro_str_center(L("a"), 5, L("ab")));
    check_exc(TypeError, msg);
    assert_null(tauraro_str_ljust(L("a"), 5, L("")));
    check_exc(TypeError, msg);
    assert_null(tauraro_str_rjust(L("a"), 0, L("xy")));
    check_exc(TypeError, msg);
    for (size_t i = 0; i < sizeof zfill_cases / sizeof zfill_cases[0]; i++) {
        tauraro_str_t *s = IN(zfill_cases[i].s);
        check_str(tauraro_str_zfill(s, zfill_cases[i].width), zfill_cases[i].r);
        tauraro_str_decref(s);
    }
}

/* Per code point properties against a few CPython answers. */
static void test_unicode_tables(void **state)
{
    (void)state;
    uint32_t out[3];
    assert_int_equal(tauraro_unicode_toupper_full(0xDF, out), 2);  /* ß -> SS */
    assert_int_equal(out[0], 'S');
    assert_int_equal(tauraro_unicode_toupper_full(0x390, out), 3);
    assert_int_equal(tauraro_unicode_tolower_full(0x130, out), 2);  /* İ -> i̇ */
    assert_int_equal(out[1], 0x307);
    assert_int_equal(tauraro_unicode_totitle_full(0x1C6, out), 1);  /* ǆ -> ǅ */
    assert_int_equal(out[0], 0x1C5);
    assert_int_equal(tauraro_unicode_tolower_full(0x10400, out), 1);  /* Deseret */
    assert_int_equal(out[0], 0x10428);
    assert_int_equal(tauraro_unicode_toupper_full('a', out), 1);
    assert_int_equal(out[0], 'A');
    assert_int_equal(tauraro_unicode_toupper_full(0x10FFFF, out), 1);
    assert_int_equal(out[0], 0x10FFFF);
    assert_true(tauraro_unicode_isalpha(0x4E00));
    assert_false(tauraro_unicode_isalpha(0x2160) && !tauraro_unicode_isnumeric(0x2160));
    assert_true(tauraro_unicode_isnumeric(0x2160));
    assert_true(tauraro_unicode_isdigit(0xB2));
    assert_false(tauraro_unicode_isdecimal(0xB2));
    assert_true(tauraro_unicode_isdecimal(0x1D7CE));
    assert_true(tauraro_unicode_iscaseignorable('\''));
    assert_true(tauraro_unicode_iscaseignorable(0x301));
    assert_false(tauraro_unicode_iscaseignorable('a'));
    assert_true(tauraro_unicode_iscased(0x1C5));
    assert_true(tauraro_unicode_islinebreak(0x2029));
    assert_false(tauraro_unicode_islinebreak(0x1F));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_elem_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_basics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_literals_and_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_float_bool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_str, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_sort_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_sort_ints_strs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_sort_raises, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_nested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_arena_and_manual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dict_basics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dict_kinds_repr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dict_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dict_nested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dict_arena_and_manual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str_strip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str_predicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str_find_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str_replace_pad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unicode_tables, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
