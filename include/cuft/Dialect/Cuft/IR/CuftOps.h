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
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace cuft {
/// Static shared memory per block on sm_70 and later: each array, and all of a
/// kernel's arrays together (checked by cuft-specialize).
inline constexpr int64_t kMaxStaticSharedBytes = 48 * 1024;
/// Local memory of one GPU thread (sm_20 and later): a kernel's local arrays,
/// its device functions' included, together (checked by cuft-specialize).
inline constexpr int64_t kMaxLocalBytes = 512 * 1024;
} // namespace cuft

#define GET_OP_CLASSES
#include "cuft/Dialect/Cuft/IR/CuftOps.h.inc"

#endif
