"""Complex numbers: what a kernel may do with them and what it is refused, on
the host target (gallery.py's complex_arith and cmath_functions run every
operation against numpy, on the host, through ptxas and the driver double)."""
import cmath
import math

import numpy as np
import pytest

import cuft
from sourceutil import line_of


pytestmark = pytest.mark.usefixtures("on_host")


@cuft.kernel
def drop_imag(out, z):
    out[0] = z * 2


@cuft.kernel
def order(out, z, w):
    out[0] = z < w


@cuft.kernel
def floor_of(out, z):
    out[0] = math.floor(z)


@pytest.mark.parametrize("kernel, args, needle, message", [
    (drop_imag, (np.zeros(1), 1j), "out[0]",
     "cannot store a complex value ('c128') as 'f64': the imaginary part would be lost"),
    (order, (np.zeros(1, np.bool_), 1j, 2j), "z < w",
     "unsupported operand types for <: 'c128' and 'c128' (complex numbers are not ordered)"),
    (floor_of, (np.zeros(1, np.complex64), np.complex64(1j)), "math.floor",
     "floor() takes real numbers, got 'c64'"),
])
def test_what_would_lose_or_invent_a_value_is_refused_where_it_is_written(kernel, args, needle,
                                                                          message):
    with pytest.raises(cuft.CompileError) as info:
        kernel[1, 1](*args)
    assert message in str(info.value)
    assert info.value.lineno == line_of(kernel, needle)[0]


@cuft.kernel
def widths(out32, out64, x32, x64, n):
    # NumPy 2's promotion: a complex literal takes a float32's precision, an
    # int32 (or int64) widens complex64 to complex128.
    out32[0] = x32 * 1j + x32
    out32[1] = complex(x32, x32)
    out64[0] = np.complex64(x32 + 1j) * n
    out64[1] = x64 * 1j


def test_promotion_follows_numpy_2():
    out32, out64 = np.zeros(2, np.complex64), np.zeros(2, np.complex128)
    args = (out32, out64, np.float32(1.1), 1.1, np.int32(3))
    widths[1, 1](*args)
    x = np.float32(1.1)
    np.testing.assert_array_equal(out32, [np.complex64(x * np.complex64(1j) + x),
                                          np.complex64(complex(x, x))])
    np.testing.assert_array_equal(out64, [np.complex64(x + 1j) * np.int32(3), 1.1j])
    typed = widths.inspect(*args, stage="typed")
    assert "-> complex<f32>" in typed and "-> complex<f64>" in typed


@cuft.kernel
def cmath_of_reals(out, x, n):
    out[0] = cmath.sqrt(x)  # a complex result for a negative float
    out[1] = cmath.log(n) + np.sqrt(x + 0j)
    out[2] = (x + 0j).real + x.imag + (2 * x).conjugate()


def test_cmath_of_a_real_number_is_complex_and_real_numbers_have_parts():
    out = np.zeros(3, np.complex128)
    cmath_of_reals[1, 1](out, -4.0, 10)
    np.testing.assert_allclose(out, [2j, cmath.log(10) + 2j, -4.0 - 8.0], rtol=1e-15)


@cuft.jit("void(complex64[::1], c16)")
def declared(out, z):
    out[0] = z


def test_declared_signatures_take_complex_types_and_convert_scalars():
    out = np.zeros(1, np.complex64)
    declared[1, 1](out, 3)  # an int converted to the declared complex128
    assert out[0] == 3
    declared[1, 1](out, np.complex64(1 - 2j))
    assert out[0] == 1 - 2j
