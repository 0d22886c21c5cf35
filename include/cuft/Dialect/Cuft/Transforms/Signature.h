//===- Signature.h - kernel argument signatures -----------------*- C++ -*-===//
#ifndef CUFT_DIALECT_CUFT_TRANSFORMS_SIGNATURE_H
#define CUFT_DIALECT_CUFT_TRANSFORMS_SIGNATURE_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Types.h"
#include <string>
#include <vector>

namespace cuft {

/// One kernel argument of a signature: its type and, for a constexpr argument,
/// its value.
struct SignatureEntry {
  mlir::Type type;
  mlir::TypedAttr value; // null unless `type=value` was given
  /// An array the caller's memory does not let the kernel write
  /// (`array<f32,1,C,readonly>`): a kernel that writes it is refused.
  bool readOnly = false;
};

/// Parses "f32,array<f32,1,C>,array<i32,2,F,readonly>,i64=128". On failure
/// returns false and sets `error`.
bool parseSignature(mlir::MLIRContext *ctx, llvm::StringRef text,
                    std::vector<SignatureEntry> &entries, std::string &error);

/// Parses a scalar type name: bool, i8..i64, u8..u64, f32, f64 (and the NumPy
/// spellings int32, uint8, float32, ...). Null when unknown.
mlir::Type parseScalarTypeName(mlir::MLIRContext *ctx, llvm::StringRef name);

} // namespace cuft

#endif
