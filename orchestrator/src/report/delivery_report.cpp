#include "report/delivery_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analysis/delivery_summary.hpp"
#include "kiln/json_input.hpp"
#include "kiln/version.hpp"
#include "report/delivery_nodes.hpp"
#include "report/firmware_distribution.hpp"
#include "report/rma_list.hpp"
#include "report/tender_requirements.hpp"

namespace kiln::orchestrator {
namespace {

std::string text(const nlohmann::json& j, std::string_view key) {
  return json_string(j, key).value_or("");
}

nlohmann::json header(const DeliveryReportInput& in, const std::vector<DeliveryNode>& nodes) {
  std::string from;
  std::string to;
  std::set<std::string> resolved;
  std::set<std::string> runner_versions;
  for (const auto& n : nodes) {
    if (n.report.is_null()) continue;
    const std::string started = text(n.report, "started");
    const std::string ended = text(n.report, "ended");
    if (!started.empty() && (from.empty() || started < from)) from = started;
    if (!ended.empty() && ended > to) to = ended;
    if (const auto* c = json_path(n.report, {"config"})) resolved.insert(text(*c, "sha256"));
    runner_versions.insert(text(n.report, "kiln_version"));
  }
  resolved.erase("");
  runner_versions.erase("");
  const Delivery* d = in.delivery;
  return {{"delivery", in.tag},
          {"purchase_order", in.tag},
          {"tender_reference", d != nullptr ? d->tender_reference : ""},
          {"description", d != nullptr ? d->description : ""},
          {"config_known", d != nullptr},
          {"period", {{"from", from}, {"to", to}}},
          {"kiln_version", std::string(kiln_version())},
          {"runner_versions", runner_versions},
          {"config_sha256",
           {{"delivery_file", d != nullptr ? d->source_sha256 : ""}, {"resolved", resolved}}},
          {"generated_at", in.generated_at}};
}

nlohmann::json node_firmware(const nlohmann::json& report) {
  const auto* fw = json_path(report, {"firmware"});
  if (fw == nullptr || !fw->is_object()) return nullptr;
  nlohmann::json disks = nlohmann::json::array();
  if (const auto* list = json_path(*fw, {"disks"}); list != nullptr && list->is_array()) {
    for (const auto& d : *list) {
      disks.push_back({{"name", text(d, "name")},
                       {"model", text(d, "model")},
                       {"serial", text(d, "serial")},
                       {"firmware", text(d, "firmware")}});
    }
  }
  nlohmann::json nics = nlohmann::json::array();
  if (const auto* list = json_path(*fw, {"nics"}); list != nullptr && list->is_array()) {
    for (const auto& x : *list) {
      nics.push_back({{"name", text(x, "name")},
                      {"driver", text(x, "driver")},
                      {"firmware", text(x, "firmware")}});
    }
  }
  const auto* bios = json_path(*fw, {"bios"});
  const auto* bmc = json_path(*fw, {"bmc"});
  return {{"bios", bios != nullptr && bios->is_object() ? text(*bios, "version") : ""},
          {"bios_date", bios != nullptr && bios->is_object() ? text(*bios, "release_date") : ""},
          {"bmc", bmc != nullptr && bmc->is_object() ? text(*bmc, "firmware") : ""},
          {"cpu_microcode", text(*fw, "cpu_microcode")},
          {"disks", disks},
          {"nics", nics}};
}

nlohmann::json key_figures(const nlohmann::json& report) {
  nlohmann::json out = nlohmann::json::array();
  const auto* stages = json_path(report, {"stages"});
  if (stages == nullptr || !stages->is_array()) return out;
  for (const auto& s : *stages) {
    const auto* figures = json_path(s, {"key_figures"});
    if (figures == nullptr || !figures->is_array()) continue;
    for (const auto& f : *figures) {
      const auto* value = json_path(f, {"value"});
      out.push_back({{"stage", text(s, "name")},
                     {"name", text(f, "name")},
                     {"value", value != nullptr ? *value : nlohmann::json(nullptr)},
                     {"unit", text(f, "unit")},
                     {"component", text(f, "component")}});
    }
  }
  return out;
}

}  // namespace

Expected<std::optional<nlohmann::json>> build_delivery_report(RunStore& store,
                                                              const OutlierSettings& rule,
                                                              const DeliveryReportInput& in) {
  // The nodes and their runs with reports read once, for the outliers and the rest.
  auto all_nodes = store.list_delivery_nodes(in.tag);
  if (!all_nodes) return all_nodes.error();
  auto runs = store.list_runs(delivery_runs_query(in.tag));
  if (!runs) return runs.error();
  auto summary = summarize_delivery(store, rule, in.tag, *all_nodes, *runs);
  if (!summary) return summary.error();
  if (!*summary) return std::optional<nlohmann::json>();
  const auto nodes = delivery_nodes(in.tag, *all_nodes, *runs);
  const auto distribution = firmware_distribution(nodes);
  const auto requirements = tender_requirements(nodes);
  const auto rma = rma_lines(nodes);
  const nlohmann::json& s = **summary;

  nlohmann::json req_json = nlohmann::json::array();
  bool all_met = true;
  for (const auto& r : requirements) {
    all_met = all_met && r.verdict() == "PASS";
    nlohmann::json per_node = nlohmann::json::array();
    for (const auto& st : r.nodes) {
      per_node.push_back({{"node", st.node->uuid}, {"value", st.value}, {"met", st.met}});
    }
    req_json.push_back({{"requirement", r.name},
                        {"label", r.label},
                        {"limit", r.limit},
                        {"unit", r.unit},
                        {"min", r.min},
                        {"median", r.median},
                        {"max", r.max},
                        {"nodes_checked", r.checked()},
                        {"nodes_meeting", r.meeting()},
                        {"verdict", r.verdict()},
                        {"nodes", per_node}});
  }

  nlohmann::json node_json = nlohmann::json::array();
  std::map<std::string, int> verdicts{{"PASS", 0}, {"FAIL", 0}, {"ERROR", 0}, {"none", 0}};
  for (const auto& n : nodes) {
    const std::string verdict =
        n.latest && !n.latest->verdict.empty() ? n.latest->verdict : std::string("none");
    ++verdicts[verdict];
    nlohmann::json findings = nlohmann::json::array();
    for (const auto* f : findings_of_node(distribution, n.node.uuid))
      findings.push_back(f->message);
    nlohmann::json node_outliers = nlohmann::json::array();
    for (const auto& o : outliers_of_node(s, n.node.uuid)) node_outliers.push_back(o.message);
    const auto* failures = json_path(n.report, {"failures"});
    std::string first_failure;
    if (failures != nullptr && failures->is_array() && !failures->empty() &&
        failures->front().is_string())
      first_failure = failures->front().get<std::string>();
    nlohmann::json failed = nlohmann::json::array();
    for (const auto& r : requirements) {
      for (const auto& st : r.nodes) {
        if (st.node == &n.node && !st.met) failed.push_back(r.name);
      }
    }
    node_json.push_back({{"uuid", n.node.uuid},
                         {"serial", n.node.serial},
                         {"asset_tag", n.node.asset_tag},
                         {"dmi_serial", n.node.dmi_serial},
                         {"verdict", verdict},
                         {"state", n.latest ? n.latest->state : "no run"},
                         {"run_id", n.reported ? n.reported->id : ""},
                         {"first_failure", first_failure},
                         {"requirements_failed", failed},
                         {"key_figures", key_figures(n.report)},
                         {"firmware", node_firmware(n.report)},
                         {"findings", findings},
                         {"outliers", node_outliers}});
  }
  nlohmann::json rma_json = nlohmann::json::array();
  for (const auto& l : rma) rma_json.push_back(to_json(l));
  const int total = static_cast<int>(nodes.size());
  const bool accepted = all_met && verdicts["PASS"] == total;
  nlohmann::json body{
      {"report_kind", "kiln delivery report"},
      {"report_format", kDeliveryReportFormat},
      {"header", header(in, nodes)},
      {"verdict",
       {{"result", accepted ? "PASS" : "FAIL"},
        {"nodes", total},
        {"reported", json_integer(s, "reported").value_or(0)},
        {"by_verdict", verdicts},
        {"requirements", requirements.size()},
        {"requirements_met", std::count_if(requirements.begin(), requirements.end(),
                                           [](const auto& r) { return r.verdict() == "PASS"; })},
        {"rma_components", rma.size()},
        {"systematic_findings", distribution.findings.size()},
        {"outliers",
         json_path(s, {"outliers"}) != nullptr ? json_path(s, {"outliers"})->size() : 0}}},
      {"requirements", req_json},
      {"nodes", node_json},
      {"rma", rma_json},
      {"outliers", json_path(s, {"outliers"}) != nullptr ? *json_path(s, {"outliers"})
                                                         : nlohmann::json::array()},
      {"firmware", to_json(distribution)},
      {"decommission", json_path(s, {"decommission"}) != nullptr ? *json_path(s, {"decommission"})
                                                                 : nlohmann::json::object()}};
  return std::optional<nlohmann::json>(std::move(body));
}

}  // namespace kiln::orchestrator
