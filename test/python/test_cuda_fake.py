"""The CUDA launch path driven against a driver double (test/fakecuda), on
machines with no GPU. The double runs no kernel; it checks cuft's use of the
driver as strictly as the real one (a current context on every thread,
modules used only in their context, copies inside allocations, the launch
limits of an H100) and records each launch's parameters laid out as the
cubin's .nv.info says the kernel reads them. So these tests check, without a
GPU: the parameter ABI of every kind of argument, exactly one compile and one
load per context under many threads, streams, frees from any thread, launch
configuration errors, linking with setup and teardown, unloads. Whether the
GPU code computes the right numbers is test_cuda_gpu.py's job, on a GPU."""
import os
import re
import struct
import sys
import textwrap

import pytest

import cuft
from scriptutil import run_script

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAKE = os.environ.get("CUFT_FAKECUDA") or os.path.join(
    os.environ.get("CUFT_BUILD_DIR", os.path.join(REPO, "build")), "lib", "libcuft-fakecuda.so")

pytestmark = [
    pytest.mark.skipif(not os.path.exists(FAKE), reason=f"the driver double is not built ({FAKE})"),
    pytest.mark.skipif(cuft._cuft.linker_problem() != "",
                       reason="launches link with nvJitLink: " + cuft._cuft.linker_problem()),
]

PREAMBLE = f"""
import ctypes, os, struct, sys, threading
import numpy as np
sys.path.insert(0, {HERE!r})
import cuft
from threadutil import run_concurrently

fake = ctypes.CDLL(os.environ["CUFT_LIBCUDA"])
for f in (fake.fakecuda_counter, fake.fakecuda_live, fake.fakecuda_last_launch,
          fake.fakecuda_cubin_params):
    f.restype = ctypes.c_long

def counter(name):
    return fake.fakecuda_counter(name.encode())

def live(what):
    return fake.fakecuda_live(what.encode())

def last_launch():
    cfg = (ctypes.c_uint64 * 8)()
    buf = ctypes.create_string_buffer(1 << 16)
    name = ctypes.create_string_buffer(256)
    n = fake.fakecuda_last_launch(cfg, buf, 1 << 16, name, 256)
    assert n >= 0, "no launch on this thread"
    return dict(grid=tuple(cfg[0:3]), block=tuple(cfg[3:6]), shared=cfg[6], stream=cfg[7],
                kernel=name.value.decode(), params=buf.raw[:n])

def cubin_params(cubin, kernel):
    out = (ctypes.c_uint32 * 2048)()
    n = fake.fakecuda_cubin_params(cubin, len(cubin), kernel.encode(), out, 2048)
    assert n >= 0, "no parameter layout for " + kernel
    return [(out[2 * i], out[2 * i + 1]) for i in range(n)]

def count_copies_back():  # the shapes of the DeviceArrays copied to the host from now on
    back = []
    copy_to_host = cuft.DeviceArray.copy_to_host
    def counted(self, *args, **kwargs):
        back.append(self.shape)
        return copy_to_host(self, *args, **kwargs)
    cuft.DeviceArray.copy_to_host = counted
    return back

def default_stream_handle():
    return 2 if cuft.cuda.uses_per_thread_default_stream() else 0

cuft.set_target("cuda")
"""


def run_fake(code, **env):
    """Runs ``code`` (after PREAMBLE) in a fresh interpreter whose CUDA driver
    is the double; fails the test on a non-zero exit. Returns stdout."""
    return run_script(PREAMBLE + textwrap.dedent(code),
                      drop=("CUFT_TARGET", "CUFT_PER_THREAD_DEFAULT_STREAM"),
                      **{"CUFT_LIBCUDA": FAKE, **env})


def test_the_double_reads_the_parameter_layout_ptx_declares():
    # The double's reading of .nv.info is what the ABI tests rest on: check
    # it against the PTX's own .param list, over every kind of parameter.
    run_fake(r"""
    import re
    @cuft.kernel
    def many(a, x, m, n, flag, d, u):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] = a + m[0, 0] + n + d + u
            if flag:
                x[i] = 0

    sig = "f32, f32[::1], f64[:, :], i8, bool, f64, u16"
    ptx = many.inspect(signature=sig, stage="ptx")
    entry = ptx.split(".entry many(")[1].split(")")[0]
    sizes = {"u8": 1, "s8": 1, "b8": 1, "u16": 2, "s16": 2, "b16": 2, "u32": 4, "s32": 4,
             "b32": 4, "f32": 4, "u64": 8, "s64": 8, "b64": 8, "f64": 8}
    declared = [sizes[t] for t in re.findall(r"\.param \.(\w+)", entry)]
    layout = cubin_params(many.inspect(signature=sig, stage="cubin"), "many")
    assert [size for _, size in layout] == declared, (layout, declared)
    offsets = [offset for offset, _ in layout]
    assert offsets == sorted(offsets) and all(o % s == 0 for o, s in layout)
    """)


def test_launch_parameters_hold_every_kind_of_argument():
    run_fake(r"""
    @cuft.kernel
    def many(a, x, m, n, flag, d, k: cuft.constexpr):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] = a + m[0, 0] + n + d + k
            if flag:
                x[i] = 0

    class View:  # a strided view of another GPU array, through the interface
        def __init__(self, base, shape, strides):
            self.__cuda_array_interface__ = {
                "shape": shape, "strides": strides, "typestr": "<f8", "version": 3,
                "data": (base.ptr, False)}

    x = cuft.zeros(10, np.float32)
    big = cuft.zeros((4, 10), np.float64)
    m = View(big, (4, 5), (80, 16))  # every other column: strides of 10 and 2 elements
    args = (np.float32(2.5), x, m, np.int8(-3), True, 1.25, 7)
    many[(3, 2), (32, 2)](*args)                   # a miss: the slow path
    first = last_launch()
    many[(3, 2), (32, 2)](*args)                   # a hit: the C++ warm path
    second = last_launch()
    many[(3, 2), (32, 2)](*args[:-1], k=7)         # keywords: the slow path again
    third = last_launch()
    assert first == second == third, (first, second, third)
    assert many.stats()["compiles"] == 1 and many.stats()["hits"] >= 1

    layout = cubin_params(many.inspect(*args, stage="cubin"), "many")
    formats = {1: "b", 4: "f", 8: "q"}
    values = [struct.unpack_from("<" + formats[size], first["params"], offset)[0]
              for offset, size in layout]
    expected = [2.5,                               # a (f32)
                x.ptr, x.ptr, 0, 10, 1,            # x: allocated, aligned, offset, size, stride
                big.ptr, big.ptr, 0, 4, 5, 10, 2,  # m: sizes (4, 5), strides (10, 2) elements
                -3, 1, struct.unpack("<q", struct.pack("<d", 1.25))[0]]
    assert values == expected, (values, expected)  # k is compiled in, not passed
    assert first["grid"] == (3, 2, 1) and first["block"] == (32, 2, 1)
    assert first["shared"] == 0 and first["kernel"] == "many"
    assert first["stream"] == default_stream_handle()
    """)


def test_16_threads_compile_once_load_once_and_each_sets_its_context():
    out = run_fake(r"""
    @cuft.kernel
    def add_one(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] += 1

    arrays = [cuft.zeros(256, np.int64) for _ in range(16)]
    it = iter(arrays)
    switches = counter("context_switches")

    def work():
        a = next(it)
        for _ in range(10):
            add_one[1, 256](a)
        launch = last_launch()
        assert launch["params"][:8] == struct.pack("<Q", a.ptr)
        return launch["stream"]

    streams = run_concurrently(16, work)
    s = add_one.stats()
    assert s["compiles"] == 1 and s["loads"] == 1, s
    assert s["hits"] >= 16 * 10 - 16, s
    assert counter("loads") == 1 and counter("launches") == 160
    assert set(streams) == {default_stream_handle()}
    # Each new thread makes the context current once, not once per call.
    assert counter("context_switches") - switches == 16
    info = cuft.cache_info()
    assert info["loads"] == 1 and info["modules"] == 1, info
    print(sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True)
    """)
    if "free-threading" in sys.version or getattr(sys, "_is_gil_enabled", lambda: True)() is False:
        assert out.strip() == "False"  # the GIL stayed off


@pytest.mark.parametrize("env, expected", [("1", 2), ("0", 0), (None, None)])
def test_streams_reach_the_launch(env, expected):
    extra = {} if env is None else {"CUFT_PER_THREAD_DEFAULT_STREAM": env}
    run_fake(rf"""
    @cuft.kernel
    def touch(x):
        x[0] = 1

    x = cuft.zeros(4, np.float32)
    touch[1, 1](x)
    expected = {expected!r}
    if expected is None:  # the build decides: per-thread on free-threaded ones
        import sysconfig
        expected = 2 if sysconfig.get_config_var("Py_GIL_DISABLED") else 0
    assert last_launch()["stream"] == expected
    s = cuft.Stream()
    touch[1, 1, s](x)
    assert last_launch()["stream"] == s.handle != 0

    class Foreign:  # a CuPy or PyTorch stream
        __cuda_stream__ = (0, s.handle)
    touch[1, 1, Foreign()](x)
    assert last_launch()["stream"] == s.handle
    touch[1, 1](x, stream=Foreign())  # stream= with the arguments, or by configure()
    assert last_launch()["stream"] == s.handle
    touch.configure(1, 1, stream=s, shared_bytes=64)(x)
    assert last_launch()["stream"] == s.handle and last_launch()["shared"] == 64
    touch[1, 1](x)
    assert last_launch()["stream"] == expected
    e0, e1 = cuft.Event().record(s), cuft.Event()
    touch[1, 1, s](x)
    e1.record(s)
    e1.synchronize()
    assert e0.elapsed_time(e1) >= 0
    cuft.default_stream().wait(e1)
    s.synchronize()
    del s, e0, e1
    assert live("streams") == 0 and live("events") == 0
    """, **extra)


def test_device_memory_round_trips_and_is_freed_from_any_thread():
    run_fake(r"""
    a = np.arange(12, dtype=np.float64).reshape(3, 4)
    d = cuft.to_device(a.T)  # a non-contiguous source is copied contiguous
    assert d.shape == (4, 3)
    np.testing.assert_array_equal(d.copy_to_host(), a.T)
    assert (cuft.zeros((5, 6), np.int16).copy_to_host() == 0).all()
    out = np.empty((4, 3))
    assert d.copy_to_host(out) is out
    base = live("allocations")
    arrays = [cuft.device_array(100, np.float32) for _ in range(400)]
    assert live("allocations") == base + 400
    chunks = [arrays[i::8] for i in range(8)]
    del arrays
    it = iter(chunks)

    def drop():
        mine = next(it)
        chunks[chunks.index(mine)] = None
        del mine  # the last references go on this thread
    run_concurrently(8, drop)
    # Free-threaded CPython frees an object another thread dropped on the
    # thread that made it (biased reference counting), at that thread's next
    # check: the main thread's, after the workers ended. Give it its turns.
    import gc, time
    deadline = time.monotonic() + 10
    while live("allocations") != base and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.01)
    assert live("allocations") == base, (live("allocations"), base)
    """)


def test_device_arrays_slice_copy_and_assign_as_numba_cudas():
    run_fake(r"""
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    d = cuft.to_device(a)
    assert len(d) == 4 and d.is_c_contiguous() and not d.is_f_contiguous()
    # Views share the memory; each reads back as numpy's view of the host array.
    for index in [np.s_[1:3, ::2], np.s_[::-1, ::-2], np.s_[2], np.s_[:, 1], np.s_[..., -1],
                  np.s_[1:1], np.s_[-3:, 2:5], np.s_[np.int64(1), 1:]]:
        view = d[index]
        assert view.shape == a[index].shape and view.strides == a[index].strides, index
        assert view.ptr == d.ptr + (a[index].ctypes.data - a.ctypes.data), index
        np.testing.assert_array_equal(view.copy_to_host(), a[index])
        out = np.empty(a[index].shape, np.float32)
        assert view.copy_to_host(out) is out
        np.testing.assert_array_equal(out, a[index])
    np.testing.assert_array_equal(d.T.copy_to_host(), a.T)
    np.testing.assert_array_equal(d.reshape(6, -1).copy_to_host(), a.reshape(6, -1))
    np.testing.assert_array_equal(d.ravel().copy_to_host(), a.ravel())
    assert d[2, 3] == a[2, 3] and d[-1, -1] == a[-1, -1] and type(d[0, 0]) is np.float32
    # Assignment to contiguous targets: broadcast and converted as numpy's.
    d[1, 2:4] = 99
    a[1, 2:4] = 99
    d[3] = np.arange(6)
    a[3] = np.arange(6)
    d[0, 0] = 7.9
    a[0, 0] = 7.9
    np.testing.assert_array_equal(d.copy_to_host(), a)
    # copy_to_device from the host and from another device array.
    like = cuft.device_array_like(a, cuft.Stream())  # numba's order: the stream second
    assert like.shape == a.shape and like.dtype == a.dtype and like.is_c_contiguous()
    like.copy_to_device(d)
    np.testing.assert_array_equal(like.copy_to_host(), a)
    like[2].copy_to_device(np.full(6, -1, np.float32))
    a[2] = -1
    np.testing.assert_array_equal(like.copy_to_host(), a)
    fortran = cuft.device_array_like(np.asfortranarray(a))
    assert fortran.is_f_contiguous() and fortran.strides == np.asfortranarray(a).strides
    assert cuft.device_array((3, 4), np.float64, order="F").strides == (8, 24)
    assert counter("context_synchronizes") == 0
    cuft.synchronize()
    assert counter("context_synchronizes") == 1
    # A view that is not one block of memory is written by a kernel (numba's
    # way too): the double runs no kernel, so only its launch is checked here
    # (test_cuda_gpu.py checks the numbers).
    launches = counter("launches")
    d[:, 1] = 3  # a column: 4 elements 6 apart
    assert counter("launches") == launches + 1
    launch = last_launch()
    assert launch["kernel"] == "copy1" and launch["grid"] == (1, 1, 1), launch
    assert struct.unpack_from("<5q", launch["params"]) == (d.ptr + 4, d.ptr + 4, 0, 4, 6)
    d[::2, 1:5:2] = 3  # 2 x 2 elements, rows 12 and columns 2 apart
    launch = last_launch()
    assert launch["kernel"] == "copy2", launch
    assert struct.unpack_from("<7q", launch["params"]) == (d.ptr + 4, d.ptr + 4, 0, 2, 2, 12, 2)
    # numba-cuda's forms of to_device: a stream second, to=, copy=False.
    s = cuft.Stream()
    by_stream = cuft.to_device(a, s)
    s.synchronize()
    np.testing.assert_array_equal(by_stream.copy_to_host(), a)
    assert cuft.to_device(a * 2, to=by_stream) is by_stream
    np.testing.assert_array_equal(by_stream.copy_to_host(), a * 2)
    assert cuft.to_device(by_stream, copy=False) is by_stream
    again = cuft.to_device(by_stream[:, ::2])  # a device array copied, contiguous
    np.testing.assert_array_equal(again.copy_to_host(), (a * 2)[:, ::2])
    assert cuft.to_device(np.zeros(0)).shape == (0,)
    # Page-locked host memory, numba's pinned_array: copies both ways, freed with the array.
    before = live("host_allocations")
    pinned = cuft.pinned_array((4, 6), np.float32)
    assert type(pinned) is np.ndarray and live("host_allocations") == before + 1
    d.copy_to_host(pinned)
    np.testing.assert_array_equal(pinned, d.copy_to_host())
    pinned[:] = 4
    d.copy_to_device(pinned)
    assert (d.copy_to_host() == 4).all()
    a[...] = 4
    fortran = cuft.pinned_array((3, 5), np.int16, order="F")
    assert fortran.flags.f_contiguous and fortran.strides == (2, 6)
    row = pinned[1]  # a view keeps the memory
    del pinned, fortran
    import gc
    gc.collect()
    assert live("host_allocations") == before + 1
    del row
    gc.collect()
    assert live("host_allocations") == before
    assert cuft.pinned_array((0, 3)).shape == (0, 3)
    # numba-cuda's device queries.
    device = cuft.get_current_device()
    assert device.id == 0 and device.name == "cuft driver double 0"
    assert device.compute_capability == (9, 0) and device.MULTIPROCESSOR_COUNT == 132
    assert device.WARP_SIZE == 32 and device.MAX_THREADS_PER_BLOCK == 1024
    assert len(cuft.gpus) == 1 and [g.id for g in cuft.gpus] == [0]
    try:
        cuft.gpus[1]
    except IndexError:
        pass
    else:
        raise AssertionError("cuft.gpus[1] of one device")
    try:
        device.NO_SUCH_ATTRIBUTE
    except AttributeError:
        pass
    else:
        raise AssertionError("an unknown attribute was read")
    # numba-cuda's stream and event names.
    s = cuft.stream()
    with s.auto_synchronize() as same:
        assert same is s
        start, end = cuft.event().record(s), cuft.event()
        start.wait()  # the default stream waits for it, on the GPU
        end.record(s)
    end.synchronize()
    assert cuft.event_elapsed_time(start, end) >= 0
    assert cuft.is_cuda_array(d) and not cuft.is_cuda_array(a)
    # Another library's GPU array, shared without a copy (kept alive by the view).
    class Foreign:
        def __init__(self, base, strides=(24, 8), readonly=False):
            self.__cuda_array_interface__ = {
                "shape": (4, 3), "strides": strides, "typestr": "<f4", "version": 3,
                "data": (base.ptr, readonly), "stream": None}
    base = cuft.to_device(a)
    shared = cuft.as_cuda_array(Foreign(base))
    assert shared.ptr == base.ptr and shared.strides == (24, 8)
    np.testing.assert_array_equal(shared.copy_to_host(), a[:, ::2])
    dense = cuft.as_cuda_array(Foreign(base, strides=None))  # the first 12 elements, (4, 3)
    dense[1] = 5
    a.reshape(-1)[3:6] = 5
    np.testing.assert_array_equal(base.copy_to_host(), a)
    try:
        cuft.as_cuda_array(Foreign(base, readonly=True))
    except ValueError as e:
        assert "read-only" in str(e)
    else:
        raise AssertionError("read-only memory was wrapped")
    assert cuft.is_available() == (cuft.cuda_status()["available"])
    # What numba-cuda refuses, or what would need a copy, is refused clearly.
    for index, error, says in [([1, 2], IndexError, "fancy indexing"),
                               (np.s_[None, :], IndexError, "None"),
                               (np.s_[1, 2, 3], IndexError, "too many indices"),
                               (5, IndexError, "out of bounds"),
                               (True, IndexError, "bool")]:
        try:
            d[index]
        except error as e:
            assert says in str(e), (index, e)
        else:
            raise AssertionError(f"d[{index!r}] was not refused")
    for attempt, error, says in [
            (lambda: cuft.zeros((2, 2, 2, 2, 2))[..., 0].__setitem__(..., 0), ValueError,
             "1 to 3 dimensions"),
            (lambda: d.T.reshape(-1), NotImplementedError, "not C-contiguous"),
            (lambda: d.reshape(5, -1), ValueError, "cannot reshape"),
            (lambda: like.copy_to_device(np.zeros((4, 6))), TypeError, "incompatible dtype"),
            (lambda: like.copy_to_device(np.zeros((6, 4), np.float32)), ValueError, "shape"),
            (lambda: d[:, 1].copy_to_device(np.zeros(4, np.float32)), ValueError,
             "not C-contiguous")]:
        try:
            attempt()
        except error as e:
            assert says in str(e), e
        else:
            raise AssertionError(f"not refused: {says}")
    """)


def test_a_kernel_gets_a_views_pointer_shape_and_strides():
    run_fake(r"""
    @cuft.kernel
    def inc(x):
        i, j = cuft.grid(2)
        if i < x.shape[0] and j < x.shape[1]:
            x[i, j] += 1

    d = cuft.zeros((4, 6), np.float64)
    for index, (sizes, strides) in [(np.s_[1:3, ::2], ((2, 3), (6, 2))),
                                    (np.s_[::-1, ::-3], ((4, 2), (-6, -3))),
                                    (np.s_[:, 1:2], ((4, 1), (6, 1)))]:
        view = d[index]
        inc[1, (4, 4)](view)
        p = last_launch()["params"]
        values = struct.unpack_from("<7q", p)
        assert values == (view.ptr, view.ptr, 0, *sizes, *strides), (index, values)
    assert d[::-1, ::-3].ptr == d.ptr + (3 * 6 + 5) * 8
    """)


def test_a_numpy_array_is_copied_with_a_warning_that_can_be_made_an_error():
    # numba's rule (copies around the launch), never silent: the warning
    # names the argument and the way to avoid the copies; as an error, nothing
    # is copied or launched.
    run_fake(r"""
    import warnings

    @cuft.kernel
    def touch(x):
        x[0] = 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        touch[1, 1](np.zeros(4, np.float32))
    assert len(caught) == 1 and "cuft.to_device" in str(caught[0].message), caught
    assert counter("launches") == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", cuft.PerformanceWarning)
        try:
            touch[1, 1](np.zeros(4, np.float32))
        except cuft.PerformanceWarning as e:
            assert "argument 'x' of touch() is a host (numpy) array" in str(e), e
        else:
            raise AssertionError("no error")
    assert counter("launches") == 1
    """)


def test_bad_launch_configurations_are_refused_before_the_driver():
    run_fake(r"""
    @cuft.kernel
    def touch(x):
        x[0] = 1
    x = cuft.zeros(4, np.float32)
    touch[1, 1](x)

    def refused(config, words):
        before = counter("launches")
        try:
            touch[config](x)
        except ValueError as e:
            assert words in str(e) and "'touch'" in str(e), e
        else:
            raise AssertionError(f"{config} was launched")
        assert counter("launches") == before

    refused((1, (1024, 2)), "CUDA allows 1024 at most")
    refused((1, (1, 1, 65)), "out of range")
    refused(((1, 70000), 32), "grid (1, 70000, 1) is out of range")
    refused((1, 512), "this kernel allows 256 at most")   # FAKECUDA_MAX_THREADS
    refused((1, 32, None, 300000), "dynamic shared memory")

    touch[1, 256, None, 1024](x)      # within the default 48 KiB
    assert counter("opt_ins") == 0 and last_launch()["shared"] == 1024
    run_concurrently(4, lambda: touch[1, 32, None, 100000](x))  # past it: opt in, once
    assert counter("opt_ins") >= 1 and last_launch()["shared"] == 1024
    touch[1, 32, None, 100000](x)
    assert last_launch()["shared"] == 100000
    """, FAKECUDA_MAX_THREADS="256")


def test_linked_code_loads_once_with_its_setup_and_teardown(tmp_path):
    cu = tmp_path / "factor.cu"
    cu.write_text('extern "C" __device__ float ext_factor = 1.0f;\n'
                  'extern "C" __device__ float ext_scaled(float x) { return x * ext_factor; }\n')
    run_fake(rf"""
    scaled = cuft.declare_device("ext_scaled", "f32(f32)")
    counts = {{"setup": 0, "teardown": 0}}
    factor = np.array([3.0], np.float32)

    def setup(module):
        counts["setup"] += 1
        ptr, size = module.get_global("ext_factor")
        assert size == 4
        cuft._cuft.copy_to_device(module.context, ptr, factor.ctypes.data, 4, 0)
        back = np.zeros(1, np.float32)
        cuft._cuft.copy_to_host(module.context, back.ctypes.data, ptr, 4, 0)
        assert back[0] == 3.0

    def teardown(module):
        counts["teardown"] += 1

    @cuft.kernel(link=[cuft.Linkable({str(cu)!r}, setup=setup, teardown=teardown)])
    def use(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] = scaled(x[i])

    arrays = [cuft.to_device(np.ones(32, np.float32)) for _ in range(16)]
    it = iter(arrays)
    run_concurrently(16, lambda: use[1, 32](next(it)))
    assert counts == {{"setup": 1, "teardown": 0}}, counts
    assert counter("loads") == 1 and counter("launches") == 16
    cuft.unload_modules()
    assert counts == {{"setup": 1, "teardown": 1}}, counts
    assert counter("unloads") == 1 and live("modules") == 0
    use[1, 32](arrays[0])  # loads again, so sets up again
    assert counts == {{"setup": 2, "teardown": 1}}, counts
    assert counter("loads") == 2
    """)


def test_unloading_while_threads_launch_loses_no_launch():
    run_fake(r"""
    import time
    @cuft.kernel
    def touch(x):
        x[0] = 1
    arrays = [cuft.zeros(4, np.float32) for _ in range(4)]
    it = iter(arrays)
    stop = threading.Event()
    # Compiled and loaded first: on a loaded machine a cold compile outlasted
    # all 30 unloads, and the module was then loaded only once.
    touch[1, 1](arrays[0])

    def launch():
        x, n = next(it), 0
        while not stop.is_set() or n < 50:
            touch[1, 1](x)
            n += 1
        return n

    def unload():
        for _ in range(30):
            cuft.unload_modules()
            time.sleep(0.002)
        stop.set()
        return 0
    threads = [threading.Thread(target=lambda: results.append(launch())) for _ in range(4)]
    results = []
    for t in threads:
        t.start()
    unload()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert counter("launches") == sum(results) + 1, (counter("launches"), results)
    assert counter("loads") >= 2 and counter("loads") - counter("unloads") == live("modules") == 1
    """)


def test_the_chip_is_the_devices():
    run_fake(r"""
    @cuft.kernel
    def touch(x):
        x[0] = 1
    touch[1, 1](cuft.zeros(4, np.float32))
    assert ".target sm_80" in touch.inspect(cuft.zeros(4, np.float32), stage="ptx")
    assert ".target sm_90" in touch.inspect(cuft.zeros(4, np.float32), stage="ptx", chip="sm_90")
    """, FAKECUDA_MAJOR="8", FAKECUDA_MINOR="0")


def test_dlpack_gpu_tensors_are_arguments_and_device_arrays_export_dlpack():
    run_fake(r"""
    import gc
    @cuft.kernel
    def copy2(x, y):
        i, j = cuft.grid(2)
        if i < x.shape[0] and j < x.shape[1]:
            y[i, j] = x[i, j]

    class OnlyDLPack:  # a GPU tensor that speaks DLPack and nothing else (JAX-like)
        def __init__(self, base):
            self.base, self.streams = base, []
        def __dlpack_device__(self):
            return self.base.__dlpack_device__()
        def __dlpack__(self, stream=None, **kw):
            self.streams.append(stream)
            return self.base.__dlpack__(stream=stream, **kw)

    base = cuft.zeros((6, 10), np.float32)
    # Every other column of base, as a strided DeviceArray: strides (40, 8) bytes.
    view = cuft.DeviceArray((6, 5), np.float32, strides=(40, 8), buffer=base._buffer)
    x, y = OnlyDLPack(view), OnlyDLPack(cuft.zeros((6, 5), np.float32))
    assert copy2.signature(x, y) == "array<f32,2,strided>,array<f32,2,C>"
    copy2[(1, 1), (8, 8)](x, y)
    p = struct.unpack_from("<14q", last_launch()["params"], 0)
    assert p[:7] == (base.ptr, base.ptr, 0, 6, 5, 10, 2), p
    assert p[7:] == (y.base.ptr, y.base.ptr, 0, 6, 5, 5, 1), p
    assert x.streams[-1] == (default_stream_handle() or 1)  # DLPack's 1: the legacy stream
    s = cuft.Stream()
    copy2[(1, 1), (8, 8), s](x, y)
    assert x.streams[-1] == s.handle and last_launch()["stream"] == s.handle

    # A capsule keeps its array's memory alive until it goes.
    before = live("allocations")
    a = cuft.zeros(100, np.int32)
    capsule = a.__dlpack__()
    assert cuft._cuft.dlpack_layout(capsule) == (0, 32, 1, (100,), (1,))
    assert cuft._cuft.dlpack_data(capsule) == (2, 0, a.ptr)
    del a
    gc.collect()
    assert live("allocations") == before + 1
    del capsule
    gc.collect()
    assert live("allocations") == before
    # Handing it over to another stream orders the work: an event and a wait.
    other = cuft.Stream()
    b = cuft.zeros(4, np.float64)
    b.__dlpack__(stream=other.handle)
    try:
        b.__dlpack__(copy=True)
    except BufferError:
        pass
    else:
        raise AssertionError("copy=True was accepted")

    class HostDLPack:  # a CPU tensor through DLPack is host memory
        def __init__(self, a):
            self.a = a
        def __dlpack_device__(self):
            return self.a.__dlpack_device__()
        def __dlpack__(self, **kw):
            return self.a.__dlpack__(**kw)
    try:
        copy2[1, 1](HostDLPack(np.zeros((2, 2), np.float32)), y)
    except cuft.KernelArgumentError as e:
        assert "device type 1" in str(e) and "cuft.to_device" in str(e), e
    else:
        raise AssertionError("host memory was accepted")
    """)


def test_each_linkables_callbacks_set_up_modules_of_their_own(tmp_path):
    cu = tmp_path / "ext.cu"
    cu.write_text('extern "C" __device__ float ext_twice(float x) { return 2.0f * x; }\n')
    run_fake(rf"""
    twice = cuft.declare_device("ext_twice", "f32(f32)")
    runs = []

    def make(link):
        @cuft.kernel(link=link)
        def use(x):
            i = cuft.grid(1)
            if i < x.shape[0]:
                x[i] = twice(x[i])
        return use

    x = cuft.zeros(8, np.float32)
    a = cuft.Linkable({str(cu)!r}, setup=lambda m: runs.append("a"))
    b = cuft.Linkable({str(cu)!r}, setup=lambda m: runs.append("b"))
    kernels = [make([a])]  # kept: a module lives while a kernel launching it does
    kernels[-1][1, 8](x)
    kernels.append(make([a]))
    kernels[-1][1, 8](x)  # the same Linkable: the same module, set up once
    assert runs == ["a"] and counter("loads") == 1, (runs, counter("loads"))
    kernels.append(make([b]))
    kernels[-1][1, 8](x)  # the same code, other callbacks: a module of its own
    assert runs == ["a", "b"] and counter("loads") == 2, (runs, counter("loads"))
    kernels.append(make([{str(cu)!r}]))
    kernels[-1][1, 8](x)
    kernels.append(make([cuft.Linkable({str(cu)!r})]))
    kernels[-1][1, 8](x)  # no callbacks: equal code shares
    assert counter("loads") == 3, counter("loads")
    del kernels
    import gc
    gc.collect()
    assert live("modules") == 0 and counter("unloads") == 3, (live("modules"), counter("unloads"))
    """)


def test_every_gallery_kernel_launches_with_the_parameters_its_cubin_reads():
    # Compiled for sm_90, linked by nvJitLink, loaded and launched through the
    # double; each launch's parameter space is compared with the ABI written
    # out independently here: per array (allocated pointer, aligned pointer,
    # offset 0, sizes, strides in elements), per scalar its value, per record
    # its bytes.
    run_fake(r"""
    from gallery import GALLERY
    from gallery_runs import RUNS
    from test_cuda_gallery import launch_on_the_gpu
    import re

    FORMATS = {"bool": "?", "i8": "b", "u8": "B", "i16": "h", "u16": "H", "i32": "i",
               "u32": "I", "i64": "q", "u64": "Q", "f16": "e", "f32": "f", "f64": "d"}
    for name in sorted(GALLERY):
        kernel, run = GALLERY[name][0], RUNS[name]
        args = run.make()
        device_args = launch_on_the_gpu(kernel, run, args)
        launch = last_launch()
        assert launch["kernel"] == kernel.frontend.name, (name, launch["kernel"])
        def flat(a):  # a tuple argument is passed as its elements
            return [x for e in a for x in flat(e)] if isinstance(a, tuple) else [a]

        constexprs = [i in kernel.frontend.constexpr_args for i in range(len(args))]
        entries = re.split(r",(?![^<]*>)", kernel.signature(*args).replace("(", "")
                           .replace(")", ""))  # not inside <...>
        values = []
        flags = [c for a, c in zip(args, constexprs) for _ in flat(a)]
        for value, d, entry, constexpr in zip(flat(args), flat(tuple(device_args)), entries,
                                              flags):
            if constexpr:
                continue
            if isinstance(d, cuft.DeviceArray):  # arrays, and records of arrays (0-d)
                values += [("q", d.ptr), ("q", d.ptr), ("q", 0)]
                values += [("q", n) for n in d.shape]
                values += [("q", s // d.dtype.itemsize) for s in d.strides]
            elif entry == "bf16":  # no struct format: its 16 bits
                values.append(("H", int(np.array(value).view(np.uint16))))
            elif entry.startswith("rec<"):  # a record: its bytes in 8-byte words
                raw = bytes(memoryview(value)) + bytes(-value.nbytes % 8)
                values += [("q", w) for w in struct.unpack("<%dq" % (len(raw) // 8), raw)]
            elif entry in ("c64", "c128"):  # two parameters: the parts
                fmt = "f" if entry == "c64" else "d"
                values += [(fmt, complex(value).real), (fmt, complex(value).imag)]
            else:
                values.append((FORMATS[entry], value))
        layout = cubin_params(kernel.inspect(*args, stage="cubin"), kernel.frontend.name)
        assert len(layout) == len(values), (name, layout, values)
        for (offset, size), (fmt, want) in zip(layout, values):
            assert struct.calcsize(fmt) == size, (name, fmt, size)
            got = struct.unpack_from("<" + fmt, launch["params"], offset)[0]
            assert got == want or (fmt in "efd" and got == struct.unpack(
                "<" + fmt, struct.pack("<" + fmt, want))[0]), (name, offset, got, want)
    print(len(GALLERY))
    """)


def test_pytorch_and_cupy_style_streams_are_read():
    run_fake(r"""
    @cuft.kernel
    def touch(x):
        x[0] = 1
    x = cuft.zeros(4, np.float32)
    s = cuft.Stream()

    class TorchStream:
        cuda_stream = s.handle

    class CupyStream:
        ptr = s.handle

    class Protocol:
        def __cuda_stream__(self):
            return (0, s.handle)

    for stream in (TorchStream(), CupyStream(), Protocol(), s.handle):
        touch[1, 1, stream](x)
        assert last_launch()["stream"] == s.handle
    # Warm, they stay on the C path: the Python launch is never called.
    slow = []
    python_launch = touch._launch
    touch._launch = lambda *a: slow.append(a) or python_launch(*a)
    for stream in (TorchStream(), CupyStream(), Protocol(), s.handle, s):
        touch[1, 1, stream](x)
        assert last_launch()["stream"] == s.handle
    assert slow == []
    try:
        touch[1, 1, "stream"](x)
    except TypeError as e:
        assert "not a stream" in str(e)
    else:
        raise AssertionError("a string was taken for a stream")
    """)


def test_the_warm_launch_sees_rebound_globals_and_closures():
    run_fake(r"""
    SCALE = 1000

    @cuft.kernel
    def scaled(x):
        x[0] = SCALE

    x = cuft.zeros(4, np.int64)
    for _ in range(3):
        scaled[1, 1](x)
    assert scaled.stats()["compiles"] == 1
    SCALE = int("1000")  # equal, another object: the same code
    scaled[1, 1](x)
    assert scaled.stats()["compiles"] == 1
    # The warm path's identity checks now follow the new object.
    assert any(check[3] is SCALE for check in scaled._warm[2])
    SCALE = 7  # changed: the next launch compiles it in
    scaled[1, 1](x)
    scaled[1, 1](x)
    assert scaled.stats()["compiles"] == 2, scaled.stats()
    assert "7" in scaled.inspect(x, stage="typed")

    def factory(k):
        @cuft.kernel
        def shifted(x):
            x[0] = k
        def rebind(v):
            nonlocal k
            k = v
        return shifted, rebind
    shifted, rebind = factory(5)
    shifted[1, 1](x)
    shifted[1, 1](x)
    rebind(9)
    shifted[1, 1](x)
    assert shifted.stats()["compiles"] == 2
    assert "9" in shifted.inspect(x, stage="typed")
    """)


def test_a_launch_waits_for_the_stream_an_array_interface_names():
    run_fake(r"""
    @cuft.kernel
    def touch(x):
        x[0] = 1
    base = cuft.zeros(4, np.float32)
    producer = cuft.Stream()

    class Produced:  # CuPy and PyTorch name the stream their work is queued on
        def __init__(self, stream):
            self.__cuda_array_interface__ = {**base.__cuda_array_interface__,
                                             "stream": stream}
    touch[1, 1](Produced(producer.handle))
    touch[1, 1](Produced(producer.handle))  # every launch: the warm path steps aside
    assert counter("stream_waits") == 2
    touch[1, 1, producer](Produced(producer.handle))  # the same stream: ordered already
    for default in (1, 2, None):  # the default streams are ordered with ours already
        touch[1, 1](Produced(default))
        touch[1, 1](Produced(default))
    assert counter("stream_waits") == 2
    # A stream of cuft's own is non-blocking: not ordered with the default ones.
    touch[1, 1, producer](Produced(1))
    touch[1, 1, producer](Produced(1))
    assert counter("stream_waits") == 4
    assert counter("launches") == 11
    """)


def test_the_c_launch_path_takes_warm_launches_follows_the_target_and_raises():
    run_fake(r"""
    @cuft.kernel
    def touch(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] = x[i] + 1

    x = cuft.zeros(4, np.float32)
    touch[1, 4](x)  # cold: Python compiles, loads and leaves the warm state
    s = cuft.Stream()
    hits = touch.stats()["hits"]
    for stream, handle in [(None, default_stream_handle()), (s, s.handle), (s.handle, s.handle),
                           (0, 0)]:
        touch[(1, 1), (4, 1, 1), stream](x)
        assert last_launch()["stream"] == handle
        assert last_launch()["grid"] == (1, 1, 1) and last_launch()["block"] == (4, 1, 1)
    assert touch.stats()["hits"] == hits + 4 and touch.stats()["compiles"] == 1
    launch = touch[2, 4]
    assert type(launch) is cuft.dispatcher.LaunchConfig
    assert (launch.grid, launch.block, launch.stream, launch.shared_bytes) == \
        ((2, 1, 1), (4, 1, 1), None, 0)
    assert repr(launch) == "<launch of touch grid=(2, 1, 1) block=(4, 1, 1) shared_bytes=0>"

    # The target is read on every launch: host arrays go to the host target.
    launches = counter("launches")
    cuft.set_target("host")
    h = np.zeros(4, np.float32)
    touch[1, 4](h)
    assert list(h) == [1, 1, 1, 1] and counter("launches") == launches
    cuft.set_target("cuda")
    touch[1, 4](x)
    assert counter("launches") == launches + 1

    # Errors raised on the C path name the kernel.
    for config, error, text in [((1, 2048), ValueError, "cannot launch kernel 'touch'"),
                                ((True, 4), TypeError, "grid must be an int"),
                                ((2**32, 4), ValueError, "below 2**32"),
                                ((1,), TypeError, "kernel[grid, block]")]:
        try:
            touch[config](x)
        except error as e:
            assert text in str(e), e
        else:
            raise AssertionError(f"{config} was launched")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", cuft.PerformanceWarning)
        try:
            touch[1, 4](h)  # host memory on the cuda target, warm: the Python path's copies
        except cuft.PerformanceWarning as e:
            assert "cuft.to_device" in str(e)
        else:
            raise AssertionError("a numpy array was launched on the GPU without a warning")
    assert counter("launches") == launches + 1
    """)


def test_replaced_warm_states_are_freed_once_no_launch_reads_them():
    run_fake(r"""
    import gc, weakref
    SCALE = 1000

    @cuft.kernel
    def scaled(x):
        x[0] = SCALE

    x = cuft.zeros(4, np.int64)
    scaled[1, 1](x)
    assert scaled._warm is not None
    first = scaled._warm
    scaled[1, 1](x)
    assert scaled._warm is first  # nothing new: nothing replaced
    launches = counter("launches")
    for _ in range(300):  # an equal, new object each launch: a new warm state each time
        SCALE = int("1000")
        scaled[1, 1](x)
    assert counter("launches") == launches + 300
    assert scaled.stats()["compiles"] == 1
    # Each replaced state was freed by a later replacement (no launch could
    # still read it): a few are kept, not 300, and the C path still launches.
    assert scaled._warm is not None
    assert scaled._retired_warm_states <= 2, scaled._retired_warm_states
    scaled[1, 1](x)
    assert counter("launches") == launches + 301 and scaled._warm is not None
    try:
        scaled._warm = (1, 2)
    except TypeError as e:
        assert "_warm" in str(e)
    else:
        raise AssertionError("a bad warm state was taken")

    def factory(v):
        @cuft.kernel
        def k(x):
            x[0] = v
        return k
    k = factory(3)
    k[1, 1](x)
    k[1, 1](x)
    assert k._warm is not None
    dead = weakref.ref(k)
    del k
    gc.collect()
    assert dead() is None  # its warm states went with it
    """)


def test_a_cuda_12_driver_without_the_newer_entry_points_works():
    fake12 = os.path.join(os.path.dirname(FAKE), "libcuft-fakecuda12.so")
    if not os.path.exists(fake12):
        pytest.skip(f"the CUDA 12 double is not built ({fake12})")
    run_fake(r"""
    status = cuft.cuda_status()
    assert status["available"] and status["version"] == 12040, status

    @cuft.kernel
    def touch(x):
        x[0] = 1
    x = cuft.zeros(4, np.float32)
    s = cuft.Stream()
    start = cuft.Event().record(s)
    touch[1, 1, s](x)
    end = cuft.Event().record(s)
    end.synchronize()
    assert start.elapsed_time(end) >= 0  # cuEventElapsedTime, without _v2
    assert counter("launches") == 1
    """, CUFT_LIBCUDA=fake12)


def test_a_module_the_driver_refuses_raises_its_cuda_error_naming_the_kernel():
    run_fake(r"""
    @cuft.kernel
    def touch(x):
        x[0] = 1
    x = cuft.zeros(4, np.float32)
    try:
        touch[1, 1](x)
    except cuft.CudaError as e:
        assert e.result == 222 and e.result_name == "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", e
        assert "kernel 'touch' (" in str(e) and __file__ in str(e), e
        assert "cannot load the kernel's module (cuModuleLoadData)" in str(e), e
    else:
        raise AssertionError("the refused module was launched")
    assert counter("launches") == 0
    """, FAKECUDA_FAIL_LOAD="222")


def test_a_setup_callback_that_raises_raises_its_exception_and_is_retried(tmp_path):
    cu = tmp_path / "helper.cu"
    cu.write_text('extern "C" __device__ float twice(float x) { return 2.0f * x; }\n')
    run_fake(rf"""
    calls = []
    def setup(module):
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("no table yet")

    twice = cuft.declare_device("twice", "f32(f32)")

    @cuft.kernel(link=[cuft.Linkable({str(cu)!r}, setup=setup)])
    def scaled(x):
        x[0] = twice(x[0])
    x = cuft.zeros(4, np.float32)
    try:
        scaled[1, 1](x)
    except ValueError as e:
        assert "no table yet" in str(e)
    else:
        raise AssertionError("the failed setup was not reported")
    assert counter("launches") == 0 and live("modules") == 0
    scaled[1, 1](x)  # the load is tried again, and its setup with it
    assert calls == [1, 1] and counter("launches") == 1
    """)


def test_a_launch_runs_on_the_device_of_its_stream_and_refuses_other_devices_memory():
    run_fake(r"""
    @cuft.kernel
    def touch(x):
        x[0] = 1
    x = cuft.zeros(4, np.float32)
    touch[1, 1](x)
    touch[1, 1](x)  # warm, on device 0
    s1 = cuft.Stream(device=1)
    y = cuft.zeros(4, np.float32, device=1)
    for _ in range(3):  # device 1: its context and its stream, loaded there once
        touch[1, 1, s1](y)
        assert last_launch()["stream"] == s1.handle
    stats = touch.stats()
    assert stats["compiles"] == 1 and stats["loads"] == 2, stats  # one cubin, two contexts
    launches = counter("launches")
    for config, arg, text in [
            ((1, 1, s1), x, "it is on CUDA device 0, and this launch runs on device 1"),
            ((1, 1), y, "it is on CUDA device 1, and this launch runs on device 0"),
            ((1, 1, cuft.Stream()), y, "it is on CUDA device 1, and this launch runs on device 0")]:
        for _ in range(2):  # cold and warm alike
            try:
                touch[config](arg)
            except cuft.KernelArgumentError as e:
                assert text in str(e), e
            else:
                raise AssertionError(f"{config} launched an array of another device")
    assert counter("launches") == launches
    touch[1, 1](x)  # device 0 still launches, warm
    touch[1, 1, s1](y)
    assert counter("launches") == launches + 2

    class MyStream(cuft.Stream):  # a subclass is a cuft.Stream too, on either path
        pass
    for device, arg in [(0, x), (1, y)]:
        mine = MyStream(device=device)
        for _ in range(2):
            touch[1, 1, mine](arg)
            assert last_launch()["stream"] == mine.handle
        touch[1, 1, mine](arg, stream=None)  # stream=None keeps the config's stream
        assert last_launch()["stream"] == mine.handle
    assert counter("launches") == launches + 8

    class Broken:  # a stream whose protocol raises: that error, cold and warm
        @property
        def __cuda_stream__(self):
            raise RuntimeError("no stream today")
    for _ in range(2):
        try:
            touch[1, 1, Broken()](x)
        except RuntimeError as e:
            assert "no stream today" in str(e), e
        else:
            raise AssertionError("a broken stream was launched on")
    """, FAKECUDA_DEVICES="2")


def test_a_debug_kernel_reads_its_error_record_after_each_launch(tmp_path):
    # A module whose code can raise (debug=True) has the error record
    # __cuft_error; each launch waits for the kernel and reads it back. The
    # double runs no kernel code, so a setup callback writes the record as a
    # raising thread would (code + 1, block, thread): the launch then raises
    # that exception, located, and clears the record for the next launch.
    cu = tmp_path / "empty.cu"
    cu.write_text('extern "C" __device__ int unused_by_the_kernel;\n')
    run_fake(rf"""
    import cuft.errors as errors

    class Boom(Exception):
        pass

    def setup(module):
        ptr, size = module.get_global("__cuft_error")
        assert size == 56
        code = next(k for k, e in enumerate(errors._RAISES) if e[0] is Boom)
        record = np.array([code + 1, 2, 0, 0, 5, 0, 0], np.int64)
        cuft._cuft.copy_to_device(module.context, ptr, record.ctypes.data, 56, 0)

    @cuft.kernel(debug=True, link=[cuft.Linkable({str(cu)!r}, setup=setup)])
    def checked(x):
        i = cuft.grid(1)
        if x[i] < 0:
            raise Boom("negative", 7)
        x[i] = 1

    x = cuft.to_device(np.ones(32, np.float32))
    checked.inspect(x)  # generates the IR: the raise site has its code
    try:
        checked[1, 32](x)
        raise AssertionError("no raise reported")
    except Boom as e:
        assert isinstance(e, cuft.KernelError) and e.args == ("negative", 7), e
        assert (e.block, e.thread) == ((2, 0, 0), (5, 0, 0)), (e.block, e.thread)
        assert e.lineno is not None and "raise Boom" in str(e), str(e)
    checked[1, 32](x)  # the record was cleared: this launch reports nothing
    """)


def test_a_kernel_that_syncs_its_grid_launches_cooperatively_within_the_gpus_limit():
    run_fake(r"""
    @cuft.kernel
    def rows(M):
        col = cuft.grid(1)
        for row in range(1, M.shape[0]):
            M[row, col] = M[row - 1, M.shape[1] - col - 1] + 1
            cuft.cg.this_grid().sync()

    @cuft.kernel
    def plain(M):
        M[0, cuft.grid(1)] = 1

    M = cuft.zeros((4, 128 * 64), np.int32)
    # An H100 (the double's): 16 blocks of 128 threads per SM (2048 threads),
    # 132 SMs; 1024-thread blocks: 2 per SM.
    assert rows.max_cooperative_grid_blocks(128, args=(M,)) == 16 * 132
    assert rows.max_cooperative_grid_blocks((32, 32), args=(M,)) == 2 * 132
    rows[64, 128](M)
    assert counter("cooperative_launches") == 1
    assert last_launch()["grid"] == (64, 1, 1) and last_launch()["kernel"] == "rows"
    plain[64, 128](M)  # no grid sync: an ordinary launch
    assert counter("cooperative_launches") == 1 and last_launch()["kernel"] == "plain"
    before = counter("launches")
    try:
        rows[16 * 132 + 1, 128](M)
    except ValueError as e:
        assert "a grid of 2113 blocks cannot sync (cuft.cg): at most 2112 blocks of 128 " \
               "threads run at once on this GPU (132 SMs" in str(e), e
    else:
        raise AssertionError("launched past the cooperative limit")
    assert counter("launches") == before
    """)


def test_a_child_forked_after_cuda_was_initialized_gets_a_clear_error():
    run_fake(r"""
    import multiprocessing as mp

    @cuft.kernel
    def touch(x):
        x[0] = 1

    x = cuft.zeros(4, np.float32)
    touch[1, 1](x)

    def child(q):
        try:
            touch[1, 1](cuft.zeros(4, np.float32))
            q.put("launched")
        except cuft.CudaError as e:
            q.put("CudaError: " + str(e))

    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=child, args=(q,))
    p.start()
    said = q.get(timeout=60)
    p.join(timeout=60)
    assert said.startswith("CudaError") and "forked" in said and "'spawn'" in said, said
    touch[1, 1](x)  # the parent goes on
    """)


def test_host_and_gpu_device_arrays_stay_on_their_targets():
    # A DeviceArray made on the host target is host memory: a GPU launch
    # refuses it (and a host launch a GPU one), by name, before any copy.
    run_fake(r"""
    @cuft.kernel
    def fill(x):
        x[0] = 1

    cuft.set_target("host")
    on_host = cuft.to_device(np.zeros(4))
    s = cuft.stream()
    assert on_host.on_host and s.context is None
    cuft.set_target("cuda")
    on_gpu = cuft.to_device(np.zeros(4))
    assert not on_gpu.on_host and cuft.stream().context is not None
    launches = counter("cuLaunchKernel")
    for target, array, needle in (("cuda", on_host, "DeviceArray of the host target"),
                                  ("host", on_gpu, "it is GPU memory")):
        cuft.set_target(target)
        try:
            fill[1, 1](array)
            raise AssertionError("launched")
        except cuft.KernelArgumentError as e:
            assert needle in str(e) and "argument 'x' of fill()" in str(e), str(e)
    cuft.set_target("cuda")
    try:
        on_gpu.copy_to_device(on_host)
        raise AssertionError("copied")
    except ValueError as e:
        assert "between the host target's memory and a GPU's" in str(e)
    assert counter("cuLaunchKernel") == launches
    """)


def test_host_arrays_given_to_a_gpu_launch_are_copied_there_and_back_as_numbas():
    # numba-cuda's automatic transfers, with its warning: a numpy array is
    # copied to the GPU and back, a read-only one only there, cuft.In only
    # there, cuft.Out only back (the double fills new memory with 0xcd, so an
    # Out array reads 0xcd back: it was never copied in). The copies back are
    # counted on DeviceArray.copy_to_host.
    run_fake(r"""
    import gc, warnings

    @cuft.kernel
    def add(a, b, c):
        i = cuft.grid(1)
        if i < c.size:
            c[i] = a[i] + b[i]

    @cuft.kernel
    def write(x):
        x[0] = 1

    back = count_copies_back()

    base = live("allocations")
    a, b, c = np.arange(4, dtype=np.int8), np.arange(4, dtype=np.int8), np.zeros(4, np.int8)
    b.setflags(write=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        add[1, 4](a, b, cuft.Out(c))
    assert [str(w.message).split()[1] for w in caught] == ["'a'", "'b'"], caught
    assert all(w.category is cuft.PerformanceWarning for w in caught)
    assert caught[0].filename == __file__, caught[0].filename  # the launch's line
    assert len(back) == 2 and (c == np.int8(-51)).all() and (a == np.arange(4)).all()
    params = last_launch()["params"]
    assert struct.pack("<Q", a.ctypes.data) not in params  # device copies were launched
    back.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # In/Out/InOut say what to copy: no warning
        add[1, 4](cuft.In(a), cuft.In(b), cuft.InOut(c))
    assert len(back) == 1
    try:
        write[1, 1](b)
        raise AssertionError("launched")
    except cuft.KernelArgumentError as e:
        assert "read-only array" in str(e), str(e)
    gc.collect()
    assert live("allocations") == base, (live("allocations"), base)
    """)


def test_numba_cudas_stream_functions_name_the_streams_they_say():
    run_fake(r"""
    import gc

    @cuft.kernel
    def touch(x):
        x[0] = 1

    d = cuft.to_device(np.zeros(2))
    own = cuft.stream()
    theirs = cuft.external_stream(own.handle)  # another library's CUstream
    touch[1, 1, theirs](d)
    assert last_launch()["stream"] == own.handle
    del theirs
    gc.collect()  # not cuft's to destroy: the stream still works
    touch[1, 1, own](d)
    own.synchronize()
    for stream, handle in ((cuft.legacy_default_stream(), 1),
                           (cuft.per_thread_default_stream(), 2)):
        touch[1, 1, stream](d)
        assert stream.handle == handle and last_launch()["stream"] == handle
    """)


def test_a_record_of_a_host_array_goes_to_the_gpu_by_reference_as_numbas():
    # numba passes records by reference: a[i] is copied to the GPU and back
    # around the launch (with the warning), so a kernel's writes would reach
    # a; the double fills new memory with 0xcd, which the copy back brings.
    run_fake(r"""
    import warnings
    dt = np.dtype([("x", np.float64), ("n", np.int32)], align=True)

    @cuft.kernel
    def setx(r, v):
        r.x = v

    a = np.zeros(2, dt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        setx[1, 1](a[1], 1.5)
    assert "host (numpy) record" in str(caught[0].message), caught
    params = last_launch()["params"]
    assert struct.pack("<Q", a[1:].ctypes.data) not in params  # a device copy
    assert a[0]["x"] == 0 and a[1].tobytes() == a[1].tobytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        setx[1, 1](cuft.Out(a[1:2].reshape(())), 2.5)  # Out: 0xcd comes back, not copied in
    assert a[1].tobytes()[:8] == b"\xcd" * 8, a[1].tobytes()

    # A kernel that only reads the record (its fields as values): copied
    # there only, without the warning.
    @cuft.kernel
    def getx(r, out):
        out[0] = r.x + r["n"]

    back = count_copies_back()
    out = cuft.to_device(np.zeros(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", cuft.PerformanceWarning)
        getx[1, 1](a[0], out)
    assert back == []
    """)
