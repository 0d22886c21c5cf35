//===- ModuleRegistryTest.cpp - one module per (artifact, context) --------===//
//
// The registry is the unit under test; the loader is the counting one of
// CountingLoader.h (a real host or CUDA loader is plugged in elsewhere). Built
// twice: plainly and under ThreadSanitizer.
//
//===----------------------------------------------------------------------===//

#include "CountingLoader.h"
#include "Threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace cuft::test;
using namespace std::chrono_literals;

namespace {

TEST(ModuleRegistryTest, SameModuleOnceAcrossThreads) {
  constexpr unsigned kThreads = 64;
  CountingLoader counting;
  counting.loadDelay = 20ms;
  Registry registry(counting.loader());
  ArtifactPtr artifact = makeArtifact(1);
  Registry::Callbacks cb = countingCallbacks();
  std::vector<Registry::Result> got(kThreads);
  std::atomic<int> seenBeforeSetup{0};
  raceThreads(kThreads, [&](unsigned i) {
    got[i] = registry.get(artifact, 7, cb);
    if (got[i].module && got[i].module->module().record->setups.load() != 1)
      ++seenBeforeSetup;
  });

  EXPECT_EQ(seenBeforeSetup.load(), 0) << "a thread got the module before its setup ran";
  EXPECT_EQ(counting.loads.load(), 1);
  unsigned loadedNow = 0, waited = 0;
  for (const Registry::Result &r : got) {
    ASSERT_NE(r.module, nullptr) << r.error;
    EXPECT_EQ(r.module.get(), got[0].module.get()) << "every thread gets the same handle";
    EXPECT_EQ(r.module->context(), 7u);
    EXPECT_EQ(&r.module->artifact(), artifact.get());
    EXPECT_TRUE(r.module->alive());
    loadedNow += r.loadedNow;
    waited += r.waited;
  }
  EXPECT_EQ(loadedNow, 1u);
  EXPECT_EQ(got[0].module->module().record->setups.load(), 1);
  Registry::Stats s = registry.stats();
  EXPECT_EQ(s.loads, 1u);
  EXPECT_EQ(s.setups, 1u);
  EXPECT_EQ(s.waits, waited);
  EXPECT_EQ(s.hits + s.waits, kThreads - 1);
  EXPECT_GE(s.waits, 1u) << "no thread waited: the race did not happen";
  EXPECT_EQ(s.live, 1u);
}

TEST(ModuleRegistryTest, EachArtifactOncePerContext) {
  constexpr unsigned kThreads = 64, kContexts = 8, kArtifacts = 8, kPairs = kContexts * kArtifacts;
  CountingLoader counting;
  counting.loadDelay = 2ms;
  Registry registry(counting.loader(), 4);
  std::vector<ArtifactPtr> artifacts;
  for (unsigned a = 0; a < kArtifacts; ++a)
    artifacts.push_back(makeArtifact(static_cast<int>(a)));
  Registry::Callbacks cb = countingCallbacks();
  std::vector<std::vector<const Registry::Loaded *>> seen(
      kThreads, std::vector<const Registry::Loaded *>(kPairs));
  raceThreads(kThreads, [&](unsigned t) {
    for (unsigned j = 0; j < kPairs; ++j) {
      unsigned p = (t + j) % kPairs;
      Registry::Result r = registry.get(artifacts[p % kArtifacts], 100 + p / kArtifacts, cb);
      seen[t][p] = r.module.get();
    }
  });

  EXPECT_EQ(counting.loads.load(), static_cast<int>(kPairs));
  Registry::Stats s = registry.stats();
  EXPECT_EQ(s.loads, kPairs);
  EXPECT_EQ(s.setups, kPairs);
  EXPECT_EQ(s.live, kPairs);
  for (unsigned p = 0; p < kPairs; ++p) {
    const Registry::Loaded *first = seen[0][p];
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->context(), 100 + p / kArtifacts);
    EXPECT_EQ(first->artifact().id, static_cast<int>(p % kArtifacts));
    EXPECT_EQ(first->module().record->setups.load(), 1);
    for (unsigned t = 1; t < kThreads; ++t)
      EXPECT_EQ(seen[t][p], first) << "pair " << p << " thread " << t;
  }
}

TEST(ModuleRegistryTest, DistinctModulesNeverWaitForEachOther) {
  constexpr unsigned kArtifacts = 4, kContexts = 4, kPairs = kArtifacts * kContexts;
  CountingLoader counting;
  Gate blockedLoading, release;
  // (artifact 0, context 0) loads first and blocks until the end.
  counting.beforeLoad = [&](const TestArtifact &a, ContextId c) {
    if (a.id == 0 && c == 0) {
      blockedLoading.open();
      release.wait();
    }
  };
  Registry registry(counting.loader(), 2); // pairs share shards
  std::vector<ArtifactPtr> artifacts;
  for (unsigned a = 0; a < kArtifacts; ++a)
    artifacts.push_back(makeArtifact(static_cast<int>(a)));
  std::thread blocked([&] { EXPECT_NE(registry.get(artifacts[0], 0).module, nullptr); });
  blockedLoading.wait();

  Tally loaded;
  std::thread others([&] {
    raceThreads(kPairs - 1, [&](unsigned i) {
      unsigned p = i + 1;
      if (registry.get(artifacts[p % kArtifacts], p / kArtifacts).module)
        loaded.add();
    });
  });
  EXPECT_TRUE(loaded.waitFor(kPairs - 1, kPatience))
      << "only " << loaded.count() << " of " << kPairs - 1
      << " modules loaded while one load blocked";
  release.open();
  blocked.join();
  others.join();
  EXPECT_EQ(counting.loads.load(), static_cast<int>(kPairs));
}

TEST(ModuleRegistryTest, SetupFailureUnloadsWithoutTeardownAndRetries) {
  constexpr unsigned kThreads = 32;
  CountingLoader counting;
  counting.loadDelay = 50ms;
  Registry registry(counting.loader());
  ArtifactPtr artifact = makeArtifact(1);
  // The first module's setup fails, later ones succeed.
  Registry::Callbacks cb = countingCallbacks([](const Record &r) { return r.serial == 1; });
  std::vector<Registry::Result> got(kThreads);
  raceThreads(kThreads, [&](unsigned i) { got[i] = registry.get(artifact, 1, cb); });

  EXPECT_EQ(counting.loadCalls.load(), 1);
  for (const Registry::Result &r : got) {
    EXPECT_EQ(r.module, nullptr);
    EXPECT_EQ(r.error, "setup failed for module 1") << "every waiter gets the error";
    EXPECT_FALSE(r.loadedNow);
  }
  std::vector<std::shared_ptr<Record>> records = counting.allRecords();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]->setups.load(), 1);
  EXPECT_EQ(records[0]->teardowns.load(), 0) << "no teardown after a failed setup";
  EXPECT_EQ(records[0]->unloads.load(), 1) << "the loaded module is unloaded";
  Registry::Stats s = registry.stats();
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.live, 0u);

  Registry::Result retry = registry.get(artifact, 1, cb);
  ASSERT_NE(retry.module, nullptr) << retry.error;
  EXPECT_TRUE(retry.loadedNow);
  EXPECT_EQ(counting.loads.load(), 2);
  std::shared_ptr<Record> record = retry.module->module().record;
  EXPECT_TRUE(registry.unload(artifact.get(), 1));
  EXPECT_EQ(record->teardowns.load(), 1);
  EXPECT_EQ(counting.unloads.load(), 2);
}

TEST(ModuleRegistryTest, LoadFailureReachesWaitersAndRetries) {
  constexpr unsigned kThreads = 16;
  CountingLoader counting;
  counting.loadDelay = 50ms;
  counting.failLoad = [](int serial) { return serial == 1; };
  Registry registry(counting.loader());
  ArtifactPtr artifact = makeArtifact(1);
  Registry::Callbacks cb = countingCallbacks();
  std::vector<Registry::Result> got(kThreads);
  raceThreads(kThreads, [&](unsigned i) { got[i] = registry.get(artifact, 1, cb); });
  EXPECT_EQ(counting.loadCalls.load(), 1);
  for (const Registry::Result &r : got) {
    EXPECT_EQ(r.module, nullptr);
    EXPECT_EQ(r.error, "no such device (load 1)");
  }
  EXPECT_EQ(registry.stats().setups, 0u);
  EXPECT_EQ(counting.unloads.load(), 0);
  Registry::Result retry = registry.get(artifact, 1, cb);
  ASSERT_NE(retry.module, nullptr) << retry.error;
  EXPECT_EQ(registry.stats().failures, 1u);
}

TEST(ModuleRegistryTest, UnloadTearsDownOnceAndBumpsEpoch) {
  CountingLoader counting;
  Registry registry(counting.loader());
  ArtifactPtr a = makeArtifact(1), b = makeArtifact(2);
  Registry::Callbacks cb = countingCallbacks();
  Registry::Handle first = registry.get(a, 1, cb).module;
  Registry::Handle other = registry.get(b, 1, cb).module;
  ASSERT_TRUE(first && other);
  EXPECT_EQ(registry.get(a, 1, cb).module, first);
  std::shared_ptr<Record> record = first->module().record;

  uint64_t epoch = registry.epoch();
  EXPECT_TRUE(registry.unload(a.get(), 1));
  EXPECT_GT(registry.epoch(), epoch);
  EXPECT_FALSE(first->alive());
  EXPECT_TRUE(other->alive());
  EXPECT_EQ(record->teardowns.load(), 1);
  EXPECT_EQ(record->unloads.load(), 1);
  EXPECT_FALSE(registry.unload(a.get(), 1)) << "a second unload finds nothing";
  EXPECT_FALSE(registry.unload(a.get(), 2)) << "never loaded in context 2";
  EXPECT_EQ(record->teardowns.load(), 1);

  // get() after an unload loads afresh.
  Registry::Result again = registry.get(a, 1, cb);
  EXPECT_TRUE(again.loadedNow);
  EXPECT_NE(again.module, first);
  EXPECT_EQ(counting.loads.load(), 3);

  epoch = registry.epoch();
  EXPECT_EQ(registry.teardownContext(1), 2u);
  EXPECT_EQ(registry.epoch(), epoch + 2);
  EXPECT_FALSE(other->alive());
  EXPECT_EQ(registry.teardownContext(1), 0u);
  Registry::Stats s = registry.stats();
  EXPECT_EQ(s.loads, 3u);
  EXPECT_EQ(s.teardowns, 3u);
  EXPECT_EQ(s.unloads, 3u);
  EXPECT_EQ(s.live, 0u);
  EXPECT_EQ(s.hits, 1u);
}

TEST(ModuleRegistryTest, UnloadWaitsForLoadInProgress) {
  CountingLoader counting;
  Gate gate;
  counting.loadGate = &gate;
  Registry registry(counting.loader());
  ArtifactPtr a = makeArtifact(1);
  Registry::Callbacks cb = countingCallbacks();
  Registry::Result loaded;
  std::thread getter([&] { loaded = registry.get(a, 1, cb); });
  while (counting.loadCalls.load() == 0)
    std::this_thread::yield();
  std::atomic<bool> unloadReturned{false};
  bool unloaded = false;
  std::thread unloader([&] {
    unloaded = registry.unload(a.get(), 1);
    unloadReturned = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(unloadReturned.load()) << "unload must wait for the load in progress";
  gate.open();
  getter.join();
  unloader.join();
  EXPECT_TRUE(unloaded);
  ASSERT_NE(loaded.module, nullptr);
  EXPECT_FALSE(loaded.module->alive());
  // What happened to the module is in its Record.
  ASSERT_EQ(counting.allRecords().size(), 1u);
  EXPECT_EQ(counting.allRecords()[0]->setups.load(), 1);
  EXPECT_EQ(counting.allRecords()[0]->teardowns.load(), 1);
  EXPECT_EQ(counting.unloads.load(), 1);
}

TEST(ModuleRegistryTest, TeardownContextWaitsForConcurrentUnload) {
  CountingLoader counting;
  Registry registry(counting.loader());
  ArtifactPtr a = makeArtifact(1);
  Gate inTeardown, finishTeardown;
  Registry::Callbacks cb;
  cb.teardown = [&](TestModule &, ContextId) {
    inTeardown.open();
    finishTeardown.wait();
  };
  ASSERT_NE(registry.get(a, 1, cb).module, nullptr);
  std::thread unloader([&] { EXPECT_TRUE(registry.unload(a.get(), 1)); });
  inTeardown.wait();
  std::atomic<bool> returned{false};
  size_t count = 99;
  std::thread destroyer([&] {
    count = registry.teardownContext(1);
    returned = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(returned.load()) << "teardownContext returned while a teardown of its context ran";
  finishTeardown.open();
  unloader.join();
  destroyer.join();
  EXPECT_EQ(count, 0u) << "the unload did it, not teardownContext";
  EXPECT_EQ(counting.unloads.load(), 1);
}

TEST(ModuleRegistryTest, ShutdownIsIdempotentAndFinal) {
  CountingLoader counting;
  Registry registry(counting.loader());
  ArtifactPtr a = makeArtifact(1);
  for (ContextId c = 0; c < 5; ++c)
    ASSERT_NE(registry.get(a, c).module, nullptr);
  EXPECT_EQ(registry.shutdown(), 5u);
  EXPECT_EQ(registry.shutdown(), 0u);
  Registry::Result late = registry.get(a, 1);
  EXPECT_EQ(late.module, nullptr);
  EXPECT_FALSE(late.error.empty());
  EXPECT_EQ(counting.loads.load(), 5);
  EXPECT_EQ(counting.unloads.load(), 5);
}

#if __cpp_exceptions
TEST(ModuleRegistryTest, ExceptionFromSetupFailsTheAttemptAndUnloads) {
  constexpr unsigned kWaiters = 8;
  CountingLoader counting;
  Registry registry(counting.loader());
  ArtifactPtr a = makeArtifact(1);
  Gate ownerInSetup;
  Tally waitersCalling;
  Registry::Callbacks throwing;
  throwing.setup = [&](TestModule &, ContextId) -> std::string {
    ownerInSetup.open();
    waitersCalling.waitFor(kWaiters, kPatience);
    std::this_thread::sleep_for(100ms); // the waiters reach the future
    throw std::runtime_error("setup raised");
  };
  bool ownerCaught = false;
  std::thread owner([&] {
    try {
      registry.get(a, 1, throwing);
    } catch (const std::runtime_error &) {
      ownerCaught = true;
    }
  });
  ownerInSetup.wait();
  std::vector<Registry::Result> got(kWaiters);
  raceThreads(kWaiters, [&](unsigned i) {
    waitersCalling.add();
    got[i] = registry.get(a, 1);
  });
  owner.join();
  EXPECT_TRUE(ownerCaught);
  for (const Registry::Result &r : got) {
    EXPECT_TRUE(r.waited);
    EXPECT_EQ(r.module, nullptr);
    EXPECT_FALSE(r.error.empty());
  }
  EXPECT_EQ(counting.loads.load(), 1);
  EXPECT_EQ(counting.unloads.load(), 1) << "the module loaded before the exception is unloaded";
  Registry::Result retry = registry.get(a, 1);
  ASSERT_NE(retry.module, nullptr) << retry.error;
  EXPECT_TRUE(retry.loadedNow);
}
#endif

} // namespace
