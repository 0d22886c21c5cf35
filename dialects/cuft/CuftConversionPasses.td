//===- CuftConversionPasses.td - cuft lowering passes -----------*- tablegen -*-===//

#ifndef CUFT_CONVERSION_PASSES_TD
#define CUFT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertCuftToCF : Pass<"convert-cuft-to-cf", "::mlir::ModuleOp"> {
  let summary = "lower cuft structured control flow to cf branches";
  let description = [{
    Rewrites `cuft.if`, `cuft.for`, `cuft.while`, `cuft.break` and `cuft.continue`
    in typed kernels and device functions into blocks joined by `cf.br` and
    `cf.cond_br`. Other cuft ops are left for `convert-cuft-to-gpu`.
  }];
  let dependentDialects = ["::mlir::cf::ControlFlowDialect"];
}

def ConvertCuftToGPU : Pass<"convert-cuft-to-gpu", "::mlir::ModuleOp"> {
  let summary = "lower typed cuft IR to the gpu, func, arith, math, memref and llvm dialects";
  let description = [{
    Moves kernels and device functions into a `gpu.module` (kernels become
    `gpu.func` kernels, device functions `func.func`), arrays become memrefs
    (`C` layout: identity; otherwise dynamically strided; shared memory in address
    space 3), variables become rank-0 `memref.alloca`s, arithmetic gets Python's
    semantics in arith/math ops, and barriers, fences and atomics map to
    gpu/llvm/memref ops. Generic (unspecialized) IR is rejected with a diagnostic.
  }];
  let options = [
    Option<"moduleName", "module-name", "std::string", "\"cuft_kernels\"",
           "name of the gpu.module that receives the kernels">,
    Option<"fastMath", "fast-math", "bool", "false",
           "mark float arithmetic with fast-math flags">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::func::FuncDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
  ];
}

#endif // CUFT_CONVERSION_PASSES_TD
