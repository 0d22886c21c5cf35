"""GPU memory and streams: ``cuft.to_device``, ``cuft.device_array``,
``cuft.zeros``, ``DeviceArray.copy_to_host``, ``cuft.Stream``.

Every call needs a CUDA driver and a device; without one it raises
``cuft.CudaError`` saying why. Device memory is freed when the last reference
to its array goes, from whichever thread drops it. A ``DeviceArray`` exports
``__cuda_array_interface__`` (v3) and ``__dlpack__``, so CuPy, PyTorch, JAX and
Numba read it without a copy; kernels take it, and any GPU object with either
protocol, as an argument.
"""


import numpy as np

from . import _cuft
from .target import require_cuda

__all__ = ["DeviceArray", "Event", "Stream", "to_device", "device_array", "zeros", "default_stream",
           "current_context", "per_thread_default_stream"]


def per_thread_default_stream():
    """Whether launches without a stream use each thread's own default stream:
    CUFT_PER_THREAD_DEFAULT_STREAM=0|1 (read when cuft.cuda is first imported),
    else on for free-threaded builds."""
    return _DEFAULT_STREAM == _PER_THREAD


_PER_THREAD = 2  # CU_STREAM_PER_THREAD
# The CUstream of launches and copies given no stream: decided once per process
# by the C launch path (CUFT_PER_THREAD_DEFAULT_STREAM, else the build).
_DEFAULT_STREAM = _cuft.default_stream()
_KDLCUDA = 2  # DLPack's device type of CUDA device memory
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
        self.context = current_context(device)
        self.device = device
        self._owned = _handle is None
        self.handle = _cuft.stream_create(self.context) if _handle is None else _handle
        # What the C launch path reads; it launches on device 0 only (a launch
        # on another device's stream takes the Python path).
        self._launch_handle = self.handle if device == 0 else None

    def synchronize(self):
        _cuft.stream_synchronize(self.context, self.handle)

    def wait(self, event):
        """Later work on this stream waits (on the GPU) until ``event`` happened."""
        _cuft.stream_wait_event(self.context, self.handle, event.handle)

    @property
    def __cuda_stream__(self):
        return (0, self.handle)

    def __del__(self):
        if getattr(self, "_owned", False) and self.handle:
            try:
                _cuft.stream_destroy(self.context, self.handle)
            except Exception:  # noqa: BLE001  (at exit the context may be gone)
                pass

    def __repr__(self):
        return f"<cuft.Stream {self.handle:#x}>"


class Event:
    """A CUDA event: ``record(stream)``, ``synchronize()``, ``elapsed_time(end)``
    in milliseconds; ``stream.wait(event)`` orders two streams on the GPU."""

    def __init__(self, device=0):
        self.context = current_context(device)
        self.handle = _cuft.event_create(self.context)

    def record(self, stream=None):
        _cuft.event_record(self.context, self.handle, stream_handle(stream))
        return self

    def synchronize(self):
        _cuft.event_synchronize(self.context, self.handle)

    def elapsed_time(self, end):
        return _cuft.event_elapsed(self.context, self.handle, end.handle)

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


def stream_handle(stream):
    """A CUstream handle from None (the default stream), a cuft.Stream, an int,
    an object with the ``__cuda_stream__`` protocol, a PyTorch stream
    (``.cuda_stream``) or a CuPy stream (``.ptr``): the launch path's rule."""
    return _DEFAULT_STREAM if stream is None else _cuft.stream_handle(stream)


class DeviceArray:
    """An array in GPU memory: ``shape``, ``dtype``, ``strides`` (bytes), like numpy."""

    def __init__(self, shape, dtype, strides=None, buffer=None, offset=0, device=0):
        self.shape = tuple(int(n) for n in (shape if isinstance(shape, tuple) else (shape,)))
        self.dtype = np.dtype(dtype)
        self.strides = tuple(strides) if strides is not None else _c_strides(self.shape,
                                                                              self.dtype)
        self.nbytes = int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize
        if buffer is None:
            buffer = _cuft.DeviceBuffer(current_context(device), self.nbytes)
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
                                       self.device)

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
        return (_KDLCUDA, self.device)

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
        if stream is not None and stream != -1:
            _order_streams(_DEFAULT_STREAM, int(stream), self.device)
        itemsize = self.dtype.itemsize
        return _cuft.dlpack_export(self, self.ptr, list(self.shape),
                                   [s // itemsize for s in self.strides],
                                   _DLPACK_CODES[self.dtype.kind], itemsize * 8, _KDLCUDA,
                                   self.device)

    def copy_to_host(self, out=None, stream=None):
        """The contents as a numpy array (into ``out`` when given)."""
        if out is None:
            out = np.empty(self.shape, self.dtype)
        if not out.flags.c_contiguous or out.nbytes != self.nbytes or out.dtype != self.dtype:
            raise ValueError("copy_to_host needs a C-contiguous numpy array of the same dtype "
                             "and size")
        if self.strides != _c_strides(self.shape, self.dtype):
            raise ValueError("copy_to_host of a non-contiguous device array is not supported")
        _cuft.copy_to_host(self.context, out.ctypes.data, self.ptr, self.nbytes,
                           stream_handle(stream))
        return out

    def __repr__(self):
        return f"<cuft.DeviceArray shape={self.shape} dtype={self.dtype}>"


def _c_strides(shape, dtype):
    strides, step = [], np.dtype(dtype).itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= max(int(n), 1)
    return tuple(reversed(strides))


def device_array(shape, dtype=np.float64, device=0):
    """Uninitialized GPU memory for an array of ``shape`` and ``dtype``."""
    return DeviceArray(shape, dtype, device=device)


def zeros(shape, dtype=np.float64, device=0, stream=None):
    """A GPU array of zeros."""
    a = DeviceArray(shape, dtype, device=device)
    _cuft.memset_zero(a.context, a.ptr, a.nbytes, stream_handle(stream))
    return a


def to_device(array, device=0, stream=None):
    """A copy of the numpy ``array`` in GPU memory."""
    host = np.ascontiguousarray(array)
    a = DeviceArray(host.shape, host.dtype, device=device)
    _cuft.copy_to_device(a.context, a.ptr, host.ctypes.data, a.nbytes, stream_handle(stream))
    return a


def _order_streams(producer, consumer, device=0):
    """Later work on stream ``consumer`` waits, on the GPU, for the work
    queued on ``producer`` now (CUstream handles), unless CUDA orders them."""
    _cuft.order_streams(current_context(device), producer, consumer)


_cuft.register_device_array(DeviceArray)
_cuft.register_stream_type(Stream)
