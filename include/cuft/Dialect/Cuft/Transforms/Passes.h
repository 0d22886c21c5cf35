//===- Passes.h - cuft-level passes -----------------------------*- C++ -*-===//
#ifndef CUFT_DIALECT_CUFT_TRANSFORMS_PASSES_H
#define CUFT_DIALECT_CUFT_TRANSFORMS_PASSES_H

#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cuft {
#define GEN_PASS_DECL
#include "cuft/Dialect/Cuft/Transforms/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "cuft/Dialect/Cuft/Transforms/Passes.h.inc"

/// Folds every operation of `region` and its nested regions, deduplicating
/// constants and hoisting them to their region's entry, then erases the
/// operations left unused and without effects: the canonicalizer's folding,
/// without its patterns (cuft-fold; Fold.cpp).
void foldAll(mlir::Region &region);
} // namespace cuft

#endif
