#include "ironic/burnin_driver.hpp"

#include <fmt/format.h>

#include "analysis/delivery_summary.hpp"
#include "api/tokens.hpp"
#include "ironic/kernel_params.hpp"
#include "kiln/json_input.hpp"
#include "log/log.hpp"
#include "report/firmware_distribution.hpp"

namespace kiln::orchestrator {
namespace {

// extra.kiln for a finished run: verdict, run id, report URL, key figures.
nlohmann::json verdict_extra(const RunRow& run, const std::string& report_url) {
  auto report = nlohmann::json::parse(run.report, nullptr, false);  // validated when stored
  nlohmann::json figures = nlohmann::json::object();
  if (const auto* stages = json_path(report, {"stages"}); stages != nullptr && stages->is_array()) {
    for (const auto& s : *stages) {
      const auto* kf = json_path(s, {"key_figures"});
      if (kf == nullptr || !kf->is_array()) continue;
      for (const auto& f : *kf) {
        auto name = json_string(f, "name");
        const auto* value = json_path(f, {"value"});
        if (name && value != nullptr)
          figures[json_string(s, "name").value_or("stage") + "." + *name] = *value;
      }
    }
  }
  return {{"state", "finished"},
          {"verdict", run.verdict},
          {"run_id", run.id},
          {"report_url", report_url},
          {"key_figures", figures}};
}

}  // namespace

BurninDriver::BurninDriver(RunStore& store, OrchestratorEndpoint endpoint, IronicSettings settings)
    : store_(store),
      endpoint_(std::move(endpoint)),
      settings_(std::move(settings)),
      ironic_(settings_),
      decommission_(store_, endpoint_, settings_, ironic_),
      clean_(store_, endpoint_, ironic_) {}

BurninDriver::~BurninDriver() {
  stop();
}

void BurninDriver::start() {
  thread_ = std::thread([this]() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      try {
        if (!leads_ || leads_()) tick();
      } catch (const std::exception& e) {
        log_line(LogLevel::error, "ironic driver", {{"error", e.what()}});
      }
      lock.lock();
      wake_.wait_for(lock, settings_.poll_interval, [this]() { return stopping_; });
    }
  });
}

void BurninDriver::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BurninDriver::tick() {
  auto runs = store_.runs_in_flight();
  if (!runs) return;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& run : *runs) {
    auto& b = backoff_[run.id];
    if (now < b.next_try) continue;
    auto result = step(run);
    if (result) {
      b = Backoff{};
      // A wait that succeeded clears the last error; an advance already did.
      if (*result == StepResult::kWaiting && !run.driver_error.empty()) {
        (void)store_.set_driver_state(run.id, run.driver_state, "");
      }
      continue;
    }
    const auto& e = result.error();
    const bool rejected = e.code == "KILN-IRONIC-REJECTED" || e.code == "KILN-IRONIC-NOT-FOUND" ||
                          e.code == "KILN-IRONIC-UNAUTHORIZED";
    b.delay = rejected
                  ? std::chrono::duration_cast<std::chrono::milliseconds>(settings_.max_backoff)
                  : std::min<std::chrono::milliseconds>(
                        std::max<std::chrono::milliseconds>(b.delay * 2, settings_.poll_interval),
                        settings_.max_backoff);
    b.next_try = now + b.delay;
    log_line(LogLevel::warning, "ironic step failed",
             {{"node", run.node_uuid},
              {"run", run.id},
              {"step", run.driver_state},
              {"error", e.message}});
    (void)store_.set_driver_state(run.id, run.driver_state, e.message);
  }
}

Status BurninDriver::move(const RunRow& run, const std::string& next) {
  auto moved = store_.set_driver_state(run.id, next, "");
  // One line per step taken: with replicas, which one drove each node and when.
  if (moved)
    log_line(LogLevel::info, "ironic step",
             {{"run", run.id}, {"node", run.node_uuid}, {"from", run.driver_state}, {"to", next}});
  return moved;
}

Expected<BurninDriver::StepResult> BurninDriver::step(const RunRow& run) {
  const auto& s = run.driver_state;
  const auto& uuid = run.node_uuid;
  auto advance = [&](const std::string& next) -> Expected<StepResult> {
    if (auto m = move(run, next); !m) return m.error();
    return StepResult::kAdvanced;
  };
  if (run.kind == "decommission") {
    if (auto own = decommission_.step(run)) return std::move(*own);
  } else if (settings_.method == "clean") {
    if (auto own = clean_.step(run)) return std::move(*own);
  }
  if (s == "start") return step_start(run);
  if (s == "running") {
    if (!run.verdict.empty()) return advance("judge");
    if (run.directive == "abort") return advance("abort");
    return StepResult::kWaiting;
  }
  if (s == "judge") return step_judge(run);
  if (s == "pass") return step_verdict(run, true);
  if (s == "fail") return step_verdict(run, false);
  if (s == "abort") {
    if (auto m = ironic_.set_maintenance(
            uuid, fmt::format("kiln: {} {} aborted by an operator", kind_label(run), run.id));
        !m) {
      return m.error();
    }
    if (auto st = store_.set_run_state(run.id, "aborted"); !st) return st.error();
    return advance("done");
  }
  auto node = ironic_.get_node(uuid);
  if (!node) return node.error();
  const std::string ps = provision_state(*node);
  const bool idle = settled(*node);
  const auto target = json_string(*node, "target_provision_state").value_or("");
  auto stuck = [&](const std::string& what) -> Expected<StepResult> {
    return stuck_node(uuid, *node, what);
  };
  if (s == "provide") {
    if (ps == "manageable" && idle) {
      if (auto r = ironic_.set_provision_state(uuid, "provide"); !r) return r.error();
    }
    return advance("wait_available");
  }
  if (s == "wait_available") {
    if (!idle) return StepResult::kWaiting;
    if (ps == "available") return advance("deploy");
    return stuck("waits for 'available'");
  }
  if (s == "deploy" || s == "rebuild") {
    if (idle && (ps == "available" || (s == "rebuild" && ps == "active"))) {
      if (auto r = ironic_.set_provision_state(uuid, s == "deploy" ? "active" : "rebuild"); !r)
        return r.error();
    }
    return advance("wait_active");
  }
  if (s == "wait_active") {
    if (!idle) return StepResult::kWaiting;
    if (ps != "active") return stuck("waits for 'active'");
    nlohmann::json patch = nlohmann::json::array(
        {{{"op", "add"},
          {"path", "/extra/kiln"},
          {"value",
           {{"state", run.kind == "decommission" ? "decommissioning" : "burning-in"},
            {"run_id", run.id}}}}});
    if (auto r = ironic_.patch_node(uuid, patch); !r) return r.error();
    return advance("running");
  }
  if (s == "undeploy") {
    if (idle && ps == "active") {
      if (auto r = ironic_.set_provision_state(uuid, "deleted"); !r) return r.error();
    }
    return advance("wait_undeployed");
  }
  if (s == "wait_undeployed") {
    if (!idle) return StepResult::kWaiting;
    if (ps == "available") return advance("done");
    return stuck("waits for 'available' after undeploy");
  }
  (void)target;
  return make_error("KILN-IRONIC-REJECTED", fmt::format("unknown driver state '{}'", s));
}

Expected<BurninDriver::StepResult> BurninDriver::step_start(const RunRow& run) {
  const auto& uuid = run.node_uuid;
  auto node = ironic_.get_node(uuid);
  if (!node) return node.error();
  if (!settled(*node)) return StepResult::kWaiting;
  const std::string ps = provision_state(*node);
  std::string next = ps == "manageable"  ? "provide"
                     : ps == "available" ? "deploy"
                     : ps == "active"    ? "rebuild"
                                         : "";
  if (next.empty()) {
    return make_error("KILN-IRONIC-REJECTED",
                      fmt::format("node {} is '{}': kiln starts a {} from 'manageable'", uuid, ps,
                                  kind_label(run)));
  }
  // A fresh token per deployment: its hash is committed before Ironic sees it.
  std::string token = random_token();
  if (auto s = store_.set_token_hash(run.id, token_hash(token)); !s) return s.error();
  nlohmann::json patch = nlohmann::json::array(
      {{{"op", "add"}, {"path", "/instance_info/kernel"}, {"value", settings_.kernel_url}},
       {{"op", "add"}, {"path", "/instance_info/ramdisk"}, {"value", settings_.ramdisk_url}},
       {{"op", "add"},
        {"path", "/instance_info/kernel_append_params"},
        {"value", kernel_params(endpoint_.public_url, uuid, token, run.kind,
                                settings_.extra_kernel_params)}},
       {{"op", "replace"}, {"path", "/deploy_interface"}, {"value", settings_.deploy_interface}},
       {{"op", "add"},
        {"path", "/extra/kiln"},
        {"value", {{"state", "deploying"}, {"run_id", run.id}}}}});
  if (auto r = ironic_.patch_node(uuid, patch); !r) return r.error();
  if (auto m = move(run, next); !m) return m.error();
  return StepResult::kAdvanced;
}

Expected<BurninDriver::StepResult> BurninDriver::step_judge(const RunRow& run) {
  if (run.verdict == "PASS") {
    std::string next = "pass";
    if (outliers_ && outliers_->fail) {  // `outliers: fail`: lagging the batch fails the node
      auto found = node_outliers(store_, run.node_uuid, *outliers_);
      if (!found) return found.error();
      if (!found->empty()) next = "fail";
    }
    if (auto m = move(run, next); !m) return m.error();
    return StepResult::kAdvanced;
  }
  // A cleaning that failed is Ironic's to repeat: clean failed, maintenance.
  if (run.verdict == "ERROR" && run.attempt <= settings_.error_retries &&
      settings_.method != "clean") {
    RunRow retry;
    retry.id = random_run_id();
    retry.node_uuid = run.node_uuid;
    retry.token_hash = token_hash(random_token());  // replaced when the node is rebuilt
    retry.driver_state = "start";
    retry.attempt = run.attempt + 1;
    if (auto s = store_.create_run(retry); !s) return s.error();
    if (auto s =
            store_.set_driver_state(run.id, "done", fmt::format("ERROR: retried as {}", retry.id));
        !s) {
      return s.error();
    }
    return StepResult::kAdvanced;
  }
  if (auto m = move(run, "fail"); !m) return m.error();
  return StepResult::kAdvanced;
}

Expected<BurninDriver::StepResult> BurninDriver::step_verdict(const RunRow& run, bool passed) {
  const auto& uuid = run.node_uuid;
  std::string report_url = fmt::format("{}/v1/runs/{}/report", endpoint_.public_url, run.id);
  auto extra = verdict_extra(run, report_url);
  std::string reason = passed ? "" : first_failure(run);
  std::vector<Outlier> flagged;
  if (outliers_ && run.verdict == "PASS") {
    auto found = node_outliers(store_, uuid, *outliers_);
    if (!found) return found.error();
    flagged = std::move(*found);
    extra["outliers"] = nlohmann::json::array();
    for (const auto& o : flagged) extra["outliers"].push_back(o.message);
    if (!passed) {  // failed as an outlier of its batch (outliers: fail)
      extra["verdict"] = "FAIL";
      reason = flagged.empty() ? fmt::format(
                                     "kiln: node {} lags its delivery batch (run {}), see "
                                     "GET /v1/deliveries/TAG/summary",
                                     uuid, run.id)
                               : "kiln: outlier of its delivery batch: " + flagged[0].message;
    }
  }
  // A firmware value a minority of the delivery runs (report/firmware_distribution.hpp).
  auto firmware_findings = node_firmware_findings(store_, uuid);
  if (!firmware_findings) return firmware_findings.error();
  if (!firmware_findings->empty()) extra["firmware_findings"] = *firmware_findings;
  const bool clean = settings_.method == "clean";
  std::optional<nlohmann::json> node;  // clean: Ironic's outcome of the cleaning
  if (clean) {
    auto got = ironic_.get_node(uuid);
    if (!got) return got.error();
    node = std::move(*got);
    extra["ironic_state"] = provision_state(*node);
    if (auto last = json_string(*node, "last_error"); last && !passed)
      extra["ironic_last_error"] = redact_secrets(*last);  // it may quote the step's kiln_token
    if (!passed && run.verdict == "PASS") extra["verdict"] = "FAIL";
  }
  nlohmann::json patch =
      nlohmann::json::array({{{"op", "add"}, {"path", "/extra/kiln"}, {"value", extra}}});
  if (auto r = ironic_.patch_node(uuid, patch); !r) return r.error();
  if (auto r = ironic_.add_trait(uuid, passed ? "CUSTOM_KILN_PASSED" : "CUSTOM_KILN_FAILED"); !r)
    return r.error();
  if (!flagged.empty()) {
    if (auto r = ironic_.add_trait(uuid, "CUSTOM_KILN_OUTLIER"); !r) return r.error();
  }
  if (!firmware_findings->empty()) {
    if (auto r = ironic_.add_trait(uuid, "CUSTOM_KILN_FIRMWARE_MINORITY"); !r) return r.error();
  }
  if (!passed) {
    // A failed cleaning is in maintenance already, with Ironic's reason
    // ("Clean step deploy.kiln_burnin failed on node ... <kiln's first failure>").
    const bool in_maintenance = clean && node && json_path(*node, {"maintenance"}) != nullptr &&
                                json_path(*node, {"maintenance"})->is_boolean() &&
                                (*node)["maintenance"].get<bool>();
    if (!in_maintenance) {
      if (auto r = ironic_.set_maintenance(uuid, reason); !r) return r.error();
    }
    if (auto m = move(run, "done"); !m) return m.error();
    return StepResult::kAdvanced;
  }
  if (auto m = move(run, clean ? "release" : "undeploy"); !m) return m.error();
  return StepResult::kAdvanced;
}

}  // namespace kiln::orchestrator
