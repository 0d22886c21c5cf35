// RUN: cuft-opt %s --cuft-specialize="sig=array<f64,1,C>,array<f32,1,C>" | FileCheck %s --check-prefix=TYPED
// RUN: cuft-opt %s --cuft-specialize="sig=array<f64,1,C>,array<f32,1,C>" --cuft-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 -c %t.ptx -o %t.o %}
// RUN: not cuft-opt %s --cuft-specialize="sig=array<f64,1,C>,array<f32,1,C>" --cuft-to-host 2>&1 | FileCheck %s --check-prefix=HOST

// A device function without a body: external code (PTX, a cubin, CUDA C++)
// that the kernel links, as cuft.declare_device("twice_plus", "f32(f32, f32)")
// declares it. Specialization casts the arguments to its parameter types (here
// f64 to f32; the frontend casts literals itself, as a typed call must match)
// and keeps the declaration; the PTX calls the symbol by its own
// name (no _mlir_ciface_ wrapper), leaving it to the linker. The host target
// cannot run GPU code and says so.

cuft.func private @twice_plus(f32, f32) -> f32
cuft.func private @note(i32)

cuft.kernel @k(%x: !cuft.unknown, %out: !cuft.unknown) {
  %i = cuft.grid 1 : i64
  %v = cuft.load %x[%i] : !cuft.unknown[i64] -> !cuft.unknown
  %r = cuft.call @twice_plus(%v, %v) : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.store %r, %out[%i] : !cuft.unknown, !cuft.unknown[i64]
  %c = cuft.constant 7 : i64
  %n = cuft.cast %c : i64 to i32
  cuft.call @note(%n) : (i32) -> ()
  cuft.return
}

// TYPED: cuft.func private @twice_plus(f32, f32) -> f32
// TYPED: cuft.func private @note(i32)
// TYPED-LABEL: cuft.kernel @k(
// TYPED: %[[V:.*]] = cuft.load {{.*}} -> f64
// TYPED: %[[A:.*]] = cuft.cast %[[V]] : f64 to f32
// TYPED: cuft.call @twice_plus(%[[A]], {{.*}}) : (f32, f32) -> f32
// TYPED: cuft.call @note({{.*}}) : (i32) -> ()

// CHECK: .extern .func (.param .b32 func_retval0) twice_plus
// CHECK: .extern .func note
// CHECK-LABEL: .visible .entry k(
// CHECK: call.uni (retval0), twice_plus,
// CHECK: call.uni note,
// CHECK-NOT: _mlir_ciface

// HOST: error: the host target cannot call external device function 'twice_plus': it is GPU code linked by the cuda target
