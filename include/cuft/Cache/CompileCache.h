//===- CompileCache.h - compile each key once, share the result -*- C++ -*-===//
//
// The in-memory tier of the cache contract (docs/DESIGN "The cache contract"):
//
//  - A sharded map; each shard is a mutex over key -> shared_future. The first
//    caller of a key publishes a future under the shard lock and compiles
//    *outside* every lock; every other caller of that key waits on the same
//    future, also outside the lock. Different keys never wait for each other:
//    a shard lock is held only for a map lookup.
//  - Only finished, immutable results are published: the future becomes ready
//    with a shared_ptr<const T> built by compile().
//  - A failed compile (a T whose ok() is false, carrying its diagnostics)
//    reaches every waiter of that attempt, and then leaves the map, so a later
//    call compiles again.
//  - A hit takes one shard lock and no global one; its count is striped.
//  - Bounded: an entry is "unused" while the cache holds the only reference to
//    its value (no kernel, loaded module or caller holds it). At most limit()
//    unused entries are kept; trim() evicts the least recently used of the
//    others (used: looked up, or found in use by a trim). It runs after a
//    compile publishes, when the limit changes and when the owner asks (a
//    kernel died) — never on the hit path, which only stamps its entry with
//    the cache's clock, a read of a line only trims write. An
//    evicted key is compiled again by its next caller; whoever still holds
//    its value keeps it.
//
// Errors are values: the cache never stores an exception in a future, so it
// works in -fno-exceptions code. It is also unwind-safe for callers built with
// exceptions: if compile() throws, a guard publishes a null Value ("compile
// interrupted") to the waiters, erases the key and lets the exception go on.
//
// Standard C++17 only, so the Python binding can include it without MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CACHE_COMPILECACHE_H
#define CUFT_CACHE_COMPILECACHE_H

#include "cuft/Cache/Counter.h"
#include "cuft/Cache/Key.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cuft::cache {

template <typename T> class CompileCache {
public:
  /// A finished artifact: immutable, shared by every caller of its key. Null
  /// means the compile that produced it was interrupted (threw, or returned
  /// null); such a value is never kept.
  using Value = std::shared_ptr<const T>;

  enum class Outcome {
    Hit,      // the value was already there
    Compiled, // this call compiled it
    Waited,   // another call was compiling it; this one waited for its result
  };

  struct Lookup {
    Value value;
    Outcome outcome;
  };

  struct Stats {
    uint64_t compiles = 0; // calls of compile()
    uint64_t hits = 0;
    uint64_t waits = 0;
    uint64_t failures = 0; // compiles that gave a failed or null value
    uint64_t evictions = 0; // unused entries trim() evicted
    size_t entries = 0;    // keys in the map, finished or being compiled
    size_t unused = 0;     // finished entries only the cache holds
    size_t limit = 0;      // unused entries kept at most (kUnlimited: no bound)
  };

  static constexpr size_t kUnlimited = SIZE_MAX;

  explicit CompileCache(unsigned shards = 64)
      : numShards(shards ? shards : 1), shardTable(new Shard[numShards]) {}
  CompileCache(const CompileCache &) = delete;
  CompileCache &operator=(const CompileCache &) = delete;

  /// Returns the value of `key`, calling `compile()` (which returns something
  /// convertible to Value) if no other call has compiled it or is compiling it.
  /// Thread-safe. compile() runs without any lock held, so it may use the cache
  /// itself for other keys (not for `key`: that would wait on itself).
  template <typename Compile> Lookup getOrCompile(const Key &key, Compile &&compile) {
    Shard &shard = shardFor(key);
    std::shared_future<Value> future;
    std::optional<std::promise<Value>> promise; // only the owner makes one: it allocates
    uint64_t attempt;
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      auto it = shard.map.find(key);
      if (it != shard.map.end()) {
        if (isReady(it->second.future)) {
          // The hot path: copy the value under the lock, skipping a
          // reference count on the shared state.
          Value value = it->second.future.get();
          it->second.lastUse = clock.load(std::memory_order_relaxed);
          hits.add();
          return {std::move(value), Outcome::Hit};
        }
        future = it->second.future;
        attempt = 0; // not the owner
      } else {
        // Allocating the shared state under the lock is cheap next to the
        // compile that follows, and keeps the hit path free of it.
        promise.emplace();
        future = promise->get_future().share();
        attempt = ++shard.attempts;
        shard.map.emplace(key, Entry{future, attempt, clock.load(std::memory_order_relaxed)});
      }
    }

    if (attempt == 0) {
      // Safe without exceptions: the owner never stores one in the future.
      Value value = future.get();
      waits.add();
      return {std::move(value), Outcome::Waited};
    }

    compiles.add();
    Publisher publisher{*this, shard, key, attempt, std::move(*promise)};
    Value value = std::forward<Compile>(compile)();
    publisher.publish(value);
    // A new entry may take the cache past its bound. `value` is held here,
    // so the entry just made is in use and stays.
    if (value && value->ok() && limit() != kUnlimited)
      trim();
    return {std::move(value), Outcome::Compiled};
  }

  /// Adds `value` as the finished value of `key` unless the key is there
  /// (compiled, or being compiled): a value made elsewhere (another process
  /// compiled it and sent it). Counts nothing. Returns whether it was added.
  bool insert(const Key &key, Value value) {
    if (!value || !value->ok())
      return false;
    std::promise<Value> ready;
    ready.set_value(std::move(value));
    Shard &shard = shardFor(key);
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      if (shard.map.count(key))
        return false;
      shard.map.emplace(key, Entry{ready.get_future().share(), ++shard.attempts,
                                   clock.load(std::memory_order_relaxed)});
    }
    if (limit() != kUnlimited)
      trim();
    return true;
  }

  /// Unused entries kept at most; kUnlimited (the default) keeps every one.
  size_t limit() const { return maxUnused.load(std::memory_order_relaxed); }

  /// Sets limit() and trims to it. Returns the previous limit.
  size_t setLimit(size_t n) {
    size_t old = maxUnused.exchange(n, std::memory_order_relaxed);
    trim();
    return old;
  }

  /// Evicts the least recently used unused entries past limit(); refreshes
  /// the stamps of entries in use. Returns how many it evicted. One trim at
  /// a time: a call that finds another trimming returns 0 (that one trims).
  /// Values are released outside the shard locks.
  size_t trim() {
    std::unique_lock<std::mutex> trimLock(trimming, std::try_to_lock);
    if (!trimLock.owns_lock())
      return 0;
    size_t max = limit();
    if (max == kUnlimited)
      return 0;
    uint64_t now = clock.fetch_add(1, std::memory_order_relaxed) + 1;
    struct Candidate {
      uint64_t lastUse;
      unsigned shard;
      uint64_t attempt;
    };
    std::vector<Candidate> unusedNow;
    for (unsigned i = 0; i < numShards; ++i) {
      std::lock_guard<std::mutex> lock(shardTable[i].mutex);
      for (auto &[key, entry] : shardTable[i].map) {
        if (!isReady(entry.future))
          continue;
        if (onlyCacheHolds(entry))
          unusedNow.push_back({entry.lastUse, i, entry.attempt});
        else
          entry.lastUse = now; // in use: as recent as can be
      }
    }
    if (unusedNow.size() <= max)
      return 0;
    size_t excess = unusedNow.size() - max;
    std::nth_element(unusedNow.begin(), unusedNow.begin() + ptrdiff_t(excess), unusedNow.end(),
                     [](const Candidate &a, const Candidate &b) { return a.lastUse < b.lastUse; });
    unusedNow.resize(excess);
    std::sort(unusedNow.begin(), unusedNow.end(), [](const Candidate &a, const Candidate &b) {
      return a.shard != b.shard ? a.shard < b.shard : a.attempt < b.attempt;
    });
    size_t evicted = 0;
    std::vector<std::shared_future<Value>> released; // dropped after the locks
    for (size_t at = 0; at < unusedNow.size();) {
      unsigned i = unusedNow[at].shard;
      size_t end = at;
      while (end < unusedNow.size() && unusedNow[end].shard == i)
        ++end;
      std::lock_guard<std::mutex> lock(shardTable[i].mutex);
      Map &map = shardTable[i].map;
      for (auto it = map.begin(); it != map.end();) {
        bool chosen = std::binary_search(
            unusedNow.begin() + ptrdiff_t(at), unusedNow.begin() + ptrdiff_t(end),
            Candidate{0, i, it->second.attempt},
            [](const Candidate &a, const Candidate &b) { return a.attempt < b.attempt; });
        // Still unused: a hit since the scan holds the value or stamped it.
        if (chosen && isReady(it->second.future) && onlyCacheHolds(it->second) &&
            it->second.lastUse < now) {
          released.push_back(std::move(it->second.future));
          it = map.erase(it);
          ++evicted;
        } else {
          ++it;
        }
      }
      at = end;
    }
    evictions.add(evicted);
    return evicted;
  }

  /// getOrCompile's hit, alone: the finished value of `key` (counted as a hit,
  /// its entry's last use stamped), or null if it is absent or still compiling
  /// (counted as nothing: the caller then looks it up).
  Value tryHit(const Key &key) {
    Shard &shard = shardFor(key);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.map.find(key);
    if (it == shard.map.end() || !isReady(it->second.future))
      return nullptr;
    it->second.lastUse = clock.load(std::memory_order_relaxed);
    hits.add();
    return it->second.future.get();
  }

  /// The finished value of `key`, or null if it is absent or still compiling.
  /// Counts nothing.
  Value find(const Key &key) const {
    Shard &shard = shardFor(key);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.map.find(key);
    if (it == shard.map.end() || !isReady(it->second.future))
      return nullptr;
    return it->second.future.get();
  }

  /// Forgets every key. Compiles in flight still deliver to their waiters, but
  /// their results are not kept. Values are released outside the locks.
  void clear() {
    for (unsigned i = 0; i < numShards; ++i) {
      Map dropped;
      {
        std::lock_guard<std::mutex> lock(shardTable[i].mutex);
        dropped.swap(shardTable[i].map);
      }
    }
  }

  size_t size() const {
    size_t n = 0;
    for (unsigned i = 0; i < numShards; ++i) {
      std::lock_guard<std::mutex> lock(shardTable[i].mutex);
      n += shardTable[i].map.size();
    }
    return n;
  }

  Stats stats() const {
    Stats s;
    s.compiles = compiles.read();
    s.hits = hits.read();
    s.waits = waits.read();
    s.failures = failures.read();
    s.evictions = evictions.read();
    s.limit = limit();
    for (unsigned i = 0; i < numShards; ++i) {
      std::lock_guard<std::mutex> lock(shardTable[i].mutex);
      s.entries += shardTable[i].map.size();
      for (const auto &item : shardTable[i].map)
        if (isReady(item.second.future) && onlyCacheHolds(item.second))
          ++s.unused;
    }
    return s;
  }

private:
  struct Entry {
    std::shared_future<Value> future;
    /// Tells this attempt's entry from a later one of the same key (after a
    /// clear()), so an owner erases only its own failed entry; unique in its
    /// shard, it also names the entry to trim().
    uint64_t attempt;
    /// The clock when it was last looked up or found in use (shard mutex).
    uint64_t lastUse = 0;
  };
  using Map = std::unordered_map<Key, Entry, KeyHash>;

  struct alignas(kCacheLine) Shard {
    std::mutex mutex;
    Map map;               // guarded by mutex
    uint64_t attempts = 0; // guarded by mutex
  };

  /// Completes the owner's attempt exactly once: with compile()'s value, or
  /// with null when compile() exits by an exception (the destructor runs
  /// during unwinding). A failed or null value leaves the map first, so a
  /// caller that comes after the publication compiles again instead of being
  /// handed a stale failure.
  class Publisher {
  public:
    Publisher(CompileCache &owner, Shard &keyShard, const Key &ownKey, uint64_t ownAttempt,
              std::promise<Value> ownPromise)
        : cache(owner), shard(keyShard), key(ownKey), attempt(ownAttempt),
          promise(std::move(ownPromise)) {}
    Publisher(const Publisher &) = delete;
    Publisher &operator=(const Publisher &) = delete;
    ~Publisher() {
      if (!done)
        publish(nullptr);
    }

    void publish(const Value &value) {
      done = true;
      if (!value || !value->ok()) {
        cache.failures.add();
        std::lock_guard<std::mutex> lock(shard.mutex);
        auto it = shard.map.find(key);
        if (it != shard.map.end() && it->second.attempt == attempt)
          shard.map.erase(it); // the owner's own future copy keeps the state alive
      }
      promise.set_value(value);
    }

  private:
    CompileCache &cache;
    Shard &shard;
    const Key &key;
    uint64_t attempt;
    std::promise<Value> promise;
    bool done = false;
  };

  static bool isReady(const std::shared_future<Value> &future) {
    return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }

  /// A ready entry's value is held by the map alone. Exact under the shard
  /// mutex in the direction that matters: a new holder can only come from a
  /// lookup, which takes the same mutex, so an entry seen unused stays so
  /// until the mutex is released (a holder letting go meanwhile may be seen
  /// late: the entry is then kept one trim longer).
  static bool onlyCacheHolds(const Entry &entry) {
    const Value &value = entry.future.get();
    return value && value.use_count() == 1;
  }

  Shard &shardFor(const Key &key) const { return shardTable[mixHash(key.hash()) % numShards]; }

  const unsigned numShards;
  const std::unique_ptr<Shard[]> shardTable;
  PaddedCounter compiles, waits, failures, evictions;
  StripedCounter hits;
  /// Ticks at every trim; entries are stamped with it (read-mostly).
  alignas(kCacheLine) std::atomic<uint64_t> clock{0};
  std::atomic<size_t> maxUnused{kUnlimited};
  std::mutex trimming; // one trim at a time
};

} // namespace cuft::cache

#endif // CUFT_CACHE_COMPILECACHE_H
