"""A differential fuzz of cuft's scalar semantics (docs/TypeSystem.md): random
expression trees compiled into one kernel each, run on the host target, and
each result compared with a model of the documented rules written here in
Python. These kinds of trees:

- ``integers``: trees of each signed and unsigned integer type of 8 to 64
  bits (each tree one type, with casts between them): wrap-around, floor
  division and Python's modulo (by zero: 0), ``**`` (a negative exponent: 0
  unless the base is 1 or -1), shifts (a count past the width, or negative,
  shifts every bit out), min, max, abs, conditional expressions (comparison
  chains too), ``and`` and ``or`` chains;
- ``float64``: float64 trees with int64 leaves converted, Python's float
  ``//`` and ``%`` (CPython's signed zeros), IEEE division by zero, min and
  max (IEEE 754-2019's minimumNumber: NaN skipped, -0.0 below +0.0),
  ``math.floor``, ``ceil``, ``trunc`` and ``round`` to int64 (saturating, NaN
  0), ``and``/``or`` chains;
- ``float32``: float32 trees with weak literals, rounded at each operation
  (the same operations); ``float16`` likewise (floor division's steps in
  float32, as the lowering takes them);
- ``mixed``: trees over variables of bool, the eight integer types, ``f16``,
  ``f32`` and ``f64``, each operation in the promoted type of its operands
  (NumPy's rules: ``u64`` with a signed integer is ``f64``, ``u8`` with ``i8``
  is ``i16``, ``i32`` with ``f32`` is ``f64``, ``i16`` with ``f16`` is ``f32``,
  bool with anything the other; arithmetic on two bools is on ``i64``), conditional
  expressions of two types and comparison chains included, and ``and``/``or``
  chains (Python's value: the operand that ends the chain, converted to the
  join of all their types; each operand's truth its own).

Expressions whose model value Python cannot give (an overflow past float, a
NaN into a floor) are skipped, never guessed. ``folded``: the same trees with
their inputs compiled in (constexpr parameters, the names replaced by what
they were assigned), so that constant folding computes every expression.
``check(kind, seed)`` returns the mismatches as text; test_semantics_fuzz.py
runs a few seeds of each, and ``python semantics_fuzz.py KIND FIRST LAST
[--folded]`` runs more (it found the float min/max rules' two bugs: a zero's
sign that depended on the operands' order, and LLVM's X86 code for minimumnum
returning a NaN)."""
import importlib.util
import math
import os
import random
import re
import sys
import tempfile
import warnings

import numpy as np

import cuft


class Skip(Exception):
    """The model has no value for this expression."""


def _to_int64(fn, v):
    """math.floor/ceil/trunc or round (half to even) of float ``v`` as an
    int64, as cuft computes them: saturating, NaN 0."""
    if math.isnan(v) or math.isinf(v):
        return _sat64(v)
    i = {"math.floor": math.floor, "math.ceil": math.ceil, "math.trunc": math.trunc,
         "round": round}[fn](v)
    return max(-(1 << 63), min((1 << 63) - 1, i))


def _sat64(v):
    """A float to int64 as cuft converts: toward zero, clamped, NaN 0."""
    if math.isnan(v):
        return 0
    if v >= 2.0**63:
        return (1 << 63) - 1
    if v < -2.0**63:
        return -(1 << 63)
    return int(v)


# -- integers ------------------------------------------------------------------------
INT_TYPES = {"i8": (8, True), "i16": (16, True), "i32": (32, True), "i64": (64, True),
             "u8": (8, False), "u16": (16, False), "u32": (32, False), "u64": (64, False)}
INT_CTORS = {t: f"cuft.{'u' if t[0] == 'u' else ''}int{t[1:]}" for t in INT_TYPES}
INT_DTYPES = {t: np.dtype(f"{'u' if t[0] == 'u' else ''}int{t[1:]}").type for t in INT_TYPES}


def wrap(v, t):
    width, signed = INT_TYPES[t]
    v %= 1 << width
    return v - (1 << width) if signed and v >= 1 << (width - 1) else v


def _shift(a, k, t, left):
    width, _ = INT_TYPES[t]
    k %= 1 << width  # a negative count is read as unsigned
    if k >= width:
        return 0 if left or a >= 0 else -1
    return wrap(a << k, t) if left else a >> k


def _int_pow(a, b, t):
    """Integer ``a ** b`` in type ``t``: wrapped; a negative exponent gives 0
    unless the base is 1 or -1."""
    if b < 0:
        return 1 if a == 1 else (-1 if b % 2 else 1) if a == -1 else 0
    return wrap(pow(a, b, 1 << INT_TYPES[t][0]), t)


_INT_OPS = {
    "+": lambda a, b, t: wrap(a + b, t), "-": lambda a, b, t: wrap(a - b, t),
    "*": lambda a, b, t: wrap(a * b, t),
    "//": lambda a, b, t: 0 if b == 0 else wrap(a // b, t),
    "%": lambda a, b, t: 0 if b == 0 else wrap(a % b, t),
    "&": lambda a, b, t: wrap(a & b, t), "|": lambda a, b, t: wrap(a | b, t),
    "^": lambda a, b, t: wrap(a ^ b, t),
    "<<": lambda a, b, t: _shift(a, b, t, True), ">>": lambda a, b, t: _shift(a, b, t, False),
    "min": lambda a, b, t: min(a, b), "max": lambda a, b, t: max(a, b),
    "**": lambda a, b, t: _int_pow(a, b, t),
}
_COMPARE = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b,
            "!=": lambda a, b: a != b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _bool_chain(op, models, env):
    """Python's ``and``/``or`` of the operands' models, each run only while
    the chain is undecided: the operand whose truth ends it, else the last
    (NaN is true)."""
    for f in models[:-1]:
        v = f(env)
        if bool(v) != (op == "and"):
            return v
    return models[-1](env)


def _compare_chain(rng, operands):
    """(text, model) of a comparison chain over ``operands`` [(text, model,
    promoted type of it and the next or None)], each middle operand evaluated
    once, as Python does; ``to(v, t)`` converts where a type is given."""
    ops = [rng.choice(list(_COMPARE)) for _ in operands[1:]]
    text = operands[0][0] + "".join(f" {c} {o[0]}" for c, o in zip(ops, operands[1:]))

    def model(env, convert):
        left = operands[0][1](env)
        for k, c in enumerate(ops):
            right = operands[k + 1][1](env)
            if not _COMPARE[c](*convert(k, left, right)):
                return False
            left = right
        return True
    return text, model


def _per_type_kernel(trees, names):
    """The kernel of ``trees`` ({type: [(text, model)]}): per type ``t`` an
    input array ``a_t`` read into variables ``{name}_t``, one per name, and an
    output array ``o_t`` the type's expressions are stored to, in order."""
    types = list(trees)
    body = "".join(f"    {v}_{t} = a_{t}[{k}]\n" for t in types for k, v in enumerate(names))
    body += "".join(f"    o_{t}[{j}] = {text}\n" for t in types
                    for j, (text, _) in enumerate(trees[t]))
    params = ", ".join([f"a_{t}" for t in types] + [f"o_{t}" for t in types])
    return f"def k({params}):\n" + body


def _int_tree(rng, t, depth):
    """(text, model) of an expression of integer type ``t``."""
    if depth <= 0 or rng.random() < 0.2:
        if rng.random() < 0.6:
            name = f"{rng.choice('pqr')}_{t}"
            return name, lambda env: env[name]
        width, signed = INT_TYPES[t]
        c = wrap(rng.choice([0, 1, 2, 3, 7, 31, 32, 63, 64, 100, -1, -5, (1 << width) - 1]), t)
        return f"{INT_CTORS[t]}({c})", lambda env: c
    op = rng.choice(list(_INT_OPS) + ["neg", "inv", "abs", "cast", "ifexp", "and", "or"])
    if op in ("and", "or"):
        parts = [_int_tree(rng, t, depth - 1) for _ in range(rng.choice([2, 3]))]
        return (f"({f' {op} '.join(p[0] for p in parts)})",
                lambda env: _bool_chain(op, [p[1] for p in parts], env))
    if op == "cast":
        text, f = _int_tree(rng, rng.choice(list(INT_TYPES)), depth - 1)
        return f"{INT_CTORS[t]}({text})", lambda env: wrap(f(env), t)
    if op in ("neg", "inv", "abs"):
        text, f = _int_tree(rng, t, depth - 1)
        g = {"neg": lambda v: -v, "inv": lambda v: ~v, "abs": abs}[op]
        return {"neg": f"(-{text})", "inv": f"(~{text})", "abs": f"abs({text})"}[op], \
            lambda env: wrap(g(f(env)), t)
    if op == "ifexp":
        u = rng.choice(list(INT_TYPES))
        tests = [_int_tree(rng, u, depth - 1) for _ in range(rng.choice([2, 2, 3]))]
        test, holds = _compare_chain(rng, tests)
        (sx, fx), (sy, fy) = _int_tree(rng, t, depth - 1), _int_tree(rng, t, depth - 1)
        return (f"({sx} if {test} else {sy})",
                lambda env: fx(env) if holds(env, lambda k, a, b: (a, b)) else fy(env))
    (sa, fa), (sb, fb) = _int_tree(rng, t, depth - 1), _int_tree(rng, t, depth - 1)
    g = _INT_OPS[op]
    text = f"{op}({sa}, {sb})" if op in ("min", "max") else f"({sa} {op} {sb})"
    return text, lambda env: g(fa(env), fb(env), t)


def _integers(rng):
    n = 8
    trees = {t: [_int_tree(rng, t, 4) for _ in range(n)] for t in INT_TYPES}
    kernel = _per_type_kernel(trees, "pqr")

    def inputs():
        arrays = []
        for t in INT_TYPES:
            width, signed = INT_TYPES[t]
            pool = [0, 1, 2, 3, 5, 7, 31, 32, 33, 63, 64, 65, 12345, (1 << (width - 1)) - 1,
                    1 << (width - 1), (1 << width) - 1]
            if signed:
                pool += [-1, -2, -7, -31, -64, -(1 << (width - 1))]
            arrays.append(np.array([wrap(rng.choice(pool), t) for _ in range(3)],
                                   INT_DTYPES[t]))
        return arrays + [np.zeros(n, INT_DTYPES[t]) for t in INT_TYPES]

    def compare(args):
        env = {f"{v}_{t}": int(args[i][k]) for i, t in enumerate(INT_TYPES)
               for k, v in enumerate("pqr")}
        for i, t in enumerate(INT_TYPES):
            for j, (text, model) in enumerate(trees[t]):
                got, want = int(args[len(INT_TYPES) + i][j]), model(env)
                if got != want:
                    yield f"{t} {text} with {env}: cuft {got}, model {want}"

    return kernel, inputs, compare


# -- floats --------------------------------------------------------------------------
def minimum_number(x, y, largest):
    """IEEE 754-2019's minimumNumber (maximumNumber where ``largest``)."""
    if math.isnan(x):
        return y
    if math.isnan(y):
        return x
    if x == y:
        return x if (math.copysign(1.0, x) < 0) != largest else y
    return max(x, y) if largest else min(x, y)


def same_float(got, want):
    """Whether two floats are the same value: NaN is NaN, and zeros' signs count."""
    return (math.isnan(got) and math.isnan(want)) or (
        got == want and math.copysign(1.0, got) == math.copysign(1.0, want))


def _py_mod(a, b, rnd):
    """CPython's float %, each step rounded by ``rnd``."""
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        raise Skip
    r = rnd(math.fmod(a, b))
    if r != 0 and (r < 0) != (b < 0):
        r = rnd(r + b)
    return r if r != 0 else math.copysign(0.0, b)


def _py_floordiv(a, b, rnd):
    """CPython's float //, each step rounded by ``rnd``; by zero: a / 0."""
    if b == 0:
        return _true_div(a, b)
    if math.isinf(a) or math.isnan(a) or math.isnan(b) or math.isinf(b):
        raise Skip
    mod = rnd(math.fmod(a, b))
    div = rnd(rnd(a - mod) / b)
    if mod != 0 and (b < 0) != (mod < 0):
        div = rnd(div - 1.0)
    if div == 0:
        return math.copysign(0.0, a / b)
    floor = float(math.floor(div))
    return rnd(floor + 1.0) if rnd(div - floor) > 0.5 else floor


def _true_div(a, b):
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _float_tree(rng, depth, rnd, leaves, literals):
    """(text, model, literal) of a float expression; ``rnd`` rounds to its
    type; ``literal``: it holds no variable."""
    def sub():
        return _float_tree(rng, depth - 1, rnd, leaves, literals)

    if depth <= 0 or rng.random() < 0.25:
        if rng.random() < 0.7:
            name = rng.choice(leaves)
            return name, lambda env: env[name], False
        c = rng.choice(literals)
        return repr(c), lambda env: rnd(c), True
    op = rng.choice(["+", "-", "*", "/", "//", "%", "min", "max", "neg", "abs", "sqrt",
                     "ifexp", "and", "or", "to_int"])
    if op == "to_int":
        # math.floor, ceil, trunc and round give int64 (saturating, NaN 0), here
        # converted back to the tree's type.
        fn = rng.choice(["math.floor", "math.ceil", "math.trunc", "round"])
        text, f, _ = sub()
        ctor = {float: "float", _rounded_float32: "cuft.float32",
                _rounded_float16: "cuft.float16"}[rnd]
        return (f"{ctor}({fn}({text}))",
                lambda env: rnd(float(_to_int64(fn, f(env)))), False)
    if op in ("and", "or"):
        parts = [sub() for _ in range(rng.choice([2, 3]))]
        return (f"({f' {op} '.join(p[0] for p in parts)})",
                lambda env: _bool_chain(op, [p[1] for p in parts], env),
                all(p[2] for p in parts))
    if op in ("neg", "abs", "sqrt"):
        text, f, literal = sub()
        if op == "neg":
            return f"(-{text})", lambda env: -f(env), literal
        if op == "abs":
            return f"abs({text})", lambda env: abs(f(env)), literal
        return f"math.sqrt(abs({text}))", lambda env: rnd(math.sqrt(abs(f(env)))), literal
    if op == "ifexp":
        (sa, fa, _), (sb, fb, _), (sx, fx, lx), (sy, fy, ly) = sub(), sub(), sub(), sub()
        # Two literal arms give a weak value, whatever the test reads.
        return (f"({sx} if {sa} < {sb} else {sy})",
                lambda env: fx(env) if fa(env) < fb(env) else fy(env), lx and ly)
    (sa, fa, la), (sb, fb, lb) = sub(), sub()
    if la and lb:
        # Arithmetic on literals alone is exact (Python's), then rounded: not modelled.
        sa, fa = leaves[0], (lambda env: env[leaves[0]])
    if op in ("min", "max"):
        return (f"{op}({sa}, {sb})",
                lambda env: minimum_number(fa(env), fb(env), op == "max"), False)
    g = {"+": lambda a, b: rnd(a + b), "-": lambda a, b: rnd(a - b),
         "*": lambda a, b: rnd(a * b), "/": lambda a, b: rnd(_true_div(a, b)),
         # float16 takes its floor division's steps in float32 (Arith.cpp).
         "//": lambda a, b: rnd(_py_floordiv(a, b, _rounded_float32 if rnd is
                                             _rounded_float16 else rnd)),
         "%": lambda a, b: rnd(_py_mod(a, b, rnd))}[op]
    return f"({sa} {op} {sb})", lambda env: g(fa(env), fb(env)), False


def _rounded_float32(v):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(np.float32(v))


def _rounded_float16(v):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(np.float16(v))


def _floats(rng, bits):
    n = 24
    if bits == 64:
        rnd, dtype = float, np.float64
        leaves = ["x", "y", "fa", "fb"]
        head = ("    x = f[0]\n    y = f[1]\n    fa = float(i[0])\n    fb = float(i[1])\n")
        literals = [0.5, -2.25, 3.0, 1e10, 0.1]
        pool = [0.0, -0.0, 1.5, -2.5, 1e300, -1e-300, 3.0, 0.1, math.inf, -math.inf, math.nan]
    elif bits == 32:
        rnd, dtype = _rounded_float32, np.float32
        leaves = ["x", "y", "z"]
        head = ("    x = cuft.float32(f[0])\n    y = cuft.float32(f[1])\n"
                "    z = cuft.float32(f[2])\n")
        literals = [0.5, -2.25, 3.0, 7.0, 1e30]
        pool = [0.0, -0.0, 1.5, -2.5, 3e38, -1e-40, 3.0, 0.1, 1e-7, 65504.0]
    else:
        rnd, dtype = _rounded_float16, np.float16
        leaves = ["x", "y", "z"]
        head = "    x = f[0]\n    y = f[1]\n    z = f[2]\n"
        literals = [0.5, -2.25, 3.0, 7.0, 1e4, 0.1]
        pool = [0.0, -0.0, 1.5, -2.5, 65504.0, -6e-8, 3.0, 0.1, 1e-3, 1000.0, math.inf]
    trees = [_float_tree(rng, 4, rnd, leaves, literals)[:2] for _ in range(n)]
    body = head + "".join(f"    o[{j}] = {text}\n" for j, (text, _) in enumerate(trees))
    ints = [0, 1, -7, 123456789, 2**62, -(2**63)]

    def inputs():
        f = np.array([rng.choice(pool) for _ in range(3)], dtype)
        return [f, np.array([rng.choice(ints) for _ in range(2)], np.int64), np.zeros(n, dtype)]

    def compare(args):
        f, i, out = args
        env = {"x": float(f[0]), "y": float(f[1]), "z": float(f[2]),
               "fa": float(i[0]), "fb": float(i[1])}
        for j, (text, model) in enumerate(trees):
            try:
                want = rnd(model(env))
            except (Skip, ValueError, OverflowError, ZeroDivisionError):
                continue
            got = float(out[j])
            if not same_float(got, want):
                yield f"f{bits} {text} with {env}: cuft {got!r}, model {want!r}"

    return "def k(f, i, o):\n" + body, inputs, compare


# -- mixed types -----------------------------------------------------------------------
MIXED = {"b": ("b", 1, False), **{t: ("i",) + INT_TYPES[t] for t in INT_TYPES},
         "f16": ("f", 16, None), "f32": ("f", 32, None), "f64": ("f", 64, None)}
MIXED_DTYPES = {"b": np.bool_, **INT_DTYPES, "f16": np.float16, "f32": np.float32,
                "f64": np.float64}
_ROUND = {"f16": _rounded_float16, "f32": _rounded_float32, "f64": float}


def promote(a, b):
    """TypeSystem.md's promotion of two strong scalar types."""
    if a == b:
        return a
    if "b" in (a, b):  # bool with anything: the other type
        return b if a == "b" else a
    (ka, wa, sa), (kb, wb, sb) = MIXED[a], MIXED[b]
    if ka == kb == "f":
        return a if wa > wb else b
    if ka == kb == "i":
        if sa == sb:
            return a if wa > wb else b
        unsigned, signed = (a, b) if not sa else (b, a)
        wu, ws = MIXED[unsigned][1], MIXED[signed][1]
        return "f64" if wu == 64 else signed if wu < ws else f"i{2 * wu}"
    # The float, widened to one that holds every value of the integer.
    f, i = (a, b) if ka == "f" else (b, a)
    wi = MIXED[i][1]
    need = 16 if wi <= 8 else 32 if wi <= 16 else 64
    return f if MIXED[f][1] >= need else f"f{need}"


def _to(v, t):
    """A value of a narrower or equal type as type ``t`` (never float to int)."""
    if MIXED[t][0] == "f":
        return _ROUND[t](v)
    return int(v) if t == "b" else wrap(v, t)


def _mixed_tree(rng, depth):
    """(text, type, model) of an expression over variables of every type."""
    if depth <= 0 or rng.random() < 0.3:
        t = rng.choice(list(MIXED))
        name = f"{rng.choice('pq')}_{t}"
        return name, t, lambda env: env[name]
    op = rng.choice(["+", "-", "*", "//", "%", "min", "max", "ifexp", "and", "or"])
    if op in ("and", "or"):
        parts = [_mixed_tree(rng, depth - 1) for _ in range(rng.choice([2, 3]))]
        t = parts[0][1]
        for p in parts[1:]:
            t = promote(t, p[1])
        return (f"({f' {op} '.join(p[0] for p in parts)})", t,
                lambda env: _to(_bool_chain(op, [p[2] for p in parts], env), t))
    (sa, ta, fa), (sb, tb, fb) = _mixed_tree(rng, depth - 1), _mixed_tree(rng, depth - 1)
    t = promote(ta, tb)
    if t == "b" and op not in ("min", "max", "ifexp"):
        t = "i64"  # arithmetic on bools is on int64s
    if op == "ifexp":
        (sx, tx, fx), (sy, ty, fy) = _mixed_tree(rng, depth - 1), _mixed_tree(rng, depth - 1)
        u = promote(tx, ty)
        tests = [(sa, ta, fa), (sb, tb, fb)]
        if rng.random() < 0.5:
            tests.append(_mixed_tree(rng, depth - 1))
        pair = [promote(a[1], b[1]) for a, b in zip(tests, tests[1:])]
        test, holds = _compare_chain(rng, [(p[0], p[2]) for p in tests])
        return (f"({sx} if {test} else {sy})", u,
                lambda env: _to(fx(env), u) if holds(
                    env, lambda k, a, b: (_to(a, pair[k]), _to(b, pair[k])))
                else _to(fy(env), u))
    if MIXED[t][0] == "f":
        if op in ("//", "%"):
            op = "-"
        rnd = _ROUND[t]
        g = {"+": lambda a, b: rnd(a + b), "-": lambda a, b: rnd(a - b),
             "*": lambda a, b: rnd(a * b),
             "min": lambda a, b: minimum_number(a, b, False),
             "max": lambda a, b: minimum_number(a, b, True)}[op]
    else:
        g = (lambda a, b, h=_INT_OPS[op]: h(a, b, t) if t != "b" else int(h(a, b, "i64")))
    text = f"{op}({sa}, {sb})" if op in ("min", "max") else f"({sa} {op} {sb})"
    return text, t, lambda env: g(_to(fa(env), t), _to(fb(env), t))


def _mixed(rng):
    trees = {t: [] for t in MIXED}
    for _ in range(40):
        text, t, model = _mixed_tree(rng, 3)
        trees[t].append((text, model))
    kernel = _per_type_kernel(trees, "pq")

    def inputs():
        arrays = []
        for t, (kind, width, signed) in MIXED.items():
            if kind == "f":
                pool = [0.0, -0.0, 1.5, -2.5, 0.1, 1e20, 16777217.0, math.nan, 65504.0]
            elif kind == "b":
                pool = [False, True]
            else:
                pool = [0, 1, 3, 7, 100, 12345, 16777217, (1 << (width - 1)) - 1,
                        1 << (width - 1), (1 << width) - 1]
                pool += [-1, -7, -(1 << (width - 1))] if signed else []
                pool = [wrap(v, t) for v in pool]
            with np.errstate(over="ignore"):  # 1e20 as f16: inf
                arrays.append(np.array([rng.choice(pool) for _ in range(2)], MIXED_DTYPES[t]))
        return arrays + [np.zeros(max(1, len(trees[t])), MIXED_DTYPES[t]) for t in MIXED]

    def compare(args):
        env = {}
        for i, t in enumerate(MIXED):
            for k, v in enumerate("pq"):
                x = args[i][k]
                env[f"{v}_{t}"] = float(x) if MIXED[t][0] == "f" else int(x)
        for i, t in enumerate(MIXED):
            for j, (text, model) in enumerate(trees[t]):
                want = model(env)
                got = args[len(MIXED) + i][j]
                got = float(got) if MIXED[t][0] == "f" else int(got)
                if not (same_float(got, want) if MIXED[t][0] == "f" else got == want):
                    yield f"{t} {text} with {env}: cuft {got!r}, model {want!r}"

    return kernel, inputs, compare


KINDS = {"integers": _integers, "float64": lambda rng: _floats(rng, 64),
         "float32": lambda rng: _floats(rng, 32), "float16": lambda rng: _floats(rng, 16),
         "mixed": _mixed}


_CTORS = {**{np.dtype(INT_DTYPES[t]): INT_CTORS[t] for t in INT_TYPES},
          np.dtype(np.float32): "cuft.float32", np.dtype(np.float64): "cuft.float64",
          np.dtype(np.float16): "cuft.float16", np.dtype(np.bool_): "cuft.bool_"}


def _folded(body, args):
    """``body`` (``def k(params):``, assignments of the inputs' elements to
    names, then the stores of the expressions) with its input arrays (the
    parameters not named ``o...``) made constexpr scalars, one per element,
    converted to the element type (``a_i32[1]`` is ``cuft.int32(a_i32_1)``),
    and the names replaced in the expressions by what they were assigned:
    every expression is then literal and constant folding computes it at
    specialization (CuftFolds.cpp). Returns the source and a function from
    launch arguments (the arrays) to the folded kernel's."""
    head, *lines = body.rstrip("\n").split("\n")
    params = head[len("def k("):-len("):")].split(", ")
    inputs = [i for i, p in enumerate(params) if not p.startswith("o")]
    new_params = []
    for i, p in enumerate(params):
        if i not in inputs:
            new_params.append(p)
            continue
        new_params += [f"{p}_{k}: cuft.constexpr" for k in range(len(args[i]))]
    names, stores = {}, []
    for line in lines:
        target, value = (part.strip() for part in line.split("=", 1))
        for i in inputs:
            value = re.sub(rf"\b{params[i]}\[(\d+)\]",
                           lambda m, i=i: f"{_CTORS[args[i].dtype]}({params[i]}_{m[1]})", value)
        if "[" in target:
            stores.append(f"    {target} = {value}")
        else:
            names[target] = value
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    stores = [pattern.sub(lambda m: f"({names[m[1]]})", line) for line in stores]

    def launch_args(arrays):
        out = []
        for i, a in enumerate(arrays):
            out += [v.item() for v in a] if i in inputs else [a]
        return out
    return f"def k({', '.join(new_params)}):\n" + "\n".join(stores) + "\n", launch_args


def check(kind, seed, runs=10, folded=False):
    """The mismatches of one kernel of ``kind`` made from ``seed``, over
    ``runs`` launches with random inputs; ``folded``: its inputs compiled in
    as constants (a specialization per launch), so that constant folding
    computes what the kernel would."""
    rng = random.Random(f"{kind}-{seed}")
    body, inputs, compare = KINDS[kind](rng)
    launch_args = None
    if folded:
        state = rng.getstate()
        body, launch_args = _folded(body, inputs())
        rng.setstate(state)
    src = "import math\nimport cuft\n\n@cuft.kernel(fma=False)\n" + body
    with tempfile.TemporaryDirectory() as tmp:
        name = f"fuzz_{kind}_{seed}{'_folded' if folded else ''}"
        path = os.path.join(tmp, name + ".py")
        with open(path, "w") as f:
            f.write(src)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        mismatches = []
        for _ in range(runs):
            args = inputs()
            module.k[1, 1](*(launch_args(args) if folded else args))
            mismatches.extend(compare(args))
        return mismatches


if __name__ == "__main__":
    folded = "--folded" in sys.argv
    kind, first, last = [a for a in sys.argv[1:] if a != "--folded"]
    for seed in range(int(first), int(last) + 1):
        for line in check(kind, seed, folded=folded):
            print(f"seed {seed}: {line}")
