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

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace cuft::detail {

class Session {
public:
  /// Diagnostics go to `diagnostics`, converted, never to stderr.
  explicit Session(std::vector<Diagnostic> &diagnostics);
  /// Returns the context to the pool (the IR made in it is gone by then: a
  /// Session outlives what it parses).
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  mlir::MLIRContext &context() { return *ctx; }
  /// Parses generic IR; null (with a diagnostic) when it does not parse.
  mlir::OwningOpRef<mlir::ModuleOp> parse(const std::string &ir);
  /// Records a diagnostic that has no MLIR location.
  void error(const std::string &message);

private:
  std::vector<Diagnostic> &diagnostics;
  std::unique_ptr<mlir::MLIRContext> ctx;
  unsigned uses = 0; // compiles the context served before this one
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
