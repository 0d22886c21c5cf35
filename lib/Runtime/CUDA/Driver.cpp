//===- Driver.cpp - dlopen libcuda and initialize it once -----------------===//
//
// Entry points are resolved with dlsym by their versioned names (cuMemAlloc is
// cuMemAlloc_v2 in the header), declared here so that no CUDA header is needed
// to build cuft. Initialization is one std::call_once: racing first callers
// wait for the one that loads the library and calls cuInit, so none can see a
// half-initialized driver.
//
//===----------------------------------------------------------------------===//

#include "cuft/Runtime/CUDA/Driver.h"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <utility>

#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

namespace {

struct NamedResult {
  int code;
  const char *name;
};

// CUresult's values, from the toolkit's cuda.h (CUDA 13.0).
constexpr NamedResult kResultNames[] = {
    {0, "CUDA_SUCCESS"},
    {1, "CUDA_ERROR_INVALID_VALUE"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY"},
    {3, "CUDA_ERROR_NOT_INITIALIZED"},
    {4, "CUDA_ERROR_DEINITIALIZED"},
    {5, "CUDA_ERROR_PROFILER_DISABLED"},
    {6, "CUDA_ERROR_PROFILER_NOT_INITIALIZED"},
    {7, "CUDA_ERROR_PROFILER_ALREADY_STARTED"},
    {8, "CUDA_ERROR_PROFILER_ALREADY_STOPPED"},
    {34, "CUDA_ERROR_STUB_LIBRARY"},
    {36, "CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER"},
    {46, "CUDA_ERROR_DEVICE_UNAVAILABLE"},
    {100, "CUDA_ERROR_NO_DEVICE"},
    {101, "CUDA_ERROR_INVALID_DEVICE"},
    {102, "CUDA_ERROR_DEVICE_NOT_LICENSED"},
    {200, "CUDA_ERROR_INVALID_IMAGE"},
    {201, "CUDA_ERROR_INVALID_CONTEXT"},
    {202, "CUDA_ERROR_CONTEXT_ALREADY_CURRENT"},
    {205, "CUDA_ERROR_MAP_FAILED"},
    {206, "CUDA_ERROR_UNMAP_FAILED"},
    {207, "CUDA_ERROR_ARRAY_IS_MAPPED"},
    {208, "CUDA_ERROR_ALREADY_MAPPED"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU"},
    {210, "CUDA_ERROR_ALREADY_ACQUIRED"},
    {211, "CUDA_ERROR_NOT_MAPPED"},
    {212, "CUDA_ERROR_NOT_MAPPED_AS_ARRAY"},
    {213, "CUDA_ERROR_NOT_MAPPED_AS_POINTER"},
    {214, "CUDA_ERROR_ECC_UNCORRECTABLE"},
    {215, "CUDA_ERROR_UNSUPPORTED_LIMIT"},
    {216, "CUDA_ERROR_CONTEXT_ALREADY_IN_USE"},
    {217, "CUDA_ERROR_PEER_ACCESS_UNSUPPORTED"},
    {218, "CUDA_ERROR_INVALID_PTX"},
    {219, "CUDA_ERROR_INVALID_GRAPHICS_CONTEXT"},
    {220, "CUDA_ERROR_NVLINK_UNCORRECTABLE"},
    {221, "CUDA_ERROR_JIT_COMPILER_NOT_FOUND"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"},
    {223, "CUDA_ERROR_JIT_COMPILATION_DISABLED"},
    {224, "CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY"},
    {225, "CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC"},
    {226, "CUDA_ERROR_CONTAINED"},
    {300, "CUDA_ERROR_INVALID_SOURCE"},
    {301, "CUDA_ERROR_FILE_NOT_FOUND"},
    {302, "CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND"},
    {303, "CUDA_ERROR_SHARED_OBJECT_INIT_FAILED"},
    {304, "CUDA_ERROR_OPERATING_SYSTEM"},
    {400, "CUDA_ERROR_INVALID_HANDLE"},
    {401, "CUDA_ERROR_ILLEGAL_STATE"},
    {402, "CUDA_ERROR_LOSSY_QUERY"},
    {500, "CUDA_ERROR_NOT_FOUND"},
    {600, "CUDA_ERROR_NOT_READY"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS"},
    {701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"},
    {702, "CUDA_ERROR_LAUNCH_TIMEOUT"},
    {703, "CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING"},
    {704, "CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED"},
    {705, "CUDA_ERROR_PEER_ACCESS_NOT_ENABLED"},
    {708, "CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE"},
    {709, "CUDA_ERROR_CONTEXT_IS_DESTROYED"},
    {710, "CUDA_ERROR_ASSERT"},
    {711, "CUDA_ERROR_TOO_MANY_PEERS"},
    {712, "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED"},
    {713, "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED"},
    {714, "CUDA_ERROR_HARDWARE_STACK_ERROR"},
    {715, "CUDA_ERROR_ILLEGAL_INSTRUCTION"},
    {716, "CUDA_ERROR_MISALIGNED_ADDRESS"},
    {717, "CUDA_ERROR_INVALID_ADDRESS_SPACE"},
    {718, "CUDA_ERROR_INVALID_PC"},
    {719, "CUDA_ERROR_LAUNCH_FAILED"},
    {720, "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE"},
    {721, "CUDA_ERROR_TENSOR_MEMORY_LEAK"},
    {800, "CUDA_ERROR_NOT_PERMITTED"},
    {801, "CUDA_ERROR_NOT_SUPPORTED"},
    {802, "CUDA_ERROR_SYSTEM_NOT_READY"},
    {803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"},
    {804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"},
    {805, "CUDA_ERROR_MPS_CONNECTION_FAILED"},
    {806, "CUDA_ERROR_MPS_RPC_FAILURE"},
    {807, "CUDA_ERROR_MPS_SERVER_NOT_READY"},
    {808, "CUDA_ERROR_MPS_MAX_CLIENTS_REACHED"},
    {809, "CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED"},
    {810, "CUDA_ERROR_MPS_CLIENT_TERMINATED"},
    {811, "CUDA_ERROR_CDP_NOT_SUPPORTED"},
    {812, "CUDA_ERROR_CDP_VERSION_MISMATCH"},
    {900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"},
    {901, "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"},
    {902, "CUDA_ERROR_STREAM_CAPTURE_MERGE"},
    {903, "CUDA_ERROR_STREAM_CAPTURE_UNMATCHED"},
    {904, "CUDA_ERROR_STREAM_CAPTURE_UNJOINED"},
    {905, "CUDA_ERROR_STREAM_CAPTURE_ISOLATION"},
    {906, "CUDA_ERROR_STREAM_CAPTURE_IMPLICIT"},
    {907, "CUDA_ERROR_CAPTURED_EVENT"},
    {908, "CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD"},
    {909, "CUDA_ERROR_TIMEOUT"},
    {910, "CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE"},
    {911, "CUDA_ERROR_EXTERNAL_DEVICE"},
    {912, "CUDA_ERROR_INVALID_CLUSTER_SIZE"},
    {913, "CUDA_ERROR_FUNCTION_NOT_LOADED"},
    {914, "CUDA_ERROR_INVALID_RESOURCE_TYPE"},
    {915, "CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION"},
    {916, "CUDA_ERROR_KEY_ROTATION"},
    {999, "CUDA_ERROR_UNKNOWN"},
};

using CuInit = int (*)(unsigned);
using CuDriverGetVersion = int (*)(int *);
using CuDeviceGetCount = int (*)(int *);
using CuGetErrorString = int (*)(int, const char **);

std::atomic<unsigned> initCount{0};
std::atomic<bool> forked{false}; // set in a child forked after initialize
void *libraryHandle = nullptr; // written once, inside the call_once

cuft::cuda::DriverStatus initialize() {
  initCount.fetch_add(1, std::memory_order_relaxed);
  cuft::cuda::DriverStatus status;
  status.pid = long(::getpid());
  pthread_atfork(nullptr, nullptr, [] { forked.store(true, std::memory_order_relaxed); });
  const char *override = std::getenv("CUFT_LIBCUDA");
  status.library = override && *override ? override : "libcuda.so.1";
  // Never closed: the driver stays loaded for the life of the process.
  void *lib = dlopen(status.library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    status.message = "cannot load the CUDA driver (" + status.library + "): " +
                     (why ? why : "unknown reason");
    return status;
  }
  auto cuInit = reinterpret_cast<CuInit>(dlsym(lib, "cuInit"));
  auto cuDriverGetVersion = reinterpret_cast<CuDriverGetVersion>(dlsym(lib, "cuDriverGetVersion"));
  auto cuDeviceGetCount = reinterpret_cast<CuDeviceGetCount>(dlsym(lib, "cuDeviceGetCount"));
  auto cuGetErrorString = reinterpret_cast<CuGetErrorString>(dlsym(lib, "cuGetErrorString"));
  if (!cuInit || !cuDriverGetVersion || !cuDeviceGetCount) {
    status.message = status.library + " is not a CUDA driver (cuInit, cuDriverGetVersion or "
                                      "cuDeviceGetCount is missing)";
    return status;
  }
  auto fail = [&](const char *what, int result) {
    status.result = result;
    const char *text = nullptr;
    if (!cuGetErrorString || cuGetErrorString(result, &text) != 0 || !text)
      text = nullptr;
    status.message = std::string(what) + " failed: " + cuft::cuda::resultName(result) +
                     (text ? std::string(" (") + text + ")" : std::string());
    return status;
  };
  if (int r = cuInit(0))
    return fail("cuInit", r);
  if (int r = cuDriverGetVersion(&status.version))
    return fail("cuDriverGetVersion", r);
  if (int r = cuDeviceGetCount(&status.devices))
    return fail("cuDeviceGetCount", r);
  if (status.devices == 0) {
    status.message = "the CUDA driver reports no device";
    return status;
  }
  status.available = true;
  libraryHandle = lib;
  return status;
}

} // namespace

std::string cuft::cuda::resultName(Result result) {
  for (const NamedResult &n : kResultNames)
    if (n.code == result)
      return n.name;
  return "CUDA_ERROR_" + std::to_string(result);
}

cuft::cuda::Result cuft::cuda::resultNamedIn(const std::string &text, size_t &at) {
  static const std::string prefix = "CUDA_ERROR_";
  at = text.find(prefix);
  if (at == std::string::npos)
    return kSuccess;
  size_t end = at + prefix.size();
  while (end < text.size() && (isupper(static_cast<unsigned char>(text[end])) ||
                               isdigit(static_cast<unsigned char>(text[end])) || text[end] == '_'))
    ++end;
  std::string name = text.substr(at, end - at);
  for (const NamedResult &n : kResultNames)
    if (name == n.name)
      return n.code;
  std::string digits = name.substr(prefix.size());
  if (!digits.empty() && digits.size() <= 9 &&
      digits.find_first_not_of("0123456789") == std::string::npos)
    return cuft::cuda::Result(std::stol(digits)); // a code resultName did not know
  return kSuccess;
}

const cuft::cuda::DriverStatus &cuft::cuda::driverStatus() {
  static std::once_flag once;
  static DriverStatus *status = nullptr; // never destroyed: threads may outlive exit
  std::call_once(once, [] { status = new DriverStatus(initialize()); });
  return *status;
}

bool cuft::cuda::forkedAfterInit() { return forked.load(std::memory_order_relaxed); }

unsigned cuft::cuda::driverInitCount() { return initCount.load(std::memory_order_relaxed); }

void *cuft::cuda::driverSymbol(const char *name) {
  if (!driverStatus().available)
    return nullptr;
  return dlsym(libraryHandle, name);
}
