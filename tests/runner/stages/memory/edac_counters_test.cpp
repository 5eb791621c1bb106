// EDAC trees as real kernels lay them out.
#include "stages/memory/edac_counters.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/fake_host.hpp"

namespace kiln::runner::testing {
namespace {

TEST(EdacCounters, RankDirectoriesAreDimms) {
  // edac-utils issue 15: rankN/dimm_ce_count (no dimmN) on skx_edac.
  FakeHostAdapter host;
  host.set_file("/sys/devices/system/edac/mc/mc0/ce_count", "1\n");
  host.set_file("/sys/devices/system/edac/mc/mc0/rank0/dimm_ce_count", "0\n");
  host.set_file("/sys/devices/system/edac/mc/mc0/rank4/dimm_ce_count", "1\n");
  host.set_file("/sys/devices/system/edac/mc/mc0/rank4/dimm_label",
                "CPU_SrcID#0_MC#0_Chan#2_DIMM#0\n");
  auto snap = read_edac(host);
  EXPECT_TRUE(snap.present);
  ASSERT_TRUE(snap.units.contains("mc0/rank4"));
  EXPECT_EQ(snap.units["mc0/rank4"].ce, 1U);
  EXPECT_EQ(describe_unit(snap.units["mc0/rank4"]),
            "DIMM CPU_SrcID#0_MC#0_Chan#2_DIMM#0 (mc0/rank4)");
}

TEST(EdacCounters, NoEdacIsNotPresent) {
  FakeHostAdapter host;
  EXPECT_FALSE(read_edac(host).present);
}

TEST(EdacCounters, CounterResetCountsAsNoGrowth) {
  EdacSnapshot before;
  before.present = true;
  before.units["mc0/dimm0"] = EdacUnit{"mc0/dimm0", "A1", "", 10, 0};
  EdacSnapshot after = before;
  after.units["mc0/dimm0"].ce = 0;
  EXPECT_TRUE(edac_changes(before, after).empty());
}

}  // namespace
}  // namespace kiln::runner::testing
