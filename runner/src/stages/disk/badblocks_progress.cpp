#include "stages/disk/badblocks_progress.hpp"

#include <algorithm>
#include <fstream>

#include "tools/text_scan.hpp"

namespace kiln::runner {

BadblocksProgress::BadblocksProgress(std::filesystem::path log_file, int phases)
    : log_file_(std::move(log_file)), phases_(std::max(1, phases)) {}

int BadblocksProgress::expected_phases(tools::BadblocksMode mode, int patterns, int passes) {
  int per_pass =
      mode == tools::BadblocksMode::kDestructiveWrite ? 2 * (patterns > 0 ? patterns : 4) : 1;
  return per_pass * std::max(1, passes);
}

double BadblocksProgress::update() {
  // kiln's own log file (not a host path): read only what was appended.
  std::ifstream in(log_file_, std::ios::binary);
  if (!in) return fraction();
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::uintmax_t>(in.tellg());
  if (size < offset_) offset_ = 0;
  constexpr std::uintmax_t kMaxChunk = 1U << 20;
  if (size - offset_ > kMaxChunk) offset_ = size - kMaxChunk;
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string chunk(size - offset_, '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  offset_ = size;
  consume(chunk);
  return fraction();
}

void BadblocksProgress::consume(std::string_view text) {
  for (std::string_view marker : {"Testing with", "Reading and comparing", "(read-only test)"}) {
    for (auto at = text.find(marker); at != std::string_view::npos;
         at = text.find(marker, at + 1)) {
      ++started_;
      percent_ = 0;
    }
  }
  auto done = text.rfind("% done");
  if (done == std::string_view::npos || done == 0) return;
  auto start = text.find_last_of(" \b:", done - 1);
  auto number = text.substr(start == std::string_view::npos ? 0 : start + 1,
                            done - (start == std::string_view::npos ? 0 : start + 1));
  if (auto v = tools::scan::to_double(number); v && *v >= 0 && *v <= 100) percent_ = *v;
}

double BadblocksProgress::fraction() const {
  if (started_ == 0) return 0.0;
  double whole = static_cast<double>(std::min(started_, phases_) - 1) + percent_ / 100.0;
  return std::clamp(whole / static_cast<double>(phases_), 0.0, 1.0);
}

}  // namespace kiln::runner
