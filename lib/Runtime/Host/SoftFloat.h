//===- SoftFloat.h - float16/bfloat16 rounding for the host runtime -*- C++ -*-===//
//
// The conversions LLVM's x86 code generator calls where the CPU has no
// instruction for them and which glibc's process may lack (libgcc_s has the
// float16 ones from GCC 12 but is not always loaded; bfloat16's only from GCC
// 13): the host runtime defines __truncsfbf2, __truncdfbf2, __truncsfhf2,
// __truncdfhf2 and __extendhfsf2 for its JIT with these (HostLaunch.cpp).
// Round to nearest even, as numpy, ml_dtypes and a GPU's cvt.rn; a NaN stays
// a NaN of its sign, quiet; a double is rounded once (to float32 rounding to
// odd first, which float32's 24 bits make exact for 8- and 11-bit results).
// Standard C++ only: the unit tests include it.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_RUNTIME_HOST_SOFTFLOAT_H
#define CUFT_RUNTIME_HOST_SOFTFLOAT_H

#include <cmath>
#include <cstdint>
#include <cstring>

namespace cuft::host::softfloat {

inline uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

/// `x` in float32, rounded to odd: its bits, with the sticky bit of what
/// rounding dropped in the last place.
inline uint32_t floatBitsRoundedToOdd(double x) {
  float f = static_cast<float>(x);
  uint32_t u = bitsOf(f);
  if (!std::isnan(x) && !std::isinf(x) && static_cast<double>(f) != x) {
    if (std::fabs(static_cast<double>(f)) > std::fabs(x))
      --u; // rounded away from zero: one step back toward it
    u |= 1u;
  }
  return u;
}

inline uint16_t bf16FromFloatBits(uint32_t u) {
  if ((u & 0x7fffffffu) > 0x7f800000u) // NaN
    return static_cast<uint16_t>((u >> 16) | 0x40u);
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

inline uint16_t halfFromFloatBits(uint32_t u) {
  uint32_t sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
  if (a > 0x7f800000u) // NaN: quiet, the payload's top bits kept
    return static_cast<uint16_t>(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
  if (a >= 0x477ff000u) // 65520 and up (half of the way past 65504): inf
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (a >= 0x38800000u) { // a normal half: exponent rebiased by 127 - 15
    uint32_t m = a - 0x38000000u;
    m += 0xfffu + ((m >> 13) & 1u);
    return static_cast<uint16_t>(sign | (m >> 13));
  }
  if (a <= 0x33000000u) // 2^-25 and below: zero (2^-25 ties to even 0)
    return static_cast<uint16_t>(sign);
  // A subnormal half: the significand shifted to units of 2^-24, rounded.
  uint32_t mant = (a & 0x7fffffu) | 0x800000u, shift = 126u - (a >> 23);
  uint32_t q = mant >> shift, rem = mant & ((1u << shift) - 1u), half = 1u << (shift - 1u);
  if (rem > half || (rem == half && (q & 1u)))
    ++q; // may reach 0x400: the smallest normal, as encoded
  return static_cast<uint16_t>(sign | q);
}

inline uint32_t floatBitsFromHalf(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
  if (e == 0x1fu) // inf, NaN (its payload kept)
    return sign | 0x7f800000u | (m << 13);
  if (e == 0) {
    if (m == 0)
      return sign;
    e = 113; // float32's exponent of 2^-14, less one per shift normalizing m
    while (!(m & 0x400u)) {
      m <<= 1;
      --e;
    }
    return sign | (e << 23) | ((m & 0x3ffu) << 13);
  }
  return sign | ((e + 112u) << 23) | (m << 13);
}

} // namespace cuft::host::softfloat

#endif // CUFT_RUNTIME_HOST_SOFTFLOAT_H
