// The overwrite pass, sample placement and the decommission gate.
#include "stages/disk_wipe/wipe_io.hpp"

#include <gtest/gtest.h>

#include <set>

#include "runner/fake_host.hpp"
#include "stage/decommission_gate.hpp"

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
  EXPECT_FALSE(parse_fill_pattern("randomly").ok());
  auto random = parse_fill_pattern("random");
  ASSERT_TRUE(random.ok());
  EXPECT_TRUE(random->random);
  EXPECT_TRUE(random->bytes.empty());
  random->seed = 0x1234;
  EXPECT_EQ(random->description(), "random (splitmix64, seed 0x0000000000001234)");
  EXPECT_EQ(hex->description(), "hex:A55a");
}

std::uint64_t le_word(const std::byte* p) {
  std::uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<std::uint64_t>(p[b]);
  return v;
}

// The documented generator: SplitMix64's reference outputs for seed 0, little-endian.
TEST(RandomStream, IsSplitMix64SoAnyToolCanRegenerateIt) {
  std::byte out[24];
  fill_random_stream(0, 0, out, sizeof out);
  EXPECT_EQ(le_word(out), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(le_word(out + 8), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(le_word(out + 16), 0x06c45d188009454fULL);
}

// Any slice at any offset is the same bytes as the whole stream there: the
// read-back of a sample chunk regenerates exactly what the overwrite wrote.
TEST(RandomStream, RandomAccessAtAnyOffsetMatchesTheWholeStream) {
  std::vector<std::byte> whole(8192);
  fill_random_stream(42, 0, whole.data(), whole.size());
  for (std::uint64_t from : {0ULL, 1ULL, 7ULL, 8ULL, 13ULL, 511ULL, 4096ULL, 8190ULL}) {
    for (std::size_t len : {std::size_t{1}, std::size_t{2}, std::size_t{9}, std::size_t{100}}) {
      if (from + len > whole.size()) continue;
      std::vector<std::byte> part(len);
      fill_random_stream(42, from, part.data(), len);
      EXPECT_TRUE(std::equal(part.begin(), part.end(), whole.begin() + static_cast<long>(from)))
          << "offset " << from << " length " << len;
    }
  }
  FillPattern p{"random", {}, true, 42};
  std::vector<std::byte> via_pattern(4096);
  p.fill_at(4096, via_pattern.data(), via_pattern.size());
  EXPECT_TRUE(std::equal(via_pattern.begin(), via_pattern.end(), whole.begin() + 4096));
  // Another seed is another stream; no byte value missing, no two sectors alike.
  std::vector<std::byte> other(8192);
  fill_random_stream(43, 0, other.data(), other.size());
  EXPECT_NE(whole, other);
  std::set<std::byte> values(whole.begin(), whole.end());
  EXPECT_EQ(values.size(), 256U);
  std::set<std::vector<std::byte>> sectors;
  for (std::size_t i = 0; i < whole.size(); i += 512)
    sectors.emplace(whole.begin() + static_cast<long>(i), whole.begin() + static_cast<long>(i + 512));
  EXPECT_EQ(sectors.size(), whole.size() / 512);
}

TEST(FillPattern, AFixedPatternKeepsItsPhaseAtAnyOffset) {
  auto hex = parse_fill_pattern("hex:01020304");
  std::byte out[6];
  hex->fill_at(6, out, sizeof out);  // 6 % 4 = 2: starts at the third byte
  EXPECT_EQ(out[0], std::byte{3});
  EXPECT_EQ(out[1], std::byte{4});
  EXPECT_EQ(out[2], std::byte{1});
  EXPECT_EQ(out[5], std::byte{4});
}

// Overwrite with the random stream, read back full and sampled; one byte the
// disk did not take is a mismatch at exactly its offset, with the expected
// byte from the regenerated stream.
TEST(OverwriteAndVerify, RandomStreamIsWrittenRegeneratedAndAMismatchNamesItsOffset) {
  testing::FakeHostAdapter host;
  const std::uint64_t size = 5 * kMiB + 512;
  auto disk = host.add_block_device("/dev/r", size, std::byte{0x77});
  auto dev = host.open_block_device("/dev/r", true);
  ASSERT_TRUE(dev.ok());
  FillPattern pattern{"random", {}, true, 0xfeedface12345678ULL};
  auto written = overwrite_device(**dev, pattern, kMiB, {});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->bytes_written, size);
  std::vector<std::byte> expected(size);
  fill_random_stream(pattern.seed, 0, expected.data(), expected.size());
  EXPECT_TRUE(disk->bytes == expected);  // every block its own part of the stream
  for (bool full : {true, false}) {
    auto chunks = verification_chunks(size, full, 40, kMiB, 7);
    auto verified = verify_device(**dev, chunks, &pattern, nullptr, {});
    ASSERT_TRUE(verified.ok());
    EXPECT_EQ(verified->mismatched_bytes, 0U) << (full ? "full" : "sample");
  }
  // Another seed does not verify: the read-back really compares against the stream.
  FillPattern other = pattern;
  other.seed ^= 1;
  auto wrong = verify_device(**dev, verification_chunks(size, true, 100, kMiB, 0), &other,
                             nullptr, {});
  ASSERT_TRUE(wrong.ok());
  EXPECT_GT(wrong->mismatched_bytes, size / 2);
  // One byte changed after the wipe (in the last MiB, which a sample always reads).
  const std::uint64_t bad = size - 4000;
  disk->bytes[bad] = ~expected[bad];
  for (bool full : {true, false}) {
    auto chunks = verification_chunks(size, full, 1, kMiB, 9);
    auto verified = verify_device(**dev, chunks, &pattern, nullptr, {});
    ASSERT_TRUE(verified.ok());
    EXPECT_EQ(verified->mismatched_bytes, 1U);
    ASSERT_TRUE(verified->first_mismatch.has_value());
    EXPECT_EQ(*verified->first_mismatch, bad);
    EXPECT_EQ(verified->expected, static_cast<int>(expected[bad]));
    EXPECT_EQ(verified->found, static_cast<int>(~expected[bad]));
  }
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
