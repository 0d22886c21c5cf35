//===- fake_cuda.cpp - a CUDA driver double for testing without a GPU -----===//
//
// A test double of libcuda for machines with no GPU (CUFT_LIBCUDA points
// cuft at it). It runs nothing: it checks how cuft drives the driver, as
// strictly as the real one would, and records what it was asked.
//   - Every call but init and device queries needs a current context on the
//     calling thread (the real driver's CUDA_ERROR_INVALID_CONTEXT), and a
//     module or function is only usable in the context that loaded it.
//   - Device memory is host memory; copies check both ends are allocations.
//   - Modules must be ELF cubins (EM_CUDA); kernels and globals are found in
//     the cubin's symbol table, and each kernel's parameter layout (offset and
//     size of each parameter) is read from its .nv.info section, as the
//     driver does. A launch copies its parameters into a buffer laid out like
//     the kernel's constant bank, so tests can read exactly what a kernel
//     would have received, and checks the launch limits of an H100.
//   - fakecuda_* functions (not part of the driver API) expose the counters
//     and the last launch of the calling thread.
//
// What it cannot tell is whether the GPU code is right: that is the GPU
// suite's job (test/python/test_cuda_gpu.py, on a GPU machine).
//
//===----------------------------------------------------------------------===//

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cuft/Runtime/LaunchShape.h" // an H100 SM's limits (blocksPerSM)

namespace {

using CUresult = int;
constexpr CUresult kOk = 0, kInvalidValue = 1, kNotInitialized = 3, kInvalidDevice = 101,
                   kInvalidImage = 200, kInvalidContext = 201, kInvalidHandle = 400,
                   kNotFound = 500, kCooperativeLaunchTooLarge = 720;
constexpr int kMultiprocessors = 132; // an H100 SXM's

struct Context {
  int device;
};

struct Param {
  uint32_t offset, size;
};

struct Module;

struct Function {
  Module *module;
  std::string name;
  std::vector<Param> params; // by ordinal
  uint32_t staticShared = 0;
  std::atomic<int> dynamicShared{-1}; // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES; -1: default
  int dynamicAllowed() const {
    int set = dynamicShared.load();
    return set >= 0 ? set : int(49152 - staticShared);
  }
};

struct Module {
  Context *context;
  std::vector<char> image;
  std::map<std::string, std::unique_ptr<Function>> functions;
  std::map<std::string, std::vector<char>> globals; // name -> storage, made on first ask
};

struct Launch {
  unsigned grid[3], block[3], shared;
  uintptr_t stream;
  bool cooperative;
  std::string kernel;
  std::vector<char> params; // the kernel's parameter space, as laid out in the cubin
};

struct State {
  std::mutex mutex;
  bool initialized = false;
  Context contexts[8];
  std::map<uintptr_t, size_t> allocations; // base -> bytes
  std::map<uintptr_t, size_t> hostAllocations; // cuMemHostAlloc's: base -> bytes
  std::map<void *, std::unique_ptr<Module>> modules;
  std::map<void *, int> streams, events; // created handles
  std::map<std::string, std::atomic<long>> counters;
};

State &state() {
  static State *s = new State(); // never destroyed: finalizers may call in at exit
  return *s;
}

thread_local Context *current = nullptr;
std::atomic<long> launches{0}; // apart from `counters`: launches take no lock
thread_local Launch lastLaunch;

void count(const char *name, long by = 1) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.counters[name] += by;
}

int devices() {
  const char *env = getenv("FAKECUDA_DEVICES");
  return env ? atoi(env) : 1;
}

int envInt(const char *name, int fallback) {
  const char *env = getenv(name);
  return env && *env ? atoi(env) : fallback;
}

/// FAKECUDA_MAX_THREADS: what every kernel's registers allow (read once).
int maxThreads() {
  static const int n = envInt("FAKECUDA_MAX_THREADS", 1024);
  return n;
}

CUresult needContext() {
  if (!state().initialized)
    return kNotInitialized;
  return current ? kOk : kInvalidContext;
}

/// [ptr, ptr+bytes) lies inside one allocation (the caller holds the lock).
bool allocated(uintptr_t ptr, size_t bytes) {
  auto &allocs = state().allocations;
  auto it = allocs.upper_bound(ptr);
  if (it == allocs.begin())
    return false;
  --it;
  return ptr >= it->first && ptr + bytes <= it->first + it->second;
}

bool knownStream(uintptr_t stream) {
  // 0: the legacy default stream; 1, 2: CU_STREAM_LEGACY, CU_STREAM_PER_THREAD.
  return stream <= 2 || state().streams.count(reinterpret_cast<void *>(stream));
}

/// `op()` on device memory [ptr, ptr+bytes), queued on `stream`: both must
/// be known, as the driver checks them.
template <typename Op> CUresult onDevice(uintptr_t ptr, size_t bytes, uintptr_t stream, Op op) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!allocated(ptr, bytes) || !knownStream(stream))
    return kInvalidValue;
  op();
  return kOk;
}

/// A new stream or event: an int64 (an event's is its recorded time).
CUresult createHandle(std::map<void *, int> &handles, void **out) {
  if (CUresult r = needContext())
    return r;
  auto *h = new int64_t(0);
  std::lock_guard<std::mutex> lock(state().mutex);
  handles[h] = 1;
  *out = h;
  return kOk;
}

CUresult destroyHandle(std::map<void *, int> &handles, void *h) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!handles.erase(h))
    return kInvalidHandle;
  delete static_cast<int64_t *>(h);
  return kOk;
}

// -- the parts of a cubin the driver reads -----------------------------------
struct Elf {
  const char *data;
  size_t size;
  struct Section {
    std::string name;
    uint32_t type;
    uint64_t offset, size, link;
  };
  std::vector<Section> sections;
  struct Symbol {
    std::string name;
    unsigned type;
    uint64_t size;
  };
  std::vector<Symbol> symbols;

  bool parse(const char *image, size_t bytes) {
    data = image;
    size = bytes;
    if (size < 64 || memcmp(data, "\x7f"
                                  "ELF",
                            4) ||
        data[4] != 2)
      return false;
    uint16_t machine;
    memcpy(&machine, data + 18, 2);
    if (machine != 190) // EM_CUDA
      return false;
    uint64_t shoff;
    uint16_t shentsize, shnum, shstrndx;
    memcpy(&shoff, data + 40, 8);
    memcpy(&shentsize, data + 58, 2);
    memcpy(&shnum, data + 60, 2);
    memcpy(&shstrndx, data + 62, 2);
    if (shoff + uint64_t(shnum) * shentsize > size || shstrndx >= shnum)
      return false;
    struct Raw {
      uint32_t name, type;
      uint64_t offset, size;
      uint32_t link;
    };
    std::vector<Raw> raw(shnum);
    for (unsigned i = 0; i < shnum; ++i) {
      const char *h = data + shoff + uint64_t(i) * shentsize;
      memcpy(&raw[i].name, h, 4);
      memcpy(&raw[i].type, h + 4, 4);
      memcpy(&raw[i].offset, h + 24, 8);
      memcpy(&raw[i].size, h + 32, 8);
      memcpy(&raw[i].link, h + 40, 4);
      if (raw[i].type != 8 /* NOBITS */ && raw[i].offset + raw[i].size > size)
        return false;
    }
    for (unsigned i = 0; i < shnum; ++i)
      sections.push_back({std::string(data + raw[shstrndx].offset + raw[i].name), raw[i].type,
                          raw[i].offset, raw[i].size, raw[i].link});
    for (const Section &s : sections) {
      if (s.type != 2 /* SYMTAB */)
        continue;
      const Section &strings = sections[s.link];
      for (uint64_t at = s.offset; at + 24 <= s.offset + s.size; at += 24) {
        uint32_t name;
        uint64_t symSize;
        memcpy(&name, data + at, 4);
        memcpy(&symSize, data + at + 16, 8);
        symbols.push_back({std::string(data + strings.offset + name),
                           unsigned(uint8_t(data[at + 4]) & 0xf), symSize});
      }
    }
    return true;
  }

  const Section *section(const std::string &name) const {
    for (const Section &s : sections)
      if (s.name == name)
        return &s;
    return nullptr;
  }

  const Symbol *symbol(const std::string &name, unsigned type) const {
    for (const Symbol &s : symbols)
      if (s.name == name && s.type == type)
        return &s;
    return nullptr;
  }
};

/// The parameters of a kernel from its .nv.info.<name> section: records of
/// (format, attribute, ...); EIATTR_KPARAM_INFO (0x17) holds, for each
/// parameter, its ordinal, its offset, and its size in bits 18-31 of a flags word.
bool readParams(const Elf &elf, const std::string &kernel, std::vector<Param> &params) {
  const Elf::Section *info = elf.section(".nv.info." + kernel);
  if (!info)
    return false;
  const unsigned char *p = reinterpret_cast<const unsigned char *>(elf.data + info->offset);
  const unsigned char *end = p + info->size;
  while (p + 4 <= end) {
    unsigned format = p[0], attribute = p[1];
    uint16_t length;
    memcpy(&length, p + 2, 2);
    if (format != 4) { // only EIFMT_SVAL records carry a payload after the length
      p += 4;
      continue;
    }
    if (attribute == 0x17 && length >= 12) {
      uint16_t ordinal, offset;
      uint32_t flags;
      memcpy(&ordinal, p + 8, 2);
      memcpy(&offset, p + 10, 2);
      memcpy(&flags, p + 12, 4);
      if (params.size() <= ordinal)
        params.resize(ordinal + 1);
      params[ordinal] = {offset, (flags >> 18) & 0x3fff};
    }
    p += 4 + length;
  }
  return true;
}

/// `bytes` (not 0) aligned to `align`, filled with 0xcd (uninitialized,
/// visibly) and recorded in `allocations` (which the state's mutex guards).
CUresult allocate(std::map<uintptr_t, size_t> &allocations, size_t bytes, size_t align,
                  void **out) {
  if (CUresult r = needContext())
    return r;
  if (bytes == 0)
    return kInvalidValue;
  void *p = aligned_alloc(align, (bytes + align - 1) / align * align);
  if (!p)
    return 2; // CUDA_ERROR_OUT_OF_MEMORY
  memset(p, 0xcd, bytes);
  std::lock_guard<std::mutex> lock(state().mutex);
  allocations[reinterpret_cast<uintptr_t>(p)] = bytes;
  *out = p;
  return kOk;
}

} // namespace

extern "C" {

// -- initialization and devices ----------------------------------------------
CUresult cuInit(unsigned) {
  count("inits");
  std::lock_guard<std::mutex> lock(state().mutex);
  state().initialized = true;
  return kOk;
}

CUresult cuDriverGetVersion(int *version) {
#ifdef FAKECUDA_CUDA12
  *version = 12040;
#else
  *version = 13000;
#endif
  return kOk;
}

CUresult cuDeviceGetCount(int *n) {
  if (!state().initialized)
    return kNotInitialized;
  *n = devices();
  return kOk;
}

CUresult cuGetErrorString(CUresult result, const char **text) {
  *text = result == kOk ? "no error" : "an error reported by the fake CUDA driver";
  return kOk;
}

CUresult cuDeviceGet(int *device, int ordinal) {
  if (!state().initialized)
    return kNotInitialized;
  if (ordinal < 0 || ordinal >= devices())
    return kInvalidDevice;
  *device = ordinal;
  return kOk;
}

CUresult cuDeviceGetName(char *name, int length, int device) {
  if (!state().initialized)
    return kNotInitialized;
  if (device < 0 || device >= devices())
    return kInvalidDevice;
  if (length <= 0)
    return kInvalidValue;
  snprintf(name, size_t(length), "cuft driver double %d", device);
  return kOk;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  if (!state().initialized)
    return kNotInitialized;
  if (device < 0 || device >= devices())
    return kInvalidDevice;
  switch (attribute) { // an H100's
  case 1: *value = 1024; break;                       // max threads per block
  case 2: case 3: *value = 1024; break;               // max block x, y
  case 4: *value = 64; break;                         // max block z
  case 5: *value = 2147483647; break;                 // max grid x
  case 6: case 7: *value = 65535; break;              // max grid y, z
  case 8: *value = 49152; break;                      // shared memory per block
  case 10: *value = 32; break;                        // warp size
  case 16: *value = kMultiprocessors; break;          // multiprocessors
  case 75: *value = envInt("FAKECUDA_MAJOR", 9); break;
  case 76: *value = envInt("FAKECUDA_MINOR", 0); break;
  case 97: *value = 232448; break;                    // shared memory per block, opt-in
  default: *value = 0;
  }
  return kOk;
}

// -- contexts ------------------------------------------------------------------
CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  if (!state().initialized)
    return kNotInitialized;
  if (device < 0 || device >= devices() || device >= 8)
    return kInvalidDevice;
  count("retains");
  state().contexts[device].device = device;
  *context = &state().contexts[device];
  return kOk;
}

CUresult cuCtxGetCurrent(void **context) {
  if (!state().initialized)
    return kNotInitialized;
  *context = current;
  return kOk;
}

CUresult cuCtxSetCurrent(void *context) {
  if (!state().initialized)
    return kNotInitialized;
  count("context_switches");
  current = static_cast<Context *>(context);
  return kOk;
}

// -- memory --------------------------------------------------------------------
CUresult cuMemAlloc_v2(uintptr_t *ptr, size_t bytes) {
  void *p = nullptr;
  CUresult r = allocate(state().allocations, bytes, 256, &p);
  *ptr = reinterpret_cast<uintptr_t>(p);
  return r;
}

CUresult cuMemFree_v2(uintptr_t ptr) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().allocations.erase(ptr))
    return kInvalidValue;
  free(reinterpret_cast<void *>(ptr));
  return kOk;
}

CUresult cuMemcpyHtoDAsync_v2(uintptr_t dst, const void *src, size_t bytes, uintptr_t stream) {
  return onDevice(dst, bytes, stream, [&] { memcpy(reinterpret_cast<void *>(dst), src, bytes); });
}

CUresult cuMemcpyDtoHAsync_v2(void *dst, uintptr_t src, size_t bytes, uintptr_t stream) {
  return onDevice(src, bytes, stream, [&] { memcpy(dst, reinterpret_cast<void *>(src), bytes); });
}

CUresult cuMemHostAlloc(void **ptr, size_t bytes, unsigned) {
  return allocate(state().hostAllocations, bytes, 4096, ptr);
}

CUresult cuMemFreeHost(void *ptr) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().hostAllocations.erase(reinterpret_cast<uintptr_t>(ptr)))
    return kInvalidValue;
  free(ptr);
  return kOk;
}

CUresult cuMemcpyDtoDAsync_v2(uintptr_t dst, uintptr_t src, size_t bytes, uintptr_t stream) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!allocated(dst, bytes) || !allocated(src, bytes) || !knownStream(stream))
    return kInvalidValue;
  memmove(reinterpret_cast<void *>(dst), reinterpret_cast<void *>(src), bytes);
  return kOk;
}

CUresult cuMemsetD8Async(uintptr_t dst, unsigned char value, size_t bytes, uintptr_t stream) {
  return onDevice(dst, bytes, stream,
                  [&] { memset(reinterpret_cast<void *>(dst), value, bytes); });
}

// -- streams and events ----------------------------------------------------------
CUresult cuStreamCreate(void **stream, unsigned) {
  return createHandle(state().streams, stream);
}

CUresult cuStreamDestroy_v2(void *stream) {
  return destroyHandle(state().streams, stream);
}

CUresult cuStreamSynchronize(uintptr_t stream) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  return knownStream(stream) ? kOk : kInvalidHandle;
}

CUresult cuStreamWaitEvent(uintptr_t stream, void *event, unsigned) {
  if (CUresult r = needContext())
    return r;
  count("stream_waits");
  std::lock_guard<std::mutex> lock(state().mutex);
  return knownStream(stream) && state().events.count(event) ? kOk : kInvalidHandle;
}

CUresult cuEventCreate(void **event, unsigned) {
  return createHandle(state().events, event);
}

CUresult cuEventDestroy_v2(void *event) {
  return destroyHandle(state().events, event);
}

CUresult cuEventRecord(void *event, uintptr_t stream) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().events.count(event) || !knownStream(stream))
    return kInvalidHandle;
  *static_cast<int64_t *>(event) =
      std::chrono::steady_clock::now().time_since_epoch() / std::chrono::nanoseconds(1);
  return kOk;
}

CUresult cuEventSynchronize(void *event) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  return state().events.count(event) ? kOk : kInvalidHandle;
}

// A CUDA 12 driver before 12.8 has only cuEventElapsedTime; 12.8 added _v2,
// the name CUDA 13's header maps it to.
#ifdef FAKECUDA_CUDA12
CUresult cuEventElapsedTime(float *ms, void *start, void *end) {
#else
CUresult cuEventElapsedTime_v2(float *ms, void *start, void *end) {
#endif
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().events.count(start) || !state().events.count(end))
    return kInvalidHandle;
  *ms = float(*static_cast<int64_t *>(end) - *static_cast<int64_t *>(start)) / 1e6f;
  return kOk;
}

// -- modules and launches ------------------------------------------------------------
CUresult cuModuleLoadData(void **module, const void *image) {
  if (CUresult r = needContext())
    return r;
  // FAKECUDA_FAIL_LOAD=<CUresult>: every load fails so (say, 222: a cubin
  // newer than this driver).
  if (int fail = envInt("FAKECUDA_FAIL_LOAD", 0))
    return CUresult(fail);
  const char *data = static_cast<const char *>(image);
  // A cubin carries its size in its headers: the end of its section headers.
  uint64_t shoff;
  uint16_t shentsize, shnum;
  if (memcmp(data, "\x7f"
                   "ELF",
             4))
    return kInvalidImage;
  memcpy(&shoff, data + 40, 8);
  memcpy(&shentsize, data + 58, 2);
  memcpy(&shnum, data + 60, 2);
  size_t size = shoff + size_t(shnum) * shentsize;
  Elf elf;
  if (!elf.parse(data, size))
    return kInvalidImage;
  auto m = std::make_unique<Module>();
  m->context = current;
  m->image.assign(data, data + size);
  count("loads");
  std::lock_guard<std::mutex> lock(state().mutex);
  *module = m.get();
  state().modules[m.get()] = std::move(m);
  return kOk;
}

CUresult cuModuleUnload(void *module) {
  if (CUresult r = needContext())
    return r;
  count("unloads");
  std::lock_guard<std::mutex> lock(state().mutex);
  auto it = state().modules.find(module);
  if (it == state().modules.end() || it->second->context != current)
    return kInvalidHandle;
  for (auto &[name, storage] : it->second->globals)
    state().allocations.erase(reinterpret_cast<uintptr_t>(storage.data()));
  state().modules.erase(it);
  return kOk;
}

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  auto it = state().modules.find(module);
  if (it == state().modules.end() || it->second->context != current)
    return kInvalidHandle;
  Module &m = *it->second;
  auto &slot = m.functions[name];
  if (!slot) {
    Elf elf;
    elf.parse(m.image.data(), m.image.size());
    auto f = std::make_unique<Function>();
    if (!elf.symbol(name, 2 /* STT_FUNC */) || !readParams(elf, name, f->params)) {
      m.functions.erase(name);
      return kNotFound;
    }
    if (const Elf::Section *shared = elf.section(std::string(".nv.shared.") + name))
      f->staticShared = uint32_t(shared->size);
    f->module = &m;
    f->name = name;
    slot = std::move(f);
  }
  *function = slot.get();
  return kOk;
}

CUresult cuFuncGetAttribute(int *value, int attribute, void *function) {
  if (CUresult r = needContext())
    return r;
  const Function *f = static_cast<const Function *>(function);
  switch (attribute) {
  case 0: *value = maxThreads(); break;                          // max threads per block
  case 1: *value = int(f->staticShared); break;                  // static shared bytes
  case 8: *value = f->dynamicAllowed(); break;                   // max dynamic shared bytes
  default: *value = 0;
  }
  return kOk;
}

CUresult cuFuncSetAttribute(void *function, int attribute, int value) {
  if (CUresult r = needContext())
    return r;
  Function *f = static_cast<Function *>(function);
  if (attribute != 8 || value < 0 || uint32_t(value) + f->staticShared > 232448)
    return kInvalidValue;
  count("opt_ins");
  f->dynamicShared.store(value);
  return kOk;
}

CUresult cuCtxSynchronize() {
  if (CUresult r = needContext())
    return r;
  count("context_synchronizes");
  return kOk;
}

CUresult cuCtxGetDevice(int *device) {
  if (CUresult r = needContext())
    return r;
  *device = current->device;
  return kOk;
}

CUresult cuModuleGetGlobal_v2(uintptr_t *ptr, size_t *bytes, void *module, const char *name) {
  if (CUresult r = needContext())
    return r;
  std::lock_guard<std::mutex> lock(state().mutex);
  auto it = state().modules.find(module);
  if (it == state().modules.end() || it->second->context != current)
    return kInvalidHandle;
  Module &m = *it->second;
  auto found = m.globals.find(name);
  if (found == m.globals.end()) {
    Elf elf;
    elf.parse(m.image.data(), m.image.size());
    const Elf::Symbol *s = elf.symbol(name, 1 /* STT_OBJECT */);
    if (!s)
      return kNotFound;
    found = m.globals.emplace(name, std::vector<char>(s->size ? s->size : 1)).first;
    // Copies to and from it are checked like any device memory.
    state().allocations[reinterpret_cast<uintptr_t>(found->second.data())] = found->second.size();
  }
  if (ptr)
    *ptr = reinterpret_cast<uintptr_t>(found->second.data());
  if (bytes)
    *bytes = found->second.size();
  return kOk;
}

/// An H100's occupancy, registers aside: blocks of `threads` threads with
/// `shared` bytes of shared memory in all (1 KiB more reserved per block).
static int blocksPerSM(unsigned threads, uint64_t shared) {
  return int(cuft::blocksPerSM(threads, shared + 1024));
}

static CUresult launch(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                       unsigned by, unsigned bz, unsigned shared, uintptr_t stream,
                       void **params, void **extra, bool cooperative) {
  if (CUresult r = needContext())
    return r;
  const Function *f = static_cast<const Function *>(function);
  if (!f || f->module->context != current)
    return kInvalidHandle;
  if (stream > 2) { // the default streams need no look-up, so threads launch without a lock
    std::lock_guard<std::mutex> lock(state().mutex);
    if (!knownStream(stream))
      return kInvalidHandle;
  }
  if (extra || (!params && !f->params.empty()))
    return kInvalidValue;
  if (!gx || !gy || !gz || !bx || !by || !bz || gy > 65535 || gz > 65535 || bx > 1024 ||
      by > 1024 || bz > 64)
    return kInvalidValue;
  if (uint64_t(bx) * by * bz > uint64_t(maxThreads()))
    return kInvalidValue;
  if (int64_t(shared) > f->dynamicAllowed())
    return kInvalidValue;
  if (cooperative && uint64_t(gx) * gy * gz >
                         uint64_t(blocksPerSM(bx * by * bz, f->staticShared + shared)) *
                             kMultiprocessors)
    return kCooperativeLaunchTooLarge;
  Launch &l = lastLaunch; // fields assigned one by one: their buffers are reused
  l.cooperative = cooperative;
  l.grid[0] = gx, l.grid[1] = gy, l.grid[2] = gz;
  l.block[0] = bx, l.block[1] = by, l.block[2] = bz;
  l.shared = shared;
  l.stream = stream;
  l.kernel = f->name;
  uint32_t end = 0;
  for (const Param &p : f->params)
    end = std::max(end, p.offset + p.size);
  l.params.assign(end, 0);
  for (size_t i = 0; i < f->params.size(); ++i)
    memcpy(l.params.data() + f->params[i].offset, params[i], f->params[i].size);
  launches.fetch_add(1);
  if (cooperative)
    count("cooperative_launches");
  return kOk;
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                        unsigned by, unsigned bz, unsigned shared, uintptr_t stream,
                        void **params, void **extra) {
  return launch(function, gx, gy, gz, bx, by, bz, shared, stream, params, extra, false);
}

CUresult cuLaunchCooperativeKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                                   unsigned bx, unsigned by, unsigned bz, unsigned shared,
                                   uintptr_t stream, void **params) {
  return launch(function, gx, gy, gz, bx, by, bz, shared, stream, params, nullptr, true);
}

CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int *blocks, void *function, int threads,
                                                     size_t dynamicShared) {
  if (CUresult r = needContext())
    return r;
  const Function *f = static_cast<const Function *>(function);
  if (!f || f->module->context != current || threads <= 0 || threads > maxThreads())
    return kInvalidValue;
  *blocks = blocksPerSM(unsigned(threads), f->staticShared + dynamicShared);
  return kOk;
}

// -- for tests: not part of the driver API --------------------------------------------
long fakecuda_counter(const char *name) {
  if (std::string(name) == "launches")
    return launches.load();
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.counters.find(name);
  return it == s.counters.end() ? 0 : it->second.load();
}

long fakecuda_live(const char *what) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  std::string w = what;
  if (w == "allocations")
    return long(s.allocations.size());
  if (w == "host_allocations")
    return long(s.hostAllocations.size());
  if (w == "modules")
    return long(s.modules.size());
  if (w == "streams")
    return long(s.streams.size());
  if (w == "events")
    return long(s.events.size());
  return -1;
}

/// The calling thread's last launch: grid, block, shared bytes and stream in
/// `config` (8 values), the parameter space into `params` (up to `capacity`
/// bytes); returns the parameter space's size, or -1 before any launch.
long fakecuda_last_launch(uint64_t config[8], char *params, size_t capacity, char *kernel,
                          size_t kernelCapacity) {
  const Launch &l = lastLaunch;
  if (l.kernel.empty())
    return -1;
  for (int i = 0; i < 3; ++i) {
    config[i] = l.grid[i];
    config[3 + i] = l.block[i];
  }
  config[6] = l.shared;
  config[7] = l.stream;
  memcpy(params, l.params.data(), std::min(capacity, l.params.size()));
  snprintf(kernel, kernelCapacity, "%s", l.kernel.c_str());
  return long(l.params.size());
}

/// The parameters of kernel `name` in a cubin: (offset, size) pairs into
/// `out` (2 per parameter); returns their number, or -1.
long fakecuda_cubin_params(const char *image, size_t bytes, const char *name, uint32_t *out,
                           size_t capacity) {
  Elf elf;
  std::vector<Param> params;
  if (!elf.parse(image, bytes) || !readParams(elf, name, params))
    return -1;
  for (size_t i = 0; i < params.size() && 2 * i + 1 < capacity; ++i) {
    out[2 * i] = params[i].offset;
    out[2 * i + 1] = params[i].size;
  }
  return long(params.size());
}

} // extern "C"
