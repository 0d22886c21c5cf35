//===- cache_hit.cpp - what a warm cache lookup costs ----------------------===//
//
// Nanoseconds per CompileCache hit on a warm key: one thread, two threads on
// distinct keys, two threads on the same key (both share one shard lock and
// one reference count); per find(); per ModuleRegistry hit. The goal is
// <= 100 ns per hit; this prints figures and asserts nothing.
//
//   build/bin/cuft-bench-cache-hit [iterations per thread, default 2000000]
//
//===----------------------------------------------------------------------===//

#include "cuft/Cache/CompileCache.h"
#include "cuft/Cache/ModuleRegistry.h"
#include "cuft/Compiler/Specialize.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace cuft::cache;

namespace {

struct Artifact {
  std::string text;
  bool ok() const { return true; }
};
struct Module {};
using Cache = CompileCache<Artifact>;
using Registry = ModuleRegistry<Artifact, Module>;

/// The program of kernel number `function`: made once, as a kernel's
/// frontend makes it (its IR digested once).
std::shared_ptr<const cuft::Program> programOf(uint64_t function) {
  static std::vector<std::shared_ptr<const cuft::Program>> programs;
  while (programs.size() <= function)
    programs.push_back(cuft::Program::make(
        "func.func @k_" + std::to_string(programs.size()) + "() { return }",
        "k_" + std::to_string(programs.size())));
  return programs[function];
}

/// A real key (cuft::keyOf, the recipe every client uses) of a saxpy-like
/// specialization of program number `function`.
Key makeKey(uint64_t function) {
  cuft::SpecializationRequest r;
  r.program = programOf(function);
  r.signature = "f32,array<f32,1,C>,array<f32,1,C>";
  r.target = "sm_90";
  return cuft::keyOf(r);
}

/// Runs body(thread, iterations) on `threads` threads started together and
/// returns nanoseconds per iteration per thread, the best of `repeats` runs.
template <typename Body> double nsPer(unsigned threads, uint64_t iterations, Body body) {
  constexpr int kRepeats = 5;
  double best = 1e300;
  for (int r = 0; r < kRepeats; ++r) {
    std::atomic<unsigned> ready{0};
    std::atomic<bool> go{false};
    std::vector<double> ns(threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        ++ready;
        while (!go.load())
          ;
        auto start = std::chrono::steady_clock::now();
        body(t, iterations);
        auto end = std::chrono::steady_clock::now();
        ns[t] = std::chrono::duration<double, std::nano>(end - start).count() / iterations;
      });
    while (ready.load() != threads)
      ;
    go = true;
    for (std::thread &th : pool)
      th.join();
    best = std::min(best, *std::max_element(ns.begin(), ns.end()));
  }
  return best;
}

/// Keeps the optimizer from dropping a lookup whose result is unused.
std::atomic<uintptr_t> sink{0};

} // namespace

int main(int argc, char **argv) {
  uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000000;
  Cache cache;
  // Two keys on different shards, as most distinct keys are (this repeats the
  // cache's shard formula for its default 64 shards).
  std::vector<Key> keys{makeKey(1)};
  for (uint64_t f = 2; keys.size() < 2; ++f)
    if (mixHash(makeKey(f).hash()) % 64 != mixHash(keys[0].hash()) % 64)
      keys.push_back(makeKey(f));
  for (const Key &key : keys)
    cache.getOrCompile(key, [] { return std::make_shared<Artifact>(); });

  auto hitLoop = [&](const Key &key, uint64_t iterations) {
    uintptr_t acc = 0;
    for (uint64_t i = 0; i < iterations; ++i)
      acc += reinterpret_cast<uintptr_t>(
          cache.getOrCompile(key, [] { return std::make_shared<Artifact>(); }).value.get());
    sink += acc;
  };

  std::printf("cuft cache hit, %llu iterations per thread (best of 5; ns per call)\n",
              static_cast<unsigned long long>(n));
  std::printf("  getOrCompile hit, 1 thread:                %7.1f\n",
              nsPer(1, n, [&](unsigned, uint64_t it) { hitLoop(keys[0], it); }));
  std::printf("  getOrCompile hit, 2 threads, distinct keys:%7.1f\n",
              nsPer(2, n, [&](unsigned t, uint64_t it) { hitLoop(keys[t], it); }));
  std::printf("  getOrCompile hit, 2 threads, same key:     %7.1f\n",
              nsPer(2, n, [&](unsigned, uint64_t it) { hitLoop(keys[0], it); }));
  std::printf("  find, 1 thread:                            %7.1f\n",
              nsPer(1, n, [&](unsigned, uint64_t it) {
                uintptr_t acc = 0;
                for (uint64_t i = 0; i < it; ++i)
                  acc += reinterpret_cast<uintptr_t>(cache.find(keys[0]).get());
                sink += acc;
              }));
  std::printf("  keyOf(request) + hit, 1 thread:            %7.1f\n",
              nsPer(1, n, [&](unsigned, uint64_t it) {
                uintptr_t acc = 0;
                for (uint64_t i = 0; i < it; ++i)
                  acc += reinterpret_cast<uintptr_t>(
                      cache.getOrCompile(makeKey(1), [] { return std::make_shared<Artifact>(); })
                          .value.get());
                sink += acc;
              }));

  Registry::Loader loader;
  loader.load = [](const Artifact &, Registry::ContextId, std::string &) {
    return std::make_unique<Module>();
  };
  loader.unload = [](Module &, Registry::ContextId) {};
  Registry registry(loader);
  std::shared_ptr<const Artifact> artifact = cache.find(keys[0]);
  registry.get(artifact, 1);
  std::printf("  ModuleRegistry get hit, 1 thread:          %7.1f\n",
              nsPer(1, n, [&](unsigned, uint64_t it) {
                uintptr_t acc = 0;
                for (uint64_t i = 0; i < it; ++i)
                  acc += reinterpret_cast<uintptr_t>(registry.get(artifact, 1).module.get());
                sink += acc;
              }));

  Cache::Stats s = cache.stats();
  std::printf("  (cache: %llu compiles, %llu hits)\n", static_cast<unsigned long long>(s.compiles),
              static_cast<unsigned long long>(s.hits));
  return 0;
}
