//===- bindings.h - one bind function per area ------------------*- C++ -*-===//
#ifndef CUFT_PYTHON_BINDINGS_H
#define CUFT_PYTHON_BINDINGS_H

#include "cuft/Cache/Counter.h"
#include "cuft/Cache/Specializations.h"
#include "cuft/Runtime/CUDA/Runtime.h"

#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace cuft::python {
/// A compiled specialization from the process-wide cache, as Python holds it.
struct PySpecialization {
  std::shared_ptr<const Specialization> value;
};

/// A loaded host module as Python holds it: the registry's handle (alive()
/// turns false when it is unloaded), the kernel, kept mapped by this
/// reference for as long as a launch may use it, and the registry's lease:
/// when the last object holding it goes (the kernels that launch it died),
/// the module is unloaded.
struct PyHostModule {
  std::shared_ptr<const HostModuleRegistry::Loaded> handle;
  std::shared_ptr<const host::Kernel> kernel;
  std::shared_ptr<void> lease;
};

/// cuda_driver_status, cuda_result_name, cuda_driver_init_count
void bindCuda(pybind11::module_ &m);
/// cuda_context, DeviceBuffer, copies, streams, CudaModule, load_cuda, launch_cuda
void bindCudaRuntime(pybind11::module_ &m);
/// launch_floor (the launch-overhead benchmark's C++ loop)
void bindCudaBench(pybind11::module_ &m);
/// link_cubin, compile_cuda, linker_problem
void bindLink(pybind11::module_ &m);
/// Dispatcher, register_numpy, launch_fast
void bindDispatch(pybind11::module_ &m);
/// KernelCounters, Specialization, HostModule, specialize, load_host,
/// unload_host_modules, cache_info
void bindCache(pybind11::module_ &m);
/// LaunchConfig (kernel[grid, block, ...]), KernelBase, set_launch_hooks, note_target
void bindLaunchConfig(pybind11::module_ &m);
/// The C++ Dispatcher (dispatch.cpp) of a Python Dispatcher object, or null
/// when `o` is not one. Read without pybind11's type lookup, which takes a
/// process-wide lock on the free-threaded build: the warm paths never cast.
void *dispatcherOf(PyObject *o);
/// The warm CUDA launch (dispatch.cpp) for C callers, on dispatcherOf's
/// result: a new reference to None (launched) or to MISS (the slow path must
/// take it), or null with a Python error set.
PyObject *launchWarmCuda(void *dispatcher, const uint32_t grid[3], const uint32_t block[3],
                         uint32_t sharedBytes, uintptr_t stream, PyObject *const *args,
                         size_t nargs);
/// The warm host launch (launch_fast) for C callers: a new reference to
/// None (done), to MISS, or to launch_host's error tuple; null with a Python
/// error set.
PyObject *launchWarmHost(void *dispatcher, const uint32_t grid[3], const uint32_t block[3],
                         PyObject *const *args, size_t nargs);
/// captures_unchanged for C callers: 1, 0, or -1 with a Python error set.
int capturesUnchanged(PyObject *checks);
/// Every kernel's fast-path hits, for cache_info().
cache::StripedCounter &dispatchHits();
/// A kernel died: its modules are unloaded (their last leases went with its
/// tables), so its specializations may be unused now; trims the cache to its
/// limit. Never on a launch path.
void kernelReleased();

/// A loaded CUDA module, as Python holds it: the registry's handle (alive()
/// turns false when it is unloaded), its context and the registry's lease
/// (as PyHostModule's).
struct PyCudaModule {
  std::shared_ptr<const cuda::ModuleRegistry::Loaded> handle;
  uintptr_t context;
  std::shared_ptr<void> lease;
};

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

/// Kernel arguments in the host entry's packed form: each scalar of the LLVM
/// signature in an 8-byte cell (an array: allocated and aligned pointers,
/// offset, sizes, strides in elements).
class PackedArgs {
public:
  PackedArgs() = default;
  PackedArgs(const PackedArgs &) = delete; // cells may live inside the object
  PackedArgs &operator=(const PackedArgs &) = delete;

  void addArray(void *data, const int64_t *shape, const int64_t *strides, size_t rank);
  void addScalar(std::string_view type, pybind11::handle value);
  /// A scalar of `n` bytes (at most 8) copied from `src`, zero-extended.
  void addBytes(const void *src, size_t n);
  /// Python's packed form: (pointer, shape, strides in elements) per array,
  /// (type, value) per scalar.
  void addAll(const pybind11::list &args);
  /// The entry's argument pointers, one per cell; valid until the next add.
  void *const *finish();
  size_t size() const { return count; }

private:
  union Cell {
    void *pointer;
    int64_t i64;
    uint64_t u64;
    double f64;
    float f32;
    uint8_t b;
  };
  /// A new cell, zeroed: the first kInline without allocating (a warm launch
  /// of up to 30 rank-3 arrays, or 256 scalars and a few arrays, allocates
  /// nothing).
  Cell &add();

  static constexpr size_t kInline = 272;
  Cell inlineCells[kInline];
  void *inlineSlots[kInline];
  std::vector<Cell> heapCells; // past kInline: every cell, moved here
  std::vector<void *> heapSlots;
  Cell *cells = inlineCells;
  size_t count = 0;
};

/// Runs `kernel` (GIL released) and returns None or the error tuple of
/// launch_host.
/// Whether the calling thread is Python's main thread, the one that gets
/// KeyboardInterrupt: its host launches and compile waits stop at Ctrl-C.
bool onMainThread();

pybind11::object launchHost(const host::Kernel &kernel, const uint32_t grid[3],
                            const uint32_t block[3], PackedArgs &packed);

/// Launches a CudaModule's kernel, packed; false when the module was unloaded
/// (load it again); raises cuft.CudaError or ValueError on failure.
bool launchCuda(const PyCudaModule &module, const uint32_t grid[3], const uint32_t block[3],
                uint32_t sharedBytes, uintptr_t stream, PackedArgs &packed);

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
