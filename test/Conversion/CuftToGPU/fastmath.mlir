// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu="fast-math=true" | FileCheck %s
// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s --check-prefix=PRECISE

// fast-math=true marks every float arith and math op with fastmath<fast>;
// integer ops carry no flags, and without the option no op has any. Functions
// flush f32 denormals to zero (NVPTX's `.ftz` forms).
// CHECK-LABEL: func.func private @f(
// CHECK-SAME: attributes {denormal_fp_math_f32 = "preserve-sign"}
// CHECK-NEXT: arith.mulf %{{.*}}, %{{.*}} fastmath<fast> : f32
// CHECK-NEXT: arith.addf %{{.*}}, %{{.*}} fastmath<fast> : f32
// CHECK-NEXT: arith.divf %{{.*}}, %{{.*}} fastmath<fast> : f32
// Under fast-math, f32 sqrt carries afn: prepare-nvptx leaves it approximate.
// CHECK-NEXT: math.sqrt %{{.*}} fastmath<fast> : f32
// CHECK-NEXT: math.exp %{{.*}} fastmath<fast> : f32
// CHECK-NEXT: arith.addi %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: return
// PRECISE-LABEL: func.func private @f(
// PRECISE-NOT: denormal_fp_math
// PRECISE-NOT: fastmath
// PRECISE: math.sqrt %{{.*}} : f32
// PRECISE-NOT: fastmath
// PRECISE: return
cuft.func @f(%x: f32, %y: f32, %i: i32) -> f32 {
  %0 = cuft.mul %x, %y : (f32, f32) -> f32
  %1 = cuft.add %0, %y : (f32, f32) -> f32
  %2 = cuft.truediv %1, %y : (f32, f32) -> f32
  %3 = cuft.math sqrt(%2) : (f32) -> f32
  %4 = cuft.math exp(%3) : (f32) -> f32
  %5 = cuft.add %i, %i : (i32, i32) -> i32
  cuft.return %4 : f32
}
