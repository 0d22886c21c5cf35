// Lowering generic (unspecialized) IR is an error at the kernel, not a crash.
// RUN: not cuft-opt %s --cuft-to-ptx 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not cuft-opt %s --convert-cuft-to-cf 2>&1 | FileCheck %s --check-prefix=CF
// RUN: not cuft-opt %s --convert-cuft-to-gpu 2>&1 | FileCheck %s --check-prefix=GPU

// A missing input file and a binary input fail cleanly too.
// RUN: not cuft-opt %t.does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: cannot open input file '{{.*}}does-not-exist.mlir'
// RUN: printf '\377\376 garbage' | not cuft-opt - 2>&1 | FileCheck %s --check-prefix=BINARY
// BINARY: <stdin>:1:1: error: unexpected character

// PTX-NOT: PLEASE submit a bug report
// PTX: unspecialized.mlir:[[@LINE+3]]:1: error: convert-cuft-to-cf expects specialized IR: run cuft-specialize first
// CF: unspecialized.mlir:[[@LINE+2]]:1: error: convert-cuft-to-cf expects specialized IR: run cuft-specialize first
// GPU: unspecialized.mlir:[[@LINE+1]]:1: error: 'saxpy' is not specialized: run cuft-specialize first
cuft.kernel @saxpy(%a: !cuft.unknown, %x: !cuft.unknown, %y: !cuft.unknown) {
  %g = cuft.grid 1 : i64
  %n = cuft.dim %x, 0 : !cuft.unknown -> i64
  %c = cuft.cmp lt, %g, %n : (i64, i64) -> !cuft.unknown
  cuft.if %c : !cuft.unknown {
    %xi = cuft.load %x[%g] : !cuft.unknown[i64] -> !cuft.unknown
    %ax = cuft.mul %a, %xi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    cuft.store %ax, %y[%g] : !cuft.unknown, !cuft.unknown[i64]
  }
  cuft.return
}
