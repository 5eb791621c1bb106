// Reading the EDAC sysfs inventory and mapping addresses with what it allows.
#include "memtest/dimm_map.hpp"

#include "memtest/edac_tree.hpp"

namespace kiln::memtest {

std::string EdacDimm::display() const {
  return label.empty() ? name : label;
}

DimmMap DimmMap::load(const MemtestHost& host, std::vector<DimmRange> configured,
                      std::string_view edac_root) {
  DimmMap map;
  map.configured_ = std::move(configured);
  for (const auto& mc : read_edac_tree(host, edac_root)) {
    for (const auto& e : mc.entries) {
      if (!e.csrow) {
        map.dimms_.push_back({e.key, e.label, e.location, e.size_mb, e.ce, e.ue});
        continue;
      }
      // A legacy csrow: one DIMM per channel, sharing the row's size and UE count.
      for (const auto& ch : e.channels) {
        map.dimms_.push_back({e.key + "/" + ch.name, ch.label, "", e.size_mb, ch.ce, e.ue});
      }
    }
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
