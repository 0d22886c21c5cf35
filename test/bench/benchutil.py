"""What the benchmarks share."""
import time


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
