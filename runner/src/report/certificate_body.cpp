#include "report/certificate_body.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "kiln/version.hpp"

namespace kiln::runner {
namespace {

std::string iso(std::chrono::system_clock::time_point t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     std::chrono::time_point_cast<std::chrono::seconds>(t));
}

const StageRecord* find_stage(const RunRecord& run, std::string_view name) {
  for (const auto& s : run.stages) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

nlohmann::json stage_summary(const StageRecord& s) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : s.errors) errors.push_back(e.symptom + ": " + e.message);
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& d : s.diagnoses) {
    if (d.type == DiagnosisType::kFail) failures.push_back(d.verdict + ": " + d.message);
  }
  return {{"name", s.name},
          {"status", std::string(to_string(s.outcome.status()))},
          {"result", std::string(to_string(s.outcome.result()))},
          {"verdict", std::string(s.outcome.verdict())},
          {"errors", errors},
          {"failures", failures}};
}

}  // namespace

bool is_decommission_run(const RunRecord& run) {
  return find_stage(run, "disk-wipe") != nullptr || find_stage(run, "bmc-reset") != nullptr;
}

nlohmann::json build_certificate_body(const RunRecord& run, const CertificateContext& context) {
  const auto& fru = run.node.fru;
  nlohmann::json node{{"fru",
                       {{"product_manufacturer", fru.product_manufacturer},
                        {"product_name", fru.product_name},
                        {"product_part_number", fru.product_part_number},
                        {"product_serial", fru.product_serial},
                        {"product_asset_tag", fru.product_asset_tag},
                        {"board_manufacturer", fru.board_manufacturer},
                        {"board_product", fru.board_product},
                        {"board_serial", fru.board_serial},
                        {"chassis_serial", fru.chassis_serial}}},
                      {"dmi",
                       {{"manufacturer", run.node.dmi_manufacturer},
                        {"product", run.node.dmi_product},
                        {"system_serial", run.node.dmi_system_serial}}},
                      {"ironic_uuid", context.ironic_uuid}};

  nlohmann::json inventory = nullptr;
  if (const auto* inv = find_stage(run, "inventory");
      inv != nullptr && inv->evidence.contains("inventory")) {
    inventory = inv->evidence["inventory"];
  }
  nlohmann::json disks = nlohmann::json::array();
  if (const auto* wipe = find_stage(run, "disk-wipe");
      wipe != nullptr && wipe->evidence.contains("disks")) {
    disks = wipe->evidence["disks"];
  }
  nlohmann::json bmc = nullptr;
  if (const auto* reset = find_stage(run, "bmc-reset");
      reset != nullptr && reset->evidence.contains("bmc")) {
    bmc = reset->evidence["bmc"];
  }
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : run.stages) stages.push_back(stage_summary(s));

  // Every disk wiped and verified, the BMC reset: that is what PASS certifies.
  return {{"format", "kiln-decommission-certificate"},
          {"format_version", kCertificateFormatVersion},
          {"run_id", context.run_id.empty() ? run.run_id : context.run_id},
          {"runner_run_id", run.run_id},
          {"kiln_version", std::string(kiln_version())},
          {"operator", context.operator_name},
          {"issued", iso(run.ended)},
          {"started", iso(run.started)},
          {"ended", iso(run.ended)},
          {"verdict", std::string(run.outcome.verdict())},
          {"profile", run.config.profile.name},
          {"node", node},
          {"inventory", inventory},
          {"disks", disks},
          {"bmc", bmc},
          {"stages", stages}};
}

}  // namespace kiln::runner
