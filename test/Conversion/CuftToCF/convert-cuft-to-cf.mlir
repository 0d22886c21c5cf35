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


// A short-circuit continues its block; each exit_if branches to the block
// after it with its value (`and`: when false) or on; exit branches there too.
// Its nested control flow (an if in an operand) is blocks by then.
// CHECK-LABEL: cuft.kernel @short_circuit(
// CHECK-SAME: %[[P:.*]]: i1, %[[Q:.*]]: i1, %[[X:.*]]: f64, %[[Y:.*]]: f64,
// CHECK-SAME: %[[A:.*]]: !cuft.array<f64, 1, C>
// CHECK: cf.cond_br %[[P]], ^[[NEXT:.*]], ^[[JOIN:.*]](%[[X]] : f64)
// CHECK: ^[[NEXT]]:
// CHECK: cf.cond_br %[[Q]], ^[[THEN:.*]], ^[[IFEND:.*]]
// CHECK: ^[[THEN]]:
// CHECK: cf.br ^[[IFEND]]
// CHECK: ^[[IFEND]]:
// CHECK: cf.cond_br %[[Q]], ^[[JOIN]](%[[Y]] : f64), ^[[LAST:.*]]
// CHECK: ^[[LAST]]:
// CHECK: cf.br ^[[JOIN]](%[[X]] : f64)
// CHECK: ^[[JOIN]](%[[R:.*]]: f64):
// CHECK: cuft.store %[[R]], %[[A]]
cuft.kernel @short_circuit(%p: i1, %q: i1, %x: f64, %y: f64, %a: !cuft.array<f64, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %r = cuft.short_circuit "and" : f64 {
    cuft.exit_if %p, %x if false : i1, f64
    cuft.if %q : i1 {
      cuft.store %y, %a[%c0] : f64, !cuft.array<f64, 1, C>[i64]
    }
    cuft.exit_if %q, %y if true : i1, f64
    cuft.exit %x : f64
  }
  cuft.store %r, %a[%c0] : f64, !cuft.array<f64, 1, C>[i64]
  cuft.return
}
