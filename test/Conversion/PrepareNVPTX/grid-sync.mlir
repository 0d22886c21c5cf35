// RUN: cuft-opt %s --prepare-nvptx | FileCheck %s
// RUN: cuft-opt %s --convert-gpu-to-host | FileCheck %s --check-prefix=HOST

// On the GPU a grid sync is libcudadevrt's barrier, as numba and CUDA's
// cooperative groups call it; the module is marked for a cooperative launch.
// CHECK-DAG: llvm.func @cudaCGGetIntrinsicHandle(i32) -> i64
// CHECK-DAG: llvm.func @cudaCGSynchronize(i64, i32) -> i32
// CHECK-DAG: memref.global "public" constant @__cuft_cooperative : memref<i32> = dense<1>
// CHECK-NOT: func.func private @__cuft_grid_sync
// CHECK-LABEL: func.func private @step(
// CHECK: %[[SCOPE:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK: %[[H:.*]] = llvm.call @cudaCGGetIntrinsicHandle(%[[SCOPE]]) : (i32) -> i64
// CHECK: %[[FLAGS:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: llvm.call @cudaCGSynchronize(%[[H]], %[[FLAGS]]) : (i64, i32) -> i32

// On the host the kernel that reaches one (through a device function) runs
// its threads as fibers and its blocks all at once.
// HOST-LABEL: func.func private @step(
// HOST: call @__cuft_grid_sync() : () -> ()
// HOST: func.func @__cuft_entry_k({{.*}} attributes {cuft.host.arrays = array<i64>, cuft.host.cooperative, cuft.host.fibers
module attributes {gpu.container_module} {
  gpu.module @cuft_kernels {
    func.func private @__cuft_grid_sync()
    func.func private @step() {
      func.call @__cuft_grid_sync() : () -> ()
      return
    }
    gpu.func @k() kernel {
      func.call @step() : () -> ()
      gpu.return
    }
  }
}
