// Executing a planned run: each stage in profile order, each as an OCPTV
// step, a stage that errors never hides the ones after it; then the report.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "host/host_adapter.hpp"
#include "kiln/ocptv_writer.hpp"
#include "run/run_plan.hpp"
#include "run/run_resume.hpp"
#include "stage/stage.hpp"

namespace kiln::runner {

struct RunRecord {
  std::string run_id;
  std::string command_line;
  NodeIdentity node;
  ResolvedConfig config;
  std::vector<StageRecord> stages;
  Outcome outcome = Outcome::skip();
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point ended;
  nlohmann::json reboots = nlohmann::json::array();  // report.json "reboots" (docs/reboots.md)
};

struct RunObserver {
  // A stage starts / reports progress / ends: for the terminal.
  std::function<void(const StageInfo&)> stage_started;
  ProgressCallback progress;
  std::function<void(const StageRecord&)> stage_ended;
};

// Runs every planned stage. OCPTV artifacts go to `writer` as they happen;
// each stage's step ends with a "kiln.stage-outcome" extension. `resume`
// (the orchestrator's answer after a reboot): the stages an earlier boot
// finished are carried, not run; the interrupted one is judged by its policy.
RunRecord execute_run(HostAdapter& host, RunPlan& plan, const NodeIdentity& node,
                      const RunOptions& options, ocptv::Writer& writer,
                      const std::string& command_line, const RunObserver& observer,
                      const std::atomic<bool>* stop = nullptr, const RunResume* resume = nullptr);

// Reads DMI system identity through dmidecode; never fails (records why not).
NodeIdentity identify_node(HostAdapter& host, FruInfo fru);

// exit code of `kiln-runner run`: 0 PASS (or all skipped), 1 FAIL, 2 ERROR.
int exit_code_for(const Outcome& outcome);

}  // namespace kiln::runner
