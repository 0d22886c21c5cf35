"""The host target compiles a kernel's code for the block shape it is launched
with (blockDim a constant, the loops over a block's threads of known trip
counts), one copy per shape for a kernel's first four shapes and one copy for
any shape past them: every launch computes what a GPU would, each copy compiles
exactly once however many threads race for it.
"""
import os
import random

import numpy as np
import pytest

import cuft
from threadutil import run_concurrently

pytestmark = pytest.mark.usefixtures("on_host")

_serial = iter(range(1 << 30))


def ids_kernel():
    """A kernel no other test compiled: each thread writes its block's shape,
    its lane and its linear index in the block."""
    salt = next(_serial) + 1000 * os.getpid()

    @cuft.kernel
    def ids(dims, lanes, linear):
        tx, ty, tz = cuft.threadIdx.x, cuft.threadIdx.y, cuft.threadIdx.z
        bx, by, bz = cuft.blockDim.x, cuft.blockDim.y, cuft.blockDim.z
        t = tx + bx * (ty + by * tz)
        b = cuft.blockIdx.x
        g = b * bx * by * bz + t
        dims[g, 0] = bx
        dims[g, 1] = by
        dims[g, 2] = bz + salt - salt
        lanes[g] = cuft.laneid
        linear[g] = t
    return ids


def run_ids(k, block, blocks=3):
    n = blocks * block[0] * block[1] * block[2]
    dims = np.full((n, 3), -1, np.int64)
    lanes = np.full(n, -1, np.int64)
    linear = np.full(n, -1, np.int64)
    k[blocks, block](dims, lanes, linear)
    threads = block[0] * block[1] * block[2]
    t = np.tile(np.arange(threads), blocks)
    np.testing.assert_array_equal(dims, np.tile(np.array(block), (n, 1)))
    np.testing.assert_array_equal(linear, t)
    np.testing.assert_array_equal(lanes, t % 32)


SHAPES = [(32, 1, 1), (16, 16, 1), (8, 4, 2), (64, 1, 1), (7, 3, 1), (5, 5, 5), (1, 1, 64)]


def test_each_shape_computes_its_own_ids_and_four_shapes_get_their_own_code():
    k = ids_kernel()
    for i, block in enumerate(SHAPES):
        run_ids(k, block)
        # A copy each for the first four shapes; one more for every shape past them.
        assert k.stats()["compiles"] == min(i + 1, 5), block
    for block in reversed(SHAPES):  # every shape again: all compiled
        run_ids(k, block)
    s = k.stats()
    assert s["compiles"] == 5 and s["loads"] == 5


def test_a_shape_cuda_refuses_is_refused_not_compiled_for():
    k = ids_kernel()
    out = np.zeros((2048, 3), np.int64)
    with pytest.raises(Exception, match=r"block \(2048, 1, 1\) is out of range"):
        k[1, 2048](out, out[:, 0], out[:, 1])
    run_ids(k, (32, 1, 1))
    run_ids(k, (1024, 1, 1), blocks=1)


def test_a_reduction_with_barriers_is_exact_for_every_block_size():
    salt = next(_serial) + 1000 * os.getpid()

    @cuft.kernel
    def block_sums(x, out):
        buf = cuft.shared.array(1024, cuft.int64)
        t = cuft.threadIdx.x
        i = cuft.blockIdx.x * cuft.blockDim.x + t
        buf[t] = x[i] if i < x.size else 0
        cuft.syncthreads()
        s = cuft.blockDim.x // 2
        while s > 0:
            if t < s:
                buf[t] += buf[t + s]
            cuft.syncthreads()
            s //= 2
        if t == 0:
            out[cuft.blockIdx.x] = buf[0] + salt - salt

    x = np.arange(5000, dtype=np.int64) * 7 - 3
    for tpb in (256, 32, 1024, 64, 128, 512, 2):  # past four: code for any shape
        blocks = (x.size + tpb - 1) // tpb
        out = np.zeros(blocks, np.int64)
        block_sums[blocks, tpb](x, out)
        padded = np.zeros(blocks * tpb, np.int64)
        padded[:x.size] = x
        np.testing.assert_array_equal(out, padded.reshape(blocks, tpb).sum(axis=1), str(tpb))
    assert block_sums.stats()["compiles"] == 5


def test_threads_racing_over_three_shapes_compile_and_load_each_once():
    k = ids_kernel()
    shapes = SHAPES[:3]

    def work():
        order = shapes * 4
        random.shuffle(order)
        for block in order:
            run_ids(k, block, blocks=2)
        return True
    assert all(run_concurrently(16, work))
    s = k.stats()
    assert s["compiles"] == 3 and s["loads"] == 3
    assert s["hits"] + s["waits"] >= 16 * 12 - 3


@cuft.func
def _block_threads():
    return cuft.blockDim.x * cuft.blockDim.y


def test_warp_collectives_and_device_functions_see_each_shape():
    # Threads as fibers (a shuffle), blockDim read in a device function.
    salt = next(_serial) + 1000 * os.getpid()

    @cuft.kernel
    def warp_sums(x, out, lanes):
        t = cuft.threadIdx.x + cuft.blockDim.x * cuft.threadIdx.y
        g = cuft.blockIdx.x * _block_threads() + t
        v = x[g]
        off = 16
        while off > 0:
            v += cuft.shfl_down_sync(0xFFFFFFFF, v, off)
            off //= 2
        lanes[g] = cuft.laneid
        if cuft.laneid == 0:
            out[g // 32] = v + salt - salt

    for block in ((32, 1), (64, 1), (16, 2), (8, 8), (32, 4), (128, 1)):
        n = 3 * block[0] * block[1]
        x = np.arange(n, dtype=np.int64) * 3 - 7
        out = np.zeros(n // 32, np.int64)
        lanes = np.zeros(n, np.int64)
        warp_sums[3, block](x, out, lanes)
        np.testing.assert_array_equal(out, x.reshape(-1, 32).sum(axis=1), str(block))
        np.testing.assert_array_equal(lanes, np.arange(n) % 32, str(block))
    assert warp_sums.stats()["compiles"] == 5


def test_inspect_shows_the_code_for_a_block_shape():
    @cuft.kernel
    def threads(out):
        out[0] = cuft.blockDim.x * cuft.blockDim.y * cuft.blockDim.z

    out = np.zeros(1, np.int64)
    assert "store i64 32" in threads.inspect(out, stage="host-llvm", block=(8, 4))
    assert "store i64 32" not in threads.inspect(out, stage="host-llvm")  # any shape
    with pytest.raises(ValueError, match=r"block \(2048, 1, 1\) is out of range"):
        threads.inspect(out, stage="host-llvm", block=2048)
    with pytest.raises(ValueError, match="is for stage='host-llvm'"):
        threads.inspect(out, stage="ptx", block=32)
