"""Math functions in the host target's vectorized thread loops: glibc's vector
math library (libmvec) computes a whole vector per call (HostLoader.cpp,
vectorMathLibrary), as accurate as the scalar functions (within a few ulps of
a float64 reference, as CUDA's are) and with IEEE's special values."""
import ctypes
import importlib.util
import math

import numpy as np
import pytest

import cuft

pytestmark = pytest.mark.usefixtures("on_host")

FUNCS = {"acos": (-0.99, 0.99, np.arccos), "acosh": (1.0, 100.0, np.arccosh),
         "asin": (-0.99, 0.99, np.arcsin), "asinh": (-1e3, 1e3, np.arcsinh),
         "atan": (-1e3, 1e3, np.arctan), "atanh": (-0.99, 0.99, np.arctanh),
         "cbrt": (-1e3, 1e3, np.cbrt), "cos": (-100.0, 100.0, np.cos),
         "cosh": (-80.0, 80.0, np.cosh), "exp2": (-100.0, 100.0, np.exp2),
         "erf": (-5.0, 5.0, None), "erfc": (-5.0, 9.0, None),
         "exp": (-80.0, 80.0, np.exp), "expm1": (-50.0, 50.0, np.expm1),
         "log": (1e-3, 1e3, np.log), "log10": (1e-3, 1e3, np.log10),
         "log1p": (-0.9, 100.0, np.log1p), "log2": (1e-3, 1e3, np.log2),
         "sin": (-100.0, 100.0, np.sin), "sinh": (-80.0, 80.0, np.sinh),
         "tan": (-100.0, 100.0, np.tan), "tanh": (-10.0, 10.0, np.tanh)}
ULPS = 4  # CUDA documents 1-4 ulps for these; libmvec and glibc's libm stay within 3


def has_libmvec():
    try:
        ctypes.CDLL("libmvec.so.1")
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def kernels(tmp_path_factory):
    """One kernel per function, `y[i] = math.f(x[i])`, from a file (cuft
    reads a kernel's source)."""
    path = tmp_path_factory.mktemp("vector_math") / "vector_math_kernels.py"
    path.write_text("import math\nimport cuft\n" + "".join(
        f"\n\n@cuft.kernel\ndef k_{f}(x, y):\n    i = cuft.grid(1)\n    if i < x.size:\n"
        f"        y[i] = math.{f}(x[i])\n" for f in FUNCS))
    spec = importlib.util.spec_from_file_location("vector_math_kernels", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference(f, x):
    lo, hi, npf = FUNCS[f]
    if npf is None:
        return np.array([getattr(math, f)(float(v)) for v in x])
    return npf(x.astype(np.float64))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("f", sorted(FUNCS))
def test_vectorized_math_is_within_a_few_ulps(kernels, f, dtype):
    lo, hi, _ = FUNCS[f]
    x = np.linspace(lo, hi, 4099).astype(dtype)  # whole vectors and a scalar tail
    y = np.zeros_like(x)
    kernel = getattr(kernels, f"k_{f}")
    kernel[(x.size + 255) // 256, 256](x, y)
    want = reference(f, x)
    ulp = np.maximum(np.abs(np.spacing(want.astype(dtype))).astype(np.float64),
                     np.finfo(dtype).tiny)
    worst = float(np.max(np.abs(y.astype(np.float64) - want) / ulp))
    assert worst <= ULPS, f"{f} {np.dtype(dtype).name}: {worst:.2f} ulps"
    if has_libmvec():
        text = kernel.inspect(x, y, stage="host-llvm")
        assert "_ZGV" in text, f"{f} calls no vector function"


def test_vector_math_keeps_ieee_special_values(kernels):
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.0] * 4, np.float32)
    for f in ("exp", "log", "tanh", "sin", "acos", "log1p", "atanh", "cosh"):
        y = np.zeros_like(x)
        getattr(kernels, f"k_{f}")[1, 32](x, y)
        with np.errstate(all="ignore"):
            want = reference(f, x).astype(np.float32)
        np.testing.assert_array_equal(np.isnan(y), np.isnan(want), err_msg=f)
        special = np.isinf(want) | (want == 0)  # exactly, signs included
        np.testing.assert_array_equal(y[special], want[special], err_msg=f)
        assert (np.signbit(y[special]) == np.signbit(want[special])).all(), f
        finite = ~special & ~np.isnan(want)
        np.testing.assert_allclose(y[finite], want[finite], rtol=ULPS * 2.0 ** -23, err_msg=f)
