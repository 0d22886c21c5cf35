// RUN: not cuft-opt %s -split-input-file 2>&1 | FileCheck %s

// Unknown and unregistered operations are reported where they appear.

// CHECK-NOT: PLEASE submit a bug report

// CHECK: unknown-op.mlir:[[@LINE+2]]:8: error: custom op 'cuft.frobnicate' is unknown
cuft.kernel @k() {
  %0 = cuft.frobnicate : i32
  cuft.return
}

// -----

// CHECK: unknown-op.mlir:[[@LINE+2]]:8: error: unregistered operation 'cuft.frobnicate' found in dialect ('cuft') that does not allow unknown operations
cuft.kernel @k() {
  %0 = "cuft.frobnicate"() : () -> i32
  cuft.return
}

// -----

// CHECK: unknown-op.mlir:[[@LINE+2]]:8: error: Dialect `foo' not found for custom op 'foo.bar'
cuft.kernel @k() {
  %0 = foo.bar : i32
  cuft.return
}

// -----

// CHECK: unknown-op.mlir:[[@LINE+2]]:{{[0-9]+}}: error: operation being parsed with an unregistered dialect
cuft.kernel @k() {
  %0 = "foo.bar"() : () -> i32
  cuft.return
}

// -----

// Python-level names that are not cuft ops (a frontend that emitted them would
// be wrong): `cuft.range` and a misspelt `cuft.syncthread`.
// CHECK: unknown-op.mlir:[[@LINE+2]]:3: error: custom op 'cuft.syncthread' is unknown
cuft.kernel @k() {
  cuft.syncthread
  cuft.return
}

// -----

// CHECK: unknown-op.mlir:[[@LINE+1]]:1: error: custom op 'cuft.kernal' is unknown
cuft.kernal @k() {
  cuft.return
}

// -----

// An unknown dialect type.
// CHECK: unknown-op.mlir:[[@LINE+1]]:{{[0-9]+}}: error: unknown  type `tensor` in dialect `cuft`
cuft.kernel @k(%a: !cuft.tensor<f32>) {
  cuft.return
}
