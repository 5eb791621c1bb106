// disk stage: badblocks and SMART judgements, refusals, disks in parallel.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  EXPECT_THAT(h.failures(), HasSubstr("disk-bad-blocks [disk AHCI-SER-1 (/dev/sdb)]"));
  EXPECT_THAT(h.failures(), HasSubstr("120589728"));
  const auto* m = h.find_measurement("bad_blocks", "AHCI-SER-1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(std::get<double>(m->value), 2.0);
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
  EXPECT_THAT(h.failures(), HasSubstr("found 20 bad blocks"));
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
  EXPECT_THAT(h.failures(), HasSubstr("disk-smart-counter-grew [disk AHCI-SER-1 (/dev/sdb)]"));
  EXPECT_THAT(h.failures(), HasSubstr("from 0 to 8"));
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
  EXPECT_THAT(h.failures(), HasSubstr("disk-smart-health-failed"));
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
  EXPECT_THAT(h.failures(), HasSubstr("disk-self-test-failed [disk AHCI-SER-1 (/dev/sdb)]"));
  EXPECT_THAT(h.failures(), HasSubstr("Completed: read failure"));
}

}  // namespace
}  // namespace kiln::runner::testing
