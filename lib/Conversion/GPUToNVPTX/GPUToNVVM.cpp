//===- GPUToNVVM.cpp - cuft-gpu-to-nvvm: GPU to NVVM, patterns made once ---===//
//
// MLIR's convert-gpu-to-nvvm at its default options, but with its type
// converter, conversion target and patterns built in initialize() rather
// than on every run (MLIR's convert-to-llvm keeps its patterns the same way).
// Building them took about 0.3 ms per compile: the GPU to NVVM patterns and
// every loaded dialect's ConvertToLLVM patterns, frozen.
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/Passes.h"

#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <memory>

namespace cuft {
#define GEN_PASS_DEF_LOWERGPUTONVVM
#include "cuft/Conversion/Passes.h.inc"
} // namespace cuft

using namespace mlir;

namespace {

/// NVPTX's index width: a gpu.module's data layout without a DLTI spec.
constexpr unsigned kIndexBits = 64;

/// What convert-gpu-to-nvvm builds on each run, built once. Shared by the
/// clones of a pass (the patterns are stateless; a type converter's caches
/// take a lock).
struct Lowering {
  explicit Lowering(MLIRContext *ctx)
      : converter(ctx, [&] {
          LowerToLLVMOptions options(ctx);
          options.overrideIndexBitwidth(kIndexBits);
          return options;
        }()),
        target(*ctx) {
    RewritePatternSet rewrites(ctx);
    populateGpuRewritePatterns(rewrites);
    inDialect = FrozenRewritePatternSet(std::move(rewrites));

    configureGpuToNVVMTypeConverter(converter);
    RewritePatternSet patterns(ctx);
    // At a higher benefit than the generic LLVM lowerings, as there.
    populateGpuToNVVMConversionPatterns(converter, patterns, /*benefit=*/10);
    for (Dialect *dialect : ctx->getLoadedDialects()) {
      if (isa<math::MathDialect>(dialect)) // NVVM lowers math to libdevice
        continue;
      if (auto *iface = dyn_cast<ConvertToLLVMPatternInterface>(dialect))
        iface->populateConvertToLLVMConversionPatterns(target, converter, patterns);
    }
    populateGpuWMMAToNVVMConversionPatterns(converter, patterns);
    configureGpuToNVVMConversionLegality(target);
    toNVVM = FrozenRewritePatternSet(std::move(patterns));
  }

  /// Whether `m` has an op the GPU dialect's rewrites rewrite:
  /// populateGpuRewritePatterns is the all-reduce, global-id and shuffle
  /// rewrites (of gpu.all_reduce, gpu.global_id and 64-bit gpu.shuffle;
  /// the all-reduce pattern's root is gpu.func, to find the all_reduce in it).
  static bool rewritesSome(gpu::GPUModuleOp m) {
    return m->walk([](Operation *op) {
              return isa<gpu::AllReduceOp, gpu::GlobalIdOp, gpu::ShuffleOp>(op)
                         ? WalkResult::interrupt()
                         : WalkResult::advance();
            })
        .wasInterrupted();
  }

  LLVMTypeConverter converter;
  LLVMConversionTarget target;
  FrozenRewritePatternSet inDialect;
  FrozenRewritePatternSet toNVVM;
};

struct LowerGPUToNVVMPass : public cuft::impl::LowerGPUToNVVMBase<LowerGPUToNVVMPass> {
  LogicalResult initialize(MLIRContext *ctx) override {
    lowering = std::make_shared<const Lowering>(ctx);
    return success();
  }

  void runOnOperation() override {
    gpu::GPUModuleOp m = getOperation();
    unsigned indexBits =
        DataLayout(cast<DataLayoutOpInterface>(m.getOperation())).getTypeSizeInBits(
            IndexType::get(&getContext()));
    if (indexBits != kIndexBits) {
      m.emitError("cuft-gpu-to-nvvm lowers a 64-bit index only, not ") << indexBits << "-bit";
      return signalPassFailure();
    }
    for (auto func : m.getOps<func::FuncOp>())
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), UnitAttr::get(&getContext()));
    // Only where there is something to rewrite: the greedy driver folds and
    // simplifies every op and region it visits (a 10,000-operand and-chain:
    // 33 ms), which the canonicalizer before and LLVM after do anyway.
    if (lowering->rewritesSome(m) && failed(applyPatternsGreedily(m, lowering->inDialect)))
      return signalPassFailure();
    // Without the driver's attempt to fold each op before its patterns: the
    // pipeline folds just before (cuft-fold). A 10,000-operand and-chain:
    // 160 -> 139 ms. (MLIR's patterns keep the rollback log: without it the
    // memref descriptors of unused kernel parameters stayed, and the PTX of
    // 9 of the gallery's kernels changed.)
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(m, lowering->target, lowering->toNVVM, config)))
      signalPassFailure();
  }

  std::shared_ptr<const Lowering> lowering;
};

} // namespace
