#include "tools/badblocks.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

TEST(BadblocksArgv, Modes) {
  BadblocksSpec spec;
  spec.device = "/dev/sdb";
  spec.mode = BadblocksMode::kDestructiveWrite;
  spec.passes = 2;
  spec.output_file = "/run/kiln/sdb.bb";
  EXPECT_EQ(badblocks_argv(spec),
            (std::vector<std::string>{"badblocks", "-wsv", "-b", "4096", "-p", "2", "-o",
                                      "/run/kiln/sdb.bb", "/dev/sdb"}));
  spec.mode = BadblocksMode::kNonDestructive;
  spec.output_file.clear();
  spec.patterns = {"0xaa", "random"};
  EXPECT_EQ(badblocks_argv(spec),
            (std::vector<std::string>{"badblocks", "-nsv", "-b", "4096", "-p", "2", "-t", "0xaa",
                                      "-t", "random", "/dev/sdb"}));
}

TEST(Badblocks, CleanRigRunWithBackspaces) {
  auto r = parse_badblocks(data_file("badblocks", "bb.out"), data_file("badblocks", "bb.err"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->completed);
  EXPECT_EQ(r->reported_count, 0U);
  EXPECT_TRUE(r->bad_blocks.empty());
  EXPECT_TRUE(r->error_breakdown_known);
  EXPECT_EQ(r->bad_block_count(), 0U);
}

TEST(Badblocks, ExitZeroWithTwentyBadBlocks) {
  // badblocks exits 0 here: only the output says the disk is bad.
  auto r = parse_badblocks(
      "", data_file("badblocks", "davetang-nvme-v-20-bad-blocks-4-block-clusters-read-errors.txt"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->completed);
  EXPECT_EQ(r->reported_count, 20U);
  ASSERT_EQ(r->bad_blocks.size(), 20U);  // the first one glued to the stderr prefix
  EXPECT_EQ(r->bad_blocks.front(), 120589728U);
  EXPECT_EQ(r->bad_blocks.back(), 481071787U);
  EXPECT_EQ(r->read_errors, 20U);
  EXPECT_EQ(r->write_errors, 0U);
  EXPECT_EQ(r->corruption_errors, 0U);
  EXPECT_EQ(r->bad_block_count(), 20U);
}

TEST(Badblocks, SeparateStreams) {
  auto r = parse_badblocks(
      "1024\n2048\n",
      "Checking for bad blocks in read-write mode\nFrom block 0 to 16383\n"
      "Testing with pattern 0xaa:   0.00% done, 0:00 elapsed. (0/0/0 errors)"
      "\b\b\b\b\b\b\b\b\b\bdone\nPass completed, 2 bad blocks found. (0/0/2 errors)\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->bad_blocks, (std::vector<std::uint64_t>{1024, 2048}));
  EXPECT_EQ(r->corruption_errors, 2U);
  EXPECT_TRUE(r->completed);
}

TEST(Badblocks, GarbledProgressCountsButListIsShort) {
  auto r = parse_badblocks(
      "", data_file("badblocks", "e2fsprogs-pr151-vv-two-bad-blocks-garbled-progress.txt"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->completed);
  EXPECT_EQ(r->reported_count, 2U);
  EXPECT_TRUE(r->bad_blocks.empty());  // "102450% done": block and progress glued, not guessed
  EXPECT_EQ(r->bad_block_count(), 2U);
}

TEST(Badblocks, OldFormatWithKernelMessages) {
  auto r = parse_badblocks(
      "", data_file("badblocks",
                    "lkml-2001-n-vv-hdc5-3-bad-blocks-kernel-msgs-interleaved-old-format.txt"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->completed);
  EXPECT_EQ(r->reported_count, 3U);
  EXPECT_FALSE(r->error_breakdown_known);
  EXPECT_EQ(r->bad_blocks, (std::vector<std::uint64_t>{9671065, 9671066}));
  EXPECT_EQ(r->bad_block_count(), 3U);
}

TEST(Badblocks, TruncatedEmptyGarbage) {
  std::string text =
      data_file("badblocks", "davetang-nvme-v-20-bad-blocks-4-block-clusters-read-errors.txt");
  auto half = parse_badblocks("", testing::first_half(text));
  ASSERT_TRUE(half.ok());
  EXPECT_FALSE(half->completed);
  EXPECT_FALSE(half->reported_count.has_value());
  EXPECT_FALSE(half->bad_blocks.empty());

  auto empty = parse_badblocks("", "  \n");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "KILN-PARSE-BADBLOCKS");

  auto garbage = parse_badblocks("\x01\xff\b\b\r99999999999999999999999\n", "Pass completed, x");
  ASSERT_TRUE(garbage.ok());
  EXPECT_TRUE(garbage->bad_blocks.empty());  // overflowing number ignored
  EXPECT_FALSE(garbage->reported_count.has_value());
}

}  // namespace
}  // namespace kiln::tools
