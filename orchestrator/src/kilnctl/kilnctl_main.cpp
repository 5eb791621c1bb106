// kilnctl: the operator's command line for kiln-orchestrator.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "kiln/http_client.hpp"
#include "kiln/json_input.hpp"
#include "kilnctl/certificate_commands.hpp"
#include "kilnctl/firmware_table.hpp"
#include "kilnctl/kilnctl_tables.hpp"
#include "kilnctl/paged_list.hpp"
#include "kilnctl/report_commands.hpp"
#include "kilnctl/summary_table.hpp"

namespace {

using namespace kiln::orchestrator;

struct Session {
  std::string url = "http://127.0.0.1:8480";
  std::string token;
  std::string format = "table";
  std::string ca_file;  // https:// trust anchors (--ca)
};

// Exit codes (docs/orchestrator.md#kilnctl): 0 success, 1 the orchestrator
// refused (its message is printed), 2 usage or connection/TLS errors.
constexpr int kExitRefused = 1;
constexpr int kExitUsageOrConnection = 2;

// What an API call gave: the JSON body on success, else the exit code its
// failure means (the message is already printed).
struct ApiResult {
  std::optional<nlohmann::json> body;
  int failure_exit = 0;
};

ApiResult failed(int exit_code) {
  return ApiResult{std::nullopt, exit_code};
}

// Calls the API; prints why and returns the failure's exit code on failure.
ApiResult call(const Session& s, const std::string& method, const std::string& path,
               const std::string& body = "") {
  kiln::http::Headers headers{{"Authorization", "Bearer " + s.token}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto reply =
      kiln::http::call(method, s.url + path, headers, body, kilnctl_call_options(s.ca_file));
  if (!reply) {  // no answer: refused connection, timeout, TLS verification
    fmt::print(stderr, "kilnctl: error: cannot reach the orchestrator: {}\n",
               reply.error().message);
    return failed(kExitUsageOrConnection);
  }
  auto parsed = kiln::parse_json(reply->body, "orchestrator reply", 256U * 1024U * 1024U);
  if (!parsed) {  // something answered, but not a kiln-orchestrator
    fmt::print(stderr, "kilnctl: error: {} answered HTTP {} with a body that is not JSON\n", s.url,
               reply->status);
    return failed(kExitUsageOrConnection);
  }
  if (reply->status >= 400) {
    const auto* e = kiln::json_path(*parsed, {"error"});
    fmt::print(
        stderr, "kilnctl: error: HTTP {}: {}\n", reply->status,
        e != nullptr ? kiln::json_string(*e, "message").value_or(e->dump()) : parsed->dump());
    return failed(kExitRefused);
  }
  return ApiResult{std::move(*parsed), 0};
}

// Where the Debian package's postinst writes the operator token (root:kiln 0640).
constexpr const char* kDefaultTokenFile = "/etc/kiln/operator-token";

// The token in `path` (its first line); with no path, the default file's when
// it can be read, else "" (the orchestrator then answers 401). Nullopt after
// printing why when a named file cannot be read.
std::optional<std::string> read_token_file(const std::string& path) {
  const std::string file = path.empty() ? kDefaultTokenFile : path;
  std::ifstream in(file);
  if (!in) {
    if (path.empty()) return std::string();
    fmt::print(stderr, "kilnctl: error: cannot read the token file {}\n", file);
    return std::nullopt;
  }
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

// Every page of a paged list (`list` in the answers to `path`), as one answer.
ApiResult call_all_pages(const Session& s, const std::string& path, std::string_view list) {
  int failure_exit = 0;
  auto whole = fetch_all_pages(path, list, [&](const std::string& page) {
    auto result = call(s, "GET", page);
    failure_exit = result.failure_exit;
    return result.body;
  });
  if (!whole) {
    fmt::print(stderr, "kilnctl: error: {}\n", whole.error().message);
    return failed(kExitUsageOrConnection);
  }
  if (!*whole) return failed(failure_exit);
  return ApiResult{std::move(**whole), 0};
}

int show(const Session& s, const ApiResult& result, std::string (*table)(const nlohmann::json&)) {
  if (!result.body) return result.failure_exit;
  if (s.format == "json") {
    fmt::print("{}\n", result.body->dump(2));
  } else {
    fmt::print("{}", table(*result.body));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "kilnctl: drive kiln-orchestrator (deliveries, nodes, burn-ins, decommissions, runs)"};
  app.require_subcommand(1);
  app.fallthrough();  // --url/--token/--ca/-f also after the subcommand
  Session s;
  app.add_option("--url", s.url, "orchestrator URL")
      ->envname("KILN_ORCHESTRATOR_URL")
      ->capture_default_str();
  auto* token_opt =
      app.add_option("--token", s.token, "operator token")->envname("KILN_OPERATOR_TOKEN");
  std::string token_file;
  app.add_option("--token-file", token_file,
                 "read the operator token from this file (default, when no --token: " +
                     std::string(kDefaultTokenFile) + " if it is readable)")
      ->envname("KILN_OPERATOR_TOKEN_FILE")
      ->excludes(token_opt);
  app.add_option("--ca", s.ca_file,
                 "CA certificate (PEM) an https:// orchestrator is checked against")
      ->envname("KILN_CA");
  app.add_option("-f,--format", s.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();

  auto* delivery =
      app.add_subcommand("delivery", "deliveries (FRU asset tags)")->require_subcommand(1);
  delivery->add_subcommand("list", "every delivery with its counts");
  std::string tag;
  delivery->add_subcommand("show", "one delivery, node by node, with its batch analysis")
      ->add_option("TAG", tag)
      ->required();
  ReportGetOptions report_options;
  auto* report = delivery->add_subcommand(
      "report", "the signed delivery report (html, csv or json); `report verify FILE` checks one");
  report->add_option("TAG", report_options.tag, "the delivery (FRU asset tag)");
  report->add_option("--format", report_options.format, "html (printable), csv or json")
      ->check(CLI::IsMember({"html", "csv", "json"}))
      ->capture_default_str();
  report->add_option("-o,--output", report_options.output, "write to this file (default stdout)");
  CertificateVerifyOptions report_verify_options;
  auto* report_verify =
      report->add_subcommand("verify", "check a delivery report's signature (exit 0/1/2)");
  report_verify->add_option("FILE", report_verify_options.file, "signed report (html, csv or json)")
      ->required();
  auto* report_verify_key = report_verify->add_option(
      "--public-key", report_verify_options.public_key, "trusted public key (PEM)");
  report_verify
      ->add_option("--orchestrator", report_verify_options.orchestrator,
                   "fetch the trusted key from this orchestrator URL")
      ->excludes(report_verify_key);

  auto* node = app.add_subcommand("node", "nodes")->require_subcommand(1);
  node->add_subcommand("list", "every known node");
  std::string uuid;
  node->add_subcommand("show", "one node and its latest run")->add_option("UUID", uuid)->required();

  auto* burnin = app.add_subcommand("burnin", "burn-ins")->require_subcommand(1);
  auto* start = burnin->add_subcommand("start", "start burn-in of nodes or a whole delivery");
  std::vector<std::string> nodes;
  std::string start_delivery;
  auto* node_opt = start->add_option("--node", nodes, "Ironic node UUID (repeatable)");
  start->add_option("--delivery", start_delivery, "every known node of this delivery")
      ->excludes(node_opt);

  auto* decommission =
      app.add_subcommand("decommission", "factory-wipe and retire nodes")->require_subcommand(1);
  auto* decommission_start =
      decommission->add_subcommand("start", "decommission nodes or a whole delivery");
  auto* decommission_node =
      decommission_start->add_option("--node", nodes, "Ironic node UUID (repeatable)");
  decommission_start->add_option("--delivery", start_delivery, "every known node of this delivery")
      ->excludes(decommission_node);
  std::string operator_name;
  decommission_start
      ->add_option("--operator", operator_name,
                   "who decommissions (named in the certificate; default $USER)")
      ->envname("KILN_OPERATOR");

  auto* certificate =
      app.add_subcommand("certificate", "decommission certificates")->require_subcommand(1);
  CertificateGetOptions get_options;
  auto* certificate_get_cmd = certificate->add_subcommand("get", "a run's or a node's certificate");
  auto* get_run = certificate_get_cmd->add_option("--run", get_options.run_id, "run id");
  certificate_get_cmd->add_option("--node", get_options.node, "node UUID (its latest certificate)")
      ->excludes(get_run);
  certificate_get_cmd->add_option("-o,--output", get_options.output, "write to this file");
  certificate_get_cmd->add_flag("--html", get_options.html, "the human-readable page");
  CertificateVerifyOptions verify_options;
  auto* certificate_verify_cmd =
      certificate->add_subcommand("verify", "check a certificate's signature (exit 0/1/2)");
  certificate_verify_cmd->add_option("FILE", verify_options.file, "signed certificate (JSON)")
      ->required();
  auto* verify_key = certificate_verify_cmd->add_option("--public-key", verify_options.public_key,
                                                        "trusted public key (PEM)");
  certificate_verify_cmd
      ->add_option("--orchestrator", verify_options.orchestrator,
                   "fetch the trusted key from this orchestrator URL")
      ->excludes(verify_key);

  auto* run = app.add_subcommand("run", "runs")->require_subcommand(1);
  std::string run_id;
  run->add_subcommand("show", "stages, progress, verdict")->add_option("ID", run_id)->required();
  run->add_subcommand("list", "every run");
  run->add_subcommand("abort", "tell the node to stop")->add_option("ID", run_id)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (s.token.empty()) {
    auto token = read_token_file(token_file);
    if (!token) return 2;
    s.token = *token;
  }
  try {
    if (delivery->got_subcommand("list"))
      return show(s, call(s, "GET", "/v1/deliveries"), deliveries_table);
    if (delivery->got_subcommand("show")) {  // node by node, then the batch analysis
      auto result = call_all_pages(s, "/v1/deliveries/" + tag + "?limit=5000", "node_list");
      if (result.body) {
        auto summary = call(s, "GET", "/v1/deliveries/" + tag + "/summary");
        if (!summary.body) return summary.failure_exit;
        (*result.body)["summary"] = std::move(*summary.body);
      }
      return show(s, result, delivery_show_table);
    }
    if (delivery->got_subcommand("report")) {
      if (report->got_subcommand("verify")) {
        report_verify_options.ca_file = s.ca_file;
        return delivery_report_verify(s.format, report_verify_options);
      }
      return delivery_report_get(OrchestratorAccess{s.url, s.token, s.format, s.ca_file},
                                 report_options);
    }
    if (node->got_subcommand("list"))  // every page of nodes
      return show(s, call_all_pages(s, "/v1/nodes?limit=5000", "nodes"), nodes_table);
    if (node->got_subcommand("show"))
      return show(s, call(s, "GET", "/v1/nodes/" + uuid), node_table);
    if (burnin->got_subcommand("start")) {
      nlohmann::json body;
      if (!nodes.empty()) {
        body["nodes"] = nodes;
      } else if (!start_delivery.empty()) {
        body["delivery"] = start_delivery;
      } else {
        fmt::print(stderr, "kilnctl: error: give --node UUID or --delivery TAG\n");
        return 2;
      }
      return show(s, call(s, "POST", "/v1/burnins", body.dump()), started_table);
    }
    if (decommission->got_subcommand("start")) {
      nlohmann::json body;
      if (!nodes.empty()) {
        body["nodes"] = nodes;
      } else if (!start_delivery.empty()) {
        body["delivery"] = start_delivery;
      } else {
        fmt::print(stderr, "kilnctl: error: give --node UUID or --delivery TAG\n");
        return 2;
      }
      const char* user = std::getenv("USER");
      if (operator_name.empty() && user != nullptr) operator_name = user;
      if (!operator_name.empty()) body["operator"] = operator_name;
      return show(s, call(s, "POST", "/v1/decommissions", body.dump()), started_table);
    }
    if (certificate->got_subcommand("get"))
      return certificate_get(OrchestratorAccess{s.url, s.token, s.format, s.ca_file}, get_options);
    if (certificate->got_subcommand("verify")) {
      verify_options.ca_file = s.ca_file;
      return certificate_verify(s.format, verify_options);
    }
    if (run->got_subcommand("show"))
      return show(s, call(s, "GET", "/v1/runs/" + run_id), run_table);
    if (run->got_subcommand("list")) {
      return show(s, call(s, "GET", "/v1/runs"), [](const nlohmann::json& b) {
        std::string out;
        const auto* runs = kiln::json_path(b, {"runs"});
        if (runs != nullptr && runs->is_array()) {
          for (const auto& r : *runs) out += run_table(r) + "\n";
        }
        return out;
      });
    }
    if (run->got_subcommand("abort")) {
      return show(s, call(s, "POST", "/v1/runs/" + run_id + "/abort"),
                  [](const nlohmann::json&) { return std::string("abort requested\n"); });
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "kilnctl: internal error: {}\n", e.what());
    return 2;
  }
  return 2;
}
