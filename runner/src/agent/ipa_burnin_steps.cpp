#include "agent/ipa_burnin_steps.hpp"

#include <fmt/format.h>

#include "agent/step_entries.hpp"
#include "kiln/json_input.hpp"

namespace kiln::runner::agent {
namespace {

// IPA's defaults for its burnin_* steps (ironic_python_agent/burnin.py), so a
// node's driver_info means the same under kiln's image as under IPA's.
constexpr long long kIpaStressTimeoutS = 86400;
constexpr long long kIpaDiskLoops = 4;
constexpr long long kIpaNetworkRuntimeS = 21600;
constexpr long long kIpaPairingTimeoutS = 900;

// driver_info values arrive as JSON numbers or as strings ("4"): a
// non-negative whole number either way.
Expected<std::optional<long long>> info_count(const nlohmann::json& info, const std::string& key) {
  const auto* v = json_path(info, {key});
  if (v == nullptr || v->is_null()) return std::optional<long long>{};
  if (v->is_number_integer() || v->is_number_unsigned()) {
    long long n = v->is_number_unsigned() ? static_cast<long long>(v->get<unsigned long long>())
                                          : v->get<long long>();
    if (n >= 0) return std::optional<long long>{n};
  } else if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (!s.empty() && s.size() < 12 && s.find_first_not_of("0123456789") == std::string::npos) {
      return std::optional<long long>{std::stoll(s)};
    }
  }
  return make_error(
      "KILN-STEP-ARGS",
      fmt::format("driver_info {} = {}: expected a whole number >= 0", key, v->dump()));
}

Expected<long long> info_count_or(const nlohmann::json& info, const std::string& key,
                                  long long fallback) {
  auto v = info_count(info, key);
  if (!v) return v.error();
  return v->value_or(fallback);
}

bool info_true(const nlohmann::json& info, const std::string& key) {
  const auto* v = json_path(info, {key});
  if (v == nullptr) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    return s == "true" || s == "True" || s == "1" || s == "yes";
  }
  return v->is_number_integer() && v->get<long long>() != 0;
}

std::string from_info(const std::string& key) {
  return "driver_info " + key;
}

// agent_burnin_vm_vm-bytes: "98%" (IPA's default) or a size ("4G", "512M", "1048576").
Expected<std::pair<std::string, std::string>> vm_bytes_param(const nlohmann::json& info) {
  const std::string key = "agent_burnin_vm_vm-bytes";
  std::string text = json_string(info, key).value_or("98%");
  if (const auto* v = json_path(info, {key}); v != nullptr && v->is_number_integer()) {
    text = std::to_string(v->get<long long>());
  }
  auto bad = [&] {
    return make_error("KILN-STEP-ARGS",
                      fmt::format("driver_info {} = '{}': expected a percentage (98%) or a "
                                  "size in bytes with an optional K, M, G or T suffix",
                                  key, text));
  };
  if (text.empty()) return bad();
  if (text.back() == '%') {
    std::string number = text.substr(0, text.size() - 1);
    if (number.empty() || number.size() > 3 ||
        number.find_first_not_of("0123456789") != std::string::npos)
      return bad();
    return std::pair{std::string("share_percent"), number};
  }
  double factor = 1.0 / (1024.0 * 1024.0);
  std::string number = text;
  const std::string suffixes = "kKmMgGtT";
  if (auto pos = suffixes.find(text.back()); pos != std::string::npos) {
    static const double kFactors[] = {1.0 / 1024, 1.0, 1024.0, 1024.0 * 1024};
    factor = kFactors[pos / 2];
    number.pop_back();
  }
  if (number.empty() || number.size() > 15 ||
      number.find_first_not_of("0123456789") != std::string::npos)
    return bad();
  auto mib = static_cast<long long>(static_cast<double>(std::stoll(number)) * factor);
  if (mib < 1) return bad();
  return std::pair{std::string("max_mib"), std::to_string(mib)};
}

}  // namespace

Expected<StepPlan> plan_burnin_cpu(const nlohmann::json& info) {
  auto timeout = info_count_or(info, "agent_burnin_cpu_timeout", kIpaStressTimeoutS);
  if (!timeout) return timeout.error();
  auto count = info_count_or(info, "agent_burnin_cpu_cpu", 0);
  if (!count) return count.error();
  StepPlan plan;
  plan.step = "burnin_cpu";
  plan.stages = std::vector<StageEntry>{stage_entry(
      "cpu",
      {{"duration",
        text_value(std::to_string(*timeout) + "s", from_info("agent_burnin_cpu_timeout"))},
       {"workers", text_value(std::to_string(*count), from_info("agent_burnin_cpu_cpu"))}},
      plan.step)};
  return plan;
}

Expected<StepPlan> plan_burnin_memory(const nlohmann::json& info) {
  auto timeout = info_count_or(info, "agent_burnin_vm_timeout", kIpaStressTimeoutS);
  if (!timeout) return timeout.error();
  auto count = info_count_or(info, "agent_burnin_vm_vm", 0);
  if (!count) return count.error();
  auto bytes = vm_bytes_param(info);
  if (!bytes) return bytes.error();
  StepPlan plan;
  plan.step = "burnin_memory";
  // stress-ng --vm --verify for the timeout, then kiln's pattern engine
  // time-boxed to the same (passes 0: until the time is up).
  const std::string seconds = std::to_string(*timeout) + "s";
  std::map<std::string, ParamValue> params{
      {"duration", text_value(seconds, from_info("agent_burnin_vm_timeout"))},
      {"memtest_duration", text_value(seconds, from_info("agent_burnin_vm_timeout"))},
      {"memtest_passes", text_value("0", from_info("agent_burnin_vm_timeout"))},
      {"workers", text_value(std::to_string(*count), from_info("agent_burnin_vm_vm"))},
      {bytes->first, text_value(bytes->second, from_info("agent_burnin_vm_vm-bytes"))}};
  if (bytes->first == "max_mib")
    params["memtest_size_mib"] = text_value(bytes->second, from_info("agent_burnin_vm_vm-bytes"));
  plan.stages = std::vector<StageEntry>{stage_entry("memory", std::move(params), plan.step)};
  return plan;
}

Expected<StepPlan> plan_burnin_disk(const nlohmann::json& info) {
  auto loops = info_count_or(info, "agent_burnin_fio_disk_loops", kIpaDiskLoops);
  if (!loops) return loops.error();
  auto runtime = info_count_or(info, "agent_burnin_fio_disk_runtime", 0);
  if (!runtime) return runtime.error();
  StepPlan plan;
  plan.step = "burnin_disk";
  plan.destructive = true;  // IPA's burnin_disk writes too: asking for it is the go-ahead
  std::vector<StageEntry> stages{stage_entry(
      "disk",
      {{"mode", text_value("write", "clean step burnin_disk")},
       {"passes", text_value(std::to_string(std::max(1LL, *loops)),
                             from_info("agent_burnin_fio_disk_loops"))},
       {"selftest",
        text_value(info_true(info, "agent_burnin_fio_disk_smart_test") ? "short" : "none",
                   from_info("agent_burnin_fio_disk_smart_test"))}},
      plan.step)};
  if (*runtime > 0) {
    stages.push_back(stage_entry(
        "disk-perf",
        {{"runtime",
          text_value(std::to_string(*runtime) + "s", from_info("agent_burnin_fio_disk_runtime"))},
         {"write", text_value("true", "clean step burnin_disk")}},
        plan.step));
  }
  plan.stages = std::move(stages);
  return plan;
}

Expected<StepPlan> plan_burnin_network(const nlohmann::json& info) {
  auto runtime = info_count_or(info, "agent_burnin_fio_network_runtime", kIpaNetworkRuntimeS);
  if (!runtime) return runtime.error();
  auto window =
      info_count_or(info, "agent_burnin_fio_network_pairing_timeout", kIpaPairingTimeoutS);
  if (!window) return window.error();
  std::map<std::string, ParamValue> params{
      {"duration",
       text_value(std::to_string(*runtime) + "s", from_info("agent_burnin_fio_network_runtime"))},
      {"window", text_value(std::to_string(*window) + "s",
                            from_info("agent_burnin_fio_network_pairing_timeout"))}};
  if (const auto* config = json_path(info, {"agent_burnin_fio_network_config"});
      config != nullptr && !config->is_null()) {
    const std::string where = from_info("agent_burnin_fio_network_config");
    auto partner = config->is_object() ? json_string(*config, "partner") : std::nullopt;
    if (!partner || partner->empty()) {
      return make_error(
          "KILN-STEP-ARGS",
          fmt::format("{} = {}: expected {{\"role\": \"writer\"|\"reader\", \"partner\": ADDRESS}}",
                      where, config->dump()));
    }
    // A static pair: kiln announces to the partner by unicast; both roles run
    // both directions, so the role only needs to be valid.
    auto role = json_string(*config, "role").value_or("");
    if (role != "writer" && role != "reader") {
      return make_error("KILN-STEP-ARGS",
                        fmt::format("{}: role '{}' is not writer or reader", where, role));
    }
    params["peers"] = list_value({*partner}, where);
    params["min_nodes"] = text_value("2", where);
  }
  StepPlan plan;
  plan.step = "burnin_network";
  plan.stages = std::vector<StageEntry>{stage_entry("network", std::move(params), plan.step)};
  return plan;
}
}  // namespace kiln::runner::agent
