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
computes with that type's wrap-around arithmetic. The math functions of
libdevice are Python's ``math`` and cuft's own names (``docs/Python.md``).
"""

from . import dsl, func

__all__ = ["mulhi", "umulhi", "mul64hi", "umul64hi", "mul24", "umul24",
           "hadd", "uhadd", "rhadd", "urhadd", "sad", "usad"]


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
