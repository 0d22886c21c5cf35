"""numba-cuda's transfers of host arrays given to a launch: ``cuft.In``,
``cuft.Out``, ``cuft.InOut``, and a plain numpy array on the GPU (copied there
and back around the launch, with a ``cuft.PerformanceWarning``)."""
import warnings

import numpy as np

from .errors import PerformanceWarning

__all__ = ["In", "Out", "InOut"]


class _Bytes:
    """Memory at an address, for numpy (record_reference): it holds the array
    the memory belongs to."""

    def __init__(self, owner, address, itemsize, readonly):
        self.owner = owner
        self.__array_interface__ = {"shape": (), "typestr": f"|V{itemsize}",
                                    "data": (address, readonly), "version": 3}


def record_reference(record):
    """A record of an array (``a[i]``: a numpy.void over the array's memory)
    as a 0-d array over the same bytes: kernels take such records by
    reference, as numba does, so their writes reach the array. None for a
    record of its own (``np.void(...)``: passed by value)."""
    base = getattr(record, "base", None)
    if not isinstance(base, np.ndarray) or record.dtype.fields is None:
        return None
    address = record.__array_interface__["data"][0]
    view = np.asarray(_Bytes(base, address, record.dtype.itemsize, not base.flags.writeable))
    return view.view(record.dtype)


class _Transfer:
    """How a host array given to a launch moves (numba-cuda's ``cuda.In``,
    ``cuda.Out``, ``cuda.InOut``): ``kernel[g, b](cuft.In(a))``."""

    copy_in = copy_out = True

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"cuft.{type(self).__name__}({self.value!r})"


class In(_Transfer):
    """A host array the launch reads: copied to the GPU, not back."""

    copy_out = False


class Out(_Transfer):
    """A host array the launch writes: not copied to the GPU (the kernel sees
    uninitialized memory), copied back after it."""

    copy_in = False


class InOut(_Transfer):
    """A host array copied to the GPU and back (what a plain numpy array gets)."""


class _ReadOnlyDevice:
    """A read-only host array's GPU copy, as launches read it: its interface
    says read-only, so a kernel that writes it is refused, as on the host."""

    def __init__(self, array):
        self._array = array
        self.__cuda_array_interface__ = dict(array.__cuda_array_interface__,
                                             data=(array.ptr, True))


def _scalar_field(dtype, key):
    """Whether record field ``key`` of ``dtype`` is a scalar (not a subarray or
    a nested record, which a kernel may hold and write through)."""
    field = dtype.fields.get(key) if isinstance(key, str) else None
    return field is not None and field[0].shape == () and field[0].fields is None


def record_only_read(fn, name, dtype):
    """Whether kernel function ``fn`` only reads record parameter ``name``
    (conservatively, from its syntax): each use a field or an element of a
    subarray field (``r.x``, ``r["x"]``, ``r.v[i]``) read where nothing can
    keep or write it (not a call's argument, an assignment's target, or a
    subarray held by a name or returned)."""
    import ast

    from .frontend.source import Source
    try:
        tree = Source(fn).node
    except Exception:  # noqa: BLE001 (the launch reports a source it cannot read)
        return False
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or node.id != name:
            continue
        if node is tree or isinstance(parents.get(node), ast.arguments):
            continue  # the parameter itself
        top, key, element = node, None, False  # element: an index past the field
        while isinstance(parents.get(top), (ast.Attribute, ast.Subscript)) \
                and parents[top].value is top:
            up = parents[top]
            if top is node:
                key = up.attr if isinstance(up, ast.Attribute) else getattr(up.slice, "value", None)
            else:  # an index; a slice, `...` or None is a view, not an element
                element = element or (isinstance(up, ast.Subscript) and not any(
                    isinstance(i, ast.Slice) or (isinstance(i, ast.Constant) and i.value
                                                 in (None, Ellipsis))
                    for i in (up.slice.elts if isinstance(up.slice, ast.Tuple) else [up.slice])))
            top = up
        if top is node or not isinstance(getattr(top, "ctx", None), ast.Load):
            return False  # the record itself used, or a field written
        if element or _scalar_field(dtype, key):
            continue  # a value read: nothing can write the record through it
        # A subarray or a nested record: only where nothing may keep or write it.
        if isinstance(parents.get(top), (ast.Assign, ast.AnnAssign, ast.NamedExpr,
                                         ast.Return, ast.For, ast.withitem)):
            return False
        up = top
        while up in parents:
            parent = parents[up]
            if isinstance(parent, ast.Call) and up is not parent.func:
                return False  # an argument: the callee may write it
            up = parent
    return True


def transfer_arguments(args, names, kernel, on_gpu, stream):
    """numba-cuda's transfers of host arrays given to a launch: on the GPU, a
    numpy array is copied there before it and back after (a read-only one
    only there); ``In``/``Out``/``InOut`` say which way. On the host target
    those three keep the GPU's meaning (an ``In`` array's writes are dropped,
    an ``Out`` array starts uninitialized); a plain array is itself. Returns
    (the arguments to launch with, the copies back to make after it)."""
    from . import cuda
    launched, back = [], []
    for name, a in zip(names, args):
        how = a if isinstance(a, _Transfer) else None
        host = how.value if how is not None else a
        what, only_read = "array", False
        if isinstance(host, np.void) and (on_gpu or how is not None):  # by reference
            if how is None:
                cache = kernel.__dict__.setdefault("_records_only_read", {})
                key = (name, host.dtype)
                if key not in cache:  # racing threads compute the same answer
                    cache[key] = record_only_read(kernel.py_func, name, host.dtype)
                only_read = cache[key]
            host, what = record_reference(host), "record (numpy.void)"
            if host is None:  # its own record: passed by value
                launched.append(a)
                continue
            if only_read:  # copied there only, and quietly: a few bytes read
                how = In(host)
        if not isinstance(host, np.ndarray) or (how is None and not on_gpu):
            if how is not None:
                raise TypeError(f"argument '{name}' of {kernel.__name__}(): "
                                f"cuft.{type(how).__name__}() "
                                f"takes a numpy array, got {type(host).__name__}")
            launched.append(a)
            continue
        copy_in = how is None or how.copy_in
        copy_out = (how is None or how.copy_out) and host.flags.writeable
        if on_gpu:
            if how is None and not only_read:
                warnings.warn(PerformanceWarning(
                    f"argument '{name}' of {kernel.__name__}() is a host (numpy) {what}: cuft "
                    "copies it to the GPU before the launch and back after it, waiting for "
                    "both (pass cuft.to_device(a), or cuft.In(a) / cuft.Out(a) for one way)"),
                    stacklevel=4)
            d = cuda.to_device(host, stream=stream) if copy_in else cuda.device_array_like(host)
            launched.append(d if host.flags.writeable else _ReadOnlyDevice(d))
        else:
            d = host if copy_in and copy_out else np.copy(host) if copy_in else \
                np.empty_like(host)
            launched.append(d)
        if copy_out and d is not host:
            back.append((d, host))
    return tuple(launched), back


def finish_transfers(back, stream):
    """The copies back of transfer_arguments, after the launch (waiting)."""
    from .cuda import DeviceArray
    for d, host in back:
        if isinstance(d, DeviceArray):
            d.copy_to_host(host, stream=stream)
        else:
            host[...] = d
