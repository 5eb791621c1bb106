// `kilnctl certificate verify`: is this file a signed kiln certificate whose
// signature holds, by the trusted key when one is given?
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "kiln/signature.hpp"

namespace kiln::orchestrator {

struct CertificateCheck {
  int exit_code = 2;   // 0 valid, 1 invalid (tampered, other key), 2 not a certificate / unreadable
  std::string source;  // the file name
  std::string key_id;  // the key that signed (from the document)
  std::string reason;  // why it is not valid, or what it is valid against
  bool trusted_key = false;  // checked against a trusted key (else only self-consistent)
};

CertificateCheck check_certificate_text(const std::string& text, const std::string& source,
                                        const std::optional<signature::PublicKey>& trusted);
CertificateCheck check_certificate_file(const std::string& path,
                                        const std::optional<signature::PublicKey>& trusted);

// "VALID: FILE: signed by key K (...)" / "INVALID: FILE: reason (key K)" / "ERROR: ...".
std::string describe(const CertificateCheck& check);
nlohmann::json to_json(const CertificateCheck& check);

}  // namespace kiln::orchestrator
