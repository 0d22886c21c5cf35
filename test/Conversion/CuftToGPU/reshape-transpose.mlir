// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu --canonicalize | FileCheck %s
// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu=bounds-check=true | FileCheck %s --check-prefix=CHECKED

// a.reshape(n, -1) of a C array: a reinterpret_cast of its memory at offset
// 0, the -1's extent the size over the others' product, C strides (the last
// one 1, fixed by the C result's identity layout).
// CHECK-LABEL: gpu.func @to_2d(
// CHECK-SAME: %[[A:.*]]: memref<?xf32>, %[[N:.*]]: i64
// CHECK: %[[SIZE:.*]] = memref.dim %[[A]], %c0
// CHECK: %[[DIV:.*]] = arith.divui %[[SIZE]]
// CHECK: %[[R:.*]] = memref.reinterpret_cast %[[A]] to offset: [0], sizes: [%{{.*}}, %{{.*}}], strides: [%{{.*}}, 1] : memref<?xf32> to memref<?x?xf32>
// CHECK: memref.load %[[R]]
// CHECKED-LABEL: gpu.func @to_2d(
// CHECKED: call @__cuft_reshape_error(
cuft.kernel @to_2d(%a: !cuft.array<f32, 1, C>, %n: i64, %out: !cuft.array<f32, 1, C>) {
  %m1 = cuft.constant -1 : i64
  %c0 = cuft.constant 0 : i64
  %r = cuft.reshape %a(%n, %m1) : !cuft.array<f32, 1, C>[i64, i64] -> !cuft.array<f32, 2, C>
  %x = cuft.load %r[%c0, %c0] : !cuft.array<f32, 2, C>[i64, i64] -> f32
  cuft.store %x, %out[%c0] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}

// a.T of a C array: its sizes and strides reversed, the F result's first
// stride and offset the constants (1, 0) its layout fixes.
// CHECK-LABEL: gpu.func @t_of_c(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf32>
// CHECK: %{{.*}}, %{{.*}}, %[[S:.*]]:2, %[[ST:.*]]:2 = memref.extract_strided_metadata %[[A]]
// CHECK: memref.reinterpret_cast %[[A]] to offset: [0], sizes: [%[[S]]#1, %[[S]]#0], strides: [1, %[[ST]]#0]
cuft.kernel @t_of_c(%a: !cuft.array<f32, 2, C>, %out: !cuft.array<f32, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %t = cuft.transpose %a : !cuft.array<f32, 2, C> -> !cuft.array<f32, 2, F>
  %x = cuft.load %t[%c0, %c0] : !cuft.array<f32, 2, F>[i64, i64] -> f32
  cuft.store %x, %out[%c0] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}
