//===- Specialize.cpp - a kernel's specializations, compiled once ---------===//

#include "cuft/Compiler/Specialize.h"

#include "cuft/Cache/DiskCache.h"
#include "cuft/Compiler/Compiler.h"
#include "cuft/Pipelines/Pipelines.h"
#include "cuft/Runtime/Host.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"

#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <fstream>
#include <sstream>

namespace {
/// BLAKE3 of `bytes`, 32 bytes.
std::string digestOf(const std::string &bytes) {
  llvm::BLAKE3Result<> hash = llvm::BLAKE3::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  return std::string(reinterpret_cast<const char *>(hash.data()), hash.size());
}
} // namespace

std::shared_ptr<const cuft::Program> cuft::Program::make(std::string ir, std::string kernel) {
  auto p = std::make_shared<Program>();
  p->digest = digestOf(ir);
  p->ir = std::move(ir);
  p->kernel = std::move(kernel);
  return p;
}

namespace {

/// BLAKE3 of a file's bytes ("" when it cannot be read).
std::string fileDigest(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return "";
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return digestOf(bytes.str());
}

/// The GNU build id of the loaded object that holds `address`: the hash of
/// its contents the linker wrote into a note (read from memory, no file), or
/// "" when it has none.
std::string buildIdNote(const void *address) {
  struct Search {
    uintptr_t address;
    std::string id;
  } search{reinterpret_cast<uintptr_t>(address), ""};
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *data) -> int {
        auto *s = static_cast<Search *>(data);
        bool holds = false;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          uintptr_t start = info->dlpi_addr + ph.p_vaddr;
          holds |= ph.p_type == PT_LOAD && s->address >= start && s->address - start < ph.p_memsz;
        }
        if (!holds)
          return 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE)
            continue;
          const char *p = reinterpret_cast<const char *>(info->dlpi_addr + ph.p_vaddr);
          const char *end = p + ph.p_memsz;
          while (end - p >= static_cast<ptrdiff_t>(sizeof(ElfW(Nhdr)))) {
            const auto *note = reinterpret_cast<const ElfW(Nhdr) *>(p);
            const char *name = p + sizeof(ElfW(Nhdr));
            const char *desc = name + ((note->n_namesz + 3) & ~3u);
            if (desc + note->n_descsz > end)
              break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0) {
              s->id.assign(desc, note->n_descsz);
              return 1;
            }
            p = desc + ((note->n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &search);
  return search.id;
}

/// What decides the code beyond the request, for a tier that outlives the
/// process: the library itself (its build id, a hash of its contents, else
/// its bytes: any rebuild, committed or not, never loads another build's
/// entries), LLVM's version and libdevice's bytes. Read once. (Hashing the
/// self-contained library's 85 MB took 0.2 s of a process's first launch.)
const std::string &toolchainId() {
  static const std::string id = [] {
    std::string out = cuft::buildId();
    std::string library = buildIdNote(reinterpret_cast<const void *>(&toolchainId));
    Dl_info info{};
    if (!library.empty())
      out += "build-id:" + library;
    else if (dladdr(reinterpret_cast<void *>(&toolchainId), &info) && info.dli_fname)
      out += fileDigest(info.dli_fname);
    out += LLVM_VERSION_STRING;
    out += fileDigest(cuft::defaultLibdevicePath());
    return out;
  }();
  return id;
}

} // namespace

cuft::cache::Key cuft::keyOf(const SpecializationRequest &r) {
  cache::Key key;
  key.reserve(128 + r.signature.size())
      .add(buildId())
      .add(r.target)
      .add(r.program->kernel)
      .add(uint64_t(r.optLevel))
      .add(uint64_t(r.fastMath) | uint64_t(r.boundsCheck) << 1 | uint64_t(r.cubin) << 2)
      .add(r.signature)
      .add(r.program->digest);
  // Host code is compiled for this CPU's features: a cache shared between
  // machines (a disk tier on a shared file system, a pickled kernel) must not
  // hand it to another CPU. And split at barriers or not (CUFT_HOST_FIBERS).
  if (r.target == "host")
    key.add(host::cpuId())
        .add(uint64_t(host::splitsBarriers()))
        .add(uint64_t(r.block[0]) | uint64_t(r.block[1]) << 16 | uint64_t(r.block[2]) << 32);
  // What the kernel links is part of what it is: its bytes (a file's name only
  // names it in messages, and differs where a pickled kernel's files land).
  for (const auto &in : r.inputs)
    key.add(uint64_t(in.kind)).add(in.data);
  if (!r.callbacks.empty())
    key.add(r.callbacks);
  return key;
}

namespace {
using SpecializationPtr = std::shared_ptr<const cuft::Specialization>;

/// The PTX of `r` (from the cache, so a cubin and inspect(stage="ptx") share
/// one compile) linked with `r.inputs` into a cubin.
SpecializationPtr linkSpecialization(const cuft::SpecializationRequest &r) {
  SpecializationPtr ptx = cuft::lookupSpecialization(cuft::ptxRequestOf(r)).value;
  if (!ptx || !ptx->ok())
    return ptx;
  auto out = std::make_shared<cuft::Specialization>(*ptx);
  const std::string &kernel = r.program->kernel;
  std::vector<cuft::nvptx::LinkInput> inputs = r.inputs;
  inputs.insert(inputs.begin(), {cuft::nvptx::InputKind::PTX, kernel + ".ptx", out->ptx});
  if (cuft::nvptx::needsDeviceRuntime(out->ptx)) {
    cuft::nvptx::LinkInput devrt;
    std::string error;
    if (!cuft::nvptx::deviceRuntime(devrt, error)) {
      out->succeeded = false;
      out->diagnostics.push_back({"link-error", "", 0, 0, "cannot link for " + r.target + ": " + error});
      return out;
    }
    inputs.push_back(std::move(devrt));
  }
  bool lto = false;
  for (const auto &in : inputs)
    lto |= in.kind == cuft::nvptx::InputKind::LTOIR;
  cuft::nvptx::LinkResult linked = cuft::nvptx::link(inputs, r.target, r.optLevel, lto);
  if (!linked.ok) {
    out->succeeded = false;
    // Severity "link-error": Python raises cuft.LinkError for it.
    out->diagnostics.push_back(
        {"link-error", "", 0, 0, "cannot link for " + r.target + ": " + linked.error});
  } else {
    out->cubin =
        std::make_shared<cuft::cuda::Cubin>(cuft::cuda::Cubin{std::move(linked.cubin), kernel});
  }
  return out;
}
} // namespace

namespace {

/// A Specialization's bytes for the disk tier (a successful one only).
struct Writer {
  std::string out;
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i)
      out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void str(const std::string &s) {
    u64(s.size());
    out += s;
  }
};

struct Reader {
  const std::string &in;
  size_t at = 0;
  bool ok = true;
  uint64_t u64() {
    if (!ok || at > in.size() || in.size() - at < 8)
      return ok = false, 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= uint64_t(static_cast<unsigned char>(in[at + i])) << (8 * i);
    at += 8;
    return v;
  }
  std::string str() {
    uint64_t n = u64();
    if (!ok || n > in.size() - at)
      return ok = false, std::string();
    std::string s = in.substr(at, n);
    at += n;
    return s;
  }
};

constexpr uint64_t kPayloadVersion = 3;

std::string serialize(const cuft::Specialization &s) {
  Writer w;
  w.u64(kPayloadVersion);
  w.u64(s.diagnostics.size());
  for (const auto &d : s.diagnostics) {
    w.str(d.severity);
    w.str(d.file);
    w.u64(d.line);
    w.u64(d.column);
    w.str(d.message);
  }
  w.str(s.ptx);
  w.u64(s.cubin != nullptr);
  if (s.cubin) {
    w.str(s.cubin->image);
    w.str(s.cubin->kernel);
  }
  w.u64(s.hostObject != nullptr);
  if (const cuft::host::Object *o = s.hostObject.get()) {
    w.str(o->name);
    w.u64(uint64_t(o->fibers) | uint64_t(o->cooperative) << 1 | uint64_t(o->globalAtomics) << 2 |
          uint64_t(o->blockRuns) << 3);
    w.u64(o->sharedBytes);
    w.u64(o->localBytes);
    w.u64(o->maxThreads);
    w.u64(o->arrays.size());
    for (const auto &a : o->arrays) {
      w.u64(a.cell);
      w.u64(a.rank);
      w.u64(a.bytes);
    }
    w.u64(o->privateAtomics.size());
    for (const auto &p : o->privateAtomics) {
      w.u64(p.array);
      w.u64(p.kind);
    }
    w.u64(o->sites.size());
    for (const auto &site : o->sites) {
      w.str(site.file);
      w.u64(site.line);
      w.u64(site.column);
    }
    w.u64(o->lines.size());
    for (const auto &row : o->lines) {
      w.u64(uint64_t(row.offset));
      w.u64(row.line);
      w.u64(row.column);
      w.u64(row.file);
    }
    w.u64(o->files.size());
    for (const auto &f : o->files)
      w.str(f);
    w.str(o->code);
    w.str(o->llvmIR);
  }
  return std::move(w.out);
}

SpecializationPtr deserialize(const std::string &bytes) {
  Reader r{bytes};
  if (r.u64() != kPayloadVersion)
    return nullptr;
  auto s = std::make_shared<cuft::Specialization>();
  s->succeeded = true;
  uint64_t n = r.u64();
  for (uint64_t i = 0; r.ok && i < n; ++i) {
    cuft::Diagnostic d;
    d.severity = r.str();
    d.file = r.str();
    d.line = unsigned(r.u64());
    d.column = unsigned(r.u64());
    d.message = r.str();
    s->diagnostics.push_back(std::move(d));
  }
  s->ptx = r.str();
  if (r.u64()) {
    std::string image = r.str();
    std::string kernel = r.str();
    s->cubin = std::make_shared<cuft::cuda::Cubin>(cuft::cuda::Cubin{std::move(image), kernel});
  }
  if (r.u64()) {
    auto o = std::make_shared<cuft::host::Object>();
    o->name = r.str();
    uint64_t flags = r.u64();
    o->fibers = flags & 1;
    o->cooperative = flags >> 1 & 1;
    o->globalAtomics = flags >> 2 & 1;
    o->blockRuns = flags >> 3 & 1;
    o->sharedBytes = r.u64();
    o->localBytes = r.u64();
    o->maxThreads = r.u64();
    for (uint64_t i = 0, k = r.u64(); r.ok && i < k; ++i) {
      cuft::host::Object::ArrayParam a;
      a.cell = uint32_t(r.u64());
      a.rank = uint32_t(r.u64());
      a.bytes = uint32_t(r.u64());
      o->arrays.push_back(a);
    }
    for (uint64_t i = 0, k = r.u64(); r.ok && i < k; ++i) {
      cuft::host::Object::PrivateArray p;
      p.array = uint32_t(r.u64());
      p.kind = uint32_t(r.u64());
      o->privateAtomics.push_back(p);
    }
    for (uint64_t i = 0, k = r.u64(); r.ok && i < k; ++i) {
      cuft::host::SourceSite site;
      site.file = r.str();
      site.line = unsigned(r.u64());
      site.column = unsigned(r.u64());
      o->sites.push_back(std::move(site));
    }
    for (uint64_t i = 0, k = r.u64(); r.ok && i < k; ++i) {
      cuft::host::Object::LineRow row;
      row.offset = int64_t(r.u64());
      row.line = uint32_t(r.u64());
      row.column = uint32_t(r.u64());
      row.file = uint32_t(r.u64());
      o->lines.push_back(row);
    }
    for (uint64_t i = 0, k = r.u64(); r.ok && i < k; ++i)
      o->files.push_back(r.str());
    o->code = r.str();
    o->llvmIR = r.str();
    s->hostObject = std::move(o);
  }
  if (!r.ok || r.at != bytes.size())
    return nullptr;
  return s;
}

constexpr uint64_t kExportVersion = 1;

} // namespace

cuft::SpecializationRequest cuft::ptxRequestOf(const SpecializationRequest &request) {
  SpecializationRequest ptxOnly = request;
  ptxOnly.cubin = false;
  ptxOnly.inputs.clear();
  ptxOnly.callbacks.clear();
  return ptxOnly;
}

std::string cuft::exportSpecialization(const cache::Key &key) {
  SpecializationPtr s = specializationCache().find(key);
  if (!s || !s->ok())
    return std::string();
  Writer w;
  w.u64(kExportVersion);
  w.str(key.bytes());
  w.str(toolchainId());
  w.str(serialize(*s));
  return std::move(w.out);
}

bool cuft::importSpecialization(const std::string &bytes, cache::Key *keyOut) {
  Reader r{bytes};
  if (r.u64() != kExportVersion)
    return false;
  std::string keyBytes = r.str();
  std::string toolchain = r.str();
  std::string payload = r.str();
  if (!r.ok || r.at != bytes.size() || toolchain != toolchainId())
    return false;
  std::optional<cache::Key> key = cache::Key::fromBytes(keyBytes);
  SpecializationPtr s = key ? deserialize(payload) : nullptr;
  if (!s)
    return false;
  if (keyOut)
    *keyOut = *key;
  return specializationCache().insert(*key, std::move(s));
}

SpecializationPtr cuft::compileSpecialization(const SpecializationRequest &r) {
  if (r.cubin)
    return linkSpecialization(r);
  auto out = std::make_shared<Specialization>();
  const Program &p = *r.program;
  if (r.target == "host") {
    host::Options options;
    options.optLevel = r.optLevel;
    options.fastMath = r.fastMath;
    options.boundsCheck = r.boundsCheck;
    options.block = r.block;
    host::ObjectResult result = host::compileObject(p.ir, r.signature, p.kernel, options);
    out->succeeded = result.ok;
    out->diagnostics = std::move(result.diagnostics);
    out->hostObject = std::move(result.object);
  } else {
    CompileOptions options;
    options.chip = r.target;
    options.optLevel = r.optLevel;
    options.fastMath = r.fastMath;
    CompileResult result = compile(p.ir, r.signature, p.kernel, Stage::PTX, options);
    out->succeeded = result.ok;
    out->diagnostics = std::move(result.diagnostics);
    out->ptx = std::move(result.text);
  }
  return out;
}

cuft::SpecializationCache::Lookup
cuft::lookupSpecialization(const SpecializationRequest &request) {
  return lookupSpecialization(request, keyOf(request));
}

cuft::SpecializationCache::Lookup
cuft::lookupSpecialization(const SpecializationRequest &request, const cache::Key &key) {
  return specializationCache().getOrCompile(key, [&]() -> SpecializationPtr {
    cache::DiskCache &disk = cache::diskCache();
    if (!request.diskCache || !disk.enabled())
      return compileSpecialization(request);
    // The disk tier under the memory one: one compile per key across
    // processes; a failed compile is not stored (its diagnostics are this
    // process's to report). Its key also holds what a process cannot change
    // but a later one can (the library's bytes, LLVM, libdevice).
    cache::Key diskKey = key;
    diskKey.add(toolchainId());
    SpecializationPtr compiled;
    std::optional<std::string> bytes = disk.getOrCompile(diskKey, [&]() -> std::optional<std::string> {
      compiled = compileSpecialization(request);
      if (!compiled || !compiled->ok())
        return std::nullopt;
      return serialize(*compiled);
    });
    if (compiled)
      return compiled;
    if (bytes)
      if (SpecializationPtr loaded = deserialize(*bytes))
        return loaded;
    return compileSpecialization(request); // an entry of another payload format
  });
}
