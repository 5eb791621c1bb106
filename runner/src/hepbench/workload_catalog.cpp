// The catalog of hepbench workloads and their expected batch checksums.
//
// The expected checksums were measured by running one batch of each
// workload on the reference build (see bench/hepbench/README.md). They
// depend only on the workload code, the fixed seeds and events_per_batch:
// the workloads use their own PRNG and deterministic math and the library
// is compiled without fast-math and with -ffp-contract=off, so every
// conforming build on every x86-64 or AArch64 machine reproduces them.
// Checked identical with GCC 12 and Clang at -O0/-O2/-O3, with and without
// -march=native. Changing a workload or its batch size changes its
// checksum: re-measure (hepbench_bench --checksums) and update this table
// and configs/hepbench-reference.yaml in the same commit.
#include <algorithm>
#include <array>

#include "hepbench/workload.hpp"

namespace kiln::hepbench {
namespace {

const std::array<WorkloadKind, 5> kWorkloads{{
    {"particle_transport",
     "Monte Carlo transport of electromagnetic showers through a sampling calorimeter "
     "(branchy, exp/log/sin/cos, random step lengths and interactions)",
     8, 0x42DF89D6311ADAE6ULL, &make_particle_transport},
    {"track_fit", "Kalman-filter track fitting with 5x5 covariance algebra (dense floating point)",
     200, 0x8BE2D554D24E64DBULL, &make_track_fit},
    {"hit_clustering",
     "Pixel-hit clustering with union-find and linked lists on a 4 MiB grid "
     "(integer, pointer chasing, irregular memory)",
     24, 0x0671814803530713ULL, &make_hit_clustering},
    {"event_compression", "zlib deflate/inflate round trip of zero-suppressed raw event data", 10,
     0x490BF91CDEC1DEAFULL, &make_event_compression},
    {"histogram_fill",
     "Filling 1-D and 2-D histograms of particle and pair kinematics (random access)", 800,
     0x17045727783CCBAEULL, &make_histogram_fill},
}};

}  // namespace

std::span<const WorkloadKind> workload_kinds() {
  return kWorkloads;
}

const WorkloadKind* find_workload_kind(std::string_view name) {
  const auto* found = std::find_if(kWorkloads.begin(), kWorkloads.end(),
                                   [&](const WorkloadKind& kind) { return kind.name == name; });
  return found == kWorkloads.end() ? nullptr : &*found;
}

}  // namespace kiln::hepbench
