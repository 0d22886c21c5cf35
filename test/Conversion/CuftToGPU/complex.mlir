// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s
// RUN: cuft-opt %s --cuft-to-host | FileCheck %s --check-prefix=HOST

// A kernel's complex parameter is two float parameters (the kernel ABI, see
// KernelArgs.h), made complex again at entry; +, - and * lower to the complex
// dialect, abs to hypot; cmath's functions, rect, division and powers to CPython's
// formulas on the parts (finite parts in one branch, the special values'
// table, looked up by bit masks, in the other; a literal integer power by
// multiplications), print to "(re+imj)". The host pipeline expands all of it.

// CHECK-LABEL: gpu.func @k(
// CHECK-SAME: %[[A:.*]]: memref<?xcomplex<f32>>, %[[RE:.*]]: f32, %[[IM:.*]]: f32, %[[X:.*]]: f32) kernel
// CHECK: %[[Z:.*]] = complex.create %[[RE]], %[[IM]] : complex<f32>
// CHECK: %[[V:.*]] = memref.load %[[A]]
// CHECK: %[[W:.*]] = complex.mul %[[V]], %[[Z]] : complex<f32>
// CHECK-DAG: %[[WRE:.*]] = complex.re %[[W]] : complex<f32>
// CHECK-DAG: %[[WIM:.*]] = complex.im %[[W]] : complex<f32>
// CHECK: %[[SQ:.*]]:2 = scf.if %{{.*}} -> (f32, f32) {
// CHECK: func.call @hypotf
// CHECK: math.sqrt
// CHECK: math.copysign
// CHECK: } else {
// CHECK: arith.shrui %{{.*}}, %{{.*}} : i64
// CHECK: }
// CHECK: complex.create %[[SQ]]#0, %[[SQ]]#1 : complex<f32>
// CHECK: math.atan2
// CHECK: math.asinh
// CHECK-NOT: complex.sqrt
// CHECK: %[[T:.*]] = complex.create
// CHECK: complex.im %[[T]] : complex<f32>
// CHECK-NEXT: func.call @hypotf(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK: %[[C:.*]] = complex.create %{{.*}}, %[[X]] : complex<f32>
// CHECK: complex.neq %[[C]], %[[Z]] : complex<f32>
// CHECK: gpu.printf "x(%f%+fj) %s\0A"
// The cube: CPython's 1 * c * c^2, products on the parts, no branch.
// CHECK-DAG: %[[CRE:.*]] = complex.re %[[C]] : complex<f32>
// CHECK-DAG: %[[CIM:.*]] = complex.im %[[C]] : complex<f32>
// CHECK-NOT: scf.if
// CHECK-NOT: complex.pow
// CHECK: %[[CUBE:.*]] = complex.create
// CHECK: memref.store %[[CUBE]], %[[A]]
// CHECK: math.cos %[[X]]
// CHECK: math.sin %[[X]]
// CHECK-NOT: complex.div
// CHECK: arith.divf
// CHECK: gpu.return
// The host's arithmetic is on the parts too: what is left of complex
// numbers is making and taking them apart, which the translation to LLVM IR
// takes (a struct of two).
// HOST-NOT: complex.{{(mul|div|add|sub|sqrt|abs|exp|log|pow|eq|neq|cos|sin|angle|conj)}}
// HOST-LABEL: func.func @__cuft_entry_k
cuft.kernel @k(%a: !cuft.array<complex<f32>, 1, C>, %z: complex<f32>, %x: f32) {
  %i = cuft.thread_idx x : i64
  %v = cuft.load %a[%i] : !cuft.array<complex<f32>, 1, C>[i64] -> complex<f32>
  %w = cuft.mul %v, %z : (complex<f32>, complex<f32>) -> complex<f32>
  %s = cuft.math sqrt(%w) {cmath} : (complex<f32>) -> complex<f32>
  %t = cuft.math acos(%s) {cmath} : (complex<f32>) -> complex<f32>
  %r = cuft.real %t : (complex<f32>) -> f32
  %m = cuft.abs %t : (complex<f32>) -> f32
  %y = cuft.add %r, %m : (f32, f32) -> f32
  %c = cuft.complex %y, %x : (f32, f32) -> complex<f32>
  %b = cuft.cmp ne, %c, %z : (complex<f32>, complex<f32>) -> i1
  cuft.print ["x", " ", "\0A"] %c, %b : complex<f32>, i1
  %three = cuft.constant 3 : i64
  %three_c = cuft.cast %three : i64 to complex<f32>
  %p = cuft.pow %c, %three_c : (complex<f32>, complex<f32>) -> complex<f32>
  cuft.store %p, %a[%i] : complex<f32>, !cuft.array<complex<f32>, 1, C>[i64]
  %e = cuft.math rect(%x, %x) {cmath} : (f32, f32) -> complex<f32>
  %q = cuft.truediv %e, %z : (complex<f32>, complex<f32>) -> complex<f32>
  cuft.store %q, %a[%i] : complex<f32>, !cuft.array<complex<f32>, 1, C>[i64]
  cuft.return
}
