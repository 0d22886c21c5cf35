//===- Interrupt.h - Ctrl-C for host launches ------------------*- C++ -*-===//
//
// A SIGINT handler of cuft's, chained before the one it finds (Python's),
// raises a process-wide flag that kernel code reads at loop latches and the
// runtime between blocks (lib/Target/Host instruments the loops). A launch
// that may be interrupted (one made by Python's main thread, the only one
// that receives KeyboardInterrupt) stops when it sees the flag; the binding
// then lets Python run its handler. Launches on other threads go on.
//
// Shared state: the flag (an atomic, written by the handler, which is
// async-signal-safe); the count of interruptible launches running (atomic);
// the previous handler (written under a mutex before cuft's is installed,
// read by the handler after).
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_RUNTIME_HOST_INTERRUPT_H
#define CUFT_LIB_RUNTIME_HOST_INTERRUPT_H

#include <atomic>
#include <cstdint>

namespace cuft::host::detail {

/// Nonzero once SIGINT arrived and no interruptible launch has taken it yet.
/// Kernels read it as `__cuft_host_interrupt` (an i32).
extern std::atomic<int32_t> interruptFlag;

/// Installs cuft's SIGINT handler unless it is installed, or SIGINT is
/// ignored (one sigaction query). Host launches call it with their trap
/// handlers' check, at most every 100 ms: a handler installed by
/// signal.signal() in between replaces cuft's until then (Python still gets
/// the signal; kernels do not see it).
void ensureInterruptHandler();

/// Counts an interruptible launch in for its lifetime; the last one out
/// clears a flag no launch took.
class InterruptibleLaunch {
public:
  explicit InterruptibleLaunch(bool interruptible);
  ~InterruptibleLaunch();
  InterruptibleLaunch(const InterruptibleLaunch &) = delete;
  InterruptibleLaunch &operator=(const InterruptibleLaunch &) = delete;

private:
  bool counted;
};

/// Whether an interruptible launch is running (a flag seen by another launch
/// is then that one's to take).
bool interruptibleLaunchRunning();

} // namespace cuft::host::detail

#endif
