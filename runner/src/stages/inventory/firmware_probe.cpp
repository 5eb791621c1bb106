#include "stages/inventory/firmware_probe.hpp"

#include <fmt/format.h>

#include "stage/tool_command.hpp"
#include "tools/ethtool.hpp"
#include "tools/ipmitool_bmc_config.hpp"
#include "tools/nvme_cli.hpp"
#include "tools/smartctl.hpp"

namespace kiln::runner {
namespace {

constexpr std::chrono::seconds kToolTimeout{60};

std::string hex_id(HostAdapter& host, const std::string& path) {
  std::string v = read_trimmed(host, path);
  if (v.starts_with("0x") || v.starts_with("0X")) v = v.substr(2);
  return v;
}

// A failed run as one line: "`ipmitool mc info` exit 1: Could not open device...".
std::string failure_text(const std::vector<std::string>& argv,
                         const Expected<CommandResult>& result) {
  if (!result) return describe_failure(argv, result.error());
  return describe_failure(argv, *result);
}

void probe_bios(StageContext& ctx, FirmwareInventory& fw) {
  const auto argv = tools::dmidecode_argv(0);
  auto result = run_tool(ctx, argv, kToolTimeout, "dmidecode-bios");
  if (!result || !result->exited_with(0)) {
    fw.bios_error = failure_text(argv, result);
    return;
  }
  auto parsed = tools::parse_dmidecode(result->stdout_text);
  if (!parsed) {
    fw.bios_error = parsed.error().message;
  } else if (!parsed->bios.present) {
    fw.bios_error = "dmidecode -t 0 listed no BIOS Information record";
  } else {
    fw.bios = parsed->bios;
  }
}

void probe_bmc(StageContext& ctx, FirmwareInventory& fw,
               const std::optional<tools::IpmiLanTarget>& lan) {
  const auto argv = tools::ipmitool_mc_info_argv(lan);
  std::vector<std::string> secrets;
  if (lan && !lan->password.empty()) secrets.push_back(lan->password);
  auto result = run_tool(ctx, argv, kToolTimeout, "ipmitool-mc-info", secrets);
  if (!result || !result->exited_with(0)) {
    fw.bmc_error = failure_text(argv, result);
    return;
  }
  auto parsed = tools::parse_ipmitool_mc_info(result->stdout_text);
  if (!parsed) {
    fw.bmc_error = parsed.error().message;
  } else {
    fw.bmc = std::move(*parsed);
  }
}

DiskFirmware probe_disk(StageContext& ctx, const DiskInventory& disk) {
  DiskFirmware d{disk.name, disk.model, disk.serial, "", "", ""};
  const std::string dev = "/dev/" + disk.name;
  const std::vector<std::string> argv{"smartctl", "-j", "-i", dev};
  auto result = run_tool(ctx, argv, kToolTimeout, "smartctl-identity-" + disk.name);
  if (result && !result->timed_out && !result->signalled &&
      !tools::decode_smartctl_exit(result->exit_code).no_data()) {
    if (auto snap = tools::parse_smartctl_json(result->stdout_text); snap) {
      if (!snap->model.empty()) d.model = snap->model;
      if (!snap->serial.empty()) d.serial = snap->serial;
      d.firmware = snap->firmware;
      if (!d.firmware.empty()) d.source = "smartctl";
    }
  }
  if (d.firmware.empty() && disk.transport == "nvme") {
    const auto nvme_argv = tools::nvme_id_ctrl_argv(tools::nvme_controller_of(dev));
    auto id = run_tool(ctx, nvme_argv, kToolTimeout, "nvme-id-ctrl-" + disk.name);
    if (id && id->exited_with(0)) {
      if (auto ctrl = tools::parse_nvme_id_ctrl(id->stdout_text); ctrl && !ctrl->firmware.empty()) {
        d.firmware = ctrl->firmware;
        d.source = "nvme id-ctrl";
      }
    }
  }
  if (d.firmware.empty()) {
    d.firmware = sysfs_disk_firmware(ctx.host, disk.name);
    if (!d.firmware.empty()) d.source = "sysfs";
  }
  if (d.firmware.empty()) {
    d.error = fmt::format("no firmware version from smartctl -i, {}sysfs ({})",
                          disk.transport == "nvme" ? "nvme id-ctrl, " : "",
                          result ? result->describe() : result.error().message);
  }
  return d;
}

NicFirmware probe_nic(StageContext& ctx, const NicInventory& nic) {
  NicFirmware n{nic.name, nic.mac, nic.pci_address, "", nic.driver, "", "", ""};
  const std::string base = "/sys/class/net/" + nic.name + "/device/";
  const std::string vendor = hex_id(ctx.host, base + "vendor");
  const std::string device = hex_id(ctx.host, base + "device");
  if (!vendor.empty() && !device.empty()) n.pci_id = vendor + ":" + device;
  const auto argv = tools::ethtool_driver_info_argv(nic.name);
  auto result = run_tool(ctx, argv, kToolTimeout, "ethtool-i-" + nic.name);
  if (!result || !result->exited_with(0)) {
    n.error = failure_text(argv, result);
    return n;
  }
  auto info = tools::parse_ethtool_driver_info(result->stdout_text);
  if (!info) {
    n.error = info.error().message;
    return n;
  }
  n.driver = info->driver;
  n.driver_version = info->version;
  n.firmware = info->firmware;
  if (n.pci_address.empty()) n.pci_address = info->bus_info;
  return n;
}

nlohmann::json optional_int(const std::optional<int>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::string sysfs_disk_firmware(HostAdapter& host, const std::string& name) {
  for (const char* file : {"/device/firmware_rev", "/device/rev"}) {
    std::string v = read_trimmed(host, "/sys/block/" + name + file);
    if (!v.empty()) return v;
  }
  return {};
}

FirmwareInventory probe_firmware(StageContext& ctx, const HostInventory& inv,
                                 const std::optional<tools::IpmiLanTarget>& lan) {
  FirmwareInventory fw;
  probe_bios(ctx, fw);
  probe_bmc(ctx, fw, lan);
  fw.microcode = inv.cpu.microcode;
  fw.microcode_mixed = inv.cpu.microcode_mixed;
  for (const auto& d : inv.disks) fw.disks.push_back(probe_disk(ctx, d));
  for (const auto& n : inv.nics) fw.nics.push_back(probe_nic(ctx, n));
  fw.controllers = probe_storage_controllers(ctx.host);
  fw.dimm_error = inv.dimm_error;
  for (const auto& m : inv.dimms) {
    if (!m.installed) continue;
    fw.dimms.push_back(DimmFirmware{m.locator, m.manufacturer, m.part_number, m.serial, m.speed_mts,
                                    m.configured_speed_mts});
  }
  return fw;
}

nlohmann::json firmware_json(const FirmwareInventory& fw) {
  nlohmann::json j = nlohmann::json::object();
  nlohmann::json errors = nlohmann::json::object();
  if (fw.bios) {
    j["bios"] = {{"vendor", fw.bios->vendor},
                 {"version", fw.bios->version},
                 {"release_date", fw.bios->release_date},
                 {"revision", fw.bios->bios_revision}};
  } else {
    j["bios"] = nullptr;
    errors["bios"] = fw.bios_error;
  }
  if (fw.bmc) {
    j["bmc"] = {
        {"firmware", fw.bmc->firmware_text()},  {"firmware_revision", fw.bmc->firmware_revision},
        {"aux_firmware", fw.bmc->aux_firmware}, {"ipmi_version", fw.bmc->ipmi_version},
        {"manufacturer", fw.bmc->manufacturer}, {"product", fw.bmc->product}};
  } else {
    j["bmc"] = nullptr;
    errors["bmc"] = fw.bmc_error;
  }
  j["cpu_microcode"] =
      fw.microcode.empty() ? nlohmann::json(nullptr) : nlohmann::json(fw.microcode);
  j["cpu_microcode_mixed"] = fw.microcode_mixed;
  if (fw.microcode.empty()) errors["cpu_microcode"] = "/proc/cpuinfo has no microcode line";
  j["disks"] = nlohmann::json::array();
  for (const auto& d : fw.disks) {
    nlohmann::json dj{{"name", d.name},
                      {"model", d.model},
                      {"serial", d.serial},
                      {"firmware", d.firmware},
                      {"source", d.source}};
    if (!d.error.empty()) dj["error"] = d.error;
    j["disks"].push_back(std::move(dj));
  }
  j["nics"] = nlohmann::json::array();
  for (const auto& n : fw.nics) {
    nlohmann::json nj{
        {"name", n.name},        {"mac", n.mac},       {"pci_address", n.pci_address},
        {"pci_id", n.pci_id},    {"driver", n.driver}, {"driver_version", n.driver_version},
        {"firmware", n.firmware}};
    if (!n.error.empty()) nj["error"] = n.error;
    j["nics"].push_back(std::move(nj));
  }
  j["storage_controllers"] = nlohmann::json::array();
  for (const auto& c : fw.controllers) {
    nlohmann::json cj{{"hosts", c.hosts},   {"driver", c.driver}, {"pci_address", c.pci_address},
                      {"pci_id", c.pci_id}, {"model", c.model},   {"firmware", c.firmware},
                      {"bios", c.bios},     {"source", c.source}};
    if (!c.note.empty()) cj["note"] = c.note;
    j["storage_controllers"].push_back(std::move(cj));
  }
  j["dimms"] = nlohmann::json::array();
  for (const auto& m : fw.dimms) {
    j["dimms"].push_back({{"locator", m.locator},
                          {"manufacturer", m.manufacturer},
                          {"part_number", m.part_number},
                          {"serial", m.serial},
                          {"rated_speed_mts", optional_int(m.rated_mts)},
                          {"configured_speed_mts", optional_int(m.configured_mts)}});
  }
  if (!fw.dimm_error.empty()) errors["dimms"] = fw.dimm_error;
  j["errors"] = errors;
  return j;
}

}  // namespace kiln::runner
