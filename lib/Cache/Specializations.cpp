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

const char *cuft::buildId() { return CUFT_BUILD_ID; }
