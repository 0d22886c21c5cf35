"""Kernels that assign to a view of a device array whose elements are not one
block of memory (``d[:, j] = x``), as numba-cuda does with a kernel: the
value, broadcast and converted, is copied to a contiguous temporary on the
device, then copied element by element into the view. One kernel per rank
(1 to 3); each thread copies one element, found from its flat index."""
import cuft


@cuft.kernel
def copy1(dst, src):
    i = cuft.grid(1)
    if i < dst.shape[0]:
        dst[i] = src[i]


@cuft.kernel
def copy2(dst, src):
    i = cuft.grid(1)
    n1 = dst.shape[1]
    if i < dst.shape[0] * n1:
        a = i // n1
        b = i - a * n1
        dst[a, b] = src[a, b]


@cuft.kernel
def copy3(dst, src):
    i = cuft.grid(1)
    n1 = dst.shape[1]
    n2 = dst.shape[2]
    if i < dst.shape[0] * n1 * n2:
        a = i // (n1 * n2)
        r = i - a * (n1 * n2)
        b = r // n2
        c = r - b * n2
        dst[a, b, c] = src[a, b, c]


KERNELS = {1: copy1, 2: copy2, 3: copy3}
