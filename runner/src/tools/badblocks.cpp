#include "tools/badblocks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

// Lines, with backspace and carriage return also ending a segment (progress
// output rewrites itself with "\b\b\b..." and a block number may follow).
std::vector<std::string_view> segments(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n' || text[i] == '\r' || text[i] == '\b') {
      if (i > start) out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// "Checking for bad blocks (read-only test): 120589728": the first bad block
// printed right after the stderr prefix in an interleaved capture.
std::optional<std::uint64_t> block_after_prefix(std::string_view seg) {
  std::size_t colon = seg.rfind(": ");
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view prefix = seg.substr(0, colon);
  if (!scan::icontains(prefix, "bad blocks") && !scan::icontains(prefix, "pattern") &&
      !scan::icontains(prefix, "comparing")) {
    return std::nullopt;
  }
  std::string_view rest = scan::trim(seg.substr(colon + 2));
  if (!scan::all_digits(rest)) return std::nullopt;
  return scan::to_u64(rest);
}

// "Pass completed, 20 bad blocks found. (20/0/0 errors)"
bool parse_pass_line(std::string_view seg, BadblocksResult& r) {
  std::size_t at = seg.find("Pass completed,");
  if (at == std::string_view::npos) return false;
  std::string_view rest = seg.substr(at + 15);
  r.completed = true;
  ++r.passes_completed;
  r.reported_count = scan::leading_u64(rest);
  std::size_t open = rest.find('(');
  std::size_t close = rest.find(" errors)", open == std::string_view::npos ? 0 : open);
  r.error_breakdown_known = false;
  if (open != std::string_view::npos && close != std::string_view::npos) {
    auto parts = scan::split(rest.substr(open + 1, close - open - 1), '/');
    if (parts.size() == 3) {
      auto rd = scan::to_u64(parts[0]);
      auto wr = scan::to_u64(parts[1]);
      auto co = scan::to_u64(parts[2]);
      if (rd && wr && co) {
        r.read_errors = *rd;
        r.write_errors = *wr;
        r.corruption_errors = *co;
        r.error_breakdown_known = true;
      }
    }
  }
  return true;
}

void scan_text(std::string_view text, BadblocksResult& r) {
  for (std::string_view raw : segments(text)) {
    std::string_view seg = scan::trim(raw);
    if (seg.empty()) continue;
    if (scan::all_digits(seg)) {
      if (auto block = scan::to_u64(seg)) r.bad_blocks.push_back(*block);
      continue;
    }
    if (parse_pass_line(seg, r)) continue;
    if (auto block = block_after_prefix(seg)) r.bad_blocks.push_back(*block);
  }
}

}  // namespace

std::vector<std::string> badblocks_argv(const BadblocksSpec& spec) {
  const char* mode = spec.mode == BadblocksMode::kDestructiveWrite ? "-wsv"
                     : spec.mode == BadblocksMode::kNonDestructive ? "-nsv"
                                                                   : "-sv";
  std::vector<std::string> argv{
      "badblocks", mode, "-b", std::to_string(spec.block_size), "-p", std::to_string(spec.passes)};
  for (const auto& pattern : spec.patterns) argv.insert(argv.end(), {"-t", pattern});
  if (!spec.output_file.empty()) argv.insert(argv.end(), {"-o", spec.output_file});
  argv.push_back(spec.device);
  return argv;
}

std::uint64_t BadblocksResult::bad_block_count() const {
  std::uint64_t triple = read_errors + write_errors + corruption_errors;
  return std::max(
      {static_cast<std::uint64_t>(bad_blocks.size()), reported_count.value_or(0), triple});
}

Expected<BadblocksResult> parse_badblocks(std::string_view block_list, std::string_view log) {
  if (scan::is_blank(block_list) && scan::is_blank(log)) {
    return make_error(std::string(kBadblocksParseError),
                      "badblocks: no output at all (neither a block list nor a progress log)");
  }
  BadblocksResult r;
  scan_text(block_list, r);
  scan_text(log, r);
  std::sort(r.bad_blocks.begin(), r.bad_blocks.end());
  r.bad_blocks.erase(std::unique(r.bad_blocks.begin(), r.bad_blocks.end()), r.bad_blocks.end());
  return r;
}

}  // namespace kiln::tools
