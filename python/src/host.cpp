//===- host.cpp - Python binding of the host target -----------------------===//

#include "bindings.h"

#include "cuft/Runtime/Host.h"

#include <pybind11/stl.h>

#include <cstring>

namespace py = pybind11;
using cuft::host::Kernel;
using cuft::host::LaunchError;

namespace {

/// One 8-byte value the packed entry reads through a pointer.
union Cell {
  void *pointer;
  int64_t i64;
  uint64_t u64;
  double f64;
  float f32;
  uint8_t b;
};

/// Kernel arguments in the entry's packed form, built from Python: an array is
/// (data pointer, shape, strides in elements), a scalar is (type, value).
class PackedArgs {
public:
  explicit PackedArgs(const py::list &args) {
    size_t cells = 0;
    for (py::handle item : args) {
      auto t = py::reinterpret_borrow<py::tuple>(item);
      cells += t.size() == 3 ? 3 + 2 * py::len(t[1]) : 1;
    }
    storage.resize(cells);
    slots.reserve(cells);
    for (py::handle item : args) {
      auto t = py::reinterpret_borrow<py::tuple>(item);
      if (t.size() == 3)
        addArray(t);
      else
        addScalar(t[0].cast<std::string>(), t[1]);
    }
  }
  void *const *data() const { return slots.data(); }
  size_t size() const { return slots.size(); }

private:
  Cell &next() {
    Cell &c = storage[slots.size()];
    slots.push_back(&c);
    return c;
  }
  void addArray(const py::tuple &t) {
    auto *data = reinterpret_cast<void *>(t[0].cast<uintptr_t>());
    next().pointer = data; // allocated
    next().pointer = data; // aligned
    next().i64 = 0;        // offset
    for (py::handle n : py::reinterpret_borrow<py::tuple>(t[1]))
      next().i64 = n.cast<int64_t>();
    for (py::handle s : py::reinterpret_borrow<py::tuple>(t[2]))
      next().i64 = s.cast<int64_t>();
  }
  void addScalar(const std::string &type, py::handle value) {
    Cell &c = next();
    c.u64 = 0;
    if (type == "f64")
      c.f64 = value.cast<double>();
    else if (type == "f32")
      c.f32 = value.cast<float>();
    else if (type == "bool")
      c.b = value.cast<bool>() ? 1 : 0;
    else if (type[0] == 'u')
      c.u64 = value.cast<uint64_t>(); // little-endian: narrower loads read the low bytes
    else
      c.i64 = value.cast<int64_t>();
  }
  std::vector<Cell> storage;
  std::vector<void *> slots;
};

py::tuple dim3(const uint32_t (&d)[3]) {
  return py::make_tuple(d[0], d[1], d[2]);
}

const char *kindName(LaunchError::Kind kind) {
  switch (kind) {
  case LaunchError::Kind::None: return "none";
  case LaunchError::Kind::Config: return "config";
  case LaunchError::Kind::Index: return "index";
  case LaunchError::Kind::Trap: return "trap";
  }
  return "trap";
}

} // namespace

void cuft::python::bindHost(py::module_ &m) {
  m.def(
      "compile_host_llvm",
      [](const std::string &ir, const std::string &signature, const std::string &kernel,
         unsigned optLevel, bool fastMath, bool boundsCheck) {
        cuft::host::Options options;
        options.optLevel = optLevel;
        options.fastMath = fastMath;
        options.boundsCheck = boundsCheck;
        options.keepLLVMIR = true;
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
      "Compile generic cuft IR for a signature for this CPU, outside the cache, and return "
      "(ok, optimized LLVM IR, diagnostics): for inspect(stage='host-llvm').");

  m.def(
      "launch_host",
      [](const cuft::python::PyHostModule &module, std::array<uint32_t, 3> grid,
         std::array<uint32_t, 3> block, const py::list &args) -> py::object {
        if (!module.handle->alive())
          return py::str("unloaded");
        const Kernel &kernel = *module.kernel;
        PackedArgs packed(args);
        LaunchError e;
        {
          // Blocks run on cuft's worker threads; this thread only waits.
          py::gil_scoped_release release;
          e = cuft::host::launch(kernel, grid.data(), block.data(), packed.data(),
                                 packed.size());
        }
        if (!e)
          return py::none();
        // A trap in a kernel whose block runs as one loop has no thread to name.
        bool threadKnown = e.kind != LaunchError::Kind::Trap || kernel.usesFibers();
        return py::make_tuple(kindName(e.kind), e.message, e.site.file, e.site.line,
                              e.site.column, e.dim, e.index, e.size, dim3(e.block),
                              threadKnown ? py::object(dim3(e.thread)) : py::none());
      },
      py::arg("module"), py::arg("grid"), py::arg("block"), py::arg("args"),
      "Run a HostModule over grid x block threads; args are (pointer, shape, strides) "
      "for arrays and (type, value) for scalars. Returns None, or (kind, message, file, "
      "line, column, dim, index, size, block, thread or None) for the launch's first error, "
      "or 'unloaded' when the module was unloaded (load it again).");

  m.def("host_pool_size", &cuft::host::poolSize,
        "Worker threads that run host blocks (CUFT_HOST_THREADS, else the CPU count).");
}
