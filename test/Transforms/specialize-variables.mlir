// RUN: cuft-opt %s --split-input-file --cuft-specialize="sig=array<f32,1,C>,i32,array<f32,1,C>" | FileCheck %s

// acc = 0
// for k in range(n): acc += x[k]
// out[0] = acc
// The variable starts as a weak int and becomes f32: the literal 0 is folded to
// an f32 constant, and no f64 appears.
// CHECK-LABEL: cuft.kernel @sum(
// CHECK-SAME: %[[X:.*]]: !cuft.array<f32, 1, C>, %[[N:.*]]: i32, %[[OUT:.*]]: !cuft.array<f32, 1, C>)
// CHECK-DAG: %[[ACC:.*]] = cuft.var "acc" : !cuft.var<f32>
// CHECK-DAG: %[[Z:.*]] = cuft.constant 0.000000e+00 : f32
// CHECK: cuft.var_store %[[Z]], %[[ACC]] : f32, !cuft.var<f32>
// CHECK: cuft.for %[[K:.*]] = %{{.*}} to %[[N]] step %{{.*}} : i32 {
// CHECK:   %[[A:.*]] = cuft.var_load %[[ACC]] : !cuft.var<f32> -> f32
// CHECK:   %[[XK:.*]] = cuft.load %[[X]][%[[K]]] : !cuft.array<f32, 1, C>[i32] -> f32
// CHECK:   %[[S:.*]] = cuft.add %[[A]], %[[XK]] : (f32, f32) -> f32
// CHECK:   cuft.var_store %[[S]], %[[ACC]] : f32, !cuft.var<f32>
// CHECK: }
// CHECK: %[[R:.*]] = cuft.var_load %[[ACC]] : !cuft.var<f32> -> f32
// CHECK: cuft.store %[[R]], %[[OUT]][%{{.*}}] : f32, !cuft.array<f32, 1, C>[i64]
// CHECK-NOT: f64
cuft.kernel @sum(%x: !cuft.unknown, %n: !cuft.unknown, %out: !cuft.unknown) {
  %acc = cuft.var "acc" : !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.var_store %c0, %acc : i64, !cuft.var<!cuft.unknown>
  cuft.for %k = %c0 to %n step %c1 : (i64, !cuft.unknown, i64) -> !cuft.unknown {
    %a = cuft.var_load %acc : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %xk = cuft.load %x[%k] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
    %s = cuft.add %a, %xk : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    cuft.var_store %s, %acc : !cuft.unknown, !cuft.var<!cuft.unknown>
  }
  %r = cuft.var_load %acc : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.store %r, %out[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

// The join of the types stored on two branches: i32 on one, f32 on the other,
// gives f64 (NumPy's i32 + f32); each store is cast to the join.
// CHECK-LABEL: cuft.kernel @branch_join(
// CHECK-SAME: %[[X:.*]]: !cuft.array<f32, 1, C>, %[[N:.*]]: i32, %[[OUT:.*]]: !cuft.array<f32, 1, C>)
// CHECK: %[[V:.*]] = cuft.var "v" : !cuft.var<f64>
// CHECK: cuft.if %{{.*}} : i1 {
// CHECK:   %[[NC:.*]] = cuft.cast %[[N]] : i32 to f64
// CHECK:   cuft.var_store %[[NC]], %[[V]] : f64, !cuft.var<f64>
// CHECK: } else {
// CHECK:   %[[XV:.*]] = cuft.load %[[X]]
// CHECK:   %[[XC:.*]] = cuft.cast %[[XV]] : f32 to f64
// CHECK:   cuft.var_store %[[XC]], %[[V]] : f64, !cuft.var<f64>
// CHECK: }
// CHECK: %[[R:.*]] = cuft.var_load %[[V]] : !cuft.var<f64> -> f64
// CHECK: %[[RC:.*]] = cuft.cast %[[R]] : f64 to f32
// CHECK: cuft.store %[[RC]], %[[OUT]]
cuft.kernel @branch_join(%x: !cuft.unknown, %n: !cuft.unknown, %out: !cuft.unknown) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  %c = cuft.cmp gt, %n, %c0 : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.if %c : !cuft.unknown {
    cuft.var_store %n, %v : !cuft.unknown, !cuft.var<!cuft.unknown>
  } else {
    %xv = cuft.load %x[%c0] : !cuft.unknown[i64] -> !cuft.unknown
    cuft.var_store %xv, %v : !cuft.unknown, !cuft.var<!cuft.unknown>
  }
  %r = cuft.var_load %v : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.store %r, %out[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

// A variable counting from 0 is a weak int of unknown value: compared with a
// strong i32 it does not narrow to i32, so the comparison is in i64.
// CHECK-LABEL: cuft.kernel @weak_counter(
// CHECK-SAME: %[[X:.*]]: !cuft.array<f32, 1, C>, %[[N:.*]]: i32, %[[OUT:.*]]: !cuft.array<f32, 1, C>)
// CHECK: %[[I:.*]] = cuft.var "i" : !cuft.var<i64>
// CHECK: cuft.while {
// CHECK:   %[[IV:.*]] = cuft.var_load %[[I]] : !cuft.var<i64> -> i64
// CHECK:   %[[NC:.*]] = cuft.cast %[[N]] : i32 to i64
// CHECK:   %[[C:.*]] = cuft.cmp lt, %[[IV]], %[[NC]] : (i64, i64) -> i1
// CHECK:   cuft.condition %[[C]] : i1
// CHECK: } do {
// CHECK:   cuft.add %{{.*}}, %{{.*}} : (i64, i64) -> i64
// CHECK:   cuft.var_store %{{.*}}, %[[I]] : i64, !cuft.var<i64>
// CHECK: }
cuft.kernel @weak_counter(%x: !cuft.unknown, %n: !cuft.unknown, %out: !cuft.unknown) {
  %i = cuft.var "i" : !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.var_store %c0, %i : i64, !cuft.var<!cuft.unknown>
  cuft.while {
    %iv = cuft.var_load %i : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %c = cuft.cmp lt, %iv, %n : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    cuft.condition %c : !cuft.unknown
  } do {
    %iv2 = cuft.var_load %i : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %next = cuft.add %iv2, %c1 : (!cuft.unknown, i64) -> !cuft.unknown
    cuft.var_store %next, %i : !cuft.unknown, !cuft.var<!cuft.unknown>
  }
  cuft.return
}

// -----

// An array variable assigned once is forwarded to its definition and removed.
// CHECK-LABEL: cuft.kernel @array_var(
// CHECK-SAME: %[[X:.*]]: !cuft.array<f32, 1, C>, %[[N:.*]]: i32, %[[OUT:.*]]: !cuft.array<f32, 1, C>)
// CHECK-NOT: cuft.var
// CHECK: %[[V:.*]] = cuft.load %[[X]][%{{.*}}] : !cuft.array<f32, 1, C>[i64] -> f32
// CHECK: cuft.store %[[V]], %[[OUT]][%{{.*}}] : f32, !cuft.array<f32, 1, C>[i64]
cuft.kernel @array_var(%x: !cuft.unknown, %n: !cuft.unknown, %out: !cuft.unknown) {
  %t = cuft.var "t" : !cuft.var<!cuft.unknown>
  cuft.var_store %x, %t : !cuft.unknown, !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  %tv = cuft.var_load %t : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %v = cuft.load %tv[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.store %v, %out[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

// A variable assigned a weak int then an i8: the weak int of unknown value
// widens the variable to i64 rather than truncating to i8.
// CHECK-LABEL: cuft.kernel @var_widen(
// CHECK: %[[V:.*]] = cuft.var "v" : !cuft.var<i64>
// CHECK: %[[B:.*]] = cuft.cast %{{.*}} : i32 to i8
// CHECK: %[[BW:.*]] = cuft.cast %[[B]] : i8 to i64
// CHECK: cuft.var_store %[[BW]], %[[V]] : i64, !cuft.var<i64>
cuft.kernel @var_widen(%x: !cuft.unknown, %n: !cuft.unknown, %out: !cuft.unknown) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  %c5 = cuft.constant 5 : i64
  cuft.var_store %c5, %v : i64, !cuft.var<!cuft.unknown>
  %b = cuft.cast %n : !cuft.unknown to i8
  cuft.var_store %b, %v : i8, !cuft.var<!cuft.unknown>
  %r = cuft.var_load %v : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %c0 = cuft.constant 0 : i64
  cuft.store %r, %out[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}
