"""PTX to a cubin with nvJitLink, CUDA C++ to PTX with NVRTC, and a cubin's
SASS through the toolkit's cuobjdump or nvdisasm. The libraries are loaded on
first use (see include/cuft/Target/NVPTX/Link.h for where they are looked for)."""

import itertools
import os
import shutil
import threading

from . import _cuft
from .errors import LinkError

__all__ = ["PTX", "CUBIN", "LTOIR", "FATBIN", "Linkable", "callbacks", "identity", "link_cubin", "compile_cuda", "link_inputs", "sass"]

# nvJitLinkInputType values.
CUBIN, PTX, LTOIR, FATBIN = 1, 2, 3, 4


def link_cubin(inputs, chip, opt_level=3, where=(None, None)):
    """One cubin for ``chip`` from [(kind, name, bytes)]; LinkError (at
    ``where``, a (file, line) pair) with nvJitLink's log when it fails."""
    lto = any(kind == LTOIR for kind, _, _ in inputs)
    ok, cubin, error, _info = _cuft.link_cubin(inputs, chip, opt_level, lto)
    if not ok:
        raise LinkError(f"cannot link for {chip}: {error.strip()}", *where)
    return cubin


def compile_cuda(source, name, chip, lto=False, options=(), where=(None, None)):
    """CUDA C++ ``source`` compiled by NVRTC to PTX (bytes), or LTO-IR with
    ``lto``; LinkError with NVRTC's log (its file:line errors) when it fails."""
    ok, code, log = _cuft.compile_cuda(source, name, chip, lto, list(options))
    if not ok:
        raise LinkError(f"NVRTC cannot compile {name}:\n{log.strip()}", *where)
    return code


class Linkable:
    """A file a kernel links (``@cuft.kernel(link=[cuft.Linkable(path, ...)])``),
    with optional callbacks that cuft runs once per (module, CUDA context):
    ``setup(module)`` after the module is loaded and before any launch from it,
    ``teardown(module)`` before it is unloaded (``cuft.unload_modules()``, or at
    interpreter exit). ``module.get_global(name)`` gives the (device pointer,
    size) of a ``__device__`` variable, to initialize or read it; ``module.context``
    is its context. An exception in ``setup`` fails the load (and the launch);
    the next launch tries again."""

    __slots__ = ("path", "setup", "teardown", "identity")

    def __init__(self, path, setup=None, teardown=None):
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"cuft.Linkable: a file path, got {path!r}")
        for name, fn in (("setup", setup), ("teardown", teardown)):
            if fn is not None and not callable(fn):
                raise TypeError(f"cuft.Linkable: {name} must be callable, got {fn!r}")
        self.path = os.path.abspath(os.fspath(path))
        self.setup = setup
        self.teardown = teardown
        # Callbacks belong to the module they set up: a Linkable with callbacks
        # gets modules of its own (kernels sharing this object share them),
        # so every Linkable's setup runs. Without callbacks, equal code shares.
        self.identity = _next_identity() if setup or teardown else 0

    def __repr__(self):
        return f"cuft.Linkable({self.path!r})"


_IDENTITIES = itertools.count(1)
_IDENTITIES_LOCK = threading.Lock()  # itertools are not thread-safe when free-threaded


def _next_identity():
    with _IDENTITIES_LOCK:
        return next(_IDENTITIES)


def identity(linkables):
    """The part of a kernel's cache key that its linkables' callbacks make."""
    return ",".join(str(item.identity) for item in linkables if item.identity)


def callbacks(linkables):
    """One setup and one teardown (or None) running those of every linkable."""
    setups = [item.setup for item in linkables if item.setup]
    teardowns = [item.teardown for item in linkables if item.teardown]

    def run_all(fns):
        def run(module):
            for fn in fns:
                fn(module)
        return run if fns else None
    return run_all(setups), run_all(teardowns[::-1])


_KINDS = {".ptx": PTX, ".cubin": CUBIN, ".fatbin": FATBIN, ".ltoir": LTOIR, ".lto": LTOIR}


def link_inputs(paths, chip, where=(None, None)):
    """[(kind, name, bytes)] for the files of ``@cuft.kernel(link=[...])``:
    .ptx, .cubin, .fatbin, .ltoir (or .lto) as they are, .cu compiled by NVRTC."""
    out = []
    for item in paths:
        path = item.path if isinstance(item, Linkable) else item
        ext = os.path.splitext(path)[1].lower()
        if ext != ".cu" and ext not in _KINDS:
            raise LinkError(f"cannot link '{path}': expected a .ptx, .cubin, .fatbin, .ltoir "
                            "or .cu file", *where)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise LinkError(f"cannot read '{path}' to link it: {e.strerror}", *where) from None
        if ext == ".cu":
            out.append((PTX, path, compile_cuda(data.decode(), path, chip, where=where)))
        else:
            out.append((_KINDS[ext], path, data))
    return out


def _tool(name):
    for var in ("CUDA_HOME", "CUDA_PATH"):
        home = os.environ.get(var)
        if home and os.access(os.path.join(home, "bin", name), os.X_OK):
            return os.path.join(home, "bin", name)
    default = os.path.join("/usr/local/cuda", "bin", name)
    return default if os.access(default, os.X_OK) else shutil.which(name)


def sass(cubin):
    """The SASS of a cubin, as the toolkit's cuobjdump (else nvdisasm) prints it."""
    tool = _tool("cuobjdump")
    args = ["-sass"]
    if tool is None:
        tool, args = _tool("nvdisasm"), []
    if tool is None:
        raise RuntimeError("stage 'sass' needs cuobjdump or nvdisasm from the CUDA toolkit, and "
                           "neither is in $CUDA_HOME/bin, /usr/local/cuda/bin or on PATH")
    import subprocess  # here: `import cuft` is faster without it (2 ms)
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".cubin", delete=False) as f:
        f.write(cubin)
    try:
        run = subprocess.run([tool, *args, f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if run.returncode != 0:
        raise RuntimeError(f"{os.path.basename(tool)} failed: {run.stderr.strip()}")
    return run.stdout
