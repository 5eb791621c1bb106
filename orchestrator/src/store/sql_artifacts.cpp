// SqlRunStore: storing artifact batches. A batch is one multi-row INSERT per
// chunk of lines (ON CONFLICT DO NOTHING: a replayed line stores nothing) and
// one UPDATE of the run's acknowledgement and progress. Where the stream stands
// is kept per run in memory (RunCursor), so the common case, a batch that
// continues the stream with nothing stored beyond it, needs no SELECT at all.
#include <fmt/format.h>

#include <algorithm>

#include "store/sql_run_store.hpp"

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kMaxRowsPerInsert = 32;  // 96 parameters: far below both backends' limits
constexpr std::size_t kMaxCursors = 100000;    // runs streaming at once, with room to spare

// "INSERT ... VALUES ($1, $2, $3), ($1, $4, $5), ..." for `rows` lines of one run.
const std::string& insert_sql(std::size_t rows) {
  static const auto texts = []() {
    std::vector<std::string> all(kMaxRowsPerInsert + 1);
    for (std::size_t n = 1; n <= kMaxRowsPerInsert; ++n) {
      std::string sql = "INSERT INTO artifacts (run_id, seq, line) VALUES ";
      for (std::size_t i = 0; i < n; ++i)
        sql += fmt::format("{}($1, ${}, ${})", i == 0 ? "" : ", ", 2 * i + 2, 2 * i + 3);
      all[n] = sql + " ON CONFLICT DO NOTHING RETURNING seq";
    }
    return all;
  }();
  return texts[rows];
}

// The largest power of two <= n (and <= kMaxRowsPerInsert): a handful of
// statement texts serve every batch size, so all stay prepared.
std::size_t chunk_rows(std::size_t n) {
  std::size_t rows = kMaxRowsPerInsert;
  while (rows > n) rows /= 2;
  return rows;
}

}  // namespace

Expected<IngestResult> SqlRunStore::ingest(const std::string& run_id,
                                           const std::vector<ArtifactLine>& lines) {
  std::lock_guard lock(mu_);
  auto begin = conn_->exec_script(conn_->backend() == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!begin) return begin.error();
  auto result = ingest_locked(run_id, lines);
  auto end = conn_->exec_script(result ? "COMMIT" : "ROLLBACK");
  if (!result || !end) cursors_.clear();
  if (!result) return result;
  if (!end) return end.error();
  if (auto synced = conn_->sync(); !synced) return synced.error();
  return result;
}

Expected<SqlRunStore::RunCursor*> SqlRunStore::cursor_locked(const std::string& run_id) {
  if (auto it = cursors_.find(run_id); it != cursors_.end()) return &it->second;
  auto current = conn_->query(
      "SELECT acked_seq, progress_seq, stage, progress FROM runs WHERE id = $1", {run_id});
  if (!current) return current.error();
  if (current->empty()) return make_error("KILN-STORE", fmt::format("no run {}", run_id));
  auto highest = conn_->query("SELECT MAX(seq) FROM artifacts WHERE run_id = $1", {run_id});
  if (!highest) return highest.error();
  RunCursor cursor;
  cursor.acked = sql_integer(current->front(), 0);
  cursor.progress_seq = sql_integer(current->front(), 1);
  cursor.stage = sql_text(current->front(), 2);
  cursor.progress = std::strtod(sql_text(current->front(), 3).c_str(), nullptr);
  cursor.max_seq = highest->empty() || !highest->front()[0] ? -1 : sql_integer(highest->front(), 0);
  if (cursors_.size() >= kMaxCursors) cursors_.clear();  // re-read on next use: only a SELECT
  return &cursors_.emplace(run_id, std::move(cursor)).first->second;
}

Expected<std::vector<long long>> SqlRunStore::insert_lines_locked(
    const std::string& run_id, const std::vector<ArtifactLine>& lines) {
  std::vector<long long> stored;
  std::vector<SqlValue> params;
  for (std::size_t done = 0; done < lines.size();) {
    std::size_t rows = chunk_rows(lines.size() - done);
    params.clear();
    params.emplace_back(run_id);
    for (std::size_t i = done; i < done + rows; ++i) {
      params.emplace_back(lines[i].seq);
      params.emplace_back(lines[i].line);
    }
    auto inserted = conn_->query(insert_sql(rows), params);
    if (!inserted) return inserted.error();
    for (const auto& r : *inserted) stored.push_back(sql_integer(r, 0));
    done += rows;
  }
  return stored;
}

Expected<IngestResult> SqlRunStore::ingest_locked(const std::string& run_id,
                                                  const std::vector<ArtifactLine>& lines) {
  auto found = cursor_locked(run_id);
  if (!found) return found.error();
  RunCursor& cursor = **found;
  auto stored = insert_lines_locked(run_id, lines);
  if (!stored) return stored.error();

  IngestResult result;
  result.stored = stored->size();
  // Stage and progress from the newest line that was stored now (a replay
  // changes nothing). Lines with the same seq in one batch: the first counts.
  std::sort(stored->begin(), stored->end());
  bool contiguous = cursor.max_seq <= cursor.acked;
  long long next = cursor.acked + 1;
  for (const auto& a : lines) {
    auto it = std::lower_bound(stored->begin(), stored->end(), a.seq);
    bool is_new = it != stored->end() && *it == a.seq;
    contiguous = contiguous && is_new && a.seq == next++;
    if (!is_new) continue;
    cursor.max_seq = std::max(cursor.max_seq, a.seq);
    if (a.seq > cursor.progress_seq && (a.stage || a.progress)) {
      cursor.progress_seq = a.seq;
      if (a.stage) {
        cursor.stage = *a.stage;
        cursor.progress = 0;
      }
      if (a.progress) cursor.progress = *a.progress;
    }
  }
  // PostgreSQL may have other replicas storing lines of the same run (a
  // runner sends its batches to any of them): what this writer remembers of
  // the stream is then a lower bound, and the table is asked what follows.
  const bool shared = conn_->backend() == "postgresql";
  const bool continued = contiguous && !lines.empty();  // nothing stored beyond it (we know of)
  if (continued) cursor.acked = lines.back().seq;
  if (shared || (!continued && cursor.max_seq > cursor.acked)) {
    // Lines past the acknowledgement (a gap being filled, another replica's): ask the table.
    auto after =
        conn_->query("SELECT seq FROM artifacts WHERE run_id = $1 AND seq > $2 ORDER BY seq",
                     {run_id, cursor.acked});
    if (!after) return after.error();
    for (const auto& r : *after) {
      if (sql_integer(r, 0) != cursor.acked + 1) break;
      ++cursor.acked;
    }
    if (!after->empty()) cursor.max_seq = std::max(cursor.max_seq, sql_integer(after->back(), 0));
  }
  // Never backwards, and the newest progress line wins: other replicas may
  // write the same run (runners send batches to any of them). What the row
  // holds after this update is the truth the cursor takes on.
  auto updated = conn_->query(
      "UPDATE runs SET acked_seq = CASE WHEN acked_seq > $2 THEN acked_seq ELSE $2 END, "
      "artifact_count = artifact_count + $3, "
      "stage = CASE WHEN progress_seq < $4 THEN $5 ELSE stage END, "
      "progress = CASE WHEN progress_seq < $4 THEN $6 ELSE progress END, "
      "progress_seq = CASE WHEN progress_seq < $4 THEN $4 ELSE progress_seq END, "
      "updated_at = $7 WHERE id = $1 RETURNING acked_seq, progress_seq, stage, progress",
      {run_id, cursor.acked, static_cast<long long>(result.stored), cursor.progress_seq,
       cursor.stage, cursor.progress, utc_now()});
  if (!updated) return updated.error();
  if (updated->empty()) return make_error("KILN-STORE", fmt::format("no run {}", run_id));
  const SqlRow& row = updated->front();
  cursor.acked = sql_integer(row, 0);
  cursor.max_seq = std::max(cursor.max_seq, cursor.acked);
  cursor.progress_seq = sql_integer(row, 1);
  cursor.stage = sql_text(row, 2);
  cursor.progress = std::strtod(sql_text(row, 3).c_str(), nullptr);
  result.acknowledged = cursor.acked;
  return result;
}

Expected<std::vector<ArtifactLine>> SqlRunStore::artifacts(const std::string& run_id) {
  auto rows = read("SELECT seq, line FROM artifacts WHERE run_id = $1 ORDER BY seq", {run_id});
  if (!rows) return rows.error();
  std::vector<ArtifactLine> out;
  out.reserve(rows->size());
  for (auto& r : *rows)
    out.push_back(ArtifactLine{sql_integer(r, 0), r.size() > 1 && r[1] ? std::move(*r[1]) : "",
                               std::nullopt, std::nullopt});
  return out;
}

}  // namespace kiln::orchestrator
