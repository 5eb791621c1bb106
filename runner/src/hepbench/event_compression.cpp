// Workload "event_compression": compression of raw event data, as done when
// writing events to storage. Each event is a zero-suppressed readout
// (module, channel, ADC, time per hit; sorted channels with small gaps,
// exponential-ish ADC spectrum, clustered times) serialised little-endian,
// deflated with zlib at level 6 and inflated back.
//
// The checksum covers the inflated bytes, their length and the zlib return
// codes, so a corrupted compression shows as a wrong checksum. It does not
// cover the compressed bytes: deflate's output may differ between zlib
// versions while the round trip may not.
#include <zlib.h>

#include <cstdint>
#include <vector>

#include "hepbench/det_math.hpp"
#include "hepbench/prng.hpp"
#include "hepbench/workload.hpp"

namespace kiln::hepbench {
namespace {

constexpr std::uint64_t kSeed = 0x7A45'5EED'0000'0004ULL;
constexpr std::uint32_t kModules = 256;
constexpr std::uint32_t kMeanHitsPerModule = 12;
constexpr std::size_t kBytesPerHit = 10;
constexpr std::size_t kMaxEventBytes = kModules * 4 * kMeanHitsPerModule * kBytesPerHit;
constexpr int kLevel = 6;

class EventCompression final : public Workload {
 public:
  explicit EventCompression(std::uint32_t events_per_batch)
      : events_(events_per_batch),
        raw_(kMaxEventBytes),
        compressed_(deflateBound(nullptr, kMaxEventBytes)),
        restored_(kMaxEventBytes) {}

  EventCompression(const EventCompression&) = delete;
  EventCompression& operator=(const EventCompression&) = delete;

  ~EventCompression() override {
    if (deflate_ready_) deflateEnd(&deflater_);
    if (inflate_ready_) inflateEnd(&inflater_);
  }

  // zlib allocates its state here, once; an error means the copy cannot start.
  Status start() {
    if (deflateInit(&deflater_, kLevel) != Z_OK) {
      return workload_start_error("event_compression", "zlib deflateInit failed (out of memory?)");
    }
    deflate_ready_ = true;
    if (inflateInit(&inflater_) != Z_OK) {
      return workload_start_error("event_compression", "zlib inflateInit failed (out of memory?)");
    }
    inflate_ready_ = true;
    return ok();
  }

  std::uint64_t run_batch() override {
    Checksum sum;
    for (std::uint32_t event = 0; event < events_; ++event) {
      Xoshiro256 rng(event_seed(kSeed, event));
      const std::size_t size = generate_event(rng);
      round_trip(size, sum);
    }
    return sum.value();
  }

 private:
  void put(std::size_t& at, std::uint64_t value, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) raw_[at++] = static_cast<Bytef>(value >> (8 * i));
  }

  std::size_t generate_event(Xoshiro256& rng) {
    std::size_t at = 0;
    const std::uint32_t bunch = rng.below(3564);
    for (std::uint32_t module = 0; module < kModules; ++module) {
      const std::uint32_t hits = rng.below(2 * kMeanHitsPerModule + 1);
      std::uint32_t channel = rng.below(64);
      for (std::uint32_t h = 0; h < hits && at + kBytesPerHit <= raw_.size(); ++h) {
        channel += 1 + (rng.uniform() < 0.6 ? 0 : rng.below(40));  // hits come in runs
        const auto adc = static_cast<std::uint32_t>(-40.0 * det_log(rng.uniform_nonzero()));
        const std::uint32_t time = bunch * 25 + rng.below(8);
        put(at, module, 2);
        put(at, channel & 0xFFFFU, 2);
        put(at, adc > 1023 ? 1023 : adc, 2);
        put(at, time, 4);
      }
    }
    return at;
  }

  void round_trip(std::size_t size, Checksum& sum) {
    deflateReset(&deflater_);
    deflater_.next_in = raw_.data();
    deflater_.avail_in = static_cast<uInt>(size);
    deflater_.next_out = compressed_.data();
    deflater_.avail_out = static_cast<uInt>(compressed_.size());
    const int deflated = deflate(&deflater_, Z_FINISH);
    const auto compressed_size = static_cast<uInt>(compressed_.size()) - deflater_.avail_out;

    inflateReset(&inflater_);
    inflater_.next_in = compressed_.data();
    inflater_.avail_in = compressed_size;
    inflater_.next_out = restored_.data();
    inflater_.avail_out = static_cast<uInt>(restored_.size());
    const int inflated = inflate(&inflater_, Z_FINISH);
    const std::size_t restored_size = restored_.size() - inflater_.avail_out;

    sum.add(deflated);
    sum.add(inflated);
    sum.add(static_cast<std::uint64_t>(restored_size));
    std::size_t i = 0;
    for (; i + 8 <= restored_size; i += 8) {
      std::uint64_t word = 0;  // little-endian on every host
      for (std::size_t b = 0; b < 8; ++b) word |= std::uint64_t{restored_[i + b]} << (8 * b);
      sum.add(word);
    }
    for (; i < restored_size; ++i) sum.add(static_cast<std::uint64_t>(restored_[i]));
  }

  std::uint32_t events_;
  std::vector<Bytef> raw_;
  std::vector<Bytef> compressed_;
  std::vector<Bytef> restored_;
  z_stream deflater_{};
  z_stream inflater_{};
  bool deflate_ready_ = false;
  bool inflate_ready_ = false;
};

}  // namespace

Expected<std::unique_ptr<Workload>> make_event_compression(std::uint32_t events_per_batch) {
  try {
    auto workload = std::make_unique<EventCompression>(events_per_batch);
    if (Status started = workload->start(); !started) return started.error();
    std::unique_ptr<Workload> made = std::move(workload);
    return made;
  } catch (const std::bad_alloc&) {
    return workload_start_error("event_compression", "out of memory allocating its buffers");
  }
}

}  // namespace kiln::hepbench
