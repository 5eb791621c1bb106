#include "stages/inventory/firmware_judge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "kiln/text.hpp"

namespace kiln::runner {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

FirmwareCheck version_check(std::string requirement, std::string verdict, std::string component,
                            std::string model, const VersionRule& rule, const std::string& found,
                            const std::string& error) {
  FirmwareCheck c;
  c.requirement = std::move(requirement);
  c.verdict = std::move(verdict);
  c.component = std::move(component);
  c.model = std::move(model);
  c.required = rule.describe();
  c.found = found;
  c.readable = !trim(found).empty();
  c.found_error = c.readable ? "" : (error.empty() ? "not reported" : error);
  c.met = c.readable && rule.met_by(found);
  return c;
}

std::string disk_component(const DiskFirmware& d) {
  return fmt::format("disk {} ({})", d.serial.empty() ? d.name : d.serial, d.name);
}

std::string nic_component(const NicFirmware& n) {
  return fmt::format("NIC {} (MAC {}, PCI {})", n.name, n.mac, n.pci_address);
}

}  // namespace

std::vector<FirmwareCheck> check_firmware(const FirmwareInventory& fw,
                                          const FirmwareRequirements& want) {
  std::vector<FirmwareCheck> out;
  if (want.bios) {
    out.push_back(version_check("firmware.bios", "KILN-FW-BIOS-VERSION", "BIOS",
                                fw.bios ? fw.bios->vendor : "", *want.bios,
                                fw.bios ? fw.bios->version : "", fw.bios_error));
  }
  if (want.bmc) {
    out.push_back(version_check("firmware.bmc", "KILN-FW-BMC-VERSION", "BMC",
                                fw.bmc ? fw.bmc->product : "", *want.bmc,
                                fw.bmc ? fw.bmc->firmware_revision : "", fw.bmc_error));
  }
  if (want.microcode_min) {
    VersionRule rule;
    rule.min = want.microcode_min;
    out.push_back(version_check("firmware.microcode_min", "KILN-FW-CPU-MICROCODE", "CPU", "", rule,
                                fw.microcode, "/proc/cpuinfo has no microcode line"));
  }
  for (const auto& [model, rule] : want.disks) {
    for (const auto& d : fw.disks) {
      if (d.model.find(model) == std::string::npos) continue;
      out.push_back(version_check("firmware.disks." + model, "KILN-FW-DISK-VERSION",
                                  disk_component(d), d.model, rule, d.firmware, d.error));
    }
  }
  for (const auto& [key, rule] : want.nics) {
    for (const auto& n : fw.nics) {
      if (lower(key) != lower(n.driver) && lower(key) != lower(n.pci_id)) continue;
      out.push_back(version_check("firmware.nics." + key, "KILN-FW-NIC-VERSION", nic_component(n),
                                  n.driver, rule, n.firmware, n.error));
    }
  }
  if (want.dimm_speed_at_rated) {
    for (const auto& m : fw.dimms) {
      FirmwareCheck c;
      c.requirement = "firmware.dimm_speed_at_rated";
      c.verdict = "KILN-DIMM-SPEED-BELOW-RATED";
      c.component = fmt::format("DIMM {} (serial {})", m.locator, m.serial);
      c.model = m.part_number;
      if (m.rated_mts) c.rated = fmt::format("{} MT/s", *m.rated_mts);
      c.required = c.rated.empty() ? "= rated" : "= rated " + c.rated;
      c.readable = m.rated_mts.has_value() && m.configured_mts.has_value();
      if (m.configured_mts) c.found = fmt::format("{} MT/s", *m.configured_mts);
      c.found_error = c.readable ? "" : "dmidecode prints no rated or configured speed";
      c.met = c.readable && *m.configured_mts >= *m.rated_mts;
      out.push_back(std::move(c));
    }
    if (fw.dimms.empty()) {
      FirmwareCheck c;
      c.requirement = "firmware.dimm_speed_at_rated";
      c.verdict = "KILN-DIMM-SPEED-BELOW-RATED";
      c.component = "memory";
      c.required = "= rated";
      c.readable = false;
      c.found_error = fw.dimm_error.empty() ? "dmidecode lists no DIMM" : fw.dimm_error;
      out.push_back(std::move(c));
    }
  }
  return out;
}

nlohmann::json checks_json(const std::vector<FirmwareCheck>& checks) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : checks) {
    nlohmann::json j{{"requirement", c.requirement}, {"component", c.component}, {"model", c.model},
                     {"required", c.required},       {"found", c.found},         {"met", c.met}};
    if (!c.readable) j["error"] = c.found_error;
    out.push_back(std::move(j));
  }
  return out;
}

void report_firmware_checks(StepRecorder& step, const std::vector<FirmwareCheck>& checks) {
  int met = 0;
  for (const auto& c : checks) {
    if (c.met) {
      ++met;
      continue;
    }
    if (!c.readable) {
      step.error("firmware-unreadable",
                 fmt::format("{}: cannot check {} ({} required): {}", c.component, c.requirement,
                             c.required, c.found_error));
      continue;
    }
    // A disk's or NIC's model names the rule that judged it; others follow the part's name.
    const bool rule_model =
        c.verdict == "KILN-FW-DISK-VERSION" || c.verdict == "KILN-FW-NIC-VERSION";
    std::vector<catalog::FailureArg> args{
        {"model", rule_model || c.model.empty() ? c.model : " [" + c.model + "]"},
        {"found", c.found},
        {"requirement", c.requirement}};
    if (c.verdict == "KILN-DIMM-SPEED-BELOW-RATED") {
      args.push_back({"rated", c.rated.empty() ? "unknown" : c.rated});
    } else {
      args.push_back({"required", c.required});
    }
    step.fail(c.verdict, std::move(args), c.component);
  }
  if (!checks.empty() && met == static_cast<int>(checks.size())) {
    step.pass("firmware-as-required",
              fmt::format("all {} firmware requirement check(s) met", checks.size()));
  }
}

}  // namespace kiln::runner
