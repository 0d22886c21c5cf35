// RUN: cuft-opt %s -split-input-file --convert-cuft-to-gpu -verify-diagnostics

// Generic IR (not yet specialized) is rejected.
// expected-error @+1 {{'generic' is not specialized: run cuft-specialize first}}
cuft.kernel @generic(%a: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %v = cuft.load %a[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.return
}

// -----

// A typed signature with an unknown value left in the body is still generic.
// expected-error @+1 {{'partly' is not specialized: run cuft-specialize first}}
cuft.kernel @partly(%a: !cuft.array<f32, 1, C>, %x: f32) {
  %c0 = cuft.constant 0 : i64
  %v = cuft.add %x, %x : (f32, f32) -> !cuft.unknown
  cuft.return
}

// -----

// Structured control flow must be lowered by convert-cuft-to-cf first.
cuft.kernel @structured(%c: i1, %a: !cuft.array<f32, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %one = cuft.constant 1.0 : f32
  // expected-error @+1 {{structured control flow must be lowered first: run convert-cuft-to-cf before convert-cuft-to-gpu}}
  cuft.if %c : i1 {
    cuft.store %one, %a[%c0] : f32, !cuft.array<f32, 1, C>[i64]
  }
  cuft.return
}
