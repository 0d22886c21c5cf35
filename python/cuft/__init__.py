"""cuft: CUDA kernels in Python, compiled through MLIR.

The compiler core is the extension module ``cuft._cuft`` (C++, declared safe
without the GIL); tools/setup.sh builds it in place for each interpreter.
"""
import atexit as _atexit

from . import _cuft  # noqa: F401  (the compiler core)
from .constexpr import constexpr
from .dsl import *  # noqa: F401,F403  (kernel-only names: grid, threadIdx, ...)
from .dsl import __all__ as _dsl_all
from .dispatcher import DeviceFunction, Kernel
from .errors import (CompileError, CudaError, KernelArgumentError, KernelError,
                     KernelIndexError, KernelZeroDivisionError, LinkError)
from .cuda import DeviceArray, Event, Stream, default_stream, device_array, to_device, zeros
from .external import declare_device
from .link import Linkable
from .frontend.source import unwrap
from .target import cuda_status, set_target, target

__all__ = ["constexpr", "CompileError", "CudaError", "LinkError", "cuda_status", "KernelArgumentError", "KernelError",
           "KernelIndexError", "KernelZeroDivisionError", "kernel", "func", "Kernel", "DeviceFunction", "set_target",
           "target", "cache_info", "unload_modules", "declare_device", "Linkable", "DeviceArray", "Event", "Stream",
           "default_stream", "device_array", "to_device", "zeros", *_dsl_all]


def cache_info():
    """Process-wide cache counters: ``compiles``, ``hits``, ``waits`` (calls that
    waited for another thread's compile or load), ``failures`` (compiles that
    failed), ``entries`` (specializations cached), ``loads`` and ``unloads`` of
    modules, and ``modules`` (loaded now). Read without stopping other threads."""
    return _cuft.cache_info()


def unload_modules():
    """Unload every module cuft has loaded (JIT-compiled kernels on the host
    target, cubins in each CUDA context), running teardown callbacks first. Compiled specializations stay
    cached: the next launch of a kernel loads it again. Returns how many modules
    were unloaded. A launch already running finishes with its module."""
    from .cuda import _CONTEXTS
    return _cuft.unload_host_modules() + sum(
        _cuft.unload_cuda_context(context) for context in list(_CONTEXTS.values()))


# Teardown callbacks run before the interpreter exits, while cuft still works.
_atexit.register(_cuft.unload_host_modules)
_atexit.register(_cuft.unload_cuda_modules)  # a no-op where nothing was loaded


def _decorator(cls, fn, options, name):
    if fn is None:  # @cuft.kernel(fastmath=True): options first, then the function
        return lambda f: _decorator(cls, f, options, name)
    if not callable(fn) or isinstance(fn, (Kernel, DeviceFunction)):
        raise TypeError(f"@cuft.{name} decorates a Python function, got {fn!r}")
    return cls(unwrap(fn), options)


def kernel(fn=None, **options):
    """Make ``fn`` a kernel: ``@cuft.kernel`` or ``@cuft.kernel(fastmath=True,
    opt_level=3)``. Launch it with ``k[grid, block](*args)``; see its code with
    ``k.inspect(*args, stage="ptx")``."""
    return _decorator(Kernel, fn, options, "kernel")


def func(fn=None, **options):
    """Make ``fn`` a device function, callable from kernels: ``@cuft.func``."""
    return _decorator(DeviceFunction, fn, options, "func")
