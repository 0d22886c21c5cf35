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

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

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
    size_t entries = 0;    // keys in the map, finished or being compiled
  };

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
        shard.map.emplace(key, Entry{future, attempt});
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
    return {std::move(value), Outcome::Compiled};
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
    s.entries = size();
    return s;
  }

private:
  struct Entry {
    std::shared_future<Value> future;
    /// Tells this attempt's entry from a later one of the same key (after a
    /// clear()), so an owner erases only its own failed entry.
    uint64_t attempt;
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

  Shard &shardFor(const Key &key) const { return shardTable[mixHash(key.hash()) % numShards]; }

  const unsigned numShards;
  const std::unique_ptr<Shard[]> shardTable;
  PaddedCounter compiles, waits, failures;
  StripedCounter hits;
};

} // namespace cuft::cache

#endif // CUFT_CACHE_COMPILECACHE_H
