// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,1,C>,array<f32,1,C>,i64=128" --cuft-to-host | FileCheck %s
// RUN: cuft-opt %s --cuft-specialize="sig=array<f32,1,C>,array<f32,1,C>,i64=128" --cuft-to-host=bounds-check | FileCheck %s --check-prefix=BOUNDS

// The host pipeline ends in what the host compiler translates to LLVM IR
// (cuft::translateToHostIR): no cuft and no gpu ops left; the entry is
// public and keeps the host target's facts, the kernel body is internal, and
// the barrier calls the runtime.

// CHECK-NOT: cuft.{{[a-z_]+}} %
// CHECK-NOT: gpu.
// CHECK-DAG: func.func private @__cuft_host_barrier()
// CHECK-DAG: func.func private @block_sum({{.*}} llvm.linkage = #llvm.linkage<internal>
// CHECK-DAG: call @__cuft_host_barrier()
// CHECK-DAG: memref.atomic_rmw addf
// CHECK: func.func @__cuft_entry_block_sum({{.*}}) attributes {cuft.host.arrays = array<i64: 0, 1, 4, 5, 1, 4>, cuft.host.fibers, cuft.host.local_bytes = {{[0-9]+}} : i64, cuft.host.shared_bytes = 512 : i64, cuft.host.split_barriers}

// BOUNDS: module attributes {cuft.host.index_sites = [
// BOUNDS: call @__cuft_index_error(

cuft.kernel @block_sum(%x: !cuft.unknown, %out: !cuft.unknown, %BLOCK: !cuft.unknown {cuft.constexpr}) {
  %buf = cuft.alloc_shared f32 [%BLOCK : !cuft.unknown] -> !cuft.unknown
  %t = cuft.thread_idx x : i64
  %i = cuft.grid 1 : i64
  %v = cuft.load %x[%i] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.store %v, %buf[%t] : !cuft.unknown, !cuft.unknown[i64]
  cuft.syncthreads
  %c0 = cuft.constant 0 : i64
  %first = cuft.cmp eq, %t, %c0 : (i64, i64) -> !cuft.unknown
  cuft.if %first : !cuft.unknown {
    %total = cuft.load %buf[%c0] : !cuft.unknown[i64] -> !cuft.unknown
    %old = cuft.atomic add %out[%c0], %total : !cuft.unknown[i64], !cuft.unknown -> !cuft.unknown
  }
  cuft.return
}
