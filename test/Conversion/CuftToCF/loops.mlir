// RUN: cuft-opt %s --convert-cuft-to-cf | FileCheck %s

// for k in range(lo, hi): a positive constant step tests `k < hi`. The header
// block carries the induction variable; the latch adds the step.
// CHECK-LABEL: cuft.kernel @for_pos(
// CHECK-SAME: %[[LO:[^:]*]]: i64, %[[HI:[^:]*]]: i64, %[[A:[^:]*]]: !cuft.array<i64, 1, C>)
// CHECK: %[[C1:.*]] = cuft.constant 1 : i64
// CHECK: cf.br ^[[HEAD:.*]](%[[LO]] : i64)
// CHECK: ^[[HEAD]](%[[K:.*]]: i64):
// CHECK-NEXT: %[[LT:.*]] = cuft.cmp lt, %[[K]], %[[HI]] : (i64, i64) -> i1
// CHECK-NEXT: cf.cond_br %[[LT]], ^[[BODY:.*]], ^[[EXIT:[a-z0-9]+]]
// CHECK: ^[[BODY]]:
// CHECK-NEXT: cuft.store %[[K]], %[[A]][%[[K]]]
// CHECK-NEXT: cf.br ^[[LATCH:[a-z0-9]+]]
// CHECK: ^[[LATCH]]:
// CHECK-NEXT: %[[NEXT:.*]] = cuft.add %[[K]], %[[C1]] : (i64, i64) -> i64
// CHECK-NEXT: cf.br ^[[HEAD]](%[[NEXT]] : i64)
// CHECK: ^[[EXIT]]:
// CHECK-NEXT: cuft.return
cuft.kernel @for_pos(%lo: i64, %hi: i64, %a: !cuft.array<i64, 1, C>) {
  %c1 = cuft.constant 1 : i64
  cuft.for %k = %lo to %hi step %c1 : i64 {
    cuft.store %k, %a[%k] : i64, !cuft.array<i64, 1, C>[i64]
  }
  cuft.return
}

// for k in range(hi, lo, -2): a negative constant step tests `k > lo`.
// CHECK-LABEL: cuft.kernel @for_neg(
// CHECK-SAME: %[[LO:[^:]*]]: i64, %[[HI:[^:]*]]: i64,
// CHECK: %[[CM2:.*]] = cuft.constant -2 : i64
// CHECK: cf.br ^[[HEAD:.*]](%[[HI]] : i64)
// CHECK: ^[[HEAD]](%[[K:.*]]: i64):
// CHECK-NEXT: %[[GT:.*]] = cuft.cmp gt, %[[K]], %[[LO]]
// CHECK-NEXT: cf.cond_br %[[GT]], ^{{.*}}, ^[[EXIT:[a-z0-9]+]]
// CHECK: cuft.add %[[K]], %[[CM2]]
// CHECK-NEXT: cf.br ^[[HEAD]](
// CHECK: ^[[EXIT]]:
// CHECK-NEXT: cuft.return
cuft.kernel @for_neg(%lo: i64, %hi: i64, %a: !cuft.array<i64, 1, C>) {
  %cm2 = cuft.constant -2 : i64
  cuft.for %k = %hi to %lo step %cm2 : i64 {
    cuft.store %k, %a[%k] : i64, !cuft.array<i64, 1, C>[i64]
  }
  cuft.return
}

// for k in range(lo, hi, step) with a runtime step: both directions are tested,
// and a zero step runs nothing.
// CHECK-LABEL: cuft.kernel @for_dyn(
// CHECK-SAME: %[[LO:[^:]*]]: i32, %[[HI:[^:]*]]: i32, %[[STEP:[^:]*]]: i32,
// CHECK: cf.br ^[[HEAD:.*]](%[[LO]] : i32)
// CHECK: ^[[HEAD]](%[[K:.*]]: i32):
// CHECK-DAG: %[[ZERO:.*]] = cuft.constant 0 : i32
// CHECK-DAG: %[[BELOW:.*]] = cuft.cmp lt, %[[K]], %[[HI]]
// CHECK-DAG: %[[POS:.*]] = cuft.cmp gt, %[[STEP]], %[[ZERO]]
// CHECK-DAG: %[[UP:.*]] = cuft.bitand %[[POS]], %[[BELOW]]
// CHECK-DAG: %[[ABOVE:.*]] = cuft.cmp gt, %[[K]], %[[HI]]
// CHECK-DAG: %[[NEG:.*]] = cuft.cmp lt, %[[STEP]], %[[ZERO]]
// CHECK-DAG: %[[DOWN:.*]] = cuft.bitand %[[NEG]], %[[ABOVE]]
// CHECK: %[[COND:.*]] = cuft.bitor %[[UP]], %[[DOWN]] : (i1, i1) -> i1
// CHECK-NEXT: cf.cond_br %[[COND]], ^{{.*}}, ^[[EXIT:[a-z0-9]+]]
// CHECK: cuft.add %[[K]], %[[STEP]] : (i32, i32) -> i32
// CHECK-NEXT: cf.br ^[[HEAD]](
// CHECK: ^[[EXIT]]:
// CHECK-NEXT: cuft.return
cuft.kernel @for_dyn(%lo: i32, %hi: i32, %step: i32, %a: !cuft.array<i32, 1, C>) {
  cuft.for %k = %lo to %hi step %step : i32 {
    cuft.store %k, %a[%k] : i32, !cuft.array<i32, 1, C>[i32]
  }
  cuft.return
}

// while i < n: with `continue` back to the condition and `break` to the exit,
// each branched to directly (no block that only branches on).
// CHECK-LABEL: cuft.kernel @while_break_continue(
// CHECK: cuft.var "i"
// CHECK: cf.br ^[[COND:[a-z0-9]+]]
// CHECK: ^[[COND]]:
// CHECK-NEXT: cuft.var_load
// CHECK-NEXT: %[[MORE:.*]] = cuft.cmp lt
// CHECK-NEXT: cf.cond_br %[[MORE]], ^[[BODY:.*]], ^[[EXIT:[a-z0-9]+]]
// CHECK: ^[[BODY]]:
// CHECK: %[[SKIP:.*]] = cuft.cmp eq
// CHECK-NEXT: cf.cond_br %[[SKIP]], ^[[COND]], ^[[REST:[a-z0-9]+]]
// CHECK-NEXT: ^[[REST]]:
// CHECK: %[[STOP:.*]] = cuft.cmp eq
// CHECK-NEXT: cf.cond_br %[[STOP]], ^[[EXIT]], ^[[TAIL:[a-z0-9]+]]
// CHECK-NEXT: ^[[TAIL]]:
// CHECK-NEXT: cuft.store
// CHECK-NEXT: cf.br ^[[COND]]
// CHECK: ^[[EXIT]]:
// CHECK-NEXT: cuft.return
// CHECK-NOT: cuft.while
// CHECK-NOT: cuft.break
// CHECK-NOT: cuft.continue
cuft.kernel @while_break_continue(%n: i64, %a: !cuft.array<i64, 1, C>) {
  %i = cuft.var "i" : !cuft.var<i64>
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  %c7 = cuft.constant 7 : i64
  cuft.var_store %c0, %i : i64, !cuft.var<i64>
  cuft.while {
    %i0 = cuft.var_load %i : !cuft.var<i64> -> i64
    %more = cuft.cmp lt, %i0, %n : (i64, i64) -> i1
    cuft.condition %more : i1
  } do {
    %i1 = cuft.var_load %i : !cuft.var<i64> -> i64
    %next = cuft.add %i1, %c1 : (i64, i64) -> i64
    cuft.var_store %next, %i : i64, !cuft.var<i64>
    %skip = cuft.cmp eq, %i1, %c0 : (i64, i64) -> i1
    cuft.if %skip : i1 {
      cuft.continue
    }
    %v = cuft.load %a[%i1] : !cuft.array<i64, 1, C>[i64] -> i64
    %stop = cuft.cmp eq, %v, %c7 : (i64, i64) -> i1
    cuft.if %stop : i1 {
      cuft.break
    }
    cuft.store %c0, %a[%i1] : i64, !cuft.array<i64, 1, C>[i64]
  }
  cuft.return
}

// A break in the inner loop leaves only the inner loop: it branches to what
// follows it in the outer loop (here the outer latch), not to the function's
// exit.
// CHECK-LABEL: cuft.kernel @nested_break(
// CHECK: cf.br ^[[OHEAD:.*]](%{{.*}} : i64)
// CHECK: ^[[OHEAD]](%[[I:.*]]: i64):
// CHECK: cf.cond_br %{{.*}}, ^[[OBODY:.*]], ^[[OEXIT:[a-z0-9]+]]
// CHECK: ^[[OBODY]]:
// CHECK-NEXT: cf.br ^[[IHEAD:.*]](%{{.*}} : i64)
// CHECK: ^[[IHEAD]](%[[J:.*]]: i64):
// CHECK: cf.cond_br %{{.*}}, ^[[IBODY:.*]], ^[[IEXIT:[a-z0-9]+]]
// CHECK: ^[[IBODY]]:
// CHECK-NEXT: %[[PAST:.*]] = cuft.cmp gt, %[[J]], %[[I]]
// CHECK-NEXT: cf.cond_br %[[PAST]], ^[[IEXIT]], ^{{[a-z0-9]+}}
// CHECK: cf.br ^[[IHEAD]](
// CHECK: ^[[IEXIT]]:
// CHECK-NEXT: cuft.add %[[I]]
// CHECK-NEXT: cf.br ^[[OHEAD]](
// CHECK: ^[[OEXIT]]:
// CHECK-NEXT: cuft.return
cuft.kernel @nested_break(%n: i64, %a: !cuft.array<i64, 2, C>) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.for %i = %c0 to %n step %c1 : i64 {
    cuft.for %j = %c0 to %n step %c1 : i64 {
      %past = cuft.cmp gt, %j, %i : (i64, i64) -> i1
      cuft.if %past : i1 {
        cuft.break
      }
      cuft.store %c1, %a[%i, %j] : i64, !cuft.array<i64, 2, C>[i64, i64]
    }
  }
  cuft.return
}
