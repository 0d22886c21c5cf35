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

bool cuft::python::readDLPack(py::handle capsule, DLPackView &out) {
  if (!PyCapsule_IsValid(capsule.ptr(), "dltensor"))
    return false;
  auto *managed = static_cast<DLManagedTensor *>(PyCapsule_GetPointer(capsule.ptr(), "dltensor"));
  if (!managed)
    return false;
  const DLTensor &t = managed->tensor;
  out.deviceType = t.device.deviceType;
  out.deviceId = t.device.deviceId;
  out.code = t.dtype.code;
  out.bits = t.dtype.bits;
  out.lanes = t.dtype.lanes;
  out.shape.assign(t.shape, t.shape + t.ndim);
  out.strides.clear();
  if (t.strides)
    out.strides.assign(t.strides, t.strides + t.ndim);
  out.data = static_cast<char *>(t.data) + t.byteOffset;
  return true;
}

namespace {
cuft::python::DLPackView view(py::handle capsule) {
  cuft::python::DLPackView t;
  if (!cuft::python::readDLPack(capsule, t))
    throw py::type_error("expected an unconsumed DLPack capsule named 'dltensor'");
  return t;
}
} // namespace

void cuft::python::bindDLPack(py::module_ &m) {
  m.def(
      "dlpack_layout",
      [](py::object capsule) {
        DLPackView t = view(capsule);
        py::tuple shape(py::cast(t.shape));
        py::object strides = t.strides.empty() ? py::object(py::none()) : py::object(py::tuple(py::cast(t.strides)));
        return py::make_tuple(t.code, t.bits, t.lanes, shape, strides);
      },
      py::arg("capsule"),
      "(type code, bits, lanes, shape, strides in elements or None) of a DLPack capsule");
  m.def(
      "dlpack_data",
      [](py::object capsule) {
        DLPackView t = view(capsule);
        return py::make_tuple(t.deviceType, t.deviceId, reinterpret_cast<uintptr_t>(t.data));
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
