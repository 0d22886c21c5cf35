//===- Timing.h - the wall time of a compile's stages -----------*- C++ -*-===//
//
// CUFT_TIMING=1: every compile (a specialization for the GPU or the host, an
// inspect stage) prints one line to stderr when it ends, with its
// wall time and its stages': parsing, specialization, each MLIR pass, and
// LLVM's translation, optimizer and code generator, nested where they run
// inside a pass (serialize-ptx). docs/Architecture.md has the format. Off, a
// stage costs a test of one flag.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CONVERSION_TIMING_H
#define CUFT_CONVERSION_TIMING_H

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <memory>
#include <string>

namespace mlir {
class PassManager;
} // namespace mlir

namespace cuft::timing {

/// CUFT_TIMING is set (and not 0); read once.
bool enabled();

/// One compile's record, on the thread that makes it: the stages timed on
/// that thread while it lives; printed when it is destroyed. Null when
/// timing is off, or when a compile is already timed on this thread.
class Compile {
public:
  static std::unique_ptr<Compile> start();
  ~Compile();
  Compile(const Compile &) = delete;
  Compile &operator=(const Compile &) = delete;
  struct Record;

private:
  Compile() = default;
  std::unique_ptr<Record> record;
};

/// What the thread's compile is of: the target (the first one given wins)
/// and the kernel and its signature.
void describeTarget(llvm::StringRef target);
void describeKernel(llvm::StringRef kernel, llvm::StringRef signature);

/// The wall time from construction to destruction, added to stage `name`
/// (a string that outlives the compile) of this thread's compile, if timed.
/// Stages one after another: a std::optional<Stage>, whose emplace ends the
/// stage before it and starts the next.
class Stage {
public:
  explicit Stage(const char *name);
  ~Stage();
  Stage(const Stage &) = delete;
  Stage &operator=(const Stage &) = delete;

private:
  int index = -1;
  std::chrono::steady_clock::time_point began;
};

/// Times each pass `pm` runs as a stage (its argument, e.g.
/// convert-cuft-to-gpu), when timing is on.
void instrument(mlir::PassManager &pm);

} // namespace cuft::timing

#endif
