//===- ModuleRegistry.h - load an artifact once per context -----*- C++ -*-===//
//
// The "module per context" part of the cache contract: a compiled artifact is
// loaded exactly once per context (a CUDA context, or the host) and the loaded
// module is shared by every thread of that context. A user setup callback runs
// once per (module, context), after the load and before any thread can obtain
// the module; its teardown callback runs once, before the module is unloaded.
//
// Loading follows CompileCache's once-pattern: a sharded map of (artifact,
// context) -> shared_future, the first caller loads and runs setup outside
// every lock, the others wait on the future. A load or setup failure reaches
// every waiter of that attempt and leaves the map, so a later get() retries.
//
// Unloading is eager, like cuModuleUnload. Whoever marks an entry "unloading"
// under its shard lock runs teardown and Loader::unload, outside the locks, and
// erases the entry afterwards; every other unload(), teardownContext(),
// shutdown() or get() that meets the entry meanwhile waits for it to be gone.
// So teardown and unload run exactly once even when those calls race, and when
// teardownContext(c) returns no teardown of context c is still running.
//
// Handles (shared_ptr<const Loaded>) obtained before an unload stay valid
// objects but report !alive(), and module() then refers to an unloaded module:
// launching from it is the caller's bug. Callers that cache handles check
// epoch() (bumped at every unload) to know when to look again.
//
// Leases (a registry made with unloadWhenUnused): every successful get()
// returns a Lease, shared by all the gets of one loaded module. When its last
// copy goes, the module is torn down and unloaded as by unload() — unless a
// get() took a new lease meanwhile, or an unload is already under way. So a
// module lives exactly as long as something that launches it (a kernel's
// tables) holds a lease. The release never waits: it is run by whoever drops
// the last copy, possibly a Python object's deallocation.
//
// Callbacks and the loader run with no lock held. They must not throw from
// teardown or unload (std::terminate); load and setup may throw in code built
// with exceptions: the attempt then fails with an error for its waiters, a
// loaded module is unloaded, and the exception goes on. A callback must not
// get() or unload its own (artifact, context): it would wait on itself.
//
// Standard C++17 only, so the Python binding can include it without MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CACHE_MODULEREGISTRY_H
#define CUFT_CACHE_MODULEREGISTRY_H

#include "cuft/Cache/Counter.h"
#include "cuft/Cache/Key.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cuft::cache {

template <typename Artifact, typename Module> class ModuleRegistry {
public:
  using ContextId = uint64_t;

  /// The user's callbacks, given with the get() that loads; either may be
  /// empty. setup returns "" on success or an error message.
  struct Callbacks {
    std::function<std::string(Module &, ContextId)> setup;
    std::function<void(Module &, ContextId)> teardown;
  };

  /// How to load an artifact into a context and unload it again (the CUDA
  /// driver, the host JIT, a test's counting loader). load returns null and
  /// sets `error` on failure. Both are called concurrently for different keys.
  struct Loader {
    std::function<std::unique_ptr<Module>(const Artifact &, ContextId, std::string &error)> load;
    /// Unloads the module in place. The Module object itself lives on until
    /// the last handle to it is gone, so a thread holding a handle can still
    /// read it (and see !alive()) after the unload: never freed memory.
    std::function<void(Module &, ContextId)> unload;
  };

  /// A loaded module, as handles see it. Immutable but for alive().
  class Loaded {
  public:
    Module &module() const { return *owned; }
    ContextId context() const { return ctx; }
    const Artifact &artifact() const { return *art; }
    /// False once an unload of this module has begun.
    bool alive() const { return live.load(std::memory_order_acquire); }

  private:
    friend class ModuleRegistry;
    Loaded(std::shared_ptr<const Artifact> artifact, ContextId context,
           std::unique_ptr<Module> module, std::function<void(Module &, ContextId)> onTeardown)
        : art(std::move(artifact)), ctx(context), owned(std::move(module)),
          teardown(std::move(onTeardown)) {}

    const std::shared_ptr<const Artifact> art;
    const ContextId ctx;
    const std::unique_ptr<Module> owned;
    std::function<void(Module &, ContextId)> teardown;
    std::atomic<bool> live{true};
  };
  using Handle = std::shared_ptr<const Loaded>;

  /// Keeps a module of a registry made with unloadWhenUnused loaded.
  class Lease {
  public:
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;
    ~Lease() { registry.release(MapKey{artifact, context}, attempt); }

  private:
    friend class ModuleRegistry;
    Lease(ModuleRegistry &owner, const Artifact *art, ContextId ctx, uint64_t ownAttempt)
        : registry(owner), artifact(art), context(ctx), attempt(ownAttempt) {}
    ModuleRegistry &registry; // outlives its leases (the process-wide ones are never destroyed)
    const Artifact *const artifact;
    const ContextId context;
    const uint64_t attempt;
  };

  struct Result {
    Handle module; // null on failure
    std::shared_ptr<Lease> lease; // unloadWhenUnused: keeps `module` loaded
    std::string error;
    bool loadedNow = false; // this call loaded it (and ran setup)
    bool waited = false;    // this call waited for another call's load
  };

  struct Stats {
    uint64_t loads = 0;     // successful Loader::load calls
    uint64_t setups = 0;    // setup callbacks run, failed ones included
    uint64_t teardowns = 0; // teardown callbacks run
    uint64_t unloads = 0;   // Loader::unload calls (after a setup failure too)
    uint64_t failures = 0;  // attempts that failed (load, setup or interrupted)
    uint64_t waits = 0;
    uint64_t hits = 0;
    uint64_t unusedUnloads = 0; // unloads because the last lease went
    size_t live = 0; // modules loaded and not unloaded
  };

  /// With `unloadWhenUnused`, get() hands out leases and a module whose last
  /// lease is gone is unloaded; without, modules stay until an unload call.
  explicit ModuleRegistry(Loader loader, unsigned shards = 64, bool unloadWhenUnused = false)
      : loaderFns(std::move(loader)), numShards(shards ? shards : 1),
        shardTable(new Shard[numShards]), leased(unloadWhenUnused) {}
  ModuleRegistry(const ModuleRegistry &) = delete;
  ModuleRegistry &operator=(const ModuleRegistry &) = delete;
  ~ModuleRegistry() { shutdown(); }

  /// The module of `artifact` in `context`, loading it (and running
  /// callbacks.setup) if no call has. Thread-safe. The callbacks of the call
  /// that loads are the ones used; teardown is kept with the module.
  Result get(const std::shared_ptr<const Artifact> &artifact, ContextId context,
             const Callbacks &callbacks = {}) {
    if (!artifact)
      return failed("no artifact to load");
    MapKey key{artifact.get(), context};
    Shard &shard = shardFor(key);
    std::shared_future<Published> future;
    std::optional<std::promise<Published>> promise;
    uint64_t attempt = 0;
    {
      std::unique_lock<std::mutex> lock(shard.mutex);
      for (;;) {
        auto it = shard.map.find(key);
        if (it == shard.map.end())
          break;
        Entry &entry = it->second;
        if (entry.unloading) {
          // Being unloaded right now: load again once it is gone.
          shard.unloaded.wait(lock);
          continue;
        }
        if (isReady(entry.future)) {
          // Failures leave the map before they are published, so a ready
          // entry holds a module.
          Result result;
          result.module = entry.future.get().loaded;
          result.lease = leaseOf(key, entry);
          hits.add();
          return result;
        }
        future = entry.future;
        break;
      }
      if (!future.valid()) {
        if (closed.load(std::memory_order_relaxed))
          return failed("the module registry is shut down");
        promise.emplace();
        future = promise->get_future().share();
        attempt = ++shard.attempts;
        shard.map.emplace(key, Entry{artifact, future, attempt});
      }
    }

    if (!promise) {
      const Published &published = future.get();
      waits.add();
      Result result;
      result.module = published.loaded;
      result.lease = leaseAfterLoad(shard, key, published.loaded.get());
      result.error = published.error;
      result.waited = true;
      return result;
    }

    Attempt owner{*this, shard, key, attempt, context, std::move(*promise)};
    std::string error;
    owner.module = loaderFns.load(*artifact, context, error);
    if (!owner.module)
      return owner.fail(error.empty() ? "loading the module failed" : std::move(error));
    loads.add();
    liveCount.fetch_add(1, std::memory_order_relaxed);
    if (callbacks.setup) {
      setups.add();
      error = callbacks.setup(*owner.module, context);
      if (!error.empty())
        return owner.fail(std::move(error));
    }
    std::function<void(Module &, ContextId)> teardown = callbacks.teardown;
    auto loaded = std::shared_ptr<Loaded>(
        new Loaded(artifact, context, std::move(owner.module), std::move(teardown)));
    owner.publish(Published{loaded, {}});
    Result result;
    result.lease = leaseAfterLoad(shard, key, loaded.get());
    result.module = std::move(loaded);
    result.loadedNow = true;
    return result;
  }

  /// Tears down and unloads the module of (artifact, context), if loaded;
  /// waits for a load in progress first. Returns whether this call unloaded it
  /// (false if absent, failed, or unloaded meanwhile by another call, which
  /// this call waits for).
  bool unload(const Artifact *artifact, ContextId context) {
    MapKey key{artifact, context};
    return unloadWhere(shardFor(key), [&](const MapKey &k) { return k == key; }) != 0;
  }

  /// Tears down and unloads every module of `context`. The context's owner
  /// calls it before destroying the context and must not use the context
  /// from other threads meanwhile; when it returns, no teardown of the
  /// context is running or will run. Returns how many this call unloaded.
  size_t teardownContext(ContextId context) {
    size_t n = 0;
    for (unsigned i = 0; i < numShards; ++i)
      n += unloadWhere(shardTable[i], [&](const MapKey &k) { return k.context == context; });
    return n;
  }

  /// Unloads every module (interpreter exit). Afterwards get() fails instead
  /// of loading. Idempotent; returns how many this call unloaded.
  size_t shutdown() {
    closed.store(true, std::memory_order_relaxed);
    size_t n = 0;
    for (unsigned i = 0; i < numShards; ++i)
      n += unloadWhere(shardTable[i], [](const MapKey &) { return true; });
    return n;
  }

  /// Modules loaded now, as stats().live, read alone.
  size_t liveModules() const { return liveCount.load(std::memory_order_relaxed); }

  /// Bumped (before the teardown) at every unload: handles cached before may
  /// be stale when it changed.
  uint64_t epoch() const { return epochCount.load(std::memory_order_acquire); }

  Stats stats() const {
    Stats s;
    s.loads = loads.read();
    s.setups = setups.read();
    s.teardowns = teardowns.read();
    s.unloads = unloads.read();
    s.failures = failures.read();
    s.waits = waits.read();
    s.hits = hits.read();
    s.unusedUnloads = unusedUnloads.read();
    s.live = liveCount.load(std::memory_order_relaxed);
    return s;
  }

private:
  struct MapKey {
    const Artifact *artifact;
    ContextId context;
    bool operator==(const MapKey &o) const {
      return artifact == o.artifact && context == o.context;
    }
  };
  struct MapKeyHash {
    size_t operator()(const MapKey &k) const {
      return static_cast<size_t>(
          mixHash(reinterpret_cast<uintptr_t>(k.artifact) ^ mixHash(k.context + 1)));
    }
  };

  /// What a load attempt delivers: a module, or an error.
  struct Published {
    std::shared_ptr<Loaded> loaded;
    std::string error;
  };

  struct Entry {
    /// Pins the artifact, so its address (the key) is not reused while loaded.
    std::shared_ptr<const Artifact> artifact;
    std::shared_future<Published> future;
    uint64_t attempt;
    /// Set by the one call that tears the module down; the entry leaves the
    /// map when it is done, and the shard's `unloaded` is notified.
    bool unloading = false;
    /// unloadWhenUnused: the lease the gets of this module share, if any
    /// is still held (guarded by the shard mutex, like the rest).
    std::weak_ptr<Lease> lease;
  };

  struct alignas(kCacheLine) Shard {
    std::mutex mutex;
    // Notified when an unloading entry has left the map.
    std::condition_variable unloaded;
    std::unordered_map<MapKey, Entry, MapKeyHash> map; // guarded by mutex
    uint64_t attempts = 0;                             // guarded by mutex
  };

  /// The owner's side of one load attempt. fail() or publish() completes it;
  /// if neither ran (load or setup threw), the destructor unloads a loaded
  /// module and fails the attempt, so waiters never hang.
  class Attempt {
  public:
    Attempt(ModuleRegistry &owner, Shard &keyShard, MapKey ownKey, uint64_t ownAttempt,
            ContextId ownContext, std::promise<Published> ownPromise)
        : reg(owner), shard(keyShard), key(ownKey), attempt(ownAttempt), context(ownContext),
          promise(std::move(ownPromise)) {}
    Attempt(const Attempt &) = delete;
    Attempt &operator=(const Attempt &) = delete;
    ~Attempt() {
      if (!done)
        fail("loading the module was interrupted");
    }

    Result fail(std::string error) {
      done = true;
      if (module) {
        reg.loaderFns.unload(*module, context);
        module.reset();
        reg.unloads.add();
        reg.liveCount.fetch_sub(1, std::memory_order_relaxed);
      }
      reg.failures.add();
      {
        // Leave the map before publishing: whoever comes next retries.
        std::lock_guard<std::mutex> lock(shard.mutex);
        auto it = shard.map.find(key);
        if (it != shard.map.end() && it->second.attempt == attempt)
          shard.map.erase(it);
      }
      promise.set_value(Published{nullptr, error});
      return failed(std::move(error));
    }

    void publish(Published published) {
      done = true;
      promise.set_value(std::move(published));
    }

    std::unique_ptr<Module> module; // loaded, setup not done yet

  private:
    ModuleRegistry &reg;
    Shard &shard;
    MapKey key;
    uint64_t attempt;
    ContextId context;
    std::promise<Published> promise;
    bool done = false;
  };

  /// The lease of a ready entry: the one its holders share, or a new one when
  /// the last went (its release then finds this one and leaves the module
  /// loaded). Shard mutex held; null for a registry without leases.
  std::shared_ptr<Lease> leaseOf(const MapKey &key, Entry &entry) {
    if (!leased)
      return nullptr;
    std::shared_ptr<Lease> lease = entry.lease.lock();
    if (!lease) {
      lease.reset(new Lease(*this, key.artifact, key.context, entry.attempt));
      entry.lease = lease;
    }
    return lease;
  }

  /// The lease of `loaded`, just published: null if it was unloaded since.
  std::shared_ptr<Lease> leaseAfterLoad(Shard &shard, const MapKey &key, const Loaded *loaded) {
    if (!leased || !loaded)
      return nullptr;
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.map.find(key);
    if (it == shard.map.end() || it->second.unloading || !isReady(it->second.future) ||
        it->second.future.get().loaded.get() != loaded)
      return nullptr; // unloaded meanwhile: the handle is !alive(), the caller loads again
    return leaseOf(key, it->second);
  }

  /// The last copy of the lease of attempt `attempt` of `key` went: tears the
  /// module down and unloads it, unless another call is unloading it, the
  /// entry is a later load of the same key, or a get() took a new lease.
  /// Never waits for another call.
  void release(const MapKey &key, uint64_t attempt) noexcept {
    Shard &shard = shardFor(key);
    std::shared_ptr<Loaded> mine; // released after the lock
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      auto it = shard.map.find(key);
      if (it == shard.map.end())
        return;
      Entry &entry = it->second;
      if (entry.attempt != attempt || entry.unloading || !isReady(entry.future) ||
          !entry.lease.expired())
        return;
      entry.unloading = true;
      mine = entry.future.get().loaded;
      mine->live.store(false, std::memory_order_release);
      epochCount.fetch_add(1, std::memory_order_release);
    }
    tearDown(*mine);
    std::shared_ptr<const Artifact> pinned; // the artifact too goes after the lock
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      auto it = shard.map.find(key);
      if (it != shard.map.end() && it->second.attempt == attempt) {
        pinned = std::move(it->second.artifact);
        shard.map.erase(it);
      }
      shard.unloaded.notify_all();
    }
    unusedUnloads.add();
  }

  static Result failed(std::string error) {
    Result result;
    result.error = std::move(error);
    return result;
  }

  static bool isReady(const std::shared_future<Published> &future) {
    return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }

  Shard &shardFor(const MapKey &key) const { return shardTable[MapKeyHash()(key) % numShards]; }

  /// Unloads the modules of `shard` whose key matches: marks them under the
  /// lock, tears them down outside it, erases them. Waits for matching loads
  /// in progress and for matching unloads by other calls, then looks again,
  /// until no matching entry is left. Returns how many this call unloaded.
  template <typename Pred> size_t unloadWhere(Shard &shard, Pred matches) {
    size_t count = 0;
    // Declared before the lock, so the last references to unloaded modules
    // (and the artifacts they pin) are dropped after it is released.
    std::vector<std::shared_ptr<Loaded>> released;
    std::unique_lock<std::mutex> lock(shard.mutex);
    for (;;) {
      std::vector<std::pair<MapKey, std::shared_ptr<Loaded>>> mine;
      std::vector<std::shared_future<Published>> loading;
      bool othersUnloading = false;
      for (auto &[key, entry] : shard.map) {
        if (!matches(key))
          continue;
        if (entry.unloading) {
          othersUnloading = true;
        } else if (!isReady(entry.future)) {
          loading.push_back(entry.future);
        } else {
          entry.unloading = true;
          mine.emplace_back(key, entry.future.get().loaded);
          mine.back().second->live.store(false, std::memory_order_release);
          epochCount.fetch_add(1, std::memory_order_release);
        }
      }
      if (mine.empty() && loading.empty()) {
        if (!othersUnloading)
          return count;
        shard.unloaded.wait(lock);
        continue;
      }
      lock.unlock();
      for (auto &item : mine)
        tearDown(*item.second);
      for (auto &future : loading)
        future.wait();
      lock.lock();
      for (auto &item : mine) {
        shard.map.erase(item.first);
        released.push_back(std::move(item.second));
      }
      if (!mine.empty())
        shard.unloaded.notify_all();
      count += mine.size();
    }
  }

  /// Teardown, then unload: exactly once per loaded module, by the call that
  /// marked it. noexcept: an entry left marked would hang every later caller.
  void tearDown(Loaded &loaded) noexcept {
    // Moved out so the user's callable is released here, outside the locks.
    std::function<void(Module &, ContextId)> teardown = std::move(loaded.teardown);
    if (teardown) {
      teardown(*loaded.owned, loaded.ctx);
      teardowns.add();
    }
    loaderFns.unload(*loaded.owned, loaded.ctx);
    unloads.add();
    liveCount.fetch_sub(1, std::memory_order_relaxed);
  }

  const Loader loaderFns;
  const unsigned numShards;
  const std::unique_ptr<Shard[]> shardTable;
  const bool leased;
  std::atomic<bool> closed{false};
  alignas(kCacheLine) std::atomic<uint64_t> epochCount{0};
  alignas(kCacheLine) std::atomic<size_t> liveCount{0};
  PaddedCounter loads, setups, teardowns, unloads, failures, waits, unusedUnloads;
  StripedCounter hits;
};

} // namespace cuft::cache

#endif // CUFT_CACHE_MODULEREGISTRY_H
