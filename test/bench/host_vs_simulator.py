"""cuft's host target against numba's CUDA simulator (prints figures; not a test).

How to run:

    test/bench/setup-bench.sh && .venv-bench/bin/python test/bench/host_vs_simulator.py

setup-bench.sh makes .venv-bench (numpy, numba, the in-tree cuft) from the
interpreter cuft's extension is built for. Options: --warm N (launches per
median, default 20), --sim-budget S (seconds of simulator per kernel when the
whole problem would take longer, default 20), --sim-full-limit S (simulate the
whole problem when it should take at most S seconds, default 60), --sim-full
(always the whole problem: about 40 minutes), --no-simulator, --compile-repeat N
(fresh processes per compile figure, default 3), --no-compile.

Three kernels, each written twice in numba-cuda's style, once for cuft and once
for numba.cuda, textually the same but for ``cuft.`` / ``cuda.``:

- saxpy: y = a*x + y over 2**20 float32, 256 threads per block (4096 blocks);
- matmul: 256x256 float32, 16x16 shared-memory tiles, two syncthreads per tile;
- reduce: shared-memory tree reduction of 2**20 float32, 256 threads per block,
  a barrier per level, each block atomically adds its sum into out[0].

cuft runs in this process with ``cuft.set_target("host")``: its first call
(frontend + compile + run) is reported apart from its warm time (the median of
--warm launches, inputs reset between launches outside the timing). numba's
simulator runs in a subprocess with NUMBA_ENABLE_CUDASIM=1 set before numba is
imported. The simulator runs one Python thread per CUDA thread and takes minutes
for these sizes, so unless the whole problem fits in --sim-full-limit it runs
the *same* launch (same arrays, same block shape, same work per block) on fewer
blocks -- a prefix of the grid -- and its time is scaled by total/simulated
blocks; the table marks those figures "scaled" and gives the fraction. Every
result (cuft's after each launch, the simulator's on the blocks it ran) is
checked against numpy.

Compile times: each figure is the median over --compile-repeat fresh
subprocesses (cuft's caches are per process), each of which first compiles an
unrelated trivial kernel on the same path (so one-time set-up of LLVM and the
JIT is not counted), then times the frontend (Python AST -> generic IR) and
then the compile: PTX is ``kernel.inspect(*args, stage="ptx")``; host is
``kernel.specialize_host(signature)`` (typed IR -> LLVM -> machine code, loaded
by the JIT; on a cuft without it, the first launch of a one-block problem minus
its warm launch). The last column is that warm one-block launch: the launch
overhead.
"""
import argparse
import faulthandler
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from benchutil import busy_fraction

SEED = 1234
TPB = 256     # threads per block of saxpy and reduce (a literal in both sides' kernels)
TILE = 16     # matmul tile edge
N_VEC = 1 << 20
N_MAT = 256
KERNELS = ("saxpy", "matmul", "reduce")
HERE = os.path.abspath(__file__)


# ---------------------------------------------------------------------------------
# The kernels. Keep the two factories textually in step: only cuft./cuda. differ.
# ---------------------------------------------------------------------------------
# ``cuft`` and ``cuda`` are module globals, set by the factories: numba's
# simulator swaps the global ``cuda`` of a kernel for its own fake module (a
# closure variable would keep the real numba.cuda), and the simulator subprocess
# must not need cuft, nor the parent import numba.
cuft = cuda = float32 = None


def load_cuft():
    global cuft
    import cuft
    return cuft


def make_cuft_kernels():
    load_cuft()

    @cuft.kernel
    def saxpy(a, x, y):
        i = cuft.grid(1)
        if i < x.shape[0]:
            y[i] = a * x[i] + y[i]

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
    def reduce(x, out):
        buf = cuft.shared.array(TPB, cuft.float32)
        tid = cuft.threadIdx.x
        i = cuft.grid(1)
        buf[tid] = x[i] if i < x.shape[0] else 0
        cuft.syncthreads()
        s = TPB // 2
        while s > 0:
            if tid < s:
                buf[tid] += buf[tid + s]
            cuft.syncthreads()
            s //= 2
        if tid == 0:
            cuft.atomic.add(out, 0, buf[0])

    return {"saxpy": saxpy, "matmul": matmul, "reduce": reduce}


def make_numba_kernels():
    global cuda, float32
    from numba import cuda, float32

    @cuda.jit
    def saxpy(a, x, y):
        i = cuda.grid(1)
        if i < x.shape[0]:
            y[i] = a * x[i] + y[i]

    @cuda.jit
    def matmul(a, b, c):
        sa = cuda.shared.array((TILE, TILE), float32)
        sb = cuda.shared.array((TILE, TILE), float32)
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        row = cuda.blockIdx.y * TILE + ty
        col = cuda.blockIdx.x * TILE + tx
        acc = float32(0)
        for t in range((a.shape[1] + TILE - 1) // TILE):
            k = t * TILE
            sa[ty, tx] = a[row, k + tx] if row < a.shape[0] and k + tx < a.shape[1] else 0
            sb[ty, tx] = b[k + ty, col] if k + ty < b.shape[0] and col < b.shape[1] else 0
            cuda.syncthreads()
            for kk in range(TILE):
                acc += sa[ty, kk] * sb[kk, tx]
            cuda.syncthreads()
        if row < c.shape[0] and col < c.shape[1]:
            c[row, col] = acc

    @cuda.jit
    def reduce(x, out):
        buf = cuda.shared.array(TPB, float32)
        tid = cuda.threadIdx.x
        i = cuda.grid(1)
        buf[tid] = x[i] if i < x.shape[0] else 0
        cuda.syncthreads()
        s = TPB // 2
        while s > 0:
            if tid < s:
                buf[tid] += buf[tid + s]
            cuda.syncthreads()
            s //= 2
        if tid == 0:
            cuda.atomic.add(out, 0, buf[0])

    return {"saxpy": saxpy, "matmul": matmul, "reduce": reduce}


# ---------------------------------------------------------------------------------
# Problems: inputs, launch shapes, numpy references and checks, shared by both sides.
# ---------------------------------------------------------------------------------
class Problem:
    """One kernel's problem. ``blocks`` is how many blocks of the full grid run
    (a prefix in row-major block order); the check covers what they computed."""

    def __init__(self, name, small=False):
        self.name = name
        rng = np.random.default_rng(SEED)
        if name == "saxpy":
            n = TPB if small else N_VEC
            self.a = np.float32(2.5)
            self.x = rng.random(n, dtype=np.float32)
            self.y0 = rng.random(n, dtype=np.float32)
            self.y = self.y0.copy()
            self.grid, self.block = ((n + TPB - 1) // TPB,), (TPB,)
            self.what = f"{n:,} f32, {self.grid[0]}x{TPB} thr"
        elif name == "matmul":
            n = TILE if small else N_MAT
            self.a = rng.random((n, n), dtype=np.float32)
            self.b = rng.random((n, n), dtype=np.float32)
            self.c = np.zeros((n, n), np.float32)
            g = (n + TILE - 1) // TILE
            self.grid, self.block = (g, g), (TILE, TILE)
            self.what = f"{n}x{n} f32, {g}x{g} blk of {TILE}x{TILE}"
        elif name == "reduce":
            n = TPB if small else N_VEC
            self.x = rng.random(n, dtype=np.float32)
            self.out = np.zeros(1, np.float32)
            self.grid, self.block = ((n + TPB - 1) // TPB,), (TPB,)
            self.what = f"{n:,} f32, {self.grid[0]}x{TPB} thr"
        else:
            raise ValueError(name)
        self.total_blocks = int(np.prod(self.grid))

    def args(self):
        return {"saxpy": lambda: (self.a, self.x, self.y),
                "matmul": lambda: (self.a, self.b, self.c),
                "reduce": lambda: (self.x, self.out)}[self.name]()

    def reset(self):
        if self.name == "saxpy":
            np.copyto(self.y, self.y0)
        elif self.name == "matmul":
            self.c.fill(0)
        else:
            self.out[0] = 0

    def grid_for(self, blocks):
        """The launch grid running the first ``blocks`` blocks of the full grid
        (for matmul, whole rows of blocks once there is more than one row)."""
        if len(self.grid) == 1:
            return (blocks,)
        gx, gy = self.grid
        return (blocks, 1) if blocks < gx else (gx, blocks // gx)

    def round_blocks(self, blocks):
        blocks = max(1, min(self.total_blocks, blocks))
        if len(self.grid) == 2 and blocks >= self.grid[0]:
            blocks -= blocks % self.grid[0]
        return blocks

    def numpy_time(self, repeat=5):
        f = {"saxpy": lambda: self.a * self.x + self.y0,
             "matmul": lambda: self.a @ self.b,
             "reduce": lambda: self.x.sum()}[self.name]
        return _median_s(f, repeat)

    def check(self, blocks=None):
        """(ok, text) for the result of running the first ``blocks`` blocks."""
        blocks = self.total_blocks if blocks is None else blocks
        if self.name == "saxpy":
            m = blocks * TPB
            want = self.a * self.x[:m] + self.y0[:m]
            err = float(np.max(np.abs(self.y[:m] - want) / np.abs(want)))
            rest = np.array_equal(self.y[m:], self.y0[m:])
            return err <= 1e-6 and rest, f"rel {err:.0e}" + ("" if rest else ", wrote outside")
        if self.name == "matmul":
            gx, gy = self.grid_for(blocks)
            r, c = gy * TILE, gx * TILE
            want = self.a[:r].astype(np.float64) @ self.b[:, :c].astype(np.float64)
            err = float(np.max(np.abs(self.c[:r, :c] - want) / np.abs(want)))
            mask = np.ones(self.c.shape, bool)
            mask[:r, :c] = False
            rest = not np.any(self.c[mask])
            return err <= 1e-5 and rest, f"rel {err:.0e}" + ("" if rest else ", wrote outside")
        want = float(self.x[:blocks * TPB].astype(np.float64).sum())
        err = abs(float(self.out[0]) - want) / want
        return err <= 1e-5, f"rel {err:.0e}"


def _median_s(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------
# The simulator side (a subprocess: NUMBA_ENABLE_CUDASIM must be set before numba
# is imported).
# ---------------------------------------------------------------------------------
CALIBRATION_BLOCKS = {"saxpy": 16, "matmul": 1, "reduce": 2}


def simulator_main(opts):
    assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run with NUMBA_ENABLE_CUDASIM=1"
    import numba
    kernels = make_numba_kernels()
    results = {"numba": numba.__version__}
    for name in opts.kernels:
        p = Problem(name)
        k = kernels[name]
        # Calibrate on a few blocks, then choose how many to run.
        cal = p.round_blocks(CALIBRATION_BLOCKS[name])
        t0 = time.perf_counter()
        k[p.grid_for(cal), p.block](*p.args())
        per_block = (time.perf_counter() - t0) / cal
        cal_ok, _ = p.check(cal)
        estimate = per_block * p.total_blocks
        if opts.sim_full or estimate <= opts.sim_full_limit:
            blocks = p.total_blocks
        else:
            blocks = p.round_blocks(int(opts.sim_budget / per_block))
        log(f"[simulator] {name}: {per_block:.3f} s/block on {cal} block(s), whole grid "
            f"~{estimate:.0f} s: running {blocks}/{p.total_blocks} blocks")
        p.reset()
        t0 = time.perf_counter()
        k[p.grid_for(blocks), p.block](*p.args())
        seconds = time.perf_counter() - t0
        ok, detail = p.check(blocks)
        results[name] = {"blocks": blocks, "total_blocks": p.total_blocks,
                         "seconds": seconds,
                         "scaled_seconds": seconds * p.total_blocks / blocks,
                         "ok": ok and cal_ok, "detail": detail}
    print(json.dumps(results))


def run_simulator(opts):
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    cmd = [sys.executable, HERE, "--simulator", "--kernels", ",".join(opts.kernels),
           "--sim-budget", str(opts.sim_budget), "--sim-full-limit", str(opts.sim_full_limit)]
    if opts.sim_full:
        cmd.append("--sim-full")
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        log(f"[simulator] failed with status {proc.returncode}")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------
# The cuft side.
# ---------------------------------------------------------------------------------
def set_host_target():
    """None when the host target works, else why not."""
    try:
        load_cuft()
        cuft.set_target("host")
    except Exception as e:  # noqa: BLE001  (reported in the table)
        return f"{type(e).__name__}: {e}"
    return None


def _noop_kernel():
    @cuft.kernel
    def noop(x):
        if cuft.grid(1) == 0:
            x[0] = 1
    return noop


def cuft_runs(opts):
    """Per kernel: first call, warm median, checks; plus the process's first launch.
    A kernel that fails records its error; a hang ends the process after
    --timeout seconds with every thread's stack (faulthandler)."""
    out = {}
    faulthandler.dump_traceback_later(opts.timeout, exit=True)
    try:
        noop, z = _noop_kernel(), np.zeros(1, np.float32)
        t0 = time.perf_counter()
        noop[1, 1](z)
        out["process first launch"] = time.perf_counter() - t0
        kernels = make_cuft_kernels()
        for name in opts.kernels:
            p, k = Problem(name), kernels[name]
            launch = k[p.grid, p.block]
            log(f"[cuft] {name}: first call and {opts.warm} warm launches")
            try:
                t0 = time.perf_counter()
                launch(*p.args())
                first = time.perf_counter() - t0
                first_ok, detail = p.check()
                times, fails = [], 0 if first_ok else 1
                for _ in range(opts.warm):
                    p.reset()
                    t0 = time.perf_counter()
                    launch(*p.args())
                    times.append(time.perf_counter() - t0)
                    ok, d = p.check()
                    if not ok:
                        fails, detail = fails + 1, d
            except Exception as e:  # noqa: BLE001  (reported in the table)
                log(f"[cuft] {name} failed: {type(e).__name__}: {e}")
                out[name] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
                continue
            out[name] = {"first": first, "warm": statistics.median(times),
                         "runs": opts.warm + 1, "fails": fails, "detail": detail,
                         "stats": k.stats()}
    finally:
        faulthandler.cancel_dump_traceback_later()
    return out


# ---------------------------------------------------------------------------------
# Compile times: one fresh process per figure.
# ---------------------------------------------------------------------------------
def probe_main(opts):
    name, path = opts.probe
    load_cuft()
    if path == "host":
        cuft.set_target("host")
    noop, z = _noop_kernel(), np.zeros(1, np.float32)
    p = Problem(name, small=True)
    k = make_cuft_kernels()[name]
    if path == "host":
        noop[1, 1](z)
    else:
        noop.inspect(z, stage="ptx")
    t0 = time.perf_counter()
    k.frontend  # noqa: B018  (the Python frontend, timed apart)
    frontend = time.perf_counter() - t0
    launch = k[p.grid, p.block]
    if path == "host":
        if hasattr(k, "specialize_host"):  # compile (and JIT-load) without running
            sig = k.signature(*p.args())
            t0 = time.perf_counter()
            k.specialize_host(sig)
            compile_s = time.perf_counter() - t0
            launch(*p.args())
            warm = _median_s(lambda: launch(*p.args()), 20)
        else:  # first launch minus a warm one
            t0 = time.perf_counter()
            launch(*p.args())
            first = time.perf_counter() - t0
            warm = _median_s(lambda: launch(*p.args()), 20)
            compile_s = first - warm
    else:
        t0 = time.perf_counter()
        k.inspect(*p.args(), stage="ptx")
        compile_s = time.perf_counter() - t0
        warm = None
    print(json.dumps({"frontend": frontend, "compile": compile_s, "tiny_launch": warm,
                      "stats": k.stats()}))


def run_probes(opts, host):
    out = {}
    for name in opts.kernels:
        for path in ("host", "ptx") if host else ("ptx",):
            runs = []
            for _ in range(opts.compile_repeat):
                try:
                    proc = subprocess.run([sys.executable, HERE, "--probe", name, path],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True, timeout=opts.timeout)
                except subprocess.TimeoutExpired:
                    log(f"[compile] {name}/{path} timed out after {opts.timeout} s")
                    runs = None
                    break
                if proc.returncode != 0:
                    err = (proc.stderr.strip().splitlines() or ["?"])[-1]
                    log(f"[compile] {name}/{path} failed: {err}")
                    runs = None
                    break
                runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            if runs:
                out[(name, path)] = {
                    key: statistics.median(r[key] for r in runs)
                    for key in ("frontend", "compile", "tiny_launch") if runs[0][key] is not None}
                out[(name, path)]["stats"] = runs[0]["stats"]
            log(f"[compile] {name}/{path}: "
                + (f"{out[(name, path)]['compile'] * 1e3:.1f} ms" if runs else "failed"))
    return out


# ---------------------------------------------------------------------------------
# The report.
# ---------------------------------------------------------------------------------
def fmt_s(s):
    if s is None:
        return "n/a"
    if s >= 100:
        return f"{s:.0f} s"
    if s >= 1:
        return f"{s:.1f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.{1 if s < 0.1 else 0}f} ms"
    return f"{s * 1e6:.0f} us"


def table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    print(line.format(*headers))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line.format(*r))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warm", type=int, default=20)
    ap.add_argument("--sim-budget", type=float, default=20.0)
    ap.add_argument("--sim-full-limit", type=float, default=60.0)
    ap.add_argument("--sim-full", action="store_true")
    ap.add_argument("--no-simulator", action="store_true")
    ap.add_argument("--compile-repeat", type=int, default=3)
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds before a hung cuft run or compile probe is ended")
    ap.add_argument("--kernels", default=",".join(KERNELS))
    ap.add_argument("--simulator", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--probe", nargs=2, metavar=("KERNEL", "PATH"), help=argparse.SUPPRESS)
    opts = ap.parse_args()
    opts.kernels = [k for k in opts.kernels.split(",") if k]
    for k in opts.kernels:
        if k not in KERNELS:
            ap.error(f"unknown kernel {k!r} (known: {', '.join(KERNELS)})")
    if opts.simulator:
        return simulator_main(opts)
    if opts.probe:
        return probe_main(opts)

    busy = busy_fraction()
    print(f"python {sys.version.split()[0]} ({sys.executable}), numpy {np.__version__}, "
          f"{os.cpu_count()} cores" + (f", {busy:.0%} of them busy before the start"
                                      if busy is not None else ""))
    if busy is not None and busy > 0.1:
        print(f"note: something else keeps {busy:.0%} of the CPU busy: every figure below is "
              "noisy (cuft's blocks run on a thread pool of one thread per core)")
    host_error = set_host_target()
    host = None
    if host_error is None:
        try:
            host = cuft_runs(opts)
        except Exception as e:  # noqa: BLE001  (the trivial kernel failed: reported)
            host_error = f"{type(e).__name__}: {e}"
            log(f"[cuft] the host target fails on a trivial kernel: {host_error}")
    else:
        log(f"[cuft] host target unavailable: {host_error}")
    sim = None if opts.no_simulator else run_simulator(opts)
    probes = {} if opts.no_compile else run_probes(opts, host=host_error is None)
    print_report(opts, sim, host, host_error, probes)


def print_report(opts, sim, host, host_error, probes):
    print()
    print("cuft host target: " + (f"UNAVAILABLE ({host_error})" if host_error else
          f"cuft.set_target('host'); the process's first launch (a trivial kernel, with the "
          f"one-time set-up) took {fmt_s(host['process first launch'])}"))
    print("simulator: " + (f"numba {sim['numba']}, NUMBA_ENABLE_CUDASIM=1, in a subprocess"
                           if sim else "not run" if opts.no_simulator else "FAILED (see above)"))
    print()
    rows, notes = [], []
    for name in opts.kernels:
        p = Problem(name)
        h = host.get(name) if host else None
        s = sim.get(name) if sim else None
        if h and "error" in h:
            notes.append(f"{name}: cuft failed: {h['error']}")
            h = None
        sim_time = s and s["scaled_seconds"]
        scaled = s and s["blocks"] != s["total_blocks"]
        if scaled:
            notes.append(f"{name}: the simulator ran {s['blocks']} of {s['total_blocks']} blocks "
                         f"in {fmt_s(s['seconds'])}; its figure is that time x "
                         f"{s['total_blocks'] / s['blocks']:.1f} (same work per block)")
        check = []
        if h:
            check.append("cuft " + ("ok" if not h["fails"] else f"FAILED {h['fails']}/{h['runs']}")
                         + f" ({h['detail']})")
        if s:
            check.append("sim " + ("ok" if s["ok"] else "FAILED") + f" ({s['detail']})")
        ratio = sim_time / h["warm"] if h and s else None
        rows.append([
            name, p.what,
            fmt_s(h["first"]) if h else "n/a",
            fmt_s(h["warm"]) if h else "n/a",
            fmt_s(p.numpy_time()),
            (fmt_s(sim_time) + (" (scaled)" if scaled else "")) if s else "n/a",
            f"{ratio:,.0f}x" + ("" if ratio >= 50 else " (<50x)") if ratio else "n/a",
            "; ".join(check) or "n/a",
        ])
    table(["kernel", "problem", "cuft 1st call", f"cuft warm (median of {opts.warm})", "numpy",
           "simulator", "sim/cuft warm", "check against numpy"], rows)
    for n in notes:
        print("  " + n)
    print("  cuft 1st call = frontend + host compile + run, in this process; cuft warm leaves "
          "out resetting the inputs;\n  numpy = the same result computed by numpy "
          "(a*x + y, a @ b, x.sum()), for scale")
    if host:
        for name in opts.kernels:
            if name in host and "stats" in host[name]:
                print(f"  cuft {name}.stats() after {host[name]['runs']} launches: "
                      f"{host[name]['stats']}")
    if not opts.no_compile:
        print()
        print(f"compile time (median of {opts.compile_repeat} fresh processes, one-time set-up "
              "left out)")
        rows = []
        for name in opts.kernels:
            hp, pp = probes.get((name, "host")), probes.get((name, "ptx"))
            rows.append([
                name,
                fmt_s(hp["frontend"]) if hp else (fmt_s(pp["frontend"]) if pp else "n/a"),
                fmt_s(hp["compile"]) if hp else "n/a",
                fmt_s(pp["compile"]) if pp else "n/a",
                f"{hp['compile'] / pp['compile']:.2f}" if hp and pp else "n/a",
                fmt_s(hp["tiny_launch"]) if hp else "n/a",
            ])
        table(["kernel", "frontend", "host compile", "PTX compile", "host/PTX",
               "host 1-block launch"], rows)
        print("  frontend = Python AST -> generic IR (once, shared by both paths); host compile = "
              "specialize_host(sig):\n  typed IR, LLVM, machine code loaded by the JIT; PTX "
              "compile = inspect(stage='ptx'); host 1-block launch = a warm\n  launch of a "
              "one-block problem (median of 20): the launch overhead")


if __name__ == "__main__":
    main()
