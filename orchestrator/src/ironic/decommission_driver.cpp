#include "ironic/decommission_driver.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"
#include "kiln/signature.hpp"

namespace kiln::orchestrator {

std::string retired_reason(const CertificateRow& certificate) {
  return fmt::format("kiln decommission certificate {}/{} sha256 {}", certificate.key_id,
                     certificate.run_id, certificate.body_sha256);
}

std::optional<Expected<StepResult>> DecommissionSteps::step(const RunRow& run) {
  const auto& s = run.driver_state;
  if (s == "judge") return step_judge(run);
  if (s == "pass") return step_pass(run);
  if (s == "fail") return step_fail(run);
  if (s == "wait_undeployed") return step_wait_undeployed(run);
  if (s == "delete") {
    if (auto d = ironic_.delete_node(run.node_uuid); !d) return Expected<StepResult>(d.error());
    return advance(run, "done");
  }
  return std::nullopt;
}

std::optional<std::string> DecommissionSteps::refusal(const RunRow& run) {
  if (run.verdict != "PASS") return first_failure(run);
  auto certificate = store_.find_certificate(run.id);
  if (!certificate)
    return fmt::format("kiln decommission {}: {}", run.id, certificate.error().message);
  if (!*certificate) {
    return fmt::format(
        "kiln decommission {} reported PASS without a certificate: the node is not retired",
        run.id);
  }
  auto document = parse_json((*certificate)->document, "stored certificate", kDefaultJsonLimit);
  const std::optional<signature::PublicKey>& trusted = endpoint_.certificate_key;
  auto verified = document ? signature::verify_document(*document, trusted)
                           : Expected<signature::Verification>(document.error());
  if (!verified) {
    return fmt::format("kiln decommission {}: the stored certificate is unreadable: {}", run.id,
                       verified.error().message);
  }
  if (!verified->valid) {
    return fmt::format("kiln decommission {}: the certificate does not verify: {}", run.id,
                       verified->reason);
  }
  const auto* body = json_path(*document, {"certificate"});
  if (auto says = body != nullptr ? json_string(*body, "verdict") : std::nullopt;
      says && *says != "PASS") {
    return fmt::format("kiln decommission {}: the certificate says {}, not PASS", run.id, *says);
  }
  return std::nullopt;
}

Expected<StepResult> DecommissionSteps::step_judge(const RunRow& run) {
  if (run.verdict == "PASS") {
    auto certificate = store_.find_certificate(run.id);
    if (!certificate) return certificate.error();
    if (!*certificate) {
      const auto now = std::chrono::steady_clock::now();
      const auto first = waiting_since_.try_emplace(run.id, now).first->second;
      if (now - first < settings_.decommission_certificate_wait) return StepResult::kWaiting;
    }
  }
  waiting_since_.erase(run.id);
  return advance(run, refusal(run) ? "fail" : "pass");
}

Expected<StepResult> DecommissionSteps::advance(const RunRow& run, const std::string& next) {
  if (auto m = store_.set_driver_state(run.id, next, ""); !m) return m.error();
  return StepResult::kAdvanced;
}

Expected<StepResult> DecommissionSteps::step_pass(const RunRow& run) {
  auto certificate = store_.find_certificate(run.id);
  if (!certificate) return certificate.error();
  if (!*certificate) return advance(run, "fail");
  const auto& c = **certificate;
  const std::string base = fmt::format("{}/v1/runs/{}", endpoint_.public_url, run.id);
  nlohmann::json extra{{"state", "decommissioned"},
                       {"verdict", run.verdict},
                       {"run_id", run.id},
                       {"report_url", base + "/report"},
                       {"certificate_url", base + "/certificate"},
                       {"certificate_sha256", c.body_sha256},
                       {"certificate_key_id", c.key_id}};
  // Ironic takes `retired` in any state but 'available'; the node is active here.
  nlohmann::json patch = nlohmann::json::array(
      {{{"op", "add"}, {"path", "/extra/kiln"}, {"value", extra}},
       {{"op", "replace"}, {"path", "/retired"}, {"value", true}},
       {{"op", "replace"}, {"path", "/retired_reason"}, {"value", retired_reason(c)}}});
  if (auto r = ironic_.patch_node(run.node_uuid, patch); !r) return r.error();
  if (auto r = ironic_.add_trait(run.node_uuid, "CUSTOM_KILN_DECOMMISSIONED"); !r) return r.error();
  return advance(run, "undeploy");
}

Expected<StepResult> DecommissionSteps::step_fail(const RunRow& run) {
  const std::string reason = refusal(run).value_or(first_failure(run));
  nlohmann::json extra{
      {"state", "decommission-failed"},
      {"verdict", run.verdict},
      {"run_id", run.id},
      {"report_url", fmt::format("{}/v1/runs/{}/report", endpoint_.public_url, run.id)},
      {"reason", reason}};
  nlohmann::json patch =
      nlohmann::json::array({{{"op", "add"}, {"path", "/extra/kiln"}, {"value", extra}}});
  if (auto r = ironic_.patch_node(run.node_uuid, patch); !r) return r.error();
  if (auto r = ironic_.set_maintenance(run.node_uuid, reason); !r) return r.error();
  return advance(run, "done");
}

Expected<StepResult> DecommissionSteps::step_wait_undeployed(const RunRow& run) {
  auto node = ironic_.get_node(run.node_uuid);
  if (!node) return node.error();
  if (!settled(*node)) return StepResult::kWaiting;
  const std::string ps = provision_state(*node);
  if (ps == "manageable")
    return advance(run, settings_.decommission_delete_node ? "delete" : "done");
  if (ps == "available") {
    // Automated cleaning is off, so Ironic made the retired node available:
    // kiln moves it to manageable itself (a retired node is never provided).
    if (auto r = ironic_.set_provision_state(run.node_uuid, "manage"); !r) return r.error();
    return StepResult::kWaiting;
  }
  return stuck_node(run.node_uuid, *node,
                    "waits for 'manageable' after undeploying a retired node");
}

}  // namespace kiln::orchestrator
