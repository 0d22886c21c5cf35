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
} // namespace cuft

#endif
