//===- TypeConverter.cpp - cuft types to builtin/memref types -------------===//

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Dialect/Cuft/IR/CuftTypes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace cuft;

/// NVVM's shared-memory address space.
static constexpr unsigned kSharedAddressSpace = 3;

CuftTypeConverter::CuftTypeConverter(MLIRContext *ctx) {
  addConversion([](Type t) { return t; });
  addConversion([ctx](IntegerType t) -> Type {
    return t.isSignless() ? t : IntegerType::get(ctx, t.getWidth());
  });
  // A record value is the address of its element (as an i64), so that field
  // writes reach the array.
  addConversion([ctx](RecordType) -> Type { return IntegerType::get(ctx, 64); });
  addConversion([this, ctx](ArrayType t) -> Type {
    // An array of records: a memref whose element stands for one record
    // (offsets and strides count records); fields are read at byte offsets
    // from its aligned pointer (Memory.cpp), never through the memref's type.
    Type elem = isa<RecordType>(t.getElementType()) ? IntegerType::get(ctx, 8)
                                                    : convertType(t.getElementType());
    // A bool element is a byte, as in NumPy: loads read any nonzero byte as
    // true (LLVM's i1 load would keep the byte's other bits).
    if (elem.isInteger(1))
      elem = IntegerType::get(ctx, 8);
    SmallVector<int64_t> shape(t.getRank(), ShapedType::kDynamic);
    Attribute space;
    if (t.getMemorySpace() == MemorySpace::Shared)
      space = IntegerAttr::get(IntegerType::get(ctx, 64), kSharedAddressSpace);
    if (t.getLayout() == Layout::C)
      return MemRefType::get(shape, elem, MemRefLayoutAttrInterface(), space);
    SmallVector<int64_t> strides(t.getRank(), ShapedType::kDynamic);
    auto layout = StridedLayoutAttr::get(ctx, ShapedType::kDynamic, strides);
    return MemRefType::get(shape, elem, layout, space);
  });
  addConversion([this](VarType t) -> Type {
    return MemRefType::get({}, convertType(t.getValueType()));
  });
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs, Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs).getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}
