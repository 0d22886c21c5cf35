"""PTX to a cubin with nvJitLink, CUDA C++ to PTX with NVRTC, and a cubin's
SASS through the toolkit's cuobjdump or nvdisasm. The libraries are loaded on
first use (see include/cuft/Target/NVPTX/Link.h for where they are looked for)."""

import itertools
import os
import shutil
import threading

from . import _cuft
from .errors import LinkError

__all__ = ["PTX", "CUBIN", "LTOIR", "FATBIN", "Linkable", "LinkableCode", "PTXSource",
           "CUSource", "Cubin", "Fatbin", "LTOIR_", "callbacks", "identity", "link_cubin",
           "compile_cuda", "link_inputs", "sass"]

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


class LinkableCode:
    """Code a kernel links from memory, numba-cuda's: ``data`` (bytes, or a
    str of source), and a ``name`` its compile and link errors give. A kernel
    links it as a file of its kind's suffix, written once per content into
    this process's directory of linked files (pickling.received_links, where
    an unpickled kernel's files go too): from there on it is a file like any
    other in ``link=``."""

    default_name = "<unnamed>"
    suffix = None  # a subclass's: the kind of file it is linked as

    def __init__(self, data, name=None):
        if not isinstance(data, (bytes, bytearray, memoryview, str)):
            raise TypeError(f"cuft.{type(self).__name__}: the code as bytes or str, "
                            f"got {type(data).__name__}")
        self.data = data
        self._name = name

    @property
    def name(self):
        return self._name or self.default_name

    def file(self):
        """(file name, bytes) of the file it is linked as."""
        data = self.data.encode() if isinstance(self.data, str) else bytes(self.data)
        stem = "".join(c if c.isalnum() or c in "._-" else "_" for c in
                       os.path.basename(self.name)) or "code"
        return (stem if stem.endswith(self.suffix) else stem + self.suffix), data

    def __repr__(self):
        return f"cuft.{type(self).__name__}(name={self.name!r})"


class PTXSource(LinkableCode):
    """PTX in memory."""
    default_name, suffix = "<unnamed-ptx>", ".ptx"


class CUSource(LinkableCode):
    """CUDA C++ in memory, compiled by NVRTC as a ``.cu`` file is."""
    default_name, suffix = "<unnamed-cu>", ".cu"


class Cubin(LinkableCode):
    """A cubin (an ELF of device code) in memory."""
    default_name, suffix = "<unnamed-cubin>", ".cubin"


class Fatbin(LinkableCode):
    """A fatbin in memory."""
    default_name, suffix = "<unnamed-fatbin>", ".fatbin"


class LTOIR_(LinkableCode):
    """LTO-IR (NVRTC's or nvcc's ``-dlto`` output) in memory: ``cuft.LTOIR``
    (the name numba-cuda gives it; ``link.LTOIR`` is nvJitLink's input kind)."""
    default_name, suffix = "<unnamed-ltoir>", ".ltoir"


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
