//===- Target.h - load a specialization at a place, launch it -*- C++ -*-===//
//
// The runtime's one interface over both targets. A Place is where a launch
// runs: the host (this process; with or without bounds checks, which are two
// compiled variants) or a CUDA context. load() brings a compiled
// Specialization there, once per place however many threads ask (the
// ModuleRegistry); launch() runs a LoadedKernel with arguments in the kernel
// ABI (KernelArgs). A C++ client launches a kernel with lookupSpecialization
// (cuft/Compiler/Specialize.h), load and launch; LaunchTable keeps what it
// loaded. The Python binding adds the reading of arguments and the rendering
// of errors, nothing else.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_TARGET_H
#define CUFT_RUNTIME_TARGET_H

#include "cuft/Cache/Specializations.h"
#include "cuft/Runtime/KernelArgs.h"

#include <cstdint>
#include <memory>
#include <string>

namespace cuft {

/// Where a launch runs.
struct Place {
  enum Kind : uint8_t { Host, HostChecked, Cuda } kind = Host;
  uintptr_t context = 0; // Cuda: the CUcontext
  bool host() const { return kind != Cuda; }
  friend bool operator==(const Place &a, const Place &b) {
    return a.kind == b.kind && a.context == b.context;
  }
};

/// One launch: where, and its configuration.
struct LaunchConfig {
  Place place;
  long long device = 0; // Cuda: the context's device
  uintptr_t stream = 0; // Cuda: the CUstream
  uint32_t grid[3] = {1, 1, 1}, block[3] = {1, 1, 1};
  uint32_t shared = 0;        // dynamic shared memory, in bytes
  bool interruptible = false; // host: stop at Ctrl-C (Python's main thread)
};

/// A specialization loaded at one place: what a launch needs. It holds the
/// registry's lease, so the module stays loaded while it lives; alive() turns
/// false when it is unloaded all the same (cuft.unload_modules()), and then a
/// launch reports it unloaded rather than run it.
struct LoadedKernel {
  Place place;
  std::shared_ptr<const HostModuleRegistry::Loaded> hostModule;
  std::shared_ptr<const host::Kernel> hostKernel; // mapped while this lives
  std::shared_ptr<const cuda::ModuleRegistry::Loaded> cudaModule;
  std::shared_ptr<void> lease;
  bool alive() const { return hostModule ? hostModule->alive() : cudaModule->alive(); }
};

struct LoadResult {
  std::shared_ptr<const LoadedKernel> kernel; // null on failure
  std::string error; // Cuda: cuda::Error::message() text, or a setup callback's failure
  bool loadedNow = false; // this call loaded it (and ran setup)
};

/// Loads `spec` at `place`: the host object JIT-linked once per process, the
/// cubin once per CUDA context with `callbacks` (setup after the load,
/// teardown before the unload). Blocks while another thread loads it.
LoadResult load(const std::shared_ptr<const Specialization> &spec, const Place &place,
                const cuda::ModuleRegistry::Callbacks &callbacks = {});

/// What a launch came to.
struct LaunchResult {
  bool unloaded = false;    // the module was unloaded: load again and relaunch
  host::LaunchError host;   // a host launch's failure
  cuda::Error cuda;         // a CUDA launch's failure
  bool ok() const { return !unloaded && !host && !cuda; }
};

/// Runs `kernel` with `args` as `config` says, and returns when a host launch
/// is done or a CUDA launch is queued. Thread-safe.
LaunchResult launch(const LoadedKernel &kernel, const LaunchConfig &config, KernelArgs &args);

} // namespace cuft

#endif
