//===- Specializations.cpp - the process-wide cache and registry ----------===//

#include "cuft/Cache/Specializations.h"

#ifndef CUFT_BUILD_ID
#define CUFT_BUILD_ID "dev"
#endif

cuft::SpecializationCache &cuft::specializationCache() {
  // Never destroyed: threads may still compile while the process exits.
  static auto *cache = new SpecializationCache();
  return *cache;
}

cuft::HostModuleRegistry &cuft::hostModules() {
  static auto *registry = new HostModuleRegistry(HostModuleRegistry::Loader{
      [](const host::Object &object, HostModuleRegistry::ContextId,
         std::string &error) -> std::unique_ptr<HostModule> {
        std::unique_ptr<host::Kernel> kernel = host::load(object, error);
        if (!kernel)
          return nullptr;
        return std::make_unique<HostModule>(HostModule{std::move(kernel)});
      },
      // Nothing to do in place: the code is freed with the last reference to
      // the Kernel (the module's, and those of the launches using it).
      [](HostModule &, HostModuleRegistry::ContextId) {}},
      /*shards=*/64, /*unloadWhenUnused=*/true);
  return *registry;
}

const char *cuft::buildId() { return CUFT_BUILD_ID; }
