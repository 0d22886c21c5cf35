"""Kernels that test_pickle.py pickles by reference (a receiving process
imports this module by name)."""
import cuft

SCALE = 2.0


@cuft.func
def twice(v):
    return 2 * v


@cuft.kernel
def axpy(x, out, a):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = a * x[i] + twice(SCALE)


@cuft.kernel
def tuple_sum(t, out):
    s = 0.0
    for v in t:
        s += v
    out[0] = s


@cuft.vectorize(["float64(float64, float64)"])
def hypot2(a, b):
    return a * a + b * b


@cuft.guvectorize(["void(float64[:], float64[:])"], "(n)->()")
def row_sum(x, out):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
    out[0] = s


@cuft.reduce
def biggest(a, b):
    return max(a, b)
