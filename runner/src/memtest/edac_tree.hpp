// The EDAC sysfs tree (/sys/devices/system/edac/mc), read once for both of
// its readers: the memory engine names the DIMM of a faulty address from it,
// the memory stage counts corrected/uncorrected errors per DIMM from it.
// Linux lays it out two ways: dimmN/ (or rankN/) directories with dimm_label,
// dimm_location, size, dimm_ce_count, dimm_ue_count; or the legacy csrowN/
// with size_mb, ce_count, ue_count and chK_dimm_label / chK_ce_count per
// channel. Some drivers show both; dimmN/ is then the finer one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memtest/host_reader.hpp"

namespace kiln::memtest {

inline constexpr std::string_view kEdacRoot = "/sys/devices/system/edac/mc";

struct EdacChannel {  // chK of a csrow
  std::string name;   // "ch1"
  std::string label;  // chK_dimm_label; may be empty
  std::uint64_t ce = 0;
};

struct EdacEntry {
  std::string key;       // "mc0/dimm3", "mc0/rank1", "mc1/csrow2"
  bool csrow = false;    // a legacy csrow (see `channels`) rather than a DIMM or rank
  std::string label;     // dimm_label; empty for a csrow (its channels have labels)
  std::string location;  // dimm_location ("channel 0 slot 1"); may be empty
  std::uint64_t size_mb = 0;
  std::uint64_t ce = 0;
  std::uint64_t ue = 0;
  std::vector<EdacChannel> channels;
};

struct EdacController {
  std::string name;      // "mc0"
  std::uint64_t ce = 0;  // totals, including errors no DIMM or csrow was charged with
  std::uint64_t ue = 0;
  bool listable = true;  // false: the mcN directory could not be listed
  // Its dimmN/rankN entries; only when it has none, its csrowN entries.
  std::vector<EdacEntry> entries;
};

// Every mcN under `root`, in the order listed. A counter or size that cannot be
// read or is not a number reads 0; a missing tree gives no controllers.
std::vector<EdacController> read_edac_tree(const MemtestHost& host, std::string_view root);

}  // namespace kiln::memtest
