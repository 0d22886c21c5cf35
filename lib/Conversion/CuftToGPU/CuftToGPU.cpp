//===- CuftToGPU.cpp - convert-cuft-to-gpu --------------------------------===//

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Conversion/Passes.h"
#include "cuft/Runtime/KernelArgs.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"

#include <memory>

namespace cuft {
#define GEN_PASS_DEF_CONVERTCUFTTOGPU
#include "cuft/Conversion/Passes.h.inc"
} // namespace cuft

using namespace mlir;
using namespace cuft;

namespace {

/// A poison of a cuft type (an array variable no path assigned, see
/// convert-cuft-to-cf): the poison of the converted type.
struct PoisonLowering : public OpConversionPattern<ub::PoisonOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ub::PoisonOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type)
      return failure();
    rewriter.replaceOpWithNewOp<ub::PoisonOp>(op, type);
    return success();
  }
};

/// The kernel ABI passes a complex scalar as two parameters, its real and
/// imaginary parts, and a record scalar (passed by value) as its bytes in
/// 8-byte words (cuft/Runtime/KernelArgs.h): the kernel rebuilds each at
/// entry, a record as a copy in the thread's local memory.
void splitParameters(KernelOp kernel) {
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  SmallVector<Type> inputs;
  for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
    BlockArgument arg = entry.getArgument(i);
    Location loc = arg.getLoc();
    Value rebuilt;
    unsigned parts = 0;
    if (auto c = dyn_cast<ComplexType>(arg.getType())) {
      Type part = c.getElementType();
      Value re = entry.insertArgument(i, part, loc);
      Value im = entry.insertArgument(i + 1, part, loc);
      rebuilt = ComplexOp::create(b, loc, c, re, im);
      inputs.append({part, part});
      parts = 2;
    } else if (auto rec = dyn_cast<RecordType>(arg.getType())) {
      Type word = b.getI64Type();
      int64_t words = (rec.getSize() + 7) / 8;
      auto copy = memref::AllocaOp::create(b, loc, MemRefType::get({words}, word),
                                           b.getI64IntegerAttr(16));
      for (int64_t k = 0; k < words; ++k) {
        Value w = entry.insertArgument(i + unsigned(k), word, loc);
        memref::StoreOp::create(b, loc, w, copy,
                                ValueRange{arith::ConstantIndexOp::create(b, loc, k)});
        inputs.push_back(word);
      }
      Value address = arith::IndexCastOp::create(
          b, loc, word, memref::ExtractAlignedPointerAsIndexOp::create(b, loc, copy));
      rebuilt = UnrealizedConversionCastOp::create(b, loc, rec, address).getResult(0);
      parts = unsigned(words);
    } else {
      inputs.push_back(arg.getType());
      continue;
    }
    entry.getArgument(i + parts).replaceAllUsesWith(rebuilt);
    entry.eraseArgument(i + parts);
    i += parts - 1;
  }
  kernel.setFunctionType(FunctionType::get(kernel.getContext(), inputs, {}));
}

/// The type converter, conversion target and patterns of a pass instance,
/// made once in initialize() (not per run: a fifth of a small kernel's
/// convert-cuft-to-gpu went to building them).
struct Lowering {
  Lowering(MLIRContext *ctx, const CuftLoweringOptions &options)
      : converter(ctx), target(*ctx) {
    RewritePatternSet set(ctx);
    populateCuftArithToArithPatterns(converter, set, options);
    populateCuftMemoryToMemRefPatterns(converter, set, options);
    populateCuftGpuToGpuPatterns(converter, set);
    populateCuftFuncToGpuPatterns(converter, set);
    target.addIllegalDialect<CuftDialect>();
    target.addLegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                           complex::ComplexDialect, func::FuncDialect,
                           gpu::GPUDialect, LLVM::LLVMDialect, math::MathDialect,
                           memref::MemRefDialect, scf::SCFDialect>();
    target.addLegalOp<UnrealizedConversionCastOp>();
    // Array variables promoted by convert-cuft-to-cf are block arguments,
    // passed by branches, with a poison value where a path has none.
    populateBranchOpInterfaceTypeConversionPattern(set, converter);
    target.addDynamicallyLegalOp<cf::BranchOp, cf::CondBranchOp>([this](Operation *op) {
      return isLegalForBranchOpInterfaceTypeConversionPattern(op, converter);
    });
    set.add<PoisonLowering>(converter, ctx);
    target.addDynamicallyLegalOp<ub::PoisonOp>(
        [this](ub::PoisonOp op) { return converter.isLegal(op.getType()); });
    patterns = FrozenRewritePatternSet(std::move(set));
  }
  Lowering(const Lowering &) = delete;

  CuftTypeConverter converter;
  ConversionTarget target;
  FrozenRewritePatternSet patterns;
};

struct ConvertCuftToGPUPass : public cuft::impl::ConvertCuftToGPUBase<ConvertCuftToGPUPass> {
  using ConvertCuftToGPUBase::ConvertCuftToGPUBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    CuftLoweringOptions options;
    options.fastMath = fastMath;
    options.boundsCheck = boundsCheck;
    options.cacheHints = cacheHints;
    lowering = std::make_shared<const Lowering>(ctx, options);
    return success();
  }

  std::shared_ptr<const Lowering> lowering;

  /// The lowering needs typed IR whose control flow is already in cf form.
  LogicalResult checkInput(ArrayRef<Operation *> fns) {
    for (Operation *fn : fns) {
      bool specialized = isa<KernelOp>(fn) ? cast<KernelOp>(fn).isSpecialized()
                                           : cast<FuncOp>(fn).isSpecialized();
      StringRef name = cast<SymbolOpInterface>(fn).getName();
      if (!specialized)
        return fn->emitError("'") << name << "' is not specialized: run cuft-specialize first";
      WalkResult r = fn->walk([&](Operation *op) {
        if (isa<IfOp, ForOp, WhileOp, ShortCircuitOp>(op)) {
          op->emitError("structured control flow must be lowered first: run "
                        "convert-cuft-to-cf before convert-cuft-to-gpu");
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      if (r.wasInterrupted())
        return failure();
    }
    return success();
  }

  /// At each kernel's entry: every dimension of an array parameter is below
  /// kMaxArrayDim (the launch checks it, KernelArgs.h).
  static void assumeArrayDims(gpu::GPUModuleOp gpuModule) {
    gpuModule.walk([](gpu::GPUFuncOp fn) {
      if (!fn.isKernel() || fn.getBody().empty())
        return;
      auto b = OpBuilder::atBlockBegin(&fn.getBody().front());
      Location loc = fn.getLoc();
      Value bound;
      for (BlockArgument arg : fn.getArguments()) {
        auto type = dyn_cast<MemRefType>(arg.getType());
        for (int64_t d = 0; type && d < type.getRank(); ++d) {
          if (!type.isDynamicDim(d))
            continue;
          if (!bound)
            bound = arith::ConstantIndexOp::create(b, loc, kMaxArrayDim);
          Value size = memref::DimOp::create(b, loc, arg, d);
          LLVM::AssumeOp::create(
              b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, size, bound));
        }
      }
    });
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<Operation *> fns;
    for (Operation &op : module.getBody()->getOperations())
      if (isa<KernelOp, FuncOp>(op))
        fns.push_back(&op);
    if (fns.empty())
      return;
    if (failed(checkInput(fns)))
      return signalPassFailure();

    for (Operation *fn : fns)
      if (auto kernel = dyn_cast<KernelOp>(fn))
        splitParameters(kernel);

    // Local arrays are stack slots: allocate them once, at function entry.
    for (Operation *fn : fns) {
      Block &entry = fn->getRegion(0).front();
      SmallVector<AllocLocalOp> allocs;
      fn->walk([&](AllocLocalOp a) { allocs.push_back(a); });
      for (AllocLocalOp a : llvm::reverse(allocs))
        a->moveBefore(&entry, entry.begin());
    }

    // Kernels and device functions go into one gpu.module.
    OpBuilder builder(ctx);
    auto gpuModule = module.lookupSymbol<gpu::GPUModuleOp>(moduleName);
    if (!gpuModule) {
      builder.setInsertionPointToEnd(module.getBody());
      gpuModule = gpu::GPUModuleOp::create(builder, module.getLoc(), moduleName);
    }
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), builder.getUnitAttr());
    Block &gpuBody = gpuModule.getBodyRegion().front();
    for (Operation *fn : fns)
      fn->moveBefore(&gpuBody, gpuBody.end());

    // Without the driver's attempt to fold each op before its patterns:
    // cuft-specialize folded the IR last (a 10,000-operand and-chain: 147 ->
    // 128 ms; the gallery's PTX the same). (With the rollback log: cuft's
    // patterns read their op's original operands, a cuft type's signedness,
    // a grid index's defining op, which only the log keeps.)
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(gpuModule, lowering->target, lowering->patterns, config)))
      return signalPassFailure();
    assumeArrayDims(gpuModule);

    // Neither flag where a function asks for exact float operations.
    auto exact = [](Operation *op) {
      auto fn = op->getParentOfType<func::FuncOp>();
      return fn && fn->hasAttr(kExactFpAttr);
    };
    if (contract && !fastMath) { // fast contracts too
      auto flag = arith::FastMathFlagsAttr::get(ctx, arith::FastMathFlags::contract);
      gpuModule.walk([&](arith::ArithFastMathInterface op) {
        if (isa<arith::MulFOp, arith::AddFOp, arith::SubFOp, arith::NegFOp>(op) && !exact(op))
          op->setAttr(op.getFastMathAttrName(), flag);
      });
    }
    if (fastMath) {
      auto fast = arith::FastMathFlagsAttr::get(ctx, arith::FastMathFlags::fast);
      gpuModule.walk([&](arith::ArithFastMathInterface op) {
        if (!exact(op))
          op->setAttr(op.getFastMathAttrName(), fast);
      });
      // Flush f32 denormals to zero (the `.ftz` forms): the translation to
      // LLVM IR makes it the function's denormal-fp-math-f32, which NVPTX reads.
      auto ftz = builder.getStringAttr("preserve-sign");
      gpuModule.walk([&](FunctionOpInterface fn) {
        if (isa<gpu::GPUFuncOp, func::FuncOp>(fn.getOperation()) && !fn.isExternal())
          fn->setAttr("denormal_fp_math_f32", ftz);
      });
    }
  }
};

} // namespace
