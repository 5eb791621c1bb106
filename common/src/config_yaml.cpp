// Strict YAML parsing of profiles and deliveries: every unknown key, wrong
// type or missing field is an error naming file, line and key.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "kiln/config.hpp"
#include "kiln/limits_catalog.hpp"
#include "kiln/utf8.hpp"

namespace kiln {
namespace {

struct ConfigError {
  Error error;
};

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    throw ConfigError{make_error("KILN-CONFIG", fmt::format("{}: {}", where(node).describe(), what),
                                 "fix the configuration file and run `kiln-runner plan` again")};
  }

  SourceRef where(const YAML::Node& node) const {
    int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    return SourceRef{file_, line};
  }

  void expect_map(const YAML::Node& node, const std::string& context) const {
    if (!node.IsMap()) fail(node, fmt::format("'{}' must be a mapping of key: value", context));
  }

  // Rejects keys not in `known`, naming the closest list.
  void check_keys(const YAML::Node& map, const std::string& context,
                  const std::vector<std::string>& known) const {
    for (const auto& kv : map) {
      auto key = kv.first.as<std::string>("");
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(kv.first, fmt::format("unknown key '{}' in {} (known keys: {})", key, context,
                                   fmt::join(known, ", ")));
      }
    }
  }

  std::string string_at(const YAML::Node& map, const std::string& key, const std::string& context,
                        bool required) const {
    const YAML::Node node = map[key];
    if (!node) {
      if (required) fail(map, fmt::format("missing required key '{}' in {}", key, context));
      return {};
    }
    if (!node.IsScalar()) fail(node, fmt::format("'{}' in {} must be a string", key, context));
    return node.Scalar();
  }

  double number(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, fmt::format("'{}' must be a number", key));
    const std::string& s = node.Scalar();
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end == nullptr || *end != '\0' || !std::isfinite(v)) {
      fail(node, fmt::format("'{}' must be a number, got '{}'", key, s));
    }
    return v;
  }

  int integer(const YAML::Node& node, const std::string& key) const {
    double v = number(node, key);
    if (v != std::floor(v) || v < 0 || v > 1e9) {
      fail(node, fmt::format("'{}' must be a whole number >= 0, got '{}'", key, node.Scalar()));
    }
    return static_cast<int>(v);
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    if (node.IsScalar()) {
      const std::string& s = node.Scalar();
      if (s == "true") return true;
      if (s == "false") return false;
    }
    fail(node, fmt::format("'{}' must be true or false", key));
  }

  ExpectedInventory expected(const YAML::Node& node) const {
    expect_map(node, "expected");
    check_keys(node, "'expected'",
               {"cpu_model", "cpu_sockets", "cpu_cores", "cpu_threads", "ram_gib",
                "ram_tolerance_gib", "dimm_count", "disk_count", "disk_models", "disk_min_size_gb",
                "nic_count", "nic_speed_mbps"});
    ExpectedInventory e;
    for (const auto& kv : node) {
      auto key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "cpu_model") {
        if (!v.IsScalar()) fail(v, "'cpu_model' must be a string");
        e.cpu_model = v.Scalar();
      } else if (key == "cpu_sockets") {
        e.cpu_sockets = integer(v, key);
      } else if (key == "cpu_cores") {
        e.cpu_cores = integer(v, key);
      } else if (key == "cpu_threads") {
        e.cpu_threads = integer(v, key);
      } else if (key == "ram_gib") {
        e.ram_gib = number(v, key);
      } else if (key == "ram_tolerance_gib") {
        e.ram_tolerance_gib = number(v, key);
      } else if (key == "dimm_count") {
        e.dimm_count = integer(v, key);
      } else if (key == "disk_count") {
        e.disk_count = integer(v, key);
      } else if (key == "disk_models") {
        if (!v.IsSequence()) fail(v, "'disk_models' must be a list of strings");
        for (const auto& item : v) {
          if (!item.IsScalar()) fail(item, "'disk_models' entries must be strings");
          e.disk_models.push_back(item.Scalar());
        }
      } else if (key == "disk_min_size_gb") {
        e.disk_min_size_gb = number(v, key);
      } else if (key == "nic_count") {
        e.nic_count = integer(v, key);
      } else if (key == "nic_speed_mbps") {
        e.nic_speed_mbps = integer(v, key);
      }
    }
    return e;
  }

  // {version: "2.17.1"} or {min: "2.17.0"}: one of the two, a non-empty string.
  VersionRule version_rule(const YAML::Node& node, const std::string& context) const {
    expect_map(node, context);
    check_keys(node, "'" + context + "'", {"version", "min"});
    VersionRule rule;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (!kv.second.IsScalar() || kv.second.Scalar().empty()) {
        fail(kv.second, fmt::format("'{}.{}' must be a version string", context, key));
      }
      (key == "version" ? rule.exact : rule.min) = kv.second.Scalar();
    }
    if (rule.exact.has_value() == rule.min.has_value()) {
      fail(node,
           fmt::format("'{}' needs exactly one of 'version' (exact) or 'min' (at least)", context));
    }
    return rule;
  }

  // firmware: {bios: RULE, bmc: RULE, disks: {MODEL: RULE}, nics: {DRIVER|PCI-ID: RULE},
  //            dimm_speed_at_rated: BOOL, microcode_min: VERSION}
  FirmwareRequirements firmware(const YAML::Node& node) const {
    expect_map(node, "firmware");
    check_keys(node, "'firmware'",
               {"bios", "bmc", "disks", "nics", "dimm_speed_at_rated", "microcode_min"});
    FirmwareRequirements f;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "bios") {
        f.bios = version_rule(v, "firmware.bios");
      } else if (key == "bmc") {
        f.bmc = version_rule(v, "firmware.bmc");
      } else if (key == "disks" || key == "nics") {
        if (!v.IsMap() || v.size() == 0) {
          fail(v, fmt::format("'firmware.{}' must map a {} to {{version: …}} or {{min: …}}", key,
                              key == "disks" ? "disk model" : "NIC driver or PCI id"));
        }
        auto& rules = key == "disks" ? f.disks : f.nics;
        for (const auto& item : v) {
          const std::string name = item.first.as<std::string>("");
          if (name.empty())
            fail(item.first, fmt::format("'firmware.{}' keys must not be empty", key));
          rules[name] = version_rule(item.second, fmt::format("firmware.{}.{}", key, name));
        }
      } else if (key == "dimm_speed_at_rated") {
        f.dimm_speed_at_rated = boolean(v, "firmware.dimm_speed_at_rated");
      } else if (key == "microcode_min") {
        if (!v.IsScalar() || v.Scalar().empty()) {
          fail(v, "'firmware.microcode_min' must be a version string such as \"0x2007006\"");
        }
        f.microcode_min = v.Scalar();
      }
    }
    return f;
  }

  // limits: { disk: { bad_blocks_max: 0 } } -> "disk.bad_blocks_max"
  LimitValues limits(const YAML::Node& node) const {
    expect_map(node, "limits");
    LimitValues out;
    for (const auto& group : node) {
      auto group_name = group.first.as<std::string>("");
      if (!group.second.IsMap()) {
        fail(group.second,
             fmt::format("'limits.{}' must be a mapping of limit: value", group_name));
      }
      for (const auto& kv : group.second) {
        std::string name = group_name + "." + kv.first.as<std::string>("");
        if (find_limit_spec(name) == nullptr) {
          std::vector<std::string> known;
          for (const auto& spec : limit_catalog()) {
            if (spec.name.starts_with(group_name + ".")) known.emplace_back(spec.name);
          }
          fail(kv.first, fmt::format("unknown limit 'limits.{}'{}", name,
                                     known.empty() ? std::string(" (unknown group)")
                                                   : fmt::format(" (known in '{}': {})", group_name,
                                                                 fmt::join(known, ", "))));
        }
        out[name] = number(kv.second, "limits." + name);
        if (auto problem = limit_value_problem(*find_limit_spec(name), out[name]);
            !problem.empty()) {
          fail(kv.second, fmt::format("'limits.{}': {}", name, problem));
        }
      }
    }
    return out;
  }

  std::map<std::string, ParamValue> params(const YAML::Node& node) const {
    expect_map(node, "params");
    std::map<std::string, ParamValue> out;
    for (const auto& kv : node) {
      ParamValue p;
      p.where = where(kv.first);
      if (kv.second.IsSequence()) {
        p.is_list = true;
        for (const auto& item : kv.second) {
          if (!item.IsScalar()) fail(item, "list parameters must hold plain values");
          p.list.push_back(item.Scalar());
        }
      } else if (kv.second.IsScalar()) {
        p.text = kv.second.Scalar();
      } else {
        fail(kv.second,
             fmt::format("parameter '{}' must be a value or a list", kv.first.as<std::string>("")));
      }
      out[kv.first.as<std::string>("")] = std::move(p);
    }
    return out;
  }

 private:
  std::string file_;
};

// yaml-cpp decodes the escapes \N and \_ of a double-quoted scalar to the bare
// bytes 0x85 and 0xA0, not UTF-8: a valid file can still yield a key or value
// that kiln's JSON cannot carry, so every decoded scalar is checked as well.
void check_decoded_utf8(const YAML::Node& node, const std::string& file) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (auto bad = first_invalid_utf8(text); bad != std::string::npos) {
      throw ConfigError{make_error(
          "KILN-CONFIG",
          fmt::format("{}: the value decodes to bytes that are not UTF-8 (byte 0x{:02X}; "
                      "yaml-cpp turns the escapes \\N and \\_ into bare bytes)",
                      YamlReader(file).where(node).describe(),
                      static_cast<unsigned char>(text[bad])),
          "write the character itself, or the escape \\u0085 / \\u00A0")};
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) check_decoded_utf8(item, file);
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      check_decoded_utf8(kv.first, file);
      check_decoded_utf8(kv.second, file);
    }
  }
}

YAML::Node load_document(std::string_view text, const std::string& file) {
  // yaml-cpp takes any bytes; kiln's JSON (hash, report, API) takes UTF-8 only.
  if (auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    const std::string_view before = text.substr(0, bad);
    const auto line = std::count(before.begin(), before.end(), '\n') + 1;
    const auto newline = before.rfind('\n');
    const std::size_t column = bad - (newline == std::string_view::npos ? 0 : newline + 1) + 1;
    throw ConfigError{
        make_error("KILN-CONFIG",
                   fmt::format("{}:{}: not valid UTF-8 (byte 0x{:02X} at column {})", file, line,
                               static_cast<unsigned char>(text[bad]), column),
                   "save the file as UTF-8")};
  }
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    if (!doc.IsMap()) {
      throw ConfigError{
          make_error("KILN-CONFIG", fmt::format("{}: the file must be a YAML mapping", file))};
    }
    check_decoded_utf8(doc, file);
    return doc;
  } catch (const YAML::Exception& e) {
    throw ConfigError{make_error(
        "KILN-CONFIG", fmt::format("{}:{}: YAML syntax error: {}", file, e.mark.line + 1, e.msg))};
  }
}

}  // namespace

std::string SourceRef::describe() const {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

std::optional<double> ResolvedConfig::limit(const std::string& name) const {
  auto it = limits.find(name);
  if (it == limits.end()) return std::nullopt;
  return it->second;
}

Expected<Profile> parse_profile(std::string_view yaml_text, const std::string& file_name) {
  try {
    YAML::Node doc = load_document(yaml_text, file_name);
    YamlReader r(file_name);
    r.check_keys(doc, "a profile", {"profile", "description", "stages"});
    Profile p;
    p.where = r.where(doc);
    p.name = r.string_at(doc, "profile", "a profile", true);
    p.description = r.string_at(doc, "description", "a profile", false);
    const YAML::Node stages = doc["stages"];
    if (!stages || !stages.IsSequence() || stages.size() == 0) {
      r.fail(stages ? stages : doc, "'stages' must be a non-empty list");
    }
    for (const auto& item : stages) {
      r.expect_map(item, "stages entry");
      r.check_keys(item, "a stages entry", {"stage", "params"});
      StageEntry entry;
      entry.where = r.where(item);
      entry.stage = r.string_at(item, "stage", "a stages entry", true);
      if (item["params"]) entry.params = r.params(item["params"]);
      p.stages.push_back(std::move(entry));
    }
    return p;
  } catch (const ConfigError& e) {
    return e.error;
  } catch (const YAML::Exception& e) {
    return make_error("KILN-CONFIG", fmt::format("{}:{}: {}", file_name, e.mark.line + 1, e.msg));
  }
}

Expected<Delivery> parse_delivery(std::string_view yaml_text, const std::string& file_name) {
  try {
    YAML::Node doc = load_document(yaml_text, file_name);
    YamlReader r(file_name);
    r.check_keys(doc, "a delivery",
                 {"delivery", "description", "profile", "require_serial_match_dmi",
                  "require_network_boot_first", "expected", "limits", "overrides",
                  "tender_reference", "firmware", "on_unexpected_reboot", "watchdog"});
    Delivery d;
    d.where = r.where(doc);
    d.tag = r.string_at(doc, "delivery", "a delivery", true);
    if (d.tag.empty()) r.fail(doc["delivery"], "'delivery' (the FRU asset tag) must not be empty");
    d.description = r.string_at(doc, "description", "a delivery", false);
    d.profile = r.string_at(doc, "profile", "a delivery", true);
    if (doc["require_serial_match_dmi"]) {
      d.require_serial_match_dmi =
          r.boolean(doc["require_serial_match_dmi"], "require_serial_match_dmi");
    }
    if (doc["require_network_boot_first"]) {
      d.require_network_boot_first =
          r.boolean(doc["require_network_boot_first"], "require_network_boot_first");
    }
    if (doc["watchdog"]) d.watchdog = r.boolean(doc["watchdog"], "watchdog");
    if (doc["expected"]) d.expected = r.expected(doc["expected"]);
    if (doc["limits"]) d.limits = r.limits(doc["limits"]);
    d.tender_reference = r.string_at(doc, "tender_reference", "a delivery", false);
    if (doc["on_unexpected_reboot"]) {
      const auto text = r.string_at(doc, "on_unexpected_reboot", "a delivery", true);
      auto policy = reboot_policy_from_string(text);
      if (!policy) {
        r.fail(doc["on_unexpected_reboot"],
               fmt::format("'on_unexpected_reboot' must be fail, retry_stage or continue, got '{}'",
                           text));
      }
      d.on_unexpected_reboot = *policy;
    }
    if (doc["firmware"]) d.firmware = r.firmware(doc["firmware"]);
    if (const YAML::Node overrides = doc["overrides"]) {
      if (!overrides.IsSequence()) r.fail(overrides, "'overrides' must be a list");
      std::set<std::string> seen;
      for (const auto& item : overrides) {
        r.expect_map(item, "overrides entry");
        r.check_keys(item, "an overrides entry", {"serial", "expected", "limits"});
        SerialOverride o;
        o.where = r.where(item);
        o.serial = r.string_at(item, "serial", "an overrides entry", true);
        if (!seen.insert(o.serial).second) {
          r.fail(item, fmt::format("serial '{}' has two overrides", o.serial));
        }
        if (item["expected"]) o.expected = r.expected(item["expected"]);
        if (item["limits"]) o.limits = r.limits(item["limits"]);
        d.overrides.push_back(std::move(o));
      }
    }
    return d;
  } catch (const ConfigError& e) {
    return e.error;
  } catch (const YAML::Exception& e) {
    return make_error("KILN-CONFIG", fmt::format("{}:{}: {}", file_name, e.mark.line + 1, e.msg));
  }
}

}  // namespace kiln
