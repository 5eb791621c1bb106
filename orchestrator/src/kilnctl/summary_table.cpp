#include "kilnctl/summary_table.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "kiln/json_input.hpp"
#include "kilnctl/kilnctl_tables.hpp"

namespace kiln::orchestrator {
namespace {

std::string num(const nlohmann::json& j, std::string_view key) {
  auto v = json_number(j, key);
  if (!v) return "-";
  return std::fabs(*v) >= 100 ? fmt::format("{:.1f}", *v) : fmt::format("{:.4g}", *v);
}

std::string tender(const nlohmann::json& figure) {
  const auto* t = json_path(figure, {"tender"});
  if (t == nullptr || !t->is_object()) return "-";
  const auto cmp = json_string(*t, "comparison").value_or("");
  const char* op = cmp == "GREATER_THAN_OR_EQUAL" ? ">="
                   : cmp == "GREATER_THAN"        ? ">"
                   : cmp == "LESS_THAN_OR_EQUAL"  ? "<="
                   : cmp == "LESS_THAN"           ? "<"
                                                  : "=";
  return fmt::format("{} {}", op, num(*t, "threshold"));
}

std::string count(const nlohmann::json& j, std::string_view key) {
  auto v = json_integer(j, key);
  return v ? std::to_string(*v) : "0";
}

}  // namespace

std::string delivery_summary_table(const nlohmann::json& s) {
  std::string out;
  const auto* verdicts = json_path(s, {"verdicts"});
  const nlohmann::json none = nlohmann::json::object();
  const auto& v = verdicts != nullptr ? *verdicts : none;
  const auto* method = json_path(s, {"method"});
  const auto& m = method != nullptr ? *method : none;
  out += fmt::format(
      "batch analysis: {} of {} nodes reported (PASS {}, FAIL {}, ERROR {}, none {}); {} outlier "
      "node(s)\nmethod: burn-in runs only; median and MAD, outlier beyond k={} robust sigmas on "
      "the bad side and >= "
      "{} % from the median, batches of {} or more; outliers: {}\n\n",
      count(s, "reported"), count(s, "nodes"), count(v, "PASS"), count(v, "FAIL"),
      count(v, "ERROR"), count(v, "none"), count(s, "outlier_nodes"), num(m, "k"),
      num(m, "min_deviation_percent"), count(m, "min_batch"),
      json_string(m, "action").value_or("flag"));
  if (const auto* d = json_path(s, {"decommission"});
      d != nullptr && json_integer(*d, "nodes").value_or(0) > 0) {
    // Decommission runs are never part of the batch analysis above.
    out.insert(out.size() - 1,
               fmt::format("decommission runs (not in the batch analysis): {} node(s), {} wiped, "
                           "{} certified, {} failed, {} running\n",
                           count(*d, "nodes"), count(*d, "wiped"), count(*d, "certified"),
                           count(*d, "failed"), count(*d, "running")));
  }
  out += fmt::format("{:<52} {:<8} {:>12} {:>10} {:>10} {:>10} {:>4} {:>6} {:>8}\n", "FIGURE",
                     "UNIT", "TENDER", "MIN", "MEDIAN", "MAX", "N", "BELOW", "OUTLIERS");
  std::vector<std::string> notes;
  std::map<std::string, int> unjudged;  // why a figure got no outlier verdict -> how many
  if (const auto* figures = json_path(s, {"figures"}); figures != nullptr && figures->is_array()) {
    for (const auto& f : *figures) {
      std::string label = json_string(f, "label").value_or("?");
      if (label.size() > 52) label = label.substr(0, 51) + "~";
      out += fmt::format("{:<52} {:<8} {:>12} {:>10} {:>10} {:>10} {:>4} {:>6} {:>8}\n", label,
                         json_string(f, "unit").value_or(""), tender(f), num(f, "min"),
                         num(f, "median"), num(f, "max"), count(f, "nodes"),
                         count(f, "below_tender"), count(f, "outliers"));
      auto verdict = json_string(f, "outlier_verdict").value_or("");
      if (!verdict.empty() && verdict != "judged") ++unjudged[verdict];
      const auto* missing = json_path(f, {"missing"});
      if (missing != nullptr && missing->is_array() && !missing->empty()) {
        // A big delivery's summary names the first of them only (missing_nodes counts all).
        const auto all =
            json_integer(f, "missing_nodes").value_or(static_cast<long long>(missing->size()));
        notes.push_back(fmt::format(
            "{}: missing on {} reported node(s): {}{}", json_string(f, "label").value_or("?"), all,
            missing->dump(),
            all > static_cast<long long>(missing->size())
                ? fmt::format(" and {} more", all - static_cast<long long>(missing->size()))
                : ""));
      }
    }
  }
  if (const auto* figures = json_path(s, {"figures"});
      figures == nullptr || !figures->is_array() || figures->empty()) {
    out += "(no benchmark, memory, CPU, disk-perf or network figures in the reports yet)\n";
  }
  const auto* outliers = json_path(s, {"outliers"});
  if (outliers != nullptr && outliers->is_array() && !outliers->empty()) {
    out += "\nOUTLIERS (flagged for investigation)\n";
    for (const auto& o : *outliers) out += json_string(o, "message").value_or("?") + "\n";
  } else {
    out += "\nno outliers\n";
  }
  if (const auto* unknown = json_path(s, {"not_analysed"});
      unknown != nullptr && unknown->is_object() && !unknown->empty()) {
    std::vector<std::string> names;
    for (const auto& [what, n] : unknown->items()) {
      names.push_back(fmt::format("{} ({} report{})", what, n.is_number() ? n.get<int>() : 0,
                                  n.is_number() && n.get<int>() == 1 ? "" : "s"));
    }
    notes.push_back(
        fmt::format("not analysed (measurements the catalog does not declare; kept "
                    "with each report): {}",
                    fmt::join(names, ", ")));
  }
  for (const auto& [why, n] : unjudged) {
    const std::string reason = why.rfind("none: ", 0) == 0 ? why.substr(6) : why;
    notes.insert(notes.begin(), fmt::format("no outlier verdict for {} figure(s): {}", n, reason));
  }
  if (!notes.empty()) {
    out += "\nnotes:\n";
    for (const auto& n : notes) out += "  " + n + "\n";
  }
  return out;
}

std::string delivery_with_summary_table(const nlohmann::json& delivery) {
  std::string out = delivery_table(delivery);
  if (const auto* summary = json_path(delivery, {"summary"}); summary != nullptr)
    out += "\n" + delivery_summary_table(*summary);
  return out;
}

}  // namespace kiln::orchestrator
