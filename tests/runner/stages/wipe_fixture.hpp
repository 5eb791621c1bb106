// A fake machine for the decommission stages: an NVMe namespace, a SATA and a
// SAS disk and a loop device, each with an in-memory block device; sda is the
// boot disk. The run is a confirmed decommission unless a test says otherwise.
#pragma once

#include "disk_fixture.hpp"

namespace kiln::runner::testing {

inline constexpr std::uint64_t kFakeDiskSize = 8ULL * 1024 * 1024;

struct WipeHarness : DiskHarness {
  WipeHarness() {
    options.mode = "decommission";
    options.decommission_confirmed = true;
    host.set_link("/sys/class/block/nvme0n1",
                  "../../devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1");
    host.set_file("/sys/class/block/nvme0n1/queue/rotational", "0\n");
    host.set_file("/sys/class/block/sdb/device/vendor", "ATA     \n");
    host.set_file("/sys/class/block/sdc/device/vendor", "SEAGATE \n");
    host.set_link("/sys/class/block/loop0", "../../devices/virtual/block/loop0");
    host.set_file("/sys/class/block/loop0/loop/backing_file", "/var/tmp/disk.img\n");
    for (const auto* name : {"nvme0n1", "sdb", "sdc", "loop0", "sda"}) {
      host.set_file(std::string("/sys/class/block/") + name + "/size",
                    std::to_string(kFakeDiskSize / 512) + "\n");
      disks[name] = host.add_block_device(std::string("/dev/") + name, kFakeDiskSize);
      fill_with_secrets(*disks[name]);
    }
    host.on({"blkdiscard"}, FakeHostAdapter::exited(0));
    param("verify", "full");
  }

  // Old data: a marker string repeated, as a disk full of customer data would be.
  static void fill_with_secrets(FakeDisk& disk) {
    const std::string marker = "CUSTOMER-SECRET ";
    for (std::size_t i = 0; i < disk.bytes.size(); ++i) {
      disk.bytes[i] = static_cast<std::byte>(marker[i % marker.size()]);
    }
  }
  static bool all_zero(const FakeDisk& disk) {
    return std::all_of(disk.bytes.begin(), disk.bytes.end(),
                       [](std::byte b) { return b == std::byte{0}; });
  }
  static bool holds_secrets(const FakeDisk& disk) {
    return std::string(reinterpret_cast<const char*>(disk.bytes.data()), 64)
               .find("CUSTOMER-SECRET") != std::string::npos;
  }
  // The wipe record of `device` from the stage's evidence.
  [[nodiscard]] nlohmann::json disk_record(const std::string& device) const {
    for (const auto& d : record.evidence.value("disks", nlohmann::json::array())) {
      if (d.value("device", "") == device) return d;
    }
    ADD_FAILURE() << "no wipe record for " << device << " in " << record.evidence.dump();
    return nlohmann::json::object();
  }

  std::map<std::string, std::shared_ptr<FakeDisk>> disks;
};

}  // namespace kiln::runner::testing
