//===- cuft-opt.cpp - cuft's opt tool -------------------------------------===//
//
// MlirOptMain with cuft's dialect, passes and pipelines plus the upstream
// dialects it lowers to. One addition: when the final IR holds PTX (the output of
// `--cuft-to-ptx`), cuft-opt prints the PTX text itself; `--emit-mlir` prints the
// MLIR instead.
//
//===----------------------------------------------------------------------===//

#include "cuft/Pipelines/Pipelines.h"
#include "cuft/Registration/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/ToolUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/thread.h"

#include <mutex>

namespace {

llvm::cl::opt<bool> emitMlir("emit-mlir",
                             llvm::cl::desc("print MLIR even when the result holds PTX"),
                             llvm::cl::init(false));

/// Collects the PTX of the final IR, per input chunk (`--split-input-file`).
struct PTXSink {
  std::mutex mutex;
  std::vector<std::string> texts;
};

class CollectPTXPass
    : public mlir::PassWrapper<CollectPTXPass, mlir::OperationPass<mlir::ModuleOp>> {
public:
  explicit CollectPTXPass(PTXSink &sink) : sink(sink) {}
  llvm::StringRef getArgument() const override { return "cuft-opt-collect-ptx"; }
  void runOnOperation() override {
    std::vector<std::string> ptx = cuft::collectPTX(getOperation());
    std::lock_guard<std::mutex> lock(sink.mutex);
    for (std::string &text : ptx)
      sink.texts.push_back(std::move(text));
    markAllAnalysesPreserved();
  }

private:
  PTXSink &sink;
};

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  cuft::registerCuftDialects(registry);
  cuft::registerCuftPasses();

  // Diagnostics name the user's file and line; the whole op that MLIR would
  // attach as a note is noise for a kernel author. --mlir-print-op-on-diagnostic
  // brings it back.
  std::vector<char *> args(argv, argv + argc);
  static char quietOps[] = "--mlir-print-op-on-diagnostic=false";
  if (llvm::none_of(args, [](const char *a) {
        return llvm::StringRef(a).contains("mlir-print-op-on-diagnostic");
      }))
    args.insert(args.begin() + 1, quietOps);
  int newArgc = static_cast<int>(args.size());
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      newArgc, args.data(), "cuft optimizer driver\n", registry);
  mlir::MlirOptMainConfig baseConfig = mlir::MlirOptMainConfig::createFromCLOptions();

  PTXSink sink;
  mlir::MlirOptMainConfig config = baseConfig;
  config.setPassPipelineSetupFn([&](mlir::PassManager &pm) -> mlir::LogicalResult {
    if (mlir::failed(baseConfig.setupPassPipeline(pm)))
      return mlir::failure();
    if (!emitMlir)
      pm.addPass(std::make_unique<CollectPTXPass>(sink));
    return mlir::success();
  });

  std::string errorMessage;
  auto input = mlir::openInputFile(inputFilename, &errorMessage);
  if (!input) {
    llvm::errs() << errorMessage << "\n";
    return 1;
  }
  auto output = mlir::openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << errorMessage << "\n";
    return 1;
  }

  std::string mlirText;
  llvm::raw_string_ostream mlirStream(mlirText);
  // On a thread with a large stack, as cuft's own compiles: the parser and the
  // passes recurse once per nesting level of the input.
  mlir::LogicalResult result = mlir::failure();
  llvm::thread worker(std::optional<unsigned>(256u << 20), [&] {
    result = mlir::MlirOptMain(mlirStream, std::move(input), registry, config);
  });
  worker.join();
  if (sink.texts.empty()) {
    output->os() << mlirText;
  } else {
    for (size_t i = 0; i < sink.texts.size(); ++i)
      output->os() << (i ? "// -----\n" : "") << sink.texts[i];
  }
  if (mlir::succeeded(result))
    output->keep();
  return mlir::asMainReturnCode(result);
}
