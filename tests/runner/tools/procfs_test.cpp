// The procfs parsers on this machine's own /proc and /sys files, and on what
// a truncated or odd file looks like.
#include "tools/procfs.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

TEST(Procfs, MeminfoKeysInKib) {
  const auto text = testing::data_file("procfs", "meminfo-kiln-rig-debian12.txt");
  EXPECT_EQ(meminfo_kib(text, "MemTotal"), 24683568U);
  EXPECT_EQ(meminfo_kib(text, "MemAvailable"), 23978928U);
  EXPECT_EQ(meminfo_kib(text, "Hugepagesize"), 2048U);
  EXPECT_EQ(meminfo_kib(text, "HugePages_Total"), 0U);  // a count, printed without "kB"
  EXPECT_EQ(meminfo_kib(text, "Mem"), std::nullopt);    // a key is matched whole
  EXPECT_EQ(meminfo_kib(text, "MemAvail"), std::nullopt);
}

TEST(Procfs, NodeMeminfoHasTheNodeBeforeEachKey) {
  const auto text = testing::data_file("procfs", "node0-meminfo-kiln-rig-debian12.txt");
  EXPECT_EQ(meminfo_kib(text, "MemFree"), 6020792U);
  EXPECT_EQ(meminfo_kib(text, "MemTotal"), 14247656U);
}

TEST(Procfs, MeminfoValueThatIsNotKibIsRefused) {
  EXPECT_EQ(meminfo_kib("MemAvailable: lots\n", "MemAvailable"), std::nullopt);
  EXPECT_EQ(meminfo_kib("MemAvailable: 12 MB\n", "MemAvailable"), std::nullopt);
  EXPECT_EQ(meminfo_kib("MemAvailable:\n", "MemAvailable"), std::nullopt);
  EXPECT_EQ(meminfo_kib("MemAvailable: 12 kB extra\n", "MemAvailable"), std::nullopt);
  EXPECT_EQ(meminfo_kib("MemAvail", "MemAvailable"), std::nullopt);  // truncated
  EXPECT_EQ(meminfo_kib("", "MemTotal"), std::nullopt);
}

TEST(Procfs, CpuinfoFrequencyOfEachCpu) {
  const auto text = testing::data_file("procfs", "cpuinfo-kiln-rig-debian12.txt");
  EXPECT_EQ(cpuinfo_mhz(text), (std::vector<double>{2596.096, 2596.096}));
  EXPECT_EQ(cpuinfo_mhz("cpu MHz\t\t: fast\ncpu MHz : 1200.5\ncpu MHz\n"),
            std::vector<double>{1200.5});
}

}  // namespace
}  // namespace kiln::tools
