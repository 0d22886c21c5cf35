"""What a cache hit costs through ``inspect`` (issue 19; prints figures, not a
test): ``kernel.inspect(signature=...)`` and ``kernel.inspect(*args)`` for PTX
that is already compiled, per call, the median of 5 rounds.

    .venv/bin/python test/bench/inspect_hit.py
    PYTHON_GIL=0 .venv-ft/bin/python test/bench/inspect_hit.py

(numba-cuda's counterpart, a dispatcher's compiled overload, needs a GPU to
compile for: it is not measured here.)
"""
import statistics
import sys
import time

import numpy as np

import cuft
from benchutil import exclusive


@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = a * x[i] + y[i]


def per_call_us(fn, n=20000):
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        rounds.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(rounds)


def main():
    x = np.zeros(16, np.float32)
    a = np.float32(2)
    text = "f32, f32[::1], f32[::1]"
    saxpy.inspect(a, x, x)  # compiled once
    with exclusive():
        print(f"python {sys.version.split()[0]}: a hit through inspect, per call")
        print(f"  inspect(signature={text!r}): "
              f"{per_call_us(lambda: saxpy.inspect(signature=text)):.2f} us")
        print(f"  inspect(a, x, y):                           "
              f"{per_call_us(lambda: saxpy.inspect(a, x, x)):.2f} us")


if __name__ == "__main__":
    main()
