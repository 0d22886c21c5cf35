// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu=bounds-check --canonicalize --convert-gpu-to-host | FileCheck %s
// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu --canonicalize --convert-gpu-to-host | FileCheck %s --check-prefix=LIBM

// Typed kernels moved out of the gpu.module into host functions that take the
// thread indices (`ids`) and the block's shared memory as trailing arguments.

// CHECK-NOT: gpu.module
// CHECK-LABEL: module attributes {cuft.host.index_sites = [

// A barrier-free kernel: its entry loops over the block's threads.
// CHECK-LABEL: func.func private @scale(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %{{.*}}: f32, %[[IDS:.*]]: memref<14xi32>, %{{.*}}: memref<?xi8>)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// threadIdx.x is ids[0], blockIdx.x ids[3], blockDim.x ids[6].
// CHECK-DAG: memref.load %[[IDS]][%c0{{[_0-9]*}}] : memref<14xi32>
// CHECK-DAG: memref.load %[[IDS]][%c3{{[_0-9]*}}] : memref<14xi32>
// CHECK-DAG: memref.load %[[IDS]][%c6{{[_0-9]*}}] : memref<14xi32>
// Bounds checks call the runtime with a site number, the index and the thread.
// CHECK: scf.if
// CHECK: call @__cuft_index_error({{.*}}) : (i64, i64, i64, i64, i64, i64, i64) -> ()
cuft.kernel @scale(%x: !cuft.array<f32, 1, C>, %a: f32) {
  %i = cuft.grid 1 : i64
  %v = cuft.load %x[%i] : !cuft.array<f32, 1, C>[i64] -> f32
  %r = cuft.mul %v, %a : (f32, f32) -> f32
  cuft.store %r, %x[%i] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}

// A kernel with a barrier and two shared arrays: each array is a view at its
// own offset of the shared buffer; the entry runs one thread (on a fiber).
// CHECK-LABEL: func.func private @stage(
// CHECK-SAME: %[[SH:[^:]*]]: memref<?xi8>)
// CHECK-DAG: memref.view %[[SH]][%c0{{[_0-9]*}}][] : memref<?xi8> to memref<3xi32>
// CHECK-DAG: memref.view %[[SH]][%c16{{[_0-9]*}}][] : memref<?xi8> to memref<64xf64>
// CHECK: call @__cuft_host_barrier() : () -> ()
cuft.kernel @stage(%out: !cuft.array<f64, 1, C>) {
  %a = cuft.alloc_shared f64 shape [64] -> !cuft.array<f64, 1, C, shared>
  %b = cuft.alloc_shared i32 shape [3] -> !cuft.array<i32, 1, C, shared>
  %t = cuft.thread_idx x : i64
  %c = cuft.cast %t : i64 to f64
  cuft.store %c, %a[%t] : f64, !cuft.array<f64, 1, C, shared>[i64]
  %t32 = cuft.cast %t : i64 to i32
  cuft.store %t32, %b[%t] : i32, !cuft.array<i32, 1, C, shared>[i64]
  cuft.syncthreads
  %v = cuft.load %a[%t] : !cuft.array<f64, 1, C, shared>[i64] -> f64
  cuft.store %v, %out[%t] : f64, !cuft.array<f64, 1, C>[i64]
  cuft.return
}
// The entries follow the kernels. A block's threads are unsigned loops counting
// in i32, as the ids hold them: each stores its induction variable itself, so
// that LLVM sees threadIdx as the loop's (no truncation and widening between).
// Between the rows (y) and the threads of a row (x), a loop over the run of
// blocks the call runs (ids[13]): blockIdx.x = ids[3] + k, stored into the copy
// and into the runtime's ids (the block a trap names).
// CHECK-LABEL: func.func @__cuft_entry_scale(
// CHECK-SAME: %[[GIVEN:[^:]*]]: memref<14xi32>, %{{[^:]*}}: memref<?xi8>) attributes {cuft.host.arrays = array<i64: 0, 1, 4>, cuft.host.local_bytes = 0 : i64, cuft.host.shared_bytes = 0 : i64}
// The ids are copied slot by slot (memref.copy was a call of memcpy per block).
// CHECK: %[[IDS:.*]] = memref.alloca() : memref<14xi32>
// CHECK-NOT: memref.copy
// CHECK: %[[FIRST:.*]] = memref.load %[[GIVEN]][%c3{{[_0-9]*}}]
// CHECK: %[[BLOCKS:.*]] = memref.load %[[GIVEN]][%c13{{[_0-9]*}}]
// CHECK: scf.for unsigned %[[Z:.*]] = %{{.*}} to %{{.*}} step %{{.*}} : i32 {
// CHECK: memref.store %[[Z]], %[[IDS]]
// CHECK: scf.for unsigned %[[Y:.*]] = %{{.*}} to %{{.*}} step %{{.*}} : i32 {
// CHECK: memref.store %[[Y]], %[[IDS]]
// CHECK: scf.for unsigned %[[K:.*]] = %{{.*}} to %[[BLOCKS]] step %{{.*}} : i32 {
// CHECK: %[[BX:.*]] = arith.addi %[[FIRST]], %[[K]] overflow<nsw, nuw> : i32
// CHECK: memref.store %[[BX]], %[[IDS]][%c3{{[_0-9]*}}]
// CHECK: memref.store %[[BX]], %[[GIVEN]][%c3{{[_0-9]*}}]
// CHECK: scf.for unsigned %[[X:.*]] = %{{.*}} to %{{.*}} step %{{.*}} : i32 {
// CHECK: memref.store %[[X]], %[[IDS]]
// CHECK: call @scale(
// CHECK-LABEL: func.func @__cuft_entry_stage(
// CHECK-SAME: attributes {cuft.host.arrays = array<i64: 0, 1, 8>, cuft.host.fibers, cuft.host.local_bytes = 0 : i64, cuft.host.shared_bytes = 528 : i64, cuft.host.split_barriers}
// CHECK-NEXT: call @stage(
// CHECK-NEXT: return

// The C math library's functions stay calls of the C library on the host (the
// declaration moves out of the gpu.module); no libdevice name appears.
// LIBM-NOT: __nv_
// LIBM: func.func private @lgammaf(f32) -> f32 attributes {cuft.libm}
// LIBM-LABEL: func.func private @gamma_of(
// LIBM: call @lgammaf(%{{.*}}) : (f32) -> f32
// LIBM: math.trunc
// LIBM-NOT: __nv_
cuft.func @gamma_of(%x: f32) -> f32 {
  %0 = cuft.math lgamma(%x) : (f32) -> f32
  %1 = cuft.math trunc(%0) : (f32) -> f32
  cuft.return %1 : f32
}
