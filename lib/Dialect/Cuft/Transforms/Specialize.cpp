//===- Specialize.cpp - cuft-specialize -----------------------------------===//
//
// Types a generic kernel for one signature in three steps per function:
//  1. inference: a fixpoint over the body computing a TypeInfo for every value
//     and variable (variables take the join of all values stored to them);
//  2. rewrite: set every type, insert casts where promotion changes a type,
//     retarget calls to per-signature clones of device functions, forward array
//     variables to their single definition;
//  3. fold constants (constexpr arguments included) and fix shared/local array
//     shapes, which must be compile-time constants.
// Errors are reported at the offending op's location and fail the pass.
//
//===----------------------------------------------------------------------===//

#include "cuft/Dialect/Cuft/IR/CuftOps.h"
#include "cuft/Dialect/Cuft/Transforms/Passes.h"
#include "cuft/Dialect/Cuft/Transforms/Signature.h"
#include "cuft/Dialect/Cuft/Transforms/SignatureText.h"
#include "cuft/Dialect/Cuft/Transforms/TypeInference.h"
#include "cuft/Dialect/Cuft/Transforms/TypeRules.h"

#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallBitVector.h"

#include <map>
#include <set>

namespace cuft {
#define GEN_PASS_DEF_CUFTSPECIALIZE
#include "cuft/Dialect/Cuft/Transforms/Passes.h.inc"
} // namespace cuft

using namespace mlir;
using namespace cuft;

namespace {

/// State shared by all functions specialized in one module.
struct ModuleState {
  ModuleOp module;
  std::map<std::string, FuncOp> clones;
  /// Clones whose specialization failed: their errors were reported once.
  std::set<std::string> failedClones;
  /// Clones being specialized, by name: a recursive call is typed against
  /// the results its clone has inferred so far.
  std::map<std::string, FuncOp> inProgress;
};

class FunctionSpecializer : public TypeInference {
public:
  FunctionSpecializer(ModuleState &state, Operation *fn)
      : state(state), fn(fn), body(fn->getRegion(0)), ctx(fn->getContext()) {}

  /// Types the function for `args` (one per entry block argument).
  LogicalResult run(ArrayRef<TypeInfo> args);
  /// The type of result #`index` after run() (null for none).
  Type returnType(unsigned index) const override {
    return index < returnInfo.size() ? returnInfo[index].type : Type();
  }

  // TypeInference, for the ops' TypedByRules rules.
  TypeInfo get(Value v) const override {
    auto it = types.find(v);
    return it == types.end() ? TypeInfo{} : it->second;
  }
  void set(Value v, const TypeInfo &t) override {
    TypeInfo &slot = types[v];
    if (slot != t) {
      slot = t;
      changed = true;
    }
  }
  bool emitting() const override { return emit; }
  std::optional<APInt> exactLiteral(Value v, bool &overflow) override;
  FailureOr<FuncOp> specializeCall(CallOp call, ArrayRef<TypeInfo> args) override {
    FailureOr<FuncOp> target = specializeCallee(call, args);
    if (succeeded(target))
      callTargets[call] = *target;
    return target;
  }
  LogicalResult joinReturn(ReturnOp ret, unsigned index, const TypeInfo &t) override {
    if (returnInfo.size() <= index)
      returnInfo.resize(index + 1);
    TypeInfo &slot = returnInfo[index];
    std::optional<TypeInfo> j = joinVariable(slot, t);
    if (!j) {
      if (emit) {
        InFlightDiagnostic d = ret.emitError("returns '");
        d << describe(t.type) << "'";
        if (ret.getNumOperands() > 1)
          d << " as element " << index;
        d << " where another return gives '" << describe(slot.type) << "'";
      }
      return failure();
    }
    if (*j != slot) {
      slot = *j;
      changed = true;
      publishType();
    }
    return success();
  }
  FuncOp callTarget(CallOp call) const override { return callTargets.lookup(call); }

private:
  /// One round of every op's rule; `changed` tells whether a type moved.
  LogicalResult inferAll();
  LogicalResult infer(Operation *op);
  LogicalResult rewrite();
  LogicalResult rewriteOp(Operation *op);
  LogicalResult forwardArrayVariables();
  bool forwardShapeVariables();
  /// Gives each shared and local array its static shape; `shaped` turns
  /// true where one had its shape as operands (then `cuft.dim` of it folds).
  LogicalResult finalizeAllocations(bool &shaped);
  FailureOr<FuncOp> specializeCallee(CallOp call, ArrayRef<TypeInfo> args);
  /// A device function's type as inferred so far (argument types, and the
  /// results once every one is known), for recursive calls of it.
  void publishType();

  ModuleState &state;
  Operation *fn;
  Region &body;
  MLIRContext *ctx;
  llvm::DenseMap<Value, TypeInfo> types;
  llvm::DenseMap<Operation *, FuncOp> callTargets;
  /// exactLiteral's results: a value, or none (not a literal expression).
  llvm::DenseMap<Value, std::optional<APInt>> exactValues;
  /// The type of each result, joined over the function's returns.
  SmallVector<TypeInfo, 1> returnInfo;
  /// The round's state: whether rules report errors, whether a type moved.
  bool emit = false, changed = false;
};

/// The exact value of `v` when it is an integer literal or integer arithmetic
/// on literals only (`2**70`, `1 << 40`), as Python computes it (kExactBits
/// wide); `overflow` turns true when that value fits neither `i64` nor `ui64`.
/// Such arithmetic would otherwise fold to a wrapped value while the literal it
/// equals is rejected.
std::optional<APInt> FunctionSpecializer::exactLiteral(Value v, bool &overflow) {
  overflow = false;
  if (auto it = exactValues.find(v); it != exactValues.end())
    return it->second;
  // Wide enough for a product of two 65-bit values: an overflow of this width
  // is past 64 bits too.
  constexpr unsigned kExactBits = 2 * kLiteralBits;
  std::optional<APInt> result;
  Operation *op = v.getDefiningOp();
  if (auto c = dyn_cast_or_null<ConstantOp>(op)) {
    if (auto i = dyn_cast<IntegerAttr>(c.getValue()); i && !c.getType().isInteger(1))
      result = literalValue(i.getValue(), c.getType()).sext(kExactBits);
  } else if (op && op->getNumOperands() == 2 &&
             isa<AddOp, SubOp, MulOp, PowOp, ShlOp, FloorDivOp, ModOp>(op)) {
    bool lo = false, ro = false;
    auto a = exactLiteral(op->getOperand(0), lo), b = exactLiteral(op->getOperand(1), ro);
    if (a && b) {
      bool ov = false;
      APInt r;
      if (isa<AddOp>(op)) {
        r = a->sadd_ov(*b, ov);
      } else if (isa<SubOp>(op)) {
        r = a->ssub_ov(*b, ov);
      } else if (isa<MulOp>(op)) {
        r = a->smul_ov(*b, ov);
      } else if (isa<PowOp>(op)) {
        if (!b->isNegative()) {
          // Past 64 multiplications, only 0, 1 and -1 stay in range.
          r = APInt(kExactBits, 1);
          APInt base = *a;
          for (uint64_t e = b->getZExtValue(); e && !ov; e >>= 1) {
            if (e & 1)
              r = r.smul_ov(base, ov);
            if (e >> 1 && !ov)
              base = base.smul_ov(base, ov);
          }
        } else {
          a.reset(); // a negative power is a float in Python
        }
      } else if (isa<ShlOp>(op)) {
        if (b->isNegative())
          a.reset(); // a ValueError in Python; NumPy's rule applies at run time
        else if (b->uge(kExactBits))
          r = APInt(kExactBits, 0), ov = !a->isZero();
        else
          r = a->sshl_ov(*b, ov);
      } else if (!b->isZero() && !(a->isMinSignedValue() && b->isAllOnes())) {
        APInt q = a->sdiv(*b), m = a->srem(*b);
        if (!m.isZero() && m.isNegative() != b->isNegative()) {
          q -= 1;
          m += *b;
        }
        r = isa<FloorDivOp>(op) ? q : m;
      } else {
        a.reset(); // left to run time: x // 0 is 0, or raises when checked
      }
      if (a && (ov || !literalType(ctx, r)))
        overflow = true;
      else if (a)
        result = r;
    }
  }
  if (!overflow)
    exactValues[v] = result;
  return result;
}

LogicalResult FunctionSpecializer::infer(Operation *op) {
  if (auto rules = dyn_cast<TypedByRules>(op))
    return rules.inferTypes(*this);
  // An op without rules types itself: its results must have concrete types.
  for (Value r : op->getResults())
    if (isUnknown(r.getType())) {
      if (emit)
        op->emitError("cannot specialize '") << op->getName() << "'";
      return failure();
    }
  for (Value r : op->getResults())
    set(r, TypeInfo::strong(r.getType()));
  return success();
}

LogicalResult FunctionSpecializer::inferAll() {
  LogicalResult result = success();
  body.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (failed(infer(op))) {
      result = failure();
      if (emit)
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return result;
}

/// The parameters of device function `fn` that a shared or local array's
/// shape is computed from (numba-cuda's `cuda.shared.array(n, dtype)` with
/// `n` an argument): a call that passes an integer literal there gets a
/// clone made for that value (numba specializes on the literal), where any
/// other value would leave the shape unknown.
static llvm::SmallBitVector shapeParameters(FuncOp fn) {
  llvm::SmallBitVector found(fn.getNumArguments());
  if (fn.getBody().empty())
    return found;
  Block &entry = fn.getBody().front();
  SmallVector<Value> work;
  llvm::SmallPtrSet<Value, 8> seen;
  fn.walk([&](Operation *op) {
    if (isa<AllocSharedOp, AllocLocalOp>(op))
      work.append(op->operand_begin(), op->operand_end());
  });
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() == &entry)
        found.set(arg.getArgNumber());
      continue;
    }
    Operation *def = v.getDefiningOp();
    if (auto load = dyn_cast_or_null<VarLoadOp>(def)) { // `m = n * 2`: what is stored
      for (Operation *user : load.getVar().getUsers())
        if (auto store = dyn_cast<VarStoreOp>(user))
          work.push_back(store.getValue());
      continue;
    }
    if (def && def->getNumRegions() == 0)
      work.append(def->operand_begin(), def->operand_end());
  }
  return found;
}

FailureOr<FuncOp> FunctionSpecializer::specializeCallee(CallOp call, ArrayRef<TypeInfo> args) {
  auto callee = SymbolTable::lookupNearestSymbolFrom<FuncOp>(call, call.getCalleeAttr());
  if (!callee) {
    call.emitError("'") << call.getCallee() << "' is not a device function";
    return failure();
  }
  if (callee.getNumArguments() != args.size()) {
    call.emitError("device function '")
        << call.getCallee() << "' takes " << callee.getNumArguments() << " argument(s), got "
        << args.size();
    return failure();
  }
  if (callee.isSpecialized())
    return callee;
  // Declared signatures: the one the arguments fit best; its scalar types
  // are the parameters' (the call casts to them), its result the result's.
  auto declared = callee->getAttrOfType<ArrayAttr>(kDeclaredAttr);
  auto declaredResults = callee->getAttrOfType<ArrayAttr>(kDeclaredResultsAttr);
  Type declaredResult;
  SmallVector<TypeInfo> declaredArgs;
  std::string declaredTag;
  if (declared && declaredResults && declared.size() == declaredResults.size()) {
    std::vector<std::string> texts;
    for (Attribute d : declared)
      texts.push_back(cast<StringAttr>(d).str());
    std::string sig;
    for (auto [i, a] : llvm::enumerate(args)) {
      sig += i ? "," : "";
      if (auto arr = dyn_cast<ArrayType>(a.type)) // any memory space
        sig += "array<" + typeName(arr.getElementType()) + "," +
               std::to_string(arr.getRank()) + "," + stringifyLayout(arr.getLayout()).str() + ">";
      else
        sig += typeName(a.type);
    }
    int best = signature::bestDeclared(texts, sig, /*convertScalars=*/true);
    if (best < 0) {
      InFlightDiagnostic d = call.emitError("device function '");
      d << call.getCallee() << "' has no declared signature for arguments (" << sig
        << "); declared:";
      for (const std::string &t : texts)
        d << " (" << t << ")";
      return failure();
    }
    std::vector<std::string_view> entries = signature::signatureEntries(texts[best]);
    for (auto [i, a] : llvm::enumerate(args)) {
      Type t = signature::scalarNamed(entries[i]) ? parseScalarTypeName(ctx, entries[i]) : Type();
      declaredArgs.push_back(t ? TypeInfo::strong(t) : a);
    }
    args = declaredArgs;
    StringRef result = cast<StringAttr>(declaredResults[best]).getValue();
    if (!result.empty())
      declaredResult = parseScalarTypeName(ctx, result);
    declaredTag = "d" + std::to_string(best) + "_";
  }
  // A clone is shared by every call with the same argument types, so it cannot
  // see a weak argument's value. It sees the value's class instead: its sign and
  // significant bits, represented by the class's extreme value. A clone typed for
  // clamp(x_i32, 0, 10) stays i32, and clamp(x_i32, 10**10) gets its own clone.
  SmallVector<TypeInfo> params;
  std::string name = callee.getSymName().str() + "__" + declaredTag;
  llvm::SmallBitVector shapes =
      llvm::any_of(args, [](const TypeInfo &a) { return a.literal.has_value(); })
          ? shapeParameters(callee)
          : llvm::SmallBitVector(args.size());
  SmallVector<std::pair<unsigned, APInt>> exact; // parameters made their literal
  for (auto [i, a] : llvm::enumerate(args)) {
    TypeInfo p{a.type, a.weak, std::nullopt};
    std::string t = typeName(a.type) + (a.weak ? "w" : "");
    if (a.literal && shapes.test(i) && a.type.isSignlessInteger(64)) {
      p.literal = a.literal; // a shape's literal: the clone is for this value
      exact.push_back({unsigned(i), *a.literal});
      int64_t v = a.literal->getSExtValue();
      t += "v" + (v < 0 ? "n" + std::to_string(0 - static_cast<uint64_t>(v)) // any int64
                        : std::to_string(v));
    } else if (a.literal) {
      unsigned bits = a.literal->getSignificantBits(), w = a.literal->getBitWidth();
      bool negative = a.literal->isNegative();
      p.literal = negative ? APInt::getSignedMinValue(bits).sext(w)
                           : APInt::getSignedMaxValue(bits).zext(w);
      t += (negative ? "n" : "p") + std::to_string(bits);
    }
    for (char &c : t)
      if (!isalnum(static_cast<unsigned char>(c)))
        c = '_';
    name += (i ? "_" : "") + t;
    params.push_back(p);
  }
  args = params;
  if (auto it = state.clones.find(name); it != state.clones.end())
    return it->second;
  if (state.failedClones.count(name))
    return failure();
  // A recursive call (the clone is being specialized): its results are what
  // the clone's other returns gave so far; the fixpoint widens them.
  if (auto it = state.inProgress.find(name); it != state.inProgress.end())
    return it->second;
  OpBuilder b(callee);
  b.setInsertionPointAfter(callee);
  auto clone = cast<FuncOp>(b.clone(*callee));
  clone.setSymName(name);
  if (!exact.empty()) { // the literal in place of the parameter
    Block &entry = clone.getBody().front();
    OpBuilder eb = OpBuilder::atBlockBegin(&entry);
    for (auto [i, value] : exact) {
      BlockArgument arg = entry.getArgument(i);
      auto c = ConstantOp::create(eb, arg.getLoc(), eb.getI64Type(),
                                  eb.getIntegerAttr(eb.getI64Type(), value.trunc(64)));
      arg.replaceAllUsesWith(c.getResult());
    }
  }
  if (declaredResult) // the declared result: each return casts to it
    clone.walk([&](ReturnOp ret) {
      OpBuilder rb(ret);
      for (OpOperand &v : ret->getOpOperands())
        v.set(CastOp::create(rb, ret.getLoc(), declaredResult, v.get()));
    });
  state.inProgress[name] = clone;
  FunctionSpecializer inner(state, clone);
  LogicalResult ok = inner.run(args);
  state.inProgress.erase(name);
  if (failed(ok)) {
    call.emitRemark("in the call of '") << call.getCallee() << "' from here";
    state.failedClones.insert(name);
    clone.erase();
    return failure();
  }
  state.clones[name] = clone;
  return clone;
}

void FunctionSpecializer::publishType() {
  if (!isa<FuncOp>(fn))
    return;
  SmallVector<Type> inputs, results;
  for (BlockArgument a : body.getArguments())
    inputs.push_back(get(a).type);
  for (const TypeInfo &r : returnInfo) {
    if (!r) {
      results.clear();
      break;
    }
    results.push_back(r.type);
  }
  cast<FunctionOpInterface>(fn).setType(FunctionType::get(ctx, inputs, results));
}

LogicalResult FunctionSpecializer::run(ArrayRef<TypeInfo> args) {
  for (auto [arg, t] : llvm::zip(body.getArguments(), args))
    set(arg, t);
  publishType();
  constexpr int kMaxIterations = 32;
  int iter = 0;
  emit = false;
  for (; iter < kMaxIterations; ++iter) {
    changed = false;
    if (failed(inferAll()) && !changed)
      break;
    if (!changed)
      break;
  }
  if (iter == kMaxIterations)
    return fn->emitError("type inference did not converge");
  emit = true;
  if (failed(inferAll()))
    return failure();
  // Every value must now have a type.
  WalkResult missing = body.walk([&](Operation *op) {
    for (Value r : op->getResults())
      if (!get(r) && !isa<VarOp>(op)) {
        op->emitError("cannot infer the type of this value");
        return WalkResult::interrupt();
      }
    if (auto v = dyn_cast<VarOp>(op); v && !get(v.getVar()) && !v.getVar().use_empty()) {
      v.emitError("variable '") << v.getName() << "' is never assigned";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (missing.wasInterrupted())
    return failure();
  if (failed(rewrite()) || failed(forwardArrayVariables()))
    return failure();

  forwardShapeVariables();
  foldAll(body);
  bool shaped = false;
  if (failed(finalizeAllocations(shaped)))
    return failure();
  // Fold again now that shared/local arrays have static shapes (`cuft.dim`).
  if (shaped)
    foldAll(body);

  SmallVector<Type> results;
  if (isa<FuncOp>(fn))
    for (const TypeInfo &r : returnInfo)
      results.push_back(r.type);
  auto fnIface = cast<FunctionOpInterface>(fn);
  fnIface.setType(FunctionType::get(ctx, body.getArgumentTypes(), results));
  return success();
}

LogicalResult FunctionSpecializer::rewrite() {
  body.walk([&](Block *block) {
    for (BlockArgument arg : block->getArguments())
      if (TypeInfo t = get(arg))
        arg.setType(t.type);
  });
  SmallVector<Operation *> ops;
  body.walk([&](Operation *op) { ops.push_back(op); });
  for (Operation *op : ops)
    if (failed(rewriteOp(op)))
      return failure();
  return success();
}

LogicalResult FunctionSpecializer::rewriteOp(Operation *op) {
  if (auto var = dyn_cast<VarOp>(op)) {
    if (TypeInfo t = get(var.getVar()))
      var.getVar().setType(VarType::get(ctx, t.type));
    else if (var.getVar().use_empty())
      var.erase(); // never used (a name the frontend holds as a tuple's elements)
    return success();
  }
  for (Value r : op->getResults())
    if (TypeInfo t = get(r))
      r.setType(t.type);
  auto c = dyn_cast<CallOp>(op);
  if (c && !callTargets.lookup(c))
    return c.emitError("cannot resolve the call of '") << c.getCallee() << "'";
  // A rule may replace its op (rint of an integer): `op` is not used after.
  if (auto rules = dyn_cast<TypedByRules>(op))
    rules.castOperands(*this);
  if (c) {
    // Retarget the call to its typed clone, with the clone's results.
    FuncOp target = callTargets.lookup(c);
    FunctionType type = target.getFunctionType();
    c.setCalleeAttr(FlatSymbolRefAttr::get(target.getSymNameAttr()));
    if (c.getNumResults() != type.getNumResults()) {
      OpBuilder b(c);
      auto newCall = CallOp::create(b, c.getLoc(), type.getResults(), c.getCalleeAttr(),
                                    c.getOperands(), nullptr, nullptr);
      for (auto [o, n] : llvm::zip(c.getResults(), newCall.getResults()))
        o.replaceAllUsesWith(n);
      c.erase();
    }
  }
  return success();
}

LogicalResult FunctionSpecializer::forwardArrayVariables() {
  SmallVector<VarOp> arrayVars;
  body.walk([&](VarOp v) {
    if (isa<ArrayType>(v.getVar().getType().getValueType()))
      arrayVars.push_back(v);
  });
  if (arrayVars.empty())
    return success();
  DominanceInfo dom(fn);
  for (VarOp v : arrayVars) {
    SmallVector<VarStoreOp> stores;
    SmallVector<VarLoadOp> loads;
    for (Operation *user : v.getVar().getUsers()) {
      if (auto s = dyn_cast<VarStoreOp>(user))
        stores.push_back(s);
      else if (auto l = dyn_cast<VarLoadOp>(user))
        loads.push_back(l);
    }
    if (stores.size() != 1)
      continue; // promoted to SSA values after convert-cuft-to-cf (mem2reg)
    for (VarLoadOp l : loads) {
      if (!dom.properlyDominates(stores[0].getOperation(), l.getOperation()))
        return l.emitError("array variable '") << v.getName() << "' may be read before it is assigned";
      l.getResult().replaceAllUsesWith(stores[0].getValue());
      l.erase();
    }
    stores[0].erase();
    v.erase();
  }
  return success();
}

/// The one store of variable `var`, if it has exactly one.
static VarStoreOp onlyStore(Value var) {
  VarStoreOp only;
  for (Operation *user : var.getUsers())
    if (auto s = dyn_cast<VarStoreOp>(user)) {
      if (only)
        return {};
      only = s;
    }
  return only;
}

/// A shared or local array's shape read from a variable assigned once before
/// (`m = 8` ... `cuft.local.array(m, cuft.float32)`, or `2 * m`): the read
/// takes the stored value, so that folding makes the shape the constant it
/// is (numba's constant propagation sees it too). Variables become SSA values
/// only after specialization. Whether any read was forwarded.
bool FunctionSpecializer::forwardShapeVariables() {
  SmallVector<Value> work;
  body.walk([&](Operation *op) {
    if (isa<AllocSharedOp, AllocLocalOp>(op))
      work.append(op->operand_begin(), op->operand_end());
  });
  if (work.empty())
    return false;
  std::optional<DominanceInfo> dom;
  llvm::SmallPtrSet<Value, 8> seen;
  bool forwarded = false;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (!def || !seen.insert(v).second)
      continue;
    if (auto load = dyn_cast<VarLoadOp>(def)) {
      VarStoreOp store = onlyStore(load.getVar());
      if (!dom)
        dom.emplace(fn);
      if (!store || store.getValue().getType() != load.getType() ||
          !dom->properlyDominates(store.getOperation(), load.getOperation()))
        continue;
      load.getResult().replaceAllUsesWith(store.getValue());
      load.erase();
      work.push_back(store.getValue());
      forwarded = true;
      continue;
    }
    if (def->getNumRegions() == 0)
      work.append(def->operand_begin(), def->operand_end());
  }
  return forwarded;
}

LogicalResult FunctionSpecializer::finalizeAllocations(bool &shaped) {
  LogicalResult result = success();
  body.walk([&](Operation *op) {
    if (!isa<AllocSharedOp, AllocLocalOp>(op) || op->getNumOperands() == 0)
      return;
    shaped = true;
    SmallVector<int64_t> shape;
    for (Value s : op->getOperands()) {
      APInt value;
      if (!matchPattern(s, m_ConstantInt(&value))) {
        op->emitError("the shape of a ")
            << (isa<AllocSharedOp>(op) ? "shared" : "local")
            << " array must be a compile-time constant (a literal, a module constant, a "
               "variable assigned one before, or a constexpr argument)";
        result = failure();
        return;
      }
      // cuft.shared.array(0, dtype): the launch's dynamic shared memory.
      bool dynamic = isa<AllocSharedOp>(op) && op->getNumOperands() == 1 && value.isZero();
      if (!value.isStrictlyPositive() && !dynamic) {
        op->emitError("array dimensions must be positive, got ") << value.getSExtValue()
            << (isa<AllocSharedOp>(op) && value.isZero()
                    ? " (a shape of 0 is the launch's dynamic shared memory: one dimension)"
                    : "");
        result = failure();
        return;
      }
      shape.push_back(value.getSExtValue());
    }
    op->setAttr("shape", DenseI64ArrayAttr::get(ctx, shape));
    // The sizes are the only operands left (castOperands dropped `like`).
    if (auto shared = dyn_cast<AllocSharedOp>(op))
      shared.getSizesMutable().clear();
    else
      cast<AllocLocalOp>(op).getSizesMutable().clear();
  });
  return result;
}

//===----------------------------------------------------------------------===//
// Read-only arrays
//===----------------------------------------------------------------------===//

/// The first op that writes array `arg` (a block argument of `fn`): a store, an
/// atomic, or a call whose callee writes its parameter. Null when none does.
/// Array values reach their uses directly, through views, or through a
/// variable assigned more than once (forwardArrayVariables forwards the others).
Operation *firstWrite(Value arg, llvm::DenseMap<std::pair<Operation *, unsigned>, Operation *> &memo) {
  for (OpOperand &use : arg.getUses()) {
    Operation *user = use.getOwner();
    if (auto store = dyn_cast<StoreOp>(user); store && store.getArray() == arg)
      return user;
    if (auto fill = dyn_cast<FillOp>(user); fill && fill.getDest() == arg)
      return user;
    if (auto set = dyn_cast<SetFieldOp>(user); set && set.getRecord() == arg)
      return user;
    if (isa<AtomicRMWOp, AtomicCASOp>(user))
      return user;
    // A record of the array (its element), a subarray field of a record (a
    // view of it) and a nested record field write the array.
    if (auto load = dyn_cast<LoadOp>(user); load && isa<RecordType>(load.getType())) {
      if (Operation *w = firstWrite(load.getResult(), memo))
        return w;
      continue;
    }
    if (auto get = dyn_cast<GetFieldOp>(user); get && isa<ArrayType, RecordType>(get.getType())) {
      if (Operation *w = firstWrite(get.getResult(), memo))
        return w;
      continue;
    }
    if (auto store = dyn_cast<VarStoreOp>(user)) { // held in a variable: its reads
      for (Operation *read : store.getVar().getUsers())
        if (auto load = dyn_cast<VarLoadOp>(read))
          if (Operation *w = firstWrite(load.getResult(), memo))
            return w;
      continue;
    }
    if (isa<ViewOp, ReshapeOp, TransposeOp, RealOp, ImagOp, BitcastOp>(user) &&
        isa<ArrayType>(user->getResult(0).getType())) {
      // Writes through a view (a[1:], a.real, a.view(np.uint32)) write the array.
      if (Operation *w = firstWrite(user->getResult(0), memo))
        return w;
      continue;
    }
    auto call = dyn_cast<CallOp>(user);
    if (!call)
      continue;
    // A record the call returns may be one of this argument's: writes
    // through it write the argument (conservatively, whichever it returns).
    for (Value r : call.getResults())
      if (isa<RecordType>(r.getType()))
        if (firstWrite(r, memo))
          return user;
    auto callee = SymbolTable::lookupNearestSymbolFrom<FuncOp>(call, call.getCalleeAttr());
    if (!callee || callee.getBody().empty())
      continue;
    auto key = std::make_pair(callee.getOperation(), use.getOperandNumber());
    auto it = memo.find(key);
    if (it == memo.end()) {
      // Entered before the callee is walked: a recursive call meets this key
      // again, and adds no write of its own.
      memo[key] = nullptr;
      Operation *w = firstWrite(callee.getBody().front().getArgument(use.getOperandNumber()),
                                memo);
      memo[key] = w;
      it = memo.find(key);
    }
    if (it->second)
      return user;
  }
  return nullptr;
}

/// Nothing may write a global array compiled in as constant data.
LogicalResult checkConstArrays(ModuleOp module) {
  llvm::DenseMap<std::pair<Operation *, unsigned>, Operation *> memo;
  LogicalResult result = success();
  module.walk([&](ConstArrayOp c) {
    if (Operation *write = firstWrite(c.getResult(), memo)) {
      InFlightDiagnostic d = write->emitError(
          "this writes a global array, which kernels read as constant data (pass it as an "
          "argument to write it)");
      d.attachNote(c.getLoc()) << "the global array is read here";
      result = failure();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return result;
}

/// A kernel may not write an array argument the signature marks read-only,
/// nor a record scalar (a copy, passed by value).
LogicalResult checkReadOnlyArguments(KernelOp kernel, ArrayRef<SignatureEntry> sig) {
  llvm::DenseMap<std::pair<Operation *, unsigned>, Operation *> memo;
  Block &entry = kernel.getBody().front();
  unsigned arg = 0;
  for (auto [i, e] : llvm::enumerate(sig)) {
    if (e.value)
      continue; // a constexpr: folded in, not a parameter anymore
    Value param = entry.getArgument(arg++);
    if (!e.readOnly)
      continue;
    if (Operation *write = firstWrite(param, memo)) {
      InFlightDiagnostic d = emitError(param.getLoc());
      if (isa<RecordType>(param.getType()))
        d << "record passed as argument #" << i << " of kernel '" << kernel.getSymName()
          << "', which writes to it: a record scalar is passed by value, so the write "
          << "would be lost (pass an array of records, e.g. a[i:i + 1], and write its "
          << "element)";
      else
        d << "read-only array passed as argument #" << i << " of kernel '"
          << kernel.getSymName() << "', which writes to it (pass a writeable array, or "
          << "copy it)";
      d.attachNote(write->getLoc()) << "the kernel writes to it here";
      return failure();
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

LogicalResult specializeKernel(ModuleState &state, KernelOp kernel,
                               ArrayRef<SignatureEntry> sig, bool haveSig) {
  MLIRContext *ctx = kernel.getContext();
  Block &entry = kernel.getBody().front();
  if (!haveSig) {
    SmallVector<TypeInfo> args;
    for (auto [i, t] : llvm::enumerate(kernel.getArgumentTypes())) {
      if (isUnknown(t))
        return kernel.emitError("kernel '")
               << kernel.getSymName() << "' has arguments of unknown type: pass a "
               << "signature, e.g. cuft-specialize{sig=\"f32,array<f32,1,C>\"}";
      if (kernel.isConstexprArg(i))
        return kernel.emitError("constexpr argument #") << i << " needs a value in the signature";
      args.push_back(TypeInfo::strong(t));
    }
    FunctionSpecializer s(state, kernel);
    return s.run(args);
  }
  if (sig.size() != kernel.getNumArguments())
    return kernel.emitError("the signature has ")
           << sig.size() << " entr" << (sig.size() == 1 ? "y" : "ies") << " but kernel '"
           << kernel.getSymName() << "' takes " << kernel.getNumArguments() << " argument(s)";
  // Fold constexpr arguments into the body and drop them from the kernel's parameters.
  OpBuilder b(ctx);
  b.setInsertionPointToStart(&entry);
  llvm::BitVector erase(kernel.getNumArguments());
  for (unsigned i = 0; i < sig.size(); ++i) {
    bool constexprArg = kernel.isConstexprArg(i);
    if (sig[i].value && !constexprArg)
      return kernel.emitError("argument #")
             << i << " of '" << kernel.getSymName()
             << "' is not constexpr, so the signature cannot give it a value";
    if (!sig[i].value && constexprArg)
      return kernel.emitError("constexpr argument #")
             << i << " of '" << kernel.getSymName()
             << "' needs a value in the signature (e.g. i64=128)";
    if (!sig[i].value)
      continue;
    auto c = ConstantOp::create(b, entry.getArgument(i).getLoc(), sig[i].value.getType(),
                                sig[i].value);
    entry.getArgument(i).replaceAllUsesWith(c);
    erase.set(i);
  }
  SmallVector<TypeInfo> args;
  for (unsigned i = 0; i < sig.size(); ++i)
    if (!erase.test(i))
      args.push_back(TypeInfo::strong(sig[i].type));
  if (failed(kernel.eraseArguments(erase)))
    return failure();
  for (auto [arg, t] : llvm::zip(entry.getArguments(), args))
    arg.setType(t.type);
  FunctionSpecializer s(state, kernel);
  if (failed(s.run(args)))
    return failure();
  return checkReadOnlyArguments(kernel, sig);
}

struct CuftSpecializePass : public cuft::impl::CuftSpecializeBase<CuftSpecializePass> {
  using CuftSpecializeBase::CuftSpecializeBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::vector<SignatureEntry> entries;
    std::string error;
    if (!parseSignature(&getContext(), sig, entries, error)) {
      module.emitError("invalid signature \"") << sig << "\": " << error;
      return signalPassFailure();
    }
    ModuleState state{module, {}, {}, {}};
    SmallVector<KernelOp> kernels;
    module.walk([&](KernelOp k) {
      if (kernel.empty() || k.getSymName() == kernel)
        kernels.push_back(k);
    });
    if (!kernel.empty() && kernels.empty()) {
      module.emitError("no kernel named '") << kernel << "'";
      return signalPassFailure();
    }
    if (!sig.empty() && kernels.empty()) {
      module.emitError("the module has no kernel for the signature \"") << sig << "\"";
      return signalPassFailure();
    }
    bool ok = true;
    for (KernelOp k : kernels)
      ok &= succeeded(specializeKernel(state, k, entries, !sig.empty()));
    if (!ok)
      return signalPassFailure();
    // Generic device functions are templates: drop them, and clones made for
    // argument types that inference later widened.
    SymbolTable symbols(module);
    SmallVector<FuncOp> dead;
    module.walk([&](FuncOp f) {
      bool isClone = state.clones.count(f.getSymName().str());
      if (!f.isSpecialized() || (isClone && SymbolTable::symbolKnownUseEmpty(f, module)))
        dead.push_back(f);
    });
    for (FuncOp f : dead)
      f.erase();
    for (KernelOp k : kernels)
      ok &= succeeded(checkStaticMemory(k));
    if (!ok || failed(checkConstArrays(module)))
      return signalPassFailure();
  }

  /// A block's static shared memory is every `cuft.shared.array` the kernel
  /// and the device functions it calls allocate, together (each allocation
  /// site is one buffer per block, however often it runs). A thread's local
  /// arrays are bounded the same way, by what a GPU thread may have.
  LogicalResult checkStaticMemory(KernelOp kernel) {
    int64_t shared = 0, local = 0;
    llvm::DenseSet<Operation *> seen;
    SmallVector<Operation *> work{kernel};
    while (!work.empty()) {
      Operation *fn = work.pop_back_val();
      if (!seen.insert(fn).second)
        continue;
      WalkResult r = fn->walk([&](Operation *op) {
        if (auto call = dyn_cast<CallOp>(op)) {
          if (auto callee = SymbolTable::lookupNearestSymbolFrom<FuncOp>(
                  call, call.getCalleeAttr()))
            work.push_back(callee);
          return WalkResult::advance();
        }
        if (!isa<AllocSharedOp, AllocLocalOp>(op))
          return WalkResult::advance();
        auto shape = op->getAttrOfType<DenseI64ArrayAttr>("shape");
        auto dtype = op->getAttrOfType<TypeAttr>("dtype");
        if (!shape || !dtype)
          return WalkResult::advance();
        int64_t bytes = int64_t(scalarBytes(dtype.getValue()));
        for (int64_t d : shape.asArrayRef())
          bytes *= d; // at most 2^40 elements (the verifier): no overflow
        bool isShared = isa<AllocSharedOp>(op);
        int64_t &total = isShared ? shared : local;
        int64_t limit = isShared ? kMaxStaticSharedBytes : kMaxLocalBytes;
        total += bytes;
        if (total <= limit)
          return WalkResult::advance();
        op->emitError("kernel '")
            << kernel.getSymName() << "' allocates at least " << total
            << (isShared ? " bytes of static shared memory" : " bytes of local arrays per thread")
            << " with this array, more than the " << limit
            << (isShared ? "-byte limit per block" : "-byte limit of a GPU thread");
        return WalkResult::interrupt();
      });
      if (r.wasInterrupted())
        return failure();
    }
    return success();
  }
};

} // namespace
