// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s

// A global array's values: a constant global of the gpu.module, read through
// a memref of the array's converted (dynamic) type; a bool array's as bytes.
// CHECK-DAG: memref.global "private" constant @[[F:__cuft_const]] : memref<2x2xf32> = dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> {alignment = 16 : i64}
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<3xi8> = dense<[1, 0, 1]>
// CHECK-LABEL: gpu.func @k(
// CHECK: %[[G:.*]] = memref.get_global @[[F]] : memref<2x2xf32>
// CHECK: memref.cast %[[G]] : memref<2x2xf32> to memref<?x?xf32>
cuft.kernel @k(%out: !cuft.array<f32, 1, C>) {
  %t = cuft.const_array dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> -> !cuft.array<f32, 2, C>
  %m = cuft.const_array dense<[1, 0, 1]> : tensor<3xi8> -> !cuft.array<i1, 1, C>
  %c0 = cuft.constant 0 : i64
  %v = cuft.load %t[%c0, %c0] : !cuft.array<f32, 2, C>[i64, i64] -> f32
  %b = cuft.load %m[%c0] : !cuft.array<i1, 1, C>[i64] -> i1
  %bf = cuft.cast %b : i1 to f32
  %s = cuft.add %v, %bf : (f32, f32) -> f32
  cuft.store %s, %out[%c0] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}
