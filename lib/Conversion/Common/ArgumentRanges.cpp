//===- ArgumentRanges.cpp - entry assumes on parameters as their ranges ---===//
//
// convert-cuft-to-gpu assumes at each kernel's entry that every array
// dimension is below kMaxArrayDim (KernelArgs.h). An assume helps LLVM only
// where an analysis asks with a position in the code; ScalarEvolution (trip
// counts, the ranges SplitBarriers keeps across barriers) asks without one and
// ignores it. A parameter's `range` attribute it does read: so both targets'
// compilers turn such assumes into ranges, before LLVM's optimizer, and pass
// them on to the parameters of a caller that hands its own on unchanged (the
// host target's entry wrapper, which is what SplitBarriers analyses).
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/Passes.h"

#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Attributes.h"
#include "llvm/IR/ConstantRange.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PatternMatch.h"

using namespace llvm;

namespace {

void narrow(Argument &arg, ConstantRange range) {
  if (std::optional<ConstantRange> known = arg.getRange())
    range = range.intersectWith(*known);
  arg.removeAttr(Attribute::Range);
  arg.addAttr(Attribute::get(arg.getContext(), Attribute::Range, range));
}

void fromAssumes(Function &f) {
  for (Instruction &i : f.getEntryBlock()) {
    auto *assume = dyn_cast<AssumeInst>(&i);
    if (!assume) {
      if (!isGuaranteedToTransferExecutionToSuccessor(&i))
        return; // an assume past here may not hold on every call
      continue;
    }
    Value *v;
    const APInt *bound;
    if (!PatternMatch::match(assume->getArgOperand(0),
                             PatternMatch::m_SpecificICmp(ICmpInst::ICMP_ULT,
                                                          PatternMatch::m_Value(v),
                                                          PatternMatch::m_APInt(bound))) ||
        bound->isZero())
      continue;
    // The lowering reads a size out of the descriptor it built from the
    // parameters (an extractvalue of insertvalues).
    if (auto *extract = dyn_cast<ExtractValueInst>(v))
      if (Value *inserted = FindInsertedValue(extract->getAggregateOperand(), extract->getIndices()))
        v = inserted;
    auto *arg = dyn_cast<Argument>(v);
    if (!arg)
      continue;
    narrow(*arg, ConstantRange(APInt::getZero(bound->getBitWidth()), *bound));
  }
}

/// A load followed in its block by an assume that its value is below a
/// constant (the host's reads of `ids`: threadIdx.x < 1024, blockIdx.y <
/// 65535) gets that range (`!range`): a value outside it was undefined
/// behaviour at the assume, and is poison now, as the load is read. Then
/// ScalarEvolution knows `blockIdx.y * 16 + ty` does not wrap without a
/// position in the code to ask from.
void loadsFromAssumes(Function &f) {
  for (BasicBlock &block : f)
    for (Instruction &i : block) {
      auto *assume = dyn_cast<AssumeInst>(&i);
      Value *v;
      const APInt *bound;
      if (!assume || !PatternMatch::match(assume->getArgOperand(0),
                                          PatternMatch::m_SpecificICmp(
                                              ICmpInst::ICMP_ULT, PatternMatch::m_Value(v),
                                              PatternMatch::m_APInt(bound))))
        continue;
      auto *load = dyn_cast<LoadInst>(v);
      if (!load || bound->isZero() || load->getParent() != &block ||
          !load->getType()->isIntegerTy())
        continue;
      bool reached = true; // the assume runs whenever the load does
      for (auto it = std::next(load->getIterator()); reached && &*it != assume; ++it)
        reached = isGuaranteedToTransferExecutionToSuccessor(&*it);
      if (!reached)
        continue;
      ConstantRange range(APInt::getZero(bound->getBitWidth()), *bound);
      if (MDNode *known = load->getMetadata(LLVMContext::MD_range))
        range = range.intersectWith(getConstantRangeFromMetadata(*known));
      if (range.isEmptySet() || range.isFullSet())
        continue;
      Type *type = load->getType();
      load->setMetadata(LLVMContext::MD_range,
                        MDBuilder(f.getContext())
                            .createRange(ConstantInt::get(type, range.getLower()),
                                         ConstantInt::get(type, range.getUpper())));
    }
}

/// `f`'s parameters that it passes unchanged, in its entry block, to a
/// parameter with a range get that range.
void fromCallees(Function &f) {
  for (Instruction &i : f.getEntryBlock()) {
    if (auto *call = dyn_cast<CallBase>(&i)) {
      Function *callee = call->getCalledFunction();
      for (unsigned k = 0; callee && k < call->arg_size() && k < callee->arg_size(); ++k)
        if (auto *arg = dyn_cast<Argument>(call->getArgOperand(k)))
          if (std::optional<ConstantRange> range = callee->getArg(k)->getRange())
            narrow(*arg, *range);
    }
    if (!isGuaranteedToTransferExecutionToSuccessor(&i))
      return;
  }
}

} // namespace

void cuft::rangesFromEntryAssumes(Module &module) {
  for (Function &f : module)
    if (!f.isDeclaration()) {
      fromAssumes(f);
      loadsFromAssumes(f);
    }
  for (Function &f : module)
    if (!f.isDeclaration())
      fromCallees(f);
}
