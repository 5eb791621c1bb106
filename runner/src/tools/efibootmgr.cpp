#include "tools/efibootmgr.hpp"

#include <fmt/format.h>

#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

Error parse_error(const std::string& what) {
  return make_error(std::string(kEfibootmgrParseError), "efibootmgr: " + what);
}

bool hex4(std::string_view s) {
  if (s.size() != 4) return false;
  for (char c : s) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// "Boot0002* UEFI PXEv4 (MAC:...)\tPciRoot(...)" -> the entry; nullopt for other lines.
std::optional<EfiBootEntry> entry_line(std::string_view line) {
  if (!scan::starts_with(line, "Boot") || line.size() < 8 || !hex4(line.substr(4, 4)))
    return std::nullopt;
  EfiBootEntry e;
  e.id = upper(line.substr(4, 4));
  std::string_view rest = line.substr(8);
  if (!rest.empty() && rest.front() == '*') {
    e.active = true;
    rest.remove_prefix(1);
  }
  const auto tab = rest.find('\t');
  e.description = std::string(scan::trim(rest.substr(0, tab)));
  if (tab != std::string_view::npos) e.device_path = std::string(scan::trim(rest.substr(tab + 1)));
  return e;
}

}  // namespace

std::vector<std::string> efibootmgr_argv() {
  return {"efibootmgr", "-v"};
}

const EfiBootEntry* EfiBootConfig::find(std::string_view id) const {
  for (const auto& e : entries) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

Expected<EfiBootConfig> parse_efibootmgr(std::string_view text) {
  EfiBootConfig config;
  bool saw_order = false;
  for (auto raw : scan::lines(text)) {
    const auto line = scan::trim(raw);
    if (scan::starts_with(line, "BootOrder:")) {
      saw_order = true;
      const auto list = scan::trim(line.substr(10));
      if (list.empty()) continue;  // an empty BootOrder: nothing is tried in order
      for (auto id : scan::split(list, ',')) {
        id = scan::trim(id);
        if (!hex4(id))
          return parse_error(fmt::format("BootOrder entry '{}' is not four hex digits",
                                         std::string(id.substr(0, 16))));
        config.order.push_back(upper(id));
      }
    } else if (scan::starts_with(line, "BootCurrent:")) {
      config.current = upper(scan::trim(line.substr(12)));
    } else if (scan::starts_with(line, "BootNext:")) {
      config.next = upper(scan::trim(line.substr(9)));
    } else if (auto entry = entry_line(line)) {
      config.entries.push_back(std::move(*entry));
    }
  }
  if (!saw_order && config.entries.empty())
    return parse_error("no BootOrder line and no Boot#### entry in the output");
  return config;
}

bool is_network_boot(const EfiBootEntry& entry) {
  const auto& path = entry.device_path;
  // A MAC() node: the firmware's PXE/HTTP (IPv4()/IPv6()/Uri() after it) or
  // the NIC's own option ROM (iPXE: the path ends at MAC()).
  if (!path.empty()) return path.find("MAC(") != std::string::npos;
  return scan::icontains(entry.description, "pxe") || scan::icontains(entry.description, "http") ||
         scan::icontains(entry.description, "network");
}

}  // namespace kiln::tools
