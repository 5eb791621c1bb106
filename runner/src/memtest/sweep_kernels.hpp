// The inner loops: one 4 KiB block at a time, in three instruction-set
// variants (AVX2, SSE2, scalar) chosen at run time.
//
// A block's expected word j is `tile[j] ^ key`: patterns precompute a 4 KiB
// tile and a per-block key, so the loops are a load, an xor and a store or a
// compare per vector. Three sweeps exist:
//   fill         write only (non-temporal stores when `streaming`)
//   verify       read and compare only
//   verify_fill  read, compare, write the next value: one pass does the
//                verification of one pattern state and the write of the next
//                (non-temporal stores when `streaming`: the next read of
//                the word is a whole sweep away)
// The vector loops prefetch one block (4 KiB) ahead in the sweep's direction:
// hardware prefetchers stop at page boundaries. `streaming` sweeps end
// without a fence; the caller orders them (RegionRunner does, per sweep).
// Mismatching words go to a MismatchSink with the value actually read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::memtest {

constexpr std::size_t kBlockBytes = 4096;
constexpr std::size_t kBlockWords = kBlockBytes / sizeof(std::uint64_t);

enum class Isa { kAuto, kAvx2, kSse2, kScalar };
std::string_view to_string(Isa isa);
Expected<Isa> parse_isa(std::string_view name);  // "auto", "avx2", "sse2", "scalar"

// Word j of a block holds tile[j] ^ key; tile has kBlockWords words, 32-byte aligned.
struct BlockValues {
  const std::uint64_t* tile = nullptr;
  std::uint64_t key = 0;
  [[nodiscard]] std::uint64_t at(std::size_t j) const { return tile[j] ^ key; }
};

struct MismatchSink {
  void (*report)(void* context, const std::uint64_t* address, std::uint64_t expected,
                 std::uint64_t actual) = nullptr;
  void* context = nullptr;
  void operator()(const std::uint64_t* address, std::uint64_t expected,
                  std::uint64_t actual) const {
    report(context, address, expected, actual);
  }
};

// Width of the stores of a sweep: the 8- and 16-bit write patterns store
// narrow on purpose; they always use the scalar loops.
enum class StoreWidth : unsigned { k8 = 1, k16 = 2, k64 = 8 };

struct SweepKernels {
  Isa isa = Isa::kScalar;
  void (*fill)(std::uint64_t* block, BlockValues next, bool streaming) = nullptr;
  void (*verify)(const std::uint64_t* block, BlockValues expected,
                 const MismatchSink& sink) = nullptr;
  void (*verify_fill)(std::uint64_t* block, BlockValues expected, BlockValues next, bool descending,
                      bool streaming, const MismatchSink& sink) = nullptr;
};

// The variants, for dispatch and for tests that cover each path.
const SweepKernels& scalar_kernels();
const SweepKernels& sse2_kernels();  // scalar_kernels() off x86-64
const SweepKernels& avx2_kernels();  // scalar_kernels() off x86-64

bool cpu_supports(Isa isa);
std::vector<Isa> supported_isas();  // concrete ones this CPU runs, widest first
// kAuto picks the widest supported; an unsupported explicit choice is an Error.
Expected<const SweepKernels*> select_kernels(Isa isa);

// Narrow-store variants (scalar by nature).
void fill_narrow(std::uint64_t* block, BlockValues next, StoreWidth width);
void verify_fill_narrow(std::uint64_t* block, BlockValues expected, BlockValues next,
                        bool descending, StoreWidth width, const MismatchSink& sink);

}  // namespace kiln::memtest
