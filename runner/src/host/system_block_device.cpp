// SystemHostAdapter::open_block_device: O_DIRECT so a wipe goes to the disk
// and a read-back comes from it (not the page cache); O_EXCL so the kernel
// itself refuses a device that is mounted or held by LVM/RAID/dm.
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/host_adapter.hpp"

namespace kiln::runner {
namespace {

class SystemBlockDevice final : public BlockDevice {
 public:
  SystemBlockDevice(int fd, std::string path, std::uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  SystemBlockDevice(const SystemBlockDevice&) = delete;
  SystemBlockDevice& operator=(const SystemBlockDevice&) = delete;
  ~SystemBlockDevice() override { ::close(fd_); }

  [[nodiscard]] std::uint64_t size_bytes() const override { return size_; }

  Status write_at(std::uint64_t offset, std::span<const std::byte> data) override {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return io_error("write", offset + done, n < 0 ? errno : ENOSPC);
      done += static_cast<std::size_t>(n);
    }
    return ok();
  }

  Status read_at(std::uint64_t offset, std::span<std::byte> data) override {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n =
          ::pread(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return io_error("read", offset + done, n < 0 ? errno : EIO);
      done += static_cast<std::size_t>(n);
    }
    return ok();
  }

  Status sync() override {
    if (::fdatasync(fd_) != 0) return io_error("flush", 0, errno);
    return ok();
  }

 private:
  [[nodiscard]] Error io_error(std::string_view what, std::uint64_t offset, int err) const {
    return make_error("KILN-DISK-IO",
                      fmt::format("{} of {} at byte offset {} failed: {}", what, path_, offset,
                                  std::strerror(err)),
                      "check the kernel log (dmesg) for I/O errors on this device");
  }

  int fd_;
  std::string path_;
  std::uint64_t size_;
};

}  // namespace

Expected<std::unique_ptr<BlockDevice>> HostAdapter::open_block_device(std::string_view path,
                                                                      bool /*writable*/) {
  return make_error("KILN-HOST-UNSUPPORTED",
                    fmt::format("this host adapter cannot open block device {}", path));
}

Expected<std::unique_ptr<BlockDevice>> SystemHostAdapter::open_block_device(std::string_view path,
                                                                            bool writable) {
  std::string real = resolve(path).string();
  int flags = (writable ? O_RDWR : O_RDONLY) | O_DIRECT | O_EXCL | O_CLOEXEC;
  int fd = ::open(real.c_str(), flags);
  if (fd < 0) {
    int err = errno;
    return make_error("KILN-DISK-OPEN",
                      fmt::format("cannot open {} for direct {}: {}", path,
                                  writable ? "writing" : "reading", std::strerror(err)),
                      err == EBUSY ? "the device is mounted or held (LVM, RAID, dm): release it"
                                   : "run as root and check the device exists");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode)) {
    ::close(fd);
    return make_error("KILN-DISK-OPEN", fmt::format("{} is not a block device", path));
  }
  std::uint64_t size = 0;
  if (::ioctl(fd, BLKGETSIZE64, &size) != 0) {
    int err = errno;
    ::close(fd);
    return make_error("KILN-DISK-OPEN",
                      fmt::format("cannot read the size of {}: {}", path, std::strerror(err)));
  }
  return std::unique_ptr<BlockDevice>(
      std::make_unique<SystemBlockDevice>(fd, std::string(path), size));
}

}  // namespace kiln::runner
