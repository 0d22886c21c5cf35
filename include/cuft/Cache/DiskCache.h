//===- DiskCache.h - compiled code on disk, compiled once across processes -*- C++ -*-===//
//
// The tier under the in-memory CompileCache: one file per key in a directory,
// named by the BLAKE3 of the key's bytes, so there is no index to keep in
// step. A file is
//
//   "CUFTDC01" | u64 key size | key | u64 payload size | payload | BLAKE3(key, payload)
//
// written to a temporary file of the directory, fsynced and renamed into
// place (readers see a whole entry or none). A reader that finds a short,
// corrupt or foreign entry (another key with the same name, a bad checksum)
// counts it, treats it as missing and the compile replaces it: never an error.
//
// Processes asking for the same missing key at once compile it once: the
// first creates `<entry>.lock` exclusively (its pid, host and time inside)
// and compiles; the others poll for the entry and load it. A lock whose owner
// is dead (same host, no such pid) or that is older than a limit is broken,
// so a process killed mid-compile blocks nobody for long. Distinct keys never
// wait on each other.
//
// Where: CUFT_CACHE_DIR, else $XDG_CACHE_HOME/cuft, else ~/.cache/cuft,
// created 0700; CUFT_CACHE=0 turns it off. A directory that cannot be written
// gives hits only; one that cannot be made turns the tier off; either says
// why in status().
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_CACHE_DISKCACHE_H
#define CUFT_CACHE_DISKCACHE_H

#include "cuft/Cache/Key.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace cuft::cache {

class DiskCache {
public:
  struct Stats {
    uint64_t hits = 0;     // entries read
    uint64_t misses = 0;   // keys compiled here (no entry, or a bad one)
    uint64_t writes = 0;   // entries written
    uint64_t corrupt = 0;  // bad entries found (and recompiled)
    uint64_t waits = 0;    // times another process's compile was waited for
    uint64_t brokenLocks = 0;
    uint64_t evictions = 0; // entries deleted to keep the directory under its limit
  };

  /// `directory` empty: off. `writable` false: hits only. `limitBytes`: the
  /// most the entries may take (CUFT_CACHE_SIZE), kept by sweep().
  DiskCache(std::string directory, bool writable, std::string status,
            uint64_t limitBytes = kDefaultLimitBytes);
  static constexpr uint64_t kDefaultLimitBytes = uint64_t(4) << 30;

  /// The payload of `key`: read from disk, or made by `compile` (which
  /// returns nullopt for what must not be stored, a failed compile) and
  /// written. Across processes, one compiles a key at a time.
  std::optional<std::string>
  getOrCompile(const Key &key, const std::function<std::optional<std::string>()> &compile);

  /// Deletes the least recently used entries (by modification time: a hit
  /// refreshes it) until the rest take at most the limit, and temporary files
  /// a killed writer left; an entry that changed since it was examined is
  /// kept. Runs after a write, never on the hit path; concurrent sweeps and
  /// readers are safe (a reader of a deleted entry compiles it again).
  void sweep();
  uint64_t limitBytes() const { return limit; }

  bool enabled() const { return !dir.empty(); }
  bool writable() const { return canWrite; }
  const std::string &directory() const { return dir; }
  /// Why the tier is off or read-only, or "" when it is on and writable.
  const std::string &status() const { return why; }
  Stats stats() const;

  /// The file of `key` (for tests and the cache command).
  std::string pathOf(const Key &key) const;
  /// Encodes an entry (what getOrCompile writes) and decodes one: nullopt for
  /// a short, foreign or corrupt file.
  static std::string encode(const Key &key, const std::string &payload);
  static std::optional<std::string> decode(const Key &key, const std::string &file);

private:
  std::optional<std::string> read(const Key &key);
  void write(const Key &key, const std::string &payload);

  std::string dir;
  bool canWrite;
  std::string why;
  uint64_t limit;
  mutable std::atomic<uint64_t> hits{0}, misses{0}, writes{0}, corrupt{0}, waits{0},
      brokenLocks{0}, evictions{0};
};

/// The process's disk tier, configured from the environment on first use.
DiskCache &diskCache();

} // namespace cuft::cache

#endif
