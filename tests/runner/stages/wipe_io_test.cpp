// The overwrite pass, sample placement and the decommission gate.
#include "stages/wipe_io.hpp"

#include <gtest/gtest.h>

#include "runner/fake_host.hpp"
#include "stages/decommission_gate.hpp"

namespace kiln::runner {
namespace {

TEST(FillPattern, NamesAndHexAndErrors) {
  auto zeros = parse_fill_pattern("zeros");
  ASSERT_TRUE(zeros.ok());
  EXPECT_EQ(zeros->bytes, std::vector<std::byte>{std::byte{0}});
  auto hex = parse_fill_pattern("hex:A55a");
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(hex->bytes, (std::vector<std::byte>{std::byte{0xa5}, std::byte{0x5a}}));
  EXPECT_FALSE(parse_fill_pattern("hex:abc").ok());     // odd digits
  EXPECT_FALSE(parse_fill_pattern("hex:zz").ok());      // not hex
  EXPECT_FALSE(parse_fill_pattern("hex:010203").ok());  // 3 bytes do not divide 512
  EXPECT_FALSE(parse_fill_pattern("random").ok());
}

TEST(VerificationChunks, SampleAlwaysHoldsFirstAndLastMiBSpreadAndSorted) {
  const std::uint64_t size = 10ULL * 1024 * kMiB + 512;  // 10 GiB and a sector: not MiB aligned
  auto chunks = verification_chunks(size, false, 1.0, kMiB, 42);
  ASSERT_GE(chunks.size(), 100U);
  EXPECT_EQ(chunks.front().offset, 0U);
  EXPECT_EQ(chunks.back().offset + chunks.back().length, size);
  std::uint64_t covered = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    covered += chunks[i].length;
    EXPECT_EQ(chunks[i].offset % 512, 0U);
    if (i > 0 && i + 1 < chunks.size()) {
      EXPECT_EQ(chunks[i].offset % 4096, 0U);
    }
    if (i > 0) {
      EXPECT_GE(chunks[i].offset, chunks[i - 1].offset + chunks[i - 1].length);
    }
  }
  EXPECT_NEAR(static_cast<double>(covered) / static_cast<double>(size), 0.01, 0.002);
  // Spread over the whole device: a chunk in every tenth of it.
  for (int tenth = 0; tenth < 10; ++tenth) {
    std::uint64_t lo = size / 10 * tenth;
    std::uint64_t hi = size / 10 * (tenth + 1);
    EXPECT_TRUE(std::any_of(chunks.begin(), chunks.end(),
                            [&](const Chunk& c) { return c.offset >= lo && c.offset < hi; }))
        << "no chunk in tenth " << tenth;
  }
  EXPECT_NE(verification_chunks(size, false, 1.0, kMiB, 43)[1].offset,
            chunks[1].offset);  // seeded jitter
}

TEST(VerificationChunks, FullCoversEveryByteOnce) {
  auto chunks = verification_chunks(5 * kMiB + 4096, true, 1.0, kMiB, 1);
  ASSERT_EQ(chunks.size(), 6U);
  EXPECT_EQ(chunks.back().length, 4096U);
  EXPECT_TRUE(verification_chunks(0, false, 1.0, kMiB, 1).empty());
}

TEST(OverwriteAndVerify, PatternWrittenEverywhereAndStopHonoured) {
  testing::FakeHostAdapter host;
  auto disk = host.add_block_device("/dev/x", 3 * kMiB + 512, std::byte{0x77});
  auto dev = host.open_block_device("/dev/x", true);
  ASSERT_TRUE(dev.ok());
  auto pattern = parse_fill_pattern("ones");
  auto written = overwrite_device(**dev, *pattern, kMiB, {});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->bytes_written, 3 * kMiB + 512);
  EXPECT_TRUE(std::all_of(disk->bytes.begin(), disk->bytes.end(),
                          [](std::byte b) { return b == std::byte{0xff}; }));
  auto chunks = verification_chunks((*dev)->size_bytes(), true, 100, kMiB, 0);
  auto verified = verify_device(**dev, chunks, &*pattern, nullptr, {});
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->mismatched_bytes, 0U);
  EXPECT_EQ(verified->bytes_verified, 3 * kMiB + 512);
  auto stopped = overwrite_device(**dev, *pattern, kMiB, [](double) { return false; });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().code, "KILN-WIPE-STOPPED");
}

TEST(DecommissionGate, StandaloneOrchestratedAndBurnIn) {
  DecommissionRequest r;
  r.mode = "burnin";
  r.i_know_this_wipes = true;
  EXPECT_FALSE(decide_decommission(r).confirmed);
  EXPECT_NE(decide_decommission(r).refusal.find("burn-in mode"), std::string::npos);
  r.mode = "decommission";
  EXPECT_TRUE(decide_decommission(r).confirmed);
  r.i_know_this_wipes = false;
  EXPECT_FALSE(decide_decommission(r).confirmed);
  r.with_orchestrator = true;
  r.i_know_this_wipes = true;  // does not replace the directive
  EXPECT_FALSE(decide_decommission(r).confirmed);
  r.directive = nlohmann::json{{"mode", "burnin"}, {"decommission_go_ahead", true}};
  EXPECT_FALSE(decide_decommission(r).confirmed);
  r.directive = nlohmann::json{{"mode", "decommission"}, {"decommission_go_ahead", false}};
  EXPECT_FALSE(decide_decommission(r).confirmed);
  r.directive = nlohmann::json{{"mode", "decommission"}, {"decommission_go_ahead", true}};
  EXPECT_TRUE(decide_decommission(r).confirmed);
  r.mode = "burnin";  // the image booted in burn-in mode: the directive cannot override it
  EXPECT_FALSE(decide_decommission(r).confirmed);
}

}  // namespace
}  // namespace kiln::runner
