//===- GuardedLoops.cpp - thread loops whose guard holds throughout --------===//
//
// A host block's threads are a loop, and a kernel's `if i < n:` (i =
// blockIdx.x * blockDim.x + threadIdx.x) a comparison of the loop's induction
// variable with a value the loop does not change. LLVM vectorizes such a loop
// with masked loads and stores (a 2^22-element saxpy: 0.96 ms, 0.76 ms
// without the guard), although in every block but the grid's last the guard
// holds for all threads.
//
// Such a comparison is monotone over the loop (its induction variable moves
// one way without wrapping), so it holds for every iteration when it holds
// for the first and the last: a loop-invariant fact, computed before the
// loop. An innermost loop with a computable trip count and such comparisons
// of an index that starts where the block does is versioned (with the loops
// around it in which the test does not change: a 2-D block's rows): when all
// of them hold throughout, a copy runs in which they are `true` (it
// vectorizes without masks); else the loops as they were, the innermost kept
// scalar (it runs in the grid's edge blocks only).
//
// The same pass marks a kernel's thread loop parallel for LLVM (markParallel,
// HostTarget.h's kThreadLoop).
//
// Unlike LLVM's inductive range check elimination (which splits the loop into
// a checked part and a scalar remainder: the remainder of a block's tree
// reduction, `if tid < s:` with s halving, ran 1,800 scalar iterations per
// block and made it 3x slower), nothing changes where the guard does not
// hold throughout. LLVM's loop unswitching does not do this itself: it left
// `all | c` (the same fact) to the vectorizer's masks.
//
//===----------------------------------------------------------------------===//

#include "HostTarget.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/Analysis/VectorUtils.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

using namespace llvm;
using cuft::host::detail::addLoopProperties;
using cuft::host::detail::scalarLoop;

namespace {

/// Marks a loop this pass has versioned (both copies).
constexpr const char kGuarded[] = "cuft.guarded";

/// Whether `rec pred bound` (`rec` an affine recurrence of the loop, `bound`
/// invariant) holds for every iteration when a test before the loop says so
/// (holdsThroughout): an ordering whose recurrence does not wrap in the
/// ordering's signedness, or `!=` with a constant step and no wrap (which
/// InstCombine makes of `j > 0` once it knows `j >= 0`).
bool monotone(ICmpInst::Predicate pred, const SCEVAddRecExpr *rec) {
  if (!rec->isAffine() || pred == ICmpInst::ICMP_EQ)
    return false;
  if (pred == ICmpInst::ICMP_NE) {
    auto *step = dyn_cast<SCEVConstant>(rec->getOperand(1));
    return step && !step->getValue()->isZero() &&
           (rec->hasNoSignedWrap() || rec->hasNoUnsignedWrap());
  }
  return ICmpInst::isSigned(pred) ? rec->hasNoSignedWrap() : rec->hasNoUnsignedWrap();
}

/// Whether `first pred bound` and so on to `last` (the recurrence's values
/// at the first and the last iteration) all hold, for `monotone` comparisons:
/// an ordering holds at both ends; `!=` has `bound` outside [first, last]
/// (the recurrence's order, in the signedness it does not wrap in).
Value *holdsThroughout(IRBuilder<> &b, ICmpInst::Predicate pred, const SCEVAddRecExpr *rec,
                       Value *first, Value *last, Value *bound) {
  if (pred != ICmpInst::ICMP_NE)
    return b.CreateAnd(b.CreateICmp(pred, first, bound), b.CreateICmp(pred, last, bound));
  bool down = cast<SCEVConstant>(rec->getOperand(1))->getValue()->isNegative();
  Value *lo = down ? last : first, *hi = down ? first : last;
  ICmpInst::Predicate less = rec->hasNoSignedWrap() ? ICmpInst::ICMP_SLT : ICmpInst::ICMP_ULT;
  return b.CreateOr(b.CreateICmp(less, bound, lo), b.CreateICmp(less, hi, bound));
}

/// Versions `loop` on whether its monotone comparisons hold throughout.
bool guardLoop(Loop &loop, ScalarEvolution &se, LoopInfo &loops, DominatorTree &dt) {
  BasicBlock *preheader = loop.getLoopPreheader();
  BasicBlock *exit = loop.getUniqueExitBlock();
  BasicBlock *latch = loop.getLoopLatch();
  if (!preheader || !exit || !latch || !loop.isInnermost() || !loop.isLoopSimplifyForm() ||
      latch->getTerminator()->getMetadata(kGuarded))
    return false;
  const SCEV *trips = se.getBackedgeTakenCount(&loop);
  if (isa<SCEVCouldNotCompute>(trips))
    return false;
  struct Check {
    ICmpInst *cmp;
    const SCEVAddRecExpr *rec;
    const SCEV *bound;
    ICmpInst::Predicate pred; // rec pred bound
  };
  SmallVector<Check> checks;
  for (BasicBlock *block : loop.blocks())
    for (Instruction &inst : *block) {
      auto *cmp = dyn_cast<ICmpInst>(&inst);
      if (!cmp || !cmp->getOperand(0)->getType()->isIntegerTy() ||
          llvm::all_of(cmp->users(), [&](User *u) {
            // The loop's own exit test is not a guard.
            auto *br = dyn_cast<BranchInst>(u);
            return br && loop.isLoopExiting(br->getParent());
          }))
        continue;
      const SCEV *lhs = se.getSCEV(cmp->getOperand(0));
      const SCEV *rhs = se.getSCEV(cmp->getOperand(1));
      ICmpInst::Predicate pred = cmp->getPredicate();
      if (!isa<SCEVAddRecExpr>(lhs)) {
        std::swap(lhs, rhs);
        pred = ICmpInst::getSwappedPredicate(pred);
      }
      auto *rec = dyn_cast<SCEVAddRecExpr>(lhs);
      // An index that starts where the block does (blockIdx * blockDim +
      // threadIdx): its guard fails in the grid's edge blocks alone. A
      // guard of the thread index itself (a tree reduction's `tid < s`)
      // may fail in every block: not versioned (the copy would be dead
      // code, and the loop's code twice as long to compile).
      if (!rec || rec->getLoop() != &loop || isa<SCEVConstant>(rec->getStart()) ||
          !se.isLoopInvariant(rhs, &loop) || !monotone(pred, rec))
        continue;
      checks.push_back({cmp, rec, rhs, pred});
    }
  if (checks.empty())
    return false;
  SCEVExpander expander(se, "cuft.guard");
  for (const Check &c : checks)
    if (!expander.isSafeToExpand(c.rec->getStart()) || !expander.isSafeToExpand(c.bound) ||
        !expander.isSafeToExpand(c.rec->evaluateAtIteration(trips, se)))
      return false;

  // The loop versioned is the outermost around `loop` in which the test is
  // invariant: a 2-D block's loop over its rows for a guard of x (whose test
  // would otherwise run per row of 16 threads).
  Loop *outer = &loop;
  auto invariantIn = [&](Loop *l) {
    if (!l->getLoopPreheader() || !l->getUniqueExitBlock() || !l->isLoopSimplifyForm() ||
        !se.isLoopInvariant(trips, l))
      return false;
    return llvm::all_of(checks, [&](const Check &c) {
      return se.isLoopInvariant(c.rec->getStart(), l) && se.isLoopInvariant(c.bound, l);
    });
  };
  while (outer->getParentLoop() && invariantIn(outer->getParentLoop()))
    outer = outer->getParentLoop();
  preheader = outer->getLoopPreheader();
  exit = outer->getUniqueExitBlock();

  // Values of the loop used after it pass through the exit's phis, which
  // get the copy's values too.
  formLCSSARecursively(*outer, dt, &loops, &se);

  // preheader: whether every check holds throughout, then to the copy of the
  // loop where they do (entered through `fast`) or to the loop (`slow`).
  Instruction *at = preheader->getTerminator();
  IRBuilder<> b(at);
  Value *all = b.getTrue();
  for (const Check &c : checks) {
    Type *type = c.rec->getType();
    Value *bound = expander.expandCodeFor(c.bound, type, at);
    Value *first = expander.expandCodeFor(c.rec->getStart(), type, at);
    Value *last = expander.expandCodeFor(c.rec->evaluateAtIteration(trips, se), type, at);
    all = b.CreateAnd(all, holdsThroughout(b, c.pred, c.rec, first, last, bound));
  }
  all->setName("cuft.guard.holds");
  BasicBlock *slow = SplitBlock(preheader, at, &dt, &loops, nullptr, "cuft.guard.slow");
  ValueToValueMapTy map;
  SmallVector<BasicBlock *> blocks;
  Loop *copy = cloneLoopWithPreheader(slow, preheader, outer, map, ".held", &loops, &dt, blocks);
  remapInstructionsInBlocks(blocks, map);
  auto *fast = cast<BasicBlock>(map[slow]);
  preheader->getTerminator()->eraseFromParent();
  BranchInst::Create(fast, slow, all, preheader);
  // The exit's values from the copy's exiting blocks.
  SmallVector<BasicBlock *> exiting;
  outer->getExitingBlocks(exiting);
  for (PHINode &phi : exit->phis())
    for (BasicBlock *from : exiting) {
      int index = phi.getBasicBlockIndex(from);
      if (index < 0)
        continue;
      Value *v = phi.getIncomingValue(index);
      auto mapped = map.find(v);
      phi.addIncoming(mapped != map.end() ? static_cast<Value *>(mapped->second) : v,
                      cast<BasicBlock>(map[from]));
    }
  dt.changeImmediateDominator(exit, dt.findNearestCommonDominator(exit, preheader));
  for (const Check &c : checks) {
    auto *held = cast<Instruction>(map[c.cmp]);
    held->replaceAllUsesWith(ConstantInt::getTrue(held->getType()));
    held->eraseFromParent();
  }
  // Both latches are marked (neither is versioned again). The copy gets a
  // loop ID of its own (the vectorizer marks what it did on it); the loop as
  // written now runs in edge blocks only, and stays scalar and rolled: it
  // would double the time LLVM's vectorizer and x86's code generator take
  // (a host compile of saxpy: 24 -> 48 ms).
  Loop *copied = loops.getLoopFor(cast<BasicBlock>(map[loop.getHeader()]));
  for (Loop *l : {&loop, copied})
    l->getLoopLatch()->getTerminator()->setMetadata(kGuarded,
                                                    MDNode::get(latch->getContext(), {}));
  if (copy != copied && copy->getLoopID())
    addLoopProperties(*copy, {});
  addLoopProperties(*copied, {});
  addLoopProperties(loop, scalarLoop(latch->getContext()));
  se.forgetLoop(outer);
  return true;
}

/// The parallel marking of a thread loop (HostTarget.h, GuardedLoopsPass).
bool markParallel(Loop &loop) {
  if (!findOptionMDForLoopID(loop.getLoopID(), cuft::host::detail::kThreadLoop))
    return false;
  SmallVector<Instruction *> accesses;
  for (BasicBlock *block : loop.blocks())
    for (Instruction &inst : *block) {
      if (!inst.mayReadOrWriteMemory())
        continue;
      // llvm.assume and the like touch no memory of the program.
      auto *call = dyn_cast<CallBase>(&inst);
      Value *pointer = getLoadStorePointerOperand(&inst);
      if (!(call && call->onlyAccessesInaccessibleMemory()) &&
          (!pointer || isa<AllocaInst>(getUnderlyingObject(pointer))))
        return false; // a call, or a stack slot every thread shares
      accesses.push_back(&inst);
    }
  LLVMContext &ctx = loop.getHeader()->getContext();
  MDNode *group = MDNode::getDistinct(ctx, {});
  for (Instruction *inst : accesses)
    inst->setMetadata(LLVMContext::MD_access_group,
                      uniteAccessGroups(inst->getMetadata(LLVMContext::MD_access_group), group));
  // The marker goes: the loop is marked once.
  addLoopProperties(loop, cuft::host::detail::parallelThreadsLoop(ctx, group),
                    cuft::host::detail::kThreadLoop);
  return true;
}

} // namespace

PreservedAnalyses cuft::host::detail::GuardedLoopsPass::run(Function &f,
                                                            FunctionAnalysisManager &am) {
  auto &loops = am.getResult<LoopAnalysis>(f);
  auto &se = am.getResult<ScalarEvolutionAnalysis>(f);
  auto &dt = am.getResult<DominatorTreeAnalysis>(f);
  bool marked = false, changed = false;
  for (Loop *loop : loops.getLoopsInPreorder())
    marked |= markParallel(*loop);
  for (Loop *loop : loops.getLoopsInPreorder())
    changed |= guardLoop(*loop, se, loops, dt);
  if (!changed && !marked)
    return PreservedAnalyses::all();
  PreservedAnalyses kept;
  kept.preserve<DominatorTreeAnalysis>();
  kept.preserve<LoopAnalysis>();
  if (!changed)
    kept.preserveSet<CFGAnalyses>();
  return kept;
}
