// Reading the EDAC sysfs inventory and mapping addresses with what it allows.
#include "kiln/text.hpp"
#include "memtest/dimm_map.hpp"

#include <charconv>

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
  std::from_chars(text.data(), text.data() + text.size(), value);  // garbage reads as 0
  return value;
}

std::vector<std::string> list(const MemtestHost& host, const std::string& path) {
  if (!host.list_dir) return {};
  auto names = host.list_dir(path);
  return names ? std::move(*names) : std::vector<std::string>{};
}

// "dimm3" with prefix "dimm": true.
bool numbered(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return false;
  for (char c : name.substr(prefix.size())) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void read_controller(const MemtestHost& host, const std::string& mc_path, const std::string& mc,
                     std::vector<EdacDimm>& out) {
  for (const auto& entry : list(host, mc_path)) {
    const std::string path = mc_path + "/" + entry;
    if (numbered(entry, "dimm") || numbered(entry, "rank")) {
      EdacDimm d;
      d.name = mc + "/" + entry;
      d.label = read_text(host, path + "/dimm_label");
      d.location = read_text(host, path + "/dimm_location");
      d.size_mb = read_number(host, path + "/size");
      d.ce_count = read_number(host, path + "/dimm_ce_count");
      d.ue_count = read_number(host, path + "/dimm_ue_count");
      out.push_back(std::move(d));
    } else if (numbered(entry, "csrow")) {
      // Legacy layout: one csrow, channels ch0..chN with their labels.
      const std::uint64_t size_mb = read_number(host, path + "/size_mb");
      const std::uint64_t ue = read_number(host, path + "/ue_count");
      for (const auto& file : list(host, path)) {
        const auto suffix = file.find("_dimm_label");
        if (suffix == std::string::npos || !numbered(file.substr(0, suffix), "ch")) continue;
        const std::string channel = file.substr(0, suffix);
        EdacDimm d;
        d.name = mc + "/" + entry + "/" + channel;
        d.label = read_text(host, path + "/" + file);
        d.size_mb = size_mb;
        d.ce_count = read_number(host, path + "/" + channel + "_ce_count");
        d.ue_count = ue;
        out.push_back(std::move(d));
      }
    }
  }
}

}  // namespace

std::string EdacDimm::display() const {
  return label.empty() ? name : label;
}

DimmMap DimmMap::load(const MemtestHost& host, std::vector<DimmRange> configured,
                      std::string_view edac_root) {
  DimmMap map;
  map.configured_ = std::move(configured);
  const std::string root(edac_root);
  for (const auto& mc : list(host, root)) {
    if (numbered(mc, "mc")) read_controller(host, root + "/" + mc, mc, map.dimms_);
  }
  return map;
}

std::string DimmMap::resolve_name(const std::string& dimm) const {
  for (const auto& d : dimms_) {
    if (d.name == dimm) return d.label.empty() ? d.name : d.label + " (" + d.name + ")";
  }
  return dimm;
}

std::string DimmMap::label_for(std::uint64_t physical_address) const {
  if (physical_address == 0) return std::string(kUnknownDimm);
  for (const auto& range : configured_) {
    if (physical_address >= range.start && physical_address < range.end) {
      return resolve_name(range.dimm);
    }
  }
  const EdacDimm* only = nullptr;
  int populated = 0;
  for (const auto& d : dimms_) {
    if (d.size_mb > 0) {
      ++populated;
      only = &d;
    }
  }
  if (populated == 1) return only->display();
  return std::string(kUnknownDimm);
}

std::string DimmMap::describe() const {
  if (!configured_.empty()) {
    return "DIMMs from the configured address map (" + std::to_string(configured_.size()) +
           " ranges); addresses outside it are unknown DIMM";
  }
  if (dimms_.empty()) return "no EDAC memory controllers in sysfs: DIMMs are unknown";
  int populated = 0;
  for (const auto& d : dimms_) populated += d.size_mb > 0 ? 1 : 0;
  if (populated == 1) return "a single populated DIMM in EDAC: every fault is on it";
  return "EDAC lists " + std::to_string(populated) +
         " populated DIMMs but no address ranges; configure memory.dimm_map to name DIMMs";
}

}  // namespace kiln::memtest
