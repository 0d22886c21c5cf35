//===- TypeRules.cpp - Python-like promotion rules ------------------------===//
//
// See docs/TypeSystem.md. Strong (concretely typed) scalars promote as NumPy
// does; weak values (literals) adopt the strong operand's type when that type
// is of the same or a higher kind (bool < int < float); an integer literal adopts
// a narrower integer type only when its value fits, and a weak integer of unknown
// value never narrows a strong one.
//
//===----------------------------------------------------------------------===//

#include "cuft/Dialect/Cuft/Transforms/TypeRules.h"
#include "cuft/Dialect/Cuft/IR/CuftTypes.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace cuft;

ScalarKind cuft::kindOf(Type t) {
  if (t.isInteger(1))
    return ScalarKind::Bool;
  if (isa<ComplexType>(t))
    return ScalarKind::Complex;
  return t.isInteger() ? ScalarKind::Int : ScalarKind::Float;
}

Type cuft::realPart(Type t) {
  if (auto c = dyn_cast<ComplexType>(t))
    return c.getElementType();
  return t;
}

Type cuft::complexOf(Type t) {
  if (isa<ComplexType>(t))
    return t;
  // NumPy has no complex32: a float16's (or bfloat16's) complex is complex64.
  return ComplexType::get(t.isF16() || t.isBF16() ? Float32Type::get(t.getContext()) : t);
}

/// Bits for ordering types of one kind (a complex: its parts' width).
static unsigned widthOf(Type t) { return realPart(t).getIntOrFloatBitWidth(); }

static Type signedInt(MLIRContext *ctx, unsigned w) { return IntegerType::get(ctx, w); }

/// NumPy's promotion of two strong scalars.
static Type promoteStrong(Type a, Type b) {
  if (a == b)
    return a;
  MLIRContext *ctx = a.getContext();
  ScalarKind ka = kindOf(a), kb = kindOf(b);
  if (ka == ScalarKind::Bool)
    return b;
  if (kb == ScalarKind::Bool)
    return a;
  // A complex with anything: the complex of its parts' type promoted with the
  // other's (real) type: c64 with i32 is c128, as f32 with i32 is f64.
  if (ka == ScalarKind::Complex || kb == ScalarKind::Complex)
    return complexOf(promoteStrong(realPart(a), realPart(b)));
  unsigned wa = a.getIntOrFloatBitWidth(), wb = b.getIntOrFloatBitWidth();
  if (ka == ScalarKind::Float && kb == ScalarKind::Float) {
    if (wa == wb) // float16 with bfloat16: neither holds the other (ml_dtypes' rule)
      return Float32Type::get(ctx);
    return wa > wb ? a : b;
  }
  if (ka != kb) {
    // The float, widened to one that holds every value of the integer:
    // 8-bit integers fit f16, 16-bit ones f32, wider ones only f64.
    Type f = ka == ScalarKind::Float ? a : b;
    Type i = ka == ScalarKind::Float ? b : a;
    unsigned wi = i.getIntOrFloatBitWidth();
    Type holds = wi <= 8    ? Type(Float16Type::get(ctx))
                 : wi <= 16 ? Type(Float32Type::get(ctx))
                            : Type(Float64Type::get(ctx));
    return widthOf(holds) > widthOf(f) ? holds : f;
  }
  bool ua = a.isUnsignedInteger(), ub = b.isUnsignedInteger();
  if (ua == ub)
    return wa >= wb ? a : b;
  unsigned wu = ua ? wa : wb, ws = ua ? wb : wa;
  if (wu < ws)
    return signedInt(ctx, ws);
  if (wu < 64)
    return signedInt(ctx, 2 * wu);
  return Float64Type::get(ctx);
}

APInt cuft::literalValue(const APInt &value, Type type) {
  return type.isUnsignedInteger() ? value.zextOrTrunc(kLiteralBits)
                                  : value.sextOrTrunc(kLiteralBits);
}

Type cuft::literalType(MLIRContext *ctx, const APInt &v) {
  if (v.getSignificantBits() <= 64)
    return IntegerType::get(ctx, 64);
  if (!v.isNegative() && v.getActiveBits() <= 64)
    return IntegerType::get(ctx, 64, IntegerType::Unsigned);
  return {};
}

static bool literalFits(const APInt &value, Type t) {
  unsigned w = t.getIntOrFloatBitWidth();
  if (t.isUnsignedInteger())
    return !value.isNegative() && value.getActiveBits() <= w;
  return value.getSignificantBits() <= w;
}

std::optional<TypeInfo> cuft::promote(const TypeInfo &a, const TypeInfo &b) {
  if (!isScalarType(a.type) || !isScalarType(b.type))
    return std::nullopt;
  ScalarKind ka = kindOf(a.type), kb = kindOf(b.type);
  if (a.weak && b.weak) {
    // Of two weak integers as wide, the unsigned one: a literal from 2**63 up
    // is `ui64`, which `i64` cannot hold.
    auto wider = [&] {
      unsigned wa = widthOf(a.type), wb = widthOf(b.type);
      if (wa == wb && ka == ScalarKind::Int)
        return b.type.isUnsignedInteger() ? b.type : a.type;
      return wa >= wb ? a.type : b.type;
    };
    Type t = ka == kb ? wider() : (ka > kb ? a.type : b.type);
    return TypeInfo{t, true, std::nullopt};
  }
  if (a.weak != b.weak) {
    const TypeInfo &w = a.weak ? a : b;
    const TypeInfo &s = a.weak ? b : a;
    ScalarKind kw = kindOf(w.type), ks = kindOf(s.type);
    // A complex literal meeting a strong float takes its precision
    // (f32 * 1j is c64, as in NumPy 2).
    if (kw == ScalarKind::Complex && ks == ScalarKind::Float)
      return TypeInfo::strong(complexOf(s.type));
    // A literal of a higher kind keeps its own type: i32 * 0.5 is f64.
    if (kw > ks)
      return TypeInfo::strong(w.type);
    if (kw < ks || ks != ScalarKind::Int)
      return TypeInfo::strong(s.type);
    if (w.literal && literalFits(*w.literal, s.type))
      return TypeInfo::strong(s.type);
    return TypeInfo::strong(promoteStrong(w.type, s.type));
  }
  return TypeInfo::strong(promoteStrong(a.type, b.type));
}

std::optional<TypeInfo> cuft::joinVariable(const TypeInfo &a, const TypeInfo &b) {
  if (!a)
    return TypeInfo{b.type, b.weak, std::nullopt};
  if (isa<ArrayType, RecordType>(a.type) || isa<ArrayType, RecordType>(b.type)) {
    if (a.type != b.type)
      return std::nullopt;
    return TypeInfo::strong(a.type);
  }
  auto p = promote(a, b);
  if (!p)
    return std::nullopt;
  p->literal.reset();
  return p;
}

std::string cuft::describe(Type t) { return typeName(t); }
