#include "agent/ironic_session.hpp"

#include <fmt/format.h>

#include <random>

namespace kiln::runner::agent {
namespace {

constexpr auto kMinHeartbeatGap = std::chrono::seconds(5);
constexpr auto kForcedHeartbeatGap = std::chrono::seconds(1);
constexpr auto kLookupInterval = std::chrono::seconds(2);
constexpr auto kQuietLog = std::chrono::seconds(60);

}  // namespace

IronicSession::IronicSession(const IronicRamdiskClient& client, std::vector<std::string> macs,
                             std::string callback_url, std::string agent_version,
                             std::string preset_token, AgentLog& log)
    : client_(client),
      macs_(std::move(macs)),
      callback_url_(std::move(callback_url)),
      agent_version_(std::move(agent_version)),
      preset_token_(std::move(preset_token)),
      log_(log) {}

void IronicSession::set_verify_ca(std::string pem) {
  std::lock_guard lock(mu_);
  verify_ca_ = std::move(pem);
}

void IronicSession::heartbeat_soon() {
  std::lock_guard lock(mu_);
  forced_ = true;
  cv_.notify_all();
}

void IronicSession::wake() {
  cv_.notify_all();
}

bool IronicSession::wait_for(std::chrono::steady_clock::duration d, const std::atomic<bool>& stop,
                             bool wake_on_force) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [&] { return stop.load() || (wake_on_force && forced_); });
  return !stop.load();
}

std::chrono::milliseconds IronicSession::next_interval(int heartbeat_timeout_s) {
  static thread_local std::mt19937 gen{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.3, 0.6);
  auto ms =
      std::chrono::milliseconds(static_cast<long long>(heartbeat_timeout_s * 1000.0 * jitter(gen)));
  return std::max<std::chrono::milliseconds>(ms, kMinHeartbeatGap);
}

void IronicSession::run(const std::atomic<bool>& stop, const SessionHooks& hooks) {
  auto last_quiet_log = std::chrono::steady_clock::now() - kQuietLog;
  auto quiet = [&](const std::string& text) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_quiet_log < kQuietLog) return;
    last_quiet_log = now;
    log_.line(text);
  };
  while (!stop.load()) {
    auto found = client_.lookup(macs_);
    if (!found) {
      quiet(fmt::format("lookup at {} failed: {} (retrying every {} s)", client_.api_url(),
                        found.error().message, kLookupInterval.count()));
      wait_for(kLookupInterval, stop, false);
      continue;
    }
    if (!*found) {
      quiet(fmt::format(
          "Ironic at {} has no node with these MACs waiting for an agent yet (retrying every {} s)",
          client_.api_url(), kLookupInterval.count()));
      wait_for(kLookupInterval, stop, false);
      continue;
    }
    LookupReply session = **found;
    if (session.agent_token.empty()) session.agent_token = preset_token_;
    if (session.agent_token.empty()) {
      quiet(
          fmt::format("node {}: Ironic handed out its agent token before (it shows ******) and no "
                      "ipa-agent-token= was given: waiting for a new cleaning or deployment",
                      session.node_uuid));
      wait_for(kLookupInterval * 5, stop, false);
      continue;
    }
    log_.line(fmt::format("node {}: looked up, heartbeat_timeout {} s, callback {}",
                          session.node_uuid, session.heartbeat_timeout_s, callback_url_));
    if (hooks.started) hooks.started(session);
    last_quiet_log = std::chrono::steady_clock::now() - kQuietLog;
    std::string ended_because;
    auto last = std::chrono::steady_clock::now() - kMinHeartbeatGap;
    auto next = std::chrono::steady_clock::now();
    while (!stop.load()) {
      {
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, next, [&] { return stop.load() || forced_; });
        if (stop.load()) break;
        if (forced_) {
          forced_ = false;
          auto earliest = last + kForcedHeartbeatGap;
          if (std::chrono::steady_clock::now() < earliest)
            cv_.wait_until(lock, earliest, [&] { return stop.load(); });
        }
      }
      if (stop.load()) break;
      std::string verify_ca;
      {
        std::lock_guard lock(mu_);
        verify_ca = verify_ca_;
      }
      auto hb = client_.heartbeat(session.node_uuid, callback_url_, agent_version_,
                                  session.agent_token, verify_ca);
      last = std::chrono::steady_clock::now();
      if (hb.result == HeartbeatResult::kAccepted) {
        next = last + next_interval(session.heartbeat_timeout_s);
        continue;
      }
      if (hb.result == HeartbeatResult::kTokenRejected) {
        ended_because = fmt::format("Ironic no longer accepts this agent's token ({})", hb.message);
        break;
      }
      log_.line(fmt::format("heartbeat to {} failed: {}", client_.api_url(), hb.message));
      static thread_local std::mt19937 gen{std::random_device{}()};
      std::uniform_int_distribution<int> jitter(5000, 10000);
      next = last + std::chrono::milliseconds(jitter(gen));
    }
    if (stop.load()) break;
    log_.line(fmt::format("node {}: session over: {}", session.node_uuid, ended_because));
    if (hooks.ended) hooks.ended(ended_because);
    wait_for(kLookupInterval, stop, false);
  }
}

}  // namespace kiln::runner::agent
