/* tauraro/num.h - int (int64) and float arithmetic with Python's semantics.
 *
 * Where Python's result fits, these return exactly what CPython computes:
 * floor division and modulo take the sign of the divisor, float // and % are
 * CPython's float_divmod, round() is half-to-even on the exact binary value,
 * int / int is correctly rounded. Where a Python int would grow past 64 bits
 * they raise OverflowError("integer overflow") instead. Raising functions set
 * the pending exception (exc.h) and return 0.
 */
#ifndef TAURARO_NUM_H
#define TAURARO_NUM_H

#include <math.h>
#include "mem.h"
#include "exc.h"

/* ---- int ----------------------------------------------------------------------------------- */

TAURARO_FUNC void tauraro_int_overflow(void)
{
    tauraro_raise_msg(&tauraro_cls_OverflowError, "integer overflow");
}

TAURARO_INLINE int64_t tauraro_int_add(int64_t a, int64_t b)
{
    int64_t r;
    if (TAURARO_UNLIKELY(__builtin_add_overflow(a, b, &r))) {
        tauraro_int_overflow();
        return 0;
    }
    return r;
}

TAURARO_INLINE int64_t tauraro_int_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (TAURARO_UNLIKELY(__builtin_sub_overflow(a, b, &r))) {
        tauraro_int_overflow();
        return 0;
    }
    return r;
}

TAURARO_INLINE int64_t tauraro_int_mul(int64_t a, int64_t b)
{
    int64_t r;
    if (TAURARO_UNLIKELY(__builtin_mul_overflow(a, b, &r))) {
        tauraro_int_overflow();
        return 0;
    }
    return r;
}

TAURARO_INLINE int64_t tauraro_int_neg(int64_t a)
{
    if (TAURARO_UNLIKELY(a == INT64_MIN)) {
        tauraro_int_overflow();
        return 0;
    }
    return -a;
}

TAURARO_INLINE int64_t tauraro_int_abs(int64_t a)
{
    return a < 0 ? tauraro_int_neg(a) : a;
}

/* a // b: rounds toward negative infinity. */
TAURARO_INLINE int64_t tauraro_int_floordiv(int64_t a, int64_t b)
{
    if (TAURARO_UNLIKELY(b == 0)) {
        tauraro_raise_msg(&tauraro_cls_ZeroDivisionError, "integer division or modulo by zero");
        return 0;
    }
    if (TAURARO_UNLIKELY(b == -1))
        return tauraro_int_neg(a);
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* a % b: the sign of b. */
TAURARO_INLINE int64_t tauraro_int_mod(int64_t a, int64_t b)
{
    if (TAURARO_UNLIKELY(b == 0)) {
        tauraro_raise_msg(&tauraro_cls_ZeroDivisionError, "integer modulo by zero");
        return 0;
    }
    if (b == -1)
        return 0;
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
    return r;
}

/* a ** b for b >= 0 (a negative exponent would make a float in Python). */
TAURARO_FUNC int64_t tauraro_int_pow(int64_t a, int64_t b)
{
    if (b < 0) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "negative exponent in int ** int (use a float operand)");
        return 0;
    }
    if (a == 0 || a == 1)
        return b == 0 ? 1 : a;
    if (a == -1)
        return (b & 1) ? -1 : 1;
    int64_t result = 1, base = a;
    while (b != 0) {
        if ((b & 1) && __builtin_mul_overflow(result, base, &result))
            goto overflow;
        b >>= 1;
        /* |a| >= 2 here, so needing a square that overflows means the
         * result overflows too */
        if (b != 0 && __builtin_mul_overflow(base, base, &base))
            goto overflow;
    }
    return result;
overflow:
    tauraro_int_overflow();
    return 0;
}

TAURARO_INLINE int64_t tauraro_int_lshift(int64_t a, int64_t b)
{
    if (TAURARO_UNLIKELY(b < 0)) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "negative shift count");
        return 0;
    }
    if (a == 0 || b == 0)
        return a;
    if (b == 63 && a == -1)
        return INT64_MIN;
    if (b >= 63 || (a > 0 ? a > (INT64_MAX >> b) : a < -((int64_t)1 << (63 - b)))) {
        tauraro_int_overflow();
        return 0;
    }
    return (int64_t)((uint64_t)a << b);
}

/* a >> b: arithmetic (floor); b >= 64 gives 0 or -1. */
TAURARO_INLINE int64_t tauraro_int_rshift(int64_t a, int64_t b)
{
    if (TAURARO_UNLIKELY(b < 0)) {
        tauraro_raise_msg(&tauraro_cls_ValueError, "negative shift count");
        return 0;
    }
    if (b >= 64)
        return a < 0 ? -1 : 0;
    return a < 0 ? ~(~a >> b) : a >> b;
}

/* a / b correctly rounded when a or b is beyond 2**53 (then the two int to
 * double conversions would round twice): binary long division to 55+
 * significant bits and a sticky bit, rounded half-to-even to 53. */
TAURARO_FUNC double tauraro_int_truediv_exact_(uint64_t a, uint64_t b, bool negative)
{
    uint64_t q = a / b, r = a % b;
    int bits = 0, exp = 0;
    for (uint64_t t = q; t != 0; t >>= 1)
        bits++;
    while (bits < 55) {
        r <<= 1;  /* r < b <= 2**63: no overflow */
        q <<= 1;
        if (r >= b) {
            r -= b;
            q |= 1;
        }
        if (q != 0)
            bits++;
        exp--;
    }
    int extra = bits - 53;
    uint64_t low = q & (((uint64_t)1 << extra) - 1), half = (uint64_t)1 << (extra - 1);
    q >>= extra;
    exp += extra;
    if (low > half || (low == half && (r != 0 || (q & 1))))
        q++;
    double d = ldexp((double)q, exp);
    return negative ? -d : d;
}

/* a / b */
TAURARO_INLINE double tauraro_int_truediv(int64_t a, int64_t b)
{
    if (TAURARO_UNLIKELY(b == 0)) {
        tauraro_raise_msg(&tauraro_cls_ZeroDivisionError, "division by zero");
        return 0.0;
    }
    const int64_t exact = (int64_t)1 << 53;
    if (a >= -exact && a <= exact && b >= -exact && b <= exact)
        return (double)a / (double)b;
    uint64_t ua = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
    uint64_t ub = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
    if (ua == 0)
        return (a < 0) != (b < 0) ? -0.0 : 0.0;
    return tauraro_int_truediv_exact_(ua, ub, (a < 0) != (b < 0));
}

TAURARO_INLINE int64_t tauraro_int_min(int64_t a, int64_t b)
{
    return b < a ? b : a;
}

TAURARO_INLINE int64_t tauraro_int_max(int64_t a, int64_t b)
{
    return b > a ? b : a;
}

/* round(x, n) for an int: n >= 0 leaves x; else to a multiple of 10**-n,
 * half to even (round(1250, -2) == 1200). */
TAURARO_FUNC int64_t tauraro_int_round_n(int64_t x, int64_t n)
{
    if (n >= 0)
        return x;
    uint64_t mag = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    if (n < -19)  /* 10**20 / 2 exceeds every int64 */
        return 0;
    if (n == -19) {  /* 10**19 does not fit: the result is 0 or +-10**19 */
        if (mag <= (uint64_t)5000000000000000000u)
            return 0;
        tauraro_int_overflow();
        return 0;
    }
    uint64_t p = 1;
    for (int64_t k = 0; k < -n; k++)
        p *= 10;
    uint64_t q = mag / p, r = mag % p;
    if (r > p - r || (r == p - r && (q & 1)))
        q++;
    uint64_t res;
    if (__builtin_mul_overflow(q, p, &res) || res > (uint64_t)INT64_MAX + (x < 0)) {
        tauraro_int_overflow();
        return 0;
    }
    if (x < 0)
        return res == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)res;
    return (int64_t)res;
}

/* ---- float ---------------------------------------------------------------------------------- */

TAURARO_INLINE double tauraro_float_div(double a, double b)
{
    if (TAURARO_UNLIKELY(b == 0.0)) {
        tauraro_raise_msg(&tauraro_cls_ZeroDivisionError, "float division by zero");
        return 0.0;
    }
    return a / b;
}

/* a % b: CPython's float_rem (result has the sign of b; zero is signed like b). */
TAURARO_INLINE double tauraro_float_mod(double a, double b)
{
    if (TAURARO_UNLIKELY(b == 0.0)) {
        tauraro_raise_msg(&tauraro_cls_ZeroDivisionError, "float modulo");
        return 0.0;
    }
    double mod = fmod(a, b);
    if (mod != 0.0) {
        if ((b < 0) != (mod < 0))
            mod += b;
    } else {
        mod = copysign(0.0, b);
    }
    return mod;
}

/* a // b: CPython's float_divmod quotient. */
TAURARO_INLINE double tauraro_float_floordiv(double a, double b)
{
    if (TAURARO_UNLIKELY(b == 0.0)) {
        tauraro_raise_msg(&tauraro_cls_ZeroDivisionError, "float floor division by zero");
        return 0.0;
    }
    double mod = fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0.0 && (b < 0) != (mod < 0))
        div -= 1.0;
    double floordiv;
    if (div != 0.0) {
        floordiv = floor(div);
        if (div - floordiv > 0.5)
            floordiv += 1.0;
    } else {
        floordiv = copysign(0.0, a / b);
    }
    return floordiv;
}

TAURARO_INLINE bool tauraro_float_is_odd_integer_(double x)
{
    return fmod(fabs(x), 2.0) == 1.0;
}

/* a ** b: CPython's float_pow (special values included). */
TAURARO_FUNC double tauraro_float_pow(double a, double b)
{
    if (b == 0.0)
        return 1.0;
    if (isnan(a))
        return a;
    if (isnan(b))
        return a == 1.0 ? 1.0 : b;
    if (isinf(b)) {
        double aa = fabs(a);
        if (aa == 1.0)
            return 1.0;
        return (b > 0) == (aa > 1.0) ? fabs(b) : 0.0;
    }
    if (isinf(a)) {
        bool odd = tauraro_float_is_odd_integer_(b);
        if (b > 0)
            return odd ? a : fabs(a);
        return odd ? copysign(0.0, a) : 0.0;
    }
    if (a == 0.0) {
        bool odd = tauraro_float_is_odd_integer_(b);
        if (b < 0.0) {
            tauraro_raise_msg(&tauraro_cls_ZeroDivisionError, "0.0 cannot be raised to a negative power");
            return 0.0;
        }
        return odd ? a : 0.0;
    }
    bool negate = false;
    if (a < 0.0) {
        if (b != floor(b)) {
            /* CPython returns a complex number here */
            tauraro_raise_msg(&tauraro_cls_ValueError, "negative number cannot be raised to a fractional power");
            return 0.0;
        }
        a = -a;
        negate = tauraro_float_is_odd_integer_(b);
    }
    if (a == 1.0)
        return negate ? -1.0 : 1.0;
    double r = pow(a, b);
    if (isinf(r)) {
        tauraro_raise_msg(&tauraro_cls_OverflowError, "(34, 'Numerical result out of range')");
        return 0.0;
    }
    return negate ? -r : r;
}

/* int(x): truncation. */
TAURARO_INLINE int64_t tauraro_float_to_int(double x)
{
    if (TAURARO_UNLIKELY(!isfinite(x))) {
        if (isnan(x))
            tauraro_raise_msg(&tauraro_cls_ValueError, "cannot convert float NaN to integer");
        else
            tauraro_raise_msg(&tauraro_cls_OverflowError, "cannot convert float infinity to integer");
        return 0;
    }
    if (TAURARO_UNLIKELY(!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))) {
        tauraro_int_overflow();
        return 0;
    }
    return (int64_t)x;
}

/* round(x): half to even. */
TAURARO_INLINE int64_t tauraro_float_round(double x)
{
    double r = round(x);
    if (fabs(x - r) == 0.5)
        r = 2.0 * round(x / 2.0);
    return tauraro_float_to_int(r);
}

/* round(x, n): x rounded to n decimal places, exactly as CPython (which
 * rounds the exact binary value half-to-even with dtoa, then reads the
 * decimal back). n >= 0: printf's "%.*f" gives those digits. n < 0: the
 * exact integer part is rounded here. */
TAURARO_FUNC double tauraro_float_round_n(double x, int64_t n)
{
    if (!isfinite(x) || x == 0.0 || n > 323)
        return x;
    if (n < -308)
        return 0.0 * x;
    char buf[720];
    if (n >= 0) {
        snprintf(buf, sizeof buf, "%.*f", (int)n, x);
        return strtod(buf, NULL);
    }
    int64_t k = -n;
    double ax = fabs(x), ip = floor(ax);
    int len = snprintf(buf, sizeof buf, "%.0f", ip);  /* exact: ip is an integer */
    if (len < k)
        return 0.0 * x;
    int64_t keep = len - k;
    char d = buf[keep];
    bool sticky = ax != ip;
    for (int64_t i = keep + 1; i < len && !sticky; i++)
        sticky = buf[i] != '0';
    bool odd = keep > 0 && ((buf[keep - 1] - '0') & 1);
    bool up = d > '5' || (d == '5' && (sticky || odd));
    char out[720];
    char *o = out;
    if (x < 0)
        *o++ = '-';
    int64_t i = keep;
    if (up) {  /* increment the kept digits */
        while (i > 0 && buf[i - 1] == '9')
            buf[--i] = '0';
        if (i == 0)
            *o++ = '1';
        else
            buf[i - 1]++;
    }
    if (keep == 0 && !up)
        *o++ = '0';
    memcpy(o, buf, (size_t)keep);
    o += keep;
    snprintf(o, sizeof out - (size_t)(o - out), "e%d", (int)k);
    double r = strtod(out, NULL);
    if (isinf(r)) {
        tauraro_raise_msg(&tauraro_cls_OverflowError, "rounded value too large to represent");
        return 0.0;
    }
    return r;
}

/* min(a, b) / max(a, b) like Python: the first wins unless the second
 * compares strictly smaller/greater (so NaN handling matches too). */
TAURARO_INLINE double tauraro_float_min(double a, double b)
{
    return b < a ? b : a;
}

TAURARO_INLINE double tauraro_float_max(double a, double b)
{
    return b > a ? b : a;
}

#endif /* TAURARO_NUM_H */
