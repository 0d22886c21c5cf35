//===- Interrupt.cpp - Ctrl-C for host launches --------------------------===//

#include "Interrupt.h"

#include <csignal>
#include <cstring>
#include <mutex>

using namespace cuft::host::detail;

std::atomic<int32_t> cuft::host::detail::interruptFlag{0};

namespace {

std::atomic<int> interruptibleLaunches{0};
std::mutex installMutex;
struct sigaction previousAction; // written under installMutex before installing

void onInterrupt(int sig, siginfo_t *info, void *ucontext) {
  interruptFlag.store(1, std::memory_order_relaxed);
  // Then whatever handled SIGINT before cuft: Python's handler, which makes
  // the main thread raise KeyboardInterrupt once it runs Python again.
  const struct sigaction &previous = previousAction;
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction)
      previous.sa_sigaction(sig, info, ucontext);
  } else if (previous.sa_handler == SIG_DFL) {
    // The default action ends the process, as it would have without cuft.
    signal(sig, SIG_DFL);
    raise(sig);
  } else if (previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
  }
}

bool installed() {
  struct sigaction current;
  return sigaction(SIGINT, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) &&
         current.sa_sigaction == onInterrupt;
}

} // namespace

void cuft::host::detail::ensureInterruptHandler() {
  if (installed())
    return;
  std::lock_guard<std::mutex> lock(installMutex);
  struct sigaction current;
  if (sigaction(SIGINT, nullptr, &current) != 0 || installed())
    return;
  if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN)
    return; // Ctrl-C is ignored: so be it
  previousAction = current;
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_sigaction = onInterrupt;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

InterruptibleLaunch::InterruptibleLaunch(bool interruptible) : counted(interruptible) {
  if (counted && interruptibleLaunches.fetch_add(1, std::memory_order_acq_rel) == 0)
    interruptFlag.store(0, std::memory_order_relaxed); // a Ctrl-C before now was Python's
}

InterruptibleLaunch::~InterruptibleLaunch() {
  if (counted && interruptibleLaunches.fetch_sub(1, std::memory_order_acq_rel) == 1)
    interruptFlag.store(0, std::memory_order_relaxed);
}

bool cuft::host::detail::interruptibleLaunchRunning() {
  return interruptibleLaunches.load(std::memory_order_acquire) > 0;
}
