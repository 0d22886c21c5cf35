"""``@cuft.kernel`` and ``@cuft.func``: the objects users decorate functions into.

A ``Kernel`` turns its Python function into generic IR once (the frontend), then
compiles one specialization per argument signature (C++), each exactly once
however many threads ask at the same moment: the first caller publishes a
pending entry and compiles outside every lock, later callers wait for it. A
failed compile reaches every waiter and is then forgotten, so a later call
tries again.
"""

import os
import threading

from . import _cuft
from .errors import CompileError, KernelArgumentError, from_diagnostics
from .frontend import generate
from .host import pack_arguments, raise_launch_error
from .signature import ArgumentError, parse_signature, signature_entries
from .target import target

__all__ = ["Kernel", "DeviceFunction", "KERNEL_OPTIONS", "STAGES"]

STAGES = ("generic", "typed", "llvm", "ptx", "host-llvm")

# Option name -> (default, check, what it does). Unknown names are rejected.
KERNEL_OPTIONS = {
    "fastmath": (False, lambda v: isinstance(v, bool),
                 "approximate math, flush float32 denormals to zero, no NaN/inf guarantees"),
    "opt_level": (3, lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 3,
                  "LLVM optimization level, 0 to 3"),
    "boundscheck": (None, lambda v: v is None or isinstance(v, bool),
                    "check array indices on the host target and raise IndexError; None: "
                    "when the environment has CUFT_BOUNDSCHECK=1"),
}

# The GPU architecture compiled for until the CUDA runtime picks the device's.
DEFAULT_CHIP = "sm_90"


def check_options(options, where):
    for name, value in options.items():
        if name not in KERNEL_OPTIONS:
            raise TypeError(f"{where}: unknown option '{name}' (known: {', '.join(KERNEL_OPTIONS)})")
        if not KERNEL_OPTIONS[name][1](value):
            raise TypeError(f"{where}: bad value {value!r} for option '{name}' "
                            f"({KERNEL_OPTIONS[name][2]})")
    return {**{k: d for k, (d, _, _) in KERNEL_OPTIONS.items()}, **options}


# Generic IR by function code: kernels made by one factory share it while they
# capture the same values. Entries are immutable FrontendResults; a racing
# insert of an equal result is harmless (either may win).
_FRONTENDS = {}


def _frontend_for(fn):
    for fe in _FRONTENDS.get(fn.__code__, ()):
        if fe.captures_match(fn):
            return fe
    fe = generate(fn, is_kernel=True)
    # Copy-on-write: readers iterate a tuple that is never mutated.
    _FRONTENDS[fn.__code__] = (*_FRONTENDS.get(fn.__code__, ())[-7:], fe)
    return fe


class _Pending:
    """One specialization: filled in once by the thread that compiles it."""

    __slots__ = ("ready", "value", "error")

    def __init__(self):
        self.ready = threading.Event()
        self.value = None
        self.error = None


# (frontend, signature, target, options) -> _Pending; target is a chip ("sm_90",
# the PTX) or ("host", boundscheck), a HostKernel. Shared by every Kernel, so
# kernels with the same generic IR share their specializations.
_SPECIALIZATIONS = {}
_SPECIALIZATIONS_LOCK = threading.Lock()  # held only to look up or publish an entry


def _dim3(value, what):
    dims = value if isinstance(value, tuple) else (value,)
    if not 1 <= len(dims) <= 3 or not all(isinstance(d, int) and not isinstance(d, bool)
                                          for d in dims):
        raise TypeError(f"{what} must be an int or a tuple of 1 to 3 ints, got {value!r}")
    if any(d < 1 for d in dims):
        raise ValueError(f"{what} sizes must be positive, got {value!r}")
    return tuple(dims) + (1,) * (3 - len(dims))


def _wrap(obj, fn):
    """Give a kernel or device function object the name and docs of ``fn``."""
    obj.py_func = obj.__wrapped__ = fn
    for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(obj, attr, getattr(fn, attr))


class LaunchConfig:
    """``kernel[grid, block, stream, shared_bytes]``, checked and normalized."""

    __slots__ = ("kernel", "grid", "block", "stream", "shared_bytes")

    def __init__(self, kernel, config):
        if not isinstance(config, tuple) or not 2 <= len(config) <= 4:
            raise TypeError(f"launch '{kernel.__name__}' as kernel[grid, block] or "
                            "kernel[grid, block, stream, shared_bytes]")
        self.kernel = kernel
        self.grid = _dim3(config[0], "grid")
        self.block = _dim3(config[1], "block")
        self.stream = config[2] if len(config) > 2 else None
        shared = config[3] if len(config) > 3 else 0
        if not isinstance(shared, int) or isinstance(shared, bool) or shared < 0:
            raise ValueError(f"shared_bytes must be a non-negative int, got {shared!r}")
        self.shared_bytes = shared

    def __call__(self, *args, **kwargs):
        return self.kernel._launch(self, args, kwargs)

    def __repr__(self):
        return (f"<launch of {self.kernel.__name__} grid={self.grid} block={self.block} "
                f"shared_bytes={self.shared_bytes}>")


class Kernel:
    """A ``@cuft.kernel``: launch with ``kernel[grid, block](*args)``, look at its
    code with ``inspect(*args, stage=...)``, count its cache with ``stats()``."""

    def __init__(self, fn, options):
        _wrap(self, fn)
        self.__cuft_kernel__ = fn
        self.options = check_options(options, f"@cuft.kernel {fn.__qualname__}")
        self._options_key = tuple(sorted(self.options.items()))
        self._frontend = None
        self._frontend_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self._stats = {"compiles": 0, "hits": 0, "waits": 0, "loads": 0}

    def __repr__(self):
        return f"<cuft.kernel {self.__qualname__}>"

    # -- the generic IR, once per function identity ----------------------------
    @property
    def frontend(self):
        """The FrontendResult: generic IR, parameter names, constexpr positions."""
        fe = self._frontend
        if fe is not None and (not fe.captures or fe.captures_match(self.py_func)):
            return fe
        with self._frontend_lock:
            fe = self._frontend
            if fe is None or not fe.captures_match(self.py_func):
                # First use, or a captured global was rebound since: the new value
                # is compiled in, as if the kernel had been defined now.
                fe = self._frontend = _frontend_for(self.py_func)
        return fe

    # -- arguments -> signature ------------------------------------------------
    def _arg_error(self, fe, index, message):
        if index is None or index >= len(fe.arg_positions):
            line, col = fe.position
        else:
            line, col = fe.arg_positions[index]
        return KernelArgumentError(message, fe.filename, line, col)

    def _bind(self, fe, args, kwargs):
        names = fe.arg_names
        if kwargs:
            npos, args = len(args), list(args)
            for name, value in kwargs.items():
                if name not in names:
                    raise self._arg_error(fe, None, f"{self.__name__}() got an unexpected "
                                                    f"keyword argument '{name}'")
                i = names.index(name)
                if i < npos or (i < len(args) and args[i] is not _UNSET):
                    raise self._arg_error(fe, i, f"{self.__name__}() got multiple values "
                                                 f"for argument '{name}'")
                args.extend([_UNSET] * (i + 1 - len(args)))
                args[i] = value
            missing = [names[i] for i, a in enumerate(args) if a is _UNSET]
            if missing:
                raise self._arg_error(fe, None, f"{self.__name__}() is missing argument(s): "
                                                f"{', '.join(missing)}")
        if len(args) != len(names):
            raise self._arg_error(
                fe, None, f"{self.__name__}() takes {len(names)} argument(s) "
                          f"({', '.join(names)}) but {len(args)} were given")
        return args

    def _entries(self, fe, args):
        try:
            return signature_entries(args, fe.constexpr_args)
        except ArgumentError as e:
            raise self._arg_error(fe, e.index, f"argument '{fe.arg_names[e.index]}' of "
                                               f"{self.__name__}(): {e}") from None

    def signature(self, *args, **kwargs):
        """The signature text these arguments specialize the kernel for."""
        fe = self.frontend
        return ",".join(self._entries(fe, self._bind(fe, args, kwargs)))

    # -- compiling -------------------------------------------------------------
    def _compile(self, fe, sig, stage, chip):
        ok, text, diags = _cuft.compile(fe.ir, sig, stage, kernel=fe.name, chip=chip,
                                        opt_level=self.options["opt_level"],
                                        fast_math=self.options["fastmath"])
        if not ok:
            raise from_diagnostics(diags, fe.filename, fe.firstlineno)
        return text

    def _compile_host(self, fe, sig, boundscheck, keep_llvm_ir=False):
        ok, kernel, llvm_ir, diags = _cuft.compile_host(
            fe.ir, sig, kernel=fe.name, opt_level=self.options["opt_level"],
            fast_math=self.options["fastmath"], bounds_check=boundscheck,
            keep_llvm_ir=keep_llvm_ir)
        if not ok:
            raise from_diagnostics(diags, fe.filename, fe.firstlineno)
        return llvm_ir if keep_llvm_ir else kernel

    def _boundscheck(self):
        option = self.options["boundscheck"]
        if option is None:
            return os.environ.get("CUFT_BOUNDSCHECK", "0") not in ("", "0")
        return option

    def _count(self, what):
        with self._stats_lock:
            self._stats[what] += 1

    def _specialization(self, fe, sig, target_key, build):
        """The compiled specialization for (sig, target_key): built by the first
        caller with ``build()``, shared with every other."""
        key = (fe, sig, target_key, self._options_key)
        entry = _SPECIALIZATIONS.get(key)
        if entry is not None and entry.ready.is_set() and entry.error is None:
            self._count("hits")
            return entry.value
        with _SPECIALIZATIONS_LOCK:
            entry = _SPECIALIZATIONS.get(key)
            owner = entry is None
            if owner:
                entry = _SPECIALIZATIONS[key] = _Pending()
        if owner:
            try:
                entry.value = build()
            except BaseException as e:
                entry.error = e if isinstance(e, CompileError) else CompileError(
                    f"internal error while compiling: {type(e).__name__}: {e}",
                    fe.filename, fe.firstlineno)
                with _SPECIALIZATIONS_LOCK:  # a later call compiles again
                    if _SPECIALIZATIONS.get(key) is entry:
                        del _SPECIALIZATIONS[key]
            finally:
                self._count("compiles")
                entry.ready.set()
        elif entry.ready.is_set():
            self._count("hits")
        else:
            self._count("waits")
            entry.ready.wait()
        if entry.error is not None:
            raise entry.error.clone()
        return entry.value

    def specialize(self, sig, chip=DEFAULT_CHIP):
        """The PTX of the specialization for signature text ``sig``: compiled by
        the first caller, shared with every other."""
        fe = self.frontend
        return self._specialization(fe, sig, chip, lambda: self._compile(fe, sig, "ptx", chip))

    def specialize_host(self, sig):
        """The HostKernel (JIT-compiled for this CPU) for signature text ``sig``,
        with bounds checks when they are on; compiled once, like ``specialize``."""
        fe = self.frontend
        boundscheck = self._boundscheck()

        def build():
            kernel = self._compile_host(fe, sig, boundscheck)
            self._count("loads")  # the JIT has loaded it into this process
            return kernel
        return self._specialization(fe, sig, ("host", boundscheck), build)

    def inspect(self, *args, stage="ptx", signature=None, **kwargs):
        """The kernel's code for these arguments (or for ``signature``, written
        numba style like ``"f32, f32[::1], f32[::1]"``) at ``stage``: "generic"
        (the frontend's IR), "typed" (after specialization), "llvm" or "ptx"
        (the GPU's LLVM IR or PTX), or "host-llvm" (the host target's optimized
        LLVM IR for this CPU)."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r} (expected one of {', '.join(STAGES)})")
        fe = self.frontend
        if signature is not None:
            if args or kwargs:
                raise TypeError("inspect() takes either arguments or signature=, not both")
            try:
                sig = parse_signature(signature)
            except ValueError as e:
                raise ValueError(f"bad signature {signature!r}: {e}") from None
        else:
            sig = self.signature(*args, **kwargs)
        if stage == "generic":
            return fe.ir
        if stage == "ptx":
            return self.specialize(sig)
        if stage == "host-llvm":
            return self._compile_host(fe, sig, self._boundscheck(), keep_llvm_ir=True)
        return self._compile(fe, sig, stage, DEFAULT_CHIP)

    def stats(self):
        """Counters of this kernel's specialization cache: compiles (done by
        this kernel's callers), hits, waits (calls that waited for another
        thread's compile) and loads (modules loaded onto a device)."""
        with self._stats_lock:
            return dict(self._stats)

    # -- launching -------------------------------------------------------------
    def __getitem__(self, config):
        return LaunchConfig(self, config)

    def __call__(self, *args, **kwargs):
        raise TypeError(f"launch kernel '{self.__name__}' with {self.__name__}[grid, block]"
                        "(*args); a kernel cannot be called directly")

    def _launch(self, config, args, kwargs):
        fe = self.frontend
        args = self._bind(fe, args, kwargs)
        entries = self._entries(fe, args)
        where = target()
        if where != "host":
            self.specialize(",".join(entries))
            raise NotImplementedError(
                f"cannot launch '{self.__name__}' on the cuda target: cuft's CUDA runtime is "
                "not built yet. Run on the CPU with cuft.set_target('host') or "
                "CUFT_TARGET=host; the PTX is in .inspect(*args, stage='ptx')")
        kernel = self.specialize_host(",".join(entries))
        try:
            packed = pack_arguments(args, entries, fe.constexpr_args)
        except ArgumentError as e:
            raise self._arg_error(fe, e.index, f"argument '{fe.arg_names[e.index]}' of "
                                               f"{self.__name__}(): {e}") from None
        error = _cuft.launch_host(kernel, config.grid, config.block, packed)
        if error is not None:
            raise_launch_error(self.__name__, error)


_UNSET = object()


class DeviceFunction:
    """A ``@cuft.func``: callable from kernels and other device functions."""

    def __init__(self, fn, options):
        if options:
            raise TypeError(f"@cuft.func {fn.__qualname__}: unknown option(s) "
                            f"{', '.join(options)} (device functions take their kernel's options)")
        _wrap(self, fn)
        self.__cuft_func__ = fn

    def __repr__(self):
        return f"<cuft.func {self.__qualname__}>"

    def __call__(self, *args, **kwargs):
        raise TypeError(f"device function '{self.__name__}' can only be called from a "
                        "@cuft.kernel or another @cuft.func")
