"""Complex numbers: what a kernel may do with them and what it is refused, on
the host target (gallery.py's complex_arith and cmath_functions run every
operation against numpy, on the host, through ptxas and the driver double)."""
import cmath
import math

import numpy as np
import pytest

import cuft
from sourceutil import line_of
from test_code_options import ptxas


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


# -- cmath as CPython computes it ----------------------------------------------------
_PARTS = [-math.inf, -1e300, -2.5, -1.0, -1e-310, -0.0, 0.0, 1e-310, 0.5, 1.0, 2.5, 3e38, 1e300,
          math.inf, math.nan]
_FUNCTIONS = ("sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
              "cosh", "tanh", "asinh", "acosh", "atanh")


@cuft.kernel
def every_cmath_function(z, out):
    i = cuft.grid(1)
    if i < z.size:
        v = z[i]
        out[i, 0] = cmath.sqrt(v)
        out[i, 1] = cmath.exp(v)
        out[i, 2] = cmath.log(v)
        out[i, 3] = cmath.log10(v)
        out[i, 4] = cmath.sin(v)
        out[i, 5] = cmath.cos(v)
        out[i, 6] = cmath.tan(v)
        out[i, 7] = cmath.asin(v)
        out[i, 8] = cmath.acos(v)
        out[i, 9] = cmath.atan(v)
        out[i, 10] = cmath.sinh(v)
        out[i, 11] = cmath.cosh(v)
        out[i, 12] = cmath.tanh(v)
        out[i, 13] = cmath.asinh(v)
        out[i, 14] = cmath.acosh(v)
        out[i, 15] = cmath.atanh(v)
        out[i, 16] = cmath.rect(v.real, v.imag)
        out[i, 17] = v / z[z.size - 1 - i]
        out[i, 18] = abs(v)
        out[i, 19] = cmath.phase(v)


def _python_result(j, z, w):
    """What CPython gives for column j; None where it raises (a kernel returns C99's value)."""
    try:
        if j < len(_FUNCTIONS):
            return getattr(cmath, _FUNCTIONS[j])(z)
        return (lambda: cmath.rect(z.real, z.imag), lambda: z / w, lambda: abs(z),
                lambda: cmath.phase(z))[j - len(_FUNCTIONS)]()
    except (ValueError, OverflowError, ZeroDivisionError):
        return None


def _same(got, want, rel, tiny=0.0):
    """Equal parts: NaN for NaN, the same infinity, zeros of one sign, else within
    rel (and tiny, for subnormal results)."""
    for g, w in ((got.real, want.real), (got.imag, want.imag)):
        if math.isnan(w) or math.isinf(w) or w == 0:
            if not (math.isnan(g) if math.isnan(w) else
                    g == w and math.copysign(1, g) == math.copysign(1, w)):
                return False
        elif not abs(g - w) <= rel * abs(w) + tiny:
            return False
    return True


def cmath_grid(dtype=np.complex128):
    """Every pair of _PARTS (complex128: signed zeros, subnormals, values near
    overflow, infinities, NaNs), or of float32's like values (complex64)."""
    parts = _PARTS if dtype == np.complex128 else [
        -math.inf, -2.5, -1.0, -1e-40, -0.0, 0.0, 1e-40, 0.5, 1.0, 2.5, 1e30, math.inf, math.nan]
    return np.array([complex(a, b) for a in parts for b in parts], dtype)


def run_every_cmath_function(z):
    out = np.zeros((z.size, len(_FUNCTIONS) + 4), z.dtype)
    every_cmath_function[(z.size + 127) // 128, 128](z, out)
    return out


def cmath_mismatches(z, out, rel, tiny=0.0):
    """Where every_cmath_function's `out` of `z` is not CPython's value (rounded
    to out's type) within `rel` (and `tiny`); special values must be equal."""
    wrong = []
    for i, v in enumerate(z):
        for j in range(out.shape[1]):
            want = _python_result(j, complex(v), complex(z[z.size - 1 - i]))
            if want is None:
                continue
            with np.errstate(over="ignore"):  # rounded to float32 (may overflow to inf)
                want = complex(out.dtype.type(want))
            if not _same(complex(out[i, j]), want, rel, tiny):
                wrong.append((j, v, out[i, j], want))
    return wrong


def test_cmath_functions_rect_and_division_give_cpythons_values_special_ones_included():
    # The values CPython's cmath gives (C99 Annex G's), to the sign of a zero;
    # where CPython raises, the GPU suite compares the GPU's result with the
    # host's. Before, the complex dialect's formulas gave acos(0j) = pi/2+0j
    # (CPython pi/2-0j), exp(-inf-infj) = nan+nanj (0j), rect(0, inf) nan+nanj
    # (0j), 1j/(inf+nanj) 0j (nan+nanj), abs(inf+nanj) nan (inf).
    z = cmath_grid()
    wrong = cmath_mismatches(z, run_every_cmath_function(z), 1e-15)
    assert not wrong, (len(wrong), wrong[:10])


def test_complex64_cmath_keeps_the_special_values_and_float32_accuracy():
    z = cmath_grid(np.complex64)
    wrong = cmath_mismatches(z, run_every_cmath_function(z), 2e-6, 1e-44)
    assert not wrong, (len(wrong), wrong[:10])


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_cmath_functions_pass_ptxas(dtype, tmp_path):
    # Their branches (finite parts, special values) and the tables' bit masks
    # on the GPU target; the GPU suite compares the values with the host's.
    z = np.zeros(4, dtype)
    ptxas(every_cmath_function.inspect(z, np.zeros((4, 20), dtype), stage="ptx", chip="sm_90"),
          tmp_path)


@cuft.kernel
def unpacked_calls(z, out):
    i = cuft.grid(1)
    if i < z.size:
        t = (z[i].real, 2.0)
        out[i] = complex(*cmath.polar(z[i])) + complex(*t) + max(*t, 1.0)


def test_a_tuple_unpacks_into_the_arguments_of_builtins():
    # numba-cuda's polar round trip, complex(*cmath.polar(x)): '*' was taken by
    # device functions only.
    z = np.array([1 + 2j, -3j, -0.5 + 0j])
    out = np.zeros_like(z)
    unpacked_calls[1, 4](z, out)
    want = [complex(*cmath.polar(v)) + complex(v.real, 2.0) + max(v.real, 2.0, 1.0) for v in z]
    np.testing.assert_allclose(out, want, rtol=1e-15)


@cuft.kernel
def complex_powers(z, w, out):
    i = cuft.grid(1)
    if i < z.size:
        out[i, 0] = z[i] ** w[i]
        out[i, 1] = z[i] ** 2
        out[i, 2] = z[i] ** -3
        out[i, 3] = z[i] ** 0.5
        out[i, 4] = z[i] ** 101
        out[i, 5] = z[i] ** 0
        out[i, 6] = z[i] ** w[i].real


def test_complex_powers_are_cpythons_for_literal_and_run_time_exponents():
    # A run-time exponent with no imaginary part and an integer real part of at
    # most 100 multiplies, as CPython does (and a literal one): the same values,
    # special ones included (before: complex.pow's exp(y log z) for run-time
    # exponents, 318 of 4,840 such pairs differed from CPython).
    parts = [-math.inf, -3.0, -0.5, -0.0, 0.0, 0.5, 2.0, 1e300, math.inf, math.nan]
    bases = [complex(a, b) for a in parts for b in parts]
    exponents = [complex(a, b) for a in (-2.0, -0.5, 0.0, 1.0, 3.0, 2.5, 101.0, math.inf, math.nan)
                 for b in (0.0, -0.0, 1.0, math.nan)]
    pairs = [(z, w) for z in bases for w in exponents]
    z = np.array([p[0] for p in pairs])
    w = np.array([p[1] for p in pairs])
    out = np.zeros((z.size, 7), np.complex128)
    complex_powers[(z.size + 255) // 256, 256](z, w, out)
    wrong = []
    for i, (a, y) in enumerate(pairs):
        for j, e in enumerate((y, 2, -3, 0.5, 101, 0, y.real)):
            try:
                want = a ** e
            except (ZeroDivisionError, OverflowError):  # a kernel gives 0, inf
                continue
            if not _same(out[i, j], want, 1e-13):
                wrong.append((j, a, e, out[i, j], want))
    assert not wrong, (len(wrong), wrong[:10])


@cuft.kernel
def add_to_parts(values, other, out):
    i = cuft.grid(1)
    if i < values.shape[0]:
        cuft.atomic.add(values.real, i, 1)  # numba-cuda's test_atomic_on_real
        values.imag[i] = values.imag[i] * 2
        out[i] = other[::-1].imag[i] + out.real[i]  # stride -2 (parts)


@cuft.kernel
def parts_of_shared(out):
    s = cuft.shared.array(32, cuft.complex64)
    i = cuft.threadIdx.x
    s.real[i] = i
    s.imag[i] = 2 * i
    cuft.syncthreads()
    out[i] = s[31 - i]


def test_real_and_imag_of_complex_arrays_are_views_of_their_parts(tmp_path):
    # NumPy's a.real and a.imag: strided views sharing the array's memory, as
    # numba-cuda's atomics on them use (before: refused).
    # A negative stride of parts reached LLVM as `mul nuw` by -2 (MLIR's memref
    # lowering claims non-negative steps): the loads were folded to garbage.
    values = np.arange(8) + np.arange(8) * 1j
    out = np.ones(8)
    add_to_parts[1, 8](values, values * 3, out)
    np.testing.assert_array_equal(values, np.arange(1, 9) + np.arange(8) * 2j)
    np.testing.assert_array_equal(out, 1 + 3 * np.arange(7, -1, -1))
    grid = np.zeros((3, 4), np.complex64).T  # a transposed view: strides (8, 32)
    add_to_parts[1, 4](grid[:, 1], grid[:, 1].copy(), np.zeros(4))
    assert (grid[:, 1] == 1).all() and (grid[:, [0, 2]] == 0).all()
    shared = np.zeros(32, np.complex64)
    parts_of_shared[1, 32](shared)
    np.testing.assert_array_equal(shared, np.arange(31, -1, -1) * (1 + 2j))
    frozen = values.copy()
    frozen.setflags(write=False)  # a write through the view writes the array
    with pytest.raises(cuft.KernelArgumentError, match="read-only array"):
        add_to_parts[1, 8](frozen, values, out)
    for k, args in ((add_to_parts, (values, values, out)), (parts_of_shared, (shared,))):
        ptxas(k.inspect(*args, stage="ptx", chip="sm_90"), tmp_path)


@cuft.kernel
def imag_of_reals(a):
    a.imag[0] = 1.0


def test_imag_of_an_array_of_real_numbers_is_refused_where_it_is_written():
    with pytest.raises(cuft.CompileError, match="the .imag of an array of real numbers") as e:
        imag_of_reals[1, 1](np.zeros(2))
    assert "test_complex.py:%d:%d:" % line_of(imag_of_reals, 'a.imag') in str(e.value)
