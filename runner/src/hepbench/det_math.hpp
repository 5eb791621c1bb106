// Deterministic transcendental functions for the hepbench workloads.
//
// libm's exp/log/sin/cos differ in the last bit between libc versions and
// even between code paths chosen at run time (glibc picks FMA variants on
// CPUs that have FMA). The workloads' checksums must be bit-identical on
// every machine, so they use these instead: range reduction plus fixed
// polynomials, built only from IEEE-754 +, -, *, / and sqrt, which are
// correctly rounded everywhere. The library is compiled with
// -ffp-contract=off so no fused multiply-add changes a rounding.
//
// Accuracy is a few ulp over the ranges the workloads use, which is all a
// benchmark needs; reproducibility is the point.
#pragma once

namespace kiln::hepbench {

class Xoshiro256;

// e^x; x is clamped to [-700, 700].
double det_exp(double x);

// Natural logarithm of x > 0; returns -745.0 for x <= 0 (never NaN).
double det_log(double x);

// sin(x) and cos(x); accurate for |x| < 1e6.
double det_sin(double x);
double det_cos(double x);

// A standard normal deviate (Box-Muller, cosine branch) from two uniforms.
double det_gaussian(Xoshiro256& rng);

}  // namespace kiln::hepbench
