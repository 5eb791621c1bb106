// The hepbench workloads: fixed amounts of deterministic work with the
// character of HEP event processing, each producing a checksum of its
// results per batch of events.
//
// Every batch of a workload processes the same seeded events (events
// 0..events_per_batch-1 of that workload's fixed seed), so every batch on
// every copy on every machine must produce the same checksum. The catalog
// (workload_catalog.cpp) stores that checksum as a constant, measured once
// by running the reference build; a copy whose batch differs produced a
// wrong result.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>

#include "kiln/expected.hpp"

namespace kiln::hepbench {

// One copy's instance of a workload. It owns all its buffers, allocated
// when it is made, so run_batch() allocates nothing and cannot fail; a
// wrong result shows as a wrong checksum.
class Workload {
 public:
  Workload() = default;
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;
  virtual ~Workload() = default;

  // Processes one batch of events and returns the checksum of the results.
  virtual std::uint64_t run_batch() = 0;
};

using WorkloadFactory = Expected<std::unique_ptr<Workload>> (*)(std::uint32_t events_per_batch);

struct WorkloadKind {
  std::string_view name;         // stable: used in the reference file and reports
  std::string_view description;  // what HEP processing it stands for
  std::uint32_t events_per_batch = 0;
  std::uint64_t expected_checksum = 0;  // of one batch, measured on the reference build
  WorkloadFactory make = nullptr;
};

// All workloads, in the order they run.
std::span<const WorkloadKind> workload_kinds();

// The workload called `name`, or nullptr.
const WorkloadKind* find_workload_kind(std::string_view name);

// Order-sensitive 64-bit checksum of a stream of results. Doubles go in by
// their bit patterns, so any difference in any bit shows.
class Checksum {
 public:
  void add(std::uint64_t value) {
    state_ = std::rotl((state_ ^ value) * 0x9E3779B97F4A7C15ULL, 31) + 0x632BE59BD9B4E019ULL;
  }
  void add(double value) { add(std::bit_cast<std::uint64_t>(value)); }
  void add(std::int64_t value) { add(static_cast<std::uint64_t>(value)); }
  void add(std::uint32_t value) { add(static_cast<std::uint64_t>(value)); }
  void add(int value) { add(static_cast<std::uint64_t>(static_cast<std::int64_t>(value))); }

  [[nodiscard]] std::uint64_t value() const {
    std::uint64_t z = state_;
    z = (z ^ (z >> 33U)) * 0xFF51AFD7ED558CCDULL;
    z = (z ^ (z >> 33U)) * 0xC4CEB9FE1A85EC53ULL;
    return z ^ (z >> 33U);
  }

 private:
  std::uint64_t state_ = 0x84222325CBF29CE4ULL;
};

// The error a workload reports when it cannot start on a copy.
inline Error workload_start_error(std::string_view name, std::string_view why) {
  return make_error(
      "KILN-HEPBENCH-START",
      "hepbench workload " + std::string(name) + " could not start: " + std::string(why),
      "Check free memory; rerun the benchmark stage.");
}

// Makes a T(events_per_batch), turning an allocation failure into an Error.
template <class T>
Expected<std::unique_ptr<Workload>> allocate_workload(std::string_view name,
                                                      std::uint32_t events_per_batch) {
  try {
    std::unique_ptr<Workload> workload = std::make_unique<T>(events_per_batch);
    return workload;
  } catch (const std::bad_alloc&) {
    return workload_start_error(name, "out of memory allocating its buffers");
  }
}

// The factories, one per workload file. Each returns an Error when its
// buffers cannot be allocated.
Expected<std::unique_ptr<Workload>> make_particle_transport(std::uint32_t events_per_batch);
Expected<std::unique_ptr<Workload>> make_track_fit(std::uint32_t events_per_batch);
Expected<std::unique_ptr<Workload>> make_hit_clustering(std::uint32_t events_per_batch);
Expected<std::unique_ptr<Workload>> make_event_compression(std::uint32_t events_per_batch);
Expected<std::unique_ptr<Workload>> make_histogram_fill(std::uint32_t events_per_batch);

}  // namespace kiln::hepbench
