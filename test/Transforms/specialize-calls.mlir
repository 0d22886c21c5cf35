// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,1,C>,array<i32,1,C>" | FileCheck %s

// def clamp(v, lo, hi): return min(max(v, lo), hi)
// called as clamp(x[0], 0.0, 1.0), clamp(n[0], 0, 10) and clamp(n[0], 0, 10**10):
// one clone per argument signature, named after the argument types (`w` marks a
// weak one; `p5` a non-negative literal of 5 significant bits); the generic
// template is removed. Weak arguments stay weak inside the clone, so
// clamp(f32, 0.0, 1.0) computes in f32 and clamp(i32, 0, 10) in i32, while
// 10**10 does not fit in i32 and gets a clone that computes in i64.

// CHECK-NOT: cuft.func @clamp(
// CHECK-LABEL: cuft.func @clamp__i32_i64wp1_i64wp35(
// CHECK-SAME: %[[V:.*]]: i32, %[[LO:.*]]: i64, %[[HI:.*]]: i64) -> i64
// CHECK: %[[LC:.*]] = cuft.cast %[[LO]] : i64 to i32
// CHECK: %[[M:.*]] = cuft.max %[[V]], %[[LC]] : (i32, i32) -> i32
// CHECK: %[[MC:.*]] = cuft.cast %[[M]] : i32 to i64
// CHECK: %[[R:.*]] = cuft.min %[[MC]], %[[HI]] : (i64, i64) -> i64
// CHECK: cuft.return %[[R]] : i64

// CHECK-LABEL: cuft.func @clamp__i32_i64wp1_i64wp5(
// CHECK-SAME: %[[V:.*]]: i32, %[[LO:.*]]: i64, %[[HI:.*]]: i64) -> i32
// CHECK: cuft.max %[[V]], %{{.*}} : (i32, i32) -> i32
// CHECK: cuft.min %{{.*}}, %{{.*}} : (i32, i32) -> i32
// CHECK: cuft.return %{{.*}} : i32

// CHECK-LABEL: cuft.func @clamp__f32_f64w_f64w(
// CHECK-SAME: %[[V:.*]]: f32, %[[LO:.*]]: f64, %[[HI:.*]]: f64) -> f32
// CHECK: cuft.max %[[V]], %{{.*}} : (f32, f32) -> f32
// CHECK: cuft.min %{{.*}}, %{{.*}} : (f32, f32) -> f32
// CHECK: cuft.return %{{.*}} : f32
cuft.func @clamp(%v: !cuft.unknown, %lo: !cuft.unknown, %hi: !cuft.unknown) -> !cuft.unknown {
  %0 = cuft.max %v, %lo : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %1 = cuft.min %0, %hi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return %1 : !cuft.unknown
}

// A device function without a return value, called as a statement.
// CHECK-NOT: cuft.func @put(
// CHECK-LABEL: cuft.func @put__array_f32_1_C__i64wp1_f32(
// CHECK-SAME: %{{.*}}: !cuft.array<f32, 1, C>, %{{.*}}: i64, %{{.*}}: f32) {
// CHECK: cuft.store
// CHECK: cuft.return{{$}}
cuft.func @put(%a: !cuft.unknown, %i: !cuft.unknown, %v: !cuft.unknown) {
  cuft.store %v, %a[%i] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
  cuft.return
}

// CHECK-LABEL: cuft.kernel @k(
// CHECK-SAME: %[[X:.*]]: !cuft.array<f32, 1, C>, %[[N:.*]]: !cuft.array<i32, 1, C>)
// CHECK-DAG: %[[F0:.*]] = cuft.constant 0.000000e+00 : f64
// CHECK-DAG: %[[F1:.*]] = cuft.constant 1.000000e+00 : f64
// CHECK-DAG: %[[I0:.*]] = cuft.constant 0 : i64
// CHECK-DAG: %[[I10:.*]] = cuft.constant 10 : i64
// CHECK-DAG: %[[BIG:.*]] = cuft.constant 10000000000 : i64
// CHECK: %[[XV:.*]] = cuft.load %[[X]]
// CHECK: %[[A:.*]] = cuft.call @clamp__f32_f64w_f64w(%[[XV]], %[[F0]], %[[F1]]) : (f32, f64, f64) -> f32
// CHECK: cuft.call @put__array_f32_1_C__i64wp1_f32(%[[X]], %[[I0]], %[[A]]) : (!cuft.array<f32, 1, C>, i64, f32) -> ()
// CHECK: %[[NV:.*]] = cuft.load %[[N]]
// CHECK: %[[B:.*]] = cuft.call @clamp__i32_i64wp1_i64wp5(%[[NV]], %[[I0]], %[[I10]]) : (i32, i64, i64) -> i32
// CHECK: cuft.store %[[B]], %[[N]]
// CHECK: %[[C:.*]] = cuft.call @clamp__i32_i64wp1_i64wp35(%[[NV]], %[[I0]], %[[BIG]]) : (i32, i64, i64) -> i64
// CHECK: %[[CC:.*]] = cuft.cast %[[C]] : i64 to i32
// CHECK: cuft.store %[[CC]], %[[N]]
// The same signature again reuses the clone.
// CHECK: cuft.call @clamp__f32_f64w_f64w(
// CHECK-NOT: cuft.func
cuft.kernel @k(%x: !cuft.unknown, %n: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %c10 = cuft.constant 10 : i64
  %f0 = cuft.constant 0.0 : f64
  %f1 = cuft.constant 1.0 : f64
  %xv = cuft.load %x[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %a = cuft.call @clamp(%xv, %f0, %f1) : (!cuft.unknown, f64, f64) -> !cuft.unknown
  cuft.call @put(%x, %c0, %a) : (!cuft.unknown, i64, !cuft.unknown) -> ()
  %nv = cuft.load %n[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %b = cuft.call @clamp(%nv, %c0, %c10) : (!cuft.unknown, i64, i64) -> !cuft.unknown
  cuft.store %b, %n[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %big = cuft.constant 10000000000 : i64
  %b2 = cuft.call @clamp(%nv, %c0, %big) : (!cuft.unknown, i64, i64) -> !cuft.unknown
  cuft.store %b2, %n[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %c = cuft.call @clamp(%xv, %f0, %f1) : (!cuft.unknown, f64, f64) -> !cuft.unknown
  cuft.store %c, %x[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}
