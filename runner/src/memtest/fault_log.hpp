// Aggregation of mismatches: one record per address, however often it fails,
// with a cap on distinct records so a dead DIMM cannot flood memory or the
// report. Each worker keeps its own log; the engine merges them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kiln::memtest {

inline constexpr std::string_view kUnknownDimm = "unknown DIMM";

struct FaultRecord {
  std::uintptr_t virtual_address = 0;
  std::uint64_t physical_address = 0;  // 0: unknown (no permission, no pagemap)
  std::uint64_t expected = 0;          // of the first mismatch seen here
  std::uint64_t actual = 0;            // of the first mismatch seen here
  std::uint64_t xor_mask = 0;          // expected ^ actual of the first mismatch
  std::uint64_t bits_seen = 0;         // OR of the xor masks of every mismatch here
  std::uint64_t count = 0;             // mismatching reads of this address
  std::string first_pattern;           // pattern that saw it first
  std::string dimm{kUnknownDimm};      // DIMM label, see dimm_map.hpp

  // Indices (0 = least significant) of the bits that ever differed here.
  [[nodiscard]] std::vector<unsigned> bit_indices() const;
};

std::vector<unsigned> bit_indices(std::uint64_t mask);

class FaultLog {
 public:
  explicit FaultLog(std::size_t max_records) : max_records_(max_records) {}

  // `pattern` must outlive the log (catalog names do).
  void record(std::uintptr_t address, std::uint64_t expected, std::uint64_t actual,
              std::string_view pattern);
  // Folds `other` in; addresses beyond the cap count as unrecorded.
  void merge(const FaultLog& other);

  [[nodiscard]] std::vector<FaultRecord> records() const;  // ascending address
  [[nodiscard]] std::size_t distinct() const { return entries_.size(); }
  [[nodiscard]] std::uint64_t mismatches() const { return mismatches_; }
  // Mismatches at addresses that found the log full.
  [[nodiscard]] std::uint64_t unrecorded() const { return unrecorded_; }

 private:
  struct Entry {
    std::uint64_t expected = 0;
    std::uint64_t actual = 0;
    std::uint64_t bits_seen = 0;
    std::uint64_t count = 0;
    std::string_view first_pattern;
  };
  void add(std::uintptr_t address, const Entry& entry);

  std::size_t max_records_;
  std::unordered_map<std::uintptr_t, Entry> entries_;
  std::uint64_t mismatches_ = 0;
  std::uint64_t unrecorded_ = 0;
};

}  // namespace kiln::memtest
