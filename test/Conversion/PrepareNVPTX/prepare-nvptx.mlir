// RUN: cuft-opt %s --prepare-nvptx | FileCheck %s

// The gpu.module gets NVPTX's 64-bit data layout (i64 is 8-byte aligned).
// CHECK: gpu.module @cuft_kernels attributes {llvm.data_layout = "{{.*}}i64:64{{.*}}"}
// libdevice functions are llvm.funcs (no _mlir_ciface_ wrapper), declared once;
// the C library declarations are gone once nothing calls them.
// CHECK-DAG: llvm.func @__nv_lgammaf(f32) -> f32
// CHECK-DAG: llvm.func @__nv_hypot(f64, f64) -> f64
// CHECK-DAG: llvm.func @__nv_fsqrt_rn(f32) -> f32
// CHECK-DAG: llvm.func @__nv_truncf(f32) -> f32
// CHECK-DAG: llvm.func @__nv_trunc(f64) -> f64
// CHECK-NOT: func.func private @lgammaf
// CHECK-NOT: func.func private @hypot(
// Other declarations stay (the checked mode's runtime functions).
// CHECK: func.func private @__cuft_zero_division_error()

// CHECK-LABEL: func.func private @f32_ops(
// CHECK-NEXT: %[[A:.*]] = llvm.call @__nv_lgammaf(%{{.*}}) : (f32) -> f32
// CHECK-NEXT: %[[B:.*]] = llvm.call @__nv_lgammaf(%[[A]]) : (f32) -> f32
// f32 sqrt is correctly rounded unless afn allows the approximation.
// CHECK-NEXT: %[[C:.*]] = llvm.call @__nv_fsqrt_rn(%[[B]]) : (f32) -> f32
// CHECK-NEXT: %[[D:.*]] = math.sqrt %[[C]] fastmath<fast> : f32
// CHECK-NEXT: %[[E:.*]] = llvm.call @__nv_truncf(%[[D]]) : (f32) -> f32
// CHECK-NEXT: return %[[E]]

// CHECK-LABEL: func.func private @f64_ops(
// f64 sqrt is left to convert-gpu-to-nvvm (__nv_sqrt is correctly rounded).
// CHECK-NEXT: %[[S:.*]] = math.sqrt %{{.*}} : f64
// CHECK-NEXT: %[[H:.*]] = llvm.call @__nv_hypot(%[[S]], %{{.*}}) : (f64, f64) -> f64
// CHECK-NEXT: %[[T:.*]] = llvm.call @__nv_trunc(%[[H]]) : (f64) -> f64
// CHECK-NEXT: call @__cuft_zero_division_error() : () -> ()
// CHECK-NEXT: return %[[T]]
module attributes {gpu.container_module} {
  gpu.module @cuft_kernels {
    func.func private @lgammaf(f32) -> f32 attributes {cuft.libm}
    func.func private @hypot(f64, f64) -> f64 attributes {cuft.libm}
    func.func private @__cuft_zero_division_error()
    func.func private @f32_ops(%x: f32) -> f32 {
      %0 = func.call @lgammaf(%x) : (f32) -> f32
      %1 = func.call @lgammaf(%0) : (f32) -> f32
      %2 = math.sqrt %1 : f32
      %3 = math.sqrt %2 fastmath<fast> : f32
      %4 = math.trunc %3 : f32
      return %4 : f32
    }
    func.func private @f64_ops(%x: f64, %y: f64) -> f64 {
      %0 = math.sqrt %x : f64
      %1 = func.call @hypot(%0, %y) : (f64, f64) -> f64
      %2 = math.trunc %1 : f64
      func.call @__cuft_zero_division_error() : () -> ()
      return %2 : f64
    }
  }
}
