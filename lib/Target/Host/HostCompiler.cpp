//===- HostCompiler.cpp - typed cuft IR to object code for this CPU -------===//
//
// The same pipeline as PTX down to the gpu dialect, then convert-gpu-to-host,
// LLVM IR, a packed entry (`void entry(void **args)`), LLVM's optimizer and the
// X86 backend for this machine's CPU. The result is an Object: relocatable
// code that HostLoader.cpp JIT-links, once per load, like a cubin per context.
//
//===----------------------------------------------------------------------===//

#include "../../Compiler/Session.h"
#include "HostTarget.h"

#include "cuft/Conversion/GPUToHost/GPUToHost.h"
#include "cuft/Conversion/Passes.h"
#include "cuft/Conversion/Timing.h"
#include "cuft/Dialect/Cuft/Transforms/Passes.h"
#include "cuft/Pipelines/Pipelines.h"
#include "cuft/Runtime/Host.h"
#include "cuft/Runtime/LaunchShape.h"

#include "cuft/Conversion/Translate.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;

namespace {

/// The entry's facts and the bounds-check sites, read before LLVM IR exists.
bool readKernelFacts(ModuleOp module, const std::string &kernel, cuft::host::Object &impl,
                     bool &splittable, cuft::detail::Session &session) {
  std::string entryName = cuft::kEntryPrefix + kernel;
  func::FuncOp entry;
  for (auto fn : module.getOps<func::FuncOp>()) {
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
  impl.cooperative = entry->hasAttr(cuft::kCooperativeAttr);
  impl.blockRuns = !impl.fibers;
  splittable = entry->hasAttr(cuft::kSplitBarriersAttr);
  if (auto bytes = entry->getAttrOfType<IntegerAttr>(cuft::kSharedBytesAttr))
    impl.sharedBytes = bytes.getInt();
  if (auto bytes = entry->getAttrOfType<IntegerAttr>(cuft::kLocalBytesAttr))
    impl.localBytes = bytes.getInt();
  if (auto threads = entry->getAttrOfType<IntegerAttr>(cuft::kHostMaxThreadsAttr))
    impl.maxThreads = threads.getInt();
  if (auto arrays = entry->getAttrOfType<DenseI64ArrayAttr>(cuft::kArraysAttr)) {
    for (size_t i = 0; i + 2 < size_t(arrays.size()); i += 3)
      impl.arrays.push_back({uint32_t(arrays[i]), uint32_t(arrays[i + 1]),
                             uint32_t(arrays[i + 2])});
    if (auto privates = entry->getAttrOfType<DenseI64ArrayAttr>(cuft::kPrivateAtomicsAttr))
      for (size_t i = 0; i + 1 < size_t(privates.size()); i += 2)
        impl.privateAtomics.push_back({uint32_t(privates[i]), uint32_t(privates[i + 1])});
  }
  if (auto sites = module->getAttrOfType<ArrayAttr>(cuft::kIndexSitesAttr))
    for (Attribute a : sites) {
      cuft::host::SourceSite site;
      cuft::detail::fillLocation(cast<LocationAttr>(a), site.file, site.line, site.column);
      impl.sites.push_back(std::move(site));
    }
  return true;
}

/// `void packed(void **args)`: calls `entry` with *args[i] as its i-th
/// argument, so a launch passes any signature through one pointer.
void addPackedEntry(llvm::Module &module, llvm::Function &entry, const std::string &symbol) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false);
  auto *packed = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, symbol, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", packed));
  llvm::SmallVector<llvm::Value *> args;
  for (llvm::Argument &param : entry.args()) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptr, packed->getArg(0), param.getArgNo());
    args.push_back(b.CreateLoad(param.getType(), b.CreateLoad(ptr, slot)));
  }
  b.CreateCall(&entry, args);
  b.CreateRetVoid();
  // Kept out of line: inlined into this wrapper, which has no debug scope,
  // the kernel's code would lose its line table.
  entry.addFnAttr(llvm::Attribute::NoInline);
}

/// Whether the optimized code has an atomic on memory that may be another
/// block's too: anything but the entry's shared memory (the aligned pointer
/// of its last argument, a memref descriptor of five).
bool hasGlobalAtomics(llvm::Module &module, llvm::Function &entry) {
  const llvm::Value *shared = entry.getArg(entry.arg_size() - 4);
  for (llvm::Function &f : module)
    for (llvm::BasicBlock &block : f)
      for (llvm::Instruction &i : block) {
        const llvm::Value *address = nullptr;
        if (auto *rmw = llvm::dyn_cast<llvm::AtomicRMWInst>(&i))
          address = rmw->getPointerOperand();
        else if (auto *cas = llvm::dyn_cast<llvm::AtomicCmpXchgInst>(&i))
          address = cas->getPointerOperand();
        if (address && (&f != &entry || llvm::getUnderlyingObject(address) != shared))
          return true;
      }
  return false;
}

} // namespace

namespace {
cuft::host::ObjectResult compileObjectHere(const std::string &ir, const std::string &signature,
                                           const std::string &kernel,
                                           const cuft::host::Options &options) {
  using namespace cuft;
  using namespace cuft::host;
  ObjectResult result;
  cuft::detail::Session session(result.diagnostics);
  OwningOpRef<ModuleOp> module = session.parse(ir);
  if (!module)
    return result;

  if (failed(session.specialize(*module, signature, kernel)))
    return result;
  CuftToHostOptions host;
  host.fastMath = options.fastMath;
  host.boundsCheck = options.boundsCheck;
  const bool oneShape = options.block[0] != 0;
  if (oneShape)
    (*module)->setAttr(kBlockShapeAttr,
                       DenseI64ArrayAttr::get(module->getContext(),
                                              {options.block[0], options.block[1],
                                               options.block[2]}));
  std::string key = "host|" + std::to_string(host.fastMath) + "|" +
                    std::to_string(host.boundsCheck);
  if (failed(session.run(*module, key, [&](OpPassManager &pm) {
        buildCuftToHostPipeline(pm, host);
      })))
    return result;
  // What reaches LLVM is verified (after each pass too with CUFT_VERIFY_PASSES).
  if (failed(mlir::verify(*module)))
    return result;

  auto object = std::make_shared<Object>();
  bool splittable = false;
  if (!readKernelFacts(*module, kernel, *object, splittable, session))
    return result;

  // This CPU, features included: the optimizer's cost model (vectorization)
  // and the backend need it.
  const unsigned optLevel = options.optLevel;
  const bool large = optLevel > 0 && hasLargeFunction(*module);
  std::string error;
  const unsigned codegenLevel = cuft::codegenLevel(optLevel, large);
  const std::string machineKey = "host|" + std::to_string(codegenLevel);
  llvm::TargetMachine *tm = cuft::threadTargetMachine(
      machineKey,
      [&](std::string &error) {
        return cuft::host::detail::hostTargetMachine(codegenLevel, error);
      },
      error);
  if (!tm) {
    session.error("cannot target this CPU: " + error);
    return result;
  }
  llvm::LLVMContext llvmContext;
  std::optional<cuft::timing::Stage> stage;
  stage.emplace("llvm-translate");
  // With a line table (no other debug info): a trap names the kernel's line.
  std::unique_ptr<llvm::Module> llvmModule = cuft::translateToHostIR(*module, llvmContext);
  if (!llvmModule)
    return result;
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(tm->getTargetTriple());
  llvm::Function *entry = llvmModule->getFunction(kEntryPrefix + object->name);
  if (!entry) {
    session.error("the kernel's entry is missing from its LLVM IR");
    return result;
  }
  cuft::rangesFromEntryAssumes(*llvmModule);
  cuft::signedMemrefOffsets(*llvmModule);
  cuft::relaxAtomics(*llvmModule);
  addPackedEntry(*llvmModule, *entry, entrySymbol(object->name));
  // Threads that meet only at barriers run as loops between them, not fibers.
  uint64_t frameBytes = 0;
  std::string why;
  if (splittable && splitsBarriers() &&
      cuft::host::detail::splitAtBarriers(*llvmModule, *entry, *tm, options.block, frameBytes,
                                          why)) {
    object->fibers = false;
    uint64_t threads = object->maxThreads ? object->maxThreads : kMaxThreadsPerBlock;
    if (oneShape)
      threads = uint64_t(options.block[0]) * options.block[1] * options.block[2];
    object->localBytes = threads * frameBytes;
  }
  // A kernel without barriers: its threads' loop, for GuardedLoopsPass.
  if (llvm::Function *body = llvmModule->getFunction(object->name))
    cuft::host::detail::markThreadLoop(*entry, *body);
  // A frame larger than a page is probed page by page, so a local array that
  // does not fit in the fiber's stack faults on its guard page instead of
  // writing past it into a neighbouring mapping.
  for (llvm::Function &f : *llvmModule)
    if (!f.isDeclaration())
      f.addFnAttr("probe-stack", "inline-asm");

  // With CUFT_VERIFY_PASSES (the test suite), the IR cuft's own LLVM passes
  // make is verified: before LLVM's optimizer (ranges, atomics, the packed
  // entry, the barrier split), after GuardedLoopsPass in it, and before the
  // code generator (the loops' polls).
  const bool verify = cuft::detail::verifyEachPass();
  auto invalid = [&](const char *where) {
    std::string problems;
    llvm::raw_string_ostream os(problems);
    if (!verify || !llvm::verifyModule(*llvmModule, &os))
      return false;
    session.error(std::string("invalid LLVM IR ") + where + ": " + problems);
    return true;
  };
  if (invalid("before optimizing"))
    return result;
  stage.emplace("llvm-optimize");
  if (llvm::Error e = optimizeModule(
          *llvmModule, optLevel, large, tm, [verify](llvm::PassBuilder &pb) {
            // At LLVM's peephole points, the first of which is before the
            // loop passes of the function simplification pipeline (the
            // kernel's body is inlined into its entry's thread loops by then).
            pb.registerPeepholeEPCallback(
                [verify](llvm::FunctionPassManager &fpm, llvm::OptimizationLevel) {
                  fpm.addPass(llvm::LoopSimplifyPass()); // preheaders
                  fpm.addPass(cuft::host::detail::GuardedLoopsPass());
                  if (verify)
                    fpm.addPass(llvm::VerifierPass());
                });
          },
          cuft::host::detail::vectorMathLibrary())) {
    session.error("LLVM's optimizer failed: " + llvm::toString(std::move(e)));
    return result;
  }
  object->globalAtomics = hasGlobalAtomics(*llvmModule, *entry);
  cuft::host::detail::instrumentLoops(*llvmModule, object->fibers);
  cuft::host::detail::expandMinimumNum(*llvmModule);
  if (invalid("after instrumenting loops"))
    return result;
  if (options.keepLLVMIR) {
    llvm::raw_string_ostream os(object->llvmIR);
    llvmModule->print(os, nullptr);
  }
  stage.emplace("llvm-codegen");
  std::unique_ptr<cuft::CodeGenerator> codegen =
      cuft::takeCodeGenerator(machineKey, tm, llvm::CodeGenFileType::ObjectFile, error);
  if (!codegen) {
    session.error("the X86 backend cannot emit object code: " + error);
    return result;
  }
  codegen->passes.run(*llvmModule);
  object->code.assign(codegen->text.begin(), codegen->text.end());
  cuft::host::detail::readLineTable(*object, entrySymbol(object->name));
  result.object = std::move(object);
  result.ok = true;
  return result;
}
} // namespace

cuft::host::ObjectResult cuft::host::compileObject(const std::string &ir,
                                                    const std::string &signature,
                                                    const std::string &kernel,
                                                    const Options &options) {
  return cuft::detail::onCompileStack(
      [&] { return compileObjectHere(ir, signature, kernel, options); });
}

cuft::host::CompileResult cuft::host::compile(const std::string &ir,
                                              const std::string &signature,
                                              const std::string &kernel,
                                              const Options &options) {
  CompileResult result;
  ObjectResult compiled = compileObject(ir, signature, kernel, options);
  result.diagnostics = std::move(compiled.diagnostics);
  if (!compiled.ok)
    return result;
  result.llvmIR = compiled.object->llvmIR;
  std::string error;
  std::unique_ptr<Kernel> loaded = load(*compiled.object, error);
  if (!loaded) {
    result.diagnostics.push_back({"error", "", 0, 0, "the host JIT failed: " + error});
    return result;
  }
  result.kernel = std::move(loaded);
  result.ok = true;
  return result;
}
