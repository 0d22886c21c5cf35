//===- PrivateAtomics.cpp - a worker's copies of atomically updated arrays ===//

#include "PrivateAtomics.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

using namespace cuft::host;
using namespace cuft::host::detail;
using cuft::PrivateKind;

namespace {

constexpr uint64_t kMaxCopyBytes = 256 << 10;

/// An array argument's elements from its lowest to its highest (indices from
/// its aligned pointer); false when it has none.
bool spanOf(void *const *args, const Object::ArrayParam &a, int64_t &lowest, int64_t &highest) {
  auto cell = [&](uint32_t i) { return *static_cast<const int64_t *>(args[a.cell + i]); };
  lowest = highest = cell(2); // the offset
  for (uint32_t d = 0; d < a.rank; ++d) {
    int64_t size = cell(3 + d), stride = cell(3 + a.rank + d);
    if (size <= 0)
      return false;
    (stride < 0 ? lowest : highest) += (size - 1) * stride;
  }
  return true;
}

template <typename T> T identityOf(PrivateKind kind) {
  using L = std::numeric_limits<T>;
  switch (kind) {
  case PrivateKind::Add:
  case PrivateKind::Or:
    return T(0);
  case PrivateKind::And:
    return T(~T(0));
  case PrivateKind::MaxS:
  case PrivateKind::MaxU:
    return L::min();
  case PrivateKind::MinS:
  case PrivateKind::MinU:
    return L::max();
  }
  return T(0);
}

template <typename T> void fill(void *copy, uint64_t n, PrivateKind kind) {
  std::fill_n(static_cast<T *>(copy), n, identityOf<T>(kind));
}

/// Applies `n` elements of `copy` to `to`, atomically, skipping those the
/// kernel left at the identity.
template <typename T> void mergeInto(T *to, const T *copy, uint64_t n, PrivateKind kind) {
  const T identity = identityOf<T>(kind);
  for (uint64_t e = 0; e < n; ++e) {
    T v = copy[e];
    if (v == identity)
      continue;
    T *target = to + e;
    switch (kind) {
    case PrivateKind::Add: __atomic_fetch_add(target, v, __ATOMIC_RELAXED); break;
    case PrivateKind::And: __atomic_fetch_and(target, v, __ATOMIC_RELAXED); break;
    case PrivateKind::Or: __atomic_fetch_or(target, v, __ATOMIC_RELAXED); break;
    default: {
      bool max = kind == PrivateKind::MaxS || kind == PrivateKind::MaxU;
      T now = __atomic_load_n(target, __ATOMIC_RELAXED);
      while ((max ? v > now : v < now) &&
             !__atomic_compare_exchange_n(target, &now, v, true, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED)) {
      }
    }
    }
  }
}

/// `fn(T())` with T the plan's integer type.
template <typename Fn> void withType(const PrivatePlan &p, Fn &&fn) {
  bool isSigned = p.kind == PrivateKind::MaxS || p.kind == PrivateKind::MinS;
  switch (p.bytes) {
  case 1: return isSigned ? fn(int8_t()) : fn(uint8_t());
  case 2: return isSigned ? fn(int16_t()) : fn(uint16_t());
  case 4: return isSigned ? fn(int32_t()) : fn(uint32_t());
  default: return isSigned ? fn(int64_t()) : fn(uint64_t());
  }
}

} // namespace

std::vector<PrivatePlan> cuft::host::detail::planPrivateAtomics(const Kernel &kernel,
                                                                void *const *args,
                                                                uint64_t threadsPerWorker) {
  std::vector<PrivatePlan> plans;
  const auto &arrays = kernel.arrays();
  const auto &privates = kernel.privateAtomics();
  for (size_t k = 0; k < privates.size(); ++k) {
    const Object::ArrayParam &a = arrays[privates[k].array];
    int64_t lowest, highest;
    if ((a.bytes != 1 && a.bytes != 2 && a.bytes != 4 && a.bytes != 8) ||
        !spanOf(args, a, lowest, highest))
      continue;
    uint64_t elements = uint64_t(highest - lowest) + 1;
    if (elements > threadsPerWorker || elements * a.bytes > kMaxCopyBytes)
      continue;
    char *aligned = *static_cast<char *const *>(args[a.cell + 1]);
    uintptr_t begin = uintptr_t(aligned) + lowest * int64_t(a.bytes);
    uintptr_t end = begin + elements * a.bytes;
    bool overlaps = false;
    for (size_t i = 0; i < arrays.size() && !overlaps; ++i) {
      const Object::ArrayParam &o = arrays[i];
      int64_t lo, hi;
      if (i == privates[k].array || !spanOf(args, o, lo, hi))
        continue;
      uintptr_t base = uintptr_t(*static_cast<char *const *>(args[o.cell + 1]));
      uintptr_t oBegin = base + lo * int64_t(o.bytes), oEnd = base + (hi + 1) * int64_t(o.bytes);
      overlaps = oBegin < end && begin < oEnd;
    }
    if (overlaps)
      continue;
    PrivatePlan p;
    p.bit = uint32_t(k);
    p.alignedCell = a.cell + 1;
    p.aligned = aligned;
    p.lowest = lowest;
    p.elements = elements;
    p.bytes = a.bytes;
    p.kind = PrivateKind(privates[k].kind);
    plans.push_back(p);
  }
  return plans;
}

uint32_t PrivateCopies::use(const std::vector<PrivatePlan> &plans, std::vector<void *> &args) {
  if (buffers.size() < plans.size()) {
    buffers.resize(plans.size());
    cells.resize(plans.size());
  }
  uint32_t mask = 0;
  for (size_t i = 0; i < plans.size(); ++i) {
    const PrivatePlan &p = plans[i];
    std::vector<uint64_t> &buffer = buffers[i];
    if (!filled) {
      buffer.resize((p.elements * p.bytes + 7) / 8);
      withType(p, [&](auto type) { fill<decltype(type)>(buffer.data(), p.elements, p.kind); });
      // Indexed as the array: element `lowest` is the copy's first.
      cells[i] = reinterpret_cast<char *>(buffer.data()) - p.lowest * int64_t(p.bytes);
    }
    args[p.alignedCell] = &cells[i];
    mask |= 1u << p.bit;
  }
  filled = true;
  return mask;
}

void PrivateCopies::merge(const std::vector<PrivatePlan> &plans) {
  if (!filled) // no block ran into them (its stacks did not map)
    return;
  filled = false;
  for (size_t i = 0; i < plans.size(); ++i) {
    const PrivatePlan &p = plans[i];
    withType(p, [&](auto type) {
      using T = decltype(type);
      mergeInto<T>(reinterpret_cast<T *>(p.aligned) + p.lowest,
                   reinterpret_cast<const T *>(buffers[i].data()), p.elements, p.kind);
    });
  }
}
