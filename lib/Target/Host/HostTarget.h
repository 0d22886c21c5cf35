//===- HostTarget.h - this CPU as an LLVM target -----------------*- C++ -*-===//
//
// Internal to the host target: the compiler and the loader both target the
// CPU this process runs on.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_TARGET_HOST_HOSTTARGET_H
#define CUFT_LIB_TARGET_HOST_HOSTTARGET_H

#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace cuft::host::detail {

/// A TargetMachine for this CPU (its features included) at `optLevel` 0-3;
/// null with `error` set when LLVM cannot target it. LLVM's native target is
/// initialized once per process on the first call.
std::unique_ptr<llvm::TargetMachine> hostTargetMachine(unsigned optLevel, std::string &error);

} // namespace cuft::host::detail

#endif
