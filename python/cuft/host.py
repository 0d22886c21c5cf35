"""Launching on the host target: arguments in the JIT-compiled entry's form,
and the launch's errors as Python exceptions. See docs/HostTarget.md."""

from . import _cuft
from .errors import KernelError, KernelIndexError, KernelZeroDivisionError
from .signature import ArgumentError

try:
    import numpy as _np
except ImportError:  # pragma: no cover - numpy is a dependency of every test
    _np = None

__all__ = ["pack_with", "pack_arguments", "raise_launch_error"]


def _host_array(index, value):
    """A numpy view of ``value`` in host memory, or ArgumentError."""
    if _np is not None and isinstance(value, _np.ndarray):
        return value
    if hasattr(value, "__cuda_array_interface__"):
        raise ArgumentError(index, "it is GPU memory (__cuda_array_interface__) and the host "
                                   "target runs on the CPU: pass a numpy array, or use the "
                                   "cuda target")
    try:
        return _np.from_dlpack(value)
    except (TypeError, ValueError, RuntimeError, BufferError) as e:
        raise ArgumentError(index, f"the host target cannot read this DLPack tensor: {e}") \
            from None


def _array_slot(index, value):
    a = _host_array(index, value)
    itemsize = a.itemsize
    if any(s % itemsize for s in a.strides):
        raise ArgumentError(index, f"array strides {a.strides} are not multiples of its "
                                   f"item size ({itemsize} bytes)")
    return (a.__array_interface__["data"][0], a.shape, tuple(s // itemsize for s in a.strides))


def pack_with(array_slot, args, entries, constexpr_args):
    """A kernel's runtime arguments in the launch bindings' form: arrays as
    ``array_slot(index, value)`` gives them (pointer, shape, strides in
    elements), scalars as (type, value); constexpr arguments are compiled in
    and left out."""
    packed = []
    for i, (value, entry) in enumerate(zip(args, entries)):
        if i in constexpr_args:
            continue
        if entry.startswith("array<"):
            packed.append(array_slot(i, value))
        else:
            packed.append((entry, value))
    return packed


def pack_arguments(args, entries, constexpr_args):
    """The kernel's runtime arguments for ``_cuft.launch_host``: host arrays."""
    return pack_with(_array_slot, args, entries, constexpr_args)


def raise_launch_error(kernel_name, error):
    """Raises the exception for ``_cuft.launch_host``'s error tuple."""
    kind, message, file, line, col, dim, index, size, block, thread = error
    if kind == "config":
        raise ValueError(f"cannot launch kernel '{kernel_name}': {message}")
    if kind == "index":
        raise KernelIndexError(message, kernel_name, block, thread, file or None, line or None,
                               col or None, index, dim, size)
    if kind == "interrupted":  # Python's SIGINT handler did not raise
        raise KernelError(message, kernel_name, block, thread)
    if kind == "zerodivision":
        raise KernelZeroDivisionError(message, kernel_name, block, thread, file or None,
                                      line or None, col or None)
    # A trap: the thread is None when the kernel ran its block's threads in one
    # loop; the line is the faulting instruction's, from the code's line table.
    raise KernelError(message, kernel_name, block, thread, file or None, line or None,
                      col or None)
