"""Errors reported to cuft users, with the location in their own source file."""

import linecache

__all__ = ["CompileError"]


class CompileError(Exception):
    """A kernel cannot be compiled; points at ``filename:lineno:col`` (1-based).

    ``str()`` is ``file:line:col: error: message`` followed by the source line and
    a caret under the column, as compilers print it.
    """

    def __init__(self, message, filename=None, lineno=None, col=None, source_line=None):
        self.message = message
        self.filename = filename
        self.lineno = lineno
        self.col = col
        if source_line is None and filename and lineno:
            source_line = linecache.getline(filename, lineno)
        self.source_line = source_line.rstrip("\r\n") if source_line else None
        super().__init__(message, filename, lineno, col)

    def __str__(self):
        if not self.filename:
            return f"error: {self.message}"
        where = self.filename
        if self.lineno:
            where += f":{self.lineno}"
            if self.col:
                where += f":{self.col}"
        text = f"{where}: error: {self.message}"
        if self.source_line:
            text += "\n" + self.source_line
            if self.col:
                # Keep tabs so that the caret lines up however tabs are rendered.
                pad = "".join(c if c == "\t" else " " for c in self.source_line[: self.col - 1])
                text += "\n" + pad + "^"
        return text
