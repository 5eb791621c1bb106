#include "agent/agent_tls.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <memory>

namespace kiln::runner::agent {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

// Validity fixed, so that the certificate depends on the token and node only.
constexpr const char* kNotBefore = "20200101000000Z";
constexpr const char* kNotAfter = "20491231235959Z";

std::array<unsigned char, 32> derive(const std::string& token, const std::string& node_uuid,
                                     const std::string& purpose) {
  std::array<unsigned char, 32> out{};
  const std::string info = fmt::format("kiln agent TLS {}\n{}", purpose, node_uuid);
  unsigned int len = out.size();
  HMAC(EVP_sha256(), token.data(), static_cast<int>(token.size()),
       reinterpret_cast<const unsigned char*>(info.data()), info.size(), out.data(), &len);
  return out;
}

bool is_ip(const std::string& host) {
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET, host.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buf.data()) == 1;
}

bool is_dns_name(const std::string& host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
  return host.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
         std::string::npos;
}

bool add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

std::string url_host(const std::string& url) {
  auto start = url.find("://");
  std::string rest = start == std::string::npos ? url : url.substr(start + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    return close == std::string::npos ? rest.substr(1) : rest.substr(1, close - 1);
  }
  return rest.substr(0, rest.find(':'));
}

Expected<AgentCertificate> agent_certificate(const std::string& host, const std::string& token,
                                             const std::string& node_uuid) {
  auto failed = [&](const std::string& what) {
    return make_error(
        "KILN-AGENT-TLS",
        fmt::format("cannot make the agent's TLS certificate for '{}': {}", host, what));
  };
  std::string san;
  if (is_ip(host)) {
    san = "IP:" + host;
  } else if (is_dns_name(host)) {
    san = "DNS:" + host;
  } else {
    return failed("the callback URL's host is neither an IP address nor a DNS name");
  }
  if (token.empty()) return failed("no agent token to derive the key from");

  const auto seed = derive(token, node_uuid, "key");
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!key) return failed("Ed25519 key");
  Cert cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return failed("X509_new");

  auto serial_bytes = derive(token, node_uuid, "serial");
  serial_bytes[0] &= 0x7f;  // a positive serial number, 16 bytes
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> bn(BN_bin2bn(serial_bytes.data(), 16, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr)
    return failed("serial number");
  if (ASN1_TIME_set_string_X509(X509_getm_notBefore(cert.get()), kNotBefore) != 1 ||
      ASN1_TIME_set_string_X509(X509_getm_notAfter(cert.get()), kNotAfter) != 1)
    return failed("validity");

  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = "kiln-agent " + node_uuid.substr(0, 40);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1)
    return failed("subject name");
  if (X509_set_pubkey(cert.get(), key.get()) != 1) return failed("public key");
  if (!add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") ||
      !add_extension(cert.get(), NID_subject_key_identifier, "hash") ||
      !add_extension(cert.get(), NID_subject_alt_name, san))
    return failed("extensions (subjectAltName " + san + ")");
  if (X509_sign(cert.get(), key.get(), nullptr) <= 0) return failed("signature");

  Bio cert_bio(BIO_new(BIO_s_mem()));
  Bio key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1)
    return failed("PEM");
  return AgentCertificate{bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

}  // namespace kiln::runner::agent
