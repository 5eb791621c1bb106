// Unsigned 64-bit division by a divisor fixed for a whole sweep, as a
// multiply-high, an add and shifts (Granlund & Montgomery 1994, fig. 4.1):
// compare_div's states divide every word of the region by one operand, and a
// hardware 64-bit divide per word costs several times the memory traffic.
#pragma once

#include <cstdint>

namespace kiln::memtest {

__extension__ typedef unsigned __int128 Uint128;  // GCC and Clang on 64-bit targets

class InvariantDivisor {
 public:
  explicit InvariantDivisor(std::uint64_t d) {
    if (d == 0) d = 1;  // patterns never divide by 0; keep the class total
    if ((d & (d - 1)) == 0) {
      shift_ = static_cast<unsigned>(__builtin_ctzll(d));
      power_of_two_ = true;
      return;
    }
    const unsigned l = 64 - static_cast<unsigned>(__builtin_clzll(d - 1));  // ceil(log2 d), 2..64
    const Uint128 two_l = static_cast<Uint128>(1) << l;
    multiplier_ = static_cast<std::uint64_t>(((two_l - d) << 64) / d) + 1;  // fits: (2^l - d) < d
    shift_ = l - 1;
  }

  [[nodiscard]] std::uint64_t divide(std::uint64_t x) const {
    if (power_of_two_) return x >> shift_;
    const auto t = static_cast<std::uint64_t>((static_cast<Uint128>(multiplier_) * x) >> 64);
    return (t + ((x - t) >> 1)) >> shift_;
  }

 private:
  std::uint64_t multiplier_ = 0;
  unsigned shift_ = 0;
  bool power_of_two_ = false;
};

}  // namespace kiln::memtest
