//===- Registration.h - what cuft's tools need registered -------*- C++ -*-===//
#ifndef CUFT_REGISTRATION_REGISTRATION_H
#define CUFT_REGISTRATION_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace cuft {
/// cuft's dialect plus the upstream dialects, interfaces and translations its
/// pipeline lowers through (and nothing else, to keep tools small).
void registerCuftDialects(mlir::DialectRegistry &registry);
/// cuft's passes and pipelines plus the upstream passes cuft-opt users need.
void registerCuftPasses();
} // namespace cuft

#endif
