#include "fake_ironic.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace kiln::orchestrator::testing {

FakeIronic::FakeIronic(const std::string& uuid) {
  node = {{"uuid", uuid},
          {"provision_state", "manageable"},
          {"target_provision_state", nullptr},
          {"instance_info", nlohmann::json::object()},
          {"extra", nlohmann::json::object()},
          {"deploy_interface", "ramdisk"},
          {"traits", nlohmann::json::array()},
          {"maintenance", false},
          {"maintenance_reason", nullptr},
          {"retired", false},
          {"retired_reason", nullptr},
          {"automated_clean", nullptr},
          {"last_error", nullptr}};
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

FakeIronic::~FakeIronic() {
  stop_ = true;
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
  if (thread_.joinable()) thread_.join();
}

void FakeIronic::listen() {
  ::listen(fd_, 16);
  thread_ = std::thread([this]() { serve(); });
}

std::string FakeIronic::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FakeIronic::serve() {
  while (!stop_) {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    std::string request;
    char buf[65536];
    std::size_t need = std::string::npos;
    for (;;) {
      auto n = ::read(c, buf, sizeof(buf));
      if (n <= 0) break;
      request.append(buf, static_cast<std::size_t>(n));
      auto head_end = request.find("\r\n\r\n");
      if (head_end != std::string::npos && need == std::string::npos) {
        auto cl = request.find("Content-Length: ");
        need = head_end + 4 +
               (cl == std::string::npos ? 0 : std::strtoul(request.c_str() + cl + 16, nullptr, 10));
      }
      if (need != std::string::npos && request.size() >= need) break;
    }
    auto sp1 = request.find(' ');
    auto sp2 = request.find(' ', sp1 + 1);
    std::string method = request.substr(0, sp1);
    std::string path = request.substr(sp1 + 1, sp2 - sp1 - 1);
    auto v = request.find("X-OpenStack-Ironic-API-Version: ");
    {
      std::lock_guard lock(mu);
      versions.push_back(
          v == std::string::npos ? "" : request.substr(v + 32, request.find('\r', v) - v - 32));
    }
    auto [status, body] = answer(method, path, request.substr(request.find("\r\n\r\n") + 4));
    std::string reply =
        "HTTP/1.1 " + std::to_string(status) +
        " X\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    (void)::write(c, reply.data(), reply.size());
    ::close(c);
  }
}

std::pair<int, std::string> FakeIronic::answer(const std::string& method, const std::string& path,
                                               const std::string& body) {
  std::lock_guard lock(mu);
  auto fault = [](const std::string& text) {
    return nlohmann::json{
        {"error_message",
         nlohmann::json{{"faultstring", text}, {"faultcode", "Client"}, {"debuginfo", nullptr}}
             .dump()}}
        .dump();
  };
  if (locked_answers > 0) {
    --locked_answers;
    return {409, fault("Node " + node["uuid"].get<std::string>() +
                       " is locked by host fake, please retry")};
  }
  auto json = nlohmann::json::parse(body, nullptr, false);
  const std::string base = "/v1/nodes/" + node["uuid"].get<std::string>();
  if (deleted) return {404, fault("Node " + node["uuid"].get<std::string>() + " could not be found.")};
  if (method == "GET" && path == base) return {200, node.dump()};
  if (method == "DELETE" && path == base) {
    requests.push_back("DELETE");
    deleted = true;
    return {204, ""};
  }
  if (method == "PATCH" && path == base) {
    requests.push_back("PATCH");
    for (const auto& op : json) {
      if (op["path"] == "/retired" && node["provision_state"] == "available")
        return {409, fault("Node can not have 'retired' set in provision state 'available'")};
    }
    for (const auto& op : json)
      node[nlohmann::json::json_pointer(op["path"].get<std::string>())] = op["value"];
    return {200, node.dump()};
  }
  if (method == "PUT" && path == base + "/states/provision") {
    std::string target = json["target"];
    requests.push_back("provision " + target);
    std::string& state = node["provision_state"].get_ref<std::string&>();
    if (state == "manageable" && target == "provide") {
      state = "available";
    } else if (state == "available" && target == "active") {
      state = "active";
    } else if (state == "active" && (target == "rebuild" || target == "deleted")) {
      // Ironic: a retired node ends 'manageable' after (automated) cleaning.
      const bool cleaned = node["automated_clean"] == true;
      state = target == "rebuild"                           ? "active"
              : node["retired"] == true && cleaned          ? "manageable"
                                                            : "available";
    } else if (state == "available" && target == "manage") {
      state = "manageable";
    } else {
      return {400, fault("The requested action \"" + target +
                         "\" can not be performed on node in state " + state)};
    }
    return {202, ""};
  }
  if (method == "PUT" && path.rfind(base + "/traits/", 0) == 0) {
    node["traits"].push_back(path.substr(base.size() + 8));
    return {204, ""};
  }
  if (method == "PUT" && path == base + "/maintenance") {
    node["maintenance"] = true;
    node["maintenance_reason"] = json["reason"];
    return {202, ""};
  }
  return {404, fault("no such resource " + path)};
}

}  // namespace kiln::orchestrator::testing
