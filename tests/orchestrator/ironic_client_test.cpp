#include "ironic/ironic_client.hpp"

#include <gtest/gtest.h>

#include "config/orchestrator_config.hpp"

namespace kiln::orchestrator {
namespace {

TEST(IronicErrorMessage, UnwrapsTheJsonInsideErrorMessage) {
  // What Ironic 21.4 answers to a PATCH of an unknown field (HTTP 400).
  std::string body =
      R"({"error_message": "{\"faultstring\": \"Couldn't apply patch '[{'op': 'add', 'path': '/nope'}]'. Reason: can't replace outside of list\", \"faultcode\": \"Client\", \"debuginfo\": null}"})";
  EXPECT_EQ(ironic_error_message(body),
            "Couldn't apply patch '[{'op': 'add', 'path': '/nope'}]'. Reason: can't replace "
            "outside of list");
  EXPECT_EQ(ironic_error_message(R"({"error_message": "plain text"})"), "plain text");
  EXPECT_EQ(ironic_error_message("<html>bad gateway</html>"), "<html>bad gateway</html>");
}

TEST(OrchestratorConfig, ParsesAndRefusesUnknownKeys) {
  auto c = parse_orchestrator_config(
      "port: 0\noperator_token: 0123456789abcdef\nironic:\n  url: http://127.0.0.1:6385\n  "
      "deploy_interface: fake\n",
      "o.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->port, 0);
  EXPECT_EQ(c->ironic.deploy_interface, "fake");
  auto bad = parse_orchestrator_config("operator_token: 0123456789abcdef\nprot: 1\n", "o.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("o.yaml:2: unknown key 'prot'"), std::string::npos);
  EXPECT_FALSE(parse_orchestrator_config("port: 1\n", "o.yaml"));  // no operator token
}

}  // namespace
}  // namespace kiln::orchestrator
