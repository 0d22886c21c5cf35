// RUN: cuft-opt %s | cuft-opt | FileCheck %s
// RUN: cuft-opt %s -mlir-print-op-generic | cuft-opt | FileCheck %s

// Structured control flow: if/else, for, while, break, continue and early
// return. The printer elides cuft.yield; the parser puts it back.

// CHECK-LABEL: cuft.kernel @if_generic
// CHECK: cuft.if %{{.*}} : !cuft.unknown {
// CHECK-NEXT: cuft.syncthreads
// CHECK-NEXT: }
// CHECK-NEXT: cuft.return
cuft.kernel @if_generic(%c: !cuft.unknown) {
  cuft.if %c : !cuft.unknown {
    cuft.syncthreads
  }
  cuft.return
}

// An explicit yield round-trips to the elided form; a non-yield terminator is
// printed.
// CHECK-LABEL: cuft.kernel @if_else
// CHECK: cuft.if %{{.*}} : i1 {
// CHECK-NEXT: cuft.threadfence block
// CHECK-NEXT: } else {
// CHECK-NEXT: cuft.return
// CHECK-NEXT: }
// CHECK-NOT: cuft.yield
// CHECK: cuft.if %{{.*}} : i1 {
// CHECK-NEXT: } else {
// CHECK-NEXT: }
// CHECK-NOT: cuft.yield
// CHECK: cuft.return
cuft.kernel @if_else(%c: i1) {
  cuft.if %c : i1 {
    cuft.threadfence block
    cuft.yield
  } else {
    cuft.return
  }
  cuft.if %c : i1 {
  } else {
  }
  cuft.return
}

// CHECK-LABEL: cuft.kernel @for_loops
// CHECK: cuft.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} : i64 {
// CHECK-NEXT: cuft.store %{{.*}}, %{{.*}}[%[[I]]] : f32, !cuft.array<f32, 1, C>[i64]
// CHECK-NEXT: }
// CHECK: cuft.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} : !cuft.unknown {
// CHECK: cuft.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} : (i64, !cuft.unknown, i64) -> !cuft.unknown {
// CHECK: cuft.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} : ui32 {
// CHECK-NEXT: }
cuft.kernel @for_loops(%a: !cuft.array<f32, 1, C>, %n: i64, %u: !cuft.unknown, %v: f32, %w: ui32) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.for %i = %c0 to %n step %c1 : i64 {
    cuft.store %v, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  }
  cuft.for %j = %u to %u step %u : !cuft.unknown {
    %x = cuft.add %j, %u : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  }
  cuft.for %k = %c0 to %u step %c1 : (i64, !cuft.unknown, i64) -> !cuft.unknown {
  }
  cuft.for %l = %w to %w step %w : ui32 {
    cuft.yield
  }
  cuft.return
}

// CHECK-LABEL: cuft.kernel @while_loop
// CHECK: cuft.while {
// CHECK-NEXT: %[[V:.*]] = cuft.var_load
// CHECK-NEXT: %[[C:.*]] = cuft.cmp lt, %[[V]], %{{.*}} : (i64, i64) -> i1
// CHECK-NEXT: cuft.condition %[[C]] : i1
// CHECK-NEXT: } do {
// CHECK-NEXT: cuft.var_load
// CHECK-NEXT: cuft.add
// CHECK-NEXT: cuft.var_store
// CHECK-NEXT: }
cuft.kernel @while_loop(%n: i64) {
  %i = cuft.var "i" : !cuft.var<i64>
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.var_store %c0, %i : i64, !cuft.var<i64>
  cuft.while {
    %v = cuft.var_load %i : !cuft.var<i64> -> i64
    %c = cuft.cmp lt, %v, %n : (i64, i64) -> i1
    cuft.condition %c : i1
  } do {
    %v = cuft.var_load %i : !cuft.var<i64> -> i64
    %w = cuft.add %v, %c1 : (i64, i64) -> i64
    cuft.var_store %w, %i : i64, !cuft.var<i64>
  }
  cuft.return
}

// CHECK-LABEL: cuft.kernel @while_generic
// CHECK: cuft.condition %{{.*}} : !cuft.unknown
// CHECK-NEXT: } do {
// CHECK-NEXT: }
cuft.kernel @while_generic(%c: !cuft.unknown) {
  cuft.while {
    cuft.condition %c : !cuft.unknown
  } do {
  }
  cuft.return
}

// break and continue as body terminators and inside an if nested in a loop.
// CHECK-LABEL: cuft.kernel @break_continue
// CHECK: cuft.for
// CHECK-NEXT: cuft.if %{{.*}} : i1 {
// CHECK-NEXT: cuft.break
// CHECK-NEXT: } else {
// CHECK-NEXT: cuft.continue
// CHECK-NEXT: }
// CHECK-NEXT: cuft.continue
// CHECK-NEXT: }
// CHECK: cuft.while {
// CHECK: } do {
// CHECK-NEXT: cuft.for
// CHECK-NEXT: cuft.break
// CHECK-NEXT: }
// CHECK-NEXT: cuft.break
// CHECK-NEXT: }
cuft.kernel @break_continue(%c: i1, %n: i64) {
  cuft.for %i = %n to %n step %n : i64 {
    cuft.if %c : i1 {
      cuft.break
    } else {
      cuft.continue
    }
    cuft.continue
  }
  cuft.while {
    cuft.condition %c : i1
  } do {
    cuft.for %j = %n to %n step %n : i64 {
      cuft.break
    }
    cuft.break
  }
  cuft.return
}

// An early return from inside nested control flow of a device function.
// CHECK-LABEL: cuft.func @early_return
// CHECK: cuft.for
// CHECK-NEXT: cuft.if %{{.*}} : i1 {
// CHECK-NEXT: cuft.return %{{.*}} : i64
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: cuft.return %{{.*}} : i64
cuft.func @early_return(%c: i1, %n: i64) -> i64 {
  cuft.for %i = %n to %n step %n : i64 {
    cuft.if %c : i1 {
      cuft.return %i : i64
    }
  }
  cuft.return %n : i64
}

// Attributes on structured ops survive the round trip.
// CHECK-LABEL: cuft.kernel @attrs
// CHECK: cuft.if %{{.*}} : i1 {
// CHECK-NEXT: } {tag = 1 : i64}
// CHECK: cuft.for {{.*}} {
// CHECK-NEXT: } {tag = 2 : i64}
// CHECK: cuft.while {
// CHECK: } do {
// CHECK-NEXT: } {tag = 3 : i64}
cuft.kernel @attrs(%c: i1, %n: i64) {
  cuft.if %c : i1 {
  } {tag = 1}
  cuft.for %i = %n to %n step %n : i64 {
  } {tag = 2}
  cuft.while {
    cuft.condition %c : i1
  } do {
  } {tag = 3}
  cuft.return
}

// and/or and comparison chains: a short-circuit, its exits in its one block.
// CHECK-LABEL: cuft.kernel @short_circuit
// CHECK: %[[R:.*]] = cuft.short_circuit "and" : !cuft.unknown {
// CHECK-NEXT: cuft.exit_if %{{.*}}, %{{.*}} if false : !cuft.unknown, !cuft.unknown
// CHECK-NEXT: cuft.exit_if %{{.*}}, %{{.*}} if false : f64, f64
// CHECK-NEXT: cuft.exit %{{.*}} : !cuft.unknown
// CHECK-NEXT: }
// CHECK: cuft.short_circuit "or" : f64 {
// CHECK-NEXT: cuft.exit_if %{{.*}}, %{{.*}} if true : i1, f64
// CHECK-NEXT: cuft.exit %{{.*}} : f64
// CHECK-NEXT: }
cuft.kernel @short_circuit(%a: !cuft.unknown, %b: !cuft.unknown, %t: i1, %x: f64) {
  %r = cuft.short_circuit "and" : !cuft.unknown {
    cuft.exit_if %a, %a if false : !cuft.unknown, !cuft.unknown
    cuft.exit_if %x, %x if false : f64, f64
    cuft.exit %b : !cuft.unknown
  }
  %s = cuft.short_circuit "or" : f64 {
    cuft.exit_if %t, %x if true : i1, f64
    cuft.exit %x : f64
  }
  cuft.return
}
