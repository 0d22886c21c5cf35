"""cuft's host target (the CPU) beside numpy, numba's CPU parallel JIT and NVIDIA
Warp's CPU device (prints one table; not a test).

How to run:

    test/bench/setup-peers.sh && .venv/bin/python test/bench/host_vs_peers.py

Options: --repeat N (timed runs per entry, default 10), --budget S (stop an
entry's repeats after S seconds once it has run 3 times, default 5), --only
NAME[,NAME] (some kernels), --no-peers (cuft and numpy only).

cuft (``cuft.set_target("host")``) and numpy run in this process (.venv). The
peers live in .venv-peers (test/bench/setup-peers.sh; never in .venv): this file
runs itself there in a subprocess (``--peers-child``), handing it the problem
sizes and getting back JSON with the timings and its own checks. Each entry is
timed warm: one untimed first call (compile, warm-up), then the median of
--repeat runs, each after the outputs are reset outside the timing; every
result (the first call's and each timed run's) is checked against numpy, in the
process that computed it. The whole run holds benchutil.exclusive()'s flock.

The kernels, the same problem for every framework (inputs from one seed):

- saxpy: y = a*x + y over 2**22 float32 (cuft's 1-D kernels: 256-thread
  blocks, one element per thread).
- reduction: the sum of 2**22 float32. cuft: a shared-memory tree reduction
  (256 threads per block, ``cuft.shared.array``, a ``cuft.syncthreads()`` per
  level), each block ``cuft.atomic.add``-ing its sum into out[0]; numba: a
  ``prange`` sum reduction (its accumulator a float64: numba types the literal
  0.0 so); Warp: ``wp.tile_sum`` of 256-element tiles and
  ``wp.tile_atomic_add`` into out[0]; numpy: ``x.sum()``. Checked against the
  float64 sum, within 1e-4 relative: cuft and Warp add 16,384 float32 block
  sums one by one into out[0], a few 1e-6 off typically (1e-3 at worst).
- matmul: 512x512 @ 512x512 float32. cuft: 16x16 shared-memory tiles, two
  syncthreads per tile; numba: explicit loops, ``prange`` over the rows of c
  and an i-k-j loop nest inside (c zeroed outside the timing); Warp:
  ``wp.tile_matmul`` of 16x16 tiles; numpy: ``a @ b`` (its BLAS). Checked
  against the float64 product, within 1e-5 of its largest entry.
- stencil: a 5-point average, out = 0.2*(c + n + s + w + e), on the interior of
  a 2048x2048 float32 grid (the border stays 0). cuft: a 2-D grid of 16x16
  blocks, no shared memory; numba: ``prange`` over rows; Warp: a 2-D launch
  over the interior; numpy: slices.
- histogram: 2**22 int32 values in [0, 256) counted into 256 int32 bins. cuft:
  a global ``cuft.atomic.add`` per value; numba: the idiomatic parallel way, a
  local histogram per thread-chunk (``prange`` over numba's threads) summed at
  the end, no atomics; Warp: ``wp.atomic_add``; numpy: ``np.bincount``. Exact.
- gelu: the tanh approximation, 0.5*x*(1 + tanh(0.79788456*(x + 0.044715*x**3))),
  elementwise over 2**22 float32, float32 constants everywhere.

saxpy, stencil and gelu are checked against numpy's float32 result, within
1e-6 of its largest entry ("exact" when bit-equal: tanh implementations differ
by an ulp, and a compiler may fuse a multiply-add).

Warp's CPU device runs a launch's threads one after another on one core (its
``launch(..., block_dim=...)`` resolves to one thread per block on the CPU):
its column is a single-thread figure. numba runs on its default thread count
(the cores), cuft on its worker pool (CUFT_HOST_THREADS, else the cores) plus
the launching thread. The header names the build of cuft's extension measured
and how much of the CPU other processes took during the run: on a 2-core
machine a build beside the benchmark moves numba's figures by 2-5x.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from benchutil import busy_fraction, exclusive

HERE = os.path.abspath(__file__)
PEERS = os.path.join(os.path.dirname(HERE), "..", "..", ".venv-peers", "bin", "python")
SEED = 1234
TPB = 256      # threads per block of the 1-D kernels (and the reduction's shared array)
TILE = 16      # the edge of matmul's tiles and of the 2-D kernels' blocks
BINS = 256
SIZES = {"saxpy": 1 << 22, "reduction": 1 << 22, "matmul": 512, "stencil": 2048,
         "histogram": 1 << 22, "gelu": 1 << 22}
KERNELS = tuple(SIZES)
MIN_RUNS = 3
PEER_NAMES = ("numba-parallel", "warp-cpu")

# float32 constants, so that numba (whose float literals are float64) computes in
# float32 as numpy, cuft and Warp do.
FIFTH = np.float32(0.2)
HALF = np.float32(0.5)
ONE = np.float32(1.0)
GELU_C = np.float32(math.sqrt(2 / math.pi))
GELU_K = np.float32(0.044715)

# What each kernel's result is checked against and how closely: max |got - want|
# over max |want| (0: equal).
TOLERANCE = {"saxpy": 1e-6, "reduction": 1e-4, "matmul": 1e-5, "stencil": 1e-6,
             "histogram": 0, "gelu": 1e-6}


# ---------------------------------------------------------------------------------
# The problems: built alike in both processes, from SEED and the size.
# ---------------------------------------------------------------------------------
def numpy_stencil(u, out):
    out[1:-1, 1:-1] = FIFTH * (u[1:-1, 1:-1] + u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2]
                               + u[1:-1, 2:])
    return out


def numpy_gelu(x, y):
    return HALF * x * (ONE + np.tanh(GELU_C * (x + GELU_K * x * x * x)))


# numpy's way of computing each kernel's result, from the kernel's arguments.
NUMPY = {
    "saxpy": lambda a, x, y: a * x + y,
    "reduction": lambda x, out: x.sum(),
    "matmul": lambda a, b, c: a @ b,
    "stencil": numpy_stencil,
    "histogram": lambda v, bins: np.bincount(v, minlength=BINS),
    "gelu": numpy_gelu,
}


class Problem:
    """One kernel's arguments (``args``, in the kernels' order), the name of
    the one it writes (``out``, reset to its first value before every run), the
    reference result ``want`` and the check."""

    def __init__(self, name, n):
        rng = np.random.default_rng(SEED)
        f32 = dict(dtype=np.float32)
        self.name, self.n = name, n
        if name == "saxpy":
            self.args = {"a": np.float32(2.5), "x": rng.random(n, **f32),
                         "y": rng.random(n, **f32)}
            self.out = "y"
        elif name == "reduction":
            self.args = {"x": rng.random(n, **f32), "out": np.zeros(1, np.float32)}
            self.out = "out"
        elif name == "matmul":
            self.args = {"a": rng.random((n, n), **f32), "b": rng.random((n, n), **f32),
                         "c": np.zeros((n, n), np.float32)}
            self.out = "c"
        elif name == "stencil":
            self.args = {"u": rng.random((n, n), **f32), "out": np.zeros((n, n), np.float32)}
            self.out = "out"
        elif name == "histogram":
            self.args = {"v": rng.integers(0, BINS, n, dtype=np.int32),
                         "bins": np.zeros(BINS, np.int32)}
            self.out = "bins"
        elif name == "gelu":
            self.args = {"x": (2 * rng.standard_normal(n)).astype(np.float32),
                         "y": np.zeros(n, np.float32)}
            self.out = "y"
        else:
            raise ValueError(name)
        self.initial = self.args[self.out].copy()
        if name == "reduction":
            self.want = np.array([self.args["x"].astype(np.float64).sum()])
        elif name == "matmul":
            self.want = self.args["a"].astype(np.float64) @ self.args["b"].astype(np.float64)
        else:
            fresh = {k: v.copy() for k, v in self.args.items()}
            self.want = np.asarray(NUMPY[name](**fresh), np.float64)

    @property
    def result(self):
        """The argument an in-place kernel leaves its result in."""
        return self.args[self.out]

    def reset(self):
        np.copyto(self.args[self.out], self.initial)

    def error(self, got):
        """max |got - want| / max |want|."""
        got = np.asarray(got, np.float64).reshape(self.want.shape)
        return float(np.max(np.abs(got - self.want)) / max(np.max(np.abs(self.want)), 1e-30))


def describe(name, n):
    if name == "matmul":
        return f"{n}^3 f32"
    if name == "stencil":
        return f"{n}x{n} f32"
    return f"{n:,} i32 -> {BINS} bins" if name == "histogram" else f"{n:,} f32"


def launch_shape(name, n):
    """cuft's grid and block for a kernel over a problem of size n."""
    if name in ("matmul", "stencil"):
        g = (n + TILE - 1) // TILE
        return (g, g), (TILE, TILE)
    return ((n + TPB - 1) // TPB,), (TPB,)


def measure(p, run, repeat, budget):
    """Times ``run()`` (which returns the result) warm: a first untimed call,
    then the median of ``repeat`` runs (at least MIN_RUNS, fewer once `budget`
    seconds have gone), the outputs reset outside the timing; every result is
    checked against the reference."""
    errors = []

    def once():
        p.reset()
        t0 = time.perf_counter()
        got = run()
        seconds = time.perf_counter() - t0
        errors.append(p.error(got))
        return seconds

    try:
        once()
        times, start = [], time.perf_counter()
        while len(times) < repeat and (len(times) < MIN_RUNS
                                       or time.perf_counter() - start < budget):
            times.append(once())
    except Exception as e:  # noqa: BLE001  (reported beside the table)
        return {"error": why(e)}
    worst = float(np.max(errors))  # NaN if any is
    return {"ms": statistics.median(times) * 1e3, "runs": len(times),
            "ok": worst <= TOLERANCE[p.name], "err": worst}


def measure_all(names, sizes, runner, repeat, budget, log_as):
    """{kernel: measure(...)} for one framework; `runner(name, problem)` gives
    the function to time (or raises, and the kernel records the error)."""
    out = {}
    for name in names:
        p = Problem(name, sizes[name])
        log(f"[{log_as}] {name}")
        try:
            run = runner(name, p)
        except Exception as e:  # noqa: BLE001  (reported beside the table)
            out[name] = {"error": why(e)}
            continue
        out[name] = measure(p, run, repeat, budget)
    return out


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class OthersLoad:
    """The share of the machine's CPU time that other processes than this one and
    its children used between construction and ``share()`` (from /proc/stat;
    None elsewhere): a build beside the benchmark makes every figure noisy."""

    def __init__(self):
        self.start = self.sample()

    @staticmethod
    def sample():
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
        except OSError:
            return None
        t = os.times()
        hz = os.sysconf("SC_CLK_TCK")
        mine = (t.user + t.system + t.children_user + t.children_system) * hz
        return sum(v), sum(v) - v[3] - v[4], mine  # total, busy, ours (ticks)

    def share(self):
        end = self.sample()
        if self.start is None or end is None:
            return None
        total, busy, mine = (b - a for a, b in zip(self.start, end))
        return max(0.0, busy - mine) / max(1, total)


def why(e):
    """An exception in one line."""
    return f"{type(e).__name__}: " + (str(e).splitlines() or [""])[0]


# ---------------------------------------------------------------------------------
# cuft (this process): numba-cuda-style kernels on the host target.
# ---------------------------------------------------------------------------------
def make_cuft_kernels(cuft):
    @cuft.kernel
    def saxpy(a, x, y):
        i = cuft.grid(1)
        if i < x.size:
            y[i] = a * x[i] + y[i]

    @cuft.kernel
    def reduction(x, out):
        buf = cuft.shared.array(TPB, cuft.float32)
        tid = cuft.threadIdx.x
        i = cuft.grid(1)
        buf[tid] = x[i] if i < x.size else 0
        cuft.syncthreads()
        s = TPB // 2
        while s > 0:
            if tid < s:
                buf[tid] += buf[tid + s]
            cuft.syncthreads()
            s //= 2
        if tid == 0:
            cuft.atomic.add(out, 0, buf[0])

    @cuft.kernel
    def matmul(a, b, c):
        sa = cuft.shared.array((TILE, TILE), cuft.float32)
        sb = cuft.shared.array((TILE, TILE), cuft.float32)
        tx = cuft.threadIdx.x
        ty = cuft.threadIdx.y
        row = cuft.blockIdx.y * TILE + ty
        col = cuft.blockIdx.x * TILE + tx
        acc = cuft.float32(0)
        for t in range((a.shape[1] + TILE - 1) // TILE):
            k = t * TILE
            sa[ty, tx] = a[row, k + tx] if row < a.shape[0] and k + tx < a.shape[1] else 0
            sb[ty, tx] = b[k + ty, col] if k + ty < b.shape[0] and col < b.shape[1] else 0
            cuft.syncthreads()
            for kk in range(TILE):
                acc += sa[ty, kk] * sb[kk, tx]
            cuft.syncthreads()
        if row < c.shape[0] and col < c.shape[1]:
            c[row, col] = acc

    @cuft.kernel
    def stencil(u, out):
        j, i = cuft.grid(2)
        if i > 0 and j > 0 and i < u.shape[0] - 1 and j < u.shape[1] - 1:
            out[i, j] = FIFTH * (u[i, j] + u[i - 1, j] + u[i + 1, j] + u[i, j - 1]
                                 + u[i, j + 1])

    @cuft.kernel
    def histogram(v, bins):
        i = cuft.grid(1)
        if i < v.size:
            cuft.atomic.add(bins, v[i], 1)

    @cuft.kernel
    def gelu(x, y):
        i = cuft.grid(1)
        if i < x.size:
            v = x[i]
            y[i] = HALF * v * (ONE + math.tanh(GELU_C * (v + GELU_K * v * v * v)))

    return {"saxpy": saxpy, "reduction": reduction, "matmul": matmul, "stencil": stencil,
            "histogram": histogram, "gelu": gelu}


def cuft_runner():
    import cuft
    cuft.set_target("host")
    kernels = make_cuft_kernels(cuft)

    def runner(name, p):
        launch = kernels[name][launch_shape(name, p.n)]
        args = tuple(p.args.values())

        def run():
            launch(*args)
            return p.result
        return run
    return runner


def cuft_build():
    """(worker threads of cuft's host pool, where the number comes from, which
    build of cuft's extension this is: its file and when it was built)."""
    from cuft import _cuft
    env = os.environ.get("CUFT_HOST_THREADS")
    source = f"CUFT_HOST_THREADS={env}" if env else "one per core"
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(_cuft.__file__)))
    threads = getattr(_cuft, "host_pool_size", None)  # else what the docs say
    return (threads() if threads else int(env) if env else os.cpu_count(), source,
            f"{os.path.relpath(_cuft.__file__)}, built {built}")


def numpy_runner(name, p):
    f = NUMPY[name]
    return lambda: f(**p.args)


# ---------------------------------------------------------------------------------
# The peers (a subprocess in .venv-peers): numba's CPU parallel JIT and Warp's CPU.
# ---------------------------------------------------------------------------------
def make_numba_functions():
    import numba
    from numba import njit, prange

    @njit(parallel=True)
    def saxpy(a, x, y):
        for i in prange(x.size):
            y[i] = a * x[i] + y[i]
        return y

    @njit(parallel=True)
    def reduction(x, out):
        s = 0.0
        for i in prange(x.size):
            s += x[i]
        return s

    @njit(parallel=True)
    def matmul(a, b, c):
        for i in prange(a.shape[0]):
            for k in range(a.shape[1]):
                aik = a[i, k]
                for j in range(b.shape[1]):
                    c[i, j] += aik * b[k, j]
        return c

    @njit(parallel=True)
    def stencil(u, out):
        for i in prange(1, u.shape[0] - 1):
            for j in range(1, u.shape[1] - 1):
                out[i, j] = FIFTH * (u[i, j] + u[i - 1, j] + u[i + 1, j] + u[i, j - 1]
                                     + u[i, j + 1])
        return out

    @njit(parallel=True)
    def histogram(v, bins):
        chunks = numba.get_num_threads()
        local = np.zeros((chunks, bins.size), np.int32)
        per = (v.size + chunks - 1) // chunks
        for t in prange(chunks):
            for i in range(t * per, min(v.size, (t + 1) * per)):
                local[t, v[i]] += 1
        for t in range(chunks):
            for b in range(bins.size):
                bins[b] += local[t, b]
        return bins

    @njit(parallel=True)
    def gelu(x, y):
        for i in prange(x.size):
            v = x[i]
            y[i] = HALF * v * (ONE + math.tanh(GELU_C * (v + GELU_K * v * v * v)))
        return y

    functions = {"saxpy": saxpy, "reduction": reduction, "matmul": matmul, "stencil": stencil,
                 "histogram": histogram, "gelu": gelu}

    def runner(name, p):
        f, args = functions[name], tuple(p.args.values())
        return lambda: f(*args)
    return runner, {"numba": numba.__version__, "numba threads": numba.get_num_threads()}


def make_warp_kernels():
    import warp as wp
    wp.config.log_level = wp.LOG_WARNING
    wp.init()
    f32 = wp.float32
    fifth, half, one = wp.constant(f32(FIFTH)), wp.constant(f32(HALF)), wp.constant(f32(ONE))
    gelu_c, gelu_k = wp.constant(f32(GELU_C)), wp.constant(f32(GELU_K))
    tpb, tile = wp.constant(TPB), wp.constant(TILE)

    @wp.kernel
    def saxpy(a: f32, x: wp.array(dtype=f32), y: wp.array(dtype=f32)):
        i = wp.tid()
        y[i] = a * x[i] + y[i]

    @wp.kernel
    def reduction(x: wp.array(dtype=f32), out: wp.array(dtype=f32)):
        i = wp.tid()
        t = wp.tile_load(x, shape=tpb, offset=i * tpb)
        wp.tile_atomic_add(out, wp.tile_sum(t))

    @wp.kernel
    def matmul(a: wp.array2d(dtype=f32), b: wp.array2d(dtype=f32), c: wp.array2d(dtype=f32)):
        i, j = wp.tid()
        acc = wp.tile_zeros(shape=(tile, tile), dtype=f32)
        for k in range(a.shape[1] // tile):
            ta = wp.tile_load(a, shape=(tile, tile), offset=(i * tile, k * tile))
            tb = wp.tile_load(b, shape=(tile, tile), offset=(k * tile, j * tile))
            wp.tile_matmul(ta, tb, acc)
        wp.tile_store(c, acc, offset=(i * tile, j * tile))

    @wp.kernel
    def stencil(u: wp.array2d(dtype=f32), out: wp.array2d(dtype=f32)):
        i0, j0 = wp.tid()
        i = i0 + 1
        j = j0 + 1
        out[i, j] = fifth * (u[i, j] + u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])

    @wp.kernel
    def histogram(v: wp.array(dtype=wp.int32), bins: wp.array(dtype=wp.int32)):
        i = wp.tid()
        wp.atomic_add(bins, v[i], 1)

    @wp.kernel
    def gelu(x: wp.array(dtype=f32), y: wp.array(dtype=f32)):
        i = wp.tid()
        v = x[i]
        y[i] = half * v * (one + wp.tanh(gelu_c * (v + gelu_k * v * v * v)))

    # (kernel, launch dimensions from n, tiled?)
    launches = {"saxpy": (saxpy, lambda n: n, False),
                "reduction": (reduction, lambda n: n // TPB, True),
                "matmul": (matmul, lambda n: (n // TILE, n // TILE), True),
                "stencil": (stencil, lambda n: (n - 2, n - 2), False),
                "histogram": (histogram, lambda n: n, False),
                "gelu": (gelu, lambda n: n, False)}

    def runner(name, p):
        kernel, dim, tiled = launches[name]
        # On the CPU a wp.array over a numpy array shares its memory.
        args = [wp.array(v, device="cpu", copy=False) if isinstance(v, np.ndarray) else v
                for v in p.args.values()]
        launch = wp.launch_tiled if tiled else wp.launch
        shape = dim(p.n)

        def run():
            launch(kernel, dim=shape, inputs=args, block_dim=TPB, device="cpu")
            wp.synchronize_device("cpu")
            return p.result
        return run
    return runner, {"warp": wp.__version__}


def peers_child(request):
    """In .venv-peers: times both peers on the sizes given, prints JSON."""
    out = {"versions": {"numpy": np.__version__}, "results": {}, "errors": {}}
    for peer, make in zip(PEER_NAMES, (make_numba_functions, make_warp_kernels)):
        try:
            runner, versions = make()
        except Exception as e:  # noqa: BLE001  (reported beside the table)
            out["errors"][peer] = why(e)
            continue
        out["versions"].update(versions)
        out["results"][peer] = measure_all(request["kernels"], request["sizes"], runner,
                                           request["repeat"], request["budget"], peer)
    print(json.dumps(out))


def run_peers(names, repeat, budget):
    """The child's JSON, or {"failed": why}."""
    if not os.path.exists(PEERS):
        return {"failed": "not installed: test/bench/setup-peers.sh makes .venv-peers"}
    request = {"kernels": names, "sizes": {k: SIZES[k] for k in names}, "repeat": repeat,
               "budget": budget}
    try:
        proc = subprocess.run([PEERS, HERE, "--peers-child", json.dumps(request)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=900)
    except subprocess.TimeoutExpired:
        return {"failed": "the subprocess ran past 900 s"}
    for line in proc.stderr.splitlines():
        if line.startswith("["):  # the child's progress lines
            log(line)
    if proc.returncode:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"failed": f"the subprocess exited {proc.returncode}: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------
# The report.
# ---------------------------------------------------------------------------------
def fmt_ms(r):
    if r is None:
        return "-"
    if "error" in r:
        return "error"
    ms = r["ms"]
    text = f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"
    return text + ("" if r["ok"] else " WRONG")


def fmt_ratio(cuft, peer):
    if not (cuft and peer and "ms" in cuft and "ms" in peer):
        return "-"
    return f"{cuft['ms'] / peer['ms']:.2f}x"


def table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    print(line.format(*headers))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line.format(*r))


def report(names, results, repeat):
    """results: {framework: {kernel: measure(...)}} with the frameworks
    numpy, numba-parallel, warp-cpu and cuft-host (a peer may be absent)."""
    rows, notes = [], []
    for name in names:
        r = {fw: results.get(fw, {}).get(name) for fw in ("numpy", *PEER_NAMES, "cuft-host")}
        rows.append([name, describe(name, SIZES[name]), *(fmt_ms(x) for x in r.values()),
                     fmt_ratio(r["cuft-host"], r["numba-parallel"]),
                     fmt_ratio(r["cuft-host"], r["warp-cpu"])])
        checks = []
        for fw, x in r.items():
            if x is None:
                continue
            if "error" in x:
                notes.append(f"{name} / {fw}: failed: {x['error']}")
                continue
            checks.append(f"{fw} " + ("exact" if x["err"] == 0 else f"{x['err']:.1e}")
                          + ("" if x["ok"] else f" MISMATCH (tolerance {TOLERANCE[name]:g})"))
            if x["runs"] < repeat:
                notes.append(f"{name} / {fw}: median of {x['runs']} runs (time bound)")
        notes.append(f"{name} check: " + ", ".join(checks))
    table(["kernel", "problem", "numpy ms", "numba-parallel ms", "warp-cpu ms", "cuft-host ms",
           "cuft/numba-parallel", "cuft/warp"], rows)
    print(f"\nwarm runs, median of {repeat} unless said; ratios: cuft-host time over the "
          "peer's (>1: cuft slower); WRONG: a result off numpy's.")
    print("checks, max |result - numpy| over max |numpy| (float64 numpy for reduction and "
          "matmul), worst over all runs:")
    for n in notes:
        print("  " + n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=10, help="timed runs per entry (default 10)")
    ap.add_argument("--budget", type=float, default=5.0,
                    help="seconds of repeats per entry once it has run 3 times (default 5)")
    ap.add_argument("--only", default=",".join(KERNELS), metavar="NAME[,NAME]")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--peers-child", metavar="JSON", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.peers_child:
        return peers_child(json.loads(opts.peers_child))
    names = [k for k in opts.only.split(",") if k]
    for k in names:
        if k not in KERNELS:
            ap.error(f"unknown kernel {k!r} (known: {', '.join(KERNELS)})")

    with exclusive():
        busy = busy_fraction(0.5)
        threads, source, build = cuft_build()
        load = OthersLoad()
        print(f"python {sys.version.split()[0]}, numpy {np.__version__}; {os.cpu_count()} cores"
              + (f", {busy:.0%} busy before the run" if busy is not None else ""))
        print(f"cuft ({build}): host pool of {threads} worker threads ({source}) "
              "+ the launching thread")
        results = {"numpy": measure_all(names, SIZES, numpy_runner, opts.repeat, opts.budget,
                                        "numpy"),
                   "cuft-host": measure_all(names, SIZES, cuft_runner(), opts.repeat,
                                            opts.budget, "cuft")}
        peers = None if opts.no_peers else run_peers(names, opts.repeat, opts.budget)
        others = load.share()
    if peers and "failed" not in peers:
        results.update(peers["results"])
        print("peers (.venv-peers): " + ", ".join(f"{k} {v}" for k, v in peers["versions"].items()))
        for peer, error in peers["errors"].items():
            print(f"{peer}: unavailable: {error}")
    elif peers:
        print(f"peers: {peers['failed']}")
    if others is not None:
        print(f"other processes used {others:.0%} of the CPU during the run"
              + (": the figures are noisy" if others > 0.1 else ""))
    print()
    report(names, results, opts.repeat)


if __name__ == "__main__":
    main()
