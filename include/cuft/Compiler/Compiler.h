//===- Compiler.h - cuft's narrow compile API -------------------*- C++ -*-===//
//
// What the Python extension (and any other client) sees of the compiler: text
// in, text out, diagnostics as plain data. No MLIR types, so clients stay small
// and fast to build. Every call is independent and thread-safe: it uses its own
// MLIRContext, and shares only immutable, once-initialized state.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_COMPILER_COMPILER_H
#define CUFT_COMPILER_COMPILER_H

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cuft {

/// How far to compile: the generic IR as parsed, the typed IR after
/// cuft-specialize, the LLVM IR of the kernel module, or PTX.
enum class Stage { Generic, Typed, LLVM, PTX };

struct CompileOptions {
  std::string chip = "sm_90";
  unsigned optLevel = 3;
  bool fastMath = false;
  std::string libdevice; // empty: cuft::defaultLibdevicePath()
};

struct Diagnostic {
  std::string severity; // "error", "warning", "note", "remark"
  std::string file;     // empty when the location has no file
  unsigned line = 0, column = 0;
  std::string message;
};

struct CompileResult {
  bool ok = false;
  std::string text; // the requested stage's output when ok
  std::vector<Diagnostic> diagnostics;
};

/// Runs `task` on one of cuft's compile threads, without waiting for it. The
/// threads have a stack for deeply nested IR (256 MiB, reserved), are kept
/// between compiles (up to four idle ones; an idle one ends after a minute)
/// and are made when none is idle, so tasks never wait for one another.
void submitCompile(std::function<void()> task);

/// Compiles the generic IR module `ir`, specialized for `signature` (the
/// cuft-specialize syntax, e.g. "f32,array<f32,1,C>,i64=128"), up to `stage`.
/// `kernel` selects one kernel of the module (empty: all).
CompileResult compile(const std::string &ir, const std::string &signature,
                      const std::string &kernel, Stage stage,
                      const CompileOptions &options);

/// The functions of Python's `math` module that cuft.math computes, by name,
/// with the number of arguments each takes (the MathFn enum of the dialect):
/// what a frontend may emit.
std::vector<std::pair<std::string, unsigned>> mathFunctions();

/// Parses "generic", "typed", "llvm" or "ptx"; false when unknown.
bool parseStage(const std::string &name, Stage &stage);

} // namespace cuft

#endif
