// A small fake of Ironic's node API on 127.0.0.1 (plain POSIX sockets) for
// the driver tests: one node, provision-state transitions that settle at once,
// PATCH (add/replace), traits, maintenance, retirement (a retired node undeploys
// to manageable when automated_clean is true, else to available; 'manage'
// from available), DELETE, and injectable NodeLocked answers.
#pragma once

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace kiln::orchestrator::testing {

class FakeIronic {
 public:
  explicit FakeIronic(const std::string& uuid);
  ~FakeIronic();
  FakeIronic(const FakeIronic&) = delete;
  FakeIronic& operator=(const FakeIronic&) = delete;

  // Before listen() connections are refused: Ironic is down.
  void listen();
  [[nodiscard]] std::string url() const;

  std::mutex mu;
  nlohmann::json node;
  int locked_answers = 0;             // the next N requests get 409 NodeLocked
  bool deleted = false;               // DELETE received: every request gets 404
  std::vector<std::string> requests;  // "PUT /v1/nodes/x/states/provision provide"
  std::vector<std::string> versions;  // X-OpenStack-Ironic-API-Version of each request

 private:
  void serve();
  std::pair<int, std::string> answer(const std::string& method, const std::string& path,
                                     const std::string& body);
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace kiln::orchestrator::testing
