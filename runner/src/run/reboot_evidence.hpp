// What the next boot can still see of why the node went down (docs/reboots.md):
// the BMC's SEL entries since the run started (power, voltage, thermal,
// watchdog, memory ECC, with the sensor named), the kernel's pstore records
// (the panic or oops line, machine checks) and the EDAC counters of this
// boot. Parsing and judging are pure (tested on real outputs); collecting
// goes through the host adapter.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "host/host_adapter.hpp"
#include "run/run_resume.hpp"
#include "stage/stage.hpp"
#include "stages/memory/edac_counters.hpp"
#include "tools/ipmitool_sel.hpp"
#include "tools/pstore.hpp"

namespace kiln::runner {

// One thing the evidence names, as a diagnosis of the interrupted stage.
struct EvidenceItem {
  std::string source;  // "SEL", "pstore", "EDAC"
  std::string text;  // "Memory ECC Uncorr Err | Uncorrectable ECC (DIMM B2) | Asserted, 12/03/2026
                     // 03:12:44"
  std::string
      component;  // "SEL Memory ECC Uncorr Err", "pstore dmesg-efi-1", "DIMM B2 (mc0/dimm3)"
};

struct RebootEvidence {
  std::vector<EvidenceItem> items;
  std::vector<std::string> unavailable;  // "SEL not read: ...", "no pstore records"
  // For the failure message: "SEL: ...; pstore: ..." or "no evidence: ...".
  [[nodiscard]] std::string summary() const;
};

// The SEL entries at or after `since` (the BMC's clock taken as UTC) worth
// naming: warning and critical ones, asserted. Entries without a date
// (Pre-Init) are left out: nothing says they belong to this run.
std::vector<tools::SelEntry> sel_entries_since(const std::vector<tools::SelEntry>& entries,
                                               std::chrono::system_clock::time_point since);
// "MM/DD/YYYY" + "HH:MM:SS" as UTC; nullopt for Pre-Init or anything else.
std::optional<std::chrono::system_clock::time_point> sel_time(const tools::SelEntry& entry);
// A time point as RFC 3339 in UTC, to the second: "2026-12-03T09:00:00Z".
std::string rfc3339(std::chrono::system_clock::time_point tp);
// RFC 3339 ("2026-12-03T09:00:00Z", fractions allowed) as a time point.
std::optional<std::chrono::system_clock::time_point> rfc3339_time(const std::string& text);

// The evidence from parsed inputs (any may be absent).
RebootEvidence judge_reboot_evidence(const std::vector<tools::SelEntry>& sel_since,
                                     const std::vector<tools::PstoreRecord>& pstore,
                                     const EdacSnapshot& edac);

// Reads the SEL (in-band, or the --bmc over LAN), /sys/fs/pstore and EDAC.
// Tool output goes to ctx's log folder; a source that cannot be read is
// named in `unavailable`, never an error of the run.
RebootEvidence collect_reboot_evidence(StageContext& ctx, const RunResume& resume);
// The same without a stage: the SEL from `since` on (nullopt: not judged, and
// said so), pstore and EDAC; tool output into `log_dir` ("" = none).
RebootEvidence collect_reboot_evidence(HostAdapter& host, const RunOptions& options,
                                       const std::filesystem::path& log_dir,
                                       std::optional<std::chrono::system_clock::time_point> since);

}  // namespace kiln::runner
