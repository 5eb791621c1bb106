// cpu stage: stress-ng --cpu outcomes, BMC sensors and SEL, throttle counters, frequency.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/stage_harness.hpp"

namespace kiln::runner::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kNoBmc =
    "Could not open device at /dev/ipmi0 or /dev/ipmi/0 or /dev/ipmidev/0: No such file or "
    "directory\n";

std::string first_lines(const std::string& text, int n) {
  std::size_t at = 0;
  for (int i = 0; i < n && at != std::string::npos; ++i) at = text.find('\n', at + 1);
  return at == std::string::npos ? text : text.substr(0, at + 1);
}

struct CpuHarness : StageHarness {
  CpuHarness() {
    param("duration", "1s");
    param("sample_interval", "20ms");
    list_param("methods", {"matrixprod"});
    for (int cpu = 0; cpu < 2; ++cpu) {
      std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu);
      host.set_file(dir + "/cpufreq/scaling_cur_freq", cpu == 0 ? "2400000\n" : "2600000\n");
    }
  }
  void clean_stress_ng() {
    host.on({"stress-ng", "--cpu"},
            FakeHostAdapter::exited(0, "", test_data("stress-ng", "cpu-verify.out")));
  }
  void no_bmc() { host.on({"ipmitool"}, FakeHostAdapter::exited(1, "", kNoBmc)); }
  void healthy_sensors() {
    host.on({"ipmitool", "sdr", "elist"},
            FakeHostAdapter::exited(0,
                                    "CPU1 Temp        | 01h | ok  |  3.1 | 45 degrees C\n"
                                    "FAN1             | 30h | ok  | 29.1 | 8400 RPM\n"));
  }
  void empty_sel() {
    host.on({"ipmitool", "sel", "elist"}, FakeHostAdapter::exited(0, "SEL has no entries\n"));
  }
};

TEST(CpuStage, CleanRunWithoutBmcPassesWithAWarning) {
  CpuHarness h;
  h.clean_stress_ng();
  h.no_bmc();
  EXPECT_EQ(h.run("cpu"), Outcome::pass()) << h.errors() << h.failures();
  EXPECT_THAT(h.logs(), HasSubstr("no BMC reachable"));
  EXPECT_THAT(h.logs(), HasSubstr("sensors and SEL are not checked"));
  EXPECT_TRUE(h.host.ran({"stress-ng", "--cpu", "0", "--cpu-method", "matrixprod", "--verify"}));
  EXPECT_NE(h.find_measurement("stress_ng_cpu_matrixprod_bogo_ops_per_s"), nullptr);
}

TEST(CpuStage, RequireBmcMakesAnUnreachableBmcAnError) {
  CpuHarness h;
  h.clean_stress_ng();
  h.no_bmc();
  h.param("require_bmc", "true");
  EXPECT_EQ(h.run("cpu"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("bmc-unreachable"));
}

TEST(CpuStage, EachMethodRunsForItsShareOfTheDuration) {
  CpuHarness h;
  h.clean_stress_ng();
  h.no_bmc();
  h.param("duration", "10s");
  h.list_param("methods", {"matrixprod", "int64"});
  EXPECT_EQ(h.run("cpu"), Outcome::pass()) << h.errors();
  EXPECT_TRUE(h.host.ran(
      {"stress-ng", "--cpu", "0", "--cpu-method", "matrixprod", "--verify", "--timeout", "5s"}));
  EXPECT_TRUE(h.host.ran(
      {"stress-ng", "--cpu", "0", "--cpu-method", "int64", "--verify", "--timeout", "5s"}));
}

TEST(CpuStage, DeadFanFailsNamingTheSensor) {
  CpuHarness h;
  h.clean_stress_ng();
  h.host.on({"ipmitool", "sdr", "elist"},
            FakeHostAdapter::exited(
                0, test_data("ipmitool-sdr", "dell-r320-sdr-list-full-two-dead-fans-cr.txt")));
  h.host.on({"ipmitool", "sel", "elist"}, FakeHostAdapter::exited(0, "SEL has no entries\n"));
  EXPECT_EQ(h.run("cpu"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-BMC-SENSOR-CRITICAL",
                      "sensor Fan3B crossed its critical threshold under load: reading 0 RPM, "
                      "status cr \u2014 inspect the part the sensor watches (a fan at 0 RPM is "
                      "dead; a hot CPU or DIMM: airflow and heatsink)");
  EXPECT_THAT(h.failures(), HasSubstr("KILN-BMC-SENSOR-CRITICAL [sensor Fan4B]"));
  EXPECT_EQ(h.errors(), "");
}

TEST(CpuStage, SensorCrossingDuringTheRunFails) {
  CpuHarness h;
  h.healthy_sensors();
  h.empty_sel();
  // The first reading is healthy; later ones show the CPU past its critical threshold.
  h.host.on({"ipmitool", "sdr", "elist"},
            FakeHostAdapter::exited(0,
                                    "CPU1 Temp        | 01h | cr  |  3.1 | 99 degrees C\n"
                                    "FAN1             | 30h | ok  | 29.1 | 8400 RPM\n"));
  h.host.on({"stress-ng", "--cpu"}, [](const CommandSpec&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the sampler read
    return FakeHostAdapter::exited(0, "", test_data("stress-ng", "cpu-verify.out"));
  });
  EXPECT_EQ(h.run("cpu"), Outcome::fail());
  EXPECT_THAT(h.failures(), HasSubstr("KILN-BMC-SENSOR-CRITICAL [sensor CPU1 Temp]: sensor CPU1 "
                                      "Temp crossed its critical threshold under load: reading "
                                      "99 degrees C, status cr"));
  const auto* temp = h.find_measurement("sensor_max", "CPU1 Temp");
  ASSERT_NE(temp, nullptr);
  EXPECT_EQ(std::get<double>(temp->value), 99.0);
}

TEST(CpuStage, NewCriticalSelEntryFails) {
  CpuHarness h;
  h.clean_stress_ng();
  h.healthy_sensors();
  std::string sel =
      test_data("ipmitool-sel", "supermicro-chassis-intrusion-psu-failure-unknown-0xff-elist.txt");
  h.host.on({"ipmitool", "sel", "elist"}, FakeHostAdapter::exited(0, first_lines(sel, 8)));
  h.host.on({"ipmitool", "sel", "elist"}, FakeHostAdapter::exited(0, sel));
  EXPECT_EQ(h.run("cpu"), Outcome::fail());
  KILN_EXPECT_FAILURE(
      h.record, "KILN-SEL-CRITICAL-EVENT",
      "the BMC logged a critical event during the stage: Power Supply PS1 Status: "
      "Failure detected () (Asserted, 08/17/2019 02:31:44) \u2014 inspect the "
      "part the event names (`ipmitool sel elist` on the node shows the whole log)");
  EXPECT_EQ(h.record.diagnoses[0].component, "SEL Power Supply PS1 Status");
  EXPECT_THAT(h.failures(), ::testing::Not(HasSubstr("Chassis Intru")));  // old entries are not new
}

TEST(CpuStage, BlankSelOutputIsAnEmptySel) {
  // ipmi_sim prints nothing for an empty SEL; entries appearing later are still judged.
  CpuHarness h;
  h.clean_stress_ng();
  h.healthy_sensors();
  h.host.on({"ipmitool", "sel", "elist"}, FakeHostAdapter::exited(0, ""));
  h.host.on({"ipmitool", "sel", "elist"},
            FakeHostAdapter::exited(0,
                                    "   1 | 08/17/2019 | 02:31:44 | Power Supply PS1 Status | "
                                    "Failure detected () | Asserted\n"));
  EXPECT_EQ(h.run("cpu"), Outcome::fail());
  EXPECT_THAT(h.failures(), HasSubstr("KILN-SEL-CRITICAL-EVENT [SEL Power Supply PS1 Status]"));
  EXPECT_THAT(h.logs(), ::testing::Not(HasSubstr("SEL not read")));
}

TEST(CpuStage, ThrottleEventsAboveLimitFailNamingTheCpu) {
  CpuHarness h;
  h.no_bmc();
  h.config.limits["cpu.throttle_events_max"] = 5;
  for (int cpu = 0; cpu < 2; ++cpu) {
    std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/thermal_throttle";
    h.host.set_file(dir + "/core_throttle_count", "10\n");
    h.host.set_file(dir + "/package_throttle_count", "3\n");
  }
  h.host.on({"stress-ng", "--cpu"}, [&h](const CommandSpec&) {
    h.host.set_file("/sys/devices/system/cpu/cpu1/thermal_throttle/core_throttle_count", "50\n");
    return FakeHostAdapter::exited(0, "", test_data("stress-ng", "cpu-verify.out"));
  });
  EXPECT_EQ(h.run("cpu"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-CPU-THERMAL-THROTTLING",
                      "CPU: thermal throttling above the tender's 5 events: CPU 1 (40) \u2014 "
                      "check the heatsink's mounting, the thermal paste and the fans");
  EXPECT_THAT(h.failures(), ::testing::Not(HasSubstr("CPU 0")));
}

TEST(CpuStage, FrequencyIsMeasuredAndJudged) {
  CpuHarness h;
  h.no_bmc();
  h.host.on({"stress-ng", "--cpu"}, [](const CommandSpec&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    return FakeHostAdapter::exited(0, "", test_data("stress-ng", "cpu-verify.out"));
  });
  h.config.limits["cpu.min_frequency_mhz"] = 3000;
  EXPECT_EQ(h.run("cpu"), Outcome::fail());
  const auto* low = h.find_measurement("cpu_frequency_min");
  ASSERT_NE(low, nullptr);
  EXPECT_EQ(std::get<double>(low->value), 2500.0);  // mean of 2400 and 2600
  KILN_EXPECT_FAILURE(h.record, "KILN-CPU-FREQUENCY-LOW",
                      "CPU: the frequency under load fell to 2500 MHz (mean of all CPUs); the "
                      "tender requires at least 3000 MHz \u2014 check the firmware setup's power "
                      "profile, the power supplies and the cooling");
}

TEST(CpuStage, CrashedStressNgIsError) {
  CpuHarness h;
  h.no_bmc();
  h.host.on({"stress-ng", "--cpu"},
            FakeHostAdapter::exited(2, "", test_data("stress-ng", "segv.err")));
  EXPECT_EQ(h.run("cpu"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("stress-ng-failed"));
  EXPECT_EQ(h.failures(), "");
}

TEST(CpuStage, StressNgKilledBySigkillIsError) {
  CpuHarness h;
  h.no_bmc();
  h.host.on({"stress-ng", "--cpu"}, FakeHostAdapter::killed(9));
  EXPECT_EQ(h.run("cpu"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("tool-crashed"));
  EXPECT_THAT(h.errors(), HasSubstr("signal 9"));
}

TEST(CpuStage, ComputationErrorFails) {
  CpuHarness h;
  h.no_bmc();
  h.host.on({"stress-ng", "--cpu"},
            FakeHostAdapter::exited(
                2, "",
                "stress-ng: info:  [5] dispatching hogs: 2 cpu\n"
                "stress-ng: fail:  [6] cpu: matrixprod verification failed, checksum mismatch\n"
                "stress-ng: info:  [5] unsuccessful run completed in 1.00s\n"));
  EXPECT_EQ(h.run("cpu"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-CPU-COMPUTATION-ERROR",
                      "CPU: stress-ng --cpu-method matrixprod computed wrong results: cpu: "
                      "matrixprod verification failed, checksum mismatch \u2014 run the stage "
                      "again; if it repeats, check the CPU's voltage settings in the firmware "
                      "setup, then replace the CPU");
}

TEST(CpuStage, LanBmcCommandsCarryTheTargetButMessagesHideThePassword) {
  CpuHarness h;
  h.clean_stress_ng();
  h.options.bmc_host = "127.0.0.1:9623";
  h.options.bmc_user = "admin";
  h.options.bmc_password = "s3cret";
  h.host.on({"ipmitool", "-I", "lanplus"},
            FakeHostAdapter::exited(1, "", "Error: Unable to establish IPMI v2 session\n"));
  EXPECT_EQ(h.run("cpu"), Outcome::pass()) << h.errors();
  EXPECT_TRUE(h.host.ran({"ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", "9623"}));
  EXPECT_THAT(h.logs(), HasSubstr("no BMC reachable (127.0.0.1:9623)"));
  EXPECT_THAT(h.logs(), ::testing::Not(HasSubstr("s3cret")));
}

}  // namespace
}  // namespace kiln::runner::testing
