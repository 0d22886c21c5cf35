// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu --canonicalize | FileCheck %s

// a[i, 1::2] of a C array: a memref.subview whose offsets, sizes and strides
// are Python's slice.indices of each dimension (the integer index dropped),
// cast to the fully dynamic strided memref of a `strided` cuft array.
// CHECK-LABEL: gpu.func @row_tail(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf32>
// CHECK: %[[SV:.*]] = memref.subview %[[A]][%{{.*}}, %{{.*}}] [1, %{{.*}}] [1, 2] : memref<?x?xf32> to memref<?xf32, strided<{{.*}}>>
// CHECK: memref.load %[[SV]]
cuft.kernel @row_tail(%a: !cuft.array<f32, 2, C>, %i: i64, %out: !cuft.array<f32, 1, C>) {
  %c1 = cuft.constant 1 : i64
  %c2 = cuft.constant 2 : i64
  %c0 = cuft.constant 0 : i64
  %v = cuft.view %a[%i, %c1, %c2] {spec = array<i32: -1, 5>} : !cuft.array<f32, 2, C>[i64, i64, i64] -> !cuft.array<f32, 1, strided>
  %x = cuft.load %v[%c0] : !cuft.array<f32, 1, strided>[i64] -> f32
  cuft.store %x, %out[%c0] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}

// A step known only at run time: both directions computed, the sign picks;
// a zero step is replaced by 1 before any division, and gives length 0.
// CHECK-LABEL: gpu.func @any_step(
// CHECK: %[[ZERO:.*]] = arith.cmpi eq, %[[STEP:.*]], %c0
// CHECK: %[[SAFE:.*]] = arith.select %[[ZERO]], %c1, %[[STEP]]
// CHECK: arith.divsi %{{.*}}, %[[SAFE]]
// CHECK: memref.subview %{{.*}}[%{{.*}}] [%{{.*}}] [%[[SAFE]]]
cuft.kernel @any_step(%a: !cuft.array<f64, 1, strided>, %step: i64, %out: !cuft.array<f64, 1, C>) {
  %v = cuft.view %a[%step] {spec = array<i32: 4>} : !cuft.array<f64, 1, strided>[i64] -> !cuft.array<f64, 1, strided>
  %c0 = cuft.constant 0 : i64
  %x = cuft.load %v[%c0] : !cuft.array<f64, 1, strided>[i64] -> f64
  cuft.store %x, %out[%c0] : f64, !cuft.array<f64, 1, C>[i64]
  cuft.return
}

// `a[None, :, 1]`: the subview of the indexed array, then a reinterpret_cast
// that puts the new axis (extent 1, stride 0, NumPy's) before its dimension.
// CHECK-LABEL: gpu.func @new_axis(
// CHECK: %[[SV:.*]] = memref.subview
// CHECK: %{{.*}}, %[[OFF:.*]], %[[SIZE:.*]], %[[STRIDE:.*]] = memref.extract_strided_metadata %[[SV]]
// CHECK: memref.reinterpret_cast %[[SV]] to offset: [{{.*}}], sizes: [1, %[[SIZE]]], strides: [0, %[[STRIDE]]]
cuft.kernel @new_axis(%a: !cuft.array<f32, 2, C>, %out: !cuft.array<f32, 1, C>) {
  %c1 = cuft.constant 1 : i64
  %c0 = cuft.constant 0 : i64
  %v = cuft.view %a[%c1] {spec = array<i32: -2, 0, -1>} : !cuft.array<f32, 2, C>[i64] -> !cuft.array<f32, 2, strided>
  %x = cuft.load %v[%c0, %c0] : !cuft.array<f32, 2, strided>[i64, i64] -> f32
  cuft.store %x, %out[%c0] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}
