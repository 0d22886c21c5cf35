// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu --canonicalize --convert-gpu-to-host | FileCheck %s

// An array that a kernel only updates atomically, integer updates of one kind
// whose old value is unused (a histogram's bins), is privatizable: each
// update is a plain load, op and store when the ids' private mask (ids[12])
// has the array's bit, the atomic otherwise. The entry lists the arrays
// (first cell, rank, element bytes) and the privatizable ones (which array,
// the kind: 0 add, 3 signed max).

// CHECK-LABEL: func.func private @hist(
// CHECK-SAME: %[[V:[^:]*]]: memref<?xi32>, %[[BINS:[^:]*]]: memref<?xi32>, %[[PEAK:[^:]*]]: memref<?xi64>, %[[IDS:[^:]*]]: memref<14xi32>
// CHECK: %[[MASK:.*]] = memref.load %[[IDS]][%c12{{[_0-9]*}}] : memref<14xi32>
// CHECK: %[[BIT:.*]] = arith.andi %[[MASK]], %c1_i32
// CHECK: %[[MINE:.*]] = arith.cmpi ne, %[[BIT]], %c0_i32
// CHECK: scf.if %[[MINE]] {
// CHECK:   %[[OLD:.*]] = memref.load %[[BINS]][
// CHECK:   %[[NEW:.*]] = arith.addi %[[OLD]],
// CHECK:   memref.store %[[NEW]], %[[BINS]][
// CHECK: } else {
// CHECK:   memref.atomic_rmw addi {{.*}}, %[[BINS]][
// CHECK: }
// CHECK: arith.andi {{.*}}, %c2_i32
// CHECK: scf.if
// CHECK:   arith.maxsi
// CHECK: } else {
// CHECK:   memref.atomic_rmw maxs {{.*}}, %[[PEAK]][
cuft.kernel @hist(%v: !cuft.array<i32, 1, C>, %bins: !cuft.array<i32, 1, C>,
                  %peak: !cuft.array<i64, 1, C>) {
  %i = cuft.grid 1 : i64
  %b = cuft.load %v[%i] : !cuft.array<i32, 1, C>[i64] -> i32
  %one = cuft.constant 1 : i32
  %old = cuft.atomic add %bins[%b], %one : !cuft.array<i32, 1, C>[i32], i32 -> i32
  %c0 = cuft.constant 0 : i64
  %old2 = cuft.atomic max %peak[%c0], %i : !cuft.array<i64, 1, C>[i64], i64 -> i64
  cuft.return
}

// An update whose old value is used, a float update, and an array also read:
// atomics only, nothing privatizable.
// CHECK-LABEL: func.func private @ticket(
// CHECK-NOT: scf.if
// The entries follow the kernels.
// CHECK-LABEL: func.func @__cuft_entry_hist(
// CHECK-SAME: cuft.host.arrays = array<i64: 0, 1, 4, 5, 1, 4, 10, 1, 8>
// CHECK-SAME: cuft.host.private_atomics = array<i64: 1, 0, 2, 3>
// CHECK-LABEL: func.func @__cuft_entry_ticket(
// CHECK-NOT: cuft.host.private_atomics
// CHECK-SAME: {
cuft.kernel @ticket(%n: !cuft.array<i64, 1, C>, %out: !cuft.array<i64, 1, C>,
                    %sum: !cuft.array<f32, 1, C>, %seen: !cuft.array<i32, 1, C>) {
  %i = cuft.grid 1 : i64
  %one = cuft.constant 1 : i64
  %c0 = cuft.constant 0 : i64
  %t = cuft.atomic add %n[%c0], %one : !cuft.array<i64, 1, C>[i64], i64 -> i64
  cuft.store %t, %out[%i] : i64, !cuft.array<i64, 1, C>[i64]
  %f = cuft.constant 1.0 : f32
  %s = cuft.atomic add %sum[%c0], %f : !cuft.array<f32, 1, C>[i64], f32 -> f32
  %o = cuft.constant 1 : i32
  %x = cuft.atomic add %seen[%c0], %o : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %r = cuft.load %seen[%i] : !cuft.array<i32, 1, C>[i64] -> i32
  %r64 = cuft.cast %r : i32 to i64
  cuft.store %r64, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.return
}
