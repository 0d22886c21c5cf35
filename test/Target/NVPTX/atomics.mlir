// RUN: cuft-opt %s --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}

// Typed IR (no specialization needed): atomics on global and shared memory.

// CHECK-LABEL: .visible .entry global_atomics(
// CHECK: atom.global.add.f32
// CHECK: atom.global.add.u32
// Subtraction adds the negated value.
// CHECK: atom.global.add.u32
// CHECK: atom.global.min.s32
// CHECK: atom.global.max.u64
// CHECK: atom.global.exch.b32
// CHECK: atom.global.add.f64
// A float max has no PTX instruction: it becomes a compare-and-swap loop.
// CHECK: atom.{{.*}}global.cas.b32
// CHECK-NOT: atom.global.sub
cuft.kernel @global_atomics(%f: !cuft.array<f32, 1, C>, %i: !cuft.array<i32, 1, C>, %u: !cuft.array<ui64, 1, C>, %d: !cuft.array<f64, 1, C>, %k: i64, %x: f32, %y: i32, %z: ui64, %w: f64) {
  %0 = cuft.atomic add %f[%k], %x : !cuft.array<f32, 1, C>[i64], f32 -> f32
  %1 = cuft.atomic add %i[%k], %y : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %2 = cuft.atomic sub %i[%k], %y : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %3 = cuft.atomic min %i[%k], %y : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %4 = cuft.atomic max %u[%k], %z : !cuft.array<ui64, 1, C>[i64], ui64 -> ui64
  %5 = cuft.atomic exch %i[%k], %y : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %6 = cuft.atomic add %d[%k], %w : !cuft.array<f64, 1, C>[i64], f64 -> f64
  %7 = cuft.atomic max %f[%k], %x : !cuft.array<f32, 1, C>[i64], f32 -> f32
  %s0 = cuft.add %1, %2 : (i32, i32) -> i32
  %s1 = cuft.add %s0, %3 : (i32, i32) -> i32
  %s2 = cuft.add %s1, %5 : (i32, i32) -> i32
  cuft.store %s2, %i[%k] : i32, !cuft.array<i32, 1, C>[i64]
  %f1 = cuft.add %0, %7 : (f32, f32) -> f32
  cuft.store %f1, %f[%k] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.store %4, %u[%k] : ui64, !cuft.array<ui64, 1, C>[i64]
  cuft.store %6, %d[%k] : f64, !cuft.array<f64, 1, C>[i64]
  cuft.return
}

// CHECK-LABEL: .visible .entry shared_atomics(
// CHECK: .shared .align 16 .b8 __cuft_shared[16];
// CHECK: atom.shared.add.u32 {{.*}}[__cuft_shared], 1;
// CHECK: bar.sync 0;
// CHECK: ld.shared.b32
cuft.kernel @shared_atomics(%out: !cuft.array<i32, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %one = cuft.constant 1 : i32
  %s = cuft.alloc_shared i32 shape [4] -> !cuft.array<i32, 1, C, shared>
  %t = cuft.thread_idx x : i64
  %old = cuft.atomic add %s[%c0], %one : !cuft.array<i32, 1, C, shared>[i64], i32 -> i32
  cuft.syncthreads
  %v = cuft.load %s[%c0] : !cuft.array<i32, 1, C, shared>[i64] -> i32
  %r = cuft.add %v, %old : (i32, i32) -> i32
  cuft.store %r, %out[%c0] : i32, !cuft.array<i32, 1, C>[i64]
  cuft.return
}

// CHECK-LABEL: .visible .entry cas(
// CHECK: atom.{{.*}}global.cas.b32
cuft.kernel @cas(%i: !cuft.array<i32, 1, C>, %k: i64, %e: i32, %v: i32) {
  %old = cuft.atomic_cas %i[%k], %e, %v : !cuft.array<i32, 1, C>[i64], i32, i32 -> i32
  %c0 = cuft.constant 0 : i64
  cuft.store %old, %i[%c0] : i32, !cuft.array<i32, 1, C>[i64]
  cuft.return
}

// CHECK-LABEL: .visible .entry fences()
// CHECK: fence.sc.cta;
// CHECK: fence.sc.gpu;
// CHECK: fence.sc.sys;
cuft.kernel @fences() {
  cuft.threadfence block
  cuft.threadfence device
  cuft.threadfence system
  cuft.return
}
