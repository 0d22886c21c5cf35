// RUN: cuft-opt %s --cuft-to-ptx -o %t.default.ptx
// RUN: FileCheck %s --input-file %t.default.ptx --check-prefix=PRECISE
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.default.ptx -o %t.default.cubin %}
// RUN: cuft-opt %s --cuft-to-ptx="fast-math=true" -o %t.fast.ptx
// RUN: FileCheck %s --input-file %t.fast.ptx --check-prefix=FAST
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.fast.ptx -o %t.fast.cubin %}
// RUN: cuft-opt %s --cuft-to-ptx="chip=sm_80" -o %t.sm80.ptx
// RUN: FileCheck %s --input-file %t.sm80.ptx --check-prefix=SM80
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t.sm80.ptx -o %t.sm80.cubin %}
// RUN: cuft-opt %s --cuft-to-ptx="chip=sm_80 features=+ptx70" | FileCheck %s --check-prefix=PTX70
// RUN: cuft-opt %s --cuft-to-ptx="opt-level=0" -o %t.o0.ptx
// RUN: FileCheck %s --input-file %t.o0.ptx --check-prefix=O0
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.o0.ptx -o %t.o0.cubin %}

// The cuft-to-ptx options: fast-math, chip, PTX features and opt-level.

// By default division and f32 sqrt are correctly rounded, as in Python.
// PRECISE: .version 8.0
// PRECISE: .target sm_90
// PRECISE-LABEL: .visible .entry k(
// PRECISE-NOT: __local_depot
// PRECISE: div.rn.f32
// PRECISE: sqrt.rn.f32
// PRECISE-NOT: .approx
// PRECISE-NOT: .ftz
// PRECISE: ret;

// fast-math: approximate division, square root and exponential.
// FAST: .target sm_90
// FAST-LABEL: .visible .entry k(
// f32 denormals are flushed to zero in cuft's own arithmetic (`.ftz`).
// FAST: mul.rn.ftz.f32
// FAST: ex2.approx{{(.ftz)?}}.f32
// FAST: div.approx.ftz.f32
// FAST: sqrt.approx{{(.ftz)?}}.f32
// FAST-NOT: .rn.f32

// SM80: .target sm_80
// SM80-LABEL: .visible .entry k(
// PTX70: .version 7.0
// PTX70: .target sm_80

// opt-level=0 leaves the variable's stack slot in local memory (no mem2reg);
// the default (3) promotes it to a register.
// O0-LABEL: .visible .entry k(
// O0: .local .align {{[0-9]+}} .b8 __local_depot
cuft.kernel @k(%a: !cuft.array<f32, 1, C>, %b: f32) {
  %v = cuft.var "v" : !cuft.var<f32>
  %i = cuft.grid 1 : i64
  %x = cuft.load %a[%i] : !cuft.array<f32, 1, C>[i64] -> f32
  %e = cuft.math exp(%x) : (f32) -> f32
  %d = cuft.truediv %e, %b : (f32, f32) -> f32
  cuft.var_store %d, %v : f32, !cuft.var<f32>
  %l = cuft.var_load %v : !cuft.var<f32> -> f32
  %s = cuft.math sqrt(%l) : (f32) -> f32
  cuft.store %s, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}
