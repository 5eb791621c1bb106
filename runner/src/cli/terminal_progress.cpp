#include "cli/terminal_progress.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace kiln::runner {

TerminalProgress::TerminalProgress(bool interactive) : interactive_(interactive) {}

RunObserver TerminalProgress::observer() {
  return RunObserver{[this](const StageInfo& i) { started(i); },
                     [this](const std::string& s, double f, const std::string& d) { progress(s, f, d); },
                     [this](const StageRecord& r) { ended(r); }};
}

void TerminalProgress::started(const StageInfo& info) {
  std::lock_guard lock(mu_);
  stage_start_ = std::chrono::steady_clock::now();
  if (!interactive_) fmt::print(stderr, "[kiln] stage {} started\n", info.name);
}

void TerminalProgress::progress(const std::string& stage, double fraction, const std::string& detail) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (!interactive_ || now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  double elapsed = std::chrono::duration<double>(now - stage_start_).count();
  std::string eta = fraction > 0.01 ? fmt::format("{:.0f}s", elapsed / fraction - elapsed) : "?";
  fmt::print(stderr, "\r\033[K[kiln] {:<12} {:5.1f}%  elapsed {:.0f}s  ETA {}  {}", stage, fraction * 100.0,
             elapsed, eta, detail);
  std::fflush(stderr);
}

void TerminalProgress::ended(const StageRecord& record) {
  std::lock_guard lock(mu_);
  if (record.finished_on_earlier_boot) {  // not run here (docs/reboots.md)
    fmt::print(stderr, "{}[kiln] {:<12} {:<5} finished before the reboot\n",
               interactive_ ? "\r\033[K" : "", record.name, record.outcome.verdict());
    return;
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start_).count();
  fmt::print(stderr, "{}[kiln] {:<12} {:<5} {:.1f}s\n", interactive_ ? "\r\033[K" : "", record.name,
             record.outcome.verdict(), elapsed);
}

}  // namespace kiln::runner
