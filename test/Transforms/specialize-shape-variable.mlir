// RUN: cuft-opt %s --cuft-specialize="sig=" | FileCheck %s

// m = 8; n = m * 2; a = cuft.local.array(n, cuft.float32): a shape read from
// variables assigned once before takes the stored values, and folds to the
// constant (numba's constant propagation sees it). A variable assigned twice
// is a run-time value: specialize-errors.mlir.

// CHECK-LABEL: cuft.kernel @k(
// CHECK-NOT: cuft.var_load
// CHECK: cuft.alloc_local f32 shape [16] -> !cuft.array<f32, 1, C, local>
cuft.kernel @k() {
  %m = cuft.var "m" : !cuft.var<!cuft.unknown>
  %n = cuft.var "n" : !cuft.var<!cuft.unknown>
  %c8 = cuft.constant 8 : i64
  cuft.var_store %c8, %m : i64, !cuft.var<!cuft.unknown>
  %m0 = cuft.var_load %m : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %c2 = cuft.constant 2 : i64
  %twice = cuft.mul %m0, %c2 : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.var_store %twice, %n : !cuft.unknown, !cuft.var<!cuft.unknown>
  %n0 = cuft.var_load %n : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %a = cuft.alloc_local f32 [%n0 : !cuft.unknown] -> !cuft.unknown
  cuft.return
}
