// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,2,C>,i64=16,f32=0.5,bool=true" | FileCheck %s
// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,2,C>,i32=8,f64=2.0,bool=false" | FileCheck %s --check-prefix=SMALL

// def tile(a, T: constexpr, scale: constexpr, flag: constexpr):
//     t = cuft.shared.array((T, T), float32)
//     l = cuft.local.array(T * 2, int32)
//     t[0, 0] = a[0, 0] * scale
//     l[0] = t.shape[1]
//     if flag: a[0, 0] = T

// The constexpr arguments disappear from the kernel's parameters, their values
// fold into the body and fix the shapes of the shared and local arrays.
// CHECK-LABEL: cuft.kernel @tile(
// CHECK-SAME: %[[A:[^:]*]]: !cuft.array<f32, 2, C>) {
// CHECK-NOT: cuft.constexpr
// CHECK-DAG: %[[T:.*]] = cuft.alloc_shared f32 shape [16, 16] -> !cuft.array<f32, 2, C, shared>
// CHECK-DAG: %[[L:.*]] = cuft.alloc_local i32 shape [32] -> !cuft.array<i32, 1, C, local>
// CHECK-DAG: %[[SCALE:.*]] = cuft.constant 5.000000e-01 : f32
// CHECK-DAG: %[[C16:.*]] = cuft.constant 16 : i32
// CHECK-DAG: %[[TRUE:.*]] = cuft.constant true
// CHECK-DAG: %[[F16:.*]] = cuft.constant 1.600000e+01 : f32
// CHECK-DAG: %[[V:.*]] = cuft.load %[[A]]
// CHECK: %[[M:.*]] = cuft.mul %[[V]], %[[SCALE]] : (f32, f32) -> f32
// CHECK: cuft.store %[[M]], %[[T]][%{{.*}}, %{{.*}}] : f32, !cuft.array<f32, 2, C, shared>[i64, i64]
// t.shape[1] folds to 16 once the shared array has a static shape.
// CHECK-NOT: cuft.dim
// CHECK: cuft.store %[[C16]], %[[L]][%{{.*}}] : i32, !cuft.array<i32, 1, C, local>[i64]
// CHECK: cuft.if %[[TRUE]] : i1 {
// CHECK: cuft.store %[[F16]], %[[A]]

// SMALL-LABEL: cuft.kernel @tile(
// SMALL-SAME: %[[A:[^:]*]]: !cuft.array<f32, 2, C>) {
// SMALL-DAG: cuft.alloc_shared f32 shape [8, 8] -> !cuft.array<f32, 2, C, shared>
// SMALL-DAG: cuft.alloc_local i32 shape [16] -> !cuft.array<i32, 1, C, local>
// A strong f32 times a weak f64 constexpr stays f32.
// SMALL-DAG: cuft.constant 2.000000e+00 : f32
// SMALL-DAG: cuft.constant false
// SMALL: cuft.mul %{{.*}}, %{{.*}} : (f32, f32) -> f32
cuft.kernel @tile(%a: !cuft.unknown, %n: !cuft.unknown {cuft.constexpr}, %scale: !cuft.unknown {cuft.constexpr}, %flag: !cuft.unknown {cuft.constexpr}) {
  %t = cuft.var "t" : !cuft.var<!cuft.unknown>
  %l = cuft.var "l" : !cuft.var<!cuft.unknown>
  %sh = cuft.alloc_shared f32 [%n, %n : !cuft.unknown, !cuft.unknown] -> !cuft.unknown
  cuft.var_store %sh, %t : !cuft.unknown, !cuft.var<!cuft.unknown>
  %c2 = cuft.constant 2 : i64
  %n2 = cuft.mul %n, %c2 : (!cuft.unknown, i64) -> !cuft.unknown
  %lo = cuft.alloc_local i32 [%n2 : !cuft.unknown] -> !cuft.unknown
  cuft.var_store %lo, %l : !cuft.unknown, !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  %v = cuft.load %a[%c0, %c0] : !cuft.unknown[i64, i64] -> !cuft.unknown
  %m = cuft.mul %v, %scale : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %tv = cuft.var_load %t : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.store %m, %tv[%c0, %c0] : !cuft.unknown, !cuft.unknown[i64, i64]
  %d = cuft.dim %tv, 1 : !cuft.unknown -> i64
  %lv = cuft.var_load %l : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.store %d, %lv[%c0] : i64, !cuft.unknown[i64]
  cuft.if %flag : !cuft.unknown {
    cuft.store %n, %a[%c0, %c0] : !cuft.unknown, !cuft.unknown[i64, i64]
  }
  cuft.return
}
