// Progress of a running badblocks, read from the log file the host adapter
// tees its output into: phases started (each pattern's write and read) and
// the percentage of the current one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "tools/badblocks.hpp"

namespace kiln::runner {

class BadblocksProgress {
 public:
  // `phases`: how many "Testing with..."/"Reading and comparing" phases the
  // whole run has (expected_phases()).
  BadblocksProgress(std::filesystem::path log_file, int phases);

  // Reads what was appended since the last call; returns the fraction done.
  double update();
  // Scans text (pure, for tests).
  void consume(std::string_view text);
  [[nodiscard]] double fraction() const;

  static int expected_phases(tools::BadblocksMode mode, int patterns, int passes);

 private:
  std::filesystem::path log_file_;
  std::uintmax_t offset_ = 0;
  int phases_ = 1;
  int started_ = 0;
  double percent_ = 0;
};

}  // namespace kiln::runner
