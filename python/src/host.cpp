//===- host.cpp - Python binding of the host target -----------------------===//

#include "bindings.h"

#include "cuft/Runtime/Host.h"

#include <pybind11/stl.h>

#include <cstring>

namespace py = pybind11;
using cuft::host::Kernel;
using cuft::host::LaunchError;

namespace {

py::list diagnosticsToPython(const std::vector<cuft::Diagnostic> &diagnostics) {
  py::list out;
  for (const cuft::Diagnostic &d : diagnostics)
    out.append(py::make_tuple(d.severity, d.file, d.line, d.column, d.message));
  return out;
}

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
  py::class_<Kernel, std::shared_ptr<Kernel>>(m, "HostKernel",
                                              "A kernel JIT-compiled for this CPU.")
      .def_property_readonly("name", &Kernel::name)
      .def_property_readonly("uses_fibers", &Kernel::usesFibers)
      .def_property_readonly("shared_bytes", &Kernel::sharedBytes)
      .def("__repr__", [](const Kernel &k) {
        return "<cuft host kernel " + k.name() + (k.usesFibers() ? " (fibers)" : "") + ">";
      });

  m.def(
      "compile_host",
      [](const std::string &ir, const std::string &signature, const std::string &kernel,
         unsigned optLevel, bool fastMath, bool boundsCheck, bool keepLLVMIR) {
        cuft::host::Options options;
        options.optLevel = optLevel;
        options.fastMath = fastMath;
        options.boundsCheck = boundsCheck;
        options.keepLLVMIR = keepLLVMIR;
        cuft::host::CompileResult result;
        {
          py::gil_scoped_release release;
          result = cuft::host::compile(ir, signature, kernel, options);
        }
        py::object k = py::none();
        if (result.ok)
          k = py::cast(std::const_pointer_cast<Kernel>(result.kernel));
        return py::make_tuple(result.ok, k, result.llvmIR,
                              diagnosticsToPython(result.diagnostics));
      },
      py::arg("ir"), py::arg("signature"), py::arg("kernel") = "", py::arg("opt_level") = 3,
      py::arg("fast_math") = false, py::arg("bounds_check") = false,
      py::arg("keep_llvm_ir") = false,
      "Compile generic cuft IR for a signature to a HostKernel. Returns (ok, kernel, "
      "llvm_ir, diagnostics).");

  m.def(
      "launch_host",
      [](const Kernel &kernel, std::array<uint32_t, 3> grid, std::array<uint32_t, 3> block,
         const py::list &args) -> py::object {
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
      py::arg("kernel"), py::arg("grid"), py::arg("block"), py::arg("args"),
      "Run a HostKernel over grid x block threads; args are (pointer, shape, strides) "
      "for arrays and (type, value) for scalars. Returns None, or (kind, message, file, "
      "line, column, dim, index, size, block, thread or None) for the launch's first error.");

  m.def("host_pool_size", &cuft::host::poolSize,
        "Worker threads that run host blocks (CUFT_HOST_THREADS, else the CPU count).");
}
