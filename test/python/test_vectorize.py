"""@cuft.vectorize: numba's ufuncs, checked against numpy on the host target
(the apply kernel is also compiled to a cubin)."""

import math

import numpy as np
import pytest

import cuft

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.vectorize(["float32(float32, float32)", "float64(float64, float64)"])
def rel_diff(x, y):
    return 2 * (x - y) / (x + y)


@cuft.vectorize(["int64(int64, int64, int64)"])
def clamp(x, lo, hi):
    return min(max(x, lo), hi)


@cuft.vectorize(["float64(float64)"])
def halve(x):
    return x / 2


def test_signatures_are_chosen_as_numba_chooses_and_inputs_broadcast():
    a = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    r = rel_diff(a, np.float32(2))
    assert r.dtype == np.float32
    np.testing.assert_allclose(r, 2 * (a - 2) / (a + 2), rtol=1e-6)
    b = np.arange(1.0, 4.0)  # float64: the second signature
    r = rel_diff(a, b)
    assert r.dtype == np.float64 and r.shape == (2, 3)
    np.testing.assert_allclose(r, 2 * (a - b) / (a + b), rtol=1e-15)
    x = np.arange(-5, 15)
    np.testing.assert_array_equal(clamp(x, 0, 9), np.clip(x, 0, 9))
    assert clamp(20, 0, 9) == 9  # scalars in, a scalar out


def test_out_and_errors():
    a = np.arange(6.0).reshape(3, 2)
    out = np.zeros((3, 2))
    assert halve(a, out=out) is out
    np.testing.assert_array_equal(out, a / 2)
    with pytest.raises(ValueError, match="out has shape"):
        halve(a, out=np.zeros(6))
    with pytest.raises(TypeError, match=r"no signature for inputs of types \(float64, int64, int64\)"):
        clamp(np.arange(3.0), 0, 1)
    with pytest.raises(TypeError, match="takes 1 arguments"):
        halve(a, a)
    with pytest.raises(TypeError, match="give its signatures"):
        cuft.vectorize(lambda x: x)


def test_the_apply_kernel_compiles_for_the_gpu():
    f32 = np.zeros(4, np.float32)
    assert len(rel_diff._kernel.inspect((f32, f32), f32, stage="cubin")) > 0


def test_import_cuft_does_not_import_ml_dtypes():
    # Importing ml_dtypes takes about half a second: cuft imports it only
    # when a ufunc's signatures are first read.
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c",
                           "import sys, cuft; print('ml_dtypes' in sys.modules)"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_kernel_options_reach_the_apply_kernel():
    # numba's @vectorize(..., fastmath=True): the kernel that applies the
    # function takes the options (device functions take their kernel's).
    def sine(x):
        return math.sin(x)

    fast = cuft.vectorize(["float32(float32)"], fastmath=True)(sine)
    precise = cuft.vectorize(["float32(float32)"])(sine)
    x = np.linspace(0, 1, 8, dtype=np.float32)
    assert "sin.approx" in fast._kernel.inspect((x,), x, stage="ptx")
    assert "sin.approx" not in precise._kernel.inspect((x,), x, stage="ptx")
    np.testing.assert_allclose(fast(x), np.sin(x), rtol=1e-6)
    gu = cuft.guvectorize(["void(float32[:], float32[:])"], "(n)->(n)", fastmath=True,
                          opt_level=2)(lambda a, b: None)
    assert gu._kernel.options["fastmath"] and gu._kernel.options["opt_level"] == 2
    with pytest.raises(TypeError, match="unknown option"):
        cuft.vectorize(["float32(float32)"], nonsense=1)(sine)


@cuft.vectorize(["float32(float32, float32)", "float64(float64, float64)",
                 "int64(int64, int64)"])
def add(x, y):
    return x + y


@cuft.vectorize(["float64(float64, float64)"])
def bigger(x, y):
    return max(x, y)


def pairwise(op, a):
    """numba-cuda's order of ufunc.reduce, in numpy: halves combined
    pairwise, an odd array's last element last."""
    a = a.copy()
    n = a.size
    if n == 1:
        return a[:1]
    if n % 2:
        head = pairwise(op, a[:n - 1])
        return op(head, a[n - 1:]).astype(a.dtype)
    left = op(a[:n // 2], a[n // 2:]).astype(a.dtype)
    return pairwise(op, left)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 64, 1000, 1023])
def test_reduce_folds_in_numba_cudas_order(n):
    rng = np.random.default_rng(n)
    for x in (rng.random(n).astype(np.float32), rng.random(n) * 1e3,
              rng.integers(-10**12, 10**12, n)):
        r = add.reduce(x)
        assert type(r) is x.dtype.type
        assert r == pairwise(np.add, x)[0]  # the same order: the same bits
    x = rng.standard_normal(n)
    before = x.copy()
    assert bigger.reduce(x) == x.max()
    np.testing.assert_array_equal(x, before)  # the rounds work on a copy


def test_reduce_errors_are_numba_cudas():
    with pytest.raises(TypeError, match="Reduction on an empty array"):
        add.reduce(np.zeros(0))
    with pytest.raises(TypeError, match="1-d array"):
        add.reduce(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="two arguments"):
        halve.reduce(np.zeros(3))
