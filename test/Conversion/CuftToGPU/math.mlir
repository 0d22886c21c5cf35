// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s

// The lowering is target-independent: functions that have a math-dialect op
// lower to it; those without one (lgamma, gamma, hypot) call the C math
// library's function, declared once per name and marked cuft.libm, which each
// target supplies (prepare-nvptx: libdevice's; the host: libm's). No libdevice
// name (__nv_*) appears before the target's own lowering.
// CHECK-LABEL: gpu.module @cuft_kernels
// CHECK-NOT: __nv_
// CHECK-DAG: func.func private @lgammaf(f32) -> f32 attributes {cuft.libm}
// CHECK-DAG: func.func private @tgammaf(f32) -> f32 attributes {cuft.libm}
// CHECK-DAG: func.func private @hypotf(f32, f32) -> f32 attributes {cuft.libm}
// CHECK-DAG: func.func private @lgamma(f64) -> f64 attributes {cuft.libm}
// CHECK-DAG: func.func private @tgamma(f64) -> f64 attributes {cuft.libm}
// CHECK-DAG: func.func private @hypot(f64, f64) -> f64 attributes {cuft.libm}
// CHECK-NOT: func.func private @lgammaf
// CHECK-LABEL: func.func private @unary_f32(
// CHECK-NEXT: math.sqrt %{{.*}} : f32
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

// CHECK-LABEL: func.func private @libm_f32(
// CHECK-SAME: %[[X:.*]]: f32) -> f32
// CHECK-NEXT: %[[A:.*]] = call @lgammaf(%[[X]]) : (f32) -> f32
// CHECK-NEXT: %[[B:.*]] = call @tgammaf(%[[A]]) : (f32) -> f32
// CHECK-NEXT: %[[C:.*]] = call @hypotf(%[[B]], %[[X]]) : (f32, f32) -> f32
// CHECK-NEXT: %[[D:.*]] = math.trunc %[[C]] : f32
// CHECK-NEXT: call @lgammaf(%[[D]]) : (f32) -> f32
cuft.func @libm_f32(%x: f32) -> f32 {
  %0 = cuft.math lgamma(%x) : (f32) -> f32
  %1 = cuft.math gamma(%0) : (f32) -> f32
  %2 = cuft.math hypot(%1, %x) : (f32, f32) -> f32
  %3 = cuft.math trunc(%2) : (f32) -> f32
  %4 = cuft.math lgamma(%3) : (f32) -> f32
  cuft.return %4 : f32
}

// CHECK-LABEL: func.func private @libm_f64(
// CHECK-NEXT: math.sqrt %{{.*}} : f64
// CHECK-NEXT: call @lgamma(%{{.*}}) : (f64) -> f64
// CHECK-NEXT: call @tgamma(%{{.*}}) : (f64) -> f64
// CHECK-NEXT: call @hypot(%{{.*}}, %{{.*}}) : (f64, f64) -> f64
// CHECK-NEXT: math.trunc %{{.*}} : f64
cuft.func @libm_f64(%x: f64) -> f64 {
  %s = cuft.math sqrt(%x) : (f64) -> f64
  %0 = cuft.math lgamma(%s) : (f64) -> f64
  %1 = cuft.math gamma(%0) : (f64) -> f64
  %2 = cuft.math hypot(%1, %x) : (f64, f64) -> f64
  %3 = cuft.math trunc(%2) : (f64) -> f64
  cuft.return %3 : f64
}
