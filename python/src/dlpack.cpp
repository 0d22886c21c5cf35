//===- dlpack.cpp - DLPack capsules: reading them, and making them ---------===//
//
// The DLPack structs are a stable C ABI (dlpack.h, v0.x "dltensor" capsules).
// Reading: only the fields cuft needs, and the capsule is left unconsumed, so
// its own destructor releases the tensor. Making (DeviceArray.__dlpack__):
// the tensor holds a reference to its Python owner until the consumer calls
// the deleter, or the capsule dies unconsumed; either may happen on any
// thread, so the deleter takes the GIL (or the thread state, free-threaded).
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include <pybind11/stl.h>

#include <cstdint>
#include <vector>

namespace py = pybind11;

namespace {
struct DLDevice {
  int32_t deviceType;
  int32_t deviceId;
};
struct DLDataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void *data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t *shape;
  int64_t *strides; // in elements; null means C-contiguous
  uint64_t byteOffset;
};
struct DLManagedTensor {
  DLTensor tensor;
  void *managerCtx;
  void (*deleter)(DLManagedTensor *);
};
const DLTensor &tensorOf(py::capsule &capsule) {
  if (std::string(capsule.name() ? capsule.name() : "") != "dltensor")
    throw py::type_error("expected an unconsumed DLPack capsule named 'dltensor'");
  return capsule.get_pointer<DLManagedTensor>()->tensor;
}

/// A DLManagedTensor with its shape, strides and owner in one allocation.
struct Exported {
  DLManagedTensor managed;
  int64_t shape[8];
  int64_t strides[8];
  PyObject *owner;
};

void deleteExported(DLManagedTensor *t) {
  auto *e = reinterpret_cast<Exported *>(t);
  PyGILState_STATE gil = PyGILState_Ensure();
  Py_XDECREF(e->owner);
  PyGILState_Release(gil);
  delete e;
}

void capsuleDestructor(PyObject *capsule) {
  // Consumers rename a capsule they took ("used_dltensor") and call the
  // deleter themselves; an unconsumed one is ours to release.
  if (PyCapsule_IsValid(capsule, "dltensor"))
    if (auto *t = static_cast<DLManagedTensor *>(PyCapsule_GetPointer(capsule, "dltensor")))
      t->deleter(t);
}

} // namespace

void cuft::python::bindDLPack(py::module_ &m) {
  m.def(
      "dlpack_layout",
      [](py::capsule capsule) {
        const DLTensor &t = tensorOf(capsule);
        py::tuple shape(t.ndim);
        for (int32_t i = 0; i < t.ndim; ++i)
          shape[i] = t.shape[i];
        py::object strides = py::none();
        if (t.strides) {
          py::tuple s(t.ndim);
          for (int32_t i = 0; i < t.ndim; ++i)
            s[i] = t.strides[i];
          strides = s;
        }
        return py::make_tuple(t.dtype.code, t.dtype.bits, t.dtype.lanes, shape, strides);
      },
      py::arg("capsule"),
      "(type code, bits, lanes, shape, strides in elements or None) of a DLPack capsule");
  m.def(
      "dlpack_data",
      [](py::capsule capsule) {
        const DLTensor &t = tensorOf(capsule);
        return py::make_tuple(t.device.deviceType, t.device.deviceId,
                              reinterpret_cast<uintptr_t>(t.data) + t.byteOffset);
      },
      py::arg("capsule"),
      "(device type, device id, address of the first element) of a DLPack capsule");
  m.def(
      "dlpack_export",
      [](py::object owner, uintptr_t data, const std::vector<int64_t> &shape,
         const std::vector<int64_t> &strides, int code, int bits, int deviceType,
         int deviceId) {
        if (shape.size() > 8 || strides.size() != shape.size())
          throw py::value_error("dlpack_export: at most 8 dimensions, a stride for each");
        auto *e = new Exported{};
        DLTensor &t = e->managed.tensor;
        t.data = reinterpret_cast<void *>(data);
        t.device = {deviceType, deviceId};
        t.ndim = int32_t(shape.size());
        t.dtype = {uint8_t(code), uint8_t(bits), 1};
        for (size_t i = 0; i < shape.size(); ++i) {
          e->shape[i] = shape[i];
          e->strides[i] = strides[i];
        }
        t.shape = e->shape;
        t.strides = e->strides;
        e->owner = owner.release().ptr();
        e->managed.deleter = deleteExported;
        PyObject *capsule = PyCapsule_New(&e->managed, "dltensor", capsuleDestructor);
        if (!capsule) {
          deleteExported(&e->managed);
          throw py::error_already_set();
        }
        return py::reinterpret_steal<py::capsule>(capsule);
      },
      py::arg("owner"), py::arg("data"), py::arg("shape"), py::arg("strides"), py::arg("code"),
      py::arg("bits"), py::arg("device_type"), py::arg("device_id"),
      "A DLPack capsule ('dltensor') of `data` with `shape` and `strides` (in elements) and "
      "dtype (code, bits), on (device type, id); it keeps `owner` alive until the consumer "
      "is done with it.");
}
