// serialize-ptx turns each NVVM-targeted gpu.module into a gpu.binary holding
// its PTX. A link file (libdevice) is linked only into a module that calls a
// function it does not define: @plain names a library that does not exist and
// still compiles; @math takes __nv_expf from libdevice, inlined.
// REQUIRES: libdevice
// RUN: sed "s:LIBDEVICE:%libdevice:" %s | cuft-opt --serialize-ptx | FileCheck %s
// RUN: sed "s:LIBDEVICE:%libdevice:" %s | cuft-opt --serialize-ptx=format=llvm | FileCheck %s --check-prefix=LLVM
// RUN: not cuft-opt %s --serialize-ptx=format=cubin 2>&1 | FileCheck %s --check-prefix=FORMAT

// cuft-opt prints the PTX of each binary.
// CHECK: .target sm_90
// CHECK: .visible .entry k(
// CHECK-NEXT: .param .u64 .ptr .align 1 k_param_0
// CHECK-NEXT: )
// CHECK: st.global.b32 [%rd2], 1065353216;
// CHECK: // -----
// CHECK: .visible .entry k(
// CHECK-NOT: __nv_expf
// CHECK: ex2.approx.ftz.f32
// CHECK-NOT: __nv_expf
// LLVM: gpu.binary @plain [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", link = ["/no/such/library.bc"]>, offload = "BC
// FORMAT: format must be isa or llvm, not cubin
module attributes {gpu.container_module} {
  gpu.module @plain [#nvvm.target<O = 3, chip = "sm_90", link = ["/no/such/library.bc"]>] {
    llvm.func @k(%p: !llvm.ptr) attributes {gpu.kernel, nvvm.kernel} {
      %c = llvm.mlir.constant(1.0 : f32) : f32
      llvm.store %c, %p : f32, !llvm.ptr
      llvm.return
    }
  }
  gpu.module @math [#nvvm.target<O = 3, chip = "sm_90", link = ["LIBDEVICE"]>] {
    llvm.func @__nv_expf(f32) -> f32
    llvm.func @k(%p: !llvm.ptr, %x: f32) attributes {gpu.kernel, nvvm.kernel} {
      %y = llvm.call @__nv_expf(%x) : (f32) -> f32
      llvm.store %y, %p : f32, !llvm.ptr
      llvm.return
    }
  }
}
