//===- LaunchShape.h - CUDA's limits on a launch's grid and block -*- C++ -*-===//
//
// One check for both targets, so that a launch that works on the host target
// works on a GPU and fails there with the same words.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_LAUNCHSHAPE_H
#define CUFT_RUNTIME_LAUNCHSHAPE_H

#include <cstdint>
#include <algorithm>
#include <string>

namespace cuft {

/// CUDA's limits for every architecture cuft targets (sm_50 and later).
inline constexpr uint64_t kMaxThreadsPerBlock = 1024;
inline constexpr uint32_t kMaxBlockDim[3] = {1024, 1024, 64};
inline constexpr uint64_t kMaxGridDim[3] = {(1ull << 31) - 1, 65535, 65535};
/// The most shared memory a block may have, static and dynamic together, on
/// sm_90 (opted in): the host target's limit, so that a launch that fits
/// there fits on a GPU of that class.
inline constexpr uint64_t kMaxSharedBytesPerBlock = 227 * 1024;
/// The largest `alignment=` of a shared or local array (numba's option: a
/// power of 2, a multiple of 8): a page, which the host target's block
/// buffers are aligned to.
inline constexpr uint64_t kMaxArrayAlignment = 4096;

/// What one SM of sm_90 holds at once (registers aside): the rule of the host
/// target's cooperative launches, whose "SMs" are the threads that run blocks.
inline constexpr uint64_t kMaxThreadsPerSM = 2048;
inline constexpr uint64_t kMaxBlocksPerSM = 32;
inline constexpr uint64_t kSharedBytesPerSM = 228 * 1024;

/// Blocks of `threads` threads (whole warps) and `sharedBytes` of shared
/// memory each that one SM holds at once.
inline uint64_t blocksPerSM(uint64_t threads, uint64_t sharedBytes) {
  uint64_t warpThreads = (threads + 31) / 32 * 32;
  uint64_t n = std::min(kMaxBlocksPerSM, kMaxThreadsPerSM / std::max<uint64_t>(warpThreads, 32));
  if (sharedBytes)
    n = std::min(n, kSharedBytesPerSM / sharedBytes);
  return n;
}

inline std::string dim3Text(const uint32_t d[3]) {
  return "(" + std::to_string(d[0]) + ", " + std::to_string(d[1]) + ", " +
         std::to_string(d[2]) + ")";
}

/// Why `grid` and `block` cannot be launched, or "" when they can;
/// `maxThreads` is what the kernel allows (its registers may allow fewer
/// than CUDA's 1024).
inline std::string launchShapeProblem(const uint32_t grid[3], const uint32_t block[3],
                                      uint64_t maxThreads = kMaxThreadsPerBlock) {
  for (unsigned d = 0; d < 3; ++d) {
    if (block[d] == 0 || block[d] > kMaxBlockDim[d])
      return "block " + dim3Text(block) + " is out of range: CUDA allows (1024, 1024, 64) at most";
    if (grid[d] == 0 || grid[d] > kMaxGridDim[d])
      return "grid " + dim3Text(grid) +
             " is out of range: CUDA allows (2147483647, 65535, 65535) at most";
  }
  uint64_t threads = uint64_t(block[0]) * block[1] * block[2];
  if (threads > kMaxThreadsPerBlock)
    return "block " + dim3Text(block) + " has " + std::to_string(threads) +
           " threads; CUDA allows 1024 at most";
  if (threads > maxThreads)
    return "block " + dim3Text(block) + " has " + std::to_string(threads) +
           " threads; this kernel allows " + std::to_string(maxThreads) +
           " at most on this device (its launch_bounds, or its registers per thread, "
           "limit it)";
  return "";
}

} // namespace cuft

#endif
