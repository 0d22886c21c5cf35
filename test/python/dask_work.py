"""What test_dask.py's workers run: a module-level kernel, mapped over the
partitions of an array (a worker imports this module by name), and a kernel
the client sends."""
import numpy as np

import cuft


@cuft.kernel
def axpb(x, out, a, b):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = a * x[i] + b


def scale_partition(block):
    """a * x + b of one partition, on the worker's cuft target."""
    out = np.empty_like(block)
    axpb.forall(block.size)(block, out, 3.0, 1.0)
    return out


def run_shipped(kernel, block):
    """A kernel the client compiled and Dask pickled here: its result on one
    partition, and how many compiles launching it took this copy."""
    out = np.empty_like(block)
    kernel.forall(block.size)(block, out)
    return out, kernel.stats()["compiles"]


def disk_info():
    return cuft.cache_info()["disk"]
