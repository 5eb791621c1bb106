// One region through one pattern, and the test-only bit flipper.
#include "memtest/region_runner.hpp"

#include <utility>

namespace kiln::memtest {

namespace {
constexpr std::size_t kChunkBlocks = (1U << 20) / kBlockBytes;  // progress/stop granularity
}  // namespace

RegionRunner::RegionRunner(std::span<std::uint64_t> region, std::size_t region_offset,
                           const SweepKernels& kernels, const RunControl& control, FaultLog& log,
                           Traffic& traffic)
    : region_(region),
      region_offset_(region_offset),
      kernels_(kernels),
      control_(control),
      log_(log),
      traffic_(traffic),
      sink_{&RegionRunner::on_mismatch, this},
      current_(std::make_unique<PatternState>()),
      next_(std::make_unique<PatternState>()),
      scratch_(std::make_unique<Scratch>()) {}

void RegionRunner::on_mismatch(void* self, const std::uint64_t* address, std::uint64_t expected,
                               std::uint64_t actual) {
  auto* runner = static_cast<RegionRunner*>(self);
  runner->traffic_.mismatches.fetch_add(1, std::memory_order_relaxed);
  runner->log_.record(reinterpret_cast<std::uintptr_t>(address), expected, actual,
                      runner->pattern_);
}

void RegionRunner::inject(unsigned sweep_index) const {
  if (control_.inject != nullptr && *control_.inject) {
    (*control_.inject)(region_, region_offset_, SweepPoint{pattern_, sweep_index});
  }
}

bool RegionRunner::run(const PatternDef& pattern, std::uint64_t seed) {
  pattern_ = pattern.name;
  *current_ = PatternState{};
  pattern.make_state(0, seed, *current_);
  if (!sweep(Sweep::kFill, nullptr, current_.get())) return false;
  inject(0);
  for (unsigned k = 1; k < pattern.states; ++k) {
    *next_ = PatternState{};
    pattern.make_state(k, seed, *next_);
    if (!sweep(Sweep::kVerifyFill, current_.get(), next_.get())) return false;
    inject(k);
    std::swap(current_, next_);
  }
  return sweep(Sweep::kVerify, current_.get(), nullptr);
}

bool RegionRunner::sweep(Sweep kind, const PatternState* expected, const PatternState* next) {
  const std::size_t blocks = region_.size() / kBlockWords;
  const bool descending = kind == Sweep::kVerifyFill && next->descending;
  const StoreWidth width = next != nullptr ? next->width : StoreWidth::k64;
  // Non-temporal stores for the write-only sweeps, and for the fused
  // verify+write sweeps when asked (see RunControl::stream_updates).
  const bool streaming =
      control_.streaming &&
      (kind == Sweep::kFill || (kind == Sweep::kVerifyFill && control_.stream_updates));
  std::size_t pending = 0;
  bool stopped = false;
  for (std::size_t i = 0; i < blocks && !stopped; ++i) {
    std::uint64_t* block = region_.data() + (descending ? blocks - 1 - i : i) * kBlockWords;
    const auto address = reinterpret_cast<std::uintptr_t>(block);
    switch (kind) {
      case Sweep::kFill: {
        const BlockValues values = next->values_for(address, scratch_->next);
        if (width == StoreWidth::k64) {
          kernels_.fill(block, values, streaming);
        } else {
          fill_narrow(block, values, width);
        }
        break;
      }
      case Sweep::kVerify:
        kernels_.verify(block, expected->values_for(address, scratch_->expected), sink_);
        break;
      case Sweep::kVerifyFill: {
        const BlockValues want = expected->values_for(address, scratch_->expected);
        const BlockValues values = next->values_for(address, scratch_->next);
        if (width == StoreWidth::k64) {
          kernels_.verify_fill(block, want, values, descending, streaming, sink_);
        } else {
          verify_fill_narrow(block, want, values, descending, width, sink_);
        }
        break;
      }
    }
    if (++pending == kChunkBlocks || i + 1 == blocks) {
      const std::uint64_t bytes = pending * kBlockBytes;
      if (kind != Sweep::kVerify) traffic_.written.fetch_add(bytes, std::memory_order_relaxed);
      if (kind != Sweep::kFill) traffic_.verified.fetch_add(bytes, std::memory_order_relaxed);
      pending = 0;
      stopped = control_.should_stop();
    }
  }
  // Orders the non-temporal stores before what follows (mfence on x86).
  if (streaming) std::atomic_thread_fence(std::memory_order_seq_cst);
  return !stopped;
}

FaultInjector make_bit_flipper(std::vector<BitFlip> flips, unsigned after_sweep,
                               std::string pattern) {
  return [flips = std::move(flips), after_sweep, pattern = std::move(pattern)](
             std::span<std::uint64_t> region, std::size_t region_offset, const SweepPoint& at) {
    if (at.sweep != after_sweep || (!pattern.empty() && at.pattern != pattern)) return;
    const std::size_t region_bytes = region.size() * sizeof(std::uint64_t);
    for (const BitFlip& flip : flips) {
      if (flip.byte_offset < region_offset || flip.byte_offset >= region_offset + region_bytes) {
        continue;
      }
      const std::size_t word = (flip.byte_offset - region_offset) / sizeof(std::uint64_t);
      region[word] ^= 1ULL << (flip.bit % 64);
    }
  };
}

}  // namespace kiln::memtest
