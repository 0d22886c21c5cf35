"""Slicing in kernels: views of arrays (cuft.view), as NumPy makes them."""
import itertools

import numpy as np
import pytest

import cuft
from cuft import CompileError, KernelArgumentError
from gallery import view_total

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.kernel
def slice_runtime(a, lo, hi, step, out, n):
    v = a[lo:hi:step]
    n[0] = v.size
    for k in range(v.size):
        out[k] = v[k]


@cuft.kernel
def slice_runtime_bounds(a, lo, hi, out, n):
    v = a[lo:hi]
    n[0] = len(v)
    for k in range(len(v)):
        out[k] = v[k]


def test_runtime_slices_follow_python():
    a = np.arange(7.0)
    out, n = np.zeros(16), np.zeros(1, np.int64)
    values = range(-9, 10)
    for lo, hi, step in itertools.product(values, values, [-3, -2, -1, 1, 2, 3]):
        slice_runtime[1, 1](a, lo, hi, step, out, n)
        want = a[lo:hi:step]
        assert n[0] == want.size, (lo, hi, step)
        np.testing.assert_array_equal(out[:want.size], want, err_msg=str((lo, hi, step)))
    for lo, hi in itertools.product(values, values):
        slice_runtime_bounds[1, 1](a, lo, hi, out, n)
        want = a[lo:hi]
        assert n[0] == want.size
        np.testing.assert_array_equal(out[:want.size], want)


def test_a_zero_step_gives_an_empty_view():
    out, n = np.zeros(4), np.full(1, 99, np.int64)
    slice_runtime[1, 1](np.arange(3.0), 0, 3, 0, out, n)
    assert n[0] == 0


@cuft.kernel
def literal_slices(a, out):
    # Steps known when compiled take one direction's code only.
    r = 0
    for v in (a[1:-1], a[::-1], a[::2], a[-3:], a[:2], a[::-2], a[5:1:-1], a[:], a[100:],
              a[-100:2]):
        out[r, 0] = v.size
        for k in range(v.size):
            out[r, 1 + k] = v[k]
        r += 1


def test_literal_slices_follow_python():
    a = np.arange(7.0)
    out = np.zeros((10, 9))
    literal_slices[1, 1](a, out)
    for r, v in enumerate([a[1:-1], a[::-1], a[::2], a[-3:], a[:2], a[::-2], a[5:1:-1], a[:],
                           a[100:], a[-100:2]]):
        assert out[r, 0] == v.size, r
        np.testing.assert_array_equal(out[r, 1:1 + v.size], v)


@cuft.func
def row_sum(row):
    s = 0.0
    for x in row:
        s += x
    return s


@cuft.kernel
def views_2d(a, out):
    i = cuft.grid(1)
    if i < a.shape[0]:
        row = a[i]                    # a row: fewer indices than dimensions
        out[i, 0] = row_sum(row)
        out[i, 1] = row_sum(a[i, 1:])
        out[i, 2] = row_sum(a[:, i % a.shape[1]])   # a column of a C array: strided
        out[i, 3] = a[::-1, ::2][i, 1]               # a view of a view's element
        out[i, 4] = a[1:, 1:][1:].shape[0] * 10 + a[1:, 1:].shape[1]
        out[i, 5] = a[i][-1] + a[-1][i % a.shape[1]]
        out[i, 6] = a[i, ::-1][0]
        out[i, 7] = a[i, ::2].strides[0]


def test_views_of_2d_arrays():
    # C, Fortran-ordered and strided arrays: every view of each.
    a = np.arange(20.0).reshape(4, 5)
    for b in (a, np.asfortranarray(a), np.arange(40.0).reshape(4, 10)[:, ::2]):
        out = np.zeros((4, 8))
        views_2d[1, 4](b, out)
        for i in range(4):
            want = [b[i].sum(), b[i, 1:].sum(), b[:, i % 5].sum(), b[::-1, ::2][i, 1],
                    b[1:, 1:][1:].shape[0] * 10 + b[1:, 1:].shape[1], b[i][-1] + b[-1][i % 5],
                    b[i, ::-1][0], b[i, ::2].strides[0]]
            np.testing.assert_array_equal(out[i], want)


@cuft.kernel
def write_through_view(a):
    v = a[1:]
    v[0] = 5.0


def test_writing_through_a_view_writes_the_array_and_is_refused_on_read_only_arrays():
    a = np.zeros(3)
    write_through_view[1, 1](a)
    np.testing.assert_array_equal(a, [0, 5, 0])
    ro = np.zeros(3)
    ro.setflags(write=False)
    with pytest.raises(KernelArgumentError, match="read-only"):
        write_through_view[1, 1](ro)


@cuft.kernel
def index_in_view(a, i, out):
    out[0] = a[i, :][0]


def test_an_index_of_a_view_is_bounds_checked():
    k = cuft.kernel(index_in_view.py_func, boundscheck=True)
    a, out = np.arange(6.0).reshape(2, 3), np.zeros(1)
    k[1, 1](a, -1, out)
    assert out[0] == 3.0
    with pytest.raises(IndexError, match="index 2 is out of bounds for axis 0 with size 2"):
        k[1, 1](a, 2, out)


@cuft.kernel
def shared_view(out):
    sh = cuft.shared.array(8, cuft.float32)
    t = cuft.threadIdx.x
    sh[t] = t
    cuft.syncthreads()
    if t == 0:
        tail = sh[4:]
        for k in range(tail.size):
            out[k] = tail[k]


def test_views_of_shared_arrays():
    out = np.zeros(4, np.float32)
    shared_view[1, 8](out)
    np.testing.assert_array_equal(out, [4, 5, 6, 7])


def err_float_bound(a):
    v = a[0.5:]


def err_slice_store(a):
    m = cuft.local.array((2, 2), cuft.float64)
    a[1:3] = m


def err_too_many(a, out):
    out[0] = a[1, 2:][0]


@pytest.mark.parametrize("fn, message", [
    (err_float_bound, "array indices must be integers, got 'f64'"),
    (err_slice_store, "cannot assign a rank-2 array to a rank-1 slice"),
])
def test_slice_errors(fn, message):
    with pytest.raises(CompileError, match=message):
        cuft.kernel(fn)[1, 1](np.zeros(4))


def test_too_many_indices_for_a_view():
    with pytest.raises(CompileError, match="too many indices for a rank-1 array"):
        cuft.kernel(err_too_many)[1, 1](np.zeros(4), np.zeros(1))


@cuft.kernel
def write_chosen(a, b, flag):
    x = a
    if flag:
        x = b
    x[0] = 1.0


def test_array_variables_assigned_twice_and_read_only_arrays():
    a, b = np.zeros(2), np.zeros(2)
    write_chosen[1, 1](a, b, True)
    assert (a[0], b[0]) == (0.0, 1.0)
    write_chosen[1, 1](a, b, False)
    assert (a[0], b[0]) == (1.0, 1.0)
    ro = np.zeros(2)
    ro.setflags(write=False)
    # Either may be written: a read-only one is refused.
    with pytest.raises(KernelArgumentError, match="read-only"):
        write_chosen[1, 1](ro, b, True)


POINT = np.dtype([("x", np.float32), ("y", np.float32), ("v", np.int32, (2,))])


def err_no_field(a):
    a[0].z = 1


def err_subarray_whole(a, out):
    out[0] = a[0].v


def test_record_fields_are_checked_where_they_are_used():
    for fn, args, message in [
            (err_no_field, (np.zeros(2, POINT),), "the record has no field 'z'"),
            (err_subarray_whole, (np.zeros(2, POINT), np.zeros(1)),
             "a stored value must be a scalar, got 'array<i32,1,C>'")]:
        with pytest.raises(CompileError) as info:
            cuft.kernel(fn)[1, 1](*args)
        assert message in str(info.value)


RECORD = np.dtype([("x", np.float32), ("v", np.float64, (3,)), ("m", np.int16, (2, 2))],
                  align=True)


@cuft.kernel
def subarray_views(a, out):
    i = cuft.grid(1)
    if i < a.size:
        r = a[i]
        v = r.v  # a view of the field: passed on, measured, iterated, written
        out[i] = view_total(v) + len(r.v) + r.m.shape[1] + r.m[1, 0]
        v[0] = -1
        r.m[0, :] = 9


def test_a_subarray_field_is_a_view_of_the_record():
    a = np.zeros(4, RECORD)
    a["v"] = np.arange(12.0).reshape(4, 3)
    a["m"] = 3
    out = np.zeros(4)
    subarray_views[1, 4](a, out)
    np.testing.assert_array_equal(out, np.arange(12.0).reshape(4, 3).sum(axis=1) + 3 + 2 + 3)
    assert (a["v"][:, 0] == -1).all() and (a["m"][:, 0] == 9).all() and (a["m"][:, 1] == 3).all()
    assert ".entry subarray_views" in subarray_views.inspect(a, out, stage="ptx")


@cuft.kernel
def fill_slice(a):
    a[1:3] = 0


def test_writes_through_records_and_slices_refuse_read_only_arrays():
    a = np.zeros(4, RECORD)
    a.setflags(write=False)
    with pytest.raises(KernelArgumentError, match="which writes to it"):
        subarray_views[1, 4](a, np.zeros(4))
    b = np.zeros(4)
    b.setflags(write=False)
    with pytest.raises(KernelArgumentError, match="which writes to it"):
        fill_slice[1, 1](b)


PT = np.dtype([("x", np.float32), ("y", np.float32)])


@cuft.func
def norm2(p):
    return p.x * p.x + p.y * p.y


@cuft.func
def scale_point(p, s):
    p.x *= s
    p.y *= s


@cuft.kernel
def points(a, out):
    i = cuft.grid(1)
    if i < a.size:
        out[i] = norm2(a[i])
        scale_point(a[i], 2)


def test_records_pass_to_device_functions_by_reference():
    a = np.zeros(4, PT)
    a["x"], a["y"] = np.arange(4), 1
    out = np.zeros(4, np.float32)
    points[1, 4](a, out)
    np.testing.assert_array_equal(out, np.arange(4) ** 2 + 1)
    np.testing.assert_array_equal(a["x"], np.arange(4) * 2)
    ro = np.zeros(4, PT)
    ro.setflags(write=False)  # the device function writes the record
    with pytest.raises(KernelArgumentError, match="which writes to it"):
        points[1, 4](ro, out)


@cuft.kernel(boundscheck=True)
def record_subarray_store(a, j):
    a[0].v[j] = 1


def test_subarray_field_indices_are_bounds_checked():
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 0 with size 3"):
        record_subarray_store[1, 1](np.zeros(2, RECORD), 3)
    a = np.zeros(2, RECORD)
    record_subarray_store[1, 1](a, -1)  # from the end
    assert a["v"][0, 2] == 1


@cuft.kernel
def write_record_scalar(r):
    r.x = 1


@cuft.kernel
def write_record_scalar_in_function(r):
    scale_point(r, 2)


@cuft.kernel
def read_record_scalar(r, out):
    out[0] = r.x + r.v[1] + r["m"][1, 1]


def test_record_scalars_of_arrays_are_passed_by_reference_as_numbas():
    a = np.zeros(3, RECORD)
    a[2] = (1.5, (0, 2, 0), ((0, 0), (0, 4)))
    out = np.zeros(1)
    read_record_scalar[1, 1](a[2], out)
    assert out[0] == 7.5
    read_record_scalar[1, 1](np.rec.array(a)[2], out)  # numpy.record too
    assert out[0] == 7.5
    # a[2] is a view of a's memory: a 0-d array of records over it.
    assert read_record_scalar.signature(a[2], out).startswith("array<rec<")
    # Writes reach the array, in a device function too (numba's semantics:
    # before, they were refused, as a by-value copy would lose them).
    p = np.ones(2, PT)
    write_record_scalar[1, 1](p[1])
    write_record_scalar_in_function[1, 1](p[0])
    assert p.tolist() == [(2.0, 2.0), (1.0, 1.0)]
    frozen = p.copy()
    frozen.setflags(write=False)
    with pytest.raises(CompileError, match="read-only array passed as argument #0") as info:
        write_record_scalar[1, 1](frozen[0])
    assert "r.x = 1" in str(info.value)


def test_unsupported_record_scalars_are_refused_at_the_argument():
    out = np.zeros(1)
    with pytest.raises(KernelArgumentError, match="needs a structured dtype"):
        read_record_scalar[1, 1](np.void(b"abc"), out)
    big_endian = np.zeros(1, np.dtype([("x", ">f4")]))[0]
    with pytest.raises(KernelArgumentError, match="native byte order"):
        read_record_scalar[1, 1](big_endian, out)


INNER = np.dtype([("x", np.float32), ("y", np.float32)])


@cuft.kernel
def copy_record(a, b, i, j):
    a[i] = b[j]


def test_storing_a_record_copies_it_and_takes_its_own_dtype_only():
    a, b = np.zeros(3, RECORD), np.zeros(3, RECORD)
    b[1] = (2.5, (1, 2, 3), ((4, 5), (6, 7)))
    copy_record[1, 1](a, b, 0, 1)
    assert a[0] == b[1] and a[1] == a[2]
    with pytest.raises(CompileError, match="cannot store a value of type 'rec<8;x=f32@0;y=f32@4>' "
                                           "into a record of type 'rec<"):
        copy_record[1, 1](a, np.zeros(2, INNER), 0, 1)


def test_nested_records_the_kernel_cannot_lay_out_are_refused():
    a = np.zeros(2, np.dtype([("t", np.int8), ("p", INNER)]))  # packed: p at byte 1
    with pytest.raises(CompileError, match="record field 'p' is a record at byte offset 1"):
        copy_record[1, 1](a, a, 0, 1)
    many = np.zeros(2, np.dtype([("ps", INNER, (2,))]))
    with pytest.raises(KernelArgumentError, match="'ps' is an array of records"):
        copy_record[1, 1](many, many, 0, 1)


def test_record_texts_are_made_once_per_dtype_under_racing_threads():
    # Threads read arguments of the same fresh dtypes at once (the map's
    # inserts race; the first wins) and of one dtype over and over (the
    # thread's lock-free hit); every read gives the dtype's one text.
    from threadutil import run_concurrently
    dtypes = [np.dtype([("x", np.float32), ("n", np.int32, (k,))]) for k in range(1, 9)]
    same = np.zeros(1, PT)

    def read_all():
        texts = []
        for _ in range(20):
            for dt in dtypes:
                texts.append(read_record_scalar.signature(np.zeros(2, dt)[1], np.zeros(1)))
            texts.append(read_record_scalar.signature(same[0], np.zeros(1)))
        return texts

    results = run_concurrently(16, read_all)
    assert all(r == results[0] for r in results)
    assert len(set(results[0])) == len(dtypes) + 1


@pytest.mark.parametrize("shape, index", [((7,), np.s_[::3]), ((9,), np.s_[::-2]),
                                          ((5, 6), np.s_[:, 1]), ((5, 6), np.s_[::2, 1:6:2]),
                                          ((4, 5, 6), np.s_[1:, ::-2, ::3]),
                                          ((3, 4, 5), np.s_[..., 2:4])])
def test_the_kernels_that_assign_to_device_views_write_every_element(shape, index):
    # cuft._device_copy's kernels write `d[index] = value` where the view is
    # not one block of memory; here on the host, into numpy views.
    from cuft._device_copy import KERNELS
    rng = np.random.default_rng(7)
    base = np.zeros(shape, np.float32)
    view = base[index]
    value = rng.random(view.shape).astype(np.float32)
    KERNELS[view.ndim][(view.size + 255) // 256, 256](view, value)
    expected = np.zeros(shape, np.float32)
    expected[index] = value
    np.testing.assert_array_equal(base, expected)


SUB = np.dtype([("i", np.int32), ("j", np.float32, (3, 2))], align=True)


@cuft.kernel
def assign_subarrays(dest, src, row, a):
    dest["j"] = src["j"]  # a record's subarray from another's
    a[1].j = row  # from an array: broadcast over the first axis, as numpy's
    a[0]["j"] = 7  # a scalar: every element


def test_a_records_subarray_field_is_assigned_whole_as_numpys(tmp_path):
    # numba-cuda's test_assign_array_to_nested and test_setitem (before: "an
    # array of 2 dimension(s): index each element of it").
    from test_code_options import ptxas
    src, dest = np.zeros(1, SUB), np.zeros(1, SUB)
    src[0]["j"] = np.arange(6).reshape(3, 2)
    a = np.zeros(2, SUB)
    row = np.array([1.5, 2.5], np.float32)
    assign_subarrays[1, 1](dest[0], src[0], row, a)
    want = np.zeros(2, SUB)
    want[1]["j"] = row
    want[0]["j"] = 7
    assert (dest[0]["j"] == src[0]["j"]).all() and (a == want).all()
    ptxas(assign_subarrays.inspect(dest[0], src[0], row, a, stage="ptx", chip="sm_90"), tmp_path)


@cuft.func
def _pick(a, i):
    return a[i]  # a record: its element, by reference


@cuft.kernel
def records_from_a_function(a, out):
    r = _pick(a, 1)
    out[0] = r.x + r.v[1]
    _pick(a, 0).x = 9  # a write through the returned record


@cuft.kernel
def read_returned_record(a, out):
    out[0] = _pick(a, 1).x


def test_device_functions_return_records_and_writes_through_them_count(tmp_path):
    # numba-cuda's test_getitem_idx (before: "a returned value must be a
    # scalar"). The read-only check follows the returned record back to the
    # array it may come from.
    from test_code_options import ptxas
    a = np.zeros(2, RECORD)
    a[1] = (1.5, (0, 2, 0), ((0, 0), (0, 4)))
    out = np.zeros(1)
    records_from_a_function[1, 1](a, out)
    assert out[0] == 3.5 and a[0]["x"] == 9
    ptxas(records_from_a_function.inspect(a, out, stage="ptx", chip="sm_90"), tmp_path)
    frozen = a.copy()
    frozen.setflags(write=False)
    read_returned_record[1, 1](frozen, out)
    assert out[0] == 1.5
    with pytest.raises(CompileError, match="read-only array passed as argument #0") as info:
        records_from_a_function[1, 1](frozen, out)
    assert "_pick(a, 0).x = 9" in str(info.value)


def _reads_fields(r, out):
    out[0] = r.x + r["v"][1] + max(r.m[1, 1], 0)


def _writes_a_field(r):
    r.v[0] += 1


def _holds_a_subarray(r, out):
    w = r.m[0:1]
    w[0, 0] = 1


def _passes_the_record(r, out):
    out[0] = _pick(r, 0)


@pytest.mark.parametrize("fn, only_read", [(_reads_fields, True), (_writes_a_field, False),
                                           (_holds_a_subarray, False),
                                           (_passes_the_record, False)])
def test_a_record_a_kernel_only_reads_is_told_from_its_syntax(fn, only_read):
    # On a GPU such a record is copied there only, without the warning
    # (transfers.record_only_read, conservative: what might write says no).
    from cuft.transfers import record_only_read
    assert record_only_read(fn, "r", RECORD) is only_read


# -- a.view(dtype) of arrays (NumPy's; numba-cuda's array.view) --------------------------
@cuft.kernel
def view_copy(a, out):
    v = a.view(np.uint32)
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            out[i, j] = v[i, j]


@cuft.kernel
def view_flat(a, out):
    v = a.view(np.float32)  # complex64 as its parts, interleaved
    for i in range(v.size):
        out[i] = v[i]


@cuft.kernel
def view_bytes(a, out):
    v = a.view(np.uint8)
    for i in range(v.size):
        out[i] = v[i]


@cuft.kernel
def view_flags(a, out):
    v = a.view(np.bool_)
    for i in range(v.size):
        out[i] = v[i]


@cuft.kernel
def view_write(a):
    bits = a.view(cuft.int32)
    i = cuft.grid(1)
    if i < bits.size:
        bits[i] = bits[i] ^ (1 << 31)  # the sign bit: a[i] = -a[i]


@cuft.kernel
def view_shared(out):
    s = cuft.shared.array(4, cuft.float64)
    for k in range(4):
        s[k] = k + 0.5
    words = s.view(np.uint32)
    for k in range(8):
        out[k] = words[k]


@pytest.mark.parametrize("make", [
    lambda: np.arange(12, dtype=np.float32).reshape(3, 4),  # same item size, C
    lambda: np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)),  # F
    lambda: np.arange(24, dtype=np.float32).reshape(3, 8)[:, ::2],  # strided
    lambda: np.arange(12, dtype=np.float64).reshape(3, 4) - 5.5,  # narrower: last axis x2
    lambda: np.arange(12, dtype=np.uint64).reshape(3, 4) << 40,
], ids=["f32-C", "f32-F", "f32-strided", "f64", "u64"])
def test_array_views_see_the_arrays_memory_as_numpys(make, tmp_path):
    from test_code_options import ptxas
    a = make()
    want = a.view(np.uint32) if a.dtype.itemsize == 4 or a.flags.c_contiguous else None
    out = np.zeros(want.shape, np.uint32)
    view_copy[1, 1](a, out)
    np.testing.assert_array_equal(out, want)
    ptxas(view_copy.inspect(a, out, stage="ptx", chip="sm_90"), tmp_path)


def test_array_views_of_complex_bool_and_shared_arrays_and_writes_through_them(tmp_path):
    from test_code_options import ptxas
    z = (np.arange(5) + 1j * np.arange(5, 10)).astype(np.complex64)
    out = np.zeros(10, np.float32)
    view_flat[1, 1](z, out)
    np.testing.assert_array_equal(out, z.view(np.float32))
    m = np.array([1, 0, 2], np.uint8).view(np.bool_)  # a bool holding byte 2
    bytes_ = np.zeros(3, np.uint8)
    view_bytes[1, 1](m, bytes_)
    assert list(bytes_) == [1, 0, 2]  # the bytes as they are
    flags = np.zeros(3, np.bool_)
    view_flags[1, 1](np.array([1, 0, 2], np.uint8), flags)
    assert list(flags) == [True, False, True]  # any nonzero byte is true

    x = np.linspace(-2, 2, 9).astype(np.float32)
    y = x.copy()
    view_write[1, 16](y)
    np.testing.assert_array_equal(y, -x)
    ptxas(view_write.inspect(y, stage="ptx", chip="sm_90"), tmp_path)
    with pytest.raises(KernelArgumentError, match="read-only"):
        view_write[1, 16](np.frombuffer(x.tobytes(), np.float32))

    w = np.zeros(8, np.uint32)
    view_shared[1, 1](w)
    np.testing.assert_array_equal(w, (np.arange(4) + 0.5).view(np.uint32))
    ptxas(view_shared.inspect(w, stage="ptx", chip="sm_90"), tmp_path)


def test_array_views_that_numpy_would_reshape_otherwise_are_located_errors():
    @cuft.kernel
    def wider(a, out):
        out[0] = a.view(np.float32)[0]

    with pytest.raises(CompileError, match="a view as a wider type is not supported") as info:
        wider[1, 1](np.zeros(8, np.uint8), np.zeros(1, np.float32))
    assert "a.view(np.float32)" in str(info.value)

    with pytest.raises(CompileError, match="needs a C-contiguous array"):
        view_copy[1, 1](np.asfortranarray(np.zeros((3, 4))), np.zeros((3, 8), np.uint32))
