// RUN: cuft-opt %s -split-input-file -verify-diagnostics

// Verifiers and custom parsers of cuft.if, cuft.for, cuft.while, cuft.break,
// cuft.continue and cuft.condition.

cuft.kernel @k(%c: i64) {
  // expected-error@+1 {{'cuft.if' op expects an i1 condition, got 'i64'}}
  cuft.if %c : i64 {
  }
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.if' op expects at most one block in the else region}}
  "cuft.if"(%c) ({
    "cuft.yield"() : () -> ()
  }, {
    "cuft.yield"() : () -> ()
  ^bb1:
    "cuft.yield"() : () -> ()
  }) : (i1) -> ()
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.if' op expects the then region to end in a terminator}}
  "cuft.if"(%c) ({
    cuft.syncthreads
  }, {
  }) : (i1) -> ()
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.if' op expects the else region to end in a terminator}}
  "cuft.if"(%c) ({
    "cuft.yield"() : () -> ()
  }, {
    cuft.syncthreads
  }) : (i1) -> ()
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.if' op expects the then region to end in cuft.yield, cuft.break, cuft.continue, cuft.return or cuft.raise, got cuft.condition}}
  "cuft.if"(%c) ({
    "cuft.condition"(%c) : (i1) -> ()
  }, {
  }) : (i1) -> ()
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.if' op region #0 ('thenRegion') failed to verify constraint: region with 1 blocks}}
  "cuft.if"(%c) ({
  }, {
  }) : (i1) -> ()
  cuft.return
}

// -----

cuft.kernel @k(%n: i64) {
  // expected-error@+1 {{'cuft.for' op expects the body to take one argument, the induction variable}}
  "cuft.for"(%n, %n, %n) ({
  ^bb0:
    "cuft.yield"() : () -> ()
  }) : (i64, i64, i64) -> ()
  cuft.return
}

// -----

cuft.kernel @k(%x: f32) {
  // expected-error@+1 {{'cuft.for' op expects an integer induction variable, got 'f32'}}
  cuft.for %i = %x to %x step %x : f32 {
  }
  cuft.return
}

// -----

cuft.kernel @k(%b: i1) {
  // expected-error@+1 {{'cuft.for' op expects an integer induction variable, got 'i1'}}
  cuft.for %i = %b to %b step %b : i1 {
  }
  cuft.return
}

// -----

cuft.kernel @k(%a: i32, %n: i64) {
  // expected-error@+1 {{'cuft.for' op expects bounds and step of the induction variable's type 'i64', got 'i32'}}
  cuft.for %i = %a to %n step %n : (i32, i64, i64) -> i64 {
  }
  cuft.return
}

// -----

cuft.kernel @k(%n: i64) {
  // expected-error@+1 {{expects three bound types (lo, hi, step)}}
  cuft.for %i = %n to %n step %n : (i64, i64) -> i64 {
  }
  cuft.return
}

// -----

cuft.kernel @k(%n: i64) {
  // expected-error@+1 {{expected 'to'}}
  cuft.for %i = %n until %n step %n : i64 {
  }
  cuft.return
}

// -----

cuft.kernel @k(%n: i64) {
  // expected-error@+1 {{'cuft.for' op expects the body region to end in cuft.yield, cuft.break, cuft.continue, cuft.return or cuft.raise, got cuft.condition}}
  cuft.for %i = %n to %n step %n : i64 {
    %c = cuft.constant true
    "cuft.condition"(%c) : (i1) -> ()
  }
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.while' op expects the condition region to end in cuft.condition}}
  cuft.while {
    cuft.yield
  } do {
  }
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.while' op expects the condition region to end in cuft.condition}}
  "cuft.while"() ({
    cuft.syncthreads
  }, {
    "cuft.yield"() : () -> ()
  }) : () -> ()
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.while' op region #0 ('cond') failed to verify constraint: region with 1 blocks}}
  cuft.while {
  } do {
  }
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.while' op expects the body region to end in a terminator}}
  "cuft.while"() ({
    "cuft.condition"(%c) : (i1) -> ()
  }, {
    cuft.syncthreads
  }) : () -> ()
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // The error points at the token where 'do' was expected.
  // expected-error@+3 {{expected 'do'}}
  cuft.while {
    cuft.condition %c : i1
  } {
  }
  cuft.return
}

// -----

cuft.kernel @k(%c: f32) {
  cuft.while {
    // expected-error@+1 {{'cuft.condition' op expects an i1 condition, got 'f32'}}
    cuft.condition %c : f32
  } do {
  }
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  // expected-error@+1 {{'cuft.condition' op expects parent op 'cuft.while'}}
  cuft.condition %c : i1
}

// -----

cuft.kernel @k(%c: i1) {
  cuft.if %c : i1 {
    // expected-error@+1 {{'cuft.break' op expects to be inside a loop body ('break' outside loop)}}
    cuft.break
  }
  cuft.return
}

// -----

cuft.kernel @k(%c: i1) {
  cuft.if %c : i1 {
  } else {
    // expected-error@+1 {{'cuft.continue' op expects to be inside a loop body ('continue' outside loop)}}
    cuft.continue
  }
  cuft.return
}

// -----

// A while loop's condition region is not its body.
cuft.kernel @k(%c: i1) {
  cuft.while {
    cuft.if %c : i1 {
      // expected-error@+1 {{'cuft.break' op expects to be inside a loop body ('break' outside loop)}}
      cuft.break
    }
    cuft.condition %c : i1
  } do {
  }
  cuft.return
}

// -----

// A loop in the caller does not count: the search stops at the function.
cuft.func @helper(%c: i1) {
  cuft.if %c : i1 {
    // expected-error@+1 {{'cuft.continue' op expects to be inside a loop body ('continue' outside loop)}}
    cuft.continue
  }
  cuft.return
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{'cuft.break' op expects to be inside a loop body ('break' outside loop)}}
  cuft.break
}

// -----

cuft.kernel @k(%c: i1) {
  cuft.if %c : i1 {
    // expected-error@+1 {{'cuft.yield' op must be the last operation in the parent block}}
    cuft.yield
    cuft.syncthreads
  }
  cuft.return
}

// -----

// cuft.yield ends structured regions only; a function body must not fall
// through with it.
cuft.func @f() -> i64 {
  // expected-error@+1 {{'cuft.yield' op expects parent op to be one of 'cuft.if, cuft.for, cuft.while'}}
  cuft.yield
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{'cuft.yield' op expects parent op to be one of 'cuft.if, cuft.for, cuft.while'}}
  cuft.yield
}

// -----

cuft.kernel @k() {
  // expected-error@+1 {{block with no terminator}}
  cuft.syncthreads
}

// -----

cuft.kernel @k(%a: f64) {
  // expected-error@+1 {{expects kind "and", "or" or "comparison", got "xor"}}
  %r = cuft.short_circuit "xor" : f64 {
    cuft.exit %a : f64
  }
  cuft.return
}

// -----

cuft.kernel @k(%a: f64) {
  // expected-error@+1 {{'cuft.short_circuit' op expects its block to end in cuft.exit}}
  %r = cuft.short_circuit "and" : f64 {
    cuft.return
  }
  cuft.return
}

// -----

cuft.kernel @k(%a: f64) {
  // expected-error@+1 {{'cuft.exit_if' op expects parent op 'cuft.short_circuit'}}
  cuft.exit_if %a, %a if false : f64, f64
  cuft.return
}

// -----

cuft.kernel @k(%a: f64) {
  %r = cuft.short_circuit "and" : f64 {
    // expected-error@+1 {{'cuft.exit_if' op expects an i1 test, got 'f64'}}
    cuft.exit_if %a, %a if false : f64, f64
    cuft.exit %a : f64
  }
  cuft.return
}

// -----

cuft.kernel @k(%a: f64, %b: i64) {
  %r = cuft.short_circuit "or" : f64 {
    // expected-error@+1 {{'cuft.exit' op expects a value of the result's type 'f64', got 'i64'}}
    cuft.exit %b : i64
  }
  cuft.return
}
