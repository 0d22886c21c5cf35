//===- Epochs.cpp - the launch path's one epoch domain --------------------===//

#include "cuft/Cache/Epochs.h"

cuft::cache::EpochDomain &cuft::cache::launchEpochs() {
  // Never destroyed: launches may still run while the process exits.
  static auto *domain = new EpochDomain();
  return *domain;
}
