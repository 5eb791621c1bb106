#include "tools/stress_ng.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <exception>
#include <string>

#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

// A --yaml file of a long run with many stressors is a few hundred KiB.
constexpr std::size_t kMaxYamlBytes = std::size_t{16} * 1024 * 1024;

void add_common(std::vector<std::string>& argv, bool verify, int timeout_s,
                const std::string& yaml_path) {
  if (verify) argv.emplace_back("--verify");
  argv.insert(argv.end(), {"--timeout", fmt::format("{}s", timeout_s), "--metrics-brief"});
  if (!yaml_path.empty()) argv.insert(argv.end(), {"--yaml", yaml_path});
}

std::optional<double> scalar_number(const YAML::Node& map, const char* key) {
  YAML::Node n = map[key];
  if (!n || !n.IsScalar()) return std::nullopt;
  return scan::to_double(n.Scalar());
}

// "stress-ng: fail:  [6803] text" → {"fail", "text"}; false for other lines.
bool split_log_line(std::string_view line, std::string_view& level, std::string_view& message) {
  line = scan::trim(line);
  if (!scan::starts_with(line, "stress-ng:")) return false;
  line.remove_prefix(10);
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  level = scan::trim(line.substr(0, colon));
  message = scan::trim(line.substr(colon + 1));
  if (!message.empty() && message.front() == '[') {
    std::size_t close = message.find(']');
    if (close != std::string_view::npos) message = scan::trim(message.substr(close + 1));
  }
  return true;
}

// "cpu  13820  5.00  9.96  0.00  2763.19  1387.62 [more columns]" → metric.
std::optional<StressNgMetric> metrics_row(std::string_view message) {
  auto t = scan::tokens(message);
  if (t.size() < 7) return std::nullopt;
  std::optional<double> v[6];
  for (std::size_t i = 0; i < 6; ++i) {
    v[i] = scan::to_double(t[i + 1]);
    if (!v[i]) return std::nullopt;
  }
  return StressNgMetric{std::string(t[0]), *v[0], v[1], v[2], v[3], v[4], v[5]};
}

std::optional<int> count_after(std::string_view message, std::string_view label) {
  if (!scan::starts_with(message, label)) return std::nullopt;
  auto n = scan::leading_u64(message.substr(label.size()));
  if (!n || *n > 1000000) return std::nullopt;
  return static_cast<int>(*n);
}

bool is_verify_failure(std::string_view m) {
  for (auto needle : {"verif", "bit error", "memory error", "miscompar", "mismatch",
                      "unexpected value", "checksum"}) {
    if (scan::icontains(m, needle)) return true;
  }
  return false;
}

// stress-ng 0.15 reports a worker killed mid-run only as a "corrupted bogo-ops counter".
bool is_dead_worker(std::string_view m) {
  for (auto needle : {"signal", "sigsegv", "sigkill", "sigbus", "died", "killed", "oom",
                      "corrupted bogo-ops counter"}) {
    if (scan::icontains(m, needle)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> stress_ng_cpu_argv(const StressNgCpuJob& job) {
  std::vector<std::string> argv{"stress-ng", "--cpu", std::to_string(job.workers), "--cpu-method",
                                job.method};
  add_common(argv, job.verify, job.timeout_s, job.yaml_path);
  return argv;
}

std::vector<std::string> stress_ng_vm_argv(const StressNgVmJob& job) {
  std::vector<std::string> argv{"stress-ng", "--vm", std::to_string(job.workers), "--vm-bytes",
                                job.bytes};
  if (!job.method.empty()) argv.insert(argv.end(), {"--vm-method", job.method});
  add_common(argv, job.verify, job.timeout_s, job.yaml_path);
  return argv;
}

Expected<std::vector<StressNgMetric>> parse_stress_ng_yaml(std::string_view text) {
  if (scan::is_blank(text)) {
    return make_error(std::string(kStressNgParseError), "stress-ng --yaml: empty file");
  }
  if (text.size() > kMaxYamlBytes) {
    return make_error(std::string(kStressNgParseError),
                      fmt::format("stress-ng --yaml: {} bytes exceeds the limit of {} bytes",
                                  text.size(), kMaxYamlBytes));
  }
  std::string yaml;
  for (std::string_view line : scan::lines(text)) {
    if (scan::starts_with(scan::trim(line), "stress-ng:")) continue;
    yaml.append(line);
    yaml.push_back('\n');
  }
  std::vector<StressNgMetric> out;
  try {
    YAML::Node doc = YAML::Load(yaml);
    YAML::Node metrics = doc.IsMap() ? doc["metrics"] : YAML::Node();
    if (!metrics || !metrics.IsSequence()) {
      return make_error(std::string(kStressNgParseError),
                        "stress-ng --yaml: no \"metrics\" list (stress-ng killed before writing "
                        "it, or file truncated)");
    }
    for (const auto& m : metrics) {
      if (!m.IsMap() || !m["stressor"] || !m["stressor"].IsScalar()) continue;
      StressNgMetric metric;
      metric.stressor = m["stressor"].Scalar();
      metric.bogo_ops = scalar_number(m, "bogo-ops").value_or(0);
      metric.real_time_s = scalar_number(m, "wall-clock-time");
      metric.usr_time_s = scalar_number(m, "user-time");
      metric.sys_time_s = scalar_number(m, "system-time");
      metric.bogo_ops_per_s_real = scalar_number(m, "bogo-ops-per-second-real-time");
      metric.bogo_ops_per_s_usr_sys = scalar_number(m, "bogo-ops-per-second-usr-sys-time");
      out.push_back(std::move(metric));
    }
  } catch (const YAML::Exception& e) {
    return make_error(std::string(kStressNgParseError),
                      fmt::format("stress-ng --yaml: not valid YAML: {}", e.what()));
  } catch (const std::exception& e) {
    return make_error(std::string(kStressNgParseError),
                      fmt::format("stress-ng --yaml: could not be read: {}", e.what()));
  }
  return out;
}

Expected<StressNgConsole> parse_stress_ng_console(std::string_view text) {
  if (scan::is_blank(text)) {
    return make_error(std::string(kStressNgParseError), "stress-ng: empty console output (stderr)");
  }
  StressNgConsole c;
  for (std::string_view line : scan::lines(text)) {
    std::string_view level;
    std::string_view message;
    if (!split_log_line(line, level, message)) continue;
    if (level == "fail") {
      c.failure_lines.emplace_back(scan::trim(line));
      if (is_verify_failure(message)) c.verify_failures.emplace_back(message);
      if (is_dead_worker(message)) c.dead_workers.emplace_back(message);
      continue;
    }
    if (is_dead_worker(message) &&
        (scan::icontains(message, "terminated") || scan::icontains(message, "died") ||
         scan::icontains(message, "killed by"))) {
      c.dead_workers.emplace_back(message);
    }
    std::size_t done = message.find("successful run completed");
    if (done != std::string_view::npos) {
      c.run_successful = !(done >= 2 && message.substr(done - 2, 2) == "un");
      std::size_t in = message.find(" in ", done);
      if (in != std::string_view::npos) {
        auto t = scan::tokens(message.substr(in + 4));
        if (!t.empty() && t[0].size() > 1 && t[0].back() == 's') {
          c.run_seconds = scan::to_double(t[0].substr(0, t[0].size() - 1));
        }
      }
      continue;
    }
    if (auto n = count_after(message, "passed:")) c.passed = n;
    if (auto n = count_after(message, "failed:")) c.failed = n;
    if (auto n = count_after(message, "skipped:")) c.skipped = n;
    if (level == "info" || level == "metrc") {
      if (auto row = metrics_row(message)) c.metrics.push_back(std::move(*row));
    }
  }
  return c;
}

bool StressNgConsole::clean() const {
  return run_successful == true && failure_lines.empty() && dead_workers.empty() &&
         failed.value_or(0) == 0;
}

std::string_view describe_stress_ng_exit(int status) {
  switch (status) {
    case 0:
      return "success (still check the log: SIGINT and absurd --vm-bytes also exit 0)";
    case 1:
      return "error: bad options or a fatal resource problem";
    case 2:
      return "one or more stressors failed";
    case 3:
      return "a stressor could not get resources";
    case 4:
      return "a stressor is not implemented on this system";
    case 5:
      return "a stressor was killed by an unexpected signal";
    case 6:
      return "a stressor exited through sys_exit";
    case 7:
      return "metrics are untrustworthy";
    default:
      return "unknown exit status";
  }
}

}  // namespace kiln::tools
