"""cuft.libdevice: the integer functions of numba-cuda's ``cuda.libdevice``.

numba exposes CUDA's integer intrinsics as libdevice functions; these are the
same functions under the same names, as device functions (``@cuft.func``)
that run on both targets with the GPU's results::

    from cuft import libdevice

    @cuft.kernel
    def k(a, b, out):
        i = cuft.grid(1)
        out[i] = libdevice.umulhi(a[i], b[i])

Each converts its arguments to the type of libdevice's signature, as numba
does (``mulhi(int32, int32) -> int32``: an int64 argument is truncated), and
computes with that type's wrap-around arithmetic.

The math functions of numba's ``cuda.libdevice`` are here too, by the same
names and signatures (``sinf(float32) -> float32``, ``frexp(float64) ->
(float64, int32)``; ``libdevice.functions`` lists them): each is one of cuft's
own operations (``math.sin`` at float32 is libdevice's ``__nv_sinf`` on the
GPU, the C library's on the host) or a device function below, at the types of
libdevice's signature, converted to them as numba converts. The ``fast_``
ones are their accurate functions, on both targets (libdevice's use the GPU's
approximate instructions, whose error the host could not reproduce); the
float to integer conversions round as their suffix says (``_rn`` to nearest
even, ``_rz`` toward zero, ``_rd`` down, ``_ru`` up) and saturate, NaN giving
0, as the GPU's ``cvt`` does; the bit reinterpretations (``float_as_int``...)
are ``cuft.bitcast``, as ``x.view(np.int32)`` is; the arithmetic and
conversions with a rounding mode (``fadd_rz``, ``int2float_ru``, ``fma_rz``...)
are exact (below): all 317 of numba's. ``erfinv``, ``erfcinv``, ``erfcx``, ``normcdf`` and
``normcdfinv`` compute in float64, their float32 forms too.
"""
import math

import numpy as np

from . import dsl, func

__all__ = ["mulhi", "umulhi", "mul64hi", "umul64hi", "mul24", "umul24",
           "hadd", "uhadd", "rhadd", "urhadd", "sad", "usad", "byte_perm", "functions"]


@func
def mulhi(x, y):
    """The high 32 bits of the 64-bit product of int32s x and y."""
    return dsl.int32((dsl.int64(dsl.int32(x)) * dsl.int64(dsl.int32(y))) >> 32)


@func
def umulhi(x, y):
    """The high 32 bits of the 64-bit product of uint32s x and y."""
    return dsl.uint32((dsl.uint64(dsl.uint32(x)) * dsl.uint64(dsl.uint32(y))) >> dsl.uint64(32))


@func
def umul64hi(x, y):
    """The high 64 bits of the 128-bit product of uint64s x and y."""
    a = dsl.uint64(x)
    b = dsl.uint64(y)
    low = dsl.uint64(0xFFFFFFFF)
    half = dsl.uint64(32)
    a0 = a & low
    a1 = a >> half
    b0 = b & low
    b1 = b >> half
    p01 = a0 * b1
    p10 = a1 * b0
    middle = ((a0 * b0) >> half) + (p01 & low) + (p10 & low)
    return a1 * b1 + (p01 >> half) + (p10 >> half) + (middle >> half)


@func
def mul64hi(x, y):
    """The high 64 bits of the 128-bit product of int64s x and y."""
    a = dsl.int64(x)
    b = dsl.int64(y)
    high = umul64hi(dsl.uint64(a), dsl.uint64(b))
    # The signed product differs from the unsigned one of the same bits by
    # b * 2**64 where a < 0 and a * 2**64 where b < 0.
    if a < 0:
        high -= dsl.uint64(b)
    if b < 0:
        high -= dsl.uint64(a)
    return dsl.int64(high)


@func
def mul24(x, y):
    """The low 32 bits of the product of x's and y's low 24 bits, as signed
    24-bit integers (PTX's mul24.lo.s32)."""
    a = (dsl.int32(x) << 8) >> 8
    b = (dsl.int32(y) << 8) >> 8
    return a * b


@func
def umul24(x, y):
    """The low 32 bits of the product of x's and y's low 24 bits (unsigned)."""
    low = dsl.uint32(0xFFFFFF)
    return (dsl.uint32(x) & low) * (dsl.uint32(y) & low)


@func
def hadd(x, y):
    """(x + y) >> 1 of int32s, without overflow."""
    return dsl.int32((dsl.int64(dsl.int32(x)) + dsl.int64(dsl.int32(y))) >> 1)


@func
def rhadd(x, y):
    """(x + y + 1) >> 1 of int32s, without overflow."""
    return dsl.int32((dsl.int64(dsl.int32(x)) + dsl.int64(dsl.int32(y)) + 1) >> 1)


@func
def uhadd(x, y):
    """(x + y) >> 1 of uint32s, without overflow."""
    return dsl.uint32((dsl.uint64(dsl.uint32(x)) + dsl.uint64(dsl.uint32(y))) >> dsl.uint64(1))


@func
def urhadd(x, y):
    """(x + y + 1) >> 1 of uint32s, without overflow."""
    total = dsl.uint64(dsl.uint32(x)) + dsl.uint64(dsl.uint32(y)) + dsl.uint64(1)
    return dsl.uint32(total >> dsl.uint64(1))


@func
def sad(x, y, z):
    """|x - y| + z of int32s (the difference exact, the sum wrapping as
    CUDA's __sad: an unsigned result)."""
    a = dsl.int64(dsl.int32(x))
    b = dsl.int64(dsl.int32(y))
    return dsl.uint32(dsl.uint32(a - b if a > b else b - a) + dsl.uint32(z))


@func
def usad(x, y, z):
    """|x - y| + z of uint32s."""
    a = dsl.uint32(x)
    b = dsl.uint32(y)
    return (a - b if a > b else b - a) + dsl.uint32(z)


@func
def byte_perm(x, y, s):
    """Byte n of the result is byte ``(s >> 4n) & 7`` of y:x (x the low
    four), as CUDA's __byte_perm; an int32, as numba declares it."""
    value = (dsl.uint64(dsl.uint32(y)) << dsl.uint64(32)) | dsl.uint64(dsl.uint32(x))
    selector = dsl.uint32(s)
    result = dsl.uint32(0)
    for n in range(4):
        pick = dsl.uint64((selector >> dsl.uint32(4 * n)) & dsl.uint32(7))
        byte = dsl.uint32((value >> (dsl.uint64(8) * pick)) & dsl.uint64(255))
        result |= byte << dsl.uint32(8 * n)
    return dsl.int32(result)


# -- the math functions: device functions at the argument's type -------------------------
# Each takes and gives what the table below converts to and from. The module's
# names shadow Python's abs, min, max and round (libdevice has them): np.abs here.
@func(inline="always")
def _isnan(x):
    return dsl.int32(x != x)


@func(inline="always")
def _isinf(x):
    return dsl.int32(np.abs(x) == math.inf)


@func(inline="always")
def _isfinite(x):
    return dsl.int32(np.abs(x) < math.inf)


@func(inline="always")
def _signbit(x):
    """1 where x's sign bit is set: -0.0 and a negative NaN too."""
    return dsl.int32(math.copysign(1.0, x) < 0)


@func(inline="always")
def _fdim(x, y):
    """x - y where x > y, else +0; NaN for a NaN (C's fdim)."""
    if x != x or y != y:
        return x + y
    return x - y if x > y else 0.0


@func(inline="always")
def _saturate(x):
    """x clamped to [0, 1]; NaN gives 0 (the GPU's cvt.sat)."""
    if x > 1.0:
        return 1.0
    return x if x > 0.0 else 0.0


@func(inline="always")
def _round(x):
    """To the nearest integer, halves away from zero (C's round); x - t is
    exact, so no sum rounds a value just under a half up."""
    t = np.trunc(x)
    if np.abs(x - t) >= 0.5:
        t += math.copysign(1.0, x)
    return t


@func(inline="always")
def _rcbrt(x):
    return 1.0 / dsl.cbrt(x)


@func(inline="always")
def _exp10(x):
    return 10.0 ** x


@func(inline="always")
def _sincos(x):
    return math.sin(x), math.cos(x)


@func(inline="always")
def _frexp(x):
    return math.frexp(x)


@func(inline="always")
def _modf(x):
    return math.modf(x)


@func(inline="always")
def _logb(x):
    """The exponent of x as a float: -inf for 0, +inf for an infinity."""
    if x == 0.0:
        return -math.inf
    if not np.abs(x) < math.inf:
        return np.abs(x)  # an infinity, or NaN
    m, e = math.frexp(x)
    return e - 1


@func(inline="always")
def _ilogb(x):
    """The exponent of x: INT_MIN for 0 and NaN, INT_MAX for an infinity
    (libdevice's __nv_ilogb)."""
    if np.abs(x) == math.inf:
        return dsl.int32(2**31 - 1)
    if x == 0.0 or x != x:
        return dsl.int32(-2**31)
    m, e = math.frexp(x)
    return dsl.int32(e - 1)


@func(inline="always")
def _high_word(x):
    return dsl.int32(x.view(np.int64) >> 32)


@func(inline="always")
def _from_words(high, low):
    return ((dsl.int64(high) << 32) | dsl.int64(dsl.uint32(low))).view(np.float64)


@func(inline="always")
def _half_turns(x):
    """x - 2 * rint(x / 2): x's place on the circle in half turns, in [-1, 1],
    exactly (NaN for an infinity)."""
    return x - 2.0 * np.rint(x * 0.5)


@func(inline="always")
def _sinpi(x):
    """sin(pi * x), reduced exactly first: +-0 at the integers (x's sign),
    as IEEE 754's sinPi."""
    r = _half_turns(x)
    a = np.abs(r)
    if a > 0.5:
        a = 1.0 - a  # sin(pi * (1 - a)) == sin(pi * a)
    if a == 0.0:  # an integer
        return math.copysign(0.0, x)
    s = math.cos(math.pi * (0.5 - a)) if a > 0.25 else math.sin(math.pi * a)
    return math.copysign(s, r)


@func(inline="always")
def _cospi(x):
    """cos(pi * x), reduced exactly first: +0 at the halves, as IEEE 754's
    cosPi."""
    a = np.abs(_half_turns(x))
    flip = a > 0.5
    if flip:
        a = 1.0 - a  # cos(pi * (1 - a)) == -cos(pi * a)
    c = math.sin(math.pi * (0.5 - a)) if a > 0.25 else math.cos(math.pi * a)
    if a == 0.5:
        return 0.0 * c
    return -c if flip else c


@func(inline="always")
def _sincospi(x):
    return _sinpi(x), _cospi(x)


@func(inline="always")
def _normcdf(x):
    """P(N(0, 1) <= x) of a float64 (normcdff's too, rounded after), as
    0.5 * erfc(-x / sqrt(2)) with the quotient's rounding error taken back
    (erfc's slope times it; 1 / sqrt(2) as a sum of two doubles): accurate
    far in the lower tail, where that error would be multiplied by 2 x**2."""
    c = 0.7071067811865476  # 1 / sqrt(2) = c + c_low
    c_low = -4.833646656726457e-17
    t = -x * c
    p = math.erfc(t)
    if np.abs(t) < math.inf:
        low = dsl.fma(-x, c, -t) - x * c_low  # -x / sqrt(2) - t
        p -= 1.1283791670955126 * math.exp(-t * t) * low  # 2 / sqrt(pi) * exp(-t**2)
    return 0.5 * p


@func(inline="always")
def _erfc_root(z, x):
    """x >= 0 with erfc(x) == z (0 < z <= 1), from the guess x: Newton's steps
    on erfc, each z's relative error from the last squared (times about x)."""
    for _ in range(3):
        slope = 1.1283791670955126 * math.exp(-x * x)  # -erfc'(x)
        if slope == 0.0:  # past erfc's subnormals
            break
        x += (math.erfc(x) - z) / slope
    return x


@func(inline="always")
def _erfinv_guess(a, z):
    """About erfinv(a) (0 <= a < 1; z == 1 - a, exact where a >= 0.5): Giles's
    single-precision approximation ("Approximating the erfinv function", GPU
    Computing Gems, 2011) where it holds, else erfc's asymptotic form."""
    w = -math.log(z * (1.0 + a))
    if w < 5.0:
        w -= 2.5
        p = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            p = c + p * w
        return p * a
    if w < 16.0:
        w = math.sqrt(w) - 3.0
        p = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            p = c + p * w
        return p * a
    t = -math.log(z)  # erfc(x) ~ exp(-x**2) / (x sqrt(pi)): x**2 ~ t - log(pi t) / 2
    return math.sqrt(t - 0.5 * math.log(math.pi * t))


@func(inline="always")
def _erfinv(y):
    """erfinv of a float64 (erfinvf's too): the guess, then Newton's steps on
    erf below |y| = 0.5 and on erfc above, where 1 - |y| is exact; +-inf at
    +-1, NaN past them."""
    a = np.abs(y)
    if not a < 1.0:
        return math.copysign(math.inf, y) if a == 1.0 else math.nan
    x = _erfinv_guess(a, 1.0 - a)
    if a < 0.5:
        for _ in range(3):
            x -= (math.erf(x) - a) / (1.1283791670955126 * math.exp(-x * x))
    else:
        x = _erfc_root(1.0 - a, x)
    return math.copysign(x, y)


@func(inline="always")
def _erfcinv(z):
    """erfcinv of a float64 (erfcinvf's too): x with erfc(x) == z, 0 <= z <= 2;
    the tail (z < 0.5) solved on erfc itself, so that tiny z keep their
    digits; erfcinv(2 - z) == -erfcinv(z)."""
    if not (z > 0.0 and z < 2.0):
        return math.inf if z == 0.0 else -math.inf if z == 2.0 else math.nan
    if z < 0.5:
        return _erfc_root(z, _erfinv_guess(1.0 - z, z))
    if z <= 1.5:
        return _erfinv(1.0 - z)
    return -_erfc_root(2.0 - z, _erfinv_guess(z - 1.0, 2.0 - z))


@func(inline="always")
def _normcdfinv(p):
    """x with P(N(0, 1) <= x) == p: -sqrt(2) * erfcinv(2 p)."""
    return -1.4142135623730951 * _erfcinv(2.0 * p)


@func(inline="always")
def _erfcx(x):
    """exp(x**2) * erfc(x) of a float64 (erfcxf's too): x**2 split exactly in
    two (exp's argument would otherwise carry 2 x**2 ulps); past x = 26, where
    erfc underflows, its asymptotic series."""
    if x < -27.0:  # exp(x**2) past the largest double
        return math.inf
    if x > 26.0:
        # 1 / (x sqrt(pi)) * sum of (-1)**k (2k - 1)!! / (2 x**2)**k: its terms fall
        # below 1e-21 by k = 8 past x = 26.
        u = 1.0 / (x * x)
        series = 0.0
        for c in (7918.06640625, 1055.7421875, 162.421875, 29.53125, 6.5625, 1.875, 0.75, 0.5):
            series = c - u * series
        return 0.5641895835477563 / x * (1.0 - u * series)
    square = x * x
    low = dsl.fma(x, x, -square)
    return math.exp(square) * (1.0 + low) * math.erfc(x)


# -- arithmetic rounded as a mode says -------------------------------------------------
# mode: 0 to nearest (even), 1 toward zero, 2 down, 3 up; op: 0 x + z, 1 x - z,
# 2 x * z, 3 x / z, 4 sqrt(z). Each result is the operation rounded to nearest,
# then moved one step where the exact value lies beyond it on the mode's side:
# the sign of (exact - rounded) comes from the operation's exact error (the sum's
# by Knuth's TwoSum, the product's, quotient's and root's by a fused
# multiply-add), with the operands' exponents taken out first (frexp), so that no
# error is lost below the smallest float. The same steps in float32 and float64,
# never contracted nor fast (_exact_fp), as CUDA's __fadd_rz and kin.
_rounding = func(inline="always", _exact_fp=True)


@_rounding
def _sign(v):
    return 1 if v > 0 else -1 if v < 0 else 0


@_rounding
def _step(y, d, mode):
    """y (rounded to nearest) one step toward where mode rounds, when the
    exact value lies d (its sign) from y on that side."""
    if mode == 3 and d > 0:
        return math.nextafter(y, math.inf)
    if mode == 2 and d < 0:
        return math.nextafter(y, -math.inf)
    if mode == 1 and (d < 0 < y or y < 0 < d):
        return math.nextafter(y, 0.0)
    return y


@_rounding
def _side(s, y, tail):
    """The sign of (exact - y), where exact = s + t, t of sign tail and below
    half s's ulp, and y is exact rounded on a grid no finer than s's: s - y is
    exact, and decides unless it is 0."""
    t = s - y
    if t != t:  # both infinite: y is exact
        return 0
    return _sign(t) if t != 0 else tail


@_rounding
def _rounded(op, mode, x, z):
    if op <= 1:
        if op == 1:
            z = -z
        y = x + z
        if not np.abs(y) < math.inf:  # past the largest float: exact is below
            d = -_sign(y) if np.abs(x) < math.inf and np.abs(z) < math.inf else 0
        else:
            bz = y - x
            d = _sign((x - (y - bz)) + (z - bz))
            if y == 0 and mode == 2:  # an exact 0 is -0 rounding down
                y = -((-x) + (-z))
        return _step(y, d, mode)
    if op == 4:
        m, e = math.frexp(z)
        if e % 2 != 0:  # an even exponent: its root exact
            m *= 2.0
            e -= 1
        y = math.sqrt(z)
        r = math.sqrt(m)
        return _step(y, _side(r, math.ldexp(y, -(e // 2)), _sign(dsl.fma(-r, r, m))), mode)
    mx, ex = math.frexp(x)
    mz, ez = math.frexp(z)
    if op == 2:
        y = x * z
        p = mx * mz
        return _step(y, _side(p, math.ldexp(y, -(ex + ez)), _sign(dsl.fma(mx, mz, -p))), mode)
    y = x / z
    q = mx / mz
    tail = _sign(dsl.fma(-q, mz, mx)) * _sign(mz)
    return _step(y, _side(q, math.ldexp(y, ez - ex), tail), mode)


@_rounding
def _two_sum(a, b):
    """(s, t): s = a + b rounded, t its error, exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@_rounding
def _fma_rounded(mode, a, b, c):
    """a * b + c rounded once as mode says. The sign of (exact - y), y the
    fused multiply-add to nearest: exact = 2**E (ma * mb + c') with the
    product's exponents E taken out (frexp); ma * mb is p + e exactly, and
    p + e + c' - y' (y' = y / 2**E) is summed exactly as Shewchuk's expansion,
    whose largest part's sign is the sum's. Past 60 binades above the product,
    c is all y is (the product below half its ulp); past 110 below, c only breaks
    a tie (p + e - y' is a multiple of 2**-106): the bounds hold in float32 too."""
    y = dsl.fma(a, b, c)
    if y == 0 and mode == 2:  # an exact 0 is -0 rounding down (a 0 product: +0 only with c)
        y = -dsl.fma(-a, b, -c)
    if not (np.abs(a) < math.inf and np.abs(b) < math.inf and np.abs(c) < math.inf):
        return y  # an infinity or NaN: exact
    if not np.abs(y) < math.inf:  # past the largest float: exact is below
        return _step(y, -_sign(y), mode)
    if a == 0 or b == 0:  # y is c (a signed zero aside): exact
        return y
    ma, ea = math.frexp(a)
    mb, eb = math.frexp(b)
    mc, ec = math.frexp(c)
    shift = ec - (ea + eb)
    if c != 0 and shift > 60:  # the product is below half c's ulp: y is c
        return _step(y, _sign(a) * _sign(b), mode)
    p = ma * mb
    e = dsl.fma(ma, mb, -p)
    low = math.ldexp(mc, shift) if shift >= -110 else 0.0 * mc
    # Shewchuk's GROW-EXPANSION of low, then e, p and -y': each term taken
    # through the parts so far, smallest first; the parts stay nonoverlapping.
    q1, h1 = _two_sum(e, low)
    q, g1 = _two_sum(p, h1)
    q2, g2 = _two_sum(q, q1)
    q, f1 = _two_sum(-math.ldexp(y, -(ea + eb)), g1)
    q, f2 = _two_sum(q, g2)
    q3, f3 = _two_sum(q, q2)
    d = _sign(q3)
    for part in (f3, f2, f1):
        if d == 0:
            d = _sign(part)
    if d == 0 and shift < -110:  # c, below every part, breaks the tie
        d = _sign(c)
    return _step(y, d, mode)


@_rounding
def _narrowed(mode, x):
    """x (a float64; an int32 or uint32, exact in one) to float32 rounded as
    mode says."""
    y = dsl.float32(x)
    return _step(y, _side(dsl.float64(x), dsl.float64(y), 0), mode)


@_rounding
def _int64_side(x, s):
    """The sign of x - s for an int64 x and s, its float64 (2**63 where x
    rounds up to it), exactly."""
    if s >= 9223372036854775808.0:
        return -1
    return _sign(x - dsl.int64(s))


@_rounding
def _uint64_side(x, s):
    if s >= 18446744073709551616.0:
        return -1
    u = dsl.uint64(s)
    return 1 if x > u else -1 if x < u else 0


@_rounding
def _from_int64(mode, x):
    s = dsl.float64(x)
    return _step(s, _int64_side(x, s), mode)


@_rounding
def _from_uint64(mode, x):
    s = dsl.float64(x)
    return _step(s, _uint64_side(x, s), mode)


@_rounding
def _int64_narrowed(mode, x):
    s = dsl.float64(x)
    y = dsl.float32(s)
    return _step(y, _side(s, dsl.float64(y), _int64_side(x, s)), mode)


@_rounding
def _uint64_narrowed(mode, x):
    s = dsl.float64(x)
    y = dsl.float32(s)
    return _step(y, _side(s, dsl.float64(y), _uint64_side(x, s)), mode)


@_rounding
def _remquo(x, y):
    """(remainder(x, y), the low three bits of the integral quotient n it
    takes away, with the sign of x / y), as libdevice's __nv_remquo: n mod 8
    from the remainder of x by 8 y (exact), whatever n's size; 0 with NaN."""
    r = math.remainder(x, y)
    if r != r:
        return r, 0
    a = np.abs(x)
    b = np.abs(y)
    near = math.fmod(a, 8.0 * b) if 8.0 * b < math.inf else a  # a - 8 k b, exactly
    m = dsl.int32(np.rint((near - math.remainder(near, b)) / b)) & 7
    return r, -m if (math.copysign(1.0, x) < 0) != (math.copysign(1.0, y) < 0) else m


@_rounding
def _rsqrt_rn(x):
    """1 / sqrt(x) of a float32, correctly rounded: its float64 value rounded,
    then checked against the midpoints beside it (m * m * x - 1 by a fused
    multiply-add: exact in sign; 1 / sqrt(x) is never a midpoint)."""
    c = dsl.float32(1.0 / math.sqrt(dsl.float64(x)))
    if not (c > 0 and c < math.inf):  # x 0, an infinity, negative or NaN
        return c
    d = dsl.float64(x)
    low = (dsl.float64(c) + dsl.float64(math.nextafter(c, 0.0))) * 0.5
    high = (dsl.float64(c) + dsl.float64(math.nextafter(c, math.inf))) * 0.5
    if dsl.fma(low * low, d, -1.0) > 0:
        return math.nextafter(c, 0.0)
    if dsl.fma(high * high, d, -1.0) < 0:
        return math.nextafter(c, math.inf)
    return c


class Function:
    """A math function of numba-cuda's ``cuda.libdevice``: ``op`` computed at
    libdevice's types. A call converts each argument to ``params`` (numba's
    types for libdevice's signature), then to ``compute`` where the function
    reads those bits otherwise (``umin``'s int32 as uint32, ``powi``'s
    exponent as a float), runs ``op``, and converts each step of ``via`` and
    then ``result``. ``op`` is ``("math", fn)`` (cuft.math), ``("binary",
    mnemonic)`` (cuft.min, max), ``("unary", mnemonic)`` (abs), ``("bits",
    fn)``, ``("divide",)``, ``("view", type)`` (the bits as that type),
    ``("cast",)`` (the conversion alone) or ``("func", device_function)``.
    Callable in kernels only."""

    __cuft_libdevice__ = True

    def __init__(self, name, op, params, result, compute=None, via=()):
        self.__name__ = name
        self.op = op
        self.params = params
        self.compute = compute or params
        self.result = result
        self.via = via

    @property
    def signature(self):
        return f"{self.__name__}({', '.join(self.params)}) -> {self.result}"

    def __call__(self, *args):
        raise TypeError(f"cuft.libdevice.{self.__name__} is called in kernels and device "
                        "functions only")

    def __repr__(self):
        return f"<cuft.libdevice {self.signature}>"


def _table():
    table = []

    def add(name, op, params, result, compute=None, via=()):
        table.append(Function(name, op, params, result, compute, via))

    def both(name, op, arity=1, result=lambda t: t):
        """name at float64 and name + 'f' at float32; result(t) its result."""
        for suffix, t in (("", "f64"), ("f", "f32")):
            add(name + suffix, op, (t,) * arity, result(t))

    for fn in ("acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "ceil", "cos",
               "cosh", "erf", "erfc", "exp", "exp2", "expm1", "fabs", "floor", "lgamma", "log",
               "log10", "log1p", "log2", "rint", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
               "rsqrt", "j0", "j1", "y0", "y1"):
        both(fn, ("math", fn))
    both("tgamma", ("math", "gamma"))
    both("nearbyint", ("math", "rint"))
    for fn in ("atan2", "copysign", "fmod", "hypot", "nextafter", "pow", "remainder"):
        both(fn, ("math", fn), 2)
    both("fmin", ("binary", "min"), 2)
    both("fmax", ("binary", "max"), 2)
    both("fdim", ("func", _fdim), 2)
    both("fma", ("math", "fma"), 3)
    add("fma_rn", ("math", "fma"), ("f64",) * 3, "f64")
    add("fmaf_rn", ("math", "fma"), ("f32",) * 3, "f32")
    for name in ("jn", "yn"):  # jn(int32 n, x): of order n
        for suffix, t in (("", "f64"), ("f", "f32")):
            add(name + suffix, ("math", name), ("i32", t), t)
    for name in ("ldexp", "scalbn", "powi"):
        fn = "pow" if name == "powi" else "ldexp"
        for suffix, t in (("", "f64"), ("f", "f32")):
            add(name + suffix, ("math", fn), (t, "i32"), t,
                (t, t) if name == "powi" else None)
    both("exp10", ("func", _exp10))
    both("rcbrt", ("func", _rcbrt))
    both("round", ("func", _round))
    both("logb", ("func", _logb))
    both("ilogb", ("func", _ilogb), result=lambda t: "i32")
    both("sincos", ("func", _sincos), result=lambda t: (t, t))
    both("sinpi", ("func", _sinpi))
    both("cospi", ("func", _cospi))
    both("sincospi", ("func", _sincospi), result=lambda t: (t, t))
    # These compute in float64, their float32 forms too (rounded once after).
    for name, fn in (("normcdf", _normcdf), ("normcdfinv", _normcdfinv), ("erfinv", _erfinv),
                     ("erfcinv", _erfcinv), ("erfcx", _erfcx)):
        add(name, ("func", fn), ("f64",), "f64")
        add(name + "f", ("func", fn), ("f32",), "f32", ("f64",))
    both("modf", ("func", _modf), result=lambda t: (t, t))
    both("frexp", ("func", _frexp), result=lambda t: (t, "i32"))
    both("remquo", ("func", _remquo), 2, result=lambda t: (t, "i32"))
    add("frsqrt_rn", ("func", _rsqrt_rn), ("f32",), "f32")
    add("saturatef", ("func", _saturate), ("f32",), "f32")
    for name, fn in (("isnand", _isnan), ("isinfd", _isinf), ("isfinited", _isfinite),
                     ("signbitd", _signbit)):
        add(name, ("func", fn), ("f64",), "i32")
    for name, fn in (("isnanf", _isnan), ("isinff", _isinf), ("finitef", _isfinite),
                     ("signbitf", _signbit)):
        add(name, ("func", fn), ("f32",), "i32")
    for name, fn in (("llrint", ("math", "rint")), ("llround", ("func", _round))):
        for suffix, t in (("", "f64"), ("f", "f32")):
            add(name + suffix, fn, (t,), "i64")

    # The approximate functions, accurate (see the module's text).
    for name, fn in (("cosf", "cos"), ("expf", "exp"), ("log10f", "log10"), ("log2f", "log2"),
                     ("logf", "log"), ("sinf", "sin"), ("tanf", "tan")):
        add("fast_" + name, ("math", fn), ("f32",), "f32")
    add("fast_powf", ("math", "pow"), ("f32", "f32"), "f32")
    add("fast_exp10f", ("func", _exp10), ("f32",), "f32")
    add("fast_fdividef", ("divide",), ("f32", "f32"), "f32")
    add("fast_sincosf", ("func", _sincos), ("f32",), ("f32", "f32"))

    # Conversions: a float rounded to an integer (saturating; NaN gives 0),
    # an integer to the nearest float. numba declares the unsigned ones'
    # integers int32 and int64: the same bits.
    modes = {"rn": "rint", "rz": "trunc", "rd": "floor", "ru": "ceil"}
    floats = {"float": "f32", "double": "f64"}
    ints = {"int": ("i32", "i32"), "uint": ("ui32", "i32"), "ll": ("i64", "i64"),
            "ull": ("ui64", "i64")}
    for fname, ft in floats.items():
        for iname, (it, declared) in ints.items():
            for mode, fn in modes.items():
                add(f"{fname}2{iname}_{mode}", ("math", fn), (ft,), declared, via=(it,))
            add(f"{iname}2{fname}_rn", ("cast",), (declared,), ft, (it,))
    add("double2float_rn", ("cast",), ("f64",), "f32")

    # Rounded as the suffix says (the _rn ones too: never contracted). A device
    # function's leading arguments: the op and mode (int32), and rcp's 1.
    modes = {"rn": 0, "rz": 1, "rd": 2, "ru": 3}
    for mode, m in modes.items():
        const = (m, "i32")
        for name, o in (("add", 0), ("sub", 1), ("mul", 2), ("div", 3)):
            add(f"f{name}_{mode}", ("func", _rounded, (o, "i32"), const), ("f32",) * 2, "f32")
            if name != "sub":
                add(f"d{name}_{mode}", ("func", _rounded, (o, "i32"), const), ("f64",) * 2,
                    "f64")
        for p, t in (("f", "f32"), ("d", "f64")):
            if m:
                add(f"fma{'f' if p == 'f' else ''}_{mode}", ("func", _fma_rounded, const),
                    (t,) * 3, t)
            add(f"{p}rcp_{mode}", ("func", _rounded, (3, "i32"), const, (1.0, t)), (t,), t)
            add(f"{p}sqrt_{mode}", ("func", _rounded, (4, "i32"), const, (0.0, t)), (t,), t)
        if m == 0:
            continue
        add(f"double2float_{mode}", ("func", _narrowed, const), ("f64",), "f32")
        add(f"int2float_{mode}", ("func", _narrowed, const), ("i32",), "f32")
        add(f"uint2float_{mode}", ("func", _narrowed, const), ("i32",), "f32", ("ui32",))
        add(f"ll2float_{mode}", ("func", _int64_narrowed, const), ("i64",), "f32")
        add(f"ull2float_{mode}", ("func", _uint64_narrowed, const), ("i64",), "f32", ("ui64",))
        add(f"ll2double_{mode}", ("func", _from_int64, const), ("i64",), "f64")
        add(f"ull2double_{mode}", ("func", _from_uint64, const), ("i64",), "f64", ("ui64",))

    # The bits as another type.
    for name, param, view, result in (("float_as_int", "f32", "i32", "i32"),
                                      ("int_as_float", "i32", "f32", "f32"),
                                      ("double_as_longlong", "f64", "i64", "i64"),
                                      ("longlong_as_double", "i64", "f64", "f64"),
                                      ("double2loint", "f64", "i64", "i32"),
                                      ("half2float", "i16", "f16", "f32")):
        add(name, ("view", view), (param,), result)
    add("double2hiint", ("func", _high_word), ("f64",), "i32")
    add("hiloint2double", ("func", _from_words), ("i32", "i32"), "f64")
    add("float2half_rn", ("view", "i16"), ("f32",), "i16", ("f16",))

    # Integers.
    for name, t in (("abs", "i32"), ("llabs", "i64")):
        add(name, ("unary", "abs"), (t,), t)
    for prefix, t, compute in (("", "i32", "i32"), ("u", "i32", "ui32"), ("ll", "i64", "i64"),
                               ("ull", "i64", "ui64")):
        for which in ("min", "max"):
            add(prefix + which, ("binary", which), (t, t), t, (compute, compute))
    for fn in ("popc", "clz", "ffs", "brev"):
        add(fn, ("bits", fn), ("i32",), "i32", ("ui32",))
        add(fn + "ll", ("bits", fn), ("i64",), "i64" if fn == "brev" else "i32", ("ui64",))
    return {f.__name__: f for f in table}


functions = _table()
globals().update(functions)
__all__ += sorted(functions)
