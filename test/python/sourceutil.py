"""Finding a line of a test's own kernel, to check the locations cuft reports."""
import inspect


def line_of(fn, needle):
    """(line, column), 1-based, of the first source line of ``fn`` (a function or
    a cuft kernel/device function) that contains ``needle``."""
    lines, start = inspect.getsourcelines(fn)
    for i, line in enumerate(lines):
        if needle in line:
            return start + i, line.index(needle) + 1
    raise AssertionError(f"{needle!r} is not in the source of {fn!r}")
