// Ed25519 signatures over JSON documents (decommission certificates): a
// signed document is {"certificate": BODY, "signature": {...}} where the
// signature covers the canonical text of BODY (compact, keys sorted), so any
// change to the body, the key or the signature is detected. OpenSSL does the
// cryptography; nothing of it leaks into this header.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kiln/expected.hpp"

namespace kiln::signature {

using PublicKey = std::array<std::uint8_t, 32>;

struct SigningKey {
  std::array<std::uint8_t, 32> seed{};  // the Ed25519 private key (RFC 8032 seed)
  PublicKey public_key{};
};

// A fresh key from the system's random source.
Expected<SigningKey> generate_key();

// PEM (PKCS#8 "PRIVATE KEY" / SubjectPublicKeyInfo "PUBLIC KEY"), as
// `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write them.
// `source` names the file in error messages.
Expected<SigningKey> parse_private_key_pem(const std::string& pem, const std::string& source);
Expected<PublicKey> parse_public_key_pem(const std::string& pem, const std::string& source);
std::string private_key_pem(const SigningKey& key);
std::string public_key_pem(const PublicKey& key);

// Reads a private key file; with create_if_missing a new key is written there
// (mode 0600) when the file does not exist.
Expected<SigningKey> load_or_create_key(const std::string& path, bool create_if_missing);
Expected<PublicKey> load_public_key(const std::string& path);  // public or private PEM

// First 16 hex digits of SHA-256 over the raw public key: how a key is named.
std::string key_id(const PublicKey& key);

// The exact text a signature covers.
std::string canonical_text(const nlohmann::json& body);

// {MEMBER: body, "signature": {"algorithm": "Ed25519", "key_id",
// "public_key" (base64 of the raw 32 bytes), "value" (base64)}}; MEMBER is
// "certificate" for decommission certificates, "report" for delivery reports.
Expected<nlohmann::json> sign_document(const nlohmann::json& body, const SigningKey& key,
                                       const std::string& member = "certificate");

// The signature block ({"algorithm", "key_id", "public_key", "value"}) over
// the exact bytes of `text` (a rendered HTML or CSV document).
Expected<nlohmann::json> sign_text(std::string_view text, const SigningKey& key);

struct Verification {
  bool valid = false;
  std::string key_id;  // the key that signed (from the document)
  std::string reason;  // why it is not valid; empty when valid
};

// Checks the document's signature. With `trusted`, a document signed by any
// other key is not valid either (a forger can embed his own key).
// An Error means the document is not a signed document at all.
Expected<Verification> verify_document(const nlohmann::json& document,
                                       const std::optional<PublicKey>& trusted,
                                       const std::string& member = "certificate");

// Checks a signature block made by sign_text against `text`.
Expected<Verification> verify_text(std::string_view text, const nlohmann::json& signature,
                                   const std::optional<PublicKey>& trusted);

}  // namespace kiln::signature
