// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,3,C>,i32" --split-input-file --verify-diagnostics | FileCheck %s

// `a[i]` of a 3-d array (fewer indices than dimensions) and `a[i, 1:]` are
// views: strided arrays of the dimensions left, in the array's memory space;
// a bool index is cast to i64 (here folded) as for loads.
// CHECK-LABEL: cuft.kernel @k(
// CHECK: %[[R:.*]] = cuft.view %arg0[%arg1] {spec = array<i32: -1>} : !cuft.array<f32, 3, C>[i32] -> !cuft.array<f32, 2, strided>
// CHECK: cuft.view %[[R]][%{{.*}}, %{{.*}}] {spec = array<i32: -1, 1>} : !cuft.array<f32, 2, strided>[i64, i64] -> !cuft.array<f32, 1, strided>
cuft.kernel @k(%a: !cuft.unknown, %i: !cuft.unknown) {
  %row = cuft.load %a[%i] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
  %t = cuft.constant true
  %c1 = cuft.constant 1 : i64
  %v = cuft.view %row[%t, %c1] {spec = array<i32: -1, 1>} : !cuft.unknown[i1, i64] -> !cuft.unknown
  %c0 = cuft.constant 0 : i64
  %x = cuft.load %v[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.store %x, %a[%c0, %c0, %c0] : !cuft.unknown, !cuft.unknown[i64, i64, i64]
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.unknown, %i: !cuft.unknown) {
  %c1 = cuft.constant 1 : i64
  // expected-error@+1 {{too many indices for a rank-3 array: 4}}
  %v = cuft.view %a[%c1, %c1, %c1, %c1] {spec = array<i32: -1, -1, -1, 1>} : !cuft.unknown[i64, i64, i64, i64] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.unknown, %i: !cuft.unknown) {
  // expected-error@+1 {{cannot slice a value of type 'i32'}}
  %v = cuft.view %i[%i] {spec = array<i32: 1>} : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
  cuft.return
}

// -----

// `a[None, ..., 1]` of a 3-d array: a new axis first, the ellipsis takes the
// two dimensions the integer index leaves: rank 3 - 1 + 1. `a[..., 0, 0, 0]`
// drops every dimension: a 0-d view, as NumPy's.
// CHECK-LABEL: cuft.kernel @k(
// CHECK: cuft.view %arg0[%{{.*}}] {spec = array<i32: -2, -3, -1>} : !cuft.array<f32, 3, C>[i64] -> !cuft.array<f32, 3, strided>
// CHECK: cuft.view %arg0[%{{.*}}, %{{.*}}, %{{.*}}] {spec = array<i32: -3, -1, -1, -1>} : !cuft.array<f32, 3, C>[i64, i64, i64] -> !cuft.array<f32, 0, strided>
cuft.kernel @k(%a: !cuft.unknown, %i: !cuft.unknown) {
  %c1 = cuft.constant 1 : i64
  %c0 = cuft.constant 0 : i64
  %v = cuft.view %a[%c1] {spec = array<i32: -2, -3, -1>} : !cuft.unknown[i64] -> !cuft.unknown
  %s = cuft.view %a[%c0, %c0, %c0] {spec = array<i32: -3, -1, -1, -1>} : !cuft.unknown[i64, i64, i64] -> !cuft.unknown
  %x = cuft.load %v[%c0, %c0, %c0] : !cuft.unknown[i64, i64, i64] -> !cuft.unknown
  %y = cuft.load %s[] : !cuft.unknown -> !cuft.unknown
  cuft.store %x, %a[%c0, %c0, %c0] : !cuft.unknown, !cuft.unknown[i64, i64, i64]
  cuft.store %y, %a[%c0, %c0, %c1] : !cuft.unknown, !cuft.unknown[i64, i64, i64]
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.unknown, %i: !cuft.unknown) {
  // expected-error@+1 {{the view would have 9 dimensions; arrays have at most 8}}
  %v = cuft.view %a[] {spec = array<i32: -2, -2, -2, -2, -2, -2>} : !cuft.unknown -> !cuft.unknown
  cuft.return
}
