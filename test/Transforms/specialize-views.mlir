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
