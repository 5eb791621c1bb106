// The orchestrator config keys a packaged service uses: operator_token_file
// (the token generated at install, outside the conffile) and log_level.
#include <gtest/gtest.h>

#include <fstream>

#include "config/orchestrator_config.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

TEST(ServiceConfig, TheTokenIsReadFromOperatorTokenFile) {
  auto dir = fresh_test_dir("kiln-service-config");
  std::ofstream(dir / "token") << "generated-token-0123456789abcdef\n";
  std::ofstream(dir / "o.yaml") << "operator_token_file: " << (dir / "token").string()
                                << "\nlog_level: warning\n";
  auto c = load_orchestrator_config((dir / "o.yaml").string());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->operator_token, "generated-token-0123456789abcdef");
  EXPECT_EQ(c->log_level, "warning");
}

TEST(ServiceConfig, AnUnreadableOrShortTokenFileIsAnErrorNamingIt) {
  auto dir = fresh_test_dir("kiln-service-config");
  std::ofstream(dir / "o.yaml") << "operator_token_file: " << (dir / "missing").string() << "\n";
  auto c = load_orchestrator_config((dir / "o.yaml").string());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find((dir / "missing").string()), std::string::npos);
  std::ofstream(dir / "missing") << "short\n";
  c = load_orchestrator_config((dir / "o.yaml").string());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("16 characters"), std::string::npos) << c.error().message;
}

TEST(ServiceConfig, TokenAndTokenFileTogetherAreRefused) {
  auto c = parse_orchestrator_config(
      "operator_token: operator-token-0123456789\noperator_token_file: /etc/kiln/operator-token\n",
      "o.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("both set"), std::string::npos) << c.error().message;
}

TEST(ServiceConfig, AnUnknownLogLevelNamesItsLine) {
  auto c = parse_orchestrator_config("operator_token: operator-token-0123456789\nlog_level: loud\n",
                                     "o.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("o.yaml:2: log_level 'loud'"), std::string::npos)
      << c.error().message;
}

}  // namespace
}  // namespace kiln::orchestrator
