"""Launching on the host target: the launch's errors as Python exceptions.
See docs/HostTarget.md."""

from .errors import (KernelError, KernelIndexError, KernelValueError, KernelZeroDivisionError,
                     raised)

__all__ = ["raise_launch_error"]


def raise_launch_error(kernel_name, error):
    """Raises the exception for a host launch's error tuple (launcher.cpp)."""
    kind, message, file, line, col, dim, index, size, block, thread = error
    if kind == "config":
        raise ValueError(f"cannot launch kernel '{kernel_name}': {message}")
    if kind == "index":
        raise KernelIndexError(message, kernel_name, block, thread, file or None, line or None,
                               col or None, index, dim, size)
    if kind == "interrupted":  # Python's SIGINT handler did not raise
        raise KernelError(message, kernel_name, block, thread)
    if kind == "raise":  # debug=True: `index` is the raise site's code
        raise raised(index, kernel_name, block, thread)
    if kind == "reshape":
        raise KernelValueError(message, kernel_name, block, thread, file or None, line or None,
                               col or None)
    if kind == "zerodivision":
        raise KernelZeroDivisionError(message, kernel_name, block, thread, file or None,
                                      line or None, col or None)
    # A trap: the thread is None when the kernel ran its block's threads in one
    # loop; the line is the faulting instruction's, from the code's line table.
    raise KernelError(message, kernel_name, block, thread, file or None, line or None,
                      col or None)
