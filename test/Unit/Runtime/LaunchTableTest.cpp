//===- LaunchTableTest.cpp - a kernel's table under racing readers --------===//
//
// Readers look a row up under a launchEpochs() guard and read the kernel it
// holds while writers replace that row again and again. A kernel is poisoned
// just before it is freed: a reader that ever sees the poison read a kernel
// freed under its guard. Replaced tables must still be freed as the run goes
// (a few kept, not one per insert), and every kernel exactly once.
//
//===----------------------------------------------------------------------===//

#include "cuft/Cache/Epochs.h"
#include "cuft/Runtime/LaunchTable.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

constexpr uintptr_t kLive = 0x5eed, kFreed = 0xdead;

struct Counts {
  std::atomic<uint64_t> made{0}, freed{0};
};

std::shared_ptr<const cuft::LoadedKernel> makeKernel(Counts &counts) {
  auto *k = new cuft::LoadedKernel();
  k->place = {cuft::Place::Cuda, kLive};
  counts.made.fetch_add(1);
  return std::shared_ptr<const cuft::LoadedKernel>(k, [&counts](const cuft::LoadedKernel *p) {
    const_cast<cuft::LoadedKernel *>(p)->place.context = kFreed; // poison, then free
    counts.freed.fetch_add(1);
    delete p;
  });
}

TEST(LaunchTableTest, ReadersNeverSeeAFreedKernelAndReplacedTablesAreFreed) {
  Counts counts;
  {
    cuft::LaunchTable table;
    const cuft::Place host{cuft::Place::Host, 0};
    const cuft::LaunchTable::Block any = cuft::LaunchTable::kAnyBlock;
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> reads{0}, poisoned{0};
    std::vector<std::thread> threads;
    for (int r = 0; r < 4; ++r)
      threads.emplace_back([&] {
        while (!stop.load()) {
          auto guard = cuft::cache::launchEpochs().enter();
          if (const cuft::LoadedKernel *k = table.find(host, any, "f32,array<f32,1,C>")) {
            // What a launch does with the kernel: read it, for a while.
            for (int i = 0; i < 8; ++i)
              if (__atomic_load_n(&k->place.context, __ATOMIC_RELAXED) != kLive)
                poisoned.fetch_add(1);
            reads.fetch_add(1);
          }
        }
      });
    for (int w = 0; w < 2; ++w)
      threads.emplace_back([&] {
        for (int i = 0; i < 2000; ++i) {
          ASSERT_TRUE(table.insert(host, any, "f32,array<f32,1,C>", makeKernel(counts)));
          // The replacements race readers only once one has read: on a loaded
          // machine the readers may not run at all during 2000 inserts.
          while (i == 0 && reads.load() == 0)
            std::this_thread::yield();
          if (i % 7 == 0) // another signature, and another place, come and go
            table.insert({cuft::Place::HostChecked, 0}, any, "i64", makeKernel(counts));
        }
      });
    for (size_t t = 4; t < threads.size(); ++t)
      threads[t].join();
    stop = true;
    for (int t = 0; t < 4; ++t)
      threads[size_t(t)].join();
    EXPECT_EQ(poisoned.load(), 0u);
    EXPECT_GT(reads.load(), 0u);
    EXPECT_EQ(table.size(), 2u);
    // No reader is left: every replaced table can go now.
    EXPECT_EQ(table.retiredCount(), 0u);
    EXPECT_EQ(counts.made.load() - counts.freed.load(), 2u); // the two rows left
  }
  EXPECT_EQ(counts.made.load(), counts.freed.load()); // and those with the table
}

} // namespace
