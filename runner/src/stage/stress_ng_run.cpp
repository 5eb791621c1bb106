#include "stage/stress_ng_run.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "stage/tool_command.hpp"

namespace kiln::runner {

std::chrono::milliseconds stress_ng_deadline(std::chrono::milliseconds duration) {
  return duration + std::max<std::chrono::milliseconds>(std::chrono::seconds(60), duration / 20);
}

StressNgOutcome run_stress_ng(StageContext& ctx, const std::vector<std::string>& argv,
                              std::chrono::milliseconds timeout, std::string_view log_name) {
  return judge_stress_ng(ctx, argv, run_tool(ctx, argv, timeout, log_name));
}

StressNgOutcome judge_stress_ng(StageContext& ctx, const std::vector<std::string>& argv,
                                const Expected<CommandResult>& result) {
  StressNgOutcome out;
  if (!result) {
    report_tool_failure(ctx, argv, result, "stress-ng-failed", "install stress-ng in the image");
    out.harness_error = true;
    return out;
  }
  auto console = tools::parse_stress_ng_console(result->stderr_text);
  if (console) {
    out.verify_failures = console->verify_failures;
    out.metrics = console->metrics;
    if (!out.verify_failures.empty()) {
      // The data was wrong: whatever else happened, the hardware is at fault.
      if (!result->exited_with(0) && !result->exited_with(2)) {
        ctx.step.log(
            ocptv::LogSeverity::kWarning,
            fmt::format("stress-ng {} after reporting verification failures", result->describe()));
      }
      return out;
    }
  }
  if (result->timed_out || result->signalled) {
    report_tool_failure(ctx, argv, result, "",
                        "rerun the stage; if it repeats, check dmesg for "
                        "OOM kills or machine checks");
    out.harness_error = true;
    return out;
  }
  if (!result->exited_with(0)) {
    std::string why(tools::describe_stress_ng_exit(result->exit_code));
    std::string dead;
    if (console && !console->dead_workers.empty()) {
      dead = fmt::format(" (workers died: {})", fmt::join(console->dead_workers, "; "));
    }
    ctx.step.error("stress-ng-failed",
                   fmt::format("{} — {}{}. Next step: check dmesg for OOM kills or machine checks "
                               "and rerun the stage",
                               describe_failure(argv, *result), why, dead));
    out.harness_error = true;
    return out;
  }
  if (!console || !console->clean()) {
    ctx.step.error(
        "stress-ng-unsuccessful",
        fmt::format("{} exited 0 but its log does not report a successful run{}",
                    command_text(argv),
                    console ? fmt::format(" ({} failure lines)", console->failure_lines.size())
                            : ": " + console.error().message));
    out.harness_error = true;
  }
  return out;
}

}  // namespace kiln::runner
