#include "stages/memtest/memtest_stage.hpp"

#include <fmt/format.h>

#include "kiln/limits_catalog.hpp"
#include "memtest/memtest.hpp"
#include "stages/builtin_stages.hpp"

namespace kiln::runner {
namespace {

constexpr std::size_t kMaxFaultDiagnoses = 32;

std::string hex(std::uint64_t v) {
  return fmt::format("0x{:016x}", v);
}

}  // namespace

memtest::MemtestHost memtest_host(HostAdapter& host) {
  memtest::MemtestHost out;
  out.read_file = [&host](std::string_view p) { return host.read_file(p); };
  out.list_dir = [&host](std::string_view p) { return host.list_dir(p); };
  out.read_pagemap = [&host](std::uint64_t page) { return host.read_pagemap_entry(page); };
  return out;
}

void run_memtest_engine(StageContext& ctx, const std::string& prefix) {
  memtest::MemtestOptions options;
  options.bytes = static_cast<std::uint64_t>(ctx.params.get_int(prefix + "size_mib")) << 20;
  options.reserve_bytes = static_cast<std::uint64_t>(ctx.params.get_int(prefix + "reserve_mib"))
                          << 20;
  options.patterns = ctx.params.get_list(prefix + "patterns");
  options.passes = static_cast<unsigned>(ctx.params.get_int(prefix + "passes"));
  options.time_limit = ctx.params.get_duration(prefix + "duration");
  auto isa = memtest::parse_isa(ctx.params.get_string(prefix + "isa"));
  if (!isa) {
    ctx.step.error("memtest-bad-option", isa.error().message);
    return;
  }
  options.isa = *isa;

  memtest::MemtestHooks hooks;
  hooks.host = memtest_host(ctx.host);
  hooks.stop = ctx.stop;
  hooks.on_progress = [&ctx](const memtest::Progress& p) {
    ctx.step.progress(p.fraction, fmt::format("memtest {:.1f} GiB moved, {} mismatches",
                                              static_cast<double>(p.bytes_processed) / (1ULL << 30),
                                              p.mismatches));
  };
  auto report = memtest::run_memtest(options, hooks);
  if (!report) {
    ctx.step.error(report.error().code,
                   "kiln memory engine could not run: " + report.error().message);
    return;
  }
  judge_memtest_report(ctx, *report);
}

void judge_memtest_report(StageContext& ctx, const memtest::MemtestReport& r) {
  double seconds = std::chrono::duration<double>(r.elapsed).count();
  double traffic = static_cast<double>(r.bytes_written + r.bytes_verified);
  auto tested = measure("memtest_bytes_tested", static_cast<double>(r.bytes_tested) / (1ULL << 30),
                        "GiB", "memory", {});
  tested.key_figure = true;
  ctx.step.measurement(tested);
  ctx.step.measurement(measure("memtest_bandwidth",
                               seconds > 0 ? traffic / seconds / (1ULL << 30) : 0.0, "GiB/s",
                               "memory", {}));
  ctx.step.measurement(measure("memtest_passes_completed", static_cast<double>(r.passes_completed),
                               "", "memory", {}));
  std::vector<Limit> limits{
      Limit{"limits.memtest.errors_max", Comparison::kLessThanOrEqual, 0.0, {}}};
  if (auto configured = configured_limit(ctx.config, "memtest.errors_max")) limits = {*configured};
  auto errors =
      measure("memtest_mismatches", static_cast<double>(r.mismatches), "words", "memory", limits);
  errors.key_figure = true;
  ctx.step.measurement(errors);
  ctx.step.info(fmt::format(
      "kiln memtest: {} patterns, isa {}, huge pages {}, memory {}locked, {} regions",
      r.patterns.size(), r.isa, r.huge_pages, r.memory_locked ? "" : "NOT ", r.regions.size()));
  for (const auto& note : r.notes) ctx.step.log(ocptv::LogSeverity::kWarning, "memtest: " + note);
  if (errors.passed()) return;
  std::size_t shown = 0;
  for (const auto& f : r.faults) {
    if (shown++ == kMaxFaultDiagnoses) break;
    std::string bits;
    for (unsigned b : f.bit_indices()) bits += fmt::format("{}{}", bits.empty() ? "" : ",", b);
    ctx.step.fail("KILN-MEMTEST-MISMATCH",
                  {{"virtual", hex(f.virtual_address)},
                   {"physical", f.physical_address ? hex(f.physical_address) : "unknown"},
                   {"actual", hex(f.actual)},
                   {"expected", hex(f.expected)},
                   {"bits", bits},
                   {"times", f.count == 1 ? std::string("once") : fmt::format("{} times", f.count)},
                   {"pattern", f.first_pattern}},
                  f.dimm);
  }
  if (r.faults.size() > kMaxFaultDiagnoses || r.dropped_records > 0) {
    const std::size_t addresses = r.faults.size() + r.dropped_records;
    const std::size_t more = addresses - std::min(r.faults.size(), kMaxFaultDiagnoses);
    ctx.step.fail(
        "KILN-MEMTEST-MISMATCHES-NOT-ITEMISED",
        {{"mismatches", catalog::count_of(r.mismatches, "mismatching word", "mismatching words")},
         {"addresses", catalog::count_of(addresses, "address", "addresses")},
         {"more", std::to_string(more)}},
        "memory");
  }
}

namespace {

class MemtestStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("memtest");
    return kInfo;
  }
  void run(StageContext& ctx) override { run_memtest_engine(ctx, ""); }
};

}  // namespace

std::unique_ptr<Stage> make_memtest_stage() {
  return std::make_unique<MemtestStage>();
}

}  // namespace kiln::runner
