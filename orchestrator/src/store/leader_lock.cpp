#include "store/leader_lock.hpp"

#include <fmt/format.h>

#include "log/log.hpp"

namespace kiln::orchestrator {
namespace {
constexpr const char* kLeaderLock = "461330214402";  // 0x6b696c6e02
}  // namespace

LeaderLock::LeaderLock(std::string store_url, std::chrono::milliseconds retry)
    : url_(std::move(store_url)),
      retry_(retry),
      postgres_(is_postgres_url(url_)),
      leader_(!postgres_) {}

LeaderLock::~LeaderLock() {
  stop();
}

void LeaderLock::step_down(const std::string& why) {
  session_.reset();  // closing the session frees the lock, if the server still had it
  if (leader_.exchange(false))
    log_line(LogLevel::warning, "this replica no longer leads (Ironic driver, runner sweep)",
             {{"error", why}});
}

bool LeaderLock::try_lead() {
  if (!postgres_) return true;
  std::lock_guard lock(session_mu_);
  if (leader_.load()) {
    if (auto alive = session_->query("SELECT 1"); !alive) step_down(alive.error().message);
    return leader_.load();
  }
  if (!session_) {
    auto opened = open_postgres(url_);
    if (!opened) {
      if (opened.error().message != last_error_) {
        last_error_ = opened.error().message;
        log_line(LogLevel::warning, "leader lock: cannot reach PostgreSQL",
                 {{"error", last_error_}});
      }
      return false;
    }
    session_ = std::move(*opened);
  }
  auto got = session_->query(fmt::format("SELECT pg_try_advisory_lock({})", kLeaderLock));
  if (!got) {
    last_error_ = got.error().message;
    step_down(last_error_);
    return false;
  }
  if (got->empty() || sql_text(got->front(), 0) != "t") return false;  // another replica leads
  last_error_.clear();
  leader_ = true;
  log_line(LogLevel::info, "this replica leads: it drives Ironic and sweeps silent runners",
           {{"lock", kLeaderLock}});
  return true;
}

void LeaderLock::start() {
  if (!postgres_) return;
  (void)try_lead();
  thread_ = std::thread([this]() {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, retry_, [this]() { return stopping_; })) {
      lock.unlock();
      try {
        (void)try_lead();
      } catch (const std::exception& e) {
        log_line(LogLevel::error, "leader lock", {{"error", e.what()}});
      }
      lock.lock();
    }
  });
}

void LeaderLock::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(session_mu_);
  if (postgres_) {
    session_.reset();
    leader_ = false;
  }
}

}  // namespace kiln::orchestrator
