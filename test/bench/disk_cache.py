"""The disk cache from a fresh process's point of view (issue 18's benchmark,
cuft's part; prints figures, asserts nothing).

1. A fresh process's time from start to the first finished launch of each of
   1, 10 and 50 kernels (host target): cold (an empty cache directory) and
   warm (the same directory again), and the warm/cold ratio.
2. N processes (1, 2, 4, 8) started together on one missing kernel: the
   compiles in all, and the time until every one has launched, against the
   same N processes with the disk cache off (N separate compiles).

    .venv/bin/python test/bench/disk_cache.py
"""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

from benchutil import busy_fraction


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


def main():
    print(f"python {sys.version.split()[0]}, host target; machine busy "
          f"{100 * (busy_fraction(0.5) or 0):.0f}% before the run\n")
    with tempfile.TemporaryDirectory() as tmp:
        print("fresh process, start to the first finished launch of every kernel (s)")
        print(f"{'kernels':>8} {'cold':>8} {'warm':>8} {'warm/cold':>10}")
        for count in (1, 10, 50):
            script = os.path.join(tmp, f"kernels{count}.py")
            kernels_module(script, count, salt=count)
            cache = os.path.join(tmp, f"cache{count}")
            cold, info = timed_run(script, cache)
            warm, again = timed_run(script, cache)
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
