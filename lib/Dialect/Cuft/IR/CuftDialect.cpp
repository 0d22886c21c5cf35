//===- CuftDialect.cpp - the cuft dialect and its types -------------------===//

#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

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

LogicalResult ArrayType::verify(function_ref<InFlightDiagnostic()> emitError,
                                Type elementType, unsigned rank, Layout layout,
                                MemorySpace memorySpace) {
  if (!isScalarType(elementType))
    return emitError() << "expects a scalar element type (bool, i8-i64, u8-u64, "
                          "f16, bf16, f32, f64, complex<f32>, complex<f64>), got "
                       << elementType;
  if (rank > 8)
    return emitError() << "expects a rank between 0 and 8, got " << rank;
  if (memorySpace != MemorySpace::Global && layout != Layout::C)
    return emitError() << "expects shared and local arrays to be C-contiguous";
  return success();
}
