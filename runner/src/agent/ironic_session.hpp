// The ramdisk's side of Ironic's protocol over time: look the node up by its
// MACs until Ironic answers (the node is in clean/deploy wait), keep the
// agent token, heartbeat at heartbeat_timeout x 0.3-0.6 (IPA's jitter, at
// least every 5 s apart) and at once when a command ends, for as long as
// steps run. When Ironic stops taking the token (the cleaning ended, was
// aborted, or failed), the session ends: the running step is stopped and the
// agent looks the node up again, ready for the next cleaning.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "agent/agent_log.hpp"
#include "agent/ironic_ramdisk_client.hpp"

namespace kiln::runner::agent {

struct SessionHooks {
  std::function<void(const LookupReply&)> started;  // token and node known
  std::function<void(const std::string& why)> ended;
};

class IronicSession {
 public:
  IronicSession(const IronicRamdiskClient& client, std::vector<std::string> macs,
                std::string callback_url, std::string agent_version, std::string preset_token,
                AgentLog& log);

  // Runs until `stop`; calls the hooks on its own thread.
  void run(const std::atomic<bool>& stop, const SessionHooks& hooks);
  // The certificate every following heartbeat sends as agent_verify_ca (TLS).
  void set_verify_ca(std::string pem);
  // Heartbeat now (at most once a second): a command ended.
  void heartbeat_soon();
  // Wakes run() so it sees `stop`.
  void wake();

 private:
  bool wait_for(std::chrono::steady_clock::duration d, const std::atomic<bool>& stop,
                bool wake_on_force);
  std::chrono::milliseconds next_interval(int heartbeat_timeout_s);

  const IronicRamdiskClient& client_;
  std::vector<std::string> macs_;
  std::string callback_url_;
  std::string agent_version_;
  std::string preset_token_;
  std::string verify_ca_;  // guarded by mu_
  AgentLog& log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool forced_ = false;
};

}  // namespace kiln::runner::agent
