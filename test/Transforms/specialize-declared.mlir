// RUN: cuft-opt %s --cuft-specialize="sig=array<f64,1,C>,array<i64,1,C>" | FileCheck %s

// @cuft.func(["i8(i8, i8)", "f4(f8, f8)"]) def add(x, y): return x + y,
// called with two f64 values and with an i64 and a weak literal: each call
// specializes the declaration its arguments fit best (numba's ranks,
// SignatureText.h's bestDeclared), its parameters the declared types, each
// return cast to the declared result; the clone is named after the
// declaration (`d1_`).

// CHECK-NOT: cuft.func @add(
// CHECK-LABEL: cuft.func @add__d0_i64_i64(
// CHECK-SAME: %[[X:.*]]: i64, %[[Y:.*]]: i64) -> i64
// CHECK: %[[S:.*]] = cuft.add %[[X]], %[[Y]] : (i64, i64) -> i64
// CHECK: cuft.return %[[S]] : i64

// CHECK-LABEL: cuft.func @add__d1_f64_f64(
// CHECK-SAME: %[[X:.*]]: f64, %[[Y:.*]]: f64) -> f32
// CHECK: %[[S:.*]] = cuft.add %[[X]], %[[Y]] : (f64, f64) -> f64
// CHECK: %[[C:.*]] = cuft.cast %[[S]] : f64 to f32
// CHECK: cuft.return %[[C]] : f32
cuft.func @add(%x: !cuft.unknown, %y: !cuft.unknown) -> !cuft.unknown
    attributes {cuft.declared = ["i64,i64", "f64,f64"], cuft.declared_results = ["i64", "f32"]} {
  %0 = cuft.add %x, %y : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return %0 : !cuft.unknown
}

// CHECK-LABEL: cuft.kernel @k(
// CHECK: cuft.call @add__d1_f64_f64(%{{.*}}, %{{.*}}) : (f64, f64) -> f32
// CHECK: cuft.call @add__d0_i64_i64(%{{.*}}, %{{.*}}) : (i64, i64) -> i64
cuft.kernel @k(%x: !cuft.unknown, %n: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %a = cuft.load %x[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %s = cuft.call @add(%a, %a) : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.store %s, %x[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %b = cuft.load %n[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %c = cuft.constant 3 : i64
  %t = cuft.call @add(%b, %c) : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.store %t, %n[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}
