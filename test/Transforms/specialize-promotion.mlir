// RUN: cuft-opt %s --cuft-specialize | FileCheck %s

// Kernels whose arguments are already typed need no signature. Each result is
// stored into a variable so that it stays live.

// CHECK-LABEL: cuft.kernel @i32_plus_i64(
// CHECK-SAME: %[[A:.*]]: i32, %[[B:.*]]: i64)
// CHECK: %[[AC:.*]] = cuft.cast %[[A]] : i32 to i64
// CHECK: %[[R:.*]] = cuft.add %[[AC]], %[[B]] : (i64, i64) -> i64
// CHECK: cuft.var_store %[[R]], %{{.*}} : i64, !cuft.var<i64>
cuft.kernel @i32_plus_i64(%a: i32, %b: i64) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %r = cuft.add %a, %b : (i32, i64) -> !cuft.unknown
  cuft.var_store %r, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// i32 with f32 gives f64: f32 cannot hold every i32.
// CHECK-LABEL: cuft.kernel @i32_times_f32(
// CHECK-SAME: %[[A:.*]]: i32, %[[B:.*]]: f32)
// CHECK-DAG: %[[AC:.*]] = cuft.cast %[[A]] : i32 to f64
// CHECK-DAG: %[[BC:.*]] = cuft.cast %[[B]] : f32 to f64
// CHECK: cuft.mul %[[AC]], %[[BC]] : (f64, f64) -> f64
cuft.kernel @i32_times_f32(%a: i32, %b: f32) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %r = cuft.mul %a, %b : (i32, f32) -> !cuft.unknown
  cuft.var_store %r, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// i16 (and u16, i8, u8) with f32 stays f32.
// CHECK-LABEL: cuft.kernel @i16_plus_f32(
// CHECK-SAME: %[[A:.*]]: i16, %[[B:.*]]: f32, %[[C:.*]]: ui16)
// CHECK: %[[AC:.*]] = cuft.cast %[[A]] : i16 to f32
// CHECK: %[[R:.*]] = cuft.add %[[AC]], %[[B]] : (f32, f32) -> f32
// CHECK: %[[CC:.*]] = cuft.cast %[[C]] : ui16 to f32
// CHECK: cuft.add %[[CC]], %[[B]] : (f32, f32) -> f32
cuft.kernel @i16_plus_f32(%a: i16, %b: f32, %c: ui16) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %r = cuft.add %a, %b : (i16, f32) -> !cuft.unknown
  cuft.var_store %r, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.add %c, %b : (ui16, f32) -> !cuft.unknown
  cuft.var_store %r2, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Unsigned with signed: u32 + i32 -> i64, u8 + i16 -> i16, u64 + i64 -> f64.
// CHECK-LABEL: cuft.kernel @unsigned_signed(
// CHECK-SAME: %[[U32:.*]]: ui32, %[[I32:.*]]: i32, %[[U8:.*]]: ui8, %[[I16:.*]]: i16, %[[U64:.*]]: ui64, %[[I64:.*]]: i64)
// CHECK-DAG: %[[A1:.*]] = cuft.cast %[[U32]] : ui32 to i64
// CHECK-DAG: %[[B1:.*]] = cuft.cast %[[I32]] : i32 to i64
// CHECK: cuft.add %[[A1]], %[[B1]] : (i64, i64) -> i64
// CHECK: %[[A2:.*]] = cuft.cast %[[U8]] : ui8 to i16
// CHECK: cuft.add %[[A2]], %[[I16]] : (i16, i16) -> i16
// CHECK-DAG: %[[A3:.*]] = cuft.cast %[[U64]] : ui64 to f64
// CHECK-DAG: %[[B3:.*]] = cuft.cast %[[I64]] : i64 to f64
// CHECK: cuft.add %[[A3]], %[[B3]] : (f64, f64) -> f64
cuft.kernel @unsigned_signed(%u32: ui32, %i32: i32, %u8: ui8, %i16: i16, %u64: ui64, %i64: i64) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %o3 = cuft.var "o3" : !cuft.var<!cuft.unknown>
  %r1 = cuft.add %u32, %i32 : (ui32, i32) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.add %u8, %i16 : (ui8, i16) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r3 = cuft.add %u64, %i64 : (ui64, i64) -> !cuft.unknown
  cuft.var_store %r3, %o3 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Two unsigned or two floats: the wider.
// CHECK-LABEL: cuft.kernel @same_kind_widen(
// CHECK-SAME: %[[U8:.*]]: ui8, %[[U16:.*]]: ui16, %[[F32:.*]]: f32, %[[F64:.*]]: f64)
// CHECK: %[[A:.*]] = cuft.cast %[[U8]] : ui8 to ui16
// CHECK: cuft.sub %[[A]], %[[U16]] : (ui16, ui16) -> ui16
// CHECK: %[[B:.*]] = cuft.cast %[[F32]] : f32 to f64
// CHECK: cuft.sub %[[F64]], %[[B]] : (f64, f64) -> f64
cuft.kernel @same_kind_widen(%u8: ui8, %u16: ui16, %f32: f32, %f64: f64) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %r1 = cuft.sub %u8, %u16 : (ui8, ui16) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.sub %f64, %f32 : (f64, f32) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Arithmetic on two bools computes in i64; bool with a float takes the float.
// CHECK-LABEL: cuft.kernel @bool_arith(
// CHECK-SAME: %[[P:.*]]: i1, %[[Q:.*]]: i1, %[[F:.*]]: f32)
// CHECK-DAG: %[[PC:.*]] = cuft.cast %[[P]] : i1 to i64
// CHECK-DAG: %[[QC:.*]] = cuft.cast %[[Q]] : i1 to i64
// CHECK: cuft.add %[[PC]], %[[QC]] : (i64, i64) -> i64
// CHECK: %[[PF:.*]] = cuft.cast %[[P]] : i1 to f32
// CHECK: cuft.mul %[[PF]], %[[F]] : (f32, f32) -> f32
cuft.kernel @bool_arith(%p: i1, %q: i1, %f: f32) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %r1 = cuft.add %p, %q : (i1, i1) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.mul %p, %f : (i1, f32) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Weak literals adopt the strong operand's type: f32 * 2.0 stays f32 and the
// literal is folded to an f32 constant; i32 + 1 stays i32.
// CHECK-LABEL: cuft.kernel @weak_literals(
// CHECK-SAME: %[[F:.*]]: f32, %[[I:.*]]: i32)
// CHECK-DAG: %[[TWO:.*]] = cuft.constant 2.000000e+00 : f32
// CHECK-DAG: %[[ONE:.*]] = cuft.constant 1 : i32
// CHECK: cuft.mul %[[F]], %[[TWO]] : (f32, f32) -> f32
// CHECK: cuft.add %[[I]], %[[ONE]] : (i32, i32) -> i32
// CHECK: cuft.var_store %{{.*}}, %{{.*}} : f32, !cuft.var<f32>
// CHECK: cuft.var_store %{{.*}}, %{{.*}} : i32, !cuft.var<i32>
// CHECK-NOT: cuft.cast
cuft.kernel @weak_literals(%f: f32, %i: i32) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %c2 = cuft.constant 2.0 : f64
  %c1 = cuft.constant 1 : i64
  %r1 = cuft.mul %f, %c2 : (f32, f64) -> !cuft.unknown
  %r2 = cuft.add %i, %c1 : (i32, i64) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// An integer literal adopts a narrower type only when it fits: i8 + 100 stays
// i8, i8 + 300 computes in i64, u8 + -1 computes in i64.
// CHECK-LABEL: cuft.kernel @literal_fit(
// CHECK-SAME: %[[A:.*]]: i8, %[[U:.*]]: ui8)
// CHECK-DAG: %[[C100:.*]] = cuft.constant 100 : i8
// CHECK-DAG: %[[C300:.*]] = cuft.constant 300 : i64
// CHECK-DAG: %[[CM1:.*]] = cuft.constant -1 : i64
// CHECK: cuft.add %[[A]], %[[C100]] : (i8, i8) -> i8
// CHECK: %[[AW:.*]] = cuft.cast %[[A]] : i8 to i64
// CHECK: cuft.add %[[AW]], %[[C300]] : (i64, i64) -> i64
// CHECK: %[[UW:.*]] = cuft.cast %[[U]] : ui8 to i64
// CHECK: cuft.add %[[UW]], %[[CM1]] : (i64, i64) -> i64
cuft.kernel @literal_fit(%a: i8, %u: ui8) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %o3 = cuft.var "o3" : !cuft.var<!cuft.unknown>
  %c100 = cuft.constant 100 : i64
  %c300 = cuft.constant 300 : i64
  %cm1 = cuft.constant -1 : i64
  %r1 = cuft.add %a, %c100 : (i8, i64) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.add %a, %c300 : (i8, i64) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r3 = cuft.add %u, %cm1 : (ui8, i64) -> !cuft.unknown
  cuft.var_store %r3, %o3 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// A weak value of a higher kind keeps its own type: i32 * 0.5 is f64, and a
// strong bool plus a weak int is i64.
// CHECK-LABEL: cuft.kernel @weak_higher_kind(
// CHECK-SAME: %[[I:.*]]: i32, %[[B:.*]]: i1)
// CHECK-DAG: %[[HALF:.*]] = cuft.constant 5.000000e-01 : f64
// CHECK-DAG: %[[ONE:.*]] = cuft.constant 1 : i64
// CHECK: %[[IC:.*]] = cuft.cast %[[I]] : i32 to f64
// CHECK: cuft.mul %[[IC]], %[[HALF]] : (f64, f64) -> f64
// CHECK: %[[BC:.*]] = cuft.cast %[[B]] : i1 to i64
// CHECK: cuft.add %[[BC]], %[[ONE]] : (i64, i64) -> i64
cuft.kernel @weak_higher_kind(%i: i32, %b: i1) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %half = cuft.constant 0.5 : f64
  %one = cuft.constant 1 : i64
  %r1 = cuft.mul %i, %half : (i32, f64) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.add %b, %one : (i1, i64) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Two weak values stay weak (and fold): 1 + 2.5 is an f64 constant.
// CHECK-LABEL: cuft.kernel @weak_weak(
// CHECK: %[[C:.*]] = cuft.constant 3.500000e+00 : f64
// CHECK: cuft.var_store %[[C]], %{{.*}} : f64, !cuft.var<f64>
cuft.kernel @weak_weak() {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %a = cuft.constant 1 : i64
  %b = cuft.constant 2.5 : f64
  %r = cuft.add %a, %b : (i64, f64) -> !cuft.unknown
  cuft.var_store %r, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// True division of integers is f64; of f32 stays f32.
// CHECK-LABEL: cuft.kernel @truediv(
// CHECK-SAME: %[[A:.*]]: i32, %[[B:.*]]: i32, %[[F:.*]]: f32, %[[S:.*]]: i16)
// CHECK-DAG: %[[AC:.*]] = cuft.cast %[[A]] : i32 to f64
// CHECK-DAG: %[[BC:.*]] = cuft.cast %[[B]] : i32 to f64
// CHECK: cuft.truediv %[[AC]], %[[BC]] : (f64, f64) -> f64
// CHECK: cuft.truediv %[[F]], %[[F]] : (f32, f32) -> f32
// CHECK: %[[SC:.*]] = cuft.cast %[[S]] : i16 to f32
// CHECK: cuft.truediv %[[SC]], %[[F]] : (f32, f32) -> f32
cuft.kernel @truediv(%a: i32, %b: i32, %f: f32, %s: i16) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %o3 = cuft.var "o3" : !cuft.var<!cuft.unknown>
  %r1 = cuft.truediv %a, %b : (i32, i32) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.truediv %f, %f : (f32, f32) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r3 = cuft.truediv %s, %f : (i16, f32) -> !cuft.unknown
  cuft.var_store %r3, %o3 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Floor division and modulo keep the promoted type; bools give i64.
// CHECK-LABEL: cuft.kernel @floordiv_mod(
// CHECK-SAME: %[[A:.*]]: i32, %[[P:.*]]: i1, %[[F:.*]]: f32, %[[L:.*]]: i64)
// CHECK: cuft.floordiv %[[A]], %[[A]] : (i32, i32) -> i32
// CHECK: %[[PC1:.*]] = cuft.cast %[[P]] : i1 to i64
// CHECK: %[[PC2:.*]] = cuft.cast %[[P]] : i1 to i64
// CHECK: cuft.floordiv %[[PC1]], %[[PC2]] : (i64, i64) -> i64
// CHECK-DAG: %[[FC:.*]] = cuft.cast %[[F]] : f32 to f64
// CHECK-DAG: %[[LC:.*]] = cuft.cast %[[L]] : i64 to f64
// CHECK: cuft.mod %[[FC]], %[[LC]] : (f64, f64) -> f64
// CHECK: cuft.mod %[[A]], %{{.*}} : (i32, i32) -> i32
cuft.kernel @floordiv_mod(%a: i32, %p: i1, %f: f32, %l: i64) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %o3 = cuft.var "o3" : !cuft.var<!cuft.unknown>
  %o4 = cuft.var "o4" : !cuft.var<!cuft.unknown>
  %c7 = cuft.constant 7 : i64
  %r1 = cuft.floordiv %a, %a : (i32, i32) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.floordiv %p, %p : (i1, i1) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r3 = cuft.mod %f, %l : (f32, i64) -> !cuft.unknown
  cuft.var_store %r3, %o3 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r4 = cuft.mod %a, %c7 : (i32, i64) -> !cuft.unknown
  cuft.var_store %r4, %o4 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Comparisons promote their operands and yield i1.
// CHECK-LABEL: cuft.kernel @comparisons(
// CHECK-SAME: %[[I:.*]]: i32, %[[F:.*]]: f32, %[[U:.*]]: ui8)
// CHECK-DAG: %[[IC:.*]] = cuft.cast %[[I]] : i32 to f64
// CHECK-DAG: %[[FC:.*]] = cuft.cast %[[F]] : f32 to f64
// CHECK: cuft.cmp lt, %[[IC]], %[[FC]] : (f64, f64) -> i1
// CHECK: %[[UC:.*]] = cuft.cast %[[U]] : ui8 to i32
// CHECK: cuft.cmp eq, %[[UC]], %[[I]] : (i32, i32) -> i1
// CHECK: cuft.var_store %{{.*}}, %{{.*}} : i1, !cuft.var<i1>
cuft.kernel @comparisons(%i: i32, %f: f32, %u: ui8) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %r1 = cuft.cmp lt, %i, %f : (i32, f32) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.cmp eq, %u, %i : (ui8, i32) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// min/max and bitwise and/or/xor of bools stay bool; shifts of bools give i64.
// CHECK-LABEL: cuft.kernel @bool_ops(
// CHECK-SAME: %[[P:.*]]: i1, %[[Q:.*]]: i1, %[[I:.*]]: i32)
// CHECK: cuft.min %[[P]], %[[Q]] : (i1, i1) -> i1
// CHECK: cuft.max %[[P]], %[[Q]] : (i1, i1) -> i1
// CHECK: cuft.bitand %[[P]], %[[Q]] : (i1, i1) -> i1
// CHECK: cuft.bitxor %[[P]], %[[Q]] : (i1, i1) -> i1
// CHECK: %[[PC:.*]] = cuft.cast %[[P]] : i1 to i32
// CHECK: cuft.max %[[PC]], %[[I]] : (i32, i32) -> i32
// CHECK: %[[PL:.*]] = cuft.cast %[[P]] : i1 to i64
// CHECK: cuft.shl %[[PL]], %{{.*}} : (i64, i64) -> i64
cuft.kernel @bool_ops(%p: i1, %q: i1, %i: i32) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %o3 = cuft.var "o3" : !cuft.var<!cuft.unknown>
  %o4 = cuft.var "o4" : !cuft.var<!cuft.unknown>
  %o5 = cuft.var "o5" : !cuft.var<!cuft.unknown>
  %o6 = cuft.var "o6" : !cuft.var<!cuft.unknown>
  %r1 = cuft.min %p, %q : (i1, i1) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.max %p, %q : (i1, i1) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r3 = cuft.bitand %p, %q : (i1, i1) -> !cuft.unknown
  cuft.var_store %r3, %o3 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r4 = cuft.bitxor %p, %q : (i1, i1) -> !cuft.unknown
  cuft.var_store %r4, %o4 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r5 = cuft.max %p, %i : (i1, i32) -> !cuft.unknown
  cuft.var_store %r5, %o5 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r6 = cuft.shl %p, %q : (i1, i1) -> !cuft.unknown
  cuft.var_store %r6, %o6 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Unary ops: -bool and ~bool give i64; not takes a truth test to i1.
// CHECK-LABEL: cuft.kernel @unary(
// CHECK-SAME: %[[P:.*]]: i1, %[[F:.*]]: f32, %[[I:.*]]: i16)
// CHECK: %[[PC:.*]] = cuft.cast %[[P]] : i1 to i64
// CHECK: cuft.neg %[[PC]] : (i64) -> i64
// CHECK: cuft.invert %{{.*}} : (i64) -> i64
// CHECK: cuft.abs %[[F]] : (f32) -> f32
// CHECK: cuft.invert %[[I]] : (i16) -> i16
// CHECK: %[[FB:.*]] = cuft.cast %[[F]] : f32 to i1
// CHECK: cuft.not %[[FB]] : (i1) -> i1
cuft.kernel @unary(%p: i1, %f: f32, %i: i16) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %o3 = cuft.var "o3" : !cuft.var<!cuft.unknown>
  %o4 = cuft.var "o4" : !cuft.var<!cuft.unknown>
  %o5 = cuft.var "o5" : !cuft.var<!cuft.unknown>
  %r1 = cuft.neg %p : (i1) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r2 = cuft.invert %p : (i1) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r3 = cuft.abs %f : (f32) -> !cuft.unknown
  cuft.var_store %r3, %o3 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r4 = cuft.invert %i : (i16) -> !cuft.unknown
  cuft.var_store %r4, %o4 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %r5 = cuft.not %f : (f32) -> !cuft.unknown
  cuft.var_store %r5, %o5 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// Powers promote like other arithmetic; an explicit cast is a strong value.
// CHECK-LABEL: cuft.kernel @pow_and_cast(
// CHECK-SAME: %[[I:.*]]: i32, %[[F:.*]]: f32)
// CHECK-DAG: %[[IC:.*]] = cuft.cast %[[I]] : i32 to f64
// CHECK-DAG: %[[FC:.*]] = cuft.cast %[[F]] : f32 to f64
// CHECK: cuft.pow %[[IC]], %[[FC]] : (f64, f64) -> f64
// CHECK: %[[I2F:.*]] = cuft.cast %[[I]] : i32 to f32
// CHECK: cuft.mul %[[I2F]], %[[F]] : (f32, f32) -> f32
cuft.kernel @pow_and_cast(%i: i32, %f: f32) {
  %o1 = cuft.var "o1" : !cuft.var<!cuft.unknown>
  %o2 = cuft.var "o2" : !cuft.var<!cuft.unknown>
  %r1 = cuft.pow %i, %f : (i32, f32) -> !cuft.unknown
  cuft.var_store %r1, %o1 : !cuft.unknown, !cuft.var<!cuft.unknown>
  %x = cuft.cast %i : i32 to f32
  %r2 = cuft.mul %x, %f : (f32, f32) -> !cuft.unknown
  cuft.var_store %r2, %o2 : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// A literal from 2**63 up is a weak ui64: it takes a strong u64's type; of two
// weak integers as wide the unsigned one wins; literal arithmetic takes its
// exact value's type (1 << 63 is ui64, 2**63 - 1 back in i64).
// CHECK-LABEL: cuft.kernel @u64_literals(
// CHECK-SAME: %[[H:.*]]: ui64)
// CHECK-DAG: %[[BACK:.*]] = cuft.constant 9223372036854775807 : i64
// CHECK-DAG: %[[TOP:.*]] = cuft.constant 9223372036854775808 : ui64
// CHECK-DAG: %[[K:.*]] = cuft.constant 14695981039346656037 : ui64
// CHECK: cuft.bitxor %[[H]], %[[K]] : (ui64, ui64) -> ui64
// CHECK: cuft.mul %{{.*}}, %{{.*}} : (ui64, ui64) -> ui64
// CHECK: cuft.var_store %[[TOP]], %{{.*}} : ui64, !cuft.var<ui64>
// CHECK: cuft.var_store %[[BACK]], %{{.*}} : i64, !cuft.var<i64>
cuft.kernel @u64_literals(%h: ui64) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  %k = cuft.constant 14695981039346656037 : ui64
  %x = cuft.bitxor %h, %k : (ui64, ui64) -> !cuft.unknown
  cuft.var_store %x, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  cuft.var_store %k, %v : ui64, !cuft.var<!cuft.unknown>
  %kv = cuft.var_load %v : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %p = cuft.constant 1099511628211 : i64
  %m = cuft.mul %kv, %p : (!cuft.unknown, i64) -> !cuft.unknown
  %q = cuft.var "q" : !cuft.var<!cuft.unknown>
  cuft.var_store %m, %q : !cuft.unknown, !cuft.var<!cuft.unknown>
  %one = cuft.constant 1 : i64
  %s63 = cuft.constant 63 : i64
  %top = cuft.shl %one, %s63 : (i64, i64) -> !cuft.unknown
  %t = cuft.var "t" : !cuft.var<!cuft.unknown>
  cuft.var_store %top, %t : !cuft.unknown, !cuft.var<!cuft.unknown>
  %back = cuft.sub %top, %one : (!cuft.unknown, i64) -> !cuft.unknown
  %b = cuft.var "b" : !cuft.var<!cuft.unknown>
  cuft.var_store %back, %b : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}
