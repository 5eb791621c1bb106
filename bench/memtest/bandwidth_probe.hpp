// The bandwidth probe of memtest_bench: what the memory of this machine moves
// at best, per access mix, over the same mapping (TestMemory: hugetlb or THP,
// locked) and the same threads as the engine.
//
// Kernels (AVX2, 32-byte vectors, unrolled, no dependency chain longer than
// one add per 256 bytes): STREAM's copy, scale, add and triad with
// non-temporal stores (so the bytes counted are the bytes moved: no
// read-for-ownership), a read-only kernel with eight independent
// accumulators (without and with software prefetch), the non-temporal write,
// and the in-place update (read a line, write it back changed: the access mix
// of the engine's fused verify+write sweeps), with ordinary and with
// non-temporal stores. Every thread is pinned, works on its own slice and
// times its own kernel; a repetition's time runs from the first thread's
// start to the last one's end, and the best of `reps` repetitions counts
// (as STREAM does). Repetitions interleave the kernels.
#pragma once

#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "memtest/test_memory.hpp"

namespace probe {

#define PROBE_AVX2 __attribute__((target("avx2,fma")))

// ---- The kernels. `n` words per array, a multiple of 32.

PROBE_AVX2 inline __m256i ld(const std::uint64_t* p) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
}

// Software prefetch distance: one 4 KiB page ahead. The hardware prefetchers
// stop at page boundaries; a core's reads are bound by its outstanding
// misses, and prefetching the next page keeps more of them in flight
// (measured on this VM, one thread: 33 -> 36.5 GiB/s; 1, 2, 3, 8, 16 KiB
// ahead were slower or no better; T1/T2/NTA hints no better).
constexpr std::size_t kPrefetchWords = 4096 / 8;

// Eight accumulators, 256 bytes (four lines) per iteration (4 or 16
// accumulators, or AVX-512 loads, measure the same: the loop is not bound by
// its add chains); `prefetch`: software prefetch kPrefetchWords ahead too.
template <bool kPrefetch>
PROBE_AVX2 std::uint64_t read_kernel(const std::uint64_t* p, std::size_t n) {
  __m256i acc[8];
  for (auto& a : acc) a = _mm256_setzero_si256();
  for (std::size_t i = 0; i < n; i += 32) {
    if constexpr (kPrefetch) {
      for (std::size_t l = 0; l < 32; l += 8) {
        _mm_prefetch(reinterpret_cast<const char*>(p + i + kPrefetchWords + l), _MM_HINT_T0);
      }
    }
    for (int u = 0; u < 8; ++u) acc[u] = _mm256_add_epi64(acc[u], ld(p + i + 4 * u));
  }
  for (int u = 1; u < 8; ++u) acc[0] = _mm256_add_epi64(acc[0], acc[u]);
  alignas(32) std::uint64_t out[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(out), acc[0]);
  return out[0] ^ out[1] ^ out[2] ^ out[3];
}

PROBE_AVX2 inline void write_nt(std::uint64_t* p, std::size_t n, std::uint64_t v) {
  const __m256i x = _mm256_set1_epi64x(static_cast<long long>(v));
  for (std::size_t i = 0; i < n; i += 16) {
    for (int u = 0; u < 4; ++u) _mm256_stream_si256(reinterpret_cast<__m256i*>(p + i + 4 * u), x);
  }
  _mm_sfence();
}

// In place: p[i] ^= v, a line read then written back (the engine's verify_fill mix).
template <bool kStream, bool kPrefetch>
PROBE_AVX2 void update_kernel(std::uint64_t* p, std::size_t n, std::uint64_t v) {
  const __m256i x = _mm256_set1_epi64x(static_cast<long long>(v));
  for (std::size_t i = 0; i < n; i += 16) {
    if constexpr (kPrefetch) {
      _mm_prefetch(reinterpret_cast<const char*>(p + i + kPrefetchWords), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(p + i + kPrefetchWords + 8), _MM_HINT_T0);
    }
    __m256i w[4];
    for (int u = 0; u < 4; ++u) w[u] = _mm256_xor_si256(ld(p + i + 4 * u), x);
    for (int u = 0; u < 4; ++u) {
      auto* out = reinterpret_cast<__m256i*>(p + i + 4 * u);
      if constexpr (kStream) {
        _mm256_stream_si256(out, w[u]);
      } else {
        _mm256_store_si256(out, w[u]);
      }
    }
  }
  if constexpr (kStream) _mm_sfence();
}

// STREAM on doubles: copy c = a, scale b = q c, add c = a + b, triad a = b + q c.
enum class Stream { kCopy, kScale, kAdd, kTriad };
template <Stream kKind>
PROBE_AVX2 void stream_kernel(double* a, double* b, double* c, std::size_t n) {
  const __m256d q = _mm256_set1_pd(3.0);
  for (std::size_t i = 0; i < n; i += 16) {
    for (int u = 0; u < 4; ++u) {
      const std::size_t k = i + 4 * static_cast<std::size_t>(u);
      if constexpr (kKind == Stream::kCopy) {
        _mm256_stream_pd(c + k, _mm256_load_pd(a + k));
      } else if constexpr (kKind == Stream::kScale) {
        _mm256_stream_pd(b + k, _mm256_mul_pd(q, _mm256_load_pd(c + k)));
      } else if constexpr (kKind == Stream::kAdd) {
        _mm256_stream_pd(c + k, _mm256_add_pd(_mm256_load_pd(a + k), _mm256_load_pd(b + k)));
      } else {
        _mm256_stream_pd(a + k, _mm256_fmadd_pd(q, _mm256_load_pd(c + k), _mm256_load_pd(b + k)));
      }
    }
  }
  _mm_sfence();
}

// Copy with the CPU's fast string move (what glibc's memcpy or a peer such as
// stressapptest may end up using): one thread, 1 MiB chunks, measured here
// at 51 GiB/s of traffic against 35 for glibc's memcpy.
inline void copy_movsb(void* dst, const void* src, std::size_t bytes) {
  asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
}

// ---- The table of kernels: name, bytes read and written per byte of slice.

enum Kernel : int {
  kRead,
  kReadPrefetch,
  kWriteNt,
  kCopy,
  kCopyMovsb,
  kScale,
  kAdd,
  kTriad,
  kUpdate,
  kUpdatePrefetch,
  kUpdateNt,
  kUpdateNtPrefetch,
  kKernels
};
struct KernelInfo {
  const char* name;
  double read;     // bytes read per byte of the thread's slice
  double written;  // bytes written per byte of the thread's slice
};
// STREAM's three arrays are a third of the slice each.
inline constexpr std::array<KernelInfo, kKernels> kInfo = {{
    {"read (8 accumulators)", 1, 0},
    {"read (8 acc., sw prefetch)", 1, 0},
    {"write (non-temporal)", 0, 1},
    {"STREAM copy (NT stores)", 1.0 / 3, 1.0 / 3},
    {"copy (rep movsb), half to half", 0.5, 0.5},
    {"STREAM scale (NT stores)", 1.0 / 3, 1.0 / 3},
    {"STREAM add (NT stores)", 2.0 / 3, 1.0 / 3},
    {"STREAM triad (NT stores)", 2.0 / 3, 1.0 / 3},
    {"update in place (stores)", 1, 1},
    {"update in place (stores, sw prefetch)", 1, 1},
    {"update in place (NT stores)", 1, 1},
    {"update in place (NT, sw prefetch)", 1, 1},
}};

struct Result {
  std::array<double, kKernels> gibs{};  // best repetition, wall clock, all threads
  // Best repetition of the sum over threads of bytes per own CPU second:
  // what the threads move while they run, preempted or not.
  std::array<double, kKernels> full_cpu{};
  // The median repetition of the same: what a long run (the engine's) may
  // sustain on a shared machine, not just its best burst.
  std::array<double, kKernels> median_full_cpu{};
  [[nodiscard]] double best_read() const { return std::max(gibs[kRead], gibs[kReadPrefetch]); }
  [[nodiscard]] double best_copy() const { return std::max(gibs[kCopy], gibs[kCopyMovsb]); }
  [[nodiscard]] double best_update() const {
    return std::max(
        {gibs[kUpdate], gibs[kUpdatePrefetch], gibs[kUpdateNt], gibs[kUpdateNtPrefetch]});
  }
  [[nodiscard]] double best_read_full_cpu() const {
    return std::max(full_cpu[kRead], full_cpu[kReadPrefetch]);
  }
  [[nodiscard]] double best_update_full_cpu() const {
    return std::max({full_cpu[kUpdate], full_cpu[kUpdatePrefetch], full_cpu[kUpdateNt],
                     full_cpu[kUpdateNtPrefetch]});
  }
  [[nodiscard]] double best() const { return *std::max_element(gibs.begin(), gibs.end()); }
};

inline double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

inline void run_kernel(int kernel, std::uint64_t* slice, std::size_t words, int rep,
                       std::atomic<std::uint64_t>& sink) {
  const std::size_t third = words / 3 / 32 * 32;
  auto* a = reinterpret_cast<double*>(slice);
  double* b = a + third;
  double* c = b + third;
  switch (kernel) {
    case kRead:
      sink += read_kernel<false>(slice, words);
      break;
    case kReadPrefetch:
      sink += read_kernel<true>(slice, words);
      break;
    case kWriteNt:
      write_nt(slice, words, static_cast<std::uint64_t>(rep));
      break;
    case kCopy:
      stream_kernel<Stream::kCopy>(a, b, c, third);
      break;
    case kCopyMovsb:
      copy_movsb(slice + words / 2, slice, words / 2 * 8);
      break;
    case kScale:
      stream_kernel<Stream::kScale>(a, b, c, third);
      break;
    case kAdd:
      stream_kernel<Stream::kAdd>(a, b, c, third);
      break;
    case kTriad:
      stream_kernel<Stream::kTriad>(a, b, c, third);
      break;
    case kUpdate:
      update_kernel<false, false>(slice, words, 0x5555);
      break;
    case kUpdatePrefetch:
      update_kernel<false, true>(slice, words, 0x6666);
      break;
    case kUpdateNt:
      update_kernel<true, false>(slice, words, 0xaaaa);
      break;
    case kUpdateNtPrefetch:
      update_kernel<true, true>(slice, words, 0x3333);
      break;
    default:
      break;
  }
}

// Each kernel `reps` times over `bytes` mapped like the engine's memory,
// split between `cpus` (one pinned thread each).
inline Result run(std::size_t bytes, const std::vector<int>& cpus, int reps) {
  auto memory = kiln::memtest::TestMemory::map(bytes, kiln::memtest::HugePages::kAuto);
  if (!memory) {
    std::fprintf(stderr, "probe: %s\n", memory.error().message.c_str());
    std::exit(1);
  }
  const std::size_t n = cpus.size();
  const std::size_t slice_words = bytes / n / 8 / 96 * 96;  // three arrays of whole 256 B steps
  std::barrier sync(static_cast<std::ptrdiff_t>(n));
  std::atomic<std::uint64_t> sink{0};
  using Clock = std::chrono::steady_clock;
  // [kernel][rep][thread]
  std::vector<Clock::time_point> began(kKernels * reps * n), ended(kKernels * reps * n);
  std::vector<double> cpu(kKernels * reps * n, 0.0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpus[t], &set);
      pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
      std::uint64_t* mine = memory->words() + t * slice_words;
      (void)kiln::memtest::lock_region(mine, slice_words * 8);  // first touch on this CPU
      write_nt(mine, slice_words, t);
      // Repetitions outermost: on a shared machine each kernel's samples
      // spread over the whole probe, not one kernel per quiet or busy moment.
      for (int r = 0; r < reps; ++r) {
        for (int k = 0; k < kKernels; ++k) {
          sync.arrive_and_wait();
          const std::size_t at = (static_cast<std::size_t>(k) * reps + r) * n + t;
          const double cpu0 = thread_cpu_seconds();
          began[at] = Clock::now();
          run_kernel(k, mine, slice_words, r, sink);
          ended[at] = Clock::now();
          cpu[at] = thread_cpu_seconds() - cpu0;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  Result result;
  const double slice_bytes = static_cast<double>(slice_words * 8);
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  for (int k = 0; k < kKernels; ++k) {
    const double traffic = slice_bytes * (kInfo[k].read + kInfo[k].written);
    double best = 0;
    double best_cpu = 0;
    std::vector<double> per_cpu_reps;
    for (int r = 0; r < reps; ++r) {
      const std::size_t at = (static_cast<std::size_t>(k) * reps + r) * n;
      double per_cpu = 0;
      for (std::size_t t = 0; t < n; ++t) per_cpu += traffic / kGiB / std::max(cpu[at + t], 1e-9);
      best_cpu = std::max(best_cpu, per_cpu);
      per_cpu_reps.push_back(per_cpu);
      const auto first = began.begin() + (static_cast<std::ptrdiff_t>(k) * reps + r) * n;
      const auto last = ended.begin() + (static_cast<std::ptrdiff_t>(k) * reps + r) * n;
      const double s = std::chrono::duration<double>(*std::max_element(last, last + n) -
                                                     *std::min_element(first, first + n))
                           .count();
      best = std::max(best, traffic * static_cast<double>(n) / s / kGiB);
    }
    result.gibs[k] = best;
    result.full_cpu[k] = best_cpu;
    std::nth_element(per_cpu_reps.begin(), per_cpu_reps.begin() + reps / 2, per_cpu_reps.end());
    result.median_full_cpu[k] = per_cpu_reps[static_cast<std::size_t>(reps / 2)];
  }
  return result;
}

}  // namespace probe
