// RUN: cuft-opt %s -split-input-file -verify-diagnostics

// Verifiers of cuft.kernel, cuft.func, cuft.return, cuft.call and local
// variables.

// expected-error@+1 {{'cuft.kernel' op expects no results: kernels return nothing}}
cuft.kernel @k() -> i64 {
  %0 = cuft.constant 0 : i64
  cuft.return %0 : i64
}

// -----

// An external device function returns at most one value (its C ABI); a
// device function with a body may return several (a Python tuple's elements).
// expected-error@+1 {{'cuft.func' op expects at most one result}}
cuft.func private @f(i64) -> (i64, i64)

// -----

// expected-error@+1 {{'cuft.func' op expects argument #1 to be a scalar, an array, a record or !cuft.unknown, got 'index'}}
cuft.func @f(%a: i64, %b: index) {
  cuft.return
}

// -----

// expected-error@+1 {{'cuft.kernel' op expects argument #0 to be a scalar, an array, a record or !cuft.unknown, got '!cuft.var<f32>'}}
cuft.kernel @k(%a: !cuft.var<f32>) {
  cuft.return
}

// -----

// expected-error@+1 {{'cuft.kernel' op expects kernel array argument #1 to be in global memory}}
cuft.kernel @k(%a: !cuft.array<f32, 1, C>, %s: !cuft.array<f32, 1, C, shared>) {
  cuft.return
}

// -----

// expected-error@+1 {{'cuft.kernel' op expects a body}}
"cuft.kernel"() <{function_type = () -> (), sym_name = "k"}> ({
}) : () -> ()

// -----

// expected-error@+1 {{expected non-empty function body}}
cuft.kernel @k() {
}

// -----

// FunctionOpInterface checks the entry block before cuft's own verifier does.
// expected-error@+1 {{'cuft.func' op entry block must have 1 arguments to match function signature}}
"cuft.func"() <{function_type = (i32) -> (), sym_name = "f"}> ({
^bb0(%a: i32, %b: i32):
  "cuft.return"() : () -> ()
}) : () -> ()

// -----

// expected-error@+1 {{'cuft.func' op type of entry block argument #0('i64') must match the type of the corresponding argument in function signature('i32')}}
"cuft.func"() <{function_type = (i32) -> (), sym_name = "f"}> ({
^bb0(%a: i64):
  "cuft.return"() : () -> ()
}) : () -> ()

// -----

cuft.kernel @k(%a: i64) {
  // expected-error@+1 {{'cuft.return' op expects no operands in a kernel: kernels return nothing}}
  cuft.return %a : i64
}

// -----

cuft.func @f(%a: i64) -> i64 {
  // expected-error@+1 {{'cuft.return' op expects 1 operand(s) to match the result count of 'f'}}
  cuft.return
}

// -----

cuft.func @f(%a: i64) {
  // expected-error@+1 {{'cuft.return' op expects 0 operand(s) to match the result count of 'f'}}
  cuft.return %a : i64
}

// -----

cuft.func @f(%a: i32) -> i64 {
  // expected-error@+1 {{'cuft.return' op expects operand #0 of type 'i64', got 'i32'}}
  cuft.return %a : i32
}

// -----

// Unknown on either side is not a mismatch.
cuft.func @f(%a: i32, %u: !cuft.unknown) -> i64 {
  %c = cuft.constant true
  cuft.if %c : i1 {
    cuft.return %u : !cuft.unknown
  }
  cuft.return %a : i32
// expected-error@-1 {{'cuft.return' op expects operand #0 of type 'i64', got 'i32'}}
}

// -----

// expected-error@+1 {{'cuft.return' op expects to be inside a cuft.kernel or cuft.func}}
cuft.return

// -----

cuft.kernel @k(%a: f32) {
  // expected-error@+1 {{'cuft.call' op expects 'missing' to be a cuft.func}}
  %0 = cuft.call @missing(%a) : (f32) -> f32
  cuft.return
}

// -----

cuft.kernel @other() {
  cuft.return
}

cuft.kernel @k() {
  // expected-error@+1 {{'cuft.call' op expects 'other' to be a cuft.func}}
  cuft.call @other() : () -> ()
  cuft.return
}

// -----

cuft.func @g(%a: f32, %b: f32) -> f32 {
  cuft.return %a : f32
}

cuft.kernel @k(%a: f32) {
  // expected-error@+1 {{'cuft.call' op expects 2 argument(s) for 'g', got 1}}
  %0 = cuft.call @g(%a) : (f32) -> f32
  cuft.return
}

// -----

cuft.func @g(%a: f32, %b: f32) -> f32 {
  cuft.return %a : f32
}

cuft.kernel @k(%a: f32, %b: f64) {
  // expected-error@+1 {{'cuft.call' op expects argument #1 of type 'f32', got 'f64'}}
  %0 = cuft.call @g(%a, %b) : (f32, f64) -> f32
  cuft.return
}

// -----

cuft.func @g(%a: f32) -> f32 {
  cuft.return %a : f32
}

cuft.kernel @k(%a: f32) {
  // expected-error@+1 {{'cuft.call' op expects result types to match 'g'}}
  %0 = cuft.call @g(%a) : (f32) -> f64
  cuft.return
}

// -----

cuft.func @g(%a: f32) -> f32 {
  cuft.return %a : f32
}

cuft.kernel @k(%a: f32) {
  // expected-error@+1 {{'cuft.call' op expects result types to match 'g'}}
  cuft.call @g(%a) : (f32) -> ()
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  cuft.if %c : i1 {
    // expected-error@+1 {{'cuft.var' op expects to be in the entry block of its kernel or function}}
    %v = cuft.var "x" : !cuft.var<f32>
  }
  cuft.return
}

// -----

// expected-error@+1 {{'cuft.var' op expects to be in the entry block of its kernel or function}}
%v = cuft.var "x" : !cuft.var<f32>

// -----

cuft.kernel @k() {
  // expected-error@+1 {{'cuft.var' op expects a scalar, array, record or unknown value type, got 'index'}}
  %v = cuft.var "x" : !cuft.var<index>
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{'cuft.var' op result #0 must be cuft variable, but got 'f32'}}
  %v = "cuft.var"() <{name = "x"}> : () -> f32
  cuft.return
}

// -----

cuft.kernel @k() {
  %v = cuft.var "x" : !cuft.var<f32>
  // expected-error@+1 {{'cuft.var_load' op expects result type 'f32', got 'f64'}}
  %0 = cuft.var_load %v : !cuft.var<f32> -> f64
  cuft.return
}

// -----

cuft.kernel @k(%a: i64) {
  %v = cuft.var "x" : !cuft.var<f32>
  // expected-error@+1 {{'cuft.var_store' op expects a value of type 'f32', got 'i64'}}
  cuft.var_store %a, %v : i64, !cuft.var<f32>
  cuft.return
}

// -----

// A device function without a body is external code the kernel links: it is
// called with the C ABI, so its types are scalars.
// expected-error@+1 {{'cuft.func' op expects argument #1 of an external device function to be a scalar type, got '!cuft.array<f32, 1, C>'}}
cuft.func private @ext(f32, !cuft.array<f32, 1, C>) -> f32

// -----

// expected-error@+1 {{'cuft.func' op expects argument #0 of an external device function to be a scalar type, got '!cuft.unknown'}}
cuft.func private @ext(!cuft.unknown) -> f32

// -----

// expected-error@+1 {{'cuft.func' op expects an external device function (no body) to be private}}
"cuft.func"() <{function_type = (f32) -> f32, sym_name = "ext"}> ({
}) : () -> ()

// -----

cuft.kernel @view_spec(%a: !cuft.array<f32, 1, C>, %i: i64) {
  // expected-error@+1 {{'cuft.view' op expects 2 operand(s) for its spec, got 1}}
  %v = cuft.view %a[%i] {spec = array<i32: 3>} : !cuft.array<f32, 1, C>[i64] -> !cuft.array<f32, 1, strided>
  cuft.return
}

// -----

cuft.kernel @view_result(%a: !cuft.array<f32, 2, C>, %i: i64) {
  // expected-error@+1 {{'cuft.view' op expects result type '!cuft.array<f32, 1, strided>', got '!cuft.array<f32, 1, C>'}}
  %v = cuft.view %a[%i] {spec = array<i32: -1>} : !cuft.array<f32, 2, C>[i64] -> !cuft.array<f32, 1, C>
  cuft.return
}

// -----

cuft.kernel @view_ellipses(%a: !cuft.array<f32, 2, C>) {
  // expected-error@+1 {{'cuft.view' op expects at most one ellipsis (-3) in its spec}}
  %v = cuft.view %a[] {spec = array<i32: -3, -3>} : !cuft.array<f32, 2, C> -> !cuft.array<f32, 2, strided>
  cuft.return
}

// -----

cuft.kernel @collective_arity(%m: ui32, %x: f32) {
  // expected-error@+1 {{'cuft.collective' op expects 4 operand(s) for shfl_idx, got 2}}
  %v = cuft.collective shfl_idx(%m, %x) : (ui32, f32) -> f32
  cuft.return
}

// -----

cuft.kernel @collective_value(%m: ui32, %x: i16, %l: i32) {
  // expected-error@+1 {{'cuft.collective' op shuffles 32- or 64-bit integers or floats, got 'i16'}}
  %v = cuft.collective shfl_idx(%m, %x, %l, %l) : (ui32, i16, i32, i32) -> i16
  cuft.return
}

// -----

cuft.kernel @reshape_of_strided(%a: !cuft.array<f32, 1, strided>, %n: i64) {
  // expected-error @+1 {{reshape needs a C-contiguous array}}
  %r = cuft.reshape %a(%n) : !cuft.array<f32, 1, strided>[i64] -> !cuft.array<f32, 1, C>
  cuft.return
}

// -----

cuft.kernel @reshape_result(%a: !cuft.array<f32, 1, C>, %n: i64) {
  // expected-error @+1 {{expects result type '!cuft.array<f32, 2, C>'}}
  %r = cuft.reshape %a(%n, %n) : !cuft.array<f32, 1, C>[i64, i64] -> !cuft.array<f32, 2, strided>
  cuft.return
}

// -----

cuft.kernel @transpose_axes(%a: !cuft.array<f32, 2, C>) {
  // expected-error @+1 {{expects a permutation of the array's 2 dimensions}}
  %t = cuft.transpose %a {perm = array<i64: 0, 0>} : !cuft.array<f32, 2, C> -> !cuft.array<f32, 2, strided>
  cuft.return
}

// -----

cuft.kernel @transpose_layout(%a: !cuft.array<f32, 2, C>) {
  // expected-error @+1 {{expects result type '!cuft.array<f32, 2, F>'}}
  %t = cuft.transpose %a : !cuft.array<f32, 2, C> -> !cuft.array<f32, 2, C>
  cuft.return
}
