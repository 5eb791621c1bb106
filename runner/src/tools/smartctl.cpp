#include "tools/smartctl.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"
#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

using nlohmann::json;
using scan::json_array;
using scan::json_object;
using scan::json_text;
using scan::json_u64;

std::optional<bool> bool_at(const json& j, std::initializer_list<std::string_view> path,
                            std::string_view key) {
  const json* node = json_path(j, path);
  return node ? json_bool(*node, key) : std::nullopt;
}

std::optional<std::uint64_t> u64_at(const json& j, std::initializer_list<std::string_view> path,
                                    std::string_view key) {
  const json* node = json_path(j, path);
  return node ? json_u64(*node, key) : std::nullopt;
}

void parse_identity(const json& doc, SmartSnapshot& s) {
  if (const json* dev = json_object(doc, "device")) {
    s.device_name = json_text(*dev, "name");
    s.device_type = json_text(*dev, "type");
    s.protocol = json_text(*dev, "protocol");
  }
  s.model = json_text(doc, "model_name");
  if (s.model.empty()) s.model = json_text(doc, "scsi_model_name");
  if (s.model.empty()) {
    std::string vendor = json_text(doc, "vendor");
    std::string product = json_text(doc, "product");
    s.model = vendor.empty() ? product : fmt::format("{} {}", vendor, product);
  }
  s.serial = json_text(doc, "serial_number");
  s.firmware = json_text(doc, "firmware_version");
  if (s.firmware.empty()) s.firmware = json_text(doc, "revision");
  if (s.firmware.empty()) s.firmware = json_text(doc, "scsi_revision");
  s.capacity_bytes = u64_at(doc, {"user_capacity"}, "bytes");
  if (!s.capacity_bytes) s.capacity_bytes = json_u64(doc, "nvme_total_capacity");
  s.rotation_rate = json_u64(doc, "rotation_rate");
  s.smart_available = bool_at(doc, {"smart_support"}, "available");
  s.smart_enabled = bool_at(doc, {"smart_support"}, "enabled");
  if (!s.smart_available &&
      (json_object(doc, "ata_smart_data") || json_object(doc, "smart_status"))) {
    s.smart_available = true;
  }
  s.health_passed = bool_at(doc, {"smart_status"}, "passed");
  if (const json* ctl = json_object(doc, "smartctl")) {
    if (auto st = json_integer(*ctl, "exit_status"); st && *st >= 0 && *st <= 255) {
      s.exit_status = static_cast<int>(*st);
    }
    if (const json* msgs = json_array(*ctl, "messages")) {
      for (const auto& m : *msgs) {
        s.messages.push_back(SmartMessage{json_text(m, "string"), json_text(m, "severity")});
      }
    }
  }
  s.temperature_c = u64_at(doc, {"temperature"}, "current");
  s.power_on_hours = u64_at(doc, {"power_on_time"}, "hours");
}

void parse_ata(const json& doc, SmartSnapshot& s) {
  if (const json* table = json_path(doc, {"ata_smart_attributes", "table"});
      table && table->is_array()) {
    for (const auto& a : *table) {
      auto id = json_integer(a, "id");
      if (!id || *id < 0 || *id > 255) continue;
      SmartAtaAttribute attr;
      attr.id = static_cast<int>(*id);
      attr.name = json_text(a, "name");
      attr.value = static_cast<int>(json_u64(a, "value").value_or(0) & 0xFFFF);
      attr.worst = static_cast<int>(json_u64(a, "worst").value_or(0) & 0xFFFF);
      attr.thresh = static_cast<int>(json_u64(a, "thresh").value_or(0) & 0xFFFF);
      attr.when_failed = json_text(a, "when_failed");
      attr.prefailure = bool_at(a, {"flags"}, "prefailure").value_or(false);
      if (const json* raw = json_object(a, "raw")) {
        attr.raw_value = json_u64(*raw, "value").value_or(0);
        attr.raw_string = json_text(*raw, "string");
      }
      s.ata_attributes[attr.id] = std::move(attr);
    }
  }
  s.ata_error_count = u64_at(doc, {"ata_smart_error_log", "extended"}, "count");
  if (!s.ata_error_count)
    s.ata_error_count = u64_at(doc, {"ata_smart_error_log", "summary"}, "count");
}

void parse_nvme(const json& doc, SmartSnapshot& s) {
  const json* log = json_object(doc, "nvme_smart_health_information_log");
  if (log == nullptr) return;
  SmartNvmeHealth h;
  h.critical_warning = json_u64(*log, "critical_warning");
  h.temperature = json_u64(*log, "temperature");
  h.available_spare = json_u64(*log, "available_spare");
  h.available_spare_threshold = json_u64(*log, "available_spare_threshold");
  h.percentage_used = json_u64(*log, "percentage_used");
  h.data_units_read = json_u64(*log, "data_units_read");
  h.data_units_written = json_u64(*log, "data_units_written");
  h.power_on_hours = json_u64(*log, "power_on_hours");
  h.unsafe_shutdowns = json_u64(*log, "unsafe_shutdowns");
  h.media_errors = json_u64(*log, "media_errors");
  h.num_err_log_entries = json_u64(*log, "num_err_log_entries");
  s.nvme = h;
}

void parse_scsi(const json& doc, SmartSnapshot& s) {
  s.scsi_grown_defects = json_u64(doc, "scsi_grown_defect_list");
  if (const json* log = json_object(doc, "scsi_error_counter_log")) {
    SmartScsiErrorCounters c;
    c.read_uncorrected = u64_at(*log, {"read"}, "total_uncorrected_errors");
    c.write_uncorrected = u64_at(*log, {"write"}, "total_uncorrected_errors");
    c.verify_uncorrected = u64_at(*log, {"verify"}, "total_uncorrected_errors");
    s.scsi_errors = c;
  }
}

void count_log_entry(SmartSelfTestSummary& t, std::string type, std::string result,
                     std::optional<bool> passed) {
  if (t.logged == 0) {
    t.last_type = std::move(type);
    t.last_result = std::move(result);
    t.last_passed = passed;
  }
  ++t.logged;
  if (passed == false) ++t.logged_failed;
}

void parse_self_tests(const json& doc, SmartSnapshot& s) {
  SmartSelfTestSummary& t = s.self_test;
  if (const json* st = json_path(doc, {"ata_smart_data", "self_test", "status"})) {
    t.current_status = json_text(*st, "string");
    t.current_passed = json_bool(*st, "passed");
    if (auto rem = json_u64(*st, "remaining_percent"); rem && *rem <= 100) {
      t.remaining_percent = static_cast<int>(*rem);
    }
  }
  if (const json* table = json_path(doc, {"ata_smart_self_test_log", "standard", "table"});
      table && table->is_array()) {
    for (const auto& e : *table) {
      const json* type = json_object(e, "type");
      const json* status = json_object(e, "status");
      count_log_entry(t, type ? json_text(*type, "string") : std::string{},
                      status ? json_text(*status, "string") : std::string{},
                      status ? json_bool(*status, "passed") : std::nullopt);
    }
  }
  if (const json* log = json_object(doc, "nvme_self_test_log")) {
    if (const json* cur = json_object(*log, "current_self_test_operation")) {
      t.current_status = json_text(*cur, "string");
    }
    if (const json* table = json_array(*log, "table")) {
      for (const auto& e : *table) {
        const json* code = json_object(e, "self_test_code");
        const json* result = json_object(e, "self_test_result");
        std::optional<bool> passed;
        if (auto v = result ? json_u64(*result, "value") : std::nullopt) passed = *v == 0;
        count_log_entry(t, code ? json_text(*code, "string") : std::string{},
                        result ? json_text(*result, "string") : std::string{}, passed);
      }
    }
  }
  for (int i = 0; i < 20; ++i) {  // SCSI: scsi_self_test_0 (most recent) .. scsi_self_test_19
    const json* e = json_object(doc, fmt::format("scsi_self_test_{}", i));
    if (e == nullptr) break;
    const json* code = json_object(*e, "code");
    const json* result = json_object(*e, "result");
    std::optional<bool> passed;
    if (auto v = result ? json_u64(*result, "value") : std::nullopt) passed = *v == 0;
    count_log_entry(t, code ? json_text(*code, "string") : std::string{},
                    result ? json_text(*result, "string") : std::string{}, passed);
  }
}

void watch(SmartDelta& d, std::string counter, std::optional<std::uint64_t> before,
           std::optional<std::uint64_t> after, bool lower_is_worse = false) {
  if (!before || !after) return;
  bool worse = lower_is_worse ? *after < *before : *after > *before;
  d.changes.push_back(SmartCounterChange{std::move(counter), *before, *after, worse});
}

}  // namespace

std::vector<std::string> smartctl_info_argv(const std::string& device, bool extended,
                                            const std::string& device_type) {
  std::vector<std::string> argv{"smartctl", "-j", extended ? "-x" : "-a"};
  if (!device_type.empty()) argv.insert(argv.end(), {"-d", device_type});
  argv.push_back(device);
  return argv;
}

std::vector<std::string> smartctl_self_test_argv(const std::string& device, SmartSelfTest test,
                                                 const std::string& device_type) {
  std::vector<std::string> argv{"smartctl", "-j", "-t",
                                test == SmartSelfTest::kShort ? "short" : "long"};
  if (!device_type.empty()) argv.insert(argv.end(), {"-d", device_type});
  argv.push_back(device);
  return argv;
}

SmartctlExit decode_smartctl_exit(int status) {
  SmartctlExit e;
  e.raw = status;
  auto bit = [status](int n) { return ((status >> n) & 1) != 0; };
  e.command_line_error = bit(0);
  e.device_open_failed = bit(1);
  e.smart_command_failed = bit(2);
  e.disk_failing = bit(3);
  e.prefail_below_threshold = bit(4);
  e.below_threshold_in_past = bit(5);
  e.error_log_has_errors = bit(6);
  e.self_test_log_has_errors = bit(7);
  return e;
}

std::string describe(const SmartctlExit& exit) {
  std::string out;
  auto add = [&out](bool set, std::string_view what) {
    if (!set) return;
    out += out.empty() ? "" : "; ";
    out += what;
  };
  add(exit.command_line_error, "command line did not parse");
  add(exit.device_open_failed, "device open failed");
  add(exit.smart_command_failed, "a SMART or ATA command failed (or checksum error)");
  add(exit.disk_failing, "disk failing (health FAILED)");
  add(exit.prefail_below_threshold, "prefail attribute at/below threshold");
  add(exit.below_threshold_in_past, "attribute was at/below threshold in the past");
  add(exit.error_log_has_errors, "device error log has errors");
  add(exit.self_test_log_has_errors, "self-test log has errors");
  return fmt::format("exit {}: {}", exit.raw, out.empty() ? "ok" : out);
}

std::uint64_t SmartAtaAttribute::raw_count() const {
  if (auto lead = scan::leading_u64(raw_string)) return *lead;
  return raw_value;
}

Expected<SmartSnapshot> parse_smartctl_json(std::string_view text) {
  auto found = scan::line_start_brace(text);
  if (!found) {
    return make_error(
        std::string(kSmartParseError),
        fmt::format("smartctl -j: no JSON document in output (truncated?), {} bytes", text.size()),
        "check that smartctl is 7.0 or newer (-j) and was not killed");
  }
  auto object = scan::balanced_object(text, *found);
  if (!object) {
    return make_error(std::string(kSmartParseError),
                      fmt::format("smartctl -j: JSON document is not closed (truncated?), {} bytes",
                                  text.size() - *found));
  }
  auto doc = parse_json(*object, "smartctl -j stdout");
  if (!doc) {
    return make_error(std::string(kSmartParseError),
                      fmt::format("smartctl -j: {}", doc.error().message));
  }
  if (!doc->is_object()) {
    return make_error(std::string(kSmartParseError),
                      "smartctl -j: top-level JSON is not an object");
  }
  SmartSnapshot s;
  parse_identity(*doc, s);
  parse_ata(*doc, s);
  parse_nvme(*doc, s);
  parse_scsi(*doc, s);
  parse_self_tests(*doc, s);
  return s;
}

bool SmartDelta::worsened() const {
  return health_became_failed || !worsened_counters().empty();
}

std::vector<SmartCounterChange> SmartDelta::worsened_counters() const {
  std::vector<SmartCounterChange> out;
  for (const auto& c : changes) {
    if (c.worse) out.push_back(c);
  }
  return out;
}

SmartDelta diff(const SmartSnapshot& before, const SmartSnapshot& after) {
  SmartDelta d;
  d.health_became_failed = before.health_passed == true && after.health_passed == false;
  for (int id : {5, 196, 197, 198, 199}) {
    auto b = before.ata_attributes.find(id);
    auto a = after.ata_attributes.find(id);
    if (b == before.ata_attributes.end() || a == after.ata_attributes.end()) continue;
    watch(d, fmt::format("{} {}", id, a->second.name), b->second.raw_count(),
          a->second.raw_count());
  }
  if (before.nvme && after.nvme) {
    const auto& b = *before.nvme;
    const auto& a = *after.nvme;
    if (b.critical_warning && a.critical_warning) {
      bool new_bits = (*a.critical_warning & ~*b.critical_warning) != 0;
      d.changes.push_back(SmartCounterChange{"nvme critical_warning", *b.critical_warning,
                                             *a.critical_warning, new_bits});
    }
    watch(d, "nvme media_errors", b.media_errors, a.media_errors);
    watch(d, "nvme num_err_log_entries", b.num_err_log_entries, a.num_err_log_entries);
    watch(d, "nvme available_spare", b.available_spare, a.available_spare, /*lower_is_worse=*/true);
    watch(d, "nvme percentage_used", b.percentage_used, a.percentage_used);
  }
  watch(d, "scsi grown_defects", before.scsi_grown_defects, after.scsi_grown_defects);
  if (before.scsi_errors && after.scsi_errors) {
    const auto& b = *before.scsi_errors;
    const auto& a = *after.scsi_errors;
    watch(d, "scsi read_uncorrected", b.read_uncorrected, a.read_uncorrected);
    watch(d, "scsi write_uncorrected", b.write_uncorrected, a.write_uncorrected);
    watch(d, "scsi verify_uncorrected", b.verify_uncorrected, a.verify_uncorrected);
  }
  return d;
}

}  // namespace kiln::tools
