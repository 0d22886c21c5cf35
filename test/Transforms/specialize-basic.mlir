// RUN: cuft-opt %s --cuft-specialize="sig=f32,array<f32,1,C>,array<f32,1,C>" | FileCheck %s --check-prefix=F32
// RUN: cuft-opt %s --cuft-specialize="sig=f64,array<f64,1,C>,array<f64,1,C>" | FileCheck %s --check-prefix=F64
// RUN: cuft-opt %s --cuft-specialize="sig=i32,array<i32,1,F>,array<i32,1,strided>" | FileCheck %s --check-prefix=I32
// RUN: cuft-opt %s --cuft-specialize="sig=f64,array<f32,1,C>,array<f32,1,C>" | FileCheck %s --check-prefix=MIX

// saxpy as the frontend emits it (docs/examples/saxpy.mlir).

// F32-LABEL: cuft.kernel @saxpy(
// F32-SAME: %[[A:.*]]: f32, %[[X:.*]]: !cuft.array<f32, 1, C>, %[[Y:.*]]: !cuft.array<f32, 1, C>)
// F32: %[[I:.*]] = cuft.var "i" : !cuft.var<i64>
// F32: %[[G:.*]] = cuft.grid 1 : i64
// F32: cuft.var_store %[[G]], %[[I]] : i64, !cuft.var<i64>
// F32: %[[I0:.*]] = cuft.var_load %[[I]] : !cuft.var<i64> -> i64
// F32: %[[N:.*]] = cuft.dim %[[X]], 0 : !cuft.array<f32, 1, C> -> i64
// F32: %[[C:.*]] = cuft.cmp lt, %[[I0]], %[[N]] : (i64, i64) -> i1
// F32: cuft.if %[[C]] : i1 {
// F32: %[[I1:.*]] = cuft.var_load %[[I]] : !cuft.var<i64> -> i64
// F32: %[[XI:.*]] = cuft.load %[[X]][%[[I1]]] : !cuft.array<f32, 1, C>[i64] -> f32
// F32: %[[AX:.*]] = cuft.mul %[[A]], %[[XI]] : (f32, f32) -> f32
// F32: %[[YI:.*]] = cuft.load %[[Y]][%[[I1]]] : !cuft.array<f32, 1, C>[i64] -> f32
// F32: %[[R:.*]] = cuft.add %[[AX]], %[[YI]] : (f32, f32) -> f32
// F32: cuft.store %[[R]], %[[Y]][%[[I1]]] : f32, !cuft.array<f32, 1, C>[i64]
// F32-NOT: cuft.cast
// F32-NOT: !cuft.unknown
// F32: cuft.return

// F64-LABEL: cuft.kernel @saxpy(
// F64-SAME: f64, %{{.*}}: !cuft.array<f64, 1, C>, %{{.*}}: !cuft.array<f64, 1, C>)
// F64: cuft.mul %{{.*}}, %{{.*}} : (f64, f64) -> f64
// F64: cuft.add %{{.*}}, %{{.*}} : (f64, f64) -> f64
// F64-NOT: cuft.cast
// F64-NOT: !cuft.unknown

// Integer saxpy; layouts F and strided are kept on the argument types.
// I32-LABEL: cuft.kernel @saxpy(
// I32-SAME: i32, %{{.*}}: !cuft.array<i32, 1, F>, %{{.*}}: !cuft.array<i32, 1, strided>)
// I32: cuft.load %{{.*}}[%{{.*}}] : !cuft.array<i32, 1, F>[i64] -> i32
// I32: cuft.mul %{{.*}}, %{{.*}} : (i32, i32) -> i32
// I32: cuft.load %{{.*}}[%{{.*}}] : !cuft.array<i32, 1, strided>[i64] -> i32
// I32: cuft.add %{{.*}}, %{{.*}} : (i32, i32) -> i32
// I32-NOT: !cuft.unknown

// A strong f64 scalar with f32 arrays: the arithmetic is f64 and the result is
// cast back to the element type on store.
// MIX-LABEL: cuft.kernel @saxpy(
// MIX-SAME: %[[A:.*]]: f64, %[[X:.*]]: !cuft.array<f32, 1, C>, %[[Y:.*]]: !cuft.array<f32, 1, C>)
// MIX: %[[XI:.*]] = cuft.load %[[X]]
// MIX: %[[XC:.*]] = cuft.cast %[[XI]] : f32 to f64
// MIX: %[[AX:.*]] = cuft.mul %[[A]], %[[XC]] : (f64, f64) -> f64
// MIX: %[[YI:.*]] = cuft.load %[[Y]]
// MIX: %[[YC:.*]] = cuft.cast %[[YI]] : f32 to f64
// MIX: %[[R:.*]] = cuft.add %[[AX]], %[[YC]] : (f64, f64) -> f64
// MIX: %[[RC:.*]] = cuft.cast %[[R]] : f64 to f32
// MIX: cuft.store %[[RC]], %[[Y]][%{{.*}}] : f32, !cuft.array<f32, 1, C>[i64]
cuft.kernel @saxpy(%a: !cuft.unknown, %x: !cuft.unknown, %y: !cuft.unknown) {
  %i = cuft.var "i" : !cuft.var<!cuft.unknown>
  %g = cuft.grid 1 : i64
  cuft.var_store %g, %i : i64, !cuft.var<!cuft.unknown>
  %i0 = cuft.var_load %i : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %n = cuft.dim %x, 0 : !cuft.unknown -> i64
  %c = cuft.cmp lt, %i0, %n : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.if %c : !cuft.unknown {
    %i1 = cuft.var_load %i : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %xi = cuft.load %x[%i1] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
    %ax = cuft.mul %a, %xi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    %yi = cuft.load %y[%i1] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
    %r = cuft.add %ax, %yi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    cuft.store %r, %y[%i1] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
  }
  cuft.return
}
