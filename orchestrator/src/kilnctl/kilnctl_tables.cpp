#include "kilnctl/kilnctl_tables.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"

namespace kiln::orchestrator {
namespace {

std::string str(const nlohmann::json& j, std::string_view key) {
  if (auto s = json_string(j, key)) return s->empty() ? "-" : *s;
  if (auto n = json_integer(j, key)) return std::to_string(*n);
  if (auto d = json_number(j, key)) return fmt::format("{:.1f}", *d);
  return "-";
}

const nlohmann::json& array_at(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const auto* a = json_path(j, {key});
  return a != nullptr && a->is_array() ? *a : kEmpty;
}

std::string run_line(const nlohmann::json& r) {
  return fmt::format("{:<22} {:<38} {:<10} {:<12} {:>6} {:<8} {}\n", str(r, "id"), str(r, "node"),
                     str(r, "state"), str(r, "stage"), str(r, "progress"), str(r, "verdict"),
                     str(r, "ironic_state"));
}
const std::string kRunHeader = fmt::format("{:<22} {:<38} {:<10} {:<12} {:>6} {:<8} {}\n", "RUN",
                                           "NODE", "STATE", "STAGE", "%", "VERDICT", "IRONIC");

}  // namespace

std::string deliveries_table(const nlohmann::json& body) {
  // PASSED..RUNNING: burn-in runs; WIPED/CERTIFIED/WIPE-FAILED: decommission runs.
  std::string out =
      fmt::format("{:<24} {:>6} {:>7} {:>7} {:>8} {:>8} {:>6} {:>9} {:>11}\n", "DELIVERY", "NODES",
                  "PASSED", "FAILED", "ERRORED", "RUNNING", "WIPED", "CERTIFIED", "WIPE-FAILED");
  for (const auto& d : array_at(body, "deliveries")) {
    const auto* decommission = json_path(d, {"decommission"});
    const nlohmann::json none = nlohmann::json::object();
    const auto& w = decommission != nullptr ? *decommission : none;
    out += fmt::format("{:<24} {:>6} {:>7} {:>7} {:>8} {:>8} {:>6} {:>9} {:>11}\n", str(d, "tag"),
                       str(d, "nodes"), str(d, "passed"), str(d, "failed"), str(d, "errored"),
                       str(d, "running"), str(w, "wiped"), str(w, "certified"), str(w, "failed"));
  }
  return out;
}

std::string delivery_table(const nlohmann::json& body) {
  std::string out =
      fmt::format("delivery {}: {} nodes; burn-in: {} passed, {} failed, {} errored, {} running\n",
                  str(body, "tag"), str(body, "nodes"), str(body, "passed"), str(body, "failed"),
                  str(body, "errored"), str(body, "running"));
  const auto* decommission = json_path(body, {"decommission"});
  const bool any_decommission = decommission != nullptr && json_integer(*decommission, "nodes") &&
                                *json_integer(*decommission, "nodes") > 0;
  if (any_decommission) {
    out += fmt::format("decommission: {} nodes, {} wiped, {} certified, {} failed, {} running\n",
                       str(*decommission, "nodes"), str(*decommission, "wiped"),
                       str(*decommission, "certified"), str(*decommission, "failed"),
                       str(*decommission, "running"));
  }
  out += fmt::format("\n{:<38} {:<20} {:<8} {:<14} {}\n", "NODE", "SERIAL", "BURN-IN",
                     "DECOMMISSION", "FIRST FAILURE");
  for (const auto& n : array_at(body, "node_list")) {
    const auto* run = json_path(n, {"run"});
    const auto* wipe = json_path(n, {"decommission_run"});
    std::string verdict = run != nullptr ? str(*run, "verdict") : "-";
    std::string decommissioned = "-";
    if (wipe != nullptr) {
      const auto* certified = json_path(*wipe, {"certified"});
      decommissioned = str(*wipe, "verdict") == "-" ? str(*wipe, "state") : str(*wipe, "verdict");
      if (certified != nullptr && certified->is_boolean() && certified->get<bool>())
        decommissioned += " cert";
    }
    // The burn-in's first failure, else the decommission's (named as such).
    std::string failure = "-";
    if (run != nullptr && !array_at(*run, "failures").empty() &&
        array_at(*run, "failures")[0].is_string()) {
      failure = array_at(*run, "failures")[0].get<std::string>();
    } else if (wipe != nullptr && !array_at(*wipe, "failures").empty() &&
               array_at(*wipe, "failures")[0].is_string()) {
      failure = "decommission: " + array_at(*wipe, "failures")[0].get<std::string>();
    }
    out += fmt::format("{:<38} {:<20} {:<8} {:<14} {}\n", str(n, "uuid"), str(n, "serial"), verdict,
                       decommissioned, failure);
  }
  return out;
}

std::string nodes_table(const nlohmann::json& body) {
  std::string out = fmt::format("{:<38} {:<20} {:<20} {:<22} {}\n", "NODE", "DELIVERY", "SERIAL",
                                "LATEST RUN", "VERDICT");
  for (const auto& n : array_at(body, "nodes")) {
    const auto* run = json_path(n, {"latest_run"});
    out += fmt::format("{:<38} {:<20} {:<20} {:<22} {}\n", str(n, "uuid"), str(n, "asset_tag"),
                       str(n, "serial"), run != nullptr ? str(*run, "id") : "-",
                       run != nullptr ? str(*run, "verdict") : "-");
  }
  return out;
}

std::string node_table(const nlohmann::json& body) {
  std::string out =
      fmt::format("node       {}\ndelivery   {}\nserial     {}\nDMI serial {}\nMACs       {}\n",
                  str(body, "uuid"), str(body, "asset_tag"), str(body, "serial"),
                  str(body, "dmi_serial"), array_at(body, "macs").dump());
  if (const auto* run = json_path(body, {"latest_run"}); run != nullptr)
    out += "\n" + kRunHeader + run_line(*run);
  return out;
}

std::string run_table(const nlohmann::json& run) {
  std::string out = kRunHeader + run_line(run);
  out +=
      fmt::format("\n{} run; artifacts {} (acknowledged up to {}), attempt {}, last heartbeat {}\n",
                  str(run, "kind"), str(run, "artifacts"), str(run, "acknowledged"),
                  str(run, "attempt"), str(run, "last_heartbeat"));
  if (auto e = json_string(run, "ironic_error"); e && !e->empty())
    out += fmt::format("ironic: {}\n", *e);
  // Unexpected reboots and runner restarts (docs/reboots.md).
  for (const auto& e : array_at(run, "events")) {
    const auto* in = json_path(e, {"interrupted"});
    const std::string where = in != nullptr && in->is_object()
                                  ? fmt::format("during {} at {:.0f} %", str(*in, "stage"),
                                                json_number(*in, "progress").value_or(0))
                                  : std::string("between stages");
    out += fmt::format("{} {} {} (on_unexpected_reboot: {})\n", str(e, "at"),
                       str(e, "kind") == "runner_restart" ? "runner restarted" : "node rebooted",
                       where, str(e, "policy"));
  }
  if (!array_at(run, "stages").empty()) {
    out += fmt::format("\n{:<16} {}\n", "STAGE", "VERDICT");
    for (const auto& s : array_at(run, "stages"))
      out += fmt::format("{:<16} {}\n", str(s, "name"), str(s, "verdict"));
  }
  for (const auto& f : array_at(run, "failures")) {
    if (f.is_string()) out += fmt::format("FAIL: {}\n", f.get<std::string>());
  }
  if (auto url = json_string(run, "report_url")) out += fmt::format("report: {}\n", *url);
  return out;
}

std::string started_table(const nlohmann::json& body) {
  std::string out = fmt::format("{:<22} {}\n", "RUN", "NODE");
  for (const auto& r : array_at(body, "runs"))
    out += fmt::format("{:<22} {}\n", str(r, "run_id"), str(r, "node"));
  return out;
}

}  // namespace kiln::orchestrator
