// Reports a run to kiln-orchestrator while it happens. The ocptv::Writer sink
// goes through write_line(): each line is appended to ocptv.jsonl (the spool)
// and queued in bounded memory; a sender thread registers, posts batches and
// drops what the orchestrator acknowledged (highest contiguous sequence
// number). While the orchestrator is away it retries oldest-first with
// exponential backoff; when the memory queue is full it reads the unsent lines
// back from ocptv.jsonl, so nothing is lost. The run never waits on the
// network; finish() waits a bounded time to flush and post the report.
// ocptv.jsonl is this boot's stream, numbered from 0. When the register
// answer resumes a run an earlier boot streamed to (docs/reboots.md), every
// line is sent renumbered from its next_sequence, so nothing collides with
// what the orchestrator holds; acknowledged() stays in this boot's numbers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "kiln/expected.hpp"

namespace kiln::runner {

struct OrchestratorOptions {
  std::string url;              // http://host:port or https://host:port
  std::string ca_file;          // https: CA certificate (PEM) to verify it (--ca, kiln.ca)
  std::string token;            // kiln.token
  std::string node_uuid;        // kiln.node
  std::string boot_id;          // /proc/sys/kernel/random/boot_id, sent with every heartbeat
  // This process's random id (made by the reporter when empty), sent with the
  // registration, every batch and heartbeat: a later runner registering on
  // the run supersedes this one (409 runner_superseded, docs/reboots.md).
  std::string runner_instance;
  std::filesystem::path spool;  // ocptv.jsonl
  std::size_t max_queue_bytes = 4U * 1024U * 1024U;
  std::size_t batch_lines = 500;
  std::chrono::milliseconds min_backoff{250};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds heartbeat_interval{15000};
  std::atomic<bool>* abort_flag = nullptr;  // set when the orchestrator says abort
};

class OrchestratorReporter {
 public:
  explicit OrchestratorReporter(OrchestratorOptions options);
  ~OrchestratorReporter();
  OrchestratorReporter(const OrchestratorReporter&) = delete;
  OrchestratorReporter& operator=(const OrchestratorReporter&) = delete;

  // Truncates and opens the spool file.
  Status open();
  // The Writer sink: file first, then the memory queue. Never touches the network.
  void write_line(const std::string& line);
  // Starts the sender; `identity` is the register body ({"node": {...}});
  // the boot id and runner instance are added to it.
  void start(nlohmann::json identity);
  // The register answer, waiting at most `wait` for it.
  std::optional<nlohmann::json> registration(std::chrono::milliseconds wait);
  // Flushes the artifacts and posts the report, waiting at most `wait` in all.
  Status finish(const nlohmann::json& report, std::chrono::milliseconds wait);

  // Posts the unsigned certificate body to /v1/runs/{id}/certificate after
  // finish(); the orchestrator signs and stores it and answers with the signed
  // document {"certificate", "signature"}, which is returned.
  Expected<nlohmann::json> post_certificate(const nlohmann::json& body, std::chrono::milliseconds wait);
  // The orchestrator's id of this run ("" before registration).
  [[nodiscard]] std::string run_id() const;

  // Status for tests and messages: the highest line of this boot's stream
  // the orchestrator acknowledged, and what it numbers this boot's line 0.
  [[nodiscard]] long long acknowledged() const;
  [[nodiscard]] long long sequence_offset() const;

 private:
  struct Queued {
    long long seq;
    std::string line;
    std::uint64_t offset;  // where the line starts in the spool file
  };
  struct Batch {
    std::vector<std::string> lines;
    std::vector<long long> seqs;
    std::vector<std::uint64_t> ends;  // file offset after each line (spill mode)
    bool from_file = false;
  };
  void sender_loop();
  bool try_register();
  Batch next_batch();
  bool send(const Batch& batch);
  // The lines as the orchestrator numbers them (sequence_offset_ added).
  [[nodiscard]] std::vector<std::string> renumbered(const std::vector<std::string>& lines) const;
  void heartbeat();
  void apply_directive(const nlohmann::json& reply);
  void backoff(std::unique_lock<std::mutex>& lock);
  [[nodiscard]] bool drained_locked() const;

  OrchestratorOptions options_;
  nlohmann::json identity_;
  std::ofstream file_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  std::size_t queue_bytes_ = 0;
  bool spilled_ = false;
  std::uint64_t file_offset_ = 0;  // spill mode: start of the oldest unacknowledged line
  std::uint64_t bytes_written_ = 0;
  long long last_seq_ = -1;
  long long acked_ = -1;           // this boot's numbering
  long long sequence_offset_ = 0;  // the orchestrator's number of this boot's line 0
  std::string run_id_;
  std::optional<nlohmann::json> registration_;
  bool refused_ = false;  // a 4xx: the orchestrator will never take these
  bool stopping_ = false;
  bool reachable_ = true;
  std::string last_error_;  // why the orchestrator was last unreachable
  std::chrono::milliseconds delay_{0};
  std::chrono::steady_clock::time_point last_contact_;
  std::thread sender_;
};

}  // namespace kiln::runner
