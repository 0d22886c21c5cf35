//===- KernelArgs.cpp - a launch's arguments in the kernel's ABI ----------===//

#include "cuft/Runtime/KernelArgs.h"


cuft::KernelArgs::Cell &cuft::KernelArgs::addOnHeap() {
  if (count == kInline) // moving to the heap: nothing points at the cells before finish()
    heapCells.assign(inlineCells, inlineCells + kInline);
  heapCells.emplace_back();
  cells = heapCells.data();
  ++count;
  Cell &c = heapCells.back();
  c.u64 = 0;
  return c;
}

void cuft::KernelArgs::addArray(void *data, const int64_t *shape, const int64_t *strides,
                                size_t rank) {
  add().pointer = data; // allocated
  add().pointer = data; // aligned
  add().i64 = 0;        // offset
  for (size_t i = 0; i < rank; ++i)
    add().i64 = shape[i];
  for (size_t i = 0; i < rank; ++i)
    add().i64 = strides[i];
}

void *const *cuft::KernelArgs::finish() {
  void **slots = inlineSlots;
  if (count > kInline) {
    heapSlots.resize(count);
    slots = heapSlots.data();
  }
  for (size_t i = 0; i < count; ++i)
    slots[i] = &cells[i];
  return slots;
}

void cuft::KernelArgs::clear() {
  count = 0;
  cells = inlineCells;
  heapCells.clear();
}
