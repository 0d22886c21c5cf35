// RUN: cuft-opt %s --split-input-file --cuft-specialize | FileCheck %s

// New scalar types. Complex numbers promote as NumPy 2 does: c64 with i32 is c128 (as f32 with
// i32 is f64), a complex literal meeting a strong f32 is c64, abs() of a
// complex is real, .real/.imag/conjugate() of a real number are folded away.

// CHECK-LABEL: cuft.kernel @c64_times_i32(
// CHECK-DAG: %[[ZC:.*]] = cuft.cast %{{.*}} : complex<f32> to complex<f64>
// CHECK-DAG: %[[IC:.*]] = cuft.cast %{{.*}} : i32 to complex<f64>
// CHECK: cuft.mul %[[ZC]], %[[IC]] : (complex<f64>, complex<f64>) -> complex<f64>
cuft.kernel @c64_times_i32(%z: complex<f32>, %i: i32) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %r = cuft.mul %z, %i : (complex<f32>, i32) -> !cuft.unknown
  cuft.var_store %r, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// -----

// CHECK-LABEL: cuft.kernel @f32_times_literal_j(
// CHECK: %[[J:.*]] = cuft.complex %{{.*}}, %{{.*}} : (f64, f64) -> complex<f64>
// CHECK: %[[XC:.*]] = cuft.cast %{{.*}} : f32 to complex<f32>
// CHECK: %[[JC:.*]] = cuft.cast %[[J]] : complex<f64> to complex<f32>
// CHECK: cuft.mul %[[XC]], %[[JC]] : (complex<f32>, complex<f32>) -> complex<f32>
// CHECK: cuft.abs %{{.*}} : (complex<f32>) -> f32
cuft.kernel @f32_times_literal_j(%x: f32) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %zero = cuft.constant 0.0 : f64
  %one = cuft.constant 1.0 : f64
  %j = cuft.complex %zero, %one : (f64, f64) -> !cuft.unknown
  %r = cuft.mul %x, %j : (f32, !cuft.unknown) -> !cuft.unknown
  %m = cuft.abs %r : (!cuft.unknown) -> !cuft.unknown
  cuft.var_store %m, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// -----

// CHECK-LABEL: cuft.kernel @parts_of_a_real(
// CHECK-SAME: %[[X:.*]]: f32)
// CHECK-NOT: cuft.real
// CHECK-NOT: cuft.imag
// CHECK-NOT: cuft.conj
// CHECK: %[[Z:.*]] = cuft.constant 0.000000e+00 : f32
// CHECK: cuft.add %[[X]], %[[Z]] : (f32, f32) -> f32
cuft.kernel @parts_of_a_real(%x: f32) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %c = cuft.conj %x : (f32) -> !cuft.unknown
  %r = cuft.real %c : (!cuft.unknown) -> !cuft.unknown
  %i = cuft.imag %x : (f32) -> !cuft.unknown
  %s = cuft.add %r, %i : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.var_store %s, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// -----

// cmath functions give a complex of a real argument (integers as c128);
// numpy's ufunc spelling keeps a real argument real.
// CHECK-LABEL: cuft.kernel @cmath_of_reals(
// CHECK: %[[C:.*]] = cuft.cast %{{.*}} : i64 to complex<f64>
// CHECK: cuft.math sqrt(%[[C]]) {cmath} : (complex<f64>) -> complex<f64>
// CHECK: cuft.math sqrt(%{{.*}}) : (f32) -> f32
// CHECK: cuft.math exp(%{{.*}}) : (complex<f32>) -> complex<f32>
cuft.kernel @cmath_of_reals(%n: i64, %x: f32, %z: complex<f32>) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %a = cuft.math sqrt(%n) {cmath} : (i64) -> !cuft.unknown
  %b = cuft.math sqrt(%x) : (f32) -> !cuft.unknown
  %c = cuft.math exp(%z) : (complex<f32>) -> !cuft.unknown
  cuft.var_store %a, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.var_store %b, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.var_store %c, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// -----

// float16 and bfloat16 promote as NumPy (with ml_dtypes) does: an 8-bit
// integer keeps f16, a 16-bit one gives f32, f16 with bf16 gives f32.
// CHECK-LABEL: cuft.kernel @halves(
// CHECK-DAG: cuft.cast %{{.*}} : i8 to f16
// CHECK-DAG: cuft.add %{{.*}}, %{{.*}} : (f16, f16) -> f16
// CHECK-DAG: cuft.cast %{{.*}} : i16 to f32
// CHECK-DAG: cuft.cast %{{.*}} : f16 to f32
// CHECK-DAG: cuft.cast %{{.*}} : bf16 to f32
// CHECK-DAG: cuft.mul %{{.*}}, %{{.*}} : (f32, f32) -> f32
cuft.kernel @halves(%h: f16, %b: bf16, %i8: i8, %i16: i16) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %p = cuft.var "p" : !cuft.var<!cuft.unknown>
  %q = cuft.var "q" : !cuft.var<!cuft.unknown>
  %r1 = cuft.add %h, %i8 : (f16, i8) -> !cuft.unknown
  %r2 = cuft.add %h, %i16 : (f16, i16) -> !cuft.unknown
  %r3 = cuft.mul %h, %b : (f16, bf16) -> !cuft.unknown
  cuft.var_store %r1, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.var_store %r2, %p : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.var_store %r3, %q : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}
