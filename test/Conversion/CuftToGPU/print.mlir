// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s
// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu --canonicalize --convert-gpu-to-host | FileCheck %s --check-prefix=HOST

// One gpu.printf per print: the text around the values ('%' doubled), signed
// integers widened to i64 (%lld), unsigned ones zero-extended (%llu), floats
// as %f, booleans as Python prints them: the address of "True" or "False" (%s),
// private constants of the module.
// CHECK-DAG: llvm.mlir.global private constant @__cuft_str_True("True\00")
// CHECK-DAG: llvm.mlir.global private constant @__cuft_str_False("False\00")
// CHECK-LABEL: gpu.func @show(
// CHECK-SAME: %[[I:.*]]: i32, %[[U:.*]]: i8, %[[F:.*]]: f32, %[[B:.*]]: i1)
// CHECK-DAG: %[[IW:.*]] = arith.extsi %[[I]] : i32 to i64
// CHECK-DAG: %[[UW:.*]] = arith.extui %[[U]] : i8 to i64
// CHECK-DAG: %[[T:.*]] = llvm.ptrtoint %{{.*}} : !llvm.ptr to i64
// CHECK-DAG: %[[BW:.*]] = arith.select %[[B]], %{{.*}}, %{{.*}} : i64
// CHECK: gpu.printf "i=%lld u=%llu 100%% f=%f b=%s\0A", %[[IW]], %[[UW]], %[[F]], %[[BW]] : i64, i64, f32, i64

// The host prints each line with one printf, its format a private constant,
// f32 passed as f64, then flushes.
// HOST-DAG: llvm.mlir.global private constant @__cuft_format_{{.*}}("i=%lld u=%llu 100%% f=%f b=%s\0A\00")
// HOST-DAG: llvm.mlir.global private constant @__cuft_str_True("True\00")
// HOST-DAG: llvm.func @printf(!llvm.ptr, ...) -> i32
// HOST-DAG: llvm.func @fflush(!llvm.ptr) -> i32
// HOST-LABEL: func.func private @show(
// HOST: %[[FMT:.*]] = llvm.mlir.addressof @__cuft_format_
// HOST: %[[D:.*]] = llvm.fpext %{{.*}} : f32 to f64
// HOST: llvm.call @printf(%[[FMT]], %{{.*}}, %{{.*}}, %[[D]], %{{.*}}) vararg(!llvm.func<i32 (ptr, ...)>)
// HOST: llvm.call @fflush(
cuft.kernel @show(%i: i32, %u: ui8, %f: f32, %b: i1) {
  cuft.print ["i=", " u=", " 100% f=", " b=", "\0A"] %i, %u, %f, %b : i32, ui8, f32, i1
  cuft.return
}
