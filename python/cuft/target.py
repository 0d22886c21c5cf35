"""Where launches run: ``"host"`` (the CPU, through cuft's host target) or
``"cuda"`` (an NVIDIA GPU).

The choice is process-wide: ``CUFT_TARGET=host|cuda`` in the environment, or
``cuft.set_target(...)`` at run time; ``cuft.target()`` says which is in
effect. By default it is ``"cuda"`` when cuft can launch on a GPU (a CUDA
driver and a device are present) and ``"host"`` otherwise.
"""

import os

__all__ = ["TARGETS", "target", "set_target", "cuda_available", "cuda_status", "require_cuda"]

TARGETS = ("host", "cuda")

# cuft launches on a GPU: the whole suite (test_cuda_gpu.py, test_cuda_gallery.py
# and the rest on the default target, cuda there) ran on an H200, on 3.12 and on
# 3.13t with PYTHON_GIL=0: whole on 2026-12-04 once five host tests that assumed
# the host default asked for the host. False makes the host the default
# everywhere ("cuda" then compiles, through inspect, but does not launch).
CUDA_LAUNCH_SUPPORTED = True

# The target in effect lives in one place, the C launch path
# (_cuft.current_target / exchange_target); this module picks the default.


def _check(name, where):
    if name not in TARGETS:
        raise ValueError(f"{where}: unknown target {name!r} (expected one of "
                         f"{', '.join(map(repr, TARGETS))})")
    return name


def cuda_status():
    """The CUDA driver as cuft found it: {available, result, result_name,
    library, message, version, devices}. The first call loads the driver
    (``CUFT_LIBCUDA``, else ``libcuda.so.1``) and initializes it, once per
    process however many threads call at the same moment."""
    from . import _cuft
    return _cuft.cuda_driver_status()


def require_cuda(what):
    """Raises CudaError unless the driver is initialized and has a device."""
    status = cuda_status()
    if not status["available"]:
        from .errors import CudaError
        raise CudaError(what, status["message"],
                        status["result"] or None,
                        status["result_name"] if status["result"] else None)


def cuda_available():
    """Whether launches could run on a GPU: a device is present and cuft's
    CUDA runtime is built."""
    return CUDA_LAUNCH_SUPPORTED and cuda_status()["available"]


def target():
    """The target launches run on now: "host" or "cuda"."""
    from . import _cuft
    t = _cuft.current_target()
    if t is None:
        env = os.environ.get("CUFT_TARGET")
        t = _check(env, "CUFT_TARGET") if env else "cuda" if cuda_available() else "host"
        # Threads racing here agree: the first to set it wins.
        t = _cuft.exchange_target(t, only_if_unset=True) or t
    return t


def set_target(name):
    """Run later launches on ``name`` ("host" or "cuda"); returns the previous one."""
    from . import _cuft
    _check(name, "cuft.set_target")
    previous = target()  # the default, if none was set yet
    return _cuft.exchange_target(name) or previous
