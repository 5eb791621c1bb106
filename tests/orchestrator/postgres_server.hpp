// A throw-away PostgreSQL server for the store tests: initdb into a temp dir,
// pg_ctl start listening only on a unix socket in that dir, on a free port.
#pragma once

#include <optional>
#include <string>

namespace kiln::orchestrator::testing {

class PostgresServer {
 public:
  // Starts one; nullopt (with why) when the binaries are absent or it fails.
  static PostgresServer* instance(std::string& why_not);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  [[nodiscard]] const std::string& conninfo() const { return conninfo_; }

 private:
  PostgresServer() = default;
  std::string dir_;
  std::string as_user_;  // "runuser -u postgres -- " when we are root
  std::string bin_;
  std::string conninfo_;
  bool started_ = false;
};

}  // namespace kiln::orchestrator::testing
