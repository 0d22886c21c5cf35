"""cuft: CUDA kernels in Python, compiled through MLIR.

The compiler core is the extension module ``cuft._cuft`` (C++, declared safe
without the GIL); tools/setup.sh builds it in place for each interpreter.
"""
from . import _cuft  # noqa: F401  (the compiler core)
from .constexpr import constexpr
from .dsl import *  # noqa: F401,F403  (kernel-only names: grid, threadIdx, ...)
from .dsl import __all__ as _dsl_all
from .errors import CompileError

__all__ = ["constexpr", "CompileError", "kernel", "func", *_dsl_all]


def kernel(fn):
    """Mark ``fn`` as a kernel. For now this only marks it, so that
    ``cuft.frontend.generate`` can turn it into generic IR; compiling per
    signature, ``inspect`` and launching come with the dispatcher (README)."""
    fn.__cuft_kernel__ = fn
    return fn


def func(fn):
    """Mark ``fn`` as a device function callable from kernels."""
    fn.__cuft_func__ = fn
    return fn
