#include "run/reboot_evidence.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cstdio>
#include <ctime>

#include "stage/bmc_target.hpp"
#include "stage/tool_command.hpp"
#include "tools/text_scan.hpp"

namespace kiln::runner {
namespace {

constexpr std::chrono::seconds kSelTimeout{60};
constexpr std::size_t kMaxSelItems = 8;  // the rest is in the log folder's ipmitool-sel.log

std::optional<std::chrono::system_clock::time_point> utc(int year, int mon, int day, int hour,
                                                         int min, int sec) {
  if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
      sec > 60 || hour < 0 || min < 0 || sec < 0) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  const std::time_t t = ::timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

Expected<std::vector<tools::SelEntry>> read_sel(HostAdapter& host, const RunOptions& options,
                                                const std::filesystem::path& log_dir) {
  auto lan = bmc_lan_target(options);
  if (!lan) return lan.error();
  std::vector<std::string> secrets;
  if (*lan) secrets.push_back(options.bmc_password);
  auto argv = tools::ipmitool_sel_argv(*lan, true, false);
  CommandSpec spec{argv, kSelTimeout, std::nullopt, std::nullopt, secrets};
  if (!log_dir.empty()) spec.log_file = log_dir / "ipmitool-sel.log";
  auto result = host.run(spec);
  if (!result) return make_error("KILN-BMC", describe_failure(argv, result.error()));
  if (!result->exited_with(0)) return make_error("KILN-BMC", describe_failure(argv, *result));
  if (tools::scan::is_blank(result->stdout_text)) return std::vector<tools::SelEntry>{};
  auto entries = tools::parse_ipmitool_sel(result->stdout_text);
  if (!entries) {
    return make_error("KILN-BMC",
                      fmt::format("`{}`: {}", command_text(argv), entries.error().message));
  }
  return entries;
}

std::vector<tools::PstoreRecord> read_pstore(HostAdapter& host, std::vector<std::string>& notes) {
  std::vector<tools::PstoreRecord> records;
  const std::string root(tools::kPstoreRoot);
  auto names = host.list_dir(root);
  if (!names) {
    notes.push_back(fmt::format("pstore not readable ({}): is pstore mounted?", root));
    return records;
  }
  for (const auto& name : *names) {
    if (!tools::is_pstore_dmesg_record(name)) {
      if (name.starts_with("dmesg-")) notes.push_back(fmt::format("pstore {} is compressed", name));
      continue;
    }
    auto text = host.read_file(root + "/" + name);
    if (!text) {
      notes.push_back(fmt::format("pstore {} not read: {}", name, text.error().message));
      continue;
    }
    auto record = tools::parse_pstore_record(name, *text);
    if (!record) {
      notes.push_back(record.error().message);
      continue;
    }
    records.push_back(std::move(*record));
  }
  if (records.empty()) notes.push_back(fmt::format("no kernel panic or oops record in {}", root));
  return records;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> sel_time(const tools::SelEntry& e) {
  int mon = 0, day = 0, year = 0, hour = 0, min = 0, sec = 0;
  char end = 0;
  if (std::sscanf(e.date.c_str(), "%2d/%2d/%4d%c", &mon, &day, &year, &end) != 3) return {};
  // ipmitool 1.8.19 (Debian 12, kiln's image) prints "12/03/26 | 16:35:39 UTC": a two-digit
  // year and the zone it converted to; older ones "12/03/2026 | 16:35:39".
  if (e.date.size() != 8 && e.date.size() != 10) return {};
  if (e.date.size() == 8 && year >= 0 && year < 100) year += 2000;
  std::string time = e.time;
  if (time.size() > 4 && time.compare(time.size() - 4, 4, " UTC") == 0)
    time.resize(time.size() - 4);
  if (std::sscanf(time.c_str(), "%2d:%2d:%2d%c", &hour, &min, &sec, &end) != 3) return {};
  return utc(year, mon, day, hour, min, sec);
}

std::string rfc3339(std::chrono::system_clock::time_point tp) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::time_point_cast<std::chrono::seconds>(tp));
}

std::optional<std::chrono::system_clock::time_point> rfc3339_time(const std::string& text) {
  int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &mon, &day, &hour, &min, &sec) !=
      6) {
    return std::nullopt;
  }
  return utc(year, mon, day, hour, min, sec);
}

std::vector<tools::SelEntry> sel_entries_since(const std::vector<tools::SelEntry>& entries,
                                               std::chrono::system_clock::time_point since) {
  std::vector<tools::SelEntry> out;
  for (const auto& e : entries) {
    auto at = sel_time(e);
    if (!at || *at < since) continue;
    if (tools::classify_sel_entry(e) == tools::SelSeverity::kInfo) continue;
    out.push_back(e);
  }
  return out;
}

RebootEvidence judge_reboot_evidence(const std::vector<tools::SelEntry>& sel_since,
                                     const std::vector<tools::PstoreRecord>& pstore,
                                     const EdacSnapshot& edac) {
  RebootEvidence evidence;
  // Critical SEL entries first: they name what failed.
  for (auto wanted : {tools::SelSeverity::kCritical, tools::SelSeverity::kWarning}) {
    for (const auto& e : sel_since) {
      if (tools::classify_sel_entry(e) != wanted) continue;
      if (evidence.items.size() >= kMaxSelItems) break;
      std::string text = e.event.empty() ? e.sensor : fmt::format("{}, {}", e.sensor, e.event);
      if (!e.direction.empty()) text += " " + e.direction;
      evidence.items.push_back(
          {"SEL", fmt::format("{} ({} {})", text, e.date, e.time), "SEL " + e.sensor});
    }
  }
  for (const auto& r : pstore) {
    std::string text = r.headline.empty() ? r.reason + " record" : r.headline;
    if (!r.machine_checks.empty()) text += "; " + r.machine_checks.front();
    evidence.items.push_back({"pstore", text, "pstore " + r.file});
  }
  for (const auto& [key, unit] : edac.units) {
    if (unit.ce == 0 && unit.ue == 0) continue;
    evidence.items.push_back(
        {"EDAC",
         fmt::format("{}: {} uncorrectable, {} correctable errors since this boot",
                     describe_unit(unit), unit.ue, unit.ce),
         describe_unit(unit)});
  }
  return evidence;
}

std::string RebootEvidence::summary() const {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {}", item.source, item.text);
  }
  if (!out.empty()) return out;
  out = "no evidence";
  for (std::size_t i = 0; i < unavailable.size(); ++i)
    out += (i == 0 ? ": " : ", ") + unavailable[i];
  return out;
}

RebootEvidence collect_reboot_evidence(HostAdapter& host, const RunOptions& options,
                                       const std::filesystem::path& log_dir,
                                       std::optional<std::chrono::system_clock::time_point> since) {
  std::vector<std::string> notes;
  std::vector<tools::SelEntry> sel_since;
  auto sel = read_sel(host, options, log_dir);
  if (!sel) {
    notes.push_back("SEL not read: " + sel.error().message);
  } else if (!since) {
    notes.push_back("SEL read, but the run's start is unknown: no entry judged");
  } else {
    sel_since = sel_entries_since(*sel, *since);
    if (sel_since.empty())
      notes.push_back("no SEL warning or critical event since the run started");
  }
  auto pstore = read_pstore(host, notes);
  auto edac = read_edac(host);
  if (!edac.present) notes.push_back("no EDAC memory controller");
  auto evidence = judge_reboot_evidence(sel_since, pstore, edac);
  evidence.unavailable = std::move(notes);
  return evidence;
}

RebootEvidence collect_reboot_evidence(StageContext& ctx, const RunResume& resume) {
  auto since = rfc3339_time(resume.run_started);
  if (!since && resume.interrupted) since = rfc3339_time(resume.interrupted->stage_started);
  return collect_reboot_evidence(ctx.host, ctx.options, ctx.log_dir, since);
}

}  // namespace kiln::runner
