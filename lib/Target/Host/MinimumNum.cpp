//===- MinimumNum.cpp - llvm.minimumnum/maximumnum as selects on the host --===//
//
// cuft's float min and max are IEEE 754-2019's minimumNumber and
// maximumNumber (llvm.minimumnum/maximumnum; Arith.cpp's minimumNumber): a NaN
// operand gives the other, -0.0 is below +0.0. NVPTX generates one min.f64
// for them; LLVM 22's X86 lowering is wrong where one operand is known not to
// be NaN (an integer converted to float): minimumnum(float(5), NaN) gave NaN,
// scalar and vector, with or without AVX-512. So on the host each call becomes,
// after LLVM's optimizer and before code generation, the compares and selects
// that say what it computes. The LLVM bug alone (`lli` prints nan, not 5):
//
//   define double @f(i64 %b, double %q) noinline {
//     %x = sitofp i64 %b to double
//     %r = call double @llvm.minimumnum.f64(double %x, double %q)
//     ret double %r
//   }
//   ; main: @f(i64 5, double 0x7FF8000000000000)
//
//===----------------------------------------------------------------------===//

#include "HostTarget.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"

using namespace llvm;

void cuft::host::detail::expandMinimumNum(Module &module) {
  SmallVector<IntrinsicInst *> calls;
  for (Function &f : module)
    for (Instruction &inst : instructions(f))
      if (auto *call = dyn_cast<IntrinsicInst>(&inst))
        if (call->getIntrinsicID() == Intrinsic::minimumnum ||
            call->getIntrinsicID() == Intrinsic::maximumnum)
          calls.push_back(call);
  for (IntrinsicInst *call : calls) {
    bool max = call->getIntrinsicID() == Intrinsic::maximumnum;
    IRBuilder<> b(call);
    Value *x = call->getArgOperand(0), *y = call->getArgOperand(1);
    // x when it is the answer: y is NaN, x is beyond y, or they are equal and
    // x is the zero on the answer's side (-0.0 for min, +0.0 for max).
    Value *yNaN = b.CreateFCmpUNO(y, y);
    Value *beyond = max ? b.CreateFCmpOGT(x, y) : b.CreateFCmpOLT(x, y);
    Type *bits = x->getType()->getWithNewType(
        b.getIntNTy(x->getType()->getScalarSizeInBits()));
    Value *negative = b.CreateICmpSLT(b.CreateBitCast(x, bits), Constant::getNullValue(bits));
    Value *side = max ? b.CreateNot(negative) : negative;
    Value *tie = b.CreateAnd(b.CreateFCmpOEQ(x, y), side);
    Value *pickX = b.CreateOr(yNaN, b.CreateOr(beyond, tie));
    Value *r = b.CreateSelect(pickX, x, y);
    call->replaceAllUsesWith(r);
    call->eraseFromParent();
  }
}
