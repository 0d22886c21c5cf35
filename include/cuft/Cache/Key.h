//===- Key.h - the fields that decide a compiled artifact -------*- C++ -*-===//
//
// A cache key is the list of everything that decides what a compile produces:
// the function's identity (a hash of its generic IR and captures), the argument
// signature, constexpr values, the target, the options, cuft's build id. The
// fields are joined so that two different lists never give the same bytes: each
// field is tagged with its kind and a string field carries its length, so
// ("ab", "c") and ("a", "bc") differ, and so do "7" and 7.
//
// The hash is updated as fields are added, so hash() is O(1), const and safe to
// call from many threads on a shared key. It only spreads keys over shards and
// buckets: equality compares the bytes.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CACHE_KEY_H
#define CUFT_CACHE_KEY_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace cuft::cache {

/// Spreads a hash's entropy over all its bits, so that picking a shard with
/// `% shards` and a bucket with `% buckets` from the same hash stay independent
/// (splitmix64's finalizer).
inline uint64_t mixHash(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

class Key {
public:
  Key() = default;

  /// Appends a string field: tag, length (LEB128), bytes.
  Key &add(std::string_view field) {
    char head[1 + 10];
    size_t n = 0;
    head[n++] = kStringTag;
    uint64_t length = field.size();
    do {
      char low = static_cast<char>(length & 0x7f);
      length >>= 7;
      head[n++] = static_cast<char>(low | (length ? 0x80 : 0));
    } while (length);
    size_t start = data.size();
    data.reserve(start + n + field.size());
    data.append(head, n).append(field.data(), field.size());
    mixIn(start);
    return *this;
  }

  /// Appends an integer field: tag, 8 bytes little-endian (the same bytes on
  /// every host, so keys can name files of a disk tier).
  Key &add(uint64_t value) {
    char field[1 + 8];
    field[0] = kIntegerTag;
    for (int i = 0; i < 8; ++i)
      field[1 + i] = static_cast<char>((value >> (8 * i)) & 0xff);
    size_t start = data.size();
    data.append(field, sizeof(field));
    mixIn(start);
    return *this;
  }

  /// Room for `bytes` more bytes of fields, to build a key without regrowing.
  Key &reserve(size_t bytes) {
    data.reserve(data.size() + bytes);
    return *this;
  }

  /// The key whose bytes() are `bytes` (its fields read back and added in
  /// order), or nullopt when they are not a key's.
  static std::optional<Key> fromBytes(std::string_view bytes) {
    Key key;
    key.reserve(bytes.size());
    size_t at = 0;
    while (at < bytes.size()) {
      char tag = bytes[at++];
      if (tag == kIntegerTag) {
        if (bytes.size() - at < 8)
          return std::nullopt;
        uint64_t value = 0;
        for (int i = 0; i < 8; ++i)
          value |= uint64_t(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
        key.add(value);
        at += 8;
        continue;
      }
      if (tag != kStringTag)
        return std::nullopt;
      uint64_t length = 0;
      for (unsigned shift = 0;; shift += 7) {
        if (at >= bytes.size() || shift > 63)
          return std::nullopt;
        unsigned char b = static_cast<unsigned char>(bytes[at++]);
        length |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80))
          break;
      }
      if (length > bytes.size() - at)
        return std::nullopt;
      key.add(bytes.substr(at, length));
      at += length;
    }
    if (key.data != bytes) // a non-minimal length: not bytes add() makes
      return std::nullopt;
    return key;
  }

  const std::string &bytes() const { return data; }
  size_t hash() const { return static_cast<size_t>(mixHash(state)); }

  friend bool operator==(const Key &a, const Key &b) {
    return a.state == b.state && a.data == b.data;
  }
  friend bool operator!=(const Key &a, const Key &b) { return !(a == b); }

private:
  static constexpr char kStringTag = 's';
  static constexpr char kIntegerTag = 'i';

  /// Folds the bytes appended since `start` into the running state, eight at
  /// a time; hash() finishes it. (std::hash's out-of-line byte hash per field
  /// made building a key cost more than looking it up.)
  void mixIn(size_t start) {
    const char *p = data.data() + start;
    size_t n = data.size() - start;
    uint64_t x = state;
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      x = (x ^ word) * 0x9e3779b97f4a7c15ULL;
      x = (x << 31) | (x >> 33);
    }
    uint64_t tail = n;
    for (size_t i = 0; i < n; ++i)
      tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i + 8);
    state = ((x ^ tail) * 0x9e3779b97f4a7c15ULL);
  }

  std::string data;
  uint64_t state = 0;
};

struct KeyHash {
  size_t operator()(const Key &key) const { return key.hash(); }
};

} // namespace cuft::cache

#endif // CUFT_CACHE_KEY_H
