#include "tools/smartctl.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

SmartSnapshot snapshot(std::string_view name) {
  auto s = parse_smartctl_json(testing::data_file("smartctl", name));
  EXPECT_TRUE(s.ok()) << name << ": " << (s.ok() ? "" : s.error().message);
  return s.ok() ? s.value() : SmartSnapshot{};
}

TEST(SmartctlArgv, InfoAndSelfTest) {
  EXPECT_EQ(smartctl_info_argv("/dev/sda"),
            (std::vector<std::string>{"smartctl", "-j", "-a", "/dev/sda"}));
  EXPECT_EQ(
      smartctl_info_argv("/dev/bus/6", true, "sat+megaraid,14"),
      (std::vector<std::string>{"smartctl", "-j", "-x", "-d", "sat+megaraid,14", "/dev/bus/6"}));
  EXPECT_EQ(smartctl_self_test_argv("/dev/nvme0", SmartSelfTest::kLong),
            (std::vector<std::string>{"smartctl", "-j", "-t", "long", "/dev/nvme0"}));
}

TEST(SmartctlExitBits, Bitmask) {
  SmartctlExit ok = decode_smartctl_exit(0);
  EXPECT_FALSE(ok.no_data());
  EXPECT_EQ(describe(ok), "exit 0: ok");

  SmartctlExit failing = decode_smartctl_exit(216);  // the Hitachi below: bits 3, 4, 6, 7
  EXPECT_TRUE(failing.disk_failing);
  EXPECT_TRUE(failing.prefail_below_threshold);
  EXPECT_TRUE(failing.error_log_has_errors);
  EXPECT_TRUE(failing.self_test_log_has_errors);
  EXPECT_FALSE(failing.below_threshold_in_past);
  EXPECT_FALSE(failing.no_data());
  EXPECT_NE(describe(failing).find("disk failing (health FAILED)"), std::string::npos);

  EXPECT_TRUE(decode_smartctl_exit(2).device_open_failed);
  EXPECT_TRUE(decode_smartctl_exit(2).no_data());
  EXPECT_TRUE(decode_smartctl_exit(1).command_line_error);
  EXPECT_TRUE(decode_smartctl_exit(4).smart_command_failed);
  EXPECT_FALSE(decode_smartctl_exit(4).no_data());
  EXPECT_TRUE(decode_smartctl_exit(32).below_threshold_in_past);
}

TEST(Smartctl, QemuSata) {
  SmartSnapshot s = snapshot("smart-sda-qemu.json");
  EXPECT_EQ(s.protocol, "ATA");
  EXPECT_EQ(s.model, "RIG-SATA-DISK");
  EXPECT_EQ(s.serial, "AHCI-SER-1");
  EXPECT_EQ(s.firmware, "2.5+");
  EXPECT_EQ(s.capacity_bytes, 268435456U);
  EXPECT_EQ(s.health_passed, true);
  EXPECT_EQ(s.exit_status, 0);
  ASSERT_TRUE(s.ata_attributes.contains(5));
  EXPECT_EQ(s.ata_attributes.at(5).raw_count(), 0U);
}

TEST(Smartctl, QemuNvme) {
  SmartSnapshot s = snapshot("smart-nvme0-qemu.json");
  EXPECT_EQ(s.protocol, "NVMe");
  EXPECT_EQ(s.model, "QEMU NVMe Ctrl");
  EXPECT_EQ(s.serial, "NVME-SER-1");
  EXPECT_EQ(s.smart_available, true);
  ASSERT_TRUE(s.nvme.has_value());
  EXPECT_EQ(s.nvme->critical_warning, 0U);
  EXPECT_EQ(s.nvme->temperature, 50U);
  EXPECT_EQ(s.nvme->media_errors, 0U);
}

TEST(Smartctl, LoopDeviceExit1WithMessage) {
  SmartSnapshot s = snapshot("smart-loop.json");
  EXPECT_EQ(s.exit_status, 1);
  EXPECT_TRUE(decode_smartctl_exit(*s.exit_status).command_line_error);
  EXPECT_FALSE(s.health_passed.has_value());
  ASSERT_EQ(s.messages.size(), 1U);
  EXPECT_EQ(s.messages[0].text, "/dev/loop0: Unable to detect device type");
  EXPECT_EQ(s.messages[0].severity, "error");
}

TEST(Smartctl, FailingHitachiBehindUsbBridge) {
  SmartSnapshot s =
      snapshot("sata-hdd-hitachi-7k1000d-failed-health-realloc1975-pending8-usbjmicron.json");
  EXPECT_EQ(s.health_passed, false);
  EXPECT_EQ(s.exit_status, 216);
  EXPECT_EQ(s.device_type, "usbjmicron");
  EXPECT_EQ(s.model, "Hitachi HDS721050DLE630");
  EXPECT_EQ(s.serial, "MSK423Y20S3HBC");
  EXPECT_EQ(s.capacity_bytes, 500107862016U);
  EXPECT_EQ(s.rotation_rate, 7200U);
  const SmartAtaAttribute& realloc = s.ata_attributes.at(5);
  EXPECT_EQ(realloc.name, "Reallocated_Sector_Ct");
  EXPECT_EQ(realloc.raw_count(), 1975U);
  EXPECT_EQ(realloc.value, 1);
  EXPECT_EQ(realloc.thresh, 5);
  EXPECT_EQ(realloc.when_failed, "now");
  EXPECT_TRUE(realloc.prefailure);
  EXPECT_EQ(s.ata_attributes.at(196).raw_count(), 3831U);
  EXPECT_EQ(s.ata_attributes.at(197).raw_count(), 8U);
  EXPECT_EQ(s.ata_error_count, 56U);
  EXPECT_EQ(s.self_test.logged, 21);
  EXPECT_EQ(s.self_test.logged_failed, 3);
  EXPECT_EQ(s.self_test.last_type, "Short offline");
  EXPECT_EQ(s.self_test.last_passed, true);
  EXPECT_EQ(s.self_test.current_status, "completed without error");
}

TEST(Smartctl, Reallocated304StillPassing) {
  SmartSnapshot s = snapshot("sata-hdd-seagate-st3500418as-realloc304-redacted.json");
  EXPECT_EQ(s.health_passed, true);
  EXPECT_EQ(s.model, "ST3500418AS");
  EXPECT_EQ(s.ata_attributes.at(5).raw_count(), 304U);
  EXPECT_EQ(s.ata_attributes.at(197).raw_count(), 0U);
}

TEST(Smartctl, HugeRawValueUsesRawString) {
  SmartSnapshot s = snapshot("sata-jA-attributes-only-huge-raw196.json");
  EXPECT_EQ(s.model, "");
  EXPECT_FALSE(s.health_passed.has_value());
  const SmartAtaAttribute& a = s.ata_attributes.at(196);
  EXPECT_EQ(a.raw_value, 53416508262463U);
  EXPECT_EQ(a.raw_string, "2111 (12437 0)");
  EXPECT_EQ(a.raw_count(), 2111U);
}

TEST(Smartctl, NvmeCriticalWarningAndMediaErrors) {
  SmartSnapshot failed =
      snapshot("nvme-samsung-pm1725a-critical-warning-16-failed-exit8-redacted.json");
  EXPECT_EQ(failed.health_passed, false);
  EXPECT_EQ(failed.exit_status, 8);
  EXPECT_TRUE(decode_smartctl_exit(8).disk_failing);
  EXPECT_EQ(failed.nvme->critical_warning, 16U);
  EXPECT_EQ(failed.nvme->media_errors, 0U);

  SmartSnapshot media = snapshot("nvme-samsung-970evo-media-errors7-xall.json");
  EXPECT_EQ(media.health_passed, true);  // the health flag alone misses it
  EXPECT_EQ(media.nvme->media_errors, 7U);
  EXPECT_EQ(media.nvme->num_err_log_entries, 62U);
  EXPECT_EQ(media.nvme->percentage_used, 3U);
  EXPECT_EQ(media.nvme->available_spare, 99U);
  EXPECT_EQ(media.nvme->power_on_hours, 12798U);
}

TEST(Smartctl, ScsiGrownDefectsWithoutHeaderObject) {
  SmartSnapshot s = snapshot("sas-seagate-st4000nm0043-grown-defects56.json");
  EXPECT_FALSE(s.exit_status.has_value());
  EXPECT_EQ(s.protocol, "SCSI");
  EXPECT_EQ(s.model, "SEAGATE ST4000NM0043");
  EXPECT_EQ(s.scsi_grown_defects, 56U);
  EXPECT_EQ(s.health_passed, true);
  ASSERT_TRUE(s.scsi_errors.has_value());
  EXPECT_EQ(s.scsi_errors->read_uncorrected, 0U);
}

TEST(Smartctl, ScsiSelfTestLog74) {
  SmartSnapshot s = snapshot("sas-seagate-13tb-smartctl74-selftests-anonymised.json");
  EXPECT_EQ(s.model, "SEAGATE ST0000000");
  EXPECT_EQ(s.capacity_bytes, 13715978079776U);
  EXPECT_EQ(s.self_test.logged, 4);
  EXPECT_EQ(s.self_test.logged_failed, 0);
  EXPECT_EQ(s.self_test.last_type, "Background long");
  EXPECT_EQ(s.self_test.last_result, "Completed");
  EXPECT_EQ(s.scsi_errors->write_uncorrected, 0U);
}

TEST(Smartctl, ExitCodeAndJsonAreIndependent) {
  SmartSnapshot megaraid = snapshot("sata-hdd-wd4000fyyx-behind-megaraid-exit4.json");
  EXPECT_EQ(megaraid.exit_status, 4);
  EXPECT_EQ(megaraid.health_passed, true);
  EXPECT_EQ(megaraid.device_type, "sat+megaraid,0");
  ASSERT_EQ(megaraid.messages.size(), 1U);
  EXPECT_EQ(megaraid.messages[0].severity, "warning");

  SmartSnapshot open_failed = snapshot("windows-open-failed-exit2.json");
  EXPECT_EQ(open_failed.exit_status, 2);
  EXPECT_EQ(open_failed.device_name, "");
  ASSERT_EQ(open_failed.messages.size(), 1U);
  EXPECT_NE(open_failed.messages[0].text.find("Open failed"), std::string::npos);

  SmartSnapshot hc550 = snapshot("sata-hdd-wdc-hc550-double-space-model-exit64-redacted.json");
  EXPECT_EQ(hc550.model, "WDC  WUH721816ALE6L4");  // double space kept
  EXPECT_TRUE(decode_smartctl_exit(*hc550.exit_status).error_log_has_errors);
}

TEST(Smartctl, EmptyGarbageTruncated) {
  auto empty = parse_smartctl_json("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "KILN-PARSE-SMARTCTL");
  EXPECT_NE(empty.error().message.find("no JSON document in output (truncated?)"),
            std::string::npos);
  EXPECT_FALSE(parse_smartctl_json("smartctl: command not found\n").ok());
  EXPECT_FALSE(parse_smartctl_json("[1, 2, 3]").ok());
  EXPECT_FALSE(parse_smartctl_json("{\"a\": ]}").ok());
  std::string half = testing::first_half(testing::data_file(
      "smartctl", "sata-hdd-hitachi-7k1000d-failed-health-realloc1975-pending8-usbjmicron.json"));
  auto cut = parse_smartctl_json(half);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("truncated"), std::string::npos);
}

TEST(SmartctlDiff, ReallocatedAndPendingGrowth) {
  SmartSnapshot before =
      snapshot("sata-hdd-hitachi-7k1000d-failed-health-realloc1975-pending8-usbjmicron.json");
  SmartSnapshot after = before;
  after.ata_attributes[5].raw_string = "1980";
  after.ata_attributes[197].raw_string = "8";
  SmartDelta d = diff(before, after);
  EXPECT_FALSE(d.health_became_failed);
  auto worse = d.worsened_counters();
  ASSERT_EQ(worse.size(), 1U);
  EXPECT_EQ(worse[0].counter, "5 Reallocated_Sector_Ct");
  EXPECT_EQ(worse[0].before, 1975U);
  EXPECT_EQ(worse[0].after, 1980U);
  EXPECT_TRUE(d.worsened());
  EXPECT_FALSE(diff(before, before).worsened());
}

TEST(SmartctlDiff, NvmeAndHealth) {
  SmartSnapshot before = snapshot("nvme-samsung-970evo-media-errors7-xall.json");
  SmartSnapshot after = before;
  after.nvme->media_errors = 9;
  after.nvme->available_spare = 90;
  after.nvme->critical_warning = 4;
  after.health_passed = false;
  SmartDelta d = diff(before, after);
  EXPECT_TRUE(d.health_became_failed);
  std::vector<std::string> names;
  for (const auto& c : d.worsened_counters()) names.push_back(c.counter);
  EXPECT_EQ(names, (std::vector<std::string>{"nvme critical_warning", "nvme media_errors",
                                             "nvme available_spare"}));
}

}  // namespace
}  // namespace kiln::tools
