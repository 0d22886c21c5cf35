//===- CacheBoundTest.cpp - the compile cache's bound, the registry's leases ===//
//
// The compile cache keeps at most limit() entries that only it holds, evicting
// the least recently used; a held entry is never evicted, a key evicted is
// compiled again, and a trim racing hits, compiles and holders letting go
// never frees a value someone holds. A registry with leases unloads a module
// when its last lease goes, exactly once, unless a get() took a new lease or
// an unload got there first. Built twice: plainly and under ThreadSanitizer.
//
//===----------------------------------------------------------------------===//

#include "cuft/Cache/CompileCache.h"

#include "CountingLoader.h"
#include "Threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace cuft::cache;
using cuft::test::raceThreads;

namespace {

struct Artifact {
  int serial = 0;
  bool success = true;
  bool ok() const { return success; }
};
using Cache = CompileCache<Artifact>;

Key keyOf(uint64_t n) { return Key().add("kernel").add(n); }

/// Looks `n` up, compiling an artifact numbered by `compiles`.
Cache::Lookup get(Cache &cache, uint64_t n, std::atomic<int> &compiles, bool success = true) {
  return cache.getOrCompile(keyOf(n), [&] {
    auto a = std::make_shared<Artifact>();
    a->serial = ++compiles;
    a->success = success;
    return a;
  });
}

} // namespace

TEST(CacheBoundTest, UnlimitedByDefault) {
  Cache cache;
  std::atomic<int> compiles{0};
  for (uint64_t n = 0; n < 100; ++n)
    get(cache, n, compiles);
  EXPECT_EQ(cache.limit(), Cache::kUnlimited);
  EXPECT_EQ(cache.trim(), 0u);
  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.entries, 100u);
  EXPECT_EQ(s.unused, 100u);
  EXPECT_EQ(s.evictions, 0u);
}

TEST(CacheBoundTest, KeepsTheMostRecentlyUsedUnusedEntries) {
  Cache cache;
  std::atomic<int> compiles{0};
  EXPECT_EQ(cache.setLimit(3), Cache::kUnlimited);
  for (uint64_t n = 0; n < 3; ++n)
    get(cache, n, compiles);
  get(cache, 0, compiles); // a hit: 0 is now the most recently used
  // 3 is in use while its compile hands it out, so the trim after that
  // compile leaves it; the next trim finds 4 unused and evicts 1, the least
  // recently used.
  get(cache, 3, compiles);
  EXPECT_EQ(cache.stats().evictions, 0u);
  EXPECT_EQ(cache.trim(), 1u);
  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.entries, 3u);
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_NE(cache.find(keyOf(0)), nullptr);
  EXPECT_NE(cache.find(keyOf(3)), nullptr);
  EXPECT_EQ(compiles.load(), 4);
  // An evicted key compiles again: never poisoned, never stale.
  int before = compiles.load();
  Cache::Lookup again;
  for (uint64_t n = 1; n <= 2; ++n)
    if (!cache.find(keyOf(n))) {
      again = get(cache, n, compiles);
      EXPECT_EQ(again.outcome, Cache::Outcome::Compiled);
    }
  EXPECT_GT(compiles.load(), before);
  EXPECT_LE(cache.stats().unused, 3u);
}

TEST(CacheBoundTest, EntriesSomeoneHoldsAreNeverEvictedNorCounted) {
  Cache cache;
  std::atomic<int> compiles{0};
  cache.setLimit(0);
  std::vector<Cache::Value> held;
  for (uint64_t n = 0; n < 10; ++n)
    held.push_back(get(cache, n, compiles).value);
  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.entries, 10u);
  EXPECT_EQ(s.unused, 0u);
  EXPECT_EQ(s.evictions, 0u);
  held.resize(4); // the holders of 4..9 let go
  EXPECT_EQ(cache.trim(), 6u);
  EXPECT_EQ(cache.stats().entries, 4u);
  for (uint64_t n = 0; n < 4; ++n) { // still there, the same values
    Cache::Lookup hit = get(cache, n, compiles);
    EXPECT_EQ(hit.outcome, Cache::Outcome::Hit);
    EXPECT_EQ(hit.value, held[n]);
  }
  held.clear();
  cache.setLimit(Cache::kUnlimited);
  EXPECT_EQ(cache.stats().entries, 4u); // raising the limit evicts nothing
  cache.setLimit(0);
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().evictions, 10u);
}

TEST(CacheBoundTest, AFailedCompileIsNeitherKeptNorPoisonsTheKey) {
  Cache cache;
  std::atomic<int> compiles{0};
  cache.setLimit(0);
  EXPECT_FALSE(get(cache, 1, compiles, /*success=*/false).value->ok());
  EXPECT_EQ(cache.stats().entries, 0u);
  Cache::Lookup ok = get(cache, 1, compiles);
  EXPECT_TRUE(ok.value->ok());
  EXPECT_EQ(ok.outcome, Cache::Outcome::Compiled);
}

TEST(CacheBoundTest, TrimsRacingHitsCompilesAndHoldersNeverFreeAHeldValue) {
  // Threads look up a small set of keys (hits, compiles after evictions),
  // hold the values a while and check them; a trimmer sets the limit to 0
  // and back. A value evicted while held stays valid for its holder, and
  // each key's value is one artifact at a time (compiled once per entry).
  Cache cache;
  std::atomic<int> compiles{0};
  std::atomic<bool> stop{false};
  std::thread trimmer([&] {
    size_t limits[] = {0, 2, 0, 5};
    for (int i = 0; !stop.load(); ++i) {
      cache.setLimit(limits[i % 4]);
      std::this_thread::yield();
    }
  });
  raceThreads(8, [&](unsigned t) {
    std::mt19937 rng(t);
    std::vector<Cache::Value> held;
    for (int i = 0; i < 2000; ++i) {
      uint64_t n = rng() % 8;
      Cache::Lookup l = get(cache, n, compiles);
      ASSERT_TRUE(l.value);
      EXPECT_TRUE(l.value->ok());
      EXPECT_GT(l.value->serial, 0);
      held.push_back(l.value);
      if (held.size() > 4)
        held.erase(held.begin());
    }
  });
  stop.store(true);
  trimmer.join();
  cache.setLimit(0);
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_GT(cache.stats().evictions, 0u);
}

// -- leases -------------------------------------------------------------------

using cuft::test::CountingLoader;
using cuft::test::makeArtifact;
using cuft::test::Registry;

TEST(ModuleLeaseTest, TheLastLeaseUnloadsTheModule) {
  CountingLoader loader;
  Registry registry(loader.loader(), 8, /*unloadWhenUnused=*/true);
  auto artifact = makeArtifact(1);
  Registry::Result a = registry.get(artifact, 7, cuft::test::countingCallbacks());
  Registry::Result b = registry.get(artifact, 7);
  ASSERT_TRUE(a.module && a.lease && b.lease);
  EXPECT_EQ(a.lease, b.lease); // one lease, shared
  EXPECT_EQ(loader.loads.load(), 1);
  a.lease.reset();
  EXPECT_TRUE(a.module->alive()); // b still holds it
  b.lease.reset();
  EXPECT_FALSE(a.module->alive());
  EXPECT_EQ(loader.unloads.load(), 1);
  EXPECT_EQ(loader.allRecords()[0]->teardowns.load(), 1);
  EXPECT_EQ(registry.stats().live, 0u);
  EXPECT_EQ(registry.stats().unusedUnloads, 1u);
  a = {};
  b = {};
  EXPECT_TRUE(loader.allModulesDestroyed());
  // A get after that loads it again, with a lease of its own.
  Registry::Result c = registry.get(artifact, 7);
  ASSERT_TRUE(c.module && c.lease);
  EXPECT_TRUE(c.module->alive());
  EXPECT_EQ(loader.loads.load(), 2);
}

TEST(ModuleLeaseTest, AnOldLeaseNeverUnloadsALaterLoad) {
  CountingLoader loader;
  Registry registry(loader.loader(), 8, /*unloadWhenUnused=*/true);
  auto artifact = makeArtifact(1);
  Registry::Result first = registry.get(artifact, 0);
  registry.unload(artifact.get(), 0); // unloaded though leased
  EXPECT_FALSE(first.module->alive());
  Registry::Result second = registry.get(artifact, 0); // the same key, loaded again
  ASSERT_TRUE(second.module && second.module->alive());
  first = {}; // the first load's lease goes: not the second's module
  EXPECT_TRUE(second.module->alive());
  EXPECT_EQ(loader.unloads.load(), 1);
  second = {};
  EXPECT_EQ(loader.unloads.load(), 2);
}

TEST(ModuleLeaseTest, WithoutLeasesModulesStay) {
  CountingLoader loader;
  Registry registry(loader.loader(), 8);
  auto artifact = makeArtifact(1);
  Registry::Handle h = registry.get(artifact, 0).module;
  EXPECT_TRUE(h->alive());
  EXPECT_EQ(loader.unloads.load(), 0);
  EXPECT_EQ(registry.stats().live, 1u);
  registry.shutdown();
}

TEST(ModuleLeaseTest, LeasesGoingWhileOthersGetAndUnloadUnloadEachModuleOnce) {
  // Threads get and drop leases of a few modules; one thread also unloads
  // everything now and then. Every module loaded is unloaded exactly once
  // (CountingLoader and countingCallbacks check it), a module is alive while
  // the lease taken with it is held unless an unload call took it, and at the
  // end nothing is loaded.
  CountingLoader loader;
  Registry registry(loader.loader(), 4, /*unloadWhenUnused=*/true);
  std::vector<std::shared_ptr<const cuft::test::TestArtifact>> artifacts;
  for (int i = 0; i < 3; ++i)
    artifacts.push_back(makeArtifact(i));
  std::atomic<int> unloadCalls{0};
  raceThreads(6, [&](unsigned t) {
    std::mt19937 rng(t);
    std::vector<Registry::Result> held;
    for (int i = 0; i < 600; ++i) {
      if (t == 0 && i % 50 == 0) {
        registry.teardownContext(0);
        ++unloadCalls;
      }
      Registry::Result r =
          registry.get(artifacts[rng() % artifacts.size()], 0, cuft::test::countingCallbacks());
      ASSERT_TRUE(r.module) << r.error;
      EXPECT_EQ(r.module->module().record->setups.load(), 1);
      held.push_back(std::move(r));
      if (held.size() > size_t(rng() % 3))
        held.erase(held.begin());
    }
  });
  EXPECT_EQ(registry.stats().live, 0u);
  EXPECT_EQ(loader.loads.load(), loader.unloads.load());
  for (auto &record : loader.allRecords())
    EXPECT_EQ(record->unloads.load(), 1);
  EXPECT_TRUE(loader.allModulesDestroyed());
  EXPECT_GT(unloadCalls.load(), 0);
}
