// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,1,C>,i32" --split-input-file --verify-diagnostics | FileCheck %s

// def ordered(a, b): return (b, a) if b < a else (a, b)   -- a tuple's elements
// are the results of the function, typed one by one: each joins over every
// return (here f32 with a weak i64 literal), and each return is cast to it.

// CHECK-LABEL: cuft.func @ordered__f32_i64wp2(
// CHECK-SAME: %[[A:.*]]: f32, %[[B:.*]]: i64) -> (f32, f32)
// CHECK: cuft.if
// CHECK: %[[BC:.*]] = cuft.cast %[[B]] : i64 to f32
// CHECK: cuft.return %[[BC]], %[[A]] : f32, f32
// CHECK: %[[BC2:.*]] = cuft.cast %[[B]] : i64 to f32
// CHECK: cuft.return %[[A]], %[[BC2]] : f32, f32
cuft.func @ordered(%a: !cuft.unknown, %b: !cuft.unknown) -> (!cuft.unknown, !cuft.unknown) {
  %c = cuft.cmp lt, %b, %a : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.if %c : !cuft.unknown {
    cuft.return %b, %a : !cuft.unknown, !cuft.unknown
  }
  cuft.return %a, %b : !cuft.unknown, !cuft.unknown
}

// CHECK-LABEL: cuft.kernel @k(
// CHECK: %[[R:.*]]:2 = cuft.call @ordered__f32_i64wp2(%{{.*}}, %{{.*}}) : (f32, i64) -> (f32, f32)
// CHECK: cuft.store %[[R]]#1,
cuft.kernel @k(%x: !cuft.unknown, %n: !cuft.unknown) {
  %i = cuft.constant 0 : i64
  %v = cuft.load %x[%i] : !cuft.unknown[i64] -> !cuft.unknown
  %one = cuft.constant 1 : i64
  %r:2 = cuft.call @ordered(%v, %one) : (!cuft.unknown, i64) -> (!cuft.unknown, !cuft.unknown)
  cuft.store %r#1, %x[%i] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

// Every element of a returned tuple must be a scalar.
cuft.func @with_array(%a: !cuft.unknown, %b: !cuft.unknown) -> (!cuft.unknown, !cuft.unknown) {
  // expected-error@+1 {{a returned value must be a scalar}}
  cuft.return %b, %a : !cuft.unknown, !cuft.unknown
}

cuft.kernel @k(%x: !cuft.unknown, %n: !cuft.unknown) {
  // expected-remark@+1 {{in the call of 'with_array' from here}}
  %r:2 = cuft.call @with_array(%x, %n) : (!cuft.unknown, !cuft.unknown) -> (!cuft.unknown, !cuft.unknown)
  cuft.return
}
