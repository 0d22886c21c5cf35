//===- cache.cpp - Python binding of the compile cache and host modules ---===//
//
// The dispatcher's slow path: a signature its fast table does not hold goes
// here, to the process-wide CompileCache (compiled once, however many threads
// ask) and, on the host target, to the ModuleRegistry (loaded once). The GIL
// is released while compiling, loading and waiting for another thread's
// compile. Counters are atomics: no Python-level lock anywhere.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include "cuft/Cache/Counter.h"
#include "cuft/Cache/DiskCache.h"
#include "cuft/Cache/Specializations.h"

#include "cuft/Compiler/Specialize.h"

#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <tuple>

namespace py = pybind11;
using cuft::Specialization;
using cuft::python::KernelCounters;
using cuft::python::PyProgram;
using cuft::python::PySpecialization;
using cuft::python::dispatchHits;

namespace {


/// `lookup` on a compile thread (cuft::submitCompile) while Python's main thread waits for it:
/// Ctrl-C raises KeyboardInterrupt within 20 ms, and the compile goes on in the
/// background, so its result is cached for the next call. The thread holds
/// copies of what it compiles.
cuft::SpecializationCache::Lookup interruptibleLookup(const cuft::SpecializationRequest &r) {
  struct State {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    cuft::SpecializationCache::Lookup result;
  };
  auto state = std::make_shared<State>();
  cuft::submitCompile([state, r] {
    cuft::SpecializationCache::Lookup found = cuft::lookupSpecialization(r);
    std::lock_guard<std::mutex> lock(state->mutex);
    state->result = std::move(found);
    state->done = true;
    state->cv.notify_all();
  });
  for (;;) {
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(state->mutex);
      if (state->cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return state->done; }))
        return std::move(state->result);
    }
    if (PyErr_CheckSignals() != 0)
      throw py::error_already_set();
  }
}

py::dict cacheInfo() {
  cuft::specializationCache().trim(); // what died since the last trim
  auto cache = cuft::specializationCache().stats();
  auto modules = cuft::hostModules().stats();
  auto gpu = cuft::cuda::modules().stats(); // every CUDA context's
  modules.loads += gpu.loads;
  modules.unloads += gpu.unloads;
  modules.live += gpu.live;
  modules.waits += gpu.waits;
  py::dict d;
  d["compiles"] = cache.compiles;
  d["hits"] = cache.hits + dispatchHits().read();
  d["waits"] = cache.waits + modules.waits;
  d["failures"] = cache.failures;
  d["entries"] = cache.entries;
  d["unused"] = cache.unused;
  d["limit"] = cache.limit == cuft::SpecializationCache::kUnlimited ? py::object(py::none())
                                                                   : py::int_(cache.limit);
  d["evictions"] = cache.evictions;
  d["loads"] = modules.loads;
  d["unloads"] = modules.unloads;
  d["modules"] = modules.live;
  const cuft::cache::DiskCache &disk = cuft::cache::diskCache();
  cuft::cache::DiskCache::Stats ds = disk.stats();
  py::dict dd;
  dd["directory"] = disk.enabled() ? py::object(py::str(disk.directory())) : py::object(py::none());
  dd["status"] = disk.status().empty() ? std::string("on") : disk.status();
  dd["hits"] = ds.hits;
  dd["misses"] = ds.misses;
  dd["writes"] = ds.writes;
  dd["corrupt"] = ds.corrupt;
  dd["waits"] = ds.waits;
  dd["broken_locks"] = ds.brokenLocks;
  dd["evictions"] = ds.evictions;
  dd["limit_bytes"] = disk.limitBytes();
  d["disk"] = dd;
  return d;
}

} // namespace

cuft::SpecializationCache::Lookup
cuft::python::lookupForPython(const cuft::SpecializationRequest &r, const cuft::cache::Key &key) {
  // A finished entry is a hit that cannot block: no thread, no GIL released.
  if (cuft::SpecializationCache::Value found = cuft::specializationCache().tryHit(key))
    return {std::move(found), cuft::SpecializationCache::Outcome::Hit};
  if (onMainThread())
    return interruptibleLookup(r);
  py::gil_scoped_release release;
  return cuft::lookupSpecialization(r, key);
}

void cuft::python::kernelReleased() {
  cuft::SpecializationCache &cache = cuft::specializationCache();
  if (cache.limit() != cuft::SpecializationCache::kUnlimited)
    cache.trim();
}

cuft::cache::StripedCounter &cuft::python::dispatchHits() {
  static auto *counter = new cuft::cache::StripedCounter();
  return *counter;
}

void KernelCounters::count(cuft::SpecializationCache::Outcome outcome) {
  using Outcome = cuft::SpecializationCache::Outcome;
  if (outcome == Outcome::Compiled)
    compiles.fetch_add(1, std::memory_order_relaxed);
  else if (outcome == Outcome::Waited)
    waits.fetch_add(1, std::memory_order_relaxed);
  else
    hits.add(1); // the process-wide cache counts its own hits
}

py::dict KernelCounters::snapshot() const {
  py::dict d;
  d["compiles"] = compiles.load(std::memory_order_relaxed);
  d["hits"] = hits.read();
  d["waits"] = waits.load(std::memory_order_relaxed);
  d["loads"] = loads.load(std::memory_order_relaxed);
  return d;
}

void cuft::python::bindCache(py::module_ &m) {
  py::class_<PyProgram>(m, "Program",
                        "A kernel's generic IR and its digest, what its specializations are "
                        "compiled from and keyed by; made once per frontend result.")
      .def(py::init([](std::string ir, std::string kernel) {
             return PyProgram{cuft::Program::make(std::move(ir), std::move(kernel))};
           }),
           py::arg("ir"), py::arg("kernel"))
      .def_property_readonly("kernel", [](const PyProgram &p) { return p.value->kernel; })
      .def_property_readonly("digest",
                             [](const PyProgram &p) { return py::bytes(p.value->digest); });

  py::class_<KernelCounters>(m, "KernelCounters", "A kernel's cache counters (atomics).")
      .def(py::init<>())
      .def("hit", &KernelCounters::hit, "Count a fast-path hit.")
      .def("snapshot", &KernelCounters::snapshot,
           "{'compiles', 'hits', 'waits', 'loads'} as they are now.");

  py::class_<PySpecialization>(m, "Specialization",
                               "A compiled specialization from the process-wide cache.")
      .def_property_readonly("ptx", [](const PySpecialization &s) { return s.value->ptx; })
      .def_property_readonly("host_llvm_ir",
                             [](const PySpecialization &s) {
                               return s.value->hostObject ? s.value->hostObject->llvmIR
                                                          : std::string();
                             })
      .def_property_readonly("cubin",
                             [](const PySpecialization &s) -> py::object {
                               if (!s.value->cubin)
                                 return py::none();
                               return py::bytes(s.value->cubin->image);
                             })
      .def_property_readonly("target", [](const PySpecialization &s) {
        return s.value->hostObject ? "host" : "cuda";
      });

  m.def(
      "unload_host_modules", [] {
        py::gil_scoped_release release;
        return cuft::hostModules().teardownContext(cuft::kHostContext);
      },
      "Unloads every host module (teardown callbacks first); later launches load again. "
      "Returns how many were loaded.");

  m.def("build_id", [] { return std::string(cuft::buildId()); },
        "This build of cuft's identity, part of every cache key.");
  m.def(
      "import_specializations",
      [](const std::vector<py::bytes> &entries) {
        std::vector<std::string> bytes(entries.begin(), entries.end());
        size_t added = 0;
        py::gil_scoped_release release;
        for (const std::string &b : bytes)
          added += cuft::importSpecialization(b);
        return added;
      },
      py::arg("entries"),
      "Adds specializations another process compiled (Launcher.exported's bytes) to the "
      "process-wide cache; bytes of another build of cuft, LLVM, libdevice or CPU are "
      "left out (a launch compiles). Returns how many were added.");
  m.def("cache_info", &cacheInfo,
        "Process-wide counters: compiles, hits, waits, failures, entries (cached "
        "specializations; a linked cubin is an entry of its own beside its PTX), unused "
        "(entries no live kernel or loaded module uses), limit (unused entries kept at "
        "most; None: no bound), evictions, loads, unloads, modules (loaded now, on the "
        "host and in every CUDA context), disk (the disk tier: directory, status, hits, misses "
        "(compiled here), writes, corrupt (bad entries recompiled), waits (for another "
        "process's compile), broken_locks).");
  m.def(
      "set_cache_limit",
      [](std::optional<size_t> limit) -> py::object {
        size_t old;
        {
          py::gil_scoped_release release;
          old = cuft::specializationCache().setLimit(
              limit ? *limit : cuft::SpecializationCache::kUnlimited);
        }
        if (old == cuft::SpecializationCache::kUnlimited)
          return py::none();
        return py::int_(old);
      },
      py::arg("limit"),
      "Keep at most `limit` compiled specializations that no live kernel uses (None: "
      "all), evicting the least recently used now and whenever the cache grows past it. "
      "Returns the previous limit.");
}
