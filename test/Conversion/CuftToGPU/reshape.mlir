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
