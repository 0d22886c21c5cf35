"""round(x, ndigits) in kernels (cuft/_rounding.py): Python's result, bit for
bit, on the host target, and PTX that ptxas takes."""
import math
import os

import numpy as np
import pytest

import cuft
from sourceutil import line_of
from test_code_options import ptxas

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.kernel
def rounded(x, n, out):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = round(x[i], n[i])


@cuft.kernel
def rounded_none(x, out):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = round(x[i], None) + round(True, 1) - 1


def launch(xs, ns, out_dtype):
    x = np.asarray(xs)
    n = np.asarray(ns, np.int64)
    out = np.zeros(x.size, out_dtype)
    rounded[(x.size + 127) // 128, 128](x, n, out)
    return out


def python_round(v, k):
    try:
        return round(v, k)
    except OverflowError:  # a kernel cannot raise it: an infinity
        return math.copysign(math.inf, v)


def same_float(a, b):
    return (math.isnan(a) and math.isnan(b)) or (
        a == b and math.copysign(1.0, a) == math.copysign(1.0, b))


rng = np.random.default_rng(5)
FLOATS = np.concatenate([
    rng.random(150), rng.random(100) * 1e6, -rng.random(100) * 1e3,
    rng.random(40) * 1e-9, rng.random(40) * 1e17, rng.random(20) * 1e300,
    # decimals that look like halves: mostly a little above or below one
    np.round(rng.random(150) * 1e4) / 1e3 + 0.0005,
    [0.5435, 0.5425, 2.675, 1.005, 0.125, 0.375, 2.5, -2.5, 1250.0, 0.0, -0.0, 1e300,
     -1.7e308, 5e-324, 2.0 ** 52 + 1, 2.0 ** 53 - 1, math.inf, -math.inf, math.nan]])
DIGITS = list(range(-25, 26)) + [-400, -309, 308, 400]


def ulps_apart(a, b):
    return abs(int(np.float64(a).view(np.int64)) - int(np.float64(b).view(np.int64)))


def test_floats_round_as_python_to_the_bit():
    # Bit for bit where 10**|ndigits| is a double (|ndigits| <= 22); beyond,
    # within a few ulps.
    xs = [float(v) for v in FLOATS for _ in DIGITS]
    ns = [k for _ in FLOATS for k in DIGITS]
    out = launch(xs, ns, np.float64)
    wrong = [(v, k, r, python_round(v, k)) for v, k, r in zip(xs, ns, out.tolist())
             if not same_float(r, python_round(v, k))
             and (abs(k) <= 22 or math.copysign(1.0, r) != math.copysign(1.0, python_round(v, k))
                  or ulps_apart(r, python_round(v, k)) > 4)]
    assert not wrong, wrong[:10]


def test_the_decision_on_a_half_follows_the_exact_value():
    # 0.5435 is a little below 0.5435 though 0.5435 * 1000 rounds to 543.5:
    # Python (and cuft) give 0.543, numba-cuda 0.544. 0.125 is a half exactly:
    # to even.
    out = launch([0.5435, 0.5425, 2.675, 0.125, 0.375, 1250.0, 1350.0],
                 [3, 3, 2, 2, 2, -2, -2], np.float64)
    assert out.tolist() == [0.543, 0.542, 2.67, 0.12, 0.38, 1200.0, 1400.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_a_narrower_float_rounds_in_float64_back_to_its_type(dtype):
    values = np.concatenate([rng.random(200) * 100, [0.125, 2.675, -3.14159]]).astype(dtype)
    ns = [k for _ in values for k in range(-3, 8)]
    xs = [v for v in values for _ in range(-3, 8)]
    out = launch(np.array(xs, dtype), ns, np.float64)
    expected = [float(dtype(round(float(v), k))) for v, k in zip(xs, ns)]
    assert out.tolist() == expected


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_integers_round_exactly_in_their_type(dtype):
    info = np.iinfo(dtype)
    values = [int(v) for v in rng.integers(info.min, info.max, 200, dtype=dtype)]
    values += [int(v) for v in (0, 1, 5, 15, 25, 35, 125, 250, info.max, info.min)
               if info.min <= v <= info.max]
    if info.min < 0:
        values += [-5, -15, -25, -1250]
    ns = [k for _ in values for k in range(-22, 4)]
    xs = [v for v in values for _ in range(-22, 4)]
    x = np.array(xs, dtype)
    out = np.zeros(x.size, dtype)
    rounded[(x.size + 127) // 128, 128](x, np.array(ns, np.int64), out)
    for v, k, r in zip(xs, ns, out.tolist()):
        expected = round(v, k)
        if info.min <= expected <= info.max:
            assert r == expected, (v, k, r, expected)


def test_ndigits_none_is_round_of_one_argument():
    x = np.array([2.5, 3.5, -2.5, 7.25])
    out = np.zeros(4, np.int64)
    rounded_none[1, 4](x, out)
    assert out.tolist() == [2, 4, -2, 7]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_ptx_passes_ptxas(dtype, tmp_path):
    x = np.zeros(4, dtype)
    ptxas(rounded.inspect(x, np.zeros(4, np.int64), x, stage="ptx"), tmp_path)


def test_a_float_ndigits_or_a_complex_x_is_a_compile_error_at_the_call():
    # The error arises inside cuft's own device function (cuft/_rounding.py):
    # it is reported at the user's call, where in cuft it arose a note.
    @cuft.kernel
    def float_digits(x):
        x[0] = round(x[1], 2.5)

    @cuft.kernel
    def complex_x(x):
        x[0] = round(x[1] + 1j, 2)

    for kernel, x, words in ((float_digits, np.zeros(4), "range() arguments must be integers"),
                             (complex_x, np.zeros(4, np.complex128), "complex numbers have no")):
        with pytest.raises(cuft.CompileError) as info:
            kernel[1, 1](x)
        e = info.value
        assert words in str(e) and "in cuft's round_ndigits, called here" in str(e)
        assert (e.filename, e.lineno, e.col) == (__file__, *line_of(kernel, "round(x[1]"))
        assert any(n[0].endswith(os.path.join("cuft", "_rounding.py")) for n in e.notes)
