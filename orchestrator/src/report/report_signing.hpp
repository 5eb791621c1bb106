// Signing the delivery report in each of its formats with the orchestrator's
// Ed25519 key (the certificates' key, kiln/signature.hpp):
//   json  {"report": BODY, "signature": {...}}: the signature covers BODY's
//         canonical text (so re-indenting the file does not break it);
//   html  the page, then a last line `<!-- kiln-signature algorithm=Ed25519
//         key_id=K public_key=P value=V -->`;
//   csv   the rows, then a last line `# kiln-signature algorithm=… value=…`.
// For html and csv the signature covers every byte before its line: one
// changed character anywhere in the page or a row fails verification.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "kiln/expected.hpp"
#include "kiln/signature.hpp"

namespace kiln::orchestrator {

enum class ReportFormat { kJson, kHtml, kCsv };

// "json" | "html" | "csv" -> the format; nullopt otherwise.
std::optional<ReportFormat> report_format_named(const std::string& name);

// The signed JSON document.
Expected<nlohmann::json> sign_report_json(const nlohmann::json& body,
                                          const signature::SigningKey& key);
// `text` (an HTML page or CSV rows, ending with a newline) with its signature line.
Expected<std::string> sign_report_text(const std::string& text, ReportFormat format,
                                       const signature::SigningKey& key);

struct ReportVerification {
  int exit_code = 2;   // 0 valid, 1 invalid (changed, other key), 2 not a signed report
  std::string format;  // "json", "html", "csv" as detected
  std::string key_id;
  std::string reason;
  bool trusted_key = false;
};

// Detects the format from the content and checks its signature.
ReportVerification verify_report_text(const std::string& content,
                                      const std::optional<signature::PublicKey>& trusted);

}  // namespace kiln::orchestrator
