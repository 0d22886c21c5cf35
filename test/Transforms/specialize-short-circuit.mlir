// RUN: cuft-opt %s --split-input-file --verify-diagnostics \
// RUN:   --cuft-specialize="sig=array<f64,1,C>,array<i32,1,C>,array<f32,1,C>" | FileCheck %s

// `x[0] and y[0] and 5`: the result takes the join of what it may end with
// (f64, i32 and a weak literal: f64); each exit tests its own value (the
// truth of the i32, not of its conversion) and ends with it converted.
// CHECK-LABEL: cuft.kernel @and_chain(
// CHECK-DAG: %[[FIVE:.*]] = cuft.constant 5.000000e+00 : f64
// CHECK: %[[X:.*]] = cuft.load %arg0
// CHECK: %[[Y:.*]] = cuft.load %arg1
// CHECK: %[[R:.*]] = cuft.short_circuit "and" : f64 {
// CHECK-NEXT: %[[TX:.*]] = cuft.cast %[[X]] : f64 to i1
// CHECK-NEXT: cuft.exit_if %[[TX]], %[[X]] if false : i1, f64
// CHECK-NEXT: %[[TY:.*]] = cuft.cast %[[Y]] : i32 to i1
// CHECK-NEXT: %[[CY:.*]] = cuft.cast %[[Y]] : i32 to f64
// CHECK-NEXT: cuft.exit_if %[[TY]], %[[CY]] if false : i1, f64
// CHECK-NEXT: cuft.exit %[[FIVE]] : f64
// CHECK: cuft.store %[[R]], %arg0
cuft.kernel @and_chain(%x: !cuft.unknown, %y: !cuft.unknown, %z: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %a = cuft.load %x[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %b = cuft.load %y[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %r = cuft.short_circuit "and" : !cuft.unknown {
    cuft.exit_if %a, %a if false : !cuft.unknown, !cuft.unknown
    cuft.exit_if %b, %b if false : !cuft.unknown, !cuft.unknown
    %five = cuft.constant 5 : i64
    cuft.exit %five : i64
  }
  cuft.store %r, %x[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

// An i32 or an f32: f64, as a variable assigned both would be.
// CHECK-LABEL: cuft.kernel @or_mixed(
// CHECK: cuft.short_circuit "or" : f64 {
cuft.kernel @or_mixed(%x: !cuft.unknown, %y: !cuft.unknown, %z: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %b = cuft.load %y[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %c = cuft.load %z[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %r = cuft.short_circuit "or" : !cuft.unknown {
    cuft.exit_if %b, %b if true : !cuft.unknown, !cuft.unknown
    cuft.exit %c : !cuft.unknown
  }
  cuft.store %r, %x[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

// An array cannot be tested; an array and a scalar have no common type.
cuft.kernel @array_test(%x: !cuft.unknown, %y: !cuft.unknown, %z: !cuft.unknown) {
  %r = cuft.short_circuit "and" : !cuft.unknown {
    // expected-error@+1 {{a condition must be a scalar, got 'array<f64,1,C>'}}
    cuft.exit_if %x, %x if false : !cuft.unknown, !cuft.unknown
    cuft.exit %y : !cuft.unknown
  }
  cuft.return
}

// -----

cuft.kernel @no_common_type(%x: !cuft.unknown, %y: !cuft.unknown, %z: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %a = cuft.load %x[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %r = cuft.short_circuit "or" : !cuft.unknown {
    cuft.exit_if %a, %a if true : !cuft.unknown, !cuft.unknown
    // expected-error@+1 {{the operands of 'or' have no common type: 'f64' and 'array<i32,1,C>'}}
    cuft.exit %y : !cuft.unknown
  }
  cuft.return
}

// -----

// `1e-50 or x[0]` with float32 x: the literal is true, so the chain ends
// with it, converted to float32 (0.0); its own truth decides, not its
// conversion's. Generic IR may test a typed constant.
// CHECK-LABEL: cuft.kernel @literal_or(
// CHECK-DAG: %[[ZERO:.*]] = cuft.constant 0.000000e+00 : f32
// CHECK-DAG: %[[TRUE:.*]] = cuft.constant true
// CHECK: cuft.short_circuit "or" : f32 {
// CHECK-NEXT: cuft.exit_if %[[TRUE]], %[[ZERO]] if true : i1, f32
cuft.kernel @literal_or(%x: !cuft.unknown, %y: !cuft.unknown, %z: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %lit = cuft.constant 1.0e-50 : f64
  %a = cuft.load %z[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %r = cuft.short_circuit "or" : !cuft.unknown {
    cuft.exit_if %lit, %lit if true : f64, f64
    cuft.exit %a : !cuft.unknown
  }
  cuft.store %r, %z[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

// `(z[0] and 1e-50) or y[0]` with float32 z: the inner chain's value is
// tested by the outer one, and 1e-50 is 0 in float32, whose truth Python's
// unconverted 1e-50 does not have: refused at the literal's exit.
cuft.kernel @vanishing_literal_tested(%x: !cuft.unknown, %y: !cuft.unknown, %z: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %lit = cuft.constant 1.0e-50 : f64
  %a = cuft.load %z[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %b = cuft.load %x[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %r = cuft.short_circuit "or" : !cuft.unknown {
    %inner = cuft.short_circuit "and" : !cuft.unknown {
      cuft.exit_if %a, %a if false : !cuft.unknown, !cuft.unknown
      // expected-error @+1 {{this value is 0 in 'f32', the type of the 'and', so the truth}}
      cuft.exit %lit : f64
    }
    cuft.exit_if %inner, %inner if true : !cuft.unknown, !cuft.unknown
    cuft.exit %a : !cuft.unknown
  }
  cuft.store %r, %z[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

// `t = 1e-50`, `t = z[0]` (float32), then `if t:`: the variable's float32
// makes the literal 0, and its value is tested: refused at the store.
cuft.kernel @vanishing_literal_in_a_variable(%x: !cuft.unknown, %y: !cuft.unknown, %z: !cuft.unknown) {
  %t = cuft.var "t" : !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  %lit = cuft.constant 1.0e-50 : f64
  // expected-error @+1 {{this value is 0 in 'f32', the type of variable 't', so the truth}}
  cuft.var_store %lit, %t : f64, !cuft.var<!cuft.unknown>
  %a = cuft.load %z[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.var_store %a, %t : !cuft.unknown, !cuft.var<!cuft.unknown>
  %v = cuft.var_load %t : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.if %v : !cuft.unknown {
    cuft.store %a, %z[%c0] : !cuft.unknown, !cuft.unknown[i64]
    cuft.yield
  }
  cuft.return
}
