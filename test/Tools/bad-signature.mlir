// A malformed `sig=` for --cuft-specialize is reported as an error naming the
// file and the offending entry; cuft-opt exits non-zero and does not crash.
// The signature has no place in the source, so the location is the file's
// (line 0).

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,array<f80,1,C>" 2>&1 | FileCheck %s --check-prefix=ELEM
// ELEM: bad-signature.mlir:0:0: error: invalid signature "f32,array<f80,1,C>": entry #1 ('array<f80,1,C>'): unknown element type 'f80'

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,array<f32,9,C>" 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: bad-signature.mlir:0:0: error: invalid signature "f32,array<f32,9,C>": entry #1 ('array<f32,9,C>'): array rank must be an integer from 0 to 8, got '9'

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,array<f32,1,X>" 2>&1 | FileCheck %s --check-prefix=LAYOUT
// LAYOUT: bad-signature.mlir:0:0: error: invalid signature "f32,array<f32,1,X>": entry #1 ('array<f32,1,X>'): array layout must be C, F or strided, got 'X'

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,array<f32>" 2>&1 | FileCheck %s --check-prefix=FIELDS
// FIELDS: bad-signature.mlir:0:0: error: invalid signature "f32,array<f32>": entry #1 ('array<f32>'): an array type needs <element,rank,layout> or <element,rank,layout,readonly>, got 'f32'

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,array<f32,1,C" 2>&1 | FileCheck %s --check-prefix=OPEN
// OPEN: bad-signature.mlir:0:0: error: invalid signature "f32,array<f32,1,C": unbalanced '<'

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,f32>" 2>&1 | FileCheck %s --check-prefix=CLOSE
// CLOSE: bad-signature.mlir:0:0: error: invalid signature "f32,f32>": unbalanced '>'

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,half" 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: bad-signature.mlir:0:0: error: invalid signature "f32,half": entry #1 ('half'): unknown type 'half' (expected bool, i8-i64, u8-u64, f16, bf16, f32, f64, c64, c128, array<elem,rank,layout> or rec<...>)

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,,f32" 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: bad-signature.mlir:0:0: error: invalid signature "f32,,f32": entry #1 (''): empty type

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,array<f32,1,C>=3" 2>&1 | FileCheck %s --check-prefix=ARRVAL
// ARRVAL: bad-signature.mlir:0:0: error: invalid signature "f32,array<f32,1,C>=3": entry #1 ('array<f32,1,C>=3'): an array argument cannot have a constant value

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,i8=300" 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: bad-signature.mlir:0:0: error: invalid signature "f32,i8=300": entry #1 ('i8=300'): value 300 does not fit in i8

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,i64=abc" 2>&1 | FileCheck %s --check-prefix=INT
// INT: bad-signature.mlir:0:0: error: invalid signature "f32,i64=abc": entry #1 ('i64=abc'): expected an integer, got 'abc'

// Well-formed signatures that do not fit the kernel point at the kernel.

// RUN: not cuft-opt %s --cuft-specialize="sig=f32" 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: bad-signature.mlir:[[@LINE+8]]:1: error: the signature has 1 entry but kernel 'k' takes 2 argument(s)

// RUN: not cuft-opt %s --cuft-specialize="sig=f32,f32 kernel=nope" 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: bad-signature.mlir:0:0: error: no kernel named 'nope'

// RUN: not cuft-opt %s --cuft-specialize 2>&1 | FileCheck %s --check-prefix=NOSIG
// NOSIG: bad-signature.mlir:[[@LINE+2]]:1: error: kernel 'k' has arguments of unknown type: pass a signature

cuft.kernel @k(%a: !cuft.unknown, %b: !cuft.unknown) {
  %0 = cuft.add %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
  cuft.return
}
