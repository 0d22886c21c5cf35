"""cuft.libdevice: numba-cuda's libdevice integer and math functions, with the GPU's
results (wrap-around arithmetic of libdevice's argument types), on the host
target against Python's exact integers and numpy (every math function: exactly
where its result is exactly specified, else within a few ulps), and through
ptxas."""
import math
import re

import numpy as np
import pytest

import cuft
from cuft import libdevice

pytestmark = pytest.mark.usefixtures("on_host")

rng = np.random.default_rng(7)
EDGES32 = [0, 1, -1, 2**31 - 1, -2**31, 2**23 - 1, -2**23, 2**24, 0x7FFFFF, 12345, -54321]
EDGES64 = [0, 1, -1, 2**63 - 1, -2**63, 2**32, 2**32 - 1, -2**32, 3**39, -(5**27)]


def pairs(edges, dtype):
    info = np.iinfo(dtype)
    grid = np.array(edges, dtype=np.int64).astype(dtype)  # negative edges wrap for unsigned
    drawn = [rng.integers(info.min, info.max, 200, endpoint=True, dtype=dtype) for _ in "ab"]
    return (np.concatenate([np.repeat(grid, grid.size), drawn[0]]),
            np.concatenate([np.tile(grid, grid.size), drawn[1]]))


def wrap(v, bits, signed):
    v &= (1 << bits) - 1
    return v - (1 << bits) if signed and v >> (bits - 1) else v


def sext24(v):
    return wrap(int(v), 24, True)


@cuft.kernel
def binary(fn_id, a, b, out):
    i = cuft.grid(1)
    if i < out.size:
        x = a[i]
        y = b[i]
        if fn_id == 0:
            out[i] = libdevice.mulhi(x, y)
        elif fn_id == 1:
            out[i] = libdevice.umulhi(x, y)
        elif fn_id == 2:
            out[i] = libdevice.mul64hi(x, y)
        elif fn_id == 3:
            out[i] = libdevice.umul64hi(x, y)
        elif fn_id == 4:
            out[i] = libdevice.mul24(x, y)
        elif fn_id == 5:
            out[i] = libdevice.umul24(x, y)
        elif fn_id == 6:
            out[i] = libdevice.hadd(x, y)
        elif fn_id == 7:
            out[i] = libdevice.rhadd(x, y)
        elif fn_id == 8:
            out[i] = libdevice.uhadd(x, y)
        elif fn_id == 9:
            out[i] = libdevice.urhadd(x, y)
        elif fn_id == 10:
            out[i] = libdevice.sad(x, y, 7)
        else:
            out[i] = libdevice.usad(x, y, 7)


CASES = [  # id, argument dtype, result dtype, exact reference
    (0, np.int32, np.int32, lambda x, y: (x * y) >> 32),
    (1, np.uint32, np.uint32, lambda x, y: (x * y) >> 32),
    (2, np.int64, np.int64, lambda x, y: (x * y) >> 64),
    (3, np.uint64, np.uint64, lambda x, y: (x * y) >> 64),
    (4, np.int32, np.int32, lambda x, y: wrap(sext24(x) * sext24(y), 32, True)),
    (5, np.uint32, np.uint32, lambda x, y: wrap((x & 0xFFFFFF) * (y & 0xFFFFFF), 32, False)),
    (6, np.int32, np.int32, lambda x, y: (x + y) >> 1),
    (7, np.int32, np.int32, lambda x, y: (x + y + 1) >> 1),
    (8, np.uint32, np.uint32, lambda x, y: (x + y) >> 1),
    (9, np.uint32, np.uint32, lambda x, y: (x + y + 1) >> 1),
    (10, np.int32, np.uint32, lambda x, y: wrap(abs(x - y) + 7, 32, False)),
    (11, np.uint32, np.uint32, lambda x, y: wrap(abs(x - y) + 7, 32, False)),
]


@pytest.mark.parametrize("fn_id,dtype,result,reference", CASES, ids=[c[0] for c in CASES])
def test_integer_functions_match_exact_arithmetic(fn_id, dtype, result, reference):
    bits = np.iinfo(dtype).bits
    a, b = pairs(EDGES64 if bits == 64 else EDGES32, dtype)
    out = np.zeros(a.size, result)
    binary[(a.size + 127) // 128, 128](fn_id, a, b, out)
    expected = [wrap(reference(int(x), int(y)), np.iinfo(result).bits,
                     np.issubdtype(result, np.signedinteger)) for x, y in zip(a, b)]
    np.testing.assert_array_equal(out, np.array(expected, dtype=result))


def test_arguments_convert_to_the_signature_as_numba():
    # mulhi(int32, int32): an int64 argument is truncated first.
    out = np.zeros(1, np.int64)

    @cuft.kernel
    def k(out):
        out[0] = libdevice.mulhi(2**32 + 3, 2**31 - 1)

    k[1, 1](out)
    assert out[0] == (3 * (2**31 - 1)) >> 32


def test_ptx_passes_ptxas(tmp_path):
    from test_code_options import ptxas
    for dtype in (np.int32, np.uint64):
        a = np.zeros(4, dtype)
        ptxas(binary.inspect(0, a, a, np.zeros(4, dtype), stage="ptx"), tmp_path)


# -- the math functions --------------------------------------------------------------
# Each libdevice.functions entry runs through one of these (F rebound per function:
# a rebound global compiles the kernel again), on inputs of its parameters' types.
F = None


@cuft.kernel
def call1(x, out):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = F(x[i])


@cuft.kernel
def call2(x, y, out):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = F(x[i], y[i])


@cuft.kernel
def call3(x, y, z, out):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = F(x[i], y[i], z[i])


@cuft.kernel
def call_pair(x, first, second):
    i = cuft.grid(1)
    if i < x.size:
        a, b = F(x[i])
        first[i] = a
        second[i] = b


@cuft.kernel
def call2_pair(x, y, first, second):
    i = cuft.grid(1)
    if i < x.size:
        a, b = F(x[i], y[i])
        first[i] = a
        second[i] = b


DTYPES = {"f32": np.float32, "f64": np.float64, "i32": np.int32, "i64": np.int64,
          "ui32": np.uint32, "ui64": np.uint64, "i16": np.int16, "f16": np.float16}
FLOATS = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, 2.5, -2.5, 3.7, -7.25, 1e-3, 0.999, 100.0,
          1e10, -1e10, 3e9, -3e9, 1e-40, 1e300, np.inf, -np.inf, np.nan]
INTS = [0, 1, -1, 2, 7, -8, 31, 2**31 - 1, -2**31, 0x12345678, 2**40 + 5, -2**63]


def inputs(types, n_random=40):
    """Columns of arguments: the edge values (each column rotated, so that pairs
    differ), then random ones."""
    rng_local = np.random.default_rng(11)
    cols = []
    for k, t in enumerate(types):
        edges = FLOATS if t.startswith("f") else INTS
        grid = np.resize(np.roll(edges, 3 * k), len(FLOATS) * 2)
        if t.startswith("f"):
            drawn = rng_local.uniform(-12, 12, n_random)
        else:
            drawn = rng_local.integers(-2**31, 2**31, n_random)
        with np.errstate(over="ignore"):
            cols.append(np.concatenate([np.array(grid, np.float64) if t.startswith("f")
                                        else np.array(grid, np.int64).astype(DTYPES[t]),
                                        drawn]).astype(DTYPES[t]))
    return cols


def _exact(fn):
    return np.vectorize(fn, otypes=[np.float64])


def _fma(x, y, z):
    from fractions import Fraction
    if not all(np.isfinite(v) for v in (x, y, z)):
        return float(x) * float(y) + float(z)
    exact = Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z))
    try:
        return float(exact)
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def _round_away(x):
    t = np.trunc(x)
    return t + np.where(np.abs(x - t) >= 0.5, np.sign(x), 0.0)


def _logb(x):
    m, e = np.frexp(x)
    return np.where(np.isfinite(x) & (x != 0), e - 1.0, np.where(x == 0, -np.inf, np.abs(x)))


def _ilogb(x):
    m, e = np.frexp(x)
    return np.where(np.isinf(x), 2**31 - 1, np.where((x == 0) | np.isnan(x), -2**31, e - 1))


def _turns(x, fn):
    """fn(pi * x) in long double, x reduced to [-1, 1] exactly first; the
    zeros of sin and cos where IEEE 754's sinPi and cosPi put them."""
    r = (x - 2 * np.rint(x / 2)).astype(np.longdouble)
    pi = np.longdouble("3.14159265358979323846264338327950288")
    v = fn(pi * r)
    v = np.where(np.abs(v) < 1e-17, 0.0, v)  # sin(pi * n), cos(pi * (n + 1/2))
    if fn is np.sin:
        v = np.where(v == 0, np.copysign(0.0, np.where(r == 0, x, r)), v)
    return v.astype(np.float64)


def _lgamma(x):
    try:
        return math.lgamma(x)
    except (ValueError, OverflowError):  # the poles, and past a double
        return math.inf


def _gamma(x):
    try:
        return math.gamma(x)
    except OverflowError:
        return math.inf
    except ValueError:  # C's tgamma: +-inf at +-0, NaN at the negative integers
        return math.copysign(math.inf, x) if x == 0 else math.nan


MATH_REFERENCE = {  # cuft.math fn -> numpy on float64 arguments
    "acos": np.arccos, "acosh": np.arccosh, "asin": np.arcsin, "asinh": np.arcsinh,
    "atan": np.arctan, "atanh": np.arctanh, "cbrt": np.cbrt, "ceil": np.ceil, "cos": np.cos,
    "cosh": np.cosh, "erf": _exact(math.erf), "erfc": _exact(math.erfc), "exp": np.exp,
    "exp2": np.exp2, "expm1": np.expm1, "fabs": np.fabs, "floor": np.floor,
    "lgamma": _exact(_lgamma), "gamma": _exact(_gamma), "log": np.log,
    "log10": np.log10, "log1p": np.log1p, "log2": np.log2, "rint": np.rint, "sin": np.sin,
    "sinh": np.sinh, "sqrt": np.sqrt, "tan": np.tan, "tanh": np.tanh, "trunc": np.trunc,
    "rsqrt": lambda x: 1 / np.sqrt(x), "atan2": np.arctan2, "copysign": np.copysign,
    "fmod": np.fmod, "hypot": np.hypot, "nextafter": np.nextafter, "pow": np.power,
    "remainder": _exact(lambda x, y: math.remainder(x, y) if np.isfinite(x) and y else math.nan),
    "fma": np.vectorize(_fma, otypes=[np.float64]),
    "ldexp": lambda x, n: np.ldexp(x, np.clip(n, -2**31, 2**31 - 1)),
}
FUNC_REFERENCE = {  # device functions of cuft.libdevice -> numpy
    "_fdim": lambda x, y: np.where(np.isnan(x) | np.isnan(y), x + y,
                                   np.where(x > y, x - y, 0.0)),
    "_saturate": lambda x: np.where(x > 1, 1.0, np.where(x > 0, x, 0.0)),
    "_round": _round_away, "_rcbrt": lambda x: 1 / np.cbrt(x), "_exp10": lambda x: 10.0 ** x,
    "_logb": _logb, "_ilogb": _ilogb, "_isnan": np.isnan, "_isinf": np.isinf,
    "_isfinite": np.isfinite, "_signbit": np.signbit,
    "_sincos": lambda x: (np.sin(x), np.cos(x)), "_frexp": np.frexp,
    "_modf": lambda x: np.modf(x),
    "_sinpi": lambda x: _turns(x, np.sin), "_cospi": lambda x: _turns(x, np.cos),
    "_sincospi": lambda x: (_turns(x, np.sin), _turns(x, np.cos)),
    "_normcdf": lambda x: 0.5 * _exact(math.erfc)(-x / np.sqrt(2)),
    "_high_word": lambda x: (x.view(np.int64) >> 32).astype(np.int32),
    "_from_words": lambda hi, lo: ((hi.astype(np.int64) << 32)
                                   | lo.astype(np.uint32).astype(np.int64)).view(np.float64),
}
# Functions whose result is exactly specified (the others within a few ulps).
EXACT = {"ceil", "floor", "rint", "trunc", "fabs", "copysign", "fmod", "remainder",
         "nextafter", "ldexp", "fma", "min", "max", "_fdim", "_saturate", "_round", "_logb",
         "_ilogb", "_isnan", "_isinf", "_isfinite", "_signbit", "_frexp", "_modf", "sqrt",
         "cast", "abs", "popc", "clz", "ffs", "brev", "_high_word", "_from_words"}


def saturate_to(values, dtype):
    """Float values as a saturating, NaN-to-0 conversion gives them."""
    info = np.iinfo(dtype)
    clean = np.nan_to_num(np.asarray(values, np.float64), nan=0.0)
    return np.array([info.min if v < info.min else info.max if v > info.max else int(v)
                     for v in clean.tolist()], dtype)


def reference(fn, args):
    """What fn gives for the argument columns, in its result's dtype."""
    kind, *what = fn.op
    with np.errstate(over="ignore", invalid="ignore"):  # numba converts as C does
        cols = [a.astype(DTYPES[p]) for a, p in zip(args, fn.params)]
        compute = [c if t == p else c.astype(DTYPES[t])
                   for c, p, t in zip(cols, fn.params, fn.compute)]
    wide = [c.astype(np.float64) if c.dtype.kind == "f" else c for c in compute]
    with np.errstate(all="ignore"):
        if kind == "math" and what[0] == "nextafter":  # in its own type
            r = np.nextafter(*compute)
        elif kind == "math":
            r = MATH_REFERENCE[what[0]](*wide)
        elif kind == "func":
            r = FUNC_REFERENCE[what[0].__name__](*wide)
        elif kind == "binary":  # fmin/fmax skip a NaN; the integer ones in their type
            if compute[0].dtype.kind == "f":
                r = (np.fmin if what[0] == "min" else np.fmax)(*wide)
            else:
                r = (np.minimum if what[0] == "min" else np.maximum)(*compute)
        elif kind == "divide":
            r = wide[0] / wide[1]
        elif kind == "view":
            r = compute[0].view(DTYPES[what[0]])
        elif kind == "unary":
            r = np.abs(compute[0])
        elif kind == "bits":
            r = bits_reference(what[0], compute[0])
        else:
            r = compute[0].astype(DTYPES[fn.result])
        if isinstance(fn.result, tuple):
            return tuple(np.asarray(v).astype(DTYPES[t]) for v, t in zip(r, fn.result))
        if kind == "math" and fn.via:  # the rounding conversions
            r = saturate_to(r, DTYPES[fn.via[0]])
        if DTYPES[fn.result] in (np.int32, np.int64) and np.asarray(r).dtype.kind == "f":
            r = saturate_to(r, DTYPES[fn.result])
        return np.asarray(r).astype(DTYPES[fn.result])


def bits_reference(fn, x):
    bits = x.dtype.itemsize * 8
    out = []
    for v in x.tolist():
        if fn == "popc":
            out.append(bin(v).count("1"))
        elif fn == "clz":
            out.append(bits - v.bit_length())
        elif fn == "ffs":
            out.append((v & -v).bit_length())
        else:
            out.append(int(format(v, f"0{bits}b")[::-1], 2))
    return np.array(out, np.uint64)


def run(fn, args):
    """fn of the argument columns on the current target (the cuda one through
    device arrays): its result column, or the pair of them."""
    n = args[0].size
    blocks = (n + 63) // 64
    global F
    F = fn
    on_gpu = cuft.target() == "cuda"
    move = cuft.to_device if on_gpu else (lambda a: a)
    pair = isinstance(fn.result, tuple)
    outs = [move(np.zeros(n, DTYPES[t])) for t in (fn.result if pair else (fn.result,))]
    kernel = ((call_pair, call2_pair) if pair else (call1, call2, call3))[len(args) - 1]
    kernel[blocks, 64](*(move(a) for a in args), *outs)
    outs = [o.copy_to_host() if on_gpu else o for o in outs]
    return tuple(outs) if pair else outs[0]


def is_exact(fn):
    """Whether fn's result is exactly specified (else within a few ulps): all
    but the math library's functions and cuft's float64 special functions."""
    kind, *what = fn.op
    if kind == "math":
        return what[0] in EXACT or bool(fn.via)
    if kind == "func":
        return what[0].__name__ in EXACT or what[0].__name__.startswith(
            ("_rounded", "_fma_rounded", "_narrowed", "_int64", "_uint64", "_from", "_remquo",
             "_rsqrt"))
    return True


# Checked against exact values in
# test_the_inverse_error_and_bessel_functions_and_erfcx_are_accurate, and the
# rounded arithmetic and conversions in the tests after it.
TABLED = {n for n in libdevice.functions if n[-3:] in ("_rz", "_rd", "_ru")
          or n[0] in "fd" and n[-3:] == "_rn" and "2" not in n and "fma" not in n} | {
    name + suffix for suffix in ("", "f")
    for name in ("remquo", "jn", "yn", "erfinv", "erfcinv", "erfcx", "normcdfinv", "j0", "j1",
                 "y0", "y1")}


@pytest.mark.parametrize("name", sorted(set(libdevice.functions) - TABLED))
def test_math_functions_compute_at_libdevices_types(name):
    fn = libdevice.functions[name]
    args = inputs(fn.params)
    got = run(fn, args)
    want = reference(fn, args)
    exact = is_exact(fn)
    for g, w in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,)):
        if exact or g.dtype.kind != "f":
            np.testing.assert_array_equal(g, w, err_msg=name)
        else:
            # Python's lgamma, the reference, is a few ulps off near lgamma's zeros;
            # normcdf's, 0.5 * erfc(-x / sqrt(2)) in float64, in the tail
            # (test_normcdf_is_accurate_in_the_lower_tail checks it there).
            ulps = {"lgamma": 64, "_normcdf": 2048}.get(
                getattr(fn.op[-1], "__name__", fn.op[-1]), 4)
            tol = ulps * np.finfo(g.dtype).eps
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol, equal_nan=True,
                                       err_msg=f"{name}({args})")


def test_the_math_functions_pass_ptxas(tmp_path):
    from test_code_options import ptxas
    global F
    for name, fn in sorted(libdevice.functions.items()):
        F = fn
        args = [np.zeros(4, DTYPES[p]) for p in fn.params]
        if isinstance(fn.result, tuple):
            ptx = (call_pair, call2_pair)[len(args) - 1].inspect(
                *args, *(np.zeros(4, DTYPES[t]) for t in fn.result), stage="ptx", chip="sm_90")
        else:
            kernel = (call1, call2, call3)[len(args) - 1]
            ptx = kernel.inspect(*args, np.zeros(4, DTYPES[fn.result]), stage="ptx",
                                 chip="sm_90")
        ptxas(ptx, tmp_path)


@cuft.kernel
def views(f, d, h, out32, out64, out16):
    out32[0] = f[0].view(np.int32)
    out32[1] = cuft.int32(-1).view(cuft.uint32) >> 31  # the bits, now unsigned
    out64[0] = d[0].view(np.int64)
    out16[0] = h[0].view(np.int16)
    f[1] = out32[0].view(np.float32) * 2


def test_a_scalar_view_keeps_the_bits_as_numpy_does(tmp_path):
    from test_code_options import ptxas
    f = np.array([1.5, 0], np.float32)
    d, h = np.array([-2.75]), np.array([0.1], np.float16)
    out32, out64, out16 = np.zeros(2, np.int32), np.zeros(1, np.int64), np.zeros(1, np.int16)
    views[1, 1](f, d, h, out32, out64, out16)
    assert out32[0] == np.float32(1.5).view(np.int32) and out32[1] == 1
    assert out64[0] == d.view(np.int64)[0] and out16[0] == h.view(np.int16)[0]
    assert f[1] == 3.0
    ptxas(views.inspect(f, d, h, out32, out64, out16, stage="ptx", chip="sm_90"), tmp_path)


@pytest.mark.parametrize("body,message", [
    ("out[0] = x[0].view(np.int64)", "cannot view 'f32' as 'i64'"),
    ("out[0] = x.view(np.float64)[0]", "a view as a wider type is not supported"),
    ("out[0] = (x[0] > 0).view(np.int8)", "cannot view 'bool' as 'i8'"),
    ("out[0] = x[0].view(3)", "view() takes a NumPy scalar type"),
])
def test_a_view_of_another_width_or_of_an_array_is_a_located_error(body, message, tmp_path):
    path = tmp_path / "viewer.py"
    path.write_text("import numpy as np\nimport cuft\n\n@cuft.kernel\ndef k(x, out):\n"
                    f"    {body}\n")
    import importlib.util
    spec = importlib.util.spec_from_file_location("viewer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(cuft.CompileError, match=re.escape(message)) as e:
        module.k[1, 1](np.zeros(2, np.float32), np.zeros(2, np.float64))
    assert "viewer.py:6" in str(e.value)


# P(N(0, 1) <= x) to 25 digits (mpmath's ncdf).
NORMCDF = {-20.0: 2.753624118606233695075623e-89, -10.0: 7.619853024160526065973343e-24,
           -5.0: 2.866515718791939116737523e-07, -2.0: 0.02275013194817920720028264,
           -1.0: 0.1586552539314570514147675, -0.5: 0.3085375387259868963622954,
           0.0: 0.5, 1.0: 0.8413447460685429485852325, 3.0: 0.9986501019683699054733482,
           8.0: 0.9999999999999993779039426}


def test_normcdf_is_accurate_in_the_lower_tail():
    global F
    x = np.array(list(NORMCDF) + [np.inf, -np.inf, np.nan])
    for name, dtype, ulps in (("normcdf", np.float64, 4), ("normcdff", np.float32, 4)):
        F = libdevice.functions[name]
        out = np.zeros(x.size, dtype)
        call1[1, 32](x.astype(dtype), out)
        want = np.array(list(NORMCDF.values()) + [1.0, 0.0, np.nan]).astype(dtype)
        np.testing.assert_allclose(out, want, rtol=ulps * np.finfo(dtype).eps, atol=0,
                                   equal_nan=True, err_msg=name)


def test_sinpi_and_cospi_are_exact_at_integers_and_halves():
    global F
    x = np.array([0.0, -0.0, 1.0, -1.0, 2.0, -3.0, 0.5, -0.5, 1.5, 2.5, 1e17, -1e17, 0.25])
    out = np.zeros(x.size)
    F = libdevice.sinpi
    call1[1, 16](x, out)
    assert [str(v) for v in out[:12]] == ["0.0", "-0.0", "0.0", "-0.0", "0.0", "-0.0", "1.0",
                                          "-1.0", "-1.0", "1.0", "0.0", "-0.0"]
    F = libdevice.cospi
    call1[1, 16](x, out)
    assert [str(v) for v in out[:12]] == ["1.0", "1.0", "-1.0", "-1.0", "1.0", "-1.0", "0.0",
                                          "0.0", "0.0", "0.0", "1.0", "1.0"]
    assert out[12] == np.float64(np.sqrt(0.5))


# erfinv, erfcinv, erfcx and normcdfinv of these doubles, to 20 digits (mpmath,
# each argument the exact double written).
INVERSES = {
    "erfinv": [(0.0, 0.0), (1e-10, 8.8622692545275804594e-11), (0.1, 0.088855990494257691974), (0.5, 0.47693627620446987338), (0.9, 1.1630871536766741628), (0.999, 2.3267537655135244939), (0.999999, 3.4589107372754987775), (0.9999999999999999, 5.8635847487551679272), (-0.75, -0.81341984759761854169), (1e-300, 8.8622692545275803586e-301), (0.3, 0.27246271472675434502)],  # noqa: E501
    "erfcinv": [(1e-300, 26.209469960516123886), (1e-100, 15.065574702592645704), (1e-20, 6.6015806223551425656), (1e-05, 3.1234132743408750177), (0.3, 0.73286907795921686905), (1.0, 0.0), (1.7, -0.73286907795921678488), (1.999, -2.3267537655135465806), (0.025, 1.5849110680594808787), (0.975, 0.022159299596052868672), (1e-10, 4.5728249673894852748)],  # noqa: E501
    "erfcx": [(0.0, 1.0), (0.5, 0.61569034419292587487), (1.0, 0.42758357615580700441), (5.0, 0.11070463773306862637), (10.0, 0.056140992743822585858), (26.0, 0.021683584850562906616), (26.5, 0.021275046685371105955), (30.0, 0.018795888861416751497), (100.0, 0.0056416137829894329036), (10000000000.0, 5.6418958354775628695e-11), (-1.0, 5.0089800807622834663), (-5.0, 144009798674.66104041), (0.001, 0.9988726200811514086), (3.3, 0.1640072975729326311)],  # noqa: E501
    "normcdfinv": [(1e-300, -37.047096299361199237), (1e-10, -6.3613409024040561991), (0.025, -1.9599639845400542118), (0.3, -0.52440051270804081597), (0.975, 1.9599639845400538556), (0.999999, 4.7534243088170877657), (1e-05, -4.2648907939228246102)],  # noqa: E501
}
# The Bessel functions of order 0 and 1 (mpmath), away from their zeros.
BESSEL = {
    "j0": [(0.001, 0.999999750000015625), (0.5, 0.93846980724081290423), (1.0, 0.76519768655796655145), (2.5, -0.048383776468197996327), (7.25, 0.29199692419177899751), (10.0, -0.2459357644513483352), (30.7, 0.0094107639974821819773), (100.0, 0.019985850304223122424)],  # noqa: E501
    "j1": [(0.001, 0.00049999993750000261457), (0.5, 0.24226845767487388638), (1.0, 0.44005058574493351596), (2.5, 0.49709410246427403801), (7.25, 0.068581700653131744531), (10.0, 0.04347274616886143667), (30.7, -0.14355119031298165886), (100.0, -0.077145352014112158033)],  # noqa: E501
    "y0": [(0.001, -4.4714166113759232557), (0.5, -0.44451873350670655715), (1.0, 0.088256964215676957983), (2.5, 0.49807035961523188783), (7.25, 0.048422529865202828617), (10.0, 0.055671167283599391424), (30.7, -0.14368539436295964056), (100.0, -0.077244313365083152254)],  # noqa: E501
    "y1": [(0.001, -636.62216723113941482), (0.5, -1.4714723926702430692), (1.0, -0.78121282130028871655), (2.5, 0.14591813796678579888), (7.25, -0.28934799419758704529), (10.0, 0.24901542420695388392), (30.7, -0.011751544453708519593), (100.0, -0.020372312002759793305)],  # noqa: E501
}
BESSEL_ENDS = {
    "j0": [(0.0, 1.0), (-1.0, 0.76519768655796655145), (np.inf, 0.0), (np.nan, np.nan)],
    "j1": [(0.0, 0.0), (-1.0, -0.44005058574493351596), (np.inf, 0.0), (np.nan, np.nan)],
    "y0": [(0.0, -np.inf), (-1.0, np.nan), (np.inf, 0.0), (np.nan, np.nan)],
    "y1": [(0.0, -np.inf), (-1.0, np.nan), (np.inf, 0.0), (np.nan, np.nan)],
}
INVERSES.update(BESSEL)
# Where they are not finite (inf at the ends of their domains, NaN beyond).
INVERSE_ENDS = {**BESSEL_ENDS, 
    "erfinv": [(1.0, np.inf), (-1.0, -np.inf), (1.5, np.nan), (np.nan, np.nan)],
    "erfcinv": [(0.0, np.inf), (2.0, -np.inf), (-0.5, np.nan), (2.5, np.nan)],
    "erfcx": [(-27.0, np.inf), (-np.inf, np.inf), (np.inf, 0.0), (np.nan, np.nan)],
    "normcdfinv": [(0.0, -np.inf), (1.0, np.inf), (1.5, np.nan)],
}


@pytest.mark.parametrize("name", sorted(INVERSES))
def test_the_inverse_error_and_bessel_functions_and_erfcx_are_accurate(name):
    global F
    rows = INVERSES[name] + INVERSE_ENDS[name]
    x = np.array([r[0] for r in rows])
    want = np.array([r[1] for r in rows])
    # The C library's Bessel functions (the host's) are good to some ulps.
    for fname, dtype, ulps in ((name, np.float64, 16 if name in BESSEL else 4),
                               (name + "f", np.float32, 16 if name in BESSEL else 1)):
        F = libdevice.functions[fname]
        out = np.zeros(x.size, dtype)
        xs = x.astype(dtype)
        call1[1, 32](xs, out)
        if dtype == np.float32:  # of the float32 argument, to float32
            F = libdevice.functions[name]
            want = np.zeros(x.size)
            call1[1, 32](xs.astype(np.float64), want)
            want = want.astype(np.float32)
        # (the float32 Bessel functions' absolute error, near a zero, is float32's)
        atol = 4 * np.finfo(dtype).eps if name in BESSEL and dtype == np.float32 else 0
        np.testing.assert_allclose(out, want, rtol=ulps * np.finfo(dtype).eps, atol=atol,
                                   equal_nan=True, err_msg=fname)


# -- arithmetic and conversions rounded as a mode says, against exact fractions -------
def _round_exact(v, dtype, mode, zero_sign=1):
    """The float of ``dtype`` that Fraction v rounds to in ``mode`` (rn, rz, rd, ru)."""
    from fractions import Fraction
    info = np.finfo(dtype)
    if v == 0:
        return dtype(0.0) * zero_sign
    big = Fraction(float(info.max))
    inf, top = dtype(np.inf), dtype(info.max)
    if abs(v) > big:  # past the largest float: it, or an infinity
        half_ulp = Fraction(2) ** (info.maxexp - 2 - info.nmant)  # of the largest float
        toward_inf = mode == "rn" and abs(v) >= big + half_ulp \
            or mode == ("ru" if v > 0 else "rd")
        r = inf if toward_inf else top
        return r if v > 0 else -r
    try:
        c = dtype(float(v))  # within a step of the answer
    except OverflowError:
        c = dtype(np.inf if v > 0 else -np.inf)
    with np.errstate(over="ignore"):
        c = dtype(c)

    def frac(f):
        return Fraction(float(f)) if np.isfinite(f) else (big * 2 if f > 0 else -big * 2)
    down = c
    while frac(down) > v:
        down = np.nextafter(down, -inf)
    while frac(np.nextafter(down, inf)) <= v and np.isfinite(np.nextafter(down, inf)):
        down = np.nextafter(down, inf)
    up = down if frac(down) == v else np.nextafter(down, inf)
    if mode == "rd":
        r = down
    elif mode == "ru":
        r = up
    elif mode == "rz":
        r = down if v > 0 else up
    else:
        lo, hi = v - frac(down), frac(up) - v
        r = down if lo < hi or (lo == hi and int(np.frombuffer(down.tobytes(), {
            4: np.uint32, 8: np.uint64}[down.itemsize])[0]) % 2 == 0) else up
    if r == 0:  # a nonzero value rounded to zero keeps its sign
        r = dtype(0.0) * (1 if v > 0 else -1)
    return dtype(r)


def _exact_result(name, x, z=None):
    """(exact Fraction value or None where IEEE's result is exact already, and
    the sign a zero result has) of libdevice function ``name``."""
    from fractions import Fraction
    op = name[1:name.index("_")]
    args = [x] if z is None else [x, z]
    if not all(np.isfinite(a) for a in args):
        return None, 1
    if op in ("add", "sub"):
        zz = -z if op == "sub" else z
        v = Fraction(float(x)) + Fraction(float(zz))
        both_negative = np.signbit(x) and np.signbit(zz)
        return v, -1 if (v == 0 and (both_negative or name.endswith("_rd"))) else 1
    if op == "mul":
        return Fraction(float(x)) * Fraction(float(z)), -1 if np.signbit(x) != np.signbit(z) else 1
    if op in ("div", "rcp"):
        num, den = (1.0, x) if op == "rcp" else (x, z)
        if den == 0:
            return None, 1
        return Fraction(float(num)) / Fraction(float(den)), \
            -1 if np.signbit(num) != np.signbit(den) else 1
    # sqrt: exact only as a comparison; the caller rounds the root of v.
    return ("sqrt", Fraction(float(x))), -1 if np.signbit(x) else 1


def _reference(name, dtype, x, z=None):
    mode = name[-2:]
    v, zero_sign = _exact_result(name, x, z)
    with np.errstate(all="ignore"):
        if v is None:  # infinities, NaN, division by 0: IEEE's exact result
            op = name[1:name.index("_")]
            return {"add": lambda: x + z, "sub": lambda: x - z, "mul": lambda: x * z,
                    "div": lambda: x / z, "rcp": lambda: dtype(1) / x,
                    "sqrt": lambda: np.sqrt(x)}[op]()
        if isinstance(v, tuple):  # sqrt: the float whose square brackets v
            s = v[1]
            if s < 0:
                return dtype(np.nan)
            if s == 0:
                return x
            y = np.sqrt(x)
            down = y
            from fractions import Fraction
            while Fraction(float(down)) ** 2 > s:
                down = np.nextafter(down, dtype(0))
            while Fraction(float(np.nextafter(down, dtype(np.inf)))) ** 2 <= s:
                down = np.nextafter(down, dtype(np.inf))
            if Fraction(float(down)) ** 2 == s or mode in ("rd", "rz"):
                return down
            up = np.nextafter(down, dtype(np.inf))
            if mode == "ru":
                return up
            mid = (Fraction(float(down)) + Fraction(float(up))) / 2
            return down if mid ** 2 > s else up  # never a tie for a root
        return _round_exact(v, dtype, mode, zero_sign)


def _rounding_inputs(dtype, n=150):
    rng_local = np.random.default_rng(5)
    info = np.finfo(dtype)
    tiny = info.smallest_subnormal
    edges = np.array([0.0, -0.0, 1.0, -1.0, 3.0, 0.1, -7.25, float(info.max), -float(info.max),
                      float(info.tiny), float(tiny), -float(tiny), 3 * float(tiny), np.inf,
                      -np.inf, np.nan, float(info.max) / 3, 2.0 ** (info.minexp + 1)],
                     np.float64).astype(dtype)
    exps = rng_local.integers(info.minexp - info.nmant, info.maxexp, n)
    drawn = (rng_local.uniform(-2, 2, n) * np.exp2(exps.astype(np.float64))).astype(dtype)
    near = (rng_local.uniform(0.5, 1.5, n)).astype(dtype)  # sums that cancel, products near 1
    return np.concatenate([edges, drawn, near])


ROUNDED = sorted(n for n in libdevice.functions
                 if n[0] in "fd" and n[1:n.index("_") if "_" in n else 0] in
                 ("add", "sub", "mul", "div", "rcp", "sqrt") and n[-3] == "_")


@pytest.mark.parametrize("name", ROUNDED)
def test_arithmetic_rounds_as_its_mode_says_exactly(name):
    fn = libdevice.functions[name]
    dtype = DTYPES[fn.result]
    x = _rounding_inputs(dtype)
    z = np.roll(_rounding_inputs(dtype)[::-1], 7)
    args = [x] if len(fn.params) == 1 else [x, z]
    got = run(fn, args)
    want = np.array([_reference(name, dtype, a, b if len(args) > 1 else None)
                     for a, b in zip(x, z)], dtype)
    bad = [(a, b, g, w) for a, b, g, w in zip(x, z, got, want)
           if not (g == w and np.signbit(g) == np.signbit(w) or np.isnan(g) and np.isnan(w))]
    assert not bad, f"{name}: (x, z, got, exact) {bad[:5]}"


CONVERSIONS = sorted(n for n in libdevice.functions
                     if "2float_r" in n or "2double_r" in n)


@pytest.mark.parametrize("name", CONVERSIONS)
def test_conversions_round_as_their_mode_says_exactly(name):
    from fractions import Fraction
    fn = libdevice.functions[name]
    dtype, source = DTYPES[fn.result], DTYPES[fn.compute[0]]
    if source == np.float64:
        x = _rounding_inputs(np.float64)
    else:  # ends, values past float32's and float64's 24 and 53 bits, random ones
        info = np.iinfo(source)
        edges = [0, 1, -1, 2**24 + 1, -(2**24 + 3), 2**31 - 1, -2**31, 2**32 - 1, 2**53 + 1,
                 (2**53 + 1) << 10, 2**63 - 1, -2**63, 2**64 - 1, 2**63 + 2**11 + 1]
        x = np.concatenate([
            np.array([e for e in edges if info.min <= e <= info.max], dtype=object).astype(source),
            np.random.default_rng(9).integers(info.min, info.max, 200, dtype=source,
                                              endpoint=True)])
    declared = x.astype(DTYPES[fn.params[0]]) if source != np.float64 else x
    got = run(fn, [declared])
    want = []
    for v in x:
        if isinstance(v, np.floating) and not np.isfinite(v):
            want.append(dtype(v))
        else:
            want.append(_round_exact(Fraction(int(v)) if source != np.float64 else
                                     Fraction(float(v)), dtype, name[-2:],
                                     -1 if np.signbit(v) else 1))
    want = np.array(want, dtype)
    bad = [(v, g, w) for v, g, w in zip(x, got, want)
           if not (g == w and np.signbit(g) == np.signbit(w) or np.isnan(g) and np.isnan(w))]
    assert not bad, f"{name}: (x, got, exact) {bad[:5]}"


@cuft.kernel
def product_then_sum(a, b, c, out):
    i = cuft.grid(1)
    if i < out.size:
        out[i] = libdevice.fadd_rn(a[i] * b[i], c[i])


@cuft.kernel(fastmath=True)
def fast_kernel_divides(a, b, out):
    i = cuft.grid(1)
    if i < out.size:
        out[i] = libdevice.fdiv_rn(a[i], b[i]) + b[i] / a[i]


def test_rounded_arithmetic_is_never_contracted_nor_fast_on_the_gpu():
    f = np.zeros(4, np.float32)
    ptx = product_then_sum.inspect(f, f, f, f, stage="ptx", chip="sm_90")
    # (.rn: ptxas may not fuse it either; the kernel's own product may be fused)
    assert "fma.rn" not in ptx and "add.rn.f32" in ptx
    # The kernel's own division is approximate; libdevice's is correctly rounded.
    ptx = fast_kernel_divides.inspect(f, f, f, stage="ptx", chip="sm_90")
    assert re.search(r"div\.rn(\.ftz)?\.f32", ptx) and re.search(r"div\.(approx|full)", ptx)
    a, b, c = (np.float32(v) for v in (1 + 2**-12, 1 - 2**-12, -1.0))
    out = np.zeros(1, np.float32)
    product_then_sum[1, 1](np.array([a]), np.array([b]), np.array([c]), out)
    assert out[0] == np.float32(a * b) + c  # the product rounded first: 0, not -2**-24


def test_remquo_gives_the_remainder_and_the_quotients_low_bits():
    from fractions import Fraction
    rng_local = np.random.default_rng(3)
    for name, dtype in (("remquo", np.float64), ("remquof", np.float32)):
        x = np.concatenate([[10.0, -10.0, 7.5, 1e30, 5.0, 3.0, 0.0, -0.0, np.inf, 2.0, 1e-30],
                            rng_local.uniform(-1e6, 1e6, 100)]).astype(dtype)
        y = np.concatenate([[3.0, 3.0, 2.0, 3.0, -2.0, 2.0, 1.0, -1.0, 1.0, 0.0, 7e-33],
                            rng_local.uniform(-50, 50, 100)]).astype(dtype)
        first, second = run(libdevice.functions[name], [x, y])
        for a, b, r, q in zip(x, y, first, second):
            if not (np.isfinite(a) and b != 0):
                assert np.isnan(r) and q == 0
                continue
            exact = Fraction(float(a)) / Fraction(float(b))
            n = round(exact)  # Python's round: halves to even
            assert r == dtype(float(Fraction(float(a)) - n * Fraction(float(b)))), (a, b)
            sign = -1 if np.signbit(a) != np.signbit(b) else 1
            assert q == sign * (abs(n) % 8), (a, b, q, n)


def test_frsqrt_rn_is_correctly_rounded():
    from fractions import Fraction
    x = np.concatenate([[0.0, -0.0, 1.0, 4.0, 2.0, 3.0, np.inf, -1.0, np.nan, 1e-45, 3.4e38],
                        np.random.default_rng(4).uniform(1e-3, 1e3, 300)]).astype(np.float32)
    global F
    F = libdevice.frsqrt_rn
    out = np.zeros(x.size, np.float32)
    call1[5, 64](x, out)
    for v, got in zip(x, out):
        if not (v > 0 and np.isfinite(v)):
            with np.errstate(all="ignore"):
                want = np.float32(1) / np.sqrt(v)
            assert got == want or np.isnan(got) and np.isnan(want), v
            continue
        # got is the nearest: (got's neighbours' midpoints)**2 * v brackets 1
        inf = np.float32(np.inf)
        lo = (Fraction(float(got)) + Fraction(float(np.nextafter(got, np.float32(0))))) / 2
        hi = (Fraction(float(got)) + Fraction(float(np.nextafter(got, inf)))) / 2
        assert lo * lo * Fraction(float(v)) <= 1 <= hi * hi * Fraction(float(v)), v


# jn(n, x) and yn(n, x) (mpmath).
BESSEL_N = {
    "jn": [((2, 1.0), 0.11490348493190048047), ((3, 2.5), 0.21660039103911352477), ((5, 10.0), -0.23406152818679364044), ((-2, 1.5), 0.23208767214421472724), ((0, 0.5), 0.93846980724081290423), ((10, 30.7), -0.14668950801947731502), ((1, 7.25), 0.068581700653131744531)],  # noqa: E501
    "yn": [((2, 1.0), -1.6506826068162543911), ((3, 2.5), -0.75605549675367099684), ((5, 10.0), 0.1354030476893623032), ((-2, 1.5), -0.93219375976297390523), ((0, 0.5), -0.44451873350670655715), ((10, 30.7), -0.020233724105351191005), ((1, 7.25), -0.28934799419758704529)],  # noqa: E501
}


@pytest.mark.parametrize("name", sorted(BESSEL_N))
def test_the_bessel_functions_of_order_n(name, tmp_path):
    from test_code_options import ptxas
    n = np.array([r[0][0] for r in BESSEL_N[name]], np.int64)  # an int64 order: C's int
    x = np.array([r[0][1] for r in BESSEL_N[name]])
    want = np.array([r[1] for r in BESSEL_N[name]])
    out = run(libdevice.functions[name], [n, x])
    np.testing.assert_allclose(out, want, rtol=64 * np.finfo(np.float64).eps, atol=1e-15)
    ptxas(call2.inspect(n, x, out, stage="ptx", chip="sm_90"), tmp_path)


@pytest.mark.parametrize("name", ["fma_rz", "fma_rd", "fma_ru", "fmaf_rz", "fmaf_rd", "fmaf_ru"])
def test_fused_multiply_adds_round_as_their_mode_says_exactly(name):
    from fractions import Fraction
    fn = libdevice.functions[name]
    dtype = DTYPES[fn.result]
    info = np.finfo(dtype)
    rng_local = np.random.default_rng(13)
    x = _rounding_inputs(dtype)
    y = np.roll(_rounding_inputs(dtype)[::-1], 5)
    z = np.roll(_rounding_inputs(dtype), 11)
    # products that c cancels to their last bits, and c far below or above them
    a = rng_local.uniform(1, 2, 60).astype(dtype)
    b = rng_local.uniform(1, 2, 60).astype(dtype)
    exact = [Fraction(float(u)) * Fraction(float(v)) for u, v in zip(a, b)]
    c = np.array([-float(e) for e in exact], dtype)  # rounded: the rest is the residue
    tiny = np.full(60, info.smallest_subnormal, dtype) * rng_local.choice([-1, 1], 60)
    huge = (rng_local.uniform(1, 2, 60) * 2.0 ** (info.maxexp - 2)).astype(dtype)
    x = np.concatenate([x, a, a, a, tiny]).astype(dtype)
    y = np.concatenate([y, b, b, tiny, b]).astype(dtype)
    z = np.concatenate([z, c, tiny, huge, c]).astype(dtype)
    got = run(fn, [x, y, z])
    bad = []
    for u, v, w, g in zip(x, y, z, got):
        if not all(np.isfinite(t) for t in (u, v, w)):
            with np.errstate(all="ignore"):
                want = dtype(u) * dtype(v) + dtype(w)  # an infinity or NaN: exact
            if not (np.isnan(want) and np.isnan(g)) and want != g:
                bad.append((u, v, w, g, want))
            continue
        product = Fraction(float(u)) * Fraction(float(v))
        value = product + Fraction(float(w))
        product_sign = -1 if np.signbit(u) != np.signbit(v) else 1
        zero_sign = -1 if value == 0 and (name.endswith("_rd") and not (
            product == 0 and w == 0 and product_sign > 0 and not np.signbit(w))
            or product == 0 and w == 0 and product_sign < 0 and np.signbit(w)) else 1
        want = _round_exact(value, dtype, name[-2:], zero_sign)
        if not (g == want and np.signbit(g) == np.signbit(want)):
            bad.append((u, v, w, g, want))
    assert not bad, f"{name}: (a, b, c, got, exact) {bad[:4]}"
