//===- SignatureText.h - the one spelling of a kernel signature -*- C++ -*-===//
//
// A signature is text, one entry per kernel parameter, joined by ',':
//
//   scalar      bool i8 i16 i32 i64 u8 u16 u32 u64 f16 f32 f64 c64 c128 bf16
//   array       array<elem,rank,layout> or array<elem,rank,layout,readonly>,
//               layout C, F or strided; elem a scalar or a record
//   record      rec<size;name=scalar@offset;name=scalar[d0xd1]@offset;...>: a
//               numpy structured dtype's fields (a subarray field with its
//               shape), at their byte offsets, in a record of `size` bytes
//   constexpr   scalar=value (i64=128, bool=true, f64=0.5)
//   tuple       (entry,entry,...): a tuple argument, its elements passed
//               one after the other (the kernel has a parameter each); a
//               namedtuple's elements carry their field names, (x:f64,y:f64)
//
// It is the `sig=` option of cuft-specialize and the key of a specialization
// (the process-wide cache, each kernel's launch table). Its grammar lives here
// and nowhere else: the launch's argument reader writes entries with the
// append functions below, parseSignature (Signature.h) reads it into MLIR types,
// and canonicalSignature turns what a person wrote (numpy names, numba's
// `f32[:, ::1]`) into it. No MLIR types: the Python extension includes it.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_DIALECT_CUFT_TRANSFORMS_SIGNATURETEXT_H
#define CUFT_DIALECT_CUFT_TRANSFORMS_SIGNATURETEXT_H

#include <array>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuft::signature {

/// cuft's scalar types, in the order messages list them: the signature's name,
/// numpy's dtype name, the kind as numpy's typestr spells it (b, i, u, f, c:
/// also what __cuda_array_interface__ and, by DLPack's type code, DLPack name;
/// B for bfloat16, which numpy knows only through ml_dtypes and whose numpy
/// typestr is '<V2': cuft.DeviceArray spells it '<B2') and the width in bits. Every reader of an element type finds its row
/// here.
/// A complex scalar argument is passed as two parameters, its parts.
struct Scalar {
  std::string_view name, numpy;
  char kind;
  unsigned bits;
  unsigned bytes() const { return bits == 1 ? 1 : bits / 8; }
};
inline constexpr Scalar kScalars[] = {
    {"bool", "bool", 'b', 1},       {"i8", "int8", 'i', 8},      {"i16", "int16", 'i', 16},
    {"i32", "int32", 'i', 32},      {"i64", "int64", 'i', 64},   {"u8", "uint8", 'u', 8},
    {"u16", "uint16", 'u', 16},     {"u32", "uint32", 'u', 32},  {"u64", "uint64", 'u', 64},
    {"f16", "float16", 'f', 16},    {"f32", "float32", 'f', 32}, {"f64", "float64", 'f', 64},
    {"c64", "complex64", 'c', 64},  {"c128", "complex128", 'c', 128},
    {"bf16", "bfloat16", 'B', 16}};
/// The types of Python's bool, int and float arguments (as numba-cuda: an int
/// from 2**63 up is a uint64).
inline constexpr const Scalar *kBoolScalar = &kScalars[0];
inline constexpr const Scalar *kI64Scalar = &kScalars[4];
inline constexpr const Scalar *kU64Scalar = &kScalars[8];
inline constexpr const Scalar *kF64Scalar = &kScalars[11];
inline constexpr const Scalar *kC128Scalar = &kScalars[13];
/// The row of kind `kind` and `bits` bits (bool: 'b', 8 bits in memory), or null.
inline const Scalar *scalarOf(char kind, unsigned bits) {
  for (const Scalar &s : kScalars)
    if (s.kind == kind && (s.bits == bits || (kind == 'b' && bits == 8)))
      return &s;
  return nullptr;
}

/// Arrays have 0 to kMaxRank dimensions (a 0-d array: `a[()]` is its element).
inline constexpr size_t kMaxRank = 8;

inline constexpr std::string_view kLayoutC = "C", kLayoutF = "F", kLayoutStrided = "strided";

/// The signature name of scalar type `spelled`: a signature name, a numpy
/// dtype name, or one of i1, b1, ui8..ui64, int (i64), float (f64). With
/// `numba`, numba's names instead where they differ: sizes in bytes (i1 is
/// int8, i8 int64, u4 uint32, f4 float32, b1 bool), boolean, double, intp.
/// Empty when unknown.
std::string_view scalarName(std::string_view spelled, bool numba = false);

/// Appends array entry `array<elem,rank,layout[,readonly]>`. Lengths known, no
/// allocation beyond `sig`'s: every launch appends one per array argument.
inline void appendArray(std::string &sig, std::string_view elem, size_t rank,
                        std::string_view layout, bool readOnly) {
  if (elem.size() > 20) { // a record: longer than the buffer below
    sig.append("array<").append(elem).append(1, ',').append(std::to_string(rank));
    sig.append(1, ',').append(layout).append(readOnly ? ",readonly>" : ">");
    return;
  }
  // Built in a buffer and appended once: one capacity check, not five.
  static constexpr std::string_view open = "array<", closeReadOnly = ",readonly>";
  char buffer[40];
  size_t n = 0;
  auto put = [&](std::string_view s) {
    std::memcpy(buffer + n, s.data(), s.size());
    n += s.size();
  };
  put(open);
  put(elem);
  const char middle[3] = {',', char('0' + rank), ','};
  put(std::string_view(middle, 3));
  put(layout);
  // Part of the signature, so a read-only array never meets a specialization
  // that writes it.
  put(readOnly ? closeReadOnly : std::string_view(">"));
  sig.append(buffer, n);
}

/// Appends constexpr entry `type=value`; `value` is already spelled.
inline void appendConstant(std::string &sig, std::string_view type, std::string_view value) {
  sig.append(type).append(1, '=').append(value);
}

/// The length of the field name that starts tuple element `entry` (a
/// namedtuple's: `x:f64`), its ':' included; 0 when it has none.
inline size_t fieldNameLength(std::string_view entry) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (entry.empty() || !letter(entry[0]))
    return 0;
  size_t i = 1;
  while (i < entry.size() && (letter(entry[i]) || (entry[i] >= '0' && entry[i] <= '9')))
    ++i;
  return i < entry.size() && entry[i] == ':' ? i + 1 : 0;
}

/// The tuple structure of signature `sig`: each entry that is no tuple a '.',
/// with the '(' ',' ')' of its tuples and a namedtuple's field names
/// (`f32,(i64,(x:f32,y:array<f32,1,C>))` is `.,(.,(x:.,y:.))`); empty when it
/// has no tuple. Signatures whose tuples have the same shapes (and names) have
/// the same skeleton; a kernel's IR is made for one.
inline std::string tupleSkeleton(std::string_view sig) {
  std::string out;
  if (sig.find('(') == std::string_view::npos)
    return out;
  int angle = 0;
  bool inEntry = false;
  for (size_t i = 0; i < sig.size(); ++i) {
    char c = sig[i];
    if (angle > 0) {
      angle += c == '<' ? 1 : c == '>' ? -1 : 0;
    } else if (c == '(' || c == ',' || c == ')') {
      out += c;
      inEntry = false;
    } else if (size_t name = inEntry ? 0 : fieldNameLength(sig.substr(i))) {
      out.append(sig.substr(i, name));
      i += name - 1;
    } else {
      angle += c == '<';
      if (!inEntry)
        out += '.';
      inEntry = true;
    }
  }
  return out;
}

/// The signature text of `text` as a person writes it: entries as above with
/// any scalar spelling scalarName takes, or numba's array spelling `f32[:]`
/// (strided), `f32[::1]` and `f32[:, ::1]` (C), `f32[::1, :]` (F), ranks 1 to
/// kMaxRank. False with `error` when it is not one.
bool canonicalSignature(std::string_view text, std::string &out, std::string &error,
                        bool numba = false);

/// A signature declared as numba spells it (`@cuft.jit("void(f4[::1], i8)")`):
/// `result(args)`, or `(args)` / `args` alone, in numba's names (scalarName's
/// `numba`). Gives the result's entry (empty for `void`/`none` or none) and the
/// arguments' signature text. False with `error` when it is not one.
bool canonicalDeclaration(std::string_view text, std::string &result, std::string &args,
                          std::string &error);

/// The entries of signature text `sig` (split at its top-level commas).
inline std::vector<std::string_view> signatureEntries(std::string_view sig) {
  std::vector<std::string_view> out;
  if (sig.empty())
    return out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < sig.size(); ++i) {
    char c = sig[i];
    depth += (c == '<' || c == '(') - (c == '>' || c == ')');
    if (c == ',' && depth == 0) {
      out.push_back(sig.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(sig.substr(start));
  return out;
}

/// How a scalar of one type converts to another, in numba's ranks for
/// choosing among declared signatures (numba/core/typeconv/rules.py, its
/// conversions through other types included): exact; promote (the same kind,
/// wider); safe (from bool; unsigned to a wider signed; an integer to a float
/// that holds it, int64 and uint64 to float64 as numba counts them; a real to a
/// complex of parts as wide); unsafe (any other: narrowing, to bool, float to
/// integer, signed to unsigned).
enum class Conversion { Exact, Promote, Safe, Unsafe };

/// The scalar row named `name` (a signature entry), or null.
inline const Scalar *scalarNamed(std::string_view name) {
  for (const Scalar &s : kScalars)
    if (s.name == name)
      return &s;
  return nullptr;
}

inline Conversion scalarConversion(const Scalar &from, const Scalar &to) {
  if (&from == &to)
    return Conversion::Exact;
  auto isInt = [](char k) { return k == 'i' || k == 'u'; };
  auto isFloat = [](char k) { return k == 'f' || k == 'B'; };
  char f = from.kind, t = to.kind;
  if (f == 'b')
    return Conversion::Safe;
  if (f == t || (isFloat(f) && isFloat(t)))
    return to.bits > from.bits ? Conversion::Promote : Conversion::Unsafe;
  if (f == 'u' && t == 'i')
    return to.bits > from.bits ? Conversion::Safe : Conversion::Unsafe;
  // A real to a complex: as to its parts, then safe.
  unsigned part = t == 'c' ? to.bits / 2 : to.bits;
  if (isInt(f) && (t == 'f' || t == 'c')) {
    if (part == 64)
      return Conversion::Safe;
    bool fits = part == 32 && (f == 'i' ? from.bits <= 16 : from.bits <= 8);
    return fits ? Conversion::Safe : Conversion::Unsafe;
  }
  if (isFloat(f) && t == 'c')
    return part >= from.bits ? Conversion::Safe : Conversion::Unsafe;
  return Conversion::Unsafe;
}

/// numba's rating of a declared signature for arguments read as `sig`: its
/// unsafe, safe and promoting conversions, counted (fewer unsafe first, then
/// fewer safe, then fewer promotions, is better); none when `sig` does not
/// fit `declared`. An array fits where `declared` has the same entry, or a
/// `strided` one of its element type, rank and writability (the kernel ABI
/// passes every layout alike: a safe conversion), and a writable array where
/// a read-only one is declared (a safe conversion too; not the other way
/// round, as in numba); a scalar fits another
/// scalar only with `convertScalars` (the caller converts it).
inline std::optional<std::array<unsigned, 3>>
declaredRating(std::string_view declared, std::string_view sig, bool convertScalars) {
  std::array<unsigned, 3> rating{0, 0, 0};
  if (declared == sig)
    return rating;
  std::vector<std::string_view> want = signatureEntries(declared), got = signatureEntries(sig);
  if (want.size() != got.size())
    return std::nullopt;
  for (size_t i = 0; i < want.size(); ++i) {
    std::string_view w = want[i], g = got[i];
    if (w == g)
      continue;
    const Scalar *ws = scalarNamed(w), *gs = scalarNamed(g);
    if (ws && gs) {
      if (!convertScalars)
        return std::nullopt;
      Conversion c = scalarConversion(*gs, *ws);
      ++rating[c == Conversion::Unsafe ? 0 : c == Conversion::Safe ? 1 : 2];
      continue;
    }
    if (w.rfind("array<", 0) != 0 || g.rfind("array<", 0) != 0)
      return std::nullopt;
    // A writable array fits where a read-only one is declared (numba's safe
    // conversion of a mutable array), not the other way round.
    static constexpr std::string_view readOnly = ",readonly>";
    auto readOnlyEntry = [](std::string_view e) {
      return e.size() > readOnly.size() && e.substr(e.size() - readOnly.size()) == readOnly;
    };
    std::string writable; // w without its ",readonly"
    if (readOnlyEntry(w) && !readOnlyEntry(g)) {
      writable = std::string(w.substr(0, w.size() - readOnly.size())) + ">";
      w = writable;
      ++rating[1];
      if (w == g)
        continue;
    }
    // array<elem,rank,strided[,readonly]> takes array<elem,rank,LAYOUT[,readonly]>.
    static constexpr std::string_view strided = ",strided";
    size_t at = w.find(strided);
    if (at == std::string_view::npos)
      return std::nullopt;
    size_t prefix = at + 1; // through the rank's ','
    std::string_view rest = w.substr(at + strided.size());
    size_t layoutEnd = g.find_first_of(",>", prefix);
    if (g.substr(0, prefix) != w.substr(0, prefix) || layoutEnd == std::string_view::npos ||
        g.substr(layoutEnd) != rest)
      return std::nullopt;
    ++rating[1];
  }
  return rating;
}

/// The index of the declared signature that arguments read as `sig` take
/// best, as numba chooses among overloads (declaredRating; the first of the
/// best where several are as good), or -1 when none takes them.
template <typename Strings>
int bestDeclared(const Strings &declared, std::string_view sig, bool convertScalars) {
  int best = -1;
  std::array<unsigned, 3> bestRating{};
  int index = 0;
  for (const auto &d : declared) {
    std::optional<std::array<unsigned, 3>> r = declaredRating(d, sig, convertScalars);
    if (r && (best < 0 || *r < bestRating)) {
      best = index;
      bestRating = *r;
    }
    ++index;
  }
  return best;
}

/// A field of a record element (`rec<...>`): its name, its scalar type's
/// signature name (or a nested record's text), its byte offset, and its shape
/// when it is a subarray.
struct RecordField {
  std::string name;
  std::string type;
  int64_t offset = 0;
  std::vector<int64_t> shape;
};

/// Appends `rec<size;field;...>` (the reader writes a numpy structured dtype so).
inline void appendRecord(std::string &sig, int64_t size, const std::vector<RecordField> &fields) {
  sig.append("rec<").append(std::to_string(size));
  for (const RecordField &f : fields) {
    sig.append(1, ';').append(f.name).append(1, '=').append(f.type);
    if (!f.shape.empty()) {
      sig.append(1, '[');
      for (size_t k = 0; k < f.shape.size(); ++k)
        sig.append(k ? "x" : "").append(std::to_string(f.shape[k]));
      sig.append(1, ']');
    }
    sig.append(1, '@').append(std::to_string(f.offset));
  }
  sig.append(1, '>');
}

/// Reads `rec<...>` (the whole text) into its size and fields; false with
/// `error` when it is not one (a field type is checked by the caller).
inline bool parseRecord(std::string_view text, int64_t &size, std::vector<RecordField> &fields,
                        std::string &error) {
  auto number = [](std::string_view s, int64_t &out) {
    if (s.empty() || s.size() > 15)
      return false;
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9')
        return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  fields.clear();
  if (text.size() < 5 || text.substr(0, 4) != "rec<" || text.back() != '>') {
    error = "a record type is rec<size;name=type@offset;...>, got '" + std::string(text) + "'";
    return false;
  }
  std::string_view body = text.substr(4, text.size() - 5);
  size_t semi = body.find(';');
  if (!number(body.substr(0, semi), size) || size <= 0) {
    error = "a record needs its size in bytes first, got '" + std::string(text) + "'";
    return false;
  }
  // The next ';' outside a nested record's <...>.
  auto nextSemi = [](std::string_view s) {
    int depth = 0;
    for (size_t k = 0; k < s.size(); ++k) {
      depth += s[k] == '<' ? 1 : s[k] == '>' ? -1 : 0;
      if (s[k] == ';' && depth == 0)
        return k;
    }
    return std::string_view::npos;
  };
  while (semi != std::string_view::npos) {
    body = body.substr(semi + 1);
    semi = nextSemi(body);
    std::string_view item = body.substr(0, semi);
    size_t eq = item.find('='), at = item.rfind('@');
    RecordField f;
    if (eq == std::string_view::npos || at == std::string_view::npos || at < eq || eq == 0 ||
        !number(item.substr(at + 1), f.offset)) {
      error = "a record field is name=type@offset, got '" + std::string(item) + "'";
      return false;
    }
    f.name = std::string(item.substr(0, eq));
    std::string_view type = item.substr(eq + 1, at - eq - 1);
    if (type.substr(0, 4) == "rec<") { // a nested record: its text, checked by the caller
      if (type.back() != '>') {
        error = "a nested record field is name=rec<...>@offset, without a shape, got '" +
                std::string(item) + "'";
        return false;
      }
    } else if (size_t open = type.find('['); open != std::string_view::npos) {
      if (type.back() != ']') {
        error = "a record field's shape is [d0xd1...], got '" + std::string(type) + "'";
        return false;
      }
      std::string_view dims = type.substr(open + 1, type.size() - open - 2);
      while (true) {
        size_t x = dims.find('x');
        int64_t d = 0;
        if (!number(dims.substr(0, x), d) || d <= 0 || f.shape.size() >= kMaxRank) {
          error = "a record field's shape is [d0xd1...], got '" + std::string(type) + "'";
          return false;
        }
        f.shape.push_back(d);
        if (x == std::string_view::npos)
          break;
        dims = dims.substr(x + 1);
      }
      type = type.substr(0, open);
    }
    f.type = std::string(type);
    fields.push_back(std::move(f));
  }
  if (fields.empty()) {
    error = "a record needs at least one field, got '" + std::string(text) + "'";
    return false;
  }
  return true;
}

} // namespace cuft::signature

#endif
