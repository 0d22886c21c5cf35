// RUN: cuft-opt %cuft_src/docs/examples/saxpy.mlir --cuft-specialize="sig=f32,array<f32,1,C>,array<f32,1,C>" --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}

// The example from docs/examples, as the README's main job runs it.

// CHECK: .target sm_90
// CHECK-LABEL: .visible .entry saxpy(
// CHECK: mov.u32 {{.*}}%ctaid.x
// CHECK: ld.global.b32
// CHECK: mul.rn.f32
// CHECK: ld.global.b32
// CHECK: add.rn.f32
// CHECK: st.global.b32
