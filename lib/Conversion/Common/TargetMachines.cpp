//===- TargetMachines.cpp - each compile thread's LLVM target machines ----===//
//
// A thread's target machines (threadTargetMachine), the code generator made
// ahead for each (takeCodeGenerator), and the jobs a compile thread runs when
// idle (whenIdle).
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Target/TargetMachine.h"

#include <vector>

namespace {

struct Kept {
  std::unique_ptr<llvm::TargetMachine> machine;
  unsigned uses = 0;
  /// A code generator made for `machine` ahead of its use, and its type.
  /// Declared after `machine`: destroyed before it.
  std::unique_ptr<cuft::CodeGenerator> spare;
  llvm::CodeGenFileType spareType = llvm::CodeGenFileType::Null;
};

llvm::StringMap<Kept> &keptMachines() {
  thread_local llvm::StringMap<Kept> kept;
  return kept;
}

std::unique_ptr<cuft::CodeGenerator> makeCodeGenerator(llvm::TargetMachine *tm,
                                                       llvm::CodeGenFileType type) {
  auto generator = std::make_unique<cuft::CodeGenerator>();
  if (tm->addPassesToEmitFile(generator->passes, generator->out, nullptr, type))
    return nullptr;
  return generator;
}

struct IdleJobs {
  bool served = false;
  std::vector<std::function<void()>> jobs;
};

IdleJobs &idleJobs() {
  thread_local IdleJobs jobs;
  return jobs;
}

} // namespace

llvm::TargetMachine *cuft::threadTargetMachine(
    llvm::StringRef key,
    llvm::function_ref<std::unique_ptr<llvm::TargetMachine>(std::string &)> make,
    std::string &error) {
  Kept &entry = keptMachines()[key];
  if (entry.machine && ++entry.uses <= kTargetMachineUses)
    return entry.machine.get();
  entry.spare.reset(); // made for the old machine, which goes first
  entry.machine.reset();
  entry.machine = make(error);
  entry.uses = 1;
  return entry.machine.get();
}

std::unique_ptr<cuft::CodeGenerator> cuft::takeCodeGenerator(llvm::StringRef key,
                                                             llvm::TargetMachine *tm,
                                                             llvm::CodeGenFileType type,
                                                             std::string &error) {
  auto found = keptMachines().find(key);
  std::unique_ptr<CodeGenerator> generator;
  if (found != keptMachines().end() && found->second.machine.get() == tm &&
      found->second.spareType == type)
    generator = std::move(found->second.spare);
  if (!generator)
    generator = makeCodeGenerator(tm, type);
  if (!generator) {
    error = "the target cannot emit this kind of file";
    return nullptr;
  }
  whenIdle([key = key.str(), type] {
    auto kept = keptMachines().find(key);
    if (kept == keptMachines().end() || !kept->second.machine || kept->second.spare)
      return;
    kept->second.spare = makeCodeGenerator(kept->second.machine.get(), type);
    kept->second.spareType = type;
  });
  return generator;
}

void cuft::whenIdle(std::function<void()> job) {
  IdleJobs &idle = idleJobs();
  if (idle.served)
    idle.jobs.push_back(std::move(job));
}

void cuft::serveIdleJobs() { idleJobs().served = true; }

bool cuft::runIdleJobs() {
  std::vector<std::function<void()>> jobs = std::move(idleJobs().jobs);
  idleJobs().jobs.clear();
  for (std::function<void()> &job : jobs)
    job();
  return !jobs.empty();
}
