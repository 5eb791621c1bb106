// SqlRunStore: the run queries the operator views need, in SQL. A list never
// reads report text unless asked (reports live in run_reports; runs keep a
// small summary of each), filters with WHERE on indexed columns, and "each
// node's newest run" is a window function, not a scan in C++. Starting runs
// checks and inserts in one transaction; the unique partial index
// runs_one_unfinished_per_node refuses a second unfinished run of a node,
// whichever replica (or process) inserts it.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "store/sql_run_rows.hpp"
#include "store/sql_run_store.hpp"

namespace kiln::orchestrator {
namespace {

// Columns of a runs SELECT, run_from's order; the report (index 8) is chosen
// by the caller: the report text or ''.
constexpr const char* kRunColumnsHead =
    "id, node_uuid, token_hash, state, directive, stage, progress, verdict, ";
constexpr const char* kRunColumnsTail =
    ", driver_state, driver_error, attempt, acked_seq, artifact_count, created_at, updated_at, "
    "last_heartbeat, kind, operator_name, has_report, report_summary, boot_id, runner_instance";
constexpr const char* kReportText =
    "COALESCE((SELECT report FROM run_reports WHERE run_reports.run_id = runs.id), '')";
constexpr const char* kUnfinished = "state NOT IN ('reported', 'aborted')";

// The per-delivery counts' common part: each node's newest run of `kind` (the
// order select_runs' latest_per_node uses) as subquery `latest` with `columns`,
// and the nodes to count, of one asset tag (its value appended to `params`) or
// of every delivery.
struct LatestRunPerNode {
  std::string latest;
  std::string node_filter;
};
LatestRunPerNode latest_run_per_node(const std::string& kind, const std::string& columns,
                                     const std::optional<std::string>& tag,
                                     std::vector<SqlValue>& params) {
  std::string node_filter = "nodes.asset_tag <> ''";
  std::string run_filter = fmt::format("kind = '{}'", kind);
  if (tag) {
    params.emplace_back(*tag);
    node_filter = "nodes.asset_tag = $1";
    run_filter += " AND node_uuid IN (SELECT uuid FROM nodes WHERE asset_tag = $1)";
  }
  return {fmt::format("(SELECT {}, ROW_NUMBER() OVER (PARTITION BY node_uuid ORDER BY "
                      "created_at DESC, created_seq DESC, id DESC) AS newest FROM runs WHERE {}) "
                      "latest",
                      columns, run_filter),
          node_filter};
}

int count_of(const std::optional<std::string>& v) {
  return v ? static_cast<int>(std::stoll(*v)) : 0;
}

RunRow run_from(const SqlRow& r) {
  RunRow run;
  run.id = sql_text(r, 0);
  run.node_uuid = sql_text(r, 1);
  run.token_hash = sql_text(r, 2);
  run.state = sql_text(r, 3);
  run.directive = sql_text(r, 4);
  run.stage = sql_text(r, 5);
  run.progress = std::strtod(sql_text(r, 6).c_str(), nullptr);
  run.verdict = sql_text(r, 7);
  run.report = sql_text(r, 8);
  run.driver_state = sql_text(r, 9);
  run.driver_error = sql_text(r, 10);
  run.attempt = static_cast<int>(sql_integer(r, 11));
  run.acked_seq = sql_integer(r, 12);
  run.artifact_count = sql_integer(r, 13);
  run.created_at = sql_text(r, 14);
  run.updated_at = sql_text(r, 15);
  run.last_heartbeat = sql_text(r, 16);
  run.kind = sql_text(r, 17);
  run.operator_name = sql_text(r, 18);
  run.has_report = sql_integer(r, 19) != 0;
  run.report_summary = sql_text(r, 20);
  run.boot_id = sql_text(r, 21);
  run.runner_instance = sql_text(r, 22);
  return run;
}

}  // namespace

const char* const kInsertRun =
    "INSERT INTO runs (id, node_uuid, token_hash, state, directive, stage, progress, verdict, "
    "driver_state, driver_error, attempt, acked_seq, artifact_count, created_at, updated_at, "
    "last_heartbeat, kind, operator_name, created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "(SELECT COALESCE(MAX(created_seq), 0) + 1 FROM runs))";

std::vector<SqlValue> run_values(const RunRow& run, const std::string& now) {
  return {run.id,
          run.node_uuid,
          run.token_hash,
          run.state,
          run.directive,
          run.stage,
          run.progress,
          run.verdict,
          run.driver_state,
          run.driver_error,
          static_cast<long long>(run.attempt),
          run.acked_seq,
          run.artifact_count,
          now,
          now,
          run.last_heartbeat,
          run.kind,
          run.operator_name};
}

std::string report_summary_of(const std::string& report) {
  auto parsed = nlohmann::json::parse(report, nullptr, false);
  nlohmann::json summary = nlohmann::json::object();
  if (!parsed.is_object()) return summary.dump();
  if (auto f = parsed.find("failures"); f != parsed.end()) summary["failures"] = *f;
  if (auto st = parsed.find("stages"); st != parsed.end() && st->is_array()) {
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& s : *st) {
      auto text = [&s](const char* key) {
        if (!s.is_object()) return std::string();
        auto it = s.find(key);
        return it != s.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      stages.push_back({{"name", text("name")}, {"verdict", text("verdict")}});
    }
    summary["stages"] = std::move(stages);
  }
  return summary.dump();
}

Expected<std::vector<RunRow>> SqlRunStore::select_runs(const std::string& where,
                                                       const std::vector<SqlValue>& params,
                                                       bool with_report, bool latest_per_node) {
  const std::string columns =
      fmt::format("{}{}{}", kRunColumnsHead, with_report ? kReportText : "''", kRunColumnsTail);
  std::string sql;
  if (latest_per_node) {
    // The newest in creation order.
    sql = fmt::format(
        "SELECT {} FROM (SELECT runs.*, ROW_NUMBER() OVER (PARTITION BY node_uuid ORDER BY "
        "created_at DESC, created_seq DESC, id DESC) AS newest FROM runs {}) runs "
        "WHERE newest = 1 ORDER BY created_at, created_seq, id",
        columns, where);
  } else {
    sql =
        fmt::format("SELECT {} FROM runs {} ORDER BY created_at, created_seq, id", columns, where);
  }
  auto rows = read(sql, params);
  if (!rows) return rows.error();
  std::vector<RunRow> runs;
  runs.reserve(rows->size());
  for (const auto& r : *rows) runs.push_back(run_from(r));
  return runs;
}

Expected<std::vector<RunRow>> SqlRunStore::list_runs(const RunQuery& query) {
  std::vector<std::string> terms;
  std::vector<SqlValue> params;
  auto param = [&params](const std::string& value) {
    params.emplace_back(value);
    return fmt::format("${}", params.size());
  };
  if (query.nodes) {
    if (query.nodes->empty()) return std::vector<RunRow>();
    std::string in;
    for (const auto& n : *query.nodes) in += (in.empty() ? "" : ", ") + param(n);
    terms.push_back("node_uuid IN (" + in + ")");
  }
  if (query.node) terms.push_back("node_uuid = " + param(*query.node));
  if (query.delivery)
    terms.push_back(
        "node_uuid IN (SELECT uuid FROM nodes WHERE asset_tag = " + param(*query.delivery) + ")");
  if (query.kind) terms.push_back("kind = " + param(*query.kind));
  if (query.unfinished) terms.emplace_back(kUnfinished);
  std::string where;
  for (const auto& t : terms) where += (where.empty() ? "WHERE " : " AND ") + t;
  return select_runs(where, params, query.with_report, query.latest_per_node);
}

Expected<std::vector<NodeRecord>> SqlRunStore::list_delivery_nodes(const std::string& tag) {
  auto rows = read(
      "SELECT uuid, asset_tag, serial, dmi_serial, macs, updated_at FROM nodes "
      "WHERE asset_tag = $1 ORDER BY uuid",
      {tag});
  if (!rows) return rows.error();
  std::vector<NodeRecord> nodes;
  nodes.reserve(rows->size());
  for (const auto& r : *rows) nodes.push_back(node_from(r));
  return nodes;
}

Expected<std::vector<BurninCounts>> SqlRunStore::burnin_counts(
    const std::optional<std::string>& tag) {
  // Each node's newest burn-in, joined to the nodes and counted per asset tag.
  std::vector<SqlValue> params;
  const auto q = latest_run_per_node("burnin", "node_uuid, verdict, created_at", tag, params);
  auto rows = read(
      fmt::format("SELECT nodes.asset_tag, COUNT(*), "
                  "SUM(CASE WHEN latest.verdict = 'PASS' THEN 1 ELSE 0 END), "
                  "SUM(CASE WHEN latest.verdict = 'FAIL' THEN 1 ELSE 0 END), "
                  "SUM(CASE WHEN latest.verdict = 'ERROR' THEN 1 ELSE 0 END), "
                  "SUM(CASE WHEN latest.node_uuid IS NOT NULL AND latest.verdict NOT IN "
                  "('PASS', 'FAIL', 'ERROR') THEN 1 ELSE 0 END), "
                  "MIN(latest.created_at) "
                  "FROM nodes LEFT JOIN {} ON latest.node_uuid = nodes.uuid AND latest.newest = 1 "
                  "WHERE {} GROUP BY nodes.asset_tag ORDER BY nodes.asset_tag",
                  q.latest, q.node_filter),
      params);
  if (!rows) return rows.error();
  std::vector<BurninCounts> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    BurninCounts c;
    c.tag = r[0].value_or("");
    c.nodes = count_of(r[1]);
    c.passed = count_of(r[2]);
    c.failed = count_of(r[3]);
    c.errored = count_of(r[4]);
    c.running = count_of(r[5]);
    c.started_at = r[6].value_or("");
    out.push_back(std::move(c));
  }
  return out;
}

Expected<std::vector<DecommissionTally>> SqlRunStore::decommission_counts(
    const std::optional<std::string>& tag) {
  // Each node's newest decommission, its certificate if stored, counted per
  // asset tag: one query for every delivery.
  std::vector<SqlValue> params;
  const auto q = latest_run_per_node("decommission", "id, node_uuid, verdict", tag, params);
  auto rows =
      read(fmt::format(
               "SELECT nodes.asset_tag, COUNT(*), "
               "SUM(CASE WHEN latest.verdict = 'PASS' THEN 1 ELSE 0 END), "
               "SUM(CASE WHEN certificates.run_id IS NOT NULL THEN 1 ELSE 0 END), "
               "SUM(CASE WHEN latest.verdict IN ('FAIL', 'ERROR') THEN 1 ELSE 0 END), "
               "SUM(CASE WHEN latest.verdict NOT IN ('PASS', 'FAIL', 'ERROR') THEN 1 ELSE 0 END) "
               "FROM nodes JOIN {} ON latest.node_uuid = nodes.uuid AND latest.newest = 1 "
               "LEFT JOIN certificates ON certificates.run_id = latest.id "
               "WHERE {} GROUP BY nodes.asset_tag ORDER BY nodes.asset_tag",
               q.latest, q.node_filter),
           params);
  if (!rows) return rows.error();
  std::vector<DecommissionTally> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    DecommissionTally t;
    t.tag = r[0].value_or("");
    t.nodes = count_of(r[1]);
    t.wiped = count_of(r[2]);
    t.certified = count_of(r[3]);
    t.failed = count_of(r[4]);
    t.running = count_of(r[5]);
    out.push_back(std::move(t));
  }
  return out;
}

Expected<NodePage> SqlRunStore::list_nodes_page(const NodePageQuery& query) {
  // One row more than the page: whether another page follows. Served by the
  // primary key (uuid) or nodes_by_asset_tag_uuid (asset_tag, uuid).
  std::vector<SqlValue> params{query.after};
  std::string where = "uuid > $1";
  if (query.delivery) {
    params.emplace_back(*query.delivery);
    where = "asset_tag = $2 AND " + where;
  }
  auto rows = read(fmt::format("SELECT uuid, asset_tag, serial, dmi_serial, macs, updated_at FROM "
                               "nodes WHERE {} ORDER BY uuid LIMIT {}",
                               where, query.limit + 1),
                   params);
  if (!rows) return rows.error();
  NodePage page;
  page.nodes.reserve(std::min(rows->size(), query.limit));
  for (const auto& r : *rows) {
    if (page.nodes.size() == query.limit) {
      if (!page.nodes.empty()) page.next = page.nodes.back().uuid;
      break;
    }
    page.nodes.push_back(node_from(r));
  }
  return page;
}

Status SqlRunStore::write_transaction(const std::function<Status()>& body) {
  std::lock_guard lock(mu_);
  auto begin = conn_->exec_script(conn_->backend() == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!begin) return begin.error();
  auto done = body();
  if (!done) {
    (void)conn_->exec_script("ROLLBACK");
    return done;
  }
  if (auto commit = conn_->exec_script("COMMIT"); !commit) {
    (void)conn_->exec_script("ROLLBACK");
    return commit.error();
  }
  return conn_->sync();  // the caller answers on it: durable first
}

Expected<std::optional<RunConflict>> SqlRunStore::unfinished_run_locked(const std::string& node) {
  auto rows = conn_->query(
      fmt::format("SELECT id, kind FROM runs WHERE node_uuid = $1 AND {}", kUnfinished), {node});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<RunConflict>();
  return std::optional<RunConflict>(
      RunConflict{node, sql_text(rows->front(), 0), sql_text(rows->front(), 1)});
}

Expected<std::optional<RunConflict>> SqlRunStore::create_runs(const std::vector<RunRow>& runs) {
  std::optional<RunConflict> conflict;
  const std::string now = utc_now();
  auto created = write_transaction([&]() -> Status {
    for (const auto& run : runs) {
      auto busy = unfinished_run_locked(run.node_uuid);
      if (!busy) return busy.error();
      if (*busy) {
        conflict = std::move(*busy);
        return make_error("KILN-STORE-CONFLICT", "node busy");  // rolls the others back
      }
      auto node = conn_->query(
          "INSERT INTO nodes (uuid, updated_at) VALUES ($1, $2) ON CONFLICT (uuid) DO NOTHING",
          {run.node_uuid, now});
      if (!node) return node.error();
      if (auto inserted = conn_->query(kInsertRun, run_values(run, now)); !inserted)
        return inserted.error();
    }
    return ok();
  });
  if (created) {
    for (const auto& run : runs) forget_run(run.id);
    return std::optional<RunConflict>();
  }
  if (conflict) return conflict;
  // A start on another replica committed its run between our check and our
  // insert: the unique index refused ours. Say whose run it is.
  std::lock_guard lock(mu_);
  for (const auto& run : runs) {
    auto busy = unfinished_run_locked(run.node_uuid);
    if (busy && *busy) return busy;
  }
  return created.error();
}

Status SqlRunStore::summarise_old_reports_locked() {
  auto rows = conn_->query(
      "SELECT run_reports.run_id, run_reports.report FROM run_reports JOIN runs ON runs.id = "
      "run_reports.run_id WHERE runs.report_summary = ''");
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    auto set = conn_->query("UPDATE runs SET report_summary = $2 WHERE id = $1",
                            {sql_text(r, 0), report_summary_of(sql_text(r, 1))});
    if (!set) return set.error();
  }
  return ok();
}

}  // namespace kiln::orchestrator
