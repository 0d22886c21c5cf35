//===- TargetMachines.cpp - each compile thread's LLVM target machines ----===//

#include "cuft/Conversion/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Target/TargetMachine.h"

llvm::TargetMachine *cuft::threadTargetMachine(
    llvm::StringRef key,
    llvm::function_ref<std::unique_ptr<llvm::TargetMachine>(std::string &)> make,
    std::string &error) {
  struct Kept {
    std::unique_ptr<llvm::TargetMachine> machine;
    unsigned uses = 0;
  };
  thread_local llvm::StringMap<Kept> kept;
  Kept &entry = kept[key];
  if (entry.machine && ++entry.uses <= kTargetMachineUses)
    return entry.machine.get();
  entry.machine.reset(); // the old one goes first
  entry.machine = make(error);
  entry.uses = 1;
  return entry.machine.get();
}
