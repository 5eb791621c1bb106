// stress-ng: argv for the CPU and memory stressors, the --yaml metrics file,
// and the console log on stderr (which says whether the run really passed).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kStressNgParseError = "KILN-PARSE-STRESS-NG";

struct StressNgCpuJob {
  int workers = 0;  // 0 = one per online CPU
  std::string method = "all";
  int timeout_s = 60;
  bool verify = true;
  std::string yaml_path;  // --yaml FILE, empty = none
};

struct StressNgVmJob {
  int workers = 1;
  std::string bytes = "90%";  // per worker; stress-ng accepts "N%", "512M", "4G"
  std::string method;         // --vm-method, empty = default
  int timeout_s = 60;
  bool verify = true;
  std::string yaml_path;
};

// stress-ng --cpu N --cpu-method M [--verify] --timeout Ns --metrics-brief [--yaml FILE]
std::vector<std::string> stress_ng_cpu_argv(const StressNgCpuJob& job);
// stress-ng --vm N --vm-bytes X [--vm-method M] [--verify] --timeout Ns --metrics-brief [--yaml
// FILE]
std::vector<std::string> stress_ng_vm_argv(const StressNgVmJob& job);

struct StressNgMetric {
  std::string stressor;
  double bogo_ops = 0;
  std::optional<double> real_time_s;
  std::optional<double> usr_time_s;
  std::optional<double> sys_time_s;
  std::optional<double> bogo_ops_per_s_real;
  std::optional<double> bogo_ops_per_s_usr_sys;
};

// Parses the --yaml file ("metrics:" list). Lines starting with "stress-ng:"
// (console output interleaved when --yaml /dev/stdout) are dropped first.
// Errors: empty text, YAML syntax error, or no "metrics" list (stress-ng
// killed before writing it).
Expected<std::vector<StressNgMetric>> parse_stress_ng_yaml(std::string_view text);

struct StressNgConsole {
  std::optional<bool> run_successful;  // "successful run completed" / "unsuccessful run completed"
  std::optional<double> run_seconds;   // "... completed in 5.00s"
  std::optional<int> passed;           // "passed: N" summary (newer stress-ng)
  std::optional<int> failed;           // "failed: N"
  std::optional<int> skipped;          // "skipped: N"
  std::vector<std::string> failure_lines;    // every "stress-ng: fail:" line
  std::vector<std::string> verify_failures;  // failures that are data verification errors
  std::vector<std::string> dead_workers;     // workers killed by a signal / died
  std::vector<StressNgMetric> metrics;       // the --metrics-brief table
  // Completed, said so, and nothing failed. stress-ng exits 0 after SIGINT and
  // with absurd --vm-bytes, so this, not the exit code, is the verdict.
  [[nodiscard]] bool clean() const;
};

// Parses stress-ng's stderr. Errors only for empty text; a log without a
// "run completed" line parses with run_successful = nullopt (truncated/killed).
Expected<StressNgConsole> parse_stress_ng_console(std::string_view text);

// Meaning of stress-ng's exit status (0 ok, 1 usage/fatal, 2 stressor failed,
// 3 no resource, 4 not implemented, 5 killed by signal, 6 sys exit, 7 metrics
// untrustworthy).
std::string_view describe_stress_ng_exit(int status);

}  // namespace kiln::tools
