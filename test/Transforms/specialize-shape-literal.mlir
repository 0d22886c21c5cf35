// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,1,C>" | FileCheck %s

// def block_sum(x, n): sm = cuft.shared.array(n, cuft.float32) ...
// called as block_sum(x, 32) and block_sum(x, 16): a shared array's shape
// computed from a parameter makes the clone one per literal value (numba
// specializes on the literal), the value in place of the parameter, so the
// shape is a compile-time constant; `v32` names the value.

// CHECK-LABEL: cuft.func @block_sum__array_f32_1_C__i64wv16(
// CHECK: cuft.alloc_shared f32 shape [16] -> !cuft.array<f32, 1, C, shared>
// CHECK-LABEL: cuft.func @block_sum__array_f32_1_C__i64wv32(
// CHECK: cuft.alloc_shared f32 shape [32] -> !cuft.array<f32, 1, C, shared>
// CHECK-LABEL: cuft.kernel @k(
// CHECK: cuft.call @block_sum__array_f32_1_C__i64wv32(
// CHECK: cuft.call @block_sum__array_f32_1_C__i64wv16(
cuft.func @block_sum(%x: !cuft.unknown, %n: !cuft.unknown) -> !cuft.unknown {
  %sm = cuft.alloc_shared f32 [%n : !cuft.unknown] -> !cuft.unknown
  %c0 = cuft.constant 0 : i64
  %v = cuft.load %x[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.store %v, %sm[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %r = cuft.load %sm[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.return %r : !cuft.unknown
}

cuft.kernel @k(%x: !cuft.unknown) {
  %c32 = cuft.constant 32 : i64
  %a = cuft.call @block_sum(%x, %c32) : (!cuft.unknown, i64) -> !cuft.unknown
  %c16 = cuft.constant 16 : i64
  %b = cuft.call @block_sum(%x, %c16) : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.return
}
