#include "report/firmware_distribution.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "kiln/firmware.hpp"
#include "kiln/json_input.hpp"

namespace kiln::orchestrator {
namespace {

struct Collector {
  struct Acc {
    std::string label;
    std::map<std::string, std::vector<const NodeRecord*>> values;
    std::set<const NodeRecord*> seen;
  };
  std::map<std::string, Acc> items;
  std::vector<std::string> order;  // first-seen order of keys

  void add(const std::string& key, const std::string& label, const std::string& value,
           const NodeRecord* node) {
    auto [it, inserted] = items.try_emplace(key);
    if (inserted) {
      it->second.label = label;
      order.push_back(key);
    }
    if (value.empty()) return;
    auto& list = it->second.values[value];
    if (std::find(list.begin(), list.end(), node) == list.end()) list.push_back(node);
    it->second.seen.insert(node);
  }
};

std::string text(const nlohmann::json& j, std::string_view key) {
  return json_string(j, key).value_or("");
}

// A node's DIMMs as one value: the distinct part numbers (or speeds), sorted.
std::string joined(std::set<std::string> parts) {
  parts.erase("");
  return fmt::format("{}", fmt::join(parts, " + "));
}

void collect(const DeliveryNode& n, Collector& c) {
  const auto* fw = json_path(n.report, {"firmware"});
  if (fw == nullptr || !fw->is_object()) return;
  const NodeRecord* node = &n.node;
  const auto* bios = json_path(*fw, {"bios"});
  c.add("bios", "BIOS version", bios != nullptr ? text(*bios, "version") : "", node);
  const auto* bmc = json_path(*fw, {"bmc"});
  c.add("bmc", "BMC firmware", bmc != nullptr ? text(*bmc, "firmware") : "", node);
  c.add("cpu_microcode", "CPU microcode", text(*fw, "cpu_microcode"), node);
  if (const auto* disks = json_path(*fw, {"disks"}); disks != nullptr && disks->is_array()) {
    for (const auto& d : *disks) {
      const std::string model = text(d, "model");
      c.add(fmt::format("disk[{}]", model), fmt::format("disk firmware, model {}", model),
            text(d, "firmware"), node);
    }
  }
  if (const auto* nics = json_path(*fw, {"nics"}); nics != nullptr && nics->is_array()) {
    for (const auto& x : *nics) {
      const std::string kind = fmt::format(
          "{}{}", text(x, "driver"), text(x, "pci_id").empty() ? "" : " " + text(x, "pci_id"));
      c.add(fmt::format("nic[{}]", kind), fmt::format("NIC firmware, {}", kind),
            text(x, "firmware"), node);
    }
  }
  if (const auto* ctrls = json_path(*fw, {"storage_controllers"});
      ctrls != nullptr && ctrls->is_array()) {
    for (const auto& x : *ctrls) {
      const std::string kind = fmt::format(
          "{}{}", text(x, "driver"), text(x, "pci_id").empty() ? "" : " " + text(x, "pci_id"));
      c.add(fmt::format("storage_controller[{}]", kind),
            fmt::format("storage controller firmware, {}", kind), text(x, "firmware"), node);
    }
  }
  if (const auto* dimms = json_path(*fw, {"dimms"}); dimms != nullptr && dimms->is_array()) {
    std::set<std::string> parts;
    std::set<std::string> speeds;
    for (const auto& m : *dimms) {
      parts.insert(text(m, "part_number"));
      if (auto s = json_integer(m, "configured_speed_mts"))
        speeds.insert(fmt::format("{} MT/s", *s));
    }
    c.add("dimm_part", "DIMM part numbers", joined(parts), node);
    c.add("dimm_speed", "DIMM configured speed", joined(speeds), node);
  }
}

// The first kNamedInMessage nodes by name, then how many more: a finding's
// message stays a line whatever the delivery's size (its node list has them all).
constexpr std::size_t kNamedInMessage = 20;
std::string names(const std::vector<const NodeRecord*>& nodes) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < nodes.size() && i < kNamedInMessage; ++i)
    out.push_back(node_name(*nodes[i]));
  if (nodes.size() > kNamedInMessage)
    out.push_back(fmt::format("and {} more", nodes.size() - kNamedInMessage));
  return fmt::format("{}", fmt::join(out, ", "));
}

nlohmann::json node_list(const std::vector<const NodeRecord*>& nodes, std::size_t listed) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < nodes.size() && i < listed; ++i)
    out.push_back({{"uuid", nodes[i]->uuid}, {"serial", nodes[i]->serial}});
  return out;
}

}  // namespace

FirmwareDistribution firmware_distribution(const std::vector<DeliveryNode>& nodes) {
  Collector c;
  int with_firmware = 0;
  for (const auto& n : nodes) {
    if (json_path(n.report, {"firmware"}) != nullptr) ++with_firmware;
    collect(n, c);
  }
  FirmwareDistribution out;
  for (const auto& key : c.order) {
    const auto& acc = c.items[key];
    FirmwareItem item{key, acc.label, {}, 0};
    for (const auto& [value, list] : acc.values) item.values.push_back({value, list});
    std::stable_sort(item.values.begin(), item.values.end(),
                     [](const FirmwareValue& a, const FirmwareValue& b) {
                       if (a.nodes.size() != b.nodes.size()) return a.nodes.size() > b.nodes.size();
                       return compare_versions(a.value, b.value) > 0;  // newest first
                     });
    item.unread = with_firmware - static_cast<int>(acc.seen.size());
    if (item.values.empty()) continue;  // nobody could read it: nothing to compare
    out.items.push_back(std::move(item));
  }
  for (const auto& item : out.items) {
    if (item.uniform()) continue;
    int of = 0;
    for (const auto& v : item.values) of += static_cast<int>(v.nodes.size());
    const std::size_t top = item.values[0].nodes.size();
    const bool has_majority = item.values[1].nodes.size() < top;
    for (std::size_t i = has_majority ? 1 : 0; i < item.values.size(); ++i) {
      const auto& v = item.values[i];
      SystematicFinding f;
      f.key = item.key;
      f.label = item.label;
      f.value = v.value;
      f.nodes = v.nodes;
      f.of = of;
      if (has_majority) {
        f.majority = item.values[0].value;
        f.majority_nodes = static_cast<int>(top);
        f.message = fmt::format(
            "{} {} on {} of {} nodes ({}) while {} run {}: not uniform across the delivery",
            item.label, v.value, v.nodes.size(), of, names(v.nodes), top, f.majority);
      } else {
        f.message = fmt::format("{} {} on {} of {} nodes ({}): no value runs on most nodes",
                                item.label, v.value, v.nodes.size(), of, names(v.nodes));
      }
      out.findings.push_back(std::move(f));
    }
  }
  return out;
}

nlohmann::json to_json(const FirmwareDistribution& d, std::size_t listed) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : d.items) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : item.values) {
      values.push_back({{"value", v.value},
                        {"nodes", v.nodes.size()},
                        {"node_list", node_list(v.nodes, listed)}});
    }
    items.push_back({{"key", item.key},
                     {"label", item.label},
                     {"uniform", item.uniform()},
                     {"unread", item.unread},
                     {"summary", describe(item)},
                     {"values", values}});
  }
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : d.findings) {
    findings.push_back({{"key", f.key},
                        {"label", f.label},
                        {"value", f.value},
                        {"majority", f.majority},
                        {"majority_nodes", f.majority_nodes},
                        {"of", f.of},
                        {"nodes", node_list(f.nodes, listed)},
                        {"message", f.message}});
  }
  return {{"items", items}, {"findings", findings}};
}

std::vector<const SystematicFinding*> findings_of_node(const FirmwareDistribution& d,
                                                       const std::string& node_uuid) {
  std::vector<const SystematicFinding*> out;
  for (const auto& f : d.findings) {
    if (std::any_of(f.nodes.begin(), f.nodes.end(),
                    [&](const NodeRecord* n) { return n->uuid == node_uuid; }))
      out.push_back(&f);
  }
  return out;
}

Expected<std::vector<std::string>> node_firmware_findings(RunStore& store,
                                                          const std::string& node_uuid) {
  auto node = store.find_node(node_uuid);
  if (!node) return node.error();
  std::vector<std::string> out;
  if (!*node || (*node)->asset_tag.empty()) return out;
  auto nodes = store.list_delivery_nodes((*node)->asset_tag);
  if (!nodes) return nodes.error();
  auto runs = store.list_runs(delivery_runs_query((*node)->asset_tag));
  if (!runs) return runs.error();
  const auto members = delivery_nodes((*node)->asset_tag, *nodes, *runs, /*firmware_only=*/true);
  const auto distribution = firmware_distribution(members);
  for (const auto* f : findings_of_node(distribution, node_uuid)) out.push_back(f->message);
  return out;
}

std::string describe(const FirmwareItem& item) {
  std::vector<std::string> parts;
  for (const auto& v : item.values) {
    parts.push_back(
        fmt::format("{}: {} node{}", v.value, v.nodes.size(), v.nodes.size() == 1 ? "" : "s"));
  }
  std::string out = fmt::format("{} {}", item.label, fmt::join(parts, ", "));
  if (item.unread > 0) out += fmt::format(" (unread on {})", item.unread);
  return out;
}

}  // namespace kiln::orchestrator
