//===- HostLaunch.cpp - run a grid on the CPU with CUDA semantics ---------===//
//
// A process-wide pool of worker threads takes the blocks of every launch in
// turn, and the launching thread takes blocks of its own launch too (a
// one-block launch runs on it alone, with no hand-off). A worker runs one
// block at a time: each CUDA thread of a kernel with barriers is a fiber on the
// worker's stack-switching scheduler; a kernel without barriers runs its
// block's threads in one loop on one fiber. A block's
// shared memory is the worker's buffer, so blocks on different workers never
// share it. Errors (a failed bounds check, a hardware trap) switch back to the
// scheduler, stop the launch and are reported to the launching thread.
//
// Shared state: the job queue (Pool::mutex); a job's counters (atomics) and
// first error (Job::errorMutex); everything else belongs to one worker (a pool
// thread's, or a launching thread's thread_local one).
//
//===----------------------------------------------------------------------===//

#include "Fiber.h"
#include "HostRuntime.h"
#include "Interrupt.h"
#include "PrivateAtomics.h"
#include "SoftFloat.h"

#include "cuft/Conversion/GPUToHost/GPUToHost.h"
#include "cuft/Runtime/Collectives.h"
#include "cuft/Runtime/Host.h"
#include "cuft/Runtime/LaunchShape.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

using namespace cuft::host;
using namespace cuft::host::detail;

namespace {

size_t envSize(const char *name, size_t fallback) {
  if (const char *v = std::getenv(name)) {
    char *end = nullptr;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (end != v && *end == '\0' && n > 0)
      return n;
  }
  return fallback;
}

size_t pageSize() {
  static const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

/// Usable bytes of a fiber's stack by default: local arrays live there.
size_t fiberStackBytes() {
  static const size_t bytes = envSize("CUFT_HOST_STACK_KB", 256) * 1024;
  return bytes;
}

/// The stack a kernel's threads get: the default, or its stack slots (local
/// arrays) and 64 KiB for everything else when those need more. A frame that
/// still does not fit faults on the guard page (frames are probed page by
/// page) and is reported as a stack overflow.
size_t fiberStackBytesFor(const Kernel &kernel) {
  size_t needed = (kernel.localBytes() + (64u << 10) + pageSize() - 1) & ~(pageSize() - 1);
  return std::max(fiberStackBytes(), needed);
}

/// A memref descriptor for a 1-D buffer, as the packed entry reads it.
struct Buffer1D {
  void *allocated = nullptr, *aligned = nullptr;
  int64_t offset = 0, size = 0, stride = 1;
  void appendSlots(std::vector<void *> &slots) {
    slots.insert(slots.end(), {&allocated, &aligned, &offset, &size, &stride});
  }
  void point(void *p, int64_t n) {
    allocated = aligned = p;
    size = n;
  }
};

struct Job {
  const Kernel *kernel;
  uint32_t grid[3], block[3];
  std::vector<void *> userArgs;
  uint64_t numBlocks;
  std::atomic<uint64_t> next{0}, finished{0};
  std::atomic<bool> failed{false};
  bool interruptible = false; // stops at Ctrl-C (Interrupt.h)
  uint32_t dynamicShared = 0;  // bytes after the kernel's static shared memory
  /// Blocks a worker takes at a time: for a cooperative launch (a kernel
  /// that syncs its grid) as many as an SM holds, which it runs together,
  /// taking at a grid sync whatever no worker took yet; for a kernel whose
  /// threads run in loops, a run of blocks it runs one after another
  /// (sharesOf); else 1.
  uint64_t share = 1;
  /// The arrays whose atomic updates each worker applies to a copy of its own
  /// (PrivateAtomics.h), merged once it takes no more blocks (drain).
  std::vector<PrivatePlan> privates;

  /// The grid barrier of a cooperative launch: blocks at it (their live
  /// threads all waiting), blocks ended, and barriers passed.
  std::mutex gridMutex;
  std::condition_variable gridCv;
  uint64_t gridArrived = 0, gridEnded = 0, gridGeneration = 0;
  uint32_t endedBlock[3] = {0, 0, 0}; // the first block that ended

  std::mutex errorMutex;
  LaunchError error; // the first one

  std::mutex doneMutex;
  std::condition_variable doneCv;
  bool done = false;

  void fail(LaunchError e) {
    {
      std::lock_guard<std::mutex> lock(errorMutex);
      if (!failed.exchange(true))
        error = std::move(e);
    }
    gridCv.notify_all(); // workers at the grid barrier give up
  }

  /// `arriving` blocks (of a worker) are at the grid barrier: waits until
  /// every block of the grid is, or the launch fails (false). Blocks that
  /// ended instead make it a deadlock, as on a GPU.
  bool gridBarrier(uint64_t arriving);
  /// A block of a cooperative launch ended (all its threads).
  void blockEnded(const uint32_t block[3]);

  /// Whether Ctrl-C stops this launch now.
  bool interrupted() const {
    return interruptible && interruptFlag.load(std::memory_order_relaxed) != 0;
  }
};

LaunchError interruptedError() {
  LaunchError e;
  e.kind = LaunchError::Kind::Interrupted;
  e.message = "the launch was interrupted (SIGINT)";
  return e;
}

struct Worker;

/// Where a block's dynamic shared memory starts: convert-gpu-to-host places it
/// after the static arrays, aligned as asked, and a kernel that uses it needs
/// shared memory up to there.
uint64_t dynamicSharedOffset(const Kernel &kernel) { return kernel.sharedBytes(); }

/// One CUDA thread (or, without barriers, a whole block's loop).
struct Task {
  /// Yielded: gave the other threads a turn inside a loop that may wait on
  /// them (a spin-wait); it runs again in the next round. AtCollective: waits
  /// for the lanes of its mask at a warp collective (cuftHostCollective).
  /// AtGridSync: waits for every thread of the grid (cuftHostGridSync).
  enum class State { Running, AtBarrier, Yielded, AtCollective, AtGridSync, Done, Failed };
  uint32_t latches = 0; // loop iterations seen by cuftHostYield
  uint64_t more = 0;     // blocks to run after this one (a kernel without fibers)
  /// The collective it waits at (or the barrier's predicate), and its result.
  cuft::Collective collective = cuft::Collective::SyncWarp;
  uint32_t mask = 0;
  uint64_t value = 0, result = 0;
  int32_t arg = 0, width = 0;
  size_t index = 0; // its thread's linear index in the block
  size_t block = 0; // which of its worker's blocks
  FiberContext context;
  State state = State::Running;
  Worker *worker = nullptr;
  uint32_t ids[cuft::kIdSlots] = {};
  Buffer1D idsBuffer;
  std::vector<void *> args;
};

/// A fiber stack with a guard page below it, mapped lazily by the kernel.
struct Stack {
  char *base = nullptr; // the guard page
  size_t bytes = 0;
  char *usable() const { return base + pageSize(); }
  bool contains(const void *p) const {
    auto *c = static_cast<const char *>(p);
    return c >= base && c < base + pageSize() + bytes;
  }
  bool inGuard(const void *p) const {
    auto *c = static_cast<const char *>(p);
    return c >= base && c < base + pageSize();
  }
};

/// A block a worker runs: its ids, its shared memory, how many of its threads
/// have not ended, and what its last barrier's predicates reduced to.
struct BlockRun {
  uint32_t id[3] = {0, 0, 0};
  uint64_t linear = 0; // the same, as the block's index in the grid
  std::unique_ptr<char[]> storage;
  size_t capacity = 0;
  Buffer1D shared;
  size_t live = 0;
  /// syncthreads_count/and/or of the barrier being released: over its threads.
  int64_t barrierCount = 0;
  bool barrierAll = true, barrierAny = false;
};

struct Worker {
  FiberContext scheduler;
  Task *current = nullptr;
  Job *job = nullptr;
  std::vector<std::unique_ptr<Task>> tasks; // block after block, blockTasks each
  std::vector<Stack> stacks;
  std::vector<std::unique_ptr<BlockRun>> blocks; // the first numBlocks run now
  size_t numBlocks = 0;
  size_t blockTasks = 0; // tasks per block: its threads, or 1 (a loop)
  std::vector<char> release; // per block: its barrier releases this round
  PrivateCopies copies;

  Worker() = default;
  Worker(const Worker &) = delete;
  Worker &operator=(const Worker &) = delete;
  /// Launching threads come and go: their workers give the stacks back.
  ~Worker() {
    for (const Stack &s : stacks)
      munmap(s.base, s.bytes + pageSize());
  }

  Task &task(size_t block, size_t index) { return *tasks[block * blockTasks + index]; }
  BlockRun &blockOf(const Task &t) { return *blocks[t.block]; }
  bool prepare(size_t numTasks, size_t stackBytes);
  /// Adds blocks [first, first + count) of `j` to those this worker runs, their
  /// threads at their start. False (the launch failed) when no stacks map.
  bool addBlocks(Job &j, uint64_t first, uint64_t count);
  /// Runs blocks [first, first + count) of `j` together to their end; a
  /// cooperative launch's worker takes more blocks of the launch and meets
  /// the others at its grid barriers. Returns how many blocks it took (run,
  /// or given up when the launch failed), for the launch to count.
  uint64_t runBlocks(Job &j, uint64_t first, uint64_t count);
  /// Completes the collectives of warp `warp` of block `block` whose lanes
  /// have all arrived.
  void completeWarp(size_t block, size_t warp);
  [[noreturn]] void abandonCurrent(LaunchError error);
};

thread_local Worker *currentWorker = nullptr;

/// Sets the ids of `run` and of its task `t` to those of block `linear`.
void setBlock(const Job &j, BlockRun &run, Task &t, uint64_t linear) {
  run.linear = linear;
  run.id[0] = static_cast<uint32_t>(linear % j.grid[0]);
  run.id[1] = static_cast<uint32_t>(linear / j.grid[0] % j.grid[1]);
  run.id[2] = static_cast<uint32_t>(linear / (uint64_t(j.grid[0]) * j.grid[1]));
  for (unsigned d = 0; d < 3; ++d)
    t.ids[cuft::kBlockIdSlot + d] = run.id[d];
}

/// The fiber's body: the kernel entry, then back to the scheduler for good.
/// A task that runs a block's threads in a loop runs `more` blocks after its
/// first, unless the launch fails or is interrupted first: those of a row of
/// the grid together (kRunSlot), when the kernel has no shared memory, else
/// one after another (the same shared memory: its contents are undefined
/// when a block starts).
void taskMain(void *p) {
  auto *task = static_cast<Task *>(p);
  Worker &w = *task->worker;
  Job &j = *w.job;
  auto entry = j.kernel->entry();
  bool runs = j.kernel->blockRuns() && dynamicSharedOffset(*j.kernel) + j.dynamicShared == 0;
  BlockRun &block = w.blockOf(*task);
  for (uint64_t left = task->more + 1;;) {
    // The first and the last block of a row of the grid run alone: a guard
    // (`if 0 < i < n - 1:`) usually fails in them only, and a run's loops
    // are versioned on whether the guards hold for all of its threads
    // (GuardedLoops.cpp), the fast copy vectorized without masks.
    uint32_t x = block.id[0];
    uint64_t run = !runs || x == 0 || x + 1 >= j.grid[0]
                       ? 1
                       : std::min<uint64_t>(left, j.grid[0] - 1 - x);
    task->ids[cuft::kRunSlot] = static_cast<uint32_t>(run);
    entry(task->args.data());
    if ((left -= run) == 0)
      break;
    if (j.interrupted())
      j.fail(interruptedError());
    if (j.failed.load(std::memory_order_relaxed))
      break;
    setBlock(j, block, *task, block.linear + run);
  }
  task->state = Task::State::Done;
  fiberSwitch(task->context, w.scheduler);
  __builtin_trap(); // a finished fiber is never resumed
}

bool Worker::prepare(size_t numTasks, size_t stackBytes) {
  // Stacks too small for this kernel (from the first one too small on) are
  // given back and mapped again, larger. (Blocks added to a running launch
  // find the stacks in use large enough: the same kernel's.)
  size_t fit = 0;
  while (fit < stacks.size() && fit < numTasks && stacks[fit].bytes >= stackBytes)
    ++fit;
  if (fit < std::min(stacks.size(), numTasks)) {
    for (size_t i = fit; i < stacks.size(); ++i)
      munmap(stacks[i].base, stacks[i].bytes + pageSize());
    stacks.resize(fit);
  }
  while (stacks.size() < numTasks) {
    Stack s;
    s.bytes = stackBytes;
    void *m = mmap(nullptr, s.bytes + pageSize(), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED)
      return false;
    s.base = static_cast<char *>(m);
    mprotect(s.base, pageSize(), PROT_NONE);
    stacks.push_back(s);
  }
  while (tasks.size() < numTasks) {
    tasks.push_back(std::make_unique<Task>());
    tasks.back()->worker = this;
  }
  return true;
}

bool Worker::addBlocks(Job &j, uint64_t first, uint64_t count) {
  const Kernel &kernel = *j.kernel;
  size_t from = numBlocks;
  if (!prepare((from + count) * blockTasks, fiberStackBytesFor(kernel))) {
    LaunchError e;
    e.kind = LaunchError::Kind::Trap;
    e.message = "cannot map " + std::to_string((from + count) * blockTasks) + " fiber stacks";
    j.fail(std::move(e));
    return false;
  }
  uint64_t sharedBytes = dynamicSharedOffset(kernel) + j.dynamicShared;
  while (blocks.size() < from + count)
    blocks.push_back(std::make_unique<BlockRun>());
  for (size_t b = from; b < from + count; ++b) {
    BlockRun &run = *blocks[b];
    if (run.capacity < sharedBytes) {
      run.capacity = std::max<size_t>(sharedBytes, 4096);
      run.storage.reset(new char[run.capacity + cuft::kMaxArrayAlignment]);
    }
    // Aligned for any shared array's alignment (offsets in the block's memory
    // are aligned as their arrays ask).
    auto base = (reinterpret_cast<uintptr_t>(run.storage.get()) + cuft::kMaxArrayAlignment - 1) &
                ~uintptr_t(cuft::kMaxArrayAlignment - 1);
    run.shared.point(reinterpret_cast<char *>(base), static_cast<int64_t>(sharedBytes));
    run.live = blockTasks;
    for (size_t i = 0; i < blockTasks; ++i) {
      size_t k = b * blockTasks + i;
      Task &t = *tasks[k];
      t.state = Task::State::Running;
      t.block = b;
      t.index = i;
      t.value = 0;
      t.more = 0;
      t.ids[cuft::kThreadIdSlot] = static_cast<uint32_t>(i % j.block[0]);
      t.ids[cuft::kThreadIdSlot + 1] = static_cast<uint32_t>(i / j.block[0] % j.block[1]);
      t.ids[cuft::kThreadIdSlot + 2] = static_cast<uint32_t>(i / (j.block[0] * j.block[1]));
      setBlock(j, run, t, first + (b - from));
      for (unsigned d = 0; d < 3; ++d) {
        t.ids[cuft::kBlockDimSlot + d] = j.block[d];
        t.ids[cuft::kGridDimSlot + d] = j.grid[d];
      }
      t.ids[cuft::kPrivateSlot] = 0; // atomics stay atomic, unless runBlocks says
      t.ids[cuft::kRunSlot] = 1;
      t.idsBuffer.point(t.ids, cuft::kIdSlots);
      t.args.assign(j.userArgs.begin(), j.userArgs.end());
      t.idsBuffer.appendSlots(t.args);
      run.shared.appendSlots(t.args);
      fiberInit(t.context, stacks[k].usable(), stacks[k].bytes, taskMain, &t);
    }
  }
  numBlocks = from + count;
  return true;
}

LaunchError deadlockError(const uint32_t block[3], const std::string &what) {
  LaunchError e;
  e.kind = LaunchError::Kind::Trap;
  e.message = "deadlock: " + what;
  for (unsigned d = 0; d < 3; ++d)
    e.block[d] = block[d];
  return e;
}

LaunchError gridDeadlock(const uint32_t block[3]) {
  return deadlockError(block, "blocks wait at a grid sync (cuft.cg.this_grid().sync()) that "
                              "block (" + std::to_string(block[0]) + ", " +
                              std::to_string(block[1]) + ", " + std::to_string(block[2]) +
                              ") does not reach: it ended, or its threads wait elsewhere");
}

bool Job::gridBarrier(uint64_t arriving) {
  std::unique_lock<std::mutex> lock(gridMutex);
  uint64_t generation = gridGeneration;
  gridArrived += arriving;
  if (gridArrived + gridEnded == numBlocks) {
    if (gridEnded) {
      uint32_t ended[3] = {endedBlock[0], endedBlock[1], endedBlock[2]};
      lock.unlock();
      fail(gridDeadlock(ended));
      return false;
    }
    gridArrived = 0;
    ++gridGeneration;
    gridCv.notify_all();
    return true;
  }
  while (generation == gridGeneration) {
    if (failed.load(std::memory_order_relaxed))
      return false;
    if (interrupted()) {
      lock.unlock();
      fail(interruptedError());
      return false;
    }
    gridCv.wait_for(lock, std::chrono::milliseconds(20));
  }
  return true;
}

void Job::blockEnded(const uint32_t block[3]) {
  std::unique_lock<std::mutex> lock(gridMutex);
  if (gridEnded++ == 0)
    std::copy(block, block + 3, endedBlock);
  if (gridArrived > 0 && gridArrived + gridEnded == numBlocks) {
    lock.unlock();
    fail(gridDeadlock(endedBlock));
  }
}

uint64_t Worker::runBlocks(Job &j, uint64_t first, uint64_t count) {
  const Kernel &kernel = *j.kernel;
  job = &j;
  numBlocks = 0;
  blockTasks = kernel.usesFibers() ? size_t(j.block[0]) * j.block[1] * j.block[2] : 1;
  uint64_t taken = count;
  if (!kernel.usesFibers() && !kernel.cooperative()) {
    // One task runs the blocks one after another (taskMain).
    if (addBlocks(j, first, 1)) {
      Task &t = *tasks[0];
      t.more = count - 1;
      // The worker's copies, filled at its first run of blocks of the launch
      // and merged once it takes no more (drain).
      if (!j.privates.empty())
        t.ids[cuft::kPrivateSlot] = copies.use(j.privates, t.args);
      current = &t;
      fiberSwitch(scheduler, t.context);
      current = nullptr;
    }
    job = nullptr;
    return taken;
  }
  if (!addBlocks(j, first, count)) {
    job = nullptr;
    return taken;
  }
  // Round-robin: each round runs every live thread up to its next barrier, a
  // yield or its end. Threads at a barrier go on only once every live thread
  // of their block is at it, so none passes a barrier early; a thread that
  // yielded (a spin-wait) runs again each round, so the thread it waits for
  // runs too. A thread at a warp collective goes on once every live lane of
  // its mask is at it (completeWarp). Once every live thread is at a grid
  // sync, the worker takes the launch's blocks no one took yet, else meets
  // the other workers at the launch's grid barrier. A round in which no
  // thread can run otherwise is a deadlock, reported as such.
  size_t live = numBlocks * blockTasks;
  while (live > 0 && !j.failed.load(std::memory_order_relaxed)) {
    release.assign(numBlocks, 0);
    for (size_t b = 0; b < numBlocks; ++b) {
      BlockRun &run = *blocks[b];
      size_t waiting = 0;
      for (size_t i = 0; i < blockTasks; ++i)
        waiting += task(b, i).state == Task::State::AtBarrier;
      if (run.live == 0 || waiting != run.live)
        continue;
      release[b] = 1; // syncthreads_count/and/or: every thread's predicate
      run.barrierCount = 0;
      run.barrierAll = true;
      run.barrierAny = false;
      for (size_t i = 0; i < blockTasks; ++i) {
        bool p = task(b, i).value != 0;
        run.barrierCount += p;
        run.barrierAll &= p;
        run.barrierAny |= p;
      }
    }
    bool ran = false;
    size_t atGridSync = 0;
    for (size_t k = 0; k < numBlocks * blockTasks; ++k) {
      Task &t = *tasks[k];
      if (t.state == Task::State::AtGridSync)
        ++atGridSync;
      if (t.state == Task::State::Done || t.state == Task::State::AtCollective ||
          t.state == Task::State::AtGridSync ||
          (t.state == Task::State::AtBarrier && !release[t.block]))
        continue;
      ran = true;
      t.state = Task::State::Running;
      current = &t;
      fiberSwitch(scheduler, t.context);
      current = nullptr;
      if (t.state == Task::State::Failed) {
        job = nullptr;
        return taken;
      }
      if (t.state == Task::State::Done) {
        --live;
        if (--blockOf(t).live == 0 && kernel.cooperative())
          j.blockEnded(blockOf(t).id);
      }
      if (t.state == Task::State::Done || t.state == Task::State::AtCollective)
        completeWarp(t.block, t.index / cuft::kWarpSize);
    }
    if (ran || live == 0)
      continue;
    if (atGridSync == live) {
      // Every live thread here waits at the grid's barrier: the blocks no
      // worker took yet start first (no barrier can pass without them).
      uint64_t more = j.next.exchange(j.numBlocks, std::memory_order_relaxed);
      if (more < j.numBlocks) {
        taken += j.numBlocks - more;
        if (!addBlocks(j, more, j.numBlocks - more))
          break;
        live += (j.numBlocks - more) * blockTasks;
        continue;
      }
      size_t arriving = 0;
      for (size_t b = 0; b < numBlocks; ++b)
        arriving += blocks[b]->live > 0;
      if (!j.gridBarrier(arriving))
        break;
      for (size_t k = 0; k < numBlocks * blockTasks; ++k)
        if (tasks[k]->state == Task::State::AtGridSync)
          tasks[k]->state = Task::State::Yielded;
      continue;
    }
    size_t firstLive = 0;
    while (tasks[firstLive]->state == Task::State::Done)
      ++firstLive;
    const BlockRun &stuck = *blocks[tasks[firstLive]->block];
    j.fail(deadlockError(stuck.id,
                         "the threads of a block wait at warp collectives (shfl_sync, "
                         "all_sync, syncwarp, ...), barriers or grid syncs that not every "
                         "thread of the mask, block or grid reaches"));
    break;
  }
  job = nullptr;
  return taken;
}

void Worker::completeWarp(size_t block, size_t warp) {
  using cuft::Collective;
  size_t first = warp * cuft::kWarpSize;
  size_t lanes = std::min<size_t>(cuft::kWarpSize, blockTasks - first);
  auto lane = [&](size_t l) -> Task & { return task(block, first + l); };
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t l = 0; l < lanes; ++l) {
      if (lane(l).state != Task::State::AtCollective)
        continue;
      // The live lanes of its mask: all must be at the collective.
      uint32_t mask = lane(l).mask, present = 0;
      bool ready = true;
      for (size_t k = 0; k < lanes; ++k) {
        if (!(mask >> k & 1) || lane(k).state == Task::State::Done)
          continue;
        ready &= lane(k).state == Task::State::AtCollective;
        present |= 1u << k;
      }
      if (!ready)
        continue;
      Collective kind = lane(l).collective;
      uint32_t ballot = 0;
      bool all = true, any = false;
      for (size_t k = 0; k < lanes; ++k)
        if (present >> k & 1) {
          bool p = lane(k).value != 0;
          ballot |= uint32_t(p) << k;
          all &= p;
          any |= p;
        }
      for (size_t k = 0; k < lanes; ++k) {
        if (!(present >> k & 1))
          continue;
        Task &t = lane(k);
        switch (kind) {
        case Collective::ShflIdx:
        case Collective::ShflUp:
        case Collective::ShflDown:
        case Collective::ShflXor: {
          // A lane that is not in the shuffle gives nothing defined on a GPU:
          // the thread's own value here.
          int src = cuft::shuffleSource(kind, int(k), t.arg, t.width);
          bool in = src >= 0 && size_t(src) < lanes && (present >> src & 1);
          t.result = in ? lane(size_t(src)).value : t.value;
          break;
        }
        case Collective::All: t.result = all; break;
        case Collective::Any: t.result = any; break;
        case Collective::Eq: t.result = all || !any; break;
        case Collective::Ballot: t.result = ballot; break;
        case Collective::MatchAny:
        case Collective::MatchAll: {
          uint32_t same = 0;
          for (size_t o = 0; o < lanes; ++o)
            if ((present >> o & 1) && lane(o).value == t.value)
              same |= 1u << o;
          t.result = kind == Collective::MatchAny ? same : same == present ? present : 0;
          break;
        }
        default: t.result = 0; break; // SyncWarp
        }
        t.state = Task::State::Yielded; // runs on in the next turn
      }
      progress = true;
    }
  }
}

void Worker::abandonCurrent(LaunchError error) {
  for (unsigned d = 0; d < 3; ++d) // a run's entry updates blockIdx.x (kRunSlot)
    error.block[d] = current->ids[cuft::kBlockIdSlot + d];
  job->fail(std::move(error));
  current->state = Task::State::Failed;
  fiberSwitch(current->context, scheduler);
  __builtin_trap(); // an abandoned fiber is never resumed
}

// -- functions the kernels call ------------------------------------------------

extern "C" void cuftHostBarrier() {
  Worker *w = currentWorker;
  w->current->value = 0; // no predicate (see cuftHostCollective)
  w->current->state = Task::State::AtBarrier;
  fiberSwitch(w->current->context, w->scheduler);
}

/// A warp collective, or a barrier that reduces the block's predicates
/// (Collectives.h): a rendezvous in the block's scheduler.
extern "C" uint64_t cuftHostCollective(int32_t kind, int32_t mask, uint64_t value, int32_t arg,
                                       int32_t width, int32_t bits) {
  using cuft::Collective;
  Worker *w = currentWorker;
  Task &t = *w->current;
  auto k = static_cast<Collective>(kind);
  if (k == Collective::ActiveMask) { // the warp's lanes that have not exited
    size_t first = t.index / cuft::kWarpSize * cuft::kWarpSize;
    uint32_t active = 0;
    for (size_t l = 0; l < size_t(cuft::kWarpSize) && first + l < w->blockTasks; ++l)
      if (w->task(t.block, first + l).state != Task::State::Done)
        active |= 1u << l;
    return active;
  }
  t.value = bits == 32 ? value & 0xFFFFFFFFu : value;
  if (cuft::isBlockReduction(k)) {
    t.state = Task::State::AtBarrier;
    fiberSwitch(t.context, w->scheduler);
    const BlockRun &run = w->blockOf(t);
    return k == Collective::SyncThreadsCount ? uint64_t(run.barrierCount)
           : k == Collective::SyncThreadsAnd ? uint64_t(run.barrierAll)
                                             : uint64_t(run.barrierAny);
  }
  t.collective = k;
  t.mask = uint32_t(mask);
  t.arg = arg;
  t.width = width;
  t.state = Task::State::AtCollective;
  fiberSwitch(t.context, w->scheduler);
  return t.result;
}

/// cuft.cg.this_grid().sync(): waits in the block's scheduler until every
/// live thread of the grid is at a grid sync (Worker::runBlocks).
extern "C" void cuftHostGridSync() {
  Worker *w = currentWorker;
  w->current->state = Task::State::AtGridSync;
  fiberSwitch(w->current->context, w->scheduler);
}

/// The launch's dynamic shared memory, in bytes (cuft.shared.array(0, dtype)).
extern "C" int32_t cuftHostDynamicSharedBytes() {
  return int32_t(currentWorker->job->dynamicShared);
}

/// Called at a loop latch of kernel code when interruptFlag is set.
extern "C" void cuftHostPoll() {
  Worker *w = currentWorker;
  if (w->job->interrupted())
    w->abandonCurrent(interruptedError());
  // Not this launch's to take: a flag no interruptible launch takes is cleared
  // so that loops stop calling here.
  if (!interruptibleLaunchRunning())
    interruptFlag.store(0, std::memory_order_relaxed);
}

/// How many loop iterations a thread runs between two yields in a loop that
/// uses atomics or fences: a spin-wait gets the thread it waits for run at
/// least that often, and a loop of atomic updates pays for a fiber switch
/// only now and then.
constexpr uint32_t kIterationsPerYield = 16;

/// Called at each loop latch of a loop that uses atomics or fences (a
/// possible spin-wait): threads running as fibers take turns.
extern "C" void cuftHostYield() {
  Worker *w = currentWorker;
  if (interruptFlag.load(std::memory_order_relaxed))
    cuftHostPoll();
  if (!w->job->kernel->usesFibers() || ++w->current->latches % kIterationsPerYield)
    return;
  w->current->state = Task::State::Yielded;
  fiberSwitch(w->current->context, w->scheduler);
}

/// cuft.nanosleep: PTX may sleep for no time at all; a thread running as a
/// fiber gives the block's other threads a turn (the one a spin-wait waits
/// for among them).
extern "C" void cuftHostNanosleep(uint32_t) {
  Worker *w = currentWorker;
  if (interruptFlag.load(std::memory_order_relaxed))
    cuftHostPoll();
  if (!w->job->kernel->usesFibers())
    return;
  w->current->state = Task::State::Yielded;
  fiberSwitch(w->current->context, w->scheduler);
}

/// The float16 and bfloat16 conversions LLVM's code generator calls where
/// the CPU has no instruction for them (SoftFloat.h). Such a value travels in
/// the low 16 bits of the first vector register (x86-64 and AArch64 alike):
/// a float with those bits is returned, or taken, there.
namespace sf = cuft::host::softfloat;
extern "C" float cuftTruncSfBf2(float x) {
  return sf::floatOf(sf::bf16FromFloatBits(sf::bitsOf(x)));
}
extern "C" float cuftTruncDfBf2(double x) {
  return sf::floatOf(sf::bf16FromFloatBits(sf::floatBitsRoundedToOdd(x)));
}
extern "C" float cuftTruncSfHf2(float x) {
  return sf::floatOf(sf::halfFromFloatBits(sf::bitsOf(x)));
}
extern "C" float cuftTruncDfHf2(double x) {
  return sf::floatOf(sf::halfFromFloatBits(sf::floatBitsRoundedToOdd(x)));
}
extern "C" float cuftExtendHfSf2(float h) {
  return sf::floatOf(sf::floatBitsFromHalf(static_cast<uint16_t>(sf::bitsOf(h))));
}

/// The error of a failed check at `site` by thread (tx, ty, tz).
LaunchError checkError(LaunchError::Kind kind, int64_t site, int64_t tx, int64_t ty,
                       int64_t tz) {
  LaunchError e;
  e.kind = kind;
  const auto &sites = currentWorker->job->kernel->indexSites();
  if (site >= 0 && static_cast<size_t>(site) < sites.size())
    e.site = sites[site];
  e.thread[0] = static_cast<uint32_t>(tx);
  e.thread[1] = static_cast<uint32_t>(ty);
  e.thread[2] = static_cast<uint32_t>(tz);
  return e;
}

extern "C" void cuftHostIndexError(int64_t site, int64_t dim, int64_t index, int64_t size,
                                   int64_t tx, int64_t ty, int64_t tz) {
  LaunchError e = checkError(LaunchError::Kind::Index, site, tx, ty, tz);
  e.dim = dim;
  e.index = index;
  e.size = size;
  e.message = "index " + std::to_string(index) + " is out of bounds for axis " +
              std::to_string(dim) + " with size " + std::to_string(size);
  currentWorker->abandonCurrent(std::move(e));
}

extern "C" void cuftHostZeroDivisionError(int64_t site, int64_t tx, int64_t ty, int64_t tz) {
  LaunchError e = checkError(LaunchError::Kind::ZeroDivision, site, tx, ty, tz);
  e.message = "integer division or modulo by zero";
  currentWorker->abandonCurrent(std::move(e));
}

extern "C" void cuftHostReshapeError(int64_t site, int64_t size, int64_t elements, int64_t why,
                                     int64_t tx, int64_t ty, int64_t tz) {
  LaunchError e = checkError(LaunchError::Kind::Reshape, site, tx, ty, tz);
  e.size = size;
  e.index = elements;
  e.message = why == 2   ? "negative dimensions are not allowed in a reshape"
              : why == 1 ? "a reshape can only infer one dimension (one -1)"
                         : "cannot reshape an array of size " + std::to_string(size) +
                               " into a shape of " + std::to_string(elements) + " elements";
  currentWorker->abandonCurrent(std::move(e));
}

/// `raise` (or a failed assert) with debug=True: exception `code` of the
/// frontend's table; the launch stops as at a failed check.
extern "C" void cuftHostRaise(int64_t site, int64_t code, int64_t tx, int64_t ty, int64_t tz) {
  LaunchError e = checkError(LaunchError::Kind::Raise, site, tx, ty, tz);
  e.index = code;
  e.message = "raised";
  currentWorker->abandonCurrent(std::move(e));
}

// -- hardware traps --------------------------------------------------------------

constexpr int kTrapSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
struct sigaction previousActions[NSIG];
std::mutex signalMutex;

std::string describeTrap(int sig, const siginfo_t *info, const Worker &w) {
  switch (sig) {
  case SIGFPE:
    if (info->si_code == FPE_INTDIV)
      return "integer division by zero, or overflow (SIGFPE)";
    if (info->si_code == FPE_INTOVF)
      return "integer overflow in a division (SIGFPE)";
    return "arithmetic trap (SIGFPE)";
  case SIGSEGV:
  case SIGBUS: {
    for (const Stack &s : w.stacks)
      if (s.inGuard(info->si_addr))
        return "stack overflow of a kernel thread (large local arrays? the stack is "
               "CUFT_HOST_STACK_KB=" +
               std::to_string(s.bytes / 1024) + " KiB)";
    char address[32];
    std::snprintf(address, sizeof address, "%p", info->si_addr);
    return std::string("invalid memory access at ") + address +
           (sig == SIGSEGV ? " (SIGSEGV)" : " (SIGBUS)");
  }
  default:
    return std::string("trap instruction (") + (sig == SIGILL ? "SIGILL" : "SIGTRAP") + ")";
  }
}

/// The address of the instruction that trapped, from the signal's context.
uint64_t faultingPC(void *ucontext) {
  auto *uc = static_cast<ucontext_t *>(ucontext);
#if defined(__x86_64__)
  return static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<uint64_t>(uc->uc_mcontext.pc);
#else
  (void)uc;
  return 0;
#endif
}

void onTrap(int sig, siginfo_t *info, void *ucontext) {
  Worker *w = currentWorker;
  if (w && w->current && w->job) {
    LaunchError e;
    e.kind = LaunchError::Kind::Trap;
    e.message = describeTrap(sig, info, *w);
    e.pc = faultingPC(ucontext);
    if (w->job->kernel->usesFibers())
      for (unsigned d = 0; d < 3; ++d)
        e.thread[d] = w->current->ids[cuft::kThreadIdSlot + d];
    // SA_NODEFER: the signal is not blocked in here, so leaving the handler
    // by switching fibers leaves the signal mask as it was.
    w->abandonCurrent(std::move(e));
  }
  // Not a kernel's: hand it to whoever handled it before cuft.
  const struct sigaction &previous = previousActions[sig];
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction) {
      previous.sa_sigaction(sig, info, ucontext);
      return;
    }
  } else if (previous.sa_handler == SIG_IGN) {
    return;
  } else if (previous.sa_handler != SIG_DFL) {
    previous.sa_handler(sig);
    return;
  }
  // Default action: reinstall it; the faulting instruction runs again and
  // the process ends as it would have without cuft.
  signal(sig, SIG_DFL);
}

/// Whether onTrap is the handler of `sig` now (one sigaction query).
bool trapHandlerInstalled(int sig) {
  struct sigaction current;
  return sigaction(sig, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) &&
         current.sa_sigaction == onTrap;
}

/// When the handlers of every trap signal were last found to be onTrap
/// (steady-clock nanoseconds; 0: never).
std::atomic<int64_t> trapHandlersCheckedAt{0};
constexpr int64_t kTrapRecheckNanos = 100'000'000;

/// Installs onTrap unless it still is; somebody (faulthandler.enable()) may
/// have replaced it since the last launch. Handlers chain to the previous one.
/// A launch asks the kernel about SIGSEGV only (one syscall, not five):
/// whoever replaces handlers, faulthandler first, replaces SIGSEGV's too. The
/// other four are asked about again at most 100 ms after they last were (no
/// kernel raises SIGFPE: integer division by zero has a defined result).
void ensureTrapHandlers() {
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t checked = trapHandlersCheckedAt.load(std::memory_order_relaxed);
  if (checked && now - checked < kTrapRecheckNanos && trapHandlerInstalled(SIGSEGV))
    return;
  ensureInterruptHandler();
  for (int sig : kTrapSignals) {
    struct sigaction current;
    if (sigaction(sig, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) &&
        current.sa_sigaction == onTrap)
      continue;
    std::lock_guard<std::mutex> lock(signalMutex);
    sigaction(sig, nullptr, &current);
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == onTrap)
      continue;
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = onTrap;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    previousActions[sig] = current;
    sigaction(sig, &action, nullptr);
  }
  trapHandlersCheckedAt.store(now, std::memory_order_relaxed);
}

// -- the pool ---------------------------------------------------------------------

/// Counts `n` more blocks of `job` finished (run or skipped).
void finishBlocks(Job &job, uint64_t n) {
  if (job.finished.fetch_add(n, std::memory_order_acq_rel) + n == job.numBlocks) {
    std::lock_guard<std::mutex> lock(job.doneMutex);
    job.done = true;
    job.doneCv.notify_all();
  }
}

/// Runs `job`'s blocks on `w` until none are left to take. Once the launch
/// failed or is interrupted, the blocks no one took are skipped all at once,
/// so a trap in block 0 of a 2^31-block grid is reported at once.
void drain(Job &job, Worker &w) {
  // Blocks run into the worker's private copies (PrivateAtomics.h) are
  // counted once the copies are merged: the launch ends after the merge.
  bool privates = !job.privates.empty();
  uint64_t held = 0;
  for (;;) {
    uint64_t take = job.share;
    uint64_t b = job.next.fetch_add(take, std::memory_order_relaxed);
    if (b >= job.numBlocks)
      break;
    take = std::min(take, job.numBlocks - b);
    if (job.interrupted())
      job.fail(interruptedError());
    if (!job.failed.load(std::memory_order_relaxed)) {
      uint64_t ran = w.runBlocks(job, b, take);
      if (privates)
        held += ran;
      else
        finishBlocks(job, ran);
      continue;
    }
    // Blocks below `untaken` were taken by someone, who counts them.
    uint64_t untaken = job.next.exchange(job.numBlocks, std::memory_order_relaxed);
    finishBlocks(job, take + (untaken < job.numBlocks ? job.numBlocks - untaken : 0));
  }
  if (held) {
    // Also after a trap or Ctrl-C: the updates made count, as on a GPU.
    w.copies.merge(job.privates);
    finishBlocks(job, held);
  }
}

/// Blocks a worker takes at a time when it runs them one after another:
/// about eight takes per thread that runs blocks (a slow block leaves the
/// others little to wait for; a take is one atomic add on the launch's
/// counter, shared by every worker), so that a worker's blocks are a few
/// contiguous parts of the grid and its rows' runs long (a 2048^2 stencil in
/// 16x16 blocks, at most 64 blocks a take: its two cores interleaved in 256
/// takes, 1.9 ms; in 24: 1.4). At most kMaxShare: a worker sees that the
/// launch failed (a trap, in another worker) between takes and between runs,
/// so a take bounds the work left after a trap in block 0 of 2^31.
constexpr uint64_t kMaxShare = 4096;
uint64_t sharesOf(uint64_t numBlocks) {
  uint64_t runners = poolSize() + 1;
  return std::clamp<uint64_t>(numBlocks / (8 * runners), 1, kMaxShare);
}

/// How many threads run a launch's blocks: the pool's and the launching one,
/// or the launching one alone. A kernel with atomics on global memory can run
/// slower on several cores than on one (a histogram: blocks on two cores
/// contend for the same cache lines), so its launches measure both, keep
/// the faster, and measure the other again now and then (every 16th launch),
/// in case the data changed. Other kernels (and small launches) always use
/// the pool; so do kernels whose threads run as fibers, which may wait for
/// another block's thread (a spin-wait), and cooperative ones.
enum class Width { Unmeasured, Pool, Alone };
constexpr uint64_t kMeasuredBlocks = 64;
constexpr uint64_t kRemeasureEvery = 16;

Width widthOf(const Kernel &kernel, uint64_t numBlocks) {
  if (!kernel.globalAtomics() || kernel.usesFibers() || kernel.cooperative() ||
      numBlocks < kMeasuredBlocks || poolSize() == 0)
    return Width::Unmeasured;
  Kernel::Widths &w = kernel.widths();
  uint64_t pool = w.poolNanos.load(std::memory_order_relaxed);
  uint64_t alone = w.aloneNanos.load(std::memory_order_relaxed);
  if (!pool || !alone)
    return pool ? Width::Alone : Width::Pool;
  Width best = alone < pool ? Width::Alone : Width::Pool;
  bool other = w.launches.fetch_add(1, std::memory_order_relaxed) % kRemeasureEvery == 0;
  return other ? (best == Width::Alone ? Width::Pool : Width::Alone) : best;
}

/// Records a launch of `width` that took `elapsed` for `numBlocks` blocks:
/// nanoseconds per block, averaged with the figure before (the latest
/// counts for half; concurrent launches may lose one another's figure).
void measured(const Kernel &kernel, Width width, std::chrono::steady_clock::duration elapsed,
              uint64_t numBlocks) {
  Kernel::Widths &w = kernel.widths();
  std::atomic<uint64_t> &figure = width == Width::Alone ? w.aloneNanos : w.poolNanos;
  uint64_t nanos = std::max<uint64_t>(
      1, uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
             numBlocks);
  uint64_t before = figure.load(std::memory_order_relaxed);
  figure.store(before ? (before + nanos) / 2 : nanos, std::memory_order_relaxed);
}

constexpr size_t kSignalStackBytes = 1 << 16;

/// The launching thread runs blocks of its own launch too, on a worker of its
/// own: a one-block launch then needs no hand-off at all, and a larger one
/// gets the core its caller would have spent waiting. While it does, its
/// signal stack is cuft's, so a kernel's stack overflow is reported:
/// - a thread without a signal stack of its own (most) keeps cuft's from its
///   first launch until it exits: no syscall per launch;
/// - a thread with one (faulthandler.enable() gives the main thread one) gets
///   cuft's for each launch and its own back after.
void runOnCaller(Job &job) {
  struct Caller {
    Worker worker;
    std::unique_ptr<char[]> signalStack{new char[kSignalStackBytes]};
    bool keepsOurs = false; // cuft's stack stays installed between launches
    ~Caller() {
      if (!keepsOurs)
        return;
      // The thread is exiting and this memory goes: no signal may use it.
      stack_t now{};
      if (sigaltstack(nullptr, &now) == 0 && now.ss_sp == signalStack.get()) {
        stack_t off{};
        off.ss_flags = SS_DISABLE;
        sigaltstack(&off, nullptr);
      }
    }
  };
  thread_local std::unique_ptr<Caller> caller;
  stack_t mine{}, previous{};
  if (!caller) {
    caller = std::make_unique<Caller>();
    mine.ss_sp = caller->signalStack.get();
    mine.ss_size = kSignalStackBytes;
    if (sigaltstack(nullptr, &previous) == 0 && (previous.ss_flags & SS_DISABLE) &&
        sigaltstack(&mine, nullptr) == 0)
      caller->keepsOurs = true;
  }
  bool swap = !caller->keepsOurs;
  if (swap) {
    mine.ss_sp = caller->signalStack.get();
    mine.ss_size = kSignalStackBytes;
    sigaltstack(&mine, &previous);
  }
  Worker *outer = currentWorker;
  currentWorker = &caller->worker;
  drain(job, caller->worker);
  currentWorker = outer;
  if (swap)
    sigaltstack(&previous, nullptr);
}

/// Set in a child process just forked: its pool's threads stayed in the parent.
std::atomic<bool> forkedChild{false};

class Pool {
public:
  static Pool &get() {
    // Never destroyed: workers may still wait on it while the process exits.
    static std::atomic<Pool *> pool{nullptr};
    static std::mutex making;
    Pool *p = pool.load(std::memory_order_acquire);
    if (p && !forkedChild.load(std::memory_order_relaxed))
      return *p;
    std::lock_guard<std::mutex> lock(making);
    p = pool.load(std::memory_order_relaxed);
    if (!p || forkedChild.load(std::memory_order_relaxed)) {
      // The first pool, or a forked child's own (the parent's is left as it is:
      // its threads, and whatever they held, are not in this process).
      static std::once_flag atFork;
      std::call_once(atFork, [] {
        pthread_atfork(nullptr, nullptr, [] { forkedChild.store(true); });
      });
      forkedChild.store(false);
      p = new Pool();
      pool.store(p, std::memory_order_release);
    }
    return *p;
  }

  unsigned size() const { return static_cast<unsigned>(threads.size()); }

  void submit(const std::shared_ptr<Job> &job) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      jobs.push_back(job);
    }
    cv.notify_all();
  }

private:
  Pool() {
    unsigned n = static_cast<unsigned>(
        envSize("CUFT_HOST_THREADS", std::max(1u, std::thread::hardware_concurrency())));
    for (unsigned i = 0; i < n; ++i)
      threads.emplace_back([this] { run(); });
    for (std::thread &t : threads)
      t.detach();
  }

  void run() {
    // A stack for signal handlers, so that a fiber's stack overflow is reported.
    static thread_local std::unique_ptr<char[]> altStack(new char[kSignalStackBytes]);
    stack_t ss{};
    ss.ss_sp = altStack.get();
    ss.ss_size = kSignalStackBytes;
    sigaltstack(&ss, nullptr);
    Worker worker;
    currentWorker = &worker;
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mutex);
        cv.wait(lock, [&] { return !jobs.empty(); });
        job = jobs.front();
      }
      drain(*job, worker);
      std::lock_guard<std::mutex> lock(mutex);
      if (!jobs.empty() && jobs.front() == job)
        jobs.pop_front();
    }
  }

  std::mutex mutex; // guards jobs
  std::condition_variable cv;
  std::deque<std::shared_ptr<Job>> jobs;
  std::vector<std::thread> threads;
};

LaunchError configError(std::string message) {
  LaunchError e;
  e.kind = LaunchError::Kind::Config;
  e.message = std::move(message);
  return e;
}

} // namespace

const std::vector<RuntimeSymbol> &cuft::host::detail::runtimeSymbols() {
  static const std::vector<RuntimeSymbol> symbols = {
      {cuft::kBarrierFunction, reinterpret_cast<void *>(&cuftHostBarrier)},
      {cuft::kCollectiveFunction, reinterpret_cast<void *>(&cuftHostCollective)},
      {"__cuft_dynamic_shared_bytes", reinterpret_cast<void *>(&cuftHostDynamicSharedBytes)},
      {"__cuft_nanosleep", reinterpret_cast<void *>(&cuftHostNanosleep)},
      {"__cuft_grid_sync", reinterpret_cast<void *>(&cuftHostGridSync)},
      {"__cuft_index_error", reinterpret_cast<void *>(&cuftHostIndexError)},
      {"__cuft_zero_division_error", reinterpret_cast<void *>(&cuftHostZeroDivisionError)},
      {"__cuft_reshape_error", reinterpret_cast<void *>(&cuftHostReshapeError)},
      {"__cuft_raise", reinterpret_cast<void *>(&cuftHostRaise)},
      {"__cuft_host_poll", reinterpret_cast<void *>(&cuftHostPoll)},
      {"__cuft_host_yield", reinterpret_cast<void *>(&cuftHostYield)},
      {"__cuft_host_interrupt", reinterpret_cast<void *>(&interruptFlag)},
      {"__truncsfbf2", reinterpret_cast<void *>(&cuftTruncSfBf2)},
      {"__truncdfbf2", reinterpret_cast<void *>(&cuftTruncDfBf2)},
      {"__truncsfhf2", reinterpret_cast<void *>(&cuftTruncSfHf2)},
      {"__truncdfhf2", reinterpret_cast<void *>(&cuftTruncDfHf2)},
      {"__extendhfsf2", reinterpret_cast<void *>(&cuftExtendHfSf2)},
  };
  return symbols;
}

unsigned cuft::host::poolSize() { return Pool::get().size(); }

namespace {
std::atomic<uint64_t> privatized{0};
}

uint64_t cuft::host::privatizedLaunches() { return privatized.load(std::memory_order_relaxed); }

uint64_t cuft::host::maxCooperativeBlocks(const Kernel &kernel, uint64_t threadsPerBlock,
                                          uint64_t dynamicSharedBytes) {
  return cuft::blocksPerSM(threadsPerBlock, dynamicSharedOffset(kernel) + dynamicSharedBytes) *
         (uint64_t(poolSize()) + 1);
}

LaunchError cuft::host::launch(const Kernel &kernel, const uint32_t grid[3],
                               const uint32_t block[3], void *const *args, size_t numArgs,
                               bool interruptible, uint32_t dynamicSharedBytes) {
  // CUDA's limits, kept on the host so that a launch that works here works there.
  std::string problem = cuft::launchShapeProblem(
      grid, block, kernel.maxThreads() ? kernel.maxThreads() : kMaxThreadsPerBlock);
  if (!problem.empty())
    return configError(problem);
  if (dynamicSharedOffset(kernel) + dynamicSharedBytes > cuft::kMaxSharedBytesPerBlock)
    return configError(std::to_string(dynamicSharedBytes) +
                       " bytes of dynamic shared memory: this kernel can have " +
                       std::to_string(cuft::kMaxSharedBytesPerBlock -
                                      std::min<uint64_t>(dynamicSharedOffset(kernel),
                                                         cuft::kMaxSharedBytesPerBlock)) +
                       " at most (it declares " + std::to_string(kernel.sharedBytes()) +
                       " bytes of its own; a block has " +
                       std::to_string(cuft::kMaxSharedBytesPerBlock) + " on sm_90)");
  uint64_t numBlocks = uint64_t(grid[0]) * grid[1] * grid[2];
  uint64_t threads = uint64_t(block[0]) * block[1] * block[2];
  uint64_t share = 1;
  if (kernel.cooperative()) {
    uint64_t most = maxCooperativeBlocks(kernel, threads, dynamicSharedBytes);
    if (numBlocks > most)
      return configError(
          "a grid of " + std::to_string(numBlocks) + " blocks cannot sync (cuft.cg): at most " +
          std::to_string(most) + " blocks of " + std::to_string(threads) +
          " threads run at once on the host (" + std::to_string(poolSize() + 1) + " SMs of " +
          std::to_string(most / (poolSize() + 1)) +
          " blocks; kernel.max_cooperative_grid_blocks(block) says how many)");
    share = most / (poolSize() + 1);
  } else if (!kernel.usesFibers()) {
    share = sharesOf(numBlocks);
  }
  ensureTrapHandlers();
  InterruptibleLaunch counted(interruptible);
  auto job = std::make_shared<Job>();
  job->interruptible = interruptible;
  job->dynamicShared = dynamicSharedBytes;
  job->kernel = &kernel;
  std::memcpy(job->grid, grid, sizeof job->grid);
  std::memcpy(job->block, block, sizeof job->block);
  job->userArgs.assign(args, args + numArgs);
  job->numBlocks = numBlocks;
  job->share = share;
  if (!kernel.privateAtomics().empty() && !kernel.usesFibers() && !kernel.cooperative())
    job->privates = planPrivateAtomics(kernel, args, numBlocks * threads / (poolSize() + 1));
  if (!job->privates.empty())
    privatized.fetch_add(1, std::memory_order_relaxed);
  Width width = widthOf(kernel, numBlocks);
  auto start = std::chrono::steady_clock::now();
  if (job->numBlocks > 1 && width != Width::Alone)
    Pool::get().submit(job);
  runOnCaller(*job);
  std::unique_lock<std::mutex> lock(job->doneMutex);
  job->doneCv.wait(lock, [&] { return job->done; });
  if (width != Width::Unmeasured && !job->failed.load())
    measured(kernel, width, std::chrono::steady_clock::now() - start, numBlocks);
  std::lock_guard<std::mutex> errorLock(job->errorMutex);
  if (job->error.kind == LaunchError::Kind::Trap && job->error.pc)
    job->error.site = kernel.siteOf(job->error.pc);
  return job->error;
}
