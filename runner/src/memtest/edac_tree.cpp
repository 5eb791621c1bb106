#include "memtest/edac_tree.hpp"

#include <charconv>

#include "kiln/text.hpp"

namespace kiln::memtest {
namespace {

std::string read_text(const MemtestHost& host, const std::string& path) {
  if (!host.read_file) return {};
  auto text = host.read_file(path);
  return text ? std::string(kiln::trim(*text)) : std::string{};
}

std::uint64_t read_number(const MemtestHost& host, const std::string& path) {
  const std::string text = read_text(host, path);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : 0;
}

std::vector<std::string> list(const MemtestHost& host, const std::string& path,
                              bool* ok = nullptr) {
  if (ok != nullptr) *ok = false;
  if (!host.list_dir) return {};
  auto names = host.list_dir(path);
  if (!names) return {};
  if (ok != nullptr) *ok = true;
  return std::move(*names);
}

// "dimm3" with prefix "dimm": true.
bool numbered(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() || !name.starts_with(prefix)) return false;
  for (char c : name.substr(prefix.size())) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

EdacEntry read_dimm(const MemtestHost& host, const std::string& path, const std::string& key) {
  EdacEntry e;
  e.key = key;
  e.label = read_text(host, path + "/dimm_label");
  e.location = read_text(host, path + "/dimm_location");
  e.size_mb = read_number(host, path + "/size");
  e.ce = read_number(host, path + "/dimm_ce_count");
  e.ue = read_number(host, path + "/dimm_ue_count");
  return e;
}

EdacEntry read_csrow(const MemtestHost& host, const std::string& path, const std::string& key) {
  EdacEntry e;
  e.key = key;
  e.csrow = true;
  e.size_mb = read_number(host, path + "/size_mb");
  e.ce = read_number(host, path + "/ce_count");
  e.ue = read_number(host, path + "/ue_count");
  for (const auto& file : list(host, path)) {
    const auto suffix = file.find("_dimm_label");
    if (suffix == std::string::npos || suffix + 11 != file.size()) continue;
    const std::string channel = file.substr(0, suffix);
    if (!numbered(channel, "ch")) continue;
    e.channels.push_back({channel, read_text(host, path + "/" + file),
                          read_number(host, path + "/" + channel + "_ce_count")});
  }
  return e;
}

}  // namespace

std::vector<EdacController> read_edac_tree(const MemtestHost& host, std::string_view root) {
  std::vector<EdacController> out;
  const std::string base(root);
  for (const auto& mc : list(host, base)) {
    if (!numbered(mc, "mc")) continue;
    const std::string dir = base + "/" + mc;
    EdacController c;
    c.name = mc;
    c.ce = read_number(host, dir + "/ce_count");
    c.ue = read_number(host, dir + "/ue_count");
    const auto names = list(host, dir, &c.listable);
    for (const auto& name : names) {
      if (numbered(name, "dimm") || numbered(name, "rank"))
        c.entries.push_back(read_dimm(host, dir + "/" + name, mc + "/" + name));
    }
    if (c.entries.empty()) {
      for (const auto& name : names) {
        if (numbered(name, "csrow"))
          c.entries.push_back(read_csrow(host, dir + "/" + name, mc + "/" + name));
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace kiln::memtest
