// What steers a run from outside the sweeps: the stop flag, the deadline and
// its clock, and the test-only fault injector called between sweeps.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::memtest {

using Clock = std::function<std::chrono::steady_clock::time_point()>;

// Where an injected fault goes: a word of the whole test memory.
struct BitFlip {
  std::size_t byte_offset = 0;  // of the 64-bit word (multiple of 8), from the memory's start
  unsigned bit = 0;             // 0..63 within that word
};

// Where in a pattern the injector is called: after sweep `sweep` wrote the
// region (0: the initial fill) and before the next sweep verifies it.
struct SweepPoint {
  std::string_view pattern;
  unsigned sweep = 0;
};

// Called by each worker on its own region (`region_offset`: its byte offset in
// the test memory). Tests only: it flips bits between write and verify.
using FaultInjector = std::function<void(std::span<std::uint64_t> region, std::size_t region_offset,
                                         const SweepPoint& at)>;

// Flips `flips` after sweep `after_sweep` of every pattern, or of `pattern`
// only when it is not empty.
FaultInjector make_bit_flipper(std::vector<BitFlip> flips, unsigned after_sweep = 0,
                               std::string pattern = {});

struct RunControl {
  const std::atomic<bool>* stop = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  Clock now;                              // set whenever deadline is
  const FaultInjector* inject = nullptr;  // may be null or empty
  bool streaming = true;                  // non-temporal stores for write-only sweeps
  // ...and for the fused verify+write sweeps too. Off by default: on the
  // 2-vCPU EPYC it was measured on, in-place updates with ordinary stores
  // moved as much per CPU second with one thread and more with two
  // (bench/memtest/README.md); a CPU where streaming wins can turn it on.
  bool stream_updates = false;

  [[nodiscard]] bool should_stop() const {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) return true;
    return deadline && now() >= *deadline;
  }
};

}  // namespace kiln::memtest
