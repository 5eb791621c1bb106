#include "certificate/certificate_check.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "kiln/json_input.hpp"

namespace kiln::orchestrator {

namespace {
constexpr std::size_t kMaxCertificateBytes = 64U * 1024U * 1024U;
}

CertificateCheck check_certificate_text(const std::string& text, const std::string& source,
                                        const std::optional<signature::PublicKey>& trusted) {
  CertificateCheck check;
  check.source = source;
  check.trusted_key = trusted.has_value();
  auto document = parse_json(text, source, kMaxCertificateBytes);
  if (!document) {
    check.reason = document.error().message;
    return check;
  }
  auto verified = signature::verify_document(*document, trusted);
  if (!verified) {
    check.reason = verified.error().message;
    return check;
  }
  check.key_id = verified->key_id;
  if (!verified->valid) {
    check.exit_code = 1;
    check.reason = verified->reason;
    return check;
  }
  check.exit_code = 0;
  check.reason = trusted ? "signed by the trusted key"
                         : "the signature matches the key embedded in the document; give "
                           "--public-key or --orchestrator to check that key is the orchestrator's";
  return check;
}

CertificateCheck check_certificate_file(const std::string& path,
                                        const std::optional<signature::PublicKey>& trusted) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    CertificateCheck check;
    check.source = path;
    check.reason = fmt::format("cannot read {}", path);
    return check;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return check_certificate_text(text.str(), path, trusted);
}

std::string describe(const CertificateCheck& check) {
  if (check.exit_code == 0)
    return fmt::format("VALID: {}: key {}: {}\n", check.source, check.key_id, check.reason);
  if (check.exit_code == 1) {
    return fmt::format("INVALID: {}: {} (key {})\n", check.source, check.reason,
                       check.key_id.empty() ? "-" : check.key_id);
  }
  return fmt::format("ERROR: {}: {}\n", check.source, check.reason);
}

nlohmann::json to_json(const CertificateCheck& check) {
  return {{"file", check.source},
          {"valid", check.exit_code == 0},
          {"result", check.exit_code == 0   ? "VALID"
                     : check.exit_code == 1 ? "INVALID"
                                            : "ERROR"},
          {"key_id", check.key_id},
          {"trusted_key", check.trusted_key},
          {"reason", check.reason}};
}

}  // namespace kiln::orchestrator
