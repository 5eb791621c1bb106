// Loading a configuration directory and resolving it for one node.
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kiln/catalog/param_check.hpp"
#include "kiln/config.hpp"
#include "kiln/text.hpp"

namespace kiln {
namespace {

Expected<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("KILN-CONFIG", fmt::format("{}: cannot open", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void apply(ExpectedInventory& base, const ExpectedInventory& over) {
  auto take = [](auto& dst, const auto& src) {
    if (src) dst = src;
  };
  take(base.cpu_model, over.cpu_model);
  take(base.cpu_sockets, over.cpu_sockets);
  take(base.cpu_cores, over.cpu_cores);
  take(base.cpu_threads, over.cpu_threads);
  take(base.ram_gib, over.ram_gib);
  take(base.ram_tolerance_gib, over.ram_tolerance_gib);
  take(base.dimm_count, over.dimm_count);
  take(base.disk_count, over.disk_count);
  if (!over.disk_models.empty()) base.disk_models = over.disk_models;
  take(base.disk_min_size_gb, over.disk_min_size_gb);
  take(base.nic_count, over.nic_count);
  take(base.nic_speed_mbps, over.nic_speed_mbps);
}

template <class T>
void put(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

nlohmann::json to_json(const ExpectedInventory& e) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "cpu_model", e.cpu_model);
  put(j, "cpu_sockets", e.cpu_sockets);
  put(j, "cpu_cores", e.cpu_cores);
  put(j, "cpu_threads", e.cpu_threads);
  put(j, "ram_gib", e.ram_gib);
  put(j, "ram_tolerance_gib", e.ram_tolerance_gib);
  put(j, "dimm_count", e.dimm_count);
  put(j, "disk_count", e.disk_count);
  if (!e.disk_models.empty()) j["disk_models"] = e.disk_models;
  put(j, "disk_min_size_gb", e.disk_min_size_gb);
  put(j, "nic_count", e.nic_count);
  put(j, "nic_speed_mbps", e.nic_speed_mbps);
  return j;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string_view to_string(RebootPolicy policy) {
  switch (policy) {
    case RebootPolicy::kFail:
      return "fail";
    case RebootPolicy::kRetryStage:
      return "retry_stage";
    case RebootPolicy::kContinue:
      return "continue";
  }
  return "fail";
}

std::optional<RebootPolicy> reboot_policy_from_string(std::string_view text) {
  for (auto p : {RebootPolicy::kFail, RebootPolicy::kRetryStage, RebootPolicy::kContinue}) {
    if (text == to_string(p)) return p;
  }
  return std::nullopt;
}

nlohmann::json to_json(const ResolvedConfig& c) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : c.profile.stages) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [name, value] : s.params) {
      params[name] = value.is_list ? nlohmann::json(value.list) : nlohmann::json(value.text);
    }
    stages.push_back({{"stage", s.stage}, {"params", params}});
  }
  nlohmann::json j{{"delivery", c.delivery_tag},
                   {"delivery_matched", c.delivery_matched},
                   {"asset_tag", c.asset_tag},
                   {"require_serial_match_dmi", c.require_serial_match_dmi},
                   {"profile", {{"name", c.profile.name}, {"stages", stages}}},
                   {"expected", to_json(c.expected)},
                   {"limits", c.limits}};
  if (c.override_serial) j["override_serial"] = *c.override_serial;
  // Only when set: the hash of every config written before the key existed stays the same.
  if (c.require_network_boot_first) j["require_network_boot_first"] = true;
  if (c.watchdog) j["watchdog"] = true;  // only when set, like the key above
  // Only when not the default, so the hash of every config written before stays the same.
  if (c.on_unexpected_reboot != RebootPolicy::kFail) {
    j["on_unexpected_reboot"] = std::string(to_string(c.on_unexpected_reboot));
  }
  // Only when set, so the hash of a delivery without firmware rules is unchanged.
  if (!c.firmware.empty()) j["firmware"] = to_json(c.firmware);
  return j;
}

Expected<ConfigSet> load_config_dir(const std::filesystem::path& dir) {
  ConfigSet set;
  set.source_dir = dir.string();
  if (!std::filesystem::is_directory(dir / "profiles")) {
    return make_error(
        "KILN-CONFIG",
        fmt::format("{}: no 'profiles' folder (is this a kiln config dir?)", dir.string()));
  }
  for (const auto& file : yaml_files(dir / "profiles")) {
    auto text = read_text(file);
    if (!text) return text.error();
    auto profile = parse_profile(*text, file.string());
    if (!profile) return profile.error();
    // Every stage and parameter against the catalog, before anything runs
    // (the runner plans from this set, the orchestrator serves it).
    if (auto checked = catalog::check_profile(*profile); !checked) return checked.error();
    auto [it, inserted] = set.profiles.emplace(profile->name, *profile);
    if (!inserted) {
      return make_error("KILN-CONFIG", fmt::format("{}: profile '{}' is already defined in {}",
                                                   profile->where.describe(), profile->name,
                                                   it->second.where.describe()));
    }
  }
  for (const auto& file : yaml_files(dir / "deliveries")) {
    auto text = read_text(file);
    if (!text) return text.error();
    auto delivery = parse_delivery(*text, file.string());
    if (!delivery) return delivery.error();
    delivery->source_sha256 = sha256_hex(*text);
    if (!set.profiles.contains(delivery->profile)) {
      std::vector<std::string> names;
      for (const auto& [name, p] : set.profiles) names.push_back(name);
      return make_error("KILN-CONFIG",
                        fmt::format("{}: delivery '{}' names profile '{}', which does not exist "
                                    "(profiles: {})",
                                    delivery->where.describe(), delivery->tag, delivery->profile,
                                    fmt::join(names, ", ")));
    }
    if (delivery->tag == "default") {
      if (set.default_delivery) {
        return make_error(
            "KILN-CONFIG",
            fmt::format("{}: the default delivery is already defined in {}",
                        delivery->where.describe(), set.default_delivery->where.describe()));
      }
      set.default_delivery = *delivery;
      continue;
    }
    auto [it, inserted] = set.deliveries.emplace(delivery->tag, *delivery);
    if (!inserted) {
      return make_error("KILN-CONFIG", fmt::format("{}: delivery '{}' is already defined in {}",
                                                   delivery->where.describe(), delivery->tag,
                                                   it->second.where.describe()));
    }
  }
  return set;
}

Expected<ResolvedConfig> resolve(const ConfigSet& configs, const FruInfo& fru,
                                 const std::optional<std::string>& profile_override) {
  ResolvedConfig rc;
  rc.asset_tag = std::string(trim(fru.product_asset_tag));
  const Delivery* delivery = nullptr;
  if (auto it = configs.deliveries.find(rc.asset_tag);
      !rc.asset_tag.empty() && it != configs.deliveries.end()) {
    delivery = &it->second;
    rc.delivery_matched = true;
  } else if (configs.default_delivery) {
    delivery = &*configs.default_delivery;
  } else {
    return make_error("KILN-CONFIG-NO-DELIVERY",
                      fmt::format("no delivery matches FRU asset tag '{}' and no default delivery "
                                  "is configured in {}",
                                  rc.asset_tag, configs.source_dir),
                      "add a delivery file for this asset tag, or a default.yaml");
  }
  rc.delivery_tag = delivery->tag;
  rc.require_serial_match_dmi = delivery->require_serial_match_dmi;
  rc.require_network_boot_first = delivery->require_network_boot_first;
  rc.watchdog = delivery->watchdog;
  rc.on_unexpected_reboot = delivery->on_unexpected_reboot;
  rc.expected = delivery->expected;
  rc.limits = delivery->limits;
  rc.firmware = delivery->firmware;
  std::string serial(trim(fru.product_serial));
  for (const auto& o : delivery->overrides) {
    if (!serial.empty() && o.serial == serial) {
      rc.override_serial = o.serial;
      apply(rc.expected, o.expected);
      for (const auto& [name, value] : o.limits) rc.limits[name] = value;
    }
  }
  std::string profile_name = profile_override.value_or(delivery->profile);
  auto pit = configs.profiles.find(profile_name);
  if (pit == configs.profiles.end()) {
    return make_error("KILN-CONFIG", fmt::format("profile '{}' does not exist in {}", profile_name,
                                                 configs.source_dir));
  }
  rc.profile = pit->second;
  // replace: a FRU string that is not UTF-8 must not throw here (the parsers
  // make theirs valid; a FruInfo may come from elsewhere).
  rc.hash = sha256_hex(to_json(rc).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return rc;
}

}  // namespace kiln
