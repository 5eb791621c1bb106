#include "hepbench/benchmark.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace kiln::hepbench {
namespace {

Error config_error(std::string message) {
  return make_error("KILN-HEPBENCH-CONFIG", std::move(message),
                    "Fix the benchmark stage's parameters in the profile.");
}

Expected<std::vector<const WorkloadKind*>> resolve_workloads(const BenchmarkConfig& config,
                                                             const Reference& reference) {
  std::vector<const WorkloadKind*> kinds;
  if (config.workloads.empty()) {
    for (const WorkloadKind& kind : workload_kinds()) kinds.push_back(&kind);
  }
  for (const std::string& name : config.workloads) {
    const WorkloadKind* kind = find_workload_kind(name);
    if (kind == nullptr) return config_error(fmt::format("unknown hepbench workload '{}'", name));
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
      return config_error(fmt::format("hepbench workload '{}' is listed twice", name));
    }
    kinds.push_back(kind);
  }
  for (const WorkloadKind* kind : kinds) {
    const auto ref = reference.events_per_second.find(kind->name);
    if (ref == reference.events_per_second.end() || !(ref->second > 0.0)) {
      return config_error(
          fmt::format("the reference has no events/s for workload '{}'", kind->name));
    }
  }
  return kinds;
}

Status validate(const BenchmarkConfig& config) {
  if (config.cpus.empty()) return config_error("hepbench needs at least one CPU to run a copy on");
  const bool by_events = config.length.events_per_workload > 0;
  const bool by_time = config.length.time_box_per_workload.count() > 0;
  if (by_events == by_time) {
    return config_error(
        "hepbench needs exactly one of: events per workload, time box per workload");
  }
  if (!config.now) return config_error("hepbench needs a clock");
  for (const auto& copy : {config.faults.wrong_result_copy, config.faults.start_failure_copy}) {
    if (copy && *copy >= config.cpus.size()) {
      return config_error(
          fmt::format("fault injection names copy {} of {}", *copy, config.cpus.size()));
    }
  }
  return ok();
}

CopyThroughput throughput_of(std::size_t copy, const CopyRecord& record, const WorkloadRun& run) {
  // A clock that did not advance (fake clocks in tests) counts as 1 ns.
  const double seconds = run.seconds > 0.0 ? run.seconds : 1e-9;
  return {copy,
          record.cpu,
          record.cpu_at_start,
          record.cpu_at_end,
          run.events,
          run.seconds,
          static_cast<double>(run.events) / seconds};
}

WorkloadReport report_workload(std::size_t index, const WorkloadKind& kind,
                               const std::vector<CopyRecord>& records, double reference_per_copy,
                               std::vector<Mismatch>& mismatches) {
  WorkloadReport report;
  report.name = std::string(kind.name);
  report.events_per_batch = kind.events_per_batch;
  report.reference_per_copy = reference_per_copy;
  std::vector<double> rates;
  for (std::size_t copy = 0; copy < records.size(); ++copy) {
    const WorkloadRun& run = records[copy].runs[index];
    report.copies.push_back(throughput_of(copy, records[copy], run));
    rates.push_back(report.copies.back().events_per_second);
    report.events_per_second += rates.back();
    if (!run.stable || run.first_checksum != records[0].runs[index].first_checksum) {
      report.deterministic = false;
    }
    if (run.wrong_batches > 0) {
      mismatches.push_back({copy, records[copy].cpu, report.name, run.first_wrong_checksum,
                            kind.expected_checksum, run.wrong_batches, run.batches});
    }
  }
  report.per_copy = spread_of(rates);
  report.score = relative_score(report.events_per_second, reference_per_copy);
  return report;
}

}  // namespace

RunLength quick_length() {
  return RunLength::time_box(std::chrono::seconds(4));
}
RunLength standard_length() {
  return RunLength::time_box(std::chrono::seconds(60));
}

std::string Mismatch::describe() const {
  return fmt::format(
      "CPU {} produced a wrong result in workload {} (checksum {:#018x}, expected {:#018x})", cpu,
      workload, checksum, expected);
}

Expected<Report> run_benchmark(const BenchmarkConfig& config, const Reference& reference) {
  if (Status valid = validate(config); !valid) return valid.error();
  auto kinds = resolve_workloads(config, reference);
  if (!kinds) return kinds.error();

  const std::chrono::nanoseconds started = config.now();
  auto records = run_copies({config.cpus, *kinds, config.length, config.now, config.faults});
  if (!records) return records.error();

  Report report;
  report.cpus = config.cpus;
  std::vector<double> workload_scores;
  for (std::size_t i = 0; i < kinds->size(); ++i) {
    const WorkloadKind& kind = *(*kinds)[i];
    const double ref = reference.events_per_second.find(kind.name)->second;
    report.workloads.push_back(report_workload(i, kind, *records, ref, report.mismatches));
    workload_scores.push_back(report.workloads.back().score);
  }
  auto score = geometric_mean(workload_scores);
  if (!score) return score.error();
  report.score = *score;

  for (std::size_t copy = 0; copy < records->size(); ++copy) {
    std::vector<double> relative;
    for (const WorkloadReport& workload : report.workloads) {
      relative.push_back(
          relative_score(workload.copies[copy].events_per_second, workload.reference_per_copy));
    }
    auto copy_score = geometric_mean(relative);
    if (!copy_score) return copy_score.error();
    report.copy_scores.push_back(*copy_score);
  }
  report.per_copy = spread_of(report.copy_scores);
  report.elapsed_seconds = std::chrono::duration<double>(config.now() - started).count();
  return report;
}

}  // namespace kiln::hepbench
