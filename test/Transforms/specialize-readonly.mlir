// A read-only array (`array<...,readonly>`: a numpy array whose writeable flag
// is off, a read-only __cuda_array_interface__) may be read, but a kernel that
// writes it, directly, atomically or through a device function, is refused.

// RUN: split-file %s %t
// RUN: cuft-opt %t/reads.mlir --cuft-specialize="sig=array<f32,1,C,readonly>,array<f32,1,C>" | FileCheck %s --check-prefix=READS
// READS: cuft.kernel @reads(%{{.*}}: !cuft.array<f32, 1, C>, %{{.*}}: !cuft.array<f32, 1, C>)
// RUN: not cuft-opt %t/reads.mlir --cuft-specialize="sig=array<f32,1,C>,array<f32,1,C,readonly>" 2>&1 | FileCheck %s --check-prefix=STORE
// STORE: readonly.py:1:12: error: read-only array passed as argument #1 of kernel 'reads', which writes to it
// STORE: readonly.py:3:3: note: the kernel writes to it here
// RUN: not cuft-opt %t/calls.mlir --cuft-specialize="sig=array<f32,1,C,readonly>" 2>&1 | FileCheck %s --check-prefix=CALL
// CALL: error: read-only array passed as argument #0 of kernel 'calls'
// CALL: readonly.py:7:3: note: the kernel writes to it here
// RUN: not cuft-opt %t/atomic.mlir --cuft-specialize="sig=array<i32,1,C,readonly>" 2>&1 | FileCheck %s --check-prefix=ATOMIC
// ATOMIC: error: read-only array passed as argument #0 of kernel 'atomic'
// A record scalar is passed by value: a write to it would be lost.
// RUN: not cuft-opt %t/record.mlir --cuft-specialize="sig=rec<8;x=f32@0;y=f32@4>" 2>&1 | FileCheck %s --check-prefix=RECORD
// RECORD: readonly.py:9:5: error: record passed as argument #0 of kernel 'record', which writes to it: a record scalar is passed by value
// RECORD: readonly.py:10:3: note: the kernel writes to it here
// RUN: not cuft-opt %t/reads.mlir --cuft-specialize="sig=rec<8;x=f32@0;y=f32@4>=1,array<f32,1,C>" 2>&1 | FileCheck %s --check-prefix=RECVAL
// RECVAL: a record argument cannot have a constant value

//--- reads.mlir
cuft.kernel @reads(%src: !cuft.unknown loc("readonly.py":1:5), %dst: !cuft.unknown loc("readonly.py":1:12)) {
  %c0 = cuft.constant 0 : i64
  %v = cuft.load %src[%c0] : !cuft.unknown[i64] -> !cuft.unknown
  cuft.store %v, %dst[%c0] : !cuft.unknown, !cuft.unknown[i64] loc("readonly.py":3:3)
  cuft.return
}

//--- calls.mlir
cuft.func @put_one(%a: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %one = cuft.constant 1.0 : f64
  cuft.store %one, %a[%c0] : f64, !cuft.unknown[i64]
  cuft.return
}

cuft.kernel @calls(%a: !cuft.unknown) {
  cuft.call @put_one(%a) : (!cuft.unknown) -> () loc("readonly.py":7:3)
  cuft.return
}

//--- atomic.mlir
cuft.kernel @atomic(%a: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64
  %one = cuft.constant 1 : i64
  %old = cuft.atomic add %a[%c0], %one : !cuft.unknown[i64], i64 -> !cuft.unknown
  cuft.return
}

//--- record.mlir
cuft.kernel @record(%r: !cuft.unknown loc("readonly.py":9:5)) {
  %one = cuft.constant 1.0 : f32
  cuft.setfield %one, %r, "x" : f32, !cuft.unknown loc("readonly.py":10:3)
  cuft.return
}
