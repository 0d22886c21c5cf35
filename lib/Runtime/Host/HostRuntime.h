//===- HostRuntime.h - functions JIT-compiled kernels call -----*- C++ -*-===//
#ifndef CUFT_LIB_RUNTIME_HOST_HOSTRUNTIME_H
#define CUFT_LIB_RUNTIME_HOST_HOSTRUNTIME_H

#include <vector>

namespace cuft::host::detail {

struct RuntimeSymbol {
  const char *name;
  void *address;
};

/// The runtime functions a host kernel may call, to bind in each JIT.
const std::vector<RuntimeSymbol> &runtimeSymbols();

} // namespace cuft::host::detail

#endif
