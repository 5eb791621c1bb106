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
  std::string location;                     // a disk's slot or port, a NIC's PCI address
  std::optional<std::uint32_t> speed_mbps;  // a NIC's negotiated link speed
  std::string device{};                     // a disk's device path: "/dev/sdb"
};

// How reports and messages name the part: "disk S3Z9NX0K (/dev/sdb, slot 3)",
// "disk /dev/loop3", "NIC eno1 (MAC 3c:ec:ef:00:00:01, PCI 0000:3b:00.0)".
std::string label(const ComponentIdentity& c);

// The OCPTV hardwareInfoId of the part in its node's dutInfo: "disk-sdb",
// "nic-eno1" (kind and kernel name: unique within one run).
std::string hardware_info_id(const ComponentIdentity& c);

// As report.json writes it under a measurement's or diagnosis' "hardware"
// (OCPTV hardwareInfo field names: name, partNumber, serialNumber, version,
// location; kiln's own: kind, speedMbps, device).
nlohmann::json to_json(const ComponentIdentity& c);
// Reads what to_json wrote; fields missing or of the wrong type stay empty.
std::optional<ComponentIdentity> identity_from_json(const nlohmann::json& j);

}  // namespace kiln::catalog
