//===- Fiber.cpp - user-space context switching ---------------------------===//

#include "Fiber.h"

#include <cstdint>

using namespace cuft::host::detail;

#if defined(__x86_64__)

// cuft_fiber_switch(void **saveSp, void *newSp): pushes the System V
// callee-saved registers and the SSE/x87 control words, swaps stacks, pops.
// cuft_fiber_start: where a new fiber first "returns" to; calls r13(r12).
asm(R"(
  .text
  .p2align 4
  .globl cuft_fiber_switch
  .hidden cuft_fiber_switch
  .type cuft_fiber_switch,@function
cuft_fiber_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size cuft_fiber_switch, .-cuft_fiber_switch

  .p2align 4
  .globl cuft_fiber_start
  .hidden cuft_fiber_start
  .type cuft_fiber_start,@function
cuft_fiber_start:
  movq %r12, %rdi
  callq *%r13
  ud2
  .size cuft_fiber_start, .-cuft_fiber_start
)");

extern "C" void cuft_fiber_switch(void **saveSp, void *newSp);
extern "C" void cuft_fiber_start();

void cuft::host::detail::fiberInit(FiberContext &fiber, char *stack, size_t size,
                                   void (*fn)(void *), void *arg) {
  auto top = reinterpret_cast<uintptr_t>(stack + size) & ~uintptr_t(15);
  auto *sp = reinterpret_cast<uint64_t *>(top) - 8;
  uint32_t mxcsr;
  uint16_t fpcw;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(fpcw));
  sp[0] = mxcsr | (uint64_t(fpcw) << 32);
  sp[1] = 0;                                  // r15
  sp[2] = 0;                                  // r14
  sp[3] = reinterpret_cast<uint64_t>(fn);     // r13
  sp[4] = reinterpret_cast<uint64_t>(arg);    // r12
  sp[5] = 0;                                  // rbx
  sp[6] = 0;                                  // rbp
  sp[7] = reinterpret_cast<uint64_t>(&cuft_fiber_start);
  fiber.sp = sp;
}

void cuft::host::detail::fiberSwitch(FiberContext &from, FiberContext &to) {
  cuft_fiber_switch(&from.sp, to.sp);
}

#else // ucontext: portable, slower (it saves the signal mask with a system call)

namespace {
void trampoline(unsigned hiFn, unsigned loFn, unsigned hiArg, unsigned loArg) {
  auto fn = reinterpret_cast<void (*)(void *)>((uint64_t(hiFn) << 32) | loFn);
  auto *arg = reinterpret_cast<void *>((uint64_t(hiArg) << 32) | loArg);
  fn(arg);
  __builtin_trap();
}
} // namespace

void cuft::host::detail::fiberInit(FiberContext &fiber, char *stack, size_t size,
                                   void (*fn)(void *), void *arg) {
  getcontext(&fiber.context);
  fiber.context.uc_stack.ss_sp = stack;
  fiber.context.uc_stack.ss_size = size;
  fiber.context.uc_link = nullptr;
  auto f = reinterpret_cast<uint64_t>(fn), a = reinterpret_cast<uint64_t>(arg);
  makecontext(&fiber.context, reinterpret_cast<void (*)()>(trampoline), 4,
              unsigned(f >> 32), unsigned(f), unsigned(a >> 32), unsigned(a));
}

void cuft::host::detail::fiberSwitch(FiberContext &from, FiberContext &to) {
  swapcontext(&from.context, &to.context);
}

#endif
