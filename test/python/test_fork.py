"""Processes forked from one that used cuft: on the host target the child gets
a worker pool of its own (the parent's threads are not in it); on the CUDA
target a child forked after CUDA was initialized gets a clear CudaError, not a
hang (test_cuda_fake.py's driver double stands in for the driver)."""
import multiprocessing as mp
import os

import numpy as np
import pytest

import cuft

pytestmark = [pytest.mark.usefixtures("on_host"),
              pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here"),
              # Forking a threaded process is what is tested (Python 3.12+ warns).
              pytest.mark.filterwarnings("ignore:This process .* is multi-threaded"
                                         ":DeprecationWarning")]


@cuft.kernel
def bump(x):
    i = cuft.grid(1)
    if i < x.size:
        x[i] += 1


def _child(queue):
    try:
        y = np.zeros(1 << 16)
        bump[256, 256](y)  # the pool is made anew in this process
        threads = len(os.listdir("/proc/self/task"))
        queue.put((float(y.sum()), threads, cuft._cuft.host_pool_size()))
    except BaseException as e:  # reported to the parent
        queue.put(repr(e))


def in_forked_child(target):
    """What `target(queue)` put in its queue, run in a forked child; the child
    must exit cleanly."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=target, args=(queue,))
    child.start()
    result = queue.get(timeout=60)
    child.join(timeout=60)
    assert child.exitcode == 0, result
    return result


def test_a_forked_child_launches_with_a_pool_of_its_own():
    x = np.zeros(1 << 16)
    bump[256, 256](x)  # the parent's pool exists before the fork
    total, threads, pool = in_forked_child(_child)
    assert total == 1 << 16
    assert threads >= pool + 1  # its own workers, besides the forked thread


@cuft.kernel
def fresh(x):
    i = cuft.grid(1)
    if i < x.size:
        x[i] = x[i] * 3 + 1


def _compile_child(queue):
    try:
        # A signature new to the process: the parent's compile threads are
        # not in the child; the child makes its own.
        ptx = fresh.inspect(np.zeros(4, np.int16), stage="ptx")
        queue.put(".entry fresh" in ptx)
    except BaseException as e:
        queue.put(repr(e))


def test_a_forked_child_compiles_on_a_compile_thread_of_its_own():
    fresh.inspect(np.zeros(4, np.int32), stage="ptx")  # the parent's compile threads exist
    assert in_forked_child(_compile_child) is True
