//===- Signature.cpp - parsing kernel argument signatures -----------------===//

#include "cuft/Dialect/Cuft/Transforms/Signature.h"
#include "cuft/Dialect/Cuft/IR/CuftTypes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace cuft;

Type cuft::parseScalarTypeName(MLIRContext *ctx, StringRef name) {
  auto sint = [&](unsigned w) { return IntegerType::get(ctx, w); };
  auto uint = [&](unsigned w) { return IntegerType::get(ctx, w, IntegerType::Unsigned); };
  return llvm::StringSwitch<Type>(name)
      .Cases({"bool", "i1"}, sint(1))
      .Cases({"i8", "int8"}, sint(8))
      .Cases({"i16", "int16"}, sint(16))
      .Cases({"i32", "int32"}, sint(32))
      .Cases({"i64", "int64"}, sint(64))
      .Cases({"u8", "ui8", "uint8"}, uint(8))
      .Cases({"u16", "ui16", "uint16"}, uint(16))
      .Cases({"u32", "ui32", "uint32"}, uint(32))
      .Cases({"u64", "ui64", "uint64"}, uint(64))
      .Cases({"f32", "float32"}, Float32Type::get(ctx))
      .Cases({"f64", "float64"}, Float64Type::get(ctx))
      .Default(Type());
}

/// Splits on commas that are not inside <...>.
static std::vector<std::string> splitTopLevel(StringRef text, std::string &error) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  for (char c : text) {
    if (c == '<')
      ++depth;
    if (c == '>' && --depth < 0) {
      error = "unbalanced '>'";
      return {};
    }
    if (c == ',' && depth == 0) {
      parts.push_back(StringRef(current).trim().str());
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  if (depth != 0) {
    error = "unbalanced '<'";
    return {};
  }
  parts.push_back(StringRef(current).trim().str());
  return parts;
}

static Type parseArray(MLIRContext *ctx, StringRef body, bool &readOnly, std::string &error) {
  std::string splitError;
  std::vector<std::string> fields = splitTopLevel(body, splitError);
  readOnly = fields.size() == 4 && fields[3] == "readonly";
  if (fields.size() != 3 && !readOnly) {
    error = "an array type needs <element,rank,layout> or <element,rank,layout,readonly>, "
            "got '" + body.str() + "'";
    return {};
  }
  Type elem = parseScalarTypeName(ctx, fields[0]);
  if (!elem) {
    error = "unknown element type '" + fields[0] + "'";
    return {};
  }
  unsigned rank = 0;
  if (StringRef(fields[1]).getAsInteger(10, rank) || rank < 1 || rank > 8) {
    error = "array rank must be an integer from 1 to 8, got '" + fields[1] + "'";
    return {};
  }
  std::optional<Layout> layout = llvm::StringSwitch<std::optional<Layout>>(fields[2])
                                     .Case("C", Layout::C)
                                     .Case("F", Layout::F)
                                     .Cases({"A", "strided"}, Layout::Strided)
                                     .Default(std::nullopt);
  if (!layout) {
    error = "array layout must be C, F or strided, got '" + fields[2] + "'";
    return {};
  }
  return ArrayType::get(elem, rank, *layout, MemorySpace::Global);
}

static TypedAttr parseValue(Type type, StringRef text, std::string &error) {
  if (type.isInteger(1)) {
    if (text == "true" || text == "True" || text == "1")
      return IntegerAttr::get(type, 1);
    if (text == "false" || text == "False" || text == "0")
      return IntegerAttr::get(type, 0);
    error = "expected true or false, got '" + text.str() + "'";
    return {};
  }
  if (type.isInteger()) {
    // StringRef::getAsInteger(APInt) takes no sign and returns the magnitude in
    // as few bits as the digits need ("8" is 4-bit 0b1000): widen it by one bit
    // so that it reads as non-negative before applying the sign.
    APInt value;
    unsigned w = type.getIntOrFloatBitWidth();
    StringRef digits = text;
    bool negative = digits.consume_front("-");
    if (digits.empty() || digits.starts_with("-") || digits.starts_with("+") ||
        digits.getAsInteger(0, value)) {
      error = "expected an integer, got '" + text.str() + "'";
      return {};
    }
    value = value.zext(value.getBitWidth() + 1);
    negative &= !value.isZero();
    if (negative)
      value.negate();
    bool fits = type.isUnsignedInteger() ? (!negative && value.getActiveBits() <= w)
                                         : value.getSignificantBits() <= w;
    if (!fits) {
      error = "value " + text.str() + " does not fit in " + typeName(type);
      return {};
    }
    return IntegerAttr::get(type, value.sextOrTrunc(w));
  }
  double d;
  if (text.getAsDouble(d)) {
    error = "expected a number, got '" + text.str() + "'";
    return {};
  }
  return FloatAttr::get(type, d);
}

bool cuft::parseSignature(MLIRContext *ctx, StringRef text,
                          std::vector<SignatureEntry> &entries, std::string &error) {
  entries.clear();
  if (text.trim().empty())
    return true;
  std::vector<std::string> parts = splitTopLevel(text, error);
  if (!error.empty())
    return false;
  for (auto [i, part] : llvm::enumerate(parts)) {
    StringRef entry(part);
    std::string where = "entry #" + std::to_string(i) + " ('" + part + "'): ";
    if (entry.empty()) {
      error = where + "empty type";
      return false;
    }
    StringRef typeText = entry, valueText;
    size_t eq = entry.rfind('=');
    if (eq != StringRef::npos && entry.find('>', eq) == StringRef::npos) {
      typeText = entry.take_front(eq).trim();
      valueText = entry.drop_front(eq + 1).trim();
    }
    SignatureEntry result;
    if (typeText.starts_with("array<") && typeText.ends_with(">")) {
      result.type =
          parseArray(ctx, typeText.drop_front(6).drop_back(1), result.readOnly, error);
    } else {
      result.type = parseScalarTypeName(ctx, typeText);
      if (!result.type)
        error = "unknown type '" + typeText.str() +
                "' (expected bool, i8-i64, u8-u64, f32, f64 or array<elem,rank,layout>)";
    }
    if (!result.type) {
      error = where + error;
      return false;
    }
    if (eq != StringRef::npos && valueText.data()) {
      if (isa<ArrayType>(result.type)) {
        error = where + "an array argument cannot have a constant value";
        return false;
      }
      result.value = parseValue(result.type, valueText, error);
      if (!result.value) {
        error = where + error;
        return false;
      }
    }
    entries.push_back(result);
  }
  return true;
}
