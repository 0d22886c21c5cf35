// RUN: cuft-opt %s | cuft-opt | FileCheck %s
// RUN: cuft-opt %s -mlir-print-op-generic | cuft-opt | FileCheck %s

// Array access, shape queries and shared/local allocation.

// CHECK-LABEL: cuft.kernel @generic_access
// CHECK: cuft.load %{{.*}}[%{{.*}}] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
// CHECK: cuft.load %{{.*}}[%{{.*}}, %{{.*}}] : !cuft.unknown[i64, !cuft.unknown] -> !cuft.unknown
// CHECK: cuft.store %{{.*}}, %{{.*}}[%{{.*}}] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
// CHECK: cuft.dim %{{.*}}, 0 : !cuft.unknown -> i64
// CHECK: cuft.stride %{{.*}}, 3 : !cuft.unknown -> i64
// CHECK: cuft.ndim %{{.*}} : !cuft.unknown -> i64
cuft.kernel @generic_access(%a: !cuft.unknown, %i: !cuft.unknown, %j: i64) {
  %0 = cuft.load %a[%i] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
  %1 = cuft.load %a[%j, %i] : !cuft.unknown[i64, !cuft.unknown] -> !cuft.unknown
  cuft.store %0, %a[%i] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
  %2 = cuft.dim %a, 0 : !cuft.unknown -> i64
  %3 = cuft.stride %a, 3 : !cuft.unknown -> i64
  %4 = cuft.ndim %a : !cuft.unknown -> i64
  cuft.return
}

// CHECK-LABEL: cuft.kernel @typed_access
// CHECK: cuft.load %{{.*}}[%{{.*}}, %{{.*}}] : !cuft.array<f32, 2, C>[i64, i32] -> f32
// CHECK: cuft.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : f32, !cuft.array<f32, 2, C>[i64, i64]
// CHECK: cuft.load %{{.*}}[%{{.*}}] : !cuft.array<ui8, 1, strided>[ui32] -> ui8
// CHECK: cuft.dim %{{.*}}, 1 : !cuft.array<f32, 2, C> -> i64
// CHECK: cuft.stride %{{.*}}, 0 : !cuft.array<ui8, 1, strided> -> i64
// CHECK: cuft.ndim %{{.*}} : !cuft.array<f32, 2, C> -> i64
cuft.kernel @typed_access(%a: !cuft.array<f32, 2, C>, %b: !cuft.array<ui8, 1, strided>,
                          %i: i64, %j: i32, %u: ui32) {
  %0 = cuft.load %a[%i, %j] : !cuft.array<f32, 2, C>[i64, i32] -> f32
  cuft.store %0, %a[%i, %i] : f32, !cuft.array<f32, 2, C>[i64, i64]
  %1 = cuft.load %b[%u] : !cuft.array<ui8, 1, strided>[ui32] -> ui8
  %2 = cuft.dim %a, 1 : !cuft.array<f32, 2, C> -> i64
  %3 = cuft.stride %b, 0 : !cuft.array<ui8, 1, strided> -> i64
  %4 = cuft.ndim %a : !cuft.array<f32, 2, C> -> i64
  cuft.return
}

// Generic allocations take their sizes as operands; typed ones a static shape.
// CHECK-LABEL: cuft.kernel @alloc
// CHECK: cuft.alloc_shared f32{{ ?}}[%{{.*}}, %{{.*}} : !cuft.unknown, i64] -> !cuft.unknown
// CHECK: cuft.alloc_local i32{{ ?}}[%{{.*}} : !cuft.unknown] -> !cuft.unknown
// CHECK: cuft.alloc_shared f32 shape [16, 16] -> !cuft.array<f32, 2, C, shared>
// CHECK: cuft.alloc_local f64 shape [4] -> !cuft.array<f64, 1, C, local>
// CHECK: cuft.alloc_shared i1 shape [2, 3, 4] -> !cuft.array<i1, 3, C, shared>
// CHECK: cuft.load %{{.*}}[%{{.*}}, %{{.*}}] : !cuft.array<f32, 2, C, shared>[i64, i64] -> f32
// CHECK: cuft.store %{{.*}}, %{{.*}}[%{{.*}}] : f64, !cuft.array<f64, 1, C, local>[i64]
cuft.kernel @alloc(%n: !cuft.unknown, %m: i64) {
  %0 = cuft.alloc_shared f32 [%n, %m : !cuft.unknown, i64] -> !cuft.unknown
  %1 = cuft.alloc_local i32 [%n : !cuft.unknown] -> !cuft.unknown
  %2 = cuft.alloc_shared f32 shape [16, 16] -> !cuft.array<f32, 2, C, shared>
  %3 = cuft.alloc_local f64 shape [4] -> !cuft.array<f64, 1, C, local>
  %4 = cuft.alloc_shared i1 shape [2, 3, 4] -> !cuft.array<i1, 3, C, shared>
  %5 = cuft.load %2[%m, %m] : !cuft.array<f32, 2, C, shared>[i64, i64] -> f32
  %6 = cuft.cast %5 : f32 to f64
  cuft.store %6, %3[%m] : f64, !cuft.array<f64, 1, C, local>[i64]
  cuft.return
}

// A 0-d array has no indices (Python's a[()]): the index types are left out.
// CHECK-LABEL: cuft.kernel @zero_d
// CHECK: %[[V:.*]] = cuft.load %{{.*}}[] : !cuft.array<f64, 0, C> -> f64
// CHECK: cuft.store %[[V]], %{{.*}}[] : f64, !cuft.array<f64, 0, strided>
// CHECK: cuft.atomic add %{{.*}}[], %[[V]] : !cuft.array<f64, 0, C>, f64 -> f64
// CHECK: cuft.atomic_cas %{{.*}}[], %[[V]], %[[V]] : !cuft.array<f64, 0, C>, f64, f64 -> f64
cuft.kernel @zero_d(%a: !cuft.array<f64, 0, C>, %b: !cuft.array<f64, 0, strided>) {
  %v = cuft.load %a[] : !cuft.array<f64, 0, C> -> f64
  cuft.store %v, %b[] : f64, !cuft.array<f64, 0, strided>
  %o = cuft.atomic add %a[], %v : !cuft.array<f64, 0, C>, f64 -> f64
  %c = cuft.atomic_cas %a[], %v, %v : !cuft.array<f64, 0, C>, f64, f64 -> f64
  cuft.return
}

// Assignment to a slice: a scalar or an array into every element of a view.
// CHECK-LABEL: cuft.kernel @fill
// CHECK: cuft.fill %{{.*}}, %{{.*}} : !cuft.array<f32, 2, strided>, f32
// CHECK: cuft.fill %{{.*}}, %{{.*}} : !cuft.array<f32, 2, strided>, !cuft.array<i8, 2, C>
cuft.kernel @fill(%a: !cuft.array<f32, 2, strided>, %x: f32, %b: !cuft.array<i8, 2, C>) {
  cuft.fill %a, %x : !cuft.array<f32, 2, strided>, f32
  cuft.fill %a, %b : !cuft.array<f32, 2, strided>, !cuft.array<i8, 2, C>
  cuft.return
}

// Records: a[i] of an array of records, its fields read and written.
// CHECK-LABEL: cuft.kernel @records
// CHECK: %[[R:.*]] = cuft.load %{{.*}}[%{{.*}}] : !cuft.array<!cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">, 1, C>[i64] -> !cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">
// CHECK: %[[X:.*]] = cuft.getfield %[[R]], "x" : (!cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">) -> f32
// CHECK: cuft.getfield %[[R]], "v"[%{{.*}}] : (!cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">, i64) -> i32
// CHECK: cuft.setfield %[[X]], %[[R]], "w" : f32, !cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">
cuft.kernel @records(%a: !cuft.array<!cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">, 1, C>, %i: i64) {
  %r = cuft.load %a[%i] : !cuft.array<!cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">, 1, C>[i64] -> !cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">
  %x = cuft.getfield %r, "x" : (!cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">) -> f32
  %v = cuft.getfield %r, "v"[%i] : (!cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">, i64) -> i32
  cuft.setfield %x, %r, "w" : f32, !cuft.record<"rec<16;x=f32@0;v=i32[2]@4;w=f32@12>">
  cuft.return
}
