"""Argument signatures: what cuft specializes a kernel on, read from the arguments.

A signature is the text ``cuft-specialize{sig=...}`` takes, one entry per
parameter: a scalar type (``f32``, ``i64``, ``bool``...), an array type
``array<elem,rank,layout>``, or for a ``cuft.constexpr`` parameter its type and
value (``i64=128``). The same text is the specialization's cache key.

Arguments map to types like this:

- ``numpy.ndarray``, objects with ``__cuda_array_interface__`` (CuPy, PyTorch
  CUDA tensors, Numba device arrays) and objects with ``__dlpack__``: their
  dtype, rank (1-3) and layout (``C``, ``F`` when only Fortran-contiguous,
  else ``strided``);
- Python ``bool`` -> ``bool``, ``int`` -> ``i64``, ``float`` -> ``f64`` (like
  numba-cuda); numpy scalars keep their dtype.
"""

import numbers
import operator

__all__ = ["signature_of", "signature_entries", "parse_signature", "ArgumentError", "MAX_RANK"]

MAX_RANK = 3

# numpy dtype name -> cuft scalar type name.
_DTYPES = {
    "bool": "bool", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "float32": "f32", "float64": "f64",
}
# Array-interface typestr kind+size -> cuft type (byte order is checked apart).
_TYPESTR = {
    "b1": "bool", "i1": "i8", "i2": "i16", "i4": "i32", "i8": "i64",
    "u1": "u8", "u2": "u16", "u4": "u32", "u8": "u64", "f4": "f32", "f8": "f64",
}
# DLPack (type code, bits) -> cuft type.
_DLPACK = {
    (0, 8): "i8", (0, 16): "i16", (0, 32): "i32", (0, 64): "i64",
    (1, 8): "u8", (1, 16): "u16", (1, 32): "u32", (1, 64): "u64",
    (2, 32): "f32", (2, 64): "f64", (6, 8): "bool",
}
_DLPACK_NAMES = {0: "int", 1: "uint", 2: "float", 4: "bfloat", 5: "complex", 6: "bool"}

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1

try:  # numpy is optional: without it, numpy arguments cannot exist either
    import numpy as _np
except ImportError:  # pragma: no cover
    _np = None

# numpy type number -> cuft type, for the launch path: small ints are shared
# objects, so the lookup is by identity (on free-threaded 3.13 a dict lookup
# with a fresh, merely equal key from a thread that does not own the dict is
# ~250x slower). int64 has two numbers (long, long long) on LP64 systems.
_NUMPY_NUMS = {} if _np is None else {
    _np.dtype(c).num: _DTYPES[_np.dtype(c).name]
    for c in _np.typecodes["All"] if _np.dtype(c).name in _DTYPES}


class ArgumentError(TypeError):
    """An argument cuft cannot pass to a kernel; ``index`` is its position."""

    def __init__(self, index, message):
        super().__init__(message)
        self.index = index


def _layout(shape, strides, itemsize):
    """C, F or strided, from shape and byte strides (None: C-contiguous)."""
    if strides is None:
        return "C"

    def contiguous(dims):
        expected = itemsize
        for extent, stride in dims:
            if extent != 1 and stride != expected:
                return False
            expected *= extent
        return True

    dims = list(zip(shape, strides))
    if any(extent == 0 for extent in shape) or contiguous(reversed(dims)):
        return "C"
    if contiguous(dims):
        return "F"
    return "strided"


def _short(obj, limit=80):
    """repr(obj), cut to ``limit`` characters, for messages."""
    text = repr(obj)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _entry_text(elem, rank, layout, readonly):
    """``array<elem,rank,layout>``, with ``,readonly`` for memory the kernel may
    not write (the specializer refuses a kernel that writes it)."""
    return f"array<{elem},{rank},{layout}{',readonly' if readonly else ''}>"


def _array(index, elem, shape, strides, itemsize, what, readonly=False):
    rank = len(shape)
    if not 1 <= rank <= MAX_RANK:
        raise ArgumentError(index, f"{what} has {rank} dimensions; cuft kernels take arrays "
                                   f"of 1 to {MAX_RANK} dimensions")
    return _entry_text(elem, rank, _layout(shape, strides, itemsize), readonly)


def _numpy_array(index, a):
    dtype = a.dtype
    elem = _NUMPY_NUMS.get(dtype.num)
    if elem is not None and dtype.isnative and 1 <= a.ndim <= MAX_RANK:
        # numpy's flags follow the same rule as _layout (extent-1 axes and
        # empty arrays do not break contiguity).
        flags = a.flags
        layout = "C" if flags.c_contiguous else "F" if flags.f_contiguous else "strided"
        return _entry_text(elem, a.ndim, layout, not flags.writeable)
    if elem is None or not dtype.isnative:
        raise ArgumentError(index, f"numpy array of dtype {a.dtype} is not supported (supported: "
                                   f"{', '.join(_DTYPES)}, in native byte order)")
    if a.ndim == 0:
        raise ArgumentError(index, "a 0-dimensional array cannot be a kernel argument; pass "
                                   "a scalar instead")
    return _array(index, elem, a.shape, a.strides, a.itemsize, "numpy array",
                  not a.flags.writeable)


def _cuda_array(index, iface):
    if not isinstance(iface, dict) or not {"shape", "typestr", "data"} <= iface.keys():
        raise ArgumentError(index, "__cuda_array_interface__ must be a dict with 'shape', "
                                   f"'typestr' and 'data', got {_short(iface)}")
    typestr = iface.get("typestr", "")
    if not isinstance(typestr, str):
        raise ArgumentError(index, f"__cuda_array_interface__ has a typestr that is not a "
                                   f"str: {_short(typestr)}")
    elem = _TYPESTR.get(typestr[1:])
    if elem is None or typestr[:1] not in "<|=":
        raise ArgumentError(index, f"array of typestr {typestr!r} (__cuda_array_interface__) "
                                   "is not supported")
    try:
        shape = tuple(operator.index(n) for n in iface["shape"])
        strides = iface.get("strides")
        strides = None if strides is None else tuple(operator.index(n) for n in strides)
    except TypeError:
        raise ArgumentError(index, "__cuda_array_interface__ has a shape or strides that are "
                                   f"not tuples of ints: {_short(iface)}") from None
    data = iface.get("data")
    readonly = isinstance(data, tuple) and len(data) == 2 and bool(data[1])
    return _array(index, elem, shape, strides, int(typestr[2:]),
                  "array (__cuda_array_interface__)", readonly)


def _dlpack_array(index, obj):
    from . import _cuft
    try:
        capsule = obj.__dlpack__()
    except Exception as e:
        raise ArgumentError(index, f"__dlpack__() of a {type(obj).__name__} failed: {e}") from None
    try:
        code, bits, lanes, shape, strides = _cuft.dlpack_layout(capsule)
    except TypeError:
        raise ArgumentError(index, f"__dlpack__() of a {type(obj).__name__} returned "
                                   f"{_short(capsule)}, not a DLPack capsule") from None
    elem = _DLPACK.get((code, bits)) if lanes == 1 else None
    if elem is None:
        name = f"{_DLPACK_NAMES.get(code, f'code {code}')}{bits}" + (f"x{lanes}" if lanes != 1 else "")
        raise ArgumentError(index, f"DLPack tensor of dtype {name} is not supported")
    itemsize = bits // 8
    byte_strides = None if strides is None else tuple(s * itemsize for s in strides)
    return _array(index, elem, tuple(shape), byte_strides, itemsize, "DLPack tensor")


def scalar_type(index, value):
    """The cuft type of a scalar argument, or None when ``value`` is no scalar."""
    if isinstance(value, bool):
        return "bool"
    if _np is not None and isinstance(value, _np.generic):
        elem = _DTYPES.get(value.dtype.name)
        if elem is None:
            raise ArgumentError(index, f"numpy scalar of dtype {value.dtype} is not supported")
        return elem
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ArgumentError(index, f"integer {value} does not fit in int64")
        return "i64"
    if isinstance(value, float):
        return "f64"
    return None


def _constexpr_entry(index, value):
    t = scalar_type(index, value)
    if t is None:
        raise ArgumentError(index, f"a cuft.constexpr argument must be a bool, int or float, "
                                   f"got {type(value).__name__}")
    if t == "bool":
        text = "true" if bool(value) else "false"
    elif t[0] == "f":
        text = repr(float(value))
    else:
        text = str(int(value))
    return f"{t}={text}"


def _entry(index, value):
    if _np is not None and type(value) is _np.ndarray:
        return _numpy_array(index, value)
    t = scalar_type(index, value)
    if t is not None:
        return t
    try:
        iface = getattr(value, "__cuda_array_interface__", None)
    except Exception as e:
        raise ArgumentError(index, f"__cuda_array_interface__ of a {type(value).__name__} "
                                   f"raised {type(e).__name__}: {e}") from None
    if iface is not None:
        return _cuda_array(index, iface)
    if _np is not None and isinstance(value, _np.ndarray):  # subclasses
        return _numpy_array(index, value)
    if hasattr(value, "__dlpack__"):
        return _dlpack_array(index, value)
    if isinstance(value, numbers.Complex):
        raise ArgumentError(index, "complex numbers are not supported")
    raise ArgumentError(index, f"cannot pass a {type(value).__name__} to a kernel (pass an "
                               "array, a bool, an int or a float)")


def signature_entries(args, constexpr_args=()):
    """The signature of ``args``, an entry per argument (``f32``,
    ``array<f32,1,C>``, ``i64=4`` for a constexpr); ``constexpr_args`` are
    parameter indices."""
    return [_constexpr_entry(i, a) if i in constexpr_args else _entry(i, a)
            for i, a in enumerate(args)]


def signature_of(args, constexpr_args=()):
    """The signature text of ``args``; ``constexpr_args`` are parameter indices."""
    return ",".join(signature_entries(args, constexpr_args))


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
