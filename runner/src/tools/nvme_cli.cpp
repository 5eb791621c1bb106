#include "tools/nvme_cli.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"
#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

Expected<nlohmann::json> json_in(std::string_view text, std::string_view what) {
  auto start = scan::line_start_brace(text);
  if (!start) {
    return make_error(std::string(kNvmeParseError),
                      fmt::format("{}: no JSON object in the output", what),
                      "run the command by hand: the device may not be NVMe");
  }
  auto object = scan::balanced_object(text, *start);
  if (!object) {
    return make_error(std::string(kNvmeParseError),
                      fmt::format("{}: the JSON output is truncated", what));
  }
  auto parsed = parse_json(*object, std::string(what), 4U * 1024U * 1024U);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) {
    return make_error(std::string(kNvmeParseError), fmt::format("{}: not a JSON object", what));
  }
  return *parsed;
}

// The object (at any depth, the top first) that holds member `key`.
const nlohmann::json* find_holder(const nlohmann::json& j, std::string_view key, int depth = 0) {
  if (!j.is_object() || depth > 4) return nullptr;
  if (j.contains(key)) return &j;
  for (const auto& [name, member] : j.items()) {
    if (const auto* found = find_holder(member, key, depth + 1)) return found;
  }
  return nullptr;
}

std::string text_of(const nlohmann::json& j, std::string_view key) {
  return std::string(scan::trim(scan::json_text(j, key)));
}

}  // namespace

Expected<NvmeController> parse_nvme_id_ctrl(std::string_view text) {
  auto j = json_in(text, "nvme id-ctrl");
  if (!j) return j.error();
  auto sanicap = scan::json_u64(*j, "sanicap");
  auto oacs = scan::json_u64(*j, "oacs");
  if (!sanicap || !oacs) {
    return make_error(std::string(kNvmeParseError),
                      "nvme id-ctrl: the JSON has no numeric sanicap/oacs fields",
                      "nvme-cli older than 1.0 or a changed output format: update nvme-cli");
  }
  NvmeController c;
  c.sanicap = static_cast<std::uint32_t>(*sanicap);
  c.oacs = static_cast<std::uint32_t>(*oacs);
  c.fna = static_cast<std::uint32_t>(scan::json_u64(*j, "fna").value_or(0));
  c.model = text_of(*j, "mn");
  c.serial = text_of(*j, "sn");
  c.firmware = text_of(*j, "fr");
  return c;
}

Expected<NvmeSanitizeStatus> parse_nvme_sanitize_log(std::string_view text) {
  auto j = json_in(text, "nvme sanitize-log");
  if (!j) return j.error();
  // nvme-cli 1.x: {"nvme0": {"sprog": N, "sstat": N}}; 2.x nests SSTAT:
  // "sstat": {"global_erased": 1, "no_cmplted_passes": 0, "status": "(1) ..."}.
  const nlohmann::json* dev = find_holder(*j, "sstat");
  auto sprog = dev != nullptr ? scan::json_u64(*dev, "sprog") : std::nullopt;
  if (dev == nullptr || !sprog) {
    return make_error(std::string(kNvmeParseError),
                      "nvme sanitize-log: the JSON has no sprog/sstat fields");
  }
  const nlohmann::json& sstat = (*dev)["sstat"];
  NvmeSanitizeStatus st;
  st.sprog = static_cast<std::uint32_t>(*sprog);
  if (sstat.is_number_unsigned() || sstat.is_number_integer()) {
    if (auto v = scan::json_u64(*dev, "sstat")) st.sstat = static_cast<std::uint32_t>(*v);
    return st;
  }
  if (!sstat.is_object()) {
    return make_error(std::string(kNvmeParseError),
                      "nvme sanitize-log: sstat is neither a number nor an object");
  }
  std::optional<std::uint64_t> state = scan::json_u64(sstat, "status");
  if (!state) {  // "(1) Most Recent Sanitize Command Completed Successfully."
    std::string text_status = scan::json_text(sstat, "status");
    if (text_status.size() > 1 && text_status[0] == '(')
      state = scan::leading_u64(std::string_view(text_status).substr(1));
  }
  if (!state) {
    return make_error(std::string(kNvmeParseError),
                      "nvme sanitize-log: sstat has no readable status");
  }
  st.sstat =
      static_cast<std::uint32_t>(*state & 0x7U) |
      static_cast<std::uint32_t>((scan::json_u64(sstat, "global_erased").value_or(0) & 1U) << 8U) |
      static_cast<std::uint32_t>((scan::json_u64(sstat, "no_cmplted_passes").value_or(0) & 0x1fU)
                                 << 3U);
  return st;
}

std::string nvme_controller_of(const std::string& namespace_path) {
  // "/dev/nvme12n3" -> "/dev/nvme12": cut at the 'n' that follows the controller number.
  auto base = namespace_path.rfind("nvme");
  if (base == std::string::npos) return namespace_path;
  std::size_t i = base + 4;
  while (i < namespace_path.size() && namespace_path[i] >= '0' && namespace_path[i] <= '9') ++i;
  return namespace_path.substr(0, i);
}

std::vector<std::string> nvme_id_ctrl_argv(const std::string& device) {
  return {"nvme", "id-ctrl", device, "-o", "json"};
}

std::vector<std::string> nvme_sanitize_argv(const std::string& controller,
                                            NvmeSanitizeAction action) {
  return {"nvme", "sanitize", controller, fmt::format("--sanact={}", static_cast<int>(action))};
}

std::vector<std::string> nvme_sanitize_log_argv(const std::string& controller) {
  return {"nvme", "sanitize-log", controller, "-o", "json"};
}

std::vector<std::string> nvme_format_argv(const std::string& namespace_path, int ses) {
  return {"nvme", "format", namespace_path, fmt::format("--ses={}", ses), "--force"};
}

}  // namespace kiln::tools
