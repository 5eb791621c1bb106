#include "report/delivery_nodes.hpp"

#include <algorithm>
#include <map>

namespace kiln::orchestrator {

std::vector<DeliveryNode> delivery_nodes(const std::string& tag,
                                         const std::vector<NodeRecord>& nodes,
                                         const std::vector<RunRow>& runs, bool firmware_only) {
  std::map<std::string, DeliveryNode> by_uuid;
  for (const auto& n : nodes) {
    if (n.asset_tag == tag) by_uuid[n.uuid].node = n;
  }
  for (const auto& r : runs) {  // ordered by creation: the last one wins
    auto it = by_uuid.find(r.node_uuid);
    if (it == by_uuid.end()) continue;
    if (r.kind == "decommission") {
      it->second.decommission = r;
      continue;
    }
    it->second.latest = r;
    if (!r.report.empty() && !r.verdict.empty()) it->second.reported = r;
  }
  std::vector<DeliveryNode> out;
  out.reserve(by_uuid.size());
  for (auto& [uuid, n] : by_uuid) {
    if (n.reported) n.report = nlohmann::json::parse(n.reported->report, nullptr, false);
    if (n.report.is_discarded()) n.report = nullptr;
    if (firmware_only) {
      if (n.report.is_object()) {
        auto fw = n.report.find("firmware");
        n.report = fw != n.report.end() ? nlohmann::json{{"firmware", std::move(*fw)}}
                                        : nlohmann::json::object();
      }
      if (n.latest) n.latest->report.clear();
      if (n.reported) n.reported->report.clear();
    }
    out.push_back(std::move(n));
  }
  std::stable_sort(out.begin(), out.end(), [](const DeliveryNode& a, const DeliveryNode& b) {
    return a.node.serial != b.node.serial ? a.node.serial < b.node.serial
                                          : a.node.uuid < b.node.uuid;
  });
  return out;
}

std::string node_name(const NodeRecord& node) {
  return node.serial.empty() ? node.uuid : node.uuid + " (" + node.serial + ")";
}

}  // namespace kiln::orchestrator
