"""Kernels on the GPU: memory, launches, streams, linking, many threads. These
need a CUDA driver and a device; without them every test skips (see
test_cuda_driver.py for what is checked everywhere). tools/pack-gpu.sh runs
them on the GPU machine."""
import os
import sysconfig

import numpy as np
import pytest

import cuft
from threadutil import run_concurrently, taker

pytestmark = pytest.mark.skipif(not cuft.cuda_status()["available"],
                                reason="needs a CUDA driver and a GPU: "
                                       + (cuft.cuda_status()["message"] or ""))
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


@pytest.fixture(autouse=True)
def cuda_target():
    before = cuft.set_target("cuda")
    yield
    cuft.set_target(before)


@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]


def test_memory_round_trip():
    host = np.arange(1000, dtype=np.float32)
    d = cuft.to_device(host)
    assert d.shape == (1000,) and d.dtype == np.float32
    np.testing.assert_array_equal(d.copy_to_host(), host)
    assert (cuft.zeros((4, 5), np.int32).copy_to_host() == 0).all()
    iface = d.__cuda_array_interface__
    assert iface["version"] == 3 and iface["data"][0] == d.ptr and iface["typestr"] == "<f4"


@cuft.kernel
def add_one_2d(x):
    i, j = cuft.grid(2)
    if i < x.shape[0] and j < x.shape[1]:
        x[i, j] += 1


def test_kernels_compute_on_views_of_device_arrays():
    host = np.arange(48, dtype=np.float32).reshape(6, 8)
    d = cuft.to_device(host)
    for index in [np.s_[1:4, ::2], np.s_[::-1, ::-3], np.s_[:, 5:6], np.s_[2:3, :]]:
        add_one_2d[(1, 1), (8, 8)](d[index])
        host[index] += 1
        np.testing.assert_array_equal(d.copy_to_host(), host, err_msg=str(index))
    d[0, :4] = 0.5
    host[0, :4] = 0.5
    d[:, 6] = np.arange(6)  # a column: not one block of memory, written by a kernel
    host[:, 6] = np.arange(6)
    d[::2, 1:7:3] = -2
    host[::2, 1:7:3] = -2
    cuft.synchronize()
    np.testing.assert_array_equal(d.copy_to_host(), host)
    assert d[5, 7] == host[5, 7]


def test_pinned_arrays_copy_both_ways_and_on_a_stream():
    pinned = cuft.pinned_array((256, 64), np.float32)
    pinned[:] = np.arange(pinned.size, dtype=np.float32).reshape(pinned.shape)
    d = cuft.device_array_like(pinned)
    s = cuft.stream()
    d.copy_to_device(pinned, stream=s)
    add_one_2d[(32, 8), (8, 8), s](d)
    back = cuft.pinned_array(pinned.shape, np.float32)
    d.copy_to_host(back, stream=s)
    s.synchronize()
    np.testing.assert_array_equal(back, pinned + 1)


def test_the_current_device_is_the_one_kernels_compile_for():
    device = cuft.get_current_device()
    major, minor = device.compute_capability
    assert cuft._cuft.cuda_chip(0) == f"sm_{major}{minor}"
    assert device.MULTIPROCESSOR_COUNT > 0 and device.WARP_SIZE == 32 and device.name
    assert len(cuft.gpus) == cuft.cuda_status()["devices"]


def test_saxpy_on_the_gpu():
    n = 1 << 20
    x = np.random.default_rng(1).random(n, dtype=np.float32)
    y = np.random.default_rng(2).random(n, dtype=np.float32)
    dx, dy = cuft.to_device(x), cuft.to_device(y)
    saxpy[(n + 255) // 256, 256](np.float32(2.5), dx, dy)
    np.testing.assert_allclose(dy.copy_to_host(), 2.5 * x + y, rtol=1e-6)
    s = saxpy.stats()
    assert s["loads"] >= 1


def test_bfloat16_is_supported_from_compute_capability_8():
    assert cuft.is_bfloat16_supported() == (cuft.get_current_device().compute_capability >= (8, 0))


def test_numpy_arrays_are_copied_to_the_gpu_and_back_as_numbas():
    x, y = np.arange(32, dtype=np.float32), np.ones(32, np.float32)
    with pytest.warns(cuft.PerformanceWarning, match="argument 'x' of saxpy"):
        saxpy[1, 32](np.float32(2), x, y)
    np.testing.assert_array_equal(y, 2 * np.arange(32) + 1)
    saxpy[1, 32](np.float32(2), cuft.In(x), cuft.InOut(y))
    np.testing.assert_array_equal(y, 4 * np.arange(32) + 1)
    saxpy[1, 32](np.float32(2), cuft.In(x), cuft.In(y))  # y is not copied back
    np.testing.assert_array_equal(y, 4 * np.arange(32) + 1)


def test_16_threads_launch_a_new_kernel_once_compiled_once_loaded():
    @cuft.kernel
    def add_one(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] += 1

    arrays = [cuft.zeros(256, np.int64) for _ in range(16)]
    take = taker(arrays)

    def work():
        a = take()
        for _ in range(10):
            add_one[1, 256](a)
        cuft.default_stream().synchronize()  # this thread's own, on 3.13t
        return a
    done = run_concurrently(16, work)
    cuft.default_stream().synchronize()
    for a in done:
        assert (a.copy_to_host() == 10).all()
    s = add_one.stats()
    assert s["compiles"] == 1 and s["loads"] == 1
    if FREE_THREADED and os.environ.get("PYTHON_GIL") == "0":
        import sys
        assert not sys._is_gil_enabled()


def test_streams():
    s = cuft.Stream()
    x = cuft.to_device(np.ones(1024, np.float32))
    y = cuft.zeros(1024, np.float32, stream=s)
    saxpy[4, 256, s](np.float32(3), x, y)
    s.synchronize()
    assert (y.copy_to_host(stream=s) == 3).all()


def test_bad_launch_configuration():
    x = cuft.zeros(4, np.float32)
    with pytest.raises(ValueError, match="CUDA allows 1024 at most"):
        saxpy[1, (1024, 2)](np.float32(1), x, x)
    with pytest.raises(ValueError, match="dynamic shared memory"):
        saxpy[1, 32, None, 1 << 20](np.float32(1), x, x)
    # Past the default 48 KiB, cuft opts the kernel in (an H100 allows 227 KiB).
    saxpy[1, 32, None, 100_000](np.float32(1), x, x)
    cuft.default_stream().synchronize()


def test_external_cuda_cpp(tmp_path):
    if cuft._cuft.linker_problem():
        pytest.skip(cuft._cuft.linker_problem())
    cu = tmp_path / "ext.cu"
    cu.write_text('extern "C" __device__ float ext_twice(float x) { return 2.0f * x; }\n')
    twice = cuft.declare_device("ext_twice", "f32(f32)")

    @cuft.kernel(link=[str(cu)])
    def use(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] = twice(x[i])

    d = cuft.to_device(np.arange(64, dtype=np.float32))
    use[1, 64](d)
    np.testing.assert_array_equal(d.copy_to_host(), 2 * np.arange(64, dtype=np.float32))


def test_cupy_and_torch_arrays():
    got = 0
    try:
        import cupy
        a = cupy.ones(256, dtype=cupy.float32)
        saxpy[1, 256](np.float32(2), a, a)
        cupy.cuda.runtime.deviceSynchronize()
        assert float(a[0]) == 3
        got += 1
    except ImportError:
        pass
    try:
        import torch
        t = torch.ones(256, device="cuda")
        saxpy[1, 256](np.float32(2), t, t)
        torch.cuda.synchronize()
        assert float(t[0]) == 3
        got += 1
    except ImportError:
        pass
    if not got:
        pytest.skip("neither CuPy nor PyTorch is installed")


def test_cupy_and_torch_streams():
    got = 0
    for module in ("torch", "cupy"):
        try:
            lib = __import__(module)
        except ImportError:
            continue
        if module == "torch":
            s = lib.cuda.Stream()
            a = lib.ones(256, device="cuda")
        else:
            s = lib.cuda.Stream(non_blocking=True)
            a = lib.ones(256, dtype=lib.float32)
        lib.cuda.synchronize() if module == "torch" else lib.cuda.runtime.deviceSynchronize()
        saxpy[1, 256, s](np.float32(2), a, a)
        s.synchronize()
        assert float(a[0]) == 3, module
        got += 1
    if not got:
        pytest.skip("neither CuPy nor PyTorch is installed")


def test_dlpack_both_ways_with_pytorch():
    torch = pytest.importorskip("torch")
    d = cuft.to_device(np.arange(256, dtype=np.float32))
    t = torch.from_dlpack(d)  # no copy: PyTorch sees cuft's memory
    assert t.device.type == "cuda" and t.data_ptr() == d.ptr
    t += 1
    torch.cuda.synchronize()
    np.testing.assert_array_equal(d.copy_to_host(), np.arange(256, dtype=np.float32) + 1)

    class OnlyDLPack:  # a tensor cuft must read through DLPack (as JAX's)
        def __init__(self, t):
            self.t = t
        def __dlpack_device__(self):
            return self.t.__dlpack_device__()
        def __dlpack__(self, stream=None):
            return self.t.__dlpack__(stream=stream)
    x = torch.ones(256, device="cuda")
    y = torch.zeros(256, device="cuda")
    saxpy[1, 256](np.float32(2), OnlyDLPack(x), OnlyDLPack(y))
    torch.cuda.synchronize()
    assert float(y.sum()) == 512
    del t
    import gc
    gc.collect()  # PyTorch's tensor gone: cuft's memory is still cuft's
    assert d.copy_to_host()[1] == 2


def test_a_kernel_that_faults_raises_cuda_error(tmp_path):
    # An illegal address is sticky: it spoils the context for the rest of the
    # process, so it happens in a process of its own.
    import subprocess
    import sys
    import textwrap
    code = textwrap.dedent("""
        import numpy as np, cuft
        cuft.set_target("cuda")
        @cuft.kernel
        def far(x, n):
            x[n] = 1.0
        x = cuft.zeros(4, np.float32)
        try:
            far[1, 1](x, 1 << 40)
            cuft.default_stream().synchronize()
        except cuft.CudaError as e:
            print("CudaError", e.result_name)
        else:
            print("no error")
        """)
    path = tmp_path / "fault.py"  # a file: cuft reads kernels' source
    path.write_text(code)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                         timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["CudaError", "CUDA_ERROR_ILLEGAL_ADDRESS"], run.stdout


@pytest.mark.parametrize("kind", ["ptx", "ltoir", "cubin", "fatbin", "cu"])
def test_each_kind_of_linked_code_runs(tmp_path, kind):
    import shutil
    import subprocess
    from cuft import link
    if cuft._cuft.linker_problem():
        pytest.skip(cuft._cuft.linker_problem())
    source = 'extern "C" __device__ float ext_plus3(float x) { return x + 3.0f; }\n'
    chip = cuft.dispatcher._device_chip()
    path = tmp_path / f"plus3.{kind}"
    if kind == "cu":
        path.write_text(source)
    elif kind in ("ptx", "ltoir"):
        path.write_bytes(link.compile_cuda(source, "plus3.cu", chip, lto=kind == "ltoir"))
    else:
        nvcc = shutil.which("nvcc") or "/usr/local/cuda/bin/nvcc"
        if not os.access(nvcc, os.X_OK):
            pytest.skip(f"making a .{kind} needs nvcc")
        cu = tmp_path / "plus3.cu"
        cu.write_text(source)
        subprocess.run([nvcc, f"-arch={chip}", "-rdc=true", f"-{kind}", str(cu), "-o",
                        str(path)], check=True)
    plus3 = cuft.declare_device("ext_plus3", "f32(f32)")

    @cuft.kernel(link=[str(path)])
    def use(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] = plus3(x[i])

    d = cuft.to_device(np.arange(64, dtype=np.float32))
    use[1, 64](d)
    np.testing.assert_array_equal(d.copy_to_host(), np.arange(64, dtype=np.float32) + 3)


@cuft.kernel
def spin(x, n):
    acc = x[0]
    for i in range(n):
        acc = acc * 0.999 + 1.0
    x[0] = acc


def test_events_time_a_launch():
    x = cuft.zeros(1, np.float32)
    start, end = cuft.Event(), cuft.Event()
    start.record()
    spin[1, 1](x, 1000)
    end.record()
    end.synchronize()
    assert start.elapsed_time(end) >= 0


@pytest.mark.skipif(not cuft.cuda.uses_per_thread_default_stream(),
                    reason="the per-thread default stream is off (CUFT_PER_THREAD_DEFAULT_STREAM)")
def test_two_threads_kernels_overlap_on_their_default_streams():
    spin[1, 1](cuft.zeros(1, np.float32), 10)  # compiled and loaded before timing
    intervals = []
    barrier = __import__("threading").Barrier(2)

    def work():
        x = cuft.zeros(1, np.float32)
        start, end = cuft.Event(), cuft.Event()
        barrier.wait()
        start.record()
        spin[1, 1](x, 2_000_000)
        end.record()
        end.synchronize()
        intervals.append((start, end))
        return True
    assert all(run_concurrently(2, work))
    (s0, e0), (s1, e1) = intervals
    # On the GPU's clock, measured from the first thread's start: the second
    # kernel started before the first one ended, and the other way round.
    begin1, end0 = s0.elapsed_time(s1), s0.elapsed_time(e0)
    end1 = s0.elapsed_time(e1)
    assert begin1 < end0 and 0 < end1


def test_setup_and_teardown_run_once_per_module_and_context(tmp_path):
    if cuft._cuft.linker_problem():
        pytest.skip(cuft._cuft.linker_problem())
    cu = tmp_path / "factor.cu"
    cu.write_text('extern "C" __device__ float ext_factor = 1.0f;\n'
                  'extern "C" __device__ float ext_scaled(float x) { return x * ext_factor; }\n')
    scaled = cuft.declare_device("ext_scaled", "f32(f32)")
    counts = {"setup": 0, "teardown": 0}

    factor = np.array([3.0], np.float32)  # alive while copied (a temporary's
    # memory was freed before the copy read it: garbage on 3.13t)

    def setup(module):
        counts["setup"] += 1
        ptr, size = module.get_global("ext_factor")
        assert size == 4
        cuft._cuft.copy_to_device(module.context, ptr, factor.ctypes.data, 4, 0)

    def teardown(module):
        counts["teardown"] += 1

    @cuft.kernel(link=[cuft.Linkable(cu, setup=setup, teardown=teardown)])
    def use(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] = scaled(x[i])

    arrays = [cuft.to_device(np.ones(32, np.float32)) for _ in range(16)]
    take = taker(arrays)  # each thread its own array

    def launch():
        use[1, 32](take())
        # On 3.13t each thread launches on a default stream of its own: the
        # main thread's synchronize() would not wait for this one.
        cuft.default_stream().synchronize()
    run_concurrently(16, launch)
    assert counts == {"setup": 1, "teardown": 0}
    assert all((a.copy_to_host() == 3).all() for a in arrays)
    cuft.unload_modules()
    assert counts == {"setup": 1, "teardown": 1}
    use[1, 32](arrays[0])  # loads again, so sets up again
    assert counts == {"setup": 2, "teardown": 1}


@pytest.mark.skipif(cuft.cuda_status()["devices"] < 2, reason="needs two GPUs")
def test_a_launch_on_a_stream_of_device_1_runs_there():
    s1 = cuft.Stream(device=1)
    x = cuft.to_device(np.arange(8, dtype=np.float32), device=1)
    y = cuft.zeros(8, np.float32, device=1)
    saxpy[1, 8, s1](np.float32(2), x, y)
    s1.synchronize()
    assert list(y.copy_to_host()) == [2 * i for i in range(8)]
    with pytest.raises(cuft.KernelArgumentError, match="this launch runs on device 0"):
        saxpy[1, 8](np.float32(2), x, y)


def test_grid_sync_reduce_and_gufuncs_on_the_gpu():
    # The GPU halves of what the host runs in test_grid_sync.py,
    # test_reduce.py and test_guvectorize.py (gallery kernels run in
    # test_cuda_gallery.py).
    from test_grid_sync import grid_sum, sequential_rows
    from test_reduce import sum_reduce
    from test_guvectorize import matmulcore_of
    A = np.zeros((64, 1024), np.int32)
    blocks = sequential_rows.max_cooperative_grid_blocks(32, args=(A,))
    assert blocks >= 32
    dA = cuft.to_device(A)
    sequential_rows[32, 32](dA)
    np.testing.assert_array_equal(dA.copy_to_host(),
                                  np.tile(np.arange(64), (1024, 1)).T)
    with pytest.raises(ValueError, match="cannot sync"):
        sequential_rows[blocks + 1, 32](cuft.to_device(np.zeros((2, 32 * (blocks + 1)),
                                                                 np.int32)))
    # grid_sum's own limit, for its own 128-thread blocks (fewer run at once
    # than of sequential_rows' 32: on an H200, 2,112 against 4,224).
    x = np.zeros(128)
    sums = grid_sum.max_cooperative_grid_blocks(128, args=(x, x, x[:1]))
    assert 0 < sums < blocks
    x = np.random.default_rng(1).random(sums * 128)
    partial, out = cuft.zeros(sums, np.float64), cuft.zeros(1, np.float64)
    grid_sum[sums, 128](cuft.to_device(x), partial, out)
    assert out.copy_to_host()[0] == pytest.approx(x.sum(), rel=1e-12)
    v = np.arange(1_000_003, dtype=np.int64)
    assert sum_reduce(v) == v.sum() and sum_reduce(cuft.to_device(v)) == v.sum()
    gufunc = matmulcore_of(cuft.float32)
    P = np.arange(1001 * 8, dtype=np.float32).reshape(1001, 2, 4)
    Q = np.arange(1001 * 20, dtype=np.float32).reshape(1001, 4, 5)
    np.testing.assert_allclose(gufunc(P, Q), P @ Q, rtol=1e-6)
    np.testing.assert_allclose(gufunc(P, cuft.to_device(Q)).copy_to_host(), P @ Q, rtol=1e-6)


def test_the_gpu_contracts_a_multiply_and_an_add_into_one_rounding():
    # The default (fma=True, as nvcc and numba): a * x + y rounded once. The
    # inputs make a * x + y exact in float64, so rounding that to float32 is
    # the fused result; unfused numpy rounds twice and differs somewhere.
    rng = np.random.default_rng(4)
    x = rng.random(4096).astype(np.float32)
    y = rng.random(4096).astype(np.float32)
    a = np.float32(3)
    fused = (np.float64(a) * x.astype(np.float64) + y.astype(np.float64)).astype(np.float32)
    d = cuft.to_device(y)
    saxpy[16, 256](a, cuft.to_device(x), d)
    np.testing.assert_array_equal(d.copy_to_host(), fused)
    assert (fused != a * x + y).any()
    exact = cuft.kernel(saxpy.py_func, fma=False)
    d = cuft.to_device(y)
    exact[16, 256](a, cuft.to_device(x), d)
    np.testing.assert_array_equal(d.copy_to_host(), a * x + y)


def test_every_libdevice_function_gives_the_hosts_result_on_the_gpu():
    """A kernel right on the host is right on the GPU: each of cuft.libdevice's
    functions on test_libdevice.py's inputs, bit for bit where its result is
    exactly specified (rounding modes, conversions, bits), else within the
    math libraries' few ulps of each other (libdevice here, libm there)."""
    import test_libdevice as L
    from cuft import libdevice
    wrong = []
    for name, fn in sorted(libdevice.functions.items()):
        args = L.inputs(fn.params)
        if name.startswith(("jn", "yn")):  # orders the libraries loop over
            args[0] = np.clip(args[0], -20, 20).astype(args[0].dtype)
        cuft.set_target("host")
        host = L.run(fn, args)
        cuft.set_target("cuda")
        gpu = L.run(fn, args)
        for h, g in zip(host if isinstance(host, tuple) else (host,),
                        gpu if isinstance(gpu, tuple) else (gpu,)):
            if L.is_exact(fn) or h.dtype.kind != "f":
                same = (h == g) | (np.isnan(h) & np.isnan(g)) if h.dtype.kind == "f" else h == g
            else:
                tol = 16 * np.finfo(h.dtype).eps
                with np.errstate(invalid="ignore"):
                    same = np.isclose(g, h, rtol=tol, atol=tol, equal_nan=True) | (h == g)
            if not same.all():
                i = int(np.argmin(same))
                wrong.append(f"{name}{tuple(a[i] for a in args)}: host {h[i]!r}, gpu {g[i]!r}")
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_cmath_functions_give_cpythons_values_and_the_hosts_special_values_on_the_gpu(dtype):
    """test_complex's grid of special and ordinary values through every cmath
    function, rect and division: CPython's values (libdevice's few ulps from
    libm's), and where CPython raises, the host's special value exactly."""
    import test_complex as C
    z = C.cmath_grid(dtype)
    gpu = C.run_every_cmath_function(z)
    eps = np.finfo(z.real.dtype).eps
    tiny = 1e-44 if dtype == np.complex64 else 0.0
    wrong = C.cmath_mismatches(z, gpu, 64 * eps, tiny)
    cuft.set_target("host")
    host = C.run_every_cmath_function(z)
    cuft.set_target("cuda")
    wrong += [(j, z[i], gpu[i, j], host[i, j]) for i in range(z.size) for j in range(gpu.shape[1])
              if not C._same(complex(gpu[i, j]), complex(host[i, j]), 64 * eps, tiny)]
    assert not wrong, (len(wrong), wrong[:10])


def test_this_sessions_kernels_give_the_hosts_results_on_the_gpu():
    """uint64 literals (hashes), array views, namedtuple arguments and
    cache-hinted loads and stores: the same results as the host target's."""
    from collections import namedtuple
    import test_cache_hints
    import test_trust
    import test_views

    data = np.arange(1, 12, dtype=np.uint8)
    runs = {}
    for target in ("host", "cuda"):
        cuft.set_target(target)
        out = np.zeros(6, np.uint64)
        test_trust.hashes[1, 1](data, out)
        a = np.arange(12, dtype=np.float64).reshape(3, 4) - 5.5
        words = np.zeros((3, 8), np.uint32)
        test_views.view_copy[1, 1](a, words)
        y = np.linspace(-2, 2, 9).astype(np.float32)
        test_views.view_write[1, 16](y)
        p = namedtuple("P", "x y")(1.5, 2)
        named = np.zeros(6)
        test_tuple_named = __import__("test_tuple_arguments").named_fields
        test_tuple_named[1, 1](named, p, namedtuple("B", "lo hi")(p, namedtuple("P", "x y")(4.0, 5)))
        x = np.arange(5).astype(np.float16)
        r, yy = np.zeros_like(x), np.ones((3, 2), np.float16)
        test_cache_hints.loader(cuft.ldcs)[1, 1](r, x, yy)
        s = np.zeros(5, np.int64)
        test_cache_hints.storer(cuft.stwt)[1, 1](s, np.arange(5), np.zeros((3, 2), np.int64))
        runs[target] = [out, words, y, named, r, yy, s]
    cuft.set_target("cuda")
    for h, g in zip(runs["host"], runs["cuda"]):
        np.testing.assert_array_equal(g, h)
