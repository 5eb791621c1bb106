#include "tools/ipmitool_fru.hpp"

#include <fmt/format.h>

#include "kiln/utf8.hpp"
#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

constexpr std::string_view kHeader = "FRU Device Description";

void add_field(FruDevice& device, std::string key, std::string value) {
  if (!device.fields.contains(key)) {
    device.fields.emplace(std::move(key), std::move(value));
    return;
  }
  for (int n = 2;; ++n) {
    std::string numbered = fmt::format("{} ({})", key, n);
    if (!device.fields.contains(numbered)) {
      device.fields.emplace(std::move(numbered), std::move(value));
      return;
    }
  }
}

bool is_area_field(std::string_view key) {
  return scan::starts_with(key, "Chassis ") || scan::starts_with(key, "Board ") ||
         scan::starts_with(key, "Product ");
}

void fill_summary(FruInfo& info) {
  struct Wanted {
    std::string_view key;
    std::string* target;
  };
  const Wanted wanted[] = {
      {"Product Asset Tag", &info.product_asset_tag},
      {"Product Serial", &info.product_serial},
      {"Product Manufacturer", &info.product_manufacturer},
      {"Product Name", &info.product_name},
      {"Product Part Number", &info.product_part_number},
      {"Board Serial", &info.board_serial},
      {"Board Mfg", &info.board_manufacturer},
      {"Board Product", &info.board_product},
      {"Chassis Serial", &info.chassis_serial},
  };
  for (const auto& w : wanted) {
    for (const auto& device : info.devices) {
      if (!device.present) continue;
      auto it = device.fields.find(std::string(w.key));
      if (it != device.fields.end()) {
        *w.target = it->second;
        break;
      }
    }
  }
}

}  // namespace

std::vector<std::string> ipmitool_fru_argv(const std::optional<IpmiLanTarget>& lan) {
  auto argv = ipmitool_prefix(lan);
  argv.insert(argv.end(), {"fru", "print", "0"});
  return argv;
}

Expected<FruInfo> parse_ipmitool_fru(std::string_view raw_text) {
  // A BMC's FRU strings are whatever bytes the vendor wrote (Latin-1 "²",
  // 0xFF padding): made valid UTF-8 here, since they end up in JSON.
  const std::string utf8 = valid_utf8(raw_text);
  const std::string_view text = utf8;
  if (scan::is_blank(text)) {
    return make_error(
        std::string(kFruParseError), "ipmitool fru print: empty output",
        "check that the BMC answers (ipmi_si/ipmi_devintf loaded, /dev/ipmi0 present)");
  }
  FruInfo info;
  FruDevice* current = nullptr;
  for (std::string_view raw_line : scan::lines(text)) {
    std::string_view line = scan::trim(raw_line);
    if (line.empty()) continue;
    std::size_t colon = line.find(':');
    if (scan::starts_with(line, kHeader) && colon != std::string_view::npos) {
      info.devices.push_back(FruDevice{std::string(scan::trim(line.substr(colon + 1))), {}, true});
      current = &info.devices.back();
      continue;
    }
    if (scan::starts_with(line, "Device not present")) {
      if (current == nullptr) {
        info.devices.push_back(FruDevice{});
        current = &info.devices.back();
      }
      current->present = false;
      continue;
    }
    if (colon == std::string_view::npos || colon == 0) continue;  // noise, not a field
    std::string_view key = scan::trim(line.substr(0, colon));
    if (key.empty()) continue;
    if (current == nullptr) {
      // OpenBMC `fru list 0` prints fields without a header line; before any
      // header only FRU area fields count, so "Error: ..." lines stay noise.
      if (!is_area_field(key)) continue;
      info.devices.push_back(FruDevice{});
      current = &info.devices.back();
    }
    add_field(*current, std::string(key), std::string(scan::trim(line.substr(colon + 1))));
  }
  if (info.devices.empty()) {
    return make_error(std::string(kFruParseError),
                      fmt::format("ipmitool fru print: no \"FRU Device Description\" header and no "
                                  "Chassis/Board/Product field in {} bytes of output",
                                  text.size()));
  }
  fill_summary(info);
  return info;
}

}  // namespace kiln::tools
