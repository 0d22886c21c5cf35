//===- Arith.cpp - cuft scalar ops to arith/math --------------------------===//
//
// Python semantics on GPU types: floor division rounds toward -inf, `%` takes the
// divisor's sign, comparisons with NaN behave as in Python, casts truncate toward
// zero. Signedness comes from the cuft (pre-conversion) types.
//
// Where Python raises or LLVM would have undefined behaviour, cuft defines the
// result as NumPy (and numba-cuda's default) does, the same on every target and
// in constant folding (CuftFolds.cpp): integer `x // 0` and `x % 0` are 0,
// `MIN // -1` wraps to MIN; a shift by a count >= the width (a negative count
// read as unsigned) gives 0, or the sign for `>>` of a signed value. Checked
// mode (bounds checking on) raises ZeroDivisionError instead of dividing by 0.
//
//===----------------------------------------------------------------------===//

#include "Checks.h"
#include "Complex.h"

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace cuft;

namespace {

bool isUnsigned(Type cuftType) { return cuftType.isUnsignedInteger() || cuftType.isInteger(1); }

Value zeroOf(OpBuilder &b, Location loc, Type t) {
  return arith::ConstantOp::create(b, loc, t, b.getZeroAttr(t));
}

bool isHalf(Type t) { return t.isF16() || t.isBF16(); }

/// `values` with each f16 or bf16 extended to f32 (what half-precision
/// functions compute in, and bfloat16 arithmetic: the host has no bf16
/// instructions, and f32 rounds +, -, *, / and sqrt exactly once to bf16), the
/// others as they are.
SmallVector<Value> widenHalves(OpBuilder &b, Location loc, ValueRange values) {
  SmallVector<Value> out;
  for (Value v : values)
    out.push_back(isHalf(v.getType()) ? Value(arith::ExtFOp::create(b, loc, b.getF32Type(), v))
                                      : v);
  return out;
}
/// `r` rounded to `type` if that is f16 or bf16 (and `r` is not).
Value narrowTo(OpBuilder &b, Location loc, Value r, Type type) {
  if (!isHalf(type) || r.getType() == type)
    return r;
  return arith::TruncFOp::create(b, loc, type, r);
}

/// `r` adjusted to take the sign of `d` (Python's modulo), for ints or floats.
Value pythonModFixup(OpBuilder &b, Location loc, Value r, Value d) {
  Type t = r.getType();
  Value zero = zeroOf(b, loc, t);
  Value nonZero, rNeg, dNeg;
  if (isa<FloatType>(t)) {
    nonZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, r, zero);
    rNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
    dNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, d, zero);
  } else {
    nonZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
    rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
    dNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, zero);
  }
  Value signsDiffer = arith::XOrIOp::create(b, loc, rNeg, dNeg);
  Value adjust = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  Value sum = isa<FloatType>(t) ? Value(arith::AddFOp::create(b, loc, r, d))
                                : Value(arith::AddIOp::create(b, loc, r, d));
  Value result = arith::SelectOp::create(b, loc, adjust, sum, r);
  if (!isa<FloatType>(t))
    return result;
  // A zero remainder takes the divisor's sign too: -4.0 % 2.0 == 0.0.
  Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, r, zero);
  Value signedZero = math::CopySignOp::create(b, loc, zero, d);
  return arith::SelectOp::create(b, loc, isZero, signedZero, result);
}

/// Float `x // y` as CPython computes it (float_floor_div, numpy's
/// npy_divmod): the floor of the exact quotient, where floor(x / y) would be 1
/// too large when x / y rounds up to an integer. A zero divisor gives x / y
/// (inf or NaN), as NumPy does. float16 computes in float32 (the quotient is an
/// integer, rounded once). CuftFolds.cpp's pyFloorDiv is the same.
Value floatFloorDiv(OpBuilder &b, Location loc, Value x0, Value y0) {
  SmallVector<Value> xy = widenHalves(b, loc, {x0, y0});
  Value x = xy[0], y = xy[1];
  Type t = x.getType();
  Value zero = zeroOf(b, loc, t);
  auto cmp = [&](arith::CmpFPredicate p, Value l, Value r) {
    return arith::CmpFOp::create(b, loc, p, l, r);
  };
  Value mod = arith::RemFOp::create(b, loc, x, y);
  Value div = arith::DivFOp::create(b, loc, arith::SubFOp::create(b, loc, x, mod), y);
  Value signsDiffer = arith::XOrIOp::create(b, loc, cmp(arith::CmpFPredicate::OLT, y, zero),
                                            cmp(arith::CmpFPredicate::OLT, mod, zero));
  Value adjust = arith::AndIOp::create(b, loc, cmp(arith::CmpFPredicate::ONE, mod, zero),
                                       signsDiffer);
  Value one = arith::ConstantOp::create(b, loc, t, b.getFloatAttr(t, 1.0));
  div = arith::SelectOp::create(b, loc, adjust, arith::SubFOp::create(b, loc, div, one), div);
  Value floorDiv = math::FloorOp::create(b, loc, div);
  Value half = arith::ConstantOp::create(b, loc, t, b.getFloatAttr(t, 0.5));
  Value roundUp = cmp(arith::CmpFPredicate::OGT, arith::SubFOp::create(b, loc, div, floorDiv),
                      half);
  floorDiv = arith::SelectOp::create(b, loc, roundUp,
                                     arith::AddFOp::create(b, loc, floorDiv, one), floorDiv);
  Value quotient = arith::DivFOp::create(b, loc, x, y);
  // A zero result takes the sign of the exact quotient; a zero divisor gives x / y.
  Value r = arith::SelectOp::create(b, loc, cmp(arith::CmpFPredicate::OEQ, div, zero),
                                    math::CopySignOp::create(b, loc, zero, quotient), floorDiv);
  r = arith::SelectOp::create(b, loc, cmp(arith::CmpFPredicate::OEQ, y, zero), quotient, r);
  return narrowTo(b, loc, r, x0.getType());
}

/// Integer power by squaring; a negative exponent gives 0 unless |base| == 1.
Value integerPow(OpBuilder &b, Location loc, Value base, Value exp, bool isUnsignedTy) {
  Type t = base.getType();
  Value zero = zeroOf(b, loc, t);
  Value one = arith::ConstantOp::create(b, loc, t, b.getIntegerAttr(t, 1));
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{t, t, t}, ValueRange{one, base, exp},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value more = arith::CmpIOp::create(
            nb, l, isUnsignedTy ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt,
            args[2], zero);
        scf::ConditionOp::create(nb, l, more, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value bit = arith::AndIOp::create(nb, l, args[2], one);
        Value odd = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne, bit, zero);
        Value times = arith::MulIOp::create(nb, l, args[0], args[1]);
        Value result = arith::SelectOp::create(nb, l, odd, times, args[0]);
        Value sq = arith::MulIOp::create(nb, l, args[1], args[1]);
        Value e = arith::ShRUIOp::create(nb, l, args[2], one);
        scf::YieldOp::create(nb, l, ValueRange{result, sq, e});
      });
  Value result = loop.getResult(0);
  if (isUnsignedTy)
    return result;
  // Negative exponent: 1 for base 1, +-1 for base -1, else 0.
  Value minusOne = arith::ConstantOp::create(b, loc, t, b.getIntegerAttr(t, -1));
  Value negExp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, exp, zero);
  Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, one);
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, minusOne);
  Value expOdd = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                       arith::AndIOp::create(b, loc, exp, one), zero);
  Value signed1 = arith::SelectOp::create(b, loc, expOdd, minusOne, one);
  Value neg = arith::SelectOp::create(
      b, loc, isOne, one, arith::SelectOp::create(b, loc, isMinusOne, signed1, zero));
  return arith::SelectOp::create(b, loc, negExp, neg, result);
}

Value constantLike(OpBuilder &b, Location loc, Value like, int64_t v) {
  return arith::ConstantOp::create(b, loc, like.getType(), b.getIntegerAttr(like.getType(), v));
}

/// Integer `x // y` or `x % y` without undefined behaviour: 0 for y == 0, and
/// MIN // -1 == MIN, MIN % -1 == 0 (the divisor is replaced by 1 in both cases,
/// which gives those results).
Value integerDivision(OpBuilder &b, Location loc, bool isMod, bool u, Value x, Value y,
                      bool checked) {
  if (checked)
    cuft::detail::checkDivisor(b, loc, y);
  Value zero = zeroOf(b, loc, x.getType()), one = constantLike(b, loc, x, 1);
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero);
  Value replace = isZero;
  if (!u) {
    unsigned w = x.getType().getIntOrFloatBitWidth();
    Value min = arith::ConstantOp::create(
        b, loc, x.getType(), b.getIntegerAttr(x.getType(), APInt::getSignedMinValue(w)));
    Value overflow = arith::AndIOp::create(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, min),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y,
                              constantLike(b, loc, y, -1)));
    replace = arith::OrIOp::create(b, loc, isZero, overflow);
  }
  Value d = arith::SelectOp::create(b, loc, replace, one, y);
  Value r;
  if (isMod)
    r = u ? Value(arith::RemUIOp::create(b, loc, x, d))
          : pythonModFixup(b, loc, arith::RemSIOp::create(b, loc, x, d), d);
  else
    r = u ? Value(arith::DivUIOp::create(b, loc, x, d))
          : Value(arith::FloorDivSIOp::create(b, loc, x, d));
  return arith::SelectOp::create(b, loc, isZero, zero, r);
}

/// `x << y` or `x >> y` with NumPy's results for any count: the count is read
/// as unsigned, and one >= the width shifts every bit out.
Value shift(OpBuilder &b, Location loc, bool left, bool u, Value x, Value y) {
  unsigned w = x.getType().getIntOrFloatBitWidth();
  Value width = constantLike(b, loc, y, w);
  Value tooFar = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, y, width);
  if (!left && !u) {
    // Arithmetic shift by at most w - 1: all sign bits for a larger count.
    Value count = arith::SelectOp::create(b, loc, tooFar, constantLike(b, loc, y, w - 1), y);
    return arith::ShRSIOp::create(b, loc, x, count);
  }
  Value count = arith::SelectOp::create(b, loc, tooFar, zeroOf(b, loc, y.getType()), y);
  Value r = left ? Value(arith::ShLIOp::create(b, loc, x, count))
                 : Value(arith::ShRUIOp::create(b, loc, x, count));
  return arith::SelectOp::create(b, loc, tooFar, zeroOf(b, loc, x.getType()), r);
}

/// `min` (`max` where `max`) of floats `x` and `y`: IEEE 754-2019's
/// minimumNumber (maximumNumber), what the GPU's min.f32/max.f64 compute: a NaN
/// operand gives the other, and -0.0 is below +0.0 whatever the order. (arith's
/// minnumf leaves a zero's sign to the target: its expansion gave the second
/// operand, while folding gave the first.) Halves in f32, exactly. Folded
/// alike (CuftFolds.cpp, LLVM).
Value minimumNumber(OpBuilder &b, Location loc, Value x, Value y, bool max) {
  Type type = x.getType();
  SmallVector<Value> xy = widenHalves(b, loc, {x, y});
  Type t = xy[0].getType();
  std::string name = std::string(max ? "llvm.maximumnum.f" : "llvm.minimumnum.f") +
                     std::to_string(t.getIntOrFloatBitWidth());
  Value r = LLVM::CallIntrinsicOp::create(b, loc, t, b.getStringAttr(name), xy).getResult(0);
  return narrowTo(b, loc, r, type);
}

Value emitBinary(OpBuilder &b, Location loc, Operation *op, Type cuftType, Value x, Value y,
                 bool checked) {
  if (isa<ComplexType>(x.getType()))
    return cuft::detail::emitComplexBinary(b, loc, op, x, y);
  if (x.getType().isBF16()) { // in f32, rounded once (see widenHalves)
    SmallVector<Value> xy = widenHalves(b, loc, {x, y});
    Value r = emitBinary(b, loc, op, b.getF32Type(), xy[0], xy[1], checked);
    return r ? narrowTo(b, loc, r, x.getType()) : r;
  }
  bool isFloat = isa<FloatType>(x.getType());
  bool u = isUnsigned(cuftType);
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<AddOp>([&](auto) -> Value {
        return isFloat ? Value(arith::AddFOp::create(b, loc, x, y)) : arith::AddIOp::create(b, loc, x, y);
      })
      .Case<SubOp>([&](auto) -> Value {
        return isFloat ? Value(arith::SubFOp::create(b, loc, x, y)) : arith::SubIOp::create(b, loc, x, y);
      })
      .Case<MulOp>([&](auto) -> Value {
        return isFloat ? Value(arith::MulFOp::create(b, loc, x, y)) : arith::MulIOp::create(b, loc, x, y);
      })
      .Case<TrueDivOp>([&](auto) -> Value { return arith::DivFOp::create(b, loc, x, y); })
      .Case<FloorDivOp>([&](auto) -> Value {
        if (isFloat)
          return floatFloorDiv(b, loc, x, y);
        return integerDivision(b, loc, /*isMod=*/false, u, x, y, checked);
      })
      .Case<ModOp>([&](auto) -> Value {
        if (isFloat)
          return pythonModFixup(b, loc, arith::RemFOp::create(b, loc, x, y), y);
        return integerDivision(b, loc, /*isMod=*/true, u, x, y, checked);
      })
      .Case<PowOp>([&](auto) -> Value {
        if (!isFloat)
          return integerPow(b, loc, x, y, u);
        FloatAttr exponent;
        if (matchPattern(y, m_Constant(&exponent)) && exponent.getValueAsDouble() == 2.0)
          return arith::MulFOp::create(b, loc, x, x);
        SmallVector<Value> xy = widenHalves(b, loc, {x, y});
        return narrowTo(b, loc, math::PowFOp::create(b, loc, xy[0], xy[1]), x.getType());
      })
      .Case<MinOp>([&](auto) -> Value {
        if (isFloat)
          return minimumNumber(b, loc, x, y, /*max=*/false);
        return u ? Value(arith::MinUIOp::create(b, loc, x, y)) : arith::MinSIOp::create(b, loc, x, y);
      })
      .Case<MaxOp>([&](auto) -> Value {
        if (isFloat)
          return minimumNumber(b, loc, x, y, /*max=*/true);
        return u ? Value(arith::MaxUIOp::create(b, loc, x, y)) : arith::MaxSIOp::create(b, loc, x, y);
      })
      .Case<BitAndOp>([&](auto) -> Value { return arith::AndIOp::create(b, loc, x, y); })
      .Case<BitOrOp>([&](auto) -> Value { return arith::OrIOp::create(b, loc, x, y); })
      .Case<BitXorOp>([&](auto) -> Value { return arith::XOrIOp::create(b, loc, x, y); })
      .Case<ShlOp>([&](auto) -> Value { return shift(b, loc, /*left=*/true, u, x, y); })
      .Case<ShrOp>([&](auto) -> Value { return shift(b, loc, /*left=*/false, u, x, y); })
      .Default([](Operation *) -> Value { return {}; });
}

template <typename SrcOp>
struct BinaryLowering : public OpConversionPattern<SrcOp> {
  BinaryLowering(const TypeConverter &converter, MLIRContext *ctx, bool checked)
      : OpConversionPattern<SrcOp>(converter, ctx), checked(checked) {}
  bool checked;
  LogicalResult matchAndRewrite(SrcOp op, typename SrcOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = emitBinary(rewriter, op.getLoc(), op, op.getType(), adaptor.getLhs(),
                         adaptor.getRhs(), checked);
    if (!r)
      return failure();
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct CmpLowering : public OpConversionPattern<CmpOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CmpOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getLhs(), y = adaptor.getRhs();
    Location loc = op.getLoc();
    if (isa<ComplexType>(x.getType())) { // eq or ne (the verifier): both parts
      if (op.getPredicate() == CmpPredicate::eq)
        rewriter.replaceOpWithNewOp<complex::EqualOp>(op, x, y);
      else
        rewriter.replaceOpWithNewOp<complex::NotEqualOp>(op, x, y);
      return success();
    }
    if (x.getType().isBF16()) {
      SmallVector<Value> xy = widenHalves(rewriter, loc, {x, y});
      x = xy[0];
      y = xy[1];
    }
    if (isa<FloatType>(x.getType())) {
      arith::CmpFPredicate p = arith::CmpFPredicate::OEQ;
      switch (op.getPredicate()) {
      case CmpPredicate::eq: p = arith::CmpFPredicate::OEQ; break;
      case CmpPredicate::ne: p = arith::CmpFPredicate::UNE; break;
      case CmpPredicate::lt: p = arith::CmpFPredicate::OLT; break;
      case CmpPredicate::le: p = arith::CmpFPredicate::OLE; break;
      case CmpPredicate::gt: p = arith::CmpFPredicate::OGT; break;
      case CmpPredicate::ge: p = arith::CmpFPredicate::OGE; break;
      }
      rewriter.replaceOpWithNewOp<arith::CmpFOp>(op, p, x, y);
      return success();
    }
    bool u = isUnsigned(op.getLhs().getType());
    arith::CmpIPredicate p = arith::CmpIPredicate::eq;
    switch (op.getPredicate()) {
    case CmpPredicate::eq: p = arith::CmpIPredicate::eq; break;
    case CmpPredicate::ne: p = arith::CmpIPredicate::ne; break;
    case CmpPredicate::lt: p = u ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt; break;
    case CmpPredicate::le: p = u ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle; break;
    case CmpPredicate::gt: p = u ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt; break;
    case CmpPredicate::ge: p = u ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge; break;
    }
    rewriter.replaceOpWithNewOp<arith::CmpIOp>(op, p, x, y);
    (void)loc;
    return success();
  }
};

struct UnaryLowering : public ConversionPattern {
  UnaryLowering(TypeConverter &tc, MLIRContext *ctx)
      : ConversionPattern(tc, MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    if (!isa<NegOp, InvertOp, NotOp, AbsOp, ConjOp>(op))
      return failure();
    Location loc = op->getLoc();
    Value x = operands[0];
    Type t = x.getType();
    if (t.isBF16() && !isa<NotOp, InvertOp>(op)) { // in f32 (see widenHalves)
      x = widenHalves(rewriter, loc, x)[0];
      t = x.getType();
    }
    bool isFloat = isa<FloatType>(t);
    Value r;
    if (isa<ComplexType>(t))
      r = isa<NegOp>(op)   ? Value(complex::NegOp::create(rewriter, loc, x))
          : isa<AbsOp>(op) ? cuft::detail::complexAbs(rewriter, loc, x)
                           : Value(complex::ConjOp::create(rewriter, loc, x));
    else if (isa<NegOp>(op))
      r = isFloat ? Value(arith::NegFOp::create(rewriter, loc, x))
                  : Value(arith::SubIOp::create(rewriter, loc, zeroOf(rewriter, loc, t), x));
    else if (isa<InvertOp, NotOp>(op))
      r = arith::XOrIOp::create(
          rewriter, loc, x,
          arith::ConstantOp::create(rewriter, loc, t, rewriter.getIntegerAttr(t, -1)));
    else if (isFloat)
      r = math::AbsFOp::create(rewriter, loc, x);
    else if (isUnsigned(op->getOperand(0).getType()))
      r = x;
    else // LLVM's abs of every width (math.absi reached NVPTX only as libdevice's
         // i32 __nv_abs); abs(MIN) wraps to MIN, as in NumPy
      r = LLVM::AbsOp::create(rewriter, loc, x.getType(), x, rewriter.getBoolAttr(false));
    rewriter.replaceOp(op, narrowTo(rewriter, loc, r, operands[0].getType()));
    return success();
  }
};

struct ConstantLowering : public OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type t = getTypeConverter()->convertType(op.getType());
    TypedAttr value = op.getValue();
    if (auto i = dyn_cast<IntegerAttr>(value))
      value = IntegerAttr::get(t, i.getValue());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, t, value);
    return success();
  }
};

} // namespace

Value cuft::detail::castScalar(OpBuilder &b, Location loc, Value x, Type from, Type to,
                               Type dst) {
  Type src = x.getType();
  if (src == dst && !(to.isInteger(1) && !from.isInteger(1)))
    return x;
  // bfloat16 converts through float32 only, as ml_dtypes does (and the host
  // has no other conversions): f64 and integers round to f32 first.
  Type f32 = b.getF32Type();
  if ((src.isBF16() || dst.isBF16()) && src != f32 && dst != f32 && !to.isInteger(1) &&
      !isa<ComplexType>(src) && !isa<ComplexType>(dst)) {
    Value mid = castScalar(b, loc, x, from, f32, f32);
    return castScalar(b, loc, mid, f32, to, dst);
  }
  if (auto c = dyn_cast<ComplexType>(src)) {
    Value re = complex::ReOp::create(b, loc, x), im = complex::ImOp::create(b, loc, x);
    if (to.isInteger(1)) { // true unless both parts are 0 (NaN is true)
      Value zero = zeroOf(b, loc, c.getElementType());
      return arith::OrIOp::create(
          b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, re, zero),
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, im, zero));
    }
    // Complex to complex (specialization refuses complex to a real number).
    Type part = cast<ComplexType>(dst).getElementType();
    return complex::CreateOp::create(b, loc, dst,
                                     castScalar(b, loc, re, c.getElementType(), part, part),
                                     castScalar(b, loc, im, c.getElementType(), part, part));
  }
  if (auto c = dyn_cast<ComplexType>(dst)) { // a real number: no imaginary part
    Type part = c.getElementType();
    return complex::CreateOp::create(b, loc, dst, castScalar(b, loc, x, from, part, part),
                                     zeroOf(b, loc, part));
  }
  if (to.isInteger(1))
    return isa<FloatType>(src)
               ? Value(arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                             zeroOf(b, loc, src)))
               : Value(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                             zeroOf(b, loc, src)));
  if (isa<FloatType>(src) && isa<FloatType>(dst))
    return src.getIntOrFloatBitWidth() < dst.getIntOrFloatBitWidth()
               ? Value(arith::ExtFOp::create(b, loc, dst, x))
               : Value(arith::TruncFOp::create(b, loc, dst, x));
  if (isa<FloatType>(src)) {
    // Saturating, as PTX's cvt.rzi: a value past the type's range gives its
    // end, NaN gives 0; LLVM's plain fptosi/fptoui would make those poison
    // (x86 gave INT_MIN, a GPU the clamped value, constant folding anything).
    // The rule's one home is LLVM's fptosi.sat/fptoui.sat (folding included).
    std::string name = to.isUnsignedInteger() ? "llvm.fptoui.sat" : "llvm.fptosi.sat";
    name += ".i" + std::to_string(dst.getIntOrFloatBitWidth()) + ".f" +
            std::to_string(src.getIntOrFloatBitWidth());
    return LLVM::CallIntrinsicOp::create(b, loc, dst, b.getStringAttr(name), ValueRange{x})
        .getResult(0);
  }
  if (isa<FloatType>(dst))
    return isUnsigned(from) ? Value(arith::UIToFPOp::create(b, loc, dst, x))
                            : Value(arith::SIToFPOp::create(b, loc, dst, x));
  unsigned ws = src.getIntOrFloatBitWidth(), wd = dst.getIntOrFloatBitWidth();
  if (ws > wd)
    return arith::TruncIOp::create(b, loc, dst, x);
  return isUnsigned(from) ? Value(arith::ExtUIOp::create(b, loc, dst, x))
                          : Value(arith::ExtSIOp::create(b, loc, dst, x));
}

namespace {

using cuft::detail::castScalar;

struct CastLowering : public OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, castScalar(rewriter, op.getLoc(), adaptor.getInput(),
                                      op.getInput().getType(), op.getType(),
                                      getTypeConverter()->convertType(op.getType())));
    return success();
  }
};

/// A view of a scalar's bits (the converted types are signless: a view
/// between ui32 and i32 is the value itself), or of an array's memory.
struct BitcastLowering : public OpConversionPattern<BitcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(BitcastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type to = getTypeConverter()->convertType(op.getType());
    Value x = adaptor.getInput();
    if (auto from = dyn_cast<ArrayType>(op.getInput().getType())) {
      // Each old element holds `scale` new ones (BitcastOp::arrayView).
      auto view = cast<ArrayType>(op.getType());
      int64_t scale = scalarBytes(from.getElementType()) / scalarBytes(view.getElementType());
      rewriter.replaceOp(op, cuft::detail::elementsView(rewriter, op.getLoc(), x,
                                                        cast<MemRefType>(to), scale,
                                                        /*lastAxisGrows=*/true));
      return success();
    }
    rewriter.replaceOp(op, x.getType() == to
                               ? x
                               : Value(arith::BitcastOp::create(rewriter, op.getLoc(), to, x)));
    return success();
  }
};

/// complex(re, im), z.real, z.imag.
struct ComplexLowering : public OpConversionPattern<ComplexOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComplexOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<complex::CreateOp>(op, op.getType(), adaptor.getRe(),
                                                   adaptor.getIm());
    return success();
  }
};
template <typename PartOp, typename ComplexPartOp>
struct PartLowering : public OpConversionPattern<PartOp> {
  using OpConversionPattern<PartOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(PartOp op, typename PartOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (isa<MemRefType>(adaptor.getInput().getType())) {
      auto type = cast<MemRefType>(this->getTypeConverter()->convertType(op.getType()));
      rewriter.replaceOp(op, cuft::detail::partsView(rewriter, op.getLoc(), adaptor.getInput(),
                                                     type, std::is_same_v<PartOp, ImagOp>));
      return success();
    }
    rewriter.replaceOpWithNewOp<ComplexPartOp>(op, adaptor.getInput());
    return success();
  }
};

/// The C math library's name of a function the math dialect lacks (lgamma,
/// tgamma, hypot, remainder, nextafter, ldexp, the Bessel functions): cuft's
/// own but gamma's, with C's `f` for float32.
std::string libmName(MathFn fn, bool f32) {
  std::string name = fn == MathFn::gamma ? "tgamma" : stringifyMathFn(fn).str();
  return f32 ? name + "f" : name;
}

struct BitsLowering : public OpConversionPattern<BitsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(BitsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    // LLVM's intrinsics, which both targets lower (the math dialect's forms
    // are not lowered on the way to NVVM).
    Location loc = op.getLoc();
    Value x = adaptor.getOperand();
    switch (op.getFn()) {
    case BitFn::popc:
      rewriter.replaceOpWithNewOp<LLVM::CtPopOp>(op, x.getType(), x);
      return success();
    case BitFn::clz:
      rewriter.replaceOpWithNewOp<LLVM::CountLeadingZerosOp>(op, x.getType(), x, false);
      return success();
    case BitFn::brev:
      rewriter.replaceOpWithNewOp<LLVM::BitReverseOp>(op, x.getType(), x);
      return success();
    case BitFn::ffs: {
      // x == 0 ? 0 : cttz(x) + 1, as a 32-bit integer.
      Type t = x.getType();
      auto constant = [&](Type type, int64_t v) {
        return arith::ConstantOp::create(rewriter, loc, rewriter.getIntegerAttr(type, v));
      };
      Value tz = LLVM::CountTrailingZerosOp::create(rewriter, loc, t, x, false);
      Value pos = arith::AddIOp::create(rewriter, loc, tz, constant(t, 1));
      Value zero = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, x,
                                         constant(t, 0));
      Value r = arith::SelectOp::create(rewriter, loc, zero, constant(t, 0), pos);
      auto i32 = rewriter.getI32Type();
      unsigned w = t.getIntOrFloatBitWidth();
      if (w > 32)
        r = arith::TruncIOp::create(rewriter, loc, i32, r);
      else if (w < 32)
        r = arith::ExtUIOp::create(rewriter, loc, i32, r);
      rewriter.replaceOp(op, r);
      return success();
    }
    }
    return failure();
  }
};

struct MathLowering : public OpConversionPattern<MathOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MathOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto &b = rewriter;
    if (op.getFn() == MathFn::rect) {
      rewriter.replaceOp(op, cuft::detail::complexRect(b, loc, adaptor.getOperands()[0],
                                                       adaptor.getOperands()[1]));
      return success();
    }
    if (isa<ComplexType>(adaptor.getOperands()[0].getType())) {
      rewriter.replaceOp(op,
                         cuft::detail::complexMath(b, loc, op.getFn(), adaptor.getOperands()[0]));
      return success();
    }
    // float16: computed in float32, then rounded (neither libdevice nor the C
    // library has half-precision functions).
    SmallVector<Value> a = widenHalves(b, loc, adaptor.getOperands());
    Value x = a[MathOp::getIntegerOperand(op.getFn()) == 0u ? 1 : 0]; // the (first) float
    Value r;
    switch (op.getFn()) {
    case MathFn::sqrt: r = math::SqrtOp::create(b, loc, x); break;
    case MathFn::rsqrt: r = math::RsqrtOp::create(b, loc, x); break;
    case MathFn::cbrt: r = math::CbrtOp::create(b, loc, x); break;
    case MathFn::fma: r = math::FmaOp::create(b, loc, x, a[1], a[2]); break;
    case MathFn::exp: r = math::ExpOp::create(b, loc, x); break;
    case MathFn::exp2: r = math::Exp2Op::create(b, loc, x); break;
    case MathFn::expm1: r = math::ExpM1Op::create(b, loc, x); break;
    case MathFn::log: r = math::LogOp::create(b, loc, x); break;
    case MathFn::log2: r = math::Log2Op::create(b, loc, x); break;
    case MathFn::log10: r = math::Log10Op::create(b, loc, x); break;
    case MathFn::log1p: r = math::Log1pOp::create(b, loc, x); break;
    case MathFn::sin: r = math::SinOp::create(b, loc, x); break;
    case MathFn::cos: r = math::CosOp::create(b, loc, x); break;
    case MathFn::tan: r = math::TanOp::create(b, loc, x); break;
    case MathFn::asin: r = math::AsinOp::create(b, loc, x); break;
    case MathFn::acos: r = math::AcosOp::create(b, loc, x); break;
    case MathFn::atan: r = math::AtanOp::create(b, loc, x); break;
    case MathFn::sinh: r = math::SinhOp::create(b, loc, x); break;
    case MathFn::cosh: r = math::CoshOp::create(b, loc, x); break;
    case MathFn::tanh: r = math::TanhOp::create(b, loc, x); break;
    case MathFn::asinh: r = math::AsinhOp::create(b, loc, x); break;
    case MathFn::acosh: r = math::AcoshOp::create(b, loc, x); break;
    case MathFn::atanh: r = math::AtanhOp::create(b, loc, x); break;
    case MathFn::fabs: r = math::AbsFOp::create(b, loc, x); break;
    case MathFn::floor: r = math::FloorOp::create(b, loc, x); break;
    case MathFn::ceil: r = math::CeilOp::create(b, loc, x); break;
    case MathFn::erf: r = math::ErfOp::create(b, loc, x); break;
    case MathFn::erfc: r = math::ErfcOp::create(b, loc, x); break;
    case MathFn::atan2: r = math::Atan2Op::create(b, loc, x, a[1]); break;
    case MathFn::pow: r = math::PowFOp::create(b, loc, x, a[1]); break;
    case MathFn::copysign: r = math::CopySignOp::create(b, loc, x, a[1]); break;
    case MathFn::fmod: r = arith::RemFOp::create(b, loc, x, a[1]); break;
    case MathFn::trunc: r = math::TruncOp::create(b, loc, x); break;
    case MathFn::rint: r = math::RoundEvenOp::create(b, loc, x); break;
    case MathFn::lgamma:
    case MathFn::gamma:
    case MathFn::hypot:
    case MathFn::remainder:
    case MathFn::nextafter:
    case MathFn::ldexp:
    case MathFn::j0:
    case MathFn::j1:
    case MathFn::y0:
    case MathFn::y1:
    case MathFn::jn:
    case MathFn::yn: {
      // Target-independent: a call of the C library's function, which each
      // target supplies (prepare-nvptx: libdevice's; the host: libm's).
      r = cuft::detail::callLibm(b, loc, libmName(op.getFn(), x.getType().isF32()),
                                 x.getType(), a);
      break;
    }
    case MathFn::rect: llvm_unreachable("rect is lowered above");
    }
    rewriter.replaceOp(op, narrowTo(b, loc, r, op.getType()));
    return success();
  }
};

} // namespace

Value cuft::detail::callLibm(OpBuilder &b, Location loc, StringRef name, Type type,
                             ValueRange args) {
  auto call = callDeclared(b, loc, name, type, args);
  SymbolTable::lookupNearestSymbolFrom(call, call.getCalleeAttr())
      ->setAttr(kLibmAttr, b.getUnitAttr());
  return call.getResult(0);
}

void cuft::populateCuftArithToArithPatterns(CuftTypeConverter &converter,
                                            RewritePatternSet &patterns,
                                            const CuftLoweringOptions &options) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<AddOp>, BinaryLowering<SubOp>, BinaryLowering<MulOp>,
               BinaryLowering<TrueDivOp>, BinaryLowering<FloorDivOp>, BinaryLowering<ModOp>,
               BinaryLowering<PowOp>, BinaryLowering<MinOp>, BinaryLowering<MaxOp>,
               BinaryLowering<BitAndOp>, BinaryLowering<BitOrOp>, BinaryLowering<BitXorOp>,
               BinaryLowering<ShlOp>, BinaryLowering<ShrOp>>(converter, ctx,
                                                             options.boundsCheck);
  patterns.add<CmpLowering, ConstantLowering, CastLowering, BitcastLowering>(converter, ctx);
  patterns.add<MathLowering, BitsLowering, ComplexLowering, PartLowering<RealOp, complex::ReOp>,
               PartLowering<ImagOp, complex::ImOp>>(converter, ctx);
  patterns.add<UnaryLowering>(converter, ctx);
}
