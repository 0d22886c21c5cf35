"""Kernels with assert and raise, for test_debug.py: outside test modules,
whose asserts pytest rewrites."""
import cuft


@cuft.func
def checked_half(v):
    if v > 100:
        raise ValueError("too big", 100)
    return v / 2


@cuft.kernel(debug=True)
def halve(x, out):
    i = cuft.grid(1)
    if i < x.size:
        assert x[i] >= 0, "negative input"
        out[i] = checked_half(x[i])


@cuft.kernel(debug=True)
def bare_assert(x):
    assert x[0] == 0
    x[1] = 1


class Custom(Exception):
    pass


@cuft.kernel(debug=True)
def custom(x):
    if x[0] < 0:
        raise Custom
    x[0] = 2


def undebugged_halve(x, out):
    i = cuft.grid(1)
    if i < x.size:
        assert x[i] >= 0, "negative input"
        out[i] = x[i] / 2
