#include "stage/tool_command.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kiln::runner {

std::string command_text(const std::vector<std::string>& argv) {
  return printable_command(argv);  // never shows a BMC password
}

Expected<CommandResult> run_tool(StageContext& ctx, std::vector<std::string> argv,
                                 std::chrono::milliseconds timeout, std::string_view log_name,
                                 std::vector<std::string> secrets) {
  CommandSpec spec{std::move(argv), timeout, std::nullopt, std::nullopt, std::move(secrets)};
  if (!ctx.log_dir.empty()) spec.log_file = ctx.log_dir / (std::string(log_name) + ".log");
  return ctx.host.run(spec);
}

std::string describe_failure(const std::vector<std::string>& argv, const CommandResult& result) {
  std::string tail = result.stderr_tail();
  if (tail.empty()) {
    std::string_view out = result.stdout_text;
    if (out.size() > 400) out = out.substr(out.size() - 400);
    tail = std::string(out);
  }
  return fmt::format("`{}` {}{}{}", command_text(argv), result.describe(), tail.empty() ? "" : ": ",
                     tail);
}

std::string describe_failure(const std::vector<std::string>& argv, const Error& error) {
  return fmt::format("`{}` could not be started: {}{}", command_text(argv), error.message,
                     error.remedy.empty() ? "" : " (" + error.remedy + ")");
}

void report_tool_failure(StageContext& ctx, const std::vector<std::string>& argv,
                         const Expected<CommandResult>& result, std::string_view exit_symptom,
                         std::string_view next_step) {
  std::string suffix = next_step.empty() ? "" : fmt::format(". Next step: {}", next_step);
  if (!result) {
    ctx.step.error("tool-missing", describe_failure(argv, result.error()) + suffix);
    return;
  }
  std::string symptom = result->timed_out   ? "tool-timeout"
                        : result->signalled ? "tool-crashed"
                                            : std::string(exit_symptom);
  ctx.step.error(symptom, describe_failure(argv, *result) + suffix);
}

PeriodicTask::PeriodicTask(std::chrono::milliseconds interval, std::function<void()> tick,
                           StepRecorder& step, std::string what)
    : interval_(std::max(interval, std::chrono::milliseconds(10))),
      tick_(std::move(tick)),
      step_(step),
      what_(std::move(what)) {
  thread_ = std::thread([this] { loop(); });
}

PeriodicTask::~PeriodicTask() {
  stop();
}

void PeriodicTask::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    try {
      tick_();
    } catch (const std::exception& e) {
      if (!reported_) {
        reported_ = true;
        step_.error("periodic-task-failed",
                    fmt::format("{} failed: {}; what it samples is not judged from here on", what_,
                                e.what()));
      }
      lock.lock();
      continue;
    }
    lock.lock();
  }
}

ElapsedProgress::ElapsedProgress(StepRecorder& step, std::chrono::milliseconds total, double from,
                                 double to, std::string detail)
    : task_(
          std::chrono::seconds(1),
          [&step, total, from, to, detail, started = std::chrono::steady_clock::now()] {
            auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started);
            double share = total.count() > 0 ? std::min(1.0, static_cast<double>(elapsed.count()) /
                                                                 static_cast<double>(total.count()))
                                             : 1.0;
            step.progress(from + (to - from) * share, detail);
          },
          step, "the progress of " + detail) {}

}  // namespace kiln::runner
