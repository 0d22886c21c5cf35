//===- Pipelines.h - cuft's named pipelines ---------------------*- C++ -*-===//
#ifndef CUFT_PIPELINES_PIPELINES_H
#define CUFT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace cuft {

/// Options of the `cuft-to-ptx` pipeline. The Python package fills the same struct.
struct CuftToPTXOptions : public mlir::PassPipelineOptions<CuftToPTXOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("target architecture"),
                           llvm::cl::init("sm_90")};
  Option<std::string> ptxFeatures{*this, "features",
                                  llvm::cl::desc("PTX ISA version feature"),
                                  llvm::cl::init("+ptx80")};
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("LLVM optimization level (0-3)"),
                            llvm::cl::init(3)};
  Option<bool> fastMath{*this, "fast-math",
                        llvm::cl::desc("fast-math flags and approximate libdevice"),
                        llvm::cl::init(false)};
  Option<bool> fma{*this, "fma",
                   llvm::cl::desc("contract float multiplies and adds into fused "
                                  "multiply-adds (nvcc's and numba's default)"),
                   llvm::cl::init(true)};
  Option<std::string> binaryFormat{
      *this, "format",
      llvm::cl::desc("what the gpu.binary holds: isa (PTX, the default) or llvm "
                     "(LLVM bitcode, for inspection)"),
      llvm::cl::init("isa")};
  Option<std::string> libdevice{
      *this, "libdevice",
      llvm::cl::desc("path of libdevice.10.bc (default: from $CUDA_HOME or the "
                     "toolkit cuft was built with)"),
      llvm::cl::init("")};
  Option<bool> lineInfo{*this, "lineinfo",
                        llvm::cl::desc("PTX .loc/.file lines of the source (line tables "
                                       "only), for profilers and compute-sanitizer"),
                        llvm::cl::init(false)};
  Option<bool> inlinerWalk{
      *this, "inliner-walk",
      llvm::cl::desc("LLVM's per-module pipeline as LLVM builds it, with the inliner's "
                     "walk of the call graph where no function calls another too "
                     "(a test's reference: the same code, slower)"),
      llvm::cl::init(false)};
};

/// Options of the `cuft-to-host` pipeline (the host target, see docs/HostTarget.md).
struct CuftToHostOptions : public mlir::PassPipelineOptions<CuftToHostOptions> {
  Option<bool> fastMath{*this, "fast-math",
                        llvm::cl::desc("fast-math flags on float arithmetic"),
                        llvm::cl::init(false)};
  Option<bool> boundsCheck{*this, "bounds-check",
                           llvm::cl::desc("check array indices at run time"),
                           llvm::cl::init(false)};
};

/// The path of libdevice.10.bc: `$CUDA_HOME/nvvm/libdevice/libdevice.10.bc` if it
/// exists, otherwise the one of the toolkit cuft was configured with.
std::string defaultLibdevicePath();

/// Typed cuft IR -> `gpu.binary` holding PTX. This is the one pipeline: cuft-opt's
/// `--cuft-to-ptx` and the Python package both call it.
void buildCuftToPTXPipeline(mlir::OpPassManager &pm, const CuftToPTXOptions &options);

/// Typed cuft IR -> LLVM dialect for the CPU: kernels become host functions
/// (convert-gpu-to-host) with `__cuft_entry_<kernel>` entries. The host target
/// JIT-compiles its output; `cuft-opt --cuft-to-host` prints it.
void buildCuftToHostPipeline(mlir::OpPassManager &pm, const CuftToHostOptions &options);

/// Registers `cuft-to-ptx` and `cuft-to-host` with the pass registry.
void registerCuftPipelines();

/// The PTX texts of the `gpu.binary` ops in `module` (format `isa`), in order.
std::vector<std::string> collectPTX(mlir::Operation *module);

} // namespace cuft

#endif
