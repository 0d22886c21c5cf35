//===- OptLevel.cpp - how a kernel's LLVM IR is optimized -----------------===//
//
// One rule for both targets (serialize-ptx and the host compiler): LLVM's
// pipeline for the requested level, except on a function of many thousands
// of blocks, where LLVM's optimizer and code generators spend time per block
// that grows with the function (GVN's memory dependence walks at -O3,
// SimplifyCFG's over the predecessors of a merge block at -O1, the
// aggressive register allocators): there a short clean-up pipeline and level
// 0 code generation. See docs/Python.md ("Options"). A module none of whose
// functions calls another it defines (a GPU kernel) gets LLVM's pipeline
// built here, without the inliner's walk of the call graph (flatPipeline).
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/Passes.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/IPO/AlwaysInliner.h"
#include "llvm/Transforms/IPO/Annotation2Metadata.h"
#include "llvm/Transforms/IPO/ForceFunctionAttrs.h"
#include "llvm/Transforms/IPO/FunctionAttrs.h"
#include "llvm/Transforms/IPO/GlobalOpt.h"
#include "llvm/Transforms/IPO/InferFunctionAttrs.h"
#include "llvm/Transforms/IPO/SCCP.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/InstSimplifyPass.h"
#include "llvm/Transforms/Scalar/LowerExpectIntrinsic.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Local.h"
#include "llvm/Transforms/Utils/Mem2Reg.h"

bool cuft::hasLargeFunction(mlir::Operation *root) {
  bool large = false;
  root->walk<mlir::WalkOrder::PreOrder>([&](mlir::FunctionOpInterface function) {
    size_t blocks = 0;
    bool longBlock = false;
    function->walk([&](mlir::Block *block) {
      ++blocks;
      longBlock |= block->getOperations().size() > kLargeBlockOperations;
    });
    if (blocks > kLargeFunctionBlocks || longBlock) {
      large = true;
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::skip();
  });
  return large;
}

namespace {

/// Whether a function of `module` calls one it defines (a device function
/// not inlined yet, a library function linked before optimizing).
bool callsDefinedFunction(llvm::Module &module) {
  for (llvm::Function &f : module)
    if (!f.isDeclaration())
      for (llvm::User *u : f.users())
        if (llvm::isa<llvm::CallBase>(u))
          return true;
  return false;
}

/// LLVM's per-module pipeline at `level` for a module none of whose
/// functions calls another it defines (a GPU kernel, its device functions
/// inlined): its passes in its order, but with the function simplification
/// pipeline run on each function directly, not inside the inliner's walk of
/// the call graph's SCCs (with no call to inline it only cost time: a
/// fifth of saxpy's -O3), and function attributes inferred by their pass
/// alone, as the inliner's walk did before simplifying. The gallery's 77
/// kernels get the same PTX to the byte; saxpy's -O3 1.0 -> 0.85 ms.
llvm::ModulePassManager flatPipeline(llvm::PassBuilder &pb, llvm::OptimizationLevel level) {
  using llvm::ThinOrFullLTOPhase;
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::Annotation2MetadataPass());
  mpm.addPass(llvm::ForceFunctionAttrsPass());
  pb.invokePipelineStartEPCallbacks(mpm, level);
  // buildModuleSimplificationPipeline's, up to its inliner.
  mpm.addPass(llvm::InferFunctionAttrsPass());
  llvm::FunctionPassManager early;
  early.addPass(llvm::LowerExpectIntrinsicPass());
  early.addPass(llvm::SimplifyCFGPass());
  early.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  early.addPass(llvm::EarlyCSEPass());
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(early)));
  pb.invokePipelineEarlySimplificationEPCallbacks(mpm, level, ThinOrFullLTOPhase::None);
  mpm.addPass(llvm::IPSCCPPass());
  mpm.addPass(llvm::GlobalOptPass());
  llvm::FunctionPassManager cleanup;
  cleanup.addPass(llvm::PromotePass());
  cleanup.addPass(llvm::InstCombinePass());
  cleanup.addPass(llvm::SimplifyCFGPass());
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(cleanup)));
  // The inliner's walk, without an inliner.
  mpm.addPass(llvm::createModuleToPostOrderCGSCCPassAdaptor(llvm::PostOrderFunctionAttrsPass()));
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(
      pb.buildFunctionSimplificationPipeline(level, ThinOrFullLTOPhase::None)));
  mpm.addPass(pb.buildModuleOptimizationPipeline(level, ThinOrFullLTOPhase::None));
  return mpm;
}

/// Each branch on a constant made unconditional, the blocks that leaves
/// unreachable removed, and each block whose one predecessor branches only
/// to it merged into that one: SimplifyCFG's part that a large function
/// needs (an `elif` chain's first test of its "taken" flag is `br i1 false`),
/// in one pass over the blocks.
struct CleanBranchesPass : llvm::PassInfoMixin<CleanBranchesPass> {
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &) {
    bool changed = false;
    for (llvm::BasicBlock &block : f)
      changed |= llvm::ConstantFoldTerminator(&block, /*DeleteDeadConditions=*/true);
    if (changed)
      llvm::removeUnreachableBlocks(f);
    for (llvm::BasicBlock &block : llvm::make_early_inc_range(f))
      changed |= llvm::MergeBlockIntoPredecessor(&block);
    return changed ? llvm::PreservedAnalyses::none() : llvm::PreservedAnalyses::all();
  }
};

} // namespace

llvm::Error cuft::optimizeModule(llvm::Module &module, unsigned level, bool large,
                                 llvm::TargetMachine *tm,
                                 llvm::function_ref<void(llvm::PassBuilder &)> extend,
                                 const llvm::TargetLibraryInfoImpl *library,
                                 bool inlinerWalk) {
  if (level > 3)
    return llvm::createStringError("invalid optimization level " + std::to_string(level));
  // MLIR's makeOptimizingTransformer's tuning, which this replaces.
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = true;
  tuning.LoopInterleaving = true;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder pb(tm, tuning);
  if (extend && !large)
    extend(pb);
  llvm::ModulePassManager mpm;
  if (level == 0) {
    mpm = pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0);
  } else if (!large) {
    static const llvm::OptimizationLevel levels[] = {
        llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1, llvm::OptimizationLevel::O2,
        llvm::OptimizationLevel::O3};
    if (!inlinerWalk && !callsDefinedFunction(module))
      mpm = flatPipeline(pb, levels[level]);
    else
      mpm = pb.buildPerModuleDefaultPipeline(levels[level]);
  } else {
    llvm::FunctionPassManager clean;
    // InstSimplify first: it folds the memref descriptors' insertvalue and
    // extractvalue pairs, which hide a variable's alloca from SROA. No
    // InstCombine: on the and-chain's merge of 10,000 values it took 10 s.
    // Not SimplifyCFG either (half this pipeline's time on the chain): of its
    // work, CleanBranchesPass's is what the PTX of test/bench/large_kernels.py's
    // three shapes needs to stay the same to the byte.
    clean.addPass(llvm::InstSimplifyPass());
    clean.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
    clean.addPass(llvm::EarlyCSEPass());
    clean.addPass(CleanBranchesPass());
    mpm.addPass(llvm::AlwaysInlinerPass());
    mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(clean)));
  }
  cuft::runPasses(module, pb, mpm, library);
  return llvm::Error::success();
}

void cuft::runPasses(llvm::Module &module, llvm::PassBuilder &pb, llvm::ModulePassManager &mpm,
                     const llvm::TargetLibraryInfoImpl *library) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  if (library) // registered first: registerFunctionAnalyses keeps it
    fam.registerPass([library] { return llvm::TargetLibraryAnalysis(*library); });
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  mpm.run(module, mam);
}
