"""Every kernel of gallery.py runs on the GPU and matches its numpy reference
(the same checks as test_host_gallery.py, views and layouts included). Needs a
CUDA driver and a device; skips without them."""
import numpy as np
import pytest

import cuft
from cuft.transfers import record_reference
from gallery import GALLERY
from test_host_gallery import _root, check_gallery_kernel

pytestmark = pytest.mark.skipif(not cuft.cuda_status()["available"],
                                reason="needs a CUDA driver and a GPU: "
                                       + (cuft.cuda_status()["message"] or ""))


@pytest.fixture(scope="module", autouse=True)
def cuda_target():
    previous = cuft.set_target("cuda")
    yield
    cuft.set_target(previous)


_EXACT = {}


def as_numpy_computes(kernel):
    """The kernel compiled without FMA contraction (fma=False), so that its
    float results are numpy's to the bit, as the host target's are; the
    default, contracted, is checked in test_cuda_gpu.py."""
    if id(kernel) not in _EXACT:
        options = {**kernel.options, "fma": False}
        _EXACT[id(kernel)] = (kernel, cuft.kernel(kernel.py_func, **options))
    return _EXACT[id(kernel)][1]


def launch_on_the_gpu(kernel, run, args):
    """Each numpy argument's whole memory (its root array's) goes to the GPU
    byte for byte, the argument becomes a DeviceArray with its offset, shape
    and strides there, and after the launch the memory comes back into the
    numpy arrays. Returns the launch's arguments."""
    roots = {}

    def on_device(a):
        if isinstance(a, tuple):  # a tuple argument: its arrays too
            return tuple(on_device(e) for e in a)
        if isinstance(a, np.void) and record_reference(a) is not None:
            a = record_reference(a)  # a record of an array: by reference, a 0-d array
        if not isinstance(a, np.ndarray):
            return a
        root = _root(a)
        assert root.flags.c_contiguous or root.flags.f_contiguous
        if id(root) not in roots:  # its memory in memory order, as one flat array
            roots[id(root)] = (root, cuft.to_device(root.reshape(-1, order="A").view(np.uint8)))
        flat = roots[id(root)][1]
        return cuft.DeviceArray(a.shape, a.dtype, strides=a.strides, buffer=flat._buffer,
                                offset=a.ctypes.data - root.ctypes.data)

    device_args = [on_device(a) for a in args]
    as_numpy_computes(kernel)[run.grid, run.block, 0, run.shared_bytes](*device_args)
    for root, flat in roots.values():
        flat.copy_to_host(out=root.reshape(-1, order="A").view(np.uint8))
    return device_args


@pytest.mark.parametrize("name", sorted(GALLERY))
def test_gallery_kernel_matches_numpy_on_the_gpu(name):
    check_gallery_kernel(name, launch_on_the_gpu)
