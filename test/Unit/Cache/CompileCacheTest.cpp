//===- CompileCacheTest.cpp - compile once, share, retry failures ---------===//
//
// The cache contract of docs/DESIGN.md, property by property. Threads start
// behind a barrier so they really race; compiles sleep or block on a gate so
// waiters really wait. Built twice: plainly and under ThreadSanitizer.
//
//===----------------------------------------------------------------------===//

#include "cuft/Cache/CompileCache.h"
#include "cuft/Cache/Key.h"

#include "Threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace cuft::cache;
using cuft::test::Gate;
using cuft::test::kPatience;
using cuft::test::raceThreads;
using cuft::test::Tally;
using namespace std::chrono_literals;

namespace {

/// A compiled artifact as the cache sees it: immutable, ok() or diagnostics.
struct Artifact {
  bool success = true;
  std::string diagnostics;
  int serial = 0; // which compile made it
  bool ok() const { return success; }
};
using Cache = CompileCache<Artifact>;

std::shared_ptr<const Artifact> makeArtifact(bool success, std::string diagnostics, int serial) {
  auto a = std::make_shared<Artifact>();
  a->success = success;
  a->diagnostics = std::move(diagnostics);
  a->serial = serial;
  return a;
}

Key keyOf(uint64_t n) { return Key().add("kernel").add(n); }

TEST(KeyTest, FieldsJoinUnambiguously) {
  EXPECT_NE(Key().add("ab").add("c"), Key().add("a").add("bc"));
  EXPECT_NE(Key().add("7"), Key().add(7));
  EXPECT_NE(Key().add(""), Key());
  EXPECT_NE(Key().add("").add(""), Key().add(""));
  EXPECT_NE(Key().add(1).add(2), Key().add(2).add(1));
  // A field longer than one LEB128 byte of length.
  std::string big(300, 'x');
  EXPECT_NE(Key().add(big).add("y"), Key().add(big + "y"));

  Key a = Key().add("saxpy").add("f32,array<f32,1,C>").add(90);
  Key b = Key().add("saxpy").add("f32,array<f32,1,C>").add(90);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_EQ(KeyHash()(a), a.hash());
  EXPECT_NE(a.hash(), Key().add("saxpy").add("f32,array<f32,1,C>").add(80).hash());
}

TEST(KeyTest, ReadBackFromItsBytes) {
  std::string big(300, 'x');
  for (const Key &k : {Key(), Key().add(""), Key().add("saxpy").add(7).add(big).add(0)}) {
    std::optional<Key> back = Key::fromBytes(k.bytes());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, k);
    EXPECT_EQ(back->hash(), k.hash());
  }
  const std::string bytes = Key().add("saxpy").add(7).bytes();
  EXPECT_FALSE(Key::fromBytes(bytes.substr(0, bytes.size() - 1))); // cut short
  EXPECT_FALSE(Key::fromBytes("z"));                                // no such field
  EXPECT_FALSE(Key::fromBytes(std::string("s\x80\x00", 3)));       // a padded length
}

TEST(CompileCacheTest, InsertAddsAFinishedValueOnceAndCountsNothing) {
  Cache cache;
  EXPECT_TRUE(cache.insert(keyOf(1), makeArtifact(true, "", 7)));
  EXPECT_FALSE(cache.insert(keyOf(1), makeArtifact(true, "", 8))); // there already
  EXPECT_FALSE(cache.insert(keyOf(2), makeArtifact(false, "error", 9))); // failures never
  EXPECT_FALSE(cache.insert(keyOf(3), nullptr));
  Cache::Lookup hit = cache.getOrCompile(keyOf(1), [] { return makeArtifact(true, "", 0); });
  EXPECT_EQ(hit.outcome, Cache::Outcome::Hit);
  EXPECT_EQ(hit.value->serial, 7);
  EXPECT_EQ(cache.getOrCompile(keyOf(1), [] { return makeArtifact(true, "", 0); }).value->serial,
            7);
  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.compiles, 0u);
  EXPECT_EQ(s.entries, 1u);
}

TEST(CompileCacheTest, TryHitCountsAHitAndNothingElse) {
  Cache cache;
  EXPECT_EQ(cache.tryHit(keyOf(1)), nullptr); // absent: nothing counted, nothing made
  EXPECT_EQ(cache.stats().entries, 0u);
  cache.getOrCompile(keyOf(1), [] { return makeArtifact(true, "", 5); });
  ASSERT_NE(cache.tryHit(keyOf(1)), nullptr);
  EXPECT_EQ(cache.tryHit(keyOf(1))->serial, 5);
  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.compiles, 1u);
}

TEST(CompileCacheTest, OneKeyManyThreadsCompilesOnce) {
  constexpr unsigned kThreads = 64;
  Cache cache;
  std::atomic<int> compiles{0};
  std::vector<Cache::Lookup> got(kThreads);
  raceThreads(kThreads, [&](unsigned i) {
    got[i] = cache.getOrCompile(keyOf(1), [&] {
      int serial = ++compiles;
      std::this_thread::sleep_for(50ms); // long enough for the others to arrive
      return makeArtifact(true, "", serial);
    });
  });

  EXPECT_EQ(compiles.load(), 1);
  unsigned compiled = 0, hits = 0, waits = 0;
  for (const Cache::Lookup &l : got) {
    ASSERT_NE(l.value, nullptr);
    EXPECT_EQ(l.value.get(), got[0].value.get()) << "every thread gets the very same artifact";
    compiled += l.outcome == Cache::Outcome::Compiled;
    hits += l.outcome == Cache::Outcome::Hit;
    waits += l.outcome == Cache::Outcome::Waited;
  }
  EXPECT_EQ(compiled, 1u);
  EXPECT_EQ(hits + waits, kThreads - 1);
  EXPECT_GE(waits, 1u) << "no thread waited: the race did not happen";

  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.compiles, 1u);
  EXPECT_EQ(s.hits, hits);
  EXPECT_EQ(s.waits, waits);
  EXPECT_EQ(s.failures, 0u);
  EXPECT_EQ(s.entries, 1u);
}

TEST(CompileCacheTest, DistinctKeysNeverWaitForEachOther) {
  constexpr unsigned kThreads = 64, kKeys = 64;
  // Few shards: keys share shards, so a compile under a shard lock would show.
  Cache cache(4);
  Gate key0Compiling, releaseKey0;
  Tally otherKeysDone;
  std::atomic<bool> key0Done{false};
  std::vector<std::atomic<int>> compilesOf(kKeys);
  std::vector<std::vector<const Artifact *>> seen(kThreads, std::vector<const Artifact *>(kKeys));
  auto compileKey = [&](unsigned k) {
    return [&, k] {
      ++compilesOf[k];
      if (k == 0) {
        key0Compiling.open();
        releaseKey0.wait();
      }
      return makeArtifact(true, "", static_cast<int>(k));
    };
  };

  // Key 0's compile starts first and blocks until the end...
  Cache::Lookup first;
  std::thread key0([&] {
    first = cache.getOrCompile(keyOf(0), compileKey(0));
    key0Done = true;
  });
  key0Compiling.wait();
  // ...while 64 threads race over all keys. Thread t visits keys t, t+1, ...,
  // so every key but 0 is reached by some thread before it waits on key 0.
  std::thread racers([&] {
    raceThreads(kThreads, [&](unsigned t) {
      for (unsigned j = 0; j < kKeys; ++j) {
        unsigned k = (t + j) % kKeys;
        Cache::Lookup l = cache.getOrCompile(keyOf(k), compileKey(k));
        seen[t][k] = l.value.get();
        if (l.outcome == Cache::Outcome::Compiled)
          otherKeysDone.add();
      }
    });
  });

  bool othersFinished = otherKeysDone.waitFor(kKeys - 1, kPatience);
  EXPECT_TRUE(othersFinished) << "only " << otherKeysDone.count() << " of " << kKeys - 1
                              << " keys compiled while key 0 was blocked";
  EXPECT_FALSE(key0Done.load()) << "key 0's compile should still be blocked";
  releaseKey0.open();
  key0.join();
  racers.join();

  EXPECT_EQ(cache.stats().compiles, kKeys);
  for (unsigned k = 0; k < kKeys; ++k) {
    EXPECT_EQ(compilesOf[k].load(), 1) << "key " << k;
    for (unsigned t = 0; t < kThreads; ++t) {
      ASSERT_NE(seen[t][k], nullptr);
      EXPECT_EQ(seen[t][k], k == 0 ? first.value.get() : seen[0][k]);
      EXPECT_EQ(seen[t][k]->serial, static_cast<int>(k));
    }
  }
}

TEST(CompileCacheTest, FailureReachesEveryWaiterThenRetries) {
  constexpr unsigned kThreads = 32;
  Cache cache;
  std::atomic<int> compiles{0};
  std::vector<Cache::Lookup> got(kThreads);
  raceThreads(kThreads, [&](unsigned i) {
    got[i] = cache.getOrCompile(keyOf(7), [&] {
      int serial = ++compiles;
      std::this_thread::sleep_for(50ms);
      return makeArtifact(false, "saxpy.py:3:5: error: attempt " + std::to_string(serial), serial);
    });
  });

  EXPECT_EQ(compiles.load(), 1);
  for (const Cache::Lookup &l : got) {
    ASSERT_NE(l.value, nullptr);
    EXPECT_EQ(l.value.get(), got[0].value.get()) << "every waiter gets the same failure";
    EXPECT_FALSE(l.value->ok());
    EXPECT_EQ(l.value->diagnostics, "saxpy.py:3:5: error: attempt 1");
  }
  // The failure is not kept: the key is gone, and the next call compiles.
  EXPECT_EQ(cache.find(keyOf(7)), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().failures, 1u);

  Cache::Lookup retry =
      cache.getOrCompile(keyOf(7), [&] { return makeArtifact(true, "", ++compiles); });
  EXPECT_EQ(retry.outcome, Cache::Outcome::Compiled);
  ASSERT_NE(retry.value, nullptr);
  EXPECT_TRUE(retry.value->ok());
  EXPECT_EQ(compiles.load(), 2);

  // A success is kept.
  Cache::Lookup again =
      cache.getOrCompile(keyOf(7), [&] { return makeArtifact(true, "", ++compiles); });
  EXPECT_EQ(again.outcome, Cache::Outcome::Hit);
  EXPECT_EQ(again.value.get(), retry.value.get());
  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.compiles, 2u);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.entries, 1u);
}

TEST(CompileCacheTest, NullFromCompileIsInterruptedAndNotKept) {
  Cache cache;
  Cache::Lookup l = cache.getOrCompile(keyOf(3), [] { return std::shared_ptr<Artifact>(); });
  EXPECT_EQ(l.value, nullptr);
  EXPECT_EQ(l.outcome, Cache::Outcome::Compiled);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().failures, 1u);
  Cache::Lookup retry = cache.getOrCompile(keyOf(3), [] { return makeArtifact(true, "", 2); });
  EXPECT_EQ(retry.outcome, Cache::Outcome::Compiled);
  ASSERT_NE(retry.value, nullptr);
}

#if __cpp_exceptions
TEST(CompileCacheTest, ExceptionFromCompileReachesWaitersAsNull) {
  constexpr unsigned kWaiters = 16;
  Cache cache;
  Gate ownerCompiling;
  Tally waitersCalling;
  std::atomic<int> compiles{0};
  bool ownerCaught = false;

  std::thread owner([&] {
    try {
      cache.getOrCompile(keyOf(9), [&]() -> std::shared_ptr<const Artifact> {
        ++compiles;
        ownerCompiling.open();
        waitersCalling.waitFor(kWaiters, kPatience);
        std::this_thread::sleep_for(100ms); // the waiters reach the future
        throw std::runtime_error("interrupted");
      });
    } catch (const std::runtime_error &e) {
      ownerCaught = std::string(e.what()) == "interrupted";
    }
  });
  ownerCompiling.wait();
  std::vector<Cache::Lookup> got(kWaiters);
  raceThreads(kWaiters, [&](unsigned i) {
    waitersCalling.add();
    got[i] = cache.getOrCompile(keyOf(9), [&] {
      ++compiles; // only if a waiter came too late: the test then fails below
      return makeArtifact(true, "", 2);
    });
  });
  owner.join();

  EXPECT_TRUE(ownerCaught) << "the exception must go on to the owner's caller";
  EXPECT_EQ(compiles.load(), 1);
  for (const Cache::Lookup &l : got) {
    EXPECT_EQ(l.outcome, Cache::Outcome::Waited);
    EXPECT_EQ(l.value, nullptr) << "a waiter of an interrupted compile gets null";
  }
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().failures, 1u);

  Cache::Lookup retry =
      cache.getOrCompile(keyOf(9), [&] { return makeArtifact(true, "", ++compiles); });
  EXPECT_EQ(retry.outcome, Cache::Outcome::Compiled);
  ASSERT_NE(retry.value, nullptr);
  EXPECT_TRUE(retry.value->ok());
}
#endif

TEST(CompileCacheTest, StatsAreExact) {
  Cache cache;
  auto ok = [](int serial) { return [serial] { return makeArtifact(true, "", serial); }; };
  auto bad = [] { return makeArtifact(false, "error", -1); };

  EXPECT_EQ(cache.getOrCompile(keyOf(1), ok(1)).outcome, Cache::Outcome::Compiled);
  EXPECT_EQ(cache.getOrCompile(keyOf(1), ok(99)).outcome, Cache::Outcome::Hit);
  EXPECT_EQ(cache.getOrCompile(keyOf(1), ok(99)).value->serial, 1);
  EXPECT_EQ(cache.getOrCompile(keyOf(2), bad).outcome, Cache::Outcome::Compiled);
  EXPECT_EQ(cache.getOrCompile(keyOf(2), bad).outcome, Cache::Outcome::Compiled);
  EXPECT_EQ(cache.getOrCompile(keyOf(2), ok(2)).outcome, Cache::Outcome::Compiled);
  EXPECT_EQ(cache.getOrCompile(keyOf(3), ok(3)).outcome, Cache::Outcome::Compiled);
  ASSERT_NE(cache.find(keyOf(3)), nullptr); // find counts nothing
  EXPECT_EQ(cache.find(keyOf(3))->serial, 3);
  EXPECT_EQ(cache.find(keyOf(4)), nullptr);

  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.compiles, 5u);
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.waits, 0u);
  EXPECT_EQ(s.failures, 2u);
  EXPECT_EQ(s.entries, 3u);
  EXPECT_EQ(cache.size(), 3u);

  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.find(keyOf(1)), nullptr);
  EXPECT_EQ(cache.getOrCompile(keyOf(1), ok(4)).value->serial, 4);
  EXPECT_EQ(cache.stats().compiles, 6u); // counters survive clear()
}

TEST(CompileCacheTest, ClearDuringCompileKeepsWaitersAndNewAttempt) {
  Cache cache;
  Gate compiling, release;
  Cache::Lookup first;
  std::thread owner([&] {
    first = cache.getOrCompile(keyOf(5), [&] {
      compiling.open();
      release.wait();
      return makeArtifact(false, "old attempt", 1);
    });
  });
  compiling.wait();
  cache.clear();
  // A new attempt of the same key after clear(): the old owner's failure must
  // not erase it.
  Cache::Lookup second = cache.getOrCompile(keyOf(5), [] { return makeArtifact(true, "", 2); });
  release.open();
  owner.join();
  EXPECT_EQ(first.value->serial, 1);
  EXPECT_EQ(second.value->serial, 2);
  ASSERT_NE(cache.find(keyOf(5)), nullptr);
  EXPECT_EQ(cache.find(keyOf(5))->serial, 2);
}

TEST(CompileCacheTest, StressManyKeysFailuresAndClears) {
  constexpr unsigned kThreads = 16, kIterations = 2000, kKeys = 32;
  Cache cache(8);
  std::atomic<int> serials{0};
  std::atomic<uint64_t> badValues{0};
  raceThreads(kThreads, [&](unsigned t) {
    std::mt19937 rng(t);
    for (unsigned i = 0; i < kIterations; ++i) {
      unsigned k = rng() % kKeys;
      unsigned roll = rng() % 100;
      if (roll == 0) {
        cache.clear();
        continue;
      }
      if (roll < 5) {
        if (Cache::Value v = cache.find(keyOf(k)); v && (v->serial % 1000) != static_cast<int>(k))
          ++badValues;
        continue;
      }
      // Odd keys fail every third compile.
      Cache::Lookup l = cache.getOrCompile(keyOf(k), [&] {
        int n = ++serials;
        bool fail = (k % 2) && n % 3 == 0;
        return makeArtifact(!fail, fail ? "error" : "", n * 1000 + static_cast<int>(k));
      });
      if (!l.value || l.value->serial % 1000 != static_cast<int>(k))
        ++badValues;
    }
  });
  EXPECT_EQ(badValues.load(), 0u);
  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.compiles, static_cast<uint64_t>(serials.load()));
  EXPECT_LE(s.entries, kKeys);
}

} // namespace
