// Spellings accepted in `sig`, constexpr values, and every way a signature can
// be rejected. Errors about the signature string are reported at the module.

// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=float32,int16,uint8,bool,array<float64,3,F>,array<u32,1,A>,i64=7" | FileCheck %s --check-prefix=NAMES
// NAMES-LABEL: cuft.kernel @k(
// NAMES-SAME: f32, %{{.*}}: i16, %{{.*}}: ui8, %{{.*}}: i1, %{{.*}}: !cuft.array<f64, 3, F>, %{{.*}}: !cuft.array<ui32, 1, strided>)
// NAMES: cuft.constant 7 : i64

// Integer constexpr values: single digits, negative numbers, hexadecimal, and
// the limits of the type.
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=f32,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,i32=8" | FileCheck %s --check-prefix=EIGHT
// EIGHT: cuft.constant 8 : i32
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=f32,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,i64=-1" | FileCheck %s --check-prefix=MINUS
// MINUS: cuft.constant -1 : i64
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=f32,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,i64=0x10" | FileCheck %s --check-prefix=HEX
// HEX: cuft.constant 16 : i64
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=f32,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,i8=-128" | FileCheck %s --check-prefix=I8MIN
// I8MIN: cuft.constant -128 : i8
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=f32,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,u8=255" | FileCheck %s --check-prefix=U8MAX
// U8MAX: cuft.constant 255 : ui8
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=f32,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,f64=-2.5" | FileCheck %s --check-prefix=FLOAT
// FLOAT: cuft.constant -2.500000e+00 : f64
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=f32,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,bool=True" | FileCheck %s --check-prefix=BOOL
// BOOL: cuft.constant true

// A tuple entry is its elements, one parameter each, nested or empty.
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=(float32,(int16,()),u8),(bool),array<float64,3,F>,(array<u32,1,A>,i64=7)" | FileCheck %s --check-prefix=TUPLE
// TUPLE-LABEL: cuft.kernel @k(
// TUPLE-SAME: f32, %{{.*}}: i16, %{{.*}}: ui8, %{{.*}}: i1, %{{.*}}: !cuft.array<f64, 3, F>, %{{.*}}: !cuft.array<ui32, 1, strided>)
// TUPLE: cuft.constant 7 : i64
// A namedtuple's elements carry their field names, which typing ignores.
// RUN: cuft-opt %s --cuft-specialize="kernel=k sig=(x:float32,y:(int16,()),z:u8),(bool),array<float64,3,F>,(array<u32,1,A>,i64=7)" | FileCheck %s --check-prefix=TUPLE

// `kernel=` selects one kernel; the other one keeps its generic arguments.
// RUN: cuft-opt %s --cuft-specialize="kernel=other sig=i32" | FileCheck %s --check-prefix=ONE
// ONE: cuft.kernel @k(%{{.*}}: !cuft.unknown,
// ONE: cuft.kernel @other(%{{.*}}: i32)

// Errors in the signature string.
// RUN: not cuft-opt %s --cuft-specialize="sig=f32,f80" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: invalid signature "f32,f80": entry #1 ('f80'): unknown type 'f80' (expected bool, i8-i64, u8-u64, f16, bf16, f32, f64, c64, c128, array<elem,rank,layout> or rec<...>)
// RUN: not cuft-opt %s --cuft-specialize="sig=array<f32,1,X>" 2>&1 | FileCheck %s --check-prefix=LAYOUT
// LAYOUT: error: invalid signature "array<f32,1,X>": entry #0 ('array<f32,1,X>'): array layout must be C, F or strided, got 'X'
// RUN: not cuft-opt %s --cuft-specialize="sig=array<f32,9,C>" 2>&1 | FileCheck %s --check-prefix=RANK9
// RANK9: error: invalid signature "array<f32,9,C>": entry #0 ('array<f32,9,C>'): array rank must be an integer from 0 to 8, got '9'
// RUN: not cuft-opt %s --cuft-specialize="sig=array<f32,two,C>" 2>&1 | FileCheck %s --check-prefix=RANKX
// RANKX: array rank must be an integer from 0 to 8, got 'two'
// RUN: not cuft-opt %s --cuft-specialize="sig=array<f32,1>" 2>&1 | FileCheck %s --check-prefix=FIELDS
// FIELDS: error: invalid signature "array<f32,1>": entry #0 ('array<f32,1>'): an array type needs <element,rank,layout> or <element,rank,layout,readonly>, got 'f32,1'
// RUN: not cuft-opt %s --cuft-specialize="sig=array<f80,1,C>" 2>&1 | FileCheck %s --check-prefix=ELEM
// ELEM: entry #0 ('array<f80,1,C>'): unknown element type 'f80'
// RUN: not cuft-opt %s --cuft-specialize="sig=f32,array<f32,1,C" 2>&1 | FileCheck %s --check-prefix=OPEN
// OPEN: error: invalid signature "f32,array<f32,1,C": unbalanced '<'
// RUN: not cuft-opt %s --cuft-specialize="sig=f32>" 2>&1 | FileCheck %s --check-prefix=CLOSE
// CLOSE: error: invalid signature "f32>": unbalanced '>'
// RUN: not cuft-opt %s --cuft-specialize="sig=f32,,i32" 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: invalid signature "f32,,i32": entry #1 (''): empty type
// RUN: not cuft-opt %s --cuft-specialize="sig=array<f32,1,C>=3" 2>&1 | FileCheck %s --check-prefix=ARRVAL
// ARRVAL: entry #0 ('array<f32,1,C>=3'): an array argument cannot have a constant value
// RUN: not cuft-opt %s --cuft-specialize="sig=bool=yes" 2>&1 | FileCheck %s --check-prefix=BOOLVAL
// BOOLVAL: entry #0 ('bool=yes'): expected true or false, got 'yes'
// RUN: not cuft-opt %s --cuft-specialize="sig=i32=1.5" 2>&1 | FileCheck %s --check-prefix=INTVAL
// INTVAL: entry #0 ('i32=1.5'): expected an integer, got '1.5'
// RUN: not cuft-opt %s --cuft-specialize="sig=i8=128" 2>&1 | FileCheck %s --check-prefix=I8BIG
// I8BIG: entry #0 ('i8=128'): value 128 does not fit in i8
// RUN: not cuft-opt %s --cuft-specialize="sig=i8=-129" 2>&1 | FileCheck %s --check-prefix=I8SMALL
// I8SMALL: entry #0 ('i8=-129'): value -129 does not fit in i8
// RUN: not cuft-opt %s --cuft-specialize="sig=u8=-1" 2>&1 | FileCheck %s --check-prefix=U8NEG
// U8NEG: entry #0 ('u8=-1'): value -1 does not fit in u8
// RUN: not cuft-opt %s --cuft-specialize="sig=u16=65536" 2>&1 | FileCheck %s --check-prefix=U16BIG
// U16BIG: entry #0 ('u16=65536'): value 65536 does not fit in u16
// RUN: not cuft-opt %s --cuft-specialize="sig=f32=abc" 2>&1 | FileCheck %s --check-prefix=FVAL
// FVAL: entry #0 ('f32=abc'): expected a number, got 'abc'

// Errors matching the signature to a kernel, reported at the kernel.
// RUN: not cuft-opt %s --cuft-specialize="kernel=nope sig=i32" 2>&1 | FileCheck %s --check-prefix=NOKERNEL
// NOKERNEL: error: no kernel named 'nope'
// RUN: not cuft-opt %s --cuft-specialize="kernel=k sig=f32,i32" 2>&1 | FileCheck %s --check-prefix=ARITY
// ARITY: [[@LINE+8]]:1: error: the signature has 2 entries but kernel 'k' takes 7 argument(s)
// RUN: not cuft-opt %s --cuft-specialize="kernel=other sig=" 2>&1 | FileCheck %s --check-prefix=NOSIG
// NOSIG: error: kernel 'other' has arguments of unknown type: pass a signature, e.g. cuft-specialize{sig="f32,array<f32,1,C>"}
// RUN: not cuft-opt %s --cuft-specialize="kernel=k sig=f32,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,i64" 2>&1 | FileCheck %s --check-prefix=NOVALUE
// NOVALUE: error: constexpr argument #6 of 'k' needs a value in the signature (e.g. i64=128)
// RUN: not cuft-opt %s --cuft-specialize="kernel=k sig=f32=1.0,i16,u8,bool,array<f64,3,F>,array<u32,1,C>,i64=4" 2>&1 | FileCheck %s --check-prefix=NOTCONSTEXPR
// NOTCONSTEXPR: error: argument #0 of 'k' is not constexpr, so the signature cannot give it a value

cuft.kernel @k(%a: !cuft.unknown, %b: !cuft.unknown, %c: !cuft.unknown, %d: !cuft.unknown, %x: !cuft.unknown, %y: !cuft.unknown, %n: !cuft.unknown {cuft.constexpr}) {
  %o = cuft.var "o" : !cuft.var<!cuft.unknown>
  cuft.var_store %n, %o : !cuft.unknown, !cuft.var<!cuft.unknown>
  cuft.return
}

cuft.kernel @other(%a: !cuft.unknown) {
  cuft.return
}
