#include "stages/disk_wipe/wipe_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

namespace kiln::runner {
namespace {

constexpr std::uint64_t kSector = 512;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// SplitMix64's output function for the generator state `z`.
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The state before the output for word `index` (the state advances by kGolden first).
constexpr std::uint64_t splitmix64_state(std::uint64_t seed, std::uint64_t index) {
  return seed + index * kGolden;
}

void store_le(std::byte* out, std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &v, sizeof v);
  } else {
    for (int b = 0; b < 8; ++b) out[b] = static_cast<std::byte>((v >> (8 * b)) & 0xff);
  }
}

Error stopped() {
  return make_error("KILN-WIPE-STOPPED", "the run was aborted during the wipe",
                    "the disk is partly wiped: run the decommission again");
}

bool uniform(const std::byte* data, std::size_t size) {
  return size == 0 ||
         std::all_of(data, data + size, [first = data[0]](std::byte b) { return b == first; });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void fill_random_stream(std::uint64_t seed, std::uint64_t offset, std::byte* out,
                        std::size_t size) {
  std::size_t done = 0;
  std::uint64_t state = splitmix64_state(seed, offset / 8);
  if (const auto skip = static_cast<std::size_t>(offset % 8); skip != 0) {  // a partial first word
    std::byte first[8];
    store_le(first, splitmix64_mix(state += kGolden));
    done = std::min(size, 8 - skip);
    std::memcpy(out, first + skip, done);
  }
  for (; done + 8 <= size; done += 8) store_le(out + done, splitmix64_mix(state += kGolden));
  if (done < size) {
    std::byte last[8];
    store_le(last, splitmix64_mix(state += kGolden));
    std::memcpy(out + done, last, size - done);
  }
}

void FillPattern::fill_at(std::uint64_t offset, std::byte* out, std::size_t size) const {
  if (random) {
    fill_random_stream(seed, offset, out, size);
    return;
  }
  const std::size_t period = bytes.size();
  const auto phase = static_cast<std::size_t>(offset % period);
  for (std::size_t i = 0; i < size;) {
    const std::size_t from = i == 0 ? phase : 0;
    const std::size_t n = std::min(period - from, size - i);
    std::memcpy(out + i, bytes.data() + from, n);
    i += n;
  }
}

std::string FillPattern::description() const {
  return random ? fmt::format("random ({}, seed {:#018x})", kRandomStreamName, seed) : name;
}

Expected<FillPattern> parse_fill_pattern(std::string_view text) {
  if (text == "zeros") return FillPattern{"zeros", {std::byte{0}}};
  if (text == "ones") return FillPattern{"ones", {std::byte{0xff}}};
  if (text == "random") return FillPattern{"random", {}, true, 0};
  constexpr std::string_view kHex = "hex:";
  auto bad = [&](std::string why) {
    return make_error("KILN-CONFIG", fmt::format("overwrite pattern '{}': {}", text, why),
                      "use zeros, ones, random or hex:<bytes> (e.g. hex:a55a) whose length "
                      "divides 512");
  };
  if (!text.starts_with(kHex)) return bad("unknown pattern");
  std::string_view digits = text.substr(kHex.size());
  if (digits.empty() || digits.size() % 2 != 0)
    return bad("an even number of hex digits is needed");
  FillPattern p{std::string(text), {}};
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    int hi = hex_value(digits[i]);
    int lo = hex_value(digits[i + 1]);
    if (hi < 0 || lo < 0) return bad("not a hex digit");
    p.bytes.push_back(static_cast<std::byte>(hi * 16 + lo));
  }
  if (kSector % p.bytes.size() != 0)
    return bad(fmt::format("{} bytes does not divide 512", p.bytes.size()));
  return p;
}

AlignedBuffer::AlignedBuffer(std::size_t size)
    : data_(static_cast<std::byte*>(std::aligned_alloc(
          kBlockDeviceAlignment,
          (size + kBlockDeviceAlignment - 1) / kBlockDeviceAlignment * kBlockDeviceAlignment))),
      size_(size) {
  if (data_ == nullptr) throw std::bad_alloc();
}

AlignedBuffer::~AlignedBuffer() {
  std::free(data_);
}

Expected<OverwriteResult> overwrite_device(BlockDevice& device, const FillPattern& pattern,
                                           std::size_t io_size, const WipeProgress& progress) {
  io_size = std::max<std::size_t>(kBlockDeviceAlignment,
                                  io_size / kBlockDeviceAlignment * kBlockDeviceAlignment);
  const std::uint64_t size = device.size_bytes();
  AlignedBuffer buffer(io_size);
  pattern.fill_at(0, buffer.data(), io_size);  // a fixed pattern: every block alike
  auto start = std::chrono::steady_clock::now();
  auto last_report = start;
  std::uint64_t offset = 0;
  while (offset < size) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(io_size, size - offset));
    if (pattern.random && offset > 0) pattern.fill_at(offset, buffer.data(), n);
    if (auto w = device.write_at(offset, {buffer.data(), n}); !w) return w.error();
    offset += n;
    auto now = std::chrono::steady_clock::now();
    if (progress && (now - last_report > std::chrono::milliseconds(500) || offset == size)) {
      last_report = now;
      if (!progress(static_cast<double>(offset) / static_cast<double>(size))) return stopped();
    }
  }
  if (auto s = device.sync(); !s) return s.error();
  return OverwriteResult{offset, seconds_since(start)};
}

std::vector<Chunk> verification_chunks(std::uint64_t device_size, bool full, double percent,
                                       std::uint64_t chunk_size, std::uint64_t seed) {
  std::vector<Chunk> chunks;
  device_size = device_size / kSector * kSector;
  chunk_size = std::max<std::uint64_t>(kSector, chunk_size / kSector * kSector);
  if (device_size == 0) return chunks;
  if (device_size <= 2 * chunk_size) full = true;
  if (full) {
    for (std::uint64_t off = 0; off < device_size; off += chunk_size) {
      chunks.push_back({off, std::min(chunk_size, device_size - off)});
    }
    return chunks;
  }
  const std::uint64_t last = device_size - chunk_size;  // multiple of 512
  const std::uint64_t total = device_size / chunk_size;
  std::uint64_t wanted = static_cast<std::uint64_t>(std::clamp(percent, 0.0, 100.0) / 100.0 *
                                                    static_cast<double>(total));
  wanted = std::clamp<std::uint64_t>(wanted, 2, total);
  chunks.push_back({0, chunk_size});
  // Between the first and the last chunk: wanted-2 strides, one chunk in each.
  const std::uint64_t inner = wanted - 2;
  if (inner > 0) {
    const std::uint64_t span = last - chunk_size;  // where inner chunks may start
    const std::uint64_t stride = span / inner;
    std::mt19937_64 rng(seed);
    for (std::uint64_t i = 0; i < inner; ++i) {
      std::uint64_t base = chunk_size + i * stride;
      std::uint64_t room = stride > chunk_size ? stride - chunk_size : 0;
      // Inner offsets are 4 KiB aligned: 4Kn drives refuse smaller O_DIRECT alignment.
      constexpr std::uint64_t kAlign = kBlockDeviceAlignment;
      std::uint64_t jitter = room / kAlign > 0 ? (rng() % (room / kAlign + 1)) * kAlign : 0;
      std::uint64_t off = (base + jitter + kAlign - 1) / kAlign * kAlign;
      std::uint64_t previous_end = chunks.back().offset + chunks.back().length;
      if (off < previous_end) off = (previous_end + kAlign - 1) / kAlign * kAlign;
      if (off + chunk_size > last) break;
      chunks.push_back({off, chunk_size});
    }
  }
  chunks.push_back({last, chunk_size});
  return chunks;
}

std::uint64_t content_hash(const std::byte* data, std::size_t size) {
  std::uint64_t h = 1469598103934665603ULL;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= static_cast<std::uint64_t>(data[i]);
    h *= 1099511628211ULL;
  }
  return h;
}

Expected<std::vector<std::uint64_t>> hash_chunks(BlockDevice& device,
                                                 const std::vector<Chunk>& chunks) {
  std::uint64_t largest = 0;
  for (const auto& c : chunks) largest = std::max(largest, c.length);
  AlignedBuffer buffer(static_cast<std::size_t>(largest));
  std::vector<std::uint64_t> hashes;
  hashes.reserve(chunks.size());
  for (const auto& c : chunks) {
    auto n = static_cast<std::size_t>(c.length);
    if (auto r = device.read_at(c.offset, {buffer.data(), n}); !r) return r.error();
    hashes.push_back(content_hash(buffer.data(), n));
  }
  return hashes;
}

Expected<VerifyOutcome> verify_device(BlockDevice& device, const std::vector<Chunk>& chunks,
                                      const FillPattern* pattern,
                                      const std::vector<std::uint64_t>* before,
                                      const WipeProgress& progress) {
  std::uint64_t largest = 0;
  std::uint64_t total = 0;
  for (const auto& c : chunks) {
    largest = std::max(largest, c.length);
    total += c.length;
  }
  AlignedBuffer buffer(static_cast<std::size_t>(largest));
  std::vector<std::byte> expected;
  if (pattern != nullptr) {  // chunk offsets are multiples of 512: a fixed pattern is in phase
    expected.resize(static_cast<std::size_t>(largest));
    pattern->fill_at(0, expected.data(), expected.size());
  }
  VerifyOutcome out;
  auto start = std::chrono::steady_clock::now();
  auto last_report = start;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& c = chunks[i];
    auto n = static_cast<std::size_t>(c.length);
    if (auto r = device.read_at(c.offset, {buffer.data(), n}); !r) return r.error();
    if (pattern != nullptr) {
      if (pattern->random) pattern->fill_at(c.offset, expected.data(), n);
      if (std::memcmp(buffer.data(), expected.data(), n) != 0) {
        for (std::size_t k = 0; k < n; ++k) {
          if (buffer.data()[k] == expected[k]) continue;
          if (!out.first_mismatch) {
            out.first_mismatch = c.offset + k;
            out.found = static_cast<int>(buffer.data()[k]);
            out.expected = static_cast<int>(expected[k]);
          }
          ++out.mismatched_bytes;
        }
      }
    } else if (!uniform(buffer.data(), n)) {
      bool unchanged =
          before != nullptr && i < before->size() && (*before)[i] == content_hash(buffer.data(), n);
      if (unchanged || before == nullptr) {
        ++out.unchanged_chunks;
        if (!out.first_mismatch) {
          out.first_mismatch = c.offset;
          out.found = static_cast<int>(buffer.data()[0]);
        }
      }
    }
    out.bytes_verified += n;
    ++out.chunks_verified;
    auto now = std::chrono::steady_clock::now();
    if (progress &&
        (now - last_report > std::chrono::milliseconds(500) || i + 1 == chunks.size())) {
      last_report = now;
      if (!progress(static_cast<double>(out.bytes_verified) /
                    static_cast<double>(std::max<std::uint64_t>(1, total)))) {
        return stopped();
      }
    }
  }
  out.seconds = seconds_since(start);
  return out;
}

}  // namespace kiln::runner
