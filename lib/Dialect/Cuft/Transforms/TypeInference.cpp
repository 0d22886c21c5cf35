//===- TypeInference.cpp - each op's typing rule ---------------------------===//
//
// The TypedByRules interface of every cuft op that cuft-specialize types: how
// its results' types follow from its operands' (inferTypes), and the casts its
// operands need once all types are known (castOperands). The binary and unary
// ops get theirs from ODS (their OperandKind) through inferBinary, inferUnary
// and castToResultType below. Python's promotion rules are in TypeRules.cpp;
// the fixpoint that runs these rules is cuft-specialize (Specialize.cpp).
//
//===----------------------------------------------------------------------===//

#include "cuft/Dialect/Cuft/Transforms/TypeInference.h"
#include "cuft/Dialect/Cuft/Transforms/SignatureText.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace cuft;

namespace {

bool isIntOrBool(Type t) { return isScalarType(t) && t.isInteger(); }

Type i1Type(MLIRContext *ctx) { return IntegerType::get(ctx, 1); }
Type i64Type(MLIRContext *ctx) { return IntegerType::get(ctx, 64); }
Type f64Type(MLIRContext *ctx) { return Float64Type::get(ctx); }

std::string varName(Value var) {
  if (auto v = var.getDefiningOp<VarOp>())
    return v.getName().str();
  return "?";
}

StringRef cmpSpelling(CmpPredicate p) {
  switch (p) {
  case CmpPredicate::eq: return "==";
  case CmpPredicate::ne: return "!=";
  case CmpPredicate::lt: return "<";
  case CmpPredicate::le: return "<=";
  case CmpPredicate::gt: return ">";
  case CmpPredicate::ge: return ">=";
  }
  return "?";
}

/// The promoted type of the typed operands of `op` (none until all are typed).
std::optional<TypeInfo> promoteOperands(TypeInference &typing, ValueRange operands) {
  std::optional<TypeInfo> acc;
  for (Value v : operands) {
    TypeInfo t = typing.get(v);
    if (!t)
      return std::nullopt;
    acc = acc ? promote(*acc, t) : std::optional<TypeInfo>(t);
  }
  return acc;
}

} // namespace

//===----------------------------------------------------------------------===//
// TypeInference's helpers
//===----------------------------------------------------------------------===//

LogicalResult TypeInference::requireScalar(Operation *op, Value v, StringRef what) {
  TypeInfo t = get(v);
  if (!t || isScalarType(t.type))
    return success();
  if (emitting())
    op->emitError(what) << " must be a scalar, got '" << describe(t.type) << "'";
  return failure();
}

LogicalResult TypeInference::checkArrayAccess(Operation *op, Value array, ValueRange indices,
                                              ArrayType &arr) {
  TypeInfo a = get(array);
  arr = dyn_cast_or_null<ArrayType>(a.type);
  if (!arr) {
    if (emitting())
      op->emitError("cannot index a value of type '") << describe(a.type) << "'";
    return failure();
  }
  if (indices.size() != arr.getRank()) {
    if (emitting())
      op->emitError("a rank-") << arr.getRank() << " array needs " << arr.getRank()
                               << " index(es), got " << indices.size();
    return failure();
  }
  return checkIndices(op, indices);
}

LogicalResult TypeInference::arrayOperand(Operation *op, Value v, StringRef before,
                                          StringRef after, ArrayType &arr) {
  TypeInfo t = get(v);
  arr = t ? dyn_cast<ArrayType>(t.type) : ArrayType();
  if (!t || arr)
    return success();
  if (emitting())
    op->emitError(before) << describe(t.type) << after;
  return failure();
}

LogicalResult TypeInference::requireConvertible(Operation *op, Value v, Type to,
                                                StringRef verb) {
  TypeInfo t = get(v);
  if (!t || !isComplexType(t.type) || isComplexType(to) || to.isInteger(1))
    return success();
  // NumPy drops the imaginary part with a warning; cuft never loses it quietly.
  if (emitting())
    op->emitError("cannot ") << verb << " a complex value ('" << describe(t.type)
                             << "') as '" << describe(to)
                             << "': the imaginary part would be lost (take .real or abs())";
  return failure();
}

LogicalResult TypeInference::requireStorable(Operation *op, Value v, Type to) {
  TypeInfo t = get(v);
  if (!t)
    return success();
  if (isa<RecordType>(to)) {
    if (t.type == to)
      return success();
    if (emitting())
      op->emitError("cannot store a value of type '")
          << describe(t.type) << "' into a record of type '" << describe(to)
          << "' (a record takes a record of the same dtype)";
    return failure();
  }
  if (failed(requireScalar(op, v, "a stored value")))
    return failure();
  return requireConvertible(op, v, to, "store");
}

LogicalResult TypeInference::checkIndices(Operation *op, ValueRange indices) {
  for (Value idx : indices) {
    TypeInfo t = get(idx);
    if (t && !isIntOrBool(t.type)) {
      if (emitting())
        op->emitError("array indices must be integers, got '") << describe(t.type) << "'";
      return failure();
    }
  }
  return success();
}

void TypeInference::castOperand(Operation *op, unsigned i, Type t) {
  Value v = op->getOperand(i);
  if (v.getType() == t)
    return;
  OpBuilder b(op);
  Value cast = CastOp::create(b, v.getLoc(), t, v);
  op->setOperand(i, cast);
  // Typed too: an op that hands its operand on (cast_like) gives this cast to
  // users whose own casts read their operands' types (a == b: promote).
  set(cast, TypeInfo::strong(t));
}

void TypeInference::castIndices(Operation *op, unsigned first, unsigned count) {
  for (unsigned i = first; i < first + count; ++i)
    if (op->getOperand(i).getType().isInteger(1))
      castOperand(op, i, i64Type(op->getContext()));
}

//===----------------------------------------------------------------------===//
// Binary and unary ops: the rule of their OperandKind
//===----------------------------------------------------------------------===//

/// Python's result of `a <op> b` for operands of kind `kind`: the promoted type;
/// bools compute in i64 for Numeric and Int, non-floats in f64 for Float; Int
/// and BoolOrInt refuse floats.
static LogicalResult binaryResult(Operation *op, TypeInference &typing, OperandKind kind,
                                  StringRef spelling, TypeInfo a, TypeInfo b, TypeInfo &r) {
  std::optional<TypeInfo> p = promote(a, b);
  auto refuse = [&](StringRef why) {
    if (typing.emitting())
      op->emitError("unsupported operand types for ")
          << spelling << ": '" << describe(a.type) << "' and '" << describe(b.type) << "'"
          << why;
    return failure();
  };
  if (!p)
    return refuse("");
  r = *p;
  r.literal.reset();
  ScalarKind k = kindOf(r.type);
  MLIRContext *ctx = op->getContext();
  switch (kind) {
  case OperandKind::Float:
    if (k < ScalarKind::Float)
      r.type = f64Type(ctx);
    break;
  case OperandKind::BoolOrInt:
  case OperandKind::Int:
    if (k >= ScalarKind::Float)
      return refuse(" (bitwise operators need integers)");
    if (kind == OperandKind::Int && k == ScalarKind::Bool)
      r.type = i64Type(ctx);
    break;
  case OperandKind::Real:
  case OperandKind::Numeric:
    if (kind == OperandKind::Real && k == ScalarKind::Complex)
      return refuse(" (complex numbers have no floor division or modulo)");
    if (k == ScalarKind::Bool)
      r.type = i64Type(ctx);
    break;
  case OperandKind::Ordered:
    if (k == ScalarKind::Complex)
      return refuse(" (complex numbers are not ordered)");
    break;
  case OperandKind::Any:
    break;
  }
  return success();
}

LogicalResult cuft::detail::inferBinary(Operation *op, TypeInference &typing, OperandKind kind,
                                        StringRef spelling) {
  TypeInfo a = typing.get(op->getOperand(0)), b = typing.get(op->getOperand(1));
  if (!a || !b)
    return success();
  TypeInfo r;
  if (failed(binaryResult(op, typing, kind, spelling, a, b, r)))
    return failure();
  if (a.weak && b.weak && kindOf(r.type) == ScalarKind::Int) {
    // Integer arithmetic on literals only is computed exactly, as Python does:
    // a result past 64 bits would otherwise fold to a wrapped value. Its type
    // is its value's, as a literal's: `1 << 63` is `ui64`, `2**63 - 1` `i64`.
    bool overflow = false;
    std::optional<APInt> exact = typing.exactLiteral(op->getResult(0), overflow);
    if (overflow) {
      if (typing.emitting())
        op->emitError("the result of ")
            << spelling << " on integer literals does not fit in 64 bits";
      return failure();
    }
    if (exact && r.type.getIntOrFloatBitWidth() == 64) {
      MLIRContext *ctx = op->getContext();
      if (isa<FloorDivOp, ModOp>(op)) {
        // `//` and `%` compute in one signedness: `ui64` where an operand is
        // from 2**63 up, else `i64`; a negative operand (or `-2**63 // -1`)
        // with it has no such type.
        bool unused = false;
        std::optional<APInt> x = typing.exactLiteral(op->getOperand(0), unused),
                             y = typing.exactLiteral(op->getOperand(1), unused);
        auto huge = [](const std::optional<APInt> &v) { return v && !v->isSignedIntN(64); };
        auto negative = [](const std::optional<APInt> &v) { return v && v->isNegative(); };
        bool unsignedOperands = huge(x) || huge(y);
        if (unsignedOperands ? negative(x) || negative(y) : !exact->isSignedIntN(64)) {
          if (typing.emitting())
            op->emitError() << spelling
                            << " of these integer literals needs both int64 and uint64: cast "
                               "one of them (cuft.uint64(...) or cuft.int64(...))";
          return failure();
        }
        r.type = IntegerType::get(ctx, 64, unsignedOperands ? IntegerType::Unsigned
                                                            : IntegerType::Signless);
      } else { // the same bits either way: the value's type
        r.type = literalType(ctx, *exact);
      }
    }
  }
  typing.set(op->getResult(0), r);
  return success();
}

LogicalResult cuft::detail::inferUnary(Operation *op, TypeInference &typing, OperandKind kind) {
  TypeInfo a = typing.get(op->getOperand(0));
  if (!a)
    return success();
  if (failed(typing.requireScalar(op, op->getOperand(0), "the operand")))
    return failure();
  MLIRContext *ctx = op->getContext();
  if (isa<NotOp>(op)) {
    typing.set(op->getResult(0), TypeInfo::strong(i1Type(ctx)));
    return success();
  }
  ScalarKind k = kindOf(a.type);
  if (kind == OperandKind::Int && k >= ScalarKind::Float) {
    if (typing.emitting())
      op->emitError("bad operand type for unary ~: '") << describe(a.type) << "'";
    return failure();
  }
  Type t = k == ScalarKind::Bool ? i64Type(ctx) : a.type;
  if (isa<AbsOp>(op)) // the modulus of a complex is real
    t = realPart(t);
  typing.set(op->getResult(0), TypeInfo{t, a.weak, std::nullopt});
  return success();
}

void cuft::detail::castToResultType(Operation *op, TypeInference &typing) {
  Type t = op->getResult(0).getType();
  if (isa<AbsOp>(op) && isComplexType(op->getOperand(0).getType()))
    return; // complex to real: the operand is already of its type
  for (unsigned i = 0; i < op->getNumOperands(); ++i)
    typing.castOperand(op, i, t);
  if (isa<ConjOp>(op) && !isComplexType(t)) {
    // A real number is its own conjugate: the op goes.
    op->getResult(0).replaceAllUsesWith(op->getOperand(0));
    op->erase();
  }
}

LogicalResult CmpOp::inferTypes(TypeInference &typing) {
  TypeInfo a = typing.get(getLhs()), b = typing.get(getRhs());
  if (!a || !b)
    return success();
  TypeInfo r;
  bool ordering = getPredicate() != CmpPredicate::eq && getPredicate() != CmpPredicate::ne;
  if (failed(binaryResult(*this, typing, ordering ? OperandKind::Ordered : OperandKind::Any,
                          cmpSpelling(getPredicate()), a, b, r)))
    return failure();
  typing.set(getResult(), TypeInfo::strong(i1Type(getContext())));
  return success();
}

void CmpOp::castOperands(TypeInference &typing) {
  Type t = promote(typing.get(getLhs()), typing.get(getRhs()))->type;
  // A literal below zero against a weak uint64 (a literal from 2**63 up, or a
  // variable holding one) compares by value, as Python's: in f64, which keeps
  // the sign that ui64 would wrap (`0xFFFFFFFFFFFFFFFF > -1` is true).
  if (t.isUnsignedInteger(64)) {
    bool unused = false;
    for (Value v : {getLhs(), getRhs()})
      if (std::optional<APInt> e = typing.exactLiteral(v, unused); e && e->isNegative())
        t = Float64Type::get(getContext());
  }
  typing.castOperand(*this, 0, t);
  typing.castOperand(*this, 1, t);
}

//===----------------------------------------------------------------------===//
// Values and variables
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferTypes(TypeInference &typing) {
  TypeInfo t{getType(), true, std::nullopt};
  if (auto i = dyn_cast<IntegerAttr>(getValue()); i && !getType().isInteger(1))
    t.literal = literalValue(i.getValue(), getType());
  typing.set(getResult(), t);
  return success();
}
void ConstantOp::castOperands(TypeInference &) {}

/// Whether float literal `value` is nonzero but 0 in float type `t`.
static bool vanishesIn(double value, FloatType t) {
  return value != 0 && roundedFloat(t, value).getValue().isZero();
}

/// Whether `v`'s truth is tested where it is used, or where a variable it is
/// stored to is read: the test of an enclosing chain, an `if` or `while`
/// condition, `not`, `bool()`.
static bool truthTested(Value v) {
  SmallVector<Value> work{v};
  llvm::SmallPtrSet<Operation *, 4> vars;
  while (!work.empty()) {
    for (OpOperand &use : work.pop_back_val().getUses()) {
      Operation *user = use.getOwner();
      if (isa<ExitIfOp, IfOp, ConditionOp>(user) && use.getOperandNumber() == 0)
        return true;
      if (auto cast = dyn_cast<CastOp>(user); cast && cast.getType().isInteger(1))
        return true;
      if (isa<NotOp>(user))
        return true;
      auto store = dyn_cast<VarStoreOp>(user);
      if (!store || store.getValue() != use.get() ||
          !vars.insert(store.getVar().getDefiningOp()).second)
        continue;
      for (Operation *reader : store.getVar().getUsers())
        if (auto load = dyn_cast<VarLoadOp>(reader))
          work.push_back(load.getResult());
    }
  }
  return false;
}

/// Python's `and`/`or`, a conditional expression and a variable hold a weak
/// float literal as it is, its full value; here it takes the type they join
/// (`to`), as in arithmetic (NEP 50). Where that makes it 0 its truth changes,
/// and where the value is tested the control flow changes with it
/// (`(x_f32 and 1e-50) or y` would give y): refused, at the literal's
/// `value` stored or ended with by `at`. (A value only stored keeps the
/// converted value: `out[0] = 1e-50 or x_f32` is 0.0, as NumPy converts.)
/// Called in the emitting pass, at the fixpoint, where `to` joins them all.
static LogicalResult refuseVanishingLiteral(Operation *at, Value value, const TypeInfo &v,
                                            Type to, Value result, StringRef whose) {
  auto literal = value.getDefiningOp<ConstantOp>();
  auto f = literal ? dyn_cast<FloatAttr>(literal.getValue()) : FloatAttr();
  auto ft = dyn_cast<FloatType>(to);
  if (!v.weak || !f || !ft || !vanishesIn(f.getValueAsDouble(), ft) || !truthTested(result))
    return success();
  return at->emitError("this value is 0 in '")
         << describe(to) << "', the type of " << whose
         << ", so the truth of its value, tested later, would change (Python keeps it "
            "unconverted): write np.float64(...) around it, or a literal that '"
         << describe(to) << "' holds";
}

// A variable's type is the join of what is stored to it (VarStoreOp).
LogicalResult VarOp::inferTypes(TypeInference &) { return success(); }
void VarOp::castOperands(TypeInference &) {}

LogicalResult VarStoreOp::inferTypes(TypeInference &typing) {
  TypeInfo v = typing.get(getValue());
  if (!v)
    return success();
  TypeInfo old = typing.get(getVar());
  std::optional<TypeInfo> j = joinVariable(old, v);
  if (!j) {
    if (typing.emitting())
      emitError("cannot assign a value of type '")
          << describe(v.type) << "' to variable '" << varName(getVar()) << "', which holds '"
          << describe(old.type) << "'";
    return failure();
  }
  if (typing.emitting()) {
    std::string name = varName(getVar());
    std::string whose = name.rfind("$", 0) == 0 ? "the conditional expression"
                                                : "variable '" + name + "'";
    if (failed(refuseVanishingLiteral(*this, getValue(), v, j->type, getValue(), whose)))
      return failure();
  }
  typing.set(getVar(), *j);
  return success();
}
void VarStoreOp::castOperands(TypeInference &typing) {
  typing.castOperand(*this, 0, getVar().getType().getValueType());
}

LogicalResult VarLoadOp::inferTypes(TypeInference &typing) {
  TypeInfo t = typing.get(getVar());
  if (!t) {
    if (!typing.emitting())
      return success();
    emitError("variable '") << varName(getVar()) << "' is read but never assigned";
    return failure();
  }
  typing.set(getResult(), TypeInfo{t.type, t.weak, std::nullopt});
  return success();
}
void VarLoadOp::castOperands(TypeInference &) {}

/// What an op that takes an array's dtype says of a value that is no array.
static constexpr StringLiteral kNoDtype = "' has no dtype: expected an array";

LogicalResult CastLikeOp::inferTypes(TypeInference &typing) {
  // A scalar reference gives its own type (the frontend's round(x, ndigits)
  // returns x's type).
  TypeInfo like = typing.get(getArray());
  Type to;
  if (like && isScalarType(like.type)) {
    to = like.type;
  } else {
    ArrayType arr;
    if (failed(typing.arrayOperand(*this, getArray(), "'", kNoDtype, arr)))
      return failure();
    if (!arr)
      return success();
    to = arr.getElementType();
  }
  if (failed(typing.requireScalar(*this, getInput(), "the operand of a cast")))
    return failure();
  typing.set(getResult(), TypeInfo::strong(to));
  return success();
}
void CastLikeOp::castOperands(TypeInference &typing) {
  // A plain cast now that the element type is known; the op goes.
  typing.castOperand(*this, 0, getType());
  getResult().replaceAllUsesWith(getInput());
  erase();
}

LogicalResult CastOp::inferTypes(TypeInference &typing) {
  if (failed(typing.requireScalar(*this, getInput(), "the operand of a cast")) ||
      failed(typing.requireConvertible(*this, getInput(), getType(), "convert")))
    return failure();
  typing.set(getResult(), TypeInfo::strong(getType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Complex numbers
//===----------------------------------------------------------------------===//

LogicalResult ComplexOp::inferTypes(TypeInference &typing) {
  for (Value v : getOperands()) {
    TypeInfo t = typing.get(v);
    if (!t)
      return success();
    if (failed(typing.requireScalar(*this, v, "a part of complex()")))
      return failure();
    if (kindOf(t.type) == ScalarKind::Complex) {
      if (typing.emitting())
        emitError("complex() takes real parts, got '") << describe(t.type) << "'";
      return failure();
    }
  }
  TypeInfo r = *promoteOperands(typing, getOperands());
  r.literal.reset();
  if (kindOf(r.type) != ScalarKind::Float)
    r.type = f64Type(getContext());
  r.type = complexOf(r.type);
  typing.set(getResult(), r);
  return success();
}
void ComplexOp::castOperands(TypeInference &typing) {
  Type part = realPart(getType());
  typing.castOperand(*this, 0, part);
  typing.castOperand(*this, 1, part);
}

/// real, imag: the part's type of a complex; of a real number, its own type
/// (a bool's: i64). Of an array of complex numbers, NumPy's view of the parts
/// (strided); of another array, `.real` is the array itself.
static LogicalResult inferPart(Operation *op, TypeInference &typing) {
  TypeInfo t = typing.get(op->getOperand(0));
  if (!t)
    return success();
  if (auto array = dyn_cast<ArrayType>(t.type)) {
    Type elem = array.getElementType();
    if (isComplexType(elem)) {
      typing.set(op->getResult(0),
                 TypeInfo::strong(ArrayType::get(realPart(elem), array.getRank(), Layout::Strided,
                                                 array.getMemorySpace())));
      return success();
    }
    if (isa<RealOp>(op) && !isa<RecordType>(elem)) {
      typing.set(op->getResult(0), TypeInfo::strong(array));
      return success();
    }
    if (typing.emitting())
      op->emitError("the .imag of an array of real numbers is not supported in kernels "
                    "(NumPy's is a new array of zeros), got '")
          << describe(array) << "'";
    return failure();
  }
  if (failed(typing.requireScalar(op, op->getOperand(0), "the operand of .real or .imag")))
    return failure();
  Type r = t.type.isInteger(1) ? i64Type(op->getContext()) : realPart(t.type);
  typing.set(op->getResult(0), TypeInfo{r, t.weak, std::nullopt});
  return success();
}
LogicalResult RealOp::inferTypes(TypeInference &typing) { return inferPart(*this, typing); }
void RealOp::castOperands(TypeInference &typing) {
  if (auto array = dyn_cast<ArrayType>(getInput().getType())) {
    if (!isComplexType(array.getElementType())) { // an array of real numbers: itself
      getResult().replaceAllUsesWith(getInput());
      erase();
    }
    return;
  }
  if (isComplexType(getInput().getType()))
    return;
  typing.castOperand(*this, 0, getType()); // a real number's .real is itself
  getResult().replaceAllUsesWith(getInput());
  erase();
}
LogicalResult ImagOp::inferTypes(TypeInference &typing) { return inferPart(*this, typing); }
void ImagOp::castOperands(TypeInference &) {
  if (isComplexType(getInput().getType()) || isa<ArrayType>(getInput().getType()))
    return;
  OpBuilder b(*this); // a real number's .imag is 0
  Type t = getType();
  Attribute zero = isa<FloatType>(t) ? Attribute(FloatAttr::get(t, 0.0)) : IntegerAttr::get(t, 0);
  getResult().replaceAllUsesWith(ConstantOp::create(b, getLoc(), t, cast<TypedAttr>(zero)));
  erase();
}
void CastOp::castOperands(TypeInference &) {}

LogicalResult BitcastOp::inferTypes(TypeInference &typing) {
  TypeInfo t = typing.get(getInput());
  if (!t)
    return success();
  Type to = getTarget();
  if (auto array = dyn_cast<ArrayType>(t.type)) { // a.view(np.uint32)
    std::string why;
    ArrayType view = arrayView(array, to, why);
    if (!view) {
      if (typing.emitting())
        emitError("cannot view '") << describe(array) << "' as '" << describe(to) << "': " << why;
      return failure();
    }
    typing.set(getResult(), TypeInfo::strong(view));
    return success();
  }
  if (failed(typing.requireScalar(*this, getInput(), "the operand of a view")))
    return failure();
  if (!canView(t.type, to)) {
    if (typing.emitting())
      emitError("cannot view '") << describe(t.type) << "' as '" << describe(to)
                                 << "': a view keeps the bits, so both are integers or "
                                    "floats of one width";
    return failure();
  }
  typing.set(getResult(), TypeInfo::strong(to));
  return success();
}
void BitcastOp::castOperands(TypeInference &) {}

//===----------------------------------------------------------------------===//
// Math
//===----------------------------------------------------------------------===//

/// rint, floor, ceil, trunc: integral results, in the operand's float type
/// (NumPy's rule; math.floor's int is the frontend's cast). Of an integer, the
/// integer itself.
static bool isRounding(MathFn fn) {
  return fn == MathFn::rint || fn == MathFn::floor || fn == MathFn::ceil || fn == MathFn::trunc;
}

LogicalResult MathOp::inferTypes(TypeInference &typing) {
  for (Value v : getOperands())
    if (typing.get(v) && failed(typing.requireScalar(*this, v, "a math function argument")))
      return failure();
  if (std::optional<unsigned> k = getIntegerOperand(getFn())) {
    // The float of x; ldexp's exponent, jn's and yn's order an integer.
    TypeInfo x = typing.get(getOperand(1 - *k)), e = typing.get(getOperand(*k));
    if (!x || !e)
      return success();
    if (kindOf(e.type) == ScalarKind::Float || kindOf(e.type) == ScalarKind::Complex) {
      if (typing.emitting())
        emitError(stringifyMathFn(getFn()))
            << "() takes an integer " << (*k ? "exponent" : "order") << ", got '"
            << describe(e.type) << "'";
      return failure();
    }
    Type t = kindOf(x.type) == ScalarKind::Float ? x.type : f64Type(getContext());
    typing.set(getResult(), TypeInfo{t, x.weak && kindOf(x.type) == ScalarKind::Float,
                                     std::nullopt});
    return success();
  }
  std::optional<TypeInfo> acc = promoteOperands(typing, getOperands());
  if (!acc)
    return success();
  TypeInfo r = *acc;
  r.literal.reset();
  if (getFn() == MathFn::rect) { // two reals (integers: f64) to a complex
    if (kindOf(r.type) == ScalarKind::Complex) {
      if (typing.emitting())
        emitError("rect() takes real numbers, got '") << describe(r.type) << "'";
      return failure();
    }
    if (kindOf(r.type) != ScalarKind::Float)
      r.type = f64Type(getContext());
    r.type = complexOf(r.type);
    typing.set(getResult(), r);
    return success();
  }
  // cmath's functions compute on complex numbers (a real argument converted,
  // integers to complex<f64>); the others on a complex argument too where cmath
  // has the function (NumPy's ufuncs: numpy.sqrt(z)).
  if (getCmath() || kindOf(r.type) == ScalarKind::Complex) {
    if (!hasComplexForm(getFn())) {
      if (typing.emitting())
        emitError(stringifyMathFn(getFn())) << "() takes real numbers, got '"
                                            << describe(r.type) << "'";
      return failure();
    }
    if (kindOf(r.type) < ScalarKind::Float)
      r.type = f64Type(getContext());
    r.type = complexOf(r.type);
    typing.set(getResult(), r);
    return success();
  }
  if (isRounding(getFn()) && kindOf(r.type) != ScalarKind::Float) {
    // An integer is already integral: the result is itself (bool: an i64).
    if (kindOf(r.type) == ScalarKind::Bool)
      r.type = i64Type(getContext());
    typing.set(getResult(), r);
    return success();
  }
  if (kindOf(r.type) != ScalarKind::Float)
    r.type = f64Type(getContext());
  typing.set(getResult(), r);
  return success();
}

LogicalResult CollectiveOp::inferTypes(TypeInference &typing) {
  MLIRContext *ctx = getContext();
  for (Value v : getOperands())
    if (typing.get(v) && failed(typing.requireScalar(*this, v, "an argument")))
      return failure();
  Type result;
  if (isShuffle() || isMatch()) {
    TypeInfo v = typing.get(getOperand(1));
    if (!v)
      return success();
    Type t = v.type;
    bool wide = kindOf(t) == ScalarKind::Int || t.isF32() || t.isF64();
    if (!wide || (t.getIntOrFloatBitWidth() != 32 && t.getIntOrFloatBitWidth() != 64)) {
      if (typing.emitting())
        emitError("cuft.") << (getKind() == CollectiveKind::shfl_idx
                                   ? StringRef("shfl")
                                   : stringifyCollectiveKind(getKind()))
                           << "_sync() takes 32- or 64-bit integers and floats, got '"
                           << describe(t) << "'";
      return failure();
    }
    result = isMatch() ? Type(IntegerType::get(ctx, 32)) : t;
  } else if (isBlockReduction()) {
    result = IntegerType::get(ctx, 32);
  } else if (getKind() == CollectiveKind::all || getKind() == CollectiveKind::any ||
             getKind() == CollectiveKind::eq) {
    result = i1Type(ctx);
  } else {
    result = IntegerType::get(ctx, 32, IntegerType::Unsigned);
  }
  typing.set(getResult(), TypeInfo::strong(result));
  return success();
}
void CollectiveOp::castOperands(TypeInference &typing) {
  MLIRContext *ctx = getContext();
  auto u32 = IntegerType::get(ctx, 32, IntegerType::Unsigned);
  auto i32 = IntegerType::get(ctx, 32);
  if (isBlockReduction()) {
    typing.castOperand(*this, 0, i1Type(ctx));
    return;
  }
  if (getKind() == CollectiveKind::activemask)
    return;
  typing.castOperand(*this, 0, u32); // the mask
  if (isShuffle()) {
    typing.castOperand(*this, 2, i32);
    typing.castOperand(*this, 3, i32);
  } else if (getOperands().size() == 2 && !isMatch()) {
    typing.castOperand(*this, 1, i1Type(ctx)); // the predicate's truth
  }
}

LogicalResult NanoSleepOp::inferTypes(TypeInference &typing) {
  TypeInfo t = typing.get(getNs());
  if (t && kindOf(t.type) != ScalarKind::Int && kindOf(t.type) != ScalarKind::Bool) {
    if (typing.emitting())
      emitError("cuft.nanosleep() takes an integer, got '") << describe(t.type) << "'";
    return failure();
  }
  return success();
}
void NanoSleepOp::castOperands(TypeInference &typing) {
  typing.castOperand(*this, 0, IntegerType::get(getContext(), 32, IntegerType::Unsigned));
}

LogicalResult BitsOp::inferTypes(TypeInference &typing) {
  TypeInfo x = typing.get(getOperand());
  if (!x)
    return success();
  if (kindOf(x.type) != ScalarKind::Int) {
    if (typing.emitting())
      emitError("cuft.") << stringifyBitFn(getFn()) << "() takes an integer, got '"
                         << describe(x.type) << "'";
    return failure();
  }
  if (getFn() == BitFn::ffs)
    typing.set(getResult(),
               TypeInfo::strong(IntegerType::get(getContext(), 32, IntegerType::Unsigned)));
  else
    typing.set(getResult(), TypeInfo::strong(x.type));
  return success();
}
void BitsOp::castOperands(TypeInference &) {}

void MathOp::castOperands(TypeInference &typing) {
  if (isRounding(getFn()) && !isa<FloatType>(getType())) {
    // Of an integer: the integer, in the result's type; the op goes.
    typing.castOperand(*this, 0, getType());
    getResult().replaceAllUsesWith(getOperand(0));
    erase();
    return;
  }
  if (std::optional<unsigned> k = getIntegerOperand(getFn())) {
    typing.castOperand(*this, 1 - *k, getType());
    // The integer as C's int: a wider one saturates (ldexp's result is 0 or
    // infinity past +-2**31 already), then narrows.
    Value e = getOperand(*k);
    auto i32 = IntegerType::get(getContext(), 32);
    if (e.getType() != i32) {
      OpBuilder b(*this);
      Location loc = getLoc();
      auto i64 = i64Type(getContext());
      if (e.getType() != i64)
        e = CastOp::create(b, loc, i64, e);
      auto bound = [&](int64_t v) {
        return ConstantOp::create(b, loc, i64, IntegerAttr::get(i64, v));
      };
      e = MaxOp::create(b, loc, i64, e, bound(INT32_MIN));
      e = MinOp::create(b, loc, i64, e, bound(INT32_MAX));
      setOperand(*k, CastOp::create(b, loc, i32, e));
    }
    return;
  }
  // rect's operands are its complex result's parts.
  Type t = getFn() == MathFn::rect ? cast<ComplexType>(getType()).getElementType() : getType();
  for (unsigned i = 0; i < getNumOperands(); ++i)
    typing.castOperand(*this, i, t);
}

//===----------------------------------------------------------------------===//
// Arrays
//===----------------------------------------------------------------------===//

/// The type of a view of `arr` that drops `dropped` dimensions.
static ArrayType viewType(ArrayType arr, unsigned dropped) {
  return ArrayType::get(arr.getElementType(), arr.getRank() - dropped, Layout::Strided,
                        arr.getMemorySpace());
}

/// `a[i]` of an array of more dimensions: a view (NumPy's rule); the array.
static ArrayType partialIndexing(TypeInference &typing, Value array, size_t indices) {
  auto arr = dyn_cast_or_null<ArrayType>(typing.get(array).type);
  return arr && indices < arr.getRank() ? arr : ArrayType();
}

/// A cache-hinted load or store (numba-cuda's ldca ... stwt): an element of a
/// global array of integers or floats, every index given.
static LogicalResult checkCacheHint(Operation *op, TypeInference &typing,
                                    std::optional<StringRef> cache, Value array,
                                    size_t indices) {
  if (!cache)
    return success();
  auto arr = dyn_cast<ArrayType>(typing.get(array).type);
  if (arr && LoadOp::takesCacheHint(arr, indices))
    return success();
  if (typing.emitting())
    op->emitError("a cache-hinted ")
        << (isa<LoadOp>(op) ? "load (ld" : "store (st") << *cache
        << ") is of an element of a global array of integers or floats, one index per "
           "dimension; got '"
        << describe(typing.get(array).type) << "' with " << indices << " ind"
        << (indices == 1 ? "ex" : "ices");
  return failure();
}

LogicalResult LoadOp::inferTypes(TypeInference &typing) {
  if (!typing.get(getArray()))
    return success();
  if (failed(checkCacheHint(*this, typing, getCache(), getArray(), getIndices().size())))
    return failure();
  if (ArrayType arr = partialIndexing(typing, getArray(), getIndices().size())) {
    if (failed(typing.checkIndices(*this, getIndices())))
      return failure();
    typing.set(getResult(), TypeInfo::strong(viewType(arr, getIndices().size())));
    return success();
  }
  ArrayType arr;
  if (failed(typing.checkArrayAccess(*this, getArray(), getIndices(), arr)))
    return failure();
  typing.set(getResult(), TypeInfo::strong(arr.getElementType()));
  return success();
}
void LoadOp::castOperands(TypeInference &typing) {
  typing.castIndices(*this, 1, getIndices().size());
  if (!isa<ArrayType>(getType()))
    return;
  // A view: the same indices, each dropping its dimension.
  OpBuilder b(*this);
  SmallVector<int32_t> spec(getIndices().size(), ViewOp::kIndex);
  auto view = ViewOp::create(b, getLoc(), getType(), getArray(), getIndices(),
                             b.getDenseI32ArrayAttr(spec));
  typing.set(view.getResult(), typing.get(getResult())); // for users' castOperands
  getResult().replaceAllUsesWith(view.getResult());
  erase();
}

LogicalResult ViewOp::inferTypes(TypeInference &typing) {
  ArrayType arr;
  if (failed(typing.arrayOperand(*this, getArray(), "cannot slice a value of type '", "'", arr)))
    return failure();
  if (!arr)
    return success();
  SmallVector<int32_t> dims;
  SmallVector<unsigned> newAxes;
  if (!perDimension(arr.getRank(), dims, newAxes)) {
    if (typing.emitting())
      emitError("too many indices for a rank-")
          << arr.getRank() << " array: "
          << llvm::count_if(getSpec(), [](int32_t e) { return e >= kIndex; });
    return failure();
  }
  if (failed(typing.checkIndices(*this, getParts())))
    return failure();
  unsigned rank = arr.getRank() - droppedDims() + unsigned(newAxes.size());
  if (rank > signature::kMaxRank) {
    if (typing.emitting())
      emitError("the view would have ") << rank << " dimensions; arrays have at most "
                                        << signature::kMaxRank;
    return failure();
  }
  typing.set(getResult(), TypeInfo::strong(ArrayType::get(arr.getElementType(), rank,
                                                          Layout::Strided,
                                                          arr.getMemorySpace())));
  return success();
}
void ViewOp::castOperands(TypeInference &typing) {
  typing.castIndices(*this, 1, getParts().size());
}

LogicalResult ReshapeOp::inferTypes(TypeInference &typing) {
  ArrayType arr;
  if (failed(typing.arrayOperand(*this, getArray(), "cannot reshape a value of type '", "'",
                                 arr)))
    return failure();
  if (!arr)
    return success();
  for (Value extent : getExtents())
    if (TypeInfo t = typing.get(extent); t && !isIntOrBool(t.type)) {
      if (typing.emitting())
        emitError("reshape's extents must be integers, got '") << describe(t.type) << "'";
      return failure();
    }
  unsigned rank = unsigned(getExtents().size());
  if (rank > signature::kMaxRank) {
    if (typing.emitting())
      emitError("reshape to ") << rank << " dimensions; arrays have at most "
                               << signature::kMaxRank;
    return failure();
  }
  std::string why;
  ArrayType result = reshaped(arr, rank, why);
  if (!result) {
    if (typing.emitting())
      emitError("cannot reshape '") << describe(arr) << "': " << why;
    return failure();
  }
  typing.set(getResult(), TypeInfo::strong(result));
  return success();
}
void ReshapeOp::castOperands(TypeInference &typing) {
  typing.castIndices(*this, 1, getExtents().size());
}

LogicalResult TransposeOp::inferTypes(TypeInference &typing) {
  ArrayType arr;
  if (failed(typing.arrayOperand(*this, getArray(), "cannot transpose a value of type '", "'",
                                 arr)))
    return failure();
  if (!arr)
    return success();
  SmallVector<int64_t> perm;
  if (!normalized(getPerm(), arr.getRank(), perm)) {
    if (typing.emitting())
      emitError("axes don't match array: transpose takes a permutation of its ")
          << arr.getRank() << " dimensions";
    return failure();
  }
  typing.set(getResult(), TypeInfo::strong(transposed(arr, perm)));
  return success();
}
void TransposeOp::castOperands(TypeInference &) {}

LogicalResult StoreOp::inferTypes(TypeInference &typing) {
  if (!typing.get(getArray()))
    return success();
  if (failed(checkCacheHint(*this, typing, getCache(), getArray(), getIndices().size())))
    return failure();
  ArrayType arr;
  if (failed(typing.checkArrayAccess(*this, getArray(), getIndices(), arr)) ||
      failed(typing.requireStorable(*this, getValue(), arr.getElementType())))
    return failure();
  return success();
}
void StoreOp::castOperands(TypeInference &typing) {
  typing.castOperand(*this, 0, cast<ArrayType>(getArray().getType()).getElementType());
  typing.castIndices(*this, 2, getIndices().size());
}

/// The field of getfield/setfield `op` (null while the record is untyped);
/// fails when the operand is no record, it has no such field, or the indices
/// do not fit the field's shape.
static LogicalResult recordField(Operation *op, TypeInference &typing, Value record,
                                 StringRef name, ValueRange indices,
                                 std::optional<RecordType::Field> &field) {
  TypeInfo t = typing.get(record);
  if (!t)
    return success();
  auto rec = dyn_cast<RecordType>(t.type);
  if (auto arr = dyn_cast<ArrayType>(t.type); arr && arr.getRank() == 0)
    rec = dyn_cast<RecordType>(arr.getElementType()); // a record by reference: its element
  if (!rec) {
    if (typing.emitting())
      op->emitError("'") << describe(t.type) << "' has no attribute '" << name << "'";
    return failure();
  }
  field = rec.getField(name);
  if (!field) {
    if (typing.emitting())
      op->emitError("the record has no field '") << name << "' (its fields: "
                                                 << rec.getLayout() << ")";
    return failure();
  }
  // r.v: the subarray as an array; r.v = a: every element of it.
  if (indices.size() != field->shape.size() && !indices.empty()) {
    if (typing.emitting()) {
      if (field->shape.empty())
        op->emitError("record field '") << name << "' is a scalar: it takes no index";
      else
        op->emitError("record field '") << name << "' is an array of " << field->shape.size()
                                        << " dimension(s): index each element of it, or "
                                           "none (the field as an array)";
    }
    return failure();
  }
  return typing.checkIndices(op, indices);
}

LogicalResult GetFieldOp::inferTypes(TypeInference &typing) {
  std::optional<RecordType::Field> field;
  if (failed(recordField(*this, typing, getRecord(), getField(), getIndices(), field)))
    return failure();
  if (!field)
    return success();
  if (!field->shape.empty() && getIndices().empty()) // r.v: a C-contiguous view of it
    typing.set(getResult(), TypeInfo::strong(ArrayType::get(field->type,
                                                            unsigned(field->shape.size()),
                                                            Layout::C, MemorySpace::Global)));
  else
    typing.set(getResult(), TypeInfo::strong(field->type));
  return success();
}
/// The record of a getfield/setfield whose record operand is a 0-d array of
/// records (a record passed by reference, `a[i]` of a host array): its
/// element, loaded before `op` (a record value is its element's address).
static void loadRecordByReference(Operation *op) {
  Value record = op->getOperand(isa<SetFieldOp>(op) ? 1 : 0);
  auto arr = dyn_cast<ArrayType>(record.getType());
  if (!arr)
    return;
  OpBuilder b(op);
  Value element = LoadOp::create(b, op->getLoc(), arr.getElementType(), record, ValueRange{},
                                 StringAttr());
  op->setOperand(isa<SetFieldOp>(op) ? 1 : 0, element);
}

void GetFieldOp::castOperands(TypeInference &typing) {
  loadRecordByReference(*this);
  typing.castIndices(*this, 1, getIndices().size());
}

static LogicalResult checkFillValue(Operation *op, TypeInference &typing, Value value,
                                    ArrayType dest);

/// The array a record's subarray field `field` is, seen whole (r.v).
static ArrayType fieldArray(const RecordType::Field &field) {
  return ArrayType::get(field.type, unsigned(field.shape.size()), Layout::C, MemorySpace::Global);
}

LogicalResult SetFieldOp::inferTypes(TypeInference &typing) {
  std::optional<RecordType::Field> field;
  if (failed(recordField(*this, typing, getRecord(), getField(), getIndices(), field)))
    return failure();
  if (!field || !typing.get(getValue()))
    return success();
  if (!field->shape.empty() && getIndices().empty()) // r.v = a: a fill of the subarray
    return checkFillValue(*this, typing, getValue(), fieldArray(*field));
  return typing.requireStorable(*this, getValue(), field->type);
}
void SetFieldOp::castOperands(TypeInference &typing) {
  loadRecordByReference(*this);
  auto rec = cast<RecordType>(getRecord().getType());
  RecordType::Field field = *rec.getField(getField()); // a copy: getField gives a temporary
  if (!field.shape.empty() && getIndices().empty()) {
    // r.v = a: the subarray seen whole, filled (as `r.v[...] = a`).
    OpBuilder b(*this);
    Value view = GetFieldOp::create(b, getLoc(), fieldArray(field), getRecord(), getFieldAttr(),
                                    ValueRange{});
    auto fill = FillOp::create(b, getLoc(), view, getValue());
    fill.castOperands(typing);
    erase();
    return;
  }
  typing.castOperand(*this, 0, rec.getField(getField())->type);
  typing.castIndices(*this, 2, getIndices().size());
}

/// Whether `value` may fill every element of `dest` (cuft.fill, and a
/// record's subarray field assigned whole): an array of at most its rank
/// (broadcast, as in NumPy) or a scalar it stores.
static LogicalResult checkFillValue(Operation *op, TypeInference &typing, Value value,
                                    ArrayType dest) {
  TypeInfo v = typing.get(value);
  if (!v)
    return success();
  if (auto src = dyn_cast<ArrayType>(v.type)) {
    if (src.getRank() > dest.getRank()) { // fewer dimensions broadcast, as in NumPy
      if (typing.emitting())
        op->emitError("cannot assign a rank-") << src.getRank() << " array to a rank-"
                                               << dest.getRank() << " slice";
      return failure();
    }
    if (isComplexType(src.getElementType()) && !isComplexType(dest.getElementType())) {
      if (typing.emitting())
        op->emitError("cannot store complex elements ('")
            << describe(src.getElementType()) << "') into '" << describe(dest) << "'";
      return failure();
    }
    return success();
  }
  if (failed(typing.requireScalar(op, value, "an assigned value")) ||
      failed(typing.requireConvertible(op, value, dest.getElementType(), "store")))
    return failure();
  return success();
}

LogicalResult FillOp::inferTypes(TypeInference &typing) {
  ArrayType dest;
  if (failed(typing.arrayOperand(*this, getDest(), "cannot assign to a slice of '", "'", dest)))
    return failure();
  if (!dest)
    return success();
  return checkFillValue(*this, typing, getValue(), dest);
}
void FillOp::castOperands(TypeInference &typing) {
  if (!isa<ArrayType>(getValue().getType()))
    typing.castOperand(*this, 1, cast<ArrayType>(getDest().getType()).getElementType());
}

/// dim, stride, ndim, size, itemsize: an i64 of an array (`dim`: an axis the array has).
static LogicalResult inferArrayQuery(Operation *op, TypeInference &typing) {
  TypeInfo a = typing.get(op->getOperand(0));
  if (!a)
    return success();
  auto arr = dyn_cast<ArrayType>(a.type);
  if (!arr) {
    if (typing.emitting())
      op->emitError("'") << describe(a.type) << "' has no shape: expected an array";
    return failure();
  }
  if (auto dimAttr = op->getAttrOfType<IntegerAttr>("dim")) {
    int64_t d = dimAttr.getInt();
    if (d < 0 || d >= static_cast<int64_t>(arr.getRank())) {
      if (typing.emitting())
        op->emitError("dimension ") << d << " is out of range for a rank-" << arr.getRank()
                                    << " array";
      return failure();
    }
  }
  typing.set(op->getResult(0), TypeInfo::strong(i64Type(op->getContext())));
  return success();
}
LogicalResult DimOp::inferTypes(TypeInference &typing) { return inferArrayQuery(*this, typing); }
void DimOp::castOperands(TypeInference &) {}
LogicalResult StrideOp::inferTypes(TypeInference &typing) {
  return inferArrayQuery(*this, typing);
}
void StrideOp::castOperands(TypeInference &) {}
LogicalResult NDimOp::inferTypes(TypeInference &typing) { return inferArrayQuery(*this, typing); }
void NDimOp::castOperands(TypeInference &) {}
LogicalResult SizeOp::inferTypes(TypeInference &typing) { return inferArrayQuery(*this, typing); }
void SizeOp::castOperands(TypeInference &) {}
LogicalResult ItemSizeOp::inferTypes(TypeInference &typing) {
  return inferArrayQuery(*this, typing);
}
void ItemSizeOp::castOperands(TypeInference &) {}

/// alloc_shared, alloc_local: a C-layout array of the op's dtype (or its
/// `like` array's element type) and rank.
template <typename AllocOpT>
static LogicalResult inferAlloc(AllocOpT op, TypeInference &typing, MemorySpace space) {
  for (Value s : op.getSizes()) {
    TypeInfo t = typing.get(s);
    if (t && !isIntOrBool(t.type)) {
      if (typing.emitting())
        op.emitError("array shapes must be integers, got '") << describe(t.type) << "'";
      return failure();
    }
  }
  Type dtype = op.getDtype();
  if (Value like = op.getLike()) {
    ArrayType arr;
    if (failed(typing.arrayOperand(op, like, "'", kNoDtype, arr)))
      return failure();
    if (!arr)
      return success();
    dtype = arr.getElementType();
  }
  unsigned rank = op.getSizes().size();
  if (std::optional<ArrayRef<int64_t>> shape = op.getShape())
    rank = shape->size();
  typing.set(op.getResult(), TypeInfo::strong(ArrayType::get(dtype, rank, Layout::C, space)));
  return success();
}
/// The `like` array's element type becomes the dtype; the operand goes.
template <typename AllocOpT>
static void castAlloc(AllocOpT op) {
  if (!op.getLike())
    return;
  op.setDtype(cast<ArrayType>(op.getType()).getElementType());
  op.getLikeMutable().clear();
}
LogicalResult AllocSharedOp::inferTypes(TypeInference &typing) {
  return inferAlloc(*this, typing, MemorySpace::Shared);
}
void AllocSharedOp::castOperands(TypeInference &) { castAlloc(*this); }
LogicalResult AllocLocalOp::inferTypes(TypeInference &typing) {
  return inferAlloc(*this, typing, MemorySpace::Local);
}
void AllocLocalOp::castOperands(TypeInference &) { castAlloc(*this); }

/// atomic, atomic_cas: the old element, of a 32- or 64-bit global or shared array.
static LogicalResult inferAtomic(Operation *op, TypeInference &typing, ValueRange indices) {
  Value array = op->getOperand(0);
  if (!typing.get(array))
    return success();
  ArrayType arr;
  if (failed(typing.checkArrayAccess(op, array, indices, arr)))
    return failure();
  Type elem = arr.getElementType();
  auto rmw = dyn_cast<AtomicRMWOp>(op);
  std::string problem =
      atomicElementProblem(rmw ? std::optional<AtomicKind>(rmw.getKind()) : std::nullopt, elem);
  if (problem.empty() && arr.getMemorySpace() == MemorySpace::Local)
    problem = "atomics need an array in global or shared memory, got '" + describe(arr) + "'";
  if (!problem.empty()) {
    if (typing.emitting())
      op->emitError(problem);
    return failure();
  }
  for (Value v : op->getOperands().drop_front(1 + indices.size()))
    if (failed(typing.requireConvertible(op, v, elem, "use")))
      return failure();
  typing.set(op->getResult(0), TypeInfo::strong(elem));
  return success();
}
/// An atomic's indices (booleans to i64) and its last `values` operands (the
/// element type).
static void castAtomic(Operation *op, TypeInference &typing, size_t indices,
                       unsigned values) {
  Type elem = cast<ArrayType>(op->getOperand(0).getType()).getElementType();
  typing.castIndices(op, 1, indices);
  for (unsigned k = 1; k <= values; ++k)
    typing.castOperand(op, op->getNumOperands() - k, elem);
}
LogicalResult AtomicRMWOp::inferTypes(TypeInference &typing) {
  return inferAtomic(*this, typing, getIndices());
}
void AtomicRMWOp::castOperands(TypeInference &typing) {
  castAtomic(*this, typing, getIndices().size(), 1);
}
LogicalResult AtomicCASOp::inferTypes(TypeInference &typing) {
  return inferAtomic(*this, typing, getIndices());
}
void AtomicCASOp::castOperands(TypeInference &typing) {
  castAtomic(*this, typing, getIndices().size(), 2);
}

LogicalResult PrintOp::inferTypes(TypeInference &typing) {
  for (Value v : getValues())
    if (failed(typing.requireScalar(*this, v, "a printed value")))
      return failure();
  return success();
}
void PrintOp::castOperands(TypeInference &) {}

//===----------------------------------------------------------------------===//
// Control flow and calls
//===----------------------------------------------------------------------===//

LogicalResult IfOp::inferTypes(TypeInference &typing) {
  return typing.requireScalar(*this, getCondition(), "a condition");
}
void IfOp::castOperands(TypeInference &typing) {
  typing.castOperand(*this, 0, i1Type(getContext()));
}
LogicalResult ConditionOp::inferTypes(TypeInference &typing) {
  return typing.requireScalar(*this, getCondition(), "a condition");
}
void ConditionOp::castOperands(TypeInference &typing) {
  typing.castOperand(*this, 0, i1Type(getContext()));
}

// A short-circuit's result takes the join of the values it may end with, as
// a variable does of the values stored to it.
LogicalResult ShortCircuitOp::inferTypes(TypeInference &) { return success(); }
void ShortCircuitOp::castOperands(TypeInference &) {}

/// Joins `value`, which `exit` may end its short-circuit with, into the
/// short-circuit's result.
static LogicalResult joinExitValue(TypeInference &typing, Operation *exit, Value value) {
  auto sc = cast<ShortCircuitOp>(exit->getParentOp());
  TypeInfo v = typing.get(value);
  if (!v)
    return success();
  TypeInfo old = typing.get(sc.getResult());
  std::optional<TypeInfo> j = joinVariable(old, v);
  if (!j) {
    if (typing.emitting()) {
      StringRef kind = sc.getKind();
      InFlightDiagnostic d = exit->emitError("the operands of ");
      if (kind == "comparison")
        d << "a comparison chain";
      else
        d << "'" << kind << "'";
      d << " have no common type: '" << describe(old.type) << "' and '" << describe(v.type)
        << "'";
    }
    return failure();
  }
  if (typing.emitting() &&
      failed(refuseVanishingLiteral(exit, value, v, j->type, sc.getResult(),
                                    "the '" + sc.getKind().str() + "'")))
    return failure();
  typing.set(sc.getResult(), *j);
  return success();
}

LogicalResult ExitIfOp::inferTypes(TypeInference &typing) {
  if (failed(typing.requireScalar(*this, getTest(), "a condition")))
    return failure();
  return joinExitValue(typing, *this, getValue());
}
/// The type of the result of the short-circuit `exit` ends (known to the
/// typing before the rewrite reaches the short-circuit, after its body).
static Type exitType(TypeInference &typing, Operation *exit) {
  return typing.get(exit->getParentOp()->getResult(0)).type;
}

void ExitIfOp::castOperands(TypeInference &typing) {
  typing.castOperand(*this, 0, i1Type(getContext()));
  typing.castOperand(*this, 1, exitType(typing, *this));
}
LogicalResult ExitOp::inferTypes(TypeInference &typing) {
  return joinExitValue(typing, *this, getValue());
}
void ExitOp::castOperands(TypeInference &typing) {
  typing.castOperand(*this, 0, exitType(typing, *this));
}

LogicalResult ForOp::inferTypes(TypeInference &typing) {
  std::optional<TypeInfo> acc;
  for (Value v : {getLowerBound(), getUpperBound(), getStep()}) {
    TypeInfo t = typing.get(v);
    if (!t)
      return success();
    if (!isIntOrBool(t.type)) {
      if (typing.emitting())
        emitError("range() arguments must be integers, got '") << describe(t.type) << "'";
      return failure();
    }
    acc = acc ? promote(*acc, t) : std::optional<TypeInfo>(t);
  }
  // Unsigned ranges count in i64, so that a descending loop can end below 0.
  Type t = acc->type.isInteger(1) || acc->type.isUnsignedInteger() ? i64Type(getContext())
                                                                   : acc->type;
  typing.set(getInductionVar(), TypeInfo::strong(t));
  return success();
}
void ForOp::castOperands(TypeInference &typing) {
  Type t = getInductionVar().getType();
  for (unsigned i = 0; i < 3; ++i)
    typing.castOperand(*this, i, t);
}

LogicalResult CallOp::inferTypes(TypeInference &typing) {
  SmallVector<TypeInfo> args;
  for (Value v : getOperands()) {
    TypeInfo t = typing.get(v);
    if (!t)
      return success();
    args.push_back(t);
  }
  FailureOr<FuncOp> target = typing.specializeCall(*this, args);
  if (failed(target))
    return failure();
  ArrayRef<Type> results = target->getFunctionType().getResults();
  for (auto [i, r] : llvm::enumerate(getResults()))
    if (i < results.size())
      typing.set(r, TypeInfo::strong(results[i]));
  if (getNumResults() > results.size() && typing.emitting()) {
    // A recursive call of a function being specialized whose returns all
    // wait for this call's result: nothing gives them a type.
    bool returnsValues = false;
    target->walk([&](ReturnOp r) { returnsValues |= r.getNumOperands() > 0; });
    for (Value r : getResults().drop_front(results.size()))
      if (!r.use_empty()) {
        if (returnsValues)
          return emitError("cannot infer the result of recursive device function '")
                 << getCallee() << "': give it a return that does not depend on a call of "
                                   "itself (a base case)";
        return emitError("device function '") << getCallee() << "' does not return a value";
      }
  }
  return success();
}
void CallOp::castOperands(TypeInference &typing) {
  // The specializer retargets the call to the clone (Specialize.cpp); the
  // arguments take the clone's parameter types.
  FunctionType type = typing.callTarget(*this).getFunctionType();
  for (unsigned i = 0; i < getNumOperands(); ++i)
    typing.castOperand(*this, i, type.getInput(i));
}

LogicalResult ReturnOp::inferTypes(TypeInference &typing) {
  for (auto [i, v] : llvm::enumerate(getOperands())) {
    TypeInfo t = typing.get(v);
    if (!t)
      continue;
    // A record (its element's address, in an array or the kernel's copy of a
    // record argument, which outlive the call) may be returned as well.
    if ((!isa<RecordType>(t.type) && failed(typing.requireScalar(*this, v, "a returned value"))) ||
        failed(typing.joinReturn(*this, i, t)))
      return failure();
  }
  return success();
}
void ReturnOp::castOperands(TypeInference &typing) {
  for (unsigned i = 0; i < getNumOperands(); ++i)
    if (Type t = typing.returnType(i))
      typing.castOperand(*this, i, t);
}
