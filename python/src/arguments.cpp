//===- arguments.cpp - the one reader of a launch's arguments -------------===//
//
// Every rule that turns a Python object into a kernel argument lives here,
// once: which objects are arrays (numpy arrays, cuft.DeviceArray, anything
// with __cuda_array_interface__ or __dlpack__) and which are scalars (Python
// and numpy bools, ints and floats), the signature entry each one gets
// (element type, rank, layout, read-only), whether its memory is where the
// launch runs, and its cells in the kernel ABI (cuft/Runtime/KernelArgs.h).
// The warm launch and the slow one both call readArguments; so do
// kernel.signature() and inspect() (Memory::None: signature only). What it
// refuses comes back as a Problem (argument index, message), which Python
// raises as a KernelArgumentError located at the parameter.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include "cuft/Dialect/Cuft/Transforms/SignatureText.h"
#include "cuft/Runtime/CUDA/Runtime.h"

#include <pybind11/numpy.h>

#include <array>
#include <cctype>
#include <iterator>
#include <mutex>
#include <atomic>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace py = pybind11;
using cuft::python::ArgumentProblem;
using cuft::python::Destination;
using cuft::python::Memory;
using cuft::python::optionalAttr;

namespace {

namespace spelling = cuft::signature;
constexpr size_t kMaxRank = spelling::kMaxRank;
constexpr bool kLittleEndian = true; // x86-64 and aarch64 Linux, where cuft runs

/// numpy's types as the reader needs them, made at the first read (numpy is
/// imported then, if it can be) and only read after.
struct Numpy {
  PyTypeObject *ndarray = nullptr; // null: numpy cannot be imported
  PyObject *generic = nullptr;
  PyTypeObject *voidType = nullptr; // numpy.void: a structured scalar (numpy.record too)
  /// dtype number → cuft element type (int64 has two numbers on LP64).
  std::unordered_map<int, const spelling::Scalar *> elems;
  /// numpy's scalar types and their cuft names: found by one pointer comparison.
  std::vector<std::pair<PyTypeObject *, const spelling::Scalar *>> scalarTypes;
};
std::atomic<const Numpy *> numpyTypes{nullptr};

const Numpy &numpy() {
  if (const Numpy *np = numpyTypes.load(std::memory_order_acquire))
    return *np;
  auto *np = new Numpy();
  try {
    py::module_ m = py::module_::import("numpy");
    // Held for the life of the process, like the record.
    np->ndarray = reinterpret_cast<PyTypeObject *>(py::object(m.attr("ndarray")).release().ptr());
    np->generic = py::object(m.attr("generic")).release().ptr();
    np->voidType = reinterpret_cast<PyTypeObject *>(py::object(m.attr("void")).release().ptr());
    py::object dtype = m.attr("dtype");
    for (py::handle code : m.attr("typecodes")["All"]) {
      py::object dt = dtype(code);
      std::string name = py::str(dt.attr("name"));
      for (const spelling::Scalar &scalar : spelling::kScalars) {
        if (name != scalar.numpy)
          continue;
        const spelling::Scalar *cuftName = &scalar;
        np->elems[dt.attr("num").cast<int>()] = cuftName;
        auto *type = reinterpret_cast<PyTypeObject *>(dt.attr("type").ptr());
        bool known = false;
        for (const auto &[seen, _] : np->scalarTypes)
          known |= seen == type;
        if (!known) {
          Py_INCREF(type);
          np->scalarTypes.emplace_back(type, cuftName);
        }
      }
    }
  } catch (py::error_already_set &) {
    PyErr_Clear(); // no numpy: no numpy arguments either
    np->ndarray = nullptr;
  }
  const Numpy *expected = nullptr;
  if (!numpyTypes.compare_exchange_strong(expected, np, std::memory_order_acq_rel))
    return *expected; // another thread made it first (this one is leaked: rare, small)
  return *np;
}

/// The row of a numpy dtype numpy registered at run time (a number from
/// NPY_USERDEF on: ml_dtypes' bfloat16), matched by name once and then by its
/// number, which numpy keeps for the life of the process.
std::atomic<int> userDtypeNumbers[std::size(spelling::kScalars)];
const spelling::Scalar *userDtype(int num, py::handle dtype) {
  constexpr int kNpyUserDef = 256;
  if (num < kNpyUserDef)
    return nullptr;
  for (size_t k = 0; k < std::size(spelling::kScalars); ++k)
    if (userDtypeNumbers[k].load(std::memory_order_relaxed) == num)
      return &spelling::kScalars[k];
  std::string name = py::str(dtype.attr("name"));
  for (size_t k = 0; k < std::size(spelling::kScalars); ++k)
    if (name == spelling::kScalars[k].numpy) {
      userDtypeNumbers[k].store(num, std::memory_order_relaxed);
      return &spelling::kScalars[k];
    }
  return nullptr;
}

/// Appends the record text of structured dtype `dtype` (nested records by
/// their own text); false with `why` when a kernel cannot take it.
bool appendRecordText(std::string &text, py::handle dtype, std::string &why) {
  std::vector<spelling::RecordField> fields;
  py::dict byName = dtype.attr("fields");
  for (py::handle nameObject : dtype.attr("names")) {
    std::string name = py::str(nameObject);
    bool identifier = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name)
      identifier &= std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (!identifier) {
      why = "record field name '" + name + "' is not an identifier";
      return false;
    }
    py::tuple info = byName[nameObject];
    py::object fieldType = info[0];
    spelling::RecordField f;
    f.name = name;
    f.offset = info[1].cast<int64_t>();
    if (!fieldType.attr("subdtype").is_none()) {
      py::tuple sub = fieldType.attr("subdtype");
      fieldType = sub[0];
      for (py::handle d : sub[1])
        f.shape.push_back(d.cast<int64_t>());
    }
    if (!fieldType.attr("fields").is_none()) { // a nested record
      if (!f.shape.empty()) {
        why = "record field '" + name + "' is an array of records (not supported yet)";
        return false;
      }
      if (!appendRecordText(f.type, fieldType, why))
        return false;
      fields.push_back(std::move(f));
      continue;
    }
    std::string fieldName = py::str(fieldType.attr("name"));
    std::string order = py::str(fieldType.attr("byteorder"));
    const spelling::Scalar *row = nullptr;
    for (const spelling::Scalar &s : spelling::kScalars)
      if (fieldName == s.numpy)
        row = &s;
    if (!row || order == ">") {
      why = "record field '" + name + "' has dtype " + std::string(py::str(fieldType)) +
            " (a field must be a cuft scalar type, a record, or an array of a scalar type, in "
            "native byte order)";
      return false;
    }
    f.type = std::string(row->name);
    fields.push_back(std::move(f));
  }
  spelling::appendRecord(text, dtype.attr("itemsize").cast<int64_t>(), fields);
  return true;
}

/// The record text (`rec<...>`, SignatureText.h) of numpy structured dtype
/// `dtype`, made once per dtype object (held for the life of the process, as
/// its text), or null with `why` when a kernel cannot take it: a field of a
/// dtype that is not a cuft scalar in native byte order or a record, a name
/// that is not an identifier. A thread finds the dtype it met last
/// without a lock; others are looked up under one.
const std::string *recordText(py::handle dtype, std::string &why) {
  // Dtypes and texts are held for the life of the process: a pointer seen
  // once always means the same text.
  thread_local std::pair<PyObject *, const std::string *> last{nullptr, nullptr};
  if (last.first == dtype.ptr())
    return last.second;
  static std::mutex mutex;
  static auto *texts = new std::unordered_map<PyObject *, std::string>();
  static auto *problems = new std::unordered_map<PyObject *, std::string>();
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = texts->find(dtype.ptr()); it != texts->end()) {
      last = {dtype.ptr(), &it->second};
      return &it->second;
    }
    if (auto it = problems->find(dtype.ptr()); it != problems->end()) {
      why = it->second;
      return nullptr;
    }
  }
  // Made without the lock (it calls into Python); a thread that made it
  // first wins, the same text either way.
  std::string text;
  bool ok = appendRecordText(text, dtype, why);
  std::lock_guard<std::mutex> lock(mutex);
  if (!ok) {
    if (problems->emplace(dtype.ptr(), why).second)
      dtype.inc_ref();
    return nullptr;
  }
  auto [it, made] = texts->emplace(dtype.ptr(), std::move(text));
  if (made)
    dtype.inc_ref();
  last = {dtype.ptr(), &it->second};
  return &it->second;
}

/// cuft.DeviceArray, registered by cuft.cuda: its `_launch` tuple
/// (typestr, pointer, shape, byte strides, context, device) is read instead
/// of its interface dict.
std::atomic<PyTypeObject *> deviceArrayType{nullptr};

/// Interned attribute names, made at the first read.
struct Names {
  PyObject *cai, *dlpack, *dlpackDevice, *launch, *dtype, *stream;
};
const Names &names() {
  static const Names n = [] {
    auto intern = [](const char *s) { return PyUnicode_InternFromString(s); };
    return Names{intern("__cuda_array_interface__"), intern("__dlpack__"),
                 intern("__dlpack_device__"), intern("_launch"), intern("dtype"),
                 intern("stream")};
  }();
  return n;
}

std::string typeName(py::handle v) { return Py_TYPE(v.ptr())->tp_name; }

/// repr(obj), cut to `limit` characters, for messages.
std::string shortRepr(py::handle obj, size_t limit = 80) {
  std::string text;
  try {
    text = py::repr(obj);
  } catch (py::error_already_set &) {
    text = "<" + typeName(obj) + ">";
  }
  return text.size() <= limit ? text : text.substr(0, limit - 3) + "...";
}

/// "RuntimeError: message" of the Python error set now, which is cleared.
std::string takeError() {
  py::error_already_set e;
  std::string type = py::str(e.type().attr("__name__"));
  std::string message = py::str(e.value());
  return type + ": " + message;
}


std::string tupleText(const int64_t *v, size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (n == 1 ? ",)" : ")");
}

/// One array argument as read: element type, shape, strides in bytes (none:
/// C-contiguous), where its data is.
struct ArrayView {
  const spelling::Scalar *elem = nullptr;
  const std::string *record = nullptr; // a record element: its rec<...> text
  int64_t itemsize = 0;
  size_t rank = 0;
  std::array<int64_t, kMaxRank> shape{}, strides{};
  bool hasStrides = true;
  bool readOnly = false;
  void *data = nullptr;
};

/// C, F or strided, from shape and byte strides.
const char *layoutOf(const ArrayView &a) {
  if (!a.hasStrides)
    return spelling::kLayoutC.data();
  auto contiguous = [&](bool reversed) {
    int64_t expected = a.itemsize;
    for (size_t k = 0; k < a.rank; ++k) {
      size_t i = reversed ? a.rank - 1 - k : k;
      if (a.shape[i] != 1 && a.strides[i] != expected)
        return false;
      expected *= a.shape[i];
    }
    return true;
  };
  for (size_t i = 0; i < a.rank; ++i)
    if (a.shape[i] == 0)
      return spelling::kLayoutC.data();
  return contiguous(true)    ? spelling::kLayoutC.data()
         : contiguous(false) ? spelling::kLayoutF.data()
                             : spelling::kLayoutStrided.data();
}

void appendArrayEntry(std::string &sig, const ArrayView &a, std::string_view layout) {
  spelling::appendArray(sig, a.record ? std::string_view(*a.record) : a.elem->name, a.rank,
                        layout, a.readOnly);
}

/// A cuft.DeviceArray's launch form (its `_launch` capsule): what the reader
/// would make of it, made once when the array is.
constexpr const char *kArrayForm = "cuft.ArrayForm";
/// An ArrayForm's device for host memory: a host target's DeviceArray
/// (cuft/cuda.py's _HOST_DEVICE), which host launches take.
constexpr long long kHostMemoryDevice = -1;

struct ArrayForm {
  std::string entry;   // its signature entry
  std::string problem; // or why no kernel can take it
  std::string packProblem; // why no launch can pass it (its strides)
  void *data = nullptr;
  size_t rank = 0;
  int64_t shape[kMaxRank] = {}, strides[kMaxRank] = {}; // strides in elements
  long long device = 0;
};

/// The reader of one launch's arguments.
class Reader {
public:
  Reader(const Destination &to, std::string &sig, cuft::KernelArgs *packed,
         std::vector<py::object> &keep, ArgumentProblem &problem)
      : to(to), np(numpy()), sig(sig), packed(packed), keep(keep), problem(problem) {}

  bool read(PyObject *const *args, size_t n, const std::vector<bool> &constexprArgs) {
    sig.clear();
    for (index = 0; index < n; ++index) {
      if (index)
        sig += ',';
      py::handle v = args[index];
      if (!(constexprArgs[index] ? constexprEntry(v) : entry(v)))
        return false;
    }
    return true;
  }

private:
  bool fail(std::string message) {
    problem.index = index;
    problem.message = std::move(message);
    return false;
  }

  /// The cuft type of scalar `v` into `type`: 1, 0 when `v` is no scalar,
  /// -1 with a problem. `inPlace`: a numpy scalar, its value right after the
  /// object header (numpy's PyArrayScalar_VAL).
  int scalarType(py::handle v, const spelling::Scalar *&type, bool &inPlace) {
    PyObject *o = v.ptr();
    inPlace = false;
    if (PyFloat_CheckExact(o)) {
      type = spelling::kF64Scalar;
      return 1;
    }
    if (PyLong_CheckExact(o))
      return pythonInt(o, type);
    if (PyComplex_CheckExact(o)) {
      type = spelling::kC128Scalar;
      return 1;
    }
    if (PyBool_Check(o)) {
      type = spelling::kBoolScalar;
      return 1;
    }
    if (np.ndarray) {
      if (Py_TYPE(o) == memo.first) {
        type = memo.second;
        inPlace = true;
        return 1;
      }
      for (const auto &entry : np.scalarTypes)
        if (Py_TYPE(o) == entry.first) {
          memo = entry;
          type = entry.second;
          inPlace = true;
          return 1;
        }
      int generic = PyObject_IsInstance(o, np.generic);
      if (generic < 0)
        throw py::error_already_set();
      if (generic && PyObject_TypeCheck(o, np.voidType))
        return 0; // a record scalar (recordScalar)
      if (generic) { // a subclass of a numpy scalar type: the same layout
        py::object dtype = v.attr("dtype");
        int num = dtype.attr("num").cast<int>();
        auto it = np.elems.find(num);
        type = it != np.elems.end() ? it->second : userDtype(num, dtype);
        if (!type)
          return fail("numpy scalar of dtype " + std::string(py::str(dtype)) +
                      " is not supported"),
                 -1;
        inPlace = true;
        return 1;
      }
    }
    if (PyLong_Check(o))
      return pythonInt(o, type);
    if (PyFloat_Check(o)) {
      type = spelling::kF64Scalar;
      return 1;
    }
    if (PyComplex_Check(o)) {
      type = spelling::kC128Scalar;
      return 1;
    }
    return 0;
  }

  int pythonInt(PyObject *o, const spelling::Scalar *&type) {
    int overflow = 0;
    PyLong_AsLongLongAndOverflow(o, &overflow);
    if (PyErr_Occurred())
      throw py::error_already_set();
    type = spelling::kI64Scalar;
    if (overflow > 0) { // from 2**63 up: a uint64, as numba types it
      PyLong_AsUnsignedLongLong(o);
      if (!PyErr_Occurred()) {
        type = spelling::kU64Scalar;
        return 1;
      }
      PyErr_Clear();
    }
    if (overflow)
      return fail("integer " + std::string(py::str(o)) + " fits neither int64 nor uint64"), -1;
    return 1;
  }

  bool constexprEntry(py::handle v) {
    const spelling::Scalar *t = nullptr;
    bool inPlace = false;
    int found = scalarType(v, t, inPlace);
    if (found < 0)
      return false;
    if (found == 0 || t->kind == 'c')
      return fail("a cuft.constexpr argument must be a bool, int or float, got " + typeName(v));
    py::object value = py::reinterpret_borrow<py::object>(v);
    spelling::appendConstant(sig, t->name,
                             t->kind == 'b'   ? std::string(PyObject_IsTrue(v.ptr()) ? "true" : "false")
                             : t->kind == 'f' ? std::string(py::repr(py::float_(value)))
                                              : std::string(py::str(py::int_(value))));
    return true;
  }

  bool entry(py::handle v) {
    PyTypeObject *type = Py_TYPE(v.ptr());
    if (np.ndarray && type == np.ndarray)
      return numpyArray(v);
    if (type == deviceArrayType.load(std::memory_order_acquire))
      return deviceArray(v);
    const spelling::Scalar *t = nullptr;
    bool inPlace = false;
    int found = scalarType(v, t, inPlace);
    if (found < 0)
      return false;
    if (found) {
      sig.append(t->name);
      if (packed)
        packScalar(v, t, inPlace);
      return true;
    }
    if (PyTuple_Check(v.ptr())) // a namedtuple too
      return tupleEntry(v);
    if (np.voidType && PyObject_TypeCheck(v.ptr(), np.voidType))
      return recordScalar(v);
    PyObject *iface = nullptr;
    int has = optionalAttr(v.ptr(), names().cai, iface);
    if (has < 0)
      return fail("__cuda_array_interface__ of a " + typeName(v) + " raised " + takeError());
    if (has && iface != Py_None)
      return cudaArray(v, py::reinterpret_steal<py::object>(iface));
    Py_XDECREF(iface);
    if (np.ndarray && PyObject_TypeCheck(v.ptr(), np.ndarray))
      return numpyArray(v); // a subclass
    PyObject *dlpack = nullptr;
    has = optionalAttr(v.ptr(), names().dlpack, dlpack);
    if (has < 0)
      PyErr_Clear(); // as hasattr: no __dlpack__
    if (has > 0)
      return dlpackArray(v, py::reinterpret_steal<py::object>(dlpack));
    static PyObject *complexType = [] {
      return py::object(py::module_::import("numbers").attr("Complex")).release().ptr();
    }();
    int isComplex = PyObject_IsInstance(v.ptr(), complexType);
    if (isComplex < 0)
      PyErr_Clear();
    if (isComplex > 0)
      return fail("complex numbers are not supported");
    return fail("cannot pass a " + typeName(v) +
                " to a kernel (pass an array, a bool, an int or a float)");
  }

  /// A numpy structured scalar of its own (`np.void(...)`): `rec<...>`, passed
  /// by value as its bytes in 8-byte cells, the last zero-padded; one of an
  /// array (`a[i]`): by reference, a 0-d array of records.
  bool recordScalar(py::handle v) {
    py::object dtype = v.attr(names().dtype);
    if (dtype.attr("fields").is_none())
      return fail("numpy.void scalar of dtype " + std::string(py::str(dtype)) +
                  " is not supported (a record scalar needs a structured dtype)");
    // A record of an array (`a[i]`) is passed by reference, as numba passes
    // records: a 0-d array over the array's bytes (transfers.record_reference),
    // so a kernel's writes reach the array. One of its own goes by value.
    static PyObject *reference = [] {
      return py::object(py::module_::import("cuft.transfers").attr("record_reference"))
          .release()
          .ptr();
    }();
    py::object view = py::reinterpret_steal<py::object>(
        PyObject_CallOneArg(reference, v.ptr()));
    if (!view)
      throw py::error_already_set();
    if (!view.is_none()) {
      keep.push_back(view);
      return numpyArray(view);
    }
    std::string why;
    const std::string *record = recordText(dtype, why);
    if (!record)
      return fail("record scalar: " + why);
    sig.append(*record);
    if (!packed)
      return true;
    Py_buffer bytes;
    if (PyObject_GetBuffer(v.ptr(), &bytes, PyBUF_SIMPLE) != 0)
      throw py::error_already_set();
    const char *at = static_cast<const char *>(bytes.buf);
    for (Py_ssize_t done = 0; done < bytes.len; done += 8)
      packed->addBytes(at + done, size_t(std::min<Py_ssize_t>(8, bytes.len - done)));
    PyBuffer_Release(&bytes);
    return true;
  }

  /// A tuple: `(entry,entry,...)`, its elements passed one after the other.
  bool tupleEntry(py::handle v) {
    if (++tupleDepth > kMaxTupleDepth)
      return fail("tuples nested more than " + std::to_string(kMaxTupleDepth) +
                  " deep cannot be kernel arguments");
    sig += '(';
    Py_ssize_t n = PyTuple_GET_SIZE(v.ptr());
    // A namedtuple's elements carry their field names (`p.x` in the kernel).
    py::object fields;
    if (!PyTuple_CheckExact(v.ptr()) && py::hasattr(v, "_fields")) {
      fields = v.attr("_fields");
      if (!PyTuple_Check(fields.ptr()) || PyTuple_GET_SIZE(fields.ptr()) != n)
        fields = py::object();
    }
    for (Py_ssize_t k = 0; k < n; ++k) {
      if (k)
        sig += ',';
      if (fields) {
        PyObject *name = PyTuple_GET_ITEM(fields.ptr(), k);
        Py_ssize_t size = 0;
        const char *text = PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, &size) : nullptr;
        if (!text)
          PyErr_Clear();
        std::string_view field = text ? std::string_view(text, size_t(size)) : std::string_view();
        std::string named = std::string(field) + ":";
        if (!text || spelling::fieldNameLength(named) != named.size())
          return fail("namedtuple field " + std::to_string(k) +
                      " has a name that is not an ASCII identifier");
        sig += named;
      }
      if (!entry(PyTuple_GET_ITEM(v.ptr(), k))) {
        problem.message = "element " + std::to_string(k) + " of the tuple: " + problem.message;
        return false;
      }
    }
    sig += ')';
    --tupleDepth;
    return true;
  }
  static constexpr int kMaxTupleDepth = 32;
  int tupleDepth = 0;

  bool rankOk(size_t rank, const char *what) {
    if (rank <= kMaxRank)
      return true;
    return fail(std::string(what) + " has " + std::to_string(rank) +
                " dimensions; cuft kernels take arrays of 0 to " + std::to_string(kMaxRank) +
                " dimensions");
  }

  // -- numpy arrays: host memory ---------------------------------------------

  bool numpyArray(py::handle v) {
    auto a = py::reinterpret_borrow<py::array>(v);
    py::dtype dt = a.dtype();
    auto it = np.elems.find(dt.num());
    const spelling::Scalar *elem = it != np.elems.end() ? it->second : userDtype(dt.num(), dt);
    const std::string *record = nullptr;
    if (!elem && !dt.attr("fields").is_none()) { // a structured dtype: records
      std::string why;
      record = recordText(dt, why);
      if (!record)
        return fail("numpy array of records: " + why);
    }
    char order = dt.byteorder();
    bool native = order == '=' || order == '|' || (order == '<') == kLittleEndian;
    if ((!elem && !record) || !native) {
      std::string supported;
      for (const spelling::Scalar &scalar : spelling::kScalars)
        supported.append(supported.empty() ? "" : ", ").append(scalar.numpy);
      return fail("numpy array of dtype " + std::string(py::str(dt)) +
                  " is not supported (supported: " + supported + ", in native byte order)");
    }
    if (!rankOk(size_t(a.ndim()), "numpy array"))
      return false;
    int flags = a.flags();
    ArrayView view;
    view.elem = elem;
    view.record = record;
    view.itemsize = a.itemsize();
    view.rank = size_t(a.ndim());
    view.readOnly = !(flags & py::detail::npy_api::NPY_ARRAY_WRITEABLE_);
    // numpy's flags follow layoutOf's rule (extent-1 axes and empty arrays
    // do not break contiguity).
    appendArrayEntry(sig, view, flags & py::array::c_style   ? spelling::kLayoutC
                                : flags & py::array::f_style ? spelling::kLayoutF
                                                             : spelling::kLayoutStrided);
    if (!packed)
      return true;
    if (to.memory == Memory::Cuda)
      return fail("it is a numpy array (host memory) and the cuda target runs on the GPU: pass "
                  "cuft.to_device(array), or a CuPy/PyTorch GPU array");
    for (size_t k = 0; k < view.rank; ++k) {
      view.shape[k] = a.shape(ssize_t(k));
      view.strides[k] = a.strides(ssize_t(k));
    }
    view.data = const_cast<void *>(a.data());
    return packArray(view);
  }

  // -- __cuda_array_interface__: GPU memory ---------------------------------

  /// The interface's element type and size from its typestr; false with a problem.
  bool typestrElem(py::handle typestr, ArrayView &view) {
    if (np.ndarray && !PyUnicode_Check(typestr.ptr()) &&
        PyObject_HasAttrString(typestr.ptr(), "fields") &&
        !typestr.attr("fields").is_none()) {
      // A cuft.DeviceArray of records passes its numpy dtype (typestrs say
      // only |V<size>).
      std::string why;
      view.record = recordText(typestr, why);
      if (!view.record)
        return fail("array of records: " + why);
      view.itemsize = typestr.attr("itemsize").cast<int64_t>();
      return true;
    }
    if (!PyUnicode_Check(typestr.ptr()))
      return fail("__cuda_array_interface__ has a typestr that is not a str: " +
                  shortRepr(typestr));
    Py_ssize_t length = 0;
    const char *utf8 = PyUnicode_AsUTF8AndSize(typestr.ptr(), &length); // no copy
    if (!utf8)
      throw py::error_already_set();
    // <i4, |b1, =f8, <c16: byte order, numpy's kind, bytes.
    std::string_view text(utf8, size_t(length));
    unsigned bytes = 0;
    for (char c : text.size() > 2 ? text.substr(2) : std::string_view())
      bytes = c >= '0' && c <= '9' && bytes < 100 ? bytes * 10 + unsigned(c - '0') : 1000;
    if ((text.size() == 3 || text.size() == 4) &&
        std::string_view("<|=").find(text[0]) != std::string_view::npos && bytes >= 1 &&
        bytes <= 16)
      if (const spelling::Scalar *elem = spelling::scalarOf(text[1], 8 * bytes)) {
        view.elem = elem;
        view.itemsize = bytes;
        return true;
      }
    return fail("array of typestr " + std::string(py::repr(typestr)) +
                " (__cuda_array_interface__) is not supported");
  }

  /// A sequence of ints (anything with __index__) into `out`; false when it is not one.
  static bool intsOf(py::handle seq, std::vector<int64_t> &out) {
    PyObject *fast = PySequence_Fast(seq.ptr(), "");
    if (!fast) {
      PyErr_Clear();
      return false;
    }
    auto owner = py::reinterpret_steal<py::object>(fast);
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    for (Py_ssize_t i = 0; i < n; ++i) {
      PyObject *index = PyNumber_Index(PySequence_Fast_GET_ITEM(fast, i));
      if (!index) {
        PyErr_Clear();
        return false;
      }
      long long value = PyLong_AsLongLong(index);
      Py_DECREF(index);
      if (value == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return false;
      }
      out.push_back(value);
    }
    return true;
  }

  bool cudaArray(py::handle v, py::object ifaceObject) {
    PyObject *iface = ifaceObject.ptr();
    auto item = [&](const char *key) -> py::object {
      PyObject *k = PyUnicode_FromString(key);
      PyObject *found = PyDict_GetItemWithError(iface, k); // borrowed
      Py_DECREF(k);
      if (!found && PyErr_Occurred())
        throw py::error_already_set();
      return py::reinterpret_borrow<py::object>(found);
    };
    py::object shape, typestr, data;
    if (PyDict_Check(iface)) {
      shape = item("shape");
      typestr = item("typestr");
      data = item("data");
    }
    if (!shape || !typestr || !data)
      return fail("__cuda_array_interface__ must be a dict with 'shape', 'typestr' and 'data', "
                  "got " + shortRepr(iface));
    ArrayView view;
    if (!typestrElem(typestr, view))
      return false;
    py::object stridesObject = item("strides");
    std::vector<int64_t> dims, strides;
    if (!intsOf(shape, dims) ||
        (stridesObject && !stridesObject.is_none() && !intsOf(stridesObject, strides)))
      return fail("__cuda_array_interface__ has a shape or strides that are not tuples of ints: " +
                  shortRepr(iface));
    if (!rankOk(dims.size(), "array (__cuda_array_interface__)"))
      return false;
    view.rank = dims.size();
    std::copy(dims.begin(), dims.end(), view.shape.begin());
    view.hasStrides = stridesObject && !stridesObject.is_none();
    if (view.hasStrides) {
      if (strides.size() != dims.size())
        return fail("__cuda_array_interface__ has a shape or strides that are not tuples of "
                    "ints: " + shortRepr(iface));
      std::copy(strides.begin(), strides.end(), view.strides.begin());
    }
    // `data` is (pointer, read-only flag).
    bool pair = PyTuple_Check(data.ptr()) && PyTuple_GET_SIZE(data.ptr()) == 2;
    if (pair) {
      int ro = PyObject_IsTrue(PyTuple_GET_ITEM(data.ptr(), 1));
      if (ro < 0)
        throw py::error_already_set();
      view.readOnly = ro == 1;
    }
    appendArrayEntry(sig, view, layoutOf(view));
    if (!packed)
      return true;
    if (to.memory == Memory::Host)
      return gpuMemoryOnHost();
    if (!pair)
      return fail("__cuda_array_interface__ has 'data' that is not a (pointer, read-only) "
                  "tuple: " + shortRepr(data));
    view.data = PyLong_AsVoidPtr(PyTuple_GET_ITEM(data.ptr(), 0));
    if (PyErr_Occurred())
      throw py::error_already_set();
    // v3: the stream the producer queued its work on; this launch waits for it.
    if (py::object producer = item("stream"); producer && PyLong_Check(producer.ptr()) &&
                                              !PyBool_Check(producer.ptr())) {
      auto p = producer.cast<uintptr_t>();
      if (!to.mayOrder && !cuft::python::streamsOrdered(p, to.stream))
        return fail(""); // the slow path reads it again, and waits once
      cuft::python::orderStreams(to.context, p, to.stream);
    }
    return packArray(view);
  }

  bool gpuMemoryOnHost() {
    return fail("it is GPU memory (__cuda_array_interface__) and the host target runs on the "
                "CPU: pass a numpy array, or use the cuda target");
  }

  std::string otherDevice(long long where) {
    return "it is on CUDA device " + std::to_string(where) + ", and this launch runs on device " +
           std::to_string(to.device) +
           " (the device of its stream: a cuft.Stream(device=N) launches on device N)";
  }

  /// cuft.DeviceArray: its `_launch` form, made once per array by
  /// makeArrayForm (these rules, applied when the array was made).
  bool deviceArray(py::handle v) {
    PyObject *raw = nullptr;
    if (optionalAttr(v.ptr(), names().launch, raw) < 0)
      throw py::error_already_set();
    auto launch = py::reinterpret_steal<py::object>(raw);
    // The name is compared by address (ours), and the form read from the
    // capsule's context: PyCapsule_GetPointer would strcmp the name.
    auto *form = raw && PyCapsule_CheckExact(raw) && PyCapsule_GetName(raw) == kArrayForm
                     ? static_cast<const ArrayForm *>(PyCapsule_GetContext(raw))
                     : nullptr;
    if (!form) {
      PyErr_Clear();
      return fail("a cuft.DeviceArray without its launch form (was it made by "
                  "DeviceArray()?)");
    }
    if (!form->problem.empty())
      return fail(form->problem);
    sig += form->entry;
    if (!packed)
      return true;
    bool hostMemory = form->device == kHostMemoryDevice;
    if (to.memory == Memory::Host && !hostMemory)
      return gpuMemoryOnHost();
    if (to.memory != Memory::Host && hostMemory)
      return fail("it is a DeviceArray of the host target (host memory, made while the target "
                  "was 'host') and this launch runs on the GPU: make it with the cuda target, "
                  "or pass a numpy array");
    if (!form->packProblem.empty())
      return fail(form->packProblem);
    if (!hostMemory && form->device != to.device)
      return fail(otherDevice(form->device));
    packed->addArray(form->data, form->shape, form->strides, form->rank);
    return true;
  }

  /// Why an array of this shape cannot be passed (empty: it can): kernels
  /// assume every dimension below cuft::kMaxArrayDim (KernelArgs.h), which
  /// only a broadcast view exceeds.
  static std::string dimsTooLarge(const int64_t *shape, size_t rank) {
    for (size_t k = 0; k < rank; ++k)
      if (shape[k] >= cuft::kMaxArrayDim)
        return "array shape " + tupleText(shape, rank) + " has a dimension of 2**" +
               std::to_string(__builtin_ctzll(cuft::kMaxArrayDim)) + " (" +
               std::to_string(cuft::kMaxArrayDim) +
               ") or more: kernels take dimensions below it (a view of that size "
               "can only be a broadcast; pass a smaller one)";
    return std::string();
  }

public:
  /// A DeviceArray's launch form: its entry and cells, or the problem a
  /// launch would report.
  ArrayForm makeArrayForm(py::handle typestr, void *data, const std::vector<int64_t> &shape,
                          const std::vector<int64_t> &strides, long long device) {
    ArrayForm form;
    form.device = device;
    ArrayView view;
    if (!typestrElem(typestr, view) || !rankOk(shape.size(), "array (__cuda_array_interface__)") ||
        strides.size() != shape.size()) {
      form.problem = problem.message.empty() ? "a shape and strides of different ranks"
                                             : problem.message;
      return form;
    }
    view.rank = shape.size();
    std::copy(shape.begin(), shape.end(), view.shape.begin());
    std::copy(strides.begin(), strides.end(), view.strides.begin());
    view.data = data;
    appendArrayEntry(sig, view, layoutOf(view));
    form.entry = sig;
    form.rank = view.rank;
    form.data = data;
    form.packProblem = dimsTooLarge(view.shape.data(), view.rank);
    if (!form.packProblem.empty())
      return form;
    for (size_t k = 0; k < view.rank; ++k) {
      if (view.strides[k] % view.itemsize) {
        form.packProblem = "array strides " + tupleText(view.strides.data(), view.rank) +
                           " are not multiples of its item size (" +
                           std::to_string(view.itemsize) + " bytes)";
        return form;
      }
      form.shape[k] = view.shape[k];
      form.strides[k] = view.strides[k] / view.itemsize;
    }
    return form;
  }

private:
  // -- DLPack ----------------------------------------------------------------

  bool dlpackArray(py::handle v, py::object exporter) {
    py::object capsule;
    try {
      if (to.memory == Memory::Cuda) {
        if (!dlpackOnDevice(v))
          return false;
        // DLPack's stream numbers: 1 is the legacy default stream (0 is not allowed).
        capsule = exporter(py::arg("stream") = to.stream ? to.stream : 1);
      } else {
        capsule = exporter();
      }
    } catch (py::error_already_set &e) {
      if (!problem.message.empty())
        return false;
      return fail("__dlpack__() of a " + typeName(v) + " failed: " + std::string(py::str(e.value())));
    }
    cuft::python::DLPackView t;
    if (!cuft::python::readDLPack(capsule, t))
      return fail("__dlpack__() of a " + typeName(v) + " returned " + shortRepr(capsule) +
                  ", not a DLPack capsule");
    ArrayView view;
    // DLPack's type codes: 0 int, 1 uint, 2 float, 4 bfloat, 5 complex, 6 bool.
    static constexpr char kinds[] = {'i', 'u', 'f', 0, 'B', 'c', 'b'};
    if (t.lanes == 1 && t.code < 7 && kinds[t.code])
      view.elem = spelling::scalarOf(kinds[t.code], t.bits);
    if (!view.elem) {
      static const char *codeNames[] = {"int", "uint", "float", nullptr, "bfloat", "complex", "bool"};
      std::string name = t.code < 7 && codeNames[t.code] ? codeNames[t.code]
                                                        : "code " + std::to_string(t.code);
      name += std::to_string(t.bits);
      if (t.lanes != 1)
        name += "x" + std::to_string(t.lanes);
      return fail("DLPack tensor of dtype " + name + " is not supported");
    }
    if (!rankOk(t.shape.size(), "DLPack tensor"))
      return false;
    view.itemsize = t.bits / 8;
    view.rank = t.shape.size();
    std::copy(t.shape.begin(), t.shape.end(), view.shape.begin());
    view.hasStrides = !t.strides.empty();
    for (size_t k = 0; k < t.strides.size() && k < kMaxRank; ++k)
      view.strides[k] = t.strides[k] * view.itemsize;
    appendArrayEntry(sig, view, layoutOf(view));
    if (!packed)
      return true;
    if (to.memory == Memory::Host && t.deviceType != kDLCPU)
      return fail("the host target cannot read this DLPack tensor: it is on DLPack device type " +
                  std::to_string(t.deviceType) + ", not the CPU (1)");
    view.data = t.data;
    keep.push_back(std::move(capsule)); // the producer's memory, for the launch
    return packArray(view);
  }

  /// Whether a DLPack exporter's memory is on this launch's GPU (else a problem).
  bool dlpackOnDevice(py::handle v) {
    py::tuple where;
    try {
      where = v.attr(names().dlpackDevice)();
    } catch (py::error_already_set &e) {
      return fail("__dlpack_device__() of a " + typeName(v) + " failed: " +
                  std::string(py::str(e.value())));
    }
    int type = where[0].cast<int>();
    long long id = where[1].cast<long long>();
    if (type != kDLCUDA && type != kDLCUDAHost && type != kDLCUDAManaged)
      return fail("it is a DLPack tensor on device type " + std::to_string(type) +
                  ", not GPU memory, and the cuda target runs on the GPU: pass "
                  "cuft.to_device(array), or a GPU tensor");
    if (type == kDLCUDA && id != to.device)
      return fail(otherDevice(id));
    return true;
  }

  // -- packing -----------------------------------------------------------------

  bool packArray(ArrayView &view) {
    if (std::string why = dimsTooLarge(view.shape.data(), view.rank); !why.empty())
      return fail(why);
    if (!view.hasStrides) {
      int64_t step = view.itemsize;
      for (size_t k = view.rank; k-- > 0;) {
        view.strides[k] = step;
        step *= std::max<int64_t>(view.shape[k], 1);
      }
    }
    std::array<int64_t, kMaxRank> elements{};
    for (size_t k = 0; k < view.rank; ++k) {
      if (view.strides[k] % view.itemsize)
        return fail("array strides " + tupleText(view.strides.data(), view.rank) +
                    " are not multiples of its item size (" + std::to_string(view.itemsize) +
                    " bytes)");
      elements[k] = view.strides[k] / view.itemsize;
    }
    packed->addArray(view.data, view.shape.data(), elements.data(), view.rank);
    return true;
  }

  void packScalar(py::handle v, const spelling::Scalar *type, bool inPlace) {
    PyObject *o = v.ptr();
    if (inPlace) {
      const char *value = reinterpret_cast<const char *>(o) + sizeof(PyObject);
      if (type->kind == 'c') { // two parameters: the real part, the imaginary part
        packed->addBytes(value, type->bytes() / 2);
        packed->addBytes(value + type->bytes() / 2, type->bytes() / 2);
        return;
      }
      packed->addBytes(value, type->bytes());
      return;
    }
    if (type->kind == 'c') {
      Py_complex c = PyComplex_AsCComplex(o);
      if (c.real == -1.0 && PyErr_Occurred())
        throw py::error_already_set();
      packed->addScalar(c.real);
      packed->addScalar(c.imag);
    } else if (type->kind == 'f') {
      // An exact float's value is read directly: PyFloat_AsDouble's call and
      // checks were a tenth of a launch with 256 float arguments.
      double d = PyFloat_CheckExact(o) ? PyFloat_AS_DOUBLE(o) : PyFloat_AsDouble(o);
      if (d == -1.0 && PyErr_Occurred())
        throw py::error_already_set();
      packed->addScalar(d);
    } else if (type->kind == 'b') {
      packed->addScalar(uint8_t(o == Py_True ? 1 : 0));
    } else if (type->kind == 'u') { // a Python int from 2**63 up
      unsigned long long u = PyLong_AsUnsignedLongLong(o);
      if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred())
        throw py::error_already_set();
      packed->addScalar(uint64_t(u));
    } else {
      long long i = PyLong_AsLongLong(o);
      if (i == -1 && PyErr_Occurred())
        throw py::error_already_set();
      packed->addScalar(int64_t(i));
    }
  }

  static constexpr int kDLCPU = 1, kDLCUDA = 2, kDLCUDAHost = 3, kDLCUDAManaged = 13;

  const Destination &to;
  const Numpy &np;
  std::string &sig;
  cuft::KernelArgs *packed;
  std::vector<py::object> &keep;
  ArgumentProblem &problem;
  size_t index = 0;
  /// The numpy scalar type met last: a kernel's scalars are mostly of one type.
  std::pair<PyTypeObject *, const spelling::Scalar *> memo{nullptr, nullptr};
};

} // namespace

bool cuft::python::readArguments(PyObject *const *args, size_t n,
                                 const std::vector<bool> &constexprArgs, const Destination &to,
                                 std::string &sig, cuft::KernelArgs *packed,
                                 std::vector<py::object> &keep, ArgumentProblem &problem) {
  if (constexprArgs.size() != n) {
    problem = {0, "expected " + std::to_string(constexprArgs.size()) + " arguments, got " +
                      std::to_string(n)};
    return false;
  }
  return Reader(to, sig, packed, keep, problem).read(args, n, constexprArgs);
}

py::object cuft::python::deviceArrayForm(py::handle typestr, uintptr_t data,
                                         const std::vector<int64_t> &shape,
                                         const std::vector<int64_t> &strides, long long device) {
  std::string sig;
  std::vector<py::object> keep;
  ArgumentProblem problem;
  Destination none;
  auto *form = new ArrayForm(Reader(none, sig, nullptr, keep, problem)
                                 .makeArrayForm(typestr, reinterpret_cast<void *>(data), shape,
                                                strides, device));
  PyObject *capsule = PyCapsule_New(form, kArrayForm, [](PyObject *c) {
    delete static_cast<ArrayForm *>(PyCapsule_GetPointer(c, kArrayForm));
  });
  if (!capsule || PyCapsule_SetContext(capsule, form) != 0) {
    if (capsule)
      Py_DECREF(capsule); // its destructor deletes the form
    else
      delete form;
    throw py::error_already_set();
  }
  return py::reinterpret_steal<py::object>(capsule);
}

void cuft::python::registerDeviceArray(PyTypeObject *type) {
  Py_INCREF(type); // a module-level class: held for the life of the process
  deviceArrayType.store(type, std::memory_order_release);
}

[[noreturn]] void cuft::python::raiseArgumentProblem(const ArgumentProblem &problem) {
  static PyObject *cls = [] {
    return py::object(py::module_::import("cuft.signature").attr("ArgumentError")).release().ptr();
  }();
  py::object e = py::reinterpret_borrow<py::object>(cls)(problem.index, problem.message);
  PyErr_SetObject(cls, e.ptr());
  throw py::error_already_set();
}
