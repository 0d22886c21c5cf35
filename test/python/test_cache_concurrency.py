"""The cache contract under threads, launching on the host target: each
specialization compiles exactly once and loads once per context however many
threads race for it, failures reach every waiter without poisoning the key, and
unloading under load loses nothing. Run on .venv-ft with PYTHON_GIL=0 these are
free-threading stress tests; the GIL must stay disabled throughout.

The quick versions always run. CUFT_FT_STRESS=1 runs longer and wider ones:
CUFT_FT_STRESS_SECONDS (default 20), CUFT_FT_STRESS_WORKERS (default 64),
CUFT_FT_STRESS_ITERS (default 50).
"""
import os
import random
import sys
import sysconfig
import threading
import time

import numpy as np
import pytest

import cuft
from sourceutil import line_of
from threadutil import run_concurrently

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
STRESS = os.environ.get("CUFT_FT_STRESS", "0") not in ("", "0")
SECONDS = float(os.environ.get("CUFT_FT_STRESS_SECONDS", "20")) if STRESS else 1.5
WORKERS = int(os.environ.get("CUFT_FT_STRESS_WORKERS", "64")) if STRESS else 16
ITERS = int(os.environ.get("CUFT_FT_STRESS_ITERS", "50")) if STRESS else 12


@pytest.fixture(autouse=True)
def host_target():
    before = cuft.target()
    cuft.set_target("host")
    yield
    cuft.set_target(before)
    if FREE_THREADED and os.environ.get("PYTHON_GIL") == "0":
        assert not sys._is_gil_enabled(), "something re-enabled the GIL"


_serial = iter(range(1 << 30))


def new_kernel():
    """A kernel no other test has compiled: its generic IR holds a fresh number,
    so the process-wide cache has never seen it."""
    salt = next(_serial) + 1000 * os.getpid()

    @cuft.kernel
    def add_salt(x, out, scale: cuft.constexpr):
        i = cuft.grid(1)
        if i < x.shape[0]:
            out[i] = x[i] * scale + salt
    return add_salt, salt


def launch_and_check(k, salt, scale=2, n=300, dtype=np.float64):
    x = np.arange(n, dtype=dtype)
    out = np.zeros(n, dtype)
    k[(n + 127) // 128, 128](x, out, scale)
    np.testing.assert_array_equal(out, x * scale + salt)
    return True


def test_32_threads_launch_a_new_kernel_at_once_one_compile_one_load():
    k, salt = new_kernel()
    before = cuft.cache_info()
    assert all(run_concurrently(32, lambda: launch_and_check(k, salt)))
    s = k.stats()
    assert s["compiles"] == 1 and s["loads"] == 1
    assert s["hits"] + s["waits"] >= 31  # each other thread found it or waited for it
    after = cuft.cache_info()
    assert after["compiles"] - before["compiles"] == 1
    assert after["loads"] - before["loads"] == 1
    assert after["modules"] - before["modules"] == 1


def test_8_signatures_raced_by_32_threads_8_compiles_and_loads():
    k, salt = new_kernel()
    scales = list(range(1, 9))  # constexpr: a specialization per value

    def work():
        order = scales[:]
        random.shuffle(order)
        return all(launch_and_check(k, salt, scale) for scale in order)
    assert all(run_concurrently(32, work))
    s = k.stats()
    assert s["compiles"] == 8 and s["loads"] == 8
    assert s["hits"] + s["waits"] >= 32 * 8 - 8


def test_a_failing_compile_raced_by_16_threads_then_a_fixed_path_works():
    salt = next(_serial)

    @cuft.kernel
    def shift(x, out):
        i = cuft.grid(1)
        if i < x.shape[0]:
            out[i] = (x[i] << 1) + salt

    bad = np.zeros(64)  # float64: no shifts

    def attempt():
        try:
            shift[1, 64](bad, bad)
        except cuft.CompileError as e:
            return e
        return None
    errors = run_concurrently(16, attempt)
    assert all(isinstance(e, cuft.CompileError) for e in errors)
    assert len({id(e) for e in errors}) == 16
    assert {(e.filename, e.lineno) for e in errors} == \
        {(__file__, line_of(shift, "out[i] = (x[i] << 1) + salt")[0])}
    compiles = shift.stats()["compiles"]
    assert 1 <= compiles <= 16 and shift.stats()["loads"] == 0
    # Not poisoned: the bad signature compiles (and fails) again, a good one works.
    assert attempt() is not None
    assert shift.stats()["compiles"] == compiles + 1
    good = np.arange(64, dtype=np.int32)
    out = np.zeros(64, np.int32)
    assert all(run_concurrently(16, lambda: shift[1, 64](good, out) or True))
    np.testing.assert_array_equal(out, (good << 1) + salt)
    assert shift.stats()["compiles"] == compiles + 2 and shift.stats()["loads"] == 1


def test_mixed_compiles_and_launches_with_random_signatures():
    kernels = [new_kernel() for _ in range(3)]
    dtypes = [np.float64, np.float32, np.int64, np.int32]
    deadline = time.monotonic() + SECONDS
    done = []

    def work():
        rng = random.Random(threading.get_ident())
        n = 0
        while time.monotonic() < deadline or n < 2:
            k, salt = rng.choice(kernels)
            launch_and_check(k, salt, scale=rng.randint(1, 6), n=rng.randint(1, 600),
                             dtype=rng.choice(dtypes))
            n += 1
        done.append(n)
        return True
    assert all(run_concurrently(WORKERS, work))
    for k, _ in kernels:
        s = k.stats()
        # Every signature compiled and loaded at most once: nothing is ever evicted.
        assert s["compiles"] == s["loads"] <= 6 * len(dtypes)
        assert s["compiles"] + s["hits"] + s["waits"] >= 1
    assert sum(done) >= 2 * WORKERS


def test_unloading_while_threads_launch_loses_no_launch():
    k, salt = new_kernel()
    launch_and_check(k, salt)
    stop = threading.Event()
    unloads = []

    def unloader():
        while not stop.is_set():
            unloads.append(cuft.unload_modules())
            time.sleep(0.002)
    t = threading.Thread(target=unloader)
    t.start()
    try:
        assert all(run_concurrently(8, lambda: all(launch_and_check(k, salt)
                                                     for _ in range(ITERS * 4))))
    finally:
        stop.set()
        t.join()
    assert sum(unloads) >= 1
    # Loaded again after each unload it saw, once per unload however many threads raced.
    assert 1 <= k.stats()["loads"] <= sum(unloads) + 1
    assert k.stats()["compiles"] == 1  # the specialization stayed cached


def test_unload_then_launch_loads_again():
    k, salt = new_kernel()
    launch_and_check(k, salt)
    assert cuft.unload_modules() >= 1
    assert cuft.cache_info()["modules"] == 0
    launch_and_check(k, salt)
    assert k.stats()["loads"] == 2 and k.stats()["compiles"] == 1


def test_stress_many_kernels_from_many_threads():
    """Each worker makes kernels of its own and launches kernels shared by all."""
    shared = [new_kernel() for _ in range(2)]

    def work():
        own = new_kernel()
        for i in range(ITERS):
            k, salt = own if i % 2 else shared[i // 2 % len(shared)]
            launch_and_check(k, salt, scale=i // 2 % 3 + 1, n=97)
        return own[0].stats()
    stats = run_concurrently(WORKERS, work)
    for s in stats:
        assert s["compiles"] == s["loads"] == 3  # scales 1..3 of its own kernel
    for k, _ in shared:
        assert k.stats()["compiles"] == k.stats()["loads"] == 3


def test_compile_threads_are_pooled_and_do_not_pile_up():
    """Compiles run on pooled compile threads (a large stack each), made when
    none is idle: 16 threads compiling 16 new signatures at once each get a
    right result, and afterwards at most 4 idle compile threads stay."""
    import os

    @cuft.kernel
    def triple(x):
        i = cuft.grid(1)
        if i < x.size:
            x[i] = x[i] * 3

    def tasks():
        return len(os.listdir("/proc/self/task"))

    triple.inspect(np.zeros(2, np.float64), stage="ptx")  # this thread's, kept
    before = tasks()
    dtypes = [np.int8, np.int16, np.int32, np.int64, np.uint16, np.uint32, np.float32,
              np.complex64]
    results = {}

    def compile_twice(k):
        x = np.zeros(4, dtypes[k % 8])
        x = x[::2] if k >= 8 else x  # contiguous and strided: 16 signatures
        results[k] = [triple.inspect(x, stage="ptx") for _ in range(2)]

    threads = [threading.Thread(target=compile_twice, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(16))
    assert all(".entry triple" in a and a == b for a, b in results.values())
    # The compile threads beyond four end as they find no work (a thread ends
    # just after join() returns: wait for it; kept, 16 would stay for ever).
    deadline = time.monotonic() + 10
    while tasks() > before + 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert tasks() <= before + 4
