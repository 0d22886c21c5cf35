//===- Runtime.cpp - contexts, memory, modules and launches on CUDA -------===//
//
// Entry points are resolved once (a function-local static table, filled under
// C++'s thread-safe static initialization) by their versioned names, so no
// CUDA header is needed. Shared state: the table (immutable once made); the
// primary contexts (one once_flag per device); the module registry (its own
// locks); each thread's current context is the driver's.
//
//===----------------------------------------------------------------------===//

#include "cuft/Runtime/CUDA/Runtime.h"
#include "cuft/Runtime/LaunchShape.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <thread>

#include <unistd.h>

using namespace cuft::cuda;

namespace {

using CUresult = int;

struct Api {
  CUresult (*deviceGet)(int *, int) = nullptr;
  CUresult (*deviceGetName)(char *, int, int) = nullptr;
  CUresult (*deviceGetAttribute)(int *, int, int) = nullptr;
  CUresult (*primaryCtxRetain)(Context *, int) = nullptr;
  CUresult (*ctxGetCurrent)(Context *) = nullptr;
  CUresult (*ctxSetCurrent)(Context) = nullptr;
  CUresult (*memAlloc)(DevicePtr *, size_t) = nullptr;
  CUresult (*memFree)(DevicePtr) = nullptr;
  CUresult (*memcpyHtoDAsync)(DevicePtr, const void *, size_t, Stream) = nullptr;
  CUresult (*memcpyDtoHAsync)(void *, DevicePtr, size_t, Stream) = nullptr;
  CUresult (*memsetD8Async)(DevicePtr, unsigned char, size_t, Stream) = nullptr;
  CUresult (*streamCreate)(Stream *, unsigned) = nullptr;
  CUresult (*streamDestroy)(Stream) = nullptr;
  CUresult (*streamSynchronize)(Stream) = nullptr;
  CUresult (*moduleLoadData)(void **, const void *) = nullptr;
  CUresult (*moduleUnload)(void *) = nullptr;
  CUresult (*moduleGetFunction)(Function *, void *, const char *) = nullptr;
  CUresult (*funcGetAttribute)(int *, int, Function) = nullptr;
  CUresult (*funcSetAttribute)(Function, int, int) = nullptr;
  CUresult (*ctxGetDevice)(int *) = nullptr;
  CUresult (*ctxSynchronize)() = nullptr;
  CUresult (*memcpyDtoDAsync)(DevicePtr, DevicePtr, size_t, Stream) = nullptr;
  CUresult (*memHostAlloc)(void **, size_t, unsigned) = nullptr;
  CUresult (*memFreeHost)(void *) = nullptr;
  CUresult (*moduleGetGlobal)(DevicePtr *, size_t *, void *, const char *) = nullptr;
  CUresult (*launchKernel)(Function, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                           unsigned, Stream, void **, void **) = nullptr;
  CUresult (*launchCooperativeKernel)(Function, unsigned, unsigned, unsigned, unsigned, unsigned,
                                      unsigned, unsigned, Stream, void **) = nullptr;
  CUresult (*occupancyMaxActiveBlocksPerMultiprocessor)(int *, Function, int, size_t) = nullptr;
  CUresult (*getErrorString)(CUresult, const char **) = nullptr;
  CUresult (*eventCreate)(Event *, unsigned) = nullptr;
  CUresult (*eventDestroy)(Event) = nullptr;
  CUresult (*eventRecord)(Event, Stream) = nullptr;
  CUresult (*eventSynchronize)(Event) = nullptr;
  CUresult (*eventElapsedTime)(float *, Event, Event) = nullptr;
  CUresult (*streamWaitEvent)(Stream, Event, unsigned) = nullptr;
  std::string missing; // the first entry point the driver lacks
};

template <typename F> void resolve(Api &api, F &fn, const char *name,
                                   const char *older = nullptr) {
  fn = reinterpret_cast<F>(driverSymbol(name));
  if (!fn && older) // a driver from before `name` (same signature and meaning)
    fn = reinterpret_cast<F>(driverSymbol(older));
  if (!fn && api.missing.empty())
    api.missing = name;
}

const Api &api() {
  static const Api table = [] {
    Api a;
    resolve(a, a.deviceGet, "cuDeviceGet");
    resolve(a, a.deviceGetAttribute, "cuDeviceGetAttribute");
    resolve(a, a.deviceGetName, "cuDeviceGetName");
    resolve(a, a.primaryCtxRetain, "cuDevicePrimaryCtxRetain");
    resolve(a, a.ctxGetCurrent, "cuCtxGetCurrent");
    resolve(a, a.ctxSetCurrent, "cuCtxSetCurrent");
    resolve(a, a.memAlloc, "cuMemAlloc_v2");
    resolve(a, a.memFree, "cuMemFree_v2");
    resolve(a, a.memcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
    resolve(a, a.memcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
    resolve(a, a.memsetD8Async, "cuMemsetD8Async");
    resolve(a, a.memcpyDtoDAsync, "cuMemcpyDtoDAsync_v2");
    resolve(a, a.memHostAlloc, "cuMemHostAlloc");
    resolve(a, a.memFreeHost, "cuMemFreeHost");
    resolve(a, a.streamCreate, "cuStreamCreate");
    resolve(a, a.streamDestroy, "cuStreamDestroy_v2");
    resolve(a, a.streamSynchronize, "cuStreamSynchronize");
    resolve(a, a.moduleLoadData, "cuModuleLoadData");
    resolve(a, a.moduleUnload, "cuModuleUnload");
    resolve(a, a.moduleGetFunction, "cuModuleGetFunction");
    resolve(a, a.funcGetAttribute, "cuFuncGetAttribute");
    resolve(a, a.funcSetAttribute, "cuFuncSetAttribute");
    resolve(a, a.ctxGetDevice, "cuCtxGetDevice");
    resolve(a, a.ctxSynchronize, "cuCtxSynchronize");
    resolve(a, a.moduleGetGlobal, "cuModuleGetGlobal_v2");
    resolve(a, a.launchKernel, "cuLaunchKernel");
    resolve(a, a.launchCooperativeKernel, "cuLaunchCooperativeKernel");
    resolve(a, a.occupancyMaxActiveBlocksPerMultiprocessor,
            "cuOccupancyMaxActiveBlocksPerMultiprocessor");
    resolve(a, a.getErrorString, "cuGetErrorString");
    resolve(a, a.eventCreate, "cuEventCreate");
    resolve(a, a.eventDestroy, "cuEventDestroy_v2");
    resolve(a, a.eventRecord, "cuEventRecord");
    resolve(a, a.eventSynchronize, "cuEventSynchronize");
    // _v2 since CUDA 12.8 (CUDA 13's name for it); older 12.x drivers have the first.
    resolve(a, a.eventElapsedTime, "cuEventElapsedTime_v2", "cuEventElapsedTime");
    resolve(a, a.streamWaitEvent, "cuStreamWaitEvent");
    return a;
  }();
  return table;
}

/// CUDA_ERROR_NOT_INITIALIZED, for calls made without a usable driver.
constexpr Result kNotInitialized = 3;

Error check(CUresult r, const char *what) {
  return r == 0 ? Error{} : Error{r, what};
}

/// Null when the driver and every entry point cuft uses are there.
const Api *ready(Error &error, const char *what) {
  const DriverStatus &status = driverStatus();
  if (!status.available) {
    error = {status.result ? status.result : kNotInitialized,
             std::string(what) + " (" + status.message + ")"};
    return nullptr;
  }
  if (forkedAfterInit()) { // CUDA does not survive fork (numba-cuda checks too)
    error = {kNotInitialized,
             std::string(what) + " (CUDA was initialized in process " +
                 std::to_string(status.pid) + " and this one was forked from it after: a "
                 "forked child cannot use CUDA; start it with multiprocessing's 'spawn' or "
                 "'forkserver')"};
    return nullptr;
  }
  const Api &a = api();
  if (!a.missing.empty()) {
    error = {kNotInitialized, std::string(what) + " (the driver lacks " + a.missing + ")"};
    return nullptr;
  }
  return &a;
}

#define CUFT_API(what)                                                                         \
  Error error;                                                                                 \
  const Api *a = ready(error, what);                                                           \
  if (!a)                                                                                      \
    return error;

/// The shape of most calls: a usable driver, `context` current on this
/// thread, then `call(api)`; any failure says `what` cuft was doing.
template <typename Call> Error inContext(Context context, const char *what, Call call) {
  CUFT_API(what);
  if (Error e = makeCurrent(context))
    return e;
  return call(*a);
}

// CUfunction_attribute and CUdevice_attribute values.
constexpr int kFuncMaxThreadsPerBlock = 0, kFuncSharedSizeBytes = 1,
              kFuncMaxDynamicSharedSizeBytes = 8;
constexpr int kDeviceMaxSharedPerBlockOptin = 97;
constexpr int kDeviceMultiprocessorCount = 16;

Error loadModule(const Cubin &cubin, Context context, Module &m) {
  return inContext(context, "cannot load a module", [&](const Api &a) {
    if (Error e = check(a.moduleLoadData(&m.module, cubin.image.data()), "cuModuleLoadData"))
      return e;
    m.kernel = cubin.kernel;
    int device = 0, optin = 0, dynamicNow = 0;
    Error e = check(a.moduleGetFunction(&m.function, m.module, cubin.kernel.c_str()),
                    "cuModuleGetFunction");
    if (!e)
      e = check(a.funcGetAttribute(&m.maxThreadsPerBlock, kFuncMaxThreadsPerBlock, m.function),
                "cuFuncGetAttribute");
    if (!e)
      e = check(a.funcGetAttribute(&m.staticShared, kFuncSharedSizeBytes, m.function),
                "cuFuncGetAttribute");
    if (!e)
      e = check(a.funcGetAttribute(&dynamicNow, kFuncMaxDynamicSharedSizeBytes, m.function),
                "cuFuncGetAttribute");
    if (!e)
      e = check(a.ctxGetDevice(&device), "cuCtxGetDevice");
    if (!e)
      e = check(a.deviceGetAttribute(&optin, kDeviceMaxSharedPerBlockOptin, device),
                "cuDeviceGetAttribute");
    if (!e)
      e = check(a.deviceGetAttribute(&m.multiprocessors, kDeviceMultiprocessorCount, device),
                "cuDeviceGetAttribute");
    if (e) {
      a.moduleUnload(m.module);
      return e;
    }
    m.dynamicSharedNow.store(dynamicNow, std::memory_order_relaxed);
    m.maxDynamicShared = std::max(dynamicNow, optin - m.staticShared);
    // Code that can raise has an error record (debug=True); no record: not found.
    size_t recordBytes = 0;
    DevicePtr record = 0;
    if (a.moduleGetGlobal(&record, &recordBytes, m.module, "__cuft_error") == kSuccess &&
        recordBytes == sizeof(Error::raised))
      m.errorRecord = record;
    // Code that syncs its grid (cuft.cg) marks its module (kCooperativeGlobal).
    DevicePtr marker = 0;
    size_t markerBytes = 0;
    m.cooperative =
        a.moduleGetGlobal(&marker, &markerBytes, m.module, "__cuft_cooperative") == kSuccess;
    return e;
  });
}

/// The first raise of the launch just queued on `stream`, if any, from the
/// module's error record (cleared for the next launch): the launch waits.
Error readErrorRecord(const Api &a, const Module &module, Stream stream) {
  int64_t record[7] = {};
  if (Error e = check(a.memcpyDtoHAsync(record, module.errorRecord, sizeof record, stream),
                      "cuMemcpyDtoHAsync"))
    return e;
  if (Error e = check(a.streamSynchronize(stream), "cuStreamSynchronize"))
    return e;
  if (record[0] == 0)
    return Error{};
  if (Error e = check(a.memsetD8Async(module.errorRecord, 0, sizeof record, stream),
                      "cuMemsetD8Async"))
    return e;
  Error raised{1, "kernel '" + module.kernel + "' raised"};
  raised.kind = Error::Kind::Raised;
  std::copy(std::begin(record), std::end(record), std::begin(raised.raised));
  return raised;
}

Error configError(const Module &module, const std::string &problem) {
  Error e{1 /* CUDA_ERROR_INVALID_VALUE */,
          "cannot launch kernel '" + module.kernel + "': " + problem};
  e.kind = Error::Kind::BadConfig;
  return e;
}

/// Lets `module`'s kernel take `bytes` of dynamic shared memory, opting in
/// past the default 48 KiB when it may; `context` is current.
Error allowDynamicShared(const Module &module, uint32_t bytes) {
  if (int64_t(bytes) <= module.dynamicSharedNow.load(std::memory_order_relaxed))
    return {};
  if (int64_t(bytes) > module.maxDynamicShared)
    return configError(module, std::to_string(bytes) + " bytes of dynamic shared memory: this "
                               "kernel can have " + std::to_string(module.maxDynamicShared) +
                               " at most on this device (it declares " +
                               std::to_string(module.staticShared) + " bytes of its own)");
  CUFT_API("cannot launch the kernel");
  // Racing launches set the same value; each then sees it allowed.
  if (Error e = check(a->funcSetAttribute(module.function, kFuncMaxDynamicSharedSizeBytes,
                                          module.maxDynamicShared),
                      "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)"))
    return e;
  module.dynamicSharedNow.store(module.maxDynamicShared, std::memory_order_relaxed);
  return {};
}

} // namespace

std::string Error::message() const {
  std::string text = what + ": " + resultName(result);
  const Api &a = api();
  const char *description = nullptr;
  if (driverStatus().available && a.getErrorString && a.getErrorString(result, &description) == 0 &&
      description)
    text += std::string(" (") + description + ")";
  return text;
}

Error cuft::cuda::makeCurrent(Context context) {
  CUFT_API("cannot make the CUDA context current");
  // Always ask the driver (a cheap thread-local read there): another library
  // on this thread (CuPy, PyTorch) may have changed the current context.
  Context now = nullptr;
  if (Error e = check(a->ctxGetCurrent(&now), "cuCtxGetCurrent"))
    return e;
  if (now != context)
    return check(a->ctxSetCurrent(context), "cuCtxSetCurrent");
  return {};
}

Error cuft::cuda::primaryContext(int device, Context &context) {
  CUFT_API("cannot use the CUDA device");
  constexpr int kMaxDevices = 64;
  static std::array<std::once_flag, kMaxDevices> once;
  static std::array<Context, kMaxDevices> contexts{};
  static std::array<Error, kMaxDevices> errors;
  if (device < 0 || device >= std::min(kMaxDevices, driverStatus().devices))
    return {101 /* CUDA_ERROR_INVALID_DEVICE */,
            "no CUDA device " + std::to_string(device) + " (there are " +
                std::to_string(driverStatus().devices) + ")"};
  std::call_once(once[device], [&] {
    int handle = 0;
    if (Error e = check(a->deviceGet(&handle, device), "cuDeviceGet")) {
      errors[device] = e;
      return;
    }
    errors[device] = check(a->primaryCtxRetain(&contexts[device], handle),
                           "cuDevicePrimaryCtxRetain");
  });
  if (errors[device])
    return errors[device];
  context = contexts[device];
  return makeCurrent(context);
}

Error cuft::cuda::deviceAttribute(int device, int attribute, int &value) {
  CUFT_API("cannot query the CUDA device");
  int handle = 0;
  if (Error e = check(a->deviceGet(&handle, device), "cuDeviceGet"))
    return e;
  return check(a->deviceGetAttribute(&value, attribute, handle), "cuDeviceGetAttribute");
}

Error cuft::cuda::deviceName(int device, std::string &name) {
  CUFT_API("cannot query the CUDA device");
  int handle = 0;
  if (Error e = check(a->deviceGet(&handle, device), "cuDeviceGet"))
    return e;
  char text[256] = {};
  if (Error e = check(a->deviceGetName(text, int(sizeof text) - 1, handle), "cuDeviceGetName"))
    return e;
  name = text;
  return {};
}

Error cuft::cuda::deviceChip(int device, std::string &chip) {
  constexpr int kMajor = 75, kMinor = 76; // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_*
  int major = 0, minor = 0;
  if (Error e = deviceAttribute(device, kMajor, major))
    return e;
  if (Error e = deviceAttribute(device, kMinor, minor))
    return e;
  chip = "sm_" + std::to_string(major) + std::to_string(minor);
  return {};
}

Error cuft::cuda::memAlloc(Context context, size_t bytes, DevicePtr &ptr) {
  return inContext(context, "cannot allocate device memory", [&](const Api &a) {
    return check(a.memAlloc(&ptr, bytes ? bytes : 1), "cuMemAlloc");
  });
}

Error cuft::cuda::memFree(Context context, DevicePtr ptr) {
  return inContext(context, "cannot free device memory", [&](const Api &a) {
    return check(a.memFree(ptr), "cuMemFree");
  });
}

Error cuft::cuda::copyToDevice(Context context, DevicePtr dst, const void *src, size_t bytes,
                               Stream stream) {
  return inContext(context, "cannot copy to the device", [&](const Api &a) {
    if (Error e = check(a.memcpyHtoDAsync(dst, src, bytes, stream), "cuMemcpyHtoDAsync"))
      return e;
    return check(a.streamSynchronize(stream), "cuStreamSynchronize");
  });
}

Error cuft::cuda::copyToHost(Context context, void *dst, DevicePtr src, size_t bytes,
                             Stream stream) {
  return inContext(context, "cannot copy from the device", [&](const Api &a) {
    if (Error e = check(a.memcpyDtoHAsync(dst, src, bytes, stream), "cuMemcpyDtoHAsync"))
      return e;
    return check(a.streamSynchronize(stream), "cuStreamSynchronize");
  });
}

Error cuft::cuda::copyOnDevice(Context context, DevicePtr dst, DevicePtr src, size_t bytes,
                               Stream stream) {
  return inContext(context, "cannot copy on the device", [&](const Api &a) {
    return check(a.memcpyDtoDAsync(dst, src, bytes, stream), "cuMemcpyDtoDAsync");
  });
}

Error cuft::cuda::hostAlloc(Context context, size_t bytes, void *&ptr) {
  return inContext(context, "cannot allocate page-locked host memory", [&](const Api &a) {
    return check(a.memHostAlloc(&ptr, bytes, 0), "cuMemHostAlloc");
  });
}

Error cuft::cuda::hostFree(Context context, void *ptr) {
  return inContext(context, "cannot free page-locked host memory", [&](const Api &a) {
    return check(a.memFreeHost(ptr), "cuMemFreeHost");
  });
}

Error cuft::cuda::contextSynchronize(Context context) {
  return inContext(context, "cannot synchronize the device", [&](const Api &a) {
    return check(a.ctxSynchronize(), "cuCtxSynchronize");
  });
}

Error cuft::cuda::memsetZero(Context context, DevicePtr ptr, size_t bytes, Stream stream) {
  return inContext(context, "cannot clear device memory", [&](const Api &a) {
    return check(a.memsetD8Async(ptr, 0, bytes, stream), "cuMemsetD8Async");
  });
}

Error cuft::cuda::streamCreate(Context context, Stream &stream) {
  return inContext(context, "cannot create a stream", [&](const Api &a) {
    return check(a.streamCreate(&stream, 1 /* CU_STREAM_NON_BLOCKING */), "cuStreamCreate");
  });
}

Error cuft::cuda::streamDestroy(Context context, Stream stream) {
  return inContext(context, "cannot destroy a stream", [&](const Api &a) {
    return check(a.streamDestroy(stream), "cuStreamDestroy");
  });
}

Error cuft::cuda::streamSynchronize(Context context, Stream stream) {
  return inContext(context, "cannot synchronize a stream", [&](const Api &a) {
    return check(a.streamSynchronize(stream), "cuStreamSynchronize");
  });
}

Error cuft::cuda::eventCreate(Context context, Event &event) {
  return inContext(context, "cannot create an event", [&](const Api &a) {
    return check(a.eventCreate(&event, 0), "cuEventCreate");
  });
}

Error cuft::cuda::eventDestroy(Context context, Event event) {
  return inContext(context, "cannot destroy an event", [&](const Api &a) {
    return check(a.eventDestroy(event), "cuEventDestroy");
  });
}

Error cuft::cuda::eventRecord(Context context, Event event, Stream stream) {
  return inContext(context, "cannot record an event", [&](const Api &a) {
    return check(a.eventRecord(event, stream), "cuEventRecord");
  });
}

Error cuft::cuda::eventSynchronize(Context context, Event event) {
  return inContext(context, "cannot wait for an event", [&](const Api &a) {
    return check(a.eventSynchronize(event), "cuEventSynchronize");
  });
}

Error cuft::cuda::eventElapsed(Context context, Event start, Event end, float &ms) {
  return inContext(context, "cannot time events", [&](const Api &a) {
    return check(a.eventElapsedTime(&ms, start, end), "cuEventElapsedTime");
  });
}

Error cuft::cuda::streamWaitEvent(Context context, Stream stream, Event event) {
  return inContext(context, "cannot make a stream wait", [&](const Api &a) {
    return check(a.streamWaitEvent(stream, event, 0), "cuStreamWaitEvent");
  });
}

Error cuft::cuda::moduleGlobal(Context context, const Module &module, const std::string &name,
                               DevicePtr &ptr, size_t &bytes) {
  return inContext(context, "cannot find a global of the module", [&](const Api &a) {
    return check(a.moduleGetGlobal(&ptr, &bytes, module.module, name.c_str()),
                 "cuModuleGetGlobal");
  });
}

ModuleRegistry &cuft::cuda::modules() {
  // Never destroyed: contexts live until exit, and so may their modules.
  static auto *registry = new ModuleRegistry(ModuleRegistry::Loader{
      [](const Cubin &cubin, ModuleRegistry::ContextId id,
         std::string &error) -> std::unique_ptr<Module> {
        auto m = std::make_unique<Module>();
        if (Error e = loadModule(cubin, reinterpret_cast<Context>(static_cast<uintptr_t>(id)), *m)) {
          error = e.message();
          return nullptr;
        }
        return m;
      },
      [](Module &m, ModuleRegistry::ContextId id) {
        // New launches see `unloaded`; the ones already past that check
        // finish their cuLaunchKernel first (sequentially consistent: either
        // a launch sees the flag or this loop sees the launch).
        m.unloaded.store(true);
        while (!m.launching.idle())
          std::this_thread::yield();
        Error e;
        if (const Api *a = ready(e, "cannot unload a module"))
          if (!makeCurrent(reinterpret_cast<Context>(static_cast<uintptr_t>(id)))) {
            a->ctxSynchronize(); // no queued kernel of the module still to run
            a->moduleUnload(m.module);
          }
      }},
      /*shards=*/64, /*unloadWhenUnused=*/true); // a module no kernel launches is unloaded
  return *registry;
}

Error cuft::cuda::launch(Context context, const Module &module, const uint32_t grid[3],
                         const uint32_t block[3], uint32_t sharedBytes, Stream stream,
                         void **params) {
  std::string problem = launchShapeProblem(grid, block, uint64_t(module.maxThreadsPerBlock));
  if (!problem.empty())
    return configError(module, problem);
  if (Error e = makeCurrent(context))
    return e;
  struct InFlight { // the unload waits for this launch
    const Module &m;
    unsigned stripe;
    explicit InFlight(const Module &m) : m(m), stripe(m.launching.enter()) {}
    ~InFlight() { m.launching.leave(stripe); }
  } inFlight(module);
  if (module.unloaded.load()) {
    Error e{4 /* CUDA_ERROR_DEINITIALIZED */, "the kernel's module was unloaded"};
    e.kind = Error::Kind::Unloaded;
    return e;
  }
  if (Error e = allowDynamicShared(module, sharedBytes))
    return e;
  if (module.cooperative) { // every block at once: no more than the GPU holds
    uint64_t most = 0, blocks = uint64_t(grid[0]) * grid[1] * grid[2];
    uint64_t threads = uint64_t(block[0]) * block[1] * block[2];
    if (Error e = maxCooperativeBlocks(context, module, threads, sharedBytes, most))
      return e;
    if (blocks > most)
      return configError(module, "a grid of " + std::to_string(blocks) +
                                     " blocks cannot sync (cuft.cg): at most " +
                                     std::to_string(most) + " blocks of " +
                                     std::to_string(threads) + " threads run at once on this "
                                     "GPU (" + std::to_string(module.multiprocessors) +
                                     " SMs; kernel.max_cooperative_grid_blocks(block) says how "
                                     "many)");
  }
  if (Error e = launchUnchecked(module, grid, block, sharedBytes, stream, params))
    return e;
  if (!module.errorRecord)
    return Error{};
  CUFT_API("cannot read the kernel's error record");
  return readErrorRecord(*a, module, stream);
}

Error cuft::cuda::launchUnchecked(const Module &module, const uint32_t grid[3],
                                  const uint32_t block[3], uint32_t sharedBytes, Stream stream,
                                  void **params) {
  CUFT_API("cannot launch the kernel");
  if (module.cooperative)
    return check(a->launchCooperativeKernel(module.function, grid[0], grid[1], grid[2], block[0],
                                            block[1], block[2], sharedBytes, stream, params),
                 "cuLaunchCooperativeKernel");
  return check(a->launchKernel(module.function, grid[0], grid[1], grid[2], block[0], block[1],
                               block[2], sharedBytes, stream, params, nullptr),
               "cuLaunchKernel");
}

Error cuft::cuda::maxCooperativeBlocks(Context context, const Module &module,
                                       uint64_t threadsPerBlock, uint64_t dynamicSharedBytes,
                                       uint64_t &blocks) {
  return inContext(context, "cannot query the kernel's occupancy", [&](const Api &a) {
    int perSM = 0;
    blocks = 0;
    if (threadsPerBlock == 0 || threadsPerBlock > uint64_t(module.maxThreadsPerBlock))
      return Error{};
    Error e = check(a.occupancyMaxActiveBlocksPerMultiprocessor(
                        &perSM, module.function, int(threadsPerBlock), dynamicSharedBytes),
                    "cuOccupancyMaxActiveBlocksPerMultiprocessor");
    blocks = uint64_t(perSM) * uint64_t(module.multiprocessors);
    return e;
  });
}
