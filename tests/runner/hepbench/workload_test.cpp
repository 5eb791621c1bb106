#include "hepbench/workload.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "hepbench/det_math.hpp"
#include "hepbench/prng.hpp"

namespace kiln::hepbench {
namespace {

std::uint64_t one_batch(const WorkloadKind& kind) {
  auto workload = kind.make(kind.events_per_batch);
  EXPECT_TRUE(workload.ok()) << kind.name;
  return workload.ok() ? (*workload)->run_batch() : 0;
}

TEST(HepbenchWorkloads, CatalogHasFiveDistinctWorkloads) {
  std::set<std::string> names;
  for (const WorkloadKind& kind : workload_kinds()) {
    names.emplace(kind.name);
    EXPECT_GT(kind.events_per_batch, 0U);
    EXPECT_NE(kind.make, nullptr);
    EXPECT_EQ(find_workload_kind(kind.name), &kind);
  }
  EXPECT_EQ(names, (std::set<std::string>{"particle_transport", "track_fit", "hit_clustering",
                                          "event_compression", "histogram_fill"}));
  EXPECT_EQ(find_workload_kind("spec_int"), nullptr);
}

// Each workload: a batch matches the stored constant, a second batch of the
// same instance and a batch of a fresh instance give the same checksum.
TEST(HepbenchWorkloads, EveryBatchReproducesTheStoredChecksum) {
  for (const WorkloadKind& kind : workload_kinds()) {
    auto workload = kind.make(kind.events_per_batch);
    ASSERT_TRUE(workload.ok()) << kind.name;
    const std::uint64_t first = (*workload)->run_batch();
    EXPECT_EQ(first, kind.expected_checksum) << kind.name << std::hex << " got 0x" << first;
    EXPECT_EQ((*workload)->run_batch(), first) << kind.name << ": second batch differs";
    EXPECT_EQ(one_batch(kind), first) << kind.name << ": fresh instance differs";
  }
}

TEST(HepbenchWorkloads, FewerEventsGiveADifferentChecksum) {
  for (const WorkloadKind& kind : workload_kinds()) {
    auto small = kind.make(1);
    ASSERT_TRUE(small.ok());
    const std::uint64_t one_event = (*small)->run_batch();
    EXPECT_NE(one_event, kind.expected_checksum) << kind.name;
    EXPECT_EQ((*small)->run_batch(), one_event) << kind.name;
  }
}

TEST(HepbenchDetMath, CloseToLibmOverTheWorkloadRanges) {
  for (double x = -30.0; x <= 30.0; x += 0.37) {
    EXPECT_NEAR(det_exp(x) / std::exp(x), 1.0, 1e-14) << x;
    EXPECT_NEAR(det_sin(x), std::sin(x), 1e-14) << x;
    EXPECT_NEAR(det_cos(x), std::cos(x), 1e-14) << x;
  }
  for (double x = 1e-9; x < 1e9; x *= 3.7) EXPECT_NEAR(det_log(x), std::log(x), 1e-13) << x;
  EXPECT_EQ(det_log(0.0), -745.0);
  EXPECT_EQ(det_log(-1.0), -745.0);
  EXPECT_TRUE(std::isfinite(det_exp(1e6)));
}

TEST(HepbenchPrng, KnownSequenceAndRanges) {
  SplitMix64 mixer(0);
  EXPECT_EQ(mixer.next(), 0xE220A8397B1DCDAFULL);  // the published first value for seed 0
  Xoshiro256 a(42);
  Xoshiro256 b(42);
  for (int i = 0; i < 1000; ++i) {
    const double u = a.uniform();
    EXPECT_EQ(u, b.uniform());
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
    EXPECT_GT(a.uniform_nonzero(), 0.0);
    b.next();
    EXPECT_LT(a.below(7), 7U);
    b.next();
  }
  EXPECT_NE(event_seed(1, 0), event_seed(1, 1));
}

}  // namespace
}  // namespace kiln::hepbench
