// The orchestrator's TLS settings: `tls.cert` / `tls.key` in the config, and
// the server refusing to start on a half or unreadable TLS setup (the real
// handshake is tested by integration.orchestrator_tls).
#include <gtest/gtest.h>

#include "api/api_service.hpp"
#include "config/orchestrator_config.hpp"
#include "server/http_server.hpp"
#include "store/run_store.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kBase = "operator_token: operator-token-0123456789\nport: 0\n";

TEST(TlsConfigTest, CertAndKeyAreRead) {
  auto c = parse_orchestrator_config(std::string(kBase) + "tls:\n  cert: /etc/c.pem\n  key: /etc/k.pem\n",
                                     "o.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->tls_cert, "/etc/c.pem");
  EXPECT_EQ(c->tls_key, "/etc/k.pem");
}

TEST(TlsConfigTest, AnUnknownTlsKeyIsAnError) {
  auto c = parse_orchestrator_config(std::string(kBase) + "tls:\n  certificate: /etc/c.pem\n", "o.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("certificate"), std::string::npos) << c.error().message;
}

TEST(TlsConfigTest, TheServerRefusesHalfOrUnreadableTls) {
  auto store = open_run_store(sqlite_url(fresh_test_dir("kiln-tls-config")));
  ASSERT_TRUE(store) << store.error().message;
  OrchestratorConfig config;
  config.operator_token = "operator-token-0123456789";
  config.listen = "127.0.0.1";
  config.port = 0;
  ApiService service(**store, config);
  config.tls_cert = "/nonexistent/cert.pem";
  {
    HttpServer half(service, config);
    auto bound = half.bind();
    ASSERT_FALSE(bound);
    EXPECT_NE(bound.error().message.find("both tls.cert and tls.key"), std::string::npos);
  }
  config.tls_key = "/nonexistent/key.pem";
  HttpServer unreadable(service, config);
  auto bound = unreadable.bind();
  ASSERT_FALSE(bound);
  EXPECT_NE(bound.error().message.find("/nonexistent/cert.pem"), std::string::npos)
      << bound.error().message;
}

}  // namespace
}  // namespace kiln::orchestrator
