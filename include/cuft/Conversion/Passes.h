//===- Passes.h - cuft lowering passes --------------------------*- C++ -*-===//
#ifndef CUFT_CONVERSION_PASSES_H
#define CUFT_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cuft {
#define GEN_PASS_DECL
#include "cuft/Conversion/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "cuft/Conversion/Passes.h.inc"
} // namespace cuft

#endif
