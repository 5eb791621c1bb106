#include "catalog_docs/render.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "kiln/limits_catalog.hpp"

namespace kiln::catalog::docs {
namespace {

std::string escape_regex(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string form_regex(std::string_view form) {
  static const std::map<std::string_view, std::string_view> kForms = {
      {"<int>", "[0-9]+"},
      {"<hex>", "[0-9a-fA-F]+"},
      {"<hexbytes>", "([0-9a-fA-F]{2}){1,512}"},
      {"<size>", "[0-9.]+([kKmMgGtTpP]|[KMGT]iB|[KMGT]B)?"},
      {"<duration>", "[0-9.]+(ms|s|m|h|d)?"},
      {"<text>", ".+"},
  };
  auto it = kForms.find(form);
  return it == kForms.end() ? escape_regex(form) : std::string(it->second);
}

bool has_form(std::string_view allowed) {
  return allowed.find('<') != std::string_view::npos;
}

std::string type_name(ParamType t) {
  switch (t) {
    case ParamType::kInt:
      return "integer";
    case ParamType::kDouble:
      return "number";
    case ParamType::kBool:
      return "true/false";
    case ParamType::kString:
      return "text";
    case ParamType::kDuration:
      return "duration";
    case ParamType::kStringList:
      return "list";
  }
  return "text";
}

nlohmann::json scalar_schema(const ParamSpec& spec) {
  nlohmann::json j;
  switch (spec.type) {
    case ParamType::kInt:
      j["type"] = "integer";
      break;
    case ParamType::kDouble:
      j["type"] = "number";
      break;
    case ParamType::kBool:
      j["type"] = "boolean";
      break;
    case ParamType::kDuration:
      j["type"] = nlohmann::json::array({"string", "number"});
      j["pattern"] = "^" + form_regex("<duration>") + "$";
      break;
    case ParamType::kString:
    case ParamType::kStringList:
      if (spec.allowed.empty()) {
        j["type"] = nlohmann::json::array({"string", "number", "boolean"});
      } else if (!has_form(spec.allowed)) {
        j["enum"] = nlohmann::json::array();
        for (auto v : allowed_values(spec.allowed)) j["enum"].push_back(std::string(v));
        if (spec.default_value.empty()) j["enum"].push_back("");
      } else {
        j["type"] = spec.allowed.find("<int>") != std::string::npos
                        ? nlohmann::json::array({"string", "integer"})
                        : nlohmann::json("string");
        std::string re = allowed_regex(spec.allowed);  // "^(...)$"
        // An empty text is the stage's own default where the declared default is empty.
        if (spec.default_value.empty() && spec.type == ParamType::kString) {
          re = re.substr(0, re.size() - 1) + "?$";
        }
        j["pattern"] = re;
      }
      break;
  }
  if (spec.type != ParamType::kDuration) {
    if (spec.min && spec.type != ParamType::kString) j["minimum"] = *spec.min;
    if (spec.max && spec.type != ParamType::kString) j["maximum"] = *spec.max;
  }
  return j;
}

std::string marker_table(const std::string& stage) {
  auto specs = stage_params(stage);
  if (specs.empty()) return "No parameters.\n";
  std::string out =
      "| parameter | type | default | allowed | description |\n|---|---|---|---|---|\n";
  for (const auto& p : specs) {
    std::string allowed =
        p.allowed.empty() ? "" : fmt::format("`{}`", fmt::join(allowed_values(p.allowed), "`, `"));
    std::string range;
    auto num = [](double v) { return fmt::format("{}", v); };
    std::string unit = p.type == ParamType::kDuration ? "s" : p.unit;
    if (p.min && p.max)
      range = fmt::format("{} to {}", num(*p.min), num(*p.max));
    else if (p.min)
      range = fmt::format(">= {}", num(*p.min));
    else if (p.max)
      range = fmt::format("<= {}", num(*p.max));
    if (!range.empty()) range += unit.empty() ? "" : " " + unit;
    std::string cell = allowed.empty() ? range : (range.empty() ? allowed : allowed + "; " + range);
    if (cell.empty() && !p.unit.empty()) cell = p.unit;
    std::string description = p.description;
    for (std::size_t i = 0; (i = description.find('|', i)) != std::string::npos; i += 2) {
      description.replace(i, 1, "\\|");
    }
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", p.name, type_name(p.type),
                       p.default_value.empty() ? "" : fmt::format("`{}`", p.default_value), cell,
                       description);
  }
  return out;
}

}  // namespace

std::string allowed_regex(std::string_view allowed) {
  std::vector<std::string> alternatives;
  for (auto entry : allowed_values(allowed)) {
    std::string re;
    while (!entry.empty()) {
      auto lt = entry.find('<');
      if (lt == std::string_view::npos) {
        re += escape_regex(entry);
        break;
      }
      re += escape_regex(entry.substr(0, lt));
      auto gt = entry.find('>', lt);
      re += form_regex(entry.substr(lt, gt - lt + 1));
      entry.remove_prefix(gt + 1);
    }
    alternatives.push_back(std::move(re));
  }
  return fmt::format("^({})$", fmt::join(alternatives, "|"));
}

nlohmann::json param_schema(const ParamSpec& spec) {
  nlohmann::json j;
  if (spec.type == ParamType::kStringList) {
    j["type"] = "array";
    j["items"] = scalar_schema(spec);
  } else {
    j = scalar_schema(spec);
  }
  std::string description = spec.description;
  if (!spec.default_value.empty()) description += fmt::format(" (default {})", spec.default_value);
  j["description"] = description;
  return j;
}

Expected<std::string> render_config_schema(const std::string& committed) {
  auto schema = nlohmann::json::parse(committed, nullptr, false);
  if (schema.is_discarded() || !schema.is_object()) {
    return make_error("KILN-CATALOG", "not JSON: the hand-written parts are read from it");
  }
  auto& defs = schema["$defs"];
  auto& entry = schema["oneOf"][0]["properties"]["stages"]["items"];
  entry["properties"]["stage"] = {{"enum", nlohmann::json::array()},
                                  {"description", "a stage of kiln's catalog (docs/stages.md)"}};
  entry["allOf"] = nlohmann::json::array();
  for (const auto& stage : stages()) {
    std::string def = std::string(stage.name) + "_params";
    for (auto& c : def) c = c == '-' ? '_' : c;
    nlohmann::json params{
        {"description", fmt::format("{}'s parameters (generated from the catalog, "
                                    "common/src/catalog/)",
                                    stage.name)},
        {"type", "object"},
        {"additionalProperties", false},
        {"properties", nlohmann::json::object()}};
    for (const auto& spec : stage_params(stage.name))
      params["properties"][spec.name] = param_schema(spec);
    defs[def] = std::move(params);
    entry["properties"]["stage"]["enum"].push_back(std::string(stage.name));
    entry["allOf"].push_back(
        {{"if",
          {{"properties", {{"stage", {{"const", std::string(stage.name)}}}}},
           {"required", {"stage"}}}},
         {"then", {{"properties", {{"params", {{"$ref", "#/$defs/" + def}}}}}}}});
  }
  nlohmann::json limits{{"type", "object"},
                        {"additionalProperties", false},
                        {"description",
                         "limits by group (generated from the limit catalog, "
                         "common/src/limits_catalog.cpp)"},
                        {"properties", nlohmann::json::object()}};
  for (const auto& spec : limit_catalog()) {
    auto dot = spec.name.find('.');
    std::string group(spec.name.substr(0, dot));
    std::string name(spec.name.substr(dot + 1));
    auto& g = limits["properties"][group];
    if (g.is_null()) {
      g = {{"type", "object"},
           {"additionalProperties", false},
           {"properties", nlohmann::json::object()}};
    }
    g["properties"][name] = {{"type", "number"},
                             {"minimum", spec.min},
                             {"maximum", spec.max},
                             {"description", fmt::format("{} ({}, {})", spec.description, spec.unit,
                                                         to_string(spec.op))}};
  }
  defs["limits"] = std::move(limits);
  return schema.dump(2) + "\n";
}

Expected<std::string> render_stages_md(const std::string& committed) {
  std::string out;
  std::size_t pos = 0;
  constexpr std::string_view kOpen = "<!-- params:";
  constexpr std::string_view kClose = "<!-- /params -->";
  for (;;) {
    auto open = committed.find(kOpen, pos);
    if (open == std::string::npos) break;
    auto open_end = committed.find("-->", open);
    auto close = committed.find(kClose, open);
    if (open_end == std::string::npos || close == std::string::npos) {
      return make_error("KILN-CATALOG", fmt::format("unclosed '{}' at offset {}", kOpen, open));
    }
    std::string stage(committed.substr(open + kOpen.size(), open_end - open - kOpen.size()));
    while (!stage.empty() && stage.back() == ' ') stage.pop_back();
    if (find_stage(stage) == nullptr) {
      return make_error("KILN-CATALOG",
                        fmt::format("'{}{}': no such stage in the catalog", kOpen, stage));
    }
    out += committed.substr(pos, open_end + 3 - pos);
    out += "\n" + marker_table(stage);
    pos = close;
  }
  out += committed.substr(pos);
  return out;
}

Expected<std::string> render_configuration_md(const std::string& committed) {
  constexpr std::string_view kOpen = "<!-- limits -->";
  constexpr std::string_view kClose = "<!-- /limits -->";
  auto open = committed.find(kOpen);
  auto close = committed.find(kClose);
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return make_error("KILN-CATALOG", fmt::format("no '{}' ... '{}' block", kOpen, kClose));
  }
  std::string table = "| limit | judged | unit | range | meaning |\n|---|---|---|---|---|\n";
  for (const auto& spec : limit_catalog()) {
    const char* judged = spec.op == Comparison::kGreaterThanOrEqual ? "measured ≥ limit"
                         : spec.op == Comparison::kLessThanOrEqual  ? "measured ≤ limit"
                                                                    : "see the stage";
    table += fmt::format("| `{}` | {} | {} | {} to {} | {} |\n", spec.name, judged, spec.unit,
                         spec.min, spec.max, spec.description);
  }
  return committed.substr(0, open + kOpen.size()) + "\n" + table + committed.substr(close);
}

std::vector<GeneratedFile> generated_files() {
  return {{"results-schema/config.schema.json", render_config_schema},
          {"docs/stages.md", render_stages_md},
          {"docs/configuration.md", render_configuration_md},
          {"docs/failure-codes.md", render_failure_codes_md}};
}

}  // namespace kiln::catalog::docs
