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
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <memory>
#include <string>

namespace llvm {
class Error;
class Module;
class PassBuilder;
class TargetMachine;
class TargetLibraryInfoImpl;
} // namespace llvm

namespace cuft {
#define GEN_PASS_DECL
#include "cuft/Conversion/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "cuft/Conversion/Passes.h.inc"

/// A function of more blocks than this (counted in its MLIR form, nested
/// regions included) is large: LLVM's -O1..-O3 pipelines and aggressive code
/// generators spend too long per block on it (an and-chain of 10,000
/// operands: 5 s in GVN alone at -O3; at -O1, 0.6 s, most in SimplifyCFG's
/// walks over a merge block of 10,000 predecessors).
inline constexpr size_t kLargeFunctionBlocks = 1000;

/// A function with a block of more operations than this is large too:
/// LLVM's ScalarEvolution-based passes (NVPTX's straight-line strength
/// reduction, constraint elimination) take time quadratic in a block of
/// similar integer expressions (1,000 terms `(a * i + b > c - i) & ...`,
/// about 5,000 operations: 2.9 s to PTX).
inline constexpr size_t kLargeBlockOperations = 2000;

/// Whether a function under `root` is large (kLargeFunctionBlocks,
/// kLargeBlockOperations).
bool hasLargeFunction(mlir::Operation *root);

/// The one rule for how both targets' compilers optimize a kernel's LLVM IR:
/// at `level` with LLVM's pipeline for it, except a `large` module (a level
/// above 0 and hasLargeFunction) gets a short clean-up (always-inline,
/// InstSimplify, SROA, EarlyCSE, SimplifyCFG, once each: variables become
/// registers, and each pass is about linear in the function's size); ptxas
/// optimizes the PTX again. `codegenLevel` is the code generator's level to
/// use with it: 0 for a large module, else `level`.
///
/// A module none of whose functions calls another it defines (a GPU kernel,
/// its device functions inlined) gets LLVM's pipeline without the inliner's
/// walk of the call graph, which had nothing to inline (OptLevel.cpp's
/// flatPipeline: the same passes, the same code); `inlinerWalk` keeps it.
///
/// `extend` adds a target's own passes to LLVM's pipeline (the host's
/// GuardedLoopsPass), through the PassBuilder's extension points; it is not
/// called for a large module. `library`, when given, is what LLVM knows of
/// the target's library functions (the host's vector math).
llvm::Error optimizeModule(llvm::Module &module, unsigned level, bool large,
                           llvm::TargetMachine *tm,
                           llvm::function_ref<void(llvm::PassBuilder &)> extend = {},
                           const llvm::TargetLibraryInfoImpl *library = nullptr,
                           bool inlinerWalk = false);
inline unsigned codegenLevel(unsigned level, bool large) { return large ? 0 : level; }

/// Runs `mpm` over `module` with `pb`'s analyses (and `library`'s, when
/// given, in place of LLVM's default knowledge of library functions).
void runPasses(llvm::Module &module, llvm::PassBuilder &pb, llvm::ModulePassManager &mpm,
               const llvm::TargetLibraryInfoImpl *library = nullptr);

/// Gives each parameter of a function of `module` that an assume at the start
/// of its entry block bounds (`assume(p < C)`, unsigned, `p` possibly read back
/// out of a descriptor built from the parameters) the `range` attribute
/// [0, C), and passes such ranges on to a caller's parameters that it hands on
/// unchanged: LLVM's ScalarEvolution reads ranges, not assumes. A load an
/// assume in its block bounds so gets `!range` (the host's reads of thread
/// ids). Both targets' compilers run it on the LLVM IR before optimizing
/// (array dimensions' bound).
void rangesFromEntryAssumes(llvm::Module &module);

/// Drops `nuw` from the GEPs of `module` and from the index products that
/// feed them, keeping `inbounds` and `nsw`: MLIR's memref lowering claims a
/// non-negative step, which a view with a negative stride breaks
/// (SignedOffsets.cpp). Both targets' compilers run it on the LLVM IR before
/// optimizing.
void signedMemrefOffsets(llvm::Module &module);

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

/// A code generator for one module: a legacy pass manager holding the passes
/// `addPassesToEmitFile` adds for a target machine, writing into `text`. Used
/// for one module, as LLVM's tools use one (an earlier attempt here to run
/// one pass manager on module after module gave empty PTX and a crash).
struct CodeGenerator {
  llvm::SmallString<0> text;
  llvm::raw_svector_ostream out{text};
  llvm::legacy::PassManager passes;
};

/// A code generator of `type` for this thread's target machine `key`, `tm`
/// (threadTargetMachine's, just returned): the one made while the thread was
/// idle, or a new one. Making one (the passes, an MCContext, the asm printer)
/// costs about 0.27 ms, a tenth of a small kernel's compile; so that the next
/// compile on this thread finds one, another is made when the thread is idle
/// next (whenIdle). Null with `error` set when the target cannot emit `type`.
std::unique_ptr<CodeGenerator> takeCodeGenerator(llvm::StringRef key, llvm::TargetMachine *tm,
                                                 llvm::CodeGenFileType type, std::string &error);

/// Runs `job` when this thread is next idle: a compile thread, after its
/// compile's result is delivered and before it waits for the next. On any
/// other thread (cuft-opt's) the job is dropped: nothing would run it.
void whenIdle(std::function<void()> job);

/// Makes this thread one that runs the jobs of whenIdle (the compile threads).
void serveIdleJobs();

/// Runs this thread's jobs of whenIdle; whether there were any.
bool runIdleJobs();

/// The unit attribute prepare-nvptx puts on a `gpu.module` that is large
/// (hasLargeFunction, at a level above 0): serialize-ptx optimizes it as such
/// (optimizeModule).
inline constexpr const char kLargeModuleAttr[] = "cuft.large_function";
} // namespace cuft

#endif
