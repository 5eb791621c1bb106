#include "tools/ipmitool_sdr.hpp"

#include <fmt/format.h>

#include <array>

#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

bool is_status_token(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kStatuses = {
      "ok", "cr", "nr", "nc", "ns", "lnr", "lcr", "lnc", "unc", "ucr", "unr", "na"};
  for (auto st : kStatuses) {
    if (s == st) return true;
  }
  return false;
}

// "0Eh", "E6h": a sensor number as `sdr elist` prints it.
bool is_sensor_id(std::string_view s) {
  if (s.size() < 2 || (s.back() != 'h' && s.back() != 'H')) return false;
  return scan::to_u64(s.substr(0, s.size() - 1), 16).has_value();
}

std::string normalize_unit(std::string_view unit) {
  unit = scan::trim(unit);
  if (scan::starts_with(unit, "(+/-")) {  // verbose: "34 (+/- 0) % degrees C"
    std::size_t close = unit.find(')');
    unit =
        close == std::string_view::npos ? std::string_view{} : scan::trim(unit.substr(close + 1));
  }
  // ipmitool prints "% degrees C" for sensors with a percentage modifier bit set.
  if (unit.size() > 2 && unit[0] == '%' && unit[1] == ' ') unit = scan::trim(unit.substr(2));
  return std::string(unit);
}

// "7560 RPM", "0 Watts, Presence detected", "no reading", "0x08", "34 (+/- 0) % degrees C".
void parse_reading(std::string_view text, SensorReading& out) {
  out.reading = std::string(scan::trim(text));
  std::string_view first = text.substr(0, text.find(','));
  auto toks = scan::tokens(first);
  if (toks.empty()) return;
  auto value = scan::to_double(toks[0]);
  if (!value) return;
  out.value = value;
  std::size_t after = static_cast<std::size_t>(toks[0].data() - first.data()) + toks[0].size();
  out.unit = normalize_unit(first.substr(after));
}

std::string verbose_status(std::string_view s) {
  s = scan::trim(s);
  if (scan::iequals(s, "ok")) return "ok";
  if (scan::icontains(s, "non-recoverable")) return "nr";
  if (scan::icontains(s, "non-critical")) return "nc";
  if (scan::icontains(s, "critical")) return "cr";
  if (scan::icontains(s, "not available") || scan::icontains(s, "unavailable")) return "ns";
  return scan::to_lower(s);
}

std::string_view before_paren(std::string_view s) {
  return scan::trim(s.substr(0, s.find('(')));
}

// Splits "Key   : Value" of a verbose record; false when the line has no ':'.
bool key_value(std::string_view line, std::string_view& key, std::string_view& value) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  key = scan::trim(line.substr(0, colon));
  value = scan::trim(line.substr(colon + 1));
  return true;
}

std::vector<std::string_view> trimmed_fields(std::string_view line, char sep) {
  auto fields = scan::split(line, sep);
  for (auto& f : fields) f = scan::trim(f);
  return fields;
}

std::optional<SensorReading> parse_pipe_row(std::string_view line) {
  auto f = trimmed_fields(line, '|');
  if (f.empty() || f[0].empty()) return std::nullopt;
  SensorReading r;
  r.raw = std::string(line);
  r.name = std::string(f[0]);
  if (f.size() == 3 && is_status_token(f[2])) {  // sdr list
    r.status = std::string(f[2]);
    parse_reading(f[1], r);
    return r;
  }
  if (f.size() >= 5 && is_status_token(f[2])) {  // sdr elist
    r.id = std::string(f[1]);
    r.status = std::string(f[2]);
    r.entity = std::string(f[3]);
    parse_reading(f[4], r);
    return r;
  }
  return std::nullopt;
}

std::optional<SensorReading> parse_csv_row(std::string_view line) {
  auto f = trimmed_fields(line, ',');
  if (f.size() < 4 || f[0].empty()) return std::nullopt;
  SensorReading r;
  r.raw = std::string(line);
  r.name = std::string(f[0]);
  if (is_sensor_id(f[1]) && is_status_token(f[2])) {  // compact: name,id,status,entity,desc
    r.id = std::string(f[1]);
    r.status = std::string(f[2]);
    r.entity = std::string(f[3]);
    std::string desc;
    for (std::size_t i = 4; i < f.size(); ++i) desc += (i > 4 ? "," : "") + std::string(f[i]);
    parse_reading(desc, r);
    return r;
  }
  if (is_status_token(f[3])) {  // full: name,value,unit,status,entity,...
    r.status = std::string(f[3]);
    if (f.size() > 4) r.entity = std::string(f[4]);
    r.reading = scan::is_blank(f[1]) ? std::string{} : fmt::format("{} {}", f[1], f[2]);
    r.value = scan::to_double(f[1]);
    if (r.value) r.unit = normalize_unit(f[2]);
    return r;
  }
  return std::nullopt;
}

// Applies one "Key : Value" line of an `sdr -v` record.
void apply_verbose(SensorReading& r, std::string_view key, std::string_view value) {
  if (key == "Entity ID") {
    r.entity = std::string(before_paren(value));
  } else if (key == "Sensor Reading") {
    parse_reading(value, r);
  } else if (key == "Status") {
    r.status = verbose_status(value);
  }
}

}  // namespace

std::vector<std::string> ipmitool_sdr_argv(const std::optional<IpmiLanTarget>& lan, bool extended) {
  auto argv = ipmitool_prefix(lan);
  argv.insert(argv.end(), {"sdr", extended ? "elist" : "list"});
  return argv;
}

std::vector<std::string> ipmitool_sensor_argv(const std::optional<IpmiLanTarget>& lan) {
  auto argv = ipmitool_prefix(lan);
  argv.emplace_back("sensor");
  return argv;
}

Expected<std::vector<SensorReading>> parse_ipmitool_sdr(std::string_view text) {
  if (scan::is_blank(text)) {
    return make_error(std::string(kSdrParseError), "ipmitool sdr: empty output");
  }
  std::vector<SensorReading> sensors;
  std::optional<SensorReading> verbose;  // the `sdr -v` record being read
  auto flush = [&] {
    if (verbose) sensors.push_back(std::move(*verbose));
    verbose.reset();
  };
  for (std::string_view raw_line : scan::lines(text)) {
    std::string_view line = scan::trim(raw_line);
    std::string_view key;
    std::string_view value;
    if (scan::starts_with(line, "Sensor ID") && key_value(line, key, value) && key == "Sensor ID") {
      flush();
      verbose.emplace();
      verbose->raw = std::string(line);
      verbose->name = std::string(before_paren(value));
      std::size_t open = value.rfind('(');
      if (open != std::string_view::npos && value.back() == ')') {
        verbose->id = std::string(value.substr(open + 1, value.size() - open - 2));
      }
      continue;
    }
    if (verbose) {
      if (line.empty()) {
        flush();
      } else if (key_value(line, key, value)) {
        apply_verbose(*verbose, key, value);
      }
      continue;
    }
    if (line.empty()) continue;
    std::optional<SensorReading> row =
        line.find('|') != std::string_view::npos ? parse_pipe_row(line) : parse_csv_row(line);
    if (row) sensors.push_back(std::move(*row));
  }
  flush();
  if (sensors.empty()) {
    return make_error(std::string(kSdrParseError),
                      fmt::format("ipmitool sdr: no sensor line recognised in {} bytes of output "
                                  "(expected 'name | reading | status' rows)",
                                  text.size()));
  }
  return sensors;
}

Expected<std::vector<SensorThresholdReading>> parse_ipmitool_sensor(std::string_view text) {
  if (scan::is_blank(text)) {
    return make_error(std::string(kSensorParseError), "ipmitool sensor: empty output");
  }
  std::vector<SensorThresholdReading> rows;
  for (std::string_view raw_line : scan::lines(text)) {
    auto f = trimmed_fields(raw_line, '|');
    if (f.size() < 4 || f[0].empty()) continue;
    SensorThresholdReading r;
    r.raw = std::string(raw_line);
    r.name = std::string(f[0]);
    r.value_text = std::string(f[1]);
    r.value = scan::to_double(f[1]);
    r.unit = std::string(f[2]);
    r.status = std::string(f[3]);
    std::optional<double>* thresholds[] = {&r.lnr, &r.lcr, &r.lnc, &r.unc, &r.ucr, &r.unr};
    for (std::size_t i = 0; i < 6 && i + 4 < f.size(); ++i)
      *thresholds[i] = scan::to_double(f[i + 4]);
    rows.push_back(std::move(r));
  }
  if (rows.empty()) {
    return make_error(std::string(kSensorParseError),
                      fmt::format("ipmitool sensor: no 'name | value | unit | status | ...' row in "
                                  "{} bytes of output",
                                  text.size()));
  }
  return rows;
}

namespace {
bool critical_status(std::string_view s) {
  return s == "cr" || s == "nr" || s == "lcr" || s == "ucr" || s == "lnr" || s == "unr";
}
}  // namespace

bool crossed_critical(const SensorReading& sensor) {
  return critical_status(sensor.status);
}

bool crossed_critical(const SensorThresholdReading& sensor) {
  if (critical_status(sensor.status)) return true;
  if (!sensor.value) return false;
  double v = *sensor.value;
  return (sensor.ucr && v >= *sensor.ucr) || (sensor.unr && v >= *sensor.unr) ||
         (sensor.lcr && v <= *sensor.lcr) || (sensor.lnr && v <= *sensor.lnr);
}

}  // namespace kiln::tools
