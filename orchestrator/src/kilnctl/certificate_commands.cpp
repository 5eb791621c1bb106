#include "kilnctl/certificate_commands.hpp"

#include <fmt/format.h>

#include <fstream>
#include <optional>

#include "certificate/certificate_check.hpp"
#include "kiln/certificate_html.hpp"
#include "kiln/http_client.hpp"
#include "kiln/json_input.hpp"

namespace kiln::orchestrator {

http::CallOptions kilnctl_call_options(const std::string& ca_file) {
  http::CallOptions options;
  options.timeout = std::chrono::seconds(30);
  options.ca_file = ca_file;
  options.user_agent = "kiln-orchestrator";  // the User-Agent kilnctl has always sent
  return options;
}

namespace {

constexpr std::size_t kMaxReply = 256U * 1024U * 1024U;

// GET with the operator token; the body on 2xx, else prints why and nullopt
// (status 0: no answer at all, a connection or TLS failure).
std::optional<std::string> fetch(const std::string& url, const std::string& token,
                                 const std::string& ca_file, int& status) {
  http::Headers headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  auto reply = http::call("GET", url, headers, "", kilnctl_call_options(ca_file));
  if (!reply) {
    fmt::print(stderr, "kilnctl: error: cannot reach the orchestrator: {}\n",
               reply.error().message);
    status = 0;
    return std::nullopt;
  }
  status = reply->status;
  if (reply->status >= 400) {
    auto parsed = parse_json(reply->body, "orchestrator reply", kMaxReply);
    const auto* e = parsed ? json_path(*parsed, {"error"}) : nullptr;
    fmt::print(stderr, "kilnctl: error: HTTP {}: {}\n", reply->status,
               e != nullptr ? json_string(*e, "message").value_or(e->dump()) : reply->body);
    return std::nullopt;
  }
  return std::move(reply->body);
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) {
    fmt::print(stderr, "kilnctl: error: cannot write {}\n", path);
    return false;
  }
  return true;
}

std::string summary(const nlohmann::json& document) {
  const auto* body = json_path(document, {"certificate"});
  const auto* sig = json_path(document, {"signature"});
  const nlohmann::json empty = nlohmann::json::object();
  const auto& b = body != nullptr ? *body : empty;
  const auto* node = json_path(b, {"node"});
  const auto* disks = json_path(b, {"disks"});
  const auto* fru = node != nullptr ? json_path(*node, {"fru"}) : nullptr;
  std::string out = fmt::format(
      "run        {} ({})\nnode       {}\nserial     {}\ndisks      {}\nsigned by  {} ({})\n",
      json_string(b, "run_id").value_or("-"), json_string(b, "verdict").value_or("-"),
      node != nullptr ? json_string(*node, "ironic_uuid").value_or("-") : "-",
      fru != nullptr ? json_string(*fru, "product_serial").value_or("-") : "-",
      disks != nullptr && disks->is_array() ? disks->size() : 0,
      sig != nullptr ? json_string(*sig, "key_id").value_or("-") : "-",
      sig != nullptr ? json_string(*sig, "algorithm").value_or("-") : "-");
  if (disks != nullptr && disks->is_array()) {
    for (const auto& d : *disks) {
      auto field = [&](std::string_view key) {
        const auto* v = json_path(d, {key});
        return v == nullptr ? std::string("-") : v->is_string() ? v->get<std::string>() : v->dump();
      };
      out += fmt::format("  {:<14} {:<22} {:<28} {}\n", field("device"), field("serial"),
                         field("method"), field("result"));
    }
  }
  return out;
}

}  // namespace

int certificate_get(const OrchestratorAccess& access, const CertificateGetOptions& options) {
  if (options.run_id.empty() == options.node.empty()) {
    fmt::print(stderr, "kilnctl: error: give --run ID or --node UUID\n");
    return 2;
  }
  int status = 0;
  if (options.html && !options.run_id.empty()) {  // the orchestrator's own page
    auto page = fetch(fmt::format("{}/v1/runs/{}/certificate.html", access.url, options.run_id),
                      access.token, access.ca_file, status);
    if (!page) return status == 0 ? 2 : 1;
    if (options.output.empty()) {
      fmt::print("{}", *page);
      return 0;
    }
    return write_file(options.output, *page) ? 0 : 2;
  }
  const std::string url =
      options.run_id.empty() ? fmt::format("{}/v1/nodes/{}/certificate", access.url, options.node)
                             : fmt::format("{}/v1/runs/{}/certificate", access.url, options.run_id);
  auto text = fetch(url, access.token, access.ca_file, status);
  if (!text) return status == 0 ? 2 : 1;
  auto document = parse_json(*text, "certificate", kMaxReply);
  if (!document) {
    fmt::print(stderr, "kilnctl: error: {}\n", document.error().message);
    return 2;
  }
  const std::string rendered =
      options.html ? render_certificate_html(*document) : document->dump(2) + "\n";
  if (!options.output.empty()) {
    if (!write_file(options.output, rendered)) return 2;
    fmt::print(stderr, "kilnctl: certificate written to {}\n", options.output);
    return 0;
  }
  if (options.html || access.format == "json") {
    fmt::print("{}", rendered);
  } else {
    fmt::print("{}", summary(*document));
  }
  return 0;
}

int certificate_verify(const std::string& format, const CertificateVerifyOptions& options) {
  std::optional<signature::PublicKey> trusted;
  if (!options.public_key.empty()) {
    auto key = signature::load_public_key(options.public_key);
    if (!key) {
      fmt::print(stderr, "kilnctl: error: {}\n", key.error().message);
      return 2;
    }
    trusted = *key;
  } else if (!options.orchestrator.empty()) {
    int status = 0;
    auto text = fetch(options.orchestrator + "/v1/certificate-key", "", options.ca_file, status);
    if (!text) return 2;
    auto reply = parse_json(*text, "certificate key", kMaxReply);
    auto pem = reply ? json_string(*reply, "public_key_pem") : std::nullopt;
    if (!pem) {
      fmt::print(stderr, "kilnctl: error: {} sent no public_key_pem\n", options.orchestrator);
      return 2;
    }
    auto key = signature::parse_public_key_pem(*pem, options.orchestrator + "/v1/certificate-key");
    if (!key) {
      fmt::print(stderr, "kilnctl: error: {}\n", key.error().message);
      return 2;
    }
    trusted = *key;
  }
  auto check = check_certificate_file(options.file, trusted);
  if (format == "json") {
    fmt::print("{}\n", to_json(check).dump(2));
  } else {
    fmt::print("{}", describe(check));
  }
  return check.exit_code;
}

}  // namespace kiln::orchestrator
