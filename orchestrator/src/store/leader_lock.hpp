// Which replica drives Ironic and sweeps dead runners: the one that holds
// PostgreSQL's session-level advisory lock 0x6b696c6e02 ("kiln", 2) on a
// connection of its own. The others (followers) try again every `retry`. A
// leader that dies takes its session with it (PostgreSQL ends it when the
// connection closes, or when its TCP keepalives give up on a host that is
// gone) and the lock with the session; the next follower's try leads. A
// leader checks its session at every try and steps down the moment it
// fails. On SQLite there is a single replica: it always leads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sql_connection.hpp"

namespace kiln::orchestrator {

class LeaderLock {
 public:
  // `store_url` is the store's ("postgresql://...", "host=...", or SQLite's).
  explicit LeaderLock(std::string store_url,
                      std::chrono::milliseconds retry = std::chrono::seconds(2));
  ~LeaderLock();
  LeaderLock(const LeaderLock&) = delete;
  LeaderLock& operator=(const LeaderLock&) = delete;

  // Tries once now, then every `retry` on a thread (PostgreSQL only).
  void start();
  // Stops trying and closes the session: another replica may lead.
  void stop();
  [[nodiscard]] bool is_leader() const { return leader_.load(); }
  // One try (the thread's; tests call it): checks a held lock's session, or
  // tries to take the lock. Whether this replica leads after it.
  bool try_lead();

 private:
  void step_down(const std::string& why);
  std::string url_;
  std::chrono::milliseconds retry_;
  bool postgres_;
  std::atomic<bool> leader_;
  std::mutex session_mu_;
  std::unique_ptr<SqlConnection> session_;
  std::string last_error_;  // logged once per change, not every retry
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kiln::orchestrator
