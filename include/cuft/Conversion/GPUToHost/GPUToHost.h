//===- GPUToHost.h - the host target's kernel ABI ---------------*- C++ -*-===//
//
// What convert-gpu-to-host produces and the host runtime relies on. Header-only
// constants, no MLIR types: lib/Target/Host and lib/Runtime/Host include it too.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CONVERSION_GPUTOHOST_GPUTOHOST_H
#define CUFT_CONVERSION_GPUTOHOST_GPUTOHOST_H

#include <cstdint>

namespace cuft {

/// The `ids` argument: 14 x i32, threadIdx, blockIdx, blockDim, gridDim (x, y,
/// z each), then the private-atomics mask and the run of blocks.
inline constexpr unsigned kIdSlots = 14;
inline constexpr unsigned kThreadIdSlot = 0;
inline constexpr unsigned kBlockIdSlot = 3;
inline constexpr unsigned kBlockDimSlot = 6;
inline constexpr unsigned kGridDimSlot = 9;
/// Bit k set: the kernel's k-th private-atomics array (kPrivateAtomicsAttr) is
/// the worker's own copy in this run, and the kernel updates it with plain
/// loads and stores, not atomics (the runtime merges the copy into the array,
/// atomically, after the blocks it ran).
inline constexpr unsigned kPrivateSlot = 12;
inline constexpr unsigned kMaxPrivateArrays = 32;
/// How many blocks an entry that loops over a block's threads (no fibers)
/// runs, along x from blockIdx.x: blocks (x, y, z) ... (x + run - 1, y, z),
/// row by row across them (for each z and y of threadIdx, every block's row
/// of threads in turn), so that a 2-D kernel of small blocks reads and writes
/// rows as long as the run's. The entry writes each block's x into
/// ids[kBlockIdSlot] before running a row of it: the block a trap names. A
/// kernel with shared memory runs one block at a time (its blocks' threads
/// would share it).
inline constexpr unsigned kRunSlot = 13;
/// On an entry: its array parameters, three i64 each: the first cell of the
/// descriptor (KernelArgs.h), the rank, the element's bytes. Absent when an
/// element's size is unknown: the runtime then privatizes nothing.
inline constexpr const char *kArraysAttr = "cuft.host.arrays";
/// On an entry: the array parameters whose only uses are atomic updates of
/// one kind with unused results (integer add, and, or, min, max), which a
/// worker may then apply to a private copy: two i64 each, the index of the
/// parameter in kArraysAttr and the kind (PrivateKind).
inline constexpr const char *kPrivateAtomicsAttr = "cuft.host.private_atomics";
enum class PrivateKind : int64_t { Add, And, Or, MaxS, MaxU, MinS, MinU };

/// `__cuft_entry_<kernel>`: what the runtime calls, per block or per thread.
inline constexpr const char *kEntryPrefix = "__cuft_entry_";
/// On an entry: the kernel reaches a barrier; run each thread on its own fiber.
inline constexpr const char *kFibersAttr = "cuft.host.fibers";
/// On an entry with kFibersAttr: its threads meet at barriers only (no warp or
/// block collective, grid sync or possible spin-wait), so the host compiler
/// may split the kernel at its barriers into loops over the block's threads.
inline constexpr const char *kSplitBarriersAttr = "cuft.host.split_barriers";
/// On an entry: the kernel syncs its grid (cuft.cg); all its blocks run at
/// once, and the grid may have no more blocks than the host holds at once.
inline constexpr const char *kCooperativeAttr = "cuft.host.cooperative";
/// On an entry: bytes of shared memory a block needs (i64).
inline constexpr const char *kSharedBytesAttr = "cuft.host.shared_bytes";
/// On an entry: bytes of the stack slots (local arrays, variables) of the
/// kernel and the functions it calls, together (i64): the runtime gives its
/// threads stacks that hold them.
inline constexpr const char *kLocalBytesAttr = "cuft.host.local_bytes";
/// On an entry: the most threads a block may have (the kernel's launch_bounds,
/// i64); absent: CUDA's limit.
inline constexpr const char *kHostMaxThreadsAttr = "cuft.host.max_threads";
/// On the module: the location of each checked access or division, by site
/// number.
inline constexpr const char *kIndexSitesAttr = "cuft.host.index_sites";
/// On the module: the block shape (x, y, z) every launch of its code has.
inline constexpr const char *kBlockShapeAttr = "cuft.host.block_shape";
/// `void __cuft_host_barrier(void)`: cuft.syncthreads on the host.
inline constexpr const char *kBarrierFunction = "__cuft_host_barrier";

} // namespace cuft

#endif
