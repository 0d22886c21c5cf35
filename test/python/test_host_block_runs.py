"""The host target runs the blocks of a barrier-free kernel in runs along x:
one call of the kernel's entry runs a row of threads of each block of the run
in turn (kRunSlot in GPUToHost.h), so that a 2-D kernel of 16x16 blocks reads
whole rows of its arrays. Every block still runs once, with its own ids; the
guards of a run are versioned once for all of its threads; an error names the
block it happened in. docs/HostTarget.md has the model."""

import numpy as np
import pytest

import cuft

pytestmark = pytest.mark.usefixtures("on_host")

FIFTH = np.float32(0.2)


@cuft.kernel
def stencil(u, out):
    j, i = cuft.grid(2)
    if i > 0 and j > 0 and i < u.shape[0] - 1 and j < u.shape[1] - 1:
        out[i, j] = FIFTH * (u[i, j] + u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])


def numpy_stencil(u):
    out = np.zeros_like(u)
    out[1:-1, 1:-1] = FIFTH * (u[1:-1, 1:-1] + u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2]
                               + u[1:-1, 2:])
    return out


@pytest.mark.parametrize("block", [(16, 16), (8, 4), (3, 5), (64, 1), (1, 32)])
def test_a_stencil_of_small_blocks_is_exact_at_every_edge(block):
    # Rows of 517 (not a multiple of any block's width): a run's guard fails
    # in the grid's last blocks, which must still compute their columns.
    u = np.random.default_rng(3).random((203, 517), dtype=np.float32)
    out = np.zeros_like(u)
    grid = (-(-517 // block[0]), -(-203 // block[1]))
    stencil[grid, block](u, out)
    np.testing.assert_array_equal(out, numpy_stencil(u))


def test_a_run_of_blocks_vectorizes_without_masks():
    # The guard of x (0 < j < n - 1) moves with the run's blocks as well as
    # with the threads of a row: GuardedLoops.cpp versions the run on it
    # once, and the fast copy's rows are plain vector loads and stores
    # (masked ones took 3-5x longer on AMD's Zen 2).
    u = np.zeros((64, 64), np.float32)
    ir = stencil.inspect(u, u, stage="host-llvm", block=(16, 16))
    assert "cuft.guard.holds" in ir
    assert "llvm.masked." not in ir
    assert "store <" in ir


@cuft.kernel
def where_am_i(out):
    x, y, z = cuft.grid(3)
    if x < out.shape[2] and y < out.shape[1] and z < out.shape[0]:
        out[z, y, x] = (cuft.blockIdx.x * 1000000 + cuft.blockIdx.y * 10000
                        + cuft.blockIdx.z * 100 + cuft.threadIdx.x * 16
                        + cuft.threadIdx.y * 4 + cuft.threadIdx.z)


# Six shapes: a kernel's first four get code of their own, the others share
# the code for any shape (the loops read the block's extents).
@pytest.mark.parametrize("block", [(4, 3, 2), (8, 2, 1), (2, 2, 2), (5, 1, 3), (3, 3, 3),
                                   (7, 2, 2)])
def test_every_thread_of_a_run_has_its_own_ids(block):
    shape = (7, 11, 131)  # z, y, x
    grid = tuple(-(-n // b) for n, b in zip(shape[::-1], block))
    out = np.full(shape, -1, np.int64)
    where_am_i[grid, block](out)
    z, y, x = np.meshgrid(*(np.arange(n) for n in shape), indexing="ij")
    bx, tx = np.divmod(x, block[0])
    by, ty = np.divmod(y, block[1])
    bz, tz = np.divmod(z, block[2])
    want = bx * 1000000 + by * 10000 + bz * 100 + tx * 16 + ty * 4 + tz
    np.testing.assert_array_equal(out, want)


@cuft.kernel
def gather(x, d):
    i = cuft.grid(1)
    if i < x.size:
        x[i] = x[d[i]]


@cuft.kernel(boundscheck=True)
def gather_checked(x, d):
    i = cuft.grid(1)
    if i < x.size:
        x[i] = x[d[i]]


# 4,000 blocks: each worker takes tens of them at a time, and runs them
# together; block 1001 is inside a run on any number of cores.
BLOCKS, THREADS, BAD_BLOCK, BAD_THREAD = 4000, 32, 1001, 7


def test_a_trap_in_a_run_names_its_block():
    x, d = np.zeros(BLOCKS * THREADS), np.arange(BLOCKS * THREADS)
    d[BAD_BLOCK * THREADS + BAD_THREAD] = 1 << 40
    with pytest.raises(cuft.KernelError, match="invalid memory access") as info:
        gather[BLOCKS, THREADS](x, d)
    assert info.value.block == (BAD_BLOCK, 0, 0) and info.value.thread is None


def test_an_index_error_in_a_run_names_its_block_and_thread():
    x, d = np.zeros(BLOCKS * THREADS), np.arange(BLOCKS * THREADS)
    d[BAD_BLOCK * THREADS + BAD_THREAD] = x.size
    with pytest.raises(cuft.KernelIndexError) as info:
        gather_checked[BLOCKS, THREADS](x, d)
    e = info.value
    assert (e.block, e.thread, e.index) == ((BAD_BLOCK, 0, 0), (BAD_THREAD, 0, 0), x.size)


@cuft.kernel
def row_one_reads_row_zero(out):
    # No barrier between the write and the read: a race on a GPU. The host
    # runs a block's rows in order, and a block's shared memory is its own
    # (HostTarget.md): a kernel with shared memory runs its blocks one at a
    # time, not in runs (whose rows of different blocks alternate).
    sh = cuft.shared.array(32, cuft.int64)
    tx = cuft.threadIdx.x
    if cuft.threadIdx.y == 0:
        sh[tx] = cuft.blockIdx.x
    else:
        out[cuft.blockIdx.x, tx] = sh[tx]


def test_blocks_of_a_kernel_with_shared_memory_do_not_share_it():
    out = np.full((400, 32), -1, np.int64)
    row_one_reads_row_zero[400, (32, 2)](out)
    np.testing.assert_array_equal(out, np.repeat(np.arange(400), 32).reshape(400, 32))
