//===- Runtime.h - contexts, memory, modules and launches on CUDA -*- C++ -*-===//
//
// The CUDA driver calls cuft makes, over the driver loaded by Driver.h. Every
// call returns an Error value naming the CUresult and what cuft was doing; the
// Python binding turns it into cuft.CudaError. Thread-safe:
// - the primary context of each device is retained once per process;
// - each thread's current context is set when it differs;
// - modules are loaded once per context through the ModuleRegistry.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_CUDA_RUNTIME_H
#define CUFT_RUNTIME_CUDA_RUNTIME_H

#include "cuft/Cache/Counter.h"
#include "cuft/Cache/ModuleRegistry.h"
#include "cuft/Runtime/CUDA/Driver.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace cuft::cuda {

using Context = void *;  // CUcontext
using Stream = void *;   // CUstream; null: the legacy default stream
using Function = void *; // CUfunction
using DevicePtr = uint64_t;

/// CU_STREAM_PER_THREAD: each thread's own default stream.
inline Stream perThreadStream() { return reinterpret_cast<Stream>(uintptr_t(2)); }

struct Error {
  Result result = kSuccess;
  std::string what; // what cuft was doing
  enum class Kind {
    Driver,    // the driver failed, or there is none
    BadConfig, // a launch configuration cuft refused before asking the driver
    Unloaded,  // the module was unloaded: load it again and relaunch
    Raised,    // a thread raised (debug=True): `raised` is the module's error record
  } kind = Kind::Driver;
  /// Kind::Raised: [code + 1, block x, y, z, thread x, y, z] (the record).
  int64_t raised[7] = {};
  explicit operator bool() const { return result != kSuccess; }
  /// "what: CUDA_ERROR_X (the driver's description)".
  std::string message() const;
};

/// The primary context of `device`: retained once per process, never
/// released before exit (a context outlives every module and buffer in it).
Error primaryContext(int device, Context &context);
/// The architecture of `device` as a chip name: "sm_90" for compute
/// capability 9.0.
Error deviceChip(int device, std::string &chip);
/// A CU_DEVICE_ATTRIBUTE_* of `device`.
Error deviceAttribute(int device, int attribute, int &value);
/// The device's name, e.g. "NVIDIA H200".
Error deviceName(int device, std::string &name);
/// Makes `context` current on this thread unless it already is.
Error makeCurrent(Context context);

Error memAlloc(Context context, size_t bytes, DevicePtr &ptr);
/// Frees from any thread: the context is made current first.
Error memFree(Context context, DevicePtr ptr);
Error copyToDevice(Context context, DevicePtr dst, const void *src, size_t bytes, Stream stream);
Error copyToHost(Context context, void *dst, DevicePtr src, size_t bytes, Stream stream);
/// Copies `bytes` between device buffers of `context`, queued on `stream`.
Error copyOnDevice(Context context, DevicePtr dst, DevicePtr src, size_t bytes, Stream stream);
/// Page-locked host memory of `context` (cuMemHostAlloc): the GPU copies it
/// without staging. Freed by hostFree from any thread.
Error hostAlloc(Context context, size_t bytes, void *&ptr);
Error hostFree(Context context, void *ptr);
/// Waits for everything queued in `context`, on every stream.
Error contextSynchronize(Context context);
Error memsetZero(Context context, DevicePtr ptr, size_t bytes, Stream stream);
Error streamCreate(Context context, Stream &stream);
Error streamDestroy(Context context, Stream stream);
Error streamSynchronize(Context context, Stream stream);

using Event = void *; // CUevent
Error eventCreate(Context context, Event &event);
Error eventDestroy(Context context, Event event);
Error eventRecord(Context context, Event event, Stream stream);
Error eventSynchronize(Context context, Event event);
/// Milliseconds between two recorded, completed events.
Error eventElapsed(Context context, Event start, Event end, float &ms);
/// Makes `stream` wait for `event` (recorded on another stream) on the GPU.
Error streamWaitEvent(Context context, Stream stream, Event event);

/// A compiled kernel as the GPU loads it: the cubin and the entry's name.
struct Cubin {
  std::string image;
  std::string kernel;
};

/// A loaded module and its kernel, in one context.
struct Module {
  void *module = nullptr; // CUmodule
  Function function = nullptr;
  std::string kernel;
  int maxThreadsPerBlock = 0; // what the kernel's resources allow on its device
  int staticShared = 0;       // bytes of shared memory the kernel declares
  int maxDynamicShared = 0;   // bytes a launch may add, after opting in
  /// The module's error record (`__cuft_error`, in modules whose code can
  /// raise: debug=True), or 0: a launch of such a module waits for the kernel
  /// and reads it back (and clears it) to report the first raise.
  DevicePtr errorRecord = 0;
  /// The kernel syncs its grid (cuft.cg): launched cooperatively
  /// (cuLaunchCooperativeKernel), with no more blocks than the GPU holds.
  bool cooperative = false;
  int multiprocessors = 0; // the device's SMs
  /// Dynamic shared bytes allowed without opting in; raised (once, by the
  /// first launch that needs more) to maxDynamicShared.
  mutable std::atomic<int> dynamicSharedNow{0};
  /// Launches in cuLaunchKernel now, and whether the module is unloaded or
  /// being unloaded: an unload waits for the launches, a launch that sees it
  /// returns Error::Kind::Unloaded (and never uses the unloaded function).
  /// Striped: threads launching one kernel at once do not share a line.
  mutable cache::StripedGauge launching;
  std::atomic<bool> unloaded{false};
};

/// The address and size of `module`'s global variable `name` (a __device__
/// variable of linked code), for setup callbacks.
Error moduleGlobal(Context context, const Module &module, const std::string &name,
                   DevicePtr &ptr, size_t &bytes);

using ModuleRegistry = cache::ModuleRegistry<Cubin, Module>;
/// The CUDA target's module registry: (cubin, context) → module, loaded once
/// per context. A load error's text is Error::message().
ModuleRegistry &modules();

/// Checks the grid, the block and the dynamic shared memory against what
/// CUDA, the device and the kernel allow (opting the kernel in to more than
/// 48 KiB of dynamic shared memory when a launch asks for it), makes
/// `context` current and launches. Kind::Unloaded when the module was
/// unloaded, even by a racing thread. `params` points at each kernel parameter, in order.
/// For a module with an error record, the launch waits for the kernel and
/// returns Kind::Raised when a thread raised.
Error launch(Context context, const Module &module, const uint32_t grid[3],
             const uint32_t block[3], uint32_t sharedBytes, Stream stream, void **params);

/// The most blocks of `threadsPerBlock` threads and `dynamicSharedBytes` that
/// run at once on the module's GPU (occupancy per SM times its SMs): the
/// largest grid a cooperative launch may have. 0 for a block the kernel
/// cannot have.
Error maxCooperativeBlocks(Context context, const Module &module, uint64_t threadsPerBlock,
                           uint64_t dynamicSharedBytes, uint64_t &blocks);

/// cuLaunchKernel alone (cuLaunchCooperativeKernel for a cooperative module):
/// no check, the context already current (the floor the launch-overhead
/// benchmark measures against).
Error launchUnchecked(const Module &module, const uint32_t grid[3], const uint32_t block[3],
                      uint32_t sharedBytes, Stream stream, void **params);

} // namespace cuft::cuda

#endif
