"""Grid-wide synchronization (numba's cuda.cg): cuft.cg.this_grid().sync().
On the host every block of the launch runs at once, as fibers across the
pool, and meets the others at each sync; the grid may not pass what the host
holds at once (max_cooperative_grid_blocks). The GPU side (libcudadevrt's
barrier, the cooperative launch and its limit) is checked through ptxas,
nvJitLink and the driver double in test_cuda_fake.py."""
import numpy as np
import pytest

import cuft
from cuft import KernelError
from sourceutil import line_of
from test_code_options import ptxas

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.kernel
def sequential_rows(M):
    # numba-cuda's own grid-sync example (test_cooperative_groups.py): each
    # row is written by the whole grid, reading the previous row as the
    # thread opposite wrote it; without the sync, threads run ahead.
    col = cuft.grid(1)
    g = cuft.cg.this_grid()
    rows = M.shape[0]
    cols = M.shape[1]
    for row in range(1, rows):
        opposite = cols - col - 1
        M[row, col] = M[row - 1, opposite] + 1
        g.sync()


def test_numbas_sequential_rows_example():
    A = np.zeros((64, 256), np.int32)
    blockdim = 32
    griddim = A.shape[1] // blockdim  # 8 blocks meet at each of 63 syncs
    assert griddim <= sequential_rows.max_cooperative_grid_blocks(blockdim, args=(A,))
    sequential_rows[griddim, blockdim](A)
    np.testing.assert_array_equal(A, np.tile(np.arange(A.shape[0]), (A.shape[1], 1)).T)


@cuft.kernel
def grid_sum(x, partial, out):
    # A reduction in two phases with a grid sync between: each block writes
    # its partial sum, then block 0 adds them up after every block wrote.
    s = cuft.shared.array(128, cuft.float64)
    t = cuft.threadIdx.x
    i = cuft.grid(1)
    s[t] = x[i] if i < x.size else 0.0
    cuft.syncthreads()
    step = 64
    while step > 0:
        if t < step:
            s[t] += s[t + step]
        cuft.syncthreads()
        step //= 2
    if t == 0:
        partial[cuft.blockIdx.x] = s[0]
    cuft.cg.this_grid().sync()
    if i == 0:
        total = 0.0
        for b in range(cuft.gridDim.x):
            total += partial[b]
        out[0] = total


def test_a_two_phase_reduction_sees_every_blocks_partial_sum():
    rng = np.random.default_rng(5)
    blocks = grid_sum.max_cooperative_grid_blocks(128, signature="f64[::1], f64[::1], f64[::1]")
    x = rng.random(blocks * 128 - 7)
    partial, out = np.zeros(blocks), np.zeros(1)
    for _ in range(3):
        grid_sum[blocks, 128](x, partial, out)
        assert out[0] == pytest.approx(x.sum(), rel=1e-12)


def test_the_limit_is_max_cooperative_grid_blocks():
    A = np.zeros((4, 32), np.int32)
    most = sequential_rows.max_cooperative_grid_blocks(32, args=(A,))
    # sm_90's rule per SM (2048 threads, 32 blocks, 228 KiB), one SM per
    # thread that runs blocks.
    runners = cuft._cuft.host_pool_size() + 1
    assert most == 32 * runners
    assert sequential_rows.max_cooperative_grid_blocks((8, 4), args=(A,)) == most
    assert sequential_rows.max_cooperative_grid_blocks(1024, args=(A,)) == 2 * runners
    B = np.zeros((4, 32 * (most + 1)), np.int32)
    with pytest.raises(ValueError, match=f"a grid of {most + 1} blocks cannot sync .* at most "
                                         f"{most} blocks of 32 threads"):
        sequential_rows[most + 1, 32](B)


def test_blocks_that_end_before_a_sync_are_a_located_deadlock():
    @cuft.kernel
    def early_exit(out):
        if cuft.blockIdx.x == 1:
            return
        cuft.cg.this_grid().sync()
        out[cuft.grid(1)] = 1

    with pytest.raises(KernelError, match=r"deadlock: blocks wait at a grid sync .* block "
                                          r"\(1, 0, 0\) does not reach"):
        early_exit[3, 32](np.zeros(96))


def test_the_grid_group_is_a_compile_time_object():
    def keeps(out):
        g = cuft.cg.this_grid()
        g.wait()

    with pytest.raises(cuft.CompileError, match="a grid group has no method 'wait'") as info:
        cuft.kernel(keeps)[1, 1](np.zeros(1))
    assert info.value.lineno == line_of(keeps, "g.wait()")[0]


def test_the_gpu_code_calls_cudadevrt_and_links(tmp_path):
    A = np.zeros((4, 32), np.int32)
    ptx = sequential_rows.inspect(A, stage="ptx")
    assert "call.uni (retval0), cudaCGGetIntrinsicHandle" in ptx
    assert "cudaCGSynchronize" in ptx
    assert ".visible .global .align 4 .u32 __cuft_cooperative = 1;" in ptx
    ptxas(ptx, tmp_path, "-c")  # relocatable: libcudadevrt is linked in
    assert len(sequential_rows.inspect(A, stage="cubin")) > 0  # nvJitLink with libcudadevrt

    @cuft.kernel
    def no_sync(out):
        cuft.syncthreads()
        out[0] = 1

    plain = no_sync.inspect(np.zeros(1), stage="ptx")
    assert "cudaCG" not in plain and "__cuft_cooperative" not in plain


def test_cooperative_launches_from_many_threads_at_once_all_complete():
    # Each launch's blocks are taken by whichever threads run blocks (the
    # pool's and each launching thread); a worker at a grid sync first takes
    # the launch's blocks no one took, so launches racing for the pool never
    # wait on one another. 8 threads x 10 launches of 8 blocks (a thread may
    # end up running all 1024 threads of a launch as fibers).
    from threadutil import run_concurrently
    blocks = 8
    rng = np.random.default_rng(11)
    inputs = [rng.random(blocks * 128) for _ in range(8)]
    import threading
    lock, taken = threading.Lock(), []

    def launches():
        with lock:
            x = inputs[len(taken)]
            taken.append(x)
        partial, out = np.zeros(blocks), np.zeros(1)
        for _ in range(10):
            out[0] = 0
            grid_sum[blocks, 128](x, partial, out)
            assert out[0] == pytest.approx(x.sum(), rel=1e-12)
        return True

    assert run_concurrently(8, launches) == [True] * 8
