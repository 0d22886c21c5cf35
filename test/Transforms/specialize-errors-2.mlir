// RUN: cuft-opt %s --split-input-file --verify-diagnostics --cuft-specialize="sig=f32,i32,array<f32,2,C>,array<i8,1,C>"

// Type errors on ops whose operands are only known after specialization. Every
// kernel takes (f: f32, i: i32, a: array<f32,2,C>, b: array<i8,1,C>).

cuft.kernel @index_scalar(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  // expected-error@+1 {{cannot index a value of type 'f32'}}
  %r = cuft.load %f[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @store_to_scalar(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  // expected-error@+1 {{cannot index a value of type 'i32'}}
  cuft.store %f, %i[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

// -----

cuft.kernel @index_count(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  // expected-error@+1 {{a rank-2 array needs 2 index(es), got 3}}
  %r = cuft.load %a[%c0, %c0, %c0] : !cuft.unknown[i64, i64, i64] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @index_count_store(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  // expected-error@+1 {{a rank-1 array needs 1 index(es), got 3}}
  cuft.store %f, %b[%c0, %c0, %c0] : !cuft.unknown, !cuft.unknown[i64, i64, i64]
  cuft.return
}

// -----

cuft.kernel @float_index(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{array indices must be integers, got 'f32'}}
  %r = cuft.load %a[%i, %f] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @dim_out_of_range(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{dimension 2 is out of range for a rank-2 array}}
  %n = cuft.dim %a, 2 : !cuft.unknown -> i64
  cuft.return
}

// -----

cuft.kernel @stride_out_of_range(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{dimension 1 is out of range for a rank-1 array}}
  %n = cuft.stride %b, 1 : !cuft.unknown -> i64
  cuft.return
}

// -----

cuft.kernel @dim_of_scalar(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{'f32' has no shape: expected an array}}
  %n = cuft.dim %f, 0 : !cuft.unknown -> i64
  cuft.return
}

// -----

cuft.kernel @ndim_of_scalar(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{'i32' has no shape: expected an array}}
  %n = cuft.ndim %i : !cuft.unknown -> i64
  cuft.return
}

// -----

cuft.kernel @range_float(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c1 = cuft.constant 1 : i64
  // expected-error@+1 {{range() arguments must be integers, got 'f32'}}
  cuft.for %k = %i to %f step %c1 : (!cuft.unknown, !cuft.unknown, i64) -> !cuft.unknown {
  }
  cuft.return
}

// -----

cuft.kernel @range_array(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  // expected-error@+1 {{range() arguments must be integers, got 'array<i8,1,C>'}}
  cuft.for %k = %c0 to %b step %c1 : (i64, !cuft.unknown, i64) -> !cuft.unknown {
  }
  cuft.return
}

// -----

cuft.kernel @bitor_float(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{unsupported operand types for |: 'i32' and 'f32' (bitwise operators need integers)}}
  %r = cuft.bitor %i, %f : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @invert_float(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %x = cuft.load %a[%i, %i] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
  // expected-error@+1 {{bad operand type for unary ~: 'f32'}}
  %r = cuft.invert %x : (!cuft.unknown) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @array_mul(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{unsupported operand types for *: 'f32' and 'array<f32,2,C>'}}
  %r = cuft.mul %f, %a : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @array_cast(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{the operand of a cast must be a scalar, got 'array<f32,2,C>'}}
  %r = cuft.cast %a : !cuft.unknown to f32
  cuft.return
}

// -----

cuft.kernel @array_not(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{the operand must be a scalar, got 'array<i8,1,C>'}}
  %r = cuft.not %b : (!cuft.unknown) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @array_condition(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  // expected-error@+1 {{a condition must be a scalar, got 'array<f32,2,C>'}}
  cuft.if %a : !cuft.unknown {
  }
  cuft.return
}

// -----

cuft.kernel @array_while_condition(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  cuft.while {
    // expected-error@+1 {{a condition must be a scalar, got 'array<i8,1,C>'}}
    cuft.condition %b : !cuft.unknown
  } do {
  }
  cuft.return
}

// -----

cuft.kernel @array_stored(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  // expected-error@+1 {{a stored value must be a scalar, got 'array<i8,1,C>'}}
  cuft.store %b, %a[%c0, %c0] : !cuft.unknown, !cuft.unknown[i64, i64]
  cuft.return
}

// -----

cuft.kernel @atomic_i8(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  // expected-error@+1 {{atomics need a 32- or 64-bit integer or float element (or float16, for add and sub), got 'i8'}}
  %r = cuft.atomic add %b[%c0], %i : !cuft.unknown[i64], !cuft.unknown -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @atomic_cas_i8(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  // expected-error@+1 {{atomics need a 32- or 64-bit integer or float element (or float16, for add and sub), got 'i8'}}
  %r = cuft.atomic_cas %b[%c0], %i, %i : !cuft.unknown[i64], !cuft.unknown, !cuft.unknown -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @atomic_local(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %c4 = cuft.constant 4 : i64
  %l = cuft.alloc_local f32 [%c4 : i64] -> !cuft.unknown
  // expected-error@+1 {{atomics need an array in global or shared memory, got 'array<f32,1,C,local>'}}
  %r = cuft.atomic max %l[%c0], %f : !cuft.unknown[i64], !cuft.unknown -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @atomic_index_count(%f: !cuft.unknown, %i: !cuft.unknown, %a: !cuft.unknown, %b: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  // expected-error@+1 {{a rank-2 array needs 2 index(es), got 1}}
  %r = cuft.atomic add %a[%c0], %f : !cuft.unknown[i64], !cuft.unknown -> !cuft.unknown
  cuft.return
}
