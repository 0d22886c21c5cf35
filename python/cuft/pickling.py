"""What a pickled kernel or device function carries to another process.

``pickle.dumps(kernel)`` (or cloudpickle's, or what Dask, Ray and
``multiprocessing`` send) carries, by value:

- the generic IR of every frontend the kernel made (its own, and those for the
  shapes of tuple arguments it was launched with), the values it captured
  compiled in, its device functions included;
- its options, declared signatures and the bytes of the files it links;
- its compiled specializations (``Launcher.exported``): a receiver that runs
  the same build of cuft, LLVM and libdevice (and, for host code, the same CPU)
  adds them to its cache and launches them without compiling; another compiles.

The Python function travels by reference when its module imports it as this
very kernel (the receiver imports the module, as pickle does for functions), by
value through cloudpickle when the sender has it (a kernel of ``__main__``, a
closure), with the source text the decorator captured; otherwise not at all.
A receiver without the function runs the IR it got: only tuple arguments of a
shape not yet launched (their IR is generated from the source) need it.
What cannot travel raises ``pickle.PicklingError``: a ``cuft.Linkable`` with
setup/teardown callbacks (they belong to this process's modules), a linked file
that cannot be read. See docs/Distributed.md.
"""

import atexit
import importlib
import os
import pickle
import shutil
import sys
import tempfile
import threading

from .frontend.source import adopt_text, captured_text

__all__ = ["FunctionRef", "importable", "imported", "shipped_links", "received_links"]


def _find(module, qualname, importing=False):
    """The object ``module.qualname`` names, or None."""
    mod = sys.modules.get(module)
    if mod is None:
        if not importing:
            return None
        mod = importlib.import_module(module)
    obj = mod
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def importable(obj, fn):
    """(module, qualname) when ``obj``, decorating ``fn``, is what importing
    ``fn``'s module gives under its name (not ``__main__``, not a closure)."""
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", "")
    if module and module != "__main__" and "<locals>" not in qualname \
            and _find(module, qualname) is obj:
        return module, qualname
    return None


def imported(module, qualname):
    """The object ``module.qualname`` names, the module imported if need be."""
    obj = _find(module, qualname, importing=True)
    if obj is None:
        raise pickle.UnpicklingError(f"{module} has no {qualname}")
    return obj


class FunctionRef:
    """A kernel's or device function's Python function, in a pickle: see the
    module's docs. Unpickles as the function, or None."""

    __slots__ = ("fn", "owner")

    def __init__(self, fn, owner):
        self.fn = fn
        self.owner = owner

    def __reduce__(self):
        fn = self.fn
        where = importable(self.owner, fn)
        if where is not None:
            return _by_reference, where
        try:
            import cloudpickle
            data = cloudpickle.dumps(fn)
        except Exception:  # no cloudpickle, or a global it cannot pickle
            return _no_function, ()
        return _by_value, (data, captured_text(fn))


def _by_reference(module, qualname):
    try:
        obj = _find(module, qualname, importing=True)
    except Exception:  # not importable here: the IR that came is enough
        return None
    return getattr(obj, "py_func", None)


def _by_value(data, text):
    try:
        fn = pickle.loads(data)
    except Exception:  # cloudpickle missing here, or a global it cannot rebuild
        return None
    adopt_text(fn, text)
    return fn


def _no_function():
    return None


def shipped_links(name, linked):
    """(file name, bytes) of each file a kernel links (its ``cuft.Linkable``
    items), for its pickle."""
    out = []
    for item in linked:
        if item.setup is not None or item.teardown is not None:
            raise pickle.PicklingError(
                f"cannot pickle kernel '{name}': it links {item!r} with setup/teardown "
                "callbacks, which belong to this process's modules; link the file without "
                "callbacks, or build the kernel in the receiving process")
        path = item.path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise pickle.PicklingError(f"cannot pickle kernel '{name}': cannot read '{path}', "
                                       f"a file it links: {e.strerror}") from None
        out.append((os.path.basename(path), data))
    return out


_LINK_DIR = None
_LINK_LOCK = threading.Lock()


def _link_dir():
    """A directory of this process's own (0700) for the files unpickled
    kernels link, removed at exit."""
    global _LINK_DIR
    with _LINK_LOCK:
        if _LINK_DIR is None:
            _LINK_DIR = tempfile.mkdtemp(prefix="cuft-linked-")
            atexit.register(shutil.rmtree, _LINK_DIR, True)
        return _LINK_DIR


def received_links(files):
    """Paths of the files an unpickled kernel links: each written once per
    content into this process's directory, under its own name (its suffix
    says what it is)."""
    import hashlib  # here: `import cuft` is faster without it (2.5 ms)

    paths = []
    for name, data in files:
        folder = os.path.join(_link_dir(), hashlib.blake2b(data, digest_size=16).hexdigest())
        path = os.path.join(folder, os.path.basename(name))
        if not os.path.exists(path):
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        paths.append(path)
    return paths
