// badblocks progress from its log.
#include "stages/disk/badblocks_progress.hpp"

#include <gtest/gtest.h>

namespace kiln::runner::testing {
namespace {

TEST(BadblocksProgress, CountsPhasesOfAWriteScan) {
  BadblocksProgress p("/nonexistent", BadblocksProgress::expected_phases(
                                          tools::BadblocksMode::kDestructiveWrite, 0, 1));
  p.consume(
      "Checking for bad blocks in read-write mode\nFrom block 0 to 16383\nTesting with pattern "
      "0xaa:  50.00% done");
  EXPECT_DOUBLE_EQ(p.fraction(), 0.5 / 8);
  p.consume("\b\b\b\bdone\nReading and comparing:  25.00% done, 0:01 elapsed");
  EXPECT_DOUBLE_EQ(p.fraction(), 1.25 / 8);
}

}  // namespace
}  // namespace kiln::runner::testing
