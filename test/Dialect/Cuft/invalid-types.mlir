// RUN: cuft-opt %s -split-input-file -verify-diagnostics

// ArrayType::verify: the element type must be a cuft scalar.

// expected-error@+1 {{expects a scalar element type (bool, i8-i64, u8-u64, f16, bf16, f32, f64, complex<f32>, complex<f64>), got 'index'}}
cuft.func @f(%a: !cuft.array<index, 1, C>) {
  cuft.return
}

// -----

// expected-error@+1 {{expects a scalar element type (bool, i8-i64, u8-u64, f16, bf16, f32, f64, complex<f32>, complex<f64>), got 'f80'}}
cuft.func @f(%a: !cuft.array<f80, 1, C>) {
  cuft.return
}

// -----

// Signed integers (si32) are not a cuft scalar: cuft uses signless for signed.
// expected-error@+1 {{expects a scalar element type (bool, i8-i64, u8-u64, f16, bf16, f32, f64, complex<f32>, complex<f64>), got 'si32'}}
cuft.func @f(%a: !cuft.array<si32, 1, C>) {
  cuft.return
}

// -----

// expected-error@+1 {{expects a scalar element type (bool, i8-i64, u8-u64, f16, bf16, f32, f64, complex<f32>, complex<f64>), got 'i3'}}
cuft.func @f(%a: !cuft.array<i3, 1, C>) {
  cuft.return
}

// -----

// expected-error@+1 {{expects a scalar element type (bool, i8-i64, u8-u64, f16, bf16, f32, f64, complex<f32>, complex<f64>), got '!cuft.unknown'}}
cuft.func @f(%a: !cuft.array<!cuft.unknown, 1, C>) {
  cuft.return
}

// -----

// expected-error@+1 {{expects a scalar element type (bool, i8-i64, u8-u64, f16, bf16, f32, f64, complex<f32>, complex<f64>), got '!cuft.array<f32, 1, C>'}}
cuft.func @f(%a: !cuft.array<!cuft.array<f32, 1, C>, 1, C>) {
  cuft.return
}

// -----

// expected-error@+1 {{expects a rank between 0 and 8, got 9}}
cuft.func @f(%a: !cuft.array<f32, 9, C>) {
  cuft.return
}

// -----

// expected-error@+1 {{expects shared and local arrays to be C-contiguous}}
cuft.func @f(%a: !cuft.array<f32, 2, F, shared>) {
  cuft.return
}

// -----

// expected-error@+1 {{expects shared and local arrays to be C-contiguous}}
cuft.func @f(%a: !cuft.array<f32, 2, strided, local>) {
  cuft.return
}

// -----

// Parse errors in the type syntax.

// expected-error@+2 {{expected ::cuft::Layout to be one of: C, F, strided}}
// expected-error@+1 {{failed to parse Cuft_ArrayType parameter 'layout'}}
cuft.func @f(%a: !cuft.array<f32, 1, X>) {
  cuft.return
}

// -----

// expected-error@+2 {{expected one of [global, shared, local] for array memory space, got: texture}}
// expected-error@+1 {{failed to parse Cuft_ArrayType parameter 'memorySpace'}}
cuft.func @f(%a: !cuft.array<f32, 1, C, texture>) {
  cuft.return
}

// -----

// expected-error@+2 {{expected integer value}}
// expected-error@+1 {{failed to parse Cuft_ArrayType parameter 'rank'}}
cuft.func @f(%a: !cuft.array<f32, C>) {
  cuft.return
}

// -----

// expected-error@+1 {{expected '>'}}
cuft.func @f(%a: !cuft.array<f32, 1, C, global, 3>) {
  cuft.return
}

// -----

// expected-error@+2 {{expected non-function type}}
// expected-error@+1 {{failed to parse Cuft_VarType parameter 'valueType'}}
cuft.func @f(%a: !cuft.var<>) {
  cuft.return
}

// -----

// expected-error@+1 {{unknown  type `tensor` in dialect `cuft`}}
cuft.func @f(%a: !cuft.tensor<f32>) {
  cuft.return
}

// -----

// expected-error@+2 {{record field 'w' ends past the record's 8 bytes}}
// expected-error@+1 {{failed to parse Cuft_ArrayType parameter 'elementType'}}
cuft.func @f(%a: !cuft.array<!cuft.record<"rec<8;x=f32@0;w=f64@4>">, 1, C>) {
  cuft.return
}

// -----

// expected-error@+2 {{unknown type 'f8x' of record field 'x'}}
// expected-error@+1 {{failed to parse Cuft_ArrayType parameter 'elementType'}}
cuft.func @f(%a: !cuft.array<!cuft.record<"rec<8;x=f8x@0>">, 1, C>) {
  cuft.return
}

// -----

// A nested record is checked as a record of its own.
// expected-error@+2 {{record field 'p': unknown type 'f9' of record field 'x'}}
// expected-error@+1 {{failed to parse Cuft_ArrayType parameter 'elementType'}}
cuft.func @f(%a: !cuft.array<!cuft.record<"rec<16;p=rec<8;x=f9@0>@0;w=f64@8>">, 1, C>) {
  cuft.return
}

// -----

// A packed outer layout that puts a nested record where its fields' loads
// would be misaligned is refused.
// expected-error@+2 {{record field 'p' is a record at byte offset 1, which does not keep the 4-byte alignment its fields need}}
// expected-error@+1 {{failed to parse Cuft_ArrayType parameter 'elementType'}}
cuft.func @f(%a: !cuft.array<!cuft.record<"rec<9;t=i8@0;p=rec<8;x=f32@0;y=f32@4>@1>">, 1, C>) {
  cuft.return
}

// -----

// expected-error@+2 {{a nested record field is name=rec<...>@offset, without a shape}}
// expected-error@+1 {{failed to parse Cuft_ArrayType parameter 'elementType'}}
cuft.func @f(%a: !cuft.array<!cuft.record<"rec<16;p=rec<8;x=f32@0;y=f32@4>[2]@0>">, 1, C>) {
  cuft.return
}
