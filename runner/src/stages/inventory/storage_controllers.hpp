// Storage controllers (SAS/SATA HBAs, RAID adapters) and the firmware the
// kernel exposes for them: every /sys/class/scsi_host/hostN, grouped by the
// PCI function it sits on (an AHCI controller is one host per port), its
// driver (proc_name) and the driver's own firmware attribute (mpt3sas
// version_fw, hpsa firmware_revision, smartpqi firmware_version, qla2xxx /
// pm80xx fw_version, lpfc fwrev, aacraid hba_kernel_version). A driver that
// exposes none (ahci, virtio_scsi, megaraid_sas) is recorded with the reason:
// never guessed.
#pragma once

#include <string>
#include <vector>

#include "host/host_adapter.hpp"

namespace kiln::runner {

struct StorageController {
  std::string hosts;        // "host0" or "host0-host5": the SCSI hosts on this function
  std::string driver;       // proc_name: "mpt3sas", "ahci"
  std::string pci_address;  // "0000:3b:00.0"; "" when not on PCI
  std::string pci_id;       // "1000:0097" from sysfs vendor:device
  std::string model;        // board_name / model / version_product where the driver has one
  std::string firmware;     // "" when the driver exposes none (see note)
  std::string bios;         // the option ROM's version where exposed (mpt3sas version_bios)
  std::string source;       // the sysfs attribute the firmware came from: "version_fw"
  std::string note;         // why firmware is empty
};

// Sorted by PCI address. An absent /sys/class/scsi_host (no SCSI layer) is no controller.
std::vector<StorageController> probe_storage_controllers(HostAdapter& host);

}  // namespace kiln::runner
