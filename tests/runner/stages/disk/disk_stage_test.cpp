// disk stage: badblocks and SMART judgements, refusals, disks in parallel.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/disk_fixture.hpp"

namespace kiln::runner::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// badblocks -n: bad blocks on stdout, the summary on stderr, exit 0 all the same.
constexpr const char* kTwoBadBlocksErr =
    "Checking for bad blocks in non-destructive read-write mode\nFrom block 0 to 16383\n"
    "Testing with random pattern: done\nPass completed, 2 bad blocks found. (2/0/0 errors)\n";

TEST(DiskStage, NoDisksIsSkip) {
  DiskHarness h;
  EXPECT_EQ(h.run("disk"), Outcome::skip());
  EXPECT_THAT(h.record.skip_reason, HasSubstr("--disk"));
}

TEST(DiskStage, BadBlocksWithExitZeroFailNamingTheSerial) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.smart_for("/dev/sdb", h.smart, h.smart);
  h.host.on({"badblocks", "-nsv"},
            FakeHostAdapter::exited(0, "120589728\n120589729\n", kTwoBadBlocksErr));
  EXPECT_EQ(h.run("disk"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-DISK-BAD-BLOCKS",
                      "disk AHCI-SER-1 (/dev/sdb, ATA port 2): badblocks found 2 bad blocks; the "
                      "tender allows 0 \u2014 replace the disk");
  EXPECT_THAT(h.logs(), HasSubstr("first bad blocks: 120589728, 120589729"));
  const auto* m = h.find_measurement("bad_blocks", "AHCI-SER-1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(std::get<double>(m->value), 2.0);
  // The exact disk travels with the figure and the diagnosis as hardwareInfo.
  ASSERT_TRUE(m->hardware);
  EXPECT_EQ(m->hardware->serial, "AHCI-SER-1");
  EXPECT_EQ(m->hardware->model, "RIG-SATA-DISK");
  EXPECT_EQ(m->hardware->firmware, "2.5+");
  EXPECT_EQ(m->hardware->location, "ATA port 2");
  EXPECT_EQ(m->hardware->device, "/dev/sdb");
  ASSERT_TRUE(h.record.diagnoses.front().hardware);
  EXPECT_EQ(h.record.diagnoses.front().hardware->serial, "AHCI-SER-1");
}

TEST(DiskStage, BadBlocksFromARealCaptureFail) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("mode", "readonly");
  h.smart_for("/dev/sdb", h.smart, h.smart);
  h.host.on({"badblocks", "-sv"},
            FakeHostAdapter::exited(
                0, test_data("badblocks",
                             "davetang-nvme-v-20-bad-blocks-4-block-clusters-read-errors.txt")));
  EXPECT_EQ(h.run("disk"), Outcome::fail());
  EXPECT_THAT(h.failures(), HasSubstr("badblocks found 20 bad blocks; the tender allows 0"));
}

TEST(DiskStage, BadBlocksWithinTheDeliveryLimitPass) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.config.limits["disk.bad_blocks_max"] = 5;
  h.smart_for("/dev/sdb", h.smart, h.smart);
  h.host.on({"badblocks"}, FakeHostAdapter::exited(0, "1\n2\n", kTwoBadBlocksErr));
  EXPECT_EQ(h.run("disk"), Outcome::pass()) << h.failures() << h.errors();
}

TEST(DiskStage, ReallocatedSectorGrowthOverTheLimitFails) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("mode", "write");
  h.config.limits["disk.reallocated_sectors_delta_max"] = 0;
  h.smart_for("/dev/sdb", h.smart, smart_with_attribute(h.smart, 5, 8));
  h.clean_badblocks("/dev/sdb");
  EXPECT_EQ(h.run("disk"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-DISK-SMART-COUNTER-GREW",
                      "disk AHCI-SER-1 (/dev/sdb, ATA port 2): SMART 5 Reallocated_Sector_Ct grew "
                      "from 0 to 8 during the stage; the tender allows 0 \u2014 replace the disk");
  const auto* m = h.find_measurement("smart_reallocated_sectors_delta");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(std::get<double>(m->value), 8.0);
  EXPECT_FALSE(m->passed());
}

TEST(DiskStage, CounterGrowthWithoutALimitIsOnlyAWarning) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("mode", "write");
  h.smart_for("/dev/sdb", h.smart, smart_with_attribute(h.smart, 5, 8));
  h.clean_badblocks("/dev/sdb");
  EXPECT_EQ(h.run("disk"), Outcome::pass()) << h.failures();
  EXPECT_THAT(h.logs(), HasSubstr("no limit disk.reallocated_sectors_delta_max configured"));
}

TEST(DiskStage, FilesystemSignatureIsRefusedAndNothingIsWritten) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("mode", "write");
  h.host.on({"blkid", "-p", "-o", "export", "/dev/sdb"},
            FakeHostAdapter::exited(
                0, "DEVNAME=/dev/sdb\nUUID=0b7c\nVERSION=1.0\nTYPE=ext4\nUSAGE=filesystem\n"));
  h.smart_for("/dev/sdb", h.smart, h.smart);
  h.clean_badblocks("/dev/sdb");
  EXPECT_EQ(h.run("disk"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("disk-refused: refusing badblocks -w"));
  EXPECT_THAT(h.errors(), HasSubstr("/dev/sdb"));
  EXPECT_THAT(h.errors(), HasSubstr("filesystem signature ext4"));
  EXPECT_FALSE(h.host.ran({"badblocks"}));
  EXPECT_FALSE(h.host.ran({"fio"}));
}

TEST(DiskStage, AllowSignaturesOverridesWithAWarning) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("mode", "write");
  h.param("allow_signatures", "true");
  h.host.on({"blkid", "-p", "-o", "export", "/dev/sdb"},
            FakeHostAdapter::exited(0, "PTUUID=1f2e\nPTTYPE=gpt\n"));
  h.smart_for("/dev/sdb", h.smart, h.smart);
  h.clean_badblocks("/dev/sdb");
  EXPECT_EQ(h.run("disk"), Outcome::pass()) << h.errors();
  EXPECT_THAT(h.logs(), HasSubstr("partition table gpt on /dev/sdb is overwritten"));
  EXPECT_TRUE(h.host.ran({"badblocks", "-wsv"}));
}

TEST(DiskStage, TheBootDiskIsRefusedEvenWithAllowSignatures) {
  DiskHarness h;
  h.options.disks = {"/dev/sda"};
  h.param("allow_signatures", "true");
  EXPECT_EQ(h.run("disk"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("refusing badblocks -n"));
  EXPECT_THAT(h.errors(), HasSubstr("/dev/sda2 mounted on /"));
  EXPECT_FALSE(h.host.ran({"badblocks"}));
}

TEST(DiskStage, NonDestructiveModeNeedsTheRunConfirmed) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.options.destructive_confirmed = false;
  EXPECT_EQ(h.run("disk"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("--i-know-this-wipes"));
  EXPECT_FALSE(h.host.ran({"badblocks"}));
}

TEST(DiskStage, ReadOnlyScanNeedsNoConfirmation) {
  DiskHarness h;
  h.options.disks = {"/dev/sda"};
  h.options.destructive_confirmed = false;
  h.param("mode", "readonly");
  h.smart_for("/dev/sda", h.smart, h.smart);
  h.host.on({"badblocks", "-sv"},
            FakeHostAdapter::exited(0, "", "Pass completed, 0 bad blocks found. (0/0/0 errors)\n"));
  EXPECT_EQ(h.run("disk"), Outcome::pass()) << h.errors();
  EXPECT_FALSE(h.host.ran({"blkid"}));
}

TEST(DiskStage, LoopDeviceWithoutSmartJudgesBadblocksOnly) {
  DiskHarness h;
  h.host.set_link("/sys/class/block/loop3", "../../devices/virtual/block/loop3");
  h.options.disks = {"/dev/loop3"};
  h.param("mode", "write");
  h.host.on({"smartctl"}, FakeHostAdapter::exited(1, test_data("smartctl", "smart-loop.json")));
  h.clean_badblocks("/dev/loop3");
  EXPECT_EQ(h.run("disk"), Outcome::pass()) << h.errors();
  EXPECT_THAT(h.logs(), HasSubstr("Unable to detect device type"));
  ASSERT_NE(h.find_measurement("bad_blocks", "/dev/loop3"), nullptr);
}

TEST(DiskStage, OneFailingDiskDoesNotStopTheOthers) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb", "/dev/sdc"};
  h.param("mode", "write");
  std::string other = h.smart;
  auto pos = other.find("AHCI-SER-1");
  other.replace(pos, 10, "AHCI-SER-2");
  h.smart_for("/dev/sdb", h.smart, h.smart);
  h.smart_for("/dev/sdc", other, other);
  h.host.on(
      {"badblocks", "-wsv", "-b", "4096", "-p", "1", "/dev/sdb"},
      FakeHostAdapter::exited(0, "77\n", "Pass completed, 1 bad blocks found. (0/0/1 errors)\n"));
  h.clean_badblocks("/dev/sdc");
  EXPECT_EQ(h.run("disk"), Outcome::fail());
  EXPECT_THAT(h.failures(), HasSubstr("AHCI-SER-1"));
  EXPECT_THAT(h.failures(), Not(HasSubstr("AHCI-SER-2")));
  const auto* sdc = h.find_measurement("bad_blocks", "AHCI-SER-2");
  ASSERT_NE(sdc, nullptr);
  EXPECT_TRUE(sdc->passed());
}

TEST(DiskStage, BadblocksExitingNonZeroIsError) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.smart_for("/dev/sdb", h.smart, h.smart);
  h.host.on({"badblocks"},
            FakeHostAdapter::exited(
                1, "", "badblocks: Device or resource busy while trying to open /dev/sdb\n"));
  EXPECT_EQ(h.run("disk"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("badblocks-failed"));
  EXPECT_THAT(h.errors(), HasSubstr("Device or resource busy"));
}

TEST(DiskStage, SolidStateDiskGetsOneWritePass) {
  DiskHarness h;
  add_disk(h.host, "sdd", false);
  h.options.disks = {"/dev/sdd"};
  h.param("mode", "write");
  h.param("passes", "3");
  h.smart_for("/dev/sdd", h.smart, h.smart);
  h.clean_badblocks("/dev/sdd");
  EXPECT_EQ(h.run("disk"), Outcome::pass()) << h.errors();
  EXPECT_TRUE(h.host.ran({"badblocks", "-wsv", "-b", "4096", "-p", "1", "/dev/sdd"}));
}

TEST(DiskStage, FailedHealthFails) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("mode", "write");
  auto failed = nlohmann::json::parse(h.smart);
  failed["smart_status"]["passed"] = false;
  h.smart_for("/dev/sdb", h.smart, failed.dump());
  h.clean_badblocks("/dev/sdb");
  EXPECT_EQ(h.run("disk"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-DISK-SMART-HEALTH",
                      "disk AHCI-SER-1 (/dev/sdb, ATA port 2): SMART overall health is FAILED (it "
                      "passed before the stage) \u2014 replace the disk");
}

TEST(DiskStage, FailedSelfTestFailsAfterPollingToItsEnd) {
  DiskHarness h;
  h.options.disks = {"/dev/sdb"};
  h.param("mode", "write");
  h.param("selftest", "short");
  h.param("selftest_poll", "10ms");
  auto running = nlohmann::json::parse(h.smart);
  running["ata_smart_data"]["self_test"]["status"] = {
      {"value", 249}, {"string", "in progress, 90% remaining"}, {"remaining_percent", 90}};
  auto failed = nlohmann::json::parse(h.smart);
  failed["ata_smart_data"]["self_test"]["status"] = {
      {"value", 121}, {"string", "completed: read failure"}, {"passed", false}};
  failed["ata_smart_self_test_log"]["standard"]["table"] = nlohmann::json::array(
      {{{"type", {{"value", 1}, {"string", "Short offline"}}},
        {"status", {{"value", 121}, {"string", "Completed: read failure"}, {"passed", false}}}}});
  h.smart_for("/dev/sdb", h.smart, running.dump());
  h.host.on({"smartctl", "-j", "-a", "/dev/sdb"}, FakeHostAdapter::exited(0, failed.dump()));
  h.host.on({"smartctl", "-j", "-t", "short"}, FakeHostAdapter::exited(0, "{}"));
  h.clean_badblocks("/dev/sdb");
  EXPECT_EQ(h.run("disk"), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-DISK-SELF-TEST-FAILED",
                      "disk AHCI-SER-1 (/dev/sdb, ATA port 2): SMART short self-test ended: "
                      "Completed: read failure \u2014 replace the disk");
}

// An NVMe drive in PCIe slot 3: its serial, model and firmware from the
// controller's sysfs, its slot from /sys/bus/pci/slots.
void add_nvme_in_slot_3(FakeHostAdapter& host) {
  host.set_link("/sys/class/block/nvme0n1",
                "../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/nvme/nvme0/nvme0n1");
  host.set_file("/sys/class/block/nvme0n1/queue/rotational", "0\n");
  host.set_file("/sys/class/block/nvme0n1/device/serial", "S466NX0M776250H     \n");
  host.set_file("/sys/class/block/nvme0n1/device/model", "Samsung SSD 970 EVO 500GB\n");
  host.set_file("/sys/class/block/nvme0n1/device/firmware_rev", "2B2QEXE7\n");
  host.set_file("/sys/bus/pci/slots/1/address", "0000:17:00\n");
  host.set_file("/sys/bus/pci/slots/3/address", "0000:3b:00\n");
}

TEST(DiskStage, NvmeWarningSpareAndWearFailNamingTheDiskInItsSlot) {
  DiskHarness h;
  add_nvme_in_slot_3(h.host);
  h.options.disks = {"/dev/nvme0n1"};
  h.param("mode", "write");
  h.config.limits["disk.nvme_percentage_used_max"] = 1;
  const std::string before = test_data("smartctl", "nvme-samsung-970evo-media-errors7-xall.json");
  auto after = nlohmann::json::parse(before);
  after["nvme_smart_health_information_log"]["critical_warning"] = 4;
  after["nvme_smart_health_information_log"]["available_spare"] = 5;
  h.smart_for("/dev/nvme0n1", before, after.dump());
  h.clean_badblocks("/dev/nvme0n1");
  EXPECT_EQ(h.run("disk"), Outcome::fail()) << h.errors();
  const std::string disk = "disk S466NX0M776250H (/dev/nvme0n1, slot 3)";
  KILN_EXPECT_FAILURE(h.record, "KILN-DISK-NVME-CRITICAL-WARNING",
                      disk + ": NVMe critical_warning is 0x4 \u2014 replace the disk");
  KILN_EXPECT_FAILURE(
      h.record, "KILN-DISK-NVME-SPARE-LOW",
      disk + ": NVMe available spare 5 % is below its threshold 10 % \u2014 replace the disk");
  KILN_EXPECT_FAILURE(h.record, "KILN-DISK-NVME-WORN",
                      disk +
                          ": NVMe endurance 3 % used; the tender allows 1 % \u2014 return the "
                          "disk to the supplier: it is not a new drive");
  const auto* worn = h.find_measurement("nvme_percentage_used");
  ASSERT_NE(worn, nullptr);
  ASSERT_TRUE(worn->hardware);
  EXPECT_EQ(worn->hardware->location, "slot 3");
  EXPECT_EQ(worn->hardware->model, "Samsung SSD 970 EVO 500GB");
  EXPECT_EQ(worn->hardware->firmware, "2B2QEXE7");
}

// A loop device has no serial: its backing file's name stands for one.
TEST(DiskStage, LoopDeviceIsNamedByItsBackingFile) {
  DiskHarness h;
  h.host.set_link("/sys/class/block/loop4", "../../devices/virtual/block/loop4");
  h.host.set_file("/sys/class/block/loop4/loop/backing_file", "/srv/rig/node3-disk0.img\n");
  h.host.set_file("/sys/class/block/loop4/queue/rotational", "1\n");
  h.options.disks = {"/dev/loop4"};
  h.param("mode", "readonly");
  h.host.on({"smartctl", "-j", "-a", "/dev/loop4"},
            FakeHostAdapter::exited(2, test_data("smartctl", "smart-loop.json")));
  h.host.on(
      {"badblocks", "-sv"},
      FakeHostAdapter::exited(0, "7\n", "Pass completed, 1 bad blocks found. (1/0/0 errors)\n"));
  EXPECT_EQ(h.run("disk"), Outcome::fail()) << h.errors();
  KILN_EXPECT_FAILURE(h.record, "KILN-DISK-BAD-BLOCKS",
                      "disk node3-disk0.img (/dev/loop4): badblocks found 1 bad block; the tender "
                      "allows 0 \u2014 replace the disk");
  const auto* m = h.find_measurement("bad_blocks");
  ASSERT_NE(m, nullptr);
  ASSERT_TRUE(m->hardware);
  EXPECT_EQ(m->hardware->model, "loop device");
  EXPECT_EQ(m->hardware->location, "");
}

}  // namespace
}  // namespace kiln::runner::testing
