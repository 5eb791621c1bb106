// ironic.method, ironic.auth and ironic.ca_file: parsed, refused with the
// file and line, the password read from its file; the client sends HTTP Basic
// and names Ironic's 401. Against the real Ironic: integration.orchestrator_clean_*.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/orchestrator_config.hpp"
#include "ironic/clean_steps.hpp"
#include "ironic/ironic_client.hpp"
#include "support/loopback_http_server.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

const std::string kHead = "operator_token: 0123456789abcdef\n";

Expected<OrchestratorConfig> parse(const std::string& ironic) {
  return parse_orchestrator_config(kHead + "ironic:\n" + ironic, "o.yaml");
}

void expect_refused(const std::string& ironic, const std::string& words) {
  auto c = parse(ironic);
  ASSERT_FALSE(c) << ironic;
  EXPECT_NE(c.error().message.find(words), std::string::npos) << c.error().message;
}

TEST(IronicConfig, MethodIsDeployByDefaultCleanWhenAskedAnythingElseRefused) {
  auto d = parse("  url: http://i:6385\n");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->ironic.method, "deploy");
  EXPECT_EQ(d->ironic.auth.type, "none");
  auto c = parse("  url: http://i:6385\n  method: clean\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->ironic.method, "clean");
  expect_refused("  url: http://i:6385\n  method: cleaning\n",
                 "o.yaml:4: ironic.method 'cleaning' is not deploy");
  expect_refused("  url: http://i:6385\n  metod: clean\n", "o.yaml:4: unknown key 'metod'");
}

TEST(IronicConfig, AuthHttpBasicNeedsUserAndPasswordFile) {
  auto c = parse(
      "  url: https://i:6385\n  ca_file: /etc/kiln/ca.pem\n  auth:\n    type: http_basic\n"
      "    username: kiln\n    password_file: /etc/kiln/ironic-password\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->ironic.auth.type, "http_basic");
  EXPECT_EQ(c->ironic.auth.username, "kiln");
  EXPECT_EQ(c->ironic.auth.password_file, "/etc/kiln/ironic-password");
  EXPECT_EQ(c->ironic.auth.password, "");  // parse reads no files
  EXPECT_EQ(c->ironic.ca_file, "/etc/kiln/ca.pem");
  expect_refused("  url: http://i\n  auth: {type: http_basic, username: kiln}\n",
                 "http_basic needs username and password_file");
  expect_refused("  url: http://i\n  auth: {type: digest}\n",
                 "ironic.auth.type 'digest' is not none, http_basic or keystone");
  expect_refused("  url: http://i\n  auth: {type: http_basic, username: 'a:b', password_file: p}\n",
                 "must not contain ':'");
  expect_refused("  url: http://i\n  auth: {username: kiln}\n", "need type: http_basic");
  expect_refused("  url: http://i\n  auth: {type: http_basic, user: kiln}\n",
                 "unknown key 'user' in 'ironic.auth'");
  expect_refused("  url: http://i:6385\n  ca_file: /ca.pem\n", "is not https://");
}

TEST(IronicConfig, AuthKeystoneTakesAPasswordOrAnApplicationCredential) {
  auto p = parse(
      "  auth:\n    type: keystone\n    auth_url: https://ks:5000/v3\n    username: kiln\n"
      "    password_file: /etc/kiln/ks-pw\n    project_name: service\n    region: R1\n"
      "  ca_file: /etc/kiln/ca.pem\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->ironic.enabled());  // no url: Ironic's endpoint from the catalog
  EXPECT_EQ(p->ironic.auth.user_domain_name, "Default");
  EXPECT_EQ(p->ironic.auth.project_name, "service");
  EXPECT_EQ(p->ironic.auth.region, "R1");
  auto a = parse(
      "  url: http://i\n  auth: {type: keystone, auth_url: http://ks/v3, "
      "application_credential_id: ac1, application_credential_secret_file: /s}\n");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->ironic.auth.application_credential_id, "ac1");
  expect_refused("  url: http://i\n  auth: {type: keystone}\n",
                 "o.yaml:4: ironic.auth: keystone needs auth_url");
  expect_refused("  url: http://i\n  auth: {type: keystone, auth_url: http://ks/v3}\n",
                 "needs either username, password_file and project_name");
  expect_refused(
      "  url: http://i\n  auth: {type: keystone, auth_url: http://ks/v3, username: k, "
      "password_file: p}\n",
      "keystone with a password needs username, password_file and project_name");
  expect_refused(
      "  url: http://i\n  auth: {type: keystone, auth_url: http://ks/v3, username: k, "
      "password_file: p, project_name: s, application_credential_id: a}\n",
      "not both");
  expect_refused(
      "  url: http://i\n  auth: {type: http_basic, username: k, password_file: p, "
      "project_name: s}\n",
      "ironic.auth.project_name needs type: keystone");
}

TEST(IronicConfig, PasswordComesFromItsFileAndAMissingFileIsNamed) {
  auto dir = fresh_test_dir("ironic-auth-config");
  const auto password_file = (dir / "pw").string();
  const auto config_file = (dir / "o.yaml").string();
  std::ofstream(config_file) << kHead << "ironic:\n  url: http://127.0.0.1:9\n  auth:\n"
                             << "    type: http_basic\n    username: kiln\n    password_file: "
                             << password_file << "\n";
  auto missing = load_orchestrator_config(config_file);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("ironic.auth.password_file " + password_file),
            std::string::npos)
      << missing.error().message;
  std::ofstream(password_file) << "s3cret pass\n";
  auto loaded = load_orchestrator_config(config_file);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->ironic.auth.password, "s3cret pass");
}

TEST(IronicClientAuth, SendsHttpBasicAndNamesIronicsUnauthorized) {
  std::string authorization;
  test_support::LoopbackHttpServer ironic([&](const test_support::HttpRequest& r) {
    authorization = r.header("Authorization");
    if (authorization != "Basic a2lsbjpzM2NyZXQ=")  // kiln:s3cret
      return std::pair<int, std::string>{
          401, R"({"error": {"message": "Incorrect username or password", "code": 401}})"};
    return std::pair<int, std::string>{200, R"({"uuid": "n-1"})"};
  });
  ironic.listen();
  IronicSettings s;
  s.url = ironic.url();
  s.auth.type = "http_basic";
  s.auth.username = "kiln";
  s.auth.password = "s3cret";
  auto node = IronicClient(s).get_node("n-1");
  ASSERT_TRUE(node) << node.error().message;
  EXPECT_EQ(authorization, "Basic a2lsbjpzM2NyZXQ=");
  s.auth.password = "wrong";
  auto refused = IronicClient(s).get_node("n-1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "KILN-IRONIC-UNAUTHORIZED");
  EXPECT_NE(refused.error().message.find("HTTP 401 Unauthorized): Incorrect username or password"),
            std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("wrong"), std::string::npos);
  // With credentials the readiness probe reads a node: GET /v1 is public in Ironic.
  EXPECT_FALSE(IronicClient(s).reachable());
  s.auth = IronicAuth{};
  authorization = "unset";
  (void)IronicClient(s).get_node("n-1");
  EXPECT_EQ(authorization, "");  // none: no header at all
}

TEST(CleanSteps, AsksForKilnBurninWithTheOrchestratorsUrlAndToken) {
  auto steps = kiln_clean_steps("https://kiln:8480", "tok");
  ASSERT_EQ(steps.size(), 1U);
  EXPECT_EQ(steps[0]["interface"], "deploy");
  EXPECT_EQ(steps[0]["step"], "kiln_burnin");
  EXPECT_EQ(steps[0]["args"],
            (nlohmann::json{{"kiln_url", "https://kiln:8480"}, {"kiln_token", "tok"}}));
}

}  // namespace
}  // namespace kiln::orchestrator
