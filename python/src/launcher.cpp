//===- launcher.cpp - one kernel's launches, on every target ---------------===//
//
// A Launcher is one kernel's one table in front of the process-wide cache:
// (place, block shape, signature) → the loaded module, where a place is the
// host (with or without bounds checks) or a CUDA context, and the block shape
// that of the host code (codeBlock; zeros on CUDA). Every launch, from the C
// call of kernel[grid, block](*args) or from Python's slow path, runs here:
//
//   1. the one reader (arguments.cpp) reads the arguments: the signature and
//      their cells in the kernel ABI, in one pass;
//   2. the table is looked up; a live module is launched (the warm launch:
//      no lock, no reference taken, nothing allocated);
//   3. otherwise the specialization comes from the process-wide cache
//      (compiled once however many threads ask: cuft/Compiler/Specialize.h),
//      is loaded once per context (the ModuleRegistry), inserted here and
//      launched with the arguments already read.
//
// Python keeps the frontend (the generic IR, made per captured values: a new
// frontend gets a new Launcher), keyword arguments, and the rendering of
// errors (the hook raise_error). A Launcher made for one frontend never sees
// another's IR, so its table needs no frontend in its key.
//
// The table is a LaunchTable (cuft/Runtime/LaunchTable.h): immutable, swapped
// whole, read inside a launchEpochs() guard without a lock or a reference,
// replaced tables freed once no launch can read them. Past its 64 rows, new
// signatures are launched without a row: the process-wide cache serves them.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include "cuft/Cache/Epochs.h"
#include "cuft/Dialect/Cuft/Transforms/SignatureText.h"
#include "cuft/Runtime/LaunchShape.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace py = pybind11;
using cuft::LaunchConfig;
using cuft::LaunchTable;
using cuft::Place;
using cuft::python::dimsFrom;
using cuft::python::KernelCounters;
using cuft::python::PyLoaded;

namespace {

/// cuft.dispatcher's raise_error(kernel, kind, payload): renders a launch's
/// failure as the Python exception it is ("compile": diagnostics;
/// "load-host": the loader's message; "load-cuda": the CudaError;
/// "launch-host": launch_host's error tuple) and raises it. Set once.
std::atomic<PyObject *> raiseErrorHook{nullptr};
/// cuft.dispatcher's link_for(kernel, chip) -> (inputs, setup, teardown,
/// identity): what a kernel with `link=` files links on `chip`. Set once.
std::atomic<PyObject *> linkHook{nullptr};

/// The place a Python caller names: "host", "host+boundscheck", or "cuda"
/// (in `context`).
Place placeNamed(std::string_view name, uintptr_t context) {
  return name == "cuda"               ? Place{Place::Cuda, context}
         : name == "host+boundscheck" ? Place{Place::HostChecked, 0}
                                      : Place{Place::Host, 0};
}

[[noreturn]] void raiseError(PyObject *kernel, const char *kind, py::handle payload) {
  PyObject *hook = raiseErrorHook.load(std::memory_order_acquire);
  if (!hook)
    throw std::runtime_error("cuft.dispatcher has not registered its launch hooks");
  PyObject *r = PyObject_CallFunction(hook, "sOO", kind, kernel, payload.ptr());
  Py_XDECREF(r);
  if (!PyErr_Occurred())
    PyErr_SetString(PyExc_RuntimeError, "a launch failed and its error was not raised");
  throw py::error_already_set();
}

} // namespace

namespace cuft::python {

/// What a Launcher was made with: the kernel's program and options.
struct LauncherOptions {
  std::shared_ptr<const Program> program;
  std::vector<bool> constexprArgs;
  unsigned optLevel = 3;
  bool fastMath = false;
  int boundscheck = -1; // the kernel's option: 1, 0, or -1 (CUFT_BOUNDSCHECK decides)
  bool links = false;   // the kernel has link= files (CUDA: asks link_for)
  /// The tuple skeleton (SignatureText.h) of the signatures the program's
  /// IR takes: empty when its parameters take no tuples.
  std::string tuples;
  /// The kernel's declared signatures (`@cuft.jit("void(f4[:])")`): when
  /// there are some, a launch runs one of them and nothing else compiles.
  std::vector<std::string> declared;
  bool diskCache = true; // the kernel's cache= option (False: not from or to disk)
};

class Launcher {
public:
  Launcher(LauncherOptions options, KernelCounters &counters)
      : options(std::move(options)), counters(counters) {}
  Launcher(const Launcher &) = delete;
  Launcher &operator=(const Launcher &) = delete;

  /// Reads `args` and, when the table holds a live kernel for their
  /// signature at `l.place`, launches it. The caller holds a launchEpochs()
  /// guard. Returns Done (`error`: None, or a host launch's error tuple),
  /// Miss (`read` holds the arguments read) or Refused (`problem`).
  enum class Outcome { Done, Miss, Refused };
  Outcome tryLaunch(const LaunchConfig &l, PyObject *const *args, size_t n, Read &read,
                    ArgumentProblem &problem, py::object &error) {
    if (!readFor(args, n, destination(l, /*warm=*/true), read, problem))
      return Outcome::Refused;
    const LoadedKernel *kernel = nullptr;
    if (l.place.host()) {
      kernel = table.find(l.place, {l.block[0], l.block[1], l.block[2]}, read.sig);
      if (!kernel) // a shape past kMaxBlockShapes: the code for any shape
        kernel = table.find(l.place, LaunchTable::kAnyBlock, read.sig);
    } else {
      kernel = table.find(l.place, LaunchTable::kAnyBlock, read.sig);
    }
    if (!kernel || !run(*kernel, l, read.packed, error))
      return Outcome::Miss; // not loaded here yet, or unloaded since
    counters.hit();
    return Outcome::Done;
  }

  /// Reads `args` into `read` for a launch of this Launcher's program: false
  /// with `problem` when the reader refuses them, or when their tuples have
  /// other shapes than the program's (then Python's slow path takes the
  /// launch, with the program made for those).
  bool readFor(PyObject *const *args, size_t n, const Destination &to, Read &read,
               ArgumentProblem &problem) {
    if (!readArguments(args, n, options.constexprArgs, to, read.sig, &read.packed, read.keep,
                       problem))
      return false;
    if (!takesTuplesOf(read.sig)) {
      problem = {0, "the kernel's code was generated for tuple arguments of other shapes"};
      return false;
    }
    if (options.declared.empty())
      return true;
    // A declared kernel launches the declaration its arguments fit best: a C
    // or F array passes where it declares a strided one (same cells), the
    // exact declaration first. Scalars of other types are converted by
    // Python's slow path.
    int best = cuft::signature::bestDeclared(options.declared, read.sig, /*convertScalars=*/false);
    if (best >= 0) {
      read.sig = options.declared[best];
      return true;
    }
    problem = {0, "no declared signature takes these arguments as they are"};
    return false;
  }

  /// Whether signature `sig` has the tuples of the program's parameters.
  bool takesTuplesOf(const std::string &sig) const {
    if (options.tuples.empty())
      return sig.find('(') == std::string::npos;
    return cuft::signature::tupleSkeleton(sig) == options.tuples;
  }

  /// The miss: the kernel of `read.sig` at `l.place` (compiled and loaded if
  /// need be), inserted, and launched with `read`'s arguments. No guard is
  /// held (compiles take seconds); the caller holds a reference to this.
  void launchMiss(PyObject *pyKernel, const LaunchConfig &l, Read &read) {
    const LaunchTable::Block block = codeBlock(l);
    for (bool reload = false;; reload = true) {
      std::shared_ptr<const LoadedKernel> kernel =
          kernelFor(pyKernel, l.place, l.device, read.sig, reload, block);
      py::object error;
      if (!run(*kernel, l, read.packed, error))
        continue; // unloaded since it was loaded: load it again
      if (!error.is_none())
        raiseError(pyKernel, "launch-host", error);
      return;
    }
  }

  /// The most block shapes a kernel's host code is compiled for, one copy
  /// each; launches of other shapes share one copy for any shape.
  static constexpr size_t kMaxBlockShapes = 4;

  /// The block shape the code `l` launches is for: on the host, `l`'s own for
  /// the first kMaxBlockShapes shapes this Launcher meets (LLVM then knows
  /// the trip counts of the loops over a block's threads: a 16x16-tile
  /// matmul runs 1.6x faster), and for shapes it met before; else (and for a
  /// shape CUDA refuses, which the launch then reports) any shape.
  LaunchTable::Block codeBlock(const LaunchConfig &l) {
    if (!l.place.host() || !launchShapeProblem(l.grid, l.block).empty())
      return LaunchTable::kAnyBlock;
    LaunchTable::Block block{l.block[0], l.block[1], l.block[2]};
    std::lock_guard<std::mutex> lock(blocksMutex);
    if (std::find(blocks.begin(), blocks.end(), block) != blocks.end())
      return block;
    if (blocks.size() >= kMaxBlockShapes)
      return LaunchTable::kAnyBlock;
    blocks.push_back(block);
    return block;
  }

  /// The loaded kernel of `sig` at `place` (of `device`), for launches of
  /// `block` (LaunchTable::kAnyBlock: any shape): the table's, or compiled,
  /// loaded and inserted now (`reload`: the table's was unloaded).
  std::shared_ptr<const LoadedKernel> kernelFor(PyObject *pyKernel, const Place &place,
                                                long long device, const std::string &sig,
                                                bool reload,
                                                const LaunchTable::Block &block =
                                                    LaunchTable::kAnyBlock) {
    if (!reload)
      if (std::shared_ptr<const LoadedKernel> k = table.get(place, block, sig);
          k && k->alive()) {
        // Loaded by another thread since this launch missed the table: a hit
        // (uncounted, kernel.stats() lost a launch now and then).
        counters.hit();
        return k;
      }
    Linked linked;
    std::shared_ptr<const Specialization> spec;
    if (place.host()) {
      spec = specialization(pyKernel, "host", sig, nullptr, place.kind == Place::HostChecked,
                            block);
    } else {
      std::string chip;
      checkCuda(cuda::deviceChip(int(device), chip));
      linked = linkFor(pyKernel, chip);
      spec = specialization(pyKernel, chip, sig, &linked);
    }
    LoadResult r;
    {
      // The registry may wait for another thread's load; setup callbacks
      // take the GIL themselves.
      py::gil_scoped_release release;
      r = cuft::load(spec, place, linked.callbacks);
    }
    if (r.loadedNow)
      counters.loads.fetch_add(1, std::memory_order_relaxed);
    if (!r.kernel) {
      if (place.host())
        raiseError(pyKernel, "load-host", py::str(r.error));
      if (PyErr_Occurred()) // this thread's setup callback raised: that exception
        raiseError(pyKernel, "load-cuda", py::error_already_set().value());
      raiseError(pyKernel, "load-cuda", cudaLoadError(r.error));
    }
    table.insert(place, block, sig, r.kernel);
    return r.kernel;
  }

  /// What a chip's cubin links: the kernel's link= files, compiled for it,
  /// and the callbacks its modules get.
  struct Linked {
    std::vector<nvptx::LinkInput> inputs;
    cuda::ModuleRegistry::Callbacks callbacks;
    std::string identity;
  };

  Linked linkFor(PyObject *pyKernel, const std::string &chip) {
    Linked linked;
    PyObject *hook = linkHook.load(std::memory_order_acquire);
    if (!options.links || !hook)
      return linked;
    py::tuple r = py::reinterpret_steal<py::object>(
        PyObject_CallFunction(hook, "Os", pyKernel, chip.c_str()));
    if (!r)
      throw py::error_already_set();
    for (py::handle in : r[0]) {
      auto t = py::reinterpret_borrow<py::tuple>(in);
      linked.inputs.push_back({static_cast<nvptx::InputKind>(t[0].cast<int>()),
                               t[1].cast<std::string>(), t[2].cast<std::string>()});
    }
    linked.callbacks = cudaCallbacks(r[1], r[2]);
    linked.identity = r[3].cast<std::string>();
    return linked;
  }

  /// The specialization of `sig` for `target` ("host" or a chip) from the
  /// process-wide cache; with `linked`, the cubin linking it. Raises the
  /// compile's errors.
  std::shared_ptr<const Specialization> specialization(PyObject *pyKernel,
                                                       const std::string &target,
                                                       const std::string &sig,
                                                       const Linked *linked,
                                                       bool boundsCheck = false,
                                                       const LaunchTable::Block &block =
                                                           LaunchTable::kAnyBlock) {
    if (!takesTuplesOf(sig))
      throw py::value_error("signature '" + sig + "' has tuples of other shapes than the "
                            "program of this Launcher takes");
    SpecializationRequest r;
    r.program = options.program;
    r.signature = sig;
    r.target = target;
    r.optLevel = options.optLevel;
    r.fastMath = options.fastMath;
    r.boundsCheck = boundsCheck;
    r.block = block;
    r.diskCache = options.diskCache;
    if (linked) {
      r.cubin = true;
      r.inputs = linked->inputs;
      r.callbacks = linked->identity;
    }
    cache::Key key = keyOf(r);
    SpecializationCache::Lookup found = lookupForPython(r, key);
    counters.count(found.outcome);
    if (!found.value)
      raiseError(pyKernel, "compile",
                 diagnosticsToPython({{"error", "", 0, 0, "the compile was interrupted"}}));
    if (!found.value->ok())
      raiseError(pyKernel, "compile", diagnosticsToPython(found.value->diagnostics));
    remember(r, std::move(key));
    return found.value;
  }

  /// The cache entries of the specializations this Launcher found (a cubin's
  /// PTX as well), as exportSpecialization's bytes: what a pickled kernel
  /// carries. Entries the cache has evicted since are left out.
  std::vector<std::string> exported() {
    std::vector<cache::Key> keys;
    {
      std::lock_guard<std::mutex> lock(foundMutex);
      keys.assign(found.begin(), found.end());
    }
    std::vector<std::string> out;
    for (const cache::Key &key : keys)
      if (std::string bytes = exportSpecialization(key); !bytes.empty())
        out.push_back(std::move(bytes));
    return out;
  }

  /// Where a launch's arguments go; a warm read may not order streams (it
  /// steps aside, and the slow read orders them once).
  Destination destination(const LaunchConfig &l, bool warm) const {
    if (l.place.host())
      return {Memory::Host};
    return {Memory::Cuda, l.place.context, l.device, l.stream, /*mayOrder=*/!warm};
  }

  size_t size() const { return table.size(); }
  size_t retiredCount() { return table.retiredCount(); }

  const LauncherOptions options;
  KernelCounters &counters;

private:
  /// Runs `kernel` (the GIL released): false when it was unloaded; `error`
  /// is None or a host launch's error tuple; a CUDA failure raises.
  static bool run(const LoadedKernel &kernel, const LaunchConfig &l, KernelArgs &args,
                  py::object &error) {
    std::optional<py::gil_scoped_release> release(std::in_place);
    LaunchResult r = cuft::launch(kernel, l, args); // constructed in place, not assigned
    release.reset();
    if (r.unloaded)
      return false;
    if (kernel.place.host()) {
      error = hostLaunchError(r.host, *kernel.hostKernel);
    } else if (r.cuda.kind == cuda::Error::Kind::Raised) {
      error = raisedOnGpu(r.cuda);
    } else {
      checkCuda(r.cuda);
      error = py::none();
    }
    return true;
  }

public:
  /// Adds exported specializations (a pickled kernel's) to the process-wide
  /// cache and remembers them as found: this Launcher exports them again.
  /// Returns how many were added.
  size_t adopt(const std::vector<std::string> &entries) {
    size_t added = 0;
    for (const std::string &bytes : entries) {
      cache::Key key; // set when the bytes are this toolchain's
      added += importSpecialization(bytes, &key);
      if (!key.bytes().empty())
        remember(std::move(key));
    }
    return added;
  }

private:
  /// Remembers `key`, `r`'s, and for a cubin the key of its PTX (not the
  /// warm launch's path).
  void remember(const SpecializationRequest &r, cache::Key key) {
    if (r.cubin)
      remember(keyOf(ptxRequestOf(r)));
    remember(std::move(key));
  }
  void remember(cache::Key key) {
    std::lock_guard<std::mutex> lock(foundMutex);
    found.insert(std::move(key));
  }

  LaunchTable table;
  std::mutex blocksMutex;
  std::vector<LaunchTable::Block> blocks; // guarded by blocksMutex: codeBlock's shapes
  std::mutex foundMutex;
  std::unordered_set<cache::Key, cache::KeyHash> found; // guarded by foundMutex
};

} // namespace cuft::python

using cuft::python::Launcher;

namespace {

/// Launcher's Python type, set when it is bound.
PyTypeObject *launcherType = nullptr;

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

/// Runs `f` (returning a PyObject * new reference) for a C caller: its
/// result, or null with the Python error its exception stands for.
template <typename F>
PyObject *callForC(F &&f) {
  try {
    return f();
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

/// launch(launcher, kernel, place, context, device, stream, grid, block,
/// shared_bytes, args): Python's slow path into the one launch, bound by hand
/// like LaunchConfig's call.
PyObject *launchPy(PyObject *, PyObject *const *args, Py_ssize_t nargs) {
  void *launcher = nargs == 10 ? cuft::python::launcherOf(args[0]) : nullptr;
  LaunchConfig l;
  const char *place = nargs == 10 ? PyUnicode_AsUTF8(args[2]) : nullptr;
  if (!launcher || !place || !dimsFrom(args[6], l.grid) || !dimsFrom(args[7], l.block) ||
      !PyTuple_Check(args[9])) {
    PyErr_Clear();
    PyErr_SetString(PyExc_TypeError,
                    "launch(launcher, kernel, 'host'|'host+boundscheck'|'cuda', context, device, "
                    "stream, (3 ints), (3 ints), shared_bytes, tuple of arguments)");
    return nullptr;
  }
  l.place = placeNamed(place, uintptr_t(PyLong_AsUnsignedLongLong(args[3])));
  l.device = PyLong_AsLongLong(args[4]);
  l.stream = uintptr_t(PyLong_AsUnsignedLongLong(args[5]));
  unsigned long long shared = PyLong_AsUnsignedLongLong(args[8]);
  if (PyErr_Occurred() || shared > UINT32_MAX) {
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError, "launch: bad context, device, stream or shared_bytes");
    return nullptr;
  }
  l.shared = uint32_t(shared);
  return cuft::python::runLaunch(args[1], args[0], l, &PyTuple_GET_ITEM(args[9], 0),
                                 size_t(PyTuple_GET_SIZE(args[9])), /*refusedIsMiss=*/false,
                                 /*callerGuard=*/nullptr);
}

} // namespace

void *cuft::python::launcherOf(PyObject *o) {
  if (!launcherType || Py_TYPE(o) != launcherType)
    return nullptr;
  // A pybind11 instance of one registered type (simple layout): its value
  // pointer, read without pybind11's type lookup (a process-wide lock on the
  // free-threaded build).
  auto *inst = reinterpret_cast<py::detail::instance *>(o);
  return inst->simple_layout ? inst->simple_value_holder[0]
                             : inst->get_value_and_holder().value_ptr();
}

int cuft::python::capturesUnchanged(PyObject *checks) { return capturesUnchangedIn(checks); }

bool cuft::python::hostPlaceOf(PyObject *launcher, Place &out) {
  auto *l = static_cast<Launcher *>(launcherOf(launcher));
  int on = l->options.boundscheck >= 0 ? l->options.boundscheck : boundscheckFromEnvironment();
  if (on < 0)
    return false;
  out = {on ? Place::HostChecked : Place::Host, 0};
  return true;
}

namespace {
/// The calling thread's Read, reused launch after launch: its signature
/// buffer and cells keep their capacity, so a warm launch allocates nothing
/// (a 256-scalar signature is a kilobyte). A launch nested in another on the
/// same thread (a callback of a miss that launches) gets one of its own.
class ThreadRead {
public:
  ThreadRead() : mine(state()) {
    if (mine.busy) {
      owned = std::make_unique<cuft::python::Read>();
      read = owned.get();
      return;
    }
    mine.busy = true;
    read = &mine.read;
    read->packed.clear();
  }
  ~ThreadRead() {
    read->keep.clear(); // DLPack capsules: released with the launch
    if (!owned)
      mine.busy = false;
  }
  ThreadRead(const ThreadRead &) = delete;
  ThreadRead &operator=(const ThreadRead &) = delete;
  cuft::python::Read *get() { return read; }

private:
  struct State {
    bool busy = false;
    cuft::python::Read read;
  };
  /// One thread-local access per launch (each costs a call in a shared library).
  static State &state() {
    static thread_local State s;
    return s;
  }
  State &mine;
  std::unique_ptr<cuft::python::Read> owned;
  cuft::python::Read *read;
};
} // namespace

PyObject *cuft::python::runLaunch(PyObject *kernel, PyObject *launcherObject,
                                  const LaunchConfig &config, PyObject *const *args, size_t nargs,
                                  bool refusedIsMiss,
                                  std::optional<cuft::cache::EpochDomain::Guard> *callerGuard) {
  return callForC([&]() -> PyObject * {
    LaunchConfig l = config;
    l.interruptible = l.place.host() && onMainThread(); // Ctrl-C reaches the main thread
    auto &launcher = *static_cast<Launcher *>(launcherOf(launcherObject));
    ThreadRead slot;
    Read *read = slot.get();
    ArgumentProblem problem;
    py::object error;
    Launcher::Outcome outcome;
    {
      // The table and its module stay valid until the launch is done (the C
      // call holds a guard already: guards nest, but each costs a fence).
      std::optional<cuft::cache::EpochDomain::Guard> guard;
      if (!callerGuard)
        guard.emplace(cuft::cache::launchEpochs().enter());
      outcome = launcher.tryLaunch(l, args, nargs, *read, problem, error);
    }
    if (outcome == Launcher::Outcome::Done) {
      if (error && !error.is_none())
        raiseError(kernel, "launch-host", error);
      return Py_NewRef(Py_None);
    }
    if (outcome == Launcher::Outcome::Refused) {
      // Read again with the slow path's rights (it may order streams).
      read->packed.clear();
      read->keep.clear();
      problem = {};
      if (!launcher.readFor(args, nargs, launcher.destination(l, /*warm=*/false), *read,
                            problem)) {
        if (refusedIsMiss)
          return Py_NewRef(missSentinel()); // Python's slow path locates the problem
        raiseArgumentProblem(problem);
      }
    }
    // A miss compiles and loads (seconds, and waits for other threads'
    // loads): it holds a reference to the Launcher instead of the caller's
    // guard, so that replaced tables can be freed meanwhile (a guard held
    // for as long would keep every one, and every module they hold).
    py::object hold = py::reinterpret_borrow<py::object>(launcherObject);
    if (callerGuard)
      callerGuard->reset();
    launcher.launchMiss(kernel, l, *read);
    return Py_NewRef(Py_None);
  });
}

namespace {
/// The miss sentinel: made when the module is bound, held for the process.
PyObject *miss = nullptr;
} // namespace

PyObject *cuft::python::missSentinel() { return miss; }

void cuft::python::bindLauncher(py::module_ &m) {
  auto launcher = py::class_<Launcher>(
      m, "Launcher",
      "One kernel's table, for one frontend: (place, signature) -> loaded module, in front "
      "of the process-wide cache. Every launch of the kernel runs through it.");
  launcherType = reinterpret_cast<PyTypeObject *>(launcher.ptr());
  launcher
      .def(py::init([](const PyProgram &program, const std::vector<bool> &constexprArgs,
                       KernelCounters &counters, unsigned optLevel, bool fastMath,
                       py::object boundscheck, bool links, std::string tuples,
                       std::vector<std::string> declared, bool diskCache) {
             LauncherOptions o{program.value, constexprArgs, optLevel, fastMath,
                               boundscheck.is_none() ? -1 : int(boundscheck.cast<bool>()), links,
                               std::move(tuples), std::move(declared), diskCache};
             return new Launcher(std::move(o), counters);
           }),
           py::arg("program"), py::arg("constexpr_args"), py::arg("counters"),
           py::arg("opt_level"), py::arg("fast_math"), py::arg("boundscheck"), py::arg("links"),
           py::arg("tuples") = std::string(), py::arg("declared") = std::vector<std::string>(),
           py::arg("disk_cache") = true, py::keep_alive<1, 4>())
      .def(
          "module",
          [](Launcher &l, py::object kernel, const std::string &place, const std::string &sig,
             uintptr_t context, long long device, bool reload) {
            return PyLoaded{
                l.kernelFor(kernel.ptr(), placeNamed(place, context), device, sig, reload)};
          },
          py::arg("kernel"), py::arg("place"), py::arg("signature"), py::arg("context") = 0,
          py::arg("device") = 0, py::arg("reload") = false,
          "The loaded module of a signature at a place ('host', 'host+boundscheck', or "
          "'cuda' with its context and device): the table's, or compiled, loaded and "
          "inserted now.")
      .def(
          "specialization",
          [](Launcher &l, py::object kernel, const std::string &target, const std::string &sig,
             bool cubin) {
            Launcher::Linked linked;
            if (cubin)
              linked = l.linkFor(kernel.ptr(), target);
            return PySpecialization{
                l.specialization(kernel.ptr(), target, sig, cubin ? &linked : nullptr)};
          },
          py::arg("kernel"), py::arg("target"), py::arg("signature"), py::arg("cubin") = false,
          "The compiled specialization of a signature for a target ('host' or a chip; "
          "with cubin, linked with the kernel's link= files), from the process-wide cache.")
      .def(
          "exported",
          [](Launcher &l) {
            std::vector<std::string> entries;
            {
              py::gil_scoped_release release;
              entries = l.exported();
            }
            py::list out;
            for (const std::string &e : entries)
              out.append(py::bytes(e));
            return out;
          },
          "The compiled specializations this Launcher found, as bytes another process "
          "adds to its cache with import_specializations (a pickled kernel carries them).")
      .def(
          "adopt",
          [](Launcher &l, const std::vector<py::bytes> &entries) {
            std::vector<std::string> bytes(entries.begin(), entries.end());
            py::gil_scoped_release release;
            return l.adopt(bytes);
          },
          py::arg("entries"),
          "Adds exported specializations (another process's, from a pickled kernel) to the "
          "process-wide cache, and exports them again with this Launcher's. Bytes of another "
          "build of cuft, LLVM, libdevice or CPU are left out (a launch compiles). Returns "
          "how many were added.")
      .def("__len__", &Launcher::size)
      .def("retired_tables", &Launcher::retiredCount,
           "Replaced tables kept because a launch may still read them (after freeing "
           "those no launch can).");

  py::class_<PyLoaded>(m, "Module",
                       "A kernel's specialization loaded at a place (the host, or a CUDA "
                       "context); the module stays loaded while this lives.")
      .def_property_readonly("alive", [](const PyLoaded &m) { return m.kernel->alive(); })
      .def_property_readonly("context",
                             [](const PyLoaded &m) { return m.kernel->place.context; })
      .def_property_readonly("uses_fibers",
                             [](const PyLoaded &m) {
                               return m.kernel->hostKernel && m.kernel->hostKernel->usesFibers();
                             })
      .def(
          "max_cooperative_blocks",
          [](const PyLoaded &m, uint64_t threads, uint64_t dynamicShared) -> uint64_t {
            const LoadedKernel &k = *m.kernel;
            if (k.hostKernel)
              return cuft::host::maxCooperativeBlocks(*k.hostKernel, threads, dynamicShared);
            uint64_t blocks = 0;
            cuft::cuda::Error e;
            {
              py::gil_scoped_release release;
              e = cuft::cuda::maxCooperativeBlocks(
                  reinterpret_cast<cuft::cuda::Context>(k.place.context), k.cudaModule->module(),
                  threads, dynamicShared, blocks);
            }
            if (e)
              throw py::value_error(e.message());
            return blocks;
          },
          py::arg("threads"), py::arg("dynamic_shared") = 0,
          "The most blocks of `threads` threads (and dynamic shared bytes) that run at once "
          "here: the largest grid that may sync (cuft.cg).")
      .def_property_readonly("shared_bytes",
                             [](const PyLoaded &m) -> uint64_t {
                               return m.kernel->hostKernel ? m.kernel->hostKernel->sharedBytes()
                                                           : 0;
                             })
      .def("__repr__", [](const PyLoaded &m) {
        const LoadedKernel &k = *m.kernel;
        std::string where = k.place.host() ? "host" : "cuda";
        std::string name = k.hostKernel ? k.hostKernel->name() : k.cudaModule->module().kernel;
        return "<cuft " + where + " module " + name +
               (k.hostKernel && k.hostKernel->usesFibers() ? " (fibers)" : "") +
               (k.alive() ? "" : " (unloaded)") + ">";
      });
  m.def(
      "set_error_hooks",
      [](py::object raiseError, py::object link) {
        PyObject *expected = nullptr;
        if (raiseErrorHook.compare_exchange_strong(expected, raiseError.ptr()))
          raiseError.release(); // held for the life of the process
        expected = nullptr;
        if (linkHook.compare_exchange_strong(expected, link.ptr()))
          link.release();
      },
      py::arg("raise_error"), py::arg("link_for"),
      "Registers cuft.dispatcher's raise_error(kind, kernel, payload) and link_for(kernel, "
      "chip) -> (inputs, setup, teardown, identity).");
  if (!miss && !(miss = PyObject_CallNoArgs(reinterpret_cast<PyObject *>(&PyBaseObject_Type))))
    throw py::error_already_set();
  m.def(
      "register_device_array",
      [](py::type cls) {
        cuft::python::registerDeviceArray(reinterpret_cast<PyTypeObject *>(cls.ptr()));
      },
      py::arg("cls"),
      "Registers cuft.DeviceArray: launches read its instances' `_launch` form "
      "(device_array_form).");
  m.def("device_array_form", &cuft::python::deviceArrayForm, py::arg("typestr"), py::arg("data"),
        py::arg("shape"), py::arg("strides"), py::arg("device"),
        "A DeviceArray's launch form: the argument reader's rules applied once to its "
        "typestr, pointer, shape, byte strides and device.");
  py::class_<PyKernelArgs>(m, "KernelArgs", "A launch's arguments in the kernel ABI (read_arguments).")
      .def("__len__", [](const PyKernelArgs &a) { return a.args.size(); });
  m.def(
      "read_arguments",
      [](py::sequence args, const std::vector<bool> &constexprArgs, const std::string &memory,
         uintptr_t context, long long device, uintptr_t stream) -> py::tuple {
        Destination to;
        if (memory == "host")
          to.memory = Memory::Host;
        else if (memory == "cuda")
          to = {Memory::Cuda, context, device, stream};
        else if (memory != "none")
          throw py::value_error("read_arguments: memory is 'none', 'host' or 'cuda'");
        py::tuple items(args);
        auto packed = std::make_unique<PyKernelArgs>();
        std::string sig;
        ArgumentProblem problem;
        if (!readArguments(&PyTuple_GET_ITEM(items.ptr(), 0), items.size(), constexprArgs, to,
                           sig, to.memory == Memory::None ? nullptr : &packed->args, packed->keep,
                           problem))
          raiseArgumentProblem(problem);
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
  // Bound by hand (METH_FASTCALL): pybind11's general argument dispatch, and on
  // the free-threaded build its casts to a bound class (a process-wide lock),
  // would cost more than the rest of a launch.
  static PyMethodDef raw[] = {
      {"launch", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&launchPy)),
       METH_FASTCALL,
       "launch(launcher, kernel, place, context, device, stream, grid, block, shared_bytes, "
       "args): the one launch path (read, look up, compile and load on a miss, launch); "
       "place is 'host', 'host+boundscheck' or 'cuda'. Raises cuft.signature.ArgumentError "
       "for an argument it refuses."},
      {"captures_unchanged", &capturesUnchangedPy, METH_O,
       "captures_unchanged(checks): whether each (cell, None, name, value) or (globals, "
       "builtins, name, value) still finds that very value (see "
       "FrontendResult.identity_checks); False means it may have changed."},
      {nullptr, nullptr, 0, nullptr}};
  if (PyModule_AddFunctions(m.ptr(), raw) != 0)
    throw py::error_already_set();
}
