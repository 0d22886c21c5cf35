"""The disk cache from a fresh process's point of view (issue 18's benchmark,
cuft's part; prints figures, asserts nothing).

1. A fresh process's time from start to the first finished launch of each of
   1, 10 and 50 kernels (host target): cold (an empty cache directory) and
   warm (the same directory again, the best of 3 runs), and the warm/cold
   ratio.
2. N processes (1, 2, 4, 8) started together on one missing kernel: the
   compiles in all, and the time until every one has launched, against the
   same N processes with the disk cache off (N separate compiles).
3. Beside a peer: a fresh process's time from start to 1, 10 and 50 kernels
   compiled to sm_90 cubins, cold and warm, for cuft and for Triton
   (triton.compile with a GPUTarget, its disk cache in TRITON_CACHE_DIR), in
   .venv-peers (test/bench/setup-peers.sh). numba-cuda's cache=True saves a
   kernel only once bound to a CUDA context: it needs a GPU, so it is left out.

    test/bench/setup-peers.sh; .venv/bin/python test/bench/disk_cache.py

Runs under an flock (benchutil.exclusive): benchmarks never overlap.
"""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

from benchutil import busy_fraction, exclusive


# A warm start is the best of this many runs: one run on a shared machine can
# take half as long again.
WARM_RUNS = 3


def kernels_module(path, count, salt):
    """A module of `count` distinct kernels (a few dozen operations each) and
    a main that launches each once."""
    lines = ["import json, os, sys, time", "import numpy as np", "import cuft",
             "cuft.set_target('host')", ""]
    for k in range(count):
        expr = " + ".join(f"x[{j}] * {(j * 7 + k + salt) % 13}.0" for j in range(48))
        lines += ["@cuft.kernel", f"def k{k}(x, out):", f"    out[0] = {expr}", ""]
    lines += textwrap.dedent(f"""
        go = os.environ.get("GO_FILE")
        deadline = time.time() + 120  # an orphan (its benchmark died) ends on its own
        while go and not os.path.exists(go) and time.time() < deadline:
            time.sleep(0.0005)
        x = np.arange(48.0)
        out = np.zeros(1)
        for k in range({count}):
            globals()[f"k{{k}}"][1, 1](x, out)
        print(json.dumps({{"done": time.time(), **cuft.cache_info()["disk"]}}))
    """).splitlines()
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


CUFT_CUBINS = """
import json, os, sys, time
import numpy as np
import cuft
{kernels}
x = np.zeros(16, np.float32)
for k in range({count}):
    globals()[f"k{{k}}"].inspect(np.float32(2), x, x, stage="cubin", chip="sm_90")
print(json.dumps(cuft.cache_info()["disk"]))
"""

CUFT_CUBIN_KERNEL = """
@cuft.kernel
def k{k}(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i] * {c}
"""

TRITON_CUBINS = """
import json, os, sys, time
import triton
import triton.language as tl
from triton.backends.compiler import GPUTarget
{kernels}
target = GPUTarget("cuda", 90, 32)
sig = {{"a": "fp32", "x": "*fp32", "y": "*fp32", "n": "i32", "BLOCK": "constexpr"}}
for k in range({count}):
    src = triton.compiler.ASTSource(fn=globals()[f"k{{k}}"], signature=sig,
                                    constexprs={{"BLOCK": 256}})
    assert "cubin" in triton.compile(src, target=target).asm
print(json.dumps({{}}))
"""

TRITON_KERNEL = """
@triton.jit
def k{k}(a, x, y, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(y + offs, a * tl.load(x + offs, mask=m) + tl.load(y + offs, mask=m) * {c},
             mask=m)
"""

PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".venv-peers",
                     "bin", "python")


def cubin_module(path, template, kernel, count, salt):
    kernels = "".join(kernel.format(k=k, c=f"{(k + salt) % 97 + 1}.0") for k in range(count))
    with open(path, "w") as f:
        f.write(template.format(kernels=kernels, count=count))


def fresh(python, script, extra_env):
    """Seconds from the start of a fresh ``python script`` to its end."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("CUFT_CACHE")}
    e.update(extra_env)
    start = time.perf_counter()
    subprocess.run([python, script], env=e, capture_output=True, text=True, check=True,
                   cwd=os.path.dirname(script))
    return time.perf_counter() - start


def env(cache, on=True):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CUFT_CACHE")}
    e["CUFT_CACHE_DIR"] = cache
    if not on:
        e["CUFT_CACHE"] = "0"
    return e


def timed_run(script, cache, on=True):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, script], env=env(cache, on), capture_output=True,
                          text=True, check=True)
    return time.perf_counter() - start, json.loads(done.stdout.strip().splitlines()[-1])


def together(script, cache, n, on=True):
    """Starts n processes that wait for a file, then releases them at once:
    (seconds from the release until the last finished, compiles in all)."""
    go = os.path.join(os.path.dirname(cache), f"go-{n}-{on}-{time.time()}")
    e = env(cache, on)
    e["GO_FILE"] = go
    procs = [subprocess.Popen([sys.executable, script], env=e, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(n)]
    time.sleep(1.5 + 0.25 * n)  # every interpreter up and waiting
    released = time.time()
    open(go, "w").close()
    results = []
    for p in procs:
        out, err = p.communicate()
        if p.returncode:
            raise RuntimeError(err)
        results.append(json.loads(out.strip().splitlines()[-1]))
    last = max(r["done"] for r in results) - released
    compiles = sum(r["misses"] for r in results) if on else n
    return last, compiles


def cubins_beside_triton(tmp):
    peers = os.path.exists(PEERS)
    print("\nfresh process, start to every kernel compiled to an sm_90 cubin (s)")
    print(f"{'kernels':>8} {'cuft cold':>10} {'warm':>7} {'warm/cold':>10}   "
          f"{'Triton cold':>12} {'warm':>7} {'warm/cold':>10}   {'cuft/Triton warm':>17}")
    for count in (1, 10, 50):
        row = f"{count:>8}"
        script = os.path.join(tmp, f"cuft_cubins{count}.py")
        cubin_module(script, CUFT_CUBINS, CUFT_CUBIN_KERNEL, count, salt=count)
        cache = {"CUFT_CACHE_DIR": os.path.join(tmp, f"cuft-cubins{count}")}
        cold = fresh(sys.executable, script, cache)
        warm = min(fresh(sys.executable, script, cache) for _ in range(WARM_RUNS))
        row += f" {cold:>10.2f} {warm:>7.2f} {warm / cold:>9.0%}"
        if peers:
            script = os.path.join(tmp, f"triton_cubins{count}.py")
            cubin_module(script, TRITON_CUBINS, TRITON_KERNEL, count, salt=count)
            cache = {"TRITON_CACHE_DIR": os.path.join(tmp, f"triton{count}"),
                     "TRITON_DEFAULT_FP_FUSION": "1"}
            t_cold = fresh(PEERS, script, cache)
            t_warm = min(fresh(PEERS, script, cache) for _ in range(WARM_RUNS))
            row += (f"   {t_cold:>12.2f} {t_warm:>7.2f} {t_warm / t_cold:>9.0%}   "
                    f"{warm / t_warm:>16.2f}x")
        print(row)
    if not peers:
        print("(Triton: not installed; test/bench/setup-peers.sh makes .venv-peers)")


def main():
    with exclusive():
        print(f"python {sys.version.split()[0]}, host target; machine busy "
              f"{100 * (busy_fraction(0.5) or 0):.0f}% before the run\n")
        with tempfile.TemporaryDirectory() as tmp:
            launches_and_races(tmp)
            cubins_beside_triton(tmp)


def launches_and_races(tmp):
    print("fresh process, start to the first finished launch of every kernel (s)")
    print(f"{'kernels':>8} {'cold':>8} {'warm':>8} {'warm/cold':>10}")
    for count in (1, 10, 50):
        script = os.path.join(tmp, f"kernels{count}.py")
        kernels_module(script, count, salt=count)
        cache = os.path.join(tmp, f"cache{count}")
        cold, info = timed_run(script, cache)
        warm, again = min((timed_run(script, cache) for _ in range(WARM_RUNS)),
                          key=lambda r: r[0])
        assert info["misses"] == count and again["hits"] == count, (info, again)
        print(f"{count:>8} {cold:>8.2f} {warm:>8.2f} {warm / cold:>9.0%}")
    print("\nN processes started together on one missing kernel")
    print(f"{'N':>3} {'compiles':>9} {'all ready (s)':>14} {'cache off: compiles':>20} "
          f"{'all ready (s)':>14}")
    for n in (1, 2, 4, 8):
        script = os.path.join(tmp, f"one{n}.py")
        kernels_module(script, 1, salt=100 + n)
        cache = os.path.join(tmp, f"race{n}")
        on_s, on_c = together(script, cache, n)
        off_s, off_c = together(script, cache + "-off", n, on=False)
        print(f"{n:>3} {on_c:>9} {on_s:>14.2f} {off_c:>20} {off_s:>14.2f}")


if __name__ == "__main__":
    main()
