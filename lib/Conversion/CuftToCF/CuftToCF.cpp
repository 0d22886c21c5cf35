//===- CuftToCF.cpp - convert-cuft-to-cf ----------------------------------===//
//
// Lowers structured control flow innermost-first: lowering an op inlines its
// regions into the parent region, so by the time a loop is lowered every
// `cuft.break`/`cuft.continue` left in its body belongs to it.
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/Passes.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Transforms/Mem2Reg.h"
#include "mlir/IR/Iterators.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace cuft {
#define GEN_PASS_DEF_CONVERTCUFTTOCF
#include "cuft/Conversion/Passes.h.inc"
} // namespace cuft

using namespace mlir;
using namespace cuft;

namespace {

/// Replaces the terminators of `blocks` that `replace` maps to a branch target.
template <typename Fn>
void retargetTerminators(IRRewriter &rewriter, ArrayRef<Block *> blocks, Fn target) {
  for (Block *block : blocks) {
    Operation *term = block->getTerminator();
    if (Block *dest = target(term)) {
      rewriter.setInsertionPoint(term);
      cf::BranchOp::create(rewriter, term->getLoc(), dest);
      rewriter.eraseOp(term);
    }
  }
}

/// Moves the blocks of `region` before `before`; returns them.
SmallVector<Block *> inlineBefore(IRRewriter &rewriter, Region &region, Block *before) {
  SmallVector<Block *> blocks;
  for (Block &b : region)
    blocks.push_back(&b);
  rewriter.inlineRegionBefore(region, before);
  return blocks;
}

/// Where a branch to `b` can go instead: the target of `b`'s only op when that
/// is a branch without operands (an `if`'s `yield`, a loop's `break` or
/// `continue` once retargeted), and `b` then goes; else `b`. A chain of
/// 10,000 `and`s made 20,000 such blocks, which the canonicalizer took a
/// tenth of a second to remove.
Block *forwardTrivial(IRRewriter &rewriter, Block *b) {
  auto br = dyn_cast<cf::BranchOp>(&b->front());
  if (!br || br->getNumOperands() || b->getNumArguments() || br.getDest() == b ||
      b->isEntryBlock())
    return b;
  Block *dest = br.getDest();
  rewriter.replaceAllUsesWith(b, dest);
  rewriter.eraseBlock(b);
  return dest;
}

/// forwardTrivial for each of `blocks` (the body of a lowered loop).
void forwardTrivial(IRRewriter &rewriter, ArrayRef<Block *> blocks) {
  for (Block *b : blocks)
    forwardTrivial(rewriter, b);
}

void lowerIf(IRRewriter &rewriter, IfOp op) {
  Block *block = op->getBlock();
  Block *cont = rewriter.splitBlock(block, std::next(op->getIterator()));
  auto toCont = [&](Operation *t) { return isa<YieldOp>(t) ? cont : nullptr; };
  // The then blocks, the else blocks, then what follows the if.
  SmallVector<Block *> thenBlocks = inlineBefore(rewriter, op.getThenRegion(), cont);
  retargetTerminators(rewriter, thenBlocks, toCont);
  Block *thenEntry = forwardTrivial(rewriter, thenBlocks.front());
  Block *elseEntry = cont;
  if (!op.getElseRegion().empty()) {
    SmallVector<Block *> elseBlocks = inlineBefore(rewriter, op.getElseRegion(), cont);
    retargetTerminators(rewriter, elseBlocks, toCont);
    elseEntry = forwardTrivial(rewriter, elseBlocks.front());
  }
  rewriter.setInsertionPoint(op);
  cf::CondBranchOp::create(rewriter, op.getLoc(), op.getCondition(), thenEntry, elseEntry);
  rewriter.eraseOp(op);
}

/// Targets for the terminators of a loop body.
Block *loopTarget(Operation *term, Block *next, Block *exit) {
  if (isa<YieldOp, ContinueOp>(term))
    return next;
  if (isa<BreakOp>(term))
    return exit;
  return nullptr;
}

void lowerFor(IRRewriter &rewriter, ForOp op) {
  Location loc = op.getLoc();
  Type ivType = op.getInductionVar().getType();
  Block *block = op->getBlock();
  Block *exit = rewriter.splitBlock(block, std::next(op->getIterator()));
  Block *header = rewriter.createBlock(exit, {ivType}, {loc});
  Block *latch = rewriter.createBlock(exit);
  Value iv = header->getArgument(0);

  // Header: iv < hi for a positive step, iv > hi for a negative one; a zero step
  // runs nothing. A constant step needs one comparison.
  rewriter.setInsertionPointToEnd(header);
  Value step = op.getStep(), hi = op.getUpperBound();
  Type i1 = rewriter.getI1Type();
  auto cmp = [&](CmpPredicate p, Value a, Value b) {
    return CmpOp::create(rewriter, loc, i1, p, a, b).getResult();
  };
  Value cond;
  APInt stepValue;
  if (matchPattern(step, m_ConstantInt(&stepValue))) {
    if (stepValue.isZero())
      cond = ConstantOp::create(rewriter, loc, i1, rewriter.getBoolAttr(false));
    else if (ivType.isUnsignedInteger() || !stepValue.isNegative())
      cond = cmp(CmpPredicate::lt, iv, hi);
    else
      cond = cmp(CmpPredicate::gt, iv, hi);
  } else if (ivType.isUnsignedInteger()) {
    Value zero = ConstantOp::create(rewriter, loc, ivType, rewriter.getIntegerAttr(ivType, 0));
    cond = BitAndOp::create(rewriter, loc, i1, cmp(CmpPredicate::ne, step, zero),
                            cmp(CmpPredicate::lt, iv, hi));
  } else {
    Value zero = ConstantOp::create(rewriter, loc, ivType, rewriter.getIntegerAttr(ivType, 0));
    Value up = BitAndOp::create(rewriter, loc, i1, cmp(CmpPredicate::gt, step, zero),
                                cmp(CmpPredicate::lt, iv, hi));
    Value down = BitAndOp::create(rewriter, loc, i1, cmp(CmpPredicate::lt, step, zero),
                                  cmp(CmpPredicate::gt, iv, hi));
    cond = BitOrOp::create(rewriter, loc, i1, up, down);
  }

  Block *bodyEntry = &op.getBody().front();
  rewriter.replaceAllUsesWith(op.getInductionVar(), iv);
  bodyEntry->eraseArgument(0);
  SmallVector<Block *> bodyBlocks = inlineBefore(rewriter, op.getBody(), latch);
  retargetTerminators(rewriter, bodyBlocks,
                      [&](Operation *t) { return loopTarget(t, latch, exit); });
  if (bodyBlocks.size() > 1)
    forwardTrivial(rewriter, ArrayRef<Block *>(bodyBlocks).drop_front());
  // retargetTerminators moved the insertion point into the body.
  rewriter.setInsertionPointToEnd(header);
  cf::CondBranchOp::create(rewriter, loc, cond, bodyEntry, exit);

  rewriter.setInsertionPointToEnd(latch);
  Value next = AddOp::create(rewriter, loc, ivType, iv, step);
  cf::BranchOp::create(rewriter, loc, header, ValueRange{next});

  rewriter.setInsertionPoint(op);
  cf::BranchOp::create(rewriter, loc, header, ValueRange{op.getLowerBound()});
  rewriter.eraseOp(op);
}

void lowerWhile(IRRewriter &rewriter, WhileOp op) {
  Location loc = op.getLoc();
  Block *block = op->getBlock();
  Block *exit = rewriter.splitBlock(block, std::next(op->getIterator()));
  SmallVector<Block *> bodyBlocks = inlineBefore(rewriter, op.getBody(), exit);
  SmallVector<Block *> condBlocks = inlineBefore(rewriter, op.getCond(), bodyBlocks.front());
  Block *condEntry = condBlocks.front();
  for (Block *b : condBlocks) {
    if (auto c = dyn_cast<ConditionOp>(b->getTerminator())) {
      rewriter.setInsertionPoint(c);
      cf::CondBranchOp::create(rewriter, c.getLoc(), c.getCondition(), bodyBlocks.front(), exit);
      rewriter.eraseOp(c);
    }
  }
  retargetTerminators(rewriter, bodyBlocks,
                      [&](Operation *t) { return loopTarget(t, condEntry, exit); });
  forwardTrivial(rewriter, ArrayRef<Block *>(bodyBlocks).drop_front());
  rewriter.setInsertionPoint(op);
  cf::BranchOp::create(rewriter, loc, condEntry);
  rewriter.eraseOp(op);
}

/// A short-circuit's block continues the block it is in; each `exit_if`
/// branches to what follows the op, with its value, or on to the rest of the
/// block; `exit` branches there with its value. Its nested control flow is
/// blocks by now, so its exits may be in several blocks.
void lowerShortCircuit(IRRewriter &rewriter, ShortCircuitOp op) {
  Block *block = op->getBlock();
  Block *cont = rewriter.splitBlock(block, std::next(op->getIterator()));
  Value result = cont->addArgument(op.getType(), op.getLoc());
  rewriter.replaceAllUsesWith(op.getResult(), result);
  SmallVector<Operation *> exits;
  for (Block &b : op.getBody())
    for (Operation &o : b)
      if (isa<ExitIfOp, ExitOp>(o))
        exits.push_back(&o);
  SmallVector<Block *> blocks = inlineBefore(rewriter, op.getBody(), cont);
  rewriter.mergeBlocks(blocks.front(), block);
  rewriter.eraseOp(op);
  // The last exit first: each split moves only the ops up to the next exit.
  for (Operation *e : llvm::reverse(exits)) {
    rewriter.setInsertionPoint(e);
    if (auto exit = dyn_cast<ExitOp>(e)) {
      cf::BranchOp::create(rewriter, e->getLoc(), cont, ValueRange{exit.getValue()});
    } else {
      auto exitIf = cast<ExitIfOp>(e);
      Block *next = rewriter.splitBlock(e->getBlock(), std::next(e->getIterator()));
      // The exit's operand list holds its value (a ValueRange of a Value
      // made here would outlive it).
      ValueRange value = exitIf->getOperands().drop_front();
      if (exitIf.getOn())
        cf::CondBranchOp::create(rewriter, e->getLoc(), exitIf.getTest(), cont, value, next,
                                 ValueRange{});
      else
        cf::CondBranchOp::create(rewriter, e->getLoc(), exitIf.getTest(), next, ValueRange{},
                                 cont, value);
    }
    rewriter.eraseOp(e);
  }
}

LogicalResult lowerFunction(Operation *fn) {
  Region &body = fn->getRegion(0);
  if (body.empty())
    return success();
  if (llvm::any_of(fn->getRegion(0).getArgumentTypes(), isUnknown))
    return fn->emitError("convert-cuft-to-cf expects specialized IR: run cuft-specialize first");
  IRRewriter rewriter(fn->getContext());
  // Variables stay in the entry block, where the lowering expects stack slots.
  Block &entry = body.front();
  SmallVector<VarOp> vars;
  body.walk([&](VarOp v) { vars.push_back(v); });
  for (VarOp v : llvm::reverse(vars))
    v->moveBefore(&entry, entry.begin());

  // Children before their parents (post-order), and within a block the last
  // op first: lowering an op splits its block after it, and moving only what
  // follows it up to the next lowered op keeps a block of n ifs linear, not
  // quadratic. (Walked from the function: Region::walk and Block::walk visit
  // their own ops first to last whatever the iterator; 10,000 ifs in a row
  // took 2.5 s.)
  SmallVector<Operation *> structured;
  fn->walk<WalkOrder::PostOrder, ReverseIterator>([&](Operation *op) {
    if (isa<IfOp, ForOp, WhileOp, ShortCircuitOp>(op))
      structured.push_back(op);
  });
  for (Operation *op : structured) {
    if (auto i = dyn_cast<IfOp>(op))
      lowerIf(rewriter, i);
    else if (auto s = dyn_cast<ShortCircuitOp>(op))
      lowerShortCircuit(rewriter, s);
    else if (auto f = dyn_cast<ForOp>(op))
      lowerFor(rewriter, f);
    else
      lowerWhile(rewriter, cast<WhileOp>(op));
  }
  return success();
}

struct ConvertCuftToCFPass : public cuft::impl::ConvertCuftToCFBase<ConvertCuftToCFPass> {
  void runOnOperation() override {
    SmallVector<Operation *> fns;
    getOperation().walk([&](Operation *op) {
      if (isa<KernelOp, FuncOp>(op))
        fns.push_back(op);
    });
    for (Operation *fn : fns)
      if (failed(lowerFunction(fn)))
        return signalPassFailure();
    // Array variables assigned more than once become SSA values now that
    // the control flow is blocks (CuftMemorySlots.cpp).
    for (Operation *fn : fns) {
      SmallVector<PromotableAllocationOpInterface> arrays;
      fn->walk([&](VarOp v) {
        if (!v.getPromotableSlots().empty())
          arrays.push_back(v);
      });
      if (arrays.empty())
        continue;
      OpBuilder b(fn->getContext());
      DominanceInfo dominance(fn);
      (void)tryToPromoteMemorySlots(arrays, b, DataLayout::closest(fn), dominance);
      for (PromotableAllocationOpInterface v : arrays)
        if (v->getBlock()) { // still there: a use mem2reg cannot remove
          v->emitError("cannot promote this array variable");
          return signalPassFailure();
        }
    }
  }
};

} // namespace
