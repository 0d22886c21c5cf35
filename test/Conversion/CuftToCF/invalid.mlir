// RUN: cuft-opt %s -split-input-file --convert-cuft-to-cf -verify-diagnostics

// A generic kernel cannot be lowered: its loop bounds have no type yet.
// expected-error @+1 {{convert-cuft-to-cf expects specialized IR: run cuft-specialize first}}
cuft.kernel @generic(%n: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.for %k = %c0 to %n step %c1 : (i64, !cuft.unknown, i64) -> !cuft.unknown {
  }
  cuft.return
}
