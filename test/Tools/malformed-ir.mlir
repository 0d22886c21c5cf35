// RUN: not cuft-opt %s -split-input-file 2>&1 | FileCheck %s

// Malformed IR: every chunk fails to parse with a located diagnostic, and
// cuft-opt exits non-zero without crashing.

// CHECK-NOT: PLEASE submit a bug report

// CHECK: malformed-ir.mlir:[[@LINE+2]]:{{[0-9]+}}: error: expected ':'
cuft.kernel @missing_type(%a: !cuft.unknown) {
  %0 = cuft.add %a, %a (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+2]]:{{[0-9]+}}: error: use of undeclared SSA value name
cuft.kernel @undeclared() {
  %0 = cuft.neg %nope : (i64) -> i64
  cuft.return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: use of value '%a' expects different type than prior uses: 'f32' vs 'i64'
cuft.kernel @type_mismatch(%a: i64) {
  %c = cuft.constant true
  cuft.if %c : i1 { %0 = cuft.neg %a : (f32) -> f32 }
  cuft.return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+2]]:{{[0-9]+}}: error: expected '{' to begin a region
cuft.kernel @for_without_body(%n: i64) {
  cuft.for %i = %n to %n step %n : i64
  cuft.return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+4]]:{{[0-9]+}}: error: custom op 'cuft.while' expected 'do'
cuft.kernel @while_without_do(%c: i1) {
  cuft.while {
    cuft.condition %c : i1
  } {
  }
  cuft.return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: unbalanced '<' character in pretty dialect name
cuft.kernel @bad_type(%a: !cuft.array<f32, 1, C) {
  cuft.return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+2]]:{{[0-9]+}}: error: expected '}' in attribute dictionary
cuft.kernel @bad_attr(%c: i1) {
  cuft.if %c : i1 {} {tag = 1
  cuft.return
}

// -----

// A truncated file: the kernel body never closes; the error points at the end
// of the input.
// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: expected operation name in quotes
cuft.kernel @truncated(%a: !cuft.unknown) {
  %0 = cuft.add %a, %a : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return
