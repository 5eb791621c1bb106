#include "tools/pstore.hpp"

#include <fmt/format.h>

#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

using scan::icontains;
using scan::is_blank;
using scan::lines;
using scan::starts_with;

constexpr std::size_t kMaxMachineChecks = 4;

// "<0>[ 1234.567890] text" / "[ 1234.567890] text" -> "text".
std::string_view message_of(std::string_view line) {
  if (!line.empty() && line.front() == '<') {
    auto close = line.find('>');
    if (close != std::string_view::npos && close <= 4) line.remove_prefix(close + 1);
  }
  if (!line.empty() && line.front() == '[') {
    auto close = line.find(']');
    if (close != std::string_view::npos) {
      line.remove_prefix(close + 1);
      while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    }
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  return line;
}

bool is_log_line(std::string_view line) {
  return (!line.empty() && line.front() == '<') || (!line.empty() && line.front() == '[');
}

bool is_oops_line(std::string_view m) {
  return starts_with(m, "BUG: ") || starts_with(m, "Oops: ") || starts_with(m, "kernel BUG at ") ||
         starts_with(m, "general protection fault") || starts_with(m, "Unable to handle kernel") ||
         starts_with(m, "watchdog: BUG: soft lockup") || starts_with(m, "NMI watchdog: ");
}

}  // namespace

bool is_pstore_dmesg_record(std::string_view name) {
  if (!starts_with(name, "dmesg-")) return false;
  return !(name.size() >= 6 && name.substr(name.size() - 6) == ".enc.z");
}

Expected<PstoreRecord> parse_pstore_record(std::string_view file_name, std::string_view text) {
  PstoreRecord record;
  record.file = std::string(file_name);
  if (is_blank(text)) {
    return make_error(std::string(kPstoreParseError),
                      fmt::format("pstore record {} is empty", file_name));
  }
  bool any_log_line = false;
  std::string oops;
  for (auto line : lines(text)) {
    if (record.reason.empty()) {
      // "Panic#1 Part1", "Oops#2 Part1"; older kernels: "Oops#1 Part1" for a panic too.
      auto hash = line.find('#');
      if (hash != std::string_view::npos && hash > 0 &&
          line.find(" Part") != std::string_view::npos && !is_log_line(line)) {
        record.reason = std::string(line.substr(0, hash));
        continue;
      }
    }
    if (!is_log_line(line)) continue;
    any_log_line = true;
    const auto m = message_of(line);
    if (record.headline.empty() && starts_with(m, "Kernel panic - not syncing")) {
      record.headline = std::string(m);
    }
    if (oops.empty() && is_oops_line(m)) oops = std::string(m);
    if (record.machine_checks.size() < kMaxMachineChecks &&
        (icontains(m, "[Hardware Error]") || icontains(m, "Machine Check Exception") ||
         icontains(m, "machine check event"))) {
      record.machine_checks.emplace_back(m);
    }
  }
  if (!any_log_line) {
    return make_error(
        std::string(kPstoreParseError),
        fmt::format("pstore record {} holds no kernel log line (\"<N>[time] text\")", file_name));
  }
  if (record.headline.empty()) record.headline = oops;
  if (record.reason.empty()) record.reason = "Unknown";
  return record;
}

}  // namespace kiln::tools
