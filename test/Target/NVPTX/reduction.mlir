// RUN: cuft-opt %s --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: FileCheck %s --input-file %t.ptx --check-prefix=ATOM
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}

// A typed block reduction over f64 with a grid-stride loop and a for loop with a
// negative step and a barrier in its body (levels = log2 of the block size):
//
//   buf = cuft.shared.array(256, cuft.float64)
//   tid = cuft.threadIdx.x
//   acc = 0.0
//   for i in range(cuft.grid(1), x.shape[0], cuft.gridsize(1)):
//       acc += x[i]
//   buf[tid] = acc
//   cuft.syncthreads()
//   for s in range(levels - 1, -1, -1):
//       if tid < (1 << s):
//           buf[tid] += buf[tid + (1 << s)]
//       cuft.syncthreads()
//   if tid == 0:
//       cuft.atomic.add(out, 0, buf[0])

// CHECK-LABEL: .visible .entry reduce(
// CHECK: .shared .align 16 .b8 __cuft_shared[2048];
// The grid-stride loop: grid(1) start, gridsize(1) step.
// CHECK: mov.u32 {{.*}}%ntid.x;
// CHECK: mov.u32 {{.*}}%ctaid.x;
// CHECK: mov.u32 {{.*}}%nctaid.x;
// CHECK: ld.global.b64
// CHECK: add.f64
// CHECK: st.shared.b64
// CHECK: bar.sync 0;
// The tree loop keeps its barrier inside the loop: the barrier is followed by the
// step (s -= 1) and a branch back to the body, which reads and writes shared memory.
// CHECK: bar.sync 0;
// CHECK-NEXT: add.s64 {{.*}}, -1;
// CHECK: @%p{{[0-9]+}} bra [[BODY:\$L__BB[0-9_]+]];
// CHECK: [[BODY]]:
// CHECK: ld.shared.b64
// CHECK: ld.shared.b64
// CHECK: add.f64
// CHECK: st.shared.b64
// CHECK: bra.uni
// Thread 0 adds the block's sum.
// ATOM: ld.shared.b64 {{.*}}[__cuft_shared];
// ATOM-NEXT: atom.global.add.f64
cuft.kernel @reduce(%x: !cuft.array<f64, 1, C>, %out: !cuft.array<f64, 1, C>, %levels: i64) {
  %acc = cuft.var "acc" : !cuft.var<f64>
  %buf = cuft.alloc_shared f64 shape [256] -> !cuft.array<f64, 1, C, shared>
  %tid = cuft.thread_idx x : i64
  %zero = cuft.constant 0.0 : f64
  cuft.var_store %zero, %acc : f64, !cuft.var<f64>
  %g = cuft.grid 1 : i64
  %gs = cuft.gridsize 1 : i64
  %n = cuft.dim %x, 0 : !cuft.array<f64, 1, C> -> i64
  cuft.for %i = %g to %n step %gs : i64 {
    %v = cuft.load %x[%i] : !cuft.array<f64, 1, C>[i64] -> f64
    %a = cuft.var_load %acc : !cuft.var<f64> -> f64
    %s = cuft.add %a, %v : (f64, f64) -> f64
    cuft.var_store %s, %acc : f64, !cuft.var<f64>
  }
  %a1 = cuft.var_load %acc : !cuft.var<f64> -> f64
  cuft.store %a1, %buf[%tid] : f64, !cuft.array<f64, 1, C, shared>[i64]
  cuft.syncthreads
  %cm1 = cuft.constant -1 : i64
  %one = cuft.constant 1 : i64
  %top = cuft.sub %levels, %one : (i64, i64) -> i64
  cuft.for %s = %top to %cm1 step %cm1 : i64 {
    %half = cuft.shl %one, %s : (i64, i64) -> i64
    %active = cuft.cmp lt, %tid, %half : (i64, i64) -> i1
    cuft.if %active : i1 {
      %j = cuft.add %tid, %half : (i64, i64) -> i64
      %l = cuft.load %buf[%tid] : !cuft.array<f64, 1, C, shared>[i64] -> f64
      %r = cuft.load %buf[%j] : !cuft.array<f64, 1, C, shared>[i64] -> f64
      %sum = cuft.add %l, %r : (f64, f64) -> f64
      cuft.store %sum, %buf[%tid] : f64, !cuft.array<f64, 1, C, shared>[i64]
    }
    cuft.syncthreads
  }
  %c0 = cuft.constant 0 : i64
  %first = cuft.cmp eq, %tid, %c0 : (i64, i64) -> i1
  cuft.if %first : i1 {
    %total = cuft.load %buf[%c0] : !cuft.array<f64, 1, C, shared>[i64] -> f64
    %old = cuft.atomic add %out[%c0], %total : !cuft.array<f64, 1, C>[i64], f64 -> f64
  }
  cuft.return
}
