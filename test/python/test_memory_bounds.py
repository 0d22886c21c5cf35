"""Memory stays bounded where programs repeat themselves (issue 14, items 15
and 16):

- ``cuft.unload_modules()`` then a relaunch, over and over: the Launcher's
  replaced tables (and the modules only they held) are freed once no launch
  can read them, instead of kept until the kernel dies (~142 KiB a cycle).
- New kernels made forever (a factory in a loop, a rebound global): the
  compile cache keeps at most ``cuft.set_cache_limit`` specializations no live
  kernel uses, and a kernel's modules are unloaded when it is collected,
  instead of ~149 KiB kept per specialization.

Growth is measured in a fresh interpreter (``/proc/self/statm``, or glibc's
``mallinfo2`` where the leak was smaller than a page a cycle), against a
threshold well between the leak's and the fix's. The stress tests at the end
launch while other threads unload, evict and drop kernels; run on .venv-ft
with PYTHON_GIL=0 they are free-threading tests.
"""
import gc
import os
import sys
import sysconfig
import textwrap
import threading

import numpy as np
import pytest

import cuft
from scriptutil import run_script

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAKE = os.environ.get("CUFT_FAKECUDA") or os.path.join(
    os.environ.get("CUFT_BUILD_DIR", os.path.join(REPO, "build")), "lib", "libcuft-fakecuda.so")
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))

PREAMBLE = f"""
import ctypes, faulthandler, gc, os, sys, threading
faulthandler.dump_traceback_later(240, exit=True)  # a hang shows where
import numpy as np
sys.path.insert(0, {HERE!r})
import cuft

def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

def malloc_in_use():
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd
"""


def run_python(code, **env):
    """Runs ``code`` (after PREAMBLE) in a fresh interpreter; fails the test on
    a non-zero exit. Returns stdout."""
    return run_script(PREAMBLE + textwrap.dedent(code),
                      drop=("CUFT_TARGET", "CUFT_CACHE_MAX_ENTRIES"), **env)


# -- item 15: unload_modules() and relaunch --------------------------------------

def test_unloading_and_relaunching_keeps_memory_flat():
    # Before: every cycle kept the replaced table, and with it the unloaded
    # module's JIT-linked code (~143 KiB): 2,000 cycles grew ~280 MiB. After:
    # flat (a few replaced tables at most wait for launches still running).
    out = run_python(r"""
    cuft.set_target("host")

    @cuft.kernel
    def add_one(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] += 1

    x = np.zeros(64, np.float32)
    for _ in range(20):
        cuft.unload_modules()
        add_one[1, 64](x)
    start = rss_mib()
    for _ in range(2000):
        cuft.unload_modules()
        add_one[1, 64](x)
    gc.collect()
    grown = rss_mib() - start
    print(f"{grown:.1f}", flush=True)
    assert grown < 40, f"2,000 unload+relaunch cycles grew RSS by {grown:.1f} MiB"
    assert x[0] == 2020, x[0]
    assert add_one._launcher(add_one.frontend).retired_tables() <= 2, add_one._launcher(add_one.frontend).retired_tables()
    assert cuft.cache_info()["modules"] == 1, cuft.cache_info()
    """)
    assert float(out.split()[-1]) < 40


@pytest.mark.skipif(not os.path.exists(FAKE), reason=f"the driver double is not built ({FAKE})")
@pytest.mark.skipif(cuft._cuft.linker_problem() != "",
                    reason="launches link with nvJitLink: " + cuft._cuft.linker_problem())
def test_unloading_and_relaunching_on_the_cuda_driver_double_keeps_memory_flat():
    # The CUDA side kept each replaced table too, with its CudaModule (the
    # module's record and its striped launch gauge): ~1.5 KiB a cycle, 4.4 MB
    # over 3,000, counted by malloc since it is less than a page a cycle.
    out = run_python(r"""
    fake = ctypes.CDLL(os.environ["CUFT_LIBCUDA"])
    fake.fakecuda_live.restype = ctypes.c_long
    fake.fakecuda_counter.restype = ctypes.c_long
    cuft.set_target("cuda")

    @cuft.kernel
    def add_one(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] += 1

    x = cuft.zeros(64, np.float32)
    for _ in range(50):
        cuft.unload_modules()
        add_one[1, 64](x)
    gc.collect()
    start = malloc_in_use()
    for _ in range(3000):
        cuft.unload_modules()
        add_one[1, 64](x)
    gc.collect()
    grown = malloc_in_use() - start
    print(grown, flush=True)
    assert grown < 1_000_000, f"3,000 unload+relaunch cycles kept {grown} bytes"
    assert fake.fakecuda_live(b"modules") == 1
    assert fake.fakecuda_counter(b"loads") == 3050
    assert fake.fakecuda_counter(b"unloads") == 3049
    assert add_one._launcher(add_one.frontend).retired_tables() <= 2
    """, CUFT_LIBCUDA=FAKE)
    assert int(out.split()[-1]) < 1_000_000


# -- item 16: the compile cache's bound, and kernels' modules -----------------------

def test_distinct_kernels_keep_memory_bounded():
    # Before: every specialization (its object code, its loaded module, its
    # key) was kept forever, ~147 KiB each: 250 kernels grew ~36 MiB. After: a
    # dead kernel's module is unloaded, and at most 16 unused specializations
    # stay.
    out = run_python(r"""
    cuft.set_target("host")

    def make(c):
        @cuft.kernel
        def k(x):
            i = cuft.grid(1)
            if i < x.shape[0]:
                x[i] += c
        return k

    x = np.zeros(64, np.float32)
    for c in range(20):
        make(float(c))[1, 64](x)
    gc.collect()
    start = rss_mib()
    for c in range(250):
        make(float(1000 + c))[1, 64](x)
    gc.collect()
    grown = rss_mib() - start
    print(f"{grown:.1f}", flush=True)
    assert grown < 16, f"250 distinct kernels grew RSS by {grown:.1f} MiB"
    info = cuft.cache_info()
    assert info["limit"] == 16 and info["unused"] <= 16 and info["entries"] <= 16, info
    assert info["evictions"] >= 250 and info["modules"] == 0, info
    """, CUFT_CACHE_MAX_ENTRIES="16")
    assert float(out.split()[-1]) < 16


def test_rebinding_a_global_keeps_memory_bounded():
    # The documented pattern: a rebound global recompiles. Before: every
    # value's specialization and module stayed (and after 256 the kernel's
    # warm path stopped). After: the kernel holds only its current ones.
    out = run_python(r"""
    cuft.set_target("host")
    SCALE = 0.0

    @cuft.kernel
    def k(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] += SCALE

    x = np.zeros(64, np.float32)
    for c in range(20):
        SCALE = float(c)
        k[1, 64](x)
    gc.collect()
    start = rss_mib()
    for c in range(250):
        SCALE = float(1000 + c)
        k[1, 64](x)
    gc.collect()
    grown = rss_mib() - start
    print(f"{grown:.1f}", flush=True)
    assert grown < 16, f"250 rebinds grew RSS by {grown:.1f} MiB"
    assert x[0] == sum(range(20)) + sum(range(1000, 1250)), x[0]
    info = cuft.cache_info()
    assert info["entries"] <= 16 + 1 and info["modules"] == 1, info
    assert k._warm is not None and k._retired_warm_states <= 2
    """, CUFT_CACHE_MAX_ENTRIES="16")
    assert float(out.split()[-1]) < 16


@pytest.fixture
def host_target():
    before, limit = cuft.target(), cuft.set_cache_limit(None)
    cuft.set_cache_limit(limit)
    cuft.set_target("host")
    yield
    cuft.set_target(before)
    cuft.set_cache_limit(limit)


_serial = iter(range(1 << 30))


def new_kernel():
    """A kernel whose IR no other test compiled (it adds a fresh number)."""
    salt = float(next(_serial) + 1000 * os.getpid())

    @cuft.kernel
    def add_salt(x):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] += salt
    return add_salt, salt


def test_cache_info_shows_the_bound_and_set_cache_limit_moves_it(host_target):
    cuft.set_cache_limit(8)
    info = cuft.cache_info()
    assert info["limit"] == 8
    for key in ("entries", "unused", "limit", "evictions", "modules"):
        assert key in info
    assert info["unused"] <= 8 and info["unused"] <= info["entries"]
    assert cuft.set_cache_limit(None) == 8
    assert cuft.cache_info()["limit"] is None
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(ValueError):
            cuft.set_cache_limit(bad)


def test_a_collected_kernel_unloads_its_modules_and_its_entries_become_unused(host_target):
    cuft.set_cache_limit(None)
    k, salt = new_kernel()
    fn = k.py_func
    x = np.zeros(8)
    k[1, 8](x)
    assert x[0] == salt
    gc.collect()  # kernels earlier tests left for the collector go now, not below
    before = cuft.cache_info()
    # A second kernel of the same IR shares the module: one lease each.
    twin = cuft.kernel(fn)
    twin[1, 8](x)
    assert cuft.cache_info()["loads"] == before["loads"]
    del k
    gc.collect()
    assert cuft.cache_info()["modules"] == before["modules"]  # the twin holds it
    del twin
    gc.collect()
    after = cuft.cache_info()
    assert after["modules"] == before["modules"] - 1, (before, after)
    assert after["unused"] >= before["unused"] + 1
    # With no room for unused entries, they go at once: the next kernel of
    # that IR compiles again (the key was not poisoned).
    cuft.set_cache_limit(0)
    assert cuft.cache_info()["unused"] == 0
    assert cuft.cache_info()["evictions"] > before["evictions"]
    again = cuft.kernel(fn)
    again[1, 8](x)
    assert again.stats()["compiles"] == 1 and x[0] == 3 * salt


def test_a_live_kernels_entries_are_never_evicted(host_target):
    cuft.set_cache_limit(0)
    k, salt = new_kernel()
    x = np.zeros(8)
    k[1, 8](x)
    for _ in range(3):  # other kernels come and go, evicting what is unused
        other, _ = new_kernel()
        other[1, 8](np.zeros(8))
        del other
        gc.collect()
    cuft.unload_modules()  # its module is gone, its specialization is not
    k[1, 8](x)
    assert k.stats()["compiles"] == 1 and x[0] == 2 * salt


def test_the_environment_sets_the_limit():
    out = run_python("print(cuft.cache_info()['limit'])", CUFT_CACHE_MAX_ENTRIES="7")
    assert out.split()[-1] == "7"
    out = run_python("print(cuft.cache_info()['limit'])", CUFT_CACHE_MAX_ENTRIES="none")
    assert out.split()[-1] == "None"
    out = run_python("print(cuft.cache_info()['limit'])")
    assert out.split()[-1] == str(cuft.DEFAULT_CACHE_LIMIT)
    out = run_python("print(cuft.cache_info()['limit'])", CUFT_CACHE_MAX_ENTRIES="lots",
                     PYTHONWARNINGS="default")
    assert out.split()[-1] == str(cuft.DEFAULT_CACHE_LIMIT)


# -- stress: launches racing unloads, evictions and dying kernels ------------------

def test_launches_survive_unloads_evictions_and_dying_kernels(host_target):
    """Launching threads (the C warm path: Launcher tables, warm states)
    while one thread unloads every module, one flips the cache limit between
    0 and a few, and one makes, launches and drops kernels and collects them.
    Every launch must run its kernel exactly once on memory that is still
    there; replaced tables and states are freed meanwhile."""
    kernels = [new_kernel() for _ in range(3)]
    stop = threading.Event()
    errors = []

    def guarded(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # re-raised in the test's thread
                errors.append(e)
                stop.set()
        return run

    def launcher(index):
        k, salt = kernels[index % len(kernels)]
        x = np.zeros(16)
        n = 0
        while not stop.is_set() or n < 30:
            k[1, 16](x)
            n += 1
        assert np.all(x == n * salt), (x[:4], n, salt)

    def unloader():
        while not stop.is_set():
            cuft.unload_modules()

    def evictor():
        limits = [0, 2, 0, 5]
        i = 0
        while not stop.is_set():
            cuft.set_cache_limit(limits[i % 4])
            i += 1

    def churner():
        for _ in range(6):
            k, salt = new_kernel()
            x = np.zeros(16)
            for _ in range(3):
                k[1, 16](x)
            assert np.all(x == 3 * salt)
            del k
            gc.collect()
        stop.set()

    threads = [threading.Thread(target=guarded(lambda i=i: launcher(i))) for i in range(6)]
    threads += [threading.Thread(target=guarded(f)) for f in (unloader, evictor, churner)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]
    for k, _ in kernels:
        assert k._launcher(k.frontend).retired_tables() <= 2
        assert k._retired_warm_states <= 2
    if FREE_THREADED and os.environ.get("PYTHON_GIL") == "0":
        assert not sys._is_gil_enabled(), "something re-enabled the GIL"


@pytest.mark.skipif(not os.path.exists(FAKE), reason=f"the driver double is not built ({FAKE})")
@pytest.mark.skipif(cuft._cuft.linker_problem() != "",
                    reason="launches link with nvJitLink: " + cuft._cuft.linker_problem())
def test_cuda_launches_survive_unloads_evictions_and_dying_kernels():
    """As above on the CUDA launch path, against the driver double: no launch
    is lost, and at the end only the live kernels' modules are loaded."""
    run_python(r"""
    from threadutil import run_concurrently
    fake = ctypes.CDLL(os.environ["CUFT_LIBCUDA"])
    fake.fakecuda_live.restype = ctypes.c_long
    fake.fakecuda_counter.restype = ctypes.c_long
    cuft.set_target("cuda")

    def make(c):
        @cuft.kernel
        def k(x):
            x[0] = c
        return k

    kernels = [make(i) for i in range(3)]
    stop = threading.Event()
    launched = []

    def work(i):
        try:
            act(i)
        except BaseException:
            stop.set()  # the others stop too, and the error is raised
            raise

    def act(i):
        if i < 6:
            k, x, n = kernels[i % 3], cuft.zeros(4, np.int64), 0
            while not stop.is_set() or n < 30:
                k[1, 1](x)
                n += 1
            launched.append(n)
        elif i == 6:
            while not stop.is_set():
                cuft.unload_modules()
        elif i == 7:
            limits = [0, 2]
            j = 0
            while not stop.is_set():
                cuft.set_cache_limit(limits[j % 2])
                j += 1
        else:
            for c in range(100, 108):
                k = make(c)
                k[1, 1](cuft.zeros(4, np.int64))
                del k
                gc.collect()
            stop.set()

    ids = iter(range(9))
    ids_lock = threading.Lock()

    def next_id():
        with ids_lock:
            return next(ids)

    run_concurrently(9, lambda: work(next_id()))
    gc.collect()
    launches = fake.fakecuda_counter(b"launches")
    assert launches == sum(launched) + 8, (launches, launched)
    assert fake.fakecuda_live(b"modules") <= 3, fake.fakecuda_live(b"modules")
    del kernels
    gc.collect()
    assert fake.fakecuda_live(b"modules") == 0, fake.fakecuda_live(b"modules")
    """, CUFT_LIBCUDA=FAKE)
