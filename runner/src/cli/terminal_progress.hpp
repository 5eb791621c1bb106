// The live progress line of kiln-runner on a terminal (one line per stage
// start and end when stderr is not a terminal).
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "run/burnin_run.hpp"

namespace kiln::runner {

class TerminalProgress {
 public:
  explicit TerminalProgress(bool interactive);
  RunObserver observer();

 private:
  void started(const StageInfo& info);
  void progress(const std::string& stage, double fraction, const std::string& detail);
  void ended(const StageRecord& record);

  std::mutex mu_;
  bool interactive_;
  std::chrono::steady_clock::time_point stage_start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace kiln::runner
