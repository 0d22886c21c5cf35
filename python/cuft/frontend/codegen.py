"""Python AST → generic cuft IR: functions, variables and statements.

Expressions live in ``expressions.py`` and calls of builtins, ``math`` and
``cuft`` intrinsics in ``builtins.py``; this module owns the per-function walker
(``FunctionCodegen``) and ``generate``, which collects a kernel and every device
function it calls into one module.
"""

import ast
import builtins
import numbers
import operator
import sys
from dataclasses import dataclass, field

from ..constexpr import constexpr
from .. import dsl
from ..errors import CompileError, register_raise
from .assignment import check_definite_assignment
from .builtins import BuiltinsMixin
from .expressions import (_NOT_STATIC, ExpressionsMixin, LocalLambda, PyObj, StaticArgument,
                          _describe, _has_slice, def_as_lambda)
from .ir import (NO_RESULT, UNKNOWN, VAR, Emitter, Value, Vector, VectorShape, count_leaves,
                 leaves, quote, rebuild)
from .source import Source, is_device_function, unwrap

__all__ = ["generate", "FrontendResult", "is_device_function"]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class FrontendResult:
    ir: str                  # generic IR of a module: the entry function and its callees
    name: str                # symbol of the entry function
    arg_names: tuple         # parameter names, in order
    constexpr_args: tuple    # indices of `cuft.constexpr` parameters
    filename: str
    firstlineno: int
    callees: tuple = field(default=())  # symbols of the device functions included
    arg_positions: tuple = field(default=())  # (line, column) of each parameter
    position: tuple = field(default=(0, 0))   # (line, column) of the 'def'
    # Every global or closure name the functions read, as (function, name, value):
    # the generic IR is only valid while each name still has that value.
    captures: tuple = field(default=())
    externals: tuple = field(default=())  # symbols of external device functions called
    # Per parameter, None or the shape of the tuple it takes (see generate); ().
    param_shapes: tuple = field(default=())
    # The tuple skeleton of the signatures it takes ('' for no tuple): what
    # _cuft.tuple_shapes gave for param_shapes.
    tuples: str = ""
    debug: bool = False  # generated with debug=True: asserts and raises report
    error: object = None  # the CompileError of generate(defer_errors=True), if any

    def require(self):
        """Raises the error the IR could not be generated for, if any."""
        if self.error is not None:
            raise self.error.with_traceback(None)

    def captures_match(self, fn):
        """Whether ``fn`` (this result's entry function, or a new function with the
        same code) still sees every captured name with the value compiled in."""
        return all(_same_value(lookup_name(owner if owner is not None else fn, name, _MISSING),
                               value) for owner, name, value in self.captures)

    def matching_identity_checks(self, fn):
        """``identity_checks(fn)`` if the objects it holds are the values
        compiled in (``captures_match``), else None. The objects are read
        first and then compared: checked in the other order, a rebinding in
        between would leave checks that pass for a value this IR was not
        compiled with."""
        checks = self.identity_checks(fn)
        if all(_same_value(check[3], value) for check, (_, _, value) in zip(checks, self.captures)):
            return checks
        return None


    def identity_checks(self, fn):
        """What ``_cuft.captures_unchanged`` checks for ``fn``, whose captures
        match (``captures_match``): per capture, (cell, None, name, object) or
        (globals, builtins, name, object), with the object the name finds now.
        It stays true while every name finds that very object; when it turns
        false, ``captures_match`` decides (an equal value still matches)."""
        checks = []
        for owner, name, _ in self.captures:
            f = owner if owner is not None else fn
            now = lookup_name(f, name, _MISSING)
            code = f.__code__
            if f.__closure__ and name in code.co_freevars:
                checks.append((f.__closure__[code.co_freevars.index(name)], None, name, now))
                continue
            g = f.__globals__
            b = g.get("__builtins__", builtins)
            checks.append((g, b if isinstance(b, dict) else vars(b), name, now))
        return tuple(checks)


_MISSING = object()


def _same_value(now, value):
    """Whether ``now`` is the captured ``value``, or equal to it and of its type."""
    if now is value:
        return True
    try:
        return type(now) is type(value) and bool(now == value)
    except Exception:
        return False


def lookup_name(fn, name, default=_MISSING):
    """What ``name`` means inside ``fn`` when it is not a local: closure, global, builtin."""
    code = fn.__code__
    if fn.__closure__ and name in code.co_freevars:
        try:
            return fn.__closure__[code.co_freevars.index(name)].cell_contents
        except ValueError:  # an empty cell: the name is not bound yet
            pass
    g = fn.__globals__
    if name in g:
        return g[name]
    b = g.get("__builtins__", builtins)
    b = b if isinstance(b, dict) else vars(b)
    return b.get(name, default)


def _ssa_name(name, fallback):
    """The SSA name of a parameter (``%x``) or of a local's variable (``%x.var``):
    an ASCII Python name as it is (it has no '.'); any other name the reserved
    ``fallback`` (``%arg.0``, ``%var.0``), which no Python name produces; the
    compiler's own values are numbered (``%1``), which no name can be."""
    return f"%{name}" if name.isascii() else fallback


def _symbol(name):
    return f"@{name}" if name.isascii() and name.isidentifier() else "@" + quote(name)


def _stores(tree):
    """The names ``tree`` stores to or deletes (``ast.Name`` nodes) and its
    ``global``/``nonlocal`` statements, in no particular order: a walk that
    does not look into what cannot hold one (loads, constants, contexts; a
    generated kernel of 10,000 statements is 110,000 nodes: 19 ms, where a
    walk yielding every node took 47 and ast.walk three times that)."""
    stack = [tree]
    AST, Name, Load, Constant = ast.AST, ast.Name, ast.Load, ast.Constant
    declarations = (ast.Global, ast.Nonlocal)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is Name:
            if type(node.ctx) is not Load:
                yield node
            continue
        if kind is Constant:
            continue
        if kind in declarations:
            yield node
            continue
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                stack.extend(v for v in value if isinstance(v, AST))
            elif isinstance(value, AST):
                stack.append(value)


def _exits_loop(stmts):
    """Whether statements ``stmts`` hold a break or continue of a loop around
    them (one inside a loop of their own is that loop's)."""
    stack = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Break, ast.Continue)):
            return True
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            stack.extend(node.orelse)  # its else part is outside it
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.stmt):
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                stack.extend(getattr(node, field, ()) or ())
        elif isinstance(node, (ast.ExceptHandler, ast.match_case)):
            stack.extend(node.body)
    return False


def _always_ends(stmts):
    """Whether statements ``stmts`` surely end in a return or raise (an if
    whose both branches do counts; anything subtler does not)."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _always_ends(last.body) and _always_ends(last.orelse)
    return False


def _returns_value(fndef):
    """Whether a device function has a ``return <expr>`` (its own, not nested defs')."""
    stack = list(fndef.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return) and node.value is not None:
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return False


# What to call the constructs the frontend rejects, in error messages.
_UNSUPPORTED = {
    "Try": "'try'", "TryStar": "'try'", "With": "'with'", "AsyncWith": "'async with'",
    "AsyncFor": "'async for'", "Delete": "'del'",
    "Import": "'import'", "ImportFrom": "'import'",
    "AsyncFunctionDef": "a nested function", "ClassDef": "a class definition",
    "Match": "'match'", "TypeAlias": "'type'",
    "List": "a list literal", "ListComp": "a list comprehension", "Dict": "a dict literal",
    "DictComp": "a dict comprehension", "Set": "a set literal", "SetComp": "a set comprehension",
    "GeneratorExp": "a generator expression", "JoinedStr": "an f-string",
    "Await": "'await'", "Yield": "'yield'", "YieldFrom": "'yield from'",
    "NamedExpr": "':='", "Starred": "'*' unpacking", "Slice": "slicing",
}

# Chains of up to this many if/elif arms (or conditional expressions) nest in
# the IR as they do in Python; longer ones are emitted flat (FunctionCodegen.branches).
_NESTED_ARMS = 16


class ModuleBuilder:
    """Names and compiles the device functions reached from the entry function.

    A device function is compiled once per shape of its arguments (which are
    tuples, of what nesting): a tuple is passed as its elements, so each shape
    is a function of its own. It is compiled at its first call, where the
    caller learns what it returns (a value, a tuple of what shape, nothing)."""

    def __init__(self, debug=False):
        self.debug = debug   # debug=True: assert and raise report (cuft.raise)
        self._symbols = {}   # (python function, argument shapes) -> symbol name
        self._sources = {}   # python function -> Source
        self._taken = set()
        self._results = {}   # (function, shapes) -> result shape, once compiled
        self._guessed = {}   # (function, shapes) -> result shape a recursive call assumed
        self.parts = []      # IR text of each device function compiled
        self.callees = []    # and its symbol
        self.entry = None
        self.captures = []
        self.externals = {}  # symbol -> ExternalFunction, declared once per module

    def source(self, fn):
        src = self._sources.get(fn)
        if src is None:
            src = self._sources[fn] = Source(fn)
        return src

    def symbol(self, fn, shapes=(), declared=()):
        key = (fn, shapes, declared)
        sym = self._symbols.get(key)
        if sym is None:
            base = sym = fn.__name__ if fn.__name__ != "<lambda>" else "lambda_"
            n = 1
            while sym in self._taken:
                n += 1
                sym = f"{base}_{n}"
            self._taken.add(sym)
            self._symbols[key] = sym
        return sym

    def external(self, ext):
        """Declare external device function ``ext`` in the module (once)."""
        known = self.externals.get(ext.name)
        if known is None:
            if ext.name in self._taken:
                raise ValueError(f"external device function '{ext.name}' has the name of a "
                                 "device function of this kernel")
            self._taken.add(ext.name)
            self.externals[ext.name] = ext
        elif known != ext:
            raise ValueError(f"two declarations of external device function '{ext.name}' "
                             f"disagree: '{known.signature}' and '{ext.signature}'")
        return ext

    def callee(self, fn, shapes, inline=None, exact_fp=False, declared=()):
        """(symbol, result shape) of the device function ``fn`` called with
        arguments of ``shapes``; compiled here at its first call (``inline``:
        its @cuft.func(inline=...), "always" or "never"; ``exact_fp``: its float
        operations neither contracted nor fast; ``declared``: its declared
        signatures, (result entry, arguments' signature text) pairs)."""
        key = (fn, shapes, declared)
        sym = self.symbol(fn, shapes, declared)
        if key in self._results:
            result = self._results[key]
            if result is _COMPILING:  # a recursive call: what the syntax says
                result = None if _returns_value(self.source(fn).node) else NO_RESULT
                self._guessed[key] = result
            return sym, result
        self._results[key] = _COMPILING
        codegen = FunctionCodegen(fn, self, False, shapes)
        codegen.declared = declared
        codegen.attributes = {} if inline is None else {"cuft.inline": quote(inline)}
        if exact_fp:
            codegen.attributes["cuft.exact_fp"] = "unit"
        if declared:
            codegen.attributes["cuft.declared"] = \
                "[" + ", ".join(quote(args) for _, args in declared) + "]"
            codegen.attributes["cuft.declared_results"] = \
                "[" + ", ".join(quote(result) for result, _ in declared) + "]"
        text, result = codegen.run()[::5]
        guessed = self._guessed.get(key, result)
        if guessed != result:
            raise ValueError(f"device function '{fn.__name__}' calls itself and returns a "
                             "tuple: a recursive device function must return one value")
        self._results[key] = result
        self.parts.append(text)
        self.callees.append(sym)
        return sym, result


_COMPILING = object()
_UNROLLED = object()  # an unrolled loop without a break, in FunctionCodegen.loops


class _Lazy:
    """An item of an unrolled loop made where the loop's body is emitted
    (inside its guard: see FunctionCodegen._zip_guarded)."""

    def __init__(self, make):
        self.make = make

    @staticmethod
    def made(item):
        return item.make() if isinstance(item, _Lazy) else item


_VISITORS = {}  # (codegen class, AST node class) -> the method that visits it


class FunctionCodegen(ExpressionsMixin, BuiltinsMixin, ast.NodeVisitor):
    """Walks one function's AST and emits its generic IR."""

    def __init__(self, fn, module, is_kernel, param_shapes=()):
        self.fn = fn
        self.param_shapes = param_shapes  # per parameter: None, or its tuple's shape
        self.module = module
        self.is_kernel = is_kernel
        self.src = module.source(fn)
        self.em = Emitter(self.src.filename)
        # The loops the statement is in, innermost last: None for a loop of
        # the IR, else an unrolled loop over a tuple (see for_over_tuple).
        self.loops = []
        self.statement = None  # the innermost statement being compiled
        self.globals = fn.__globals__
        self.returns_value = (not is_kernel) and _returns_value(self.src.node)
        self.result_shape = _COMPILING  # what its returns give, once one is compiled
        self.attributes = {}  # of the function op: name -> attribute text
        self.declared = ()  # a device function's declared signatures (Module.callee)

    # -- helpers ------------------------------------------------------------
    def pos(self, node):
        return self.src.position(node)

    def error(self, message, node):
        return self.src.error(message, node)

    def visit(self, node):
        # ast.NodeVisitor.visit's lookup, once per node class (a generated
        # kernel of 10,000 operands visits 30,000 nodes).
        key = (type(self), type(node))
        method = _VISITORS.get(key)
        if method is None:
            method = getattr(key[0], "visit_" + key[1].__name__, key[0].generic_visit)
            _VISITORS[key] = method
        return method(self, node)

    def generic_visit(self, node):
        what = _UNSUPPORTED.get(type(node).__name__)
        if what is None:
            what = f"Python syntax '{type(node).__name__}'"
        raise self.error(f"{what} is not supported in cuft kernels", node)

    def lookup_static(self, name, node):
        """A name that is not a local: closure, global or builtin, as a Python object."""
        value = lookup_name(self.fn, name)
        if value is _MISSING:
            raise self.error(f"name '{name}' is not defined", node)
        self.module.captures.append((None if self.fn is self.module.entry else self.fn,
                                     name, value))
        return value

    # -- the function -------------------------------------------------------
    def run(self):
        fdef = self.src.node
        a = fdef.args
        if a.kwarg or a.kwonlyargs or (a.vararg and self.is_kernel):
            raise self.error("**kwargs and keyword-only parameters are not supported"
                             if not a.vararg else "a kernel's *args is not supported", fdef)
        # A device function's *args is a tuple parameter (its call packs it).
        params = a.posonlyargs + a.args + ([a.vararg] if a.vararg else [])
        assigned = self._assigned_names(fdef)
        self.params, self.vars, self.tuple_vars = {}, {}, {}
        self._loop_names_found = None  # see _loop_names
        self.bound = {}  # names an unrolled loop binds to each item (see for_over_tuple),
        # a lambda's name, and its parameters while its body is inlined (call_lambda)
        self.inlining = []  # the lambdas being inlined, innermost last
        arg_texts, constexprs = [], []
        shapes = self.param_shapes or (None,) * len(params)
        for i, (p, shape) in enumerate(zip(params, shapes)):
            if isinstance(shape, StaticArgument):  # bound here, not passed
                self.bound[p.arg] = PyObj(shape.obj)
                continue
            base = _ssa_name(p.arg, f"%arg.{i}")
            # A tuple is passed as its elements, %t.0, %t.1.0, ... (no Python
            # name has a '.').
            v = rebuild(shape, iter(Value(f"{base}{path}") for path in _leaf_paths(shape)))
            self.params[p.arg] = v
            attrs = ""
            if self.is_kernel and p.annotation is not None and self._is_constexpr(p.annotation):
                if shape is not None:
                    raise self.error("a cuft.constexpr parameter cannot be a tuple", p)
                attrs = " {cuft.constexpr}"
                constexprs.append(i)
            for leaf in leaves(v):
                arg_texts.append(f"{leaf.name}: {UNKNOWN}{attrs} {self.em.loc(self.pos(p))}")
        # What a caller needs to bind arguments, known before the body is compiled.
        self.parameters = ([p.arg for p in params], constexprs, [self.pos(p) for p in params],
                           self.pos(fdef))
        for j, (name, node) in enumerate(assigned):
            self.vars[name] = self.em.declare_var(_ssa_name(name + ".var", f"%var.{j}"), name,
                                                  self.pos(node))
        # A parameter that the body assigns is a variable initialized from the argument.
        for p in params:
            if p.arg in self.vars:
                if p.arg not in self.params:
                    raise self.error(f"parameter '{p.arg}' is given a Python object "
                                     f"({_describe(self.bound[p.arg].obj)}): it cannot be "
                                     "assigned", self.stores[p.arg][0])
                self.store_var(p.arg, self.params.pop(p.arg), p)
        try:
            self.body(fdef.body)
            check_definite_assignment(fdef, self.vars, [p.arg for p in params], self.error,
                                      self._static_truth, self._range_runs)
        except RecursionError:
            # Python's own limit, reached through a deeply nested expression
            # (chains of +, and/or, elif, conditional expressions are walked
            # without recursion): reported at the statement being compiled.
            raise self.error(f"this statement nests too deeply to compile (cuft's frontend "
                             f"reached Python's recursion limit, {sys.getrecursionlimit()}); "
                             "split it into smaller statements",
                             self.statement or fdef) from None
        if not self.em.terminated:
            if self.returns_value:
                raise self.error(f"device function '{fdef.name}' returns a value but can reach "
                                 "its end without a return statement", fdef)
            self.em.terminator("cuft.return", self.pos(fdef))
        kind = "cuft.kernel" if self.is_kernel else "cuft.func"
        shape = self.result_shape
        if shape is _COMPILING:  # no return compiled (all unreachable): one value
            shape = None if self.returns_value else NO_RESULT
        n = 0 if shape is NO_RESULT else count_leaves(shape)
        result = "" if n == 0 else f" -> {UNKNOWN}" if n == 1 else \
            f" -> ({', '.join([UNKNOWN] * n)})"
        sym = self.module.symbol(self.fn, self.param_shapes, self.declared)
        if self.attributes:
            result += " attributes {" + ", ".join(f"{k} = {v}" for k, v in
                                                 self.attributes.items()) + "}"
        text = "\n".join([f"{kind} {_symbol(sym)}({', '.join(arg_texts)}){result} {{",
                          *self.em.decls, *self.em.lines,
                          f"}} {self.em.loc(self.pos(fdef))}"])
        return (text, [p.arg for p in params], constexprs, [self.pos(p) for p in params],
                self.pos(fdef), shape)

    def _is_constexpr(self, annotation):
        try:
            obj = self.static_value(annotation)
        except CompileError:
            return False
        return obj is constexpr or (isinstance(obj, str) and obj.rsplit(".", 1)[-1] == "constexpr")

    def _static_number(self, node):
        """A test or range() argument known at compile time (a literal, a
        global), or None."""
        negate = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
        try:
            v = self.static_value_or_none(node.operand if negate else node)
        except CompileError:
            return None
        if v is _NOT_STATIC or not isinstance(v, numbers.Real) or isinstance(v, type):
            return None
        return -v if negate else v

    def _is_builtin(self, func, fn):
        """Whether expression ``func`` is the builtin ``fn`` (False for
        anything that is not a compile-time value)."""
        try:
            return self.static_value_or_none(func) is fn
        except CompileError:
            return False

    def _tuple_length(self, node):
        """``len(t)`` of a tuple ``t`` (a parameter, a name holding one), else None."""
        if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords
                and isinstance(node.args[0], ast.Name) and self._is_builtin(node.func, len)):
            return None
        name = node.args[0].id
        held = self.bound.get(name, self.tuple_vars.get(name, self.params.get(name)))
        return len(held) if isinstance(held, tuple) else None

    def _tuple_length_test(self, test):
        """The truth of ``len(t) <op> n`` (either side) for a tuple ``t`` and a
        constant ``n``, else None."""
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None
        left, right = test.left, test.comparators[0]
        a, b = self._tuple_length(left), self._tuple_length(right)
        if a is None and b is None:
            return None
        a = a if a is not None else self._static_number(left)
        b = b if b is not None else self._static_number(right)
        compare = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
                   ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
        op = compare.get(type(test.ops[0]))
        if a is None or b is None or op is None:
            return None
        return bool(op(a, b))

    def _static_truth(self, test):
        negate = False
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, negate = test.operand, not negate
        v = self._static_number(test)
        return None if v is None else bool(v) != negate

    def _range_runs(self, it):
        """Whether ``for ... in it`` surely runs its body: a range of constants."""
        if not (isinstance(it, ast.Call) and not it.keywords and 1 <= len(it.args) <= 3
                and self._is_builtin(it.func, range)):
            return False
        args = [self._static_number(a) for a in it.args]
        if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args):
            return False
        try:
            return len(range(*(int(a) for a in args))) > 0
        except ValueError:  # a zero step
            return False

    def _assigned_names(self, fdef):
        """Locals in order of first assignment: every name the body stores to.
        Records where each is stored (``self.stores``)."""
        found = {}
        self.stores = {}
        for node in _stores(fdef):
            if not isinstance(node, ast.Name):
                raise self.error("'global' and 'nonlocal' are not supported in kernels", node)
            self.stores.setdefault(node.id, []).append(node)
            key = (node.lineno, node.col_offset)
            if node.id not in found or key < found[node.id][0]:
                found[node.id] = (key, node)
        return [(name, n) for name, (_, n) in sorted(found.items(), key=lambda kv: kv[1][0])]

    def visit_FunctionDef(self, node):
        """A nested ``def f(x): return <expression>``: a lambda bound to ``f``."""
        lam = def_as_lambda(node)
        if lam is None:
            raise self.error("a nested function in a kernel must be one 'return "
                             "<expression>' (it is inlined, as a lambda), without decorators",
                             node)
        if node.name in self.vars or node.name in self.bound:
            raise self.error(f"'{node.name}' is a nested function: it cannot be defined or "
                             "assigned again", node)
        self.bound[node.name] = self.visit_Lambda(lam)

    # -- variables ----------------------------------------------------------
    def store_var(self, name, value, node, value_node=None):
        if isinstance(value, PyObj) and isinstance(value.obj, dsl.GridGroup):
            self.bound[name] = value  # g = cuft.cg.this_grid(): a compile-time object
            return
        if isinstance(value, LocalLambda):  # f = lambda x: ...: inlined where called
            if len(self.stores.get(name, ())) != 1:
                raise self.error(f"'{name}' holds a lambda: it must be assigned once",
                                 value_node or node)
            self.bound[name] = value
            return
        if isinstance(value, tuple) or name in self.tuple_vars:
            return self.store_tuple_var(name, value, node, value_node)
        value = self.as_value(value, value_node or node, what=f"assign to '{name}'")
        var = self.vars[name]
        self.em.emit(f"cuft.var_store {value.name}, {var.name} : {value.type}, {VAR}", self.pos(node))

    def load_var(self, name, node):
        if name in self.tuple_vars:
            return self._load_tuple(self.tuple_vars[name], node)
        var = self.vars[name]
        return self.em.op(f"cuft.var_load {var.name} : {VAR} -> {UNKNOWN}", self.pos(node))

    # A name bound to a tuple (`gid = cuft.grid(2)`, `t = (a, (b, c))`) is one
    # variable per element, in the tuple's shape, made at its first tuple
    # assignment; every later assignment must give a tuple of that shape.
    def store_tuple_var(self, name, value, node, value_node=None):
        shape = self.shape(value)
        held = self.tuple_vars.get(name)
        if held is None:
            if shape is None:
                raise self.error(f"'{name}' is assigned a tuple elsewhere and a value here",
                                 value_node or node)
            held = self.tuple_vars[name] = self._declare_tuple(name, value, node)
        if self.shape(held) != shape:
            raise self.error(f"'{name}' holds {self.describe_shape(self.shape(held))}; "
                             f"cannot assign {self.describe_shape(shape)} to it",
                             value_node or node)
        self._store_tuple(held, value, node, value_node)

    def shape(self, value):
        """The nesting of a tuple (a count per level), None for a single value."""
        if not isinstance(value, tuple):
            return None
        shape = tuple(self.shape(v) for v in value)
        return VectorShape(shape, value.vtype) if isinstance(value, Vector) else shape

    @staticmethod
    def describe_shape(shape):
        return "a value" if shape is None else f"a tuple of {len(shape)}"

    def _declare_tuple(self, name, value, node, path=""):
        if not isinstance(value, tuple):
            return self.em.declare_var(self.em.fresh(), f"{name}{path}", self.pos(node))
        held = tuple(self._declare_tuple(name, v, node, f"{path}[{i}]")
                     for i, v in enumerate(value))
        return value.like(held) if isinstance(value, Vector) else held

    def _store_tuple(self, held, value, node, value_node):
        if isinstance(held, tuple):
            for h, v in zip(held, value):
                self._store_tuple(h, v, node, value_node)
            return
        v = self.as_value(value, value_node or node)
        self.em.emit(f"cuft.var_store {v.name}, {held.name} : {v.type}, {VAR}", self.pos(node))

    def _load_tuple(self, held, node):
        if isinstance(held, tuple):
            items = tuple(self._load_tuple(h, node) for h in held)
            return held.like(items) if isinstance(held, Vector) else items
        return self.em.op(f"cuft.var_load {held.name} : {VAR} -> {UNKNOWN}", self.pos(node))

    def temp(self, kind, node):
        """A fresh compiler temporary (and/or, conditional expressions, chains)."""
        return self.em.declare_var(self.em.fresh(), kind, self.pos(node))

    def store_temp(self, var, value, node):
        value = self.as_value(value, node)
        self.em.emit(f"cuft.var_store {value.name}, {var.name} : {value.type}, {VAR}", self.pos(node))

    def load_temp(self, var, node):
        return self.em.op(f"cuft.var_load {var.name} : {VAR} -> {UNKNOWN}", self.pos(node))

    # -- statements ---------------------------------------------------------
    def body(self, stmts):
        outer = self.statement
        for s in stmts:
            if self.em.terminated:
                break  # unreachable after return/break/continue
            self.statement = s
            self.visit(s)
        self.statement = outer

    def visit_Pass(self, node):
        pass

    def visit_Raise(self, node):
        if self.module.debug:  # reported after the launch (cuft.raise)
            code = self._raise_code(node)
            self.em.terminator(f"cuft.raise {code}", self.pos(node))
            return
        # Without debug=True numba-cuda ignores a kernel's exception: the
        # thread that raises stops there. The exception is not evaluated.
        if not self.is_kernel:
            raise self.error("'raise' in a device function needs debug=True (in a kernel "
                             "it stops the thread without it, as numba-cuda does)", node)
        self.em.terminator("cuft.return", self.pos(node))

    def _raise_code(self, node):
        """The raise site's code (errors.register_raise): the exception's class
        and arguments must be known when the kernel compiles, as numba requires."""
        exc = node.exc
        if exc is None:
            raise self.error("a bare 'raise' is not supported in kernels", node)
        target = exc.func if isinstance(exc, ast.Call) else exc
        cls = self.static_value_or_none(target)
        if isinstance(exc, ast.Call) and exc.keywords:
            raise self.error("an exception raised in a kernel takes positional arguments "
                             "only", exc)
        args = ()
        if isinstance(cls, BaseException):  # an instance: its class and arguments
            cls, args = type(cls), cls.args
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            raise self.error("a kernel can raise an exception class or a call of one with "
                             "constant arguments", target)
        if isinstance(exc, ast.Call):
            args = []
            for a in exc.args:
                v = self.static_value_or_none(a)
                if v is _NOT_STATIC or not isinstance(v, (str, int, float, bool, type(None))):
                    raise self.error("the arguments of an exception raised in a kernel "
                                     "must be constants (numbers or strings)", a)
                args.append(v)
            args = tuple(args)
        line, col = self.pos(node)
        return register_raise(cls, args, self.src.filename, line, col)

    def visit_Assert(self, node):
        if self.module.debug:
            # `if not test: raise AssertionError(msg)`, reported after the launch.
            exc = ast.Call(func=ast.Name("AssertionError", ast.Load()),
                           args=[] if node.msg is None else [node.msg], keywords=[])
            check = ast.If(test=ast.UnaryOp(ast.Not(), node.test),
                           body=[ast.Raise(exc=exc, cause=None)], orelse=[])
            for n in ast.walk(check):
                if not hasattr(n, "lineno"):
                    ast.copy_location(n, node)
            return self.visit_If(check)
        # Compiled out, as numba-cuda compiles assertions out without
        # debug=True (and as `python -O` does): the test is not evaluated.

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring or a string used as a comment
        self.visit(node.value)

    def visit_Assign(self, node):
        value = self.visit(node.value)
        for target in node.targets:
            self.assign(target, value, node.value)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self.assign(node.target, self.visit(node.value), node.value)

    def assign(self, target, value, value_node):
        ref = self.field_target(target)
        if ref is not None:  # r.x = v, r['x'] = v, r.v[j] = v
            record, name, indices = ref
            self.setfield(self.as_value(value, value_node), record, name, indices, target)
        elif isinstance(target, ast.Name):
            self.store_var(target.id, value, target, value_node)
        elif isinstance(target, ast.Subscript):
            array = self.as_value(self.visit(target.value), target.value)
            elts = target.slice.elts if isinstance(target.slice, ast.Tuple) else [target.slice]
            if self.is_view_index(elts):
                # a[1:n] = v, a[:, j] = b, a[..., 0] = v: every element of the view (cuft.fill)
                view = self.view(array, elts, target)
                value = self.as_value(value, value_node)
                self.em.emit(f"cuft.fill {view.name}, {value.name} : {view.type}, {value.type}",
                             self.pos(target))
                return
            indices = self.indices(target.slice)
            value = self.as_value(value, value_node)
            self.emit_store(value, array, indices, target)
        elif isinstance(target, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in target.elts):
                raise self.error("starred assignment is not supported", target)
            items = self.unpack(value, len(target.elts), value_node)
            for t, v in zip(target.elts, items):
                self.assign(t, v, value_node)
        else:
            raise self.error(f"cannot assign to {type(target).__name__.lower()} in a kernel", target)

    def field_target(self, target):
        """(record, field name, indices) when assigning ``target`` writes a
        record's field, else None."""
        if isinstance(target, ast.Attribute):
            field = self.field_of(target)
            if field is None:
                raise self.error(f"cannot assign to attribute '{target.attr}' in a kernel",
                                 target)
            return (*field, [])
        if isinstance(target, ast.Subscript):
            field = self.field_of(target)
            if field is not None:
                return (*field, [])
            field = None if _has_slice(target.slice) else self.field_of(target.value)
            if field is not None:
                return (*field, self.indices(target.slice))
        return None

    def visit_AugAssign(self, node):
        target = node.target
        ref = self.field_target(target)
        if ref is not None:  # r.x += v
            record, name, indices = ref
            current = self.getfield(record, name, indices, target)
            rhs = self.as_value(self.visit(node.value), node.value)
            self.setfield(self.binop(node.op, current, rhs, node), record, name, indices, target)
        elif isinstance(target, ast.Name):
            current = self.visit(target)
            rhs = self.as_value(self.visit(node.value), node.value)
            self.store_var(target.id, self.binop(node.op, current, rhs, node), target)
        elif isinstance(target, ast.Subscript):
            array = self.as_value(self.visit(target.value), target.value)
            indices = self.indices(target.slice)
            current = self.emit_load(array, indices, target)
            rhs = self.as_value(self.visit(node.value), node.value)
            self.emit_store(self.binop(node.op, current, rhs, node), array, indices, target)
        else:
            raise self.error("unsupported target of an augmented assignment", target)

    def visit_If(self, node):
        # An elif chain is one list of arms, walked in a loop: no recursion per
        # elif, and long chains emit flat IR (see ``branches``).
        chain = [node]
        while len(chain[-1].orelse) == 1 and isinstance(chain[-1].orelse[0], ast.If):
            chain.append(chain[-1].orelse[0])

        def arm(n):
            return lambda: self.body(n.body)

        final = chain[-1].orelse
        self.branches([(n, n.test, arm(n)) for n in chain],
                      (lambda: self.body(final)) if final else None)

    def branches(self, arms, final):
        """``if t0: b0 elif t1: b1 ... else: final`` (statements or a
        conditional expression): ``arms`` is a list of (node for the location,
        test expression, function emitting the arm's body); ``final`` emits the
        else part, or is None.

        Up to ``_NESTED_ARMS`` arms nest as Python reads them (each elif in the
        previous else region). A longer chain is flat, each arm at the depth of
        the statement: ``go = true``; ``if t0 { go = false; b0 }``; ``if go { if
        t1 { go = false; b1 } }``; ...; ``if go { final }``. Either way, after an
        arm that always ends (return, break, continue) the rest of the chain
        follows the arm's if instead of sitting in its else region (it runs only
        when the test failed), which keeps a function whose arms all return
        ending in a return.
        """
        # A test of a tuple's length (`if len(t) == 1:`) is decided here: only
        # the arm taken is compiled, so each tuple shape gets its own code. So
        # is a test known at compile time (a global such as DEBUG, a bool
        # literal a device function was given), as numba prunes it: the arm
        # not taken need not even type.
        written = arms
        kept = []
        for node, test, emit in arms:
            decided = self._tuple_length_test(test)
            if decided is None:
                decided = self._static_truth(test)
            if decided is None:
                kept.append((node, test, emit))
            elif decided:
                final = emit  # taken whenever the arms before it are not
                break
        arms = kept
        if not arms:
            if final is not None:
                final()
            return
        if len(arms) > _NESTED_ARMS:
            return self._flat_branches(arms, final, written)
        opened = 0  # ifs whose else region the rest of the chain is in
        for k, (node, test, emit) in enumerate(arms):
            cond = self.as_value(self.visit(test), test)
            self.em.begin(f"cuft.if {cond.name} : {cond.type}", self.pos(node))
            emit()
            if k + 1 == len(arms) and final is None:
                self.em.end()
            elif self.em.terminated:
                self.em.end()
            else:
                self.em.middle("else")
                opened += 1
        if final is not None:
            final()
        for _ in range(opened):
            self.em.end()

    def _flat_branches(self, arms, final, written):
        """A long chain, flat: in a loop that runs once when the chain can
        fall through and holds no break or continue of the user's (each arm
        breaks out of it), else with a flag.
        ``written``: the chain's arms as written (before tuple-length tests
        were decided)."""
        if self._chain_in_loop_form(written, final):
            return self._looped_branches(arms, final)
        first = arms[0][0]
        go = self.temp("$elif", first)  # no arm taken yet
        self.store_temp(go, self.constant(True, first), first)
        false = self.constant(False, first)  # here, where it dominates every arm
        guarded = False  # whether an earlier arm can fall through (then `go` decides)
        for node, test, emit in arms:
            pos = self.pos(node)
            if guarded:
                g = self.load_temp(go, node)
                self.em.begin(f"cuft.if {g.name} : {g.type}", pos)
            cond = self.as_value(self.visit(test), test)
            self.em.begin(f"cuft.if {cond.name} : {cond.type}", pos)
            self.store_temp(go, false, node)
            emit()
            falls_through = not self.em.terminated
            self.em.end()
            if guarded:
                self.em.end()
            guarded = guarded or falls_through
        if final is not None:
            if guarded:
                g = self.load_temp(go, first)
                self.em.begin(f"cuft.if {g.name} : {g.type}", self.pos(first))
                final()
                self.em.end()
            else:
                final()

    @staticmethod
    def _chain_in_loop_form(arms, final):
        """Whether a long chain (its arms as written: ast.If nodes of an elif
        chain, ast.IfExp of a conditional expression) suits _looped_branches: no
        break or continue binds to a loop around the chain (the chain's own
        loop would take it), and some arm, the else part, or its absence lets
        the chain fall through (when every arm ends, the flag form has no flag
        to test: see _flat_branches)."""
        nodes = [node for node, _, _ in arms]
        if not all(isinstance(n, (ast.If, ast.IfExp)) for n in nodes):
            return False
        if any(isinstance(n, ast.IfExp) for n in nodes):
            return True  # expressions hold no break, continue or return
        bodies = [n.body for n in nodes] + [nodes[-1].orelse]
        if any(_exits_loop(body) for body in bodies):
            return False
        return final is None or not all(_always_ends(body) for body in bodies)

    def _looped_branches(self, arms, final):
        """``while true { if t0 { b0; break }; if t1 { b1; break }; ...;
        final; break }``: every arm taken branches straight to the end, the
        shape nested ifs give, without their nesting (MLIR's parser recursed
        through thousands) or a flag tested per arm (LLVM's SimplifyCFG
        threaded 2,500 such tests in 4 s, quadratically)."""
        first = arms[0][0]
        pos = self.pos(first)
        self.em.begin("cuft.while", pos)
        true = self.constant(True, first)
        self.em.terminator(f"cuft.condition {true.name} : {true.type}", pos)
        self.em.middle("do")
        for node, test, emit in arms:
            pos = self.pos(node)
            cond = self.as_value(self.visit(test), test)
            self.em.begin(f"cuft.if {cond.name} : {cond.type}", pos)
            emit()
            if not self.em.terminated:
                self.em.terminator("cuft.break", pos)
            self.em.end()
        if final is not None:
            final()
        if not self.em.terminated:  # the else part may return
            self.em.terminator("cuft.break", self.pos(first))
        self.em.end()

    def visit_For(self, node):
        if node.orelse:
            raise self.error("'for ... else' is not supported", node.orelse[0])
        it = node.iter
        if not (isinstance(it, ast.Call) and self.static_value_or_none(it.func) is range):
            return self.for_over_tuple(node)
        if not isinstance(node.target, ast.Name):
            raise self.error("the loop variable must be a single name", node.target)
        if it.keywords or not 1 <= len(it.args) <= 3:
            raise self.error("range() takes 1 to 3 positional arguments", it)
        args = [self.as_value(self.visit(a), a) for a in it.args]
        if len(args) == 1:
            args = [self.constant(0, it), args[0]]
        if len(args) == 2:
            args.append(self.constant(1, it))
        lo, hi, step = args
        iv = self.em.fresh()
        self.em.begin(f"cuft.for {iv} = {lo.name} to {hi.name} step {step.name} : "
                      f"({lo.type}, {hi.type}, {step.type}) -> {UNKNOWN}", self.pos(node))
        self.store_var(node.target.id, Value(iv), node.target)
        self.loops.append(None)
        self.body(node.body)
        self.loops.pop()
        self.em.end()

    def for_over_tuple(self, node):
        """``for`` over anything but ``range``: a tuple (unrolled: its length is
        known when the kernel is compiled), a 1-D array (its elements), and
        ``enumerate``/``zip`` of those."""
        kind, *what = self.iteration(node.iter)
        if kind == "indexed":
            n, get = what
            self._unbind_loop_names([t for t in ast.walk(node.target) if isinstance(t, ast.Name)])
            iv = self.em.fresh()
            zero, one = self.constant(0, node.iter), self.constant(1, node.iter)
            self.em.begin(f"cuft.for {iv} = {zero.name} to {n.name} step {one.name} : "
                          f"({zero.type}, {n.type}, {one.type}) -> {UNKNOWN}", self.pos(node))
            self.assign(node.target, get(Value(iv)), node.iter)
            self.loops.append(None)
            self.body(node.body)
            self.loops.pop()
            self.em.end()
            return
        items, limit = what[0], what[1] if len(what) > 1 else None
        exits = {type(s) for s in ast.walk(ast.Module(body=node.body, type_ignores=[]))
                 if isinstance(s, (ast.Break, ast.Continue)) and not self._in_inner_loop(node, s)}
        # Names only this loop assigns are bound to each item as it is, not
        # stored in a variable: items of a tuple may have different types
        # (`for a in (x_f32, y_f64)`), as they do in Python. After a `break`
        # the name keeps the item it broke at: a variable holds it then.
        targets = [n for n in ast.walk(node.target) if isinstance(n, ast.Name)]
        in_target = {id(n) for n in targets}
        # Items made inside a guard (a zip with an array) are stored too.
        # So are names other loops assign as well (`for v in (a2, b2)` then
        # `for v in (a4, b4)`, vectors of 2 then 4), where each loop binds
        # them for its body and nothing reads them elsewhere (_loop_names).
        own = all(id(site) in in_target for n in targets for site in self.stores[n.id])
        rebind = limit is None and ast.Break not in exits and _names_only(node.target) and (
            own or all(n.id in self._loop_names() for n in targets))
        pos = self.pos(node)
        broke = None  # with a break: whether it ran, skipping the items after
        if ast.Break in exits:
            broke = self.temp("$break", node)
            self.store_temp(broke, self.constant(False, node), node)
        for k, item in enumerate(items):
            if self.em.terminated:
                break
            if broke is not None:
                go = self.unop("not", self.load_temp(broke, node), node)
                self.em.begin(f"cuft.if {go.name} : {go.type}", pos)
            if limit is not None:
                more = self.cmp(ast.Lt(), self.constant(k, node), limit, node)
                self.em.begin(f"cuft.if {more.name} : {more.type}", pos)
            item = _Lazy.made(item)
            if rebind:
                self.bind(node.target, item, node.iter)
            else:
                self._unbind_loop_names(targets)
                self.assign(node.target, item, node.iter)
            if exits:
                # The item's body runs in a loop that runs once: `continue`
                # leaves it (cuft.break), `break` too, after setting `broke`.
                self.em.begin("cuft.while", pos)
                true = self.constant(True, node)
                self.em.terminator(f"cuft.condition {true.name} : {true.type}", pos)
                self.em.middle("do")
                self.loops.append(broke if broke is not None else _UNROLLED)
                self.body(node.body)
                self.loops.pop()
                if not self.em.terminated:
                    self.em.terminator("cuft.break", pos)
                self.em.end()
            else:
                self.body(node.body)
            if limit is not None:
                self.em.end()
            if broke is not None:
                self.em.end()
        if rebind and not own:
            self._unbind_loop_names(targets)  # read nowhere after the loop

    def _loop_names(self):
        """The names every store of which is a ``for`` target and every read
        of which is in the body of a loop over that name: an unrolled loop
        binds them to its items (for_over_tuple), whatever other loops bind."""
        if self._loop_names_found is None:
            fdef = self.src.node
            targets, inside, reads = set(), set(), {}
            for f in ast.walk(fdef):
                if isinstance(f, ast.Name) and isinstance(f.ctx, ast.Load):
                    reads.setdefault(f.id, []).append(f)
                if not isinstance(f, (ast.For, ast.AsyncFor)):
                    continue
                names = {n.id for n in ast.walk(f.target) if isinstance(n, ast.Name)}
                targets.update(id(n) for n in ast.walk(f.target) if isinstance(n, ast.Name))
                inside.update(id(n) for stmt in f.body for n in ast.walk(stmt)
                              if isinstance(n, ast.Name) and n.id in names)
            self._loop_names_found = {
                name for name, sites in self.stores.items()
                if all(id(site) in targets for site in sites)
                and all(id(r) in inside for r in reads.get(name, ()))}
        return self._loop_names_found

    def _unbind_loop_names(self, targets):
        """Names an earlier unrolled loop bound (_loop_names), now stored."""
        for n in targets:
            if n.id in (self._loop_names_found or ()):
                self.bound.pop(n.id, None)

    def bind(self, target, value, value_node):
        """``target = value`` for names that are bound, not stored (for_over_tuple)."""
        if isinstance(target, ast.Name):
            self.bound[target.id] = value
            return
        if any(isinstance(e, ast.Starred) for e in target.elts):
            raise self.error("starred assignment is not supported", target)
        for t, v in zip(target.elts, self.unpack(value, len(target.elts), value_node)):
            self.bind(t, v, value_node)

    def iteration(self, it):
        """What ``for`` walks: ("tuple", items) or ("indexed", count, get), where
        ``get(i)`` gives the i-th item (a value or a tuple) in the loop body."""
        if isinstance(it, ast.Call) and not it.keywords:
            fn = self.static_value_or_none(it.func)
            if fn is enumerate:
                if len(it.args) != 1:
                    raise self.error("enumerate() in a kernel takes one argument", it)
                kind, *what = self.iteration(it.args[0])
                if kind == "tuple":
                    items = tuple(_Lazy(lambda k=k, v=v: (self.constant(k, it), _Lazy.made(v)))
                                  if isinstance(v, _Lazy) else (self.constant(k, it), v)
                                  for k, v in enumerate(what[0]))
                    return ("tuple", items, *what[1:])
                n, get = what
                return ("indexed", n, lambda i: (i, get(i)))
            if fn is zip:
                parts = [self.iteration(a) for a in it.args]
                if not parts:
                    raise self.error("zip() in a kernel takes one or more arguments", it)
                if all(p[0] == "tuple" for p in parts):
                    return ("tuple", tuple(zip(*(p[1] for p in parts))))
                if any(p[0] == "tuple" for p in parts):
                    return self._zip_guarded(parts, it)
                n = parts[0][1]
                for p in parts[1:]:  # the shortest, as zip stops
                    n = self.binary("min", n, p[1], it)
                gets = [p[2] for p in parts]
                return ("indexed", n, lambda i: tuple(g(i) for g in gets))
            if fn is range:
                return self._range_items(it)
        v = self.visit(it)
        if isinstance(v, tuple):
            return ("tuple", v)
        array = self.as_value(v, it, what="iterate over it")
        return ("indexed", self.dim(array, 0, it),
                lambda i: self.emit_load(array, [i], it))

    def _zip_guarded(self, parts, it):
        """``zip`` of tuples with arrays or ranges: unrolled over the shortest
        tuple, item k made (its loads too) only while k is below every other
        part's length, which is known at run time: ("tuple", items, limit),
        each item a _Lazy."""
        length = min(len(p[1]) for p in parts if p[0] == "tuple")
        limit = None
        for p in parts:
            if p[0] != "tuple":
                limit = p[1] if limit is None else self.binary("min", limit, p[1], it)

        def item(k):
            return tuple(p[1][k] if p[0] == "tuple" else p[2](self.constant(k, it))
                         for p in parts)
        return ("tuple", tuple(_Lazy(lambda k=k: item(k)) for k in range(length)), limit)

    def _range_items(self, it):
        """``range(...)`` inside enumerate or zip: ("indexed", its length,
        lo + i * step). A step known when compiled picks the length's formula;
        one known at run time takes Python's, and a zero step gives no items
        (as ``for i in range(lo, hi, 0)`` runs none)."""
        if it.keywords or not 1 <= len(it.args) <= 3:
            raise self.error("range() takes 1 to 3 positional arguments", it)

        def op(mnemonic, a, b):
            return self.binary(mnemonic, a, b, it)
        bounds = [self.as_value(self.visit(a), a) for a in it.args[:2]]
        lo, hi = bounds if len(bounds) == 2 else (self.constant(0, it), bounds[0])
        step = 1
        if len(it.args) == 3:
            step = self._static_number(it.args[2])
            if isinstance(step, bool) or (step is not None and
                                          not isinstance(step, numbers.Integral)):
                raise self.error("range() needs an integer step", it.args[2])
            if step == 0:
                raise self.error("range() arg 3 must not be zero", it.args[2])
        if step is None:  # known at run time
            k = self.as_value(self.visit(it.args[2]), it.args[2])
            # len(range(lo, hi, k)) = max(0, ceil((hi - lo) / k)), by a divisor
            # made non-zero; a zero step counts none.
            zero = self.constant(0, it)
            nonzero = self.cmp(ast.NotEq(), k, zero, it)
            divisor = op("add", k, self.cmp(ast.Eq(), k, zero, it))
            n = op("sub", zero, op("floordiv", op("sub", lo, hi), divisor))
            n = op("mul", op("max", n, zero), nonzero)
            return ("indexed", n, lambda i: op("add", lo, op("mul", i, k)))
        # len(range(lo, hi, step)): ceil((hi - lo) / step), at least 0
        span = op("sub", hi, lo) if step > 0 else op("sub", lo, hi)
        n = op("floordiv", op("add", span, self.constant(abs(step) - 1, it)),
               self.constant(abs(step), it))
        n = op("max", n, self.constant(0, it))
        k = self.constant(step, it)
        return ("indexed", n, lambda i: op("add", lo, op("mul", i, k)))

    @staticmethod
    def _in_inner_loop(outer, stmt):
        """Whether ``stmt`` (a break or continue in ``outer``'s body) belongs
        to a loop nested in ``outer``."""
        for n in ast.walk(ast.Module(body=outer.body, type_ignores=[])):
            if isinstance(n, (ast.For, ast.While)) and any(m is stmt for m in ast.walk(n)):
                return True
        return False

    def visit_While(self, node):
        if node.orelse:
            raise self.error("'while ... else' is not supported", node.orelse[0])
        self.em.begin("cuft.while", self.pos(node))
        cond = self.as_value(self.visit(node.test), node.test)
        self.em.terminator(f"cuft.condition {cond.name} : {cond.type}", self.pos(node.test))
        self.em.middle("do")
        self.loops.append(None)
        self.body(node.body)
        self.loops.pop()
        self.em.end()

    def visit_Break(self, node):
        if not self.loops:
            raise self.error("'break' outside a loop", node)
        if self.loops[-1] is not None:  # an unrolled loop: skip its other items
            self.store_temp(self.loops[-1], self.constant(True, node), node)
        self.em.terminator("cuft.break", self.pos(node))

    def visit_Continue(self, node):
        if not self.loops:
            raise self.error("'continue' outside a loop", node)
        # In an unrolled loop: leave this item's one-trip loop.
        self.em.terminator("cuft.continue" if self.loops[-1] is None else "cuft.break",
                           self.pos(node))

    def visit_Return(self, node):
        if node.value is None:
            if self.returns_value:
                raise self.error("a device function that returns a value must return one on "
                                 "every path", node)
            self.em.terminator("cuft.return", self.pos(node))
            return
        if self.is_kernel:
            raise self.error("a kernel cannot return a value", node)
        value = self.visit(node.value)
        shape = self.shape(value)
        if self.result_shape is not _COMPILING and self.result_shape != shape:
            raise self.error(f"returns {self.describe_shape(shape)} here and "
                             f"{self.describe_shape(self.result_shape)} elsewhere", node.value)
        self.result_shape = shape
        values = [self.as_value(v, node.value, what="return") for v in leaves(value)]
        if not values:
            self.em.terminator("cuft.return", self.pos(node))
            return
        self.em.terminator(f"cuft.return {', '.join(v.name for v in values)} : "
                           f"{', '.join(v.type for v in values)}", self.pos(node))


def _names_only(target):
    """Whether an assignment target is names and tuples of names only."""
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, (ast.Tuple, ast.List)) and all(_names_only(e) for e in target.elts)


def _leaf_paths(shape, path=""):
    """The suffix of each element's name, in ``leaves`` order: "" for a value."""
    if shape is None:
        return [path]
    return [p for k, s in enumerate(shape) for p in _leaf_paths(s, f"{path}.{k}")]


def generate(fn, *, is_kernel=True, param_shapes=(), defer_errors=False, debug=False):
    """Generic cuft IR for ``fn`` and, transitively, every device function it
    calls. ``param_shapes``: per parameter, None or the shape of the tuple it
    is given (a tuple's elements are parameters of their own); () for none.

    ``defer_errors``: an error in the body is kept in the result (``error``,
    ``ir`` None) with the parameters and the captures read before it (the
    same values reach the same error), and raised by ``require()``: a
    kernel that unpacks a parameter can still take a tuple there."""
    fn = unwrap(fn)
    module = ModuleBuilder(debug)
    module.entry = fn
    name = module.symbol(fn, param_shapes)
    codegen = FunctionCodegen(fn, module, is_kernel, param_shapes)
    src = module.source(fn)
    try:
        text, arg_names, constexprs, positions, position, _ = codegen.run()
    except CompileError as e:
        if not defer_errors or not hasattr(codegen, "parameters"):
            raise
        arg_names, constexprs, positions, position = codegen.parameters
        return FrontendResult(ir=None, name=name, arg_names=tuple(arg_names),
                              constexpr_args=tuple(constexprs), filename=src.filename,
                              firstlineno=src.firstlineno, arg_positions=tuple(positions),
                              position=position, captures=_dedup(module.captures),
                              param_shapes=param_shapes, error=e)
    parts = [text, *module.parts, *(ext.declaration() for ext in module.externals.values())]
    ir = "module {\n" + "\n".join(parts) + "\n}\n"
    return FrontendResult(ir=ir, name=name, arg_names=tuple(arg_names),
                          constexpr_args=tuple(constexprs), filename=src.filename,
                          firstlineno=src.firstlineno, callees=tuple(module.callees),
                          arg_positions=tuple(positions), position=position,
                          captures=_dedup(module.captures),
                          externals=tuple(module.externals), param_shapes=param_shapes)


def _dedup(captures):
    seen, out = set(), []
    for owner, name, value in captures:
        if (id(owner), name) not in seen:
            seen.add((id(owner), name))
            out.append((owner, name, value))
    return tuple(out)
