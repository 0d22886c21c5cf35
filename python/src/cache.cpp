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
#include "cuft/Cache/Specializations.h"

#include "cuft/Target/NVPTX/Link.h"

#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <tuple>

namespace py = pybind11;
using cuft::Specialization;
using cuft::python::PyHostModule;
using cuft::python::KernelCounters;
using cuft::python::PySpecialization;
using cuft::python::dispatchHits;
using SpecializationPtr = std::shared_ptr<const Specialization>;

namespace {


/// What the key of a specialization holds besides the IR and the signature.
struct Request {
  std::string target; // "host" or a chip ("sm_90")
  std::string kernel;
  unsigned optLevel = 3;
  bool fastMath = false, boundsCheck = false;
  bool cubin = false; // link the PTX (with `inputs`) into a cubin
  std::vector<cuft::nvptx::LinkInput> inputs;
  std::string callbacks; // which linked callbacks set up its modules ("" for none)
};

cuft::cache::Key keyOf(const std::string &ir, const std::string &signature, const Request &r) {
  cuft::cache::Key key;
  key.add(cuft::buildId())
      .add(r.target)
      .add(r.kernel)
      .add(uint64_t(r.optLevel))
      .add(uint64_t(r.fastMath) | uint64_t(r.boundsCheck) << 1 | uint64_t(r.cubin) << 2)
      .add(signature)
      .add(ir);
  // What the kernel links is part of what it is.
  for (const auto &in : r.inputs)
    key.add(uint64_t(in.kind)).add(in.name).add(in.data);
  if (!r.callbacks.empty())
    key.add(r.callbacks);
  return key;
}

SpecializationPtr compileSpecialization(const std::string &ir, const std::string &signature,
                                        const Request &r);

/// The specialization of `r` from the process-wide cache: compiled by the
/// first caller, waited for by the others.
cuft::SpecializationCache::Lookup lookup(const std::string &ir, const std::string &signature,
                                         const Request &r) {
  return cuft::specializationCache().getOrCompile(
      keyOf(ir, signature, r), [&] { return compileSpecialization(ir, signature, r); });
}

/// `lookup` on a thread of its own while Python's main thread waits for it:
/// Ctrl-C raises KeyboardInterrupt within 20 ms, and the compile goes on in the
/// background, so its result is cached for the next call. The thread holds
/// copies of what it compiles.
cuft::SpecializationCache::Lookup interruptibleLookup(const std::string &ir,
                                                      const std::string &signature,
                                                      const Request &r) {
  struct State {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    cuft::SpecializationCache::Lookup result;
  };
  auto state = std::make_shared<State>();
  std::thread([state, ir, signature, r] {
    cuft::SpecializationCache::Lookup found = lookup(ir, signature, r);
    std::lock_guard<std::mutex> lock(state->mutex);
    state->result = std::move(found);
    state->done = true;
    state->cv.notify_all();
  }).detach();
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

/// The PTX of `r` (from the cache, so a cubin and inspect(stage="ptx") share
/// one compile) linked with `r.inputs` into a cubin.
SpecializationPtr linkSpecialization(const std::string &ir, const std::string &signature,
                                     const Request &r) {
  Request ptxOnly = r;
  ptxOnly.cubin = false;
  ptxOnly.inputs.clear();
  ptxOnly.callbacks.clear();
  SpecializationPtr ptx = lookup(ir, signature, ptxOnly).value;
  if (!ptx || !ptx->ok())
    return ptx;
  auto out = std::make_shared<Specialization>(*ptx);
  std::vector<cuft::nvptx::LinkInput> inputs = r.inputs;
  inputs.insert(inputs.begin(), {cuft::nvptx::InputKind::PTX, r.kernel + ".ptx", out->ptx});
  bool lto = false;
  for (const auto &in : inputs)
    lto |= in.kind == cuft::nvptx::InputKind::LTOIR;
  cuft::nvptx::LinkResult linked = cuft::nvptx::link(inputs, r.target, r.optLevel, lto);
  if (!linked.ok) {
    out->succeeded = false;
    // Severity "link-error": Python raises cuft.LinkError for it.
    out->diagnostics.push_back(
        {"link-error", "", 0, 0, "cannot link for " + r.target + ": " + linked.error});
  } else {
    out->cubin =
        std::make_shared<cuft::cuda::Cubin>(cuft::cuda::Cubin{std::move(linked.cubin), r.kernel});
  }
  return out;
}

SpecializationPtr compileSpecialization(const std::string &ir, const std::string &signature,
                                        const Request &r) {
  if (r.cubin)
    return linkSpecialization(ir, signature, r);
  auto out = std::make_shared<Specialization>();
  if (r.target == "host") {
    cuft::host::Options options;
    options.optLevel = r.optLevel;
    options.fastMath = r.fastMath;
    options.boundsCheck = r.boundsCheck;
    cuft::host::ObjectResult result = cuft::host::compileObject(ir, signature, r.kernel, options);
    out->succeeded = result.ok;
    out->diagnostics = std::move(result.diagnostics);
    out->hostObject = std::move(result.object);
  } else {
    cuft::CompileOptions options;
    options.chip = r.target;
    options.optLevel = r.optLevel;
    options.fastMath = r.fastMath;
    cuft::CompileResult result = cuft::compile(ir, signature, r.kernel, cuft::Stage::PTX, options);
    out->succeeded = result.ok;
    out->diagnostics = std::move(result.diagnostics);
    out->ptx = std::move(result.text);
  }
  return out;
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
  return d;
}

} // namespace

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
      "specialize",
      [](const std::string &ir, const std::string &signature, const std::string &target,
         const std::string &kernel, unsigned optLevel, bool fastMath, bool boundsCheck,
         KernelCounters &counters, bool cubin,
         const std::vector<std::tuple<int, std::string, py::bytes>> &inputs,
         const std::string &callbacks) -> py::tuple {
        Request r{target, kernel, optLevel, fastMath, boundsCheck && target == "host",
                  cubin && target != "host", {}, callbacks};
        for (const auto &[kind, name, data] : inputs)
          r.inputs.push_back({static_cast<cuft::nvptx::InputKind>(kind), name, std::string(data)});
        cuft::SpecializationCache::Lookup found;
        // A finished entry is a hit that cannot block: no thread for it.
        if (cuft::python::onMainThread() &&
            !cuft::specializationCache().find(keyOf(ir, signature, r))) {
          found = interruptibleLookup(ir, signature, r);
        } else {
          py::gil_scoped_release release;
          found = lookup(ir, signature, r);
        }
        counters.count(found.outcome);
        if (!found.value)
          return py::make_tuple(false, py::none(),
                                cuft::python::diagnosticsToPython({{"error", "", 0, 0,
                                                      "the compile was interrupted"}}));
        return py::make_tuple(found.value->ok(), PySpecialization{found.value},
                              cuft::python::diagnosticsToPython(found.value->diagnostics));
      },
      py::arg("ir"), py::arg("signature"), py::arg("target"), py::arg("kernel"),
      py::arg("opt_level"), py::arg("fast_math"), py::arg("bounds_check"),
      py::arg("counters"), py::arg("cubin") = false,
      py::arg("link_inputs") = std::vector<std::tuple<int, std::string, py::bytes>>(),
      py::arg("callbacks") = "",
      "The specialization of kernel `kernel` of generic IR `ir` for `signature` on "
      "`target` ('host' or a chip), compiled once per process however many threads ask "
      "(with `cubin`, its PTX linked with `link_inputs`; `callbacks` names the setup and "
      "teardown callbacks its modules get, so different ones get different modules). "
      "Returns (ok, Specialization, diagnostics); a failed compile reaches every thread "
      "that waited for it, and the next call compiles again.");

  py::class_<PyHostModule>(m, "HostModule",
                           "A specialization loaded into this process (the host context).")
      .def_property_readonly("alive", [](const PyHostModule &h) { return h.handle->alive(); })
      .def_property_readonly("uses_fibers",
                             [](const PyHostModule &h) { return h.kernel->usesFibers(); })
      .def_property_readonly("shared_bytes",
                             [](const PyHostModule &h) { return h.kernel->sharedBytes(); })
      .def("__repr__", [](const PyHostModule &h) {
        return "<cuft host module " + h.kernel->name() +
               (h.kernel->usesFibers() ? " (fibers)" : "") +
               (h.handle->alive() ? "" : " (unloaded)") + ">";
      });

  m.def(
      "load_host",
      [](const PySpecialization &s, KernelCounters &counters) -> py::tuple {
        if (!s.value->hostObject)
          throw py::value_error("not a host specialization");
        cuft::HostModuleRegistry::Result r;
        {
          py::gil_scoped_release release;
          // The artifact shares the specialization's count: while the module
          // is loaded, its cache entry is in use and never evicted.
          r = cuft::hostModules().get(
              std::shared_ptr<const cuft::host::Object>(s.value, s.value->hostObject.get()),
              cuft::kHostContext);
        }
        if (r.loadedNow)
          counters.loads.fetch_add(1, std::memory_order_relaxed);
        if (!r.module)
          return py::make_tuple(py::none(), r.error);
        // Taken while the module is alive: the code stays mapped for as long
        // as this object (and any launch from it) lives, even past an unload.
        return py::make_tuple(PyHostModule{r.module, r.module->module().kernel, r.lease}, "");
      },
      py::arg("specialization"), py::arg("counters"),
      "The host module of a specialization: JIT-loaded once per process. Returns "
      "(HostModule, '') or (None, error).");

  m.def(
      "unload_host_modules", [] {
        py::gil_scoped_release release;
        return cuft::hostModules().teardownContext(cuft::kHostContext);
      },
      "Unloads every host module (teardown callbacks first); later launches load again. "
      "Returns how many were loaded.");

  m.def("cache_info", &cacheInfo,
        "Process-wide counters: compiles, hits, waits, failures, entries (cached "
        "specializations; a linked cubin is an entry of its own beside its PTX), unused "
        "(entries no live kernel or loaded module uses), limit (unused entries kept at "
        "most; None: no bound), evictions, loads, unloads, modules (loaded now, on the "
        "host and in every CUDA context).");
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
