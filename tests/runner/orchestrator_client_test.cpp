// The runner's orchestrator reporter against a small fake orchestrator (plain
// POSIX sockets): it catches up after the orchestrator was away, reads spilled
// lines back from ocptv.jsonl, heartbeats while a stage writes nothing, and
// obeys an abort directive.
#include "report/orchestrator_client.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "kiln/signature.hpp"
#include "support/loopback_http_server.hpp"

namespace kiln::runner {
namespace {

class FakeOrchestrator {
 public:
  // Until listen() is called, connections are refused: the orchestrator is away.
  void listen() { server_.listen(); }
  [[nodiscard]] std::string url() const { return server_.url(); }

  std::mutex mu;
  std::map<long long, int> received;  // sequence number -> times posted
  nlohmann::json report;
  bool abort = false;
  int heartbeats = 0;
  std::optional<signature::SigningKey> signer;  // signs posted certificates
  nlohmann::json certificate;                   // the body the runner posted
  // An earlier boot streamed 0..resume_from-1: register answers a resume.
  std::optional<long long> resume_from;
  nlohmann::json registered;  // the register body
  std::vector<std::string> heartbeat_boot_ids;

 private:
  std::pair<int, std::string> respond(const test_support::HttpRequest& request) {
    std::lock_guard lock(mu);
    const std::string& path = request.path;
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    nlohmann::json directive{{"action", abort ? "abort" : "continue"},
                             {"destructive_go_ahead", false}};
    if (path.find("/register") != std::string::npos) {
      registered = body;
      nlohmann::json answer{{"run_id", "run-t"}, {"acknowledged", -1}, {"directive", directive}};
      if (resume_from) {
        for (long long seq = 0; seq < *resume_from; ++seq) received[seq] = 1;
        answer["acknowledged"] = *resume_from - 1;
        answer["resume"] = {{"kind", "unexpected_reboot"},
                            {"next_sequence", *resume_from},
                            {"acknowledged", *resume_from - 1},
                            {"policy", "fail"}};
      }
      return {200, answer.dump()};
    }
    if (path.find("/report") != std::string::npos) {
      report = body;
      return {200, "{\"stored\": true}"};
    }
    if (path.find("/certificate") != std::string::npos && signer) {
      certificate = body;
      return {200, signature::sign_document(body, *signer)->dump()};
    }
    if (path.find("/heartbeat") != std::string::npos) {
      ++heartbeats;
      if (body.is_object() && body.contains("boot_id"))
        heartbeat_boot_ids.push_back(body["boot_id"].get<std::string>());
    }
    if (path.find("/artifacts") != std::string::npos) {
      for (const auto& line : body["artifacts"])
        received[nlohmann::json::parse(line.get<std::string>())["sequenceNumber"]]++;
    }
    long long acked = -1;
    while (received.count(acked + 1) != 0) ++acked;
    return {200, nlohmann::json{{"acknowledged", acked}, {"directive", directive}}.dump()};
  }
  // last: its thread stops before the rest goes
  test_support::LoopbackHttpServer server_{
      [this](const test_support::HttpRequest& request) { return respond(request); }};
};

std::string line(long long seq) {
  return nlohmann::json{
      {"sequenceNumber", seq}, {"timestamp", "t"}, {"padding", std::string(40, 'x')}}
      .dump();
}

class ReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kiln-reporter-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  OrchestratorOptions options(const FakeOrchestrator& fake) {
    OrchestratorOptions o;
    o.url = fake.url();
    o.token = "t";
    o.node_uuid = "node-a";
    o.spool = dir_ / "ocptv.jsonl";
    o.min_backoff = std::chrono::milliseconds(20);
    o.max_backoff = std::chrono::milliseconds(200);
    o.batch_lines = 25;
    return o;
  }
  std::filesystem::path dir_;
};

TEST_F(ReporterTest, CatchesUpAfterTheOrchestratorWasAwayAndSpilled) {
  FakeOrchestrator fake;
  auto o = options(fake);
  o.max_queue_bytes = 1000;  // about 10 lines: the rest must come back from the file
  OrchestratorReporter reporter(o);
  ASSERT_TRUE(reporter.open());
  reporter.start({{"node", {{"ironic_uuid", "node-a"}}}});
  for (int i = 0; i < 200; ++i) reporter.write_line(line(i));  // never blocks: nobody listens
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  fake.listen();
  for (int i = 200; i < 230; ++i) reporter.write_line(line(i));
  auto done = reporter.finish({{"verdict", "PASS"}, {"failures", nlohmann::json::array()}},
                              std::chrono::seconds(20));
  ASSERT_TRUE(done) << done.error().message;
  std::lock_guard lock(fake.mu);
  ASSERT_EQ(fake.received.size(), 230U);
  EXPECT_EQ(fake.received.rbegin()->first, 229);
  EXPECT_EQ(fake.report["verdict"], "PASS");
  EXPECT_EQ(reporter.acknowledged(), 229);
}

TEST_F(ReporterTest, GivesUpFlushingAfterTheTimeoutWithTheSpoolIntact) {
  FakeOrchestrator fake;  // never listens
  OrchestratorReporter reporter(options(fake));
  ASSERT_TRUE(reporter.open());
  reporter.start({{"node", {{"ironic_uuid", "node-a"}}}});
  reporter.write_line(line(0));
  auto done = reporter.finish({{"verdict", "PASS"}}, std::chrono::milliseconds(500));
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().remedy.find("ocptv.jsonl"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(dir_ / "ocptv.jsonl"), line(0).size() + 1);
}

// A long silent stage (a 6-hour memtest) must not look dead to the
// orchestrator's runner_timeout: the sender thread heartbeats on its own.
TEST_F(ReporterTest, HeartbeatsWhileNoArtifactsAreWritten) {
  FakeOrchestrator fake;
  fake.listen();
  auto o = options(fake);
  o.heartbeat_interval = std::chrono::milliseconds(200);
  OrchestratorReporter reporter(o);
  ASSERT_TRUE(reporter.open());
  reporter.start({{"node", {{"ironic_uuid", "node-a"}}}});
  ASSERT_TRUE(reporter.registration(std::chrono::seconds(5)));
  reporter.write_line(line(0));
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // the stage is silent
  std::lock_guard lock(fake.mu);
  EXPECT_EQ(fake.received.size(), 1U);
  EXPECT_GE(fake.heartbeats, 3);  // every ~0.5 s (the sender wakes twice a second)
}

// After a reboot the new boot's stream starts at 0 in its ocptv.jsonl; the
// orchestrator gets it numbered after what the earlier boot stored.
TEST_F(ReporterTest, AResumedRunIsSentNumberedFromTheOrchestratorsNextSequence) {
  FakeOrchestrator fake;
  fake.resume_from = 100;
  fake.listen();
  auto o = options(fake);
  o.boot_id = "boot-b";
  o.heartbeat_interval = std::chrono::milliseconds(200);
  OrchestratorReporter reporter(o);
  ASSERT_TRUE(reporter.open());
  reporter.start({{"node", {{"ironic_uuid", "node-a"}}}});  // the reporter adds the boot id
  ASSERT_TRUE(reporter.registration(std::chrono::seconds(5)));
  EXPECT_EQ(reporter.sequence_offset(), 100);
  for (int i = 0; i < 30; ++i) reporter.write_line(line(i));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // heartbeats meanwhile
  ASSERT_TRUE(reporter.finish({{"verdict", "PASS"}}, std::chrono::seconds(10)));
  EXPECT_EQ(reporter.acknowledged(), 29);
  std::lock_guard lock(fake.mu);
  ASSERT_EQ(fake.received.size(), 130U);
  for (const auto& [seq, times] : fake.received) EXPECT_EQ(times, 1) << "seq " << seq;
  EXPECT_EQ(fake.received.rbegin()->first, 129);
  EXPECT_EQ(fake.registered["boot_id"], "boot-b");
  ASSERT_TRUE(fake.registered["runner_instance"].is_string());
  EXPECT_EQ(fake.registered["runner_instance"].get<std::string>().size(), 32U);
  ASSERT_FALSE(fake.heartbeat_boot_ids.empty());
  EXPECT_EQ(fake.heartbeat_boot_ids.front(), "boot-b");
  // The local spool keeps this boot's own numbering.
  std::ifstream spool(dir_ / "ocptv.jsonl");
  std::string first;
  std::getline(spool, first);
  EXPECT_EQ(nlohmann::json::parse(first)["sequenceNumber"], 0);
}

TEST_F(ReporterTest, AnAbortDirectiveSetsTheStopFlag) {
  FakeOrchestrator fake;
  fake.abort = true;
  fake.listen();
  std::atomic<bool> stop{false};
  auto o = options(fake);
  o.abort_flag = &stop;
  OrchestratorReporter reporter(o);
  ASSERT_TRUE(reporter.open());
  reporter.start({{"node", {{"ironic_uuid", "node-a"}}}});
  ASSERT_TRUE(reporter.registration(std::chrono::seconds(5)));
  reporter.write_line(line(0));
  for (int i = 0; i < 100 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(stop.load());
}

TEST_F(ReporterTest, TheCertificateBodyIsPostedAndTheSignedDocumentComesBack) {
  FakeOrchestrator fake;
  fake.signer = *signature::generate_key();
  fake.listen();
  OrchestratorReporter reporter(options(fake));
  ASSERT_TRUE(reporter.open());
  reporter.start({{"node", {{"ironic_uuid", "node-a"}}}});
  ASSERT_TRUE(reporter.registration(std::chrono::seconds(5)));
  EXPECT_EQ(reporter.run_id(), "run-t");
  ASSERT_TRUE(reporter.finish({{"verdict", "PASS"}}, std::chrono::seconds(5)));
  nlohmann::json body{{"format", "kiln-decommission-certificate"}, {"disks", nlohmann::json::array()}};
  auto signed_doc = reporter.post_certificate(body, std::chrono::seconds(5));
  ASSERT_TRUE(signed_doc.ok()) << signed_doc.error().message;
  EXPECT_EQ((*signed_doc)["certificate"], body);
  auto v = signature::verify_document(*signed_doc, fake.signer->public_key);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->valid);
  std::lock_guard lock(fake.mu);
  EXPECT_EQ(fake.certificate, body);
}

TEST_F(ReporterTest, ACertificateReplyThatIsNotSignedIsAnError) {
  FakeOrchestrator fake;  // no signer: answers the certificate like any other POST
  fake.listen();
  OrchestratorReporter reporter(options(fake));
  ASSERT_TRUE(reporter.open());
  reporter.start({{"node", {{"ironic_uuid", "node-a"}}}});
  ASSERT_TRUE(reporter.registration(std::chrono::seconds(5)));
  auto signed_doc = reporter.post_certificate({{"disks", nlohmann::json::array()}}, std::chrono::seconds(2));
  ASSERT_FALSE(signed_doc.ok());
  EXPECT_NE(signed_doc.error().message.find("not a signed document"), std::string::npos);
}

}  // namespace
}  // namespace kiln::runner
