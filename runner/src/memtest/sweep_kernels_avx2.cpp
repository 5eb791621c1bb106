// AVX2 sweep loops: 32-byte vectors, four per iteration (two cache lines).
// Every function carries target("avx2"); only dispatch (kernel_dispatch.cpp)
// decides, from __builtin_cpu_supports, whether they may run.
#include "memtest/sweep_kernels.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#define KILN_AVX2 __attribute__((target("avx2")))

namespace kiln::memtest {

namespace {

constexpr std::size_t kLanes = 4;                // words per vector
constexpr std::size_t kUnroll = 4;               // vectors per iteration
constexpr std::size_t kStep = kLanes * kUnroll;  // words per iteration
constexpr std::ptrdiff_t kAhead = kBlockWords;   // prefetch distance, words: one block

KILN_AVX2 inline __m256i load(const std::uint64_t* p) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
}
KILN_AVX2 inline __m256i values(BlockValues v, __m256i key, std::size_t j) {
  return _mm256_xor_si256(load(v.tile + j), key);
}
// The two lines of the step `ahead` words away (a prefetch never faults).
KILN_AVX2 inline void prefetch_step(const std::uint64_t* p, std::ptrdiff_t ahead) {
  const auto* at = reinterpret_cast<const char*>(p) + ahead * 8;
  _mm_prefetch(at, _MM_HINT_T0);
  _mm_prefetch(at + 64, _MM_HINT_T0);
}

// Rare path: names each mismatching word of `kStep` words read into `seen`.
[[gnu::noinline]] KILN_AVX2 void report_words(const std::uint64_t* at, const __m256i* seen,
                                              BlockValues expected, std::size_t j,
                                              const MismatchSink& sink) {
  alignas(32) std::uint64_t words[kStep];
  for (std::size_t u = 0; u < kUnroll; ++u) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(words + u * kLanes), seen[u]);
  }
  for (std::size_t w = 0; w < kStep; ++w) {
    const std::uint64_t want = expected.at(j + w);
    if (words[w] != want) sink(at + w, want, words[w]);
  }
}

KILN_AVX2 void fill_avx2(std::uint64_t* block, BlockValues next, bool streaming) {
  const __m256i key = _mm256_set1_epi64x(static_cast<long long>(next.key));
  auto* out = reinterpret_cast<__m256i*>(block);
  if (streaming) {
    for (std::size_t j = 0; j < kBlockWords; j += kLanes) {
      _mm256_stream_si256(out + j / kLanes, values(next, key, j));
    }
  } else {
    for (std::size_t j = 0; j < kBlockWords; j += kLanes) {
      _mm256_store_si256(out + j / kLanes, values(next, key, j));
    }
  }
}

// One step: read and compare kStep words; one branch per step, taken only
// on a mismatch.
KILN_AVX2 inline void check_step(const std::uint64_t* block, std::size_t j, BlockValues expected,
                                 __m256i key, const MismatchSink& sink, __m256i* seen) {
  __m256i diff = _mm256_setzero_si256();
  for (std::size_t u = 0; u < kUnroll; ++u) {
    seen[u] = load(block + j + u * kLanes);
    diff = _mm256_or_si256(diff, _mm256_xor_si256(seen[u], values(expected, key, j + u * kLanes)));
  }
  if (!_mm256_testz_si256(diff, diff)) [[unlikely]] {
    report_words(block + j, seen, expected, j, sink);
  }
}

KILN_AVX2 void verify_avx2(const std::uint64_t* block, BlockValues expected,
                           const MismatchSink& sink) {
  const __m256i key = _mm256_set1_epi64x(static_cast<long long>(expected.key));
  for (std::size_t j = 0; j < kBlockWords; j += kStep) {
    prefetch_step(block + j, kAhead);
    __m256i seen[kUnroll];
    check_step(block, j, expected, key, sink, seen);
  }
}

template <bool kStream>
KILN_AVX2 inline void verify_fill_step(std::uint64_t* block, std::size_t j, BlockValues expected,
                                       __m256i expected_key, BlockValues next, __m256i next_key,
                                       const MismatchSink& sink) {
  __m256i seen[kUnroll];
  check_step(block, j, expected, expected_key, sink, seen);
  for (std::size_t u = 0; u < kUnroll; ++u) {
    auto* out = reinterpret_cast<__m256i*>(block + j + u * kLanes);
    if constexpr (kStream) {
      _mm256_stream_si256(out, values(next, next_key, j + u * kLanes));
    } else {
      _mm256_store_si256(out, values(next, next_key, j + u * kLanes));
    }
  }
}

template <bool kStream>
KILN_AVX2 void verify_fill_loop(std::uint64_t* block, BlockValues expected, BlockValues next,
                                bool descending, const MismatchSink& sink) {
  const __m256i ekey = _mm256_set1_epi64x(static_cast<long long>(expected.key));
  const __m256i nkey = _mm256_set1_epi64x(static_cast<long long>(next.key));
  if (descending) {
    for (std::size_t j = kBlockWords; j >= kStep; j -= kStep) {
      prefetch_step(block + j - kStep, -kAhead);
      verify_fill_step<kStream>(block, j - kStep, expected, ekey, next, nkey, sink);
    }
  } else {
    for (std::size_t j = 0; j < kBlockWords; j += kStep) {
      prefetch_step(block + j, kAhead);
      verify_fill_step<kStream>(block, j, expected, ekey, next, nkey, sink);
    }
  }
}

KILN_AVX2 void verify_fill_avx2(std::uint64_t* block, BlockValues expected, BlockValues next,
                                bool descending, bool streaming, const MismatchSink& sink) {
  if (streaming) {
    verify_fill_loop<true>(block, expected, next, descending, sink);
  } else {
    verify_fill_loop<false>(block, expected, next, descending, sink);
  }
}

}  // namespace

const SweepKernels& avx2_kernels() {
  static const SweepKernels kernels{Isa::kAvx2, fill_avx2, verify_avx2, verify_fill_avx2};
  return kernels;
}

}  // namespace kiln::memtest

#else

namespace kiln::memtest {
const SweepKernels& avx2_kernels() {
  return scalar_kernels();
}
}  // namespace kiln::memtest

#endif
