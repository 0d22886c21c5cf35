// RUN: cuft-opt %s --split-input-file --verify-diagnostics --cuft-specialize

// Kernels here have typed arguments, so no signature is needed.

cuft.kernel @bitand_float(%a: f32, %b: i32) {
  // expected-error@+1 {{unsupported operand types for &: 'f32' and 'i32' (bitwise operators need integers)}}
  %r = cuft.bitand %a, %b : (f32, i32) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @shl_float(%a: f64) {
  %c = cuft.constant 1 : i64
  // expected-error@+1 {{unsupported operand types for <<: 'f64' and 'i64' (bitwise operators need integers)}}
  %r = cuft.shl %a, %c : (f64, i64) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @invert_float(%a: f32) {
  // expected-error@+1 {{bad operand type for unary ~: 'f32'}}
  %r = cuft.invert %a : (f32) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @range_float(%n: f32) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  // expected-error@+1 {{range() arguments must be integers, got 'f32'}}
  cuft.for %k = %c0 to %n step %c1 : (i64, f32, i64) -> !cuft.unknown {
  }
  cuft.return
}

// -----

cuft.kernel @array_arith(%a: !cuft.array<f32, 1, C>) {
  %c1 = cuft.constant 1 : i64
  // expected-error@+1 {{unsupported operand types for +: 'array<f32,1,C>' and 'i64'}}
  %r = cuft.add %a, %c1 : (!cuft.array<f32, 1, C>, i64) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @array_cmp(%a: !cuft.array<f32, 1, C>, %b: f32) {
  // expected-error@+1 {{unsupported operand types for <=: 'f32' and 'array<f32,1,C>'}}
  %r = cuft.cmp le, %b, %a : (f32, !cuft.array<f32, 1, C>) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @array_neg(%a: !cuft.array<f32, 1, C>) {
  // expected-error@+1 {{the operand must be a scalar, got 'array<f32,1,C>'}}
  %r = cuft.neg %a : (!cuft.array<f32, 1, C>) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @array_math(%a: !cuft.array<f32, 1, C>) {
  // expected-error@+1 {{a math function argument must be a scalar, got 'array<f32,1,C>'}}
  %r = cuft.math sin(%a) : (!cuft.array<f32, 1, C>) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @read_unassigned() {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  // expected-error@+1 {{variable 'v' is read but never assigned}}
  %r = cuft.var_load %v : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.return
}

// -----

// An array variable assigned twice (it becomes SSA values after
// convert-cuft-to-cf) holds arrays of one type.
cuft.kernel @array_var_twice(%a: !cuft.array<f32, 1, C>, %b: !cuft.array<f32, 1, strided>, %p: i1) {
  %t = cuft.var "t" : !cuft.var<!cuft.unknown>
  cuft.var_store %a, %t : !cuft.array<f32, 1, C>, !cuft.var<!cuft.unknown>
  cuft.if %p : i1 {
    // expected-error@+1 {{cannot assign a value of type 'array<f32,1,strided>' to variable 't', which holds 'array<f32,1,C>'}}
    cuft.var_store %b, %t : !cuft.array<f32, 1, strided>, !cuft.var<!cuft.unknown>
  }
  cuft.return
}

// -----

cuft.kernel @array_var_before(%a: !cuft.array<f32, 1, C>, %p: i1) {
  %t = cuft.var "t" : !cuft.var<!cuft.unknown>
  cuft.if %p : i1 {
    cuft.var_store %a, %t : !cuft.array<f32, 1, C>, !cuft.var<!cuft.unknown>
  }
  // expected-error@+1 {{array variable 't' may be read before it is assigned}}
  %tv = cuft.var_load %t : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %c0 = cuft.constant 0 : i64
  %x = cuft.load %tv[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.store %x, %a[%c0] : !cuft.unknown, !cuft.array<f32, 1, C>[i64]
  cuft.return
}

// -----

cuft.kernel @array_to_scalar_var(%a: !cuft.array<f32, 1, C>) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  %c0 = cuft.constant 0 : i64
  cuft.var_store %c0, %v : i64, !cuft.var<!cuft.unknown>
  // expected-error@+1 {{cannot assign a value of type 'array<f32,1,C>' to variable 'v', which holds 'i64'}}
  cuft.var_store %a, %v : !cuft.array<f32, 1, C>, !cuft.var<!cuft.unknown>
  cuft.return
}

// -----

cuft.kernel @two_arrays_one_var(%a: !cuft.array<f32, 1, C>, %b: !cuft.array<f64, 1, C>) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  cuft.var_store %a, %v : !cuft.array<f32, 1, C>, !cuft.var<!cuft.unknown>
  // expected-error@+1 {{cannot assign a value of type 'array<f64,1,C>' to variable 'v', which holds 'array<f32,1,C>'}}
  cuft.var_store %b, %v : !cuft.array<f64, 1, C>, !cuft.var<!cuft.unknown>
  cuft.return
}

// -----

// expected-error@+1 {{kernel 'unknown_args' has arguments of unknown type: pass a signature}}
cuft.kernel @unknown_args(%a: !cuft.unknown) {
  cuft.return
}

// -----

// expected-error@+1 {{constexpr argument #0 needs a value in the signature}}
cuft.kernel @constexpr_no_sig(%n: i64 {cuft.constexpr}) {
  cuft.return
}

// -----

cuft.func @rec(%x: !cuft.unknown) -> !cuft.unknown {
  // expected-error@+1 {{cannot infer the result of recursive device function 'rec': give it a return that does not depend on a call of itself (a base case)}}
  %r = cuft.call @rec(%x) : (!cuft.unknown) -> !cuft.unknown
  cuft.return %r : !cuft.unknown
}

cuft.kernel @calls_rec(%a: i32) {
  // expected-remark@+1 {{in the call of 'rec' from here}}
  %r = cuft.call @rec(%a) : (i32) -> !cuft.unknown
  cuft.return
}

// -----

cuft.func @noret(%x: !cuft.unknown) {
  cuft.return
}

cuft.kernel @uses_void(%a: i32) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  // expected-error@+1 {{device function 'noret' does not return a value}}
  %r = cuft.call @noret(%a) : (i32) -> !cuft.unknown
  cuft.var_store %r, %v : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

// -----

cuft.func @returns_array(%x: !cuft.unknown) -> !cuft.unknown {
  // expected-error@+1 {{a returned value must be a scalar, got 'array<f32,1,C>'}}
  cuft.return %x : !cuft.unknown
}

cuft.kernel @calls_returns_array(%a: !cuft.array<f32, 1, C>) {
  // expected-remark@+1 {{in the call of 'returns_array' from here}}
  %r = cuft.call @returns_array(%a) : (!cuft.array<f32, 1, C>) -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @shared_shape_runtime(%n: i64) {
  // expected-error@+1 {{the shape of a shared array must be a compile-time constant (a literal, a module constant, a variable assigned one before, or a constexpr argument)}}
  %s = cuft.alloc_shared f32 [%n : i64] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @local_shape_runtime(%n: i32) {
  // expected-error@+1 {{the shape of a local array must be a compile-time constant}}
  %s = cuft.alloc_local f32 [%n : i32] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @shape_zero() {
  %c0 = cuft.constant 0 : i64
  %c2 = cuft.constant 2 : i64
  // expected-error@+1 {{array dimensions must be positive, got 0 (a shape of 0 is the launch's dynamic shared memory: one dimension)}}
  %s = cuft.alloc_shared f32 [%c0, %c2 : i64, i64] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @shape_float() {
  %c = cuft.constant 4.0 : f64
  // expected-error@+1 {{array shapes must be integers, got 'f64'}}
  %s = cuft.alloc_local f32 [%c : f64] -> !cuft.unknown
  cuft.return
}

// -----

// A type error inside a device function is reported once, at its own line, with
// a remark at the call site (inference revisits the call until a fixpoint).
cuft.func @bad_callee(%x: !cuft.unknown) -> !cuft.unknown {
  %c = cuft.constant 1 : i64
  // expected-error@+1 {{unsupported operand types for &: 'f32' and 'i64' (bitwise operators need integers)}}
  %r = cuft.bitand %x, %c : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.return %r : !cuft.unknown
}
cuft.kernel @calls_bad(%a: !cuft.array<f32, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %v = cuft.load %a[%c0] : !cuft.array<f32, 1, C>[i64] -> f32
  // expected-remark@+1 {{in the call of 'bad_callee' from here}}
  %r = cuft.call @bad_callee(%v) : (f32) -> !cuft.unknown
  cuft.store %r, %a[%c0] : !cuft.unknown, !cuft.array<f32, 1, C>[i64]
  cuft.return
}

// -----

cuft.kernel @float_order(%x: f32) {
  // expected-error@+1 {{jn() takes an integer order, got 'f32'}}
  %r = cuft.math jn(%x, %x) : (f32, f32) -> !cuft.unknown
  cuft.return
}

// -----

// m = 8; if flag: m = 4; cuft.local.array(m, ...): assigned twice, a run-time value.
cuft.kernel @local_shape_variable_assigned_twice(%flag: i1) {
  %m = cuft.var "m" : !cuft.var<!cuft.unknown>
  %c8 = cuft.constant 8 : i64
  cuft.var_store %c8, %m : i64, !cuft.var<!cuft.unknown>
  cuft.if %flag : i1 {
    %c4 = cuft.constant 4 : i64
    cuft.var_store %c4, %m : i64, !cuft.var<!cuft.unknown>
    cuft.yield
  }
  %m0 = cuft.var_load %m : !cuft.var<!cuft.unknown> -> !cuft.unknown
  // expected-error@+1 {{the shape of a local array must be a compile-time constant}}
  %a = cuft.alloc_local f32 [%m0 : !cuft.unknown] -> !cuft.unknown
  cuft.return
}
