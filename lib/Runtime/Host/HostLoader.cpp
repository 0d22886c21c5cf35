//===- HostLoader.cpp - JIT-link a host Object into this process ----------===//
//
// Each load gets an ORC LLJIT of its own holding one Object's code, so a
// module unloads by destroying its JIT. Runtime functions the kernels call
// (the barrier, bounds-check errors) are bound to their addresses in libcuft;
// libm and the C library are found in the process.
//
//===----------------------------------------------------------------------===//

#include "HostRuntime.h"
#include "../../Target/Host/HostTarget.h"

#include "cuft/Cache/Specializations.h"
#include "cuft/Runtime/Host.h"
#include "cuft/Support/Environment.h"

#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

#include <cstdlib>

#include <algorithm>
#include <mutex>
#include <vector>

using namespace cuft::host;

struct cuft::host::Kernel::Impl {
  std::string name;
  bool fibers = false;
  bool cooperative = false;
  bool blockRuns = false;
  bool globalAtomics = false;
  mutable Kernel::Widths widths;
  uint64_t sharedBytes = 0;
  uint64_t localBytes = 0;
  uint64_t maxThreads = 0;
  std::vector<Object::ArrayParam> arrays;
  std::vector<Object::PrivateArray> privateAtomics;
  std::vector<SourceSite> sites;
  std::vector<Object::LineRow> lines;
  std::vector<std::string> files;
  std::unique_ptr<llvm::orc::LLJIT> jit;
  void (*entry)(void **) = nullptr;
};

Kernel::Kernel(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
Kernel::~Kernel() = default;
const std::string &Kernel::name() const { return impl->name; }
bool Kernel::usesFibers() const { return impl->fibers; }
bool Kernel::cooperative() const { return impl->cooperative; }
bool Kernel::blockRuns() const { return impl->blockRuns; }
bool Kernel::globalAtomics() const { return impl->globalAtomics; }
Kernel::Widths &Kernel::widths() const { return impl->widths; }
uint64_t Kernel::sharedBytes() const { return impl->sharedBytes; }
uint64_t Kernel::localBytes() const { return impl->localBytes; }
const std::vector<SourceSite> &Kernel::indexSites() const { return impl->sites; }
uint64_t Kernel::maxThreads() const { return impl->maxThreads; }
const std::vector<Object::ArrayParam> &Kernel::arrays() const { return impl->arrays; }
const std::vector<Object::PrivateArray> &Kernel::privateAtomics() const {
  return impl->privateAtomics;
}

SourceSite Kernel::siteOf(uint64_t pc) const {
  SourceSite site;
  int64_t offset = static_cast<int64_t>(pc - reinterpret_cast<uint64_t>(impl->entry));
  auto row = std::upper_bound(impl->lines.begin(), impl->lines.end(), offset,
                              [](int64_t o, const Object::LineRow &r) { return o < r.offset; });
  if (row == impl->lines.begin())
    return site;
  --row;

  if (row->line == 0 || row->file >= impl->files.size())
    return site;
  site.file = impl->files[row->file];
  site.line = row->line;
  site.column = row->column;
  return site;
}
void (*Kernel::entry() const)(void **) { return impl->entry; }

namespace {

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

llvm::CodeGenOptLevel codeGenLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0: return llvm::CodeGenOptLevel::None;
  case 1: return llvm::CodeGenOptLevel::Less;
  case 2: return llvm::CodeGenOptLevel::Default;
  default: return llvm::CodeGenOptLevel::Aggressive;
  }
}

llvm::Expected<llvm::orc::JITTargetMachineBuilder> hostBuilder() {
  initializeNativeTarget();
  return llvm::orc::JITTargetMachineBuilder::detectHost();
}

} // namespace

bool cuft::host::splitsBarriers() {
  static const bool splits = !cuft::environmentFlag("CUFT_HOST_FIBERS");
  return splits;
}

const std::string &cuft::host::cpuId() {
  static const std::string id = [] {
    std::vector<std::string> features;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      if (feature.second)
        features.push_back(feature.first().str());
    std::sort(features.begin(), features.end());
    std::string out = llvm::sys::getHostCPUName().str();
    for (const std::string &f : features)
      out += "," + f;
    return out;
  }();
  return id;
}

std::string cuft::host::entrySymbol(const std::string &name) {
  return "__cuft_packed_" + name;
}

std::unique_ptr<llvm::TargetMachine>
cuft::host::detail::hostTargetMachine(unsigned optLevel, std::string &error) {
  auto builder = hostBuilder();
  if (!builder) {
    error = llvm::toString(builder.takeError());
    return nullptr;
  }
  builder->setCodeGenOptLevel(codeGenLevel(optLevel));
  auto tm = builder->createTargetMachine();
  if (!tm) {
    error = llvm::toString(tm.takeError());
    return nullptr;
  }
  return std::move(*tm);
}

const llvm::TargetLibraryInfoImpl *cuft::host::detail::vectorMathLibrary() {
  static const llvm::TargetLibraryInfoImpl *library = []() -> llvm::TargetLibraryInfoImpl * {
    std::string error;
    if (llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1", &error))
      return nullptr;
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    // libmvec's unary functions, each with an LLVM intrinsic where one
    // exists; the x86 vector ABI's ISA letters: b SSE4, d AVX2, e AVX-512.
    static const char *const unary[] = {
        "acos", "acosh", "asin", "asinh", "atan",  "atanh", "cbrt", "cos",
        "cosh", "erf",   "erfc", "exp",   "exp10", "exp2",  "expm1", "log",
        "log10", "log1p", "log2", "sin",  "sinh",  "tan",   "tanh"};
    static const char *const intrinsics[] = {"acos", "asin", "atan", "cos",   "cosh", "exp",
                                             "exp10", "exp2", "log",  "log10", "log2", "sin",
                                             "sinh", "tan",  "tanh"};
    struct Isa {
      char letter;
      unsigned bits;
      bool present;
    };
    const Isa isas[] = {{'b', 128, features.lookup("sse4.2")},
                        {'d', 256, features.lookup("avx2")},
                        {'e', 512, features.lookup("avx512f")}};
    // The names outlive the TargetLibraryInfoImpl, which keeps StringRefs.
    static std::vector<std::unique_ptr<std::string>> names;
    auto keep = [](std::string s) { return llvm::StringRef(*names.emplace_back(
                                        std::make_unique<std::string>(std::move(s)))); };
    std::vector<llvm::VecDesc> descs;
    for (const char *fn : unary)
      for (bool f32 : {false, true})
        for (const Isa &isa : isas) {
          if (!isa.present)
            continue;
          unsigned lanes = isa.bits / (f32 ? 32 : 64);
          std::string scalar = std::string(fn) + (f32 ? "f" : "");
          std::string vector = "_ZGV" + std::string(1, isa.letter) + "N" +
                               std::to_string(lanes) + "v_" + scalar;
          // An older glibc has fewer of them: only those it has.
          if (!llvm::sys::DynamicLibrary::SearchForAddressOfSymbol(vector))
            continue;
          std::string abi = "_ZGV_LLVM_N" + std::to_string(lanes) + "v";
          llvm::SmallVector<std::string, 2> from{scalar};
          if (llvm::is_contained(llvm::ArrayRef(intrinsics), llvm::StringRef(fn)))
            from.push_back("llvm." + std::string(fn) + (f32 ? ".f32" : ".f64"));
          for (const std::string &name : from)
            descs.push_back({keep(name), keep(vector), llvm::ElementCount::getFixed(lanes),
                             false, keep(abi), std::nullopt});
        }
    auto *made = new llvm::TargetLibraryInfoImpl(llvm::Triple(llvm::sys::getProcessTriple()));
    made->addVectorizableFunctions(descs);
    return made;
  }();
  return library;
}

std::unique_ptr<Kernel> cuft::host::load(const Object &object, std::string &error) {
  auto fail = [&](llvm::Error e) -> std::unique_ptr<Kernel> {
    error = llvm::toString(std::move(e));
    return nullptr;
  };
  auto builder = hostBuilder();
  if (!builder)
    return fail(builder.takeError());
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*builder)).create();
  if (!jit)
    return fail(jit.takeError());
  llvm::orc::JITDylib &dylib = (*jit)->getMainJITDylib();
  llvm::orc::SymbolMap runtime;
  for (const detail::RuntimeSymbol &s : detail::runtimeSymbols())
    runtime[(*jit)->mangleAndIntern(s.name)] = {llvm::orc::ExecutorAddr::fromPtr(s.address),
                                                llvm::JITSymbolFlags::Exported};
  if (llvm::Error e = dylib.define(llvm::orc::absoluteSymbols(std::move(runtime))))
    return fail(std::move(e));
  detail::vectorMathLibrary(); // loaded before symbols are resolved
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return fail(process.takeError());
  dylib.addGenerator(std::move(*process));
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(object.code, object.name + ".o");
  if (llvm::Error e = (*jit)->addObjectFile(std::move(buffer)))
    return fail(std::move(e));
  auto entry = (*jit)->lookup(entrySymbol(object.name));
  if (!entry)
    return fail(entry.takeError());

  auto impl = std::make_unique<Kernel::Impl>();
  impl->name = object.name;
  impl->globalAtomics = object.globalAtomics;
  impl->fibers = object.fibers;
  impl->cooperative = object.cooperative;
  impl->blockRuns = object.blockRuns;
  impl->sharedBytes = object.sharedBytes;
  impl->localBytes = object.localBytes;
  impl->maxThreads = object.maxThreads;
  impl->arrays = object.arrays;
  impl->privateAtomics = object.privateAtomics;
  impl->sites = object.sites;
  impl->lines = object.lines;
  impl->files = object.files;
  impl->entry = entry->toPtr<void (*)(void **)>();
  impl->jit = std::move(*jit);
  return std::make_unique<Kernel>(std::move(impl));
}

cuft::HostModuleRegistry &cuft::hostModules() {
  static auto *registry = new HostModuleRegistry(HostModuleRegistry::Loader{
      [](const host::Object &object, HostModuleRegistry::ContextId,
         std::string &error) -> std::unique_ptr<HostModule> {
        std::unique_ptr<host::Kernel> kernel = host::load(object, error);
        if (!kernel)
          return nullptr;
        return std::make_unique<HostModule>(HostModule{std::move(kernel)});
      },
      // Nothing to do in place: the code is freed with the last reference to
      // the Kernel (the module's, and those of the launches using it).
      [](HostModule &, HostModuleRegistry::ContextId) {}},
      /*shards=*/64, /*unloadWhenUnused=*/true);
  return *registry;
}
