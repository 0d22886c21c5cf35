// RUN: cuft-opt %s --drop-unused-library="library=/cuda/libdevice.10.bc" | FileCheck %s

// A kernel that calls no libdevice function does not link it; other link
// files stay.
// CHECK: gpu.module @plain [#nvvm.target<O = 3, link = ["/other.bc"]>]
// CHECK: gpu.module @alone [#nvvm.target<O = 3>]
// CHECK: gpu.module @math [#nvvm.target<O = 3, link = ["/cuda/libdevice.10.bc", "/other.bc"]>]
module attributes {gpu.container_module} {
  gpu.module @plain [#nvvm.target<O = 3, link = ["/cuda/libdevice.10.bc", "/other.bc"]>] {
    llvm.func @k() attributes {gpu.kernel, nvvm.kernel} {
      llvm.return
    }
  }
  gpu.module @alone [#nvvm.target<O = 3, link = ["/cuda/libdevice.10.bc"]>] {
    llvm.func @k() attributes {gpu.kernel, nvvm.kernel} {
      llvm.return
    }
  }
  gpu.module @math [#nvvm.target<O = 3, link = ["/cuda/libdevice.10.bc", "/other.bc"]>] {
    llvm.func @__nv_expf(f32) -> f32
    llvm.func @k(%x: f32) attributes {gpu.kernel, nvvm.kernel} {
      %y = llvm.call @__nv_expf(%x) : (f32) -> f32
      llvm.return
    }
  }
}
