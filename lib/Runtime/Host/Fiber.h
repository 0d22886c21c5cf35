//===- Fiber.h - user-space context switching for kernel threads -*- C++ -*-===//
//
// A CUDA block's threads run as fibers on one OS thread: a barrier switches to
// the next thread of the block instead of blocking. Switching saves only what
// the calling convention says a callee preserves, so it costs a few
// nanoseconds (x86-64: hand-written; elsewhere: ucontext).
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_RUNTIME_HOST_FIBER_H
#define CUFT_LIB_RUNTIME_HOST_FIBER_H

#include <cstddef>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace cuft::host::detail {

struct FiberContext {
#if defined(__x86_64__)
  void *sp = nullptr;
#else
  ucontext_t context;
#endif
};

/// Prepares `fiber` to run `fn(arg)` on the stack [stack, stack + size) when
/// first switched to. `fn` must never return: it switches away at its end.
void fiberInit(FiberContext &fiber, char *stack, size_t size, void (*fn)(void *), void *arg);

/// Saves the running context in `from` and continues `to`.
void fiberSwitch(FiberContext &from, FiberContext &to);

} // namespace cuft::host::detail

#endif
