//===- Counter.h - statistics counters that do not bounce ------*- C++ -*-===//
//
// Counters bumped from many threads at once. Each counter sits on its own cache
// line so two counters never share one; a StripedCounter also spreads one hot
// counter (cache hits) over several lines, one per group of threads, and sums
// them on read. Counts are statistics: relaxed atomics, exact once the writers
// are done, never used to order anything.
//
// Standard C++17 only: included by the core and by the Python binding.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CACHE_COUNTER_H
#define CUFT_CACHE_COUNTER_H

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace cuft::cache {

/// The line size of the machines cuft runs on (x86-64, aarch64 servers). Not
/// std::hardware_destructive_interference_size: GCC warns that it may change.
constexpr size_t kCacheLine = 64;

/// One counter alone on its cache line.
class alignas(kCacheLine) PaddedCounter {
public:
  void add(uint64_t n = 1) { value.fetch_add(n, std::memory_order_relaxed); }
  uint64_t read() const { return value.load(std::memory_order_relaxed); }

private:
  std::atomic<uint64_t> value{0};
};

/// A counter for the hot path: a thread adds to its own stripe, so threads
/// counting at once rarely write the same line. Reading sums the stripes.
class StripedCounter {
public:
  static constexpr unsigned kStripes = 16;

  void add(uint64_t n = 1) { stripes[slot()].add(n); }

  uint64_t read() const {
    uint64_t sum = 0;
    for (const PaddedCounter &stripe : stripes)
      sum += stripe.read();
    return sum;
  }

private:
  /// Threads take stripes round-robin in the order they first count, so up to
  /// kStripes threads never share one. The slot is per thread, not per
  /// counter: every StripedCounter maps a thread to the same stripe.
  static unsigned slot() {
    static std::atomic<unsigned> next{0};
    thread_local unsigned mine = next.fetch_add(1, std::memory_order_relaxed) % kStripes;
    return mine;
  }

  PaddedCounter stripes[kStripes];
};

} // namespace cuft::cache

#endif // CUFT_CACHE_COUNTER_H
