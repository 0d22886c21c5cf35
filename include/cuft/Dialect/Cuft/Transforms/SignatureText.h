//===- SignatureText.h - the one spelling of a kernel signature -*- C++ -*-===//
//
// A signature is text, one entry per kernel parameter, joined by ',':
//
//   scalar      bool i8 i16 i32 i64 u8 u16 u32 u64 f32 f64
//   array       array<elem,rank,layout> or array<elem,rank,layout,readonly>,
//               layout C, F or strided
//   constexpr   scalar=value (i64=128, bool=true, f64=0.5)
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

#include <cstddef>
#include <string>
#include <string_view>

namespace cuft::signature {

/// cuft's scalar types: the signature's name and numpy's dtype name, in the
/// order messages list them.
struct Scalar {
  std::string_view name, numpy;
};
inline constexpr Scalar kScalars[] = {
    {"bool", "bool"},     {"i8", "int8"},       {"i16", "int16"},   {"i32", "int32"},
    {"i64", "int64"},     {"u8", "uint8"},      {"u16", "uint16"},  {"u32", "uint32"},
    {"u64", "uint64"},    {"f32", "float32"},   {"f64", "float64"}};

/// The ranks a launch passes arrays of (cuft-opt's sig= takes up to 8).
inline constexpr size_t kMaxLaunchRank = 3;
inline constexpr size_t kMaxRank = 8;

inline constexpr std::string_view kLayoutC = "C", kLayoutF = "F", kLayoutStrided = "strided";

/// The signature name of scalar type `spelled`: a signature name, a numpy
/// dtype name, or one of i1, b1, ui8..ui64, int (i64), float (f64). Empty when
/// unknown.
std::string_view scalarName(std::string_view spelled);

/// Appends array entry `array<elem,rank,layout[,readonly]>`. Lengths known, no
/// allocation beyond `sig`'s: every launch appends one per array argument.
inline void appendArray(std::string &sig, std::string_view elem, size_t rank,
                        std::string_view layout, bool readOnly) {
  static constexpr std::string_view open = "array<", closeReadOnly = ",readonly>";
  const char middle[3] = {',', char('0' + rank), ','};
  sig.append(open).append(elem).append(middle, 3).append(layout);
  // Part of the signature, so a read-only array never meets a specialization
  // that writes it.
  if (readOnly)
    sig.append(closeReadOnly);
  else
    sig += '>';
}

/// Appends constexpr entry `type=value`; `value` is already spelled.
inline void appendConstant(std::string &sig, std::string_view type, std::string_view value) {
  sig.append(type).append(1, '=').append(value);
}

/// The signature text of `text` as a person writes it: entries as above with
/// any scalar spelling scalarName takes, or numba's array spelling `f32[:]`
/// (strided), `f32[::1]` and `f32[:, ::1]` (C), `f32[::1, :]` (F), ranks 1 to
/// kMaxLaunchRank. False with `error` when it is not one.
bool canonicalSignature(std::string_view text, std::string &out, std::string &error);

} // namespace cuft::signature

#endif
