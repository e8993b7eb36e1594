/* Unit tests of the header-only runtime in runtime/tauraro.
 *
 * Expected values in the tables below were produced by CPython 3.11
 * (format(), repr(), round(), //, %), so they pin the runtime to Python's
 * exact behaviour. Run under valgrind --leak-check=full: it must be clean. */
#include "tauraro/runtime.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "runtime_check.h"

/* "Class: message" of the pending exception (taken and released). */
static void exc_text(char *buf, size_t n)
{
    tauraro_exc_t *e = tauraro_exc_fetch();
    assert_non_null(e);
    snprintf(buf, n, "%s: %s", e->cls->name, e->msg->data);
    tauraro_exc_decref(e);
}

static bool same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b && signbit(a) == signbit(b);
}

/* Run fn with fd (1 or 2) redirected to a temporary file; returns what was
 * written (malloc'd). */
static char *capture_fd(int fd, void (*fn)(void *), void *arg)
{
    FILE *stream = fd == 1 ? stdout : stderr;
    fflush(stream);
    char path[] = "/tmp/tauraro_test_XXXXXX";
    int tmp = mkstemp(path);
    assert_true(tmp >= 0);
    int saved = dup(fd);
    dup2(tmp, fd);
    fn(arg);
    fflush(stream);
    dup2(saved, fd);
    close(saved);
    off_t size = lseek(tmp, 0, SEEK_END);
    lseek(tmp, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    ssize_t got = read(tmp, buf, (size_t)size);
    assert_int_equal(got, size);
    buf[size] = '\0';
    close(tmp);
    unlink(path);
    return buf;
}

/* ---- expected values (generated with python3 3.11) ---- */
static const struct { double v; const char *spec, *expect; } float_fmt[] = {
    { 0x1.34a456d5cfaadp+10, ",.2f", "1,234.57" },
    { 0x1.34a456d5cfaadp+10, "_.3f", "1_234.568" },
    { 0x1.921f9f01b866ep+1, ".2f", "3.14" },
    { -0x1.921f9f01b866ep+1, "+.3f", "-3.142" },
    { 0x1.921f9f01b866ep+1, "+.3f", "+3.142" },
    { 0x1.4000000000000p+1, ".0f", "2" },
    { 0x1.c000000000000p+1, ".0f", "4" },
    { 0x1.0000000000000p-3, ".2f", "0.12" },
    { 0x1.8000000000000p-2, ".2f", "0.38" },
    { 0x1.1c37937e08000p+53, "", "1e+16" },
    { 0x1.8000000000000p+0, ">10", "       1.5" },
    { 0x1.8000000000000p+0, "<10", "1.5       " },
    { 0x1.8000000000000p+0, "^10", "   1.5    " },
    { -0x1.8000000000000p+0, "=10", "-      1.5" },
    { -0x1.8000000000000p+0, "010", "-0000001.5" },
    { 0x1.8000000000000p+0, "*^9.3f", "**1.500**" },
    { 0x1.2d687e4189375p+20, ",.1f", "1,234,567.9" },
    { 0x1.2d687e4189375p+20, "_", "1_234_567.891" },
    { 0x1.2d687e4189375p+20, ",", "1,234,567.891" },
    { 0x1.01f31f46ed246p-13, "e", "1.230000e-04" },
    { 0x1.01f31f46ed246p-13, ".2E", "1.23E-04" },
    { 0x1.e240000000000p+16, "g", "123456" },
    { 0x1.2d68700000000p+20, "g", "1.23457e+06" },
    { 0x1.4f8b588e368f1p-17, "g", "1e-05" },
    { 0x1.a36e2eb1c432dp-14, "g", "0.0001" },
    { 0x1.9000000000000p+6, "#.3g", "100." },
    { 0x1.0000000000000p+0, "#", "1.0" },
    { 0x1.0000000000000p+0, "#g", "1.00000" },
    { 0x1.8000000000000p+0, "#.0f", "2." },
    { 0x1.0000000000000p+0, ".0", "1e+00" },
    { 0x1.e240000000000p+16, ".3", "1.23e+05" },
    { 0x1.0000000000000p-1, "%", "50.000000%" },
    { 0x1.0000000000000p-2, ".1%", "25.0%" },
    { -0x0.0p+0, "z.1f", "0.0" },
    { -0x1.0624dd2f1a9fcp-10, "z.2f", "0.00" },
    { -0x0.0p+0, "f", "-0.000000" },
    { INFINITY, "010", "0000000inf" },
    { NAN, "+08.2f", "+0000nan" },
    { -INFINITY, "=10", "-      inf" },
    { INFINITY, "F", "INF" },
    { 0x1.7e43c8800759cp+996, ",.1e", "1.0e+300" },
    { 0x1.81cd6c8b43958p+13, "é^15,.2f", "ééé12,345.68ééé" },
    { 0x1.8000000000000p+0, "n", "1.5" },
    { 0x1.34a0000000000p+10, ".2n", "1.2e+03" },
    { 0x1.0f0cf064dd592p+73, "", "1e+22" },
    { 0x1.0f0cf064dd592p+73, "f", "10000000000000000000000.000000" },
    { 0x1.6a09e667f3bcdp+0, ".17g", "1.4142135623730951" },
    { 0x1.6a09e667f3bcdp+0, ".30f", "1.414213562373095145474621858739" },
    { 0x1.999999999999ap-4, ".25f", "0.1000000000000000055511151" },
    { 0x0.0000000000001p-1022, "", "5e-324" },
    { 0x0.0000000000001p-1022, ".3g", "4.94e-324" },
    { -0x1.9000000000000p+3, "+012,.2f", "-0,000,012.50" },
    { 0x1.34a0000000000p+10, "020_.3f", "0_000_000_001_234.500" },
    { 0x1.0000000000000p+0, "+", "+1.0" },
    { 0x1.0000000000000p+0, " ", " 1.0" },
};
static const struct { int64_t v; const char *spec, *expect; } int_fmt[] = {
    { INT64_C(1234567), ",", "1,234,567" },
    { INT64_C(1234567), "_", "1_234_567" },
    { INT64_C(-1234567), "+,", "-1,234,567" },
    { INT64_C(255), "x", "ff" },
    { INT64_C(255), "#x", "0xff" },
    { INT64_C(255), "#X", "0XFF" },
    { INT64_C(255), "08b", "11111111" },
    { INT64_C(255), "#010b", "0b11111111" },
    { INT64_C(255), "o", "377" },
    { INT64_C(255), "#o", "0o377" },
    { INT64_C(3735928559), "_x", "dead_beef" },
    { INT64_C(3735928559), "#_X", "0XDEAD_BEEF" },
    { INT64_C(65), "c", "A" },
    { INT64_C(233), "^5c", "  é  " },
    { INT64_C(128512), "c", "😀" },
    { INT64_C(42), "05d", "00042" },
    { INT64_C(-42), "05d", "-0042" },
    { INT64_C(42), "+d", "+42" },
    { INT64_C(42), " d", " 42" },
    { INT64_C(-42), " d", "-42" },
    { INT64_C(42), "<6d", "42    " },
    { INT64_C(42), "^6d", "  42  " },
    { INT64_C(42), "*>6", "****42" },
    { INT64_C(42), "=+6", "+   42" },
    { INT64_C(1234), "08,", "0,001,234" },
    { INT64_C(1234), "09,", "0,001,234" },
    { INT64_C(1234), "010,", "00,001,234" },
    { INT64_C(255), "#010_x", "0x000_00ff" },
    { INT64_C(7), "e", "7.000000e+00" },
    { INT64_C(7), ".2f", "7.00" },
    { INT64_C(7), "%", "700.000000%" },
    { INT64_C(1234), ",.2f", "1,234.00" },
    { INT64_MIN, "", "-9223372036854775808" },
    { INT64_MIN, "x", "-8000000000000000" },
    { INT64_MIN, "#b", "-0b1000000000000000000000000000000000000000000000000000000000000000" },
    { INT64_C(9223372036854775807), ",", "9,223,372,036,854,775,807" },
    { INT64_C(1234567), "n", "1234567" },
    { INT64_C(5), "z.2f", "5.00" },
    { INT64_C(0), "#x", "0x0" },
    { INT64_C(10), "ß>5", "ßßß10" },
};
static const struct { const char *v, *spec, *expect; } str_fmt[] = {
    { "abc", "5", "abc  " },
    { "abc", ">5", "  abc" },
    { "abc", "^6", " abc  " },
    { "abc", "*^7", "**abc**" },
    { "héllo", "é>8", "éééhéllo" },
    { "héllo", ".2", "hé" },
    { "héllo", "<7.3", "hél    " },
    { "abc", "05", "abc00" },
    { "abc", "s", "abc" },
    { "abc", "", "abc" },
    { "日本語", "^7", "  日本語  " },
};
static const struct { bool v; const char *spec, *expect; } bool_fmt[] = {
    { true, "", "True" },
    { false, "", "False" },
    { true, "d", "1" },
    { true, ">5", "    1" },
    { false, "05", "00000" },
    { true, "f", "1.000000" },
    { true, "x", "1" },
};
static const struct { char kind; int64_t i; double f; const char *s, *spec, *error; } fmt_errors[] = {
    { 'i', 5, 0, "", ".2", "ValueError: Precision not allowed in integer format specifier" },
    { 'i', 5, 0, "", "z", "ValueError: Negative zero coercion (z) not allowed in integer format specifier" },
    { 'i', 5, 0, "", "+c", "ValueError: Sign not allowed with integer format specifier 'c'" },
    { 'i', 5, 0, "", "#c", "ValueError: Alternate form (#) not allowed with integer format specifier 'c'" },
    { 'i', -1, 0, "", "c", "OverflowError: %c arg not in range(0x110000)" },
    { 'i', 5, 0, "", ",_", "ValueError: Cannot specify both ',' and '_'." },
    { 'i', 5, 0, "", "_,", "ValueError: Cannot specify both ',' and '_'." },
    { 'i', 5, 0, "", ",x", "ValueError: Cannot specify ',' with 'x'." },
    { 'i', 5, 0, "", ",n", "ValueError: Cannot specify ',' with 'n'." },
    { 'i', 5, 0, "", ".", "ValueError: Format specifier missing precision" },
    { 'i', 5, 0, "", "abc", "ValueError: Invalid format specifier 'abc' for object of type 'int'" },
    { 'i', 5, 0, "", "s", "ValueError: Unknown format code 's' for object of type 'int'" },
    { 'i', 5, 0, "", "99999999999999999999999", "ValueError: Too many decimal digits in format string" },
    { 'f', 0, 0x1.8000000000000p+0, "", "d", "ValueError: Unknown format code 'd' for object of type 'float'" },
    { 'f', 0, 0x1.8000000000000p+0, "", "xyz", "ValueError: Invalid format specifier 'xyz' for object of type 'float'" },
    { 'f', 0, 0x1.8000000000000p+0, "", "\001", "ValueError: Unknown format code '\\x1' for object of type 'float'" },
    { 'f', 0, 0x1.8000000000000p+0, "", "é", "ValueError: Unknown format code '\\xe9' for object of type 'float'" },
    { 'f', 0, 0x1.8000000000000p+0, "", ",c", "ValueError: Cannot specify ',' with 'c'." },
    { 's', 0, 0, "a", "=5", "ValueError: '=' alignment not allowed in string format specifier" },
    { 's', 0, 0, "a", "+", "ValueError: Sign not allowed in string format specifier" },
    { 's', 0, 0, "a", " ", "ValueError: Space not allowed in string format specifier" },
    { 's', 0, 0, "a", "#", "ValueError: Alternate form (#) not allowed in string format specifier" },
    { 's', 0, 0, "a", "z", "ValueError: Negative zero coercion (z) not allowed in string format specifier" },
    { 's', 0, 0, "a", ",", "ValueError: Cannot specify ',' with 's'." },
    { 's', 0, 0, "a", "d", "ValueError: Unknown format code 'd' for object of type 'str'" },
    { 'b', 1, 0, "", "s", "ValueError: Unknown format code 's' for object of type 'bool'" },
    { 'b', 1, 0, "", "z", "ValueError: Negative zero coercion (z) not allowed in integer format specifier" },
};
static const struct { double v; const char *expect; } float_reprs[] = {
    { 0x1.999999999999ap-4, "0.1" },
    { 0x1.5555555555555p-2, "0.3333333333333333" },
    { 0x1.1c37937e08000p+53, "1e+16" },
    { 0x1.4f8b588e368f1p-17, "1e-05" },
    { 0x1.b69b4ba630f35p+56, "1.2345678901234568e+17" },
    { 0x0.0000000000001p-1022, "5e-324" },
    { 0x1.fffffffffffffp+1023, "1.7976931348623157e+308" },
    { -0x0.0p+0, "-0.0" },
    { 0x0.0p+0, "0.0" },
    { INFINITY, "inf" },
    { -INFINITY, "-inf" },
    { NAN, "nan" },
    { 0x1.9000000000000p+6, "100.0" },
    { 0x1.0f0cf064dd592p+73, "1e+22" },
    { 0x1.c6bf526340000p+49, "1000000000000000.0" },
    { 0x1.a36e2eb1c432dp-14, "0.0001" },
    { 0x1.8000000000000p+0, "1.5" },
    { -0x1.4000000000000p+1, "-2.5" },
    { 0x1.0000000000000p-1017, "7.120236347223045e-307" },
    { 0x1.0000000000000p+53, "9007199254740992.0" },
    { 0x1.a36e2eb1c432dp-14, "0.0001" },
    { 0x1.ad7f29abcaf48p-24, "1e-07" },
    { 0x1.edd2f1a9fbe77p+6, "123.456" },
    { 0x1.0000000000000p-1022, "2.2250738585072014e-308" },
    { 0x1.1666666666666p+2, "4.35" },
    { 0x1.3333333333333p-2, "0.3" },
    { 0x1.b1ae4d6e2ef50p+69, "1e+21" },
    { 0x1.5ee2a2eb5a5c4p+53, "1.2345678901234568e+16" },
    { -0x1.249ad2594c37dp+332, "-1e+100" },
};
static const struct { double v; int64_t n; double expect; } round_n[] = {
    { 0x1.5666666666666p+1, 2, 0x1.55c28f5c28f5cp+1 },
    { 0x1.0000000000000p-1, 0, 0x0.0p+0 },
    { 0x1.8000000000000p+0, 0, 0x1.0000000000000p+1 },
    { 0x1.4000000000000p+1, 0, 0x1.0000000000000p+1 },
    { -0x1.4000000000000p+1, 0, -0x1.0000000000000p+1 },
    { 0x1.0000000000000p-3, 2, 0x1.eb851eb851eb8p-4 },
    { 0x1.8000000000000p-2, 2, 0x1.851eb851eb852p-2 },
    { 0x1.34a456d5cfaadp+10, -2, 0x1.2c00000000000p+10 },
    { -0x1.0000000000000p+2, -1, -0x0.0p+0 },
    { 0x1.4000000000000p+2, -1, 0x0.0p+0 },
    { 0x1.e000000000000p+3, -1, 0x1.4000000000000p+4 },
    { 0x1.9000000000000p+4, -1, 0x1.4000000000000p+4 },
    { 0x1.1eb2d66005835p+997, -300, 0x1.7e43c8800759cp+997 },
    { -0x1.0624dd2f1a9fcp-10, 2, -0x0.0p+0 },
    { 0x1.edd2f1a9fbe77p+6, -2, 0x1.9000000000000p+6 },
    { 0x1.0147ae147ae14p+0, 2, 0x1.0000000000000p+0 },
    { 0x1.3fd70a3d70a3dp+3, 2, 0x1.3fae147ae147bp+3 },
    { 0x1.23d70a3d70a3dp-2, 2, 0x1.1eb851eb851ecp-2 },
    { 0x1.2c00000000000p+7, -2, 0x1.9000000000000p+7 },
    { 0x1.f400000000000p+7, -2, 0x1.9000000000000p+7 },
    { -0x1.f400000000000p+7, -2, -0x1.9000000000000p+7 },
    { 0x1.8ffffffffffffp+5, -2, 0x0.0p+0 },
    { 0x1.0f0cf064dd592p+73, -22, 0x1.0f0cf064dd592p+73 },
    { 0x1.52d02c7e14af6p+75, -23, 0x0.0p+0 },
    { 0x1.56e1fc2f8f359p-997, 300, 0x1.56e1fc2f8f359p-997 },
    { 0x1.3c0ca4283de1bp+0, 5, 0x1.3c0cc78e9f6a9p+0 },
    { 0x1.c000000000000p+2, 400, 0x1.c000000000000p+2 },
    { 0x1.c000000000000p+2, -400, 0x0.0p+0 },
    { INFINITY, 2, INFINITY },
    { -0x0.0p+0, 1, -0x0.0p+0 },
};
static const struct { int64_t a, b, q, r; } int_divmod[] = {
    { INT64_C(7), INT64_C(2), INT64_C(3), INT64_C(1) },
    { INT64_C(-7), INT64_C(2), INT64_C(-4), INT64_C(1) },
    { INT64_C(7), INT64_C(-2), INT64_C(-4), INT64_C(-1) },
    { INT64_C(-7), INT64_C(-2), INT64_C(3), INT64_C(-1) },
    { INT64_C(6), INT64_C(3), INT64_C(2), INT64_C(0) },
    { INT64_C(-6), INT64_C(3), INT64_C(-2), INT64_C(0) },
    { INT64_C(0), INT64_C(5), INT64_C(0), INT64_C(0) },
    { INT64_C(0), INT64_C(-5), INT64_C(0), INT64_C(0) },
    { INT64_C(1), INT64_C(10), INT64_C(0), INT64_C(1) },
    { INT64_C(-1), INT64_C(10), INT64_C(-1), INT64_C(9) },
    { INT64_C(1), INT64_C(-10), INT64_C(-1), INT64_C(-9) },
    { INT64_C(-1), INT64_C(-10), INT64_C(0), INT64_C(-1) },
    { INT64_C(9223372036854775807), INT64_C(-1), INT64_C(-9223372036854775807), INT64_C(0) },
    { INT64_MIN, INT64_C(1), INT64_MIN, INT64_C(0) },
    { INT64_MIN, INT64_C(2), INT64_C(-4611686018427387904), INT64_C(0) },
    { INT64_MIN, INT64_C(3), INT64_C(-3074457345618258603), INT64_C(1) },
    { INT64_C(9223372036854775807), INT64_C(9223372036854775807), INT64_C(1), INT64_C(0) },
    { INT64_MIN, INT64_C(9223372036854775807), INT64_C(-2), INT64_C(9223372036854775806) },
    { INT64_C(13), INT64_C(-5), INT64_C(-3), INT64_C(-2) },
    { INT64_C(-13), INT64_C(5), INT64_C(-3), INT64_C(2) },
};
static const struct { double a, b, q, r; } float_divmod[] = {
    { 0x1.c000000000000p+2, 0x1.0000000000000p+1, 0x1.8000000000000p+1, 0x1.0000000000000p+0 },
    { -0x1.c000000000000p+2, 0x1.0000000000000p+1, -0x1.0000000000000p+2, 0x1.0000000000000p+0 },
    { 0x1.c000000000000p+2, -0x1.0000000000000p+1, -0x1.0000000000000p+2, -0x1.0000000000000p+0 },
    { -0x1.c000000000000p+2, -0x1.0000000000000p+1, 0x1.8000000000000p+1, -0x1.0000000000000p+0 },
    { 0x0.0p+0, 0x1.4000000000000p+2, 0x0.0p+0, 0x0.0p+0 },
    { -0x0.0p+0, 0x1.4000000000000p+2, -0x0.0p+0, 0x0.0p+0 },
    { 0x0.0p+0, -0x1.4000000000000p+2, -0x0.0p+0, -0x0.0p+0 },
    { 0x1.0000000000000p+0, 0x1.4000000000000p+3, 0x0.0p+0, 0x1.0000000000000p+0 },
    { -0x1.0000000000000p+0, 0x1.4000000000000p+3, -0x1.0000000000000p+0, 0x1.2000000000000p+3 },
    { 0x1.6000000000000p+2, -0x1.4000000000000p+1, -0x1.8000000000000p+1, -0x1.0000000000000p+1 },
    { 0x1.999999999999ap-4, 0x1.eb851eb851eb8p-6, 0x1.8000000000000p+1, 0x1.47ae147ae1480p-7 },
    { 0x1.7e43c8800759cp+996, 0x1.56e1fc2f8f359p-997, INFINITY, 0x1.4f722a6f79f9cp-998 },
    { -0x1.56e1fc2f8f359p-997, 0x1.7e43c8800759cp+996, -0x1.0000000000000p+0, 0x1.7e43c8800759cp+996 },
    { 0x1.8000000000000p+1, INFINITY, 0x0.0p+0, 0x1.8000000000000p+1 },
    { -0x1.8000000000000p+1, INFINITY, -0x1.0000000000000p+0, INFINITY },
    { INFINITY, 0x1.0000000000000p+1, NAN, NAN },
    { 0x1.8000000000000p+2, 0x1.8000000000000p+1, 0x1.0000000000000p+1, 0x0.0p+0 },
    { -0x1.8000000000000p+2, 0x1.8000000000000p+1, -0x1.0000000000000p+1, 0x0.0p+0 },
};

/* ---- allocators ------------------------------------------------------------------ */

static int dtor_calls;
static void *dtor_last;
static void counting_dtor(void *obj)
{
    dtor_calls++;
    dtor_last = obj;
}

typedef struct {
    tauraro_obj_t hdr;
    int64_t payload[4];
} thing_t;

static void test_header_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(tauraro_obj_t), 8);
    assert_int_equal(offsetof(tauraro_str_t, hdr), 0);
    assert_int_equal(sizeof(tauraro_str_t), 32);
    tauraro_str_t *s = tauraro_str_new("abc", 3);
    /* one allocation: the bytes follow the struct */
    assert_ptr_equal(s->data, (const char *)(s + 1));
    assert_int_equal(s->hdr.tag, TAURARO_TAG_STR);
    assert_int_equal(s->hdr.strategy, TAURARO_AUTO);
    tauraro_str_decref(s);
}

static void test_rc_counts_and_destructor(void **state)
{
    (void)state;
    tauraro_stats_t before = tauraro_stats;
    thing_t *t = tauraro_alloc_rc(sizeof *t, TAURARO_TAG_INSTANCE);
    assert_int_equal(t->hdr.rc, 1);
    assert_int_equal(t->hdr.strategy, TAURARO_AUTO);
    assert_int_equal(t->hdr.tag, TAURARO_TAG_INSTANCE);
    assert_int_equal(tauraro_stats.auto_objects, before.auto_objects + 1);
    assert_true(tauraro_stats.auto_bytes >= before.auto_bytes + (int64_t)sizeof *t);
    tauraro_incref(t);
    tauraro_incref(t);
    assert_int_equal(t->hdr.rc, 3);
    dtor_calls = 0;
    tauraro_decref(t, counting_dtor);
    tauraro_decref(t, counting_dtor);
    assert_int_equal(t->hdr.rc, 1);
    assert_int_equal(dtor_calls, 0);
    tauraro_decref(t, counting_dtor);  /* reaches zero: dtor, then free */
    assert_int_equal(dtor_calls, 1);
    assert_ptr_equal(dtor_last, t);
    assert_int_equal(tauraro_stats.auto_objects, before.auto_objects);
    assert_int_equal(tauraro_stats.auto_bytes, before.auto_bytes);
    tauraro_incref(NULL);
    tauraro_decref(NULL, counting_dtor);
    assert_int_equal(dtor_calls, 1);
}

static void test_counting_of_static_arena_manual(void **state)
{
    (void)state;
    dtor_calls = 0;
    static thing_t st = { TAURARO_STATIC_HDR(TAURARO_TAG_INSTANCE), { 0 } };
    for (int i = 0; i < 3; i++)
        tauraro_decref(&st, counting_dtor);
    tauraro_incref(&st);
    assert_int_equal(st.hdr.rc, 1);

    tauraro_arena_t *a = tauraro_arena_create(0);
    tauraro_arena_t *prev = tauraro_arena_enter(a);
    thing_t *at = tauraro_obj_new(sizeof *at, TAURARO_TAG_INSTANCE);
    tauraro_arena_enter(prev);
    assert_int_equal(at->hdr.strategy, TAURARO_ARENA);
    assert_ptr_equal(tauraro_arena_of(at), a); /* an arena object's rc names its arena */
    tauraro_incref(at);
    tauraro_decref(at, counting_dtor);
    tauraro_decref(at, counting_dtor);
    assert_int_equal(at->hdr.rc, a->id);
    tauraro_obj_free(at, counting_dtor);  /* arena memory goes in bulk */
    assert_int_equal(dtor_calls, 0);

    tauraro_stats_t before = tauraro_stats;
    thing_t *m = tauraro_alloc_manual(sizeof *m, TAURARO_TAG_INSTANCE);
    assert_int_equal(m->hdr.strategy, TAURARO_MANUAL);
    assert_int_equal(tauraro_stats.manual_objects, before.manual_objects + 1);
    assert_int_equal(tauraro_stats.auto_objects, before.auto_objects);
    /* a manual object keeps an exact count, but only free() frees it */
    tauraro_incref(m);
    assert_int_equal(m->hdr.rc, 2);
    tauraro_decref(m, counting_dtor);
    tauraro_decref(m, counting_dtor);
    assert_int_equal(m->hdr.rc, 0);
    assert_int_equal(dtor_calls, 0);
    tauraro_obj_free(m, counting_dtor);
    assert_int_equal(dtor_calls, 1);
    assert_int_equal(tauraro_stats.manual_objects, before.manual_objects);
    assert_int_equal(tauraro_stats.manual_bytes, before.manual_bytes);
    tauraro_arena_destroy(a);
}

static void test_arena_allocates_from_current_block(void **state)
{
    (void)state;
    tauraro_arena_t *a = tauraro_arena_create(1024);
    assert_int_equal(tauraro_arena_block_count(a), 1);
    assert_int_equal(tauraro_arena_bytes_reserved(a), 1024);
    char *first = tauraro_arena_alloc(a, 16);
    char *prev = first;
    for (int i = 1; i < 64; i++) {  /* 64 x 16 bytes fill the first block */
        char *p = tauraro_arena_alloc(a, 16);
        assert_ptr_equal(p, prev + 16);
        prev = p;
    }
    assert_int_equal(tauraro_arena_block_count(a), 1);
    char *second = tauraro_arena_alloc(a, 16);  /* opens block 2 */
    assert_int_equal(tauraro_arena_block_count(a), 2);
    prev = second;
    for (int i = 1; i < 64; i++) {  /* ...and these come from block 2: no new block each time */
        char *p = tauraro_arena_alloc(a, 16);
        assert_ptr_equal(p, prev + 16);
        prev = p;
    }
    assert_int_equal(tauraro_arena_block_count(a), 2);
    tauraro_arena_alloc(a, 16);
    assert_int_equal(tauraro_arena_block_count(a), 3);
    assert_int_equal(tauraro_arena_bytes_used(a), 129 * 16);
    assert_int_equal(tauraro_arena_bytes_reserved(a), 3 * 1024);
    /* odd sizes keep 8-byte alignment */
    for (size_t n = 1; n < 40; n++)
        assert_int_equal((uintptr_t)tauraro_arena_alloc(a, n) % 8, 0);
    tauraro_arena_destroy(a);
}

static void test_arena_large_request_gets_own_block(void **state)
{
    (void)state;
    tauraro_arena_t *a = tauraro_arena_create(1024);
    char *p1 = tauraro_arena_alloc(a, 24);
    char *big = tauraro_arena_alloc(a, 5000);
    memset(big, 0xAB, 5000);
    assert_int_equal(tauraro_arena_block_count(a), 2);
    assert_true(tauraro_arena_bytes_reserved(a) >= 1024 + 5000);
    /* the current block stays current */
    char *p2 = tauraro_arena_alloc(a, 8);
    assert_ptr_equal(p2, p1 + 24);
    assert_int_equal(tauraro_arena_block_count(a), 2);
    char *p3 = tauraro_arena_alloc(a, 600);  /* fits: 1024 - 32 free */
    assert_ptr_equal(p3, p2 + 8);
    /* more than a quarter of a block that does not fit: own block too */
    tauraro_arena_alloc(a, 500);
    assert_int_equal(tauraro_arena_block_count(a), 3);
    assert_ptr_equal(tauraro_arena_alloc(a, 8), p3 + 600);
    /* a small one that does not fit opens a new current block */
    tauraro_arena_alloc(a, 250);
    tauraro_arena_alloc(a, 200);
    assert_int_equal(tauraro_arena_block_count(a), 4);
    assert_int_equal(tauraro_arena_bytes_used(a), 24 + 5000 + 8 + 600 + 500 + 8 + 250 + 200);
    tauraro_arena_destroy(a);
}

static void test_arena_reset_then_reuse(void **state)
{
    (void)state;
    tauraro_stats_t before = tauraro_stats;
    tauraro_arena_t *a = tauraro_arena_create(256);
    assert_int_equal(tauraro_stats.arena_count, before.arena_count + 1);
    char *first = tauraro_arena_alloc(a, 32);
    for (int i = 0; i < 100; i++)
        tauraro_arena_alloc(a, 40);
    tauraro_arena_alloc(a, 10000);
    assert_true(tauraro_arena_block_count(a) > 10);
    assert_int_equal(tauraro_stats.arena_bytes, before.arena_bytes + (int64_t)tauraro_arena_bytes_reserved(a));
    tauraro_arena_reset(a);
    assert_int_equal(tauraro_arena_block_count(a), 1);
    assert_int_equal(tauraro_arena_bytes_used(a), 0);
    assert_int_equal(tauraro_arena_bytes_reserved(a), 256);
    assert_int_equal(tauraro_stats.arena_bytes, before.arena_bytes + 256);
    assert_ptr_equal(tauraro_arena_alloc(a, 32), first);  /* the kept block is reused */
    for (int i = 0; i < 100; i++)
        tauraro_arena_alloc(a, 40);
    tauraro_arena_destroy(a);
    tauraro_arena_destroy(NULL);
    assert_int_equal(tauraro_stats.arena_count, before.arena_count);
    assert_int_equal(tauraro_stats.arena_bytes, before.arena_bytes);
}

static void test_arena_aligned(void **state)
{
    (void)state;
    tauraro_arena_t *a = tauraro_arena_create(4096);
    static const size_t aligns[] = { 1, 8, 16, 32, 64, 128, 4096 };
    for (size_t k = 0; k < sizeof aligns / sizeof aligns[0]; k++) {
        tauraro_arena_alloc(a, 3);  /* misalign the bump pointer */
        void *p = tauraro_arena_alloc_aligned(a, 100, aligns[k]);
        assert_int_equal((uintptr_t)p % (aligns[k] < 8 ? 8 : aligns[k]), 0);
        memset(p, 1, 100);
    }
    void *big = tauraro_arena_alloc_aligned(a, 20000, 256);  /* own block, aligned inside */
    assert_int_equal((uintptr_t)big % 256, 0);
    memset(big, 2, 20000);
    void *raw = tauraro_alloc_aligned(1000, 64);
    assert_int_equal((uintptr_t)raw % 64, 0);
    tauraro_free(raw);
    tauraro_arena_destroy(a);
}

static void test_obj_new_follows_current_arena(void **state)
{
    (void)state;
    tauraro_arena_t *a = tauraro_arena_create(0);
    tauraro_arena_t *prev = tauraro_arena_enter(a);
    assert_null(prev);
    tauraro_str_t *s = tauraro_str_concat(L("ab"), L("cd"));
    assert_int_equal(s->hdr.strategy, TAURARO_ARENA);
    assert_true(tauraro_arena_bytes_used(a) >= sizeof(tauraro_str_t) + 5);
    tauraro_arena_enter(prev);
    tauraro_str_t *h = tauraro_str_concat(s, L("!"));
    assert_int_equal(h->hdr.strategy, TAURARO_AUTO);
    check_str(h, "abcd!");
    /* exceptions outlive arenas: an arena message is copied to the heap */
    tauraro_raise_str(&tauraro_cls_ValueError, s);
    tauraro_arena_destroy(a);
    check_exc(ValueError, "abcd");
    /* destroying the current arena unhooks it */
    a = tauraro_arena_create(0);
    tauraro_arena_enter(a);
    tauraro_arena_destroy(a);
    assert_null(tauraro_cur_arena);
}

static void test_raw_alloc(void **state)
{
    (void)state;
    unsigned char *z = tauraro_alloc_zeroed(64);
    for (int i = 0; i < 64; i++)
        assert_int_equal(z[i], 0);
    z = tauraro_realloc(z, 4096);
    z[4095] = 7;
    tauraro_free(z);
    tauraro_free(NULL);
    assert_int_equal(tauraro_size_mul(1000, 8), 8000);
}

/* ---- int arithmetic ---------------------------------------------------------------- */

static void test_int_checked_ops(void **state)
{
    (void)state;
    assert_int_equal(tauraro_int_add(2, 3), 5);
    assert_int_equal(tauraro_int_add(INT64_MAX - 1, 1), INT64_MAX);
    tauraro_int_add(INT64_MAX, 1);
    check_exc(OverflowError, "integer overflow");
    tauraro_int_sub(INT64_MIN, 1);
    check_exc(OverflowError, "integer overflow");
    assert_int_equal(tauraro_int_sub(-5, 7), -12);
    assert_int_equal(tauraro_int_mul(-4, 5), -20);
    tauraro_int_mul(INT64_C(1) << 32, INT64_C(1) << 31);
    check_exc(OverflowError, "integer overflow");
    tauraro_int_neg(INT64_MIN);
    check_exc(OverflowError, "integer overflow");
    assert_int_equal(tauraro_int_neg(5), -5);
    assert_int_equal(tauraro_int_abs(-9), 9);
    tauraro_int_abs(INT64_MIN);
    check_exc(OverflowError, "integer overflow");

    tauraro_int_floordiv(1, 0);
    check_exc(ZeroDivisionError, "integer division or modulo by zero");
    tauraro_int_mod(1, 0);
    check_exc(ZeroDivisionError, "integer modulo by zero");
    tauraro_int_floordiv(INT64_MIN, -1);
    check_exc(OverflowError, "integer overflow");
    assert_int_equal(tauraro_int_mod(INT64_MIN, -1), 0);
    check_no_exc();

    assert_int_equal(tauraro_int_pow(2, 10), 1024);
    assert_int_equal(tauraro_int_pow(-3, 3), -27);
    assert_int_equal(tauraro_int_pow(0, 0), 1);
    assert_int_equal(tauraro_int_pow(-1, INT64_MAX), -1);
    assert_int_equal(tauraro_int_pow(2, 62), INT64_C(1) << 62);
    assert_int_equal(tauraro_int_pow(-2, 63), INT64_MIN);
    assert_int_equal(tauraro_int_pow(3, 39), INT64_C(4052555153018976267));
    tauraro_int_pow(2, 63);
    check_exc(OverflowError, "integer overflow");
    tauraro_int_pow(3, 40);
    check_exc(OverflowError, "integer overflow");
    tauraro_int_pow(2, -1);
    check_exc(ValueError, "negative exponent in int ** int (use a float operand)");

    assert_int_equal(tauraro_int_lshift(1, 62), INT64_C(1) << 62);
    assert_int_equal(tauraro_int_lshift(-1, 63), INT64_MIN);
    assert_int_equal(tauraro_int_lshift(0, 1000), 0);
    assert_int_equal(tauraro_int_lshift(-3, 2), -12);
    tauraro_int_lshift(1, 63);
    check_exc(OverflowError, "integer overflow");
    tauraro_int_lshift(-3, 62);
    check_exc(OverflowError, "integer overflow");
    tauraro_int_lshift(1, -1);
    check_exc(ValueError, "negative shift count");
    assert_int_equal(tauraro_int_rshift(-7, 1), -4);
    assert_int_equal(tauraro_int_rshift(7, 1), 3);
    assert_int_equal(tauraro_int_rshift(-7, 64), -1);
    assert_int_equal(tauraro_int_rshift(7, 100), 0);
    assert_int_equal(tauraro_int_rshift(INT64_MIN, 63), -1);
    tauraro_int_rshift(1, -2);
    check_exc(ValueError, "negative shift count");

    assert_int_equal(tauraro_int_min(3, -2), -2);
    assert_int_equal(tauraro_int_max(3, -2), 3);
}

static void test_int_floordiv_mod_signs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof int_divmod / sizeof int_divmod[0]; i++) {
        assert_int_equal(tauraro_int_floordiv(int_divmod[i].a, int_divmod[i].b), int_divmod[i].q);
        assert_int_equal(tauraro_int_mod(int_divmod[i].a, int_divmod[i].b), int_divmod[i].r);
    }
    check_no_exc();
}

static void test_int_truediv(void **state)
{
    (void)state;
    assert_true(tauraro_int_truediv(7, 2) == 3.5);
    assert_true(tauraro_int_truediv(1, 3) == 1.0 / 3.0);
    assert_true(same_double(tauraro_int_truediv(0, -5), -0.0));
    /* beyond 2**53 the quotient is still correctly rounded (Python values) */
    assert_true(tauraro_int_truediv(INT64_MAX, 1) == 9223372036854775807.0);
    assert_true(tauraro_int_truediv(INT64_MIN, -1) == 9223372036854775808.0);
    assert_true(tauraro_int_truediv(INT64_C(4611686018427388929), 2048) == 2251799813685248.5);
    /* here (double)a / (double)b would round twice and differ */
    assert_true(tauraro_int_truediv(INT64_C(3508985929865264197), INT64_C(1689482009621414041)) == 0x1.09d9d02b53214p+1);
    assert_true(tauraro_int_truediv(INT64_C(-8903764893210829551), INT64_C(3614506064402385883)) == -0x1.3b4ecb180144bp+1);
    assert_true(tauraro_int_truediv(INT64_C(7896900936916497305), INT64_C(1918293314864126626)) == 0x1.0776d76572a5dp+2);
    assert_true(tauraro_int_truediv(INT64_MIN, INT64_MAX) == -1.0);
    tauraro_int_truediv(1, 0);
    check_exc(ZeroDivisionError, "division by zero");
}

/* ---- float arithmetic --------------------------------------------------------------- */

static void test_float_floordiv_mod(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof float_divmod / sizeof float_divmod[0]; i++) {
        double q = tauraro_float_floordiv(float_divmod[i].a, float_divmod[i].b);
        double r = tauraro_float_mod(float_divmod[i].a, float_divmod[i].b);
        if (!same_double(q, float_divmod[i].q) || !same_double(r, float_divmod[i].r))
            fail_msg("%g // %g, %%: got %g %g, want %g %g", float_divmod[i].a, float_divmod[i].b, q, r,
                     float_divmod[i].q, float_divmod[i].r);
    }
    tauraro_float_floordiv(1.0, 0.0);
    check_exc(ZeroDivisionError, "float floor division by zero");
    tauraro_float_mod(1.0, -0.0);
    check_exc(ZeroDivisionError, "float modulo");
    tauraro_float_div(1.0, 0.0);
    check_exc(ZeroDivisionError, "float division by zero");
    assert_true(tauraro_float_div(1.0, 4.0) == 0.25);
}

static void test_float_pow(void **state)
{
    (void)state;
    assert_true(tauraro_float_pow(2.0, 10.0) == 1024.0);
    assert_true(tauraro_float_pow(2.0, -1.0) == 0.5);
    assert_true(tauraro_float_pow(-2.0, 3.0) == -8.0);
    assert_true(tauraro_float_pow(NAN, 0.0) == 1.0);
    assert_true(tauraro_float_pow(1.0, NAN) == 1.0);
    assert_true(isnan(tauraro_float_pow(NAN, 1.0)));
    assert_true(tauraro_float_pow(-1.0, INFINITY) == 1.0);
    assert_true(tauraro_float_pow(0.5, INFINITY) == 0.0);
    assert_true(tauraro_float_pow(2.0, -INFINITY) == 0.0);
    assert_true(tauraro_float_pow(-INFINITY, 3.0) == -INFINITY);
    assert_true(same_double(tauraro_float_pow(-INFINITY, -3.0), -0.0));
    assert_true(same_double(tauraro_float_pow(-0.0, 3.0), -0.0));
    assert_true(same_double(tauraro_float_pow(-0.0, 2.0), 0.0));
    check_no_exc();
    tauraro_float_pow(0.0, -1.0);
    check_exc(ZeroDivisionError, "0.0 cannot be raised to a negative power");
    tauraro_float_pow(10.0, 400.0);
    check_exc(OverflowError, "(34, 'Numerical result out of range')");
    tauraro_float_pow(-8.0, 1.0 / 3.0);
    check_exc(ValueError, "negative number cannot be raised to a fractional power");
    assert_true(tauraro_float_pow(10.0, -400.0) == 0.0);  /* underflow is fine */
    check_no_exc();
}

static void test_float_to_int_and_round(void **state)
{
    (void)state;
    assert_int_equal(tauraro_float_to_int(-3.99), -3);
    assert_int_equal(tauraro_float_to_int(-9223372036854775808.0), INT64_MIN);
    tauraro_float_to_int(9223372036854775808.0);
    check_exc(OverflowError, "integer overflow");
    tauraro_float_to_int(INFINITY);
    check_exc(OverflowError, "cannot convert float infinity to integer");
    tauraro_float_to_int(NAN);
    check_exc(ValueError, "cannot convert float NaN to integer");

    static const struct { double v; int64_t r; } rounds[] = {
        { 0.5, 0 }, { 1.5, 2 }, { 2.5, 2 }, { -0.5, 0 }, { -1.5, -2 }, { -2.5, -2 },
        { 2.675, 3 }, { 0.49999999999999994, 0 }, { 4503599627370497.0, 4503599627370497 }, { -7.2, -7 },
    };
    for (size_t i = 0; i < sizeof rounds / sizeof rounds[0]; i++)
        assert_int_equal(tauraro_float_round(rounds[i].v), rounds[i].r);
    tauraro_float_round(-INFINITY);
    check_exc(OverflowError, "cannot convert float infinity to integer");

    for (size_t i = 0; i < sizeof round_n / sizeof round_n[0]; i++) {
        double r = tauraro_float_round_n(round_n[i].v, round_n[i].n);
        if (!same_double(r, round_n[i].expect))
            fail_msg("round(%.17g, %" PRId64 ") = %.17g, want %.17g", round_n[i].v, round_n[i].n, r,
                     round_n[i].expect);
    }
    tauraro_float_round_n(1.7976931348623157e308, -308);
    check_exc(OverflowError, "rounded value too large to represent");

    assert_int_equal(tauraro_int_round_n(1250, -2), 1200);
    assert_int_equal(tauraro_int_round_n(1350, -2), 1400);
    assert_int_equal(tauraro_int_round_n(-1250, -2), -1200);
    assert_int_equal(tauraro_int_round_n(-1251, -2), -1300);
    assert_int_equal(tauraro_int_round_n(15, -1), 20);
    assert_int_equal(tauraro_int_round_n(25, -1), 20);
    assert_int_equal(tauraro_int_round_n(1234, 3), 1234);
    assert_int_equal(tauraro_int_round_n(INT64_MIN, -18), -9000000000000000000);
    assert_int_equal(tauraro_int_round_n(5000000000000000000, -19), 0);
    assert_int_equal(tauraro_int_round_n(INT64_MAX, -20), 0);
    tauraro_int_round_n(INT64_MAX, -19);
    check_exc(OverflowError, "integer overflow");
    tauraro_int_round_n(INT64_MAX, -1);
    check_exc(OverflowError, "integer overflow");
}

static void test_float_min_max(void **state)
{
    (void)state;
    assert_true(tauraro_float_min(1.0, 2.0) == 1.0);
    assert_true(tauraro_float_max(1.0, 2.0) == 2.0);
    assert_true(tauraro_float_max(1.0, NAN) == 1.0);  /* max(1.0, nan) */
    assert_true(isnan(tauraro_float_max(NAN, 1.0)));   /* max(nan, 1.0) */
    assert_true(same_double(tauraro_float_min(0.0, -0.0), 0.0));  /* first of equals */
    assert_true(same_double(tauraro_float_max(-0.0, 0.0), -0.0));
}

/* ---- float repr and format ----------------------------------------------------------- */

static void test_float_repr(void **state)
{
    (void)state;
    char buf[TAURARO_FLOAT_REPR_MAX];
    for (size_t i = 0; i < sizeof float_reprs / sizeof float_reprs[0]; i++) {
        int n = tauraro_float_repr_buf(float_reprs[i].v, buf);
        assert_int_equal(n, strlen(float_reprs[i].expect));
        assert_string_equal(buf, float_reprs[i].expect);
        check_str(tauraro_str_from_float(float_reprs[i].v), float_reprs[i].expect);
    }
    /* every repr reads back as the same double */
    double v = 1.0;
    for (int i = 0; i < 2000; i++, v *= -1.37) {
        tauraro_float_repr_buf(v, buf);
        assert_true(strtod(buf, NULL) == v);
    }
}

static void test_format_tables(void **state)
{
    (void)state;
    size_t total = 0;
    for (size_t i = 0; i < sizeof float_fmt / sizeof float_fmt[0]; i++, total++) {
        tauraro_str_t *spec = tauraro_str_from_cstr(float_fmt[i].spec);
        check_str(tauraro_format_float(float_fmt[i].v, spec), float_fmt[i].expect);
        tauraro_str_decref(spec);
    }
    for (size_t i = 0; i < sizeof int_fmt / sizeof int_fmt[0]; i++, total++) {
        tauraro_str_t *spec = tauraro_str_from_cstr(int_fmt[i].spec);
        check_str(tauraro_format_int(int_fmt[i].v, spec), int_fmt[i].expect);
        tauraro_str_decref(spec);
    }
    for (size_t i = 0; i < sizeof str_fmt / sizeof str_fmt[0]; i++, total++) {
        tauraro_str_t *v = tauraro_str_from_cstr(str_fmt[i].v);
        tauraro_str_t *spec = tauraro_str_from_cstr(str_fmt[i].spec);
        check_str(tauraro_format_str(v, spec), str_fmt[i].expect);
        tauraro_str_decref(spec);
        tauraro_str_decref(v);
    }
    for (size_t i = 0; i < sizeof bool_fmt / sizeof bool_fmt[0]; i++, total++) {
        tauraro_str_t *spec = tauraro_str_from_cstr(bool_fmt[i].spec);
        check_str(tauraro_format_bool(bool_fmt[i].v, spec), bool_fmt[i].expect);
        tauraro_str_decref(spec);
    }
    assert_true(total >= 60);
    check_no_exc();
}

static void test_format_errors(void **state)
{
    (void)state;
    char got[256];
    for (size_t i = 0; i < sizeof fmt_errors / sizeof fmt_errors[0]; i++) {
        tauraro_str_t *spec = tauraro_str_from_cstr(fmt_errors[i].spec);
        tauraro_str_t *r = NULL;
        switch (fmt_errors[i].kind) {
        case 'i': r = tauraro_format_int(fmt_errors[i].i, spec); break;
        case 'f': r = tauraro_format_float(fmt_errors[i].f, spec); break;
        case 'b': r = tauraro_format_bool(fmt_errors[i].i != 0, spec); break;
        default: {
            tauraro_str_t *s = tauraro_str_from_cstr(fmt_errors[i].s);
            r = tauraro_format_str(s, spec);
            tauraro_str_decref(s);
        }
        }
        tauraro_str_decref(spec);
        assert_null(r);
        exc_text(got, sizeof got);
        assert_string_equal(got, fmt_errors[i].error);
    }
}

/* ---- str ----------------------------------------------------------------------------------- */

static void test_str_basics(void **state)
{
    (void)state;
    tauraro_str_t *s = tauraro_str_new("h\303\251llo", 6);
    assert_int_equal(s->len, 6);
    assert_int_equal(tauraro_str_len(s), 5);
    check_str(tauraro_str_concat(s, L(" w\303\266rld")), "h\303\251llo w\303\266rld");
    check_str(tauraro_str_concat(L(""), L("")), "");
    check_str(tauraro_str_repeat(L("ab"), 3), "ababab");
    check_str(tauraro_str_repeat(s, 2), "h\303\251lloh\303\251llo");
    check_str(tauraro_str_repeat(L("ab"), 0), "");
    check_str(tauraro_str_repeat(L("ab"), -5), "");
    assert_null(tauraro_str_repeat(L("ab"), INT64_C(1) << 62));
    check_exc(OverflowError, "repeated string is too long");
    tauraro_str_t *parts[] = { L("x="), s, L(", "), L("\346\227\245") };
    tauraro_str_t *j = tauraro_str_join_n(4, parts);
    assert_int_equal(tauraro_str_len(j), 10);
    check_str(j, "x=h\303\251llo, \346\227\245");
    check_str(tauraro_str_join_n(0, parts), "");
    tauraro_str_decref(s);

    assert_true(tauraro_str_eq(L("abc"), L("abc")));
    assert_false(tauraro_str_eq(L("abc"), L("abd")));
    assert_false(tauraro_str_eq(L("abc"), L("ab")));
    assert_true(tauraro_str_cmp(L("abc"), L("abd")) < 0);
    assert_true(tauraro_str_cmp(L("ab"), L("abc")) < 0);
    assert_true(tauraro_str_cmp(L("b"), L("abc")) > 0);
    assert_true(tauraro_str_cmp(L(""), L("")) == 0);
    assert_true(tauraro_str_cmp(L("z"), L("\303\251")) < 0);  /* 'z' < 'é' by code point */
    assert_true(tauraro_str_contains(L("hello world"), L("o w")));
    assert_true(tauraro_str_contains(L("hello"), L("")));
    assert_false(tauraro_str_contains(L("hello"), L("hellow")));
    assert_false(tauraro_str_contains(L(""), L("a")));
    assert_int_equal(tauraro_str_find(L("h\303\251llo"), L("llo")), 2);
    assert_int_equal(tauraro_str_find(L("abcabc"), L("ca")), 2);
    assert_int_equal(tauraro_str_find(L("abc"), L("x")), -1);
    check_str(tauraro_str_from_int(0), "0");
    check_str(tauraro_str_from_int(-1234567), "-1234567");
    check_str(tauraro_str_from_int(INT64_MIN), "-9223372036854775808");
    check_str(tauraro_str_from_bool(true), "True");
    check_str(tauraro_str_from_bool(false), "False");
    check_str(tauraro_str_none(), "None");
    check_str(tauraro_str_from_cstr(""), "");
    assert_int_equal(tauraro_str_hash(L("abc")), tauraro_str_hash(L("abc")));
    assert_true(tauraro_str_hash(L("abc")) != tauraro_str_hash(L("abd")));
}

static void test_str_index(void **state)
{
    (void)state;
    tauraro_str_t *a = L("hello");
    tauraro_str_t *u = L("h\303\251ll\360\237\230\200!");  /* hél l😀! : 6 code points */
    assert_int_equal(tauraro_str_len(u), 6);
    check_str(tauraro_str_index(a, 0), "h");
    check_str(tauraro_str_index(a, -1), "o");
    check_str(tauraro_str_index(a, -5), "h");
    check_str(tauraro_str_index(u, 1), "\303\251");
    check_str(tauraro_str_index(u, 4), "\360\237\230\200");
    check_str(tauraro_str_index(u, -1), "!");
    check_str(tauraro_str_index(u, -5), "\303\251");
    assert_null(tauraro_str_index(a, 5));
    check_exc(IndexError, "string index out of range");
    assert_null(tauraro_str_index(u, -7));
    check_exc(IndexError, "string index out of range");
    /* one-character ASCII results are shared static objects */
    tauraro_str_t *c = tauraro_str_index(a, 1);
    assert_int_equal(c->hdr.strategy, TAURARO_STATIC);
    check_str(c, "e");
    check_str(tauraro_str_chr(65), "A");
    check_str(tauraro_str_chr(0x1F600), "\360\237\230\200");
    assert_null(tauraro_str_chr(0x110000));
    check_exc(ValueError, "chr() arg not in range(0x110000)");
    assert_int_equal(tauraro_str_ord(L("\303\251")), 0xE9);
    tauraro_str_ord(L("ab"));
    check_exc(TypeError, "ord() expected a character, but string of length 2 found");
}

static void test_str_slice(void **state)
{
    (void)state;
    const int64_t N = TAURARO_NOIDX;
    tauraro_str_t *a = L("hello world");
    check_str(tauraro_str_slice(a, 0, 5, 1), "hello");
    check_str(tauraro_str_slice(a, N, N, N), "hello world");
    check_str(tauraro_str_slice(a, -5, N, 1), "world");
    check_str(tauraro_str_slice(a, N, N, -1), "dlrow olleh");
    check_str(tauraro_str_slice(a, N, N, 2), "hlowrd");
    check_str(tauraro_str_slice(a, 8, 2, -2), "rwo");
    check_str(tauraro_str_slice(a, -100, 100, 3), "hlwl");
    check_str(tauraro_str_slice(a, 5, 2, 1), "");
    check_str(tauraro_str_slice(a, 100, N, -1), "dlrow olleh");
    check_str(tauraro_str_slice(a, N, -100, -1), "dlrow olleh");
    check_str(tauraro_str_slice(a, 3, -100, 1), "");
    tauraro_str_t *u = L("h\303\251llo w\303\266rld \346\227\245\346\234\254");  /* héllo wörld 日本 */
    check_str(tauraro_str_slice(u, 1, 5, 1), "\303\251llo");
    check_str(tauraro_str_slice(u, -2, N, 1), "\346\227\245\346\234\254");
    check_str(tauraro_str_slice(u, N, N, -1), "\346\234\254\346\227\245 dlr\303\266w oll\303\251h");
    check_str(tauraro_str_slice(u, N, N, 3), "hlwl\346\227\245");
    check_str(tauraro_str_slice(u, 13, 0, -4), "\346\234\254l \303\251");
    check_str(tauraro_str_slice(u, 7, 8, 1), "\303\266");
    assert_null(tauraro_str_slice(a, 0, 5, 0));
    check_exc(ValueError, "slice step cannot be zero");

    int64_t lo = N, hi = N, step = -2;
    assert_int_equal(tauraro_slice_indices(10, &lo, &hi, &step), 5);
    assert_int_equal(lo, 9);
    assert_int_equal(hi, -1);
}

static void test_str_iterate(void **state)
{
    (void)state;
    tauraro_str_t *u = L("a\303\251\360\237\230\200z");
    const char *expect[] = { "a", "\303\251", "\360\237\230\200", "z" };
    int64_t pos = 0;
    int n = 0;
    tauraro_str_t *c;
    while ((c = tauraro_str_next_char(u, &pos)) != NULL) {
        assert_true(n < 4);
        check_str(c, expect[n++]);
    }
    assert_int_equal(n, 4);
    assert_int_equal(pos, u->len);
}

static void test_str_repr(void **state)
{
    (void)state;
    check_str(tauraro_str_repr(L("abc")), "'abc'");
    check_str(tauraro_str_repr(L("")), "''");
    check_str(tauraro_str_repr(L("it's")), "\"it's\"");
    check_str(tauraro_str_repr(L("say \"hi\"")), "'say \"hi\"'");
    check_str(tauraro_str_repr(L("both ' and \"")), "'both \\' and \"'");
    check_str(tauraro_str_repr(L("tab\there\nnew\rline\\")), "'tab\\there\\nnew\\rline\\\\'");
    check_str(tauraro_str_repr(L("\001\037\177")), "'\\x01\\x1f\\x7f'");
    check_str(tauraro_str_repr(L("h\303\251llo \346\227\245\360\237\230\200")), "'h\303\251llo \346\227\245\360\237\230\200'");
    check_str(tauraro_str_repr(L("\302\200\302\240\302\255")), "'\\x80\\xa0\\xad'");  /* U+0080 U+00A0 U+00AD */
    check_str(tauraro_str_repr(L("\342\200\250\342\200\213\357\273\277")), "'\\u2028\\u200b\\ufeff'");
    check_str(tauraro_str_repr(L("\363\240\200\201\356\200\200")), "'\\U000e0001\\ue000'");
    check_str(tauraro_str_repr(L("\315\270")), "'\\u0378'");  /* unassigned */
}

static void test_str_to_int(void **state)
{
    (void)state;
    static const struct { const char *s; int64_t v; } ok[] = {
        { "0", 0 }, { "12", 12 }, { "  12  ", 12 }, { "-5", -5 }, { "+7", 7 }, { "1_000", 1000 },
        { "007", 7 }, { "0_0", 0 }, { "\t\n42\013\014", 42 }, { "9223372036854775807", INT64_MAX },
        { "-9223372036854775808", INT64_MIN }, { "\331\241\331\242", 12 }, { "\357\274\221\357\274\222", 12 },
        { "\343\200\200 42\343\200\200", 42 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        tauraro_str_t *s = tauraro_str_from_cstr(ok[i].s);
        assert_int_equal(tauraro_str_to_int(s), ok[i].v);
        check_no_exc();
        tauraro_str_decref(s);
    }
    static const struct { const char *s, *msg; } bad[] = {
        { "1.5", "invalid literal for int() with base 10: '1.5'" },
        { "", "invalid literal for int() with base 10: ''" },
        { "  ", "invalid literal for int() with base 10: '  '" },
        { "1__0", "invalid literal for int() with base 10: '1__0'" },
        { "_1", "invalid literal for int() with base 10: '_1'" },
        { "1_", "invalid literal for int() with base 10: '1_'" },
        { "+", "invalid literal for int() with base 10: '+'" },
        { "1 2", "invalid literal for int() with base 10: '1 2'" },
        { "0x10", "invalid literal for int() with base 10: '0x10'" },
        { "ab'c", "invalid literal for int() with base 10: \"ab'c\"" },
        { " 12a\n", "invalid literal for int() with base 10: ' 12a\\n'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tauraro_str_t *s = tauraro_str_from_cstr(bad[i].s);
        assert_int_equal(tauraro_str_to_int(s), 0);
        check_exc_(&tauraro_cls_ValueError, bad[i].msg, __FILE__, __LINE__);
        tauraro_str_decref(s);
    }
    tauraro_str_to_int(L("9223372036854775808"));
    check_exc(OverflowError, "integer overflow");
    tauraro_str_to_int(L("-9223372036854775809"));
    check_exc(OverflowError, "integer overflow");
    /* CPython cuts the repr in the message at 200 characters */
    tauraro_str_t *long_s = tauraro_str_repeat(L("x"), 300);
    tauraro_str_to_int(long_s);
    tauraro_exc_t *e = tauraro_exc_fetch();
    assert_int_equal(tauraro_str_len(e->msg), 40 + 200);
    tauraro_exc_decref(e);
    tauraro_str_decref(long_s);
}

static void test_str_to_float(void **state)
{
    (void)state;
    static const struct { const char *s; double v; } ok[] = {
        { "1.5", 1.5 }, { "  -2.5e3  ", -2500.0 }, { ".5", 0.5 }, { "5.", 5.0 }, { "1_000.5", 1000.5 },
        { "1e1_0", 1e10 }, { "inf", INFINITY }, { "-Infinity", -INFINITY }, { "iNf", INFINITY },
        { "1e999", INFINITY }, { "-1e999", -INFINITY }, { "1e-999", 0.0 }, { "0.1", 0.1 },
        { "\331\241.\331\242", 1.2 }, { "3.14_15", 3.1415 }, { "4.9e-324", 5e-324 },
        { "123456789012345678901234567890", 1.2345678901234568e+29 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        tauraro_str_t *s = tauraro_str_from_cstr(ok[i].s);
        double v = tauraro_str_to_float(s);
        check_no_exc();
        if (!same_double(v, ok[i].v))
            fail_msg("float('%s') = %.17g, want %.17g", ok[i].s, v, ok[i].v);
        tauraro_str_decref(s);
    }
    assert_true(isnan(tauraro_str_to_float(L("NaN"))));
    assert_true(isnan(tauraro_str_to_float(L("+nan"))));
    static const char *bad[] = { "", "  ", "infinit", "nan(1)", "1e", "1e+", ".", "e5", "1_.5", "1._5",
                                 "1e_10", "1__0", "0x10", "1.5f", "1 2", "_1", "1_", "\303\251" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tauraro_str_t *s = tauraro_str_from_cstr(bad[i]);
        tauraro_str_to_float(s);
        tauraro_str_t *r = tauraro_str_repr(s);
        char msg[128];
        snprintf(msg, sizeof msg, "could not convert string to float: %s", r->data);
        check_exc_(&tauraro_cls_ValueError, msg, __FILE__, __LINE__);
        tauraro_str_decref(r);
        tauraro_str_decref(s);
    }
    tauraro_str_to_float(L("1.5x"));
    check_exc(ValueError, "could not convert string to float: '1.5x'");
}

static void test_string_builder(void **state)
{
    (void)state;
    tauraro_sb_t sb = TAURARO_SB_INIT;
    tauraro_sb_append_cstr(&sb, "n=");
    tauraro_sb_append_int(&sb, -42);
    tauraro_sb_putc(&sb, ' ');
    tauraro_sb_append_float(&sb, 0.1);
    tauraro_sb_putc(&sb, ' ');
    tauraro_sb_fill(&sb, 0xE9, 3);
    tauraro_sb_append_cp(&sb, 0x1F600);
    tauraro_sb_append_str(&sb, L("!"));
    for (int i = 0; i < 100; i++)  /* growth */
        tauraro_sb_putc(&sb, '.');
    tauraro_str_t *s = tauraro_sb_to_str(&sb);
    assert_null(sb.data);
    assert_int_equal(tauraro_str_len(s), 2 + 3 + 1 + 3 + 1 + 3 + 1 + 1 + 100);
    tauraro_str_t *head = tauraro_str_slice(s, 0, 15, 1);
    check_str(head, "n=-42 0.1 \303\251\303\251\303\251\360\237\230\200!");
    tauraro_str_decref(s);
}

/* ---- exceptions -------------------------------------------------------------------------------- */

static int extra_released;
static void my_error_dtor(void *obj);
static const tauraro_class_t my_error = { "MyError", &tauraro_cls_ValueError, my_error_dtor, NULL, NULL, NULL };

static void test_raise_and_pending(void **state)
{
    (void)state;
    check_no_exc();
    assert_false(TAURARO_EXC_PENDING());
    tauraro_raise_msg(&tauraro_cls_KeyError, "'%s' (%d)", "k", 7);
    assert_true(TAURARO_EXC_PENDING());
    assert_true(tauraro_exc_pending_is(&tauraro_cls_KeyError));
    assert_true(tauraro_exc_pending_is(&tauraro_cls_LookupError));
    assert_true(tauraro_exc_pending_is(&tauraro_cls_Exception));
    assert_false(tauraro_exc_pending_is(&tauraro_cls_IndexError));
    /* a second raise while one is pending is dropped */
    tauraro_raise_msg(&tauraro_cls_TypeError, "second");
    tauraro_raise(tauraro_exc_new(&tauraro_cls_TypeError, L("third")));
    check_exc(KeyError, "'k' (7)");

    tauraro_exc_t *e = tauraro_exc_new(&my_error, L("custom"));
    assert_true(tauraro_exc_isinstance(e, &my_error));
    assert_true(tauraro_exc_isinstance(e, &tauraro_cls_ValueError));
    assert_true(tauraro_exc_isinstance(e, &tauraro_cls_Exception));
    assert_false(tauraro_exc_isinstance(e, &tauraro_cls_ArithmeticError));
    assert_false(tauraro_exc_isinstance(NULL, &tauraro_cls_Exception));
    tauraro_raise(e);
    assert_ptr_equal(tauraro_cur_exc, e);
    tauraro_exc_t *got = tauraro_exc_fetch();
    assert_ptr_equal(got, e);
    check_no_exc();
    tauraro_exc_decref(got);

    assert_true(tauraro_class_is_sub(&tauraro_cls_ZeroDivisionError, &tauraro_cls_ArithmeticError));
    assert_true(tauraro_class_is_sub(&tauraro_cls_OverflowError, &tauraro_cls_ArithmeticError));
    assert_true(tauraro_class_is_sub(&tauraro_cls_IndexError, &tauraro_cls_LookupError));
    assert_false(tauraro_class_is_sub(&tauraro_cls_RuntimeError, &tauraro_cls_ValueError));

    /* no message: empty str; long messages are formatted in full */
    tauraro_raise_msg(&tauraro_cls_AssertionError, "%s", "");
    check_exc(AssertionError, "");
    char big[600];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tauraro_raise_msg(&tauraro_cls_RuntimeError, "%s", big);
    check_exc_(&tauraro_cls_RuntimeError, big, __FILE__, __LINE__);
    tauraro_raise_bytes(&tauraro_cls_MemoryError, "abc", 2);
    check_exc(MemoryError, "ab");
}

/* the destructor of a user exception class releases its extra fields */
static void my_error_dtor(void *obj)
{
    if (((tauraro_exc_t *)obj)->cls == &my_error)
        extra_released++;
}

static void test_exc_refcount_and_dtor(void **state)
{
    (void)state;
    extra_released = 0;
    tauraro_exc_t *e = tauraro_exc_new(&my_error, NULL);
    assert_int_equal(e->msg->len, 0);
    tauraro_incref(e);
    tauraro_exc_decref(e);
    assert_int_equal(extra_released, 0);
    tauraro_exc_decref(e);
    assert_int_equal(extra_released, 1);
}

static const char traceback_src[] =
    "def f(x: int) -> int:\n"
    "    return 10 // x\n"
    "\n"
    "def g(n: int) -> int:\n"
    "        return g(n - 1)\r\n"
    "print(f(0))\n";

/* write traceback_src to a temporary file; path gets its name */
static void write_source(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, traceback_src, sizeof traceback_src - 1), (ssize_t)(sizeof traceback_src - 1));
    close(fd);
}

static char *print_exc_to_string(const char *path)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    tauraro_exc_print(f, tauraro_cur_exc, path);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_traceback_layout(void **state)
{
    (void)state;
    char path[] = "/tmp/tauraro_tb_XXXXXX";
    write_source(path);
    tauraro_int_floordiv(10, 0);
    tauraro_tb_add("f", 2);
    tauraro_tb_add("<module>", 6);
    char *out = print_exc_to_string(path);
    char expect[512];
    snprintf(expect, sizeof expect,
             "Traceback (most recent call last):\n"
             "  File \"%s\", line 6, in <module>\n"
             "    print(f(0))\n"
             "  File \"%s\", line 2, in f\n"
             "    return 10 // x\n"
             "ZeroDivisionError: integer division or modulo by zero\n", path, path);
    assert_string_equal(out, expect);
    free(out);
    tauraro_exc_decref(tauraro_exc_fetch());

    /* recursion: identical entries fold after three; a message-less
     * exception prints its name alone; unreadable lines are left out */
    tauraro_raise_msg(&tauraro_cls_RuntimeError, "%s", "");
    tauraro_tb_add("g", 99);
    for (int i = 0; i < 10; i++)
        tauraro_tb_add("g", 5);
    tauraro_tb_add("<module>", 6);
    out = print_exc_to_string(path);
    snprintf(expect, sizeof expect,
             "Traceback (most recent call last):\n"
             "  File \"%s\", line 6, in <module>\n"
             "    print(f(0))\n"
             "  File \"%s\", line 5, in g\n"
             "    return g(n - 1)\n"
             "  File \"%s\", line 5, in g\n"
             "    return g(n - 1)\n"
             "  File \"%s\", line 5, in g\n"
             "    return g(n - 1)\n"
             "  [Previous line repeated 7 more times]\n"
             "  File \"%s\", line 99, in g\n"
             "RuntimeError\n", path, path, path, path, path);
    assert_string_equal(out, expect);
    free(out);

    /* a raise starts a fresh traceback; a missing file prints no lines */
    tauraro_exc_decref(tauraro_exc_fetch());
    tauraro_raise_msg(&tauraro_cls_IndexError, "list index out of range");
    assert_int_equal(tauraro_tb.len, 0);
    tauraro_tb_add("h", 3);
    out = print_exc_to_string("/nonexistent/prog.tr");
    assert_string_equal(out, "Traceback (most recent call last):\n"
                             "  File \"/nonexistent/prog.tr\", line 3, in h\n"
                             "IndexError: list index out of range\n");
    free(out);
    /* bare re-raise keeps the frames */
    tauraro_exc_t *e = tauraro_exc_fetch();
    tauraro_reraise(e);
    assert_int_equal(tauraro_tb.len, 1);
    tauraro_exc_decref(tauraro_exc_fetch());
    tauraro_tb_clear();
    assert_int_equal(tauraro_tb.len, 0);
    tauraro_tb_free();
    unlink(path);
}

static int exit_status;
static void run_main_exit(void *arg)
{
    (void)arg;
    exit_status = tauraro_main_exit();
}

static void test_main_exit(void **state)
{
    (void)state;
    char path[] = "/tmp/tauraro_tb_XXXXXX";
    write_source(path);
    tauraro_src_path = path;  /* what tauraro_main_init records */
    tauraro_raise_msg(&tauraro_cls_ValueError, "bad value");
    tauraro_tb_add("<module>", 6);
    char *err = capture_fd(2, run_main_exit, NULL);
    char expect[512];
    snprintf(expect, sizeof expect,
             "Traceback (most recent call last):\n"
             "  File \"%s\", line 6, in <module>\n"
             "    print(f(0))\n"
             "ValueError: bad value\n", path);
    assert_string_equal(err, expect);
    assert_int_equal(exit_status, 1);
    check_no_exc();
    assert_null(tauraro_tb.items);
    free(err);
    err = capture_fd(2, run_main_exit, NULL);
    assert_string_equal(err, "");
    assert_int_equal(exit_status, 0);
    free(err);
    unlink(path);
    tauraro_src_path = NULL;
}

/* ---- print writers --------------------------------------------------------------------------------- */

static void write_everything(void *arg)
{
    (void)arg;
    tauraro_write_str(L("h\303\251"));
    tauraro_write_char(' ');
    tauraro_write_int(-12);
    tauraro_write(" ", 1);
    tauraro_write_float(1e16);
    tauraro_write_cstr(" ");
    tauraro_write_float(-0.0);
    tauraro_write_char(' ');
    tauraro_write_bool(true);
    tauraro_write_char(' ');
    tauraro_write_none();
    tauraro_write_char(' ');
    tauraro_write_str_repr(L("it's"));
    tauraro_write_char('\n');
    tauraro_flush();
}

static void test_print_writers(void **state)
{
    (void)state;
    char *out = capture_fd(1, write_everything, NULL);
    assert_string_equal(out, "h\303\251 -12 1e+16 -0.0 True None \"it's\"\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_layout),
        cmocka_unit_test(test_rc_counts_and_destructor),
        cmocka_unit_test(test_counting_of_static_arena_manual),
        cmocka_unit_test(test_arena_allocates_from_current_block),
        cmocka_unit_test(test_arena_large_request_gets_own_block),
        cmocka_unit_test(test_arena_reset_then_reuse),
        cmocka_unit_test(test_arena_aligned),
        cmocka_unit_test(test_obj_new_follows_current_arena),
        cmocka_unit_test(test_raw_alloc),
        cmocka_unit_test(test_int_checked_ops),
        cmocka_unit_test(test_int_floordiv_mod_signs),
        cmocka_unit_test(test_int_truediv),
        cmocka_unit_test(test_float_floordiv_mod),
        cmocka_unit_test(test_float_pow),
        cmocka_unit_test(test_float_to_int_and_round),
        cmocka_unit_test(test_float_min_max),
        cmocka_unit_test(test_float_repr),
        cmocka_unit_test(test_format_tables),
        cmocka_unit_test(test_format_errors),
        cmocka_unit_test(test_str_basics),
        cmocka_unit_test(test_str_index),
        cmocka_unit_test(test_str_slice),
        cmocka_unit_test(test_str_iterate),
        cmocka_unit_test(test_str_repr),
        cmocka_unit_test(test_str_to_int),
        cmocka_unit_test(test_str_to_float),
        cmocka_unit_test(test_string_builder),
        cmocka_unit_test(test_raise_and_pending),
        cmocka_unit_test(test_exc_refcount_and_dtor),
        cmocka_unit_test(test_traceback_layout),
        cmocka_unit_test(test_main_exit),
        cmocka_unit_test(test_print_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
