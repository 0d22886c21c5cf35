"""Warm launch overhead on the GPU, cuft against its peers (prints figures; not a test).

    python3 test/bench/launch_overhead.py [--iterations 20000] [--threads 1,2,4,8,16] [--host]

Needs a CUDA driver and a GPU (tools/pack-gpu.sh runs it there), except with
--host, which times the same launches on the host target (launch and run of
the one block, numpy arrays; no peers). For each
case, the host CPU time per launch, in microseconds, of back-to-back warm
launches with no synchronize in the loop (the median of 5 runs):

    empty       a kernel with no parameters' work (one 1-element array, unused)
    1 array     y[i] = x[i], one array
    16 arrays   16 array parameters
    256 scalars 256 float32 scalar parameters (cuft: constexpr-free scalars)

Columns:
    floor       cuLaunchKernel in a C++ loop, parameters packed once
                (_cuft.launch_floor, on the kernel cuft compiled)
    cuft        kernel[1, 32](*args), written out per launch as the peers'
    kept        launch(*args), with launch = kernel[1, 32] made once
    numba-cuda, CuPy RawKernel, Triton: the same kernel written for each,
                when the package imports (else n/a)

Goals: cuft within 1.3x of the floor; below numba-cuda-mlir's published
3.0 us for a 1-array kernel. Then launches per second of the 1-array kernel
from 1, 2, 4, 8, 16 threads (on the free-threaded interpreter with
PYTHON_GIL=0, each thread its own default stream); goal >= 0.8 x N-fold;
beside them the floor's own rate from as many threads (launch_floor with the
GIL released): how far the driver itself scales.
"""
import argparse
import statistics
import sys
import threading
import time

import numpy as np

import cuft
from benchutil import rate


def timed(fn, iterations, sync):
    fn()
    sync()
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(iterations):
            fn()
        runs.append((time.perf_counter() - t0) / iterations)
        sync()
    return statistics.median(runs)


# -- cuft kernels ------------------------------------------------------------------
@cuft.kernel
def empty(x):
    pass


@cuft.kernel
def copy1(x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = x[i]


def make_arrays16():
    names = ", ".join(_names("a", 16))
    src = f"def arrays16({names}):\n    i = cuft.grid(1)\n    if i < a0.shape[0]:\n        a0[i] = a15[i]\n"
    return _compile(src, "arrays16")


def make_scalars256():
    names = ", ".join(_names("s", 256))
    src = f"def scalars256(out, {names}):\n    out[0] = {SUM256}\n"
    return _compile(src, "scalars256")


def _load_module(src, name):
    """A module made from ``src``, in a file of its own: cuft and Triton read
    their kernels' source."""
    import importlib.util
    import os
    import tempfile
    path = os.path.join(tempfile.mkdtemp(), f"{name}.py")
    with open(path, "w") as f:
        f.write(src)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _compile(src, name):
    return cuft.kernel(getattr(_load_module("import cuft\n" + src, name), name))


def cuft_cases(zeros=None):
    """The four cases' kernels and arguments; arrays from ``zeros`` (cuft.zeros
    on the GPU, np.zeros for --host)."""
    zeros = zeros or cuft.zeros
    x = zeros(1024, np.float32)
    y = zeros(1024, np.float32)
    arrays = [zeros(1024, np.float32) for _ in range(16)]
    scalars = [np.float32(i) for i in range(256)]
    out = zeros(1, np.float32)
    return {
        "empty": (empty, (x,)),
        "1 array": (copy1, (x, y)),
        "16 arrays": (make_arrays16(), tuple(arrays)),
        "256 scalars": (make_scalars256(), (out, *scalars)),
    }


def floor_launcher(kernel, args):
    """``launch(iterations)``: seconds per cuLaunchKernel of ``kernel`` on
    ``args`` in a C++ loop (launch_floor, the GIL released; parameters packed
    once, on this thread's default stream), after 100 untimed."""
    from cuft import cuda
    context = cuda.current_context()
    stream = cuda.stream_handle(None)
    sig, packed = kernel._read(kernel.frontend, args, "cuda", context, 0, stream)
    module = kernel.specialize_cuda(sig, context)

    def launch(iterations):
        return cuft._cuft.launch_floor(module, (1, 1, 1), (32, 1, 1), stream, packed,
                                       iterations)
    launch(100)
    return launch


def cuft_floor(kernel, args, iterations):
    launch = floor_launcher(kernel, args)
    return statistics.median(launch(iterations) for _ in range(5))


# -- peers -------------------------------------------------------------------------
# Each peer runs the four cases with the same kernels: the parameter lists of
# the 16-array and 256-scalar kernels are written out by these helpers.
def _names(prefix, n):
    return [f"{prefix}{i}" for i in range(n)]


SUM256 = " + ".join(f"s{i}" for i in range(0, 256, 32))  # what the kernels add up


def numba_cases():
    from numba import cuda as ncuda
    arrays16, scalars256 = ", ".join(_names("a", 16)), ", ".join(_names("s", 256))
    src = f"""
def n_empty(x):
    pass

def n_copy(x, y):
    i = ncuda.grid(1)
    if i < x.shape[0]:
        y[i] = x[i]

def n_arrays16({arrays16}):
    i = ncuda.grid(1)
    if i < a0.shape[0]:
        a0[i] = a15[i]

def n_scalars256(out, {scalars256}):
    out[0] = {SUM256}
"""
    ns = {"ncuda": ncuda}
    exec(compile(src, "<numba peers>", "exec"), ns)  # numba compiles bytecode: no file needed
    k = {name: ncuda.jit(ns[name]) for name in ("n_empty", "n_copy", "n_arrays16", "n_scalars256")}
    x = ncuda.device_array(1024, np.float32)
    y = ncuda.device_array(1024, np.float32)
    arrays = [ncuda.device_array(1024, np.float32) for _ in range(16)]
    scalars = [np.float32(i) for i in range(256)]
    out = ncuda.device_array(1, np.float32)
    return {"empty": lambda: k["n_empty"][1, 32](x),
            "1 array": lambda: k["n_copy"][1, 32](x, y),
            "16 arrays": lambda: k["n_arrays16"][1, 32](*arrays),
            "256 scalars": lambda: k["n_scalars256"][1, 32](out, *scalars)}, ncuda.synchronize


def cupy_source():
    """The CUDA C++ of the CuPy RawKernel peers (NVRTC compiles it)."""
    arrays16 = ", ".join(f"float *{n}" for n in _names("a", 16))
    scalars256 = ", ".join(f"float {n}" for n in _names("s", 256))
    return f"""
extern "C" __global__ void empty(float *x) {{}}
extern "C" __global__ void copy1(const float *x, float *y, int n) {{
  int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) y[i] = x[i]; }}
extern "C" __global__ void arrays16({arrays16}) {{
  int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < 1024) a0[i] = a15[i]; }}
extern "C" __global__ void scalars256(float *out, {scalars256}) {{
  out[0] = {SUM256}; }}
"""


def cupy_cases():
    import cupy
    mod = cupy.RawModule(code=cupy_source())
    e, c = mod.get_function("empty"), mod.get_function("copy1")
    a16, s256 = mod.get_function("arrays16"), mod.get_function("scalars256")
    x = cupy.zeros(1024, cupy.float32)
    y = cupy.zeros(1024, cupy.float32)
    arrays = tuple(cupy.zeros(1024, cupy.float32) for _ in range(16))
    out = cupy.zeros(1, cupy.float32)
    scalars = (out, *(np.float32(i) for i in range(256)))
    n = np.int32(1024)
    return {"empty": lambda: e((1,), (32,), (x,)), "1 array": lambda: c((1,), (32,), (x, y, n)),
            "16 arrays": lambda: a16((1,), (32,), arrays),
            "256 scalars": lambda: s256((1,), (32,), scalars)}, \
        cupy.cuda.runtime.deviceSynchronize


def triton_source():
    """The Triton peers: a module of its own, since Triton reads the source."""
    arrays16, scalars256 = ", ".join(_names("a", 16)), ", ".join(_names("s", 256))
    return f"""
import triton
import triton.language as tl

@triton.jit
def t_empty(x):
    pass

@triton.jit
def t_copy(x, y, n, BLOCK: tl.constexpr):
    i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y + i, tl.load(x + i, mask=i < n), mask=i < n)

@triton.jit
def t_arrays16({arrays16}, BLOCK: tl.constexpr):
    i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(a0 + i, tl.load(a15 + i))

@triton.jit
def t_scalars256(out, {scalars256}):
    tl.store(out, {SUM256})
"""


def triton_cases():
    import torch
    mod = _load_module(triton_source(), "triton_peers")
    x = torch.zeros(1024, device="cuda")
    y = torch.zeros(1024, device="cuda")
    arrays = [torch.zeros(1024, device="cuda") for _ in range(16)]
    out = torch.zeros(1, device="cuda")
    scalars = [float(i) + 0.5 for i in range(256)]  # floats: not specialized on value
    return {"empty": lambda: mod.t_empty[(1,)](x),
            "1 array": lambda: mod.t_copy[(1,)](x, y, 1024, BLOCK=1024),
            "16 arrays": lambda: mod.t_arrays16[(1,)](*arrays, BLOCK=1024),
            "256 scalars": lambda: mod.t_scalars256[(1,)](out, *scalars)}, \
        torch.cuda.synchronize


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iterations", type=int, default=20000)
    ap.add_argument("--threads", default="1,2,4,8,16")
    ap.add_argument("--host", action="store_true",
                    help="time the host target instead (no GPU needed): launch and run")
    opts = ap.parse_args()
    if opts.host:
        return host_main(opts)
    status = cuft.cuda_status()
    if not status["available"]:
        print(f"no GPU: {status['message']}")
        return
    cuft.set_target("cuda")
    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    print(f"python {sys.version.split()[0]}, GIL {'enabled' if gil else 'disabled'}, driver "
          f"{status['version']}, {status['devices']} device(s)")
    sync = cuft.default_stream().synchronize
    cases = cuft_cases()
    peers = {}
    for name, make in [("numba-cuda", numba_cases), ("CuPy RawKernel", cupy_cases),
                       ("Triton", triton_cases)]:
        try:
            peers[name] = make()
        except Exception as e:  # noqa: BLE001  (a missing or failing peer is reported)
            print(f"{name}: n/a ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})")
    header = ["case", "floor", "cuft", "cuft/floor", "kept", *peers]
    rows = []
    for case, (kernel, args) in cases.items():
        t = timed(lambda: kernel[1, 32](*args), opts.iterations, sync)
        launch = kernel[1, 32]
        kept = timed(lambda: launch(*args), opts.iterations, sync)
        floor = cuft_floor(kernel, args, opts.iterations)
        row = [case, f"{floor * 1e6:.2f}", f"{t * 1e6:.2f}", f"{t / floor:.2f}x",
               f"{kept * 1e6:.2f}"]
        for name, (fns, psync) in peers.items():
            fn = fns.get(case)
            try:
                row.append(f"{timed(fn, opts.iterations, psync) * 1e6:.2f}" if fn else "n/a")
            except Exception as e:  # noqa: BLE001  (a peer failing to compile its kernel)
                row.append("error")
                print(f"{name} {case}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("\nwarm launch, us of host CPU per launch (median of 5; no synchronize in the loop)")
    for r in [header, *rows]:
        print("  ".join(str(v).rjust(w) for v, w in zip(r, widths)))
    print("goals: cuft <= 1.3x floor; 1 array below numba-cuda-mlir's published 3.0 us")

    scaling(cases["1 array"][0], cuft.zeros, opts.threads, opts.iterations)
    sync()
    print(f"stats: {copy1.stats()}")


def floor_rate(kernel, zeros, n, iterations):
    """cuLaunchKernel's own launches per second from ``n`` threads at once
    (launch_floor, the GIL released; each thread its own arrays and default
    stream), summed over the threads: what the driver allows, cuft or not."""
    start = threading.Barrier(n)
    rates = [0.0] * n

    def work(i):
        args = (zeros(1024, np.float32), zeros(1024, np.float32))
        launch = floor_launcher(kernel, args)
        start.wait()
        rates[i] = 1 / launch(iterations)
        cuft.default_stream().synchronize()  # the arrays outlive their launches
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(rates)


def scaling(kernel, zeros, threads, iterations=20000, floor=True):
    """Launches per second of the 1-array ``kernel`` from 1, 2, ... threads,
    each with its own arrays (from ``zeros``), beside cuLaunchKernel's own
    (floor_rate)."""
    print("\nlaunches per second of the 1-array kernel, summed over threads (1 s each;\n"
          "each thread its own arrays, kernel[1, 32](x, y) written out per launch)" +
          (", and\ncuLaunchKernel's own from as many threads (the floor: what the driver allows)"
           if floor else ""))
    base = floor_base = None
    for n in (int(t) for t in threads.split(",")):
        own = threading.local()

        def launch_own():
            a = getattr(own, "args", None)
            if a is None:
                a = own.args = (zeros(1024, np.float32), zeros(1024, np.float32))
            kernel[1, 32](*a)
        per_second = rate(n, 1.0, launch_own)
        base = base or per_second
        line = (f"  {n:>2} threads: {per_second:>12,.0f}/s  {per_second / base:5.2f}x  "
                f"(goal >= {0.8 * n:.1f}x)")
        if floor:
            f = floor_rate(kernel, zeros, n, iterations)
            floor_base = floor_base or f
            line += f"   floor {f:>12,.0f}/s  {f / floor_base:5.2f}x"
        print(line)


def host_main(opts):
    """--host: the same four launches on the host target, numpy arrays in place.
    Each figure is a warm launch and the run of its one 32-thread block (on the
    calling thread): what a CPU-only user pays per launch."""
    cuft.set_target("host")
    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    print(f"python {sys.version.split()[0]}, GIL {'enabled' if gil else 'disabled'}, host target")
    print("\nwarm launch and run, us per launch (median of 5)")
    for case, (kernel, args) in cuft_cases(np.zeros).items():
        t = timed(lambda: kernel[1, 32](*args), opts.iterations, lambda: None)
        print(f"  {case:>11}  {t * 1e6:6.2f}")
    scaling(copy1, np.zeros, opts.threads, floor=False)


if __name__ == "__main__":
    main()
