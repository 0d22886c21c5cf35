// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s
// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu="module-name=my_kernels" | FileCheck %s --check-prefix=NAME

// Kernels and device functions move into one gpu.module of a container module:
// kernels become gpu.func kernels, device functions private func.funcs, calls
// func.call, and array arguments memrefs.
// CHECK: module attributes {gpu.container_module} {
// CHECK-NEXT: gpu.module @cuft_kernels {
// NAME: gpu.module @my_kernels {
// NAME: gpu.func @k(
// CHECK-NOT: cuft.
// CHECK-LABEL: func.func private @clamp(
// CHECK-SAME: %[[V:.*]]: f32, %[[LO:.*]]: f32, %[[HI:.*]]: f32) -> f32
// CHECK-NEXT: %[[M:.*]] = llvm.call_intrinsic "llvm.maximumnum.f32"(%[[V]], %[[LO]])
// CHECK-NEXT: %[[R:.*]] = llvm.call_intrinsic "llvm.minimumnum.f32"(%[[M]], %[[HI]])
// CHECK-NEXT: return %[[R]] : f32
cuft.func @clamp(%v: f32, %lo: f32, %hi: f32) -> f32 {
  %0 = cuft.max %v, %lo : (f32, f32) -> f32
  %1 = cuft.min %0, %hi : (f32, f32) -> f32
  cuft.return %1 : f32
}

// CHECK-LABEL: func.func private @store_one(
// CHECK-SAME: %{{.*}}: memref<?xf32>, %{{.*}}: i64) {
// CHECK: memref.store
// CHECK-NEXT: return{{$}}
cuft.func @store_one(%a: !cuft.array<f32, 1, C>, %i: i64) {
  %one = cuft.constant 1.0 : f32
  cuft.store %one, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}

// CHECK-LABEL: gpu.func @k(
// CHECK-SAME: %[[A:.*]]: memref<?xf32>, %[[I:.*]]: i64) kernel
// CHECK: %[[X:.*]] = memref.load %[[A]]
// CHECK: %[[Y:.*]] = func.call @clamp(%[[X]], %{{.*}}, %{{.*}}) : (f32, f32, f32) -> f32
// CHECK: memref.store %[[Y]], %[[A]]
// CHECK: func.call @store_one(%[[A]], %[[I]]) : (memref<?xf32>, i64) -> ()
// CHECK-NEXT: gpu.return
// CHECK-NOT: cuft.
cuft.kernel @k(%a: !cuft.array<f32, 1, C>, %i: i64) {
  %x = cuft.load %a[%i] : !cuft.array<f32, 1, C>[i64] -> f32
  %lo = cuft.constant 0.0 : f32
  %hi = cuft.constant 1.0 : f32
  %y = cuft.call @clamp(%x, %lo, %hi) : (f32, f32, f32) -> f32
  cuft.store %y, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.call @store_one(%a, %i) : (!cuft.array<f32, 1, C>, i64) -> ()
  cuft.return
}

