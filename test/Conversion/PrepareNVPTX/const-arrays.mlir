// RUN: cuft-opt %s --prepare-nvptx | FileCheck %s

// Module-level arrays' values move to PTX's .const space (address space 4),
// the smallest first while the 64 KiB bank holds them; the rest stay global.
// Their users still see the generic memref (a memory_space_cast).
// CHECK-DAG: memref.global "private" constant @__cuft_const_0 : memref<4xf32, 4>
// CHECK-DAG: memref.global "private" constant @__cuft_const_1 : memref<2xi8, 4>
// CHECK-DAG: memref.global "private" constant @__cuft_const : memref<8192xf64> =
// Other globals are left alone.
// CHECK-DAG: memref.global "private" @__cuft_shared : memref<4xf32, 3>
// CHECK-LABEL: gpu.func @k(
// CHECK: %[[BIG:.*]] = memref.get_global @__cuft_const : memref<8192xf64>
// CHECK: %[[C:.*]] = memref.get_global @__cuft_const_0 : memref<4xf32, 4>
// CHECK: %[[G:.*]] = memref.memory_space_cast %[[C]] : memref<4xf32, 4> to memref<4xf32>
// CHECK: memref.load %[[G]]
// CHECK: %[[C1:.*]] = memref.get_global @__cuft_const_1 : memref<2xi8, 4>
// CHECK: memref.memory_space_cast %[[C1]] : memref<2xi8, 4> to memref<2xi8>
module attributes {gpu.container_module} {
  gpu.module @cuft_kernels {
    memref.global "private" constant @__cuft_const : memref<8192xf64> = dense<1.0> {alignment = 16 : i64}
    memref.global "private" constant @__cuft_const_0 : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]> {alignment = 16 : i64}
    memref.global "private" constant @__cuft_const_1 : memref<2xi8> = dense<[1, 0]> {alignment = 16 : i64}
    memref.global "private" @__cuft_shared : memref<4xf32, 3> {alignment = 16 : i64}
    gpu.func @k(%out: memref<?xf64>) kernel {
      %c0 = arith.constant 0 : index
      %big = memref.get_global @__cuft_const : memref<8192xf64>
      %t = memref.get_global @__cuft_const_0 : memref<4xf32>
      %v = memref.load %t[%c0] : memref<4xf32>
      %m = memref.get_global @__cuft_const_1 : memref<2xi8>
      %b = memref.load %m[%c0] : memref<2xi8>
      %x = memref.load %big[%c0] : memref<8192xf64>
      memref.store %x, %out[%c0] : memref<?xf64>
      gpu.return
    }
  }
}
