//===- Host.h - the host target: compile for the CPU, run a grid -*- C++ -*-===//
//
// The host target runs cuft kernels on the CPU with CUDA semantics (see
// docs/HostTarget.md). Like Compiler.h this is a narrow API without MLIR
// types. A compiled Kernel is immutable and may be launched from any number of
// threads at once.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_HOST_H
#define CUFT_RUNTIME_HOST_H

#include "cuft/Compiler/Compiler.h"

#include <cstddef>
#include <cstdint>
#include <atomic>
#include <array>
#include <memory>
#include <string>
#include <vector>

namespace cuft::host {

struct Options {
  unsigned optLevel = 3;
  bool fastMath = false;
  bool boundsCheck = false;
  bool keepLLVMIR = false; // fill CompileResult::llvmIR (optimized LLVM IR)
  /// The block shape (x, y, z) every launch of the code has: blockDim is a
  /// constant in it and its thread loops have known trip counts. All zero:
  /// code for any block shape.
  std::array<uint32_t, 3> block{0, 0, 0};
};

/// Where a bounds-checked access is in the user's source.
struct SourceSite {
  std::string file;
  unsigned line = 0, column = 0;
};

/// A kernel compiled for the CPU but not loaded: relocatable object code (ELF)
/// and what launching needs. Immutable; the compile cache shares one Object
/// between every thread, and each load JIT-links its own copy of the code.
struct Object {
  std::string name;
  /// Each thread runs on its own fiber: the kernel reaches a warp or block
  /// collective, a grid sync, a possible spin-wait, or a barrier the compiler
  /// could not split at (else a block's threads run in loops).
  bool fibers = false;
  /// The kernel syncs its grid (cuft.cg): a launch runs every block at once.
  bool cooperative = false;
  /// Its entry runs a run of blocks along x in one call (kRunSlot): its
  /// threads run in one loop from the start (no barrier, no fibers).
  bool blockRuns = false;
  /// Its code has atomics on memory other than the block's shared memory:
  /// blocks on several cores may contend for it (HostLaunch.cpp's widths).
  bool globalAtomics = false;
  /// Static shared memory of one block, in bytes.
  uint64_t sharedBytes = 0;
  /// Stack slots of one thread (local arrays, variables), in bytes; for a
  /// kernel split at its barriers, its block's frame at the most threads.
  uint64_t localBytes = 0;
  /// The most threads a block may have (the kernel's launch_bounds; 0: CUDA's).
  uint64_t maxThreads = 0;
  /// Its array parameters (kArraysAttr): where each descriptor starts among the
  /// arguments' cells, its rank and its element's bytes. Empty when unknown.
  struct ArrayParam {
    uint32_t cell = 0, rank = 0, bytes = 0;
  };
  std::vector<ArrayParam> arrays;
  /// The arrays whose atomic updates a worker may apply to a copy of its own
  /// (kPrivateAtomicsAttr): which of `arrays`, and the update's PrivateKind;
  /// the k-th is bit k of the ids' private mask.
  struct PrivateArray {
    uint32_t array = 0, kind = 0;
  };
  std::vector<PrivateArray> privateAtomics;
  std::vector<SourceSite> sites;
  /// The source line of each address of the code, from its line table (read
  /// when compiled), so that a trap names its line. Addresses are offsets from
  /// the packed entry; a row holds until the next one.
  struct LineRow {
    int64_t offset;
    uint32_t line, column, file; // file indexes `files`; line 0: unknown
  };
  std::vector<LineRow> lines;
  std::vector<std::string> files;
  std::string code;   // the object file; its packed entry is entrySymbol(name)
  std::string llvmIR; // the optimized LLVM IR, with Options::keepLLVMIR
};

/// The symbol of the packed entry of kernel `name` in an Object's code:
/// `void entry(void **args)`.
std::string entrySymbol(const std::string &name);

/// This CPU as the host target compiles for it: its name and features
/// (LLVM's). Host code is keyed by it. Computed once.
const std::string &cpuId();

/// Whether the host compiler splits kernels whose threads meet only at
/// barriers into loops between them (SplitBarriers.cpp); false with
/// CUFT_HOST_FIBERS=1 in the environment, which runs them as fibers (to
/// compare, or to work around a problem). Read once; host code is keyed by
/// it.
bool splitsBarriers();

/// A kernel loaded into this process: its JIT-linked entry and what launching
/// needs. Immutable; launch it from any number of threads at once.
class Kernel {
public:
  struct Impl;
  explicit Kernel(std::unique_ptr<Impl> impl);
  ~Kernel();
  Kernel(const Kernel &) = delete;
  Kernel &operator=(const Kernel &) = delete;

  const std::string &name() const;
  bool usesFibers() const;
  /// It syncs its grid (cuft.cg): every block of a launch runs at once.
  bool cooperative() const;
  /// Its entry runs several blocks of a row of the grid in one call (Object).
  bool blockRuns() const;
  /// It has atomics on memory other than shared memory.
  bool globalAtomics() const;
  /// How a kernel with global atomics runs best, as launches measured it
  /// (HostLaunch.cpp): nanoseconds per block with the pool's threads, and
  /// with the launching thread alone; 0 until measured.
  struct Widths {
    std::atomic<uint64_t> poolNanos{0}, aloneNanos{0};
    std::atomic<uint64_t> launches{0}; // measured launches since both were
  };
  Widths &widths() const;
  uint64_t sharedBytes() const;
  /// Stack slots of one thread (local arrays, variables), in bytes; for a
  /// kernel split at its barriers, its block's frame at the most threads.
  uint64_t localBytes() const;
  /// The most threads a block may have (launch_bounds; 0: CUDA's limit).
  uint64_t maxThreads() const;
  const std::vector<Object::ArrayParam> &arrays() const;
  const std::vector<Object::PrivateArray> &privateAtomics() const;
  const std::vector<SourceSite> &indexSites() const;
  /// The source line of the kernel code at address `pc` (a trap's), or an
  /// empty site when unknown.
  SourceSite siteOf(uint64_t pc) const;
  /// The packed entry: args[i] points at the i-th scalar of the LLVM signature
  /// (memref arguments expanded to allocated, aligned, offset, sizes, strides).
  void (*entry() const)(void **);

private:
  std::unique_ptr<Impl> impl;
};

struct ObjectResult {
  bool ok = false;
  std::shared_ptr<const Object> object;
  std::vector<Diagnostic> diagnostics;
};

/// Specializes generic IR `ir` for `signature` and compiles kernel `kernel` to
/// object code for this CPU. Thread-safe; each call is independent.
ObjectResult compileObject(const std::string &ir, const std::string &signature,
                           const std::string &kernel, const Options &options);

/// JIT-links `object` into this process (a JIT of its own, the runtime's
/// functions and libm bound). Null with `error` set when it cannot.
std::unique_ptr<Kernel> load(const Object &object, std::string &error);

struct CompileResult {
  bool ok = false;
  std::shared_ptr<const Kernel> kernel;
  std::string llvmIR; // with Options::keepLLVMIR
  std::vector<Diagnostic> diagnostics;
};

/// compileObject, then load: a kernel of its own, outside every cache.
CompileResult compile(const std::string &ir, const std::string &signature,
                      const std::string &kernel, const Options &options);

struct LaunchError {
  enum class Kind { None, Config, Index, ZeroDivision, Reshape, Raise, Trap, Interrupted };
  Kind kind = Kind::None;
  std::string message;
  SourceSite site; // Index, ZeroDivision, Reshape: where the access or division is; Trap: where
                   // the faulting instruction comes from, when known
  uint64_t pc = 0; // Trap: the faulting instruction's address
  int64_t dim = 0, index = 0, size = 0; // Raise: `index` is the raise's code
  uint32_t block[3] = {0, 0, 0}, thread[3] = {0, 0, 0};
  explicit operator bool() const { return kind != Kind::None; }
};

/// Runs `kernel` over `grid` x `block` threads and returns when all are done.
/// `args` holds the kernel's own arguments in the entry's packed form; the
/// runtime adds each thread's indices and its block's shared memory. Blocks run
/// in parallel on a process-wide pool; the first error stops the launch.
/// `dynamicSharedBytes` follow the kernel's static shared memory, 16-byte
/// aligned (`cuft.shared.array(0, dtype)`).
/// An `interruptible` launch (one of Python's main thread) stops at Ctrl-C:
/// its kernel's loops and the runtime between blocks look for SIGINT, and the
/// launch returns Kind::Interrupted.
LaunchError launch(const Kernel &kernel, const uint32_t grid[3], const uint32_t block[3],
                   void *const *args, size_t numArgs, bool interruptible = false,
                   uint32_t dynamicSharedBytes = 0);

/// Threads of the pool that runs blocks (the machine's hardware threads, or
/// CUFT_HOST_THREADS).
unsigned poolSize();

/// Launches so far, in this process, whose workers updated private copies of
/// an array (PrivateAtomics.h): for tests.
uint64_t privatizedLaunches();

/// The most blocks of `threadsPerBlock` threads and `dynamicSharedBytes` a
/// cooperative launch of `kernel` (one that syncs its grid) may have: all
/// run at once, the host counting as one SM (sm_90's limits: blocksPerSM)
/// per thread that runs blocks (the pool's and the launching one).
uint64_t maxCooperativeBlocks(const Kernel &kernel, uint64_t threadsPerBlock,
                              uint64_t dynamicSharedBytes);

} // namespace cuft::host

#endif
