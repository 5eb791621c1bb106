// disk_safety / disk_target: which disks destructive work may touch.
#include "disks/disk_safety.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/stages/disk_fixture.hpp"

namespace kiln::runner::testing {
namespace {

using ::testing::HasSubstr;

DestructiveRequest confirmed() {
  return {true, true, false, "badblocks -w"};
}

TEST(DiskTarget, PartitionResolvesToItsDisk) {
  DiskHarness h;
  auto d = resolve_disk(h.host, "/dev/sda2");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->name, "sda2");
  EXPECT_EQ(d->whole_disk, "sda");
  EXPECT_TRUE(d->partition);
}

TEST(DiskTarget, ByIdLinkResolvesToTheKernelName) {
  DiskHarness h;
  h.host.set_link("/dev/disk/by-id/ata-QEMU_HARDDISK_QM00002", "../../sdb");
  auto d = resolve_disk(h.host, "/dev/disk/by-id/ata-QEMU_HARDDISK_QM00002");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->name, "sdb");
  EXPECT_EQ(d->rotational, true);
}

TEST(DiskTarget, NvmePartitionAndSerial) {
  FakeHostAdapter host;
  host.set_link("/sys/class/block/nvme0n1",
                "../../devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1");
  host.set_link("/sys/class/block/nvme0n1p1",
                "../../devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1/nvme0n1p1");
  host.set_file("/sys/class/block/nvme0n1p1/partition", "1\n");
  host.set_file("/sys/class/block/nvme0n1/device/serial", "S466NX0M776250H     \n");
  auto d = resolve_disk(host, "/dev/nvme0n1p1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->whole_disk, "nvme0n1");
  EXPECT_EQ(d->sysfs_serial, "S466NX0M776250H");
}

TEST(DiskTarget, UnknownDeviceIsAnError) {
  FakeHostAdapter host;
  auto d = resolve_disk(host, "/dev/sdz");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.error().message, HasSubstr("/dev/sdz"));
}

TEST(DiskSafety, BlankUnusedDiskIsAllowed) {
  DiskHarness h;
  auto v = check_destructive(h.host, *resolve_disk(h.host, "/dev/sdb"), confirmed());
  EXPECT_TRUE(v.allowed) << v.reason;
}

TEST(DiskSafety, PartitionOfTheBootDiskIsRefused) {
  DiskHarness h;
  add_partition(h.host, "sda", "sda1", "8:1");
  auto v = check_destructive(h.host, *resolve_disk(h.host, "/dev/sda1"), confirmed());
  EXPECT_FALSE(v.allowed);
  EXPECT_THAT(v.reason, HasSubstr("disk sda is in use"));
}

TEST(DiskSafety, DiskUnderAMountedDeviceMapperVolumeIsRefused) {
  DiskHarness h;
  h.host.set_link("/sys/class/block/dm-0", "../../devices/virtual/block/dm-0");
  h.host.set_link("/sys/dev/block/254:0", "../../devices/virtual/block/dm-0");
  h.host.add_dir("/sys/class/block/dm-0/slaves/sdc");
  h.host.set_file("/proc/self/mountinfo", "30 1 254:0 / /srv rw - xfs /dev/mapper/vg-srv rw\n");
  auto v = check_destructive(h.host, *resolve_disk(h.host, "/dev/sdc"), confirmed());
  EXPECT_FALSE(v.allowed);
  EXPECT_THAT(v.reason, HasSubstr("/dev/mapper/vg-srv mounted on /srv"));
}

TEST(DiskSafety, SwapIsRefused) {
  DiskHarness h;
  h.host.set_file("/proc/swaps",
                  "Filename\tType\tSize\tUsed\tPriority\n/dev/sdb\tpartition\t1024\t0\t-2\n");
  auto v = check_destructive(h.host, *resolve_disk(h.host, "/dev/sdb"), confirmed());
  EXPECT_FALSE(v.allowed);
  EXPECT_THAT(v.reason, HasSubstr("used as swap"));
}

TEST(DiskSafety, RaidMemberIsRefused) {
  DiskHarness h;
  h.host.add_dir("/sys/class/block/sdb/holders/md0");
  auto v = check_destructive(h.host, *resolve_disk(h.host, "/dev/sdb"), confirmed());
  EXPECT_FALSE(v.allowed);
  EXPECT_THAT(v.reason, HasSubstr("held by md0"));
}

TEST(DiskSafety, BlkidThatCannotRunRefuses) {
  DiskHarness h;
  h.host.on({"blkid", "-p", "-o", "export", "/dev/sdb"},
            FakeHostAdapter::exited(4, "", "blkid: unknown option\n"));
  auto v = check_destructive(h.host, *resolve_disk(h.host, "/dev/sdb"), confirmed());
  EXPECT_FALSE(v.allowed);
  EXPECT_THAT(v.reason, HasSubstr("cannot check for signatures"));
}

TEST(DiskSafety, ParamsAndConfirmationAreBothNeeded) {
  DiskHarness h;
  auto disk = *resolve_disk(h.host, "/dev/sdb");
  EXPECT_FALSE(check_destructive(h.host, disk, {false, true, false, "x"}).allowed);
  EXPECT_FALSE(check_destructive(h.host, disk, {true, false, false, "x"}).allowed);
  EXPECT_FALSE(h.host.ran({"blkid"}));
}

}  // namespace
}  // namespace kiln::runner::testing
