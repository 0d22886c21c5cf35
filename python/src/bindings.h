//===- bindings.h - one bind function per area ------------------*- C++ -*-===//
#ifndef CUFT_PYTHON_BINDINGS_H
#define CUFT_PYTHON_BINDINGS_H

#include "cuft/Cache/Specializations.h"

#include <pybind11/pybind11.h>

#include <memory>
#include <vector>

namespace cuft::python {
/// A compiled specialization from the process-wide cache, as Python holds it.
struct PySpecialization {
  std::shared_ptr<const Specialization> value;
};

/// A loaded host module as Python holds it: the registry's handle (alive()
/// turns false when it is unloaded) and the kernel, kept mapped by this
/// reference for as long as a launch may use it.
struct PyHostModule {
  std::shared_ptr<const HostModuleRegistry::Loaded> handle;
  std::shared_ptr<const host::Kernel> kernel;
};

/// cuda_driver_status, cuda_result_name, cuda_driver_init_count
void bindCuda(pybind11::module_ &m);
/// link_cubin, compile_cuda, linker_problem
void bindLink(pybind11::module_ &m);
/// KernelCounters, Specialization, HostModule, specialize, load_host,
/// unload_host_modules, cache_info
void bindCache(pybind11::module_ &m);
/// Diagnostics as (severity, file, line, column, message) tuples.
pybind11::list diagnosticsToPython(const std::vector<Diagnostic> &diagnostics);

/// compile(ir, signature, stage, kernel, chip, opt_level, fast_math, libdevice)
void bindCompiler(pybind11::module_ &m);
/// dlpack_layout(capsule) -> (code, bits, lanes, shape, strides)
void bindDLPack(pybind11::module_ &m);
/// compile_host_llvm, launch_host, host_pool_size
void bindHost(pybind11::module_ &m);
} // namespace cuft::python

#endif
