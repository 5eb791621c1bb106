// The orchestrator config's decommission keys, and the example config parses.
#include <gtest/gtest.h>

#include "config/orchestrator_config.hpp"
#include "kiln_test_paths.hpp"

namespace kiln::orchestrator {
namespace {

TEST(DecommissionConfigTest, CertificateKeyAndDeleteNodeAreRead) {
  auto c = parse_orchestrator_config(
      "operator_token: 0123456789abcdef0123\ncertificate_key: /tmp/k.pem\n"
      "decommission:\n  delete_node: true\n  certificate_wait_s: 42\n",
      "o.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->certificate_key, "/tmp/k.pem");
  EXPECT_TRUE(c->ironic.decommission_delete_node);
  EXPECT_EQ(c->ironic.decommission_certificate_wait, std::chrono::seconds(42));
  auto defaults = parse_orchestrator_config("operator_token: 0123456789abcdef0123\n", "o.yaml");
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults->certificate_key.empty());
  EXPECT_FALSE(defaults->ironic.decommission_delete_node);
}

TEST(DecommissionConfigTest, UnknownDecommissionKeyNamesFileAndLine) {
  auto c = parse_orchestrator_config(
      "operator_token: 0123456789abcdef0123\ndecommission:\n  delete_nodes: true\n", "o.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("o.yaml:3: unknown key 'delete_nodes'"), std::string::npos)
      << c.error().message;
}

TEST(DecommissionConfigTest, ExampleConfigParses) {
  auto c = load_orchestrator_config(KILN_SOURCE_DIR "/configs/orchestrator.example.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->certificate_key, "/var/lib/kiln/certificate-key.pem");
  EXPECT_FALSE(c->ironic.decommission_delete_node);
}

}  // namespace
}  // namespace kiln::orchestrator
