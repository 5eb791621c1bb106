// Who a component is, apart from how reports name it ("disk S3Z9NX0K
// (/dev/sdb)"): the identity OCPTV calls hardwareInfo. Diagnoses name the
// exact part from it; a delivery's batch groups a figure by the component's
// role (its model, its link speed), never by serial or MAC.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

namespace kiln::catalog {

struct ComponentIdentity {
  std::string kind;  // "disk", "nic"
  std::string name;  // kernel name: "sdb", "eno1"
  std::string model;
  std::string serial;  // a NIC's MAC address
  std::string firmware;
  std::string location;                     // device path, slot or PCI address
  std::optional<std::uint32_t> speed_mbps;  // a NIC's negotiated link speed
};

// As report.json writes it under a measurement's "hardware" (OCPTV hardwareInfo
// field names: name, partNumber, serialNumber, version, location).
nlohmann::json to_json(const ComponentIdentity& c);
// Reads what to_json wrote; fields missing or of the wrong type stay empty.
std::optional<ComponentIdentity> identity_from_json(const nlohmann::json& j);

}  // namespace kiln::catalog
