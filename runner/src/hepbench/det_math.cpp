#include "hepbench/det_math.hpp"

#include <array>
#include <cmath>
#include <cstdint>

#include "hepbench/prng.hpp"

namespace kiln::hepbench {
namespace {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11 (fdlibm's constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;
// pi/2 split the same way: k * kPio2Hi is exact for |k| < 2^20.
constexpr double kPio2Hi = 1.57079632673412561417e+00;
constexpr double kPio2Lo = 6.07710050650619224932e-11;
constexpr double kTwoOverPi = 6.36619772367581382433e-01;
constexpr double kSqrtHalf = 0.70710678118654752440;
constexpr double kTwoPi = 6.28318530717958647692;

// 1/n! for n = 0..17, computed at compile time (IEEE arithmetic, so the
// values are the same for every compiler).
constexpr std::array<double, 18> kInverseFactorial = [] {
  std::array<double, 18> table{};
  double factorial = 1.0;
  for (std::size_t n = 0; n < table.size(); ++n) {
    if (n > 0) factorial *= static_cast<double>(n);
    table[n] = 1.0 / factorial;
  }
  return table;
}();

// Round to nearest without consulting the floating-point environment.
double round_half_up(double x) {
  return std::floor(x + 0.5);
}

// sin(r) for |r| <= pi/4: odd Taylor terms to r^17.
double sin_kernel(double r) {
  const double r2 = r * r;
  double p = kInverseFactorial[17];
  for (int n = 15; n >= 3; n -= 2) p = -p * r2 + kInverseFactorial[static_cast<std::size_t>(n)];
  return r * (1.0 - r2 * p);
}

// cos(r) for |r| <= pi/4: even Taylor terms to r^16.
double cos_kernel(double r) {
  const double r2 = r * r;
  double p = kInverseFactorial[16];
  for (int n = 14; n >= 2; n -= 2) p = -p * r2 + kInverseFactorial[static_cast<std::size_t>(n)];
  return 1.0 - r2 * p;
}

struct Reduced {
  double r;
  unsigned quadrant;
};

// x = k * pi/2 + r with |r| <= ~pi/4, quadrant = k mod 4.
Reduced reduce_pio2(double x) {
  const double k = round_half_up(x * kTwoOverPi);
  const double r = (x - k * kPio2Hi) - k * kPio2Lo;
  const auto quadrant = static_cast<unsigned>(static_cast<std::int64_t>(k) & 3);
  return {r, quadrant};
}

}  // namespace

double det_exp(double x) {
  if (x > 700.0) x = 700.0;
  if (x < -700.0) x = -700.0;
  const double k = round_half_up(x * kInvLn2);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;  // |r| <= ~0.35
  double p = kInverseFactorial[14];
  for (int n = 13; n >= 0; --n) p = p * r + kInverseFactorial[static_cast<std::size_t>(n)];
  return std::ldexp(p, static_cast<int>(k));  // exact scaling by 2^k
}

double det_log(double x) {
  if (!(x > 0.0)) return -745.0;
  int exponent = 0;
  double m = std::frexp(x, &exponent);  // exact: x = m * 2^exponent, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2.0;
    --exponent;
  }
  // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 1.0 / 21.0;
  for (int n = 19; n >= 1; n -= 2) p = p * s2 + 1.0 / static_cast<double>(n);
  const double log_m = 2.0 * s * p;
  const auto e = static_cast<double>(exponent);
  return e * kLn2Hi + (e * kLn2Lo + log_m);
}

double det_sin(double x) {
  const Reduced red = reduce_pio2(x);
  switch (red.quadrant) {
    case 0:
      return sin_kernel(red.r);
    case 1:
      return cos_kernel(red.r);
    case 2:
      return -sin_kernel(red.r);
    default:
      return -cos_kernel(red.r);
  }
}

double det_cos(double x) {
  const Reduced red = reduce_pio2(x);
  switch (red.quadrant) {
    case 0:
      return cos_kernel(red.r);
    case 1:
      return -sin_kernel(red.r);
    case 2:
      return -cos_kernel(red.r);
    default:
      return sin_kernel(red.r);
  }
}

double det_gaussian(Xoshiro256& rng) {
  const double u1 = rng.uniform_nonzero();
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * det_log(u1)) * det_cos(kTwoPi * u2);
}

}  // namespace kiln::hepbench
