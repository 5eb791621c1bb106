#include "tools/stress_ng.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

TEST(StressNgArgv, CpuAndVm) {
  StressNgCpuJob cpu{2, "matrixprod", 30, true, "/tmp/cpu.yaml"};
  EXPECT_EQ(
      stress_ng_cpu_argv(cpu),
      (std::vector<std::string>{"stress-ng", "--cpu", "2", "--cpu-method", "matrixprod", "--verify",
                                "--timeout", "30s", "--metrics-brief", "--yaml", "/tmp/cpu.yaml"}));
  StressNgVmJob vm{1, "128M", "all", 5, true, ""};
  EXPECT_EQ(stress_ng_vm_argv(vm),
            (std::vector<std::string>{"stress-ng", "--vm", "1", "--vm-bytes", "128M", "--vm-method",
                                      "all", "--verify", "--timeout", "5s", "--metrics-brief"}));
}

TEST(StressNgYaml, CpuMetrics) {
  auto m = parse_stress_ng_yaml(data_file("stress-ng", "cpu-verify.yaml"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->size(), 1U);
  const StressNgMetric& cpu = m->front();
  EXPECT_EQ(cpu.stressor, "cpu");
  EXPECT_DOUBLE_EQ(cpu.bogo_ops, 13820);
  EXPECT_DOUBLE_EQ(cpu.real_time_s.value_or(0), 5.001462);
  EXPECT_DOUBLE_EQ(cpu.usr_time_s.value_or(0), 9.955498);
  EXPECT_DOUBLE_EQ(cpu.sys_time_s.value_or(0), 0.003998);
  EXPECT_DOUBLE_EQ(cpu.bogo_ops_per_s_real.value_or(0), 2763.191986);
  EXPECT_DOUBLE_EQ(cpu.bogo_ops_per_s_usr_sys.value_or(0), 1387.620418);
}

TEST(StressNgYaml, VmMetrics) {
  auto m = parse_stress_ng_yaml(data_file("stress-ng", "vm.yaml"));
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1U);
  EXPECT_EQ(m->front().stressor, "vm");
  EXPECT_DOUBLE_EQ(m->front().bogo_ops, 162998);
}

TEST(StressNgYaml, InterleavedConsoleLinesAreDropped) {
  // Old stress-ng with --yaml /dev/stdout: log lines inside the YAML. This
  // capture was also re-wrapped by its authors, so it may still not parse; it
  // must fail cleanly or yield the stream stressor.
  auto m = parse_stress_ng_yaml(data_file("stress-ng",
                                          "AUTHOR-INDENTED-REWRAPPED-wca-stress-ng-0.09.28-yaml-"
                                          "stdout-interleaved-with-metrics-brief-log.yaml"));
  if (m.ok()) {
    ASSERT_EQ(m->size(), 1U);
    EXPECT_EQ(m->front().stressor, "stream");
    EXPECT_DOUBLE_EQ(m->front().bogo_ops, 2250);
  } else {
    EXPECT_EQ(m.error().code, "KILN-PARSE-STRESS-NG");
    EXPECT_FALSE(m.error().message.empty());
  }
  std::string clean =
      "---\nstress-ng: info:  [1] dispatching hogs: 1 cpu\nmetrics:\n"
      "    - stressor: cpu\n      bogo-ops: 10\n...\n";
  auto ok = parse_stress_ng_yaml(clean);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_DOUBLE_EQ(ok->front().bogo_ops, 10);
}

TEST(StressNgYaml, TruncatedEmptyGarbage) {
  auto half = parse_stress_ng_yaml(testing::first_half(data_file("stress-ng", "cpu.yaml")));
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("metrics"), std::string::npos);
  EXPECT_FALSE(parse_stress_ng_yaml("").ok());
  auto bad = parse_stress_ng_yaml("metrics: [\n  - {stressor: cpu\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not valid YAML"), std::string::npos);
  EXPECT_FALSE(parse_stress_ng_yaml("\t\x01\x02: : :\n- [").ok());
}

TEST(StressNgConsoleLog, SuccessfulRunWithMetricsTable) {
  auto c = parse_stress_ng_console(data_file("stress-ng", "cpu-verify.out"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->run_successful, true);
  EXPECT_DOUBLE_EQ(c->run_seconds.value_or(0), 5.00);
  ASSERT_EQ(c->metrics.size(), 1U);
  EXPECT_EQ(c->metrics[0].stressor, "cpu");
  EXPECT_DOUBLE_EQ(c->metrics[0].bogo_ops, 13820);
  EXPECT_DOUBLE_EQ(c->metrics[0].bogo_ops_per_s_real.value_or(0), 2763.19);
  EXPECT_TRUE(c->failure_lines.empty());
  EXPECT_TRUE(c->clean());
}

TEST(StressNgConsoleLog, KilledWorkersFail) {
  for (std::string_view name : {"segv.err", "kill9.err"}) {
    auto c = parse_stress_ng_console(data_file("stress-ng", name));
    ASSERT_TRUE(c.ok()) << name;
    EXPECT_EQ(c->run_successful, false) << name;
    EXPECT_EQ(c->failure_lines.size(), 3U) << name;
    EXPECT_FALSE(c->dead_workers.empty()) << name;
    EXPECT_FALSE(c->clean()) << name;
  }
  EXPECT_EQ(describe_stress_ng_exit(2), "one or more stressors failed");
}

TEST(StressNgConsoleLog, AbsurdVmBytesExitsZeroWithoutMetrics) {
  auto c = parse_stress_ng_console(data_file("stress-ng", "vmbig.err"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->run_successful, true);
  EXPECT_TRUE(c->metrics.empty());  // the caller must notice no work was measured
}

TEST(StressNgConsoleLog, MetricsBriefVariants) {
  auto pkb = parse_stress_ng_console(data_file(
      "stress-ng", "pkb-stress-ng-metrics-brief-35-stressors-16-instances-column-overflow.txt"));
  ASSERT_TRUE(pkb.ok());
  EXPECT_EQ(pkb->metrics.size(), 35U);
  EXPECT_DOUBLE_EQ(pkb->run_seconds.value_or(0), 386.22);
  bool found_overflow = false;
  for (const auto& m : pkb->metrics) {
    if (m.stressor == "remap-file-pages") {
      found_overflow = true;
      EXPECT_DOUBLE_EQ(m.bogo_ops, 8820);
    }
  }
  EXPECT_TRUE(found_overflow);

  auto arm = parse_stress_ng_console(data_file(
      "stress-ng", "stress-ng-issue402-rv1126-metrics-brief-cache-allocate-warnings.txt"));
  ASSERT_TRUE(arm.ok());
  EXPECT_EQ(arm->run_successful, true);
  ASSERT_EQ(arm->metrics.size(), 1U);
  EXPECT_DOUBLE_EQ(arm->metrics[0].bogo_ops, 1175);
}

TEST(StressNgConsoleLog, SummaryCountsVerifyFailuresAndTruncation) {
  std::string log =
      "stress-ng: info:  [10] dispatching hogs: 2 vm\n"
      "stress-ng: fail:  [11] vm: detected 3 bit errors while stressing memory\n"
      "stress-ng: debug: [10] process [11] terminated on signal: 9 (Killed)\n"
      "stress-ng: info:  [10] skipped: 0\n"
      "stress-ng: info:  [10] passed: 1: vm (1)\n"
      "stress-ng: info:  [10] failed: 1: vm (1)\n"
      "stress-ng: info:  [10] unsuccessful run completed in 10.02s\n";
  auto c = parse_stress_ng_console(log);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->passed, 1);
  EXPECT_EQ(c->failed, 1);
  EXPECT_EQ(c->skipped, 0);
  EXPECT_EQ(c->verify_failures.size(), 1U);
  EXPECT_EQ(c->dead_workers.size(), 1U);
  EXPECT_EQ(c->run_successful, false);

  auto cut = parse_stress_ng_console("stress-ng: info:  [10] dispatching hogs: 2 cpu\n");
  ASSERT_TRUE(cut.ok());
  EXPECT_FALSE(cut->run_successful.has_value());  // killed before the end
  EXPECT_FALSE(cut->clean());
  EXPECT_FALSE(parse_stress_ng_console("").ok());
}

}  // namespace
}  // namespace kiln::tools
