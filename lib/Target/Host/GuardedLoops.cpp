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
// vectorizes without masks, and is not unrolled before the vectorizer sees
// it); else the loops as they were, the innermost kept scalar (it runs in the
// grid's edge blocks only). Comparisons of an index of a loop around the
// innermost (a row index, in the loop over a row's threads or in the loop
// over the rows, where unswitching moved it) are taken in too.
//
// The same pass marks a kernel's thread loop parallel for LLVM (markParallel,
// HostTarget.h's kThreadLoop), and trims a loop whose iterations from the
// s-th on do nothing (trimLoop: a tree reduction's `if tid < s:` round, which
// ran every thread of the block, masked, for s of them).
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

/// Which ways an affine recurrence does not wrap over its loop's iterations
/// 0..trips: its flags, or ranges that prove it (an increasing index whose
/// largest start plus its most steps stays in range; SCEV gives no flags to
/// `(y << 4) | ty` before LLVM's passes turn the `or` into an `add`).
struct NoWrap {
  bool sign = false, unsign = false;
};
NoWrap noWrapOf(const SCEVAddRecExpr *rec, const SCEV *trips, ScalarEvolution &se) {
  NoWrap w{rec->hasNoSignedWrap(), rec->hasNoUnsignedWrap()};
  auto *step = dyn_cast<SCEVConstant>(rec->getOperand(1));
  if ((w.sign && w.unsign) || !step || !step->getAPInt().isStrictlyPositive() ||
      se.getTypeSizeInBits(trips->getType()) > se.getTypeSizeInBits(rec->getType()))
    return w;
  trips = se.getNoopOrZeroExtend(trips, rec->getType()); // a count: unsigned
  const APInt &by = step->getAPInt();
  bool overflow = false;
  APInt most = se.getUnsignedRangeMax(trips).umul_ov(by, overflow);
  if (overflow)
    return w;
  bool unsignedOverflow = false, signedOverflow = false;
  (void)se.getUnsignedRangeMax(rec->getStart()).uadd_ov(most, unsignedOverflow);
  w.unsign |= !unsignedOverflow;
  if (!most.isNegative())
    (void)se.getSignedRangeMax(rec->getStart()).sadd_ov(most, signedOverflow);
  w.sign |= !most.isNegative() && !signedOverflow;
  return w;
}

/// Whether `rec pred bound` (`rec` an affine recurrence of the loop, `bound`
/// invariant) holds for every iteration when a test before the loop says so
/// (holdsThroughout): an ordering whose recurrence does not wrap in the
/// ordering's signedness, or `!=` with a constant step and no wrap (which
/// InstCombine makes of `j > 0` once it knows `j >= 0`).
bool monotone(ICmpInst::Predicate pred, const SCEVAddRecExpr *rec, NoWrap w) {
  if (!rec->isAffine() || pred == ICmpInst::ICMP_EQ)
    return false;
  if (pred == ICmpInst::ICMP_NE) {
    auto *step = dyn_cast<SCEVConstant>(rec->getOperand(1));
    return step && !step->getValue()->isZero() && (w.sign || w.unsign);
  }
  return ICmpInst::isSigned(pred) ? w.sign : w.unsign;
}

/// Whether `first pred bound` and so on to `last` (the recurrence's values
/// at the first and the last iteration) all hold, for `monotone` comparisons:
/// an ordering holds at both ends; `!=` has `bound` outside [first, last]
/// (the recurrence's order, in the signedness it does not wrap in).
Value *holdsThroughout(IRBuilder<> &b, ICmpInst::Predicate pred, const SCEVAddRecExpr *rec,
                       NoWrap w, Value *first, Value *last, Value *bound) {
  if (pred != ICmpInst::ICMP_NE)
    return b.CreateAnd(b.CreateICmp(pred, first, bound), b.CreateICmp(pred, last, bound));
  bool down = cast<SCEVConstant>(rec->getOperand(1))->getValue()->isNegative();
  Value *lo = down ? last : first, *hi = down ? first : last;
  ICmpInst::Predicate less = w.sign ? ICmpInst::ICMP_SLT : ICmpInst::ICMP_ULT;
  return b.CreateOr(b.CreateICmp(less, bound, lo), b.CreateICmp(less, hi, bound));
}

/// Versions `outer` on `condition` (computed in its preheader): when it
/// holds, a copy of the loop runs (`map` takes the loop's values to the
/// copy's), else the loop as it was. `outer` is in LCSSA form: values used
/// after it pass through its exit's phis, which get the copy's values too.
void versionLoop(Loop &outer, Value *condition, LoopInfo &loops, DominatorTree &dt,
                 ValueToValueMapTy &map) {
  BasicBlock *preheader = outer.getLoopPreheader();
  BasicBlock *exit = outer.getUniqueExitBlock();
  Instruction *at = preheader->getTerminator();
  BasicBlock *slow = SplitBlock(preheader, at, &dt, &loops, nullptr, "cuft.guard.slow");
  SmallVector<BasicBlock *> blocks;
  cloneLoopWithPreheader(slow, preheader, &outer, map, ".held", &loops, &dt, blocks);
  remapInstructionsInBlocks(blocks, map);
  auto *fast = cast<BasicBlock>(map[slow]);
  preheader->getTerminator()->eraseFromParent();
  BranchInst::Create(fast, slow, condition, preheader);
  // The exit's values from the copy's exiting blocks.
  SmallVector<BasicBlock *> exiting;
  outer.getExitingBlocks(exiting);
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
}

/// After versionLoop of `outer` around innermost `loop`: both latches are
/// marked (neither is versioned again), the copies get loop IDs of their
/// own (the vectorizer marks what it did on them), and `loop` as written,
/// which runs in the rare case only, stays scalar and rolled.
void markVersions(Loop &outer, Loop &loop, ValueToValueMapTy &map, LoopInfo &loops) {
  LLVMContext &ctx = loop.getHeader()->getContext();
  Loop *copy = loops.getLoopFor(cast<BasicBlock>(map[outer.getHeader()]));
  Loop *copied = loops.getLoopFor(cast<BasicBlock>(map[loop.getHeader()]));
  for (Loop *l : {&loop, copied})
    l->getLoopLatch()->getTerminator()->setMetadata(kGuarded, MDNode::get(ctx, {}));
  if (copy != copied && copy->getLoopID())
    addLoopProperties(*copy, {});
  // A loop over a block's threads (of known length in code for one block
  // shape) is left to the vectorizer: unrolled first, a 16-thread row became
  // 16 scalar computations. A loop of the kernel's own is unrolled as LLVM
  // sees fit.
  MDNode *id = loop.getLoopID();
  bool threads = findOptionMDForLoopID(id, "llvm.loop.parallel_accesses") ||
                 findOptionMDForLoopID(id, cuft::host::detail::kThreadLoop);
  SmallVector<Metadata *> properties;
  if (threads)
    properties.push_back(MDNode::get(ctx, {MDString::get(ctx, "llvm.loop.unroll.disable")}));
  addLoopProperties(*copied, properties);
  addLoopProperties(loop, scalarLoop(ctx));
}

/// The iteration of `loop` (counted by its backedge-taken count `trips`)
/// whose values are the last that `block` in it sees: the last, or the one
/// before when `block` is past the loop's only exit test, at its header (a
/// loop not rotated yet, as at the peephole points: its header runs once
/// more than its body, and its recurrences' last value reaches the test
/// alone). Evaluated at -1 when the body never runs, which then checks nothing.
const SCEV *lastIterationFor(const Loop &loop, const BasicBlock *block, const SCEV *trips,
                             ScalarEvolution &se) {
  if (block == loop.getHeader() || loop.getExitingBlock() != loop.getHeader())
    return trips;
  return se.getMinusSCEV(trips, se.getOne(trips->getType()));
}

/// Widens check `c` of a recurrence whose start moves with a loop around
/// its own, the same way (the host's run of blocks, kRunSlot: a row of
/// threads of each block in turn, x = (blockIdx.x + k) * blockDim.x + tx):
/// its values over that loop too lie between the first of the first
/// iteration and the last of the last, when neither recurrence wraps, so
/// the check is versioned once for the whole run, not per block.
template <typename Check> void liftCheck(Check &c, ScalarEvolution &se) {
  auto positive = [&](const SCEVAddRecExpr *r) {
    return r->isAffine() && se.isKnownPositive(r->getStepRecurrence(se));
  };
  if (!positive(c.rec))
    return;
  for (;;) {
    auto *start = dyn_cast<SCEVAddRecExpr>(c.first);
    auto *end = dyn_cast<SCEVAddRecExpr>(c.last);
    if (!start || !end || start->getLoop() != end->getLoop() ||
        !start->getLoop()->contains(c.over) || !positive(start) || !positive(end))
      return;
    const SCEV *trips = se.getBackedgeTakenCount(start->getLoop());
    if (isa<SCEVCouldNotCompute>(trips))
      return;
    NoWrap w = noWrapOf(start, trips, se), v = noWrapOf(end, trips, se);
    c.noWrap.sign &= w.sign && v.sign;
    c.noWrap.unsign &= w.unsign && v.unsign;
    c.first = start->getStart();
    c.last = end->evaluateAtIteration(
        lastIterationFor(*start->getLoop(), c.over->getHeader(), trips, se), se);
    c.over = start->getLoop();
  }
}

/// Versions `loop` on whether its monotone comparisons hold throughout.
bool guardLoop(Loop &loop, ScalarEvolution &se, LoopInfo &loops, DominatorTree &dt) {
  BasicBlock *preheader = loop.getLoopPreheader();
  BasicBlock *exit = loop.getUniqueExitBlock();
  BasicBlock *latch = loop.getLoopLatch();
  if (!preheader || !exit || !latch || !loop.isInnermost() || !loop.isLoopSimplifyForm() ||
      latch->getTerminator()->getMetadata(kGuarded))
    return false;
  if (isa<SCEVCouldNotCompute>(se.getBackedgeTakenCount(&loop)))
    return false;
  struct Check {
    ICmpInst *cmp;
    const SCEVAddRecExpr *rec; // of `loop` or of a loop around it
    const SCEV *bound;
    ICmpInst::Predicate pred; // rec pred bound
    const Loop *over;         // the rec's loop, or a loop around it (lifted)
    const SCEV *first, *last; // the rec's least and greatest values over `over`
    NoWrap noWrap;            // of the rec over those
  };
  // The comparisons in `loop` and in the loops around it (outside their
  // inner loops: LLVM's unswitching takes a guard of y out of the loop over
  // x, into the loop over a 2-D block's rows, frozen).
  SmallVector<BasicBlock *> chain;
  for (Loop *l = &loop; l; l = l->getParentLoop())
    for (BasicBlock *block : l->blocks())
      if (loops.getLoopFor(block) == l)
        chain.push_back(block);
  auto scev = [&](Value *v) {
    if (auto *frozen = dyn_cast<FreezeInst>(v))
      v = frozen->getOperand(0);
    return se.getSCEV(v);
  };
  SmallVector<Check> checks;
  for (BasicBlock *block : chain)
    for (Instruction &inst : *block) {
      auto *cmp = dyn_cast<ICmpInst>(&inst);
      if (!cmp || !cmp->getOperand(0)->getType()->isIntegerTy() ||
          llvm::all_of(cmp->users(), [&](User *u) {
            // A loop's own exit test is not a guard.
            auto *br = dyn_cast<BranchInst>(u);
            return br && loops.getLoopFor(br->getParent()) &&
                   loops.getLoopFor(br->getParent())->isLoopExiting(br->getParent());
          }))
        continue;
      const SCEV *lhs = scev(cmp->getOperand(0));
      const SCEV *rhs = scev(cmp->getOperand(1));
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
      // code, and the loop's code twice as long to compile). The index
      // may be of a loop around this one (a 2-D block's row, for a guard
      // of y inside the loop over x: its test ran once per row).
      if (!rec || !rec->getLoop()->contains(&loop) || !rec->getLoop()->contains(block) ||
          isa<SCEVConstant>(rec->getStart()) ||
          !se.isLoopInvariant(rhs, rec->getLoop()))
        continue;
      const SCEV *trips = se.getBackedgeTakenCount(rec->getLoop());
      if (isa<SCEVCouldNotCompute>(trips))
        continue;
      NoWrap noWrap = noWrapOf(rec, trips, se);
      const SCEV *last =
          rec->evaluateAtIteration(lastIterationFor(*rec->getLoop(), block, trips, se), se);
      Check c{cmp, rec, rhs, pred, rec->getLoop(), rec->getStart(), last, noWrap};
      liftCheck(c, se);
      if (monotone(pred, rec, c.noWrap))
        checks.push_back(c);
    }
  if (checks.empty())
    return false;
  SCEVExpander expander(se, "cuft.guard");
  for (const Check &c : checks)
    if (!expander.isSafeToExpand(c.first) || !expander.isSafeToExpand(c.bound) ||
        !expander.isSafeToExpand(c.last))
      return false;

  // The loop versioned is the outermost around `loop` in which every test
  // is invariant (each holds throughout or not): a 2-D block's loop over
  // its rows for a guard of x (whose test would otherwise run per row of 16
  // threads), and at least the loop of each test's index.
  auto invariantIn = [&](Loop *l) {
    if (!l->getLoopPreheader() || !l->getUniqueExitBlock() || !l->isLoopSimplifyForm())
      return false;
    return llvm::all_of(checks, [&](const Check &c) {
      return se.isLoopInvariant(c.first, l) && se.isLoopInvariant(c.bound, l) &&
             se.isLoopInvariant(c.last, l);
    });
  };
  Loop *outer = &loop;
  for (const Check &c : checks)
    if (c.over->contains(outer))
      outer = loops.getLoopFor(c.over->getHeader());
  if (!invariantIn(outer))
    return false;
  while (outer->getParentLoop() && invariantIn(outer->getParentLoop()))
    outer = outer->getParentLoop();
  preheader = outer->getLoopPreheader();

  // preheader: whether every check holds throughout, then to the copy of the
  // loop where they do or to the loop.
  formLCSSARecursively(*outer, dt, &loops, &se);
  Instruction *at = preheader->getTerminator();
  IRBuilder<> b(at);
  Value *all = b.getTrue();
  for (const Check &c : checks) {
    Type *type = c.rec->getType();
    Value *bound = expander.expandCodeFor(c.bound, type, at);
    Value *first = expander.expandCodeFor(c.first, type, at);
    Value *last = expander.expandCodeFor(c.last, type, at);
    all = b.CreateAnd(all, holdsThroughout(b, c.pred, c.rec, c.noWrap, first, last, bound));
  }
  // Frozen: a guard LLVM's unswitching froze is read here unfrozen.
  all = b.CreateFreeze(all, "cuft.guard.holds");
  ValueToValueMapTy map;
  versionLoop(*outer, all, loops, dt, map);
  for (const Check &c : checks) {
    auto *held = cast<Instruction>(map[c.cmp]);
    held->replaceAllUsesWith(ConstantInt::getTrue(held->getType()));
    held->eraseFromParent();
  }
  // The loop as written now runs in edge blocks only, and stays scalar and
  // rolled: it would double the time LLVM's vectorizer and x86's code
  // generator take (a host compile of saxpy: 24 -> 48 ms).
  markVersions(*outer, loop, map, loops);
  se.forgetLoop(outer);
  return true;
}

/// Whether `v`, a header phi's value from the latch of `loop`, gives the
/// same value after one iteration as after any more: the phi itself, an
/// invariant, or a min or max of the phi and an invariant (the barrier
/// rounds' record of where threads stopped).
bool idempotent(Loop &loop, PHINode &phi, Value *v) {
  if (v == &phi || loop.isLoopInvariant(v))
    return true;
  auto *minMax = dyn_cast<MinMaxIntrinsic>(v);
  return minMax && ((minMax->getLHS() == &phi && loop.isLoopInvariant(minMax->getRHS())) ||
                    (minMax->getRHS() == &phi && loop.isLoopInvariant(minMax->getLHS())));
}

/// Trims a loop whose iterations from the s-th on do nothing: a loop over a
/// block's threads whose body is `if tid < s:` (a tree reduction's round,
/// s halving from 128 to 1, ran 256 iterations, masked, for s active
/// threads). With `iv` the loop's counter from 0, a branch on `iv < s` (s
/// invariant; unsigned, or signed with iv non-negative) whose other side,
/// and everything an iteration runs when it is not taken, has no effect
/// but on values carried idempotently (idempotent) and used after the loop
/// no other way: the loop is versioned on `s > 0`, the copy running
/// min(trips, s) iterations with the branch taken always (it vectorizes
/// without masks), the loop as written the rest (s <= 0: no iteration
/// takes the branch).
bool trimLoop(Loop &loop, ScalarEvolution &se, LoopInfo &loops, DominatorTree &dt) {
  BasicBlock *preheader = loop.getLoopPreheader();
  BasicBlock *latch = loop.getLoopLatch();
  if (!preheader || !latch || !loop.getUniqueExitBlock() || !loop.isInnermost() ||
      !loop.isLoopSimplifyForm() || loop.getExitingBlock() != latch ||
      latch->getTerminator()->getMetadata(kGuarded))
    return false;
  auto *exitBranch = dyn_cast<BranchInst>(latch->getTerminator());
  PHINode *iv = loop.getCanonicalInductionVariable();
  const SCEV *taken = se.getBackedgeTakenCount(&loop);
  if (!exitBranch || !exitBranch->isConditional() || !iv || isa<SCEVCouldNotCompute>(taken))
    return false;
  const SCEV *counter = se.getSCEV(iv);

  // The guard: a branch on `iv < s`, and the side where it holds.
  BranchInst *guard = nullptr;
  ICmpInst::Predicate pred = ICmpInst::BAD_ICMP_PREDICATE;
  Value *bound = nullptr;
  BasicBlock *active = nullptr;
  for (BasicBlock *block : loop.blocks()) {
    auto *br = dyn_cast<BranchInst>(block->getTerminator());
    auto *cmp = br && br->isConditional() && br != exitBranch
                    ? dyn_cast<ICmpInst>(br->getCondition())
                    : nullptr;
    if (!cmp)
      continue;
    ICmpInst::Predicate p = cmp->getPredicate();
    Value *lhs = cmp->getOperand(0), *rhs = cmp->getOperand(1);
    if (se.getSCEV(rhs) == counter) {
      std::swap(lhs, rhs);
      p = ICmpInst::getSwappedPredicate(p);
    }
    if (se.getSCEV(lhs) != counter || !loop.isLoopInvariant(rhs))
      continue;
    bool holds = true; // whether the branch's first successor is where iv < s
    if (p == ICmpInst::ICMP_UGE || p == ICmpInst::ICMP_SGE) {
      p = ICmpInst::getInversePredicate(p);
      holds = false;
    }
    if (p != ICmpInst::ICMP_ULT &&
        !(p == ICmpInst::ICMP_SLT && se.isKnownNonNegative(counter) &&
          se.isKnownNonNegative(se.getAddExpr(taken, se.getOne(taken->getType())))))
      continue;
    guard = br, pred = p, bound = rhs, active = br->getSuccessor(holds ? 0 : 1);
    break;
  }
  if (!guard)
    return false;

  // What an iteration that does not take the guard's side runs: no effect.
  SmallPtrSet<BasicBlock *, 16> idle;
  SmallVector<BasicBlock *> work{loop.getHeader()};
  while (!work.empty()) {
    BasicBlock *block = work.pop_back_val();
    if (!idle.insert(block).second)
      continue;
    for (Instruction &inst : *block)
      if (inst.mayHaveSideEffects() && !isAssumeLikeIntrinsic(&inst))
        return false;
    for (BasicBlock *next : successors(block))
      if (loop.contains(next) && next != loop.getHeader() &&
          !(block == guard->getParent() && next == active))
        work.push_back(next);
  }
  // Carried values: idempotent; nothing else of the loop used after it.
  SmallPtrSet<Value *, 8> carried;
  for (PHINode &phi : loop.getHeader()->phis()) {
    if (&phi == iv)
      continue;
    Value *next = phi.getIncomingValueForBlock(latch);
    if (!idempotent(loop, phi, next))
      return false;
    carried.insert(&phi);
    carried.insert(next);
  }
  for (BasicBlock *block : loop.blocks())
    for (Instruction &inst : *block)
      if (!carried.contains(&inst) && llvm::any_of(inst.users(), [&](User *u) {
            return !loop.contains(cast<Instruction>(u)->getParent());
          }))
        return false;

  SCEVExpander expander(se, "cuft.trim");
  if (!expander.isSafeToExpand(taken))
    return false;

  // preheader: s > 0, then to the trimmed copy.
  formLCSSARecursively(loop, dt, &loops, &se);
  Instruction *at = preheader->getTerminator();
  IRBuilder<> b(at);
  Type *type = iv->getType();
  Value *zero = ConstantInt::get(type, 0);
  Value *some = pred == ICmpInst::ICMP_ULT ? b.CreateICmpNE(bound, zero, "cuft.trim.some")
                                           : b.CreateICmpSGT(bound, zero, "cuft.trim.some");
  // The copy's last iteration: min(taken, s - 1), s > 0 there.
  Value *last = b.CreateBinaryIntrinsic(
      Intrinsic::umin, expander.expandCodeFor(taken, type, at),
      b.CreateSub(bound, ConstantInt::get(type, 1)), nullptr, "cuft.trim.last");
  ValueToValueMapTy map;
  versionLoop(loop, some, loops, dt, map);
  // The copy: the guard's side always, iterations 0 to `last`.
  auto *heldGuard = cast<BranchInst>(map[guard]);
  heldGuard->setCondition(heldGuard->getSuccessor(0) == map[active] ? b.getTrue() : b.getFalse());
  auto *heldExit = cast<BranchInst>(map[exitBranch]);
  b.SetInsertPoint(heldExit);
  Value *now = map[iv];
  bool continues = heldExit->getSuccessor(0) == map[loop.getHeader()];
  heldExit->setCondition(continues ? b.CreateICmpULT(now, last, "cuft.trim.more")
                                   : b.CreateICmpUGE(now, last, "cuft.trim.done"));
  markVersions(loop, loop, map, loops);
  se.forgetLoop(&loop);
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
  for (Loop *loop : loops.getLoopsInPreorder())
    changed |= trimLoop(*loop, se, loops, dt);
  if (!changed && !marked)
    return PreservedAnalyses::all();
  PreservedAnalyses kept;
  kept.preserve<DominatorTreeAnalysis>();
  kept.preserve<LoopAnalysis>();
  if (!changed)
    kept.preserveSet<CFGAnalyses>();
  return kept;
}
