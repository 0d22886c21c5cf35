//===- LaunchTable.cpp - one kernel's loaded modules ----------------------===//

#include "cuft/Runtime/LaunchTable.h"

#include "cuft/Cache/Epochs.h"

#include <iterator>

cuft::LaunchTable::~LaunchTable() { delete table.load(std::memory_order_relaxed); }

const cuft::LoadedKernel *cuft::LaunchTable::find(const Place &place, const Block &block,
                                                  std::string_view sig) const {
  const Table *t = table.load(std::memory_order_seq_cst); // see Epochs.h
  if (!t)
    return nullptr;
  for (const Row &r : t->rows)
    if (r.is(place, block, sig))
      return r.kernel.get();
  return nullptr;
}

std::shared_ptr<const cuft::LoadedKernel>
cuft::LaunchTable::get(const Place &place, const Block &block, std::string_view sig) const {
  auto guard = cache::launchEpochs().enter();
  const Table *t = table.load(std::memory_order_seq_cst);
  if (t)
    for (const Row &r : t->rows)
      if (r.is(place, block, sig))
        return r.kernel;
  return nullptr;
}

bool cuft::LaunchTable::insert(const Place &place, const Block &block, const std::string &sig,
                               std::shared_ptr<const LoadedKernel> kernel) {
  // Declared before the lock: tables are freed after it is released (a
  // kernel freed with them may unload its module and run a teardown
  // callback, any code at all).
  std::vector<Retired> freed;
  std::lock_guard<std::mutex> lock(writeMutex);
  const Table *old = table.load(std::memory_order_relaxed);
  auto next = std::make_unique<Table>();
  if (old) {
    if (old->rows.size() >= kMaxRows)
      return false;
    for (const Row &r : old->rows)
      if (!r.is(place, block, sig))
        next->rows.push_back(r);
  }
  next->rows.push_back({place, block, sig, std::move(kernel)});
  const Table *replaced = table.exchange(next.release(), std::memory_order_seq_cst);
  if (replaced)
    retired.push_back({cache::launchEpochs().stamp(), std::unique_ptr<const Table>(replaced)});
  takePassed(freed);
  return true;
}

size_t cuft::LaunchTable::size() const {
  auto guard = cache::launchEpochs().enter();
  const Table *t = table.load(std::memory_order_seq_cst);
  return t ? t->rows.size() : 0;
}

size_t cuft::LaunchTable::retiredCount() {
  std::vector<Retired> freed; // freed after the lock, as in insert
  std::lock_guard<std::mutex> lock(writeMutex);
  takePassed(freed);
  return retired.size();
}

void cuft::LaunchTable::takePassed(std::vector<Retired> &out) {
  size_t done = 0;
  while (done < retired.size() && cache::launchEpochs().passed(retired[done].stamp))
    ++done;
  std::move(retired.begin(), retired.begin() + ptrdiff_t(done), std::back_inserter(out));
  retired.erase(retired.begin(), retired.begin() + ptrdiff_t(done));
}
