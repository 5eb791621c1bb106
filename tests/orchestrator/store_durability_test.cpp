// SQLite's writer commits into the OS and the group-commit syncer makes each
// group durable before any answer (store/group_commit.cpp, sqlite_connection.cpp):
// a failed sync refuses the batches (a replay then stores nothing twice), and
// under a sustained stream the WAL is checkpointed and restarted, so it stays
// bounded while every batch is acknowledged.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "store/sql_connection.hpp"
#include "store/sql_run_store.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

// The real SQLite connection, whose sync() can be made to fail (a disk error).
class FailableSync final : public SqlConnection {
 public:
  FailableSync(std::unique_ptr<SqlConnection> inner, std::atomic<bool>& fail)
      : inner_(std::move(inner)), fail_(fail) {}
  Expected<SqlRows> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    return inner_->query(sql, params);
  }
  Status exec_script(const std::string& sql) override { return inner_->exec_script(sql); }
  Status sync() override {
    if (fail_) return make_error("KILN-STORE", "fdatasync: Input/output error (injected)");
    return inner_->sync();
  }
  [[nodiscard]] std::string backend() const override { return inner_->backend(); }

 private:
  std::unique_ptr<SqlConnection> inner_;
  std::atomic<bool>& fail_;
};

std::vector<ArtifactLine> batch(long long first, int count) {
  std::vector<ArtifactLine> out;
  for (long long s = first; s < first + count; ++s) {
    // ~190 bytes, like a progress element of a live run
    out.push_back({s,
                   "{\"sequenceNumber\":" + std::to_string(s) +
                       ",\"timestamp\":\"2026-11-21T20:00:00.000Z\",\"testStepArtifact\":{"
                       "\"measurementSeriesElement\":{\"measurementSeriesId\":\"disk-progress\","
                       "\"value\":42.5,\"index\":" +
                       std::to_string(s) + "}},\"padding\":\"................\"}",
                   std::nullopt, std::nullopt});
  }
  return out;
}

Expected<IngestResult> ingest_and_wait(RunStore& store, const std::string& run,
                                       std::vector<ArtifactLine> lines) {
  std::promise<Expected<IngestResult>> answered;
  store.ingest_async(run, std::move(lines),
                     [&answered](Expected<IngestResult> r) { answered.set_value(std::move(r)); });
  return answered.get_future().get();
}

RunRow run_row(const std::string& id) {
  RunRow r;
  r.id = id;
  r.node_uuid = "node-" + id;
  r.token_hash = "hash-" + id;
  return r;
}

TEST(StoreDurability, ABatchWhoseSyncFailedIsRefusedAndItsReplayStoresNothingTwice) {
  auto dir = fresh_test_dir("kiln-durability");
  const std::string path = (dir / "kiln.db").string();
  std::atomic<bool> fail{false};
  auto writer = open_sqlite(path);
  ASSERT_TRUE(writer) << writer.error().message;
  auto reader = open_sqlite(path, SqliteRole::reader);
  ASSERT_TRUE(reader);
  auto store = SqlRunStore::open(std::make_unique<FailableSync>(std::move(*writer), fail),
                                 std::move(*reader));
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->create_run(run_row("run-1")));

  fail = true;
  auto refused = ingest_and_wait(**store, "run-1", batch(0, 5));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("fdatasync"), std::string::npos);

  fail = false;
  auto again = ingest_and_wait(**store, "run-1", batch(0, 5));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->stored, 0);  // committed the first time: the replay adds nothing
  EXPECT_EQ(again->acknowledged, 4);
  auto next = ingest_and_wait(**store, "run-1", batch(5, 5));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->stored, 5);
  EXPECT_EQ(next->acknowledged, 9);
  EXPECT_EQ((*store)->artifacts("run-1")->size(), 10U);
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST(StoreDurability, TheWalStaysBoundedWhileManyRunsStream) {
  auto dir = fresh_test_dir("kiln-durability");
  const std::string path = (dir / "kiln.db").string();
  auto store = open_run_store("sqlite://" + path);
  ASSERT_TRUE(store) << store.error().message;
  constexpr int kRuns = 1000;
  constexpr int kBatches = 12;  // 12,000 batches of 5 lines, ~100 MB of WAL frames in all
  for (int r = 0; r < kRuns; ++r) ASSERT_TRUE((*store)->create_run(run_row(std::to_string(r))));

  std::atomic<bool> done{false};
  std::uintmax_t largest_wal = 0;
  std::thread watcher([&]() {
    while (!done) {
      std::error_code ec;
      auto size = std::filesystem::file_size(path + "-wal", ec);
      if (!ec) largest_wal = std::max(largest_wal, size);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::mutex mu;
  std::vector<long long> acked(kRuns, -1);
  int failures = 0;
  for (int b = 0; b < kBatches; ++b) {
    std::atomic<int> pending{kRuns};
    std::promise<void> all;
    for (int r = 0; r < kRuns; ++r) {
      (*store)->ingest_async(std::to_string(r), batch(b * 5LL, 5),
                             [&, r](Expected<IngestResult> result) {
                               {
                                 std::lock_guard lock(mu);
                                 if (result) {
                                   acked[static_cast<std::size_t>(r)] = result->acknowledged;
                                 } else {
                                   ++failures;
                                 }
                               }
                               if (--pending == 0) all.set_value();
                             });
    }
    all.get_future().wait();
  }
  done = true;
  watcher.join();
  EXPECT_EQ(failures, 0);
  for (int r = 0; r < kRuns; ++r) EXPECT_EQ(acked[static_cast<std::size_t>(r)], kBatches * 5 - 1);
  // The restart threshold is 4,000 pages (16 MiB); the groups committed while
  // a restart waits for a reader or the background checkpoint (here up to
  // 1,000 batches, ~4 MiB each) go past it, but the WAL does not grow with
  // what was written.
  EXPECT_GT(largest_wal, 0U);
  EXPECT_LT(largest_wal, 40U * 1024U * 1024U) << "largest WAL: " << largest_wal << " bytes";
  EXPECT_GT(std::filesystem::file_size(path), 8U * 1024U * 1024U);  // it really was checkpointed
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kiln::orchestrator
