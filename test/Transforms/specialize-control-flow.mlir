// Each RUN line specializes one kernel (`kernel=`); the others stay generic.
// RUN: cuft-opt %s --cuft-specialize="kernel=for_i32 sig=i32,array<f32,1,C>" | FileCheck %s --check-prefix=FOR32
// RUN: cuft-opt %s --cuft-specialize="kernel=for_mixed sig=i16,i32" | FileCheck %s --check-prefix=MIXED
// RUN: cuft-opt %s --cuft-specialize="kernel=for_mixed sig=i32,i64" | FileCheck %s --check-prefix=MIXED64
// RUN: cuft-opt %s --cuft-specialize="kernel=for_mixed sig=bool,bool" | FileCheck %s --check-prefix=BOOL
// RUN: cuft-opt %s --cuft-specialize="kernel=for_mixed sig=bool,i32" | FileCheck %s --check-prefix=BOOLI32
// RUN: cuft-opt %s --cuft-specialize="kernel=for_mixed sig=u32,u32" | FileCheck %s --check-prefix=UNSIGNED
// RUN: cuft-opt %s --cuft-specialize="kernel=for_literals" | FileCheck %s --check-prefix=LIT
// RUN: cuft-opt %s --cuft-specialize="kernel=conditions sig=i32,f32,bool" | FileCheck %s --check-prefix=COND
// RUN: cuft-opt %s --cuft-specialize="kernel=nested sig=i64,array<i32,2,C>" | FileCheck %s --check-prefix=NESTED
// RUN: cuft-opt %s --cuft-specialize="kernel=bool_index sig=bool,array<f32,1,C>" | FileCheck %s --check-prefix=BIDX

// for k in range(0, n, 1): a[k] = 0.0
// With n: i32 the loop counts in i32: the literals adopt i32.
// FOR32-LABEL: cuft.kernel @for_i32(
// FOR32-SAME: %[[N:.*]]: i32, %[[A:.*]]: !cuft.array<f32, 1, C>)
// FOR32-DAG: %[[C0:.*]] = cuft.constant 0 : i32
// FOR32-DAG: %[[C1:.*]] = cuft.constant 1 : i32
// FOR32-DAG: %[[Z:.*]] = cuft.constant 0.000000e+00 : f32
// FOR32: cuft.for %[[K:.*]] = %[[C0]] to %[[N]] step %[[C1]] : i32 {
// FOR32:   cuft.store %[[Z]], %[[A]][%[[K]]] : f32, !cuft.array<f32, 1, C>[i32]
// FOR32: }
// The kernels not named by `kernel=` are left generic.
// FOR32: cuft.kernel @for_mixed(%{{.*}}: !cuft.unknown, %{{.*}}: !cuft.unknown)
cuft.kernel @for_i32(%n: !cuft.unknown, %a: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  %z = cuft.constant 0.0 : f64
  cuft.for %k = %c0 to %n step %c1 : (i64, !cuft.unknown, i64) -> !cuft.unknown {
    cuft.store %z, %a[%k] : f64, !cuft.unknown[!cuft.unknown]
  }
  cuft.return
}

// for k in range(lo, hi): v = k
// MIXED-LABEL: cuft.kernel @for_mixed(
// MIXED-SAME: %[[LO:.*]]: i16, %[[HI:.*]]: i32)
// MIXED: %[[V:.*]] = cuft.var "v" : !cuft.var<i32>
// MIXED: %[[LOC:.*]] = cuft.cast %[[LO]] : i16 to i32
// MIXED: cuft.for %[[K:.*]] = %[[LOC]] to %[[HI]] step %{{.*}} : i32 {
// MIXED:   cuft.var_store %[[K]], %[[V]] : i32, !cuft.var<i32>

// MIXED64-LABEL: cuft.kernel @for_mixed(
// MIXED64-SAME: %[[LO:.*]]: i32, %[[HI:.*]]: i64)
// MIXED64: %[[LOC:.*]] = cuft.cast %[[LO]] : i32 to i64
// MIXED64: cuft.for %[[K:.*]] = %[[LOC]] to %[[HI]] step %{{.*}} : i64 {
// MIXED64:   cuft.var_store %[[K]], %{{.*}} : i64, !cuft.var<i64>

// Bool and unsigned ranges count in i64.
// BOOL-LABEL: cuft.kernel @for_mixed(
// BOOL-SAME: %[[LO:.*]]: i1, %[[HI:.*]]: i1)
// BOOL-DAG: %[[LOC:.*]] = cuft.cast %[[LO]] : i1 to i64
// BOOL-DAG: %[[HIC:.*]] = cuft.cast %[[HI]] : i1 to i64
// BOOL: cuft.for %{{.*}} = %[[LOC]] to %[[HIC]] step %{{.*}} : i64 {

// A bool bound with an i32 one promotes to i32 (bool with anything: the other).
// BOOLI32-LABEL: cuft.kernel @for_mixed(
// BOOLI32-SAME: %[[LO:.*]]: i1, %[[HI:.*]]: i32)
// BOOLI32: %[[LOC:.*]] = cuft.cast %[[LO]] : i1 to i32
// BOOLI32: cuft.for %{{.*}} = %[[LOC]] to %[[HI]] step %{{.*}} : i32 {

// UNSIGNED-LABEL: cuft.kernel @for_mixed(
// UNSIGNED-SAME: %[[LO:.*]]: ui32, %[[HI:.*]]: ui32)
// UNSIGNED-DAG: %[[LOC:.*]] = cuft.cast %[[LO]] : ui32 to i64
// UNSIGNED-DAG: %[[HIC:.*]] = cuft.cast %[[HI]] : ui32 to i64
// UNSIGNED: cuft.for %{{.*}} = %[[LOC]] to %[[HIC]] step %{{.*}} : i64 {
cuft.kernel @for_mixed(%lo: !cuft.unknown, %hi: !cuft.unknown) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  %c1 = cuft.constant 1 : i64
  cuft.for %k = %lo to %hi step %c1 : (!cuft.unknown, !cuft.unknown, i64) -> !cuft.unknown {
    cuft.var_store %k, %v : !cuft.unknown, !cuft.var<!cuft.unknown>
  }
  cuft.return
}

// A range of literals only counts in i64; a kernel without arguments needs no
// signature.
// LIT-LABEL: cuft.kernel @for_literals()
// LIT: cuft.var "v" : !cuft.var<i64>
// LIT: cuft.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} : i64 {
cuft.kernel @for_literals() {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  %c8 = cuft.constant 8 : i64
  cuft.for %k = %c0 to %c8 step %c1 : (i64, i64, i64) -> !cuft.unknown {
    cuft.var_store %k, %v : !cuft.unknown, !cuft.var<!cuft.unknown>
  }
  cuft.return
}

// Conditions get a truth test: an i32 or f32 condition is cast to i1; an i1
// condition is used as is.
// COND-LABEL: cuft.kernel @conditions(
// COND-SAME: %[[I:.*]]: i32, %[[F:.*]]: f32, %[[P:.*]]: i1)
// COND: %[[IB:.*]] = cuft.cast %[[I]] : i32 to i1
// COND: cuft.if %[[IB]] : i1 {
// COND: } else {
// COND: cuft.if %[[P]] : i1 {
// COND: cuft.while {
// COND:   %[[FB:.*]] = cuft.cast %[[F]] : f32 to i1
// COND:   cuft.condition %[[FB]] : i1
// COND: } do {
// COND:   cuft.break
cuft.kernel @conditions(%i: !cuft.unknown, %f: !cuft.unknown, %p: !cuft.unknown) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  cuft.if %i : !cuft.unknown {
    cuft.var_store %i, %v : !cuft.unknown, !cuft.var<!cuft.unknown>
  } else {
    cuft.var_store %f, %v : !cuft.unknown, !cuft.var<!cuft.unknown>
  }
  cuft.if %p : !cuft.unknown {
    cuft.var_store %i, %v : !cuft.unknown, !cuft.var<!cuft.unknown>
  }
  cuft.while {
    cuft.condition %f : !cuft.unknown
  } do {
    cuft.break
  }
  cuft.return
}

// Nested loops; a loaded i32 used as a condition gets a truth test; a weak
// literal stored into an i32 array becomes an i32 constant.
// NESTED-LABEL: cuft.kernel @nested(
// NESTED-SAME: %[[N:.*]]: i64, %[[A:.*]]: !cuft.array<i32, 2, C>)
// NESTED-DAG: %[[ONE:.*]] = cuft.constant 1 : i32
// NESTED: cuft.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} : i64 {
// NESTED:   cuft.for %[[J:.*]] = %{{.*}} to %[[N]] step %{{.*}} : i64 {
// NESTED:     %[[V:.*]] = cuft.load %[[A]][%[[I]], %[[J]]] : !cuft.array<i32, 2, C>[i64, i64] -> i32
// NESTED:     %[[VB:.*]] = cuft.cast %[[V]] : i32 to i1
// NESTED:     cuft.if %[[VB]] : i1 {
// NESTED:       cuft.continue
// NESTED:     }
// NESTED:     cuft.store %[[ONE]], %[[A]][%[[I]], %[[J]]] : i32, !cuft.array<i32, 2, C>[i64, i64]
cuft.kernel @nested(%n: !cuft.unknown, %a: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.for %i = %c0 to %n step %c1 : (i64, !cuft.unknown, i64) -> !cuft.unknown {
    cuft.for %j = %c0 to %n step %c1 : (i64, !cuft.unknown, i64) -> !cuft.unknown {
      %v = cuft.load %a[%i, %j] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
      cuft.if %v : !cuft.unknown {
        cuft.continue
      }
      cuft.store %c1, %a[%i, %j] : i64, !cuft.unknown[!cuft.unknown, !cuft.unknown]
    }
  }
  cuft.return
}

// A bool index is converted to i64.
// BIDX-LABEL: cuft.kernel @bool_index(
// BIDX-SAME: %[[P:.*]]: i1, %[[A:.*]]: !cuft.array<f32, 1, C>)
// BIDX: %[[PC:.*]] = cuft.cast %[[P]] : i1 to i64
// BIDX: cuft.load %[[A]][%[[PC]]] : !cuft.array<f32, 1, C>[i64] -> f32
cuft.kernel @bool_index(%p: !cuft.unknown, %a: !cuft.unknown) {
  %v = cuft.load %a[%p] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
  %c0 = cuft.constant 0 : i64
  cuft.store %v, %a[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}
