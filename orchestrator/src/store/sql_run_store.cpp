#include "store/sql_run_store.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "store/sql_run_rows.hpp"

namespace kiln::orchestrator {
namespace {

// Each entry is one schema version; never edit an applied one, append.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE nodes (
  uuid TEXT PRIMARY KEY,
  asset_tag TEXT NOT NULL DEFAULT '',
  serial TEXT NOT NULL DEFAULT '',
  dmi_serial TEXT NOT NULL DEFAULT '',
  macs TEXT NOT NULL DEFAULT '[]',
  updated_at TEXT NOT NULL DEFAULT '');
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  node_uuid TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  directive TEXT NOT NULL,
  stage TEXT NOT NULL DEFAULT '',
  progress DOUBLE PRECISION NOT NULL DEFAULT 0,
  progress_seq BIGINT NOT NULL DEFAULT -1,
  verdict TEXT NOT NULL DEFAULT '',
  report TEXT NOT NULL DEFAULT '',
  driver_state TEXT NOT NULL,
  driver_error TEXT NOT NULL DEFAULT '',
  attempt BIGINT NOT NULL DEFAULT 1,
  acked_seq BIGINT NOT NULL DEFAULT -1,
  artifact_count BIGINT NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_heartbeat TEXT NOT NULL DEFAULT '');
CREATE INDEX runs_by_node ON runs (node_uuid);
CREATE TABLE artifacts (
  run_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_id, seq));
)sql",
    // Decommission runs and their signed certificates (issue 8).
    R"sql(
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'burnin';
CREATE TABLE certificates (
  run_id TEXT PRIMARY KEY,
  node_uuid TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  key_id TEXT NOT NULL,
  document TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX certificates_by_node ON certificates (node_uuid, created_at);
)sql",
    // Who started a run: a decommission certificate names its operator.
    R"sql(
ALTER TABLE runs ADD COLUMN operator_name TEXT NOT NULL DEFAULT '';
)sql",
    // Replicas and operator queries (issue 19). One unfinished run per node,
    // enforced by the database for every replica: older duplicates a race of
    // the in-process check let through are aborted first (the newest run is
    // the one every view showed). Reports move to their own table, so the
    // list queries never read (or page through) report text; runs keep a
    // small summary of the report for the lists. created_seq orders runs
    // created in the same second (created_at has seconds; before, the random
    // run id decided which was "the latest"). Indexes for the queries.
    R"sql(
UPDATE runs SET state = 'aborted', directive = 'abort'
  WHERE state NOT IN ('reported', 'aborted') AND EXISTS (
    SELECT 1 FROM runs newer WHERE newer.node_uuid = runs.node_uuid
      AND newer.state NOT IN ('reported', 'aborted')
      AND (newer.created_at > runs.created_at
           OR (newer.created_at = runs.created_at AND newer.id > runs.id)));
CREATE UNIQUE INDEX runs_one_unfinished_per_node ON runs (node_uuid)
  WHERE state NOT IN ('reported', 'aborted');
CREATE TABLE run_reports (
  run_id TEXT PRIMARY KEY,
  report TEXT NOT NULL);
INSERT INTO run_reports (run_id, report) SELECT id, report FROM runs WHERE report <> '';
ALTER TABLE runs ADD COLUMN has_report BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN report_summary TEXT NOT NULL DEFAULT '';
UPDATE runs SET has_report = 1, report = '' WHERE report <> '';
ALTER TABLE runs ADD COLUMN created_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX runs_by_node_created ON runs (node_uuid, created_at, created_seq, id);
CREATE INDEX runs_by_created ON runs (created_at, created_seq, id);
CREATE INDEX runs_by_created_seq ON runs (created_seq);
CREATE INDEX runs_moving ON runs (driver_state) WHERE driver_state NOT IN ('none', 'done');
CREATE INDEX nodes_by_asset_tag ON nodes (asset_tag);
)sql",
    // Keyset pages of a delivery's nodes (GET /v1/deliveries/{tag}?after=):
    // the tag's nodes in UUID order from one index.
    R"sql(
CREATE INDEX nodes_by_asset_tag_uuid ON nodes (asset_tag, uuid);
DROP INDEX nodes_by_asset_tag;
)sql",
    // Unexpected reboots (issue 20): the boot id and the process (instance)
    // a run's runner registered with, and the run's events (a reboot, a
    // runner restart) in order.
    R"sql(
ALTER TABLE runs ADD COLUMN boot_id TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN runner_instance TEXT NOT NULL DEFAULT '';
CREATE TABLE run_events (
  run_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT NOT NULL,
  acknowledged BIGINT NOT NULL DEFAULT -1,
  lost BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, seq));
)sql",
};
// The schema version that moved reports to run_reports.
constexpr long long kReportsTableVersion = 4;
// pg_advisory_lock key of schema migrations: 0x6b696c6e01 ("kiln", 1); the
// leader's is 0x6b696c6e02 (leader_lock.cpp).
constexpr const char* kMigrationLock = "461330214401";

}  // namespace

NodeRecord node_from(const SqlRow& r) {
  NodeRecord node{sql_text(r, 0), sql_text(r, 1), sql_text(r, 2), sql_text(r, 3), {},
                  sql_text(r, 5)};
  auto macs =
      nlohmann::json::parse(sql_text(r, 4), nullptr, false);  // our own column, written by us
  if (macs.is_array()) {
    for (const auto& m : macs) {
      if (m.is_string()) node.macs.push_back(m.get<std::string>());
    }
  }
  return node;
}

std::string sql_text(const SqlRow& row, std::size_t i) {
  return i < row.size() && row[i] ? *row[i] : std::string();
}
long long sql_integer(const SqlRow& row, std::size_t i) {
  return std::strtoll(sql_text(row, i).c_str(), nullptr, 10);
}

std::string utc_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::time_point_cast<std::chrono::seconds>(
                                                  std::chrono::system_clock::now()));
}

Expected<std::unique_ptr<RunStore>> SqlRunStore::open(std::unique_ptr<SqlConnection> conn,
                                                      std::unique_ptr<SqlConnection> reader) {
  std::unique_ptr<SqlRunStore> store(new SqlRunStore(std::move(conn), std::move(reader)));
  if (auto s = store->migrate(); !s) return s.error();
  return std::unique_ptr<RunStore>(std::move(store));
}

Expected<SqlRows> SqlRunStore::read(const std::string& sql, const std::vector<SqlValue>& params) {
  if (!reader_) {
    std::lock_guard lock(mu_);
    return conn_->query(sql, params);
  }
  std::lock_guard lock(read_mu_);
  return reader_->query(sql, params);
}

Status SqlRunStore::migrate() {
  std::lock_guard lock(mu_);
  if (conn_->backend() != "postgresql") return migrate_locked();
  // Replicas starting together: one migrates, the others wait and find it done.
  auto locked = conn_->query(fmt::format("SELECT pg_advisory_lock({})", kMigrationLock));
  if (!locked) return locked.error();
  auto migrated = migrate_locked();
  auto unlocked = conn_->query(fmt::format("SELECT pg_advisory_unlock({})", kMigrationLock));
  if (!migrated) return migrated;
  if (!unlocked) return unlocked.error();
  return ok();
}

Status SqlRunStore::migrate_locked() {
  auto created = conn_->exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT "
      "NOT NULL)");
  if (!created) return created.error();
  auto applied = conn_->query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!applied) return applied.error();
  long long have = applied->empty() ? 0 : sql_integer(applied->front(), 0);
  const long long want = static_cast<long long>(std::size(kMigrations));
  if (have > want) {  // a downgrade: this binary would not know the newer columns' meaning
    return make_error("KILN-STORE",
                      fmt::format("the store's schema is version {}, newer than the {} this "
                                  "kiln-orchestrator knows",
                                  have, want),
                      "run the kiln-orchestrator that wrote it (or a newer one); a downgrade "
                      "needs the store's backup from before the upgrade");
  }
  for (long long v = have + 1; v <= want; ++v) {
    auto step = conn_->exec_script(fmt::format(
        "BEGIN; {} INSERT INTO schema_migrations (version, applied_at) VALUES ({}, '{}'); COMMIT;",
        kMigrations[v - 1], v, utc_now()));
    if (!step) {
      (void)conn_->exec_script("ROLLBACK");
      return make_error("KILN-STORE",
                        fmt::format("schema migration {} failed: {}", v, step.error().message));
    }
  }
  if (have < kReportsTableVersion) {
    if (auto s = summarise_old_reports_locked(); !s) return s;
  }
  return conn_->sync();
}

Status SqlRunStore::check_writable() {
  // Rewrites the newest migration's row as it is: a real write, committed and synced.
  return update(
      "UPDATE schema_migrations SET applied_at = applied_at "
      "WHERE version = (SELECT MAX(version) FROM schema_migrations)",
      {});
}

Status SqlRunStore::update(const std::string& sql, const std::vector<SqlValue>& params) {
  std::lock_guard lock(mu_);
  auto r = conn_->query(sql, params);
  if (!r) return r.error();
  return conn_->sync();  // the caller answers on it: durable first
}

Status SqlRunStore::upsert_node(const NodeRecord& node) {
  nlohmann::json macs = node.macs;
  return update(
      "INSERT INTO nodes (uuid, asset_tag, serial, dmi_serial, macs, updated_at) VALUES ($1, $2, "
      "$3, $4, $5, $6) "
      "ON CONFLICT (uuid) DO UPDATE SET asset_tag = $2, serial = $3, dmi_serial = $4, macs = $5, "
      "updated_at = $6",
      {node.uuid, node.asset_tag, node.serial, node.dmi_serial, macs.dump(), utc_now()});
}

Expected<std::optional<NodeRecord>> SqlRunStore::find_node(const std::string& uuid) {
  auto rows = read(
      "SELECT uuid, asset_tag, serial, dmi_serial, macs, updated_at FROM nodes WHERE uuid = $1",
      {uuid});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<NodeRecord>();
  return std::optional<NodeRecord>(node_from(rows->front()));
}

Expected<std::vector<NodeRecord>> SqlRunStore::list_nodes() {
  auto rows =
      read("SELECT uuid, asset_tag, serial, dmi_serial, macs, updated_at FROM nodes ORDER BY uuid");
  if (!rows) return rows.error();
  std::vector<NodeRecord> nodes;
  for (const auto& r : *rows) nodes.push_back(node_from(r));
  return nodes;
}

Status SqlRunStore::create_run(const RunRow& run) {
  forget_run(run.id);
  std::string now = utc_now();
  return update(kInsertRun, run_values(run, now));
}

Expected<std::optional<RunRow>> SqlRunStore::find_run(const std::string& id) {
  auto runs = select_runs("WHERE id = $1", {id});
  if (!runs) return runs.error();
  if (runs->empty()) return std::optional<RunRow>();
  return std::optional<RunRow>(runs->front());
}

Expected<std::optional<RunRow>> SqlRunStore::find_run_by_token_hash(const std::string& token_hash) {
  auto runs = select_runs("WHERE token_hash = $1", {token_hash});
  if (!runs) return runs.error();
  if (runs->empty()) return std::optional<RunRow>();
  return std::optional<RunRow>(runs->front());
}

Expected<std::vector<RunRow>> SqlRunStore::runs_in_flight() {
  return select_runs("WHERE driver_state NOT IN ('none', 'done')", {});
}

Status SqlRunStore::set_run_state(const std::string& id, const std::string& state) {
  forget_run(id);
  return update("UPDATE runs SET state = $2, updated_at = $3 WHERE id = $1",
                {id, state, utc_now()});
}

Status SqlRunStore::set_token_hash(const std::string& id, const std::string& token_hash) {
  forget_run(id);
  return update("UPDATE runs SET token_hash = $2, updated_at = $3 WHERE id = $1",
                {id, token_hash, utc_now()});
}

Status SqlRunStore::set_directive(const std::string& id, const std::string& directive) {
  forget_run(id);
  return update("UPDATE runs SET directive = $2, updated_at = $3 WHERE id = $1",
                {id, directive, utc_now()});
}

Status SqlRunStore::record_heartbeat(const std::string& id) {
  std::string now = utc_now();
  return update("UPDATE runs SET last_heartbeat = $2 WHERE id = $1", {id, now});
}

Status SqlRunStore::store_report(const std::string& id, const std::string& report,
                                 const std::string& verdict) {
  forget_run(id);
  const std::string summary = report_summary_of(report);
  return write_transaction([&]() -> Status {
    auto stored = conn_->query(
        "INSERT INTO run_reports (run_id, report) VALUES ($1, $2) "
        "ON CONFLICT (run_id) DO UPDATE SET report = excluded.report",
        {id, report});
    if (!stored) return stored.error();
    auto marked = conn_->query(
        "UPDATE runs SET has_report = 1, report_summary = $2, verdict = $3, state = 'reported', "
        "updated_at = $4 WHERE id = $1",
        {id, summary, verdict, utc_now()});
    if (!marked) return marked.error();
    return ok();
  });
}

Status SqlRunStore::set_driver_state(const std::string& id, const std::string& driver_state,
                                     const std::string& driver_error) {
  forget_run(id);
  return update(
      "UPDATE runs SET driver_state = $2, driver_error = $3, updated_at = $4 WHERE id = $1",
      {id, driver_state, driver_error, utc_now()});
}

bool is_postgres_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 ||
         url.find("host=") != std::string::npos || url.find("dbname=") != std::string::npos;
}

Expected<std::unique_ptr<RunStore>> open_run_store(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (is_postgres_url(url)) {
    auto conn = open_postgres(url);
    if (!conn) return conn.error();
    auto reader = open_postgres(url);
    if (!reader) return reader.error();
    return SqlRunStore::open(std::move(*conn), std::move(*reader));
  }
  std::string path = url.rfind(kSqlite, 0) == 0 ? url.substr(kSqlite.size()) : url;
  auto conn = open_sqlite(path);
  if (!conn) return conn.error();
  // Opened after the writer, which set WAL mode (so this one never blocks on it).
  auto reader = open_sqlite(path, SqliteRole::reader);
  if (!reader) return reader.error();
  return SqlRunStore::open(std::move(*conn), std::move(*reader));
}

}  // namespace kiln::orchestrator
