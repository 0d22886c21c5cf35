// RUN: cuft-opt %cuft_src/docs/examples/block_sum.mlir --cuft-specialize="sig=array<f32,1,C>,array<f32,1,C>,i64=256" --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}

// The generic-IR block reduction of docs/examples: a constexpr block size sizes
// the shared buffer (256 f32 = 1024 bytes), the tree loop keeps its barrier, and
// the block's sum is added atomically.

// CHECK-LABEL: .visible .entry block_sum(
// CHECK: .shared .align 16 .b8 __cuft_shared[1024];
// CHECK: st.shared.b32
// CHECK: bar.sync 0;
// CHECK: ld.shared.b32
// CHECK: bar.sync 0;
// CHECK: atom.global.add.f32
