//===- Session.h - one compile's MLIR context and diagnostics --*- C++ -*-===//
//
// Internal to lib/: what every compile entry point (PTX, host) shares. Each
// Session has an MLIRContext of its own while it lives, so compiles on
// different threads share nothing mutable; the context comes from a pool and
// goes back to it (its dialects stay loaded: loading LLVM's, NVVM's and the
// GPU dialect's hundreds of operations was a third of a small kernel's compile).
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_COMPILER_SESSION_H
#define CUFT_LIB_COMPILER_SESSION_H

#include "cuft/Compiler/Compiler.h"
#include "cuft/Conversion/Timing.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringMap.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace cuft::detail {

/// CUFT_VERIFY_PASSES=1 (the test suite sets it): verify the IR after every
/// MLIR pass, as cuft-opt does, not only where it reaches LLVM, and the host
/// compiler's LLVM IR after LLVM's optimizer (its own passes run in it).
bool verifyEachPass();

/// A pooled MLIR context and the pass managers built in it (kept with it: a
/// pass manager's passes set up once, e.g. the canonicalizer's pattern sets,
/// and the verifier's and the passes' own per-run cost is what remains).
struct PooledContext {
  std::unique_ptr<mlir::MLIRContext> ctx;
  llvm::StringMap<std::unique_ptr<mlir::PassManager>> pipelines; // destroyed before ctx
  unsigned uses = 0; // compiles served
};

class Session {
public:
  /// Diagnostics go to `diagnostics`, converted, never to stderr.
  explicit Session(std::vector<Diagnostic> &diagnostics);
  /// Returns the context to the pool (the IR made in it is gone by then: a
  /// Session outlives what it parses).
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  /// Parses generic IR; null (with a diagnostic) when it does not parse.
  mlir::OwningOpRef<mlir::ModuleOp> parse(const std::string &ir);
  /// Runs `module` through this context's pass manager named `key`, built by
  /// `build` the first time the context runs that key: `key` must name
  /// everything `build` depends on.
  mlir::LogicalResult run(mlir::ModuleOp module, llvm::StringRef key,
                          llvm::function_ref<void(mlir::OpPassManager &)> build);
  /// Specializes `module`'s kernel (`kernel`; empty: its only one) for
  /// `signature`, in a pass manager of its own (its options are per compile).
  mlir::LogicalResult specialize(mlir::ModuleOp module, const std::string &signature,
                                 const std::string &kernel);
  /// Records a diagnostic that has no MLIR location.
  void error(const std::string &message);

private:
  /// A pass manager in this context, verifying after every pass or not
  /// (CUFT_VERIFY_PASSES).
  std::unique_ptr<mlir::PassManager> newPassManager();
  /// This compile's stage times (CUFT_TIMING), printed as the Session ends.
  std::unique_ptr<timing::Compile> timed = timing::Compile::start();
  std::vector<Diagnostic> &diagnostics;
  std::unique_ptr<PooledContext> pooled;
  std::optional<mlir::ScopedDiagnosticHandler> handler;
};

/// Stack of the thread a compile runs on. MLIR's parser, verifier and walks
/// recurse once per nesting level of the IR: 256 MiB (reserved, touched only
/// as deep as a kernel nests) keeps thousands of nested regions far from the
/// end of it, where a Python thread's 8 MiB crashed the interpreter.
inline constexpr unsigned kCompileStackBytes = 256u << 20;

/// Runs `fn` on a compile thread (submitCompile), which has kCompileStackBytes
/// of stack, and waits for it; on a compile thread, runs it there. The threads
/// are kept between compiles: a new thread per compile cost its creation and
/// the page faults of a fresh stack, and what LLVM keeps per thread (the NVPTX
/// target machines) did not last.
void runOnCompileStack(llvm::function_ref<void()> fn);

/// `fn()`, run by runOnCompileStack.
template <typename Fn>
auto onCompileStack(Fn &&fn) -> decltype(fn()) {
  std::optional<decltype(fn())> result;
  runOnCompileStack([&] { result.emplace(fn()); });
  return std::move(*result);
}

/// The first file/line/column inside `loc` (through names, call sites, fusions).
void fillLocation(mlir::Location loc, std::string &file, unsigned &line, unsigned &column);

} // namespace cuft::detail

#endif
