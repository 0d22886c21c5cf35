// RUN: cuft-opt %cuft_src/docs/examples/saxpy.mlir --cuft-specialize="sig=f32,array<f32,1,C>,array<f32,1,C>" --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}
// RUN: cuft-opt %cuft_src/docs/examples/saxpy.mlir --cuft-specialize="sig=f32,array<f32,1,C>,array<f32,1,C>" --cuft-to-ptx="fma=0" | FileCheck %s --check-prefix=NOFMA

// The example from docs/examples, as the README's main job runs it: a * x + y
// is one fused multiply-add (rounded once), as nvcc and numba contract it;
// with fma=0 a multiply and an add, each rounded (.rn: ptxas may not fuse them).

// CHECK: .target sm_90
// CHECK-LABEL: .visible .entry saxpy(
// CHECK: mov.u32 {{.*}}%ctaid.x
// CHECK: ld.global.b32
// CHECK: ld.global.b32
// CHECK: fma.rn.f32
// CHECK: st.global.b32
// NOFMA: ld.global.b32
// NOFMA: mul.rn.f32
// NOFMA: ld.global.b32
// NOFMA: add.rn.f32
// NOFMA: st.global.b32
