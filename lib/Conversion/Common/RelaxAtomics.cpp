//===- RelaxAtomics.cpp - cuft's atomics are relaxed, as CUDA's -----------===//

#include "cuft/Conversion/Passes.h"

#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

void cuft::relaxAtomics(llvm::Module &module, llvm::StringRef scope) {
  llvm::SyncScope::ID id = scope.empty()
                               ? llvm::SyncScope::ID(llvm::SyncScope::System)
                               : module.getContext().getOrInsertSyncScopeID(scope);
  for (llvm::Function &f : module)
    for (llvm::BasicBlock &block : f)
      for (llvm::Instruction &i : block) {
        if (auto *rmw = llvm::dyn_cast<llvm::AtomicRMWInst>(&i)) {
          rmw->setOrdering(llvm::AtomicOrdering::Monotonic);
          rmw->setSyncScopeID(id);
        } else if (auto *cas = llvm::dyn_cast<llvm::AtomicCmpXchgInst>(&i)) {
          cas->setSuccessOrdering(llvm::AtomicOrdering::Monotonic);
          cas->setFailureOrdering(llvm::AtomicOrdering::Monotonic);
          cas->setSyncScopeID(id);
        }
      }
}
