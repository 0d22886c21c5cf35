//===- CuftDialect.cpp - the cuft dialect and its types -------------------===//

#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "cuft/Dialect/Cuft/Transforms/Signature.h"
#include "cuft/Dialect/Cuft/Transforms/SignatureText.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <numeric>

using namespace mlir;
using namespace cuft;

#include "cuft/Dialect/Cuft/IR/CuftDialect.cpp.inc"
#include "cuft/Dialect/Cuft/IR/CuftEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "cuft/Dialect/Cuft/IR/CuftTypes.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "cuft/Dialect/Cuft/IR/CuftAttrs.cpp.inc"

void CuftDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "cuft/Dialect/Cuft/IR/CuftTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "cuft/Dialect/Cuft/IR/CuftAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "cuft/Dialect/Cuft/IR/CuftOps.cpp.inc"
      >();
}

Operation *CuftDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, typed);
}

bool cuft::isScalarType(Type type) {
  if (auto intTy = dyn_cast<IntegerType>(type)) {
    unsigned w = intTy.getWidth();
    if (w == 1)
      return intTy.isSignless();
    return !intTy.isSigned() && (w == 8 || w == 16 || w == 32 || w == 64);
  }
  return type.isF16() || type.isBF16() || type.isF32() || type.isF64() ||
         isComplexType(type);
}

bool cuft::isComplexType(Type type) {
  auto c = dyn_cast<ComplexType>(type);
  return c && (c.getElementType().isF32() || c.getElementType().isF64());
}

unsigned cuft::scalarBytes(Type scalar) {
  if (auto r = dyn_cast<RecordType>(scalar))
    return unsigned(r.getSize());
  if (auto c = dyn_cast<ComplexType>(scalar))
    return 2 * scalarBytes(c.getElementType());
  return std::max(1u, scalar.getIntOrFloatBitWidth() / 8);
}

bool cuft::isUnknown(Type type) {
  if (auto var = dyn_cast<VarType>(type))
    return isa<UnknownType>(var.getValueType());
  return isa<UnknownType>(type);
}

std::string cuft::typeName(Type type) {
  if (auto intTy = dyn_cast<IntegerType>(type)) {
    if (intTy.getWidth() == 1)
      return "bool";
    return (intTy.isUnsigned() ? "u" : "i") + std::to_string(intTy.getWidth());
  }
  if (type.isF16())
    return "f16";
  if (type.isBF16())
    return "bf16";
  if (type.isF32())
    return "f32";
  if (type.isF64())
    return "f64";
  if (isComplexType(type))
    return cast<ComplexType>(type).getElementType().isF32() ? "c64" : "c128";
  if (auto rec = dyn_cast<RecordType>(type))
    return rec.getLayout().str();
  if (auto arr = dyn_cast<ArrayType>(type)) {
    std::string s = "array<" + typeName(arr.getElementType()) + "," +
                    std::to_string(arr.getRank()) + "," +
                    stringifyLayout(arr.getLayout()).str();
    if (arr.getMemorySpace() != MemorySpace::Global)
      s += "," + stringifyMemorySpace(arr.getMemorySpace()).str();
    return s + ">";
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

//===----------------------------------------------------------------------===//
// Records
//===----------------------------------------------------------------------===//

namespace {
/// The fields of record text `layout`, or an error.
LogicalResult parseFields(MLIRContext *ctx, StringRef layout, int64_t &size,
                          SmallVector<RecordType::Field> &out, std::string &error) {
  std::vector<signature::RecordField> fields;
  if (!signature::parseRecord(std::string_view(layout.data(), layout.size()), size, fields,
                              error))
    return failure();
  for (const signature::RecordField &f : fields) {
    RecordType::Field field;
    field.name = f.name;
    std::string_view name = signature::scalarName(f.type);
    const signature::Scalar *row = nullptr;
    for (const signature::Scalar &r : signature::kScalars)
      if (r.name == name)
        row = &r;
    if (!row) {
      error = "unknown type '" + f.type + "' of record field '" + f.name + "'";
      return failure();
    }
    if (ctx) // null: verifying the text only
      field.type = parseScalarTypeName(ctx, f.type);
    field.offset = f.offset;
    field.shape.assign(f.shape.begin(), f.shape.end());
    int64_t elems = 1;
    for (int64_t d : f.shape)
      elems *= d;
    int64_t bytes = elems * int64_t(row->bytes());
    if (f.offset + bytes > size) {
      error = "record field '" + f.name + "' ends past the record's " + std::to_string(size) +
              " bytes";
      return failure();
    }
    // A load may assume the alignment every element of the array gives it.
    unsigned natural = row->kind == 'c' ? row->bytes() / 2 : row->bytes();
    field.alignment = unsigned(std::gcd(std::gcd(int64_t(natural), f.offset), size));
    out.push_back(std::move(field));
  }
  return success();
}
} // namespace

LogicalResult RecordType::verify(function_ref<InFlightDiagnostic()> emitError, StringRef layout) {
  int64_t size = 0;
  SmallVector<Field> fields;
  std::string error;
  if (failed(parseFields(nullptr, layout, size, fields, error)))
    return emitError() << error;
  return success();
}

int64_t RecordType::getSize() const {
  int64_t size = 0;
  SmallVector<Field> fields;
  std::string error;
  (void)parseFields(getContext(), getLayout(), size, fields, error);
  return size;
}

SmallVector<RecordType::Field> RecordType::getFields() const {
  int64_t size = 0;
  SmallVector<Field> fields;
  std::string error;
  (void)parseFields(getContext(), getLayout(), size, fields, error);
  return fields;
}

std::optional<RecordType::Field> RecordType::getField(StringRef name) const {
  for (Field &f : getFields())
    if (f.name == name)
      return f;
  return std::nullopt;
}

LogicalResult ArrayType::verify(function_ref<InFlightDiagnostic()> emitError,
                                Type elementType, unsigned rank, Layout layout,
                                MemorySpace memorySpace) {
  if (isa<RecordType>(elementType)) {
    if (memorySpace != MemorySpace::Global)
      return emitError() << "expects records in global memory only";
  } else if (!isScalarType(elementType))
    return emitError() << "expects a scalar element type (bool, i8-i64, u8-u64, "
                          "f16, bf16, f32, f64, complex<f32>, complex<f64>), got "
                       << elementType;
  if (rank > 8)
    return emitError() << "expects a rank between 0 and 8, got " << rank;
  if (memorySpace != MemorySpace::Global && layout != Layout::C)
    return emitError() << "expects shared and local arrays to be C-contiguous";
  return success();
}
