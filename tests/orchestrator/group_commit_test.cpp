// Group commit of artifact batches (store/group_commit.cpp) on both backends,
// and the API's asynchronous artifact path (api/artifact_batches.cpp): every
// answer comes after a COMMIT another connection can see, a replay stores
// nothing twice, one bad batch refuses only itself, refusals store nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "api/api_service.hpp"
#include "kiln_test_paths.hpp"
#include "postgres_server.hpp"
#include "sqlite_store_test.hpp"
#include "store/run_store.hpp"
#include "store/sql_connection.hpp"
#include "store_backend_test.hpp"

namespace kiln::orchestrator {
namespace {

class GroupCommitTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = open_store();
    observer_ = open_store();  // another connection: sees only what is committed
    ASSERT_TRUE(store_ && observer_);
  }
  void TearDown() override {
    store_.reset();
    observer_.reset();
    StoreBackendTest::TearDown();
  }

  void create(const std::string& id) {
    RunRow r;
    r.id = id;
    r.node_uuid = "node-" + id;
    r.token_hash = "hash-" + id;
    ASSERT_TRUE(store_->create_run(r));
  }
  static std::vector<ArtifactLine> lines(long long first, int count) {
    std::vector<ArtifactLine> out;
    for (long long s = first; s < first + count; ++s)
      out.push_back(
          {s, "{\"sequenceNumber\":" + std::to_string(s) + "}", std::nullopt, std::nullopt});
    return out;
  }

  std::unique_ptr<RunStore> store_;
  std::unique_ptr<RunStore> observer_;
};

TEST_P(GroupCommitTest, ConcurrentBatchesAreAcknowledgedOnlyOnceCommitted) {
  constexpr int kRuns = 8;
  constexpr int kBatches = 25;
  for (int r = 0; r < kRuns; ++r) create("run-" + std::to_string(r));
  std::atomic<int> not_visible{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> runners;
  for (int r = 0; r < kRuns; ++r) {
    runners.emplace_back([&, r]() {
      const std::string id = "run-" + std::to_string(r);
      for (int b = 0; b < kBatches; ++b) {
        std::promise<void> answered;
        store_->ingest_async(id, lines(b * 4LL, 4), [&](Expected<IngestResult> result) {
          if (!result || result->stored != 4 || result->acknowledged != b * 4LL + 3) {
            ++failed;
          } else {
            // At the acknowledgement another connection must already see it.
            auto seen = observer_->find_run(id);
            if (!seen || !*seen || (*seen)->acked_seq < result->acknowledged) ++not_visible;
          }
          answered.set_value();
        });
        answered.get_future().wait();
      }
    });
  }
  for (auto& t : runners) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(not_visible.load(), 0);
  for (int r = 0; r < kRuns; ++r) {
    auto all = observer_->artifacts("run-" + std::to_string(r));
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), static_cast<std::size_t>(kBatches * 4));
  }
}

TEST_P(GroupCommitTest, AReplayedBatchIsStoredOnceAndABadOneRefusesOnlyItself) {
  create("run-a");
  create("run-b");
  std::vector<std::promise<Expected<IngestResult>>> answers(4);
  auto answer = [&](std::size_t i) {
    return [&answers, i](Expected<IngestResult> r) { answers[i].set_value(std::move(r)); };
  };
  // Queued back to back, so they (very likely) share one transaction.
  store_->ingest_async("run-a", lines(0, 3), answer(0));
  store_->ingest_async("no-such-run", lines(0, 3), answer(1));
  store_->ingest_async("run-a", lines(0, 3), answer(2));  // a replay
  store_->ingest_async("run-b", lines(0, 2), answer(3));
  auto first = answers[0].get_future().get();
  auto bad = answers[1].get_future().get();
  auto replay = answers[2].get_future().get();
  auto other = answers[3].get_future().get();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->stored, 3);
  EXPECT_FALSE(bad);
  ASSERT_TRUE(replay) << replay.error().message;
  EXPECT_EQ(replay->stored, 0);
  EXPECT_EQ(replay->acknowledged, 2);
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(other->acknowledged, 1);
  EXPECT_EQ((*observer_->find_run("run-a"))->artifact_count, 3);
  EXPECT_EQ((*observer_->find_run("run-b"))->artifact_count, 2);
}

TEST_P(GroupCommitTest, ClosingTheStoreCommitsWhatIsQueued) {
  create("run-a");
  std::atomic<int> ok{0};
  for (int b = 0; b < 50; ++b)
    store_->ingest_async("run-a", lines(b * 2LL, 2), [&](Expected<IngestResult> r) {
      if (r) ++ok;
    });
  store_.reset();
  EXPECT_EQ(ok.load(), 50);
  auto all = observer_->artifacts("run-a");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 100U);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

// The API's asynchronous path answers as the synchronous one does.
class AsyncArtifactsTest : public SqliteStoreTest<> {
 protected:
  void SetUp() override {
    open_store("kiln-async-api");
    OrchestratorConfig config;
    config.operator_token = "operator-token-0123456789";
    config.max_body_bytes = 64 * 1024;
    config.max_batch_lines = 100;
    api_ = std::make_unique<ApiService>(*store_, config);
    auto started = api_->handle({"POST", "/v1/burnins", "Bearer operator-token-0123456789",
                                 R"({"nodes": ["node-a", "node-b"]})"});
    ASSERT_EQ(started.status, 201) << started.body.dump();
    for (const auto& r : started.body["runs"]) {
      runs_.push_back(r["run_id"].get<std::string>());
      tokens_.push_back(r["token"].get<std::string>());
    }
  }
  ApiResponse post(std::size_t run, const std::string& token, const std::string& body) {
    std::promise<ApiResponse> answer;
    ApiRequest request{"POST", "/v1/runs/" + runs_[run] + "/artifacts", "Bearer " + token, body};
    EXPECT_TRUE(ApiService::is_artifact_batch(request));
    api_->handle_async(request, [&](ApiResponse r) { answer.set_value(std::move(r)); });
    return answer.get_future().get();
  }
  static std::string batch(long long first, int count) {
    nlohmann::json lines = nlohmann::json::array();
    for (long long s = first; s < first + count; ++s)
      lines.push_back(
          nlohmann::json{{"sequenceNumber", s}, {"timestamp", "2026-11-21T10:00:00Z"}}.dump());
    return nlohmann::json{{"artifacts", lines}}.dump();
  }
  long long stored(std::size_t run) { return (*store_->find_run(runs_[run]))->artifact_count; }

  std::vector<std::string> runs_, tokens_;
};

TEST_F(AsyncArtifactsTest, BatchesAreStoredOnceAndAcknowledged) {
  auto r = post(0, tokens_[0], batch(0, 5));
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["acknowledged"], 4);
  EXPECT_EQ(r.body["stored"], 5);
  EXPECT_EQ(r.body["directive"]["action"], "continue");
  auto replay = post(0, tokens_[0], batch(3, 4));
  ASSERT_EQ(replay.status, 200);
  EXPECT_EQ(replay.body["stored"], 2);
  EXPECT_EQ(replay.body["acknowledged"], 6);
  EXPECT_EQ(stored(0), 7);
}

TEST_F(AsyncArtifactsTest, RefusalsAreClearAndStoreNothing) {
  auto forged = post(1, tokens_[0], batch(0, 2));  // node a's token on node b's run
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(forged.body["error"]["code"], "forbidden");
  auto malformed = post(0, tokens_[0], "{not json");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body["error"]["code"], "malformed");
  auto no_seq = post(0, tokens_[0], R"({"artifacts": ["{\"timestamp\": \"t\"}"]})");
  EXPECT_EQ(no_seq.status, 400);
  EXPECT_EQ(no_seq.body["error"]["code"], "schema");
  auto too_many = post(0, tokens_[0], batch(0, 101));
  EXPECT_EQ(too_many.status, 413);
  EXPECT_EQ(too_many.body["error"]["code"], "batch_too_large");
  auto too_big = post(0, tokens_[0], std::string(70 * 1024, ' '));
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(too_big.body["error"]["code"], "body_too_large");
  EXPECT_EQ(stored(0), 0);
  EXPECT_EQ(stored(1), 0);
}

TEST_F(AsyncArtifactsTest, ALineWithALineBreakIsStoredOnOneLine) {
  nlohmann::json lines = nlohmann::json::array({"{\"sequenceNumber\": 0,\n\"timestamp\": \"t\"}",
                                                R"({"sequenceNumber":1,"timestamp":"t"})"});
  auto r = post(0, tokens_[0], nlohmann::json{{"artifacts", lines}}.dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  auto all = store_->artifacts(runs_[0]);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].line.find('\n'), std::string::npos);
  EXPECT_EQ((*all)[1].line, R"({"sequenceNumber":1,"timestamp":"t"})");  // as sent
}

}  // namespace
}  // namespace kiln::orchestrator
