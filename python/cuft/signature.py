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
  arrays) and objects with ``__dlpack__``: their dtype, rank (1-3) and layout
  (``C``, ``F`` when only Fortran-contiguous, else ``strided``);
- Python ``bool`` -> ``bool``, ``int`` -> ``i64``, ``float`` -> ``f64`` (like
  numba-cuda); numpy scalars keep their dtype.

This module keeps ``parse_signature``, the numba-style spelling people write.
"""

from . import _cuft

__all__ = ["signature_of", "parse_signature", "ArgumentError", "MAX_RANK"]

MAX_RANK = 3

# numpy dtype name -> cuft scalar type name (for signatures written by hand).
_DTYPES = {
    "bool": "bool", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "float32": "f32", "float64": "f64",
}


class ArgumentError(TypeError):
    """An argument cuft cannot pass to a kernel; ``index`` is its position."""

    def __init__(self, index, message):
        super().__init__(message)
        self.index = index


def signature_of(args, constexpr_args=()):
    """The signature text of ``args``; ``constexpr_args`` are parameter indices."""
    sig, _ = _cuft.read_arguments(tuple(args), [i in constexpr_args for i in range(len(args))])
    return sig


# -- signatures written by hand (python -m cuft inspect --sig) ------------------

_SCALAR_NAMES = {**_DTYPES, **{v: v for v in _DTYPES.values()},
                 "i1": "bool", "b1": "bool", "int": "i64", "float": "f64"}


def _split_top(text):
    parts, depth, cur = [], 0, ""
    for c in text:
        if c in "<[(":
            depth += 1
        elif c in ">])":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += c
    parts.append(cur.strip())
    return [p for p in parts if p] if text.strip() else []


def _numba_array(elem, dims):
    """numba-style ``f32[:, ::1]``: ``::1`` last is C, first is F, none is strided."""
    axes = [d.strip() for d in dims.split(",")]
    if not 1 <= len(axes) <= MAX_RANK or any(a not in (":", "::1") for a in axes):
        raise ValueError(f"bad array dimensions '[{dims}]' (write e.g. [:], [:, :] or [:, ::1])")
    unit = [i for i, a in enumerate(axes) if a == "::1"]
    if unit == [len(axes) - 1]:
        layout = "C"
    elif unit == [0]:
        layout = "F"
    elif not unit:
        layout = "strided"
    else:
        raise ValueError(f"bad array dimensions '[{dims}]': '::1' goes on the first or last axis")
    return f"array<{elem},{len(axes)},{layout}>"


def parse_signature(text):
    """A signature written by a person, numba style (``"f32, f32[::1], i64=4"``),
    to cuft's signature text. ``array<f32,1,C>`` entries pass through."""
    out = []
    for part in _split_top(text):
        value = None
        if "=" in part:
            part, value = (s.strip() for s in part.rsplit("=", 1))
        if part.startswith("array<"):
            entry = part.replace(" ", "")
        elif "[" in part and part.endswith("]"):
            name, dims = part[:-1].split("[", 1)
            elem = _SCALAR_NAMES.get(name.strip())
            if elem is None:
                raise ValueError(f"unknown element type '{name.strip()}'")
            entry = _numba_array(elem, dims)
        else:
            entry = _SCALAR_NAMES.get(part)
            if entry is None:
                raise ValueError(f"unknown type '{part}' (expected bool, int8-int64, uint8-uint64, "
                                 "float32, float64 or their short names, or an array like f32[:])")
        out.append(entry if value is None else f"{entry}={value}")
    return ",".join(out)
