// RUN: cuft-opt %s --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}

// Typed kernels: 2D and 3D grid indexing, F-layout and strided arrays, unsigned
// and 64-bit integer arithmetic.

// b[i, j] = a[i, j] with a in F layout: the address uses the runtime strides.
// CHECK-LABEL: .visible .entry transpose_copy(
// CHECK-DAG: mov.u32 {{.*}}%tid.x;
// CHECK-DAG: mov.u32 {{.*}}%tid.y;
// CHECK-DAG: mov.u32 {{.*}}%ctaid.y;
// CHECK: mul.lo.s64
// CHECK: ld.global.b64
// CHECK: st.global.b64
cuft.kernel @transpose_copy(%a: !cuft.array<f64, 2, F>, %b: !cuft.array<f64, 2, strided>) {
  %i, %j = cuft.grid 2 : i64, i64
  %n = cuft.dim %a, 0 : !cuft.array<f64, 2, F> -> i64
  %m = cuft.dim %a, 1 : !cuft.array<f64, 2, F> -> i64
  %ci = cuft.cmp lt, %i, %n : (i64, i64) -> i1
  %cj = cuft.cmp lt, %j, %m : (i64, i64) -> i1
  %c = cuft.bitand %ci, %cj : (i1, i1) -> i1
  cuft.if %c : i1 {
    %v = cuft.load %a[%i, %j] : !cuft.array<f64, 2, F>[i64, i64] -> f64
    cuft.store %v, %b[%j, %i] : f64, !cuft.array<f64, 2, strided>[i64, i64]
  }
  cuft.return
}

// A 3D grid reads all three thread and block coordinates.
// CHECK-LABEL: .visible .entry fill3d(
// CHECK-DAG: mov.u32 {{.*}}%tid.x;
// CHECK-DAG: mov.u32 {{.*}}%tid.y;
// CHECK-DAG: mov.u32 {{.*}}%tid.z;
// CHECK-DAG: mov.u32 {{.*}}%ctaid.z;
// CHECK-DAG: mov.u32 {{.*}}%ntid.z;
// CHECK: st.global.b32
cuft.kernel @fill3d(%a: !cuft.array<i32, 3, C>) {
  %i, %j, %k = cuft.grid 3 : i64, i64, i64
  %t = cuft.thread_idx z : i64
  %t32 = cuft.cast %t : i64 to i32
  cuft.store %t32, %a[%i, %j, %k] : i32, !cuft.array<i32, 3, C>[i64, i64, i64]
  cuft.return
}

// Unsigned 32-bit division, remainder and shift; signed 64-bit floor division
// and Python modulo.
// CHECK-LABEL: .visible .entry ints(
// CHECK-DAG: div.u32
// CHECK-DAG: rem.u32
// CHECK-DAG: shr.u32
// CHECK-DAG: div.s64
// The remainder reuses the quotient: p - (p / q) * q.
// CHECK-DAG: mul.lo.s64
// CHECK-DAG: st.global.b32
// i64 stores are single 8-byte stores: the gpu.module carries NVPTX's data
// layout, so LLVM IR is built with 8-byte alignment for i64.
// CHECK-DAG: st.global.b64 {{.*}}, %rd
// CHECK-DAG: st.global.b64 [{{.*}}+8], %rd
cuft.kernel @ints(%u: !cuft.array<ui32, 1, C>, %s: !cuft.array<i64, 1, C>, %x: ui32, %y: ui32, %p: i64, %q: i64) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  %d = cuft.floordiv %x, %y : (ui32, ui32) -> ui32
  %r = cuft.mod %d, %y : (ui32, ui32) -> ui32
  %sh = cuft.shr %r, %y : (ui32, ui32) -> ui32
  cuft.store %sh, %u[%c0] : ui32, !cuft.array<ui32, 1, C>[i64]
  %fd = cuft.floordiv %p, %q : (i64, i64) -> i64
  %md = cuft.mod %p, %q : (i64, i64) -> i64
  cuft.store %fd, %s[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.store %md, %s[%c1] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.return
}
