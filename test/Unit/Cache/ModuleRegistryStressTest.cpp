//===- ModuleRegistryStressTest.cpp - gets, unloads, contexts racing ------===//
//
// Long races whose end state must still add up exactly: every load unloaded
// once, every successful setup torn down once, no teardown after its context
// is destroyed, nothing kept alive after shutdown. Most valuable under
// ThreadSanitizer, which also checks the registry's locking on the way.
//
//===----------------------------------------------------------------------===//

#include "CountingLoader.h"
#include "Threads.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <utility>
#include <vector>

using namespace cuft::test;

namespace {

TEST(ModuleRegistryStressTest, UnloadTeardownContextAndShutdownTearDownOnce) {
  constexpr unsigned kRounds = 20, kArtifacts = 8, kContexts = 8, kModules = kArtifacts * kContexts;
  constexpr unsigned kUnloaders = 8, kDestroyers = 3, kThreads = kUnloaders + kDestroyers + 1;
  for (unsigned round = 0; round < kRounds; ++round) {
    CountingLoader counting;
    Registry registry(counting.loader(), 4);
    std::vector<ArtifactPtr> artifacts;
    for (unsigned a = 0; a < kArtifacts; ++a)
      artifacts.push_back(makeArtifact(static_cast<int>(a)));
    Registry::Callbacks cb = countingCallbacks();
    for (unsigned m = 0; m < kModules; ++m)
      ASSERT_NE(registry.get(artifacts[m % kArtifacts], m / kArtifacts, cb).module, nullptr);

    std::atomic<size_t> byUnload{0}, byContext{0}, byShutdown{0};
    raceThreads(kThreads, [&](unsigned t) {
      std::mt19937 rng(round * 100 + t);
      if (t < kUnloaders) {
        std::vector<unsigned> order(kModules);
        for (unsigned m = 0; m < kModules; ++m)
          order[m] = m;
        std::shuffle(order.begin(), order.end(), rng);
        for (unsigned m : order)
          byUnload += registry.unload(artifacts[m % kArtifacts].get(), m / kArtifacts);
      } else if (t < kUnloaders + kDestroyers) {
        std::vector<ContextId> order(kContexts);
        for (unsigned c = 0; c < kContexts; ++c)
          order[c] = c;
        std::shuffle(order.begin(), order.end(), rng);
        for (ContextId c : order)
          byContext += registry.teardownContext(c);
      } else {
        byShutdown += registry.shutdown();
      }
    });

    EXPECT_EQ(byUnload + byContext + byShutdown, kModules) << "round " << round;
    for (const std::shared_ptr<Record> &r : counting.allRecords()) {
      EXPECT_EQ(r->teardowns.load(), 1) << "module " << r->serial << " round " << round;
      EXPECT_EQ(r->unloads.load(), 1) << "module " << r->serial << " round " << round;
    }
    EXPECT_EQ(counting.unloads.load(), static_cast<int>(kModules));
    Registry::Stats s = registry.stats();
    EXPECT_EQ(s.teardowns, kModules);
    EXPECT_EQ(s.unloads, kModules);
    EXPECT_EQ(s.live, 0u);
    EXPECT_EQ(registry.shutdown(), 0u);
    if (HasFailure())
      return;
  }
}

TEST(ModuleRegistryStressTest, GetUnloadAndContextDestroyRace) {
  constexpr unsigned kThreads = 16, kIterations = 2000, kArtifacts = 4, kSlots = 4;
  constexpr ContextId kMaxContexts = 1 << 14;

  // A context's "driver state": destroyed once its owner tore it down. Using
  // a destroyed context (load, setup, teardown, unload) is the bug we look for.
  std::unique_ptr<std::atomic<bool>[]> destroyed(new std::atomic<bool>[kMaxContexts]());
  auto checkContext = [&](ContextId c) {
    EXPECT_FALSE(destroyed[c].load()) << "context " << c << " used after it was destroyed";
  };
  // The threads of a context use it under a shared lock; destroying it takes
  // the lock exclusively, calls teardownContext, then marks it destroyed and
  // replaces it with a fresh context.
  struct Slot {
    std::shared_mutex mutex;
    ContextId id;
  };
  Slot slots[kSlots];
  for (unsigned s = 0; s < kSlots; ++s)
    slots[s].id = s;
  std::atomic<ContextId> nextId{kSlots};

  CountingLoader counting;
  counting.onContextUse = checkContext;
  counting.failLoad = [](int serial) { return serial % 11 == 0; };
  auto registry = std::make_unique<Registry>(counting.loader(), 8);
  Registry::Callbacks cb =
      countingCallbacks([](const Record &r) { return r.serial % 7 == 0; }, checkContext);

  std::vector<ArtifactPtr> artifacts;
  std::vector<std::weak_ptr<const TestArtifact>> artifactsWeak;
  for (unsigned a = 0; a < kArtifacts; ++a) {
    artifacts.push_back(makeArtifact(static_cast<int>(a)));
    artifactsWeak.push_back(artifacts.back());
  }
  std::mutex handlesMutex;
  std::vector<std::weak_ptr<const Registry::Loaded>> handlesWeak;

  std::atomic<uint64_t> unloadedByUnload{0}, unloadedByDestroy{0}, destroys{0}, loadedNow{0};
  raceThreads(kThreads, [&](unsigned t) {
    std::mt19937 rng(1234 + t);
    // Like a dispatcher's table: handles kept across iterations (never used
    // to launch here: after a racing unload that would be the caller's bug).
    std::vector<Registry::Handle> kept(8);
    for (unsigned i = 0; i < kIterations; ++i) {
      unsigned roll = rng() % 100;
      Slot &slot = slots[rng() % kSlots];
      const ArtifactPtr &artifact = artifacts[rng() % kArtifacts];
      if (roll < 2) {
        std::unique_lock<std::shared_mutex> lock(slot.mutex);
        if (nextId.load() + 1 >= kMaxContexts)
          continue;
        unloadedByDestroy += registry->teardownContext(slot.id);
        destroyed[slot.id] = true;
        slot.id = nextId++;
        ++destroys;
        continue;
      }
      std::shared_lock<std::shared_mutex> lock(slot.mutex);
      ContextId context = slot.id;
      if (roll < 30) {
        unloadedByUnload += registry->unload(artifact.get(), context);
        continue;
      }
      Registry::Result r = registry->get(artifact, context, cb);
      if (!r.module) {
        EXPECT_FALSE(r.error.empty());
        continue;
      }
      EXPECT_EQ(r.module->context(), context);
      EXPECT_EQ(&r.module->artifact(), artifact.get());
      if (r.loadedNow) {
        ++loadedNow;
        std::lock_guard<std::mutex> guard(handlesMutex);
        handlesWeak.push_back(r.module);
      }
      kept[rng() % kept.size()] = std::move(r.module);
    }
  });

  size_t unloadedByShutdown = registry->shutdown();

  // Every load was unloaded exactly once; every successful setup torn down
  // exactly once; a failed setup never torn down.
  std::vector<std::shared_ptr<Record>> records = counting.allRecords();
  uint64_t setupFailures = 0;
  for (const std::shared_ptr<Record> &r : records) {
    EXPECT_EQ(r->unloads.load(), 1) << "module " << r->serial;
    EXPECT_EQ(r->setups.load(), 1) << "module " << r->serial;
    EXPECT_EQ(r->teardowns.load(), 1 - r->setupFailures.load()) << "module " << r->serial;
    setupFailures += r->setupFailures.load();
  }
  uint64_t loads = counting.loads.load(), loadFailures = counting.loadCalls.load() - loads;
  EXPECT_EQ(counting.unloads.load(), counting.loads.load());
  EXPECT_EQ(records.size(), loads);
  EXPECT_EQ(unloadedByUnload + unloadedByDestroy + unloadedByShutdown + setupFailures, loads)
      << "each unload is owned by exactly one call";
  EXPECT_EQ(loadedNow.load(), loads - setupFailures);

  Registry::Stats s = registry->stats();
  EXPECT_EQ(s.loads, loads);
  EXPECT_EQ(s.unloads, loads);
  EXPECT_EQ(s.setups, loads);
  EXPECT_EQ(s.teardowns, loads - setupFailures);
  EXPECT_EQ(s.failures, loadFailures + setupFailures);
  EXPECT_EQ(s.live, 0u);

  // The race covered what it should.
  EXPECT_GT(destroys.load(), 0u);
  EXPECT_GT(setupFailures, 0u);
  EXPECT_GT(loadFailures, 0u);
  EXPECT_GT(unloadedByUnload.load(), 0u);

  // Nothing kept alive: with the registry still existing, dropping the test's
  // own references frees every artifact, handle and module.
  artifacts.clear();
  for (const auto &w : artifactsWeak)
    EXPECT_TRUE(w.expired()) << "the registry still holds an artifact";
  for (const auto &w : handlesWeak)
    EXPECT_TRUE(w.expired()) << "the registry still holds a handle";
  EXPECT_TRUE(counting.allModulesDestroyed());
  RecordProperty("loads", std::to_string(loads));
  RecordProperty("destroys", std::to_string(destroys.load()));
}

} // namespace
