// kiln-runner bench: the HEPSpec-like benchmark on its own, no FRU or config
// resolution, a score table on stdout.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "stages/benchmark/hepbench_setup.hpp"

namespace kiln::runner {

int cmd_bench(const std::string& config_dir, const std::string& length_text, const std::string& copies_text) {
  auto length = parse_bench_length(length_text);
  auto policy = parse_copy_policy(copies_text);
  auto reference = load_bench_reference(config_dir);
  for (const Error* e : {length ? nullptr : &length.error(), policy ? nullptr : &policy.error(),
                         reference ? nullptr : &reference.error()}) {
    if (e != nullptr) {
      fmt::print(stderr, "kiln-runner bench: error: {}\n", e->message);
      return 2;
    }
  }
  SystemHostAdapter host;
  auto cpus = bench_cpus(host, *policy);
  if (!cpus) {
    fmt::print(stderr, "kiln-runner bench: error: {}\n", cpus.error().message);
    return 2;
  }
  hepbench::BenchmarkConfig config;
  config.cpus = *cpus;
  config.length = *length;
  auto report = hepbench::run_benchmark(config, *reference);
  if (!report) {
    fmt::print(stderr, "kiln-runner bench: error: {}\n", report.error().message);
    return 2;
  }
  fmt::print("{:<20} {:>12} {:>10} {:>8}\n", "WORKLOAD", "EVENTS/S", "SCORE", "CV %");
  for (const auto& w : report->workloads) {
    fmt::print("{:<20} {:>12.1f} {:>10.2f} {:>8.2f}\n", w.name, w.events_per_second, w.score, w.per_copy.cv * 100);
  }
  fmt::print("{:<20} {:>12} {:>10.2f} {:>8.2f}   ({} copies on CPUs {}; reference: {})\n", "SCORE", "",
             report->score, report->per_copy.cv * 100, report->cpus.size(), fmt::join(report->cpus, ","),
             reference->machine);
  for (const auto& m : report->mismatches) fmt::print("FAIL: {}\n", m.describe());
  return report->mismatches.empty() ? 0 : 1;
}

}  // namespace kiln::runner
