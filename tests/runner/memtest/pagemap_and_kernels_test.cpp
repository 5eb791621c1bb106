// Pagemap entries decode to physical addresses; each sweep-loop variant
// fills (streaming or not), verifies and names every mismatching word.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "memtest/host_reader.hpp"
#include "memtest/sweep_kernels.hpp"

namespace kiln::memtest {
namespace {

constexpr std::uint64_t kPresent = 1ULL << 63;
constexpr std::uint64_t kSwapped = 1ULL << 62;

TEST(Pagemap, DecodesPresentPageFrame) {
  // PFN 0x1234, soft-dirty (55) and exclusive (56) flags set as the kernel does.
  const std::uint64_t entry = kPresent | (1ULL << 56) | (1ULL << 55) | 0x1234;
  EXPECT_EQ(decode_pagemap_entry(entry, 0x7f00'0000'1abcULL, 4096), 0x1234ULL * 4096 + 0xabc);
}

TEST(Pagemap, UnknownWhenAbsentSwappedOrHidden) {
  EXPECT_EQ(decode_pagemap_entry(0x1234, 0x1000, 4096), 0U);                        // not present
  EXPECT_EQ(decode_pagemap_entry(kPresent | kSwapped | 0x1234, 0x1000, 4096), 0U);  // swapped
  EXPECT_EQ(decode_pagemap_entry(kPresent, 0x1000, 4096), 0U);  // PFN hidden without CAP_SYS_ADMIN
}

TEST(Pagemap, SystemReaderReadsOrSaysWhyNot) {
  auto read = system_pagemap_reader();
  static int here = 0;
  auto entry = read(reinterpret_cast<std::uintptr_t>(&here) / 4096);
  if (entry.ok()) {
    EXPECT_NE(*entry & kPresent, 0U);  // a static we just used is present
  } else {
    EXPECT_EQ(entry.error().code, "memtest-pagemap-unreadable");
  }
}

struct Block {
  alignas(64) std::uint64_t words[kBlockWords];
};

struct Mismatch {
  const std::uint64_t* address;
  std::uint64_t expected;
  std::uint64_t actual;
};

MismatchSink collect_into(std::vector<Mismatch>& seen) {
  return MismatchSink{[](void* ctx, const std::uint64_t* a, std::uint64_t e, std::uint64_t v) {
                        static_cast<std::vector<Mismatch>*>(ctx)->push_back({a, e, v});
                      },
                      &seen};
}

class Kernels : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!cpu_supports(GetParam())) GTEST_SKIP();
    kernels_ = *select_kernels(GetParam());
    for (std::size_t j = 0; j < kBlockWords; ++j) {
      tile_a_->words[j] = j * 0x0101010101010101ULL;
      tile_b_->words[j] = ~j;
    }
  }
  const SweepKernels* kernels_ = nullptr;
  std::unique_ptr<Block> tile_a_ = std::make_unique<Block>();
  std::unique_ptr<Block> tile_b_ = std::make_unique<Block>();
  std::unique_ptr<Block> memory_ = std::make_unique<Block>();
};

TEST_P(Kernels, StreamingAndCachedFillsVerifyClean) {
  const BlockValues a{tile_a_->words, 0xdeadbeef};
  std::vector<Mismatch> seen;
  for (bool streaming : {true, false}) {
    kernels_->fill(memory_->words, a, streaming);
    kernels_->verify(memory_->words, a, collect_into(seen));
    EXPECT_TRUE(seen.empty());
    EXPECT_EQ(memory_->words[100], a.at(100));
  }
}

TEST_P(Kernels, VerifyNamesEveryMismatchingWordWithTheValueRead) {
  const BlockValues a{tile_a_->words, 7};
  kernels_->fill(memory_->words, a, false);
  memory_->words[16] ^= 1;  // two in one vector group, one far away
  memory_->words[17] ^= 1ULL << 63;
  memory_->words[511] ^= 0xF0;
  std::vector<Mismatch> seen;
  kernels_->verify(memory_->words, a, collect_into(seen));
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[0].address, memory_->words + 16);
  EXPECT_EQ(seen[0].expected ^ seen[0].actual, 1U);
  EXPECT_EQ(seen[1].expected ^ seen[1].actual, 1ULL << 63);
  EXPECT_EQ(seen[2].address, memory_->words + 511);
  EXPECT_EQ(seen[2].actual, a.at(511) ^ 0xF0);
}

// Streaming (non-temporal) stores included: the same thread reads them back.
TEST_P(Kernels, VerifyFillChecksThenWritesTheNextState) {
  const BlockValues a{tile_a_->words, 1};
  const BlockValues b{tile_b_->words, 2};
  for (bool streaming : {false, true}) {
    for (bool descending : {false, true}) {
      kernels_->fill(memory_->words, a, false);
      memory_->words[300] ^= 1ULL << 9;
      std::vector<Mismatch> seen;
      kernels_->verify_fill(memory_->words, a, b, descending, streaming, collect_into(seen));
      ASSERT_EQ(seen.size(), 1U);
      EXPECT_EQ(seen[0].address, memory_->words + 300);
      kernels_->verify(memory_->words, b, collect_into(seen));
      EXPECT_EQ(seen.size(), 1U);  // the faulty word was rewritten
    }
  }
}

TEST_P(Kernels, NarrowStoresWriteTheSameWords) {
  const BlockValues a{tile_a_->words, 0x1122334455667788ULL};
  const BlockValues b{tile_b_->words, 3};
  for (StoreWidth width : {StoreWidth::k8, StoreWidth::k16}) {
    std::vector<Mismatch> seen;
    fill_narrow(memory_->words, a, width);
    verify_fill_narrow(memory_->words, a, b, width == StoreWidth::k16, width, collect_into(seen));
    kernels_->verify(memory_->words, b, collect_into(seen));
    EXPECT_TRUE(seen.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(EveryIsa, Kernels, ::testing::Values(Isa::kAvx2, Isa::kSse2, Isa::kScalar),
                         [](const ::testing::TestParamInfo<Isa>& param_info) {
                           return std::string(to_string(param_info.param));
                         });

TEST(KernelDispatch, AutoPicksTheWidestAndNamesParse) {
  EXPECT_EQ((*select_kernels(Isa::kAuto))->isa, supported_isas().front());
  EXPECT_EQ(*parse_isa("sse2"), Isa::kSse2);
  EXPECT_FALSE(parse_isa("avx9").ok());
}

}  // namespace
}  // namespace kiln::memtest
