"""a.reshape(...), a.ravel(), a.T and a.transpose(...) in kernels: NumPy's
C-order reshape of a C-contiguous array and NumPy's transposes, views of the
array's memory (numba-cuda's), on both targets: results on the host against
NumPy, the PTX through ptxas."""

import numpy as np
import pytest
from sourceutil import line_of
from test_code_options import ptxas

import cuft
from cuft import CompileError

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.func
def corner(m):
    return m[0, 0] + m[m.shape[0] - 1, m.shape[1] - 1]


@cuft.kernel
def reshapes(a, shape, out):
    i = cuft.threadIdx.x
    b = a.reshape(3, 4)             # extents as arguments
    c = a.reshape((2, -1))          # a tuple written, one extent inferred
    d = a.reshape(shape)            # a tuple passed in
    e = b.reshape(2, 3, 2)          # of a reshape, to 3-d
    out[0, i] = b[i // 4, i % 4]
    out[1, i] = c[i // 6, i % 6]
    out[2, i] = d[i // d.shape[1], i % d.shape[1]]
    out[3, i] = e[i // 6, (i // 2) % 3, i % 2]
    out[4, i] = b.ravel()[11 - i]
    out[5, i] = corner(c) + c.shape[1] * 100 + e.ndim * 1000


@cuft.kernel
def of_shared_and_local(a, out):
    s = cuft.shared.array((4, 8), cuft.float32)
    t = cuft.local.array(6, cuft.int64)
    i = cuft.threadIdx.x
    s.reshape(32)[i] = a[i]
    cuft.syncthreads()
    for j in range(6):
        t[j] = j * i
    out[i] = s.reshape(8, 4)[i // 4, i % 4] + t.reshape(2, 3)[1, 2]


@cuft.kernel
def writes_through(a):
    m = a.reshape(-1, 2)
    i = cuft.threadIdx.x
    m[i, 1] = m[i, 0] * 10


def test_reshapes_read_and_write_the_array_as_numpy(tmp_path):
    a = np.arange(12.0)
    out = np.zeros((6, 12))
    reshapes[1, 12](a, (6, 2), out)
    want = np.stack([a.reshape(3, 4).ravel(), a.reshape(2, -1).ravel(), a.reshape(6, 2).ravel(),
                     a.reshape(3, 4).reshape(2, 3, 2).ravel(), a.reshape(3, 4).ravel()[::-1],
                     np.full(12, 0 + 11 + 600 + 3000)])
    np.testing.assert_array_equal(out, want)
    reshapes[1, 12](a, (4, 3), out)  # the same specialization, other extents
    np.testing.assert_array_equal(out[2], a.reshape(4, 3).ravel())
    x = np.arange(32, dtype=np.float32)
    res = np.zeros(32, np.float32)
    of_shared_and_local[1, 32](x, res)
    np.testing.assert_array_equal(res, x.reshape(4, 8).reshape(8, 4).ravel() + 5 * np.arange(32))
    w = np.arange(8.0)
    writes_through[1, 4](w)
    np.testing.assert_array_equal(w, [0, 0, 2, 20, 4, 40, 6, 60])
    for k, args in ((reshapes, (a, (6, 2), out)), (of_shared_and_local, (x, res)),
                    (writes_through, (w,))):
        ptxas(k.inspect(*args, stage="ptx", chip="sm_90"), tmp_path)


@cuft.kernel
def writes_through_t(a):
    a.T[1, 0] = 5


def test_writing_through_a_reshape_or_transpose_writes_the_array():
    # A read-only array may not be written through its reshape or transpose.
    frozen = np.arange(8.0)
    frozen.setflags(write=False)
    with pytest.raises(cuft.KernelArgumentError, match="read-only array"):
        writes_through[1, 4](frozen)
    with pytest.raises(cuft.KernelArgumentError, match="read-only array"):
        writes_through_t[1, 1](frozen.reshape(2, 4))


def test_a_reshape_that_would_copy_is_a_compile_error():
    @cuft.kernel
    def of_a_view(a, out):
        out[0] = a[::2].reshape(2, 2)[1, 1]

    with pytest.raises(CompileError, match="reshape needs a C-contiguous array") as info:
        of_a_view[1, 1](np.arange(8.0), np.zeros(1))
    assert info.value.lineno == line_of(of_a_view, ".reshape(")[0]

    @cuft.kernel
    def flat(a, out):
        out[0] = a.ravel()[1]

    # A Fortran-ordered array is not C-contiguous (its C-order ravel would copy).
    with pytest.raises(CompileError, match="reshape needs a C-contiguous array"):
        flat[1, 1](np.asfortranarray(np.zeros((2, 4))), np.zeros(1))


@pytest.mark.parametrize("extents, message", [
    ((5, 3), "cannot reshape an array of size 12 into a shape of 15 elements"),
    ((-1, -1), "can only infer one dimension"),
    ((-2, -6), "negative dimensions are not allowed"),
    ((5, -1), "cannot reshape an array of size 12 into a shape of 10 elements"),
])
def test_checked_mode_reports_extents_that_do_not_fit(extents, message):
    @cuft.kernel(boundscheck=True)
    def checked(a, shape, out):
        out[0] = a.reshape(shape)[0, 0]

    with pytest.raises(cuft.KernelValueError, match=message) as info:
        checked[1, 1](np.arange(12.0), extents, np.zeros(1))
    assert isinstance(info.value, ValueError)
    assert info.value.lineno == line_of(checked, ".reshape(")[0]
    out = np.zeros(1)
    checked[1, 1](np.arange(1.0, 13.0), (4, -1), out)  # fits: no error
    assert out[0] == 1.0


@cuft.kernel
def transposes(a, b3, out, out3, out4):
    t = a.T
    for i in range(t.shape[0]):
        for j in range(t.shape[1]):
            out[i, j] = t[i, j] + a.transpose()[i, j] * 100
    p = b3.transpose((1, 2, 0))
    q = b3.transpose(2, -3, 1)  # a negative axis counts from the end
    for i in range(p.shape[0]):
        for j in range(p.shape[1]):
            for k in range(p.shape[2]):
                out3[i, j, k] = p[i, j, k]
    for i in range(q.shape[0]):
        for j in range(q.shape[1]):
            for k in range(q.shape[2]):
                out4[i, j, k] = q[i, j, k]
    t[1, 0] = -t[1, 0]  # writes a[0, 1]


@pytest.mark.parametrize("order", ["C", "F", "view"])
def test_transposes_read_and_write_the_array_as_numpy(order, tmp_path):
    a = np.arange(12.0).reshape(3, 4)
    b3 = np.arange(48.0).reshape(2, 3, 8)[:, :, :4].copy()
    if order == "F":  # a.T of a Fortran array is C-contiguous
        a, b3 = np.asfortranarray(a), np.asfortranarray(b3)
    elif order == "view":
        a, b3 = np.arange(24.0).reshape(3, 8)[:, ::2], np.arange(48.0).reshape(2, 3, 8)[..., ::2]
    want_a = a.copy()
    want_a[0, 1] = -want_a[0, 1]
    out = np.zeros((4, 3))
    out3 = np.zeros((3, 4, 2))
    out4 = np.zeros((4, 2, 3))
    before = a.copy()
    transposes[1, 1](a, b3, out, out3, out4)
    np.testing.assert_array_equal(out, before.T * 101)
    np.testing.assert_array_equal(out3, b3.transpose(1, 2, 0))
    np.testing.assert_array_equal(out4, b3.transpose(2, 0, 1))
    np.testing.assert_array_equal(a, want_a)  # written through the view
    ptxas(transposes.inspect(a, b3, out, out3, out4, stage="ptx", chip="sm_90"), tmp_path)


def test_transposes_are_typed_as_numpy_lays_them_out():
    # C reversed is F, F reversed is C: what a.T is contiguous in.
    @cuft.kernel
    def flat_of_t(a, out):
        out[0] = a.T.ravel()[1]  # a.T of an F array is C: its ravel is a view

    out = np.zeros(1)
    flat_of_t[1, 1](np.asfortranarray(np.arange(6.0).reshape(2, 3)), out)
    assert out[0] == np.arange(6.0).reshape(2, 3).T.ravel()[1]
    with pytest.raises(CompileError, match="reshape needs a C-contiguous array"):
        flat_of_t[1, 1](np.arange(6.0).reshape(2, 3), out)  # a.T of a C array is F


def test_bad_axes_are_a_located_compile_error():
    @cuft.kernel
    def bad(a, out):
        out[0] = a.transpose(0, 0)[0, 0]

    with pytest.raises(CompileError, match="axes don't match array") as info:
        bad[1, 1](np.zeros((2, 2)), np.zeros(1))
    assert info.value.lineno == line_of(bad, ".transpose(")[0]
