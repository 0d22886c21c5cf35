//===- dispatch.cpp - the warm launch path, in C++ -------------------------===//
//
// A Dispatcher is one kernel's fast table for one target: signature text →
// what its launches need (the loaded HostModule). A warm launch is one call,
// launch_fast: the arguments are read by the one reader (arguments.cpp: the
// signature and the packed arguments in one pass), the signature looked up and
// the kernel run, without a Python-level lock and without touching the
// process-wide cache. A new signature, an argument the reader refuses,
// keyword arguments or an unloaded module is a miss: the Python dispatcher
// then takes the slow path, which reads the arguments with the same reader,
// raises its problem or compiles, loads and inserts the new entry here.
//
// The table is immutable and swapped whole through an atomic pointer. Readers
// never take a reference: a warm launch reads the table, and the module a row
// holds, inside a guard of the launch path's EpochDomain (cuft/Cache/Epochs.h)
// for as long as it runs. A replaced table (a new signature, or a module
// loaded again after cuft.unload_modules()) is kept on the Dispatcher's
// retired list until the domain says no launch can still read it, and then
// freed with the modules only it held: checked at every insert, so a program
// that unloads and relaunches forever keeps a few tables, not all of them.
// The table is capped: past kMaxEntries signatures, new ones stay on the slow
// path, where the process-wide cache still serves them.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include "cuft/Cache/Epochs.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

namespace py = pybind11;
using cuft::python::KernelCounters;
using cuft::python::PyCudaModule;
using cuft::python::PyHostModule;

namespace {

constexpr size_t kMaxEntries = 64;

/// A launch's positional arguments: a tuple's items, or a vectorcall's array.
struct Args {
  PyObject *const *items;
  size_t n;
  size_t size() const { return n; }
};

Args argsOf(const py::tuple &t) {
  return {reinterpret_cast<PyTupleObject *>(t.ptr())->ob_item, t.size()};
}

class Dispatcher {
public:
  Dispatcher(std::vector<bool> constexprArgs, KernelCounters &counters, uintptr_t context,
             long long device)
      : constexprArgs(std::move(constexprArgs)), counters(counters), context(context),
        device(device) {}

  /// The row of `sig`, or null. The caller holds a launchEpochs() guard for
  /// as long as it uses the module.
  const void *find(const std::string &sig) const {
    const Table *t = table.load(std::memory_order_seq_cst); // see Epochs.h
    if (!t)
      return nullptr;
    for (const Row &r : t->rows)
      if (r.sig == sig)
        return r.module;
    return nullptr;
  }

  /// Adds `sig` → `module` (a HostModule, or a CudaModule in a cuda table);
  /// false when the table is full.
  bool insert(const std::string &sig, py::object module) {
    const void *typed = py::isinstance<PyHostModule>(module)
                            ? static_cast<const void *>(&module.cast<const PyHostModule &>())
                            : &module.cast<const PyCudaModule &>();
    // Declared before the lock: tables are freed after it is released (a
    // module freed with them may run a teardown callback, any Python code).
    std::vector<Retired> freed;
    std::lock_guard<std::mutex> lock(writeMutex);
    const Table *old = table.load(std::memory_order_relaxed);
    auto next = std::make_unique<Table>();
    if (old) {
      if (old->rows.size() >= kMaxEntries)
        return false;
      for (const Row &r : old->rows)
        if (r.sig != sig) // a reload replaces the unloaded module's row
          next->rows.push_back(r);
    }
    next->rows.push_back({sig, std::move(module), typed});
    const Table *replaced = table.exchange(next.release(), std::memory_order_seq_cst);
    if (replaced)
      retired.push_back({cuft::cache::launchEpochs().stamp(), std::unique_ptr<const Table>(replaced)});
    takePassed(freed);
    return true;
  }

  size_t size() const {
    auto guard = cuft::cache::launchEpochs().enter();
    const Table *t = table.load(std::memory_order_seq_cst);
    return t ? t->rows.size() : 0;
  }

  /// Replaced tables not freed yet (a launch may still read them).
  size_t retiredCount() {
    std::vector<Retired> freed; // freed after the lock, as in insert
    std::lock_guard<std::mutex> lock(writeMutex);
    takePassed(freed);
    return retired.size();
  }

  ~Dispatcher() { delete table.load(std::memory_order_relaxed); } // no launch reaches it now

  const std::vector<bool> constexprArgs;
  KernelCounters &counters;
  const uintptr_t context; // a cuda table's context (0: the host's)
  const long long device;  // and its device

private:
  struct Row {
    std::string sig;
    py::object owner;   // keeps `module` alive
    const void *module; // a PyHostModule or a PyCudaModule, as the table's target
  };
  struct Table {
    std::vector<Row> rows;
  };
  struct Retired {
    uint64_t stamp; // launchEpochs().stamp() after the table was replaced
    std::unique_ptr<const Table> table;
  };

  /// Moves the retired tables no launch can read any more (oldest first:
  /// stamps never decrease) to `out`, for the caller to free once it has
  /// released writeMutex. Their rows' modules are Python objects: freed with
  /// the GIL held (or attached, on the free-threaded build).
  void takePassed(std::vector<Retired> &out) {
    size_t done = 0;
    while (done < retired.size() && cuft::cache::launchEpochs().passed(retired[done].stamp))
      ++done;
    std::move(retired.begin(), retired.begin() + ptrdiff_t(done), std::back_inserter(out));
    retired.erase(retired.begin(), retired.begin() + ptrdiff_t(done));
  }

  std::atomic<const Table *> table{nullptr}; // owned; readers load it seq_cst
  std::mutex writeMutex;         // guards the swap and `retired`
  std::vector<Retired> retired;  // replaced tables a launch may still read
};

/// The miss sentinel: the Python dispatcher takes the slow path.
py::object &miss() {
  static py::object *sentinel = new py::object(py::module_::import("builtins").attr("object")());
  return *sentinel;
}

/// Reads `args` for `to` with the one reader (arguments.cpp) and finds the
/// live module the table holds for their signature; null on a miss (an
/// argument the reader refuses is one: the slow path reads it again and
/// raises its problem).
template <typename Module>
const Module *lookup(const Dispatcher &d, Args args, const cuft::python::Destination &to,
                     cuft::KernelArgs &packed, std::vector<py::object> &keep) {
  // The signature text is built in a buffer each thread keeps: no allocation.
  thread_local std::string sig;
  cuft::python::ArgumentProblem problem;
  if (!cuft::python::readArguments(args.items, args.n, d.constexprArgs, to, sig, &packed, keep,
                                   problem))
    return nullptr;
  auto *module = static_cast<const Module *>(d.find(sig));
  return module && module->handle->alive() ? module : nullptr;
}

py::object launchFast(Dispatcher &d, std::array<uint32_t, 3> grid, std::array<uint32_t, 3> block,
                      Args args) {
  // The table and its module stay valid until the launch is done.
  auto guard = cuft::cache::launchEpochs().enter();
  cuft::KernelArgs packed;
  std::vector<py::object> keep;
  const PyHostModule *module =
      lookup<PyHostModule>(d, args, {cuft::python::Memory::Host}, packed, keep);
  if (!module)
    return miss();
  d.counters.hit();
  // The module object (and so its kernel) stays alive: the table holds it.
  return cuft::python::launchHost(*module->kernel, grid.data(), block.data(), packed);
}

/// The warm CUDA launch: as launchFast, for a cuda table (rows of
/// CudaModules) and GPU arrays.
py::object launchFastCuda(Dispatcher &d, std::array<uint32_t, 3> grid,
                          std::array<uint32_t, 3> block, uint32_t sharedBytes, uintptr_t stream,
                          Args args) {
  auto guard = cuft::cache::launchEpochs().enter(); // as launchFast
  cuft::KernelArgs packed;
  std::vector<py::object> keep;
  const PyCudaModule *module = lookup<PyCudaModule>(
      d, args, {cuft::python::Memory::Cuda, d.context, d.device, stream, /*mayOrder=*/false},
      packed, keep);
  if (!module)
    return miss();
  if (!cuft::python::launchCuda(*module, grid.data(), block.data(), sharedBytes, stream, packed))
    return miss(); // unloaded since the lookup: the slow path loads it again
  d.counters.hit();
  return py::none();
}

/// The value of `key` in dict `d` as a new reference, or null (no error).
PyObject *dictItem(PyObject *d, PyObject *key) {
#if PY_VERSION_HEX >= 0x030D0000
  PyObject *out = nullptr;
  if (PyDict_GetItemRef(d, key, &out) < 0)
    PyErr_Clear();
  return out;
#else
  PyObject *out = PyDict_GetItemWithError(d, key);
  if (!out)
    PyErr_Clear();
  Py_XINCREF(out);
  return out;
#endif
}

/// Whether every (cell, None, name, value) or (globals, builtins, name,
/// value) check still finds that very value object: what a kernel's generic
/// IR compiled in. False means "maybe changed": Python then compares values.
int capturesUnchangedIn(PyObject *checks) {
  if (!PyTuple_Check(checks)) {
    PyErr_SetString(PyExc_TypeError, "captures_unchanged(tuple of 4-tuples)");
    return -1;
  }
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(checks); ++i) {
    PyObject *c = PyTuple_GET_ITEM(checks, i);
    if (!PyTuple_Check(c) || PyTuple_GET_SIZE(c) != 4) {
      PyErr_SetString(PyExc_TypeError, "captures_unchanged(tuple of 4-tuples)");
      return -1;
    }
    PyObject *where = PyTuple_GET_ITEM(c, 0), *builtins = PyTuple_GET_ITEM(c, 1);
    PyObject *name = PyTuple_GET_ITEM(c, 2), *value = PyTuple_GET_ITEM(c, 3);
    if (builtins == Py_None) { // a closure cell
      // Its content's address is compared, never used: no reference, and no
      // PyCell_Get (a lock on the cell in the free-threaded build). `value`
      // is held by the check, so no other object can take its address.
      if (!PyCell_Check(where) ||
          __atomic_load_n(&reinterpret_cast<PyCellObject *>(where)->ob_ref, __ATOMIC_RELAXED) !=
              value)
        return 0;
      continue;
    }
    PyObject *now = nullptr;
    if (PyDict_Check(where) && PyDict_Check(builtins)) {
      now = dictItem(where, name);
      if (!now)
        now = dictItem(builtins, name);
    }
    bool same = now == value;
    Py_XDECREF(now);
    if (!same)
      return 0;
  }
  return 1;
}

PyObject *capturesUnchangedPy(PyObject *, PyObject *checks) {
  int same = capturesUnchangedIn(checks);
  return same < 0 ? nullptr : PyBool_FromLong(same);
}

/// A 3-tuple of ints in [0, 2^32) into `out`.
bool dim3From(PyObject *o, std::array<uint32_t, 3> &out) {
  if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != 3)
    return false;
  for (Py_ssize_t k = 0; k < 3; ++k) {
    unsigned long long v = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(o, k));
    if ((v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) || v > UINT32_MAX) {
      PyErr_Clear();
      return false;
    }
    out[size_t(k)] = uint32_t(v);
  }
  return true;
}

/// Dispatcher's Python type, set when it is bound.
PyTypeObject *dispatcherType = nullptr;

/// Runs `f` (returning a py::object) for a C caller: its result as a new
/// reference, or null with the Python error its exception stands for.
template <typename F>
PyObject *callForC(F &&f) {
  try {
    return f().release().ptr();
  } catch (py::error_already_set &e) {
    e.restore();
  } catch (py::builtin_exception &e) {
    e.set_error();
  } catch (const std::bad_alloc &) {
    PyErr_NoMemory();
  } catch (const std::exception &e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

/// launch_fast(dispatcher, grid, block, args), bound by hand like
/// launch_fast_cuda: every warm host launch makes this call.
PyObject *launchFastRaw(PyObject *, PyObject *const *args, Py_ssize_t nargs) {
  std::array<uint32_t, 3> grid{}, block{};
  void *d = nargs == 4 ? cuft::python::dispatcherOf(args[0]) : nullptr;
  if (!d || !dim3From(args[1], grid) || !dim3From(args[2], block) || !PyTuple_Check(args[3])) {
    PyErr_SetString(PyExc_TypeError,
                    "launch_fast(dispatcher, (3 ints), (3 ints), tuple of arguments)");
    return nullptr;
  }
  return callForC([&] {
    return launchFast(*static_cast<Dispatcher *>(d), grid, block,
                      argsOf(py::reinterpret_borrow<py::tuple>(args[3])));
  });
}

PyObject *launchFastCudaRaw(PyObject *, PyObject *const *args, Py_ssize_t nargs) {
  std::array<uint32_t, 3> grid{}, block{};
  void *d = nargs == 6 ? cuft::python::dispatcherOf(args[0]) : nullptr;
  if (!d || !dim3From(args[1], grid) || !dim3From(args[2], block) || !PyTuple_Check(args[5])) {
    PyErr_SetString(PyExc_TypeError, "launch_fast_cuda(dispatcher, (3 ints), (3 ints), "
                                     "shared_bytes, stream, tuple of arguments)");
    return nullptr;
  }
  unsigned long long shared = PyLong_AsUnsignedLongLong(args[3]);
  unsigned long long stream = PyLong_AsUnsignedLongLong(args[4]);
  if (PyErr_Occurred() || shared > UINT32_MAX) {
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError, "launch_fast_cuda: bad shared_bytes or stream");
    return nullptr;
  }
  return cuft::python::launchWarmCuda(d, grid.data(), block.data(), uint32_t(shared),
                                      uintptr_t(stream), &PyTuple_GET_ITEM(args[5], 0),
                                      size_t(PyTuple_GET_SIZE(args[5])));
}

} // namespace

void *cuft::python::dispatcherOf(PyObject *o) {
  if (!dispatcherType || Py_TYPE(o) != dispatcherType)
    return nullptr;
  // A pybind11 instance of one registered type (simple layout): its value
  // pointer, read without pybind11's type lookup.
  return reinterpret_cast<py::detail::instance *>(o)->get_value_and_holder().value_ptr();
}

PyObject *cuft::python::launchWarmCuda(void *dispatcher, const uint32_t grid[3],
                                       const uint32_t block[3], uint32_t sharedBytes,
                                       uintptr_t stream, PyObject *const *args, size_t nargs) {
  return callForC([&] {
    return launchFastCuda(*static_cast<Dispatcher *>(dispatcher), {grid[0], grid[1], grid[2]},
                          {block[0], block[1], block[2]}, sharedBytes, stream, Args{args, nargs});
  });
}

PyObject *cuft::python::launchWarmHost(void *dispatcher, const uint32_t grid[3],
                                       const uint32_t block[3], PyObject *const *args,
                                       size_t nargs) {
  return callForC([&] {
    return launchFast(*static_cast<Dispatcher *>(dispatcher), {grid[0], grid[1], grid[2]},
                      {block[0], block[1], block[2]}, Args{args, nargs});
  });
}

int cuft::python::capturesUnchanged(PyObject *checks) { return capturesUnchangedIn(checks); }

void cuft::python::bindDispatch(py::module_ &m) {
  auto dispatcher = py::class_<Dispatcher>(
      m, "Dispatcher", "One kernel's fast table for one target: signature -> loaded module.");
  dispatcherType = reinterpret_cast<PyTypeObject *>(dispatcher.ptr());
  dispatcher
      .def(py::init([](const std::vector<bool> &constexprArgs, KernelCounters &counters,
                       uintptr_t context, long long device) {
             return new Dispatcher(constexprArgs, counters, context, device);
           }),
           py::arg("constexpr_args"), py::arg("counters"), py::arg("context") = 0,
           py::arg("device") = 0, py::keep_alive<1, 3>())
      .def("insert", &Dispatcher::insert, py::arg("signature"), py::arg("module"),
           "Adds a HostModule for a signature; False when the table is full.")
      .def("__len__", &Dispatcher::size)
      .def("retired_tables", &Dispatcher::retiredCount,
           "Replaced tables kept because a launch may still read them (after freeing "
           "those no launch can).");

  m.attr("MISS") = miss();
  m.def(
      "register_device_array",
      [](py::type cls) {
        cuft::python::registerDeviceArray(reinterpret_cast<PyTypeObject *>(cls.ptr()));
      },
      py::arg("cls"),
      "Registers cuft.DeviceArray: launches read its instances' `_launch` tuple "
      "(typestr, pointer, shape, byte strides, context, device).");
  py::class_<cuft::python::PyKernelArgs>(m, "KernelArgs",
                                         "A launch's arguments in the kernel ABI (read_arguments).")
      .def("__len__", [](const cuft::python::PyKernelArgs &a) { return a.args.size(); });
  m.def(
      "read_arguments",
      [](py::sequence args, const std::vector<bool> &constexprArgs, const std::string &memory,
         uintptr_t context, long long device, uintptr_t stream) -> py::tuple {
        using cuft::python::Memory;
        cuft::python::Destination to;
        if (memory == "host")
          to.memory = Memory::Host;
        else if (memory == "cuda")
          to = {Memory::Cuda, context, device, stream};
        else if (memory != "none")
          throw py::value_error("read_arguments: memory is 'none', 'host' or 'cuda'");
        py::tuple items(args);
        auto packed = std::make_unique<cuft::python::PyKernelArgs>();
        std::string sig;
        cuft::python::ArgumentProblem problem;
        if (!cuft::python::readArguments(argsOf(items).items, items.size(), constexprArgs, to,
                                         sig, to.memory == Memory::None ? nullptr : &packed->args,
                                         packed->keep, problem))
          cuft::python::raiseArgumentProblem(problem);
        if (to.memory == Memory::None)
          return py::make_tuple(sig, py::none());
        return py::make_tuple(sig, py::cast(std::move(packed)));
      },
      py::arg("args"), py::arg("constexpr_args"), py::arg("memory") = "none",
      py::arg("context") = 0, py::arg("device") = 0, py::arg("stream") = 0,
      "The signature text of a launch's arguments (constexpr_args: a bool per parameter) "
      "and, for memory 'host' or 'cuda' (a launch on `stream` of `context`, on `device`), "
      "their KernelArgs; raises cuft.signature.ArgumentError(index, message) for an "
      "argument no kernel can take there. The one reader every launch uses.");
  // Bound by hand (METH_FASTCALL): every warm launch makes one of these calls.
  // pybind11's general argument dispatch cost about as much as the rest of it,
  // and on the free-threaded build its casts to a bound class (Dispatcher)
  // take a process-wide lock: dispatcherOf reads the object without one.
  static PyMethodDef raw[] = {
      {"launch_fast_cuda", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(
                               &launchFastCudaRaw)),
       METH_FASTCALL,
       "launch_fast_cuda(dispatcher, grid, block, shared_bytes, stream, args): the warm CUDA "
       "launch, as launch_fast (grid and block are 3-tuples). MISS (take the slow path) or "
       "None; a driver error raises cuft.CudaError, a bad configuration ValueError."},
      {"launch_fast", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&launchFastRaw)),
       METH_FASTCALL,
       "launch_fast(dispatcher, grid, block, args): the warm launch: signature, lookup, packing "
       "and run in one call. Returns MISS (take the slow path), None, or launch_host's error "
       "tuple."},
      {"captures_unchanged", &capturesUnchangedPy, METH_O,
       "captures_unchanged(checks): whether each (cell, None, name, value) or (globals, "
       "builtins, name, value) still finds that very value (see "
       "FrontendResult.identity_checks); False means it may have changed."},
      {nullptr, nullptr, 0, nullptr}};
  if (PyModule_AddFunctions(m.ptr(), raw) != 0)
    throw py::error_already_set();
}
