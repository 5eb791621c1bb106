#include "tools/ipmitool_sel.hpp"

#include <fmt/format.h>

#include <array>

#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

bool is_hex_id(std::string_view s) {
  return !s.empty() && scan::to_u64(s, 16).has_value();
}

bool is_direction(std::string_view s) {
  return s == "Asserted" || s == "Deasserted";
}

std::string join(const std::vector<std::string_view>& f, std::size_t from, std::size_t to,
                 std::string_view sep) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += sep;
    out += f[i];
  }
  return out;
}

std::optional<SelEntry> parse_row(std::string_view line) {
  char sep = line.find('|') != std::string_view::npos ? '|' : ',';
  auto f = scan::split(line, sep);
  for (auto& field : f) field = scan::trim(field);
  if (f.size() < 5 || !is_hex_id(f[0])) return std::nullopt;
  SelEntry e;
  e.raw = std::string(line);
  e.id = std::string(f[0]);
  e.date = std::string(f[1]);
  e.time = std::string(f[2]);
  e.sensor = std::string(f[3]);
  std::size_t end = f.size();
  if (is_direction(f.back())) {
    e.direction = std::string(f.back());
    --end;
  }
  e.event = join(f, 4, end, sep == '|' ? " | " : ",");
  return e;
}

// `ipmitool sel get N`: "SEL Record ID : 0000" then " Key : Value" lines.
void apply_verbose(SelEntry& e, std::string_view key, std::string_view value) {
  if (key == "Timestamp") {
    auto parts = scan::tokens(value);
    if (!parts.empty()) e.date = std::string(parts[0]);
    if (parts.size() > 1) e.time = std::string(parts[1]);
  } else if (key == "Sensor Type") {
    e.sensor = e.sensor.empty() ? std::string(value) : fmt::format("{} {}", value, e.sensor);
  } else if (key == "Sensor Number") {
    std::string number = fmt::format("#0x{}", value);
    e.sensor = e.sensor.empty() ? number : fmt::format("{} {}", e.sensor, number);
  } else if (key == "Description") {
    e.event = std::string(value);
  } else if (key == "Event Direction") {
    e.direction = scan::icontains(value, "deassert") ? "Deasserted" : "Asserted";
  }
}

}  // namespace

std::vector<std::string> ipmitool_sel_argv(const std::optional<IpmiLanTarget>& lan, bool extended,
                                           bool csv) {
  auto argv = ipmitool_prefix(lan);
  if (csv) argv.emplace_back("-c");
  argv.insert(argv.end(), {"sel", extended ? "elist" : "list"});
  return argv;
}

Expected<std::vector<SelEntry>> parse_ipmitool_sel(std::string_view text) {
  if (scan::is_blank(text)) {
    return make_error(std::string(kSelParseError), "ipmitool sel: empty output");
  }
  std::vector<SelEntry> entries;
  std::optional<SelEntry> verbose;
  bool said_empty = false;
  for (std::string_view raw_line : scan::lines(text)) {
    std::string_view line = scan::trim(raw_line);
    std::size_t colon = line.find(':');
    if (scan::starts_with(line, "SEL Record ID") && colon != std::string_view::npos) {
      if (verbose) entries.push_back(std::move(*verbose));
      verbose.emplace();
      verbose->raw = std::string(line);
      verbose->id = std::string(scan::trim(line.substr(colon + 1)));
      continue;
    }
    if (verbose) {
      if (line.empty()) {
        entries.push_back(std::move(*verbose));
        verbose.reset();
      } else if (colon != std::string_view::npos) {
        apply_verbose(*verbose, scan::trim(line.substr(0, colon)),
                      scan::trim(line.substr(colon + 1)));
      }
      continue;
    }
    if (line.empty() || line.front() == '#') continue;
    if (scan::icontains(line, "SEL has no entries")) {
      said_empty = true;
      continue;
    }
    if (auto entry = parse_row(line)) entries.push_back(std::move(*entry));
  }
  if (verbose) entries.push_back(std::move(*verbose));
  if (entries.empty() && !said_empty) {
    return make_error(std::string(kSelParseError),
                      fmt::format("ipmitool sel: no SEL entry recognised in {} bytes of output "
                                  "(expected 'id | date | time | sensor | event | direction')",
                                  text.size()));
  }
  return entries;
}

SelSeverity classify_sel_entry(const SelEntry& entry) {
  if (entry.direction == "Deasserted") return SelSeverity::kInfo;
  std::string text = scan::to_lower(entry.sensor + " | " + entry.event);
  auto has = [&](std::string_view needle) { return text.find(needle) != std::string::npos; };

  static constexpr std::array<std::string_view, 14> kCritical = {"uncorrectable",
                                                                 "ierr",
                                                                 "thermal trip",
                                                                 "machine check",
                                                                 "non-recoverable",
                                                                 "fatal",
                                                                 "parity",
                                                                 "bus uncorrectable",
                                                                 "critical interrupt",
                                                                 "drive fault",
                                                                 "memory device disabled",
                                                                 "frb",
                                                                 "configuration error",
                                                                 "power supply failure"};
  for (auto needle : kCritical) {
    if (has(needle)) return SelSeverity::kCritical;
  }
  bool power_supply = has("power supply") || has("psu") || has("ps1") || has("ps2");
  if (has("failure detected") && (power_supply || has("fan"))) return SelSeverity::kCritical;
  if (has("fan") && (has("lower critical") || has("failure") || has("fault"))) {
    return SelSeverity::kCritical;
  }
  // "critical" on its own, but not "non-critical" (e.g. "Transition to Non-critical from OK").
  for (std::size_t at = text.find("critical"); at != std::string::npos;
       at = text.find("critical", at + 1)) {
    if (at < 4 || text.compare(at - 4, 4, "non-") != 0) return SelSeverity::kCritical;
  }

  static constexpr std::array<std::string_view, 10> kWarning = {
      "correctable", "chassis intru", "redundancy lost",    "redundancy degraded", "non-redundant",
      "ac lost",     "non-critical",  "predictive failure", "failure detected",    "throttl"};
  for (auto needle : kWarning) {
    if (has(needle)) return SelSeverity::kWarning;
  }
  return SelSeverity::kInfo;
}

std::string_view to_string(SelSeverity severity) {
  switch (severity) {
    case SelSeverity::kCritical:
      return "critical";
    case SelSeverity::kWarning:
      return "warning";
    case SelSeverity::kInfo:
      return "info";
  }
  return "info";
}

}  // namespace kiln::tools
