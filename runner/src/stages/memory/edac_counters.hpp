// EDAC error counters from /sys/devices/system/edac/mc: per DIMM (dimmN or
// rankN), else per chip-select row (csrowN), else per memory controller; and
// what changed between two readings.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/host_adapter.hpp"
#include "memtest/edac_tree.hpp"

namespace kiln::runner {

using memtest::kEdacRoot;  // the tree read_edac reads (memtest/edac_tree.hpp)

// One place errors are counted: a DIMM/rank, a csrow, or a whole controller.
struct EdacUnit {
  std::string key;       // "mc0/dimm3", "mc1/csrow2", "mc0"
  std::string label;     // dimm_label, or the csrow's channel labels joined; may be empty
  std::string location;  // dimm_location ("channel 0 slot 0"); may be empty
  std::uint64_t ce = 0;
  std::uint64_t ue = 0;
};

struct EdacSnapshot {
  bool present = false;                         // at least one mc* directory
  std::map<std::string, EdacUnit> units;        // finest level available, by key
  std::map<std::string, EdacUnit> controllers;  // mc totals (include unattributed errors)
};

EdacSnapshot read_edac(HostAdapter& host);

struct EdacChange {
  EdacUnit unit;  // as read after
  std::uint64_t ce_delta = 0;
  std::uint64_t ue_delta = 0;
  bool unattributed = false;  // controller errors no DIMM/csrow counted
};

// Units whose counters grew, then per controller the growth its units do not
// account for. A counter that went down (driver reloaded) counts as 0.
std::vector<EdacChange> edac_changes(const EdacSnapshot& before, const EdacSnapshot& after);

// "DIMM CPU_SrcID#0_Channel#1_DIMM#0 (mc0/dimm3)", "csrow 2 of mc1 (labels ...)".
std::string describe_unit(const EdacUnit& unit, bool unattributed = false);

}  // namespace kiln::runner
