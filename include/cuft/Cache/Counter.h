//===- Counter.h - statistics counters that do not bounce ------*- C++ -*-===//
//
// Counters bumped from many threads at once. Each counter sits on its own cache
// line so two counters never share one; a StripedCounter also spreads one hot
// counter (cache hits) over several lines, one per group of threads, and sums
// them on read. Counts are statistics: relaxed atomics, exact once the writers
// are done, never used to order anything. A StripedGauge (operations in
// progress) is striped the same way but sequentially consistent: it orders.
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

/// Stripes per striped counter or gauge.
constexpr unsigned kStripes = 16;

/// This thread's stripe. Threads take stripes round-robin in the order they
/// first ask, so up to kStripes threads never share one. The stripe is per
/// thread, not per counter: every striped counter maps a thread to the same one.
inline unsigned stripeOfThisThread() {
  static std::atomic<unsigned> next{0};
  thread_local unsigned mine = next.fetch_add(1, std::memory_order_relaxed) % kStripes;
  return mine;
}

/// A counter for the hot path: a thread adds to its own stripe, so threads
/// counting at once rarely write the same line. Reading sums the stripes.
class StripedCounter {
public:
  void add(uint64_t n = 1) { stripes[stripeOfThisThread()].add(n); }

  uint64_t read() const {
    uint64_t sum = 0;
    for (const PaddedCounter &stripe : stripes)
      sum += stripe.read();
    return sum;
  }

private:
  PaddedCounter stripes[kStripes];
};

/// Operations in progress from many threads at once (a module's launches in
/// cuLaunchKernel), striped like StripedCounter so that threads entering and
/// leaving do not write one line. Unlike the counters above it orders things:
/// every access is sequentially consistent, and a thread leaves the stripe it
/// entered, so each stripe is never negative and idle() is true only if every
/// operation that entered before idle() read its stripe has left.
class StripedGauge {
public:
  /// Counts this thread in; pass the result to leave().
  unsigned enter() {
    unsigned s = stripeOfThisThread();
    stripes[s].value.fetch_add(1);
    return s;
  }
  void leave(unsigned stripe) { stripes[stripe].value.fetch_sub(1); }
  bool idle() const {
    for (const Stripe &s : stripes)
      if (s.value.load() != 0)
        return false;
    return true;
  }

private:
  struct alignas(kCacheLine) Stripe {
    std::atomic<int64_t> value{0};
  };
  Stripe stripes[kStripes];
};

} // namespace cuft::cache

#endif // CUFT_CACHE_COUNTER_H
