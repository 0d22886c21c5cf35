//===- Libraries.cpp - a kernel's bitcode library functions ---------------===//
//
// serialize-ptx links into each module the functions it calls from the NVVM
// target's bitcode libraries (libdevice). Each library is read once per
// process and kept in memory (libraryBytes); a module that calls nothing
// undefined links nothing.
//
// At an optimization level above 0, each library function is optimized once
// per process and what compiles link is that optimized copy
// (optimizedFunctions). A libdevice function as stored is written for every
// configuration: __nvvm_reflect branches on flush-to-zero and the
// architecture, helpers stay to be inlined. A kernel of ten math calls linked
// 1,450 instructions that LLVM's -O3 pipeline then cut to about 400, every
// compile, at some 6 us an instruction (8 of its 15 ms to PTX).
//
// Then, where no library call sits in a loop, the kernel is optimized before
// linking, the calls still calls (LibraryFunctions::linkAfter): -O3 works on
// the kernel's own few dozen instructions, knowing of each call what its copy
// does (its memory effects: sin(t) twice is one call), and after linking a
// short pipeline inlines the copies and cleans up around them (inlineLinked).
// That kernel: 15.5 -> 9 ms to PTX; over the gallery's 77 kernels, six PTX
// differ, by a few instructions either way. A call in a loop is linked first
// and optimized with the kernel, as before: the unroller must see how big
// the call's body is.
//
// The functions a compile needs that the process has not made yet are made
// together: linked from the library into a module of their own with the
// kernel module's target, reflect flags and level (all in the key; one lazy
// load of the library), everything but them internal (so two such modules
// never define one symbol twice), optimized by optimizeModule, and kept as
// bitcode, since an LLVM module belongs to one LLVMContext and each compile
// has its own. The copies of modules made at different times each carry the
// library's noinline helpers and tables (sin's and cos's Payne-Hanek
// reduction): a compile that links several makes those one again
// (mergeTables, then LLVM's MergeFunctions on the helpers), so a kernel's PTX
// does not depend on what the process compiled before. Made outside the
// lock: two threads asking for one function at once may both make it; the
// first kept is used.
//
// Where the kernel is optimized before linking, its PTX may instead get each
// function's own PTX at its calls (spliceable, splice; PtxSplice.cpp): the
// module a copy was made in is printed as PTX once per target machine
// (madePTX), and no compile links, inlines or generates the code of a copy
// again. Not where linking gives better code: see spliceable.
//
// A large module (hasLargeFunction) or level 0 links the library as stored:
// no optimizer runs there to need a copy.
//
//===----------------------------------------------------------------------===//

#include "Libraries.h"
#include "PtxSplice.h"

#include "cuft/Conversion/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/IPO/AlwaysInliner.h"
#include "llvm/Transforms/IPO/GlobalDCE.h"
#include "llvm/Transforms/IPO/Internalize.h"
#include "llvm/Transforms/IPO/MergeFunctions.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"

#include <memory>
#include <mutex>

using llvm::StringRef;

namespace cuft {
/// The library functions optimized together (optimizedFunctions): the
/// module's bitcode, and its PTX for each target machine, as splice reads it
/// (null where the splicer cannot read it), made on first use.
struct MadeModule {
  std::string bitcode;
  std::mutex mutex;
  llvm::StringMap<std::shared_ptr<const ptx::Library>> ptx; // guarded by mutex
};

/// A library function optimized on its own: the module made with it (shared
/// with the other functions made at the same time), and what the optimizer
/// found its body does, for a declaration of it to say.
struct OptimizedCopy {
  std::shared_ptr<MadeModule> made;
  uint32_t memory; // llvm::MemoryEffects
  llvm::SmallVector<llvm::Attribute::AttrKind, 4> facts;
};
} // namespace cuft

namespace {

/// The bytes of the bitcode library at `path`, read on first use and kept for
/// the process (libdevice: 470 KB).
llvm::Expected<llvm::MemoryBufferRef> libraryBytes(StringRef path) {
  static std::mutex mutex;
  static auto *kept = new llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>>();
  std::lock_guard<std::mutex> lock(mutex);
  auto found = kept->find(path);
  if (found != kept->end())
    return found->second->getMemBufferRef();
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> read = llvm::MemoryBuffer::getFile(path);
  if (!read)
    return llvm::createStringError(read.getError(), "cannot read the bitcode library " +
                                                        path + ": " + read.getError().message());
  llvm::MemoryBufferRef ref = (*read)->getMemBufferRef();
  kept->try_emplace(path, std::move(*read));
  return ref;
}

/// The library at `path`, loaded lazily into `context` with `module`'s
/// target: its own (libdevice: nvptx64-nvidia-gpulibs) would make the linker
/// warn.
llvm::Expected<std::unique_ptr<llvm::Module>> loadLibrary(StringRef path,
                                                          const llvm::Module &module,
                                                          llvm::LLVMContext &context) {
  llvm::Expected<llvm::MemoryBufferRef> bytes = libraryBytes(path);
  if (!bytes)
    return bytes.takeError();
  llvm::Expected<std::unique_ptr<llvm::Module>> library =
      llvm::getLazyBitcodeModule(*bytes, context);
  if (library) {
    (*library)->setTargetTriple(module.getTargetTriple());
    (*library)->setDataLayout(module.getDataLayout());
  }
  return library;
}

/// Links `library` into `module`: only what `module` declares and what that
/// needs, all of it internal but what `keep` names.
llvm::Error linkNeeded(llvm::Module &module, std::unique_ptr<llvm::Module> library,
                       StringRef what, const llvm::StringSet<> *keep = nullptr) {
  bool failed = llvm::Linker::linkModules(
      module, std::move(library), llvm::Linker::Flags::LinkOnlyNeeded,
      [keep](llvm::Module &m, const llvm::StringSet<> &linked) {
        llvm::internalizeModule(m, [&](const llvm::GlobalValue &gv) {
          return !gv.hasName() || !linked.contains(gv.getName()) ||
                 (keep && keep->contains(gv.getName()));
        });
      });
  if (failed)
    return llvm::createStringError("cannot link the bitcode library " + what);
  return llvm::Error::success();
}

/// The module flags of `module` that steer __nvvm_reflect (nvvm-reflect-ftz,
/// ...), each with its value.
struct ReflectFlag {
  llvm::Module::ModFlagBehavior behavior;
  StringRef name;
  uint64_t value;
};
llvm::SmallVector<ReflectFlag> reflectFlags(const llvm::Module &module) {
  llvm::SmallVector<llvm::Module::ModuleFlagEntry> entries;
  module.getModuleFlagsMetadata(entries);
  llvm::SmallVector<ReflectFlag> flags;
  for (const llvm::Module::ModuleFlagEntry &entry : entries)
    if (entry.Key->getString().starts_with("nvvm-reflect"))
      if (auto *value = llvm::mdconst::dyn_extract<llvm::ConstantInt>(entry.Val))
        flags.push_back({entry.Behavior, entry.Key->getString(), value->getZExtValue()});
  return flags;
}

/// `names` from the library at `path`, each optimized at `level` for
/// `module`'s target (see the file comment), those this process has not made
/// yet made together, in one module; null for a name the library does not
/// define.
llvm::Expected<llvm::SmallVector<std::shared_ptr<const cuft::OptimizedCopy>>>
optimizedFunctions(StringRef path, llvm::ArrayRef<std::string> names,
                   const llvm::Module &module, llvm::TargetMachine *tm, unsigned level) {
  static std::mutex mutex;
  static auto *kept = new llvm::StringMap<std::shared_ptr<const cuft::OptimizedCopy>>();
  llvm::SmallVector<ReflectFlag> flags = reflectFlags(module);
  std::string prefix;
  llvm::raw_string_ostream prefixText(prefix);
  prefixText << path << '|' << tm->getTargetCPU() << '|' << tm->getTargetFeatureString() << '|'
             << level;
  for (const ReflectFlag &flag : flags)
    prefixText << '|' << flag.name << '=' << flag.value;
  llvm::SmallVector<std::shared_ptr<const cuft::OptimizedCopy>> copies(names.size());
  llvm::SmallVector<size_t> missing;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (size_t i = 0; i < names.size(); ++i) {
      auto found = kept->find(prefix + "|" + names[i]);
      if (found != kept->end())
        copies[i] = found->second;
      else
        missing.push_back(i);
    }
  }
  if (missing.empty())
    return copies;

  llvm::LLVMContext context;
  llvm::Expected<std::unique_ptr<llvm::Module>> library = loadLibrary(path, module, context);
  if (!library)
    return library.takeError();
  llvm::Module made("cuft.library", context);
  made.setTargetTriple(module.getTargetTriple());
  made.setDataLayout(module.getDataLayout());
  for (const ReflectFlag &flag : flags)
    made.addModuleFlag(flag.behavior, flag.name, flag.value);
  llvm::StringSet<> exported;
  for (size_t i : missing) {
    const llvm::Function *defined = (*library)->getFunction(names[i]);
    if (!defined || defined->isDeclaration())
      continue;
    llvm::Function::Create(defined->getFunctionType(), llvm::GlobalValue::ExternalLinkage,
                           names[i], made);
    exported.insert(names[i]);
  }
  if (!exported.empty()) {
    if (llvm::Error e = linkNeeded(made, std::move(*library), path, &exported))
      return std::move(e);
    if (llvm::Error e = cuft::optimizeModule(made, level, /*large=*/false, tm))
      return std::move(e);
    auto kept = std::make_shared<cuft::MadeModule>();
    llvm::raw_string_ostream os(kept->bitcode);
    llvm::WriteBitcodeToFile(made, os);
    for (size_t i : missing) {
      const llvm::Function *optimized = made.getFunction(names[i]);
      if (!optimized || !exported.contains(names[i]))
        continue;
      auto copy = std::make_shared<cuft::OptimizedCopy>();
      copy->made = kept;
      copy->memory = optimized->getMemoryEffects().toIntValue();
      for (llvm::Attribute::AttrKind fact :
           {llvm::Attribute::NoUnwind, llvm::Attribute::WillReturn, llvm::Attribute::NoSync,
            llvm::Attribute::NoFree})
        if (optimized->hasFnAttribute(fact))
          copy->facts.push_back(fact);
      copies[i] = std::move(copy);
    }
  }
  std::lock_guard<std::mutex> lock(mutex);
  for (size_t i : missing)
    copies[i] = kept->try_emplace(prefix + "|" + names[i], copies[i]).first->second;
  return copies;
}

/// Makes the constant tables that several copies brought along one table
/// again (sin's and cos's __cudart_i2opi_f): as long as they are two, the loads
/// from them, and what those feed, cannot be shared. Internal constants whose
/// address no one compares (unnamed_addr), same type, same address space,
/// same contents, no section or metadata. LLVM's ConstantMerge takes address
/// space 0 only.
void mergeTables(llvm::Module &module) {
  llvm::DenseMap<std::pair<llvm::Constant *, unsigned>, llvm::GlobalVariable *> first;
  for (llvm::GlobalVariable &table : llvm::make_early_inc_range(module.globals())) {
    if (!table.hasLocalLinkage() || !table.isConstant() || !table.hasGlobalUnnamedAddr() ||
        !table.hasInitializer() || table.hasSection() || table.hasMetadata())
      continue;
    auto [kept, fresh] =
        first.try_emplace({table.getInitializer(), table.getAddressSpace()}, &table);
    if (fresh)
      continue;
    llvm::GlobalVariable *canonical = kept->second;
    if (table.getAlign() || canonical->getAlign())
      canonical->setAlignment(std::max(table.getAlign().valueOrOne(),
                                       canonical->getAlign().valueOrOne()));
    table.replaceAllUsesWith(canonical);
    table.eraseFromParent();
  }
}

/// Whether a call to one of `functions` sits in a loop, or a call to a
/// function that (itself or through others) calls one: the optimizer may
/// inline that function into the loop.
bool calledInLoop(llvm::ArrayRef<llvm::Function *> functions) {
  llvm::SmallPtrSet<llvm::Function *, 8> reaching(functions.begin(), functions.end());
  llvm::SmallVector<llvm::Function *> work(functions.begin(), functions.end());
  llvm::DenseMap<llvm::Function *, llvm::SmallVector<llvm::BasicBlock *>> callers;
  while (!work.empty()) {
    llvm::Function *function = work.pop_back_val();
    for (llvm::User *user : function->users()) {
      auto *call = llvm::dyn_cast<llvm::CallBase>(user);
      if (!call)
        continue;
      llvm::Function *caller = call->getFunction();
      callers[caller].push_back(call->getParent());
      if (reaching.insert(caller).second)
        work.push_back(caller);
    }
  }
  for (auto &[caller, blocks] : callers) {
    llvm::DominatorTree dominance(*caller);
    llvm::LoopInfo loops(dominance);
    for (llvm::BasicBlock *block : blocks)
      if (loops.getLoopFor(block))
        return true;
  }
  return false;
}

/// The function attributes that set how a function's floating-point code is
/// generated, which an inlined library function takes from its caller.
constexpr llvm::StringRef kFloatModes[] = {"denormal-fp-math", "denormal-fp-math-f32"};

/// `made`'s PTX for `tm` and the floating-point `modes` of its callers, read
/// for splice (null where it cannot be): made on first use, by the code
/// generator of `tm`, once per target machine's configuration and modes.
/// Made outside the lock, as the copies are.
std::shared_ptr<const cuft::ptx::Library> madePTX(cuft::MadeModule &made,
                                                  llvm::TargetMachine *tm,
                                                  llvm::ArrayRef<llvm::Attribute> modes) {
  std::string key = (tm->getTargetTriple().str() + "|" + tm->getTargetCPU() + "|" +
                     tm->getTargetFeatureString() + "|" +
                     std::to_string(static_cast<int>(tm->getOptLevel())))
                        .str();
  for (llvm::Attribute mode : modes)
    key += "|" + mode.getAsString();
  {
    std::lock_guard<std::mutex> lock(made.mutex);
    auto found = made.ptx.find(key);
    if (found != made.ptx.end())
      return found->second;
  }
  std::shared_ptr<const cuft::ptx::Library> library;
  llvm::LLVMContext context;
  llvm::Expected<std::unique_ptr<llvm::Module>> module =
      llvm::parseBitcodeFile(llvm::MemoryBufferRef(made.bitcode, "cuft.library"), context);
  if (!module) {
    llvm::consumeError(module.takeError());
  } else {
    // The functions' code as it would be inlined into the caller: in its
    // floating-point modes (fast math's flushed f32 denormals: `.ftz`). The
    // helpers they call keep their own, as they do linked.
    for (llvm::Function &f : **module)
      if (!f.isDeclaration() && !f.hasLocalLinkage())
        for (llvm::Attribute mode : modes)
          f.addFnAttr(mode);
    llvm::SmallString<0> text;
    llvm::raw_svector_ostream os(text);
    llvm::legacy::PassManager passes;
    if (!tm->addPassesToEmitFile(passes, os, nullptr, llvm::CodeGenFileType::AssemblyFile)) {
      passes.run(**module);
      library = cuft::ptx::Library::parse(text);
    }
  }
  std::lock_guard<std::mutex> lock(made.mutex);
  return made.ptx.try_emplace(key, std::move(library)).first->second;
}

} // namespace

bool cuft::LibraryFunctions::spliceable(llvm::Module &module, llvm::TargetMachine *tm) {
  spliceFrom.clear();
  if (asStored || copies.empty())
    return false;
  // Each argument value, and the helpers of the copies called with it.
  llvm::DenseMap<llvm::Value *, llvm::StringSet<>> helpersBy;
  for (const Copy &copy : copies) {
    llvm::Function *declared = module.getFunction(copy.name);
    if (!declared || !declared->isDeclaration() || declared->use_empty())
      continue; // -O3 removed every call to it
    llvm::SmallVector<llvm::CallBase *, 4> calls;
    for (llvm::User *user : declared->users()) {
      auto *call = llvm::dyn_cast<llvm::CallBase>(user);
      if (!call)
        return false;
      calls.push_back(call);
    }
    // The floating-point modes of the functions calling it: one set.
    std::optional<llvm::SmallVector<llvm::Attribute, 2>> modes;
    for (llvm::CallBase *call : calls) {
      llvm::SmallVector<llvm::Attribute, 2> own;
      for (llvm::StringRef mode : kFloatModes)
        if (llvm::Attribute a = call->getFunction()->getFnAttribute(mode); a.isValid())
          own.push_back(a);
      if (modes && *modes != own)
        return false;
      modes = std::move(own);
    }
    std::shared_ptr<const ptx::Library> library =
        madePTX(*copy.optimized->made, tm, modes ? *modes : llvm::ArrayRef<llvm::Attribute>());
    if (!library)
      return false;
    auto function = library->functions.find(copy.name);
    if (function == library->functions.end() || !function->second.inlinable)
      return false;
    for (llvm::CallBase *call : calls) {
      if (llvm::all_of(call->args(), [](llvm::Value *a) { return llvm::isa<llvm::Constant>(a); }))
        return false; // linked and inlined, the call folds to its value
      llvm::SmallPtrSet<llvm::Value *, 4> args;
      for (llvm::Value *arg : call->args()) {
        if (llvm::isa<llvm::Constant>(arg) || !args.insert(arg).second)
          continue;
        llvm::StringSet<> &seen = helpersBy[arg];
        for (const std::string &helper : function->second.calls)
          if (!seen.insert(helper).second)
            return false; // a helper another call with this argument calls too
      }
    }
    spliceFrom[copy.name] = std::move(library);
  }
  return !spliceFrom.empty();
}

std::optional<std::string> cuft::LibraryFunctions::splice(llvm::StringRef ptx) const {
  return ptx::splice(ptx, [&](llvm::StringRef name) -> const ptx::Library * {
    auto found = spliceFrom.find(name);
    return found == spliceFrom.end() ? nullptr : found->second.get();
  });
}

/// What `module` calls and does not define, LLVM's intrinsics aside: all a
/// library can give it.
static llvm::SmallVector<llvm::Function *> calledUndefined(llvm::Module &module) {
  llvm::SmallVector<llvm::Function *> called;
  for (llvm::Function &f : module)
    if (f.isDeclaration() && !f.isIntrinsic() && !f.use_empty())
      called.push_back(&f);
  return called;
}

llvm::Expected<cuft::LibraryFunctions>
cuft::LibraryFunctions::find(llvm::Module &module, llvm::ArrayRef<std::string> paths,
                             llvm::TargetMachine *tm, unsigned level, bool large) {
  LibraryFunctions found;
  llvm::SmallVector<llvm::Function *> wanted = calledUndefined(module);
  if (paths.empty() || wanted.empty())
    return found;
  found.paths.assign(paths.begin(), paths.end());
  found.asStored = level == 0 || large;
  if (found.asStored)
    return found;
  llvm::SmallVector<llvm::Function *> called;
  for (const std::string &path : paths) {
    llvm::SmallVector<std::string> names;
    for (llvm::Function *f : wanted)
      names.push_back(f->getName().str());
    llvm::Expected<llvm::SmallVector<std::shared_ptr<const OptimizedCopy>>> copies =
        optimizedFunctions(path, names, module, tm, level);
    if (!copies)
      return copies.takeError();
    llvm::SmallVector<llvm::Function *> undefined;
    for (auto [f, copy] : llvm::zip_equal(wanted, *copies)) {
      if (!copy) {
        undefined.push_back(f);
        continue;
      }
      // The declaration says what the copy does, for -O3 before linking.
      f->setMemoryEffects(llvm::MemoryEffects::createFromIntValue(copy->memory));
      for (llvm::Attribute::AttrKind fact : copy->facts)
        f->addFnAttr(fact);
      found.copies.push_back({path, f->getName().str(), std::move(copy)});
      called.push_back(f);
    }
    wanted = std::move(undefined);
  }
  found.after = !called.empty() && !calledInLoop(called);
  return found;
}

llvm::Error cuft::LibraryFunctions::link(llvm::Module &module) {
  if (asStored) { // find saw calls to link (paths is empty otherwise)
    for (const std::string &path : paths) {
      llvm::Expected<std::unique_ptr<llvm::Module>> library =
          loadLibrary(path, module, module.getContext());
      if (!library)
        return library.takeError();
      if (llvm::Error e = linkNeeded(module, std::move(*library), path))
        return e;
    }
    return llvm::Error::success();
  }
  // One link per module of copies: it brings each function the module
  // declares that it has.
  llvm::SmallPtrSet<const llvm::Function *, 16> own;
  for (const llvm::Function &f : module)
    if (!f.isDeclaration())
      own.insert(&f);
  llvm::SmallPtrSet<const cuft::MadeModule *, 4> linked;
  for (const Copy &copy : copies) {
    const llvm::Function *declared = module.getFunction(copy.name);
    if (!declared || !declared->isDeclaration() || linked.contains(copy.optimized->made.get()))
      continue; // -O3 removed every call to it, or it came with another
    llvm::Expected<std::unique_ptr<llvm::Module>> parsed = llvm::getLazyBitcodeModule(
        llvm::MemoryBufferRef(copy.optimized->made->bitcode, copy.name), module.getContext());
    if (!parsed)
      return parsed.takeError();
    if (llvm::Error e = linkNeeded(module, std::move(*parsed), copy.path))
      return e;
    linked.insert(copy.optimized->made.get());
  }
  for (const llvm::Function &f : module)
    if (!f.isDeclaration() && !own.contains(&f))
      brought.insert(f.getName());
  if (linked.size() > 1)
    mergeTables(module);
  return llvm::Error::success();
}

void cuft::LibraryFunctions::inlineLinked(llvm::Module &module, llvm::TargetMachine *tm) const {
  // Copies made at different times each have the library's noinline helpers
  // (sin's and cos's Payne-Hanek reduction): made one function again, two
  // calls of it with one argument are one call. Only what the libraries
  // brought: two alike functions of the kernel's stay two.
  // Their loops' metadata (each copy's own distinct node, for what its
  // unroller did: NVPTX prints it as ptxas's nounroll pragma) would keep two
  // alike helpers apart: set aside while comparing, then given back to the
  // helpers that stay.
  llvm::SmallVector<llvm::Function *> helpers;
  llvm::DenseMap<llvm::Function *, llvm::SmallVector<std::pair<llvm::Instruction *, llvm::MDNode *>>>
      loopIds;
  for (llvm::Function &f : module) {
    if (f.isDeclaration() || !f.hasLocalLinkage() || !brought.contains(f.getName()))
      continue;
    helpers.push_back(&f);
    for (llvm::BasicBlock &block : f) {
      llvm::Instruction *branch = block.getTerminator();
      if (llvm::MDNode *id = branch->getMetadata(llvm::LLVMContext::MD_loop)) {
        loopIds[&f].push_back({branch, id});
        branch->setMetadata(llvm::LLVMContext::MD_loop, nullptr);
      }
    }
  }
  if (helpers.size() > 1) {
    llvm::DenseMap<llvm::Function *, llvm::Function *> merged =
        llvm::MergeFunctionsPass::runOnFunctions(helpers);
    for (llvm::Function *gone : llvm::make_first_range(merged))
      loopIds.erase(gone);
  }
  for (auto &[function, ids] : loopIds)
    for (auto [branch, id] : ids)
      branch->setMetadata(llvm::LLVMContext::MD_loop, id);

  // The copies are optimized already; what is left is where they meet the
  // kernel: a constant argument (pow(v, 1.5)), what two copies compute alike
  // (sin's and cos's range reduction), a copy's table in a register.
  llvm::FunctionPassManager clean;
  clean.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  clean.addPass(llvm::EarlyCSEPass(/*UseMemorySSA=*/true));
  clean.addPass(llvm::InstCombinePass());
  clean.addPass(llvm::SimplifyCFGPass());
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::AlwaysInlinerPass());
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(clean)));
  mpm.addPass(llvm::GlobalDCEPass());
  llvm::PassBuilder pb(tm);
  cuft::runPasses(module, pb, mpm);
}
