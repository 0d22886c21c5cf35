// RUN: cuft-opt %s | cuft-opt | FileCheck %s
// RUN: cuft-opt %s -mlir-print-op-generic | cuft-opt | FileCheck %s

// Thread indexing: per-dimension special registers, grid()/gridsize(),
// lane id and warp size.

// CHECK-LABEL: cuft.kernel @special_registers
// CHECK: cuft.thread_idx x : i64
// CHECK: cuft.thread_idx y : i64
// CHECK: cuft.block_idx z : i64
// CHECK: cuft.block_dim x : i64
// CHECK: cuft.grid_dim y : i64
cuft.kernel @special_registers() {
  %0 = cuft.thread_idx x : i64
  %1 = cuft.thread_idx y : i64
  %2 = cuft.block_idx z : i64
  %3 = cuft.block_dim x : i64
  %4 = cuft.grid_dim y : i64
  cuft.return
}

// CHECK-LABEL: cuft.kernel @grid
// CHECK: cuft.grid 1 : i64
// CHECK: %{{.*}}:2 = cuft.grid 2 : i64, i64
// CHECK: %{{.*}}:3 = cuft.grid 3 : i64, i64, i64
// CHECK: cuft.gridsize 1 : i64
// CHECK: %{{.*}}:3 = cuft.gridsize 3 : i64, i64, i64
cuft.kernel @grid() {
  %0 = cuft.grid 1 : i64
  %1, %2 = cuft.grid 2 : i64, i64
  %3:3 = cuft.grid 3 : i64, i64, i64
  %4 = cuft.gridsize 1 : i64
  %5:3 = cuft.gridsize 3 : i64, i64, i64
  cuft.return
}

// CHECK-LABEL: cuft.func @warp
// CHECK: cuft.lane_id : i32
// CHECK: cuft.warp_size : i32
cuft.func @warp() {
  %0 = cuft.lane_id : i32
  %1 = cuft.warp_size : i32
  cuft.return
}
