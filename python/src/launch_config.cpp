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
// - LaunchConfig's vectorcall takes the warm launch without a Python frame,
//   on the GPU or the host: the kernel's warm state for the target (its
//   frontend, Dispatchers and capture checks), left by its last slow launch
//   there, is checked and the Dispatcher launches (dispatch.cpp). Keywords
//   and any miss go to the Python hook `launch(config, args, kwargs)`.
//
// No lock: a LaunchConfig is immutable once made; the warm state is a C
// struct of the kernel,
// installed by an atomic exchange and read without taking a reference (on the
// free-threaded build, a reference taken to an object another thread made is
// an atomic add on that object's count: a line every launching thread would
// write). A launch reads the state inside a guard of the launch path's
// EpochDomain (cuft/Cache/Epochs.h); a replaced state goes on the kernel's
// retired list, stamped, and is freed by a later replacement (or with the
// kernel) once the domain says no launch can still read it. So a kernel whose
// captured global is rebound before every launch keeps a few states, not one
// per launch, and never leaves a launch with freed memory. The hooks and the target
// are atomics written by cuft's import and cuft.set_target. What a launch
// still writes that other threads may read: the reference counts of the
// kernel, of each captured global (the identity check's dictionary lookup)
// and of each argument's launch form.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include "cuft/Cache/Epochs.h"

#include <structmember.h>

#include <atomic>
#include <cstdint>

namespace py = pybind11;
using cuft::python::dimsFrom;
using cuft::python::optionalAttr;

namespace {

enum Target : int { kUnknown = 0, kHost = 1, kCuda = 2 };
/// cuft.target(): its one home (cuft.target reads and sets it here).
/// kUnknown until the first cuft.target() picks the default.
std::atomic<int> currentTarget{kUnknown};
constexpr const char *kTargetNames[] = {nullptr, "host", "cuda"};
int targetNamed(const std::string &name) {
  if (name == "host")
    return kHost;
  if (name == "cuda")
    return kCuda;
  throw py::value_error("unknown target '" + name + "'");
}
py::object targetObject(int t) {
  return t == kUnknown ? py::object(py::none()) : py::object(py::str(kTargetNames[t]));
}

/// cuft.dispatcher's hooks: launch(config, args, kwargs) and
/// host_error(kernel, error) (raises launch_host's error tuple). Set once,
/// held for the life of the process.
struct Hooks {
  PyObject *launch, *hostError;
};
std::atomic<const Hooks *> hooks{nullptr};
/// cuft.cuda.Stream: a launch on one reads its `_launch_handle`.
std::atomic<PyObject *> streamType{nullptr};

/// Interned attribute names, made when the module is bound.
PyObject *strLaunchHandle, *strHandle, *strName, *strCudaStreamProtocol, *strCudaStream, *strPtr;
PyTypeObject *configType;

PyTypeObject *kernelType;

/// A kernel's warm state: its current frontend's Launcher and the identity
/// checks of the values that frontend captured, installed by Python's slow
/// path. The tuple (frontend, Launcher, capture checks) owns the objects; the
/// other fields are read from it.
struct WarmState {
  PyObject *tuple;
  PyObject *launcher;
  PyObject *checks;
  WarmState *retiredNext = nullptr;
  uint64_t stamp = 0; // retired: launchEpochs().stamp() after it was replaced
};

/// cuft.Kernel's C part (KernelBase). Fields are read and written with
/// atomics: launches read `warm` from any thread while a slow launch replaces it.
struct KernelObject {
  PyObject_HEAD
  WarmState *warm;    // null: no warm state
  WarmState *retired; // replaced states a launch may still read
};

/// The kernel's warm state; a launch reads it (and uses it) under a
/// launchEpochs() guard. Sequentially consistent, as Epochs.h requires.
WarmState *warmOf(PyObject *kernel) {
  return __atomic_load_n(&reinterpret_cast<KernelObject *>(kernel)->warm, __ATOMIC_SEQ_CST);
}

void freeStates(WarmState *s) {
  while (s) {
    WarmState *next = s->retiredNext;
    Py_DECREF(s->tuple);
    delete s;
    s = next;
  }
}

struct Config {
  PyObject_HEAD
  vectorcallfunc vectorcall;
  PyObject *kernel;
  PyObject *stream; // None: the default stream
  uint32_t grid[3], block[3], shared;
  bool isKernel; // kernel is a KernelBase: the warm path reads its state
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
  c->isKernel = PyObject_TypeCheck(kernel, kernelType);
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

} // namespace

bool cuft::python::dimsFrom(PyObject *o, uint32_t out[3]) {
  if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != 3)
    return false;
  for (Py_ssize_t k = 0; k < 3; ++k)
    if (!uint32From(PyTuple_GET_ITEM(o, k), out[k], 1))
      return false;
  return true;
}

namespace {

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


/// A stream object's handle from the `__cuda_stream__` protocol ((version,
/// handle), or a method giving it), PyTorch's `cuda_stream` or CuPy's `ptr`,
/// in that order. New reference, or null (none of them; an error set when a
/// getter raised).
PyObject *foreignStreamHandle(PyObject *stream) {
  PyObject *value = nullptr;
  int found = optionalAttr(stream, strCudaStreamProtocol, value);
  if (found < 0)
    return nullptr;
  if (found > 0) {
    if (PyCallable_Check(value)) {
      PyObject *called = PyObject_CallNoArgs(value);
      Py_DECREF(value);
      value = called;
    }
    PyObject *handle = value && PyTuple_Check(value) && PyTuple_GET_SIZE(value) == 2
                           ? Py_NewRef(PyTuple_GET_ITEM(value, 1))
                           : nullptr;
    Py_XDECREF(value);
    return handle;
  }
  for (PyObject *name : {strCudaStream, strPtr}) {
    found = optionalAttr(stream, name, value);
    if (found < 0)
      return nullptr;
    if (found == 0)
      continue;
    if (PyLong_Check(value) && !PyBool_Check(value))
      return value;
    Py_DECREF(value);
  }
  return nullptr;
}

/// The CUstream `stream` names: an int, a cuft.Stream, a PyTorch, CuPy or
/// `__cuda_stream__` stream. `forLaunch`: a cuft.Stream gives its
/// `_launch_handle` (None for another device's: that launch takes the Python
/// path). 1 found, 0 not a stream (no error set), -1 a getter raised.
int streamHandle(PyObject *stream, bool forLaunch, uintptr_t &out) {
  PyObject *handle = nullptr;
  if (PyLong_Check(stream) && !PyBool_Check(stream))
    handle = Py_NewRef(stream);
  else if (PyObject *type = streamType.load(std::memory_order_acquire);
           type && PyObject_TypeCheck(stream, reinterpret_cast<PyTypeObject *>(type)))
    handle = PyObject_GetAttr(stream, forLaunch ? strLaunchHandle : strHandle); // a subclass too
  else if (!PyUnicode_Check(stream))
    handle = foreignStreamHandle(stream);
  if (!handle)
    return PyErr_Occurred() ? -1 : 0;
  unsigned long long v = PyLong_Check(handle) ? PyLong_AsUnsignedLongLong(handle) : 0;
  bool ok = PyLong_Check(handle) && !(v == static_cast<unsigned long long>(-1) && PyErr_Occurred());
  PyErr_Clear(); // a negative int: no stream
  Py_DECREF(handle);
  out = uintptr_t(v);
  return ok ? 1 : 0;
}

/// streamHandle for the warm path: 1 found, 0 not one it reads (the slow path
/// reads it again, and raises what is wrong).
int streamOf(PyObject *stream, uintptr_t &out) {
  int found = streamHandle(stream, true, out);
  if (found < 0)
    PyErr_Clear();
  return found > 0 ? 1 : 0;
}

/// os.environ's mapping (os.environ._data: bytes to bytes on POSIX), found
/// at the first read and held for the life of the process; None where it is
/// not a dict (then os.environ.get is called).
std::atomic<PyObject *> environData{nullptr};

/// CUFT_BOUNDSCHECK as both launch paths read it: on unless unset, "" or "0".
/// From os.environ (a thread-safe dict lookup; getenv would race with
/// os.environ's putenv on the free-threaded build). -1 with an error set.
} // namespace

int cuft::python::boundscheckFromEnvironment() {
  static PyObject *key = PyBytes_FromString("CUFT_BOUNDSCHECK"); // held for the process
  PyObject *data = environData.load(std::memory_order_acquire);
  if (!data) {
    PyObject *os = PyImport_ImportModule("os");
    PyObject *environ = os ? PyObject_GetAttrString(os, "environ") : nullptr;
    PyObject *found = environ ? PyObject_GetAttrString(environ, "_data") : nullptr;
    Py_XDECREF(os);
    Py_XDECREF(environ);
    if (!found && !os)
      return -1;
    PyErr_Clear();
    if (!found || !PyDict_Check(found)) {
      Py_XDECREF(found);
      found = Py_NewRef(Py_None);
    }
    PyObject *expected = nullptr;
    if (!environData.compare_exchange_strong(expected, found)) {
      Py_DECREF(found);
      found = expected;
    }
    data = found;
  }
  PyObject *v = nullptr;
  if (data == Py_None) { // not CPython's POSIX environ: ask it
    v = PyObject_CallMethod(PyImport_AddModule("os"), "getenv", "s", "CUFT_BOUNDSCHECK");
    if (!v)
      return -1;
    bool on = v != Py_None && PyUnicode_Check(v) && PyUnicode_GetLength(v) > 0 &&
              PyUnicode_CompareWithASCIIString(v, "0") != 0;
    Py_DECREF(v);
    return on ? 1 : 0;
  }
#if PY_VERSION_HEX >= 0x030D0000
  if (PyDict_GetItemRef(data, key, &v) <= 0) {
    PyErr_Clear();
    return 0;
  }
#else
  v = PyDict_GetItemWithError(data, key); // the GIL is held
  if (!v) {
    PyErr_Clear();
    return 0;
  }
  Py_INCREF(v);
#endif
  char *bytes = nullptr;
  Py_ssize_t size = 0;
  bool on = PyBytes_Check(v) && PyBytes_AsStringAndSize(v, &bytes, &size) == 0 && size > 0 &&
            !(size == 1 && bytes[0] == '0');
  Py_DECREF(v);
  return on ? 1 : 0;
}

namespace {

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

/// The warm launch: the kernel's warm state is current (its captured values
/// unchanged), so its Launcher takes the launch, misses included. A new
/// reference to None, null with an error, or the miss sentinel (Python's
/// slow path takes it: no state, a changed capture, a stream of another
/// device, an argument to explain).
PyObject *warmLaunch(Config *c, int target, PyObject *const *args, size_t nargs,
                     std::optional<cuft::cache::EpochDomain::Guard> &guard) {
  using cuft::Place;
  WarmState *warm = c->isKernel ? warmOf(c->kernel) : nullptr;
  if (!warm)
    return Py_NewRef(cuft::python::missSentinel());
  // No reference is taken: the state lives until the guard is gone. The
  // values the frontend compiled in must be unchanged (a new frontend clears
  // the state: Kernel.frontend).
  int same = cuft::python::capturesUnchanged(warm->checks);
  if (same <= 0)
    return same < 0 ? nullptr : Py_NewRef(cuft::python::missSentinel());
  cuft::LaunchConfig l;
  for (int k = 0; k < 3; ++k) {
    l.grid[k] = c->grid[k];
    l.block[k] = c->block[k];
  }
  l.shared = c->shared;
  if (target == kCuda) {
    uintptr_t context = cuft::python::deviceZeroContext(), stream = cuft::python::defaultStream();
    if (!context || (c->stream != Py_None && !streamOf(c->stream, stream)))
      return Py_NewRef(cuft::python::missSentinel());
    l.place = {Place::Cuda, context};
    l.stream = stream;
  } else if (!cuft::python::hostPlaceOf(warm->launcher, l.place)) {
    return nullptr;
  }
  return cuft::python::runLaunch(c->kernel, warm->launcher, l, args, nargs,
                                 /*refusedIsMiss=*/true, &guard);
}

PyObject *configCall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
  size_t nargs = size_t(PyVectorcall_NARGS(nargsf));
  int target = currentTarget.load(std::memory_order_relaxed);
  if (!kwnames && target != kUnknown) {
    // The warm state (and the Launcher it names) stays valid until the
    // launch is done; a miss trades the guard for a reference (runLaunch).
    std::optional<cuft::cache::EpochDomain::Guard> guard(cuft::cache::launchEpochs().enter());
    PyObject *r = warmLaunch(reinterpret_cast<Config *>(self), target, args, nargs, guard);
    if (r != cuft::python::missSentinel())
      return r;
    Py_DECREF(r);
  }
  return slowLaunch(self, args, nargs, kwnames);
}

/// Whether `o` may size a launch: an int or anything with __index__ (numpy's
/// integers), but not a bool, Python's or numpy's.
bool isLaunchInt(PyObject *o) {
  if (PyLong_CheckExact(o))
    return true;
  if (PyBool_Check(o) || !PyIndex_Check(o))
    return false;
  std::string_view type = Py_TYPE(o)->tp_name;
  return type != "numpy.bool" && type != "numpy.bool_";
}

/// Sets `type`: "cannot launch kernel 'name': <what>, got <repr(value)>".
/// Returns false.
bool configError(PyObject *type, PyObject *kernel, const char *what, PyObject *value) {
  PyObject *name = PyObject_GetAttr(kernel, strName);
  if (name)
    PyErr_Format(type, "cannot launch kernel '%U': %s, got %R", name, what, value);
  Py_XDECREF(name);
  return false;
}

/// An int sizing a launch into `out`: -1 below `lo`, 1 at 2**32 or above, 0 in range.
int launchIntRange(PyObject *o, long long lo, uint32_t &out) {
  // An exact int (the usual spelling) needs no __index__ call.
  PyObject *index = PyLong_CheckExact(o) ? Py_NewRef(o) : PyNumber_Index(o);
  if (!index)
    return -2;
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
  Py_DECREF(index);
  if (overflow)
    return overflow;
  if (v < lo)
    return -1;
  if (v > static_cast<long long>(UINT32_MAX))
    return 1;
  out = uint32_t(v);
  return 0;
}

/// A grid or block: an int or a tuple of 1 to 3 ints, positive and below 2**32.
bool dim3Of(PyObject *kernel, PyObject *value, const char *what, uint32_t out[3]) {
  out[0] = out[1] = out[2] = 1;
  bool tuple = PyTuple_Check(value);
  Py_ssize_t n = tuple ? PyTuple_GET_SIZE(value) : 1;
  auto item = [&](Py_ssize_t k) { return tuple ? PyTuple_GET_ITEM(value, k) : value; };
  bool ints = n >= 1 && n <= 3;
  for (Py_ssize_t k = 0; ints && k < n; ++k)
    ints = isLaunchInt(item(k));
  if (!ints) {
    std::string type = std::string(what) + " must be an int or a tuple of 1 to 3 ints";
    return configError(PyExc_TypeError, kernel, type.c_str(), value);
  }
  int worst = 0;
  for (Py_ssize_t k = 0; k < n; ++k) {
    int range = launchIntRange(item(k), 1, out[k]);
    if (range == -2)
      return false;
    if (range == -1 || (range == 1 && worst == 0))
      worst = range;
  }
  if (worst) {
    std::string why = std::string(what) + (worst < 0 ? " sizes must be positive"
                                                     : " sizes must be below 2**32");
    return configError(PyExc_ValueError, kernel, why.c_str(), value);
  }
  return true;
}

/// kernel[grid, block, stream, shared_bytes]: every check of a launch
/// configuration, with its message. The stream is taken as it is: the launch
/// reads it.
PyObject *kernelSubscript(PyObject *kernel, PyObject *config) {
  Py_ssize_t n = PyTuple_Check(config) ? PyTuple_GET_SIZE(config) : 0;
  if (n < 2 || n > 4) {
    PyObject *name = PyObject_GetAttr(kernel, strName);
    if (name)
      PyErr_Format(PyExc_TypeError,
                   "launch '%U' as kernel[grid, block] or kernel[grid, block, stream, "
                   "shared_bytes]",
                   name);
    Py_XDECREF(name);
    return nullptr;
  }
  uint32_t grid[3], block[3], shared = 0;
  if (!dim3Of(kernel, PyTuple_GET_ITEM(config, 0), "grid", grid) ||
      !dim3Of(kernel, PyTuple_GET_ITEM(config, 1), "block", block))
    return nullptr;
  PyObject *stream = n > 2 ? PyTuple_GET_ITEM(config, 2) : Py_None;
  if (n > 3) {
    PyObject *s = PyTuple_GET_ITEM(config, 3);
    int range = isLaunchInt(s) ? launchIntRange(s, 0, shared) : -1;
    if (range == -2)
      return nullptr;
    if (range)
      return configError(PyExc_ValueError, kernel,
                         "shared_bytes must be a non-negative int below 2**32", s),
             nullptr;
  }
  return newConfig(kernel, grid, block, stream, shared);
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

#ifndef Py_TPFLAGS_IMMUTABLETYPE
#define Py_TPFLAGS_IMMUTABLETYPE 0
#endif
// Not GC-tracked, deliberately: a launch would allocate a GC object, and on
// the free-threaded build each collection stops the world. A cycle through a
// kept config (kernel.launcher = kernel[1, 32]) is therefore not collected.
PyType_Spec configSpec = {"cuft._cuft.LaunchConfig", int(sizeof(Config)), 0,
                          Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL |
                              Py_TPFLAGS_IMMUTABLETYPE,
                          configSlots};

// -- KernelBase: the warm state ---------------------------------------------

void pushRetired(KernelObject *k, WarmState *s) {
  s->retiredNext = __atomic_load_n(&k->retired, __ATOMIC_RELAXED);
  while (!__atomic_compare_exchange_n(&k->retired, &s->retiredNext, s, true, __ATOMIC_RELEASE,
                                      __ATOMIC_RELAXED)) {
  }
}

/// Frees the retired states no launch can read any more, keeps the others.
/// The list is taken whole, so two threads collecting at once never share a
/// state; the GIL (or, free-threaded, an attached thread) is held: freeing
/// drops the tuples. Returns how many it kept.
size_t collectRetired(KernelObject *k) {
  size_t kept = 0;
  WarmState *s = __atomic_exchange_n(&k->retired, nullptr, __ATOMIC_ACQ_REL);
  while (s) {
    WarmState *next = s->retiredNext;
    if (cuft::cache::launchEpochs().passed(s->stamp)) {
      Py_DECREF(s->tuple);
      delete s;
    } else {
      pushRetired(k, s);
      ++kept;
    }
    s = next;
  }
  return kept;
}

/// Keeps `old` (just replaced, so no new launch finds it) until no launch
/// can still be reading it, and frees the states that got there.
void retire(KernelObject *k, WarmState *old) {
  if (old) {
    old->stamp = cuft::cache::launchEpochs().stamp();
    pushRetired(k, old);
  }
  collectRetired(k);
}

/// Whether two warm tuples hold the same objects (the checks, last, compared
/// item by item): a slow launch that finds nothing new installs nothing.
bool sameWarm(PyObject *a, PyObject *b) {
  Py_ssize_t last = PyTuple_GET_SIZE(a) - 1;
  for (Py_ssize_t i = 0; i < last; ++i)
    if (PyTuple_GET_ITEM(a, i) != PyTuple_GET_ITEM(b, i) &&
        PyObject_RichCompareBool(PyTuple_GET_ITEM(a, i), PyTuple_GET_ITEM(b, i), Py_EQ) != 1) {
      PyErr_Clear();
      return false;
    }
  PyObject *ca = PyTuple_GET_ITEM(a, last), *cb = PyTuple_GET_ITEM(b, last);
  if (PyTuple_GET_SIZE(ca) != PyTuple_GET_SIZE(cb))
    return false;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(ca); ++i) {
    PyObject *x = PyTuple_GET_ITEM(ca, i), *y = PyTuple_GET_ITEM(cb, i);
    if (x == y)
      continue;
    if (!PyTuple_Check(x) || !PyTuple_Check(y) || PyTuple_GET_SIZE(x) != PyTuple_GET_SIZE(y))
      return false;
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(x); ++j)
      if (PyTuple_GET_ITEM(x, j) != PyTuple_GET_ITEM(y, j))
        return false;
  }
  return true;
}

PyObject *getWarm(PyObject *self, void *) {
  auto guard = cuft::cache::launchEpochs().enter(); // another thread may replace it
  WarmState *w = warmOf(self);
  return Py_NewRef(w ? w->tuple : Py_None);
}

/// A warm tuple's fields into `state`; false (a TypeError set) if it is not one.
bool readWarm(PyObject *value, WarmState &state) {
  if (PyTuple_CheckExact(value) && PyTuple_GET_SIZE(value) == 3 &&
      cuft::python::launcherOf(PyTuple_GET_ITEM(value, 1)) &&
      PyTuple_Check(PyTuple_GET_ITEM(value, 2))) {
    state.launcher = PyTuple_GET_ITEM(value, 1);
    state.checks = PyTuple_GET_ITEM(value, 2);
    return true;
  }
  PyErr_SetString(PyExc_TypeError,
                  "_warm: (frontend, Launcher, tuple of capture checks) or None");
  return false;
}

int setWarm(PyObject *self, PyObject *value, void *) {
  auto *k = reinterpret_cast<KernelObject *>(self);
  if (!value || value == Py_None) {
    retire(k, __atomic_exchange_n(&k->warm, nullptr, __ATOMIC_SEQ_CST));
    return 0;
  }
  WarmState state{};
  if (!readWarm(value, state))
    return -1;
  {
    auto guard = cuft::cache::launchEpochs().enter(); // another thread may replace it
    WarmState *current = warmOf(self);
    if (current && sameWarm(current->tuple, value))
      return 0;
  }
  state.tuple = Py_NewRef(value);
  retire(k, __atomic_exchange_n(&k->warm, new WarmState(state), __ATOMIC_SEQ_CST));
  return 0;
}

int kernelTraverse(PyObject *self, visitproc visit, void *arg) {
  auto *k = reinterpret_cast<KernelObject *>(self);
  Py_VISIT(Py_TYPE(self)); // instances of heap types hold their type
  if (WarmState *w = warmOf(self))
    Py_VISIT(w->tuple);
  for (WarmState *s = __atomic_load_n(&k->retired, __ATOMIC_ACQUIRE); s; s = s->retiredNext)
    Py_VISIT(s->tuple);
  return 0;
}

/// Frees the warm states. Only for a kernel no launch can reach any more:
/// the collector's clear of an unreachable cycle, or the dealloc.
int kernelClear(PyObject *self) {
  auto *k = reinterpret_cast<KernelObject *>(self);
  freeStates(__atomic_exchange_n(&k->warm, nullptr, __ATOMIC_ACQ_REL));
  freeStates(__atomic_exchange_n(&k->retired, nullptr, __ATOMIC_ACQ_REL));
  return 0;
}

void kernelDealloc(PyObject *self) {
  PyObject_GC_UnTrack(self);
  kernelClear(self);
  PyTypeObject *type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type); // instances of heap types hold their type
  // cuft.Kernel's attributes (its tables, and with them its modules' leases)
  // went before this base's dealloc: its specializations may be unused now.
  cuft::python::kernelReleased();
}

/// How many replaced warm states the kernel still keeps (after freeing those
/// no launch can read): a few at most, however often it was replaced.
PyObject *getRetired(PyObject *self, void *) {
  return PyLong_FromSize_t(collectRetired(reinterpret_cast<KernelObject *>(self)));
}

PyGetSetDef kernelGetSet[] = {
    {"_warm", getWarm, setWarm,
     "(frontend, Launcher, capture checks) the C launch path launches with, or None.",
     nullptr},
    {"_retired_warm_states", getRetired, nullptr,
     "Replaced warm states kept because a launch may still read them.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyType_Slot kernelSlots[] = {
    {Py_mp_subscript, reinterpret_cast<void *>(kernelSubscript)},
    {Py_tp_getset, kernelGetSet},
    {Py_tp_traverse, reinterpret_cast<void *>(kernelTraverse)},
    {Py_tp_clear, reinterpret_cast<void *>(kernelClear)},
    {Py_tp_dealloc, reinterpret_cast<void *>(kernelDealloc)},
    {Py_tp_doc, const_cast<char *>("The base of cuft.Kernel: kernel[grid, block, ...] makes a "
                                   "LaunchConfig.")},
    {0, nullptr}};

PyType_Spec kernelSpec = {"cuft._cuft.KernelBase", int(sizeof(KernelObject)), 0,
                          Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
                          kernelSlots};

PyObject *intern(const char *s) {
  PyObject *o = PyUnicode_InternFromString(s);
  if (!o)
    throw py::error_already_set();
  return o; // held for the life of the process
}

} // namespace

void cuft::python::bindLaunchConfig(py::module_ &m) {
  strLaunchHandle = intern("_launch_handle");
  strHandle = intern("handle");
  strCudaStreamProtocol = intern("__cuda_stream__");
  strCudaStream = intern("cuda_stream");
  strPtr = intern("ptr");
  strName = intern("__name__");
  configType = reinterpret_cast<PyTypeObject *>(PyType_FromSpec(&configSpec));
  kernelType = reinterpret_cast<PyTypeObject *>(PyType_FromSpec(&kernelSpec));
  if (!configType || !kernelType)
    throw py::error_already_set();
  m.attr("LaunchConfig") = py::reinterpret_borrow<py::object>(
      reinterpret_cast<PyObject *>(configType)); // the module keeps a reference too
  m.attr("KernelBase") = py::reinterpret_borrow<py::object>(
      reinterpret_cast<PyObject *>(kernelType)); // held for the process, like configType
  m.def(
      "set_launch_hooks",
      [](py::object launch, py::object hostError) {
        auto *h = new Hooks{launch.release().ptr(), hostError.release().ptr()};
        const Hooks *expected = nullptr;
        if (!hooks.compare_exchange_strong(expected, h)) { // once per process
          Py_DECREF(h->launch);
          Py_DECREF(h->hostError);
          delete h;
        }
      },
      py::arg("launch"), py::arg("host_error"),
      "Registers cuft.dispatcher's launch(config, args, kwargs), which takes what the C "
      "path does not, and host_error(kernel, error), which raises a host launch's error "
      "tuple.");
  m.def(
      "register_stream_type",
      [](py::type cls) {
        PyObject *expected = nullptr;
        PyObject *t = cls.ptr();
        if (streamType.compare_exchange_strong(expected, t))
          Py_INCREF(t); // held for the life of the process
      },
      py::arg("cls"), "Registers cuft.Stream: a launch on one reads its `_launch_handle`.");
  m.def(
      "boundscheck_from_environment",
      [] {
        int on = boundscheckFromEnvironment();
        if (on < 0)
          throw py::error_already_set();
        return on == 1;
      },
      "CUFT_BOUNDSCHECK, as every launch reads it: on unless unset, '' or '0'.");
  m.def(
      "stream_handle",
      [](py::handle stream) {
        uintptr_t handle = 0;
        int found = streamHandle(stream.ptr(), false, handle);
        if (found < 0)
          throw py::error_already_set();
        if (!found)
          throw py::type_error("not a stream: " + std::string(py::repr(stream)) +
                               " (pass a cuft.Stream, an object with __cuda_stream__, a "
                               "PyTorch or CuPy stream, or None)");
        return handle;
      },
      py::arg("stream"),
      "The CUstream of a cuft.Stream, an int, an object with __cuda_stream__, a PyTorch "
      "stream (.cuda_stream) or a CuPy stream (.ptr); the launch path reads streams the "
      "same way.");
  m.def(
      "current_target", [] { return targetObject(currentTarget.load(std::memory_order_acquire)); },
      "cuft.target() as every launch reads it: 'host', 'cuda', or None before the first "
      "cuft.target() picked one.");
  m.def(
      "exchange_target",
      [](const std::string &name, bool onlyIfUnset) {
        int t = targetNamed(name);
        if (onlyIfUnset) {
          int expected = kUnknown;
          currentTarget.compare_exchange_strong(expected, t, std::memory_order_acq_rel);
          return targetObject(expected); // None: this call set it
        }
        return targetObject(currentTarget.exchange(t, std::memory_order_acq_rel));
      },
      py::arg("name"), py::arg("only_if_unset") = false,
      "Sets cuft.target() and returns the previous one (None if there was none); with "
      "only_if_unset, sets it only if none is set yet.");
}
