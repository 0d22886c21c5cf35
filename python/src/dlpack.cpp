//===- dlpack.cpp - reading a DLPack capsule's dtype, shape and strides ---===//
//
// The DLPack structs are a stable C ABI (dlpack.h, v0.x "dltensor" capsules);
// only the fields cuft needs are read, and the capsule is left unconsumed, so
// its own destructor releases the tensor.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include <cstdint>

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
} // namespace

void cuft::python::bindDLPack(py::module_ &m) {
  m.def(
      "dlpack_layout",
      [](py::capsule capsule) {
        if (std::string(capsule.name() ? capsule.name() : "") != "dltensor")
          throw py::type_error("expected an unconsumed DLPack capsule named 'dltensor'");
        const DLTensor &t = capsule.get_pointer<DLManagedTensor>()->tensor;
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
}
