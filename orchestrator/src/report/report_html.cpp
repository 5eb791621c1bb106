// The printable page: A4, a section per page (summary, requirements, nodes,
// components to return, findings, decommission and signature), every text
// HTML-escaped, no script, no external resource.
#include <fmt/format.h>

#include "kiln/certificate_html.hpp"
#include "kiln/json_input.hpp"
#include "report/report_render.hpp"

namespace kiln::orchestrator {
namespace {

const nlohmann::json& at(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json kNull;
  const auto* v = json_path(j, {key});
  return v != nullptr ? *v : kNull;
}

std::string text(const nlohmann::json& j, std::string_view key) {
  const auto& v = at(j, key);
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string e(const std::string& s) {
  return html_escape(s.empty() ? "—" : s);
}

std::string verdict_cell(const std::string& v) {
  const char* cls = v == "PASS" ? "pass" : (v == "none" || v.empty()) ? "none" : "fail";
  return fmt::format("<td class=\"{}\">{}</td>", cls, e(v));
}

std::string kv(const std::string& k, const std::string& v) {
  return fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", e(k), e(v));
}

std::string joined(const nlohmann::json& list, std::string_view sep) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& x : list) {
    out +=
        (out.empty() ? "" : std::string(sep)) + (x.is_string() ? x.get<std::string>() : x.dump());
  }
  return out;
}

constexpr const char* kStyle = R"(@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 8.5pt; color: #111; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4mm 0; } h2 { font-size: 12pt; border-bottom: 1px solid #444; margin: 0 0 3mm 0; }
section { break-after: page; page-break-after: always; } section:last-of-type { break-after: auto; page-break-after: auto; }
table { border-collapse: collapse; width: 100%; margin-bottom: 4mm; }
th, td { border: 1px solid #999; padding: 1.5px 4px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead { display: table-header-group; } tr { break-inside: avoid; page-break-inside: avoid; }
table.kv th { width: 32%; background: #f0f0f0; } thead th { background: #e4e4e4; }
.pass { color: #0a6b0a; font-weight: bold; } .fail { color: #b00000; font-weight: bold; } .none { color: #666; }
td.pass, td.fail, td.none, td.serial { white-space: nowrap; }
.verdict { font-size: 14pt; padding: 3mm; border: 2px solid #444; margin: 3mm 0; }
.small { font-size: 7.5pt; color: #333; } .mono { font-family: "DejaVu Sans Mono", monospace; }
)";

std::string summary_section(const nlohmann::json& b) {
  const auto& h = at(b, "header");
  const auto& v = at(b, "verdict");
  const auto& period = at(h, "period");
  const auto& sha = at(h, "config_sha256");
  std::string out = fmt::format("<section id=\"summary\">\n<h1>Delivery report {}</h1>\n",
                                e(text(h, "delivery")));
  out += "<table class=\"kv\">\n";
  out += kv("Delivery / purchase order", text(h, "purchase_order"));
  out += kv("Tender reference", text(h, "tender_reference"));
  out += kv("Description", text(h, "description"));
  out += kv("Period covered", text(period, "from") + " to " + text(period, "to"));
  out += kv("kiln version (orchestrator)", text(h, "kiln_version"));
  out += kv("kiln-runner versions", joined(at(h, "runner_versions"), ", "));
  out += kv("Delivery config sha256", text(sha, "delivery_file"));
  out += kv("Resolved configs sha256", joined(at(sha, "resolved"), " "));
  out += kv("Generated", text(h, "generated_at"));
  out += "</table>\n";
  const std::string result = text(v, "result");
  out += fmt::format(
      "<div class=\"verdict\">Delivery verdict: <span class=\"{}\">{}</span> — {} of {} nodes "
      "PASS; {} of {} tender requirements met by every node; {} component(s) to return; {} "
      "systematic finding(s); {} outlier(s)</div>\n",
      result == "PASS" ? "pass" : "fail", e(result), text(at(v, "by_verdict"), "PASS"),
      text(v, "nodes"), text(v, "requirements_met"), text(v, "requirements"),
      text(v, "rma_components"), text(v, "systematic_findings"), text(v, "outliers"));
  out += "<table class=\"kv\">\n";
  for (const char* k : {"PASS", "FAIL", "ERROR", "none"})
    out += kv(fmt::format("Nodes with burn-in verdict {}", k), text(at(v, "by_verdict"), k));
  out += "</table>\n</section>\n";
  return out;
}

std::string requirements_section(const nlohmann::json& b) {
  std::string out =
      "<section id=\"requirements\">\n<h2>Tender requirements</h2>\n<table>\n"
      "<thead><tr><th>Requirement</th><th>Limit</th><th>Unit</th><th>Batch min</th>"
      "<th>Median</th><th>Max</th><th>Nodes meeting "
      "it</th><th>Verdict</th></tr></thead>\n<tbody>\n";
  const auto& reqs = at(b, "requirements");
  for (const auto& r : reqs) {
    out += fmt::format(
        "<tr><td>{}<br><span class=\"small mono\">{}</span></td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{} of {}</td>{}</tr>\n",
        e(text(r, "label")), e(text(r, "requirement")), e(text(r, "limit")), e(text(r, "unit")),
        e(text(r, "min")), e(text(r, "median")), e(text(r, "max")), e(text(r, "nodes_meeting")),
        e(text(r, "nodes_checked")), verdict_cell(text(r, "verdict")));
  }
  if (!reqs.is_array() || reqs.empty())
    out += "<tr><td colspan=\"8\">No requirement checked yet (no burn-in report).</td></tr>\n";
  return out + "</tbody></table>\n</section>\n";
}

std::string firmware_text(const nlohmann::json& fw) {
  if (!fw.is_object()) return "not recorded";
  auto or_unread = [](const std::string& v) { return v.empty() ? std::string("unread") : v; };
  std::string out = fmt::format("BIOS {} ({}); BMC {}; microcode {}", or_unread(text(fw, "bios")),
                                text(fw, "bios_date"), or_unread(text(fw, "bmc")),
                                or_unread(text(fw, "cpu_microcode")));
  for (const auto& d : at(fw, "disks")) {
    out += fmt::format("; {} {} fw {}", text(d, "name"), text(d, "model"),
                       or_unread(text(d, "firmware")));
  }
  for (const auto& n : at(fw, "nics")) {
    out += fmt::format("; {} {} fw {}", text(n, "name"), text(n, "driver"),
                       text(n, "firmware").empty() ? "none" : text(n, "firmware"));
  }
  return out;
}

std::string nodes_section(const nlohmann::json& b) {
  std::string out =
      "<section id=\"nodes\">\n<h2>Nodes</h2>\n<table>\n<thead><tr><th>Serial</th>"
      "<th>Asset tag</th><th>Ironic UUID</th><th>Verdict</th><th>First failure</th>"
      "<th>Key figures</th><th>Firmware</th><th>Findings</th></tr></thead>\n<tbody>\n";
  for (const auto& n : at(b, "nodes")) {
    std::string figures;
    for (const auto& f : at(n, "key_figures")) {
      const auto& v = at(f, "value");
      std::string value = v.is_string()   ? v.get<std::string>()
                          : v.is_number() ? fmt::format("{:.4g}", v.get<double>())
                                          : v.dump();
      figures += fmt::format("{}{} {}{}", figures.empty() ? "" : "; ", text(f, "name"), value,
                             text(f, "unit").empty() ? "" : " " + text(f, "unit"));
    }
    std::string findings = joined(at(n, "findings"), "; ");
    const std::string outliers = joined(at(n, "outliers"), "; ");
    if (!outliers.empty()) findings += (findings.empty() ? "" : "; ") + outliers;
    out += fmt::format(
        "<tr><td class=\"serial\">{}</td><td>{}</td><td class=\"mono small\">{}</td>{}<td>{}</td><td "
        "class=\"small\">{}</td><td class=\"small\">{}</td><td class=\"small\">{}</td></tr>\n",
        e(text(n, "serial")), e(text(n, "asset_tag")), e(text(n, "uuid")),
        verdict_cell(text(n, "verdict")), e(text(n, "first_failure")), e(figures),
        e(firmware_text(at(n, "firmware"))), e(findings));
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string rma_section(const nlohmann::json& b) {
  std::string out =
      "<section id=\"rma\">\n<h2>Failed components to return (RMA)</h2>\n<table>\n"
      "<thead><tr><th>Node serial</th><th>Component</th><th>Serial</th><th>Model</th>"
      "<th>Slot</th><th>Failure</th><th>Evidence</th></tr></thead>\n<tbody>\n";
  const auto& rma = at(b, "rma");
  for (const auto& l : rma) {
    std::string evidence;
    for (const auto& x : at(l, "evidence")) {
      evidence += fmt::format(
          "{}{} = {}{}, limit {}", evidence.empty() ? "" : "; ", text(x, "measurement"),
          text(x, "value"), text(x, "unit").empty() ? "" : " " + text(x, "unit"), text(x, "limit"));
    }
    if (evidence.empty()) evidence = "see the failure message";
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span "
        "class=\"fail mono\">{}</span><br>{}</td><td class=\"small\">{}</td></tr>\n",
        e(text(l, "node_serial")), e(text(l, "kind")), e(text(l, "serial")), e(text(l, "model")),
        e(text(l, "slot")), e(text(l, "code")), e(text(l, "message")), e(evidence));
  }
  if (!rma.is_array() || rma.empty())
    out += "<tr><td colspan=\"7\">No failed component.</td></tr>\n";
  return out + "</tbody></table>\n</section>\n";
}

std::string findings_section(const nlohmann::json& b) {
  std::string out =
      "<section id=\"findings\">\n<h2>Systematic findings and outliers</h2>\n<table>\n"
      "<thead><tr><th>Systematic finding (the batch is not uniform)</th></tr></thead>\n<tbody>\n";
  const auto& fw = at(b, "firmware");
  const auto& findings = at(fw, "findings");
  for (const auto& f : findings)
    out += fmt::format("<tr><td>{}</td></tr>\n", e(text(f, "message")));
  if (!findings.is_array() || findings.empty())
    out += "<tr><td>None: every firmware value is the same on every node.</td></tr>\n";
  out +=
      "</tbody></table>\n<table>\n<thead><tr><th>Outlier (lags its "
      "batch)</th></tr></thead>\n<tbody>\n";
  const auto& outliers = at(b, "outliers");
  for (const auto& o : outliers)
    out += fmt::format("<tr><td>{}</td></tr>\n", e(text(o, "message")));
  if (!outliers.is_array() || outliers.empty()) out += "<tr><td>None.</td></tr>\n";
  out +=
      "</tbody></table>\n<table>\n<thead><tr><th>Firmware item</th><th>Values (node "
      "count)</th></tr></thead>\n<tbody>\n";
  for (const auto& item : at(fw, "items")) {
    std::string values;
    for (const auto& v : at(item, "values"))
      values += fmt::format("{}{}: {} node(s)", values.empty() ? "" : "; ", text(v, "value"),
                            text(v, "nodes"));
    out += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", e(text(item, "label")), e(values));
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string decommission_section(const nlohmann::json& b, const std::string& key_id) {
  const auto& d = at(b, "decommission");
  std::string out = "<section id=\"decommission\">\n<h2>Decommission</h2>\n<table class=\"kv\">\n";
  out += kv("Nodes with a decommission run", text(d, "nodes"));
  out += kv("Wiped and verified", text(d, "wiped"));
  out += kv("Certified (signed certificate stored)", text(d, "certified"));
  out += kv("Failed", text(d, "failed"));
  out += kv("Running", text(d, "running"));
  out += "</table>\n<h2>Signature</h2>\n";
  out += fmt::format(
      "<p>This document is signed with the kiln-orchestrator's Ed25519 key <span "
      "class=\"mono\">{}</span> (the key of its decommission certificates, GET "
      "/v1/certificate-key). The signature is in the last line of this file and covers every byte "
      "before it: check a copy with <span class=\"mono\">kilnctl delivery report verify FILE "
      "--public-key KEY.pem</span>.</p>\n</section>\n",
      e(key_id));
  return out;
}

}  // namespace

std::string render_report_html(const nlohmann::json& body, const std::string& key_id) {
  const auto& h = at(body, "header");
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kiln delivery "
      "report {}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
      e(text(h, "delivery")), kStyle);
  out += summary_section(body);
  out += requirements_section(body);
  out += nodes_section(body);
  out += rma_section(body);
  out += findings_section(body);
  out += decommission_section(body, key_id);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace kiln::orchestrator
