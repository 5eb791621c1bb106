// RunStore written once in the SQL both SQLite and PostgreSQL accept; the
// connection is the backend. One connection, one mutex: calls are short.
#pragma once

#include <mutex>

#include "store/run_store.hpp"
#include "store/sql_connection.hpp"

namespace kiln::orchestrator {

class SqlRunStore final : public RunStore {
 public:
  // Applies pending schema migrations (schema_migrations table).
  static Expected<std::unique_ptr<RunStore>> open(std::unique_ptr<SqlConnection> conn);

  [[nodiscard]] std::string backend() const override { return conn_->backend(); }
  Status upsert_node(const NodeRecord& node) override;
  Expected<std::optional<NodeRecord>> find_node(const std::string& uuid) override;
  Expected<std::vector<NodeRecord>> list_nodes() override;
  Status create_run(const RunRow& run) override;
  Expected<std::optional<RunRow>> find_run(const std::string& id) override;
  Expected<std::optional<RunRow>> find_run_by_token_hash(const std::string& token_hash) override;
  Expected<std::vector<RunRow>> list_runs() override;
  Expected<std::vector<RunRow>> runs_in_flight() override;
  Status set_run_state(const std::string& id, const std::string& state) override;
  Status set_token_hash(const std::string& id, const std::string& token_hash) override;
  Status set_directive(const std::string& id, const std::string& directive) override;
  Status record_heartbeat(const std::string& id) override;
  Status store_report(const std::string& id, const std::string& report,
                      const std::string& verdict) override;
  Status set_driver_state(const std::string& id, const std::string& driver_state,
                          const std::string& driver_error) override;
  Expected<IngestResult> ingest(const std::string& run_id,
                                const std::vector<ArtifactLine>& lines) override;
  Expected<std::vector<ArtifactLine>> artifacts(const std::string& run_id) override;

 private:
  explicit SqlRunStore(std::unique_ptr<SqlConnection> conn) : conn_(std::move(conn)) {}
  Status migrate();
  Expected<std::vector<RunRow>> select_runs(const std::string& where,
                                            const std::vector<SqlValue>& params);
  Status update(const std::string& sql, const std::vector<SqlValue>& params);
  Expected<IngestResult> ingest_locked(const std::string& run_id,
                                       const std::vector<ArtifactLine>& lines);

  std::mutex mu_;
  std::unique_ptr<SqlConnection> conn_;
};

}  // namespace kiln::orchestrator
