// serialize-ptx turns each NVVM-targeted gpu.module into a gpu.binary holding
// its PTX. A link file (libdevice) is linked only into a module that calls a
// function it does not define: @plain names a library that does not exist and
// still compiles; @math takes __nv_expf from libdevice: its PTX spliced in at
// the call (PtxSplice.cpp), no call nor declaration left.
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
// CHECK-NOT: .extern
// CHECK: .visible .entry k(
// CHECK: ld.param.b32 [[X:%r[0-9]+]], [k_param_1];
// CHECK-NEXT: { // cuft: __nv_expf, spliced from its library's PTX
// CHECK-NEXT: .reg .b32 %s0_r<{{[0-9]+}}>;
// CHECK-NEXT: mov.b32 %s0_r1, [[X]];
// CHECK: ex2.approx.ftz.f32
// CHECK: mov.b32 [[Y:%r[0-9]+]], %s0_r{{[0-9]+}};
// CHECK-NEXT: bra $L__s0_end;
// CHECK-NEXT: $L__s0_end:
// CHECK-NEXT: }
// CHECK-NEXT: st.global.b32 [%rd2], [[Y]];
// CHECK-NOT: call
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
