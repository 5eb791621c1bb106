// The firmware a node runs, read through the host adapter: BIOS (dmidecode
// type 0), BMC (`ipmitool mc info`), CPU microcode (/proc/cpuinfo), each
// disk's firmware (`smartctl -j -i`, else `nvme id-ctrl`, else sysfs), each
// NIC's driver and firmware (`ethtool -i`), each storage controller's
// firmware where its driver exposes it (sysfs scsi_host) and each DIMM's part number with
// rated and configured speed (dmidecode type 17). What cannot be read is
// recorded with the reason, never guessed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stage/stage.hpp"
#include "stages/inventory/inventory_probe.hpp"
#include "stages/inventory/storage_controllers.hpp"
#include "tools/dmidecode.hpp"
#include "tools/ipmitool_mc_info.hpp"
#include "tools/ipmitool_target.hpp"

namespace kiln::runner {

struct DiskFirmware {
  std::string name;  // "sda"
  std::string model;
  std::string serial;
  std::string firmware;  // "" when it could not be read (see error)
  std::string source;    // "smartctl", "nvme id-ctrl", "sysfs"
  std::string error;
};

struct NicFirmware {
  std::string name;  // "eth0"
  std::string mac;
  std::string pci_address;
  std::string pci_id;  // "8086:1572" from sysfs vendor/device, "" when not PCI
  std::string driver;
  std::string driver_version;
  std::string firmware;  // ethtool's firmware-version ("" when the driver reports none)
  std::string error;
};

struct DimmFirmware {
  std::string locator;
  std::string manufacturer;
  std::string part_number;
  std::string serial;
  std::optional<int> rated_mts;       // "Speed"
  std::optional<int> configured_mts;  // "Configured Memory/Clock Speed"
};

struct FirmwareInventory {
  std::optional<tools::DmiBios> bios;
  std::string bios_error;
  std::optional<tools::BmcDeviceInfo> bmc;
  std::string bmc_error;
  std::string microcode;
  bool microcode_mixed = false;
  std::vector<DiskFirmware> disks;
  std::vector<NicFirmware> nics;
  std::vector<StorageController> controllers;  // storage_controllers.hpp
  std::vector<DimmFirmware> dimms;
  std::string dimm_error;
};

// `lan`: the BMC over LAN when the run was given --bmc, else in-band.
FirmwareInventory probe_firmware(StageContext& ctx, const HostInventory& inventory,
                                 const std::optional<tools::IpmiLanTarget>& lan);

// As streamed (OCPTV extension "kiln.firmware") and written to report.json
// "firmware" (results-schema/report.schema.json#/$defs/firmware).
nlohmann::json firmware_json(const FirmwareInventory& firmware);

// /sys/block/NAME/device/{firmware_rev,rev}: sysfs' firmware text, "" when none.
std::string sysfs_disk_firmware(HostAdapter& host, const std::string& name);

}  // namespace kiln::runner
