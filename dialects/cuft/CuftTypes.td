//===- CuftTypes.td - cuft types --------------------------------*- tablegen -*-===//

#ifndef CUFT_TYPES_TD
#define CUFT_TYPES_TD

include "CuftDialect.td"

def Cuft_UnknownType : Cuft_Type<"Unknown", "unknown"> {
  let summary = "a type not known until specialization";
  let description = [{
    Generic IR gives this type to every value whose type depends on the kernel's
    argument signature. `cuft-specialize` replaces each use with a concrete type;
    typed IR contains none, and the lowering rejects IR that still does.

    Example: `%0 = cuft.add %a, %b : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown`
  }];
}

def Cuft_ArrayType : Cuft_Type<"Array", "array"> {
  let summary = "an n-dimensional array view: element type, rank, layout, memory space";
  let description = [{
    An array passed to a kernel or allocated in shared or local memory. The shape and
    the strides are runtime values (queried with `cuft.dim` and `cuft.stride`); the
    type fixes the element type, the rank, the layout and the memory space:

    - layout `C` (row-major contiguous), `F` (column-major contiguous) or `strided`
      (any element strides);
    - memory space `global` (the default; kernel arguments), `shared` (one buffer per
      block) or `local` (per thread).

    Examples: `!cuft.array<f32, 1, C>`, `!cuft.array<f64, 2, F, global>`,
    `!cuft.array<i32, 2, C, shared>`.
  }];
  let parameters = (ins "::mlir::Type":$elementType, "unsigned":$rank,
                        EnumParameter<Cuft_Layout>:$layout,
                        DefaultValuedParameter<"::cuft::MemorySpace",
                                               "::cuft::MemorySpace::Global">:$memorySpace);
  let assemblyFormat = "`<` $elementType `,` $rank `,` $layout (`,` $memorySpace^)? `>`";
  let genVerifyDecl = 1;
  let builders = [
    TypeBuilderWithInferredContext<(ins "::mlir::Type":$elementType, "unsigned":$rank,
        "::cuft::Layout":$layout,
        CArg<"::cuft::MemorySpace", "::cuft::MemorySpace::Global">:$memorySpace), [{
      return $_get(elementType.getContext(), elementType, rank, layout, memorySpace);
    }]>
  ];
}

def Cuft_RecordType : Cuft_Type<"Record", "record"> {
  let summary = "a numpy structured dtype: named fields at byte offsets";
  let description = [{
    The element type of an array of records (numpy's structured dtypes,
    aligned or packed as numpy lays them out). `layout` is the record's text
    in a signature (SignatureText.h): `rec<size;name=type@offset;...>`, a
    subarray field with its shape (`v=f64[3]@8`), a nested record field with
    its record's text (`p=rec<8;x=f32@0;y=f32@4>@0`). `a[i]` of such an array
    is a record value: the element's address, so that `r.x = 1` writes the
    array (numba's reference semantics); so is a nested record field (`r.p`).
    Fields are read and written with `cuft.getfield` and `cuft.setfield`;
    storing a record (`a[i] = b[j]`, `r.p = q`) copies the whole item. A
    kernel parameter may be a record: a scalar passed by value.

    Example: `!cuft.record<"rec<16;x=f32@0;n=i32@4;w=f64@8>">`
  }];
  let parameters = (ins StringRefParameter<"the record's signature text">:$layout);
  let assemblyFormat = "`<` $layout `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// One field: its name, scalar type, byte offset, subarray shape, and the
    /// alignment its loads may assume (numpy's packed layouts misalign).
    struct Field {
      std::string name;
      ::mlir::Type type;
      int64_t offset = 0;
      ::llvm::SmallVector<int64_t> shape;
      unsigned alignment = 1;
    };
    int64_t getSize() const;
    /// The largest alignment a field's type needs: a record's address is a
    /// multiple of it or of its size, whichever is smaller, as numpy lays
    /// arrays of records out.
    unsigned getAlignment() const;
    ::llvm::SmallVector<Field> getFields() const;
    /// The field `name`, if the record has it.
    std::optional<Field> getField(::llvm::StringRef name) const;
  }];
}

def Cuft_VarType : Cuft_Type<"Var", "var"> {
  let summary = "a mutable Python local variable holding a value of one type";
  let description = [{
    The frontend turns each Python local into a `cuft.var`, read with `cuft.var_load`
    and written with `cuft.var_store`, so that it needs no SSA construction.
    Specialization gives the variable the join of the types stored into it; the
    lowering turns it into a stack slot that LLVM promotes to registers.

    Example: `!cuft.var<f32>`, and in generic IR `!cuft.var<!cuft.unknown>`.
  }];
  let parameters = (ins "::mlir::Type":$valueType);
  let assemblyFormat = "`<` $valueType `>`";
}

def Cuft_AnyArray : Type<Or<[CPred<"::llvm::isa<::cuft::ArrayType>($_self)">,
                            CPred<"::llvm::isa<::cuft::UnknownType>($_self)">]>,
                         "cuft array or unknown type">;
def Cuft_AnyVar : Type<CPred<"::llvm::isa<::cuft::VarType>($_self)">, "cuft variable",
                        "::cuft::VarType">;

#endif // CUFT_TYPES_TD
