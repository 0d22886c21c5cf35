//===- Target.cpp - load a specialization at a place, launch it -----------===//

#include "cuft/Runtime/Target.h"

cuft::LoadResult cuft::load(const std::shared_ptr<const Specialization> &spec, const Place &place,
                            const cuda::ModuleRegistry::Callbacks &callbacks) {
  LoadResult out;
  auto kernel = std::make_shared<LoadedKernel>();
  kernel->place = place;
  if (place.host()) {
    if (!spec->hostObject) {
      out.error = "not a host specialization";
      return out;
    }
    // The artifact shares the specialization's count: while the module is
    // loaded, its cache entry is in use and never evicted.
    HostModuleRegistry::Result r = hostModules().get(
        std::shared_ptr<const host::Object>(spec, spec->hostObject.get()), kHostContext);
    out.loadedNow = r.loadedNow;
    if (!r.module) {
      out.error = r.error;
      return out;
    }
    // Taken while the module is alive: the code stays mapped for as long as
    // this kernel (and any launch from it) lives, even past an unload.
    kernel->hostKernel = r.module->module().kernel;
    kernel->hostModule = std::move(r.module);
    kernel->lease = std::move(r.lease);
  } else {
    if (!spec->cubin) {
      out.error = "not a linked CUDA specialization";
      return out;
    }
    cuda::ModuleRegistry::Result r = cuda::modules().get(
        std::shared_ptr<const cuda::Cubin>(spec, spec->cubin.get()), place.context, callbacks);
    out.loadedNow = r.loadedNow;
    if (!r.module) {
      out.error = r.error;
      return out;
    }
    kernel->cudaModule = std::move(r.module);
    kernel->lease = std::move(r.lease);
  }
  out.kernel = std::move(kernel);
  return out;
}

cuft::LaunchResult cuft::launch(const LoadedKernel &kernel, const LaunchConfig &config,
                                KernelArgs &args) {
  LaunchResult out;
  void *const *params = args.finish();
  if (kernel.place.host()) {
    if (!kernel.hostModule->alive()) {
      out.unloaded = true;
      return out;
    }
    if (host::LaunchError e = host::launch(*kernel.hostKernel, config.grid, config.block, params,
                                           args.size(), config.interruptible, config.shared))
      out.host = std::move(e);
    return out;
  }
  out.cuda = cuda::launch(reinterpret_cast<cuda::Context>(config.place.context),
                          kernel.cudaModule->module(), config.grid, config.block, config.shared,
                          reinterpret_cast<cuda::Stream>(config.stream),
                          const_cast<void **>(params));
  if (out.cuda.kind == cuda::Error::Kind::Unloaded) {
    out.unloaded = true;
    out.cuda = {};
  }
  return out;
}
