//===- cuda.cpp - Python binding of the CUDA driver, nvJitLink and NVRTC ---===//

#include "bindings.h"

#include "cuft/Runtime/CUDA/Driver.h"
#include "cuft/Target/NVPTX/Link.h"

#include <pybind11/stl.h>

#include <tuple>

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

void cuft::python::bindLink(py::module_ &m) {
  m.def(
      "link_cubin",
      [](const std::vector<std::tuple<int, std::string, py::bytes>> &inputs,
         const std::string &chip, unsigned optLevel, bool lto) {
        std::vector<cuft::nvptx::LinkInput> in;
        for (const auto &[kind, name, data] : inputs) {
          if (kind < 1 || kind > 4)
            throw py::value_error("bad link input kind " + std::to_string(kind));
          in.push_back({static_cast<cuft::nvptx::InputKind>(kind), name, std::string(data)});
        }
        cuft::nvptx::LinkResult r;
        {
          py::gil_scoped_release release;
          r = cuft::nvptx::link(in, chip, optLevel, lto);
        }
        return py::make_tuple(r.ok, py::bytes(r.cubin), r.error, r.info);
      },
      py::arg("inputs"), py::arg("chip"), py::arg("opt_level") = 3, py::arg("lto") = false,
      "Link [(kind, name, data)] (kind 1 cubin, 2 PTX, 3 LTO-IR, 4 fatbin) into a cubin for "
      "`chip` with nvJitLink. Returns (ok, cubin, error log, info log).");
  m.def(
      "compile_cuda",
      [](const std::string &source, const std::string &name, const std::string &chip, bool lto,
         const std::vector<std::string> &options) {
        cuft::nvptx::CudaCompileResult r;
        {
          py::gil_scoped_release release;
          r = cuft::nvptx::compileCUDA(source, name, chip, lto, options);
        }
        return py::make_tuple(r.ok, py::bytes(r.code), r.log);
      },
      py::arg("source"), py::arg("name"), py::arg("chip"), py::arg("lto") = false,
      py::arg("options") = std::vector<std::string>(),
      "Compile CUDA C++ with NVRTC (relocatable device code) to PTX, or LTO-IR with lto. "
      "Returns (ok, code, log).");
  m.def("linker_problem", &cuft::nvptx::linkerProblem,
        "'' when nvJitLink loads, else why it does not.");
}
