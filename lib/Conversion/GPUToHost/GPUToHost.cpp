//===- GPUToHost.cpp - convert-gpu-to-host --------------------------------===//
//
// The host target runs the kernels that convert-cuft-to-gpu produced on the
// CPU. What a GPU provides implicitly (thread indices, per-block shared memory,
// the block barrier) becomes explicit: two trailing arguments on every function
// and a runtime call. See docs/HostTarget.md for the execution model.
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Conversion/GPUToHost/GPUToHost.h"
#include "cuft/Conversion/Passes.h"
#include "cuft/Dialect/Cuft/IR/CuftTypes.h"
#include "cuft/Runtime/LaunchShape.h"

#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/xxhash.h"

namespace cuft {
#define GEN_PASS_DEF_CONVERTGPUTOHOST
#include "cuft/Conversion/Passes.h.inc"
} // namespace cuft

using namespace mlir;
using namespace cuft;

namespace {

/// `memref<...>` without its memory space: on the host all memory is one space
/// (and so a memref's descriptor built by hand, as a complex array's parts
/// view: LLVM pointers of address space 0).
Type stripMemorySpace(Type t) {
  if (auto m = dyn_cast<MemRefType>(t); m && m.getMemorySpace())
    return MemRefType::get(m.getShape(), m.getElementType(), m.getLayout(), Attribute());
  if (auto p = dyn_cast<LLVM::LLVMPointerType>(t); p && p.getAddressSpace())
    return LLVM::LLVMPointerType::get(t.getContext());
  if (auto s = dyn_cast<LLVM::LLVMStructType>(t); s && !s.isIdentified()) {
    SmallVector<Type> body;
    for (Type f : s.getBody())
      body.push_back(stripMemorySpace(f));
    return LLVM::LLVMStructType::getLiteral(t.getContext(), body, s.isPacked());
  }
  return t;
}

void stripMemorySpaces(func::FuncOp fn) {
  fn.walk([](Operation *op) {
    for (Value v : op->getResults())
      v.setType(stripMemorySpace(v.getType()));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument a : block.getArguments())
          a.setType(stripMemorySpace(a.getType()));
  });
  SmallVector<Type> inputs, results;
  for (Type t : fn.getArgumentTypes())
    inputs.push_back(stripMemorySpace(t));
  for (Type t : fn.getResultTypes())
    results.push_back(stripMemorySpace(t));
  fn.setFunctionType(FunctionType::get(fn.getContext(), inputs, results));
}

/// Byte offsets of the shared-memory globals in the block's shared buffer.
struct SharedLayout {
  llvm::StringMap<int64_t> offsets;
  int64_t bytes = 0;
};

/// convert-cuft-to-gpu puts shared arrays in NVPTX's address space 3.
bool isWorkgroupSpace(Attribute space) {
  if (auto gpuSpace = dyn_cast_or_null<gpu::AddressSpaceAttr>(space))
    return gpuSpace.getValue() == gpu::AddressSpace::Workgroup;
  if (auto number = dyn_cast_or_null<IntegerAttr>(space))
    return number.getInt() == 3;
  return false;
}

/// Takes a gpu.module's workgroup-memory globals out, laying them out in one buffer.
SharedLayout layOutShared(gpu::GPUModuleOp gpuModule) {
  SharedLayout layout;
  std::optional<uint64_t> dynamicAlignment;
  for (auto global : llvm::make_early_inc_range(gpuModule.getOps<memref::GlobalOp>())) {
    if (!isWorkgroupSpace(global.getType().getMemorySpace()))
      continue;
    if (global.getSymName() == kDynamicSharedGlobal) { // after the static arrays
      dynamicAlignment = global.getAlignment().value_or(1);
      global.erase();
      continue;
    }
    MemRefType type = global.getType();
    int64_t elementBytes = scalarBytes(type.getElementType());
    int64_t offset = llvm::alignTo(layout.bytes, global.getAlignment().value_or(1));
    layout.offsets[global.getSymName()] = offset;
    layout.bytes = offset + type.getNumElements() * elementBytes;
    global.erase();
  }
  // The launch's dynamic shared memory follows, aligned as its global asks.
  // A kernel that uses it needs shared memory up to there (memoryOf), which
  // is where the runtime puts it (dynamicSharedOffset).
  if (dynamicAlignment)
    layout.offsets[kDynamicSharedGlobal] = llvm::alignTo(layout.bytes, *dynamicAlignment);
  return layout;
}

/// A func.func with the body of gpu.func `kernel` (its arguments unchanged).
func::FuncOp funcFromGpuFunc(OpBuilder &b, gpu::GPUFuncOp kernel) {
  auto fn = func::FuncOp::create(b, kernel.getLoc(), kernel.getName(), kernel.getFunctionType());
  if (Attribute threads = kernel->getAttr(kMaxThreadsAttr))
    fn->setAttr(kMaxThreadsAttr, threads);
  fn.getBody().takeBody(kernel.getBody());
  fn.walk([&](gpu::ReturnOp ret) {
    OpBuilder rb(ret);
    func::ReturnOp::create(rb, ret.getLoc(), ret.getOperands());
    ret.erase();
  });
  kernel.erase();
  return fn;
}

/// The trailing `ids` and `shared` arguments of the function holding `op`.
Value idsOf(Operation *op) {
  auto fn = op->getParentOfType<func::FuncOp>();
  return fn.getArgument(fn.getNumArguments() - 2);
}
Value sharedOf(Operation *op) {
  auto fn = op->getParentOfType<func::FuncOp>();
  return fn.getArgument(fn.getNumArguments() - 1);
}

/// The bound (exclusive) of `ids[slot]`: CUDA's limits, which every launch
/// is checked against (LaunchShape.h).
uint64_t idBound(unsigned slot) {
  unsigned d = slot % 3;
  switch (slot / 3) {
  case kThreadIdSlot / 3: return kMaxBlockDim[d];
  case kBlockIdSlot / 3: return kMaxGridDim[d];
  case kBlockDimSlot / 3: return uint64_t(kMaxBlockDim[d]) + 1;
  default: return kMaxGridDim[d] + 1;
  }
}

/// assume(v < bound), `v` an i32 id, unsigned.
void assumeBelow(OpBuilder &b, Location loc, Value v, uint64_t bound) {
  // Every bound fits in 32 bits unsigned (2^31 at most), as ult compares.
  Value c = arith::ConstantOp::create(
      b, loc, b.getI32IntegerAttr(static_cast<int32_t>(static_cast<uint32_t>(bound))));
  LLVM::AssumeOp::create(b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, v, c));
}

/// `ids[slot]` as an index. LLVM is told its bound (an assume), so that it
/// knows an index computed from ids non-negative: a negative index's
/// wrap-around (a[-1]) then folds away, and accesses stay contiguous.
Value readId(OpBuilder &b, Location loc, Value ids, unsigned slot) {
  Value v = memref::LoadOp::create(b, loc, ids, ValueRange{arith::ConstantIndexOp::create(b, loc, slot)});
  assumeBelow(b, loc, v, idBound(slot));
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v);
}
Value readId(OpBuilder &b, Location loc, Value ids, unsigned base, gpu::Dimension d) {
  return readId(b, loc, ids, base + static_cast<unsigned>(d));
}

/// blockDim's `d` as an index: a constant when the code is for one block
/// shape (`shape`: x, y, z; empty when any), else read from `ids`.
Value blockDim(OpBuilder &b, Location loc, Value ids, ArrayRef<int64_t> shape,
               gpu::Dimension d) {
  if (!shape.empty())
    return arith::ConstantIndexOp::create(b, loc, shape[static_cast<unsigned>(d)]);
  return readId(b, loc, ids, kBlockDimSlot, d);
}

/// Bytes of an array element of type `t`; 0 when not known here.
int64_t elementBytes(Type t) {
  if (t.isIntOrFloat())
    return std::max<int64_t>(1, int64_t(t.getIntOrFloatBitWidth()) / 8);
  if (auto c = dyn_cast<ComplexType>(t))
    return 2 * elementBytes(c.getElementType());
  if (auto v = dyn_cast<VectorType>(t); v && v.hasStaticShape())
    return v.getNumElements() * elementBytes(v.getElementType());
  return 0;
}

/// The kind of privatizable update `rmw` makes, if it is one: an integer
/// add, and, or, min or max whose old value is unused (an update merged
/// into the array later gives the same final values in any order; a float
/// add's rounding would depend on the grouping).
std::optional<PrivateKind> privateKindOf(memref::AtomicRMWOp rmw) {
  if (!rmw.getResult().use_empty())
    return std::nullopt;
  switch (rmw.getKind()) {
  case arith::AtomicRMWKind::addi: return PrivateKind::Add;
  case arith::AtomicRMWKind::andi: return PrivateKind::And;
  case arith::AtomicRMWKind::ori: return PrivateKind::Or;
  case arith::AtomicRMWKind::maxs: return PrivateKind::MaxS;
  case arith::AtomicRMWKind::maxu: return PrivateKind::MaxU;
  case arith::AtomicRMWKind::mins: return PrivateKind::MinS;
  case arith::AtomicRMWKind::minu: return PrivateKind::MinU;
  default: return std::nullopt;
  }
}

/// `old op v` as a plain integer operation, for a privatized update.
Value applyKind(OpBuilder &b, Location loc, PrivateKind kind, Value old, Value v) {
  switch (kind) {
  case PrivateKind::Add: return arith::AddIOp::create(b, loc, old, v);
  case PrivateKind::And: return arith::AndIOp::create(b, loc, old, v);
  case PrivateKind::Or: return arith::OrIOp::create(b, loc, old, v);
  case PrivateKind::MaxS: return arith::MaxSIOp::create(b, loc, old, v);
  case PrivateKind::MaxU: return arith::MaxUIOp::create(b, loc, old, v);
  case PrivateKind::MinS: return arith::MinSIOp::create(b, loc, old, v);
  case PrivateKind::MinU: return arith::MinUIOp::create(b, loc, old, v);
  }
  llvm_unreachable("a privatizable kind");
}

/// Marks kernel `fn`'s array parameters (kArraysAttr) and makes the atomic
/// updates of those that only receive them privatizable (kPrivateAtomicsAttr):
/// each such update becomes `if (ids[kPrivateSlot] has the array's bit) a
/// plain load, op and store, else the atomic`. An array passed to a call, used
/// through a view, loaded, stored or updated otherwise stays atomic. Whether a
/// launch privatizes is the runtime's choice (HostLaunch.cpp): it checks that
/// no other argument overlaps the array and that the copy is small.
void markPrivateAtomics(func::FuncOp fn) {
  OpBuilder b(fn.getContext());
  unsigned users = fn.getNumArguments() - 2; // then ids, shared
  Value ids = fn.getArgument(users);
  // Every array parameter's cells first: with an element of unknown size the
  // runtime could not check overlaps, and nothing is privatized.
  SmallVector<int64_t> arrays;
  SmallVector<BlockArgument> arrayArgs;
  int64_t cell = 0;
  for (unsigned i = 0; i < users; ++i) {
    auto type = dyn_cast<MemRefType>(fn.getArgument(i).getType());
    if (!type) {
      ++cell;
      continue;
    }
    int64_t bytes = elementBytes(type.getElementType());
    if (bytes == 0)
      return;
    arrays.append({cell, type.getRank(), bytes});
    arrayArgs.push_back(fn.getArgument(i));
    cell += 3 + 2 * type.getRank();
  }
  SmallVector<int64_t> privates;
  for (auto [index, arg] : llvm::enumerate(arrayArgs)) {
    std::optional<PrivateKind> kind;
    bool only = true;
    SmallVector<memref::AtomicRMWOp> updates;
    for (OpOperand &use : arg.getUses()) {
      if (isa<memref::DimOp>(use.getOwner()))
        continue;
      auto rmw = dyn_cast<memref::AtomicRMWOp>(use.getOwner());
      std::optional<PrivateKind> k = rmw && rmw.getMemref() == arg ? privateKindOf(rmw)
                                                                  : std::nullopt;
      if (!k || (kind && *k != *kind)) {
        only = false;
        break;
      }
      kind = k;
      updates.push_back(rmw);
    }
    if (!only || updates.empty() || privates.size() / 2 >= kMaxPrivateArrays)
      continue;
    int64_t bit = int64_t(privates.size() / 2);
    privates.append({int64_t(index), int64_t(*kind)});
    for (memref::AtomicRMWOp rmw : updates) {
      Location loc = rmw.getLoc();
      b.setInsertionPoint(rmw);
      Value mask = memref::LoadOp::create(
          b, loc, ids, ValueRange{arith::ConstantIndexOp::create(b, loc, kPrivateSlot)});
      Value bitValue =
          arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(int32_t(uint32_t(1) << bit)));
      Value mine = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                         arith::AndIOp::create(b, loc, mask, bitValue),
                                         arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)));
      auto branch = scf::IfOp::create(b, loc, mine, /*withElseRegion=*/true);
      b.setInsertionPointToStart(branch.thenBlock());
      Value old = memref::LoadOp::create(b, loc, arg, rmw.getIndices());
      memref::StoreOp::create(b, loc, applyKind(b, loc, *kind, old, rmw.getValue()), arg,
                              rmw.getIndices());
      rmw->moveBefore(branch.elseBlock(), branch.elseBlock()->begin());
    }
  }
  fn->setAttr(kArraysAttr, b.getDenseI64ArrayAttr(arrays));
  if (!privates.empty())
    fn->setAttr(kPrivateAtomicsAttr, b.getDenseI64ArrayAttr(privates));
}

/// gpu.thread_id, block_id, block_dim, grid_dim -> a slot of `ids`.
template <typename IdOp, unsigned Base>
struct IdLowering : public OpRewritePattern<IdOp> {
  using OpRewritePattern<IdOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(IdOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, readId(rewriter, op.getLoc(), idsOf(op), Base, op.getDimension()));
    return success();
  }
};

/// gpu.block_dim -> a constant of the block shape the code is for, or a slot
/// of `ids`.
struct BlockDimLowering : public OpRewritePattern<gpu::BlockDimOp> {
  BlockDimLowering(MLIRContext *ctx, ArrayRef<int64_t> shape)
      : OpRewritePattern(ctx), shape(shape) {}
  LogicalResult matchAndRewrite(gpu::BlockDimOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, blockDim(rewriter, op.getLoc(), idsOf(op), shape, op.getDimension()));
    return success();
  }
  ArrayRef<int64_t> shape;
};

/// gpu.lane_id: lanes are consecutive threads in x-major order, 32 to a warp.
struct LaneIdLowering : public OpRewritePattern<gpu::LaneIdOp> {
  LaneIdLowering(MLIRContext *ctx, ArrayRef<int64_t> shape)
      : OpRewritePattern(ctx), shape(shape) {}
  LogicalResult matchAndRewrite(gpu::LaneIdOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value ids = idsOf(op);
    Value tz = readId(b, loc, ids, kThreadIdSlot, gpu::Dimension::z);
    Value ty = readId(b, loc, ids, kThreadIdSlot, gpu::Dimension::y);
    Value tx = readId(b, loc, ids, kThreadIdSlot, gpu::Dimension::x);
    Value by = blockDim(b, loc, ids, shape, gpu::Dimension::y);
    Value bx = blockDim(b, loc, ids, shape, gpu::Dimension::x);
    Value linear = arith::AddIOp::create(
        b, loc, tx,
        arith::MulIOp::create(
            b, loc, bx, arith::AddIOp::create(b, loc, ty, arith::MulIOp::create(b, loc, by, tz))));
    b.replaceOpWithNewOp<arith::RemUIOp>(op, linear, arith::ConstantIndexOp::create(b, loc, 32));
    return success();
  }
  ArrayRef<int64_t> shape;
};

/// gpu.barrier -> the runtime's barrier.
struct BarrierLowering : public OpRewritePattern<gpu::BarrierOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(gpu::BarrierOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<func::CallOp>(op, kBarrierFunction, TypeRange{}, ValueRange{});
    return success();
  }
};

/// A shared-memory global -> a view of the block's shared buffer at its offset.
struct SharedGlobalLowering : public OpRewritePattern<memref::GetGlobalOp> {
  SharedGlobalLowering(MLIRContext *ctx, const SharedLayout &shared)
      : OpRewritePattern(ctx), shared(shared) {}
  const SharedLayout &shared;
  LogicalResult matchAndRewrite(memref::GetGlobalOp get, PatternRewriter &rewriter) const override {
    auto it = shared.offsets.find(get.getName());
    if (it == shared.offsets.end())
      return failure();
    auto type = cast<MemRefType>(stripMemorySpace(get.getType()));
    Value offset = arith::ConstantIndexOp::create(rewriter, get.getLoc(), it->second);
    rewriter.replaceOpWithNewOp<memref::ViewOp>(get, type, sharedOf(get), offset, ValueRange{});
    return success();
  }
};

/// A failed check's runtime call gets its site number and the thread:
/// (site, [dim, index, size,] threadIdx.x, .y, .z). `sites` collects the
/// location of each site, by number.
struct CheckSiteLowering : public OpRewritePattern<func::CallOp> {
  CheckSiteLowering(MLIRContext *ctx, SmallVectorImpl<Attribute> &sites)
      : OpRewritePattern(ctx), sites(sites) {}
  SmallVectorImpl<Attribute> &sites;
  LogicalResult matchAndRewrite(func::CallOp call, PatternRewriter &b) const override {
    if (call.getCallee() != kIndexErrorFunction && call.getCallee() != kZeroDivisionFunction &&
        call.getCallee() != kReshapeErrorFunction && call.getCallee() != kRaiseFunction)
      return failure();
    auto decl = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(call, call.getCalleeAttr());
    if (!decl || decl.getNumArguments() != call.getNumOperands())
      return failure(); // already has its site
    Location loc = call.getLoc();
    SmallVector<Value> args{arith::ConstantOp::create(
        b, loc, b.getI64IntegerAttr(static_cast<int64_t>(sites.size())))};
    llvm::append_range(args, call.getOperands());
    for (auto d : {gpu::Dimension::x, gpu::Dimension::y, gpu::Dimension::z})
      args.push_back(arith::IndexCastUIOp::create(
          b, loc, b.getI64Type(), readId(b, loc, idsOf(call), kThreadIdSlot, d)));
    sites.push_back(LocationAttr(loc));
    b.replaceOpWithNewOp<func::CallOp>(call, call.getCallee(), TypeRange{}, args);
    return success();
  }
};

/// A call of a kernel or device function passes on `ids` and `shared`.
struct DeviceCallLowering : public OpRewritePattern<func::CallOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(func::CallOp call, PatternRewriter &rewriter) const override {
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(call, call.getCalleeAttr());
    if (!callee || callee.isExternal() || callee.getNumArguments() != call.getNumOperands() + 2)
      return failure();
    SmallVector<Value> args(call.getOperands());
    args.push_back(idsOf(call));
    args.push_back(sharedOf(call));
    rewriter.replaceOpWithNewOp<func::CallOp>(call, call.getCallee(), call.getResultTypes(), args);
    return success();
  }
};

/// gpu.printf -> one printf of the whole line (C's stream lock keeps lines of
/// threads apart), then fflush, so that it shows at once, as vprintf's output
/// does at the end of a launch. f32 values are passed as doubles, as C's
/// varargs and vprintf want.
struct PrintfLowering : public OpRewritePattern<gpu::PrintfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(gpu::PrintfOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto module = op->getParentOfType<ModuleOp>();
    MLIRContext *ctx = b.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i32 = b.getI32Type();
    auto declare = [&](StringRef name, LLVM::LLVMFunctionType type) {
      if (auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
        return fn;
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(module.getBody());
      return LLVM::LLVMFuncOp::create(b, loc, name, type);
    };
    auto printf = declare("printf", LLVM::LLVMFunctionType::get(i32, {ptr}, /*isVarArg=*/true));
    auto fflush = declare("fflush", LLVM::LLVMFunctionType::get(i32, {ptr}));
    // The format: a private constant, NUL-terminated, one per distinct text.
    std::string text = op.getFormat().str();
    text.push_back('\0');
    std::string name = "__cuft_format_" + llvm::utohexstr(llvm::xxh3_64bits(text));
    auto global = module.lookupSymbol<LLVM::GlobalOp>(name);
    if (!global) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(module.getBody());
      auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
      global = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                      LLVM::Linkage::Private, name, b.getStringAttr(text));
    }
    SmallVector<Value> args{LLVM::AddressOfOp::create(b, loc, global)};
    for (Value v : op.getArgs())
      args.push_back(v.getType().isF32()
                         ? Value(LLVM::FPExtOp::create(b, loc, b.getF64Type(), v))
                         : v);
    LLVM::CallOp::create(b, loc, printf, args);
    Value null = LLVM::ZeroOp::create(b, loc, ptr);
    LLVM::CallOp::create(b, loc, fflush, ValueRange{null});
    b.eraseOp(op);
    return success();
  }
};

/// Block and device scopes are GPU notions; the CPU fences the system.
struct FenceLowering : public OpRewritePattern<LLVM::FenceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LLVM::FenceOp fence, PatternRewriter &rewriter) const override {
    if (!fence.getSyncscopeAttr())
      return failure();
    rewriter.modifyOpInPlace(fence, [&] { fence.removeSyncscopeAttr(); });
    return success();
  }
};

struct ConvertGPUToHostPass : public cuft::impl::ConvertGPUToHostBase<ConvertGPUToHostPass> {
  using ConvertGPUToHostBase::ConvertGPUToHostBase;

  SmallVector<Attribute> indexSites;

  /// The block shape (x, y, z) the code is for (kBlockShapeAttr); empty
  /// when it is for any.
  SmallVector<int64_t, 3> blockShape;

  /// Rewrites the GPU ops of `fn`, whose last two arguments are `ids` and `shared`.
  LogicalResult rewriteBody(func::FuncOp fn, const SharedLayout &shared) {
    // A declared external device function is GPU code linked at load time.
    WalkResult external = fn.walk([](LLVM::CallOp call) {
      if (!call.getCallee())
        return WalkResult::advance();
      call.emitError("the host target cannot call external device function '")
          << *call.getCallee() << "': it is GPU code linked by the cuda target";
      return WalkResult::interrupt();
    });
    if (external.wasInterrupted())
      return failure();
    MLIRContext *ctx = fn.getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<IdLowering<gpu::ThreadIdOp, kThreadIdSlot>,
                 IdLowering<gpu::BlockIdOp, kBlockIdSlot>,
                 IdLowering<gpu::GridDimOp, kGridDimSlot>, BarrierLowering,
                 DeviceCallLowering, FenceLowering, PrintfLowering>(ctx);
    patterns.add<BlockDimLowering, LaneIdLowering>(ctx, blockShape);
    patterns.add<SharedGlobalLowering>(ctx, shared);
    patterns.add<CheckSiteLowering>(ctx, indexSites);
    walkAndApplyPatterns(fn, std::move(patterns));
    return success();
  }

  /// `kernel` and every function it calls, directly or not.
  static llvm::SetVector<Operation *> reachedFrom(func::FuncOp kernel) {
    llvm::SetVector<Operation *> reached;
    reached.insert(kernel);
    for (size_t i = 0; i < reached.size(); ++i)
      reached[i]->walk([&](func::CallOp call) {
        if (auto callee =
                SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(call, call.getCalleeAttr()))
          reached.insert(callee);
      });
    return reached;
  }

  /// The shared memory a kernel's block needs: up to the end of the last
  /// shared array that it or a function it calls uses (offsets are per module).
  /// And the bytes of stack slots (local arrays, variables) of those functions
  /// together: a bound for a thread's frames, since functions do not recurse.
  std::pair<int64_t, int64_t> memoryOf(func::FuncOp kernel) {
    int64_t bytes = 0, local = 0;
    auto sizeOf = [](MemRefType type) {
      return type.getNumElements() * int64_t(scalarBytes(type.getElementType()));
    };
    for (Operation *fn : reachedFrom(kernel))
      fn->walk([&](Operation *op) {
        if (auto view = dyn_cast<memref::ViewOp>(op)) {
          MemRefType type = view.getType();
          if (auto offset = getConstantIntValue(view.getByteShift());
              offset && type.hasStaticShape())
            bytes = std::max<int64_t>(bytes, *offset + sizeOf(type));
        } else if (auto alloca = dyn_cast<memref::AllocaOp>(op)) {
          if (alloca.getType().hasStaticShape()) // and what aligning it may skip
            local += sizeOf(alloca.getType()) + alloca.getAlignment().value_or(0);
        }
      });
    return {bytes, local};
  }

  /// An op after which another thread's writes may be seen: an atomic, a
  /// fence, a nanosleep.
  static bool synchronizes(Operation *op) {
    auto call = dyn_cast<func::CallOp>(op);
    return isa<memref::AtomicRMWOp, memref::GenericAtomicRMWOp, LLVM::FenceOp>(op) ||
           (call && call.getCallee() == kNanoSleepFunction);
  }

  /// Whether the loop of blocks `body` can leave on something it reads from
  /// memory: an exit branch's condition depends, through values computed in
  /// the loop, on a load, an atomic or a call there. A loop that cannot (a
  /// grid-stride loop of atomic adds) runs as many iterations whatever other
  /// threads write: it never waits for them.
  static bool exitReadsMemory(const llvm::SmallPtrSetImpl<Block *> &body) {
    auto inLoop = [&](Operation *op) {
      for (Block *block = op->getBlock(); block; block = block->getParentOp()->getBlock())
        if (body.contains(block))
          return true;
        else if (!block->getParentOp())
          return false;
      return false;
    };
    SmallVector<Value> work;
    for (Block *block : body) {
      Operation *end = block->getTerminator();
      if (llvm::all_of(end->getSuccessors(), [&](Block *next) { return body.contains(next); }))
        continue;
      if (auto branch = dyn_cast<cf::CondBranchOp>(end))
        work.push_back(branch.getCondition());
      else if (auto branch = dyn_cast<cf::SwitchOp>(end))
        work.push_back(branch.getFlag());
      else
        return true;
    }
    llvm::DenseSet<Value> seen;
    while (!work.empty()) {
      Value v = work.pop_back_val();
      if (!seen.insert(v).second)
        continue;
      if (auto arg = dyn_cast<BlockArgument>(v)) {
        Block *owner = arg.getOwner();
        if (!body.contains(owner))
          continue; // the same at every iteration
        for (Block *pred : owner->getPredecessors()) {
          if (!body.contains(pred))
            continue;
          auto branch = dyn_cast<BranchOpInterface>(pred->getTerminator());
          if (!branch)
            return true;
          for (unsigned i = 0; i < branch->getNumSuccessors(); ++i) {
            if (branch->getSuccessor(i) != owner)
              continue;
            Value in = branch.getSuccessorOperands(i)[arg.getArgNumber()];
            if (!in)
              return true;
            work.push_back(in);
          }
        }
        continue;
      }
      Operation *def = v.getDefiningOp();
      if (!inLoop(def))
        continue;
      if (def->getNumRegions() || !isMemoryEffectFree(def))
        return true;
      llvm::append_range(work, def->getOperands());
    }
    return false;
  }

  /// Whether the threads of `kernel` may wait for one another in a loop: a
  /// spin-wait on memory another thread writes (valid on every GPU since
  /// Volta's independent thread scheduling). Said of a kernel with a loop
  /// whose body synchronizes, itself or in a function it calls (`syncing`),
  /// and that can leave on what it reads (exitReadsMemory). Its threads run
  /// as fibers that take turns at the latches of such loops (cuftHostYield).
  bool mayWaitInLoop(func::FuncOp kernel, const llvm::SmallPtrSetImpl<Operation *> &syncing) {
    auto syncs = [&](Operation *op) {
      return op
          ->walk([&](Operation *inner) {
            auto call = dyn_cast<func::CallOp>(inner);
            bool reaches = call && syncing.contains(SymbolTable::lookupNearestSymbolFrom(
                                       call, call.getCalleeAttr()));
            return synchronizes(inner) || reaches ? WalkResult::interrupt()
                                                  : WalkResult::advance();
          })
          .wasInterrupted();
    };
    for (Operation *fn : reachedFrom(kernel)) {
      DominanceInfo dom(fn);
      bool waits = false;
      fn->walk([&](Operation *op) {
        if (isa<LoopLikeOpInterface>(op) && syncs(op))
          waits = true;
        Block *latch = op->getBlock();
        for (Block *header : op->getSuccessors()) {
          if (!dom.dominates(header, latch))
            continue; // not a back edge
          // The natural loop: the blocks that reach the latch without the header.
          llvm::SmallPtrSet<Block *, 16> body{header, latch};
          SmallVector<Block *> work{latch};
          while (!work.empty()) {
            Block *block = work.pop_back_val();
            if (block != header)
              for (Block *pred : block->getPredecessors())
                if (body.insert(pred).second)
                  work.push_back(pred);
          }
          bool synced = false;
          for (Block *block : body)
            for (Operation &inner : *block)
              synced |= syncs(&inner);
          waits |= synced && exitReadsMemory(body);
        }
      });
      if (waits)
        return true;
    }
    return false;
  }

  /// The kernels and device functions that reach an op for which `is` holds.
  llvm::SmallPtrSet<Operation *, 8> functionsReaching(ArrayRef<func::FuncOp> fns,
                                                      function_ref<bool(Operation *)> is) {
    llvm::SmallPtrSet<Operation *, 8> result;
    for (func::FuncOp fn : fns)
      if (fn.walk([&](Operation *op) {
              return is(op) ? WalkResult::interrupt() : WalkResult::advance();
            }).wasInterrupted())
        result.insert(fn);
    for (bool changed = true; changed;) {
      changed = false;
      for (func::FuncOp fn : fns) {
        if (result.contains(fn))
          continue;
        fn.walk([&](func::CallOp call) {
          auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
              call, call.getCalleeAttr());
          if (callee && result.contains(callee)) {
            result.insert(fn);
            changed = true;
          }
        });
      }
    }
    return result;
  }

  /// Whether a kernel's threads run as fibers: not at all (no barrier: one
  /// loop runs them), unless the host compiler splits the kernel at its
  /// barriers (SplitBarriers.cpp; they meet at nothing else), always.
  enum class Fibers { No, UnlessSplit, Always };

  /// `__cuft_entry_K(args..., ids, shared)`: runs kernel K's threads of a run
  /// of blocks in loops (no barriers; kRunSlot) or one thread (with barriers,
  /// on a fiber).
  void buildEntry(OpBuilder &b, func::FuncOp kernel, Fibers fibers, bool cooperative,
                  std::pair<int64_t, int64_t> memory) {
    auto [sharedBytes, localBytes] = memory;
    Location loc = kernel.getLoc();
    auto entry = func::FuncOp::create(b, loc, (kEntryPrefix + kernel.getName()).str(),
                                      kernel.getFunctionType());
    entry->setAttr(kSharedBytesAttr, b.getI64IntegerAttr(sharedBytes));
    entry->setAttr(kLocalBytesAttr, b.getI64IntegerAttr(localBytes));
    if (fibers != Fibers::No)
      entry->setAttr(kFibersAttr, b.getUnitAttr());
    if (fibers == Fibers::UnlessSplit)
      entry->setAttr(kSplitBarriersAttr, b.getUnitAttr());
    if (cooperative)
      entry->setAttr(kCooperativeAttr, b.getUnitAttr());
    if (Attribute threads = kernel->getAttr(kMaxThreadsAttr))
      entry->setAttr(kHostMaxThreadsAttr, threads);
    for (const char *name : {kArraysAttr, kPrivateAtomicsAttr})
      if (Attribute a = kernel->getAttr(name))
        entry->setAttr(name, a);
    Block *body = entry.addEntryBlock();
    b.setInsertionPointToStart(body);
    SmallVector<Value> args(body->getArguments());
    if (fibers != Fibers::No) {
      func::CallOp::create(b, loc, kernel, args);
      func::ReturnOp::create(b, loc);
      return;
    }
    // A private copy of ids, so that LLVM keeps the thread indices in registers:
    // slot by slot (memref.copy is a call of memcpy per block, its size read
    // from the descriptor).
    Value given = args[args.size() - 2];
    auto idsType = cast<MemRefType>(given.getType());
    Value ids = memref::AllocaOp::create(b, loc, idsType);
    Value firstX, run;
    for (int64_t slot = 0; slot < idsType.getDimSize(0); ++slot) {
      Value at = arith::ConstantIndexOp::create(b, loc, slot);
      Value v = memref::LoadOp::create(b, loc, given, ValueRange{at});
      // The block's ids are below CUDA's limits (readId): LLVM reads the
      // kernel's ids out of this copy, and keeps the bound as the load's range.
      if (slot >= kBlockIdSlot && slot < kPrivateSlot)
        assumeBelow(b, loc, v, idBound(slot));
      if (slot == kRunSlot) // (x + run - 1) is a block of the grid
        assumeBelow(b, loc, v, idBound(kGridDimSlot));
      if (slot == kBlockIdSlot)
        firstX = v;
      if (slot == kRunSlot)
        run = v;
      memref::StoreOp::create(b, loc, v, ids, ValueRange{at});
    }
    args[args.size() - 2] = ids;
    // The loops count in unsigned i32, as the ids hold the indices: a thread index
    // stays the loop's induction variable in LLVM (an i64 loop truncated to
    // i32 and widened back became `iv & 1023`, which neither the vectorizer's
    // address computation nor ScalarEvolution sees through).
    auto dimOf = [&](unsigned slot) -> Value {
      if (!blockShape.empty())
        return arith::ConstantIntOp::create(b, loc, blockShape[slot - kBlockDimSlot], 32);
      return memref::LoadOp::create(b, loc, ids,
                                    ValueRange{arith::ConstantIndexOp::create(b, loc, slot)});
    };
    Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
    Value one = arith::ConstantIntOp::create(b, loc, 1, 32);
    Value bz = dimOf(kBlockDimSlot + 2), by = dimOf(kBlockDimSlot + 1),
          bx = dimOf(kBlockDimSlot);
    auto setTid = [&](OpBuilder &lb, unsigned d, Value v) {
      memref::StoreOp::create(lb, loc, v, ids,
                              ValueRange{arith::ConstantIndexOp::create(lb, loc, kThreadIdSlot + d)});
    };
    scf::ForOp::create(b, loc, zero, bz, one, ValueRange{},
                       [&](OpBuilder &bz_, Location, Value z, ValueRange) {
      setTid(bz_, 2, z);
      scf::ForOp::create(bz_, loc, zero, by, one, ValueRange{},
                         [&](OpBuilder &by_, Location, Value y, ValueRange) {
        setTid(by_, 1, y);
        // The run's blocks, a row of threads of each (kRunSlot).
        scf::ForOp::create(by_, loc, zero, run, one, ValueRange{},
                           [&](OpBuilder &br_, Location, Value k, ValueRange) {
          auto noWrap = arith::IntegerOverflowFlags::nsw | arith::IntegerOverflowFlags::nuw;
          Value blockX = arith::AddIOp::create(br_, loc, firstX, k, noWrap);
          Value at = arith::ConstantIndexOp::create(br_, loc, kBlockIdSlot);
          memref::StoreOp::create(br_, loc, blockX, ids, ValueRange{at});
          memref::StoreOp::create(br_, loc, blockX, given, ValueRange{at});
          scf::ForOp::create(br_, loc, zero, bx, one, ValueRange{},
                             [&](OpBuilder &bx_, Location, Value x, ValueRange) {
            setTid(bx_, 0, x);
            func::CallOp::create(bx_, loc, kernel, args);
            scf::YieldOp::create(bx_, loc);
          }, /*unsignedCmp=*/true);
          scf::YieldOp::create(br_, loc);
        }, /*unsignedCmp=*/true);
        scf::YieldOp::create(by_, loc);
      }, /*unsignedCmp=*/true);
      scf::YieldOp::create(bz_, loc);
    }, /*unsignedCmp=*/true);
    func::ReturnOp::create(b, loc);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    // A pooled pass manager runs this pass again, on other modules.
    indexSites.clear();
    blockShape.clear();
    if (Attribute a = module->getAttr(kBlockShapeAttr)) {
      auto extents = dyn_cast<DenseI64ArrayAttr>(a);
      uint32_t block[3] = {0, 0, 0}, grid[3] = {1, 1, 1};
      for (unsigned d = 0; extents && extents.size() == 3 && d < 3; ++d)
        if (extents[d] >= 1 && extents[d] <= int64_t(UINT32_MAX))
          block[d] = uint32_t(extents[d]);
      // A launch's rule (LaunchShape.h); a malformed attribute leaves zeros.
      if (std::string problem = launchShapeProblem(grid, block); !problem.empty()) {
        module.emitError() << kBlockShapeAttr
                           << " must be array<i64: x, y, z> within CUDA's limits: " << problem;
        return signalPassFailure();
      }
      blockShape.assign(extents.asArrayRef().begin(), extents.asArrayRef().end());
    }
    OpBuilder b(ctx);
    auto idsType = MemRefType::get({kIdSlots}, b.getI32Type());
    auto sharedType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());

    for (auto gpuModule : llvm::make_early_inc_range(module.getOps<gpu::GPUModuleOp>())) {
      SharedLayout shared = layOutShared(gpuModule);
      SmallVector<func::FuncOp> fns, kernels;
      b.setInsertionPoint(gpuModule);
      for (Operation &op : llvm::make_early_inc_range(gpuModule.getBody()->getOperations())) {
        if (auto kernel = dyn_cast<gpu::GPUFuncOp>(op)) {
          func::FuncOp fn = funcFromGpuFunc(b, kernel);
          kernels.push_back(fn);
          fns.push_back(fn);
        } else if (auto fn = dyn_cast<func::FuncOp>(op)) {
          fn->moveBefore(gpuModule);
          if (!fn.isExternal())
            fns.push_back(fn);
        } else if (isa<memref::GlobalOp, LLVM::GlobalOp>(op)) {
          op.moveBefore(gpuModule); // shared memory, constants, printed strings
        }
      }
      for (func::FuncOp fn : fns) {
        unsigned n = fn.getNumArguments();
        if (failed(fn.insertArguments({n, n}, {idsType, sharedType},
                                      {DictionaryAttr(), DictionaryAttr()},
                                      {fn.getLoc(), fn.getLoc()})))
          return signalPassFailure();
        fn.setPrivate();
        // Internal linkage: LLVM inlines the thread body into its entry and
        // drops it, and no packed wrapper is made for it.
        fn->setAttr("llvm.linkage",
                    LLVM::LinkageAttr::get(ctx, LLVM::linkage::Linkage::Internal));
      }
      for (func::FuncOp kernel : kernels)
        markPrivateAtomics(kernel);
      auto callsOf = [](StringRef callee) {
        return [callee](Operation *op) {
          auto call = dyn_cast<func::CallOp>(op);
          return call && call.getCallee() == callee;
        };
      };
      // Their threads run as fibers: barriers, warp and block collectives (a
      // rendezvous of threads), grid syncs.
      auto withBarriers = functionsReaching(fns, [&](Operation *op) {
        return isa<gpu::BarrierOp>(op) || callsOf(kCollectiveFunction)(op) ||
               callsOf(kGridSyncFunction)(op);
      });
      // Their blocks run all at once.
      auto cooperative = functionsReaching(fns, callsOf(kGridSyncFunction));
      // Their threads meet at something else than a barrier too.
      auto collective = functionsReaching(fns, [&](Operation *op) {
        return callsOf(kCollectiveFunction)(op) || callsOf(kGridSyncFunction)(op);
      });
      for (func::FuncOp fn : fns) {
        if (failed(rewriteBody(fn, shared)))
          return signalPassFailure();
        stripMemorySpaces(fn);
      }
      if (!withBarriers.empty() && !module.lookupSymbol(kBarrierFunction)) {
        b.setInsertionPoint(gpuModule);
        func::FuncOp::create(b, gpuModule.getLoc(), kBarrierFunction,
                             b.getFunctionType({}, {}))
            .setPrivate();
      }
      if (auto decl = module.lookupSymbol<func::FuncOp>(kIndexErrorFunction)) {
        SmallVector<Type> i64s(7, b.getI64Type());
        decl.setFunctionType(b.getFunctionType(i64s, {}));
      }
      if (auto decl = module.lookupSymbol<func::FuncOp>(kZeroDivisionFunction)) {
        SmallVector<Type> i64s(4, b.getI64Type());
        decl.setFunctionType(b.getFunctionType(i64s, {}));
      }
      if (auto decl = module.lookupSymbol<func::FuncOp>(kReshapeErrorFunction)) {
        SmallVector<Type> i64s(7, b.getI64Type()); // site, size, elements, why, thread
        decl.setFunctionType(b.getFunctionType(i64s, {}));
      }
      if (auto decl = module.lookupSymbol<func::FuncOp>(kRaiseFunction)) {
        SmallVector<Type> i64s(5, b.getI64Type()); // site, code, thread x, y, z
        decl.setFunctionType(b.getFunctionType(i64s, {}));
      }
      auto syncing = functionsReaching(fns, synchronizes);
      for (func::FuncOp kernel : kernels) {
        bool spins = mayWaitInLoop(kernel, syncing);
        Fibers fibers = spins || collective.contains(kernel) ? Fibers::Always
                        : withBarriers.contains(kernel)      ? Fibers::UnlessSplit
                                                             : Fibers::No;
        b.setInsertionPoint(gpuModule);
        buildEntry(b, kernel, fibers, cooperative.contains(kernel), memoryOf(kernel));
      }
      gpuModule.erase();
    }
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
    if (!indexSites.empty())
      module->setAttr(kIndexSitesAttr, ArrayAttr::get(ctx, indexSites));
    if (failed(callLibmForInexactIntrinsics(module)))
      return signalPassFailure();
  }

  /// LLVM has intrinsics for most math ops, but lowers a few as approximations
  /// (expm1 as exp(x) - 1, log1p as log(1 + x)) or not at all (erf, cbrt...).
  /// Those call the C library, as libdevice's functions do on the GPU.
  LogicalResult callLibmForInexactIntrinsics(ModuleOp module) {
    ConversionTarget target(getContext());
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    target.addIllegalOp<math::ExpM1Op, math::Log1pOp, math::ErfOp, math::ErfcOp, math::CbrtOp,
                        math::AcoshOp, math::AsinhOp, math::AtanhOp, math::AcosOp,
                        math::AsinOp, math::AtanOp, math::Atan2Op, math::TanOp, math::TanhOp,
                        math::SinhOp, math::CoshOp>();
    RewritePatternSet patterns(&getContext());
    populateMathToLibmConversionPatterns(patterns);
    return applyPartialConversion(module, target, std::move(patterns));
  }
};

} // namespace
