// The memory under test: one anonymous mapping, huge pages when possible,
// locked region by region by the workers that own them (so each page is first
// touched, and placed, on its worker's NUMA node).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kiln/expected.hpp"

namespace kiln::memtest {

enum class HugePages {
  kAuto,  // MAP_HUGETLB if a hugetlb pool has room (1 GiB pages, then 2 MiB),
          // else madvise(MADV_HUGEPAGE)
  kOff,
};

inline constexpr std::size_t kHugePageBytes = 2ULL << 20;

class TestMemory {
 public:
  // Maps `bytes` (rounded up to the page or huge page size) of private
  // anonymous memory; nothing is touched yet.
  static Expected<TestMemory> map(std::size_t bytes, HugePages huge_pages);

  TestMemory(TestMemory&& other) noexcept;
  TestMemory& operator=(TestMemory&& other) noexcept;
  TestMemory(const TestMemory&) = delete;
  TestMemory& operator=(const TestMemory&) = delete;
  ~TestMemory();

  [[nodiscard]] std::uint64_t* words() const { return static_cast<std::uint64_t*>(base_); }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  // "hugetlb-1g", "hugetlb" (explicit 1 GiB / 2 MiB pages), "thp" (transparent,
  // advised), "none".
  [[nodiscard]] const std::string& huge_pages() const { return huge_pages_; }

 private:
  TestMemory(void* base, std::size_t bytes, std::string huge_pages)
      : base_(base), bytes_(bytes), huge_pages_(std::move(huge_pages)) {}

  void* base_ = nullptr;
  std::size_t bytes_ = 0;
  std::string huge_pages_;
};

// mlock of one region; the Error says why not (RLIMIT_MEMLOCK, no memory).
Status lock_region(void* address, std::size_t bytes);

std::size_t system_page_size();

}  // namespace kiln::memtest
