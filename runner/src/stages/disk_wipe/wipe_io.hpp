// The overwrite pass and the read-back verification of a wipe, on a
// BlockDevice (O_DIRECT through the host adapter): large aligned blocks, a
// fill pattern that repeats every 1..512 bytes, chunks spread over the whole
// device for a sample read-back (the first and last MiB always among them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/host_adapter.hpp"

namespace kiln::runner {

inline constexpr std::uint64_t kMiB = 1024ULL * 1024ULL;

// What an overwrite pass writes: a fixed pattern repeating every 1..512
// bytes, or a seeded pseudo-random stream (random = true) that is a pure
// function of (seed, byte offset), so the read-back regenerates any chunk of
// it, anywhere on the device, without storing what was written.
struct FillPattern {
  std::string name;              // "zeros", "ones", "hex:a55a", "random"
  std::vector<std::byte> bytes;  // one period; its size divides 512 (empty when random)
  bool random = false;
  std::uint64_t seed = 0;  // random: the stream's seed (recorded in the certificate)

  // The pattern's bytes for device offsets [offset, offset + size).
  void fill_at(std::uint64_t offset, std::byte* out, std::size_t size) const;
  // "zeros", "hex:a55a", "random (splitmix64, seed 0x1234abcd5678ef90)".
  [[nodiscard]] std::string description() const;
};

// The random stream: the 8 bytes at offset 8*i are SplitMix64's i-th output
// for `seed` (little-endian), i.e. mix(seed + (i + 1) * 0x9E3779B97F4A7C15).
inline constexpr std::string_view kRandomStreamName = "splitmix64";
void fill_random_stream(std::uint64_t seed, std::uint64_t offset, std::byte* out, std::size_t size);

// "zeros", "ones" (0xff), "hex:<2..1024 hex digits>" whose byte count divides
// 512, or "random" (its seed is set by the caller).
Expected<FillPattern> parse_fill_pattern(std::string_view text);

// Memory aligned for O_DIRECT.
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t size);
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer();
  [[nodiscard]] std::byte* data() { return data_; }
  [[nodiscard]] const std::byte* data() const { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  std::byte* data_;
  std::size_t size_;
};

// Called with the fraction done; returns false to stop (the run was aborted).
using WipeProgress = std::function<bool(double)>;

struct OverwriteResult {
  std::uint64_t bytes_written = 0;
  double seconds = 0;
};

// Writes `pattern` over every byte of `device` in blocks of `io_size`, then
// flushes. Errors name the byte offset that failed; stopping is an error too.
Expected<OverwriteResult> overwrite_device(BlockDevice& device, const FillPattern& pattern,
                                           std::size_t io_size, const WipeProgress& progress);

struct Chunk {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// Full: every chunk of `chunk_size` covering the device. Sample: the first
// and last `chunk_size`, plus chunks spread evenly (with a seeded jitter
// inside each stride) until `percent` of the device is covered. Offsets are
// multiples of 512; chunks never overlap and are sorted.
std::vector<Chunk> verification_chunks(std::uint64_t device_size, bool full, double percent,
                                       std::uint64_t chunk_size, std::uint64_t seed);

// 64-bit FNV-1a, for "is this chunk still what it was before the wipe".
std::uint64_t content_hash(const std::byte* data, std::size_t size);

struct VerifyOutcome {
  std::uint64_t bytes_verified = 0;
  std::uint64_t chunks_verified = 0;
  std::uint64_t mismatched_bytes = 0;           // pattern mode: bytes that differ
  std::uint64_t unchanged_chunks = 0;           // blank-or-changed mode
  std::optional<std::uint64_t> first_mismatch;  // byte offset
  int found = 0;                                // the byte found there
  int expected = -1;  // the byte expected there (-1: "anything but the old content")
  double seconds = 0;
};

// Reads every chunk back. With `pattern`, every byte must match it (a random
// pattern is regenerated at each chunk's offset). Without,
// every chunk must be uniform (one byte value throughout: what a firmware
// erase leaves) or differ from `before` (its hash before the wipe: a crypto
// erase leaves noise). Errors: read failures (naming the offset), stopping.
Expected<VerifyOutcome> verify_device(BlockDevice& device, const std::vector<Chunk>& chunks,
                                      const FillPattern* pattern,
                                      const std::vector<std::uint64_t>* before,
                                      const WipeProgress& progress);

// content_hash of every chunk, before a firmware erase.
Expected<std::vector<std::uint64_t>> hash_chunks(BlockDevice& device,
                                                 const std::vector<Chunk>& chunks);

}  // namespace kiln::runner
