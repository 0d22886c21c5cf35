"""cuft: CUDA kernels in Python, compiled through MLIR.

The compiler core is the extension module ``cuft._cuft`` (C++, declared safe
without the GIL); tools/setup.sh builds it in place for each interpreter.
"""
from . import _cuft  # noqa: F401  (the compiler core)
