// RUN: cuft-opt %s --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.ptx -o %t.cubin %}
// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s --check-prefix=GPU
// RUN: cuft-opt %s --cuft-to-host | FileCheck %s --check-prefix=HOST

// cuft.shared.array(0, dtype): the launch's dynamic shared memory, one
// external buffer every such array views, its extent the launch's dynamic
// bytes over the element size. PTX: `.extern .shared` and %dynamic_smem_size;
// the host puts it after the static arrays (16 bytes here), 16-byte aligned.

// GPU: memref.global "public" @__cuft_dynamic_shared : memref<0xi8, 3> {alignment = 16 : i64}
// GPU-LABEL: gpu.func @k(
// GPU: %[[BASE:.*]] = memref.get_global @__cuft_dynamic_shared : memref<0xi8, 3>
// GPU: %[[BYTES:.*]] = func.call @__cuft_dynamic_shared_bytes() : () -> i32
// GPU: memref.view %[[BASE]][%{{.*}}][%{{.*}}] : memref<0xi8, 3> to memref<?xf32, 3>
// CHECK: .extern .shared .align 16 .b8 __cuft_dynamic_shared[];
// CHECK: mov.u32 {{.*}}, %dynamic_smem_size;
// CHECK-NOT: __cuft_dynamic_shared_bytes
// HOST: call @__cuft_dynamic_shared_bytes()
cuft.kernel @k(%out: !cuft.array<f32, 1, C>) {
  %s = cuft.alloc_shared f32 shape [4] -> !cuft.array<f32, 1, C, shared>
  %d = cuft.alloc_shared f32 shape [0] -> !cuft.array<f32, 1, C, shared>
  %c0 = cuft.constant 0 : i64
  %t = cuft.thread_idx x : i64
  %v = cuft.load %out[%t] : !cuft.array<f32, 1, C>[i64] -> f32
  cuft.store %v, %d[%t] : f32, !cuft.array<f32, 1, C, shared>[i64]
  cuft.store %v, %s[%c0] : f32, !cuft.array<f32, 1, C, shared>[i64]
  cuft.syncthreads
  %x = cuft.load %d[%c0] : !cuft.array<f32, 1, C, shared>[i64] -> f32
  %y = cuft.load %s[%c0] : !cuft.array<f32, 1, C, shared>[i64] -> f32
  %z0 = cuft.add %x, %y : (f32, f32) -> f32
  %n = cuft.dim %d, 0 : !cuft.array<f32, 1, C, shared> -> i64
  %nf = cuft.cast %n : i64 to f32
  %z = cuft.add %z0, %nf : (f32, f32) -> f32
  cuft.store %z, %out[%c0] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}
