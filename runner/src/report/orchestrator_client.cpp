#include "report/orchestrator_client.hpp"

#include <fmt/format.h>

#include <random>

#include "kiln/http_client.hpp"
#include "kiln/json_input.hpp"

namespace kiln::runner {
namespace {

struct Reply {
  int status = 0;
  nlohmann::json body;
};

// One JSON POST to the orchestrator (http:// or https:// checked against
// options.ca_file); transport failures are errors.
Expected<Reply> call(const OrchestratorOptions& o, const std::string& path,
                     const std::string& body) {
  http::CallOptions options;
  options.timeout = o.request_timeout;
  options.ca_file = o.ca_file;
  options.user_agent = "kiln-runner";
  options.max_body = 16U * 1024U * 1024U;
  std::string base = o.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto reply = http::call("POST", base + path,
                          {{"Authorization", "Bearer " + o.token},
                           {"Content-Type", "application/json"}},
                          body, options);
  if (!reply) return reply.error();
  Reply out{reply->status, nullptr};
  auto parsed = parse_json(reply->body, "orchestrator reply", options.max_body);
  if (parsed) out.body = std::move(*parsed);
  return out;
}

std::string random_instance_id() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
}

std::string error_text(const Reply& r) {
  if (const auto* e = json_path(r.body, {"error"}); e != nullptr) {
    return fmt::format("HTTP {}: {}", r.status, json_string(*e, "message").value_or(""));
  }
  return fmt::format("HTTP {}", r.status);
}

}  // namespace

OrchestratorReporter::OrchestratorReporter(OrchestratorOptions options)
    : options_(std::move(options)) {
  if (options_.runner_instance.empty()) options_.runner_instance = random_instance_id();
}

OrchestratorReporter::~OrchestratorReporter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (sender_.joinable()) sender_.join();
}

Status OrchestratorReporter::open() {
  file_.open(options_.spool, std::ios::binary | std::ios::trunc);
  if (!file_)
    return make_error("KILN-OUTPUT", fmt::format("cannot write {}", options_.spool.string()));
  return ok();
}

void OrchestratorReporter::write_line(const std::string& line) {
  auto parsed = parse_json(line, "OCPTV line", 16U * 1024U * 1024U);
  long long seq = parsed ? json_integer(*parsed, "sequenceNumber").value_or(-1) : -1;
  std::lock_guard lock(mu_);
  const std::uint64_t offset = bytes_written_;
  file_ << line << '\n' << std::flush;
  bytes_written_ += line.size() + 1;
  if (seq > last_seq_) last_seq_ = seq;
  if (spilled_) return;  // the sender reads it back from the file
  if (queue_bytes_ + line.size() > options_.max_queue_bytes) {
    // Memory is full: from here the unacknowledged lines come from the file.
    spilled_ = true;
    file_offset_ = queue_.empty() ? offset : queue_.front().offset;
    queue_.clear();
    queue_bytes_ = 0;
  } else {
    queue_.push_back({seq, line, offset});
    queue_bytes_ += line.size();
  }
  cv_.notify_all();
}

void OrchestratorReporter::start(nlohmann::json identity) {
  identity_ = std::move(identity);
  if (identity_.is_object()) {
    if (!options_.boot_id.empty()) identity_["boot_id"] = options_.boot_id;
    identity_["runner_instance"] = options_.runner_instance;
  }
  last_contact_ = std::chrono::steady_clock::now();
  sender_ = std::thread([this]() { sender_loop(); });
}

std::optional<nlohmann::json> OrchestratorReporter::registration(std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, wait, [this]() { return registration_.has_value() || refused_; });
  return registration_;
}

long long OrchestratorReporter::acknowledged() const {
  std::lock_guard lock(mu_);
  return acked_;
}

bool OrchestratorReporter::drained_locked() const {
  return acked_ >= last_seq_ && !spilled_;
}

void OrchestratorReporter::apply_directive(const nlohmann::json& reply) {
  const auto* d = json_path(reply, {"directive"});
  if (d != nullptr && json_string(*d, "action") == "abort" && options_.abort_flag != nullptr &&
      !options_.abort_flag->exchange(true)) {
    fmt::print(stderr, "\nkiln-runner: the orchestrator asked this run to stop\n");
  }
}

void OrchestratorReporter::backoff(std::unique_lock<std::mutex>& lock) {
  delay_ = std::min(std::max(delay_ * 2, options_.min_backoff), options_.max_backoff);
  if (reachable_) {
    reachable_ = false;
    fmt::print(stderr,
               "\nkiln-runner: orchestrator unreachable ({}), keeping artifacts in {}; retrying\n",
               last_error_, options_.spool.string());
  }
  cv_.wait_for(lock, delay_, [this]() { return stopping_; });
}

bool OrchestratorReporter::try_register() {
  auto reply = call(options_, "/v1/runs/register", identity_.dump());
  std::lock_guard lock(mu_);
  if (!reply) last_error_ = reply.error().message;
  if (!reply || reply->status >= 500) return false;
  if (reply->status >= 400) {
    fmt::print(
        stderr,
        "\nkiln-runner: the orchestrator refused registration ({}); the run goes on locally\n",
        error_text(*reply));
    refused_ = true;
    cv_.notify_all();
    return false;
  }
  run_id_ = json_string(reply->body, "run_id").value_or("");
  const auto* resume = json_path(reply->body, {"resume"});
  if (resume != nullptr && resume->is_object()) {
    // An earlier boot (or runner process) streamed to this run: this boot's
    // line 0 is the orchestrator's next_sequence.
    sequence_offset_ = std::max(0LL, json_integer(*resume, "next_sequence").value_or(0));
  } else {
    acked_ = std::max(acked_, json_integer(reply->body, "acknowledged").value_or(-1));
  }
  registration_ = reply->body;
  cv_.notify_all();
  return !run_id_.empty();
}

OrchestratorReporter::Batch OrchestratorReporter::next_batch() {
  Batch batch;
  std::uint64_t offset = 0;
  {
    std::lock_guard lock(mu_);
    if (!spilled_) {
      while (!queue_.empty() && queue_.front().seq <= acked_) {
        queue_bytes_ -= queue_.front().line.size();
        queue_.pop_front();
      }
      for (const auto& q : queue_) {
        if (batch.lines.size() >= options_.batch_lines) break;
        batch.lines.push_back(q.line);
        batch.seqs.push_back(q.seq);
      }
      return batch;
    }
    offset = file_offset_;
  }
  // Spill mode: read complete lines back from the spool file.
  batch.from_file = true;
  std::ifstream in(options_.spool, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string line;
  while (batch.lines.size() < options_.batch_lines && std::getline(in, line)) {
    if (in.eof()) break;  // no newline yet: a line still being written
    offset += line.size() + 1;
    auto parsed = parse_json(line, "spooled OCPTV line", 16U * 1024U * 1024U);
    long long seq = parsed ? json_integer(*parsed, "sequenceNumber").value_or(-1) : -1;
    batch.lines.push_back(line);
    batch.seqs.push_back(seq);
    batch.ends.push_back(offset);
  }
  return batch;
}

bool OrchestratorReporter::send(const Batch& batch) {
  nlohmann::json body{{"artifacts", renumbered(batch.lines)},
                      {"runner_instance", options_.runner_instance}};
  if (!options_.boot_id.empty()) body["boot_id"] = options_.boot_id;
  auto reply =
      call(options_, fmt::format("/v1/runs/{}/artifacts", run_id_), body.dump());
  std::lock_guard lock(mu_);
  if (!reply) last_error_ = reply.error().message;
  if (!reply || reply->status >= 500) return false;
  if (reply->status >= 400) {
    fmt::print(stderr, "\nkiln-runner: the orchestrator refused artifacts ({}); they stay in {}\n",
               error_text(*reply), options_.spool.string());
    refused_ = true;
    return true;
  }
  apply_directive(reply->body);
  if (auto acked = json_integer(reply->body, "acknowledged")) {
    acked_ = std::max(acked_, *acked - sequence_offset_);
  }
  if (batch.from_file && spilled_) {
    for (std::size_t i = 0; i < batch.seqs.size(); ++i) {
      if (batch.seqs[i] > acked_) break;
      file_offset_ = batch.ends[i];
    }
    if (file_offset_ >= bytes_written_) spilled_ = false;  // caught up: back to memory
  }
  return true;
}

std::vector<std::string> OrchestratorReporter::renumbered(
    const std::vector<std::string>& lines) const {
  long long offset = 0;
  {
    std::lock_guard lock(mu_);
    offset = sequence_offset_;
  }
  if (offset == 0) return lines;
  std::vector<std::string> out;
  out.reserve(lines.size());
  for (const auto& line : lines) {
    auto parsed = parse_json(line, "OCPTV line", 16U * 1024U * 1024U);
    auto seq = parsed ? json_integer(*parsed, "sequenceNumber") : std::nullopt;
    if (!seq) {
      out.push_back(line);  // the orchestrator refuses it and says why
      continue;
    }
    (*parsed)["sequenceNumber"] = *seq + offset;
    out.push_back(parsed->dump());
  }
  return out;
}

long long OrchestratorReporter::sequence_offset() const {
  std::lock_guard lock(mu_);
  return sequence_offset_;
}

void OrchestratorReporter::heartbeat() {
  nlohmann::json body{{"runner_instance", options_.runner_instance}};
  if (!options_.boot_id.empty()) body["boot_id"] = options_.boot_id;
  auto reply = call(options_, fmt::format("/v1/runs/{}/heartbeat", run_id_), body.dump());
  if (reply && reply->status < 400) {
    std::lock_guard lock(mu_);
    apply_directive(reply->body);
  }
}

void OrchestratorReporter::sender_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_ && !refused_) {
    if (run_id_.empty()) {
      lock.unlock();
      bool registered = try_register();
      lock.lock();
      if (!registered) {
        if (!refused_) backoff(lock);
        continue;
      }
    }
    lock.unlock();
    Batch batch = next_batch();
    bool sent = batch.lines.empty() || send(batch);
    lock.lock();
    if (!sent) {
      backoff(lock);
      continue;
    }
    if (!batch.lines.empty()) {
      if (!reachable_)
        fmt::print(stderr, "\nkiln-runner: orchestrator reachable again, catching up\n");
      reachable_ = true;
      delay_ = std::chrono::milliseconds(0);
      last_contact_ = std::chrono::steady_clock::now();
      continue;
    }
    if (std::chrono::steady_clock::now() - last_contact_ >= options_.heartbeat_interval) {
      last_contact_ = std::chrono::steady_clock::now();
      lock.unlock();
      heartbeat();
      lock.lock();
      continue;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(500));
  }
}

Status OrchestratorReporter::finish(const nlohmann::json& report, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  {
    std::unique_lock lock(mu_);
    cv_.notify_all();
    while (!refused_ && (run_id_.empty() || !drained_locked()) &&
           std::chrono::steady_clock::now() < deadline) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (refused_) return make_error("KILN-ORCH", "the orchestrator refused this run's data");
    if (run_id_.empty() || !drained_locked()) {
      return make_error(
          "KILN-ORCH",
          fmt::format("the orchestrator acknowledged artifacts up to {} of {} in time", acked_,
                      last_seq_),
          fmt::format("everything is in {}", options_.spool.string()));
    }
  }
  auto delay = options_.min_backoff;
  for (;;) {
    auto reply =
        call(options_, fmt::format("/v1/runs/{}/report", run_id_), report.dump());
    if (reply && reply->status < 400) return ok();
    if (reply && reply->status < 500)
      return make_error("KILN-ORCH", "report refused: " + error_text(*reply));
    if (std::chrono::steady_clock::now() + delay >= deadline) {
      return make_error("KILN-ORCH", "the orchestrator did not take the report in time",
                        "report.json is in the output directory");
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, options_.max_backoff);
  }
}

std::string OrchestratorReporter::run_id() const {
  std::lock_guard lock(mu_);
  return run_id_;
}

Expected<nlohmann::json> OrchestratorReporter::post_certificate(const nlohmann::json& body,
                                                                std::chrono::milliseconds wait) {
  std::string id = run_id();
  if (id.empty()) return make_error("KILN-ORCH", "not registered with the orchestrator: no run id for the certificate");
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto delay = options_.min_backoff;
  for (;;) {
    auto reply = call(options_, fmt::format("/v1/runs/{}/certificate", id), body.dump());
    if (reply && reply->status < 300) {
      if (!reply->body.is_object() || !reply->body.contains("certificate") || !reply->body.contains("signature")) {
        return make_error("KILN-ORCH", "the orchestrator's certificate reply is not a signed document");
      }
      return reply->body;
    }
    if (reply && reply->status < 500) {
      return make_error("KILN-ORCH", "certificate refused: " + error_text(*reply));
    }
    if (std::chrono::steady_clock::now() + delay >= deadline) {
      return make_error("KILN-ORCH",
                        fmt::format("the orchestrator did not take the certificate in time{}",
                                    reply ? "" : ": " + reply.error().message),
                        "the unsigned certificate is in the output directory");
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, options_.max_backoff);
  }
}

}  // namespace kiln::runner
