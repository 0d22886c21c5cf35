// RUN: not cuft-opt %s --cuft-specialize="sig=array<f32,1,C>" 2>&1 | FileCheck %s

// Inference revisits a call until its types reach a fixpoint; a device function
// that fails to specialize must still be reported exactly once.
// CHECK: specialize-callee-error.mlir:[[@LINE+4]]:8: error: unsupported operand types for &: 'f32' and 'i64'
// CHECK-NOT: error:
cuft.func @bad(%x: !cuft.unknown) -> !cuft.unknown {
  %c = cuft.constant 1 : i64
  %r = cuft.bitand %x, %c : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.return %r : !cuft.unknown
}
// CHECK: specialize-callee-error.mlir:[[@LINE+5]]:8: remark: in the call of 'bad' from here
// CHECK-NOT: error:
cuft.kernel @k(%a: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %v = cuft.load %a[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  %r = cuft.call @bad(%v) : (!cuft.unknown) -> !cuft.unknown
  cuft.store %r, %a[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}

