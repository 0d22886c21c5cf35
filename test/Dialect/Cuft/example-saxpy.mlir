// The documented generic-IR example parses, verifies and round-trips.
// RUN: cuft-opt %cuft_src/docs/examples/saxpy.mlir | cuft-opt | FileCheck %s

// CHECK-LABEL: cuft.kernel @saxpy
// CHECK-SAME: (%[[A:.*]]: !cuft.unknown, %[[X:.*]]: !cuft.unknown, %[[Y:.*]]: !cuft.unknown)
// CHECK: %[[N:.*]] = cuft.dim %[[X]], 0 : !cuft.unknown -> i64
// CHECK: %[[C:.*]] = cuft.cmp lt, %{{.*}}, %[[N]] : (!cuft.unknown, i64) -> !cuft.unknown
// CHECK: cuft.if %[[C]] : !cuft.unknown {
// CHECK: cuft.mul %[[A]], %{{.*}} : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
// CHECK: cuft.store %{{.*}}, %[[Y]][%{{.*}}] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
// CHECK-NEXT: }
// CHECK-NEXT: cuft.return
