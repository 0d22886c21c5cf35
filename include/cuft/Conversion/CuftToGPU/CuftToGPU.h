//===- CuftToGPU.h - typed cuft to upstream dialects ------------*- C++ -*-===//
#ifndef CUFT_CONVERSION_CUFTTOGPU_CUFTTOGPU_H
#define CUFT_CONVERSION_CUFTTOGPU_CUFTTOGPU_H

#include "cuft/Runtime/Collectives.h"

#include "mlir/Transforms/DialectConversion.h"

namespace cuft {
/// Arrays become memrefs (C layout: identity; F and strided: dynamic strides;
/// shared memory: address space 3), variables rank-0 memrefs, unsigned integers
/// signless ones.
class CuftTypeConverter : public mlir::TypeConverter {
public:
  explicit CuftTypeConverter(mlir::MLIRContext *ctx);
};

struct CuftLoweringOptions {
  bool fastMath = false;
  /// Check array indices, integer divisors and reshapes' extents; a failed
  /// check calls kIndexErrorFunction, kZeroDivisionFunction or
  /// kReshapeErrorFunction.
  bool boundsCheck = false;
  /// Cache-hinted loads and stores (cuft.load's and cuft.store's `cache`) as
  /// PTX's `ld.global.<op>`/`st.global.<op>` (the NVPTX pipeline); else plain
  /// memref accesses (the host target).
  bool cacheHints = false;
};

/// `func.func private @__cuft_index_error(i64 dim, i64 index, i64 size)`, called
/// by bounds-checked accesses; convert-gpu-to-host prepends a site number.
inline constexpr const char *kIndexErrorFunction = "__cuft_index_error";
/// `func.func private @__cuft_zero_division_error()`, called by checked integer
/// `//` and `%` with a zero divisor; convert-gpu-to-host prepends a site number.
inline constexpr const char *kZeroDivisionFunction = "__cuft_zero_division_error";
/// `func.func private @__cuft_reshape_error(i64 size, i64 elements, i64 why)`,
/// called by a checked reshape whose extents do not fit the array (why: 0 the
/// product differs from the size, 1 more than one -1, 2 an extent below -1);
/// convert-gpu-to-host prepends a site number.
inline constexpr const char *kReshapeErrorFunction = "__cuft_reshape_error";
/// `raise` (cuft.raise) calls `__cuft_raise(code)`, which does not return: the
/// host target reports it (a check site, as the two above); prepare-nvptx
/// writes the module's error record (kErrorRecordGlobal) and exits the thread.
inline constexpr const char *kRaiseFunction = "__cuft_raise";
/// The name (made unique by a suffix) of the read-only globals holding a
/// module-level array's values (cuft.const_array); prepare-nvptx moves them to
/// PTX's .const space.
inline constexpr const char *kConstArrayGlobal = "__cuft_const";
/// The alignment of shared arrays (their globals) that ask for no more
/// (`alignment=`): 16 bytes, a vector load's.
inline constexpr int64_t kArrayAlignment = 16;
/// The launch's dynamic shared memory (`cuft.shared.array(0, dtype)`): an
/// external workgroup buffer, and `i32 __cuft_dynamic_shared_bytes()`, its
/// size, which prepare-nvptx reads from %dynamic_smem_size and the host
/// runtime gives from the launch.
inline constexpr const char *kDynamicSharedGlobal = "__cuft_dynamic_shared";
inline constexpr const char *kDynamicSharedBytesFunction = "__cuft_dynamic_shared_bytes";
/// cuft.grid_sync: `__cuft_grid_sync()`, libcudadevrt's cudaCGSynchronize
/// on the GPU (prepare-nvptx), the host runtime's grid barrier on the host.
inline constexpr const char *kGridSyncFunction = "__cuft_grid_sync";
/// A module whose kernel syncs its grid has this public i32 global (1): the
/// CUDA runtime launches its kernel cooperatively.
inline constexpr const char *kCooperativeGlobal = "__cuft_cooperative";
/// cuft.nanosleep: `__cuft_nanosleep(i32 ns)`, PTX's nanosleep or, on the
/// host, a turn for the block's other threads.
inline constexpr const char *kNanoSleepFunction = "__cuft_nanosleep";
/// The GPU module's error record: i64 [code + 1, block x, y, z, thread x, y, z],
/// zero while nothing was raised; the first raise of a launch wins.
inline constexpr const char *kErrorRecordGlobal = "__cuft_error";

/// On a private `func.func` declaration: a function of the C math library
/// (`lgamma`, `tgammaf`, `hypot`...) that the math dialect lacks. The IR stays
/// target-independent; each target supplies the function: the host links the C
/// library's, prepare-nvptx calls libdevice's `__nv_` function of that name.
inline constexpr const char *kLibmAttr = "cuft.libm";

/// On a kernel's gpu.func: the most threads its blocks may have (its
/// launch_bounds), for the host target, which refuses larger blocks as a GPU
/// does (NVVM's `nvvm.maxntid` says it to the GPU).
inline constexpr const char *kMaxThreadsAttr = "cuft.max_threads";

/// Scalar arithmetic, comparisons, casts and math functions.
void populateCuftArithToArithPatterns(CuftTypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const CuftLoweringOptions &options);
/// Arrays, variables, shared/local allocation and atomics.
void populateCuftMemoryToMemRefPatterns(CuftTypeConverter &converter,
                                        mlir::RewritePatternSet &patterns,
                                        const CuftLoweringOptions &options);
/// Thread indexing, barriers and fences.
void populateCuftGpuToGpuPatterns(CuftTypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
/// Kernels, device functions, calls and returns.
void populateCuftFuncToGpuPatterns(CuftTypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
} // namespace cuft

#endif
