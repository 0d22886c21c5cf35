// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s

// Functions that have a math-dialect op lower to it (convert-gpu-to-nvvm later
// turns them into libdevice calls). Those without one, and trunc (which
// convert-gpu-to-nvvm does not handle), call libdevice directly through an
// llvm.func declaration, declared once per name.
// CHECK-LABEL: gpu.module @cuft_kernels
// CHECK-DAG: llvm.func @__nv_fsqrt_rn(f32) -> f32
// CHECK-DAG: llvm.func @__nv_lgammaf(f32) -> f32
// CHECK-DAG: llvm.func @__nv_tgammaf(f32) -> f32
// CHECK-DAG: llvm.func @__nv_hypotf(f32, f32) -> f32
// CHECK-DAG: llvm.func @__nv_truncf(f32) -> f32
// CHECK-DAG: llvm.func @__nv_lgamma(f64) -> f64
// CHECK-DAG: llvm.func @__nv_tgamma(f64) -> f64
// CHECK-DAG: llvm.func @__nv_hypot(f64, f64) -> f64
// CHECK-DAG: llvm.func @__nv_trunc(f64) -> f64
// CHECK-NOT: llvm.func @__nv_lgammaf
// f32 sqrt is correctly rounded: libdevice's __nv_fsqrt_rn, not math.sqrt (whose
// __nv_sqrtf is approximate by default).
// CHECK-LABEL: func.func private @unary_f32(
// CHECK-NEXT: llvm.call @__nv_fsqrt_rn(%{{.*}}) : (f32) -> f32
// CHECK-NEXT: math.rsqrt
// CHECK-NEXT: math.cbrt
// CHECK-NEXT: math.exp %
// CHECK-NEXT: math.exp2
// CHECK-NEXT: math.expm1
// CHECK-NEXT: math.log %
// CHECK-NEXT: math.log2
// CHECK-NEXT: math.log10
// CHECK-NEXT: math.log1p
// CHECK-NEXT: math.sin %
// CHECK-NEXT: math.cos %
// CHECK-NEXT: math.tan %
// CHECK-NEXT: math.asin %
// CHECK-NEXT: math.acos %
// CHECK-NEXT: math.atan %
// CHECK-NEXT: math.sinh
// CHECK-NEXT: math.cosh
// CHECK-NEXT: math.tanh
// CHECK-NEXT: math.asinh
// CHECK-NEXT: math.acosh
// CHECK-NEXT: math.atanh
// CHECK-NEXT: math.absf
// CHECK-NEXT: math.floor
// CHECK-NEXT: math.ceil
// CHECK-NEXT: math.erf %
// CHECK-NEXT: math.erfc
// CHECK-NEXT: return
cuft.func @unary_f32(%x: f32) -> f32 {
  %0 = cuft.math sqrt(%x) : (f32) -> f32
  %1 = cuft.math rsqrt(%0) : (f32) -> f32
  %2 = cuft.math cbrt(%1) : (f32) -> f32
  %3 = cuft.math exp(%2) : (f32) -> f32
  %4 = cuft.math exp2(%3) : (f32) -> f32
  %5 = cuft.math expm1(%4) : (f32) -> f32
  %6 = cuft.math log(%5) : (f32) -> f32
  %7 = cuft.math log2(%6) : (f32) -> f32
  %8 = cuft.math log10(%7) : (f32) -> f32
  %9 = cuft.math log1p(%8) : (f32) -> f32
  %10 = cuft.math sin(%9) : (f32) -> f32
  %11 = cuft.math cos(%10) : (f32) -> f32
  %12 = cuft.math tan(%11) : (f32) -> f32
  %13 = cuft.math asin(%12) : (f32) -> f32
  %14 = cuft.math acos(%13) : (f32) -> f32
  %15 = cuft.math atan(%14) : (f32) -> f32
  %16 = cuft.math sinh(%15) : (f32) -> f32
  %17 = cuft.math cosh(%16) : (f32) -> f32
  %18 = cuft.math tanh(%17) : (f32) -> f32
  %19 = cuft.math asinh(%18) : (f32) -> f32
  %20 = cuft.math acosh(%19) : (f32) -> f32
  %21 = cuft.math atanh(%20) : (f32) -> f32
  %22 = cuft.math fabs(%21) : (f32) -> f32
  %23 = cuft.math floor(%22) : (f32) -> f32
  %24 = cuft.math ceil(%23) : (f32) -> f32
  %25 = cuft.math erf(%24) : (f32) -> f32
  %26 = cuft.math erfc(%25) : (f32) -> f32
  cuft.return %26 : f32
}

// CHECK-LABEL: func.func private @binary_f64(
// CHECK-SAME: %[[X:.*]]: f64, %[[Y:.*]]: f64) -> f64
// CHECK-NEXT: %[[A:.*]] = math.atan2 %[[X]], %[[Y]] : f64
// CHECK-NEXT: %[[P:.*]] = math.powf %[[A]], %[[Y]] : f64
// CHECK-NEXT: %[[C:.*]] = math.copysign %[[P]], %[[Y]] : f64
// math.fmod keeps the dividend's sign (C fmod), unlike Python's `%`: no fixup.
// CHECK-NEXT: %[[M:.*]] = arith.remf %[[C]], %[[Y]] : f64
// CHECK-NEXT: return %[[M]]
cuft.func @binary_f64(%x: f64, %y: f64) -> f64 {
  %0 = cuft.math atan2(%x, %y) : (f64, f64) -> f64
  %1 = cuft.math pow(%0, %y) : (f64, f64) -> f64
  %2 = cuft.math copysign(%1, %y) : (f64, f64) -> f64
  %3 = cuft.math fmod(%2, %y) : (f64, f64) -> f64
  cuft.return %3 : f64
}

// CHECK-LABEL: func.func private @libdevice_f32(
// CHECK-SAME: %[[X:.*]]: f32) -> f32
// CHECK-NEXT: %[[A:.*]] = llvm.call @__nv_lgammaf(%[[X]]) : (f32) -> f32
// CHECK-NEXT: %[[B:.*]] = llvm.call @__nv_tgammaf(%[[A]]) : (f32) -> f32
// CHECK-NEXT: %[[C:.*]] = llvm.call @__nv_hypotf(%[[B]], %[[X]]) : (f32, f32) -> f32
// CHECK-NEXT: %[[D:.*]] = llvm.call @__nv_truncf(%[[C]]) : (f32) -> f32
// CHECK-NEXT: llvm.call @__nv_lgammaf(%[[D]]) : (f32) -> f32
cuft.func @libdevice_f32(%x: f32) -> f32 {
  %0 = cuft.math lgamma(%x) : (f32) -> f32
  %1 = cuft.math gamma(%0) : (f32) -> f32
  %2 = cuft.math hypot(%1, %x) : (f32, f32) -> f32
  %3 = cuft.math trunc(%2) : (f32) -> f32
  %4 = cuft.math lgamma(%3) : (f32) -> f32
  cuft.return %4 : f32
}

// CHECK-LABEL: func.func private @libdevice_f64(
// CHECK-NEXT: math.sqrt %{{.*}} : f64
// CHECK-NEXT: llvm.call @__nv_lgamma(%{{.*}}) : (f64) -> f64
// CHECK-NEXT: llvm.call @__nv_tgamma(%{{.*}}) : (f64) -> f64
// CHECK-NEXT: llvm.call @__nv_hypot(%{{.*}}, %{{.*}}) : (f64, f64) -> f64
// CHECK-NEXT: llvm.call @__nv_trunc(%{{.*}}) : (f64) -> f64
cuft.func @libdevice_f64(%x: f64) -> f64 {
  %s = cuft.math sqrt(%x) : (f64) -> f64
  %0 = cuft.math lgamma(%s) : (f64) -> f64
  %1 = cuft.math gamma(%0) : (f64) -> f64
  %2 = cuft.math hypot(%1, %x) : (f64, f64) -> f64
  %3 = cuft.math trunc(%2) : (f64) -> f64
  cuft.return %3 : f64
}
