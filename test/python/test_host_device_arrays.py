"""Device arrays on the host target: a numba-cuda program's to_device,
device_array, copies, streams and events run on the CPU as they would on a GPU
(numba's simulator's rule), in host memory; a GPU launch refuses such an array
(test_cuda_fake.py, under the driver double)."""
import ctypes

import numpy as np
import pytest

import cuft

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.kernel
def add(a, b, out):
    i = cuft.grid(1)
    if i < out.size:
        out[i] = a[i] + b[i]


@cuft.kernel
def scale_2d(x, k):
    i, j = cuft.grid(2)
    if i < x.shape[0] and j < x.shape[1]:
        x[i, j] *= k


def test_a_numba_cuda_program_runs_on_the_host_with_device_arrays():
    a, b = np.arange(10.0), np.ones(10)
    d_a, d_b = cuft.to_device(a), cuft.to_device(b)
    d_out = cuft.device_array_like(a)
    assert d_a.on_host and repr(d_a) == "<cuft.DeviceArray shape=(10,) dtype=float64 (host)>"
    add[1, 32](d_a, d_b, d_out)
    np.testing.assert_array_equal(d_out.copy_to_host(), a + 1)
    a[0] = 100  # to_device copied: the device array keeps its own memory
    assert d_a[0] == 0
    host = np.zeros(10)
    assert d_out.copy_to_host(host) is host and host[9] == 10
    # A view of a device array, a numpy array and a device array together.
    add[1, 32](d_a[::-1], b, d_out)
    np.testing.assert_array_equal(d_out.copy_to_host(), np.arange(10.0)[::-1] + 1)


def test_views_assignment_and_copies_of_host_device_arrays():
    g = np.arange(12, dtype=np.float32).reshape(3, 4)
    d = cuft.to_device(g)
    scale_2d[(1, 1), (4, 4)](d[:, 1:3], 10)  # a strided view, written by the kernel
    g[:, 1:3] *= 10
    np.testing.assert_array_equal(d.copy_to_host(), g)
    np.testing.assert_array_equal(d.T.copy_to_host(), g.T)
    d[0] = -1
    d[:, 3] = 5  # a column: not contiguous, copied by a kernel
    g[0], g[:, 3] = -1, 5
    np.testing.assert_array_equal(d.copy_to_host(), g)
    assert d[2, 1] == g[2, 1] and d.flags["C_CONTIGUOUS"] and not d.T.flags["C_CONTIGUOUS"]
    z = cuft.zeros((2, 5), np.int16)
    assert z.on_host and (z.copy_to_host() == 0).all()
    other = cuft.device_array((3, 4), np.float32)
    other.copy_to_device(d)
    np.testing.assert_array_equal(cuft.to_device(other).copy_to_host(), g)
    np.testing.assert_array_equal(np.from_dlpack(d.reshape(12)), g.ravel())  # host memory
    assert not cuft.is_cuda_array(d)  # it is no GPU memory
    p = cuft.pinned_array_like(np.asfortranarray(g))
    assert p.shape == g.shape and p.flags.f_contiguous and isinstance(p, np.ndarray)


@pytest.mark.parametrize("make", [
    lambda z: z((10, 12), order="F")[::2, ::2],        # a view of a Fortran array
    lambda z: z((10, 12))[::2, ::2].T,                  # a transposed view
    lambda z: z((4, 5, 6))[:, ::2].transpose((2, 0, 1)),  # axes permuted
    lambda z: z((10, 12))[::2, ::3],                    # a C-ordered view
])
def test_arrays_like_a_view_are_contiguous_in_its_axis_order(make):
    # numba-cuda's *_array_like: numpy's zeros_like strides (smallest first
    # in the view's order), not C order, for a view contiguous neither way.
    view, d_view = make(np.zeros), make(cuft.device_array)
    want = np.zeros_like(view).strides
    for like in (cuft.device_array_like(view), cuft.device_array_like(d_view),
                 cuft.pinned_array_like(view), cuft.pinned_array_like(d_view)):
        assert like.shape == view.shape and like.strides == want


def test_streams_and_events_of_the_host_target_order_what_is_in_order():
    s = cuft.stream()
    start, end = cuft.event(), cuft.event()
    d = cuft.to_device(np.ones(64), s)  # numba's order: the stream second
    start.record(s)
    add[2, 32, s](d, d, d)
    end.record(s)
    end.synchronize()
    s.synchronize()
    cuft.synchronize()
    assert cuft.event_elapsed_time(start, end) >= 0
    np.testing.assert_array_equal(d.copy_to_host(stream=s), np.full(64, 2.0))
    with s.auto_synchronize():
        d.copy_to_device(np.zeros(64), stream=s)
    assert d[63] == 0 and repr(s) == "<cuft.Stream (host)>"
    assert cuft.is_bfloat16_supported()  # numba's question: the host computes it in float32


def test_host_device_memory_is_aligned_for_every_element():
    for dtype in (np.int8, np.float64, np.complex128):
        d = cuft.device_array(3, dtype)
        assert d.ptr % 64 == 0
        view = (ctypes.c_char * 3).from_address(d.ptr)  # the memory is there to write
        view[0] = b"x"


@cuft.kernel
def set_first(r, v):
    r.x = v


def test_in_out_and_records_keep_the_gpus_meaning_on_the_host():
    # A record of an array is passed by reference (its writes reach the
    # array); cuft.In drops a kernel's writes, as the GPU's copy there only.
    dt = np.dtype([("x", np.float64), ("n", np.int32)])
    a = np.zeros(2, dt)
    set_first[1, 1](a[1], 2.5)
    set_first[1, 1](cuft.In(a[0]), 9.0)
    assert a.tolist() == [(0.0, 0), (2.5, 0)]
    out = np.ones(3)
    add[1, 32](cuft.In(np.arange(3.0)), np.ones(3), cuft.Out(out))
    assert out.tolist() == [1.0, 2.0, 3.0]
