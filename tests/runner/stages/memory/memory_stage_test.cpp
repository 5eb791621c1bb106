// memory stage: stress-ng --vm sizing, what its exit and log mean, EDAC per DIMM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/stage_harness.hpp"

namespace kiln::runner::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kMc = "/sys/devices/system/edac/mc/mc0";

struct MemoryHarness : StageHarness {
  MemoryHarness() {
    host.set_file("/proc/meminfo", "MemTotal:       16384000 kB\nMemAvailable:    8388608 kB\n");
    host.set_file("/proc/cpuinfo",
                  "processor\t: 0\nmodel name\t: X\n\nprocessor\t: 1\nmodel name\t: X\n");
    param("duration", "1s");
    param("edac_interval", "50ms");
    list_param("engine", {"stress-ng"});  // the kiln engine has its own test below
  }
  void clean_stress_ng() {
    host.on({"stress-ng", "--vm"},
            FakeHostAdapter::exited(0, "", test_data("stress-ng", "vmbig.err")));
  }
  void edac_tree() {
    host.set_file(std::string(kMc) + "/ce_count", "1\n");
    host.set_file(std::string(kMc) + "/ue_count", "0\n");
    for (auto [dimm, label] : {std::pair{"dimm0", "DIMM_A1"}, std::pair{"dimm1", "DIMM_B1"}}) {
      std::string dir = std::string(kMc) + "/" + dimm;
      host.set_file(dir + "/dimm_label", std::string(label) + "\n");
      host.set_file(dir + "/dimm_location", "channel 0 slot 0\n");
      host.set_file(dir + "/dimm_ce_count", std::string(dimm) == "dimm1" ? "1\n" : "0\n");
      host.set_file(dir + "/dimm_ue_count", "0\n");
    }
  }
};

TEST(MemoryStage, SizesStressNgFromMemAvailableLessReserve) {
  MemoryHarness h;
  h.clean_stress_ng();
  h.param("reserve_mib", "1024");
  h.param("share_percent", "50");
  EXPECT_EQ(h.run("memory"), Outcome::pass()) << h.errors();
  // (8 GiB - 1 GiB) * 50% = 3.5 GiB over 2 workers (one per CPU in /proc/cpuinfo).
  ASSERT_TRUE(h.host.ran({"stress-ng", "--vm", "2", "--vm-bytes", "1835008k"})) << h.logs();
  EXPECT_TRUE(h.host.ran(
      {"stress-ng", "--vm", "2", "--vm-bytes", "1835008k", "--vm-method", "all", "--verify"}));
  EXPECT_THAT(h.logs(), HasSubstr("no EDAC memory controller"));
}

TEST(MemoryStage, MaxMibCapsTheTestedMemory) {
  MemoryHarness h;
  h.clean_stress_ng();
  h.param("max_mib", "512");
  h.param("workers", "1");
  EXPECT_EQ(h.run("memory"), Outcome::pass()) << h.errors();
  EXPECT_TRUE(h.host.ran({"stress-ng", "--vm", "1", "--vm-bytes", "524288k"}));
}

TEST(MemoryStage, TooLittleAvailableIsAnErrorAndRunsNothing) {
  MemoryHarness h;
  h.clean_stress_ng();
  h.param("reserve_mib", "8192");
  EXPECT_EQ(h.run("memory"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("memory-too-little-available"));
  EXPECT_FALSE(h.host.ran({"stress-ng"}));
}

TEST(MemoryStage, StressNgExit2WithDeadWorkersIsErrorNotFail) {
  MemoryHarness h;
  h.host.on({"stress-ng"}, FakeHostAdapter::exited(2, "", test_data("stress-ng", "kill9.err")));
  EXPECT_EQ(h.run("memory"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("stress-ng-failed"));
  EXPECT_THAT(h.errors(), HasSubstr("exit 2"));
  EXPECT_EQ(h.failures(), "");
}

TEST(MemoryStage, StressNgKilledBySigkillIsError) {
  MemoryHarness h;
  h.host.on({"stress-ng"},
            FakeHostAdapter::killed(9, "stress-ng: info:  [1] dispatching hogs: 2 vm\n"));
  EXPECT_EQ(h.run("memory"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("tool-crashed"));
}

TEST(MemoryStage, StressNgTimeoutIsError) {
  MemoryHarness h;
  h.host.on({"stress-ng"}, FakeHostAdapter::timed_out());
  EXPECT_EQ(h.run("memory"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("tool-timeout"));
}

TEST(MemoryStage, ExitZeroWithoutSuccessLineIsError) {
  MemoryHarness h;
  h.host.on({"stress-ng"},
            FakeHostAdapter::exited(0, "", "stress-ng: info:  [1] dispatching hogs: 2 vm\n"));
  EXPECT_EQ(h.run("memory"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("stress-ng-unsuccessful"));
}

TEST(MemoryStage, VerifyFailureIsFailEvenWithExit2) {
  MemoryHarness h;
  h.host.on({"stress-ng"},
            FakeHostAdapter::exited(
                2, "",
                "stress-ng: info:  [7] dispatching hogs: 2 vm\n"
                "stress-ng: fail:  [9] vm: detected 3 bit errors while stressing memory\n"
                "stress-ng: info:  [7] unsuccessful run completed in 1.00s\n"));
  EXPECT_EQ(h.run("memory"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-MEM-VERIFY-FAILED",
                      "stress-ng read back different data than it wrote: vm: detected 3 bit errors "
                      "while stressing memory \u2014 run the memory stage again with EDAC enabled, "
                      "or memtest, to locate the DIMM");
}

TEST(MemoryStage, MissingStressNgIsError) {
  MemoryHarness h;
  EXPECT_EQ(h.run("memory"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("tool-missing"));
}

TEST(MemoryStage, CorrectedErrorsAboveLimitFailNamingTheDimm) {
  MemoryHarness h;
  h.edac_tree();
  h.config.limits["memory.edac_corrected_max"] = 2;
  h.host.on({"stress-ng"}, [&h](const CommandSpec&) {
    // Four corrected errors on DIMM_B1 while stress-ng runs.
    h.host.set_file(std::string(kMc) + "/dimm1/dimm_ce_count", "5\n");
    h.host.set_file(std::string(kMc) + "/ce_count", "5\n");
    return FakeHostAdapter::exited(0, "", test_data("stress-ng", "vmbig.err"));
  });
  EXPECT_EQ(h.run("memory"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-MEM-CORRECTED-ERRORS",
                      "DIMM DIMM_B1 (mc0/dimm1): 4 corrected memory errors during the stage; the "
                      "tender allows 2 \u2014 reseat or replace the DIMM (errors the controller "
                      "does not attribute: run memtest to locate it)");
  EXPECT_THAT(h.failures(), HasSubstr("[DIMM DIMM_B1 (mc0/dimm1)]"));
  EXPECT_THAT(h.failures(), Not(HasSubstr("DIMM_A1")));
  const auto* m = h.find_measurement("edac_corrected_errors", "DIMM_B1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(std::get<double>(m->value), 4.0);
  EXPECT_FALSE(m->passed());
}

TEST(MemoryStage, CorrectedErrorsWithinLimitPass) {
  MemoryHarness h;
  h.edac_tree();
  h.config.limits["memory.edac_corrected_max"] = 10;
  h.host.on({"stress-ng"}, [&h](const CommandSpec&) {
    h.host.set_file(std::string(kMc) + "/dimm0/dimm_ce_count", "3\n");
    return FakeHostAdapter::exited(0, "", test_data("stress-ng", "vmbig.err"));
  });
  EXPECT_EQ(h.run("memory"), Outcome::pass()) << h.failures() << h.errors();
  ASSERT_NE(h.find_measurement("edac_corrected_errors", "DIMM_A1"), nullptr);
}

TEST(MemoryStage, AnyUncorrectedErrorFailsWithoutAConfiguredLimit) {
  MemoryHarness h;
  h.edac_tree();
  h.host.on({"stress-ng"}, [&h](const CommandSpec&) {
    h.host.set_file(std::string(kMc) + "/dimm0/dimm_ue_count", "1\n");
    h.host.set_file(std::string(kMc) + "/ue_count", "1\n");
    return FakeHostAdapter::exited(0, "", test_data("stress-ng", "vmbig.err"));
  });
  EXPECT_EQ(h.run("memory"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-MEM-UNCORRECTED-ERRORS",
                      "DIMM DIMM_A1 (mc0/dimm0): 1 uncorrected memory error during the stage "
                      "\u2014 replace the DIMM (errors the controller does not attribute: run "
                      "memtest to locate it)");
}

TEST(MemoryStage, CsrowCountersNameTheCsrowAndItsLabels) {
  MemoryHarness h;
  h.config.limits["memory.edac_corrected_max"] = 0;
  h.host.set_file(std::string(kMc) + "/ce_count", "0\n");
  h.host.set_file(std::string(kMc) + "/ue_count", "0\n");
  h.host.set_file(std::string(kMc) + "/csrow3/ce_count", "0\n");
  h.host.set_file(std::string(kMc) + "/csrow3/ue_count", "0\n");
  h.host.set_file(std::string(kMc) + "/csrow3/ch0_dimm_label", "CPU0_DIMM_C1\n");
  h.host.on({"stress-ng"}, [&h](const CommandSpec&) {
    h.host.set_file(std::string(kMc) + "/csrow3/ce_count", "1\n");
    h.host.set_file(std::string(kMc) + "/ce_count", "1\n");
    return FakeHostAdapter::exited(0, "", test_data("stress-ng", "vmbig.err"));
  });
  EXPECT_EQ(h.run("memory"), Outcome::fail());
  EXPECT_THAT(h.failures(), HasSubstr("csrow 3 (mc0/csrow3, DIMM CPU0_DIMM_C1)"));
}

TEST(MemoryStage, ControllerErrorsNoDimmCountedAreStillJudged) {
  MemoryHarness h;
  h.edac_tree();
  h.host.on({"stress-ng"}, [&h](const CommandSpec&) {
    h.host.set_file(std::string(kMc) + "/ue_count", "2\n");  // ue_noinfo: no DIMM attributed
    return FakeHostAdapter::exited(0, "", test_data("stress-ng", "vmbig.err"));
  });
  EXPECT_EQ(h.run("memory"), Outcome::fail());
  EXPECT_THAT(h.failures(), HasSubstr("memory controller mc0 (errors not attributed to a DIMM)"));
}

TEST(MemoryStage, KilnEngineRunsAfterStressNgAndReportsItsFigures) {
  MemoryHarness h;
  h.clean_stress_ng();
  h.list_param("engine", {"stress-ng", "kiln"});
  h.param("memtest_size_mib", "4");
  h.list_param("memtest_patterns", {"solid_bits", "moving_inversions"});
  EXPECT_EQ(h.run("memory"), Outcome::pass());
  auto has = [&](const std::string& name) {
    for (const auto& m : h.record.measurements) {
      if (m.name == name) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("memory_tested"));
  EXPECT_TRUE(has("memtest_bytes_tested"));
  EXPECT_TRUE(has("memtest_mismatches"));
}

TEST(MemoryStage, UnknownEngineIsAnError) {
  MemoryHarness h;
  h.list_param("engine", {"memtest86"});
  EXPECT_EQ(h.run("memory"), Outcome::error());
  ASSERT_FALSE(h.record.errors.empty());
  EXPECT_THAT(h.record.errors[0].message, HasSubstr("unknown memory engine 'memtest86'"));
}

}  // namespace
}  // namespace kiln::runner::testing
