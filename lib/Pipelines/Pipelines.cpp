//===- Pipelines.cpp - the cuft-to-ptx pipeline ---------------------------===//

#include "cuft/Pipelines/Pipelines.h"
#include "cuft/Conversion/Passes.h"
#include "cuft/Dialect/Cuft/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// A pass run only on an operation that holds an op it has work for; the
/// scan is far cheaper than the pass's own set-up and walk. Used for
/// convert-complex-to-standard (most kernels have no complex arithmetic: its
/// set-up was ~0.1 ms of a small kernel's compile, 80 ms of a
/// 10,000-operand one's) and expand-strided-metadata (only views need it: its
/// greedy walk was 34 ms of the 10,000-operand kernel).
struct RunIfAny : public PassWrapper<RunIfAny, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(RunIfAny)

  using Factory = std::unique_ptr<Pass> (*)();
  using Needs = bool (*)(Operation *);

  RunIfAny(Factory make, Needs needs) : make(make), needs(needs) { inner.addPass(make()); }
  RunIfAny(const RunIfAny &other) : RunIfAny(other.make, other.needs) {}

  StringRef getArgument() const override { return "cuft-run-if-any"; }
  StringRef getName() const override { return inner.begin()->getName(); }
  void getDependentDialects(DialectRegistry &registry) const override {
    inner.getDependentDialects(registry);
  }
  void runOnOperation() override {
    bool any = getOperation()
                   ->walk([&](Operation *op) {
                     return needs(op) ? WalkResult::interrupt() : WalkResult::advance();
                   })
                   .wasInterrupted();
    if (any && failed(runPipeline(inner, getOperation())))
      signalPassFailure();
  }

  Factory make;
  Needs needs;
  OpPassManager inner{OpPassManager::Nesting::Implicit};
};

/// `make`'s pass where there is an op of `Dialect`: convert-complex-to-standard
/// where there is complex arithmetic, convert-scf-to-cf where there is scf
/// (cuft lowers its own control flow to cf: scf comes only from the complex and
/// view lowerings), lower-affine where there is affine (expand-strided-metadata's).
template <typename Dialect> std::unique_ptr<Pass> ifDialect(RunIfAny::Factory make) {
  return std::make_unique<RunIfAny>(
      make, [](Operation *op) { return isa_and_nonnull<Dialect>(op->getDialect()); });
}

std::unique_ptr<Pass> lowerComplexIfAny() {
  return ifDialect<complex::ComplexDialect>([] { return createConvertComplexToStandardPass(); });
}

std::unique_ptr<Pass> controlFlowIfAny() {
  return ifDialect<scf::SCFDialect>([] { return createSCFToControlFlowPass(); });
}

std::unique_ptr<Pass> lowerAffineIfAny() {
  return ifDialect<affine::AffineDialect>([] { return createLowerAffinePass(); });
}

/// expand-strided-metadata where there is a view or reshape to expand.
std::unique_ptr<Pass> expandStridedMetadataIfAny() {
  return std::make_unique<RunIfAny>(
      [] { return memref::createExpandStridedMetadataPass(); },
      [](Operation *op) {
        return isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
                   memref::ReinterpretCastOp, memref::CastOp, memref::ExtractStridedMetadataOp,
                   memref::ExtractAlignedPointerAsIndexOp>(op);
      });
}

/// Whether arith-expand leaves `op` as it is, whatever its options: the
/// arith ops most kernels consist of. Any other arith op (min and max, ceil
/// and floor division, conversions to or from a type narrower than f16...)
/// runs the pass, so an op missing here costs time, never a wrong lowering.
bool arithExpandKeeps(Operation *op) {
  if (isa<arith::ConstantOp, arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::DivSIOp,
          arith::DivUIOp, arith::RemSIOp, arith::RemUIOp, arith::AddFOp, arith::SubFOp,
          arith::MulFOp, arith::DivFOp, arith::RemFOp, arith::NegFOp, arith::CmpIOp,
          arith::CmpFOp, arith::SelectOp, arith::IndexCastOp, arith::IndexCastUIOp,
          arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp, arith::SIToFPOp, arith::UIToFPOp,
          arith::FPToSIOp, arith::FPToUIOp, arith::BitcastOp, arith::AndIOp, arith::OrIOp,
          arith::XOrIOp, arith::ShLIOp, arith::ShRSIOp, arith::ShRUIOp>(op))
    return true;
  if (isa<arith::ExtFOp, arith::TruncFOp>(op)) {
    auto wide = [](Type t) {
      return isa<Float16Type, Float32Type, Float64Type>(getElementTypeOrSelf(t));
    };
    return wide(op->getOperand(0).getType()) && wide(op->getResult(0).getType());
  }
  return false;
}

/// arith-expand (bfloat16 conversions expanded too where `IncludeBf16`) where
/// an arith op may need it.
template <bool IncludeBf16>
std::unique_ptr<Pass> arithExpandIfAny() {
  return std::make_unique<RunIfAny>(
      [] {
        arith::ArithExpandOpsPassOptions expand;
        expand.includeBf16 = IncludeBf16;
        return arith::createArithExpandOpsPass(expand);
      },
      [](Operation *op) {
        return isa_and_nonnull<arith::ArithDialect>(op->getDialect()) && !arithExpandKeeps(op);
      });
}

} // namespace

void cuft::buildCuftToPTXPipeline(OpPassManager &pm, const CuftToPTXOptions &options) {
  pm.addPass(createConvertCuftToCF());
  ConvertCuftToGPUOptions lower;
  lower.fastMath = options.fastMath;
  lower.contract = options.fma;
  lower.cacheHints = true;
  pm.addPass(createConvertCuftToGPU(lower));
  // Scalar variables (rank-0 allocas) become SSA values now rather than in
  // LLVM's SROA: every later stage sees two operations fewer per assignment.
  // opt-level=0 keeps them in memory, as LLVM would.
  if (options.optLevel > 0)
    pm.addPass(createMem2Reg());
  // Complex arithmetic and functions to arith/math on the parts.
  pm.addPass(lowerComplexIfAny());
  // Folding only (cuft-fold), not the canonicalizer: its patterns and region
  // simplification (dead block arguments, unreachable blocks) are LLVM's
  // InstCombine's and SimplifyCFG's work too, in every pipeline
  // serialize-ptx runs (code generation drops unreachable blocks at level 0).
  // The gallery's PTX is the same but for two kernels' register numbering and
  // one instruction of one kernel's SASS; a 10,000-operand and-chain's
  // folding takes 26 ms where the canonicalizer took 51 (77 with region
  // simplification).
  pm.addPass(createCuftFold());
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
  // These three have nothing to do in most kernels: each runs only where
  // its ops are (saxpy: 0.08 of its 3 ms to PTX went to their set-up).
  gpuPm.addPass(controlFlowIfAny());
  gpuPm.addPass(arithExpandIfAny</*IncludeBf16=*/false>());
  // Views (memref.subview) become descriptor arithmetic, in affine.apply.
  gpuPm.addPass(expandStridedMetadataIfAny());
  gpuPm.addPass(lowerAffineIfAny());

  // serialize-ptx translates what is left (arith, cf, math, memref, gpu and
  // a few nvvm and llvm ops) to LLVM IR in one walk (Translate.cpp): no
  // conversion to the LLVM dialect first.
  SerializePTXOptions serialize;
  serialize.format = options.binaryFormat;
  serialize.inlinerWalk = options.inlinerWalk;
  serialize.lineInfo = options.lineInfo;
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
  pm.addPass(lowerComplexIfAny());
  pm.addPass(createCuftFold());
  pm.addPass(createCSEPass());
  pm.addPass(createConvertGPUToHost());
  pm.addPass(controlFlowIfAny());
  // bfloat16 conversions as integer operations: x86 has no instructions (and
  // the JIT no runtime library) for them.
  pm.addPass(arithExpandIfAny</*IncludeBf16=*/true>());
  pm.addPass(expandStridedMetadataIfAny());
  pm.addPass(lowerAffineIfAny());
  // The host compiler translates what is left to LLVM IR in one walk
  // (cuft::translateToHostIR), as serialize-ptx does for NVPTX.
}

void cuft::registerCuftPipelines() {
  PassPipelineRegistration<CuftToHostOptions>(
      "cuft-to-host",
      "lower specialized cuft IR for the CPU (the host target), to the dialects the host "
      "compiler translates to LLVM IR: kernels become __cuft_entry_<name> functions run "
      "per block or per thread",
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
