//===- DiskCache.cpp - compiled code on disk, compiled once across processes ===//

#include "cuft/Cache/DiskCache.h"

#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <algorithm>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace cuft::cache;

namespace {

constexpr char kMagic[8] = {'C', 'U', 'F', 'T', 'D', 'C', '0', '1'};
/// A lock older than this is broken even if its owner seems alive (a hung
/// process, or one on another host of a shared file system).
constexpr int64_t kStaleLockSeconds = 600;
/// A lock whose text is not cuft's is broken once it is this old: a fresh one
/// may be another cuft's being made where locks cannot be made whole at once
/// (below, acquireLock).
constexpr int64_t kForeignLockSeconds = 5;

void putU64(std::string &out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool getU64(const std::string &in, size_t &at, uint64_t &v) {
  if (at > in.size() || in.size() - at < 8)
    return false;
  v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(static_cast<unsigned char>(in[at + i])) << (8 * i);
  at += 8;
  return true;
}

std::string checksum(const std::string &bytes, size_t n) {
  llvm::BLAKE3Result<> hash = llvm::BLAKE3::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()), n));
  return std::string(reinterpret_cast<const char *>(hash.data()), hash.size());
}

bool readFile(const std::string &path, std::string &out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  out.clear();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ::close(fd);
      return n == 0;
    }
    out.append(buf, size_t(n));
  }
}

bool writeAll(int fd, const std::string &bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += size_t(n);
  }
  return true;
}

std::string hostName() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Takes the lock file `lock`, whole: its owner's pid, host and time are
/// written to a file of this process's, which is then linked to the lock's
/// name (link fails if the name exists), so no other process ever reads a
/// lock without its owner in it (an empty one had looked foreign, and was
/// broken while its owner compiled: two compiles). Where links cannot be
/// made, the lock is created (O_EXCL) and then written. 1: taken, 0: held by
/// another, -1: no locks here (errno).
int acquireLock(const std::string &lock, const std::string &owner) {
  std::string mine = lock + "." + std::to_string(::getpid()) + ".owner";
  int fd = ::open(mine.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) {
    bool written = writeAll(fd, owner);
    ::close(fd);
    int linked = written ? ::link(mine.c_str(), lock.c_str()) : -1;
    int error = errno;
    ::unlink(mine.c_str());
    if (linked == 0)
      return 1;
    if (written && error == EEXIST)
      return 0;
  }
  fd = ::open(lock.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno == EEXIST ? 0 : -1;
  writeAll(fd, owner);
  ::close(fd);
  return 1;
}

/// Whether the lock file's owner is gone (dead on this host) or it is too old.
bool staleLock(const std::string &lock) {
  std::string text;
  if (!readFile(lock, text))
    return false; // gone already
  long pid = 0;
  long long since = 0;
  char host[256] = {};
  if (std::sscanf(text.c_str(), "%ld %255s %lld", &pid, host, &since) != 3) {
    // Not a lock cuft wrote, or one being written: take it once it is old.
    struct stat st;
    return ::stat(lock.c_str(), &st) == 0 && nowSeconds() - st.st_mtime > kForeignLockSeconds;
  }
  if (nowSeconds() - since > kStaleLockSeconds)
    return true;
  return host == hostName() && pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

DiskCache::DiskCache(std::string directory, bool writable, std::string status,
                     uint64_t limitBytes)
    : dir(std::move(directory)), canWrite(writable), why(std::move(status)),
      limit(limitBytes) {}

void DiskCache::sweep() {
  if (!enabled() || !canWrite)
    return;
  struct Entry {
    int64_t mtime;
    uint64_t size;
    std::string path;
  };
  auto statOf = [](const std::string &path, int64_t &mtime, uint64_t &size) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      return false;
    mtime = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    size = uint64_t(st.st_size);
    return true;
  };
  std::vector<Entry> found;
  uint64_t total = 0;
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    return;
  int64_t now = nowSeconds();
  while (struct dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    Entry entry{0, 0, dir + "/" + name};
    if (!statOf(entry.path, entry.mtime, entry.size))
      continue;
    if (name.rfind(".tmp-", 0) == 0) { // a writer killed before its rename
      if (now - entry.mtime / 1000000000 > kStaleLockSeconds)
        ::unlink(entry.path.c_str());
      continue;
    }
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".cuft") != 0)
      continue;
    total += entry.size;
    found.push_back(std::move(entry));
  }
  ::closedir(d);
  if (total <= limit)
    return;
  std::sort(found.begin(), found.end(),
            [](const Entry &a, const Entry &b) { return a.mtime < b.mtime; });
  for (const Entry &e : found) {
    if (total <= limit)
      break;
    int64_t mtime = 0;
    uint64_t size = 0;
    // Only what has not changed since it was examined (not used or rewritten since).
    if (statOf(e.path, mtime, size) && mtime == e.mtime && size == e.size &&
        ::unlink(e.path.c_str()) == 0) {
      evictions.fetch_add(1, std::memory_order_relaxed);
      total -= e.size;
    }
  }
}

std::string DiskCache::pathOf(const Key &key) const {
  std::string digest = checksum(key.bytes(), key.bytes().size());
  static const char *hex = "0123456789abcdef";
  std::string name;
  for (unsigned char c : digest) {
    name.push_back(hex[c >> 4]);
    name.push_back(hex[c & 15]);
  }
  return dir + "/" + name + ".cuft";
}

std::string DiskCache::encode(const Key &key, const std::string &payload) {
  std::string out(kMagic, sizeof kMagic);
  putU64(out, key.bytes().size());
  out += key.bytes();
  putU64(out, payload.size());
  out += payload;
  out += checksum(out, out.size());
  return out;
}

std::optional<std::string> DiskCache::decode(const Key &key, const std::string &file) {
  constexpr size_t kSum = 32;
  if (file.size() < sizeof kMagic + 16 + kSum ||
      std::memcmp(file.data(), kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  size_t at = sizeof kMagic;
  uint64_t keySize = 0, payloadSize = 0;
  if (!getU64(file, at, keySize) || keySize > file.size() - at ||
      file.compare(at, keySize, key.bytes()) != 0 || keySize != key.bytes().size())
    return std::nullopt;
  at += keySize;
  if (!getU64(file, at, payloadSize) || payloadSize + kSum != file.size() - at)
    return std::nullopt;
  size_t end = at + payloadSize;
  if (checksum(file, end) != file.substr(end))
    return std::nullopt;
  return file.substr(at, payloadSize);
}

std::optional<std::string> DiskCache::read(const Key &key) {
  std::string file;
  if (!readFile(pathOf(key), file))
    return std::nullopt;
  std::optional<std::string> payload = decode(key, file);
  if (!payload) // never an error: it is compiled again and replaced
    std::fprintf(stderr,
                 "cuft: warning: the disk cache entry %s is damaged (short, corrupt or "
                 "another key's): compiling it again\n",
                 pathOf(key).c_str());
  if (payload) {
    hits.fetch_add(1, std::memory_order_relaxed);
    if (canWrite) // used now: the sweep keeps it longest
      ::utimensat(AT_FDCWD, pathOf(key).c_str(), nullptr, 0);
  }
  else
    corrupt.fetch_add(1, std::memory_order_relaxed);
  return payload;
}

void DiskCache::write(const Key &key, const std::string &payload) {
  static std::atomic<uint64_t> serial{0};
  std::string temp = dir + "/.tmp-" + std::to_string(::getpid()) + "-" +
                     std::to_string(serial.fetch_add(1));
  int fd = ::open(temp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  bool ok = writeAll(fd, encode(key, payload)) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(temp.c_str(), pathOf(key).c_str()) == 0) {
    writes.fetch_add(1, std::memory_order_relaxed);
    sweep();
    return;
  }
  ::unlink(temp.c_str());
}

std::optional<std::string>
DiskCache::getOrCompile(const Key &key,
                        const std::function<std::optional<std::string>()> &compile) {
  if (!enabled())
    return compile();
  if (std::optional<std::string> hit = read(key))
    return hit;
  auto compileHere = [&](bool store) {
    misses.fetch_add(1, std::memory_order_relaxed);
    std::optional<std::string> payload = compile();
    if (payload && store)
      write(key, *payload);
    return payload;
  };
  if (!canWrite)
    return compileHere(false);
  std::string lock = pathOf(key) + ".lock";
  for (;;) {
    std::string owner = std::to_string(::getpid()) + " " + hostName() + " " +
                        std::to_string(nowSeconds()) + "\n";
    int taken = acquireLock(lock, owner);
    if (taken == 1) {
      // Another process may have written it between the read and the lock.
      std::optional<std::string> payload = read(key);
      if (!payload)
        payload = compileHere(true);
      ::unlink(lock.c_str());
      return payload;
    }
    if (taken < 0)
      return compileHere(true); // no locks here (a strange file system): compile alone
    // Another process compiles it: wait for the entry, or for the lock to go.
    waits.fetch_add(1, std::memory_order_relaxed);
    auto pause = std::chrono::milliseconds(2);
    for (;;) {
      if (std::optional<std::string> hit = read(key))
        return hit;
      if (::access(lock.c_str(), F_OK) != 0)
        break; // released without an entry (its compile failed): take it
      if (staleLock(lock)) {
        brokenLocks.fetch_add(1, std::memory_order_relaxed);
        ::unlink(lock.c_str());
        break;
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
  }
}

DiskCache::Stats DiskCache::stats() const {
  Stats s;
  s.hits = hits.load(std::memory_order_relaxed);
  s.misses = misses.load(std::memory_order_relaxed);
  s.writes = writes.load(std::memory_order_relaxed);
  s.corrupt = corrupt.load(std::memory_order_relaxed);
  s.waits = waits.load(std::memory_order_relaxed);
  s.brokenLocks = brokenLocks.load(std::memory_order_relaxed);
  s.evictions = evictions.load(std::memory_order_relaxed);
  return s;
}

DiskCache &cuft::cache::diskCache() {
  static DiskCache *cache = []() -> DiskCache * {
    DiskCache *made = [] {
    const char *flag = std::getenv("CUFT_CACHE");
    const char *chosen = std::getenv("CUFT_CACHE_DIR");
    if (flag && std::string(flag) == "0")
      return new DiskCache("", false, "off (CUFT_CACHE=0)");
    std::string dir;
    if (chosen && *chosen)
      dir = chosen;
    else if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
      dir = std::string(xdg) + "/cuft";
    else if (const char *home = std::getenv("HOME"); home && *home)
      dir = std::string(home) + "/.cache/cuft";
    else
      return new DiskCache("", false, "off: no CUFT_CACHE_DIR, XDG_CACHE_HOME or HOME");
    if (std::error_code ec = llvm::sys::fs::create_directories(dir, true, llvm::sys::fs::owner_all);
        ec && !llvm::sys::fs::is_directory(dir))
      return new DiskCache("", false, "off: cannot make " + dir + ": " + ec.message());
    uint64_t limit = DiskCache::kDefaultLimitBytes;
    std::string sizeProblem;
    if (const char *size = std::getenv("CUFT_CACHE_SIZE"); size && *size) {
      // Bytes, or with a K, M or G suffix (binary units).
      char *end = nullptr;
      errno = 0;
      unsigned long long n = std::strtoull(size, &end, 10);
      int shift = 0;
      if (end && (*end == 'K' || *end == 'k'))
        shift = 10, ++end;
      else if (end && (*end == 'M' || *end == 'm'))
        shift = 20, ++end;
      else if (end && (*end == 'G' || *end == 'g'))
        shift = 30, ++end;
      if (errno || end == size || *end || (shift && n >> (64 - shift)))
        sizeProblem = std::string("CUFT_CACHE_SIZE=") + size + " is not a size (bytes, or "
                      "with K, M or G): the default, 4G, is used";
      else
        limit = uint64_t(n) << shift;
    }
    if (::access(dir.c_str(), W_OK) != 0)
      return new DiskCache(dir, false, "read-only: " + dir + " cannot be written", limit);
    return new DiskCache(dir, true, sizeProblem, limit);
    }();
    // One warning when it is not what was asked for (off by CUFT_CACHE=0 is).
    if (!made->status().empty() && made->status().rfind("off (CUFT_CACHE=0)", 0) != 0)
      std::fprintf(stderr, "cuft: warning: disk cache %s\n", made->status().c_str());
    return made;
  }();
  return *cache;
}
