//===- SignedOffsets.cpp - memref accesses with negative strides ----------===//
//
// MLIR's memref lowering computes an access's address as the descriptor's
// aligned pointer plus its offset, then `getelementptr inbounds nuw` by
// `mul nsw nuw index, stride`: it claims the product and the step are
// non-negative. A view with a negative stride (`a[::-1]`, `a[::-1].real`)
// breaks that claim wherever its strides reach the access unfolded (a
// parts view, a view passed to a device function that is not inlined):
// `i * -1` with `nuw` is poison, and LLVM folded such loads to garbage. In
// range, the product is still signed-exact and the step stays inside the
// allocation, so both targets' compilers keep `nsw` and `inbounds` and drop
// `nuw` from the GEPs and from the index products feeding them.
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/Passes.h"

#include "llvm/IR/GEPNoWrapFlags.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

using namespace llvm;

void cuft::signedMemrefOffsets(Module &module) {
  for (Function &f : module)
    for (BasicBlock &block : f)
      for (Instruction &inst : block) {
        auto *gep = dyn_cast<GetElementPtrInst>(&inst);
        if (!gep || !gep->hasNoUnsignedWrap())
          continue;
        gep->setNoWrapFlags(gep->isInBounds() ? GEPNoWrapFlags::inBounds()
                                              : GEPNoWrapFlags::none());
        for (Value *index : gep->indices())
          if (auto *mul = dyn_cast<BinaryOperator>(index);
              mul && mul->getOpcode() == Instruction::Mul && mul->hasNoUnsignedWrap())
            mul->setHasNoUnsignedWrap(false);
      }
}
