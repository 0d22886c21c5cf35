//===- KernelArgs.h - a launch's arguments in the kernel's ABI -*- C++ -*-===//
//
// The one place that knows the kernel ABI both targets share: every scalar of
// the LLVM signature is a parameter of its own, and an array parameter is a
// memref descriptor expanded to its fields (allocated pointer, aligned
// pointer, offset, then each size, then each stride, in elements). A complex
// scalar is two parameters, its real and imaginary parts, and a record scalar
// its bytes in 8-byte words, the last zero-padded (convert-cuft-to-gpu splits
// a kernel's complex and record parameters). The host
// entry takes a pointer per parameter (`void **`), and so does
// cuLaunchKernel: KernelArgs holds one 8-byte cell per parameter and gives
// out their addresses.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_KERNELARGS_H
#define CUFT_RUNTIME_KERNELARGS_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace cuft {

/// Every dimension of an array a kernel receives is below this (2^48; the
/// launch refuses a larger one, which only a broadcast view can have). The
/// lowering tells LLVM so at each kernel's entry: index arithmetic on sizes
/// and ids cannot wrap, and the negative-index select of an index computed
/// from them (`t * 16 + threadIdx.x`) folds away.
inline constexpr int64_t kMaxArrayDim = int64_t(1) << 48;

class KernelArgs {
public:
  KernelArgs() = default;
  KernelArgs(const KernelArgs &) = delete; // cells may live inside the object
  KernelArgs &operator=(const KernelArgs &) = delete;

  /// An array: its descriptor's 3 + 2 * rank cells.
  void addArray(void *data, const int64_t *shape, const int64_t *strides, size_t rank);
  /// A scalar of `n` bytes (at most 8) copied from `src`, zero-extended:
  /// the kernel loads the low bytes of its cell (every target is little-endian).
  void addBytes(const void *src, size_t n) {
    std::memcpy(&add(), src, n < sizeof(Cell) ? n : sizeof(Cell));
  }
  template <typename T> void addScalar(T value) {
    static_assert(sizeof(T) <= 8, "a kernel scalar fits a cell");
    addBytes(&value, sizeof(T));
  }
  /// The parameters' addresses, one per cell; valid until the next add.
  void *const *finish();
  /// Cells so far: the number of parameters.
  size_t size() const { return count; }
  /// Starts again, keeping the memory.
  void clear();

private:
  union Cell {
    void *pointer;
    int64_t i64;
    uint64_t u64;
  };
  /// A new cell, zeroed: the first kInline without allocating (a warm launch
  /// of up to 30 rank-3 arrays, or 256 scalars and a few arrays, allocates
  /// nothing). Inline: a launch adds one per scalar.
  Cell &add() {
    if (count >= kInline)
      return addOnHeap();
    Cell &c = inlineCells[count++];
    c.u64 = 0;
    return c;
  }
  Cell &addOnHeap();

  static constexpr size_t kInline = 272;
  Cell inlineCells[kInline];
  void *inlineSlots[kInline];
  std::vector<Cell> heapCells; // past kInline: every cell, moved here
  std::vector<void *> heapSlots;
  Cell *cells = inlineCells;
  size_t count = 0;
};

} // namespace cuft

#endif
