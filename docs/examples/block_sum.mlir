// A block-level tree reduction as the Python frontend emits it (generic IR):
//
//   @cuft.kernel
//   def block_sum(x, out, BLOCK: cuft.constexpr):
//       buf = cuft.shared.array(BLOCK, cuft.float32)
//       tid = cuft.threadIdx.x
//       i = cuft.grid(1)
//       buf[tid] = x[i] if i < x.shape[0] else 0.0
//       cuft.syncthreads()
//       s = BLOCK // 2
//       while s > 0:
//           if tid < s:
//               buf[tid] += buf[tid + s]
//           cuft.syncthreads()
//           s //= 2
//       if tid == 0:
//           cuft.atomic.add(out, 0, buf[0])
//
// Run: build/bin/cuft-opt docs/examples/block_sum.mlir \
//        --cuft-specialize="sig=array<f32,1,C>,array<f32,1,C>,i64=256" --cuft-to-ptx
cuft.kernel @block_sum(%x: !cuft.unknown, %out: !cuft.unknown, %BLOCK: !cuft.unknown {cuft.constexpr}) {
  %buf = cuft.var "buf" : !cuft.var<!cuft.unknown>
  %tid = cuft.var "tid" : !cuft.var<!cuft.unknown>
  %i = cuft.var "i" : !cuft.var<!cuft.unknown>
  %s = cuft.var "s" : !cuft.var<!cuft.unknown>
  %tmp = cuft.var "$ifexp" : !cuft.var<!cuft.unknown>

  %a = cuft.alloc_shared f32 [%BLOCK : !cuft.unknown] -> !cuft.unknown
  cuft.var_store %a, %buf : !cuft.unknown, !cuft.var<!cuft.unknown>
  %t = cuft.thread_idx x : i64
  cuft.var_store %t, %tid : i64, !cuft.var<!cuft.unknown>
  %g = cuft.grid 1 : i64
  cuft.var_store %g, %i : i64, !cuft.var<!cuft.unknown>

  // buf[tid] = x[i] if i < x.shape[0] else 0.0
  %i0 = cuft.var_load %i : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %n = cuft.dim %x, 0 : !cuft.unknown -> i64
  %inb = cuft.cmp lt, %i0, %n : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.if %inb : !cuft.unknown {
    %i1 = cuft.var_load %i : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %xi = cuft.load %x[%i1] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
    cuft.var_store %xi, %tmp : !cuft.unknown, !cuft.var<!cuft.unknown>
  } else {
    %zero = cuft.constant 0.0 : f64
    cuft.var_store %zero, %tmp : f64, !cuft.var<!cuft.unknown>
  }
  %v = cuft.var_load %tmp : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %b0 = cuft.var_load %buf : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %t0 = cuft.var_load %tid : !cuft.var<!cuft.unknown> -> !cuft.unknown
  cuft.store %v, %b0[%t0] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
  cuft.syncthreads

  // s = BLOCK // 2
  %two = cuft.constant 2 : i64
  %half = cuft.floordiv %BLOCK, %two : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.var_store %half, %s : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.while {
    %s0 = cuft.var_load %s : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %c0 = cuft.constant 0 : i64
    %more = cuft.cmp gt, %s0, %c0 : (!cuft.unknown, i64) -> !cuft.unknown
    cuft.condition %more : !cuft.unknown
  } do {
    %t1 = cuft.var_load %tid : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %s1 = cuft.var_load %s : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %active = cuft.cmp lt, %t1, %s1 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    cuft.if %active : !cuft.unknown {
      %b1 = cuft.var_load %buf : !cuft.var<!cuft.unknown> -> !cuft.unknown
      %t2 = cuft.var_load %tid : !cuft.var<!cuft.unknown> -> !cuft.unknown
      %s2 = cuft.var_load %s : !cuft.var<!cuft.unknown> -> !cuft.unknown
      %lhs = cuft.load %b1[%t2] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
      %j = cuft.add %t2, %s2 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
      %rhs = cuft.load %b1[%j] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
      %sum = cuft.add %lhs, %rhs : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
      cuft.store %sum, %b1[%t2] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
    }
    cuft.syncthreads
    %s3 = cuft.var_load %s : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %two1 = cuft.constant 2 : i64
    %s4 = cuft.floordiv %s3, %two1 : (!cuft.unknown, i64) -> !cuft.unknown
    cuft.var_store %s4, %s : !cuft.unknown, !cuft.var<!cuft.unknown>
  }

  // if tid == 0: cuft.atomic.add(out, 0, buf[0])
  %t3 = cuft.var_load %tid : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %c00 = cuft.constant 0 : i64
  %first = cuft.cmp eq, %t3, %c00 : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.if %first : !cuft.unknown {
    %b2 = cuft.var_load %buf : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %c01 = cuft.constant 0 : i64
    %total = cuft.load %b2[%c01] : !cuft.unknown[i64] -> !cuft.unknown
    %old = cuft.atomic add %out[%c01], %total : !cuft.unknown[i64], !cuft.unknown -> !cuft.unknown
  }
  cuft.return
}
