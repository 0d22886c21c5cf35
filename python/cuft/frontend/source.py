"""Reading a Python function's source and mapping AST nodes to file locations."""

import ast
import inspect

from ..errors import CompileError

__all__ = ["Source", "unwrap"]


def unwrap(obj):
    """The plain Python function behind a decorated kernel or device function."""
    seen = 0
    while not inspect.isfunction(obj) and seen < 8:
        inner = getattr(obj, "__cuft_func__", None) or getattr(obj, "__wrapped__", None)
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
        try:
            lines, start = inspect.getsourcelines(fn)
        except (OSError, TypeError) as e:
            raise CompileError(f"cannot read the source of '{fn.__qualname__}': {e}",
                               self.filename, code.co_firstlineno) from None
        self.lines = [l.rstrip("\r\n") for l in lines]
        self._char_columns = {}  # line -> character column of each UTF-8 byte offset
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

    def _find_def(self, tree):
        body = tree.body
        if self._prefix:
            body = body[0].body
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef):
                return stmt
            if isinstance(stmt, ast.AsyncFunctionDef):
                raise self.error("async functions cannot be compiled by cuft", stmt)
        raise CompileError(f"'{self.fn.__qualname__}' must be defined with 'def' to be "
                           f"compiled by cuft (lambdas are not supported)", self.filename,
                           self.firstlineno)

    def line_text(self, lineno):
        """The text of a file line (1-based), or None outside this function."""
        i = lineno - self.firstlineno
        return self.lines[i] if 0 <= i < len(self.lines) else None

    def position(self, node):
        """(line, column), both 1-based, of an AST node in the user's file."""
        lineno = node.lineno + self._line_offset
        col = node.col_offset
        text = self.line_text(lineno)
        if text is not None and not text.isascii():
            # ast columns count UTF-8 bytes; editors and carets count characters.
            chars = self._char_columns.get(lineno)
            if chars is None:  # once per line: a long line has many nodes
                chars = self._char_columns[lineno] = [
                    i for i, ch in enumerate(text) for _ in range(len(ch.encode()))]
                chars.append(len(text))
            col = chars[min(col, len(chars) - 1)]
        return lineno, col + 1

    def error(self, message, node):
        lineno, col = self.position(node)
        return CompileError(message, self.filename, lineno, col, self.line_text(lineno))
