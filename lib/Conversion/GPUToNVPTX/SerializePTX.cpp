//===- SerializePTX.cpp - serialize-ptx: gpu.modules to PTX ----------------===//
//
// cuft's own NVPTX serializer, in place of MLIR's gpu-module-to-binary, which
// made a new NVPTX TargetMachine per compile, read the CUDA toolkit's libdevice
// from disk (and parsed its index) for every kernel, math or not, and generated
// code at the aggressive level whatever the function's size. Here:
//
// - one TargetMachine per thread and (chip, features, level), reused for
//   kTargetMachineUses compiles (threadTargetMachine);
// - each bitcode library is read once per process and kept in memory, and
//   each of its functions a kernel calls is optimized once per process
//   (Libraries.cpp): a kernel without math links nothing, and where its
//   calls sit outside loops it gets each function's PTX, made once per
//   process, at its calls (PtxSplice.cpp);
// - a module marked large (PrepareNVPTX: a function of thousands of blocks)
//   gets a short clean-up pipeline and level None code generation
//   (optimizeModule): ptxas optimizes the PTX again.
//
// The result is what gpu-module-to-binary makes: a gpu.binary with one object,
// PTX text (format isa) or the optimized module's bitcode (format llvm).
//
//===----------------------------------------------------------------------===//

#include "Libraries.h"
#include "PtxSplice.h"
#include "cuft/Conversion/Translate.h"

#include "cuft/Conversion/Passes.h"
#include "cuft/Conversion/Timing.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/CallingConv.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

namespace cuft {
#define GEN_PASS_DEF_SERIALIZEPTX
#include "cuft/Conversion/Passes.h.inc"
} // namespace cuft

using namespace mlir;

namespace {

/// The highest code generation level serialize-ptx uses (see serialize).
constexpr unsigned kDefaultCodegenLevel = static_cast<unsigned>(llvm::CodeGenOptLevel::Default);

/// The name of the thread's NVPTX target machine for `chip`, `features` and
/// `level` (threadTargetMachine).
std::string machineKey(const llvm::Triple &triple, StringRef chip, StringRef features,
                       llvm::CodeGenOptLevel level) {
  return (triple.str() + "|" + chip + "|" + features + "|" +
          std::to_string(static_cast<int>(level)))
      .str();
}

/// This thread's NVPTX target machine for `chip`, `features` and `level`.
llvm::TargetMachine *targetMachine(const llvm::Triple &triple, StringRef chip,
                                   StringRef features, llvm::CodeGenOptLevel level,
                                   std::string &error) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
  return cuft::threadTargetMachine(
      machineKey(triple, chip, features, level),
      [&](std::string &error) -> std::unique_ptr<llvm::TargetMachine> {
        const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
        if (!target)
          return nullptr;
        std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
            triple, chip, features, {}, std::nullopt, std::nullopt, level));
        if (!tm)
          error = "cannot create the NVPTX target machine for " + chip.str();
        return tm;
      },
      error);
}

/// Makes every function of `module` but its kernels internal, and drops those
/// nothing calls. Only kernels are entry points (cuft links no code that calls
/// back into a kernel's module), but the translation leaves each device
/// function external, as MLIR's did: it came out in the PTX as a `.visible
/// .func` with the function's whole body (a device function calling sin:
/// another copy of sin for ptxas), and kept LLVM from dropping an inlined
/// function.
void keepKernelsOnly(llvm::Module &module) {
  for (llvm::Function &f : module)
    if (!f.isDeclaration() && f.getCallingConv() != llvm::CallingConv::PTX_Kernel)
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (bool dropped = true; dropped;) {
    dropped = false;
    for (llvm::Function &f : llvm::make_early_inc_range(module))
      if (f.hasLocalLinkage() && f.use_empty()) {
        f.eraseFromParent();
        dropped = true;
      }
  }
}

/// The paths of `target`'s bitcode libraries.
FailureOr<SmallVector<std::string>> libraryPaths(gpu::GPUModuleOp gpuModule,
                                                 NVVM::NVVMTargetAttr target) {
  SmallVector<std::string> paths;
  for (Attribute file : target.getLink() ? target.getLink() : ArrayAttr()) {
    auto path = dyn_cast<StringAttr>(file);
    if (!path)
      return gpuModule.emitError("a link file of the NVVM target is not a path: ") << file;
    paths.push_back(path.str());
  }
  return paths;
}

/// `gpuModule`'s object for `target`: PTX, or with `bitcode` the optimized
/// module's bitcode. With `splice`, library functions called outside loops
/// come into the PTX as their own PTX (LibraryFunctions::splice).
FailureOr<std::string> serialize(gpu::GPUModuleOp gpuModule, NVVM::NVVMTargetAttr target,
                                 bool bitcode, bool inlinerWalk, bool lineInfo,
                                 bool splice = true) {
  // cuft's compiles verify the IR here, where it reaches LLVM, rather than
  // after every pass (CUFT_VERIFY_PASSES=1 does that too).
  if (failed(mlir::verify(gpuModule)))
    return failure();
  unsigned optLevel = target.getO();
  if (optLevel > 3)
    return gpuModule.emitError("invalid optimization level ") << optLevel;
  llvm::Triple triple(target.getTriple());
  const bool large = gpuModule->hasAttr(cuft::kLargeModuleAttr);
  // NVPTX's code generator at its aggressive level differs from its default
  // one only in running GVN, twice, where the default runs EarlyCSE, after its
  // own straight-line strength reduction and LSR. Over the gallery's kernels
  // the default level's PTX is as small or smaller (16 of 77 differ: 8,626
  // instructions against 8,684; as many registers or fewer, but for one
  // kernel with two more), and it saves 0.5 of the 9 ms a kernel of ten math
  // calls takes to PTX: -O3 is LLVM's optimizer at -O3, code generation at
  // the default level.
  auto codegenLevel = static_cast<llvm::CodeGenOptLevel>(
      std::min(cuft::codegenLevel(optLevel, large), kDefaultCodegenLevel));
  std::string error;
  llvm::TargetMachine *tm =
      targetMachine(triple, target.getChip(), target.getFeatures(), codegenLevel, error);
  if (!tm)
    return gpuModule.emitError(error);

  llvm::LLVMContext llvmContext;
  std::optional<cuft::timing::Stage> stage;
  stage.emplace("llvm-translate");
  std::unique_ptr<llvm::Module> module =
      cuft::translateToNVVMIR(gpuModule, llvmContext, lineInfo);
  if (!module)
    return failure();
  module->setDataLayout(tm->createDataLayout());
  module->setTargetTriple(triple);
  cuft::rangesFromEntryAssumes(*module);
  cuft::signedMemrefOffsets(*module);
  cuft::relaxAtomics(*module, "device");
  keepKernelsOnly(*module);
  stage.emplace("libraries");
  FailureOr<SmallVector<std::string>> paths = libraryPaths(gpuModule, target);
  if (failed(paths))
    return failure();
  llvm::Expected<cuft::LibraryFunctions> libraries =
      cuft::LibraryFunctions::find(*module, *paths, tm, optLevel, large);
  if (!libraries)
    return gpuModule.emitError(llvm::toString(libraries.takeError()));
  if (!libraries->linkAfter())
    if (llvm::Error e = libraries->link(*module))
      return gpuModule.emitError(llvm::toString(std::move(e)));
  stage.emplace("llvm-optimize");
  if (llvm::Error e = cuft::optimizeModule(*module, optLevel, large, tm, {}, nullptr,
                                           inlinerWalk))
    return gpuModule.emitError("LLVM's optimizer failed: ") << llvm::toString(std::move(e));
  stage.reset();
  std::string machine =
      machineKey(triple, target.getChip(), target.getFeatures(), codegenLevel);
  auto generate = [&]() -> FailureOr<std::string> {
    std::unique_ptr<cuft::CodeGenerator> codegen = cuft::takeCodeGenerator(
        machine, tm, llvm::CodeGenFileType::AssemblyFile, error);
    if (!codegen)
      return gpuModule.emitError("the NVPTX backend cannot emit PTX: ") << error;
    codegen->passes.run(*module);
    std::string ptx(codegen->text.str());
    cuft::ptx::numberCallSequences(ptx);
    return ptx;
  };
  if (libraries->linkAfter() && splice && !bitcode) {
    // Whether to splice (the functions' PTX made on first use: its time is
    // the splice's), then the kernel's code with the calls still calls and
    // the functions' PTX at them. Where the splicer refuses, what linking
    // makes instead.
    stage.emplace("libraries-splice");
    if (libraries->spliceable(*module, tm)) {
      stage.emplace("llvm-codegen");
      FailureOr<std::string> ptx = generate();
      if (failed(ptx))
        return failure();
      stage.emplace("libraries-splice");
      if (std::optional<std::string> spliced = libraries->splice(*ptx))
        return std::move(*spliced);
      stage.reset();
      return serialize(gpuModule, target, bitcode, inlinerWalk, lineInfo, /*splice=*/false);
    }
    stage.reset();
  }
  if (libraries->linkAfter()) {
    stage.emplace("libraries");
    if (llvm::Error e = libraries->link(*module))
      return gpuModule.emitError(llvm::toString(std::move(e)));
    stage.emplace("libraries-inline");
    libraries->inlineLinked(*module, tm);
  }

  stage.emplace("llvm-codegen");
  std::string object;
  llvm::raw_string_ostream os(object);
  if (bitcode) {
    llvm::WriteBitcodeToFile(*module, os);
    return object;
  }
  return generate();
}

struct SerializePTXPass : public cuft::impl::SerializePTXBase<SerializePTXPass> {
  using SerializePTXBase::SerializePTXBase;

  void runOnOperation() override {
    bool bitcode = format == "llvm";
    if (!bitcode && format != "isa") {
      getOperation().emitError("serialize-ptx: format must be isa or llvm, not ") << format;
      return signalPassFailure();
    }
    for (auto gpuModule :
         llvm::make_early_inc_range(getOperation().getOps<gpu::GPUModuleOp>())) {
      ArrayAttr targets = gpuModule.getTargetsAttr();
      SmallVector<Attribute> objects;
      for (Attribute attr : targets ? targets : ArrayAttr()) {
        auto target = dyn_cast<NVVM::NVVMTargetAttr>(attr);
        if (!target) {
          gpuModule.emitError("serialize-ptx serializes NVVM targets only, not ") << attr;
          return signalPassFailure();
        }
        FailureOr<std::string> object =
            serialize(gpuModule, target, bitcode, inlinerWalk, lineInfo);
        if (failed(object))
          return signalPassFailure();
        Builder b(&getContext());
        DictionaryAttr properties;
        if (!bitcode)
          properties = b.getDictionaryAttr(b.getNamedAttr("O", b.getI32IntegerAttr(target.getO())));
        objects.push_back(gpu::ObjectAttr::get(
            &getContext(), target,
            bitcode ? gpu::CompilationTarget::Offload : gpu::CompilationTarget::Assembly,
            b.getStringAttr(*object), properties, /*kernels=*/nullptr));
      }
      if (objects.empty()) {
        gpuModule.emitError("a gpu.module without an NVVM target");
        return signalPassFailure();
      }
      OpBuilder builder(gpuModule);
      gpu::BinaryOp::create(builder, gpuModule.getLoc(), gpuModule.getName(),
                            gpuModule.getOffloadingHandlerAttr(), builder.getArrayAttr(objects));
      gpuModule.erase();
    }
  }
};

} // namespace
