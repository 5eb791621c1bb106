#include "tools/fio.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"
#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

using nlohmann::json;

std::optional<double> percentile_99(const json& lat) {
  const json* pct = scan::json_object(lat, "percentile");
  if (pct == nullptr) return std::nullopt;
  for (const char* key : {"99.000000", "99.00", "99"}) {
    if (auto v = json_number(*pct, key)) return v;
  }
  return std::nullopt;
}

FioDirection parse_direction(const json& d) {
  FioDirection out;
  out.bw_kib_s = json_number(d, "bw").value_or(0);
  if (auto bytes_per_s = json_number(d, "bw_bytes")) {
    out.bw_mb_s = *bytes_per_s / 1e6;
  } else {
    out.bw_mb_s = out.bw_kib_s * 1024.0 / 1e6;
  }
  out.iops = json_number(d, "iops").value_or(0);
  out.runtime_ms = scan::json_u64(d, "runtime").value_or(0);
  // fio 3 added io_kbytes and made io_bytes bytes; fio 2 printed KiB as "io_bytes".
  std::uint64_t io = scan::json_u64(d, "io_bytes").value_or(0);
  out.io_bytes = d.contains("io_kbytes") ? io : io * 1024U;
  if (const json* clat_ns = scan::json_object(d, "clat_ns")) {  // fio 3: nanoseconds
    if (auto p = percentile_99(*clat_ns)) out.clat_p99_us = *p / 1000.0;
    if (auto m = json_number(*clat_ns, "mean")) out.clat_mean_us = *m / 1000.0;
  } else if (const json* clat = scan::json_object(d, "clat")) {  // fio 2: microseconds
    out.clat_p99_us = percentile_99(*clat);
    out.clat_mean_us = json_number(*clat, "mean");
  }
  if (const json* lat_ns = scan::json_object(d, "lat_ns")) {
    if (auto p = percentile_99(*lat_ns)) out.lat_p99_us = *p / 1000.0;
  } else if (const json* lat = scan::json_object(d, "lat")) {
    out.lat_p99_us = percentile_99(*lat);
  }
  return out;
}

}  // namespace

std::vector<std::string> fio_argv(const FioJobSpec& job) {
  std::vector<std::string> argv{"fio",
                                fmt::format("--name={}", job.name),
                                fmt::format("--filename={}", job.filename),
                                fmt::format("--rw={}", job.rw),
                                fmt::format("--bs={}", job.bs),
                                fmt::format("--iodepth={}", job.iodepth),
                                fmt::format("--numjobs={}", job.numjobs),
                                fmt::format("--direct={}", job.direct ? 1 : 0),
                                fmt::format("--ioengine={}", job.ioengine),
                                fmt::format("--runtime={}s", job.runtime_s)};
  if (job.time_based) argv.emplace_back("--time_based");
  if (!job.size.empty()) argv.push_back(fmt::format("--size={}", job.size));
  argv.emplace_back("--group_reporting");
  argv.emplace_back("--output-format=json");
  return argv;
}

bool FioResult::any_job_error() const {
  for (const auto& j : jobs) {
    if (j.error != 0) return true;
  }
  return false;
}

Expected<FioResult> parse_fio_json(std::string_view text) {
  if (scan::is_blank(text)) {
    return make_error(std::string(kFioParseError), "fio --output-format=json: empty output");
  }
  auto start = scan::line_start_brace(text);
  if (!start) {
    std::string_view head = scan::trim(text.substr(0, 120));
    return make_error(std::string(kFioParseError),
                      fmt::format("fio --output-format=json: no JSON object in output; fio said "
                                  "\"{}\"",
                                  head));
  }
  auto object = scan::balanced_object(text, *start);
  if (!object) {
    return make_error(std::string(kFioParseError),
                      "fio --output-format=json: JSON document is not closed (truncated?)");
  }
  auto doc = parse_json(*object, "fio --output-format=json");
  if (!doc) {
    return make_error(std::string(kFioParseError), fmt::format("fio: {}", doc.error().message));
  }
  const json* jobs = scan::json_array(*doc, "jobs");
  if (jobs == nullptr) {
    return make_error(std::string(kFioParseError), "fio --output-format=json: no \"jobs\" array");
  }
  FioResult result;
  result.fio_version = scan::json_text(*doc, "fio version");
  for (std::string_view line : scan::lines(text.substr(0, *start))) {
    if (!scan::is_blank(line)) result.messages.emplace_back(scan::trim(line));
  }
  for (const auto& j : *jobs) {
    if (!j.is_object()) continue;
    FioJob job;
    job.name = scan::json_text(j, "jobname");
    job.error = json_integer(j, "error").value_or(0);
    if (const json* r = scan::json_object(j, "read")) job.read = parse_direction(*r);
    if (const json* w = scan::json_object(j, "write")) job.write = parse_direction(*w);
    result.jobs.push_back(std::move(job));
  }
  return result;
}

}  // namespace kiln::tools
