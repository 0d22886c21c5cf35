"""cuft.guvectorize: numba's generalized ufuncs (core dimensions by layout,
loop dimensions broadcast as numpy's gufuncs), on the host against numpy; the
apply kernel also compiles to a cubin. Cases from numba-cuda's own
test_gufunc.py and test_gufunc_scalar.py."""
import numpy as np
import pytest

import cuft
from cuft import float32, float64, int32, void

pytestmark = pytest.mark.usefixtures("on_host")


def matmulcore_of(dtype):
    @cuft.guvectorize([void(dtype[:, :], dtype[:, :], dtype[:, :])], "(m,n),(n,p)->(m,p)",
                      target="cuda")
    def matmulcore(A, B, C):
        m, n = A.shape
        n, p = B.shape
        for i in range(m):
            for j in range(p):
                C[i, j] = 0
                for k in range(n):
                    C[i, j] += A[i, k] * B[k, j]
    return matmulcore


def test_matrix_products_over_loop_dimensions():
    gufunc = matmulcore_of(float32)
    assert gufunc.__name__ == "matmulcore"
    for count, shape in [(2, (2,)), (1001, (1001,)), (100, (4, 25))]:
        A = np.arange(count * 2 * 4, dtype=np.float32).reshape(*shape, 2, 4)
        B = np.arange(count * 4 * 5, dtype=np.float32).reshape(*shape, 4, 5)
        C = gufunc(A, B)
        assert C.shape == shape + (2, 5) and C.dtype == np.float32
        np.testing.assert_allclose(C, np.matmul(A, B), rtol=1e-6)


def test_a_missing_loop_dimension_broadcasts_and_out_is_written():
    gufunc = matmulcore_of(float64)
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((10, 3, 3)), rng.standard_normal((3, 3))
    np.testing.assert_allclose(gufunc(X, Y), np.matmul(X, Y), rtol=1e-12)
    out = np.full((10, 3, 3), np.nan)
    assert gufunc(X, Y, out=out) is out
    np.testing.assert_allclose(out, np.matmul(X, Y), rtol=1e-12)
    out[:] = np.nan
    assert gufunc(X, np.tile(Y, (10, 1, 1)), out) is out  # outputs passed positionally
    np.testing.assert_allclose(out, np.matmul(X, Y), rtol=1e-12)


def test_scalar_inputs_and_outputs():
    @cuft.guvectorize(["void(int32, int32[:])"], "()->()")
    def twice(inp, out):
        out[0] = inp * 2

    assert twice(10) == 20
    np.testing.assert_array_equal(twice(np.arange(10, dtype=np.int32)), np.arange(10) * 2)

    @cuft.guvectorize(["void(int32[:], int32[:])"], "(n)->()")
    def sum_row(inp, out):
        tmp = 0
        for i in range(inp.shape[0]):
            tmp += inp[i]
        out[0] = tmp

    inp = np.arange(300, dtype=np.int32).reshape(100, 3)
    np.testing.assert_array_equal(sum_row(inp), inp.sum(axis=1))

    @cuft.guvectorize(["void(float32, float32[:], float32[:], float32[:])"], "(),(t),(t)->(t)")
    def saxpy(a, x, y, out):
        for i in range(out.shape[0]):
            out[i] = a * x[i] + y[i]

    X = np.arange(10, dtype=np.float32).reshape(5, 2)
    np.testing.assert_array_equal(saxpy(np.float32(2), X, X), 2 * X + X)
    a = np.arange(5, dtype=np.float32).reshape(5, 1)  # a scalar per row, broadcast
    np.testing.assert_array_equal(saxpy(a[:, 0], X, X), a * X + X)


def test_several_outputs_and_signatures():
    @cuft.guvectorize([void(int32[:], int32[:], float64[:]),
                       void(float64[:], float64[:], float64[:])], "(x)->(x),(x)")
    def copy_and_scale(A, B, C):
        for i in range(B.size):
            B[i] = A[i]
            C[i] = A[i] * 1.5

    A = np.arange(10, dtype=np.int32) + 1
    B, C = copy_and_scale(A)
    assert B.dtype == np.int32 and C.dtype == np.float64
    np.testing.assert_array_equal(B, A)
    np.testing.assert_array_equal(C, A * 1.5)
    B2, C2 = copy_and_scale(A + 0.5)  # no int32 signature takes floats: the float64 one
    assert B2.dtype == np.float64
    np.testing.assert_array_equal(B2, A + 0.5)
    B3, C3 = np.zeros_like(A), np.zeros(10)
    returned = copy_and_scale(A, B3, C3)  # the outputs it wrote
    assert returned[0] is B3 and returned[1] is C3
    np.testing.assert_array_equal(B3, A)
    np.testing.assert_array_equal(C3, A * 1.5)


def test_numbas_errors():
    @cuft.guvectorize([(int32[:], int32[:], int32[:])], "(m),(m)->(m)")
    def f(x, y, z):
        pass

    arr = np.arange(5, dtype=np.int32)
    with pytest.raises(TypeError, match="gufunc accepts 2 positional arguments .* or 3 "
                                        "positional arguments .* Got 1 positional argument."):
        f(arr)
    with pytest.raises(TypeError, match="Got 4 positional arguments."):
        f(arr, arr, arr, arr)
    with pytest.raises(ValueError, match="cannot specify argument 'out' as both positional "
                                         "and keyword"):
        f(arr, arr, arr, out=arr)
    with pytest.raises(ValueError, match="dimension m is 5 and 4"):
        f(arr, arr[:4])
    with pytest.raises(TypeError, match="guvectorized functions cannot return values"):
        cuft.guvectorize([int32(int32[:], int32[:])], "(m)->(m)")(lambda x, y: None)
    with pytest.raises(TypeError, match="nopython flag must be True"):
        cuft.guvectorize([void(float32[:], float32[:])], "(x)->(x)", nopython=False)
    with pytest.raises(TypeError, match="The following target options are not supported: "
                                        "'ever2', 'what1'"):
        cuft.guvectorize([void(float32[:], float32[:])], "(x)->(x)", what1=True, ever2=False)
    with pytest.raises(ValueError, match="bad layout"):
        cuft.guvectorize([void(float32[:], float32[:])], "(x)>(x)")(lambda a, b: None)

    @cuft.guvectorize([void(float32[:], float32[:])], "(x)->(y)")
    def unbound(a, b):
        pass

    with pytest.raises(ValueError, match="output 0's dimension y is not given by the inputs"):
        unbound(np.zeros(3, np.float32))
    assert unbound(np.zeros(3, np.float32), np.zeros(4, np.float32)).shape == (4,)


def test_the_apply_kernel_compiles_for_the_gpu():
    gufunc = matmulcore_of(float32)
    a = np.zeros((4, 2, 2), np.float32)
    assert len(gufunc._kernel.inspect(a, a, a, 4, stage="cubin")) > 0
