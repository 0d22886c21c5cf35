"""Runs a function on several threads at once, for the concurrency tests."""
import threading


def run_concurrently(n_threads, fn):
    """Starts `fn` on `n_threads` threads released together by a barrier; returns
    the list of their return values, and re-raises the first exception."""
    barrier = threading.Barrier(n_threads)
    results = [None] * n_threads
    errors = []

    def work(i):
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as e:  # re-raised below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def taker(items):
    """A function handing out ``items`` one at a time to whichever thread
    calls it, each once: next() of one shared iterator is not atomic without
    the GIL (on 3.13t two threads can get one item, and another none)."""
    lock = threading.Lock()
    it = iter(items)

    def take():
        with lock:
            return next(it)
    return take
