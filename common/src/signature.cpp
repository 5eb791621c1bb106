#include "kiln/signature.hpp"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "kiln/config.hpp"

namespace kiln::signature {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

constexpr const char* kAlgorithm = "Ed25519";

Pkey private_pkey(const SigningKey& key) {
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, key.seed.data(), key.seed.size()));
}

Pkey public_pkey(const PublicKey& key) {
  return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
}

Expected<SigningKey> from_pkey(EVP_PKEY* pkey, const std::string& source) {
  if (pkey == nullptr || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    return make_error("KILN-KEY", fmt::format("{}: not an Ed25519 private key", source),
                      "Create one with: openssl genpkey -algorithm ed25519 -out FILE");
  }
  SigningKey key;
  std::size_t seed_len = key.seed.size();
  std::size_t pub_len = key.public_key.size();
  if (EVP_PKEY_get_raw_private_key(pkey, key.seed.data(), &seed_len) != 1 ||
      EVP_PKEY_get_raw_public_key(pkey, key.public_key.data(), &pub_len) != 1 || seed_len != 32 ||
      pub_len != 32) {
    return make_error("KILN-KEY", fmt::format("{}: cannot read the Ed25519 key", source));
  }
  return key;
}

std::string pem_of(EVP_PKEY* pkey, bool private_part) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || pkey == nullptr) return {};
  const int rc = private_part ? PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr)
                              : PEM_write_bio_PUBKEY(bio.get(), pkey);
  if (rc != 1) return {};
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string base64(const std::uint8_t* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::vector<std::uint8_t>> unbase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<std::uint8_t> out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

Expected<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error("KILN-KEY", fmt::format("cannot read key file {}: {}", path, std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string* string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

}  // namespace

Expected<SigningKey> generate_key() {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return make_error("KILN-KEY", "cannot generate an Ed25519 key (OpenSSL)");
  }
  Pkey pkey(raw);
  return from_pkey(pkey.get(), "generated key");
}

Expected<SigningKey> parse_private_key_pem(const std::string& pem, const std::string& source) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  return from_pkey(pkey.get(), source);
}

Expected<PublicKey> parse_public_key_pem(const std::string& pem, const std::string& source) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey pkey(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!pkey) {
    // A private key file holds the public key too.
    auto key = parse_private_key_pem(pem, source);
    if (!key) {
      return make_error("KILN-KEY", fmt::format("{}: neither an Ed25519 public nor private key (PEM)", source),
                        "Export the public key with: openssl pkey -in PRIVATE -pubout");
    }
    return key->public_key;
  }
  PublicKey out{};
  std::size_t len = out.size();
  if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519 ||
      EVP_PKEY_get_raw_public_key(pkey.get(), out.data(), &len) != 1 || len != out.size()) {
    return make_error("KILN-KEY", fmt::format("{}: not an Ed25519 public key", source));
  }
  return out;
}

std::string private_key_pem(const SigningKey& key) { return pem_of(private_pkey(key).get(), true); }

std::string public_key_pem(const PublicKey& key) { return pem_of(public_pkey(key).get(), false); }

Expected<SigningKey> load_or_create_key(const std::string& path, bool create_if_missing) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT && create_if_missing) {
    auto key = generate_key();
    if (!key) return key.error();
    const std::string pem = private_key_pem(*key);
    const mode_t old_mask = ::umask(077);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << pem;
    out.flush();
    ::umask(old_mask);
    if (!out) {
      return make_error("KILN-KEY", fmt::format("cannot write a new signing key to {}: {}", path,
                                                std::strerror(errno)));
    }
    return key;
  }
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_private_key_pem(*text, path);
}

Expected<PublicKey> load_public_key(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_public_key_pem(*text, path);
}

std::string key_id(const PublicKey& key) {
  return sha256_hex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())).substr(0, 16);
}

std::string canonical_text(const nlohmann::json& body) { return body.dump(); }

Expected<nlohmann::json> sign_text(std::string_view text, const SigningKey& key) {
  Pkey pkey = private_pkey(key);
  MdCtx ctx(EVP_MD_CTX_new());
  std::array<std::uint8_t, 64> sig{};
  std::size_t sig_len = sig.size();
  if (!pkey || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &sig_len, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size()) != 1) {
    return make_error("KILN-SIGN", "cannot sign the document (OpenSSL Ed25519)");
  }
  return nlohmann::json{{"algorithm", kAlgorithm},
                        {"key_id", key_id(key.public_key)},
                        {"public_key", base64(key.public_key.data(), key.public_key.size())},
                        {"value", base64(sig.data(), sig_len)}};
}

Expected<nlohmann::json> sign_document(const nlohmann::json& body, const SigningKey& key,
                                       const std::string& member) {
  auto sig = sign_text(canonical_text(body), key);
  if (!sig) return sig.error();
  return nlohmann::json{{member, body}, {"signature", std::move(*sig)}};
}

Expected<Verification> verify_text(std::string_view text, const nlohmann::json& sig,
                                   const std::optional<PublicKey>& trusted) {
  const std::string* algorithm = string_at(sig, "algorithm");
  const std::string* public_text = string_at(sig, "public_key");
  const std::string* value_text = string_at(sig, "value");
  if (algorithm == nullptr || public_text == nullptr || value_text == nullptr) {
    return make_error("KILN-SIGNATURE", "signature: 'algorithm', 'public_key' and 'value' must be strings");
  }
  Verification result;
  if (*algorithm != kAlgorithm) {
    result.reason = fmt::format("signature algorithm '{}' is not {}", *algorithm, kAlgorithm);
    return result;
  }
  auto raw_public = unbase64(*public_text);
  auto raw_sig = unbase64(*value_text);
  if (!raw_public || raw_public->size() != 32 || !raw_sig || raw_sig->size() != 64) {
    result.reason = "the signature's public key or value is not valid base64 of the right length";
    return result;
  }
  PublicKey signer{};
  std::copy(raw_public->begin(), raw_public->end(), signer.begin());
  result.key_id = key_id(signer);
  if (trusted && *trusted != signer) {
    result.reason = fmt::format("signed by key {}, not by the trusted key {}", result.key_id, key_id(*trusted));
    return result;
  }
  Pkey pkey = public_pkey(signer);
  MdCtx ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
    return make_error("KILN-SIGNATURE", "cannot set up Ed25519 verification (OpenSSL)");
  }
  if (EVP_DigestVerify(ctx.get(), raw_sig->data(), raw_sig->size(),
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1) {
    result.reason = "the signature does not match the document: it was changed after signing";
    return result;
  }
  result.valid = true;
  return result;
}

Expected<Verification> verify_document(const nlohmann::json& document,
                                       const std::optional<PublicKey>& trusted,
                                       const std::string& member) {
  if (!document.is_object() || !document.contains(member) || !document.contains("signature")) {
    return make_error("KILN-SIGNATURE",
                      fmt::format("not a signed document: '{}' and 'signature' are expected", member),
                      member == "certificate"
                          ? "Pass the signed certificate JSON that kiln wrote (certificate.json)"
                          : "Pass the signed JSON that kiln-orchestrator wrote");
  }
  auto verified = verify_text(canonical_text(document[member]), document["signature"], trusted);
  if (verified && !verified->valid && member == "certificate" &&
      verified->reason.find("changed after signing") != std::string::npos) {
    verified->reason = "the signature does not match the certificate: it was changed after signing";
  }
  return verified;
}

}  // namespace kiln::signature
