// Drives one worker's region through a pattern: state by state, 4 KiB block
// by block, with the chosen sweep loops; counts traffic, honours stop and
// deadline every MiB, calls the fault injector between sweeps.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "memtest/fault_log.hpp"
#include "memtest/patterns.hpp"
#include "memtest/run_control.hpp"
#include "memtest/sweep_kernels.hpp"

namespace kiln::memtest {

// Bytes a worker moved; written by its worker only, read by the progress loop.
struct alignas(64) Traffic {
  std::atomic<std::uint64_t> written{0};
  std::atomic<std::uint64_t> verified{0};
  std::atomic<std::uint64_t> mismatches{0};
};

class RegionRunner {
 public:
  // `region`: 4 KiB-aligned, a whole number of 4 KiB blocks.
  RegionRunner(std::span<std::uint64_t> region, std::size_t region_offset,
               const SweepKernels& kernels, const RunControl& control, FaultLog& log,
               Traffic& traffic);

  // Fill, verify_fill per further state, verify. False when stopped midway.
  bool run(const PatternDef& pattern, std::uint64_t seed);

 private:
  enum class Sweep { kFill, kVerify, kVerifyFill };
  bool sweep(Sweep kind, const PatternState* expected, const PatternState* next);
  void inject(unsigned sweep_index) const;
  static void on_mismatch(void* self, const std::uint64_t* address, std::uint64_t expected,
                          std::uint64_t actual);

  std::span<std::uint64_t> region_;
  std::size_t region_offset_;
  const SweepKernels& kernels_;
  const RunControl& control_;
  FaultLog& log_;
  Traffic& traffic_;
  MismatchSink sink_;
  std::string_view pattern_;
  std::unique_ptr<PatternState> current_;
  std::unique_ptr<PatternState> next_;
  struct Scratch {
    alignas(64) std::uint64_t expected[kBlockWords];
    alignas(64) std::uint64_t next[kBlockWords];
  };
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace kiln::memtest
