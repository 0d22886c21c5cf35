//===- TypeInference.h - what an op's typing rule sees ----------*- C++ -*-===//
//
// The TypedByRules op interface (dialects/cuft/CuftInterfaces.td) puts each
// op's typing rule in one place: its inferTypes and castOperands. They see
// cuft-specialize through this class: the types known so far, whether to
// report errors, and the few services that need the specializer's state
// (device function clones, the function's return type). Rules are in
// lib/Dialect/Cuft/Transforms/TypeInference.cpp; the promotion rules they use
// in TypeRules.h.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_DIALECT_CUFT_TRANSFORMS_TYPEINFERENCE_H
#define CUFT_DIALECT_CUFT_TRANSFORMS_TYPEINFERENCE_H

#include "cuft/Dialect/Cuft/IR/CuftOps.h"
#include "cuft/Dialect/Cuft/Transforms/TypeRules.h"

namespace cuft {

class TypeInference {
public:
  virtual ~TypeInference() = default;

  // -- inference (inferTypes) -------------------------------------------------
  /// The type of `v` known so far (null when none yet).
  virtual TypeInfo get(mlir::Value v) const = 0;
  /// Records the type of `v` (a result, a block argument or a variable).
  virtual void set(mlir::Value v, const TypeInfo &t) = 0;
  /// Whether rules report what they refuse: false during the fixpoint, true in
  /// the last round. A rule fails either way.
  virtual bool emitting() const = 0;
  /// The exact value of an integer literal expression (`2**70`); `overflow`
  /// when it does not fit in 64 bits. None when `v` is no literal expression.
  virtual std::optional<llvm::APInt> exactLiteral(mlir::Value v, bool &overflow) = 0;
  /// The clone of `call`'s device function for `args`, typed (made once per
  /// argument types); remembered as the call's target.
  virtual mlir::FailureOr<FuncOp> specializeCall(CallOp call,
                                                 llvm::ArrayRef<TypeInfo> args) = 0;
  /// Joins `t` into the type of the function's result #`index` (a device
  /// function returning a tuple has one result per element); fails when they
  /// cannot join.
  virtual mlir::LogicalResult joinReturn(ReturnOp ret, unsigned index, const TypeInfo &t) = 0;

  // -- casts (castOperands) ---------------------------------------------------
  /// The device function `call` was typed against.
  virtual FuncOp callTarget(CallOp call) const = 0;
  /// The type of the function's result #`index` (null when not known).
  virtual mlir::Type returnType(unsigned index) const = 0;

  // -- helpers for rules ------------------------------------------------------
  /// Succeeds unless `v` is typed and not a scalar ("<what> must be a scalar").
  mlir::LogicalResult requireScalar(mlir::Operation *op, mlir::Value v, llvm::StringRef what);
  /// Succeeds unless `v` is complex and `to` real (not bool): a conversion that
  /// would drop the imaginary part ("cannot <verb> a complex value as ...").
  mlir::LogicalResult requireConvertible(mlir::Operation *op, mlir::Value v, mlir::Type to,
                                         llvm::StringRef verb);
  /// Succeeds unless typed `v` cannot be stored into memory of type `to`: a
  /// record takes a record of its own type only (the whole record is copied),
  /// anything else a scalar requireConvertible lets through.
  mlir::LogicalResult requireStorable(mlir::Operation *op, mlir::Value v, mlir::Type to);
  /// Checks `array[indices]` (an array, as many integer indices as its rank)
  /// and gives the array's type.
  mlir::LogicalResult checkArrayAccess(mlir::Operation *op, mlir::Value array,
                                       mlir::ValueRange indices, ArrayType &arr);
  /// The array type of `v` into `arr` (null while `v` has no type); fails
  /// when `v` is typed and no array, with "<before>'<type>'<after>".
  mlir::LogicalResult arrayOperand(mlir::Operation *op, mlir::Value v, llvm::StringRef before,
                                   llvm::StringRef after, ArrayType &arr);
  /// Succeeds unless an index of `indices` is typed and not an integer or bool.
  mlir::LogicalResult checkIndices(mlir::Operation *op, mlir::ValueRange indices);
  /// Replaces operand `i` of `op` by its cast to `t` (nothing when it has `t`).
  void castOperand(mlir::Operation *op, unsigned i, mlir::Type t);
  /// Casts the operands `first`..`first+count` that are booleans to i64 (indices).
  void castIndices(mlir::Operation *op, unsigned first, unsigned count);
};

namespace detail {
/// The rules of the binary and unary ops (ODS gives each its OperandKind).
/// `spelling`: the operator as Python writes it, for messages.
mlir::LogicalResult inferBinary(mlir::Operation *op, TypeInference &typing, OperandKind kind,
                                llvm::StringRef spelling);
mlir::LogicalResult inferUnary(mlir::Operation *op, TypeInference &typing, OperandKind kind);
/// Casts every operand of `op` to its (one) result's type.
void castToResultType(mlir::Operation *op, TypeInference &typing);
} // namespace detail

} // namespace cuft

#endif
