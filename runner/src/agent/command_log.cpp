#include "agent/command_log.hpp"

#include <random>

namespace kiln::runner::agent {
namespace {

std::string new_command_id() {
  static std::mutex mu;
  static std::mt19937_64 gen{std::random_device{}()};
  std::lock_guard lock(mu);
  std::uniform_int_distribution<unsigned> dist(0, 15);
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += "0123456789abcdef"[dist(gen)];
  }
  return id;
}

}  // namespace

std::string_view to_string(CommandStatus s) {
  switch (s) {
    case CommandStatus::kRunning:
      return "RUNNING";
    case CommandStatus::kSucceeded:
      return "SUCCEEDED";
    case CommandStatus::kFailed:
      return "FAILED";
    case CommandStatus::kVersionMismatch:
      return "CLEAN_VERSION_MISMATCH";
  }
  return "FAILED";
}

CommandLog::~CommandLog() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void CommandLog::on_async_end(std::function<void()> callback) {
  std::lock_guard lock(mu_);
  on_async_end_ = std::move(callback);
}

std::optional<std::string> CommandLog::running() const {
  std::lock_guard lock(mu_);
  if (!entries_.empty() && !entries_.back().done) return entries_.back().name;
  return std::nullopt;
}

std::string CommandLog::start(const std::string& name, Work work, bool async) {
  std::size_t index = 0;
  std::string id = new_command_id();
  {
    std::lock_guard lock(mu_);
    Entry e{id, name, {}, false};
    e.output.status = CommandStatus::kRunning;
    entries_.push_back(std::move(e));
    index = entries_.size() - 1;
  }
  auto run = [this, index, work = std::move(work)] {
    CommandOutput out;
    try {
      out = work();
    } catch (const std::exception& e) {
      out = CommandOutput::failure(std::string("kiln agent internal error: ") + e.what());
    }
    finish(index, std::move(out));
  };
  if (!async) {
    run();
    return id;
  }
  std::lock_guard lock(mu_);
  threads_.emplace_back([this, run = std::move(run)] {
    run();
    std::function<void()> callback;
    {
      std::lock_guard inner(mu_);
      callback = on_async_end_;
    }
    if (callback) callback();
  });
  return id;
}

void CommandLog::finish(std::size_t index, CommandOutput output) {
  std::lock_guard lock(mu_);
  entries_[index].output = std::move(output);
  entries_[index].done = true;
  changed_.notify_all();
}

void CommandLog::wait(const std::string& id) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] {
    for (const auto& e : entries_) {
      if (e.id == id) return e.done;
    }
    return true;
  });
}

bool CommandLog::forget_finished() {
  std::lock_guard lock(mu_);
  if (!entries_.empty() && !entries_.back().done) return false;
  entries_.clear();
  changed_.notify_all();
  return true;
}

nlohmann::json CommandLog::entry_json(const Entry& e) {
  nlohmann::json error = nullptr;
  if (e.done && e.output.status != CommandStatus::kSucceeded) {
    error = {{"type", e.output.error_type},
             {"code", 500},
             {"message", e.output.error_message},
             {"details", e.output.details}};
  }
  return {{"id", e.id},
          {"command_name", e.name},
          {"command_status", to_string(e.done ? e.output.status : CommandStatus::kRunning)},
          {"command_error", error},
          {"command_result", e.done ? e.output.result : nlohmann::json(nullptr)}};
}

nlohmann::json CommandLog::list_json() const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries_) out.push_back(entry_json(e));
  return out;
}

std::optional<nlohmann::json> CommandLog::get_json(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const auto& e : entries_) {
    if (e.id == id) return entry_json(e);
  }
  return std::nullopt;
}

}  // namespace kiln::runner::agent
