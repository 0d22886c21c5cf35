// RUN: cuft-opt %s --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}
// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s --check-prefix=CALL
// RUN: cuft-opt %s --cuft-to-host | FileCheck %s --check-prefix=HOST

// Warp and block collectives are calls of __cuft_collective(kind, mask,
// value bits, arg, width, bits) (Collectives.h) until a target takes them:
// PTX's shfl.sync (a 64-bit value in two halves, c = ((32 - width) << 8) |
// clamp), vote.sync, bar.warp.sync, activemask and bar.red; the host keeps
// the call, which its runtime runs as a rendezvous of the threads' fibers.

// CALL-LABEL: gpu.func @warp(
// CALL: %[[K:.*]] = arith.constant 2 : i32
// CALL: %[[BITS:.*]] = arith.constant 64 : i32
// CALL: call @__cuft_collective(%[[K]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[BITS]]) : (i32, i32, i64, i32, i32, i32) -> i64
// HOST: call @__cuft_collective
// CHECK-LABEL: .visible .entry warp(
// CHECK: shfl.sync.down.b32
// CHECK: shfl.sync.down.b32
// CHECK: vote.sync.ballot.b32
// CHECK: vote.sync.uni.pred
// CHECK: bar.warp.sync
// CHECK: activemask.b32
// CHECK: bar.red.popc.u32
// CHECK-NOT: __cuft_collective
cuft.kernel @warp(%x: f64, %out: !cuft.array<f64, 1, C>, %n: !cuft.array<ui32, 1, C>, %m: ui32, %d: i32, %w: i32, %p: i1) {
  %c0 = cuft.constant 0 : i64
  %v = cuft.collective shfl_down(%m, %x, %d, %w) : (ui32, f64, i32, i32) -> f64
  cuft.store %v, %out[%c0] : f64, !cuft.array<f64, 1, C>[i64]
  %b = cuft.collective ballot(%m, %p) : (ui32, i1) -> ui32
  cuft.store %b, %n[%c0] : ui32, !cuft.array<ui32, 1, C>[i64]
  %e = cuft.collective eq(%m, %p) : (ui32, i1) -> i1
  %s = cuft.collective syncwarp(%m) : (ui32) -> ui32
  %a = cuft.collective activemask() : () -> ui32
  cuft.store %a, %n[%c0] : ui32, !cuft.array<ui32, 1, C>[i64]
  %c = cuft.collective syncthreads_count(%e) : (i1) -> i32
  %cu = cuft.cast %c : i32 to ui32
  cuft.store %cu, %n[%c0] : ui32, !cuft.array<ui32, 1, C>[i64]
  cuft.return
}

// match.sync takes the value's own width; match_all's mask is the first of
// the pair PTX gives.
// CHECK-LABEL: .visible .entry matches(
// CHECK: match.any.sync.b64
// CHECK: match.all.sync.b32
cuft.kernel @matches(%x: i64, %y: f32, %n: !cuft.array<i32, 1, C>, %m: ui32) {
  %c0 = cuft.constant 0 : i64
  %a = cuft.collective match_any(%m, %x) : (ui32, i64) -> i32
  cuft.store %a, %n[%c0] : i32, !cuft.array<i32, 1, C>[i64]
  %b = cuft.collective match_all(%m, %y) : (ui32, f32) -> i32
  cuft.store %b, %n[%c0] : i32, !cuft.array<i32, 1, C>[i64]
  cuft.return
}

// nanosleep: PTX's, which may not move loads across it (a spin-wait reads
// its flag again each time).
// CHECK-LABEL: .visible .entry sleep(
// CHECK: nanosleep.u32
// HOST: call @__cuft_nanosleep
cuft.kernel @sleep(%ns: ui32) {
  cuft.nanosleep %ns : ui32
  cuft.return
}
