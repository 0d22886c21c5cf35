"""Names usable inside kernels: thread indexing, memory, atomics, dtypes.

These are placeholders. The frontend recognizes them by identity (after
resolving ``cuft.x.y`` through the kernel's globals) and emits cuft ops; calling
them from ordinary Python raises.
"""

from . import _cuft

__all__ = [
    "grid", "gridsize", "threadIdx", "blockIdx", "blockDim", "gridDim", "laneid",
    "warpsize", "shared", "local", "syncthreads", "threadfence", "threadfence_block",
    "threadfence_system", "atomic", "const", "fp16", "popc", "clz", "brev", "ffs", "fma", "cbrt",
    "selp", "shfl_sync", "shfl_up_sync", "shfl_down_sync", "shfl_xor_sync", "all_sync",
    "any_sync", "eq_sync", "ballot_sync", "syncwarp", "activemask", "lanemask_lt",
    "syncthreads_count", "syncthreads_and", "syncthreads_or", "match_any_sync", "match_all_sync",
    "nanosleep", "ldca", "ldcg", "ldcs", "ldlu", "ldcv", "stcg", "stcs", "stwb", "stwt",
    "cg", "float16", "bfloat16", "float32", "float64",
    "int8", "int16",
    "int32",
    "int64", "uint8", "uint16", "uint32", "uint64", "bool_", "complex64", "complex128", "void",
    "Intrinsic", "DType",
    "TypeSpec",
]


class Intrinsic:
    """A kernel-only name; ``name`` is its dotted path below ``cuft``."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"cuft.{self.name}"

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"cuft.{self.name} can only be used inside a @cuft.kernel or @cuft.func")


class TypeSpec:
    """A type in a declared signature, numba's way: ``cuft.float32[:, ::1]``,
    ``cuft.void(cuft.float32[:], cuft.int32)``; its str() is the signature
    text that ``@cuft.kernel(...)`` and ``@cuft.func(...)`` read."""

    __slots__ = ()
    text = None  # the signature text (a property of DType)

    def __str__(self):
        return self.text

    __repr__ = __str__

    def __call__(self, *args):
        if not all(isinstance(a, TypeSpec) for a in args):
            raise TypeError(f"{self.text}(...) takes types (cuft.float32, cuft.int32[:], ...)")
        return _Spec(f"{self.text}({', '.join(a.text for a in args)})")


class _Spec(TypeSpec):
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def _axes(item):
    """numba's array spelling of a subscript: ``[:]``, ``[:, ::1]``, ``[::1, :]``."""
    axes = item if isinstance(item, tuple) else (item,)
    out = []
    for a in axes:
        if not (isinstance(a, slice) and a.start is None and a.stop is None
                and a.step in (None, 1)):
            raise TypeError("an array type is written with ':' or '::1' per axis, "
                            "as cuft.float32[:, ::1]")
        out.append("::1" if a.step == 1 else ":")
    return ", ".join(out)


class DType(Intrinsic, TypeSpec):
    """A scalar type: an array dtype, a cast when called in a kernel, and a
    type of declared signatures (``cuft.float32[::1]``, ``cuft.float32(...)``)."""

    __slots__ = ("mlir",)

    def __init__(self, name, mlir):
        super().__init__(name)
        self.mlir = mlir

    __repr__ = Intrinsic.__repr__

    @property
    def text(self):
        return "bool" if self.name == "bool_" else self.name

    def __getitem__(self, item):
        return _Spec(f"{self.text}[{_axes(item)}]")

    def __call__(self, *args, **kwargs):
        if args and not kwargs and all(isinstance(a, TypeSpec) for a in args):
            return TypeSpec.__call__(self, *args)  # a signature: float32(float32, int32)
        return Intrinsic.__call__(self, *args, **kwargs)


void = _Spec("void")


def _numba_type_text(t):
    """The signature text of one of numba's type objects (``numba.float32``,
    ``numba.float32[:, ::1]``, ``numba.void``), read by their attributes (cuft
    does not import numba): a program ported by changing ``from numba import
    cuda`` keeps its ``from numba import float32, void``. None for anything
    else."""
    if not type(t).__module__.startswith("numba"):
        return None
    name = getattr(t, "name", None)
    dtype, ndim, layout = (getattr(t, "dtype", None), getattr(t, "ndim", None),
                           getattr(t, "layout", None))
    if dtype is not None and isinstance(ndim, int) and ndim > 0 and layout in ("C", "F", "A"):
        elem = _numba_type_text(dtype)
        if elem is None:
            return None
        axes = [":"] * ndim
        axes[-1 if layout == "C" else 0] = "::1" if layout != "A" else ":"
        return f"{elem}[{', '.join(axes)}]"
    if name == "none":
        return "void"
    return name if isinstance(name, str) and name.isidentifier() else None


def numba_scalar_name(obj):
    """numba's name of ``obj`` if it is one of numba's scalar types
    (``numba.float32``: 'float32'), else None."""
    text = _numba_type_text(obj)
    return text if text is not None and "[" not in text and text != "void" else None


def type_text(t):
    """The signature text of one type object (``cuft.float32[::1]``, or one
    of numba's); None for anything else."""
    return t.text if isinstance(t, TypeSpec) else _numba_type_text(t)


def signature_text(obj):
    """The text of one declared signature, as numba takes one: a string, a
    type object (``cuft.void(cuft.float32[:])``), a tuple of argument types
    (``(float32[:], int32)``), or numba's own type objects (``void(float32[:])``
    built from numba's types: its ``args`` and ``return_type``). None when
    ``obj`` is none of these."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, TypeSpec):
        return obj.text
    if isinstance(obj, tuple) and obj:
        texts = [type_text(t) for t in obj]
        if None in texts or any("(" in t for t in texts):
            return None
        return f"({', '.join(texts)})"
    args, result = getattr(obj, "args", None), getattr(obj, "return_type", None)
    if type(obj).__module__.startswith("numba") and isinstance(args, tuple) and result is not None:
        texts = [type_text(t) for t in args] + [type_text(result)]
        if None not in texts:
            return f"{texts[-1]}({', '.join(texts[:-1])})"
    return None


def signature_list(obj):
    """The declared signatures ``obj`` holds (numba's first argument of
    ``jit``: one signature, or a list of them), each a signature_text; None
    when ``obj`` holds none. A tuple of types is one signature (numba's
    argument types), a tuple of signatures a list."""
    one = signature_text(obj)
    if one is not None:
        return [one]
    if isinstance(obj, (list, tuple)) and obj:
        texts = [signature_text(o) for o in obj]
        if None not in texts:
            return texts
    return None


class _Namespace:
    """``cuft.threadIdx``, ``cuft.shared``, ``cuft.atomic``: a group of intrinsics."""

    def __init__(self, prefix, members):
        self._prefix = prefix
        for m in members:
            setattr(self, m, Intrinsic(f"{prefix}.{m}"))

    def __repr__(self):
        return f"cuft.{self._prefix}"


grid = Intrinsic("grid")
gridsize = Intrinsic("gridsize")
threadIdx = _Namespace("threadIdx", "xyz")
blockIdx = _Namespace("blockIdx", "xyz")
blockDim = _Namespace("blockDim", "xyz")
gridDim = _Namespace("gridDim", "xyz")
laneid = Intrinsic("laneid")
warpsize = Intrinsic("warpsize")
shared = _Namespace("shared", ["array"])
local = _Namespace("local", ["array"])
syncthreads = Intrinsic("syncthreads")
# numba-cuda's bit and arithmetic intrinsics (CUDA's __popc, __clz, __brev, __ffs).
popc, clz, brev, ffs = (Intrinsic(n) for n in ("popc", "clz", "brev", "ffs"))
fma, cbrt, selp = Intrinsic("fma"), Intrinsic("cbrt"), Intrinsic("selp")
# Warp collectives and block reductions, under numba-cuda's names.
shfl_sync, shfl_up_sync, shfl_down_sync, shfl_xor_sync = (
    Intrinsic(n) for n in ("shfl_sync", "shfl_up_sync", "shfl_down_sync", "shfl_xor_sync"))
all_sync, any_sync, eq_sync, ballot_sync = (
    Intrinsic(n) for n in ("all_sync", "any_sync", "eq_sync", "ballot_sync"))
match_any_sync, match_all_sync = Intrinsic("match_any_sync"), Intrinsic("match_all_sync")
nanosleep = Intrinsic("nanosleep")
syncwarp, activemask, lanemask_lt = (
    Intrinsic(n) for n in ("syncwarp", "activemask", "lanemask_lt"))
syncthreads_count, syncthreads_and, syncthreads_or = (
    Intrinsic(n) for n in ("syncthreads_count", "syncthreads_and", "syncthreads_or"))
# numba-cuda's cache-hinted loads and stores: ldca(array, i), stcg(array, i, value),
# PTX's ld.global.ca ... st.global.wt on the GPU, plain accesses on the host.
ldca, ldcg, ldcs, ldlu, ldcv = (Intrinsic(n) for n in ("ldca", "ldcg", "ldcs", "ldlu", "ldcv"))
stcg, stcs, stwb, stwt = (Intrinsic(n) for n in ("stcg", "stcs", "stwb", "stwt"))
threadfence = Intrinsic("threadfence")
threadfence_block = Intrinsic("threadfence_block")
threadfence_system = Intrinsic("threadfence_system")
atomic = _Namespace("atomic", ["add", "sub", "min", "max", "exch", "cas", "and_", "or_", "xor",
                              "inc", "dec", "nanmin", "nanmax", "compare_and_swap"])
const = _Namespace("const", ["array_like"])


class GridGroup(_Namespace):
    """What ``cuft.cg.this_grid()`` gives in a kernel (numba's ``GridGroup``):
    the launch's whole grid; ``sync()`` waits until every thread of the grid
    reached it. A kernel that calls it is launched cooperatively."""

    def __init__(self):
        super().__init__("cg", [])
        self.sync = Intrinsic("cg.grid_sync")

    def __repr__(self):
        return "cuft.cg.this_grid()"


GRID_GROUP = GridGroup()
# numba-cuda's cuda.cg: cooperative groups (the grid).
cg = _Namespace("cg", ["this_grid"])
# numba-cuda's cuda.fp16: half-precision arithmetic under CUDA's names.
FP16_FUNCTIONS = ("hadd", "hsub", "hmul", "hdiv", "hneg", "habs", "hfma", "hmax", "hmin",
                  "heq", "hne", "hgt", "hge", "hlt", "hle", "hsin", "hcos", "hlog", "hlog2",
                  "hlog10", "hexp", "hexp2", "hexp10", "hsqrt", "hrsqrt", "hrcp", "hceil",
                  "hfloor", "hrint", "htrunc")
fp16 = _Namespace("fp16", FP16_FUNCTIONS)



def _mlir_scalar(kind, bits):
    """The MLIR spelling of a scalar type: i1 (bool), i32, ui8, f64, complex<f32>,
    bf16 (kind B)."""
    if kind == "b":
        return "i1"
    if kind == "B":
        return f"bf{bits}"
    if kind == "c":
        return f"complex<f{bits // 2}>"
    return f"{'ui' if kind == 'u' else kind}{bits}"


# The dtypes, by numpy name, from the one table of scalar types (_cuft's,
# SignatureText.h): each with its MLIR spelling.
DTYPES = {numpy: DType("bool_" if kind == "b" else numpy, _mlir_scalar(kind, bits))
          for _, numpy, kind, bits in _cuft.scalar_types()}
float16, float32, float64 = DTYPES["float16"], DTYPES["float32"], DTYPES["float64"]
bfloat16 = DTYPES["bfloat16"]
int8, int16, int32, int64 = DTYPES["int8"], DTYPES["int16"], DTYPES["int32"], DTYPES["int64"]
uint8, uint16, uint32, uint64 = (DTYPES["uint8"], DTYPES["uint16"], DTYPES["uint32"],
                                 DTYPES["uint64"])
bool_ = DTYPES["bool"]
complex64, complex128 = DTYPES["complex64"], DTYPES["complex128"]


class VectorType(Intrinsic):
    """One of numba-cuda's CUDA vector types (``cuft.float32x4``, or its C
    name ``cuft.float4``): in a kernel, ``float32x4(x, y, z, w)`` is a value of
    4 float32 components, each argument a number (converted to float32) or a
    vector whose components continue the list (``float32x4(v2, z, w)``), read
    as ``v.x``, ``v.y``, ``v.z``, ``v.w``. A value is immutable: a tuple of its
    components, which device functions take and return."""

    __slots__ = ("base", "count", "aliases")

    def __init__(self, base, count):
        super().__init__(f"{base.name}x{count}")
        self.base, self.count, self.aliases = base, count, []

    @property
    def fields(self):
        """The components' names, ``v.x`` ... ``v.w``."""
        return ("x", "y", "z", "w")[:self.count]


def _vector_types():
    """numba-cuda's vector types by name (int8x1 ... float64x4) and their C
    aliases (char1 ... double4, by the C types' sizes as numpy has them)."""
    import numpy as np
    types = {}
    for base in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float32", "float64"):
        for n in (1, 2, 3, 4):
            types[f"{base}x{n}"] = VectorType(DTYPES[base], n)
    c_types = {"char": np.byte, "short": np.short, "int": np.intc, "long": np.int_,
               "longlong": np.longlong, "uchar": np.ubyte, "ushort": np.ushort,
               "uint": np.uintc, "ulong": np.uint, "ulonglong": np.ulonglong,
               "float": np.single, "double": np.double}
    aliases = {}
    for alias, c in c_types.items():
        for n in (1, 2, 3, 4):
            v = types[f"{np.dtype(c).name}x{n}"]
            v.aliases.append(f"{alias}{n}")
            aliases[f"{alias}{n}"] = v
    return {**types, **aliases}


VECTOR_TYPES = _vector_types()


def vector_type_of(obj):
    """The VectorType ``obj`` is: one of cuft's, or numba's class of that name
    (``from numba.cuda import float32x4`` keeps working in a ported program,
    as numba's scalar types do); else None."""
    if isinstance(obj, VectorType):
        return obj
    if isinstance(obj, type) and obj.__module__.startswith("numba"):
        return VECTOR_TYPES.get(obj.__name__)
    return None
globals().update(VECTOR_TYPES)
__all__ += [*VECTOR_TYPES, "VectorType"]
