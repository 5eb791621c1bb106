#include "agent/step_execution.hpp"

#include <fmt/format.h>

#include <fstream>

#include "agent/step_outcome.hpp"
#include "cli/fru_source.hpp"
#include "report/orchestrator_client.hpp"
#include "report/report_json.hpp"
#include "run/burnin_run.hpp"
#include "run/run_resume.hpp"
#include "stage/decommission_gate.hpp"

namespace kiln::runner::agent {
namespace {

CommandOutput harness_error(const std::string& step, const Error& e) {
  CommandOutput out = CommandOutput::failure(
      fmt::format("kiln harness ERROR, not a hardware failure: {}{} (kiln {}, nothing ran)",
                  e.message, e.remedy.empty() ? "" : ". What to do: " + e.remedy, step));
  out.error_type = "KilnHarnessError";
  return out;
}

// out/<step>-<n>: the first free n, so every step of every cleaning keeps its run.
std::filesystem::path run_folder(const std::filesystem::path& out, const std::string& step) {
  std::error_code ec;
  for (int n = 1;; ++n) {
    auto dir = out / fmt::format("{}-{}", step, n);
    if (std::filesystem::create_directory(dir, ec)) return dir;
    if (ec || n > 100000) return out / step;
  }
}

// The profile the step runs, planned: the delivery's profile (or the one
// named) as is, or derived from it with the step's stages and parameters.
Expected<RunPlan> plan_for(const StepEnvironment& env, const StepPlan& plan, const FruInfo& fru) {
  auto configs = load_config_dir(env.config_dir);
  if (!configs) return configs.error();
  auto resolved = resolve(*configs, fru, plan.profile);
  if (!resolved) return resolved.error();
  if (!plan.stages && plan.overrides.empty()) return plan_run(*configs, fru, plan.profile);
  const std::string name = fmt::format("{}/{}", resolved->profile.name, plan.step);
  auto derived = derive_profile(plan, resolved->profile, name);
  if (!derived) return derived.error();
  configs->profiles[name] = *derived;
  return plan_run(*configs, fru, name);
}

// The stage running when the run was stopped (the last one that was not
// skipped: the engine skips the rest) did not finish what it meant to do
// (its tools were killed; stress-ng even exits 0 then): ERROR, unless it had
// already failed. The report says so instead of a partial PASS.
void mark_aborted(RunRecord& record) {
  for (auto it = record.stages.rbegin(); it != record.stages.rend(); ++it) {
    if (it->outcome.status() == RunStatus::kSkip) continue;
    if (!it->outcome.is_fail()) {
      it->errors.push_back(
          {"run-aborted", "the run was aborted while this stage ran: its figures are partial"});
      it->outcome = Outcome::error();
    }
    break;
  }
  Outcome overall = Outcome::skip();
  for (const auto& stage : record.stages) overall = overall.combined_with(stage.outcome);
  record.outcome = overall;
}

}  // namespace

CommandOutput execute_step(HostAdapter& host, const StepEnvironment& env, const StepPlan& plan,
                           const std::atomic<bool>& stop) {
  FruSource source;
  source.file = env.fru_file;
  if (!env.bmc.empty()) {
    auto lan = parse_bmc_address(env.bmc, env.bmc_user, env.bmc_password);
    if (!lan) return harness_error(plan.step, lan.error());
    source.lan = *lan;
  }
  auto fru = read_fru(host, source);
  if (!fru) return harness_error(plan.step, fru.error());
  auto run_plan = plan_for(env, plan, *fru);
  if (!run_plan) return harness_error(plan.step, run_plan.error());
  if (auto refusal = decommission_profile_refusal(plan.mode, run_plan->config.profile);
      !refusal.empty()) {
    return harness_error(plan.step, make_error("KILN-DECOMMISSION", refusal));
  }

  if ((plan.destructive || plan.mode == "decommission") && !env.i_know_this_wipes) {
    return harness_error(
        plan.step, make_error("KILN-AGENT-DESTRUCTIVE",
                              fmt::format("step {} writes to disks and this agent was started "
                                          "without --i-know-this-wipes",
                                          plan.step),
                              "kiln's image passes it when it boots as Ironic's deploy "
                              "ramdisk; by hand, add --i-know-this-wipes"));
  }
  const auto out = run_folder(env.out_dir, plan.step);
  const std::string url = plan.kiln_url.empty() ? env.kiln_url : plan.kiln_url;
  const std::string token = plan.kiln_url.empty() ? env.kiln_token : plan.kiln_token;
  std::unique_ptr<OrchestratorReporter> reporter;
  std::ofstream stream;
  std::atomic<bool> orchestrator_abort{false};
  if (!url.empty()) {
    OrchestratorOptions o;
    o.url = url;
    o.token = token;
    o.ca_file = env.kiln_ca;
    o.node_uuid = env.node_uuid;
    o.boot_id = env.boot_id;
    o.spool = out / "ocptv.jsonl";
    o.abort_flag = &orchestrator_abort;
    reporter = std::make_unique<OrchestratorReporter>(o);
    if (auto opened = reporter->open(); !opened) return harness_error(plan.step, opened.error());
  } else {
    stream.open(out / "ocptv.jsonl", std::ios::trunc);
    if (!stream) {
      return harness_error(
          plan.step, make_error("KILN-OUTPUT",
                                fmt::format("cannot write {}", (out / "ocptv.jsonl").string())));
    }
  }
  ocptv::Writer writer([&stream, &reporter](const std::string& line) {
    if (reporter) return reporter->write_line(line);
    stream << line << '\n' << std::flush;
  });

  RunOptions options;
  options.disks = env.disks;
  // Ironic cleaning a node (with this agent started as the image starts it)
  // is the state in which its disks may be written: the go-ahead the
  // orchestrator's directive gives in its own flow. The profile still
  // decides whether a stage writes.
  options.destructive_confirmed = env.i_know_this_wipes;
  options.bmc_host = env.bmc;
  options.bmc_user = env.bmc_user;
  options.bmc_password = env.bmc_password;
  options.out_dir = out;
  options.config_dir = env.config_dir;
  options.mode = plan.mode;
  options.operator_name = plan.operator_name;
  // A decommission step asked for by an Ironic cleaning that holds this
  // node's agent token is the go-ahead to wipe; a burn-in step never wipes.
  options.decommission_confirmed = plan.mode == "decommission" && env.i_know_this_wipes;
  if (!options.decommission_confirmed) options.decommission_refusal = "a burn-in step never wipes";

  // Both flags end the run: the cleaning's abort and the orchestrator's.
  std::atomic<bool> run_stop{false};
  NodeIdentity node = identify_node(host, *fru);
  std::optional<RunResume> resume;
  if (reporter) {
    reporter->start({{"node",
                      {{"ironic_uuid", env.node_uuid},
                       {"asset_tag", fru->product_asset_tag},
                       {"serial", fru->product_serial},
                       {"dmi_serial", node.dmi_system_serial}}}});
    // After a reboot mid-step the orchestrator answers where the run stands;
    // execute_run then judges the interrupted stage by the delivery's policy.
    if (auto registered = reporter->registration(std::chrono::seconds(10))) {
      if (auto parsed = parse_resume(*registered); parsed && *parsed) resume = std::move(**parsed);
    }
  }
  std::atomic<bool> watching{true};
  std::thread watch([&] {
    while (watching.load()) {
      if (stop.load() || orchestrator_abort.load()) run_stop.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  const std::string command_line =
      fmt::format("kiln-runner agent: Ironic step {} (node {})", plan.step, env.node_uuid);
  RunRecord record = execute_run(host, *run_plan, node, options, writer, command_line,
                                 RunObserver{}, &run_stop, resume ? &*resume : nullptr);
  watching.store(false);
  watch.join();
  if (stop.load() || orchestrator_abort.load()) mark_aborted(record);

  auto report = build_report(record);
  const auto report_path = out / "report.json";
  std::ofstream report_file(report_path, std::ios::trunc);
  report_file << report.dump(2) << '\n';
  if (!report_file.flush()) {
    return harness_error(
        plan.step, make_error("KILN-OUTPUT", fmt::format("cannot write {}", report_path.string())));
  }
  if (reporter) (void)reporter->finish(report, std::chrono::seconds(60));
  return step_outcome(plan.step, report, report_path.string(), stop.load());
}

}  // namespace kiln::runner::agent
