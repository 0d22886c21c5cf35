//===- TypeRules.h - Python-like typing of cuft values ----------*- C++ -*-===//
//
// All of cuft's type rules (docs/TypeSystem.md). Used by cuft-specialize.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_DIALECT_CUFT_TRANSFORMS_TYPERULES_H
#define CUFT_DIALECT_CUFT_TRANSFORMS_TYPERULES_H

#include "mlir/IR/Types.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/APInt.h"
#include <optional>
#include <string>

namespace cuft {

/// The inferred type of a value. A *weak* value is a Python literal (or computed
/// from literals only): it adopts the type of a concretely typed operand it meets.
/// `literal` holds an integer literal's value, so that it adopts a narrower integer
/// type only when it fits: kLiteralBits wide, signed, so that every literal
/// (`i64`, and `ui64` from 2**63 up) is its own value (literalValue()).
struct TypeInfo {
  mlir::Type type;
  bool weak = false;
  std::optional<llvm::APInt> literal;

  explicit operator bool() const { return static_cast<bool>(type); }
  bool operator==(const TypeInfo &o) const {
    return type == o.type && weak == o.weak && literal.has_value() == o.literal.has_value() &&
           (!literal || (literal->getBitWidth() == o.literal->getBitWidth() && *literal == *o.literal));
  }
  bool operator!=(const TypeInfo &o) const { return !(*this == o); }
  static TypeInfo strong(mlir::Type t) { return TypeInfo{t, false, std::nullopt}; }
};

/// The width of TypeInfo::literal: one bit past 64, so a signed APInt holds
/// every value of i64 and of ui64.
inline constexpr unsigned kLiteralBits = 65;
/// The value of integer attribute `value` of type `type` as a literal:
/// extended by the type's signedness.
llvm::APInt literalValue(const llvm::APInt &value, mlir::Type type);
/// The type of a weak integer of exact value `v` (kLiteralBits or wider):
/// `i64` where it fits, `ui64` from 2**63 up; null past both.
mlir::Type literalType(mlir::MLIRContext *ctx, const llvm::APInt &v);

enum class ScalarKind { Bool = 0, Int = 1, Float = 2, Complex = 3 };
ScalarKind kindOf(mlir::Type scalar);
/// The float type of a complex scalar's parts; other scalars are themselves.
mlir::Type realPart(mlir::Type scalar);
/// complex<t> of float `t`; a complex type stays itself.
mlir::Type complexOf(mlir::Type t);

/// The common type of two scalars in arithmetic (Python/NumPy promotion with weak
/// literals). Fails for non-scalars.
std::optional<TypeInfo> promote(const TypeInfo &a, const TypeInfo &b);

/// The type a variable holds after storing `b` into one holding `a`: the promoted
/// type for scalars; arrays must match exactly. Literal values are forgotten.
std::optional<TypeInfo> joinVariable(const TypeInfo &a, const TypeInfo &b);

/// The Python spelling of an operator for messages ("+", "//", ...).
std::string describe(mlir::Type t);

} // namespace cuft

#endif
