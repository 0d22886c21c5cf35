//===- Driver.h - the CUDA driver, loaded at run time ------------*- C++ -*-===//
//
// cuft never links libcuda: it loads it with dlopen on first use, so cuft
// builds, imports and runs its host target where there is no driver. The
// first use initializes the driver (cuInit) exactly once per process, however
// many threads arrive at the same moment; every thread then sees the same
// finished status. No CUDA header is needed to use this API.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_CUDA_DRIVER_H
#define CUFT_RUNTIME_CUDA_DRIVER_H

#include <string>

namespace cuft::cuda {

/// A CUresult.
using Result = int;
inline constexpr Result kSuccess = 0;

/// The name of a CUresult ("CUDA_ERROR_NO_DEVICE"), known without a driver;
/// "CUDA_ERROR_<n>" for a code this build of cuft does not know.
std::string resultName(Result result);
/// The CUresult whose name (as resultName writes it) first appears in
/// `text`, with its offset in `at`; kSuccess when none does. Reads back a
/// code from an error message that crossed an interface carrying only text
/// (the ModuleRegistry's load errors).
Result resultNamedIn(const std::string &text, size_t &at);

/// What loading and initializing the driver gave. Immutable once made.
struct DriverStatus {
  bool available = false; // the driver is initialized and has a device
  Result result = kSuccess; // cuInit's (or cuDeviceGetCount's) result
  std::string library;      // what was loaded (CUFT_LIBCUDA, else libcuda.so.1)
  std::string message;      // why it is not available; empty when it is
  int version = 0;          // cuDriverGetVersion, e.g. 13000
  int devices = 0;
  long pid = 0;             // the process that initialized it: a forked child cannot use it
};

/// Loads and initializes the driver on the first call, once per process;
/// thread-safe, and never throws or aborts: a missing driver is a status.
const DriverStatus &driverStatus();

/// Whether this process was forked from the one that initialized the driver
/// (driverStatus().pid): CUDA does not survive fork. A flag the child's
/// pthread_atfork handler sets, read without a system call: every CUDA call
/// asks, and getpid() was a fifth of a warm launch's own cost (a system call
/// each, dearer still under gVisor).
bool forkedAfterInit();

/// The driver's entry point `name` (its versioned name, e.g. "cuMemAlloc_v2"),
/// or null when the driver is not available or lacks it.
void *driverSymbol(const char *name);

/// How many times this process has initialized the driver: 1 once any thread
/// has called driverStatus(), whatever the number of racing callers (tests).
unsigned driverInitCount();

} // namespace cuft::cuda

#endif
