"""Compile latency of the C++ pipeline through cuft._cuft (prints figures; not a test).

    .venv/bin/python test/bench/compile_latency.py [--repeat N]
    PYTHON_GIL=0 .venv-ft/bin/python test/bench/compile_latency.py --threads 2

Times generic IR -> typed IR, -> LLVM IR and -> PTX for the examples in
docs/examples, each the median of N in-process compiles (each takes an
MLIRContext from cuft's pool, as a cache miss does). With --threads T, T
threads compile at once and the aggregate throughput is printed.
"""
import argparse
import os
import statistics
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "python"))
from cuft import _cuft  # noqa: E402

EXAMPLES = {
    "saxpy": ("saxpy.mlir", "f32,array<f32,1,C>,array<f32,1,C>"),
    "block_sum": ("block_sum.mlir", "array<f32,1,C>,array<f32,1,C>,i64=256"),
}


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}"
          f"{' (GIL disabled)' if hasattr(sys, '_is_gil_enabled') and not sys._is_gil_enabled() else ''}")
    for name, (path, sig) in EXAMPLES.items():
        ir = open(os.path.join(REPO, "docs", "examples", path)).read()
        row = []
        for stage in ("typed", "llvm", "ptx"):
            ok, _, diags = _cuft.compile(ir, sig, stage)
            assert ok, diags
            row.append(f"{stage} {median_ms(lambda: _cuft.compile(ir, sig, stage), args.repeat):7.2f} ms")
        print(f"{name:10s} " + "  ".join(row))
        if args.threads > 1:
            per_thread = args.repeat
            def work():
                for _ in range(per_thread):
                    _cuft.compile(ir, sig, "ptx")
            threads = [threading.Thread(target=work) for _ in range(args.threads)]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            dt = time.perf_counter() - t0
            n = per_thread * args.threads
            print(f"{'':10s} {args.threads} threads: {n / dt:7.1f} PTX compiles/s "
                  f"(1 thread: {1e3 / median_ms(lambda: _cuft.compile(ir, sig, 'ptx'), args.repeat):7.1f}/s)")


if __name__ == "__main__":
    main()
