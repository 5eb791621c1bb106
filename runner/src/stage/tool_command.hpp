// Running a tool from a stage: every child has a timeout, a log file in the
// stage's log folder, and failures described with argv, exit and stderr tail.
// Also a small periodic thread for progress and sampling while a tool runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "stage/stage.hpp"

namespace kiln::runner {

// Runs argv through ctx.host; output is teed to ctx.log_dir/<log_name>.log
// when the stage has a log folder. `secrets` (a password on the command line)
// are masked in the log and in the output returned.
Expected<CommandResult> run_tool(StageContext& ctx, std::vector<std::string> argv,
                                 std::chrono::milliseconds timeout, std::string_view log_name,
                                 std::vector<std::string> secrets = {});

// "`badblocks -nsv ... /dev/sdb` exit 1: <stderr tail>": for error messages.
std::string describe_failure(const std::vector<std::string>& argv, const CommandResult& result);
std::string describe_failure(const std::vector<std::string>& argv, const Error& error);
std::string command_text(const std::vector<std::string>& argv);

// A tool run ended badly (could not start, timed out, was killed): reports a
// stage error with symptom "tool-missing", "tool-timeout", "tool-crashed" or
// `exit_symptom` for a non-zero exit, and `next_step` for the technician.
void report_tool_failure(StageContext& ctx, const std::vector<std::string>& argv,
                         const Expected<CommandResult>& result, std::string_view exit_symptom,
                         std::string_view next_step);

// Calls `tick` every `interval` on its own thread until stopped or destroyed.
// An exception from `tick` is caught at the thread boundary and reported as a
// stage ERROR (symptom "periodic-task-failed", naming `what`) the first time:
// a failing sampler never vanishes silently. Later ticks still run.
class PeriodicTask {
 public:
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> tick, StepRecorder& step,
               std::string what);
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;
  ~PeriodicTask();

  void stop();

 private:
  void loop();

  std::chrono::milliseconds interval_;
  std::function<void()> tick_;
  StepRecorder& step_;
  std::string what_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool reported_ = false;
  std::thread thread_;
};

// Progress by elapsed time: fraction of `total` since construction, mapped
// into [from, to] of the stage, reported every second.
class ElapsedProgress {
 public:
  ElapsedProgress(StepRecorder& step, std::chrono::milliseconds total, double from, double to,
                  std::string detail);

 private:
  PeriodicTask task_;
};

// True when the run was asked to stop.
inline bool stop_requested(const StageContext& ctx) {
  return ctx.stop != nullptr && ctx.stop->load();
}

}  // namespace kiln::runner
