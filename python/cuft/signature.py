"""Argument signatures: what cuft specializes a kernel on, read from the arguments.

A signature is the text ``cuft-specialize{sig=...}`` takes, one entry per
parameter: a scalar type (``f32``, ``i64``, ``bool``...), an array type
``array<elem,rank,layout>`` (``,readonly`` when the kernel may not write it),
or for a ``cuft.constexpr`` parameter its type and value (``i64=128``). The
same text keys the specialization in the cache.

The rules that read it from arguments live in one place, the C++ reader every
launch uses (``python/src/arguments.cpp``; see docs/Python.md for the table):

- ``numpy.ndarray``, ``cuft.DeviceArray``, objects with
  ``__cuda_array_interface__`` (CuPy, PyTorch CUDA tensors, Numba device
  arrays) and objects with ``__dlpack__``: their dtype, rank (1-8) and layout
  (``C``, ``F`` when only Fortran-contiguous, else ``strided``);
- Python ``bool`` -> ``bool``, ``int`` -> ``i64``, ``float`` -> ``f64`` (like
  numba-cuda); numpy scalars keep their dtype.

The grammar, and the scalar names it takes, live in one place too
(``cuft/Dialect/Cuft/Transforms/SignatureText.h``); ``parse_signature`` calls it.
"""

from . import _cuft

__all__ = ["signature_of", "parse_signature", "ArgumentError"]


class ArgumentError(TypeError):
    """An argument cuft cannot pass to a kernel; ``index`` is its position."""

    def __init__(self, index, message):
        super().__init__(message)
        self.index = index


def signature_of(args, constexpr_args=()):
    """The signature text of ``args``; ``constexpr_args`` are parameter indices."""
    sig, _ = _cuft.read_arguments(tuple(args), [i in constexpr_args for i in range(len(args))])
    return sig


def parse_signature(text):
    """A signature written by a person, numba style (``"f32, f32[::1], i64=4"``),
    to cuft's signature text (``array<f32,1,C>`` entries pass through).
    ValueError when it is not one."""
    return _cuft.canonical_signature(text)
