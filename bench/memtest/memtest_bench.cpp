// memtest_bench: kiln's memory engine against the bandwidth probe
// (bandwidth_probe.hpp) over the same memory and threads, with memtester's and
// stressapptest's figures measured by run.sh, in one table.
//
//   memtest_bench [--mib 512] [--threads N] [--reps 20] [--passes 1] [--patterns
//   memtester|all|a,b,...]
//                 [--no-probe] [--stream-updates] [--memtester-seconds S] [--stressapptest-log
//                 FILE]
//                 [--stressapptest-time FILE] [--memtester-time FILE] [--stressapptest-label TEXT]
// The time files are /usr/bin/time -f "%e %U %S" of the peers (run.sh writes them): their
// per-CPU-second figures.
// The probe needs AVX2.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bandwidth_probe.hpp"
#include "bench_support.hpp"
#include "memtest/memtest.hpp"
#include "memtest/patterns.hpp"

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

struct Args {
  std::size_t mib = 512;
  unsigned threads = 0;  // 0: one per CPU the process may use
  int reps = 20;
  unsigned passes = 1;
  std::string patterns = "memtester";
  bool probe = true;
  bool stream_updates = false;
  double memtester_s = 0;
  std::string sat_log;
  std::string sat_label = "stressapptest";
  std::string sat_time;        // /usr/bin/time -f "%e %U %S" of stressapptest
  std::string memtester_time;  // the same of memtester
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(
      stderr,
      "memtest_bench: %s\nusage: memtest_bench [--mib N] [--threads N] [--reps N] [--passes N] "
      "[--patterns memtester|all|a,b] [--no-probe] [--stream-updates] [--memtester-seconds S] "
      "[--stressapptest-log FILE] [--stressapptest-time FILE] [--memtester-time FILE] "
      "[--stressapptest-label TEXT]\n",
      why.c_str());
  std::exit(2);
}

double number(const std::string& flag, const char* text) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || v < 0) usage(flag + ": not a number: '" + text + "'");
  return v;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-probe") {
      a.probe = false;
      continue;
    }
    if (flag == "--stream-updates") {
      a.stream_updates = true;
      continue;
    }
    static const char* const kValued[] = {"--mib",
                                          "--threads",
                                          "--reps",
                                          "--passes",
                                          "--patterns",
                                          "--memtester-seconds",
                                          "--memtester-time",
                                          "--stressapptest-log",
                                          "--stressapptest-time",
                                          "--stressapptest-label"};
    if (std::find(std::begin(kValued), std::end(kValued), flag) == std::end(kValued)) {
      usage("unknown option " + flag);
    }
    if (i + 1 >= argc) usage(flag + " needs a value");
    const char* v = argv[++i];
    if (flag == "--mib") {
      a.mib = static_cast<std::size_t>(number(flag, v));
    } else if (flag == "--threads") {
      a.threads = static_cast<unsigned>(number(flag, v));
    } else if (flag == "--reps") {
      a.reps = std::max(1, static_cast<int>(number(flag, v)));
    } else if (flag == "--passes") {
      a.passes = std::max(1U, static_cast<unsigned>(number(flag, v)));
    } else if (flag == "--patterns") {
      a.patterns = v;
    } else if (flag == "--memtester-seconds") {
      a.memtester_s = number(flag, v);
    } else if (flag == "--stressapptest-log") {
      a.sat_log = v;
    } else if (flag == "--stressapptest-time") {
      a.sat_time = v;
    } else if (flag == "--memtester-time") {
      a.memtester_time = v;
    } else if (flag == "--stressapptest-label") {
      a.sat_label = v;
    } else {
      usage("unknown option " + flag);
    }
  }
  if (a.mib < 16) usage("--mib: at least 16");
  return a;
}

std::vector<std::string> pattern_names(const std::string& spec) {
  if (spec == "memtester") return kiln::memtest::memtester_equivalent_patterns();
  std::vector<std::string> names;
  if (spec == "all") {
    for (const auto& p : kiln::memtest::pattern_catalog()) names.emplace_back(p.name);
    return names;
  }
  std::stringstream in(spec);
  for (std::string name; std::getline(in, name, ',');) names.push_back(name);
  return names;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

void rule() {
  std::printf("%s\n", std::string(104, '-').c_str());
}

// One row: wall, write/verify/traffic rates, and the traffic against `bound`.
void row(const char* name, double wall, double written, double read, double bound,
         const char* bound_name, double full_cpu) {
  const double traffic = (written + read) / wall / kGiB;
  std::printf("%-36s %7.2f %8.2f %8.2f %8.2f", name, wall, written / wall / kGiB,
              read / wall / kGiB, traffic);
  if (bound > 0) {
    std::printf("   %6.1f%% of %-16s", 100.0 * traffic / bound, bound_name);
  } else {
    std::printf("   %-26s", "(no probe)");
  }
  if (full_cpu > 0) std::printf(" %7.2f", full_cpu);
  std::printf("\n");
}

std::string hours(double seconds) {
  char text[32];
  if (seconds < 120) {
    std::snprintf(text, sizeof text, "%.0f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(text, sizeof text, "%.1f min", seconds / 60);
  } else {
    std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
  }
  return text;
}

}  // namespace

static int bench_main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  if (!__builtin_cpu_supports("avx2")) {
    std::fprintf(stderr, "memtest_bench: the probe needs AVX2\n");
    return 2;
  }
  const std::size_t bytes = args.mib << 20;
  auto cpus = bench::allowed_cpus();
  if (args.threads > 0 && args.threads < cpus.size()) cpus.resize(args.threads);
  const std::string load_before = load_average();
  probe::Result pr;
  if (args.probe) pr = probe::run(bytes, cpus, args.reps);

  kiln::memtest::MemtestOptions options;
  options.bytes = bytes;
  options.patterns = pattern_names(args.patterns);
  options.passes = args.passes;
  options.max_threads = static_cast<unsigned>(cpus.size());
  options.stream_updates = args.stream_updates;
  kiln::memtest::MemtestHooks hooks;
  hooks.host = bench::real_host();
  const double engine_cpu0 = bench::process_cpu_seconds();
  auto report = kiln::memtest::run_memtest(options, hooks);
  const double engine_cpu = bench::process_cpu_seconds() - engine_cpu0;
  if (!report) {
    std::fprintf(stderr, "engine: %s (%s)\n", report.error().message.c_str(),
                 report.error().remedy.c_str());
    return 1;
  }
  const double engine_s = std::chrono::duration<double>(report->elapsed).count();
  // Like stressapptest's figure and the probe's: the sweeps, without the
  // locking (first touch) of the memory.
  const double setup_s = std::chrono::duration<double>(report->setup).count();
  const double sweeps_s = engine_s - setup_s;
  const double threads = static_cast<double>(report->regions.size());
  std::printf(
      "memory: %zu MiB, %zu threads, isa %s, huge pages %s, locked %s; %u pass(es), "
      "mismatches %llu\n",
      args.mib, report->regions.size(), report->isa.c_str(), report->huge_pages.c_str(),
      report->memory_locked ? "yes" : "no", report->passes_completed,
      static_cast<unsigned long long>(report->mismatches));
  std::printf("verify+write sweeps: %s stores; fill sweeps: non-temporal stores\n",
              args.stream_updates ? "non-temporal" : "ordinary");
  std::printf("load average before: %s; after: %s\n", load_before.c_str(), load_average().c_str());
  for (const auto& note : report->notes) std::printf("note: %s\n", note.c_str());

  if (args.probe) {
    std::printf("\n%-36s %8s %8s %8s %8s %9s %9s\n", "probe kernel (best of reps)", "read", "write",
                "traffic", "of best", "full-CPU", "median");
    rule();
    for (int k = 0; k < probe::kKernels; ++k) {
      const auto& info = probe::kInfo[k];
      const double t = pr.gibs[k];
      const double share = info.read / (info.read + info.written);
      std::printf("%-36s %8.2f %8.2f %8.2f %7.1f%% %9.2f %9.2f\n", info.name, t * share,
                  t * (1 - share), t, 100.0 * t / pr.best(), pr.full_cpu[k], pr.median_full_cpu[k]);
    }
    std::printf("probe best read / non-temporal write: %.2f wall, %.2f full-CPU\n",
                pr.best_read() / pr.gibs[probe::kWriteNt],
                pr.best_read_full_cpu() / pr.full_cpu[probe::kWriteNt]);
  }

  // The probe's rate for the engine's mix: each kind of sweep at its kernel's rate.
  const auto mix = bench::engine_sweeps(report->patterns);
  const double tested = static_cast<double>(report->bytes_tested) * report->passes_completed;
  const double mix_traffic = tested * (mix.fill + 2 * mix.update + mix.verify);
  const auto mix_rate = [&](double write, double update, double read) {
    return mix_traffic / kGiB /
           (tested / kGiB * (mix.fill / write + 2 * mix.update / update + mix.verify / read));
  };
  double matched = 0;
  double matched_full_cpu = 0;
  double matched_median_full_cpu = 0;
  if (args.probe) {
    matched = mix_rate(pr.gibs[probe::kWriteNt], pr.best_update(), pr.best_read());
    matched_full_cpu =
        mix_rate(pr.full_cpu[probe::kWriteNt], pr.best_update_full_cpu(), pr.best_read_full_cpu());
    const auto& m = pr.median_full_cpu;
    matched_median_full_cpu = mix_rate(m[probe::kWriteNt],
                                       std::max({m[probe::kUpdate], m[probe::kUpdatePrefetch],
                                                 m[probe::kUpdateNt], m[probe::kUpdateNtPrefetch]}),
                                       std::max(m[probe::kRead], m[probe::kReadPrefetch]));
  }
  const double written = static_cast<double>(report->bytes_written);
  const double verified = static_cast<double>(report->bytes_verified);
  const double engine_rate = (written + verified) / sweeps_s / kGiB;
  const double engine_full_cpu = (written + verified) / kGiB / engine_cpu * threads;

  std::printf("\n%-36s %7s %8s %8s %8s   %-26s %7s\n", "run (GiB/s)", "wall s", "write", "verify",
              "traffic", "against the probe", "full-CPU");
  rule();
  const double bound = matched;
  row("kiln engine, sweeps", sweeps_s, written, verified, bound, "matching mix", engine_full_cpu);
  row("kiln engine, whole run (+ mlock)", engine_s, written, verified, bound, "matching mix", 0);
  double mt_written = 0, mt_read = 0;
  bench::memtester_traffic(static_cast<double>(bytes), mt_written, mt_read);
  if (args.memtester_s > 0) {
    // One thread: its full-CPU rate is its traffic per CPU second.
    const double share = bench::cpu_share_from_time_file(args.memtester_time);
    row("memtester (one thread)", args.memtester_s, mt_written, mt_read, bound, "matching mix",
        share > 0 ? (mt_written + mt_read) / args.memtester_s / kGiB / share : 0);
  }
  double sat_s = 0;
  const double sat_mib =
      args.sat_log.empty() ? 0 : bench::stressapptest_copied_mib(args.sat_log, sat_s);
  const bool have_sat = sat_mib > 0 && sat_s > 0;
  const double sat_bytes = sat_mib * (1 << 20);
  // Its share over the whole process (setup included) stands for the test phase's.
  const double sat_share = bench::cpu_share_from_time_file(args.sat_time) / threads;
  const double sat_full_cpu = sat_share > 0 ? 2 * sat_bytes / sat_s / kGiB / sat_share : 0;
  if (have_sat) {
    row(args.sat_label.c_str(), sat_s, sat_bytes, sat_bytes, args.probe ? pr.best_copy() : 0,
        "best probe copy", sat_full_cpu);
  }

  std::printf("\nengine setup (mlock, first touch of %zu MiB): %.2f s of the %.2f s run\n",
              args.mib, setup_s, engine_s);
  if (matched > 0) {
    std::printf(
        "engine %.2f GiB/s = %.1f%% of the probe's %.2f GiB/s for its mix (%.0f fill, "
        "%.0f verify+write, %.0f verify sweeps; target >= 90%%)\n",
        engine_rate, 100.0 * engine_rate / matched, matched, mix.fill, mix.update, mix.verify);
  }
  if (have_sat) {
    const double sat_rate = 2 * sat_bytes / sat_s / kGiB;
    std::printf(
        "engine / stressapptest traffic: %.2fx (target >= 1; both without their setup); "
        "whole run %.2fx\n",
        engine_rate / sat_rate, engine_rate * sweeps_s / engine_s / sat_rate);
    if (sat_full_cpu > 0) {
      std::printf(
          "per CPU second: engine %.2f, stressapptest %.2f GiB/s = %.2fx (its CPU share "
          "%.0f%% of %g CPUs)\n",
          engine_full_cpu, sat_full_cpu, engine_full_cpu / sat_full_cpu, 100 * sat_share, threads);
    }
  }
  if (args.memtester_s > 0) {
    std::printf("engine / memtester: %.1fx the traffic rate, %.1fx faster wall\n",
                engine_rate / ((mt_written + mt_read) / args.memtester_s / kGiB),
                args.memtester_s / engine_s);
  }
  std::printf(
      "engine CPU share %.0f%% of %g CPUs; full-CPU rate %.2f GiB/s (traffic per CPU "
      "second x threads)",
      100.0 * engine_cpu / engine_s / threads, threads, engine_full_cpu);
  if (matched_full_cpu > 0) {
    std::printf(
        " = %.1f%% of the probe's full-CPU rate for its mix, %.2f GiB/s (best "
        "repetitions), %.1f%% of %.2f GiB/s (median repetitions)",
        100.0 * engine_full_cpu / matched_full_cpu, matched_full_cpu,
        100.0 * engine_full_cpu / matched_median_full_cpu, matched_median_full_cpu);
  }
  std::printf("\n");

  // Bandwidth-bound times: the memtester set's traffic per byte at each rate.
  const double per_byte = mix.fill + 2 * mix.update + mix.verify;
  const double mem_total = bench::mem_total_bytes();
  std::printf("\n%-60s %12s %12s\n",
              ("the pattern set (" + std::to_string(static_cast<int>(per_byte)) +
               " bytes of traffic per byte tested) over")
                  .c_str(),
              "1 TiB", "MemTotal");
  std::printf("%-60s %12s %11.1fG\n", "", "", mem_total / kGiB);
  const auto time_row = [&](const char* name, double rate_gibs, double traffic_per_byte) {
    if (rate_gibs <= 0) return;
    const double tib = 1024.0 * kGiB;
    std::printf("%-60s %12s %12s\n", name, hours(traffic_per_byte * tib / kGiB / rate_gibs).c_str(),
                hours(traffic_per_byte * mem_total / kGiB / rate_gibs).c_str());
  };
  if (matched > 0) time_row("bound: at the probe's rate for the mix", matched, per_byte);
  time_row("kiln engine at its rate", engine_rate, per_byte);
  if (args.memtester_s > 0) {
    time_row("memtester at its rate (one process)",
             (mt_written + mt_read) / args.memtester_s / kGiB,
             (mt_written + mt_read) / static_cast<double>(bytes));
  }
  if (have_sat) {
    const double sat_rate = 2 * sat_bytes / sat_s / kGiB;
    time_row("stressapptest: the same traffic at its copy rate", sat_rate, per_byte);
    time_row("stressapptest: one copy of every byte (2 B/B)", sat_rate, 2);
  }
  return report->mismatches == 0 ? 0 : 3;
}

// The edge: nothing escapes main.
int main(int argc, char** argv) {
  try {
    return bench_main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memtest_bench: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "memtest_bench: unknown exception\n");
  }
  return 1;
}
