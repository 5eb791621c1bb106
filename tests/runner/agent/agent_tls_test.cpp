#include "agent/agent_tls.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "agent/http_server.hpp"
#include "kiln/http_client.hpp"

namespace kiln::runner::agent {
namespace {

using ::testing::HasSubstr;

const char* const kNode = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::unique_ptr<X509, X509Free> parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return std::unique_ptr<X509, X509Free>(x);
}

TEST(AgentCertificate, TheSameTokenAndNodeGiveTheSameCertificateByteForByte) {
  auto a = agent_certificate("127.0.0.1", "token-1", kNode);
  auto b = agent_certificate("127.0.0.1", "token-1", kNode);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(a->cert_pem, b->cert_pem) << "a reset node's agent must present what Ironic holds";
  EXPECT_EQ(a->key_pem, b->key_pem);
  EXPECT_THAT(a->cert_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_THAT(a->key_pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));

  auto other_token = agent_certificate("127.0.0.1", "token-2", kNode);
  auto other_node = agent_certificate("127.0.0.1", "token-1", "another-node");
  ASSERT_TRUE(other_token && other_node);
  EXPECT_NE(other_token->cert_pem, a->cert_pem);
  EXPECT_NE(other_token->key_pem, a->key_pem);
  EXPECT_NE(other_node->key_pem, a->key_pem);
}

TEST(AgentCertificate, NamesTheCallbackHostAndIsItsOwnTrustAnchor) {
  auto ip = agent_certificate("10.0.2.15", "t", kNode);
  auto v6 = agent_certificate("fd00::15", "t", kNode);
  auto dns = agent_certificate("node-7.rack3.example", "t", kNode);
  ASSERT_TRUE(ip && v6 && dns);
  auto x = parse(ip->cert_pem);
  ASSERT_TRUE(x);
  EXPECT_EQ(X509_check_ip_asc(x.get(), "10.0.2.15", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(x.get(), "10.0.2.16", 0), 0);
  EXPECT_EQ(X509_check_ca(x.get()), 1) << "Ironic uses it as the CA file";
  EXPECT_EQ(X509_verify(x.get(), X509_get0_pubkey(x.get())), 1) << "self-signed";
  EXPECT_EQ(X509_check_ip_asc(parse(v6->cert_pem).get(), "fd00::15", 0), 1);
  EXPECT_EQ(X509_check_host(parse(dns->cert_pem).get(), "node-7.rack3.example", 0, 0, nullptr), 1);
}

TEST(AgentCertificate, RefusesAHostItCannotNameAndAMissingToken) {
  auto bad = agent_certificate("no spaces/allowed", "t", kNode);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("'no spaces/allowed'"));
  EXPECT_THAT(bad.error().message, HasSubstr("neither an IP address nor a DNS name"));
  auto no_token = agent_certificate("127.0.0.1", "", kNode);
  ASSERT_FALSE(no_token);
  EXPECT_THAT(no_token.error().message, HasSubstr("no agent token"));
}

TEST(UrlHost, TakesTheHostOfAnyCallbackUrl) {
  EXPECT_EQ(url_host("https://10.0.2.15:9999"), "10.0.2.15");
  EXPECT_EQ(url_host("https://[fd00::15]:9999/v1"), "fd00::15");
  EXPECT_EQ(url_host("https://node.example/x"), "node.example");
  EXPECT_EQ(url_host("http://127.0.0.1"), "127.0.0.1");
}

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("kiln-agent-tls-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    auto started = HttpServer::start(
        "127.0.0.1", 0,
        [](const HttpRequest& r) {
          return HttpResponse{200, "{\"path\": \"" + r.path + "\"}"};
        },
        true);
    ASSERT_TRUE(started) << started.error().message;
    server = std::move(*started);
    base = "https://127.0.0.1:" + std::to_string(server->port());
  }
  void TearDown() override {
    if (server) server->stop();
    std::filesystem::remove_all(dir);
  }
  std::string write(const std::string& name, const std::string& text) {
    auto p = dir / name;
    std::ofstream(p) << text;
    return p.string();
  }
  Expected<http::Reply> get(const std::string& url, const std::string& ca) {
    http::CallOptions o;
    o.ca_file = ca;
    o.timeout = std::chrono::seconds(5);
    return http::call("GET", url, {}, "", o);
  }

  std::filesystem::path dir;
  std::unique_ptr<HttpServer> server;
  std::string base;
};

TEST_F(TlsServerTest, ServesHttpsVerifiedAgainstTheCertificateItSendsIronic) {
  auto cert = agent_certificate("127.0.0.1", "token", kNode);
  ASSERT_TRUE(cert);
  ASSERT_TRUE(server->set_certificate(cert->cert_pem, cert->key_pem));
  auto ok = get(base + "/v1/commands/", write("agent.crt", cert->cert_pem));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_THAT(ok->body, HasSubstr("/v1/commands/"));

  // Another node's certificate (what an impostor on this address would hold) does not verify.
  auto other = agent_certificate("127.0.0.1", "token", "another-node");
  ASSERT_TRUE(other);
  auto refused = get(base + "/", write("other.crt", other->cert_pem));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "KILN-TLS");

  // Plain http to the TLS port gets no HTTP answer.
  auto plain = get("http://127.0.0.1:" + std::to_string(server->port()) + "/", "");
  EXPECT_FALSE(plain && plain->status == 200);
}

TEST_F(TlsServerTest, ClosesConnectionsUntilItHasACertificate) {
  auto cert = agent_certificate("127.0.0.1", "token", kNode);
  ASSERT_TRUE(cert);
  auto early = get(base + "/", write("agent.crt", cert->cert_pem));
  EXPECT_FALSE(early) << "no certificate before the first lookup: nothing is served";
  ASSERT_TRUE(server->set_certificate(cert->cert_pem, cert->key_pem));
  auto later = get(base + "/", write("agent.crt", cert->cert_pem));
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->status, 200);
}

TEST_F(TlsServerTest, ARefusedKeyIsAnErrorNamingTls) {
  auto a = agent_certificate("127.0.0.1", "token", kNode);
  auto b = agent_certificate("127.0.0.1", "other", kNode);
  ASSERT_TRUE(a && b);
  auto set = server->set_certificate(a->cert_pem, b->key_pem);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, "KILN-AGENT-TLS");
}

// A tool a step started outlives the agent (killed -9, restarted by the
// image): no socket of the agent's may be inherited by it, or the port stays
// taken ("Address already in use") for as long as the tool runs.
TEST(HttpServer, ItsSocketsAreCloseOnExec) {
  auto server = HttpServer::start("127.0.0.1", 0, [](const HttpRequest&) {
    return HttpResponse{200, "{}"};
  });
  ASSERT_TRUE(server) << server.error().message;
  const int port = (*server)->port();
  // A connection, so the accepted socket exists too.
  http::CallOptions o;
  o.timeout = std::chrono::seconds(5);
  ASSERT_TRUE(http::call("GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, "", o));
  int found = 0;
  for (int fd = 0; fd < 4096; ++fd) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
    if (addr.sin_family != AF_INET || ntohs(addr.sin_port) != port) continue;
    ++found;
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0) << "fd " << fd << " is inherited by tools";
  }
  EXPECT_GE(found, 1) << "the listening socket was not found";
}

}  // namespace
}  // namespace kiln::runner::agent
