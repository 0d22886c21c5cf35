//===- CuftOps.h - cuft operations ------------------------------*- C++ -*-===//
#ifndef CUFT_DIALECT_CUFT_IR_CUFTOPS_H
#define CUFT_DIALECT_CUFT_IR_CUFTOPS_H

#include "cuft/Dialect/Cuft/IR/CuftTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/MemorySlotInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace cuft {
/// The operands a binary or unary op computes on, in typed IR (its verifier)
/// and in Python (its typing rule, which also gives its result type):
///   Numeric    integers and floats; bool operands compute in i64
///   Float      floats; other operands compute in f64 (true division)
///   BoolOrInt  booleans and integers, not floats (bitwise operators)
///   Int        integers, not floats; bool operands compute in i64 (shifts, ~)
///   Any        any scalar, bool included (min, max)
enum class OperandKind { Numeric, Float, BoolOrInt, Int, Any };

/// cuft-specialize's view for the TypedByRules interface (TypeInference.h).
class TypeInference;

/// Static shared memory per block on sm_70 and later: each array, and all of a
/// kernel's arrays together (checked by cuft-specialize).
inline constexpr int64_t kMaxStaticSharedBytes = 48 * 1024;
/// Local memory of one GPU thread (sm_20 and later): a kernel's local arrays,
/// its device functions' included, together (checked by cuft-specialize).
inline constexpr int64_t kMaxLocalBytes = 512 * 1024;
} // namespace cuft

#include "cuft/Dialect/Cuft/IR/CuftInterfaces.h.inc"

#define GET_OP_CLASSES
#include "cuft/Dialect/Cuft/IR/CuftOps.h.inc"

#endif
