"""Expressions: literals, names, attributes, indexing, operators, and/or, chains."""

import ast
import numbers
import operator
import types

from .. import dsl
from ..errors import CompileError
from .ir import UNKNOWN, Value, Vector, float_literal, quote

__all__ = ["ExpressionsMixin", "LocalLambda", "PyObj", "Shape", "def_as_lambda"]


class PyObj:
    """A Python object known at compile time (a module, an intrinsic, a function)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj


class StaticArgument:
    """A device function's parameter given a Python object known at compile
    time (a device function, an intrinsic such as ``cuft.atomic.add``, a
    dtype: numba's first-class function arguments): not a value passed, but
    bound to the name in a callee made for that object (its shape, in the
    callee's key: Module.callee)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return isinstance(other, StaticArgument) and other.obj is self.obj

    def __hash__(self):
        return id(self.obj)


class LocalLambda:
    """``lambda x: ...`` in a kernel: inlined where it is called, its body read
    with the parameters bound to the arguments and every other name as at the
    call (Python's late binding), as numba inlines closures."""

    __slots__ = ("node", "params")

    def __init__(self, node, params):
        self.node = node
        self.params = params


def def_as_lambda(node):
    """A nested ``def f(x): return <expression>`` (a docstring allowed, no
    decorators) as the ``lambda`` it stands for, else None."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if node.decorator_list or len(body) != 1 or not isinstance(body[0], ast.Return) \
            or body[0].value is None:
        return None
    return ast.copy_location(ast.Lambda(args=node.args, body=body[0].value), node)


class Shape:
    """``a.shape`` (or ``a.strides``: ``strides``) before it is indexed or
    unpacked (the rank is not known yet)."""

    __slots__ = ("array", "strides")

    def __init__(self, array, strides=False):
        self.array = array
        self.strides = strides


_BINOPS = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv",
    ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow", ast.LShift: "shl",
    ast.RShift: "shr", ast.BitOr: "bitor", ast.BitXor: "bitxor", ast.BitAnd: "bitand",
}
_CMPOPS = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge"}
_CMP_SPELLING = {ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
_ORDER_SPELLING = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
# Intrinsics that are values rather than calls: name -> (op text, result type).
_VALUE_INTRINSICS = {
    f"{ns}.{d}": (f"cuft.{op} {d}", "i64")
    for ns, op in [("threadIdx", "thread_idx"), ("blockIdx", "block_idx"),
                   ("blockDim", "block_dim"), ("gridDim", "grid_dim")]
    for d in "xyz"
}
_VALUE_INTRINSICS["laneid"] = ("cuft.lane_id", "i32")
_VALUE_INTRINSICS["warpsize"] = ("cuft.warp_size", "i32")

_NOT_STATIC = object()
# Numpy dtype name -> MLIR type of the element, from the one scalar table.
_SCALAR_MLIR = {name: d.mlir for name, d in dsl.DTYPES.items()}
_MAX_CONST_BYTES = 16 << 20  # global arrays compiled in: at most 16 MiB


def _is_ndarray(obj):
    """Whether ``obj`` is a numpy array (numpy imported only if it is loaded)."""
    import sys
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(obj, numpy.ndarray)


def _numpy_scalar_type(obj):
    """The MLIR type of a numpy scalar (np.float32(1), np.uint64(7)), else None."""
    import sys
    numpy = sys.modules.get("numpy")
    if numpy is None or not isinstance(obj, numpy.generic):
        return None
    return _SCALAR_MLIR.get(obj.dtype.name)


def _describe(obj):
    if isinstance(obj, (dsl.Intrinsic, dsl._Namespace)):
        return repr(obj)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    return f"'{name}'" if name else f"a value of type '{type(obj).__name__}'"


_NEW_AXIS, _ELLIPSIS = -2, -3  # view spec entries (cuft.view's kNewAxis, kEllipsis)


def _has_slice(index):
    """Whether subscript ``index`` slices (``a[1:]``, ``a[i, :]``, ``a[None]``, ``a[..., 0]``)."""
    elts = index.elts if isinstance(index, ast.Tuple) else [index]
    return any(isinstance(e, ast.Slice) or
               (isinstance(e, ast.Constant) and (e.value is None or e.value is ...))
               for e in elts)


class ExpressionsMixin:
    # -- compile-time values -------------------------------------------------
    def static_value(self, node):
        """Evaluate a name, attribute chain or literal at compile time (no ops emitted)."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            held = self.bound.get(node.id)
            if isinstance(held, PyObj):  # a lambda's parameter given a Python object
                return held.obj
            if node.id in self.vars or node.id in self.params or node.id in self.bound:
                raise self.error(f"'{node.id}' is not a compile-time constant", node)
            return self.lookup_static(node.id, node)
        if isinstance(node, ast.Attribute):
            base = self.static_value(node.value)
            try:
                return getattr(base, node.attr)
            except AttributeError:
                raise self.error(f"{_describe(base)} has no attribute '{node.attr}'", node) from None
        if (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd))
                and isinstance(node.operand, ast.Constant)):
            v = node.operand.value
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Tuple):
            return tuple(self.static_value(e) for e in node.elts)
        raise self.error("expected a compile-time constant", node)

    def static_value_or_none(self, node):
        """``static_value``, or _NOT_STATIC where the expression involves a local."""
        n = node
        while isinstance(n, ast.Attribute):
            n = n.value
        if isinstance(n, ast.Name) and (n.id in self.vars or n.id in self.params):
            return _NOT_STATIC
        if isinstance(n, ast.Name) and n.id in self.bound \
                and not isinstance(self.bound[n.id], PyObj):
            return _NOT_STATIC
        if not isinstance(n, (ast.Name, ast.Constant)):
            return _NOT_STATIC
        return self.static_value(node)

    def static_int(self, node, what):
        v = self.static_value(node)
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise self.error(f"{what} must be an integer constant", node)
        return int(v)

    # -- values ---------------------------------------------------------------
    def constant(self, v, node):
        pos = self.pos(node)
        if isinstance(v, bool):
            return self.em.op(f"cuft.constant {'true' if v else 'false'}", pos, "i1")
        if type(v) is int or isinstance(v, numbers.Integral):  # (an ABC's check is slower)
            v = int(v)
            if not -(1 << 63) <= v < (1 << 64):
                raise self.error(f"integer {v} does not fit in 64 bits", node)
            # From 2**63 up a literal is a uint64, as in numba (0xcbf29ce484222325).
            t = "i64" if v < (1 << 63) else "ui64"
            return self.em.op(f"cuft.constant {v} : {t}", pos, t)
        if isinstance(v, numbers.Real):
            return self.em.op(f"cuft.constant {float_literal(float(v))} : f64", pos, "f64")
        if isinstance(v, numbers.Complex):  # 2j: a weak complex of two f64 literals
            v = complex(v)
            return self.complex_of(self.constant(v.real, node), self.constant(v.imag, node), node)
        raise self.error(f"{_describe(v)} cannot be used in a kernel", node)

    def complex_of(self, re, im, node):
        """``complex(re, im)``: cuft.complex of two real values."""
        return self.em.op(f"cuft.complex {re.name}, {im.name} : ({re.type}, {im.type}) -> "
                          f"{UNKNOWN}", self.pos(node))

    def from_python(self, obj, node):
        """The compile-time meaning of a global, closure or attribute value."""
        if isinstance(obj, dsl.Intrinsic) and obj.name in _VALUE_INTRINSICS:
            text, type_ = _VALUE_INTRINSICS[obj.name]
            return self.em.op(f"{text} : {type_}", self.pos(node), type_)
        mlir = _numpy_scalar_type(obj)
        if mlir is not None:  # np.float32(0.5), np.uint64(...): a constant of that type
            value = obj.item()
            if isinstance(value, int) and value >= 1 << 63:  # uint64: the same bits
                value -= 1 << 64
            return self.cast(self.constant(value, node), mlir, node)
        if isinstance(obj, (bool, numbers.Number)) and not isinstance(obj, type):
            return self.constant(obj, node)
        if isinstance(obj, tuple):
            return tuple(self.from_python(e, node) for e in obj)  # e.g. a global shape
        if _is_ndarray(obj):
            return self.const_array(obj, node)
        if isinstance(obj, (types.ModuleType, type, dsl._Namespace)) or callable(obj):
            return PyObj(obj)
        raise self.error(f"{_describe(obj)} cannot be used in a kernel (pass arrays and other "
                         "values as arguments)", node)

    def const_array(self, arr, node):
        """A global numpy array: its values now, compiled in as constant data
        (cuft.const_array), as numba-cuda freezes them."""
        import numpy
        mlir = _SCALAR_MLIR.get(arr.dtype.name) if arr.dtype.isnative or \
            arr.dtype.byteorder == "|" else None
        if mlir is None:
            mlir = _SCALAR_MLIR.get(arr.dtype.newbyteorder("=").name)
        if mlir is None:
            raise self.error(f"a global array of dtype {arr.dtype} cannot be used in a kernel",
                             node)
        if arr.ndim == 0:  # a 0-d array: its value
            return self.em.op(f"cuft.cast {self.constant(arr.item(), node).name} : "
                              f"{'i1' if arr.dtype.kind == 'b' else self._literal_type(arr)} "
                              f"to {mlir}", self.pos(node), mlir)
        if arr.nbytes > _MAX_CONST_BYTES:
            raise self.error(f"a global array of {arr.nbytes} bytes is too large to compile in "
                             f"(at most {_MAX_CONST_BYTES}); pass it as an argument", node)
        data = numpy.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<"))
        stored = "i8" if arr.dtype.kind == "b" else mlir
        shape = "x".join(map(str, arr.shape))
        hexdata = data.view(numpy.uint8).tobytes().hex().upper() if data.size else ""
        return self.em.op(f'cuft.const_array dense<"0x{hexdata}"> : tensor<{shape}x{stored}> '
                          f"-> !cuft.array<{mlir}, {arr.ndim}, C>", self.pos(node),
                          f"!cuft.array<{mlir}, {arr.ndim}, C>")

    @staticmethod
    def _literal_type(arr):
        """The type of the literal an item of ``arr`` is: i64 or f64."""
        return "f64" if arr.dtype.kind == "f" else "i64"

    def as_value(self, v, node, what=None):
        """Check that an expression produced one runtime value."""
        if isinstance(v, Value):
            return v
        if v is None:
            raise self.error("this expression has no value", node)
        if isinstance(v, tuple):
            raise self.error("a tuple cannot be used here" + (f" ({what})" if what else "")
                             + "; unpack it into names", node)
        if isinstance(v, Shape):
            which = "strides" if v.strides else "shape"
            raise self.error(f"'.{which}' must be indexed with a constant or unpacked", node)
        if isinstance(v, LocalLambda):
            raise self.error("a lambda can only be called or bound to a name in a kernel",
                             node)
        if isinstance(v.obj, numbers.Number):  # a parameter bound to a literal
            return self.constant(v.obj, node)
        raise self.error(f"{_describe(v.obj)} cannot be used as a value", node)

    def unpack(self, value, n, node):
        if isinstance(value, Shape):
            return [self.extent(value, k, node) for k in range(n)]
        if isinstance(value, tuple):
            if len(value) != n:
                raise self.error(f"cannot unpack {len(value)} values into {n} names", node)
            return list(value)
        raise self.error("cannot unpack a value that is not a tuple", node)

    # -- leaves -----------------------------------------------------------------
    def visit_Constant(self, node):
        if isinstance(node.value, (str, bytes)) or node.value is None or node.value is ...:
            raise self.error(f"{type(node.value).__name__} constants are not supported in kernels", node)
        return self.constant(node.value, node)

    def visit_Name(self, node):
        if node.id in self.bound:
            return self.bound[node.id]
        if node.id in self.vars:
            return self.load_var(node.id, node)
        if node.id in self.params:
            return self.params[node.id]
        return self.from_python(self.lookup_static(node.id, node), node)

    def visit_Lambda(self, node):
        a = node.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.defaults or a.kw_defaults:
            raise self.error("a lambda in a kernel takes positional parameters only (no "
                             "defaults, no '*' or '**')", node)
        return LocalLambda(node, [p.arg for p in a.posonlyargs + a.args])

    def call_lambda(self, lam, node):
        """``f(args)`` of a lambda: its body, inlined with its parameters bound."""
        if node.keywords:
            raise self.error("a lambda in a kernel is called with positional arguments",
                             node.keywords[0])
        if len(node.args) != len(lam.params):
            raise self.error(f"the lambda takes {len(lam.params)} argument"
                             f"{'s' if len(lam.params) != 1 else ''} "
                             f"({len(node.args)} given)", node)
        if lam.node in self.inlining:
            raise self.error("a lambda cannot call itself in a kernel", node)
        args = [self.visit(a) for a in node.args]
        saved = {p: self.bound[p] for p in lam.params if p in self.bound}
        self.inlining.append(lam.node)
        try:
            for p, v in zip(lam.params, args):
                self.bound[p] = v
            return self.visit(lam.node.body)
        finally:
            self.inlining.pop()
            for p in lam.params:
                self.bound.pop(p, None)
            self.bound.update(saved)

    def visit_Tuple(self, node):
        return tuple(self.visit(e) for e in node.elts)

    def visit_Attribute(self, node):
        base = self.visit(node.value)
        if isinstance(base, Vector):  # v.x of a CUDA vector type's or namedtuple's value
            fields = base.vtype.fields
            if node.attr not in fields:
                raise self.error(f"{base.vtype.name} has no attribute '{node.attr}' (its "
                                 f"fields: {', '.join(fields)})", node)
            return base[fields.index(node.attr)]
        if isinstance(base, PyObj):
            try:
                obj = getattr(base.obj, node.attr)
            except AttributeError:
                raise self.error(f"{_describe(base.obj)} has no attribute '{node.attr}'", node) from None
            return self.from_python(obj, node)
        if isinstance(base, Value):
            if node.attr in ("shape", "strides"):
                return Shape(base, strides=node.attr == "strides")
            if node.attr in ("ndim", "size", "itemsize"):
                return self.em.op(f"cuft.{node.attr} {base.name} : {base.type} -> i64",
                                  self.pos(node), "i64")
            if node.attr in ("real", "imag"):  # of a number: its parts
                return self.unop(node.attr, base, node)
            if node.attr == "T":  # of an array: its transpose (a view)
                return self.transpose(base, [], node)
            return self.getfield(base, node.attr, [], node)  # a record's field: r.x
        raise self.error(f"unsupported attribute '{node.attr}'", node)

    # -- records ------------------------------------------------------------------
    _NOT_FIELDS = ("shape", "strides", "ndim", "size", "itemsize", "real", "imag", "dtype", "T")

    def transpose(self, array, axes, node):
        """``a.T`` (no ``axes``: the dimensions reversed) or
        ``a.transpose(axes)``: a cuft.transpose view."""
        perm = f" {{perm = array<i64: {', '.join(map(str, axes))}>}}" if axes else ""
        return self.em.op(f"cuft.transpose {array.name}{perm} : {array.type} -> {UNKNOWN}",
                          self.pos(node))

    def field_of(self, node):
        """(record value, field name) when ``node`` names a record's field
        (``r.x``, ``r['x']``), else None; the record is evaluated once."""
        if isinstance(node, ast.Attribute) and node.attr not in self._NOT_FIELDS:
            if self.static_value_or_none(node.value) is not _NOT_STATIC:
                return None
            base = self.visit(node.value)
            return (base, node.attr) if isinstance(base, Value) else None
        if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)):
            return self.as_value(self.visit(node.value), node.value), node.slice.value
        return None

    def getfield(self, record, name, indices, node):
        names, types = self._index_text(indices)
        types = f", {types[1:-1]}" if indices else ""
        where = f"[{names}]" if indices else ""
        return self.em.op(f"cuft.getfield {record.name}, {quote(name)}{where} : "
                          f"({record.type}{types}) -> {UNKNOWN}", self.pos(node))

    def setfield(self, value, record, name, indices, node):
        names, types = self._index_text(indices)
        types = f", {types[1:-1]}" if indices else ""
        where = f"[{names}]" if indices else ""
        self.em.emit(f"cuft.setfield {value.name}, {record.name}, {quote(name)}{where} : "
                     f"{value.type}, {record.type}{types}", self.pos(node))

    # -- arrays -----------------------------------------------------------------
    def dim(self, array, k, node):
        return self.em.op(f"cuft.dim {array.name}, {k} : {array.type} -> i64", self.pos(node), "i64")

    def extent(self, shape, k, node):
        """``a.shape[k]``, or ``a.strides[k]``: in bytes, as NumPy's."""
        if not shape.strides:
            return self.dim(shape.array, k, node)
        a, pos = shape.array, self.pos(node)
        elements = self.em.op(f"cuft.stride {a.name}, {k} : {a.type} -> i64", pos, "i64")
        size = self.em.op(f"cuft.itemsize {a.name} : {a.type} -> i64", pos, "i64")
        return self.em.op(f"cuft.mul {elements.name}, {size.name} : (i64, i64) -> {UNKNOWN}", pos)

    def indices(self, node):
        """The indices of an element (a load, a store): no slice."""
        items = self.visit(node)
        items = list(items) if isinstance(items, tuple) else [items]  # a[()]: none (0-d)
        elts = node.elts if isinstance(node, ast.Tuple) else [node] * len(items)
        return [self.as_value(v, e) for v, e in zip(items, elts)]

    def index_marker(self, e):
        """The view spec entry of index item ``e`` when it is ``None`` (or
        ``np.newaxis``: -2) or ``...`` (-3), else None."""
        if isinstance(e, ast.Constant):
            v = e.value
        elif isinstance(e, (ast.Name, ast.Attribute)):
            try:
                v = self.static_value_or_none(e)
            except CompileError:
                return None
        else:
            return None
        return _NEW_AXIS if v is None else _ELLIPSIS if v is ... else None

    def is_view_index(self, elts):
        """Whether index items ``elts`` make a view: a slice, None or ``...``."""
        return any(isinstance(e, ast.Slice) or self.index_marker(e) is not None for e in elts)

    def view(self, array, elts, node):
        """``a[i, lo:hi:step, :]``: a cuft.view (spec: -1 for an index, -2 for
        None, -3 for ``...``, else the bits of the slice's parts: 1 start, 2
        stop, 4 step)."""
        spec, parts = [], []
        for e in elts:
            marker = self.index_marker(e)
            if marker is not None:
                if marker == _ELLIPSIS and _ELLIPSIS in spec:
                    raise self.error("an index can only have a single ellipsis ('...')", e)
                spec.append(marker)
                continue
            if not isinstance(e, ast.Slice):
                spec.append(-1)
                parts.append(self.as_value(self.visit(e), e))
                continue
            bits = 0
            for bit, part in ((1, e.lower), (2, e.upper), (4, e.step)):
                if part is not None:
                    bits |= bit
                    parts.append(self.as_value(self.visit(part), part))
            spec.append(bits)
        if not parts and _NEW_AXIS not in spec:  # a[:], a[:, :], a[...]: the array itself
            return array
        names, types = self._index_text(parts)
        return self.em.op(f"cuft.view {array.name}[{names}] {{spec = array<i32: "
                          f"{', '.join(map(str, spec))}>}} : {array.type}{types} -> {UNKNOWN}",
                          self.pos(node))

    @staticmethod
    def _index_text(indices):
        """The operands and types of an index list (no types for a 0-d array's)."""
        types = ", ".join(v.type for v in indices)
        return ", ".join(v.name for v in indices), f"[{types}]" if indices else ""

    def emit_load(self, array, indices, node):
        names, types = self._index_text(indices)
        return self.em.op(f"cuft.load {array.name}[{names}] : {array.type}{types} -> {UNKNOWN}",
                          self.pos(node))

    def emit_store(self, value, array, indices, node):
        names, types = self._index_text(indices)
        self.em.emit(f"cuft.store {value.name}, {array.name}[{names}] : {value.type}, "
                     f"{array.type}{types}", self.pos(node))

    def visit_Subscript(self, node):
        field = None if _has_slice(node.slice) else self.field_of(node.value)
        if field is not None:  # r.v[j]: an element of a record's subarray field
            return self.getfield(field[0], field[1], self.indices(node.slice), node)
        base = self.visit(node.value)
        if isinstance(base, tuple) and isinstance(node.slice, ast.Slice):  # t[1:], t[::-1]
            bounds = [None if p is None else self.static_int(p, "a tuple slice's bound")
                      for p in (node.slice.lower, node.slice.upper, node.slice.step)]
            if bounds[2] == 0:
                raise self.error("slice step cannot be zero", node.slice.step)
            return base[slice(*bounds)]
        if isinstance(base, (Shape, tuple)):
            k = self.static_int(node.slice, "a shape or tuple index")
            if isinstance(base, tuple):
                if not -len(base) <= k < len(base):
                    raise self.error(f"tuple index {k} out of range", node.slice)
                return base[k]
            if k < 0:
                which = "strides" if base.strides else "shape"
                raise self.error(f"'.{which}' needs a non-negative index (the rank is not known "
                                 "until the kernel is specialized)", node.slice)
            return self.extent(base, k, node)
        if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            return self.getfield(self.as_value(base, node.value), node.slice.value, [], node)
        array = self.as_value(base, node.value)
        elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if self.is_view_index(elts):
            return self.view(array, elts, node)
        return self.emit_load(array, self.indices(node.slice), node)

    # -- operators --------------------------------------------------------------
    def binop(self, op, a, b, node):
        mnemonic = _BINOPS.get(type(op))
        if mnemonic is None:
            raise self.error(f"operator '{type(op).__name__}' is not supported", node)
        return self.binary(mnemonic, a, b, node)

    def binary(self, mnemonic, a, b, node):
        """``cuft.<mnemonic> a, b``: any two-operand op of one result."""
        return self.em.op(f"cuft.{mnemonic} {a.name}, {b.name} : ({a.type}, {b.type}) -> {UNKNOWN}",
                          self.pos(node))

    def math_op(self, fn, args, node, cmath=False):
        """``cuft.math fn(args...)``; with ``cmath``, the cmath module's function."""
        attrs = " {cmath}" if cmath else ""
        return self.em.op(f"cuft.math {fn}({', '.join(a.name for a in args)}){attrs} : "
                          f"({', '.join(a.type for a in args)}) -> {UNKNOWN}", self.pos(node))

    def unop(self, mnemonic, a, node):
        return self.em.op(f"cuft.{mnemonic} {a.name} : ({a.type}) -> {UNKNOWN}", self.pos(node))

    def cmp(self, op, a, b, node):
        """``a <op> b``: values, tuples (compared as Python does), or ``in`` a tuple."""
        if isinstance(op, (ast.In, ast.NotIn)):
            if not isinstance(b, tuple):
                raise self.error(f"'{_CMP_SPELLING[type(op)]}' in a kernel needs a tuple on its "
                                 "right", node)
            found = self.constant(False, node)
            for item in b:
                found = self.binary("bitor", found, self.cmp(ast.Eq(), a, item, node), node)
            return found if isinstance(op, ast.In) else self.unop("not", found, node)
        pred = _CMPOPS.get(type(op))
        if pred is None:
            spelled = _CMP_SPELLING.get(type(op), type(op).__name__)
            raise self.error(f"comparison '{spelled}' is not supported in kernels", node)
        if isinstance(a, tuple) or isinstance(b, tuple):
            return self.compare_tuples(op, pred, a, b, node)
        a, b = self.as_value(a, node), self.as_value(b, node)
        return self.em.op(f"cuft.cmp {pred}, {a.name}, {b.name} : ({a.type}, {b.type}) -> {UNKNOWN}",
                          self.pos(node))

    def compare_tuples(self, op, pred, a, b, node):
        """Python's rules: == and != element by element (a tuple is never equal
        to a value, nor to a tuple of another length); <, <=, >, >= by the first
        elements that differ, else by the lengths. Every element is compared
        (they are values, without side effects), and the results combined."""
        both = isinstance(a, tuple) and isinstance(b, tuple)
        if pred in ("eq", "ne"):
            if not both or len(a) != len(b):
                return self.constant(pred == "ne", node)
            equal = self.constant(True, node)
            for x, y in zip(a, b):
                equal = self.binary("bitand", equal, self.cmp(ast.Eq(), x, y, node), node)
            return equal if pred == "eq" else self.unop("not", equal, node)
        if not both:
            raise self.error(f"'{_ORDER_SPELLING[pred]}' between a tuple and a value is not "
                             "supported (Python raises TypeError)", node)
        lengths = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
        result = self.constant(lengths[pred](len(a), len(b)), node)
        for x, y in reversed(list(zip(a, b))):
            # result = (x == y) ? result : (x op y)
            same = self.cmp(ast.Eq(), x, y, node)
            kept = self.binary("bitand", same, result, node)
            differs = self.binary("bitand", self.unop("not", same, node),
                                   self.cmp(op, x, y, node), node)
            result = self.binary("bitor", kept, differs, node)
        return result

    def visit_BinOp(self, node):
        # A tree of binary operators (a long sum x0 + x1 + ... + xn, a chain
        # of right-associative **) is walked with a stack, not by recursion, so
        # its depth does not meet Python's recursion limit. Same order as
        # Python: the left operand, the right one, then the operator.
        stack, values = [(node, False)], []
        while stack:
            n, operands_done = stack.pop()
            if not isinstance(n, ast.BinOp):
                v = self.visit(n)
                # A tuple is kept as it is for `t1 + t2` (checked below).
                values.append(v if isinstance(v, tuple) else self.as_value(v, n))
            elif operands_done:
                b, a = values.pop(), values.pop()
                if isinstance(a, tuple) or isinstance(b, tuple):
                    if not (isinstance(a, tuple) and isinstance(b, tuple) and
                            isinstance(n.op, ast.Add)):
                        raise self.error("a tuple cannot be used here; unpack it into names "
                                         "(tuples take + of another tuple)", n)
                    values.append(a + b)  # concatenation, as Python's
                else:
                    values.append(self.binop(n.op, a, b, n))
            else:
                if type(n.op) not in _BINOPS:
                    raise self.error("the '@' operator is not supported in kernels", n)
                stack += [(n, True), (n.right, False), (n.left, False)]
        return values[0]

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            v = node.operand.value
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return self.constant(-v, node)  # a negative literal
        a = self.as_value(self.visit(node.operand), node.operand)
        if isinstance(node.op, ast.UAdd):
            return a
        mnemonic = {ast.USub: "neg", ast.Invert: "invert", ast.Not: "not"}[type(node.op)]
        return self.unop(mnemonic, a, node)

    # and/or and comparison chains are one cuft.short_circuit each: its
    # operands in one block, each ending the chain early with a cuft.exit_if,
    # so a chain of any length nests no deeper than two operands do.

    def visit_Compare(self, node):
        # Operands may be tuples (compared as Python does), so they stay as
        # they are; cmp checks them.
        left = self.visit(node.left)
        first = node.comparators[0]
        right = self.visit(first)
        result = self.cmp(node.ops[0], left, right, node)
        if len(node.ops) == 1:
            return result
        # a < b < c < d: each middle operand is evaluated once, and each
        # comparison only while the previous ones hold.
        chain = self.begin_chain("comparison", node)
        for k in range(1, len(node.ops)):
            self.exit_if(result, False, node)
            left, nxt = right, node.comparators[k]
            right = self.visit(nxt)
            result = self.cmp(node.ops[k], left, right, node.comparators[k - 1])
        self.end_chain(result, node)
        return chain

    def visit_BoolOp(self, node):
        # Python value semantics: `a or b` is a if a is true, else b; b runs only
        # then. `a and b and c` is a if a is false, else b if b is false, else c.
        is_and = isinstance(node.op, ast.And)
        chain = self.begin_chain("and" if is_and else "or", node)
        for operand in node.values[:-1]:
            self.exit_if(self.as_value(self.visit(operand), operand), not is_and, operand)
        last = node.values[-1]
        self.end_chain(self.as_value(self.visit(last), last), last)
        return chain

    def begin_chain(self, kind, node):
        """Opens a cuft.short_circuit of `kind` ("and", "or", "comparison"),
        whose operands are emitted next (exit_if() ending it early) up to
        end_chain(); returns the value it takes."""
        result = Value(self.em.fresh(), UNKNOWN)
        self.em.begin(f'{result.name} = cuft.short_circuit "{kind}" : {UNKNOWN}', self.pos(node))
        return result

    def end_chain(self, value, node):
        """Closes the chain begin_chain() opened with its last operand, `value`."""
        self.em.terminator(f"cuft.exit {value.name} : {value.type}", self.pos(node))
        self.em.end()

    def exit_if(self, value, truth, node):
        """Between begin_chain() and end_chain(): ends the chain with `value`
        when `value` tests `truth`."""
        self.em.emit(f"cuft.exit_if {value.name}, {value.name} if {'true' if truth else 'false'}"
                     f" : {value.type}, {value.type}", self.pos(node))

    def visit_IfExp(self, node):
        # `a if c else b if d else e`: one chain of arms, emitted without
        # recursion (long chains with a flag, see FunctionCodegen.branches).
        chain = [node]
        while isinstance(chain[-1].orelse, ast.IfExp):
            chain.append(chain[-1].orelse)
        tmp = self.temp("$ifexp", node)

        def arm(n):
            return lambda: self.store_temp(tmp, self.visit(n.body), n.body)

        last = chain[-1].orelse
        self.branches([(n, n.test, arm(n)) for n in chain],
                      lambda: self.store_temp(tmp, self.visit(last), last))
        return self.load_temp(tmp, node)
