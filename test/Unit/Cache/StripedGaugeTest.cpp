//===- StripedGaugeTest.cpp - launches in flight against an unload --------===//
//
// cuda::Module counts its launches in cuLaunchKernel with a StripedGauge; an
// unload closes the module, waits until the gauge is idle, then frees what
// the launches used. These tests play both sides: a thread that entered and
// did not see the close must be waited for, so the plain `resource` the
// closer writes afterwards is never read at the same time (ThreadSanitizer
// reports it if the gauge's ordering is wrong; the plain suite sees a 0).
//
//===----------------------------------------------------------------------===//

#include "cuft/Cache/Counter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using cuft::cache::StripedGauge;

TEST(StripedGaugeTest, IdleWaitsForEveryEntrantThatMissedTheClose) {
  for (int round = 0; round < 40; ++round) {
    StripedGauge gauge;
    std::atomic<bool> closed{false};
    int resource = 1; // plain memory: the closer frees it once the gauge is idle
    std::atomic<int> used{0}, refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 500; ++i) {
          unsigned stripe = gauge.enter();
          if (!closed.load()) {
            EXPECT_EQ(resource, 1);
            used.fetch_add(1, std::memory_order_relaxed);
          } else {
            refused.fetch_add(1, std::memory_order_relaxed);
          }
          gauge.leave(stripe);
        }
      });
    std::this_thread::yield();
    closed.store(true);
    while (!gauge.idle())
      std::this_thread::yield();
    resource = 0;
    for (std::thread &t : threads)
      t.join();
    EXPECT_TRUE(gauge.idle());
    EXPECT_EQ(used.load() + refused.load(), 8 * 500);
  }
}

TEST(StripedGaugeTest, CountsAcrossStripes) {
  StripedGauge gauge;
  EXPECT_TRUE(gauge.idle());
  unsigned mine = gauge.enter();
  unsigned other = 0;
  std::thread([&] { other = gauge.enter(); }).join(); // another thread, maybe another stripe
  EXPECT_FALSE(gauge.idle());
  gauge.leave(mine);
  EXPECT_FALSE(gauge.idle());
  gauge.leave(other); // left from here: the stripe it entered, not this thread's
  EXPECT_TRUE(gauge.idle());
}
