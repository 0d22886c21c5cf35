// RUN: cuft-opt %s -split-input-file -verify-diagnostics

// Verifiers of array access, shape queries, allocation and atomics.

cuft.func @f(%a: f32, %i: i64) {
  // expected-error@+1 {{'cuft.load' op expects an array operand, got 'f32'}}
  %0 = cuft.load %a[%i] : f32[i64] -> f32
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 2, C>, %i: i64) {
  // expected-error@+1 {{expects 2 index(es) for a rank-2 array, got 1}}
  %0 = cuft.load %a[%i] : !cuft.array<f32, 2, C>[i64] -> f32
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 1, C>, %i: f32) {
  // expected-error@+1 {{expects integer indices, got 'f32'}}
  %0 = cuft.load %a[%i] : !cuft.array<f32, 1, C>[f32] -> f32
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 1, C>, %i: i1) {
  // expected-error@+1 {{expects integer indices, got 'i1'}}
  %0 = cuft.load %a[%i] : !cuft.array<f32, 1, C>[i1] -> f32
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 1, C>, %i: i64) {
  // expected-error@+1 {{expects the result to have the element type 'f32', got 'f64'}}
  %0 = cuft.load %a[%i] : !cuft.array<f32, 1, C>[i64] -> f64
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<i32, 1, C>, %i: i64, %v: i64) {
  // expected-error@+1 {{expects the stored value to have the element type 'i32', got 'i64'}}
  cuft.store %v, %a[%i] : i64, !cuft.array<i32, 1, C>[i64]
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<i32, 3, C>, %i: i64, %v: i32) {
  // expected-error@+1 {{expects 3 index(es) for a rank-3 array, got 4}}
  cuft.store %v, %a[%i, %i, %i, %i] : i32, !cuft.array<i32, 3, C>[i64, i64, i64, i64]
  cuft.return
}

// -----

cuft.func @f(%a: i64, %v: i32) {
  // expected-error@+1 {{'cuft.store' op expects an array operand, got 'i64'}}
  cuft.store %v, %a[%a] : i32, i64[i64]
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 2, C>) {
  // expected-error@+1 {{'cuft.dim' op expects a dimension in [0, 2), got 2}}
  %0 = cuft.dim %a, 2 : !cuft.array<f32, 2, C> -> i64
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 2, C>) {
  // expected-error@+1 {{'cuft.stride' op expects a dimension in [0, 2), got -1}}
  %0 = cuft.stride %a, -1 : !cuft.array<f32, 2, C> -> i64
  cuft.return
}

// -----

cuft.func @f(%a: f32) {
  // expected-error@+1 {{'cuft.dim' op expects an array operand, got 'f32'}}
  %0 = cuft.dim %a, 0 : f32 -> i64
  cuft.return
}

// -----

cuft.func @f(%a: !cuft.array<f32, 1, C>) {
  // expected-error@+1 {{result #0 must be 64-bit signless integer, but got 'i32'}}
  %0 = cuft.ndim %a : !cuft.array<f32, 1, C> -> i32
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects a scalar element type, got 'index'}}
  %0 = cuft.alloc_shared index shape [4] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects either size operands (generic IR) or a static shape (typed IR)}}
  %0 = cuft.alloc_local f32 -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @k(%n: !cuft.unknown) {
  // expected-error@+1 {{expects either size operands (generic IR) or a static shape (typed IR)}}
  %0 = cuft.alloc_shared f32 [%n : !cuft.unknown] shape [4] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{'cuft.alloc_local' op expects 1 to 8 dimensions, got 0}}
  %0 = cuft.alloc_local f32 shape [] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{'cuft.alloc_local' op expects 1 to 8 dimensions, got 9}}
  %0 = cuft.alloc_local f32 shape [1, 1, 1, 1, 1, 1, 1, 1, 1] -> !cuft.unknown
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects positive dimensions, got 0}}
  %0 = cuft.alloc_shared f32 shape [4, 0] -> !cuft.array<f32, 2, C, shared>
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects positive dimensions, got -2}}
  %0 = cuft.alloc_local f32 shape [-2] -> !cuft.array<f32, 1, C, local>
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects a shape of reasonable size}}
  %0 = cuft.alloc_local i8 shape [1099511627777] -> !cuft.array<i8, 1, C, local>
  cuft.return
}

// -----

// 2^40 * 2^40 elements: the element count must not wrap around.
cuft.kernel @k() {
  // expected-error@+1 {{expects a shape of reasonable size}}
  %0 = cuft.alloc_local i8 shape [1099511627776, 1099511627776] -> !cuft.array<i8, 2, C, local>
  cuft.return
}

// -----

// 128 * 128 * 4 bytes = 64 KiB of shared memory.
cuft.kernel @k() {
  // expected-error@+1 {{'cuft.alloc_shared' op allocates 65536 bytes of static shared memory, more than the 49152-byte limit per block}}
  %0 = cuft.alloc_shared f32 shape [128, 128] -> !cuft.array<f32, 2, C, shared>
  cuft.return
}

// -----

// Exactly 48 KiB is allowed; the limit does not apply to local memory; 2^40
// elements is the largest shape accepted.
cuft.kernel @k() {
  %0 = cuft.alloc_shared f64 shape [6144] -> !cuft.array<f64, 1, C, shared>
  %1 = cuft.alloc_local f32 shape [128, 128] -> !cuft.array<f32, 2, C, local>
  %2 = cuft.alloc_local i8 shape [1048576, 1048576] -> !cuft.array<i8, 2, C, local>
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects result type '!cuft.array<f32, 1, C, shared>', got '!cuft.array<f32, 1, C>'}}
  %0 = cuft.alloc_shared f32 shape [4] -> !cuft.array<f32, 1, C>
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects result type '!cuft.array<f32, 2, C, local>', got '!cuft.array<f32, 1, C, local>'}}
  %0 = cuft.alloc_local f32 shape [4, 4] -> !cuft.array<f32, 1, C, local>
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects result type '!cuft.array<i32, 1, C, local>', got '!cuft.array<f32, 1, C, local>'}}
  %0 = cuft.alloc_local i32 shape [4] -> !cuft.array<f32, 1, C, local>
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{expects result type '!cuft.array<f32, 1, C, local>', got 'f32'}}
  %0 = cuft.alloc_local f32 shape [4] -> f32
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<i8, 1, C>, %i: i64, %v: i8) {
  // expected-error@+1 {{'cuft.atomic' op does not support this array: atomics need a 32- or 64-bit integer or float element (or float16, for add and sub), got 'i8'}}
  %0 = cuft.atomic add %a[%i], %v : !cuft.array<i8, 1, C>[i64], i8 -> i8
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<i1, 1, C>, %i: i64, %v: i1) {
  // expected-error@+1 {{'cuft.atomic_cas' op does not support this array: atomics need a 32- or 64-bit integer or float element (or float16, for add and sub), got 'bool'}}
  %0 = cuft.atomic_cas %a[%i], %v, %v : !cuft.array<i1, 1, C>[i64], i1, i1 -> i1
  cuft.return
}

// -----

cuft.kernel @k(%i: i64, %v: f32) {
  %a = cuft.alloc_local f32 shape [4] -> !cuft.array<f32, 1, C, local>
  // expected-error@+1 {{'cuft.atomic' op expects an array in global or shared memory}}
  %0 = cuft.atomic max %a[%i], %v : !cuft.array<f32, 1, C, local>[i64], f32 -> f32
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<f32, 1, C>, %i: i64, %v: f64) {
  // expected-error@+1 {{'cuft.atomic' op expects the operand to have the element type 'f32', got 'f64'}}
  %0 = cuft.atomic add %a[%i], %v : !cuft.array<f32, 1, C>[i64], f64 -> f32
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<i32, 1, C>, %i: i64, %v: i32) {
  // expected-error@+1 {{'cuft.atomic' op expects the result to have the element type 'i32', got 'i64'}}
  %0 = cuft.atomic exch %a[%i], %v : !cuft.array<i32, 1, C>[i64], i32 -> i64
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<i32, 1, C>, %i: i64, %v: i32, %w: i64) {
  // expected-error@+1 {{'cuft.atomic_cas' op expects the operand to have the element type 'i32', got 'i64'}}
  %0 = cuft.atomic_cas %a[%i], %w, %v : !cuft.array<i32, 1, C>[i64], i64, i32 -> i32
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<i32, 2, C>, %i: i64, %v: i32) {
  // expected-error@+1 {{'cuft.atomic' op expects 2 index(es) for a rank-2 array, got 1}}
  %0 = cuft.atomic add %a[%i], %v : !cuft.array<i32, 2, C>[i64], i32 -> i32
  cuft.return
}

// -----

cuft.kernel @k(%a: f32, %i: i64, %v: f32) {
  // expected-error@+1 {{'cuft.atomic' op expects an array operand, got 'f32'}}
  %0 = cuft.atomic add %a[%i], %v : f32[i64], f32 -> f32
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<i32, 1, C>, %i: i64, %v: i32) {
  // expected-error@+2 {{expected ::cuft::AtomicKind to be one of: add, sub, min, max, exch, and, or, xor, inc, dec, nanmin, nanmax}}
  // expected-error@+1 {{custom op 'cuft.atomic' failed to parse Cuft_AtomicKindAttr parameter 'value'}}
  %0 = cuft.atomic nand %a[%i], %v : !cuft.array<i32, 1, C>[i64], i32 -> i32
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<i32, 1, C>, %i: i64, %v: i32) {
  // expected-error@+1 {{'cuft.atomic' op does not support this array: atomic inc and dec take unsigned integer elements (uint32, uint64), got 'i32'}}
  %0 = cuft.atomic inc %a[%i], %v : !cuft.array<i32, 1, C>[i64], i32 -> i32
  cuft.return
}

// -----

cuft.kernel @k(%a: !cuft.array<f64, 1, C>, %i: i64, %v: f64) {
  // expected-error@+1 {{'cuft.atomic' op does not support this array: atomic and_, or_ and xor take integer elements, got 'f64'}}
  %0 = cuft.atomic or %a[%i], %v : !cuft.array<f64, 1, C>[i64], f64 -> f64
  cuft.return
}
