//===- Compiler.cpp - the narrow compile API ------------------------------===//

#include "cuft/Compiler/Compiler.h"
#include "Session.h"

#include "cuft/Conversion/Passes.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"
#include "cuft/Dialect/Cuft/Transforms/Passes.h"
#include "cuft/Pipelines/Pipelines.h"
#include "cuft/Registration/Registration.h"
#include "cuft/Support/Environment.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <tuple>
#include <vector>

using namespace mlir;

namespace {

/// Built once, then only read: safe to share between threads.
const DialectRegistry &registry() {
  static const DialectRegistry *r = [] {
    auto *reg = new DialectRegistry();
    cuft::registerCuftDialects(*reg);
    return reg;
  }();
  return *r;
}

void record(mlir::Diagnostic &diag, std::vector<cuft::Diagnostic> &out) {
  cuft::Diagnostic d;
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error: d.severity = "error"; break;
  case DiagnosticSeverity::Warning: d.severity = "warning"; break;
  case DiagnosticSeverity::Note: d.severity = "note"; break;
  case DiagnosticSeverity::Remark: d.severity = "remark"; break;
  }
  cuft::detail::fillLocation(diag.getLocation(), d.file, d.line, d.column);
  d.message = diag.str();
  out.push_back(std::move(d));
  for (mlir::Diagnostic &note : diag.getNotes())
    record(note, out);
}

std::string printOp(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  op->print(os);
  return s;
}

/// LLVM IR text of the `gpu.binary` objects produced with format=llvm (bitcode).
bool bitcodeToText(Operation *module, std::string &text) {
  bool found = false;
  module->walk([&](gpu::BinaryOp binary) {
    for (Attribute a : binary.getObjects()) {
      auto object = dyn_cast<gpu::ObjectAttr>(a);
      if (!object)
        continue;
      llvm::LLVMContext llvmContext;
      auto buffer = llvm::MemoryBuffer::getMemBuffer(object.getObject().getValue(), "",
                                                     /*RequiresNullTerminator=*/false);
      auto parsed = llvm::parseBitcodeFile(buffer->getMemBufferRef(), llvmContext);
      if (!parsed) {
        llvm::consumeError(parsed.takeError());
        continue;
      }
      llvm::raw_string_ostream os(text);
      (*parsed)->print(os, nullptr);
      found = true;
    }
  });
  return found;
}

} // namespace

void cuft::detail::fillLocation(Location loc, std::string &file, unsigned &line,
                                unsigned &column) {
  loc->walk([&](Location l) {
    if (auto f = dyn_cast<FileLineColLoc>(l)) {
      file = f.getFilename().str();
      line = f.getLine();
      column = f.getColumn();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
}

namespace {

/// The process's one `T`, never destroyed (no exit-time race); a forked child
/// gets a new one, since the parent's threads, and the locks they may have
/// held at the fork, are not in it (the old one is left as it is).
template <typename T> T &perProcess() {
  static T *current = [] {
    pthread_atfork(nullptr, nullptr, [] { current = new T(); });
    return new T();
  }();
  return *current;
}

/// MLIR contexts between compiles, with the pass managers built in them. A
/// context serves one compile at a time; it is dropped after kContextUses
/// compiles, since what it uniques (types, attributes, locations) only grows.
/// A forked child starts an empty pool (a compile of the parent's other
/// threads may have held the lock).
class ContextPool {
public:
  static constexpr unsigned kContextUses = 64;
  static constexpr size_t kKept = 16;

  static ContextPool &get() { return perProcess<ContextPool>(); }

  /// A context with cuft's dialects registered (and what it served before).
  std::unique_ptr<cuft::detail::PooledContext> take() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!kept.empty()) {
        auto out = std::move(kept.back());
        kept.pop_back();
        return out;
      }
    }
    auto pooled = std::make_unique<cuft::detail::PooledContext>();
    pooled->ctx = std::make_unique<MLIRContext>(registry(), MLIRContext::Threading::DISABLED);
    // Diagnostics point at the user's source; a dump of the failing op is noise.
    pooled->ctx->printOpOnDiagnostic(false);
    return pooled;
  }

  void give(std::unique_ptr<cuft::detail::PooledContext> pooled) {
    if (++pooled->uses >= kContextUses)
      return; // destroyed here, outside the lock
    std::lock_guard<std::mutex> lock(mutex);
    if (kept.size() < kKept)
      kept.push_back(std::move(pooled));
  }

private:
  std::mutex mutex;
  std::vector<std::unique_ptr<cuft::detail::PooledContext>> kept; // guarded by mutex
};

} // namespace

bool cuft::detail::verifyEachPass() {
  static const bool on = cuft::environmentFlag("CUFT_VERIFY_PASSES");
  return on;
}

namespace {

/// The compile threads (submitCompile); one per process (perProcess: never
/// destroyed, as detached threads use it, and made anew in a forked child).
class CompileThreads {
public:
  static constexpr size_t kIdleKept = 4;
  static constexpr std::chrono::seconds kIdleFor{60};

  static CompileThreads &get() { return perProcess<CompileThreads>(); }

  void submit(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      queue.push_back(std::move(task));
      // Each queued task has an idle thread of its own, or a new one.
      if (queue.size() <= idle) {
        ready.notify_one();
        return;
      }
    }
    CompileThreads *pool = this;
    llvm::thread(std::optional<unsigned>(cuft::detail::kCompileStackBytes),
                 [pool] { pool->serve(); })
        .detach();
  }

  /// Whether this thread is a compile thread.
  static bool onCompileThread() { return serving; }

private:
  void serve() {
    serving = true;
    cuft::serveIdleJobs();
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      if (queue.empty()) {
        // What the last compile left for later (a code generator made
        // ahead: takeCodeGenerator), now that its result is delivered. The
        // thread counts as idle meanwhile, so a task submitted now waits for
        // it rather than starting a thread (with target machines to make).
        ++idle;
        lock.unlock();
        bool ran = cuft::runIdleJobs();
        lock.lock();
        --idle;
        if (ran)
          continue;
        if (idle >= kIdleKept)
          return;
        ++idle;
        bool got = ready.wait_for(lock, kIdleFor, [this] { return !queue.empty(); });
        --idle;
        if (!got)
          return;
      }
      std::function<void()> task = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      task();
      task = nullptr; // what it holds goes before the next wait
      lock.lock();
    }
  }

  static thread_local bool serving;
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::function<void()>> queue; // guarded by mutex
  size_t idle = 0;                         // threads waiting for a task; guarded by mutex
};

thread_local bool CompileThreads::serving = false;

} // namespace

void cuft::submitCompile(std::function<void()> task) {
  CompileThreads::get().submit(std::move(task));
}

void cuft::detail::runOnCompileStack(llvm::function_ref<void()> fn) {
  if (CompileThreads::onCompileThread())
    return fn();
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  submitCompile([&] {
    fn();
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mutex);
  cv.wait(lock, [&] { return done; });
}

cuft::detail::Session::Session(std::vector<Diagnostic> &diagnostics)
    : diagnostics(diagnostics), pooled(ContextPool::get().take()) {
  handler.emplace(pooled->ctx.get(), [this](mlir::Diagnostic &diag) {
    record(diag, this->diagnostics);
    return success();
  });
}

cuft::detail::Session::~Session() {
  handler.reset();
  ContextPool::get().give(std::move(pooled));
}

LogicalResult cuft::detail::Session::run(ModuleOp module, llvm::StringRef key,
                                         llvm::function_ref<void(OpPassManager &)> build) {
  timing::describeTarget(key.split('|').first);
  std::unique_ptr<PassManager> &pm = pooled->pipelines[key];
  if (!pm) {
    pm = newPassManager();
    build(*pm);
  }
  return pm->run(module);
}

LogicalResult cuft::detail::Session::specialize(ModuleOp module, const std::string &signature,
                                                const std::string &kernel) {
  timing::describeKernel(kernel, signature);
  timing::Stage stage("specialize");
  CuftSpecializeOptions options;
  options.sig = signature;
  options.kernel = kernel;
  std::unique_ptr<PassManager> pm = newPassManager();
  pm->addPass(createCuftSpecialize(options));
  return pm->run(module);
}

std::unique_ptr<PassManager> cuft::detail::Session::newPassManager() {
  auto pm = std::make_unique<PassManager>(pooled->ctx.get());
  pm->enableVerifier(verifyEachPass());
  timing::instrument(*pm);
  return pm;
}

OwningOpRef<ModuleOp> cuft::detail::Session::parse(const std::string &ir) {
  timing::Stage stage("parse");
  return parseSourceString<ModuleOp>(ir, ParserConfig(pooled->ctx.get()), "<cuft generic IR>");
}

void cuft::detail::Session::error(const std::string &message) {
  diagnostics.push_back({"error", "", 0, 0, message});
}

bool cuft::parseStage(const std::string &name, Stage &stage) {
  if (name == "generic")
    stage = Stage::Generic;
  else if (name == "typed")
    stage = Stage::Typed;
  else if (name == "llvm")
    stage = Stage::LLVM;
  else if (name == "ptx")
    stage = Stage::PTX;
  else
    return false;
  return true;
}

namespace {
cuft::CompileResult compileHere(const std::string &ir, const std::string &signature,
                                const std::string &kernel, cuft::Stage stage,
                                const cuft::CompileOptions &options) {
  using namespace cuft;
  CompileResult result;
  cuft::detail::Session session(result.diagnostics);
  OwningOpRef<ModuleOp> module = session.parse(ir);
  if (!module)
    return result;
  if (stage == Stage::Generic) {
    result.text = printOp(*module);
    result.ok = true;
    return result;
  }

  if (failed(session.specialize(*module, signature, kernel)))
    return result;
  if (stage != Stage::Typed) {
    CuftToPTXOptions ptx;
    ptx.chip = options.chip;
    ptx.optLevel = options.optLevel;
    ptx.fastMath = options.fastMath;
    ptx.libdevice = options.libdevice;
    ptx.binaryFormat = stage == Stage::LLVM ? "llvm" : "isa";
    // @cuft.kernel(lineinfo=True) marks the module (the IR is the cache key).
    ptx.lineInfo = (*module)->hasAttr(kLineInfoAttr);
    // @cuft.kernel(fma=False) too.
    ptx.fma = !(*module)->hasAttr(kNoFmaAttr);
    std::string key = "ptx|" + ptx.chip + "|" + std::to_string(ptx.optLevel) + "|" +
                      std::to_string(ptx.fastMath) + "|" + ptx.libdevice + "|" +
                      ptx.binaryFormat + "|" + std::to_string(ptx.lineInfo) + "|" +
                      std::to_string(ptx.fma);
    if (failed(session.run(*module, key,
                           [&](OpPassManager &pm) { buildCuftToPTXPipeline(pm, ptx); })))
      return result;
  }

  switch (stage) {
  case Stage::Generic:
  case Stage::Typed:
    result.text = printOp(*module);
    break;
  case Stage::LLVM:
    if (!bitcodeToText(*module, result.text)) {
      session.error("no LLVM IR was produced");
      return result;
    }
    break;
  case Stage::PTX:
    for (const std::string &ptx : collectPTX(*module))
      result.text += ptx;
    break;
  }
  result.ok = true;
  return result;
}
} // namespace

cuft::CompileResult cuft::compile(const std::string &ir, const std::string &signature,
                                  const std::string &kernel, Stage stage,
                                  const CompileOptions &options) {
  return detail::onCompileStack([&] { return compileHere(ir, signature, kernel, stage, options); });
}

std::vector<std::pair<std::string, unsigned>> cuft::mathFunctions() {
  std::vector<std::pair<std::string, unsigned>> result;
  for (uint32_t v = 0; v <= getMaxEnumValForMathFn(); ++v)
    if (std::optional<MathFn> fn = symbolizeMathFn(v))
      result.emplace_back(stringifyMathFn(*fn).str(), MathOp::getArity(*fn));
  return result;
}
