// SSE2 sweep loops: 16-byte vectors, four per iteration (one cache line).
#include <xmmintrin.h>

#include "memtest/sweep_kernels.hpp"

#if defined(__x86_64__)
#include <emmintrin.h>

namespace kiln::memtest {

namespace {

constexpr std::size_t kLanes = 2;                // words per vector
constexpr std::size_t kUnroll = 4;               // vectors per iteration
constexpr std::size_t kStep = kLanes * kUnroll;  // words per iteration

inline __m128i load(const std::uint64_t* p) {
  return _mm_load_si128(reinterpret_cast<const __m128i*>(p));
}
inline __m128i values(BlockValues v, __m128i key, std::size_t j) {
  return _mm_xor_si128(load(v.tile + j), key);
}
// The line `ahead` words away (a prefetch never faults): one block ahead,
// hardware prefetchers stop at page boundaries.
constexpr std::ptrdiff_t kAhead = kBlockWords;
inline void prefetch_line(const std::uint64_t* p, std::ptrdiff_t ahead) {
  _mm_prefetch(reinterpret_cast<const char*>(p) + ahead * 8, _MM_HINT_T0);
}
inline bool all_zero(__m128i x) {
  return _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())) == 0xFFFF;
}

// Rare path: names each mismatching word of `kStep` words read into `seen`.
[[gnu::noinline]] void report_words(const std::uint64_t* at, const __m128i* seen,
                                    BlockValues expected, std::size_t j, const MismatchSink& sink) {
  alignas(16) std::uint64_t words[kStep];
  for (std::size_t u = 0; u < kUnroll; ++u) {
    _mm_store_si128(reinterpret_cast<__m128i*>(words + u * kLanes), seen[u]);
  }
  for (std::size_t w = 0; w < kStep; ++w) {
    const std::uint64_t want = expected.at(j + w);
    if (words[w] != want) sink(at + w, want, words[w]);
  }
}

void fill_sse2(std::uint64_t* block, BlockValues next, bool streaming) {
  const __m128i key = _mm_set1_epi64x(static_cast<long long>(next.key));
  auto* out = reinterpret_cast<__m128i*>(block);
  if (streaming) {
    for (std::size_t j = 0; j < kBlockWords; j += kLanes) {
      _mm_stream_si128(out + j / kLanes, values(next, key, j));
    }
  } else {
    for (std::size_t j = 0; j < kBlockWords; j += kLanes) {
      _mm_store_si128(out + j / kLanes, values(next, key, j));
    }
  }
}

void verify_sse2(const std::uint64_t* block, BlockValues expected, const MismatchSink& sink) {
  const __m128i key = _mm_set1_epi64x(static_cast<long long>(expected.key));
  for (std::size_t j = 0; j < kBlockWords; j += kStep) {
    prefetch_line(block + j, kAhead);
    __m128i seen[kUnroll];
    __m128i diff = _mm_setzero_si128();
    for (std::size_t u = 0; u < kUnroll; ++u) {
      seen[u] = load(block + j + u * kLanes);
      diff = _mm_or_si128(diff, _mm_xor_si128(seen[u], values(expected, key, j + u * kLanes)));
    }
    if (!all_zero(diff)) [[unlikely]]
      report_words(block + j, seen, expected, j, sink);
  }
}

template <bool kStream>
inline void verify_fill_step(std::uint64_t* block, std::size_t j, BlockValues expected,
                             __m128i expected_key, BlockValues next, __m128i next_key,
                             const MismatchSink& sink) {
  __m128i seen[kUnroll];
  __m128i diff = _mm_setzero_si128();
  for (std::size_t u = 0; u < kUnroll; ++u) {
    seen[u] = load(block + j + u * kLanes);
    diff =
        _mm_or_si128(diff, _mm_xor_si128(seen[u], values(expected, expected_key, j + u * kLanes)));
  }
  if (!all_zero(diff)) [[unlikely]]
    report_words(block + j, seen, expected, j, sink);
  for (std::size_t u = 0; u < kUnroll; ++u) {
    auto* out = reinterpret_cast<__m128i*>(block + j + u * kLanes);
    if constexpr (kStream) {
      _mm_stream_si128(out, values(next, next_key, j + u * kLanes));
    } else {
      _mm_store_si128(out, values(next, next_key, j + u * kLanes));
    }
  }
}

template <bool kStream>
void verify_fill_loop(std::uint64_t* block, BlockValues expected, BlockValues next, bool descending,
                      const MismatchSink& sink) {
  const __m128i ekey = _mm_set1_epi64x(static_cast<long long>(expected.key));
  const __m128i nkey = _mm_set1_epi64x(static_cast<long long>(next.key));
  if (descending) {
    for (std::size_t j = kBlockWords; j >= kStep; j -= kStep) {
      prefetch_line(block + j - kStep, -kAhead);
      verify_fill_step<kStream>(block, j - kStep, expected, ekey, next, nkey, sink);
    }
  } else {
    for (std::size_t j = 0; j < kBlockWords; j += kStep) {
      prefetch_line(block + j, kAhead);
      verify_fill_step<kStream>(block, j, expected, ekey, next, nkey, sink);
    }
  }
}

void verify_fill_sse2(std::uint64_t* block, BlockValues expected, BlockValues next, bool descending,
                      bool streaming, const MismatchSink& sink) {
  if (streaming) {
    verify_fill_loop<true>(block, expected, next, descending, sink);
  } else {
    verify_fill_loop<false>(block, expected, next, descending, sink);
  }
}

}  // namespace

const SweepKernels& sse2_kernels() {
  static const SweepKernels kernels{Isa::kSse2, fill_sse2, verify_sse2, verify_fill_sse2};
  return kernels;
}

}  // namespace kiln::memtest

#else

namespace kiln::memtest {
const SweepKernels& sse2_kernels() {
  return scalar_kernels();
}
}  // namespace kiln::memtest

#endif
