// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s

// Each kind maps to a memref.atomic_rmw kind chosen by the element type and its
// signedness (ui64 becomes i64 with unsigned min/max).
// CHECK-LABEL: gpu.func @rmw(
// CHECK-SAME: %[[F:[^:]*]]: memref<?xf32>, %[[I:[^:]*]]: memref<?xi32>, %[[U:[^:]*]]: memref<?xi64>, %[[K:[^:]*]]: i64, %[[X:[^:]*]]: f32, %[[Y:[^:]*]]: i32, %[[Z:[^:]*]]: i64)
// CHECK: %[[K0:.*]] = arith.index_cast %[[K]] : i64 to index
// CHECK: %[[IDX:.*]] = arith.select %{{.*}}, %{{.*}}, %[[K0]] : index
// CHECK-NEXT: memref.atomic_rmw addf %[[X]], %[[F]][%[[IDX]]] : (f32, memref<?xf32>) -> f32
// CHECK: memref.atomic_rmw addi %[[Y]], %[[I]][%{{.*}}] : (i32, memref<?xi32>) -> i32
// CHECK: memref.atomic_rmw mins %[[Y]], %[[I]]
// CHECK: memref.atomic_rmw maxs %[[Y]], %[[I]]
// CHECK: memref.atomic_rmw minu %[[Z]], %[[U]][%{{.*}}] : (i64, memref<?xi64>) -> i64
// CHECK: memref.atomic_rmw maxu %[[Z]], %[[U]]
// CHECK: memref.atomic_rmw maximumf %[[X]], %[[F]]
// CHECK: memref.atomic_rmw assign %[[X]], %[[F]]
cuft.kernel @rmw(%f: !cuft.array<f32, 1, C>, %i: !cuft.array<i32, 1, C>, %u: !cuft.array<ui64, 1, C>, %k: i64, %x: f32, %y: i32, %z: ui64) {
  %0 = cuft.atomic add %f[%k], %x : !cuft.array<f32, 1, C>[i64], f32 -> f32
  %1 = cuft.atomic add %i[%k], %y : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %2 = cuft.atomic min %i[%k], %y : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %3 = cuft.atomic max %i[%k], %y : !cuft.array<i32, 1, C>[i64], i32 -> i32
  %4 = cuft.atomic min %u[%k], %z : !cuft.array<ui64, 1, C>[i64], ui64 -> ui64
  %5 = cuft.atomic max %u[%k], %z : !cuft.array<ui64, 1, C>[i64], ui64 -> ui64
  %6 = cuft.atomic max %f[%k], %x : !cuft.array<f32, 1, C>[i64], f32 -> f32
  %7 = cuft.atomic exch %f[%k], %x : !cuft.array<f32, 1, C>[i64], f32 -> f32
  cuft.return
}

// Subtraction is an atomic add of the negated value.
// CHECK-LABEL: gpu.func @sub(
// CHECK-SAME: %[[F:[^:]*]]: memref<?xf64>, %[[I:[^:]*]]: memref<?xi64>, %[[K:[^:]*]]: i64, %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: i64)
// CHECK: %[[NX:.*]] = arith.negf %[[X]] : f64
// CHECK: memref.atomic_rmw addf %[[NX]], %[[F]][%{{.*}}] : (f64, memref<?xf64>) -> f64
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: %[[NY:.*]] = arith.subi %[[ZERO]], %[[Y]] : i64
// CHECK: memref.atomic_rmw addi %[[NY]], %[[I]][%{{.*}}] : (i64, memref<?xi64>) -> i64
// CHECK-NOT: atomic_rmw sub
cuft.kernel @sub(%f: !cuft.array<f64, 1, C>, %i: !cuft.array<i64, 1, C>, %k: i64, %x: f64, %y: i64) {
  %0 = cuft.atomic sub %f[%k], %x : !cuft.array<f64, 1, C>[i64], f64 -> f64
  %1 = cuft.atomic sub %i[%k], %y : !cuft.array<i64, 1, C>[i64], i64 -> i64
  cuft.return
}

// Compare-and-swap is a generic atomic update: store the new value when the old
// one equals `expected` bit for bit (floats are compared as integers, so a NaN
// can be swapped out and -0.0 differs from 0.0).
// CHECK-LABEL: gpu.func @cas(
// CHECK-SAME: %[[I:[^:]*]]: memref<?xi32>, %[[F:[^:]*]]: memref<?xf32>, %[[K:[^:]*]]: i64, %[[E:[^:]*]]: i32, %[[V:[^:]*]]: i32, %[[FE:[^:]*]]: f32, %[[FV:[^:]*]]: f32)
// CHECK: memref.generic_atomic_rmw %[[I]][%{{.*}}] : memref<?xi32> {
// CHECK-NEXT: ^bb0(%[[CUR:.*]]: i32):
// CHECK-NEXT: %[[EQ:.*]] = arith.cmpi eq, %[[CUR]], %[[E]] : i32
// CHECK-NEXT: %[[NEW:.*]] = arith.select %[[EQ]], %[[V]], %[[CUR]] : i32
// CHECK-NEXT: memref.atomic_yield %[[NEW]] : i32
// CHECK: memref.generic_atomic_rmw %[[F]][%{{.*}}] : memref<?xf32> {
// CHECK-NEXT: ^bb0(%[[FCUR:.*]]: f32):
// CHECK-NEXT: %[[CB:.*]] = arith.bitcast %[[FCUR]] : f32 to i32
// CHECK-NEXT: %[[EB:.*]] = arith.bitcast %[[FE]] : f32 to i32
// CHECK-NEXT: %[[FEQ:.*]] = arith.cmpi eq, %[[CB]], %[[EB]] : i32
// CHECK-NEXT: %[[FNEW:.*]] = arith.select %[[FEQ]], %[[FV]], %[[FCUR]] : f32
// CHECK-NEXT: memref.atomic_yield %[[FNEW]] : f32
cuft.kernel @cas(%i: !cuft.array<i32, 1, C>, %f: !cuft.array<f32, 1, C>, %k: i64, %e: i32, %v: i32, %fe: f32, %fv: f32) {
  %0 = cuft.atomic_cas %i[%k], %e, %v : !cuft.array<i32, 1, C>[i64], i32, i32 -> i32
  %1 = cuft.atomic_cas %f[%k], %fe, %fv : !cuft.array<f32, 1, C>[i64], f32, f32 -> f32
  cuft.return
}

// Atomics on shared arrays work on the address-space-3 memref.
// CHECK-LABEL: gpu.func @shared_atomic(
// CHECK: %[[G:.*]] = memref.get_global @__cuft_shared : memref<8xi32, 3>
// CHECK: %[[S:.*]] = memref.cast %[[G]]
// CHECK: memref.atomic_rmw addi %{{.*}}, %[[S]][%{{.*}}] : (i32, memref<?xi32, 3>) -> i32
cuft.kernel @shared_atomic(%k: i64, %y: i32) {
  %s = cuft.alloc_shared i32 shape [8] -> !cuft.array<i32, 1, C, shared>
  %0 = cuft.atomic add %s[%k], %y : !cuft.array<i32, 1, C, shared>[i64], i32 -> i32
  cuft.return
}

// and/or, and nanmin/nanmax (fmin/fmax: a NaN is ignored) are memref kinds;
// xor and CUDA's wrap-around inc and dec are compare-and-swap loops.
// CHECK-LABEL: gpu.func @more(
// CHECK: memref.atomic_rmw andi
// CHECK: memref.atomic_rmw ori
// CHECK: memref.atomic_rmw maxnumf
// CHECK: memref.atomic_rmw minnumf
// CHECK: memref.generic_atomic_rmw
// CHECK: arith.xori
// CHECK: memref.generic_atomic_rmw
// CHECK: %[[GE:.*]] = arith.cmpi uge
// CHECK: arith.select %[[GE]], %{{.*}}, %{{.*}} : i32
// CHECK: memref.generic_atomic_rmw
// CHECK-DAG: %[[ZERO:.*]] = arith.cmpi eq
// CHECK-DAG: %[[ABOVE:.*]] = arith.cmpi ugt
// CHECK: %[[WRAP:.*]] = arith.ori %[[ZERO]], %[[ABOVE]]
// CHECK: arith.select %[[WRAP]]
cuft.kernel @more(%f: !cuft.array<f32, 1, C>, %u: !cuft.array<ui32, 1, C>, %k: i64, %x: f32, %y: ui32) {
  %0 = cuft.atomic and %u[%k], %y : !cuft.array<ui32, 1, C>[i64], ui32 -> ui32
  %1 = cuft.atomic or %u[%k], %y : !cuft.array<ui32, 1, C>[i64], ui32 -> ui32
  %2 = cuft.atomic nanmax %f[%k], %x : !cuft.array<f32, 1, C>[i64], f32 -> f32
  %3 = cuft.atomic nanmin %f[%k], %x : !cuft.array<f32, 1, C>[i64], f32 -> f32
  %4 = cuft.atomic xor %u[%k], %y : !cuft.array<ui32, 1, C>[i64], ui32 -> ui32
  %5 = cuft.atomic inc %u[%k], %y : !cuft.array<ui32, 1, C>[i64], ui32 -> ui32
  %6 = cuft.atomic dec %u[%k], %y : !cuft.array<ui32, 1, C>[i64], ui32 -> ui32
  cuft.return
}
