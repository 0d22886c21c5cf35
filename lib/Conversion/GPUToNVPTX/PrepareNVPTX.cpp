//===- PrepareNVPTX.cpp - prepare-nvptx -----------------------------------===//
//
// The NVPTX target's part of the lowering that serialize-ptx's translation does not do:
// the data layout, the C math library and correctly rounded f32 sqrt through
// libdevice. Everything before this pass is target-independent (the host target
// runs the same IR through convert-gpu-to-host). See CuftConversionPasses.td.
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Conversion/Passes.h"
#include "cuft/Dialect/Cuft/IR/CuftTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

namespace cuft {
#define GEN_PASS_DEF_PREPARENVPTX
#include "cuft/Conversion/Passes.h.inc"
} // namespace cuft

using namespace mlir;
using namespace cuft;

namespace {

/// NVPTX's 64-bit data layout, from the LLVM we link.
const std::string &nvptxDataLayout() {
  static const std::string layout = [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    llvm::Triple triple("nvptx64-nvidia-cuda");
    std::string error;
    const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
    if (!target)
      return std::string();
    std::unique_ptr<llvm::TargetMachine> tm(
        target->createTargetMachine(triple, "sm_90", "", {}, std::nullopt));
    return tm ? tm->createDataLayout().getStringRepresentation() : std::string();
  }();
  return layout;
}

/// Replaces `op` by a call of libdevice's `name` with `op`'s operands, declaring
/// `name` once in the gpu.module as an `llvm.func`.
void replaceWithLibdeviceCall(PatternRewriter &rewriter, Operation *op, StringRef name) {
  auto gpuModule = op->getParentOfType<gpu::GPUModuleOp>();
  auto fn = gpuModule.lookupSymbol<LLVM::LLVMFuncOp>(name);
  if (!fn) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(gpuModule.getBody());
    SmallVector<Type> argTypes(op->getOperandTypes());
    fn = LLVM::LLVMFuncOp::create(
        rewriter, op->getLoc(), name,
        LLVM::LLVMFunctionType::get(op->getResult(0).getType(), argTypes));
  }
  rewriter.replaceOpWithNewOp<LLVM::CallOp>(op, fn, op->getOperands());
}

/// `func.call @lgammaf(x)` of a `cuft.libm` declaration -> `llvm.call @__nv_lgammaf(x)`.
/// Whether a target of `gpuModule` asks for a level above 0.
bool optimizes(gpu::GPUModuleOp gpuModule) {
  ArrayAttr targets = gpuModule.getTargetsAttr();
  return targets && llvm::any_of(targets, [](Attribute attr) {
           auto nvvm = dyn_cast<NVVM::NVVMTargetAttr>(attr);
           return nvvm && nvvm.getO() > 0;
         });
}

struct LibmCallLowering : public OpRewritePattern<func::CallOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(func::CallOp call, PatternRewriter &rewriter) const override {
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(call, call.getCalleeAttr());
    if (!callee || !callee->hasAttr(kLibmAttr))
      return failure();
    replaceWithLibdeviceCall(rewriter, call, ("__nv_" + call.getCallee()).str());
    return success();
  }
};

/// f32 `math.sqrt` without `afn` -> `__nv_fsqrt_rn`, correctly rounded as
/// Python's sqrt is.
struct PreciseSqrtLowering : public OpRewritePattern<math::SqrtOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::SqrtOp op, PatternRewriter &rewriter) const override {
    if (!op.getType().isF32() ||
        bitEnumContainsAll(op.getFastmath(), arith::FastMathFlags::afn))
      return failure();
    replaceWithLibdeviceCall(rewriter, op, "__nv_fsqrt_rn");
    return success();
  }
};

/// `math.trunc` -> `__nv_trunc[f]`: the translation's libdevice table lacks it.
struct TruncLowering : public OpRewritePattern<math::TruncOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::TruncOp op, PatternRewriter &rewriter) const override {
    Type t = op.getType();
    if (!t.isF32() && !t.isF64())
      return failure();
    replaceWithLibdeviceCall(rewriter, op, t.isF32() ? "__nv_truncf" : "__nv_trunc");
    return success();
  }
};

/// `func.call @__cuft_raise(code)` -> the module's error record: the first
/// raise of a launch sets [code + 1, block x, y, z, thread x, y, z] (a
/// compare-and-swap on the code; a later one writes a scratch copy instead),
/// then the thread exits (PTX `exit`, from any device function). The launch
/// reads the record back (cuft's CUDA runtime) and raises the exception.
struct RaiseLowering : public OpRewritePattern<func::CallOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(func::CallOp call, PatternRewriter &b) const override {
    if (call.getCallee() != kRaiseFunction)
      return failure();
    Location loc = call.getLoc();
    auto gpuModule = call->getParentOfType<gpu::GPUModuleOp>();
    constexpr unsigned kGlobalSpace = 1, kFields = 7;
    auto i64 = b.getI64Type();
    auto recordType = LLVM::LLVMArrayType::get(i64, kFields);
    if (!gpuModule.lookupSymbol<LLVM::GlobalOp>(kErrorRecordGlobal)) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(gpuModule.getBody());
      LLVM::GlobalOp::create(b, loc, recordType, /*isConstant=*/false, LLVM::Linkage::External,
                             kErrorRecordGlobal,
                             DenseElementsAttr::get(RankedTensorType::get({kFields}, i64),
                                                    APInt(64, 0)),
                             /*alignment=*/8,
                             kGlobalSpace);
    }
    auto globalPtr = LLVM::LLVMPointerType::get(b.getContext(), kGlobalSpace);
    auto ptr = LLVM::LLVMPointerType::get(b.getContext());
    Value record = LLVM::AddressOfOp::create(b, loc, globalPtr, kErrorRecordGlobal);
    Value one = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1));
    Value code = arith::AddIOp::create(b, loc, call.getOperand(0), one);
    Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
    // Relaxed, as every atomic (relaxAtomics): the host reads the record
    // once the kernel has ended.
    auto cas = LLVM::AtomicCmpXchgOp::create(b, loc, record, zero, code,
                                             LLVM::AtomicOrdering::monotonic,
                                             LLVM::AtomicOrdering::monotonic);
    Value first = LLVM::ExtractValueOp::create(b, loc, cas, 1);
    Value scratch = LLVM::AllocaOp::create(b, loc, ptr, recordType, one);
    Value generic = LLVM::AddrSpaceCastOp::create(b, loc, ptr, record);
    Value base = LLVM::SelectOp::create(b, loc, first, generic, scratch);
    SmallVector<Value> ids;
    for (auto d : {gpu::Dimension::x, gpu::Dimension::y, gpu::Dimension::z})
      ids.push_back(gpu::BlockIdOp::create(b, loc, d));
    for (auto d : {gpu::Dimension::x, gpu::Dimension::y, gpu::Dimension::z})
      ids.push_back(gpu::ThreadIdOp::create(b, loc, d));
    for (auto [k, id] : llvm::enumerate(ids)) {
      Value field = LLVM::GEPOp::create(b, loc, ptr, recordType, base,
                                        ArrayRef<LLVM::GEPArg>{0, int32_t(k + 1)});
      LLVM::StoreOp::create(b, loc, arith::IndexCastUIOp::create(b, loc, i64, id), field);
    }
    LLVM::InlineAsmOp::create(b, loc, TypeRange{}, ValueRange{}, "exit;", "",
                              /*has_side_effects=*/true, /*is_align_stack=*/false,
                              LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
    b.eraseOp(call);
    return success();
  }
};

/// `func.call @__cuft_collective(kind, mask, value, arg, width, bits)`
/// (Collectives.h) -> PTX: shfl.sync (twice for 64 bits), vote.sync,
/// bar.warp.sync, activemask, and bar.red for the block reductions.
struct CollectiveLowering : public OpRewritePattern<func::CallOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(func::CallOp call, PatternRewriter &b) const override {
    if (call.getCallee() != kCollectiveFunction)
      return failure();
    APInt kindValue, bitsValue;
    if (!matchPattern(call.getOperand(0), m_ConstantInt(&kindValue)) ||
        !matchPattern(call.getOperand(5), m_ConstantInt(&bitsValue)))
      return failure();
    auto kind = static_cast<Collective>(kindValue.getSExtValue());
    Location loc = call.getLoc();
    auto i1 = b.getI1Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
    Value mask = call.getOperand(1), value = call.getOperand(2), arg = call.getOperand(3),
          width = call.getOperand(4);
    auto constant = [&](Type t, int64_t v) {
      return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v)).getResult();
    };
    auto asm32 = [&](StringRef text, StringRef constraints, ValueRange in) {
      auto op = LLVM::InlineAsmOp::create(b, loc, TypeRange{i32}, in, text, constraints,
                                          /*has_side_effects=*/true, /*is_align_stack=*/false,
                                          LLVM::TailCallKind::None, LLVM::AsmDialectAttr(),
                                          ArrayAttr());
      return op.getResult(0);
    };
    Value low = arith::TruncIOp::create(b, loc, i32, value);
    Value pred = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, constant(i64, 0));
    Value r; // an i32 or i1, or the i64 itself
    switch (kind) {
    case Collective::ShflIdx:
    case Collective::ShflUp:
    case Collective::ShflDown:
    case Collective::ShflXor: {
      // c = ((32 - width) << 8) | clamp: CUDA's __shfl_*_sync.
      NVVM::ShflKind mode = kind == Collective::ShflIdx    ? NVVM::ShflKind::idx
                            : kind == Collective::ShflUp   ? NVVM::ShflKind::up
                            : kind == Collective::ShflDown ? NVVM::ShflKind::down
                                                           : NVVM::ShflKind::bfly;
      Value segment = arith::ShLIOp::create(
          b, loc, arith::SubIOp::create(b, loc, constant(i32, 32), width), constant(i32, 8));
      Value c = kind == Collective::ShflUp
                    ? segment
                    : arith::OrIOp::create(b, loc, segment, constant(i32, 31)).getResult();
      auto shfl = [&](Value v) {
        return NVVM::ShflOp::create(b, loc, i32, mask, v, arg, c,
                                    NVVM::ShflKindAttr::get(b.getContext(), mode), UnitAttr())
            .getResult();
      };
      r = arith::ExtUIOp::create(b, loc, i64, shfl(low));
      if (bitsValue == 64) {
        Value high = arith::TruncIOp::create(
            b, loc, i32, arith::ShRUIOp::create(b, loc, value, constant(i64, 32)));
        Value h = arith::ExtUIOp::create(b, loc, i64, shfl(high));
        r = arith::OrIOp::create(b, loc, r,
                                 arith::ShLIOp::create(b, loc, h, constant(i64, 32)));
      }
      break;
    }
    case Collective::All:
    case Collective::Any:
    case Collective::Eq:
      r = NVVM::VoteSyncOp::create(b, loc, i1, mask, pred,
                                   kind == Collective::All   ? NVVM::VoteSyncKind::all
                                   : kind == Collective::Any ? NVVM::VoteSyncKind::any
                                                             : NVVM::VoteSyncKind::uni);
      break;
    case Collective::Ballot:
      r = NVVM::VoteSyncOp::create(b, loc, i32, mask, pred, NVVM::VoteSyncKind::ballot);
      break;
    case Collective::SyncWarp:
      NVVM::SyncWarpOp::create(b, loc, mask);
      r = constant(i64, 0);
      break;
    case Collective::MatchAny:
    case Collective::MatchAll: {
      Value v = bitsValue == 64 ? value : low;
      if (kind == Collective::MatchAny) {
        r = NVVM::MatchSyncOp::create(b, loc, i32, mask, v, NVVM::MatchSyncKind::any);
      } else {
        auto pair = LLVM::LLVMStructType::getLiteral(b.getContext(), {i32, i1});
        Value m = NVVM::MatchSyncOp::create(b, loc, pair, mask, v, NVVM::MatchSyncKind::all);
        r = LLVM::ExtractValueOp::create(b, loc, m, ArrayRef<int64_t>{0});
      }
      break;
    }
    case Collective::ActiveMask:
      r = asm32("activemask.b32 $0;", "=r", {});
      break;
    case Collective::SyncThreadsCount:
      r = asm32("{ .reg .pred p; setp.ne.b32 p, $1, 0; bar.red.popc.u32 $0, 0, p; }", "=r,r",
                {low});
      break;
    case Collective::SyncThreadsAnd:
    case Collective::SyncThreadsOr:
      r = asm32(kind == Collective::SyncThreadsAnd
                    ? "{ .reg .pred p, q; setp.ne.b32 p, $1, 0; bar.red.and.pred q, 0, p; "
                      "selp.u32 $0, 1, 0, q; }"
                    : "{ .reg .pred p, q; setp.ne.b32 p, $1, 0; bar.red.or.pred q, 0, p; "
                      "selp.u32 $0, 1, 0, q; }",
                "=r,r", {low});
      break;
    }
    if (r.getType() != i64)
      r = arith::ExtUIOp::create(b, loc, i64, r);
    b.replaceOp(call, r);
    return success();
  }
};

/// `func.call @__cuft_nanosleep(ns)` -> PTX's nanosleep.u32.
struct NanoSleepCallLowering : public OpRewritePattern<func::CallOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(func::CallOp call, PatternRewriter &b) const override {
    if (call.getCallee() != kNanoSleepFunction)
      return failure();
    LLVM::InlineAsmOp::create(b, call.getLoc(), TypeRange{}, call.getOperands(),
                              "nanosleep.u32 $0;", "r,~{memory}", /*has_side_effects=*/true,
                              /*is_align_stack=*/false, LLVM::TailCallKind::None,
                              LLVM::AsmDialectAttr(), ArrayAttr());
    b.eraseOp(call);
    return success();
  }
};

/// The `llvm.func` `name` of `module` (declared on first use).
LLVM::LLVMFuncOp declareLLVMFunc(PatternRewriter &b, gpu::GPUModuleOp module, StringRef name,
                                 Type result, ArrayRef<Type> args) {
  if (auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return fn;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  return LLVM::LLVMFuncOp::create(b, module.getLoc(), name,
                                  LLVM::LLVMFunctionType::get(result, args));
}

/// `func.call @__cuft_grid_sync()` -> libcudadevrt's grid barrier, as numba
/// and CUDA's cooperative groups call it:
/// `cudaCGSynchronize(cudaCGGetIntrinsicHandle(cudaCGScopeGrid), 0)`. The
/// module gets kCooperativeGlobal, so that the runtime launches it
/// cooperatively (the handle is only valid then); the linker adds
/// libcudadevrt.
struct GridSyncCallLowering : public OpRewritePattern<func::CallOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(func::CallOp call, PatternRewriter &b) const override {
    if (call.getCallee() != kGridSyncFunction)
      return failure();
    auto module = call->getParentOfType<gpu::GPUModuleOp>();
    Location loc = call.getLoc();
    Type i32 = b.getI32Type(), i64 = b.getI64Type();
    auto getHandle = declareLLVMFunc(b, module, "cudaCGGetIntrinsicHandle", i64, {i32});
    auto synchronize = declareLLVMFunc(b, module, "cudaCGSynchronize", i32, {i64, i32});
    constexpr int32_t kScopeGrid = 1; // cudaCGScopeGrid
    Value scope = LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(kScopeGrid));
    Value handle = LLVM::CallOp::create(b, loc, getHandle, ValueRange{scope}).getResult();
    Value flags = LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
    LLVM::CallOp::create(b, loc, synchronize, ValueRange{handle, flags});
    if (!module.lookupSymbol(kCooperativeGlobal)) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(module.getBody());
      auto type = MemRefType::get({}, i32);
      memref::GlobalOp::create(b, loc, kCooperativeGlobal, b.getStringAttr("public"), type,
                               DenseElementsAttr::get(RankedTensorType::get({}, i32),
                                                      b.getI32IntegerAttr(1)),
                               /*constant=*/true, IntegerAttr());
    }
    b.eraseOp(call);
    return success();
  }
};

/// `func.call @__cuft_dynamic_shared_bytes()` -> PTX's %dynamic_smem_size.
struct DynamicSharedBytesLowering : public OpRewritePattern<func::CallOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(func::CallOp call, PatternRewriter &b) const override {
    if (call.getCallee() != kDynamicSharedBytesFunction)
      return failure();
    auto op = LLVM::InlineAsmOp::create(b, call.getLoc(), TypeRange{b.getI32Type()},
                                        ValueRange{}, "mov.u32 $0, %dynamic_smem_size;", "=r",
                                        /*has_side_effects=*/false, /*is_align_stack=*/false,
                                        LLVM::TailCallKind::None, LLVM::AsmDialectAttr(),
                                        ArrayAttr());
    b.replaceOp(call, op.getResult(0));
    return success();
  }
};

/// PTX's constant bank for a module's own data (.const), 64 KiB.
constexpr int64_t kConstBankBytes = 64 * 1024;
/// NVVM's constant address space.
constexpr unsigned kConstAddressSpace = 4;

/// Module-level arrays' values (kConstArrayGlobal) move to PTX's .const space,
/// read through the constant cache, as numba's const.array_like places them:
/// the smallest first while the bank holds them (small tables are the ones
/// read uniformly), the rest stay read-only .global data. Their users keep the
/// generic memref type (a memref.memory_space_cast), so device functions are
/// unchanged; LLVM's address-space inference turns the loads it can trace
/// into ld.const.
void placeConstArrays(gpu::GPUModuleOp gpuModule) {
  auto bytesOf = [](memref::GlobalOp g) {
    return g.getType().getNumElements() * scalarBytes(g.getType().getElementType());
  };
  SmallVector<memref::GlobalOp> globals;
  for (auto global : gpuModule.getOps<memref::GlobalOp>())
    if (global.getConstant() && global.getSymName().starts_with(kConstArrayGlobal) &&
        !global.getType().getMemorySpace())
      globals.push_back(global);
  llvm::stable_sort(globals, [&](memref::GlobalOp a, memref::GlobalOp b) {
    return bytesOf(a) < bytesOf(b);
  });
  OpBuilder b(gpuModule.getContext());
  int64_t used = 0;
  for (memref::GlobalOp global : globals) {
    if (used + bytesOf(global) > kConstBankBytes)
      break;
    used += bytesOf(global);
    MemRefType type = global.getType();
    auto constType = MemRefType::get(type.getShape(), type.getElementType(), type.getLayout(),
                                     b.getI64IntegerAttr(kConstAddressSpace));
    global.setType(constType);
    std::optional<SymbolTable::UseRange> uses = SymbolTable::getSymbolUses(global, gpuModule);
    for (const SymbolTable::SymbolUse &use : *uses) {
      auto get = cast<memref::GetGlobalOp>(use.getUser());
      b.setInsertionPoint(get);
      Value inConst = memref::GetGlobalOp::create(b, get.getLoc(), constType, get.getName());
      get.replaceAllUsesWith(
          memref::MemorySpaceCastOp::create(b, get.getLoc(), type, inConst).getResult());
      get.erase();
    }
  }
}

struct PrepareNVPTXPass : public cuft::impl::PrepareNVPTXBase<PrepareNVPTXPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<LibmCallLowering, PreciseSqrtLowering, TruncLowering, RaiseLowering,
                 CollectiveLowering, DynamicSharedBytesLowering, NanoSleepCallLowering,
                 GridSyncCallLowering>(ctx);
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (auto gpuModule : getOperation().getOps<gpu::GPUModuleOp>()) {
      if (!nvptxDataLayout().empty())
        gpuModule->setAttr("llvm.data_layout", StringAttr::get(ctx, nvptxDataLayout()));
      walkAndApplyPatterns(gpuModule, frozen);
      placeConstArrays(gpuModule);
      for (auto decl : llvm::make_early_inc_range(gpuModule.getOps<func::FuncOp>()))
        if ((decl->hasAttr(kLibmAttr) || decl.getName() == kRaiseFunction ||
             decl.getName() == kCollectiveFunction ||
             decl.getName() == kDynamicSharedBytesFunction ||
             decl.getName() == kNanoSleepFunction || decl.getName() == kGridSyncFunction) &&
            decl.symbolKnownUseEmpty(gpuModule))
          decl.erase();
      // A very large kernel is optimized as such (optimizeModule); level 0
      // is as fast already.
      if (optimizes(gpuModule) && hasLargeFunction(gpuModule))
        gpuModule->setAttr(kLargeModuleAttr, UnitAttr::get(gpuModule.getContext()));
    }
  }
};

} // namespace
