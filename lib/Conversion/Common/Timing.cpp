//===- Timing.cpp - the wall time of a compile's stages -------------------===//

#include "cuft/Conversion/Timing.h"
#include "cuft/Support/Environment.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <functional>

using Clock = std::chrono::steady_clock;

struct cuft::timing::Compile::Record {
  struct Entry {
    const char *name;
    int parent; // the stage it ran in, -1: none
    double ms = 0;
  };
  Clock::time_point began = Clock::now();
  std::string target, kernel, signature;
  llvm::SmallVector<Entry, 32> stages;
  llvm::SmallVector<int, 8> open; // the stages running now, innermost last
};

namespace {

thread_local cuft::timing::Compile::Record *current = nullptr;

double msSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

/// The line: "cuft-timing: <target> <kernel>(<signature>) <total> ms:" and
/// each stage's "<name> <ms>", those run inside it in parentheses.
void print(const cuft::timing::Compile::Record &r) {
  std::string line;
  llvm::raw_string_ostream os(line);
  os << "cuft-timing: " << (r.target.empty() ? "compile" : r.target) << " "
     << (r.kernel.empty() ? "?" : r.kernel) << "(" << r.signature << ") "
     << llvm::format("%.3f", msSince(r.began)) << " ms:";
  std::function<void(int)> children = [&](int parent) {
    bool first = true;
    for (int i = 0, n = static_cast<int>(r.stages.size()); i < n; ++i) {
      if (r.stages[i].parent != parent)
        continue;
      os << (first ? (parent < 0 ? " " : " (") : ", ") << r.stages[i].name << " "
         << llvm::format("%.3f", r.stages[i].ms);
      first = false;
      children(i);
    }
    if (!first && parent >= 0)
      os << ")";
  };
  children(-1);
  os << "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

struct PassTimes : public mlir::PassInstrumentation {
  llvm::SmallVector<std::unique_ptr<cuft::timing::Stage>, 4> running;
  void runBeforePass(mlir::Pass *pass, mlir::Operation *) override {
    llvm::StringRef name = pass->getArgument();
    // Adaptors (nested pass managers) have no argument: their passes count.
    running.push_back(name.empty() ? nullptr
                                   : std::make_unique<cuft::timing::Stage>(name.data()));
  }
  void runAfterPass(mlir::Pass *, mlir::Operation *) override { running.pop_back(); }
  void runAfterPassFailed(mlir::Pass *, mlir::Operation *) override { running.pop_back(); }
};

} // namespace

bool cuft::timing::enabled() {
  static const bool on = cuft::environmentFlag("CUFT_TIMING");
  return on;
}

std::unique_ptr<cuft::timing::Compile> cuft::timing::Compile::start() {
  if (!enabled() || current)
    return nullptr;
  std::unique_ptr<Compile> c(new Compile);
  c->record = std::make_unique<Record>();
  current = c->record.get();
  return c;
}

cuft::timing::Compile::~Compile() {
  current = nullptr;
  print(*record);
}

void cuft::timing::describeTarget(llvm::StringRef target) {
  if (current && current->target.empty())
    current->target = target.str();
}

void cuft::timing::describeKernel(llvm::StringRef kernel, llvm::StringRef signature) {
  if (current) {
    current->kernel = kernel.str();
    current->signature = signature.str();
  }
}

cuft::timing::Stage::Stage(const char *name) {
  Compile::Record *r = current;
  if (!r)
    return;
  int parent = r->open.empty() ? -1 : r->open.back();
  // A stage runs once per compile but a pass on each nested op: one entry
  // per name and parent.
  for (int i = 0, n = static_cast<int>(r->stages.size()); i < n && index < 0; ++i)
    if (r->stages[i].parent == parent && llvm::StringRef(r->stages[i].name) == name)
      index = i;
  if (index < 0) {
    index = static_cast<int>(r->stages.size());
    r->stages.push_back({name, parent});
  }
  r->open.push_back(index);
  began = Clock::now();
}

cuft::timing::Stage::~Stage() {
  Compile::Record *r = current;
  if (index < 0 || !r)
    return;
  r->stages[index].ms += msSince(began);
  r->open.pop_back();
}

void cuft::timing::instrument(mlir::PassManager &pm) {
  if (enabled())
    pm.addInstrumentation(std::make_unique<PassTimes>());
}
