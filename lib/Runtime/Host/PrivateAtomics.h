//===- PrivateAtomics.h - a worker's copies of atomically updated arrays -*- C++ -*-===//
//
// Internal to the host runtime. A kernel whose array receives nothing but
// atomic integer updates of one kind with unused results (a histogram's bins;
// convert-gpu-to-host marks it, kPrivateAtomicsAttr) runs faster when each
// worker updates a copy of its own with plain loads and stores and merges the
// copy into the array once it takes no more blocks of the launch: a locked read-modify-write
// costs ~5 ns on x86 even uncontended, and two cores contending for the same
// lines made a histogram no faster on two cores than on one. The final values
// are the same in any order (integers; the kernel never reads the array), and
// the merge is atomic, so concurrent launches updating the same array still
// add up. A launch privatizes only where no other argument overlaps the array
// (a kernel reading it through another parameter would miss its own updates)
// and the copy is small beside the threads that update it.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_RUNTIME_HOST_PRIVATEATOMICS_H
#define CUFT_LIB_RUNTIME_HOST_PRIVATEATOMICS_H

#include "cuft/Conversion/GPUToHost/GPUToHost.h"
#include "cuft/Runtime/Host.h"

#include <cstdint>
#include <vector>

namespace cuft::host::detail {

/// One array a launch privatizes.
struct PrivatePlan {
  uint32_t bit = 0;         // its bit of the ids' private mask
  uint32_t alignedCell = 0; // the argument cell of its aligned pointer
  char *aligned = nullptr;  // the array's aligned pointer
  int64_t lowest = 0;       // its lowest element's index from `aligned`
  uint64_t elements = 0;    // from its lowest to its highest, both included
  uint32_t bytes = 0;       // an element's
  cuft::PrivateKind kind = cuft::PrivateKind::Add;
};

/// The arrays a launch of `kernel` with argument cells `args` privatizes,
/// when a worker runs `threadsPerWorker` threads of it (about its share): a
/// copy holds no more elements than that, and 256 KiB at most.
std::vector<PrivatePlan> planPrivateAtomics(const Kernel &kernel, void *const *args,
                                            uint64_t threadsPerWorker);

/// A worker's copies, reused from launch to launch. A worker fills them at
/// its first run of blocks of a launch, runs each of its blocks of the launch
/// into them, and merges them once it takes no more blocks of it.
class PrivateCopies {
public:
  /// Points `args` (a task's argument cells) at a copy per plan, each filled
  /// with its update's identity unless this launch already filled it; returns
  /// the ids' private mask.
  uint32_t use(const std::vector<PrivatePlan> &plans, std::vector<void *> &args);
  /// Applies each copy's updated elements to its array, atomically; the next
  /// use fills them again.
  void merge(const std::vector<PrivatePlan> &plans);

private:
  std::vector<std::vector<uint64_t>> buffers;
  std::vector<char *> cells; // each copy's aligned pointer, as a cell
  bool filled = false;       // for the launch being run
};

} // namespace cuft::host::detail

#endif
