// RUN: cuft-opt %s --pass-pipeline='builtin.module(gpu.module(cuft-gpu-to-nvvm))' | FileCheck %s

// cuft-gpu-to-nvvm is convert-gpu-to-nvvm with its patterns built once: the
// same lowering, run on two modules by one pass manager.

// CHECK-LABEL: gpu.module @first
// CHECK: llvm.func @scale(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64) attributes {gpu.kernel, nvvm.kernel}
// CHECK: nvvm.read.ptx.sreg.tid.x
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: llvm.fmul
// CHECK: llvm.store
// CHECK: llvm.return
gpu.module @first {
  gpu.func @scale(%x: memref<?xf32>) kernel {
    %i = gpu.thread_id x
    %v = memref.load %x[%i] : memref<?xf32>
    %w = arith.mulf %v, %v : f32
    memref.store %w, %x[%i] : memref<?xf32>
    gpu.return
  }
}

// CHECK-LABEL: gpu.module @second
// CHECK: llvm.call @__nv_sinf
// CHECK: llvm.func @helper
// CHECK: llvm.func @_mlir_ciface_helper
gpu.module @second {
  gpu.func @waves(%x: memref<?xf32>) kernel {
    %i = gpu.block_id x
    %v = memref.load %x[%i] : memref<?xf32>
    %s = math.sin %v : f32
    memref.store %s, %x[%i] : memref<?xf32>
    gpu.return
  }
  func.func @helper(%a: f32) -> f32 {
    return %a : f32
  }
}

// The GPU dialect's own rewrites run where they have something to rewrite: a
// 64-bit shuffle is two 32-bit ones.
// CHECK-LABEL: gpu.module @third
// CHECK-COUNT-2: nvvm.shfl.sync bfly {{.*}} : i32 -> i32
// CHECK-NOT: nvvm.shfl.sync
gpu.module @third {
  gpu.func @swap(%x: memref<?xf64>) kernel {
    %i = gpu.thread_id x
    %v = memref.load %x[%i] : memref<?xf64>
    %c1 = arith.constant 1 : i32
    %c32 = arith.constant 32 : i32
    %s, %ok = gpu.shuffle xor %v, %c1, %c32 : f64
    memref.store %s, %x[%i] : memref<?xf64>
    gpu.return
  }
}
