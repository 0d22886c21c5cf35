// RUN: cuft-opt %s --cuft-specialize="kernel=m sig=i32,f32,array<f64,1,C>" | FileCheck %s

// math.sin(i) on an int computes in f64; on an f32 in f32; floor/ceil/trunc
// keep the float type (NumPy's rule; the frontend casts math.floor's result to
// i64, as Python does), and of an int are the int; two-argument functions promote.
// CHECK-LABEL: cuft.kernel @m(
// CHECK-SAME: %[[I:.*]]: i32, %[[F:.*]]: f32, %[[O:.*]]: !cuft.array<f64, 1, C>)
// CHECK: %[[IF:.*]] = cuft.cast %[[I]] : i32 to f64
// CHECK: %[[S:.*]] = cuft.math sin(%[[IF]]) : (f64) -> f64
// CHECK: cuft.store %[[S]], %[[O]]
// CHECK: %[[Q:.*]] = cuft.math sqrt(%[[F]]) : (f32) -> f32
// CHECK: %[[QC:.*]] = cuft.cast %[[Q]] : f32 to f64
// CHECK: cuft.store %[[QC]], %[[O]]
// CHECK: %[[FL:.*]] = cuft.math floor(%[[F]]) : (f32) -> f32
// CHECK: %[[FLI:.*]] = cuft.cast %[[FL]] : f32 to i64
// CHECK: cuft.var_store %[[FLI]], %{{.*}} : i64, !cuft.var<i64>
// ceil of an int is the int: only the frontend's cast to i64 is left.
// CHECK-NOT: cuft.math ceil
// CHECK: cuft.cast %[[I]] : i32 to i64
// CHECK-DAG: %[[A1:.*]] = cuft.cast %[[F]] : f32 to f64
// CHECK-DAG: %[[A2:.*]] = cuft.cast %[[I]] : i32 to f64
// CHECK: cuft.math atan2(%[[A1]], %[[A2]]) : (f64, f64) -> f64
// A weak literal argument adopts f32.
// CHECK: cuft.math pow(%[[F]], %{{.*}}) : (f32, f32) -> f32
cuft.kernel @m(%i: !cuft.unknown, %f: !cuft.unknown, %o: !cuft.unknown) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  %two = cuft.constant 2.0 : f64
  %s = cuft.math sin(%i) : (!cuft.unknown) -> !cuft.unknown
  cuft.store %s, %o[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %q = cuft.math sqrt(%f) : (!cuft.unknown) -> !cuft.unknown
  cuft.store %q, %o[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %fl = cuft.math floor(%f) : (!cuft.unknown) -> !cuft.unknown
  %fli = cuft.cast %fl : !cuft.unknown to i64
  cuft.var_store %fli, %v : i64, !cuft.var<!cuft.unknown>
  %ce = cuft.math ceil(%i) : (!cuft.unknown) -> !cuft.unknown
  %cei = cuft.cast %ce : !cuft.unknown to i64
  cuft.var_store %cei, %v : i64, !cuft.var<!cuft.unknown>
  %at = cuft.math atan2(%f, %i) : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.store %at, %o[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %p = cuft.math pow(%f, %two) : (!cuft.unknown, f64) -> !cuft.unknown
  cuft.store %p, %o[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// rint (what round() computes in) of an int is the int itself: the op goes;
// of a float it stays a float op. a.size is an i64 of an array.
// RUN: cuft-opt %s --cuft-specialize="kernel=r sig=i32,f32,array<i64,2,C>" | FileCheck %s --check-prefix=RINT
// RINT-LABEL: cuft.kernel @r(
// RINT-SAME: %[[I:.*]]: i32, %[[F:.*]]: f32, %[[O:.*]]: !cuft.array<i64, 2, C>)
// RINT-NOT: cuft.math rint(%[[I]]
// RINT: %[[II:.*]] = cuft.cast %[[I]] : i32 to i64
// RINT: cuft.store %[[II]], %[[O]]
// RINT: %[[R:.*]] = cuft.math rint(%[[F]]) : (f32) -> f32
// RINT: %[[RI:.*]] = cuft.cast %[[R]] : f32 to i64
// RINT: cuft.store %[[RI]], %[[O]]
// RINT: %[[N:.*]] = cuft.size %[[O]] : !cuft.array<i64, 2, C> -> i64
// RINT: cuft.store %[[N]], %[[O]]
cuft.kernel @r(%i: !cuft.unknown, %f: !cuft.unknown, %o: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %ri = cuft.math rint(%i) : (!cuft.unknown) -> !cuft.unknown
  %rii = cuft.cast %ri : !cuft.unknown to i64
  cuft.store %rii, %o[%c0, %c0] : i64, !cuft.unknown[i64, i64]
  %rf = cuft.math rint(%f) : (!cuft.unknown) -> !cuft.unknown
  %rfi = cuft.cast %rf : !cuft.unknown to i64
  cuft.store %rfi, %o[%c0, %c0] : i64, !cuft.unknown[i64, i64]
  %n = cuft.size %o : !cuft.unknown -> i64
  cuft.store %n, %o[%c0, %c0] : i64, !cuft.unknown[i64, i64]
  cuft.return
}

// cast_like: a cast to an array's element type, which cuft-specialize makes a
// cuft.cast (or nothing, when the types agree); typed IR never holds it.
// RUN: cuft-opt %s --cuft-specialize="kernel=c sig=f64,array<i16,1,C>" | FileCheck %s --check-prefix=LIKE
// LIKE-LABEL: cuft.kernel @c(
// LIKE-SAME: %[[X:.*]]: f64, %[[A:.*]]: !cuft.array<i16, 1, C>)
// LIKE-NOT: cast_like
// LIKE: %[[C:.*]] = cuft.cast %[[X]] : f64 to i16
// LIKE: cuft.store %[[C]], %[[A]]
// LIKE-NOT: cast_like
cuft.kernel @c(%x: !cuft.unknown, %a: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %y = cuft.cast_like %x, %a : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.store %y, %a[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// ldexp(x, e): the float of x (an int's is f64), the exponent C's int: an
// i64 saturated to the i32 range, then narrowed; an i32 is passed as it is.
// RUN: cuft-opt %s --cuft-specialize="kernel=l sig=i32,f32,i64,array<f64,1,C>" | FileCheck %s --check-prefix=LDEXP
// LDEXP-LABEL: cuft.kernel @l(
// LDEXP-SAME: %[[I:.*]]: i32, %[[F:.*]]: f32, %[[E:.*]]: i64,
// LDEXP: %[[LO:.*]] = cuft.max %[[E]], %{{.*}} : (i64, i64) -> i64
// LDEXP: %[[HI:.*]] = cuft.min %[[LO]], %{{.*}} : (i64, i64) -> i64
// LDEXP: %[[N:.*]] = cuft.cast %[[HI]] : i64 to i32
// LDEXP: cuft.math ldexp(%[[F]], %[[N]]) : (f32, i32) -> f32
// LDEXP: %[[IF:.*]] = cuft.cast %[[I]] : i32 to f64
// LDEXP: cuft.math ldexp(%[[IF]], %[[I]]) : (f64, i32) -> f64
cuft.kernel @l(%i: !cuft.unknown, %f: !cuft.unknown, %e: !cuft.unknown, %o: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %0 = cuft.math ldexp(%f, %e) : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.store %0, %o[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %1 = cuft.math ldexp(%i, %i) : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.store %1, %o[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// jn(n, x), yn(n, x): the order is the integer operand, first, as ldexp's
// exponent; the float is x's (an int's f64).
// RUN: cuft-opt %s --cuft-specialize="kernel=bessel sig=i32,f32,i64,array<f64,1,C>" | FileCheck %s --check-prefix=JN
// JN-LABEL: cuft.kernel @bessel(
// JN-SAME: %[[I:.*]]: i32, %[[F:.*]]: f32, %[[E:.*]]: i64,
// JN: %[[N:.*]] = cuft.cast %{{.*}} : i64 to i32
// JN: cuft.math jn(%[[N]], %[[F]]) : (i32, f32) -> f32
// JN: %[[IF:.*]] = cuft.cast %[[I]] : i32 to f64
// JN: cuft.math yn(%[[I]], %[[IF]]) : (i32, f64) -> f64
cuft.kernel @bessel(%i: !cuft.unknown, %f: !cuft.unknown, %e: !cuft.unknown, %o: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %0 = cuft.math jn(%e, %f) : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.store %0, %o[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %1 = cuft.math yn(%i, %i) : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.store %1, %o[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}
