#include "kiln/catalog/component.hpp"

#include <nlohmann/json.hpp>

#include "kiln/json_input.hpp"

namespace kiln::catalog {

nlohmann::json to_json(const ComponentIdentity& c) {
  nlohmann::json j{{"kind", c.kind}, {"name", c.name}};
  if (!c.model.empty()) j["partNumber"] = c.model;
  if (!c.serial.empty()) j["serialNumber"] = c.serial;
  if (!c.firmware.empty()) j["version"] = c.firmware;
  if (!c.location.empty()) j["location"] = c.location;
  if (c.speed_mbps) j["speedMbps"] = *c.speed_mbps;
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
  if (auto speed = json_number(j, "speedMbps"); speed && *speed > 0 && *speed < 1e7) {
    c.speed_mbps = static_cast<std::uint32_t>(*speed);
  }
  return c;
}

}  // namespace kiln::catalog
