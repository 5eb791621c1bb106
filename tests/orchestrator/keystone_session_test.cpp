// The Keystone token flow (ironic/keystone_session.hpp) where a real Keystone
// cannot give the case: a token about to expire, a token Ironic refuses (401)
// before its expiry. A fake Keystone and a fake Ironic on 127.0.0.1.
#include "ironic/keystone_session.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ironic/ironic_client.hpp"
#include "support/loopback_http_server.hpp"

namespace kiln::orchestrator {
namespace {

std::string iso(std::chrono::system_clock::time_point t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char text[40];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
  return text;
}

struct FakeKeystone {
  std::mutex mu;
  int issued = 0;
  std::chrono::seconds lifetime{3600};
  std::string ironic_url;
  std::vector<nlohmann::json> bodies;
  test_support::LoopbackHttpServer server{[this](const test_support::HttpRequest& r) {
    std::lock_guard lock(mu);
    if (r.method != "POST" || r.path != "/v3/auth/tokens") return std::pair{404, std::string("{}")};
    bodies.push_back(nlohmann::json::parse(r.body));
    const auto secret = bodies.back()["auth"]["identity"].dump();
    if (secret.find("wrong") != std::string::npos) {
      server.extra_head.clear();
      return std::pair{401, std::string(R"({"error": {"code": 401, "message": "The request you )"
                                        R"(have made requires authentication."}})")};
    }
    server.extra_head = "X-Subject-Token: tok-" + std::to_string(++issued) + "\r\n";
    nlohmann::json token = {
        {"token",
         {{"expires_at", iso(std::chrono::system_clock::now() + lifetime)},
          {"catalog",
           {{{"type", "identity"}, {"endpoints", {{{"interface", "public"}, {"url", "http://x"}}}}},
            {{"type", "baremetal"},
             {"endpoints",
              {{{"interface", "internal"}, {"region_id", "R1"}, {"url", "http://internal"}},
               {{"interface", "public"}, {"region_id", "R1"}, {"url", ironic_url + "/"}}}}}}}}}};
    return std::pair{201, token.dump()};
  }};
};

IronicAuth password_auth(const std::string& keystone_url, const std::string& password) {
  IronicAuth a;
  a.type = "keystone";
  a.auth_url = keystone_url + "/v3/";
  a.username = "kiln";
  a.password = password;
  a.project_name = "service";
  a.region = "R1";
  return a;
}

TEST(KeystoneTime, ParsesKeystonesExpiresAt) {
  auto t = parse_keystone_time("2026-12-03T18:25:20.000000Z");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 1796322320);
  EXPECT_FALSE(parse_keystone_time("tomorrow"));
}

TEST(KeystoneSession, ReusesATokenAndRenewsItBeforeItExpires) {
  FakeKeystone ks;
  ks.server.listen();
  KeystoneSession session(password_auth(ks.server.url(), "pw"), "", std::chrono::seconds(5));
  auto t1 = session.token();
  ASSERT_TRUE(t1) << t1.error().message;
  EXPECT_EQ(*t1, "tok-1");
  EXPECT_EQ(*session.token(), "tok-1");  // valid for an hour: reused
  {
    std::lock_guard lock(ks.mu);
    ks.lifetime = std::chrono::seconds(30);  // the next token expires within the 60 s margin
  }
  session.invalidate();
  EXPECT_EQ(*session.token(), "tok-2");
  EXPECT_EQ(*session.token(), "tok-3");  // about to expire: asked again
  std::lock_guard lock(ks.mu);
  ASSERT_EQ(ks.bodies.size(), 3U);
  const auto& user = ks.bodies[0]["auth"]["identity"]["password"]["user"];
  EXPECT_EQ(user["name"], "kiln");
  EXPECT_EQ(user["domain"]["name"], "Default");
  EXPECT_EQ(ks.bodies[0]["auth"]["scope"]["project"]["name"], "service");
}

TEST(KeystoneSession, AWrongPasswordNamesKeystonesRefusalWithoutTheSecret) {
  FakeKeystone ks;
  ks.server.listen();
  KeystoneSession session(password_auth(ks.server.url(), "wrong-secret-71"), "",
                          std::chrono::seconds(5));
  auto t = session.token();
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "KILN-IRONIC-UNAUTHORIZED");
  EXPECT_NE(t.error().message.find("Keystone refused POST"), std::string::npos)
      << t.error().message;
  EXPECT_NE(t.error().message.find("HTTP 401"), std::string::npos);
  EXPECT_EQ(t.error().message.find("wrong-secret-71"), std::string::npos);
}

TEST(KeystoneSession, AnApplicationCredentialAndIronicFromTheCatalog) {
  FakeKeystone ks;
  std::vector<std::string> tokens;  // X-Auth-Token of each Ironic request
  test_support::LoopbackHttpServer ironic([&](const test_support::HttpRequest& r) {
    tokens.push_back(r.header("X-Auth-Token"));
    // The first token is refused (revoked in Keystone): the client asks for another once.
    if (tokens.back() == "tok-1") {
      return std::pair{401, std::string(R"({"error": {"message": "token revoked"}})")};
    }
    return std::pair{200, std::string(R"({"uuid": "n1", "provision_state": "manageable"})")};
  });
  ks.ironic_url = ironic.url();
  ks.server.listen();
  ironic.listen();
  IronicSettings settings;  // no url: Ironic's public endpoint in region R1 from the catalog
  settings.auth.type = "keystone";
  settings.auth.auth_url = ks.server.url() + "/v3";
  settings.auth.application_credential_id = "ac-1";
  settings.auth.application_credential_secret = "s3cret";
  settings.auth.region = "R1";
  IronicClient client(settings, std::chrono::seconds(5));
  auto node = client.get_node("n1");
  ASSERT_TRUE(node) << node.error().message;
  EXPECT_EQ((*node)["provision_state"], "manageable");
  EXPECT_EQ(tokens, (std::vector<std::string>{"tok-1", "tok-2"}));
  std::lock_guard lock(ks.mu);
  EXPECT_EQ(ks.bodies[0]["auth"]["identity"]["methods"][0], "application_credential");
  EXPECT_EQ(ks.bodies[0]["auth"]["identity"]["application_credential"]["secret"], "s3cret");
}

}  // namespace
}  // namespace kiln::orchestrator
