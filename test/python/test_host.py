"""The host target's CUDA semantics: barriers, shared and local memory, atomics,
scalars by value, results in place, bounds checks, traps, target selection and
launches from many threads. Every kernel's results are checked against numpy."""

import math
import os
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

import cuft
from threadutil import run_concurrently
from sourceutil import line_of
from scriptutil import run_script


pytestmark = pytest.mark.usefixtures("on_host")


# -- barriers ---------------------------------------------------------------------
@cuft.kernel
def rotate_in_block(x, out):
    sh = cuft.shared.array(256, cuft.float64)
    t = cuft.threadIdx.x
    n = cuft.blockDim.x
    i = cuft.grid(1)
    sh[t] = x[i]
    cuft.syncthreads()
    # Reads a neighbour's write: wrong if any thread passed the barrier early.
    out[i] = sh[(t + 1) % n]


def test_no_thread_passes_a_barrier_early():
    x = np.random.default_rng(1).random(8 * 256)
    out = np.zeros_like(x)
    rotate_in_block[8, 256](x, out)
    np.testing.assert_array_equal(out, np.roll(x.reshape(8, 256), -1, axis=1).ravel())


@cuft.kernel
def block_scan(x, out, BLOCK: cuft.constexpr):
    # Hillis-Steele inclusive scan: a barrier between every read and write
    # phase, inside a loop whose trip count is known only at run time.
    sh = cuft.shared.array(BLOCK, cuft.int64)
    t = cuft.threadIdx.x
    i = cuft.grid(1)
    sh[t] = x[i]
    cuft.syncthreads()
    step = 1
    while step < BLOCK:
        v = sh[t - step] if t >= step else 0
        cuft.syncthreads()
        sh[t] += v
        cuft.syncthreads()
        step *= 2
    out[i] = sh[t]


def test_barriers_in_a_loop():
    x = np.random.default_rng(2).integers(-100, 100, 16 * 128)
    out = np.zeros_like(x)
    block_scan[16, 128](x, out, 128)
    np.testing.assert_array_equal(out, np.cumsum(x.reshape(16, 128), axis=1).ravel())


@cuft.func
def stage_and_sync(sh, t, v):
    sh[t] = v
    cuft.syncthreads()
    return sh[cuft.blockDim.x - 1 - t]


@cuft.kernel
def reverse_via_device_function(x, out):
    sh = cuft.shared.array(64, cuft.int32)
    i = cuft.grid(1)
    out[i] = stage_and_sync(sh, cuft.threadIdx.x, x[i])


def test_barrier_inside_a_device_function():
    x = np.arange(4 * 64, dtype=np.int32)
    out = np.zeros_like(x)
    reverse_via_device_function[4, 64](x, out)
    np.testing.assert_array_equal(out, x.reshape(4, 64)[:, ::-1].ravel())
    # Inlined into the kernel, whose threads run as loops between barriers.
    assert "fibers" not in repr(reverse_via_device_function.specialize_host(
        reverse_via_device_function.signature(x, out)))


@cuft.kernel
def barrier_2d(out):
    sh = cuft.shared.array((8, 8), cuft.int32)
    tx, ty = cuft.threadIdx.x, cuft.threadIdx.y
    sh[ty, tx] = ty * 8 + tx
    cuft.syncthreads()
    out[cuft.blockIdx.x, ty, tx] = sh[tx, ty]  # transpose through shared memory


def test_two_dimensional_blocks_with_a_barrier():
    out = np.zeros((3, 8, 8), np.int32)
    barrier_2d[3, (8, 8)](out)
    expected = np.arange(64, dtype=np.int32).reshape(8, 8).T
    np.testing.assert_array_equal(out, np.broadcast_to(expected, (3, 8, 8)))


# -- shared memory: one buffer per block, blocks in parallel -----------------------------
@cuft.kernel
def shared_is_per_block(out, ROUNDS: cuft.constexpr):
    sh = cuft.shared.array(128, cuft.int64)
    t = cuft.threadIdx.x
    b = cuft.blockIdx.x
    ok = 1
    for r in range(ROUNDS):
        sh[t] = b * 1000 + r
        cuft.syncthreads()
        # Another block writing this buffer would show up here.
        for j in range(128):
            if sh[j] != b * 1000 + r:
                ok = 0
        cuft.syncthreads()
    out[b * 128 + t] = ok


def test_shared_memory_is_one_buffer_per_block_under_parallel_blocks():
    assert cuft._cuft.host_pool_size() >= 1
    out = np.zeros(64 * 128, np.int64)
    shared_is_per_block[64, 128](out, 20)
    assert out.all()


@cuft.kernel
def block_histogram(data, hist):
    # Shared memory in a kernel without barriers: atomics on the block's buffer.
    local = cuft.shared.array(16, cuft.int32)
    t = cuft.threadIdx.x
    if t < 16:
        local[t] = 0
    cuft.syncthreads()
    i = cuft.grid(1)
    if i < data.shape[0]:
        cuft.atomic.add(local, data[i] % 16, 1)
    cuft.syncthreads()
    if t < 16:
        cuft.atomic.add(hist, t, local[t])


def test_shared_atomics_then_global_atomics():
    data = np.random.default_rng(3).integers(0, 1000, 100_000).astype(np.int32)
    hist = np.zeros(16, np.int32)
    block_histogram[(data.size + 255) // 256, 256](data, hist)
    np.testing.assert_array_equal(hist, np.bincount(data % 16, minlength=16))


# -- local memory: one array per thread ------------------------------------------------
@cuft.kernel
def private_scratch(out):
    scratch = cuft.local.array(32, cuft.int32)
    t = cuft.threadIdx.x
    for k in range(32):
        scratch[k] = t * 100 + k
    cuft.syncthreads()  # all threads are mid-flight here: each keeps its own array
    s = 0
    for k in range(32):
        s += scratch[k]
    out[cuft.grid(1)] = s


def test_local_arrays_are_per_thread():
    out = np.zeros(2 * 64, np.int64)
    private_scratch[2, 64](out)
    t = np.tile(np.arange(64), 2)
    np.testing.assert_array_equal(out, t * 3200 + sum(range(32)))


# -- atomics under contention ----------------------------------------------------------
@cuft.kernel
def contend(counter_i, counter_f, counter_d, hi, lo):
    i = cuft.grid(1)
    cuft.atomic.add(counter_i, 0, 1)
    cuft.atomic.add(counter_f, 0, 1.0)
    cuft.atomic.sub(counter_d, 0, 0.5)
    cuft.atomic.max(hi, 0, i)
    cuft.atomic.min(lo, 0, i)


def test_atomics_are_exact_under_contention():
    blocks, threads = 512, 256
    n = blocks * threads
    ci, cf, cd = np.zeros(1, np.int64), np.zeros(1, np.float32), np.zeros(1, np.float64)
    hi, lo = np.full(1, -1, np.int64), np.full(1, 1 << 40, np.int64)
    contend[blocks, threads](ci, cf, cd, hi, lo)
    assert ci[0] == n
    assert cf[0] == n  # integers up to 2**24 are exact in float32
    assert cd[0] == -0.5 * n
    assert (hi[0], lo[0]) == (n - 1, 0)


@cuft.kernel
def cas_claim(slots, owner):
    # Each thread claims the first free slot with compare-and-swap.
    i = cuft.grid(1)
    k = 0
    while k < slots.shape[0]:
        if cuft.atomic.cas(slots, k, 0, i + 1) == 0:
            owner[i] = k
            break
        k += 1


def test_compare_and_swap_hands_out_each_slot_once():
    n = 64 * 32
    slots, owner = np.zeros(n, np.int64), np.full(n, -1, np.int64)
    cas_claim[64, 32](slots, owner)
    assert sorted(owner) == list(range(n))
    np.testing.assert_array_equal(slots[owner], np.arange(n) + 1)


# -- arguments: scalars by value, arrays in place --------------------------------------
@cuft.kernel
def scalars(out, a, b, c, d, e):
    out[0] = a
    out[1] = b
    out[2] = c
    out[3] = 1.0 if d else -1.0
    out[4] = e


def test_scalars_are_passed_by_value():
    out = np.zeros(5)
    scalars[1, 1](out, np.float32(1.5), np.int32(-7), np.uint64(2**40), True, 3)
    np.testing.assert_array_equal(out, [1.5, -7, 2.0**40, 1.0, 3])
    scalars[1, 1](out, 2.25, np.int8(-1), np.uint8(255), np.bool_(False), -4)
    np.testing.assert_array_equal(out, [2.25, -1, 255, -1.0, -4])


@cuft.kernel
def add_one_2d(a):
    i, j = cuft.grid(2)
    if i < a.shape[0] and j < a.shape[1]:
        a[i, j] += 1


@pytest.mark.parametrize("make", [
    lambda: np.zeros((10, 12)),
    lambda: np.asfortranarray(np.zeros((10, 12))),
    lambda: np.zeros((30, 40))[::3, 1::3][:, :12],
    lambda: np.zeros((10, 12))[::-1],
], ids=["C", "F", "strided", "negative-stride"])
def test_results_land_in_the_callers_array(make):
    a = make()
    base = a.base if a.base is not None else a
    before = base.copy()
    add_one_2d[(4, 4), (4, 4)](a)
    np.testing.assert_array_equal(a, np.ones_like(a))
    assert base.sum() == before.sum() + a.size  # nothing else was touched


def test_cpu_dlpack_tensors_are_used_in_place():
    class Tensor:  # a DLPack producer that is not a numpy array
        def __init__(self, a):
            self.a = a

        def __dlpack__(self, **kwargs):
            return self.a.__dlpack__(**kwargs)

        def __dlpack_device__(self):
            return self.a.__dlpack_device__()
    a = np.zeros((5, 6))
    add_one_2d[(2, 2), (4, 4)](Tensor(a))
    np.testing.assert_array_equal(a, np.ones((5, 6)))


def test_device_arrays_are_refused_by_the_host_target():
    class DeviceArray:
        __cuda_array_interface__ = {"shape": (4, 4), "typestr": "<f8", "data": (0, False),
                                    "version": 3}
    with pytest.raises(TypeError, match="GPU memory"):
        add_one_2d[1, 1](DeviceArray())


# -- bounds checking ----------------------------------------------------------------
@cuft.kernel
def shift_left(x, out):
    i = cuft.grid(1)
    out[i] = x[i + 1]


@cuft.kernel(boundscheck=True)
def column_of(a, out, col):
    i = cuft.grid(1)
    if i < a.shape[0]:
        out[i] = a[i, col]


def test_a_checked_kernels_code_does_not_depend_on_what_compiled_before():
    # Bounds-check sites are numbered per module: a compile that reuses a
    # pooled pass manager starts again from 0 (they once ran on, so a
    # kernel's code grew with the process's history of checked kernels).
    a, out = np.zeros((4, 3)), np.zeros(4)
    first = column_of.inspect(a, out, 1, stage="host-llvm")
    for _ in range(3):
        shift_left.inspect(a[:, 0], out, stage="host-llvm")
        cuft.kernel(boundscheck=True)(shift_left.py_func).inspect(a[:, 0], out, stage="host-llvm")
    assert column_of.inspect(a, out, 1, stage="host-llvm") == first


def test_bounds_check_from_the_environment(monkeypatch):
    x, out = np.arange(64.0), np.zeros(64)
    monkeypatch.setenv("CUFT_BOUNDSCHECK", "1")
    with pytest.raises(IndexError) as info:
        shift_left[2, 32](x, out)
    e = info.value
    assert isinstance(e, cuft.KernelIndexError) and isinstance(e, cuft.KernelError)
    assert (e.index, e.axis, e.size) == (64, 0, 64)
    assert (e.block, e.thread) == ((1, 0, 0), (31, 0, 0))
    line, col = line_of(shift_left, "x[i + 1]")
    assert (e.filename, e.lineno) == (__file__, line)
    text = str(e)
    assert text.startswith(f"{__file__}:{line}:")
    assert "index 64 is out of bounds for axis 0 with size 64" in text
    assert "out[i] = x[i + 1]" in text and "kernel 'shift_left'" in text
    monkeypatch.delenv("CUFT_BOUNDSCHECK")
    shift_left[1, 32](x, out)  # unchecked (and in range) again
    np.testing.assert_array_equal(out[:32], x[1:33])


def test_bounds_check_option_names_the_axis_and_negative_indices():
    a, out = np.zeros((8, 3)), np.zeros(8)
    with pytest.raises(cuft.KernelIndexError, match="index 3 is out of bounds for axis 1 "
                                                   "with size 3") as info:
        column_of[1, 8](a, out, 3)
    assert info.value.lineno == line_of(column_of, "a[i, col]")[0]
    # A negative index counts from the end, as in NumPy; past the start it is
    # reported as written.
    with pytest.raises(IndexError, match="index -4 is out of bounds for axis 1 with size 3"):
        column_of[1, 8](a, out, -4)
    column_of[1, 8](np.arange(24.0).reshape(8, 3), out, -1)
    np.testing.assert_array_equal(out, np.arange(24.0).reshape(8, 3)[:, 2])
    column_of[1, 8](np.arange(24.0).reshape(8, 3), out, 2)
    np.testing.assert_array_equal(out, np.arange(24.0).reshape(8, 3)[:, 2])


@cuft.kernel(boundscheck=True)
def shared_overrun(out):
    sh = cuft.shared.array(32, cuft.float32)
    t = cuft.threadIdx.x
    sh[t] = 1.0
    cuft.syncthreads()
    out[t] = sh[t]


def test_bounds_check_covers_shared_arrays():
    with pytest.raises(IndexError, match="index 32 is out of bounds for axis 0 with size 32"):
        shared_overrun[1, 64](np.zeros(64, np.float32))


# -- traps ---------------------------------------------------------------------------
@cuft.kernel
def divide(x, d):
    i = cuft.grid(1)
    if i < x.shape[0]:
        x[i] = x[i] // d[i]


@cuft.kernel
def gather(x, d):
    i = cuft.grid(1)
    if i < x.shape[0]:
        x[i] = d[d[i]]


@cuft.kernel
def gather_after_barrier(x, d):
    i = cuft.grid(1)
    cuft.syncthreads()
    x[i] = x[d[i]]


@cuft.kernel
def gather_after_syncwarp(x, d):
    i = cuft.grid(1)
    cuft.syncwarp()
    x[i] = x[d[i]]


def test_a_trap_is_an_exception_and_later_launches_work():
    x, d = np.zeros(1000, np.int64), np.arange(1000)
    d[500] = 1 << 40
    with pytest.raises(cuft.KernelError, match="invalid memory access") as info:
        gather[8, 128](x, d)
    assert info.value.block == (3, 0, 0) and info.value.thread is None
    d[500] = 500
    gather[8, 128](x, d)
    np.testing.assert_array_equal(x, np.arange(1000))
    # Threads that run as fibers (a warp collective) are known; a kernel
    # split at its barriers runs a block's threads in loops, as one without
    # barriers does: the block is known.
    x, d = np.full(64, 7, np.int64), np.zeros(64, np.int64)
    d[37] = 1 << 40
    with pytest.raises(cuft.KernelError) as info:
        gather_after_syncwarp[2, 32](x, d)
    assert (info.value.block, info.value.thread) == ((1, 0, 0), (5, 0, 0))
    with pytest.raises(cuft.KernelError) as info:
        gather_after_barrier[2, 32](x, d)
    assert (info.value.block, info.value.thread) == ((1, 0, 0), None)


def test_bad_launch_configurations():
    x = np.zeros(4)
    with pytest.raises(ValueError, match="1024 at most"):
        divide[1, (32, 64)](x, x)
    with pytest.raises(ValueError, match="block .* is out of range"):
        divide[1, (1, 1, 65)](x, x)
    with pytest.raises(ValueError, match="grid .* is out of range"):
        divide[(1, 70000), 1](x, x)


# -- targets --------------------------------------------------------------------------
def test_target_selection():
    assert cuft.target() == "host"
    assert cuft.set_target("cuda") == "host"
    assert cuft.target() == "cuda"
    with pytest.raises(ValueError, match="unknown target 'gpu'"):
        cuft.set_target("gpu")
    assert cuft.target() == "cuda"
    cuft.set_target("host")


@pytest.mark.parametrize("env, expected", [("host", "host"), ("cuda", "cuda"), (None, None)])
def test_target_from_the_environment(env, expected):
    environ = {k: v for k, v in os.environ.items() if k != "CUFT_TARGET"}
    if env:
        environ["CUFT_TARGET"] = env
    code = "import cuft; print(cuft.target())"
    out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True,
                         text=True, check=True).stdout.strip()
    # Without CUFT_TARGET: the GPU where the driver finds one, else the host.
    assert out == (expected or ("cuda" if cuft.cuda_status()["available"] else "host"))


def test_threads_racing_to_the_first_target_and_to_set_it_agree():
    # The target lives in one place, the C launch path: the first cuft.target()
    # of a process picks the default once, however many threads ask at once,
    # and each set_target returns the target some other call left.
    out = run_script(r"""
import threading, cuft
from cuft import _cuft
assert _cuft.current_target() is None
n = 32
start = threading.Barrier(n)
seen = []
def first():
    start.wait()
    seen.append(cuft.target())
threads = [threading.Thread(target=first) for _ in range(n)]
for t in threads: t.start()
for t in threads: t.join()
default = "cuda" if cuft.cuda_status()["available"] else "host"
assert set(seen) == {default} and _cuft.current_target() == default, seen
previous = []
def flip(i):
    start.wait()
    for k in range(200):
        previous.append(cuft.set_target("cuda" if (i + k) % 2 else "host"))
threads = [threading.Thread(target=flip, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
assert set(previous) <= {"host", "cuda"} and len(previous) == n * 200
cuft.set_target("host")
assert cuft.target() == "host"
print("ok")
""", drop=("CUFT_TARGET",))
    assert out.strip() == "ok"


def test_inspect_host_llvm():
    x = np.zeros(8, np.int64)
    text = divide.inspect(x, x, stage="host-llvm")
    assert "define void @__cuft_packed_divide(ptr" in text
    assert "sdiv" in text or "srem" in text


@cuft.kernel
def guarded_saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = a * x[i] + y[i]


@cuft.kernel
def guarded_2d(a, out):
    i, j = cuft.grid(2)
    if i < a.shape[0] and j < a.shape[1]:
        out[i, j] = a[i, j] * 2 + j


def test_a_guarded_thread_loop_is_vectorized_without_masks():
    # `if i < x.size:` compares the thread loop's induction variable with an
    # invariant: the loop is versioned on whether it holds for every thread
    # (GuardedLoops.cpp), and that copy is vectorized with plain loads and
    # stores (the loop with masked ones was 20% slower); the other copy,
    # for the grid's last block, stays scalar.
    x = np.zeros(8, np.float32)
    text = guarded_saxpy.inspect(np.float32(2), x, x, stage="host-llvm")
    # The loop as written, for the last block, kept scalar.
    assert '!{!"llvm.loop.vectorize.enable", i1 false}' in text
    assert re.search(r"= load <\d+ x float>", text) and re.search(r"store <\d+ x float>", text)
    assert "llvm.masked" not in text


@cuft.kernel
def five_point(u, out):
    j, i = cuft.grid(2)
    if i > 0 and j > 0 and i < u.shape[0] - 1 and j < u.shape[1] - 1:
        out[i, j] = (u[i, j] + u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1]) / 5


@cuft.kernel
def guarded_3d(a, out):
    i, j, k = cuft.grid(3)
    if i < a.shape[2] and j < a.shape[1] and k < a.shape[0]:
        out[k, j, i] = a[k, j, i] + i - 2 * j + 3 * k


def test_a_guard_is_tested_outside_the_loops_it_does_not_change():
    # The x guard's test does not change along y and z: the loops over a
    # 3-D block's rows and planes are versioned as a whole; partial blocks
    # in every dimension stay exact.
    a = np.random.default_rng(3).random((5, 19, 23))
    out = np.full((6, 20, 24), -1.0)
    guarded_3d[(3, 3, 2), (8, 8, 4)](a, out[:5, :19, :23])
    k, j, i = np.meshgrid(np.arange(5), np.arange(19), np.arange(23), indexing="ij")
    np.testing.assert_array_equal(out[:5, :19, :23], a + i - 2 * j + 3 * k)
    assert (out[5] == -1).all() and (out[:, 19] == -1).all() and (out[:, :, 23] == -1).all()


def test_a_two_sided_guard_versions_the_loop_too():
    # `j > 0` becomes `j != 0` in LLVM (j >= 0 is known): it holds throughout
    # when 0 is outside the block's range of j; the copy for the inner blocks
    # has no masks; the edges are exact.
    u = np.random.default_rng(5).random((70, 45)).astype(np.float32)
    out = np.full_like(u, -1)
    five_point[(3, 5), (16, 16)](u, out)
    want = np.full_like(u, -1)
    want[1:-1, 1:-1] = (u[1:-1, 1:-1] + u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2]
                        + u[1:-1, 2:]) / np.float32(5)
    np.testing.assert_allclose(out, want, rtol=1e-6)
    assert (out[0] == -1).all() and (out[:, 0] == -1).all() and (out[:, -1] == -1).all()
    text = five_point.inspect(u, out, stage="host-llvm")
    assert '!{!"llvm.loop.vectorize.enable", i1 false}' in text  # the edge blocks' copy
    assert re.search(r"store <\d+ x float>", text) and "llvm.masked" not in text


@cuft.kernel
def rows_between(u, out, lo, hi, skip):
    j, i = cuft.grid(2)
    if i >= lo and i < hi and i != skip and j < u.shape[1] and i < u.shape[0]:
        out[i, j] = u[i, j] * 2 + i


def test_guards_of_the_row_index_hold_for_whole_blocks_or_run_as_written():
    # Tests of i (a 2-D block's row index) are tested once per block too, with
    # those of j: blocks where every one holds for every row run a copy
    # without them; the others (edges, the row `skip`, rows outside [lo, hi))
    # run the kernel as written. Every launch shape and every bound: exact.
    u = np.random.default_rng(7).random((53, 37))
    for block in ((16, 16), (8, 4), (32, 2), (5, 7)):
        for lo, hi, skip in ((0, 53, -1), (3, 50, 7), (16, 32, 40), (1, 2, 1)):
            out = np.full_like(u, -1.0)
            grid = ((37 + block[0] - 1) // block[0], (53 + block[1] - 1) // block[1])
            rows_between[grid, block](u, out, lo, hi, skip)
            want = np.full_like(u, -1.0)
            i = np.arange(53)[:, None]
            keep = (i >= lo) & (i < hi) & (i != skip)
            want = np.where(keep, u * 2 + i, want)
            np.testing.assert_array_equal(out, want, f"{block} {lo} {hi} {skip}")


@cuft.kernel
def local_rotation(x, out):
    i = cuft.grid(1)
    if i < x.size:
        tmp = cuft.local.array(8, cuft.float32)
        for k in range(8):
            tmp[(i + k) % 8] = x[i] * (k + 1)
        out[i] = tmp[i % 8] - tmp[(i + 1) % 8]


def test_thread_loops_are_parallel_for_llvm_unless_threads_share_memory():
    # A kernel without barriers: its loop over the threads is marked parallel
    # for LLVM's vectorizer (no run-time overlap checks), except where the
    # threads would share memory: atomics, or a local array (one stack slot
    # for every thread of the loop).
    u = np.zeros((4, 4), np.float32)
    assert "llvm.loop.parallel_accesses" in five_point.inspect(u, u, stage="host-llvm")
    v, bins = np.zeros(4, np.int32), np.zeros(4, np.int32)
    assert "llvm.loop.parallel_accesses" not in contended_histogram.inspect(
        v, bins, stage="host-llvm")
    x = np.arange(1000, dtype=np.float32)
    out = np.zeros_like(x)
    assert "llvm.loop.parallel_accesses" not in local_rotation.inspect(x, out, stage="host-llvm")
    local_rotation[4, 256](x, out)
    np.testing.assert_array_equal(out, x * 1 - x * 2)  # k = 0 at i % 8, k = 1 at (i + 1) % 8


@pytest.mark.parametrize("n", [1, 7, 255, 256, 257, 1000, 4096 + 3])
def test_a_guarded_kernel_is_exact_on_partial_blocks(n):
    rng = np.random.default_rng(n)
    x = rng.random(n).astype(np.float32)
    y = rng.random(n).astype(np.float32)
    tail = rng.random(8).astype(np.float32)
    y_big = np.concatenate([y, tail])  # past x.size: never written
    expected = np.float32(3) * x + y
    guarded_saxpy[(n + 255) // 256 + 1, 256](np.float32(3), x, y_big[:n])
    assert np.array_equal(y_big[:n], expected) and np.array_equal(y_big[n:], tail)
    a = rng.random((n % 37 + 1, n % 53 + 2))
    out = np.full((a.shape[0] + 1, a.shape[1] + 1), -1.0)
    grid = ((a.shape[0] + 15) // 16 + 1, (a.shape[1] + 15) // 16 + 1)
    guarded_2d[grid, (16, 16)](a, out[:a.shape[0], :a.shape[1]])
    assert np.array_equal(out[:a.shape[0], :a.shape[1]], a * 2 + np.arange(a.shape[1]))
    assert (out[a.shape[0]] == -1).all() and (out[:, a.shape[1]] == -1).all()


# -- many Python threads launching at once ------------------------------------------------
@cuft.kernel
def scaled_copy(src, dst, factor):
    i = cuft.grid(1)
    if i < src.shape[0]:
        dst[i] = src[i] * factor


def test_launches_from_many_threads_compile_once_and_are_all_right():
    errors, seeds, lock = [], iter(range(16)), threading.Lock()

    def work():
        with lock:
            k = next(seeds)
        rng = np.random.default_rng(k)
        for r in range(20):
            n = int(rng.integers(1, 5000))
            src = rng.random(n)
            dst = np.zeros(n)
            scaled_copy[(n + 127) // 128, 128](src, dst, float(k + r))
            if not np.array_equal(dst, src * (k + r)):
                errors.append((k, r))

    run_concurrently(16, work)
    assert not errors
    stats = scaled_copy.stats()
    assert stats["compiles"] == 1 and stats["loads"] == 1
    assert stats["hits"] + stats["waits"] == 16 * 20 - 1


# -- the launching thread runs blocks too ---------------------------------------------
@cuft.kernel
def write_far(x, stride):
    x[cuft.grid(1) * stride] = 1


def test_a_one_block_launch_traps_on_the_launching_thread_and_recovers():
    x = np.zeros(4)
    # One block runs on the calling thread itself: its trap must come back as an
    # exception there too, and leave the thread able to launch again.
    with pytest.raises(cuft.KernelError, match="invalid memory access"):
        write_far[1, 2](x, 1 << 40)
    write_far[1, 2](x, 1)
    assert x[1] == 1
    results = run_concurrently(4, lambda: pytest.raises(cuft.KernelError, write_far[1, 2],
                                                        np.zeros(4), 1 << 40))
    assert all(r is not None for r in results)


def test_the_launching_threads_signal_stack_is_restored():
    import ctypes

    class StackT(ctypes.Structure):
        _fields_ = [("ss_sp", ctypes.c_void_p), ("ss_flags", ctypes.c_int),
                    ("ss_size", ctypes.c_size_t)]
    libc = ctypes.CDLL(None, use_errno=True)
    mine = ctypes.create_string_buffer(1 << 16)
    new, before, after = StackT(ctypes.cast(mine, ctypes.c_void_p), 0, 1 << 16), StackT(), StackT()

    def check():
        assert libc.sigaltstack(ctypes.byref(new), ctypes.byref(before)) == 0
        write_far[1, 2](np.zeros(4), 1)
        assert libc.sigaltstack(None, ctypes.byref(after)) == 0
        libc.sigaltstack(ctypes.byref(before), None)
        return after.ss_sp == new.ss_sp and after.ss_size == new.ss_size
    assert all(run_concurrently(1, check))  # on a fresh thread, not pytest's


def test_a_thread_without_a_signal_stack_keeps_cuft_s_and_drops_it_when_it_exits():
    import ctypes

    class StackT(ctypes.Structure):
        _fields_ = [("ss_sp", ctypes.c_void_p), ("ss_flags", ctypes.c_int),
                    ("ss_size", ctypes.c_size_t)]
    libc = ctypes.CDLL(None, use_errno=True)
    SS_DISABLE = 2

    def launch_and_look():
        before, after = StackT(), StackT()
        assert libc.sigaltstack(None, ctypes.byref(before)) == 0
        write_far[1, 2](np.zeros(4), 1)
        with pytest.raises(cuft.KernelError, match="invalid memory access"):
            write_far[1, 2](np.zeros(4), 1 << 40)  # handled on cuft's stack
        assert libc.sigaltstack(None, ctypes.byref(after)) == 0
        return bool(before.ss_flags & SS_DISABLE), bool(after.ss_flags & SS_DISABLE)
    # Fresh threads, one after another: each gets cuft's stack at its first
    # launch, keeps it (no syscalls per launch), and takes it off at exit.
    for _ in range(20):
        assert run_concurrently(1, launch_and_look) == [(True, False)]


DIVIDE = r"""
import numpy as np, cuft
@cuft.kernel
def divide(x, d):
    x[0] = 7 // d
@cuft.kernel
def write_far(x, i):
    x[i] = 1
x = np.zeros(1, np.int64)
divide[1, 1](x, 1)
write_far[1, 1](x, 0)
"""


def run_dividing_script(tmp_path, body):
    """Runs DIVIDE (which launches two kernels once), then ``body``, in a
    fresh interpreter on the host target; fails unless it prints "ok".
    Returns its stderr."""
    script = tmp_path / "divide.py"
    script.write_text(DIVIDE + body)
    env = {**os.environ, "CUFT_TARGET": "host"}
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                         timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout + run.stderr
    return run.stderr


def test_a_trap_after_faulthandler_takes_over_is_still_a_kernel_error(tmp_path):
    stderr = run_dividing_script(tmp_path, r"""
import faulthandler
faulthandler.enable()  # replaces cuft's handlers after its first launch
for _ in range(3):
    try:
        write_far[1, 1](x, 1 << 40)
    except cuft.KernelError as e:
        assert "invalid memory access" in str(e)
    else:
        raise AssertionError("no KernelError")
print("ok")
""")
    assert "Fatal Python error" not in stderr, stderr


def test_a_sigfpe_handler_set_between_launches_does_not_take_a_kernels_division(tmp_path):
    # A Python-level SIGFPE handler would return into a faulting division,
    # which would trap again forever. Integer division no longer traps (x // 0
    # is 0, as in NumPy; checked mode raises ZeroDivisionError), and each
    # launch still makes sure SIGFPE is cuft's.
    run_dividing_script(tmp_path, r"""
import signal
signal.signal(signal.SIGFPE, lambda *a: None)  # right after a launch: within 100 ms
divide[1, 1](x, 0)
assert x[0] == 0
x[0] = 5
checked = cuft.kernel(boundscheck=True)(divide.py_func)
try:
    checked[1, 1](x, 0)
except ZeroDivisionError as e:
    assert "division or modulo by zero" in str(e)
    print("ok")
""")


# -- math functions ------------------------------------------------------------------
MATH_UNARY = ["sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin",
              "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
              "atanh", "fabs", "floor", "ceil", "trunc", "erf", "erfc", "lgamma", "gamma"]
MATH_BINARY = ["atan2", "pow", "hypot", "copysign", "fmod", "remainder", "nextafter"]


@pytest.mark.parametrize("name", [n for n in MATH_UNARY + MATH_BINARY if hasattr(math, n)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_math_function_gives_pythons_answer(name, dtype):
    # The IR calls math-dialect ops or, for lgamma, gamma and hypot, the C
    # library (cuft.libm): the host links libm's, prepare-nvptx libdevice's.
    fn = getattr(math, name)
    x = np.linspace(-2.7, 2.7, 64) if name in ("sin", "cos", "atan", "floor", "ceil", "trunc",
                                               "fabs", "erf", "erfc", "tanh", "sinh", "atan2",
                                               "copysign", "fmod", "hypot") else \
        np.linspace(0.05, 0.95, 64) + (1.0 if name == "acosh" else 0.0)
    x = x.astype(dtype)
    out = np.zeros_like(x)
    binary = name in MATH_BINARY

    @cuft.kernel
    def apply1(x, out):
        i = cuft.grid(1)
        if i < x.shape[0]:
            out[i] = fn(x[i])

    @cuft.kernel
    def apply2(x, out):
        i = cuft.grid(1)
        if i < x.shape[0]:
            out[i] = fn(x[i], x[i] * 0.5 + 1.25)

    (apply2 if binary else apply1)[1, 64](x, out)
    want = np.array([fn(float(v), float(dtype(float(v) * 0.5 + 1.25))) if binary else fn(float(v))
                     for v in x])
    np.testing.assert_allclose(out, want.astype(dtype), rtol=1e-14 if dtype == np.float64 else 2e-6,
                               atol=1e-300 if dtype == np.float64 else 1e-37)


# -- numba-cuda's spellings ---------------------------------------------------------
def test_numba_cudas_jit_decorators_port_by_changing_the_import():
    import cuft as cuda  # what a numba-cuda user writes in place of `from numba import cuda`

    @cuda.jit(device=True)
    def twice(v):
        return v * 2

    @cuda.jit
    def double_all(x):
        i = cuda.grid(1)
        if i < x.size:
            x[i] = twice(x[i])

    @cuda.jit(fastmath=True)
    def first(x):
        x[0] = 1.0

    x = np.arange(5.0)
    double_all[1, 8](x)
    np.testing.assert_array_equal(x, [0, 2, 4, 6, 8])
    first[1, 1](x)
    assert x[0] == 1.0
    assert isinstance(double_all, cuda.Kernel) and isinstance(twice, cuda.DeviceFunction)

    @cuda.jit("void(float64[:])")  # a declared signature (test_declared_signatures.py)
    def declared(x):
        x[1] = 7.0

    declared[1, 1](x)
    assert x[1] == 7.0


# -- arrays of any rank the signature allows --------------------------------------------
@cuft.kernel
def touch_8d(a, out):
    out[0] = a.size * 10 + a.ndim
    a[1, 0, 1, 0, 1, 0, 1, 0] = 5.0


def test_arrays_of_four_to_eight_dimensions():
    from gallery import scale_4d
    a = np.random.default_rng(3).random((3, 4, 5, 6))
    for src, out in [(a, np.zeros_like(a)), (np.asfortranarray(a), np.zeros((3, 4, 10, 6))[:, :, ::2])]:
        scale_4d[(1, 1), (4, 4)](src, out)
        np.testing.assert_array_equal(out, a * 2 + 4)
    b, o = np.zeros((2,) * 8), np.zeros(1)
    touch_8d[1, 1](b, o)
    assert o[0] == 256 * 10 + 8 and b[1, 0, 1, 0, 1, 0, 1, 0] == 5.0 and b.sum() == 5.0
    assert "array<f64,8,C>" in touch_8d.signature(b, o)


# -- print ---------------------------------------------------------------------------
def test_print_writes_one_whole_line_per_call_from_every_thread():
    # Booleans print as Python prints them, True and False (numba-cuda's
    # test_print; they printed 1 and 0).
    out = run_script(r"""
import numpy as np, cuft
cuft.set_target("host")

@cuft.kernel
def show(x, n):
    i = cuft.grid(1)
    if i < x.size:
        print("thread", i, "x =", x[i], "100%", n[i], (i, x[i] > 0), sep=" ", end="!\n")

@cuft.kernel
def dims():
    print(cuft.threadIdx, cuft.blockDim)  # numba's dim3: (x, y, z)

x = np.array([1.5, -2.0, 0.25] * 100, np.float32)
n = np.array([2**40, -3, 7] * 100, np.int64)
show[10, 32](x, n)
dims[1, (1, 2, 1)]()
""")
    lines = out.splitlines()
    assert sorted(lines[300:]) == ["(0, 0, 0) (1, 2, 1)", "(0, 1, 0) (1, 2, 1)"]
    lines = lines[:300]
    assert len(lines) == 300  # no line lost, none torn apart
    want = {f"thread {i} x = {['1.500000', '-2.000000', '0.250000'][i % 3]} 100% "
            f"{[2**40, -3, 7][i % 3]} ({i}, {[True, False, True][i % 3]})!" for i in range(300)}
    assert set(lines) == want


@cuft.kernel
def enumerate_runtime_range(x, out, lo, hi, step):
    s = 0.0
    count = 0
    for k, i in enumerate(range(lo, hi, step)):
        s += (k + 1) * x[i]
        count += 1
    out[0] = s
    out[1] = count


def test_enumerate_takes_a_range_whose_step_is_known_at_run_time():
    x, out = np.arange(20.0), np.zeros(2)
    for lo, hi, step in [(0, 20, 3), (19, -1, -3), (5, 5, 1), (3, 17, -2), (17, 3, -5),
                         (2, 19, 7), (19, 0, -1), (0, 20, 0)]:
        enumerate_runtime_range[1, 1](x, out, lo, hi, step)
        r = range(lo, hi, step) if step else range(0)  # a zero step: no items, as in for
        assert out[0] == sum((k + 1) * x[i] for k, i in enumerate(r)), (lo, hi, step)
        assert out[1] == len(r), (lo, hi, step)


@cuft.kernel
def swap_once(a, old):
    i = cuft.grid(1)
    old[i] = cuft.atomic.compare_and_swap(a, 0, i + 1)


def test_compare_and_swap_updates_element_0_and_returns_the_old_value():
    a, old = np.zeros(3, np.int32), np.full(8, -1, np.int32)
    swap_once[1, 8](a, old)
    assert list(a) == [1, 0, 0]  # thread 0 swapped first: the host runs threads in order
    assert list(old) == [0] + [1] * 7


def inc_element(a):
    cuft.atomic.inc(a, 0, 1)


def xor_element(a):
    cuft.atomic.xor(a, 0, 1)


def nanmax_element(a):
    cuft.atomic.nanmax(a, 0, 1)


def test_atomics_refuse_elements_their_kind_does_not_take():
    for fn, dtype, message in [
            (inc_element, np.int32,
             "atomic inc and dec take unsigned integer elements (uint32, uint64), got 'i32'"),
            (xor_element, np.float32, "atomic and_, or_ and xor take integer elements, got 'f32'"),
            (nanmax_element, np.int16, "atomics need a 32- or 64-bit integer or float element")]:
        with pytest.raises(cuft.CompileError) as info:
            cuft.kernel(fn)[1, 1](np.zeros(2, dtype))
        assert message in str(info.value)


def popc_of_float(x):
    x[0] = cuft.popc(x[1])


def test_bit_intrinsics_take_integers():
    with pytest.raises(cuft.CompileError) as info:
        cuft.kernel(popc_of_float)[1, 1](np.zeros(2, np.float32))
    assert "cuft.popc() takes an integer, got 'f32'" in str(info.value)


@cuft.kernel
def even_lanes_shuffle(out):
    # Only the even lanes take part (mask 0x55555555); a partial last warp.
    i = cuft.threadIdx.x
    lane = cuft.laneid
    out[i, 0] = cuft.activemask()
    if lane % 2 == 0:
        out[i, 1] = cuft.shfl_down_sync(0x55555555, i, 2)  # lane 30: its own
        out[i, 2] = cuft.ballot_sync(0x55555555, lane % 4 == 0)
        cuft.syncwarp(0x55555555)
    out[i, 3] = cuft.shfl_sync(0xFFFFFFFF, i * 10, 33, 16)  # lane 1 of each 16-lane half


def test_warp_collectives_follow_their_mask_and_partial_warps():
    out = np.zeros((48, 4), np.int64)
    even_lanes_shuffle[1, 48](out)
    lanes = np.arange(48) % 32
    full = (1 << 32) - 1
    np.testing.assert_array_equal(out[:, 0], [full] * 32 + [(1 << 16) - 1] * 16)
    even = lanes % 2 == 0
    # lane + 2 within the warp and in the mask; the last even lane of a full
    # warp reads its own; in the 16-lane warp, lane 14 reads lane 16, which
    # does not exist (undefined on a GPU): its own value here.
    want = np.where(lanes + 2 <= np.where(np.arange(48) < 32, 30, 14), np.arange(48) + 2,
                    np.arange(48))
    np.testing.assert_array_equal(out[even, 1], want[even])
    np.testing.assert_array_equal(out[even, 2][:16], [0x11111111] * 16)
    np.testing.assert_array_equal(out[even, 2][16:], [0x1111] * 8)
    np.testing.assert_array_equal(out[:, 3], ((np.arange(48) // 16) * 16 + 1) * 10)


@cuft.kernel
def split_warp(out):
    lane = cuft.laneid
    if lane < 16:
        cuft.syncthreads()
    else:
        out[lane] = cuft.shfl_sync(0xFFFFFFFF, lane, 0)


def test_a_warp_collective_that_lanes_never_reach_is_a_reported_deadlock():
    with pytest.raises(cuft.KernelError, match="deadlock"):
        split_warp[1, 32](np.zeros(32, np.int64))


@cuft.kernel
def match_lanes(out):
    lane = cuft.laneid
    out[lane, 0] = cuft.match_any_sync(0xFFFFFFFF, lane % 3)
    mask, same = cuft.match_all_sync(0xFFFFFFFF, lane % 2)
    out[lane, 1] = mask
    out[lane, 2] = same
    mask, same = cuft.match_all_sync(0x0000FFFF if lane < 16 else 0xFFFF0000, np.float64(lane < 16))
    out[lane, 3] = cuft.uint32(mask)
    out[lane, 4] = same


def test_match_any_and_match_all():
    out = np.zeros((32, 5), np.int64)
    match_lanes[1, 32](out)
    lanes = np.arange(32)
    same_rest = [sum(1 << k for k in lanes if k % 3 == r) for r in range(3)]
    np.testing.assert_array_equal(out[:, 0].astype(np.uint32), [same_rest[k % 3] for k in lanes])
    np.testing.assert_array_equal(out[:, 1:3], 0)
    np.testing.assert_array_equal(out[:, 3], np.where(lanes < 16, 0xFFFF, 0xFFFF0000))
    np.testing.assert_array_equal(out[:, 4], 1)


@cuft.kernel
def dynamic_sum(x, out):
    buf = cuft.shared.array(0, cuft.float32)
    t = cuft.threadIdx.x
    buf[t % buf.size] = x[t]
    cuft.syncthreads()
    if t == 0:
        s = 0.0
        for k in range(buf.size):
            s += buf[k]
        out[0] = s
        out[1] = buf.size
        out[2] = buf.shape[0] + len(buf)


def dynamic_2d(out):
    buf = cuft.shared.array((0, 2), cuft.float32)
    out[0] = buf[0, 0]


def test_dynamic_shared_memory_is_sized_by_the_launch_and_limited():
    x, out = np.arange(32, dtype=np.float32), np.zeros(3)
    dynamic_sum[1, 32, 0, 32 * 4](x, out)
    assert list(out) == [x.sum(), 32, 64]
    dynamic_sum[1, 16](x[:16], out, shared_bytes=16 * 4)  # the keyword form
    assert list(out) == [x[:16].sum(), 16, 32]
    with pytest.raises(ValueError, match="bytes of dynamic shared memory: this kernel can have"):
        dynamic_sum[1, 32, 0, 300 * 1024](x, out)
    with pytest.raises(cuft.CompileError, match="dynamic shared memory: one dimension"):
        cuft.kernel(dynamic_2d)[1, 1](out)


@cuft.kernel
def sleepy_spin(flag, out):
    # Thread 0 waits for the block's last thread, sleeping between looks: no
    # atomic, no fence; the sleep lets the other threads run on the host.
    t = cuft.threadIdx.x
    if t == 0:
        while flag[0] == 0:
            cuft.nanosleep(100)
        out[0] = flag[0]
    if t == cuft.blockDim.x - 1:
        flag[0] = 7


def test_a_spin_wait_that_sleeps_lets_the_thread_it_waits_for_run():
    flag, out = np.zeros(1, np.int32), np.zeros(1, np.int32)
    sleepy_spin[1, 64](flag, out)
    assert out[0] == 7
    assert "nanosleep.u32" in sleepy_spin.inspect(flag, out, stage="ptx")


@cuft.kernel
def count_tasks(out):
    i = cuft.grid(1)
    if i < out.size:
        out[i] = cuft.blockDim.x


@cuft.kernel(launch_bounds=64)
def count_tasks_bounded(out):
    i = cuft.grid(1)
    if i < out.size:
        out[i] = cuft.blockDim.x


def test_forall_covers_the_tasks_with_one_dimensional_blocks():
    out = np.zeros(1000, np.int32)
    count_tasks.forall(out.size)(out)
    assert (out == 256).all()
    count_tasks.forall(out.size, tpb=32)(out)
    assert (out == 32).all()
    count_tasks_bounded.forall(out.size)(out)  # launch_bounds allow 64 threads
    assert (out == 64).all()
    count_tasks.forall(0)(out[:0])  # no tasks: one block, nothing done
    with pytest.raises(ValueError, match="non-negative int of tasks"):
        count_tasks.forall(-1)


@cuft.func
def weighted(a, b, c):
    return a * b + c


@cuft.kernel
def star_and_concat(x, out):
    i = cuft.grid(1)
    if i < out.size:
        head = (x[i], 2.0)
        t = head + (1.0,)  # tuple concatenation
        out[i] = weighted(*t) + len(t + head)  # f(*t): the tuple's elements


def test_star_arguments_and_tuple_concatenation():
    x, out = np.arange(4.0), np.zeros(4)
    star_and_concat[1, 4](x, out)
    np.testing.assert_array_equal(out, x * 2 + 1 + 5)


@cuft.kernel
def contended_histogram(v, bins):
    i = cuft.grid(1)
    if i < v.shape[0]:
        cuft.atomic.add(bins, v[i], 1)


def test_contended_atomics_are_exact_whichever_width_runs_them():
    # A kernel with global atomics runs on the pool or on the launching
    # thread alone, whichever its launches measured faster, and now and then
    # the other (HostLaunch.cpp's widths): every launch is exact.
    v = np.random.default_rng(5).integers(0, 16, 64 * 128).astype(np.int64)
    want = np.bincount(v, minlength=16)
    for _ in range(40):
        bins = np.zeros(16, np.int64)
        contended_histogram[64, 128](v, bins)
        np.testing.assert_array_equal(bins, want)


def test_a_python_dash_c_programs_kernels_compile():
    # Its functions' file is "<string>", which linecache cannot read: the
    # source is the program the interpreter ran (numba-cuda's test_print runs
    # its programs so).
    code = ("import numpy as np, cuft\ncuft.set_target('host')\n\n@cuft.kernel\n"
            "def k(x):\n    x[0] = 7\n    print(x[0] > 6)\n\nx = np.zeros(1)\nk[1, 1](x)\n"
            "print(x[0])\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, CUFT_CACHE="0"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "7.0"]
