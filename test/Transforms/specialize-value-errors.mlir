// RUN: cuft-opt %s --split-input-file --verify-diagnostics --cuft-specialize

cuft.kernel @floordiv(%z: complex<f64>, %b: i32) {
  // expected-error@+1 {{unsupported operand types for //: 'c128' and 'i32' (complex numbers have no floor division or modulo)}}
  %r = cuft.floordiv %z, %b : (complex<f64>, i32) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @ordered(%z: complex<f32>, %w: complex<f32>) {
  // expected-error@+1 {{unsupported operand types for <: 'c64' and 'c64' (complex numbers are not ordered)}}
  %r = cuft.cmp lt, %z, %w : (complex<f32>, complex<f32>) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @store_drops_imag(%a: !cuft.array<f64, 1, C>, %z: complex<f64>) {
  %i = cuft.constant 0 : i64
  %v = cuft.add %z, %z : (complex<f64>, complex<f64>) -> !cuft.unknown
  // expected-error@+1 {{cannot store a complex value ('c128') as 'f64': the imaginary part would be lost (take .real or abs())}}
  cuft.store %v, %a[%i] : !cuft.unknown, !cuft.array<f64, 1, C>[i64]
  cuft.return
}

// -----

cuft.kernel @cast_drops_imag(%z: complex<f32>) {
  // expected-error@+1 {{cannot convert a complex value ('c64') as 'i32'}}
  %r = cuft.cast %z : complex<f32> to i32
  cuft.return
}

// -----

cuft.kernel @no_complex_floor(%z: complex<f32>) {
  // expected-error@+1 {{floor() takes real numbers, got 'c64'}}
  %r = cuft.math floor(%z) : (complex<f32>) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @complex_parts(%z: complex<f32>) {
  // expected-error@+1 {{complex() takes real parts, got 'c64'}}
  %r = cuft.complex %z, %z : (complex<f32>, complex<f32>) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @complex_atomics(%a: !cuft.array<complex<f32>, 1, C>, %z: complex<f32>) {
  %i = cuft.constant 0 : i64
  // expected-error@+1 {{does not support this array: atomics need a 32- or 64-bit integer or float element (or float16, for add and sub), got 'c64'}}
  %r = cuft.atomic add %a[%i], %z : !cuft.array<complex<f32>, 1, C>[i64], complex<f32> -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @fill_rank(%a: !cuft.array<f32, 1, C>, %b: !cuft.array<f32, 2, C>) {
  // expected-error@+1 {{cannot assign a rank-2 array to a rank-1 slice}}
  cuft.fill %a, %b : !cuft.array<f32, 1, C>, !cuft.array<f32, 2, C>
  cuft.return
}

// -----

cuft.kernel @fill_complex(%a: !cuft.array<f32, 1, C>, %z: complex<f32>) {
  // expected-error@+1 {{cannot store a complex value ('c64') as 'f32'}}
  cuft.fill %a, %z : !cuft.array<f32, 1, C>, complex<f32>
  cuft.return
}

// -----

cuft.kernel @no_field(%a: !cuft.array<!cuft.record<"rec<8;x=f32@0;n=i32@4>">, 1, C>, %i: i64) {
  %r = cuft.load %a[%i] : !cuft.array<!cuft.record<"rec<8;x=f32@0;n=i32@4>">, 1, C>[i64] -> !cuft.unknown
  // expected-error@+1 {{the record has no field 'y' (its fields: rec<8;x=f32@0;n=i32@4>)}}
  %y = cuft.getfield %r, "y" : (!cuft.unknown) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @subarray_index(%a: !cuft.array<!cuft.record<"rec<8;v=f32[2]@0>">, 1, C>, %i: i64) {
  %r = cuft.load %a[%i] : !cuft.array<!cuft.record<"rec<8;v=f32[2]@0>">, 1, C>[i64] -> !cuft.unknown
  // expected-error@+1 {{record field 'v' is an array of 1 dimension(s): index each element of it, or none (the field as an array)}}
  %v = cuft.getfield %r, "v"[%i, %i] : (!cuft.unknown, i64, i64) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @field_of_a_number(%x: f32) {
  // expected-error@+1 {{'f32' has no attribute 'y'}}
  %y = cuft.getfield %x, "y" : (f32) -> !cuft.unknown
  cuft.return
}
