//===- Translate.cpp - lowered IR straight to LLVM IR, both targets --------===//
//
// Both targets' last step before LLVM: the ops convert-cuft-to-gpu leaves,
// after prepare-nvptx (NVPTX: a gpu.module) or convert-gpu-to-host (the host:
// the module), become LLVM instructions in one walk, with llvm::IRBuilder:
// arith, cf, math, memref, complex, func, and the gpu, nvvm and llvm ops
// cuft makes. It replaces MLIR's convert-gpu-to-nvvm and convert-to-llvm
// (a dialect conversion of every op to the LLVM dialect) and
// translateModuleToLLVMIR (a second walk, from the LLVM dialect): two walks
// of 1-3 us an op, and a memref descriptor built and taken apart at every
// access (insertvalue and extractvalue that LLVM's InstCombine then removes).
// A 10,000-operand and-chain spent 170-185 ms there on NVPTX, and takes 21 ms
// here; see docs/Architecture.md.
//
// What each op becomes is what those made of it (the gallery's PTX is the
// same to the byte; tools/gallery-ptx.py compares):
//
// - A memref is its descriptor's fields, as separate values (Descriptor):
//   allocated and aligned pointers, offset, sizes and strides, constants
//   where the type has them. A function's memref parameter is those fields,
//   in that order (the launchers pack a kernel's so). A block argument's is
//   one struct phi, its fields read out where used, as MLIR's lowering has
//   it (LLVM optimizes the two shapes differently).
// - An element's address: the aligned pointer, moved by a nonzero offset
//   (`getelementptr`), then by the sum of index * stride (a stride of 1 not
//   multiplied), `inbounds nuw` for loads and stores, `nsw nuw` arithmetic;
//   atomics without the flags (MLIR's memref lowering).
// - A conditional branch with both edges to one block sends the second
//   through a block of its own, so that the phis tell the edges apart (MLIR's
//   ensureDistinctSuccessors).
// - Math ops, on NVPTX, call libdevice (`__nv_sinf`, `__nv_sin`; float16 and
//   bfloat16 through float32; `__nv_fast_` variants under `afn`) and
//   arith.remf calls `__nv_fmodf`/`__nv_fmod`: MLIR's GPU to NVVM lowering.
//   On the host they are LLVM's intrinsics with the op's fast-math flags
//   (rsqrt as 1 / sqrt): MLIR's math-to-llvm; convert-gpu-to-host has made
//   the ones LLVM would approximate calls of the C library.
// - Thread and block indices (NVPTX) are NVVM's special registers,
//   sign-extended to the 64-bit index.
// - Line tables (NVPTX's lineinfo, always on the host): a compile unit of
//   the module's file, a subprogram a function, each instruction its op's
//   line and column (MLIR's ensure-debug-info-scope-on-llvm-func).
//
// An op without a translation here is an error at the op. With
// CUFT_VERIFY_PASSES=1 (the test suite) the LLVM module made is verified.
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/Translate.h"
#include "cuft/Support/Environment.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Target/LLVMIR/TypeToLLVM.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/IntrinsicsNVPTX.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace {

/// MLIR's GPU lowering gives a global memref's descriptor this allocated
/// pointer: nothing may free it.
constexpr uint64_t kDeadBeef = 0xdeadbeef;

/// A memref value: its descriptor's fields, or the descriptor as one struct
/// (a block argument's phi, as MLIR's lowering has it: its fields are read
/// out where used).
struct Descriptor {
  llvm::Value *packed = nullptr;
  llvm::Value *allocated = nullptr;
  llvm::Value *aligned = nullptr;
  llvm::Value *offset = nullptr;
  SmallVector<llvm::Value *, 4> sizes;
  SmallVector<llvm::Value *, 4> strides;
};

/// How an index op reads its special register.
enum class IndexKind { Id, Dim };

/// The first file location in `loc` (a fused or named location's), or null.
FileLineColLoc fileLocOf(Location loc) {
  FileLineColLoc found;
  loc->walk([&](Location inner) {
    if (auto f = dyn_cast<FileLineColLoc>(inner)) {
      found = f;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

std::optional<llvm::GlobalValue::LinkageTypes> linkageOf(LLVM::Linkage linkage) {
  switch (linkage) {
  case LLVM::Linkage::Private:
    return llvm::GlobalValue::PrivateLinkage;
  case LLVM::Linkage::Internal:
    return llvm::GlobalValue::InternalLinkage;
  case LLVM::Linkage::External:
    return llvm::GlobalValue::ExternalLinkage;
  case LLVM::Linkage::Weak:
    return llvm::GlobalValue::WeakAnyLinkage;
  case LLVM::Linkage::Linkonce:
    return llvm::GlobalValue::LinkOnceAnyLinkage;
  case LLVM::Linkage::LinkonceODR:
    return llvm::GlobalValue::LinkOnceODRLinkage;
  case LLVM::Linkage::WeakODR:
    return llvm::GlobalValue::WeakODRLinkage;
  default:
    return std::nullopt;
  }
}

llvm::AtomicOrdering ordering(LLVM::AtomicOrdering o) {
  using O = LLVM::AtomicOrdering;
  switch (o) {
  case O::not_atomic:
    return llvm::AtomicOrdering::NotAtomic;
  case O::unordered:
    return llvm::AtomicOrdering::Unordered;
  case O::monotonic:
    return llvm::AtomicOrdering::Monotonic;
  case O::acquire:
    return llvm::AtomicOrdering::Acquire;
  case O::release:
    return llvm::AtomicOrdering::Release;
  case O::acq_rel:
    return llvm::AtomicOrdering::AcquireRelease;
  case O::seq_cst:
    return llvm::AtomicOrdering::SequentiallyConsistent;
  }
  llvm_unreachable("an atomic ordering");
}

/// Where the code runs: what math ops become, and which ops there are.
enum class Target { NVPTX, Host };

class Translator {
public:
  Translator(Operation *container, Target target, llvm::LLVMContext &context, bool lineInfo)
      : container(container), target(target), ctx(context), types(context), b(context),
        lineInfo(lineInfo) {}

  std::unique_ptr<llvm::Module> run();

private:
  // -- types --------------------------------------------------------------
  llvm::Type *type(Type t);
  llvm::Type *i64() { return b.getInt64Ty(); }
  unsigned addressSpace(MemRefType t);
  llvm::PointerType *pointer(MemRefType t) { return llvm::PointerType::get(ctx, addressSpace(t)); }
  /// The LLVM types `t` is passed as: a memref's fields, else one type.
  void flatTypes(Type t, SmallVectorImpl<llvm::Type *> &out);
  llvm::FunctionType *functionType(FunctionType t);

  // -- values -------------------------------------------------------------
  llvm::Value *get(Value v) {
    auto it = values.find(v);
    assert(it != values.end() && "a value used before its definition");
    return it->second;
  }
  /// `v`'s descriptor, its fields read out here if it is one struct.
  Descriptor desc(Value v);
  /// `v`'s descriptor as one struct, built before `before` if it is fields.
  llvm::Value *packed(Value v, llvm::Instruction *before);
  void set(Value v, llvm::Value *x) { values[v] = x; }
  SmallVector<llvm::Value *> operands(ValueRange range);
  /// The fields of `v` (a memref's, else its one value), to pass it on.
  void flatValues(Value v, SmallVectorImpl<llvm::Value *> &out);
  /// Defines `v` from `fields` (in the order flatValues gives them).
  void defineFrom(Value v, ArrayRef<llvm::Value *> fields);
  llvm::Value *index(int64_t v) { return b.getInt64(v); }
  llvm::Value *field(int64_t staticValue, llvm::Value *dynamic) {
    return ShapedType::isDynamic(staticValue) ? dynamic : index(staticValue);
  }

  // -- constants ----------------------------------------------------------
  llvm::Constant *constant(Attribute attr, Type t, Location loc);
  llvm::Constant *elementsConstant(DenseElementsAttr attr, llvm::Type *llvmType);

  // -- module -------------------------------------------------------------
  LogicalResult declare(Operation &op);
  LogicalResult defineBody(Operation &op);
  LogicalResult body(Region &region, llvm::Function *fn);
  llvm::DISubprogram *subprogramFor(Operation &op, llvm::Function *f, bool definition);
  llvm::DIFile *diFile(StringRef path) {
    return di->createFile(llvm::sys::path::filename(path), llvm::sys::path::parent_path(path));
  }
  llvm::Function *libdevice(StringRef name, llvm::FunctionType *type);
  llvm::Function *intrinsic(llvm::Intrinsic::ID id, ArrayRef<llvm::Type *> overloads = {}) {
    return llvm::Intrinsic::getOrInsertDeclaration(module.get(), id, overloads);
  }

  // -- ops ----------------------------------------------------------------
  LogicalResult op(Operation &op);
  LogicalResult arith(Operation &op, bool &handled);
  LogicalResult memref(Operation &op, bool &handled);
  LogicalResult gpu(Operation &op, bool &handled);
  LogicalResult llvmOp(Operation &op, bool &handled);
  LogicalResult math(Operation &op);
  LogicalResult hostMath(Operation &op);
  LogicalResult branch(Operation &op);
  llvm::Value *elementAddress(Value memref, ValueRange indices, bool inbounds);
  llvm::Value *specialRegister(llvm::Intrinsic::ID id, IndexKind kind,
                               std::optional<uint64_t> upperBound);
  LogicalResult printf(gpu::PrintfOp op);
  LogicalResult genericAtomic(memref::GenericAtomicRMWOp op);
  void markNontemporal(llvm::Instruction *inst) {
    inst->setMetadata(llvm::LLVMContext::MD_nontemporal,
                      llvm::MDNode::get(ctx, llvm::ConstantAsMetadata::get(b.getInt32(1))));
  }
  /// An llvm.load's or llvm.store's alignment, atomic ordering and
  /// nontemporal mark on `inst`; alias and TBAA metadata, which cuft does
  /// not make, are refused.
  template <typename OpT, typename InstT> LogicalResult access(OpT op, InstT *inst) {
    if (op.getAccessGroupsAttr() || op.getAliasScopesAttr() || op.getNoaliasScopesAttr() ||
        op.getTbaaAttr())
      return fail(*op.getOperation());
    if (auto align = op.getAlignment(); align && *align)
      inst->setAlignment(llvm::Align(*align));
    if (op.getOrdering() != LLVM::AtomicOrdering::not_atomic)
      inst->setAtomic(ordering(op.getOrdering()),
                      op.getSyncscope() ? ctx.getOrInsertSyncScopeID(*op.getSyncscope())
                                        : llvm::SyncScope::ID(llvm::SyncScope::System));
    if (op.getNontemporal())
      markNontemporal(inst);
    return success();
  }
  LogicalResult fail(Operation &op) {
    return op.emitError("cuft cannot translate '")
           << op.getName() << "' to LLVM IR for "
           << (target == Target::NVPTX ? "NVPTX" : "the host");
  }
  void locate(Operation &op);

  Operation *container;
  Target target;
  llvm::LLVMContext &ctx;
  LLVM::TypeToLLVMIRTranslator types;
  llvm::IRBuilder<> b;
  bool lineInfo;
  std::unique_ptr<llvm::Module> module;

  DenseMap<Value, llvm::Value *> values;
  DenseMap<Value, Descriptor> memrefs;
  DenseMap<Block *, llvm::BasicBlock *> blocks;
  /// The LLVM block each MLIR block's terminator ended up in (its last).
  DenseMap<Block *, llvm::BasicBlock *> exits;
  /// The block a conditional branch's second edge goes through where both
  /// edges go to one block (MLIR's translation splits such an edge too:
  /// ensureDistinctSuccessors), by the branch's block.
  DenseMap<Block *, llvm::BasicBlock *> splitEdges;
  /// Each block's position in its region.
  DenseMap<Block *, unsigned> position;
  DenseMap<StringRef, llvm::GlobalVariable *> globals;
  DenseMap<StringRef, llvm::Function *> functions;
  unsigned formats = 0;

  // Line tables.
  std::unique_ptr<llvm::DIBuilder> di;
  llvm::DIFile *unitFile = nullptr;
  llvm::DISubprogram *subprogram = nullptr;
};

// -- types ------------------------------------------------------------------

llvm::Type *Translator::type(Type t) {
  if (isa<IndexType>(t))
    return i64();
  if (auto c = dyn_cast<ComplexType>(t)) {
    llvm::Type *part = type(c.getElementType());
    return llvm::StructType::get(ctx, {part, part});
  }
  if (auto m = dyn_cast<MemRefType>(t)) {
    // As a whole only in a function's result (MLIR's descriptor struct).
    llvm::Type *p = pointer(m);
    auto *array = llvm::ArrayType::get(i64(), m.getRank());
    if (m.getRank() == 0)
      return llvm::StructType::get(ctx, {p, p, i64()});
    return llvm::StructType::get(ctx, {p, p, i64(), array, array});
  }
  return types.translateType(t);
}

unsigned Translator::addressSpace(MemRefType t) {
  Attribute space = t.getMemorySpace();
  if (!space)
    return 0;
  if (auto i = dyn_cast<IntegerAttr>(space))
    return static_cast<unsigned>(i.getInt());
  if (auto g = dyn_cast<gpu::AddressSpaceAttr>(space)) {
    switch (g.getValue()) {
    case gpu::AddressSpace::Global:
      return static_cast<unsigned>(NVVM::NVVMMemorySpace::Global);
    case gpu::AddressSpace::Workgroup:
      return static_cast<unsigned>(NVVM::NVVMMemorySpace::Shared);
    case gpu::AddressSpace::Private:
      return 0;
    }
  }
  return 0;
}

void Translator::flatTypes(Type t, SmallVectorImpl<llvm::Type *> &out) {
  auto m = dyn_cast<MemRefType>(t);
  if (!m) {
    out.push_back(type(t));
    return;
  }
  llvm::Type *p = pointer(m);
  out.append({p, p, i64()});
  out.append(2 * m.getRank(), i64());
}

llvm::FunctionType *Translator::functionType(FunctionType t) {
  SmallVector<llvm::Type *> params;
  for (Type input : t.getInputs())
    flatTypes(input, params);
  llvm::Type *result = b.getVoidTy();
  if (t.getNumResults() == 1) {
    result = type(t.getResult(0));
  } else if (t.getNumResults() > 1) {
    SmallVector<llvm::Type *> fields;
    for (Type r : t.getResults())
      fields.push_back(type(r));
    result = llvm::StructType::get(ctx, fields);
  }
  return llvm::FunctionType::get(result, params, /*isVarArg=*/false);
}

// -- values -----------------------------------------------------------------

SmallVector<llvm::Value *> Translator::operands(ValueRange range) {
  SmallVector<llvm::Value *> out;
  for (Value v : range)
    out.push_back(get(v));
  return out;
}

void Translator::flatValues(Value v, SmallVectorImpl<llvm::Value *> &out) {
  if (!isa<MemRefType>(v.getType())) {
    out.push_back(get(v));
    return;
  }
  Descriptor d = desc(v);
  out.append({d.allocated, d.aligned, d.offset});
  out.append(d.sizes.begin(), d.sizes.end());
  out.append(d.strides.begin(), d.strides.end());
}

void Translator::defineFrom(Value v, ArrayRef<llvm::Value *> fields) {
  auto m = dyn_cast<MemRefType>(v.getType());
  if (!m) {
    set(v, fields.front());
    return;
  }
  int64_t rank = m.getRank();
  Descriptor d;
  d.allocated = fields[0];
  d.aligned = fields[1];
  d.offset = fields[2];
  d.sizes.assign(fields.begin() + 3, fields.begin() + 3 + rank);
  d.strides.assign(fields.begin() + 3 + rank, fields.begin() + 3 + 2 * rank);
  memrefs[v] = std::move(d);
}

Descriptor Translator::desc(Value v) {
  auto it = memrefs.find(v);
  assert(it != memrefs.end() && "a memref used before its definition");
  if (!it->second.packed)
    return it->second;
  llvm::Value *s = it->second.packed;
  Descriptor d;
  d.allocated = b.CreateExtractValue(s, {0});
  d.aligned = b.CreateExtractValue(s, {1});
  d.offset = b.CreateExtractValue(s, {2});
  for (int64_t i = 0, rank = cast<MemRefType>(v.getType()).getRank(); i < rank; ++i)
    d.sizes.push_back(b.CreateExtractValue(s, {3, unsigned(i)}));
  for (int64_t i = 0, rank = cast<MemRefType>(v.getType()).getRank(); i < rank; ++i)
    d.strides.push_back(b.CreateExtractValue(s, {4, unsigned(i)}));
  return d;
}

llvm::Value *Translator::packed(Value v, llvm::Instruction *before) {
  Descriptor &d = memrefs[v];
  if (d.packed)
    return d.packed;
  llvm::IRBuilderBase::InsertPointGuard guard(b);
  if (before)
    b.SetInsertPoint(before);
  llvm::Value *s = llvm::PoisonValue::get(type(v.getType()));
  s = b.CreateInsertValue(s, d.allocated, {0});
  s = b.CreateInsertValue(s, d.aligned, {1});
  s = b.CreateInsertValue(s, d.offset, {2});
  for (auto [i, size] : llvm::enumerate(d.sizes))
    s = b.CreateInsertValue(s, size, {3, unsigned(i)});
  for (auto [i, stride] : llvm::enumerate(d.strides))
    s = b.CreateInsertValue(s, stride, {4, unsigned(i)});
  return s;
}

// -- constants --------------------------------------------------------------

llvm::Constant *Translator::elementsConstant(DenseElementsAttr attr, llvm::Type *llvmType) {
  // Leaves first, in row-major order, then nested arrays of them.
  llvm::Type *leaf = llvmType;
  while (auto *array = dyn_cast<llvm::ArrayType>(leaf))
    leaf = array->getElementType();
  if (auto *vector = dyn_cast<llvm::FixedVectorType>(leaf))
    leaf = vector->getElementType();
  SmallVector<llvm::Constant *> leaves;
  Type element = attr.getElementType();
  int64_t count = attr.getNumElements();
  leaves.reserve(count);
  if (auto c = dyn_cast<ComplexType>(element)) {
    auto *part = cast<llvm::StructType>(leaf)->getElementType(0);
    if (isa<FloatType>(c.getElementType())) {
      for (std::complex<APFloat> v : attr.getValues<std::complex<APFloat>>())
        leaves.push_back(llvm::ConstantStruct::get(
            cast<llvm::StructType>(leaf),
            {llvm::ConstantFP::get(part, v.real()), llvm::ConstantFP::get(part, v.imag())}));
    } else {
      for (std::complex<APInt> v : attr.getValues<std::complex<APInt>>())
        leaves.push_back(llvm::ConstantStruct::get(
            cast<llvm::StructType>(leaf),
            {llvm::ConstantInt::get(part, v.real()), llvm::ConstantInt::get(part, v.imag())}));
    }
  } else if (isa<FloatType>(element)) {
    for (APFloat v : attr.getValues<APFloat>())
      leaves.push_back(llvm::ConstantFP::get(leaf, v));
  } else {
    for (APInt v : attr.getValues<APInt>())
      leaves.push_back(llvm::ConstantInt::get(leaf, v));
  }
  std::function<llvm::Constant *(llvm::Type *, ArrayRef<llvm::Constant *> &)> build =
      [&](llvm::Type *t, ArrayRef<llvm::Constant *> &rest) -> llvm::Constant * {
    if (auto *array = dyn_cast<llvm::ArrayType>(t)) {
      SmallVector<llvm::Constant *> items;
      for (uint64_t i = 0; i < array->getNumElements(); ++i)
        items.push_back(build(array->getElementType(), rest));
      return llvm::ConstantArray::get(array, items);
    }
    if (auto *vector = dyn_cast<llvm::FixedVectorType>(t)) {
      SmallVector<llvm::Constant *> items(rest.take_front(vector->getNumElements()));
      rest = rest.drop_front(vector->getNumElements());
      return llvm::ConstantVector::get(items);
    }
    llvm::Constant *c = rest.front();
    rest = rest.drop_front();
    return c;
  };
  if (attr.isSplat()) {
    // One leaf for every position.
    SmallVector<llvm::Constant *> all;
    uint64_t n = 1;
    for (llvm::Type *t = llvmType;;) {
      if (auto *array = dyn_cast<llvm::ArrayType>(t)) {
        n *= array->getNumElements();
        t = array->getElementType();
      } else if (auto *vector = dyn_cast<llvm::FixedVectorType>(t)) {
        n *= vector->getNumElements();
        break;
      } else {
        break;
      }
    }
    all.assign(n, leaves.front());
    ArrayRef<llvm::Constant *> rest(all);
    return build(llvmType, rest);
  }
  ArrayRef<llvm::Constant *> rest(leaves);
  return build(llvmType, rest);
}

llvm::Constant *Translator::constant(Attribute attr, Type t, Location loc) {
  llvm::Type *llvmType = type(t);
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return llvm::ConstantInt::get(llvmType,
                                  i.getValue().sextOrTrunc(llvmType->getIntegerBitWidth()));
  if (auto f = dyn_cast<FloatAttr>(attr))
    return llvm::ConstantFP::get(llvmType, f.getValue());
  if (auto bits = dyn_cast<BoolAttr>(attr))
    return llvm::ConstantInt::get(llvmType, bits.getValue());
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return elementsConstant(dense, llvmType);
  emitError(loc, "cuft cannot translate the constant ") << attr << " to LLVM IR";
  return nullptr;
}

// -- module -----------------------------------------------------------------

llvm::Function *Translator::libdevice(StringRef name, llvm::FunctionType *fnType) {
  if (llvm::Function *f = module->getFunction(name))
    return f;
  // Declared before the function calling it, as MLIR's lowering declares it.
  llvm::Function *caller = b.GetInsertBlock()->getParent();
  auto *f = llvm::Function::Create(fnType, llvm::GlobalValue::ExternalLinkage, name);
  module->getFunctionList().insert(caller->getIterator(), f);
  return f;
}

LogicalResult Translator::declare(Operation &op) {
  if (auto global = dyn_cast<memref::GlobalOp>(op)) {
    MemRefType t = global.getType();
    llvm::Type *element = type(t.getElementType());
    llvm::Type *llvmType = element;
    for (int64_t dim : llvm::reverse(t.getShape()))
      llvmType = llvm::ArrayType::get(llvmType, dim);
    llvm::Constant *init = nullptr;
    if (auto value = dyn_cast_or_null<ElementsAttr>(global.getInitialValue().value_or(nullptr))) {
      auto dense = dyn_cast<DenseElementsAttr>(value);
      if (!dense)
        return global.emitError("cuft translates dense initial values only");
      init = elementsConstant(dense, llvmType);
    } else if (global.isUninitialized()) {
      init = llvm::UndefValue::get(llvmType);
    }
    bool isPublic = global.isPublic();
    auto linkage =
        isPublic ? llvm::GlobalValue::ExternalLinkage : llvm::GlobalValue::PrivateLinkage;
    auto *g = new llvm::GlobalVariable(*module, llvmType, global.getConstant(), linkage, init,
                                       global.getSymName(), nullptr,
                                       llvm::GlobalValue::NotThreadLocal, addressSpace(t));
    if (auto align = global.getAlignment())
      g->setAlignment(llvm::Align(*align));
    globals[global.getSymName()] = g;
    return success();
  }
  if (auto global = dyn_cast<LLVM::GlobalOp>(op)) {
    if (!global.getInitializerRegion().empty())
      return global.emitError("cuft translates llvm.mlir.global with a value attribute only");
    llvm::Type *llvmType = type(global.getGlobalType());
    llvm::Constant *init = nullptr;
    if (auto value = global.getValueOrNull()) {
      if (auto s = dyn_cast<StringAttr>(value))
        init = llvm::ConstantDataArray::getString(ctx, s.getValue(), /*AddNull=*/false);
      else if (auto dense = dyn_cast<DenseElementsAttr>(value))
        init = elementsConstant(dense, llvmType);
      else
        init = constant(value, global.getGlobalType(), global.getLoc());
      if (!init)
        return failure();
    }
    std::optional<llvm::GlobalValue::LinkageTypes> linkage = linkageOf(global.getLinkage());
    if (!linkage)
      return global.emitError("cuft cannot translate this linkage to LLVM IR");
    auto *g = new llvm::GlobalVariable(*module, llvmType, global.getConstant(), *linkage, init,
                                       global.getSymName(), nullptr,
                                       llvm::GlobalValue::NotThreadLocal, global.getAddrSpace());
    if (auto align = global.getAlignment())
      g->setAlignment(llvm::Align(*align));
    if (global.getUnnamedAddr() == LLVM::UnnamedAddr::Global)
      g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    else if (global.getUnnamedAddr() == LLVM::UnnamedAddr::Local)
      g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Local);
    globals[global.getSymName()] = g;
    return success();
  }
  return success();
}

LogicalResult Translator::defineBody(Operation &op) {
  if (auto fn = dyn_cast<gpu::GPUFuncOp>(op)) {
    llvm::Function *f = functions.lookup(fn.getName());
    return body(fn.getBody(), f);
  }
  if (auto fn = dyn_cast<func::FuncOp>(op)) {
    if (fn.isExternal())
      return success();
    return body(fn.getBody(), functions.lookup(fn.getName()));
  }
  if (auto fn = dyn_cast<LLVM::LLVMFuncOp>(op)) {
    if (fn.isExternal())
      return success();
    return body(fn.getBody(), functions.lookup(fn.getName()));
  }
  return success();
}

/// `f`'s subprogram, at `op`'s file and line (else the unit's file, line 1),
/// as MLIR's ensure-debug-info-scope-on-llvm-func gives it: a declaration's
/// is no definition (another unit defines it).
llvm::DISubprogram *Translator::subprogramFor(Operation &op, llvm::Function *f, bool definition) {
  FileLineColLoc fileLoc = fileLocOf(op.getLoc());
  llvm::DIFile *file = fileLoc ? diFile(fileLoc.getFilename().getValue()) : unitFile;
  unsigned line = fileLoc ? fileLoc.getLine() : 1;
  auto flags = llvm::DISubprogram::SPFlagOptimized;
  if (definition)
    flags |= llvm::DISubprogram::SPFlagDefinition;
  llvm::DISubprogram *sp = di->createFunction(file, f->getName(), f->getName(), file, line,
                                              di->createSubroutineType(di->getOrCreateTypeArray({}),
                                                                       llvm::DINode::FlagZero,
                                                                       llvm::dwarf::DW_CC_normal),
                                              line, llvm::DINode::FlagZero, flags);
  f->setSubprogram(sp);
  return sp;
}

LogicalResult Translator::body(Region &region, llvm::Function *fn) {
  values.clear();
  memrefs.clear();
  blocks.clear();
  exits.clear();
  splitEdges.clear();
  position.clear();
  subprogram = nullptr;
  // Nothing of the last function's location carries over.
  b.SetCurrentDebugLocation(llvm::DebugLoc());
  if (di)
    subprogram = subprogramFor(*region.getParentOp(), fn, /*definition=*/true);
  // Blocks in the region's order; translated in dominance order, so that a
  // value is defined before its uses (MLIR's translation's order).
  for (Block &block : region) {
    position[&block] = position.size();
    blocks[&block] = llvm::BasicBlock::Create(ctx, "", fn);
  }
  SetVector<Block *> order = getBlocksSortedByDominance(region);
  // The entry's arguments are the function's parameters; another block's,
  // phis (a memref's: one a field).
  Block &entry = region.front();
  {
    unsigned next = 0;
    for (BlockArgument arg : entry.getArguments()) {
      SmallVector<llvm::Type *> fieldTypes;
      flatTypes(arg.getType(), fieldTypes);
      SmallVector<llvm::Value *> fields;
      for (size_t i = 0; i < fieldTypes.size(); ++i)
        fields.push_back(fn->getArg(next++));
      defineFrom(arg, fields);
    }
  }
  for (Block *block : order) {
    if (block == &entry)
      continue;
    b.SetInsertPoint(blocks[block]);
    unsigned preds = std::distance(block->pred_begin(), block->pred_end());
    for (BlockArgument arg : block->getArguments()) {
      llvm::PHINode *phi = b.CreatePHI(type(arg.getType()), preds);
      if (subprogram)
        if (FileLineColLoc at = fileLocOf(arg.getLoc()))
          phi->setDebugLoc(llvm::DILocation::get(ctx, at.getLine(), at.getColumn(), subprogram));
      if (isa<MemRefType>(arg.getType())) {
        Descriptor d;
        d.packed = phi;
        memrefs[arg] = std::move(d);
      } else {
        set(arg, phi);
      }
    }
  }
  for (Block *block : order) {
    b.SetInsertPoint(blocks[block]);
    for (Operation &o : *block)
      if (failed(op(o)))
        return failure();
    exits[block] = b.GetInsertBlock();
  }
  // The phis' incoming values, predecessor by predecessor (MLIR's order).
  for (Block *block : order) {
    if (block == &entry || block->getNumArguments() == 0)
      continue;
    SmallVector<llvm::PHINode *> phis;
    for (llvm::PHINode &phi : blocks[block]->phis())
      phis.push_back(&phi);
    auto connect = [&](Block *pred, unsigned successor, llvm::BasicBlock *from) {
      auto branchOp = cast<BranchOpInterface>(pred->getTerminator());
      SuccessorOperands passed = branchOp.getSuccessorOperands(successor);
      SmallVector<llvm::Value *> incoming;
      for (Value v : passed.getForwardedOperands())
        incoming.push_back(isa<MemRefType>(v.getType()) ? packed(v, from->getTerminator())
                                                        : get(v));
      assert(incoming.size() == phis.size());
      for (auto [phi, v] : llvm::zip(phis, incoming))
        phi->addIncoming(v, from);
    };
    // MLIR's translation splits the edges first, each a new predecessor,
    // so their values come first, the last split first (in region order).
    SmallVector<Block *> split;
    for (Block *pred : block->getPredecessors())
      if (splitEdges.count(pred) && pred->getTerminator()->getSuccessor(1) == block &&
          !llvm::is_contained(split, pred))
        split.push_back(pred);
    llvm::sort(split, [&](Block *x, Block *y) { return position[x] > position[y]; });
    for (Block *pred : split)
      connect(pred, 1, splitEdges[pred]);
    for (auto it = block->pred_begin(), e = block->pred_end(); it != e; ++it)
      if (!(it.getSuccessorIndex() == 1 && splitEdges.count(*it)))
        connect(*it, it.getSuccessorIndex(), exits[*it]);
  }
  return success();
}

/// `op`'s `passthrough` attributes (LLVM function attributes by name, or
/// name and value pairs) on `f`, as MLIR's translation passes them.
void passthrough(Operation *op, llvm::Function *f) {
  auto list = op->getAttrOfType<ArrayAttr>("passthrough");
  if (!list)
    return;
  for (Attribute a : list) {
    if (auto name = dyn_cast<StringAttr>(a)) {
      llvm::Attribute::AttrKind kind = llvm::Attribute::getAttrKindFromName(name.getValue());
      if (kind != llvm::Attribute::None)
        f->addFnAttr(kind);
      else
        f->addFnAttr(name.getValue());
    } else if (auto pair = dyn_cast<ArrayAttr>(a); pair && pair.size() == 2) {
      auto key = dyn_cast<StringAttr>(pair[0]);
      auto value = dyn_cast<StringAttr>(pair[1]);
      if (key && value)
        f->addFnAttr(key.getValue(), value.getValue());
    }
  }
}

std::unique_ptr<llvm::Module> Translator::run() {
  module = std::make_unique<llvm::Module>("LLVMDialectModule", ctx);
  if (auto layout =
          container->getAttrOfType<StringAttr>(LLVM::LLVMDialect::getDataLayoutAttrName()))
    module->setDataLayout(layout.getValue());
  if (lineInfo) {
    // As MLIR's ensure-debug-info-scope-on-llvm-func: one compile unit, of
    // the module's file, a subprogram a function (body()).
    di = std::make_unique<llvm::DIBuilder>(*module);
    FileLineColLoc fileLoc = fileLocOf(container->getLoc());
    unitFile = diFile(fileLoc ? fileLoc.getFilename().getValue() : StringRef("<unknown>"));
    di->createCompileUnit(llvm::DISourceLanguageName(llvm::dwarf::DW_LANG_C), unitFile, "MLIR",
                          /*isOptimized=*/true, "", 0, "", llvm::DICompileUnit::LineTablesOnly);
  }
  Block &ops = container->getRegion(0).front();
  // Globals first, then every function declared, then their bodies.
  for (Operation &o : ops)
    if (failed(declare(o)))
      return nullptr;
  for (Operation &o : ops) {
    llvm::Function *f = nullptr;
    if (auto fn = dyn_cast<gpu::GPUFuncOp>(o)) {
      f = llvm::Function::Create(functionType(fn.getFunctionType()),
                                 llvm::GlobalValue::ExternalLinkage, fn.getName(), *module);
      if (fn.isKernel())
        f->setCallingConv(llvm::CallingConv::PTX_Kernel);
      for (StringRef name : {"nvvm.maxnreg", "nvvm.minctasm", "nvvm.maxclusterrank"})
        if (auto v = fn->getAttrOfType<IntegerAttr>(name))
          f->addFnAttr(name, std::to_string(v.getInt()));
      for (StringRef name : {"nvvm.maxntid", "nvvm.reqntid"})
        if (auto v = fn->getAttrOfType<DenseI32ArrayAttr>(name)) {
          std::string text;
          for (int32_t x : v.asArrayRef())
            text += (text.empty() ? "" : ",") + std::to_string(x);
          f->addFnAttr(name, text);
        }
    } else if (auto fn = dyn_cast<func::FuncOp>(o)) {
      f = llvm::Function::Create(functionType(fn.getFunctionType()),
                                 llvm::GlobalValue::ExternalLinkage, fn.getName(), *module);
      if (auto linkage = fn->getAttrOfType<LLVM::LinkageAttr>("llvm.linkage")) {
        std::optional<llvm::GlobalValue::LinkageTypes> l = linkageOf(linkage.getLinkage());
        if (!l) {
          fn.emitError("cuft cannot translate this linkage to LLVM IR");
          return nullptr;
        }
        f->setLinkage(*l);
      }
    } else if (auto fn = dyn_cast<LLVM::LLVMFuncOp>(o)) {
      auto fnType = cast<llvm::FunctionType>(type(fn.getFunctionType()));
      f = llvm::Function::Create(fnType, llvm::GlobalValue::ExternalLinkage, fn.getName(), *module);
      if (fn->hasAttr(gpu::GPUDialect::getKernelFuncAttrName()) ||
          fn->hasAttr(NVVM::NVVMDialect::getKernelFuncAttrName()))
        f->setCallingConv(llvm::CallingConv::PTX_Kernel);
    } else if (!isa<memref::GlobalOp, LLVM::GlobalOp>(o)) {
      o.emitError("cuft cannot translate '") << o.getName() << "' in a module to LLVM IR";
      return nullptr;
    }
    if (f) {
      passthrough(&o, f);
      // Fast math's flushed float32 denormals (NVPTX's .ftz forms).
      if (auto mode = o.getAttrOfType<StringAttr>("denormal_fp_math_f32"))
        f->addFnAttr("denormal-fp-math-f32", mode.getValue());
      // A C library function math-to-libm declared (erf, cbrt): it touches
      // no memory, so calls of it vectorize (the host's vector library).
      if (o.hasAttr(LLVM::LLVMDialect::getReadnoneAttrName()))
        f->setDoesNotAccessMemory();
      if (di && f->isDeclaration())
        subprogramFor(o, f, /*definition=*/false);
      functions[f->getName()] = f;
    }
  }
  for (Operation &o : ops)
    if (failed(defineBody(o)))
      return nullptr;
  module->addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  if (di)
    di->finalize();
  // The test suite (CUFT_VERIFY_PASSES=1) verifies what the translation made.
  static const bool verify = cuft::environmentFlag("CUFT_VERIFY_PASSES");
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (verify && llvm::verifyModule(*module, &os)) {
    container->emitError("cuft's translation made invalid LLVM IR: ") << problems;
    return nullptr;
  }
  return std::move(module);
}

// -- ops --------------------------------------------------------------------

void Translator::locate(Operation &o) {
  if (!subprogram)
    return;
  FileLineColLoc fileLoc = fileLocOf(o.getLoc());
  b.SetCurrentDebugLocation(fileLoc ? llvm::DebugLoc(llvm::DILocation::get(
                                          ctx, fileLoc.getLine(), fileLoc.getColumn(), subprogram))
                                    : llvm::DebugLoc());
}

LogicalResult Translator::op(Operation &o) {
  locate(o);
  bool handled = false;
  LogicalResult result = arith(o, handled);
  if (handled)
    return result;
  result = memref(o, handled);
  if (handled)
    return result;
  result = gpu(o, handled);
  if (handled)
    return result;
  result = llvmOp(o, handled);
  if (handled)
    return result;
  if (isa<math::MathDialect>(o.getDialect()))
    return math(o);
  if (isa<cf::BranchOp, cf::CondBranchOp, LLVM::BrOp, LLVM::CondBrOp>(o))
    return branch(o);
  if (auto ret = dyn_cast<func::ReturnOp>(o)) {
    if (ret.getNumOperands() == 0) {
      b.CreateRetVoid();
    } else if (ret.getNumOperands() == 1) {
      b.CreateRet(get(ret.getOperand(0)));
    } else {
      llvm::Type *structType = b.GetInsertBlock()->getParent()->getReturnType();
      llvm::Value *s = llvm::PoisonValue::get(structType);
      for (auto [i, v] : llvm::enumerate(ret.getOperands()))
        s = b.CreateInsertValue(s, get(v), {unsigned(i)});
      b.CreateRet(s);
    }
    return success();
  }
  if (auto call = dyn_cast<func::CallOp>(o)) {
    llvm::Function *callee = functions.lookup(call.getCallee());
    if (!callee)
      return call.emitError("a call of an unknown function: ") << call.getCallee();
    SmallVector<llvm::Value *> args;
    for (Value v : call.getOperands())
      flatValues(v, args);
    llvm::CallInst *result = b.CreateCall(callee, args);
    if (call.getNumResults() == 1) {
      set(call.getResult(0), result);
    } else {
      for (auto [i, r] : llvm::enumerate(call.getResults()))
        set(r, b.CreateExtractValue(result, {unsigned(i)}));
    }
    return success();
  }
  if (auto poison = dyn_cast<ub::PoisonOp>(o)) {
    // A value no path defines (mem2reg's, for a variable read where no
    // assignment reaches): LLVM's poison.
    llvm::Value *v = llvm::PoisonValue::get(type(poison.getType()));
    if (isa<MemRefType>(poison.getType())) {
      Descriptor d;
      d.packed = v;
      memrefs[poison] = std::move(d);
    } else {
      set(poison, v);
    }
    return success();
  }
  if (auto c = dyn_cast<complex::CreateOp>(o)) {
    llvm::Value *s = llvm::PoisonValue::get(type(c.getType()));
    s = b.CreateInsertValue(s, get(c.getReal()), {0});
    set(c, b.CreateInsertValue(s, get(c.getImaginary()), {1}));
    return success();
  }
  if (auto re = dyn_cast<complex::ReOp>(o)) {
    set(re, b.CreateExtractValue(get(re.getComplex()), {0}));
    return success();
  }
  if (auto im = dyn_cast<complex::ImOp>(o)) {
    set(im, b.CreateExtractValue(get(im.getComplex()), {1}));
    return success();
  }
  if (auto conversion = dyn_cast<UnrealizedConversionCastOp>(o)) {
    // What convert-cuft-to-gpu leaves between a memref and its descriptor
    // (a view of a complex array's parts: memref<complex<f32>> to the
    // descriptor struct to memref<f32>), or between index and i64.
    if (conversion.getNumOperands() != 1 || conversion.getNumResults() != 1)
      return fail(o);
    Value from = conversion.getOperand(0), to = conversion.getResult(0);
    if (type(from.getType()) != type(to.getType()))
      return fail(o);
    bool fromMemref = isa<MemRefType>(from.getType()), toMemref = isa<MemRefType>(to.getType());
    if (fromMemref && toMemref) {
      memrefs[to] = memrefs[from];
    } else if (fromMemref) {
      set(to, packed(from, nullptr));
    } else if (toMemref) {
      Descriptor d;
      d.packed = get(from);
      memrefs[to] = std::move(d);
    } else {
      set(to, get(from));
    }
    return success();
  }
  return fail(o);
}

LogicalResult Translator::branch(Operation &o) {
  // cf's and llvm's branches; the arguments are the successors' phis'.
  if (o.getNumSuccessors() == 1) {
    b.CreateBr(blocks[o.getSuccessor(0)]);
    return success();
  }
  llvm::BasicBlock *second = blocks[o.getSuccessor(1)];
  if (o.getSuccessor(0) == o.getSuccessor(1)) {
    // Both edges to one block: the second through a block of its own, just
    // before it, so that its phis tell the edges apart.
    llvm::BasicBlock *edge = llvm::BasicBlock::Create(ctx, "", second->getParent(), second);
    llvm::IRBuilder<>(edge).CreateBr(second);
    splitEdges[o.getBlock()] = edge;
    second = edge;
  }
  llvm::BranchInst *inst = b.CreateCondBr(get(o.getOperand(0)), blocks[o.getSuccessor(0)], second);
  if (auto cond = dyn_cast<cf::CondBranchOp>(o))
    if (auto weights = cond.getBranchWeights()) {
      ArrayRef<int32_t> w = *weights;
      inst->setMetadata(llvm::LLVMContext::MD_prof,
                        llvm::MDBuilder(ctx).createBranchWeights(uint32_t(w[0]), uint32_t(w[1])));
    }
  return success();
}

/// arith's or the LLVM dialect's fast-math flags as LLVM's (the same names).
template <typename F> llvm::FastMathFlags fastMath(F flags) {
  llvm::FastMathFlags f;
  f.setAllowReassoc(bitEnumContainsAll(flags, F::reassoc));
  f.setNoNaNs(bitEnumContainsAll(flags, F::nnan));
  f.setNoInfs(bitEnumContainsAll(flags, F::ninf));
  f.setNoSignedZeros(bitEnumContainsAll(flags, F::nsz));
  f.setAllowReciprocal(bitEnumContainsAll(flags, F::arcp));
  f.setAllowContract(bitEnumContainsAll(flags, F::contract));
  f.setApproxFunc(bitEnumContainsAll(flags, F::afn));
  return f;
}

arith::FastMathFlags fastMathOf(Operation &o) {
  if (auto fm = dyn_cast<arith::ArithFastMathInterface>(o))
    return fm.getFastMathFlagsAttr() ? fm.getFastMathFlagsAttr().getValue()
                                     : arith::FastMathFlags::none;
  return arith::FastMathFlags::none;
}

/// Sets `op`'s overflow flags on `inst` (an add, sub, mul or shl).
void overflow(Operation &o, llvm::Value *inst) {
  auto flags = dyn_cast<arith::ArithIntegerOverflowFlagsInterface>(o);
  auto *binary = dyn_cast<llvm::OverflowingBinaryOperator>(inst);
  if (!flags || !binary)
    return;
  auto *i = cast<llvm::Instruction>(inst);
  if (flags.hasNoSignedWrap())
    i->setHasNoSignedWrap(true);
  if (flags.hasNoUnsignedWrap())
    i->setHasNoUnsignedWrap(true);
}

llvm::CmpInst::Predicate predicate(arith::CmpIPredicate p) {
  using P = arith::CmpIPredicate;
  switch (p) {
  case P::eq:
    return llvm::CmpInst::ICMP_EQ;
  case P::ne:
    return llvm::CmpInst::ICMP_NE;
  case P::slt:
    return llvm::CmpInst::ICMP_SLT;
  case P::sle:
    return llvm::CmpInst::ICMP_SLE;
  case P::sgt:
    return llvm::CmpInst::ICMP_SGT;
  case P::sge:
    return llvm::CmpInst::ICMP_SGE;
  case P::ult:
    return llvm::CmpInst::ICMP_ULT;
  case P::ule:
    return llvm::CmpInst::ICMP_ULE;
  case P::ugt:
    return llvm::CmpInst::ICMP_UGT;
  case P::uge:
    return llvm::CmpInst::ICMP_UGE;
  }
  llvm_unreachable("an integer predicate");
}

llvm::CmpInst::Predicate predicate(arith::CmpFPredicate p) {
  using P = arith::CmpFPredicate;
  switch (p) {
  case P::AlwaysFalse:
    return llvm::CmpInst::FCMP_FALSE;
  case P::OEQ:
    return llvm::CmpInst::FCMP_OEQ;
  case P::OGT:
    return llvm::CmpInst::FCMP_OGT;
  case P::OGE:
    return llvm::CmpInst::FCMP_OGE;
  case P::OLT:
    return llvm::CmpInst::FCMP_OLT;
  case P::OLE:
    return llvm::CmpInst::FCMP_OLE;
  case P::ONE:
    return llvm::CmpInst::FCMP_ONE;
  case P::ORD:
    return llvm::CmpInst::FCMP_ORD;
  case P::UEQ:
    return llvm::CmpInst::FCMP_UEQ;
  case P::UGT:
    return llvm::CmpInst::FCMP_UGT;
  case P::UGE:
    return llvm::CmpInst::FCMP_UGE;
  case P::ULT:
    return llvm::CmpInst::FCMP_ULT;
  case P::ULE:
    return llvm::CmpInst::FCMP_ULE;
  case P::UNE:
    return llvm::CmpInst::FCMP_UNE;
  case P::UNO:
    return llvm::CmpInst::FCMP_UNO;
  case P::AlwaysTrue:
    return llvm::CmpInst::FCMP_TRUE;
  }
  llvm_unreachable("a float predicate");
}

LogicalResult Translator::arith(Operation &o, bool &handled) {
  handled = isa<arith::ArithDialect>(o.getDialect());
  if (!handled)
    return success();
  if (auto c = dyn_cast<arith::ConstantOp>(o)) {
    llvm::Constant *v = constant(c.getValue(), c.getType(), c.getLoc());
    if (!v)
      return failure();
    set(c, v);
    return success();
  }
  if (isa<arith::RemFOp>(o) && target == Target::NVPTX)
    return math(o);
  llvm::IRBuilderBase::FastMathFlagGuard guard(b);
  b.setFastMathFlags(fastMath(fastMathOf(o)));
  auto binary = [&](llvm::Instruction::BinaryOps opcode) {
    llvm::Value *v = b.CreateBinOp(opcode, get(o.getOperand(0)), get(o.getOperand(1)));
    if (auto *fp = dyn_cast<llvm::FPMathOperator>(v); fp && isa<llvm::Instruction>(v))
      cast<llvm::Instruction>(v)->setFastMathFlags(b.getFastMathFlags());
    overflow(o, v);
    set(o.getResult(0), v);
    return success();
  };
  auto cast = [&](llvm::Instruction::CastOps opcode) {
    set(o.getResult(0), b.CreateCast(opcode, get(o.getOperand(0)), type(o.getResult(0).getType())));
    return success();
  };
  /// index_cast and index_castui: the same width is the same value.
  auto resize = [&](bool isSigned) {
    llvm::Value *v = get(o.getOperand(0));
    llvm::Type *to = type(o.getResult(0).getType());
    unsigned from = v->getType()->getScalarSizeInBits(), width = to->getScalarSizeInBits();
    if (from == width)
      set(o.getResult(0), v);
    else if (from > width)
      set(o.getResult(0), b.CreateTrunc(v, to));
    else
      set(o.getResult(0), isSigned ? b.CreateSExt(v, to) : b.CreateZExt(v, to));
    return success();
  };
  using llvm::Instruction;
  return llvm::TypeSwitch<Operation *, LogicalResult>(&o)
      .Case<arith::AddIOp>([&](auto) { return binary(Instruction::Add); })
      .Case<arith::SubIOp>([&](auto) { return binary(Instruction::Sub); })
      .Case<arith::MulIOp>([&](auto) { return binary(Instruction::Mul); })
      .Case<arith::DivSIOp>([&](auto) { return binary(Instruction::SDiv); })
      .Case<arith::DivUIOp>([&](auto) { return binary(Instruction::UDiv); })
      .Case<arith::RemSIOp>([&](auto) { return binary(Instruction::SRem); })
      .Case<arith::RemUIOp>([&](auto) { return binary(Instruction::URem); })
      .Case<arith::AndIOp>([&](auto) { return binary(Instruction::And); })
      .Case<arith::OrIOp>([&](auto) { return binary(Instruction::Or); })
      .Case<arith::XOrIOp>([&](auto) { return binary(Instruction::Xor); })
      .Case<arith::ShLIOp>([&](auto) { return binary(Instruction::Shl); })
      .Case<arith::ShRSIOp>([&](auto) { return binary(Instruction::AShr); })
      .Case<arith::ShRUIOp>([&](auto) { return binary(Instruction::LShr); })
      .Case<arith::AddFOp>([&](auto) { return binary(Instruction::FAdd); })
      .Case<arith::SubFOp>([&](auto) { return binary(Instruction::FSub); })
      .Case<arith::MulFOp>([&](auto) { return binary(Instruction::FMul); })
      .Case<arith::DivFOp>([&](auto) { return binary(Instruction::FDiv); })
      .Case<arith::RemFOp>([&](auto) { return binary(Instruction::FRem); })
      .Case<arith::NegFOp>([&](arith::NegFOp neg) {
        set(neg, b.CreateFNeg(get(neg.getOperand())));
        return success();
      })
      .Case<arith::CmpIOp>([&](arith::CmpIOp cmp) {
        set(cmp, b.CreateICmp(predicate(cmp.getPredicate()), get(cmp.getLhs()), get(cmp.getRhs())));
        return success();
      })
      .Case<arith::CmpFOp>([&](arith::CmpFOp cmp) {
        set(cmp, b.CreateFCmp(predicate(cmp.getPredicate()), get(cmp.getLhs()), get(cmp.getRhs())));
        return success();
      })
      .Case<arith::SelectOp>([&](arith::SelectOp select) {
        set(select, b.CreateSelect(get(select.getCondition()), get(select.getTrueValue()),
                                   get(select.getFalseValue())));
        return success();
      })
      .Case<arith::ExtSIOp>([&](auto) { return cast(Instruction::SExt); })
      .Case<arith::ExtUIOp>([&](auto) { return cast(Instruction::ZExt); })
      .Case<arith::TruncIOp>([&](auto) { return cast(Instruction::Trunc); })
      .Case<arith::ExtFOp>([&](auto) { return cast(Instruction::FPExt); })
      .Case<arith::TruncFOp>([&](arith::TruncFOp t) {
        if (t.getRoundingmodeAttr())
          return fail(o);
        return cast(Instruction::FPTrunc);
      })
      .Case<arith::SIToFPOp>([&](auto) { return cast(Instruction::SIToFP); })
      .Case<arith::UIToFPOp>([&](auto) { return cast(Instruction::UIToFP); })
      .Case<arith::FPToSIOp>([&](auto) { return cast(Instruction::FPToSI); })
      .Case<arith::FPToUIOp>([&](auto) { return cast(Instruction::FPToUI); })
      .Case<arith::BitcastOp>([&](auto) { return cast(Instruction::BitCast); })
      .Case<arith::IndexCastOp>([&](auto) { return resize(/*isSigned=*/true); })
      .Case<arith::IndexCastUIOp>([&](auto) { return resize(/*isSigned=*/false); })
      .Default([&](Operation *) { return fail(o); });
}

/// libdevice's functions for the math ops MLIR's GPU to NVVM lowering calls
/// them for: float32, float64 and, where there is one, float32 under `afn`.
struct LibdeviceNames {
  StringRef f32, f64, fast;
};

std::optional<LibdeviceNames> libdeviceNames(Operation &o) {
  return llvm::TypeSwitch<Operation *, std::optional<LibdeviceNames>>(&o)
      .Case<math::AbsFOp>([](auto) {
        return LibdeviceNames{"__nv_fabsf", "__nv_fabs", ""};
      })
      .Case<math::AcosOp>([](auto) {
        return LibdeviceNames{"__nv_acosf", "__nv_acos", ""};
      })
      .Case<math::AcoshOp>([](auto) {
        return LibdeviceNames{"__nv_acoshf", "__nv_acosh", ""};
      })
      .Case<math::AsinOp>([](auto) {
        return LibdeviceNames{"__nv_asinf", "__nv_asin", ""};
      })
      .Case<math::AsinhOp>([](auto) {
        return LibdeviceNames{"__nv_asinhf", "__nv_asinh", ""};
      })
      .Case<math::AtanOp>([](auto) {
        return LibdeviceNames{"__nv_atanf", "__nv_atan", ""};
      })
      .Case<math::Atan2Op>([](auto) {
        return LibdeviceNames{"__nv_atan2f", "__nv_atan2", ""};
      })
      .Case<math::AtanhOp>([](auto) {
        return LibdeviceNames{"__nv_atanhf", "__nv_atanh", ""};
      })
      .Case<math::CbrtOp>([](auto) {
        return LibdeviceNames{"__nv_cbrtf", "__nv_cbrt", ""};
      })
      .Case<math::CeilOp>([](auto) {
        return LibdeviceNames{"__nv_ceilf", "__nv_ceil", ""};
      })
      .Case<math::CopySignOp>([](auto) {
        return LibdeviceNames{"__nv_copysignf", "__nv_copysign", ""};
      })
      .Case<math::CosOp>([](auto) {
        return LibdeviceNames{"__nv_cosf", "__nv_cos", "__nv_fast_cosf"};
      })
      .Case<math::CoshOp>([](auto) {
        return LibdeviceNames{"__nv_coshf", "__nv_cosh", ""};
      })
      .Case<math::ErfOp>([](auto) {
        return LibdeviceNames{"__nv_erff", "__nv_erf", ""};
      })
      .Case<math::ErfcOp>([](auto) {
        return LibdeviceNames{"__nv_erfcf", "__nv_erfc", ""};
      })
      .Case<math::ExpOp>([](auto) {
        return LibdeviceNames{"__nv_expf", "__nv_exp", "__nv_fast_expf"};
      })
      .Case<math::Exp2Op>([](auto) {
        return LibdeviceNames{"__nv_exp2f", "__nv_exp2", ""};
      })
      .Case<math::ExpM1Op>([](auto) {
        return LibdeviceNames{"__nv_expm1f", "__nv_expm1", ""};
      })
      .Case<math::FloorOp>([](auto) {
        return LibdeviceNames{"__nv_floorf", "__nv_floor", ""};
      })
      .Case<math::FmaOp>([](auto) {
        return LibdeviceNames{"__nv_fmaf", "__nv_fma", ""};
      })
      .Case<arith::RemFOp>([](auto) {
        return LibdeviceNames{"__nv_fmodf", "__nv_fmod", ""};
      })
      .Case<math::LogOp>([](auto) {
        return LibdeviceNames{"__nv_logf", "__nv_log", "__nv_fast_logf"};
      })
      .Case<math::Log10Op>([](auto) {
        return LibdeviceNames{"__nv_log10f", "__nv_log10", "__nv_fast_log10f"};
      })
      .Case<math::Log1pOp>([](auto) {
        return LibdeviceNames{"__nv_log1pf", "__nv_log1p", ""};
      })
      .Case<math::Log2Op>([](auto) {
        return LibdeviceNames{"__nv_log2f", "__nv_log2", "__nv_fast_log2f"};
      })
      .Case<math::PowFOp>([](auto) {
        return LibdeviceNames{"__nv_powf", "__nv_pow", "__nv_fast_powf"};
      })
      .Case<math::RoundEvenOp>([](auto) {
        return LibdeviceNames{"__nv_rintf", "__nv_rint", ""};
      })
      .Case<math::RoundOp>([](auto) {
        return LibdeviceNames{"__nv_roundf", "__nv_round", ""};
      })
      .Case<math::RsqrtOp>([](auto) {
        return LibdeviceNames{"__nv_rsqrtf", "__nv_rsqrt", ""};
      })
      .Case<math::SinOp>([](auto) {
        return LibdeviceNames{"__nv_sinf", "__nv_sin", "__nv_fast_sinf"};
      })
      .Case<math::SinhOp>([](auto) {
        return LibdeviceNames{"__nv_sinhf", "__nv_sinh", ""};
      })
      .Case<math::SqrtOp>([](auto) {
        return LibdeviceNames{"__nv_sqrtf", "__nv_sqrt", ""};
      })
      .Case<math::TanOp>([](auto) {
        return LibdeviceNames{"__nv_tanf", "__nv_tan", "__nv_fast_tanf"};
      })
      .Case<math::TanhOp>([](auto) {
        return LibdeviceNames{"__nv_tanhf", "__nv_tanh", ""};
      })
      .Default([](Operation *) { return std::nullopt; });
}

LogicalResult Translator::hostMath(Operation &o) {
  // MLIR's math-to-llvm: LLVM's intrinsics, with the op's fast-math flags
  // (convert-gpu-to-host has made calls of the C library of the ops LLVM
  // would approximate).
  if (o.getNumResults() != 1)
    return fail(o);
  llvm::IRBuilderBase::FastMathFlagGuard guard(b);
  b.setFastMathFlags(fastMath(fastMathOf(o)));
  namespace I = llvm::Intrinsic;
  auto unary = [&](I::ID id) {
    set(o.getResult(0), b.CreateUnaryIntrinsic(id, get(o.getOperand(0))));
    return success();
  };
  auto binary = [&](I::ID id) {
    set(o.getResult(0), b.CreateBinaryIntrinsic(id, get(o.getOperand(0)), get(o.getOperand(1))));
    return success();
  };
  auto one = [&] { return llvm::ConstantFP::get(type(o.getResult(0).getType()), 1.0); };
  return llvm::TypeSwitch<Operation *, LogicalResult>(&o)
      .Case<math::AbsFOp>([&](auto) { return unary(I::fabs); })
      .Case<math::CeilOp>([&](auto) { return unary(I::ceil); })
      .Case<math::FloorOp>([&](auto) { return unary(I::floor); })
      .Case<math::CosOp>([&](auto) { return unary(I::cos); })
      .Case<math::SinOp>([&](auto) { return unary(I::sin); })
      .Case<math::TanOp>([&](auto) { return unary(I::tan); })
      .Case<math::AcosOp>([&](auto) { return unary(I::acos); })
      .Case<math::AsinOp>([&](auto) { return unary(I::asin); })
      .Case<math::AtanOp>([&](auto) { return unary(I::atan); })
      .Case<math::CoshOp>([&](auto) { return unary(I::cosh); })
      .Case<math::SinhOp>([&](auto) { return unary(I::sinh); })
      .Case<math::TanhOp>([&](auto) { return unary(I::tanh); })
      .Case<math::ExpOp>([&](auto) { return unary(I::exp); })
      .Case<math::Exp2Op>([&](auto) { return unary(I::exp2); })
      .Case<math::LogOp>([&](auto) { return unary(I::log); })
      .Case<math::Log10Op>([&](auto) { return unary(I::log10); })
      .Case<math::Log2Op>([&](auto) { return unary(I::log2); })
      .Case<math::SqrtOp>([&](auto) { return unary(I::sqrt); })
      .Case<math::RoundEvenOp>([&](auto) { return unary(I::roundeven); })
      .Case<math::RoundOp>([&](auto) { return unary(I::round); })
      .Case<math::TruncOp>([&](auto) { return unary(I::trunc); })
      .Case<math::CopySignOp>([&](auto) { return binary(I::copysign); })
      .Case<math::PowFOp>([&](auto) { return binary(I::pow); })
      .Case<math::Atan2Op>([&](auto) { return binary(I::atan2); })
      .Case<math::FmaOp>([&](math::FmaOp fma) {
        llvm::Value *a = get(fma.getA());
        set(fma, b.CreateIntrinsic(I::fma, {a->getType()}, {a, get(fma.getB()), get(fma.getC())}));
        return success();
      })
      .Case<math::RsqrtOp>([&](math::RsqrtOp r) {
        set(r, b.CreateFDiv(one(), b.CreateUnaryIntrinsic(I::sqrt, get(r.getOperand()))));
        return success();
      })
      .Case<math::ExpM1Op>([&](math::ExpM1Op e) {
        set(e, b.CreateFSub(b.CreateUnaryIntrinsic(I::exp, get(e.getOperand())), one()));
        return success();
      })
      .Case<math::Log1pOp>([&](math::Log1pOp l) {
        set(l, b.CreateUnaryIntrinsic(I::log, b.CreateFAdd(one(), get(l.getOperand()))));
        return success();
      })
      .Default([&](Operation *) { return fail(o); });
}

LogicalResult Translator::math(Operation &o) {
  if (target == Target::Host)
    return hostMath(o);
  std::optional<LibdeviceNames> names = libdeviceNames(o);
  if (!names || o.getNumResults() != 1)
    return fail(o);
  auto floatType = dyn_cast<FloatType>(o.getResult(0).getType());
  if (!floatType || floatType.getWidth() > 64)
    return fail(o);
  bool narrow = floatType.getWidth() < 32;
  bool afn = bitEnumContainsAll(fastMathOf(o), arith::FastMathFlags::afn);
  StringRef name = floatType.getWidth() == 64    ? names->f64
                   : afn && !names->fast.empty() ? names->fast
                                                 : names->f32;
  llvm::Type *callType = floatType.getWidth() == 64 ? b.getDoubleTy() : b.getFloatTy();
  SmallVector<llvm::Value *> args;
  for (Value v : o.getOperands()) {
    llvm::Value *x = get(v);
    args.push_back(narrow ? b.CreateFPExt(x, callType) : x);
  }
  SmallVector<llvm::Type *> params(args.size(), callType);
  llvm::Value *r =
      b.CreateCall(libdevice(name, llvm::FunctionType::get(callType, params, false)), args);
  set(o.getResult(0), narrow ? b.CreateFPTrunc(r, type(floatType)) : r);
  return success();
}

// -- memref -----------------------------------------------------------------

llvm::Value *Translator::elementAddress(Value memref, ValueRange indices, bool inbounds) {
  auto t = cast<MemRefType>(memref.getType());
  Descriptor d = desc(memref);
  llvm::Type *element = type(t.getElementType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(t.getStridesAndOffset(strides, offset))) {
    strides.assign(t.getRank(), ShapedType::kDynamic);
    offset = ShapedType::kDynamic;
  }
  llvm::Value *base = d.aligned;
  if (offset != 0)
    base = b.CreateGEP(element, base, field(offset, d.offset));
  llvm::Value *sum = nullptr;
  for (auto [i, idx] : llvm::enumerate(indices)) {
    llvm::Value *term = get(idx);
    if (strides[i] != 1) {
      term = b.CreateMul(term, field(strides[i], d.strides[i]), "", inbounds, inbounds);
    }
    sum = sum ? b.CreateAdd(sum, term, "", inbounds, inbounds) : term;
  }
  if (!sum)
    return base;
  return inbounds ? b.CreateGEP(element, base, sum, "",
                                llvm::GEPNoWrapFlags::inBounds() |
                                    llvm::GEPNoWrapFlags::noUnsignedWrap())
                  : b.CreateGEP(element, base, sum);
}

LogicalResult Translator::memref(Operation &o, bool &handled) {
  handled = isa<memref::MemRefDialect>(o.getDialect());
  if (!handled)
    return success();
  auto staticDescriptor = [&](MemRefType t, llvm::Value *allocated, llvm::Value *aligned,
                              ArrayRef<llvm::Value *> dynamicSizes) {
    Descriptor d;
    d.allocated = allocated;
    d.aligned = aligned;
    d.offset = index(0);
    unsigned next = 0;
    for (int64_t dim : t.getShape())
      d.sizes.push_back(ShapedType::isDynamic(dim) ? dynamicSizes[next++] : index(dim));
    // Row-major strides, from the sizes.
    d.strides.resize(t.getRank());
    llvm::Value *stride = index(1);
    for (int64_t i = t.getRank() - 1; i >= 0; --i) {
      d.strides[i] = stride;
      if (i > 0)
        stride = b.CreateMul(stride, d.sizes[i]);
    }
    return d;
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(&o)
      .Case<memref::LoadOp>([&](memref::LoadOp load) {
        llvm::Value *address = elementAddress(load.getMemref(), load.getIndices(), true);
        llvm::Type *t = type(load.getType());
        llvm::LoadInst *inst = b.CreateLoad(t, address);
        if (auto align = load.getAlignment())
          inst->setAlignment(llvm::Align(*align));
        if (load.getNontemporal())
          markNontemporal(inst);
        set(load, inst);
        return success();
      })
      .Case<memref::StoreOp>([&](memref::StoreOp store) {
        llvm::Value *address = elementAddress(store.getMemref(), store.getIndices(), true);
        llvm::StoreInst *inst = b.CreateStore(get(store.getValue()), address);
        if (auto align = store.getAlignment())
          inst->setAlignment(llvm::Align(*align));
        if (store.getNontemporal())
          markNontemporal(inst);
        return success();
      })
      .Case<memref::DimOp>([&](memref::DimOp dim) {
        std::optional<int64_t> i = dim.getConstantIndex();
        if (!i)
          return fail(o);
        set(dim, desc(dim.getSource()).sizes[*i]);
        return success();
      })
      .Case<memref::AllocaOp>([&](memref::AllocaOp alloca) {
        MemRefType t = alloca.getType();
        if (!t.getLayout().isIdentity())
          return fail(o);
        llvm::Value *count = index(1);
        unsigned next = 0;
        SmallVector<llvm::Value *> dynamicSizes;
        for (int64_t dim : t.getShape()) {
          llvm::Value *size =
              ShapedType::isDynamic(dim) ? get(alloca.getDynamicSizes()[next++]) : index(dim);
          if (ShapedType::isDynamic(dim))
            dynamicSizes.push_back(size);
          count = b.CreateMul(count, size);
        }
        llvm::AllocaInst *inst = b.CreateAlloca(type(t.getElementType()), addressSpace(t), count);
        if (auto align = alloca.getAlignment())
          inst->setAlignment(llvm::Align(*align));
        memrefs[alloca] = staticDescriptor(t, inst, inst, dynamicSizes);
        return success();
      })
      .Case<memref::GetGlobalOp>([&](memref::GetGlobalOp get) {
        llvm::GlobalVariable *g = globals.lookup(get.getName());
        if (!g)
          return fail(o);
        MemRefType t = get.getType();
        auto *p = pointer(t);
        llvm::Value *allocated = llvm::ConstantExpr::getIntToPtr(b.getInt64(kDeadBeef), p);
        SmallVector<llvm::Value *> zeros(t.getRank() + 1, index(0));
        llvm::Value *aligned = b.CreateGEP(g->getValueType(), g, zeros);
        memrefs[get] = staticDescriptor(t, allocated, aligned, {});
        return success();
      })
      .Case<memref::CastOp>([&](memref::CastOp c) -> LogicalResult {
        // Between ranked memrefs the descriptor is the same (MLIR's lowering).
        if (!isa<MemRefType>(c.getType()))
          return fail(o);
        memrefs[c] = memrefs[c.getSource()];
        return success();
      })
      .Case<memref::MemorySpaceCastOp>([&](memref::MemorySpaceCastOp spaceCast) {
        Descriptor d = desc(spaceCast.getSource());
        auto *p = pointer(cast<MemRefType>(spaceCast.getType()));
        d.allocated = b.CreateAddrSpaceCast(d.allocated, p);
        d.aligned = b.CreateAddrSpaceCast(d.aligned, p);
        memrefs[spaceCast] = std::move(d);
        return success();
      })
      .Case<memref::ExtractAlignedPointerAsIndexOp>(
          [&](memref::ExtractAlignedPointerAsIndexOp extract) {
            set(extract, b.CreatePtrToInt(desc(extract.getSource()).aligned, i64()));
            return success();
          })
      .Case<memref::ExtractStridedMetadataOp>([&](memref::ExtractStridedMetadataOp extract) {
        Descriptor source = desc(extract.getSource());
        auto t = cast<MemRefType>(extract.getSource().getType());
        SmallVector<int64_t> strides;
        int64_t offset;
        if (failed(t.getStridesAndOffset(strides, offset)))
          return fail(o);
        Descriptor base;
        base.allocated = source.allocated;
        base.aligned = source.aligned;
        base.offset = index(0);
        memrefs[extract.getBaseBuffer()] = std::move(base);
        set(extract.getOffset(), field(offset, source.offset));
        for (auto [i, size] : llvm::enumerate(extract.getSizes()))
          set(size, field(t.getDimSize(i), source.sizes[i]));
        for (auto [i, stride] : llvm::enumerate(extract.getStrides()))
          set(stride, field(strides[i], source.strides[i]));
        return success();
      })
      .Case<memref::ReinterpretCastOp>([&](memref::ReinterpretCastOp reinterpret) {
        Descriptor source = desc(reinterpret.getSource());
        Descriptor d;
        d.allocated = source.allocated;
        d.aligned = source.aligned;
        auto value = [&](OpFoldResult r) -> llvm::Value * {
          if (auto attr = dyn_cast<Attribute>(r))
            return index(cast_if_present<IntegerAttr>(attr).getInt());
          return get(cast_if_present<Value>(r));
        };
        d.offset = value(reinterpret.getMixedOffsets().front());
        for (OpFoldResult s : reinterpret.getMixedSizes())
          d.sizes.push_back(value(s));
        for (OpFoldResult s : reinterpret.getMixedStrides())
          d.strides.push_back(value(s));
        memrefs[reinterpret] = std::move(d);
        return success();
      })
      .Case<memref::ViewOp>([&](memref::ViewOp view) {
        Descriptor source = desc(view.getSource());
        MemRefType t = view.getType();
        if (!t.getLayout().isIdentity())
          return fail(o);
        llvm::Value *aligned = b.CreateGEP(b.getInt8Ty(), source.aligned, get(view.getByteShift()));
        SmallVector<llvm::Value *> sizes = operands(view.getSizes());
        memrefs[view] = staticDescriptor(t, source.allocated, aligned, sizes);
        return success();
      })
      .Case<memref::AtomicRMWOp>([&](memref::AtomicRMWOp atomic) {
        std::optional<llvm::AtomicRMWInst::BinOp> kind;
        using K = arith::AtomicRMWKind;
        switch (atomic.getKind()) {
        case K::addf:
          kind = llvm::AtomicRMWInst::FAdd;
          break;
        case K::addi:
          kind = llvm::AtomicRMWInst::Add;
          break;
        case K::assign:
          kind = llvm::AtomicRMWInst::Xchg;
          break;
        case K::maximumf:
          kind = llvm::AtomicRMWInst::FMaximum;
          break;
        case K::maxnumf:
          kind = llvm::AtomicRMWInst::FMax;
          break;
        case K::maxs:
          kind = llvm::AtomicRMWInst::Max;
          break;
        case K::maxu:
          kind = llvm::AtomicRMWInst::UMax;
          break;
        case K::minimumf:
          kind = llvm::AtomicRMWInst::FMinimum;
          break;
        case K::minnumf:
          kind = llvm::AtomicRMWInst::FMin;
          break;
        case K::mins:
          kind = llvm::AtomicRMWInst::Min;
          break;
        case K::minu:
          kind = llvm::AtomicRMWInst::UMin;
          break;
        case K::ori:
          kind = llvm::AtomicRMWInst::Or;
          break;
        case K::andi:
          kind = llvm::AtomicRMWInst::And;
          break;
        case K::xori:
          kind = llvm::AtomicRMWInst::Xor;
          break;
        default:
          break;
        }
        if (!kind)
          return fail(o);
        llvm::Value *address = elementAddress(atomic.getMemref(), atomic.getIndices(), false);
        set(atomic, b.CreateAtomicRMW(*kind, address, get(atomic.getValue()), llvm::MaybeAlign(),
                                      llvm::AtomicOrdering::AcquireRelease));
        return success();
      })
      .Case<memref::GenericAtomicRMWOp>(
          [&](memref::GenericAtomicRMWOp atomic) { return genericAtomic(atomic); })
      .Default([&](Operation *) { return fail(o); });
}

LogicalResult Translator::genericAtomic(memref::GenericAtomicRMWOp atomic) {
  // MLIR's lowering: load, then a loop of the body and a compare-and-swap
  // until the swap succeeds.
  llvm::Value *address = elementAddress(atomic.getMemref(), atomic.getIndices(), false);
  llvm::Type *t = type(atomic.getResult().getType());
  llvm::Value *init = b.CreateLoad(t, address);
  llvm::Function *fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock *entry = b.GetInsertBlock();
  llvm::BasicBlock *loop = llvm::BasicBlock::Create(ctx, "", fn);
  llvm::BasicBlock *end = llvm::BasicBlock::Create(ctx, "", fn);
  // Keep the blocks after the current one, in order.
  loop->moveAfter(entry);
  end->moveAfter(loop);
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  llvm::PHINode *current = b.CreatePHI(t, 2);
  Block &bodyBlock = atomic.getAtomicBody().front();
  set(bodyBlock.getArgument(0), current);
  for (Operation &o : bodyBlock.without_terminator())
    if (failed(op(o)))
      return failure();
  auto yield = cast<memref::AtomicYieldOp>(bodyBlock.getTerminator());
  llvm::Value *swap =
      b.CreateAtomicCmpXchg(address, current, get(yield.getResult()), llvm::MaybeAlign(),
                            llvm::AtomicOrdering::AcquireRelease, llvm::AtomicOrdering::Monotonic);
  llvm::Value *loaded = b.CreateExtractValue(swap, {0});
  llvm::Value *ok = b.CreateExtractValue(swap, {1});
  b.CreateCondBr(ok, end, loop);
  // The loop's own edge first, as MLIR's translation orders the phi.
  current->addIncoming(loaded, b.GetInsertBlock());
  current->addIncoming(init, entry);
  b.SetInsertPoint(end);
  set(atomic.getResult(), loaded);
  return success();
}

// -- gpu and nvvm -----------------------------------------------------------

llvm::Value *Translator::specialRegister(llvm::Intrinsic::ID id, IndexKind kind,
                                         std::optional<uint64_t> upperBound) {
  llvm::CallInst *call = b.CreateCall(intrinsic(id));
  if (upperBound) {
    int64_t bound = int64_t(*upperBound);
    int64_t lo = kind == IndexKind::Dim ? 1 : 0;
    int64_t hi = bound == std::numeric_limits<int32_t>::max() ? bound
                 : kind == IndexKind::Id                      ? bound
                                                              : bound + 1;
    call->addRetAttr(llvm::Attribute::get(
        ctx, llvm::Attribute::Range,
        llvm::ConstantRange(llvm::APInt(32, lo), llvm::APInt(32, hi, /*isSigned=*/true))));
  }
  return b.CreateSExt(call, i64());
}

/// NVVM's shfl.sync intrinsic for `kind` on a float32 or 32-bit integer
/// value, with the valid bit where `withValid`.
llvm::Intrinsic::ID shuffleIntrinsic(llvm::Type *value, NVVM::ShflKind kind, bool withValid) {
  namespace I = llvm::Intrinsic;
  bool f = value->isFloatTy();
  switch (kind) {
  case NVVM::ShflKind::bfly:
    return f ? (withValid ? I::nvvm_shfl_sync_bfly_f32p : I::nvvm_shfl_sync_bfly_f32)
             : (withValid ? I::nvvm_shfl_sync_bfly_i32p : I::nvvm_shfl_sync_bfly_i32);
  case NVVM::ShflKind::up:
    return f ? (withValid ? I::nvvm_shfl_sync_up_f32p : I::nvvm_shfl_sync_up_f32)
             : (withValid ? I::nvvm_shfl_sync_up_i32p : I::nvvm_shfl_sync_up_i32);
  case NVVM::ShflKind::down:
    return f ? (withValid ? I::nvvm_shfl_sync_down_f32p : I::nvvm_shfl_sync_down_f32)
             : (withValid ? I::nvvm_shfl_sync_down_i32p : I::nvvm_shfl_sync_down_i32);
  case NVVM::ShflKind::idx:
    return f ? (withValid ? I::nvvm_shfl_sync_idx_f32p : I::nvvm_shfl_sync_idx_f32)
             : (withValid ? I::nvvm_shfl_sync_idx_i32p : I::nvvm_shfl_sync_idx_i32);
  }
  llvm_unreachable("a shuffle kind");
}

LogicalResult Translator::gpu(Operation &o, bool &handled) {
  handled = isa<gpu::GPUDialect, NVVM::NVVMDialect>(o.getDialect());
  if (!handled)
    return success();
  namespace I = llvm::Intrinsic;
  auto bound = [](auto op) -> std::optional<uint64_t> {
    if (auto ub = op.getUpperBound())
      return ub->getZExtValue();
    return std::nullopt;
  };
  auto pick = [](gpu::Dimension d, I::ID x, I::ID y, I::ID z) {
    return d == gpu::Dimension::x ? x : d == gpu::Dimension::y ? y : z;
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(&o)
      .Case<gpu::ThreadIdOp>([&](gpu::ThreadIdOp id) {
        set(id, specialRegister(pick(id.getDimension(), I::nvvm_read_ptx_sreg_tid_x,
                                     I::nvvm_read_ptx_sreg_tid_y, I::nvvm_read_ptx_sreg_tid_z),
                                IndexKind::Id, bound(id)));
        return success();
      })
      .Case<gpu::BlockIdOp>([&](gpu::BlockIdOp id) {
        set(id, specialRegister(pick(id.getDimension(), I::nvvm_read_ptx_sreg_ctaid_x,
                                     I::nvvm_read_ptx_sreg_ctaid_y, I::nvvm_read_ptx_sreg_ctaid_z),
                                IndexKind::Id, bound(id)));
        return success();
      })
      .Case<gpu::BlockDimOp>([&](gpu::BlockDimOp dim) {
        set(dim, specialRegister(pick(dim.getDimension(), I::nvvm_read_ptx_sreg_ntid_x,
                                      I::nvvm_read_ptx_sreg_ntid_y, I::nvvm_read_ptx_sreg_ntid_z),
                                 IndexKind::Dim, bound(dim)));
        return success();
      })
      .Case<gpu::GridDimOp>([&](gpu::GridDimOp dim) {
        set(dim,
            specialRegister(pick(dim.getDimension(), I::nvvm_read_ptx_sreg_nctaid_x,
                                 I::nvvm_read_ptx_sreg_nctaid_y, I::nvvm_read_ptx_sreg_nctaid_z),
                            IndexKind::Dim, bound(dim)));
        return success();
      })
      .Case<gpu::LaneIdOp>([&](gpu::LaneIdOp lane) {
        set(lane, specialRegister(I::nvvm_read_ptx_sreg_laneid, IndexKind::Id, std::nullopt));
        return success();
      })
      .Case<gpu::BarrierOp>([&](auto) {
        b.CreateCall(intrinsic(I::nvvm_barrier_cta_sync_aligned_all), {b.getInt32(0)});
        return success();
      })
      .Case<gpu::ReturnOp>([&](auto) {
        b.CreateRetVoid();
        return success();
      })
      .Case<gpu::PrintfOp>([&](gpu::PrintfOp p) { return printf(p); })
      .Case<gpu::ShuffleOp>([&](gpu::ShuffleOp shuffle) -> LogicalResult {
        llvm::Value *width = get(shuffle.getWidth());
        llvm::Value *inactive = b.CreateSub(b.getInt32(32), width);
        llvm::Value *mask = b.CreateLShr(b.getInt32(-1), inactive);
        llvm::Value *clamp = shuffle.getMode() == gpu::ShuffleMode::UP
                                 ? inactive
                                 : b.CreateSub(width, b.getInt32(1));
        NVVM::ShflKind kind = NVVM::ShflKind::idx;
        switch (shuffle.getMode()) {
        case gpu::ShuffleMode::XOR:
          kind = NVVM::ShflKind::bfly;
          break;
        case gpu::ShuffleMode::UP:
          kind = NVVM::ShflKind::up;
          break;
        case gpu::ShuffleMode::DOWN:
          kind = NVVM::ShflKind::down;
          break;
        case gpu::ShuffleMode::IDX:
          kind = NVVM::ShflKind::idx;
          break;
        }
        bool withValid = !shuffle.getValid().use_empty();
        llvm::Value *value = get(shuffle.getValue());
        if (!value->getType()->isIntegerTy(32) && !value->getType()->isFloatTy())
          return shuffle.emitError("cuft translates gpu.shuffle of i32 and f32 only");
        llvm::Intrinsic::ID id = shuffleIntrinsic(value->getType(), kind, withValid);
        llvm::Value *r =
            b.CreateCall(intrinsic(id), {mask, value, get(shuffle.getOffset()), clamp});
        if (withValid) {
          set(shuffle.getShuffleResult(), b.CreateExtractValue(r, {0}));
          set(shuffle.getValid(), b.CreateExtractValue(r, {1}));
        } else {
          set(shuffle.getShuffleResult(), r);
        }
        return success();
      })
      .Case<NVVM::ShflOp>([&](NVVM::ShflOp shfl) {
        llvm::Value *value = get(shfl.getVal());
        llvm::Intrinsic::ID id = shuffleIntrinsic(value->getType(), shfl.getKind(),
                                                  bool(shfl.getReturnValueAndIsValid()));
        set(shfl.getRes(),
            b.CreateCall(intrinsic(id), {get(shfl.getThreadMask()), value, get(shfl.getOffset()),
                                         get(shfl.getMaskAndClamp())}));
        return success();
      })
      .Case<NVVM::VoteSyncOp>([&](NVVM::VoteSyncOp vote) {
        I::ID id = I::nvvm_vote_ballot_sync;
        switch (vote.getKind()) {
        case NVVM::VoteSyncKind::any:
          id = I::nvvm_vote_any_sync;
          break;
        case NVVM::VoteSyncKind::all:
          id = I::nvvm_vote_all_sync;
          break;
        case NVVM::VoteSyncKind::uni:
          id = I::nvvm_vote_uni_sync;
          break;
        case NVVM::VoteSyncKind::ballot:
          id = I::nvvm_vote_ballot_sync;
          break;
        }
        set(vote.getRes(), b.CreateCall(intrinsic(id), {get(vote.getMask()), get(vote.getPred())}));
        return success();
      })
      .Case<NVVM::MatchSyncOp>([&](NVVM::MatchSyncOp match) {
        llvm::Value *v = get(match.getVal());
        bool wide = v->getType()->isIntegerTy(64);
        I::ID id = match.getKind() == NVVM::MatchSyncKind::any
                       ? (wide ? I::nvvm_match_any_sync_i64 : I::nvvm_match_any_sync_i32)
                       : (wide ? I::nvvm_match_all_sync_i64p : I::nvvm_match_all_sync_i32p);
        set(match.getRes(), b.CreateCall(intrinsic(id), {get(match.getThreadMask()), v}));
        return success();
      })
      .Case<NVVM::SyncWarpOp>([&](NVVM::SyncWarpOp sync) {
        b.CreateCall(intrinsic(I::nvvm_bar_warp_sync), {get(sync.getMask())});
        return success();
      })
      .Default([&](Operation *) { return fail(o); });
}

LogicalResult Translator::printf(gpu::PrintfOp p) {
  // MLIR's vprintf lowering: the format a private constant, the arguments
  // (float32 as double) stored to a struct on the stack.
  std::string text = p.getFormat().str();
  text.push_back('\0');
  // First among the globals, as MLIR's lowering puts it.
  auto *format = new llvm::GlobalVariable(llvm::ArrayType::get(b.getInt8Ty(), text.size()),
                                          /*isConstant=*/true, llvm::GlobalValue::InternalLinkage,
                                          llvm::ConstantDataArray::getString(ctx, text, false),
                                          "printfFormat_" + std::to_string(formats++));
  module->insertGlobalVariable(module->global_begin(), format);
  llvm::Value *formatPtr =
      b.CreateGEP(format->getValueType(), format, {b.getInt64(0), b.getInt64(0)});
  llvm::Type *ptr = b.getPtrTy();
  llvm::Function *vprintf =
      libdevice("vprintf", llvm::FunctionType::get(b.getInt32Ty(), {ptr, ptr}, false));
  SmallVector<llvm::Value *> args;
  SmallVector<llvm::Type *> fields;
  for (Value v : p.getArgs()) {
    llvm::Value *x = get(v);
    if (x->getType()->isFloatTy())
      x = b.CreateFPExt(x, b.getDoubleTy());
    args.push_back(x);
    fields.push_back(x->getType());
  }
  llvm::Value *buffer = llvm::ConstantPointerNull::get(b.getPtrTy());
  if (!args.empty()) {
    auto *structType = llvm::StructType::get(ctx, fields);
    buffer = b.CreateAlloca(structType, 0u, b.getInt64(1));
    for (auto [i, x] : llvm::enumerate(args))
      b.CreateStore(x, b.CreateGEP(structType, buffer, {b.getInt32(0), b.getInt32(unsigned(i))}));
  }
  b.CreateCall(vprintf, {formatPtr, buffer});
  return success();
}

// -- llvm -------------------------------------------------------------------

LogicalResult Translator::llvmOp(Operation &o, bool &handled) {
  handled = isa<LLVM::LLVMDialect>(o.getDialect());
  if (!handled)
    return success();
  auto castTo = [&](llvm::Instruction::CastOps opcode) {
    set(o.getResult(0), b.CreateCast(opcode, get(o.getOperand(0)), type(o.getResult(0).getType())));
    return success();
  };
  auto syncScope = [&](std::optional<StringRef> scope) {
    return scope ? ctx.getOrInsertSyncScopeID(*scope)
                 : llvm::SyncScope::ID(llvm::SyncScope::System);
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(&o)
      .Case<LLVM::ConstantOp>([&](LLVM::ConstantOp c) {
        llvm::Constant *v = constant(c.getValue(), c.getType(), c.getLoc());
        if (!v)
          return failure();
        set(c, v);
        return success();
      })
      .Case<LLVM::UndefOp>([&](LLVM::UndefOp u) {
        set(u, llvm::UndefValue::get(type(u.getType())));
        return success();
      })
      .Case<LLVM::PoisonOp>([&](LLVM::PoisonOp u) {
        set(u, llvm::PoisonValue::get(type(u.getType())));
        return success();
      })
      .Case<LLVM::ZeroOp>([&](LLVM::ZeroOp z) {
        set(z, llvm::Constant::getNullValue(type(z.getType())));
        return success();
      })
      .Case<LLVM::AddressOfOp>([&](LLVM::AddressOfOp a) -> LogicalResult {
        if (llvm::GlobalVariable *g = globals.lookup(a.getGlobalName())) {
          set(a, g);
          return success();
        }
        if (llvm::Function *f = functions.lookup(a.getGlobalName())) {
          set(a, f);
          return success();
        }
        return fail(o);
      })
      .Case<LLVM::CallOp>([&](LLVM::CallOp call) -> LogicalResult {
        std::optional<StringRef> calleeName = call.getCallee();
        if (!calleeName || !call.getOpBundleOperands().empty())
          return fail(o);
        llvm::Function *callee = functions.lookup(*calleeName);
        if (!callee)
          return fail(o);
        llvm::CallInst *inst = b.CreateCall(callee, operands(call.getArgOperands()));
        if (call.getNumResults() == 1)
          set(call.getResult(), inst);
        return success();
      })
      .Case<LLVM::CallIntrinsicOp>([&](LLVM::CallIntrinsicOp call) -> LogicalResult {
        if (!call.getOpBundleOperands().empty())
          return fail(o);
        llvm::Intrinsic::ID id = llvm::Intrinsic::lookupIntrinsicID(call.getIntrin());
        if (id == llvm::Intrinsic::not_intrinsic)
          return call.emitError("no LLVM intrinsic named ") << call.getIntrin();
        SmallVector<llvm::Value *> args = operands(call.getArgs());
        SmallVector<llvm::Type *> argTypes;
        for (llvm::Value *a : args)
          argTypes.push_back(a->getType());
        llvm::Type *result =
            call.getNumResults() ? type(call.getResult(0).getType()) : b.getVoidTy();
        llvm::Function *fn =
            llvm::Intrinsic::getOrInsertDeclaration(module.get(), id, result, argTypes);
        llvm::CallInst *inst = b.CreateCall(fn, args);
        if (isa<llvm::FPMathOperator>(inst))
          inst->setFastMathFlags(fastMath(call.getFastmathFlags()));
        if (call.getNumResults())
          set(call.getResult(0), inst);
        return success();
      })
      .Case<LLVM::InlineAsmOp>([&](LLVM::InlineAsmOp asmOp) -> LogicalResult {
        if (asmOp.getOperandAttrs() && !asmOp.getOperandAttrs()->empty())
          return fail(o);
        SmallVector<llvm::Value *> args = operands(asmOp.getOperands());
        SmallVector<llvm::Type *> argTypes;
        for (llvm::Value *a : args)
          argTypes.push_back(a->getType());
        llvm::Type *result =
            asmOp.getNumResults() ? type(asmOp.getResult(0).getType()) : b.getVoidTy();
        auto *fnType = llvm::FunctionType::get(result, argTypes, false);
        llvm::InlineAsm::AsmDialect dialect =
            asmOp.getAsmDialect() && *asmOp.getAsmDialect() == LLVM::AsmDialect::AD_Intel
                ? llvm::InlineAsm::AD_Intel
                : llvm::InlineAsm::AD_ATT;
        llvm::InlineAsm *inline_ =
            llvm::InlineAsm::get(fnType, asmOp.getAsmString(), asmOp.getConstraints(),
                                 asmOp.getHasSideEffects(), asmOp.getIsAlignStack(), dialect);
        llvm::CallInst *inst = b.CreateCall(fnType, inline_, args);
        if (asmOp.getNumResults())
          set(asmOp.getResult(0), inst);
        return success();
      })
      .Case<LLVM::LoadOp>([&](LLVM::LoadOp load) -> LogicalResult {
        llvm::LoadInst *inst =
            b.CreateLoad(type(load.getType()), get(load.getAddr()), load.getVolatile_());
        if (load.getInvariant())
          inst->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(ctx, {}));
        set(load, inst);
        return access(load, inst);
      })
      .Case<LLVM::StoreOp>([&](LLVM::StoreOp store) -> LogicalResult {
        llvm::StoreInst *inst =
            b.CreateStore(get(store.getValue()), get(store.getAddr()), store.getVolatile_());
        return access(store, inst);
      })
      .Case<LLVM::GEPOp>([&](LLVM::GEPOp gep) -> LogicalResult {
        SmallVector<llvm::Value *> indices;
        for (auto index : gep.getIndices()) {
          if (auto v = dyn_cast<Value>(index))
            indices.push_back(get(v));
          else
            indices.push_back(b.getInt32(uint32_t(cast<IntegerAttr>(index).getInt())));
        }
        llvm::GEPNoWrapFlags flags = llvm::GEPNoWrapFlags::none();
        LLVM::GEPNoWrapFlags f = gep.getNoWrapFlags();
        if (bitEnumContainsAll(f, LLVM::GEPNoWrapFlags::inbounds))
          flags |= llvm::GEPNoWrapFlags::inBounds();
        if (bitEnumContainsAll(f, LLVM::GEPNoWrapFlags::nusw))
          flags |= llvm::GEPNoWrapFlags::noUnsignedSignedWrap();
        if (bitEnumContainsAll(f, LLVM::GEPNoWrapFlags::nuw))
          flags |= llvm::GEPNoWrapFlags::noUnsignedWrap();
        set(gep, b.CreateGEP(type(gep.getElemType()), get(gep.getBase()), indices, "", flags));
        return success();
      })
      .Case<LLVM::AllocaOp>([&](LLVM::AllocaOp alloca) -> LogicalResult {
        auto ptrType = cast<LLVM::LLVMPointerType>(alloca.getType());
        llvm::AllocaInst *inst = b.CreateAlloca(
            type(alloca.getElemType()), ptrType.getAddressSpace(), get(alloca.getArraySize()));
        if (auto align = alloca.getAlignment(); align && *align)
          inst->setAlignment(llvm::Align(*align));
        set(alloca, inst);
        return success();
      })
      .Case<LLVM::AddrSpaceCastOp>([&](auto) { return castTo(llvm::Instruction::AddrSpaceCast); })
      .Case<LLVM::FPExtOp>([&](auto) { return castTo(llvm::Instruction::FPExt); })
      .Case<LLVM::IntToPtrOp>([&](auto) { return castTo(llvm::Instruction::IntToPtr); })
      .Case<LLVM::PtrToIntOp>([&](auto) { return castTo(llvm::Instruction::PtrToInt); })
      .Case<LLVM::SelectOp>([&](LLVM::SelectOp s) {
        set(s,
            b.CreateSelect(get(s.getCondition()), get(s.getTrueValue()), get(s.getFalseValue())));
        return success();
      })
      .Case<LLVM::ExtractValueOp>([&](LLVM::ExtractValueOp e) {
        SmallVector<unsigned> position(e.getPosition().begin(), e.getPosition().end());
        set(e, b.CreateExtractValue(get(e.getContainer()), position));
        return success();
      })
      .Case<LLVM::InsertValueOp>([&](LLVM::InsertValueOp e) {
        SmallVector<unsigned> position(e.getPosition().begin(), e.getPosition().end());
        set(e, b.CreateInsertValue(get(e.getContainer()), get(e.getValue()), position));
        return success();
      })
      .Case<LLVM::AtomicCmpXchgOp>([&](LLVM::AtomicCmpXchgOp x) -> LogicalResult {
        llvm::MaybeAlign align;
        if (auto a = x.getAlignment(); a && *a)
          align = llvm::Align(*a);
        llvm::AtomicCmpXchgInst *inst =
            b.CreateAtomicCmpXchg(get(x.getPtr()), get(x.getCmp()), get(x.getVal()), align,
                                  ordering(x.getSuccessOrdering()),
                                  ordering(x.getFailureOrdering()), syncScope(x.getSyncscope()));
        inst->setWeak(x.getWeak());
        inst->setVolatile(x.getVolatile_());
        set(x, inst);
        return success();
      })
      .Case<LLVM::FenceOp>([&](LLVM::FenceOp f) {
        b.CreateFence(ordering(f.getOrdering()), syncScope(f.getSyncscope()));
        return success();
      })
      .Case<LLVM::ReturnOp>([&](LLVM::ReturnOp ret) {
        if (ret.getNumOperands())
          b.CreateRet(get(ret.getOperand(0)));
        else
          b.CreateRetVoid();
        return success();
      })
      .Case<LLVM::UnreachableOp>([&](auto) {
        b.CreateUnreachable();
        return success();
      })
      .Case<LLVM::AssumeOp>([&](LLVM::AssumeOp a) -> LogicalResult {
        if (!a.getOpBundleOperands().empty())
          return fail(o);
        b.CreateAssumption(get(a.getCond()));
        return success();
      })
      .Case<LLVM::AbsOp>([&](LLVM::AbsOp a) {
        set(a, b.CreateBinaryIntrinsic(llvm::Intrinsic::abs, get(a.getIn()),
                                       b.getInt1(a.getIsIntMinPoison())));
        return success();
      })
      .Case<LLVM::CountLeadingZerosOp>([&](LLVM::CountLeadingZerosOp c) {
        set(c, b.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, get(c.getIn()),
                                       b.getInt1(c.getIsZeroPoison())));
        return success();
      })
      .Case<LLVM::CountTrailingZerosOp>([&](LLVM::CountTrailingZerosOp c) {
        set(c, b.CreateBinaryIntrinsic(llvm::Intrinsic::cttz, get(c.getIn()),
                                       b.getInt1(c.getIsZeroPoison())));
        return success();
      })
      .Case<LLVM::CtPopOp>([&](LLVM::CtPopOp c) {
        set(c, b.CreateUnaryIntrinsic(llvm::Intrinsic::ctpop, get(c.getIn())));
        return success();
      })
      .Case<LLVM::BitReverseOp>([&](LLVM::BitReverseOp c) {
        set(c, b.CreateUnaryIntrinsic(llvm::Intrinsic::bitreverse, get(c.getIn())));
        return success();
      })
      .Default([&](Operation *) { return fail(o); });
}

} // namespace

std::unique_ptr<llvm::Module> cuft::translateToNVVMIR(gpu::GPUModuleOp gpuModule,
                                                      llvm::LLVMContext &context, bool lineInfo) {
  return Translator(gpuModule, Target::NVPTX, context, lineInfo).run();
}

std::unique_ptr<llvm::Module> cuft::translateToHostIR(ModuleOp module, llvm::LLVMContext &context) {
  return Translator(module, Target::Host, context, /*lineInfo=*/true).run();
}
