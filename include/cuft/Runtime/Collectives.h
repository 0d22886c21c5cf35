//===- Collectives.h - warp and block collectives, as both targets run them ===//
//
// cuft.collective (shuffles, votes, syncwarp, activemask, syncthreads_count
// and friends) lowers to a call of
//
//   i64 __cuft_collective(i32 kind, i32 mask, i64 value, i32 arg, i32 width,
//                         i32 bits)
//
// `kind` a Collective, `value` the operand's bits (`bits` wide), `arg` a
// shuffle's source lane, delta or lane mask, `width` its segment of lanes.
// prepare-nvptx replaces the call by PTX; the host runtime runs it as a
// rendezvous of the warp's (or the block's) fibers, with the rules below.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_COLLECTIVES_H
#define CUFT_RUNTIME_COLLECTIVES_H

#include <cstdint>

namespace cuft {

inline constexpr const char *kCollectiveFunction = "__cuft_collective";

/// The `kind` codes (cuft.collective's CollectiveKind, in the same order).
enum class Collective : int32_t {
  ShflIdx, ShflUp, ShflDown, ShflXor, All, Any, Eq, Ballot, SyncWarp, ActiveMask,
  SyncThreadsCount, SyncThreadsAnd, SyncThreadsOr, MatchAny, MatchAll
};

/// syncthreads_count/and/or: a barrier of the block, not of a warp.
inline bool isBlockReduction(Collective k) {
  return k == Collective::SyncThreadsCount || k == Collective::SyncThreadsAnd ||
         k == Collective::SyncThreadsOr;
}

inline constexpr int kWarpSize = 32;

/// The lane a shuffle of `kind` by `lane` reads, with argument `b` and
/// segments of `width` lanes: PTX's shfl.sync rule (the `c` operand CUDA's
/// __shfl_*_sync passes: clamp 0 for up, 31 otherwise). A lane outside what
/// the rule allows reads its own value. `width` not a power of 2 up to 32
/// is taken as 32.
inline int shuffleSource(Collective kind, int lane, int32_t b, int32_t width) {
  if (width <= 0 || width > kWarpSize || (width & (width - 1)))
    width = kWarpSize;
  int minLane = lane & ~(width - 1);
  int maxLane = kind == Collective::ShflUp ? minLane : minLane | (width - 1);
  int64_t j = lane;
  bool valid = true;
  switch (kind) {
  case Collective::ShflUp:
    j = int64_t(lane) - b;
    valid = j >= maxLane;
    break;
  case Collective::ShflDown:
    j = int64_t(lane) + b;
    valid = j <= maxLane;
    break;
  case Collective::ShflXor:
    j = lane ^ b;
    valid = j >= 0 && j <= maxLane;
    break;
  default: // ShflIdx
    j = minLane | (b & (width - 1));
    break;
  }
  return valid ? int(j) : lane;
}

} // namespace cuft

#endif
