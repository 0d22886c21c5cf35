//===- LoopPolls.cpp - Ctrl-C and forward progress in host loops ---------===//
//
// Added after LLVM's optimizer, so that vectorization and unrolling see the
// loops as the kernel wrote them: a poll costs a load and a branch that is
// never taken per iteration (of the vector loop, once vectorized).
//
//===----------------------------------------------------------------------===//

#include "HostTarget.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace {

/// Loops shorter than this (known when compiled) need no poll: they end soon.
constexpr unsigned kShortTripCount = 1 << 16;

bool usesAtomicsOrFences(const Loop &loop) {
  for (BasicBlock *block : loop.blocks())
    for (Instruction &inst : *block) {
      if (isa<AtomicRMWInst, AtomicCmpXchgInst, FenceInst>(inst))
        return true;
      if (auto *load = dyn_cast<LoadInst>(&inst); load && load->isAtomic())
        return true;
      if (auto *call = dyn_cast<CallInst>(&inst))
        if (Function *f = call->getCalledFunction(); f && f->getName() == "__cuft_host_yield")
          return true; // an inner loop's: the outer one may wait as well
    }
  return false;
}

} // namespace

void cuft::host::detail::instrumentLoops(Module &module, bool yields) {
  LLVMContext &ctx = module.getContext();
  Type *i32 = Type::getInt32Ty(ctx);
  FunctionType *voidFn = FunctionType::get(Type::getVoidTy(ctx), false);
  // Declared when first used.
  auto poll = [&] { return module.getOrInsertFunction("__cuft_host_poll", voidFn); };
  auto yield = [&] { return module.getOrInsertFunction("__cuft_host_yield", voidFn); };
  auto flag = [&] { return module.getOrInsertGlobal("__cuft_host_interrupt", i32); };
  TargetLibraryInfoImpl libraryInfo(module.getTargetTriple());
  bool instrumented = false;
  SmallVector<Function *> functions;
  for (Function &f : module)
    if (!f.isDeclaration())
      functions.push_back(&f);
  for (Function *fp : functions) {
    Function &f = *fp;
    SmallVector<std::pair<BasicBlock *, bool>> latches; // (latch, use a yield)
    {
      DominatorTree dom(f);
      LoopInfo loops(dom);
      TargetLibraryInfo tli(libraryInfo, &f);
      AssumptionCache assumptions(f);
      ScalarEvolution scev(f, tli, assumptions, dom, loops);
      SmallPtrSet<BasicBlock *, 16> seen;
      // Innermost first, so an outer loop sees its inner loops' yields.
      SmallVector<Loop *> order = loops.getLoopsInPreorder();
      for (Loop *loop : llvm::reverse(order)) {
        bool spin = yields && usesAtomicsOrFences(*loop);
        unsigned trips = scev.getSmallConstantMaxTripCount(loop);
        if (!spin && loop->isInnermost() && trips != 0 && trips < kShortTripCount)
          continue;
        SmallVector<BasicBlock *> ends;
        loop->getLoopLatches(ends);
        for (BasicBlock *latch : ends)
          if (seen.insert(latch).second) {
            latches.push_back({latch, spin});
            if (spin) // visible to the enclosing loops' usesAtomicsOrFences
              CallInst::Create(yield(), "", latch->getTerminator()->getIterator());
          }
      }
    }
    for (auto [latch, spin] : latches) {
      if (spin)
        continue; // the yield checks the flag too
      Instruction *end = latch->getTerminator();
      IRBuilder<> b(end);
      LoadInst *v = b.CreateAlignedLoad(i32, flag(), Align(4), "cuft.interrupt");
      v->setAtomic(AtomicOrdering::Monotonic);
      Value *set = b.CreateICmpNE(v, ConstantInt::get(i32, 0));
      MDNode *rarely = MDBuilder(ctx).createUnlikelyBranchWeights();
      Instruction *then = SplitBlockAndInsertIfThen(set, end, /*Unreachable=*/false, rarely);
      CallInst::Create(poll(), "", then->getIterator());
    }
    instrumented |= !latches.empty();
  }
  if (!instrumented)
    return;
  // The optimizer inferred these before the calls existed, for the functions
  // and their callers: a poll may switch fibers, and reads and writes memory
  // that the functions do not see.
  for (Function *f : functions)
    for (Attribute::AttrKind kind :
         {Attribute::Memory, Attribute::NoSync, Attribute::WillReturn, Attribute::NoFree})
      f->removeFnAttr(kind);
}
