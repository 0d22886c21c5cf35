"""cuft.Reduce / @cuft.reduce: numba's cuda.reduce, on the host against
numpy (sizes around the block and grid boundaries, init, size, res); the
reduction kernel also compiles to a cubin."""
import numpy as np
import pytest

import cuft

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.reduce
def sum_reduce(a, b):
    return a + b


def max_op(a, b):
    return max(a, b)


@pytest.mark.parametrize("n", [1, 2, 3, 127, 128, 129, 255, 1000, 128 * 64, 128 * 64 + 1,
                               1_000_003])
def test_sums_every_size(n):
    x = np.arange(n, dtype=np.int64) * 7 - n
    got = sum_reduce(x)
    assert got == x.sum() and type(got) is np.int64


def test_init_size_and_res():
    x = np.arange(1, 1001, dtype=np.int32)
    assert sum_reduce(x, init=5) == x.sum() + 5  # init once, as numba
    assert sum_reduce(x, size=10) == 55
    assert sum_reduce(x[:0], init=3) == 3
    res = np.zeros(2, np.int32)
    assert sum_reduce(x, res=res) is None
    assert list(res) == [x.sum(), 0]
    with pytest.raises(TypeError, match="only support 1D array"):
        sum_reduce(x.reshape(10, 100))


def test_any_binary_device_function_and_views():
    reducer = cuft.Reduce(max_op)
    rng = np.random.default_rng(2)
    x = rng.standard_normal(50_000)
    assert reducer(x) == x.max()
    assert reducer(x[::3]) == x[::3].max()  # a strided view
    f = rng.random(10_000).astype(np.float32)
    assert sum_reduce(f) == pytest.approx(f.sum(dtype=np.float64), rel=1e-5)


def test_the_reduction_kernel_compiles_for_the_gpu():
    x = np.zeros(256, np.float64)
    assert len(sum_reduce._kernel.inspect(x, x[:2], np.float64(0), True, stage="cubin")) > 0


def test_lambdas_as_numbas_docs_write_them():
    # numba's docs: sum_reduce = cuda.reduce(lambda a, b: a + b)
    total = cuft.reduce(lambda a, b: a + b)
    x = np.arange(5000, dtype=np.int64)
    assert total(x) == x.sum()
    # Two lambdas on one line: each compiles its own body.
    add, mul = (lambda a, b: a + b), (lambda a, b: a * b)
    assert cuft.Reduce(mul)(np.array([2, 3, 7], np.int64), init=1) == 42  # init 0 gives 0
    assert cuft.Reduce(add)(np.array([2, 3, 7], np.int64)) == 12
    scale = cuft.vectorize(["float64(float64)"])(lambda v: v * 2.5)
    np.testing.assert_array_equal(scale(np.arange(4.0)), np.arange(4.0) * 2.5)


def test_a_lambda_with_an_error_is_located():
    bad = cuft.reduce(lambda a, b: a + undefined_name)  # noqa: F821
    with pytest.raises(cuft.CompileError, match="undefined_name") as info:
        bad(np.arange(3.0))
    from sourceutil import line_of
    assert info.value.lineno == line_of(test_a_lambda_with_an_error_is_located,
                                        "undefined_name")[0]
