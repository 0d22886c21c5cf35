"""Reading a Python function's source and mapping AST nodes to file locations.

The source is read when the function is decorated (``capture``), not when it
is first compiled: a file edited in between (a running program's module saved
again) must not change what an already defined kernel computes. The text is
then checked against the function's code object, so that text that is not the
function Python compiled is refused rather than compiled.
"""

import __future__
import ast
import functools
import importlib.util
import inspect
import io
import linecache
import sys
import threading
import types
import weakref

from ..errors import CompileError

__all__ = ["Source", "unwrap", "capture", "captured_text", "adopt_text"]

# id(code object) -> (weak reference to it, source lines, first line, error,
# whole): the text read when a function with that code was first decorated;
# with `whole`, the lines are its file's as linecache held them then (a list
# linecache replaces, never changes, when it reads the file again), else the
# function's own. Kernels made by one factory share their code, so a factory
# called again after the file was edited still finds the text of when it was
# first called. An entry goes with its code object. Entries are immutable
# tuples; a racing insert stores an equal one.
_CAPTURED = {}


_UNSEEN = object()  # SourceInfo.position: a line not looked at yet


def _forget(key, ref):
    entry = _CAPTURED.get(key)
    if entry is not None and entry[0] is ref:
        _CAPTURED.pop(key, None)


@functools.lru_cache(maxsize=1)
def _command_lines():
    """The lines of the program ``python -c CODE`` runs (its functions' file is
    "<string>", which linecache cannot read), or None. exec'd code is
    "<string>" too: _compiled_lines tells them apart."""
    argv = getattr(sys, "orig_argv", ())
    if "-c" not in argv[:-1]:
        return None
    return argv[argv.index("-c") + 1].splitlines(True) or None


def _text_lines(data):
    """A kept source's lines as linecache would give a file's: decoded (UTF-8,
    else by its coding cookie) and split at line ends only."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = importlib.util.decode_source(data)
    return io.StringIO(text, newline=None).readlines()


# The future features a code object's flags carry: the flags to compile its
# text again with (exec compiles a string with its caller's future imports).
_FUTURE_FLAGS = functools.reduce(
    lambda flags, name: flags | getattr(__future__, name).compiler_flag,
    __future__.all_feature_names, 0)


def _defines(lines, code):
    """Whether ``lines``, compiled as a whole, define ``code`` exactly: a code
    object at its first line, of its name, equal to it (the same bytecode,
    constants, names and line table; ``a + b`` and ``a - b`` differ). The text
    is parsed under ast.parse's own file name and compiled from the tree, so
    the audit hook keeps neither."""
    try:
        module = compile(ast.parse("".join(lines)), code.co_filename, "exec",
                         flags=code.co_flags & _FUTURE_FLAGS, dont_inherit=True)
    except Exception:  # SyntaxError, RecursionError, MemoryError...
        return False
    stack = [module]
    while stack:
        for const in stack.pop().co_consts:
            if isinstance(const, types.CodeType):
                if (const.co_firstlineno == code.co_firstlineno
                        and const.co_name == code.co_name and const == code):
                    return True
                stack.append(const)
    return False


def _compiled_lines(code):
    """The lines of the text compiled from a string (exec of a template) that
    defines ``code``: the ``python -c`` program, or the newest text the audit
    hook kept (_cuft.compiled_texts, python/src/sources.cpp) under the code's
    file name that compiles to ``code`` itself (_defines). None when no text
    is the function's."""
    name, start = code.co_filename, code.co_firstlineno
    candidates = []
    if name == "<string>":
        candidates.append(_command_lines())
    try:
        from .._cuft import compiled_texts
        candidates += [_text_lines(t) for t in compiled_texts(name, start, code.co_name)]
    except Exception:  # never fail a decoration
        pass
    for lines in candidates:
        if lines and 0 < start <= len(lines) and _defines(lines, code):
            return lines
    return None


def _read(fn):
    """(lines, first line, None), or (None, None, why not)."""
    try:
        lines, start = inspect.getsourcelines(fn)
        return lines, start, None
    except Exception as e:  # OSError, TypeError; never fail a decoration
        return None, None, str(e) or type(e).__name__


def _snapshot(fn):
    """(the lines of ``fn``'s file as linecache holds them now, its first line,
    None, True): nothing read but what linecache has (a decoration costs a
    stat, not a tokenize); a lambda, or a function whose file linecache cannot
    give, gets its own lines (``_read``, whole False)."""
    code = fn.__code__
    if code.co_name != "<lambda>":
        try:
            linecache.checkcache(code.co_filename)
            lines = linecache.getlines(code.co_filename, getattr(fn, "__globals__", None))
        except Exception:  # never fail a decoration
            lines = None
        if not lines and code.co_filename.startswith("<"):
            lines = _compiled_lines(code)
        if lines and 0 < code.co_firstlineno <= len(lines):
            return lines, code.co_firstlineno, None, True
    return (*_read(fn), False)


def capture(fn):
    """Read ``fn``'s source now (``@cuft.kernel`` and ``@cuft.func`` call this
    when they decorate it) and keep it for its code object. Never raises: a
    source that cannot be read is an error when the function is compiled."""
    code = getattr(fn, "__code__", None)
    if not isinstance(code, types.CodeType) or _captured(code) is not None:
        return
    captured = _snapshot(fn)
    key = id(code)
    try:
        ref = weakref.ref(code, lambda r, key=key: _forget(key, r))
    except TypeError:  # no weak references to code objects: read at compile time
        return
    _CAPTURED[key] = (ref, *captured)


# (filename, id(lines)) -> (lines, {first line: def node}): each file snapshot
# parsed once for all the functions it defines. Bounded (the oldest goes
# first); the lines are held, so their id names them.
_FILE_DEFS = {}
_FILE_DEFS_MAX = 4
_FILE_DEFS_LOCK = threading.Lock()


def _collect_defs(body, defs):
    """Every def in statements ``body`` and the statements they hold (a def is
    a statement: expressions are not walked). With a stack, not recursion: an
    elif chain nests as deep as it is long."""
    stack = [body]
    while stack:
        for stmt in stack.pop():
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs[min([stmt.lineno] + [d.lineno for d in stmt.decorator_list])] = stmt
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    stack.append(inner)
            for part in [*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())]:
                stack.append(part.body)


def _defs_of(filename, lines):
    """{first line (its first decorator's, or its def's): node} of every def
    in a file snapshot, or None when the text does not parse."""
    key = (filename, id(lines))
    entry = _FILE_DEFS.get(key)
    if entry is not None and entry[0] is lines:
        return entry[1]
    try:
        tree = ast.parse("".join(lines), filename=filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    defs = {}
    _collect_defs(tree.body, defs)
    with _FILE_DEFS_LOCK:
        _FILE_DEFS[key] = (lines, defs)
        while len(_FILE_DEFS) > _FILE_DEFS_MAX:
            del _FILE_DEFS[next(iter(_FILE_DEFS))]
    return defs


def captured_text(fn):
    """(source lines, first line) that ``capture`` kept for ``fn`` (its own
    lines), or None: what a pickled kernel carries, so the receiver can
    generate IR for it."""
    code = getattr(fn, "__code__", None)
    entry = _captured(code) if isinstance(code, types.CodeType) else None
    if entry is None or entry[0] is None:
        return None
    lines, start, _, whole = entry
    if whole:
        node = (_defs_of(code.co_filename, lines) or {}).get(start)
        block = lines[start - 1:node.end_lineno] if node is not None else \
            inspect.getblock(lines[start - 1:])
        return tuple(block), start
    return tuple(lines), start


def adopt_text(fn, text):
    """Keeps ``text`` (``captured_text`` of the sender's function) as the
    source of ``fn``, a function unpickled by value, unless its own source was
    captured (a function imported by reference has its module's)."""
    code = getattr(fn, "__code__", None)
    if text is None or not isinstance(code, types.CodeType) or _captured(code) is not None:
        return
    key = id(code)
    try:
        ref = weakref.ref(code, lambda r, key=key: _forget(key, r))
    except TypeError:
        return
    _CAPTURED[key] = (ref, list(text[0]), text[1], None, False)


def _captured(code):
    entry = _CAPTURED.get(id(code))
    if entry is not None and entry[0]() is code:
        return entry[1:]
    return None


def _numba_cpu_function(obj):
    """The Python function of a numba ``@jit``/``@njit`` function (a CPU
    dispatcher), which numba-cuda compiles for the device when a kernel calls
    it; else None."""
    kind = type(obj)
    if kind.__name__ == "CPUDispatcher" and kind.__module__.startswith("numba"):
        fn = getattr(obj, "py_func", None)
        return fn if inspect.isfunction(fn) else None
    return None


def is_device_function(obj):
    """Anything carrying ``__cuft_func__`` (set by ``@cuft.func``) is a device
    function; so is a kernel (``__cuft_kernel__``) called from a kernel, as
    numba-cuda compiles a ``@cuda.jit`` function called there, and a numba
    ``@njit`` function, which numba-cuda compiles for the device too."""
    try:
        return (getattr(obj, "__cuft_func__", None) is not None
                or getattr(obj, "__cuft_kernel__", None) is not None
                or _numba_cpu_function(obj) is not None)
    except Exception:
        return False


def unwrap(obj):
    """The plain Python function behind a decorated kernel or device function."""
    seen = 0
    while not inspect.isfunction(obj) and seen < 8:
        inner = (getattr(obj, "__cuft_func__", None) or getattr(obj, "__wrapped__", None)
                 or _numba_cpu_function(obj))
        if inner is None or inner is obj:
            break
        obj, seen = inner, seen + 1
    if not inspect.isfunction(obj):
        raise TypeError(f"cuft can only compile Python functions, got {type(obj).__name__}")
    return obj


class Source:
    """One function's AST with the line and column of every node in its real file.

    The source is parsed in place rather than dedented: an indented function
    (a method, a function defined inside a test) is wrapped in ``if 1:`` so that
    every column the parser reports is the column in the file.
    """

    def __init__(self, fn):
        self.fn = fn
        code = fn.__code__
        self.filename = code.co_filename
        captured = _captured(code)
        if captured is None or captured[2] is not None:
            # Not decorated, or its source could not be read then: read it now
            # (the checks below still refuse text that is not its code's).
            captured = _snapshot(fn)
        lines, start, error, whole = captured
        if error is not None:
            raise CompileError(f"cannot read the source of '{fn.__qualname__}': {error}",
                               self.filename, code.co_firstlineno)
        if whole:
            # The def's own lines first (_def_lines): parsing a whole file
            # for its first kernel cost a compile 0.2 ms per 50 lines.
            # Anything amiss there (a cut that does not parse, a lambda's
            # line, text that is not its code's), and the file's one parse
            # decides.
            try:
                self._parse_block(_def_lines(lines, start, code), start, code)
                return
            except Exception:
                pass
            node = (_defs_of(self.filename, lines) or {}).get(start)
            if node is not None:  # from the file's one parse: its own positions
                self.lines = [l.rstrip("\r\n") for l in lines[start - 1:node.end_lineno]]
                self._char_columns = {}
                self._line_offset = self._prefix = 0
                self.firstlineno = start
                if isinstance(node, ast.AsyncFunctionDef):
                    raise self.error("async functions cannot be compiled by cuft", node)
                self.node = node
                self._check_code(code)
                return
            try:  # the file does not parse (edited since?): the def's own lines
                lines = inspect.getblock(lines[start - 1:])
            except Exception:
                raise self._not_its_text(code) from None
        self._parse_block(lines, start, code)

    def _parse_block(self, lines, start, code):
        """Parses the def's own ``lines`` (its first line ``start``) in place."""
        fn = self.fn
        if start != code.co_firstlineno:  # inspect found a def elsewhere
            raise self._not_its_text(code)
        self.lines = [l.rstrip("\r\n") for l in lines]
        self._char_columns = {}  # line -> None or the character of each UTF-8 byte (position)
        text = "".join(lines)
        prefix = 0
        if text[:1] in (" ", "\t"):
            text, prefix = "if 1:\n" + text, 1
        self._line_offset = start - 1 - prefix
        self._prefix = prefix
        self.firstlineno = start
        try:
            tree = ast.parse(text, filename=self.filename)
        except SyntaxError as e:
            lineno = (e.lineno or 1) + self._line_offset
            raise CompileError(f"cannot parse '{fn.__qualname__}': {e.msg}", self.filename,
                               lineno, e.offset) from None
        except (RecursionError, MemoryError):
            raise CompileError(f"cannot parse '{fn.__qualname__}': it nests too deeply",
                               self.filename, start) from None
        self.node = self._find_def(tree)
        self._check_code(code)

    def _find_def(self, tree):
        if self.fn.__code__.co_name == "<lambda>":
            return self._lambda_def(tree)
        body = tree.body
        if self._prefix:
            body = body[0].body
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef):
                return stmt
            if isinstance(stmt, ast.AsyncFunctionDef):
                raise self.error("async functions cannot be compiled by cuft", stmt)
        raise CompileError(f"'{self.fn.__qualname__}' must be defined with 'def' to be "
                           f"compiled by cuft", self.filename, self.firstlineno)

    def _lambda_def(self, tree):
        """A lambda (``cuft.reduce(lambda a, b: a + b)``, numba's docs' way) as
        the def it stands for: ``def <lambda>(a, b): return a + b``, at the
        lambda's place. The lambda is the one on its first line with its
        parameters; several such lambdas on one line are ambiguous."""
        code = self.fn.__code__
        params = list(code.co_varnames[:code.co_argcount])
        found = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)
                 and n.lineno + self._line_offset == code.co_firstlineno
                 and [p.arg for p in n.args.posonlyargs + n.args.args] == params]
        if len(found) > 1:  # the one whose body holds the code's first position
            spans = [(line - self._line_offset, col, end)
                     for line, _, col, end in code.co_positions()
                     if line is not None and col is not None and end is not None and end > col]
            if spans:
                line, col, end = spans[0]
                found = [n for n in found if (n.body.lineno, n.body.col_offset) <= (line, col)
                         and (line, end) <= (n.body.end_lineno, n.body.end_col_offset)]
        if len(found) != 1:
            raise CompileError(
                f"cannot tell which lambda of line {code.co_firstlineno} to compile "
                f"({len(found)} take ({', '.join(params)})): write it with 'def'",
                self.filename, code.co_firstlineno)
        lam = found[0]
        ret = ast.copy_location(ast.Return(value=lam.body), lam.body)
        fdef = ast.FunctionDef(name="<lambda>", args=lam.args, body=[ret], decorator_list=[],
                               returns=None, type_comment=None)
        if "type_params" in ast.FunctionDef._fields:
            fdef.type_params = []
        return ast.copy_location(fdef, lam)

    def _check_code(self, code):
        """Refuse text that is not the function Python compiled: another
        def at the line, another function, or the same one edited."""
        node, offset = self.node, self._line_offset
        first = min([node.lineno] + [d.lineno for d in node.decorator_list]) + offset
        last = node.end_lineno + offset
        a = node.args
        params = [p.arg for p in a.posonlyargs + a.args]
        lines = {line for _, _, line in code.co_lines() if line is not None and line > 0}
        same = (node.name == code.co_name and first == code.co_firstlineno
                and params == list(code.co_varnames[:code.co_argcount])
                and all(first <= line <= last for line in lines)
                and _same_body(node, code))
        if not same:
            raise self._not_its_text(code)

    def _not_its_text(self, code):
        return CompileError(
            f"the source of '{self.fn.__qualname__}' in {self.filename} is not the function "
            f"Python compiled (was the file changed after it was defined?): reload the "
            f"module or restart the program", self.filename, code.co_firstlineno)

    def line_text(self, lineno):
        """The text of a file line (1-based), or None outside this function."""
        i = lineno - self.firstlineno
        return self.lines[i] if 0 <= i < len(self.lines) else None

    def position(self, node):
        """(line, column), both 1-based, of an AST node in the user's file."""
        lineno = node.lineno + self._line_offset
        col = node.col_offset
        # ast columns count UTF-8 bytes; editors and carets count characters.
        # Per line, once (a long line has many nodes): None where they agree
        # (ASCII, or a line outside the function), else each byte's character.
        chars = self._char_columns.get(lineno, _UNSEEN)
        if chars is _UNSEEN:
            text = self.line_text(lineno)
            chars = None
            if text is not None and not text.isascii():
                chars = [i for i, ch in enumerate(text) for _ in range(len(ch.encode()))]
                chars.append(len(text))
            self._char_columns[lineno] = chars
        if chars is not None:
            col = chars[min(col, len(chars) - 1)]
        return lineno, col + 1

    def error(self, message, node):
        lineno, col = self.position(node)
        return CompileError(message, self.filename, lineno, col, self.line_text(lineno))


def _fingerprint(code):
    """What a function's code says about its text, whether it was compiled in
    its module or alone: its constants (nested code by name) and the names it
    uses (a closure's free variables are globals when compiled alone; names
    with '__' are left out, a class mangles them)."""
    consts = tuple(c.co_name if isinstance(c, types.CodeType) else (type(c).__name__, repr(c))
                   for c in code.co_consts)
    names = {n for n in code.co_names + code.co_varnames + code.co_freevars + code.co_cellvars
             if "__" not in n}
    return consts, names


def _def_lines(lines, start, code):
    """A def's own lines, from its first (``start``) to the last line its
    code's instructions span (what Python compiled of it): no tokenize, which
    inspect.getblock runs over the whole block (a tenth of a second for a
    generated kernel of 10,000 operands). What follows that line is nothing
    that compiles to code (a comment, a trailing ``pass``): a cut that then
    does not parse, or parses to other code, falls back to the file's parse."""
    end = max((p[1] for p in code.co_positions() if p[1] is not None), default=0)
    if end < start:
        raise ValueError("no positions")
    return lines[start - 1:end]


def _same_body(node, code):
    """Whether the def ``node`` compiles to code with ``code``'s constants and
    names; True when it cannot be compiled alone here (nothing is refused for
    that)."""
    try:
        compiled = compile(ast.Module(body=[node], type_ignores=[]), code.co_filename, "exec",
                           dont_inherit=True)
        fn = next(c for c in compiled.co_consts
                  if isinstance(c, types.CodeType) and c.co_name == node.name)
    except Exception:  # RecursionError, MemoryError, SyntaxError, StopIteration...
        return True
    return _fingerprint(fn) == _fingerprint(code)
