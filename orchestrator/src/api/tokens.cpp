#include "api/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "kiln/config.hpp"

namespace kiln::orchestrator {
namespace {

std::string random_hex(std::size_t bytes) {
  std::array<unsigned char, 64> buf{};
  if (bytes > buf.size() || RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");  // no entropy: nothing safe to do
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    out += kHex[buf[i] >> 4U];
    out += kHex[buf[i] & 0xFU];
  }
  return out;
}

}  // namespace

std::string random_token() {
  return random_hex(32);
}
std::string random_run_id() {
  return "run-" + random_hex(8);
}
std::string token_hash(std::string_view token) {
  return sha256_hex(token);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> bearer_token(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto token = authorization.substr(kPrefix.size());
  if (token.empty() || token.size() > 256) return std::nullopt;
  return std::string(token);
}

}  // namespace kiln::orchestrator
