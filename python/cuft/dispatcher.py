"""``@cuft.kernel`` and ``@cuft.func``: the objects users decorate functions into.

A ``Kernel`` turns its Python function into generic IR once (the frontend), then
launches through its ``_cuft.Launcher`` (python/src/launcher.cpp), one per
frontend: the C++ table (place, signature) -> loaded module in front of the
process-wide CompileCache. Every launch, warm or cold, on the host or a GPU,
runs there: the one argument reader, the lookup, and on a miss the compile
(once per process however many threads ask, the GIL released) and the load
(once per context). Python keeps the frontend, keyword arguments, options,
``inspect`` and the rendering of errors. See docs/Architecture.md and
docs/threading.md.
"""

import dataclasses
import os
import pickle
import sys
import threading
import time

import numpy as np

from . import _cuft, dsl
from .errors import CompileError, CudaError, KernelArgumentError, from_diagnostics
from .frontend import generate
from .frontend.source import capture as capture_source
from .host import raise_launch_error
from .link import Linkable, LinkableCode, link_inputs, sass
from .link import callbacks as link_callbacks
from .link import identity as link_identity
from .pickling import FunctionRef, importable, imported, received_links, shipped_links
from .signature import ArgumentError, parse_signature, signature_of
from .target import require_cuda, target
from .transfers import _Transfer, finish_transfers, transfer_arguments

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
    "debug": (None, lambda v: v is None or isinstance(v, bool),
              "compile assert in and report a failed assert or a raise as a Python exception "
              "after the launch, located at its line (implies boundscheck on the host); None: "
              "when the environment has CUFT_DEBUG=1"),
    "max_registers": (None, lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)
                                                    and 1 <= v <= 255),
                      "the most registers a thread may use (PTX .maxnreg), 1 to 255"),
    "launch_bounds": (None, lambda v: v is None or _launch_bounds(v) is not None,
                      "the most threads a block may have, or a tuple (threads, blocks per SM "
                      "at least, blocks per cluster at most): PTX .maxntid, .minnctapersm, "
                      ".maxclusterrank; a larger block is refused on both targets"),
    "fma": (True, lambda v: isinstance(v, bool),
            "on the GPU, contract a float multiply and an add into one fused multiply-add "
            "(rounded once: nvcc's and numba's default); False keeps them apart, as the "
            "host target and numpy compute"),
    "lineinfo": (False, lambda v: isinstance(v, bool),
                 "source lines in the PTX (.loc, .file), for profilers and compute-sanitizer"),
    "cache": (None, lambda v: v is None or isinstance(v, bool),
              "keep this kernel's compiled code in the disk cache and load it from there "
              "(None, the default, and True: when the disk cache is on; False: never)"),
    "link": ((), lambda v: isinstance(v, (list, tuple)) and all(
        isinstance(p, (str, os.PathLike, Linkable, LinkableCode)) for p in v),
             "a list of files whose code the kernel links: .ptx, .cubin, .fatbin, .ltoir, "
             ".cu (CUDA C++, compiled by NVRTC), cuft.Linkable(path, setup, teardown), or "
             "code in memory: cuft.CUSource, PTXSource, Cubin, Fatbin, LTOIR (numba-cuda's)"),
}

def declarations(signatures, where):
    """[(result entry, argument signature text)] of signatures declared as
    numba writes them: a string ``"void(float32[::1], int32)"``, a
    ``cuft.float32[:]``-style object whose str() is one, a tuple of argument
    types, numba's own type objects (dsl.signature_text), or a list of those.
    ValueError naming ``where`` when one is not a signature."""
    items = dsl.signature_list(signatures)
    if items is None:
        items = [str(s) for s in signatures] if isinstance(signatures, (list, tuple)) \
            else [str(signatures)]
    out = []
    for item in items:
        try:
            out.append(_cuft.declared_signature(item))
        except ValueError as e:
            raise ValueError(f"{where}: bad signature {item!r}: {e}") from None
    return tuple(out)


# The GPU architecture compiled for until the CUDA runtime picks the device's.
DEFAULT_CHIP = "sm_90"


def _launch_bounds(v):
    """launch_bounds as a tuple of 1 to 3 positive ints, or None when it is not one."""
    t = (v,) if isinstance(v, int) else v
    if (isinstance(t, tuple) and 1 <= len(t) <= 3
            and all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in t)
            and t[0] <= 1024):
        return t
    return None


def check_options(options, where):
    if "opt" in options:  # numba-cuda's name: opt=False compiles without optimizing
        options = dict(options)
        opt = options.pop("opt")
        if not isinstance(opt, bool) or "opt_level" in options:
            raise TypeError(f"{where}: opt is True or False (numba's; or opt_level=0 to 3), "
                            f"got {opt!r}" + (" beside opt_level" if "opt_level" in options
                                              else ""))
        options["opt_level"] = 3 if opt else 0
    for name, value in options.items():
        if name not in KERNEL_OPTIONS:
            raise TypeError(f"{where}: unknown option '{name}' (known: {', '.join(KERNEL_OPTIONS)})")
        if not KERNEL_OPTIONS[name][1](value):
            raise TypeError(f"{where}: bad value {value!r} for option '{name}' "
                            f"({KERNEL_OPTIONS[name][2]})")
    options = {**{k: d for k, (d, _, _) in KERNEL_OPTIONS.items()}, **options}
    options["link"] = tuple(
        p if isinstance(p, Linkable)
        else Linkable(received_links([p.file()])[0]) if isinstance(p, LinkableCode)
        else Linkable(p) for p in options["link"])
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


def _frontend_for(fn, tuples=("", ()), debug=False):
    """The generic IR of kernel ``fn`` for arguments whose tuples have
    ``tuples``: (skeleton, shapes) of ``_cuft.tuple_shapes`` ("", () for none);
    with ``debug``, its asserts and raises report (debug=True)."""
    skeleton, shapes = tuples
    for fe in _FRONTENDS.get(fn.__code__, ()):
        if (fe.tuples == skeleton and fe.debug == debug
                and fe.filename == fn.__code__.co_filename and fe.captures_match(fn)):
            return fe
    # The kernel's own frontend defers a compile error until its IR is used:
    # its parameters are known, and a launch with tuples gets the IR for them.
    began = time.perf_counter()
    fe = dataclasses.replace(generate(fn, is_kernel=True, param_shapes=shapes,
                                      defer_errors=not skeleton, debug=debug),
                             tuples=skeleton, debug=debug)
    if _TIMING:  # CUFT_TIMING: the line compiles print (cuft/Conversion/Timing.h)
        sys.stderr.write(f"cuft-timing: frontend {fn.__qualname__}() "
                         f"{(time.perf_counter() - began) * 1e3:.3f} ms\n")
    with _FRONTENDS_LOCK:
        # Copy-on-write: readers iterate a tuple that is never mutated.
        _FRONTENDS[fn.__code__] = (*_FRONTENDS.get(fn.__code__, ())[-7:], fe)
        while len(_FRONTENDS) > _FRONTEND_CODES:
            del _FRONTENDS[next(iter(_FRONTENDS))]
    return fe


_read_arguments = _cuft.read_arguments
_TIMING = _cuft.timing_enabled()


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
        fe.require()
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


_DEFAULT_CHIP = []


def _default_chip():
    """The chip GPU stages are for by default: device 0's where a driver is,
    else sm_90. Asked once (the driver is loaded once per process)."""
    if not _DEFAULT_CHIP:
        _DEFAULT_CHIP.append(_device_chip() if _cuft.cuda_driver_status()["available"]
                             else DEFAULT_CHIP)
    return _DEFAULT_CHIP[0]


_SIGNATURES = {}  # signature text a person wrote -> cuft's: parsed once
_SIGNATURES_LOCK = threading.Lock()


def _parse_signature(text):
    """``parse_signature(text)``, remembered (at most 256 texts): what
    ``inspect(signature=...)`` and friends call on every hit."""
    sig = _SIGNATURES.get(text) if isinstance(text, str) else None
    if sig is None:
        try:
            sig = parse_signature(text)
        except ValueError as e:
            raise ValueError(f"bad signature {text!r}: {e}") from None
        with _SIGNATURES_LOCK:
            if len(_SIGNATURES) >= 256:
                _SIGNATURES.clear()
            _SIGNATURES[text] = sig
    return sig


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
    """A launch the C call did not take: keywords, a cold or changed kernel,
    a stream of another device, an argument error to locate."""
    if kwargs and ("stream" in kwargs or "shared_bytes" in kwargs):
        config, kwargs = _launch_keywords(config, kwargs)
    return config.kernel._launch(config, args, kwargs)


def _raise_error(kind, kernel, payload):
    """Raises a launch's failure (launcher.cpp's raise_error hook)."""
    fe = kernel._frontend
    if kind == "compile":
        raise from_diagnostics(payload, fe.filename, fe.firstlineno)
    if kind == "load-host":
        raise CompileError(f"cannot load kernel '{kernel.__name__}' on the host: {payload}",
                           fe.filename, fe.firstlineno)
    if kind == "load-cuda":  # a CudaError, or the exception a setup callback raised
        if not isinstance(payload, CudaError):
            raise payload
        raise payload.within(f"kernel '{kernel.__name__}' ({fe.filename}:{fe.firstlineno})") \
            from None
    raise_launch_error(kernel.__name__, payload)  # "launch-host"


def _link_for(kernel, chip):
    """What the kernel's cubin for ``chip`` links (launcher.cpp's link_for
    hook): (inputs, setup, teardown, identity of the callbacks)."""
    fe = kernel._frontend
    linked = kernel.options["link"]
    setup, teardown = link_callbacks(linked)
    return (link_inputs(linked, chip, (fe.filename, fe.firstlineno)), setup, teardown,
            link_identity(linked))


_cuft.set_launch_hooks(_launch, lambda kernel, error: raise_launch_error(kernel.__name__, error))
_cuft.set_error_hooks(_raise_error, _link_for)


class Kernel(_cuft.KernelBase):
    """A ``@cuft.kernel``: launch with ``kernel[grid, block](*args)``, look at its
    code with ``inspect(*args, stage=...)``, count its cache with ``stats()``."""

    def __init__(self, fn, options, signatures=()):
        _wrap(self, fn)
        self.__cuft_kernel__ = fn
        self.options = check_options(options, f"@cuft.kernel {fn.__qualname__}")
        # debug=True (or CUFT_DEBUG=1 when the kernel is declared): asserts and
        # raises report; the host checks indices and divisors as well.
        debug = self.options["debug"]
        self._debug = os.environ.get("CUFT_DEBUG") == "1" if debug is None else debug
        self._checked = True if self._debug else self.options["boundscheck"]
        # Declared signatures (argument signature texts): launches run one of
        # them, converting scalars as numba does; each compiles now.
        where = f"@cuft.kernel {fn.__qualname__}"
        for result, _ in declarations(signatures, where):
            if result:
                raise TypeError(f"{where}: a kernel returns nothing; declare it "
                                f"'void(...)', not '{result}(...)'")
        self._declared = tuple(args for _, args in declarations(signatures, where))
        # The text compiled is the text of now, not of the first launch.
        capture_source(fn)
        self._init_state()
        for sig in self._declared:  # compiled eagerly, as numba does
            self._precompile(sig)

    def _init_state(self):
        """The state a kernel starts with: no frontend, no launcher yet."""
        self._frontend = None
        self._frontend_checks = (None, None)  # (frontend, its identity checks)
        self._frontend_lock = threading.Lock()
        self._counters = _cuft.KernelCounters()
        # (frontend, {frontend: _cuft.Launcher}): every launch of a frontend's
        # code runs through its Launcher. The kernel's frontend, and those
        # generated for the shapes of tuple arguments (_tupled); replaced
        # whole with the kernel's frontend.
        self._launchers = (None, {})
        self._tupled = (None, {})  # (frontend, {tuple skeleton: frontend})
        self.specializations = {}  # specialize(): signature text -> Kernel
        # _warm, (frontend, Launcher, identity checks of the frontend's
        # captures), is a field of _cuft.KernelBase: the C call of
        # kernel[grid, block](*args) reads it without a reference.

    def __repr__(self):
        return f"<cuft.kernel {self.__qualname__}>"

    # -- pickling (cuft/pickling.py) -------------------------------------------
    def __reduce__(self):
        """A pickle of the kernel's IR, options, linked files and compiled
        specializations (docs/Distributed.md)."""
        fe = self.frontend
        frontends = [fe]
        base, tupled = self._tupled
        if base is fe:
            frontends += list(tupled.values())
        base, launchers = self._launchers
        compiled = [launchers[f].exported() if base is fe and f in launchers else []
                    for f in frontends]
        options = dict(self.options)
        options["link"] = shipped_links(self.__name__, self.options["link"])
        state = {
            "version": _PICKLE_VERSION,
            "names": {a: getattr(self, a) for a in ("__name__", "__qualname__", "__doc__",
                                                    "__module__")},
            "function": FunctionRef(self.py_func, self),
            "options": options,
            "debug": self._debug,
            "declared": self._declared,
            # The values captured are compiled into the IR: the receiver
            # neither reads nor checks the sender's globals.
            "frontends": [dataclasses.replace(f, captures=()) for f in frontends],
            "compiled": compiled,  # per frontend
        }
        return _rebuild_kernel, (state,)

    # -- the generic IR, once per function identity ----------------------------
    @property
    def frontend(self):
        """The FrontendResult: generic IR, parameter names, constexpr positions."""
        fe = self._frontend
        if fe is not None:
            if not fe.captures:
                return fe
            # Each captured name still finds the very object compiled in (a C
            # loop), else compare values.
            seen, checks = self._frontend_checks
            if seen is fe and checks is not None and _cuft.captures_unchanged(checks):
                return fe
            if fe.captures_match(self.py_func):
                return fe
        with self._frontend_lock:
            fe = self._frontend
            if fe is None or not fe.captures_match(self.py_func):
                # First use, or a captured global was rebound since: the new value
                # is compiled in, as if the kernel had been defined now.
                fe = self._frontend = _frontend_for(self.py_func, debug=self._debug)
                # The C call launched the old frontend's code.
                self._warm = None
            self._frontend_checks = (fe, fe.matching_identity_checks(self.py_func))
        return fe

    # -- arguments -> signature ------------------------------------------------
    def _arg_error(self, fe, index, message):
        if index is None or index >= len(fe.arg_positions):
            line, col = fe.position
        else:
            line, col = fe.arg_positions[index]
        return KernelArgumentError(message, fe.filename, line, col)

    def _refused(self, fe, index, why):
        """The KernelArgumentError for argument ``index``, refused for ``why``."""
        return self._arg_error(fe, index, f"argument '{fe.arg_names[index]}' of "
                                          f"{self.__name__}(): {why}")

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
            raise self._refused(fe, e.index, e) from None

    def signature(self, *args, **kwargs):
        """The signature text these arguments specialize the kernel for."""
        fe = self.frontend
        return self._read(fe, self._bind(fe, args, kwargs))[0]

    # -- compiling -------------------------------------------------------------
    def _ir_of(self, fe):
        """``fe``'s IR with this kernel's code options as attributes
        (max_registers, launch_bounds: of its cuft.kernel; lineinfo, fma=False: of the
        module): part of the IR, so of the cache's key."""
        fe.require()
        attrs = []
        if self.options["max_registers"] is not None:
            attrs.append(f"cuft.max_registers = {self.options['max_registers']} : i64")
        if self.options["launch_bounds"] is not None:
            bounds = _launch_bounds(self.options["launch_bounds"])
            attrs.append(f"cuft.launch_bounds = array<i64: {', '.join(map(str, bounds))}>")
        module_attrs = (["cuft.lineinfo"] if self.options["lineinfo"] else []) + \
            ([] if self.options["fma"] else ["cuft.no_fma"])
        if not attrs and not module_attrs:
            return fe.ir
        # The module's first line is `module {`, the entry function's header its
        # second: `... {`.
        first, header, rest = fe.ir.split("\n", 2)
        if module_attrs:
            first = f"module attributes {{{', '.join(module_attrs)}}} {{"
        if attrs:
            header = f"{header[:-2]} attributes {{{', '.join(attrs)}}} {{"
        return "\n".join([first, header, rest])

    def _compile(self, fe, sig, stage, chip):
        """One stage's text, compiled apart from the cache (for inspect)."""
        fe.require()
        ok, text, diags = _cuft.compile(self._ir_of(fe), sig, stage, kernel=fe.name, chip=chip,
                                        opt_level=self.options["opt_level"],
                                        fast_math=self.options["fastmath"])
        if not ok:
            raise from_diagnostics(diags, fe.filename, fe.firstlineno)
        return text

    def _boundscheck(self):
        option = self._checked
        return _cuft.boundscheck_from_environment() if option is None else option

    def _launcher(self, fe, base=None):
        """The Launcher of frontend ``fe`` (the kernel's frontend ``base``, or
        one made from it for tuple arguments): made once (under the frontend
        lock, so that two racing threads share one table and load each module
        once)."""
        base = fe if base is None else base
        frontend, launchers = self._launchers
        launcher = launchers.get(fe) if frontend is base else None
        if launcher is not None:
            return launcher
        with self._frontend_lock:
            frontend, launchers = self._launchers
            if frontend is not base:
                launchers = {}
            launcher = launchers.get(fe)
            if launcher is None:
                ir = self._ir_of(fe)
                program = _program(fe) if ir is fe.ir else _cuft.Program(ir, fe.name)
                launcher = _cuft.Launcher(program, _constexpr_mask(fe), self._counters,
                                          self.options["opt_level"], self.options["fastmath"],
                                          self._checked, bool(self.options["link"]),
                                          fe.tuples, list(self._declared),
                                          self.options["cache"] is not False)
                # Copy-on-write: readers look up a dict that is never mutated.
                self._launchers = (base, {**launchers, fe: launcher})
        return launcher

    def _precompile(self, sig):
        """Compiles declared signature ``sig`` for the current target."""
        if self.frontend.constexpr_args:
            raise TypeError(f"@cuft.kernel {self.__qualname__}: declared signatures cannot "
                            "be used with cuft.constexpr parameters")
        if target() == "host":
            self.specialize_host(sig)
        else:
            self.specialize_ptx(sig, _default_chip())

    def _to_declared(self, fe, args, sig):
        """``args`` (read as ``sig``) converted to the declared signature they
        fit best, as numba chooses (fewest unsafe conversions, then safe ones,
        then promotions: ``(1, 2**-25)`` takes ``(float64, float64)`` over
        ``(float32, float32)``), scalars cast to its types as numba does (an
        int passed where ``float32`` is declared becomes a numpy float32);
        arrays must have the declared element type and rank (any layout where
        ``[:]`` is declared)."""
        if _cuft.best_declared(list(self._declared), sig) >= 0:
            return args
        best = _cuft.best_declared(list(self._declared), sig, True)
        if best >= 0:
            declared = self._declared[best]
            want, got = _cuft.signature_entries(declared), _cuft.signature_entries(sig)
            scalars = _scalar_types()
            return tuple(_convert_scalar(a, scalars[w]) if w != g and w in scalars else a
                         for a, w, g in zip(args, want, got))
        raise self._arg_error(fe, None, f"{self.__name__}() has no declared signature for "
                                        f"arguments ({sig}); declared: "
                                        f"{'; '.join(self._declared)}")

    def _for_signature(self, fe, sig):
        """(frontend, its Launcher) for signature text ``sig`` of the kernel's
        frontend ``fe``: ``fe``'s own unless ``sig`` has tuples, else the
        frontend generated for their shapes (a tuple is passed as its
        elements, so its shape is part of the code), made once per shape."""
        skeleton, shapes = _cuft.tuple_shapes(sig)
        if not skeleton:
            return fe, self._launcher(fe)
        frontend, tupled = self._tupled
        shaped = tupled.get(skeleton) if frontend is fe else None
        if shaped is None:
            if self.py_func is None:
                raise CompileError(
                    f"kernel '{self.__name__}' was unpickled without its Python function "
                    f"(not importable here, and no cloudpickle where it was pickled): its "
                    f"code for tuple arguments of a new shape ({skeleton}) cannot be made",
                    fe.filename, fe.firstlineno)
            shaped = _frontend_for(self.py_func, (skeleton, shapes), debug=self._debug)
            with self._frontend_lock:
                frontend, tupled = self._tupled
                if frontend is not fe:
                    tupled = {}
                shaped = tupled.get(skeleton, shaped)
                self._tupled = (fe, {**tupled, skeleton: shaped})
        return shaped, self._launcher(shaped, fe)

    def specialize_ptx(self, sig, chip=DEFAULT_CHIP):
        """The PTX of the specialization for signature text ``sig``: compiled by
        the first caller, shared with every other."""
        return self._for_signature(self.frontend, sig)[1].specialization(self, chip, sig).ptx

    def specialize(self, *args):
        """numba-cuda's ``specialize``: a kernel of this function for the types
        of ``args`` only (argument values, or types as a declared signature
        takes them: ``cuft.float32[::1]``), compiled now, as a kernel declared
        with that signature is; the same kernel for the same types. A kernel
        already specialized (declared signatures, or made here) raises
        RuntimeError, as numba's does."""
        if self._declared:
            raise RuntimeError(f"Dispatcher already specialized: kernel "
                               f"'{self.__qualname__}' has declared signatures")
        fe, entries = self.frontend, []
        for i, a in enumerate(self._bind(fe, args, None)):
            text = dsl.type_text(a)
            if text is None:
                try:
                    text = signature_of((a,))
                except ArgumentError as e:
                    raise self._refused(fe, i, e) from None
            entries.append(text)
        sig = f"({', '.join(entries)})"
        kernel = self.specializations.get(sig)
        if kernel is None:  # two threads may both make one: the first one stored wins
            kernel = self.specializations.setdefault(sig, Kernel(self.py_func, self.options, sig))
        return kernel

    @property
    def specialized(self):
        """numba-cuda's: whether launches are limited to declared signatures
        (``@cuft.kernel("void(f32[::1])")``, or a kernel made by ``specialize``)."""
        return bool(self._declared)

    def specialize_host(self, sig):
        """The HostModule (compiled for this CPU, loaded into this process) for
        signature text ``sig``, with bounds checks when they are on; compiled
        and loaded once, like ``specialize``."""
        place = "host+boundscheck" if self._boundscheck() else "host"
        return self._for_signature(self.frontend, sig)[1].module(self, place, sig)

    def specialize_cuda(self, sig, context, device=0):
        """The CudaModule (PTX linked with the kernel's ``link`` files into a
        cubin for ``device``'s chip, loaded into ``context``, its primary
        context) for signature text ``sig``: compiled once per process and
        chip, and loaded once per context."""
        return self._for_signature(self.frontend, sig)[1].module(self, "cuda", sig, context,
                                                                 device)

    def inspect(self, *args, stage="ptx", signature=None, chip=None, block=None, **kwargs):
        """The kernel's code for these arguments (or for ``signature``, written
        numba style like ``"f32, f32[::1], f32[::1]"``) at ``stage``: "generic"
        (the frontend's IR), "typed" (after specialization), "llvm" or "ptx"
        (the GPU's LLVM IR or PTX), "cubin" (bytes: the PTX linked by nvJitLink),
        "sass" (the cubin disassembled by the toolkit's cuobjdump or nvdisasm),
        or "host-llvm" (the host target's optimized LLVM IR for this CPU: for
        launches of block shape ``block``, as a launch compiles it, or for any
        shape). GPU stages are for ``chip`` ("sm_90"): by default the GPU's
        where there is one, else sm_90."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r} (expected one of {', '.join(STAGES)})")
        if block is not None and stage != "host-llvm":
            raise ValueError("inspect(block=...) is for stage='host-llvm' (the host "
                             "target's code for one block shape)")
        # Read as a launch reads kernel[grid, block] (CUDA's limits: compile_host_llvm).
        shape = (0, 0, 0) if block is None else self[1, block].block
        fe = self.frontend
        if signature is not None:
            if args or kwargs:
                raise TypeError("inspect() takes either arguments or signature=, not both")
            sig = _parse_signature(signature)
        else:
            sig = self.signature(*args, **kwargs)
        fe, launcher = self._for_signature(fe, sig)
        fe.require()
        if stage == "generic":
            return fe.ir
        if chip is None:
            chip = _default_chip()
        if stage == "ptx":
            return launcher.specialization(self, chip, sig).ptx
        if stage in ("cubin", "sass"):
            # The cubin a launch on this chip loads: one cache entry, shared.
            cubin = launcher.specialization(self, chip, sig, cubin=True).cubin
            return cubin if stage == "cubin" else sass(cubin)
        if stage == "host-llvm":
            ok, text, diags = _cuft.compile_host_llvm(
                self._ir_of(fe), sig, kernel=fe.name, opt_level=self.options["opt_level"],
                fast_math=self.options["fastmath"], bounds_check=self._boundscheck(),
                block=shape)
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

    def forall(self, ntasks, tpb=0, stream=None, sharedmem=0):
        """numba's ``kernel.forall(ntasks)``: a 1-D launch configuration of
        enough blocks of ``tpb`` threads (0: 256, or the kernel's
        ``launch_bounds`` when it allows fewer) to cover ``ntasks``; the kernel
        maps ``cuft.grid(1)`` to a task and skips those past ``ntasks``."""
        if isinstance(ntasks, bool) or not isinstance(ntasks, int) or ntasks < 0:
            raise ValueError(f"forall() needs a non-negative int of tasks, got {ntasks!r}")
        if isinstance(tpb, bool) or not isinstance(tpb, int) or tpb < 0:
            raise ValueError(f"forall() needs a non-negative int tpb, got {tpb!r}")
        if tpb == 0:
            bounds = _launch_bounds(self.options["launch_bounds"]) \
                if self.options["launch_bounds"] is not None else None
            tpb = min(256, bounds[0]) if bounds else 256
        return self[max(1, -(-ntasks // tpb)), tpb, stream, sharedmem]

    def max_cooperative_grid_blocks(self, blockdim, dynsmemsize=0, *, signature=None,
                                    args=None):
        """numba's ``max_cooperative_grid_blocks``: the most blocks of
        ``blockdim`` (an int or a tuple) threads, with ``dynsmemsize`` bytes of
        dynamic shared memory, that run at once on the current target, the
        largest grid a kernel that syncs it (``cuft.cg``) may be launched with.
        For the specialization of ``signature`` (text, as ``inspect``'s), of
        example arguments ``args`` (a tuple), or the kernel's first declared
        signature (numba asks it of ``kernel.overloads[sig]``)."""
        if signature is not None and args is not None:
            raise TypeError("max_cooperative_grid_blocks() takes signature= or args=, not both")
        if signature is not None:
            sig = _parse_signature(signature)
        elif args is not None:
            sig = self.signature(*args)
        elif self._declared:
            sig = self._declared[0]
        else:
            raise TypeError("max_cooperative_grid_blocks() needs the specialization: pass "
                            "signature='...' or args=(...), or declare the kernel's signature")
        dims = blockdim if isinstance(blockdim, tuple) else (blockdim,)
        threads = 1
        for d in dims:
            if isinstance(d, bool) or not isinstance(d, int) or d < 1:
                raise ValueError(f"blockdim must be positive ints, got {blockdim!r}")
            threads *= d
        if target() == "host":
            module = self.specialize_host(sig)
        else:
            cuda = _CUDA or _import_cuda()
            module = self.specialize_cuda(sig, cuda.current_context(0))
        return module.max_cooperative_blocks(threads, dynsmemsize)

    def __call__(self, *args, **kwargs):
        raise TypeError(f"launch kernel '{self.__name__}' with {self.__name__}[grid, block]"
                        "(*args); a kernel cannot be called directly")

    def _launch(self, config, args, kwargs):
        """The launch Python takes: binds keyword arguments, finds the place
        (a stream of another device launches there), and runs the Launcher's
        one launch; then leaves the C call the warm state."""
        base = self.frontend
        args = tuple(self._bind(base, args, kwargs))
        on_gpu = target() != "host"
        back = None
        if any(isinstance(a, _Transfer) or (on_gpu and isinstance(a, (np.ndarray, np.void)))
               for a in args):  # numba's transfers of host arrays (transfers.py)
            if on_gpu:
                self._cuda_place(config.stream)  # no GPU: say so before any copy
            args, back = transfer_arguments(args, base.arg_names, self, on_gpu, config.stream)
        sig = self._read(base, args)[0]
        if self._declared:
            args = self._to_declared(base, args, sig)
        # The frontend for the shapes of tuple arguments, if any.
        fe, launcher = self._for_signature(base, sig)
        if target() == "host":
            where = ("host+boundscheck" if self._boundscheck() else "host", 0, 0, 0)
        else:
            where = self._cuda_place(config.stream)
        try:
            _cuft.launch(launcher, self, *where, config.grid, config.block, config.shared_bytes,
                         args)
        except ArgumentError as e:
            raise self._refused(fe, e.index, e) from None
        if back:
            finish_transfers(back, config.stream)
        checks = fe.matching_identity_checks(self.py_func)
        if checks is not None:
            with self._frontend_lock:  # Kernel.frontend replaces _frontend under it
                if base is self._frontend:
                    self._warm = (fe, launcher, checks)

    def _cuda_place(self, stream):
        """("cuda", context, device, CUstream) of a launch on ``stream``."""
        cuda = _CUDA or _import_cuda()
        device = stream.device if isinstance(stream, cuda.Stream) else 0
        context = cuda._CONTEXTS.get(device)
        if context is None:  # the first launch on this GPU: is there one?
            require_cuda(f"cannot launch '{self.__name__}' on the cuda target")
            context = cuda.current_context(device)
        return ("cuda", context, device, cuda.stream_handle(stream))


_PICKLE_VERSION = 1


def _rebuild_kernel(state):
    """A Kernel from its pickle (Kernel.__reduce__): the frontends it came
    with, its specializations added to this process's cache."""
    if not isinstance(state, dict) or state.get("version") != _PICKLE_VERSION:
        raise pickle.UnpicklingError("a cuft kernel pickled by another version of cuft")
    k = Kernel.__new__(Kernel)
    fn = state["function"]
    k.py_func = k.__wrapped__ = k.__cuft_kernel__ = fn
    for attr, value in state["names"].items():
        setattr(k, attr, value)
    options = dict(state["options"])
    options["link"] = tuple(Linkable(p) for p in received_links(options["link"]))
    k.options = options  # checked where the kernel was declared
    k._debug = state["debug"]
    k._checked = True if k._debug else options["boundscheck"]
    k._declared = tuple(state["declared"])
    k._init_state()
    main, *tupled = state["frontends"]
    k._frontend = main
    k._tupled = (main, {fe.tuples: fe for fe in tupled})
    # Each frontend's Launcher adds its specializations to this process's
    # cache, and ships them again if this kernel is pickled. A frontend that
    # compiled nothing makes no Launcher: a kernel whose code exists only per
    # shape of its tuple arguments (a ufunc's) has a main frontend that fails.
    for fe, entries in zip(state["frontends"], state["compiled"]):
        if entries:
            k._launcher(fe, main).adopt(entries)
    for sig in k._declared:
        k._precompile(sig)
    return k


_UNSET = object()
_CUDA = None  # cuft.cuda, imported by the first cuda-target launch


def _import_cuda():
    global _CUDA
    from . import cuda
    _CUDA = cuda
    return cuda


def _convert_scalar(value, scalar):
    """``value`` as numpy scalar type ``scalar``, converted as numba's launch
    converts to a declared type: an integer wraps to the type's width, as C's
    cast (0xFFFFFFFF for an int32 is -1; numpy refuses it), a float to an
    integer truncates."""
    import numpy
    if (isinstance(value, (int, numpy.integer)) and not isinstance(value, (bool, numpy.bool_))
            and issubclass(scalar, numpy.integer)):
        size = numpy.dtype(scalar).itemsize
        bits = numpy.array(int(value) & ((1 << (8 * size)) - 1), dtype=f"u{size}")
        return bits.view(scalar)[()]
    return scalar(value)


def _scalar_types():
    """Signature scalar name -> numpy scalar type (numpy imported on first use)."""
    global _SCALARS
    if _SCALARS is None:
        import numpy
        _SCALARS = {}
        for name, np_name, kind, _ in _cuft.scalar_types():
            if kind == "B":  # bfloat16: numpy knows it through ml_dtypes, if installed
                try:
                    import ml_dtypes
                except ImportError:
                    continue
                _SCALARS[name] = ml_dtypes.bfloat16
            else:
                _SCALARS[name] = numpy.dtype(np_name).type
    return _SCALARS


_SCALARS = None


class DeviceFunction:
    """A ``@cuft.func``: callable from kernels and other device functions.
    With declared signatures (``@cuft.func("float32(float32, int32)")``), a
    call casts its arguments, and the result, to the declaration its
    arguments fit best (chosen at specialization: SignatureText.h's
    bestDeclared)."""

    def __init__(self, fn, options, signatures=()):
        options = dict(options)  # a decorator's, which may decorate more functions
        inline = options.pop("inline", None)
        # cuft's own (cuft/libdevice.py's rounded arithmetic): its float operations
        # never contracted nor fast, whatever the kernel's options.
        self.exact_fp = options.pop("_exact_fp", False)
        if options:
            raise TypeError(f"@cuft.func {fn.__qualname__}: unknown option(s) "
                            f"{', '.join(options)} (device functions take their kernel's "
                            "options, and inline=)")
        if inline not in (None, "always", "never", True, False):
            raise TypeError(f"@cuft.func {fn.__qualname__}: inline is 'always', 'never', True "
                            f"or False, got {inline!r}")
        # numba's inline="always" | "never" (True: always): LLVM's attribute.
        self.inline = {True: "always", False: "never"}.get(inline, inline)
        _wrap(self, fn)
        self.__cuft_func__ = fn
        # (result entry, arguments' signature text) per declaration
        self.declared = declarations(signatures, f"@cuft.func {fn.__qualname__}")
        self._signatures = tuple(dsl.signature_list(signatures) or ())  # texts: they pickle
        capture_source(fn)  # the text of now, as for a kernel

    def __repr__(self):
        return f"<cuft.func {self.__qualname__}>"

    def __reduce__(self):
        """By reference to its module, or by value through cloudpickle (a
        kernel's IR holds its device functions: they travel in a kernel's
        pickle only with the kernel's Python function)."""
        where = importable(self, self.py_func)
        if where is not None:
            return imported, where
        return _rebuild_device_function, (FunctionRef(self.py_func, self), self.__qualname__,
                                          self.inline, self._signatures)

    def __call__(self, *args, **kwargs):
        raise TypeError(f"device function '{self.__name__}' can only be called from a "
                        "@cuft.kernel or another @cuft.func")


def _rebuild_device_function(fn, qualname, inline, signatures):
    if fn is None:
        raise pickle.UnpicklingError(f"device function '{qualname}' cannot be rebuilt here: its "
                                     "Python function is not importable (pickle it with "
                                     "cloudpickle)")
    return DeviceFunction(fn, {"inline": inline}, signatures)
