#include "kiln/catalog/component.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "kiln/json_input.hpp"

namespace kiln::catalog {

std::string label(const ComponentIdentity& c) {
  if (c.kind == "nic") {
    return fmt::format("NIC {} (MAC {}, PCI {})", c.name, c.serial.empty() ? "unknown" : c.serial,
                       c.location.empty() ? "none" : c.location);
  }
  if (c.kind == "disk") {
    const std::string device = c.device.empty() ? "/dev/" + c.name : c.device;
    if (c.serial.empty()) {
      return c.location.empty() ? "disk " + device
                                : fmt::format("disk {} ({})", device, c.location);
    }
    return c.location.empty() ? fmt::format("disk {} ({})", c.serial, device)
                              : fmt::format("disk {} ({}, {})", c.serial, device, c.location);
  }
  return c.name;
}

std::string hardware_info_id(const ComponentIdentity& c) {
  return fmt::format("{}-{}", c.kind.empty() ? "part" : c.kind, c.name);
}

nlohmann::json to_json(const ComponentIdentity& c) {
  nlohmann::json j{{"kind", c.kind}, {"name", c.name}};
  if (!c.model.empty()) j["partNumber"] = c.model;
  if (!c.serial.empty()) j["serialNumber"] = c.serial;
  if (!c.firmware.empty()) j["version"] = c.firmware;
  if (!c.location.empty()) j["location"] = c.location;
  if (c.speed_mbps) j["speedMbps"] = *c.speed_mbps;
  if (!c.device.empty()) j["device"] = c.device;
  return j;
}

std::optional<ComponentIdentity> identity_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  ComponentIdentity c;
  c.kind = json_string(j, "kind").value_or("");
  c.name = json_string(j, "name").value_or("");
  c.model = json_string(j, "partNumber").value_or("");
  c.serial = json_string(j, "serialNumber").value_or("");
  c.firmware = json_string(j, "version").value_or("");
  c.location = json_string(j, "location").value_or("");
  c.device = json_string(j, "device").value_or("");
  if (auto speed = json_number(j, "speedMbps"); speed && *speed > 0 && *speed < 1e7) {
    c.speed_mbps = static_cast<std::uint32_t>(*speed);
  }
  return c;
}

}  // namespace kiln::catalog
