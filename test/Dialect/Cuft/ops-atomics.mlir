// RUN: cuft-opt %s | cuft-opt | FileCheck %s
// RUN: cuft-opt %s -mlir-print-op-generic | cuft-opt | FileCheck %s

// Atomic read-modify-write and compare-and-swap.

// CHECK-LABEL: cuft.kernel @generic_atomics
// CHECK: cuft.atomic add %{{.*}}[%{{.*}}], %{{.*}} : !cuft.unknown[!cuft.unknown], !cuft.unknown -> !cuft.unknown
// CHECK: cuft.atomic_cas %{{.*}}[%{{.*}}], %{{.*}}, %{{.*}} : !cuft.unknown[!cuft.unknown], !cuft.unknown, !cuft.unknown -> !cuft.unknown
cuft.kernel @generic_atomics(%a: !cuft.unknown, %i: !cuft.unknown, %v: !cuft.unknown) {
  %0 = cuft.atomic add %a[%i], %v : !cuft.unknown[!cuft.unknown], !cuft.unknown -> !cuft.unknown
  %1 = cuft.atomic_cas %a[%i], %v, %v : !cuft.unknown[!cuft.unknown], !cuft.unknown, !cuft.unknown -> !cuft.unknown
  cuft.return
}

// CHECK-LABEL: cuft.kernel @typed_atomics
// CHECK: cuft.atomic add %{{.*}}[%{{.*}}], %{{.*}} : !cuft.array<f32, 1, C>[i64], f32 -> f32
// CHECK: cuft.atomic sub %{{.*}}[%{{.*}}], %{{.*}} : !cuft.array<i32, 1, C>[i64], i32 -> i32
// CHECK: cuft.atomic min %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}} : !cuft.array<ui64, 2, strided>[i64, i64], ui64 -> ui64
// CHECK: cuft.atomic max %{{.*}}[%{{.*}}], %{{.*}} : !cuft.array<i32, 1, C>[i64], i32 -> i32
// CHECK: cuft.atomic exch %{{.*}}[%{{.*}}], %{{.*}} : !cuft.array<f64, 1, C, shared>[i64], f64 -> f64
// CHECK: cuft.atomic_cas %{{.*}}[%{{.*}}], %{{.*}}, %{{.*}} : !cuft.array<i32, 1, C>[i64], i32, i32 -> i32
cuft.kernel @typed_atomics(%f: !cuft.array<f32, 1, C>, %a: !cuft.array<i32, 1, C>,
                           %u: !cuft.array<ui64, 2, strided>, %i: i64,
                           %vf: f32, %vi: i32, %vu: ui64, %vd: f64) {
  %0 = cuft.atomic add %f[%i], %vf : !cuft.array<f32, 1, C>[i64], f32 -> f32
  %1 = cuft.atomic sub %a[%i], %vi : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %2 = cuft.atomic min %u[%i, %i], %vu : !cuft.array<ui64, 2, strided>[i64, i64], ui64 -> ui64
  %3 = cuft.atomic max %a[%i], %vi : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %s = cuft.alloc_shared f64 shape [32] -> !cuft.array<f64, 1, C, shared>
  %4 = cuft.atomic exch %s[%i], %vd : !cuft.array<f64, 1, C, shared>[i64], f64 -> f64
  %5 = cuft.atomic_cas %a[%i], %vi, %1 : !cuft.array<i32, 1, C>[i64], i32, i32 -> i32
  cuft.return
}
