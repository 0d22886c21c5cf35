"""Errors reported to cuft users, with the location in their own source file."""
import linecache
import os
import re
import threading

__all__ = ["CompileError", "KernelArgumentError", "KernelError", "KernelIndexError",
           "KernelZeroDivisionError", "KernelValueError", "KernelAssertionError",
           "from_diagnostics"]


def _excerpt(filename, lineno, col, source_line=None):
    """The source line and a caret under ``col`` (1-based), or '' when unknown."""
    if source_line is None and filename and lineno:
        source_line = linecache.getline(filename, lineno)
    if not source_line:
        return ""
    source_line = source_line.rstrip("\r\n")
    text = "\n" + source_line
    if col:
        # Keep tabs so that the caret lines up however tabs are rendered.
        pad = "".join(c if c == "\t" else " " for c in source_line[: col - 1])
        text += "\n" + pad + "^"
    return text


def _where(filename, lineno, col):
    where = filename or "<unknown>"
    if lineno:
        where += f":{lineno}"
        if col:
            where += f":{col}"
    return where


class CompileError(Exception):
    """A kernel cannot be compiled; points at ``filename:lineno:col`` (1-based).

    ``str()`` is ``file:line:col: error: message`` followed by the source line and
    a caret under the column, as compilers print it, then any notes (other
    locations involved, such as the call that led into a device function).
    """

    def __init__(self, message, filename=None, lineno=None, col=None, source_line=None,
                 notes=()):
        self.message = message
        self.filename = filename
        self.lineno = lineno
        self.col = col
        if source_line is None and filename and lineno:
            source_line = linecache.getline(filename, lineno)
        self.source_line = source_line.rstrip("\r\n") if source_line else None
        self.notes = tuple(notes)  # (filename, lineno, col, message)
        super().__init__(message, filename, lineno, col)

    def __str__(self):
        if not self.filename:
            text = f"error: {self.message}"
        else:
            text = (f"{_where(self.filename, self.lineno, self.col)}: error: {self.message}"
                    + _excerpt(self.filename, self.lineno, self.col, self.source_line or None))
        for filename, lineno, col, message in self.notes:
            text += f"\n{_where(filename, lineno, col)}: note: {message}"
            text += _excerpt(filename, lineno, col)
        return text

    def clone(self):
        """A new exception with the same contents, for raising in another thread
        (one exception object must not be raised by several threads at once)."""
        err = type(self).__new__(type(self))
        err.__dict__.update(self.__dict__)
        err.args = self.args
        return err


class PerformanceWarning(UserWarning):
    """Work cuft does that a program could avoid (numba's
    NumbaPerformanceWarning): a host array given to a GPU launch is copied to
    the GPU and back around it."""


class KernelArgumentError(CompileError, TypeError):
    """An argument a kernel cannot take (wrong count, unsupported type); points
    at the kernel's parameter. A ``TypeError``, and a ``CompileError`` too."""


def from_diagnostics(diagnostics, fallback_file=None, fallback_line=None):
    """A CompileError from the C++ compiler's (severity, file, line, col, message)
    diagnostics: the first error leads, the rest become notes."""
    diags = list(diagnostics)
    if not diags:
        return CompileError("the compiler failed without a diagnostic", fallback_file,
                            fallback_line)
    lead = next((d for d in diags if d[0] in ("error", "link-error")), diags[0])
    notes = [(f or fallback_file, l or None, c or None, m) for s, f, l, c, m in diags
             if (s, f, l, c, m) != tuple(lead)]
    _, file, line, col, message = lead
    # An error inside one of cuft's own device functions (round(x, n) is
    # cuft/_rounding.py's) is reported at the user's call of it, the
    # innermost call from outside the package; where in cuft it arose
    # becomes a note.
    if _in_package(file):
        call = next((n for n in notes if not _in_package(n[0]) and n[1]
                     and _CALL_NOTE.match(n[3])), None)
        if call is not None:
            notes = [(file, line, col, "here, in cuft's own code")] + \
                [n for n in notes if n is not call]
            message = f"{message} (in cuft's {_CALL_NOTE.match(call[3]).group(1)}, called here)"
            file, line, col = call[0], call[1], call[2]
    if not file or not line:
        file, line, col = fallback_file, fallback_line, None
    kind = LinkError if lead[0] == "link-error" else CompileError
    if message.startswith(READ_ONLY_ARGUMENT):
        kind = KernelArgumentError  # the argument is wrong, not the kernel
    return kind(message, file, line, col or None, notes=notes)


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
# cuft-specialize's note at a call of a device function (Specialize.cpp).
_CALL_NOTE = re.compile(r"in the call of '([^']*)' from here")


def _in_package(path):
    """Whether ``path`` is a file of the cuft package itself."""
    return bool(path) and os.path.abspath(path).startswith(_PACKAGE)


# How cuft-specialize's message for a read-only array that the kernel writes
# begins (Specialize.cpp, checkReadOnlyArguments).
READ_ONLY_ARGUMENT = "read-only array passed as argument"


class LinkError(CompileError):
    """Linking a kernel (nvJitLink) or compiling the CUDA C++ it links (NVRTC)
    failed; the message holds the tool's log."""


class CudaError(RuntimeError):
    """The CUDA driver failed, or there is none: carries the CUresult's name
    (``result_name``, e.g. ``"CUDA_ERROR_NO_DEVICE"``; None without a driver),
    its code (``result``) and what cuft was doing (``what``)."""

    def __init__(self, what, message, result=None, result_name=None):
        super().__init__(f"{what}: {message}")
        self.what = what
        self.message = message
        self.result = result
        self.result_name = result_name

    def within(self, where):
        """The same error, saying what it happened to first (a kernel and its
        file and line)."""
        return CudaError(f"{where}: {self.what}", self.message, self.result, self.result_name)


class KernelError(RuntimeError):
    """A launched kernel failed while running: a thread trapped (integer
    division by zero, an invalid memory access...) or, with bounds checking on,
    indexed out of range. Carries the kernel's name, the first failing block and
    thread, and the source location when known. The launch stopped; later
    launches work."""

    def __init__(self, message, kernel, block, thread, filename=None, lineno=None, col=None):
        self.message = message
        self.kernel = kernel
        self.block = tuple(block)
        self.thread = None if thread is None else tuple(thread)
        self.filename = filename
        self.lineno = lineno
        self.col = col
        super().__init__(message)

    def __str__(self):
        who = f"in kernel '{self.kernel}', block {self.block}"
        if self.thread is not None:
            who += f", thread {self.thread}"
        if not self.filename or not self.lineno:
            return f"{self.message} ({who})"
        return (f"{_where(self.filename, self.lineno, self.col)}: error: {self.message} ({who})"
                + _excerpt(self.filename, self.lineno, self.col))


class KernelIndexError(KernelError, IndexError):
    """An array index out of range, found by bounds checking
    (``CUFT_BOUNDSCHECK=1`` or ``@cuft.kernel(boundscheck=True)``); an
    ``IndexError`` too. ``index``, ``axis`` and ``size`` say what was wrong."""

    def __init__(self, message, kernel, block, thread, filename, lineno, col, index, axis,
                 size):
        super().__init__(message, kernel, block, thread, filename, lineno, col)
        self.index = index
        self.axis = axis
        self.size = size


class KernelZeroDivisionError(KernelError, ZeroDivisionError):
    """An integer ``//`` or ``%`` by zero, found by checked mode
    (``CUFT_BOUNDSCHECK=1`` or ``@cuft.kernel(boundscheck=True)``); a
    ``ZeroDivisionError`` too. Unchecked, the result is 0, as in NumPy and
    numba-cuda."""


class KernelValueError(KernelError, ValueError):
    """A reshape whose extents do not fit the array (``a.reshape(5, 3)`` of 12
    elements), found by checked mode (``CUFT_BOUNDSCHECK=1`` or
    ``@cuft.kernel(boundscheck=True)``); a ``ValueError`` too, as NumPy's."""


class KernelAssertionError(KernelError, AssertionError):
    """An ``assert`` that failed in a kernel compiled with ``debug=True`` (or
    ``CUFT_DEBUG=1``); an ``AssertionError`` too, whose ``args`` are the
    assertion's message, if any."""


# -- raise sites of debug=True kernels ---------------------------------------------
# Each `raise` (and `assert`) a debug kernel compiles gets a code, the index of
# its entry here: (exception class, constant arguments, file, line, column).
# cuft.raise carries the code; a launch that reports it raises the exception.
_RAISES = []
_RAISE_CODES = {}
_RAISES_LOCK = threading.Lock()
_KERNEL_EXCEPTIONS = {AssertionError: KernelAssertionError}


def register_raise(cls, args, filename, lineno, col):
    """The code of a raise site (the same site and exception: the same code)."""
    key = (cls, args, filename, lineno, col)
    with _RAISES_LOCK:
        code = _RAISE_CODES.get(key)
        if code is None:
            code = _RAISE_CODES[key] = len(_RAISES)
            _RAISES.append(key)
    return code


def raised(code, kernel, block, thread):
    """The exception a kernel raised with code ``code``: the class it raised
    (a subclass also of KernelError, carrying the kernel, block, thread and
    source line) with the arguments it was given."""
    cls, args, filename, lineno, col = _RAISES[code]
    with _RAISES_LOCK:
        kernel_cls = _KERNEL_EXCEPTIONS.get(cls)
        if kernel_cls is None:
            try:
                kernel_cls = type(f"Kernel{cls.__name__}", (KernelError, cls),
                                  {"__module__": cls.__module__})
            except TypeError:  # an exception whose layout KernelError cannot share
                kernel_cls = None
            _KERNEL_EXCEPTIONS[cls] = kernel_cls
    text = ": ".join(filter(None, [cls.__name__, ", ".join(map(str, args))]))
    if kernel_cls is None:
        return KernelError(text, kernel, block, thread, filename, lineno, col)
    e = kernel_cls(text, kernel, block, thread, filename, lineno, col)
    e.args = args  # as the exception raised in Python would have them
    return e
