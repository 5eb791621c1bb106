// Pagemap decoding and the system pagemap reader.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "memtest/host_reader.hpp"

namespace kiln::memtest {

namespace {

constexpr std::uint64_t kPresentBit = 1ULL << 63;
constexpr std::uint64_t kSwappedBit = 1ULL << 62;
constexpr std::uint64_t kPfnMask = (1ULL << 55) - 1;

// Owns the file descriptor; shared by every copy of the reader.
struct PagemapFile {
  int fd = -1;
  int open_errno = 0;
  PagemapFile() : fd(::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) {
    if (fd < 0) open_errno = errno;
  }
  ~PagemapFile() {
    if (fd >= 0) ::close(fd);
  }
  PagemapFile(const PagemapFile&) = delete;
  PagemapFile& operator=(const PagemapFile&) = delete;
};

}  // namespace

std::uint64_t decode_pagemap_entry(std::uint64_t entry, std::uintptr_t virtual_address,
                                   std::uint64_t page_size) {
  if ((entry & kPresentBit) == 0 || (entry & kSwappedBit) != 0 || page_size == 0) return 0;
  const std::uint64_t pfn = entry & kPfnMask;
  if (pfn == 0) return 0;
  return pfn * page_size + (virtual_address % page_size);
}

std::function<Expected<std::uint64_t>(std::uint64_t page_index)> system_pagemap_reader() {
  auto file = std::make_shared<PagemapFile>();
  return [file](std::uint64_t page_index) -> Expected<std::uint64_t> {
    if (file->fd < 0) {
      return make_error(
          "memtest-pagemap-unreadable",
          std::string("cannot open /proc/self/pagemap: ") + std::strerror(file->open_errno),
          "run as root to get physical addresses of faults");
    }
    std::uint64_t entry = 0;
    const auto offset = static_cast<off_t>(page_index * sizeof(entry));
    const ssize_t got = ::pread(file->fd, &entry, sizeof(entry), offset);
    if (got != static_cast<ssize_t>(sizeof(entry))) {
      return make_error("memtest-pagemap-unreadable",
                        std::string("short read of /proc/self/pagemap: ") + std::strerror(errno));
    }
    return entry;
  };
}

}  // namespace kiln::memtest
