// The one seam between kiln-runner and the machine: processes, files under
// /sys, /proc, /dev. Nothing else in the runner spawns a process or opens a
// host path. Tests use FakeHostAdapter (tests/runner/fake_host.hpp) or a
// SystemHostAdapter rooted at a temporary directory.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::runner {

struct CommandSpec {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // When set, stdout and stderr are also appended to this file, with a header
  // naming the command, and a footer with its exit.
  std::optional<std::filesystem::path> log_file;
  std::optional<std::string> stdin_data;
  // Values that must never be written anywhere (a password given on the
  // command line): replaced by "****" in the log header, in the output teed to
  // the log and in the captured stdout/stderr the caller gets back.
  std::vector<std::string> secrets{};
};

struct CommandResult {
  int exit_code = -1;     // valid when !signalled && !timed_out
  bool signalled = false; // the child died of a signal (term_signal says which)
  int term_signal = 0;
  bool timed_out = false; // kiln killed the process group at the timeout
  std::string stdout_text;
  std::string stderr_text;
  std::chrono::milliseconds elapsed{0};

  [[nodiscard]] bool exited_with(int code) const {
    return !signalled && !timed_out && exit_code == code;
  }
  // "exit 2", "killed by signal 9", "timed out after 30 s": for messages.
  [[nodiscard]] std::string describe() const;
  // The last `max_chars` of stderr, for error messages.
  [[nodiscard]] std::string stderr_tail(std::size_t max_chars = 400) const;
};

// The command line as text for logs and messages, with secrets replaced by
// "****": the value after -P, --password, -k, --bmc-password, --token (also
// as --option=VALUE), the password of ipmitool's `user set password ID
// PASSWORD`, and every occurrence of `secrets`.
std::string printable_command(const std::vector<std::string>& argv,
                              const std::vector<std::string>& secrets = {});
// `text` with every occurrence of each (non-empty) secret replaced by "****".
std::string mask_secrets(std::string text, const std::vector<std::string>& secrets);

// A block device opened for whole-device I/O (wipe, read-back verification).
// The system implementation opens it O_DIRECT and O_EXCL (the kernel refuses
// while the device is mounted or held); buffers passed to it must be aligned
// to kBlockDeviceAlignment and their size a multiple of it.
inline constexpr std::size_t kBlockDeviceAlignment = 4096;

class BlockDevice {
 public:
  virtual ~BlockDevice() = default;
  [[nodiscard]] virtual std::uint64_t size_bytes() const = 0;
  virtual Status write_at(std::uint64_t offset, std::span<const std::byte> data) = 0;
  virtual Status read_at(std::uint64_t offset, std::span<std::byte> data) = 0;
  virtual Status sync() = 0;  // fdatasync: the writes reached the device
};

class HostAdapter {
 public:
  virtual ~HostAdapter() = default;

  // Runs a command to completion or its timeout. An Error means the command
  // could not be started at all (not found, not executable).
  virtual Expected<CommandResult> run(const CommandSpec& spec) = 0;

  // Host paths are absolute ("/sys/class/block"); the adapter resolves them
  // under its root.
  virtual Expected<std::string> read_file(std::string_view path) = 0;
  virtual Status write_file(std::string_view path, std::string_view data) = 0;
  virtual Expected<std::vector<std::string>> list_dir(std::string_view path) = 0;  // sorted names
  virtual bool exists(std::string_view path) = 0;
  // Target of a symlink (e.g. /sys/class/net/eth0/device), resolved name only.
  virtual Expected<std::string> read_link(std::string_view path) = 0;
  // Opens a block device for direct I/O; the default refuses (adapters that
  // never touch disks need not implement it).
  virtual Expected<std::unique_ptr<BlockDevice>> open_block_device(std::string_view path,
                                                                   bool writable);
  // The raw 64-bit /proc/self/pagemap entry of this process's virtual page
  // `page_index` (the memory engine's physical addresses); the default refuses.
  virtual Expected<std::uint64_t> read_pagemap_entry(std::uint64_t page_index);
};

// A host file's text without surrounding whitespace (a sysfs attribute);
// empty when it cannot be read.
std::string read_trimmed(HostAdapter& host, std::string_view path);

class SystemHostAdapter final : public HostAdapter {
 public:
  explicit SystemHostAdapter(std::filesystem::path root = "/");

  Expected<CommandResult> run(const CommandSpec& spec) override;
  Expected<std::string> read_file(std::string_view path) override;
  Status write_file(std::string_view path, std::string_view data) override;
  Expected<std::vector<std::string>> list_dir(std::string_view path) override;
  bool exists(std::string_view path) override;
  Expected<std::string> read_link(std::string_view path) override;
  Expected<std::unique_ptr<BlockDevice>> open_block_device(std::string_view path,
                                                           bool writable) override;
  Expected<std::uint64_t> read_pagemap_entry(std::uint64_t page_index) override;

 private:
  [[nodiscard]] std::filesystem::path resolve(std::string_view path) const;
  std::filesystem::path root_;
};

}  // namespace kiln::runner
