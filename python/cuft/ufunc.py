"""``@cuft.vectorize``, ``@cuft.guvectorize`` and ``cuft.Reduce``: numba's
ufuncs, generalized ufuncs and reductions, on both targets.

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

import linecache
import re

from . import _cuft, dsl, func, grid, kernel
from .target import target

__all__ = ["vectorize", "Vectorized", "guvectorize", "GUVectorized", "Reduce", "reduce"]

_NUMPY = None


def _numpy_dtypes():
    """cuft's scalar names -> numpy dtypes (bfloat16 with ml_dtypes only), made
    at the first signature read: importing ml_dtypes takes half a second, which
    ``import cuft`` should not pay."""
    global _NUMPY
    if _NUMPY is not None:
        return _NUMPY
    out = {}  # whole before it is published: racing threads may both build it
    for name, numpy, _, _ in _cuft.scalar_types():
        try:
            out[name] = np.dtype(numpy)
        except TypeError:
            try:
                import ml_dtypes
                out[name] = np.dtype(getattr(ml_dtypes, numpy))
            except (ImportError, AttributeError):
                pass
    _NUMPY = out
    return out


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


def _split_options(options):
    """A ufunc's options: `inline=` for its function, the rest (fastmath,
    opt_level, ...) for the kernel that applies it, whose options device
    functions take."""
    options = dict(options)
    inline = {"inline": options.pop("inline")} if "inline" in options else {}
    return inline, options


def _apply_kernel(scalar, options):
    def apply(inputs, out):
        i = grid(1)
        if i < out.size:
            out[i] = scalar(*_elements(inputs, i))
    return kernel(apply, **options)


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
            numpy = _numpy_dtypes()
            if result not in numpy or not all(n in numpy for n in names):
                raise TypeError(f"@cuft.vectorize {fn.__name__}: signature {text!r} must be "
                                "of scalars")
            self.types.append((numpy[result], [numpy[n] for n in names]))
        self.nin = len(self.types[0][1])
        if any(len(ins) != self.nin for _, ins in self.types):
            raise TypeError(f"@cuft.vectorize {fn.__name__}: every signature must take "
                            f"{self.nin} arguments")
        inline, kernel_options = _split_options(options)
        self.scalar = func(fn, **inline)
        self._kernel = _apply_kernel(self.scalar, kernel_options)

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

    def reduce(self, arr, stream=None):
        """numba-cuda's ``ufunc.reduce`` of a binary ufunc: a 1-d array folded
        in numba-cuda's order, halves combined pairwise (``x[i]`` with
        ``x[i + n // 2]``) and an odd array's last element last, each round
        one call of the ufunc; the result in the array's dtype."""
        if self.nin != 2:
            raise TypeError(f"ufunc '{self.__name__}': reduce needs a ufunc of two "
                            f"arguments, not {self.nin}")
        if getattr(arr, "ndim", None) != 1:
            raise TypeError(f"ufunc '{self.__name__}': reduce takes a 1-d array")
        host = arr.copy_to_host() if hasattr(arr, "copy_to_host") else np.asarray(arr)
        if host.shape[0] == 0:
            raise TypeError("Reduction on an empty array.")
        work = host.copy()  # rounds write their results into its first half
        return host.dtype.type(self._fold(work, stream)[0])

    def _fold(self, mem, stream):
        n = mem.shape[0]
        if n == 1:
            return mem
        if n % 2:
            head = self._fold(mem[:n - 1], stream)
            return self(head, mem[n - 1:], out=head, stream=stream)
        left, right = mem[:n // 2], mem[n // 2:]
        self(left, right, out=left, stream=stream)
        return self._fold(left, stream)


def vectorize(signatures=None, **options):
    """numba's ``@vectorize(signatures)`` (``target=`` is taken and ignored:
    the target is cuft's, ``cuft.set_target``)."""
    options.pop("target", None)
    if callable(signatures):  # @cuft.vectorize without signatures
        raise TypeError(f"@cuft.vectorize {signatures.__name__}: give its signatures, e.g. "
                        "@cuft.vectorize(['float32(float32, float32)'])")
    return lambda fn: Vectorized(fn, list(signatures or []), options)


# -- @guvectorize ---------------------------------------------------------------

_LAYOUT_SIDE = re.compile(r"\((?:\w+(?:,\w+)*)?\)(?:,\((?:\w+(?:,\w+)*)?\))*")


def _parse_layout(layout, name):
    """numba's layout string ``"(m,n),(n,p)->(m,p)"``: the core dimensions of
    each input and each output, as tuples of names."""
    sides = "".join(str(layout).split()).split("->")
    if len(sides) != 2 or not all(_LAYOUT_SIDE.fullmatch(side) for side in sides):
        raise ValueError(f"@cuft.guvectorize {name}: bad layout {layout!r} (write it as "
                         "'(m,n),(n)->(m)')")
    return [[tuple(d for d in arg.split(",") if d) for arg in re.findall(r"\(([^)]*)\)", side)]
            for side in sides]


_ENTRY = re.compile(r"array<(\w+),(\d+),\w+>|[^,]+")


def _gu_signature(sig, name):
    """(dtype, rank or None for a scalar) of each argument of a declared
    signature: numba's text, a cuft type spec, or a tuple of array types."""
    if isinstance(sig, tuple):
        sig = "void(" + ", ".join(str(t) for t in sig) + ")"
    result, args = _cuft.declared_signature(str(sig))
    if result not in ("", "none", "void"):
        raise TypeError(f"@cuft.guvectorize {name}: guvectorized functions cannot return "
                        f"values: signature {sig!r} specifies {result} return type")
    out = []
    for m in _ENTRY.finditer(args):
        elem, rank = (m.group(1), int(m.group(2))) if m.group(1) else (m.group(0), None)
        numpy = _numpy_dtypes()
        if elem not in numpy:
            raise TypeError(f"@cuft.guvectorize {name}: signature {sig!r} must be of scalars "
                            "and arrays of scalars")
        out.append((numpy[elem], rank))
    return out


def _gu_kernel(core, nargs, options):
    """The kernel that applies ``core`` to the i-th slice of each of its
    ``nargs`` arrays (flattened over the loop dimensions): ``core(a0[i],
    a1[i], ...)``, a view of the core dimensions, or a scalar for a
    ``()`` input. Its source is made for the number of arguments and
    registered with linecache, where the frontend reads it."""
    names = [f"a{k}" for k in range(nargs)]
    src = (f"def gufunc_apply({', '.join(names)}, n):\n"
           f"    i = grid(1)\n"
           f"    if i < n:\n"
           f"        core({', '.join(f'{a}[i]' for a in names)})\n")
    filename = f"<cuft.guvectorize apply of {nargs} arrays>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    namespace = {"grid": grid, "core": core}
    exec(compile(src, filename, "exec"), namespace)
    return kernel(namespace["gufunc_apply"], **options)


class GUVectorized:
    """A generalized ufunc made by ``@cuft.guvectorize``."""

    def __init__(self, fn, signatures, layout, options):
        name = fn.__name__
        if not signatures:
            raise TypeError(f"@cuft.guvectorize {name}: give its signatures, e.g. "
                            "@cuft.guvectorize(['void(float32[:], float32[:])'], '(n)->(n)')")
        self.__name__ = name
        self.__doc__ = fn.__doc__
        self.ins, self.outs = _parse_layout(layout, name)
        self.nin, self.nout = len(self.ins), len(self.outs)
        self.types = [_gu_signature(s, name) for s in signatures]
        for sig, types in zip(signatures, self.types):
            if len(types) != self.nin + self.nout:
                raise TypeError(f"@cuft.guvectorize {name}: signature {sig!r} has {len(types)} "
                                f"arguments, the layout {self.nin + self.nout}")
            for (dtype, rank), dims, k in zip(types, self.ins + self.outs, range(len(types))):
                output = k >= self.nin
                if rank is None and (dims or output):
                    raise TypeError(f"@cuft.guvectorize {name}: argument {k} of {sig!r} is a "
                                    "scalar but the layout gives it dimensions"
                                    if dims else f"@cuft.guvectorize {name}: output {k} of "
                                    f"{sig!r} must be an array (a '()' output is a "
                                    "1-element array)")
                if rank is not None and rank != max(len(dims), 1 if output else 0) and \
                        not (rank == 1 and not dims):
                    raise TypeError(f"@cuft.guvectorize {name}: argument {k} of {sig!r} has "
                                    f"{rank} dimensions, the layout {len(dims)}")
        inline, kernel_options = _split_options(options)
        self.core = func(fn, **inline)
        self._kernel = _gu_kernel(self.core, self.nin + self.nout, kernel_options)

    def _resolve(self, values):
        for types in self.types:
            if all(_fits(v, t) for v, (t, _) in zip(values, types)):
                return types
        kinds = ", ".join(str(np.result_type(v)) for v in values)
        raise TypeError(f"gufunc '{self.__name__}' has no signature for inputs of types "
                        f"({kinds})")

    def __call__(self, *args, out=None, stream=None):
        name = self.__name__
        if len(args) not in (self.nin, self.nin + self.nout):
            got = len(args)
            raise TypeError(f"gufunc accepts {self.nin} positional arguments (inputs) or "
                            f"{self.nin + self.nout} positional arguments (inputs and outputs). "
                            f"Got {got} positional argument{'s' if got != 1 else ''}.")
        outs = list(args[self.nin:])
        if out is not None:
            if outs:
                raise ValueError("cannot specify argument 'out' as both positional and keyword")
            outs = list(out) if isinstance(out, tuple) else [out]
            if len(outs) != self.nout:
                raise ValueError(f"gufunc '{name}' has {self.nout} outputs, out= gives "
                                 f"{len(outs)}")
        on_device = target() == "cuda"
        device_in = on_device and any(hasattr(a, "copy_to_host") for a in args[:self.nin])
        inputs = [a.copy_to_host() if hasattr(a, "copy_to_host") else a for a in args[:self.nin]]
        types = self._resolve(inputs)
        inputs = [np.asarray(a, dtype=t) for a, (t, _) in zip(inputs, types)]
        host_outs = [o.copy_to_host() if hasattr(o, "copy_to_host") else o for o in outs]
        # Core dimensions: bound by the inputs (and given outputs), consistently.
        sizes, loops = {}, []

        def bind(shape, dims, what):
            if len(shape) < len(dims):
                raise ValueError(f"gufunc '{name}': {what} has {len(shape)} dimensions, its "
                                 f"layout ({','.join(dims)}) needs {len(dims)}")
            core = shape[len(shape) - len(dims):]
            for d, n in zip(dims, core):
                if sizes.setdefault(d, n) != n:
                    raise ValueError(f"gufunc '{name}': dimension {d} is {sizes[d]} and {n}")
            return shape[:len(shape) - len(dims)]

        for k, (a, dims) in enumerate(zip(inputs, self.ins)):
            loops.append(bind(a.shape, dims, f"input {k}"))
        for k, (o, dims) in enumerate(zip(host_outs, self.outs)):
            bind(np.shape(o), dims, f"output {k}")
        loop = np.broadcast_shapes(*loops) if loops else ()
        for k, dims in enumerate(self.outs):
            missing = [d for d in dims if d not in sizes]
            if missing:
                raise ValueError(f"gufunc '{name}': output {k}'s dimension {missing[0]} is not "
                                 "given by the inputs: pass the output")
        count = int(np.prod(loop, dtype=np.int64))
        flat_in = tuple(np.ascontiguousarray(np.broadcast_to(a, loop + a.shape[a.ndim - len(d):]))
                        .reshape((count,) + a.shape[a.ndim - len(d):])
                        for a, d in zip(inputs, self.ins))
        out_shapes = [tuple(sizes[d] for d in dims) for dims in self.outs]
        flat_out = tuple(np.zeros((count,) + (shape or (1,)), t)
                         for shape, (t, _) in zip(out_shapes, types[self.nin:]))
        if count:
            if on_device:
                from .cuda import to_device
                d_in = tuple(to_device(a) for a in flat_in)
                d_out = tuple(to_device(o) for o in flat_out)
                self._kernel.forall(count, stream=stream)(*d_in, *d_out, count)
                flat_out = tuple(o.copy_to_host() for o in d_out)
            else:
                self._kernel.forall(count)(*flat_in, *flat_out, count)
        values = [o.reshape(loop + shape) for o, shape in zip(flat_out, out_shapes)]
        if outs:
            for given, value in zip(outs, values):
                if hasattr(given, "copy_to_device"):
                    given.copy_to_device(np.ascontiguousarray(
                        np.broadcast_to(value, given.shape)).astype(given.dtype, copy=False))
                else:
                    given[...] = value
            return outs[0] if self.nout == 1 else tuple(outs)
        if device_in:
            from .cuda import to_device
            values = [to_device(v) for v in values]
        else:
            values = [v if v.shape else v[()] for v in values]
        return values[0] if self.nout == 1 else tuple(values)


_GU_OPTIONS = {"fastmath", "debug", "lineinfo", "opt_level", "max_registers", "inline",
               "boundscheck", "target", "nopython", "forceobj", "cache", "writable_args"}


def guvectorize(signatures, layout, **options):
    """numba's ``@guvectorize(signatures, layout)``: the function works on a
    slice of each argument (its core dimensions, as the layout names them) and
    writes its outputs' slices; a call loops it over the other dimensions,
    broadcast as numpy's gufuncs. ``target=`` is taken and ignored."""
    unknown = sorted(set(options) - _GU_OPTIONS)
    if unknown:
        raise TypeError("The following target options are not supported: " +
                        ", ".join(repr(u) for u in unknown))
    if options.pop("nopython", True) is not True or options.pop("forceobj", False):
        raise TypeError("nopython flag must be True")
    for ignored in ("target", "cache", "writable_args"):
        options.pop(ignored, None)
    if callable(signatures):
        raise TypeError(f"@cuft.guvectorize {signatures.__name__}: give its signatures and "
                        "layout, e.g. @cuft.guvectorize(['void(float32[:], float32[:])'], "
                        "'(n)->(n)')")
    if isinstance(signatures, (str, tuple, dsl.TypeSpec)):
        signatures = [signatures]
    return lambda fn: GUVectorized(fn, list(signatures), layout, options)


# -- cuft.Reduce --------------------------------------------------------------------

_REDUCE_THREADS = 128  # a block of the reduction: 4 warps, as numba's
_REDUCE_BLOCKS = 64    # at most this many partial results from the first pass


def _reduce_kernel(op):
    @kernel
    def reduce_blocks(arr, partials, init, use_init):
        # Each thread folds its grid-stride elements; then the block's values
        # are folded pairwise in shared memory (any count: the upper half onto
        # the lower), and thread 0 writes the block's partial result. Every
        # block has at least one element, so no identity element is needed.
        s = dsl.shared.array(_REDUCE_THREADS, arr.dtype)
        t = dsl.threadIdx.x
        i = dsl.blockIdx.x * dsl.blockDim.x + t
        n = arr.size
        if i < n:
            acc = arr[i]
            j = i + dsl.gridDim.x * dsl.blockDim.x
            while j < n:
                acc = op(acc, arr[j])
                j += dsl.gridDim.x * dsl.blockDim.x
            s[t] = acc
        dsl.syncthreads()
        width = min(dsl.blockDim.x, n - dsl.blockIdx.x * dsl.blockDim.x)
        while width > 1:
            half = (width + 1) // 2
            if t < width - half:
                s[t] = op(s[t], s[t + half])
            dsl.syncthreads()
            width = half
        if t == 0:
            r = s[0]
            if use_init and dsl.blockIdx.x == 0:
                r = op(r, init)
            partials[dsl.blockIdx.x] = r
    return reduce_blocks


class Reduce:
    """numba's ``cuda.reduce`` (also ``cuft.reduce``, a decorator): reduces a
    1-d array with a binary function, compiled as a device function::

        @cuft.reduce
        def sum_reduce(a, b):
            return a + b

        total = sum_reduce(x)           # a numpy array or a device array

    The elements are combined in a tree (in a different order from a loop:
    float results may differ in their last bits, as numba's), and ``init``
    once. ``size`` reduces the first elements only; ``res`` (an array) gets
    the result in its first element instead of it being returned."""

    def __init__(self, functor):
        self.__name__ = getattr(functor, "__name__", "reduce")
        self.__doc__ = getattr(functor, "__doc__", None)
        self._op = func(functor)
        self._kernel = _reduce_kernel(self._op)

    def __call__(self, arr, size=None, res=None, init=0, stream=None):
        if getattr(arr, "ndim", None) != 1:
            raise TypeError("only support 1D array")
        if size is not None:
            # A DeviceArray has no slicing: its first `size` elements go
            # through the host (numba's reduce takes `size` for that prefix).
            arr = (arr.copy_to_host() if hasattr(arr, "copy_to_host") else arr)[:size]
        init = arr.dtype.type(init)
        if arr.size < 1:
            if res is not None:
                self._store(res, init)
                return None
            return init
        blocks = min(_REDUCE_BLOCKS, -(-arr.size // _REDUCE_THREADS))
        on_device = target() == "cuda"
        if on_device:
            from .cuda import device_array, to_device
            d_arr = arr if hasattr(arr, "copy_to_host") else to_device(np.ascontiguousarray(arr))
            partials = device_array(blocks, arr.dtype)
            self._kernel[blocks, _REDUCE_THREADS, stream](d_arr, partials, init, True)
            total = partials  # one block: its partial is the total
            if blocks > 1:  # (a DeviceArray has no slicing: a one-element array)
                total = device_array(1, arr.dtype)
                self._kernel[1, _REDUCE_THREADS, stream](partials, total, init, False)
            value = total.copy_to_host()[0]
        else:
            partials = np.empty(blocks, arr.dtype)
            self._kernel[blocks, _REDUCE_THREADS](arr, partials, init, True)
            if blocks > 1:
                self._kernel[1, _REDUCE_THREADS](partials, partials[:1], init, False)
            value = partials[0]
        if res is not None:
            self._store(res, value)
            return None
        return value

    @staticmethod
    def _store(res, value):
        if hasattr(res, "copy_to_device"):
            res[:1].copy_to_device(np.array([value], dtype=res.dtype))
        else:
            res[0] = value


reduce = Reduce
