// The inventory stage's firmware record and the delivery's firmware rules,
// on a fake host answering with real captured tool outputs.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/stage_harness.hpp"
#include "stages/inventory/firmware_judge.hpp"

namespace kiln::runner::testing {
namespace {

// A Dell R640 (dmidecode of a real one), a Supermicro BMC, two disks (one
// SATA answering smartctl, one NVMe answering only in sysfs), an ixgbe NIC.
// `bmc_answers`: whether `ipmitool mc info` does (else it fails as without
// /dev/ipmi0); `dimms`: the dmidecode capture that answers -t 17.
void real_machine(StageHarness& h, bool bmc_answers = true,
                  const std::string& dimms = "dell-poweredge-r640-full-dmidecode-3.0.txt") {
  const std::string dmi = test_data("dmidecode", "dell-poweredge-r640-full-dmidecode-3.0.txt");
  h.host.on({"dmidecode", "-t", "0"}, FakeHostAdapter::exited(0, dmi));
  h.host.on({"dmidecode", "-t", "17"}, FakeHostAdapter::exited(0, test_data("dmidecode", dimms)));
  h.host.on({"ipmitool", "mc", "info"},
            bmc_answers ? FakeHostAdapter::exited(
                              0, test_data("ipmitool-mc", "supermicro-x11sch-ln4f-fw1.74.txt"))
                        : FakeHostAdapter::exited(
                              1, "", "Could not open device at /dev/ipmi0 or /dev/ipmi/0"));
  h.host.set_file(
      "/proc/cpuinfo",
      "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Gold 6230\nmicrocode\t: 0x5003006\n"
      "physical id\t: 0\ncore id\t: 0\n\nprocessor\t: 1\nmodel name\t: Intel(R) Xeon(R) "
      "Gold 6230\nmicrocode\t: 0x5002f01\nphysical id\t: 0\ncore id\t: 1\n");
  h.host.set_file("/proc/meminfo", "MemTotal:       196608000 kB\n");
  h.host.set_file("/sys/block/sda/device/model", "ST3500418AS\n");
  h.host.set_file("/sys/block/sda/size", "976773168\n");
  h.host.set_link("/sys/block/sda",
                  "../devices/pci0000:00/ata1/host0/target0:0:0/0:0:0:0/block/sda");
  h.host.on({"smartctl", "-j", "-i", "/dev/sda"},
            FakeHostAdapter::exited(
                0, test_data("smartctl", "sata-hdd-seagate-st3500418as-realloc304-redacted.json")));
  h.host.set_file("/sys/block/nvme0n1/device/model", "Samsung SSD 970 EVO 500GB\n");
  h.host.set_file("/sys/block/nvme0n1/device/serial", "S466NX0M776250H\n");
  h.host.set_file("/sys/block/nvme0n1/device/firmware_rev", "2B2QEXE7\n");
  h.host.set_file("/sys/block/nvme0n1/size", "976773168\n");
  h.host.on({"smartctl", "-j", "-i", "/dev/nvme0n1"},
            FakeHostAdapter::exited(2, "{\"smartctl\": {\"exit_status\": 2}}"));
  h.host.on({"nvme", "id-ctrl"}, FakeHostAdapter::exited(1, "", "nvme: not found"));
  h.host.set_file("/sys/class/net/eth0/address", "3c:fd:fe:aa:bb:01\n");
  h.host.set_file("/sys/class/net/eth0/speed", "10000\n");
  h.host.set_file("/sys/class/net/eth0/device/vendor", "0x8086\n");
  h.host.set_file("/sys/class/net/eth0/device/device", "0x10fb\n");
  h.host.set_link("/sys/class/net/eth0/device", "../../../0000:01:00.0");
  h.host.set_link("/sys/class/net/eth0/device/driver", "../../../../bus/pci/drivers/ixgbe");
  h.host.on({"ethtool", "-i", "eth0"},
            FakeHostAdapter::exited(0, test_data("ethtool", "ixgbe-5.3.7-fw-0x800003df.txt")));
}

const nlohmann::json& firmware_of(const StageHarness& h) {
  static const nlohmann::json kNone;
  auto it = h.record.extensions.find("kiln.firmware");
  return it == h.record.extensions.end() ? kNone : *it;
}

TEST(InventoryFirmware, RecordsEveryPartsFirmware) {
  StageHarness h;
  real_machine(h);
  auto outcome = h.run("inventory");
  EXPECT_EQ(outcome.verdict(), "PASS") << h.failures() << h.errors();
  const auto& fw = firmware_of(h);
  ASSERT_TRUE(fw.is_object());
  EXPECT_EQ(fw["bios"]["vendor"], "Dell Inc.");
  EXPECT_EQ(fw["bios"]["version"], "2.6.4");
  EXPECT_EQ(fw["bios"]["release_date"], "04/09/2020");
  EXPECT_EQ(fw["bmc"]["firmware_revision"], "1.74");
  EXPECT_EQ(fw["bmc"]["product"], "X11SCH-LN4F");
  EXPECT_EQ(fw["cpu_microcode"], "0x5002f01");  // the lowest of the two CPUs
  EXPECT_EQ(fw["cpu_microcode_mixed"], true);
  ASSERT_EQ(fw["disks"].size(), 2U);
  EXPECT_EQ(fw["disks"][0]["name"], "nvme0n1");
  EXPECT_EQ(fw["disks"][0]["firmware"], "2B2QEXE7");
  EXPECT_EQ(fw["disks"][0]["source"], "sysfs");
  EXPECT_EQ(fw["disks"][1]["model"], "ST3500418AS");
  EXPECT_EQ(fw["disks"][1]["firmware"], "REDACTED");  // as that capture has it
  EXPECT_EQ(fw["disks"][1]["source"], "smartctl");
  ASSERT_EQ(fw["nics"].size(), 1U);
  EXPECT_EQ(fw["nics"][0]["driver"], "ixgbe");
  EXPECT_EQ(fw["nics"][0]["firmware"], "0x800003df, 255.65535.255");
  EXPECT_EQ(fw["nics"][0]["pci_id"], "8086:10fb");
  ASSERT_FALSE(fw["dimms"].empty());
  EXPECT_EQ(fw["dimms"][0]["rated_speed_mts"], 2933);
  EXPECT_EQ(fw["dimms"][0]["configured_speed_mts"], 2933);
  EXPECT_TRUE(fw["requirements"].empty());
  EXPECT_TRUE(h.host.ran({"ipmitool", "mc", "info"}));
}

TEST(InventoryFirmware, MissedRequirementsFailNamingThem) {
  StageHarness h;
  real_machine(h);
  auto& f = h.config.firmware;
  f.bios = VersionRule{std::nullopt, std::string("2.8.0")};
  f.bmc = VersionRule{std::string("1.74"), std::nullopt};
  f.microcode_min = "0x5003006";
  f.disks["ST3500418AS"] = VersionRule{std::string("CC38"), std::nullopt};
  f.nics["8086:10fb"] = VersionRule{std::nullopt, std::string("0x800003df")};
  f.dimm_speed_at_rated = true;
  auto outcome = h.run("inventory");
  EXPECT_EQ(outcome.verdict(), "FAIL");
  const std::string failures = h.failures();
  KILN_EXPECT_FAILURE(h.record, "KILN-FW-BIOS-VERSION",
                      "BIOS [Dell Inc.]: firmware is 2.6.4; the delivery requires >= 2.8.0 "
                      "(firmware.bios) \u2014 update the firmware to the version the tender "
                      "names (the vendor's release notes say how)");
  KILN_EXPECT_FAILURE(h.record, "KILN-FW-CPU-MICROCODE",
                      "CPU: microcode is 0x5002f01; the delivery requires >= 0x5003006 "
                      "(firmware.microcode_min) \u2014 update the BIOS to a release that carries "
                      "this microcode (or load it from the OS image)");
  KILN_EXPECT_FAILURE(
      h.record, "KILN-FW-DISK-VERSION",
      "disk REDACTED (sda): firmware is REDACTED; the delivery requires = CC38 "
      "for model ST3500418AS (firmware.disks.ST3500418AS) \u2014 update the firmware "
      "to the version the tender names (the vendor's release notes say how)");
  EXPECT_EQ(failures.find("KILN-FW-BMC-VERSION"), std::string::npos) << failures;  // 1.74 = 1.74
  EXPECT_EQ(failures.find("KILN-FW-NIC-VERSION"), std::string::npos) << failures;
  EXPECT_EQ(failures.find("KILN-DIMM-SPEED-BELOW-RATED"), std::string::npos) << failures;
  const auto& req = firmware_of(h)["requirements"];
  int met = 0;
  for (const auto& r : req) met += r["met"].get<bool>() ? 1 : 0;
  EXPECT_EQ(req.size(), 5U + 8U);  // bios, bmc, microcode, 1 disk, 1 NIC; 8 installed DIMMs
  EXPECT_EQ(met, 2 + 8);           // bmc, NIC, every DIMM at its rated 2933
}

TEST(InventoryFirmware, BmcAndNicBehindTheirRulesFail) {
  StageHarness h;
  real_machine(h);
  h.config.firmware.bmc = VersionRule{std::string("1.80"), std::nullopt};
  h.config.firmware.nics["ixgbe"] = VersionRule{std::nullopt, std::string("0x80000500")};
  EXPECT_EQ(h.run("inventory").verdict(), "FAIL");
  KILN_EXPECT_FAILURE(h.record, "KILN-FW-BMC-VERSION",
                      "BMC [X11SCH-LN4F]: firmware is 1.74; the delivery requires = 1.80 "
                      "(firmware.bmc) \u2014 update the firmware to the version the tender names "
                      "(the vendor's release notes say how)");
  KILN_EXPECT_FAILURE(h.record, "KILN-FW-NIC-VERSION",
                      "NIC eth0 (MAC 3c:fd:fe:aa:bb:01, PCI 0000:01:00.0): firmware is "
                      "0x800003df, 255.65535.255; the delivery requires >= 0x80000500 for driver "
                      "ixgbe (firmware.nics.ixgbe) \u2014 update the firmware to the version the "
                      "tender names (the vendor's release notes say how)");
}

// An AHCI controller (one SCSI host per port, no firmware attribute) and an
// mpt3sas HBA (version_fw, version_bios, board_name), as sysfs lays them out.
TEST(InventoryFirmware, StorageControllersFromSysfs) {
  StageHarness h;
  real_machine(h);
  for (int port = 0; port < 2; ++port) {
    const std::string host = fmt::format("host{}", port);
    h.host.set_link("/sys/class/scsi_host/" + host,
                    fmt::format("../../devices/pci0000:00/0000:00:17.0/ata{}/{}/scsi_host/{}",
                                port + 1, host, host));
    h.host.set_file("/sys/class/scsi_host/" + host + "/proc_name", "ahci\n");
  }
  h.host.set_file("/sys/bus/pci/devices/0000:00:17.0/vendor", "0x8086\n");
  h.host.set_file("/sys/bus/pci/devices/0000:00:17.0/device", "0xa182\n");
  h.host.set_link("/sys/class/scsi_host/host10",
                  "../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/host10/scsi_host/host10");
  h.host.set_file("/sys/class/scsi_host/host10/proc_name", "mpt3sas\n");
  h.host.set_file("/sys/class/scsi_host/host10/version_fw", "16.00.01.00\n");
  h.host.set_file("/sys/class/scsi_host/host10/version_bios", "08.37.00.00\n");
  h.host.set_file("/sys/class/scsi_host/host10/board_name", "SAS9300-8i\n");
  h.host.set_file("/sys/bus/pci/devices/0000:3b:00.0/vendor", "0x1000\n");
  h.host.set_file("/sys/bus/pci/devices/0000:3b:00.0/device", "0x0097\n");
  auto outcome = h.run("inventory");
  EXPECT_EQ(outcome.verdict(), "PASS") << h.failures() << h.errors();
  const auto& ctrls = firmware_of(h)["storage_controllers"];
  ASSERT_EQ(ctrls.size(), 2U) << ctrls.dump();
  EXPECT_EQ(ctrls[0]["hosts"], "host0-host1");
  EXPECT_EQ(ctrls[0]["driver"], "ahci");
  EXPECT_EQ(ctrls[0]["pci_address"], "0000:00:17.0");
  EXPECT_EQ(ctrls[0]["pci_id"], "8086:a182");
  EXPECT_EQ(ctrls[0]["firmware"], "");
  EXPECT_EQ(ctrls[0]["note"],
            "driver ahci exposes no firmware version in /sys/class/scsi_host/host0/");
  EXPECT_EQ(ctrls[1]["hosts"], "host10");
  EXPECT_EQ(ctrls[1]["pci_address"], "0000:3b:00.0");
  EXPECT_EQ(ctrls[1]["pci_id"], "1000:0097");
  EXPECT_EQ(ctrls[1]["model"], "SAS9300-8i");
  EXPECT_EQ(ctrls[1]["firmware"], "16.00.01.00");
  EXPECT_EQ(ctrls[1]["bios"], "08.37.00.00");
  EXPECT_EQ(ctrls[1]["source"], "version_fw");
}

// A BMC that does not answer cannot prove its version: ERROR, never PASS or FAIL.
TEST(InventoryFirmware, UnreadableRequiredValueIsAnError) {
  StageHarness h;
  real_machine(h, false);
  h.config.firmware.bmc = VersionRule{std::string("1.74"), std::nullopt};
  auto outcome = h.run("inventory");
  EXPECT_EQ(outcome.verdict(), "ERROR") << h.failures();
  EXPECT_NE(
      h.errors().find("firmware-unreadable: BMC: cannot check firmware.bmc (= 1.74 required)"),
      std::string::npos)
      << h.errors();
  EXPECT_NE(h.errors().find("/dev/ipmi0"), std::string::npos) << h.errors();
}

// The Quanta's DIMMs run at 1866 of their rated 2133 MT/s.
TEST(InventoryFirmware, DimmsBelowRatedSpeedFail) {
  StageHarness h;
  real_machine(h, true, "quanta-s2s-full-dmidecode-2.12.txt");
  h.config.firmware.dimm_speed_at_rated = true;
  auto outcome = h.run("inventory");
  EXPECT_EQ(outcome.verdict(), "FAIL");
  KILN_EXPECT_FAILURE(h.record, "KILN-DIMM-SPEED-BELOW-RATED",
                      "DIMM DIMM_A0 (serial 71338DC3) [M393A2G40DB0-CPB]: runs at 1866 MT/s; its "
                      "rated speed is 2133 MT/s (firmware.dimm_speed_at_rated) \u2014 check the "
                      "firmware setup's memory frequency and the DIMM population (mixed or "
                      "misplaced DIMMs run slower)");
  EXPECT_EQ(h.record.diagnoses[0].component, "DIMM DIMM_A0 (serial 71338DC3)");
}

TEST(CheckFirmware, NicRulesByDriverOrPciId) {
  FirmwareInventory fw;
  fw.nics.push_back(
      {"eth0", "aa", "0000:01:00.0", "8086:1572", "i40e", "2.8", "6.01 0x800035da", ""});
  fw.nics.push_back(
      {"eth1", "bb", "0000:02:00.0", "15b3:1017", "mlx5_core", "5.0", "16.27.2008", ""});
  FirmwareRequirements want;
  want.nics["I40E"] = VersionRule{std::nullopt, std::string("6.80")};
  want.nics["15b3:1017"] = VersionRule{std::nullopt, std::string("16.26")};
  auto checks = check_firmware(fw, want);
  ASSERT_EQ(checks.size(), 2U);
  EXPECT_EQ(checks[0].component.substr(0, 8), "NIC eth1");
  EXPECT_TRUE(checks[0].met);
  EXPECT_EQ(checks[1].component.substr(0, 8), "NIC eth0");
  EXPECT_FALSE(checks[1].met);
  EXPECT_EQ(checks[1].required, ">= 6.80");
  EXPECT_EQ(checks[1].found, "6.01 0x800035da");
}

}  // namespace
}  // namespace kiln::runner::testing
