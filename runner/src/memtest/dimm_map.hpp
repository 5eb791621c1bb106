// Physical address → DIMM label.
//
// What Linux exposes, honestly: EDAC's sysfs tree
// (/sys/devices/system/edac/mc/mcN/) lists the DIMMs of each memory
// controller (dimmM/ or rankM/ with dimm_label, dimm_location, size and CE/UE
// counters; legacy csrowM/ with chK_dimm_label and size_mb; ghes_edac fills
// labels from SMBIOS). It does NOT expose the physical address ranges of
// DIMMs: channel/rank interleaving is decoded only inside the EDAC driver when
// an error is reported, never for an arbitrary address. So kiln maps an
// address to a DIMM only
//   1. by a configured map (delivery config: physical ranges → a label, or
//      an EDAC name "mc0/dimm3" whose dimm_label is then used), or
//   2. when exactly one DIMM is populated (every address is on it),
// and says "unknown DIMM" otherwise. The inventory (with CE/UE counters) is
// still returned, so a stage can name DIMMs whose counters moved.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memtest/edac_tree.hpp"
#include "memtest/fault_log.hpp"
#include "memtest/host_reader.hpp"

namespace kiln::memtest {

struct DimmRange {
  std::uint64_t start = 0;  // physical, inclusive
  std::uint64_t end = 0;    // physical, exclusive
  std::string dimm;         // a label, or an EDAC name such as "mc0/dimm3"
};

struct EdacDimm {
  std::string name;      // "mc0/dimm3", "mc0/rank1", "mc1/csrow0/ch1"
  std::string label;     // dimm_label ("CPU0_DIMM_A1"); may be empty
  std::string location;  // dimm_location ("channel 0 slot 1"); may be empty
  std::uint64_t size_mb = 0;
  std::uint64_t ce_count = 0;
  std::uint64_t ue_count = 0;
  // The label when set, else the EDAC name.
  [[nodiscard]] std::string display() const;
};

class DimmMap {
 public:
  // Reads the EDAC tree under `edac_root` (missing: no inventory).
  static DimmMap load(const MemtestHost& host, std::vector<DimmRange> configured,
                      std::string_view edac_root = kEdacRoot);

  // The DIMM holding `physical_address`, or "unknown DIMM" (also for 0).
  [[nodiscard]] std::string label_for(std::uint64_t physical_address) const;
  [[nodiscard]] const std::vector<EdacDimm>& dimms() const { return dimms_; }
  // One line on how addresses are mapped here, for the report's notes.
  [[nodiscard]] std::string describe() const;

 private:
  [[nodiscard]] std::string resolve_name(const std::string& dimm) const;

  std::vector<DimmRange> configured_;
  std::vector<EdacDimm> dimms_;
};

}  // namespace kiln::memtest
