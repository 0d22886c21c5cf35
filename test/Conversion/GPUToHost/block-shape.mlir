// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu --canonicalize --convert-gpu-to-host | FileCheck %s
// RUN: sed -e 's/array<i64: 16, 8, 1>/array<i64: 16, 2048, 1>/' %s | not cuft-opt --convert-cuft-to-cf --convert-cuft-to-gpu --convert-gpu-to-host 2>&1 | FileCheck %s --check-prefix=BAD

// Code for launches of one block shape (the host target compiles a copy per
// shape): blockDim is a constant, not a slot of `ids` (6, 7, 8), and the
// entry's thread loops count to the shape.

// CHECK-LABEL: func.func private @rows(
// CHECK-SAME: %[[IDS:[^:]*]]: memref<14xi32>, %{{[^:]*}}: memref<?xi8>)
// CHECK-NOT: memref.load %[[IDS]][%c6
// CHECK-NOT: memref.load %[[IDS]][%c7
// CHECK: arith.constant 16 : index
// CHECK: return
// BAD: cuft.host.block_shape must be array<i64: x, y, z> within CUDA's limits
module attributes {cuft.host.block_shape = array<i64: 16, 8, 1>} {
  cuft.kernel @rows(%out: !cuft.array<i64, 1, C>) {
    %tx = cuft.thread_idx x : i64
    %ty = cuft.thread_idx y : i64
    %bx = cuft.block_dim x : i64
    %by = cuft.block_dim y : i64
    %r = cuft.mul %ty, %bx : (i64, i64) -> i64
    %i = cuft.add %r, %tx : (i64, i64) -> i64
    %n = cuft.mul %bx, %by : (i64, i64) -> i64
    cuft.store %n, %out[%i] : i64, !cuft.array<i64, 1, C>[i64]
    cuft.return
  }
}
// The entry's loops: z to 1, y to 8, x to 16, in i32.
// CHECK-LABEL: func.func @__cuft_entry_rows(
// CHECK: scf.for unsigned %{{.*}} = %{{.*}} to %c1_i32{{[_0-9]*}} step
// CHECK: scf.for unsigned %{{.*}} = %{{.*}} to %c8_i32 step
// CHECK: scf.for unsigned %{{.*}} = %{{.*}} to %c16_i32 step
