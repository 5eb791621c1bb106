// RunStore written once in the SQL both SQLite and PostgreSQL accept; the
// connection is the backend. Writes: one connection, one mutex, calls are
// short; artifact batches are group-committed by one writer thread
// (group_commit.cpp). Reads may use a second connection, so they never wait
// for a writer's fsync (SQLite WAL readers see every committed transaction).
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "store/run_store.hpp"
#include "store/sql_connection.hpp"

namespace kiln::orchestrator {

class SqlRunStore final : public RunStore {
 public:
  // Applies pending schema migrations (schema_migrations table). `reader`
  // (optional) is a second connection to the same database for the reads.
  static Expected<std::unique_ptr<RunStore>> open(std::unique_ptr<SqlConnection> conn,
                                                  std::unique_ptr<SqlConnection> reader = nullptr);
  ~SqlRunStore() override;
  SqlRunStore(const SqlRunStore&) = delete;
  SqlRunStore& operator=(const SqlRunStore&) = delete;

  [[nodiscard]] std::string backend() const override { return conn_->backend(); }
  Status check_writable() override;
  Status upsert_node(const NodeRecord& node) override;
  Expected<std::optional<NodeRecord>> find_node(const std::string& uuid) override;
  Expected<std::vector<NodeRecord>> list_nodes() override;
  Expected<std::vector<NodeRecord>> list_delivery_nodes(const std::string& tag) override;
  Expected<NodePage> list_nodes_page(const NodePageQuery& query) override;
  Expected<std::vector<BurninCounts>> burnin_counts(const std::optional<std::string>& tag) override;
  Expected<std::vector<DecommissionTally>> decommission_counts(
      const std::optional<std::string>& tag) override;
  Status create_run(const RunRow& run) override;
  Expected<std::optional<RunConflict>> create_runs(const std::vector<RunRow>& runs) override;
  Expected<std::optional<RunRow>> find_run(const std::string& id) override;
  Expected<std::optional<RunRow>> find_run_by_token_hash(const std::string& token_hash) override;
  Expected<std::optional<RunRow>> find_run_for_batch(const std::string& id) override;
  using RunStore::list_runs;
  Expected<std::vector<RunRow>> list_runs(const RunQuery& query) override;
  Expected<std::vector<RunRow>> runs_in_flight() override;
  Status set_run_state(const std::string& id, const std::string& state) override;
  Status set_token_hash(const std::string& id, const std::string& token_hash) override;
  Status set_directive(const std::string& id, const std::string& directive) override;
  Status record_heartbeat(const std::string& id) override;
  Status store_report(const std::string& id, const std::string& report,
                      const std::string& verdict) override;
  Status set_driver_state(const std::string& id, const std::string& driver_state,
                          const std::string& driver_error) override;
  Status set_runner(const std::string& id, const std::string& boot_id,
                    const std::string& instance) override;
  Expected<RunEvent> record_boot_event(const RunEvent& event, const std::string& boot_id,
                                       const std::string& instance) override;
  Expected<std::vector<RunEvent>> run_events(const std::string& run_id) override;
  Expected<std::vector<ArtifactLine>> artifacts_containing(const std::string& run_id,
                                                           const std::string& text) override;
  Expected<IngestResult> ingest(const std::string& run_id,
                                const std::vector<ArtifactLine>& lines) override;
  Expected<std::vector<ArtifactLine>> artifacts(const std::string& run_id) override;
  void ingest_async(const std::string& run_id, std::vector<ArtifactLine> lines,
                    IngestDone done) override;
  Expected<bool> store_certificate(const CertificateRow& certificate) override;
  Expected<std::optional<CertificateRow>> find_certificate(const std::string& run_id) override;
  Expected<std::optional<CertificateRow>> latest_certificate(const std::string& node_uuid) override;

 private:
  SqlRunStore(std::unique_ptr<SqlConnection> conn, std::unique_ptr<SqlConnection> reader)
      : conn_(std::move(conn)), reader_(std::move(reader)) {}
  // A read on the reader connection (the writer's when there is none).
  Expected<SqlRows> read(const std::string& sql, const std::vector<SqlValue>& params = {});
  Status migrate();
  Status migrate_locked();
  // Migration 4 moved reports out of runs: each stored report's summary
  // (report_summary) is computed once, here, for the runs reported before.
  Status summarise_old_reports_locked();
  // SELECT of runs (sql_run_queries.cpp): `where` with its parameters, the
  // report text only when `with_report`, optionally each node's newest only.
  Expected<std::vector<RunRow>> select_runs(const std::string& where,
                                            const std::vector<SqlValue>& params,
                                            bool with_report = true, bool latest_per_node = false);
  Status update(const std::string& sql, const std::vector<SqlValue>& params);
  // Runs `body` (statements on conn_) in one transaction on the writer:
  // committed and synced when it succeeds, rolled back when it fails.
  Status write_transaction(const std::function<Status()>& body);
  // The unfinished run of `node`, if any (on the writer connection, under mu_).
  Expected<std::optional<RunConflict>> unfinished_run_locked(const std::string& node);
  // Artifact ingest (sql_artifacts.cpp); *_locked run under mu_ inside a
  // transaction.
  Expected<IngestResult> ingest_locked(const std::string& run_id,
                                       const std::vector<ArtifactLine>& lines);
  // Inserts the lines (multi-row statements), returns the seqs newly stored.
  Expected<std::vector<long long>> insert_lines_locked(const std::string& run_id,
                                                       const std::vector<ArtifactLine>& lines);
  // Where a run's stream stands, as the runs row and the artifacts say. Kept
  // per run by the writer, so a batch needs no SELECT; dropped whenever a
  // transaction is rolled back (it may hold what was not committed).
  struct RunCursor {
    long long acked = -1;         // highest contiguous seq stored
    long long max_seq = -1;       // highest seq stored (> acked after a gap)
    long long progress_seq = -1;  // seq of the line that set stage/progress
    std::string stage;
    double progress = 0;
  };
  Expected<RunCursor*> cursor_locked(const std::string& run_id);
  std::unordered_map<std::string, RunCursor> cursors_;

  // Runs as find_run_for_batch answers them (sql_run_cache.cpp). Only on
  // SQLite, where this process is the only writer; every write of a run's
  // token, state, directive or driver state drops its entry. A read that
  // raced such a write (the generation moved) is not kept.
  void forget_run(const std::string& id);
  std::mutex run_cache_mu_;
  std::unordered_map<std::string, RunRow> run_cache_;
  unsigned long long run_cache_generation_ = 0;

  std::mutex mu_;
  std::unique_ptr<SqlConnection> conn_;
  std::mutex read_mu_;
  std::unique_ptr<SqlConnection> reader_;

  // Group commit (group_commit.cpp): batches wait in queue_ for the writer.
  struct PendingIngest {
    std::string run_id;
    std::vector<ArtifactLine> lines;
    IngestDone done;
  };
  void writer_loop();
  std::vector<Expected<IngestResult>> ingest_group(const std::vector<PendingIngest>& group);
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<PendingIngest> queue_;
  bool stopping_ = false;
  std::thread writer_;  // started at the first ingest_async

  // Committed groups waiting for conn_->sync() before their answers
  // (group_commit.cpp): the writer runs the next group meanwhile.
  struct CommittedGroup {
    std::vector<IngestDone> done;
    std::vector<Expected<IngestResult>> results;
  };
  void syncer_loop();
  std::mutex synced_mu_;
  std::condition_variable synced_cv_;
  std::vector<CommittedGroup> committed_;
  bool syncer_stopping_ = false;
  std::thread syncer_;
};

}  // namespace kiln::orchestrator
