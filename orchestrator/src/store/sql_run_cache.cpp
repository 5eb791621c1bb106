// SqlRunStore::find_run_for_batch: every artifact batch is authorised against
// its run (token hash) and answered with the run's directive. On SQLite this
// process is the only writer, so the run is kept in memory after the first
// read and dropped by every write that changes what a batch needs: no read
// transaction (and its file locks) per batch. PostgreSQL may have other
// replicas writing: it always reads (no report text: a batch needs none).
#include "store/sql_run_store.hpp"

namespace kiln::orchestrator {
namespace {
constexpr std::size_t kMaxCachedRuns = 50000;  // 10,000 streaming nodes with room; then re-read
}  // namespace

void SqlRunStore::forget_run(const std::string& id) {
  std::lock_guard lock(run_cache_mu_);
  ++run_cache_generation_;
  run_cache_.erase(id);
}

Expected<std::optional<RunRow>> SqlRunStore::find_run_for_batch(const std::string& id) {
  auto find = [this, &id]() -> Expected<std::optional<RunRow>> {
    auto runs = select_runs("WHERE id = $1", {id}, /*with_report=*/false);
    if (!runs) return runs.error();
    if (runs->empty()) return std::optional<RunRow>();
    return std::optional<RunRow>(std::move(runs->front()));
  };
  if (conn_->backend() != "sqlite") return find();
  unsigned long long generation = 0;
  {
    std::lock_guard lock(run_cache_mu_);
    if (auto it = run_cache_.find(id); it != run_cache_.end())
      return std::optional<RunRow>(it->second);
    generation = run_cache_generation_;
  }
  auto found = find();
  if (!found || !*found) return found;
  std::lock_guard lock(run_cache_mu_);
  if (generation == run_cache_generation_) {  // no write since the read began
    if (run_cache_.size() >= kMaxCachedRuns) run_cache_.clear();
    run_cache_.emplace(id, **found);
  }
  return found;
}

}  // namespace kiln::orchestrator
