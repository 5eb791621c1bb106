#include "tools/ethtool.hpp"

#include <fmt/format.h>

#include "kiln/utf8.hpp"
#include "tools/text_scan.hpp"

namespace kiln::tools {

Expected<NicDriverInfo> parse_ethtool_driver_info(std::string_view raw) {
  const std::string text = valid_utf8(raw);
  if (scan::is_blank(text)) {
    return make_error(std::string(kEthtoolParseError), "ethtool -i: empty output");
  }
  NicDriverInfo info;
  bool have_driver = false;
  for (std::string_view line : scan::lines(text)) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = scan::trim(line.substr(0, colon));
    const std::string value(scan::trim(line.substr(colon + 1)));
    if (key == "driver") {
      info.driver = value;
      have_driver = !value.empty();
    } else if (key == "version") {
      info.version = value;
    } else if (key == "firmware-version") {
      info.firmware = value;
    } else if (key == "expansion-rom-version") {
      info.expansion_rom = value;
    } else if (key == "bus-info") {
      info.bus_info = value;
    }
  }
  if (!have_driver) {
    return make_error(std::string(kEthtoolParseError),
                      fmt::format("ethtool -i: no \"driver: NAME\" line in {} bytes: {}",
                                  text.size(), std::string(scan::trim(text)).substr(0, 120)));
  }
  return info;
}

std::vector<std::string> ethtool_driver_info_argv(const std::string& iface) {
  return {"ethtool", "-i", iface};
}

}  // namespace kiln::tools
