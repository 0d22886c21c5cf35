// RUN: cuft-opt %s | FileCheck %s
// RUN: cuft-opt %s | cuft-opt | FileCheck %s
// RUN: cuft-opt %s -mlir-print-op-generic | cuft-opt | FileCheck %s

// Round-trip of the cuft types. The default memory space (global) is elided
// when printed, whether or not the input spells it.

// CHECK-LABEL: cuft.func @unknown
// CHECK-SAME: (%{{.*}}: !cuft.unknown) -> !cuft.unknown
cuft.func @unknown(%a: !cuft.unknown) -> !cuft.unknown {
  cuft.return %a : !cuft.unknown
}

// CHECK-LABEL: cuft.kernel @arrays
// CHECK-SAME: %{{.*}}: !cuft.array<f32, 1, C>,
// CHECK-SAME: %{{.*}}: !cuft.array<f64, 2, F>,
// CHECK-SAME: %{{.*}}: !cuft.array<i32, 3, strided>,
// CHECK-SAME: %{{.*}}: !cuft.array<ui8, 8, C>,
// CHECK-SAME: %{{.*}}: !cuft.array<i1, 1, F>,
// CHECK-SAME: %{{.*}}: !cuft.array<i64, 2, strided>)
// CHECK-NOT: global
cuft.kernel @arrays(%a: !cuft.array<f32, 1, C>,
                    %b: !cuft.array<f64, 2, F, global>,
                    %c: !cuft.array<i32, 3, strided>,
                    %d: !cuft.array<ui8, 8, C>,
                    %e: !cuft.array<i1, 1, F>,
                    %f: !cuft.array<i64, 2, strided, global>) {
  cuft.return
}

// Shared and local spaces are kept.
// CHECK-LABEL: cuft.func @spaces
// CHECK-SAME: %{{.*}}: !cuft.array<f32, 2, C, shared>
// CHECK-SAME: %{{.*}}: !cuft.array<ui16, 1, C, local>
cuft.func @spaces(%s: !cuft.array<f32, 2, C, shared>,
                  %l: !cuft.array<ui16, 1, C, local>) {
  cuft.return
}

// Every scalar type a kernel argument may have.
// CHECK-LABEL: cuft.kernel @scalars
// CHECK-SAME: i1, %{{.*}}: i8, %{{.*}}: i16, %{{.*}}: i32, %{{.*}}: i64,
// CHECK-SAME: ui8, %{{.*}}: ui16, %{{.*}}: ui32, %{{.*}}: ui64, %{{.*}}: f32, %{{.*}}: f64)
cuft.kernel @scalars(%b: i1, %i8: i8, %i16: i16, %i32: i32, %i64: i64,
                     %u8: ui8, %u16: ui16, %u32: ui32, %u64: ui64,
                     %f: f32, %d: f64) {
  cuft.return
}

// Variable types, generic and typed, holding scalars and arrays.
// CHECK-LABEL: cuft.kernel @vars
// CHECK: cuft.var "a" : {{(!cuft.var)?}}<!cuft.unknown>
// CHECK: cuft.var "b" : {{(!cuft.var)?}}<f32>
// CHECK: cuft.var "c" : {{(!cuft.var)?}}<i1>
// CHECK: cuft.var "d" : {{(!cuft.var)?}}<!cuft.array<f32, 2, C>>
// CHECK: cuft.var "e" : {{(!cuft.var)?}}<!cuft.array<i32, 1, C, shared>>
cuft.kernel @vars() {
  %a = cuft.var "a" : !cuft.var<!cuft.unknown>
  %b = cuft.var "b" : !cuft.var<f32>
  %c = cuft.var "c" : !cuft.var<i1>
  %d = cuft.var "d" : !cuft.var<!cuft.array<f32, 2, C, global>>
  %e = cuft.var "e" : !cuft.var<!cuft.array<i32, 1, C, shared>>
  cuft.return
}
