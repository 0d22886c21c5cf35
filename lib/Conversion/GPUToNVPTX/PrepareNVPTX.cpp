//===- PrepareNVPTX.cpp - prepare-nvptx -----------------------------------===//
//
// The NVPTX target's part of the lowering that convert-gpu-to-nvvm does not do:
// the data layout, the C math library and correctly rounded f32 sqrt through
// libdevice. Everything before this pass is target-independent (the host target
// runs the same IR through convert-gpu-to-host). See CuftConversionPasses.td.
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
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

/// `math.trunc` -> `__nv_trunc[f]`: convert-gpu-to-nvvm leaves it.
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

struct PrepareNVPTXPass : public cuft::impl::PrepareNVPTXBase<PrepareNVPTXPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<LibmCallLowering, PreciseSqrtLowering, TruncLowering>(ctx);
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (auto gpuModule : getOperation().getOps<gpu::GPUModuleOp>()) {
      if (!nvptxDataLayout().empty())
        gpuModule->setAttr("llvm.data_layout", StringAttr::get(ctx, nvptxDataLayout()));
      walkAndApplyPatterns(gpuModule, frozen);
      for (auto decl : llvm::make_early_inc_range(gpuModule.getOps<func::FuncOp>()))
        if (decl->hasAttr(kLibmAttr) && decl.symbolKnownUseEmpty(gpuModule))
          decl.erase();
    }
  }
};

} // namespace
