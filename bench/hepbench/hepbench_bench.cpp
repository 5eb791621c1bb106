// hepbench_bench: runs the kiln hepbench engine standalone and prints its
// figures: score, per-workload throughput, per-copy spread, wall time, and
// over repeats the CV of the score. Also prints the per-batch checksums
// (to re-baseline workload_catalog.cpp) and a reference block (to
// re-baseline configs/hepbench-reference.yaml).
//
//   hepbench_bench [--length quick|standard|box=SECONDS|events=N] [--copies N]
//                  [--repeat R] [--reference FILE] [--checksums] [--print-reference]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hepbench/benchmark.hpp"
#include "hepbench/cpu_selection.hpp"

using namespace kiln::hepbench;

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

Reference unit_reference() {
  Reference ref{"unit", "0", "", {}};
  for (const WorkloadKind& kind : workload_kinds())
    ref.events_per_second[std::string(kind.name)] = 1.0;
  return ref;
}

int print_checksums() {
  for (const WorkloadKind& kind : workload_kinds()) {
    auto workload = kind.make(kind.events_per_batch);
    if (!workload) return std::fprintf(stderr, "%s\n", workload.error().message.c_str()), 1;
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t sum = (*workload)->run_batch();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%-20s events/batch %4u  batch %6.1f ms  checksum 0x%016llX %s\n",
                std::string(kind.name).c_str(), kind.events_per_batch, ms,
                static_cast<unsigned long long>(sum),
                sum == kind.expected_checksum ? "ok" : "DIFFERS");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string length = "quick";
  std::size_t copies = 0;
  int repeat = 1;
  std::string reference_path;
  bool print_reference = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (arg == "--checksums") return print_checksums();
    if (arg == "--length")
      length = next();
    else if (arg == "--copies")
      copies = std::strtoul(next().c_str(), nullptr, 10);
    else if (arg == "--repeat")
      repeat = std::atoi(next().c_str());
    else if (arg == "--reference")
      reference_path = next();
    else if (arg == "--print-reference")
      print_reference = true;
    else
      return std::fprintf(stderr, "unknown argument %s\n", arg.c_str()), 2;
  }

  BenchmarkConfig config;
  if (length == "quick")
    config.length = quick_length();
  else if (length == "standard")
    config.length = standard_length();
  else if (length.rfind("box=", 0) == 0)
    config.length = RunLength::time_box(
        std::chrono::milliseconds(static_cast<long long>(std::atof(length.c_str() + 4) * 1000)));
  else if (length.rfind("events=", 0) == 0)
    config.length = RunLength::events(std::strtoull(length.c_str() + 7, nullptr, 10));
  else
    return std::fprintf(stderr, "bad --length %s\n", length.c_str()), 2;

  const CopyPolicy policy =
      copies > 0 ? CopyPolicy{CopyPlacement::kFixedCount, copies} : CopyPolicy{};
  auto cpus = plan_copy_cpus(policy, read_file);
  if (!cpus) return std::fprintf(stderr, "%s\n", cpus.error().message.c_str()), 1;
  config.cpus = *cpus;

  Reference reference = unit_reference();
  if (!reference_path.empty()) {
    auto text = read_file(reference_path);
    if (!text) return std::fprintf(stderr, "cannot read %s\n", reference_path.c_str()), 1;
    auto loaded = load_reference(*text, reference_path);
    if (!loaded) return std::fprintf(stderr, "%s\n", loaded.error().message.c_str()), 1;
    reference = *loaded;
  }

  std::vector<double> scores;
  for (int run = 0; run < repeat; ++run) {
    auto report = run_benchmark(config, reference);
    if (!report) {
      std::fprintf(stderr, "ERROR %s: %s\n", report.error().code.c_str(),
                   report.error().message.c_str());
      return 1;
    }
    scores.push_back(report->score);
    std::printf(
        "run %d: copies %zu  score %.2f  copy-score spread min %.2f median %.2f max %.2f CV %.4f  "
        "elapsed %.1f s\n",
        run + 1, report->cpus.size(), report->score, report->per_copy.min, report->per_copy.median,
        report->per_copy.max, report->per_copy.cv, report->elapsed_seconds);
    for (const WorkloadReport& w : report->workloads) {
      std::printf(
          "  %-20s %12.1f events/s  score %8.2f  per copy min %.1f median %.1f max %.1f CV %.4f  "
          "%s\n",
          w.name.c_str(), w.events_per_second, w.score, w.per_copy.min, w.per_copy.median,
          w.per_copy.max, w.per_copy.cv, w.deterministic ? "deterministic" : "NOT DETERMINISTIC");
    }
    for (const Mismatch& m : report->mismatches) std::printf("  FAIL %s\n", m.describe().c_str());
    if (print_reference && run + 1 == repeat) {
      std::printf("events_per_second_per_copy:\n");
      for (const WorkloadReport& w : report->workloads) {
        std::printf("  %s: %.1f\n", w.name.c_str(),
                    w.events_per_second / static_cast<double>(report->cpus.size()));
      }
    }
  }
  if (scores.size() > 1) {
    std::printf("score over %zu runs: median %.2f  min %.2f  max %.2f  CV %.4f\n", scores.size(),
                median(scores), spread_of(scores).min, spread_of(scores).max,
                coefficient_of_variation(scores));
  }
  return 0;
}
