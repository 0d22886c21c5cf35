//===- Threads.h - helpers for the concurrency tests -----------*- C++ -*-===//
//
// Threads that really race (all start at once after a barrier) and a gate a
// test opens when it has seen what it wanted to see.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_TEST_UNIT_CACHE_THREADS_H
#define CUFT_TEST_UNIT_CACHE_THREADS_H

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cuft::test {

/// Generous: ThreadSanitizer on two cores runs these tests ~10x slower.
constexpr std::chrono::seconds kPatience{60};

/// A one-shot event: wait() blocks until open().
class Gate {
public:
  void open() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      isOpen = true;
    }
    cv.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return isOpen; });
  }
  bool waitFor(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex);
    return cv.wait_for(lock, timeout, [&] { return isOpen; });
  }

private:
  std::mutex mutex;
  std::condition_variable cv;
  bool isOpen = false;
};

/// Counts events; a test waits until a number is reached.
class Tally {
public:
  void add() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++n;
    }
    cv.notify_all();
  }
  bool waitFor(unsigned target, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex);
    return cv.wait_for(lock, timeout, [&] { return n >= target; });
  }
  unsigned count() {
    std::lock_guard<std::mutex> lock(mutex);
    return n;
  }

private:
  std::mutex mutex;
  std::condition_variable cv;
  unsigned n = 0;
};

/// Runs body(i) on n threads that start together once all exist, and joins them.
inline void raceThreads(unsigned n, const std::function<void(unsigned)> &body) {
  Tally ready;
  Gate start;
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (unsigned i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      ready.add();
      start.wait();
      body(i);
    });
  ready.waitFor(n, kPatience);
  start.open();
  for (std::thread &t : threads)
    t.join();
}

} // namespace cuft::test

#endif // CUFT_TEST_UNIT_CACHE_THREADS_H
