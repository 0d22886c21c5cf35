// RUN: cuft-opt %s | cuft-opt | FileCheck %s
// RUN: cuft-opt %s -mlir-print-op-generic | cuft-opt | FileCheck %s

// Constants, casts, arithmetic, comparison, logic and math, in generic
// (!cuft.unknown) and typed form.

// CHECK-LABEL: cuft.func @constants
// CHECK: cuft.constant true
// CHECK: cuft.constant 42 : i64
// CHECK: cuft.constant -7 : i32
// CHECK: cuft.constant 200 : ui8
// CHECK: cuft.constant 2.500000e+00 : f64
// CHECK: cuft.constant 5.000000e-01 : f32
cuft.func @constants() {
  %0 = cuft.constant true
  %1 = cuft.constant 42 : i64
  %2 = cuft.constant -7 : i32
  %3 = cuft.constant 200 : ui8
  %4 = cuft.constant 2.5 : f64
  %5 = cuft.constant 0.5 : f32
  cuft.return
}

// CHECK-LABEL: cuft.func @casts
// CHECK: cuft.cast %{{.*}} : !cuft.unknown to f32
// CHECK: cuft.cast %{{.*}} : i64 to f32
// CHECK: cuft.cast %{{.*}} : f64 to i32
// CHECK: cuft.cast %{{.*}} : f32 to i1
// CHECK: cuft.cast %{{.*}} : i1 to ui64
cuft.func @casts(%u: !cuft.unknown, %i: i64, %d: f64, %f: f32, %b: i1) {
  %0 = cuft.cast %u : !cuft.unknown to f32
  %1 = cuft.cast %i : i64 to f32
  %2 = cuft.cast %d : f64 to i32
  %3 = cuft.cast %f : f32 to i1
  %4 = cuft.cast %b : i1 to ui64
  cuft.return
}

// CHECK-LABEL: cuft.func @binary_generic
// CHECK: cuft.add %{{.*}}, %{{.*}} : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
// CHECK: cuft.sub %{{.*}}, %{{.*}} : (!cuft.unknown, i64) -> !cuft.unknown
// CHECK: cuft.mul %{{.*}}, %{{.*}} : (i64, !cuft.unknown) -> !cuft.unknown
// CHECK: cuft.truediv %{{.*}}, %{{.*}} : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
// CHECK: cuft.floordiv
// CHECK: cuft.mod
// CHECK: cuft.pow
// CHECK: cuft.min
// CHECK: cuft.max
// CHECK: cuft.bitand
// CHECK: cuft.bitor
// CHECK: cuft.bitxor
// CHECK: cuft.shl
// CHECK: cuft.shr %{{.*}}, %{{.*}} : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
cuft.func @binary_generic(%a: !cuft.unknown, %b: !cuft.unknown, %i: i64) {
  %0 = cuft.add %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %1 = cuft.sub %a, %i : (!cuft.unknown, i64) -> !cuft.unknown
  %2 = cuft.mul %i, %b : (i64, !cuft.unknown) -> !cuft.unknown
  %3 = cuft.truediv %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %4 = cuft.floordiv %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %5 = cuft.mod %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %6 = cuft.pow %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %7 = cuft.min %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %8 = cuft.max %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %9 = cuft.bitand %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %10 = cuft.bitor %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %11 = cuft.bitxor %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %12 = cuft.shl %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %13 = cuft.shr %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return
}

// CHECK-LABEL: cuft.func @binary_typed
// CHECK: cuft.add %{{.*}}, %{{.*}} : (i64, i64) -> i64
// CHECK: cuft.sub %{{.*}}, %{{.*}} : (f32, f32) -> f32
// CHECK: cuft.mul %{{.*}}, %{{.*}} : (ui32, ui32) -> ui32
// CHECK: cuft.truediv %{{.*}}, %{{.*}} : (f64, f64) -> f64
// CHECK: cuft.floordiv %{{.*}}, %{{.*}} : (i64, i64) -> i64
// CHECK: cuft.mod %{{.*}}, %{{.*}} : (f32, f32) -> f32
// CHECK: cuft.pow %{{.*}}, %{{.*}} : (i64, i64) -> i64
// CHECK: cuft.min %{{.*}}, %{{.*}} : (i1, i1) -> i1
// CHECK: cuft.max %{{.*}}, %{{.*}} : (f64, f64) -> f64
// CHECK: cuft.bitand %{{.*}}, %{{.*}} : (i1, i1) -> i1
// CHECK: cuft.bitor %{{.*}}, %{{.*}} : (ui32, ui32) -> ui32
// CHECK: cuft.bitxor %{{.*}}, %{{.*}} : (i64, i64) -> i64
// CHECK: cuft.shl %{{.*}}, %{{.*}} : (i64, i64) -> i64
// CHECK: cuft.shr %{{.*}}, %{{.*}} : (ui32, ui32) -> ui32
cuft.func @binary_typed(%i: i64, %f: f32, %u: ui32, %d: f64, %b: i1) {
  %0 = cuft.add %i, %i : (i64, i64) -> i64
  %1 = cuft.sub %f, %f : (f32, f32) -> f32
  %2 = cuft.mul %u, %u : (ui32, ui32) -> ui32
  %3 = cuft.truediv %d, %d : (f64, f64) -> f64
  %4 = cuft.floordiv %i, %i : (i64, i64) -> i64
  %5 = cuft.mod %f, %f : (f32, f32) -> f32
  %6 = cuft.pow %i, %i : (i64, i64) -> i64
  %7 = cuft.min %b, %b : (i1, i1) -> i1
  %8 = cuft.max %d, %d : (f64, f64) -> f64
  %9 = cuft.bitand %b, %b : (i1, i1) -> i1
  %10 = cuft.bitor %u, %u : (ui32, ui32) -> ui32
  %11 = cuft.bitxor %i, %i : (i64, i64) -> i64
  %12 = cuft.shl %i, %i : (i64, i64) -> i64
  %13 = cuft.shr %u, %u : (ui32, ui32) -> ui32
  cuft.return
}

// CHECK-LABEL: cuft.func @compare
// CHECK: cuft.cmp eq, %{{.*}}, %{{.*}} : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
// CHECK: cuft.cmp ne, %{{.*}}, %{{.*}} : (i64, i64) -> i1
// CHECK: cuft.cmp lt, %{{.*}}, %{{.*}} : (f32, f32) -> i1
// CHECK: cuft.cmp le, %{{.*}}, %{{.*}} : (ui8, ui8) -> i1
// CHECK: cuft.cmp gt, %{{.*}}, %{{.*}} : (i1, i1) -> i1
// CHECK: cuft.cmp ge, %{{.*}}, %{{.*}} : (!cuft.unknown, f32) -> !cuft.unknown
cuft.func @compare(%a: !cuft.unknown, %i: i64, %f: f32, %u: ui8, %b: i1) {
  %0 = cuft.cmp eq, %a, %a : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %1 = cuft.cmp ne, %i, %i : (i64, i64) -> i1
  %2 = cuft.cmp lt, %f, %f : (f32, f32) -> i1
  %3 = cuft.cmp le, %u, %u : (ui8, ui8) -> i1
  %4 = cuft.cmp gt, %b, %b : (i1, i1) -> i1
  %5 = cuft.cmp ge, %a, %f : (!cuft.unknown, f32) -> !cuft.unknown
  cuft.return
}

// CHECK-LABEL: cuft.func @unary
// CHECK: cuft.neg %{{.*}} : (!cuft.unknown) -> !cuft.unknown
// CHECK: cuft.neg %{{.*}} : (f32) -> f32
// CHECK: cuft.invert %{{.*}} : (i64) -> i64
// CHECK: cuft.not %{{.*}} : (i1) -> i1
// CHECK: cuft.not %{{.*}} : (!cuft.unknown) -> !cuft.unknown
// CHECK: cuft.abs %{{.*}} : (i64) -> i64
// CHECK: cuft.abs %{{.*}} : (f32) -> f32
cuft.func @unary(%a: !cuft.unknown, %i: i64, %f: f32, %b: i1) {
  %0 = cuft.neg %a : (!cuft.unknown) -> !cuft.unknown
  %1 = cuft.neg %f : (f32) -> f32
  %2 = cuft.invert %i : (i64) -> i64
  %3 = cuft.not %b : (i1) -> i1
  %4 = cuft.not %a : (!cuft.unknown) -> !cuft.unknown
  %5 = cuft.abs %i : (i64) -> i64
  %6 = cuft.abs %f : (f32) -> f32
  cuft.return
}

// CHECK-LABEL: cuft.func @math
// CHECK: cuft.math sqrt(%{{.*}}) : (!cuft.unknown) -> !cuft.unknown
// CHECK: cuft.math sin(%{{.*}}) : (f32) -> f32
// CHECK: cuft.math log1p(%{{.*}}) : (f64) -> f64
// CHECK: cuft.math atan2(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK: cuft.math pow(%{{.*}}, %{{.*}}) : (!cuft.unknown, f64) -> !cuft.unknown
// CHECK: cuft.math fmod(%{{.*}}, %{{.*}}) : (f64, f64) -> f64
cuft.func @math(%a: !cuft.unknown, %f: f32, %d: f64) {
  %0 = cuft.math sqrt(%a) : (!cuft.unknown) -> !cuft.unknown
  %1 = cuft.math sin(%f) : (f32) -> f32
  %2 = cuft.math log1p(%d) : (f64) -> f64
  %3 = cuft.math atan2(%f, %f) : (f32, f32) -> f32
  %4 = cuft.math pow(%a, %d) : (!cuft.unknown, f64) -> !cuft.unknown
  %5 = cuft.math fmod(%d, %d) : (f64, f64) -> f64
  cuft.return
}
