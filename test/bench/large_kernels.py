"""Very large kernels to PTX, beside numba-cuda (issue 14, item 10; prints
figures, not a test): the compile time of generated kernels of thousands of
operands or branches, which no hand-written kernel reaches but generated code
does, and where a compiler's superlinear stages show.

- ``and``: ``out[0] = x[0] and x[1] and ... and x[n-1]``, a chain of n
  short-circuit branches into one merge (n values meeting there);
- ``ifs``: ``r = x[0]`` then n times ``if r: r = x[i]``, n ifs one after another;
- ``elif``: ``if x[0] > 0: out[0] = 0`` ``elif x[1] > 0: ...``, n // 4 branches
  (Python's own compiler stops near 3,000: the chain nests).

Each kernel is compiled once, in a process of its own (the framework imported
and warm first: one small kernel compiled), end to end: cuft's
``inspect(stage="ptx")`` (frontend, specialization, MLIR and LLVM; the disk
cache off), numba-cuda's ``cuda.compile_ptx`` (cc 9.0). A compile over LIMIT
seconds is stopped ("over"); one that fails shows "error", its message below
the table. Runs under an flock
(benchutil.exclusive).

    .venv/bin/python test/bench/large_kernels.py [--sizes 1000,4000,10000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from benchutil import busy_fraction, exclusive

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "..", "..", ".venv-peers", "bin", "python")
SHAPES = ("and", "ifs", "elif")
LIMIT = 120


def body(shape, n):
    if shape == "and":
        return "    out[0] = " + " and ".join(f"x[{i}]" for i in range(n)) + "\n"
    if shape == "ifs":
        return ("    r = x[0]\n" + "".join(f"    if r:\n        r = x[{i}]\n"
                                       for i in range(1, n)) + "    out[0] = r\n")
    return ("".join(f"    {'if' if i == 0 else 'elif'} x[{i}] > 0:\n        out[0] = {i}\n"
                    for i in range(n)) + "    else:\n        out[0] = -1\n")


RUN = '''
import json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
t = time.perf_counter()
compile_one(NAME)
print(json.dumps(time.perf_counter() - t))
'''

CUFT_MAIN = '''
import numpy as np
import cuft
@cuft.kernel
def warm(x, out):
    out[0] = x[0]
x = np.zeros(SIZE); out = np.zeros(1)
warm.inspect(x, out, stage="ptx", chip="sm_90")
def compile_one(name):
    __import__(name).k.inspect(x, out, stage="ptx", chip="sm_90")
'''

NUMBA_MAIN = '''
from numba import cuda, float64
def warm(x, out):
    out[0] = x[0]
cuda.compile_ptx(warm, (float64[::1], float64[::1]), cc=(9, 0))
def compile_one(name):
    cuda.compile_ptx(__import__(name).k, (float64[::1], float64[::1]), cc=(9, 0))
'''


def measure(python, header, main, name, text, tmp, env):
    """(seconds, None), or (None, what stopped it): "over" LIMIT, or the
    exception it ended on."""
    os.makedirs(tmp, exist_ok=True)
    with open(os.path.join(tmp, f"{name}.py"), "w") as f:
        f.write(header + text)
    script = os.path.join(tmp, f"main_{name}.py")
    with open(script, "w") as f:
        f.write(f"NAME = {name!r}\nSIZE = {int(name.rsplit('_', 1)[1])}\n" + main + RUN)
    try:
        done = subprocess.run([python, script], env={**os.environ, **env}, cwd=tmp, text=True,
                              capture_output=True, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        return None, "over"
    if done.returncode:
        lines = done.stderr.strip().splitlines()
        return None, lines[-1] if lines else f"exit status {done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1]), None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,4000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = {f"{shape}_{m}": body(shape, m) for shape in SHAPES for n in sizes
             for m in [n // 4 if shape == "elif" else n]}
    with exclusive(), tempfile.TemporaryDirectory() as tmp:
        print(f"python {sys.version.split()[0]}; machine busy "
              f"{100 * (busy_fraction(0.5) or 0):.0f}% before the run")
        print("a generated kernel to sm_90 PTX, end to end, once (s)\n")
        frameworks = {"cuft": (sys.executable, "import cuft\n\n@cuft.kernel\ndef k(x, out):\n",
                               CUFT_MAIN, {"CUFT_CACHE": "0"})}
        if os.path.exists(PEERS):
            frameworks["numba-cuda"] = (
                PEERS, "def k(x, out):\n", NUMBA_MAIN,
                {"CUDA_HOME": os.environ.get("CUDA_HOME", "/usr/local/cuda")})
        print(f"{'kernel':>12}" + "".join(f" {f:>12}" for f in frameworks)
              + "".join(f" {f + '/cuft':>16}" for f in list(frameworks)[1:]))
        errors = {}
        for name, text in names.items():
            times, row = {}, f"{name:>12}"
            for f, (python, header, main, env) in frameworks.items():
                t, why = measure(python, header, main, name, text, os.path.join(tmp, f), env)
                times[f] = t
                if why and why != "over":
                    errors[(f, name)] = why
                    why = "error"
                row += f" {t:>12.2f}" if t is not None else f" {why:>12}"
            for f in list(frameworks)[1:]:
                t, c = times[f], times["cuft"]
                row += f" {t / c:>15.1f}x" if t is not None and c else f" {'-':>16}"
            print(row, flush=True)
        for (f, name), why in errors.items():
            print(f"{f} {name}: {why}")
        if not os.path.exists(PEERS):
            print("(peers: not installed; test/bench/setup-peers.sh makes .venv-peers)")


if __name__ == "__main__":
    main()
