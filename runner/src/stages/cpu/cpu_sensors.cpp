#include "stages/cpu/cpu_sensors.hpp"

#include <fmt/format.h>

#include "stage/tool_command.hpp"
#include "tools/procfs.hpp"
#include "tools/text_scan.hpp"

namespace kiln::runner {
namespace {

namespace scan = tools::scan;

constexpr std::string_view kCpuRoot = "/sys/devices/system/cpu";
constexpr auto kIpmiTimeout = std::chrono::seconds(120);

std::optional<int> cpu_number(const std::string& name) {
  if (name.size() <= 3 || !name.starts_with("cpu")) return std::nullopt;
  auto n = scan::to_int(std::string_view(name).substr(3));
  if (!n || *n < 0 || *n > 1'000'000) return std::nullopt;
  return static_cast<int>(*n);
}

std::optional<std::uint64_t> read_u64(HostAdapter& host, const std::string& path) {
  auto text = host.read_file(path);
  if (!text) return std::nullopt;
  return scan::to_u64(scan::trim(*text));
}

std::vector<int> online_cpus(HostAdapter& host) {
  std::vector<int> cpus;
  auto names = host.list_dir(kCpuRoot);
  if (!names) return cpus;
  for (const auto& name : *names) {
    if (auto n = cpu_number(name)) cpus.push_back(*n);
  }
  std::sort(cpus.begin(), cpus.end());
  return cpus;
}

}  // namespace

ThrottleCounters read_throttle_counters(HostAdapter& host) {
  ThrottleCounters t;
  for (int cpu : online_cpus(host)) {
    std::string dir = fmt::format("{}/cpu{}/thermal_throttle", kCpuRoot, cpu);
    if (auto core = read_u64(host, dir + "/core_throttle_count")) t.core[cpu] = *core;
    if (auto pkg = read_u64(host, dir + "/package_throttle_count")) {
      auto id = read_u64(host, fmt::format("{}/cpu{}/topology/physical_package_id", kCpuRoot, cpu));
      t.package[static_cast<int>(id.value_or(0))] = *pkg;
    }
  }
  return t;
}

std::vector<double> read_cpu_mhz(HostAdapter& host) {
  std::vector<double> mhz;
  for (int cpu : online_cpus(host)) {
    auto khz = read_u64(host, fmt::format("{}/cpu{}/cpufreq/scaling_cur_freq", kCpuRoot, cpu));
    if (khz) mhz.push_back(static_cast<double>(*khz) / 1000.0);
  }
  if (!mhz.empty()) return mhz;
  auto cpuinfo = host.read_file("/proc/cpuinfo");
  if (!cpuinfo) return mhz;
  return tools::cpuinfo_mhz(*cpuinfo);
}

Expected<std::vector<tools::SensorReading>> BmcWatch::read_sensors(const std::string& log_name) {
  auto argv = tools::ipmitool_sdr_argv(lan_, true);
  auto result = run_tool(ctx_, argv, kIpmiTimeout, log_name);
  if (!result) return make_error("KILN-BMC", describe_failure(argv, result.error()));
  if (!result->exited_with(0)) return make_error("KILN-BMC", describe_failure(argv, *result));
  auto sensors = tools::parse_ipmitool_sdr(result->stdout_text);
  if (!sensors)
    return make_error("KILN-BMC",
                      fmt::format("`{}`: {}", command_text(argv), sensors.error().message));
  return sensors;
}

Status BmcWatch::probe() {
  auto sensors = read_sensors("ipmitool-sdr");
  if (!sensors) return sensors.error();
  record(*sensors);
  return ok();
}

void BmcWatch::sample() {
  auto sensors = read_sensors("ipmitool-sdr");
  if (sensors) {
    record(*sensors);
    return;
  }
  std::lock_guard lock(mu_);
  // One warning, not one per sample: a BMC that stops answering mid-run is
  // worth a line, a thousand lines hide the rest.
  if (failed_reads_++ == 0) {
    ctx_.step.log(ocptv::LogSeverity::kWarning,
                  "BMC sensor read failed during the run: " + sensors.error().message);
  }
}

void BmcWatch::record(const std::vector<tools::SensorReading>& sensors) {
  std::lock_guard lock(mu_);
  ++samples_;
  for (const auto& s : sensors) {
    if (tools::crossed_critical(s) && crossed_.insert(s.name).second) crossings_.push_back({s});
    if (!s.value) continue;
    auto [it, fresh] = extremes_.try_emplace(s.name, Extremes{*s.value, *s.value, s.unit});
    if (!fresh) {
      it->second.min = std::min(it->second.min, *s.value);
      it->second.max = std::max(it->second.max, *s.value);
    }
  }
}

Expected<std::vector<tools::SelEntry>> BmcWatch::read_sel() {
  auto argv = tools::ipmitool_sel_argv(lan_, true, false);
  auto result = run_tool(ctx_, argv, kIpmiTimeout, "ipmitool-sel");
  if (!result) return make_error("KILN-BMC", describe_failure(argv, result.error()));
  if (!result->exited_with(0)) return make_error("KILN-BMC", describe_failure(argv, *result));
  // Some BMCs (ipmi_sim) print nothing at all for an empty SEL.
  if (scan::is_blank(result->stdout_text)) return std::vector<tools::SelEntry>{};
  auto entries = tools::parse_ipmitool_sel(result->stdout_text);
  if (!entries)
    return make_error("KILN-BMC",
                      fmt::format("`{}`: {}", command_text(argv), entries.error().message));
  return entries;
}

std::vector<BmcWatch::Crossing> BmcWatch::crossings() const {
  std::lock_guard lock(mu_);
  return crossings_;
}

std::map<std::string, BmcWatch::Extremes> BmcWatch::extremes() const {
  std::lock_guard lock(mu_);
  return extremes_;
}

int BmcWatch::samples() const {
  std::lock_guard lock(mu_);
  return samples_;
}

std::vector<tools::SelEntry> new_sel_entries(const std::vector<tools::SelEntry>& before,
                                             const std::vector<tools::SelEntry>& after) {
  std::set<std::string> seen;
  for (const auto& e : before)
    seen.insert(e.id + "|" + e.date + "|" + e.time + "|" + e.sensor + "|" + e.event);
  std::vector<tools::SelEntry> out;
  for (const auto& e : after) {
    if (!seen.contains(e.id + "|" + e.date + "|" + e.time + "|" + e.sensor + "|" + e.event))
      out.push_back(e);
  }
  return out;
}

}  // namespace kiln::runner
