//===- Session.h - one compile's MLIR context and diagnostics --*- C++ -*-===//
//
// Internal to lib/: what every compile entry point (PTX, host) shares. Each
// Session owns its MLIRContext, so compiles on different threads share nothing
// mutable.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_COMPILER_SESSION_H
#define CUFT_LIB_COMPILER_SESSION_H

#include "cuft/Compiler/Compiler.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/thread.h"

#include <optional>
#include <utility>
#include <vector>

namespace cuft::detail {

class Session {
public:
  /// Diagnostics go to `diagnostics`, converted, never to stderr.
  explicit Session(std::vector<Diagnostic> &diagnostics);

  mlir::MLIRContext &context() { return ctx; }
  /// Parses generic IR; null (with a diagnostic) when it does not parse.
  mlir::OwningOpRef<mlir::ModuleOp> parse(const std::string &ir);
  /// Records a diagnostic that has no MLIR location.
  void error(const std::string &message);

private:
  std::vector<Diagnostic> &diagnostics;
  mlir::MLIRContext ctx;
  std::optional<mlir::ScopedDiagnosticHandler> handler;
};

/// Stack of the thread a compile runs on. MLIR's parser, verifier and walks
/// recurse once per nesting level of the IR: 256 MiB (reserved, touched only
/// as deep as a kernel nests) keeps thousands of nested regions far from the
/// end of it, where a Python thread's 8 MiB crashed the interpreter.
inline constexpr unsigned kCompileStackBytes = 256u << 20;

/// Runs `fn()` on a thread of its own with kCompileStackBytes of stack and
/// returns its result; the caller waits (a compile is milliseconds, the thread
/// microseconds).
template <typename Fn>
auto onCompileStack(Fn &&fn) -> decltype(fn()) {
  std::optional<decltype(fn())> result;
  llvm::thread worker(std::optional<unsigned>(kCompileStackBytes), [&] { result.emplace(fn()); });
  worker.join();
  return std::move(*result);
}

/// The first file/line/column inside `loc` (through names, call sites, fusions).
void fillLocation(mlir::Location loc, std::string &file, unsigned &line, unsigned &column);

} // namespace cuft::detail

#endif
