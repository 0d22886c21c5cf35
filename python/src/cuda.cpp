//===- cuda.cpp - Python binding of the CUDA driver's status --------------===//

#include "bindings.h"

#include "cuft/Runtime/CUDA/Driver.h"

namespace py = pybind11;

void cuft::python::bindCuda(py::module_ &m) {
  m.def(
      "cuda_driver_status",
      [] {
        const cuft::cuda::DriverStatus *status;
        {
          // The first call loads the driver and runs cuInit: seconds, at worst.
          py::gil_scoped_release release;
          status = &cuft::cuda::driverStatus();
        }
        py::dict d;
        d["available"] = status->available;
        d["result"] = status->result;
        d["result_name"] = cuft::cuda::resultName(status->result);
        d["library"] = status->library;
        d["message"] = status->message;
        d["version"] = status->version;
        d["devices"] = status->devices;
        return d;
      },
      "Loads and initializes the CUDA driver once per process (thread-safe) and returns "
      "{available, result, result_name, library, message, version, devices}.");
  m.def("cuda_result_name", &cuft::cuda::resultName, py::arg("result"),
        "The name of a CUresult, e.g. 'CUDA_ERROR_NO_DEVICE'.");
  m.def("cuda_driver_init_count", &cuft::cuda::driverInitCount,
        "How many times the driver was initialized in this process (0 or 1).");
}
