// The inventory stage against the delivery's `expected:` block, on a fake
// host: each difference is a FAIL from the failure-code catalog whose words
// name the part, what was found and what the tender requires.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/stage_harness.hpp"

namespace kiln::runner::testing {
namespace {

using ::testing::HasSubstr;

// One socket with 2 cores (no SMT), a Supermicro microcloud's DIMMs (16 GiB in
// DIMMA2 and DIMMB2, DIMMA1 and DIMMB1 empty), one 500 GB Seagate disk, one
// ixgbe NIC at 10 Gb/s.
void small_machine(StageHarness& h) {
  h.host.set_file("/proc/cpuinfo",
                  "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Gold 6230\nphysical id\t: 0\n"
                  "core id\t: 0\n\nprocessor\t: 1\nmodel name\t: Intel(R) Xeon(R) Gold 6230\n"
                  "physical id\t: 0\ncore id\t: 1\n");
  h.host.set_file("/proc/meminfo", "MemTotal:       32768000 kB\n");
  h.host.on({"dmidecode", "-t", "17"},
            FakeHostAdapter::exited(0, test_data("dmidecode",
                                                 "supermicro-sys-5039ms-microcloud-full-"
                                                 "dmidecode-3.1.txt")));
  h.host.set_file("/sys/block/sda/device/model", "ST3500418AS\n");
  h.host.set_file("/sys/block/sda/device/serial", "9VMQ1234\n");
  h.host.set_file("/sys/block/sda/size", "976773168\n");
  h.host.set_file("/sys/class/net/eth0/address", "3c:fd:fe:aa:bb:01\n");
  h.host.set_file("/sys/class/net/eth0/operstate", "up\n");
  h.host.set_file("/sys/class/net/eth0/speed", "10000\n");
  h.host.set_link("/sys/class/net/eth0/device", "../../../0000:01:00.0");
}

TEST(InventoryStage, WhatTheTenderPromisedPasses) {
  StageHarness h;
  small_machine(h);
  auto& want = h.config.expected;
  want.cpu_model = "Gold 6230";
  want.cpu_sockets = 1;
  want.cpu_cores = 2;
  want.cpu_threads = 2;
  want.ram_gib = 32;
  want.dimm_count = 2;
  want.disk_count = 1;
  want.disk_models = {"ST3500"};
  want.disk_min_size_gb = 480;
  want.nic_count = 1;
  want.nic_speed_mbps = 10000;
  EXPECT_EQ(h.run("inventory").verdict(), "PASS") << h.failures() << h.errors();
  EXPECT_EQ(h.failures(), "");
}

TEST(InventoryStage, AnotherCpuModelFails) {
  StageHarness h;
  small_machine(h);
  h.config.expected.cpu_model = "EPYC 9654";
  EXPECT_EQ(h.run("inventory").verdict(), "FAIL");
  KILN_EXPECT_FAILURE(h.record, "KILN-INV-CPU-MODEL",
                      "CPU: the CPU model is 'Intel(R) Xeon(R) Gold 6230'; the tender requires "
                      "'EPYC 9654' \u2014 have the vendor fit the CPU model the tender names "
                      "(compare the order confirmation)");
  ASSERT_EQ(h.record.diagnoses.size(), 1U) << h.failures();
  EXPECT_EQ(h.record.diagnoses[0].component, "CPU");
}

TEST(InventoryStage, EachCountThatDiffersFailsNamingWhatAndBothNumbers) {
  StageHarness h;
  small_machine(h);
  auto& want = h.config.expected;
  want.cpu_sockets = 2;
  want.cpu_cores = 2;  // as found: no FAIL
  want.cpu_threads = 4096;
  want.disk_count = 2;
  want.nic_count = 3;
  EXPECT_EQ(h.run("inventory").verdict(), "FAIL");
  KILN_EXPECT_FAILURE(
      h.record, "KILN-INV-COUNT",
      "CPU: 1 CPU socket found; the tender requires 2 CPU sockets \u2014 check that the "
      "firmware setup enables every part (SMT, cores, DIMM slots, ports) and that "
      "each is seated; have the vendor supply what is missing");
  EXPECT_THAT(h.failures(),
              HasSubstr("KILN-INV-COUNT [CPU]: CPU: 2 logical CPUs found; the tender requires "
                        "4096 logical CPUs \u2014 check"));
  EXPECT_THAT(
      h.failures(),
      HasSubstr("KILN-INV-COUNT [disks]: disks: 1 disk found; the tender requires 2 disks"));
  EXPECT_THAT(
      h.failures(),
      HasSubstr("KILN-INV-COUNT [network]: network: 1 NIC found; the tender requires 3 NICs"));
  EXPECT_THAT(h.failures(), ::testing::Not(HasSubstr("physical CPU cores")));
  EXPECT_EQ(h.record.diagnoses.size(), 4U) << h.failures();
}

TEST(InventoryStage, RamOutsideTheToleranceFails) {
  StageHarness h;
  small_machine(h);
  h.config.expected.ram_gib = 64;
  h.config.expected.ram_tolerance_gib = 2;
  EXPECT_EQ(h.run("inventory").verdict(), "FAIL");
  KILN_EXPECT_FAILURE(h.record, "KILN-INV-RAM",
                      "memory: 32.0 GiB of RAM installed; the tender requires 64.0 \u00b1 2.0 GiB "
                      "\u2014 check that every DIMM is seated and seen by the firmware; have the "
                      "vendor fit the DIMMs the tender names");
}

TEST(InventoryStage, RamWithinTheToleranceAndExactRamWords) {
  StageHarness h;
  small_machine(h);
  h.config.expected.ram_gib = 33;
  h.config.expected.ram_tolerance_gib = 1;
  EXPECT_EQ(h.run("inventory").verdict(), "PASS") << h.failures();
  StageHarness exact;
  small_machine(exact);
  exact.config.expected.ram_gib = 48;
  EXPECT_EQ(exact.run("inventory").verdict(), "FAIL");
  EXPECT_THAT(exact.failures(),
              HasSubstr("KILN-INV-RAM [memory]: memory: 32.0 GiB of RAM installed; the tender "
                        "requires 48.0 GiB \u2014"));
}

TEST(InventoryStage, MissingDimmsFailNamingTheEmptySlots) {
  StageHarness h;
  small_machine(h);
  h.config.expected.dimm_count = 4;
  EXPECT_EQ(h.run("inventory").verdict(), "FAIL");
  EXPECT_THAT(
      h.failures(),
      HasSubstr("KILN-INV-COUNT [memory]: memory: 2 DIMMs found; the tender requires 4 DIMMs"));
  KILN_EXPECT_FAILURE(h.record, "KILN-INV-DIMMS-EMPTY",
                      "memory: no DIMM in slots DIMMA1, DIMMB1; the tender requires 4 DIMMs "
                      "\u2014 fit or reseat a DIMM in the slots the tender fills (a DIMM the "
                      "firmware does not see shows as an empty slot)");
}

TEST(InventoryStage, ASmallDiskOfAnotherModelFailsTwiceNamingIt) {
  StageHarness h;
  small_machine(h);
  h.config.expected.disk_min_size_gb = 960;
  h.config.expected.disk_models = {"MZ7LH960", "SSDSC2KB960"};
  EXPECT_EQ(h.run("inventory").verdict(), "FAIL");
  KILN_EXPECT_FAILURE(h.record, "KILN-INV-DISK-TOO-SMALL",
                      "disk 9VMQ1234 (sda): 500.1 GB; the tender requires at least 960.0 GB "
                      "\u2014 have the vendor replace the disk with one of the size the tender "
                      "names");
  KILN_EXPECT_FAILURE(h.record, "KILN-INV-DISK-MODEL",
                      "disk 9VMQ1234 (sda): model 'ST3500418AS'; the tender requires one of: "
                      "MZ7LH960, SSDSC2KB960 \u2014 have the vendor replace the disk with a model "
                      "the tender names");
  for (const auto& d : h.record.diagnoses) EXPECT_EQ(d.component, "disk 9VMQ1234 (sda)");
}

TEST(InventoryStage, ANicWithoutLinkFailsWhenASpeedIsPromised) {
  StageHarness h;
  small_machine(h);
  h.host.set_file("/sys/class/net/eth0/operstate", "down\n");
  h.host.set_file("/sys/class/net/eth0/speed", "-1\n");
  EXPECT_EQ(h.run("inventory").verdict(), "PASS") << "no speed promised: " << h.failures();
  StageHarness promised;
  small_machine(promised);
  promised.host.set_file("/sys/class/net/eth0/operstate", "down\n");
  promised.host.set_file("/sys/class/net/eth0/speed", "-1\n");
  promised.config.expected.nic_speed_mbps = 25000;
  EXPECT_EQ(promised.run("inventory").verdict(), "FAIL");
  KILN_EXPECT_FAILURE(promised.record, "KILN-INV-NIC-NO-LINK",
                      "NIC eth0 (MAC 3c:fd:fe:aa:bb:01, PCI 0000:01:00.0): no link (operstate "
                      "down); the tender requires at least 25000 Mb/s \u2014 check the cable, "
                      "transceiver and switch port, and that the port is enabled in the firmware "
                      "setup");
}

}  // namespace
}  // namespace kiln::runner::testing
