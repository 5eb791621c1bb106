// kiln configuration: profiles (which stages, with which parameters) and
// deliveries (keyed by the FRU Product Asset Tag: what the tender promised).
// Loading validates strictly and names file, line and key for every mistake.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kiln/expected.hpp"
#include "kiln/firmware.hpp"
#include "kiln/fru.hpp"
#include "kiln/measurement.hpp"

namespace kiln {

// Where a value came from, for error messages: "configs/profiles/quick.yaml:12".
struct SourceRef {
  std::string file;
  int line = 0;
  [[nodiscard]] std::string describe() const;
};

// A stage parameter as written in the profile; typed by the stage's
// declaration when the runner plans the run.
struct ParamValue {
  std::string text;               // scalar as written
  std::vector<std::string> list;  // when the YAML value is a sequence
  bool is_list = false;
  SourceRef where;
};

struct StageEntry {
  std::string stage;  // registered stage name
  std::map<std::string, ParamValue> params;
  SourceRef where;
};

struct Profile {
  std::string name;
  std::string description;
  std::vector<StageEntry> stages;
  SourceRef where;
};

// What the tender promised about each server's hardware. Unset = not checked.
struct ExpectedInventory {
  std::optional<std::string> cpu_model;  // substring of the CPU model name
  std::optional<int> cpu_sockets;
  std::optional<int> cpu_cores;    // physical cores, whole machine
  std::optional<int> cpu_threads;  // logical CPUs, whole machine
  std::optional<double> ram_gib;   // installed, as reported by DMI
  std::optional<double> ram_tolerance_gib;
  std::optional<int> dimm_count;
  std::optional<int> disk_count;
  std::vector<std::string> disk_models;  // each disk's model must contain one of these
  std::optional<double> disk_min_size_gb;
  std::optional<int> nic_count;
  std::optional<int> nic_speed_mbps;  // minimum negotiated speed per NIC with link
};

// Named limits ("fio.seq_read_min_mbps": 500). The set of names is fixed in
// limits_catalog.hpp; each name carries its comparison and unit.
using LimitValues = std::map<std::string, double>;

struct SerialOverride {
  std::string serial;
  ExpectedInventory expected;  // fields set here replace the delivery's
  LimitValues limits;
  SourceRef where;
};

// What a run does when its node rebooted unexpectedly in the middle of a
// stage (a reset, a panic, a machine check): the delivery's
// `on_unexpected_reboot` (docs/reboots.md).
enum class RebootPolicy {
  kFail,        // the interrupted stage FAILs (KILN-RUN-UNEXPECTED-REBOOT) with the evidence
  kRetryStage,  // the interrupted stage runs again, once
  kContinue,    // the run goes on with the next stage
};
std::string_view to_string(RebootPolicy policy);
// "fail", "retry_stage" or "continue"; nullopt for anything else.
std::optional<RebootPolicy> reboot_policy_from_string(std::string_view text);

struct Delivery {
  std::string tag;  // FRU Product Asset Tag (purchase order / delivery number)
  std::string description;
  std::string profile;
  bool require_serial_match_dmi = false;
  // UEFI BootOrder must start with a network (PXE/HTTP) entry (preliminary stage).
  bool require_network_boot_first = false;
  // `watchdog: true`: the runner arms the BMC watchdog (hard reset) for the run
  // and pets it, so a hung node is reset and handled as a reboot (docs/reboots.md).
  bool watchdog = false;
  ExpectedInventory expected;
  LimitValues limits;
  std::vector<SerialOverride> overrides;
  std::string tender_reference;    // the tender the delivery answers ("CERN-IT-2026-042")
  FirmwareRequirements firmware;   // `firmware:`: versions every node must have
  RebootPolicy on_unexpected_reboot = RebootPolicy::kFail;
  std::string source_sha256;       // of the delivery file as loaded (load_config_dir)
  SourceRef where;
};

struct ConfigSet {
  std::map<std::string, Profile> profiles;
  std::map<std::string, Delivery> deliveries;  // by tag
  std::optional<Delivery> default_delivery;    // tag "default"
  std::string source_dir;
};

// The configuration that applies to one node, after FRU-based resolution.
struct ResolvedConfig {
  std::string delivery_tag;   // the delivery applied ("default" when none matched)
  bool delivery_matched = false;
  std::string asset_tag;      // what the FRU said
  std::optional<std::string> override_serial;  // set when a per-serial override applied
  bool require_serial_match_dmi = false;
  bool require_network_boot_first = false;
  bool watchdog = false;  // the delivery's
  Profile profile;
  ExpectedInventory expected;
  LimitValues limits;
  FirmwareRequirements firmware;  // the delivery's (the hash covers it when set)
  RebootPolicy on_unexpected_reboot = RebootPolicy::kFail;  // the delivery's
  std::string hash;  // sha256 of the canonical JSON of everything above but the hash

  [[nodiscard]] std::optional<double> limit(const std::string& name) const;
};

// Loads every *.yaml under dir/profiles and dir/deliveries.
Expected<ConfigSet> load_config_dir(const std::filesystem::path& dir);
// Parses one file's text (for tests and for files given on the command line).
Expected<Profile> parse_profile(std::string_view yaml_text, const std::string& file_name);
Expected<Delivery> parse_delivery(std::string_view yaml_text, const std::string& file_name);

// Pure: picks the delivery by FRU Product Asset Tag (exact match after
// trimming), applies a per-serial override by Product Serial, and the profile
// named by `profile_override` or else by the delivery.
Expected<ResolvedConfig> resolve(const ConfigSet& configs, const FruInfo& fru,
                                 const std::optional<std::string>& profile_override = {});

// The resolved configuration as canonical JSON (what the hash covers).
nlohmann::json to_json(const ResolvedConfig& config);
// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace kiln
