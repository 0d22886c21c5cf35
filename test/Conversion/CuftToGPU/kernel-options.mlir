// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s

// A kernel's max_registers and launch_bounds become NVVM's attributes (the
// PTX's .maxnreg, .maxntid, .minnctapersm, .maxclusterrank) and, for the host
// target, cuft.max_threads; a device function's inline option LLVM's.
// CHECK-LABEL: func.func private @twice(
// CHECK-SAME: passthrough = ["noinline"]
// CHECK-LABEL: gpu.func @k(
// CHECK-SAME: cuft.max_threads = 128 : i64
// CHECK-SAME: nvvm.maxclusterrank = 4 : i32
// CHECK-SAME: nvvm.maxnreg = 40 : i32
// CHECK-SAME: nvvm.maxntid = array<i32: 128, 1, 1>
// CHECK-SAME: nvvm.minctasm = 2 : i32
cuft.func @twice(%v: f64) -> f64 attributes {cuft.inline = "never"} {
  %0 = cuft.add %v, %v : (f64, f64) -> f64
  cuft.return %0 : f64
}
cuft.kernel @k(%a: !cuft.array<f64, 1, C>) attributes {cuft.max_registers = 40 : i64, cuft.launch_bounds = array<i64: 128, 2, 4>} {
  %c0 = cuft.constant 0 : i64
  %x = cuft.load %a[%c0] : !cuft.array<f64, 1, C>[i64] -> f64
  %y = cuft.call @twice(%x) : (f64) -> f64
  cuft.store %y, %a[%c0] : f64, !cuft.array<f64, 1, C>[i64]
  cuft.return
}
