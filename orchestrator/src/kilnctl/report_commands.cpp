#include "kilnctl/report_commands.hpp"

#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "kiln/http_client.hpp"
#include "kiln/json_input.hpp"
#include "report/report_signing.hpp"

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kMaxReply = 256U * 1024U * 1024U;

// The trusted key of --public-key or --orchestrator; nullopt without either;
// `failed` set (and why printed) when one was given but could not be had.
std::optional<signature::PublicKey> trusted_key(const CertificateVerifyOptions& o, bool& failed) {
  failed = false;
  if (!o.public_key.empty()) {
    auto key = signature::load_public_key(o.public_key);
    if (key) return *key;
    fmt::print(stderr, "kilnctl: error: {}\n", key.error().message);
  } else if (!o.orchestrator.empty()) {
    auto reply = http::call("GET", o.orchestrator + "/v1/certificate-key", {}, "",
                            kilnctl_call_options(o.ca_file));
    if (!reply || reply->status != 200) {
      fmt::print(stderr, "kilnctl: error: {}/v1/certificate-key: {}\n", o.orchestrator,
                 reply ? fmt::format("HTTP {}", reply->status) : reply.error().message);
    } else {
      auto body = parse_json(reply->body, "certificate key", kMaxReply);
      auto pem = body ? json_string(*body, "public_key_pem") : std::nullopt;
      if (pem) {
        if (auto key = signature::parse_public_key_pem(*pem, o.orchestrator); key) return *key;
      }
      fmt::print(stderr, "kilnctl: error: {} sent no usable public_key_pem\n", o.orchestrator);
    }
  } else {
    return std::nullopt;
  }
  failed = true;
  return std::nullopt;
}

}  // namespace

int delivery_report_get(const OrchestratorAccess& access, const ReportGetOptions& options) {
  if (options.tag.empty()) {
    fmt::print(stderr, "kilnctl: error: give the delivery TAG (kilnctl delivery report TAG)\n");
    return 2;
  }
  const char* suffix = options.format == "json" ? "" : options.format == "csv" ? ".csv" : ".html";
  http::Headers headers{{"Authorization", "Bearer " + access.token}};
  auto reply = http::call(
      "GET", fmt::format("{}/v1/deliveries/{}/report{}", access.url, options.tag, suffix), headers,
      "", kilnctl_call_options(access.ca_file));
  if (!reply) {
    fmt::print(stderr, "kilnctl: error: cannot reach the orchestrator: {}\n",
               reply.error().message);
    return 2;
  }
  if (reply->status >= 400) {
    auto parsed = parse_json(reply->body, "orchestrator reply", kMaxReply);
    const auto* e = parsed ? json_path(*parsed, {"error"}) : nullptr;
    fmt::print(stderr, "kilnctl: error: HTTP {}: {}\n", reply->status,
               e != nullptr ? json_string(*e, "message").value_or(e->dump()) : reply->body);
    return 1;
  }
  if (options.output.empty()) {
    fmt::print("{}", reply->body);
    return 0;
  }
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out << reply->body;
  out.flush();
  if (!out) {
    fmt::print(stderr, "kilnctl: error: cannot write {}\n", options.output);
    return 2;
  }
  fmt::print(stderr, "kilnctl: delivery report ({}) written to {}\n", options.format,
             options.output);
  return 0;
}

int delivery_report_verify(const std::string& format, const CertificateVerifyOptions& options) {
  bool failed = false;
  const auto trusted = trusted_key(options, failed);
  if (failed) return 2;
  std::ifstream in(options.file, std::ios::binary);
  ReportVerification check;
  check.trusted_key = trusted.has_value();
  if (!in) {
    check.reason = fmt::format("cannot read {}", options.file);
  } else {
    std::ostringstream text;
    text << in.rdbuf();
    check = verify_report_text(text.str(), trusted);
  }
  const char* result = check.exit_code == 0 ? "VALID" : check.exit_code == 1 ? "INVALID" : "ERROR";
  if (format == "json") {
    fmt::print("{}\n", nlohmann::json{{"file", options.file},
                                      {"valid", check.exit_code == 0},
                                      {"result", result},
                                      {"format", check.format},
                                      {"key_id", check.key_id},
                                      {"trusted_key", check.trusted_key},
                                      {"reason", check.reason}}
                           .dump(2));
  } else if (check.exit_code == 2) {
    fmt::print("ERROR: {}: {}\n", options.file, check.reason);
  } else {
    fmt::print("{}: {} ({} report): key {}: {}\n", result, options.file, check.format,
               check.key_id.empty() ? "-" : check.key_id, check.reason);
  }
  return check.exit_code;
}

}  // namespace kiln::orchestrator
