// RUN: cuft-opt %s --cuft-specialize="sig=array<i16,1,C>" | FileCheck %s

// `cuft.local.array(4, a.dtype)`: the `like` array's element type becomes the
// dtype and the operand goes; the shape folds as usual.
// CHECK-LABEL: cuft.kernel @alloc_like(
// CHECK: cuft.alloc_local i16 shape [4] -> !cuft.array<i16, 1, C, local>
cuft.kernel @alloc_like(%a: !cuft.unknown) {
  %n = cuft.constant 4 : i64
  %t = cuft.alloc_local !cuft.unknown like %a : !cuft.unknown [%n : i64] -> !cuft.unknown
  %c0 = cuft.constant 0 : i64
  %v = cuft.load %a[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.store %v, %t[%c0] : !cuft.unknown, !cuft.unknown[i64]
  %w = cuft.load %t[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.store %w, %a[%c0] : !cuft.unknown, !cuft.unknown[i64]
  cuft.return
}
