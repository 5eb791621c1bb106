#include "kiln/firmware.hpp"
#include "kiln/text.hpp"
#include "stages/inventory/inventory_probe.hpp"
#include "tools/procfs.hpp"

#include <charconv>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace kiln::runner {
namespace {

std::string trim(std::string_view s) { return std::string(kiln::trim(s)); }

template <class T>
std::optional<T> number(std::string_view s) {
  std::string t = trim(s);
  T v{};
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || t.empty()) return std::nullopt;
  return v;
}

std::string basename(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool is_virtual_block(const std::string& name) {
  for (const char* prefix : {"loop", "ram", "zram", "dm-", "md", "sr", "nbd", "fd"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

std::string disk_transport(HostAdapter& host, const std::string& name) {
  if (name.starts_with("nvme")) return "nvme";
  if (name.starts_with("vd")) return "virtio";
  auto link = host.read_link("/sys/block/" + name);
  std::string path = link ? *link : "";
  if (path.find("/usb") != std::string::npos) return "usb";
  if (path.find("/ata") != std::string::npos) return "sata";
  if (path.find("/host") != std::string::npos) return "sas";
  return "unknown";
}

// SCSI VPD page 0x80: 4-byte header then the serial.
std::string vpd_serial(const std::string& raw) {
  if (raw.size() <= 4) return {};
  return trim(raw.substr(4));
}

}  // namespace

CpuInventory parse_cpuinfo(std::string_view text) {
  CpuInventory cpu;
  std::set<std::string> sockets;
  std::set<std::pair<std::string, std::string>> cores;
  std::string physical_id = "0";
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = trim(std::string_view(line).substr(0, colon));
    std::string value = trim(std::string_view(line).substr(colon + 1));
    if (key == "processor") {
      ++cpu.threads;
      physical_id = "0";
    } else if (key == "model name" && cpu.model.empty()) {
      cpu.model = value;
    } else if (key == "physical id") {
      physical_id = value;
      sockets.insert(value);
    } else if (key == "core id") {
      cores.insert({physical_id, value});
    } else if (key == "microcode" && !value.empty()) {
      if (cpu.microcode.empty()) {
        cpu.microcode = value;
      } else if (value != cpu.microcode) {
        cpu.microcode_mixed = true;
        if (compare_versions(value, cpu.microcode) < 0) cpu.microcode = value;
      }
    }
  }
  cpu.sockets = sockets.empty() ? (cpu.threads > 0 ? 1 : 0) : static_cast<int>(sockets.size());
  cpu.cores = cores.empty() ? cpu.threads : static_cast<int>(cores.size());
  return cpu;
}

std::optional<int> parse_ethtool_speed(std::string_view text) {
  auto pos = text.find("Speed:");
  if (pos == std::string_view::npos) return std::nullopt;
  auto rest = text.substr(pos + 6);
  auto end = rest.find("Mb/s");
  if (end == std::string_view::npos) return std::nullopt;
  return number<int>(rest.substr(0, end));
}

HostInventory probe_inventory(HostAdapter& host, const std::filesystem::path& log_dir) {
  HostInventory inv;
  if (auto cpuinfo = host.read_file("/proc/cpuinfo")) inv.cpu = parse_cpuinfo(*cpuinfo);
  if (auto meminfo = host.read_file("/proc/meminfo")) inv.memtotal_kib = tools::meminfo_kib(*meminfo, "MemTotal");

  auto dmi = host.run({tools::dmidecode_argv(17), std::chrono::seconds(60), log_dir / "dmidecode.log", std::nullopt});
  if (!dmi) {
    inv.dimm_error = dmi.error().message;
  } else if (!dmi->exited_with(0)) {
    inv.dimm_error = fmt::format("dmidecode -t 17: {}: {}", dmi->describe(), dmi->stderr_tail());
  } else if (auto parsed = tools::parse_dmidecode(dmi->stdout_text)) {
    inv.dimms = parsed->memory_devices;
  } else {
    inv.dimm_error = parsed.error().message;
  }

  if (auto blocks = host.list_dir("/sys/block")) {
    for (const auto& name : *blocks) {
      if (is_virtual_block(name)) continue;
      DiskInventory d;
      d.name = name;
      std::string base = "/sys/block/" + name;
      d.model = read_trimmed(host, base + "/device/model");
      d.serial = read_trimmed(host, base + "/device/serial");
      if (d.serial.empty()) {
        if (auto vpd = host.read_file(base + "/device/vpd_pg80")) d.serial = vpd_serial(*vpd);
      }
      if (d.serial.empty()) d.serial = read_trimmed(host, base + "/serial");  // virtio
      d.size_bytes = number<std::uint64_t>(read_trimmed(host, base + "/size")).value_or(0) * 512;
      d.rotational = read_trimmed(host, base + "/queue/rotational") == "1";
      d.transport = disk_transport(host, name);
      inv.disks.push_back(std::move(d));
    }
  }

  if (auto nets = host.list_dir("/sys/class/net")) {
    for (const auto& name : *nets) {
      std::string base = "/sys/class/net/" + name;
      if (!host.exists(base + "/device")) continue;  // lo, bridges, veth: not hardware
      NicInventory n;
      n.name = name;
      n.mac = read_trimmed(host, base + "/address");
      n.operstate = read_trimmed(host, base + "/operstate");
      if (auto dev = host.read_link(base + "/device")) n.pci_address = basename(*dev);
      if (auto drv = host.read_link(base + "/device/driver")) n.driver = basename(*drv);
      auto speed = number<int>(read_trimmed(host, base + "/speed"));
      if (speed && *speed > 0) {
        n.speed_mbps = speed;
      } else if (auto eth = host.run({{"ethtool", name}, std::chrono::seconds(10), std::nullopt, std::nullopt});
                 eth && eth->exited_with(0)) {
        n.speed_mbps = parse_ethtool_speed(eth->stdout_text);
      }
      inv.nics.push_back(std::move(n));
    }
  }
  return inv;
}

}  // namespace kiln::runner
