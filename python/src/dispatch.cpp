//===- dispatch.cpp - the warm launch path, in C++ -------------------------===//
//
// A Dispatcher is one kernel's fast table for one target: signature text →
// what its launches need (the loaded HostModule). A warm launch is one call,
// launch_fast: the signature is read from the arguments (numpy arrays, Python
// and numpy scalars, constexpr values), looked up, the arguments packed and the
// kernel run, without a Python-level lock and without touching the process-wide
// cache. Anything it does not know (another array protocol, keyword arguments,
// a new signature, an unloaded module) is a miss: the Python dispatcher then
// takes the slow path, which raises the precise error or compiles, loads and
// inserts the new entry here.
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

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace py = pybind11;
using cuft::python::KernelCounters;
using cuft::python::PyCudaModule;
using cuft::python::PyHostModule;

namespace {

constexpr size_t kMaxEntries = 64;

/// numpy's types and its dtype numbers as cuft names, registered once by
/// cuft.signature at import (then only read).
struct Numpy {
  py::object ndarray, generic;
  std::unordered_map<int, std::string> elems;
  /// numpy's scalar types (np.float32, ...) and their cuft names: a numpy
  /// scalar's type is found by one pointer comparison, not two attribute reads.
  std::vector<std::pair<PyTypeObject *, std::string>> scalarTypes;
};
std::atomic<const Numpy *> numpyTypes{nullptr};

/// cuft.DeviceArray, registered by cuft.cuda: its instances carry their
/// launch form in `_launch`, so the warm path reads one attribute.
std::atomic<PyTypeObject *> deviceArrayType{nullptr};

/// A launch's positional arguments: a tuple's items, or a vectorcall's array.
struct Args {
  PyObject *const *items;
  size_t n;
  size_t size() const { return n; }
  py::handle operator[](size_t i) const { return items[i]; }
};

Args argsOf(const py::tuple &t) {
  return {reinterpret_cast<PyTupleObject *>(t.ptr())->ob_item, t.size()};
}

/// What one argument is, read once for both the signature and the packing.
struct ArgInfo {
  enum Kind { Array, CudaArray, DeviceArray, Scalar, Constexpr } kind = Scalar;
  std::string_view scalarType; // Scalar: the cuft type name
  py::object iface; // CudaArray: its __cuda_array_interface__; DeviceArray: its _launch
  int64_t itemsize = 0;        // CudaArray
  bool numpyScalar = false;    // Scalar: a numpy scalar, its value read in place
};

/// cuft.signature's _TYPESTR: array-interface kind and size → cuft type.
std::string_view typestrElem(std::string_view t) {
  static const std::pair<std::string_view, std::string_view> table[] = {
      {"b1", "bool"}, {"i1", "i8"},  {"i2", "i16"}, {"i4", "i32"}, {"i8", "i64"}, {"u1", "u8"},
      {"u2", "u16"},  {"u4", "u32"}, {"u8", "u64"}, {"f4", "f32"}, {"f8", "f64"}};
  for (const auto &[k, v] : table)
    if (k == t)
      return v;
  return {};
}

/// cuft.signature's _layout: C, F or strided from shape and byte strides.
const char *layoutOf(const std::vector<int64_t> &shape, const std::vector<int64_t> &strides,
                     int64_t itemsize) {
  auto contiguous = [&](bool reversed) {
    int64_t expected = itemsize;
    for (size_t k = 0; k < shape.size(); ++k) {
      size_t i = reversed ? shape.size() - 1 - k : k;
      if (shape[i] != 1 && strides[i] != expected)
        return false;
      expected *= shape[i];
    }
    return true;
  };
  for (int64_t n : shape)
    if (n == 0)
      return "C";
  return contiguous(true) ? "C" : contiguous(false) ? "F" : "strided";
}

/// The entry of a cuft.DeviceArray from its `_launch` tuple (signature entry,
/// pointer, shape, strides in elements, context); false when it has none (a
/// dtype kernels cannot take: the slow path says so).
bool appendDeviceArray(py::handle v, std::string &sig, ArgInfo &info) {
  static PyObject *name = PyUnicode_InternFromString("_launch");
  PyObject *raw = PyObject_GetAttr(v.ptr(), name);
  if (!raw) {
    PyErr_Clear();
    return false;
  }
  auto launch = py::reinterpret_steal<py::object>(raw);
  if (!PyTuple_Check(raw) || PyTuple_GET_SIZE(raw) != 5)
    return false;
  Py_ssize_t length = 0;
  const char *entry = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(raw, 0), &length);
  if (!entry) {
    PyErr_Clear();
    return false;
  }
  info.kind = ArgInfo::DeviceArray;
  info.iface = std::move(launch);
  sig.append(entry, size_t(length));
  return true;
}

/// The entry of an object with __cuda_array_interface__, as cuft.signature
/// writes it; false when it has none or only Python can tell.
bool appendCudaArray(py::handle v, std::string &sig, ArgInfo &info) {
  PyObject *raw = PyObject_GetAttrString(v.ptr(), "__cuda_array_interface__");
  if (!raw) {
    PyErr_Clear();
    return false;
  }
  auto iface = py::reinterpret_steal<py::object>(raw);
  if (!PyDict_Check(iface.ptr()))
    return false;
  auto d = py::reinterpret_borrow<py::dict>(iface);
  if (!d.contains("typestr") || !d.contains("shape") || !d.contains("data"))
    return false;
  std::string typestr = py::str(d["typestr"]);
  if (typestr.size() < 3 || std::string_view("<|=").find(typestr[0]) == std::string_view::npos)
    return false;
  std::string_view elem = typestrElem(std::string_view(typestr).substr(1));
  if (elem.empty())
    return false;
  int64_t itemsize = std::stoll(typestr.substr(2));
  std::vector<int64_t> shape, strides;
  for (py::handle n : d["shape"])
    shape.push_back(n.cast<int64_t>());
  if (shape.empty() || shape.size() > 3)
    return false;
  py::object s = d.contains("strides") ? py::object(d["strides"]) : py::none();
  const char *layout = "C";
  if (!s.is_none()) {
    for (py::handle n : s)
      strides.push_back(n.cast<int64_t>());
    if (strides.size() != shape.size())
      return false;
    layout = layoutOf(shape, strides, itemsize);
  }
  // `data` is (pointer, read-only flag), as cuft.signature reads it.
  py::object data = d["data"];
  bool readOnly = PyTuple_Check(data.ptr()) && PyTuple_GET_SIZE(data.ptr()) == 2 &&
                  PyObject_IsTrue(PyTuple_GET_ITEM(data.ptr(), 1)) == 1;
  info.kind = ArgInfo::CudaArray;
  info.iface = std::move(iface);
  info.itemsize = itemsize;
  sig += "array<";
  sig += elem;
  sig += ',';
  sig += char('0' + shape.size());
  sig += ',';
  sig += layout;
  sig += readOnly ? ",readonly>" : ">";
  return true;
}

constexpr bool kLittleEndian = true; // x86-64 and aarch64 Linux, where cuft runs

/// The numpy scalar type a signature met last, and its cuft name: a kernel's
/// scalars are mostly of one type, found then without scanning numpy's table.
struct ScalarMemo {
  PyTypeObject *type = nullptr;
  std::string_view name;
};

/// The cuft type of scalar `v`, or empty; `numpyScalar` (when given) tells
/// whether `v` is exactly one of numpy's scalar types, its value in place.
std::string_view scalarOf(py::handle v, const Numpy &np, ScalarMemo &memo,
                          bool *numpyScalar = nullptr) {
  if (PyFloat_CheckExact(v.ptr()))
    return "f64";
  if (PyLong_CheckExact(v.ptr())) {
    int overflow = 0;
    PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    return overflow ? std::string_view() : "i64";
  }
  if (PyBool_Check(v.ptr()))
    return "bool";
  if (Py_TYPE(v.ptr()) == memo.type) {
    if (numpyScalar)
      *numpyScalar = true;
    return memo.name;
  }
  for (const auto &[type, name] : np.scalarTypes)
    if (Py_TYPE(v.ptr()) == type) {
      if (numpyScalar)
        *numpyScalar = true;
      memo = {type, name};
      return name;
    }
  if (PyObject_IsInstance(v.ptr(), np.generic.ptr()) == 1) {
    int num = v.attr("dtype").attr("num").cast<int>();
    auto it = np.elems.find(num);
    return it == np.elems.end() ? std::string_view() : std::string_view(it->second);
  }
  return {};
}

/// Appends the signature entry of `v` at position `i`; false when only the
/// Python rules can tell (then the slow path decides, and raises if need be).
bool appendEntry(py::handle v, bool constexprArg, const Numpy &np, ScalarMemo &memo,
                 std::string &sig, ArgInfo &info) {
  if (constexprArg) {
    std::string_view t = scalarOf(v, np, memo);
    if (t.empty())
      return false;
    info.kind = ArgInfo::Constexpr;
    sig += t;
    sig += '=';
    if (t == "bool")
      sig += PyObject_IsTrue(v.ptr()) ? "true" : "false";
    else if (t[0] == 'f')
      sig += py::repr(py::float_(py::reinterpret_borrow<py::object>(v))).cast<std::string>();
    else
      sig += py::str(py::int_(py::reinterpret_borrow<py::object>(v))).cast<std::string>();
    return true;
  }
  if (Py_TYPE(v.ptr()) == reinterpret_cast<PyTypeObject *>(np.ndarray.ptr())) {
    auto a = py::reinterpret_borrow<py::array>(v);
    py::dtype dt = a.dtype();
    auto it = np.elems.find(dt.num());
    char order = dt.byteorder();
    bool native = order == '=' || order == '|' || (order == '<') == kLittleEndian;
    if (it == np.elems.end() || !native || a.ndim() < 1 || a.ndim() > 3)
      return false;
    int flags = a.flags();
    const char *layout = flags & py::array::c_style ? "C" : flags & py::array::f_style ? "F"
                                                                                    : "strided";
    info.kind = ArgInfo::Array;
    sig += "array<";
    sig += it->second;
    sig += ',';
    sig += char('0' + a.ndim());
    sig += ',';
    sig += layout;
    // Part of the signature, so a read-only array never meets a specialization
    // that writes it (cuft.signature's rule).
    sig += flags & py::detail::npy_api::NPY_ARRAY_WRITEABLE_ ? ">" : ",readonly>";
    return true;
  }
  if (Py_TYPE(v.ptr()) == deviceArrayType.load(std::memory_order_acquire))
    return appendDeviceArray(v, sig, info);
  std::string_view t = scalarOf(v, np, memo, &info.numpyScalar);
  if (t.empty())
    return appendCudaArray(v, sig, info);
  info.kind = ArgInfo::Scalar;
  info.scalarType = t;
  sig += t;
  return true;
}

class Dispatcher {
public:
  Dispatcher(std::vector<bool> constexprArgs, KernelCounters &counters)
      : constexprArgs(std::move(constexprArgs)), counters(counters) {}

  /// The signature text of `args` (as cuft.signature writes it) into `sig`,
  /// with what each argument is into `infos` (args.size() of them) when given;
  /// false when only Python can tell.
  bool signature(Args args, std::string &sig, ArgInfo *infos = nullptr) const {
    const Numpy *np = numpyTypes.load(std::memory_order_acquire);
    if (!np || args.size() != constexprArgs.size())
      return false;
    sig.clear();
    ArgInfo scratch;
    ScalarMemo memo;
    for (size_t i = 0; i < args.size(); ++i) {
      ArgInfo &info = infos ? infos[i] : scratch;
      if (i)
        sig += ',';
      if (!appendEntry(args[i], constexprArgs[i], *np, memo, sig, info))
        return false;
    }
    return true;
  }

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

/// What a warm launch knows of each argument: on the stack for up to
/// kInline arguments (no allocation on the warm path; only the n in use are
/// constructed), else on the heap.
class ArgInfos {
public:
  explicit ArgInfos(size_t n) : n(n) {
    if (n > kInline) {
      heap.resize(n);
      data = heap.data();
      return;
    }
    data = reinterpret_cast<ArgInfo *>(storage);
    for (size_t i = 0; i < n; ++i)
      new (&data[i]) ArgInfo();
  }
  ~ArgInfos() {
    if (n <= kInline)
      for (size_t i = 0; i < n; ++i)
        data[i].~ArgInfo();
  }
  ArgInfos(const ArgInfos &) = delete;
  ArgInfos &operator=(const ArgInfos &) = delete;
  ArgInfo &operator[](size_t i) { return data[i]; }
  ArgInfo *get() { return data; }

private:
  static constexpr size_t kInline = 272; // 256 scalars and a few arrays
  size_t n;
  alignas(ArgInfo) unsigned char storage[kInline * sizeof(ArgInfo)];
  std::vector<ArgInfo> heap;
  ArgInfo *data;
};

/// The live module the table holds for these arguments' signature, with
/// what each argument is; null on a miss.
/// Whether CUDA already orders the work queued on the stream an array
/// interface names (v3 "stream") before work on `stream`: the same stream,
/// or both default streams (cuft.cuda._order_streams has the same rule).
bool ordered(const py::dict &iface, uintptr_t stream) {
  if (!iface.contains("stream"))
    return true;
  py::object producer = iface["stream"];
  if (!PyLong_Check(producer.ptr()) || PyBool_Check(producer.ptr()))
    return true; // names no stream
  unsigned long long p = PyLong_AsUnsignedLongLong(producer.ptr());
  if (PyErr_Occurred()) {
    PyErr_Clear();
    return true;
  }
  auto isDefault = [](unsigned long long s) { return s <= 2; }; // 0, legacy, per-thread
  return p == stream || (isDefault(p) && isDefault(stream));
}

/// The bytes of a cuft scalar type ("f32": 4, "bool": 1).
size_t scalarBytes(std::string_view type) {
  std::string_view bits = type.substr(1);
  return bits == "64" ? 8 : bits == "32" ? 4 : bits == "16" ? 2 : 1; // i8, u8, bool: 1
}

/// Packs scalar argument `value`. A numpy scalar's value is read in place:
/// numpy's scalar objects are a PyObject header followed by the value (its
/// C API's PyArrayScalar_VAL), so no conversion call is needed.
void addScalar(cuft::python::PackedArgs &packed, const ArgInfo &info, py::handle value) {
  if (info.numpyScalar)
    packed.addBytes(reinterpret_cast<const char *>(value.ptr()) + sizeof(PyObject),
                    scalarBytes(info.scalarType));
  else
    packed.addScalar(info.scalarType, value);
}

template <typename Module>
const Module *lookup(const Dispatcher &d, Args args, ArgInfos &infos) {
  // The signature text is built in a buffer each thread keeps: no allocation.
  thread_local std::string sig;
  if (!d.signature(args, sig, infos.get()))
    return nullptr;
  auto *module = static_cast<const Module *>(d.find(sig));
  return module && module->handle->alive() ? module : nullptr;
}

py::object launchFast(Dispatcher &d, std::array<uint32_t, 3> grid, std::array<uint32_t, 3> block,
                      Args args) {
  // The table and its module stay valid until the launch is done.
  auto guard = cuft::cache::launchEpochs().enter();
  ArgInfos infos(args.size());
  const PyHostModule *module = lookup<PyHostModule>(d, args, infos);
  if (!module)
    return miss();
  cuft::python::PackedArgs packed;
  for (size_t i = 0; i < args.size(); ++i) {
    if (infos[i].kind == ArgInfo::Constexpr)
      continue;
    if (infos[i].kind == ArgInfo::Scalar) {
      addScalar(packed, infos[i], args[i]);
      continue;
    }
    if (infos[i].kind == ArgInfo::CudaArray || infos[i].kind == ArgInfo::DeviceArray)
      return miss(); // GPU memory: the slow path explains why the host cannot take it
    auto a = py::reinterpret_borrow<py::array>(args[i]);
    std::array<int64_t, 3> shape{}, strides{};
    ssize_t itemsize = a.itemsize();
    for (ssize_t k = 0; k < a.ndim(); ++k) {
      if (a.strides(k) % itemsize)
        return miss(); // the slow path explains
      shape[k] = a.shape(k);
      strides[k] = a.strides(k) / itemsize;
    }
    packed.addArray(const_cast<void *>(a.data()), shape.data(), strides.data(), a.ndim());
  }
  d.counters.hit();
  // The module object (and so its kernel) stays alive: the table holds it.
  return cuft::python::launchHost(*module->kernel, grid.data(), block.data(), packed);
}

/// The warm CUDA launch: as launchFast, for a cuda table (rows of
/// CudaModules) and GPU arrays (__cuda_array_interface__).
py::object launchFastCuda(Dispatcher &d, std::array<uint32_t, 3> grid,
                          std::array<uint32_t, 3> block, uint32_t sharedBytes, uintptr_t stream,
                          Args args) {
  auto guard = cuft::cache::launchEpochs().enter(); // as launchFast
  ArgInfos infos(args.size());
  const PyCudaModule *module = lookup<PyCudaModule>(d, args, infos);
  if (!module)
    return miss();
  cuft::python::PackedArgs packed;
  for (size_t i = 0; i < args.size(); ++i) {
    const ArgInfo &info = infos[i];
    if (info.kind == ArgInfo::Constexpr)
      continue;
    if (info.kind == ArgInfo::Scalar) {
      addScalar(packed, info, args[i]);
      continue;
    }
    if (info.kind == ArgInfo::Array)
      return miss(); // host memory: the slow path raises the TypeError
    if (info.kind == ArgInfo::DeviceArray) { // (entry, pointer, shape, strides, context)
      PyObject *t = info.iface.ptr();
      if (PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(t, 4)) != module->context) {
        PyErr_Clear();
        return miss(); // another device's memory: the slow path refuses it
      }
      PyObject *shapeOf = PyTuple_GET_ITEM(t, 2), *stridesOf = PyTuple_GET_ITEM(t, 3);
      size_t rank = size_t(PyTuple_GET_SIZE(shapeOf));
      if (rank > 3 || size_t(PyTuple_GET_SIZE(stridesOf)) != rank)
        return miss();
      std::array<int64_t, 3> shape{}, strides{};
      for (size_t k = 0; k < rank; ++k) {
        shape[k] = PyLong_AsLongLong(PyTuple_GET_ITEM(shapeOf, Py_ssize_t(k)));
        strides[k] = PyLong_AsLongLong(PyTuple_GET_ITEM(stridesOf, Py_ssize_t(k)));
      }
      void *data = PyLong_AsVoidPtr(PyTuple_GET_ITEM(t, 1));
      if (PyErr_Occurred())
        throw py::error_already_set();
      packed.addArray(data, shape.data(), strides.data(), rank);
      continue;
    }
    auto iface = py::reinterpret_borrow<py::dict>(info.iface);
    if (!ordered(iface, stream))
      return miss(); // the slow path makes the launch wait for the producer's stream
    std::array<int64_t, 3> shape{}, strides{};
    size_t rank = 0;
    for (py::handle n : iface["shape"])
      shape[rank++] = n.cast<int64_t>();
    py::object s = iface.contains("strides") ? py::object(iface["strides"]) : py::none();
    if (s.is_none()) {
      int64_t step = 1;
      for (size_t k = rank; k-- > 0;) {
        strides[k] = step;
        step *= std::max<int64_t>(shape[k], 1);
      }
    } else {
      size_t k = 0;
      for (py::handle n : s) {
        int64_t bytes = n.cast<int64_t>();
        if (bytes % info.itemsize)
          return miss();
        strides[k++] = bytes / info.itemsize;
      }
    }
    auto data = py::reinterpret_borrow<py::tuple>(iface["data"]);
    packed.addArray(reinterpret_cast<void *>(data[0].cast<uintptr_t>()), shape.data(),
                    strides.data(), rank);
  }
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
      .def(py::init([](const std::vector<bool> &constexprArgs, KernelCounters &counters) {
             return new Dispatcher(constexprArgs, counters);
           }),
           py::arg("constexpr_args"), py::arg("counters"), py::keep_alive<1, 3>())
      .def("signature",
           [](const Dispatcher &d, const py::tuple &args) -> py::object {
             std::string text;
             std::optional<std::string> s;
             if (d.signature(argsOf(args), text))
               s = std::move(text);
             return s ? py::object(py::str(*s)) : py::none();
           },
           "The signature text of these arguments, or None when only the Python rules "
           "can tell.")
      .def("insert", &Dispatcher::insert, py::arg("signature"), py::arg("module"),
           "Adds a HostModule for a signature; False when the table is full.")
      .def("__len__", &Dispatcher::size)
      .def("retired_tables", &Dispatcher::retiredCount,
           "Replaced tables kept because a launch may still read them (after freeing "
           "those no launch can).");

  m.def(
      "register_numpy",
      [](py::object ndarray, py::object generic, const std::unordered_map<int, std::string> &elems) {
        if (numpyTypes.load(std::memory_order_acquire))
          return; // once per process
        auto *np = new Numpy{std::move(ndarray), std::move(generic), elems, {}};
        py::module_ numpy = py::module_::import("numpy");
        for (py::handle code : numpy.attr("typecodes")["All"]) {
          py::object dt = numpy.attr("dtype")(code);
          auto it = elems.find(dt.attr("num").cast<int>());
          if (it == elems.end())
            continue;
          // Held for the life of the process, like the Numpy record.
          py::object type = dt.attr("type");
          auto *t = reinterpret_cast<PyTypeObject *>(type.ptr());
          bool known = false;
          for (const auto &[seen, _] : np->scalarTypes)
            known |= seen == t;
          if (!known)
            np->scalarTypes.emplace_back(reinterpret_cast<PyTypeObject *>(type.release().ptr()),
                                         it->second);
        }
        const Numpy *expected = nullptr;
        if (!numpyTypes.compare_exchange_strong(expected, np))
          delete np;
      },
      "Tells the fast path numpy's ndarray and generic types and its dtype numbers.");
  m.attr("MISS") = miss();
  m.def(
      "register_device_array",
      [](py::type cls) {
        // Kept for the life of the process: the type is a module-level class.
        deviceArrayType.store(reinterpret_cast<PyTypeObject *>(cls.release().ptr()),
                              std::memory_order_release);
      },
      py::arg("cls"),
      "Registers cuft.DeviceArray: the warm path reads its instances' `_launch` tuple "
      "(signature entry, pointer, shape, strides in elements, context).");
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
