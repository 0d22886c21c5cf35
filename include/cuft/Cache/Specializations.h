//===- Specializations.h - the process-wide cache and module registry -*- C++ -*-===//
//
// What the Python package and the launch path share between all threads: one
// CompileCache of compiled specializations and, per target, one ModuleRegistry
// of loaded modules. Both live until the process ends (never destroyed, so no
// exit-time destructor can race a thread that still launches).
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CACHE_SPECIALIZATIONS_H
#define CUFT_CACHE_SPECIALIZATIONS_H

#include "cuft/Cache/CompileCache.h"
#include "cuft/Cache/ModuleRegistry.h"
#include "cuft/Compiler/Compiler.h"
#include "cuft/Runtime/CUDA/Runtime.h"
#include "cuft/Runtime/Host.h"

#include <memory>
#include <string>
#include <vector>

namespace cuft {

/// One compiled specialization (a kernel for one signature, target and set of
/// options), or the diagnostics of its failed compile. Immutable once cached.
struct Specialization {
  bool succeeded = false;
  std::vector<Diagnostic> diagnostics;
  std::string ptx;                                // the cuda target's PTX
  std::shared_ptr<const cuda::Cubin> cubin;       // the PTX linked for its chip
  std::shared_ptr<const host::Object> hostObject; // the host target's object code
  bool ok() const { return succeeded; }
};

using SpecializationCache = cache::CompileCache<Specialization>;

/// The process-wide compile cache.
SpecializationCache &specializationCache();

/// A host module: a JIT-linked kernel. Launches hold their own reference to
/// the Kernel, so unloading never frees code a running launch uses.
struct HostModule {
  std::shared_ptr<const host::Kernel> kernel;
};

using HostModuleRegistry = cache::ModuleRegistry<host::Object, HostModule>;

/// The host target's module registry; its one context is this process.
HostModuleRegistry &hostModules();
inline constexpr HostModuleRegistry::ContextId kHostContext = 0;

/// Identifies this build of cuft; part of every cache key, so a cache tier
/// that outlives the process never serves another build's code.
const char *buildId();

} // namespace cuft

#endif
