// RUN: not cuft-opt %s --cuft-specialize="sig=i64" 2>&1 | FileCheck %s --check-prefix=REC

// A recursive call with a literal argument is reported once as well.
// REC: specialize-recursion-error.mlir:[[@LINE+3]]:8: error: cannot infer the result of recursive device function 'rec': give it a return that does not depend on a call of itself (a base case)
// REC-NOT: error:
cuft.func @rec(%n: !cuft.unknown) -> !cuft.unknown {
  %r = cuft.call @rec(%n) : (!cuft.unknown) -> !cuft.unknown
  cuft.return %r : !cuft.unknown
}
cuft.kernel @k2(%x: !cuft.unknown) {
  %c = cuft.constant 3 : i64
  %r = cuft.call @rec(%c) : (i64) -> !cuft.unknown
  cuft.return
}
