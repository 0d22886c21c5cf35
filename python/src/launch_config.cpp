//===- launch_config.cpp - kernel[grid, block, ...] and its call, in C ----===//
//
// `kernel[grid, block](*args)` runs two calls on every launch: the subscript
// makes a LaunchConfig, and calling it launches. In Python they cost more than
// the launch itself (about 0.9 us on the free-threaded 3.13, whose interpreter
// does not specialize), so both are C:
//
// - KernelBase, the base class of cuft.Kernel, gives kernels their subscript:
//   `kernel[n, m]` with two positive ints is made here; anything else goes to
//   the Python hook `make_config` (the general checks and their messages),
//   which builds the LaunchConfig through its constructor.
// - LaunchConfig's vectorcall takes the warm CUDA launch without a Python
//   frame: the kernel's `_cuda_warm` (frontend, Dispatcher, default stream,
//   capture checks), left by its last slow launch, is checked and the
//   Dispatcher launches (dispatch.cpp). Keywords, the host target and any
//   miss go to the Python hook `launch(config, args, kwargs)`.
//
// No lock: a LaunchConfig is immutable, the kernel's attributes are read
// through the interpreter's thread-safe getattr, and the hooks and the target
// are atomics written by cuft's import and cuft.set_target.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include <structmember.h>

#include <atomic>
#include <cstdint>

namespace py = pybind11;

namespace {

enum Target : int { kUnknown = 0, kHost = 1, kCuda = 2 };
/// cuft.target(), as cuft.target tells it (kUnknown until it is first read).
std::atomic<int> currentTarget{kUnknown};

/// cuft.dispatcher's hooks: make_config(kernel, config) and
/// launch(config, args, kwargs). Set once, held for the life of the process.
struct Hooks {
  PyObject *makeConfig, *launch;
};
std::atomic<const Hooks *> hooks{nullptr};
/// cuft.cuda.Stream: a launch on one reads its `handle`.
std::atomic<PyObject *> streamType{nullptr};

/// Interned attribute names, made when the module is bound.
PyObject *strCudaWarm, *strFrontend, *strHandle, *strName;
PyTypeObject *configType;

struct Config {
  PyObject_HEAD
  vectorcallfunc vectorcall;
  PyObject *kernel;
  PyObject *stream; // None: the default stream
  uint32_t grid[3], block[3], shared;
};

PyObject *configCall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames);

PyObject *newConfig(PyObject *kernel, const uint32_t grid[3], const uint32_t block[3],
                    PyObject *stream, uint32_t shared) {
  Config *c = PyObject_New(Config, configType);
  if (!c)
    return nullptr;
  c->vectorcall = configCall;
  c->kernel = Py_NewRef(kernel);
  c->stream = Py_NewRef(stream);
  for (int k = 0; k < 3; ++k) {
    c->grid[k] = grid[k];
    c->block[k] = block[k];
  }
  c->shared = shared;
  return reinterpret_cast<PyObject *>(c);
}

void configDealloc(PyObject *self) {
  auto *c = reinterpret_cast<Config *>(self);
  Py_DECREF(c->kernel);
  Py_DECREF(c->stream);
  PyTypeObject *type = Py_TYPE(self);
  PyObject_Free(self);
  Py_DECREF(type); // instances of heap types hold their type
}

/// An int in [lo, 2^32) into `out`; false (no error set) otherwise.
bool uint32From(PyObject *o, uint32_t &out, long long lo) {
  if (!PyLong_Check(o) || PyBool_Check(o))
    return false;
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
  if (v == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    return false;
  }
  if (overflow || v < lo || v > static_cast<long long>(UINT32_MAX))
    return false;
  out = uint32_t(v);
  return true;
}

bool dimsFrom(PyObject *o, uint32_t out[3]) {
  if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != 3)
    return false;
  for (Py_ssize_t k = 0; k < 3; ++k)
    if (!uint32From(PyTuple_GET_ITEM(o, k), out[k], 1))
      return false;
  return true;
}

/// LaunchConfig(kernel, grid, block, stream, shared_bytes), with grid and
/// block 3-tuples of positive ints below 2^32 (cuft.dispatcher checks them
/// first, with its messages).
PyObject *configNew(PyTypeObject *, PyObject *args, PyObject *kwargs) {
  uint32_t grid[3], block[3], shared = 0;
  if (kwargs && PyDict_GET_SIZE(kwargs)) {
    PyErr_SetString(PyExc_TypeError, "LaunchConfig() takes no keyword arguments");
    return nullptr;
  }
  if (PyTuple_GET_SIZE(args) != 5 || !dimsFrom(PyTuple_GET_ITEM(args, 1), grid) ||
      !dimsFrom(PyTuple_GET_ITEM(args, 2), block) ||
      !uint32From(PyTuple_GET_ITEM(args, 4), shared, 0)) {
    PyErr_SetString(PyExc_ValueError,
                    "LaunchConfig(kernel, grid, block, stream, shared_bytes): grid and block "
                    "are 3-tuples of ints in [1, 2**32), shared_bytes an int in [0, 2**32)");
    return nullptr;
  }
  return newConfig(PyTuple_GET_ITEM(args, 0), grid, block, PyTuple_GET_ITEM(args, 3), shared);
}

PyObject *dimsTuple(const uint32_t d[3]) {
  return Py_BuildValue("(kkk)", (unsigned long)d[0], (unsigned long)d[1], (unsigned long)d[2]);
}

PyObject *getKernel(PyObject *self, void *) {
  return Py_NewRef(reinterpret_cast<Config *>(self)->kernel);
}
PyObject *getGrid(PyObject *self, void *) { return dimsTuple(reinterpret_cast<Config *>(self)->grid); }
PyObject *getBlock(PyObject *self, void *) {
  return dimsTuple(reinterpret_cast<Config *>(self)->block);
}
PyObject *getStream(PyObject *self, void *) {
  return Py_NewRef(reinterpret_cast<Config *>(self)->stream);
}
PyObject *getShared(PyObject *self, void *) {
  return PyLong_FromUnsignedLong(reinterpret_cast<Config *>(self)->shared);
}

PyObject *configRepr(PyObject *self) {
  auto *c = reinterpret_cast<Config *>(self);
  PyObject *name = PyObject_GetAttr(c->kernel, strName);
  if (!name)
    return nullptr;
  PyObject *grid = dimsTuple(c->grid), *block = dimsTuple(c->block);
  PyObject *out = grid && block ? PyUnicode_FromFormat("<launch of %S grid=%S block=%S "
                                                       "shared_bytes=%lu>",
                                                       name, grid, block, (unsigned long)c->shared)
                                : nullptr;
  Py_XDECREF(grid);
  Py_XDECREF(block);
  Py_DECREF(name);
  return out;
}

/// The CUstream of a launch: its config's stream, or the warm path's default
/// for None. 1 found, 0 not one the warm path reads (the slow path does), -1
/// an error.
int streamOf(PyObject *stream, PyObject *defaultStream, uintptr_t &out) {
  PyObject *handle = stream == Py_None ? Py_NewRef(defaultStream) : nullptr;
  if (!handle && PyLong_CheckExact(stream))
    handle = Py_NewRef(stream);
  if (!handle && reinterpret_cast<PyObject *>(Py_TYPE(stream)) ==
                     streamType.load(std::memory_order_acquire)) {
    handle = PyObject_GetAttr(stream, strHandle);
    if (!handle)
      return -1;
  }
  if (!handle)
    return 0;
  unsigned long long v = PyLong_Check(handle) ? PyLong_AsUnsignedLongLong(handle) : 0;
  bool ok = PyLong_Check(handle) && !(v == static_cast<unsigned long long>(-1) && PyErr_Occurred());
  PyErr_Clear(); // a negative int: the slow path explains
  Py_DECREF(handle);
  out = uintptr_t(v);
  return ok ? 1 : 0;
}

/// The warm CUDA launch: 1 launched, 0 a miss (the slow path takes it), -1
/// an error (a CudaError, a bad configuration).
int warmCuda(Config *c, PyObject *const *args, size_t nargs) {
  PyObject *warm = PyObject_GetAttr(c->kernel, strCudaWarm);
  if (!warm)
    return -1;
  int done = 0;
  if (PyTuple_CheckExact(warm) && PyTuple_GET_SIZE(warm) == 4) {
    // (frontend, Dispatcher, default stream, capture checks): the frontend
    // must still be the kernel's, and the values it compiled in unchanged.
    PyObject *frontend = PyObject_GetAttr(c->kernel, strFrontend);
    uintptr_t stream = 0;
    int unchanged = -1;
    if (frontend) {
      unchanged = frontend == PyTuple_GET_ITEM(warm, 0)
                      ? streamOf(c->stream, PyTuple_GET_ITEM(warm, 2), stream)
                      : 0;
      if (unchanged > 0)
        unchanged = cuft::python::capturesUnchanged(PyTuple_GET_ITEM(warm, 3));
      Py_DECREF(frontend);
    }
    if (unchanged < 0) {
      done = -1;
    } else if (unchanged) {
      PyObject *r = cuft::python::launchWarmCuda(PyTuple_GET_ITEM(warm, 1), c->grid, c->block,
                                                 c->shared, stream, args, nargs);
      done = !r ? -1 : r == Py_None ? 1 : 0;
      Py_XDECREF(r);
    }
  }
  Py_DECREF(warm);
  return done;
}

const Hooks *requireHooks() {
  const Hooks *h = hooks.load(std::memory_order_acquire);
  if (!h)
    PyErr_SetString(PyExc_RuntimeError, "cuft.dispatcher has not registered its launch hooks");
  return h;
}

/// The Python launch: hooks->launch(config, args, kwargs).
PyObject *slowLaunch(PyObject *self, PyObject *const *args, size_t nargs, PyObject *kwnames) {
  const Hooks *h = requireHooks();
  if (!h)
    return nullptr;
  PyObject *tuple = PyTuple_New(Py_ssize_t(nargs));
  PyObject *kwargs = tuple ? PyDict_New() : nullptr;
  if (!kwargs) {
    Py_XDECREF(tuple);
    return nullptr;
  }
  for (size_t i = 0; i < nargs; ++i)
    PyTuple_SET_ITEM(tuple, Py_ssize_t(i), Py_NewRef(args[i]));
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    if (PyDict_SetItem(kwargs, PyTuple_GET_ITEM(kwnames, i), args[nargs + size_t(i)]) < 0) {
      Py_DECREF(tuple);
      Py_DECREF(kwargs);
      return nullptr;
    }
  }
  PyObject *r = PyObject_CallFunctionObjArgs(h->launch, self, tuple, kwargs, nullptr);
  Py_DECREF(tuple);
  Py_DECREF(kwargs);
  return r;
}

PyObject *configCall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
  size_t nargs = size_t(PyVectorcall_NARGS(nargsf));
  if (!kwnames && currentTarget.load(std::memory_order_relaxed) == kCuda) {
    int done = warmCuda(reinterpret_cast<Config *>(self), args, nargs);
    if (done < 0)
      return nullptr;
    if (done)
      Py_RETURN_NONE;
  }
  return slowLaunch(self, args, nargs, kwnames);
}

/// kernel[grid, block, ...]: two positive ints here, the rest in Python.
PyObject *kernelSubscript(PyObject *kernel, PyObject *config) {
  if (PyTuple_CheckExact(config) && PyTuple_GET_SIZE(config) == 2) {
    uint32_t grid[3] = {0, 1, 1}, block[3] = {0, 1, 1};
    PyObject *g = PyTuple_GET_ITEM(config, 0), *b = PyTuple_GET_ITEM(config, 1);
    if (PyLong_CheckExact(g) && PyLong_CheckExact(b) && uint32From(g, grid[0], 1) &&
        uint32From(b, block[0], 1))
      return newConfig(kernel, grid, block, Py_None, 0);
  }
  const Hooks *h = requireHooks();
  return h ? PyObject_CallFunctionObjArgs(h->makeConfig, kernel, config, nullptr) : nullptr;
}

PyGetSetDef configGetSet[] = {
    {"kernel", getKernel, nullptr, "The kernel this launches.", nullptr},
    {"grid", getGrid, nullptr, "The grid, 3 ints.", nullptr},
    {"block", getBlock, nullptr, "The block, 3 ints.", nullptr},
    {"stream", getStream, nullptr, "The stream as given (None: the default).", nullptr},
    {"shared_bytes", getShared, nullptr, "Dynamic shared memory, in bytes.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyMemberDef configMembers[] = {
    {"__vectorcalloffset__", T_PYSSIZET, Py_ssize_t(offsetof(Config, vectorcall)), READONLY,
     nullptr},
    {nullptr, 0, 0, 0, nullptr}};

PyType_Slot configSlots[] = {
    {Py_tp_new, reinterpret_cast<void *>(configNew)},
    {Py_tp_dealloc, reinterpret_cast<void *>(configDealloc)},
    {Py_tp_call, reinterpret_cast<void *>(PyVectorcall_Call)},
    {Py_tp_repr, reinterpret_cast<void *>(configRepr)},
    {Py_tp_getset, configGetSet},
    {Py_tp_members, configMembers},
    {Py_tp_doc, const_cast<char *>("kernel[grid, block, stream, shared_bytes]: call it with the "
                                   "kernel's arguments to launch.")},
    {0, nullptr}};

PyType_Spec configSpec = {"cuft._cuft.LaunchConfig", int(sizeof(Config)), 0,
                          Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL, configSlots};

PyType_Slot kernelSlots[] = {
    {Py_mp_subscript, reinterpret_cast<void *>(kernelSubscript)},
    {Py_tp_doc, const_cast<char *>("The base of cuft.Kernel: kernel[grid, block, ...] makes a "
                                   "LaunchConfig.")},
    {0, nullptr}};

PyType_Spec kernelSpec = {"cuft._cuft.KernelBase", 0, 0,
                          Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, kernelSlots};

PyObject *intern(const char *s) {
  PyObject *o = PyUnicode_InternFromString(s);
  if (!o)
    throw py::error_already_set();
  return o; // held for the life of the process
}

} // namespace

void cuft::python::bindLaunchConfig(py::module_ &m) {
  strCudaWarm = intern("_cuda_warm");
  strFrontend = intern("_frontend");
  strHandle = intern("handle");
  strName = intern("__name__");
  configType = reinterpret_cast<PyTypeObject *>(PyType_FromSpec(&configSpec));
  PyObject *kernelType = PyType_FromSpec(&kernelSpec);
  if (!configType || !kernelType)
    throw py::error_already_set();
  m.attr("LaunchConfig") = py::reinterpret_borrow<py::object>(
      reinterpret_cast<PyObject *>(configType)); // the module keeps a reference too
  m.attr("KernelBase") = py::reinterpret_steal<py::object>(kernelType);
  m.def(
      "set_launch_hooks",
      [](py::object makeConfig, py::object launch) {
        auto *h = new Hooks{makeConfig.release().ptr(), launch.release().ptr()};
        const Hooks *expected = nullptr;
        if (!hooks.compare_exchange_strong(expected, h)) { // once per process
          Py_DECREF(h->makeConfig);
          Py_DECREF(h->launch);
          delete h;
        }
      },
      py::arg("make_config"), py::arg("launch"),
      "Registers cuft.dispatcher's make_config(kernel, config) and launch(config, args, "
      "kwargs), which take what the C path does not.");
  m.def(
      "register_stream_type",
      [](py::type cls) {
        PyObject *expected = nullptr;
        PyObject *t = cls.ptr();
        if (streamType.compare_exchange_strong(expected, t))
          Py_INCREF(t); // held for the life of the process
      },
      py::arg("cls"), "Registers cuft.Stream: a launch on one reads its `handle`.");
  m.def(
      "note_target",
      [](const std::string &name) {
        currentTarget.store(name == "cuda" ? kCuda : name == "host" ? kHost : kUnknown,
                            std::memory_order_relaxed);
      },
      py::arg("name"), "Tells the C launch path what cuft.target() is now.");
}
