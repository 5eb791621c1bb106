// memtest_bench: kiln's memory engine against a STREAM-like bandwidth probe
// over the same memory, all cores; optionally with memtester's and
// stressapptest's figures measured by run.sh, in one table.
//
//   memtest_bench [--mib 512] [--memtester-seconds S] [--stressapptest-log FILE]
// The probe needs AVX2.
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "memtest/memtest.hpp"
#include "memtest/patterns.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// ---- STREAM-like probe: read (sum), write (non-temporal), copy (load + NT store).

__attribute__((target("avx2"))) std::uint64_t read_avx2(const std::uint64_t* p, std::size_t words) {
  __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
  for (std::size_t i = 0; i < words; i += 16) {
    a = _mm256_add_epi64(a, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    b = _mm256_add_epi64(b, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 4)));
    c = _mm256_add_epi64(c, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 8)));
    d = _mm256_add_epi64(d, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 12)));
  }
  alignas(32) std::uint64_t out[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(out),
                     _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d)));
  return out[0] + out[1] + out[2] + out[3];
}

__attribute__((target("avx2"))) void write_avx2(std::uint64_t* p, std::size_t words,
                                                std::uint64_t v) {
  const __m256i x = _mm256_set1_epi64x(static_cast<long long>(v));
  for (std::size_t i = 0; i < words; i += 4)
    _mm256_stream_si256(reinterpret_cast<__m256i*>(p + i), x);
  _mm_sfence();
}

__attribute__((target("avx2"))) void copy_avx2(std::uint64_t* dst, const std::uint64_t* src,
                                               std::size_t words) {
  for (std::size_t i = 0; i < words; i += 4) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(dst + i),
                        _mm256_load_si256(reinterpret_cast<const __m256i*>(src + i)));
  }
  _mm_sfence();
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
    }
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

// CPU seconds this process used so far (all threads). On a shared machine,
// traffic per CPU second times threads estimates the uncontended rate.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct ProbeResult {
  double gibs[3] = {0, 0, 0};      // read, write, copy: best repetition, wall clock
  double full_cpu[3] = {0, 0, 0};  // GiB per CPU second x threads
  [[nodiscard]] double best() const { return std::max({gibs[0], gibs[1], gibs[2]}); }
  [[nodiscard]] double best_full_cpu() const {
    return std::max({full_cpu[0], full_cpu[1], full_cpu[2]});
  }
};

// Each kernel `reps` times over the whole memory, all threads in lock step;
// the best repetition counts (as STREAM does).
ProbeResult run_probe(std::size_t bytes, int reps) {
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    std::perror("mmap");
    std::exit(1);
  }
  madvise(mem, bytes, MADV_HUGEPAGE);
  const auto cpus = allowed_cpus();
  const std::size_t n = cpus.size();
  const std::size_t slice_words = bytes / n / 8 / 64 * 64;
  auto* words = static_cast<std::uint64_t*>(mem);
  std::barrier sync(static_cast<std::ptrdiff_t>(n + 1));
  std::atomic<std::uint64_t> sink{0};
  // Each thread times its own kernel: the main thread may be descheduled on a
  // busy machine, its clock readings would be late.
  std::vector<Clock::time_point> began(n), ended(n);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpus[t], &set);
      pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
      std::uint64_t* mine = words + t * slice_words;
      write_avx2(mine, slice_words, t);  // first touch on this thread's node
      sync.arrive_and_wait();
      for (int kernel = 0; kernel < 3; ++kernel) {
        for (int r = 0; r < reps; ++r) {
          sync.arrive_and_wait();
          began[t] = Clock::now();
          if (kernel == 0) sink += read_avx2(mine, slice_words);
          if (kernel == 1) write_avx2(mine, slice_words, r);
          if (kernel == 2) copy_avx2(mine + slice_words / 2, mine, slice_words / 2);
          ended[t] = Clock::now();
          sync.arrive_and_wait();
        }
      }
    });
  }
  ProbeResult result;
  const double total = static_cast<double>(slice_words * n * 8);
  sync.arrive_and_wait();  // first touch done: page faults stay out of the figures
  for (int kernel = 0; kernel < 3; ++kernel) {
    double best = 0;
    const double cpu0 = cpu_seconds();
    for (int r = 0; r < reps; ++r) {
      sync.arrive_and_wait();
      sync.arrive_and_wait();
      const double s = std::chrono::duration<double>(*std::max_element(ended.begin(), ended.end()) -
                                                     *std::min_element(began.begin(), began.end()))
                           .count();
      best = std::max(best, total / s / kGiB);  // copy: half read + half written = total
    }
    result.gibs[kernel] = best;
    result.full_cpu[kernel] = total * reps / kGiB / (cpu_seconds() - cpu0) * static_cast<double>(n);
  }
  for (auto& t : threads) t.join();
  munmap(mem, bytes);
  return result;
}

// ---- Host seam for the engine (this program is an edge: it may read files).

kiln::memtest::MemtestHost real_host() {
  kiln::memtest::MemtestHost host;
  host.read_file = [](std::string_view path) -> kiln::Expected<std::string> {
    std::ifstream in{std::string(path)};
    if (!in) return kiln::make_error("bench-no-file", std::string(path));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  host.list_dir = [](std::string_view path) -> kiln::Expected<std::vector<std::string>> {
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(std::string(path), ec)) {
      names.push_back(e.path().filename().string());
    }
    if (ec) return kiln::make_error("bench-no-dir", std::string(path));
    std::sort(names.begin(), names.end());
    return names;
  };
  host.read_pagemap = kiln::memtest::system_pagemap_reader();
  return host;
}

// memtester's traffic over `bytes` (both halves): per test, writes and
// reads of the whole buffer, from memtester 4.6's tests.c.
void memtester_traffic(double bytes, double& written, double& read) {
  const double sweeps = 16 + 1 + 1 + 64 + 256 + 64 + 128 + 512 + 128 + 128 + 2 + 2;
  written = bytes * (sweeps + 6);   // + the six compare tests' read-modify-write
  read = bytes * (sweeps + 6 * 2);  // + their RMW reads and compares
}

// "Stats: Completed: 38698.00M in 5.02s ..." and "Stats: Memory Copy: 38698.00M
// at 7737.09MB/s": MiB copied (each read, checked and written) and seconds.
double stressapptest_copied_mib(const std::string& path, double& seconds) {
  std::ifstream in(path);
  std::string line;
  double mib = 0;
  while (std::getline(in, line)) {
    auto at = line.find("Memory Copy: ");
    if (at != std::string::npos) mib = std::strtod(line.c_str() + at + 13, nullptr);
    at = line.find("Completed: ");
    const auto in_at = line.find("M in ");
    if (at != std::string::npos && in_at != std::string::npos) {
      seconds = std::strtod(line.c_str() + in_at + 5, nullptr);
    }
  }
  return mib;
}

void row(const char* name, double wall, double written, double read, double probe) {
  const double traffic = (written + read) / wall / kGiB;
  std::printf("%-34s %9.2f %12.2f %12.2f %12.2f %9.1f%%\n", name, wall, written / wall / kGiB,
              read / wall / kGiB, traffic, 100.0 * traffic / probe);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mib = 512;
  double memtester_s = 0;
  std::string sat_log;
  double sat_s = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--mib") mib = std::strtoull(argv[i + 1], nullptr, 10);
    if (arg == "--memtester-seconds") memtester_s = std::strtod(argv[i + 1], nullptr);
    if (arg == "--stressapptest-log") sat_log = argv[i + 1];
  }
  if (!__builtin_cpu_supports("avx2")) {
    std::fprintf(stderr, "the probe needs AVX2\n");
    return 2;
  }
  const std::size_t bytes = mib << 20;
  const ProbeResult probe = run_probe(bytes, 5);

  kiln::memtest::MemtestOptions options;
  options.bytes = bytes;
  options.patterns = kiln::memtest::memtester_equivalent_patterns();
  options.passes = 1;
  kiln::memtest::MemtestHooks hooks;
  hooks.host = real_host();
  const double engine_cpu0 = cpu_seconds();
  auto report = kiln::memtest::run_memtest(options, hooks);
  const double engine_cpu = cpu_seconds() - engine_cpu0;
  if (!report) {
    std::fprintf(stderr, "engine: %s\n", report.error().message.c_str());
    return 1;
  }
  const double engine_s = std::chrono::duration<double>(report->elapsed).count();

  std::printf("memory: %zu MiB, %zu threads, isa %s, huge pages %s, locked %s, mismatches %llu\n",
              mib, report->regions.size(), report->isa.c_str(), report->huge_pages.c_str(),
              report->memory_locked ? "yes" : "no",
              static_cast<unsigned long long>(report->mismatches));
  for (const auto& note : report->notes) std::printf("note: %s\n", note.c_str());
  std::printf("\n%-34s %9s %12s %12s %12s %10s\n", "run", "wall s", "write GiB/s", "verify GiB/s",
              "traffic GiB/s", "of probe");
  const double best = probe.best();
  const char* names[3] = {"probe read (sum)", "probe write (non-temporal)", "probe copy"};
  for (int k = 0; k < 3; ++k) {
    const double w = k == 0 ? 0 : k == 1 ? probe.gibs[k] : probe.gibs[k] / 2;
    std::printf("%-34s %9s %12.2f %12s %12.2f %9.1f%%   full-CPU %6.2f\n", names[k], "-", w, "-",
                probe.gibs[k], 100.0 * probe.gibs[k] / best, probe.full_cpu[k]);
  }
  row("kiln engine, memtester set", engine_s, static_cast<double>(report->bytes_written),
      static_cast<double>(report->bytes_verified), best);
  double mt_written = 0, mt_read = 0;
  memtester_traffic(static_cast<double>(bytes), mt_written, mt_read);
  if (memtester_s > 0) row("memtester 512M 1 (one thread)", memtester_s, mt_written, mt_read, best);
  const double sat_mib = sat_log.empty() ? 0 : stressapptest_copied_mib(sat_log, sat_s);
  if (sat_mib > 0 && sat_s > 0)
    row("stressapptest -M 512 -s 20", sat_s, sat_mib * (1 << 20), sat_mib * (1 << 20), best);

  const double engine_traffic = static_cast<double>(report->bytes_written + report->bytes_verified);
  const double threads = static_cast<double>(report->regions.size());
  const double engine_full_cpu = engine_traffic / kGiB / engine_cpu * threads;
  std::printf("\nengine traffic / probe best: %.1f%% (target >= 80%%); / probe copy: %.1f%%\n",
              100.0 * engine_traffic / engine_s / kGiB / best,
              100.0 * engine_traffic / engine_s / kGiB / probe.gibs[2]);
  std::printf(
      "engine CPU share %.0f%% of %g cores; full-CPU rate %.2f GiB/s = %.1f%% of the "
      "probe's best full-CPU rate %.2f GiB/s\n",
      100.0 * engine_cpu / engine_s / threads, threads, engine_full_cpu,
      100.0 * engine_full_cpu / probe.best_full_cpu(), probe.best_full_cpu());
  if (memtester_s > 0) {
    std::printf("engine vs memtester: %.1fx faster wall, %.1fx the traffic rate\n",
                memtester_s / engine_s,
                (engine_traffic / engine_s) / ((mt_written + mt_read) / memtester_s));
  }
  if (sat_mib > 0 && sat_s > 0) {
    std::printf("engine vs stressapptest: %.1fx the traffic rate\n",
                (engine_traffic / engine_s) / (2.0 * sat_mib * (1 << 20) / sat_s));
  }
  const double tib = 1024.0 * kGiB;
  const double per_byte = engine_traffic / static_cast<double>(bytes);  // traffic per byte tested
  std::printf(
      "1 TiB at the probe's %.1f GiB/s: one write+verify sweep %.0f s; "
      "the memtester set (%.0f bytes of traffic per byte) %.1f h; at the engine's rate %.1f h\n",
      best, 2 * tib / kGiB / best, per_byte, per_byte * tib / kGiB / best / 3600,
      per_byte * tib / (engine_traffic / engine_s) / 3600);
  return 0;
}
