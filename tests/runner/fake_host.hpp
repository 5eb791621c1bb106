// FakeHostAdapter: the host seam for hermetic stage tests. Commands get
// scripted results keyed by argv prefix (longest prefix wins; several results
// for one prefix are returned in order, the last one repeating); files,
// directories and symlinks live in maps. Every command run is recorded.
// Thread-safe: stages test disks from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "host/host_adapter.hpp"

namespace kiln::runner::testing {

// An in-memory block device for open_block_device(). Writes to a `stuck`
// range are dropped (a disk that silently does not write there).
struct FakeDisk {
  std::mutex mu;
  std::vector<std::byte> bytes;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> stuck;  // offset, length
  std::optional<std::uint64_t> write_error_at;                 // a write covering it fails with EIO
  std::uint64_t bytes_written = 0;
  std::uint64_t bytes_read = 0;
  bool opened_for_writing = false;
};

class FakeHostAdapter final : public HostAdapter {
 public:
  using Handler = std::function<CommandResult(const CommandSpec&)>;

  // Results for commands whose argv starts with `prefix`.
  void on(std::vector<std::string> prefix, CommandResult result);
  // A handler runs outside the fake's lock, so it may change files (counters
  // that rise while a tool runs).
  void on(std::vector<std::string> prefix, Handler handler);

  static CommandResult exited(int code, std::string out = {}, std::string err = {});
  static CommandResult killed(int signal, std::string err = {});
  static CommandResult timed_out(std::string err = {});

  void set_file(const std::string& path, std::string text);
  void remove_file(const std::string& path);
  void add_dir(const std::string& path);
  void set_link(const std::string& path, std::string target);

  // A block device at `path` (e.g. "/dev/sdb") of `size` bytes, all `fill`.
  std::shared_ptr<FakeDisk> add_block_device(const std::string& path, std::uint64_t size,
                                             std::byte fill = std::byte{0});

  [[nodiscard]] std::vector<std::vector<std::string>> calls() const;
  // Whether any command run started with `prefix`.
  [[nodiscard]] bool ran(const std::vector<std::string>& prefix) const;

  Expected<CommandResult> run(const CommandSpec& spec) override;
  Expected<std::string> read_file(std::string_view path) override;
  Status write_file(std::string_view path, std::string_view data) override;
  Expected<std::vector<std::string>> list_dir(std::string_view path) override;
  bool exists(std::string_view path) override;
  Expected<std::string> read_link(std::string_view path) override;
  Expected<std::unique_ptr<BlockDevice>> open_block_device(std::string_view path,
                                                           bool writable) override;

 private:
  struct Script {
    std::vector<std::string> prefix;
    std::vector<Handler> steps;
    std::size_t next = 0;
  };
  [[nodiscard]] bool has_children(const std::string& dir) const;

  mutable std::mutex mu_;
  std::vector<Script> scripts_;
  std::vector<std::vector<std::string>> calls_;
  std::map<std::string, std::string> files_;
  std::set<std::string> dirs_;
  std::map<std::string, std::string> links_;
  std::map<std::string, std::shared_ptr<FakeDisk>> disks_;
};

}  // namespace kiln::runner::testing
