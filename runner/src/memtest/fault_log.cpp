// One record per failing address, counted, capped.
#include "memtest/fault_log.hpp"

#include <algorithm>
#include <bit>

namespace kiln::memtest {

std::vector<unsigned> bit_indices(std::uint64_t mask) {
  std::vector<unsigned> bits;
  while (mask != 0) {
    bits.push_back(static_cast<unsigned>(std::countr_zero(mask)));
    mask &= mask - 1;
  }
  return bits;
}

std::vector<unsigned> FaultRecord::bit_indices() const {
  return memtest::bit_indices(bits_seen);
}

void FaultLog::record(std::uintptr_t address, std::uint64_t expected, std::uint64_t actual,
                      std::string_view pattern) {
  add(address, Entry{expected, actual, expected ^ actual, 1, pattern});
}

void FaultLog::add(std::uintptr_t address, const Entry& entry) {
  mismatches_ += entry.count;
  auto it = entries_.find(address);
  if (it != entries_.end()) {
    it->second.bits_seen |= entry.bits_seen;
    it->second.count += entry.count;
    return;
  }
  if (entries_.size() >= max_records_) {
    unrecorded_ += entry.count;
    return;
  }
  entries_.emplace(address, entry);
}

void FaultLog::merge(const FaultLog& other) {
  // Ascending addresses, so which records survive the cap does not depend on
  // hash order.
  std::vector<std::uintptr_t> addresses;
  addresses.reserve(other.entries_.size());
  for (const auto& [address, entry] : other.entries_) addresses.push_back(address);
  std::sort(addresses.begin(), addresses.end());
  for (std::uintptr_t address : addresses) add(address, other.entries_.at(address));
  mismatches_ += other.unrecorded_;
  unrecorded_ += other.unrecorded_;
}

std::vector<FaultRecord> FaultLog::records() const {
  std::vector<FaultRecord> out;
  out.reserve(entries_.size());
  for (const auto& [address, entry] : entries_) {
    FaultRecord r;
    r.virtual_address = address;
    r.expected = entry.expected;
    r.actual = entry.actual;
    r.xor_mask = entry.expected ^ entry.actual;
    r.bits_seen = entry.bits_seen;
    r.count = entry.count;
    r.first_pattern = std::string(entry.first_pattern);
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const FaultRecord& a, const FaultRecord& b) {
    return a.virtual_address < b.virtual_address;
  });
  return out;
}

}  // namespace kiln::memtest
