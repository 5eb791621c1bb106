#include "tools/ipmitool_mc_info.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "kiln/utf8.hpp"
#include "tools/text_scan.hpp"

namespace kiln::tools {

std::string BmcDeviceInfo::firmware_text() const {
  const bool zero = std::all_of(aux_firmware.begin(), aux_firmware.end(), [](const auto& b) {
    return scan::to_u64(b.size() > 2 ? std::string_view(b).substr(2) : std::string_view(b), 16)
               .value_or(1) == 0;
  });
  if (aux_firmware.empty() || zero) return firmware_revision;
  return fmt::format("{} (aux {})", firmware_revision, fmt::join(aux_firmware, " "));
}

Expected<BmcDeviceInfo> parse_ipmitool_mc_info(std::string_view raw) {
  const std::string text = valid_utf8(raw);
  if (scan::is_blank(text)) {
    return make_error(std::string(kMcInfoParseError), "ipmitool mc info: empty output",
                      "check that the ipmi_si and ipmi_devintf modules are loaded (/dev/ipmi0)");
  }
  BmcDeviceInfo info;
  bool in_aux = false;
  bool have_firmware = false;
  for (std::string_view line : scan::lines(text)) {
    const bool indented = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    if (indented) {  // the items of "Additional Device Support" or "Aux Firmware Rev Info"
      if (in_aux) {
        std::string_view item = scan::trim(line);
        if (scan::starts_with(item, "0x") && item.size() <= 4) info.aux_firmware.emplace_back(item);
      }
      continue;
    }
    in_aux = false;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = scan::trim(line.substr(0, colon));
    const std::string value(scan::trim(line.substr(colon + 1)));
    if (key == "Device ID") {
      info.device_id = value;
    } else if (key == "Device Revision") {
      info.device_revision = value;
    } else if (key == "Firmware Revision") {
      info.firmware_revision = value;
      have_firmware = !value.empty();
    } else if (key == "IPMI Version") {
      info.ipmi_version = value;
    } else if (key == "Manufacturer ID") {
      info.manufacturer_id = value;
    } else if (key == "Manufacturer Name") {
      info.manufacturer = value;
    } else if (key == "Product ID") {
      info.product_id = value;
    } else if (key == "Product Name") {
      info.product = value;
    } else if (key == "Aux Firmware Rev Info") {
      in_aux = true;
    }
  }
  if (!have_firmware) {
    return make_error(
        std::string(kMcInfoParseError),
        fmt::format("ipmitool mc info: no \"Firmware Revision : X\" line in {} bytes", text.size()),
        "run `ipmitool mc info` by hand: the BMC may not answer Get Device ID");
  }
  return info;
}

}  // namespace kiln::tools
