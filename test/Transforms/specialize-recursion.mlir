// RUN: cuft-opt %s --cuft-specialize="sig=i32" | FileCheck %s

// def fact(n): return 1 if n <= 1 else n * fact(n - 1)
// The recursive call is typed against the results the clone has inferred so
// far (here i64, from the base case's literal and the multiply); the fixpoint
// widens them, and the call is retargeted to the clone itself.
// CHECK-LABEL: cuft.func @fact__i32(
// CHECK-SAME: %[[N:.*]]: i32) -> i64
// CHECK: %[[R:.*]] = cuft.call @fact__i32(%{{.*}}) : (i32) -> i64
// CHECK: cuft.mul %{{.*}}, %[[R]] : (i64, i64) -> i64
cuft.func @fact(%n: !cuft.unknown) -> !cuft.unknown {
  %c1 = cuft.constant 1 : i64
  %le = cuft.cmp le, %n, %c1 : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.if %le : !cuft.unknown {
    cuft.return %c1 : i64
  }
  %m = cuft.sub %n, %c1 : (!cuft.unknown, i64) -> !cuft.unknown
  %r = cuft.call @fact(%m) : (!cuft.unknown) -> !cuft.unknown
  %p = cuft.mul %n, %r : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return %p : !cuft.unknown
}

// CHECK-LABEL: cuft.kernel @k(
// CHECK: cuft.call @fact__i32(%{{.*}}) : (i32) -> i64
cuft.kernel @k(%n: !cuft.unknown) {
  %r = cuft.call @fact(%n) : (!cuft.unknown) -> !cuft.unknown
  cuft.return
}
