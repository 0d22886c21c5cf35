// RUN: cuft-opt %s -split-input-file -verify-diagnostics

// Verifiers of value, arithmetic, comparison, math and indexing ops.

cuft.func @f() {
  // expected-error@+1 {{expects a bool, integer or float literal of a scalar type}}
  %0 = cuft.constant 1 : index
  cuft.return
}

// -----

cuft.func @f() {
  // expected-error@+1 {{expects a bool, integer or float literal of a scalar type}}
  %0 = cuft.constant 1.0 : f80
  cuft.return
}

// -----

cuft.func @f() {
  // expected-error@+1 {{expects a bool, integer or float literal of a scalar type}}
  %0 = cuft.constant 5 : si32
  cuft.return
}

// -----

cuft.func @f(%a: i64) {
  // expected-error@+1 {{expects a concrete result type}}
  %0 = cuft.cast %a : i64 to !cuft.unknown
  cuft.return
}

// -----

cuft.func @f(%a: i64) {
  // expected-error@+1 {{expects a scalar result type, got 'index'}}
  %0 = cuft.cast %a : i64 to index
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{expects types of one width, got 'f32' and 'i64'}}
  %0 = cuft.bitcast %a : f32 to i64
  cuft.return
}

// -----

cuft.func @f(%a: i1) {
  // expected-error@+1 {{expects an integer or float operand, got 'i1'}}
  %0 = cuft.bitcast %a : i1 to i8
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.unknown) {
  // expected-error@+1 {{expects an integer or float result type, got 'complex<f32>'}}
  %0 = cuft.bitcast %a : !cuft.unknown to complex<f32>
  cuft.return
}

// -----

// An array's view: of a narrower type, a C array's last axis grows; a wider
// one is refused, as is a result other than the view.
cuft.func @f(%a: !cuft.array<ui8, 1, C>) {
  // expected-error@+1 {{cannot view '!cuft.array<ui8, 1, C>' as 'f32': a view as a wider type is not supported}}
  %0 = cuft.bitcast %a {to = f32} : !cuft.array<ui8, 1, C> to !cuft.array<f32, 1, C>
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f64, 2, F>) {
  // expected-error@+1 {{needs a C-contiguous array}}
  %0 = cuft.bitcast %a {to = ui32} : !cuft.array<f64, 2, F> to !cuft.array<ui32, 2, C>
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f64, 2, C>) {
  // expected-error@+1 {{expects result type '!cuft.array<ui32, 2, C>', got '!cuft.array<ui64, 2, C>'}}
  %0 = cuft.bitcast %a {to = ui32} : !cuft.array<f64, 2, C> to !cuft.array<ui64, 2, C>
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 1, C>) {
  // expected-error@+1 {{expects a scalar operand, got '!cuft.array<f32, 1, C>'}}
  %0 = cuft.cast %a : !cuft.array<f32, 1, C> to f32
  cuft.return
}

// -----

cuft.func @f(%a: i64, %b: i32) {
  // expected-error@+1 {{expects operands and result of one type, got 'i64', 'i32' -> 'i64'}}
  %0 = cuft.add %a, %b : (i64, i32) -> i64
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{expects operands and result of one type, got 'f32', 'f32' -> 'f64'}}
  %0 = cuft.mul %a, %a : (f32, f32) -> f64
  cuft.return
}

// -----

cuft.func @f(%a: i1) {
  // expected-error@+1 {{'cuft.sub' op does not accept operands of type 'i1'}}
  %0 = cuft.sub %a, %a : (i1, i1) -> i1
  cuft.return
}

// -----

cuft.func @f(%a: i64) {
  // expected-error@+1 {{'cuft.truediv' op does not accept operands of type 'i64'}}
  %0 = cuft.truediv %a, %a : (i64, i64) -> i64
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{'cuft.bitand' op does not accept operands of type 'f32'}}
  %0 = cuft.bitand %a, %a : (f32, f32) -> f32
  cuft.return
}

// -----

cuft.func @f(%a: i1) {
  // expected-error@+1 {{'cuft.shl' op does not accept operands of type 'i1'}}
  %0 = cuft.shl %a, %a : (i1, i1) -> i1
  cuft.return
}

// -----

cuft.func @f(%a: f64) {
  // expected-error@+1 {{'cuft.shr' op does not accept operands of type 'f64'}}
  %0 = cuft.shr %a, %a : (f64, f64) -> f64
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 1, C>) {
  // expected-error@+1 {{'cuft.min' op does not accept operands of type '!cuft.array<f32, 1, C>'}}
  %0 = cuft.min %a, %a : (!cuft.array<f32, 1, C>, !cuft.array<f32, 1, C>) -> !cuft.array<f32, 1, C>
  cuft.return
}

// -----

cuft.func @f(%a: i64, %b: f64) {
  // expected-error@+1 {{expects operands of one type, got 'i64' and 'f64'}}
  %0 = cuft.cmp lt, %a, %b : (i64, f64) -> i1
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 1, C>) {
  // expected-error@+1 {{expects scalar operands, got '!cuft.array<f32, 1, C>'}}
  %0 = cuft.cmp eq, %a, %a : (!cuft.array<f32, 1, C>, !cuft.array<f32, 1, C>) -> i1
  cuft.return
}

// -----

cuft.func @f(%a: i64) {
  // expected-error@+1 {{expects an i1 result, got 'i64'}}
  %0 = cuft.cmp eq, %a, %a : (i64, i64) -> i64
  cuft.return
}

// -----

cuft.func @f(%a: i64) {
  // expected-error@+2 {{expected ::cuft::CmpPredicate to be one of: eq, ne, lt, le, gt, ge}}
  // expected-error@+1 {{custom op 'cuft.cmp' failed to parse Cuft_CmpPredicateAttr parameter 'value'}}
  %0 = cuft.cmp is, %a, %a : (i64, i64) -> i1
  cuft.return
}

// -----

cuft.func @f(%a: i32) {
  // expected-error@+1 {{expects a result of type 'i32', got 'i64'}}
  %0 = cuft.neg %a : (i32) -> i64
  cuft.return
}

// -----

cuft.func @f(%a: i1) {
  // expected-error@+1 {{'cuft.neg' op does not accept an operand of type 'i1'}}
  %0 = cuft.neg %a : (i1) -> i1
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{'cuft.invert' op does not accept an operand of type 'f32'}}
  %0 = cuft.invert %a : (f32) -> f32
  cuft.return
}

// -----

cuft.func @f(%a: i64) {
  // expected-error@+1 {{'cuft.not' op does not accept an operand of type 'i64'}}
  %0 = cuft.not %a : (i64) -> i64
  cuft.return
}

// -----

cuft.func @f(%a: i1) {
  // expected-error@+1 {{'cuft.abs' op does not accept an operand of type 'i1'}}
  %0 = cuft.abs %a : (i1) -> i1
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{expects 1 operand(s) for 'sin', got 2}}
  %0 = cuft.math sin(%a, %a) : (f32, f32) -> f32
  cuft.return
}

// -----

// The arity check applies to generic IR too.
cuft.func @f(%a: !cuft.unknown) {
  // expected-error@+1 {{expects 2 operand(s) for 'atan2', got 1}}
  %0 = cuft.math atan2(%a) : (!cuft.unknown) -> !cuft.unknown
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{expects float (or, for a function cmath has, complex) operands and result of one type, got 'f32' -> 'f64'}}
  %0 = cuft.math sqrt(%a) : (f32) -> f64
  cuft.return
}

// -----

cuft.func @f(%a: i64) {
  // expected-error@+1 {{expects float (or, for a function cmath has, complex) operands and result of one type, got 'i64' -> 'i64'}}
  %0 = cuft.math exp(%a) : (i64) -> i64
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{expects cmath's rect of two floats of one type T to a complex<T>, got 'f32', 'f32' -> 'f32'}}
  %0 = cuft.math rect(%a, %a) {cmath} : (f32, f32) -> f32
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{expects cmath's rect of two floats of one type T to a complex<T>}}
  %0 = cuft.math rect(%a, %a) : (f32, f32) -> complex<f32>
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+2 {{expected ::cuft::MathFn to be one of}}
  // expected-error@+1 {{custom op 'cuft.math' failed to parse Cuft_MathFnAttr parameter 'value'}}
  %0 = cuft.math sinc(%a) : (f32) -> f32
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects 2 result(s), got 1}}
  %0 = cuft.grid 2 : i64
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects 1 result(s), got 3}}
  %0:3 = cuft.gridsize 1 : i64, i64, i64
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{attribute 'ndim' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1 whose maximum value is 3}}
  %0:4 = cuft.grid 4 : i64, i64, i64, i64
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{attribute 'ndim' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1 whose maximum value is 3}}
  %0 = cuft.grid 0 : i64
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{result #0 must be variadic of 64-bit signless integer, but got 'i32'}}
  %0 = cuft.grid 1 : i32
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{result #0 must be 64-bit signless integer, but got 'i32'}}
  %0 = cuft.thread_idx x : i32
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+2 {{expected ::cuft::Dim to be one of: x, y, z}}
  // expected-error@+1 {{custom op 'cuft.block_idx' failed to parse Cuft_DimAttr parameter 'value'}}
  %0 = cuft.block_idx w : i64
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{result #0 must be 32-bit signless integer, but got 'ui32'}}
  %0 = cuft.warp_size : ui32
  cuft.return
}

// -----

cuft.kernel @k() {
  // The second error points at the token after the bad keyword.
  // expected-error@+2 {{expected ::cuft::FenceScope to be one of: block, device, system}}
  // expected-error@+2 {{custom op 'cuft.threadfence' failed to parse Cuft_FenceScopeAttr parameter 'value'}}
  cuft.threadfence grid
  cuft.return
}

// -----

cuft.func @f(%a: f32, %b: f64) {
  // expected-error@+1 {{expects two parts of one float type T and a complex<T> result, got 'f32', 'f64' -> 'complex<f64>'}}
  %0 = cuft.complex %a, %b : (f32, f64) -> complex<f64>
  cuft.return
}

// -----

cuft.func @f(%z: complex<f32>) {
  // expected-error@+1 {{expects complex<T> to T, got 'complex<f32>' -> 'f64'}}
  %0 = cuft.real %z : (complex<f32>) -> f64
  cuft.return
}

// -----

cuft.func @f(%z: complex<f64>) {
  // expected-error@+1 {{expects eq or ne for complex operands}}
  %0 = cuft.cmp lt, %z, %z : (complex<f64>, complex<f64>) -> i1
  cuft.return
}

// -----

cuft.func @f(%z: complex<f64>) {
  // expected-error@+1 {{does not accept operands of type 'complex<f64>'}}
  %0 = cuft.floordiv %z, %z : (complex<f64>, complex<f64>) -> complex<f64>
  cuft.return
}

// -----

cuft.func @f(%z: complex<f64>) {
  // expected-error@+1 {{expects float (or, for a function cmath has, complex) operands and result of one type, got 'complex<f64>' -> 'complex<f64>'}}
  %0 = cuft.math floor(%z) : (complex<f64>) -> complex<f64>
  cuft.return
}

// -----

cuft.func @f(%x: f64) {
  // expected-error@+1 {{expects float (or, for a function cmath has, complex) operands and result of one type, got 'f64' -> 'f64'}}
  %0 = cuft.math sqrt(%x) {cmath} : (f64) -> f64
  cuft.return
}

// -----

cuft.func @f(%z: complex<f32>) {
  // expected-error@+1 {{expects a result of type 'f32', got 'complex<f32>'}}
  %0 = cuft.abs %z : (complex<f32>) -> complex<f32>
  cuft.return
}
