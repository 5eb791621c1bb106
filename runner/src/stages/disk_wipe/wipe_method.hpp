// Which erase a disk gets: the strongest its controller supports, chosen from
// what the probes found (nvme id-ctrl, hdparm -I, sg_opcodes), each choice
// with its reason and every fallback on the way recorded. choose_wipe_method
// is pure; probe_wipe_facts runs the probes through the host adapter.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "disks/disk_target.hpp"
#include "stage/stage.hpp"
#include "tools/hdparm.hpp"
#include "tools/nvme_cli.hpp"
#include "tools/sg3_utils.hpp"

namespace kiln::runner {

enum class WipeMethod {
  kNvmeSanitizeCrypto,
  kNvmeSanitizeBlock,
  kNvmeFormatCrypto,    // nvme format --ses=2
  kNvmeFormatUserData,  // nvme format --ses=1
  kAtaEnhancedErase,
  kAtaErase,
  kScsiSanitizeCrypto,
  kScsiSanitizeBlock,
  kScsiFormat,
  kOverwrite,
};

std::string_view method_name(WipeMethod m);    // "nvme-sanitize-crypto", ...
std::string_view method_family(WipeMethod m);  // "nvme-sanitize", "nvme-format", "ata-erase", ...
bool is_firmware_method(WipeMethod m);

enum class DiskTransport { kNvme, kAta, kScsi, kVirtual, kUnknown };
std::string_view to_string(DiskTransport t);

// What the probes found about one disk.
struct WipeFacts {
  DiskTarget disk;
  DiskTransport transport = DiskTransport::kUnknown;
  std::string model;
  std::string serial;
  std::string firmware;
  std::uint64_t size_bytes = 0;
  std::optional<tools::NvmeController> nvme;
  std::optional<tools::AtaIdentity> ata;
  std::optional<tools::ScsiSanitizeSupport> scsi;
  std::vector<std::string> probe_failures;  // "nvme id-ctrl /dev/loop0: ..."
  // Hidden areas (ATA only).
  std::optional<tools::HpaState> hpa;
  std::optional<std::uint64_t> dco_real_max;
  std::vector<std::string> hidden_area_notes;
  // Who the disk is (sysfs, with the serial and model the probes read): what
  // diagnoses name and OCPTV hardwareInfo carries.
  catalog::ComponentIdentity part{};
};

struct WipeSettings {
  bool overwrite_always = false;           // policy overwrite: always
  std::set<std::string> allowed_families;  // empty = all firmware families allowed
  bool frozen_falls_back = false;          // ata_frozen: overwrite
  std::string discard = "auto";            // auto (non-rotational), always, never
};

struct WipeChoice {
  WipeMethod method = WipeMethod::kOverwrite;
  std::string reason;                  // why this method
  std::vector<std::string> fallbacks;  // every stronger method that could not be used, and why
  bool overwrite_after = false;        // an overwrite pass follows (policy, or it is the method)
  bool discard = false;                // blkdiscard before the overwrite
  std::optional<Error> blocked;        // the disk cannot be wiped as asked (ATA frozen, locked)
};

WipeChoice choose_wipe_method(const WipeFacts& facts, const WipeSettings& settings);

// Runs the identify probes for the disk's transport, logs under the stage's
// log folder. Never fails: what could not be read lands in probe_failures.
WipeFacts probe_wipe_facts(StageContext& ctx, const DiskTarget& disk);

}  // namespace kiln::runner
