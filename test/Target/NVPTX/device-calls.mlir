// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,1,C>,f32,f32" --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}

// A generic device function called from a generic kernel: specialization clones
// it for (f32, f32, f32) as clamp__f32_f32_f32, and LLVM inlines it into the
// kernel. Only kernels are entry points: the function is internal, and once
// inlined it is gone from the PTX, as is its C-interface wrapper.
//
//   @cuft.func
//   def clamp(v, lo, hi):
//       return min(max(v, lo), hi)
//
//   @cuft.kernel
//   def clip(x, lo, hi):
//       i = cuft.grid(1)
//       if i < x.shape[0]:
//           x[i] = clamp(x[i], lo, hi)

// CHECK-NOT: .extern
// CHECK-NOT: clamp__f32_f32_f32
// CHECK-NOT: _mlir_ciface
// CHECK-LABEL: .visible .entry clip(
// CHECK: ld.global.b32
// max then min of floats: the GPU's instructions (IEEE 754-2019's
// maximumNumber and minimumNumber: a NaN operand gives the other, -0.0 < +0.0).
// CHECK: max.f32
// CHECK-NEXT: min.f32
// CHECK-NOT: selp
// CHECK: st.global.b32
// CHECK-NOT: .extern
// CHECK-NOT: .func
cuft.func @clamp(%v: !cuft.unknown, %lo: !cuft.unknown, %hi: !cuft.unknown) -> !cuft.unknown {
  %0 = cuft.max %v, %lo : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %1 = cuft.min %0, %hi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return %1 : !cuft.unknown
}

cuft.kernel @clip(%x: !cuft.unknown, %lo: !cuft.unknown, %hi: !cuft.unknown) {
  %i = cuft.grid 1 : i64
  %n = cuft.dim %x, 0 : !cuft.unknown -> i64
  %c = cuft.cmp lt, %i, %n : (i64, i64) -> !cuft.unknown
  cuft.if %c : !cuft.unknown {
    %v = cuft.load %x[%i] : !cuft.unknown[i64] -> !cuft.unknown
    %r = cuft.call @clamp(%v, %lo, %hi) : (!cuft.unknown, !cuft.unknown, !cuft.unknown) -> !cuft.unknown
    cuft.store %r, %x[%i] : !cuft.unknown, !cuft.unknown[i64]
  }
  cuft.return
}
