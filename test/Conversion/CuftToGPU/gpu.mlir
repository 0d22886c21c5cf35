// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s

// threadIdx/blockIdx/blockDim/gridDim are gpu ops on `index`, widened without
// sign extension to the i64 that cuft gives them (numba-cuda's types: index
// arithmetic does not wrap at 2^31); the lane id is an i32 and the warp size
// the constant 32.
// CHECK-LABEL: gpu.func @indexing(
// CHECK-SAME: %[[OUT:.*]]: memref<?xi64>, %[[OUT32:.*]]: memref<?xi32>) kernel
// CHECK: %[[TX:.*]] = gpu.thread_id x
// CHECK-NEXT: %[[T:.*]] = arith.index_castui %[[TX]] : index to i64
// CHECK-NEXT: %[[BY:.*]] = gpu.block_id y
// CHECK-NEXT: %[[B:.*]] = arith.index_castui %[[BY]] : index to i64
// CHECK-NEXT: %[[BDZ:.*]] = gpu.block_dim z
// CHECK-NEXT: %[[BD:.*]] = arith.index_castui %[[BDZ]] : index to i64
// CHECK-NEXT: %[[GDX:.*]] = gpu.grid_dim x
// CHECK-NEXT: %[[GD:.*]] = arith.index_castui %[[GDX]] : index to i64
// CHECK-NEXT: %[[LID:.*]] = gpu.lane_id
// CHECK-NEXT: %[[L:.*]] = arith.index_castui %[[LID]] : index to i32
// CHECK-NEXT: %[[W:.*]] = arith.constant 32 : i32
// CHECK: memref.store %[[T]], %[[OUT]]
// CHECK: memref.store %[[B]], %[[OUT]]
// CHECK: memref.store %[[BD]], %[[OUT]]
// CHECK: memref.store %[[GD]], %[[OUT]]
// CHECK: memref.store %[[L]], %[[OUT32]]
// CHECK: memref.store %[[W]], %[[OUT32]]
cuft.kernel @indexing(%out: !cuft.array<i64, 1, C>, %out32: !cuft.array<i32, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %t = cuft.thread_idx x : i64
  %b = cuft.block_idx y : i64
  %bd = cuft.block_dim z : i64
  %gd = cuft.grid_dim x : i64
  %l = cuft.lane_id : i32
  %w = cuft.warp_size : i32
  cuft.store %t, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.store %b, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.store %bd, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.store %gd, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.store %l, %out32[%c0] : i32, !cuft.array<i32, 1, C>[i64]
  cuft.store %w, %out32[%c0] : i32, !cuft.array<i32, 1, C>[i64]
  cuft.return
}

// grid(2) is blockIdx * blockDim + threadIdx per dimension; gridsize(2) is
// blockDim * gridDim; both widened to i64 without sign extension. The arithmetic
// of 32-bit registers never wraps (nsw, nuw), and an index from grid() is never
// negative: it needs no wrap from the end.
// CHECK-LABEL: gpu.func @grid2(
// CHECK-SAME: %[[OUT:.*]]: memref<?x?xi64>) kernel
// CHECK: %[[BDX:.*]] = gpu.block_dim x
// CHECK: %[[BIX:.*]] = gpu.block_id x
// CHECK: %[[PX:.*]] = arith.muli %[[BIX]], %[[BDX]] overflow<nsw, nuw> : index
// CHECK: %[[TX:.*]] = gpu.thread_id x
// CHECK: %[[SX:.*]] = arith.addi %[[PX]], %[[TX]] overflow<nsw, nuw> : index
// CHECK: %[[I:.*]] = arith.index_castui %[[SX]] : index to i64
// CHECK: %[[BDY:.*]] = gpu.block_dim y
// CHECK: %[[BIY:.*]] = gpu.block_id y
// CHECK: %[[PY:.*]] = arith.muli %[[BIY]], %[[BDY]] overflow<nsw, nuw> : index
// CHECK: %[[TY:.*]] = gpu.thread_id y
// CHECK: %[[SY:.*]] = arith.addi %[[PY]], %[[TY]] overflow<nsw, nuw> : index
// CHECK: %[[J:.*]] = arith.index_castui %[[SY]] : index to i64
// CHECK: %[[BDX2:.*]] = gpu.block_dim x
// CHECK: %[[GDX:.*]] = gpu.grid_dim x
// CHECK: %[[NX:.*]] = arith.muli %[[BDX2]], %[[GDX]] overflow<nsw, nuw> : index
// CHECK: %[[N:.*]] = arith.index_castui %[[NX]] : index to i64
// CHECK: %[[BDY2:.*]] = gpu.block_dim y
// CHECK: %[[GDY:.*]] = gpu.grid_dim y
// CHECK: %[[NY:.*]] = arith.muli %[[BDY2]], %[[GDY]] overflow<nsw, nuw> : index
// CHECK: %[[M:.*]] = arith.index_castui %[[NY]] : index to i64
// CHECK: %[[S:.*]] = arith.addi %[[N]], %[[M]] : i64
// CHECK: %[[II:.*]] = arith.index_cast %[[I]] : i64 to index
// CHECK: %[[JJ:.*]] = arith.index_cast %[[J]] : i64 to index
// CHECK-NOT: arith.select
// CHECK: memref.store %[[S]], %[[OUT]][%[[II]], %[[JJ]]]
cuft.kernel @grid2(%out: !cuft.array<i64, 2, C>) {
  %i, %j = cuft.grid 2 : i64, i64
  %n, %m = cuft.gridsize 2 : i64, i64
  %s = cuft.add %n, %m : (i64, i64) -> i64
  cuft.store %s, %out[%i, %j] : i64, !cuft.array<i64, 2, C>[i64, i64]
  cuft.return
}

// syncthreads is a block barrier; the fences are seq_cst LLVM fences whose sync
// scope NVPTX maps to fence.sc.cta, fence.sc.gpu and fence.sc.sys.
// CHECK-LABEL: gpu.func @sync() kernel
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: llvm.fence syncscope("block") seq_cst
// CHECK-NEXT: llvm.fence syncscope("device") seq_cst
// CHECK-NEXT: llvm.fence seq_cst
// CHECK-NEXT: gpu.return
cuft.kernel @sync() {
  cuft.syncthreads
  cuft.threadfence block
  cuft.threadfence device
  cuft.threadfence system
  cuft.return
}
