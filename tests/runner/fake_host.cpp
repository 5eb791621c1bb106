#include "fake_host.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kiln::runner::testing {
namespace {

bool starts_with(const std::vector<std::string>& argv, const std::vector<std::string>& prefix) {
  return argv.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), argv.begin());
}

}  // namespace

void FakeHostAdapter::on(std::vector<std::string> prefix, CommandResult result) {
  on(std::move(prefix), [result](const CommandSpec&) { return result; });
}

void FakeHostAdapter::on(std::vector<std::string> prefix, Handler handler) {
  std::lock_guard lock(mu_);
  for (auto& s : scripts_) {
    if (s.prefix == prefix) {
      s.steps.push_back(std::move(handler));
      return;
    }
  }
  scripts_.push_back({std::move(prefix), {std::move(handler)}, 0});
}

CommandResult FakeHostAdapter::exited(int code, std::string out, std::string err) {
  CommandResult r;
  r.exit_code = code;
  r.stdout_text = std::move(out);
  r.stderr_text = std::move(err);
  return r;
}

CommandResult FakeHostAdapter::killed(int signal, std::string err) {
  CommandResult r;
  r.signalled = true;
  r.term_signal = signal;
  r.stderr_text = std::move(err);
  return r;
}

CommandResult FakeHostAdapter::timed_out(std::string err) {
  CommandResult r;
  r.timed_out = true;
  r.stderr_text = std::move(err);
  return r;
}

void FakeHostAdapter::set_file(const std::string& path, std::string text) {
  std::lock_guard lock(mu_);
  files_[path] = std::move(text);
}

void FakeHostAdapter::remove_file(const std::string& path) {
  std::lock_guard lock(mu_);
  files_.erase(path);
}

void FakeHostAdapter::add_dir(const std::string& path) {
  std::lock_guard lock(mu_);
  dirs_.insert(path);
}

void FakeHostAdapter::set_link(const std::string& path, std::string target) {
  std::lock_guard lock(mu_);
  links_[path] = std::move(target);
}

std::vector<std::vector<std::string>> FakeHostAdapter::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

bool FakeHostAdapter::ran(const std::vector<std::string>& prefix) const {
  std::lock_guard lock(mu_);
  return std::any_of(calls_.begin(), calls_.end(),
                     [&](const auto& argv) { return starts_with(argv, prefix); });
}

Expected<CommandResult> FakeHostAdapter::run(const CommandSpec& spec) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    calls_.push_back(spec.argv);
    Script* best = nullptr;
    for (auto& s : scripts_) {
      if (starts_with(spec.argv, s.prefix) &&
          (best == nullptr || s.prefix.size() > best->prefix.size()))
        best = &s;
    }
    if (best == nullptr) {
      return make_error(
          "KILN-TOOL-MISSING",
          "'" + (spec.argv.empty() ? std::string() : spec.argv[0]) + "' was not found (fake host)");
    }
    handler = best->steps[std::min(best->next, best->steps.size() - 1)];
    ++best->next;
  }
  return handler(spec);
}

Expected<std::string> FakeHostAdapter::read_file(std::string_view path) {
  std::lock_guard lock(mu_);
  auto it = files_.find(std::string(path));
  if (it == files_.end())
    return make_error("KILN-HOST-READ", "cannot read " + std::string(path) + " (fake host)");
  return it->second;
}

Status FakeHostAdapter::write_file(std::string_view path, std::string_view data) {
  std::lock_guard lock(mu_);
  files_[std::string(path)] = std::string(data);
  return ok();
}

bool FakeHostAdapter::has_children(const std::string& dir) const {
  std::string prefix = dir == "/" ? "/" : dir + "/";
  auto under = [&](const std::string& p) {
    return p.size() > prefix.size() && p.starts_with(prefix);
  };
  return std::any_of(files_.begin(), files_.end(), [&](const auto& f) { return under(f.first); }) ||
         std::any_of(dirs_.begin(), dirs_.end(), under) ||
         std::any_of(links_.begin(), links_.end(), [&](const auto& l) { return under(l.first); });
}

Expected<std::vector<std::string>> FakeHostAdapter::list_dir(std::string_view path) {
  std::lock_guard lock(mu_);
  std::string dir(path);
  if (!dirs_.contains(dir) && !has_children(dir)) {
    return make_error("KILN-HOST-READ", "cannot list " + dir + " (fake host)");
  }
  std::set<std::string> names;
  std::string prefix = dir == "/" ? "/" : dir + "/";
  auto add = [&](const std::string& p) {
    if (p.size() <= prefix.size() || !p.starts_with(prefix)) return;
    std::string rest = p.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  };
  for (const auto& [p, text] : files_) add(p);
  for (const auto& p : dirs_) add(p);
  for (const auto& [p, target] : links_) add(p);
  return std::vector<std::string>(names.begin(), names.end());
}

bool FakeHostAdapter::exists(std::string_view path) {
  std::lock_guard lock(mu_);
  std::string p(path);
  return files_.contains(p) || dirs_.contains(p) || links_.contains(p) || has_children(p);
}

Expected<std::string> FakeHostAdapter::read_link(std::string_view path) {
  std::lock_guard lock(mu_);
  auto it = links_.find(std::string(path));
  if (it == links_.end())
    return make_error("KILN-HOST-READ", "not a link: " + std::string(path) + " (fake host)");
  return it->second;
}

}  // namespace kiln::runner::testing

namespace kiln::runner::testing {
namespace {

class FakeBlockDevice final : public BlockDevice {
 public:
  explicit FakeBlockDevice(std::shared_ptr<FakeDisk> disk) : disk_(std::move(disk)) {}
  [[nodiscard]] std::uint64_t size_bytes() const override {
    std::lock_guard lock(disk_->mu);
    return disk_->bytes.size();
  }
  Status write_at(std::uint64_t offset, std::span<const std::byte> data) override {
    std::lock_guard lock(disk_->mu);
    if (offset + data.size() > disk_->bytes.size())
      return make_error("KILN-DISK-IO", "write past the end (fake disk)");
    if (disk_->write_error_at && *disk_->write_error_at >= offset &&
        *disk_->write_error_at < offset + data.size()) {
      return make_error("KILN-DISK-IO",
                        fmt::format("write at byte offset {} failed: Input/output error",
                                    *disk_->write_error_at));
    }
    for (std::size_t i = 0; i < data.size(); ++i) {
      std::uint64_t at = offset + i;
      bool stuck = std::any_of(disk_->stuck.begin(), disk_->stuck.end(), [at](const auto& r) {
        return at >= r.first && at < r.first + r.second;
      });
      if (!stuck) disk_->bytes[at] = data[i];
    }
    disk_->bytes_written += data.size();
    return ok();
  }
  Status read_at(std::uint64_t offset, std::span<std::byte> data) override {
    std::lock_guard lock(disk_->mu);
    if (offset + data.size() > disk_->bytes.size())
      return make_error("KILN-DISK-IO", "read past the end (fake disk)");
    std::copy_n(disk_->bytes.begin() + static_cast<std::ptrdiff_t>(offset), data.size(),
                data.begin());
    disk_->bytes_read += data.size();
    return ok();
  }
  Status sync() override { return ok(); }

 private:
  std::shared_ptr<FakeDisk> disk_;
};

}  // namespace

std::shared_ptr<FakeDisk> FakeHostAdapter::add_block_device(const std::string& path,
                                                            std::uint64_t size, std::byte fill) {
  auto disk = std::make_shared<FakeDisk>();
  disk->bytes.assign(size, fill);
  std::lock_guard lock(mu_);
  disks_[path] = disk;
  return disk;
}

Expected<std::unique_ptr<BlockDevice>> FakeHostAdapter::open_block_device(std::string_view path,
                                                                          bool writable) {
  std::lock_guard lock(mu_);
  auto it = disks_.find(std::string(path));
  if (it == disks_.end())
    return make_error("KILN-DISK-OPEN", "cannot open " + std::string(path) + " (fake host)");
  if (writable) {
    std::lock_guard disk_lock(it->second->mu);
    it->second->opened_for_writing = true;
  }
  return std::unique_ptr<BlockDevice>(std::make_unique<FakeBlockDevice>(it->second));
}

}  // namespace kiln::runner::testing
