"""GPU memory and streams: ``cuft.to_device``, ``cuft.device_array``,
``cuft.device_array_like``, ``cuft.zeros``, ``DeviceArray`` (numba-cuda's
DeviceNDArray: views by slicing, ``copy_to_host``, ``copy_to_device``...),
``cuft.Stream``, ``cuft.synchronize``.

On the cuda target every call needs a CUDA driver and a device; without one
it raises ``cuft.CudaError`` saying why. On the host target (the CPU: the
default without a GPU) the same calls work on the host's memory, as numba's
simulator's do: a DeviceArray made there holds its own host memory, copies
to and from it are copies, streams and events order nothing that is not
already in order (host launches return when they are done), and host
launches take it; a launch on the other target refuses it. Device memory is
freed when the last reference to its array goes, from whichever thread drops
it. A GPU ``DeviceArray`` exports ``__cuda_array_interface__`` (v3) and
``__dlpack__``, so CuPy, PyTorch, JAX and Numba read it without a copy;
kernels take it, and any GPU object with either protocol, as an argument.
"""


import contextlib
import ctypes
import operator
import time

import numpy as np

from . import _cuft
from .target import require_cuda

__all__ = ["DeviceArray", "Event", "Stream", "to_device", "device_array", "device_array_like",
           "zeros", "default_stream", "current_context", "per_thread_default_stream",
           "legacy_default_stream", "external_stream", "uses_per_thread_default_stream",
           "synchronize",
           "stream", "event", "event_elapsed_time", "is_cuda_array", "as_cuda_array",
           "pinned_array", "pinned_array_like", "is_bfloat16_supported", "Device",
           "get_current_device", "gpus", "detect"]


def uses_per_thread_default_stream():
    """Whether launches without a stream use each thread's own default stream:
    CUFT_PER_THREAD_DEFAULT_STREAM=0|1 (read when cuft.cuda is first imported),
    else on for free-threaded builds."""
    return _DEFAULT_STREAM == _PER_THREAD


_LEGACY = 1  # CU_STREAM_LEGACY
_PER_THREAD = 2  # CU_STREAM_PER_THREAD
# The CUstream of launches and copies given no stream: decided once per process
# by the C launch path (CUFT_PER_THREAD_DEFAULT_STREAM, else the build).
_DEFAULT_STREAM = _cuft.default_stream()
_KDLCUDA = 2  # DLPack's device type of CUDA device memory
_KDLCPU = 1  # DLPack's device type of host memory (a host target's DeviceArray)
_HOST_DEVICE = -1  # the launch form's device of host memory


def _on_host():
    """Whether device memory made now is the host target's (host memory)."""
    from .target import target
    return target() == "host"


class _HostBuffer:
    """A host target's device memory: bytes in host memory, aligned for any
    element (numpy's allocator gives 16 bytes; 64 are asked for here). Its
    ``context`` is None: copies to and from it are host copies."""

    context = None

    def __init__(self, nbytes):
        self._bytes = np.empty(nbytes + 64, np.uint8)
        self.ptr = self._bytes.ctypes.data + (-self._bytes.ctypes.data) % 64


def _copy(context, dst, src, nbytes, stream, kind):
    """Copies ``nbytes`` from address ``src`` to ``dst``: in host memory when
    ``context`` is None (the host target's), else with the driver (``kind``:
    to_host, to_device, on_device) on ``stream``, waiting as the driver's
    copy of that kind does."""
    if context is None:
        ctypes.memmove(dst, src, nbytes)
    else:
        getattr(_cuft, "copy_" + kind)(context, dst, src, nbytes, stream_handle(stream))


def _synchronize(context, handle):
    if context is not None:
        _cuft.stream_synchronize(context, handle)
_DLPACK_CODES = {"i": 0, "u": 1, "f": 2, "b": 6}  # numpy kind -> DLDataTypeCode


_CONTEXTS = {}  # device -> primary context handle; an insert race stores the same value


def current_context(device=0):
    """The primary context of ``device`` (an int handle). Every cuft call that
    uses it makes it current on its thread first."""
    context = _CONTEXTS.get(device)
    if context is None:
        require_cuda("cannot use the GPU")
        context = _CONTEXTS[device] = _cuft.cuda_context(device)
    return context


class Stream:
    """A CUDA stream of its own (non-blocking). ``handle`` is the CUstream."""

    def __init__(self, device=0, _handle=None):
        self.device = device
        if _on_host():  # the host target's: orders nothing
            self.context, self._owned, self.handle, self._launch_handle = None, False, 0, None
            return
        self.context = current_context(device)
        self._owned = _handle is None
        self.handle = _cuft.stream_create(self.context) if _handle is None else _handle
        # What the C launch path reads; it launches on device 0 only (a launch
        # on another device's stream takes the Python path).
        self._launch_handle = self.handle if device == 0 else None

    def synchronize(self):
        _synchronize(self.context, self.handle)

    def wait(self, event):
        """Later work on this stream waits (on the GPU) until ``event`` happened."""
        if self.context is not None:
            _cuft.stream_wait_event(self.context, self.handle, event.handle)

    @contextlib.contextmanager
    def auto_synchronize(self):
        """``with stream.auto_synchronize():`` synchronizes the stream when
        the block ends, as numba-cuda's."""
        yield self
        self.synchronize()

    @property
    def __cuda_stream__(self):
        if self.context is None:
            raise AttributeError("a host target's stream is not a CUDA stream")
        return (0, self.handle)

    def __del__(self):
        if getattr(self, "_owned", False) and self.handle:
            try:
                _cuft.stream_destroy(self.context, self.handle)
            except Exception:  # noqa: BLE001  (at exit the context may be gone)
                pass

    def __repr__(self):
        return "<cuft.Stream (host)>" if self.context is None else \
            f"<cuft.Stream {self.handle:#x}>"


class Event:
    """A CUDA event: ``record(stream)``, ``synchronize()``, ``elapsed_time(end)``
    in milliseconds; ``stream.wait(event)`` orders two streams on the GPU."""

    def __init__(self, device=0):
        if _on_host():  # the host target's: the time it was recorded at
            self.context, self.handle, self._time = None, 0, None
            return
        self.context = current_context(device)
        self.handle = _cuft.event_create(self.context)

    def record(self, stream=None):
        if self.context is None:
            self._time = time.perf_counter()  # host launches are done when they return
        else:
            _cuft.event_record(self.context, self.handle, stream_handle(stream))
        return self

    def synchronize(self):
        if self.context is not None:
            _cuft.event_synchronize(self.context, self.handle)

    def elapsed_time(self, end):
        if self.context is None or end.context is None:
            if self.context is not None or end.context is not None:
                raise ValueError("elapsed_time of a host target's event and a GPU's")
            if self._time is None or end._time is None:
                raise ValueError("elapsed_time of an event that was not recorded")
            return (end._time - self._time) * 1e3
        return _cuft.event_elapsed(self.context, self.handle, end.handle)

    def wait(self, stream=None):
        """Later work on ``stream`` (the default stream: None) waits, on the
        GPU, until this event happened (numba-cuda's ``Event.wait``)."""
        if self.context is not None:
            _cuft.stream_wait_event(self.context, stream_handle(stream), self.handle)

    def __del__(self):
        if getattr(self, "handle", None):
            try:
                _cuft.event_destroy(self.context, self.handle)
            except Exception:  # noqa: BLE001  (at exit the context may be gone)
                pass


def default_stream(device=0):
    """The default stream launches use: each thread's own on free-threaded
    builds (or with CUFT_PER_THREAD_DEFAULT_STREAM=1), else the legacy one."""
    return Stream(device, _handle=_DEFAULT_STREAM)


def legacy_default_stream(device=0):
    """CUDA's legacy default stream (numba-cuda's ``cuda.legacy_default_stream``)."""
    return Stream(device, _handle=_LEGACY)


def per_thread_default_stream(device=0):
    """The calling thread's default stream (numba-cuda's
    ``cuda.per_thread_default_stream``)."""
    return Stream(device, _handle=_PER_THREAD)


def external_stream(ptr, device=0):
    """A Stream over a CUstream another library made (numba-cuda's
    ``cuda.external_stream``): launches and copies queue on it; cuft does not
    destroy it."""
    return Stream(device, _handle=int(ptr))


def stream_handle(stream):
    """A CUstream handle from None (the default stream), a cuft.Stream, an int,
    an object with the ``__cuda_stream__`` protocol, a PyTorch stream
    (``.cuda_stream``) or a CuPy stream (``.ptr``): the launch path's rule."""
    return _DEFAULT_STREAM if stream is None else _cuft.stream_handle(stream)


class DeviceArray:
    """An array in GPU memory: ``shape``, ``dtype``, ``strides`` (bytes), like numpy."""

    def __init__(self, shape, dtype, strides=None, buffer=None, offset=0, device=0):
        self.shape = _shape_tuple(shape)
        self.dtype = np.dtype(dtype)
        self.strides = tuple(strides) if strides is not None else _c_strides(self.shape,
                                                                              self.dtype)
        self.nbytes = int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize
        if buffer is None:
            buffer = _HostBuffer(self.nbytes) if _on_host() else \
                _cuft.DeviceBuffer(current_context(device), self.nbytes)
        self._buffer = buffer
        self._offset = offset
        self.device = device
        self._launch = self._launch_form()

    def _launch_form(self):
        """What launches read of this array: the argument reader's rules
        applied once (its signature entry and cells, or why no kernel can
        take it)."""
        # numpy's typestr of bfloat16 (ml_dtypes) is '<V2', which says nothing:
        # the reader takes cuft's '<B2' (kind B of SignatureText.h's table).
        typestr = "<B2" if self.dtype.name == "bfloat16" else self.dtype.str
        if self.dtype.fields is not None:  # records: the reader reads the dtype
            typestr = self.dtype
        return _cuft.device_array_form(typestr, self.ptr, self.shape, self.strides,
                                       _HOST_DEVICE if self.on_host else self.device)

    @property
    def on_host(self):
        """Whether this is a host target's array (in host memory)."""
        return self._buffer.context is None

    @property
    def ptr(self):
        return self._buffer.ptr + self._offset

    @property
    def context(self):
        return self._buffer.context

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def __cuda_array_interface__(self):
        if self.on_host:
            raise AttributeError("a host target's DeviceArray is in host memory: it has no "
                                 "__cuda_array_interface__ (copy_to_host, or __dlpack__)")
        # Made once: every launch reads it, and nothing in it ever changes.
        iface = self.__dict__.get("_iface")
        if iface is None:
            c = _c_strides(self.shape, self.dtype)
            iface = self.__dict__["_iface"] = {
                "shape": self.shape, "typestr": self.dtype.str, "version": 3,
                "data": (self.ptr, False), "strides": None if self.strides == c else self.strides,
                "stream": None}
        return iface

    def __dlpack_device__(self):
        return (_KDLCPU, 0) if self.on_host else (_KDLCUDA, self.device)

    def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of this array (no copy). ``stream`` is the
        consumer's (1: the legacy default stream, 2: the per-thread one, else a
        CUstream): the work this thread queued on its default stream is
        ordered before what the consumer queues there. Work on other streams
        is the caller's to synchronize, as with CuPy's current stream."""
        if copy:
            raise BufferError("cuft.DeviceArray exports without copying (copy=True asked)")
        if dl_device is not None and tuple(dl_device) != self.__dlpack_device__():
            raise BufferError(f"cuft.DeviceArray is on {self.__dlpack_device__()}, not {dl_device}")
        if stream is not None and stream != -1 and not self.on_host:
            _order_streams(_DEFAULT_STREAM, int(stream), self.device)
        itemsize = self.dtype.itemsize
        kind, device = self.__dlpack_device__()
        return _cuft.dlpack_export(self, self.ptr, list(self.shape),
                                   [s // itemsize for s in self.strides],
                                   _DLPACK_CODES[self.dtype.kind], itemsize * 8, kind, device)

    # -- numba-cuda's DeviceNDArray: views, lengths, copies ----------------------
    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d device array")
        return self.shape[0]

    @property
    def flags(self):
        """numpy's flags by name, as numba-cuda's device arrays have them:
        ``C_CONTIGUOUS``, ``F_CONTIGUOUS``, ``WRITEABLE``, ``ALIGNED``."""
        return {"C_CONTIGUOUS": self.is_c_contiguous(), "F_CONTIGUOUS": self.is_f_contiguous(),
                "WRITEABLE": True, "ALIGNED": True}

    def is_c_contiguous(self):
        """Whether the elements lie in C order without gaps (numpy's rule:
        dimensions of one element do not count)."""
        return _contiguous(self.shape, self.strides, self.dtype.itemsize, reversed)

    def is_f_contiguous(self):
        """Whether the elements lie in Fortran order without gaps."""
        return _contiguous(self.shape, self.strides, self.dtype.itemsize, iter)

    def _view(self, shape, strides, offset=0):
        """This memory seen with ``shape`` and byte ``strides``, starting
        ``offset`` bytes after this array's first element."""
        return DeviceArray(shape, self.dtype, strides=strides, buffer=self._buffer,
                           offset=self._offset + offset, device=self.device)

    def __getitem__(self, item):
        """``a[1:n]``, ``a[i, :]``, ``a[..., ::2]``: a view sharing this
        memory, as numba-cuda's; ``a[i, j]`` (every dimension an integer) is
        the element, copied to the host (waits for the default stream)."""
        shape, strides, offset = _index(self, item)
        view = self._view(shape, strides, offset)
        return view._element() if not shape else view

    def _element(self):
        host = np.empty((), self.dtype)
        _copy(self.context, host.ctypes.data, self.ptr, self.dtype.itemsize, None, "to_host")
        return host[()]

    def __setitem__(self, item, value):
        """``a[i] = x``, ``a[1:n] = host_array_or_scalar``, ``a[:, j] = x``:
        copies to the device (waits for the copy); the value is broadcast to
        the target's shape and converted to its dtype as numpy would. A target
        that is not one block of memory (a column) is written by a kernel, as
        numba-cuda's (views of 1 to 3 dimensions)."""
        target = self._view(*_index(self, item))
        value = np.broadcast_to(np.asarray(value, dtype=self.dtype), target.shape)
        if target.is_c_contiguous():
            target.copy_to_device(value)
        else:
            target._assign_strided(value)

    def _assign_strided(self, value):
        """Copies host ``value`` (this view's shape and dtype) into this view,
        whose elements are not one block of memory: through a contiguous
        temporary and a kernel (cuft._device_copy), waiting for both."""
        from ._device_copy import KERNELS
        kernel = KERNELS.get(self.ndim)
        if kernel is None or self.dtype.fields is not None:
            raise ValueError(f"cannot assign to a view of shape {self.shape} and strides "
                             f"{self.strides} of a device array: its elements are not one "
                             "block of memory, and cuft copies into such views of 1 to 3 "
                             "dimensions of scalars only (assign to a contiguous view, or "
                             "copy_to_host, change and copy_to_device)")
        if self.size == 0:
            return
        source = to_device(value, device=self.device)
        kernel[(self.size + 255) // 256, 256](self, source)
        _synchronize(self.context, _DEFAULT_STREAM)

    @property
    def T(self):
        return self.transpose()

    def transpose(self, axes=None):
        """A view with the dimensions in the order ``axes`` (reversed: None)."""
        axes = tuple(reversed(range(self.ndim))) if axes is None else tuple(axes)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"axes {axes} do not permute the {self.ndim} dimensions")
        return self._view(tuple(self.shape[a] for a in axes),
                          tuple(self.strides[a] for a in axes))

    def reshape(self, *shape, order="C"):
        """A view of another shape (one dimension may be -1) of a contiguous
        array, in C or Fortran order, as numba-cuda's (which copies nothing
        either: a non-contiguous array raises)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        if order not in ("C", "F"):
            raise ValueError("reshape's order must be 'C' or 'F'")
        shape = _reshaped(self.shape, self.size, shape)
        contiguous = self.is_c_contiguous() if order == "C" else self.is_f_contiguous()
        if not contiguous:
            raise NotImplementedError(
                f"reshape in {order} order of a device array that is not {order}-contiguous "
                "(it would need a copy)")
        strides = _c_strides(shape, self.dtype) if order == "C" else \
            _f_strides(shape, self.dtype)
        return self._view(shape, strides)

    def ravel(self, order="C"):
        """A 1-d view of a contiguous array."""
        return self.reshape(-1, order=order)

    def copy_to_host(self, out=None, stream=None):
        """The contents as a numpy array (into ``out`` when given, of the same
        shape and dtype); waits for the copy. A view that is not contiguous is
        copied whole (the memory it spans) and read with its strides."""
        if out is not None and (out.shape != self.shape or out.dtype != self.dtype):
            raise ValueError(f"copy_to_host needs an array of shape {self.shape} and dtype "
                             f"{self.dtype}, got {out.shape} and {out.dtype}")
        if self.size == 0:
            return np.empty(self.shape, self.dtype) if out is None else out
        if self.is_c_contiguous():
            if out is None or not out.flags.c_contiguous:
                host = np.empty(self.shape, self.dtype)
                _copy(self.context, host.ctypes.data, self.ptr, self.nbytes, stream, "to_host")
                if out is None:
                    return host
                out[...] = host
                return out
            _copy(self.context, out.ctypes.data, self.ptr, self.nbytes, stream, "to_host")
            return out
        low, end = _span(self.shape, self.strides, self.dtype.itemsize)
        raw = np.empty(end - low, np.uint8)
        _copy(self.context, raw.ctypes.data, self.ptr + low, end - low, stream, "to_host")
        strided = np.ndarray(self.shape, self.dtype, buffer=raw, offset=-low,
                             strides=self.strides)
        if out is None:
            return np.ascontiguousarray(strided)
        out[...] = strided
        return out

    def copy_to_device(self, ary, stream=None):
        """Copies ``ary`` (a numpy array, or a DeviceArray: a copy on the
        device, queued on ``stream``) into this array, which must be
        contiguous: the same shape and dtype, as numba-cuda asks. A host copy
        waits for the copy."""
        if not self.is_c_contiguous():
            raise ValueError("copy_to_device into a device array that is not C-contiguous is "
                             "not supported (copy into a contiguous one, then slice it)")
        if isinstance(ary, DeviceArray):
            if ary.shape != self.shape or ary.dtype != self.dtype:
                raise ValueError(f"copy_to_device from a device array of shape {ary.shape} and "
                                 f"dtype {ary.dtype} into one of {self.shape} and {self.dtype}")
            if not ary.is_c_contiguous():
                raise ValueError("copy_to_device from a device array that is not C-contiguous "
                                 "is not supported")
            if ary.context != self.context:
                raise ValueError("copy_to_device between the host target's memory and a GPU's "
                                 "(copy_to_host, then copy_to_device)"
                                 if ary.on_host or self.on_host else
                                 f"copy_to_device from device {ary.device} to device "
                                 f"{self.device} is not supported")
            if self.nbytes:
                _copy(self.context, self.ptr, ary.ptr, self.nbytes, stream, "on_device")
            return
        host = np.asarray(ary)
        if host.dtype != self.dtype:
            raise TypeError(f"copy_to_device: incompatible dtype {host.dtype} vs. {self.dtype}")
        if host.shape != self.shape:
            raise ValueError(f"copy_to_device: shape {host.shape} vs. {self.shape}")
        if self.nbytes:
            host = np.ascontiguousarray(host)
            _copy(self.context, self.ptr, host.ctypes.data, self.nbytes, stream, "to_device")

    def __repr__(self):
        where = " (host)" if self.on_host else ""
        return f"<cuft.DeviceArray shape={self.shape} dtype={self.dtype}{where}>"


def _contiguous(shape, strides, itemsize, order):
    """numpy's contiguity: each dimension of more than one element steps over
    exactly the ones inside it, in ``order`` (reversed: C, iter: Fortran)."""
    step = itemsize
    for n, s in order(list(zip(shape, strides))):
        if n == 0:
            return True
        if n != 1 and s != step:
            return False
        step *= n
    return True


def _index(array, item):
    """(shape, byte strides, byte offset from the first element) of numpy's
    view ``array[item]``, made over no memory. Integers, slices and ``...``
    only: an integer on every dimension gives a 0-d view (the dummy's memory
    is never read)."""
    items = item if isinstance(item, tuple) else (item,)
    for i in items:
        if i is Ellipsis or isinstance(i, slice):
            continue
        if i is None:
            raise IndexError("a device array cannot gain dimensions by indexing with None "
                             "(reshape it)")
        if isinstance(i, (bool, np.bool_)) or not _is_integer(i):
            raise IndexError(f"device arrays take integers, slices and ... as indices, not "
                             f"{type(i).__name__} (fancy indexing copies: copy_to_host first)")
    if Ellipsis not in items:
        items = items + (Ellipsis,)
    dummy = np.lib.stride_tricks.as_strided(np.zeros(1, np.uint8), shape=array.shape,
                                            strides=array.strides, writeable=False)
    view = dummy[items]
    offset = view.__array_interface__["data"][0] - dummy.__array_interface__["data"][0]
    return view.shape, view.strides, offset


def _reshaped(old, size, shape):
    """``shape`` with its one -1 worked out, as numpy's reshape takes it."""
    shape = tuple(operator.index(n) for n in shape)
    if shape.count(-1) > 1 or any(n < -1 for n in shape):
        raise ValueError(f"cannot reshape into shape {shape}: at most one -1, no other "
                         "negative size")
    known = int(np.prod([n for n in shape if n != -1], dtype=np.int64))
    if -1 in shape:
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape an array of size {size} into shape {shape}")
        shape = tuple(size // known if n == -1 else n for n in shape)
    elif known != size:
        raise ValueError(f"cannot reshape an array of shape {old} (size {size}) into shape "
                         f"{shape}")
    return shape


def _is_integer(i):
    try:
        operator.index(i)
    except TypeError:
        return False
    return True


def _c_strides(shape, dtype):
    strides, step = [], np.dtype(dtype).itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= max(int(n), 1)
    return tuple(reversed(strides))


def _f_strides(shape, dtype):
    return tuple(reversed(_c_strides(tuple(reversed(shape)), dtype)))


def _shape_tuple(shape):
    """A shape given as an int or a sequence, as a tuple of ints."""
    return tuple(int(n) for n in (shape if isinstance(shape, tuple) else (shape,)))


def _layout(shape, dtype, strides, order, what):
    """(shape, byte strides) of a new array: ``strides`` when given, else
    ``order``'s ("C" or "F"; ``what`` names the caller in the error)."""
    shape = _shape_tuple(shape)
    if order not in ("C", "F"):
        raise ValueError(f"{what}'s order must be 'C' or 'F'")
    if strides is None:
        strides = _c_strides(shape, dtype) if order == "C" else _f_strides(shape, dtype)
    return shape, tuple(int(s) for s in strides)


def _span(shape, strides, itemsize):
    """(first, end): the byte offsets, from an array's first element, of its
    lowest element and just past its highest: the memory it spans."""
    low = sum((n - 1) * s for n, s in zip(shape, strides) if s < 0)
    high = sum((n - 1) * s for n, s in zip(shape, strides) if s > 0)
    return low, high + itemsize


def device_array(shape, dtype=np.float64, device=0, *, strides=None, order="C", stream=None):
    """Uninitialized GPU memory for an array of ``shape`` and ``dtype``, laid
    out in ``order`` ("C" or "F") unless ``strides`` (bytes) say otherwise.
    ``stream`` is accepted for numba-cuda's calls: allocation waits for no
    stream."""
    shape, strides = _layout(shape, dtype, strides, order, "device_array")
    return DeviceArray(shape, dtype, strides=strides, device=device)


def device_array_like(ary, stream=None, device=None):
    """Uninitialized GPU memory for an array of ``ary``'s shape and dtype,
    contiguous, laid out like ``ary`` (_like_layout, numba-cuda's rule); on
    ``device`` (by default a DeviceArray's own, else 0). ``stream`` second, as
    numba-cuda's: allocation waits for no stream."""
    if device is None:
        device = ary.device if isinstance(ary, DeviceArray) else 0
    shape, dtype = tuple(ary.shape), np.dtype(ary.dtype)
    return device_array(shape, dtype, device, **_like_layout(ary, dtype))


def _like_layout(ary, dtype):
    """The layout numba-cuda's ``*_array_like`` give a new contiguous array
    like ``ary`` (numpy or DeviceArray), as device_array's keywords: Fortran
    order where ``ary`` is Fortran-contiguous and not C-contiguous, else C
    order; but where ``ary`` is neither (a 2-d or wider view), strides in the
    order of ``ary``'s, smallest first (numpy's ``zeros_like``: a view of a
    Fortran array gets Fortran strides, a transposed view transposed ones)."""
    if isinstance(ary, DeviceArray):
        c, f = ary.is_c_contiguous(), ary.is_f_contiguous()
    else:
        c, f = ary.flags.c_contiguous, ary.flags.f_contiguous
    if c or f or len(ary.shape) <= 1:
        return {"order": "F" if f and not c else "C"}
    strides, stride = [0] * len(ary.shape), dtype.itemsize
    for axis in sorted(range(len(ary.shape)), key=lambda a: ary.strides[a]):
        strides[axis] = stride
        stride *= ary.shape[axis]
    return {"strides": tuple(strides)}


def pinned_array(shape, dtype=np.float64, strides=None, order="C", device=0):
    """A numpy array in page-locked host memory (numba-cuda's
    ``cuda.pinned_array``): the GPU copies to and from it directly, without
    staging through a driver buffer. Freed when the array and every view of
    it are gone. Of ``shape`` and ``dtype``, in ``order`` unless ``strides``
    (bytes) say otherwise."""
    dtype = np.dtype(dtype)
    shape, strides = _layout(shape, dtype, strides, order, "pinned_array")
    if any(s < 0 for s in strides):
        raise ValueError("pinned_array takes strides of 0 or more bytes")
    if any(n == 0 for n in shape):
        return np.ndarray(shape, dtype, strides=strides)
    if _on_host():  # the host target's: host memory is all there is
        span = _span(shape, strides, dtype.itemsize)[1]
        return np.ndarray(shape, dtype, buffer=np.empty(span, np.uint8), strides=strides)
    buffer = _cuft.PinnedBuffer(current_context(device), _span(shape, strides, dtype.itemsize)[1])
    return np.ndarray(shape, dtype, buffer=buffer, strides=strides)


def pinned_array_like(ary):
    """A pinned_array of ``ary``'s shape and dtype, contiguous, laid out like
    ``ary`` (_like_layout: numba-cuda's ``cuda.pinned_array_like``)."""
    dtype = np.dtype(ary.dtype)
    return pinned_array(tuple(ary.shape), dtype, **_like_layout(ary, dtype))


# numba-cuda's names of the device attributes people ask for, with their
# CU_DEVICE_ATTRIBUTE_* values (cuda.h).
_DEVICE_ATTRIBUTES = {
    "MAX_THREADS_PER_BLOCK": 1, "MAX_BLOCK_DIM_X": 2, "MAX_BLOCK_DIM_Y": 3,
    "MAX_BLOCK_DIM_Z": 4, "MAX_GRID_DIM_X": 5, "MAX_GRID_DIM_Y": 6, "MAX_GRID_DIM_Z": 7,
    "MAX_SHARED_MEMORY_PER_BLOCK": 8, "TOTAL_CONSTANT_MEMORY": 9, "WARP_SIZE": 10,
    "MAX_PITCH": 11, "MAX_REGISTERS_PER_BLOCK": 12, "CLOCK_RATE": 13,
    "TEXTURE_ALIGNMENT": 14, "GPU_OVERLAP": 15, "MULTIPROCESSOR_COUNT": 16,
    "KERNEL_EXEC_TIMEOUT": 17, "INTEGRATED": 18, "CAN_MAP_HOST_MEMORY": 19,
    "COMPUTE_MODE": 20, "CONCURRENT_KERNELS": 31, "ECC_ENABLED": 32, "PCI_BUS_ID": 33,
    "PCI_DEVICE_ID": 34, "TCC_DRIVER": 35, "MEMORY_CLOCK_RATE": 36,
    "GLOBAL_MEMORY_BUS_WIDTH": 37, "L2_CACHE_SIZE": 38, "MAX_THREADS_PER_MULTI_PROCESSOR": 39,
    "ASYNC_ENGINE_COUNT": 40, "UNIFIED_ADDRESSING": 41, "PCI_DOMAIN_ID": 50,
    "COMPUTE_CAPABILITY_MAJOR": 75, "COMPUTE_CAPABILITY_MINOR": 76,
    "STREAM_PRIORITIES_SUPPORTED": 78, "MAX_SHARED_MEMORY_PER_MULTIPROCESSOR": 81,
    "MAX_REGISTERS_PER_MULTIPROCESSOR": 82, "MANAGED_MEMORY": 83, "MULTI_GPU_BOARD": 84,
    "CONCURRENT_MANAGED_ACCESS": 89, "COMPUTE_PREEMPTION_SUPPORTED": 90,
    "COOPERATIVE_LAUNCH": 95, "MAX_SHARED_MEMORY_PER_BLOCK_OPTIN": 97,
    "MAX_BLOCKS_PER_MULTIPROCESSOR": 106,
}


class Device:
    """A GPU, as numba-cuda's device object: ``id``, ``name``,
    ``compute_capability`` (``(9, 0)``), and its attributes by numba's
    upper-case names (``MULTIPROCESSOR_COUNT``, ``MAX_THREADS_PER_BLOCK``...),
    read from the driver when asked."""

    def __init__(self, device=0):
        require_cuda("cannot use the GPU")
        count = _cuft.cuda_driver_status()["devices"]
        if not 0 <= device < count:
            raise ValueError(f"no CUDA device {device} (the driver has {count})")
        self.id = device

    @property
    def name(self):
        return _cuft.device_name(self.id)

    @property
    def compute_capability(self):
        return (self.COMPUTE_CAPABILITY_MAJOR, self.COMPUTE_CAPABILITY_MINOR)

    def __getattr__(self, name):
        attribute = _DEVICE_ATTRIBUTES.get(name)
        if attribute is None:
            raise AttributeError(f"cuft.Device has no attribute {name!r}")
        return _cuft.device_attribute(self.id, attribute)

    def __repr__(self):
        return f"<CUDA device {self.id} '{self.name}'>"


def get_current_device():
    """The device launches use when no stream says otherwise: device 0
    (cuft has no per-thread current device; a launch on a stream of another
    device runs there)."""
    return Device(0)


class _Gpus:
    """``cuft.gpus``: the devices, as numba-cuda's ``cuda.gpus``."""

    def __len__(self):
        status = _cuft.cuda_driver_status()
        return status["devices"] if status["available"] else 0

    def __getitem__(self, i):
        if not 0 <= i < len(self):
            raise IndexError(f"no CUDA device {i}")
        return Device(i)

    def __iter__(self):
        return (Device(i) for i in range(len(self)))

    def __repr__(self):
        return f"<cuft.gpus: {len(self)} device(s)>"


gpus = _Gpus()


def is_bfloat16_supported():
    """Whether kernels may use bfloat16 (numba-cuda's
    ``cuda.is_bfloat16_supported``): on the host target, yes (cuft computes
    it in float32 there); on a GPU, from compute capability 8.0, as numba
    answers."""
    if _on_host():
        return True
    return get_current_device().compute_capability >= (8, 0)


def detect():
    """Prints the devices the driver finds, each with its compute capability,
    and returns whether there is one (numba-cuda's ``cuda.detect``)."""
    status = _cuft.cuda_driver_status()
    if not status["available"]:
        print(f"no CUDA device: {status['message']}")
        return False
    print(f"Found {status['devices']} CUDA devices")
    for device in gpus:
        major, minor = device.compute_capability
        print(f"id {device.id:>4} {device.name:>40}   compute capability {major}.{minor}")
    return True


def synchronize():
    """Waits for everything queued on the GPU by this process, on every stream
    of every device cuft has used (numba-cuda's ``cuda.synchronize``). Host
    launches finish before they return: with no GPU used, nothing to wait for."""
    for context in list(_CONTEXTS.values()):
        _cuft.context_synchronize(context)


def stream(device=0):
    """A new stream (numba-cuda's ``cuda.stream()``): ``cuft.Stream(device)``."""
    return Stream(device)


def event(timing=True, device=0):
    """A new event (numba-cuda's ``cuda.event()``): ``cuft.Event(device)``;
    cuft's events always time."""
    return Event(device)


class _Borrowed:
    """GPU memory another library owns, as a DeviceArray's buffer: it holds
    the owner, so the memory lives as long as an array over it."""

    def __init__(self, owner, ptr, context):
        self.owner, self.ptr, self.context = owner, ptr, context


def as_cuda_array(obj, sync=True, device=0):
    """A DeviceArray over the GPU memory of ``obj`` (anything with
    ``__cuda_array_interface__``: CuPy, PyTorch, numba), sharing it, not
    copying; it keeps ``obj`` alive. With ``sync`` (numba-cuda's default) it
    first waits for the stream the interface names (v3). The memory must be on
    ``device``. Read-only memory is refused: a kernel could write it (pass the
    object itself to kernels, which refuse to write it)."""
    iface = obj.__cuda_array_interface__
    ptr, readonly = iface["data"]
    if readonly:
        raise ValueError("as_cuda_array of read-only GPU memory: pass the object itself to "
                         "kernels (they take __cuda_array_interface__ and refuse to write it)")
    typestr = iface["typestr"]
    dtype = np.dtype(iface["descr"]) if typestr.startswith("|V") and "descr" in iface \
        else np.dtype(typestr)
    shape = tuple(int(n) for n in iface["shape"])
    context = current_context(device)
    s = iface.get("stream")
    if sync and s:
        _cuft.stream_synchronize(context, int(s))
    strides = iface.get("strides")
    return DeviceArray(shape, dtype, strides=None if strides is None else tuple(strides),
                       buffer=_Borrowed(obj, int(ptr), context), device=device)


def event_elapsed_time(start, end):
    """Milliseconds between two recorded events (numba-cuda's name)."""
    return start.elapsed_time(end)


def is_cuda_array(obj):
    """Whether ``obj`` exports ``__cuda_array_interface__`` (numba-cuda's
    ``cuda.is_cuda_array``)."""
    return hasattr(obj, "__cuda_array_interface__")


def zeros(shape, dtype=np.float64, device=0, stream=None):
    """A GPU array of zeros."""
    a = DeviceArray(shape, dtype, device=device)
    if a.on_host:
        ctypes.memset(a.ptr, 0, a.nbytes)
    else:
        _cuft.memset_zero(a.context, a.ptr, a.nbytes, stream_handle(stream))
    return a


def to_device(array, device=0, stream=None, copy=True, to=None):
    """A copy of the numpy ``array`` in GPU memory (waits for the copy).
    numba-cuda's forms work too: a stream as the second argument
    (``to_device(a, stream)``: its device), ``to=`` (copy into that
    DeviceArray and return it), ``copy=False`` (the memory, not filled; a
    DeviceArray is returned as it is)."""
    if isinstance(device, Stream) or (not isinstance(device, (int, np.integer))
                                      and hasattr(device, "__cuda_stream__")):
        if stream is not None:
            raise TypeError("to_device: a stream given twice (second argument and stream=)")
        stream, device = device, getattr(device, "device", 0)
    if to is not None:
        to.copy_to_device(array, stream=stream)
        return to
    if isinstance(array, DeviceArray):
        return array if not copy else _copied(array, stream)
    host = np.asarray(array, order="C")  # ascontiguousarray makes a 0-d array 1-d
    a = DeviceArray(host.shape, host.dtype, device=device)
    if copy and a.nbytes:
        _copy(a.context, a.ptr, host.ctypes.data, a.nbytes, stream, "to_device")
    return a


def _copied(array, stream):
    """A new contiguous DeviceArray with ``array``'s elements."""
    out = DeviceArray(array.shape, array.dtype, device=array.device)
    if array.is_c_contiguous():
        out.copy_to_device(array, stream=stream)
    else:
        out.copy_to_device(array.copy_to_host(stream=stream), stream=stream)
    return out


def _order_streams(producer, consumer, device=0):
    """Later work on stream ``consumer`` waits, on the GPU, for the work
    queued on ``producer`` now (CUstream handles), unless CUDA orders them."""
    _cuft.order_streams(current_context(device), producer, consumer)


_cuft.register_device_array(DeviceArray)
_cuft.register_stream_type(Stream)
