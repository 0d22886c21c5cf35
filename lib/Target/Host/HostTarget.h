//===- HostTarget.h - this CPU as an LLVM target -----------------*- C++ -*-===//
//
// Internal to the host target: the compiler and the loader both target the
// CPU this process runs on.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_TARGET_HOST_HOSTTARGET_H
#define CUFT_LIB_TARGET_HOST_HOSTTARGET_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Target/TargetMachine.h"

#include <array>
#include <memory>
#include <string>

namespace llvm {
class Function;
class TargetLibraryInfoImpl;
class LLVMContext;
class Loop;
class MDNode;
class Metadata;
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

/// glibc's vector math library (libmvec) for this CPU, loaded into the
/// process once so the JIT resolves its functions; null when the process
/// cannot load it. The loop vectorizer then calls its functions on whole
/// vectors (`_ZGVdN8v_tanhf`: eight float tanh at once with AVX2) where it
/// would call the scalar function once per lane: a GELU over 2^22 floats,
/// 34 -> 6 ms. Loaded by the loader too, before it resolves a kernel.
const llvm::TargetLibraryInfoImpl *vectorMathLibrary();

/// Instruments the loops of optimized kernel code (LoopPolls.cpp): each loop
/// latch checks the Ctrl-C flag (`__cuft_host_interrupt`, calling
/// `__cuft_host_poll` when set), except in innermost loops of a small
/// constant trip count; loops that use atomics or fences call
/// `__cuft_host_yield` instead, which lets a block's other threads run.
/// `yields`: the kernel's threads run as fibers (else a yield has nothing to
/// switch to, and those loops get the plain poll).
void instrumentLoops(llvm::Module &module, bool yields);

/// Replaces each llvm.minimumnum and llvm.maximumnum call of `module` with the
/// compares and selects it means (MinimumNum.cpp): LLVM 22's X86 lowering of
/// them returns a NaN operand where the other is known not to be one.
void expandMinimumNum(llvm::Module &module);

/// Splits the kernel that fiber entry `entry` calls per thread at its barriers
/// (SplitBarriers.cpp): `entry` then runs the block's threads in loops, a
/// round of loops from barrier to barrier, and needs `frameBytesPerThread`
/// of stack per thread of the block. `block`: the block shape every launch
/// has (its loops' trip counts), or zeros (read at run time). False with
/// `why` set when it cannot (a barrier in a recursive function, a local
/// array of dynamic size): the module is left valid and the kernel keeps its
/// fibers.
bool splitAtBarriers(llvm::Module &module, llvm::Function &entry, llvm::TargetMachine &tm,
                     const std::array<uint32_t, 3> &block, uint64_t &frameBytesPerThread,
                     std::string &why);

/// llvm.loop properties of a loop over a block's threads whose iterations do
/// not depend on one another through the memory accesses of access group
/// `group` (between two barriers, no two threads of a race-free kernel touch
/// the same memory unless all of them only read it): LLVM's vectorizer needs
/// no run-time overlap checks for them.
llvm::SmallVector<llvm::Metadata *> parallelThreadsLoop(llvm::LLVMContext &ctx,
                                                        llvm::MDNode *group);
/// llvm.loop properties of a loop that runs rarely: neither vectorized nor
/// unrolled, so its code stays small.
llvm::SmallVector<llvm::Metadata *> scalarLoop(llvm::LLVMContext &ctx);
/// Gives `loop` a new loop ID with its properties (less the one named
/// `dropped`, if any) and `properties`.
void addLoopProperties(llvm::Loop &loop, llvm::ArrayRef<llvm::Metadata *> properties,
                       llvm::StringRef dropped = "");

/// The llvm.loop property of a loop over a block's threads that
/// GuardedLoopsPass may mark parallel.
inline constexpr const char kThreadLoop[] = "cuft.host.threads";

/// Gives the loop over a block's threads of `entry` (a kernel without
/// barriers: `entry`'s innermost loop that calls `kernel`) the property
/// kThreadLoop, unless the kernel has atomics, fences or volatile accesses
/// (its threads may meet in memory; the host's private copies of an
/// atomically updated array are plain loads and stores) or an indirect call.
/// False when it does not.
bool markThreadLoop(llvm::Function &entry, llvm::Function &kernel);

/// In LLVM's pipeline before its loop passes (at its peephole points, once
/// the kernel is inlined into its entry's thread loops; GuardedLoops.cpp):
/// - a loop marked kThreadLoop whose memory accesses all reach the kernel's
///   arrays (none a stack slot: a local array is one slot for every thread
///   of the loop) gets them in an access group and parallelThreadsLoop, so
///   it vectorizes without run-time overlap checks (a stencil's rows of 16
///   threads spent most of their time in them);
/// - an innermost loop whose comparisons of a block-offset index (its own,
///   or a loop's around it) with an invariant (`if i < n:`) are monotone is
///   versioned on whether they hold for every iteration, the copy where they
///   do vectorizing without masks;
/// - an innermost loop from 0 whose iterations from the s-th on do nothing
///   (a branch on `index < s` and nothing done without it: a tree
///   reduction's round) is trimmed to its first s iterations.
struct GuardedLoopsPass : llvm::PassInfoMixin<GuardedLoopsPass> {
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &am);
};

/// Reads the line table of `object.code` (LineTable.cpp) into `object.lines`
/// and `object.files`, with offsets from symbol `entry`. Leaves them empty when
/// the code has none.
void readLineTable(Object &object, const std::string &entry);

} // namespace cuft::host::detail

#endif
