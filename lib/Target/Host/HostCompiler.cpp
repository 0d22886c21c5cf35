//===- HostCompiler.cpp - typed cuft IR to JIT-compiled CPU code ----------===//
//
// The same pipeline as PTX down to the gpu dialect, then convert-gpu-to-host
// and LLVM for this machine's CPU through MLIR's ExecutionEngine (an ORC
// LLJIT). Runtime functions the kernels call (the barrier, bounds-check errors)
// are bound to their addresses in libcuft, not looked up by name in the process.
//
//===----------------------------------------------------------------------===//

#include "../../Compiler/Session.h"
#include "../../Runtime/Host/HostRuntime.h"

#include "cuft/Conversion/GPUToHost/GPUToHost.h"
#include "cuft/Dialect/Cuft/Transforms/Passes.h"
#include "cuft/Pipelines/Pipelines.h"
#include "cuft/Runtime/Host.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>

using namespace mlir;

struct cuft::host::Kernel::Impl {
  std::string name;
  bool fibers = false;
  uint64_t sharedBytes = 0;
  std::vector<SourceSite> sites;
  std::unique_ptr<ExecutionEngine> engine;
  void (*entry)(void **) = nullptr;
};

cuft::host::Kernel::Kernel(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
cuft::host::Kernel::~Kernel() = default;
const std::string &cuft::host::Kernel::name() const { return impl->name; }
bool cuft::host::Kernel::usesFibers() const { return impl->fibers; }
uint64_t cuft::host::Kernel::sharedBytes() const { return impl->sharedBytes; }
const std::vector<cuft::host::SourceSite> &cuft::host::Kernel::indexSites() const {
  return impl->sites;
}
void (*cuft::host::Kernel::entry() const)(void **) { return impl->entry; }

namespace {

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

/// The entry's facts and the bounds-check sites, read before LLVM IR exists.
bool readKernelFacts(ModuleOp module, const std::string &kernel,
                     cuft::host::Kernel::Impl &impl, cuft::detail::Session &session) {
  std::string entryName = cuft::kEntryPrefix + kernel;
  LLVM::LLVMFuncOp entry;
  for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
    if (kernel.empty() ? fn.getName().starts_with(cuft::kEntryPrefix)
                       : fn.getName() == entryName) {
      if (entry) {
        session.error("the module has several kernels; name the one to compile");
        return false;
      }
      entry = fn;
    }
  }
  if (!entry) {
    session.error(kernel.empty() ? "the module has no kernel"
                                 : "no kernel named '" + kernel + "' in the module");
    return false;
  }
  impl.name = entry.getName().drop_front(std::strlen(cuft::kEntryPrefix)).str();
  impl.fibers = entry->hasAttr(cuft::kFibersAttr);
  if (auto bytes = entry->getAttrOfType<IntegerAttr>(cuft::kSharedBytesAttr))
    impl.sharedBytes = bytes.getInt();
  if (auto sites = module->getAttrOfType<ArrayAttr>(cuft::kIndexSitesAttr))
    for (Attribute a : sites) {
      cuft::host::SourceSite site;
      cuft::detail::fillLocation(cast<LocationAttr>(a), site.file, site.line, site.column);
      impl.sites.push_back(std::move(site));
    }
  return true;
}

} // namespace

cuft::host::CompileResult cuft::host::compile(const std::string &ir,
                                              const std::string &signature,
                                              const std::string &kernel,
                                              const Options &options) {
  CompileResult result;
  cuft::detail::Session session(result.diagnostics);
  OwningOpRef<ModuleOp> module = session.parse(ir);
  if (!module)
    return result;

  PassManager pm(&session.context());
  CuftSpecializeOptions specialize;
  specialize.sig = signature;
  specialize.kernel = kernel;
  pm.addPass(createCuftSpecialize(specialize));
  CuftToHostOptions host;
  host.fastMath = options.fastMath;
  host.boundsCheck = options.boundsCheck;
  buildCuftToHostPipeline(pm, host);
  if (failed(pm.run(*module)))
    return result;

  auto impl = std::make_unique<Kernel::Impl>();
  if (!readKernelFacts(*module, kernel, *impl, session))
    return result;

  initializeNativeTarget();
  // This CPU, features included: the optimizer's cost model (vectorization)
  // needs it, and the JIT gets its own copy.
  auto makeTargetMachine = []() -> llvm::Expected<std::unique_ptr<llvm::TargetMachine>> {
    auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!builder)
      return builder.takeError();
    return builder->createTargetMachine();
  };
  auto optimizerTM = makeTargetMachine();
  auto jitTM = makeTargetMachine();
  if (!optimizerTM || !jitTM) {
    session.error("cannot target this CPU: " +
                  llvm::toString(optimizerTM ? jitTM.takeError() : optimizerTM.takeError()));
    return result;
  }
  std::string *llvmIR = options.keepLLVMIR ? &result.llvmIR : nullptr;
  auto optimize = makeOptimizingTransformer(options.optLevel, /*sizeLevel=*/0,
                                            optimizerTM->get());
  auto transformer = [&](llvm::Module *m) -> llvm::Error {
    if (llvm::Error e = optimize(m))
      return e;
    if (llvmIR) {
      llvm::raw_string_ostream os(*llvmIR);
      m->print(os, nullptr);
    }
    return llvm::Error::success();
  };
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel =
      options.optLevel == 0 ? llvm::CodeGenOptLevel::None : llvm::CodeGenOptLevel::Aggressive;
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = false;
  // The transformer runs when the entry is looked up below, while it is alive.
  auto engine = ExecutionEngine::create(*module, engineOptions, std::move(*jitTM));
  if (!engine) {
    session.error("the host JIT failed: " + llvm::toString(engine.takeError()));
    return result;
  }
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    for (const detail::RuntimeSymbol &s : detail::runtimeSymbols())
      symbols[interner(s.name)] = {llvm::orc::ExecutorAddr::fromPtr(s.address),
                                   llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  auto entry = (*engine)->lookupPacked(kEntryPrefix + impl->name);
  if (!entry) {
    session.error("the host JIT cannot find the kernel's entry: " +
                  llvm::toString(entry.takeError()));
    return result;
  }
  impl->entry = *entry;
  impl->engine = std::move(*engine);
  result.kernel = std::make_shared<const Kernel>(std::move(impl));
  result.ok = true;
  return result;
}
