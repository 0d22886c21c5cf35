"""How cuft's Python-visible launch steps scale over threads on a
free-threaded CPython (prints figures; not a test). Each row is calls per
second summed over N threads, as a ratio to one thread, of one step called in
a loop: beside plain-Python baselines, with one object shared by every thread
and with an object of each thread's own, so that a row that does not scale
says whether a shared object (its reference count, bumped atomically by every
thread but its owner on 3.13t) or something process-wide stands in the way.
Host target; each thread has its own arrays.

    PYTHON_GIL=0 .venv-ft/bin/python test/bench/python_scaling.py [--threads 1,2,4,8,16] [--seconds 0.5]

On 16 cores of 3.13t (2026-12-04) a method call on a shared object fell to
0.62x at 16 threads while an object per thread reached 10.2x; kernel.signature
stayed near 1x with a kernel per thread too (a property of a shared class, a
shared dtype); whole launches reached 4.3x. Runs under an flock
(benchutil.exclusive).
"""
import argparse
import functools
import os
import sys

import numpy as np

import cuft
from benchutil import busy_fraction, exclusive, rate


def make_kernel():
    @cuft.kernel
    def copy(x, y):
        i = cuft.grid(1)
        if i < x.size:
            y[i] = x[i]
    return copy


class Plain:
    def __init__(self):
        self.a = 1

    def method(self):
        return self.a

    @property
    def prop(self):
        return self.a

    @functools.cached_property
    def cached(self):
        return 1


def arrays():
    return np.zeros(32, np.float32), np.zeros(32, np.float32)


def cases():
    shared_obj, shared_kernel = Plain(), make_kernel()
    x0, y0 = arrays()
    shared_kernel[1, 32](x0, y0)  # compiled and loaded before any timing

    def own_kernel():
        k = make_kernel()
        k[1, 32](*arrays())
        return k

    def launch(k):
        x, y = arrays()
        return lambda: k[1, 32](x, y)

    def signature(k):
        x, y = arrays()
        return lambda: k.signature(x, y)

    return [
        ("method, shared object", lambda i: (lambda: shared_obj.method())),
        ("method, own object", lambda i: (lambda o=Plain(): o.method())),
        ("property, own object", lambda i: (lambda o=Plain(): o.prop)),
        ("cached_property, own object", lambda i: (lambda o=Plain(): o.cached)),
        ("x.dtype, own array", lambda i: (lambda x=arrays()[0]: x.dtype)),
        ("kernel[1, 32], shared kernel", lambda i: (lambda: shared_kernel[1, 32])),
        ("signature, shared kernel", lambda i: signature(shared_kernel)),
        ("signature, own kernel", lambda i: signature(own_kernel())),
        ("launch, shared kernel", lambda i: launch(shared_kernel)),
        ("launch, own kernel", lambda i: launch(own_kernel())),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2,4,8,16")
    ap.add_argument("--seconds", type=float, default=0.5)
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    cuft.set_target("host")
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    with exclusive():
        busy = busy_fraction()
        print(f"python {sys.version.split()[0]}, GIL {'enabled' if gil else 'disabled'}, "
              f"{os.cpu_count()} cores, {100 * (busy or 0):.0f}% busy before the start")
        print(f"{'step':30s} {'1 thread':>12}  " + "  ".join(f"{n:>5}" for n in threads[1:]))
        for name, make in cases():
            base = rate(1, a.seconds, make=make)
            row = [rate(n, a.seconds, make=make) / base for n in threads[1:]]
            print(f"{name:30s} {base:>10,.0f}/s  " + "  ".join(f"{r:4.2f}x" for r in row),
                  flush=True)
        print("ratios: calls per second summed over the threads, over one thread's")


if __name__ == "__main__":
    main()
