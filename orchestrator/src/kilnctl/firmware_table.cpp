#include "kilnctl/firmware_table.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"
#include "kilnctl/summary_table.hpp"

namespace kiln::orchestrator {

std::string firmware_table(const nlohmann::json& summary) {
  const auto* fw = json_path(summary, {"firmware"});
  if (fw == nullptr || !fw->is_object()) return {};
  std::string out = "\nFIRMWARE (nodes per value)\n";
  const auto* items = json_path(*fw, {"items"});
  if (items == nullptr || !items->is_array() || items->empty()) {
    out += "(no firmware recorded in the reports yet: the inventory stage records it)\n";
  } else {
    for (const auto& item : *items) out += json_string(item, "summary").value_or("?") + "\n";
  }
  const auto* findings = json_path(*fw, {"findings"});
  if (findings != nullptr && findings->is_array() && !findings->empty()) {
    out += "\nSYSTEMATIC FINDINGS (the batch is not uniform)\n";
    for (const auto& f : *findings) out += json_string(f, "message").value_or("?") + "\n";
  } else {
    out += "\nno systematic findings\n";
  }
  const auto* flags = json_path(summary, {"firmware_flags"});
  if (flags != nullptr && flags->is_object() && !flags->empty()) {
    out += "\nflagged nodes\n";
    for (const auto& [node, messages] : flags->items()) {
      for (const auto& m : messages) {
        out += fmt::format("  {}: {}\n", node, m.is_string() ? m.get<std::string>() : m.dump());
      }
    }
  }
  return out;
}

std::string delivery_show_table(const nlohmann::json& delivery) {
  std::string out = delivery_with_summary_table(delivery);
  if (const auto* summary = json_path(delivery, {"summary"}); summary != nullptr)
    out += firmware_table(*summary);
  return out;
}

}  // namespace kiln::orchestrator
