#include "report/report_signing.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"
#include "kiln/text.hpp"

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kMaxReportBytes = 64U * 1024U * 1024U;
constexpr std::string_view kHtmlMarker = "<!-- kiln-signature ";
constexpr std::string_view kCsvMarker = "# kiln-signature ";

std::string signature_fields(const nlohmann::json& sig) {
  return fmt::format(
      "algorithm={} key_id={} public_key={} value={}", json_string(sig, "algorithm").value_or(""),
      json_string(sig, "key_id").value_or(""), json_string(sig, "public_key").value_or(""),
      json_string(sig, "value").value_or(""));
}

// "algorithm=Ed25519 key_id=K public_key=P value=V" -> the signature object.
nlohmann::json parse_fields(std::string_view text) {
  nlohmann::json sig = nlohmann::json::object();
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t end = std::min(text.find(' ', i), text.size());
    const std::string_view field = text.substr(i, end - i);
    if (auto eq = field.find('='); eq != std::string_view::npos && eq > 0)
      sig[std::string(field.substr(0, eq))] = std::string(field.substr(eq + 1));
    i = end;
  }
  return sig;
}

void apply(ReportVerification& out, const Expected<signature::Verification>& v,
           const std::optional<signature::PublicKey>& trusted) {
  if (!v) {
    out.reason = v.error().message;
    return;
  }
  out.key_id = v->key_id;
  if (!v->valid) {
    out.exit_code = 1;
    out.reason = v->reason;
    return;
  }
  out.exit_code = 0;
  out.reason = trusted ? "signed by the trusted key"
                       : "the signature matches the key embedded in the document; give "
                         "--public-key or --orchestrator to check that key is the orchestrator's";
}

}  // namespace

std::optional<ReportFormat> report_format_named(const std::string& name) {
  if (name == "json") return ReportFormat::kJson;
  if (name == "html") return ReportFormat::kHtml;
  if (name == "csv") return ReportFormat::kCsv;
  return std::nullopt;
}

Expected<nlohmann::json> sign_report_json(const nlohmann::json& body,
                                          const signature::SigningKey& key) {
  return signature::sign_document(body, key, "report");
}

Expected<std::string> sign_report_text(const std::string& text, ReportFormat format,
                                       const signature::SigningKey& key) {
  std::string signed_part = text;
  if (signed_part.empty() || signed_part.back() != '\n') signed_part += '\n';
  auto sig = signature::sign_text(signed_part, key);
  if (!sig) return sig.error();
  if (format == ReportFormat::kHtml) {
    return fmt::format("{}{}{} -->\n", signed_part, kHtmlMarker, signature_fields(*sig));
  }
  return fmt::format("{}{}{}\n", signed_part, kCsvMarker, signature_fields(*sig));
}

ReportVerification verify_report_text(const std::string& content,
                                      const std::optional<signature::PublicKey>& trusted) {
  ReportVerification out;
  out.trusted_key = trusted.has_value();
  const std::string_view trimmed = trim(content);
  if (trimmed.starts_with("{")) {
    out.format = "json";
    auto document = parse_json(content, "delivery report", kMaxReportBytes);
    if (!document) {
      out.reason = document.error().message;
      return out;
    }
    apply(out, signature::verify_document(*document, trusted, "report"), trusted);
    return out;
  }
  // The signature line is the last line; what it signs is everything before it.
  std::size_t at = std::string::npos;
  std::string_view marker;
  for (auto m : {kHtmlMarker, kCsvMarker}) {
    const std::string needle = "\n" + std::string(m);
    if (auto pos = content.rfind(needle);
        pos != std::string::npos && (at == std::string::npos || pos > at)) {
      at = pos;
      marker = m;
    }
  }
  if (at == std::string::npos) {
    out.reason =
        "not a signed kiln delivery report: no `kiln-signature` line at its end (a JSON "
        "report starts with '{')";
    return out;
  }
  out.format = marker == kHtmlMarker ? "html" : "csv";
  const std::string signed_part = content.substr(0, at + 1);
  std::string_view rest = std::string_view(content).substr(at + 1 + marker.size());
  const std::size_t eol = std::min(rest.find('\n'), rest.size());
  std::string_view line = trim(rest.substr(0, eol));
  if (!trim(rest.substr(eol)).empty()) {
    out.exit_code = 1;
    out.reason = "there is text after the signature line: it was added after signing";
    return out;
  }
  if (marker == kHtmlMarker) {
    if (!line.ends_with("-->")) {
      out.reason = "the kiln-signature comment is not closed";
      return out;
    }
    line = trim(line.substr(0, line.size() - 3));
  }
  apply(out, signature::verify_text(signed_part, parse_fields(line), trusted), trusted);
  return out;
}

}  // namespace kiln::orchestrator
