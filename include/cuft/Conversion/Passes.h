//===- Passes.h - cuft lowering passes --------------------------*- C++ -*-===//
#ifndef CUFT_CONVERSION_PASSES_H
#define CUFT_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace cuft {
#define GEN_PASS_DECL
#include "cuft/Conversion/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "cuft/Conversion/Passes.h.inc"

/// A function of more blocks than this (counted in its MLIR form, nested
/// regions included) is optimized at `kLargeFunctionOptLevel` at most, on both
/// targets: LLVM's -O2/-O3 passes and code generators spend too long per block
/// on such functions (an and-chain of 10,000 operands took 5 s in GVN alone).
inline constexpr size_t kLargeFunctionBlocks = 4096;
inline constexpr unsigned kLargeFunctionOptLevel = 1;

/// The optimization level for the functions under `root`: `requested`, capped
/// at `kLargeFunctionOptLevel` when one of them is larger than
/// `kLargeFunctionBlocks`.
unsigned optLevelFor(mlir::Operation *root, unsigned requested);

/// The code generator's level for a module optimized at `level` (optLevelFor)
/// when `requested` was asked: 0 where optLevelFor capped it (fast instruction
/// selection and register allocation: on the host, a 10,000-operand and-chain
/// compiled in 2.8 s instead of 5 s), else `level`.
inline unsigned codegenLevelFor(unsigned requested, unsigned level) {
  return level < requested ? 0 : level;
}

/// Gives each parameter of a function of `module` that an assume at the start
/// of its entry block bounds (`assume(p < C)`, unsigned, `p` possibly read back
/// out of a descriptor built from the parameters) the `range` attribute
/// [0, C), and passes such ranges on to a caller's parameters that it hands on
/// unchanged: LLVM's ScalarEvolution reads ranges, not assumes. Both targets'
/// compilers run it on the LLVM IR before optimizing (array dimensions' bound).
void rangesFromEntryAssumes(llvm::Module &module);

/// Makes every atomic read-modify-write and compare-and-swap of `module`
/// relaxed (LLVM's monotonic), as CUDA's atomics are: what orders memory
/// around them is a fence (cuft.threadfence: a seq_cst fence). MLIR's memref
/// lowering makes them acq_rel, which x86 runs alike (a locked instruction)
/// but which kept LLVM from moving loads across them (a loop of atomic
/// updates reloaded every invariant), and which NVPTX could make a fenced
/// atom. Both targets' compilers run it on the LLVM IR before optimizing.
void relaxAtomics(llvm::Module &module, llvm::StringRef scope = "");

/// This thread's target machine named `key` (its triple, CPU, features and
/// code generation level), made by `make` on first use and again after
/// kTargetMachineUses compiles, which bounds what it accumulates. A
/// TargetMachine is not safe to share between threads, and one made per
/// compile rebuilt its subtarget every time (x86's lowering tables: a few ms
/// of a small host compile; NVPTX's: most of MLIR's serializer's set-up).
/// Null with `error` set when `make` fails. Valid until this thread's next
/// call with `key`.
inline constexpr unsigned kTargetMachineUses = 256;
llvm::TargetMachine *threadTargetMachine(
    llvm::StringRef key,
    llvm::function_ref<std::unique_ptr<llvm::TargetMachine>(std::string &)> make,
    std::string &error);

/// The unit attribute prepare-nvptx puts on a `gpu.module` whose level it
/// capped (optLevelFor): serialize-ptx generates its code at level None.
inline constexpr const char kLargeModuleAttr[] = "cuft.large_function";
} // namespace cuft

#endif
