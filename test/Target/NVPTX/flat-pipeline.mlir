// A module none of whose functions calls another it defines gets LLVM's
// per-module pipeline without the inliner's walk of the call graph
// (OptLevel.cpp's flatPipeline): the same passes, so the same PTX, to the
// byte, as the pipeline LLVM builds (inliner-walk), for kernels with loops,
// shared memory and barriers, atomics, libdevice calls and 2-D indexing. A
// change of LLVM's pipeline that flatPipeline misses fails here.
// RUN: cuft-opt %cuft_src/docs/examples/saxpy.mlir --cuft-specialize="sig=f32,array<f32,1,C>,array<f32,1,C>" --cuft-to-ptx -o %t.saxpy.flat
// RUN: cuft-opt %cuft_src/docs/examples/saxpy.mlir --cuft-specialize="sig=f32,array<f32,1,C>,array<f32,1,C>" --cuft-to-ptx=inliner-walk=1 -o %t.saxpy.walk
// RUN: diff %t.saxpy.flat %t.saxpy.walk
// RUN: cuft-opt %S/matmul-shared.mlir --cuft-specialize="sig=array<f32,2,C>,array<f32,2,C>,array<f32,2,C>,i64=16" --cuft-to-ptx -o %t.matmul.flat
// RUN: cuft-opt %S/matmul-shared.mlir --cuft-specialize="sig=array<f32,2,C>,array<f32,2,C>,array<f32,2,C>,i64=16" --cuft-to-ptx=inliner-walk=1 -o %t.matmul.walk
// RUN: diff %t.matmul.flat %t.matmul.walk
// RUN: cuft-opt %cuft_src/docs/examples/block_sum.mlir --cuft-specialize="sig=array<f32,1,C>,array<f32,1,C>,i64=256" --cuft-to-ptx -o %t.sum.flat
// RUN: cuft-opt %cuft_src/docs/examples/block_sum.mlir --cuft-specialize="sig=array<f32,1,C>,array<f32,1,C>,i64=256" --cuft-to-ptx=inliner-walk=1 -o %t.sum.walk
// RUN: diff %t.sum.flat %t.sum.walk
// RUN: cuft-opt %S/reduction.mlir --cuft-to-ptx -o %t.reduction.flat
// RUN: cuft-opt %S/reduction.mlir --cuft-to-ptx=inliner-walk=1 -o %t.reduction.walk
// RUN: diff %t.reduction.flat %t.reduction.walk
// RUN: cuft-opt %S/math-libdevice.mlir --cuft-to-ptx -o %t.math.flat
// RUN: cuft-opt %S/math-libdevice.mlir --cuft-to-ptx=inliner-walk=1 -o %t.math.walk
// RUN: diff %t.math.flat %t.math.walk
// RUN: cuft-opt %S/atomics.mlir --cuft-to-ptx -o %t.atomics.flat
// RUN: cuft-opt %S/atomics.mlir --cuft-to-ptx=inliner-walk=1 -o %t.atomics.walk
// RUN: diff %t.atomics.flat %t.atomics.walk
// RUN: cuft-opt %S/control-flow.mlir --cuft-to-ptx -o %t.cf.flat
// RUN: cuft-opt %S/control-flow.mlir --cuft-to-ptx=inliner-walk=1 -o %t.cf.walk
// RUN: diff %t.cf.flat %t.cf.walk
// RUN: cuft-opt %S/Inputs/stencil_5pt.mlir --cuft-specialize="sig=array<f32,2,C>,array<f32,2,C>" --cuft-to-ptx -o %t.stencil_5pt.flat
// RUN: cuft-opt %S/Inputs/stencil_5pt.mlir --cuft-specialize="sig=array<f32,2,C>,array<f32,2,C>" --cuft-to-ptx=inliner-walk=1 -o %t.stencil_5pt.walk
// RUN: diff %t.stencil_5pt.flat %t.stencil_5pt.walk
// RUN: cuft-opt %S/Inputs/jacobi_step.mlir --cuft-specialize="sig=array<f64,2,C>,array<f64,2,C>,array<f64,1,C>" --cuft-to-ptx -o %t.jacobi_step.flat
// RUN: cuft-opt %S/Inputs/jacobi_step.mlir --cuft-specialize="sig=array<f64,2,C>,array<f64,2,C>,array<f64,1,C>" --cuft-to-ptx=inliner-walk=1 -o %t.jacobi_step.walk
// RUN: diff %t.jacobi_step.flat %t.jacobi_step.walk
// RUN: cuft-opt %S/Inputs/blur_3d.mlir --cuft-specialize="sig=array<f32,3,C>,array<f32,3,C>" --cuft-to-ptx -o %t.blur_3d.flat
// RUN: cuft-opt %S/Inputs/blur_3d.mlir --cuft-specialize="sig=array<f32,3,C>,array<f32,3,C>" --cuft-to-ptx=inliner-walk=1 -o %t.blur_3d.walk
// RUN: diff %t.blur_3d.flat %t.blur_3d.walk
module {
}
