//===- Translate.h - lowered IR straight to LLVM IR, both targets ----------===//
//
// See lib/Conversion/Common/Translate.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef CUFT_CONVERSION_TRANSLATE_H
#define CUFT_CONVERSION_TRANSLATE_H

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace mlir {
class ModuleOp;
namespace gpu {
class GPUModuleOp;
} // namespace gpu
} // namespace mlir

namespace cuft {

/// `gpuModule` (arith, cf, math, memref, complex, func, gpu, nvvm and llvm
/// ops, as convert-cuft-to-gpu and prepare-nvptx leave them) as an LLVM
/// module for NVPTX, in one walk. With `lineInfo`, each instruction gets its
/// op's line and column (a line table, as nvcc's -lineinfo). Null, with the
/// error emitted at the op, where an op has no translation here.
std::unique_ptr<llvm::Module> translateToNVVMIR(mlir::gpu::GPUModuleOp gpuModule,
                                                llvm::LLVMContext &context, bool lineInfo);

/// `module` (the same dialects but gpu and nvvm, as convert-gpu-to-host
/// leaves them) as an LLVM module for the host target, with a line table
/// (a trap names its kernel's line). Math ops are LLVM's intrinsics. Null,
/// with the error emitted at the op, where an op has no translation here.
std::unique_ptr<llvm::Module> translateToHostIR(mlir::ModuleOp module, llvm::LLVMContext &context);

} // namespace cuft

#endif // CUFT_CONVERSION_TRANSLATE_H
