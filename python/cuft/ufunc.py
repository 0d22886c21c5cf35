"""``@cuft.vectorize``: numba's ufuncs, on both targets.

::

    @cuft.vectorize(["float32(float32, float32)", "float64(float64, float64)"])
    def rel_diff(x, y):
        return 2 * (x - y) / (x + y)

    z = rel_diff(a, b)             # numpy arrays (or scalars), broadcast as numpy does
    rel_diff(a, b, out=z)          # into an existing array

The scalar function is a device function; a call picks the first declared
signature every input converts to safely (numpy's ``can_cast``; Python numbers
by value, as NumPy 2 does), broadcasts the inputs, and launches one kernel
that applies the function to each element (a thread per element). On the
host target the arrays are numpy arrays; on the cuda target numpy inputs are
copied to the GPU and the result back, as numba does, and ``cuft.DeviceArray``
inputs give a ``DeviceArray``.
"""

import numpy as np

from . import _cuft, func, grid, kernel
from .target import target

__all__ = ["vectorize", "Vectorized"]

def _numpy_dtypes():
    """cuft's scalar names -> numpy dtypes (bfloat16 with ml_dtypes only)."""
    out = {}
    for name, numpy, _, _ in _cuft.scalar_types():
        try:
            out[name] = np.dtype(numpy)
        except TypeError:
            try:
                import ml_dtypes
                out[name] = np.dtype(getattr(ml_dtypes, numpy))
            except (ImportError, AttributeError):
                pass
    return out


_NUMPY = _numpy_dtypes()


@func
def _elements(arrays, i):
    """``(a[i] for a in arrays)`` as a tuple: compiled once per number of arrays."""
    if len(arrays) == 1:
        return (arrays[0][i],)
    return (arrays[0][i],) + _elements(arrays[1:], i)


def _fits(value, dtype):
    """Whether ``value`` converts to ``dtype`` safely: an array or numpy scalar
    by its dtype (numpy's can_cast), a Python number by its kind and, for an
    int, its value (NumPy 2's rule for Python scalars)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        if dtype.kind in "iu":
            info = np.iinfo(dtype)
            return info.min <= value <= info.max
        return dtype.kind in "fc"
    if isinstance(value, float):
        return dtype.kind in "fc"
    if isinstance(value, complex):
        return dtype.kind == "c"
    return np.can_cast(np.asarray(value).dtype, dtype, "safe")


def _apply_kernel(scalar):
    @kernel
    def apply(inputs, out):
        i = grid(1)
        if i < out.size:
            out[i] = scalar(*_elements(inputs, i))
    return apply


class Vectorized:
    """A ufunc made by ``@cuft.vectorize``: call it with arrays or scalars."""

    def __init__(self, fn, signatures, options):
        if not signatures:
            raise TypeError(f"@cuft.vectorize {fn.__name__}: give its signatures, e.g. "
                            "@cuft.vectorize(['float32(float32, float32)'])")
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self.types = []
        for text in signatures:
            result, args = _cuft.declared_signature(str(text))
            names = args.split(",") if args else []
            if result not in _NUMPY or not all(n in _NUMPY for n in names):
                raise TypeError(f"@cuft.vectorize {fn.__name__}: signature {text!r} must be "
                                "of scalars")
            self.types.append((_NUMPY[result], [_NUMPY[n] for n in names]))
        self.nin = len(self.types[0][1])
        if any(len(ins) != self.nin for _, ins in self.types):
            raise TypeError(f"@cuft.vectorize {fn.__name__}: every signature must take "
                            f"{self.nin} arguments")
        self.scalar = func(fn, **options)
        self._kernel = _apply_kernel(self.scalar)

    def _resolve(self, values):
        """The first signature every input converts to safely."""
        for result, ins in self.types:
            if all(_fits(v, t) for v, t in zip(values, ins)):
                return result, ins
        kinds = ", ".join(str(np.result_type(v)) for v in values)
        raise TypeError(f"ufunc '{self.__name__}' has no signature for inputs of types "
                        f"({kinds}); it takes " +
                        ", ".join(f"({', '.join(map(str, ins))}) -> {r}" for r, ins in self.types))

    def __call__(self, *args, out=None, stream=None):
        if len(args) != self.nin:
            raise TypeError(f"ufunc '{self.__name__}' takes {self.nin} arguments, got {len(args)}")
        on_device = target() == "cuda"
        device_in = on_device and any(hasattr(a, "copy_to_host") for a in args)
        host_args = [a.copy_to_host() if hasattr(a, "copy_to_host") else a for a in args]
        result, ins = self._resolve(host_args)
        arrays = np.broadcast_arrays(*[np.asarray(a, dtype=t) for a, t in zip(host_args, ins)])
        shape = arrays[0].shape if arrays else ()
        flat = tuple(np.ascontiguousarray(a).reshape(-1) for a in arrays)
        size = int(np.prod(shape, dtype=np.int64))
        target_out = out.copy_to_host() if hasattr(out, "copy_to_host") else out
        if target_out is not None and tuple(np.shape(target_out)) != tuple(shape):
            raise ValueError(f"ufunc '{self.__name__}': out has shape {np.shape(target_out)}, "
                             f"the inputs broadcast to {shape}")
        flat_out = np.empty(size, result)
        if size:
            if on_device:
                from .cuda import to_device
                d_in = tuple(to_device(a) for a in flat)
                d_out = to_device(flat_out)
                self._kernel.forall(size, stream=stream)(d_in, d_out)
                flat_out = d_out.copy_to_host()
            else:
                self._kernel.forall(size)(flat, flat_out)
        value = flat_out.reshape(shape)
        if out is not None:
            if hasattr(out, "copy_to_device"):
                out.copy_to_device(value.astype(out.dtype, copy=False))
            else:
                out[...] = value
            return out
        if device_in:
            from .cuda import to_device
            return to_device(value)
        return value if shape else value[()]


def vectorize(signatures=None, **options):
    """numba's ``@vectorize(signatures)`` (``target=`` is taken and ignored:
    the target is cuft's, ``cuft.set_target``)."""
    options.pop("target", None)
    if callable(signatures):  # @cuft.vectorize without signatures
        raise TypeError(f"@cuft.vectorize {signatures.__name__}: give its signatures, e.g. "
                        "@cuft.vectorize(['float32(float32, float32)'])")
    return lambda fn: Vectorized(fn, list(signatures or []), options)
