"""``round(x, ndigits)`` in kernels: device functions the frontend calls for it
(``BuiltinsMixin._py_round``), the same on both targets.

Python rounds the exact value of ``x`` to a multiple of ``10**-ndigits``,
halves to even, in ``x``'s type. Here:

- an integer (a bool is one): itself for ``ndigits >= 0``, else in its own
  type by divisions, exactly (only a result Python gives beyond that type
  wraps);
- a float, in float64 (a float32 or float16 rounded back to its type, as
  numba-cuda does): ``y = x * 10**n`` (``x / 10**-n``) rounded half to even,
  then divided (multiplied) back. The rounding error of the product
  (quotient), exact by a fused multiply-add, says on which side of a half the
  exact value lies when ``y`` lands on one (``round(0.5435, 3)`` is ``0.543``:
  ``0.5435`` is a little below it, though ``0.5435 * 1000`` rounds to
  ``543.5``; numba-cuda gives ``0.544``), and the last division or
  multiplication by an exact power of ten rounds the exact decimal once, as
  Python's conversion does: Python's result bit for bit where ``10**|n|`` is a
  double (``|n| <= 22``). Beyond, ``10**n`` is two factors and the result is
  divided by each: within a few ulps. Infinities, NaN and integral values
  come back as they are, as does ``x`` when ``|y| >= 2**53`` (the decimal
  Python rounds to is within half an ulp of ``x``); rounding to ``-n`` digits
  past every double's magnitude gives a zero of ``x``'s sign; a result too
  large for a double is an infinity (Python raises ``OverflowError``)."""
import math

import numpy as np

from . import dsl, func

EXACT_POWERS = 22  # 10**22 is the largest power of ten a double holds exactly


@func(inline="always")
def _power_of_ten(k):
    """10.0 ** k for 0 <= k <= 22, exactly (every step's product is a double)."""
    scale = 1.0
    for _ in range(k):
        scale *= 10.0
    return scale


@func(inline="always")
def _round_float(x, ndigits):
    if not math.isfinite(x) or x == np.trunc(x) and ndigits >= 0:
        return x
    if ndigits < -308:
        return 0.0 * x
    # y = x * 10**ndigits rounded, and error: how far the exact product lies
    # from y (in units of y once divided by half / 0.5).
    extra = 1.0  # 10**ndigits = scale * extra, each a double
    half = 0.5
    if ndigits > EXACT_POWERS:
        # 10**ndigits is no double: two steps, each one's error exact.
        k = ndigits - EXACT_POWERS
        scale = _power_of_ten(k) if k <= EXACT_POWERS else 10.0 ** k
        extra = 1e22
        first = x * scale
        y = first * extra
        error = dsl.fma(first, extra, -y) + dsl.fma(x, scale, -first) * extra
    elif ndigits >= 0:
        scale = _power_of_ten(ndigits)
        y = x * scale
        error = dsl.fma(x, scale, -y)  # x * scale - y, exactly
    else:
        scale = _power_of_ten(-ndigits) if ndigits >= -EXACT_POWERS else 10.0 ** -ndigits
        y = x / scale
        error = dsl.fma(-y, scale, x)  # (x / scale - y) * scale, exactly
        half = 0.5 * scale
    if abs(y) >= 2.0 ** 53:
        # Within half an ulp of x, the decimal Python rounds to comes back to x.
        return x
    # The exact y is y + error (error / scale below 0): to the nearest
    # integer, halves to even.
    z = np.rint(y)
    if abs(y - z) == 0.5 and error != 0.0:  # y a half, the exact value not
        z = y + 0.5 if error > 0.0 else y - 0.5
    elif z == y and abs(error) == half and np.fmod(z, 2.0) != 0.0:  # an odd y and a half
        z = y + 1.0 if error > 0.0 else y - 1.0
    if ndigits >= 0:
        return z / extra / scale
    return z * scale


@func(inline="always")
def round_ndigits(x, ndigits):
    x = x * 1  # a bool as an int, as Python's round
    if x.dtype.type(0.5) == 0:  # an integer type: a constant once typed
        if ndigits >= 0:
            return x
        if ndigits < -40:  # |x| < 2**64 < 10**20: less than half of 10**-ndigits
            return x * 0
        # x = q * 10**k + r, 0 <= r < 10**k, by divisions only (no 10**k to
        # overflow x's type): r's top digit, and whether any below it is not 0.
        q = x
        top = x * 0
        below = False
        for _ in range(-ndigits):
            below = below or top != 0
            top = q % 10
            q = q // 10
        if top > 5 or top == 5 and (below or q % 2 != 0):
            q += 1
        for _ in range(-ndigits):  # beyond x's type only where Python's is too
            q *= 10
        return q
    return x.dtype.type(_round_float(float(x), ndigits))
