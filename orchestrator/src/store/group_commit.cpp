// SqlRunStore: group commit of artifact batches. Every request thread only
// queues its batch; one writer thread takes every batch waiting and stores them
// in ONE transaction; the syncer thread then makes it durable (conn_->sync():
// one fdatasync of SQLite's WAL for the group, nothing for PostgreSQL, whose
// COMMIT is durable) and only then calls each batch's `done`, which sends the
// answer. So an acknowledgement still means "on disk", N concurrent runners
// cost one fsync instead of N, and the writer runs the next group's statements
// while the disk works on the last one.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <optional>

#include "metrics/metrics.hpp"
#include "store/sql_run_store.hpp"

namespace kiln::orchestrator {

SqlRunStore::~SqlRunStore() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();  // drains (commits) what is queued first
  {
    std::lock_guard lock(synced_mu_);
    syncer_stopping_ = true;
  }
  synced_cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();  // then syncs and answers what was committed
}

void SqlRunStore::ingest_async(const std::string& run_id, std::vector<ArtifactLine> lines,
                               IngestDone done) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      if (!writer_.joinable()) {
        syncer_ = std::thread([this]() { syncer_loop(); });
        writer_ = std::thread([this]() { writer_loop(); });
      }
      queue_.push_back(PendingIngest{run_id, std::move(lines), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(make_error("KILN-STORE", "the store is shutting down", "retry"));
}

void SqlRunStore::writer_loop() {
  std::vector<PendingIngest> group;
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this]() { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      group.swap(queue_);
    }
    const auto began = std::chrono::steady_clock::now();
    CommittedGroup committed{{}, ingest_group(group)};
    metrics().commit_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    committed.done.reserve(group.size());
    for (auto& pending : group) committed.done.push_back(std::move(pending.done));
    group.clear();
    {
      std::lock_guard lock(synced_mu_);
      committed_.push_back(std::move(committed));
    }
    synced_cv_.notify_one();
  }
}

void SqlRunStore::syncer_loop() {
  std::vector<CommittedGroup> groups;
  for (;;) {
    {
      std::unique_lock lock(synced_mu_);
      synced_cv_.wait(lock, [this]() { return syncer_stopping_ || !committed_.empty(); });
      if (committed_.empty()) return;  // stopping, nothing left
      groups.swap(committed_);
    }
    // One sync covers every group committed before it was called.
    auto synced = conn_->sync();
    for (auto& g : groups) {
      for (std::size_t i = 0; i < g.done.size(); ++i) {
        // A batch stored but not known durable is refused: the runner sends it
        // again, and a replay stores nothing twice.
        if (synced || !g.results[i]) {
          g.done[i](std::move(g.results[i]));
        } else {
          g.done[i](synced.error());
        }
      }
    }
    groups.clear();
  }
}

std::vector<Expected<IngestResult>> SqlRunStore::ingest_group(
    const std::vector<PendingIngest>& group) {
  std::vector<Expected<IngestResult>> results;
  results.reserve(group.size());
  {
    std::lock_guard lock(mu_);
    auto begin = conn_->exec_script(conn_->backend() == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN");
    bool whole = static_cast<bool>(begin);
    // In the order of the runs (one run's batches keep theirs): replicas'
    // groups then lock the runs rows in the same order and cannot deadlock.
    std::vector<std::size_t> order(group.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&group](std::size_t a, std::size_t b) {
      return group[a].run_id < group[b].run_id;
    });
    std::vector<std::optional<Expected<IngestResult>>> in_order(group.size());
    for (std::size_t k = 0; whole && k < order.size(); ++k) {
      const auto& pending = group[order[k]];
      in_order[order[k]] = ingest_locked(pending.run_id, pending.lines);
      whole = static_cast<bool>(*in_order[order[k]]);
    }
    if (whole) {
      auto commit = conn_->exec_script("COMMIT");
      if (commit) {
        for (auto& r : in_order) results.push_back(std::move(*r));
        return results;
      }
      (void)conn_->exec_script("ROLLBACK");
      cursors_.clear();
      // A failed COMMIT stored nothing: every batch in the group is refused (retried).
      std::vector<Expected<IngestResult>> refused;
      for (std::size_t i = 0; i < group.size(); ++i) refused.emplace_back(commit.error());
      return refused;
    }
    if (begin) (void)conn_->exec_script("ROLLBACK");
    cursors_.clear();  // they may hold what was rolled back
  }
  // One batch failed (or BEGIN did): nothing of the group was kept. Each batch
  // gets its own transaction, so one bad batch does not refuse the others.
  results.clear();
  for (const auto& pending : group) results.push_back(ingest(pending.run_id, pending.lines));
  return results;
}

}  // namespace kiln::orchestrator
