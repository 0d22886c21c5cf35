// RUN: cuft-opt %s --convert-cuft-to-cf | FileCheck %s

// if/else: one cond_br to the two branch blocks, both joining after the if.
// CHECK-LABEL: cuft.kernel @if_else(
// CHECK-SAME: %[[C:.*]]: i1, %[[A:.*]]: !cuft.array<f32, 1, C>)
// CHECK-DAG: %[[ONE:.*]] = cuft.constant 1.0{{.*}} : f32
// CHECK-DAG: %[[TWO:.*]] = cuft.constant 2.0{{.*}} : f32
// CHECK: cf.cond_br %[[C]], ^[[THEN:.*]], ^[[ELSE:[a-z0-9]+]]
// CHECK: ^[[THEN]]:
// CHECK-NEXT: cuft.store %[[ONE]], %[[A]]
// CHECK-NEXT: cf.br ^[[JOIN:[a-z0-9]+]]
// CHECK: ^[[ELSE]]:
// CHECK-NEXT: cuft.store %[[TWO]], %[[A]]
// CHECK-NEXT: cf.br ^[[JOIN]]
// CHECK: ^[[JOIN]]:
// CHECK-NEXT: cuft.return
// CHECK-NOT: cuft.if
cuft.kernel @if_else(%c: i1, %a: !cuft.array<f32, 1, C>) {
  %i = cuft.constant 0 : i64
  %one = cuft.constant 1.0 : f32
  %two = cuft.constant 2.0 : f32
  cuft.if %c : i1 {
    cuft.store %one, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  } else {
    cuft.store %two, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  }
  cuft.return
}

// if without else: the false edge goes straight to the continuation.
// CHECK-LABEL: cuft.kernel @if_only(
// CHECK-SAME: %[[C:.*]]: i1,
// CHECK: cf.cond_br %[[C]], ^[[THEN:.*]], ^[[JOIN:[a-z0-9]+]]
// CHECK: ^[[THEN]]:
// CHECK-NEXT: cuft.store
// CHECK-NEXT: cf.br ^[[JOIN]]
// CHECK: ^[[JOIN]]:
// CHECK-NEXT: cuft.return
cuft.kernel @if_only(%c: i1, %a: !cuft.array<f32, 1, C>) {
  %i = cuft.constant 0 : i64
  %one = cuft.constant 1.0 : f32
  cuft.if %c : i1 {
    cuft.store %one, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  }
  cuft.return
}

// An early return inside an if leaves the function from the branch: the then
// block ends in the return itself, not in a branch to the join.
// CHECK-LABEL: cuft.func @early_return(
// CHECK-SAME: %[[X:.*]]: i64) -> i64
// CHECK: %[[Z:.*]] = cuft.constant 0 : i64
// CHECK: %[[NEG:.*]] = cuft.cmp lt, %[[X]], %[[Z]]
// CHECK: cf.cond_br %[[NEG]], ^[[THEN:.*]], ^[[JOIN:[a-z0-9]+]]
// CHECK: ^[[THEN]]:
// CHECK-NEXT: cuft.return %[[Z]] : i64
// CHECK: ^[[JOIN]]:
// CHECK-NEXT: cuft.return %[[X]] : i64
cuft.func @early_return(%x: i64) -> i64 {
  %z = cuft.constant 0 : i64
  %neg = cuft.cmp lt, %x, %z : (i64, i64) -> i1
  cuft.if %neg : i1 {
    cuft.return %z : i64
  }
  cuft.return %x : i64
}

