// RUN: cuft-opt %s | cuft-opt | FileCheck %s
// RUN: cuft-opt %s -mlir-print-op-generic | cuft-opt | FileCheck %s
// Barriers and fences have effects: canonicalization must keep every one.
// RUN: cuft-opt %s --canonicalize | FileCheck %s

// Barriers and memory fences.

// CHECK-LABEL: cuft.kernel @sync
// CHECK: cuft.syncthreads
// CHECK-NEXT: cuft.threadfence block
// CHECK-NEXT: cuft.threadfence device
// CHECK-NEXT: cuft.threadfence system
// CHECK-NEXT: cuft.syncthreads
// CHECK-NEXT: cuft.grid_sync
// CHECK-NEXT: cuft.return
cuft.kernel @sync() {
  cuft.syncthreads
  cuft.threadfence block
  cuft.threadfence device
  cuft.threadfence system
  cuft.syncthreads
  cuft.grid_sync
  cuft.return
}
