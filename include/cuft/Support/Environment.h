//===- Environment.h - cuft's on/off environment variables ------*- C++ -*-===//
//
// Header-only (every layer reads such switches, the runtime included).
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_SUPPORT_ENVIRONMENT_H
#define CUFT_SUPPORT_ENVIRONMENT_H

#include <cstdlib>
#include <string_view>

namespace cuft {

/// Whether switch `name` (CUFT_TIMING, CUFT_VERIFY_PASSES, CUFT_HOST_FIBERS)
/// is on: set, not empty and not "0". Callers read it once.
inline bool environmentFlag(const char *name) {
  const char *v = std::getenv(name);
  return v && *v && std::string_view(v) != "0";
}

} // namespace cuft

#endif
