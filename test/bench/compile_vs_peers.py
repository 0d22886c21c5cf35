"""A new kernel to PTX, warm, beside the peers (issue 19; prints figures, not a
test): saxpy, a shared-memory tree reduction, a 16x16-tile matmul and a kernel
of ten math calls, each in its framework's idiom, for sm_90.

- cuft: ``kernel.inspect(..., stage="ptx")`` of a kernel never compiled before
  in the process (frontend, specialization, MLIR and LLVM), the disk cache off;
- numba-cuda: ``cuda.compile_ptx(fn, sig, cc=(9, 0))`` (its NVVM: the CUDA
  toolkit's, 13.0 here, so ptxas takes the PTX);
- numba-cuda-mlir: numba-cuda's kernels and call, ``from numba_cuda_mlir
  import cuda`` (numba's typing, vendored, lowered to MLIR, then the toolkit's
  libNVVM to PTX; it always links a cubin too, with nvJitLink); it asks the
  driver for the device's compute capability even when given ``cc``, so the
  runner first sets its private ``numba_cuda_mlir.tools._cached_cc = (9, 0)``
  and needs no GPU;
- Triton: ``triton.compile(ASTSource, target=GPUTarget("cuda", 90, 32))`` up to
  its PTX and cubin (it always makes both), its disk cache in a fresh directory.

"Warm": the framework imported and one kernel compiled first; every timed
compile is of a kernel new to the process (the source differs by a constant),
the median of 7. "Cold": a fresh process's first compile, from before the
framework's import (numpy's too, which each imports) to the PTX, one process
per framework and kernel (the interpreter's own start not counted). cuft's warm
compiles are run again with CUFT_TIMING=1, whose lines give each stage's wall
time (medians): the Python frontend, parsing and specialization, the MLIR
passes, and in serialize-ptx LLVM's translation, libdevice's functions (linked,
and inlined where linked after -O3, or their PTX spliced in at the calls),
optimizer (-O3) and code generator. Peers run from .venv-peers
(test/bench/setup-peers.sh), each framework in a process of its own. Runs
under an flock (benchutil.exclusive).

    test/bench/setup-peers.sh; .venv/bin/python test/bench/compile_vs_peers.py
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap

from benchutil import busy_fraction, exclusive

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "..", "..", ".venv-peers", "bin", "python")
KERNELS = ("saxpy", "reduction", "matmul", "math10")
REPEAT = 7

CUFT = '''
import cuft
import math

@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = a * x[i] + y[i] + {c}

@cuft.kernel
def reduction(x, out):
    buf = cuft.shared.array(256, cuft.float32)
    tid = cuft.threadIdx.x
    i = cuft.grid(1)
    buf[tid] = x[i] if i < x.size else {c}
    cuft.syncthreads()
    s = 128
    while s > 0:
        if tid < s:
            buf[tid] += buf[tid + s]
        cuft.syncthreads()
        s //= 2
    if tid == 0:
        cuft.atomic.add(out, 0, buf[0])

@cuft.kernel
def matmul(a, b, c):
    sa = cuft.shared.array((16, 16), cuft.float32)
    sb = cuft.shared.array((16, 16), cuft.float32)
    tx = cuft.threadIdx.x
    ty = cuft.threadIdx.y
    row = cuft.blockIdx.y * 16 + ty
    col = cuft.blockIdx.x * 16 + tx
    acc = cuft.float32({c})
    for t in range((a.shape[1] + 15) // 16):
        k = t * 16
        sa[ty, tx] = a[row, k + tx] if row < a.shape[0] and k + tx < a.shape[1] else 0
        sb[ty, tx] = b[k + ty, col] if k + ty < b.shape[0] and col < b.shape[1] else 0
        cuft.syncthreads()
        for kk in range(16):
            acc += sa[ty, kk] * sb[kk, tx]
        cuft.syncthreads()
    if row < c.shape[0] and col < c.shape[1]:
        c[row, col] = acc

@cuft.kernel
def math10(x, y):
    i = cuft.grid(1)
    if i < x.size:
        v = x[i] + {c}
        y[i] = (math.sin(v) + math.cos(v) + math.exp(v) + math.log(v) + math.sqrt(v)
                + math.tanh(v) + math.atan(v) + math.erf(v) + math.pow(v, 1.5)
                + math.floor(v))
'''

CUFT_MAIN = '''
import json, os, statistics, sys, time
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
f = np.zeros(16, np.float32)
m = np.zeros((16, 16), np.float32)
ARGS = {"saxpy": (np.float32(2), f, f), "reduction": (f, f), "matmul": (m, m, m),
        "math10": (f, f)}
def compile_one(name, n):
    mod = __import__(f"variant{n}")
    t = time.perf_counter()
    getattr(mod, name).inspect(*ARGS[name], stage="ptx", chip="sm_90")
    return (time.perf_counter() - t) * 1e3
'''''

# The same kernels in numba-cuda's idiom: its names for cuft's.
NUMBA_IMPORT = "from numba import cuda, float32\n"
NUMBA = (CUFT.replace("import cuft\n", NUMBA_IMPORT)
         .replace("@cuft.kernel\n", "").replace("cuft.float32", "float32")
         .replace("cuft.", "cuda."))

NUMBA_MAIN = '''
import json, os, statistics, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numba import cuda, float32
v1 = float32[::1]
v2 = float32[:, ::1]
SIGS = {"saxpy": (float32, v1, v1), "reduction": (v1, v1), "matmul": (v2, v2, v2),
        "math10": (v1, v1)}
def compile_one(name, n):
    mod = __import__(f"variant{n}")
    t = time.perf_counter()
    cuda.compile_ptx(getattr(mod, name), SIGS[name], cc=(9, 0))
    return (time.perf_counter() - t) * 1e3
'''''

# numba-cuda-mlir takes numba-cuda's kernels and calls with its own import (its
# migration guide's one change); the runner first names the device (no GPU here).
MLIR_IMPORT = "from numba_cuda_mlir import cuda\nfrom numba_cuda_mlir.cuda import float32\n"
NUMBA_MLIR = NUMBA.replace(NUMBA_IMPORT, MLIR_IMPORT)
NUMBA_MLIR_MAIN = NUMBA_MAIN.replace(NUMBA_IMPORT, "import numba_cuda_mlir.tools\n"
                                     "numba_cuda_mlir.tools._cached_cc = (9, 0)\n" + MLIR_IMPORT)

TRITON = '''
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

@triton.jit
def saxpy(a, x, y, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(y + offs, a * tl.load(x + offs, mask=m) + tl.load(y + offs, mask=m) + {c},
             mask=m)

@triton.jit
def reduction(x, out, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    v = tl.load(x + offs, mask=offs < n, other={c})
    tl.atomic_add(out, tl.sum(v, axis=0))

@triton.jit
def matmul(a, b, c, M, N, K, BLOCK: tl.constexpr):
    rm = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    rn = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    rk = tl.arange(0, BLOCK)
    acc = tl.zeros((BLOCK, BLOCK), dtype=tl.float32) + {c}
    for k in range(0, K, BLOCK):
        ta = tl.load(a + rm[:, None] * K + (k + rk)[None, :],
                     mask=(rm[:, None] < M) & ((k + rk)[None, :] < K), other=0.0)
        tb = tl.load(b + (k + rk)[:, None] * N + rn[None, :],
                     mask=((k + rk)[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc += tl.dot(ta, tb)
    tl.store(c + rm[:, None] * N + rn[None, :], acc, mask=(rm[:, None] < M) & (rn[None, :] < N))

@triton.jit
def math10(x, y, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    v = tl.load(x + offs, mask=m) + {c}
    r = (tl.sin(v) + tl.cos(v) + tl.exp(v) + tl.log(v) + tl.sqrt(v) + libdevice.tanh(v)
         + libdevice.atan(v) + libdevice.erf(v) + libdevice.pow(v, 1.5) + tl.floor(v))
    tl.store(y + offs, r, mask=m)
'''

TRITON_MAIN = '''
import json, os, statistics, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import triton
from triton.backends.compiler import GPUTarget
TARGET = GPUTarget("cuda", 90, 32)
p = "*fp32"
SIGS = {"saxpy": {"a": "fp32", "x": p, "y": p, "n": "i32", "BLOCK": "constexpr"},
        "reduction": {"x": p, "out": p, "n": "i32", "BLOCK": "constexpr"},
        "matmul": {"a": p, "b": p, "c": p, "M": "i32", "N": "i32", "K": "i32",
                   "BLOCK": "constexpr"},
        "math10": {"x": p, "y": p, "n": "i32", "BLOCK": "constexpr"}}
BLOCKS = {"saxpy": 256, "reduction": 256, "matmul": 16, "math10": 256}
def compile_one(name, n):
    mod = __import__(f"variant{n}")
    src = triton.compiler.ASTSource(fn=getattr(mod, name), signature=SIGS[name],
                                    constexprs={"BLOCK": BLOCKS[name]})
    t = time.perf_counter()
    assert "ptx" in triton.compile(src, target=TARGET).asm
    return (time.perf_counter() - t) * 1e3
'''''


# Every runner ends alike: warm (the framework imported, one kernel compiled),
# then the median of REPEAT compiles of new kernels, per kernel, as JSON.
RUN = '''
for name in KERNELS:
    compile_one(name, 0)
out = {name: statistics.median(compile_one(name, n) for n in range(1, REPEAT + 1))
       for name in KERNELS}
print(json.dumps(out))
'''

# A fresh process's first compile of kernel NAME, timed from before the imports.
COLD_START = "import time\n_cold = time.perf_counter()\n"
COLD_END = '''
compile_one(NAME, 0)
print(json.dumps((time.perf_counter() - _cold) * 1e3))
'''


def run_runner(python, source, main, tmp, env, run=RUN, variants=REPEAT + 1):
    """Runs `main` + `run` in a process of `python`, in `tmp` with `variants`
    versions of the kernels' module: the finished process, or the error it
    ended on (a string)."""
    os.makedirs(tmp, exist_ok=True)
    for n in range(variants):
        with open(os.path.join(tmp, f"variant{n}.py"), "w") as f:
            f.write(textwrap.dedent(source).replace("{c}", f"{n}.5"))
    script = os.path.join(tmp, "main.py")
    with open(script, "w") as f:
        f.write(f"KERNELS = {KERNELS!r}\n" + (main + run).replace("REPEAT", str(REPEAT)))
    e = {**os.environ, **env}
    done = subprocess.run([python, script], env=e, capture_output=True, text=True, cwd=tmp)
    if done.returncode:
        # The exception it ended on, whose message may span lines: all after the
        # traceback's last indented line (or stderr's last line), joined.
        lines = done.stderr.strip().splitlines()
        start = max((i + 1 for i, line in enumerate(lines) if line[:1].isspace()),
                    default=len(lines) - 1)
        return (" ".join(line.strip() for line in lines[start:] if line.strip())
                or f"exit status {done.returncode}")
    return done


def measure(*args, **kwargs):
    """run_runner's last line of output, as JSON, and None; or None and the
    error it ended on."""
    done = run_runner(*args, **kwargs)
    if isinstance(done, str):
        return None, done
    return json.loads(done.stdout.strip().splitlines()[-1]), None


def table(title, results):
    """One row per kernel: each framework's figure (ms), then each peer's over
    cuft's."""
    print(title + "\n")
    cuft = results["cuft"][0]
    cols = ([(n, r, False) for n, (r, _) in results.items()]
            + [(n + "/cuft", r, True) for n, (r, _) in results.items() if n != "cuft"])
    widths = [max(12, len(label) + 1) for label, _, _ in cols]
    print(f"{'kernel':>10}" + "".join(f" {label:>{w}}" for (label, _, _), w in zip(cols, widths)))
    for k in KERNELS:
        row = f"{k:>10}"
        for (_, r, ratio), w in zip(cols, widths):
            if not r:
                cell = "unavailable"
            elif ratio:
                cell = f"{r[k] / cuft[k]:.1f}x" if cuft else "-"
            else:
                cell = f"{r[k]:.2f}"
            row += f" {cell:>{w}}"
        print(row)
    for n, (_, error) in results.items():
        if error:
            print(f"{n} unavailable: {error}")
    print()


def cold(python, source, main, tmp, env):
    """Each kernel's first compile in a fresh process (COLD_START..COLD_END)."""
    out = {}
    for k in KERNELS:
        script = COLD_START + main + COLD_END.replace("NAME", repr(k))
        e = {key: v.replace("COLD", k) for key, v in env.items()}
        r, error = measure(python, source, script, os.path.join(tmp, k), e, run="", variants=1)
        if error:
            return None, error
        out[k] = r
    return out, None


TIMING = re.compile(r"cuft-timing: (\S+) (\w+)\(([^)]*)\) ([0-9.]+) ms(?:: (.*))?$")
STAGE_COLUMNS = ("frontend", "parse+specialize", "MLIR passes", "llvm-translate", "libraries",
                 "llvm-optimize", "llvm-codegen", "compile")


def stage_times(stages):
    """A ptx line's stages ('parse 0.2, ..., serialize-ptx 2.8 (llvm-translate
    0.2, ...)') as STAGE_COLUMNS' figures, but the frontend's."""
    top = dict((n, float(ms)) for n, ms in re.findall(r"(?:^|, )([\w-]+) ([0-9.]+)",
                                                      re.sub(r"\([^)]*\)", "", stages)))
    inner = dict((n, float(ms)) for n, ms in
                 re.findall(r"([\w-]+) ([0-9.]+)",
                            re.search(r"serialize-ptx [0-9.]+ \(([^)]*)\)", stages).group(1)))
    early = top.get("parse", 0) + top.get("specialize", 0)
    passes = sum(ms for n, ms in top.items() if n not in ("parse", "specialize", "serialize-ptx"))
    times = {"parse+specialize": early, "MLIR passes": passes,
             **{k: inner.get(k, 0.0) for k in STAGE_COLUMNS[3:7]}}
    # Linked after -O3 and inlined, or their PTX spliced in at the calls.
    times["libraries"] += inner.get("libraries-inline", 0.0) + inner.get("libraries-splice", 0.0)
    return times


def stages(tmp):
    """cuft's warm compiles again, with CUFT_TIMING=1: each stage's median."""
    done = run_runner(sys.executable, CUFT, CUFT_MAIN, tmp, {"CUFT_CACHE": "0",
                                                            "CUFT_TIMING": "1"})
    if isinstance(done, str):
        print(f"cuft's stages unavailable: {done}\n")
        return
    seen, figures = set(), {k: {c: [] for c in STAGE_COLUMNS} for k in KERNELS}
    for line in done.stderr.splitlines():
        m = TIMING.match(line)
        if not m or m.group(2) not in figures:
            continue
        what, kernel, _, total, stages = m.groups()
        if (what, kernel) not in seen:  # the warm-up compile
            seen.add((what, kernel))
            continue
        f = figures[kernel]
        if what == "frontend":
            f["frontend"].append(float(total))
        elif what == "ptx":
            f["compile"].append(float(total))
            for column, ms in stage_times(stages).items():
                f[column].append(ms)
    print(f"cuft's warm compile by stage, CUFT_TIMING=1 (ms, median of {REPEAT}; "
          "'compile': the C++ compile, all but the frontend)\n")
    print(f"{'kernel':>10}" + "".join(f" {c:>16}" for c in STAGE_COLUMNS))
    for k in KERNELS:
        print(f"{k:>10}" + "".join(f" {statistics.median(figures[k][c] or [0]):>16.2f}"
                                   for c in STAGE_COLUMNS))
    print()


def main():
    with exclusive(), tempfile.TemporaryDirectory() as tmp:
        print(f"python {sys.version.split()[0]}; machine busy "
              f"{100 * (busy_fraction(0.5) or 0):.0f}% before the run\n")
        cuda = os.environ.get("CUDA_HOME", "/usr/local/cuda")
        # name -> (python, kernels' source, runner, environment); COLD in a
        # value is the kernel's name in a cold run (Triton's cache: fresh).
        frameworks = {"cuft": (sys.executable, CUFT, CUFT_MAIN, {"CUFT_CACHE": "0"})}
        if os.path.exists(PEERS):
            frameworks["numba-cuda"] = (PEERS, NUMBA, NUMBA_MAIN, {"CUDA_HOME": cuda})
            frameworks["numba-cuda-mlir"] = (PEERS, NUMBA_MLIR, NUMBA_MLIR_MAIN,
                                             {"CUDA_HOME": cuda})
            frameworks["Triton"] = (PEERS, TRITON, TRITON_MAIN,
                                    {"TRITON_CACHE_DIR": os.path.join(tmp, "triton-cache-COLD"),
                                     "TRITON_DEFAULT_FP_FUSION": "1"})
        warm = {n: measure(py, src, m, os.path.join(tmp, "warm", n),
                           {k: v.replace("COLD", "warm") for k, v in env.items()})
                for n, (py, src, m, env) in frameworks.items()}
        table(f"a new kernel to sm_90 PTX, warm, median of {REPEAT} (ms)", warm)
        stages(os.path.join(tmp, "stages"))
        table("a fresh process's first kernel to sm_90 PTX, cold: the framework's "
              "import and its first compile (ms)",
              {n: cold(py, src, m, os.path.join(tmp, "cold", n), env)
               for n, (py, src, m, env) in frameworks.items()})
        if not os.path.exists(PEERS):
            print("(peers: not installed; test/bench/setup-peers.sh makes .venv-peers)")


if __name__ == "__main__":
    main()
