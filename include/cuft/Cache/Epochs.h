//===- Epochs.h - free what lock-free readers may still be reading -*- C++ -*-===//
//
// The warm launch path reads tables and states that writers replace while it
// runs, and it takes no reference to them (on the free-threaded build every
// reference taken to a shared object is a write to a line all launching
// threads share). What a writer replaces must then stay valid until every
// reader that may have seen it is done. An EpochDomain tells the writer when
// that is, without the readers taking a lock or writing a shared line:
//
//  - A reader brackets its reads with a Guard. Entering counts it in one of
//    two StripedGauges, the one of the current epoch's parity (its thread's
//    stripe: threads entering at once rarely write one line).
//  - A writer unpublishes an object (swaps the pointer readers load), then
//    takes stamp(). The object may be freed once passed(stamp) is true:
//    every reader that could have loaded the pointer before the swap has left.
//  - The epoch advances from E to E+1 only when the gauge that epoch E+1's
//    readers will use holds nobody (its readers, of epoch E-1, have all left).
//    So when the epoch reaches S+2, no reader of epoch S or before remains,
//    and a reader of a later epoch loaded the pointer after the swap.
//
// Readers never wait and never allocate. Writers never wait either: passed()
// advances the epoch when it can and otherwise answers false, and the writer
// keeps the object on its list to try again later. A reader that stays long
// (a host kernel running for seconds) only delays the freeing.
//
// Every access is sequentially consistent, and the pointer a reader loads
// under a guard must be loaded seq_cst as well: the argument above orders the
// reader's gauge entry and pointer load against the writer's swap and gauge
// scan in the single total order of seq_cst operations.
//
// Standard C++17 only: included by the core and by the Python binding.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CACHE_EPOCHS_H
#define CUFT_CACHE_EPOCHS_H

#include "cuft/Cache/Counter.h"

#include <atomic>
#include <cstdint>
#include <mutex>

namespace cuft::cache {

class EpochDomain {
public:
  /// A reader's section: what it loads under the guard stays valid until the
  /// guard is gone. Guards nest (each counts once).
  class Guard {
  public:
    Guard(const Guard &) = delete;
    Guard &operator=(const Guard &) = delete;
    Guard(Guard &&other) noexcept : domain(other.domain), side(other.side), stripe(other.stripe) {
      other.domain = nullptr;
    }
    ~Guard() {
      if (domain)
        domain->gauges[side].leave(stripe);
    }

  private:
    friend class EpochDomain;
    Guard(EpochDomain *d, unsigned sideIndex, unsigned stripeIndex)
        : domain(d), side(sideIndex), stripe(stripeIndex) {}
    EpochDomain *domain;
    unsigned side, stripe;
  };

  /// Enters a reader's section. The epoch is read again after entering: a
  /// reader counted in the gauge of an epoch that has already moved on would
  /// not be waited for, so it leaves and enters the current one (rare: only
  /// when a writer advanced the epoch in between).
  Guard enter() {
    for (;;) {
      uint64_t e = epoch.load();
      unsigned side = unsigned(e & 1);
      unsigned stripe = gauges[side].enter();
      if (epoch.load() == e)
        return Guard(this, side, stripe);
      gauges[side].leave(stripe);
    }
  }

  /// The stamp of objects unpublished before this call.
  uint64_t stamp() const { return epoch.load(); }

  /// Whether no reader that may have loaded an object stamped `s` remains
  /// (advancing the epoch when no reader holds it back). Never waits.
  bool passed(uint64_t s) {
    if (epoch.load() >= s + 2)
      return true;
    advance();
    return epoch.load() >= s + 2;
  }

  /// Advances the epoch by up to two steps, each when the gauge that the next
  /// epoch's readers will use is idle. Writers only; never waits for readers.
  void advance() {
    std::unique_lock<std::mutex> lock(advancing, std::try_to_lock);
    if (!lock.owns_lock())
      return; // another writer is advancing it now
    for (int step = 0; step < 2; ++step) {
      uint64_t e = epoch.load();
      // The readers of epoch e-1 use the gauge of e+1: all must have left.
      if (!gauges[(e + 1) & 1].idle())
        return;
      epoch.store(e + 1);
      advances.add();
    }
  }

  uint64_t epochNow() const { return epoch.load(); }
  uint64_t advanceCount() const { return advances.read(); }

private:
  alignas(kCacheLine) std::atomic<uint64_t> epoch{0}; // written under `advancing`
  StripedGauge gauges[2];                             // readers of even, odd epochs
  std::mutex advancing;
  PaddedCounter advances;
};

/// The domain of the launch path (launch tables, kernels' warm states): one
/// per process, never destroyed. Defined in libcuft.so, not inline: an inline
/// function's static would be one per shared object (the Python extension is
/// built with hidden visibility), and a writer in libcuft.so would then never
/// see the readers the extension counts in, and free what they still read.
EpochDomain &launchEpochs();

} // namespace cuft::cache

#endif // CUFT_CACHE_EPOCHS_H
