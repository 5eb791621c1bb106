// How uniform a delivery's firmware is: for each item (BIOS version, BMC
// firmware, CPU microcode, each disk model's firmware, each NIC kind's
// firmware, DIMM part numbers and configured speeds) how many nodes run each
// value ("BIOS 2.17.1: 38 nodes, 2.12.0: 2 nodes"). A value fewer nodes run
// than the most common one is a systematic finding, shown for the delivery
// and flagged on the nodes that run it, whatever the tender says of versions.
// Read from each node's report.json "firmware" (the inventory stage's).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/delivery_nodes.hpp"

namespace kiln::orchestrator {

struct FirmwareValue {
  std::string value;
  std::vector<const NodeRecord*> nodes;
};

struct FirmwareItem {
  std::string key;    // "bios", "bmc", "cpu_microcode", "disk[MODEL]", "nic[DRIVER PCI-ID]", ...
  std::string label;  // "BIOS version", "disk firmware, model ST8000NM0055"
  std::vector<FirmwareValue> values;  // most nodes first, then by version
  int unread = 0;                     // reported nodes without this value
  [[nodiscard]] bool uniform() const { return values.size() <= 1; }
};

struct SystematicFinding {
  std::string key;
  std::string label;
  std::string value;
  std::vector<const NodeRecord*> nodes;  // the nodes running the minority value
  std::string majority;                  // "" when no value has most nodes alone
  int majority_nodes = 0;
  int of = 0;  // nodes with the item
  std::string message;
};

struct FirmwareDistribution {
  std::vector<FirmwareItem> items;
  std::vector<SystematicFinding> findings;
};

// `nodes` must outlive the result (it points into them).
FirmwareDistribution firmware_distribution(const std::vector<DeliveryNode>& nodes);

// {"items": [{key, label, uniform, unread, values: [{value, nodes, node_list:
// [{uuid, serial}]}]}], "findings": [{key, label, value, majority,
// majority_nodes, of, nodes: [{uuid, serial}], message}]}; each node_list and
// finding's nodes cut to the first `listed` (a big delivery's summary: its
// "nodes" still counts them all). A finding's message names its first 20 nodes
// and says how many more.
nlohmann::json to_json(const FirmwareDistribution& distribution,
                       std::size_t listed = static_cast<std::size_t>(-1));

// The findings that name `node_uuid`.
std::vector<const SystematicFinding*> findings_of_node(const FirmwareDistribution& distribution,
                                                       const std::string& node_uuid);

// The messages of the findings naming `node_uuid` in its delivery's batch as
// stored now (none when it has no asset tag); the Ironic driver writes them to
// the node's extra.kiln.firmware_findings.
Expected<std::vector<std::string>> node_firmware_findings(RunStore& store,
                                                          const std::string& node_uuid);

// "BIOS version 2.17.1: 5 nodes, 2.12.0: 1 node".
std::string describe(const FirmwareItem& item);

}  // namespace kiln::orchestrator
