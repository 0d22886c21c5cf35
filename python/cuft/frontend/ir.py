"""Text emission of generic cuft IR for one function body."""

import math

__all__ = ["UNKNOWN", "VAR", "NO_RESULT", "Value", "Emitter", "float_literal", "quote",
           "leaves", "count_leaves", "rebuild", "named_shape"]

UNKNOWN = "!cuft.unknown"
VAR = "!cuft.var<!cuft.unknown>"

# A device function's result: this for none, else the shape of what it returns
# (None: one value; a tuple: a tuple of that shape, see FunctionCodegen.shape).
NO_RESULT = "no result"


def leaves(value):
    """The values of a (nested) tuple, depth first; a value alone is its own."""
    if not isinstance(value, tuple):
        return [value]
    return [leaf for v in value for leaf in leaves(v)]


def count_leaves(shape):
    return 1 if shape is None else sum(count_leaves(s) for s in shape)


def rebuild(shape, values):
    """The inverse of ``leaves``: ``values`` (an iterator) in ``shape``."""
    if shape is None:
        return next(values)
    items = tuple(rebuild(s, values) for s in shape)
    return Vector(items, shape.vtype) if isinstance(shape, VectorShape) else items


class Vector(tuple):
    """A value of a CUDA vector type (``cuft.float32x4(...)``) or a namedtuple
    argument's: a tuple of its components (which variables, device functions
    and returns hold as they hold tuples) that knows its ``vtype`` (a
    dsl.VectorType or a NamedTuple), whose ``fields`` name them, for ``v.x``."""

    def __new__(cls, items, vtype):
        v = super().__new__(cls, items)
        v.vtype = vtype
        return v

    def like(self, items):
        """``items`` as a value of this vector's type."""
        return Vector(items, self.vtype)


class NamedTuple:
    """The kind of a namedtuple argument: its field names (interned, one
    object per tuple of names, so shapes compare by identity)."""

    __slots__ = ("fields", "name")
    _interned = {}

    def __init__(self, fields):
        self.fields = fields
        self.name = f"namedtuple({', '.join(fields)})"

    @classmethod
    def of(cls, fields):
        return cls._interned.setdefault(fields, cls(fields))


def named_shape(fields, items):
    """The shape of a namedtuple argument with field names ``fields`` (a
    tuple of str) and element shapes ``items`` (called by _cuft.tuple_shapes)."""
    return VectorShape(items, NamedTuple.of(tuple(fields)))


class VectorShape(tuple):
    """The shape of a Vector: a tuple's, and its vector type, which tells a
    vector parameter from a tuple of as many values."""

    def __new__(cls, items, vtype):
        v = super().__new__(cls, items)
        v.vtype = vtype
        return v

    def __eq__(self, other):
        return (isinstance(other, VectorShape) and self.vtype is other.vtype
                and tuple.__eq__(self, other))

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((tuple(self), self.vtype.name))


class Value:
    """An SSA value: its name in the IR text and its type (mostly UNKNOWN)."""

    __slots__ = ("name", "type")

    def __init__(self, name, type=UNKNOWN):
        self.name = name
        self.type = type

    def __repr__(self):
        return f"Value({self.name}: {self.type})"


def quote(s):
    """An MLIR string literal."""
    out = []
    for ch in s:
        if ch in '"\\' or not (32 <= ord(ch) < 127):
            out.extend(f"\\{b:02X}" for b in ch.encode())
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def float_literal(x):
    """A float attribute that parses back to exactly ``x``."""
    if not math.isfinite(x):
        return "0x%016X" % int.from_bytes(__import__("struct").pack(">d", x), "big")
    s = repr(x)
    mantissa, e, exp = s.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exp


class Emitter:
    """Collects one function's ops as text, with structured regions.

    ``terminated`` tells whether the current block already ends in a terminator;
    statements after it are unreachable and are not emitted.

    Lines are not indented: MLIR's parser does not need it, and an indent per
    region level made the text (and the time to write it) grow with the square
    of the nesting depth. ``cuft-opt`` prints any IR indented.
    """

    def __init__(self, filename):
        self._file = quote(filename)
        self.decls = []
        self.lines = []
        self.terminated = False
        self._counter = 0
        self._regions = []  # (loc of the region op, terminated flag of the outer block)

    def loc(self, pos):
        return f"loc({self._file}:{pos[0]}:{pos[1]})"

    def fresh(self):
        """A new SSA name: a number, which no Python name can be."""
        self._counter += 1
        return f"%{self._counter}"

    def emit(self, text, pos):
        self.lines.append(f"{text} {self.loc(pos)}")

    def op(self, text, pos, type=UNKNOWN, count=1):
        """Emit ``%r = text`` and return its result Value(s)."""
        name = self.fresh()
        if count == 1:
            self.emit(f"{name} = {text}", pos)
            return Value(name, type)
        self.emit(f"{name}:{count} = {text}", pos)
        return tuple(Value(f"{name}#{i}", type) for i in range(count))

    def terminator(self, text, pos):
        self.emit(text, pos)
        self.terminated = True

    def declare_var(self, ssa, name, pos):
        self.decls.append(f"{ssa} = cuft.var {quote(name)} : {VAR} {self.loc(pos)}")
        return Value(ssa, VAR)

    # Structured regions: begin(header) ... [middle(text) ...] end().
    def begin(self, header, pos):
        self.lines.append(header + " {")
        self._regions.append((pos, self.terminated))
        self.terminated = False

    def _close_block(self):
        if not self.terminated:
            self.emit("cuft.yield", self._regions[-1][0])

    def middle(self, text):
        self._close_block()
        self.lines.append("} " + text + " {")
        self.terminated = False

    def end(self):
        self._close_block()
        pos, outer = self._regions.pop()
        self.lines.append("} " + self.loc(pos))
        self.terminated = outer
