"""What the benchmarks share."""
import contextlib
import fcntl
import threading
import time


@contextlib.contextmanager
def exclusive(path="/tmp/cuft-bench.lock"):
    """Holds an flock on ``path`` while the benchmark runs: two benchmarks that
    take it never overlap (one waits for the other)."""
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def busy_fraction(seconds=1.0):
    """The fraction of the machine's CPU time that was busy over ``seconds`` (from
    /proc/stat; None elsewhere): what other processes leave to the benchmark."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except OSError:
        return None
    return 1 - (i1 - i0) / max(1, t1 - t0)


def rate(n, seconds, fn=None, make=None):
    """Calls per second of fn, summed over n threads running for `seconds`;
    with ``make`` instead, thread i calls ``make(i)`` (made in that thread
    before the start: its own objects)."""
    barrier = threading.Barrier(n + 1)
    stop = threading.Event()
    counts = [0] * n

    def work(i):
        fn_i = make(i) if make is not None else fn
        barrier.wait()
        c = 0
        while not stop.is_set():
            for _ in range(100):
                fn_i()
            c += 100
        counts[i] = c
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - start)
