// `kilnctl certificate verify`: a file that claims to be a signed certificate,
// checked against a trusted key and on its own; then its body re-signed with
// that key, so the fuzzer reaches the checks behind the signature.
#include "certificate/certificate_check.hpp"
#include "fuzz_check.hpp"
#include "fuzz_target.hpp"
#include "kiln/json_input.hpp"
#include "kiln/signature.hpp"

namespace kiln::fuzz {
namespace {

// A fixed key (seed bytes 1..32), so the committed seeds stay valid.
const signature::SigningKey& fuzz_key() {
  static const signature::SigningKey key = [] {
    signature::SigningKey k;
    for (std::size_t i = 0; i < k.seed.size(); ++i) k.seed[i] = static_cast<std::uint8_t>(i + 1);
    auto pem = signature::private_key_pem(k);
    auto parsed = signature::parse_private_key_pem(pem, "fuzz key");
    require(parsed.ok(), "the fuzz key parses");
    return *parsed;
  }();
  return key;
}

void verify(const std::string& text) {
  for (const auto& trusted : {std::optional<signature::PublicKey>(fuzz_key().public_key),
                              std::optional<signature::PublicKey>()}) {
    auto checked = orchestrator::check_certificate_text(text, "fuzz.json", trusted);
    require(checked.exit_code >= 0 && checked.exit_code <= 2, "exit code 0, 1 or 2");
    require(checked.exit_code == 0 || !checked.reason.empty(), "a refusal says why");
    (void)orchestrator::describe(checked);
    (void)orchestrator::to_json(checked).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace);
  }
}

void certificate(std::string_view input) {
  std::string text(input);
  verify(text);
  auto document = parse_json(text, "fuzz certificate", 1U << 20U);
  if (!document || !document->is_object()) return;
  auto body = document->find("certificate");
  if (body == document->end()) return;
  auto signed_document = signature::sign_document(*body, fuzz_key());
  check(signed_document);
  if (!signed_document) return;
  auto resigned = signed_document->dump();
  verify(resigned);
  auto checked = orchestrator::check_certificate_text(resigned, "fuzz.json", fuzz_key().public_key);
  require(checked.exit_code == 0, "a body signed with the trusted key verifies");
}

KILN_FUZZ_TARGET("certificate", certificate);

}  // namespace
}  // namespace kiln::fuzz
