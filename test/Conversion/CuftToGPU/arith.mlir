// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s

// Scalar arithmetic with Python semantics, lowered to arith/math/scf.
// CHECK: module attributes {gpu.container_module}
// CHECK: gpu.module @cuft_kernels

// Python's `//` on signed integers rounds toward negative infinity. The divisor
// is replaced by 1 where it is 0 or where MIN // -1 would overflow (undefined in
// LLVM): x // 0 is then selected as 0, and MIN // 1 gives the wrapped MIN.
// CHECK-LABEL: func.func private @floordiv_i64(
// CHECK-SAME: %[[A:.*]]: i64, %[[B:.*]]: i64) -> i64
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK-DAG: %[[MIN:.*]] = arith.constant -9223372036854775808 : i64
// CHECK-DAG: %[[M1:.*]] = arith.constant -1 : i64
// CHECK-DAG: %[[ISZ:.*]] = arith.cmpi eq, %[[B]], %[[ZERO]] : i64
// CHECK-DAG: %[[AMIN:.*]] = arith.cmpi eq, %[[A]], %[[MIN]] : i64
// CHECK-DAG: %[[BM1:.*]] = arith.cmpi eq, %[[B]], %[[M1]] : i64
// CHECK: %[[OV:.*]] = arith.andi %[[AMIN]], %[[BM1]] : i1
// CHECK: %[[BAD:.*]] = arith.ori %[[ISZ]], %[[OV]] : i1
// CHECK: %[[D:.*]] = arith.select %[[BAD]], %[[ONE]], %[[B]] : i64
// CHECK: %[[Q:.*]] = arith.floordivsi %[[A]], %[[D]] : i64
// CHECK: %[[R:.*]] = arith.select %[[ISZ]], %[[ZERO]], %[[Q]] : i64
// CHECK: return %[[R]] : i64
cuft.func @floordiv_i64(%a: i64, %b: i64) -> i64 {
  %r = cuft.floordiv %a, %b : (i64, i64) -> i64
  cuft.return %r : i64
}

// Python's `%`: a non-zero remainder whose sign differs from the divisor's gets
// the divisor added; x % 0 is 0.
// CHECK-LABEL: func.func private @mod_i32(
// CHECK-SAME: %[[A:.*]]: i32, %[[B:.*]]: i32) -> i32
// CHECK: %[[D:.*]] = arith.select %{{.*}}, %{{.*}}, %[[B]] : i32
// CHECK: %[[REM:.*]] = arith.remsi %[[A]], %[[D]] : i32
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[NZ:.*]] = arith.cmpi ne, %[[REM]], %[[ZERO]]
// CHECK: %[[RNEG:.*]] = arith.cmpi slt, %[[REM]], %[[ZERO]]
// CHECK: %[[DNEG:.*]] = arith.cmpi slt, %[[D]], %[[ZERO]]
// CHECK: %[[DIFF:.*]] = arith.xori %[[RNEG]], %[[DNEG]] : i1
// CHECK: %[[ADJ:.*]] = arith.andi %[[NZ]], %[[DIFF]] : i1
// CHECK: %[[SUM:.*]] = arith.addi %[[REM]], %[[D]] : i32
// CHECK: %[[M:.*]] = arith.select %[[ADJ]], %[[SUM]], %[[REM]] : i32
// CHECK: %[[R:.*]] = arith.select %{{.*}}, %{{.*}}, %[[M]] : i32
// CHECK: return %[[R]]
cuft.func @mod_i32(%a: i32, %b: i32) -> i32 {
  %r = cuft.mod %a, %b : (i32, i32) -> i32
  cuft.return %r : i32
}

// Unsigned types use unsigned division, remainder and a logical shift, with no
// sign fixup; `ui32` becomes the signless `i32`. A zero divisor gives 0; a shift
// count >= 32 shifts every bit out.
// CHECK-LABEL: func.func private @unsigned_ops(
// CHECK-SAME: %[[A:.*]]: i32, %[[B:.*]]: i32) -> i32
// CHECK: %[[D:.*]] = arith.select %{{.*}}, %{{.*}}, %[[B]] : i32
// CHECK: %[[Q0:.*]] = arith.divui %[[A]], %[[D]] : i32
// CHECK: %[[Q:.*]] = arith.select %{{.*}}, %{{.*}}, %[[Q0]] : i32
// CHECK: %[[D2:.*]] = arith.select %{{.*}}, %{{.*}}, %[[B]] : i32
// CHECK: %[[R0:.*]] = arith.remui %[[Q]], %[[D2]] : i32
// CHECK: %[[R:.*]] = arith.select %{{.*}}, %{{.*}}, %[[R0]] : i32
// CHECK: %[[W:.*]] = arith.constant 32 : i32
// CHECK: %[[FAR:.*]] = arith.cmpi uge, %[[B]], %[[W]] : i32
// CHECK: %[[N:.*]] = arith.select %[[FAR]], %{{.*}}, %[[B]] : i32
// CHECK: %[[S0:.*]] = arith.shrui %[[R]], %[[N]] : i32
// CHECK: %[[S:.*]] = arith.select %[[FAR]], %{{.*}}, %[[S0]] : i32
// CHECK: return %[[S]] : i32
cuft.func @unsigned_ops(%a: ui32, %b: ui32) -> ui32 {
  %q = cuft.floordiv %a, %b : (ui32, ui32) -> ui32
  %r = cuft.mod %q, %b : (ui32, ui32) -> ui32
  %s = cuft.shr %r, %b : (ui32, ui32) -> ui32
  cuft.return %s : ui32
}

// A signed `>>` by 32 or more (a negative count reads as one) fills with the
// sign: the count is clamped to 31.
// CHECK-LABEL: func.func private @signed_shr(
// CHECK-SAME: %[[A:.*]]: i32, %[[B:.*]]: i32) -> i32
// CHECK: %[[W:.*]] = arith.constant 32 : i32
// CHECK: %[[FAR:.*]] = arith.cmpi uge, %[[B]], %[[W]] : i32
// CHECK: %[[MAX:.*]] = arith.constant 31 : i32
// CHECK: %[[N:.*]] = arith.select %[[FAR]], %[[MAX]], %[[B]] : i32
// CHECK: arith.shrsi %[[A]], %[[N]] : i32
cuft.func @signed_shr(%a: i32, %b: i32) -> i32 {
  %s = cuft.shr %a, %b : (i32, i32) -> i32
  cuft.return %s : i32
}

// Float `//` is CPython's: the floor of the exact quotient from the remainder
// ((a - fmod(a, b)) / b, adjusted), not floor(a / b), which is 1 too large
// where a / b rounds up to an integer; float `%` is remf with the same sign
// fixup as ints, and a zero remainder gets the divisor's sign.
// CHECK-LABEL: func.func private @float_floordiv_mod(
// CHECK-SAME: %[[A:.*]]: f64, %[[B:.*]]: f64) -> f64
// CHECK: %[[M:.*]] = arith.remf %[[A]], %[[B]] : f64
// CHECK: %[[AM:.*]] = arith.subf %[[A]], %[[M]] : f64
// CHECK: arith.divf %[[AM]], %[[B]] : f64
// CHECK: math.floor
// CHECK: %[[REM:.*]] = arith.remf %{{.*}}, %[[B]] : f64
// CHECK: %[[ZERO:.*]] = arith.constant 0.0{{.*}} : f64
// CHECK: %[[NZ:.*]] = arith.cmpf one, %[[REM]], %[[ZERO]]
// CHECK: %[[RNEG:.*]] = arith.cmpf olt, %[[REM]], %[[ZERO]]
// CHECK: %[[DNEG:.*]] = arith.cmpf olt, %[[B]], %[[ZERO]]
// CHECK: arith.xori %[[RNEG]], %[[DNEG]]
// CHECK: %[[SUM:.*]] = arith.addf %[[REM]], %[[B]] : f64
// CHECK: %[[ADJ:.*]] = arith.select %{{.*}}, %[[SUM]], %[[REM]] : f64
// A zero remainder takes the divisor's sign (Python: -4.0 % 2.0 == 0.0).
// CHECK: %[[ISZ:.*]] = arith.cmpf oeq, %[[REM]], %[[ZERO]]
// CHECK: %[[SZ:.*]] = math.copysign %[[ZERO]], %[[B]] : f64
// CHECK: %[[R:.*]] = arith.select %[[ISZ]], %[[SZ]], %[[ADJ]] : f64
// CHECK: return %[[R]]
cuft.func @float_floordiv_mod(%a: f64, %b: f64) -> f64 {
  %q = cuft.floordiv %a, %b : (f64, f64) -> f64
  %r = cuft.mod %q, %b : (f64, f64) -> f64
  cuft.return %r : f64
}

// Integer `**`: exponentiation by squaring in an scf.while; a negative exponent
// selects 1, +-1 or 0 by the base.
// CHECK-LABEL: func.func private @int_pow(
// CHECK-SAME: %[[A:.*]]: i64, %[[B:.*]]: i64) -> i64
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK: %[[LOOP:.*]]:3 = scf.while (%[[ACC:.*]] = %[[ONE]], %[[BASE:.*]] = %[[A]], %[[EXP:.*]] = %[[B]])
// CHECK: %[[MORE:.*]] = arith.cmpi sgt, %[[EXP]], %[[ZERO]] : i64
// CHECK: scf.condition(%[[MORE]])
// CHECK: } do {
// CHECK: arith.andi %{{.*}}, %[[ONE]]
// CHECK: arith.muli
// CHECK: arith.select
// CHECK: arith.muli
// CHECK: arith.shrui %{{.*}}, %[[ONE]]
// CHECK: scf.yield
// CHECK: %[[NEGEXP:.*]] = arith.cmpi slt, %[[B]], %[[ZERO]] : i64
// CHECK: %[[R:.*]] = arith.select %[[NEGEXP]], %{{.*}}, %[[LOOP]]#0 : i64
// CHECK: return %[[R]]
cuft.func @int_pow(%a: i64, %b: i64) -> i64 {
  %r = cuft.pow %a, %b : (i64, i64) -> i64
  cuft.return %r : i64
}

// x ** 2.0 is a multiply, not a call to pow.
// CHECK-LABEL: func.func private @square(
// CHECK-SAME: %[[A:.*]]: f32) -> f32
// CHECK: %[[R:.*]] = arith.mulf %[[A]], %[[A]] : f32
// CHECK-NOT: math.powf
// CHECK: return %[[R]]
cuft.func @square(%a: f32) -> f32 {
  %two = cuft.constant 2.0 : f32
  %r = cuft.pow %a, %two : (f32, f32) -> f32
  cuft.return %r : f32
}

// CHECK-LABEL: func.func private @float_pow(
// CHECK: math.powf %{{.*}}, %{{.*}} : f32
cuft.func @float_pow(%a: f32, %b: f32) -> f32 {
  %r = cuft.pow %a, %b : (f32, f32) -> f32
  cuft.return %r : f32
}

// A view keeps the bits: arith.bitcast, or nothing between ui32 and i32 (the
// converted types are signless).
// CHECK-LABEL: func.func private @views(
// CHECK-SAME: %[[F:.*]]: f32, %[[U:.*]]: i32)
// CHECK-NEXT: %[[I:.*]] = arith.bitcast %[[F]] : f32 to i32
// CHECK-NEXT: arith.addi %[[I]], %[[U]] : i32
cuft.func @views(%f: f32, %u: ui32) -> i32 {
  %i = cuft.bitcast %f : f32 to i32
  %s = cuft.bitcast %u : ui32 to i32
  %r = cuft.add %i, %s : (i32, i32) -> i32
  cuft.return %r : i32
}

// Casts pick sign- or zero-extension and signed or unsigned conversions from the
// cuft source type; a float becomes an integer saturating (NaN gives 0), as PTX's
// cvt.rzi does, through LLVM's fptosi.sat / fptoui.sat.
// CHECK-LABEL: func.func private @casts(
// CHECK-SAME: %[[I:.*]]: i32, %[[U:.*]]: i32, %[[F:.*]]: f32, %[[D:.*]]: f64) -> f64
// CHECK-NEXT: arith.sitofp %[[I]] : i32 to f32
// CHECK-NEXT: arith.uitofp %[[U]] : i32 to f64
// CHECK-NEXT: %[[C:.*]] = llvm.call_intrinsic "llvm.fptosi.sat.i64.f32"(%[[F]]) : (f32) -> i64
// CHECK-NEXT: arith.extsi %[[I]] : i32 to i64
// CHECK-NEXT: arith.extui %[[U]] : i32 to i64
// CHECK-NEXT: arith.trunci %[[C]] : i64 to i16
// CHECK-NEXT: arith.extf %[[F]] : f32 to f64
// CHECK-NEXT: arith.truncf %[[D]] : f64 to f32
// CHECK-NEXT: llvm.call_intrinsic "llvm.fptoui.sat.i32.f32"(%[[F]]) : (f32) -> i32
cuft.func @casts(%i: i32, %u: ui32, %f: f32, %d: f64) -> f64 {
  %a = cuft.cast %i : i32 to f32
  %b = cuft.cast %u : ui32 to f64
  %c = cuft.cast %f : f32 to i64
  %e = cuft.cast %i : i32 to i64
  %g = cuft.cast %u : ui32 to i64
  %h = cuft.cast %c : i64 to i16
  %k = cuft.cast %f : f32 to f64
  %l = cuft.cast %d : f64 to f32
  %m = cuft.cast %f : f32 to ui32
  cuft.return %b : f64
}

// A cast to bool is a truth test: != 0, unordered for floats (NaN is true).
// CHECK-LABEL: func.func private @truth(
// CHECK-SAME: %[[I:.*]]: i64, %[[F:.*]]: f32) -> i1
// CHECK: %[[Z:.*]] = arith.constant 0 : i64
// CHECK: %[[A:.*]] = arith.cmpi ne, %[[I]], %[[Z]] : i64
// CHECK: %[[FZ:.*]] = arith.constant 0.0{{.*}} : f32
// CHECK: %[[B:.*]] = arith.cmpf une, %[[F]], %[[FZ]] : f32
// CHECK: arith.andi %[[A]], %[[B]] : i1
cuft.func @truth(%i: i64, %f: f32) -> i1 {
  %a = cuft.cast %i : i64 to i1
  %b = cuft.cast %f : f32 to i1
  %c = cuft.bitand %a, %b : (i1, i1) -> i1
  cuft.return %c : i1
}

// Float comparisons are ordered except `!=` (une: true with a NaN, as in Python);
// integer ones follow the signedness.
// CHECK-LABEL: func.func private @compares(
// CHECK-NEXT: arith.cmpf oeq
// CHECK-NEXT: arith.cmpf une
// CHECK-NEXT: arith.cmpf olt
// CHECK-NEXT: arith.cmpf oge
// CHECK-NEXT: arith.cmpi sle, %{{.*}} : i32
// CHECK-NEXT: arith.cmpi sgt, %{{.*}} : i32
// CHECK-NEXT: arith.cmpi ult, %{{.*}} : i64
// CHECK-NEXT: arith.cmpi ne, %{{.*}} : i32
cuft.func @compares(%a: f32, %b: f32, %x: i32, %y: i32, %u: ui64, %v: ui64) -> i1 {
  %0 = cuft.cmp eq, %a, %b : (f32, f32) -> i1
  %1 = cuft.cmp ne, %a, %b : (f32, f32) -> i1
  %2 = cuft.cmp lt, %a, %b : (f32, f32) -> i1
  %3 = cuft.cmp ge, %a, %b : (f32, f32) -> i1
  %4 = cuft.cmp le, %x, %y : (i32, i32) -> i1
  %5 = cuft.cmp gt, %x, %y : (i32, i32) -> i1
  %6 = cuft.cmp lt, %u, %v : (ui64, ui64) -> i1
  %7 = cuft.cmp ne, %x, %y : (i32, i32) -> i1
  cuft.return %0 : i1
}

// CHECK-LABEL: func.func private @unary(
// CHECK-SAME: %[[X:.*]]: i32, %[[F:.*]]: f64, %[[B:.*]]: i1, %[[U:.*]]: i32) -> i32
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: arith.subi %[[Z]], %[[X]] : i32
// CHECK: arith.negf %[[F]] : f64
// CHECK: %[[M1:.*]] = arith.constant -1 : i32
// CHECK: arith.xori %[[X]], %[[M1]] : i32
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: arith.xori %[[B]], %[[T]] : i1
// abs of an integer is LLVM's, of any width (abs(MIN) wraps to MIN).
// CHECK: "llvm.intr.abs"(%[[X]]) <{is_int_min_poison = false}> : (i32) -> i32
// CHECK: math.absf %[[F]] : f64
// abs of an unsigned value is the value itself.
// CHECK-NOT: llvm.intr.abs{{.*}}%[[U]]
// CHECK: return
cuft.func @unary(%x: i32, %f: f64, %b: i1, %u: ui32) -> i32 {
  %0 = cuft.neg %x : (i32) -> i32
  %1 = cuft.neg %f : (f64) -> f64
  %2 = cuft.invert %x : (i32) -> i32
  %3 = cuft.not %b : (i1) -> i1
  %4 = cuft.abs %x : (i32) -> i32
  %5 = cuft.abs %f : (f64) -> f64
  %6 = cuft.abs %u : (ui32) -> ui32
  cuft.return %0 : i32
}

// CHECK-LABEL: func.func private @minmax(
// CHECK: llvm.call_intrinsic "llvm.minimumnum.f32"(%{{.*}}) : (f32, f32) -> f32
// CHECK: arith.maxsi %{{.*}} : i64
// CHECK: arith.minui %{{.*}} : i8
// CHECK: arith.divf %{{.*}} : f32
cuft.func @minmax(%a: f32, %b: f32, %x: i64, %y: i64, %u: ui8, %v: ui8) -> f32 {
  %0 = cuft.min %a, %b : (f32, f32) -> f32
  %1 = cuft.max %x, %y : (i64, i64) -> i64
  %2 = cuft.min %u, %v : (ui8, ui8) -> ui8
  %3 = cuft.truediv %a, %b : (f32, f32) -> f32
  cuft.return %0 : f32
}

// Bit intrinsics are LLVM's (both targets lower them); ffs is cttz + 1, 0 for
// 0, as a 32-bit integer.
// CHECK-LABEL: gpu.func @bits(
// CHECK: llvm.intr.ctpop(%{{.*}}) : (i64) -> i64
// CHECK: "llvm.intr.ctlz"(%{{.*}}) <{is_zero_poison = false}> : (i32) -> i32
// CHECK: llvm.intr.bitreverse(%{{.*}}) : (i8) -> i8
// CHECK: %[[TZ:.*]] = "llvm.intr.cttz"(%{{.*}}) <{is_zero_poison = false}> : (i64) -> i64
// CHECK: %[[POS:.*]] = arith.addi %[[TZ]]
// CHECK: %[[SEL:.*]] = arith.select %{{.*}}, %{{.*}}, %[[POS]] : i64
// CHECK: arith.trunci %[[SEL]] : i64 to i32
cuft.kernel @bits(%a: i64, %b: ui32, %c: ui8, %out: !cuft.array<i64, 1, C>) {
  %0 = cuft.bits popc(%a) : (i64) -> i64
  %1 = cuft.bits clz(%b) : (ui32) -> ui32
  %2 = cuft.bits brev(%c) : (ui8) -> ui8
  %3 = cuft.bits ffs(%a) : (i64) -> ui32
  %c0 = cuft.constant 0 : i64
  cuft.store %0, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  %x1 = cuft.cast %1 : ui32 to i64
  cuft.store %x1, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  %x2 = cuft.cast %2 : ui8 to i64
  cuft.store %x2, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  %x3 = cuft.cast %3 : ui32 to i64
  cuft.store %x3, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.return
}
