// cuft.var, cuft.var_load and cuft.var_store print their !cuft.var type
// without the dialect prefix today; the checks accept either spelling.
// RUN: cuft-opt %s | cuft-opt | FileCheck %s
// RUN: cuft-opt %s -mlir-print-op-generic | cuft-opt | FileCheck %s

// Kernels, device functions, calls, returns and local variables.

// CHECK-LABEL: cuft.kernel @empty()
// CHECK-NEXT: cuft.return
cuft.kernel @empty() {
  cuft.return
}

// Argument attributes (constexpr arguments) are kept.
// CHECK-LABEL: cuft.kernel @constexpr_arg
// CHECK-SAME: (%{{.*}}: !cuft.unknown, %{{.*}}: !cuft.unknown {cuft.constexpr})
cuft.kernel @constexpr_arg(%a: !cuft.unknown, %n: !cuft.unknown {cuft.constexpr}) {
  cuft.return
}

// A generic device function is a template called with unknown types.
// CHECK-LABEL: cuft.func @clamp
// CHECK-SAME: (%{{.*}}: !cuft.unknown, %{{.*}}: !cuft.unknown, %{{.*}}: !cuft.unknown) -> !cuft.unknown
// CHECK: cuft.return %{{.*}} : !cuft.unknown
cuft.func @clamp(%v: !cuft.unknown, %lo: !cuft.unknown, %hi: !cuft.unknown) -> !cuft.unknown {
  %0 = cuft.max %v, %lo : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  %1 = cuft.min %0, %hi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return %1 : !cuft.unknown
}

// CHECK-LABEL: cuft.func @typed_clamp
// CHECK-SAME: (%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32) -> f32
cuft.func @typed_clamp(%v: f32, %lo: f32, %hi: f32) -> f32 {
  %0 = cuft.max %v, %lo : (f32, f32) -> f32
  %1 = cuft.min %0, %hi : (f32, f32) -> f32
  cuft.return %1 : f32
}

// CHECK-LABEL: cuft.func @no_result
// CHECK-SAME: (%{{.*}}: !cuft.array<f32, 1, C, shared>)
cuft.func @no_result(%s: !cuft.array<f32, 1, C, shared>) {
  cuft.return
}

// CHECK-LABEL: cuft.kernel @calls
// CHECK: cuft.call @clamp(%{{.*}}, %{{.*}}, %{{.*}}) : (!cuft.unknown, f32, !cuft.unknown) -> !cuft.unknown
// CHECK: cuft.call @typed_clamp(%{{.*}}, %{{.*}}, %{{.*}}) : (f32, f32, f32) -> f32
// CHECK: cuft.call @no_result(%{{.*}}) : (!cuft.array<f32, 1, C, shared>) -> ()
cuft.kernel @calls(%u: !cuft.unknown, %f: f32) {
  %0 = cuft.call @clamp(%u, %f, %u) : (!cuft.unknown, f32, !cuft.unknown) -> !cuft.unknown
  %1 = cuft.call @typed_clamp(%f, %f, %f) : (f32, f32, f32) -> f32
  %s = cuft.alloc_shared f32 shape [8] -> !cuft.array<f32, 1, C, shared>
  cuft.call @no_result(%s) : (!cuft.array<f32, 1, C, shared>) -> ()
  cuft.return
}

// Local variables live in the entry block; loads and stores may sit anywhere.
// CHECK-LABEL: cuft.kernel @variables
// CHECK: %[[ACC:.*]] = cuft.var "acc" : {{(!cuft.var)?}}<f32>
// CHECK: %[[G:.*]] = cuft.var "g" : {{(!cuft.var)?}}<!cuft.unknown>
// CHECK: cuft.var_store %{{.*}}, %[[ACC]] : f32, {{(!cuft.var)?}}<f32>
// CHECK: cuft.var_store %{{.*}}, %[[G]] : i64, {{(!cuft.var)?}}<!cuft.unknown>
// CHECK: cuft.if
// CHECK-NEXT: cuft.var_load %[[ACC]] : {{(!cuft.var)?}}<f32> -> f32
// CHECK-NEXT: cuft.var_load %[[G]] : {{(!cuft.var)?}}<!cuft.unknown> -> !cuft.unknown
cuft.kernel @variables(%f: f32, %c: i1) {
  %acc = cuft.var "acc" : !cuft.var<f32>
  %g = cuft.var "g" : !cuft.var<!cuft.unknown>
  %i = cuft.grid 1 : i64
  cuft.var_store %f, %acc : f32, !cuft.var<f32>
  cuft.var_store %i, %g : i64, !cuft.var<!cuft.unknown>
  cuft.if %c : i1 {
    %0 = cuft.var_load %acc : !cuft.var<f32> -> f32
    %1 = cuft.var_load %g : !cuft.var<!cuft.unknown> -> !cuft.unknown
  }
  cuft.return
}
