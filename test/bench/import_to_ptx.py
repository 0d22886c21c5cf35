"""Time from a cold ``import cuft`` to saxpy's PTX (prints figures; not a test).

    .venv/bin/python test/bench/import_to_ptx.py [--runs N]
    PYTHON_GIL=0 .venv-ft/bin/python test/bench/import_to_ptx.py

Each run is a fresh interpreter process that imports cuft (and numpy), then asks
``saxpy.inspect(..., stage="ptx")`` for float32 arrays (the frontend and the
first compile), then for float64 arrays (a second signature: C++ only), then
the float32 signature again (a cache hit). Medians over the runs, in ms.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import numpy as np
t1 = time.perf_counter()
import cuft
t2 = time.perf_counter()

@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]

x32, x64 = np.zeros(1024, np.float32), np.zeros(1024)
saxpy.inspect(np.float32(2), x32, x32, stage="ptx")
t3 = time.perf_counter()
saxpy.inspect(2.0, x64, x64, stage="ptx")
t4 = time.perf_counter()
saxpy.inspect(np.float32(2), x32, x32, stage="ptx")
t5 = time.perf_counter()
print(json.dumps({"import numpy": t1 - t0, "import cuft": t2 - t1, "first PTX": t3 - t2,
                  "import cuft -> first PTX": t3 - t1, "second signature PTX": t4 - t3,
                  "cache hit": t5 - t4}))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        child = os.path.join(tmp, "child.py")  # a file: cuft reads kernels' source
        with open(child, "w") as f:
            f.write(CHILD)
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, child, os.path.join(REPO, "python")],
                                 check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out))
    gil = "GIL disabled" if hasattr(sys, "_is_gil_enabled") and not sys._is_gil_enabled() else "GIL"
    print(f"python {sys.version.split()[0]} ({gil}), median of {args.runs} fresh processes:")
    for key in runs[0]:
        print(f"  {key:28s} {statistics.median(r[key] for r in runs) * 1e3:8.2f} ms")


if __name__ == "__main__":
    main()
