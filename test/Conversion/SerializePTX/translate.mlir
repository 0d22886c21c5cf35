// serialize-ptx translates a gpu.module's ops straight to LLVM IR
// (Translate.cpp): memref accesses to addresses off the descriptor's fields,
// thread indices to NVVM's special registers, math ops to libdevice calls,
// device functions with a memref's fields as parameters, phis of a memref's
// fields, fast math's flushed float32 denormals (.ftz).
// REQUIRES: libdevice
// RUN: sed "s:LIBDEVICE:%libdevice:" %s | cuft-opt --serialize-ptx -split-input-file -verify-diagnostics | FileCheck %s

// CHECK: .visible .entry scale(
// CHECK: mov.u32 %r{{[0-9]+}}, %tid.x;
// CHECK: ld.global.b32
// CHECK: mul.rn.ftz.f32
// CHECK: st.global.b32
// CHECK: ret;
module attributes {gpu.container_module} {
  gpu.module @first [#nvvm.target<O = 3, chip = "sm_90", link = ["LIBDEVICE"]>] {
    gpu.func @scale(%x: memref<?xf32>) kernel attributes {denormal_fp_math_f32 = "preserve-sign"} {
      %i = gpu.thread_id x
      %v = memref.load %x[%i] : memref<?xf32>
      %w = arith.mulf %v, %v : f32
      memref.store %w, %x[%i] : memref<?xf32>
      gpu.return
    }
  }
}

// -----

// The sine is libdevice's, linked and inlined (its call is in a loop: its
// table comes along); the helper's memref parameter is its descriptor's
// fields, inlined too; the loop carries two memrefs, swapped.
// CHECK: __cudart_i2opi_f
// CHECK: .visible .entry waves(
// CHECK-NOT: call
// CHECK: ret;
module attributes {gpu.container_module} {
  gpu.module @second [#nvvm.target<O = 3, chip = "sm_90", link = ["LIBDEVICE"]>] {
    gpu.func @waves(%x: memref<?xf32>, %y: memref<?xf32>, %n: index) kernel {
      %i = gpu.block_id x
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      cf.br ^loop(%c0, %x, %y : index, memref<?xf32>, memref<?xf32>)
    ^loop(%k: index, %from: memref<?xf32>, %to: memref<?xf32>):
      %more = arith.cmpi slt, %k, %n : index
      cf.cond_br %more, ^body, ^done
    ^body:
      %v = func.call @load(%from, %i) : (memref<?xf32>, index) -> f32
      %s = math.sin %v : f32
      memref.store %s, %to[%i] : memref<?xf32>
      %next = arith.addi %k, %c1 : index
      cf.br ^loop(%next, %to, %from : index, memref<?xf32>, memref<?xf32>)
    ^done:
      gpu.return
    }
    func.func private @load(%a: memref<?xf32>, %i: index) -> f32 {
      %v = memref.load %a[%i] : memref<?xf32>
      return %v : f32
    }
  }
}

// -----

// A conditional branch with both edges to one block, with different values:
// the second edge goes through a block of its own, so the phi tells them
// apart (a select), as MLIR's translation splits it.
// CHECK: .visible .entry pick(
// CHECK: selp.f32 {{.*}}0f3F800000, 0f00000000
// CHECK: ret;
module attributes {gpu.container_module} {
  gpu.module @fourth [#nvvm.target<O = 3, chip = "sm_90", link = ["LIBDEVICE"]>] {
    gpu.func @pick(%x: memref<?xf32>, %c: i1) kernel {
      %c0 = arith.constant 0 : index
      %one = arith.constant 1.0 : f32
      %zero = arith.constant 0.0 : f32
      cf.cond_br %c, ^join(%one : f32), ^join(%zero : f32)
    ^join(%v: f32):
      memref.store %v, %x[%c0] : memref<?xf32>
      gpu.return
    }
  }
}

// -----

// An op without a translation is an error at the op.
module attributes {gpu.container_module} {
  gpu.module @third [#nvvm.target<O = 3, chip = "sm_90", link = ["LIBDEVICE"]>] {
    gpu.func @swap(%x: memref<?xf64>) kernel {
      %i = gpu.thread_id x
      %v = memref.load %x[%i] : memref<?xf64>
      %c1 = arith.constant 1 : i32
      %c32 = arith.constant 32 : i32
      // expected-error @+1 {{cuft translates gpu.shuffle of i32 and f32 only}}
      %s, %ok = gpu.shuffle xor %v, %c1, %c32 : f64
      memref.store %s, %x[%i] : memref<?xf64>
      gpu.return
    }
  }
}
