// The host runtime's float16/bfloat16 rounding (lib/Runtime/Host/SoftFloat.h)
// against the compiler's own: GCC's _Float16 conversions (libgcc's
// __truncsfhf2, __truncdfhf2 and __extendhfsf2), and bfloat16's rule.
#include "SoftFloat.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace cuft::host::softfloat;

namespace {

uint16_t bitsOfHalf(_Float16 h) {
  uint16_t u;
  std::memcpy(&u, &h, sizeof u);
  return u;
}

_Float16 halfOf(uint16_t u) {
  _Float16 h;
  std::memcpy(&h, &u, sizeof h);
  return h;
}

bool isNanHalf(uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu); }

TEST(SoftFloat, EveryHalfWidensAsTheCompilerWidensIt) {
  for (uint32_t h = 0; h <= 0xffffu; ++h) {
    float want = static_cast<float>(halfOf(static_cast<uint16_t>(h)));
    uint32_t got = floatBitsFromHalf(static_cast<uint16_t>(h));
    if (isNanHalf(static_cast<uint16_t>(h)))
      EXPECT_TRUE(std::isnan(floatOf(got))) << h;
    else
      EXPECT_EQ(got, bitsOf(want)) << h;
  }
}

TEST(SoftFloat, FloatsAndDoublesRoundToHalvesAsTheCompilerRoundsThem) {
  std::mt19937_64 rng(11);
  auto check = [](uint16_t got, _Float16 want, double x) {
    if (std::isnan(x))
      EXPECT_TRUE(isNanHalf(got)) << x;
    else
      EXPECT_EQ(got, bitsOfHalf(want)) << x;
  };
  for (int i = 0; i < 2000000; ++i) {
    // Every float32 bit pattern is equally likely; most halves' range is
    // exponents 100..143, so half the draws are from there.
    uint32_t u = static_cast<uint32_t>(rng());
    if (i % 2)
      u = (u & 0x807fffffu) | ((100u + u % 44u) << 23);
    float f = floatOf(u);
    check(halfFromFloatBits(u), static_cast<_Float16>(f), f);
    // A double near it with bits below float32's: rounded once.
    double d = static_cast<double>(f) * (1.0 + std::ldexp(static_cast<double>(rng() % 4096), -40));
    check(halfFromFloatBits(floatBitsRoundedToOdd(d)), static_cast<_Float16>(d), d);
  }
  // Ties, both ways, at each end of the range.
  for (uint32_t u : {0x3f801000u, 0x3f803000u, 0x477ff000u, 0x477fefffu, 0x33000000u,
                     0x33000001u, 0x38800000u, 0x387fe000u, 0x387ff000u, 0x7f800000u})
    check(halfFromFloatBits(u), static_cast<_Float16>(floatOf(u)), floatOf(u));
}

TEST(SoftFloat, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(bf16FromFloatBits(0x3f808000u), 0x3f80u); // tie, even below
  EXPECT_EQ(bf16FromFloatBits(0x3f818000u), 0x3f82u); // tie, even above
  EXPECT_EQ(bf16FromFloatBits(0x3f808001u), 0x3f81u);
  EXPECT_EQ(bf16FromFloatBits(0x7f7fffffu), 0x7f80u); // past the largest: inf
  EXPECT_EQ(bf16FromFloatBits(0xff800000u), 0xff80u);
  EXPECT_EQ(bf16FromFloatBits(0x7f800001u) & 0x7fc0u, 0x7fc0u); // NaN, quiet
  // A double just above a tie rounds up, though float32 would make it the tie.
  double above = 1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -40);
  EXPECT_EQ(bf16FromFloatBits(floatBitsRoundedToOdd(above)), 0x3f81u);
  EXPECT_EQ(bf16FromFloatBits(floatBitsRoundedToOdd(1.0 + std::ldexp(1.0, -8))), 0x3f80u);
}

} // namespace
