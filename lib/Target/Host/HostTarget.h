//===- HostTarget.h - this CPU as an LLVM target -----------------*- C++ -*-===//
//
// Internal to the host target: the compiler and the loader both target the
// CPU this process runs on.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_TARGET_HOST_HOSTTARGET_H
#define CUFT_LIB_TARGET_HOST_HOSTTARGET_H

#include "llvm/IR/PassManager.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace llvm {
class Function;
class Module;
}

namespace cuft::host {
struct Object;
}

namespace cuft::host::detail {

/// A TargetMachine for this CPU (its features included) at `optLevel` 0-3;
/// null with `error` set when LLVM cannot target it. LLVM's native target is
/// initialized once per process on the first call.
std::unique_ptr<llvm::TargetMachine> hostTargetMachine(unsigned optLevel, std::string &error);

/// Instruments the loops of optimized kernel code (LoopPolls.cpp): each loop
/// latch checks the Ctrl-C flag (`__cuft_host_interrupt`, calling
/// `__cuft_host_poll` when set), except in innermost loops of a small
/// constant trip count; loops that use atomics or fences call
/// `__cuft_host_yield` instead, which lets a block's other threads run.
/// `yields`: the kernel's threads run as fibers (else a yield has nothing to
/// switch to, and those loops get the plain poll).
void instrumentLoops(llvm::Module &module, bool yields);

/// Splits the kernel that fiber entry `entry` calls per thread at its barriers
/// (SplitBarriers.cpp): `entry` then runs the block's threads in loops, a
/// round of loops from barrier to barrier, and needs `frameBytesPerThread`
/// of stack per thread of the block. False with `why` set when it cannot (a
/// barrier in a recursive function, a local array of dynamic size): the
/// module is left valid and the kernel keeps its fibers.
bool splitAtBarriers(llvm::Module &module, llvm::Function &entry, llvm::TargetMachine &tm,
                     uint64_t &frameBytesPerThread, std::string &why);

/// Gives each monotone comparison `c` of an innermost loop's induction
/// variable with an invariant (a thread loop's `if i < n:`) the loop-invariant
/// fact that it holds for every iteration, `all | c` (GuardedLoops.cpp), so
/// that loop unswitching makes a copy of the loop where the guards fold away
/// and it vectorizes without masks. Runs in LLVM's function simplification
/// pipeline before the loop passes (optimizeModule's `extend`).
struct GuardedLoopsPass : llvm::PassInfoMixin<GuardedLoopsPass> {
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &am);
};

/// Reads the line table of `object.code` (LineTable.cpp) into `object.lines`
/// and `object.files`, with offsets from symbol `entry`. Leaves them empty when
/// the code has none.
void readLineTable(Object &object, const std::string &entry);

} // namespace cuft::host::detail

#endif
