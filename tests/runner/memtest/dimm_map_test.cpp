// DIMM labels from a fake EDAC sysfs tree in a temporary directory.
#include "memtest/dimm_map.hpp"

#include <gtest/gtest.h>

#include "fake_memtest_host.hpp"
#include "memtest/memtest.hpp"

namespace kiln::memtest {
namespace {

using testing::rooted_host;
using testing::TempDir;

constexpr const char* kMc = "sys/devices/system/edac/mc/";

void write_dimm(const TempDir& root, const std::string& name, const std::string& label,
                const std::string& size_mb, const std::string& ce = "0") {
  const std::string dir = std::string(kMc) + name + "/";
  root.write(dir + "dimm_label", label + "\n");
  root.write(dir + "dimm_location", "channel 0 slot 0\n");
  root.write(dir + "size", size_mb + "\n");
  root.write(dir + "dimm_ce_count", ce + "\n");
  root.write(dir + "dimm_ue_count", "0\n");
}

TEST(DimmMap, ReadsTheEdacInventory) {
  TempDir root;
  write_dimm(root, "mc0/dimm0", "CPU0_DIMM_A1", "16384", "3");
  write_dimm(root, "mc0/dimm1", "CPU0_DIMM_A2", "0");
  root.write(std::string(kMc) + "mc0/mc_name", "ghes_edac\n");
  const DimmMap map = DimmMap::load(rooted_host(root.path()), {});
  ASSERT_EQ(map.dimms().size(), 2U);
  EXPECT_EQ(map.dimms()[0].name, "mc0/dimm0");
  EXPECT_EQ(map.dimms()[0].label, "CPU0_DIMM_A1");
  EXPECT_EQ(map.dimms()[0].location, "channel 0 slot 0");
  EXPECT_EQ(map.dimms()[0].size_mb, 16384U);
  EXPECT_EQ(map.dimms()[0].ce_count, 3U);
}

TEST(DimmMap, ASinglePopulatedDimmHoldsEveryAddress) {
  TempDir root;
  write_dimm(root, "mc0/dimm0", "CPU0_DIMM_A1", "16384");
  write_dimm(root, "mc0/dimm1", "CPU0_DIMM_A2", "0");  // empty slot
  const DimmMap map = DimmMap::load(rooted_host(root.path()), {});
  EXPECT_EQ(map.label_for(0x12345678), "CPU0_DIMM_A1");
  EXPECT_EQ(map.label_for(0), kUnknownDimm);  // physical address unknown
}

TEST(DimmMap, SeveralDimmsWithoutAConfiguredMapAreUnknown) {
  TempDir root;
  write_dimm(root, "mc0/dimm0", "CPU0_DIMM_A1", "16384");
  write_dimm(root, "mc1/dimm0", "CPU1_DIMM_A1", "16384");
  const DimmMap map = DimmMap::load(rooted_host(root.path()), {});
  EXPECT_EQ(map.label_for(0x12345678), kUnknownDimm);
  EXPECT_NE(map.describe().find("no address ranges"), std::string::npos);
}

TEST(DimmMap, ConfiguredRangesNameDimmsByLabelOrEdacName) {
  TempDir root;
  write_dimm(root, "mc0/dimm0", "CPU0_DIMM_A1", "16384");
  write_dimm(root, "mc1/dimm0", "CPU1_DIMM_A1", "16384");
  const DimmMap map =
      DimmMap::load(rooted_host(root.path()),
                    {{0x0, 0x400000000, "mc0/dimm0"}, {0x400000000, 0x800000000, "SLOT_B1"}});
  EXPECT_EQ(map.label_for(0x1000), "CPU0_DIMM_A1 (mc0/dimm0)");
  EXPECT_EQ(map.label_for(0x400000000), "SLOT_B1");
  EXPECT_EQ(map.label_for(0x900000000), kUnknownDimm);
}

TEST(DimmMap, LegacyCsrowLayoutAndRankDirectories) {
  TempDir root;
  const std::string csrow = std::string(kMc) + "mc0/csrow0/";
  root.write(csrow + "size_mb", "8192\n");
  root.write(csrow + "ue_count", "1\n");
  root.write(csrow + "ch0_dimm_label", "DIMM_0\n");
  root.write(csrow + "ch0_ce_count", "5\n");
  write_dimm(root, "mc1/rank0", "", "0");
  const DimmMap map = DimmMap::load(rooted_host(root.path()), {});
  ASSERT_EQ(map.dimms().size(), 2U);
  EXPECT_EQ(map.dimms()[0].name, "mc0/csrow0/ch0");
  EXPECT_EQ(map.dimms()[0].label, "DIMM_0");
  EXPECT_EQ(map.dimms()[0].ce_count, 5U);
  EXPECT_EQ(map.dimms()[0].ue_count, 1U);
  EXPECT_EQ(map.dimms()[1].display(), "mc1/rank0");
  EXPECT_EQ(map.label_for(0x1000), "DIMM_0");
}

// ghes_edac and others show the same memory as dimmN/ and as csrowN/ (the
// ThunderX2 tree in ../shared/real-outputs/edac does): the DIMMs count once.
TEST(DimmMap, DimmDirectoriesWinOverTheSameControllersCsrows) {
  TempDir root;
  write_dimm(root, "mc0/dimm0", "N0 DIMM_A0", "16384", "2");
  const std::string csrow = std::string(kMc) + "mc0/csrow0/";
  root.write(csrow + "size_mb", "16384\n");
  root.write(csrow + "ch0_dimm_label", "N0 DIMM_A0\n");
  root.write(csrow + "ch0_ce_count", "2\n");
  const DimmMap map = DimmMap::load(rooted_host(root.path()), {});
  ASSERT_EQ(map.dimms().size(), 1U);
  EXPECT_EQ(map.dimms()[0].name, "mc0/dimm0");
  EXPECT_EQ(map.label_for(0x1000), "N0 DIMM_A0");  // the single populated DIMM
}

TEST(DimmMap, NoEdacTreeMeansUnknown) {
  TempDir root;
  const DimmMap map = DimmMap::load(rooted_host(root.path()), {});
  EXPECT_TRUE(map.dimms().empty());
  EXPECT_EQ(map.label_for(0x1000), kUnknownDimm);
}

TEST(DimmMap, EngineLabelsFaultsFromTheTree) {
  TempDir root;
  write_dimm(root, "mc0/dimm0", "CPU0_DIMM_A1", "16384");
  MemtestOptions options;
  options.bytes = 1U << 20;
  options.max_threads = 1;
  options.patterns = {"checkerboard"};
  options.lock_memory = false;
  MemtestHooks hooks;
  hooks.host = rooted_host(root.path());
  hooks.inject = make_bit_flipper({{64, 3}});
  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->faults.size(), 1U);
  EXPECT_EQ(report->faults[0].dimm, "CPU0_DIMM_A1");
}

}  // namespace
}  // namespace kiln::memtest
