// mmap, huge pages and mlock of the memory under test.
#include "memtest/test_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace kiln::memtest {

namespace {

constexpr std::size_t kGigaPageBytes = 1ULL << 30;
// MAP_HUGE_1GB: log2(page size) in the bits from MAP_HUGE_SHIFT (26).
constexpr int kHuge1GFlag = 30 << 26;

std::size_t round_up(std::size_t n, std::size_t to) {
  return (n + to - 1) / to * to;
}

}  // namespace

std::size_t system_page_size() {
  const long size = ::sysconf(_SC_PAGESIZE);
  return size > 0 ? static_cast<std::size_t>(size) : 4096;
}

Expected<TestMemory> TestMemory::map(std::size_t bytes, HugePages huge_pages) {
  if (bytes == 0) return make_error("memtest-too-small", "memory test of 0 bytes");
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
  // Explicit huge pages, largest first. Each mmap fails at once (ENOMEM)
  // unless that size's hugetlb pool has room for all of it; the pages are
  // then allocated when a worker first touches (locks) its region, on the
  // worker's NUMA node.
  if (huge_pages == HugePages::kAuto && bytes >= kGigaPageBytes) {
    const std::size_t rounded = round_up(bytes, kGigaPageBytes);
    void* base =
        ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE, flags | MAP_HUGETLB | kHuge1GFlag, -1, 0);
    if (base != MAP_FAILED) return TestMemory(base, rounded, "hugetlb-1g");
  }
  if (huge_pages == HugePages::kAuto && bytes >= kHugePageBytes) {
    const std::size_t rounded = round_up(bytes, kHugePageBytes);
    void* base = ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE, flags | MAP_HUGETLB, -1, 0);
    if (base != MAP_FAILED) return TestMemory(base, rounded, "hugetlb");
  }
  const std::size_t rounded = round_up(bytes, system_page_size());
  void* base = ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (base == MAP_FAILED) {
    return make_error("memtest-alloc-failed",
                      "cannot map " + std::to_string(rounded) +
                          " bytes for the memory test: " + std::strerror(errno),
                      "raise memory.reserve so the test leaves the OS enough memory");
  }
  std::string mode = "none";
#ifdef MADV_HUGEPAGE
  if (huge_pages == HugePages::kAuto && ::madvise(base, rounded, MADV_HUGEPAGE) == 0) mode = "thp";
#endif
  return TestMemory(base, rounded, mode);
}

TestMemory::TestMemory(TestMemory&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)),
      huge_pages_(std::move(other.huge_pages_)) {}

TestMemory& TestMemory::operator=(TestMemory&& other) noexcept {
  if (this != &other) {
    if (base_ != nullptr) ::munmap(base_, bytes_);
    base_ = std::exchange(other.base_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    huge_pages_ = std::move(other.huge_pages_);
  }
  return *this;
}

TestMemory::~TestMemory() {
  if (base_ != nullptr) ::munmap(base_, bytes_);
}

Status lock_region(void* address, std::size_t bytes) {
  if (::mlock(address, bytes) != 0) {
    const int err = errno;
    return make_error("memtest-mlock-failed",
                      std::string("mlock of the test memory failed: ") + std::strerror(err),
                      err == ENOMEM || err == EPERM
                          ? "run as root or raise RLIMIT_MEMLOCK; pages may swap meanwhile"
                          : "");
  }
  return ok();
}

}  // namespace kiln::memtest
