#include "report/report_json.hpp"

#include <fmt/format.h>

#include <ctime>
#include <map>
#include <set>

#include "kiln/catalog/failure_codes.hpp"
#include "kiln/version.hpp"

namespace kiln::runner {
namespace {

std::string iso_time(std::chrono::system_clock::time_point tp) {
  std::time_t t = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double seconds_between(std::chrono::system_clock::time_point a, std::chrono::system_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

nlohmann::json value_json(const MeasuredValue& v) {
  nlohmann::json j;
  to_json(j, v);
  return j;
}

nlohmann::json limit_json(const LimitCheck& c) {
  nlohmann::json j{{"name", c.limit.name}, {"comparison", to_string(c.limit.op)}, {"passed", c.passed}};
  if (c.limit.op == Comparison::kInSet) {
    j["threshold"] = c.limit.set;
  } else {
    j["threshold"] = value_json(c.limit.threshold);
  }
  return j;
}

const char* diagnosis_type(DiagnosisType t) {
  return t == DiagnosisType::kPass ? "PASS" : t == DiagnosisType::kFail ? "FAIL" : "UNKNOWN";
}

// A failed limit that no FAIL diagnosis of its component explains, in the
// catalog's words (KILN-LIMIT-NOT-MET).
std::string limit_failure(const StageRecord& s, const Measurement& m, const LimitCheck& c) {
  const auto* code = catalog::find_failure_code("KILN-LIMIT-NOT-MET");
  std::vector<catalog::FailureArg> args{
      {"where", m.component.empty() ? s.name : fmt::format("{} {}", s.name, m.component)},
      {"measurement", m.name},
      {"value", fmt::format("{}{}{}", format_value(m.value), m.unit.empty() ? "" : " ", m.unit)},
      {"required", describe_requirement(c.limit, m.unit)}};
  auto text = code != nullptr ? catalog::render_failure(*code, args)
                              : Expected<std::string>(make_error("KILN-CATALOG", "no code"));
  return catalog::failure_line("KILN-LIMIT-NOT-MET", text ? *text : m.name);
}

nlohmann::json stage_json(const StageRecord& s, nlohmann::json& limits_checked, nlohmann::json& failures) {
  // The stage's FAIL diagnoses first, in their code's words; then the failed
  // limits no diagnosis of the same component explains.
  std::set<std::string> diagnosed;
  for (const auto& line : s.earlier_failures) failures.push_back(line);
  for (const auto& d : s.diagnoses) {
    if (d.type != DiagnosisType::kFail) continue;
    failures.push_back(catalog::failure_line(d.verdict, d.message));
    diagnosed.insert(d.component);
  }
  nlohmann::json measurements = nlohmann::json::array();
  nlohmann::json key_figures = nlohmann::json::array();
  for (const auto& m : s.measurements) {
    nlohmann::json mj{{"name", m.name}, {"value", value_json(m.value)}, {"unit", m.unit},
                      {"component", m.component}, {"limits", nlohmann::json::array()}};
    if (m.hardware) mj["hardware"] = catalog::to_json(*m.hardware);
    for (const auto& c : m.checks) {
      mj["limits"].push_back(limit_json(c));
      auto lj = limit_json(c);
      lj["stage"] = s.name;
      lj["measurement"] = m.name;
      lj["component"] = m.component;
      lj["value"] = value_json(m.value);
      lj["unit"] = m.unit;
      limits_checked.push_back(std::move(lj));
      if (!c.passed && !diagnosed.contains(m.component)) {
        failures.push_back(limit_failure(s, m, c));
      }
    }
    if (m.key_figure) {
      key_figures.push_back({{"name", m.name}, {"value", value_json(m.value)}, {"unit", m.unit},
                             {"component", m.component}});
    }
    measurements.push_back(std::move(mj));
  }
  nlohmann::json diagnoses = nlohmann::json::array();
  for (const auto& d : s.diagnoses) {
    nlohmann::json dj{{"verdict", d.verdict},
                      {"type", diagnosis_type(d.type)},
                      {"message", d.message},
                      {"component", d.component}};
    if (d.hardware) dj["hardware"] = catalog::to_json(*d.hardware);
    diagnoses.push_back(std::move(dj));
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : s.errors) errors.push_back({{"symptom", e.symptom}, {"message", e.message}});
  nlohmann::json j{{"name", s.name},
                   {"description", s.description},
                   {"params", s.params},
                   {"status", to_string(s.outcome.status())},
                   {"result", to_string(s.outcome.result())},
                   {"verdict", s.outcome.verdict()},
                   {"started", iso_time(s.started)},
                   {"ended", iso_time(s.ended)},
                   {"duration_s", seconds_between(s.started, s.ended)},
                   {"key_figures", key_figures},
                   {"measurements", measurements},
                   {"diagnoses", diagnoses},
                   {"errors", errors}};
  if (!s.skip_reason.empty()) j["skip_reason"] = s.skip_reason;
  if (s.finished_on_earlier_boot) {
    j["finished_on_earlier_boot"] = true;
    j["failures"] = s.earlier_failures;
  }
  return j;
}

}  // namespace

std::vector<std::string> stage_failure_lines(const StageRecord& stage) {
  nlohmann::json limits = nlohmann::json::array();
  nlohmann::json failures = nlohmann::json::array();
  (void)stage_json(stage, limits, failures);
  return failures.get<std::vector<std::string>>();
}

nlohmann::json build_report(const RunRecord& run) {
  const auto& fru = run.node.fru;
  nlohmann::json limits_checked = nlohmann::json::array();
  nlohmann::json failures = nlohmann::json::array();
  nlohmann::json stages = nlohmann::json::array();
  nlohmann::json tool_versions = nlohmann::json::object();
  nlohmann::json firmware;  // the inventory stage's, when it ran
  for (const auto& s : run.stages) {
    stages.push_back(stage_json(s, limits_checked, failures));
    for (const auto& [tool, version] : s.tool_versions) tool_versions[tool] = version;
    if (auto it = s.extensions.find("kiln.firmware"); it != s.extensions.end()) firmware = *it;
  }
  nlohmann::json delivery{{"tag", run.config.delivery_tag}, {"matched", run.config.delivery_matched}};
  if (!run.config.delivery_matched) {
    delivery["note"] = fmt::format("no delivery matches FRU asset tag '{}': the default delivery applied",
                                   run.config.asset_tag);
  }
  if (run.config.override_serial) delivery["override_serial"] = *run.config.override_serial;
  nlohmann::json node{{"fru",
                       {{"product_asset_tag", fru.product_asset_tag},
                        {"product_serial", fru.product_serial},
                        {"product_manufacturer", fru.product_manufacturer},
                        {"product_name", fru.product_name},
                        {"board_serial", fru.board_serial},
                        {"chassis_serial", fru.chassis_serial}}},
                      {"dmi",
                       {{"system_serial", run.node.dmi_system_serial},
                        {"manufacturer", run.node.dmi_manufacturer},
                        {"product", run.node.dmi_product}}}};
  if (!run.node.dmi_error.empty()) node["dmi"]["error"] = run.node.dmi_error;
  nlohmann::json report{{"report_format", kReportFormatVersion},
          {"kiln_version", std::string(kiln_version())},
          {"run_id", run.run_id},
          {"command_line", run.command_line},
          {"node", node},
          {"delivery", delivery},
          {"profile", run.config.profile.name},
          {"config", {{"sha256", run.config.hash}, {"resolved", to_json(run.config)}}},
          {"status", to_string(run.outcome.status())},
          {"result", to_string(run.outcome.result())},
          {"verdict", run.outcome.verdict()},
          {"failures", failures},
          {"started", iso_time(run.started)},
          {"ended", iso_time(run.ended)},
          {"duration_s", seconds_between(run.started, run.ended)},
          {"stages", stages},
          {"limits_checked", limits_checked},
          {"tool_versions", tool_versions}};
  if (!firmware.is_null()) report["firmware"] = std::move(firmware);
  // Every unexpected reboot and runner restart of the run (docs/reboots.md).
  report["reboots"] = run.reboots.is_array() ? run.reboots : nlohmann::json::array();
  return report;
}

std::string verdict_table(const RunRecord& run) {
  std::string out = fmt::format("{:<14} {:<6} {:>9}  {}\n", "STAGE", "VERDICT", "SECONDS", "DETAIL");
  for (const auto& s : run.stages) {
    std::string detail;
    for (const auto& d : s.diagnoses) {
      if (d.type == DiagnosisType::kFail) {
        detail = d.message;
        break;
      }
    }
    if (detail.empty() && !s.errors.empty()) detail = s.errors.front().message;
    if (detail.empty() && !s.skip_reason.empty()) detail = s.skip_reason;
    if (detail.empty()) {
      std::map<std::string, int> seen;
      for (const auto& m : s.measurements) {
        if (m.key_figure) ++seen[m.name];
      }
      for (const auto& m : s.measurements) {
        if (!m.key_figure) continue;
        if (!detail.empty()) detail += ", ";
        // A figure measured on several components (one per disk) names its component.
        std::string where = seen[m.name] > 1 && !m.component.empty() ? " [" + m.component + "]" : "";
        detail += fmt::format("{}{} {}{}", m.name, where, format_value(m.value), m.unit.empty() ? "" : " " + m.unit);
      }
    }
    out += fmt::format("{:<14} {:<7} {:>8.1f}  {}\n", s.name, s.outcome.verdict(),
                       seconds_between(s.started, s.ended), detail);
  }
  out += fmt::format("{:<14} {:<7} {:>8.1f}  delivery {}, profile {}\n", "RUN", run.outcome.verdict(),
                     seconds_between(run.started, run.ended), run.config.delivery_tag,
                     run.config.profile.name);
  return out;
}

}  // namespace kiln::runner
