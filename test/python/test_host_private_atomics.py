"""Host target: atomic updates of an array that a kernel only updates (a
histogram's bins) go to a private copy per worker, merged after its blocks
(lib/Runtime/Host/PrivateAtomics.h). The results are those of the atomics;
where a private copy could be seen (another argument overlapping the array, an
old value used, a float's rounding), the atomics stay."""
import threading

import numpy as np
import pytest

import cuft
from cuft import _cuft

pytestmark = pytest.mark.usefixtures("on_host")

BLOCKS, THREADS = 64, 256
N = BLOCKS * THREADS


@cuft.kernel
def histogram(v, bins):
    i = cuft.grid(1)
    if i < v.size:
        cuft.atomic.add(bins, v[i], 1)


@cuft.kernel
def update(idx, vals, out, KIND: cuft.constexpr):
    # One kind per specialization: the others fold away.
    i = cuft.grid(1)
    if i < idx.size:
        if KIND == 0:
            cuft.atomic.add(out, idx[i], vals[i])
        elif KIND == 1:
            cuft.atomic.sub(out, idx[i], vals[i])
        elif KIND == 2:
            cuft.atomic.max(out, idx[i], vals[i])
        elif KIND == 3:
            cuft.atomic.min(out, idx[i], vals[i])
        elif KIND == 4:
            cuft.atomic.and_(out, idx[i], vals[i])
        else:
            cuft.atomic.or_(out, idx[i], vals[i])


def privatized(launch):
    before = _cuft.host_privatized_launches()
    launch()
    return _cuft.host_privatized_launches() - before


def test_a_histogram_is_privatized_and_exact():
    rng = np.random.default_rng(1)
    v = rng.integers(0, 256, N).astype(np.int32)
    bins = np.full(256, 7, np.int32)  # the merge adds to what was there
    assert privatized(lambda: histogram[BLOCKS, THREADS](v, bins)) == 1
    np.testing.assert_array_equal(bins, np.bincount(v, minlength=256) + 7)


@pytest.mark.parametrize("dtype", [np.int32, np.uint32, np.int64, np.uint64])
def test_every_privatized_kind_matches_numpy(dtype):
    rng = np.random.default_rng(2)
    info = np.iinfo(dtype)
    idx = rng.integers(0, 64, N).astype(np.int64)
    vals = rng.integers(max(info.min, -100), min(info.max, 100), N).astype(dtype)

    cases = [(0, np.add, 0), (1, np.subtract, 0), (2, np.maximum, 0), (3, np.minimum, 0),
             (4, np.bitwise_and, -1), (5, np.bitwise_or, 0)]
    for kind, ufunc, start in cases:
        out = np.full(64, start, dtype) if start == 0 else np.full(64, info.max, dtype) \
            if info.min == 0 else np.full(64, -1, dtype)
        want = out.copy()
        with np.errstate(over="ignore"):
            ufunc.at(want, idx, vals)
        assert privatized(lambda: update[BLOCKS, THREADS](idx, vals, out, kind)) == 1, ufunc
        np.testing.assert_array_equal(out, want, err_msg=f"{ufunc.__name__} {dtype.__name__}")


def test_concurrent_launches_into_the_same_bins_add_up():
    rng = np.random.default_rng(3)
    v = rng.integers(0, 128, N).astype(np.int32)
    bins = np.zeros(128, np.int32)
    histogram[BLOCKS, THREADS](v, bins)  # compiled
    bins[:] = 0
    rounds, workers = 10, 4

    def run():
        for _ in range(rounds):
            histogram[BLOCKS, THREADS](v, bins)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(bins, np.bincount(v, minlength=128) * rounds * workers)


def test_an_array_seen_through_another_argument_stays_atomic():
    # On a GPU a thread reads its own update back through any alias of the
    # array: a private copy would hide it.
    @cuft.kernel
    def add_then_read(bins, view, out):
        i = cuft.grid(1)
        if i < out.size:
            cuft.atomic.add(bins, i % 64, 1)
            out[i] = view[i % 64]

    bins = np.zeros(64, np.int64)
    out = np.zeros(N, np.int64)
    assert privatized(lambda: add_then_read[BLOCKS, THREADS](bins, bins, out)) == 0
    assert out.min() >= 1
    np.testing.assert_array_equal(bins, N // 64)
    # Apart, the same kernel privatizes (and reads the other array's zeros).
    other = np.zeros(64, np.int64)
    bins[:] = 0
    assert privatized(lambda: add_then_read[BLOCKS, THREADS](bins, other, out)) == 1
    np.testing.assert_array_equal(bins, N // 64)
    np.testing.assert_array_equal(out, 0)


def test_updates_whose_old_value_is_used_floats_and_large_arrays_stay_atomic():
    @cuft.kernel
    def ticket(bins, out):
        i = cuft.grid(1)
        if i < out.size:
            out[i] = cuft.atomic.add(bins, 0, 1)

    @cuft.kernel
    def fsum(x, out):
        i = cuft.grid(1)
        if i < x.size:
            cuft.atomic.add(out, 0, x[i])

    bins = np.zeros(1, np.int64)
    out = np.zeros(N, np.int64)
    assert privatized(lambda: ticket[BLOCKS, THREADS](bins, out)) == 0
    np.testing.assert_array_equal(np.sort(out), np.arange(N))  # every ticket once
    total = np.zeros(1, np.float32)
    assert privatized(lambda: fsum[BLOCKS, THREADS](np.ones(N, np.float32), total)) == 0
    assert total[0] == N
    # More bins than threads between merges: copying them would cost more.
    v = np.arange(N, dtype=np.int32)
    big = np.zeros(N, np.int32)
    assert privatized(lambda: histogram[BLOCKS, THREADS](v, big)) == 0
    np.testing.assert_array_equal(big, 1)


def test_the_gpu_code_is_unchanged(tmp_path):
    # Privatizing is the host's: the PTX keeps one atomic add per update.
    ptx = histogram.inspect(np.zeros(4, np.int32), np.zeros(4, np.int32), stage="ptx")
    assert ptx.count("atom.global.add") + ptx.count("red.global.add") == 1


def test_host_atomics_are_relaxed_as_cudas():
    # CUDA's atomics order nothing (fences do): relaxed on the host too, so
    # LLVM keeps invariants out of a loop of atomic updates (the private
    # mask's load: acq_rel updates made it reload per update).
    ir = histogram.inspect(np.zeros(4, np.int32), np.zeros(4, np.int32), stage="host-llvm")
    rmws = [line for line in ir.splitlines() if "atomicrmw" in line]
    assert rmws and all(" monotonic" in line for line in rmws), rmws


def test_a_trap_midway_leaves_no_copy_behind():
    # An index past the bins traps (bounds checks on); the launch reports it,
    # and the next launch starts from fresh copies: its counts are exact.
    checked = cuft.kernel(histogram.py_func, boundscheck=True)
    v = np.arange(N, dtype=np.int32) % 256
    bins = np.zeros(256, np.int32)
    bad = v.copy()
    bad[N // 2] = 300
    with pytest.raises(IndexError):
        checked[BLOCKS, THREADS](bad, bins)
    bins[:] = 0
    assert privatized(lambda: checked[BLOCKS, THREADS](v, bins)) == 1
    np.testing.assert_array_equal(bins, N // 256)
