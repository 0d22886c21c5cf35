"""saxpy end to end on cuft's current target (the CPU when there is no GPU):
compile, launch over 1M elements, check against numpy. `tools/dev main` runs it.

    .venv/bin/python docs/examples/saxpy_host.py
"""
import time

import numpy as np

import cuft


@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]


def main():
    n = 1 << 20
    rng = np.random.default_rng(0)
    x = rng.random(n, dtype=np.float32)
    y = rng.random(n, dtype=np.float32)
    expected = np.float32(2) * x + y
    threads = 256
    blocks = (n + threads - 1) // threads

    start = time.perf_counter()
    saxpy[blocks, threads](np.float32(2), x, y)
    first = time.perf_counter() - start
    np.testing.assert_allclose(y, expected, rtol=1e-6)

    start = time.perf_counter()
    saxpy[blocks, threads](np.float32(0), x, y)  # y unchanged: 0 * x + y
    warm = time.perf_counter() - start
    np.testing.assert_allclose(y, expected, rtol=1e-6)

    print(f"saxpy on target '{cuft.target()}': {n} elements, {blocks} blocks x {threads} "
          f"threads: matches numpy")
    print(f"  first launch (compile + run): {first * 1e3:.1f} ms; warm launch: "
          f"{warm * 1e3:.2f} ms; {saxpy.stats()}")


if __name__ == "__main__":
    main()
