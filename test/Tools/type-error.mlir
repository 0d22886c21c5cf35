// RUN: not cuft-opt %s -split-input-file --cuft-specialize="sig=f32,array<f32,1,C>" 2>&1 | FileCheck %s

// Kernels that are well-formed generic IR but do not type-check for the
// signature (a: f32, x: array<f32,1,C>). Each error is reported at the
// location of the op that caused it (the Python source location when the
// frontend attached one), and cuft-opt exits non-zero without crashing.

// CHECK-NOT: PLEASE submit a bug report

// CHECK: user.py:7:9: error: unsupported operand types for +: 'f32' and 'array<f32,1,C>'
cuft.kernel @add_scalar_array(%a: !cuft.unknown, %x: !cuft.unknown) {
  %0 = cuft.add %a, %x : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown loc("user.py":7:9)
  cuft.return
}

// -----

// CHECK: type-error.mlir:[[@LINE+2]]:8: error: cannot index a value of type 'f32'
cuft.kernel @index_scalar(%a: !cuft.unknown, %x: !cuft.unknown) {
  %0 = cuft.load %a[%a] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
  cuft.return
}

// -----

// CHECK: type-error.mlir:[[@LINE+3]]:8: error: a rank-1 array needs 1 index
cuft.kernel @too_many_indices(%a: !cuft.unknown, %x: !cuft.unknown) {
  %i = cuft.constant 0 : i64
  %0 = cuft.load %x[%i, %i] : !cuft.unknown[i64, i64] -> !cuft.unknown
  cuft.return
}

// -----

// CHECK: type-error.mlir:[[@LINE+2]]:3: error: array indices must be integers, got 'f32'
cuft.kernel @float_index(%a: !cuft.unknown, %x: !cuft.unknown) {
  cuft.store %a, %x[%a] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
  cuft.return
}

// -----

// CHECK: type-error.mlir:[[@LINE+2]]:8: error: bad operand type for unary ~: 'f32'
cuft.kernel @invert_float(%a: !cuft.unknown, %x: !cuft.unknown) {
  %0 = cuft.invert %a : (!cuft.unknown) -> !cuft.unknown
  cuft.return
}

// -----

// CHECK: type-error.mlir:[[@LINE+3]]:8: error: variable 'v' is read but never assigned
cuft.kernel @unassigned(%a: !cuft.unknown, %x: !cuft.unknown) {
  %v = cuft.var "v" : !cuft.var<!cuft.unknown>
  %0 = cuft.var_load %v : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.return
}

// -----

// CHECK: type-error.mlir:[[@LINE+2]]:3: error: range() arguments must be integers, got 'f32'
cuft.kernel @float_range(%a: !cuft.unknown, %x: !cuft.unknown) {
  cuft.for %i = %a to %a step %a : !cuft.unknown {
  }
  cuft.return
}

// -----

// CHECK: type-error.mlir:[[@LINE+2]]:8: error: dimension 3 is out of range for a rank-1
cuft.kernel @dim_out_of_range(%a: !cuft.unknown, %x: !cuft.unknown) {
  %0 = cuft.dim %x, 3 : !cuft.unknown -> i64
  cuft.return
}

// -----

// CHECK: type-error.mlir:[[@LINE+2]]:8: error: 'f32' has no shape: expected an array
cuft.kernel @shape_of_scalar(%a: !cuft.unknown, %x: !cuft.unknown) {
  %0 = cuft.dim %a, 0 : !cuft.unknown -> i64
  cuft.return
}
