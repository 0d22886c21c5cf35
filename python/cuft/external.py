"""``cuft.declare_device``: device functions defined by external code that a
kernel links (``@cuft.kernel(link=[...])``): PTX, cubins, fatbins, LTO-IR or
CUDA C++ compiled by NVRTC. They are called by their own symbol with the C ABI
(declare them ``extern "C"`` in CUDA C++), with scalar arguments and result."""

import re

__all__ = ["ExternalFunction", "declare_device"]

# Signature type names -> MLIR types. bool is left out: its C ABI (a byte)
# differs from cuft's i1.
_TYPES = {
    "f32": "f32", "float32": "f32", "f64": "f64", "float64": "f64",
    "i8": "i8", "int8": "i8", "i16": "i16", "int16": "i16", "i32": "i32", "int32": "i32",
    "i64": "i64", "int64": "i64", "u8": "ui8", "uint8": "ui8", "u16": "ui16", "uint16": "ui16",
    "u32": "ui32", "uint32": "ui32", "u64": "ui64", "uint64": "ui64",
}
_SIGNATURE = re.compile(r"^\s*(\w+)\s*\((.*)\)\s*$")
_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")


class ExternalFunction:
    """An external device function: callable from kernels and device functions."""

    __cuft_extern__ = True

    def __init__(self, name, signature):
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"cuft.declare_device: {name!r} is not a valid symbol name")
        m = _SIGNATURE.match(signature) if isinstance(signature, str) else None
        if m is None:
            raise ValueError(f"cuft.declare_device('{name}'): the signature is written "
                             f"'result(arg, ...)', like 'f32(f32, i32)' or 'void(f64)'; "
                             f"got {signature!r}")
        result, args = m.group(1), [a.strip() for a in m.group(2).split(",") if a.strip()]

        def mlir(t):
            if t not in _TYPES:
                raise ValueError(f"cuft.declare_device('{name}'): unsupported type '{t}' "
                                 f"(use {', '.join(sorted(set(_TYPES) - {'float32', 'float64'}))}"
                                 ", or void for no result)")
            return _TYPES[t]
        self.name = name
        self.signature = signature
        self.arg_types = tuple(mlir(a) for a in args)
        self.result_type = None if result == "void" else mlir(result)

    def declaration(self):
        """The generic IR declaring it: a private cuft.func without a body."""
        result = f" -> {self.result_type}" if self.result_type else ""
        return f"  cuft.func private @{self.name}({', '.join(self.arg_types)}){result}"

    def __eq__(self, other):
        return (isinstance(other, ExternalFunction) and other.name == self.name
                and other.arg_types == self.arg_types and other.result_type == self.result_type)

    def __hash__(self):
        return hash((self.name, self.arg_types, self.result_type))

    def __repr__(self):
        return f"<cuft external device function {self.name}: {self.signature}>"

    def __call__(self, *args):
        raise TypeError(f"external device function '{self.name}' can only be called from a "
                        "@cuft.kernel or a @cuft.func")


def declare_device(name, signature):
    """Declare external device function ``name`` with ``signature`` written
    ``"result(arg, ...)"`` (``"f32(f32, f32)"``, ``"void(i64)"``) so kernels can
    call it; the code defining it comes from ``@cuft.kernel(link=[...])``.
    Arguments are converted to the declared types at the call."""
    return ExternalFunction(name, signature)
