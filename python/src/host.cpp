//===- host.cpp - Python binding of the host target -----------------------===//

#include "bindings.h"

#include "cuft/Runtime/Host.h"
#include "cuft/Runtime/LaunchShape.h"

#include <pybind11/stl.h>

namespace py = pybind11;
using cuft::host::Kernel;
using cuft::host::LaunchError;

namespace {
py::tuple dim3(const uint32_t (&d)[3]) {
  return py::make_tuple(d[0], d[1], d[2]);
}

const char *kindName(LaunchError::Kind kind) {
  switch (kind) {
  case LaunchError::Kind::None: return "none";
  case LaunchError::Kind::Config: return "config";
  case LaunchError::Kind::Index: return "index";
  case LaunchError::Kind::ZeroDivision: return "zerodivision";
  case LaunchError::Kind::Reshape: return "reshape";
  case LaunchError::Kind::Raise: return "raise";
  case LaunchError::Kind::Interrupted: return "interrupted";
  case LaunchError::Kind::Trap: return "trap";
  }
  return "trap";
}

/// Python's main thread: the one that gets KeyboardInterrupt. Written once when
/// the module is imported, read-only after.
unsigned long mainThread = 0;

} // namespace

bool cuft::python::onMainThread() { return PyThread_get_thread_ident() == mainThread; }

py::object cuft::python::hostLaunchError(const LaunchError &e, const Kernel &kernel) {
  if (!e)
    return py::none();
  // Ctrl-C stopped the launch: Python's handler runs now (KeyboardInterrupt).
  if (e.kind == LaunchError::Kind::Interrupted && PyErr_CheckSignals() != 0)
    throw py::error_already_set();
  // A trap in a kernel whose block runs as one loop has no thread to name.
  bool threadKnown = e.kind != LaunchError::Kind::Trap || kernel.usesFibers();
  return py::make_tuple(kindName(e.kind), e.message, e.site.file, e.site.line, e.site.column,
                        e.dim, e.index, e.size, dim3(e.block),
                        threadKnown ? py::object(dim3(e.thread)) : py::none());
}

py::object cuft::python::raisedOnGpu(const cuda::Error &e) {
  // The error record: code + 1, block, thread; the location is the raise
  // table's (Python), as on the host.
  const int64_t *r = e.raised;
  return py::make_tuple("raise", e.what, "", 0, 0, 0, r[0] - 1, 0,
                        py::make_tuple(r[1], r[2], r[3]), py::make_tuple(r[4], r[5], r[6]));
}

void cuft::python::bindHost(py::module_ &m) {
  mainThread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  m.def(
      "compile_host_llvm",
      [](const std::string &ir, const std::string &signature, const std::string &kernel,
         unsigned optLevel, bool fastMath, bool boundsCheck, std::array<uint32_t, 3> block) {
        cuft::host::Options options;
        options.optLevel = optLevel;
        options.fastMath = fastMath;
        options.boundsCheck = boundsCheck;
        options.keepLLVMIR = true;
        options.block = block;
        const uint32_t one[3] = {1, 1, 1};
        if (block[0])
          if (std::string problem = cuft::launchShapeProblem(one, block.data()); !problem.empty())
            throw py::value_error(problem);
        cuft::host::ObjectResult result;
        {
          py::gil_scoped_release release;
          result = cuft::host::compileObject(ir, signature, kernel, options);
        }
        return py::make_tuple(result.ok, result.ok ? result.object->llvmIR : std::string(),
                              cuft::python::diagnosticsToPython(result.diagnostics));
      },
      py::arg("ir"), py::arg("signature"), py::arg("kernel") = "", py::arg("opt_level") = 3,
      py::arg("fast_math") = false, py::arg("bounds_check") = false,
      py::arg("block") = std::array<uint32_t, 3>{0, 0, 0},
      "Compile generic cuft IR for a signature for this CPU, outside the cache, and return "
      "(ok, optimized LLVM IR, diagnostics): for inspect(stage='host-llvm'). `block`: the "
      "block shape the code is for (zeros: any).");

  m.def("host_pool_size", &cuft::host::poolSize,
        "Worker threads that run host blocks (CUFT_HOST_THREADS, else the CPU count).");
  m.def("host_privatized_launches", &cuft::host::privatizedLaunches,
        "Host launches so far whose workers applied an array's atomic updates to private "
        "copies, merged after (for tests).");
}
