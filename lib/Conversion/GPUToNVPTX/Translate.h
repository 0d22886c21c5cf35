//===- Translate.h - a gpu.module's lowered IR straight to LLVM IR ---------===//
//
// See Translate.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef CUFT_CONVERSION_GPUTONVPTX_TRANSLATE_H
#define CUFT_CONVERSION_GPUTONVPTX_TRANSLATE_H

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace mlir::gpu {
class GPUModuleOp;
} // namespace mlir::gpu

namespace cuft {

/// `gpuModule` (arith, cf, math, memref, complex, func, gpu, nvvm and llvm
/// ops, as convert-cuft-to-gpu and prepare-nvptx leave them) as an LLVM
/// module for NVPTX, in one walk. With `lineInfo`, each instruction gets its
/// op's line and column (a line table, as nvcc's -lineinfo). Null, with the
/// error emitted at the op, where an op has no translation here.
std::unique_ptr<llvm::Module> translateToNVVMIR(mlir::gpu::GPUModuleOp gpuModule,
                                                llvm::LLVMContext &context, bool lineInfo);

} // namespace cuft

#endif // CUFT_CONVERSION_GPUTONVPTX_TRANSLATE_H
