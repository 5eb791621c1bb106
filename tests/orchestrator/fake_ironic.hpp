// A small fake of Ironic's node API on 127.0.0.1 (plain POSIX sockets) for
// the driver tests: one node, provision-state transitions that settle at once,
// PATCH (add/replace), traits, maintenance, retirement (a retired node undeploys
// to manageable when automated_clean is true, else to available; 'manage'
// from available), DELETE, and injectable NodeLocked answers.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/loopback_http_server.hpp"

namespace kiln::orchestrator::testing {

class FakeIronic {
 public:
  explicit FakeIronic(const std::string& uuid);

  // Before listen() connections are refused: Ironic is down.
  void listen() { server_.listen(); }
  [[nodiscard]] std::string url() const { return server_.url(); }

  std::mutex mu;
  nlohmann::json node;
  int locked_answers = 0;             // the next N requests get 409 NodeLocked
  bool deleted = false;               // DELETE received: every request gets 404
  std::vector<std::string> requests;  // "PUT /v1/nodes/x/states/provision provide"
  std::vector<std::string> versions;  // X-OpenStack-Ironic-API-Version of each request

 private:
  std::pair<int, std::string> answer(const test_support::HttpRequest& request);
  test_support::LoopbackHttpServer server_;  // last: its thread stops before the rest goes
};

}  // namespace kiln::orchestrator::testing
