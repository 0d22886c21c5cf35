//===- EpochDomainTest.cpp - freeing what readers may still read ----------===//
//
// The Dispatcher's tables and a kernel's warm states are replaced while other
// threads read them without a reference; an EpochDomain says when a replaced
// one may be freed. Readers here load a shared pointer under a guard and read
// the plain memory it points to; a writer swaps in new objects and frees the
// old ones as soon as passed() allows, poisoning them first. A reader that
// sees the poison (the plain suite) or reads memory the writer frees at the
// same time (ThreadSanitizer) fails the test.
//
//===----------------------------------------------------------------------===//

#include "cuft/Cache/Epochs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <thread>
#include <utility>
#include <vector>

using cuft::cache::EpochDomain;

namespace {

struct Object {
  int64_t alive = 1; // plain memory: 0 once the writer is about to free it
  int64_t value = 0;
};

/// The writer's side: swaps `shared`, keeps what it replaced until passed().
class Writer {
public:
  Writer(EpochDomain &d, std::atomic<Object *> &s) : domain(d), shared(s) {}
  ~Writer() { drain(); }

  void replace(int64_t value) {
    auto *next = new Object{1, value};
    Object *old = shared.exchange(next);
    if (old)
      retired.emplace_back(domain.stamp(), old);
    collect();
  }

  size_t collect() {
    size_t freed = 0;
    while (!retired.empty() && domain.passed(retired.front().first)) {
      retired.front().second->alive = 0;
      delete retired.front().second;
      retired.pop_front();
      ++freed;
    }
    return freed;
  }

  void drain() {
    while (!retired.empty()) {
      collect();
      std::this_thread::yield();
    }
  }

  size_t pending() const { return retired.size(); }

private:
  EpochDomain &domain;
  std::atomic<Object *> &shared;
  std::deque<std::pair<uint64_t, Object *>> retired; // stamps never decrease
};

} // namespace

TEST(EpochDomainTest, ReadersNeverSeeAFreedObject) {
  EpochDomain domain;
  std::atomic<Object *> shared{new Object{1, 0}};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 6; ++t)
    readers.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        auto guard = domain.enter();
        Object *o = shared.load();
        EXPECT_EQ(o->alive, 1);
        int64_t v = o->value;
        std::this_thread::yield(); // hold it a while: the writer runs meanwhile
        EXPECT_EQ(o->alive, 1);
        EXPECT_EQ(o->value, v);
        reads.fetch_add(1, std::memory_order_relaxed);
      }
    });
  {
    // At least 3,000 replacements, and on until the readers have read 3,000
    // times: on few cores they may start late.
    Writer writer(domain, shared);
    for (int64_t i = 1; i <= 3000 || reads.load(std::memory_order_relaxed) < 3000; ++i) {
      writer.replace(i);
      if (i % 8 == 0)
        std::this_thread::yield();
    }
    stop.store(true);
    for (std::thread &t : readers)
      t.join();
  }
  delete shared.load();
  EXPECT_GT(reads.load(), 0);
}

TEST(EpochDomainTest, BusyReadersDoNotStopTheFreeing) {
  // Readers enter and leave all the time, so at any moment some are inside:
  // the two gauges still let the epoch move on, and the writer's backlog
  // stays small instead of growing with every replacement.
  EpochDomain domain;
  std::atomic<Object *> shared{new Object{1, 0}};
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        auto guard = domain.enter();
        EXPECT_EQ(shared.load()->alive, 1);
      }
    });
  size_t worst = 0;
  {
    Writer writer(domain, shared);
    for (int64_t i = 1; i <= 2000; ++i) {
      writer.replace(i);
      worst = std::max(worst, writer.pending());
      if (i % 16 == 0)
        std::this_thread::yield();
    }
    // Eventually everything goes, though readers never stop.
    writer.drain();
    EXPECT_EQ(writer.pending(), 0u);
    stop.store(true);
    for (std::thread &t : readers)
      t.join();
  }
  delete shared.load();
  EXPECT_LT(worst, 2000u);
}

TEST(EpochDomainTest, ALongReaderDelaysTheFreeingUntilItLeaves) {
  EpochDomain domain;
  std::atomic<Object *> shared{new Object{1, 7}};
  Writer writer(domain, shared);
  std::atomic<bool> inside{false}, release{false};
  std::thread reader([&] {
    auto guard = domain.enter();
    Object *o = shared.load();
    inside.store(true);
    while (!release.load())
      std::this_thread::yield();
    EXPECT_EQ(o->alive, 1);
    EXPECT_EQ(o->value, 7);
  });
  while (!inside.load())
    std::this_thread::yield();
  for (int64_t i = 1; i <= 10; ++i)
    writer.replace(i);
  // The object the reader holds, and every one after it, waits for it.
  EXPECT_EQ(writer.pending(), 10u);
  release.store(true);
  reader.join();
  writer.replace(11);
  EXPECT_EQ(writer.pending(), 0u); // no reader left: freed at once
  delete shared.exchange(nullptr);
}

TEST(EpochDomainTest, GuardsNestAndMove) {
  EpochDomain domain;
  uint64_t s = domain.stamp();
  {
    auto outer = domain.enter();
    {
      auto inner = domain.enter();
      EpochDomain::Guard moved = std::move(inner);
    }
    EXPECT_FALSE(domain.passed(s)); // the outer reader is still inside
  }
  EXPECT_TRUE(domain.passed(s));
  EXPECT_GE(domain.epochNow(), s + 2);
}
