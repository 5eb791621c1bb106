// SIGHUP's reload of config_dir (ApiService::reload_configs): a delivery added
// on disk is used by the next registration, a broken file keeps the set in
// use, and registrations running while it reloads see one whole set or the
// other.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "api/api_service.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kOperator = "operator-token-0123456789";

class ConfigReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_test_dir("kiln-reload");
    std::filesystem::create_directories(dir_ / "configs/profiles");
    std::filesystem::create_directories(dir_ / "configs/deliveries");
    write("profiles/short.yaml", "profile: short\nstages:\n  - stage: inventory\n");
    write("deliveries/default.yaml", "delivery: default\nprofile: short\n");
    auto store = open_run_store(sqlite_url(dir_));
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    OrchestratorConfig config;
    config.operator_token = kOperator;
    config.config_dir = (dir_ / "configs").string();
    api_ = std::make_unique<ApiService>(*store_, config);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / "configs" / name) << text;
  }
  // A burn-in of `node` of delivery `tag`, registered: the config it got.
  nlohmann::json register_node(const std::string& node, const std::string& tag) {
    auto started = api_->handle({"POST", "/v1/burnins", std::string("Bearer ") + kOperator,
                                 nlohmann::json{{"nodes", {node}}}.dump()});
    EXPECT_EQ(started.status, 201) << started.body.dump();
    const auto token = started.body["runs"][0]["token"].get<std::string>();
    auto r = api_->handle(
        {"POST", "/v1/runs/register", "Bearer " + token,
         nlohmann::json{{"node", {{"ironic_uuid", node}, {"asset_tag", tag}, {"serial", "S"}}}}
             .dump()});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.body["config"];
  }
  std::filesystem::path dir_;
  std::unique_ptr<RunStore> store_;
  std::unique_ptr<ApiService> api_;
};

TEST_F(ConfigReloadTest, ADeliveryAddedOnDiskIsUsedAfterTheReload) {
  EXPECT_EQ(register_node("node-1", "PO-NEW")["delivery_matched"], false);
  write("profiles/long.yaml", "profile: long\nstages:\n  - stage: inventory\n  - stage: cpu\n");
  write("deliveries/po-new.yaml", "delivery: PO-NEW\nprofile: long\n");
  EXPECT_EQ(register_node("node-2", "PO-NEW")["delivery_matched"], false);  // not yet reloaded
  ASSERT_TRUE(api_->reload_configs());
  auto config = register_node("node-3", "PO-NEW");
  EXPECT_EQ(config["delivery_matched"], true);
  EXPECT_EQ(config["profile"], "long");
}

TEST_F(ConfigReloadTest, ABrokenFileKeepsTheSetInUse) {
  write("deliveries/po-new.yaml", "delivery: PO-NEW\nprofile: short\n");
  ASSERT_TRUE(api_->reload_configs());
  write("deliveries/po-new.yaml", "delivery: PO-NEW\nprofile: no-such-profile\n");
  auto reloaded = api_->reload_configs();
  ASSERT_FALSE(reloaded);
  EXPECT_NE(reloaded.error().message.find("no-such-profile"), std::string::npos)
      << reloaded.error().message;
  EXPECT_EQ(register_node("node-1", "PO-NEW")["delivery_matched"], true);
}

TEST_F(ConfigReloadTest, RegistrationsDuringReloadsSeeAWholeSet) {
  write("deliveries/po-new.yaml", "delivery: PO-NEW\nprofile: short\n");
  ASSERT_TRUE(api_->reload_configs());
  std::atomic<bool> done{false};
  std::thread reloader([&]() {
    while (!done.load()) (void)api_->reload_configs();
  });
  std::vector<std::string> profiles;
  for (int i = 0; i < 20; ++i)
    profiles.push_back(register_node("node-" + std::to_string(i), "PO-NEW")["profile"]);
  done = true;
  reloader.join();
  for (const auto& p : profiles) EXPECT_EQ(p, "short");
}

}  // namespace
}  // namespace kiln::orchestrator
