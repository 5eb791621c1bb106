// memtest stage: what kiln's pattern engine found becomes measurements and
// FAILs naming the DIMM, the address and the bits (reports made up here; the
// engine's own detection is tested in tests/runner/memtest/).
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/stage_harness.hpp"
#include "stages/memtest/memtest_stage.hpp"

namespace kiln::runner::testing {
namespace {

memtest::FaultRecord fault(std::uintptr_t virtual_address, std::uint64_t count) {
  memtest::FaultRecord f;
  f.virtual_address = virtual_address;
  f.physical_address = 0x1234000;
  f.expected = 0xffffffffffffffffULL;
  f.actual = 0xfffffffffffffffaULL;
  f.xor_mask = 0x5;
  f.bits_seen = 0x5;
  f.count = count;
  f.first_pattern = "walking-ones";
  f.dimm = "DIMM_A1";
  return f;
}

memtest::MemtestReport clean_report() {
  memtest::MemtestReport r;
  r.bytes_tested = 1ULL << 30;
  r.bytes_written = 4ULL << 30;
  r.bytes_verified = 4ULL << 30;
  r.elapsed = std::chrono::seconds(2);
  r.isa = "avx2";
  r.huge_pages = "thp";
  r.patterns = {"walking-ones"};
  r.passes_completed = 1;
  return r;
}

TEST(MemtestJudge, CleanReportPasses) {
  StageHarness h;
  EXPECT_EQ(
      h.judge("memtest", [](StageContext& ctx) { judge_memtest_report(ctx, clean_report()); }),
      Outcome::pass())
      << h.failures();
  const auto* bandwidth = h.find_measurement("memtest_bandwidth");
  ASSERT_NE(bandwidth, nullptr);
  EXPECT_EQ(std::get<double>(bandwidth->value), 4.0);  // 8 GiB moved in 2 s
}

TEST(MemtestJudge, MismatchNamesDimmAddressAndBits) {
  StageHarness h;
  auto r = clean_report();
  r.faults = {fault(0x7f0000001000, 3)};
  r.mismatches = 3;
  EXPECT_EQ(h.judge("memtest", [&r](StageContext& ctx) { judge_memtest_report(ctx, r); }),
            Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-MEMTEST-MISMATCH",
                      "DIMM_A1: the word at virtual 0x00007f0000001000 (physical "
                      "0x0000000001234000) read 0xfffffffffffffffa instead of 0xffffffffffffffff "
                      "(bits 0,2) 3 times, first in pattern walking-ones \u2014 replace the DIMM");
  ASSERT_EQ(h.record.diagnoses.size(), 1U) << h.failures();
  EXPECT_EQ(h.record.diagnoses[0].component, "DIMM_A1");
}

// A dead DIMM: 32 addresses itemised, the rest counted in one more FAIL.
TEST(MemtestJudge, MismatchesBeyondTheItemisedOnesAreCounted) {
  StageHarness h;
  auto r = clean_report();
  for (std::uintptr_t i = 0; i < 33; ++i) r.faults.push_back(fault(0x7f0000000000 + i * 8, 1));
  r.mismatches = 40;
  r.dropped_records = 2;
  EXPECT_EQ(h.judge("memtest", [&r](StageContext& ctx) { judge_memtest_report(ctx, r); }),
            Outcome::fail());
  EXPECT_EQ(h.record.diagnoses.size(), 33U);  // 32 itemised + the total
  KILN_EXPECT_FAILURE(h.record, "KILN-MEMTEST-MISMATCHES-NOT-ITEMISED",
                      "memory: 40 mismatching words in total at 35 addresses (3 not itemised) "
                      "\u2014 replace the DIMMs the itemised mismatches name, then run the stage "
                      "again");
}

}  // namespace
}  // namespace kiln::runner::testing
