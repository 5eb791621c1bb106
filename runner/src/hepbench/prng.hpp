// Deterministic pseudo-random numbers for the hepbench workloads.
//
// The workloads must do bit-identical work on every machine, so they never
// use std:: distributions (their algorithms are implementation-defined).
// Everything here is exact integer arithmetic plus one exact conversion to
// double, so the sequences are the same on every compiler and CPU.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace kiln::hepbench {

// SplitMix64 (Steele, Lea, Flood 2014): seeds the main generator and mixes
// (seed, event number) into an independent per-event seed.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }

 private:
  std::uint64_t state_;
};

// xoshiro256** (Blackman, Vigna 2018).
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed) {
    SplitMix64 mixer(seed);
    for (auto& word : state_) word = mixer.next();
  }

  std::uint64_t next() {
    const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17U;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1): the top 53 bits, scaled exactly.
  double uniform() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_nonzero() { return static_cast<double>((next() >> 11U) + 1) * 0x1.0p-53; }

  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Integer in [0, n) by multiply-shift (Lemire). The bias for large n is
  // tiny and, more to the point here, the same everywhere.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32U) * n) >> 32U);
  }

 private:
  std::array<std::uint64_t, 4> state_{};
};

// The seed of event `event` of a workload: independent streams per event, so
// an event's input does not depend on how many random numbers earlier events
// drew.
inline std::uint64_t event_seed(std::uint64_t workload_seed, std::uint64_t event) {
  SplitMix64 mixer(workload_seed ^ (event * 0xD1B54A32D192ED03ULL));
  return mixer.next();
}

}  // namespace kiln::hepbench
