// RUN: cuft-opt %s --canonicalize | FileCheck %s

// Constant folding of typed IR, with Python semantics. Each function returns
// folded values through a call sink so that nothing is dead.

cuft.func @sink_i64(%a: i64) {
  cuft.return
}
cuft.func @sink_i32(%a: i32) {
  cuft.return
}
cuft.func @sink_ui8(%a: ui8) {
  cuft.return
}
cuft.func @sink_f64(%a: f64) {
  cuft.return
}
cuft.func @sink_f32(%a: f32) {
  cuft.return
}
cuft.func @sink_i1(%a: i1) {
  cuft.return
}

// CHECK-LABEL: cuft.func @floordiv_mod_int
// CHECK-DAG: %[[M4:.*]] = cuft.constant -4 : i64
// CHECK-DAG: %[[P1:.*]] = cuft.constant 1 : i64
// CHECK-DAG: %[[M1:.*]] = cuft.constant -1 : i64
// CHECK-DAG: %[[P3:.*]] = cuft.constant 3 : i64
// CHECK-DAG: %[[M3:.*]] = cuft.constant -3 : i64
// CHECK-NOT: cuft.floordiv
// CHECK-NOT: cuft.mod
// -7 // 2 == -4, -7 % 2 == 1, 7 // -2 == -4, 7 % -2 == -1, 7 // 2 == 3,
// -7 // -2 == 3, -7 % -2 == -1, 6 // -2 == -3
// CHECK: cuft.call @sink_i64(%[[M4]])
// CHECK-NEXT: cuft.call @sink_i64(%[[P1]])
// CHECK-NEXT: cuft.call @sink_i64(%[[M4]])
// CHECK-NEXT: cuft.call @sink_i64(%[[M1]])
// CHECK-NEXT: cuft.call @sink_i64(%[[P3]])
// CHECK-NEXT: cuft.call @sink_i64(%[[P3]])
// CHECK-NEXT: cuft.call @sink_i64(%[[M1]])
// CHECK-NEXT: cuft.call @sink_i64(%[[M3]])
cuft.func @floordiv_mod_int() {
  %m7 = cuft.constant -7 : i64
  %p7 = cuft.constant 7 : i64
  %p6 = cuft.constant 6 : i64
  %p2 = cuft.constant 2 : i64
  %m2 = cuft.constant -2 : i64
  %0 = cuft.floordiv %m7, %p2 : (i64, i64) -> i64
  %1 = cuft.mod %m7, %p2 : (i64, i64) -> i64
  %2 = cuft.floordiv %p7, %m2 : (i64, i64) -> i64
  %3 = cuft.mod %p7, %m2 : (i64, i64) -> i64
  %4 = cuft.floordiv %p7, %p2 : (i64, i64) -> i64
  %5 = cuft.floordiv %m7, %m2 : (i64, i64) -> i64
  %6 = cuft.mod %m7, %m2 : (i64, i64) -> i64
  %7 = cuft.floordiv %p6, %m2 : (i64, i64) -> i64
  cuft.call @sink_i64(%0) : (i64) -> ()
  cuft.call @sink_i64(%1) : (i64) -> ()
  cuft.call @sink_i64(%2) : (i64) -> ()
  cuft.call @sink_i64(%3) : (i64) -> ()
  cuft.call @sink_i64(%4) : (i64) -> ()
  cuft.call @sink_i64(%5) : (i64) -> ()
  cuft.call @sink_i64(%6) : (i64) -> ()
  cuft.call @sink_i64(%7) : (i64) -> ()
  cuft.return
}

// Division by zero is left to run time (0, or ZeroDivisionError in checked
// mode); INT_MIN // -1 wraps to INT_MIN, as the lowering defines it.
// CHECK-LABEL: cuft.func @no_fold_division
// CHECK-DAG: %[[MIN:.*]] = cuft.constant -9223372036854775808 : i64
// CHECK-DAG: cuft.floordiv
// CHECK-DAG: cuft.mod
// CHECK-DAG: cuft.truediv
// CHECK: cuft.call @sink_i64(%[[MIN]])
cuft.func @no_fold_division() {
  %a = cuft.constant 7 : i64
  %z = cuft.constant 0 : i64
  %min = cuft.constant -9223372036854775808 : i64
  %m1 = cuft.constant -1 : i64
  %fa = cuft.constant 1.0 : f64
  %fz = cuft.constant 0.0 : f64
  %0 = cuft.floordiv %a, %z : (i64, i64) -> i64
  %1 = cuft.mod %a, %z : (i64, i64) -> i64
  %2 = cuft.floordiv %min, %m1 : (i64, i64) -> i64
  %3 = cuft.truediv %fa, %fz : (f64, f64) -> f64
  cuft.call @sink_i64(%0) : (i64) -> ()
  cuft.call @sink_i64(%1) : (i64) -> ()
  cuft.call @sink_i64(%2) : (i64) -> ()
  cuft.call @sink_f64(%3) : (f64) -> ()
  cuft.return
}

// Unsigned division and modulo; unsigned arithmetic wraps.
// CHECK-LABEL: cuft.func @unsigned
// CHECK-DAG: %[[Q:.*]] = cuft.constant 100 : ui8
// CHECK-DAG: %[[R:.*]] = cuft.constant 0 : ui8
// CHECK-DAG: %[[W:.*]] = cuft.constant 4 : ui8
// CHECK: cuft.call @sink_ui8(%[[Q]])
// CHECK-NEXT: cuft.call @sink_ui8(%[[R]])
// CHECK-NEXT: cuft.call @sink_ui8(%[[W]])
cuft.func @unsigned() {
  %a = cuft.constant 200 : ui8
  %b = cuft.constant 2 : ui8
  %c = cuft.constant 60 : ui8
  %0 = cuft.floordiv %a, %b : (ui8, ui8) -> ui8
  %1 = cuft.mod %a, %b : (ui8, ui8) -> ui8
  %2 = cuft.add %a, %c : (ui8, ui8) -> ui8
  cuft.call @sink_ui8(%0) : (ui8) -> ()
  cuft.call @sink_ui8(%1) : (ui8) -> ()
  cuft.call @sink_ui8(%2) : (ui8) -> ()
  cuft.return
}

// Float floor division and modulo: the remainder takes the divisor's sign.
// -7.0 // 2.0 == -4.0, -7.0 % 2.0 == 1.0, 7.5 % -2.0 == -0.5, 5.5 % 2.0 == 1.5
// CHECK-LABEL: cuft.func @float_floordiv_mod
// CHECK-DAG: %[[A:.*]] = cuft.constant -4.000000e+00 : f64
// CHECK-DAG: %[[B:.*]] = cuft.constant 1.000000e+00 : f64
// CHECK-DAG: %[[C:.*]] = cuft.constant -5.000000e-01 : f64
// CHECK-DAG: %[[D:.*]] = cuft.constant 1.500000e+00 : f32
// CHECK-NOT: cuft.floordiv
// CHECK-NOT: cuft.mod
// CHECK: cuft.call @sink_f64(%[[A]])
// CHECK-NEXT: cuft.call @sink_f64(%[[B]])
// CHECK-NEXT: cuft.call @sink_f64(%[[C]])
// CHECK-NEXT: cuft.call @sink_f32(%[[D]])
cuft.func @float_floordiv_mod() {
  %m7 = cuft.constant -7.0 : f64
  %p2 = cuft.constant 2.0 : f64
  %p75 = cuft.constant 7.5 : f64
  %m2 = cuft.constant -2.0 : f64
  %s55 = cuft.constant 5.5 : f32
  %s2 = cuft.constant 2.0 : f32
  %0 = cuft.floordiv %m7, %p2 : (f64, f64) -> f64
  %1 = cuft.mod %m7, %p2 : (f64, f64) -> f64
  %2 = cuft.mod %p75, %m2 : (f64, f64) -> f64
  %3 = cuft.mod %s55, %s2 : (f32, f32) -> f32
  cuft.call @sink_f64(%0) : (f64) -> ()
  cuft.call @sink_f64(%1) : (f64) -> ()
  cuft.call @sink_f64(%2) : (f64) -> ()
  cuft.call @sink_f32(%3) : (f32) -> ()
  cuft.return
}

// float32 floor division folds with each step in float32, as at run time
// (and in NumPy): 2.9f // 3.3333333e-08f is 87000008, where the steps in
// double give 87000000.
// CHECK-LABEL: cuft.func @float32_floordiv_steps
// CHECK: %[[Q:.*]] = cuft.constant 0x4CA5F079 : f32
// CHECK-NOT: cuft.floordiv
// CHECK: cuft.call @sink_f32(%[[Q]])
cuft.func @float32_floordiv_steps() {
  %a = cuft.constant 0x4039999A : f32
  %b = cuft.constant 0x330F2A63 : f32
  %0 = cuft.floordiv %a, %b : (f32, f32) -> f32
  cuft.call @sink_f32(%0) : (f32) -> ()
  cuft.return
}

// Python: -4.0 % 2.0 == 0.0 and 4.0 % -2.0 == -0.0 (a zero takes the divisor's sign).
// CHECK-LABEL: cuft.func @float_mod_zero
// CHECK-DAG: %[[PZ:.*]] = cuft.constant 0.000000e+00 : f64
// CHECK-DAG: %[[NZ:.*]] = cuft.constant -0.000000e+00 : f64
// CHECK: cuft.call @sink_f64(%[[PZ]])
// CHECK-NEXT: cuft.call @sink_f64(%[[NZ]])
cuft.func @float_mod_zero() {
  %m4 = cuft.constant -4.0 : f64
  %p4 = cuft.constant 4.0 : f64
  %p2 = cuft.constant 2.0 : f64
  %m2 = cuft.constant -2.0 : f64
  %0 = cuft.mod %m4, %p2 : (f64, f64) -> f64
  %1 = cuft.mod %p4, %m2 : (f64, f64) -> f64
  cuft.call @sink_f64(%0) : (f64) -> ()
  cuft.call @sink_f64(%1) : (f64) -> ()
  cuft.return
}

// Integer power, including negative exponents (0 unless the base is +-1), and
// two's-complement wrap-around of i32 arithmetic.
// CHECK-LABEL: cuft.func @int_pow_wrap
// CHECK-DAG: %[[P:.*]] = cuft.constant 1024 : i64
// CHECK-DAG: %[[Z:.*]] = cuft.constant 0 : i64
// CHECK-DAG: %[[M1:.*]] = cuft.constant -1 : i64
// CHECK-DAG: %[[WRAP:.*]] = cuft.constant -2147483648 : i32
// CHECK-NOT: cuft.pow
// CHECK: cuft.call @sink_i64(%[[P]])
// CHECK-NEXT: cuft.call @sink_i64(%[[Z]])
// CHECK-NEXT: cuft.call @sink_i64(%[[M1]])
// CHECK-NEXT: cuft.call @sink_i32(%[[WRAP]])
cuft.func @int_pow_wrap() {
  %two = cuft.constant 2 : i64
  %ten = cuft.constant 10 : i64
  %m1 = cuft.constant -1 : i64
  %m3 = cuft.constant -3 : i64
  %max = cuft.constant 2147483647 : i32
  %one = cuft.constant 1 : i32
  %0 = cuft.pow %two, %ten : (i64, i64) -> i64
  %1 = cuft.pow %two, %m1 : (i64, i64) -> i64
  %2 = cuft.pow %m1, %m3 : (i64, i64) -> i64
  %3 = cuft.add %max, %one : (i32, i32) -> i32
  cuft.call @sink_i64(%0) : (i64) -> ()
  cuft.call @sink_i64(%1) : (i64) -> ()
  cuft.call @sink_i64(%2) : (i64) -> ()
  cuft.call @sink_i32(%3) : (i32) -> ()
  cuft.return
}

// Casts: float -> int truncates toward zero; int -> float; to bool tests for
// non-zero; from bool gives 0 or 1; narrowing wraps; unsigned widening
// zero-extends.
// CHECK-LABEL: cuft.func @casts
// CHECK-DAG: %[[T1:.*]] = cuft.constant -2 : i32
// CHECK-DAG: %[[T2:.*]] = cuft.constant 2 : i32
// CHECK-DAG: %[[F:.*]] = cuft.constant -7.000000e+00 : f64
// CHECK-DAG: %[[TRUE:.*]] = cuft.constant true
// CHECK-DAG: %[[FALSE:.*]] = cuft.constant false
// CHECK-DAG: %[[ONE:.*]] = cuft.constant 1 : i64
// CHECK-DAG: %[[NARROW:.*]] = cuft.constant 44 : ui8
// CHECK-DAG: %[[ZEXT:.*]] = cuft.constant 200 : i64
// CHECK-DAG: %[[HALF:.*]] = cuft.constant 2.500000e+00 : f32
// CHECK-NOT: cuft.cast
// CHECK: cuft.call @sink_i32(%[[T1]])
// CHECK-NEXT: cuft.call @sink_i32(%[[T2]])
// CHECK-NEXT: cuft.call @sink_f64(%[[F]])
// CHECK-NEXT: cuft.call @sink_i1(%[[TRUE]])
// CHECK-NEXT: cuft.call @sink_i1(%[[FALSE]])
// CHECK-NEXT: cuft.call @sink_i64(%[[ONE]])
// CHECK-NEXT: cuft.call @sink_ui8(%[[NARROW]])
// CHECK-NEXT: cuft.call @sink_i64(%[[ZEXT]])
// CHECK-NEXT: cuft.call @sink_f32(%[[HALF]])
cuft.func @casts() {
  %neg = cuft.constant -2.7 : f64
  %pos = cuft.constant 2.7 : f64
  %m7 = cuft.constant -7 : i64
  %half = cuft.constant 0.5 : f32
  %zero = cuft.constant 0 : i64
  %t = cuft.constant true
  %big = cuft.constant 300 : i64
  %u = cuft.constant 200 : ui8
  %d = cuft.constant 2.5 : f64
  %0 = cuft.cast %neg : f64 to i32
  %1 = cuft.cast %pos : f64 to i32
  %2 = cuft.cast %m7 : i64 to f64
  %3 = cuft.cast %half : f32 to i1
  %4 = cuft.cast %zero : i64 to i1
  %5 = cuft.cast %t : i1 to i64
  %6 = cuft.cast %big : i64 to ui8
  %7 = cuft.cast %u : ui8 to i64
  %8 = cuft.cast %d : f64 to f32
  cuft.call @sink_i32(%0) : (i32) -> ()
  cuft.call @sink_i32(%1) : (i32) -> ()
  cuft.call @sink_f64(%2) : (f64) -> ()
  cuft.call @sink_i1(%3) : (i1) -> ()
  cuft.call @sink_i1(%4) : (i1) -> ()
  cuft.call @sink_i64(%5) : (i64) -> ()
  cuft.call @sink_ui8(%6) : (ui8) -> ()
  cuft.call @sink_i64(%7) : (i64) -> ()
  cuft.call @sink_f32(%8) : (f32) -> ()
  cuft.return
}

// Out-of-range float -> int conversions are undefined: not folded. A cast to the
// same type folds away.
// CHECK-LABEL: cuft.func @cast_no_fold
// CHECK-SAME: (%[[X:.*]]: i64)
// CHECK: cuft.cast %{{.*}} : f64 to i32
// CHECK: cuft.cast %{{.*}} : f64 to ui8
// CHECK-NOT: cuft.cast
// CHECK: cuft.call @sink_i64(%[[X]])
cuft.func @cast_no_fold(%x: i64) {
  %big = cuft.constant 3.0e10 : f64
  %neg = cuft.constant -1.0 : f64
  %0 = cuft.cast %big : f64 to i32
  %1 = cuft.cast %neg : f64 to ui8
  %2 = cuft.cast %x : i64 to i64
  cuft.call @sink_i32(%0) : (i32) -> ()
  cuft.call @sink_ui8(%1) : (ui8) -> ()
  cuft.call @sink_i64(%2) : (i64) -> ()
  cuft.return
}

// Comparisons: signed, unsigned and float; ne is true for NaN.
// CHECK-LABEL: cuft.func @compare
// CHECK-DAG: %[[TRUE:.*]] = cuft.constant true
// CHECK-DAG: %[[FALSE:.*]] = cuft.constant false
// CHECK-NOT: cuft.cmp
// CHECK: cuft.call @sink_i1(%[[TRUE]])
// CHECK-NEXT: cuft.call @sink_i1(%[[FALSE]])
// CHECK-NEXT: cuft.call @sink_i1(%[[TRUE]])
// CHECK-NEXT: cuft.call @sink_i1(%[[FALSE]])
// CHECK-NEXT: cuft.call @sink_i1(%[[TRUE]])
// CHECK-NEXT: cuft.call @sink_i1(%[[TRUE]])
cuft.func @compare() {
  %m1 = cuft.constant -1 : i64
  %p1 = cuft.constant 1 : i64
  %u255 = cuft.constant 255 : ui8
  %u1 = cuft.constant 1 : ui8
  %nan = cuft.constant 0x7FF8000000000000 : f64
  %f = cuft.constant 1.5 : f64
  %t = cuft.constant true
  %fl = cuft.constant false
  %0 = cuft.cmp lt, %m1, %p1 : (i64, i64) -> i1
  %1 = cuft.cmp lt, %u255, %u1 : (ui8, ui8) -> i1
  %2 = cuft.cmp ne, %nan, %nan : (f64, f64) -> i1
  %3 = cuft.cmp eq, %nan, %nan : (f64, f64) -> i1
  %4 = cuft.cmp ge, %f, %f : (f64, f64) -> i1
  %5 = cuft.cmp gt, %t, %fl : (i1, i1) -> i1
  cuft.call @sink_i1(%0) : (i1) -> ()
  cuft.call @sink_i1(%1) : (i1) -> ()
  cuft.call @sink_i1(%2) : (i1) -> ()
  cuft.call @sink_i1(%3) : (i1) -> ()
  cuft.call @sink_i1(%4) : (i1) -> ()
  cuft.call @sink_i1(%5) : (i1) -> ()
  cuft.return
}

// min/max of bools compare False < True, as Python does.
// CHECK-LABEL: cuft.func @bool_min_max
// CHECK-DAG: %[[TRUE:.*]] = cuft.constant true
// CHECK-DAG: %[[FALSE:.*]] = cuft.constant false
// CHECK-NOT: cuft.min
// CHECK-NOT: cuft.max
// CHECK: cuft.call @sink_i1(%[[FALSE]])
// CHECK-NEXT: cuft.call @sink_i1(%[[TRUE]])
// CHECK-NEXT: cuft.call @sink_i1(%[[FALSE]])
cuft.func @bool_min_max() {
  %t = cuft.constant true
  %f = cuft.constant false
  %0 = cuft.min %t, %f : (i1, i1) -> i1
  %1 = cuft.max %t, %f : (i1, i1) -> i1
  %2 = cuft.bitand %t, %f : (i1, i1) -> i1
  cuft.call @sink_i1(%0) : (i1) -> ()
  cuft.call @sink_i1(%1) : (i1) -> ()
  cuft.call @sink_i1(%2) : (i1) -> ()
  cuft.return
}

// Unary ops, shifts and bitwise ops.
// CHECK-LABEL: cuft.func @unary_bits
// CHECK-DAG: %[[NEG:.*]] = cuft.constant -5 : i64
// CHECK-DAG: %[[INV:.*]] = cuft.constant -6 : i64
// CHECK-DAG: %[[ABS:.*]] = cuft.constant 5 : i64
// CHECK-DAG: %[[SHL:.*]] = cuft.constant 40 : i64
// CHECK-DAG: %[[SHR:.*]] = cuft.constant -3 : i64
// CHECK-DAG: %[[XOR:.*]] = cuft.constant 6 : i64
// CHECK-DAG: %[[NOT:.*]] = cuft.constant false
// CHECK-DAG: %[[FABS:.*]] = cuft.constant 2.500000e-01 : f32
// CHECK: cuft.call @sink_i64(%[[NEG]])
// CHECK-NEXT: cuft.call @sink_i64(%[[INV]])
// CHECK-NEXT: cuft.call @sink_i64(%[[ABS]])
// CHECK-NEXT: cuft.call @sink_i64(%[[SHL]])
// CHECK-NEXT: cuft.call @sink_i64(%[[SHR]])
// CHECK-NEXT: cuft.call @sink_i64(%[[XOR]])
// CHECK-NEXT: cuft.call @sink_i1(%[[NOT]])
// CHECK-NEXT: cuft.call @sink_f32(%[[FABS]])
cuft.func @unary_bits() {
  %five = cuft.constant 5 : i64
  %m5 = cuft.constant -5 : i64
  %three = cuft.constant 3 : i64
  %one = cuft.constant 1 : i64
  %t = cuft.constant true
  %q = cuft.constant -0.25 : f32
  %0 = cuft.neg %five : (i64) -> i64
  %1 = cuft.invert %five : (i64) -> i64
  %2 = cuft.abs %m5 : (i64) -> i64
  %3 = cuft.shl %five, %three : (i64, i64) -> i64
  %4 = cuft.shr %m5, %one : (i64, i64) -> i64
  %5 = cuft.bitxor %five, %three : (i64, i64) -> i64
  %6 = cuft.not %t : (i1) -> i1
  %7 = cuft.abs %q : (f32) -> f32
  cuft.call @sink_i64(%0) : (i64) -> ()
  cuft.call @sink_i64(%1) : (i64) -> ()
  cuft.call @sink_i64(%2) : (i64) -> ()
  cuft.call @sink_i64(%3) : (i64) -> ()
  cuft.call @sink_i64(%4) : (i64) -> ()
  cuft.call @sink_i64(%5) : (i64) -> ()
  cuft.call @sink_i1(%6) : (i1) -> ()
  cuft.call @sink_f32(%7) : (f32) -> ()
  cuft.return
}

// f32 results are rounded to f32: 0.1 + 0.2 in f32.
// CHECK-LABEL: cuft.func @f32_rounding
// CHECK: %[[S:.*]] = cuft.constant 3.000000{{[0-9]*}}e-01 : f32
// CHECK-NOT: cuft.add
// CHECK: cuft.call @sink_f32(%[[S]])
cuft.func @f32_rounding() {
  %a = cuft.constant 0.1 : f32
  %b = cuft.constant 0.2 : f32
  %0 = cuft.add %a, %b : (f32, f32) -> f32
  cuft.call @sink_f32(%0) : (f32) -> ()
  cuft.return
}

// ndim folds once typed; dim folds for shared and local allocations (static
// shapes) but not for kernel arguments; warp_size is 32.
// CHECK-LABEL: cuft.kernel @shapes
// CHECK-DAG: %[[TWO:.*]] = cuft.constant 2 : i64
// CHECK-DAG: %[[D0:.*]] = cuft.constant 16 : i64
// CHECK-DAG: %[[D1:.*]] = cuft.constant 8 : i64
// CHECK-DAG: %[[L0:.*]] = cuft.constant 4 : i64
// CHECK-DAG: %[[WS:.*]] = cuft.constant 32 : i32
// CHECK-DAG: %[[AD:.*]] = cuft.dim %{{.*}}, 0 : !cuft.array<f32, 2, C> -> i64
// CHECK-NOT: cuft.ndim
// CHECK-NOT: cuft.warp_size
// CHECK: cuft.call @sink_i64(%[[TWO]])
// CHECK-NEXT: cuft.call @sink_i64(%[[D0]])
// CHECK-NEXT: cuft.call @sink_i64(%[[D1]])
// CHECK-NEXT: cuft.call @sink_i64(%[[L0]])
// CHECK-NEXT: cuft.call @sink_i64(%[[AD]])
// CHECK-NEXT: cuft.call @sink_i32(%[[WS]])
cuft.kernel @shapes(%a: !cuft.array<f32, 2, C>) {
  %s = cuft.alloc_shared f32 shape [16, 8] -> !cuft.array<f32, 2, C, shared>
  %l = cuft.alloc_local i32 shape [4] -> !cuft.array<i32, 1, C, local>
  %0 = cuft.ndim %a : !cuft.array<f32, 2, C> -> i64
  %1 = cuft.dim %s, 0 : !cuft.array<f32, 2, C, shared> -> i64
  %2 = cuft.dim %s, 1 : !cuft.array<f32, 2, C, shared> -> i64
  %3 = cuft.dim %l, 0 : !cuft.array<i32, 1, C, local> -> i64
  %4 = cuft.dim %a, 0 : !cuft.array<f32, 2, C> -> i64
  %5 = cuft.warp_size : i32
  cuft.call @sink_i64(%0) : (i64) -> ()
  cuft.call @sink_i64(%1) : (i64) -> ()
  cuft.call @sink_i64(%2) : (i64) -> ()
  cuft.call @sink_i64(%3) : (i64) -> ()
  cuft.call @sink_i64(%4) : (i64) -> ()
  cuft.call @sink_i32(%5) : (i32) -> ()
  cuft.return
}

// Generic IR does not fold: the result type is not known yet.
// CHECK-LABEL: cuft.func @generic_no_fold
// CHECK: cuft.add %{{.*}}, %{{.*}} : (i64, i64) -> !cuft.unknown
// CHECK: cuft.ndim %{{.*}} : !cuft.unknown -> i64
cuft.func @generic_no_fold(%u: !cuft.unknown) -> !cuft.unknown {
  %a = cuft.constant 1 : i64
  %0 = cuft.add %a, %a : (i64, i64) -> !cuft.unknown
  %1 = cuft.ndim %u : !cuft.unknown -> i64
  cuft.call @sink_i64(%1) : (i64) -> ()
  cuft.return %0 : !cuft.unknown
}
