#include "kiln/certificate_html.hpp"

#include <fmt/format.h>

namespace kiln {
namespace {

// A member as display text: strings as they are, numbers and booleans
// printed, anything missing or null as an em dash.
std::string text(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return "—";
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "—";
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    return s.empty() ? "—" : s;
  }
  if (it->is_array()) {
    std::string out;
    for (const auto& e : *it)
      out += (out.empty() ? "" : "; ") + (e.is_string() ? e.get<std::string>() : e.dump());
    return out.empty() ? "—" : out;
  }
  return it->dump();
}

const nlohmann::json& member(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string e(const std::string& s) {
  return html_escape(s);
}

std::string bytes_text(const nlohmann::json& j, std::string_view key) {
  const auto& v = member(j, key);
  if (!v.is_number()) return "—";
  double b = v.get<double>();
  if (b >= 1e12) return fmt::format("{:.2f} TB ({:.0f} bytes)", b / 1e12, b);
  if (b >= 1e9) return fmt::format("{:.2f} GB ({:.0f} bytes)", b / 1e9, b);
  return fmt::format("{:.1f} MB ({:.0f} bytes)", b / 1e6, b);
}

std::string row(std::string_view label, const std::string& value) {
  return fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", e(std::string(label)), e(value));
}

// "random (splitmix64, seed 0x…), 8388608 bytes; zeros, 8388608 bytes", or "—".
std::string overwrite_passes_text(const nlohmann::json& disk) {
  const auto& passes = member(disk, "overwrite_passes");
  if (!passes.is_array() || passes.empty()) return "—";
  std::string out;
  for (const auto& p : passes) {
    std::string what = text(p, "pattern");
    if (text(p, "seed") != "—") what += fmt::format(" ({}, seed {})", text(p, "prng"), text(p, "seed"));
    out += (out.empty() ? "" : "; ") + what + ", " + text(p, "bytes") + " bytes";
  }
  return out;
}

std::string verdict_class(const std::string& v) {
  if (v == "PASS" || v == "wiped" || v == "reset" || v == "ok") return "pass";
  return "fail";
}

std::string identity_section(const nlohmann::json& body) {
  const auto& node = member(body, "node");
  const auto& fru = member(node, "fru");
  const auto& dmi = member(node, "dmi");
  std::string out = "<h2>Node</h2>\n<table class=\"kv\">\n";
  out += row("Manufacturer / product",
             text(fru, "product_manufacturer") + " " + text(fru, "product_name"));
  out += row("Product serial", text(fru, "product_serial"));
  out += row("Asset tag", text(fru, "product_asset_tag"));
  out += row("Board", text(fru, "board_manufacturer") + " " + text(fru, "board_product") +
                          ", serial " + text(fru, "board_serial"));
  out += row("Chassis serial", text(fru, "chassis_serial"));
  out += row("DMI system", text(dmi, "manufacturer") + " " + text(dmi, "product") + ", serial " +
                               text(dmi, "system_serial"));
  out += row("Ironic node", text(node, "ironic_uuid"));
  return out + "</table>\n";
}

std::string inventory_section(const nlohmann::json& body) {
  const auto& inv = member(body, "inventory");
  if (!inv.is_object()) return "<h2>Inventory</h2>\n<p>No inventory was recorded.</p>\n";
  std::string out = "<h2>Inventory (what leaves the building)</h2>\n";
  out +=
      "<table><tr><th>DIMM</th><th>Size "
      "(MiB)</th><th>Manufacturer</th><th>Part</th><th>Serial</th></tr>\n";
  for (const auto& d : member(inv, "dimms")) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       e(text(d, "locator")), e(text(d, "size_mib")), e(text(d, "manufacturer")),
                       e(text(d, "part_number")), e(text(d, "serial")));
  }
  out += "</table>\n<table><tr><th>NIC</th><th>MAC</th><th>PCI</th><th>Driver</th></tr>\n";
  for (const auto& n : member(inv, "nics")) {
    out +=
        fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", e(text(n, "name")),
                    e(text(n, "mac")), e(text(n, "pci_address")), e(text(n, "driver")));
  }
  return out + "</table>\n";
}

std::string disks_section(const nlohmann::json& body) {
  std::string out = "<h2>Disks</h2>\n";
  const auto& disks = member(body, "disks");
  if (!disks.is_array() || disks.empty()) return out + "<p>No disk was wiped.</p>\n";
  for (const auto& d : disks) {
    const auto& v = member(d, "verification");
    std::string result = text(d, "result");
    out += fmt::format("<h3>{} — <span class=\"{}\">{}</span></h3>\n<table class=\"kv\">\n",
                       e(text(d, "device")), verdict_class(result), e(result));
    out += row("Model", text(d, "model"));
    out += row("Serial", text(d, "serial"));
    out += row("Size", bytes_text(d, "size_bytes"));
    out += row("Transport", text(d, "transport"));
    out += row("Method", text(d, "method"));
    out += row("Why this method", text(d, "method_reason"));
    out += row("Fallbacks", text(d, "fallbacks"));
    out += row("Hidden areas (HPA/DCO)", text(d, "hidden_areas"));
    out += row("Hidden area actions", text(d, "hidden_area_actions"));
    out += row("Discard", text(d, "discard"));
    out += row("Overwrite passes", overwrite_passes_text(d));
    out += row("Commands", text(d, "commands"));
    out += row("Started / ended", text(d, "started") + " / " + text(d, "ended"));
    out +=
        row("Verification",
            v.is_object()
                ? fmt::format("{} ({} read-back, expected {}): {} bytes verified, {} mismatches{}",
                              text(v, "result"), text(v, "mode"), text(v, "expected"),
                              text(v, "bytes_verified"), text(v, "mismatches"),
                              v.contains("first_mismatch_offset")
                                  ? ", first at byte offset " + text(v, "first_mismatch_offset")
                                  : "")
                : "not verified");
    if (text(d, "failure") != "—") out += row("Failure", text(d, "failure"));
    out += "</table>\n";
  }
  return out;
}

std::string bmc_section(const nlohmann::json& body) {
  const auto& bmc = member(body, "bmc");
  std::string out = "<h2>BMC</h2>\n";
  if (!bmc.is_object()) return out + "<p>The BMC was not reset.</p>\n";
  out += "<table class=\"kv\">\n" + row("Interface", text(bmc, "interface")) +
         row("Kept user", text(bmc, "kept_user")) + row("FRU", text(bmc, "fru")) +
         row("Result", text(bmc, "result")) + "</table>\n";
  out += "<table><tr><th>Action</th><th>Expected</th><th>Read back</th><th>Result</th></tr>\n";
  for (const auto& a : member(bmc, "actions")) {
    std::string r = text(a, "result");
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
                       e(text(a, "action")), e(text(a, "expected")), e(text(a, "read_back")),
                       verdict_class(r), e(r));
  }
  return out + "</table>\n";
}

std::string signature_section(const nlohmann::json& doc) {
  const auto& sig = member(doc, "signature");
  if (!sig.is_object()) {
    return "<h2>Signature</h2>\n<p class=\"fail\">UNSIGNED: this certificate carries no signature; "
           "tampering cannot be detected.</p>\n";
  }
  return "<h2>Signature</h2>\n<table class=\"kv\">\n" + row("Algorithm", text(sig, "algorithm")) +
         row("Key id", text(sig, "key_id")) + row("Public key", text(sig, "public_key")) +
         row("Value", text(sig, "value")) +
         "</table>\n<p>Verify with <code>kilnctl certificate verify certificate.json</code> or "
         "<code>kiln-runner certificate verify certificate.json</code>.</p>\n";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_certificate_html(const nlohmann::json& doc) {
  const nlohmann::json& body =
      doc.is_object() && doc.contains("certificate") ? doc["certificate"] : doc;
  std::string verdict = text(body, "verdict");
  std::string serial = text(member(member(body, "node"), "fru"), "product_serial");
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>Decommission certificate {}</title>\n", e(serial));
  out +=
      "<style>\nbody{font-family:sans-serif;margin:2em;color:#111}h1{margin-bottom:0}"
      "table{border-collapse:collapse;margin:.5em 0 1em;width:100%}th,td{border:1px solid #999;"
      "padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}table.kv th{width:14em;"
      "background:#f2f2f2}.pass{color:#06600f;font-weight:bold}.fail{color:#a00000;font-weight:"
      "bold}"
      "code{font-size:.9em}@media "
      "print{body{margin:0}h2{page-break-after:avoid}table{page-break-inside:auto}"
      "tr{page-break-inside:avoid}}\n</style>\n</head>\n<body>\n";
  out += "<h1>Decommission certificate</h1>\n";
  out += fmt::format("<p>Verdict: <span class=\"{}\">{}</span></p>\n<table class=\"kv\">\n",
                     verdict_class(verdict), e(verdict));
  out += row("Run", text(body, "run_id"));
  out += row("Issued", text(body, "issued"));
  out += row("Operator", text(body, "operator"));
  out += row("kiln version", text(body, "kiln_version"));
  out += row("Profile", text(body, "profile"));
  out += "</table>\n";
  out += identity_section(body) + inventory_section(body) + disks_section(body) + bmc_section(body);
  out +=
      "<h2>Stages</h2>\n<table><tr><th>Stage</th><th>Verdict</th><th>Errors / failures</th></tr>\n";
  for (const auto& s : member(body, "stages")) {
    std::string v = text(s, "verdict");
    std::string notes = text(s, "errors") + " " + text(s, "failures");
    out += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n",
                       e(text(s, "name")), verdict_class(v), e(v), e(notes == "— —" ? "" : notes));
  }
  out += "</table>\n" + signature_section(doc) + "</body>\n</html>\n";
  return out;
}

}  // namespace kiln
