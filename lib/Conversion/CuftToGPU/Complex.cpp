//===- Complex.cpp - complex arithmetic and cmath's functions -------------===//
//
// +, - and * of complex numbers lower to the complex dialect
// (complex-to-standard expands it after this pass); abs is hypot of the parts
// (C99's: infinite if a part is, even with a NaN), as in CPython and NumPy.
// Division, powers and cmath's functions are computed from the parts as
// CPython computes them (Modules/cmathmodule.c, complexobject.c, after C99
// Annex G), so that a kernel gives what
// Python gives, signed zeros, infinities and NaNs included, on every target:
// the same formulas for finite arguments (with their rescalings near overflow
// and underflow), and for an infinite or NaN part the value of CPython's table
// of special values. Where CPython raises ValueError (`cmath.log(0)`,
// `cmath.atanh(1)`), a kernel returns the table's C99 value, as numba does.
// complex64 computes in float32 with float32's limits in place of double's.
//
//===----------------------------------------------------------------------===//

#include "Checks.h"
#include "Complex.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;
using namespace cuft;

namespace {

//===----------------------------------------------------------------------===//
// CPython's special values: for each function, a 7x7 table indexed by the
// class of the real part (rows) and of the imaginary part (columns), in the
// order -inf, negative, -0, +0, positive, +inf, NaN. Entries are `re,im` with
// P = pi, P12 = pi/2, P14 = pi/4, P34 = 3pi/4, INF, N (NaN), and U where the
// table is never read (finite parts, or a case the function computes).
//===----------------------------------------------------------------------===//

constexpr const char *kAcosTable =
    "P34,INF P,INF  P,INF   P,-INF   P,-INF  P34,-INF N,INF "
    "P12,INF U,U    U,U     U,U      U,U     P12,-INF N,N "
    "P12,INF U,U    P12,0   P12,-0   U,U     P12,-INF P12,N "
    "P12,INF U,U    P12,0   P12,-0   U,U     P12,-INF P12,N "
    "P12,INF U,U    U,U     U,U      U,U     P12,-INF N,N "
    "P14,INF 0,INF  0,INF   0,-INF   0,-INF  P14,-INF N,INF "
    "N,INF   N,N    N,N     N,N      N,N     N,-INF   N,N";

constexpr const char *kAcoshTable =
    "INF,-P34 INF,-P  INF,-P  INF,P   INF,P   INF,P34 INF,N "
    "INF,-P12 U,U     U,U     U,U     U,U     INF,P12 N,N "
    "INF,-P12 U,U     0,-P12  0,P12   U,U     INF,P12 N,N "
    "INF,-P12 U,U     0,-P12  0,P12   U,U     INF,P12 N,N "
    "INF,-P12 U,U     U,U     U,U     U,U     INF,P12 N,N "
    "INF,-P14 INF,-0  INF,-0  INF,0   INF,0   INF,P14 INF,N "
    "INF,N    N,N     N,N     N,N     N,N     INF,N   N,N";

constexpr const char *kAsinhTable =
    "-INF,-P14 -INF,-0 -INF,-0 -INF,0 -INF,0 -INF,P14 -INF,N "
    "-INF,-P12 U,U     U,U     U,U    U,U    -INF,P12 N,N "
    "-INF,-P12 U,U     -0,-0   -0,0   U,U    -INF,P12 N,N "
    "INF,-P12  U,U     0,-0    0,0    U,U    INF,P12  N,N "
    "INF,-P12  U,U     U,U     U,U    U,U    INF,P12  N,N "
    "INF,-P14  INF,-0  INF,-0  INF,0  INF,0  INF,P14  INF,N "
    "INF,N     N,N     N,-0    N,0    N,N    INF,N    N,N";

constexpr const char *kAtanhTable =
    "-0,-P12 -0,-P12 -0,-P12 -0,P12 -0,P12 -0,P12 -0,N "
    "-0,-P12 U,U     U,U     U,U    U,U    -0,P12 N,N "
    "-0,-P12 U,U     -0,-0   -0,0   U,U    -0,P12 -0,N "
    "0,-P12  U,U     0,-0    0,0    U,U    0,P12  0,N "
    "0,-P12  U,U     U,U     U,U    U,U    0,P12  N,N "
    "0,-P12  0,-P12  0,-P12  0,P12  0,P12  0,P12  0,N "
    "0,-P12  N,N     N,N     N,N    N,N    0,P12  N,N";

constexpr const char *kCoshTable =
    "INF,N U,U INF,0  INF,-0 U,U INF,N INF,N "
    "N,N   U,U U,U    U,U    U,U N,N   N,N "
    "N,0   U,U 1,0    1,-0   U,U N,0   N,0 "
    "N,0   U,U 1,-0   1,0    U,U N,0   N,0 "
    "N,N   U,U U,U    U,U    U,U N,N   N,N "
    "INF,N U,U INF,-0 INF,0  U,U INF,N INF,N "
    "N,N   N,N N,0    N,0    N,N N,N   N,N";

constexpr const char *kExpTable =
    "0,0   U,U 0,-0   0,0   U,U 0,0   0,0 "
    "N,N   U,U U,U    U,U   U,U N,N   N,N "
    "N,N   U,U 1,-0   1,0   U,U N,N   N,N "
    "N,N   U,U 1,-0   1,0   U,U N,N   N,N "
    "N,N   U,U U,U    U,U   U,U N,N   N,N "
    "INF,N U,U INF,-0 INF,0 U,U INF,N INF,N "
    "N,N   N,N N,-0   N,0   N,N N,N   N,N";

constexpr const char *kLogTable =
    "INF,-P34 INF,-P  INF,-P   INF,P   INF,P  INF,P34 INF,N "
    "INF,-P12 U,U     U,U      U,U     U,U    INF,P12 N,N "
    "INF,-P12 U,U     -INF,-P  -INF,P  U,U    INF,P12 N,N "
    "INF,-P12 U,U     -INF,-0  -INF,0  U,U    INF,P12 N,N "
    "INF,-P12 U,U     U,U      U,U     U,U    INF,P12 N,N "
    "INF,-P14 INF,-0  INF,-0   INF,0   INF,0  INF,P14 INF,N "
    "INF,N    N,N     N,N      N,N     N,N    INF,N   N,N";

constexpr const char *kSinhTable =
    "INF,N U,U -INF,-0 -INF,0 U,U INF,N INF,N "
    "N,N   U,U U,U     U,U    U,U N,N   N,N "
    "0,N   U,U -0,-0   -0,0   U,U 0,N   0,N "
    "0,N   U,U 0,-0    0,0    U,U 0,N   0,N "
    "N,N   U,U U,U     U,U    U,U N,N   N,N "
    "INF,N U,U INF,-0  INF,0  U,U INF,N INF,N "
    "N,N   N,N N,-0    N,0    N,N N,N   N,N";

constexpr const char *kSqrtTable =
    "INF,-INF 0,-INF 0,-INF 0,INF 0,INF INF,INF N,INF "
    "INF,-INF U,U    U,U    U,U   U,U   INF,INF N,N "
    "INF,-INF U,U    0,-0   0,0   U,U   INF,INF N,N "
    "INF,-INF U,U    0,-0   0,0   U,U   INF,INF N,N "
    "INF,-INF U,U    U,U    U,U   U,U   INF,INF N,N "
    "INF,-INF INF,-0 INF,-0 INF,0 INF,0 INF,INF INF,N "
    "INF,-INF N,N    N,N    N,N   N,N   INF,INF N,N";

constexpr const char *kTanhTable =
    "-1,0 U,U -1,-0 -1,0 U,U -1,0 -1,0 "
    "N,N  U,U U,U   U,U  U,U N,N  N,N "
    "N,N  U,U -0,-0 -0,0 U,U N,N  N,N "
    "N,N  U,U 0,-0  0,0  U,U N,N  N,N "
    "N,N  U,U U,U   U,U  U,U N,N  N,N "
    "1,0  U,U 1,-0  1,0  U,U 1,0  1,0 "
    "N,N  N,N N,-0  N,0  N,N N,N  N,N";

// cmath.rect(r, phi): rows by r, columns by phi.
constexpr const char *kRectTable =
    "INF,N U,U -INF,0 -INF,-0 U,U INF,N INF,N "
    "N,N   U,U U,U    U,U     U,U N,N   N,N "
    "0,0   U,U -0,0   -0,-0   U,U 0,0   0,0 "
    "0,0   U,U 0,-0   0,0     U,U 0,0   0,0 "
    "N,N   U,U U,U    U,U     U,U N,N   N,N "
    "INF,N U,U INF,-0 INF,0   U,U INF,N INF,N "
    "N,N   N,N N,0    N,0     N,N N,N   N,N";

/// A table entry's value (std::nullopt for U).
std::optional<double> entryValue(StringRef s) {
  bool negative = s.consume_front("-");
  double v;
  if (s == "U")
    return std::nullopt;
  if (s == "N")
    v = NAN;
  else if (s == "INF")
    v = INFINITY;
  else if (s == "0")
    v = 0.0;
  else if (s == "1")
    v = 1.0;
  else if (s == "P")
    v = M_PI;
  else if (s == "P12")
    v = M_PI / 2;
  else if (s == "P14")
    v = M_PI / 4;
  else if (s == "P34")
    v = 0.75 * M_PI;
  else
    llvm_unreachable("a special-value table entry");
  return negative ? -v : v;
}

struct Parts {
  Value re, im;
};

/// cmath's formulas on the parts of a complex number, in one float type, as
/// they read in CPython (its operations in its order: the same roundings).
class Cmath {
public:
  Cmath(OpBuilder &b, Location loc, FloatType t) : b(b), loc(loc), t(t) {
    const llvm::fltSemantics &sem = t.getFloatSemantics();
    double max = llvm::APFloat::getLargest(sem).convertToDouble();
    minNormal = llvm::APFloat::getSmallestNormalized(sem).convertToDouble();
    mantDig = int(llvm::APFloat::semanticsPrecision(sem));
    large = max / 4;
    sqrtLarge = std::sqrt(large);
    logLarge = std::log(large);
    sqrtMin = std::sqrt(minNormal);
  }

  Parts apply(MathFn fn, Parts z);
  Parts rect(Value r, Value phi);
  Parts divide(Parts a, Parts d);
  Parts power(Parts a, Parts y, std::optional<int64_t> literal);
  Parts powerByLog(Parts a, Parts y);

private:
  OpBuilder &b;
  Location loc;
  FloatType t;
  // CPython's CM_LARGE_DOUBLE, its square root and log, sqrt(DBL_MIN),
  // DBL_MIN and DBL_MANT_DIG, for this float type.
  double large, sqrtLarge, logLarge, sqrtMin, minNormal;
  int mantDig;

  // -- operations --
  Value c(double v) { return arith::ConstantOp::create(b, loc, t, b.getFloatAttr(t, v)); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value add(double x, Value y) { return add(c(x), y); }
  Value sub(double x, Value y) { return sub(c(x), y); }
  Value sub(Value x, double y) { return sub(x, c(y)); }
  Value add(Value x, double y) { return add(x, c(y)); }
  Value mul(double x, Value y) { return mul(c(x), y); }
  Value mul(Value x, double y) { return mul(x, c(y)); }
  Value div(Value x, double y) { return div(x, c(y)); }
  Value neg(Value x) { return arith::NegFOp::create(b, loc, x); }
  Value fabs(Value x) { return math::AbsFOp::create(b, loc, x); }
  Value copysign(Value x, Value y) { return math::CopySignOp::create(b, loc, x, y); }
  Value copysign(double x, Value y) { return copysign(c(x), y); }
  Value sqrt(Value x) { return math::SqrtOp::create(b, loc, x); }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  Value log(Value x) { return math::LogOp::create(b, loc, x); }
  Value log1p(Value x) { return math::Log1pOp::create(b, loc, x); }
  Value sin(Value x) { return math::SinOp::create(b, loc, x); }
  Value cos(Value x) { return math::CosOp::create(b, loc, x); }
  Value tan(Value x) { return math::TanOp::create(b, loc, x); }
  Value sinh(Value x) { return math::SinhOp::create(b, loc, x); }
  Value cosh(Value x) { return math::CoshOp::create(b, loc, x); }
  Value tanh(Value x) { return math::TanhOp::create(b, loc, x); }
  Value asinh(Value x) { return math::AsinhOp::create(b, loc, x); }
  Value atan2(Value y, Value x) { return math::Atan2Op::create(b, loc, y, x); }
  Value hypot(Value x, Value y) {
    return cuft::detail::callLibm(b, loc, t.isF32() ? "hypotf" : "hypot", t, {x, y});
  }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value lt(Value x, double y) { return cmp(arith::CmpFPredicate::OLT, x, c(y)); }
  Value le(Value x, double y) { return cmp(arith::CmpFPredicate::OLE, x, c(y)); }
  Value gt(Value x, double y) { return cmp(arith::CmpFPredicate::OGT, x, c(y)); }
  Value ge(Value x, double y) { return cmp(arith::CmpFPredicate::OGE, x, c(y)); }
  Value eq(Value x, double y) { return cmp(arith::CmpFPredicate::OEQ, x, c(y)); }
  Value ne(Value x, double y) { return cmp(arith::CmpFPredicate::UNE, x, c(y)); }
  Value isFinite(Value x) { return lt(fabs(x), INFINITY); }
  Value isInf(Value x) { return eq(fabs(x), INFINITY); }
  Value isNan(Value x) { return cmp(arith::CmpFPredicate::UNO, x, x); }
  Value both(Value p, Value q) { return arith::AndIOp::create(b, loc, p, q); }
  Value either(Value p, Value q) { return arith::OrIOp::create(b, loc, p, q); }
  Value select(Value cond, Value x, Value y) { return arith::SelectOp::create(b, loc, cond, x, y); }
  Parts select(Value cond, Parts x, Parts y) {
    return {select(cond, x.re, y.re), select(cond, x.im, y.im)};
  }
  Value i64(int64_t v) { return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v)); }
  Value signbit(Value x) {
    Type bits = b.getIntegerType(t.getWidth());
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                 arith::BitcastOp::create(b, loc, bits, x),
                                 arith::ConstantOp::create(b, loc, b.getIntegerAttr(bits, 0)));
  }

  /// `then()` where `cond` holds, else `otherwise()`, each computed only in
  /// its branch (for the rare cases: overflow, special values).
  Parts branch(Value cond, function_ref<Parts()> then, function_ref<Parts()> otherwise) {
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{t, t}, cond, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    for (auto [block, fn] : {std::pair{ifOp.thenBlock(), then}, {ifOp.elseBlock(), otherwise}}) {
      b.setInsertionPointToStart(block);
      Parts r = fn();
      scf::YieldOp::create(b, loc, ValueRange{r.re, r.im});
    }
    return {ifOp.getResult(0), ifOp.getResult(1)};
  }

  /// `finite()` for finite parts, `special()` (in a branch) for others.
  Parts byFiniteness(Parts z, function_ref<Parts()> finite, function_ref<Parts()> special) {
    return branch(both(isFinite(z.re), isFinite(z.im)), finite, special);
  }

  /// An inverse function as CPython computes it: `near()` for finite parts,
  /// `far()` past LARGE (where `near` would overflow), else `table`'s value.
  Parts inverse(Parts z, const char *table, function_ref<Parts()> far,
                function_ref<Parts()> near) {
    return byFiniteness(
        z, [&] { return branch(either(gt(fabs(z.re), large), gt(fabs(z.im), large)), far, near); },
        [&] { return lookup(table, z.re, z.im); });
  }

  /// log|z| past LARGE, without overflow: log|z/2| + 2 log 2.
  Value logModulusFar(Parts z) {
    return add(log(hypot(div(z.re, 2.0), div(z.im, 2.0))), 2 * M_LN2);
  }

  /// CPython's special_type of `x`: the index of its class in the tables.
  Value classOf(Value x) {
    Value negative = signbit(x);
    Value r = select(negative, i64(1), i64(4));
    r = select(eq(x, 0.0), select(negative, i64(2), i64(3)), r);
    r = select(isInf(x), select(negative, i64(0), i64(5)), r);
    return select(isNan(x), i64(6), r);
  }

  /// The entry of `table` for (x, y): per part, each value the table holds is
  /// a 49-bit mask of the entries holding it, tested at the entry's index.
  Parts lookup(const char *table, Value x, Value y) {
    SmallVector<StringRef> entries;
    llvm::SplitString(table, entries);
    assert(entries.size() == 49 && "a 7x7 table");
    Value index = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, classOf(x), i64(7)), classOf(y));
    Value parts[2];
    for (int part : {0, 1}) {
      // The entries holding each value (by its bits in this type: -0 is not 0).
      llvm::MapVector<uint64_t, std::pair<double, uint64_t>> masks;
      for (auto [i, entry] : llvm::enumerate(entries)) {
        std::optional<double> v = entryValue(part ? entry.split(',').second
                                                  : entry.split(',').first);
        if (!v)
          continue;
        llvm::APFloat f(*v);
        bool lost;
        f.convert(t.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
        auto &slot = masks[f.bitcastToAPInt().getZExtValue()];
        slot.first = *v;
        slot.second |= uint64_t(1) << i;
      }
      // The first value is the default; the others are selected by their masks.
      Value r = c(masks.front().second.first);
      for (auto &[bits, value] : llvm::drop_begin(masks)) {
        Value shifted = arith::ShRUIOp::create(b, loc, i64(int64_t(value.second)), index);
        Value holds = arith::TruncIOp::create(b, loc, b.getI1Type(), shifted);
        r = select(holds, c(value.first), r);
      }
      parts[part] = r;
    }
    return {parts[0], parts[1]};
  }

  /// The special value of a function whose table CPython overrides for an
  /// infinite real part and a finite non-zero imaginary part (exp, cosh,
  /// sinh, tanh, rect): `computed()` there, else the table's entry.
  Parts specialOrComputed(const char *table, Parts z, function_ref<Parts()> computed) {
    Value computes = both(both(isInf(z.re), isFinite(z.im)), ne(z.im, 0.0));
    return select(computes, computed(), lookup(table, z.re, z.im));
  }

  // -- the functions --
  Parts sqrtFinite(Parts z);
  Parts sqrt(Parts z);
  Parts exp(Parts z);
  Parts log(Parts z);
  Parts coshOrSinh(Parts z, bool isCosh);
  Parts tanh(Parts z);
  Parts acos(Parts z);
  Parts acosh(Parts z);
  Parts asinh(Parts z);
  Parts atanh(Parts z);
  /// -i f(iz) for f(iz) given as `fOfIz`: asin, atan, sin, tan from asinh,
  /// atanh, sinh, tanh.
  Parts timesMinusI(Parts w) { return {w.im, neg(w.re)}; }
  Parts timesI(Parts z) { return {neg(z.im), z.re}; }
};

// sqrt: for finite z, s = sqrt((|x| + hypot(x, y)) / 2) computed as
// 2 sqrt(|x|/8 + hypot(|x|/8, |y|/8)) (no overflow), or with both parts scaled
// up by 2**(2*(MANT_DIG/2)+1) when both are subnormal; d = |y| / 2s.
Parts Cmath::sqrtFinite(Parts z) {
  Value ax = fabs(z.re), ay = fabs(z.im);
  Value tiny = both(lt(ax, minNormal), lt(ay, minNormal));
  int scaleUp = 2 * (mantDig / 2) + 1, scaleDown = -(scaleUp + 1) / 2;
  Value k = select(tiny, c(std::ldexp(1.0, scaleUp)), c(0.125));
  Value sx = mul(ax, k), sy = mul(ay, k);
  Value s = mul(sqrt(add(sx, hypot(sx, sy))), select(tiny, c(std::ldexp(1.0, scaleDown)), c(2.0)));
  Value d = div(ay, mul(2.0, s));
  Value nonNegative = ge(z.re, 0.0);
  Parts r = select(nonNegative, Parts{s, copysign(d, z.im)}, Parts{d, copysign(s, z.im)});
  Value zero = both(eq(z.re, 0.0), eq(z.im, 0.0));
  return select(zero, Parts{c(0.0), z.im}, r);
}

Parts Cmath::sqrt(Parts z) {
  return byFiniteness(z, [&] { return sqrtFinite(z); },
                      [&] { return lookup(kSqrtTable, z.re, z.im); });
}

// exp: exp(x) cos y + i exp(x) sin y, from exp(x - 1) times e past log(LARGE).
Parts Cmath::exp(Parts z) {
  return byFiniteness(
      z,
      [&] {
        Value big = gt(z.re, logLarge);
        Value l = exp(select(big, sub(z.re, 1.0), z.re));
        Parts r{mul(l, cos(z.im)), mul(l, sin(z.im))};
        return select(big, Parts{mul(r.re, M_E), mul(r.im, M_E)}, r);
      },
      [&] {
        return specialOrComputed(kExpTable, z, [&] {
          Value scale = select(gt(z.re, 0.0), c(INFINITY), c(0.0));
          return Parts{copysign(scale, cos(z.im)), copysign(scale, sin(z.im))};
        });
      });
}

// log: log|z| + i atan2(y, x); |z| scaled by 1/2 near overflow or by
// 2**MANT_DIG below the normal numbers; log1p((m - 1)(m + 1) + n*n) / 2 (m, n
// the larger and smaller of |x|, |y|) for |z| in [0.71, 1.73].
Parts Cmath::log(Parts z) {
  return byFiniteness(
      z,
      [&] {
        Value ax = fabs(z.re), ay = fabs(z.im);
        Value big = either(gt(ax, large), gt(ay, large));
        Value tiny = both(lt(ax, minNormal), lt(ay, minNormal));
        Value k = select(big, c(0.5), select(tiny, c(std::ldexp(1.0, mantDig)), c(1.0)));
        Value h = hypot(mul(ax, k), mul(ay, k));
        Value nearOne = both(both(le(h, 1.73), ge(h, 0.71)),
                             arith::XOrIOp::create(b, loc, either(big, tiny),
                                                   arith::ConstantOp::create(
                                                       b, loc, b.getBoolAttr(true))));
        Value re = branch(
                       nearOne,
                       [&] {
                         Value m = arith::MaximumFOp::create(b, loc, ax, ay);
                         Value n = arith::MinimumFOp::create(b, loc, ax, ay);
                         Value r = div(log1p(add(mul(sub(m, 1.0), add(m, 1.0)), mul(n, n))), 2.0);
                         return Parts{r, r};
                       },
                       [&] {
                         Value l = log(h);
                         Value r = select(big, add(l, M_LN2),
                                          select(tiny, sub(l, mantDig * M_LN2), l));
                         return Parts{r, r};
                       })
                       .re;
        return Parts{re, atan2(z.im, z.re)};
      },
      [&] { return lookup(kLogTable, z.re, z.im); });
}

// cosh (`isCosh`) or sinh: cos y cosh x + i sin y sinh x, cos y sinh x + i
// sin y cosh x; past log(LARGE), of x -+ 1 times e. At an infinite x and a
// finite y, +-inf of the signs of cos y and sin y, the part odd in x (cosh's
// imaginary, sinh's real) negated for -inf.
Parts Cmath::coshOrSinh(Parts z, bool isCosh) {
  return byFiniteness(
      z,
      [&] {
        Value big = gt(fabs(z.re), logLarge);
        Value x = select(big, sub(z.re, copysign(1.0, z.re)), z.re);
        Value ch = cosh(x), sh = sinh(x);
        Parts r{mul(cos(z.im), isCosh ? ch : sh), mul(sin(z.im), isCosh ? sh : ch)};
        return select(big, Parts{mul(r.re, M_E), mul(r.im, M_E)}, r);
      },
      [&] {
        return specialOrComputed(isCosh ? kCoshTable : kSinhTable, z, [&] {
          Parts r{copysign(INFINITY, cos(z.im)), copysign(INFINITY, sin(z.im))};
          Value &odd = isCosh ? r.im : r.re;
          odd = select(gt(z.re, 0.0), odd, neg(odd));
          return r;
        });
      });
}

// tanh: (tanh x (1 + tan^2 y) + i tan y / cosh^2 x) / (1 + tanh^2 x tan^2 y);
// past log(LARGE), sign(x) + i 4 sin y cos y exp(-2|x|).
Parts Cmath::tanh(Parts z) {
  return byFiniteness(
      z,
      [&] {
        return branch(
            gt(fabs(z.re), logLarge),
            [&] {
              Value im = mul(mul(mul(4.0, sin(z.im)), cos(z.im)), exp(mul(-2.0, fabs(z.re))));
              return Parts{copysign(1.0, z.re), im};
            },
            [&] {
              Value tx = tanh(z.re), ty = tan(z.im), cx = div(c(1.0), cosh(z.re));
              Value txty = mul(tx, ty);
              Value denom = add(1.0, mul(txty, txty));
              return Parts{div(mul(tx, add(1.0, mul(ty, ty))), denom),
                           mul(mul(div(ty, denom), cx), cx)};
            });
      },
      [&] {
        return specialOrComputed(kTanhTable, z, [&] {
          return Parts{select(gt(z.re, 0.0), c(1.0), c(-1.0)),
                       copysign(0.0, mul(mul(2.0, sin(z.im)), cos(z.im)))};
        });
      });
}

// acos: 2 atan2(Re s1, Re s2) + i asinh(Re s2 Im s1 - Im s2 Re s1), s1 =
// sqrt(1 - z), s2 = sqrt(1 + z); past LARGE, atan2(|y|, x) -+ i (log|z/2| +
// 2 log 2).
Parts Cmath::acos(Parts z) {
  return inverse(
      z, kAcosTable,
      [&] {
        Value l = logModulusFar(z);
        Value im = select(lt(z.re, 0.0), neg(copysign(l, z.im)), copysign(l, neg(z.im)));
        return Parts{atan2(fabs(z.im), z.re), im};
      },
      [&] {
        Parts s1 = sqrtFinite({sub(1.0, z.re), neg(z.im)});
        Parts s2 = sqrtFinite({add(1.0, z.re), z.im});
        return Parts{mul(2.0, atan2(s1.re, s2.re)),
                     asinh(sub(mul(s2.re, s1.im), mul(s2.im, s1.re)))};
      });
}

// acosh: asinh(Re s1 Re s2 + Im s1 Im s2) + 2i atan2(Im s1, Re s2), s1 =
// sqrt(z - 1), s2 = sqrt(z + 1); past LARGE, log|z/2| + 2 log 2 + i atan2(y, x).
Parts Cmath::acosh(Parts z) {
  return inverse(
      z, kAcoshTable, [&] { return Parts{logModulusFar(z), atan2(z.im, z.re)}; },
      [&] {
        Parts s1 = sqrtFinite({sub(z.re, 1.0), z.im});
        Parts s2 = sqrtFinite({add(z.re, 1.0), z.im});
        return Parts{asinh(add(mul(s1.re, s2.re), mul(s1.im, s2.im))),
                     mul(2.0, atan2(s1.im, s2.re))};
      });
}

// asinh: asinh(Re s1 Im s2 - Re s2 Im s1) + i atan2(y, Re s1 Re s2 - Im s1 Im
// s2), s1 = sqrt(1 + iz), s2 = sqrt(1 - iz); past LARGE, +-(log|z/2| + 2 log 2)
// + i atan2(y, |x|).
Parts Cmath::asinh(Parts z) {
  return inverse(
      z, kAsinhTable,
      [&] {
        Value l = logModulusFar(z);
        Value re = select(ge(z.im, 0.0), copysign(l, z.re), neg(copysign(l, neg(z.re))));
        return Parts{re, atan2(z.im, fabs(z.re))};
      },
      [&] {
        Parts s1 = sqrtFinite({add(1.0, z.im), neg(z.re)});
        Parts s2 = sqrtFinite({sub(1.0, z.im), z.re});
        return Parts{asinh(sub(mul(s1.re, s2.im), mul(s2.re, s1.im))),
                     atan2(z.im, sub(mul(s1.re, s2.re), mul(s1.im, s2.im)))};
      });
}

// atanh, for x >= 0 (else -atanh(-z)): log1p(4x / ((1 - x)^2 + y^2)) / 4 -
// i atan2(-2y, (1 - x)(1 + x) - y^2) / 2; past sqrt(LARGE), about 1/z +- i pi/2;
// at x = 1 and |y| below sqrt(MIN), its own formula (inf + iy at y = 0).
Parts Cmath::atanh(Parts z) {
  return byFiniteness(
      z,
      [&] {
        Value negative = lt(z.re, 0.0);
        Value x = select(negative, neg(z.re), z.re), y = select(negative, neg(z.im), z.im);
        Value ay = fabs(y);
        Value far = either(gt(x, sqrtLarge), gt(ay, sqrtLarge));
        Value atOne = both(eq(x, 1.0), lt(ay, sqrtMin));
        Parts r = branch(
            either(far, atOne),
            [&] {
              Value h = hypot(div(x, 2.0), div(y, 2.0));
              Parts farValue{div(div(div(x, 4.0), h), h), neg(copysign(M_PI / 2, neg(y)))};
              Value zero = eq(ay, 0.0);
              Parts oneValue{
                  select(zero, c(INFINITY), neg(log(div(sqrt(ay), sqrt(hypot(ay, c(2.0))))))),
                  select(zero, y, copysign(div(atan2(c(2.0), neg(ay)), 2.0), y))};
              return select(far, farValue, oneValue);
            },
            [&] {
              Value zr1 = sub(1.0, x);
              Value re = div(log1p(div(mul(4.0, x), add(mul(zr1, zr1), mul(ay, ay)))), 4.0);
              Value d = sub(mul(zr1, add(1.0, x)), mul(ay, ay));
              Value im = neg(div(atan2(mul(-2.0, y), d), 2.0));
              return Parts{re, im};
            });
        return select(negative, Parts{neg(r.re), neg(r.im)}, r);
      },
      [&] { return lookup(kAtanhTable, z.re, z.im); });
}

Parts Cmath::apply(MathFn fn, Parts z) {
  switch (fn) {
  case MathFn::sqrt: return sqrt(z);
  case MathFn::exp: return exp(z);
  case MathFn::log: return log(z);
  case MathFn::log10: {
    Parts l = log(z);
    return {div(l.re, M_LN10), div(l.im, M_LN10)};
  }
  case MathFn::cosh: return coshOrSinh(z, /*isCosh=*/true);
  case MathFn::sinh: return coshOrSinh(z, /*isCosh=*/false);
  case MathFn::tanh: return tanh(z);
  case MathFn::acos: return acos(z);
  case MathFn::acosh: return acosh(z);
  case MathFn::asinh: return asinh(z);
  case MathFn::atanh: return atanh(z);
  // cos z = cosh iz; asin, atan, sin, tan z = -i f(iz) for asinh, atanh, sinh, tanh.
  case MathFn::cos: return coshOrSinh(timesI(z), /*isCosh=*/true);
  case MathFn::sin: return timesMinusI(coshOrSinh(timesI(z), /*isCosh=*/false));
  case MathFn::tan: return timesMinusI(tanh(timesI(z)));
  case MathFn::asin: return timesMinusI(asinh(timesI(z)));
  case MathFn::atan: return timesMinusI(atanh(timesI(z)));
  default: llvm_unreachable("the verifier allows cmath's functions only");
  }
}

// rect(r, phi): r cos phi + i r sin phi (r + i r phi at phi = 0); for an
// infinite or NaN operand, CPython's table, but +-inf(cos phi + i sin phi)'s
// signs for an infinite r and a finite non-zero phi.
Parts Cmath::rect(Value r, Value phi) {
  Parts z{r, phi};
  return byFiniteness(
      z,
      [&] {
        return select(eq(phi, 0.0), Parts{r, mul(r, phi)},
                      Parts{mul(r, cos(phi)), mul(r, sin(phi))});
      },
      [&] {
        return specialOrComputed(kRectTable, z, [&] {
          Parts w{copysign(INFINITY, cos(phi)), copysign(INFINITY, sin(phi))};
          return select(gt(r, 0.0), w, Parts{neg(w.re), neg(w.im)});
        });
      });
}

// a / d as CPython divides (_Py_c_quot: by the part of d of larger
// magnitude; NaN + NaN i if a part of d is NaN); by zero, where Python
// raises ZeroDivisionError, each part divided by +0, as NumPy does.
Parts Cmath::divide(Parts a, Parts d) {
  Value ar = fabs(d.re), ai = fabs(d.im);
  Value byReal = cmp(arith::CmpFPredicate::OGE, ar, ai);
  Value byImag = cmp(arith::CmpFPredicate::OGE, ai, ar);
  Value ratio = div(d.im, d.re), denom = add(d.re, mul(d.im, ratio));
  Parts real{div(add(a.re, mul(a.im, ratio)), denom), div(sub(a.im, mul(a.re, ratio)), denom)};
  Value ratio2 = div(d.re, d.im), denom2 = add(mul(d.re, ratio2), d.im);
  Parts imag{div(add(mul(a.re, ratio2), a.im), denom2), div(sub(mul(a.im, ratio2), a.re), denom2)};
  Parts r = select(byReal, select(eq(ar, 0.0), Parts{div(a.re, ar), div(a.im, ar)}, real),
                   select(byImag, imag, Parts{c(NAN), c(NAN)}));
  return r;
}

// a ** y: CPython's complex_pow. An integer exponent n (no imaginary part,
// |n| <= 100) multiplies as c_powi: 1 * a^(2^k) for n's bits (its first
// product by 1 + 0j included: it makes CPython's NaNs of infinite parts), the
// reciprocal of that for n < 0; else |a|^Re y e^(-arg(a) Im y) times
// cis(arg(a) Re y + Im y log|a|) (_Py_c_pow), 1 for y = 0 and 0 for a = 0
// (where Python raises ZeroDivisionError for a negative or complex y).
Parts Cmath::power(Parts a, Parts y, std::optional<int64_t> literal) {
  auto product = [&](Parts p, Parts q) {
    return Parts{sub(mul(p.re, q.re), mul(p.im, q.im)), add(mul(p.re, q.im), mul(p.im, q.re))};
  };
  Parts one{c(1.0), c(0.0)};
  if (literal && *literal >= -100 && *literal <= 100) {
    Parts r = one, p = a;
    for (int64_t n = std::abs(*literal), mask = 1; n >= mask; mask <<= 1) {
      if (n & mask)
        r = product(r, p);
      if (n >= 2 * mask)
        p = product(p, p);
    }
    return *literal < 0 ? divide(one, r) : r;
  }
  if (literal) // another literal: not an integer of at most 100
    return powerByLog(a, y);
  Value integral = both(both(eq(y.im, 0.0), le(fabs(y.re), 100.0)),
                        cmp(arith::CmpFPredicate::OEQ, y.re, math::FloorOp::create(b, loc, y.re)));
  return branch(
      integral,
      [&] {
        // n's seven bits (|n| <= 100), each product selected where n has it.
        Value n = arith::FPToSIOp::create(b, loc, b.getI64Type(), y.re);
        Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, n, i64(0));
        Value u = select(negative, arith::SubIOp::create(b, loc, i64(0), n), n);
        Parts r = one, p = a;
        for (int64_t mask = 1; mask <= 64; mask <<= 1) {
          Value bit = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                            arith::AndIOp::create(b, loc, u, i64(mask)), i64(0));
          r = select(bit, product(r, p), r);
          if (mask < 64)
            p = product(p, p);
        }
        return select(negative, divide(one, r), r);
      },
      [&] { return powerByLog(a, y); });
}

Parts Cmath::powerByLog(Parts a, Parts y) {
  Value vabs = hypot(a.re, a.im);
  Value at = atan2(a.im, a.re);
  Value complexY = ne(y.im, 0.0);
  Value len = math::PowFOp::create(b, loc, vabs, y.re);
  len = select(complexY, div(len, exp(mul(at, y.im))), len);
  Value phase = mul(at, y.re);
  phase = select(complexY, add(phase, mul(y.im, log(vabs))), phase);
  Parts r{mul(len, cos(phase)), mul(len, sin(phase))};
  r = select(both(eq(a.re, 0.0), eq(a.im, 0.0)), Parts{c(0.0), c(0.0)}, r);
  return select(both(eq(y.re, 0.0), eq(y.im, 0.0)), Parts{c(1.0), c(0.0)}, r);
}

Parts partsOf(OpBuilder &b, Location loc, Value z) {
  return {complex::ReOp::create(b, loc, z), complex::ImOp::create(b, loc, z)};
}

/// x / y of complex values (Cmath::divide).
Value quotient(OpBuilder &b, Location loc, Value x, Value y) {
  auto type = cast<ComplexType>(x.getType());
  Parts q = Cmath(b, loc, cast<FloatType>(type.getElementType()))
                .divide(partsOf(b, loc, x), partsOf(b, loc, y));
  return complex::CreateOp::create(b, loc, type, q.re, q.im);
}

/// The integer value of a constant exponent written as a literal (`z ** 2`:
/// specialization casts it to the complex type), if it is one.
std::optional<int64_t> integerExponent(Value cuftExponent) {
  if (auto c = cuftExponent.getDefiningOp<CastOp>())
    cuftExponent = c.getInput();
  Attribute a;
  if (!matchPattern(cuftExponent, m_Constant(&a)))
    return std::nullopt;
  if (auto i = dyn_cast<IntegerAttr>(a))
    return i.getValue().getSignificantBits() <= 64 ? std::optional(i.getValue().getSExtValue())
                                                  : std::nullopt;
  if (auto f = dyn_cast<FloatAttr>(a)) {
    double d = f.getValueAsDouble();
    if (d == std::trunc(d) && std::abs(d) <= 1e6)
      return int64_t(d);
  }
  return std::nullopt;
}

/// `z ** y` as CPython computes it: for an exponent with no imaginary part
/// and an integer real part of at most 100 in magnitude (a literal one known
/// here), by repeated multiplication; else exp(y log z) on the parts.
Value complexPow(OpBuilder &b, Location loc, Value z, Value y, Value cuftExponent) {
  auto type = cast<ComplexType>(z.getType());
  Cmath m(b, loc, cast<FloatType>(type.getElementType()));
  Parts r = m.power(partsOf(b, loc, z), partsOf(b, loc, y), integerExponent(cuftExponent));
  return complex::CreateOp::create(b, loc, type, r.re, r.im);
}

} // namespace

Value cuft::detail::complexMath(OpBuilder &b, Location loc, MathFn fn, Value z) {
  auto type = cast<ComplexType>(z.getType());
  Cmath m(b, loc, cast<FloatType>(type.getElementType()));
  Parts r = m.apply(fn, partsOf(b, loc, z));
  return complex::CreateOp::create(b, loc, type, r.re, r.im);
}

Value cuft::detail::complexAbs(OpBuilder &b, Location loc, Value z) {
  Parts p = partsOf(b, loc, z);
  Type t = p.re.getType();
  return cuft::detail::callLibm(b, loc, t.isF32() ? "hypotf" : "hypot", t, {p.re, p.im});
}

Value cuft::detail::partsView(OpBuilder &b, Location loc, Value array, MemRefType type,
                              bool imag) {
  // Counted in parts: twice the offset and strides, the imaginary part one
  // further (a negative stride, `a[::-1].real`, stays in range).
  return elementsView(b, loc, array, type, 2, /*lastAxisGrows=*/false, imag ? 1 : 0);
}

Value cuft::detail::complexRect(OpBuilder &b, Location loc, Value r, Value phi) {
  auto t = cast<FloatType>(r.getType());
  Parts z = Cmath(b, loc, t).rect(r, phi);
  return complex::CreateOp::create(b, loc, ComplexType::get(t), z.re, z.im);
}

Value cuft::detail::emitComplexBinary(OpBuilder &b, Location loc, Operation *op, Value x,
                                      Value y) {
  if (isa<AddOp>(op))
    return complex::AddOp::create(b, loc, x, y);
  if (isa<SubOp>(op))
    return complex::SubOp::create(b, loc, x, y);
  if (isa<MulOp>(op))
    return complex::MulOp::create(b, loc, x, y);
  if (isa<TrueDivOp>(op))
    return quotient(b, loc, x, y);
  if (isa<PowOp>(op))
    return complexPow(b, loc, x, y, op->getOperand(1));
  return {};
}
