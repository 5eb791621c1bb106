#include "kiln/limits_catalog.hpp"

#include <array>
#include <string>

namespace kiln {
namespace {

using C = Comparison;

constexpr std::array kCatalog = {
    LimitSpec{"memory.edac_corrected_max", C::kLessThanOrEqual, "errors",
              "corrected memory errors (EDAC CE) per DIMM during the stage"},
    LimitSpec{"memory.edac_uncorrected_max", C::kLessThanOrEqual, "errors",
              "uncorrected memory errors (EDAC UE) during the stage"},
    LimitSpec{"cpu.throttle_events_max", C::kLessThanOrEqual, "events",
              "new thermal throttle events per CPU during the stage"},
    LimitSpec{"cpu.min_frequency_mhz", C::kGreaterThanOrEqual, "MHz",
              "lowest average CPU frequency sampled under load"},
    LimitSpec{"disk.reallocated_sectors_delta_max", C::kLessThanOrEqual, "sectors",
              "SMART 5 Reallocated_Sector_Ct growth during burn-in"},
    LimitSpec{"disk.pending_sectors_delta_max", C::kLessThanOrEqual, "sectors",
              "SMART 197 Current_Pending_Sector growth"},
    LimitSpec{"disk.offline_uncorrectable_delta_max", C::kLessThanOrEqual, "sectors",
              "SMART 198 Offline_Uncorrectable growth"},
    LimitSpec{"disk.udma_crc_errors_delta_max", C::kLessThanOrEqual, "errors",
              "SMART 199 UDMA_CRC_Error_Count growth (cabling/backplane)"},
    LimitSpec{"disk.bad_blocks_max", C::kLessThanOrEqual, "blocks", "bad blocks found by badblocks"},
    LimitSpec{"disk.nvme_media_errors_delta_max", C::kLessThanOrEqual, "errors",
              "NVMe media and data integrity errors growth"},
    LimitSpec{"disk.nvme_percentage_used_max", C::kLessThanOrEqual, "%",
              "NVMe endurance used (new drives should be near 0)"},
    LimitSpec{"disk.grown_defects_delta_max", C::kLessThanOrEqual, "defects",
              "SCSI grown defect list growth"},
    LimitSpec{"fio.seq_read_min_mbps", C::kGreaterThanOrEqual, "MB/s", "sequential read bandwidth"},
    LimitSpec{"fio.seq_write_min_mbps", C::kGreaterThanOrEqual, "MB/s", "sequential write bandwidth"},
    LimitSpec{"fio.rand_read_min_iops", C::kGreaterThanOrEqual, "IOPS", "4k random read IOPS"},
    LimitSpec{"fio.rand_write_min_iops", C::kGreaterThanOrEqual, "IOPS", "4k random write IOPS"},
    LimitSpec{"fio.rand_read_p99_max_us", C::kLessThanOrEqual, "us", "4k random read p99 latency"},
    LimitSpec{"fio.rand_write_p99_max_us", C::kLessThanOrEqual, "us", "4k random write p99 latency"},
    LimitSpec{"benchmark.min_score", C::kGreaterThanOrEqual, "score",
              "HEPSpec-like throughput score the tender promised"},
    LimitSpec{"benchmark.max_copy_cv_percent", C::kLessThanOrEqual, "%",
              "spread (coefficient of variation) of per-copy speed"},
    LimitSpec{"network.min_gbps", C::kGreaterThanOrEqual, "Gbit/s", "TCP throughput per direction"},
    LimitSpec{"network.min_link_fraction", C::kGreaterThanOrEqual, "fraction",
              "TCP throughput as a fraction of the negotiated link speed"},
    LimitSpec{"network.udp_loss_max_percent", C::kLessThanOrEqual, "%", "UDP datagram loss"},
    LimitSpec{"network.udp_jitter_max_ms", C::kLessThanOrEqual, "ms", "UDP jitter"},
    LimitSpec{"memtest.errors_max", C::kLessThanOrEqual, "errors",
              "mismatches found by kiln's memory pattern engine"},
};

}  // namespace

std::span<const LimitSpec> limit_catalog() { return kCatalog; }

const LimitSpec* find_limit_spec(std::string_view name) {
  for (const auto& spec : kCatalog) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::optional<Limit> configured_limit(const ResolvedConfig& config, std::string_view name) {
  const LimitSpec* spec = find_limit_spec(name);
  if (spec == nullptr) return std::nullopt;
  auto value = config.limit(std::string(name));
  if (!value) return std::nullopt;
  return Limit{"limits." + std::string(name), spec->op, *value, {}};
}

}  // namespace kiln
