"""Kernels with barriers on the host target: split at their barriers into loops
over a block's threads (lib/Target/Host/SplitBarriers.cpp), every result
against numpy, and the kernels that keep their fibers (docs/HostTarget.md)."""
import numpy as np
import pytest

import cuft

pytestmark = pytest.mark.usefixtures("on_host")


def runs_as_loops(kernel, *args):
    return "fibers" not in repr(kernel.specialize_host(kernel.signature(*args)))


@cuft.kernel
def tree_sum(x, out):
    sh = cuft.shared.array(256, cuft.float32)
    t = cuft.threadIdx.x
    i = cuft.grid(1)
    sh[t] = x[i] if i < x.shape[0] else 0.0
    cuft.syncthreads()
    s = cuft.blockDim.x // 2
    while s > 0:
        if t < s:
            sh[t] += sh[t + s]
        cuft.syncthreads()
        s //= 2
    if t == 0:
        out[cuft.blockIdx.x] = sh[0]


def test_a_tree_reduction_runs_as_loops():
    x = np.random.default_rng(0).random(5000).astype(np.float32)
    out = np.zeros(20, np.float32)
    tree_sum[20, 256](x, out)
    np.testing.assert_allclose(out, np.add.reduceat(np.pad(x, (0, 120)), range(0, 5120, 256)),
                               rtol=1e-5)
    assert runs_as_loops(tree_sum, x, out)


@cuft.kernel
def tiled_matmul(a, b, c):
    sa = cuft.shared.array((16, 16), cuft.float32)
    sb = cuft.shared.array((16, 16), cuft.float32)
    tx, ty = cuft.threadIdx.x, cuft.threadIdx.y
    row = cuft.blockIdx.y * 16 + ty
    col = cuft.blockIdx.x * 16 + tx
    acc = cuft.float32(0)
    for k in range(a.shape[1] // 16):
        sa[ty, tx] = a[row, k * 16 + tx]
        sb[ty, tx] = b[k * 16 + ty, col]
        cuft.syncthreads()
        for j in range(16):
            acc += sa[ty, j] * sb[j, tx]
        cuft.syncthreads()
    c[row, col] = acc


def test_a_tiled_matmul_keeps_its_accumulator_across_barriers():
    rng = np.random.default_rng(1)
    a = rng.random((64, 96)).astype(np.float32)
    b = rng.random((96, 48)).astype(np.float32)
    c = np.zeros((64, 48), np.float32)
    tiled_matmul[(3, 4), (16, 16)](a, b, c)
    np.testing.assert_allclose(c, a @ b, rtol=1e-5)
    assert runs_as_loops(tiled_matmul, a, b, c)


@cuft.kernel
def early_exit(x, out, n):
    sh = cuft.shared.array(64, cuft.int64)
    t = cuft.threadIdx.x
    if t >= n:
        return
    sh[t] = x[t] * 2
    cuft.syncthreads()
    out[t] = sh[n - 1 - t]


def test_threads_that_returned_no_longer_take_part():
    x = np.arange(64, dtype=np.int64)
    for n in (64, 40, 1):
        out = np.full(64, -1, np.int64)
        early_exit[1, 64](x, out, n)
        np.testing.assert_array_equal(out[:n], 2 * x[:n][::-1])
        assert (out[n:] == -1).all()


@cuft.kernel
def divergent_barriers(out):
    # Half the threads wait at one barrier, half at another: any barrier
    # counts (PTX's bar.sync 0), so each half sees the other's first write.
    sh = cuft.shared.array(64, cuft.int32)
    t = cuft.threadIdx.x
    sh[t] = t
    if t < 32:
        cuft.syncthreads()
        v = sh[63 - t]
    else:
        cuft.syncthreads()
        v = sh[63 - t] * 100
    out[t] = v


def test_threads_at_different_barriers_meet():
    out = np.zeros(64, np.int32)
    divergent_barriers[1, 64](out)
    t = np.arange(64)
    np.testing.assert_array_equal(out, np.where(t < 32, 63 - t, (63 - t) * 100))


@cuft.kernel
def uneven_rounds(out, counts):
    # Thread t passes counts[t] barriers, adding the round number each time;
    # rounds stay in step for the threads still going.
    sh = cuft.shared.array(32, cuft.int64)
    t = cuft.threadIdx.x
    total = 0
    for r in range(counts[t]):
        sh[t] = r
        cuft.syncthreads()
        total += sh[(t + 1) % 32] * 10 + r
        cuft.syncthreads()
    out[t] = total


def test_threads_passing_different_numbers_of_barriers():
    counts = np.random.default_rng(3).integers(1, 6, 32)
    out = np.zeros(32, np.int64)
    uneven_rounds[1, 32](out, counts)
    # Iteration r: thread t+1 wrote r if it got that far, else its last r.
    expect = np.zeros(32, np.int64)
    nxt = (np.arange(32) + 1) % 32
    for t in range(32):
        for r in range(counts[t]):
            seen = min(r, counts[nxt[t]] - 1)
            expect[t] += seen * 10 + r
    np.testing.assert_array_equal(out, expect)


@cuft.kernel
def local_across_barrier(out):
    mine = cuft.local.array(8, cuft.int32)
    t = cuft.threadIdx.x + 4 * cuft.threadIdx.y + 16 * cuft.threadIdx.z
    for j in range(8):
        mine[j] = t * j
    cuft.syncthreads()
    s = 0
    for j in range(8):
        s += mine[j]
    cuft.syncthreads()
    out[t] = s + mine[7]


def test_each_thread_keeps_its_local_array_across_barriers_in_3d_blocks():
    out = np.zeros(64, np.int64)
    local_across_barrier[1, (4, 4, 4)](out)
    t = np.arange(64)
    np.testing.assert_array_equal(out, t * 28 + t * 7)
    assert runs_as_loops(local_across_barrier, out)


@cuft.func
def exchange(sh, t, v):
    sh[t] = v
    cuft.syncthreads()
    w = sh[cuft.blockDim.x - 1 - t]
    cuft.syncthreads()
    return w


@cuft.kernel
def exchange_twice(x, out):
    sh = cuft.shared.array(64, cuft.float64)
    t = cuft.threadIdx.x
    a = exchange(sh, t, x[t])
    out[t] = exchange(sh, t, a + 1.0) + (1.0 if a > 10 else 0.0)


def test_a_device_function_with_barriers_called_twice():
    x = np.arange(64, dtype=np.float64)
    out = np.zeros(64)
    exchange_twice[1, 64](x, out)
    np.testing.assert_array_equal(out, x + 1.0 + (x[::-1] > 10))
    assert runs_as_loops(exchange_twice, x, out)


@cuft.func
def countdown(sh, n):
    if n <= 0:
        return 0
    cuft.syncthreads()
    return countdown(sh, n - 1) + countdown(sh, n - 2) + sh[0]


@cuft.kernel
def recursive_barrier(out, n):
    sh = cuft.shared.array(1, cuft.int64)
    if cuft.threadIdx.x == 0:
        sh[0] = 3
    out[cuft.threadIdx.x] = countdown(sh, n)


def test_a_barrier_in_a_recursive_function_keeps_the_fibers():
    out = np.zeros(8, np.int64)
    recursive_barrier[1, 8](out, 4)
    np.testing.assert_array_equal(out, np.full(8, 21))  # 3 * (fib(6) - 1)
    assert not runs_as_loops(recursive_barrier, out, 4)


@cuft.kernel
def barrier_and_shuffle(x, out):
    sh = cuft.shared.array(32, cuft.int32)
    t = cuft.threadIdx.x
    sh[t] = x[t]
    cuft.syncthreads()
    out[t] = cuft.shfl_down_sync(0xFFFFFFFF, sh[31 - t], 1)


def test_a_warp_collective_keeps_the_fibers():
    x = np.arange(32, dtype=np.int32)
    out = np.zeros(32, np.int32)
    barrier_and_shuffle[1, 32](x, out)
    r = x[::-1]
    np.testing.assert_array_equal(out, np.append(r[1:], r[31]))
    assert not runs_as_loops(barrier_and_shuffle, x, out)


@cuft.kernel
def atomic_after_loop(x, out):
    # An atomic outside any loop is no spin-wait: the kernel is split.
    sh = cuft.shared.array(128, cuft.int64)
    t = cuft.threadIdx.x
    sh[t] = x[cuft.grid(1)]
    cuft.syncthreads()
    s = 64
    while s > 0:
        if t < s:
            sh[t] += sh[t + s]
        cuft.syncthreads()
        s //= 2
    if t == 0:
        cuft.atomic.add(out, 0, sh[0])


def test_an_atomic_outside_loops_does_not_need_fibers():
    x = np.arange(128 * 50, dtype=np.int64)
    out = np.zeros(1, np.int64)
    atomic_after_loop[50, 128](x, out)
    assert out[0] == x.sum()
    assert runs_as_loops(atomic_after_loop, x, out)


@cuft.kernel
def many_values_across(x, out):
    # Values of several types live across barriers: ints, floats, bools,
    # tuples, array views, a complex.
    sh = cuft.shared.array(64, cuft.float32)
    t = cuft.threadIdx.x
    i8 = cuft.int8(t % 100)
    f = x[t] * 0.5
    flag = t % 3 == 0
    pair = (t, f)
    row = x[t:]
    z = complex(f, t)
    sh[t] = f
    cuft.syncthreads()
    g = sh[63 - t]
    cuft.syncthreads()
    out[t] = i8 + g + (1.0 if flag else 0.0) + pair[0] + pair[1] + row[0] + z.imag


def test_values_of_every_kind_live_across_barriers():
    x = np.arange(64, dtype=np.float32)
    out = np.zeros(64, np.float64)
    many_values_across[1, 64](x, out)
    t = np.arange(64)
    f = x * 0.5
    np.testing.assert_allclose(out, t % 100 + f[::-1] + (t % 3 == 0) + t + f + x + t)


@cuft.kernel
def block_ids(out):
    b = cuft.blockIdx.x + cuft.gridDim.x * (cuft.blockIdx.y + cuft.gridDim.y * cuft.blockIdx.z)
    t = cuft.threadIdx.x
    out[b, t, 0] = cuft.blockIdx.x
    out[b, t, 1] = cuft.blockIdx.y
    out[b, t, 2] = cuft.blockIdx.z


@cuft.kernel
def block_ids_after_barrier(out):
    b = cuft.blockIdx.x + cuft.gridDim.x * (cuft.blockIdx.y + cuft.gridDim.y * cuft.blockIdx.z)
    t = cuft.threadIdx.x
    cuft.syncthreads()
    out[b, t, 0] = cuft.blockIdx.x
    out[b, t, 1] = cuft.blockIdx.y
    out[b, t, 2] = cuft.blockIdx.z


@pytest.mark.parametrize("kernel", [block_ids, block_ids_after_barrier])
def test_workers_run_blocks_one_after_another_with_their_own_ids(kernel):
    # Blocks are handed out in runs: every block of a 3-d grid still runs
    # once, with its own ids.
    grid = (37, 11, 5)
    out = np.full((37 * 11 * 5, 3, 3), -1, np.int64)
    kernel[grid, 3](out)
    z, y, x = np.meshgrid(range(5), range(11), range(37), indexing="ij")
    expect = np.stack([x.ravel(), y.ravel(), z.ravel()], axis=1)
    for t in range(3):
        np.testing.assert_array_equal(out[:, t, :], expect)


@cuft.kernel
def grid_stride_histogram(v, bins):
    # A loop of atomics whose end does not depend on what it reads: no
    # spin-wait, so no fibers.
    start, stride = cuft.grid(1), cuft.gridsize(1)
    for i in range(start, v.shape[0], stride):
        cuft.atomic.add(bins, v[i], 1)


@cuft.kernel
def wait_for_flag(flag, out):
    # Thread 1 waits for thread 0 (valid since Volta): fibers.
    t = cuft.threadIdx.x
    if t == 0:
        out[0] = 42
        cuft.threadfence()
        cuft.atomic.exch(flag, 0, 1)
    else:
        while cuft.atomic.add(flag, 0, 0) == 0:
            pass
        out[t] = out[0] + t


def test_a_grid_stride_loop_of_atomics_runs_as_loops():
    v = np.random.default_rng(4).integers(0, 64, 100_000).astype(np.int64)
    bins = np.zeros(64, np.int64)
    grid_stride_histogram[7, 128](v, bins)
    np.testing.assert_array_equal(bins, np.bincount(v, minlength=64))
    assert runs_as_loops(grid_stride_histogram, v, bins)


def test_a_spin_wait_keeps_the_fibers():
    flag, out = np.zeros(1, np.int32), np.zeros(4, np.int64)
    wait_for_flag[1, 4](flag, out)
    np.testing.assert_array_equal(out, [42, 43, 44, 45])
    assert not runs_as_loops(wait_for_flag, flag, out)


@cuft.kernel(boundscheck=True)
def checked_after_barrier(x, out):
    sh = cuft.shared.array(32, cuft.int64)
    t = cuft.threadIdx.x
    sh[t] = x[t]
    cuft.syncthreads()
    out[t] = sh[t] + x[t + cuft.blockIdx.x * 3]  # thread 29 of block 1 reads x[32]


def test_a_failed_bounds_check_after_a_barrier_names_its_thread():
    x, out = np.arange(32, dtype=np.int64), np.zeros(32, np.int64)
    with pytest.raises(cuft.KernelIndexError) as info:
        checked_after_barrier[2, 32](x, out)
    assert info.value.block == (1, 0, 0) and info.value.thread == (29, 0, 0)
    assert info.value.index == 32
    assert runs_as_loops(checked_after_barrier, x, out)


@cuft.kernel
def nested_loops_with_barriers(x, out, rounds):
    # Barriers in a loop nest with uniform bounds read from memory, a value
    # carried across both loops, and an early return of some threads.
    sh = cuft.shared.array(64, cuft.float64)
    t = cuft.threadIdx.x
    if t >= 48:
        return
    acc = 0.0
    for r in range(rounds[0]):
        for k in range(3):
            sh[t] = x[t] * (r + 1) + k
            cuft.syncthreads()
            acc += sh[(t + 1) % 48]
            cuft.syncthreads()
    out[t] = acc


def test_barriers_in_nested_loops_with_threads_returned():
    x = np.arange(64, dtype=np.float64)
    out = np.zeros(64)
    nested_loops_with_barriers[1, 64](x, out, np.array([4]))
    nxt = (np.arange(48) + 1) % 48
    want = sum(x[nxt] * (r + 1) + k for r in range(4) for k in range(3))
    np.testing.assert_array_equal(out[:48], want)
    assert (out[48:] == 0).all()
    assert runs_as_loops(nested_loops_with_barriers, x, out, np.array([4]))


@cuft.func
def pair_after_sync(sh, t):
    cuft.syncthreads()
    return sh[t], sh[31 - t]


@cuft.kernel
def tuple_from_device_function(x, out):
    sh = cuft.shared.array(32, cuft.float32)
    t = cuft.threadIdx.x
    sh[t] = x[t]
    a, b = pair_after_sync(sh, t)
    out[t] = a - b


def test_a_device_function_returning_a_tuple_across_a_barrier():
    x = np.arange(32, dtype=np.float32) ** 2
    out = np.zeros(32, np.float32)
    tuple_from_device_function[1, 32](x, out)
    np.testing.assert_array_equal(out, x - x[::-1])
    assert runs_as_loops(tuple_from_device_function, x, out)


FIBERS_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np, cuft
cuft.set_target("host")
import test_host_barriers as t
x = np.random.default_rng(0).random(5000).astype(np.float32)
out = np.zeros(20, np.float32)
t.tree_sum[20, 256](x, out)
np.testing.assert_allclose(out, np.add.reduceat(np.pad(x, (0, 120)), range(0, 5120, 256)),
                           rtol=1e-5)
t.test_threads_passing_different_numbers_of_barriers()
print("fibers" if not t.runs_as_loops(t.tree_sum, x, out) else "loops")
"""


def test_cuft_host_fibers_runs_kernels_with_barriers_as_fibers():
    # The way back to fibers (CUFT_HOST_FIBERS=1), in a fresh process: the
    # same results; and host code is keyed by it, so a disk cache shared with
    # processes that split never hands one the other's code.
    import os
    import subprocess
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    for value, expect in (("1", "fibers"), ("0", "loops")):
        env = dict(os.environ, CUFT_HOST_FIBERS=value, CUFT_TARGET="host")
        done = subprocess.run([sys.executable, "-c", FIBERS_SCRIPT, here], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split()[-1] == expect


@cuft.kernel
def out_of_step(out, n):
    # Threads below 16 pass four barriers more per iteration than the others:
    # on a GPU (PTX counts arrivals) the others run iterations ahead. Each
    # thread's v is its own: the block may not share one slot for it (it
    # had: threads below 16 read the others' later values).
    t = cuft.threadIdx.x
    acc = 0
    for k in range(n):
        if t < 16:
            cuft.syncthreads()
            cuft.syncthreads()
            cuft.syncthreads()
            cuft.syncthreads()
        v = k * 2 + 1
        cuft.syncthreads()
        cuft.syncthreads()
        acc += v * (k + 1)
    out[t] = acc


def test_threads_rounds_apart_keep_their_own_values():
    out = np.zeros(32, np.int64)
    out_of_step[1, 32](out, 10)
    np.testing.assert_array_equal(out, sum((2 * k + 1) * (k + 1) for k in range(10)))


def tree_sum_as_a_gpu_would(x, blocks, threads):
    """tree_sum's rounds, a block at a time, in float32 as the kernel adds."""
    padded = np.zeros(blocks * threads, np.float32)
    padded[:x.size] = x
    sums = []
    for sh in padded.reshape(blocks, threads).copy():
        s = threads // 2
        while s > 0:
            sh[:s] += sh[s:2 * s]
            s //= 2
        sums.append(sh[0])
    return np.array(sums, np.float32)


@pytest.mark.parametrize("threads", [256, 100, 64, 7, 2, 1])
def test_a_tree_reduction_round_runs_its_active_threads_only(threads):
    # Every round's loop over the block's threads is trimmed to the s threads
    # that add (GuardedLoops.cpp, trimLoop) and vectorizes without masks; the
    # barriers are in uniform control flow, so no thread's stop is recorded
    # (SplitBarriers.cpp: no `mixed` rounds). Exact for odd block sizes too.
    x = np.random.default_rng(threads).random(3000).astype(np.float32)
    blocks = (x.size + threads - 1) // threads
    out = np.zeros(blocks, np.float32)
    tree_sum[blocks, threads](x, out)
    np.testing.assert_array_equal(out, tree_sum_as_a_gpu_would(x, blocks, threads))
    text = tree_sum.inspect(x, out, stage="host-llvm")
    assert "llvm.masked" not in text and "mixed" not in text
    assert "mixed" in early_exit.inspect(x.astype(np.int64), out.astype(np.int64), 3,
                                         stage="host-llvm")


@cuft.kernel
def halving_rounds(out, s0, floor):
    # `s > t` (the comparison reversed), s signed and down to zero and below
    # (no thread adds then), and an `else` with an effect: a loop whose
    # skipped threads would do something is not trimmed.
    sh = cuft.shared.array(128, cuft.int64)
    fill = cuft.shared.array(128, cuft.int64)
    t = cuft.threadIdx.x
    sh[t] = t + 1
    fill[t] = 0
    cuft.syncthreads()
    s = s0
    while s > floor:
        if s > t:
            sh[t] += sh[t + s]
        cuft.syncthreads()
        if t >= s:
            pass
        else:
            fill[t] += 1
        cuft.syncthreads()
        if t < s:
            sh[t] += 0
        else:
            fill[t] -= 1
        cuft.syncthreads()
        s = s // 2 if s > 0 else s - 1
    out[t] = sh[t] * 1000 + fill[t]


def test_rounds_with_reversed_signed_and_effectful_guards_are_exact():
    for s0, floor in ((64, 0), (64, -3), (5, -1), (0, -2)):
        out = np.zeros(128, np.int64)
        halving_rounds[1, 128](out, s0, floor)
        sh, fill, s = np.arange(1, 129), np.zeros(128, np.int64), s0
        while s > floor:
            if s > 0:
                sh[:s] += sh[s:2 * s]
            fill[:max(s, 0)] += 1
            fill[max(s, 0):] -= 1
            s = s // 2 if s > 0 else s - 1
        np.testing.assert_array_equal(out, sh * 1000 + fill, err_msg=f"s0={s0} floor={floor}")


@cuft.kernel
def signed_rounds(out, s0):
    sh = cuft.shared.array(128, cuft.int64)
    t = cuft.threadIdx.x
    sh[t] = t + 1
    cuft.syncthreads()
    s = s0
    while s > -3:
        if s > t:  # signed: s may be negative, and then no thread adds
            sh[t] += sh[t + s]
        cuft.syncthreads()
        s = s // 2 if s > 0 else s - 1
    out[t] = sh[t]


def test_a_signed_round_guard_is_trimmed_and_exact():
    out = np.zeros(128, np.int64)
    assert "cuft.trim" in signed_rounds.inspect(out, 64, stage="host-llvm")
    for s0 in (64, 5, 1, 0, -1):
        signed_rounds[1, 128](out, s0)
        sh, s = np.arange(1, 129), s0
        while s > -3:
            if s > 0:
                sh[:s] += sh[s:2 * s]
            s = s // 2 if s > 0 else s - 1
        np.testing.assert_array_equal(out, sh, err_msg=f"s0={s0}")


@cuft.kernel
def rounds_with_work_for_all(out, count):
    # Each round's loop has a store every thread makes after `if t < s:`:
    # the threads past s do something, so the round is not trimmed.
    sh = cuft.shared.array(64, cuft.int64)
    t = cuft.threadIdx.x
    sh[t] = t
    count[t] = 0
    cuft.syncthreads()
    s = cuft.blockDim.x // 2
    while s > 0:
        if t < s:
            sh[t] += sh[t + s]
        count[t] += s
        cuft.syncthreads()
        s //= 2
    out[t] = sh[t]


def test_a_round_whose_other_threads_store_is_not_trimmed():
    out = np.zeros(64, np.int64)
    count = np.full(64, -1, np.int64)
    rounds_with_work_for_all[1, 64](out, count)
    sh = np.arange(64)
    for s in (32, 16, 8, 4, 2, 1):
        sh[:s] += sh[s:2 * s]
    np.testing.assert_array_equal(out, sh)
    np.testing.assert_array_equal(count, 63)  # 32 + 16 + ... + 1, every thread
