"""Calls: cuft intrinsics, dtype casts, math functions, Python builtins, device functions."""

import ast
import builtins
import cmath
import inspect
import math
import numbers
import operator

from .. import _cuft, dsl
from .expressions import _NOT_STATIC, LocalLambda, PyObj, Shape, StaticArgument, _is_ndarray
from .ir import NO_RESULT, UNKNOWN, Value, Vector, count_leaves, leaves, quote, rebuild
from .source import is_device_function, unwrap

__all__ = ["BuiltinsMixin", "MATH_FUNCTIONS"]

# name -> arity, from the MathFn enum of dialects/cuft/CuftDialect.td.
MATH_FUNCTIONS = dict(_cuft.math_functions())
_MATH_BY_OBJECT = {getattr(math, n): n for n in MATH_FUNCTIONS if hasattr(math, n)}
# NumPy's scalar math under numba's names (ufuncs on scalars) -> cuft.math.
# np.floor, np.ceil, np.trunc give floats; math's give ints (a cast after).
_NUMPY_MATH = {
    "sin": "sin", "cos": "cos", "tan": "tan", "arcsin": "asin", "arccos": "acos",
    "arctan": "atan", "arctan2": "atan2", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "exp": "exp", "exp2": "exp2",
    "expm1": "expm1", "log": "log", "log2": "log2", "log10": "log10", "log1p": "log1p",
    "sqrt": "sqrt", "cbrt": "cbrt", "fabs": "fabs", "hypot": "hypot", "copysign": "copysign",
    "fmod": "fmod", "nextafter": "nextafter", "rint": "rint", "floor": "floor", "ceil": "ceil",
    "trunc": "trunc", "ldexp": "ldexp",
}
# The operator module's functions -> the AST operator they are.
_OPERATOR_BINARY = {
    operator.add: ast.Add, operator.sub: ast.Sub, operator.mul: ast.Mult,
    operator.truediv: ast.Div, operator.floordiv: ast.FloorDiv, operator.mod: ast.Mod,
    operator.pow: ast.Pow, operator.and_: ast.BitAnd, operator.or_: ast.BitOr,
    operator.xor: ast.BitXor, operator.lshift: ast.LShift, operator.rshift: ast.RShift,
}
_OPERATOR_COMPARE = {
    operator.lt: ast.Lt, operator.le: ast.LtE, operator.eq: ast.Eq, operator.ne: ast.NotEq,
    operator.gt: ast.Gt, operator.ge: ast.GtE,
}
_OPERATOR_UNARY = {operator.neg: "neg", operator.invert: "invert", operator.not_: "not",
                   operator.abs: "abs"}
_numpy_functions = None


def _numpy_function(obj):
    """The name of ``obj`` if it is a NumPy function of the scalar tables
    (numpy is looked at only when a kernel calls something of it)."""
    global _numpy_functions
    if _numpy_functions is None:
        table = {}
        try:
            import numpy
            for name in (*_NUMPY_MATH, "abs", "absolute", "power", "remainder", "mod",
                         "isnan", "isinf", "isfinite", "degrees", "radians", "deg2rad",
                         "rad2deg", "minimum", "maximum", "fmin", "fmax", "sign", "modf",
                         "frexp", "real", "imag", "conj", "conjugate", "angle"):
                if hasattr(numpy, name):
                    table[getattr(numpy, name)] = name
        except ImportError:
            pass
        _numpy_functions = table
    return _numpy_functions.get(obj)
_FENCES = {"threadfence": "device", "threadfence_block": "block", "threadfence_system": "system"}
_NUMPY_DTYPES = {name: dtype.mlir for name, dtype in dsl.DTYPES.items()}


def _numpy_dtype_name(obj):
    """NumPy's name of scalar type ``obj`` (numpy.float32, ml_dtypes.bfloat16,
    numba's float32: dsl.numba_scalar_name), or None."""
    numba_name = dsl.numba_scalar_name(obj)
    if numba_name is not None:
        return numba_name
    module = getattr(obj, "__module__", "") or type(obj).__module__ or ""
    if "numpy" not in module and "ml_dtypes" not in module:  # ml_dtypes.bfloat16 too
        return None
    try:
        import numpy
        return numpy.dtype(obj).name
    except Exception:
        return None


class BuiltinsMixin:
    def _call_unpacked(self, node):
        """``f(*t)`` of a tuple ``t`` (``complex(*cmath.polar(z))``): ``f`` called
        with t's elements as positional arguments (device functions take the
        tuple in call_device_function)."""
        args, names = [], []
        for a in node.args:
            if not isinstance(a, ast.Starred):
                args.append(a)
                continue
            t = self.visit(a.value)
            if not isinstance(t, tuple):
                raise self.error("'*' needs a tuple here", a)
            for k, item in enumerate(t):
                name = f" *{id(a)}.{k}"  # this call's own: no Python name has a space
                self.bound[name] = item
                names.append(name)
                args.append(ast.copy_location(ast.Name(id=name, ctx=ast.Load()), a))
        try:
            return self.visit(ast.copy_location(
                ast.Call(func=node.func, args=args, keywords=node.keywords), node))
        finally:
            for name in names:
                del self.bound[name]

    def _make_vector(self, node, vtype):
        """``float32x4(x, y, z, w)``: the components from numbers (converted to
        the base type) and vectors (their components, in order), as numba-cuda
        makes CUDA vector types."""
        if node.keywords:
            raise self.error(f"{vtype.name}() takes positional arguments", node.keywords[0])
        parts = []
        for a in node.args:
            v = self.visit(a)
            if isinstance(v, Vector) and isinstance(v.vtype, dsl.VectorType):
                parts.extend((c, a) for c in v)
            elif isinstance(v, tuple):
                raise self.error(f"{vtype.name}() takes numbers and vectors, not a tuple", a)
            else:
                parts.append((v, a))
        if len(parts) != vtype.count:
            raise self.error(f"{vtype.name}() takes {vtype.count} component"
                             f"{'s' if vtype.count > 1 else ''}, got {len(parts)}", node)
        return Vector(tuple(self.cast(self.as_value(v, a), vtype.base.mlir, a) for v, a in parts),
                      vtype)

    def call_args(self, node, fname, names, required):
        """Map a call's positional and keyword arguments onto ``names``."""
        if len(node.args) > len(names):
            raise self.error(f"{fname}() takes at most {len(names)} arguments", node)
        args = dict(zip(names, node.args))
        for kw in node.keywords:
            if kw.arg not in names or kw.arg in args:
                raise self.error(f"{fname}() got an unexpected keyword argument '{kw.arg}'", kw)
            args[kw.arg] = kw.value
        for n in names[:required]:
            if n not in args:
                raise self.error(f"{fname}() is missing the argument '{n}'", node)
        return [args.get(n) for n in names]

    def value_of(self, node):
        return self.as_value(self.visit(node), node)

    def visit_Call(self, node):
        if any(isinstance(a, ast.Starred) for a in node.args) and not is_device_function(
                self.static_value_or_none(node.func)):
            return self._call_unpacked(node)
        if any(kw.arg is None for kw in node.keywords):
            raise self.error("'**' arguments are not supported in kernels", node)
        if isinstance(node.func, ast.Lambda):  # (lambda x: ...)(v)
            return self.call_lambda(self.visit_Lambda(node.func), node)
        if isinstance(node.func, ast.Name) and isinstance(self.bound.get(node.func.id),
                                                          LocalLambda):
            return self.call_lambda(self.bound[node.func.id], node)
        array = self._dtype_of(node.func)
        if array is not None:  # a.dtype.type(x), a.dtype(x): a cast to a's element type
            (x,) = self.call_args(node, "dtype.type", ["x"], 1)
            x = self.value_of(x)
            return self.em.op(f"cuft.cast_like {x.name}, {array.name} : ({x.type}, "
                              f"{array.type}) -> {UNKNOWN}", self.pos(node))
        obj = self.static_value_or_none(node.func)
        if obj is _NOT_STATIC and isinstance(node.func, ast.Attribute):
            obj = self._group_method(node.func)
        if obj is _NOT_STATIC and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "view":  # x.view(np.int32) of a scalar or an array
            return self._view(node)
        if obj is _NOT_STATIC and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("reshape", "ravel"):  # of an array
            return self._reshape(node)
        if obj is _NOT_STATIC and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "transpose":  # of an array
            return self._transpose(node)
        if obj is _NOT_STATIC and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "bit_count":  # x.bit_count() of an integer
            # Python's and NumPy's: the ones of |x| (numba-cuda's is popc(x),
            # which differs for a negative x: docs/Porting.md)
            self.call_args(node, "bit_count", [], 0)
            x = self.unop("abs", self.value_of(node.func.value), node)
            return self.bits_op("popc", x, node)
        if obj is _NOT_STATIC and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "conjugate":  # z.conjugate() of a number
            self.call_args(node, "conjugate", [], 0)
            return self.unop("conj", self.value_of(node.func.value), node)
        if obj is _NOT_STATIC:
            raise self.error("only device functions, cuft intrinsics, math functions and "
                             "builtins can be called in kernels", node.func)
        if isinstance(obj, dsl.DType):
            (x,) = self.call_args(node, obj.name, ["x"], 1)
            return self.cast(self.value_of(x), obj.mlir, node)
        vtype = dsl.vector_type_of(obj)
        if vtype is not None:
            return self._make_vector(node, vtype)
        if isinstance(obj, dsl.Intrinsic) and obj.name.startswith("fp16."):
            return self.call_fp16(node, obj.name[len("fp16."):])
        if isinstance(obj, dsl.Intrinsic):
            handler = getattr(self, "call_" + obj.name.replace(".", "_"), None)
            if handler is None:
                raise self.error(f"{obj!r} cannot be called", node)
            return handler(node, obj)
        hashable = _hashable(obj)
        if hashable and obj in _MATH_BY_OBJECT:
            fn = _MATH_BY_OBJECT[obj]
            r = self.call_math(node, fn)
            # math.floor, ceil, trunc return an int in Python; numpy's a float.
            return self.cast(r, "i64", node) if fn in ("floor", "ceil", "trunc") else r
        if hashable and obj in _MATH_EXTRA:
            return _MATH_EXTRA[obj](self, node, obj.__name__)
        if hashable and obj in _CMATH:
            return _CMATH[obj](self, node, f"cmath.{obj.__name__}")
        numpy_name = _numpy_function(obj) if hashable else None
        if numpy_name is not None:
            return self.call_numpy(node, numpy_name)
        if ((isinstance(obj, type) or dsl.numba_scalar_name(obj) is not None)
                and _numpy_dtype_name(obj) in _NUMPY_DTYPES):
            # numpy.float32(x), numba's float32(x) and the other scalar types:
            # a cast, as numba does.
            mlir_type = _NUMPY_DTYPES[_numpy_dtype_name(obj)]
            if not node.args and not node.keywords:  # numpy.float32(): a zero of that type
                return self.cast(self.constant(0, node), mlir_type, node)
            return self._py_conversion(node, obj, mlir_type)
        if hashable and obj in _OPERATOR_BINARY:
            a, b = self.call_args(node, obj.__name__, ["a", "b"], 2)
            return self.binop(_OPERATOR_BINARY[obj](), self.value_of(a), self.value_of(b), node)
        if hashable and obj in _OPERATOR_COMPARE:
            a, b = self.call_args(node, obj.__name__, ["a", "b"], 2)
            return self.cmp(_OPERATOR_COMPARE[obj](), self.visit(a), self.visit(b), node)
        if hashable and obj in _OPERATOR_UNARY:
            (a,) = self.call_args(node, obj.__name__, ["a"], 1)
            return self.unop(_OPERATOR_UNARY[obj], self.value_of(a), node)
        handler = _PY_BUILTINS.get(obj) if hashable else None
        if handler is not None:
            return handler(self, node)
        if is_device_function(obj):
            return self.call_device_function(node, obj)
        if getattr(obj, "__cuft_extern__", False):
            return self.call_external(node, obj)
        if getattr(obj, "__cuft_libdevice__", False):
            return self.call_libdevice(node, obj)
        name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
        raise self.error(f"cannot call '{name}' in a kernel: only @cuft.func device functions, "
                         "cuft intrinsics, math functions, min, max, abs and casts", node.func)

    def _view(self, node):
        """``x.view(dtype)`` (NumPy's): a scalar's bits as another integer or
        float type of their width, or an array's memory as elements of
        another type (which the operand is, specialization knows)."""
        (dtype,) = self.call_args(node, "view", ["dtype"], 1)
        obj = self.static_value_or_none(dtype)
        name = obj.name if isinstance(obj, dsl.DType) else _numpy_dtype_name(obj)
        if name not in _NUMPY_DTYPES:
            raise self.error("view() takes a NumPy scalar type or cuft dtype, such as "
                             "np.int32", dtype)
        x = self.value_of(node.func.value)
        return self.em.op(f"cuft.bitcast {x.name} {{to = {_NUMPY_DTYPES[name]}}} : {x.type} "
                          f"to {UNKNOWN}", self.pos(node))

    def _reshape(self, node):
        """``a.reshape(d0, d1, ...)``, ``a.reshape((d0, d1, ...))`` (a tuple
        written or held) and ``a.ravel()`` (``reshape(-1)``): NumPy's C-order
        reshape of a C-contiguous array, a view (cuft.reshape)."""
        name = node.func.attr
        if name == "ravel":
            self.call_args(node, "ravel", [], 0)
            extents = [self.constant(-1, node)]
        else:
            if node.keywords:
                raise self.error("reshape() takes the new shape only (order= is not "
                                 "supported in kernels: the order is C)", node.keywords[0])
            if not node.args:
                raise self.error("reshape() is missing the new shape", node)
            items = [self.visit(a) for a in node.args]
            if len(items) == 1 and isinstance(items[0], tuple):
                items = list(items[0])
            extents = [self.as_value(v, node, "an extent of reshape()") for v in items]
        array = self.value_of(node.func.value)
        names, types = self._index_text(extents)
        return self.em.op(f"cuft.reshape {array.name}({names}) : {array.type}{types} -> "
                          f"{UNKNOWN}", self.pos(node))

    def _transpose(self, node):
        """``a.transpose()``, ``a.transpose(1, 0, 2)``, ``a.transpose((1, 0, 2))``:
        the axes are constants (NumPy's, a negative one counted from the end)."""
        if node.keywords:
            raise self.error("transpose() takes the axes only", node.keywords[0])
        args = node.args
        if len(args) == 1 and isinstance(args[0], (ast.Tuple, ast.List)):
            args = args[0].elts
        axes = []
        for a in args:
            v = self._static_number(a)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise self.error("transpose() takes constant integer axes in kernels", a)
            axes.append(int(v))
        return self.transpose(self.value_of(node.func.value), axes, node)

    def bitcast(self, x, mlir_type, node):
        return self.em.op(f"cuft.bitcast {x.name} : {x.type} to {mlir_type}", self.pos(node),
                          mlir_type)

    def _dtype_of(self, func):
        """The array ``a`` when ``func`` is ``a.dtype.type`` or ``a.dtype`` of a
        local array, else None."""
        if isinstance(func, ast.Attribute) and func.attr == "type":
            func = func.value
        if not (isinstance(func, ast.Attribute) and func.attr == "dtype"
                and isinstance(func.value, ast.Name)
                and (func.value.id in self.vars or func.value.id in self.params)):
            return None
        v = self.visit(func.value)
        return v if isinstance(v, Value) else None

    def call_external(self, node, ext):
        """A call of a cuft.declare_device function: arguments cast to its types."""
        if node.keywords or len(node.args) != len(ext.arg_types):
            raise self.error(f"external device function '{ext.name}' takes "
                             f"{len(ext.arg_types)} positional argument(s) "
                             f"({ext.signature})", node)
        try:
            self.module.external(ext)
        except ValueError as e:
            raise self.error(str(e), node.func) from None
        args = []
        for a, t in zip(node.args, ext.arg_types):
            x = self.value_of(a)
            args.append(x if x.type == t else self.cast(x, t, a))
        result = ext.result_type or "()"
        text = (f"cuft.call @{ext.name}({', '.join(a.name for a in args)}) : "
                f"({', '.join(ext.arg_types)}) -> {result}")
        if ext.result_type:
            return self.em.op(text, self.pos(node), ext.result_type)
        self.em.emit(text, self.pos(node))
        return None

    def call_libdevice(self, node, fn):
        """A math function of cuft.libdevice (numba-cuda's cuda.libdevice):
        its op at libdevice's types (cuft/libdevice.py, Function)."""
        if node.keywords or len(node.args) != len(fn.params):
            raise self.error(f"libdevice.{fn.__name__}() takes {len(fn.params)} positional "
                             f"argument(s): {fn.signature}", node)
        args = []
        for a, declared, computed in zip(node.args, fn.params, fn.compute):
            x = self.cast(self.value_of(a), declared, a)
            args.append(x if computed == declared else self.cast(x, computed, a))
        kind, *what = fn.op
        if kind == "math":
            r = self.math_op(what[0], args, node)
        elif kind == "binary":
            r = self.binary(what[0], args[0], args[1], node)
        elif kind == "unary":
            r = self.unop(what[0], args[0], node)
        elif kind == "bits":
            r = self.bits_op(what[0], args[0], node)
        elif kind == "divide":
            r = self.binop(ast.Div(), args[0], args[1], node)
        elif kind == "view":
            r = self.bitcast(args[0], what[0], node)
        elif kind == "func":  # leading constants (value, type), then the arguments
            consts = [self.cast(self.constant(v, node), t, node) for v, t in what[1:]]
            r = self.emit_device_call(what[0], consts + args, node)
        else:  # "cast": the conversions alone
            r = args[0]
        if isinstance(fn.result, tuple):
            return tuple(self.cast(self.as_value(v, node), t, node) for v, t in zip(r, fn.result))
        for t in (*fn.via, fn.result):
            r = self.cast(self.as_value(r, node), t, node)
        return r

    # -- conversions and math -----------------------------------------------
    def cast(self, x, mlir_type, node):
        return self.em.op(f"cuft.cast {x.name} : {x.type} to {mlir_type}", self.pos(node), mlir_type)

    def call_math(self, node, fn, spelled=None, cmath=False):
        arity = MATH_FUNCTIONS[fn]
        if node.keywords or len(node.args) != arity:
            raise self.error(f"{spelled or 'math.' + fn}() takes {arity} positional argument"
                             + ("s" if arity > 1 else ""), node)
        return self.math_op(fn, [self.value_of(a) for a in node.args], node, cmath)

    def _math_isnan(self, node, name):
        (x,) = self.call_args(node, name, ["x"], 1)
        x = self.value_of(x)
        return self.cmp(ast.NotEq(), x, x, node)

    def _math_isinf(self, node, name):
        # max(|x.real|, |x.imag|) == inf: max skips a NaN, so complex(inf, nan)
        # is infinite, as in cmath (a real number's .imag is 0, and goes).
        (x,) = self.call_args(node, name, ["x"], 1)
        x = self.value_of(x)
        size = self.binary("max", self.unop("abs", self.unop("real", x, node), node),
                           self.unop("abs", self.unop("imag", x, node), node), node)
        return self.cmp(ast.Eq(), size, self.constant(math.inf, node), node)

    def _math_isfinite(self, node, name):
        # |part| < inf for both parts: false for NaN and for infinities; true
        # for every integer.
        (x,) = self.call_args(node, name, ["x"], 1)
        x = self.value_of(x)
        inf = self.constant(math.inf, node)
        re, im = (self.cmp(ast.Lt(), self.unop("abs", self.unop(part, x, node), node), inf, node)
                  for part in ("real", "imag"))
        return self.binop(ast.BitAnd(), re, im, node)

    def select(self, cond, a, b, node):
        """``a if cond else b`` of values already computed (both are)."""
        tmp = self.temp("$select", node)
        self.em.begin(f"cuft.if {cond.name} : {cond.type}", self.pos(node))
        self.store_temp(tmp, a, node)
        self.em.middle("else")
        self.store_temp(tmp, b, node)
        self.em.end()
        return self.load_temp(tmp, node)

    def _as_float(self, x, node):
        """``x`` as a float: itself if it is one, else float64 (x * 1.0, which
        LLVM drops for a float)."""
        return self.binop(ast.Mult(), x, self.constant(1.0, node), node)

    def _math_modf(self, node, name):
        """(fractional part, integral part), both floats, as math.modf: the
        fraction has x's sign; of an infinity it is 0."""
        (x,) = self.call_args(node, name, ["x"], 1)
        x = self._as_float(self.value_of(x), node)
        whole = self.math_op("trunc", [x], node)
        inf = self.cmp(ast.Eq(), self.unop("abs", x, node), self.constant(math.inf, node), node)
        frac = self.select(inf, self.constant(0.0, node), self.binop(ast.Sub(), x, whole, node),
                           node)
        return (self.math_op("copysign", [frac, x], node), whole)

    def _math_frexp(self, node, name, exponent_type="i64"):
        """(m, e) with x = m * 2**e and 0.5 <= |m| < 1, as math.frexp; (x, 0)
        for 0, infinities and NaN. e from log2(|x|), then corrected by one
        where log2 rounded across a power of two."""
        (x,) = self.call_args(node, name, ["x"], 1)
        x = self._as_float(self.value_of(x), node)
        size = self.unop("abs", x, node)
        regular = self.binary("bitand", self.cmp(ast.Gt(), size, self.constant(0, node), node),
                               self.cmp(ast.Lt(), size, self.constant(math.inf, node), node),
                               node)
        one = self.constant(1, node)
        e = self.binop(ast.Add(), self.cast(self.math_op("floor", [self.math_op("log2", [size], node)], node),
                                 "i64", node),
                       one, node)
        e = self.select(regular, e, self.constant(0, node), node)
        m = self.math_op("ldexp", [x, self.unop("neg", e, node)], node)
        big = self.binary("bitand", regular, self.cmp(
            ast.GtE(), self.unop("abs", m, node), self.constant(1.0, node), node), node)
        m = self.select(big, self.binop(ast.Mult(), m, self.constant(0.5, node), node), m, node)
        e = self.select(big, self.binop(ast.Add(), e, one, node), e, node)
        small = self.binary("bitand", regular, self.cmp(
            ast.Lt(), self.unop("abs", m, node), self.constant(0.5, node), node), node)
        m = self.select(small, self.binop(ast.Mult(), m, self.constant(2.0, node), node), m, node)
        e = self.select(small, self.binop(ast.Sub(), e, one, node), e, node)
        return (m, self.cast(e, exponent_type, node))

    def _numpy_sign(self, node, name):
        """-1, 0 or 1 in x's type; NaN for NaN; +0.0 for either zero (numpy's)."""
        (x,) = self.call_args(node, name, ["x"], 1)
        x = self.value_of(x)
        zero = self.constant(0, node)
        inner = self.select(self.cmp(ast.Lt(), x, zero, node), self.constant(-1, node),
                            self.binop(ast.Sub(), x, x, node), node)
        return self.select(self.cmp(ast.Gt(), x, zero, node), self.constant(1, node), inner, node)

    def _numpy_extreme(self, node, name, which):
        """numpy.minimum/maximum: a NaN operand gives NaN (the first one)."""
        a, b = self.call_args(node, name, ["x1", "x2"], 2)
        a, b = self.value_of(a), self.value_of(b)
        r = self.binary(which, a, b, node)
        r = self.select(self.cmp(ast.NotEq(), b, b, node), b, r, node)
        return self.select(self.cmp(ast.NotEq(), a, a, node), a, r, node)

    def _math_scale(self, node, name, factor):
        (x,) = self.call_args(node, name, ["x"], 1)
        return self.binop(ast.Mult(), self.value_of(x), self.constant(factor, node), node)

    def call_numpy(self, node, name):
        """numpy's functions on scalars, as numba allows in kernels."""
        if name in _NUMPY_MATH:
            return self.call_math(node, _NUMPY_MATH[name], f"numpy.{name}")
        if name in ("abs", "absolute"):
            (x,) = self.call_args(node, f"numpy.{name}", ["x"], 1)
            return self.unop("abs", self.value_of(x), node)
        if name in ("power", "remainder", "mod"):
            a, b = self.call_args(node, f"numpy.{name}", ["x1", "x2"], 2)
            op = ast.Pow() if name == "power" else ast.Mod()  # numpy's remainder is Python's %
            return self.binop(op, self.value_of(a), self.value_of(b), node)
        if name in ("minimum", "maximum"):
            return self._numpy_extreme(node, f"numpy.{name}", name[:3])
        if name in ("fmin", "fmax"):  # the NaN-skipping ones: cuft.min, cuft.max
            a, b = self.call_args(node, f"numpy.{name}", ["x1", "x2"], 2)
            a, b = self.value_of(a), self.value_of(b)
            return self.binary(name[1:], a, b, node)
        if name == "sign":
            return self._numpy_sign(node, "numpy.sign")
        if name == "modf":
            return self._math_modf(node, "numpy.modf")
        if name == "frexp":  # numpy's exponent is an int32
            return self._math_frexp(node, "numpy.frexp", "i32")
        if name in ("degrees", "rad2deg"):
            return self._math_scale(node, f"numpy.{name}", 180.0 / math.pi)
        if name in ("radians", "deg2rad"):
            return self._math_scale(node, f"numpy.{name}", math.pi / 180.0)
        if name in ("real", "imag", "conj", "conjugate"):
            (x,) = self.call_args(node, f"numpy.{name}", ["val"], 1)
            return self.unop(name[:4], self.value_of(x), node)
        if name == "angle":
            return self._cmath_phase(node, "numpy.angle")
        return {"isnan": self._math_isnan, "isinf": self._math_isinf,
                "isfinite": self._math_isfinite}[name](node, f"numpy.{name}")

    def _py_round(self, node):
        x_node, digits_node = self.call_args(node, "round", ["number", "ndigits"], 1)
        x = self.value_of(x_node)
        if digits_node is None or (isinstance(digits_node, ast.Constant)
                                   and digits_node.value is None):
            # Half to even, then an int, as Python's round(x); an int stays itself.
            r = self.math_op("rint", [x], node)
            return self.cast(r, "i64", node)
        # round(x, n): x's type, Python's result (cuft/_rounding.py).
        from .. import _rounding
        return self.emit_device_call(_rounding.round_ndigits,
                                     [x, self.value_of(digits_node)], node)

    def _py_print(self, node):
        """print(...): one line, printed at once (cuft.print)."""
        options = {"sep": " ", "end": "\n"}
        for kw in node.keywords:
            if kw.arg not in options:
                raise self.error("print() in a kernel takes sep= and end= only", kw)
            v = kw.value
            if isinstance(v, ast.Constant) and v.value is None:
                continue
            if not (isinstance(v, ast.Constant) and isinstance(v.value, str)):
                raise self.error(f"print()'s {kw.arg}= must be a string literal", v)
            options[kw.arg] = v.value
        pieces, values = [""], []

        def add(v, where):
            if isinstance(v, PyObj) and v.obj in _DIM3:  # print(cuda.threadIdx): its x, y, z
                v = tuple(self.from_python(getattr(v.obj, d), where) for d in "xyz")
            if isinstance(v, tuple):  # as Python prints a tuple: (a, b) or (a,)
                pieces[-1] += "("
                for k, item in enumerate(v):
                    if k:
                        pieces[-1] += ", "
                    add(item, where)
                pieces[-1] += ",)" if len(v) == 1 else ")"
                return
            values.append(self.as_value(v, where))
            pieces.append("")

        for i, a in enumerate(node.args):
            if i:
                pieces[-1] += options["sep"]
            if isinstance(a, ast.Constant) and isinstance(a.value, str):
                pieces[-1] += a.value
            else:
                add(self.visit(a), a)
        pieces[-1] += options["end"]
        text = f"cuft.print [{', '.join(quote(p) for p in pieces)}]"
        if values:
            text += (f" {', '.join(v.name for v in values)} : "
                     f"{', '.join(v.type for v in values)}")
        self.em.emit(text, self.pos(node))
        return None

    def _py_pow(self, node):
        base, exp, mod = self.call_args(node, "pow", ["base", "exp", "mod"], 2)
        if mod is not None:
            raise self.error("pow() with a modulus is not supported in kernels", mod)
        return self.binop(ast.Pow(), self.value_of(base), self.value_of(exp), node)

    def _py_divmod(self, node):
        a, b = self.call_args(node, "divmod", ["a", "b"], 2)
        a, b = self.value_of(a), self.value_of(b)
        return (self.binop(ast.FloorDiv(), a, b, node), self.binop(ast.Mod(), a, b, node))

    def _py_minmax(self, node, which):
        if node.keywords or len(node.args) < 2:
            raise self.error(f"{which}() in a kernel takes two or more positional arguments", node)
        acc = self.value_of(node.args[0])
        for a in node.args[1:]:
            b = self.value_of(a)
            acc = self.binary(which, acc, b, node)
        return acc

    # -- float16 ---------------------------------------------------------------
    def call_fp16(self, node, name):
        """cuft.fp16.<name>(...): numba-cuda's cuda.fp16 functions, on arguments
        converted to float16; each result rounded once, as CUDA's __h* are."""
        arity = _FP16_ARITY.get(name, 1)
        args = self.call_args(node, f"cuft.fp16.{name}", ["a", "b", "c"][:arity], arity)
        x = [self.cast(self.value_of(a), "f16", a) for a in args]
        if name == "hfma":  # one rounding: the product is exact in float64
            wide = [self.cast(v, "f64", node) for v in x]
            r = self.binop(ast.Add(), self.binop(ast.Mult(), wide[0], wide[1], node), wide[2], node)
            return self.cast(r, "f16", node)
        if name in _FP16_BINARY:
            return self.binop(_FP16_BINARY[name](), x[0], x[1], node)
        if name in _FP16_COMPARE:
            return self.cmp(_FP16_COMPARE[name](), x[0], x[1], node)
        if name in ("hmax", "hmin"):  # a NaN operand gives the other, as CUDA's
            return self.binary(name[1:], x[0], x[1], node)
        if name in ("hneg", "habs"):
            return self.unop(name[1:], x[0], node)
        if name == "hrcp":
            return self.binop(ast.Div(), self.constant(1.0, node), x[0], node)
        if name == "hexp10":
            return self.math_op("pow", [self.constant(10.0, node), x[0]], node)
        return self.math_op(_FP16_MATH.get(name, name[1:]), [x[0]], node)

    # -- complex numbers -------------------------------------------------------
    def _py_complex(self, node):
        """complex(real=0, imag=0): of real parts (cuft.complex)."""
        re, im = self.call_args(node, "complex", ["real", "imag"], 0)
        zero = self.constant(0.0, node)
        if isinstance(re, ast.Constant) and isinstance(re.value, str):
            raise self.error("complex() of a string is not supported in kernels", re)
        return self.complex_of(zero if re is None else self.value_of(re),
                               zero if im is None else self.value_of(im), node)

    def _cmath_log(self, node, name):
        """cmath.log(z[, base]): log(z) / log(base)."""
        z, base = self.call_args(node, name, ["x", "base"], 1)
        r = self.math_op("log", [self.value_of(z)], node, cmath=True)
        if base is None:
            return r
        return self.binop(ast.Div(), r, self.math_op("log", [self.value_of(base)], node,
                                                      cmath=True), node)

    def _cmath_phase(self, node, name):
        """cmath.phase(z): atan2(z.imag, z.real) (a real number's: 0 or pi)."""
        (z,) = self.call_args(node, name, ["z"], 1)
        z = self.value_of(z)
        return self.math_op("atan2", [self.unop("imag", z, node), self.unop("real", z, node)], node)

    def _cmath_polar(self, node, name):
        """cmath.polar(z): (abs(z), phase(z))."""
        (z,) = self.call_args(node, name, ["z"], 1)
        z = self.value_of(z)
        phase = self.math_op("atan2", [self.unop("imag", z, node), self.unop("real", z, node)],
                             node)
        return (self.unop("abs", z, node), phase)

    def _cmath_rect(self, node, name):
        """cmath.rect(r, phi): r * (cos(phi) + sin(phi) j), CPython's special values."""
        r, phi = self.call_args(node, name, ["r", "phi"], 2)
        return self.math_op("rect", [self.value_of(r), self.value_of(phi)], node, cmath=True)

    def _py_abs(self, node):
        (x,) = self.call_args(node, "abs", ["x"], 1)
        return self.unop("abs", self.value_of(x), node)

    def _py_tuple(self, node):
        """tuple(t) of a tuple (or a vector's components), tuple() the empty one."""
        (x,) = self.call_args(node, "tuple", ["iterable"], 0)
        if x is None:
            return ()
        v = self.visit(x)
        if not isinstance(v, tuple):
            raise self.error("tuple() in a kernel takes a tuple", x)
        return tuple(v)

    def _py_len(self, node):
        (x,) = self.call_args(node, "len", ["obj"], 1)
        v = self.visit(x)
        if isinstance(v, tuple):
            return self.constant(len(v), node)
        if isinstance(v, Shape):
            return self.em.op(f"cuft.ndim {v.array.name} : {v.array.type} -> i64", self.pos(node), "i64")
        return self.dim(self.as_value(v, x), 0, node)

    def _py_conversion(self, node, pytype, mlir_type):
        (x,) = self.call_args(node, getattr(pytype, "__name__", None) or str(pytype), ["x"], 0)
        if x is None:
            return self.constant(pytype(), node)
        if isinstance(x, ast.Constant) and isinstance(x.value, str) and pytype is float:
            try:
                return self.constant(float(x.value), node)
            except ValueError:
                raise self.error(f"could not convert {x.value!r} to float", x) from None
        return self.cast(self.value_of(x), mlir_type, node)

    def _py_range(self, node):
        raise self.error("range() can only be used as 'for <name> in range(...)'", node)

    # -- cuft intrinsics ----------------------------------------------------
    def _grid(self, node, obj, mnemonic):
        (n,) = self.call_args(node, obj.name, ["ndim"], 1)
        k = self.static_int(n, f"the argument of cuft.{obj.name}()")
        if not 1 <= k <= 3:
            raise self.error(f"cuft.{obj.name}() takes 1, 2 or 3 dimensions, got {k}", n)
        return self.em.op(f"cuft.{mnemonic} {k} : {', '.join(['i64'] * k)}", self.pos(node), "i64", k)

    def call_grid(self, node, obj):
        return self._grid(node, obj, "grid")

    def call_gridsize(self, node, obj):
        return self._grid(node, obj, "gridsize")

    def dtype(self, node):
        obj = self.static_value(node)
        if isinstance(obj, dsl.DType):
            return obj.mlir
        simple = {float: "f64", int: "i64", bool: "i1"}
        if _hashable(obj) and obj in simple:
            return simple[obj]
        name = obj if isinstance(obj, str) else _numpy_dtype_name(obj)
        if name in _NUMPY_DTYPES:
            return _NUMPY_DTYPES[name]
        raise self.error("expected a dtype such as cuft.float32", node)

    def _alloc(self, node, obj, mnemonic):
        shape, dtype, alignment = self.call_args(node, obj.name, ["shape", "dtype", "alignment"], 2)
        align = ""
        if alignment is not None:  # numba's alignment=: a constant (the op checks its value)
            value = self.static_value_or_none(alignment)
            if value is not None:
                if value is _NOT_STATIC or isinstance(value, bool) or \
                        not isinstance(value, numbers.Integral):
                    raise self.error("alignment must be a constant integer", alignment)
                align = f" align {int(value)}"
        like = self._dtype_of(dtype)  # dtype=a.dtype: the element type of array a
        elem = f"{UNKNOWN} like {like.name} : {like.type}" if like is not None else \
            self.dtype(dtype)
        sizes = self.visit(shape)
        sizes = list(sizes) if isinstance(sizes, tuple) else [sizes]
        if not sizes:
            raise self.error("an array needs at least one dimension", shape)
        sizes = [self.as_value(s, shape) for s in sizes]
        return self.em.op(f"cuft.{mnemonic} {elem} [{', '.join(s.name for s in sizes)} : "
                          f"{', '.join(s.type for s in sizes)}]{align} -> {UNKNOWN}",
                          self.pos(node))

    def call_shared_array(self, node, obj):
        return self._alloc(node, obj, "alloc_shared")

    def call_local_array(self, node, obj):
        return self._alloc(node, obj, "alloc_local")

    def call_const_array_like(self, node, obj):
        """cuft.const.array_like(arr): a global array as constant data (what
        reading the global array gives too)."""
        (arr,) = self.call_args(node, "const.array_like", ["ary"], 1)
        value = self.static_value_or_none(arr)
        if value is _NOT_STATIC or not _is_ndarray(value):
            raise self.error("const.array_like() takes a global numpy array", arr)
        return self.const_array(value, node)

    def _group_method(self, func):
        """``g.sync`` of a grid group (``g = cuft.cg.this_grid()``, or the call
        itself): the method's intrinsic; else _NOT_STATIC."""
        base = func.value
        group = None
        if isinstance(base, ast.Name) and isinstance(self.bound.get(base.id), PyObj):
            group = self.bound[base.id].obj
        elif isinstance(base, ast.Call) and self.static_value_or_none(base.func) is dsl.cg.this_grid:
            group = self.visit(base).obj
        if not isinstance(group, dsl.GridGroup):
            return _NOT_STATIC
        method = getattr(group, func.attr, None)
        if not isinstance(method, dsl.Intrinsic):
            raise self.error(f"a grid group has no method '{func.attr}' (it has sync())", func)
        return method

    def call_cg_this_grid(self, node, obj):
        """cuft.cg.this_grid(): the grid group, a compile-time object (its one
        method, sync(), is what compiles)."""
        self.call_args(node, "cg.this_grid", [], 0)
        return PyObj(dsl.GRID_GROUP)

    def call_cg_grid_sync(self, node, obj):
        """this_grid().sync(): a barrier of every thread of the grid."""
        self.call_args(node, "sync", [], 0)
        self.em.emit("cuft.grid_sync", self.pos(node))

    def call_syncthreads(self, node, obj):
        self.call_args(node, obj.name, [], 0)
        self.em.emit("cuft.syncthreads", self.pos(node))

    def _collective(self, kind, operands, node):
        names = ", ".join(v.name for v in operands)
        types = ", ".join(v.type for v in operands)
        return self.em.op(f"cuft.collective {kind}({names}) : ({types}) -> {UNKNOWN}",
                          self.pos(node))

    _SHUFFLES = {"shfl_sync": ("shfl_idx", "src_lane"), "shfl_up_sync": ("shfl_up", "delta"),
                 "shfl_down_sync": ("shfl_down", "delta"),
                 "shfl_xor_sync": ("shfl_xor", "lane_mask")}

    def _shuffle(self, node, obj):  # (mask, value, lane[, width=32]): CUDA's width too
        kind, lane = self._SHUFFLES[obj.name]
        nodes = self.call_args(node, obj.name, ["mask", "value", lane, "width"], 3)
        args = [self.value_of(n) for n in nodes[:3]]
        width = self.value_of(nodes[3]) if nodes[3] is not None else self.constant(32, node)
        return self._collective(kind, [*args, width], node)

    call_shfl_sync = call_shfl_up_sync = call_shfl_down_sync = call_shfl_xor_sync = _shuffle

    def _vote(self, node, obj):  # (mask, predicate)
        nodes = self.call_args(node, obj.name, ["mask", "predicate"], 2)
        return self._collective(obj.name[:-len("_sync")], [self.value_of(n) for n in nodes],
                                node)

    call_all_sync = call_any_sync = call_eq_sync = call_ballot_sync = _vote

    def call_match_any_sync(self, node, obj):  # the lanes whose value equals this one's
        nodes = self.call_args(node, obj.name, ["mask", "value"], 2)
        return self._collective("match_any", [self.value_of(n) for n in nodes], node)

    def call_match_all_sync(self, node, obj):  # (the mask if all are equal else 0, all equal)
        nodes = self.call_args(node, obj.name, ["mask", "value"], 2)
        m = self._collective("match_all", [self.value_of(n) for n in nodes], node)
        return (m, self.cmp(ast.NotEq(), m, self.constant(0, node), node))

    def call_nanosleep(self, node, obj):
        (ns,) = self.call_args(node, "nanosleep", ["ns"], 1)
        ns = self.value_of(ns)
        self.em.emit(f"cuft.nanosleep {ns.name} : {ns.type}", self.pos(node))

    def call_syncwarp(self, node, obj):
        (mask,) = self.call_args(node, "syncwarp", ["mask"], 0)
        mask = self.value_of(mask) if mask is not None else self.constant(0xFFFFFFFF, node)
        self._collective("syncwarp", [mask], node)

    def call_activemask(self, node, obj):
        self.call_args(node, "activemask", [], 0)
        return self._collective("activemask", [], node)

    def call_lanemask_lt(self, node, obj):  # the lanes below this one: (1 << laneid) - 1
        self.call_args(node, "lanemask_lt", [], 0)
        lane = self.em.op("cuft.lane_id : i32", self.pos(node), "i32")
        bit = self.binary("shl", self.constant(1, node), lane, node)
        return self.cast(self.binary("sub", bit, self.constant(1, node), node), "ui32", node)

    def _block_reduction(self, node, obj):  # (predicate): a barrier that counts, ands, ors
        (pred,) = self.call_args(node, obj.name, ["predicate"], 1)
        return self._collective(obj.name, [self.value_of(pred)], node)

    call_syncthreads_count = call_syncthreads_and = call_syncthreads_or = _block_reduction

    def _fence(self, node, obj):
        self.call_args(node, obj.name, [], 0)
        self.em.emit(f"cuft.threadfence {_FENCES[obj.name]}", self.pos(node))

    call_threadfence = call_threadfence_block = call_threadfence_system = _fence

    def _bits(self, node, obj):
        (x,) = self.call_args(node, obj.name, ["x"], 1)
        return self.bits_op(obj.name, self.value_of(x), node)

    def bits_op(self, fn, x, node):
        """``cuft.bits fn(x)``: popc, clz, brev or ffs."""
        return self.em.op(f"cuft.bits {fn}({x.name}) : ({x.type}) -> {UNKNOWN}", self.pos(node))

    call_popc = call_clz = call_brev = call_ffs = _bits

    def call_fma(self, node, obj):  # x * y + z, rounded once
        nodes = self.call_args(node, "fma", ["x", "y", "z"], 3)
        return self.math_op("fma", [self.value_of(n) for n in nodes], node)

    def call_cbrt(self, node, obj):
        (x,) = self.call_args(node, "cbrt", ["x"], 1)
        return self.math_op("cbrt", [self.value_of(x)], node)

    def call_selp(self, node, obj):  # both evaluated, one chosen (PTX selp)
        test, a, b = (self.value_of(n) for n in self.call_args(node, "selp", ["test", "a", "b"], 3))
        return self.select(test, a, b, node)

    def _atomic(self, node, obj):
        kind = obj.name.split(".")[1].rstrip("_")  # and_, or_: and, or
        if kind == "compare_and_swap":  # numba's: cas on element 0 of a 1-d array
            nodes = self.call_args(node, obj.name, ["ary", "old", "val"], 3)
            array, idx = self.value_of(nodes[0]), [self.constant(0, node)]
            kind, nodes = "cas", [nodes[0], None, *nodes[1:]]
        else:
            names = ["ary", "idx", "old", "val"] if kind == "cas" else ["ary", "idx", "val"]
            nodes = self.call_args(node, obj.name, names, len(names))
            array = self.value_of(nodes[0])
            idx = self.indices(nodes[1])
        vals = [self.value_of(n) for n in nodes[2:]]
        names, types = self._index_text(idx)
        ix, ixt = f"{array.name}[{names}]", f"{array.type}{types}"
        if kind == "cas":
            return self.em.op(f"cuft.atomic_cas {ix}, {vals[0].name}, {vals[1].name} : {ixt}, "
                              f"{vals[0].type}, {vals[1].type} -> {UNKNOWN}", self.pos(node))
        v = vals[0]
        return self.em.op(f"cuft.atomic {kind} {ix}, {v.name} : {ixt}, {v.type} -> {UNKNOWN}",
                          self.pos(node))

    def _cache_hinted(self, node, obj):
        """numba-cuda's ``ldca(array, i)`` ... ``stwt(array, i, value)``: an
        element read or written with PTX's cache operator (cuft.load's and
        cuft.store's ``cache``); ``i`` an index or a tuple of one per dimension."""
        store = obj.name.startswith("st")
        names = ["array", "i", "value"] if store else ["array", "i"]
        nodes = self.call_args(node, obj.name, names, len(names))
        array, idx = self.value_of(nodes[0]), self.indices(nodes[1])
        ix, types = self._index_text(idx)
        hint = f'{{cache = "{obj.name[2:]}"}}'
        if not store:
            return self.em.op(f"cuft.load {array.name}[{ix}] {hint} : {array.type}{types} -> "
                              f"{UNKNOWN}", self.pos(node))
        v = self.value_of(nodes[2])
        self.em.emit(f"cuft.store {v.name}, {array.name}[{ix}] {hint} : {v.type}, "
                     f"{array.type}{types}", self.pos(node))
        return None

    call_ldca = call_ldcg = call_ldcs = call_ldlu = call_ldcv = _cache_hinted
    call_stcg = call_stcs = call_stwb = call_stwt = _cache_hinted

    call_atomic_add = call_atomic_sub = call_atomic_min = call_atomic_max = _atomic
    call_atomic_exch = call_atomic_cas = call_atomic_and_ = call_atomic_or_ = _atomic
    call_atomic_xor = call_atomic_inc = call_atomic_dec = _atomic
    call_atomic_nanmin = call_atomic_nanmax = call_atomic_compare_and_swap = _atomic

    # -- device functions -----------------------------------------------------
    def _compiled(self, v, node):
        """``v`` with every Python object in it (a default argument) made a value."""
        if isinstance(v, tuple):
            items = tuple(self._compiled(e, node) for e in v)
            return v.like(items) if isinstance(v, Vector) else items
        return v if isinstance(v, (Value, PyObj)) else self.from_python(v, node)

    def call_device_function(self, node, obj):
        fn = unwrap(obj)
        signature = inspect.signature(fn)
        if any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values()):
            raise self.error(f"device function '{fn.__name__}': **kwargs is not supported",
                             node)
        pos_vals = []
        for a in node.args:
            if isinstance(a, ast.Starred):  # f(*t): the tuple's elements
                t = self.visit(a.value)
                if not isinstance(t, tuple):
                    raise self.error("'*' needs a tuple here", a)
                pos_vals.extend(t)
            else:
                pos_vals.append(self._argument(a))
        kw_vals = {kw.arg: self._argument(kw.value) for kw in node.keywords}
        try:
            bound = signature.bind(*pos_vals, **kw_vals)
        except TypeError as e:
            raise self.error(f"bad call of device function '{fn.__name__}': {e}", node) from None
        bound.apply_defaults()
        # A bool literal (passed, or a default) is bound in the callee, whose
        # `if flag:` then keeps the arm it takes, as numba's dispatch on the
        # literal prunes it (the other arm may not even type), unless the
        # callee assigns the parameter or declares its signatures (which
        # count it). A default is a Python object: a literal, a tuple of them.
        assigned = set(bound.arguments) if getattr(obj, "declared", ()) else None
        args = []
        for name, v in bound.arguments.items():
            if isinstance(v, bool):
                v = PyObj(v)
            if isinstance(v, PyObj) and type(v.obj) is bool:
                if assigned is None:
                    assigned = {n.id for n in ast.walk(self.module.source(fn).node)
                                if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
                if name in assigned:
                    v = v.obj
            args.append(self._compiled(v, node))
        return self.emit_device_call(obj, args, node)

    def _argument(self, a):
        """A device function's argument: a bool literal stays a Python object
        (see call_device_function), anything else is compiled."""
        if isinstance(a, ast.Constant) and type(a.value) is bool:
            return PyObj(a.value)
        return self.visit(a)

    def emit_device_call(self, obj, args, node):
        """A call of device function ``obj`` with ``args`` (values, tuples of
        them), its arguments bound already; its result."""
        fn = unwrap(obj)
        # @cuft.func(["i8(i8, i8)", "f8(f8, f8)"]): cuft-specialize calls the
        # declaration the arguments' types fit best (they are known there).
        declared = getattr(obj, "declared", ())
        if declared and not any(len(_cuft.signature_entries(a)) == len(args)
                                for _, a in declared):
            raise self.error(f"device function '{fn.__name__}' has no declared signature "
                             f"of {len(args)} argument(s)", node)
        # A Python object (a function, an intrinsic, a dtype) is bound in a
        # callee made for it, not passed.
        shapes = tuple(StaticArgument(v.obj) if isinstance(v, PyObj) else self.shape(v)
                       for v in args)
        if all(s is None for s in shapes):
            shapes = ()
        flat = [self.as_value(leaf, node, what=f"an argument of '{fn.__name__}'")
                for v in args if not isinstance(v, PyObj) for leaf in leaves(v)]
        try:
            symbol, result = self.module.callee(fn, shapes, getattr(obj, "inline", None),
                                                getattr(obj, "exact_fp", False), declared)
        except Exception as e:
            if hasattr(e, "lineno"):
                raise
            raise self.error(str(e), node) from None
        n = 0 if result is NO_RESULT else count_leaves(result)
        results = ", ".join([UNKNOWN] * n)
        text = (f"cuft.call @{symbol}({', '.join(a.name for a in flat)}) : "
                f"({', '.join(a.type for a in flat)}) -> " + (f"({results})" if n != 1 else results))
        if result is NO_RESULT:
            self.em.emit(text, self.pos(node))
            return None
        if n == 0:
            self.em.emit(text, self.pos(node))
            return ()
        values = self.em.op(text, self.pos(node), count=n)
        return rebuild(result, iter(values if n > 1 else (values,)))


def _hashable(obj):
    try:
        hash(obj)
        return True
    except TypeError:
        return False


# math functions that are not a cuft.math op of their own.
_MATH_EXTRA = {
    math.isnan: BuiltinsMixin._math_isnan,
    math.isinf: BuiltinsMixin._math_isinf,
    math.isfinite: BuiltinsMixin._math_isfinite,
    math.modf: BuiltinsMixin._math_modf,
    math.frexp: BuiltinsMixin._math_frexp,
    math.degrees: lambda self, node, name: self._math_scale(node, name, 180.0 / math.pi),
    math.radians: lambda self, node, name: self._math_scale(node, name, math.pi / 180.0),
}

_FP16_ARITY = {"hfma": 3, **{n: 2 for n in ("hadd", "hsub", "hmul", "hdiv", "hmax", "hmin", "heq",
                                             "hne", "hgt", "hge", "hlt", "hle")}}
_FP16_BINARY = {"hadd": ast.Add, "hsub": ast.Sub, "hmul": ast.Mult, "hdiv": ast.Div}
_FP16_COMPARE = {"heq": ast.Eq, "hne": ast.NotEq, "hgt": ast.Gt, "hge": ast.GtE, "hlt": ast.Lt,
                 "hle": ast.LtE}
_FP16_MATH = {"hrint": "rint"}

# cmath's functions: cuft.math with {cmath} (a complex result for any number)
# or built from it.
def _cmath_call(fn):
    return lambda self, node, name: self.call_math(node, fn, name, cmath=True)


_CMATH = {getattr(cmath, n): _cmath_call(n)
          for n in ("sqrt", "exp", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
                    "sinh", "cosh", "tanh", "asinh", "acosh", "atanh")}
_CMATH.update({
    cmath.log: BuiltinsMixin._cmath_log,
    cmath.phase: BuiltinsMixin._cmath_phase,
    cmath.polar: BuiltinsMixin._cmath_polar,
    cmath.rect: BuiltinsMixin._cmath_rect,
    cmath.isnan: BuiltinsMixin._math_isnan,
    cmath.isinf: BuiltinsMixin._math_isinf,
    cmath.isfinite: BuiltinsMixin._math_isfinite,
})

# numba's dim3 values, printed as the tuple (x, y, z).
_DIM3 = (dsl.threadIdx, dsl.blockIdx, dsl.blockDim, dsl.gridDim)

_PY_BUILTINS = {
    builtins.complex: BuiltinsMixin._py_complex,
    builtins.round: BuiltinsMixin._py_round,
    builtins.print: BuiltinsMixin._py_print,
    builtins.pow: BuiltinsMixin._py_pow,
    builtins.divmod: BuiltinsMixin._py_divmod,
    builtins.min: lambda self, node: self._py_minmax(node, "min"),
    builtins.max: lambda self, node: self._py_minmax(node, "max"),
    builtins.abs: BuiltinsMixin._py_abs,
    builtins.len: BuiltinsMixin._py_len,
    builtins.tuple: BuiltinsMixin._py_tuple,
    builtins.range: BuiltinsMixin._py_range,
    builtins.int: lambda self, node: self._py_conversion(node, int, "i64"),
    builtins.float: lambda self, node: self._py_conversion(node, float, "f64"),
    builtins.bool: lambda self, node: self._py_conversion(node, bool, "i1"),
}
