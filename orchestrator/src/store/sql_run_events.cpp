// SqlRunStore: a run's boot id and its events (unexpected reboots, runner
// restarts), and the artifact lines a resumed run is answered from.
#include <fmt/format.h>

#include <algorithm>

#include "store/sql_run_store.hpp"

namespace kiln::orchestrator {
namespace {

// `text` as a LIKE pattern that matches it anywhere, its wildcards escaped.
std::string like_anywhere(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

}  // namespace

Status SqlRunStore::set_runner(const std::string& id, const std::string& boot_id,
                               const std::string& instance) {
  forget_run(id);
  return update("UPDATE runs SET boot_id = $2, runner_instance = $3, updated_at = $4 WHERE id = $1",
                {id, boot_id, instance, utc_now()});
}

Expected<RunEvent> SqlRunStore::record_boot_event(const RunEvent& event, const std::string& boot_id,
                                                  const std::string& instance) {
  forget_run(event.run_id);
  RunEvent recorded = event;
  if (recorded.at.empty()) recorded.at = utc_now();
  auto written = write_transaction([&]() -> Status {
    cursors_.erase(event.run_id);  // acked_seq moves here: the writer re-reads the row
    auto highest = conn_->query(
        "SELECT COALESCE(MAX(seq), -1), COUNT(*) FROM artifacts WHERE run_id = $1", {event.run_id});
    if (!highest) return highest.error();
    const long long max_seq = highest->empty() ? -1 : sql_integer(highest->front(), 0);
    const long long stored = highest->empty() ? 0 : sql_integer(highest->front(), 1);
    auto updated = conn_->query(
        "UPDATE runs SET boot_id = $2, runner_instance = $5, acked_seq = CASE WHEN acked_seq > "
        "$3 THEN acked_seq ELSE $3 END, updated_at = $4 WHERE id = $1 RETURNING acked_seq",
        {event.run_id, boot_id, max_seq, utc_now(), instance});
    if (!updated) return updated.error();
    if (updated->empty()) return make_error("KILN-STORE", fmt::format("no run {}", event.run_id));
    recorded.acknowledged = sql_integer(updated->front(), 0);
    auto before = conn_->query(
        "SELECT COALESCE(MAX(seq), -1) + 1, COALESCE(SUM(lost), 0) FROM run_events "
        "WHERE run_id = $1",
        {event.run_id});
    if (!before) return before.error();
    recorded.seq = before->empty() ? 0 : sql_integer(before->front(), 0);
    // What this event gave up: every gap now closed, less the earlier events' share.
    const long long lost_before = before->empty() ? 0 : sql_integer(before->front(), 1);
    recorded.lost = std::max(0LL, recorded.acknowledged + 1 - stored - lost_before);
    auto inserted = conn_->query(
        "INSERT INTO run_events (run_id, seq, kind, at, detail, acknowledged, lost) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {event.run_id, recorded.seq, recorded.kind, recorded.at, recorded.detail,
         recorded.acknowledged, recorded.lost});
    if (!inserted) return inserted.error();
    return ok();
  });
  if (!written) return written.error();
  return recorded;
}

Expected<std::vector<RunEvent>> SqlRunStore::run_events(const std::string& run_id) {
  auto rows = read(
      "SELECT run_id, seq, kind, at, detail, acknowledged, lost FROM run_events "
      "WHERE run_id = $1 ORDER BY seq",
      {run_id});
  if (!rows) return rows.error();
  std::vector<RunEvent> events;
  for (const auto& r : *rows) {
    events.push_back({sql_text(r, 0), sql_integer(r, 1), sql_text(r, 2), sql_text(r, 3),
                      sql_text(r, 4), sql_integer(r, 5), sql_integer(r, 6)});
  }
  return events;
}

Expected<std::vector<ArtifactLine>> SqlRunStore::artifacts_containing(const std::string& run_id,
                                                                      const std::string& text) {
  auto rows = read(
      "SELECT seq, line FROM artifacts WHERE run_id = $1 AND line LIKE $2 ESCAPE '\\' "
      "ORDER BY seq",
      {run_id, like_anywhere(text)});
  if (!rows) return rows.error();
  std::vector<ArtifactLine> out;
  for (auto& r : *rows) {
    out.push_back(ArtifactLine{sql_integer(r, 0), r.size() > 1 && r[1] ? std::move(*r[1]) : "",
                               std::nullopt, std::nullopt});
  }
  return out;
}

}  // namespace kiln::orchestrator
