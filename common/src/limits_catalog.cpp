#include "kiln/limits_catalog.hpp"

#include <fmt/format.h>

#include <array>
#include <string>

namespace kiln {
namespace {

using C = Comparison;

constexpr std::array kCatalog = {
    LimitSpec{"memory.edac_corrected_max", C::kLessThanOrEqual, "errors",
              "corrected memory errors (EDAC CE) per DIMM during the stage", 0, 1e+06},
    LimitSpec{"memory.edac_uncorrected_max", C::kLessThanOrEqual, "errors",
              "uncorrected memory errors (EDAC UE) during the stage", 0, 1e+06},
    LimitSpec{"cpu.throttle_events_max", C::kLessThanOrEqual, "events",
              "new thermal throttle events per CPU during the stage", 0, 1e+06},
    LimitSpec{"cpu.min_frequency_mhz", C::kGreaterThanOrEqual, "MHz",
              "lowest average CPU frequency sampled under load", 0, 10000},
    LimitSpec{"disk.reallocated_sectors_delta_max", C::kLessThanOrEqual, "sectors",
              "SMART 5 Reallocated_Sector_Ct growth during burn-in", 0, 1e+06},
    LimitSpec{"disk.pending_sectors_delta_max", C::kLessThanOrEqual, "sectors",
              "SMART 197 Current_Pending_Sector growth", 0, 1e+06},
    LimitSpec{"disk.offline_uncorrectable_delta_max", C::kLessThanOrEqual, "sectors",
              "SMART 198 Offline_Uncorrectable growth", 0, 1e+06},
    LimitSpec{"disk.udma_crc_errors_delta_max", C::kLessThanOrEqual, "errors",
              "SMART 199 UDMA_CRC_Error_Count growth (cabling/backplane)", 0, 1e+06},
    LimitSpec{"disk.bad_blocks_max", C::kLessThanOrEqual, "blocks", "bad blocks found by badblocks",
              0, 1e+09},
    LimitSpec{"disk.nvme_media_errors_delta_max", C::kLessThanOrEqual, "errors",
              "NVMe media and data integrity errors growth", 0, 1e+06},
    LimitSpec{"disk.nvme_percentage_used_max", C::kLessThanOrEqual, "%",
              "NVMe endurance used (new drives should be near 0)", 0, 100},
    LimitSpec{"disk.grown_defects_delta_max", C::kLessThanOrEqual, "defects",
              "SCSI grown defect list growth", 0, 1e+06},
    LimitSpec{"fio.seq_read_min_mbps", C::kGreaterThanOrEqual, "MB/s", "sequential read bandwidth",
              0, 100000},
    LimitSpec{"fio.seq_write_min_mbps", C::kGreaterThanOrEqual, "MB/s",
              "sequential write bandwidth", 0, 100000},
    LimitSpec{"fio.rand_read_min_iops", C::kGreaterThanOrEqual, "IOPS", "4k random read IOPS", 0,
              1e+08},
    LimitSpec{"fio.rand_write_min_iops", C::kGreaterThanOrEqual, "IOPS", "4k random write IOPS", 0,
              1e+08},
    LimitSpec{"fio.rand_read_p99_max_us", C::kLessThanOrEqual, "us", "4k random read p99 latency",
              0, 6e+07},
    LimitSpec{"fio.rand_write_p99_max_us", C::kLessThanOrEqual, "us", "4k random write p99 latency",
              0, 6e+07},
    LimitSpec{"benchmark.min_score", C::kGreaterThanOrEqual, "score",
              "HEPSpec-like throughput score the tender promised", 0, 1e+07},
    LimitSpec{"benchmark.max_copy_cv_percent", C::kLessThanOrEqual, "%",
              "spread (coefficient of variation) of per-copy speed", 0, 100},
    LimitSpec{"network.min_gbps", C::kGreaterThanOrEqual, "Gbit/s", "TCP throughput per direction",
              0, 1600},
    LimitSpec{"network.min_link_fraction", C::kGreaterThanOrEqual, "fraction",
              "TCP throughput as a fraction of the negotiated link speed", 0, 1},
    LimitSpec{"network.udp_loss_max_percent", C::kLessThanOrEqual, "%", "UDP datagram loss", 0,
              100},
    LimitSpec{"network.udp_jitter_max_ms", C::kLessThanOrEqual, "ms", "UDP jitter", 0, 60000},
    LimitSpec{"memtest.errors_max", C::kLessThanOrEqual, "errors",
              "mismatches found by kiln's memory pattern engine", 0, 1e+12},
};

}  // namespace

std::span<const LimitSpec> limit_catalog() {
  return kCatalog;
}

const LimitSpec* find_limit_spec(std::string_view name) {
  for (const auto& spec : kCatalog) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string limit_value_problem(const LimitSpec& spec, double value) {
  if (value >= spec.min && value <= spec.max) return {};
  if (value < 0 && spec.min >= 0) {
    return fmt::format("{} {} is negative; {} is never below {}", value, spec.unit,
                       spec.description, spec.min);
  }
  return fmt::format("{} {} is out of range: {} is from {} to {} {}", value, spec.unit,
                     spec.description, spec.min, spec.max, spec.unit);
}

std::optional<Limit> configured_limit(const ResolvedConfig& config, std::string_view name) {
  const LimitSpec* spec = find_limit_spec(name);
  if (spec == nullptr) return std::nullopt;
  auto value = config.limit(std::string(name));
  if (!value) return std::nullopt;
  return Limit{"limits." + std::string(name), spec->op, *value, {}};
}

}  // namespace kiln
