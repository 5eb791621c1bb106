// CSV: a header row, then one row per node x requirement (a node the
// requirement was not checked on says so in `met`).
#include <fmt/format.h>

#include <cctype>

#include "kiln/json_input.hpp"
#include "report/report_render.hpp"

namespace kiln::orchestrator {
namespace {

std::string field(const std::string& s) {
  // Cells a spreadsheet would evaluate as a formula are prefixed with a quote.
  std::string v = s;
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '@' ||
       (v[0] == '-' && v.size() > 1 && !std::isdigit(static_cast<unsigned char>(v[1])))))
    v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string text(const nlohmann::json& j, std::string_view key) {
  const auto* v = json_path(j, {key});
  if (v == nullptr || v->is_null()) return {};
  if (v->is_string()) return v->get<std::string>();
  return v->dump();
}

std::string row(std::initializer_list<std::string> cells) {
  std::string out;
  for (const auto& c : cells) out += (out.empty() ? "" : ",") + field(c);
  return out + "\r\n";
}

}  // namespace

std::string render_report_csv(const nlohmann::json& body) {
  const nlohmann::json empty = nlohmann::json::object();
  const auto* header = json_path(body, {"header"});
  const auto& h = header != nullptr ? *header : empty;
  std::string out = row({"delivery", "tender_reference", "node_uuid", "node_serial", "asset_tag",
                         "node_verdict", "requirement", "label", "limit", "unit", "value", "met",
                         "requirement_verdict", "batch_min", "batch_median", "batch_max"});
  const auto* nodes = json_path(body, {"nodes"});
  const auto* reqs = json_path(body, {"requirements"});
  if (nodes == nullptr || !nodes->is_array() || reqs == nullptr || !reqs->is_array()) return out;
  for (const auto& n : *nodes) {
    const std::string uuid = text(n, "uuid");
    for (const auto& r : *reqs) {
      std::string value;
      std::string met = "not checked";
      if (const auto* per = json_path(r, {"nodes"}); per != nullptr && per->is_array()) {
        for (const auto& st : *per) {
          if (text(st, "node") != uuid) continue;
          value = text(st, "value");
          met = text(st, "met") == "true" ? "yes" : "no";
        }
      }
      out += row({text(h, "delivery"), text(h, "tender_reference"), uuid, text(n, "serial"),
                  text(n, "asset_tag"), text(n, "verdict"), text(r, "requirement"),
                  text(r, "label"), text(r, "limit"), text(r, "unit"), value, met,
                  text(r, "verdict"), text(r, "min"), text(r, "median"), text(r, "max")});
    }
  }
  return out;
}

}  // namespace kiln::orchestrator
