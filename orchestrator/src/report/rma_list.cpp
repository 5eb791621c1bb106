#include "report/rma_list.hpp"

#include <fmt/format.h>

#include "kiln/catalog/component.hpp"
#include "kiln/catalog/failure_codes.hpp"
#include "kiln/json_input.hpp"
#include "report/tender_requirements.hpp"

namespace kiln::orchestrator {
namespace {

bool is_part_to_return(const std::string& code, const std::string& component) {
  if (component.empty() || component == "memory" || component == "disks" ||
      component == "network" || component == "BIOS" || component == "BMC")
    return false;
  if (const auto* known = catalog::find_failure_code(code); known != nullptr)
    return known->returns_part;
  // Reports stored before these findings had catalog codes.
  return !code.starts_with("firmware-") && code != "dimm-speed-below-rated";
}

std::string value_text(const nlohmann::json& v) {
  if (v.is_number()) return number_text(v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// Model and serial the report knows elsewhere: the part's hardware identity
// on a measurement, else the firmware inventory's disk / DIMM / NIC entries.
void fill_identity(const nlohmann::json& report, const nlohmann::json& stage, RmaLine& line) {
  if (const auto* ms = json_path(stage, {"measurements"}); ms != nullptr && ms->is_array()) {
    for (const auto& m : *ms) {
      if (json_string(m, "component").value_or("") != line.component) continue;
      const auto* hw = json_path(m, {"hardware"});
      auto id = hw != nullptr ? catalog::identity_from_json(*hw) : std::nullopt;
      if (!id) continue;
      if (!id->serial.empty()) line.serial = id->serial;
      if (!id->model.empty()) line.model = id->model;
      if (!id->location.empty()) line.slot = id->location;
      break;
    }
  }
  if (!line.model.empty()) return;
  const auto* fw = json_path(report, {"firmware"});
  if (fw == nullptr) return;
  auto match = [&](const char* list, const char* serial_key, const char* alt_key,
                   const char* model_key) {
    const auto* items = json_path(*fw, {list});
    if (items == nullptr || !items->is_array()) return;
    for (const auto& x : *items) {
      const std::string serial = json_string(x, serial_key).value_or("");
      const std::string alt = json_string(x, alt_key).value_or("");
      const bool same = (!serial.empty() && serial == line.serial) ||
                        (!alt.empty() && (alt == line.slot || "/dev/" + alt == line.slot));
      if (!same) continue;
      line.model = json_string(x, model_key).value_or("");
      if (line.serial.empty()) line.serial = serial;
      return;
    }
  };
  if (line.kind == "disk") match("disks", "serial", "name", "model");
  if (line.kind == "DIMM") match("dimms", "serial", "locator", "part_number");
  if (line.kind == "NIC") match("nics", "mac", "name", "driver");
}

}  // namespace

void parse_component(const std::string& component, RmaLine& line) {
  const auto space = component.find(' ');
  line.kind = component.substr(0, space);
  if (space == std::string::npos) return;
  std::string rest = component.substr(space + 1);
  std::string inner;
  if (auto open = rest.find(" ("); open != std::string::npos && rest.back() == ')') {
    inner = rest.substr(open + 2, rest.size() - open - 3);
    rest = rest.substr(0, open);
  }
  if (inner.starts_with("serial ")) {  // "DIMM A1 (serial X)"
    line.slot = rest;
    line.serial = inner.substr(7);
  } else if (line.kind == "NIC") {  // "NIC eth0 (MAC aa:bb, PCI 0000:3b:00.0)"
    line.slot = rest;
    if (auto mac = inner.find("MAC "); mac != std::string::npos)
      line.serial = inner.substr(mac + 4, inner.find(',', mac) - mac - 4);
    if (auto pci = inner.find("PCI "); pci != std::string::npos)
      line.slot += ", " + inner.substr(pci + 4);
  } else {  // "disk S3Z9NX0K (/dev/sdb)", "disk /dev/loop3"
    if (rest.starts_with("/dev/")) {
      line.slot = rest;
    } else {
      line.serial = rest;
      line.slot = inner;
    }
  }
}

std::vector<RmaLine> rma_lines(const std::vector<DeliveryNode>& nodes) {
  std::vector<RmaLine> out;
  for (const auto& n : nodes) {
    const auto* stages = json_path(n.report, {"stages"});
    if (stages == nullptr || !stages->is_array()) continue;
    for (const auto& stage : *stages) {
      const auto* diagnoses = json_path(stage, {"diagnoses"});
      if (diagnoses == nullptr || !diagnoses->is_array()) continue;
      for (const auto& d : *diagnoses) {
        if (json_string(d, "type").value_or("") != "FAIL") continue;
        RmaLine line;
        line.node = &n.node;
        line.stage = json_string(stage, "name").value_or("");
        line.component = json_string(d, "component").value_or("");
        line.code = json_string(d, "verdict").value_or("");
        line.message = json_string(d, "message").value_or("");
        if (!is_part_to_return(line.code, line.component)) continue;
        parse_component(line.component, line);
        fill_identity(n.report, stage, line);
        if (const auto* ms = json_path(stage, {"measurements"}); ms != nullptr && ms->is_array()) {
          for (const auto& m : *ms) {
            if (json_string(m, "component").value_or("") != line.component) continue;
            const auto* limits = json_path(m, {"limits"});
            if (limits == nullptr || !limits->is_array()) continue;
            for (const auto& l : *limits) {
              const auto* passed = json_path(l, {"passed"});
              if (passed == nullptr || !passed->is_boolean() || passed->get<bool>()) continue;
              const auto* threshold = json_path(l, {"threshold"});
              const auto* value = json_path(m, {"value"});
              line.evidence.push_back(RmaEvidence{
                  json_string(m, "name").value_or(""), value != nullptr ? value_text(*value) : "",
                  json_string(m, "unit").value_or(""),
                  fmt::format("{} {} ({})",
                              comparison_symbol(json_string(l, "comparison").value_or("")),
                              threshold != nullptr ? value_text(*threshold) : "?",
                              json_string(l, "name").value_or(""))});
            }
          }
        }
        out.push_back(std::move(line));
      }
    }
  }
  return out;
}

nlohmann::json to_json(const RmaLine& l) {
  nlohmann::json evidence = nlohmann::json::array();
  for (const auto& e : l.evidence) {
    evidence.push_back(
        {{"measurement", e.measurement}, {"value", e.value}, {"unit", e.unit}, {"limit", e.limit}});
  }
  return {{"node_uuid", l.node->uuid},
          {"node_serial", l.node->serial},
          {"stage", l.stage},
          {"component", l.component},
          {"kind", l.kind},
          {"serial", l.serial},
          {"model", l.model},
          {"slot", l.slot},
          {"code", l.code},
          {"message", l.message},
          {"evidence", evidence}};
}

}  // namespace kiln::orchestrator
