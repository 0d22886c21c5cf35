//===- CuftFolds.cpp - constant folding with Python semantics -------------===//
//
// Folders run only on typed IR: a folded value must have the type the op's
// result already has. Integer arithmetic wraps (two's complement) as on the GPU;
// floor division and modulo follow Python; MIN // -1 wraps to MIN, and shifts
// by a count >= the width (read as unsigned) give 0 or the sign, as the
// lowering defines them (CuftToGPU/Arith.cpp). A division by zero is left to
// run time, where it gives 0 or, in checked mode, raises.
//
//===----------------------------------------------------------------------===//

#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "llvm/ADT/APSInt.h"

#include <cmath>
#include <optional>

using namespace mlir;
using namespace cuft;

namespace {

bool isUnsignedType(Type t) { return t.isUnsignedInteger(); }

std::optional<APInt> intValue(Attribute a) {
  if (auto i = dyn_cast_or_null<IntegerAttr>(a))
    return i.getValue();
  return std::nullopt;
}

std::optional<double> floatValue(Attribute a) {
  if (auto f = dyn_cast_or_null<FloatAttr>(a))
    return f.getValueAsDouble();
  return std::nullopt;
}

/// CPython's float floor division (float_floor_div, numpy's npy_divmod): the
/// floor of the exact quotient, which floor(a / b) misses where a / b rounds
/// up to an integer. Arith.cpp's floatFloorDiv computes the same at run time,
/// each step in `F`: float for float32 (and float16 and bfloat16, which it
/// widens to float32), double for float64.
template <typename F>
F pyFloorDiv(F a, F b) {
  F mod = std::fmod(a, b);
  F div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0)))
    div -= F(1);
  if (div == 0)
    return std::copysign(F(0), a / b);
  F floorDiv = std::floor(div);
  if (div - floorDiv > F(0.5))
    floorDiv += F(1);
  return floorDiv;
}

/// CPython's float modulo, each step in `F` as at run time (Arith.cpp's
/// pythonModFixup on arith.remf).
template <typename F>
F pyMod(F a, F b) {
  F r = std::fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0)))
    r += b;
  // As in CPython, a zero remainder takes the divisor's sign: -4.0 % 2.0 == 0.0.
  if (r == 0)
    r = std::copysign(F(0), b);
  return r;
}

enum class BinKind { Add, Sub, Mul, TrueDiv, FloorDiv, Mod, Pow, Min, Max, And, Or, Xor, Shl, Shr };

std::optional<APInt> foldIntBinary(BinKind kind, const APInt &a, const APInt &b,
                                   bool isUnsigned) {
  unsigned w = a.getBitWidth();
  switch (kind) {
  case BinKind::Add:
    return a + b;
  case BinKind::Sub:
    return a - b;
  case BinKind::Mul:
    return a * b;
  case BinKind::FloorDiv:
  case BinKind::Mod: {
    if (b.isZero())
      return std::nullopt;
    if (isUnsigned)
      return kind == BinKind::FloorDiv ? a.udiv(b) : a.urem(b);
    if (a.isMinSignedValue() && b.isAllOnes())
      return kind == BinKind::FloorDiv ? a : APInt(w, 0);
    APInt q = a.sdiv(b), r = a.srem(b);
    if (!r.isZero() && (r.isNegative() != b.isNegative())) {
      q -= 1;
      r += b;
    }
    return kind == BinKind::FloorDiv ? q : r;
  }
  case BinKind::Pow: {
    if (!isUnsigned && b.isNegative()) {
      if (a.isOne())
        return a;
      if (a.isAllOnes())
        return b[0] ? a : APInt(w, 1);
      return APInt(w, 0);
    }
    APInt result(w, 1), base = a;
    for (uint64_t e = b.getZExtValue(); e; e >>= 1) {
      if (e & 1)
        result *= base;
      base *= base;
    }
    return result;
  }
  case BinKind::Min:
    return isUnsigned ? (a.ult(b) ? a : b) : (a.slt(b) ? a : b);
  case BinKind::Max:
    return isUnsigned ? (a.ugt(b) ? a : b) : (a.sgt(b) ? a : b);
  case BinKind::And:
    return a & b;
  case BinKind::Or:
    return a | b;
  case BinKind::Xor:
    return a ^ b;
  case BinKind::Shl:
  case BinKind::Shr:
    if (b.uge(w)) {
      if (kind == BinKind::Shr && !isUnsigned && a.isNegative())
        return APInt::getAllOnes(w);
      return APInt(w, 0);
    }
    if (kind == BinKind::Shl)
      return a.shl(b);
    return isUnsigned ? a.lshr(b) : a.ashr(b);
  case BinKind::TrueDiv:
    return std::nullopt;
  }
  return std::nullopt;
}

/// `a <kind> b` for floats of a type whose run-time steps are in float
/// (`single`: float32 and narrower) or double; the result is rounded to the
/// type after.
std::optional<double> foldFloatBinary(BinKind kind, double a, double b, bool single) {
  // The single operations (+ - * /) in double are rounded once more to the
  // type: innocuous, double has more than twice float's digits plus two.
  // Floor division and modulo take several steps, each rounded at run time.
  auto stepwise = [&](auto op) -> double {
    return single ? double(op(float(a), float(b))) : op(a, b);
  };
  switch (kind) {
  case BinKind::Add:
    return a + b;
  case BinKind::Sub:
    return a - b;
  case BinKind::Mul:
    return a * b;
  case BinKind::TrueDiv:
    return b == 0 ? std::nullopt : std::optional<double>(a / b);
  case BinKind::FloorDiv:
    if (b == 0)
      return std::nullopt;
    return stepwise([](auto x, auto y) { return pyFloorDiv(x, y); });
  case BinKind::Mod:
    if (b == 0)
      return std::nullopt;
    return stepwise([](auto x, auto y) { return pyMod(x, y); });
  case BinKind::Pow:
    return std::pow(a, b);
  case BinKind::Min:
  case BinKind::Max: {
    // IEEE 754-2019's minimumNumber and maximumNumber, as lowered (Arith.cpp's
    // minimumNumber): a NaN gives the other operand, -0.0 is below +0.0.
    bool min = kind == BinKind::Min;
    if (std::isnan(a))
      return b;
    if (std::isnan(b))
      return a;
    if (a == b)
      return std::signbit(a) == min ? a : b;
    return (a < b) == min ? a : b;
  }
  default:
    return std::nullopt;
  }
}

OpFoldResult foldBinary(Operation *op, BinKind kind, ArrayRef<Attribute> operands) {
  Type type = op->getResult(0).getType();
  if (!isScalarType(type) || op->getOperand(0).getType() != type ||
      op->getOperand(1).getType() != type)
    return {};
  if (type.isInteger()) {
    auto a = intValue(operands[0]), b = intValue(operands[1]);
    if (!a || !b)
      return {};
    // Bools order False < True, like unsigned integers (matters for min/max).
    bool isUnsigned = isUnsignedType(type) || type.isInteger(1);
    if (auto r = foldIntBinary(kind, *a, *b, isUnsigned))
      return IntegerAttr::get(type, *r);
    return {};
  }
  auto a = floatValue(operands[0]), b = floatValue(operands[1]);
  if (!a || !b)
    return {};
  if (auto r = foldFloatBinary(kind, *a, *b, !type.isF64()))
    return roundedFloat(type, *r);
  return {};
}

} // namespace

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

#define CUFT_BINARY_FOLD(OP, KIND)                                                     \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                         \
    return foldBinary(*this, BinKind::KIND, adaptor.getOperands());                    \
  }
CUFT_BINARY_FOLD(AddOp, Add)
CUFT_BINARY_FOLD(SubOp, Sub)
CUFT_BINARY_FOLD(MulOp, Mul)
CUFT_BINARY_FOLD(TrueDivOp, TrueDiv)
CUFT_BINARY_FOLD(FloorDivOp, FloorDiv)
CUFT_BINARY_FOLD(ModOp, Mod)
CUFT_BINARY_FOLD(PowOp, Pow)
CUFT_BINARY_FOLD(MinOp, Min)
CUFT_BINARY_FOLD(MaxOp, Max)
CUFT_BINARY_FOLD(BitAndOp, And)
CUFT_BINARY_FOLD(BitOrOp, Or)
CUFT_BINARY_FOLD(BitXorOp, Xor)
CUFT_BINARY_FOLD(ShlOp, Shl)
CUFT_BINARY_FOLD(ShrOp, Shr)
#undef CUFT_BINARY_FOLD

OpFoldResult CmpOp::fold(FoldAdaptor adaptor) {
  Type type = getLhs().getType();
  if (!isScalarType(type) || getRhs().getType() != type || !getType().isInteger(1))
    return {};
  std::optional<bool> result;
  CmpPredicate pred = getPredicate();
  if (type.isInteger()) {
    auto a = intValue(adaptor.getLhs()), b = intValue(adaptor.getRhs());
    if (!a || !b)
      return {};
    bool u = isUnsignedType(type) || type.isInteger(1);
    switch (pred) {
    case CmpPredicate::eq: result = *a == *b; break;
    case CmpPredicate::ne: result = *a != *b; break;
    case CmpPredicate::lt: result = u ? a->ult(*b) : a->slt(*b); break;
    case CmpPredicate::le: result = u ? a->ule(*b) : a->sle(*b); break;
    case CmpPredicate::gt: result = u ? a->ugt(*b) : a->sgt(*b); break;
    case CmpPredicate::ge: result = u ? a->uge(*b) : a->sge(*b); break;
    }
  } else {
    auto a = floatValue(adaptor.getLhs()), b = floatValue(adaptor.getRhs());
    if (!a || !b)
      return {};
    switch (pred) {
    case CmpPredicate::eq: result = *a == *b; break;
    case CmpPredicate::ne: result = *a != *b; break;
    case CmpPredicate::lt: result = *a < *b; break;
    case CmpPredicate::le: result = *a <= *b; break;
    case CmpPredicate::gt: result = *a > *b; break;
    case CmpPredicate::ge: result = *a >= *b; break;
    }
  }
  return IntegerAttr::get(getType(), *result ? 1 : 0);
}

/// Converts a constant to `to` as cuft.cast does; nullopt where the result would
/// be undefined (a float out of the target integer's range, NaN to integer).
static std::optional<Attribute> castConstant(Attribute value, Type from, Type to) {
  if (!isScalarType(from) || !isScalarType(to) || isComplexType(from) || isComplexType(to))
    return std::nullopt;
  if (to.isInteger(1)) {
    if (auto i = intValue(value))
      return IntegerAttr::get(to, i->isZero() ? 0 : 1);
    if (auto f = floatValue(value))
      return IntegerAttr::get(to, *f != 0 ? 1 : 0);
    return std::nullopt;
  }
  if (auto i = intValue(value)) {
    bool srcUnsigned = isUnsignedType(from) || from.isInteger(1);
    if (to.isInteger()) {
      unsigned w = to.getIntOrFloatBitWidth();
      return IntegerAttr::get(to, srcUnsigned ? i->zextOrTrunc(w) : i->sextOrTrunc(w));
    }
    double d = srcUnsigned ? i->roundToDouble(false) : i->roundToDouble(true);
    return roundedFloat(to, d);
  }
  if (auto f = floatValue(value)) {
    if (!to.isInteger())
      return roundedFloat(to, *f);
    if (std::isnan(*f))
      return std::nullopt;
    double t = std::trunc(*f);
    unsigned w = to.getIntOrFloatBitWidth();
    bool dstUnsigned = isUnsignedType(to);
    double lo = dstUnsigned ? 0.0 : -std::ldexp(1.0, w - 1);
    double hi = dstUnsigned ? std::ldexp(1.0, w) : std::ldexp(1.0, w - 1);
    if (t < lo || t >= hi)
      return std::nullopt;
    APSInt result(w, dstUnsigned);
    bool exact = false;
    APFloat(t).convertToInteger(result, APFloat::rmTowardZero, &exact);
    return IntegerAttr::get(to, result);
  }
  return std::nullopt;
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto folded = castConstant(adaptor.getInput(), getInput().getType(), getType()))
    return *folded;
  return {};
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  Type t = getType();
  if (getInput().getType() != t)
    return {};
  if (auto i = intValue(adaptor.getInput()); i && t.isInteger() && !t.isInteger(1))
    return IntegerAttr::get(t, -*i);
  if (auto f = floatValue(adaptor.getInput()))
    return roundedFloat(t, -*f);
  return {};
}

OpFoldResult InvertOp::fold(FoldAdaptor adaptor) {
  Type t = getType();
  if (auto i = intValue(adaptor.getInput()); i && getInput().getType() == t && !t.isInteger(1))
    return IntegerAttr::get(t, ~*i);
  return {};
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  if (auto i = intValue(adaptor.getInput()); i && getType().isInteger(1) &&
                                               getInput().getType().isInteger(1))
    return IntegerAttr::get(getType(), i->isZero() ? 1 : 0);
  return {};
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  Type t = getType();
  if (getInput().getType() != t)
    return {};
  if (auto i = intValue(adaptor.getInput()); i && t.isInteger() && !t.isInteger(1))
    return IntegerAttr::get(t, isUnsignedType(t) ? *i : i->abs());
  if (auto f = floatValue(adaptor.getInput()))
    return roundedFloat(t, std::fabs(*f));
  return {};
}

OpFoldResult ConjOp::fold(FoldAdaptor) {
  // conj(conj(z)) is z.
  if (auto inner = getInput().getDefiningOp<ConjOp>())
    return inner.getInput();
  return {};
}

OpFoldResult WarpSizeOp::fold(FoldAdaptor) {
  return IntegerAttr::get(getType(), 32);
}

OpFoldResult NDimOp::fold(FoldAdaptor) {
  if (auto arr = dyn_cast<ArrayType>(getArray().getType()))
    return IntegerAttr::get(getType(), arr.getRank());
  return {};
}

OpFoldResult DimOp::fold(FoldAdaptor) {
  Operation *def = getArray().getDefiningOp();
  std::optional<ArrayRef<int64_t>> shape;
  if (auto s = dyn_cast_or_null<AllocSharedOp>(def))
    shape = s.getShape();
  else if (auto l = dyn_cast_or_null<AllocLocalOp>(def))
    shape = l.getShape();
  if (!shape || getDim() >= shape->size())
    return {};
  if ((*shape)[getDim()] == 0) // dynamic shared memory: sized by the launch
    return {};
  return IntegerAttr::get(getType(), (*shape)[getDim()]);
}

FloatAttr cuft::roundedFloat(Type type, double v) {
  if (type.isBF16()) // through float32, as the conversion at run time
    return FloatAttr::get(type, static_cast<double>(static_cast<float>(v)));
  if (type.isF32())
    return FloatAttr::get(type, static_cast<double>(static_cast<float>(v)));
  return FloatAttr::get(type, v);
}
