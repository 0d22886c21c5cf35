"""cuft: CUDA kernels in Python, compiled through MLIR.

The compiler core is the extension module ``cuft._cuft`` (C++, declared safe
without the GIL); tools/setup.sh builds it in place for each interpreter.
"""
import atexit as _atexit
import os as _os
import warnings as _warnings

from . import _cuft  # noqa: F401  (the compiler core)
from .constexpr import constexpr
from .dsl import *  # noqa: F401,F403  (kernel-only names: grid, threadIdx, ...)
from .dsl import __all__ as _dsl_all
from . import dsl as _dsl
from .dispatcher import DeviceFunction, Kernel
from .transfers import In, InOut, Out
from .errors import (CompileError, CudaError, KernelArgumentError, KernelError, PerformanceWarning,
                     KernelIndexError, KernelZeroDivisionError, KernelValueError,
                     KernelAssertionError, LinkError)
from .cuda import (Device, DeviceArray, Event, Stream, as_cuda_array, default_stream, detect,
                   external_stream, legacy_default_stream, per_thread_default_stream,
                   device_array, get_current_device, gpus,
                   device_array_like,
                   event, event_elapsed_time, is_bfloat16_supported, is_cuda_array, pinned_array,
                   pinned_array_like,
                   stream, synchronize,
                   to_device, zeros)
from .target import cuda_available as is_available
from .external import declare_device
from .link import Linkable, LinkableCode, PTXSource, CUSource, Cubin, Fatbin
from .link import LTOIR_ as LTOIR
from .frontend.source import unwrap
from .target import cuda_status, set_target, target

__all__ = ["constexpr", "CompileError", "CudaError", "PerformanceWarning", "In", "Out", "InOut",
           "LinkError", "cuda_status", "KernelArgumentError", "KernelError",
           "KernelIndexError", "KernelZeroDivisionError", "KernelValueError", "KernelAssertionError", "kernel", "func", "jit", "Kernel", "DeviceFunction", "set_target",
           "target", "cache_info", "set_cache_limit", "unload_modules", "declare_device", "Linkable", "LinkableCode", "PTXSource", "CUSource", "Cubin", "Fatbin", "LTOIR", "DeviceArray", "Event", "Stream",
           "default_stream", "device_array", "device_array_like", "to_device", "zeros", "synchronize",
           "stream", "event", "event_elapsed_time", "is_cuda_array", "as_cuda_array", "pinned_array",
           "pinned_array_like", "is_bfloat16_supported", "external_stream", "legacy_default_stream",
           "per_thread_default_stream", "is_available", "Device", "get_current_device", "gpus",
           "detect",
           "vectorize", *_dsl_all]


def cache_info():
    """Process-wide cache counters: ``compiles``, ``hits``, ``waits`` (calls that
    waited for another thread's compile or load), ``failures`` (compiles that
    failed), ``entries`` (specializations cached: the cache's size), ``unused``
    (entries no live kernel or loaded module uses), ``limit`` (unused entries
    kept at most, None for no bound; see ``set_cache_limit``), ``evictions``
    (unused entries dropped to stay within it), ``loads`` and ``unloads`` of
    modules, and ``modules`` (loaded now). Read without stopping other threads."""
    return _cuft.cache_info()


# Unused specializations kept by default: enough for a program's working set of
# kernels made and dropped again (a factory called in a loop), small enough to
# bound a program that makes new kernels forever (~150 KiB each).
DEFAULT_CACHE_LIMIT = 256


def set_cache_limit(limit):
    """Keep at most ``limit`` compiled specializations that no live kernel uses
    (``None``: keep every one), evicting the least recently used ones now and
    whenever the cache grows past it; an evicted one is compiled again if a
    kernel needs it. Specializations of live kernels are never evicted and do
    not count. Returns the previous limit. The environment variable
    ``CUFT_CACHE_MAX_ENTRIES`` sets it at import (default 256)."""
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise ValueError(f"set_cache_limit: a non-negative int or None, got {limit!r}")
    return _cuft.set_cache_limit(limit)


def _limit_from_environment():
    text = _os.environ.get("CUFT_CACHE_MAX_ENTRIES", "").strip()
    if not text:
        return DEFAULT_CACHE_LIMIT
    if text.lower() in ("none", "unlimited"):
        return None
    if text.isdigit():
        return int(text)
    _warnings.warn(f"CUFT_CACHE_MAX_ENTRIES={text!r} is not a non-negative int or 'none': "
                   f"using {DEFAULT_CACHE_LIMIT}", RuntimeWarning, stacklevel=2)
    return DEFAULT_CACHE_LIMIT


_cuft.set_cache_limit(_limit_from_environment())


def unload_modules():
    """Unload every module cuft has loaded (JIT-compiled kernels on the host
    target, cubins in each CUDA context), running teardown callbacks first. Compiled specializations stay
    cached: the next launch of a kernel loads it again. Returns how many modules
    were unloaded. A launch already running finishes with its module. (A
    module is also unloaded by itself when the last kernel that launches it is
    garbage collected.)"""
    from .cuda import _CONTEXTS
    return _cuft.unload_host_modules() + sum(
        _cuft.unload_cuda_context(context) for context in list(_CONTEXTS.values()))


# Teardown callbacks run before the interpreter exits, while cuft still works.
_atexit.register(_cuft.unload_host_modules)
_atexit.register(_cuft.unload_cuda_modules)  # a no-op where nothing was loaded


def _is_signature(obj):
    """A declared signature, or a list of them (numba's first argument)."""
    return _dsl.signature_list(obj) is not None


def _decorator(cls, fn, options, name, signatures=()):
    if fn is None:  # @cuft.kernel(fastmath=True): options first, then the function
        return lambda f: _decorator(cls, f, options, name, signatures)
    if _is_signature(fn):  # @cuft.kernel("void(float32[:])", ...): declared signatures
        return lambda f: _decorator(cls, f, options, name, fn)
    if not callable(fn) or isinstance(fn, (Kernel, DeviceFunction)):
        raise TypeError(f"@cuft.{name} decorates a Python function, got {fn!r}")
    return cls(unwrap(fn), options, signatures)


def kernel(fn=None, **options):
    """Make ``fn`` a kernel: ``@cuft.kernel``, ``@cuft.kernel(fastmath=True,
    opt_level=3)`` or, with declared signatures, ``@cuft.kernel("void(f4[:])")``.
    Launch it with ``k[grid, block](*args)``; see its code with
    ``k.inspect(*args, stage="ptx")``."""
    return _decorator(Kernel, fn, options, "kernel")


def func(fn=None, **options):
    """Make ``fn`` a device function, callable from kernels: ``@cuft.func``."""
    return _decorator(DeviceFunction, fn, options, "func")


def jit(fn=None, device=False, **options):
    """numba-cuda's spelling, so that ``import cuft as cuda`` keeps a kernel's
    decorators: ``@cuft.jit`` is ``@cuft.kernel``, ``@cuft.jit(device=True)``
    is ``@cuft.func``; options as theirs (``fastmath=True``...), and declared
    signatures (``@cuft.jit("void(float32[::1], int32)")``, docs/Python.md)."""
    return (func if device else kernel)(fn, **options)


# numba's @vectorize (cuft/ufunc.py builds on kernel and func, defined above).
from .ufunc import Reduce, guvectorize, reduce, vectorize  # noqa: E402,F401


def __getattr__(name):
    """``cuft.libdevice`` (numba's cuda.libdevice: device functions and its
    table of 300 math functions) and ``cuft.random`` (numba's cuda.random),
    imported at their first use: ``import cuft`` does not pay for them."""
    if name in ("libdevice", "random"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'cuft' has no attribute {name!r}")
