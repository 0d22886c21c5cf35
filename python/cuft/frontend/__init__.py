"""The cuft frontend: a Python function → generic cuft IR (text), no C++ needed."""

from .codegen import FrontendResult, generate, is_device_function

__all__ = ["generate", "FrontendResult", "is_device_function"]
