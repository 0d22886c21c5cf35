"""Where launches run: ``"host"`` (the CPU, through cuft's host target) or
``"cuda"`` (an NVIDIA GPU).

The choice is process-wide: ``CUFT_TARGET=host|cuda`` in the environment, or
``cuft.set_target(...)`` at run time; ``cuft.target()`` says which is in
effect. By default it is ``"cuda"`` when cuft can launch on a GPU (a CUDA
driver and a device are present) and ``"host"`` otherwise.
"""

import os

__all__ = ["TARGETS", "target", "set_target", "cuda_available"]

TARGETS = ("host", "cuda")

# cuft cannot launch on a GPU yet: its CUDA runtime (driver, memory, streams,
# loading) is still to come. Until then the default is the host everywhere and
# the "cuda" target compiles (inspect) but does not launch.
CUDA_LAUNCH_SUPPORTED = False

_target = None  # one str; assignment is atomic, readers need no lock


def _check(name, where):
    if name not in TARGETS:
        raise ValueError(f"{where}: unknown target {name!r} (expected one of "
                         f"{', '.join(map(repr, TARGETS))})")
    return name


def _cuda_device_count():
    """Devices the CUDA driver reports, 0 without a driver (never raises)."""
    try:
        import ctypes
        lib = ctypes.CDLL("libcuda.so.1")
        if lib.cuInit(0) != 0:
            return 0
        count = ctypes.c_int(0)
        if lib.cuDeviceGetCount(ctypes.byref(count)) != 0:
            return 0
        return count.value
    except (OSError, AttributeError):
        return 0


def cuda_available():
    """Whether launches could run on a GPU: a device is present and cuft's
    CUDA runtime is built."""
    return CUDA_LAUNCH_SUPPORTED and _cuda_device_count() > 0


def target():
    """The target launches run on now: "host" or "cuda"."""
    global _target
    t = _target
    if t is None:
        env = os.environ.get("CUFT_TARGET")
        t = _target = (_check(env, "CUFT_TARGET") if env
                       else "cuda" if cuda_available() else "host")
    return t


def set_target(name):
    """Run later launches on ``name`` ("host" or "cuda"); returns the previous one."""
    global _target
    previous = target()
    _target = _check(name, "cuft.set_target")
    return previous
