// RUN: cuft-opt %s --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}
// RUN: cuft-opt %s --pass-pipeline='builtin.module(convert-cuft-to-cf,convert-cuft-to-gpu,prepare-nvptx,gpu.module(convert-scf-to-cf,convert-gpu-to-nvvm),reconcile-unrealized-casts)' | FileCheck %s --check-prefix=NVVM

// Every function of Python's math module that cuft supports, in f32 and f64,
// through the whole pipeline: each becomes a libdevice call (__nv_*), either
// from convert-gpu-to-nvvm or from prepare-nvptx (the C math library's
// functions, trunc and correctly rounded f32 sqrt), and libdevice is linked in,
// so the PTX keeps no external function and ptxas accepts it.

// Before linking: the calls are plain llvm.calls of libdevice names, with no
// C-interface wrapper (_mlir_ciface_) that libdevice would not define.
// NVVM-DAG: llvm.call @__nv_fsqrt_rn(
// NVVM-DAG: llvm.call @__nv_sinf(
// NVVM-DAG: llvm.call @__nv_sin(
// NVVM-DAG: llvm.call @__nv_lgammaf(
// NVVM-DAG: llvm.call @__nv_lgamma(
// NVVM-DAG: llvm.call @__nv_tgammaf(
// NVVM-DAG: llvm.call @__nv_hypot(
// NVVM-DAG: llvm.call @__nv_truncf(
// NVVM-DAG: llvm.call @__nv_trunc(
// NVVM-DAG: llvm.call @__nv_erfcf(
// NVVM-DAG: llvm.call @__nv_atan2(
// NVVM-DAG: llvm.call @__nv_powf(
// NVVM-DAG: llvm.call @__nv_remainderf(
// NVVM-DAG: llvm.call @__nv_nextafter(
// NVVM-NOT: _mlir_ciface
// NVVM-NOT: math.
// NVVM-NOT: cuft.

// CHECK-NOT: .extern
// CHECK-LABEL: .visible .entry math_f32(
// CHECK: ld.global.b32
// CHECK: st.global.b32
// CHECK-LABEL: .visible .entry math_f64(
// CHECK: ld.global.b64
// CHECK: st.global.b64
// CHECK-NOT: .extern
// CHECK-NOT: __nv_

cuft.kernel @math_f32(%a: !cuft.array<f32, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %x = cuft.load %a[%c0] : !cuft.array<f32, 1, C>[i64] -> f32
  %sqrt0 = cuft.math sqrt(%x) : (f32) -> f32
  %rsqrt1 = cuft.math rsqrt(%sqrt0) : (f32) -> f32
  %cbrt2 = cuft.math cbrt(%rsqrt1) : (f32) -> f32
  %exp3 = cuft.math exp(%cbrt2) : (f32) -> f32
  %exp24 = cuft.math exp2(%exp3) : (f32) -> f32
  %expm15 = cuft.math expm1(%exp24) : (f32) -> f32
  %log6 = cuft.math log(%expm15) : (f32) -> f32
  %log27 = cuft.math log2(%log6) : (f32) -> f32
  %log108 = cuft.math log10(%log27) : (f32) -> f32
  %log1p9 = cuft.math log1p(%log108) : (f32) -> f32
  %sin10 = cuft.math sin(%log1p9) : (f32) -> f32
  %cos11 = cuft.math cos(%sin10) : (f32) -> f32
  %tan12 = cuft.math tan(%cos11) : (f32) -> f32
  %asin13 = cuft.math asin(%tan12) : (f32) -> f32
  %acos14 = cuft.math acos(%asin13) : (f32) -> f32
  %atan15 = cuft.math atan(%acos14) : (f32) -> f32
  %sinh16 = cuft.math sinh(%atan15) : (f32) -> f32
  %cosh17 = cuft.math cosh(%sinh16) : (f32) -> f32
  %tanh18 = cuft.math tanh(%cosh17) : (f32) -> f32
  %asinh19 = cuft.math asinh(%tanh18) : (f32) -> f32
  %acosh20 = cuft.math acosh(%asinh19) : (f32) -> f32
  %atanh21 = cuft.math atanh(%acosh20) : (f32) -> f32
  %fabs22 = cuft.math fabs(%atanh21) : (f32) -> f32
  %floor23 = cuft.math floor(%fabs22) : (f32) -> f32
  %ceil24 = cuft.math ceil(%floor23) : (f32) -> f32
  %trunc25 = cuft.math trunc(%ceil24) : (f32) -> f32
  %erf26 = cuft.math erf(%trunc25) : (f32) -> f32
  %erfc27 = cuft.math erfc(%erf26) : (f32) -> f32
  %lgamma28 = cuft.math lgamma(%erfc27) : (f32) -> f32
  %gamma29 = cuft.math gamma(%lgamma28) : (f32) -> f32
  %atan230 = cuft.math atan2(%gamma29, %x) : (f32, f32) -> f32
  %pow31 = cuft.math pow(%atan230, %x) : (f32, f32) -> f32
  %hypot32 = cuft.math hypot(%pow31, %x) : (f32, f32) -> f32
  %copysign33 = cuft.math copysign(%hypot32, %x) : (f32, f32) -> f32
  %fmod34 = cuft.math fmod(%copysign33, %x) : (f32, f32) -> f32
  %rem35 = cuft.math remainder(%fmod34, %x) : (f32, f32) -> f32
  %next36 = cuft.math nextafter(%rem35, %x) : (f32, f32) -> f32
  %rint37 = cuft.math rint(%next36) : (f32) -> f32
  cuft.store %rint37, %a[%c0] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}

cuft.kernel @math_f64(%a: !cuft.array<f64, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %x = cuft.load %a[%c0] : !cuft.array<f64, 1, C>[i64] -> f64
  %sqrt0 = cuft.math sqrt(%x) : (f64) -> f64
  %rsqrt1 = cuft.math rsqrt(%sqrt0) : (f64) -> f64
  %cbrt2 = cuft.math cbrt(%rsqrt1) : (f64) -> f64
  %exp3 = cuft.math exp(%cbrt2) : (f64) -> f64
  %exp24 = cuft.math exp2(%exp3) : (f64) -> f64
  %expm15 = cuft.math expm1(%exp24) : (f64) -> f64
  %log6 = cuft.math log(%expm15) : (f64) -> f64
  %log27 = cuft.math log2(%log6) : (f64) -> f64
  %log108 = cuft.math log10(%log27) : (f64) -> f64
  %log1p9 = cuft.math log1p(%log108) : (f64) -> f64
  %sin10 = cuft.math sin(%log1p9) : (f64) -> f64
  %cos11 = cuft.math cos(%sin10) : (f64) -> f64
  %tan12 = cuft.math tan(%cos11) : (f64) -> f64
  %asin13 = cuft.math asin(%tan12) : (f64) -> f64
  %acos14 = cuft.math acos(%asin13) : (f64) -> f64
  %atan15 = cuft.math atan(%acos14) : (f64) -> f64
  %sinh16 = cuft.math sinh(%atan15) : (f64) -> f64
  %cosh17 = cuft.math cosh(%sinh16) : (f64) -> f64
  %tanh18 = cuft.math tanh(%cosh17) : (f64) -> f64
  %asinh19 = cuft.math asinh(%tanh18) : (f64) -> f64
  %acosh20 = cuft.math acosh(%asinh19) : (f64) -> f64
  %atanh21 = cuft.math atanh(%acosh20) : (f64) -> f64
  %fabs22 = cuft.math fabs(%atanh21) : (f64) -> f64
  %floor23 = cuft.math floor(%fabs22) : (f64) -> f64
  %ceil24 = cuft.math ceil(%floor23) : (f64) -> f64
  %trunc25 = cuft.math trunc(%ceil24) : (f64) -> f64
  %erf26 = cuft.math erf(%trunc25) : (f64) -> f64
  %erfc27 = cuft.math erfc(%erf26) : (f64) -> f64
  %lgamma28 = cuft.math lgamma(%erfc27) : (f64) -> f64
  %gamma29 = cuft.math gamma(%lgamma28) : (f64) -> f64
  %atan230 = cuft.math atan2(%gamma29, %x) : (f64, f64) -> f64
  %pow31 = cuft.math pow(%atan230, %x) : (f64, f64) -> f64
  %hypot32 = cuft.math hypot(%pow31, %x) : (f64, f64) -> f64
  %copysign33 = cuft.math copysign(%hypot32, %x) : (f64, f64) -> f64
  %fmod34 = cuft.math fmod(%copysign33, %x) : (f64, f64) -> f64
  %rem35 = cuft.math remainder(%fmod34, %x) : (f64, f64) -> f64
  %next36 = cuft.math nextafter(%rem35, %x) : (f64, f64) -> f64
  %rint37 = cuft.math rint(%next36) : (f64) -> f64
  cuft.store %rint37, %a[%c0] : f64, !cuft.array<f64, 1, C>[i64]
  cuft.return
}
