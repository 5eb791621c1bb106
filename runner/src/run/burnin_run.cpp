#include "run/burnin_run.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <random>
#include <set>

#include "kiln/version.hpp"
#include "report/report_json.hpp"
#include "run/bmc_watchdog.hpp"
#include "run/reboot_evidence.hpp"
#include "run/reboot_stage.hpp"
#include "stage/bmc_target.hpp"
#include "tools/dmidecode.hpp"

namespace kiln::runner {
namespace {

std::string new_run_id() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> dist(0, 15);
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += "0123456789abcdef"[dist(rd)];
  }
  return id;
}

ocptv::DutInfo dut_info(const NodeIdentity& node) {
  const auto& fru = node.fru;
  ocptv::DutInfo dut;
  dut.id = !fru.product_serial.empty()       ? fru.product_serial
           : !node.dmi_system_serial.empty() ? node.dmi_system_serial
                                             : "unknown";
  dut.name = fru.product_name.empty() ? node.dmi_product : fru.product_name;
  if (!fru.product_asset_tag.empty())
    dut.platform_infos.push_back("asset-tag:" + fru.product_asset_tag);
  if (!node.dmi_manufacturer.empty()) {
    dut.platform_infos.push_back(fmt::format("dmi:{} {}", node.dmi_manufacturer, node.dmi_product));
  }
  dut.hardware.push_back({"fru-product", fru.product_name.empty() ? "product" : fru.product_name,
                          fru.product_serial, fru.product_part_number, fru.product_manufacturer,
                          ""});
  if (!fru.board_serial.empty()) {
    dut.hardware.push_back({"fru-board", fru.board_product.empty() ? "board" : fru.board_product,
                            fru.board_serial, "", fru.board_manufacturer, ""});
  }
  if (!node.dmi_system_serial.empty()) {
    dut.hardware.push_back({"dmi-system", node.dmi_product.empty() ? "system" : node.dmi_product,
                            node.dmi_system_serial, "", node.dmi_manufacturer, ""});
  }
  dut.software.push_back(
      {"kiln-runner", "kiln-runner", std::string(kiln_version()), "APPLICATION"});
  return dut;
}

// The parts the planned stages will test, each once, declared in the dutInfo.
void declare_tested_parts(HostAdapter& host, RunPlan& plan, const RunOptions& options,
                          ocptv::DutInfo& dut) {
  std::set<std::string> seen;
  for (const auto& h : dut.hardware) seen.insert(h.id);
  for (auto& planned : plan.stages) {
    for (const auto& part : planned.stage->components(host, planned.params, options)) {
      auto info = ocptv::hardware_info(part);
      if (seen.insert(info.id).second) dut.hardware.push_back(std::move(info));
    }
  }
}

// The earlier boot's record of stage `name`, unless it was carried already
// (a profile may hold a stage twice: each finished run of it counts once).
const FinishedStage* finished_stage(const RunResume& resume, const std::string& name,
                                    std::set<std::string>& carried) {
  for (std::size_t i = 0; i < resume.finished.size(); ++i) {
    const auto& f = resume.finished[i];
    const std::string key = fmt::format("{}#{}", f.name, i);
    if (f.name == name && !carried.contains(key)) {
      carried.insert(key);
      return &f;
    }
  }
  return nullptr;
}

nlohmann::json run_parameters(const RunPlan& plan) {
  return {{"delivery", plan.config.delivery_tag},
          {"deliveryMatched", plan.config.delivery_matched},
          {"profile", plan.config.profile.name},
          {"configSha256", plan.config.hash}};
}

// `watchdog: true`: the BMC resets a node that stops petting for 10 min (a
// hang); petted every minute, so a loaded node's late pets never trip it.
constexpr std::chrono::seconds kWatchdogTimeout{600};
constexpr std::chrono::seconds kWatchdogPet{60};

std::unique_ptr<BmcWatchdog> start_watchdog(HostAdapter& host, const RunPlan& plan,
                                            const RunOptions& options, ocptv::TestRun& test_run) {
  if (!plan.config.watchdog) return nullptr;
  auto lan = bmc_lan_target(options);
  if (!lan) {
    test_run.log(ocptv::LogSeverity::kError,
                 "watchdog: true, but the BMC watchdog was not armed: " + lan.error().message);
    return nullptr;
  }
  auto dog = BmcWatchdog::arm(host, *lan, kWatchdogTimeout, kWatchdogPet);
  if (!dog) {
    test_run.log(ocptv::LogSeverity::kError,
                 "watchdog: true, but the BMC watchdog was not armed (a hang will not be reset): " +
                     dog.error().message);
    return nullptr;
  }
  test_run.log(ocptv::LogSeverity::kInfo,
               fmt::format("BMC watchdog armed: a hard reset after {} s without a pet, petted "
                           "every {} s until the run ends",
                           kWatchdogTimeout.count(), kWatchdogPet.count()));
  return std::move(*dog);
}

}  // namespace

NodeIdentity identify_node(HostAdapter& host, FruInfo fru) {
  NodeIdentity node;
  node.fru = std::move(fru);
  auto result =
      host.run({tools::dmidecode_argv(1), std::chrono::seconds(30), std::nullopt, std::nullopt});
  if (!result) {
    node.dmi_error = result.error().message;
    return node;
  }
  if (!result->exited_with(0)) {
    node.dmi_error =
        fmt::format("dmidecode -t 1: {}: {}", result->describe(), result->stderr_tail());
    return node;
  }
  auto dmi = tools::parse_dmidecode(result->stdout_text);
  if (!dmi) {
    node.dmi_error = dmi.error().message;
    return node;
  }
  node.dmi_system_serial = dmi->system.serial;
  node.dmi_manufacturer = dmi->system.manufacturer;
  node.dmi_product = dmi->system.product;
  return node;
}

RunRecord execute_run(HostAdapter& host, RunPlan& plan, const NodeIdentity& node,
                      const RunOptions& options, ocptv::Writer& writer,
                      const std::string& command_line, const RunObserver& observer,
                      const std::atomic<bool>* stop, const RunResume* resume) {
  RunRecord run;
  run.run_id = new_run_id();
  run.command_line = command_line;
  run.node = node;
  run.config = plan.config;
  run.started = std::chrono::system_clock::now();

  ocptv::emit_schema_version(writer);
  ocptv::DutInfo dut = dut_info(node);
  declare_tested_parts(host, plan, options, dut);
  ocptv::TestRun test_run(writer, "kiln burn-in", std::string(kiln_version()), command_line,
                          run_parameters(plan), dut);
  if (!plan.config.delivery_matched) {
    test_run.log(ocptv::LogSeverity::kWarning,
                 fmt::format("no delivery matches FRU asset tag '{}': the default delivery applies",
                             plan.config.asset_tag));
  }
  auto watchdog = start_watchdog(host, plan, options, test_run);
  Outcome overall = Outcome::skip();
  std::set<std::string> carried;  // stages an earlier boot finished, each carried once
  bool interrupted_pending = resume != nullptr && resume->interrupted.has_value();
  std::optional<InterruptedVerdict> interrupted_verdict;
  RebootEvidence evidence;
  for (auto& planned : plan.stages) {
    const FinishedStage* finished =
        resume != nullptr ? finished_stage(*resume, planned.info.name, carried) : nullptr;
    if (finished != nullptr) {
      StageRecord record = carried_stage(*finished, planned.info);
      overall = overall.combined_with(record.outcome);
      if (observer.stage_ended) observer.stage_ended(record);
      run.stages.push_back(std::move(record));
      continue;
    }
    StageRecord record;
    record.name = planned.info.name;
    record.description = planned.info.description;
    record.params = planned.params.as_text();
    record.started = std::chrono::system_clock::now();
    if (observer.stage_started) observer.stage_started(planned.info);
    auto step = test_run.begin_step(planned.info.name);
    StepRecorder recorder(record, step.get(), observer.progress);
    std::filesystem::path log_dir = options.out_dir / "logs" / planned.info.name;
    std::error_code ec;
    std::filesystem::create_directories(log_dir, ec);
    StageContext ctx{host, plan.config, planned.params, recorder, options, node, log_dir, stop};
    bool run_it = true;
    if (interrupted_pending && resume->interrupted->stage == planned.info.name) {
      interrupted_pending = false;
      if (resume->is_reboot()) evidence = collect_reboot_evidence(ctx, *resume);
      interrupted_verdict = judge_interrupted_stage(ctx, *resume, evidence);
      run_it = *interrupted_verdict == InterruptedVerdict::kRerun;
    }
    if (!run_it) {
      // judged above
    } else if (stop != nullptr && stop->load()) {
      recorder.skip("the run was aborted before this stage started");
    } else {
      try {
        planned.stage->run(ctx);
      } catch (const std::exception& e) {
        recorder.error("stage-exception",
                       fmt::format("stage '{}' stopped with an internal error: {}",
                                   planned.info.name, e.what()));
      }
    }
    record.outcome = recorder.outcome();
    record.ended = std::chrono::system_clock::now();
    // What a later boot of this run carries if the node goes down after it.
    step->extension(std::string(kStageOutcomeExtension),
                    stage_outcome_content(record.name, record.outcome, stage_failure_lines(record),
                                          rfc3339(record.started), rfc3339(record.ended)));
    step->end(record.outcome.status());
    overall = overall.combined_with(record.outcome);
    if (observer.stage_ended) observer.stage_ended(record);
    run.stages.push_back(std::move(record));
  }
  if (resume != nullptr) run.reboots = reboots_json(*resume, interrupted_verdict, evidence);
  if (watchdog) {
    const std::string refused = watchdog->disarm();
    test_run.log(refused.empty() ? ocptv::LogSeverity::kInfo : ocptv::LogSeverity::kError,
                 refused.empty()
                     ? fmt::format("BMC watchdog switched off ({} pets)", watchdog->pets())
                     : "the BMC watchdog could not be switched off: " + refused +
                           " (switch it off by hand: ipmitool mc watchdog off)");
  }
  run.outcome = overall;
  test_run.end(overall);
  run.ended = std::chrono::system_clock::now();
  return run;
}

int exit_code_for(const Outcome& outcome) {
  if (outcome.is_fail()) return 1;
  if (outcome.is_error()) return 2;
  return 0;
}

}  // namespace kiln::runner
