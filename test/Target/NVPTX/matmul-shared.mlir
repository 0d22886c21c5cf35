// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,2,C>,array<f32,2,C>,array<f32,2,C>,i64=16" --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}

// A tiled matmul in generic IR, as the frontend emits it, with a constexpr tile
// size that sizes two shared buffers (16 * 16 * 4 = 1024 bytes each):
//
//   @cuft.kernel
//   def matmul(A, B, C, TILE: cuft.constexpr):
//       sA = cuft.shared.array((TILE, TILE), cuft.float32)
//       sB = cuft.shared.array((TILE, TILE), cuft.float32)
//       tx = cuft.threadIdx.x
//       ty = cuft.threadIdx.y
//       row = cuft.blockIdx.y * TILE + ty
//       col = cuft.blockIdx.x * TILE + tx
//       acc = 0.0
//       for t in range(0, A.shape[1], TILE):
//           sA[ty, tx] = A[row, t + tx]
//           sB[ty, tx] = B[t + ty, col]
//           cuft.syncthreads()
//           for k in range(TILE):
//               acc += sA[ty, k] * sB[k, tx]
//           cuft.syncthreads()
//       C[row, col] = acc

// CHECK: .target sm_90
// CHECK-LABEL: .visible .entry matmul(
// The shared buffers are demoted into the kernel that uses them.
// CHECK-DAG: .shared .align 16 .b8 __cuft_shared[1024];
// CHECK-DAG: .shared .align 16 .b8 __cuft_shared_0[1024];
// CHECK-COUNT-2: mov.u32 {{.*}}%tid.{{[xy]}};
// The tile loads: global to shared, then a barrier.
// CHECK: ld.global.b32
// CHECK: st.shared.b32
// CHECK: ld.global.b32
// CHECK: st.shared.b32
// CHECK: bar.sync 0;
// The inner product reads both tiles from shared memory.
// CHECK: ld.shared{{(.v4)?}}.b32
// CHECK: ld.shared{{(.v4)?}}.b32
// CHECK: {{fma.rn.f32|mul.rn.f32}}
// CHECK: bar.sync 0;
// CHECK: st.global.b32
// CHECK: ret;
// CHECK-NOT: .extern
cuft.kernel @matmul(%A: !cuft.unknown, %B: !cuft.unknown, %C: !cuft.unknown, %TILE: !cuft.unknown {cuft.constexpr}) {
  %sA = cuft.var "sA" : !cuft.var<!cuft.unknown>
  %sB = cuft.var "sB" : !cuft.var<!cuft.unknown>
  %tx = cuft.var "tx" : !cuft.var<!cuft.unknown>
  %ty = cuft.var "ty" : !cuft.var<!cuft.unknown>
  %row = cuft.var "row" : !cuft.var<!cuft.unknown>
  %col = cuft.var "col" : !cuft.var<!cuft.unknown>
  %acc = cuft.var "acc" : !cuft.var<!cuft.unknown>

  %a0 = cuft.alloc_shared f32 [%TILE, %TILE : !cuft.unknown, !cuft.unknown] -> !cuft.unknown
  cuft.var_store %a0, %sA : !cuft.unknown, !cuft.var<!cuft.unknown>
  %b0 = cuft.alloc_shared f32 [%TILE, %TILE : !cuft.unknown, !cuft.unknown] -> !cuft.unknown
  cuft.var_store %b0, %sB : !cuft.unknown, !cuft.var<!cuft.unknown>
  %tx0 = cuft.thread_idx x : i64
  cuft.var_store %tx0, %tx : i64, !cuft.var<!cuft.unknown>
  %ty0 = cuft.thread_idx y : i64
  cuft.var_store %ty0, %ty : i64, !cuft.var<!cuft.unknown>
  %by = cuft.block_idx y : i64
  %r0 = cuft.mul %by, %TILE : (i64, !cuft.unknown) -> !cuft.unknown
  %ty1 = cuft.var_load %ty : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %r1 = cuft.add %r0, %ty1 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.var_store %r1, %row : !cuft.unknown, !cuft.var<!cuft.unknown>
  %bx = cuft.block_idx x : i64
  %c0 = cuft.mul %bx, %TILE : (i64, !cuft.unknown) -> !cuft.unknown
  %tx1 = cuft.var_load %tx : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %c1 = cuft.add %c0, %tx1 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.var_store %c1, %col : !cuft.unknown, !cuft.var<!cuft.unknown>
  %zero = cuft.constant 0.0 : f64
  cuft.var_store %zero, %acc : f64, !cuft.var<!cuft.unknown>

  %lo = cuft.constant 0 : i64
  %n = cuft.dim %A, 1 : !cuft.unknown -> i64
  cuft.for %t = %lo to %n step %TILE : (i64, i64, !cuft.unknown) -> !cuft.unknown {
    %sa = cuft.var_load %sA : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %sb = cuft.var_load %sB : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %x = cuft.var_load %tx : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %y = cuft.var_load %ty : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %r = cuft.var_load %row : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %c = cuft.var_load %col : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %tpx = cuft.add %t, %x : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    %av = cuft.load %A[%r, %tpx] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
    cuft.store %av, %sa[%y, %x] : !cuft.unknown, !cuft.unknown[!cuft.unknown, !cuft.unknown]
    %tpy = cuft.add %t, %y : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    %bv = cuft.load %B[%tpy, %c] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
    cuft.store %bv, %sb[%y, %x] : !cuft.unknown, !cuft.unknown[!cuft.unknown, !cuft.unknown]
    cuft.syncthreads
    %k0 = cuft.constant 0 : i64
    %k1 = cuft.constant 1 : i64
    cuft.for %k = %k0 to %TILE step %k1 : (i64, !cuft.unknown, i64) -> !cuft.unknown {
      %sa2 = cuft.var_load %sA : !cuft.var<!cuft.unknown> -> !cuft.unknown
      %sb2 = cuft.var_load %sB : !cuft.var<!cuft.unknown> -> !cuft.unknown
      %x2 = cuft.var_load %tx : !cuft.var<!cuft.unknown> -> !cuft.unknown
      %y2 = cuft.var_load %ty : !cuft.var<!cuft.unknown> -> !cuft.unknown
      %p = cuft.load %sa2[%y2, %k] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
      %q = cuft.load %sb2[%k, %x2] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
      %pq = cuft.mul %p, %q : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
      %a = cuft.var_load %acc : !cuft.var<!cuft.unknown> -> !cuft.unknown
      %s = cuft.add %a, %pq : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
      cuft.var_store %s, %acc : !cuft.unknown, !cuft.var<!cuft.unknown>
    }
    cuft.syncthreads
  }
  %r2 = cuft.var_load %row : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %c2 = cuft.var_load %col : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %res = cuft.var_load %acc : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.store %res, %C[%r2, %c2] : !cuft.unknown, !cuft.unknown[!cuft.unknown, !cuft.unknown]
  cuft.return
}
