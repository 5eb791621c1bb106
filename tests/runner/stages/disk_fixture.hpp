// A fake machine for the disk stages: SATA disks in sysfs, the boot disk sda
// with / mounted from sda2, smartctl and blkid answers.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "stage_harness.hpp"

namespace kiln::runner::testing {

// As on a real AHCI controller: sda on ATA port 1, sdb on port 2...
inline std::string sata_sysfs_path(const std::string& disk) {
  const int host = disk.size() > 2 ? disk[2] - 'a' : 0;
  return fmt::format(
      "../../devices/pci0000:00/0000:00:1f.2/ata{}/host{}/target{}:0:0/{}:0:0:0/block/{}", host + 1,
      host, host, host, disk);
}

// A SATA disk as sysfs shows it (the SCSI layer's model and firmware revision).
inline void add_disk(FakeHostAdapter& host, const std::string& name, bool rotational = true) {
  host.set_link("/sys/class/block/" + name, sata_sysfs_path(name));
  host.set_file("/sys/class/block/" + name + "/queue/rotational", rotational ? "1\n" : "0\n");
  host.set_file("/sys/class/block/" + name + "/device/model", "RIG-SATA-DISK   \n");
  host.set_file("/sys/class/block/" + name + "/device/rev", "2.5+\n");
}

inline void add_partition(FakeHostAdapter& host, const std::string& disk, const std::string& part,
                          const std::string& devnum) {
  host.set_link("/sys/class/block/" + part, sata_sysfs_path(disk) + "/" + part);
  host.set_file("/sys/class/block/" + part + "/partition", "2\n");
  host.set_link("/sys/dev/block/" + devnum, sata_sysfs_path(disk) + "/" + part);
}

// smartctl -j -a output with attribute `id`'s raw count replaced.
inline std::string smart_with_attribute(const std::string& json_text, int id, std::uint64_t raw) {
  auto doc = nlohmann::json::parse(json_text);
  for (auto& attr : doc["ata_smart_attributes"]["table"]) {
    if (attr["id"] == id) {
      attr["raw"]["value"] = raw;
      attr["raw"]["string"] = std::to_string(raw);
    }
  }
  return doc.dump(2);
}

struct DiskHarness : StageHarness {
  DiskHarness() {
    add_disk(host, "sda");
    add_partition(host, "sda", "sda2", "8:2");
    host.set_file("/proc/self/mountinfo",
                  "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
                  "27 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw,errors=remount-ro\n");
    host.set_file("/proc/mounts", "proc /proc proc rw 0 0\n/dev/sda2 / ext4 rw 0 0\n");
    host.set_file("/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
    add_disk(host, "sdb");
    add_disk(host, "sdc");
    options.destructive_confirmed = true;
    host.on({"blkid", "-p"}, FakeHostAdapter::exited(2));
    smart = test_data("smartctl", "smart-sda-qemu.json");
  }
  void smart_for(const std::string& dev, const std::string& before, const std::string& after) {
    host.on({"smartctl", "-j", "-a", dev}, FakeHostAdapter::exited(0, before));
    host.on({"smartctl", "-j", "-a", dev}, FakeHostAdapter::exited(0, after));
  }
  void clean_badblocks(const std::string& dev) {
    host.on({"badblocks", "-wsv", "-b", "4096", "-p", "1", dev},
            FakeHostAdapter::exited(0, "", test_data("badblocks", "bb.err")));
  }
  std::string smart;
};

}  // namespace kiln::runner::testing
