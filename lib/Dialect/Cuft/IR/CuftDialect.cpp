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
/// The fields of record text `layout`, its size and its alignment (the
/// largest its fields need), or an error. A nested record's text is read
/// the same way, so an error anywhere in it is found.
LogicalResult parseFields(MLIRContext *ctx, StringRef layout, int64_t &size,
                          SmallVector<RecordType::Field> &out, unsigned &alignment,
                          std::string &error) {
  std::vector<signature::RecordField> fields;
  if (!signature::parseRecord(std::string_view(layout.data(), layout.size()), size, fields,
                              error))
    return failure();
  alignment = 1;
  SmallVector<std::tuple<std::string, int64_t, unsigned>> nestedBases;
  for (const signature::RecordField &f : fields) {
    RecordType::Field field;
    field.name = f.name;
    unsigned natural = 0;
    int64_t bytes = 0;
    if (StringRef(f.type).starts_with("rec<")) {
      int64_t nestedSize = 0;
      SmallVector<RecordType::Field> nested;
      if (failed(parseFields(nullptr, f.type, nestedSize, nested, natural, error))) {
        error = "record field '" + f.name + "': " + error;
        return failure();
      }
      // Its fields' loads assume its address a multiple of this.
      natural = unsigned(std::gcd(int64_t(natural), nestedSize));
      nestedBases.emplace_back(f.name, f.offset, natural);
      if (ctx) // null: verifying the text only
        field.type = RecordType::get(ctx, f.type);
      bytes = nestedSize;
    } else {
      std::string_view name = signature::scalarName(f.type);
      const signature::Scalar *row = nullptr;
      for (const signature::Scalar &r : signature::kScalars)
        if (r.name == name)
          row = &r;
      if (!row) {
        error = "unknown type '" + f.type + "' of record field '" + f.name + "'";
        return failure();
      }
      if (ctx)
        field.type = parseScalarTypeName(ctx, f.type);
      int64_t elems = 1;
      for (int64_t d : f.shape)
        elems *= d;
      bytes = elems * int64_t(row->bytes());
      natural = row->kind == 'c' ? row->bytes() / 2 : row->bytes();
    }
    field.offset = f.offset;
    field.shape.assign(f.shape.begin(), f.shape.end());
    if (f.offset + bytes > size) {
      error = "record field '" + f.name + "' ends past the record's " + std::to_string(size) +
              " bytes";
      return failure();
    }
    // A load may assume the alignment every element of the array gives it.
    field.alignment = unsigned(std::gcd(std::gcd(int64_t(natural), f.offset), size));
    alignment = std::max(alignment, natural);
    out.push_back(std::move(field));
  }
  // A nested record must be as aligned as its own fields' loads assume,
  // wherever the outer record lies (a packed outer layout may misplace it).
  int64_t base = std::gcd(int64_t(alignment), size);
  for (auto &[name, offset, needed] : nestedBases)
    if (std::gcd(base, offset) % needed) {
      error = "record field '" + name + "' is a record at byte offset " +
              std::to_string(offset) + ", which does not keep the " + std::to_string(needed) +
              "-byte alignment its fields need (lay the outer dtype out with align=True)";
      return failure();
    }
  return success();
}

/// What parseFields reads of a (verified) record type.
struct RecordLayout {
  int64_t size = 0;
  SmallVector<RecordType::Field> fields;
  unsigned alignment = 1;
};
RecordLayout layoutOf(RecordType type) {
  RecordLayout l;
  std::string error;
  (void)parseFields(type.getContext(), type.getLayout(), l.size, l.fields, l.alignment, error);
  return l;
}
} // namespace

LogicalResult RecordType::verify(function_ref<InFlightDiagnostic()> emitError, StringRef layout) {
  int64_t size = 0;
  SmallVector<Field> fields;
  unsigned alignment = 1;
  std::string error;
  if (failed(parseFields(nullptr, layout, size, fields, alignment, error)))
    return emitError() << error;
  return success();
}

int64_t RecordType::getSize() const { return layoutOf(*this).size; }

unsigned RecordType::getAlignment() const { return layoutOf(*this).alignment; }

SmallVector<RecordType::Field> RecordType::getFields() const { return layoutOf(*this).fields; }

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
  if (rank > signature::kMaxRank)
    return emitError() << "expects a rank between 0 and " << signature::kMaxRank << ", got "
                       << rank;
  if (memorySpace != MemorySpace::Global && layout != Layout::C)
    return emitError() << "expects shared and local arrays to be C-contiguous";
  return success();
}
