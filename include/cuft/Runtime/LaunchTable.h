//===- LaunchTable.h - one kernel's loaded modules, read without a lock -*- C++ -*-===//
//
// (place, block shape, signature) → LoadedKernel: what a kernel's launches find before
// they ask the process-wide cache. The table is immutable and swapped whole
// through an atomic pointer. Readers never take a reference or a lock: a
// launch reads the table, and the kernel a row holds, inside a guard of the
// launch path's EpochDomain (cuft/Cache/Epochs.h) for as long as it runs. A
// replaced table (a new row, or a module loaded again after an unload) is
// kept on the retired list until the domain says no launch can still read
// it, and freed with the kernels only it held: checked at every insert, so a
// program that unloads and relaunches forever keeps a few tables, not all of
// them. Past kMaxRows rows an insert is refused (the process-wide cache
// still serves those signatures).
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_LAUNCHTABLE_H
#define CUFT_RUNTIME_LAUNCHTABLE_H

#include "cuft/Runtime/Target.h"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cuft {

class LaunchTable {
public:
  static constexpr size_t kMaxRows = 64;

  LaunchTable() = default;
  LaunchTable(const LaunchTable &) = delete;
  LaunchTable &operator=(const LaunchTable &) = delete;
  ~LaunchTable(); // no launch reaches it any more

  /// The block shape a row's code is for (the host target compiles a copy
  /// per shape); zeros: any shape (every CUDA row).
  using Block = std::array<uint32_t, 3>;
  static constexpr Block kAnyBlock{0, 0, 0};

  /// The kernel of (place, block, sig), alive or not, or null. The caller
  /// holds a launchEpochs() guard for as long as it uses it.
  const LoadedKernel *find(const Place &place, const Block &block, std::string_view sig) const;
  /// find(), for a caller that keeps the kernel past its guard.
  std::shared_ptr<const LoadedKernel> get(const Place &place, const Block &block,
                                          std::string_view sig) const;
  /// Adds (place, block, sig) → kernel, replacing that row (an unloaded
  /// kernel's); false when the table is full.
  bool insert(const Place &place, const Block &block, const std::string &sig,
              std::shared_ptr<const LoadedKernel> kernel);
  size_t size() const;
  /// Replaced tables not freed yet (a launch may still read them), after
  /// freeing those no launch can.
  size_t retiredCount();

private:
  struct Row {
    Place place;
    Block block;
    std::string sig;
    std::shared_ptr<const LoadedKernel> kernel;
    bool is(const Place &p, const Block &b, std::string_view s) const {
      return place == p && block == b && sig == s;
    }
  };
  struct Table {
    std::vector<Row> rows;
  };
  struct Retired {
    uint64_t stamp; // launchEpochs().stamp() after the table was replaced
    std::unique_ptr<const Table> table;
  };
  void takePassed(std::vector<Retired> &out);

  std::atomic<const Table *> table{nullptr}; // owned; readers load it seq_cst
  std::mutex writeMutex;                     // guards the swap and `retired`
  std::vector<Retired> retired;              // replaced tables a launch may still read
};

} // namespace cuft

#endif
