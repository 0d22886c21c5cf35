//===- Signature.cpp - parsing kernel argument signatures -----------------===//

#include "cuft/Dialect/Cuft/Transforms/Signature.h"
#include "cuft/Dialect/Cuft/Transforms/SignatureText.h"
#include "cuft/Dialect/Cuft/IR/CuftTypes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace cuft;

std::string_view cuft::signature::scalarName(std::string_view spelled, bool numba) {
  if (numba) {
    std::string_view byBytes =
        llvm::StringSwitch<std::string_view>(llvm::StringRef(spelled.data(), spelled.size()))
            .Cases({"b1", "boolean", "bool_"}, "bool")
            .Case("i1", "i8")
            .Case("i2", "i16")
            .Case("i4", "i32")
            .Cases({"i8", "intp", "int_"}, "i64")
            .Case("u1", "u8")
            .Case("u2", "u16")
            .Case("u4", "u32")
            .Cases({"u8", "uintp"}, "u64")
            .Case("f2", "f16")
            .Case("f4", "f32")
            .Cases({"f8", "double"}, "f64")
            .Case("c8", "c64")
            .Case("c16", "c128")
            .Default("");
    if (!byBytes.empty())
      return byBytes;
  }
  for (const Scalar &t : kScalars)
    if (spelled == t.name || spelled == t.numpy)
      return t.name;
  return llvm::StringSwitch<std::string_view>(llvm::StringRef(spelled.data(), spelled.size()))
      .Cases({"i1", "b1"}, "bool")
      .Case("ui8", "u8")
      .Case("ui16", "u16")
      .Case("ui32", "u32")
      .Case("ui64", "u64")
      .Case("int", "i64")
      .Case("float", "f64")
      .Case("complex", "c128")
      .Default("");
}

Type cuft::parseScalarTypeName(MLIRContext *ctx, StringRef spelled) {
  std::string_view name = signature::scalarName(spelled);
  if (name.empty())
    return {};
  if (name == "bool")
    return IntegerType::get(ctx, 1);
  if (name == "bf16")
    return BFloat16Type::get(ctx);
  unsigned width = 0;
  StringRef(name).drop_front().getAsInteger(10, width);
  switch (name[0]) {
  case 'i': return IntegerType::get(ctx, width);
  case 'u': return IntegerType::get(ctx, width, IntegerType::Unsigned);
  case 'c':
    return ComplexType::get(width == 64 ? Type(Float32Type::get(ctx)) : Float64Type::get(ctx));
  default:
    return width == 16   ? Type(Float16Type::get(ctx))
           : width == 32 ? Type(Float32Type::get(ctx))
                         : Type(Float64Type::get(ctx));
  }
}

/// Splits on commas that are not inside <...>, [...] or (...).
static std::vector<std::string> splitTopLevel(StringRef text, std::string &error) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  for (char c : text) {
    if (c == '<' || c == '[' || c == '(')
      ++depth;
    if ((c == '>' || c == ']' || c == ')') && --depth < 0) {
      error = std::string("unbalanced '") + c + "'";
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
    error = "unbalanced '<', '[' or '('";
    return {};
  }
  parts.push_back(StringRef(current).trim().str());
  return parts;
}

namespace {
/// The fields of `array<elem,rank,layout[,readonly]>`.
struct ArrayFields {
  std::string elem; // its signature name, or a record's text
  unsigned rank = 0;
  Layout layout = Layout::C;
  bool readOnly = false;
};
} // namespace

static std::optional<ArrayFields> parseArrayFields(StringRef body, std::string &error) {
  std::string splitError;
  std::vector<std::string> fields = splitTopLevel(body, splitError);
  ArrayFields result;
  result.readOnly = fields.size() == 4 && fields[3] == "readonly";
  if (fields.size() != 3 && !result.readOnly) {
    error = "an array type needs <element,rank,layout> or <element,rank,layout,readonly>, "
            "got '" + body.str() + "'";
    return std::nullopt;
  }
  if (StringRef(fields[0]).starts_with("rec<")) { // a record: checked when typed
    int64_t size = 0;
    std::vector<signature::RecordField> recordFields;
    if (!signature::parseRecord(fields[0], size, recordFields, error))
      return std::nullopt;
    result.elem = fields[0];
  } else {
    result.elem = std::string(signature::scalarName(fields[0]));
  }
  if (result.elem.empty()) {
    error = "unknown element type '" + fields[0] + "'";
    return std::nullopt;
  }
  if (StringRef(fields[1]).getAsInteger(10, result.rank) ||
      result.rank > signature::kMaxRank) {
    error = "array rank must be an integer from 0 to " + std::to_string(signature::kMaxRank) +
            ", got '" + fields[1] + "'";
    return std::nullopt;
  }
  std::string_view name = fields[2];
  std::optional<Layout> layout = name == signature::kLayoutC   ? Layout::C
                                 : name == signature::kLayoutF ? Layout::F
                                 : name == signature::kLayoutStrided || name == "A"
                                     ? std::optional<Layout>(Layout::Strided)
                                     : std::nullopt;
  if (!layout) {
    error = "array layout must be C, F or strided, got '" + fields[2] + "'";
    return std::nullopt;
  }
  result.layout = *layout;
  return result;
}

/// A record type from its text (`rec<...>`, SignatureText.h).
static Type parseRecordType(MLIRContext *ctx, StringRef text, std::string &error) {
  Type record =
      RecordType::getChecked([&] { return emitError(UnknownLoc::get(ctx)); }, ctx, text);
  if (!record)
    error = "bad record type '" + text.str() + "'";
  return record;
}

static Type parseArray(MLIRContext *ctx, StringRef body, bool &readOnly, std::string &error) {
  std::optional<ArrayFields> fields = parseArrayFields(body, error);
  if (!fields)
    return {};
  readOnly = fields->readOnly;
  Type elem = StringRef(fields->elem).starts_with("rec<")
                  ? parseRecordType(ctx, fields->elem, error)
                  : parseScalarTypeName(ctx, fields->elem);
  if (!elem)
    return {};
  return ArrayType::get(elem, fields->rank, fields->layout, MemorySpace::Global);
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
    entry = entry.drop_front(signature::fieldNameLength(part)); // a namedtuple's field name
    std::string where = "entry #" + std::to_string(i) + " ('" + part + "'): ";
    if (entry.empty()) {
      error = where + "empty type";
      return false;
    }
    if (entry.starts_with("(") && entry.ends_with(")")) {
      // A tuple: its elements are arguments of their own.
      std::vector<SignatureEntry> elements;
      if (!parseSignature(ctx, entry.drop_front().drop_back(), elements, error)) {
        error = where + error;
        return false;
      }
      entries.insert(entries.end(), elements.begin(), elements.end());
      continue;
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
    } else if (typeText.starts_with("rec<")) {
      // A record passed by value: the kernel reads its copy, and may not write it.
      result.type = parseRecordType(ctx, typeText, error);
      result.readOnly = true;
    } else {
      result.type = parseScalarTypeName(ctx, typeText);
      if (!result.type)
        error = "unknown type '" + typeText.str() +
                "' (expected bool, i8-i64, u8-u64, f16, bf16, f32, f64, c64, c128, "
                "array<elem,rank,layout> or rec<...>)";
    }
    if (!result.type) {
      error = where + error;
      return false;
    }
    if (eq != StringRef::npos && valueText.data()) {
      if (isa<ArrayType, RecordType>(result.type)) {
        error = where + (isa<ArrayType>(result.type) ? "an array" : "a record") +
                " argument cannot have a constant value";
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

/// numba's array spelling `elem[dims]` as an array entry: `::1` on the last
/// axis is C, on the first F, on none strided.
static bool numbaArray(StringRef elem, StringRef dims, std::string &out, std::string &error,
                       bool numba) {
  SmallVector<StringRef> axes;
  dims.split(axes, ',');
  auto bad = [&](StringRef why) {
    error = ("bad array dimensions '[" + dims + "]'" + why).str();
    return false;
  };
  if (axes.size() > signature::kMaxRank)
    return bad(": kernels take arrays of 1 to " + std::to_string(signature::kMaxRank) +
               " dimensions");
  SmallVector<size_t> unit;
  for (auto [i, axis] : llvm::enumerate(axes)) {
    axis = axis.trim();
    if (axis == "::1")
      unit.push_back(i);
    else if (axis != ":")
      return bad(" (write e.g. [:], [:, :] or [:, ::1])");
  }
  std::string_view layout;
  if (unit.empty())
    layout = signature::kLayoutStrided;
  else if (unit.size() == 1 && unit[0] == axes.size() - 1)
    layout = signature::kLayoutC;
  else if (unit.size() == 1 && unit[0] == 0)
    layout = signature::kLayoutF;
  else
    return bad(": '::1' goes on the first or last axis");
  std::string_view name = signature::scalarName(elem.trim(), numba);
  if (name.empty()) {
    error = ("unknown element type '" + elem.trim() + "'").str();
    return false;
  }
  signature::appendArray(out, name, axes.size(), layout, /*readOnly=*/false);
  return true;
}

bool cuft::signature::canonicalSignature(std::string_view text, std::string &out,
                                         std::string &error, bool numba) {
  out.clear();
  StringRef all(text.data(), text.size());
  if (all.trim().empty())
    return true;
  std::vector<std::string> parts = splitTopLevel(all, error);
  if (!error.empty())
    return false;
  for (const std::string &part : parts) {
    StringRef entry = StringRef(part).trim(), value;
    if (entry.empty())
      continue;
    if (!out.empty())
      out += ',';
    if (size_t name = signature::fieldNameLength(std::string_view(entry.data(), entry.size()))) {
      out.append(entry.take_front(name).str()); // a namedtuple's field name, kept
      entry = entry.drop_front(name).trim();
    }
    size_t eq = entry.rfind('=');
    bool constant = eq != StringRef::npos && entry.find_first_of(">]", eq) == StringRef::npos;
    if (constant) {
      value = entry.drop_front(eq + 1).trim();
      entry = entry.take_front(eq).trim();
    }
    if (entry.starts_with("(") && entry.ends_with(")") && !constant) {
      std::string inner;
      if (!canonicalSignature(std::string_view(entry.data() + 1, entry.size() - 2), inner,
                              error, numba))
        return false;
      out.append(1, '(').append(inner).append(1, ')');
    } else if (entry.starts_with("array<") && entry.ends_with(">")) {
      std::optional<ArrayFields> a = parseArrayFields(entry.drop_front(6).drop_back(), error);
      if (!a)
        return false;
      std::string_view layout = a->layout == Layout::C   ? kLayoutC
                                : a->layout == Layout::F ? kLayoutF
                                                         : kLayoutStrided;
      appendArray(out, a->elem, a->rank, layout, a->readOnly);
    } else if (size_t open = entry.find('['); open != StringRef::npos && entry.ends_with("]")) {
      if (!numbaArray(entry.take_front(open), entry.drop_front(open + 1).drop_back(), out, error,
                      numba))
        return false;
    } else {
      std::string_view name = scalarName(entry, numba);
      if (name.empty()) {
        error = ("unknown type '" + entry +
                 "' (expected bool, int8-int64, uint8-uint64, float32, float64 or their "
                 "short names, or an array like f32[:])").str();
        return false;
      }
      out.append(name);
    }
    if (constant)
      out.append(1, '=').append(value.data(), value.size());
  }
  return true;
}

bool cuft::signature::canonicalDeclaration(std::string_view text, std::string &result,
                                           std::string &args, std::string &error) {
  StringRef all = StringRef(text.data(), text.size()).trim();
  StringRef resultText, argsText = all;
  size_t open = all.find('(');
  if (open != StringRef::npos && all.ends_with(")")) {
    resultText = all.take_front(open).trim();
    argsText = all.drop_front(open + 1).drop_back();
  }
  result.clear();
  if (!resultText.empty() && resultText != "void" && resultText != "none" &&
      !canonicalSignature(std::string_view(resultText.data(), resultText.size()), result, error,
                          /*numba=*/true)) {
    error = "the result type: " + error;
    return false;
  }
  if (result.find_first_of("<(=") != std::string::npos) {
    error = "the result type must be a scalar, got '" + resultText.str() + "'";
    return false;
  }
  return canonicalSignature(std::string_view(argsText.data(), argsText.size()), args, error,
                            /*numba=*/true);
}
