//===- Pipelines.cpp - the cuft-to-ptx pipeline ---------------------------===//

#include "cuft/Pipelines/Pipelines.h"
#include "cuft/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

using namespace mlir;

std::string cuft::defaultLibdevicePath() {
  auto candidate = [](StringRef home) {
    llvm::SmallString<256> path(home);
    llvm::sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
    return std::string(path);
  };
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *home = std::getenv(var))
      if (std::string p = candidate(home); llvm::sys::fs::exists(p))
        return p;
  return candidate(CUFT_DEFAULT_CUDA_HOME);
}

namespace {

/// convert-complex-to-standard, run only on a module that has complex
/// arithmetic: most kernels have none, and the conversion's set-up was ~0.1 ms
/// of a small kernel's compile (80 ms of a 10,000-operand one's).
struct LowerComplexIfAny : public PassWrapper<LowerComplexIfAny, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerComplexIfAny)

  LowerComplexIfAny() { lower.addPass(createConvertComplexToStandardPass()); }
  LowerComplexIfAny(const LowerComplexIfAny &) : LowerComplexIfAny() {}

  StringRef getArgument() const override { return "cuft-lower-complex-if-any"; }
  void getDependentDialects(DialectRegistry &registry) const override {
    lower.getDependentDialects(registry);
  }
  void runOnOperation() override {
    bool any = getOperation()
                   ->walk([](Operation *op) {
                     return isa<complex::ComplexDialect>(op->getDialect()) ? WalkResult::interrupt()
                                                                            : WalkResult::advance();
                   })
                   .wasInterrupted();
    if (any && failed(runPipeline(lower, getOperation())))
      signalPassFailure();
  }

  OpPassManager lower{ModuleOp::getOperationName()};
};

} // namespace

void cuft::buildCuftToPTXPipeline(OpPassManager &pm, const CuftToPTXOptions &options) {
  pm.addPass(createConvertCuftToCF());
  ConvertCuftToGPUOptions lower;
  lower.fastMath = options.fastMath;
  lower.contract = options.fma;
  pm.addPass(createConvertCuftToGPU(lower));
  // Scalar variables (rank-0 allocas) become SSA values now rather than in
  // LLVM's SROA: every later stage sees two operations fewer per assignment.
  // opt-level=0 keeps them in memory, as LLVM would.
  if (options.optLevel > 0)
    pm.addPass(createMem2Reg());
  // Complex arithmetic and functions to arith/math on the parts.
  pm.addPass(std::make_unique<LowerComplexIfAny>());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.ptxFeatures;
  target.optLevel = options.optLevel;
  target.fastFlag = options.fastMath;
  target.ftzFlag = options.fastMath;
  std::string libdevice =
      options.libdevice.empty() ? defaultLibdevicePath() : std::string(options.libdevice);
  target.linkLibs.push_back(libdevice);
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createPrepareNVPTX());

  OpPassManager &gpuPm = pm.nest<gpu::GPUModuleOp>();
  gpuPm.addPass(createSCFToControlFlowPass());
  gpuPm.addPass(arith::createArithExpandOpsPass());
  // Views (memref.subview) become descriptor arithmetic, in affine.apply.
  gpuPm.addPass(memref::createExpandStridedMetadataPass());
  gpuPm.addPass(createLowerAffinePass());
  gpuPm.addPass(createConvertGpuOpsToNVVMOps());
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (options.lineInfo)
    pm.addPass(LLVM::createDIScopeForLLVMFuncOpPass());

  SerializePTXOptions serialize;
  serialize.format = options.binaryFormat;
  pm.addPass(createSerializePTX(serialize));
}

void cuft::buildCuftToHostPipeline(OpPassManager &pm, const CuftToHostOptions &options) {
  pm.addPass(createConvertCuftToCF());
  ConvertCuftToGPUOptions lower;
  lower.fastMath = options.fastMath;
  lower.boundsCheck = options.boundsCheck;
  pm.addPass(createConvertCuftToGPU(lower));
  pm.addPass(createMem2Reg());
  // Complex arithmetic and functions to arith/math on the parts.
  pm.addPass(std::make_unique<LowerComplexIfAny>());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createConvertGPUToHost());
  pm.addPass(createSCFToControlFlowPass());
  // bfloat16 conversions as integer operations: x86 has no instructions (and
  // the JIT no runtime library) for them.
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void cuft::registerCuftPipelines() {
  PassPipelineRegistration<CuftToHostOptions>(
      "cuft-to-host",
      "lower specialized cuft IR to the LLVM dialect for the CPU (the host target): "
      "kernels become __cuft_entry_<name> functions run per block or per thread",
      buildCuftToHostPipeline);
  PassPipelineRegistration<CuftToPTXOptions>(
      "cuft-to-ptx",
      "lower specialized cuft IR to PTX (a gpu.binary holding the PTX text); "
      "cuft-opt prints the PTX",
      buildCuftToPTXPipeline);
}

std::vector<std::string> cuft::collectPTX(Operation *module) {
  std::vector<std::string> result;
  module->walk([&](gpu::BinaryOp binary) {
    for (Attribute a : binary.getObjects())
      if (auto object = dyn_cast<gpu::ObjectAttr>(a);
          object && object.getFormat() == gpu::CompilationTarget::Assembly)
        result.push_back(object.getObject().getValue().str());
  });
  return result;
}
