// disk-wipe's parameters (the policy), the per-disk record that becomes the
// certificate's evidence, and the judging of write errors and read-backs.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stage/stage.hpp"
#include "stages/disk_wipe/wipe_firmware.hpp"
#include "stages/disk_wipe/wipe_io.hpp"
#include "stages/disk_wipe/wipe_method.hpp"

namespace kiln::runner {

struct WipePolicy {
  WipeSettings settings;
  FillPattern pattern;
  bool final_zero_pass = false;              // after a non-zero pattern, a pass of zeros
  std::optional<std::uint64_t> random_seed;  // pattern random: fixed seed (else one per disk)
  std::size_t io_size = 4 * 1024 * 1024;
  bool verify_full = false;
  double verify_percent = 1.0;
  bool remove_hidden_areas = false;
  bool allow_signatures = true;
  FirmwareEraseSettings firmware;
};

Expected<WipePolicy> read_wipe_policy(const StageContext& ctx);

// The overwrite passes one disk gets: the policy's pattern (a random one with
// `seed`), then zeros when final_zero_pass is set. The last pass is what the
// read-back proves.
std::vector<FillPattern> overwrite_passes(const WipePolicy& policy, std::uint64_t seed);

// Everything the certificate says about one disk.
struct DiskWipeRecord {
  std::string device;
  std::string name;
  std::string transport;
  std::string model;
  std::string serial;
  std::string firmware;
  std::uint64_t size_bytes = 0;
  std::string method;
  std::string method_reason;
  std::vector<std::string> fallbacks;
  std::vector<std::string> probe_failures;
  std::vector<std::string> hidden_areas;         // findings
  std::vector<std::string> hidden_area_actions;  // removals and their read-back
  std::vector<std::string> commands;
  std::string firmware_read_back;
  std::string discard = "not attempted";
  std::uint64_t overwrite_bytes = 0;  // every pass together
  double overwrite_seconds = 0;
  nlohmann::json overwrite_passes =
      nlohmann::json::array();  // {pattern, [prng, seed], bytes, seconds}
  nlohmann::json verification = nullptr;
  std::string result;   // wiped, failed, error, refused
  std::string failure;  // why not wiped
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point ended;

  void facts_from(const WipeFacts& facts);
  void choice_from(const WipeChoice& choice);
};

nlohmann::json to_json(const DiskWipeRecord& r);
std::string join(const std::vector<std::string>& parts, std::string_view sep = "; ");
std::string iso8601(std::chrono::system_clock::time_point t);

// A write/read error during the wipe: FAIL (the disk cannot be wiped: destroy
// it), or ERROR when the run was stopped.
void judge_write_error(StageContext& ctx, const catalog::ComponentIdentity& part,
                       const Error& error, DiskWipeRecord& rec);
// Measurements for the read-back and a FAIL naming device, serial and byte
// offset on any mismatch. `pattern` empty: blank-or-changed check.
bool judge_verification(StageContext& ctx, const catalog::ComponentIdentity& part,
                        const std::string& pattern, bool full, const VerifyOutcome& outcome,
                        DiskWipeRecord& rec);

}  // namespace kiln::runner
