#include "fake_ironic.hpp"

namespace kiln::orchestrator::testing {

FakeIronic::FakeIronic(const std::string& uuid)
    : server_([this](const test_support::HttpRequest& request) { return answer(request); }) {
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
}

std::pair<int, std::string> FakeIronic::answer(const test_support::HttpRequest& request) {
  std::lock_guard lock(mu);
  versions.push_back(request.header("X-OpenStack-Ironic-API-Version"));
  const std::string& method = request.method;
  const std::string& path = request.path;
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
  auto json = nlohmann::json::parse(request.body, nullptr, false);
  const std::string base = "/v1/nodes/" + node["uuid"].get<std::string>();
  if (deleted)
    return {404, fault("Node " + node["uuid"].get<std::string>() + " could not be found.")};
  if (method == "GET" && path == "/v1") return {200, R"({"id":"v1"})"};  // the API root
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
      state = target == "rebuild"                  ? "active"
              : node["retired"] == true && cleaned ? "manageable"
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
