//===- bindings.h - one bind function per area ------------------*- C++ -*-===//
#ifndef CUFT_PYTHON_BINDINGS_H
#define CUFT_PYTHON_BINDINGS_H

#include "cuft/Cache/Counter.h"
#include "cuft/Cache/Epochs.h"
#include "cuft/Cache/Specializations.h"
#include "cuft/Compiler/Specialize.h"
#include "cuft/Runtime/CUDA/Runtime.h"
#include "cuft/Runtime/KernelArgs.h"
#include "cuft/Runtime/LaunchTable.h"
#include "cuft/Runtime/Target.h"

#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuft::python {
/// Attribute `name` of `o` into `out` (a new reference): 1 found, 0 absent
/// (an AttributeError, cleared), -1 another error (set).
inline int optionalAttr(PyObject *o, PyObject *name, PyObject *&out) {
#if PY_VERSION_HEX >= 0x030D0000
  return PyObject_GetOptionalAttr(o, name, &out);
#else
  return _PyObject_LookupAttr(o, name, &out);
#endif
}

/// A kernel's Program (cuft/Compiler/Specialize.h), as Python holds it.
struct PyProgram {
  std::shared_ptr<const Program> value;
};

/// A compiled specialization from the process-wide cache, as Python holds it.
struct PySpecialization {
  std::shared_ptr<const Specialization> value;
};

/// A loaded kernel (cuft/Runtime/Target.h) as Python holds it: the module
/// stays loaded, and its code mapped, while this lives.
struct PyLoaded {
  std::shared_ptr<const LoadedKernel> kernel;
};

/// cuda_driver_status, cuda_result_name, cuda_driver_init_count
void bindCuda(pybind11::module_ &m);
/// cuda_context, DeviceBuffer, copies, streams, events, CudaModule
void bindCudaRuntime(pybind11::module_ &m);
/// launch_floor (the launch-overhead benchmark's C++ loop)
void bindCudaBench(pybind11::module_ &m);
/// compiled_texts, compiled_texts_kept (and the audit hook that keeps them)
void bindSources(pybind11::module_ &m);
/// link_cubin, compile_cuda, linker_problem
void bindLink(pybind11::module_ &m);
/// Launcher, launch, read_arguments, KernelArgs, register_device_array,
/// set_error_hooks, captures_unchanged
void bindLauncher(pybind11::module_ &m);
/// KernelCounters, Specialization, HostModule,
/// unload_host_modules, cache_info
void bindCache(pybind11::module_ &m);
/// LaunchConfig (kernel[grid, block, ...]), KernelBase, set_launch_hooks,
/// note_target, stream_handle, boundscheck_from_environment
void bindLaunchConfig(pybind11::module_ &m);

/// A launch's arguments as the reader read them.
struct Read {
  std::string sig;
  KernelArgs packed;
  std::vector<pybind11::object> keep;
};
/// The Launcher (launcher.cpp) of a Python Launcher object, or null when `o`
/// is not one. Read without pybind11's type lookup, which takes a
/// process-wide lock on the free-threaded build: the warm path never casts.
void *launcherOf(PyObject *o);
/// The place of a host launch by `launcher` (a Launcher object) now: with
/// bounds checks when its kernel's option, or CUFT_BOUNDSCHECK, says so.
/// False with a Python error set.
bool hostPlaceOf(PyObject *launcher, Place &out);
/// The one launch (launcher.cpp): reads `args`, launches the Launcher's
/// module for their signature at `l.place`, compiling and loading it on a
/// miss. A new reference to None, or null with a Python error set; with
/// `refusedIsMiss` (the C call path, whose errors Python locates), an
/// argument the reader refuses returns the miss sentinel instead of raising.
/// `callerGuard`: the launchEpochs() guard under which the caller read
/// `launcher` (null: none; the launch takes its own); a miss takes a
/// reference to the launcher and ends that guard before it compiles.
PyObject *runLaunch(PyObject *kernel, PyObject *launcher, const LaunchConfig &l,
                    PyObject *const *args, size_t nargs, bool refusedIsMiss,
                    std::optional<cache::EpochDomain::Guard> *callerGuard);
/// The object that means "take Python's slow path" (the C call's miss).
PyObject *missSentinel();
/// captures_unchanged for C callers: 1, 0, or -1 with a Python error set.
int capturesUnchanged(PyObject *checks);
/// A 3-tuple of ints in [1, 2**32) into `out` (a grid or block made by
/// kernel[...]); false, with no error set, when it is not one.
bool dimsFrom(PyObject *o, uint32_t out[3]);
/// CUFT_BOUNDSCHECK as every launch reads it: 1 on, 0 off, -1 an error set.
int boundscheckFromEnvironment();
/// Raises cuft.CudaError for a driver error (ValueError for a launch
/// configuration cuft refused); nothing for success.
void checkCuda(const cuda::Error &e);
/// Every kernel's fast-path hits, for cache_info().
cache::StripedCounter &dispatchHits();
/// A kernel died: its modules are unloaded (their last leases went with its
/// tables), so its specializations may be unused now; trims the cache to its
/// limit. Never on a launch path.
void kernelReleased();

/// One kernel's counters, read by kernel.stats(). Hits are striped: every
/// warm launch counts one, from every thread.
class KernelCounters {
public:
  /// A fast-table hit: the process-wide cache never sees it.
  void hit() {
    hits.add(1);
    dispatchHits().add(1);
  }
  void count(SpecializationCache::Outcome outcome);
  pybind11::dict snapshot() const;

  cache::StripedCounter hits;
  std::atomic<uint64_t> compiles{0}, waits{0}, loads{0};
};

/// A launch's arguments in the kernel ABI, as Python holds them between
/// read_arguments and a launch: the cells, and the objects whose memory they
/// point at that nothing else keeps alive (DLPack capsules).
struct PyKernelArgs {
  KernelArgs args;
  std::vector<pybind11::object> keep;
};

/// Where a launch's arguments go: their memory must be there.
enum class Memory {
  None, // the signature only (kernel.signature(), inspect())
  Host, // the host target: host memory
  Cuda, // a GPU: its memory, and ordered after its producer's stream
};
struct Destination {
  Memory memory = Memory::None;
  uintptr_t context = 0; // Cuda: the launch's context,
  long long device = 0;  // its device,
  uintptr_t stream = 0;  // and its stream
  /// Whether reading may make the stream wait for an array's producer (the
  /// slow path's read). The warm path's may not: it steps aside (returns
  /// false with an empty message) for an array that needs it, so each launch
  /// waits once.
  bool mayOrder = true;
};
/// An argument the reader refuses: its index and why.
struct ArgumentProblem {
  size_t index = 0;
  std::string message;
};

/// The one reader of a launch's arguments (arguments.cpp): the signature
/// text of `args` into `sig` and, unless to.memory is None, their cells into
/// `packed` (objects the launch must keep alive into `keep`). False with
/// `problem` set when an argument cannot be passed; a Python error (a
/// driver's, while ordering streams) is thrown.
bool readArguments(PyObject *const *args, size_t n, const std::vector<bool> &constexprArgs,
                   const Destination &to, std::string &sig, KernelArgs *packed,
                   std::vector<pybind11::object> &keep, ArgumentProblem &problem);
/// Raises cuft.signature.ArgumentError(index, message).
[[noreturn]] void raiseArgumentProblem(const ArgumentProblem &problem);
/// cuft.DeviceArray: the reader reads its `_launch` form.
void registerDeviceArray(PyTypeObject *type);
/// A DeviceArray's launch form (a capsule): the reader's rules applied once
/// to its typestr, pointer, shape, byte strides and device, so a launch only
/// appends its entry and copies its cells.
pybind11::object deviceArrayForm(pybind11::handle typestr, uintptr_t data,
                                 const std::vector<int64_t> &shape,
                                 const std::vector<int64_t> &strides, long long device);

/// The fields of a DLPack capsule (dlpack.cpp).
struct DLPackView {
  int deviceType = 0, deviceId = 0;
  int code = 0, bits = 0, lanes = 0;
  std::vector<int64_t> shape, strides; // strides in elements; empty: C-contiguous
  void *data = nullptr;                // the first element
};
/// False when `capsule` is not an unconsumed "dltensor" capsule.
bool readDLPack(pybind11::handle capsule, DLPackView &out);

/// Whether CUDA orders work queued on `consumer` after work queued on
/// `producer` already: the same stream, or both default streams.
bool streamsOrdered(uintptr_t producer, uintptr_t consumer);
/// Later work on stream `consumer` of `context` waits, on the GPU, for the
/// work queued on `producer` now, unless CUDA orders the two already (the
/// same stream, or both default streams). Raises cuft.CudaError.
void orderStreams(uintptr_t context, uintptr_t producer, uintptr_t consumer);

/// Whether the calling thread is Python's main thread, the one that gets
/// KeyboardInterrupt: its host launches and compile waits stop at Ctrl-C.
bool onMainThread();

/// A host launch's failure as the tuple cuft.host.raise_launch_error takes
/// (kind, message, file, line, column, dim, index, size, block, thread or
/// None), or None when it ran; Ctrl-C raises KeyboardInterrupt.
pybind11::object hostLaunchError(const host::LaunchError &e, const host::Kernel &kernel);
/// The same error tuple for a raise a GPU kernel reported (cuda::Error::Kind::Raised).
pybind11::object raisedOnGpu(const cuda::Error &e);
/// A CUDA module's setup and teardown callbacks from Python callables (or
/// None): run once per (module, context) on a thread without the GIL, they
/// take it to call Python.
cuda::ModuleRegistry::Callbacks cudaCallbacks(pybind11::object setup, pybind11::object teardown);
/// The cuft.CudaError of a failed CUDA load (the registry's error text).
pybind11::object cudaLoadError(const std::string &error);

/// The request's specialization from the process-wide cache, for a Python
/// caller: on Python's main thread a compile is waited for so that Ctrl-C
/// interrupts it (null value then); the GIL is released while waiting.
SpecializationCache::Lookup lookupForPython(const SpecializationRequest &request,
                                            const cache::Key &key);
/// The stream launches without one use: each thread's own default stream
/// (CU_STREAM_PER_THREAD) or the legacy one (0), decided once per process by
/// CUFT_PER_THREAD_DEFAULT_STREAM, else by the build (per-thread on
/// free-threaded ones).
uintptr_t defaultStream();
/// The primary context of device 0 once cuda_context(0) made it, else 0.
uintptr_t deviceZeroContext();

/// Diagnostics as (severity, file, line, column, message) tuples.
pybind11::list diagnosticsToPython(const std::vector<Diagnostic> &diagnostics);

/// compile(ir, signature, stage, kernel, chip, opt_level, fast_math, libdevice)
void bindCompiler(pybind11::module_ &m);
/// dlpack_layout(capsule) -> (code, bits, lanes, shape, strides); dlpack_data;
/// dlpack_export (DeviceArray.__dlpack__)
void bindDLPack(pybind11::module_ &m);
/// compile_host_llvm, launch_host, host_pool_size
void bindHost(pybind11::module_ &m);
} // namespace cuft::python

#endif
