// RUN: cuft-opt %s --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}
// RUN: cuft-opt %s --cuft-to-ptx --emit-mlir | FileCheck %s --check-prefix=MLIR

// A while loop with a break: find the first index holding `key`.
//
//   i = 0
//   while i < a.shape[0]:
//       if a[i] == key:
//           break
//       i += 1
//   out[0] = i

// CHECK-LABEL: .visible .entry find(
// The loop head, the comparison with the key and the break out of the loop, then
// the backward branch; both exits reach the store of i.
// CHECK: [[HEAD:\$L__BB[0-9_]+]]:
// CHECK-NEXT: ld.global.b32
// CHECK-NEXT: setp.eq.{{[bs]}}32 [[HIT:%p[0-9]+]],
// CHECK: @[[HIT]] bra [[EXIT:\$L__BB[0-9_]+]];
// CHECK: bra [[HEAD]];
// CHECK: [[EXIT]]:
// CHECK-NEXT: st.global
// CHECK: ret;

// --emit-mlir prints the module that holds the PTX instead of the PTX text.
// MLIR: module attributes {gpu.container_module}
// MLIR: gpu.binary @cuft_kernels
// MLIR-SAME: #gpu.object<#nvvm.target<{{.*}}chip = "sm_90"
// MLIR-SAME: .visible .entry find(
// MLIR-NOT: cuft.
cuft.kernel @find(%a: !cuft.array<i32, 1, C>, %key: i32, %out: !cuft.array<i64, 1, C>) {
  %i = cuft.var "i" : !cuft.var<i64>
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.var_store %c0, %i : i64, !cuft.var<i64>
  cuft.while {
    %i0 = cuft.var_load %i : !cuft.var<i64> -> i64
    %n = cuft.dim %a, 0 : !cuft.array<i32, 1, C> -> i64
    %more = cuft.cmp lt, %i0, %n : (i64, i64) -> i1
    cuft.condition %more : i1
  } do {
    %i1 = cuft.var_load %i : !cuft.var<i64> -> i64
    %v = cuft.load %a[%i1] : !cuft.array<i32, 1, C>[i64] -> i32
    %hit = cuft.cmp eq, %v, %key : (i32, i32) -> i1
    cuft.if %hit : i1 {
      cuft.break
    }
    %i2 = cuft.add %i1, %c1 : (i64, i64) -> i64
    cuft.var_store %i2, %i : i64, !cuft.var<i64>
  }
  %r = cuft.var_load %i : !cuft.var<i64> -> i64
  cuft.store %r, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.return
}
