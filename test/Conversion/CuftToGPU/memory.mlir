// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s

// Arrays become memrefs, variables rank-0 allocas, shared arrays globals in
// address space 3 (one per allocation site, declared at the top of the gpu.module).
// CHECK-LABEL: gpu.module @cuft_kernels
// CHECK-DAG: memref.global "private" @[[SH32:__cuft_shared_0]] : memref<32xi32, 3> = uninitialized {alignment = 16 : i64}
// CHECK-DAG: memref.global "private" @[[SH16:__cuft_shared]] : memref<16x16xf32, 3> = uninitialized {alignment = 16 : i64}

// CHECK-LABEL: gpu.func @vars(
// CHECK-SAME: %[[A:.*]]: memref<?xf32>, %[[C:.*]]: i1) kernel
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<f32>
// CHECK: memref.store %{{.*}}, %[[ACC]][] : memref<f32>
// CHECK: cf.cond_br %[[C]]
// CHECK: %[[I:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[V:.*]] = memref.load %[[A]][%[[I]]] : memref<?xf32>
// CHECK: memref.store %[[V]], %[[ACC]][] : memref<f32>
// CHECK: %[[R:.*]] = memref.load %[[ACC]][] : memref<f32>
// CHECK: memref.store %[[R]], %[[A]][%{{.*}}] : memref<?xf32>
// CHECK: gpu.return
cuft.kernel @vars(%a: !cuft.array<f32, 1, C>, %c: i1) {
  %acc = cuft.var "acc" : !cuft.var<f32>
  %z = cuft.constant 0.0 : f32
  %i = cuft.constant 3 : i64
  cuft.var_store %z, %acc : f32, !cuft.var<f32>
  cuft.if %c : i1 {
    %v = cuft.load %a[%i] : !cuft.array<f32, 1, C>[i64] -> f32
    cuft.var_store %v, %acc : f32, !cuft.var<f32>
  }
  %r = cuft.var_load %acc : !cuft.var<f32> -> f32
  cuft.store %r, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}

// Signed indices use index_cast, and a negative one counts from the end of its
// axis (a[-1] is the last element); unsigned ones use index_castui.
// CHECK-LABEL: gpu.func @indices(
// CHECK-SAME: %[[A:.*]]: memref<?x?xi32>, %[[I:.*]]: i32, %[[J:.*]]: i32) kernel
// CHECK: %[[IC:.*]] = arith.index_cast %[[I]] : i32 to index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[IC]], %{{.*}} : index
// CHECK: %[[D0:.*]] = memref.dim %[[A]], %{{.*}} : memref<?x?xi32>
// CHECK: %[[END:.*]] = arith.addi %[[IC]], %[[D0]] : index
// CHECK: %[[I0:.*]] = arith.select %[[NEG]], %[[END]], %[[IC]] : index
// CHECK: %[[J0:.*]] = arith.index_castui %[[J]] : i32 to index
// CHECK: %[[V:.*]] = memref.load %[[A]][%[[I0]], %[[J0]]] : memref<?x?xi32>
// CHECK: %[[J1:.*]] = arith.index_castui %[[J]] : i32 to index
// CHECK: arith.index_cast %[[I]] : i32 to index
// CHECK: %[[I1:.*]] = arith.select
// CHECK: memref.store %[[V]], %[[A]][%[[J1]], %[[I1]]] : memref<?x?xi32>
cuft.kernel @indices(%a: !cuft.array<i32, 2, C>, %i: i32, %j: ui32) {
  %v = cuft.load %a[%i, %j] : !cuft.array<i32, 2, C>[i32, ui32] -> i32
  cuft.store %v, %a[%j, %i] : i32, !cuft.array<i32, 2, C>[ui32, i32]
  cuft.return
}

// Strided arrays carry dynamic strides and offset; shape and strides come from
// the memref, ndim is a constant. At a kernel's entry, every dimension of its
// arrays is assumed below 2**48 (the launch checks it).
// CHECK-LABEL: gpu.func @shape(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf64, strided<[?, ?], offset: ?>>, %[[OUT:.*]]: memref<?xi64>) kernel
// CHECK-NEXT: %[[MAX:.*]] = arith.constant 281474976710656 : index
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[A0:.*]] = memref.dim %[[A]], %[[Z]]
// CHECK-NEXT: %[[OK0:.*]] = arith.cmpi ult, %[[A0]], %[[MAX]] : index
// CHECK-NEXT: llvm.intr.assume %[[OK0]] : i1
// CHECK: memref.dim %[[A]], %{{.*}}
// CHECK-NEXT: arith.cmpi ult
// CHECK-NEXT: llvm.intr.assume
// CHECK: memref.dim %[[OUT]], %{{.*}}
// CHECK-NEXT: arith.cmpi ult
// CHECK-NEXT: llvm.intr.assume
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[DIM:.*]] = memref.dim %[[A]], %[[ONE]]
// CHECK: %[[N:.*]] = arith.index_cast %[[DIM]] : index to i64
// CHECK: %{{.*}}, %{{.*}}, %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[A]]
// CHECK: %[[S:.*]] = arith.index_cast %[[STRIDES]]#0 : index to i64
// CHECK: %[[RANK:.*]] = arith.constant 2 : i64
// CHECK: memref.store %[[N]], %[[OUT]]
// CHECK: memref.store %[[S]], %[[OUT]]
// CHECK: memref.store %[[RANK]], %[[OUT]]
cuft.kernel @shape(%a: !cuft.array<f64, 2, strided>, %out: !cuft.array<i64, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  %n = cuft.dim %a, 1 : !cuft.array<f64, 2, strided> -> i64
  %s = cuft.stride %a, 0 : !cuft.array<f64, 2, strided> -> i64
  %r = cuft.ndim %a : !cuft.array<f64, 2, strided> -> i64
  cuft.store %n, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.store %s, %out[%c1] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.store %r, %out[%c1] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.return
}

// a.size: the product of the extents, as an index, then i64.
// CHECK-LABEL: gpu.func @size(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf64, strided<[?, ?], offset: ?>>, %[[OUT:.*]]: memref<?xi64>) kernel
// CHECK: llvm.intr.assume
// CHECK: llvm.intr.assume
// CHECK: llvm.intr.assume
// CHECK: %[[D0:.*]] = memref.dim %[[A]], %c0
// CHECK: %[[P0:.*]] = arith.muli %{{.*}}, %[[D0]] : index
// CHECK: %[[D1:.*]] = memref.dim %[[A]], %c1
// CHECK: %[[P1:.*]] = arith.muli %[[P0]], %[[D1]] : index
// CHECK: %[[N:.*]] = arith.index_cast %[[P1]] : index to i64
// CHECK: memref.store %[[N]], %[[OUT]]
cuft.kernel @size(%a: !cuft.array<f64, 2, strided>, %out: !cuft.array<i64, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %n = cuft.size %a : !cuft.array<f64, 2, strided> -> i64
  cuft.store %n, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.return
}

// a.itemsize: a constant of the element type (bool: 1 byte).
// CHECK-LABEL: gpu.func @itemsize(
// CHECK-DAG: %[[EIGHT:.*]] = arith.constant 8 : i64
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK: memref.store %[[EIGHT]]
// CHECK: memref.store %[[ONE]]
cuft.kernel @itemsize(%a: !cuft.array<f64, 2, strided>, %b: !cuft.array<i1, 1, C>, %out: !cuft.array<i64, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %n = cuft.itemsize %a : !cuft.array<f64, 2, strided> -> i64
  %m = cuft.itemsize %b : !cuft.array<i1, 1, C> -> i64
  cuft.store %n, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.store %m, %out[%c0] : i64, !cuft.array<i64, 1, C>[i64]
  cuft.return
}

// F-layout arrays are strided memrefs too: the strides come from the caller.
// CHECK-LABEL: gpu.func @fortran(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf32, strided<[?, ?], offset: ?>>, %{{.*}}: i64) kernel
// CHECK: memref.load %[[A]][%{{.*}}, %{{.*}}] : memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: memref.store %{{.*}}, %[[A]][%{{.*}}, %{{.*}}] : memref<?x?xf32, strided<[?, ?], offset: ?>>
cuft.kernel @fortran(%a: !cuft.array<f32, 2, F>, %i: i64) {
  %v = cuft.load %a[%i, %i] : !cuft.array<f32, 2, F>[i64, i64] -> f32
  cuft.store %v, %a[%i, %i] : f32, !cuft.array<f32, 2, F>[i64, i64]
  cuft.return
}

// CHECK-LABEL: gpu.func @shared(
// CHECK: %[[G:.*]] = memref.get_global @[[SH16]] : memref<16x16xf32, 3>
// CHECK: %[[T:.*]] = memref.cast %[[G]] : memref<16x16xf32, 3> to memref<?x?xf32, 3>
// CHECK: %[[G2:.*]] = memref.get_global @[[SH32]] : memref<32xi32, 3>
// CHECK: memref.cast %[[G2]] : memref<32xi32, 3> to memref<?xi32, 3>
// CHECK: memref.store %{{.*}}, %[[T]][%{{.*}}, %{{.*}}] : memref<?x?xf32, 3>
cuft.kernel @shared(%a: !cuft.array<f32, 1, C>, %i: i64) {
  %t = cuft.alloc_shared f32 shape [16, 16] -> !cuft.array<f32, 2, C, shared>
  %u = cuft.alloc_shared i32 shape [32] -> !cuft.array<i32, 1, C, shared>
  %v = cuft.load %a[%i] : !cuft.array<f32, 1, C>[i64] -> f32
  cuft.store %v, %t[%i, %i] : f32, !cuft.array<f32, 2, C, shared>[i64, i64]
  cuft.return
}

// A local array allocated in a loop is hoisted to the entry block, so the loop
// does not grow the stack.
// CHECK-LABEL: gpu.func @local(
// CHECK: %[[BUF:.*]] = memref.alloca() : memref<4xf32>
// CHECK-NEXT: %[[CAST:.*]] = memref.cast %[[BUF]] : memref<4xf32> to memref<?xf32>
// CHECK: cf.br ^[[HEAD:.*]](
// CHECK: ^[[HEAD]](
// CHECK-NOT: memref.alloca
// CHECK: memref.store %{{.*}}, %[[CAST]][%{{.*}}] : memref<?xf32>
// CHECK: gpu.return
cuft.kernel @local(%a: !cuft.array<f32, 1, C>, %n: i64) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  cuft.for %k = %c0 to %n step %c1 : i64 {
    %buf = cuft.alloc_local f32 shape [4] -> !cuft.array<f32, 1, C, local>
    %v = cuft.load %a[%k] : !cuft.array<f32, 1, C>[i64] -> f32
    cuft.store %v, %buf[%c0] : f32, !cuft.array<f32, 1, C, local>[i64]
  }
  cuft.return
}

// Assignment to a slice: a loop nest over the view's extents; an array source
// is read at the same indices (index 0 along a dimension of extent 1: NumPy's
// broadcasting) and converted (i8 to f32 here).
// CHECK-LABEL: gpu.func @fill(
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[BI:.*]] = arith.select %{{.*}}, %{{.*}}, %[[I]] : index
// CHECK: %[[BJ:.*]] = arith.select %{{.*}}, %{{.*}}, %[[J]] : index
// CHECK: %[[V:.*]] = memref.load %{{.*}}[%[[BI]], %[[BJ]]] : memref<?x?xi8>
// CHECK: %[[F:.*]] = arith.sitofp %[[V]] : i8 to f32
// CHECK: memref.store %[[F]], %{{.*}}[%[[I]], %[[J]]]
cuft.kernel @fill(%a: !cuft.array<f32, 2, strided>, %b: !cuft.array<i8, 2, C>) {
  cuft.fill %a, %b : !cuft.array<f32, 2, strided>, !cuft.array<i8, 2, C>
  cuft.return
}

// A record is its element's address: aligned pointer + (offset + i * stride)
// records of 11 bytes; a field is loaded at its byte offset with the
// alignment the packed layout gives it (1 for the f64 at offset 1).
// CHECK-LABEL: gpu.func @packed_record(
// CHECK: memref.extract_strided_metadata
// CHECK: %[[SIZE:.*]] = arith.constant 11 : index
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: %[[P:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// CHECK: llvm.load %[[P]] {alignment = 1 : i64} : !llvm.ptr -> f64
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 1 : i64} : f64, !llvm.ptr
cuft.kernel @packed_record(%a: !cuft.array<!cuft.record<"rec<11;a=i8@0;b=f64@1;c=i16@9>">, 1, C>, %i: i64) {
  %r = cuft.load %a[%i] : !cuft.array<!cuft.record<"rec<11;a=i8@0;b=f64@1;c=i16@9>">, 1, C>[i64] -> !cuft.record<"rec<11;a=i8@0;b=f64@1;c=i16@9>">
  %b = cuft.getfield %r, "b" : (!cuft.record<"rec<11;a=i8@0;b=f64@1;c=i16@9>">) -> f64
  cuft.setfield %b, %r, "b" : f64, !cuft.record<"rec<11;a=i8@0;b=f64@1;c=i16@9>">
  cuft.return
}

// A record scalar parameter (passed by value) is its bytes in 8-byte words
// (the kernel ABI, KernelArgs.h): stored at entry into a 16-byte aligned local
// copy, whose address is the record.
// CHECK-LABEL: gpu.func @record_scalar(
// CHECK-SAME: %[[W0:.*]]: i64, %[[W1:.*]]: i64, %[[OUT:.*]]: memref<?xf64>) kernel
// CHECK: %[[COPY:.*]] = memref.alloca() {alignment = 16 : i64} : memref<2xi64>
// CHECK: memref.store %[[W0]], %[[COPY]][%{{.*}}] : memref<2xi64>
// CHECK: memref.store %[[W1]], %[[COPY]][%{{.*}}] : memref<2xi64>
// CHECK: %[[AT:.*]] = memref.extract_aligned_pointer_as_index %[[COPY]]
// CHECK: %[[ADDR:.*]] = arith.index_cast %[[AT]] : index to i64
// CHECK: %[[F:.*]] = arith.addi %[[ADDR]], %{{.*}} : i64
// CHECK: %[[P:.*]] = llvm.inttoptr %[[F]] : i64 to !llvm.ptr
// CHECK: llvm.load %[[P]] {alignment = 1 : i64} : !llvm.ptr -> f64
cuft.kernel @record_scalar(%r: !cuft.record<"rec<11;a=i8@0;b=f64@1;c=i16@9>">, %out: !cuft.array<f64, 1, C>) {
  %b = cuft.getfield %r, "b" : (!cuft.record<"rec<11;a=i8@0;b=f64@1;c=i16@9>">) -> f64
  %c0 = cuft.constant 0 : i64
  cuft.store %b, %out[%c0] : f64, !cuft.array<f64, 1, C>[i64]
  cuft.return
}

// A nested record field is the address of its bytes; storing a record (into
// an array element or a record field) copies the whole item in the widest
// unit its alignment allows (8 bytes for a 24-byte record holding an f64).
// CHECK-LABEL: gpu.func @nested_record(
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C3]]
// CHECK: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr -> i64
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK: %[[Q:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// CHECK: llvm.ptrtoint %[[Q]] : !llvm.ptr to i64
// CHECK: %[[P:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// CHECK: llvm.ptrtoint %[[P]] : !llvm.ptr to i64
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C2]]
// CHECK: llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> i32
cuft.kernel @nested_record(%a: !cuft.array<!cuft.record<"rec<24;p=rec<8;x=f32@0;y=f32@4>@0;w=f64@8;q=rec<8;x=f32@0;y=f32@4>@16>">, 1, C>) {
  %c0 = cuft.constant 0 : i64
  %c1 = cuft.constant 1 : i64
  %r = cuft.load %a[%c1] : !cuft.array<!cuft.record<"rec<24;p=rec<8;x=f32@0;y=f32@4>@0;w=f64@8;q=rec<8;x=f32@0;y=f32@4>@16>">, 1, C>[i64] -> !cuft.record<"rec<24;p=rec<8;x=f32@0;y=f32@4>@0;w=f64@8;q=rec<8;x=f32@0;y=f32@4>@16>">
  cuft.store %r, %a[%c0] : !cuft.record<"rec<24;p=rec<8;x=f32@0;y=f32@4>@0;w=f64@8;q=rec<8;x=f32@0;y=f32@4>@16>">, !cuft.array<!cuft.record<"rec<24;p=rec<8;x=f32@0;y=f32@4>@0;w=f64@8;q=rec<8;x=f32@0;y=f32@4>@16>">, 1, C>[i64]
  %q = cuft.getfield %r, "q" : (!cuft.record<"rec<24;p=rec<8;x=f32@0;y=f32@4>@0;w=f64@8;q=rec<8;x=f32@0;y=f32@4>@16>">) -> !cuft.record<"rec<8;x=f32@0;y=f32@4>">
  cuft.setfield %q, %r, "p" : !cuft.record<"rec<8;x=f32@0;y=f32@4>">, !cuft.record<"rec<24;p=rec<8;x=f32@0;y=f32@4>@0;w=f64@8;q=rec<8;x=f32@0;y=f32@4>@16>">
  cuft.return
}
