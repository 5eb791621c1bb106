// The components to send back: every FAIL diagnosis of a delivery's burn-in
// reports that names a part (disk, DIMM, NIC, CPU, PSU, fan...), with the
// node's serial, the part's serial / model / slot, the failure code and
// message, and the evidence (the measurements on that part that broke their
// limits). Firmware and settings findings (the catalog codes whose returns_part is false)
// are not parts to return: they are in the requirements and findings.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/delivery_nodes.hpp"

namespace kiln::orchestrator {

struct RmaEvidence {
  std::string measurement;
  std::string value;
  std::string unit;
  std::string limit;  // "<= 0 (limits.disk.bad_blocks_max)"
};

struct RmaLine {
  const NodeRecord* node = nullptr;
  std::string stage;
  std::string component;  // as the report names it: "disk S3Z9NX0K (/dev/sdb)"
  std::string kind;       // "disk", "DIMM", "NIC", "CPU", ...
  std::string serial;
  std::string model;
  std::string slot;  // device, DIMM locator, PCI address
  std::string code;  // the diagnosis verdict: "disk-smart-health-failed"
  std::string message;
  std::vector<RmaEvidence> evidence;
};

std::vector<RmaLine> rma_lines(const std::vector<DeliveryNode>& nodes);
nlohmann::json to_json(const RmaLine& line);

// "disk S3Z9NX0K (/dev/sdb)" -> kind disk, serial S3Z9NX0K, slot /dev/sdb;
// "DIMM A1 (serial 36ADF)" -> kind DIMM, slot A1, serial 36ADF.
void parse_component(const std::string& component, RmaLine& line);

}  // namespace kiln::orchestrator
