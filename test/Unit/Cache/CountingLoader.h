//===- CountingLoader.h - a loader that records what happened --*- C++ -*-===//
//
// The registry tests' loader: it counts, can be told to fail or to block, and
// keeps a Record of every module it loaded that outlives the module, plus a
// weak lifetime token, so tests can check exactly-once and no-leak properties.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_TEST_UNIT_CACHE_COUNTINGLOADER_H
#define CUFT_TEST_UNIT_CACHE_COUNTINGLOADER_H

#include "cuft/Cache/ModuleRegistry.h"

#include "Threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cuft::test {

using cuft::cache::ModuleRegistry;

struct TestArtifact {
  int id;
};
using ArtifactPtr = std::shared_ptr<const TestArtifact>;

/// What happened to one loaded module; outlives it.
struct Record {
  int artifact;
  uint64_t context;
  int serial;
  std::atomic<int> setups{0}, setupFailures{0}, teardowns{0}, unloads{0};
};

struct TestModule {
  std::shared_ptr<Record> record;
  std::shared_ptr<int> life; // the test keeps a weak_ptr: expired once destroyed
};

using Registry = ModuleRegistry<TestArtifact, TestModule>;
using ContextId = Registry::ContextId;

inline ArtifactPtr makeArtifact(int id) {
  return std::make_shared<const TestArtifact>(TestArtifact{id});
}

/// A loader that counts, can be told to fail or to block, and keeps a Record
/// and a weak lifetime token of every module it loaded.
class CountingLoader {
public:
  std::atomic<int> loadCalls{0}, loads{0}, unloads{0};
  std::function<bool(int serial)> failLoad = [](int) { return false; };
  std::function<void(ContextId)> onContextUse = [](ContextId) {};
  std::chrono::milliseconds loadDelay{0};
  Gate *loadGate = nullptr;
  std::function<void(const TestArtifact &, ContextId)> beforeLoad = nullptr;

  Registry::Loader loader() {
    Registry::Loader l;
    l.load = [this](const TestArtifact &a, ContextId c,
                    std::string &error) -> std::unique_ptr<TestModule> {
      onContextUse(c);
      int serial = ++loadCalls;
      if (loadDelay.count())
        std::this_thread::sleep_for(loadDelay);
      if (loadGate)
        loadGate->wait();
      if (beforeLoad)
        beforeLoad(a, c);
      if (failLoad(serial)) {
        error = "no such device (load " + std::to_string(serial) + ")";
        return nullptr;
      }
      ++loads;
      auto m = std::make_unique<TestModule>();
      m->record = std::make_shared<Record>();
      m->record->artifact = a.id;
      m->record->context = c;
      m->record->serial = serial;
      m->life = std::make_shared<int>(serial);
      std::lock_guard<std::mutex> lock(mutex);
      records.push_back(m->record);
      lives.push_back(m->life);
      return m;
    };
    l.unload = [this](TestModule &m, ContextId c) {
      onContextUse(c);
      EXPECT_EQ(m.record->context, c);
      EXPECT_EQ(m.record->unloads++, 0) << "module " << m.record->serial << " unloaded twice";
      ++unloads;
    };
    return l;
  }

  std::vector<std::shared_ptr<Record>> allRecords() {
    std::lock_guard<std::mutex> lock(mutex);
    return records;
  }
  bool allModulesDestroyed() {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto &w : lives)
      if (!w.expired())
        return false;
    return true;
  }

private:
  std::mutex mutex;
  std::vector<std::shared_ptr<Record>> records;
  std::vector<std::weak_ptr<int>> lives;
};

/// Callbacks that count on the module's Record; setup fails when told to.
inline Registry::Callbacks
countingCallbacks(std::function<bool(const Record &)> failSetup = nullptr,
                  std::function<void(ContextId)> onContextUse = nullptr) {
  Registry::Callbacks cb;
  cb.setup = [failSetup, onContextUse](TestModule &m, ContextId c) -> std::string {
    if (onContextUse)
      onContextUse(c);
    m.record->setups++;
    if (failSetup && failSetup(*m.record)) {
      m.record->setupFailures++;
      return "setup failed for module " + std::to_string(m.record->serial);
    }
    return "";
  };
  cb.teardown = [onContextUse](TestModule &m, ContextId c) {
    if (onContextUse)
      onContextUse(c);
    EXPECT_EQ(m.record->teardowns++, 0) << "module " << m.record->serial << " torn down twice";
    EXPECT_EQ(m.record->unloads.load(), 0) << "teardown after unload";
  };
  return cb;
}

} // namespace cuft::test

#endif // CUFT_TEST_UNIT_CACHE_COUNTINGLOADER_H
