//===- CuftTypes.h - cuft types ---------------------------------*- C++ -*-===//
#ifndef CUFT_DIALECT_CUFT_IR_CUFTTYPES_H
#define CUFT_DIALECT_CUFT_IR_CUFTTYPES_H

#include "cuft/Dialect/Cuft/IR/CuftDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

#define GET_TYPEDEF_CLASSES
#include "cuft/Dialect/Cuft/IR/CuftTypes.h.inc"

namespace cuft {
/// Scalars of typed cuft IR: i1, signless (signed) or unsigned integers of 8 to 64
/// bits, f16, bf16, f32 and f64, complex<f32> and complex<f64> (NumPy's complex64
/// and complex128).
bool isScalarType(mlir::Type type);
/// complex<f32> or complex<f64>.
bool isComplexType(mlir::Type type);
/// The bytes a scalar takes in memory (a bool: one).
unsigned scalarBytes(mlir::Type scalar);
/// True for `!cuft.unknown`, or a `!cuft.var` of it.
bool isUnknown(mlir::Type type);
/// The short spelling used in signatures and mangled names: f32, i64, u8, bool,
/// c64, ...
std::string typeName(mlir::Type type);
} // namespace cuft

#endif
