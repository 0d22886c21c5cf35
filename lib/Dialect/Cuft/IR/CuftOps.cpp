//===- CuftOps.cpp - cuft op verifiers and custom assembly ----------------===//

#include "cuft/Dialect/Cuft/IR/CuftOps.h"
#include "cuft/Dialect/Cuft/Transforms/TypeInference.h"
#include "cuft/Runtime/LaunchShape.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"

using namespace mlir;
using namespace cuft;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Generic IR skips the typed checks: true when any operand or result is unknown.
static bool isGeneric(Operation *op) {
  auto unknown = [](Type t) { return isUnknown(t); };
  return llvm::any_of(op->getOperandTypes(), unknown) ||
         llvm::any_of(op->getResultTypes(), unknown);
}

static bool isIntType(Type t) { return isScalarType(t) && t.isInteger() && !t.isInteger(1); }
static bool isBoolType(Type t) { return t.isInteger(1); }
static bool isFloatType(Type t) { return t.isF16() || t.isBF16() || t.isF32() || t.isF64(); }
static bool isRealType(Type t) { return isIntType(t) || isFloatType(t); }

static Operation *enclosingFunction(Operation *op) {
  Operation *parent = op->getParentOp();
  while (parent && !isa<KernelOp, FuncOp>(parent))
    parent = parent->getParentOp();
  return parent;
}

/// The terminators a structured region may end in.
static LogicalResult verifyStructuredTerminator(Operation *op, Region &region,
                                                StringRef what) {
  if (region.empty())
    return success();
  Block &block = region.front();
  if (block.empty() || !block.back().hasTrait<OpTrait::IsTerminator>())
    return op->emitOpError("expects the ") << what << " region to end in a terminator";
  Operation *term = &block.back();
  if (!isa<YieldOp, BreakOp, ContinueOp, ReturnOp, RaiseOp>(term))
    return op->emitOpError("expects the ")
           << what << " region to end in cuft.yield, cuft.break, cuft.continue, "
           << "cuft.return or cuft.raise, got " << term->getName();
  return success();
}

/// Appends a `cuft.yield` to a block that has no terminator yet (the printer
/// elides yields, so the parser puts them back).
static void ensureYield(Region &region, OpBuilder &builder, Location loc) {
  if (region.empty())
    region.emplaceBlock();
  Block &block = region.front();
  if (!block.empty() && block.back().hasTrait<OpTrait::IsTerminator>())
    return;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(&block);
  YieldOp::create(builder, loc);
}

static bool endsInYield(Region &region) {
  return !region.empty() && !region.front().empty() &&
         isa<YieldOp>(region.front().back());
}

//===----------------------------------------------------------------------===//
// Kernels and functions
//===----------------------------------------------------------------------===//

template <typename FnOp>
static void buildFunction(OpBuilder &builder, OperationState &state, StringRef name,
                          FunctionType type) {
  state.addAttribute(SymbolTable::getSymbolAttrName(), builder.getStringAttr(name));
  state.addAttribute(FnOp::getFunctionTypeAttrName(state.name), TypeAttr::get(type));
  state.addRegion();
}

template <typename FnOp>
static ParseResult parseFunction(OpAsmParser &parser, OperationState &result) {
  auto buildType = [](Builder &builder, ArrayRef<Type> argTypes, ArrayRef<Type> results,
                      function_interface_impl::VariadicFlag, std::string &) {
    return builder.getFunctionType(argTypes, results);
  };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      FnOp::getFunctionTypeAttrName(result.name), buildType,
      FnOp::getArgAttrsAttrName(result.name), FnOp::getResAttrsAttrName(result.name));
}

template <typename FnOp>
static void printFunction(FnOp op, OpAsmPrinter &p) {
  function_interface_impl::printFunctionOp(p, op, /*isVariadic=*/false,
                                           op.getFunctionTypeAttrName(),
                                           op.getArgAttrsAttrName(),
                                           op.getResAttrsAttrName());
}

/// A device function without a body: one defined by external code that the
/// kernel links (PTX, a cubin, CUDA C++), called with its C ABI. Fully typed,
/// scalars only, and private (a declaration cannot be public).
static LogicalResult verifyDeclaration(FuncOp op) {
  FunctionType type = op.getFunctionType();
  for (auto [i, t] : llvm::enumerate(type.getInputs()))
    if (!isScalarType(t))
      return op.emitOpError("expects argument #")
             << i << " of an external device function to be a scalar type, got " << t;
  for (Type t : type.getResults())
    if (!isScalarType(t))
      return op.emitOpError("expects the result of an external device function to be a "
                            "scalar type, got ")
             << t;
  if (type.getNumResults() > 1)
    return op.emitOpError("expects at most one result");
  if (!op.isPrivate())
    return op.emitOpError("expects an external device function (no body) to be private");
  return success();
}

template <typename FnOp>
static LogicalResult verifyFunction(FnOp op) {
  if (op.getBody().empty()) {
    if (auto fn = dyn_cast<FuncOp>(op.getOperation()))
      return verifyDeclaration(fn);
    return op.emitOpError("expects a body");
  }
  Block &entry = op.getBody().front();
  ArrayRef<Type> inputs = op.getFunctionType().getInputs();
  if (entry.getNumArguments() != inputs.size())
    return op.emitOpError("expects ") << inputs.size() << " entry block arguments, got "
                                      << entry.getNumArguments();
  for (auto [i, arg] : llvm::enumerate(entry.getArguments())) {
    if (arg.getType() != inputs[i])
      return op.emitOpError("expects entry block argument #")
             << i << " to have type " << inputs[i] << ", got " << arg.getType();
    Type t = inputs[i];
    if (!isa<UnknownType, ArrayType, RecordType>(t) && !isScalarType(t))
      return op.emitOpError("expects argument #")
             << i << " to be a scalar, an array, a record or !cuft.unknown, got " << t;
    if (auto arr = dyn_cast<ArrayType>(t);
        arr && isa<KernelOp>(op.getOperation()) &&
        arr.getMemorySpace() != MemorySpace::Global)
      return op.emitOpError("expects kernel array argument #")
             << i << " to be in global memory";
  }
  return success();
}

template <typename FnOp>
static bool functionIsSpecialized(FnOp op) {
  for (Type t : op.getFunctionType().getInputs())
    if (isUnknown(t))
      return false;
  for (Type t : op.getFunctionType().getResults())
    if (isUnknown(t))
      return false;
  WalkResult r = op.getBody().walk([](Operation *inner) {
    return isGeneric(inner) ? WalkResult::interrupt() : WalkResult::advance();
  });
  return !r.wasInterrupted();
}

void KernelOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                     FunctionType type) {
  buildFunction<KernelOp>(builder, state, name, type);
}
ParseResult KernelOp::parse(OpAsmParser &parser, OperationState &result) {
  return parseFunction<KernelOp>(parser, result);
}
void KernelOp::print(OpAsmPrinter &p) { printFunction(*this, p); }
LogicalResult KernelOp::verify() {
  if (getFunctionType().getNumResults() != 0)
    return emitOpError("expects no results: kernels return nothing");
  return verifyFunction(*this);
}
bool KernelOp::isSpecialized() { return functionIsSpecialized(*this); }

void FuncOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                   FunctionType type) {
  buildFunction<FuncOp>(builder, state, name, type);
}
ParseResult FuncOp::parse(OpAsmParser &parser, OperationState &result) {
  return parseFunction<FuncOp>(parser, result);
}
void FuncOp::print(OpAsmPrinter &p) { printFunction(*this, p); }
LogicalResult FuncOp::verify() { return verifyFunction(*this); }
bool FuncOp::isSpecialized() { return functionIsSpecialized(*this); }

LogicalResult ReturnOp::verify() {
  Operation *fn = enclosingFunction(*this);
  if (!fn)
    return emitOpError("expects to be inside a cuft.kernel or cuft.func");
  if (isa<KernelOp>(fn)) {
    if (!getOperands().empty())
      return emitOpError("expects no operands in a kernel: kernels return nothing");
    return success();
  }
  auto func = cast<FuncOp>(fn);
  ArrayRef<Type> results = func.getFunctionType().getResults();
  if (results.size() != getNumOperands())
    return emitOpError("expects ") << results.size() << " operand(s) to match the "
                                   << "result count of '" << func.getSymName() << "'";
  for (auto [i, v] : llvm::enumerate(getOperands()))
    if (!isUnknown(results[i]) && !isUnknown(v.getType()) && v.getType() != results[i])
      return emitOpError("expects operand #")
             << i << " of type " << results[i] << ", got " << v.getType();
  return success();
}

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto callee = symbolTable.lookupNearestSymbolFrom<FuncOp>(*this, getCalleeAttr());
  if (!callee)
    return emitOpError("expects '") << getCallee() << "' to be a cuft.func";
  FunctionType type = callee.getFunctionType();
  if (type.getNumInputs() != getNumOperands())
    return emitOpError("expects ") << type.getNumInputs() << " argument(s) for '"
                                   << getCallee() << "', got " << getNumOperands();
  for (auto [i, v] : llvm::enumerate(getOperands()))
    if (!isUnknown(type.getInput(i)) && !isUnknown(v.getType()) &&
        v.getType() != type.getInput(i))
      return emitOpError("expects argument #")
             << i << " of type " << type.getInput(i) << ", got " << v.getType();
  bool calleeTyped = llvm::none_of(type.getResults(), isUnknown);
  if (calleeTyped && llvm::none_of(getResultTypes(), isUnknown) &&
      TypeRange(getResultTypes()) != TypeRange(type.getResults()))
    return emitOpError("expects result types to match '") << getCallee() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (!isa<IntegerAttr, FloatAttr>(getValue()) || !isScalarType(getType()))
    return emitOpError("expects a bool, integer or float literal of a scalar type");
  return success();
}

LogicalResult VarOp::verify() {
  Operation *fn = enclosingFunction(*this);
  if (!fn || (*this)->getBlock() != &fn->getRegion(0).front())
    return emitOpError("expects to be in the entry block of its kernel or function");
  Type t = getVar().getType().getValueType();
  if (!isa<UnknownType, ArrayType, RecordType>(t) && !isScalarType(t))
    return emitOpError("expects a scalar, array, record or unknown value type, got ") << t;
  return success();
}

LogicalResult VarLoadOp::verify() {
  Type t = getVar().getType().getValueType();
  if (!isUnknown(t) && !isUnknown(getType()) && t != getType())
    return emitOpError("expects result type ") << t << ", got " << getType();
  return success();
}

LogicalResult VarStoreOp::verify() {
  Type t = getVar().getType().getValueType();
  if (!isUnknown(t) && !isUnknown(getValue().getType()) && t != getValue().getType())
    return emitOpError("expects a value of type ") << t << ", got "
                                                   << getValue().getType();
  return success();
}

LogicalResult CastOp::verify() {
  if (isUnknown(getType()))
    return emitOpError("expects a concrete result type");
  if (!isScalarType(getType()))
    return emitOpError("expects a scalar result type, got ") << getType();
  if (!isUnknown(getInput().getType()) && !isScalarType(getInput().getType()))
    return emitOpError("expects a scalar operand, got ") << getInput().getType();
  return success();
}

bool BitcastOp::hasViews(Type t) {
  return (t.isInteger() && !t.isInteger(1)) || isa<FloatType>(t);
}

bool BitcastOp::canView(Type from, Type to) {
  return hasViews(from) && hasViews(to) &&
         from.getIntOrFloatBitWidth() == to.getIntOrFloatBitWidth();
}

ArrayType BitcastOp::arrayView(ArrayType from, Type to, std::string &why) {
  Type elem = from.getElementType();
  if (!isScalarType(to) || !isScalarType(elem)) {
    why = "an array view is of arrays of numbers, as numbers";
    return {};
  }
  unsigned old = scalarBytes(elem), now = scalarBytes(to);
  if (old == now)
    return ArrayType::get(to, from.getRank(), from.getLayout(), from.getMemorySpace());
  if (old % now) {
    why = "a view as a wider type is not supported in kernels (the last axis may not divide)";
    return {};
  }
  if (from.getRank() == 0 || from.getLayout() != Layout::C) {
    why = "a view as a narrower type needs a C-contiguous array of at least one dimension "
          "(its last axis grows)";
    return {};
  }
  return ArrayType::get(to, from.getRank(), Layout::C, from.getMemorySpace());
}

LogicalResult BitcastOp::verify() {
  Type from = getInput().getType(), result = getType(), to = getTarget();
  if (auto array = dyn_cast<ArrayType>(from)) {
    if (isUnknown(result))
      return success();
    std::string why;
    ArrayType view = arrayView(array, to, why);
    if (!view)
      return emitOpError("cannot view ") << from << " as " << to << ": " << why;
    if (result != view)
      return emitOpError("expects result type ") << view << ", got " << result;
    return success();
  }
  if (getToAttr() && isUnknown(result)) { // generic: typing checks `to` for the operand
    if (!isScalarType(to))
      return emitOpError("expects a scalar type to view as, got ") << to;
    return success();
  }
  if (getToAttr() && result != to)
    return emitOpError("expects result type ") << to << ", got " << result;
  if (!hasViews(to))
    return emitOpError("expects an integer or float result type, got ") << to;
  if (isUnknown(from))
    return success();
  if (!hasViews(from))
    return emitOpError("expects an integer or float operand, got ") << from;
  if (!canView(from, to))
    return emitOpError("expects types of one width, got ") << from << " and " << to;
  return success();
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

static LogicalResult verifyBinary(Operation *op, OperandKind kind) {
  if (isGeneric(op))
    return success();
  Type lhs = op->getOperand(0).getType(), rhs = op->getOperand(1).getType();
  Type res = op->getResult(0).getType();
  if (lhs != rhs || lhs != res)
    return op->emitOpError("expects operands and result of one type, got ")
           << lhs << ", " << rhs << " -> " << res;
  bool ok = false;
  switch (kind) {
  case OperandKind::Numeric:
    ok = isRealType(lhs) || isComplexType(lhs);
    break;
  case OperandKind::Real:
    ok = isRealType(lhs);
    break;
  case OperandKind::Float:
    ok = isFloatType(lhs) || isComplexType(lhs);
    break;
  case OperandKind::BoolOrInt:
    ok = isIntType(lhs) || isBoolType(lhs);
    break;
  case OperandKind::Int:
    ok = isIntType(lhs);
    break;
  case OperandKind::Ordered:
    ok = isScalarType(lhs) && !isComplexType(lhs);
    break;
  case OperandKind::Any:
    ok = isScalarType(lhs);
    break;
  }
  if (!ok)
    return op->emitOpError("does not accept operands of type ") << lhs;
  return success();
}


LogicalResult CmpOp::verify() {
  if (isGeneric(*this))
    return success();
  if (getLhs().getType() != getRhs().getType())
    return emitOpError("expects operands of one type, got ")
           << getLhs().getType() << " and " << getRhs().getType();
  if (!isScalarType(getLhs().getType()))
    return emitOpError("expects scalar operands, got ") << getLhs().getType();
  if (!getType().isInteger(1))
    return emitOpError("expects an i1 result, got ") << getType();
  if (isComplexType(getLhs().getType()) && getPredicate() != CmpPredicate::eq &&
      getPredicate() != CmpPredicate::ne)
    return emitOpError("expects eq or ne for complex operands");
  return success();
}

static LogicalResult verifyUnary(Operation *op, OperandKind kind) {
  if (isGeneric(op))
    return success();
  Type in = op->getOperand(0).getType(), res = op->getResult(0).getType();
  // The modulus of a complex is real.
  Type expected = isa<AbsOp>(op) && isComplexType(in) ? cast<ComplexType>(in).getElementType() : in;
  if (res != expected)
    return op->emitOpError("expects a result of type ") << expected << ", got " << res;
  bool ok = isa<ConjOp>(op)                ? isComplexType(in)
            : kind == OperandKind::Numeric ? (isRealType(in) || isComplexType(in))
            : kind == OperandKind::Int     ? isIntType(in)
                                           : isBoolType(in);
  if (!ok)
    return op->emitOpError("does not accept an operand of type ") << in;
  return success();
}


LogicalResult MathOp::verify() {
  unsigned arity = getArity(getFn());
  if (getOperands().size() != arity)
    return emitOpError("expects ") << arity << " operand(s) for '"
                                   << stringifyMathFn(getFn()) << "', got "
                                   << getOperands().size();
  if (isGeneric(*this))
    return success();
  if (getFn() == MathFn::rect) {
    Type t = getOperand(0).getType();
    if (!getCmath() || !isFloatType(t) || getOperand(1).getType() != t ||
        getType() != ComplexType::get(t))
      return emitOpError("expects cmath's rect of two floats of one type T to a complex<T>, "
                         "got ")
             << getOperandTypes() << " -> " << getType();
    return success();
  }
  for (auto [i, v] : llvm::enumerate(getOperands())) {
    if (getIntegerOperand(getFn()) == i) {
      if (!v.getType().isSignlessInteger(32) && !v.getType().isSignedInteger(32))
        return emitOpError("expects an i32 operand ")
               << i << " for '" << stringifyMathFn(getFn()) << "', got " << v.getType();
      continue;
    }
    bool ok = (!getCmath() && isFloatType(getType())) ||
              (hasComplexForm(getFn()) && isComplexType(getType()));
    if (v.getType() != getType() || !ok)
      return emitOpError("expects float (or, for a function cmath has, complex) operands "
                         "and result of one type, got ")
             << v.getType() << " -> " << getType();
  }
  if (getCmath() && !hasComplexForm(getFn()))
    return emitOpError("cmath has no function '") << stringifyMathFn(getFn()) << "'";
  return success();
}

LogicalResult ComplexOp::verify() {
  if (isGeneric(*this))
    return success();
  Type t = getRe().getType();
  if (!isFloatType(t) || getIm().getType() != t || getType() != ComplexType::get(t))
    return emitOpError("expects two parts of one float type T and a complex<T> result, got ")
           << getRe().getType() << ", " << getIm().getType() << " -> " << getType();
  return success();
}

static LogicalResult verifyPart(Operation *op) {
  if (isGeneric(op))
    return success();
  Type in = op->getOperand(0).getType(), out = op->getResult(0).getType();
  if (auto array = dyn_cast<ArrayType>(in)) { // a view of the parts
    auto c = dyn_cast<ComplexType>(array.getElementType());
    if (!c || out != ArrayType::get(c.getElementType(), array.getRank(), Layout::Strided,
                                    array.getMemorySpace()))
      return op->emitOpError("expects an array of complex<T> to a strided array of T of its "
                             "rank and memory space, got ")
             << in << " -> " << out;
    return success();
  }
  if (!isComplexType(in) || cast<ComplexType>(in).getElementType() != out)
    return op->emitOpError("expects complex<T> to T, got ") << in << " -> " << out;
  return success();
}
LogicalResult RealOp::verify() { return verifyPart(*this); }
LogicalResult ImagOp::verify() { return verifyPart(*this); }

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

static LogicalResult verifyGrid(Operation *op, int64_t ndim) {
  if (op->getNumResults() != static_cast<unsigned>(ndim))
    return op->emitOpError("expects ") << ndim << " result(s), got " << op->getNumResults();
  return success();
}
LogicalResult GridIndexOp::verify() { return verifyGrid(*this, getNdim()); }
LogicalResult GridSizeOp::verify() { return verifyGrid(*this, getNdim()); }

//===----------------------------------------------------------------------===//
// Arrays
//===----------------------------------------------------------------------===//

static LogicalResult verifyIndices(Operation *op, Type arrayType, ValueRange indices) {
  if (isUnknown(arrayType))
    return success();
  auto arr = dyn_cast<ArrayType>(arrayType);
  if (!arr)
    return op->emitOpError("expects an array operand, got ") << arrayType;
  if (indices.size() != arr.getRank())
    return op->emitOpError("expects ") << arr.getRank() << " index(es) for a rank-"
                                       << arr.getRank() << " array, got " << indices.size();
  for (Value idx : indices)
    if (!isUnknown(idx.getType()) && !isIntType(idx.getType()))
      return op->emitOpError("expects integer indices, got ") << idx.getType();
  return success();
}

static LogicalResult verifyElement(Operation *op, Type arrayType, Type valueType,
                                   StringRef what) {
  auto arr = dyn_cast<ArrayType>(arrayType);
  if (!arr || isUnknown(valueType))
    return success();
  if (valueType != arr.getElementType())
    return op->emitOpError("expects the ")
           << what << " to have the element type " << arr.getElementType() << ", got "
           << valueType;
  return success();
}

bool LoadOp::takesCacheHint(ArrayType array, size_t indices) {
  Type elem = array.getElementType();
  return array.getMemorySpace() == MemorySpace::Global && indices == array.getRank() &&
         ((elem.isInteger() && !elem.isInteger(1)) || isa<FloatType>(elem));
}

/// A cache-hinted access (cuft.load's and cuft.store's `cache`): one of
/// `operators`, of an element of a global array of integers or floats once the
/// array is typed, every index given.
static LogicalResult verifyCacheHint(Operation *op, std::optional<StringRef> cache,
                                     ArrayRef<StringRef> operators, Type arrayType,
                                     size_t indices) {
  if (!cache)
    return success();
  if (!llvm::is_contained(operators, *cache))
    return op->emitOpError("expects a cache operator of ") << llvm::join(operators, ", ")
                                                          << ", got '" << *cache << "'";
  auto array = dyn_cast<ArrayType>(arrayType);
  if (!array || LoadOp::takesCacheHint(array, indices))
    return success();
  return op->emitOpError("expects an element of a global array of integers or floats for a "
                         "cache-hinted access, every index given, got ")
         << arrayType;
}

LogicalResult LoadOp::verify() {
  if (failed(verifyIndices(*this, getArray().getType(), getIndices())) ||
      failed(verifyCacheHint(*this, getCache(), {"ca", "cg", "cs", "lu", "cv"},
                             getArray().getType(), getIndices().size())))
    return failure();
  return verifyElement(*this, getArray().getType(), getType(), "result");
}

LogicalResult StoreOp::verify() {
  if (failed(verifyIndices(*this, getArray().getType(), getIndices())) ||
      failed(verifyCacheHint(*this, getCache(), {"cg", "cs", "wb", "wt"}, getArray().getType(),
                             getIndices().size())))
    return failure();
  return verifyElement(*this, getArray().getType(), getValue().getType(), "stored value");
}

LogicalResult ConstArrayOp::verify() {
  auto arr = dyn_cast<ArrayType>(getType());
  auto shaped = cast<ShapedType>(getValue().getType());
  if (!arr || arr.getLayout() != Layout::C || arr.getMemorySpace() != MemorySpace::Global)
    return emitOpError("expects a C-contiguous global array result, got ") << getType();
  Type elem = arr.getElementType(), stored = shaped.getElementType();
  if (stored != elem && !(elem.isInteger(1) && stored.isInteger(8)))
    return emitOpError("expects values of the element type ") << elem << ", got " << stored;
  if (shaped.getRank() != int64_t(arr.getRank()))
    return emitOpError("expects values of rank ") << arr.getRank() << ", got "
                                                  << shaped.getRank();
  return success();
}

bool ViewOp::perDimension(unsigned rank, SmallVectorImpl<int32_t> &dims,
                          SmallVectorImpl<unsigned> &newAxes) {
  ArrayRef<int32_t> spec = getSpec();
  unsigned consumed = unsigned(llvm::count_if(spec, [](int32_t e) { return e >= kIndex; }));
  dims.clear();
  newAxes.clear();
  if (consumed > rank)
    return false;
  unsigned out = 0; // result dimensions so far
  for (int32_t e : spec) {
    if (e == kNewAxis) {
      newAxes.push_back(out++);
    } else if (e == kEllipsis) {
      for (unsigned k = 0; k < rank - consumed; ++k, ++out)
        dims.push_back(0);
      consumed = rank; // the whole dimensions after it are the ellipsis's
    } else {
      dims.push_back(e);
      out += e != kIndex;
    }
  }
  dims.resize(rank, 0);
  return true;
}

ArrayType ReshapeOp::reshaped(ArrayType array, unsigned rank, std::string &why) {
  if (array.getLayout() != Layout::C) {
    why = "reshape needs a C-contiguous array (a reshape that would copy is not supported "
          "in kernels)";
    return {};
  }
  if (rank == 0) {
    why = "reshape takes at least one extent";
    return {};
  }
  return ArrayType::get(array.getElementType(), rank, Layout::C, array.getMemorySpace());
}

LogicalResult ReshapeOp::verify() {
  if (isUnknown(getArray().getType()))
    return success(); // generic IR: specialization checks the operands
  auto arr = dyn_cast<ArrayType>(getArray().getType());
  if (!arr)
    return emitOpError("expects an array operand, got ") << getArray().getType();
  for (Type t : getExtents().getTypes())
    if (!isUnknown(t) && !isIntType(t))
      return emitOpError("expects integer extents, got ") << t;
  if (isUnknown(getType()))
    return success();
  std::string why;
  ArrayType want = reshaped(arr, unsigned(getExtents().size()), why);
  if (!want)
    return emitOpError("cannot reshape ") << arr << ": " << why;
  if (getType() != want)
    return emitOpError("expects result type ") << want << ", got " << getType();
  return success();
}

bool TransposeOp::normalized(ArrayRef<int64_t> perm, unsigned rank,
                             SmallVectorImpl<int64_t> &result) {
  result.clear();
  if (perm.empty()) {
    for (unsigned k = rank; k-- > 0;)
      result.push_back(k);
    return true;
  }
  if (perm.size() != rank)
    return false;
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    int64_t d = p < 0 ? p + int64_t(rank) : p;
    if (d < 0 || d >= int64_t(rank) || seen[d])
      return false;
    seen[d] = true;
    result.push_back(d);
  }
  return true;
}

ArrayType TransposeOp::transposed(ArrayType array, ArrayRef<int64_t> perm) {
  Layout layout = array.getLayout();
  bool identity = llvm::all_of(llvm::enumerate(perm),
                               [](auto e) { return e.value() == int64_t(e.index()); });
  bool reversed = llvm::all_of(llvm::enumerate(perm), [&](auto e) {
    return e.value() == int64_t(perm.size() - 1 - e.index());
  });
  if (!identity && reversed && layout != Layout::Strided)
    layout = layout == Layout::C ? Layout::F : Layout::C;
  else if (!identity)
    layout = Layout::Strided;
  return ArrayType::get(array.getElementType(), array.getRank(), layout, array.getMemorySpace());
}

LogicalResult TransposeOp::verify() {
  if (isUnknown(getArray().getType()))
    return success();
  auto arr = dyn_cast<ArrayType>(getArray().getType());
  if (!arr)
    return emitOpError("expects an array operand, got ") << getArray().getType();
  SmallVector<int64_t> perm;
  if (!normalized(getPerm(), arr.getRank(), perm))
    return emitOpError("expects a permutation of the array's ") << arr.getRank()
                                                               << " dimensions";
  if (isUnknown(getType()))
    return success();
  if (getType() != transposed(arr, perm))
    return emitOpError("expects result type ") << transposed(arr, perm) << ", got "
                                               << getType();
  return success();
}

LogicalResult ViewOp::verify() {
  ArrayRef<int32_t> spec = getSpec();
  unsigned operands = 0;
  for (int32_t e : spec) {
    if (e < kEllipsis || e > (kStart | kStop | kStep))
      return emitOpError("expects each spec entry to be -3 to -1 or a slice's bits (0 to 7), "
                         "got ")
             << e;
    operands += operandsOf(e);
  }
  if (llvm::count(spec, kEllipsis) > 1)
    return emitOpError("expects at most one ellipsis (-3) in its spec");
  if (operands != getParts().size())
    return emitOpError("expects ") << operands << " operand(s) for its spec, got "
                                   << getParts().size();
  if (isUnknown(getArray().getType()))
    return success(); // generic IR: specialization checks the operands
  for (Type t : getParts().getTypes())
    if (!isUnknown(t) && !isIntType(t))
      return emitOpError("expects integer operands, got ") << t;
  auto arr = dyn_cast<ArrayType>(getArray().getType());
  if (!arr)
    return emitOpError("expects an array operand, got ") << getArray().getType();
  SmallVector<int32_t> dims;
  SmallVector<unsigned> newAxes;
  if (!perDimension(arr.getRank(), dims, newAxes))
    return emitOpError("expects at most ") << arr.getRank() << " indexing spec entries, got "
                                           << spec.size();
  if (isUnknown(getType()))
    return success();
  unsigned rank = arr.getRank() - droppedDims() + unsigned(newAxes.size());
  auto want = ArrayType::get(arr.getElementType(), rank, Layout::Strided, arr.getMemorySpace());
  if (getType() != Type(want))
    return emitOpError("expects result type ") << want << ", got " << getType();
  return success();
}

static LogicalResult verifyDimQuery(Operation *op, Type arrayType, int64_t dim) {
  if (isUnknown(arrayType))
    return success();
  auto arr = dyn_cast<ArrayType>(arrayType);
  if (!arr)
    return op->emitOpError("expects an array operand, got ") << arrayType;
  if (dim < 0 || dim >= static_cast<int64_t>(arr.getRank()))
    return op->emitOpError("expects a dimension in [0, ")
           << arr.getRank() << "), got " << dim;
  return success();
}
LogicalResult DimOp::verify() { return verifyDimQuery(*this, getArray().getType(), getDim()); }
LogicalResult StrideOp::verify() {
  return verifyDimQuery(*this, getArray().getType(), getDim());
}


template <typename AllocOpT>
static LogicalResult verifyAlloc(AllocOpT op, MemorySpace space) {
  Type dtype = op.getDtype();
  if (std::optional<uint64_t> align = op.getAlignment())
    if (!llvm::isPowerOf2_64(*align) || *align % 8 != 0 || *align > kMaxArrayAlignment)
      return op.emitOpError("expects an alignment that is a power of 2, a multiple of 8 and at "
                            "most ")
             << kMaxArrayAlignment << ", got " << int64_t(*align);
  if (op.getLike()) {
    if (!isUnknown(dtype))
      return op.emitOpError("expects dtype !cuft.unknown with a `like` array, got ") << dtype;
    if (!isUnknown(op.getType()))
      return op.emitOpError("expects an unknown result type with a `like` array");
    return success(); // generic IR: specialization takes the array's element type
  }
  if (!isScalarType(dtype))
    return op.emitOpError("expects a scalar element type, got ") << dtype;
  bool hasSizes = !op.getSizes().empty();
  std::optional<ArrayRef<int64_t>> shape = op.getShape();
  if (hasSizes == shape.has_value())
    return op.emitOpError("expects either size operands (generic IR) or a static "
                          "shape (typed IR)");
  unsigned rank = hasSizes ? op.getSizes().size() : shape->size();
  if (rank < 1 || rank > 8)
    return op.emitOpError("expects 1 to 8 dimensions, got ") << rank;
  if (shape) {
    constexpr int64_t kMaxElems = int64_t(1) << 40;
    int64_t elems = 1;
    bool dynamic = space == MemorySpace::Shared && shape->size() == 1 && (*shape)[0] == 0;
    for (int64_t d : *shape) {
      if (d <= 0 && !dynamic)
        return op.emitOpError("expects positive dimensions, got ") << d;
      // Checked before multiplying, so that a huge shape cannot wrap around.
      if (d > kMaxElems / elems)
        return op.emitOpError("expects a shape of reasonable size");
      elems *= d;
    }
    int64_t bytes = elems * int64_t(scalarBytes(dtype));
    if (space == MemorySpace::Shared && bytes > kMaxStaticSharedBytes)
      return op.emitOpError("allocates ")
             << bytes << " bytes of static shared memory, more than the "
             << kMaxStaticSharedBytes << "-byte limit per block";
  }
  if (isUnknown(op.getType()))
    return success();
  auto arr = dyn_cast<ArrayType>(op.getType());
  if (!arr || arr.getElementType() != dtype || arr.getRank() != rank ||
      arr.getLayout() != Layout::C || arr.getMemorySpace() != space)
    return op.emitOpError("expects result type ")
           << ArrayType::get(dtype, rank, Layout::C, space) << ", got " << op.getType();
  return success();
}
LogicalResult AllocSharedOp::verify() { return verifyAlloc(*this, MemorySpace::Shared); }
LogicalResult AllocLocalOp::verify() { return verifyAlloc(*this, MemorySpace::Local); }

//===----------------------------------------------------------------------===//
// Atomics
//===----------------------------------------------------------------------===//

std::string cuft::atomicElementProblem(std::optional<AtomicKind> kind, Type elem) {
  bool half = elem.isF16() && kind && (*kind == AtomicKind::Add || *kind == AtomicKind::Sub);
  if (elem.isF16() && !half)
    return "float16 arrays take atomic add and sub only (CUDA's atomicAdd(__half))";
  unsigned width = isScalarType(elem) ? 8 * scalarBytes(elem) : 0;
  if (!half && ((width != 32 && width != 64) || !(isIntType(elem) || isFloatType(elem)) ||
                isComplexType(elem)))
    return "atomics need a 32- or 64-bit integer or float element (or float16, for add "
           "and sub), got '" + typeName(elem) + "'";
  bool bitwise = kind && (*kind == AtomicKind::And || *kind == AtomicKind::Or ||
                          *kind == AtomicKind::Xor);
  if (bitwise && !isIntType(elem))
    return "atomic and_, or_ and xor take integer elements, got '" + typeName(elem) + "'";
  bool wrapping = kind && (*kind == AtomicKind::Inc || *kind == AtomicKind::Dec);
  if (wrapping && !elem.isUnsignedInteger())
    return "atomic inc and dec take unsigned integer elements (uint32, uint64), got '" +
           typeName(elem) + "'";
  return "";
}

static LogicalResult verifyAtomicOperands(Operation *op, Type arrayType,
                                          ValueRange indices, ValueRange values,
                                          std::optional<AtomicKind> kind) {
  if (failed(verifyIndices(op, arrayType, indices)))
    return failure();
  auto arr = dyn_cast<ArrayType>(arrayType);
  if (!arr)
    return success();
  if (std::string problem = atomicElementProblem(kind, arr.getElementType()); !problem.empty())
    return op->emitOpError("does not support this array: ") << problem;
  if (arr.getMemorySpace() == MemorySpace::Local)
    return op->emitOpError("expects an array in global or shared memory");
  for (Value v : values)
    if (failed(verifyElement(op, arrayType, v.getType(), "operand")))
      return failure();
  return verifyElement(op, arrayType, op->getResult(0).getType(), "result");
}

/// A value warp shuffles move: a 32- or 64-bit integer or float.
static bool isShuffled(Type t) {
  return (isIntType(t) || t.isF32() || t.isF64()) && !t.isInteger(1) &&
         (t.getIntOrFloatBitWidth() == 32 || t.getIntOrFloatBitWidth() == 64);
}

LogicalResult CollectiveOp::verify() {
  if (getOperands().size() != arity(getKind()))
    return emitOpError("expects ") << arity(getKind()) << " operand(s) for "
                                   << stringifyCollectiveKind(getKind()) << ", got "
                                   << getOperands().size();
  if (isGeneric(*this))
    return success();
  MLIRContext *ctx = getContext();
  auto u32 = IntegerType::get(ctx, 32, IntegerType::Unsigned);
  auto i32 = IntegerType::get(ctx, 32);
  Type want;
  if (isShuffle()) {
    Type v = getOperand(1).getType();
    if (!isShuffled(v))
      return emitOpError("shuffles 32- or 64-bit integers or floats, got ") << v;
    if (getOperand(0).getType() != u32 || getOperand(2).getType() != i32 ||
        getOperand(3).getType() != i32)
      return emitOpError("expects (ui32 mask, value, i32 lane, i32 width) operands");
    want = v;
  } else if (isBlockReduction()) {
    want = i32;
  } else if (isMatch()) {
    Type v = getOperand(1).getType();
    if (!isShuffled(v))
      return emitOpError("matches 32- or 64-bit integers or floats, got ") << v;
    if (getOperand(0).getType() != u32)
      return emitOpError("expects a ui32 mask, got ") << getOperand(0).getType();
    want = i32;
  } else {
    if (getKind() != CollectiveKind::activemask && getOperand(0).getType() != u32)
      return emitOpError("expects a ui32 mask, got ") << getOperand(0).getType();
    bool vote = arity(getKind()) == 2;
    if (vote && !getOperand(1).getType().isInteger(1))
      return emitOpError("expects an i1 predicate, got ") << getOperand(1).getType();
    want = vote && getKind() != CollectiveKind::ballot ? Type(IntegerType::get(ctx, 1)) : u32;
  }
  if (isBlockReduction() && !getOperand(0).getType().isInteger(1))
    return emitOpError("expects an i1 predicate, got ") << getOperand(0).getType();
  if (getType() != want)
    return emitOpError("expects result type ") << want << ", got " << getType();
  return success();
}

LogicalResult BitsOp::verify() {
  Type x = getOperand().getType(), r = getType();
  if (isUnknown(x) || isUnknown(r))
    return success();
  if (!isIntType(x) || x.isInteger(1))
    return emitOpError("expects an integer operand, got ") << x;
  Type want = getFn() == BitFn::ffs ? Type(IntegerType::get(getContext(), 32, IntegerType::Unsigned))
                                    : x;
  if (r != want)
    return emitOpError("expects result type ") << want << ", got " << r;
  return success();
}

LogicalResult PrintOp::verify() {
  if (getPieces().size() != getValues().size() + 1)
    return emitOpError("expects one more piece of text than values, got ")
           << getPieces().size() << " and " << getValues().size();
  if (isGeneric(*this))
    return success();
  for (Value v : getValues())
    if (!isScalarType(v.getType()))
      return emitOpError("prints scalars, got ") << v.getType();
  return success();
}

LogicalResult AtomicRMWOp::verify() {
  return verifyAtomicOperands(*this, getArray().getType(), getIndices(), {getValue()},
                              getKind());
}
LogicalResult AtomicCASOp::verify() {
  return verifyAtomicOperands(*this, getArray().getType(), getIndices(),
                              {getExpected(), getValue()}, std::nullopt);
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

/// Finds the loop a break/continue belongs to, without leaving the function and
/// without crossing a while loop's condition region.
static LogicalResult verifyInLoopBody(Operation *op, StringRef keyword) {
  Operation *child = op;
  for (Operation *parent = op->getParentOp(); parent;
       child = parent, parent = parent->getParentOp()) {
    if (isa<KernelOp, FuncOp>(parent))
      break;
    if (isa<ForOp>(parent))
      return success();
    if (auto w = dyn_cast<WhileOp>(parent)) {
      if (child->getParentRegion() == &w.getBody())
        return success();
      break;
    }
  }
  return op->emitOpError("expects to be inside a loop body ('")
         << keyword << "' outside loop)";
}
LogicalResult BreakOp::verify() { return verifyInLoopBody(*this, "break"); }
LogicalResult ContinueOp::verify() { return verifyInLoopBody(*this, "continue"); }

LogicalResult ConditionOp::verify() {
  Type t = getCondition().getType();
  if (!isUnknown(t) && !t.isInteger(1))
    return emitOpError("expects an i1 condition, got ") << t;
  return success();
}

LogicalResult ShortCircuitOp::verify() {
  StringRef kind = getKind();
  if (kind != "and" && kind != "or" && kind != "comparison")
    return emitOpError("expects kind \"and\", \"or\" or \"comparison\", got \"")
           << kind << "\"";
  Block &block = getBody().front();
  if (block.empty() || !isa<ExitOp>(block.back()))
    return emitOpError("expects its block to end in cuft.exit");
  return success();
}

/// A value a short-circuit ends with: of its result's type, in typed IR (where
/// the result's type is known; generic IR may hold typed constants).
static LogicalResult verifyExitValue(Operation *op, Value value) {
  Type want = op->getParentOp()->getResult(0).getType();
  if (isUnknown(want) || value.getType() == want)
    return success();
  return op->emitOpError("expects a value of the result's type ")
         << want << ", got " << value.getType();
}

LogicalResult ExitIfOp::verify() {
  Type t = getTest().getType();
  if (!isUnknown((*this)->getParentOp()->getResult(0).getType()) && !t.isInteger(1))
    return emitOpError("expects an i1 test, got ") << t;
  return verifyExitValue(*this, getValue());
}
LogicalResult ExitOp::verify() { return verifyExitValue(*this, getValue()); }

// cuft.if %c : type { ... } [else { ... }]
ParseResult IfOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::UnresolvedOperand cond;
  Type condType;
  if (parser.parseOperand(cond) || parser.parseColonType(condType) ||
      parser.resolveOperand(cond, condType, result.operands))
    return failure();
  Region *thenRegion = result.addRegion();
  Region *elseRegion = result.addRegion();
  OpBuilder builder(parser.getContext());
  if (parser.parseRegion(*thenRegion, /*arguments=*/{}))
    return failure();
  ensureYield(*thenRegion, builder, result.location);
  if (succeeded(parser.parseOptionalKeyword("else"))) {
    if (parser.parseRegion(*elseRegion, /*arguments=*/{}))
      return failure();
    ensureYield(*elseRegion, builder, result.location);
  }
  return parser.parseOptionalAttrDict(result.attributes);
}

void IfOp::print(OpAsmPrinter &p) {
  p << " " << getCondition() << " : " << getCondition().getType() << " ";
  p.printRegion(getThenRegion(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/!endsInYield(getThenRegion()));
  if (!getElseRegion().empty()) {
    p << " else ";
    p.printRegion(getElseRegion(), false, !endsInYield(getElseRegion()));
  }
  p.printOptionalAttrDict((*this)->getAttrs());
}

LogicalResult IfOp::verify() {
  Type t = getCondition().getType();
  if (!isUnknown(t) && !t.isInteger(1))
    return emitOpError("expects an i1 condition, got ") << t;
  if (getElseRegion().getBlocks().size() > 1)
    return emitOpError("expects at most one block in the else region");
  if (failed(verifyStructuredTerminator(*this, getThenRegion(), "then")))
    return failure();
  return verifyStructuredTerminator(*this, getElseRegion(), "else");
}

// cuft.for %i = %lo to %hi step %s : t { ... }
// cuft.for %i = %lo to %hi step %s : (tlo, thi, tstep) -> tiv { ... }
ParseResult ForOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::Argument iv;
  OpAsmParser::UnresolvedOperand lo, hi, step;
  if (parser.parseArgument(iv) || parser.parseEqual() || parser.parseOperand(lo) ||
      parser.parseKeyword("to") || parser.parseOperand(hi) ||
      parser.parseKeyword("step") || parser.parseOperand(step) || parser.parseColon())
    return failure();
  SmallVector<Type, 3> boundTypes;
  Type ivType;
  if (succeeded(parser.parseOptionalLParen())) {
    if (parser.parseTypeList(boundTypes) || parser.parseRParen() || parser.parseArrow() ||
        parser.parseType(ivType))
      return failure();
    if (boundTypes.size() != 3)
      return parser.emitError(parser.getCurrentLocation(),
                              "expects three bound types (lo, hi, step)");
  } else {
    if (parser.parseType(ivType))
      return failure();
    boundTypes.assign(3, ivType);
  }
  if (parser.resolveOperand(lo, boundTypes[0], result.operands) ||
      parser.resolveOperand(hi, boundTypes[1], result.operands) ||
      parser.resolveOperand(step, boundTypes[2], result.operands))
    return failure();
  iv.type = ivType;
  Region *body = result.addRegion();
  if (parser.parseRegion(*body, {iv}))
    return failure();
  OpBuilder builder(parser.getContext());
  ensureYield(*body, builder, result.location);
  return parser.parseOptionalAttrDict(result.attributes);
}

void ForOp::print(OpAsmPrinter &p) {
  Type ivType = getInductionVar().getType();
  p << " " << getInductionVar() << " = " << getLowerBound() << " to " << getUpperBound()
    << " step " << getStep() << " : ";
  if (getLowerBound().getType() == ivType && getUpperBound().getType() == ivType &&
      getStep().getType() == ivType)
    p << ivType;
  else
    p << "(" << getLowerBound().getType() << ", " << getUpperBound().getType() << ", "
      << getStep().getType() << ") -> " << ivType;
  p << " ";
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/!endsInYield(getBody()));
  p.printOptionalAttrDict((*this)->getAttrs());
}

LogicalResult ForOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != 1)
    return emitOpError("expects the body to take one argument, the induction variable");
  if (!isGeneric(*this) && !isUnknown(getInductionVar().getType())) {
    Type t = getInductionVar().getType();
    if (!isIntType(t))
      return emitOpError("expects an integer induction variable, got ") << t;
    for (Value v : {getLowerBound(), getUpperBound(), getStep()})
      if (v.getType() != t)
        return emitOpError("expects bounds and step of the induction variable's type ")
               << t << ", got " << v.getType();
  }
  return verifyStructuredTerminator(*this, getBody(), "body");
}

// cuft.while { cond } do { body }
ParseResult WhileOp::parse(OpAsmParser &parser, OperationState &result) {
  Region *cond = result.addRegion();
  Region *body = result.addRegion();
  if (parser.parseRegion(*cond, {}) || parser.parseKeyword("do") ||
      parser.parseRegion(*body, {}))
    return failure();
  OpBuilder builder(parser.getContext());
  ensureYield(*body, builder, result.location);
  return parser.parseOptionalAttrDict(result.attributes);
}

void WhileOp::print(OpAsmPrinter &p) {
  p << " ";
  p.printRegion(getCond(), false, true);
  p << " do ";
  p.printRegion(getBody(), false, !endsInYield(getBody()));
  p.printOptionalAttrDict((*this)->getAttrs());
}

LogicalResult WhileOp::verify() {
  Block &cond = getCond().front();
  if (cond.empty() || !isa<ConditionOp>(cond.back()))
    return emitOpError("expects the condition region to end in cuft.condition");
  return verifyStructuredTerminator(*this, getBody(), "body");
}

#define GET_OP_CLASSES
#include "cuft/Dialect/Cuft/IR/CuftInterfaces.cpp.inc"
#include "cuft/Dialect/Cuft/IR/CuftOps.cpp.inc"
