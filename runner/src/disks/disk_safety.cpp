#include "disks/disk_safety.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "tools/text_scan.hpp"

namespace kiln::runner {
namespace {

namespace scan = tools::scan;

// Whole disks under a block device, through device-mapper/md slaves.
void underlying_disks(HostAdapter& host, const std::string& name, int depth,
                      std::set<std::string>& out) {
  if (name.empty() || depth > 8) return;
  std::string disk = whole_disk_of(host, name);
  auto slaves = host.list_dir("/sys/class/block/" + disk + "/slaves");
  if (slaves && !slaves->empty()) {
    for (const auto& s : *slaves) underlying_disks(host, s, depth + 1, out);
    return;
  }
  out.insert(disk);
}

// "8:2" -> "sda2" through /sys/dev/block.
std::string name_of_devnum(HostAdapter& host, std::string_view devnum) {
  auto link = host.read_link("/sys/dev/block/" + std::string(devnum));
  if (!link) return {};
  auto slash = link->rfind('/');
  return slash == std::string::npos ? *link : link->substr(slash + 1);
}

void add_use(HostAdapter& host, std::vector<std::pair<std::string, std::string>>& uses,
             const std::string& name, const std::string& what) {
  std::set<std::string> disks;
  underlying_disks(host, name, 0, disks);
  for (const auto& d : disks) uses.emplace_back(d, what);
}

std::string blkid_field(std::string_view text, std::string_view key) {
  for (auto line : scan::lines(text)) {
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == '=') {
      return std::string(line.substr(key.size() + 1));
    }
  }
  return {};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> disks_in_use(HostAdapter& host) {
  std::vector<std::pair<std::string, std::string>> uses;
  if (auto mountinfo = host.read_file("/proc/self/mountinfo")) {
    for (auto line : scan::lines(*mountinfo)) {
      auto fields = scan::tokens(line);
      if (fields.size() < 5) continue;
      std::string source;
      for (std::size_t i = 5; i + 2 < fields.size(); ++i) {
        if (fields[i] == "-") source = std::string(fields[i + 2]);
      }
      std::string what = fmt::format("{} mounted on {}",
                                     source.empty() ? std::string(fields[2]) : source, fields[4]);
      if (!fields[2].starts_with("0:")) add_use(host, uses, name_of_devnum(host, fields[2]), what);
      if (source.starts_with("/dev/")) add_use(host, uses, kernel_name_of(host, source), what);
    }
  }
  if (auto mounts = host.read_file("/proc/mounts")) {
    for (auto line : scan::lines(*mounts)) {
      auto fields = scan::tokens(line);
      if (fields.size() < 2 || !fields[0].starts_with("/dev/")) continue;
      add_use(host, uses, kernel_name_of(host, std::string(fields[0])),
              fmt::format("{} mounted on {}", fields[0], fields[1]));
    }
  }
  if (auto swaps = host.read_file("/proc/swaps")) {
    for (auto line : scan::lines(*swaps)) {
      auto fields = scan::tokens(line);
      if (fields.empty() || !fields[0].starts_with("/dev/")) continue;
      add_use(host, uses, kernel_name_of(host, std::string(fields[0])),
              fmt::format("{} used as swap", fields[0]));
    }
  }
  return uses;
}

SafetyVerdict check_destructive(HostAdapter& host, const DiskTarget& disk,
                                const DestructiveRequest& request) {
  SafetyVerdict v;
  auto refuse = [&](std::string reason) {
    v.reason = fmt::format("refusing {} on {}: {}", request.what, disk.path, reason);
    return v;
  };
  if (!request.params_allow)
    return refuse("the stage's parameters do not ask for destructive work");
  if (!request.run_confirmed) {
    return refuse(
        "destructive work is not confirmed (pass --i-know-this-wipes, or let the orchestrator "
        "confirm the node is in burn-in)");
  }
  for (const auto& [used, what] : disks_in_use(host)) {
    if (used == disk.whole_disk) {
      return refuse(
          fmt::format("disk {} is in use: {} (the boot disk or a disk with a mounted filesystem is "
                      "never written)",
                      used, what));
    }
  }
  auto holders = host.list_dir("/sys/class/block/" + disk.name + "/holders");
  if (holders && !holders->empty()) {
    return refuse(
        fmt::format("it is held by {} (LVM, RAID or dm-crypt member)", fmt::join(*holders, ", ")));
  }
  std::vector<std::string> argv{"blkid", "-p", "-o", "export", disk.path};
  auto probe = host.run({argv, std::chrono::seconds(60), std::nullopt, std::nullopt});
  if (!probe) return refuse(fmt::format("cannot check for signatures: {}", probe.error().message));
  if (probe->exited_with(2)) {  // blkid: nothing found
    v.allowed = true;
    return v;
  }
  if (!probe->exited_with(0)) {
    return refuse(fmt::format("cannot check for signatures: `blkid -p -o export {}` {}: {}",
                              disk.path, probe->describe(), probe->stderr_tail()));
  }
  std::string type = blkid_field(probe->stdout_text, "TYPE");
  std::string pttype = blkid_field(probe->stdout_text, "PTTYPE");
  v.signature = !type.empty()     ? "filesystem signature " + type
                : !pttype.empty() ? "partition table " + pttype
                                  : "a signature blkid recognised";
  if (!request.allow_signatures) {
    return refuse(
        fmt::format("it carries a {} (set allow_signatures: true in the profile to wipe it anyway)",
                    v.signature));
  }
  v.allowed = true;
  v.reason =
      fmt::format("{} on {} is overwritten: allow_signatures is set", v.signature, disk.path);
  return v;
}

}  // namespace kiln::runner
