"""``@cuft.kernel`` and ``@cuft.func``: the objects users decorate functions into.

A ``Kernel`` turns its Python function into generic IR once (the frontend), then
compiles one specialization per argument signature. Warm calls find it in the
kernel's fast table: an immutable dict, replaced whole (never mutated) when an
entry is added, so readers take no lock. A miss goes to C++ (``_cuft.specialize``):
the process-wide CompileCache compiles each specialization exactly once however
many threads ask, with the GIL released, and the ModuleRegistry loads it once
(``_cuft.load_host``). A failed compile reaches every thread that waited for it
and is then forgotten, so a later call tries again. See docs/threading.md.
"""

import os
import sys
import threading

from . import _cuft
from .errors import CompileError, CudaError, KernelArgumentError, from_diagnostics
from .frontend import generate
from .frontend.source import capture as capture_source
from .host import raise_launch_error
from .link import Linkable, link_inputs, sass
from .link import callbacks as link_callbacks
from .link import identity as link_identity
from .signature import ArgumentError, parse_signature
from .target import require_cuda, target

__all__ = ["Kernel", "DeviceFunction", "KERNEL_OPTIONS", "STAGES"]

STAGES = ("generic", "typed", "llvm", "ptx", "cubin", "sass", "host-llvm")

# Option name -> (default, check, what it does). Unknown names are rejected.
KERNEL_OPTIONS = {
    "fastmath": (False, lambda v: isinstance(v, bool),
                 "approximate math, flush float32 denormals to zero, no NaN/inf guarantees"),
    "opt_level": (3, lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 3,
                  "LLVM optimization level, 0 to 3"),
    "boundscheck": (None, lambda v: v is None or isinstance(v, bool),
                    "check array indices on the host target and raise IndexError; None: "
                    "when the environment has CUFT_BOUNDSCHECK=1"),
    "link": ((), lambda v: isinstance(v, (list, tuple)) and all(
        isinstance(p, (str, os.PathLike, Linkable)) for p in v),
             "a list of files whose code the kernel links: .ptx, .cubin, .fatbin, .ltoir, "
             ".cu (CUDA C++, compiled by NVRTC), or cuft.Linkable(path, setup, teardown)"),
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
    options = {**{k: d for k, (d, _, _) in KERNEL_OPTIONS.items()}, **options}
    options["link"] = tuple(p if isinstance(p, Linkable) else Linkable(p) for p in options["link"])
    return options


# Generic IR by function code: kernels made by one factory share it while they
# capture the same values. Entries are immutable FrontendResults; a racing
# insert of an equal result is harmless (either may win). Code objects compare
# equal without their file: equal functions of two files (at the same lines)
# are told apart by it, so that each compiles its own text with its own
# locations. Bounded: 8 results per code, _FRONTEND_CODES codes (the oldest
# inserted goes first), so a program that makes new functions forever (exec)
# does not keep them all; a dropped one is only generated again.
_FRONTENDS = {}
_FRONTEND_CODES = 512
_FRONTENDS_LOCK = threading.Lock()  # writers only: readers use one dict lookup


def _frontend_for(fn):
    for fe in _FRONTENDS.get(fn.__code__, ()):
        if fe.filename == fn.__code__.co_filename and fe.captures_match(fn):
            return fe
    fe = generate(fn, is_kernel=True)
    with _FRONTENDS_LOCK:
        # Copy-on-write: readers iterate a tuple that is never mutated.
        _FRONTENDS[fn.__code__] = (*_FRONTENDS.get(fn.__code__, ())[-7:], fe)
        while len(_FRONTENDS) > _FRONTEND_CODES:
            del _FRONTENDS[next(iter(_FRONTENDS))]
    return fe


# Entries a kernel's fast table keeps; past it, the table starts again (the
# process-wide cache still holds every specialization).
_FAST_TABLE_SIZE = 64
_EMPTY = {}
_MISS = _cuft.MISS
_captures_unchanged = _cuft.captures_unchanged
_read_arguments = _cuft.read_arguments
_intern = sys.intern


def _constexpr_mask(fe):
    """A bool per parameter: whether it is a cuft.constexpr one."""
    mask = fe.__dict__.get("_constexpr_mask")
    if mask is None:
        constexprs = fe.constexpr_args
        mask = fe.__dict__["_constexpr_mask"] = [i in constexprs for i in range(len(fe.arg_names))]
    return mask


def _program(fe):
    """The frontend result's _cuft.Program: its IR and digest, made once."""
    program = fe.__dict__.get("_program")
    if program is None:
        program = fe.__dict__["_program"] = _cuft.Program(fe.ir, fe.name)
    return program


def _wrap(obj, fn):
    """Give a kernel or device function object the name and docs of ``fn``."""
    obj.py_func = obj.__wrapped__ = fn
    for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(obj, attr, getattr(fn, attr))


_CHIPS = {}


def _device_chip(device=0):
    """The chip the device is (its compute capability), asked once per device."""
    chip = _CHIPS.get(device)
    if chip is None:
        chip = _CHIPS[device] = _cuft.cuda_chip(device)
    return chip


# kernel[grid, block, stream, shared_bytes]: a _cuft.LaunchConfig, made (and
# checked) in C by _cuft.KernelBase's subscript. Calling it takes the warm
# launch in C; everything else comes to _launch.
LaunchConfig = _cuft.LaunchConfig


def _launch_keywords(config, kwargs):
    """``stream=`` and ``shared_bytes=`` given with the arguments: the launch's,
    unless the kernel has a parameter of that name (a parameter always takes
    its own name). Returns the config and the kernel's kwargs."""
    kernel = config.kernel
    names = kernel.frontend.arg_names
    given = {k: kwargs[k] for k in ("stream", "shared_bytes") if k in kwargs and k not in names}
    if not given:
        return config, kwargs
    if given.get("stream") is not None and config.stream is not None:
        raise TypeError(f"launch of '{kernel.__name__}' got two streams: "
                        f"kernel[grid, block, stream] and stream=")
    if "shared_bytes" in given and config.shared_bytes:
        raise TypeError(f"launch of '{kernel.__name__}' got shared_bytes twice: "
                        f"kernel[grid, block, stream, shared_bytes] and shared_bytes=")
    stream = given.get("stream")
    config = kernel[config.grid, config.block, config.stream if stream is None else stream,
                    given.get("shared_bytes", config.shared_bytes)]
    return config, {k: v for k, v in kwargs.items() if k not in given}


def _launch(config, args, kwargs):
    """A launch the C path did not take: keywords, the host target, a cold or
    changed kernel."""
    if kwargs and ("stream" in kwargs or "shared_bytes" in kwargs):
        config, kwargs = _launch_keywords(config, kwargs)
    kernel = config.kernel
    if target() == "host":
        return kernel._launch_host(config, args, kwargs)
    # A captured global or closure cell may have been rebound to an equal
    # value: then the warm path still holds (the C path only compares identity).
    warm = kernel._cuda_warm
    if warm is not None and not kwargs and config.stream is None:
        fe, d, stream, checks = warm
        if fe is kernel._frontend and not _captures_unchanged(checks) \
                and kernel._recheck_captures(warm) \
                and _cuft.launch_fast_cuda(d, config.grid, config.block, config.shared_bytes,
                                           stream, args) is not _MISS:
            return None
    return kernel._launch_cuda(config, args, kwargs)


def _host_error(kernel, error):
    raise_launch_error(kernel.__name__, error)


_cuft.set_launch_hooks(_launch, _host_error)


class Kernel(_cuft.KernelBase):
    """A ``@cuft.kernel``: launch with ``kernel[grid, block](*args)``, look at its
    code with ``inspect(*args, stage=...)``, count its cache with ``stats()``."""

    def __init__(self, fn, options):
        _wrap(self, fn)
        self.__cuft_kernel__ = fn
        self.options = check_options(options, f"@cuft.kernel {fn.__qualname__}")
        # The text compiled is the text of now, not of the first launch.
        capture_source(fn)
        self._frontend = None
        self._frontend_lock = threading.Lock()
        self._counters = _cuft.KernelCounters()
        # (frontend, {table: {signature: specialization or module}}): immutable,
        # swapped whole.
        self._fast = (None, {})
        # (frontend, {table: _cuft.Dispatcher}): the C++ warm launch path.
        self._dispatchers = (None, {})
        # _cuda_warm, (frontend, Dispatcher, default stream, identity checks of
        # the frontend's captures) of the last slow cuda launch, is a field of
        # _cuft.KernelBase: the C warm path reads it without a reference.

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
                # The C warm paths launched the old frontend's code.
                self._cuda_warm = self._host_warm = None
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

    def _read(self, fe, args, memory="none", context=0, device=0, stream=0):
        """(signature text, KernelArgs or None) of bound ``args``, read for a
        launch into ``memory`` ("host", "cuda": on ``stream`` of ``context``,
        ``device``; "none": the signature only) by the reader every launch
        uses; an argument it refuses is a KernelArgumentError at its parameter."""
        try:
            return _read_arguments(args, _constexpr_mask(fe), memory, context, device, stream)
        except ArgumentError as e:
            raise self._arg_error(fe, e.index, f"argument '{fe.arg_names[e.index]}' of "
                                               f"{self.__name__}(): {e}") from None

    def signature(self, *args, **kwargs):
        """The signature text these arguments specialize the kernel for."""
        fe = self.frontend
        return self._read(fe, self._bind(fe, args, kwargs))[0]

    # -- compiling -------------------------------------------------------------
    def _compile(self, fe, sig, stage, chip):
        """One stage's text, compiled apart from the cache (for inspect)."""
        ok, text, diags = _cuft.compile(fe.ir, sig, stage, kernel=fe.name, chip=chip,
                                        opt_level=self.options["opt_level"],
                                        fast_math=self.options["fastmath"])
        if not ok:
            raise from_diagnostics(diags, fe.filename, fe.firstlineno)
        return text

    def _boundscheck(self):
        option = self.options["boundscheck"]
        return _cuft.boundscheck_from_environment() if option is None else option

    # The fast table: {table: {signature: value}}, a table per target ("host",
    # "host+boundscheck", a chip). Signatures are interned, and table names are
    # literals: on free-threaded 3.13, looking up a key that is equal but not
    # identical to the stored one, from a thread that does not own the dict,
    # takes ~16 us instead of ~60 ns (measured), and interning makes them one
    # object.
    def _fast_get(self, fe, table, sig):
        frontend, tables = self._fast
        if frontend is fe:
            value = tables.get(table, _EMPTY).get(_intern(sig))
            if value is not None:
                self._counters.hit()
                return value
        return None

    def _fast_put(self, fe, table, sig, value):
        frontend, tables = self._fast
        if frontend is not fe:
            tables = {}
        entries = tables.get(table, _EMPTY)
        entries = {**entries, _intern(sig): value} if len(entries) < _FAST_TABLE_SIZE \
            else {_intern(sig): value}
        # A racing put may replace these tables: the entry it loses just takes
        # the slow path once more, where the process-wide cache has it.
        self._fast = (fe, {**tables, table: entries})

    def _specialization(self, fe, sig, target_name, boundscheck=False, link_inputs=None):
        """The compiled Specialization from the process-wide cache; with
        ``link_inputs`` (a chip target), its PTX linked with them into a cubin
        (one per set of linked callbacks: they set up the module loaded from it)."""
        ok, spec, diags = _cuft.specialize(
            _program(fe), sig, target_name, opt_level=self.options["opt_level"],
            fast_math=self.options["fastmath"], bounds_check=boundscheck,
            counters=self._counters, cubin=link_inputs is not None,
            link_inputs=link_inputs or [],
            callbacks=link_identity(self.options["link"]) if link_inputs is not None else "")
        if not ok:
            raise from_diagnostics(diags, fe.filename, fe.firstlineno)
        return spec

    def specialize(self, sig, chip=DEFAULT_CHIP):
        """The PTX of the specialization for signature text ``sig``: compiled by
        the first caller, shared with every other."""
        fe = self.frontend
        spec = self._fast_get(fe, chip, sig)
        if spec is None:
            spec = self._specialization(fe, sig, chip)
            self._fast_put(fe, chip, sig, spec)
        return spec.ptx

    def specialize_host(self, sig, _reload=False):
        """The HostModule (compiled for this CPU, loaded into this process) for
        signature text ``sig``, with bounds checks when they are on; compiled
        and loaded once, like ``specialize``."""
        fe = self.frontend
        boundscheck = self._boundscheck()
        table = "host+boundscheck" if boundscheck else "host"
        module = None if _reload else self._fast_get(fe, table, sig)
        if module is None:
            spec = self._specialization(fe, sig, "host", boundscheck)
            module, error = _cuft.load_host(spec, self._counters)
            if module is None:
                raise CompileError(f"cannot load kernel '{self.__name__}' on the host: {error}",
                                   fe.filename, fe.firstlineno)
            self._fast_put(fe, table, sig, module)
        return module

    def inspect(self, *args, stage="ptx", signature=None, chip=None, **kwargs):
        """The kernel's code for these arguments (or for ``signature``, written
        numba style like ``"f32, f32[::1], f32[::1]"``) at ``stage``: "generic"
        (the frontend's IR), "typed" (after specialization), "llvm" or "ptx"
        (the GPU's LLVM IR or PTX), "cubin" (bytes: the PTX linked by nvJitLink),
        "sass" (the cubin disassembled by the toolkit's cuobjdump or nvdisasm),
        or "host-llvm" (the host target's optimized LLVM IR for this CPU). GPU
        stages are for ``chip`` ("sm_90"): by default the GPU's where there is
        one, else sm_90."""
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
        if chip is None:
            chip = _device_chip() if _cuft.cuda_driver_status()["available"] else DEFAULT_CHIP
        if stage == "ptx":
            return self.specialize(sig, chip)
        if stage in ("cubin", "sass"):
            # The cubin a launch on this chip loads: one cache entry, shared.
            inputs = link_inputs(self.options["link"], chip, (fe.filename, fe.firstlineno))
            cubin = self._specialization(fe, sig, chip, link_inputs=inputs).cubin
            return cubin if stage == "cubin" else sass(cubin)
        if stage == "host-llvm":
            ok, text, diags = _cuft.compile_host_llvm(
                fe.ir, sig, kernel=fe.name, opt_level=self.options["opt_level"],
                fast_math=self.options["fastmath"], bounds_check=self._boundscheck())
            if not ok:
                raise from_diagnostics(diags, fe.filename, fe.firstlineno)
            return text
        return self._compile(fe, sig, stage, chip)

    def stats(self):
        """Counters of this kernel's specializations: compiles (done by this
        kernel's callers), hits (calls that found theirs compiled), waits (calls
        that waited for another thread's compile) and loads (modules loaded by
        this kernel's callers: into a CUDA context, or into this process on the
        host target). Atomics, read without stopping other threads."""
        return self._counters.snapshot()

    # -- launching -------------------------------------------------------------
    # kernel[grid, block, ...]: _cuft.KernelBase's subscript.

    def configure(self, grid, block, stream=None, shared_bytes=0):
        """``kernel[grid, block, stream, shared_bytes]`` with keywords: the
        launch configuration, to call with the kernel's arguments."""
        return self[grid, block, stream, shared_bytes]

    def __call__(self, *args, **kwargs):
        raise TypeError(f"launch kernel '{self.__name__}' with {self.__name__}[grid, block]"
                        "(*args); a kernel cannot be called directly")

    def _dispatch(self, args, kwargs, context=None, stream=0, device=0):
        """Everything a launch does before running: bind the arguments, find
        the specialization (compiling and loading it if no thread has: on the
        host, or with ``context``, the primary context of ``device``, in that
        CUDA context), pack the arguments (for ``stream`` on the GPU). Returns
        (sig, module, packed). No lock on the warm path."""
        fe = self.frontend
        args = self._bind(fe, args, kwargs)
        if context is None:
            sig, packed = self._read(fe, args, "host")
            return sig, self.specialize_host(sig), packed
        sig, packed = self._read(fe, args, "cuda", context, device, stream)
        return sig, self.specialize_cuda(sig, context, device=device), packed

    def _dispatcher(self, fe, table, device=0):
        frontend, dispatchers = self._dispatchers
        if frontend is fe:
            d = dispatchers.get(table)
            if d is not None:
                return d
        else:
            dispatchers = {}
        # A cuda table's name is its context (device 0's: the C path launches there).
        d = _cuft.Dispatcher(_constexpr_mask(fe), self._counters,
                             table if isinstance(table, int) else 0, device)
        # Two threads racing here each make one; the one stored is kept.
        self._dispatchers = (fe, {**dispatchers, table: d})
        return d

    def specialize_cuda(self, sig, context, _reload=False, device=0):
        """The CudaModule (PTX linked with the kernel's ``link`` files into a
        cubin for ``device``'s chip, loaded into ``context``, its primary
        context) for signature text ``sig``: compiled once per process and
        chip, and loaded once per context."""
        fe = self.frontend
        table = f"cuda:{context}"
        module = None if _reload else self._fast_get(fe, table, sig)
        if module is None:
            chip = _device_chip(device)
            inputs = link_inputs(self.options["link"], chip, (fe.filename, fe.firstlineno))
            spec = self._specialization(fe, sig, chip, link_inputs=inputs)
            setup, teardown = link_callbacks(self.options["link"])
            try:
                module = _cuft.load_cuda(spec, context, self._counters, setup=setup,
                                         teardown=teardown)
            except CudaError as e:
                raise e.within(f"kernel '{self.__name__}' ({fe.filename}:{fe.firstlineno})") \
                    from None
            self._fast_put(fe, table, sig, module)
        return module

    def _recheck_captures(self, warm):
        """A captured name finds another object than last time: True when its
        value is still equal (the checks then follow the new object)."""
        fe, d, stream, _ = warm
        checks = fe.matching_identity_checks(self.py_func)
        if checks is None:
            return False
        self._install_warm("_cuda_warm", fe, (fe, d, stream, checks))
        return True

    def _install_warm(self, slot, fe, state):
        """Sets the C warm path's state for a target (``_cuda_warm`` or
        ``_host_warm``) unless ``fe`` is no longer the kernel's frontend (a
        thread that saw a captured name rebound replaced it meanwhile)."""
        with self._frontend_lock:  # Kernel.frontend replaces _frontend under it
            if fe is self._frontend:
                setattr(self, slot, state)

    def _launch_cuda(self, config, args, kwargs):
        cuda = _CUDA or _import_cuda()
        context = cuda._CONTEXTS.get(0)
        if context is None:  # the first launch on the GPU: is there one?
            require_cuda(f"cannot launch '{self.__name__}' on the cuda target")
            context = cuda.current_context()
        stream, device = config.stream, 0
        if isinstance(stream, cuda.Stream) and stream.device != 0:
            # A stream of another device: the launch runs there (its primary
            # context, its chip), on the Python path.
            device, context = stream.device, stream.context
        stream = cuda._DEFAULT_STREAM if stream is None else cuda.stream_handle(stream)
        d = None
        if not kwargs:
            d = self._dispatcher(self.frontend, context, device)  # the table of this context
            if _cuft.launch_fast_cuda(d, config.grid, config.block, config.shared_bytes, stream,
                                      args) is not _MISS:
                return  # the warm path: everything was done in C++
        sig, module, packed = self._dispatch(args, kwargs, context, stream, device)
        while not _cuft.launch_cuda(module, config.grid, config.block, config.shared_bytes,
                                    stream, packed):
            module = self.specialize_cuda(sig, module.context, _reload=True, device=device)
        if d is not None:
            d.insert(sig, module)  # the next launch with these types takes the warm path
        if d is not None and context == cuda._CONTEXTS.get(0):
            fe = self._frontend
            checks = fe.matching_identity_checks(self.py_func)
            if checks is not None:
                self._install_warm("_cuda_warm", fe, (fe, d, cuda._DEFAULT_STREAM, checks))

    def _launch_host(self, config, args, kwargs):
        d = None
        if not kwargs:
            fe = self.frontend
            table = "host+boundscheck" if self._boundscheck() else "host"
            d = self._dispatcher(fe, table)
            error = _cuft.launch_fast(d, config.grid, config.block, args)
            if error is not _MISS:  # the warm path: everything was done in C++
                self._leave_host_warm(fe)
                if error is not None:
                    raise_launch_error(self.__name__, error)
                return
        sig, module, packed = self._dispatch(args, kwargs)
        error = _cuft.launch_host(module, config.grid, config.block, packed)
        while error == "unloaded":  # cuft.unload_modules() since it was cached: load again
            module = self.specialize_host(sig, _reload=True)
            error = _cuft.launch_host(module, config.grid, config.block, packed)
        if d is not None:
            d.insert(sig, module)  # the next launch with these types takes the warm path
            self._leave_host_warm(fe)
        if error is not None:
            raise_launch_error(self.__name__, error)

    def _leave_host_warm(self, fe):
        """Lets the C path launch this kernel on the host (LaunchConfig's call):
        both host tables, the boundscheck option and the capture checks."""
        checks = fe.matching_identity_checks(self.py_func)
        if checks is not None:
            self._install_warm("_host_warm", fe, (
                fe, self._dispatcher(fe, "host"), self._dispatcher(fe, "host+boundscheck"),
                self.options["boundscheck"], checks))


_UNSET = object()
_CUDA = None  # cuft.cuda, imported by the first cuda-target launch


def _import_cuda():
    global _CUDA
    from . import cuda
    _CUDA = cuda
    return cuda


class DeviceFunction:
    """A ``@cuft.func``: callable from kernels and other device functions."""

    def __init__(self, fn, options):
        if options:
            raise TypeError(f"@cuft.func {fn.__qualname__}: unknown option(s) "
                            f"{', '.join(options)} (device functions take their kernel's options)")
        _wrap(self, fn)
        self.__cuft_func__ = fn
        capture_source(fn)  # the text of now, as for a kernel

    def __repr__(self):
        return f"<cuft.func {self.__qualname__}>"

    def __call__(self, *args, **kwargs):
        raise TypeError(f"device function '{self.__name__}' can only be called from a "
                        "@cuft.kernel or another @cuft.func")
