#include "stages/inventory/storage_controllers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <regex>

namespace kiln::runner {
namespace {

constexpr const char* kClass = "/sys/class/scsi_host/";

// The attributes drivers name their firmware by, tried in this order.
constexpr std::array kFirmwareAttributes{
    "version_fw", "firmware_revision", "firmware_version", "fw_version",
    "fwrev",      "hba_kernel_version"};
constexpr std::array kBiosAttributes{"version_bios", "hba_bios_version", "optrom_bios_version"};
constexpr std::array kModelAttributes{"board_name", "model", "version_product", "modeldesc"};

std::string first_of(HostAdapter& host, const std::string& dir, const auto& names,
                     std::string* which = nullptr) {
  for (const char* name : names) {
    std::string v = read_trimmed(host, dir + name);
    if (!v.empty()) {
      if (which != nullptr) *which = name;
      return v;
    }
  }
  return {};
}

// The last PCI function in a sysfs device path:
// "../../devices/pci0000:00/0000:00:1f.2/ata1/host0/scsi_host/host0" -> "0000:00:1f.2".
std::string pci_function_of(const std::string& link) {
  static const std::regex kPci(R"(([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]))");
  std::string found;
  for (auto it = std::sregex_iterator(link.begin(), link.end(), kPci); it != std::sregex_iterator();
       ++it)
    found = (*it)[1].str();
  return found;
}

std::string hex_id(HostAdapter& host, const std::string& path) {
  std::string v = read_trimmed(host, path);
  if (v.starts_with("0x") || v.starts_with("0X")) v = v.substr(2);
  return v;
}

int host_number(const std::string& name) {
  try {
    return std::stoi(name.substr(4));
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

std::vector<StorageController> probe_storage_controllers(HostAdapter& host) {
  auto names = host.list_dir("/sys/class/scsi_host");
  if (!names) return {};
  std::vector<std::string> hosts;
  for (const auto& n : *names)
    if (n.starts_with("host") && host_number(n) >= 0) hosts.push_back(n);
  std::sort(hosts.begin(), hosts.end(), [](const std::string& a, const std::string& b) {
    return host_number(a) < host_number(b);
  });

  std::map<std::string, StorageController> by_function;  // PCI address (or the host) -> controller
  std::map<std::string, std::pair<std::string, std::string>> span;  // first and last host
  for (const auto& h : hosts) {
    const std::string dir = std::string(kClass) + h + "/";
    auto link = host.read_link(std::string(kClass) + h);
    const std::string pci = link ? pci_function_of(*link) : "";
    const std::string key = pci.empty() ? h : pci;
    auto [it, fresh] = by_function.try_emplace(key);
    auto& c = it->second;
    if (fresh) {
      c.driver = read_trimmed(host, dir + "proc_name");
      c.pci_address = pci;
      if (!pci.empty()) {
        const std::string dev = "/sys/bus/pci/devices/" + pci + "/";
        const std::string vendor = hex_id(host, dev + "vendor");
        const std::string device = hex_id(host, dev + "device");
        if (!vendor.empty() && !device.empty()) c.pci_id = vendor + ":" + device;
      }
      span[key] = {h, h};
    } else {
      span[key].second = h;
    }
    if (c.firmware.empty()) c.firmware = first_of(host, dir, kFirmwareAttributes, &c.source);
    if (c.bios.empty()) c.bios = first_of(host, dir, kBiosAttributes);
    if (c.model.empty()) c.model = first_of(host, dir, kModelAttributes);
  }
  std::vector<StorageController> out;
  for (auto& [key, c] : by_function) {
    const auto& [first, last] = span[key];
    c.hosts = first == last ? first : first + "-" + last;
    if (c.firmware.empty()) {
      c.note = fmt::format("driver {} exposes no firmware version in {}{}/",
                           c.driver.empty() ? "(unknown)" : c.driver, kClass, first);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace kiln::runner
