// What kiln keeps of a server's FRU (ipmitool fru print).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace kiln {

struct FruDevice {
  std::string description;  // "Builtin FRU Device (ID 0)"
  std::map<std::string, std::string> fields;  // "Product Serial" -> "..."
  bool present = true;  // false for "Device not present (...)"
};

struct FruInfo {
  std::vector<FruDevice> devices;
  // From the first device that has them (ID 0 normally).
  std::string product_asset_tag;
  std::string product_serial;
  std::string product_manufacturer;
  std::string product_name;
  std::string product_part_number;
  std::string board_serial;
  std::string board_manufacturer;
  std::string board_product;
  std::string chassis_serial;
};

}  // namespace kiln
