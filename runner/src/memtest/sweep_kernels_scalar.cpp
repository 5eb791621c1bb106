// Scalar sweep loops: the portable fallback, and the narrow (8/16-bit) store
// loops of the byte- and halfword-write patterns.
#include "memtest/sweep_kernels.hpp"

namespace kiln::memtest {

namespace {

// Narrow stores through volatile, alias-safe pointers: the compiler must
// neither merge them into wider stores nor reorder them away.
using AliasByte = unsigned char;
typedef std::uint16_t __attribute__((may_alias)) AliasHalf;

void fill_scalar(std::uint64_t* block, BlockValues next, bool /*streaming*/) {
  for (std::size_t j = 0; j < kBlockWords; ++j) block[j] = next.at(j);
}

void verify_scalar(const std::uint64_t* block, BlockValues expected, const MismatchSink& sink) {
  for (std::size_t j = 0; j < kBlockWords; ++j) {
    const std::uint64_t actual = block[j];
    const std::uint64_t want = expected.at(j);
    if (actual != want) [[unlikely]]
      sink(block + j, want, actual);
  }
}

inline void verify_fill_word(std::uint64_t* block, std::size_t j, BlockValues expected,
                             BlockValues next, const MismatchSink& sink) {
  const std::uint64_t actual = block[j];
  const std::uint64_t want = expected.at(j);
  if (actual != want) [[unlikely]]
    sink(block + j, want, actual);
  block[j] = next.at(j);
}

// Portable: ordinary stores whatever `streaming` says.
void verify_fill_scalar(std::uint64_t* block, BlockValues expected, BlockValues next,
                        bool descending, bool /*streaming*/, const MismatchSink& sink) {
  if (descending) {
    for (std::size_t j = kBlockWords; j-- > 0;) verify_fill_word(block, j, expected, next, sink);
  } else {
    for (std::size_t j = 0; j < kBlockWords; ++j) verify_fill_word(block, j, expected, next, sink);
  }
}

void store_narrow(std::uint64_t* word, std::uint64_t value, StoreWidth width) {
  // Little-endian: byte k of the word is bits 8k..8k+7.
  if (width == StoreWidth::k8) {
    auto* bytes = reinterpret_cast<volatile AliasByte*>(word);
    for (unsigned k = 0; k < sizeof(value); ++k)
      bytes[k] = static_cast<AliasByte>(value >> (8 * k));
  } else if (width == StoreWidth::k16) {
    auto* halves = reinterpret_cast<volatile AliasHalf*>(word);
    for (unsigned k = 0; k < sizeof(value) / 2; ++k) {
      halves[k] = static_cast<std::uint16_t>(value >> (16 * k));
    }
  } else {
    *reinterpret_cast<volatile std::uint64_t*>(word) = value;
  }
}

}  // namespace

void fill_narrow(std::uint64_t* block, BlockValues next, StoreWidth width) {
  for (std::size_t j = 0; j < kBlockWords; ++j) store_narrow(block + j, next.at(j), width);
}

void verify_fill_narrow(std::uint64_t* block, BlockValues expected, BlockValues next,
                        bool descending, StoreWidth width, const MismatchSink& sink) {
  auto step = [&](std::size_t j) {
    const std::uint64_t actual = block[j];
    const std::uint64_t want = expected.at(j);
    if (actual != want) [[unlikely]]
      sink(block + j, want, actual);
    store_narrow(block + j, next.at(j), width);
  };
  if (descending) {
    for (std::size_t j = kBlockWords; j-- > 0;) step(j);
  } else {
    for (std::size_t j = 0; j < kBlockWords; ++j) step(j);
  }
}

const SweepKernels& scalar_kernels() {
  static const SweepKernels kernels{Isa::kScalar, fill_scalar, verify_scalar, verify_fill_scalar};
  return kernels;
}

}  // namespace kiln::memtest
